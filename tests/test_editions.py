"""What each edition contains (unit tests of ``make_edition``), and the EPUB languages
and the editor's translations on the seed article."""

import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import SEED_ID, built_copy, run_make

from pipeline.document import EditorFiles, make_document
from pipeline.model import Block, Document, Span
from pipeline.writers.editions import EDITION_KEYS, edition_sources, editions, make_edition

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
            # Kyrgyz text carries soft hyphens (epub.soft_hyphens): not part of the words.
            found[_norm("".join(el.itertext()).replace("\u00ad", ""))] = (lang, el.get("lang"))
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
    """The built seed with an editor's Russian translation added; make brings the
    editions' sources up to date (what typesetting then does is test_make's)."""
    project = built_copy(seed_project, tmp_path_factory.mktemp("translated") / "p")
    before = mtimes(project)
    folder = project / "input" / SEED_ID / "translations"
    folder.mkdir()
    (folder / "ru.md").write_text(TRANSLATION, encoding="utf-8")
    proc = run_make(project, f"build/{SEED_ID}/editions.stamp")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return project, proc, before


def mtimes(project: Path) -> dict[str, int]:
    return {p.relative_to(project).as_posix(): p.stat().st_mtime_ns
            for d in ("build", "output") for p in (project / d).rglob("*") if p.is_file()}


def test_translation_becomes_the_body_of_its_edition(translated):
    project, proc, before = translated
    out = project / "build" / SEED_ID / "out"
    tex = _norm((out / f"{SEED_ID}.ru.tex").read_text(encoding="utf-8"))
    assert "Гуманизация предполагает, что человек" in tex
    assert "Полный текст статьи" not in tex
    source = json.loads((project / "build" / SEED_ID / "ru.epub.json").read_text("utf-8"))
    assert "Гуманизация" in json.dumps(source, ensure_ascii=False)
    # Only the Russian edition's sources were rewritten: only it will be re-made.
    changed = {n for n, t in mtimes(project).items()
               if before.get(n) != t and "/deps/" not in n}  # make's bookkeeping
    assert changed - {f"build/{SEED_ID}/editions.stamp"} == {
        f"build/{SEED_ID}/out/{SEED_ID}.ru.tex", f"build/{SEED_ID}/ru.epub.json"}, changed


def test_stale_translation_is_reported(translated):
    """A translation older than the source is named when the editions are made again
    (make -W: as if the translation had been edited, without re-extracting)."""
    project, _, _ = translated
    folder = project / "input" / SEED_ID
    older = (folder / "source.txt").stat().st_mtime - 3600
    os.utime(folder / "translations" / "ru.md", (older, older))
    proc = run_make(project, "-W", f"input/{SEED_ID}/translations/ru.md",
                    f"build/{SEED_ID}/editions.stamp")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "translations/ru.md is older than" in proc.stderr


# --- what each edition contains, from the document model --------------------------------

META = """language: ky
title:
  ky: Кыргызстандагы заманбап билим берүү
  ru: Современное образование в Кыргызстане
  en: Modern Education in Kyrgyzstan
doi: 10.99999/es.2026.12.2.45
"""
BODY_KY = "Билим берүү системасы тез өзгөрүүдө, мугалимдер жаңы ыкмаларды колдонушат [1]."


def tagged() -> Document:
    """A tagged article as the tag stage leaves it: front matter in source order (the
    Russian abstract first), a Kyrgyz body with a footnote, a reference list."""
    return Document({}, [
        Block("t1", "title", "en", "MODERN EDUCATION (AS EXTRACTED)"),
        Block("a-ru", "abstract", "ru", "В статье рассматриваются тенденции образования."),
        Block("k-ru", "keywords", "ru", "образование, школа"),
        Block("a-ky", "abstract", "ky", "Макалада билим берүүнүн тенденциялары каралат."),
        Block("k-ky", "keywords", "ky", "билим берүү, мектеп"),
        Block("a-en", "abstract", "en", "The article considers trends in education."),
        Block("h1", "heading", "ky", "Киришүү", level=1),
        Block("p1", "paragraph", "ky", BODY_KY,
              spans=[Span(BODY_KY.index("[1]"), BODY_KY.index("[1]") + 3, cite=[1])]),
        Block("l1", "list_item", "ky", "Биринчи, санариптештирүү."),
        Block("f1", "footnote", "ky", "Шилтеменин тексти."),
        Block("rh", "references_heading", "ky", "Адабияттар"),
        Block("r1", "reference", "ru", "Иванов И. И. Образование в XXI веке. М., 2020.",
              number="1"),
    ], problems=["a problem the editor must see"])


