"""PDF extraction (pipeline/readers/pdf/): fixture PDFs come back through the pipeline.

Every fixture is typeset by ``pdfgen`` into a temporary folder; no PDF is
committed. The stages run in process (extract → clean → segment → tag), and the
whole build runs once from the command line, as an editor runs it.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from pdfgen import (
    BODY_FONT,
    FIRST_PAGE,
    LAYOUTS,
    RUNNING_HEAD,
    _tokens,
    break_tounicode,
    encrypted,
    image_only,
    make_pdf,
    not_a_pdf_png,
    sample_blocks,
    seed_blocks,
    truncated,
    word_accuracy,
    zero_page_pdf,
)

from pipeline.cleaner import clean
from pipeline.readers import extract, pdf
from pipeline.readers.pdf import clustering
from pipeline.readers.pdf.words import make_line
from pipeline.segment import segment
from pipeline.tag import tag

ROOT = Path(__file__).resolve().parent.parent
def _norm(text: str) -> str:
    return " ".join(text.split())  # str.split also splits at the cleaner's no-break spaces


def _run(path: Path):
    """Extraction, cleaned paragraphs and the tagged document of a PDF.

    The cleaner repairs runs in place, so it gets a copy: the extraction stays as read.
    """
    ex = extract(path.read_bytes(), str(path))
    cleaned = clean(copy.deepcopy(ex))
    return ex, cleaned, tag(segment(cleaned))


def _text(doc) -> str:
    return "\n".join(b.text for b in doc.blocks)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The seed article in every layout: {layout: (path, expected, (ex, cleaned, doc))}."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, layout in LAYOUTS.items():
        path = folder / f"seed-{name}.pdf"
        expected = make_pdf(path, seed_blocks(), running_head=RUNNING_HEAD,
                            first_page=FIRST_PAGE, **layout)
        out[name] = (path, expected, _run(path))
    return out


# --- 1. the seed article comes back -------------------------------------------------


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_seed_text_comes_back(seed, layout):
    _, expected, (_, _, doc) = seed[layout]
    assert expected.page_count >= 4
    assert word_accuracy(expected.text, _text(doc)) >= 0.995


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_no_running_head_or_page_number(seed, layout):
    _, expected, (ex, _, doc) = seed[layout]
    got = _text(doc)
    assert got.count(RUNNING_HEAD) == expected.text.count(RUNNING_HEAD)
    numbers = Counter(t for t in _tokens(got) if t.isdigit())
    assert numbers == Counter(t for t in _tokens(expected.text) if t.isdigit())
    assert "running-head" in ex.notes[0]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_seed_roles(seed, layout):
    """The blocks of each role are the expected ones (the text itself is checked above)."""
    _, expected, (_, _, doc) = seed[layout]
    for role in ("title", "abstract", "heading", "list_item"):
        got = [b.text for b in doc.by_role(role)]
        wanted = [t for r, t in expected.blocks if r == role]
        assert len(got) == len(wanted), role
        assert all(word_accuracy(w, g) > 0.9 for w, g in zip(wanted, got, strict=True)), role
    assert [b.lang for b in doc.by_role("abstract")] == ["ky", "ru", "en"]
    headings = doc.by_role("heading")
    assert len(headings) == 5 and all(b.run_in for b in headings)


def test_build_from_the_command_line(seed, tmp_path):
    """The text stages as make runs them, one command each, from a PDF to document.json
    (the writers do not care what the source was: their full builds are tested on text
    and DOCX sources, and typesetting this one again would cost the suite 30 s)."""
    path, expected, _ = seed["one"]
    previous = path
    for stage in ("extract", "clean", "segment", "tag", "document"):
        out = tmp_path / f"{stage}.json"
        proc = subprocess.run([sys.executable, "-m", "pipeline", stage, str(previous),
                               "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, (stage, proc.stderr)
        previous = out
    doc = json.loads(previous.read_text(encoding="utf-8"))
    blocks = doc["blocks"]
    assert word_accuracy(expected.text, "\n".join(b["text"] for b in blocks)) >= 0.995
    assert not [b for b in blocks if RUNNING_HEAD in b["text"] or b["text"].isdigit()]
    assert [b["lang"] for b in blocks if b["role"] == "abstract"] == ["ky", "ru", "en"]
    roles = Counter(b["role"] for b in blocks)
    assert roles["title"] == 1 and roles["heading"] == 5 and roles["list_item"] == 10


# --- 2. word gaps ----------------------------------------------------------------------


def _chars(words: list[str], size: float, kerning: list[float], space: float) -> list[dict]:
    """pdfplumber-like characters: glyphs 0.5 em wide, no space glyphs."""
    chars, x, k = [], 50.0, 0
    for word in words:
        for i, ch in enumerate(word):
            if i:
                x += kerning[k % len(kerning)]
                k += 1
            chars.append({"text": ch, "x0": x, "x1": x + 0.5 * size, "top": 100.0 - size,
                          "bottom": 100.0, "size": size, "fontname": "ABCDEF+PTSerif-Regular"})
            x += 0.5 * size
        x += space
    return chars


@pytest.mark.parametrize(("kerning", "space"), [
    ([0.0], 0.16),  # tight justified line, glyphs touching
    ([-0.04, 0.0, 0.03, 0.01], 0.16),  # kerned in both directions
    ([0.1], 0.3),  # letter-spaced (tracked) text: kerning wider than the last case's spaces
    ([0.0, 0.02], 1.5),  # a loose justified line
])
def test_each_line_finds_its_own_word_gaps(kerning, space):
    words = ["Билим", "берүү", "системасы", "и", "а"]
    size = 10.0
    line = make_line(_chars(words, size, [k * size for k in kerning], space * size), "full")
    assert line.text == " ".join(words)
    assert line.runs[0].font == "PTSerif-Regular"


def test_fake_bold_overprint_is_read_once():
    chars = _chars(["Билим", "берүү"], 10.0, [0.0], 2.0)
    overprint = [dict(c, x0=c["x0"] + 0.4, x1=c["x1"] + 0.4) for c in chars]
    (row,) = clustering.rows(clustering.dedupe(chars + overprint))
    assert make_line(row, "full").text == "Билим берүү"


@pytest.mark.parametrize("layout", ["one", "two"])
def test_no_word_glued_or_split(seed, layout):
    """Every word of every extracted line is a word of the article (the labels aside)."""
    _, expected, (ex, _, _) = seed[layout]
    known = set(_tokens(expected.text)) | {"Аннотация", "Annotation"}
    assert not {t for ln in ex.lines for t in _tokens(ln.text)} - known


# --- 3. line-end hyphens -----------------------------------------------------------------


@pytest.mark.parametrize("layout", ["one-hyph", "two-hyph"])
def test_extraction_keeps_every_line_end_hyphen(seed, layout):
    """Hyphens are the cleaner's to decide: extraction leaves every one where it was."""
    _, expected, (ex, _, _) = seed[layout]
    assert sum(ln.text.endswith("-") for ln in ex.lines) == len(expected.hyphenated) > 20


