"""Dingbat fonts whose text in the PDF is their codes, read by Unicode's table of them.

A Wingdings (2, 3) or Webdings font draws a picture at a letter's code: Word's check
mark is "ü", its bullets "l" and "§". A PDF that has no text for the font, or a
ToUnicode map that gives each code back as itself, leaves those letters in the text.
This module turns such a code into Word's private-use form, U+F000 + code, as the
font is loaded; ``FontCodes.count_unknown`` then reads it by the font's table
(``alphabet.symbol_font_table``, Unicode 7.0's mapping in ``pipeline.symbolfonts``) and
counts it for the notes, as it does Word's own private-use codes.

Only a font whose name says which dingbat font it is, and only a code whose text is
the code itself (or what a text encoding makes of it) is read so: a map that gives a
real character (•, ✓) is kept.

A composite (Type0) font numbers its glyphs, not its characters: a ToUnicode map that
echoes those numbers ("y" for glyph 121, InDesign's way) says nothing of the
character, and the code table must not be applied to them (glyph 121 of a Wingdings
subset is its bullet, code 0x9F, not 0x79's ⮹). The embedded font program's own
character map, when it has one, tells which code each glyph is drawn for; without
one the glyphs are left unread (U+FFFD, counted in the notes).
"""

from __future__ import annotations

from functools import cache

from ...symbolfonts import dingbat_table

