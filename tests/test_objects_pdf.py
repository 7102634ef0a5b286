"""Issue 16, the PDF side: figures, tables and display formulas found in a PDF.

One fixture PDF (``pdfgen_objects``: a Kyrgyz article with a ruled table, an unruled
table, a raster figure, a vector chart and a numbered formula, each captioned) is
read once through the text stages in memory; the tests look at the reader's lines,
the cleaned paragraphs and the blocks. The assets stage renders its pictures once.
"""

from __future__ import annotations

import re

import pytest
from pdfgen_objects import (
    CHART_LABELS,
    FORMULA_NUMBER,
    RULED,
    RULED_MERGES,
    UNRULED,
    objects_pdf,
)

from pipeline.model import Line, Run
from pipeline.readers.pdf.equations import find_displays
from pipeline.readers.pdf.figures import cluster, pixels
from pipeline.readers.pdf.geometry import PageLine
from pipeline.readers.pdf.objects import CAPTION, captions
from pipeline.readers.pdf.tables import unruled_tables
from pipeline.stages import run_text_stages


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    folder = tmp_path_factory.mktemp("objects")
    path = folder / "objects.pdf"
    expected = objects_pdf(path)
    kept: dict = {}
    doc = run_text_stages(path, upto="segment", keep=kept.__setitem__)
    return path, expected, kept["extract"], kept["clean"], doc


def _objects(extraction, role):
    return [ln for ln in extraction.lines if ln.role == role]


def _caption(lines: list[Line], obj: Line, side: int) -> str | None:
    """The caption right before (side -1) or after (side 1) an object line."""
    i = lines.index(obj) + side
    return lines[i].text if 0 <= i < len(lines) and lines[i].role == "caption" else None


def test_ruled_table_comes_back_with_its_cells_head_and_caption(article):
    _, expected, ex, _, _ = article
    tables = _objects(ex, "table")
    ruled = next(t for t in tables if t.cells[0][0] == RULED[0][0])
    assert ruled.cells == expected.ruled  # 5 rows × 3 columns, word for word
    assert ruled.header_rows == 2  # the head's two rows are bold
    assert sorted(ruled.visual.merges) == sorted([r, c, down, across] for (r, c), (down, across)
                                                 in RULED_MERGES.items())
    assert [r.text for r in ruled.runs] == [c for row in RULED for c in row]
    assert _caption(ex.lines, ruled, -1) == expected.captions["ruled"]
    assert ruled.visual.region[0] == 1 and ruled.visual.image is None


def test_unruled_table_is_found_from_its_columns(article):
    _, expected, ex, _, _ = article
    unruled = next(t for t in _objects(ex, "table") if t.cells[0][0] == UNRULED[0][0])
    assert unruled.cells == expected.unruled  # 5 rows × 3 columns
    assert _caption(ex.lines, unruled, -1) == expected.captions["unruled"]
    assert len(_objects(ex, "table")) == 2


def test_raster_figure_has_its_region_pixels_and_caption(article):
    _, expected, ex, _, _ = article
    raster = next(f for f in _objects(ex, "figure") if f.page == 1)
    page, *box = raster.visual.region
    assert page == 1
    assert box == pytest.approx(list(expected.raster_box), abs=0.5)
    assert raster.visual.pixels == pixels(tuple(box))
    assert raster.visual.pixels == [round(260 * 300 / 72), round(130 * 300 / 72)]
    assert raster.visual.image == "assets/p1-figure1.png"
    assert raster.text == ""  # a picture without words
    assert _caption(ex.lines, raster, 1) == expected.captions["raster"]


def test_vector_chart_keeps_its_labels_out_of_the_body(article):
    _, expected, ex, _, doc = article
    chart = next(f for f in _objects(ex, "figure") if f.page == 2)
    assert chart.text.split() == expected.chart_labels
    _, x0, top, x1, bottom = chart.visual.region
    cx0, ctop, cx1, cbottom = expected.chart_box
    # the drawing's box, grown down to hold the tick labels under its axis
    assert (x0, top, x1) == pytest.approx((cx0, ctop, cx1), abs=1.0) and bottom > cbottom
    assert _caption(ex.lines, chart, 1) == expected.captions["chart"]
    body = " ".join(b.text for b in doc.blocks if b.role == "paragraph")
    assert not any(label in body.split() for label in CHART_LABELS)