@pytest.mark.parametrize("layout", ["one-hyph", "two-hyph"])
def test_hyphenated_words_come_back_whole(seed, layout):
    _, expected, (_, _, doc) = seed[layout]
    got = set(_tokens(_text(doc)))
    assert not got - set(_tokens(expected.text))  # no "би-лим", no "билимберүү"
    compounds = [w for w in expected.hyphenated if "-" in w]
    assert compounds and all(_tokens(w)[0] in got for w in expected.hyphenated)


# --- 4. paragraphs across column and page breaks -------------------------------------------


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_paragraphs_continue_across_breaks(seed, layout):
    _, expected, (_, _, doc) = seed[layout]
    split = expected.split_blocks()
    assert split
    got = {_norm(b.text) for b in doc.blocks}
    assert [i for i in split if _norm(expected.blocks[i][1]) not in got] == []


# --- 5. footnotes ---------------------------------------------------------------------------


def _with_two_notes():
    blocks = list(sample_blocks())
    i = next(k for k, (_, t) in enumerate(blocks) if t.startswith("Маанилүү аспект"))
    blocks.insert(i + 1, ("footnote", "Кыргыз Республикасынын Улуттук статистикалык комитети."))
    return blocks


@pytest.mark.parametrize("columns", [1, 2])
def test_footnotes_are_blocks_of_their_own(tmp_path, columns):
    path = tmp_path / "notes.pdf"
    expected = make_pdf(path, _with_two_notes(), columns=columns, running_head=RUNNING_HEAD)
    _, _, doc = _run(path)
    notes = [_norm(t) for r, t in expected.blocks if r == "footnote"]
    assert [_norm(b.text) for b in doc.by_role("footnote")] == notes
    body = "\n".join(b.text for b in doc.blocks if b.role != "footnote")
    assert word_accuracy("\n".join(t for r, t in expected.blocks if r != "footnote"),
                         body) >= 0.995
    assert "Basic Books" not in body and "статистикалык комитети" not in body
    assert RUNNING_HEAD not in body  # printed on the second page only, and still removed