#: Text encodings a simple font's codes may have been read in when the PDF gave no
#: text for them (pdfminer's default for the font type, or the one it declares).
_TEXT_ENCODINGS = ("StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "PDFDocEncoding")


@cache
def _readings() -> list[dict[int, str]]:
    from pdfminer.encodingdb import EncodingDB

    return [EncodingDB.get_encoding(name) for name in _TEXT_ENCODINGS]


def _is_code(code: int, text: str | None) -> bool:
    """Whether ``text`` is only what a text encoding (or an echoing map) makes of ``code``."""
    return text is None or text == chr(code) or any(r.get(code) == text for r in _readings())


def take_over(font, spec, notes: list[str]) -> str | None:
    """Read a dingbat font's codes as its characters where the PDF's text is the code.

    Returns None for a font whose name says no dingbat font (the caller goes on with
    its own evidence), else how its codes were read, for the notes' label ("" when
    the PDF's own text for them stands). A composite font whose glyphs stay unread
    adds a note to ``notes``.
    """
    from pdfminer.pdftypes import resolve1

    base = resolve1(spec.get("BaseFont"))
    name = str(getattr(base, "name", None) or base or getattr(font, "fontname", ""))
    found = dingbat_table(name) or dingbat_table(str(getattr(font, "fontname", "")))
    if found is None:
        return None
    dingbat, table = found
    if str(getattr(font, "fontname", "unknown")) == "unknown":
        # No descriptor name: the chars would name no font, and be read as Symbol's.
        font.fontname = name
    if hasattr(font, "cid2unicode"):
        return " (the PDF gave the codes themselves as text)" if _simple(
            font, spec, table) else ""
    return _composite(font, spec, name, dingbat, table, notes)


def _simple(font, spec, table: dict[int, str]) -> bool:
    """A one-byte font: every code the font's text does not explain becomes U+F000 + code."""
    from pdfminer.pdftypes import resolve1

    encoding = resolve1(spec.get("Encoding"))
    named = set()
    if isinstance(encoding, dict):
        code = 0
        for item in resolve1(encoding.get("Differences")) or []:
            item = resolve1(item)
            if isinstance(item, int):
                code = item
            else:
                named.add(code)
                code += 1
    mapped = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
    font.cid2unicode = dict(font.cid2unicode)  # pdfminer shares one table per encoding
    changed = False
    for code in table:
        if code == 0x20:
            continue  # the font's space is a space whatever the PDF says
        if mapped is not None and code in mapped:
            if _is_code(code, mapped[code]):
                mapped[code] = chr(0xF000 + code)
                changed = True
            continue
        text = font.cid2unicode.get(code)
        # A glyph name of the font's /Differences is its own evidence, unless it
        # only names the letter the code is (/l for 0x6C).
        if (code not in named and _is_code(code, text)) or text == chr(code):
            font.cid2unicode[code] = chr(0xF000 + code)
            changed = True
    return changed


def _composite(font, spec, name: str, dingbat: str, table: dict[int, str],
               notes: list[str]) -> str:
    """A CID font whose ToUnicode map echoes its glyph numbers: read them by its own cmap."""
    mapped = getattr(getattr(font, "unicode_map", None), "cid2unichr", None)
    # A dingbat has no Basic Latin or Latin-1 meaning: such an entry equal to its own
    # number is an echo, not a character.
    echoed = sorted(cid for cid, text in (mapped or {}).items()
                    if cid < 0x100 and text == chr(cid))
    if not echoed:
        return ""
    codes = _glyph_codes(font, spec)
    unread = []
    for cid in echoed:
        code = codes.get(cid)
        if code == 0x20:
            mapped[cid] = " "
        elif code is not None and code in table:
            mapped[cid] = chr(0xF000 + code)
        else:
            del mapped[cid]  # pdfminer then gives (cid:N): U+FFFD, counted per font
            unread.append(cid)
    if unread:
        shown = ", ".join(f"U+{cid:04X}" for cid in unread[:8]) + (
            " …" if len(unread) > 8 else "")
        notes.append(f"{name.split('+', 1)[-1]}: its ToUnicode map gives glyph numbers as "
                     f"the text ({shown}), and its font program has no character map to say "
                     f"which {dingbat} characters they are: not read (\ufffd)")
    return " (glyph numbers, read by the font program's character map)" if len(
        unread) < len(echoed) else ""


def _glyph_codes(font, spec) -> dict[int, int]:
    """CID → the one-byte code the embedded TrueType program's cmap draws that glyph for."""
    from io import BytesIO

    from fontTools.ttLib import TTFont
    from pdfminer.pdftypes import resolve1

    fontfile = getattr(font, "fontfile", None)
    if fontfile is None:
        return {}
    try:
        program = TTFont(BytesIO(fontfile.get_data()), lazy=True)
        cmap = program["cmap"] if "cmap" in program else None
        if cmap is None:
            return {}
        order = {glyph: gid for gid, glyph in enumerate(program.getGlyphOrder())}
        by_gid: dict[int, int] = {}
        for sub in cmap.tables:
            for code, glyph in sub.cmap.items():
                # Symbol fonts' (3,0) cmap puts code c at U+F000 + c; a (1,0) one at c.
                if (code & 0xFF00) in (0, 0xF000) and glyph in order:
                    by_gid.setdefault(order[glyph], code & 0xFF)
    except Exception:  # noqa: BLE001 - a damaged font program tells nothing
        return {}
    descendant = resolve1((resolve1(spec.get("DescendantFonts")) or [{}])[0])
    to_gid = resolve1(descendant.get("CIDToGIDMap")) if isinstance(descendant, dict) else None
    if to_gid is None or getattr(to_gid, "name", None) == "Identity":
        return by_gid
    try:
        data = to_gid.get_data()
    except Exception:  # noqa: BLE001 - an unreadable map: no glyph is known
        return {}
    return {cid: by_gid[gid] for cid in range(len(data) // 2)
            if (gid := int.from_bytes(data[2 * cid:2 * cid + 2], "big")) in by_gid}


def bullet_column(line) -> int:
    """Read a table's column of lone unreadable glyphs as its rows' list bullet •.

    Cause: a bulleted list set as a table (a survey's rows with tick boxes) puts
    each item's bullet in a column of its own, often from a dingbat font the PDF
    gives no text for. The table's counterpart of a line opening with a lone glyph
    (``FontCodes._bullets``): a column whose every body cell is only U+FFFD, in two
    rows or more, each before a cell with text. Returns the cells changed.

    >>> from types import SimpleNamespace as N
    >>> runs = [N(text=t) for t in ("A", "\\ufffd ", "one", "\\ufffd", "two")]
    >>> t = N(cells=[["", "A"], ["\\ufffd", "one"], ["\\ufffd", "two"]], header_rows=1, runs=runs)
    >>> bullet_column(t), t.cells[1:], [r.text for r in t.runs]
    (2, [['•', 'one'], ['•', 'two']], ['A', '• ', 'one', '•', 'two'])
    >>> bullet_column(N(cells=[["\\ufffd", "x"], ["y", "z"]], header_rows=0, runs=[]))
    0
    """
    rows = (line.cells or [])[line.header_rows or 0:]
    if len(rows) < 2:
        return 0
    for j in range(min(len(r) for r in rows) - 1):
        if all(r[j].strip() and not r[j].strip("\ufffd \n") and r[j + 1].strip()
               for r in rows):
            for r in rows:
                r[j] = "•"
            # The cells' runs carry the same glyphs (a table's runs are its cells),
            # when no other cell is such a glyph alone.
            lone = [run for run in line.runs
                    if run.text.strip() and not run.text.strip("\ufffd \n")]
            for run in lone if len(lone) == len(rows) else []:
                run.text = run.text.replace("\ufffd", "•")
            return len(rows)
    return 0
