"""Tables on a PDF page: ruled ones from pdfplumber's table finder, unruled ones from columns.

A ruled table is what pdfplumber's "lines" strategy finds between the page's
rules, kept only when it reads as a table: at least two rows and two columns,
text in most rows and in more than one cell of some, no cell holding a page of
prose (a layout box drawn around text) and no picture under it (a grid of
screenshots). An unruled table is found from the text alone, and only where the
evidence is strong (``unruled_tables``): three or more rows, each cut into three
or more stretches by gaps wider than any word space, the stretches falling into
the same columns. A paragraph's line has no such gaps, so prose never becomes a
table.

Cell texts are made by the reader's own line builder (``words.make_line``) from
the glyphs in each cell, so that word gaps, accents and fonts are read as in the
body; text set sideways in a cell (a rotated column head) is read bottom to top.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ...model import Run
from .geometry import glyph_size
from .words import is_math, make_line

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (pdfplumber's page coordinates)

#: A ruled table's page needs at least this many horizontal and vertical rules.
MIN_RULES = 3
#: The finder intersects every horizontal rule with every vertical one: a page of more
#: crossings than this is a drawing (a map, a plot's grid of thousands of ticks).
MAX_CROSSINGS = 250_000
#: A cell with more words than this is a layout box around text, not a table cell.
MAX_CELL_WORDS = 80
#: Rule ends and cell edges closer than this (pt) are one edge of the grid.
EDGE_SNAP = 2.0
#: Unruled: a gap wider than this (em of the row's text) separates two cells.
CELL_GAP_EM = 1.0
#: Unruled: a cell (stretch) with more words than this is prose, not a cell.
MAX_STRETCH_WORDS = 15
#: Unruled: the rows and columns that make strong evidence.
MIN_ROWS, MIN_COLUMNS = 3, 3


@dataclass
class FoundTable:
    """A table found on a page: its box, its rows of cell texts and spanned cells."""

    box: Box
    cells: list[list[str]]
    merges: list[list[int]] = field(default_factory=list)
    header_rows: int | None = None
    used: set[int] = field(default_factory=set)  # ids of the glyphs it took
    #: The cells as runs (their text and the font of their first glyphs), row by row.
    runs: list[list[Run]] = field(default_factory=list)


def _rules(page) -> tuple[int, int]:
    """How many horizontal and vertical rules (lines, thin rects, rect sides) a page has."""
    horizontal = vertical = 0
    for obj in page.lines:
        if abs(obj["top"] - obj["bottom"]) < 1:
            horizontal += 1
        elif abs(obj["x0"] - obj["x1"]) < 1:
            vertical += 1
    for r in page.rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if h < 2 and w > 2:
            horizontal += 1
        elif w < 2 and h > 2:
            vertical += 1
        elif w >= 2 and h >= 2:
            horizontal += 2
            vertical += 2
    return horizontal, vertical


def _snap(values: list[float]) -> list[float]:
    """Edge positions with near-equal ones made one (their first)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_SNAP:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The grid line nearest below-or-at ``v`` (with the snap's tolerance)."""
    return max(0, bisect_right(edges, v + EDGE_SNAP) - 1)


def _overlap(a: Box, b: Box) -> float:
    """The area of two boxes' intersection."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _centre_in(c: dict, box: Box) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def cell_run(rows: list[list[dict]]) -> Run:
    """One cell's text from its glyphs, row by row, as one run in the font of its first
    (the font decides how the reader decodes it, ``encoding``)."""
    parts, first = [], None
    for row in rows:
        if any(not c["text"].isspace() for c in row):
            line = make_line(row, "full")
            parts.append(line.text.strip())
            first = first or next((r for r in line.runs if r.text.strip()), None)
    text = " ".join(p for p in parts if p)
    return first.with_text(text) if first is not None else Run(text)


def cell_text(rows: list[list[dict]]) -> str:
    """The text of one cell from its glyphs, row by row (each row in reading order)."""
    return cell_run(rows).text


def sideways_text(chars: list[dict]) -> str:
    """Text set sideways (rotated a quarter turn), read bottom to top, words by the gaps.

    >>> g = [dict(text=t, x0=0, x1=8, top=y, bottom=y + 5, size=8) for t, y in
    ...      (("C", 10), ("B", 15), ("A", 20), ("*", 25))]
    >>> sideways_text(g)
    '*ABC'
    """
    ink = sorted((c for c in chars if not c["text"].isspace()), key=lambda c: -c["bottom"])
    out, last = "", None
    for c in ink:
        if last is not None and last["top"] - c["bottom"] > 0.3 * glyph_size(c):
            out += " "
        out += c["text"]
        last = c
    return out


def _grid_table(cells: list[Box], rows: list[list[dict]], sideways: list[dict]
                ) -> FoundTable | None:
    """The table pdfplumber's cells make, read from the glyphs, or None if it is no table."""
    xs = _snap([v for c in cells for v in (c[0], c[2])])
    ys = _snap([v for c in cells for v in (c[1], c[3])])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 2 or n_cols < 2:
        return None
    slots: dict[tuple[int, int], tuple[int, int, Box]] = {}
    for c in cells:
        r0, r1 = _index(ys, c[1]), max(_index(ys, c[3]), _index(ys, c[1]) + 1)
        c0, c1 = _index(xs, c[0]), max(_index(xs, c[2]), _index(xs, c[0]) + 1)
        slots.setdefault((r0, c0), (r1 - r0, c1 - c0, c))
    cover = _cover(slots)
    box = (xs[0], ys[0], xs[-1], ys[-1])
    by_row: dict[tuple[int, int], dict[int, list[dict]]] = {}
    used: set[int] = set()
    for ri, row in enumerate(rows):
        if row[-1]["bottom"] < box[1] or row[0]["top"] > box[3]:
            continue
        for ch in row:
            if not _centre_in(ch, box):
                continue
            x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            key = cover.get((_index(ys, y), _index(xs, x)))
            if key is None:
                continue
            used.add(id(ch))
            by_row.setdefault(key, {}).setdefault(ri, []).append(ch)
    found = {key: [parts[ri] for ri in sorted(parts)] for key, parts in by_row.items()}
    turned: dict[tuple[int, int], list[dict]] = {}
    for ch in sideways:
        if _centre_in(ch, box):
            x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            key = cover.get((_index(ys, y), _index(xs, x)))
            if key is not None:
                turned.setdefault(key, []).append(ch)
    grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    runs = [[Run("") for _ in range(n_cols)] for _ in range(n_rows)]
    merges = []
    for (r, c), (down, across, _box) in sorted(slots.items()):
        run = cell_run(found.get((r, c), []))
        if (r, c) in turned:
            run = run.with_text((run.text + " " + sideways_text(turned[(r, c)])).strip())
        if r < n_rows and c < n_cols:
            grid[r][c], runs[r][c] = run.text, run
        if down > 1 or across > 1:
            merges.append([r, c, min(down, n_rows - r), min(across, n_cols - c)])
    if not _reads_as_table(grid):
        return None
    return FoundTable(box, grid, merges, _header_rows(grid, found.get, slots), used, runs)


def _cover(slots: dict[tuple[int, int], tuple[int, int, Box]]
           ) -> dict[tuple[int, int], tuple[int, int]]:
    """Every grid slot a cell covers → that cell's top-left slot (a spanned cell covers
    several).

    >>> _cover({(0, 0): (1, 2, (0, 0, 2, 1))})
    {(0, 0): (0, 0), (0, 1): (0, 0)}
    """
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (down, across, _b) in slots.items():
        for r in range(r0, r0 + down):
            for c in range(c0, c0 + across):
                out.setdefault((r, c), (r0, c0))
    return out


def _reads_as_table(grid: list[list[str]]) -> bool:
    """Whether rows of cell texts read as a table rather than a box around prose or a
    drawing's frames: text in most rows, two filled cells in at least two rows, no cell
    a page of prose."""
    filled_rows = [sum(1 for c in row if c.strip()) for row in grid]
    if sum(1 for n in filled_rows if n) < 0.5 * len(grid):
        return False
    if sum(1 for n in filled_rows if n >= 2) < 2:
        return False
    if flows_on(grid):
        return False
    return all(len(c.split()) <= MAX_CELL_WORDS for row in grid for c in row)


def flows_on(grid: list[list[str]]) -> bool:
    """Whether a grid's columns are running text cut into lines: most cells go on from
    the one above (it ends in a hyphen, or the next starts in lower case). A page of
    prose columns between rules reads so; a table's cells start afresh.

    >>> flows_on([["The rule of", "x"], ["law is that", "y"], ["every- one", "z"],
    ...           ["body knows", "w"], ["it well.", "v"]])
    True
    >>> flows_on([["Name", "Type"], ["USER", "CHAR"], ["Host name of", "VARCHAR"]])
    False
    """
    pairs = goes_on = 0
    for c in range(len(grid[0]) if grid else 0):
        for a, b in zip(grid, grid[1:], strict=False):
            above, below = a[c].strip(), b[c].strip()
            if not above or not below:
                continue
            pairs += 1
            goes_on += above.endswith("-") or below[:1].islower()
    return pairs >= 4 and goes_on >= 0.4 * pairs


_DIGITS = re.compile(r"\d")


def _bold_row(grid: list[list[str]], parts_of, r: int) -> bool:
    """Whether every glyph of row ``r`` (it has some) is set in a bold face."""
    glyphs = [ch for c in range(len(grid[0])) for row in (parts_of((r, c)) or [])
              for ch in row if not ch["text"].isspace()]
    return bool(glyphs) and all(
        re.search(r"bold|black|heavy|semibold|demi", ch.get("fontname", ""), re.I)
        for ch in glyphs)


def _header_rows(grid: list[list[str]], parts_of, slots) -> int | None:
    """The head: the first rows set in bold throughout (a head of two rows under a
    spanned cell), or one first row holding no numbers in a table whose other rows
    mostly do; otherwise none is claimed. A body row always remains."""
    bold = 0
    while bold < min(3, len(grid) - 1) and _bold_row(grid, parts_of, bold):
        bold += 1
    if bold:
        return bold
    rest = grid[1:]
    if len(rest) >= 2 and not any(_DIGITS.search(c) for c in grid[0]) and sum(
            1 for row in rest if any(_DIGITS.search(c) for c in row)) >= 0.5 * len(rest):
        return 1
    return None


def ruled_tables(page, rows: list[list[dict]], chars: list[dict],
                 pictures: list[Box]) -> list[FoundTable]:
    """The page's ruled tables (pdfplumber's "lines" strategy) that read as tables.

    The finder runs only on a page with rules enough for a grid: it is cheap, but
    most pages have none. A table over a picture is a grid of images, not a table.
    """
    horizontal, vertical = _rules(page)
    if not MIN_RULES <= min(horizontal, vertical) or horizontal * vertical > MAX_CROSSINGS:
        return []
    try:
        tables = page.find_tables({"vertical_strategy": "lines",
                                   "horizontal_strategy": "lines"})
    except Exception:  # pdfplumber on damaged geometry: no table rather than no page
        return []
    sideways = [c for c in chars if not c.get("upright", True) and c["text"]] if tables else []
    out = []
    for t in tables:
        box = tuple(float(v) for v in t.bbox)
        if any(_overlap(box, p) > 0.25 * _area(box) for p in pictures):
            continue
        found = _grid_table([tuple(float(v) for v in c) for c in t.cells], rows, sideways)
        if found is not None:
            out.append(found)
    return out


# --- unruled tables -----------------------------------------------------------------


def _stretches(row: list[dict]) -> list[list[dict]]:
    """A row's glyphs cut where a gap is wider than any word space (``CELL_GAP_EM``)."""
    out: list[list[dict]] = []
    last = None
    for c in row:
        if c["text"].isspace():
            continue
        if last is not None and c["x0"] - last["x1"] <= CELL_GAP_EM * glyph_size(c):
            out[-1].append(c)
        else:
            out.append([c])
        last = c
    return out


def _band_rows(rows: list[list[dict]], lo: float, hi: float) -> list[list[dict]]:
    """The parts of the rows that lie between two xs (a column of the page)."""
    out = []
    for row in rows:
        part = [c for c in row if lo <= c["x1"] and c["x0"] < hi and (
            (c["x0"] + c["x1"]) / 2 >= lo) and (c["x0"] + c["x1"]) / 2 < hi]
        if part:
            out.append(part)
    return out


def _words(stretch: list[dict], size: float) -> int:
    gaps = sum(1 for a, b in zip(stretch, stretch[1:], strict=False)
               if b["x0"] - a["x1"] > 0.15 * size)
    return gaps + 1


def _columns(rows: list[list[list[dict]]]) -> list[tuple[float, float]]:
    """The x intervals the rows' stretches fall into: overlapping stretches, one column."""
    spans = sorted((s[0]["x0"], max(c["x1"] for c in s)) for row in rows for s in row)
    out: list[list[float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def column_of(stretch: list[dict], columns: list[tuple[float, float]]) -> int | None:
    """The one column a stretch overlaps (a head wider than its column of stars or
    numbers still overlaps only it), or None when it overlaps none or several.

    >>> g = [dict(text="ab", x0=8.0, x1=30.0)]
    >>> column_of(g, [(0, 5), (10, 20), (40, 50)]), column_of(g, [(0, 10), (20, 25)])
    (1, None)
    """
    a, b = stretch[0]["x0"], max(c["x1"] for c in stretch)
    hits = [i for i, (lo, hi) in enumerate(columns) if a <= hi + 2 and lo - 2 <= b]
    return hits[0] if len(hits) == 1 else None


def _fits(row: list[list[dict]], columns: list[tuple[float, float]]) -> bool:
    """Whether each stretch of a row lies in one column, and no two in the same."""
    taken = set()
    for s in row:
        k = column_of(s, columns)
        if k is None or k in taken:
            return False
        taken.add(k)
    return True


def _prose(row: list[list[dict]]) -> bool:
    return any(_words(s, glyph_size(s[0])) > MAX_STRETCH_WORDS for s in row)


def unruled_tables(rows: list[list[dict]], gutters: list[float], width: float,
                   caption: re.Pattern[str]) -> list[FoundTable]:
    """Tables without rules: runs of rows whose wide gaps line up into columns.

    Looked for in each column of the page (between its gutters), so that a
    two-column page's gutter is never a table's column gap. Strong evidence only:
    ``MIN_ROWS`` rows of ``MIN_COLUMNS`` or more stretches, close together, every
    stretch inside one of the columns they make together. Rows just above and
    below whose stretches fit the same columns (a head, a wrapped cell) join the
    table; a caption never does. A line closer to the one before than the
    table's rows are to each other continues that row's cells.
    """
    out: list[FoundTable] = []
    edges = [0.0, *gutters, width + 1]
    bands = list(zip(edges, edges[1:], strict=False))
    if gutters:
        # A table's own column gaps can look like a gutter: the page is searched whole
        # too, for tables of narrow columns only (a column of the page's text is wide).
        bands.append((0.0, width + 1))
    taken: set[int] = set()
    for lo, hi in bands:
        whole = bool(gutters) and hi - lo > width
        band = _band_rows([[c for c in r if id(c) not in taken] for r in rows] if taken
                          else rows, lo, hi)
        cut = [_stretches(r) for r in band]
        i = 0
        while i < len(band):
            if len(cut[i]) < MIN_COLUMNS or _prose(cut[i]):
                i += 1
                continue
            j = i + 1
            while j < len(band) and len(cut[j]) >= 2 and not _prose(cut[j]) and (
                    band[j][0]["top"] - band[j - 1][0]["bottom"]
                    < 3 * glyph_size(band[j][0])):
                j += 1
            strong = [k for k in range(i, j) if len(cut[k]) >= MIN_COLUMNS]
            columns = _columns([cut[k] for k in strong])
            if (len(strong) < MIN_ROWS or len(columns) < MIN_COLUMNS
                    or not all(_fits(cut[k], columns) for k in range(i, j))):
                i = max(i + 1, j if len(strong) < MIN_ROWS else i + 1)
                continue
            first, last = i, j
            while first > 0 and _joins(band, cut, columns, caption, first - 1, first):
                first -= 1
            while last < len(band) and _joins(band, cut, columns, caption, last, last - 1):
                last += 1
            if whole and any(b - a > width / 3 for a, b in columns) or _formula(band[first:last]):
                i = last
                continue
            found = _unruled(band[first:last], cut[first:last], columns)
            if flows_on(found.cells):
                i = last
                continue
            out.append(found)
            taken |= out[-1].used
            i = last
    return out


def _formula(rows: list[list[dict]]) -> bool:
    """Whether rows are a display formula's (its pieces leave wide gaps too): a fifth of
    their glyphs in math fonts, or an equals sign."""
    ink = [c for r in rows for c in r if not c["text"].isspace()]
    return bool(ink) and (sum(1 for c in ink if is_math(c)) >= 0.2 * len(ink)
                          or any(c["text"] in "=≤≥≈" for c in ink))


def _joins(band: list[list[dict]], cut: list[list[list[dict]]],
           columns: list[tuple[float, float]], caption: re.Pattern[str], k: int, near: int
           ) -> bool:
    """Whether row ``k``, next to the table's row ``near``, belongs to the table too (a
    head, a wrapped cell): close by, not prose, not a caption, its stretches in the
    table's columns."""
    text = "".join(c["text"] for c in band[k])
    gap = abs(band[k][0]["top"] - band[near][0]["top"])
    return (not _prose(cut[k]) and _fits(cut[k], columns)
            and not caption.match(text) and gap < 2.5 * glyph_size(band[k][0]))


def _unruled(rows: list[list[dict]], cut: list[list[list[dict]]],
             columns: list[tuple[float, float]]) -> FoundTable:
    """An unruled table's rows of cells; a line set closer to the one before than the
    table's usual row pitch continues that row (a cell's text wrapped)."""
    tops = [r[0]["top"] for r in rows]
    pitches = sorted(b - a for a, b in zip(tops, tops[1:], strict=False))
    usual = pitches[len(pitches) // 2] if pitches else 0.0
    grid: list[list[list[list[dict]]]] = []
    for k, stretches in enumerate(cut):
        slots: list[list[list[dict]]] = [[] for _ in columns]
        for s in stretches:
            slots[column_of(s, columns) or 0].append(s)
        close = k and tops[k] - tops[k - 1] < 0.8 * usual
        if close and grid:
            for c, parts in enumerate(slots):
                grid[-1][c].extend(parts)
        else:
            grid.append(slots)
    runs = [[cell_run(parts) for parts in row] for row in grid]
    cells = [[r.text for r in row] for row in runs]
    used = {id(c) for r in rows for c in r}
    glyphs = [c for r in rows for c in r if not c["text"].isspace()]
    box = (min(c["x0"] for c in glyphs), min(c["top"] for c in glyphs),
           max(c["x1"] for c in glyphs), max(c["bottom"] for c in glyphs))
    header = None
    if len(cells) >= 3:
        bold = [c for parts in grid[0] for p in parts for c in p]
        if bold and all(re.search(r"bold|black|heavy|semibold|demi", c.get("fontname", ""), re.I)
                        for c in bold):
            header = 1
        elif any(not t for t in cells[0]) and all(
                sum(1 for t in row if t) > sum(1 for t in cells[0] if t) for row in cells[1:]):
            header = 1  # a head that leaves the stub columns empty
    return FoundTable(box, cells, [], header, used, runs)


# --- tables of contents -----------------------------------------------------------------

#: A contents entry's page: arabic or roman, after its leader.
_TOC_PAGE = re.compile(r"[.\s]*(\d{1,4}|[ivxlcdm]{1,7})", re.IGNORECASE)
#: A leader: this many dots in a row (spaces between them aside).
LEADER_DOTS = 4


def _leader(row: list[dict]) -> tuple[int, int] | None:
    """Where a row's dot leader starts and ends (glyph indices), when it has one that
    ends the entry: what follows it is a page number or nothing."""
    ink = [k for k, c in enumerate(row) if not c["text"].isspace()]
    k = 0
    while k < len(ink):
        if row[ink[k]]["text"] != ".":
            k += 1
            continue
        end = k
        while end < len(ink) and row[ink[end]]["text"] == ".":
            end += 1
        if end - k >= LEADER_DOTS and k > 0:
            after = "".join(row[i]["text"] for i in ink[end:])
            if not after or _TOC_PAGE.fullmatch(after):
                return ink[k], (ink[end] if end < len(ink) else len(row))
            return None
        k = end
    return None


def _gapped(row: list[dict]) -> tuple[int, int] | None:
    """Where a contents line without a leader leaves its gap: the entry, a wide space,
    the page number at the right (grobid_0807: "1. Introduction        2")."""
    ink = [k for k, c in enumerate(row) if not c["text"].isspace()]
    for a, b in zip(reversed(ink[:-1]), reversed(ink[1:]), strict=True):
        if row[b]["x0"] - row[a]["x1"] > 3 * glyph_size(row[b]):
            page = "".join(row[k]["text"] for k in ink if k >= b)
            entry = "".join(row[k]["text"] for k in ink if k <= a)
            if _TOC_PAGE.fullmatch(page) and not page.startswith(".") and sum(
                    ch.isalpha() for ch in entry) >= 2:
                return a + 1, b
            return None
    return None


def _page_order(pages: list[str]) -> bool:
    """Whether arabic page numbers never go back, as a contents' do."""
    numbers = [int(p) for p in pages if p.isdigit()]
    return all(a <= b for a, b in zip(numbers, numbers[1:], strict=False))


def contents_tables(rows: list[list[dict]]) -> list[FoundTable]:
    """A source's table of contents, as a table of entries and their pages.

    Its lines are an entry, a dot leader and a page number ("1.2 Roles . . . . 8"),
    or an entry and its page far apart at the right edge: read as text, the leaders
    are noise and the page numbers stray words (or a column of their own), and
    docling and the journal's readers alike see a two-column table. Three leader
    lines in a row make one; without leaders it takes four whose pages end at one
    edge and never go back. A line without a page between them is an entry wrapped
    onto the next line's; one far to the right (a running head) is passed over. The
    page numbers are the source's, which the editor may drop with a ``table_as:
    text`` correction or delete.

    >>> def row(text, top):
    ...     return [dict(text=ch, x0=10.0 + 5 * i, x1=14.0 + 5 * i, top=top, bottom=top + 9,
    ...                  size=9.0, fontname="Times") for i, ch in enumerate(text)]
    >>> rows = [row("Contents", 0)] + [row(f"{t} . . . . . {p}", 12 * k + 20)
    ...         for k, (t, p) in enumerate([("Notices", "vii"), ("Preface", "xi"), ("Roles", "8")])]
    >>> [t.cells for t in contents_tables(rows)]
    [[['Notices', 'vii'], ['Preface', 'xi'], ['Roles', '8']]]
    >>> rows = [row(f"{t:<40}{p:>3}", 12 * k) for k, (t, p) in enumerate(
    ...         [("1. Introduction", "2"), ("2. Methods", "4"), ("3. Results", "9"),
    ...          ("References", "14")])]
    >>> [t.cells for t in contents_tables(rows)]
    [[['1. Introduction', '2'], ['2. Methods', '4'], ['3. Results', '9'], ['References', '14']]]
    >>> contents_tables(rows[:2] + rows[3:] + rows[2:3])  # a page back: not contents
    []
    """
    out: list[FoundTable] = []
    leaders = [_leader(r) for r in rows]
    marks = [m or _gapped(r) for m, r in zip(leaders, rows, strict=True)]
    i = 0
    while i < len(rows):
        if marks[i] is None:
            i += 1
            continue
        left = rows[i][0]["x0"]
        page_x = rows[i][marks[i][1]]["x0"] if marks[i][1] < len(rows[i]) else rows[i][-1]["x1"]
        j, entries, leadered = i, [], 0
        pending: list[list[dict]] = []
        while j < len(rows):
            if entries and rows[j][0]["top"] - entries[-1][2][-1][0]["bottom"] > 3 * glyph_size(
                    rows[j][0]):
                break  # far below the last entry: the page's foot
            if marks[j] is None:
                x0 = next((c["x0"] for c in rows[j] if not c["text"].isspace()), left)
                if x0 > left + 0.5 * (page_x - left) and not pending:
                    j += 1  # a running head or a margin note beside the contents
                    continue
                # One wrapped line, close to the entry below it.
                if pending or j + 1 >= len(rows) or marks[j + 1] is None:
                    break
                pending = [rows[j]]
                j += 1
                continue
            start, end = marks[j]
            leadered += leaders[j] is not None
            entries.append((pending + [rows[j][:start]], [rows[j][end:]], pending + [rows[j]]))
            pending = []
            j += 1
        runs = [[cell_run(entry), cell_run(page)] for entry, page, _ in entries]
        for pair in runs:
            pair[1] = pair[1].with_text(pair[1].text.strip(" ."))
        edges = [max(c["x1"] for c in page[0]) for _, page, _ in entries if page[0]]
        aligned = bool(edges) and max(edges) - min(edges) < 1.5 * glyph_size(rows[i][0])
        if len(entries) < 3 or not leadered and not (
                len(entries) >= 4 and aligned and _page_order([p.text for _, p in runs])):
            i = i + 1 if j == i else j
            continue
        glyphs = [c for _, _, whole in entries for r in whole for c in r
                  if not c["text"].isspace()]
        box = (min(c["x0"] for c in glyphs), min(c["top"] for c in glyphs),
               max(c["x1"] for c in glyphs), max(c["bottom"] for c in glyphs))
        used = {id(c) for _, _, whole in entries for r in whole for c in r}
        out.append(FoundTable(box, [[r.text for r in pair] for pair in runs], [], None, used,
                              runs))
        i = j
    return out
