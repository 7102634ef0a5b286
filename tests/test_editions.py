"""EPUB languages and the single-language editions, on the seed article."""

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import SEED_ID, run_make

XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHECKED_ROLES = ("abstract", "heading", "paragraph", "list_item", "reference")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def element_langs(epub) -> dict[str, tuple[str, str | None]]:
    """Text of every block element → (effective xml:lang, its lang attribute)."""
    found: dict[str, tuple[str, str | None]] = {}

    def walk(el, lang):
        own = el.get(XML_LANG)
        if own is not None:
            assert el.get("lang") == own, "lang and xml:lang disagree"
        lang = own or lang
        tag = el.tag.replace(XHTML, "")
        if tag in ("p", "li", "h1", "h2", "h3", "h4"):
            found[_norm("".join(el.itertext()))] = (lang, el.get("lang"))
        for child in el:
            walk(child, lang)

    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith(".xhtml") and "nav" not in name:
                walk(ET.fromstring(z.read(name)), None)
    return found


def test_every_block_xml_lang_matches_document(seed_out):
    doc = json.loads((seed_out / "document.json").read_text(encoding="utf-8"))
    elements = element_langs(seed_out / f"{SEED_ID}.epub")
    checked = 0
    for block in doc["blocks"]:
        if block["role"] not in CHECKED_ROLES:
            continue
        text = _norm(block["text"])
        match = [v for k, v in elements.items() if k == text or k.endswith(" " + text)]
        assert match, f"block {block['id']} not found in the EPUB"
        assert match[0][0] == block["lang"], (block["id"], match[0], block["lang"])
        checked += 1
    assert checked >= 50


def test_inline_spans_carry_their_language(seed_out):
    with zipfile.ZipFile(seed_out / f"{SEED_ID}.epub") as z:
        html = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert re.search(r'<span lang="de" xml:lang="de">tendent</span>', html)
    assert re.search(r'<span lang="la" xml:lang="la">tendere</span>', html)
    assert re.search(r'lang="en" xml:lang="en">Cyber Home Learning System<', html)


def test_english_edition_has_no_cyrillic(seed_out):
    with zipfile.ZipFile(seed_out / f"{SEED_ID}.en.epub") as z:
        text = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode())
                        for n in z.namelist() if n.endswith(".xhtml"))
    assert not re.search(r"[А-Яа-яЁёӨөҮүҢң]", text)


TRANSLATION = """\
# Гуманизация образования

Гуманизация предполагает, что человек с его личными возможностями и способностями
становится центром образования.

# Демократизация образования

Внимание к личности, её интересам и потребностям формирует пути реализации
общественных требований.
"""


@pytest.fixture(scope="module")
def translated(seed_project, tmp_path_factory):
    """The seed with an editor's Russian translation of the body, rebuilt by make."""
    project = tmp_path_factory.mktemp("translated")
    shutil.copytree(seed_project, project, dirs_exist_ok=True, symlinks=True)
    folder = project / "input" / SEED_ID / "translations"
    folder.mkdir()
    (folder / "ru.md").write_text(TRANSLATION, encoding="utf-8")
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return project, proc


def test_translation_becomes_the_body_of_its_edition(translated):
    project, proc = translated
    out = project / "output" / SEED_ID
    with zipfile.ZipFile(out / f"{SEED_ID}.ru.epub") as z:
        html = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "Гуманизация предполагает, что человек" in _norm(re.sub(r"<[^>]+>", " ", html))
    assert "Полный текст статьи" not in html
    pdf_text = _pdftext(out / f"{SEED_ID}.ru.pdf")
    assert "Гуманизация предполагает, что человек" in pdf_text
    assert "Полный текст статьи" not in pdf_text
    # Only the Russian edition was rebuilt.
    assert f"{SEED_ID}.ru.pdf" in proc.stderr and f"{SEED_ID}.en.pdf" not in proc.stderr


def test_stale_translation_is_reported(translated):
    project, _ = translated
    source = project / "input" / SEED_ID / "source.txt"
    source.touch()
    proc = run_make(project, "build")
    assert proc.returncode == 0
    assert "translations/ru.md is older than" in proc.stderr


def _pdftext(pdf) -> str:
    import subprocess

    return _norm(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout)
