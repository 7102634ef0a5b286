"""Dingbat fonts (Wingdings, Wingdings 2/3, Webdings) read by Unicode 7.0's table.

The fixtures are one-page PDFs written here with pikepdf: a simple Wingdings font
whose text is its codes (no ToUnicode map, or one that echoes them), and a composite
(Type0, Identity-H) one whose ToUnicode map echoes glyph numbers, with and without a
character map in its embedded TrueType program (made with fontTools).
"""

from __future__ import annotations

import io
import unicodedata

import pikepdf
import pytest

from pipeline import alphabet, symbolfonts
from pipeline.cleaner import clean
from pipeline.cleaner.fixes import map_private_use
from pipeline.readers.pdf import read_pdf

#: Body lines in Helvetica, so the page has a body size and lines to read.
BODY = ["A list of the services the survey asks about.", "Each item is ticked or not."]


def _page(pdf: pikepdf.Pdf, fonts: dict, ops: list[bytes]) -> bytes:
    text = [b"BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (760 - 14 * k, line.encode())
            for k, line in enumerate(BODY)]
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(
            F1=pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding)),
            **fonts)),
        Contents=pdf.make_stream(b"\n".join(text + ops)))))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _item(font: str, code: bytes, words: str, k: int) -> bytes:
    """A list line: the glyph ``code`` of ``font``, then ``words`` in Helvetica."""
    y = 700 - 14 * k
    return (b"BT /%s 11 Tf 72 %d Td <%s> Tj ET BT /F1 11 Tf 86 %d Td (%s) Tj ET"
            % (font.encode(), y, code.hex().encode(), y, words.encode()))


def _echo_map(codes: list[int], width: int) -> bytes:
    """A ToUnicode CMap that gives each code back as the character of the same number."""
    digits = 2 * width
    entries = "\n".join(f"<{c:0{digits}X}> <{c:04X}>" for c in codes)
    return (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            f"/CMapName /Echo def /CMapType 2 def\n"
            f"1 begincodespacerange <{'00' * width}> <{'FF' * width}> endcodespacerange\n"
            f"{len(codes)} beginbfchar\n{entries}\nendbfchar\n"
            f"endcmap CMapName currentdict /CMap defineresource pop end end\n").encode()


def _lines(raw: bytes) -> tuple[list[str], list[str]]:
    ext = read_pdf(raw, "fixture.pdf")
    return ["".join(r.text for r in ln.runs).strip() for ln in ext.lines], ext.notes


def _bullets(raw: bytes) -> list[tuple[str | None, str]]:
    return [(p.bullet, p.text) for p in clean(read_pdf(raw, "fixture.pdf")).paragraphs]


def _simple_wingdings(pdf: pikepdf.Pdf, name: str, tounicode: bytes | None) -> pikepdf.Object:
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/" + name), FirstChar=32, LastChar=255,
        Widths=pikepdf.Array([900] * 224))
    if tounicode is not None:
        font.ToUnicode = pdf.make_stream(tounicode)
    return pdf.make_indirect(font)


@pytest.mark.parametrize("echo", [False, True], ids=["no-tounicode", "echoing-tounicode"])
def test_simple_wingdings_codes_become_their_characters(echo):
    # Word's bullets and tick: "l" ⚫, "§" ▪, "ü" ✓ (read under WinAnsi: pdfminer's letters).
    pdf = pikepdf.Pdf.new()
    codes = [0x6C, 0xA7, 0xFC]
    font = _simple_wingdings(pdf, "Wingdings-Regular", _echo_map(codes, 1) if echo else None)
    words = ["Lawyers", "Paralegals", "Students"]
    ops = [_item("F2", bytes([c]) + b" ", w, k)
           for k, (c, w) in enumerate(zip(codes, words, strict=True))]
    raw = _page(pdf, {"F2": font}, ops)
    lines, notes = _lines(raw)
    assert "\u26ab Lawyers" in lines and "\u25aa Paralegals" in lines
    assert "\u2713 Students" in lines
    # Word's bullets open list items; its tick stays in the text, for the reader.
    items = _bullets(raw)
    assert ("\u26ab", "Lawyers") in items
    assert any(b == "\u25aa" and t.startswith("Paralegals") for b, t in items)
    assert any(t.endswith("\u2713 Students") for _, t in items)
    assert not any(ln.startswith(("l ", "§", "ü")) for ln in lines)
    said = [n for n in notes if n.startswith("Wingdings-Regular (the PDF gave the codes")]
    assert said == ["Wingdings-Regular (the PDF gave the codes themselves as text): 3 code(s) "
                    "read by Unicode's table of the font (0x6C ⚫, 0xA7 ▪, 0xFC ✓)"]  # no space


def test_simple_wingdings_real_characters_kept_and_other_fonts_untouched():
    # A map that gives a real character for a code (■ for "n") is the PDF's own word.
    pdf = pikepdf.Pdf.new()
    cmap = _echo_map([0x6C], 1).replace(b"1 beginbfchar\n<6C> <006C>",
                                        b"2 beginbfchar\n<6C> <006C>\n<6E> <25A0>")
    font = _simple_wingdings(pdf, "ABCDEF+Wingdings2", cmap)
    ops = [_item("F2", b"\x6c", "first", 0), _item("F2", b"\x6e", "second", 1),
           b"BT /F1 11 Tf 72 600 Td (l is a letter here) Tj ET"]
    lines, _ = _lines(_page(pdf, {"F2": font}, ops))
    # Wingdings 2's 0x6C is not Wingdings': Unicode's table per font.
    assert f"{symbolfonts.WINGDINGS_2[0x6C]} first" in lines
    assert symbolfonts.WINGDINGS_2[0x6C] != symbolfonts.WINGDINGS[0x6C]
    assert "\u25a0 second" in lines and "l is a letter here" in lines


