"""Footnote marks kept in place and linked to their notes, from the reader to the writers.

A PDF's raised note number after a word ("технологиялар¹") stays in the text as a run
of its own and becomes a "note" span whose ``xref`` is the footnote with that number,
the one on the mark's page first (the fixture numbers its notes anew on page 2, as
many Russian and Kyrgyz journals do); a DOCX's note leaves its number where it was.
The LaTeX links the mark to its note, the EPUB makes it a noteref (epubcheck clean),
JATS an ``xref`` to the ``fn`` (schema-valid).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pdfgen import BODY_BOTTOM, BODY_TOP, MARGIN_X, NOTE_RULE_W, REGULAR, register_fonts
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pipeline.model import validate
from pipeline.stages import run_text_stages

SIZE, NOTE_SIZE, MARK_SIZE = 10.5, 8.0, 6.5
#: Each page: its lines, the word (by line) a mark follows, and its notes. The second
#: page numbers its note 1 again, and has an exponent ("10⁵") that is no mark.
PAGES = [
    {"lines": ["Санариптик технологиялар бүгүнкү күндө мектептин күнүмдүк",
               "турмушуна кирди, ал эми мугалимдердин даярдыгы жетишсиз бойдон",
               "калууда. Министрлик жаңы программаны бекитти жана аны ишке",
               "ашыруу үчүн каражат бөлдү."],
     "marks": [(0, "технологиялар", "1"), (3, "бөлдү.", "2")],
     "notes": ["1 Мугалимдер арасында жүргүзүлгөн сурамжылоонун жыйынтыгы.",
               "2 Билим берүү министрлигинин 2023-жылкы отчету."]},
    {"lines": ["Экинчи бөлүктө мектептердин саны 10 эсеге өскөнү айтылат, ал эми",
               "окуучулардын саны дээрлик өзгөргөн жок, бул маселе али чечиле элек."],
     "marks": [(1, "жок,", "1")],
     "notes": ["1 Улуттук статистикалык комитеттин маалыматы боюнча."],
     "exponent": (0, "10", "5")},
]


def _raised(c: Canvas, x: float, y: float, text: str) -> None:
    c.setFont(REGULAR, MARK_SIZE)
    c.drawString(x, y + 4, text)
    c.setFont(REGULAR, SIZE)


def notes_pdf(path: Path) -> Path:
    """Two pages of Kyrgyz prose with raised note marks and the notes at each page's foot."""
    register_fonts()
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for page in PAGES:
        y = BODY_TOP - 40
        raised = {i: (w, m) for i, w, m in page["marks"]}
        if "exponent" in page:
            i, w, m = page["exponent"]
            raised[i] = (w, m)
        for i, line in enumerate(page["lines"]):
            y -= SIZE * 1.3
            c.setFont(REGULAR, SIZE)
            if i not in raised:
                c.drawString(MARGIN_X, y, line)
                continue
            word, mark = raised[i]
            head, tail = line.split(word, 1)
            c.drawString(MARGIN_X, y, head + word)
            x = MARGIN_X + pdfmetrics.stringWidth(head + word, REGULAR, SIZE)
            _raised(c, x + 0.3, y, mark)
            c.drawString(x + pdfmetrics.stringWidth(mark, REGULAR, MARK_SIZE) + 0.6, y, tail)
        foot = BODY_BOTTOM + 14 * len(page["notes"])
        c.setLineWidth(0.4)
        c.line(MARGIN_X, foot + 4, MARGIN_X + NOTE_RULE_W, foot + 4)
        c.setFont(REGULAR, NOTE_SIZE)
        for k, note in enumerate(page["notes"]):
            c.drawString(MARGIN_X, foot - 10 - 12 * k, note)
        c.showPage()
    c.save()
    return path


def _marks(doc) -> list[tuple[str, str, int | None, str | None]]:
    """(the word before the mark, the mark, its page, the number@page of its note)."""
    notes = {b.id: b for b in doc.blocks}
    out = []
    for b in doc.blocks:
        for s in b.spans:
            if s.style == "note":
                target = notes[s.xref] if s.xref else None
                out.append((b.text[:s.start].split()[-1], b.text[s.start:s.end],
                            b.page, f"{target.number}@{target.page}" if target else None))
    return out


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory):
    return notes_pdf(tmp_path_factory.mktemp("noterefs") / "notes.pdf")


@pytest.fixture(scope="module")
def pdf_doc(pdf_path):
    return run_text_stages(pdf_path)