def test_numbered_formula_is_one_equation_line_with_its_number(article):
    _, expected, ex, cleaned, doc = article
    (eq,) = _objects(ex, "equation")
    assert eq.label == expected.formula_number
    assert all(r.math for r in eq.runs)
    assert "=" in eq.text and FORMULA_NUMBER not in eq.text
    assert eq.visual.image == "assets/p1-equation1.png" and eq.visual.pixels
    # the image leaves the number out: it ends left of the right margin's "(1)"
    assert eq.visual.region[3] < 440
    (para,) = [p for p in cleaned.paragraphs if p.role == "equation"]
    assert para.bullet == FORMULA_NUMBER
    (block,) = doc.by_role("equation")
    assert block.visual.region == eq.visual.region


def test_blocks_keep_objects_and_captions_side_by_side(article):
    _, _, _, _, doc = article
    roles = [b.role for b in doc.blocks if b.role not in ("title",)]
    assert roles == ["paragraph", "paragraph", "caption", "table", "caption", "table",
                     "paragraph", "equation", "figure", "caption", "paragraph", "figure",
                     "caption"]
    tables = doc.by_role("table")
    assert [len(t.cells) for t in tables] == [5, 5]
    assert [len(t.cells[0]) for t in tables] == [3, 3]


def test_paragraphs_stay_prose(article):
    """Justified lines are never a table or a formula: every paragraph comes back whole."""
    _, expected, _, _, doc = article
    got = [" ".join(b.text.split()) for b in doc.by_role("paragraph")]
    assert got == [" ".join(p.split()) for p in expected.paragraphs]


def test_assets_are_rendered_at_their_recorded_size_and_deterministic(article, tmp_path):
    from PIL import Image

    from pipeline.writers.assets import render_assets, stamp

    path, _, _, _, doc = article
    first = render_assets(doc, path, tmp_path / "a" / "assets")
    assert first.notes == []
    assert sorted(first.written) == ["assets/p1-equation1.png", "assets/p1-figure1.png",
                                     "assets/p2-figure1.png"]
    for b in doc.blocks:
        if b.visual and b.visual.image:
            with Image.open(tmp_path / "a" / b.visual.image) as im:
                assert list(im.size) == b.visual.pixels
    (tmp_path / "a" / "assets" / "p9-figure9.png").write_bytes(b"stale")
    again = render_assets(doc, path, tmp_path / "b" / "assets")
    for name in first.written:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    render_assets(doc, path, tmp_path / "a" / "assets")
    assert not (tmp_path / "a" / "assets" / "p9-figure9.png").exists()
    assert stamp(first) == stamp(again) == "".join(f"{n}\n" for n in sorted(first.written))
    # the raster figure is the picture that was drawn: blue bars on white
    with Image.open(tmp_path / "a" / "assets" / "p1-figure1.png") as im:
        colours = {c for _, c in im.convert("RGB").getcolors(1 << 20)}
    assert (255, 255, 255) in colours and any(b > r + 60 for r, _, b in colours)


def test_an_editors_image_must_be_a_picture_inside_the_folder(article, tmp_path):
    import dataclasses

    from pipeline.writers.assets import render_assets

    path, _, _, _, doc = article
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "new.png").write_bytes(_tiny_png())
    (folder / "notes.txt").write_text("not a picture")
    figure = doc.by_role("figure")[0]
    for media, ok in (("editor:new.png", True), ("editor:notes.txt", False),
                      ("editor:../objects.pdf", False), ("editor:missing.png", False)):
        block = dataclasses.replace(figure, visual=dataclasses.replace(figure.visual,
                                                                       media=media))
        d = dataclasses.replace(doc, blocks=[block])
        result = render_assets(d, path, tmp_path / "out" / "assets", folder)
        assert bool(result.written) == ok, (media, result.notes)
        if ok:
            assert (tmp_path / "out" / block.visual.image).read_bytes() == _tiny_png()
        else:
            assert result.notes and block.id in result.notes[0]


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(out, format="PNG")
    return out.getvalue()


# --- the detectors alone --------------------------------------------------------------


def _glyphs(text: str, x: float, top: float, size: float = 10.0) -> list[dict]:
    out = []
    for ch in text:
        w = 0.5 * size
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top, "bottom": top + size,
                    "size": size, "fontname": "Serif", "upright": True})
        x += w
    return out