def _truetype(glyph: int, cmap: bool) -> bytes:
    """A TrueType program with one drawn glyph at ``glyph`` (Wingdings' bullet, 0x9F)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    order = [".notdef"] + [f"g{i}" for i in range(1, glyph)] + ["circle4"]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(order)
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        if name == "circle4":
            for x, y in ((100, 200), (100, 500), (400, 500), (400, 200)):
                (pen.lineTo if name in glyphs else pen.moveTo)((x, y))
                glyphs[name] = True
            pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (458, 0) for n in order})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupCharacterMap({0xF09F: "circle4"} if cmap else {})
    fb.setupOS2()
    fb.setupPost()
    if not cmap:
        del fb.font["cmap"]
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def _composite_wingdings(pdf: pikepdf.Pdf, glyph: int, cmap: bool) -> pikepdf.Object:
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/XXQNYR+Wingdings"),
        Flags=4, FontBBox=[0, -200, 1000, 800], ItalicAngle=0, Ascent=800, Descent=-200,
        CapHeight=700, StemV=80, FontFile2=pdf.make_stream(_truetype(glyph, cmap)))
    cid = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/XXQNYR+Wingdings"),
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                         Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor), CIDToGIDMap=pikepdf.Name.Identity,
        DW=458)
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/XXQNYR+Wingdings"), Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid)],
        ToUnicode=pdf.make_stream(_echo_map([glyph], 2))))


@pytest.mark.parametrize("cmap", [True, False], ids=["with-cmap", "without-cmap"])
def test_composite_wingdings_echoing_glyph_numbers(cmap):
    # InDesign's way: glyph 121 (Wingdings' bullet, code 0x9F) with the text "y".
    # Read as a code, "y" would be 0x79, ⮹: the table must not be applied to it.
    pdf = pikepdf.Pdf.new()
    font = _composite_wingdings(pdf, 0x79, cmap)
    ops = [_item("F2", b"\x00\x79", w, k) for k, w in enumerate(["Children", "Women"])]
    lines, notes = _lines(_page(pdf, {"F2": font}, ops))
    assert "• Children" in lines and "• Women" in lines
    assert not any("y" in ln.split()[0] or "\u2bb9" in ln for ln in lines if ln)
    unread = [n for n in notes if "gives glyph numbers as the text (U+0079)" in n]
    if cmap:  # the program's cmap says glyph 121 is drawn for 0xF09F: U+2022 BULLET
        assert not unread and any("0x9F •" in n for n in notes)
    else:  # nothing says what it is: U+FFFD, then a lone line opener is the bullet
        assert unread and any("line(s) or table cell(s) opening" in n for n in notes)


def test_cleaner_reads_each_dingbat_font_by_its_own_table():
    verdict = map_private_use("Wingdings2", "\uf052 \uf050 \uf0a7", {})
    assert verdict.remap("\uf052 \uf050 \uf0a7") == "☑ \U0001f5f8 \U0001f794"
    assert verdict.decisions and "Wingdings 2 font's" in verdict.decisions[0]
    assert "assumed" not in verdict.decisions[0]
    assert map_private_use("Wingdings3", "\uf075", {}).remap("\uf075") == "\u25b6"
    assert "assumed" in map_private_use("Calibri", "\uf0b7", {}).decisions[0]


@pytest.mark.parametrize("font", ["Wingdings", "Wingdings 2", "Wingdings 3", "Webdings"])
def test_tables_are_unicode_characters_for_every_glyph(font):
    name, table = alphabet.symbol_font_table(font)
    assert name == font
    # Unicode 7.0 encoded every glyph of the four fonts but Wingdings' Windows logo.
    glyphs = {"Wingdings": 222, "Wingdings 2": 217, "Wingdings 3": 208, "Webdings": 223}
    assert len(table) == glyphs[font]
    for pua, ch in table.items():
        assert 0xF020 <= ord(pua) <= 0xF0FF and not alphabet.PRIVATE_USE.match(ch)
        assert unicodedata.category(ch)[0] in "SNPZ", (hex(ord(pua)), ch)


def test_a_page_opening_with_a_bulleted_list_has_no_title_of_it():
    # table_mislabeled's page opens with check-box items: they were seven "titles".
    from pipeline.model import Cleaned, Paragraph, Run
    from pipeline.segment import segment

    items = [Paragraph([Run(t, "regular", 9.0)], page=1, bullet="•")
             for t in ("They work in parallel to State funded practitioners",
                       "They coordinate appointments of private practitioners")]
    doc = segment(Cleaned("fixture", [*items, Paragraph([Run("24. If your country has a "
                                                            "provider, do its lawyers act?",
                                                            "bold", 9.0)], page=1)]))
    assert [b.role for b in doc.blocks[:2]] == ["list_item", "list_item"]
    assert not doc.by_role("title")
