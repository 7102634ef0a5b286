"""Bad input, hostile text and faults: a clear error and nothing lost (issue).

Every case runs ``python -m pipeline build PATH -o OUTDIR`` in a subprocess, the
way an editor does, and checks three things:

* the exit code (non-zero for an error);
* the message: stderr is exactly one line ``error: <file>: <what is wrong> — <what
  to do>``, never a traceback or an "internal error";
* nothing lost: the output folder already holds a previous build (files named like
  the outputs, of known content, and a file of the editor's); after a failed build
  the whole case folder, that output folder included, is byte-identical, and after
  a good build only the outputs changed.

All builds run once, in parallel, in the ``runs`` fixture; the tests then look at
the results. At the end the module prints a table of every case and its message.

Few cases build fully (each typesets four editions): where only the document model
matters (encodings, NUL bytes, a 1 MB line, OCR) the test runs the text stages of
the stage table in this process instead (``text_stages``), as ``build`` runs them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pdfgen
import pytest
from badinput import (
    MESSAGE,
    SAFE_NAME,
    SMALL,
    Case,
    Run,
    check_run,
    missing,
    output_names,
    print_table,
    run_all,
    write,
)
from badinput import article_setup as _article
from badinput import copy_fixture as _copy
from badinput import file_setup as _file
from badinput import get as _get
from conftest import ROOT, SEED_ID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli
from pipeline.errors import BasmaError
from pipeline.model import document_from_json, to_json, validate
from pipeline.stages import TEXT_STAGES, run_text_stages
from pipeline.writers.editions import output_name

SEED = ROOT / "input" / SEED_ID / "source.txt"


# --- inputs ------------------------------------------------------------------------------

#: A unique file the hostile text asks TeX to create; it must never exist.
PWNED = f"/tmp/pwned-{uuid.uuid4().hex[:12]}"
HOSTILE_TOKENS = (
    r"\input{/etc/passwd}",
    rf"\write18{{touch {PWNED}}}",
    r"\catcode",
    r"\end{document}",
    "$$ x $$",
    "50%",
    "A & B",
    "#1",
    "a_b",
    "x^2",
    "^^5c",
    "~",
    "{кашаа}",
    "<script>alert(1)</script>",
)
HOSTILE = "\n\n".join([
    "Текст коопсуздугу: 100% & #1",
    r"Аннотация: Бул макалада текстте кездешкен атайын белгилер каралат: \input{/etc/passwd}"
    r" жана <script>alert(1)</script> белгилери өзгөрүүсүз басылышы керек.",
    rf"Мугалимдер \write18{{touch {PWNED}}} сыяктуу буйруктарды, \catcode белгисин жана"
    r" \end{document} сабын текст катары көрүшү керек. Студенттер бул белгилерди окуп"
    r" үйрөнүшөт.",
    r"Математикада $$ x $$ белгиси, 50% пайыз, A & B, #1 номер, a_b, x^2, ^^5c, ~ тилде жана"
    r" {кашаа} колдонулат. Бул белгилердин баары басылып чыгышы керек.",
    r"Веб-баракчада <script>alert(1)</script> коду иштебеши керек, ал жөн гана текст."
    r" Ошондуктан окурман аны көрөт, бирок браузер аны аткарбайт.",
]) + "\n"

#: What cp1251 and KOI8-R lack (ҥ ү ө ң, and in KOI8-R – — « »), typed as a legacy
#: file would have it: the seed's legacy version is this text in either encoding.
LEGACY = str.maketrans({"ҥ": "у", "ү": "у", "Ү": "У", "ө": "о", "Ө": "О", "ң": "н", "Ң": "Н",
                        "–": "-", "—": "-", "«": '"', "»": '"'})


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def legacy_text() -> str:
    return seed_text().translate(LEGACY)


def long_line() -> str:
    """One line of 1 MB (UTF-8) of Kyrgyz sentences, without a line break."""
    words = " ".join(text for role, text in pdfgen.sample_blocks() if role == "paragraph")
    text = ""
    while len(text.encode("utf-8")) < 2**20:
        text += words + " "
    raw = text.encode("utf-8")[: 2**20]
    return raw.decode("utf-8", errors="ignore").rsplit(" ", 1)[0] + "."


# --- cases -------------------------------------------------------------------------------


def _up_two(cwd: Path, fixtures: Path) -> str:
    write(cwd.parent.parent / "x.txt", SMALL)
    return "../../x.txt"


META_SYNTAX = """language: ky
title:
  ky: Билим: берүү
  ru: Образование
