"""Glyph coverage and lines that do not fit: one test article, typeset once.

The article holds what real PDFs brought and the PT fonts lack (Greek, math
operators, math italic 𝑦, Arabic, Chinese), a private-use character no font
has, a 200-character URL, a long DOI and an e-mail address.
"""

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pipeline.model import Block, Document, Span
from pipeline.writers.editions import make_edition
from pipeline.writers.latex import escape, link_spans, render_tex, url_latex
from pipeline.writers.typeset import problems, typeset

GREEK = "λόγος Σ Ψ"
MATH = "x ∈ A, ∑ a∗b"
MATH_Y = "𝑦"
ARABIC = "مرحبا بالعالم"
CHINESE = "中文字符测试"
PUA = "\ue000"
URL = ("https://example.org/archive/2020/volume-12/issue-3/articles/"
       "a-very-long-path-segment-that-goes-on/and-on/with_underscores/and%20escapes/"
       "index.php?id=1234567890&lang=ky&page=~editor#section-4.2-results-and-discussion")
DOI = "10.1016/j.jcomputationalphysics.2019.108965.supplementary-material-0123456789"
MAIL = "first.second-author@university.example.kg"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _article() -> Document:
    meta = {"language": "en", "title": {"en": "Glyphs α and lines"}, "year": 2026,
            "journal": {"name": {"en": "Test Journal"}}}
    arabic_text = f"The Arabic phrase {ARABIC} means hello world."
    start = arabic_text.index(ARABIC)
    blocks = [
        Block("b1", "paragraph", "en", f"Greek {GREEK}, math {MATH} and {MATH_Y} here.",
              page=1),
        Block("b2", "paragraph", "en", arabic_text,
              spans=[Span(start, start + len(ARABIC), lang="ar")], page=1),
        Block("b3", "paragraph", "en", f"The Chinese phrase {CHINESE} is short.", page=2),
        Block("b4", "paragraph", "en", f"A private-use glyph {PUA} stays visible.", page=3),
        Block("b5", "paragraph", "en", f"The data are at {URL}. Write to {MAIL}.", page=3),
        Block("ref-1", "reference", "en", f"Author A. A title. J. Comp. 2020. doi:{DOI}",
              number="1", page=4),
    ]
    return Document(meta=meta, blocks=blocks)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The article's edition, source, PDF text and log: one LuaLaTeX build for all tests."""
    tmp = tmp_path_factory.mktemp("glyphs")
    edition = make_edition(_article(), "full")
    tex = render_tex(edition)
    pdf = tmp / "g.pdf"
    log = typeset(tex, tmp / "work", "g", pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return {"edition": edition, "tex": tex, "pdf": pdf, "log": log, "text": text,
            "sidecar": (tmp / "work" / "g.problems").read_text(encoding="utf-8")}


def test_every_phrase_prints_without_missing_characters(built):
    assert "Missing character" not in built["log"]
    text = BIDI_CONTROLS.sub("", built["text"])
    for phrase in (GREEK, MATH, MATH_Y, CHINESE, "Glyphs α"):
        assert phrase in text, phrase
    # Logical order: pdftotext reads the Arabic as it was written, not reversed.
    assert ARABIC in text
    assert ARABIC[::-1] not in text


def test_arabic_is_set_right_to_left_with_babel(built):
    assert r"\basmartl{arabic}{" + ARABIC + "}" in built["tex"]
    assert "bidi=basic" in built["tex"] and r"\babelprovide[import]{arabic}" in built["tex"]


def test_a_character_no_font_has_is_marked_and_reported(built):
    assert "U+E000" in built["text"]
    reported = [p for p in built["edition"].problems if "U+E000" in p]
    assert len(reported) == 1
    assert "Private Use Area" in reported[0] and "block b4" in reported[0]
    assert "page 3" in reported[0]
    assert reported[0] in built["sidecar"]


def test_urls_dois_and_mail_break_without_overfull_lines(built):
    assert not re.search(r"^Overfull \\hbox", built["log"], re.M), built["sidecar"]
    flat = re.sub(r"\s+", "", built["text"])
    # Broken only where a line ends, never hyphenated: the address reads back whole.
    for address in (URL, DOI, MAIL):
        assert address in flat, address
    # The URL did need breaking: it is wider than a line.
    assert not any(URL in line for line in built["text"].split("\n"))
    with pikepdf.open(built["pdf"]) as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if "/A" in a and "/URI" in a.A}
    assert {URL, "https://doi.org/" + DOI, "mailto:" + MAIL} <= uris


