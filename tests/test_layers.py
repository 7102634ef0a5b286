"""Text layers that lie about their geometry: scripts, formulas, split accents, spacing.

The fixture PDFs are drawn glyph by glyph (tests/pdfgen_layers.py) the way TeX and
Word place text; each must come back with its exact text. The cleaner's letter
repairs must leave formulas alone, the writers must print sub- and superscripts,
and joining a line's glyphs must take linear time.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from pdfgen_layers import formula_pdf, justified_pdf, letter_spaced_pdf, split_accents_pdf

from pipeline.cleaner import clean
from pipeline.model import Block, Extraction, Line, Run, Span
from pipeline.readers import extract
from pipeline.readers.pdf.layout import page_lines
from pipeline.readers.pdf.words import join_letter_spaced
from pipeline.segment import segment
from pipeline.writers.epub import block_inlines
from pipeline.writers.latex import inline


def _blocks(path: Path):
    return segment(clean(extract(path.read_bytes(), path.name))).blocks


def _texts(path: Path) -> list[str]:
    return [b.text for b in _blocks(path)]


def test_formula_keeps_its_scripts_in_place(tmp_path):
    expected = formula_pdf(tmp_path / "formula.pdf")
    blocks = _blocks(tmp_path / "formula.pdf")
    assert " ".join(b.text for b in blocks) == expected.text
    block = next(b for b in blocks if "xi2" in b.text)
    styled = {style: [block.text[s.start:s.end] for s in block.spans if s.style == style]
              for style in ("sub", "sup", "math")}
    assert styled["sub"] == expected.sub
    assert styled["sup"] == expected.sup
    assert styled["math"] == [expected.math]


def test_footnote_marker_stays_after_its_word(tmp_path):
    """A raised number after a word is a note marker, not an exponent: a run of its own
    at its place, joined to the word a gap set it apart from (no regression)."""
    chars = _glyph_line("сөз", 0.0) + [
        {"text": "1", "x0": 20.0, "x1": 23.0, "top": 96.0, "bottom": 103.0, "size": 7.0,
         "fontname": "PTSerif-Regular"}] + _glyph_line("бар", 30.0)
    (line,), _ = page_lines(chars, 500.0)
    assert line.text == "сөз1 бар"
    assert [r.text.strip() for r in line.runs if r.script == "note"] == ["1"]
    assert line.marks == ("1",)


def test_letter_spaced_headings_are_whole_words(tmp_path):
    expected = letter_spaced_pdf(tmp_path / "spaced.pdf")
    assert _texts(tmp_path / "spaced.pdf") == expected


def test_letter_spaced_run_splits_at_its_own_word_gaps():
    words = [[{"text": t, "x0": x, "x1": x + 4.0}] for t, x in
             [("а", 0), ("в", 12), ("и", 24), ("у", 36)]]  # one-letter words, spaced evenly
    other = [[{"text": ch, "x0": -20.0 + 5 * k, "x1": -16.0 + 5 * k} for k, ch in enumerate("сөз")]]
    joined = join_letter_spaced(other + words)
    assert ["".join(c["text"] for c in w) for w in joined] == ["сөз", "а", "в", "и", "у"]


def test_split_accents_compose_with_their_letter(tmp_path):
    expected = split_accents_pdf(tmp_path / "accents.pdf")
    assert _texts(tmp_path / "accents.pdf") == [expected]


def test_tight_and_loose_justified_lines(tmp_path):
    expected = justified_pdf(tmp_path / "justified.pdf")
    assert " ".join(_texts(tmp_path / "justified.pdf")) == " ".join(expected)


def test_cleaner_leaves_formulas_alone():
    """A formula's Latin C next to a Cyrillic а is not a look-alike to repair."""
    def ex(math: bool | None) -> Extraction:
        runs = [Run("Бул ", "PTSerif"), Run("Cа", "NotoSansMath", math=math),
                Run(" белги.", "PTSerif")]
        return Extraction("x.pdf", "pdf", [Line(runs)])

    assert clean(ex(True)).paragraphs[0].text == "Бул Cа белги."
    assert clean(ex(None)).paragraphs[0].text == "Бул Са белги."  # without it, repaired


def test_writers_print_scripts():
    block = Block("b1", "paragraph", "ky", "H_2O жана x^n",
                  spans=[Span(1, 3, style="sub"), Span(12, 13, style="sup"),
                         Span(10, 13, style="math")])
    tex = str(inline(block, "ky"))
    assert r"\textsubscript{\_2}" in tex
    assert r"\textsuperscript{n}" in tex
    kinds = [i["t"] for i in block_inlines(block) if isinstance(i, dict)]
    assert "Subscript" in kinds and "Superscript" in kinds