volume: 12
"""
META_TYPE = """# The editor's metadata.
language: ky
title:
  ky: Билим берүү
volume: "abc"
year: 2026
"""
META_LANG = """# The editor's metadata.
language: xx
title:
  ky: Билим берүү
"""
CORRECTIONS = """# The editor's fixes: the first matches once, the second nothing.
- find: "Конституциясына"
  replace: "Конституциясына"
  note: a fix that applies
- find: "бул сөз текстте жок"
  replace: "x"
  note: a fix that matches nothing
"""
NUL_SCATTERED = (SMALL.replace("Мугалимдер", "Мугалим\x00дер")
                 .replace("студенттер", "\x00\x00студенттер").encode("utf-8"))
NUL_HEAVY = b"\x00\x00\x00\x00".join(SMALL.encode("utf-8")[i:i + 8]
                                       for i in range(0, len(SMALL.encode("utf-8")), 8))

CASES: list[Case] = [
    # -- sources that are no article ---------------------------------------------------
    Case("empty text file", _file("empty.txt", b""), "empty", file="empty.txt",
         what="empty"),
    Case("empty text file with a BOM", _file("notepad.txt", b"\xef\xbb\xbf\r\n"), "notepad",
         file="notepad.txt", what="empty"),
    Case("zero-byte PDF", _file("zero-bytes.pdf", b""), "zero-bytes", file="zero-bytes.pdf",
         what="empty"),
    Case("truncated PDF", _copy("truncated.pdf", "truncated.pdf"), "truncated",
         file="truncated.pdf", what=r"^(?!.*Exception).*(damaged|incomplete|cut off)"),
    Case("PNG renamed .pdf", _copy("image.png", "scan.pdf"), "scan", file="scan.pdf",
         what="image"),
    Case("encrypted PDF", _copy("encrypted.pdf", "encrypted.pdf"), "encrypted",
         file="encrypted.pdf", what="encrypted|password"),
    Case("PDF without pages", _copy("zero-pages.pdf", "zero-pages.pdf"), "zero-pages",
         file="zero-pages.pdf", what="no pages"),
    Case("PDF of one blank page", _copy("blank.pdf", "blank.pdf"), "blank", file="blank.pdf",
         what="no text"),
    Case("image-only PDF, no OCR installed", _copy("image-only.pdf", "scan.pdf"), "scan",
         file="scan.pdf", what="OCR|tesseract", without="tesseract"),
    Case("text mostly NUL bytes", _file("binary.txt", NUL_HEAVY), "binary",
         file="binary.txt", what="not a PDF or a text"),
    # -- odd text ----------------------------------------------------------------------
    # -- the editor's files ------------------------------------------------------------
    Case("meta.yaml not YAML", _article("meta-syntax", meta_yaml=META_SYNTAX), "meta-syntax",
         file="meta-syntax/meta.yaml", what=r"^line 3: .*YAML"),
    Case("meta.yaml volume: \"abc\"", _article("meta-type", meta_yaml=META_TYPE), "meta-type",
         file="meta-type/meta.yaml", what=r"^line 5: volume: 'abc' is not a whole number"),
    Case("meta.yaml language: xx", _article("meta-lang", meta_yaml=META_LANG), "meta-lang",
         file="meta-lang/meta.yaml", what=r"^line 2: language: .*'xx'"),
    Case("meta.yaml not UTF-8",
         _article("meta-cp1251", meta_yaml="language: ky\ntitle:\n  ru: Образование\n"
                  .encode("cp1251")),
         "meta-cp1251", file="meta-cp1251/meta.yaml", what="UTF-8|encoding"),
    Case("corrections.yaml entry matches nothing",
         _article("corrections", corrections_yaml=CORRECTIONS), "corrections",
         file="corrections/corrections.yaml", what=r"^line 5: .*matches nothing"),
    # -- hostile text and names --------------------------------------------------------
    # The only cases that build (typeset): where the outputs go, and what they hold, is
    # what they test. The hostile text goes through the journal's edition and a
    # single-language one (the other two are made by the same code); the names need one.
    Case("hostile LaTeX/HTML text", _file("hostile.txt", HOSTILE), "hostile", status=0,
         slow=True, editions=("full", "ky")),
    Case("folder ..%2F..%2Fx", _article("..%2F..%2Fx"), cli.safe_id("..%2F..%2Fx"), status=0,
         slow=True, editions=("full",)),
    Case("file ../../x.txt, default output", _up_two, "x", status=0, output=False,
         cwd="ws/a", slow=True, editions=("full",)),
    # -- faults ------------------------------------------------------------------------
    Case("LuaLaTeX not installed", _file("small.txt", SMALL), "small", what="LuaLaTeX|lualatex",
         without="lualatex"),
]


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    return make_fixtures(tmp_path_factory.mktemp("errors-fixtures") / "pdfs")


def make_fixtures(folder: Path) -> Path:
    """The PDFs the cases copy, generated once (tests/pdfgen.py)."""
    folder.mkdir(parents=True)
    pdfgen.make_pdf(folder / "two-pages.pdf", pdfgen.sample_blocks())
    pdfgen.make_pdf(folder / "one-page.pdf", OCR_BLOCKS)
    pdfgen.truncated(folder / "two-pages.pdf", folder / "truncated.pdf")
    pdfgen.encrypted(folder / "one-page.pdf", folder / "encrypted.pdf")
    pdfgen.not_a_pdf_png(folder / "image.png")
    pdfgen.zero_page_pdf(folder / "zero-pages.pdf")
    blank = pdfgen.Canvas(str(folder / "blank.pdf"))  # a page with nothing on it
    blank.showPage()
    blank.save()
    if shutil.which("pdftoppm"):
        pdfgen.image_only(folder / "one-page.pdf", folder / "image-only.pdf")
    return folder


#: The one page the OCR case scans: the title and the Kyrgyz abstract.
OCR_BLOCKS = pdfgen.sample_blocks()[:2]



@pytest.fixture(scope="module")
def runs(tmp_path_factory, request, fixtures) -> dict[str, Run]:
    """Every runnable case built once; long builds first, two (or more) at a time."""
    results = run_all(CASES, tmp_path_factory.mktemp("errors"), fixtures)
    request.addfinalizer(lambda: print_table(request.config, CASES, results,
                                             "bad input: every case and its message"))
    return results


def get(runs: dict[str, Run], name: str) -> Run:
    return _get(runs, CASES, name)


def blocks(run: Run) -> list[dict]:
    assert run.returncode == 0, run.message
    return json.loads((run.outdir / "document.json").read_text(encoding="utf-8"))["blocks"]


# --- the table: exit code, message, nothing lost ----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_case(case: Case, runs):
    run = get(runs, case.name)
    problems = check_run(case, run)
    assert not problems, f"{case.name}: " + "; ".join(problems)


# --- encodings ---------------------------------------------------------------------------


#: The seed in other encodings. cp1251 and KOI8-R cannot hold ҥ ү ө ң (KOI8-R not even
#: – « »): their version spells those as a legacy file would (у о н, - "), and is
#: compared with the UTF-8 text of exactly that.
ENCODED = {
    "seed UTF-8": lambda: seed_text().encode("utf-8"),
    "seed UTF-16 with BOM": lambda: seed_text().encode("utf-16"),
    "seed UTF-16LE without BOM": lambda: seed_text().encode("utf-16-le"),
    "legacy seed UTF-8": lambda: legacy_text().encode("utf-8"),
    "legacy seed cp1251": lambda: legacy_text().encode("cp1251"),
    "legacy seed KOI8-R": lambda: legacy_text().encode("koi8_r"),
}


def text_stages(src: Path) -> dict:
    """document.json's content for one source: the stage table's text stages, run in
    this process the way ``build`` runs them."""
    return json.loads(to_json(run_text_stages(src)))


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> dict[str, list[dict]]:
    folder = tmp_path_factory.mktemp("encodings")
    return {name: text_stages(write(folder / f"{re.sub(r'[^A-Za-z0-9]+', '-', name)}.txt",
                                    data()))["blocks"] for name, data in ENCODED.items()}


@pytest.mark.parametrize("variant, reference", [
    ("seed UTF-16 with BOM", "seed UTF-8"),
    ("seed UTF-16LE without BOM", "seed UTF-8"),
    ("legacy seed cp1251", "legacy seed UTF-8"),
    ("legacy seed KOI8-R", "legacy seed UTF-8"),
])
def test_encodings_give_the_same_document(encoded, variant, reference):
    assert encoded[variant] == encoded[reference]


# --- odd text ----------------------------------------------------------------------------


def test_nul_bytes_are_dropped_and_recorded(tmp_path):
    doc = text_stages(write(tmp_path / "nul.txt", NUL_SCATTERED))
    text = "\n".join(b["text"] for b in doc["blocks"])
    assert "\x00" not in text
    assert "Мугалимдер" in text and "студенттер" in text
    recorded = [c for c in doc.get("changes", []) if "\x00" in c["before"]]
    assert len(recorded) == 2, doc.get("changes")


def test_one_megabyte_line_is_kept_whole(tmp_path):
    """One paragraph of 1 MB: the cleaner must neither hang nor drop text (typesetting
    it would only measure TeX)."""
    doc = text_stages(write(tmp_path / "long.txt", long_line() + "\n"))
    text = " ".join(" ".join(b["text"] for b in doc["blocks"]).split())
    source = " ".join(long_line().split())
    assert len(text) >= 0.99 * len(source)
    assert source[:300] in text and source[-300:] in text


@pytest.mark.skipif(bool(missing("tesseract", "pdftoppm")),
                    reason=str(missing("tesseract", "pdftoppm")))
def test_ocr_reads_an_image_only_pdf(fixtures):
    text = "\n".join(b["text"] for b in text_stages(fixtures / "image-only.pdf")["blocks"])
    expected = "\n".join(pdfgen.split_label(t)[1] for _, t in OCR_BLOCKS)
    assert pdfgen.word_accuracy(expected, text) >= 0.9, text


# --- hostile text --------------------------------------------------------------------------


def _squash(text: str) -> str:
    """Whitespace as single spaces; a line broken after a hyphen joined again; the
    EPUB's soft hyphens (U+00AD, invisible break points in Kyrgyz words) left out."""
    return re.sub(r"(?<=-) ", "", " ".join(text.replace("\u00ad", "").split()))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def xhtml_trees(path: Path) -> list[tuple[str, ET.Element]]:
    with zipfile.ZipFile(path) as z:
        return [(n, ET.fromstring(z.read(n))) for n in z.namelist() if n.endswith(".xhtml")]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext missing")