def test_pdf_marks_stay_at_their_place_and_link_the_note_of_their_page(pdf_doc):
    body = [b for b in pdf_doc.blocks if b.role != "footnote"]
    text = " ".join(b.text for b in body)
    assert "технологиялар1 бүгүнкү" in text and "бөлдү.2" in text and "жок,1 бул" in text
    assert _marks(pdf_doc) == [("технологиялар", "1", 1, "1@1"), ("бөлдү.", "2", 1, "2@1"),
                               ("жок,", "1", 2, "1@2")]
    # "10⁵" is an exponent: raised in place, no mark, no link.
    block = next(b for b in body if "105" in b.text)
    assert [block.text[s.start:s.end] for s in block.spans if s.style == "sup"] == ["5"]
    notes = [(b.number, b.page, b.text) for b in pdf_doc.by_role("footnote")]
    assert notes == [("1", 1, PAGES[0]["notes"][0][2:]), ("2", 1, PAGES[0]["notes"][1][2:]),
                     ("1", 2, PAGES[1]["notes"][0][2:])]
    validate(pdf_doc)
    assert not pdf_doc.problems


def test_marks_are_linked_again_after_the_editors_corrections(pdf_path, tmp_path):
    """The editor drops page 2's note: its mark stays, unlinked and named; the other
    marks keep their links (the document stage links cross-references again)."""
    from pipeline.document import EditorFiles

    corrections = tmp_path / "corrections.yaml"
    corrections.write_text('- find: "Улуттук статистикалык"\n  drop: true\n', "utf-8")
    doc = run_text_stages(pdf_path, editor=EditorFiles(corrections=corrections))
    assert _marks(doc) == [("технологиялар", "1", 1, "1@1"), ("бөлдү.", "2", 1, "2@1"),
                           ("жок,", "1", 2, None)]
    assert [p for p in doc.problems if p.startswith("note marks")] == [
        "note marks 1 (page 2) have no note with their number: printed as raised numbers, "
        "unlinked — check them in the source"]
    validate(doc)


def test_docx_note_leaves_its_number_in_place(tmp_path):
    from docxgen import docx_from_markdown

    md = ("Билим берүү системасы[^a] өзгөрдү, мугалимдер[^b] да.\n\n"
          "[^a]: Министрликтин отчету.\n\n[^b]: Сурамжылоо.\n")
    doc = run_text_stages(docx_from_markdown(md, tmp_path / "n.docx"), upto="segment")
    para = next(b for b in doc.blocks if b.role == "paragraph")
    assert para.text == "Билим берүү системасы1 өзгөрдү, мугалимдер2 да."
    notes = {b.id: b.text for b in doc.by_role("footnote")}
    linked = [(para.text[s.start:s.end], notes[s.xref]) for s in para.spans
              if s.style == "note"]
    assert linked == [("1", "Министрликтин отчету."), ("2", "Сурамжылоо.")]


def glyphs(text: str, x: float, top: float, size: float) -> list[dict]:
    """Glyphs 5 pt apart, as pdfplumber gives them."""
    return [{"text": ch, "x0": x + 5.0 * k, "x1": x + 5.0 * k + 4.8, "top": top,
             "bottom": top + size, "size": size, "fontname": "PTSerif-Regular"}
            for k, ch in enumerate(text)]


@pytest.mark.parametrize("before, after", [("сөз", " бар"), ("сөз=", " бар"), ("d", "x бар"),
                                           ("сөз", "⁄4")])
def test_only_a_raised_number_that_ends_a_word_is_a_mark(before, after):
    """"сөз¹ бар" has a mark; "= ¹", "d³x" and "¹⁄4" are a formula's or a fraction's."""
    from pipeline.readers.pdf.words import make_line

    x = 100.0 + 5.0 * len(before)
    chars = (glyphs(before, 100.0, 100.0, 10.0) + glyphs("3", x, 97.0, 6.5)
             + glyphs(after, x + 5.0, 100.0, 10.0))
    line = make_line([c for c in chars if c["text"] != " "], "full")
    mark = before == "сөз" and after == " бар"
    assert [r.script for r in line.runs if r.text.strip() == "3"] == ["note" if mark else "sup"]
    assert line.marks == (("3",) if mark else ())


