"""Figures, tables and display formulas in the reader's flow, with their captions.

Per page (``page_objects``), before the text is made into lines: ruled tables
(``tables.ruled_tables``) and figures (``figures.figure_regions``) are found
from the page's drawing objects, and their glyphs are taken out of the rows the
body is made from; then, once the page's gutters are known, unruled tables
(``tables.unruled_tables``) are looked for in each column. Each object waits as
a placeholder line (``ObjectLine``) at its place on the page, so the reading
order (columns, full-width rows) puts it where it stands. Display formulas are
found in each flow's lines (``equations.find_displays``).

When the flow becomes model lines (``expand``), each placeholder becomes its
object's one line (``Line.role`` "figure", "table" or "equation", with its
``Visual``), and a caption just below or above it ("Сүрөт 1.", "Рис. 2",
"Table 3:") becomes one ``Line(role="caption")`` beside it, so that a caption
is never glued to the paragraph next to it and sits next to its object in
reading order (the segmenter links the two).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from ...model import Line, Run, Visual
from .equations import find_displays
from .figures import figure_regions, pixels, take_words
from .geometry import PageLine
from .layout import column_label, find_columns, page_lines, page_rows
from .tables import contents_tables, ruled_tables, unruled_tables
from .words import make_line

#: A caption's first words: the object's name and number.
#: A sentence that names a figure ("Figure 3-5 shows …") goes on in lower case; a
#: caption goes on after a stop, a colon or a dash, or with a capital.
CAPTION = re.compile(
    r"^\s*(Сүрөт|СҮРӨТ|Сурет|Рисунок|РИСУНОК|Рис\.|Figure|FIGURE|Fig\.|Таблица|ТАБЛИЦА|"
    r"Табл\.|Жадыбал|Table|TABLE)\s*(\d+(?:[.-]\d+)*[a-z]?|[IVXL]+\b)"
    r"\s*(?:[.:–—-](?!\d)|$|(?=[A-ZА-ЯЁӨҮҢ\d\"«(]))")
#: A caption spans at most this many lines.
CAPTION_LINES = 6


@dataclass
class PageObject:
    """A figure, table or formula found on a page: its kind, box and model line."""

    kind: str
    box: tuple[float, float, float, float]
    line: Line


class ObjectLine(PageLine):
    """A placeholder in a page's lines where an object stands (its box, no text)."""

    __slots__ = ("obj",)

    def __init__(self, obj: PageObject, column: str, size: float) -> None:
        x0, top, x1, bottom = obj.box
        super().__init__([Run("")], x0, x1, top, bottom, size, column, x0)
        self.obj = obj


def asset_name(page: int, kind: str, k: int) -> str:
    """An object's image file, relative to the article's build folder.

    >>> asset_name(3, "figure", 2)
    'assets/p3-figure2.png'
    """
    return f"assets/p{page}-{kind}{k}.png"


def _region(page: int, box) -> list[float]:
    return [page] + [round(float(v), 2) for v in box]


def _visual(page: int, kind: str, k: int, box, image: bool = True) -> Visual:
    return Visual(image=asset_name(page, kind, k) if image else None,
                  pixels=pixels(box) if image else None, region=_region(page, box))


def _without(rows: list[list[dict]], used: set[int]) -> list[list[dict]]:
    out = []
    for row in rows:
        kept = [c for c in row if id(c) not in used]
        if any(not c["text"].isspace() for c in kept):
            out.append(kept)
    return out


def _table_line(t, page: int, k: int) -> Line:
    runs = [r for row in t.runs for r in row]
    return Line(runs=runs, page=page, para_hint=True, x0=round(t.box[0], 1),
                top=round(t.box[1], 1), role="table", cells=[list(r) for r in t.cells],
                header_rows=t.header_rows,
                visual=Visual(region=_region(page, t.box), merges=t.merges or None))