def published(tmp_path: Path, meta: str = META, doc: Document | None = None) -> Document:
    """The document stage's result: the tagged blocks under the editor's meta.yaml."""
    path = tmp_path / "meta.yaml"
    path.write_text(meta, encoding="utf-8")
    return make_document(doc or tagged(), EditorFiles(meta=path))


def ids(blocks: list[Block]) -> list[str]:
    return [b.id for b in blocks]


def test_full_edition_has_every_title_and_front_block_in_language_order(tmp_path):
    ed = make_edition(published(tmp_path), "full")
    assert ed.titles == [("ky", "Кыргызстандагы заманбап билим берүү"),
                         ("ru", "Современное образование в Кыргызстане"),
                         ("en", "Modern Education in Kyrgyzstan")]
    assert ids(ed.front) == ["a-ky", "k-ky", "a-ru", "k-ru", "a-en"]
    assert ed.lang == ed.body_lang == "ky" and ed.notice is None
    assert ed.problems == ["a problem the editor must see"]


def test_full_edition_body_leaves_out_front_matter_notes_and_references(tmp_path):
    ed = make_edition(published(tmp_path), "full")
    assert ids(ed.body) == ["h1", "p1", "l1"]
    assert ids(ed.footnotes) == ["f1"] and ids(ed.references) == ["r1"]


def test_the_body_language_edition_keeps_the_body_and_its_notes(tmp_path):
    ed = make_edition(published(tmp_path), "ky")
    assert ed.titles == [("ky", "Кыргызстандагы заманбап билим берүү")]
    assert ids(ed.front) == ["a-ky", "k-ky"]
    assert ids(ed.body) == ["h1", "p1", "l1"] and ids(ed.footnotes) == ["f1"]
    assert ed.notice is None


@pytest.mark.parametrize("key, front, notice", [
    ("ru", ["a-ru", "k-ru"], "Полный текст статьи на кыргызском языке."),
    ("en", ["a-en"], "The full text of the article is in Kyrgyz."),
])
def test_another_language_gets_its_front_matter_and_a_notice(tmp_path, key, front, notice):
    ed = make_edition(published(tmp_path), key)
    assert [lang for lang, _ in ed.titles] == [key]
    assert ids(ed.front) == front
    assert ed.body == [] and ed.footnotes == []  # a note without its text means nothing
    assert ed.notice == notice and ed.body_lang == "ky"
    assert ids(ed.references) == ["r1"]  # bibliographic data: always whole


def test_the_editors_title_wins_over_the_extracted_one(tmp_path):
    ed = make_edition(published(tmp_path), "en")
    assert ed.titles == [("en", "Modern Education in Kyrgyzstan")]
    no_en = META.replace("  en: Modern Education in Kyrgyzstan\n", "")
    ed = make_edition(published(tmp_path, no_en), "en")
    assert ed.titles == [("en", "MODERN EDUCATION (AS EXTRACTED)")]


def test_without_a_title_in_its_language_an_edition_shows_the_body_languages(tmp_path):
    doc = tagged()
    doc.blocks = [b for b in doc.blocks if b.role != "title"]
    only_ky = "language: ky\ntitle:\n  ky: Кыргызстандагы заманбап билим берүү\n"
    ed = make_edition(published(tmp_path, only_ky, doc), "ru")
    assert ed.titles == [("ky", "Кыргызстандагы заманбап билим берүү")]
    assert ed.title() == "Кыргызстандагы заманбап билим берүү"


