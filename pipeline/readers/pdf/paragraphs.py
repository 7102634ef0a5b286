"""Body lines as model lines, with the geometric evidence for where paragraphs start.

The reader only records the evidence (an indent, more white than the line pitch,
a change of size, a centred line, how full a line is); the cleaner decides.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from ...model import Line
from .geometry import Page, PageLine


def pitches(pages: list[Page]) -> dict[float, float]:
    """The usual distance from one line to the next, per font size."""
    steps: dict[float, list[float]] = defaultdict(list)
    for page in pages:
        by_column: dict[str, list[PageLine]] = defaultdict(list)
        for ln in page.lines:
            by_column[ln.column].append(ln)
        for lines in by_column.values():
            for a, b in zip(lines, lines[1:], strict=False):
                step = b.top - a.top
                if a.size == b.size and 0.9 * a.size < step < 2.5 * a.size:
                    steps[a.size].append(step)
    return {size: statistics.median(s) for size, s in steps.items()}


def _centred(ln: PageLine, left: float, width: float) -> bool:
    """Set centred: equal margins left and right, wider than an em (not a full line)."""
    margin_left, margin_right = ln.x0 - left, left + width - ln.x1
    return abs(margin_left - margin_right) < max(2.0, 0.01 * width) and margin_left > ln.size


def _style(ln: PageLine) -> tuple[bool, bool]:
    """Whether the line is set in bold, and in italic, throughout (spaces aside)."""
    inked = [r for r in ln.runs if r.text.strip()]
    return (bool(inked) and all(r.bold for r in inked),
            bool(inked) and all(r.italic for r in inked))


def style_break(ln: PageLine, before: PageLine | None, left: float, width: float) -> bool:
    """Whether a heading's style starts or ends between ``before`` and ``ln``.

    A heading is short and bold, italic or larger than its neighbour; where one of
    two lines is such a short line and their styles differ, a paragraph starts. This
    holds across a page or column break too, where white and indent say nothing:
    a heading at a page's foot or top is never glued to its neighbours.
    """
    if before is None:
        return False
    if _style(ln) == _style(before) and abs(ln.size - before.size) <= 0.5:
        return False
    short = [(x.x1 - left) / width < 0.85 if width else True for x in (ln, before)]
    standout = [any(_style(x)) and _style(x) != _style(y) or x.size > y.size + 0.5
                for x, y in ((ln, before), (before, ln))]
    return any(s and o for s, o in zip(short, standout, strict=True))


def model_lines(flow: list[PageLine], above: PageLine | None, after_break: bool, page: int,
                left: float, width: float, pitches: dict[float, float],
                last: PageLine | None = None) -> list[Line]:
    """Model lines of one flow, with the evidence for where paragraphs start.

    A paragraph starts at an indent (but not where a hanging list item goes on
    at its text's x), after more white than the line pitch, at a change of font
    size, or at a centred line that does not continue a centred block (a title
    of two lines). ``above`` is the line read just before the flow on the same
    page; after a page or column break (``after_break``) there is none, and only
    the indent tells, and the style: ``last`` is the line read before the flow
    wherever it was, and a heading's style starting or ending (``style_break``)
    starts a paragraph there too.
    """
    out: list[Line] = []
    hang: float | None = None  # the x a hanging list item continues at
    for i, ln in enumerate(flow):
        above = flow[i - 1] if i else None if after_break else above
        before = flow[i - 1] if i else last
        hanging = hang is not None and abs(ln.x0 - hang) < 1
        centred = _centred(ln, left, width)
        indent = ln.x0 - left > 0.8 * ln.size and not hanging and not centred
        white = sized = continues_centred = False
        if above is not None:
            white = ln.top - above.top > pitches.get(ln.size, 1.2 * ln.size) + 0.25 * ln.size
            sized = abs(ln.size - above.size) > 0.5
            continues_centred = centred and _centred(above, left, width) and not white
        out.append(Line(
            runs=ln.runs,
            page=page,
            fill=round(min(1.0, max(0.0, (ln.x1 - left) / width)), 3),
            para_hint=(indent or white or sized or centred and not continues_centred
                       or style_break(ln, before, left, width)),
            page_break=after_break and i == 0,
            x0=round(ln.x0, 1),
            top=round(ln.top, 1),
            size=ln.size,
        ))
        if ln.text_x0 > ln.x0 + 1:
            hang = ln.text_x0
        elif not hanging:
            hang = None
    return out
