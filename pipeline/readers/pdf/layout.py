"""Columns and reading order: where a page's rows split, and in which order they are read.

A gutter is an x that a run of consecutive rows leaves empty, with text on both
sides and the right side's lines starting at one x (``find_columns``); a page
may have several (three columns). Rows that cross them (title, abstracts) are
read whole, in place. Reading goes down the full-width rows, then each column
left to right (``reading_order``).
"""

from __future__ import annotations

import dataclasses
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict

from .clustering import MARKER_RISE_EM, dedupe, rows
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


#: Gutters are looked for between these shares of the page width (a margin note
#: column or a sidebar outside them is read as text of its own row).
GUTTER_RANGE = (0.15, 0.85)
#: Two gutters are at least this share of the page width apart: no real column
#: is narrower than a fifth of the page.
MIN_COLUMN_SHARE = 0.2
#: A second or third gutter must split at least this share of the rows the best one
#: splits: an aligned tab stop in a table of one column splits only a few.
SECOND_GUTTER_SHARE = 0.5
#: Columns set side by side share rows: a stretch where fewer rows than this have
#: text on both sides of the gap (a formula beside its number) is not two columns.
MIN_SIDE_BY_SIDE = 4


def _candidate_xs(inks: list[list[tuple[float, float]]], width: float) -> list[int]:
    """The xs in the gutter range that at least four rows leave empty.

    A page of one column covers nearly every x in nearly every row: counting the
    covering rows once per x (a difference array) spares trying the runs at each.
    """
    lo, hi = int(GUTTER_RANGE[0] * width), int(GUTTER_RANGE[1] * width)
    if hi <= lo:
        return []
    cover = [0] * (hi - lo + 2)
    for spans in inks:
        for a, b in spans:
            i, j = max(lo, int(a) + 1), min(hi, int(b))
            if i <= j:
                cover[i - lo] += 1
                cover[j - lo + 1] -= 1
    out, depth = [], 0
    for k in range(hi - lo + 1):
        depth += cover[k]
        if len(inks) - depth >= 4:
            out.append(lo + k)
    return out


def _scores(inks: list[list[tuple[float, float]]], xs: list[int]) -> list[tuple[int, int]]:
    """Each x's score: how many rows its column runs hold (``_column_runs``).

    Which side of a whole x a row's text lies on changes only where an x passes
    the ceiling of a span's end, so xs between two such points score alike: each
    stretch between them is scored once, not every x in it.
    """
    import math

    points = sorted({math.ceil(v) for spans in inks for span in spans for v in span})
    known: dict[int, int] = {}
    out = []
    for x in xs:
        k = bisect_right(points, x)
        if k not in known:
            known[k] = sum(len(r) for r in _column_runs(inks, x))
        out.append((known[k], x))
    return out