def test_a_mark_clustered_into_a_line_of_its_own_goes_back_to_its_place():
    """On a column page a raised mark can be left a line of its own (``attach_markers``):
    its host line is read again with it, so the mark stands after its word."""
    from pipeline.readers.pdf.layout import attach_markers
    from pipeline.readers.pdf.words import make_line

    own = glyphs("сөз", 300.0, 100.0, 10.0) + [
        {"text": " ", "x0": 318.5, "x1": 321.0, "top": 100.0, "bottom": 110.0, "size": 10.0,
         "fontname": "PTSerif-Regular"}] + glyphs("бар", 321.0, 100.0, 10.0)
    raised = [{"text": "4", "x0": 315.0, "x1": 318.0, "top": 97.0, "bottom": 103.5,
               "size": 6.5, "fontname": "PTSerif-Regular"}]
    host, marker = make_line(own, "2/2"), make_line(raised, "2/2")
    kept = attach_markers([marker, host], {id(host): own, id(marker): raised})
    assert kept == [host] and host.text == "сөз4 бар" and host.marks == ("4",)
    assert [r.text for r in host.runs if r.script == "note"] == ["4 "]


def test_a_mark_without_its_note_is_named_and_left_unlinked():
    from pipeline.model import Block, Span
    from pipeline.segment.notes import link_marks

    blocks = [Block("b1", "paragraph", "ky", "сөз7 бар", page=3,
                    spans=[Span(3, 4, style="note")]),
              Block("b2", "footnote", "ky", "Эскертүү.", number="1", page=3)]
    problems: list[str] = []
    link_marks(blocks, problems)
    assert blocks[0].spans[0].xref is None
    assert problems and "7 (page 3)" in problems[0]


@pytest.fixture(scope="module")
def edition(pdf_doc, tmp_path_factory):
    from pipeline.writers.editions import make_edition

    root = tmp_path_factory.mktemp("noterefs-build")
    return make_edition(pdf_doc, "full", root=root), root


def test_latex_mark_is_a_raised_link_to_its_note(edition):
    from pipeline.writers.latex import object_anchor, render_tex

    ed, _ = edition
    tex = render_tex(ed)
    notes = ed.footnotes
    first, second = (object_anchor(b.id) for b in notes[:2])
    assert r"технологиялар\hyperlink{" + first + r"}{\textsuperscript{1}}" in tex
    assert r"бөлдү.\hyperlink{" + second + r"}{\textsuperscript{2}}" in tex
    # Numbered anew on page 2: the list shows the source's numbers, each an anchor.
    for b in notes:
        assert rf"\item[{b.number}.] \hypertarget{{{object_anchor(b.id)}}}{{}}" in tex


def test_epub_mark_is_a_noteref_and_the_book_is_clean(edition, epubchecker):
    from pipeline.writers.epub import epub_from_source, epub_source

    ed, root = edition
    source = json.loads(json.dumps(epub_source(ed), ensure_ascii=False))
    path = root / "notes.epub"
    path.write_bytes(epub_from_source(source, root=root))
    with zipfile.ZipFile(path) as z:
        xhtml = "".join(z.read(n).decode() for n in sorted(z.namelist())
                        if n.endswith(".xhtml") and not n.endswith("nav.xhtml"))
    note = ed.footnotes[0].id
    ref = re.search(rf'<a [^>]*href="[^"]*#{note}"[^>]*>', xhtml).group()
    assert 'epub:type="noteref"' in ref and 'role="doc-noteref"' in ref
    assert re.search(rf'id="{note}"[^>]*epub:type="endnote"', xhtml)
    assert re.search(rf'href="[^"]*#noteref-{note}"[^>]*role="doc-backlink"', xhtml)
    verdict = epubchecker.check(path)[0]
    assert verdict.ok, verdict.report()


def test_jats_mark_is_an_xref_to_its_fn_and_valid(pdf_doc, tmp_path):
    from pipeline.writers.indexing import indexing_files
    from pipeline.writers.indexing.validate import errors, schema_path

    files = indexing_files(pdf_doc, article_id="notes", root=tmp_path).files
    data = files["notes.jats.xml"]
    if schema_path("jats.xml").exists():
        assert errors("jats.xml", data) == []
    tree = etree.fromstring(data)
    fns = {fn.get("id"): fn.findtext("label") for fn in tree.iter("fn")}
    refs = [(x.text, fns.get(x.get("rid"))) for x in tree.iter("xref")
            if x.get("ref-type") == "fn"]
    assert refs == [("1", "1"), ("2", "2"), ("1", "1")]
    assert len(set(x.get("rid") for x in tree.iter("xref") if x.get("ref-type") == "fn")) == 3
    page = files["notes.html"].decode() if isinstance(files["notes.html"], bytes) else files[
        "notes.html"]
    assert 'role="doc-noteref"' in page and 'role="doc-backlink"' in page