def _figure_line(rows: list[list[dict]], box, page: int, k: int) -> Line:
    runs: list[Run] = []
    for row in rows:
        if any(not c["text"].isspace() for c in row):
            if runs:
                runs.append(Run(" "))
            runs.extend(r for r in make_line(row, "full").runs)
    return Line(runs=runs, page=page, para_hint=True, x0=round(box[0], 1),
                top=round(box[1], 1), role="figure", visual=_visual(page, "figure", k, box))


class FoundObjects(dict):
    """The objects found on each page (page number → its objects), and the pages where
    looking for them failed (``notes``, for the extraction's notes): a damaged
    drawing costs that page its objects, never its text."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def drop_recurring(self, heights: dict[int, float]) -> None:
        """Leave out the figures in a page's head or foot (``MARGIN``) that stand at one
        place on many pages (``RECURRING``): a journal's logo or banner drawn on every
        page is the page's furniture, not a figure of the article. (Figures of the
        text at one place page after page stay: they are not in the margins.)"""
        def key(obj: PageObject) -> tuple[int, ...]:
            return tuple(round(v / 3) for v in obj.box)

        def margin(obj: PageObject, number: int) -> bool:
            height = heights.get(number, 0.0)
            return obj.box[3] < MARGIN * height or obj.box[1] > (1 - MARGIN) * height

        seen = Counter(key(o) for found in self.values() for o in set_of(found))
        least = max(3, RECURRING * len(heights))
        dropped = 0
        for number in list(self):
            kept = [o for o in self[number] if o.kind != "figure" or seen[key(o)] < least
                    or not margin(o, number)]
            dropped += len(self[number]) - len(kept)
            if kept:
                self[number] = kept
            else:
                del self[number]
        if dropped:
            self.notes.append(f"{dropped} pictures repeated at one place on many pages "
                              "(a logo, a banner) left out as page furniture")


def set_of(found: list[PageObject]) -> list[PageObject]:
    """A page's figures, one per place (two copies at one place count once)."""
    out: dict[tuple[int, ...], PageObject] = {}
    for o in found:
        if o.kind == "figure":
            out.setdefault(tuple(round(v / 3) for v in o.box), o)
    return list(out.values())


#: A figure in a page's head or foot (this share of its height) at the same place on
#: this share of the pages (and on three at least) is page furniture.
RECURRING, MARGIN = 0.3, 0.15