def _row(*cells: tuple[float, str], top: float) -> list[dict]:
    return [g for x, text in cells for g in _glyphs(text, x, top)]


def test_prose_with_wide_word_gaps_is_no_table():
    """Rows of two stretches (a list's marker and its text) and justified prose: no table."""
    rows = [_row((50, "1."), (80, "биринчи пункт жана анын түшүндүрмөсү"), top=100 + 14 * k)
            for k in range(6)]
    assert unruled_tables(rows, [], 600, CAPTION) == []


def test_three_aligned_columns_make_an_unruled_table():
    rows = [_row((50, "Жыл"), (150, "Саны"), (250, "Үлүшү"), top=100)] + [
        _row((50, str(2020 + k)), (150, str(100 * k + 5)), (250, f"{k}.5"), top=114 + 14 * k)
        for k in range(3)]
    (table,) = unruled_tables(rows, [], 600, CAPTION)
    assert table.cells == [["Жыл", "Саны", "Үлүшү"], ["2020", "5", "0.5"],
                           ["2021", "105", "1.5"], ["2022", "205", "2.5"]]


def test_a_sentence_naming_a_figure_is_no_caption():
    assert CAPTION.match("Сүрөт 1. Окуучулар") and CAPTION.match("Figure 3-10 Column masks")
    assert CAPTION.match("Рис. 2 Мощность") and CAPTION.match("Table 2: Results")
    assert not CAPTION.match("Figure 3-5 shows the difference")
    assert not CAPTION.match("Рис. 3 показывает рост")


def test_captions_pair_with_their_own_kind():
    fig, table = Line([], role="figure"), Line([], role="table")
    lines = [fig, Line([Run("Таблица 1. Маалымат")], para_hint=True), table,
             Line([Run("Кийинки абзац.")], para_hint=True)]
    out = captions(lines)
    assert [ln.role for ln in out] == ["figure", "caption", "table", None]


def _line(text: str, x0: float, x1: float, top: float, math: bool = False) -> PageLine:
    return PageLine([Run(text, math=math or None)], x0, x1, top, top + 10, 10.0, "full", x0)


def test_display_formula_needs_math_and_a_place_apart():
    flow = [_line("Бул сүйлөм формуланы (2) айтып өтөт жана андан ары уланат", 70, 525, 100),
            _line("E = mc2 (2)", 260, 525, 130, math=True)]
    (d,) = find_displays(flow, 70, 455)
    assert (d.start, d.end, d.label, d.text) == (1, 2, "(2)", "E = mc2")
    prose = [_line("Мектептер саны (3)", 70, 525, 100)]
    assert find_displays(prose, 70, 455) == []
    # Symbols enough, but the line runs to the column's edge: a sentence of prose.
    where = [_line("where ρb = Ωm × (3H0)/(8πG), Ωm = 0.27, H0 = 70 km s Mpc", 92, 523, 100)]
    assert find_displays(where, 70, 455) == []


def test_a_fraction_between_two_formulas_goes_to_the_nearer_one():
    # Two displays whose denominator and numerator face each other: each picture
    # must hold its own pieces, or the second's numerator prints twice, cut.
    flow = [_line("ä", 200, 210, 100, True), _line("3 = −4πG + Q, (1)", 190, 525, 110, True),
            _line("a", 200, 210, 120, True), _line("ȧ2 1 1", 200, 300, 133, True),
            _line("3 = 8πG − R − Q, (2)", 190, 525, 141, True),
            _line("a2 2 2", 200, 300, 151, True)]
    first, second = find_displays(flow, 70, 455)
    assert (first.start, first.end, first.label) == (0, 3, "(1)")
    assert (second.start, second.end, second.label) == (3, 6, "(2)")


def test_a_formula_flush_with_the_margin_is_found_by_its_number():
    # phd_article's (4): the formula starts at the margin and its number sits on a
    # line of its own below the fraction; the number is the evidence.
    flow = [_line("Параметрлер төмөнкү маселени чечүү менен табылат жана колдонулат", 70, 525,
                  100),
            _line("ŴRBM, b̂vis = arg max p(D; W, bvis) = exp −E(x, h)", 70, 500, 115, True),
            _line("h∈{0,1}", 380, 410, 127, True),
            _line("(4)", 505, 525, 136),
            _line("Мындан ары ушул формула колдонулат жана изилденет.", 70, 525, 150)]
    (d,) = find_displays(flow, 70, 455)
    assert (d.start, d.end, d.label) == (1, 4, "(4)")
    # Prose above a lone number is not made a formula.
    prose = [flow[0], _line("Мектептердин саны жана алардын абалы жөнүндө маалымат", 70, 525,
                            115), flow[3]]
    assert [x.label for x in find_displays(prose, 70, 455)] == []


