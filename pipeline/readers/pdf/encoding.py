"""Fonts whose text layer does not say what their codes mean, read from evidence.

An 8-bit font without a ToUnicode map (Russian LaTeX's T2A Type 3 and Type 1
fonts, old Windows fonts) names its glyphs ``/a224`` or not at all: pdfminer
then prints ``(cid:224)`` or the Latin letter its base encoding has at that code
("Ł" for cp1251's "и"). Such a font's codes are caught as it is loaded
(``FontCodes.hook``): each code of 128 and up (and the control codes, T2A's
ligatures and dashes) becomes a private marker naming the font and the code.
Once every page is read, each font's codes are decoded with the code page under
which its words are likeliest text in some language (``decide``), and the
decision, with its evidence, goes to the extraction notes.

A subset font whose glyphs are named by their index in the Macintosh standard
order (``/g68`` is "a", as a TrueType font turned into Type 1 names them) is
read through that order. A code that no evidence explains becomes U+FFFD, never
``(cid:N)``, and the notes say which font and how many.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field

from ...alphabet import KY_ALPHABET

#: Candidate code pages for an 8-bit font without a usable map, in order of
#: preference when the evidence is even. T2A is LaTeX's Cyrillic font encoding:
#: it agrees with cp1251 on А–я and differs below (« » at 0xBE 0xBF, cp1251's ѕ ї).
CODE_PAGES = ("cp1251", "t2a", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
#: T2A above 0x7F where it is not cp1251's А–я: the codes an article's text uses
#: (the rarer Cyrillic letters of T2A's 0x80–0xBB are left unread).
_T2A_HIGH = {0x9C: "Ё", 0xBC: "ё", 0x9D: "№", 0x9F: "§", 0xBE: "«", 0xBF: "»"}
#: Characters of well-read text in the journal's languages: their letters, digits
#: and punctuation. A code page that turns codes into other letters (ѕ, ї, ђ in
#: Russian) reads them wrongly, whatever the model makes of the rest.
_GOOD = frozenset(KY_ALPHABET + KY_ALPHABET.upper() + string.ascii_letters + string.digits
                  + string.punctuation + "«»„“”‘’–—№§…")
#: Markers live in the supplementary private-use planes (never text of these fonts).
_MARK_BASE = 0xF0000
_MAX_FONTS = (0x10FFFD - _MARK_BASE) // 256
_MARKS = re.compile("[\U000F0000-\U0010FFFD]+")
#: T2A (LaTeX Cyrillic) below the space: ligatures, dashes, the compound-word mark.
_T2A_LOW = {0x15: "–", 0x16: "—", 0x17: "", 0x1B: "ff", 0x1C: "fi", 0x1D: "fl",
            0x1E: "ffi", 0x1F: "ffl"}
_GLYPH_INDEX = re.compile(r"[gG](\d{1,3})")
#: A decoding must make at least this share of a font's words likely text, or the
#: font's codes are shown as U+FFFD for the editor.
MIN_CONFIDENCE = 0.3
#: A font keeps the document's usual reading unless another is this much likelier.
USUAL_MARGIN = 0.05


@dataclass
class _Font:
    """A font whose codes were caught: its name and the mapping pdfminer would have used."""

    name: str
    base: dict[int, str]
    codes: Counter[int] = field(default_factory=Counter)


@dataclass
class FontCodes:
    """The fonts of one PDF whose codes are read here rather than by pdfminer."""

    fonts: list[_Font] = field(default_factory=list)
    by_glyph_order: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)  # font → (cid:N) glyphs left

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
        """Take over a simple font's codes when nothing in the PDF says what they mean."""
        from pdfminer.pdftypes import resolve1
        from pdfminer.psparser import PSLiteral

        if getattr(font, "unicode_map", None) is not None or not hasattr(font, "cid2unicode"):
            return
        encoding = resolve1(spec.get("Encoding"))
        differences = resolve1(encoding.get("Differences")) if isinstance(encoding, dict) else None
        if not differences:
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
        if not unread:
            return
        name = _font_name(font, spec, objid)
        if all(_GLYPH_INDEX.fullmatch(n) for n in unread.values()) and self._glyph_order(
                font, unread):
            self.by_glyph_order.append(name)
            return
        if len(self.fonts) >= _MAX_FONTS:
            return
        index = len(self.fonts)
        self.fonts.append(_Font(name, dict(font.cid2unicode)))
        for c in unread:
            if c >= 128 or c < 32:
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
        """Turn pdfminer's ``(cid:N)`` glyphs into U+FFFD, counted per font."""
        for c in chars:
            if c["text"].startswith("(cid:"):
                c["text"] = "\ufffd"
                self.unknown[c.get("fontname", "?")] += 1

    def decode(self, lines: list) -> list[str]:
        """Decode every marker in the lines' runs, font by font; the decisions as notes."""
        if not self.fonts:
            return self._unknown_notes()
        samples: dict[int, list[str]] = {}
        for ln in lines:
            for run in ln.runs:
                for m in _MARKS.finditer(run.text):
                    for ch in m.group():
                        self.fonts[(ord(ch) - _MARK_BASE) // 256].codes[ord(ch) % 256] += 1
                    index = (ord(m.group()[0]) - _MARK_BASE) // 256
                    words = samples.setdefault(index, [])
                    if len(words) < 400:
                        words.append(m.group())
        scores = [reading_scores(font, samples.get(i, [])) for i, font in enumerate(self.fonts)]
        # The document's usual reading: the likeliest over all its fonts' codes, so
        # that a font that tells (a note's « » under T2A) decides for those that
        # cannot (no code where two readings differ).
        weight: dict[str, float] = {}
        for font, s in zip(self.fonts, scores, strict=True):
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
        return notes + self._unknown_notes()

    def _unknown_notes(self) -> list[str]:
        notes = [f"{len(self.by_glyph_order)} font(s) read by glyph index in the standard "
                 f"glyph order: {', '.join(sorted(set(self.by_glyph_order)))}"
                 ] if self.by_glyph_order else []
        if self.unknown:
            listed = ", ".join(f"{name} ({n})" for name, n in self.unknown.most_common())
            notes.append(f"{sum(self.unknown.values())} glyph(s) whose meaning the PDF does "
                         f"not give, shown as \ufffd: {listed}")
        return notes


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


def plausibility(text: str, codes: Counter[str]) -> float:
    """How likely a reading is real text: the language model's best probability for
    ``text`` (a sample of the font's words), times the share of the font's glyphs
    (``codes``: each decoded glyph and how often it occurs) that the journal's
    languages write.

    A wrong code page still gives letters, but not words of any language; a
    nearly right one (cp1251 for T2A) gives the same words with stray letters
    where the quotes are, which only the whole count shows.
    """
    from ...tag.langid import model_scores

    total = sum(codes.values())
    good = sum(n for ch, n in codes.items() if ch and all(c in _GOOD for c in ch))
    if not good or not any(ch.isalpha() for ch in text):
        return 0.0
    scores = model_scores(text)
    return max(scores.values(), default=0.0) * good / total


def reading_scores(font: _Font, words: list[str]) -> dict[str, float]:
    """How likely text each candidate reading makes of a font's own words.

    The candidates are the code pages and the Latin reading pdfminer gave.
    """
    scores = {}
    for page in [*CODE_PAGES, "base"]:
        text = " ".join("".join(_decoded(ord(ch) % 256, page, font) for ch in w) for w in words)
        glyphs: Counter[str] = Counter()
        for code, n in font.codes.items():
            glyphs[_decoded(code, page, font)] += n
        scores[page] = round(plausibility(text, glyphs), 4) if text.strip() else 0.0
    return scores


def decide(font: _Font, scores: dict[str, float], usual: str | None) -> tuple[list[str], str]:
    """The table that reads a font's codes, and the note recording why ("" if unused).

    The likeliest reading wins, but the reading most of the document's codes
    took (``usual``) is kept when it is nearly as likely: a font with a few short
    words (a heading, a small-caps name) is judged on little evidence, and one
    PDF's fonts were made by one set-up. Below ``MIN_CONFIDENCE`` no reading is
    trusted and the codes become U+FFFD.
    """
    used = sum(font.codes.values())
    if not used:
        return ["\ufffd"] * 256, ""
    best = max(scores, key=lambda p: scores[p])  # first of equals: cp1251
    if usual is not None and scores[usual] >= scores[best] - USUAL_MARGIN:
        best = usual
    shown = ", ".join(f"{p} {s}" for p, s in sorted(scores.items(), key=lambda kv: -kv[1])[:3])
    if scores[best] < MIN_CONFIDENCE:
        return ["\ufffd"] * 256, (f"font {font.name}: no ToUnicode map; {used} codes unread "
                                  f"(no reading is likely text: {shown})")
    table = [_decoded(c, best, font) for c in range(256)]
    label = "its own base encoding" if best == "base" else best
    return table, (f"font {font.name}: no ToUnicode map; {used} codes read as {label} "
                   f"(likelihood as text: {shown})")