def _drawn_objects(page, chars: list[dict], rows: list[list[dict]], width: float, number: int
                   ) -> tuple[list[list[dict]], list[PageObject]]:
    """The page's ruled tables and figures, and its rows without their glyphs."""
    objects: list[PageObject] = []
    pictures = [(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"]))
                for i in page.images]
    tables = ruled_tables(page, rows, chars, pictures)
    regions = figure_regions(page, rows, [t.box for t in tables],
                             lambda: [x for x, _ in find_columns(rows, width)])
    words, used, grown = take_words(regions, rows, CAPTION)
    for t in tables:
        used |= t.used
    for k, t in enumerate(tables, 1):
        objects.append(PageObject("table", t.box, _table_line(t, number, k)))
    for k, (taken, box) in enumerate(zip(words, grown, strict=True), 1):
        objects.append(PageObject("figure", box, _figure_line(taken, box, number, k)))
    return (_without(rows, used) if used else rows), objects


def page_objects(page, chars: list[dict], width: float, number: int,
                 notes: list[str] | None = None
                 ) -> tuple[list[PageLine], list[float], list[PageObject]]:
    """A page's lines and gutters (as ``layout.page_lines``) with its tables and figures
    taken out of them, and those objects. Where looking for them fails on a damaged
    page, the page is read as text only and ``notes`` says so."""
    rows = page_rows(chars)
    objects: list[PageObject] = []
    if page.images or page.rects or page.curves or page.lines:
        try:
            rows, objects = _drawn_objects(page, chars, rows, width, number)
        except Exception as exc:  # geometry of a damaged page: its text is still read
            if notes is not None:
                notes.append(f"page {number}: figures and tables not looked for "
                             f"({type(exc).__name__})")
    try:
        contents = contents_tables(rows)
    except Exception as exc:  # as above: text only
        contents = []
        if notes is not None:
            notes.append(f"page {number}: contents not looked for ({type(exc).__name__})")
    if contents:
        rows = _without(rows, set().union(*(t.used for t in contents)))
    lines, gutters = page_lines(chars, width, rows)
    try:
        unruled = contents + unruled_tables(rows, gutters, width, CAPTION)
    except Exception as exc:  # as above: text only
        unruled = contents
        if notes is not None:
            notes.append(f"page {number}: unruled tables not looked for ({type(exc).__name__})")
    if unruled:
        used = set().union(*(t.used for t in unruled))
        lines, gutters = page_lines(chars, width, _without(rows, used))
        first = sum(1 for o in objects if o.kind == "table") + 1
        for k, t in enumerate(unruled, first):
            objects.append(PageObject("table", t.box, _table_line(t, number, k)))
    return lines, gutters, objects


def place_objects(lines: list[PageLine], objects: list[PageObject], gutters: list[float],
                  size: float) -> list[PageLine]:
    """The page's lines with a placeholder for each object at its place: in the column
    it fits in, or across the page ("full") when it crosses a gutter."""
    if not objects:
        return lines
    out = list(lines)
    for obj in objects:
        x0, _, x1, _ = obj.box
        if gutters and all(x1 <= g or x0 >= g for g in gutters):
            column = column_label(bisect_right(gutters, x0), len(gutters) + 1)
        else:
            column = "full"
        out.append(ObjectLine(obj, column, size))
    out.sort(key=lambda ln: (round(ln.top), ln.x0))
    return out


def mark_displays(flow: list[PageLine], left: float, width: float, page: int,
                  counter: list[int]) -> list[PageLine]:
    """A flow with its display formulas' lines replaced by placeholders.

    ``counter`` numbers the page's formulas (their image names), across flows.
    """
    displays = find_displays(flow, left, width)
    if not displays:
        return flow
    out: list[PageLine] = []
    i = 0
    for d in displays:
        if d.start < i:  # overlapping another formula: its lines are taken already
            continue
        out.extend(flow[i:d.start])
        part = flow[d.start:d.end]
        counter[0] += 1
        box = (min(ln.x0 for ln in part), min(ln.top for ln in part),
               max(ln.x1 for ln in part), max(ln.bottom for ln in part))
        if d.label is not None:
            box = _without_number(box, part, left, width, d.label)
        size = max(ln.size for ln in part)
        box = (box[0] - 0.2 * size, box[1] - 0.2 * size, box[2] + 0.2 * size,
               box[3] + 0.2 * size)
        line = Line(runs=[Run(d.text, part[0].runs[0].font if part[0].runs else None,
                              size, math=True)],
                    page=page, para_hint=True, x0=round(box[0], 1), top=round(box[1], 1),
                    size=size, role="equation", label=d.label,
                    visual=_visual(page, "equation", counter[0], box))
        out.append(ObjectLine(PageObject("equation", box, line), part[0].column, size))
        i = d.end
    out.extend(flow[i:])
    return out


def _without_number(box, part: list[PageLine], left: float, width: float, label: str):
    """A numbered formula's box without its number: a display is centred in its
    column, so it ends as far from the right edge as it starts from the left; the
    number's own width bounds it otherwise."""
    size = max(ln.size for ln in part)
    centre = left + width / 2
    right = max(2 * centre - box[0], box[0] + size)
    right = min(right, box[2] - (0.55 * len(label) + 1.0) * size)
    return (box[0], box[1], max(right, box[0] + size), box[3])


def expand(flow: list[PageLine], lines: list[Line]) -> list[Line]:
    """Model lines with each placeholder's object put in, and captions beside objects
    made one caption line each."""
    if not any(isinstance(ln, ObjectLine) for ln in flow):
        return lines
    out = [ln.obj.line if isinstance(ln, ObjectLine) else model
           for ln, model in zip(flow, lines, strict=True)]
    return captions(out)


def _caption_line(lines: list[Line]) -> Line:
    """Lines of a caption as one line: a word broken at a line's end is put together."""
    runs: list[Run] = []
    for ln in lines:
        more = [r.with_text(r.text) for r in ln.runs]
        if runs and more:
            if (re.search(r"[^\W\d_]-$", runs[-1].text.rstrip())
                    and re.match(r"[^\W\d_]", more[0].text.lstrip()[:1] or " ")
                    and more[0].text.lstrip()[:1].islower()):
                runs[-1].text = runs[-1].text.rstrip()[:-1]
                more[0].text = more[0].text.lstrip()
            else:
                runs.append(Run(" "))
        runs.extend(more)
    first = lines[0]
    return Line(runs=runs, page=first.page, fill=first.fill, para_hint=True,
                page_break=first.page_break, x0=first.x0, top=first.top, size=first.size,
                role="caption")


def _free(line: Line) -> bool:
    return line.role is None


#: The names a table's caption opens with; every other caption name is a figure's.
TABLE_NAMES = ("Таблица", "ТАБЛИЦА", "Табл.", "Жадыбал", "Table", "TABLE")


def _captions_kind(line: Line, kind: str) -> bool:
    """Whether a free line opens a caption of this kind of object ("Таблица 2" a table's,
    "Сүрөт 1" a figure's): a table's caption right below a figure is the next table's."""
    m = CAPTION.match(line.text) if _free(line) else None
    return m is not None and (m.group(1) in TABLE_NAMES) == (kind == "table")


def _captioned(lines: list[Line], i: int) -> bool:
    """Whether object ``lines[i]`` has its caption already (this is a second look, across
    a page's flows): one below it, or one above it that no object before it owns."""
    if i + 1 < len(lines) and lines[i + 1].role == "caption":
        return True
    return i >= 1 and lines[i - 1].role == "caption" and (
        i < 2 or lines[i - 2].role not in ("figure", "table"))


def captions(lines: list[Line]) -> list[Line]:
    """Each object's caption, beside it, as one caption line.

    A table's caption is looked for above it first, a figure's below it first. One
    below starts on the line after the object and goes on until a line opens a new
    paragraph; one above is the paragraph right before the object (no longer than
    ``CAPTION_LINES``). Either opens with its kind's name and number.
    """
    out = list(lines)
    i = 0
    while i < len(out):
        kind = out[i].role
        if kind not in ("figure", "table") or _captioned(out, i):
            i += 1
            continue
        start = i - 1
        while start >= 0 and _free(out[start]) and not out[start].para_hint and i - start < (
                CAPTION_LINES):
            start -= 1
        above = start >= 0 and _captions_kind(out[start], kind)
        below = i + 1 < len(out) and _captions_kind(out[i + 1], kind)
        if below and not (above and kind == "table"):
            end = i + 2
            while (end < len(out) and _free(out[end]) and not out[end].para_hint
                   and end - i - 1 < CAPTION_LINES):
                end += 1
            out[i + 1:end] = [_caption_line(out[i + 1:end])]
            i += 2
        elif above:
            out[start:i] = [_caption_line(out[start:i])]
            i = start + 2
        else:
            i += 1
    return out


def object_counts(lines: list[Line]) -> str:
    """What the reader found besides text, for the extraction's notes.

    >>> object_counts([Line([], role="figure"), Line([], role="table")])
    '; 1 figures, 1 tables, 0 display formulas'
    """
    n = {k: sum(1 for ln in lines if ln.role == k) for k in ("figure", "table", "equation")}
    return f"; {n['figure']} figures, {n['table']} tables, {n['equation']} display formulas"
