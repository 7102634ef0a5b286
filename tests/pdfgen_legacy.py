"""Fixture PDFs with legacy 8-bit text layers, made by the tests with pikepdf.

An old Windows or DOS set-up wrote Cyrillic as the bytes of its code page (cp1251,
KOI8-R) under a font whose PDF encoding says Latin (WinAnsiEncoding): the glyphs
drawn were right, the text layer depended on a ToUnicode map, and many producers
wrote none. ``legacy_pdf`` writes such a PDF with a correct ToUnicode map (so the
test can check the text first) and ``drop_tounicode`` takes the map away, as those
producers did.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

#: Left margin, first baseline and leading of the generated page (pt).
LEFT, TOP, LEADING, SIZE = 72, 760, 14, 11
#: Every code's advance width (1/1000 em): a monospaced face keeps the geometry simple.
WIDTH = 500


def _tounicode(code_page: str) -> bytes:
    """A ToUnicode CMap that reads each byte 32–255 as ``code_page`` does."""
    entries = []
    for code in range(32, 256):
        try:
            ch = bytes([code]).decode(code_page)
        except UnicodeDecodeError:
            continue
        entries.append(f"<{code:02X}> <{ch.encode('utf-16-be').hex().upper()}>")
    sections = []
    for i in range(0, len(entries), 100):
        chunk = entries[i : i + 100]
        sections.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CMapName /Legacy def /CMapType 2 def\n"
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            + "\n".join(sections)
            + "\nendcmap CMapName currentdict /CMap defineresource pop end end\n").encode()


def legacy_pdf(path: str | Path, lines: list[str], code_page: str,
               font_name: str = "TimesET") -> None:
    """One page of ``lines`` written as ``code_page`` bytes in a Type 1 font whose PDF
    encoding is WinAnsiEncoding, with a correct ToUnicode map."""
    pdf = pikepdf.Pdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
        BaseFont=pikepdf.Name("/" + font_name), Encoding=pikepdf.Name.WinAnsiEncoding,
        FirstChar=0, LastChar=255, Widths=pikepdf.Array([WIDTH] * 256),
        ToUnicode=pdf.make_stream(_tounicode(code_page)),
    ))
    ops = []
    for k, line in enumerate(lines):
        raw = line.encode(code_page)
        escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"BT /F1 %d Tf %d %d Td (" % (SIZE, LEFT, TOP - k * LEADING) + escaped
                   + b") Tj ET")
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(b"\n".join(ops)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path, deterministic_id=True)


def drop_tounicode(src: str | Path, dst: str | Path) -> int:
    """Remove every font's ToUnicode map; return how many were removed."""
    removed = 0
    with pikepdf.open(src) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font \
                    and "/ToUnicode" in obj:
                del obj["/ToUnicode"]
                removed += 1
        pdf.save(dst, deterministic_id=True)
    return removed
