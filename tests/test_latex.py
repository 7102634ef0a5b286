"""The journal PDF: typesetting gates, Kyrgyz hyphenation, metadata, reproducibility."""

import re
import subprocess
from pathlib import Path

import pikepdf
from conftest import SEED_ID

from pipeline.model import Block, Document, Span
from pipeline.writers.editions import make_edition
from pipeline.writers.hyphenate import break_points
from pipeline.writers.latex import escape, render_tex
from pipeline.writers.typeset import typeset

HOSTILE = [r"\input{/etc/passwd}", r"\write18{touch /tmp/basma-pwned}", r"\catcode", "$$",
           "%", "&", "#", "_", "^", "~", "{", "}", "<script>alert(1)</script>",
           # TeX's input ligatures would print these as – — ” „ «: the text must print as typed.
           "a--b", "c---d", '"q"', ",,x''", "<<y>>", "`e`"]


def layout_pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[ln.strip() for ln in page.split("\n")] for page in text.split("\f")]


def line_end_breaks(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for line, nxt in zip(lines, lines[1:], strict=False):
        m, n = re.search(r"(\w+)-$", line), re.match(r"(\w+)", nxt)
        if m and n:
            out.append((m.group(1), n.group(1)))
    return out


def test_kyrgyz_words_break_only_at_syllable_points(seed_out):
    doc_text = (seed_out / "document.json").read_text(encoding="utf-8")
    pages = layout_pages(seed_out / f"{SEED_ID}.pdf")
    kyrgyz_breaks_per_page = []
    for lines in pages:
        kyrgyz = []
        for head, tail in line_end_breaks(lines):
            word = head + tail
            if f"{head}-{tail}" in doc_text:
                continue  # a compound broken at its own hyphen
            if word not in doc_text or not re.search("[а-яөүң]", word, re.I):
                continue
            assert len(head) in break_points(word), f"{head}-{tail}"
            kyrgyz.append(word)
        kyrgyz_breaks_per_page.append(kyrgyz)
    # The first page that is body text throughout (page 1 carries the abstracts).
    assert len(kyrgyz_breaks_per_page[1]) >= 5, kyrgyz_breaks_per_page[1]


def test_pdf_metadata_outline_and_pdfa(seed_out):
    pdf = seed_out / f"{SEED_ID}.pdf"
    with pikepdf.open(pdf) as p:
        info = p.docinfo
        assert str(info["/Title"]).startswith("Кыргызстандагы заманбап")
        assert "Том 12" in str(info["/Subject"])
        assert str(p.Root.Lang) == "ky"
        with p.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "Билим берүүнү гумандаштыруу" in titles and "Адабияттар" not in titles
        meta = p.open_metadata()
        assert meta.pdfa_status == "2B"


def _hostile_document() -> Document:
    hostile = " ".join(HOSTILE)
    meta = {
        "language": "ky",
        "title": {"ky": "Аталыш " + hostile, "ru": "Заглавие", "en": "Title"},
        "authors": [{"name": "Асан Үсөнов", "affiliation": "КУУ & Co_ #1",
                     "email": "a_b@example.kg"}],
        "keywords": {"ky": ["сөз", "100%"]},
        "journal": {"name": {"ky": "Журнал $x$"}, "issn": "1694-7568"},
        "volume": 1, "issue": "2", "year": 2026, "first_page": 7,
        "doi": "10.99999/x_y%z", "license": "CC BY 4.0",
    }
    blocks = [
        Block("b1", "abstract", "ky", "Аннотация: " + hostile),
        Block("b2", "paragraph", "ky", "Бул текстте " + hostile + " бар [1].",
              spans=[Span(12, 32, lang="en")]),
        Block("ref-1", "reference", "en", "Knuth D. The TeXbook & \\relax. 1984.", number="1"),
    ]
    blocks[1].spans.append(Span(len(blocks[1].text) - 4, len(blocks[1].text) - 1, cite=[1],
                                targets=["ref-1"]))
    return Document(meta=meta, blocks=blocks)


def test_latex_specials_print_literally(tmp_path):
    tex = render_tex(make_edition(_hostile_document(), "full"))
    pwned = Path("/tmp/basma-pwned")
    pwned.unlink(missing_ok=True)
    typeset(tex, tmp_path / "w", "h", tmp_path / "h.pdf")
    text = " ".join(" ".join(lines) for lines in layout_pages(tmp_path / "h.pdf"))
    flat = re.sub(r"\s+", "", text)
    for item in HOSTILE:
        assert re.sub(r"\s+", "", item) in flat, item
    assert not pwned.exists()
    with pikepdf.open(tmp_path / "h.pdf") as p:
        assert r"\input{/etc/passwd}" in str(p.docinfo["/Title"])
        assert str(p.docinfo["/Author"]) == "Асан Үсөнов"
        assert str(p.docinfo["/Keywords"]) == "сөз; 100%"


def test_escape_leaves_no_active_character():
    out = str(escape("".join(HOSTILE)))
    # "{}" the escaper puts after a dash or quote only separates two characters;
    # \basmahyph{} is a compound's hyphen (the template defines it).
    bare = re.sub(r"\\(textbackslash|textasciicircum|textasciitilde|basmahyph)\{\}|\\[{}$&#_%]"
                  r"|(?<=[-'`])\{\}", "", out)
    assert not re.search(r"[\\{}$&#_^~%]", bare.replace("{[}", "").replace("{]}", ""))


def test_reproducible_in_two_directories(tmp_path, seed_out):
    """The same .tex typeset in another folder gives the PDF make made in
    build/<id>/tex-ru, byte for byte."""
    tex = (seed_out / f"{SEED_ID}.ru.tex").read_text(encoding="utf-8")
    # The seed is in an issue: make gave the edition the journal PDF's last page too.
    from pipeline.issue.pages import journal_range_tex, read_pages

    pages = read_pages(seed_out.parent.parent / "build" / SEED_ID / "pages.json")
    if pages is not None:
        tex = journal_range_tex(pages.last) + tex
    typeset(tex, tmp_path / "elsewhere" / "deeper", f"{SEED_ID}.ru", tmp_path / "x.pdf")
    assert (tmp_path / "x.pdf").read_bytes() == (seed_out / f"{SEED_ID}.ru.pdf").read_bytes()
