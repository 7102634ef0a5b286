"""Issue 16, the writers: figures, tables and equations from the document model into the
LaTeX source and PDF, the EPUB, the single-language editions, the web pages and JATS.

One small Kyrgyz article built in code (a figure with a picture this module draws, a
table with spanned cells, a numbered equation, captions with translations, and
cross-references to all three) is written once per module: one PDF, one EPUB.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from pipeline.model import Block, Document, Span, Visual
from pipeline.writers.editions import editions, make_edition
from pipeline.writers.latex import render_tex, table_latex

HOSTILE = r"\input{/etc/passwd} 50% & $x$ #1 ~ <b>&amp;</b>"
P1 = "Мектептердин саны 1-сүрөттө көрсөтүлгөн, ал эми жыйынтыктар Таблица 1 жана (1) боюнча."
CAPTION_FIG = "Сүрөт 1. Мектептердин саны " + HOSTILE
CAPTION_TAB = "Таблица 1. Жыйынтыктар"


def png(width: int, height: int) -> bytes:
    """A small RGB PNG (a diagonal gradient) made without any imaging library."""
    raw = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128))
                                       for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    # 300 dpi in pHYs: 11811 pixels a metre.
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", 11811, 11811, 1))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_doc() -> Document:
    xrefs = [("1-сүрөттө", "fig1"), ("Таблица 1", "tab1"), ("(1)", "eq1")]
    spans = [Span(P1.index(t), P1.index(t) + len(t), xref=x) for t, x in xrefs]
    meta = {"language": "ky", "title": {"ky": "Сүрөттөр жана таблицалар",
                                        "en": "Figures and tables"}}
    cells = [["Аймак", "2020", "2021"], ["Бишкек", "120", "130"], ["Ош", "80", "95"],
             ["Жалпы " + HOSTILE, "", ""]]
    return Document(meta, [
        Block("h1", "heading", "ky", "Киришүү", level=1),
        Block("p1", "paragraph", "ky", P1, spans=spans),
        Block("p2", "paragraph", "ky", "Экинчи абзац. " * 30),
        Block("fig1", "figure", "ky", "", number="1",
              visual=Visual(image="assets/fig-1.png", pixels=[300, 150])),
        Block("c1", "caption", "ky", CAPTION_FIG, of="fig1",
              translations={"en": "Figure 1. The number of schools", "ru": "Число школ"}),
        Block("c2", "caption", "ky", CAPTION_TAB, of="tab1"),
        Block("tab1", "table", "ky", " ".join(c for r in cells for c in r), number="1",
              cells=cells, header_rows=1, visual=Visual(merges=[[3, 0, 1, 3]])),
        Block("eq1", "equation", "und", "S = πr2 (1)", number="1",
              visual=Visual(tex=r"S = \pi r^{2} \tag{1}")),
        Block("eq2", "equation", "und", "E = mc2", number="2",
              visual=Visual(tex=r"\input{/etc/passwd}", image="assets/../../secret.png")),
        Block("eq3", "equation", "und", "a + b = c", number="3",
              visual=Visual(image="assets/eq-3.png", pixels=[120, 30])),
        Block("p3", "paragraph", "ky", "Акыркы абзац."),
    ])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The article's build folder: assets/fig-1.png, and a file outside it."""
    folder = tmp_path_factory.mktemp("objects") / "build-id"
    (folder / "assets").mkdir(parents=True)
    (folder / "assets" / "fig-1.png").write_bytes(png(300, 150))
    (folder / "assets" / "eq-3.png").write_bytes(png(120, 30))
    (folder.parent / "secret.png").write_bytes(png(4, 4))
    return folder


@pytest.fixture(scope="module")
def tex(root: Path) -> str:
    return render_tex(make_edition(make_doc(), "full", root=root))


# --- the LaTeX source -------------------------------------------------------------------


def test_latex_has_the_figure_float_with_its_picture_and_caption(tex):
    figure = re.search(r"\\begin\{figure\}\[tbp\].*?\\end\{figure\}", tex, re.S)
    assert figure, "no figure float"
    assert r"\basmaimage{fig-1.png}{72.00}{36.00}" in figure.group()
    assert r"\basmacaption{Сүрөт~1}{Мектептердин саны" in figure.group()
    assert r"\basmaanchor{basma.fig1}" in figure.group()
    assert r"\graphicspath{{assets/}{../assets/}}" in tex


def test_latex_float_follows_its_first_mention(tex):
    body = tex[tex.index("%basma-block p1"):]
    assert body.index(r"\begin{figure}") < body.index("%basma-block p2")


