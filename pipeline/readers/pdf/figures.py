"""Figures on a PDF page: the regions of embedded images and of vector drawings.

A figure is an image drawn on the page (pdfplumber's ``page.images``) or a
cluster of vector shapes (rects, curves and lines set close together) at least
``MIN_FIGURE_PT`` wide and tall. What is not a figure: a page-sized image or
shape behind everything (a scan, a background), a lone rule or a few rules in a
row (a table's, a footnote's separator, an underline), a frame or shading round
a block of text. A region with rows of prose in it is text in a box, whatever
draws it: a figure's own words are labels.

The glyphs inside a figure's region are its words, kept out of the body flow;
so are short rows hugging its edge (an axis's tick labels), except a caption.
Nothing is rendered here: the region and the pixel size it will have at
``DPI`` are all the reader records (``pixels``); the assets stage renders it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .geometry import glyph_size

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

#: A figure is at least this wide and tall (pt): smaller images are bullets or logos.
MIN_FIGURE_PT = 24.0
#: An image or shape covering this share of the page is its background or its scan.
BACKGROUND_SHARE = 0.85
#: Shapes nearer each other than this (pt) belong to one drawing.
JOIN_PT = 6.0
#: Rows of prose (this many characters in a row inside the region) that make a box of text.
PROSE_ROW_CHARS = 40
PROSE_ROWS = 3
#: Images are rendered at this resolution; their pixel size is known at extraction.
DPI = 300
#: No side of a rendered image is longer than this (a poster-sized page is scaled down).
MAX_PIXELS = 6000


def pixels(box: Box) -> list[int]:
    """The pixel size of a region rendered at ``DPI`` (capped at ``MAX_PIXELS`` a side).

    The assets stage renders exactly this size, so ``document.json`` can carry it.

    >>> pixels((0, 0, 72, 36))
    [300, 150]
    """
    w, h = max(box[2] - box[0], 1.0), max(box[3] - box[1], 1.0)
    scale = min(DPI / 72, MAX_PIXELS / max(w, h))
    return [max(1, round(w * scale)), max(1, round(h * scale))]


def _clip(box: Box, width: float, height: float) -> Box:
    return (max(0.0, box[0]), max(0.0, box[1]), min(width, box[2]), min(height, box[3]))


def _big(box: Box) -> bool:
    return box[2] - box[0] >= MIN_FIGURE_PT and box[3] - box[1] >= MIN_FIGURE_PT


def _near(a: Box, b: Box, pad: float) -> bool:
    return (a[0] - pad <= b[2] and b[0] - pad <= a[2]
            and a[1] - pad <= b[3] and b[1] - pad <= a[3])


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _inside(box: Box, outer: Box, pad: float = 2.0) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] - pad <= x <= outer[2] + pad and outer[1] - pad <= y <= outer[3] + pad


def cluster(shapes: list[tuple[Box, str]]) -> list[tuple[Box, list[str]]]:
    """Shapes joined into drawings: each one's box and the kinds of shape in it.

    Boxes within ``JOIN_PT`` of each other become one, until none are: each pass
    sweeps the boxes left to right, comparing a box only with those whose right
    edge it is near, so a scatter plot's thousands of dots cost passes of about
    dots × neighbours, not dots squared.

    >>> [b for b, _ in cluster([((0, 0, 10, 10), "rect"), ((12, 0, 30, 10), "curve"),
    ...                         ((100, 100, 110, 110), "rect")])]
    [(0, 0, 30, 10), (100, 100, 110, 110)]
    """
    items = [(box, [kind]) for box, kind in shapes]
    changed = True
    while changed:
        changed = False
        items.sort(key=lambda it: it[0][0])
        out: list[tuple[Box, list[str]]] = []
        active: list[int] = []
        for box, kinds in items:
            active = [a for a in active if out[a][0][2] + JOIN_PT >= box[0]]
            hit = next((a for a in active if _near(out[a][0], box, JOIN_PT)), None)
            if hit is None:
                out.append((box, kinds))
                active.append(len(out) - 1)
            else:
                out[hit] = (_union(out[hit][0], box), out[hit][1] + kinds)
                changed = True
        items = out
    return sorted(items, key=lambda it: (it[0][1], it[0][0]))


def _thin(box: Box) -> bool:
    return box[2] - box[0] < 2 or box[3] - box[1] < 2


def _shapes(page, tables: list[Box]) -> list[tuple[Box, str]]:
    """The page's vector shapes that may be part of a drawing (not a table's rules)."""
    area = float(page.width) * float(page.height)
    out = []
    for kind, objs in (("rect", page.rects), ("curve", page.curves), ("line", page.lines)):
        for o in objs:
            box = (float(o["x0"]), float(o["top"]), float(o["x1"]), float(o["bottom"]))
            if (box[2] - box[0]) * (box[3] - box[1]) >= BACKGROUND_SHARE * area:
                continue
            if any(_inside(box, t) for t in tables):
                continue
            out.append((box, "rule" if kind != "curve" and _thin(box) else kind))
    return out


def _drawing(kinds: list[str]) -> bool:
    """Whether a cluster's shapes draw something: not rules alone, not a lone frame."""
    if all(k == "rule" for k in kinds):
        return False
    return not (len(kinds) <= 4 and all(k in ("rect", "rule") for k in kinds))


def _prose_rows(box: Box, rows: list[list[dict]]) -> int:
    """How many rows of prose lie inside a region (lines of text, not labels)."""
    n = 0
    for row in rows:
        if row[0]["top"] > box[3] or row[0]["bottom"] < box[1]:
            continue
        inside = [c for c in row if _inside((c["x0"], c["top"], c["x1"], c["bottom"]), box, 0)]
        n += len(inside) >= PROSE_ROW_CHARS
    return n