def _glyph_line(text: str, x: float, size: float = 10.0, gap: float = 0.1) -> list[dict]:
    out = []
    for ch in text:
        out.append({"text": ch, "x0": x, "x1": x + 5.0, "top": 100.0, "bottom": 110.0,
                    "size": size, "fontname": "PTSerif-Regular"})
        x += 5.0 + gap
    return out


def _long_line(n: int) -> list[dict]:
    rng = random.Random(n)
    chars, x = [], 0.0
    for i in range(n):
        chars.append({"text": rng.choice("абвгдежзиклмнопрстуүөң"), "x0": x, "x1": x + 5.0,
                      "top": 100.0, "bottom": 110.0, "size": 10.0,
                      "fontname": "PTSerif-Regular"})
        x += 5.0 + (2.5 if i % 7 == 6 else 0.1)
    return chars


def _per_glyph(n: int) -> float:
    """The best of three CPU times to read one line of ``n`` glyphs, per glyph."""
    chars = _long_line(n)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        page_lines(chars, chars[-1]["x1"] + 10)
        best = min(best, time.process_time() - start)
    return best / n


@pytest.mark.parametrize("small, large", [(2_000, 20_000)])
def test_long_line_is_read_in_linear_time(small, large):
    """A quadratic step makes a glyph of the long line ten times dearer; linear, about the same.

    The factor 3 leaves room for a loaded machine and the cache effects of a
    larger line, and is far below what a quadratic join costs.
    """
    _per_glyph(small)  # warm up: imports, caches
    ratio = _per_glyph(large) / _per_glyph(small)
    assert ratio < 3, f"a glyph of a {large}-glyph line costs {ratio:.1f} × one of {small}"


# --- formulas the glyphs alone do not show (the document and the line as evidence) ------


def _run(text: str, font: str, math: bool = False, script: str | None = None) -> Run:
    return Run(text, font, 12.0, "BX" in font, False, script, True if math else None)


def _math_of(line: Line) -> list[str]:
    return [r.text.strip() for r in line.runs if r.math]


def test_lone_letters_of_a_formula_only_font_are_formulas():
    """\\mathbf{x} is set in CMBX, a text font by its name: where the text is set in
    other fonts and CMBX holds only lone letters beside formulas, they are formulas
    (with their scripts); a bold font that sets words keeps them as text."""
    from pipeline.readers.pdf.words import mark_formulas

    lines = [
        Line([_run("Вектор ", "SFRM1200"), _run("x", "CMBX12"), _run("i", "CMMI8", script="sub"),
              _run(" ", "SFRM1200"), _run("∈", "CMSY10", math=True), _run(" R", "MSBM10", True),
              _run(" принимает значения.", "SFRM1200")]),
        Line([_run("Пусть ", "SFRM1200"), _run("w", "CMBX12"), _run(" и ", "SFRM1200"),
              _run("h", "CMBX12"), _run(" заданы.", "SFRM1200")]),
        Line([_run("Определение 1. ", "SFBX1200"), _run("Выборкой", "SFRM1200")]),
        Line([_run("Определение 2. ", "SFBX1200"), _run("Моделью", "SFRM1200")]),
    ]
    notes = mark_formulas(lines)
    assert _math_of(lines[0]) == ["x", "i", "", "∈", "R"]
    assert _math_of(lines[1]) == ["w", "h"]
    assert not _math_of(lines[2]) and not _math_of(lines[3])
    assert notes == ["font CMBX12: 3 lone letters read as formula letters (the document sets "
                     "no words in it)"]


def test_a_bold_font_that_sets_headings_keeps_its_lone_letters():
    from pipeline.readers.pdf.words import mark_formulas

    lines = [Line([_run("1 Introduction", "CMBX12")]), Line([_run("2 Methods", "CMBX12")]),
             Line([_run("A", "CMBX12"), _run(" is ", "CMR12"), _run("x", "CMMI12", True)]),
             Line([_run("B", "CMBX12"), _run(" text", "CMR12")]),
             Line([_run("C", "CMBX12"), _run(" text", "CMR12")])]
    assert mark_formulas(lines) == []
    assert [_math_of(ln) for ln in lines] == [[], [], ["x"], [], []]


