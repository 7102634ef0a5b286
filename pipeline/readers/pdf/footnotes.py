"""Footnotes: the smaller numbered lines that close a column at the foot of a page.

Superscript markers in the body stay in its text as runs of their own, and are
listed in ``PageLine.marks`` (``words.make_line``): the evidence that a numbered
small line below is a note. A note's own number is kept and leads its first line.
The notes leave here as visual lines, the first line of each marked with
``para_hint``: joining them into notes is the cleaner's line-joining policy, the
same as for body lines.
"""

from __future__ import annotations

import re

from ...model import Line
from .geometry import PageLine

_NOTE_NUMBER = re.compile(r"\s*(\d{1,3}|[*∗†‡§])[.)]?(\s|$)")


def note_number(ln: PageLine) -> str | None:
    """The number (or symbol) a line opens with as a note's own, if any."""
    if ln.note_mark:
        return ln.note_mark
    m = _NOTE_NUMBER.match(ln.text)
    return m.group(1) if m else None


def footnote_start(flow: list[PageLine], later: list[list[PageLine]], body_size: float,
                   height: float, carried: bool = False,
                   marks: frozenset[str] | None = None) -> int:
    """Where the footnotes at the end of ``flow`` begin (``len(flow)`` if it has none).

    Notes are smaller than the body (by half a point or more), lie in the lower
    half of the page (or reach up from it, line after line), close their column
    (no later flow below them overlaps them in x) and start with a number. A note
    carried over from the page before starts without one: small lines set apart
    from the text above by more white than a line leaves are notes too when a
    numbered note follows them or when the note area of the previous page or
    column went on (``carried``), so that they never come
    between the two halves of a word broken at the page's end.

    ``marks`` are the note references raised in the text so far: a number that
    is not raised at the line's start (a reference list's "1.", a figure's axis
    labels) opens a note only if the text refers to it.
    """
    x0, x1 = min(ln.x0 for ln in flow), max(ln.x1 for ln in flow)
    bottom = max(ln.bottom for ln in flow)
    if any(ln.x0 < x1 and x0 < ln.x1 and ln.top > bottom - 1 for f in later for ln in f):
        return len(flow)
    k = len(flow)
    while k and flow[k - 1].size < body_size - 0.5 and (
            flow[k - 1].top > 0.5 * height
            # a long note area goes on upwards, line after line
            or k < len(flow) and flow[k].top - flow[k - 1].top < 1.5 * flow[k].size):
        k -= 1
    numbered = next((i for i in range(k, len(flow)) if flow[i].note_mark or (
        note_number(flow[i]) is not None and (marks is None or note_number(flow[i]) in marks))),
        None)
    apart = k < len(flow) and (k == 0 or flow[k].top - flow[k - 1].bottom
                               > 0.8 * flow[k - 1].size)
    if apart and (numbered is not None or carried and flow[k].top > 0.7 * height):
        return k
    return len(flow) if numbered is None else numbered


def note_lines(lines: list[PageLine], page: int, previous: list[Line]) -> list[Line]:
    """Footnote lines as model lines; a note's number leads its first line, which has a hint.

    A number that is not raised opens a note only where the numbering goes on
    (one more than the last note's in ``previous``, the notes read so far, or a
    new count from 1): a note's line may well start with "10 seconds".
    """
    last = next((n for n in map(_numeral, reversed(previous)) if n is not None), None)
    out = []
    for ln in lines:
        runs = [r.with_text(r.text) for r in ln.runs]
        if ln.note_mark:
            runs[0].text = ln.note_mark + " " + runs[0].text
        text = "".join(r.text for r in runs)
        m = _NOTE_NUMBER.match(text)
        hint = bool(m) and (bool(ln.note_mark) or not m.group(1).isdigit() or last is None
                            or int(m.group(1)) in (1, last + 1))
        line = Line(runs=runs, page=page, size=ln.size, x0=round(ln.x0, 1),
                    top=round(ln.top, 1), para_hint=hint)
        out.append(line)
        last = _numeral(line) if _numeral(line) is not None else last
    return out


def _numeral(line: Line) -> int | None:
    """The number a note's first line opens with (None: not a first line, or a symbol)."""
    m = _NOTE_NUMBER.match(line.text) if line.para_hint else None
    return int(m.group(1)) if m and m.group(1).isdigit() else None


def count_notes(lines: list[Line]) -> int:
    """How many notes the footnote lines hold: one per hinted line, and the first line's.

    A first line without a number still opens a note (one carried over from a
    page whose notes the reader did not see, or an unnumbered one).
    """
    if not lines:
        return 0
    return sum(ln.para_hint for ln in lines) + (not lines[0].para_hint)