def _middle(stretch: list[tuple[int, int]]) -> tuple[int, int]:
    """A gap's score and x: the middle of the widest part of it that scores best.

    >>> _middle([(4, 10), (6, 11), (6, 12), (6, 13), (5, 14), (6, 15)])
    (6, 12)
    """
    best = max(s for s, _ in stretch)
    widest: list[int] = []
    run: list[int] = []
    for score, x in stretch:
        run = ([*run, x] if run and run[-1] == x - 1 else [x]) if score == best else []
        if len(run) > len(widest):
            widest = run
    return best, widest[len(widest) // 2]


def find_columns(rows: list[list[dict]], width: float) -> list[tuple[float, set[int]]]:
    """The page's gutters, left to right, each with the rows it splits (none: one column).

    Every x in the gutter range is tried; an x scores the rows that leave it empty
    in runs with text on both sides (full-width rows above or below, the title and
    abstracts, end a run but do not hide the gutter). Each stretch of consecutive
    scoring xs is a candidate gap, placed at the middle of its widest best-scoring
    part. The best gap is a gutter; so is any other at least a fifth of the page
    away from the gutters taken that splits half as many rows: three columns
    have two gutters.
    """
    inks = [_ink(row) for row in rows]
    scored = _scores(inks, _candidate_xs(inks, width))
    gaps: list[tuple[int, int]] = []  # (score, x) of each stretch's middle
    stretch: list[tuple[int, int]] = []
    for score, x in [*scored, (0, -1)]:
        if score >= 4 and (not stretch or stretch[-1][1] == x - 1):
            stretch.append((score, x))
            continue
        if stretch:
            gaps.append(_middle(stretch))
        stretch = [(score, x)] if score >= 4 else []
    found: list[tuple[int, int, list[range]]] = []
    for _, x in gaps:
        runs = [r for r in _column_runs(inks, x) if _column_starts_aligned(inks, r, x)]
        if sum(len(r) for r in runs) >= 4:
            found.append((sum(len(r) for r in runs), x, runs))
    found.sort(key=lambda f: f[:2], reverse=True)
    taken: list[tuple[int, int, list[range]]] = []
    for gap in found:
        if taken and gap[0] < SECOND_GUTTER_SHARE * found[0][0]:
            break
        if all(abs(gap[1] - t[1]) >= MIN_COLUMN_SHARE * width for t in taken):
            taken.append(gap)
    return [(float(x), {i for run in runs for i in run}) for _, x, runs in sorted(
        taken, key=lambda t: t[1])]


def _column_starts_aligned(inks: list[list[tuple[float, float]]], run: range,
                           x: float) -> bool:
    """Whether a run looks like columns: text right of ``x`` starting at one x in
    most of its rows, and enough rows with text on both sides.

    A column's lines start at its left edge (an indented first line aside); the
    pieces of a display formula and its number, which also leave an x empty row
    after row, start wherever they are centred or pushed right.
    """
    starts: Counter[int] = Counter()
    rows_right = both = 0
    for i in run:
        right = [a for a, _ in inks[i] if a > x]
        if right:
            rows_right += 1
            both += inks[i][0][0] < x
            starts[round(right[0])] += 1
    if both < MIN_SIDE_BY_SIDE:
        return False
    common = max(starts[s - 1] + starts[s] + starts[s + 1] for s in starts)
    return common >= 0.5 * rows_right


def column_label(index: int, count: int) -> str:
    """A column's name: its place and how many columns its part of the page has.

    Measures (a full line's width, the line pitch, the left edge) are taken per
    label, so a three-column page's columns are not measured against two-column ones.

    >>> column_label(0, 2), column_label(2, 3)
    ('1/2', '3/3')
    """
    return f"{index + 1}/{count}"


def _split_row(row: list[dict], gutters: list[float]) -> list[list[dict]]:
    """A row's parts between the gutters that split it, left to right.

    A glyph belongs to the column its right edge ends in (a glyph touching the
    gutter from the left is the left column's).
    """
    parts: dict[int, list[dict]] = {}
    for c in row:
        parts.setdefault(bisect_left(gutters, c["x1"]), []).append(c)
    return [parts[k] for k in sorted(parts)]


def page_rows(chars: list[dict]) -> list[list[dict]]:
    """A page's upright characters clustered into rows that print something."""
    found = rows(dedupe([c for c in chars if c.get("upright", True) and c["text"]]))
    return [row for row in found if has_ink(row)]


def page_lines(chars: list[dict], width: float, found: list[list[dict]] | None = None
               ) -> tuple[list[PageLine], list[float]]:
    """A page's characters as lines, rows split at the gutters where there are some.

    ``found`` are the page's rows when the caller clustered them already (``page_rows``):
    clustering is most of this step's time, and the figure and table finders need
    the rows too.
    """
    if found is None:
        found = page_rows(chars)
    columns = find_columns(found, width)
    all_gutters = [x for x, _ in columns]
    lines = []
    glyphs: dict[int, list[dict]] = {}  # each column line's glyphs, for ``attach_markers``
    for i, row in enumerate(found):
        gutters = [x for x, split in columns if i in split]
        if not gutters:
            lines.append(make_line(row, "full"))
            continue
        # Labels count the page's columns, not the gutters this row happens to show
        # (a short line of the middle column leaves the first gutter only).
        for part in _split_row(row, gutters):
            if has_ink(part):
                k = bisect_right(all_gutters, part[0]["x0"])
                lines.append(make_line(part, column_label(k, len(all_gutters) + 1)))
                glyphs[id(lines[-1])] = part
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    if columns:
        lines = attach_markers(lines, glyphs)
    return lines, all_gutters


def attach_markers(lines: list[PageLine], glyphs: dict[int, list[dict]] | None = None
                   ) -> list[PageLine]:
    """Give raised markers left as lines of their own back to the line they belong to.

    On a page of columns a raised note number can sit nearer another column's
    baseline than its own and be clustered into that row; the gutter then leaves
    it a line of one or two glyphs. A marker that opens its line becomes the
    line's ``note_mark`` (a note's own number), one inside it a reference: with
    the lines' ``glyphs``, the host is read again with the marker's glyphs among
    its own, so the mark stands at its place (``make_line``); else it is only
    listed in ``marks``.
    """
    out: list[PageLine] = []
    for ln in lines:
        host = None
        if len(ln.text.strip()) <= 3:
            host = next((m for m in lines if m is not ln and m.column == ln.column
                         and ln.size < 0.8 * m.size
                         and m.top - MARKER_RISE_EM * m.size - 1 <= ln.top
                         and ln.bottom <= m.bottom + 1
                         and m.x0 - 1.5 * m.size < ln.x0 < m.x1), None)
        if host is None:
            out.append(ln)
        elif ln.x1 <= host.x0 + 1 and not host.note_mark:
            host.note_mark = ln.text.strip()
        elif glyphs is not None and id(host) in glyphs and id(ln) in glyphs:
            both = sorted(glyphs[id(host)] + glyphs[id(ln)], key=lambda c: c["x0"])
            again, own = make_line(both, host.column), host.note_mark
            for f in dataclasses.fields(PageLine):  # in place: ``lines`` holds the host
                setattr(host, f.name, getattr(again, f.name))
            host.note_mark = host.note_mark or own
            glyphs[id(host)] = both
        else:
            host.marks = (*host.marks, ln.text.strip())
    return out


def adopt_gutter(pages: list[Page]) -> None:
    """Give the document's gutters to pages whose text all lies between them.

    The last page of a two-column article often fills only part of the left
    column: nothing there shows a gutter, but its lines are column lines, and
    their fill must be measured against the column's width. The gutters adopted
    are the commonest set among the pages that have some.
    """
    sets = Counter(len(p.gutters) for p in pages if p.gutters)
    if not sets:
        return
    count = sets.most_common(1)[0][0]
    same = [p.gutters for p in pages if len(p.gutters) == count]
    gutters = [statistics.median(g[k] for g in same) for k in range(count)]
    for page in pages:
        if page.gutters or not all(
                all(ln.x1 <= g or ln.x0 >= g for g in gutters) for ln in page.lines):
            continue
        page.gutters = gutters
        for ln in page.lines:
            ln.column = column_label(bisect_right(gutters, ln.x0), count + 1)


def column_widths(pages: list[Page]) -> dict[str, float]:
    """The width of a full line in each kind of column, the widest any page shows."""
    widths: dict[str, float] = defaultdict(float)
    for page in pages:
        extent: dict[str, list[float]] = {}
        for ln in page.lines:
            lo, hi = extent.setdefault(ln.column, [ln.x0, ln.x1])
            extent[ln.column] = [min(lo, ln.x0), max(hi, ln.x1)]
        for kind, (lo, hi) in extent.items():
            widths[kind] = max(widths[kind], hi - lo)
    return dict(widths)


def column_order(label: str) -> int:
    """A column's place on its page, for reading order ("full" first)."""
    return 0 if label == "full" else int(label.split("/")[0])


def reading_order(lines: list[PageLine]) -> list[list[PageLine]]:
    """Lines in reading order, grouped in flows: full width, then each column left to right.

    A full-width row between column stretches (a heading across the page, a
    figure) closes the stretch above it: its columns are read before it.
    """
    flows: list[list[PageLine]] = []
    columns: dict[str, list[PageLine]] = {}
    for ln in lines:
        if ln.column == "full":
            flows.extend(columns[k] for k in sorted(columns, key=column_order))
            columns = {}
            if flows and flows[-1][0].column == "full":
                flows[-1].append(ln)
            else:
                flows.append([ln])
        else:
            columns.setdefault(ln.column, []).append(ln)
    flows.extend(columns[k] for k in sorted(columns, key=column_order))
    return flows