def test_latex_escapes_every_caption_and_cell(tex):
    assert r"\input" not in tex.replace(r"\textbackslash{}input", "")
    assert "/etc/passwd" in tex and r"\textbackslash{}input\{/etc/passwd\}" in tex
    assert r"50\% \& \$x\$ \#1" in tex


def test_latex_table_is_booktabs_with_spanned_cells(tex):
    table = re.search(r"\\begin\{table\}\[tbp\].*?\\end\{table\}", tex, re.S).group()
    assert r"\basmacaption{Таблица~1}{Жыйынтыктар}" in table
    assert table.index(r"\basmacaption") < table.index(r"\begin{tabular}")
    assert r"\toprule" in table and r"\midrule" in table and r"\bottomrule" in table
    # The spanned cell is wider than its columns: they share the text width.
    assert r"\multicolumn{3}{>{\centering\arraybackslash}p{" in table
    assert table.count(r">{\raggedleft\arraybackslash}p{") == 2  # numbers flush right
    narrow = table_latex(Block("t", "table", "ky", "", cells=[["Аймак", "2020"], ["Ош", "80"]],
                               header_rows=1), "ky", long=False)
    assert narrow.startswith(r"\begin{tabular}{lr}")


def test_latex_equation_is_numbered_and_unsafe_tex_is_not_used(tex, root):
    assert r"\[S = \pi r^{2} \tag{1}\]" in tex
    assert r"\text{E = mc2} \tag{2}" in tex  # neither its TeX nor a picture outside assets/
    ed = make_edition(make_doc(), "full", root=root)
    render_tex(ed)
    assert any("equation eq2" in p and "not used" in p for p in ed.problems)
    assert any("eq2" in p and "not an image name" in p for p in ed.problems)


def test_docx_formulas_pass_as_latex_and_a_trailing_control_space_is_dropped():
    from pipeline.writers.visuals import safe_tex

    # As pandoc gives a DOCX's cases and matrix: ending in a control space.
    cases = "f(x) = \\left\\{ \\begin{matrix}\nx, & x \\geq 0 \\\\\n - x, & x < 0\n" \
        "\\end{matrix} \\right.\\ "
    assert safe_tex(cases).endswith(r"\end{matrix} \right.")
    assert safe_tex("a \\") == "a" and safe_tex("a \\\\\\") is None


def test_latex_links_cross_references(tex):
    assert r"\hyperlink{basma.fig1}{1-сүрөттө}" in tex
    assert r"\hyperlink{basma.tab1}{Таблица 1}" in tex
    assert r"\hyperlink{basma.eq1}{(1)}" in tex


def test_long_table_is_a_longtable_repeating_its_head():
    rows = [["№", "Аты"]] + [[str(i), f"Мектеп {i}"] for i in range(40)]
    doc = Document({"language": "ky"}, [
        Block("t", "table", "ky", "", cells=rows, header_rows=1, number="2")])
    tex = render_tex(make_edition(doc, "full"))
    assert r"\begin{longtable}{rl}" in tex and r"\endhead" in tex
    assert r"\begin{table}" not in tex


def test_rows_spanned_cells_are_multirow():
    cells = [["A", "B", "C"], ["x", "1", "2"], ["", "3", "4"]]
    tex = table_latex(Block("t", "table", "en", "", cells=cells, header_rows=1,
                            visual=Visual(merges=[[1, 0, 2, 1]])), "en", long=False)
    assert r"\multirow{2}{*}{{}x} & {}1 & {}2 \\" in tex
    assert "\n & {}3 & {}4 \\\\" in tex


# --- the single-language editions ----------------------------------------------------------


def test_single_language_editions_carry_figures_and_tables(root):
    eds = {ed.key: ed for ed in editions(make_doc(), root=root)}
    en = eds["en"]
    assert en.notice and [b.id for b in en.body] == ["fig1", "c1", "c2", "tab1"]
    tex = render_tex(en)
    # The notice's edition is set in the body's language around the English captions.
    assert r"\basmacaption{Figure~1}{\foreignlanguage{english}{The number of schools}}" in tex
    assert r"\basmacaption{Table~1}{Жыйынтыктар}" in tex
    ru = render_tex(eds["ru"])
    assert r"\basmacaption{Рис.~1}{\foreignlanguage{russian}{Число школ}}" in ru


# --- the PDF ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(root: Path, tex: str) -> Path:
    from pipeline.writers.typeset import typeset

    work = root / "tex-full"
    out = root / "article.pdf"
    typeset(tex, work, "article", out)
    return out