def test_an_appendix_formula_keeps_its_number():
    flow = [_line("Бул тиркемедеги формула төмөнкүдөй жазылат жана колдонулат", 70, 525, 100),
            _line("ρ(t, r) = ρb exp(−r2), (A.1)", 190, 525, 130, math=True)]
    (d,) = find_displays(flow, 70, 455)
    assert (d.label, d.text) == ("(A.1)", "ρ(t, r) = ρb exp(−r2),")
    from pipeline.segment.objects import EQUATION_REF
    assert EQUATION_REF.search("from (A.1) and (3)").group("num") == "A.1"


def test_shapes_cluster_into_drawings():
    shapes = [((0, 0, 10, 10), "rect"), ((14, 0, 30, 10), "curve"), ((200, 0, 210, 5), "rule")]
    assert [b for b, _ in cluster(shapes)] == [(0, 0, 30, 10), (200, 0, 210, 5)]
    assert pixels((0, 0, 720, 72)) == [3000, 300]
    assert re.fullmatch(r"\d+", str(pixels((0, 0, 100000, 10))[0]))
    assert pixels((0, 0, 100000, 10))[0] <= 6000


def test_a_page_whose_drawing_breaks_the_finder_is_still_read_as_text(article, monkeypatch):
    import pipeline.readers.pdf.objects as objects
    from pipeline.readers import extract

    def broken(*args):
        raise ZeroDivisionError

    monkeypatch.setattr(objects, "ruled_tables", broken)
    path, expected, _, _, _ = article
    ex = extract(path.read_bytes(), str(path))
    notes = " ".join(ex.notes)
    assert "page 1: figures and tables not looked for (ZeroDivisionError)" in notes
    text = " ".join(ln.text for ln in ex.lines)
    assert expected.paragraphs[0].split()[0] in text and "Мектептер" in text


def test_a_table_made_a_figure_is_rendered_from_its_region(article, tmp_path):
    """The editor's `table_as: figure` names an image but the reader gave a table no
    pixel size: the picture gets the size the reader would have given it."""
    import dataclasses

    from PIL import Image

    from pipeline.writers.assets import render_assets

    path, _, _, _, doc = article
    table = doc.by_role("table")[0]
    figure = dataclasses.replace(table, role="figure", cells=None, header_rows=None,
                                 visual=dataclasses.replace(table.visual, merges=None,
                                                            image=f"assets/{table.id}-figure.png"))
    result = render_assets(dataclasses.replace(doc, blocks=[figure]), path, tmp_path / "assets")
    assert result.written == [figure.visual.image]
    with Image.open(tmp_path / figure.visual.image) as im:
        assert list(im.size) == pixels(tuple(table.visual.region[1:]))


def test_a_docx_picture_is_copied_only_from_word_media_and_within_the_size(tmp_path,
                                                                           monkeypatch):
    import zipfile

    import pipeline.writers.assets as assets
    from pipeline.model import Block, Document, Visual

    docx = tmp_path / "source.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/media/image1.png", _tiny_png())
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/big.png", _tiny_png() + b"\0" * 4096)

    def doc_of(member: str) -> Document:
        return Document({}, [Block("f1", "figure", "und", "", visual=Visual(
            image="assets/docx-x.png", media=member))])

    out = tmp_path / "assets"
    assert assets.render_assets(doc_of("word/media/image1.png"), docx, out).written == [
        "assets/docx-x.png"]
    assert (out / "docx-x.png").read_bytes() == _tiny_png()
    for member in ("word/document.xml", "word/media/../document.xml", "word/media/none.png"):
        result = assets.render_assets(doc_of(member), docx, out)
        assert not result.written and "f1" in result.notes[0], member
    monkeypatch.setattr(assets, "MAX_IMAGE_BYTES", 1024)
    result = assets.render_assets(doc_of("word/media/big.png"), docx, out)
    assert not result.written and "over the limit of 1,024" in result.notes[0]
    assert not (out / "docx-x.png").exists()  # no block names it any more