def test_overfull_line_becomes_a_problem_naming_block_and_words():
    tex = "\\begin{document}\n%basma-block b9\nA paragraph\n"
    log = ("[1]\nOverfull \\hbox (37.2pt too wide) in paragraph at lines 3--3\n"
           "[]\\TU/PTSerif(0)/m/n/10.95 A paragraph with a Verylongtokenwithoutbreaks\n"
           " []\n\n[2]\n")
    (found,) = problems(tex, log)
    assert "37.2 pt" in found and "block b9" in found and "page 2" in found
    assert "A paragraph with a Verylongtokenwithoutbreaks" in found


def test_missing_character_in_the_log_becomes_a_problem():
    log = ("Missing character: There is no ⊂ (U+2282) in font [lmroman10-regular]:+tlig;!\n"
           "Missing character: There is no ⊂ (U+2282) in font [lmroman10-regular]:+tlig;!\n")
    (found,) = problems("", log)
    assert "U+2282 SUBSET OF" in found and "lmroman10-regular" in found


def test_link_text_stays_escaped():
    (span,) = link_spans(r"see http://x.org/a\b{c}%d#e_f~g^h now")
    start, end, target = span
    assert target == ""  # a backslash or brace cannot go into \href: shown, not linked
    out = url_latex(r"http://x.org/a\b{c}%d#e_f~g^h")
    bare = re.sub(r"\\(textbackslash|textasciicircum|textasciitilde)\{\}|\\[{}$&#_%]"
                  r"|\\basmaurl(break|split)?\{\}|\\basmaurl\{", "", out)
    assert not re.search(r"[\\$&#_^~%]", bare), out
    assert escape("a\ue000b") == r"a\basmamissing{E000}b"


def test_seed_like_text_needs_no_fallback_font():
    """The fallback list holds only fonts the text needs: each costs every pass."""
    doc = Document(meta={"language": "ky", "title": {"ky": "Кыргызстан"}},
                   blocks=[Block("b1", "paragraph", "ky", "Билим берүү «системасы» — 2026.")])
    tex = render_tex(make_edition(doc, "full"))
    assert "add_fallback" not in tex and "bidi=basic" not in tex


def test_the_fallback_fonts_are_installed():
    from pipeline.writers.fonts import CHAINS, font_file

    missing = [name for chain in CHAINS.values() for name in chain if font_file(name) is None]
    assert not missing, f"install the Debian font packages of the Makefile: {missing}"
    assert Path(font_file("Noto Serif CJK SC")[0]).exists()


def test_epub_sets_the_arabic_right_to_left_and_passes_epubcheck(tmp_path, epubchecker):
    import zipfile

    from pipeline.writers.epub import epub_from_source, epub_source

    path = tmp_path / "g.epub"
    path.write_bytes(epub_from_source(epub_source(make_edition(_article(), "full"))))
    with zipfile.ZipFile(path) as z:
        xhtml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                        if n.endswith(".xhtml"))
        css = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".css"))
    assert re.search(r'<span lang="ar"[^>]*dir="rtl"[^>]*>' + ARABIC, xhtml), xhtml[-2000:]
    assert "Noto Naskh Arabic" in css and "Noto Serif CJK SC" in css
    (verdict,) = epubchecker.check(path)
    assert verdict.ok, verdict.report()