def test_without_a_declared_language_the_body_language_is_the_commonest(tmp_path):
    doc = tagged()
    doc.blocks.append(Block("p2", "paragraph", "ru", "Короткий абзац."))
    no_lang = META.replace("language: ky\n", "")
    full = make_edition(published(tmp_path, no_lang, doc), "full")
    assert full.body_lang == "ky"
    ru = make_edition(published(tmp_path, no_lang, doc), "ru")
    assert ru.body == [] and "кыргызском" in ru.notice


def test_a_translation_replaces_the_notice(tmp_path):
    translation = [Block("t1", "heading", "ru", "Введение", level=1),
                   Block("t2", "paragraph", "ru", "Система образования быстро меняется.")]
    ed = make_edition(published(tmp_path), "ru", translation)
    assert ed.body == translation and ed.body_lang == "ru" and ed.notice is None
    assert ids(ed.front) == ["a-ru", "k-ru"]


def test_a_translation_folder_feeds_only_its_own_edition(tmp_path):
    folder = tmp_path / "translations"
    folder.mkdir()
    (folder / "ru.md").write_text("# Введение\n\nСистема образования быстро меняется.\n",
                                  encoding="utf-8")
    got = {ed.key: ed for ed in editions(published(tmp_path), folder)}
    assert list(got) == list(EDITION_KEYS)
    assert [b.text for b in got["ru"].body] == ["Введение",
                                                "Система образования быстро меняется."]
    assert got["ru"].notice is None
    assert got["en"].notice and got["en"].body == []
    assert ids(got["ky"].body) == ids(got["full"].body) == ["h1", "p1", "l1"]


def test_edition_sources_render_what_each_edition_holds(tmp_path):
    sources = edition_sources(published(tmp_path))
    assert set(sources) == set(EDITION_KEYS)
    ru_tex, ru_epub = sources["ru"]
    assert "Полный текст статьи на кыргызском языке" in ru_tex
    assert "тенденциялары каралат" not in ru_tex and "тез өзгөрүүдө" not in ru_tex
    assert "тенденциялары каралат" not in json.dumps(ru_epub, ensure_ascii=False)
    full_tex, _ = sources["full"]
    assert "тез өзгөрүүдө" in full_tex and "Полный текст статьи" not in full_tex


def test_a_second_reference_list_keeps_its_heading_in_print_and_epub():
    """Список литературы then a transliterated References: both lists, the second titled."""
    blocks = [
        Block("b1", "paragraph", "ru", "Текст со ссылкой [1].",
              spans=[Span(17, 20, cite=[1], targets=["ref-1", "ref2-1"])]),
        Block("b2", "references_heading", "ru", "Список литературы", ref_list=1),
        Block("ref-1", "reference", "ru", "Иванов И. И. Теория. М.: Наука, 2019.",
              number="1", ref_list=1),
        Block("b3", "references_heading", "en", "References", ref_list=2),
        Block("ref2-1", "reference", "en", "Ivanov I. I. Teoriya [Theory]. Moscow, 2019.",
              number="1", ref_list=2),
    ]
    doc = Document({"title": {"ru": "Статья"}, "language": "ru"}, blocks)
    tex, epub = edition_sources(doc)["full"]
    first, second = tex.index("Иванов"), tex.index("Ivanov")
    assert "References" in tex[first:second], "the second list has no heading of its own"
    assert tex.count(r"\begin{enumerate}[label={[\arabic*]}") == 2
    headers = [b for b in epub["ast"]["blocks"] if b["t"] == "Header"]
    levels = [h["c"][0] for h in headers]
    # The second list's heading is one level below the references heading (level 1
    # in a chaptered article, 2 in a short one under its title).
    assert levels[-1] == levels[-2] + 1
    assert "References" in json.dumps(headers[-1], ensure_ascii=False)