# --- 6. a lying ToUnicode map -------------------------------------------------------------


@pytest.mark.parametrize("mapping", [{"ү": "ҥ", "Ү": "Ҥ"}, {"ө": "є", "ү": "ї", "ң": "ў"}],
                         ids=["ue-as-legacy-ng", "cp1251-slots"])
def test_legacy_font_map_is_repaired_per_font(seed, tmp_path, mapping):
    path, expected, _ = seed["two"]
    broken = tmp_path / "legacy.pdf"
    break_tounicode(path, broken, BODY_FONT, mapping)
    wrong = set(mapping.values())
    ex = extract(broken.read_bytes(), str(broken))
    # Every run keeps its font's name, so the cleaner can decide per font.
    assert {r.font for ln in ex.lines for r in ln.runs if wrong & set(r.text)} == {BODY_FONT}
    cleaned = clean(ex)
    doc = tag(segment(cleaned))
    assert [d for d in cleaned.decisions if d.startswith(BODY_FONT + ":")]
    got = _text(doc)
    assert not wrong & set(got)
    assert word_accuracy(expected.text, got) >= 0.995
    # The bold run-in headings never went through the broken map, and stay right.
    headings = [t for r, t in expected.blocks if r == "heading"]
    assert [b.text for b in doc.by_role("heading")] == headings


# --- 7. OCR -------------------------------------------------------------------------------


def _tesseract_has_kyrgyz() -> bool:
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "kir" in langs.stdout.split()


@pytest.mark.skipif(not _tesseract_has_kyrgyz(), reason="tesseract with kir is not installed")
def test_scanned_page_is_read_by_ocr(tmp_path):
    blocks = [b for b in sample_blocks() if b[0] in ("title", "paragraph")][:4]
    path, scan = tmp_path / "page.pdf", tmp_path / "scan.pdf"
    expected = make_pdf(path, blocks)
    assert expected.page_count == 1
    image_only(path, scan)
    ex, _, doc = _run(scan)
    assert "OCR" in ex.notes[-1]
    assert word_accuracy(expected.text, _text(doc)) >= 0.95


# --- 8. files that are not readable PDFs ---------------------------------------------------


def _make_bad(kind: str, folder: Path) -> Path:
    src, dst = folder / "good.pdf", folder / f"{kind}.pdf"
    if kind == "png":
        not_a_pdf_png(dst)
    elif kind == "zero-pages":
        zero_page_pdf(dst)
    else:
        make_pdf(src, sample_blocks()[:4])
        (encrypted if kind == "encrypted" else truncated)(src, dst)
    return dst


