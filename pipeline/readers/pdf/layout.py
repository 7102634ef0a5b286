"""Columns and reading order: where a page's rows split, and in which order they are read.

A gutter is an x that a run of consecutive rows leaves empty, with text on both
sides (``find_columns``); rows that cross it (title, abstracts) are read whole,
in place. Reading goes down the full-width rows, then the left column, then the
right one (``reading_order``).
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import defaultdict

from .clustering import dedupe, rows
from .geometry import Page, PageLine, glyph_size, has_ink
from .words import make_line

#: A gutter is at least this wide (em of the text beside it); a wide word space
#: in a justified column can be wider, but not in row after row at the same x.
GUTTER_EM = 1.0


def _ink(row: list[dict]) -> list[tuple[float, float]]:
    """The x intervals a row covers, its gaps narrower than a gutter bridged."""
    spans: list[list[float]] = []
    for c in row:
        if c["text"].isspace():
            continue
        if spans and c["x0"] - spans[-1][1] < GUTTER_EM * glyph_size(c):
            spans[-1][1] = max(spans[-1][1], c["x1"])
        else:
            spans.append([c["x0"], c["x1"]])
    return [(a, b) for a, b in spans]


def _side(spans: list[tuple[float, float]], x: float) -> tuple[bool, bool] | None:
    """Whether a row has text left and right of ``x``; None if it crosses ``x``."""
    starts = [a for a, _ in spans]
    k = bisect_right(starts, x) - 1
    if k >= 0 and spans[k][1] > x:
        return None
    return k >= 0, k + 1 < len(spans)


def _column_runs(inks: list[list[tuple[float, float]]], x: float) -> list[range]:
    """Runs of consecutive rows that leave ``x`` empty with text on both sides of it.

    Three rows with text on the left and two on the right make a run a two-column
    stretch; short lines or a centred name or two do not.
    """
    runs: list[range] = []
    start, left, right = 0, 0, 0
    for i, spans in enumerate([*inks, None]):
        side = _side(spans, x) if spans is not None else None
        if side is None:
            if left >= 3 and right >= 2:
                runs.append(range(start, i))
            start, left, right = i + 1, 0, 0
        else:
            left += side[0]
            right += side[1]
    return runs


def find_columns(rows: list[list[dict]], width: float) -> tuple[float, set[int]] | None:
    """The gutter's x and the rows it splits, if the page (or part of it) has two columns.

    Every x in the middle of the page is tried; the gutter is the x that the
    most rows leave empty in runs with text on both sides (full-width rows above
    or below, the title and abstracts, end a run but do not hide the gutter).
    Of equally good xs, the middle of the widest stretch is taken.
    """
    inks = [_ink(row) for row in rows]
    scores = []
    for x in range(int(0.35 * width), int(0.65 * width) + 1):
        scores.append((sum(len(r) for r in _column_runs(inks, x)), x))
    best = max((s for s, _ in scores), default=0)
    if best < 4:
        return None
    stretches: list[list[int]] = []
    for score, x in scores:
        if score == best and stretches and stretches[-1][-1] == x - 1:
            stretches[-1].append(x)
        elif score == best:
            stretches.append([x])
    widest = max(stretches, key=len)
    gutter = float(widest[len(widest) // 2])
    split = {i for run in _column_runs(inks, gutter) for i in run}
    return gutter, split


def page_lines(chars: list[dict], width: float) -> tuple[list[PageLine], float | None]:
    """A page's characters as lines, rows split at the gutter where there is one."""
    found = rows(dedupe([c for c in chars if c.get("upright", True) and c["text"]]))
    found = [row for row in found if has_ink(row)]
    columns = find_columns(found, width)
    lines = []
    for i, row in enumerate(found):
        if columns is None or i not in columns[1]:
            lines.append(make_line(row, "full"))
            continue
        gutter = columns[0]
        left = [c for c in row if c["x1"] <= gutter]
        right = [c for c in row if c["x1"] > gutter]
        lines.extend(make_line(part, side) for part, side in ((left, "left"), (right, "right"))
                     if has_ink(part))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines, columns[0] if columns else None


def adopt_gutter(pages: list[Page]) -> None:
    """Give the document's gutter to pages whose text all lies on one side of it.

    The last page of a two-column article often fills only part of the left
    column: nothing there shows a gutter, but its lines are column lines, and
    their fill must be measured against the column's width.
    """
    gutters = [p.gutter for p in pages if p.gutter is not None]
    if not gutters:
        return
    gutter = statistics.median(gutters)
    for page in pages:
        if page.gutter is None and all(ln.x1 <= gutter or ln.x0 >= gutter
                                       for ln in page.lines):
            page.gutter = gutter
            for ln in page.lines:
                ln.column = "left" if ln.x1 <= gutter else "right"


def column_widths(pages: list[Page]) -> dict[str, float]:
    """The width of a full line in each kind of column, the widest any page shows."""
    widths: dict[str, float] = defaultdict(float)
    for page in pages:
        for kind in ("full", "left", "right"):
            lines = [ln for ln in page.lines if ln.column == kind]
            if lines:
                extent = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
                widths[kind] = max(widths[kind], extent)
    return dict(widths)


def reading_order(lines: list[PageLine]) -> list[list[PageLine]]:
    """Lines in reading order, grouped in flows: full width, left column, right column …"""
    flows: list[list[PageLine]] = []
    left: list[PageLine] = []
    right: list[PageLine] = []
    for ln in lines:
        if ln.column == "full":
            flows.extend(f for f in (left, right) if f)
            left, right = [], []
            if flows and flows[-1][0].column == "full":
                flows[-1].append(ln)
            else:
                flows.append([ln])
        else:
            (left if ln.column == "left" else right).append(ln)
    flows.extend(f for f in (left, right) if f)
    return flows
