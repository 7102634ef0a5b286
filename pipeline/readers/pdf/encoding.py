"""Fonts whose text layer does not say what their codes mean, read from evidence.

An 8-bit font without a ToUnicode map (Russian LaTeX's T2A Type 3 and Type 1
fonts, old Windows fonts) names its glyphs ``/a224`` or not at all: pdfminer
then prints ``(cid:224)`` or the Latin letter its base encoding has at that code
("Ł" for cp1251's "и"). Such a font's codes are caught as it is loaded
(``FontCodes.hook``): each code of 128 and up (and the control codes, T2A's
ligatures and dashes) becomes a private marker naming the font and the code.
A text font with no ``/Differences`` and no map (cp1251 or KOI8-R bytes under
WinAnsiEncoding: "Ðàáîòà") has its codes of 128 and up caught too, its own
reading a candidate that gives way only to words. Once every page is read, each
font's codes are decoded with the code page under which its words are likeliest
text (``reading_scores``: the language model and the share of known words,
``pipeline.lexicon``; Kyrgyz legacy slots є ї ў count as ө ү ң), and the decision,
with its evidence, goes to the extraction notes (the cleaning report's decisions).

Glyph names Adobe's list lacks are read from IBM's (``GCGID_NAMES``) and TeX's
(``tex_glyph``: CMSY, CMEX), also where a ToUnicode map leaves codes out or an
embedded Type 1 font's own encoding names them. A subset font whose glyphs are
named by their index in the Macintosh standard order (``/g68`` is "a", as a
TrueType font turned into Type 1 names them) is read through that order. Symbol
and Wingdings private-use codes (U+F0xx) and Adobe's corporate-use ones (U+F8E5–
U+F8FE) become their characters here, so none reaches the text or the audit trail;
so do the codes of a Wingdings or Webdings font whose text is the codes themselves
("l", "ü": ``dingbats``, by Unicode 7.0's table of them).
A code that no evidence explains becomes U+FFFD, never ``(cid:N)``, and the notes
say which font and how many; one standing alone at a line start is the bullet •.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ...alphabet import CP1251_SLOTS, KY_ALPHABET, symbol_font_table
from .dingbats import bullet_column
from .dingbats import take_over as take_over_dingbats

#: Candidate code pages for an 8-bit font without a usable map, in order of
#: preference when the evidence is even. T2A is LaTeX's Cyrillic font encoding:
#: it agrees with cp1251 on А–я and differs below (« » at 0xBE 0xBF, cp1251's ѕ ї).
CODE_PAGES = ("cp1251", "t2a", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
#: T2A above 0x7F where it is not cp1251's А–я: the codes an article's text uses
#: (the rarer Cyrillic letters of T2A's 0x80–0xBB are left unread).
_T2A_HIGH = {0x9C: "Ё", 0xBC: "ё", 0x9D: "№", 0x9F: "§", 0xBE: "«", 0xBF: "»"}
#: Characters of well-read text in the journal's languages: their letters, digits
#: and punctuation. A code page that turns codes into other letters (ѕ, ђ in
#: Russian) reads them wrongly, whatever the model makes of the rest. Only є ї ў
#: count too: legacy Kyrgyz fonts put ө ү ң there (the cleaner remaps them).
_GOOD = frozenset(KY_ALPHABET + KY_ALPHABET.upper() + string.ascii_letters + string.digits
                  + string.punctuation + "«»„“”‘’–—№§…" + "".join(CP1251_SLOTS))
#: Markers live in the supplementary private-use planes (never text of these fonts).
_MARK_BASE = 0xF0000
_MAX_FONTS = (0x10FFFD - _MARK_BASE) // 256
_MARKS = re.compile("[\U000F0000-\U0010FFFD]+")
#: T2A (LaTeX Cyrillic, as T1) below the space: the accents LaTeX puts over a
#: letter (\\" in "Schl\\"uter" is code 4), quotes, the dotless ı, dashes,
#: ligatures and the compound-word mark. Every code page reads them alike.
_T2A_LOW = {0x00: "`", 0x01: "´", 0x02: "ˆ", 0x03: "˜", 0x04: "¨", 0x05: "˝", 0x06: "˚",
            0x07: "ˇ", 0x08: "˘", 0x09: "¯", 0x0A: "˙", 0x0B: "¸", 0x0C: "˛", 0x0E: "⟨",
            0x0F: "⟩", 0x10: "“", 0x11: "”", 0x15: "–", 0x16: "—", 0x17: "", 0x19: "ı",
            0x1B: "ff", 0x1C: "fi", 0x1D: "fl", 0x1E: "ffi", 0x1F: "ffl"}
#: A glyph and a space opening a line's text; the text may be the next run's (a
#: bullet in its own font).
_LONE_GLYPH = re.compile("\\s*(\ufffd+|\\S)\\s+(?=\\S|$)")
_GLYPH_INDEX = re.compile(r"[gG](\d{1,3})")
#: A decoding must make at least this share of a font's words likely text, or the
#: font's codes are shown as U+FFFD for the editor.
MIN_CONFIDENCE = 0.3
#: A font keeps the document's usual reading unless another is this much likelier.
USUAL_MARGIN = 0.05
#: A font with a declared encoding keeps pdfminer's reading unless another is this
#: much likelier: its accented Latin letters (café, Schlüter) read as cp1251 are
#: still letters, so only a clear gain in known words and model score moves it.
OWN_MARGIN = 0.15
#: A font with a declared encoding is read in a code page only when its codes of 128
#: and up are at least this share of its letters (``_Font.mostly_latin``).
OWN_CODES_SHARE = 0.3
#: Fewer words with letters than this in a font's sample: the lexicon says nothing.
MIN_JUDGED = 3
#: Words per font the decision is judged on (enough for a verdict, few lookups).
SAMPLE_WORDS = 200
#: A word with a marker in it: letters and markers (the markers are not \w).
_MARKED_WORD = re.compile("(?:[^\\W\\d_]|[\U000F0000-\U0010FFFD])+")
#: IBM glyph ids (GCGID) that IBM's fonts (BookMaster in the Redbooks) name their
#: symbols by; SM590000 is drawn as a right-pointing triangle, the list bullet.
GCGID_NAMES = {"SM590000": "‣"}
#: Font names whose codes are symbols, not text in a code page (their private-use
#: codes are the cleaner's ``map_private_use``).
#: The private-use code points Adobe's glyph list gives the Symbol font's pieces of
#: big delimiters and its sans-serif marks (parenlefttp U+F8EB …), and the Unicode
#: characters made for them since (U+239B …).
ADOBE_CORPORATE = dict(zip(
    [chr(c) for c in range(0xF8E5, 0xF8FF)],
    "\u23af\u23d0\u23af®©™⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪⎮⎞⎟⎠⎤⎥⎦⎫⎬⎭", strict=True))
_SYMBOL_NAMED = re.compile(r"symbol|wingding|webding", re.I)
_DINGBAT = re.compile(r"dingbat|wingding|webding", re.I)
_SYMBOLIC = re.compile(r"symbol|dingbat|wingding|webding|cmsy|cmex|cmmi|msam|msbm|math|"
                       r"mtextra|euclid|rsfs|wasy|stmary", re.I)


@dataclass
class _Font:
    """A font whose codes were caught: its name and the mapping pdfminer would have used."""

    name: str
    base: dict[int, str]
    codes: Counter[int] = field(default_factory=Counter)
    #: Whether pdfminer's reading (``base``) is the font's declared encoding, to be
    #: kept unless another reading is clearly likelier (a font with no /Differences).
    own_reading: bool = False
    #: The share of its sampled words each reading makes known words (empty: no verdict).
    known: dict[str, float] = field(default_factory=dict)
    #: "words" when the lexicon settled the font alone, "model" when the language
    #: model weighed in too (``reading_scores``).
    judged_by: str = "model"
    #: ASCII letters in the runs that hold its caught codes: a Latin font's text.
    latin: int = 0

    def mostly_latin(self) -> bool:
        """Whether most of the font's letters are ASCII, its caught codes few among them.

        A text set in cp1251 or KOI8-R bytes under a Latin encoding has nearly all its
        letters at 128 and up; a Latin font's codes there are its accents and
        punctuation (an OCR layer's stray "»"), which no code page is to turn into
        Cyrillic letters.
        """
        caught = sum(self.codes.values())
        return self.own_reading and caught < OWN_CODES_SHARE * (caught + self.latin)


@dataclass
class FontCodes:
    """The fonts of one PDF whose codes are read here rather than by pdfminer."""

    fonts: list[_Font] = field(default_factory=list)
    by_glyph_order: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)  # font → (cid:N) glyphs left
    symbols: dict[str, Counter[str]] = field(default_factory=dict)  # font → PUA codes read
    #: Dingbat fonts whose codes were taken over as they loaded (``dingbats``): font →
    #: how, for the notes' label; and the notes on glyphs they left unread.
    dingbat_fonts: dict[str, str] = field(default_factory=dict)
    dingbat_notes: list[str] = field(default_factory=list)

    def hook(self, rsrcmgr) -> None:
        """Wrap the resource manager's font loading so every new font is inspected."""
        load = rsrcmgr.get_font

        def get_font(objid, spec):
            font = load(objid, spec)
            if not getattr(font, "_basma_seen", False):
                font._basma_seen = True
                try:
                    self._inspect(font, spec, objid)
                except Exception:  # noqa: BLE001 - a font we cannot judge keeps pdfminer's reading
                    pass
            return font

        rsrcmgr.get_font = get_font

    def _inspect(self, font, spec, objid) -> None:
        """Take over a simple font's codes when nothing in the PDF says what they mean.

        Names Adobe's list lacks are read from IBM's and TeX's (``tex_glyph``), also
        for a font whose ToUnicode map leaves codes out. Then two cases. A font
        without a map whose ``/Differences`` name glyphs no table knows
        (``/a224``, ``/g68``): every such code is caught. And a text font with no
        ``/Differences`` and no ToUnicode map at all (an old Windows font that set
        cp1251 or KOI8-R bytes under a Latin encoding, so pdfminer reads
        "Îáðàçîâàíèå"): its codes of 128 and up are caught, and its own reading
        stays a candidate that wins unless another is clearly likelier text.
        """
        from pdfminer.pdftypes import resolve1
        from pdfminer.psparser import PSLiteral

        # A Wingdings or Webdings font's codes are pictures, never a code page's letters.
        how = take_over_dingbats(font, spec, self.dingbat_notes)
        if how is not None:
            self.dingbat_fonts[str(getattr(font, "fontname", ""))] = how
            return
        if not hasattr(font, "cid2unicode"):
            return
        mapped = getattr(font, "unicode_map", None) is not None
        encoding = resolve1(spec.get("Encoding"))
        differences = resolve1(encoding.get("Differences")) if isinstance(encoding, dict) else None
        name = _font_name(font, spec, objid)
        if mapped and not differences:
            return
        if not differences:
            _read_builtin_names(font)
            if not _symbolic(name, font) and len(self.fonts) < _MAX_FONTS:
                self._catch(font, name, dict.fromkeys(range(128, 256), ""), own_reading=True)
            return
        names: dict[int, str] = {}
        code = 0
        for item in differences:
            item = resolve1(item)
            if isinstance(item, int):
                code = item
            elif isinstance(item, PSLiteral):
                names[code] = str(item.name)
                code += 1
        unread = {c: n for c, n in names.items() if n != ".notdef" and not _known(n)}
        font.cid2unicode = dict(font.cid2unicode)  # pdfminer's may be a shared table
        for c, n in list(unread.items()):
            ch = GCGID_NAMES.get(n) or tex_glyph(n)  # IBM's glyph ids, TeX's glyph names
            if ch:
                font.cid2unicode[c] = ch
                del unread[c]
        # A ToUnicode map that leaves codes out (pdfTeX's for CMSY) falls back on the
        # names: those read above; the rest keep pdfminer's reading.
        if not unread or mapped:
            return
        if all(_GLYPH_INDEX.fullmatch(n) for n in unread.values()) and self._glyph_order(
                font, unread):
            self.by_glyph_order.append(name)
            return
        if len(self.fonts) >= _MAX_FONTS:
            return
        self._catch(font, name, unread, own_reading=False)

    def _catch(self, font, name: str, codes: dict[int, str], own_reading: bool) -> None:
        """Replace ``codes`` of ``font`` by markers naming the font and the code."""
        index = len(self.fonts)
        # pdfminer shares one table among the fonts of a named encoding: this font
        # gets its own copy before its codes are replaced.
        font.cid2unicode = dict(font.cid2unicode)
        self.fonts.append(_Font(name, dict(font.cid2unicode), own_reading=own_reading))
        for c in codes:
            if c < 32 and c in _T2A_LOW and not own_reading:
                # Read now, not once the code page is decided: every candidate reads
                # them alike, and an accent must be itself while its line is made
                # (``words.compose_accents`` puts it on its letter).
                font.cid2unicode[c] = _T2A_LOW[c]
            elif c >= 128 or c < 32:
                font.cid2unicode[c] = chr(_MARK_BASE + 256 * index + c)
            elif c not in font.cid2unicode:
                font.cid2unicode[c] = chr(c)

    @staticmethod
    def _glyph_order(font, unread: dict[int, str]) -> bool:
        """Read ``/gN`` names as the Macintosh standard glyph order; False if they do not fit."""
        from fontTools.ttLib.standardGlyphOrder import standardGlyphOrder
        from pdfminer.encodingdb import name2unicode

        mapped = {}
        for c, n in unread.items():
            k = int(n[1:])
            if not 3 <= k < len(standardGlyphOrder):
                return False
            try:
                mapped[c] = name2unicode(standardGlyphOrder[k])
            except Exception:  # noqa: BLE001 - pdfminer raises KeyError or ValueError
                return False
        font.cid2unicode.update(mapped)
        return True

    def count_unknown(self, chars: list[dict]) -> None:
        """Turn pdfminer's ``(cid:N)`` glyphs into U+FFFD, counted per font, and a symbol
        font's private-use codes into the characters they are.

        A symbol font mapped to U+F000 + its byte (Word's way) is read here by its
        font's table (``alphabet.symbol_font_table``: Wingdings by name, else
        Symbol), so that no private-use code point reaches the text or the audit
        trail; the count per font goes to the notes. Other private-use codes are
        the cleaner's.
        """
        for c in chars:
            text = c["text"]
            if text.startswith("(cid:"):
                c["text"] = "\ufffd"
                self.unknown[c.get("fontname", "?")] += 1
            elif len(text) == 1 and text in ADOBE_CORPORATE:
                c["text"] = ADOBE_CORPORATE[text]
                self.symbols.setdefault(c.get("fontname", "?").split("+", 1)[-1] + (
                    " (Adobe's corporate-use codes)"), Counter())[
                    f"U+{ord(text):04X} {c['text']}"] += 1
            elif len(text) == 1 and "\uf020" <= text < "\uf100":
                font = c.get("fontname", "")
                _, table = symbol_font_table(font)
                if text in table:
                    c["text"] = table[text]
                    # A font not named as a symbol font is read as Symbol, as the
                    # cleaner would (Word's bullets and Greek come from Symbol).
                    label = font.split("+", 1)[-1] + (
                        self.dingbat_fonts.get(font) or ("" if _SYMBOL_NAMED.search(font) else
                                                         " (assumed Symbol: the font's name "
                                                         "does not say)"))
                    # A code the PDF gave as its text is named by its byte, not U+F0xx.
                    code = (f"0x{ord(text) - 0xF000:02X}" if self.dingbat_fonts.get(font)
                            else f"U+{ord(text):04X}")
                    self.symbols.setdefault(label, Counter())[f"{code} {table[text]}"] += 1

    def decode(self, lines: list) -> list[str]:
        """Decode every marker in the lines' runs, font by font; the decisions as notes."""
        if not self.fonts:
            return self._bullets(lines) + self._unknown_notes()
        samples: dict[int, list[str]] = {}
        for ln in lines:
            for run in ln.runs:
                found = _MARKS.findall(run.text)
                for ch in found:
                    for c in ch:
                        self.fonts[(ord(c) - _MARK_BASE) // 256].codes[ord(c) % 256] += 1
                if found:
                    self.fonts[(ord(found[0][0]) - _MARK_BASE) // 256].latin += sum(
                        ch.isascii() and ch.isalpha() for ch in run.text)
                # Whole words (a marker run may be only a word's Cyrillic letters, its
                # Latin ones read as they are): the lexicon judges words, not pieces.
                for m in _MARKED_WORD.finditer(run.text):
                    first = _MARKS.search(m.group())
                    if first is None:
                        continue
                    words = samples.setdefault((ord(first.group()[0]) - _MARK_BASE) // 256, [])
                    if len(words) < SAMPLE_WORDS:
                        words.append(m.group())
        scores = [reading_scores(font, samples.get(i, []), model=False)
                  for i, font in enumerate(self.fonts)]
        # The language model only for fonts the word lists leave undecided: those with
        # a weak verdict, and those with none when no font of the document has one.
        settled = any(font.judged_by == "words" for font in self.fonts)
        for i, font in enumerate(self.fonts):
            if _needs_model(font, settled):
                scores[i] = reading_scores(font, samples.get(i, []))
        # The document's usual reading: the likeliest over all its fonts' codes, so
        # that a font that tells (a note's « » under T2A) decides for those that
        # cannot (no code where two readings differ). A font that has its own
        # declared reading is judged on its own.
        weight: dict[str, float] = {}
        for font, s in zip(self.fonts, scores, strict=True):
            if font.own_reading:
                continue
            for page, score in s.items():
                weight[page] = weight.get(page, 0.0) + score * sum(font.codes.values())
        usual = max(weight, key=lambda p: weight[p]) if weight else None
        tables, notes = [], []
        for font, s in zip(self.fonts, scores, strict=True):
            table, note = decide(font, s, usual)
            tables.append(table)
            if note:
                notes.append(note)
        for ln in lines:
            for run in ln.runs:
                if _MARKS.search(run.text):
                    run.text = _MARKS.sub(lambda m: "".join(
                        tables[(ord(ch) - _MARK_BASE) // 256][ord(ch) % 256]
                        for ch in m.group()), run.text)
        for index, font in enumerate(self.fonts):
            lost = sum(n for c, n in font.codes.items() if tables[index][c] == "\ufffd")
            if lost:
                self.unknown[font.name] += lost
        return notes + self._bullets(lines) + self._unknown_notes()

    def _bullets(self, lines: list) -> list[str]:
        """An unreadable glyph standing alone at the start of a line is its list bullet.

        Cause: list bullets are drawn from a symbol or CID font that often has no
        map (Redbooks' Janson CID font), or sit beyond the standard glyph order a
        font read by glyph index follows (HelveticaNeue's bullet came out "ë"). A
        glyph that opens a line as a word of its own, before text, is the line's
        list marker: U+FFFD always, and a glyph-order reading that is no letter of
        the journal's languages when it does so on two lines or more. It becomes •,
        so that the item is recognised; the count goes to the notes.
        """
        openers: list[tuple[object, re.Match]] = []
        for ln in lines:
            run = next((r for r in ln.runs if r.text.strip()), None)
            m = _LONE_GLYPH.match(run.text) if run is not None else None
            # A math font's unread glyph at a line start is a formula's, not a bullet;
            # a dingbat font's is a bullet (or a check box) all the same.
            if m and (len(run.text) > m.end() or len(ln.runs) > 1) and (
                    not _SYMBOLIC.search(run.font or "") or _DINGBAT.search(run.font or "")):
                openers.append((run, m))
        by_order = set(self.by_glyph_order)
        stray = Counter(m.group(1) for run, m in openers if run.font in by_order
                        and len(m.group(1)) == 1 and m.group(1) not in _GOOD)
        found = sum(bullet_column(ln) for ln in lines if ln.cells)
        for run, m in openers:
            glyph = m.group(1)
            if set(glyph) == {"\ufffd"} or (run.font in by_order and stray[glyph] >= 2):
                run.text = run.text[:m.start(1)] + "•" + run.text[m.end(1):]
                found += 1
        if not found:
            return []
        return [f"{found} line(s) or table cell(s) opening with an unreadable glyph as a word "
                f"of its own: "
                f"read as the list bullet • (U+FFFD ones are counted below among the unread "
                f"glyphs)"]

    def _unknown_notes(self) -> list[str]:
        # A dingbat font's codes its text gave as letters are named by byte ("0x6C ⚫").
        notes = [f"{font}: {sum(n.values())} "
                 + ("code(s) read by Unicode's table of the font" if min(n).startswith("0x")
                    else "private-use code(s) read as the symbol font's")
                 + f" ({', '.join(sorted(n))})" for font, n in sorted(self.symbols.items())]
        notes += self.dingbat_notes
        notes += [f"{len(self.by_glyph_order)} font(s) read by glyph index in the standard "
                 f"glyph order: {', '.join(sorted(set(self.by_glyph_order)))}"
                 ] if self.by_glyph_order else []
        if self.unknown:
            listed = ", ".join(f"{name} ({n})" for name, n in self.unknown.most_common())
            notes.append(f"{sum(self.unknown.values())} glyph(s) whose meaning the PDF does "
                         f"not give, shown as \ufffd: {listed}")
        return notes


#: TeX Live's list of the glyph names TeX fonts use beyond Adobe's (greatermuch,
#: circlecopyrt, prime in CMSY; the ligatures of CMR): name;hex[ hex…][,alternative…].
TEX_GLYPHLIST = Path("/usr/share/texlive/texmf-dist/fonts/map/glyphlist/texglyphlist.txt")
#: Glyphs of OT1 fonts that are pieces of a letter, which TeX's list leaves out:
#: ``\l`` and ``\L`` draw "suppress" (the Polish stroke) over l and L
#: (``words.compose_accents`` makes ł and Ł of them).
TEX_PIECES = {"suppress": "\u0337"}
#: CMEX names a delimiter or operator by its size: parenleftbig, summationdisplay.
_TEX_SIZE = re.compile(r"(?<=[a-z])(bigg|Bigg|big|Big|display|text)$")


@cache
def _tex_glyphs() -> dict[str, str]:
    """TeX's glyph names → Unicode, each name's first alternative outside private use."""
    table: dict[str, str] = {}
    try:
        lines = TEX_GLYPHLIST.read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return table
    for line in lines:
        name, _, codes = line.partition(";")
        if line.startswith("#") or not codes:
            continue
        for alternative in codes.split(","):
            try:
                text = "".join(chr(int(h, 16)) for h in alternative.split())
            except ValueError:
                continue
            if text and not any("\ue000" <= ch <= "\uf8ff" for ch in text):
                table[name] = text
                break
    return table


def tex_glyph(name: str) -> str | None:
    """The character a TeX font's glyph name stands for, or None.

    >>> tex_glyph("greatermuch") if TEX_GLYPHLIST.exists() else "≫"
    '≫'
    >>> tex_glyph("parenleftbig"), tex_glyph("summationdisplay") == "∑", tex_glyph("x1y")
    ('(', True, None)
    >>> tex_glyph("suppress")
    '\u0337'
    """
    found = TEX_PIECES.get(name) or _tex_glyphs().get(name)
    if found:
        return found
    base = _TEX_SIZE.sub("", name)
    if base != name:
        found = _tex_glyphs().get(base)
        if found:
            return found
        try:
            from pdfminer.encodingdb import name2unicode

            return name2unicode(base)
        except Exception:  # noqa: BLE001 - KeyError or ValueError by pdfminer version
            return None
    return None


def _read_builtin_names(font) -> None:
    """Fill the codes of an embedded Type 1 font's own encoding that pdfminer left
    unread because Adobe's list lacks their names (CMEX10's bracketleftbigg)."""
    from io import BytesIO

    from pdfminer.pdffont import Type1FontHeaderParser
    from pdfminer.psparser import PSEOF

    fontfile = getattr(font, "fontfile", None)
    if fontfile is None:
        return
    try:
        data = fontfile.get_data()[: int(fontfile["Length1"])]
    except Exception:  # noqa: BLE001 - a damaged font program keeps pdfminer's reading
        return
    parser = Type1FontHeaderParser(BytesIO(data))
    font.cid2unicode = dict(font.cid2unicode)
    for _ in range(256):
        try:
            code, name = parser.nextobject()
        except (PSEOF, Exception):  # noqa: BLE001 - the end, or a program we cannot parse
            return
        if isinstance(code, int) and code not in font.cid2unicode:
            ch = tex_glyph(str(name))
            if ch:
                font.cid2unicode[code] = ch


def _symbolic(name: str, font) -> bool:
    """Whether a font draws symbols (math, dingbats) rather than a language's letters."""
    return bool(_SYMBOLIC.search(name)) or bool(_SYMBOLIC.search(
        str(getattr(font, "fontname", ""))))


def _known(name: str) -> bool:
    """Whether pdfminer can tell a glyph name's character (``A``, ``afii10017``, ``uni0410``)."""
    from pdfminer.encodingdb import name2unicode

    try:
        name2unicode(name)
    except Exception:  # noqa: BLE001 - KeyError or ValueError by pdfminer version
        return False
    return True


def _font_name(font, spec, objid) -> str:
    """A font's name for the notes: its base font, or its kind and object number."""
    from pdfminer.pdftypes import resolve1

    base = resolve1(spec.get("BaseFont"))
    if base is not None:
        return str(getattr(base, "name", base)).split("+", 1)[-1]
    kind = type(font).__name__.removeprefix("PDF").removesuffix("Font")
    return f"{kind} font (object {objid})" if objid else f"{kind} font"


def _decoded(code: int, page: str, font: _Font) -> str:
    """One code under a candidate reading: a code page, or the font's own base encoding."""
    if code < 32:
        return _T2A_LOW.get(code, "\ufffd") if page != "base" else font.base.get(code, "\ufffd")
    if page == "base":
        return font.base.get(code, "\ufffd")
    if page == "t2a":
        return bytes([code]).decode("cp1251") if code >= 0xC0 else _T2A_HIGH.get(code, "\ufffd")
    return bytes([code]).decode(page, errors="replace")


def good_share(codes: Counter[str]) -> float:
    """The share of a font's glyphs (``codes``: each decoded glyph and how often it
    occurs) that the journal's languages write."""
    total = sum(codes.values())
    good = sum(n for ch, n in codes.items() if ch and all(c in _GOOD for c in ch))
    return good / total if total else 0.0


def plausibility(text: str, codes: Counter[str]) -> float:
    """How likely a reading is real text: the language model's best probability for
    ``text`` (a sample of the font's words), times the share of the font's glyphs
    the journal's languages write (``good_share``).

    A wrong code page still gives letters, but not words of any language; a
    nearly right one (cp1251 for T2A) gives the same words with stray letters
    where the quotes are, which only the whole count shows.
    """
    from ...tag.langid import model_scores

    good = good_share(codes)
    if not good or not any(ch.isalpha() for ch in text):
        return 0.0
    scores = model_scores(text)
    return max(scores.values(), default=0.0) * good


def _read_word(word: str, page: str, font: _Font) -> str:
    """A sampled word with its markers read under ``page``; its other letters as they are."""
    return "".join(_decoded(ord(ch) % 256, page, font) if ch >= "\U000f0000" else ch
                   for ch in word)


def known_words(readings: dict[str, list[str]]) -> dict[str, float]:
    """The share of the sampled words each reading makes known words (``pipeline.lexicon``).

    Every reading is judged on the same words: those that are letters only (two
    or more) in at least one reading; a word a reading turns into something else
    (T2A's » where cp1251 has ї) is unknown in that reading. Fewer than
    ``MIN_JUDGED`` such words say nothing: an empty result. A Kyrgyz word from a
    legacy cp1251 font (ө ү ң in the slots of є ї ў) counts as known when its
    remapped form is: the cleaner remaps those slots afterwards.
    """
    from ... import lexicon

    slots = str.maketrans(CP1251_SLOTS)
    pages = list(readings)
    n = len(readings[pages[0]]) if pages else 0
    judged = [i for i in range(n)
              if any(len(readings[p][i]) >= 2 and readings[p][i].isalpha() for p in pages)]
    if len(judged) < MIN_JUDGED:
        return {}
    shares = {}
    for page in pages:
        found = 0
        for i in judged:
            w = readings[page][i]
            if len(w) < 2 or not w.isalpha():
                continue
            found += lexicon.known(w) or (w != w.translate(slots) and lexicon.known(
                w.translate(slots), ("ky",)))
        shares[page] = found / len(judged)
    return shares


#: The lexicon alone decides a font when the best reading makes at least this
#: share of its words known: the language model (a second's import and load in a
#: fresh process) is asked only about fonts the word lists leave undecided.
LEXICON_DECIDES = 0.5


def reading_scores(font: _Font, words: list[str], model: bool = True) -> dict[str, float]:
    """How likely text each candidate reading makes of a font's own words.

    The candidates are the code pages and the Latin reading pdfminer gave. The
    score averages two shares when the lexicon is there: of the words it knows
    (``known_words``: a wrong code page gives letters, but no words of any of the
    three languages), and the glyphs' likelihood as text. That is the language
    model's (``plausibility``), or, when the lexicon has settled which words are
    words (``LEXICON_DECIDES``), the share of glyphs the languages write scaled
    by the reading's known words against the best's: readings that give the same
    words (cp1251 and T2A) then differ only where their glyphs do, as under the
    model, and no model is loaded. Without ``model`` a font the lexicon cannot
    judge is scored by its glyphs alone (``judged_by`` "glyphs"): ``decode`` asks
    that first, so that a font of three words follows the document's usual
    reading without loading the model when other fonts settled it by their words.
    ``font.judged_by`` records which it was.
    """
    from ... import lexicon

    # Each distinct word once: a font's commonest words would otherwise be most of
    # the lookups and weigh as much as the rest together.
    words = list(dict.fromkeys(words))
    readings = {page: [_read_word(w, page, font) for w in words]
                for page in [*CODE_PAGES, "base"]}
    known = known_words(readings) if lexicon.available() else {}
    font.known = known
    best_known = max(known.values(), default=0.0)
    font.judged_by = ("words" if best_known >= LEXICON_DECIDES else
                      "model" if model else "glyphs")
    scores = {}
    for page, decoded in readings.items():
        text = " ".join(decoded)
        glyphs: Counter[str] = Counter()
        for code, n in font.codes.items():
            glyphs[_decoded(code, page, font)] += n
        if not text.strip():
            score = 0.0
        elif font.judged_by != "model":
            alpha = any(ch.isalpha() for ch in text)
            share = known[page] / best_known if font.judged_by == "words" else 1.0
            score = good_share(glyphs) * share if alpha else 0.0
        else:
            score = plausibility(text, glyphs)
        if known and score > 0:
            score = (score + known[page]) / 2
        scores[page] = round(score, 4)
    return scores


def _needs_model(font: _Font, settled: bool) -> bool:
    """Whether the language model could change a font's decision (``reading_scores``).

    Not when the lexicon settled it, nor for a font with a declared encoding that
    no reading makes ``OWN_MARGIN`` more of its words known than its own: ``decide``
    keeps that encoding whatever the model says (the font is marked "own"). A
    font without a verdict needs it only when no other font of the document has
    one to follow (``settled``).
    """
    if font.mostly_latin():
        font.judged_by = "latin"
        return False
    if font.judged_by == "words":
        return False
    if font.own_reading:
        others = [v for p, v in font.known.items() if p != "base"]
        if not others or max(others) < font.known.get("base", 0.0) + OWN_MARGIN:
            font.judged_by = "own"
            return False
        return True
    return bool(font.known) or not settled


def decide(font: _Font, scores: dict[str, float], usual: str | None) -> tuple[list[str], str]:
    """The table that reads a font's codes, and the note recording why ("" if unused).

    The likeliest reading wins, but the reading most of the document's codes
    took (``usual``) is kept when it is nearly as likely: a font with a few short
    words (a heading, a small-caps name) is judged on little evidence, and one
    PDF's fonts were made by one set-up. A font with a declared encoding of its
    own (no /Differences) keeps pdfminer's reading of it unless another is
    ``OWN_MARGIN`` likelier. Below ``MIN_CONFIDENCE`` no reading is trusted and
    the codes become U+FFFD (or, for a font with its own reading, keep it).
    """
    used = sum(font.codes.values())
    if not used:
        return ["\ufffd"] * 256, ""
    best = max(scores, key=lambda p: scores[p])  # first of equals: cp1251
    if font.own_reading:
        # A declared encoding gives way only to words: a reading must make clearly
        # more of the font's words known (a few symbols, × or ©, prove nothing).
        known = font.known
        if font.mostly_latin():
            font.judged_by = "latin"
        if (font.judged_by == "latin" or scores[best] < scores["base"] + OWN_MARGIN
                or scores[best] < MIN_CONFIDENCE or not known
                or known[best] < known["base"] + OWN_MARGIN):
            best = "base"
    elif usual is not None and scores[usual] >= scores[best] - USUAL_MARGIN:
        best = usual
    shown = ", ".join(f"{p} {s}" for p, s in sorted(scores.items(), key=lambda kv: -kv[1])[:3])
    shown += {"words": "; by known words",
              "glyphs": "; by its glyphs alone: too few words to judge",
              "own": "; no reading makes more of its words known",
              "latin": "; most of its letters are ASCII: a Latin font"}.get(
        font.judged_by, "; by known words and the language model" if font.known else
        "; by the language model")
    if font.own_reading and best == "base":
        table = [_decoded(c, "base", font) for c in range(256)]
        # Codes 128 and up the font's encoding leaves undefined stay unread.
        moved = ""
        if scores["base"] < MIN_CONFIDENCE:
            moved = " (no reading is likely text)"
        return table, (f"font {font.name}: no ToUnicode map; {used} codes of 128 and up kept "
                       f"in the font's own encoding{moved} (likelihood as text: {shown})")
    if scores[best] < MIN_CONFIDENCE:
        return ["\ufffd"] * 256, (f"font {font.name}: no ToUnicode map; {used} codes unread "
                                   f"(no reading is likely text: {shown})")
    table = [_decoded(c, best, font) for c in range(256)]
    if font.own_reading:
        # Below 128 the code pages agree with ASCII; keep what pdfminer read there.
        table[:128] = [font.base.get(c, "\ufffd") for c in range(128)]
    label = "its own base encoding" if best == "base" else best
    return table, (f"font {font.name}: no ToUnicode map; {used} codes read as {label} "
                   f"(likelihood as text: {shown})")