@pytest.mark.parametrize(("kind", "problem"), [
    ("encrypted", "encrypted"),
    ("truncated", "damaged or incomplete"),
    ("png", "an image, not a PDF"),
    ("zero-pages", "no pages"),
])
def test_bad_pdf_is_one_line_error(tmp_path, kind, problem):
    path = _make_bad(kind, tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(path), "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), proc.stderr
    assert problem in lines[0]
    assert not out.exists() or not any(out.iterdir())


# --- 9. memory ----------------------------------------------------------------------------

_PEAK = textwrap.dedent("""
    import sys
    from pathlib import Path
    import pdfplumber  # loaded before the baseline
    from pipeline.readers import pdf

    def peak_kib():
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent (pytest).
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0])

    raw = Path(sys.argv[1]).read_bytes()
    before = peak_kib()
    pdf.read_pdf(raw, "x.pdf")
    print(peak_kib() - before)
""")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_memory_stays_flat_on_long_pdfs(tmp_path):
    """Four times the pages take about the same memory: pages are read one at a time.

    Holding every page's characters instead would add some 70 MB here (measured).
    """
    blocks = seed_blocks()
    body = [b for b in blocks if b[0] not in ("title", "abstract")]
    growth = {}
    for times in (1, 4):
        path = tmp_path / f"x{times}.pdf"
        pages = make_pdf(path, blocks + body * (times - 1), columns=2).page_count
        proc = subprocess.run([sys.executable, "-c", _PEAK, str(path)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        growth[times] = (pages, int(proc.stdout) / 1024)  # MB
    (short, small), (long, large) = growth[1], growth[4]
    assert long >= 3 * short
    assert large - small < 15, growth


def test_each_page_is_closed_before_the_next_is_read(seed, monkeypatch):
    import pdfplumber.page

    events = []
    read, close = pdf.page_objects, pdfplumber.page.Page.close
    monkeypatch.setattr(pdf, "page_objects", lambda *a: events.append("read") or read(*a))
    monkeypatch.setattr(pdfplumber.page.Page, "close",
                        lambda self: events.append(self.page_number) or close(self))
    path, expected, _ = seed["two"]
    pdf.read_pdf(path.read_bytes(), str(path))
    pages = range(1, expected.page_count + 1)
    assert events[: 2 * len(pages)] == [e for n in pages for e in ("read", n)]


def test_reading_order_of_a_two_column_page(seed):
    """Full-width front matter first, then the left column, then the right."""
    assert "(0 in two columns)" in seed["one"][2][0].notes[0]
    _, expected, (ex, _, _) = seed["two"]
    assert f"({expected.page_count} in two columns)" in ex.notes[0]
    first = [ln for ln in ex.lines if ln.page == 1]
    assert first[0].text.startswith("TRENDS")
    xs = [ln.x0 for ln in first if ln.x0 is not None]
    right = next(i for i, x in enumerate(xs) if x > 250)
    assert all(x > 250 for x in xs[right:]) and re.match(r"\w", first[right].text)
    assert [ln.page_break for ln in first].count(True) == 1 and first[right].page_break


# --- 7. real layouts: three columns, footnotes, encodings, right to left ----------------------


def _three_column_article():
    """The sample article with a note after every third body paragraph, its body repeated
    so that it fills three columns over more than one page."""
    blocks = [b for b in sample_blocks() if b[0] != "footnote"]
    blocks += [b for b in blocks if b[0] == "paragraph"]
    notes = ["Улуттук статистикалык комитеттин маалыматы, 2023-жыл.",
             "Билим берүү министрлигинин отчету, Бишкек шаары.",
             "Автордун эсептөөсү боюнча, Кыргыз Республикасы."]
    out, k = [], 0
    for i, block in enumerate(blocks):
        out.append(block)
        if block[0] != "paragraph" or i and blocks[i - 1][0] == "runin":
            continue
        k += 1
        if k % 3 == 0 and notes:
            out.append(("footnote", notes.pop(0)))
    return out


@pytest.mark.parametrize("hyphenate", [False, True], ids=["whole-words", "hyphenated"])
def test_three_columns_read_in_order_with_footnotes_apart(tmp_path, hyphenate):
    """Three columns come back column by column, front matter first, and every note
    stays a note: no note text lands in (or between the halves of) a body paragraph,
    also where a word is broken at the foot of a column above the notes."""
    path = tmp_path / "three.pdf"
    expected = make_pdf(path, _three_column_article(), columns=3, font_size=9.0,
                        running_head=RUNNING_HEAD, hyphenate=hyphenate)
    assert expected.page_count >= 2
    ex, _, doc = _run(path)
    assert re.search(r"\b[1-9]\d* in 3\b", ex.notes[0]), ex.notes[0]
    notes = [_norm(t) for r, t in expected.blocks if r == "footnote"]
    assert len(notes) == 3
    body = "\n".join(b.text for b in doc.blocks if b.role != "footnote")
    body_expected = "\n".join(t for r, t in expected.blocks if r != "footnote")
    assert word_accuracy(body_expected, body) >= 0.99  # column order kept word by word
    assert [_norm(b.text) for b in doc.by_role("footnote")] == notes
    for b in doc.blocks:
        if b.role != "footnote":
            assert not any(n[:25] in _norm(b.text) for n in notes), b.text


def test_raised_note_number_above_its_line_opens_the_note():
    """A footnote's own number may stick out above its line's top: it is still that line's,
    kept as the note's number, not a row of its own."""
    size, small = 10.0, 7.0
    line = _chars(["Университет,", "mail@example.org"], size, [0.0], 3.0)
    for c in line:
        c["x0"] += 20
        c["x1"] += 20
    marker = {"text": "1", "x0": 64.0, "x1": 67.5, "top": line[0]["top"] - 1.2,
              "bottom": line[0]["top"] - 1.2 + small, "size": small, "fontname": "F",
              "upright": True}
    found = clustering.rows(clustering.dedupe([marker, *line]))
    assert len(found) == 1
    assert make_line(found[0], "full").note_mark == "1"


def test_right_to_left_line_in_logical_order():
    """An Arabic line placed glyph by glyph from the left comes back in reading order, with
    a Latin word and a number inside it left to right."""
    from pipeline.readers.pdf.words import logical_order

    logical = "تحسين الإنتاجية بلغة Python في 2024"
    visual = "2024 يف Python ةغلب ةيجاتنإلا نيسحت"
    assert logical_order(visual) == logical
    assert logical_order("plain English line") == "plain English line"


def _page_line(text: str, top: float, *, bold: bool = False, size: float = 10.0,
               x1: float = 400.0) -> pdf.geometry.PageLine:
    from pipeline.model import Run

    run = Run(text, "Serif-Bold" if bold else "Serif", size, bold, False)
    return pdf.geometry.PageLine([run], 50.0, x1, top, top + size, size, "full", 50.0)


@pytest.mark.parametrize("bold", [True, False])
def test_heading_at_a_page_top_is_a_paragraph_of_its_own(bold):
    """After a page break white and indent say nothing; a short bold heading there still
    starts a paragraph, and so does the line after it. A short plain line does not."""
    from pipeline.readers.pdf.paragraphs import model_lines

    last = _page_line("the last line of the page before goes on", 700.0)
    flow = [_page_line("Results", 72.0, bold=bold, x1=120.0),
            _page_line("The first line of the next paragraph runs full", 84.0),
            _page_line("and the paragraph goes on here to the end", 96.0)]
    lines = model_lines(flow, None, True, 2, 50.0, 350.0, {10.0: 12.0}, last)
    assert [ln.para_hint for ln in lines] == [bold, bold, False]


@pytest.mark.parametrize("page", ["cp1251", "koi8_r"])
def test_eight_bit_font_is_read_with_the_code_page_its_words_favour(page):
    """A font whose codes say nothing (no ToUnicode, glyphs named /a224) is decoded by the
    code page under which its words are likeliest text, and the decision is noted."""
    from pipeline.readers.pdf.encoding import FontCodes, _Font

    text = ("Работа посвящена построению сети глубокого обучения и оптимизации ее "
            "параметров с помощью вычислительных мощностей графического ускорителя")
    codes = FontCodes()
    font = _Font("Type3 font (object 7)", {})
    codes.fonts.append(font)
    from pipeline.model import Line, Run

    marked = " ".join("".join(chr(0xF0000 + b) for b in w.encode(page)) for w in text.split())
    line = Line(runs=[Run(marked, "unknown")])
    notes = codes.decode([line])
    assert line.text == text
    assert any(f"read as {page}" in n and "Type3 font (object 7)" in n for n in notes), notes


def test_codes_no_reading_explains_become_replacement_characters():
    """pdfminer's "(cid:N)" never reaches the text: U+FFFD, counted per font in a note."""
    from pipeline.readers.pdf.encoding import FontCodes

    codes = FontCodes()
    chars = [{"text": "(cid:3)", "fontname": "ABCDEF+Helvetica"}, {"text": "a", "fontname": "X"}]
    codes.count_unknown(chars)
    assert [c["text"] for c in chars] == ["\ufffd", "a"]
    assert codes.decode([]) == ["1 glyph(s) whose meaning the PDF does not give, shown as "
                                "\ufffd: ABCDEF+Helvetica (1)"]


CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"


def _corpus_page(name: str, page: int = 0) -> bytes:
    """One page of a corpus PDF (the corpus lives beside the repository, not in it)."""
    import io

    import pikepdf

    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"corpus file {name} not here")
    with pikepdf.open(path) as src:
        out = pikepdf.Pdf.new()
        out.pages.append(src.pages[page])
        buf = io.BytesIO()
        out.save(buf)
    return buf.getvalue()


def test_corpus_cyrillic_type3_fonts_without_tounicode_come_back():
    """phd_article.pdf: T2A Type 3 fonts, no ToUnicode; the text comes back Russian."""
    ex = pdf.read_pdf(_corpus_page("phd_article.pdf"), "phd_article.pdf")
    text = "\n".join(ln.text for ln in ex.lines + ex.footnotes)
    assert "(cid:" not in text
    assert "Аннотация. Работа посвящена построению сети глубокого обучения" in _norm(text)
    assert "«Ин-" in text  # T2A's guillemets, not cp1251's ѕ
    assert any("read as t2a" in n for n in ex.notes), ex.notes
    notes = "\n".join(ln.text for ln in ex.footnotes)
    assert "bakhteev@phystech.edu" in notes and "bakhteev@" not in "\n".join(
        ln.text for ln in ex.lines)


def test_corpus_arabic_page_in_logical_order():
    ex = pdf.read_pdf(_corpus_page("docling_right_to_left_01.pdf"), "rtl.pdf")
    assert ex.lines[0].text.startswith("تحسين الإنتاجية وحل المشكلات")


def test_a_note_line_starting_with_a_number_does_not_open_a_note():
    """Note 13 goes on "10 seconds." on its next line: 10 is not the next note's number."""
    from pipeline.readers.pdf.footnotes import count_notes, note_lines

    lines = [_page_line("13 More than 10 degrees difference for more than", 700.0, size=7.0),
             _page_line("10 seconds.", 708.0, size=7.0),
             _page_line("14 The AFM is an FAA-approved document", 716.0, size=7.0)]
    notes = note_lines(lines, 3, [])
    assert [ln.para_hint for ln in notes] == [True, False, True]
    assert count_notes(notes) == 2


def test_raised_marker_in_another_columns_row_goes_back_to_its_line():
    """On a column page a small note number left as a line of its own opens the line it
    was raised on, in its column."""
    from pipeline.readers.pdf.layout import attach_markers

    host = _page_line("Ethiopian Aircraft Accident Investigation", 544.4, size=7.0)
    host.x0, host.x1, host.column = 410.0, 580.0, "3/3"
    marker = _page_line("7", 544.4, size=4.6, x1=408.6)
    marker.x0, marker.bottom, marker.column = 406.0, 548.9, "3/3"
    other = _page_line("than 5 seconds.", 540.7, size=7.0)
    other.column = "2/3"
    kept = attach_markers([other, marker, host])
    assert kept == [other, host] and host.note_mark == "7"