def test_objects_are_numbered_captioned_and_named_in_the_text(article):
    """The acceptance of issue 16 on the fixture: each object comes back with its number
    and its caption, and the text's "1-сүрөттө", "2-таблицада", "(1)" link to it."""
    _, expected, _, _, doc = article
    objects = {(b.role, b.number): b for b in doc.blocks if b.role in ("table", "figure",
                                                                        "equation")}
    assert sorted(objects) == [("equation", "1"), ("figure", "1"), ("figure", "2"),
                               ("table", "1"), ("table", "2")]
    captions = {b.of: b.text for b in doc.by_role("caption")}
    assert captions == {objects["table", "1"].id: expected.captions["ruled"],
                        objects["table", "2"].id: expected.captions["unruled"],
                        objects["figure", "1"].id: expected.captions["raster"],
                        objects["figure", "2"].id: expected.captions["chart"]}
    links = {b.text[s.start:s.end]: s.xref for b in doc.blocks for s in b.spans if s.xref}
    assert links == {"1-таблицада": objects["table", "1"].id,
                     "2-таблицада": objects["table", "2"].id,
                     "1-сүрөттө": objects["figure", "1"].id,
                     "(1)": objects["equation", "1"].id}


def test_a_logo_on_every_page_is_furniture_a_repeated_figure_in_the_text_is_not():
    from pipeline.readers.pdf.objects import FoundObjects, PageObject

    found = FoundObjects()
    for page in range(1, 7):
        found[page] = [PageObject("figure", (500.0, 20.0, 560.0, 60.0), Line([], role="figure")),
                       PageObject("figure", (100.0, 300.0, 490.0, 500.0),
                                  Line([], role="figure"))]
    found.drop_recurring({page: 842.0 for page in range(1, 7)})
    assert all([o.box[1] for o in objs] == [300.0] for objs in found.values())
    assert "6 pictures repeated" in found.notes[0]