def _regions(atoms: list[tuple[Box, str]], area: float) -> list[Box]:
    """Images and drawings (clusters of shapes that draw something), touching ones
    made one region."""
    found = [b for b, k in atoms if k == "image" and _big(b) and _area(b) < BACKGROUND_SHARE * area]
    shapes = [(b, k) for b, k in atoms if k != "image"]
    found += [b for b, kinds in cluster(shapes) if _big(b) and _drawing(kinds)]
    return [b for b, _ in cluster([(b, "figure") for b in found])] if found else []


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def figure_regions(page, rows: list[list[dict]], tables: list[Box],
                   gutters: Callable[[], list[float]] = list) -> list[Box]:
    """The regions of the page's figures, top to bottom.

    Images and drawings that touch are one figure (a photo in a drawn frame, a
    chart's bitmap with vector labels); a region with rows of prose in it is a
    box of text and no figure. A region that reaches across a gutter over a
    column's prose is two figures side by side, one in each column, bridged by
    an image's unclipped box or a stray shape: each column's part is tried alone
    (``gutters`` gives the page's gutters, found only for such a region).
    """
    width, height = float(page.width), float(page.height)
    area = width * height
    atoms: list[tuple[Box, str]] = [
        (_clip((float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])),
               width, height), "image") for im in page.images]
    if len(page.rects) + len(page.curves) + len(page.lines):
        atoms += _shapes(page, tables)
    out: list[Box] = []
    edges: list[float] = []
    for region in _regions(atoms, area):
        if any(_inside(region, t) for t in tables):
            continue
        if _prose_rows(region, rows) < PROSE_ROWS:
            out.append(region)
            continue
        edges = edges or [0.0, *gutters(), width]
        for lo, hi in zip(edges, edges[1:], strict=False):
            side = [(b, k) for b, k in atoms if _inside(b, region, 0)
                    and lo <= (b[0] + b[2]) / 2 < hi]
            for part in _regions(side, area):
                part = (max(part[0], lo), part[1], min(part[2], hi), part[3])
                if _big(part) and _prose_rows(part, rows) < PROSE_ROWS:
                    out.append(part)
    return sorted(out, key=lambda b: (b[1], b[0]))


def _row_words(row: list[dict]) -> list[list[dict]]:
    """A row's glyphs in words: cut at spaces and at gaps wider than a fifth of the size.

    >>> g = [dict(text=t, x0=x, x1=x + 4, size=8.0) for t, x in (("a", 0), ("b", 4), (" ", 8),
    ...                                                       ("c", 12))]
    >>> [[c["text"] for c in w] for w in _row_words(g)]
    [['a', 'b'], ['c']]
    """
    words: list[list[dict]] = []
    last = None
    for c in row:
        if c["text"].isspace():
            last = None
            continue
        if last is not None and c["x0"] - last["x1"] <= 0.2 * glyph_size(c):
            words[-1].append(c)
        else:
            words.append([c])
        last = c
    return words


def take_words(regions: list[Box], rows: list[list[dict]], caption: re.Pattern[str]
               ) -> tuple[list[list[list[dict]]], set[int], list[Box]]:
    """Each region's rows of glyphs (its labels), the ids of the glyphs taken, and the
    regions grown to hold them.

    A glyph whose centre lies in a region is the figure's. So is a short row hugging
    the region's top or bottom edge (nearer than half its size) that lies within
    its width, unless it opens a caption. A caption drawn inside the region (a
    frame round figure and caption) stays text, and the region ends before it.
    """
    regions = list(regions)
    for row in rows:
        text = "".join(c["text"] for c in row)
        if not caption.match(text):
            continue
        top, bottom = min(c["top"] for c in row), max(c["bottom"] for c in row)
        for k, box in enumerate(regions):
            if box[1] < top and bottom < box[3] and box[0] - 2 <= row[0]["x0"] <= box[2]:
                if (top + bottom) / 2 > (box[1] + box[3]) / 2:
                    regions[k] = (box[0], box[1], box[2], top - 1)
                else:
                    regions[k] = (box[0], bottom + 1, box[2], box[3])
    taken: list[list[list[dict]]] = [[] for _ in regions]
    used: set[int] = set()
    grown = list(regions)
    for row in rows:
        top, bottom = min(c["top"] for c in row), max(c["bottom"] for c in row)
        for k, box in enumerate(regions):
            if bottom < box[1] - glyph_size(row[0]) or top > box[3] + glyph_size(row[0]):
                continue
            # Word by word: a word across the region's edge goes whole to the side that
            # holds most of it (redp's cover had "ow permissions" in the figure and
            # "Leverage r" left in the text).
            inside = [c for word in _row_words(row) if 2 * sum(
                _inside((g["x0"], g["top"], g["x1"], g["bottom"]), box, 1.0) for g in word)
                > len(word) for c in word]
            if not inside:
                x0, x1 = row[0]["x0"], max(c["x1"] for c in row)
                gap = max(box[1] - bottom, top - box[3])
                text = "".join(c["text"] for c in row)
                if (0 <= gap < 0.5 * glyph_size(row[0]) and box[0] - 2 <= x0
                        and x1 <= box[2] + 2 and not caption.match(text)):
                    inside = row
            if inside:
                taken[k].append(inside)
                used.update(id(c) for c in inside)
                for c in inside:
                    grown[k] = _union(grown[k], (c["x0"], c["top"], c["x1"], c["bottom"]))
                break
    return taken, used, grown
