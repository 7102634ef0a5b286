"""A row of glyphs into a line of text: words from gaps, runs by font, raised markers aside.

Justified lines carry no space glyphs, and a tight line's word space can be
narrower than a loose line's kerning, so every line sets its own threshold from
the histogram of its gaps (``space_threshold``). A line holding right-to-left
text is put back in logical order (``logical_order``).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from functools import cache

from ...model import Run
from .geometry import PageLine, glyph_size

#: Word gaps are read in em of the line's font size. Inside a word glyphs touch
#: or are kerned by hundredths of an em; the tightest justified word space is
#: about 0.15 em. Gaps wider than ``GAP_CAP_EM`` are word spaces whatever the line.
GAP_CAP_EM = 0.25
#: Without two groups of gaps to tell apart, a line splits words here.
GAP_DEFAULT_EM = 0.12
#: A jump in a line's sorted gaps smaller than this is noise, not a boundary.
GAP_JUMP_EM = 0.05
#: A list marker before a hanging indent: dash, bullet, "1." / "1)" or "а)".
_MARKER = re.compile(r"[–—•·▪◦‣*-]|\d{1,2}[.)]|[а-яa-z]\)")


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi|-B\b|,B", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique|-I\b|,I", font, re.I))


@cache
def _base_font(font: str) -> str:
    """The font's name without the subset tag ("ABCDEF+PTSerif-Regular").

    Cached: one string per font, not one per character of the document.
    """
    return font.split("+", 1)[-1]


def space_threshold(gaps: list[float], size: float) -> float:
    """The gap (pt) above which two glyphs of this line belong to different words.

    A line's gaps fall into two groups, kerning inside words (around 0) and word
    spaces (0.15 em and up; on a loose justified line much more). Gaps are capped
    at ``GAP_CAP_EM`` (anything wider is a space), and the threshold goes in the
    middle of the widest jump between sorted gaps. A line whose gaps show no jump
    (a single word, or only spaces) falls back to ``GAP_DEFAULT_EM``.

    >>> space_threshold([0, 0, 1.7, 0, 1.7, 0], 10.0)   # tight justified line
    0.85
    >>> space_threshold([1.0, 1.1, 3.5, 0.9, 6.0], 10.0)  # tracked letters, loose spaces
    1.8
    >>> space_threshold([0, 0, 0], 10.0)
    1.2
    """
    cap = GAP_CAP_EM * size
    values = sorted({round(min(max(g, 0.0), cap), 2) for g in gaps})
    jump, threshold = GAP_JUMP_EM * size, GAP_DEFAULT_EM * size
    for a, b in zip(values, values[1:], strict=False):
        if b - a > jump:
            jump, threshold = b - a, round((a + b) / 2, 2)
    return threshold


def _raised(c: dict, size: float, baseline: float) -> bool:
    """A superscript: smaller than the line and clearly above its baseline."""
    return glyph_size(c) < 0.8 * size and c["bottom"] < baseline - 0.15 * size


def _words(chars: list[dict], size: float) -> list[list[dict]]:
    """Glyphs grouped into words: at a space glyph, or at a gap this line calls a space."""
    pieces: list[list[dict]] = [[]]
    for c in chars:
        if c["text"].isspace():
            pieces.append([])
        else:
            pieces[-1].append(c)
    pieces = [p for p in pieces if p]
    gaps = [b["x0"] - a["x1"] for p in pieces for a, b in zip(p, p[1:], strict=False)]
    threshold = space_threshold(gaps, size)
    words: list[list[dict]] = []
    for piece in pieces:
        words.append([piece[0]])
        for a, b in zip(piece, piece[1:], strict=False):
            if b["x0"] - a["x1"] > threshold:
                words.append([b])
            else:
                words[-1].append(b)
    return words


def make_line(chars: list[dict], column: str) -> PageLine:
    """A row's text as runs, one per font, and where its text starts.

    Superscripts are footnote markers: dropped from the text, except a number
    opening the line, which is kept aside as ``note_mark`` (a footnote's own).
    A space goes with the run before it.
    """
    ink = [c for c in chars if not c["text"].isspace()]
    size = Counter(round(glyph_size(c), 1) for c in ink).most_common(1)[0][0]
    baseline = statistics.median(c["bottom"] for c in ink if round(glyph_size(c), 1) == size)
    lead = 0
    while _raised(ink[lead], size, baseline):  # a glyph of the line's own size stops it
        lead += 1
    kept = [c for c in chars if c["text"].isspace() or not _raised(c, size, baseline)]
    marks: list[str] = []
    previous = None
    for c in ink[lead:]:
        if _raised(c, size, baseline):
            if previous is not None and c["x0"] - previous["x1"] < 0.3 * size and marks:
                marks[-1] += c["text"]
            else:
                marks.append(c["text"])
            previous = c
        else:
            previous = None
    words = _words(kept, size)
    units: list[tuple[str, dict | None]] = []  # glyphs, and None for a word space
    for i, word in enumerate(words):
        if i:
            units.append((" ", None))
        units.extend((c["text"], c) for c in word)
    if _RTL_BLOCKS.search("".join(u for u, _ in units)):
        units = rtl_units(units)
    runs: list[Run] = []
    for text, c in units:
        if c is None:
            runs[-1].text += text
            continue
        font = _base_font(c.get("fontname", ""))
        if runs and runs[-1].font == font:
            runs[-1].text += text
        else:
            runs.append(Run(text, font, round(glyph_size(c), 2), _is_bold(font),
                            _is_italic(font)))
    first = "".join(c["text"] for c in words[0])
    marker = len(words) > 1 and _MARKER.fullmatch(first)
    glyphs = [c for word in words for c in word]
    return PageLine(runs, glyphs[0]["x0"], max(c["x1"] for c in glyphs),
                    min(c["top"] for c in glyphs), max(c["bottom"] for c in glyphs), size,
                    column, words[1][0]["x0"] if marker else glyphs[0]["x0"],
                    "".join(c["text"] for c in ink[:lead]), tuple(marks))


#: Hebrew, Arabic, Syriac, Thaana, N'Ko … and their presentation forms: a line
#: without any is left as it is, without asking unicodedata about each character.
_RTL_BLOCKS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _levels(units: list[str]) -> list[int]:
    """Embedding levels of a line's glyphs, the Unicode bidi algorithm's rules cut down
    to one line without explicit controls (a glyph is judged by its first character).

    The base direction is that of the line's majority of strong characters. Right-to-left
    letters take an odd level, left-to-right ones an even level, digits one above an
    odd base or after right-to-left letters; a neutral takes the level of the
    strong characters on both sides if they agree, else the base level.
    """
    import unicodedata

    kinds = [unicodedata.bidirectional(u[0]) if u else "ON" for u in units]
    rtl = sum(k in ("R", "AL") for k in kinds)
    base = 1 if rtl > sum(k == "L" for k in kinds) else 0
    levels: list[int | None] = []
    last_strong = base
    for k in kinds:
        if k in ("R", "AL"):
            last_strong = 1
            levels.append(1)
        elif k == "L":
            last_strong = 0
            levels.append(base + 1 if base else 0)
        elif k in ("EN", "AN"):
            levels.append(2 if base or last_strong == 1 or k == "AN" else 0)
        elif k == "NSM":  # a combining mark goes with the glyph before it
            levels.append(levels[-1] if levels else None)
        else:
            levels.append(None)
    resolved = [lv if lv is not None else base for lv in levels]
    i = 0
    while i < len(levels):
        if levels[i] is not None:
            i += 1
            continue
        j = i
        while j < len(levels) and levels[j] is None:
            j += 1
        before = levels[i - 1] if i else None
        after = levels[j] if j < len(levels) else None
        # Digits count as the side they are embedded in (rule N1): compare parities.
        if before is not None and after is not None and before % 2 == after % 2:
            resolved[i:j] = [min(before, after)] * (j - i)
        i = j
    return resolved


def _visual_to_logical(units: list[str]) -> list[int]:
    """The order in which to read glyphs given in visual order, and which are mirrored.

    Reordering by embedding levels (rule L2: reverse every stretch at or above
    each level, from the highest down to the lowest odd one) is its own inverse,
    so the same reversal turns the visual order back into the logical one.
    """
    levels = _levels(units)
    order = list(range(len(units)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return [k if levels[k] % 2 == 0 else -1 - k for k in order]


def logical_order(text: str) -> str:
    """A line read in visual order (left to right on the page) back in logical order.

    PDFs place right-to-left text glyph by glyph from the left, so an Arabic line
    comes out reversed. Glyphs at odd levels are mirrored back ("(" drawn as ")").

    >>> logical_order("ملاعلا Python 2020 ابحرم")  # an English run in an Arabic line
    'مرحبا Python 2020 العالم'
    >>> logical_order("see (ملاعلا) here")
    'see (العالم) here'
    """
    return "".join(text[k] if k >= 0 else text[-1 - k].translate(_MIRRORED)
                   for k in _visual_to_logical(list(text)))


def rtl_units(units: list[tuple[str, dict | None]]) -> list[tuple[str, dict | None]]:
    """A line's glyphs (and word spaces) in logical order when it holds right-to-left text.

    Glyphs move whole: a lam-alef ligature's two letters, already in logical
    order inside the glyph, stay so. A word space the reordering puts at either
    end of the line goes.
    """
    out = [units[k] if k >= 0 else (units[-1 - k][0].translate(_MIRRORED), units[-1 - k][1])
           for k in _visual_to_logical([u for u, _ in units])]
    while out and out[0][1] is None:
        out.pop(0)
    while out and out[-1][1] is None:
        out.pop()
    return out