@pytest.fixture(scope="module")
def built(article, tmp_path_factory):
    """The fixture built as an editor builds a file (the journal's edition only: the
    objects print the same in every edition)."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    path = article[0]
    out = tmp_path_factory.mktemp("objects-built") / "out"
    env = dict(os.environ, BASMA_EPUBCHECK="0", SOURCE_DATE_EPOCH="1767225600",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(path), "-o", str(out),
                           "--editions", "full"], cwd=path.parent, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_cross_references_link_to_their_objects_in_the_pdf_and_the_epub(built, epubchecker):
    """Issue 16's acceptance on the fixture, from PDF source to the journal's PDF and
    EPUB: every object prints (pictures in the PDF, <figure>, <table> with <th scope>,
    the formula), and each "1-сүрөттө", "2-таблицада", "(1)" is a link to its object."""
    import json
    import subprocess
    import zipfile

    import pikepdf

    from pipeline.writers.epub import anchor
    from pipeline.writers.latex import object_anchor

    doc = json.loads((built / "document.json").read_text(encoding="utf-8"))
    targets = {s["xref"] for b in doc["blocks"] for s in b.get("spans", []) if s.get("xref")}
    assert len(targets) == 4, targets
    pdf = built / "objects.pdf"
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    figures = [b for b in doc["blocks"] if b["role"] == "figure"]
    assert len(listing) >= len(figures), listing  # the formula's picture may add one
    with pikepdf.open(pdf) as p:
        dests = {str(k) for k, _ in pikepdf.NameTree(p.Root.Names.Dests).items()}
        links = {str(a.A.D) for page in p.pages for a in page.obj.get("/Annots", [])
                 if "/A" in a and "/D" in a.A}
    for ident in targets:
        assert object_anchor(ident) in dests, ident
        assert object_anchor(ident) in links, ident
    with zipfile.ZipFile(built / "objects.epub") as z:
        xhtml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                        if n.endswith(".xhtml"))
    assert xhtml.count("<figure") >= len(figures) and "<table" in xhtml
    assert 'scope="col"' in xhtml and "<figcaption" in xhtml
    assert not re.search(r'<img(?![^>]*alt="[^"]+")', xhtml), "an image without alt text"
    for ident in targets:
        assert f'id="{anchor(ident)}"' in xhtml, ident
        assert re.search(rf'href="[^"]*#{re.escape(anchor(ident))}"', xhtml), ident
    verdict = epubchecker.check(built / "objects.epub")[0]
    assert verdict.ok, verdict.report()


CONTENTS = [("1. Киришүү", "3"), ("2. Изилдөөнүн ыкмалары", "5"),
            ("3. Мектептердеги абал жана анын өзгөрүшү", "8"), ("Корутунду", "12"),
            ("Адабияттар", "14")]


@pytest.mark.parametrize("leaders", [True, False], ids=["leaders", "gaps"])
def test_a_table_of_contents_is_a_table_of_entries_and_pages(tmp_path, leaders):
    # A source's contents: entries, dot leaders (or a wide gap), pages at the right edge.
    # Read as text, the leaders were paragraphs of dots and the pages stray numbers (or,
    # without leaders, a column of numbers after the entries).
    from pdfgen import BOLD, REGULAR, register_fonts
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    path = tmp_path / "contents.pdf"
    c = Canvas(str(path), pagesize=A4)
    c.setFont(BOLD, 14)
    c.drawString(72, 770, "Мектептердин абалы")
    c.drawString(72, 740, "Мазмуну")
    y = 715.0
    for entry, page in CONTENTS:
        c.setFont(REGULAR, 11)
        c.drawString(72, y, entry)
        x = 72 + pdfmetrics.stringWidth(entry, REGULAR, 11) + 6
        while leaders and x < 500:
            c.drawString(x, y, ".")
            x += 5.5
        c.drawRightString(523, y, page)
        y -= 16
    c.setFont(REGULAR, 11)
    for k in range(4):
        c.drawString(72, y - 20 - 14 * k, "Бул макалада мектептердин абалы жана алардын "
                     "өнүгүшү кеңири талкууланат, ар бир бөлүмдө.")
    c.save()
    doc = run_text_stages(path, upto="segment")
    (table,) = [b for b in doc.blocks if b.role == "table"]
    assert table.cells == [[e, p] for e, p in CONTENTS]
    assert not any(". . . ." in b.text or "....." in b.text for b in doc.blocks)
    assert any(b.text.startswith("Бул макалада") for b in doc.blocks if b.role == "paragraph")


def test_a_word_across_a_figure_edge_goes_whole_to_one_side():
    # redp's cover: a figure region's edge cut "row" into "ow" (figure) and "r" (text).
    from pipeline.readers.pdf.figures import take_words

    def glyphs(word: str, x: float) -> list[dict]:
        return [dict(text=ch, x0=x + 5 * i, x1=x + 5 * i + 4.5, top=100.0, bottom=109.0,
                     size=9.0) for i, ch in enumerate(word)]

    row = glyphs("Leverage", 0) + glyphs("row", 50) + glyphs("permissions", 70)
    taken, used, grown = take_words([(57.0, 90.0, 300.0, 200.0)], [row], CAPTION)
    assert "".join(c["text"] for c in taken[0][0]) == "rowpermissions"
    assert grown[0][0] == 50.0 and not any(id(c) in used for c in row[:8])


def test_a_figure_on_a_rotated_page_is_rendered_where_the_page_shows_it(tmp_path):
    # A landscape page is often a portrait page with /Rotate 90: pdfplumber measures it
    # as shown, and the picture must be cut from the page as shown (it was refused).
    import io

    import pdfplumber
    import pikepdf
    from PIL import Image

    from pipeline.writers.assets import _Renderer

    plain, rotated = tmp_path / "plain.pdf", tmp_path / "rotated.pdf"
    objects_pdf(plain)
    with pikepdf.open(plain) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(rotated)
    with pdfplumber.open(rotated) as pdf:
        page = pdf.pages[0]
        assert page.width > page.height  # shown landscape
        im = page.images[0]
        box = [float(im[k]) for k in ("x0", "top", "x1", "bottom")]
    renderer = _Renderer(rotated)
    try:
        png = renderer.render([1, *box], None)
    finally:
        renderer.close()
    with Image.open(io.BytesIO(png)) as picture:
        colours = picture.convert("RGB").getcolors(1 << 22)
    blue = sum(n for n, (r, _, b) in colours if b > r + 60)
    assert blue > 0.05 * sum(n for n, _ in colours)  # the bars, not the page's text
