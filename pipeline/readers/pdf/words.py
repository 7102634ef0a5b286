"""A row of glyphs into a line of text: words from gaps, runs by font, raised markers aside.

Justified lines carry no space glyphs, and a tight line's word space can be
narrower than a loose line's kerning, so every line sets its own threshold from
the histogram of its gaps (``space_threshold``).
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
    words = _words(kept, size)
    runs: list[Run] = []
    for i, word in enumerate(words):
        if i:
            runs[-1].text += " "
        for c in word:
            font = _base_font(c.get("fontname", ""))
            if runs and runs[-1].font == font:
                runs[-1].text += c["text"]
            else:
                runs.append(Run(c["text"], font, round(glyph_size(c), 2), _is_bold(font),
                                _is_italic(font)))
    first = "".join(c["text"] for c in words[0])
    marker = len(words) > 1 and _MARKER.fullmatch(first)
    glyphs = [c for word in words for c in word]
    return PageLine(runs, glyphs[0]["x0"], max(c["x1"] for c in glyphs),
                    min(c["top"] for c in glyphs), max(c["bottom"] for c in glyphs), size,
                    column, words[1][0]["x0"] if marker else glyphs[0]["x0"],
                    "".join(c["text"] for c in ink[:lead]))