def test_operator_names_and_formula_fonts_join_the_formula():
    """"arg min", "exp" beside a formula; a number after "=" in a font the document sets
    only beside formulas; a display line with no letter outside its formula."""
    from pipeline.readers.pdf.words import mark_formulas

    lines = [
        Line([_run("ŵ", "CMMI10", True), _run(" = arg min ", "CMR10"), _run("S", "CMMI10", True),
              _run(" где ", "SFRM1200")]),
        Line([_run("подходит ", "SFRM1200"), _run("C ", "CMMI12", True), _run("= 93", "CMR12"),
              _run(". Однако", "SFRM1200")]),
        Line([_run("размер окна ", "SFRM1200"), _run("D ", "CMMI12", True), _run("= 94", "CMR12"),
              _run(", то", "SFRM1200")]),
        Line([_run("1 ", "CMR10"), _run("p", "CMMI10", True), _run("(", "CMR10"),
              _run("x", "CMMI10", True), _run(") (5)", "CMR10")]),
        Line([_run("в 2019 году ", "SFRM1200"), _run("exp", "SFRM1200")]),
    ]
    mark_formulas(lines)
    assert _math_of(lines[0]) == ["ŵ", "= arg min", "S"]
    assert _math_of(lines[1]) == ["C", "= 93"] and _math_of(lines[2]) == ["D", "= 94"]
    assert all(r.math for r in lines[3].runs)
    assert not _math_of(lines[4])  # an operator's name without a formula is a word


def test_cyrillic_codes_not_yet_decoded_stop_a_formula():
    """Between two formula glyphs the words of an 8-bit font without a map (private
    markers until its code page is decided) are text, not the formula's."""
    marker = "\U000f00e0"  # code 0xE0 of the first caught font
    chars = (_glyph_line("Z", 0.0) + _glyph_line(marker * 4, 8.0) + _glyph_line("y", 40.0))
    chars[0]["fontname"] = chars[-1]["fontname"] = "CMMI10"
    (line,), _ = page_lines(chars, 500.0)
    assert [(r.text.strip(), r.math) for r in line.runs] == [
        ("Z", True), (marker * 4, None), ("y", True)]


def test_accent_raised_into_the_row_above_goes_back_to_its_letter():
    """\\hat W in a display: the hat sits higher over a capital than the baseline
    tolerance and had joined a numerator's row; it composes with its W."""
    def glyph(text, x, base, font="CMBX10"):
        return {"text": text, "x0": x, "x1": x + 9.0, "top": base - 10.0, "bottom": base,
                "size": 10.0, "fontname": font}

    chars = [glyph("1", 100.0, 96.0, "CMR10"), glyph("ˆ", 12.0, 96.8, "CMR10"),
             glyph("ˆ", 36.0, 96.8, "CMR10"), glyph("W", 10.0, 100.0), glyph("=", 22.0, 100.0),
             glyph("W", 34.0, 100.0), glyph("x", 100.0, 100.0)]
    lines, _ = page_lines(chars, 500.0)
    assert [ln.text for ln in lines] == ["1", "Ŵ = Ŵ x"]


def test_slim_characters_carry_pdfplumbers_values(tmp_path):
    """The reader's small character dicts hold pdfplumber's own values for every key
    they keep, and the keys the reader's steps (and the figure finders) read."""
    import pdfplumber

    from pipeline.readers.pdf.geometry import slim_chars

    formula_pdf(tmp_path / "formula.pdf")
    with pdfplumber.open(tmp_path / "formula.pdf") as pdf:
        full = pdf.pages[0].chars
    with pdfplumber.open(tmp_path / "formula.pdf") as pdf:
        page = pdf.pages[0]
        slim_chars(page)
        slim = page.chars
    assert len(slim) == len(full) > 0
    needed = {"text", "fontname", "size", "upright", "matrix", "x0", "x1", "y0", "top",
              "bottom"}
    for s, f in zip(slim, full, strict=True):
        assert needed <= set(s) and {k: f[k] for k in s} == s


def test_tex_polish_stroke_makes_l_with_stroke():
    """OT1 sets ł as the "suppress" stroke drawn over l (Godłowski): one letter again."""
    from pipeline.readers.pdf.encoding import tex_glyph

    chars = _glyph_line("God", 0.0) + _glyph_line("lowski", 15.3)
    chars.insert(3, {"text": tex_glyph("suppress"), "x0": 15.0, "x1": 19.5, "top": 100.0,
                     "bottom": 110.0, "size": 10.0, "fontname": "CMR9"})
    (line,), _ = page_lines(chars, 500.0)
    assert line.text == "Godłowski"


def test_latin_word_set_against_an_arabic_one_is_a_word_of_its_own():
    """An Arabic line's generator sets "Python" against the Arabic word beside it (the
    space is on its other side): where the direction changes, a word ends."""
    chars, x = [], 0.0
    for ch in ["ن", "م", *"Python", " ", "و", " ", "ع", "م", " ", *"ملاعلا"]:
        width = 3.0 if ch == " " else 5.0
        chars.append({"text": ch, "x0": x, "x1": x + width, "top": 100.0, "bottom": 110.0,
                      "size": 10.0, "fontname": "TimesNewRomanPS-BoldMT"})
        x += width
    (line,), _ = page_lines(chars, 500.0)
    assert line.text.split() == ["العالم", "مع", "و", "Python", "من"]