def test_pdf_holds_the_picture_and_links(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert sorted(ln.split()[3:5] for ln in listing) == [["120", "30"], ["300", "150"]]
    raw = pdf.read_bytes()
    for dest in (b"basma.fig1", b"basma.tab1", b"basma.eq1"):
        assert raw.count(dest) >= 2, dest  # the destination and a link to it
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Сүрөт 1." in text and "Таблица 1." in text and "(1)" in text
    assert "/etc/passwd" in text
    # The formula's picture is marked with its text (/ActualText), the figure's with its
    # description (/Alt), in the page's content stream.
    content = b"".join(_inflated(raw))
    assert b"/actualtext <feff00610020002b002000620020003d00200063>" in content.lower()
    assert b"/alt <feff041c0435043a" in content.lower()


def _inflated(pdf: bytes) -> list[bytes]:
    """The PDF's Flate streams, decompressed (those that are)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return out


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler missing")
def test_pdf_page_renders(pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


# --- the EPUB -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epub(root: Path) -> dict[str, str]:
    from pipeline.writers.epub import epub_from_source, epub_source

    source = epub_source(make_edition(make_doc(), "full", root=root))
    # As make's stages pass it: through JSON, the pictures read from the build folder.
    source = json.loads(json.dumps(source, ensure_ascii=False))
    data = epub_from_source(source, root=root)
    (root / "article.epub").write_bytes(data)
    with zipfile.ZipFile(root / "article.epub") as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def _xhtml(epub: dict[str, str]) -> str:
    return "".join(v for k, v in sorted(epub.items()) if k.endswith(".xhtml")
                   and not k.endswith("nav.xhtml"))


def test_epub_figure_has_its_picture_alt_text_and_caption(epub):
    text = _xhtml(epub)
    figure = re.search(r'<figure id="fig1".*?</figure>', text, re.S).group()
    img = re.search(r"<img [^>]*>", figure).group()
    assert 'alt="Мектептердин саны \\input{/etc/passwd} 50% &amp; $x$ #1' in img
    assert re.search(r'src="\.\./media/[^"]+\.png"', img)
    assert "<figcaption><strong>Сүрөт\u00a01.</strong>" in figure
    cover = re.search(r'properties="cover-image"[^>]*href="([^"]+)"', epub["EPUB/content.opf"])
    pictures = [n for n in epub if n.startswith("EPUB/media/") and n.endswith(".png")
                and not n.endswith(cover.group(1))]
    assert len(pictures) == 2  # the figure's and the formula's
    formula = re.search(r'<div id="eq3" class="equation">.*?</div>', text, re.S).group()
    assert re.search(r'<img [^>]*alt="a \+ b = c"', formula) and "(3)" in formula
    assert "secret" not in "".join(epub)  # no file named by the text went in


def test_epub_table_has_caption_and_header_scopes(epub):
    table = re.search(r'<table id="tab1".*?</table>', _xhtml(epub), re.S).group()
    assert "<caption><strong>Таблица\u00a01.</strong> Жыйынтыктар</caption>" in table
    assert table.count('<th scope="col">') == 3
    assert 'colspan="3"' in table
    plain = table_of([["Аймак", "2020"], ["Бишкек", "120"], ["Ош", "80"]])
    assert plain.count('<th scope="row">') == 2  # names over numbers head their rows
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in table  # the cell's text, literal


def table_of(cells: list[list[str]]) -> str:
    """A table alone through pandoc's HTML writer, as the EPUB writes it."""
    import pypandoc

    from pipeline.writers.epub import pandoc_api_version, table

    doc = {"pandoc-api-version": pandoc_api_version(), "meta": {},
           "blocks": [table(cells, 1)]}
    return pypandoc.convert_text(json.dumps(doc), "html5", format="json")


def test_epub_equation_is_mathml_and_xrefs_link(epub):
    text = _xhtml(epub)
    equation = re.search(r'<div id="eq1" class="equation">.*?</div>', text, re.S).group()
    assert "<math" in equation and "(1)" in equation
    links = {href: shown.replace("\u00ad", "") for href, shown in
             re.findall(r'<a href="[^"]*#(\w+)" class="xref">([^<]*)</a>', text)}
    assert links == {"fig1": "1-сүрөттө", "tab1": "Таблица 1", "eq1": "(1)"}
    opf = epub["EPUB/content.opf"]
    assert "alternativeText" in opf and "MathML" in opf and ">visual<" in opf


def test_epub_is_clean(epub, root, epubchecker):
    verdict = epubchecker.check(root / "article.epub")[0]
    assert verdict.ok, verdict.report()


def test_epub_refuses_a_picture_that_changed(root, tmp_path):
    from pipeline.errors import TypesetError
    from pipeline.writers.epub import epub_from_source, epub_source

    source = epub_source(make_edition(make_doc(), "full", root=root))
    source["pictures"] = {name: "0" * 64 for name in source["pictures"]}
    with pytest.raises(TypesetError, match="cannot be used"):
        epub_from_source(source, root=root)


# --- the web pages and JATS -------------------------------------------------------------


@pytest.fixture(scope="module")
def indexing(root: Path):
    from pipeline.writers.indexing import indexing_files

    return indexing_files(make_doc(), article_id="art", root=root)


def test_jats_has_fig_table_wrap_disp_formula_and_xrefs(indexing):
    from pipeline.writers.indexing.validate import errors, schema_path

    data = indexing.files["art.jats.xml"]
    if schema_path("jats.xml").exists():
        assert errors("jats.xml", data) == []
    tree = etree.fromstring(data)
    xlink = "{http://www.w3.org/1999/xlink}href"
    fig = tree.find(".//fig[@id='fig1']")
    assert fig.find("label").text == "Сүрөт 1"
    assert fig.find("graphic").get(xlink) == "assets/fig-1.png"
    assert fig.find("graphic/alt-text").text.startswith("Мектептердин саны")
    wrap = tree.find(".//table-wrap[@id='tab1']")
    assert [th.get("scope") for th in wrap.iter("th")] == ["col"] * 3
    assert wrap.find(".//td[@colspan='3']") is not None
    assert tree.find(".//disp-formula[@id='eq1']/tex-math").text == r"S = \pi r^{2}"
    refs = {x.get("rid"): x.get("ref-type") for x in tree.iter("xref")}
    assert refs == {"fig1": "fig", "tab1": "table", "eq1": "disp-formula"}


def test_pages_show_the_figure_and_the_pictures_are_outputs(indexing, root):
    from lxml import html as lxml_html

    page = lxml_html.fromstring(indexing.files["art.html"])
    img = page.find(".//figure[@id='fig1']/img")
    assert img.get("src") == "assets/fig-1.png" and img.get("alt").startswith("Мектептердин")
    assert page.find(".//table[@id='tab1']/caption") is not None
    assert page.find(".//a[@class='xref']").get("href") == "#fig1"
    assert indexing.files["assets/fig-1.png"] == (root / "assets" / "fig-1.png").read_bytes()
    en = lxml_html.fromstring(indexing.files["art.en.html"])
    assert "The number of schools" in en.find(".//figure/figcaption").text_content()


def test_install_carries_the_assets_folder(tmp_path, indexing):
    from pipeline.install import install

    stage = tmp_path / "out"
    for name, data in indexing.files.items():
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_bytes(data)
    target = tmp_path / "output"
    assert "assets/fig-1.png" in install(stage, target, manifest=True)
    assert (target / "assets" / "fig-1.png").read_bytes() == indexing.files["assets/fig-1.png"]
    (stage / "assets" / "fig-1.png").unlink()
    install(stage, target, manifest=True)  # a second set without the picture replaces it
    assert not (target / "assets" / "fig-1.png").exists()


def test_pages_give_equations_as_mathml(indexing):
    from lxml import html as lxml_html

    page = lxml_html.fromstring(indexing.files["art.html"])
    equation = page.find(".//div[@id='eq1']")
    assert "<math" in lxml_html.tostring(equation, encoding="unicode")
    assert "(1)" in equation.text_content()
    hostile = page.find(".//div[@id='eq2']")  # its TeX refused: its text
    assert hostile.text_content().startswith("E = mc2") and hostile.find(".//math") is None


def test_a_proof_places_caption_words_in_the_documents_caption(root):
    from pipeline.writers.proof import ProofMarks

    doc, marks = make_doc(), ProofMarks()
    render_tex(make_edition(doc, "full", root=root), proof=marks)
    caption = next(b for b in doc.blocks if b.id == "c1")
    words = [caption.text[s:e] for ident, s, e in marks.words if ident == "c1"]
    assert words[:3] == ["Мектептердин", "саны", r"\input{/etc/passwd}"]  # no label
    paragraph = [w for ident, _, _ in marks.words if ident == "p1" for w in [ident]]
    assert len(paragraph) == len(P1.split())  # every word of a paragraph, from its start


@pytest.mark.parametrize("tex", [
    r"\breve\overbrace{x}", r"\sqrt\iff", r"\sqrt'", "x^é", r"\mid\bigg", r"x\limits",
    r"\degree", r"{a & b}", r"\left( x", r"x^1^2", r"\text{a^b}", "a \\\\ b", r"\catcode",
])
def test_formulas_tex_would_stop_at_are_refused(tex):
    """Each of these stopped LuaLaTeX ("Missing { inserted", "Missing delimiter",
    "Double superscript" …) when a generated formula got through (found by typesetting
    thousands of random ones)."""
    from pipeline.writers.visuals import safe_tex

    assert safe_tex(tex) is None