def test_hostile_text_is_printed_literally(runs):
    run = get(runs, "hostile LaTeX/HTML text")
    assert run.returncode == 0, run.message
    assert not Path(PWNED).exists(), "\\write18 ran a shell command"
    for key in ("", ".ky"):
        pdf = _squash(pdf_text(run.outdir / f"hostile{key}.pdf"))
        missing = [t for t in HOSTILE_TOKENS if t not in pdf]
        assert not missing, f"hostile{key}.pdf lacks {missing}: {pdf[:1500]}"
        assert "root:x:0:0" not in pdf, "/etc/passwd was read into the PDF"
        trees = xhtml_trees(run.outdir / f"hostile{key}.epub")
        epub = _squash(" ".join("".join(t.itertext()) for _, t in trees))
        missing = [t for t in HOSTILE_TOKENS if t not in epub]
        assert not missing, f"hostile{key}.epub lacks {missing}"
        scripts = [n for n, t in trees for e in t.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
        assert not scripts, f"a <script> element in {scripts}"


def test_plain_text_keeps_title_abstract_and_paragraphs(runs):
    """The hostile article is an ordinary text file: one paragraph per line, blank lines
    between. Its title, abstract and three body paragraphs must stay apart."""
    got = blocks(get(runs, "hostile LaTeX/HTML text"))
    roles = [b["role"] for b in got]
    assert roles[:2] == ["title", "abstract"], [(b["role"], b["text"][:60]) for b in got]
    assert roles.count("paragraph") == 3, [(b["role"], b["text"][:60]) for b in got]


def test_hostile_epubs_pass_epubcheck(runs, epubchecker):
    run = get(runs, "hostile LaTeX/HTML text")
    assert run.returncode == 0, run.message
    verdicts = epubchecker.check(*(run.outdir / f"hostile{k}.epub" for k in ("", ".ky")))
    failed = [v.report() for v in verdicts if not v.ok]
    assert not failed, "\n".join(failed)


# --- names --------------------------------------------------------------------------------


def test_hostile_folder_name_stays_in_the_output_folder(runs):
    run = get(runs, "folder ..%2F..%2Fx")
    assert run.returncode == 0, run.message
    stem = cli.safe_id("..%2F..%2Fx")
    assert SAFE_NAME.fullmatch(stem) and ".." not in stem
    written = run.changed()
    assert all(p.startswith("out/") and "/" not in p[4:] for p in written), sorted(written)
    assert {p[4:] for p in written} >= output_names(stem, ("full",))
    assert not (run.cwd / "output").exists(), "wrote to output/ despite -o"


def test_relative_path_up_builds_into_the_working_folder(runs):
    run = get(runs, "file ../../x.txt, default output")
    assert run.returncode == 0, run.message
    assert run.stdout.strip().splitlines()[-1] == "output/x"
    outside = [p for p in run.changed() if not p.startswith("ws/a/output/x/")]
    assert not outside, outside


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_safe_id_never_leaves_the_folder(name):
    ident = cli.safe_id(name)
    assert SAFE_NAME.fullmatch(ident), ident
    assert ".." not in ident
    folder = Path("/srv/out")
    for key in ("full", "ky"):
        target = folder / output_name(ident, key, "pdf")
        assert target.parent == folder and not target.name.startswith(".")


@pytest.mark.parametrize("name", ["..", "../../etc/passwd", ".hidden", "-rf", "a/../../b",
                                  "..%2F..%2Fx", "x\x00y", "Тест.txt", "..\\..\\x", "", "~"])
def test_safe_id_examples(name):
    ident = cli.safe_id(name)
    assert SAFE_NAME.fullmatch(ident) and ".." not in ident, ident


# --- the document model never crashes ------------------------------------------------------

PIECES = st.sampled_from([
    "Аннотация:", "Аннотация: ", "Annotation:", "Ключевые слова:", "Ачкыч сөздөр:",
    "Keywords:", "Адабияттар", "Список литературы", "References", "[1]", "[12]", "1.", "2)",
    "– ", "• ", "Билим берүү ", "системасында ", "образование ", "education ", "УДК 37",
    "\n", "\n\n", " \n", "\t", " ", "\u00ad", "\ufeff", "ҥ", "Ð°", "\x00", "«", "»", "-",
    "ЮНЕСКО", "%PDF-", "\\input{x}", "<b>", "\r\n", "\u200b", "\u0301", "👩‍🎓",
])
TEXTS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=80).map("".join),
)


def build_model(raw: bytes):
    """The text stages from the stage table, as make and ``build`` run them."""
    value = raw
    for stage in TEXT_STAGES:
        value = stage.apply(value, "random.txt")
    return value


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, ENCODINGS)
def test_document_model_from_random_text_never_crashes(text, encoding):
    try:
        doc = build_model(text.encode(encoding))
    except BasmaError as exc:  # a clear refusal (empty, binary …) is fine; a crash is not
        assert MESSAGE.match(exc.one_line()), exc.one_line()
        return
    validate(doc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, ENCODINGS)
def test_document_model_survives_its_json(text, encoding):
    """make's stages pass document.json on: what the build accepts must read back."""
    try:
        doc = build_model(text.encode(encoding))
    except BasmaError:
        return
    text = to_json(doc)
    assert to_json(document_from_json(text)) == text
