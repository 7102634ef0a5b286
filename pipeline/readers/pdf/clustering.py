"""Glyphs into rows: overprints dropped, characters clustered by baseline.

Raised and lowered small characters (footnote markers, indices) sit off their
line's baseline and are clustered back onto it, so that a row is one visual line
of one column or of the whole page (the gutter splits it later).
"""

from __future__ import annotations

from .geometry import baseline, glyph_size
from .words import accent_mark

#: How far (em of its line) a short raised marker may stick out above its line's top.
MARKER_RISE_EM = 0.4
#: How far (em of its line) a subscript's box may hang below its line's box.
LOWER_REACH_EM = 0.45


def dedupe(chars: list[dict]) -> list[dict]:
    """Drop fake-bold overprints: the same glyph drawn again a fraction of a point away.

    A tenth of an em is less than any glyph's advance, so a real double letter
    ("лл", "...") is never taken for an overprint. Glyphs are looked up in cells
    as wide as the largest such distance on the page, so each glyph is compared
    with the few drawn near it, not with every earlier glyph of its letter on its
    line: a line of 20,000 glyphs costs ten times one of 2,000, not a hundred.
    """
    if not chars:
        return []
    # Cells twice the widest reach: a glyph's reach touches at most two in each direction.
    cell = 2 * max(0.1 * glyph_size(c) for c in chars) or 1.0
    out: list[dict] = []
    seen: dict[tuple[str, int, int], list[dict]] = {}
    get = seen.get
    for c in chars:
        near = 0.1 * glyph_size(c)
        text, x, top = c["text"], c["x0"], c["top"]
        r0, r1 = int((top - near) // cell), int((top + near) // cell)
        c0, c1 = int((x - near) // cell), int((x + near) // cell)
        twin = False
        for i in (r0, r1) if r1 != r0 else (r0,):
            for j in (c0, c1) if c1 != c0 else (c0,):
                for d in get((text, i, j), ()):
                    if abs(d["x0"] - x) < near and abs(d["top"] - top) < near:
                        twin = True
        if twin:
            continue
        key = (text, int(top // cell), int(x // cell))
        if key in seen:
            seen[key].append(c)
        else:
            seen[key] = [c]
        out.append(c)
    return out


def rows(chars: list[dict]) -> list[list[dict]]:
    """Characters clustered by baseline, each row left to right, rows top to bottom.

    The baseline is the text matrix's (``geometry.baseline``), not the box's
    bottom: glyphs of fonts with other descents (math symbols) sit on the line.

    Raised and lowered small characters (footnote markers, indices) sit off the
    baseline; ``_attach_raised`` puts them back on their line.
    """
    found: list[list[dict]] = []
    anchors: list[tuple[float, float]] = []  # baseline and size of each row's first char
    for line, _, _, c in sorted((baseline(c), c["x0"], i, c) for i, c in enumerate(chars)):
        size = glyph_size(c)
        for k in range(len(found) - 1, max(-1, len(found) - 5), -1):
            at, row_size = anchors[k]
            if abs(at - line) <= max(1.0, 0.3 * min(size, row_size)):
                found[k].append(c)
                break
        else:
            found.append([c])
            anchors.append((line, size))
    found = _attach_accents(_attach_raised(found))
    # Scripts stacked at one x (TeX's x_i^2) read subscript first.
    return [[c for _, _, _, c in sorted((c["x0"], -baseline(c), i, c) for i, c in enumerate(row))]
            for row in found]


def _attach_raised(rows: list[list[dict]]) -> list[list[dict]]:
    """Merge each row of small characters into the larger row that contains it vertically.

    Of the rows that could hold it, the one with text nearest in x wins: in two
    columns, the row of the other column may be as close vertically. A marker of
    a glyph or three (a footnote's own number, "∗") may stick out above its line's
    top by up to ``MARKER_RISE_EM``: it is still that line's. A subscript starts
    inside its line's box and may hang below it by up to ``LOWER_REACH_EM``.
    """
    size = [max(glyph_size(c) for c in row) for row in rows]
    top = [min(c["top"] for c in row) for row in rows]
    bottom = [max(c["bottom"] for c in row) for row in rows]
    host = list(range(len(rows)))
    for i, row in enumerate(rows):
        rise = MARKER_RISE_EM if len(row) <= 3 else 0.0
        candidates = [
            j for j in range(max(0, i - 3), min(len(rows), i + 4))
            if size[i] < 0.8 * size[j] and (
                top[j] - 1 - rise * size[j] <= top[i] and top[j] < bottom[i] <= bottom[j] + 1
                # a subscript: starts inside the line and hangs below it a little
                or top[j] <= top[i] < bottom[j] - 0.2 * size[j]
                and bottom[j] < bottom[i] <= bottom[j] + LOWER_REACH_EM * size[j])
        ]
        if candidates:
            x = row[0]["x0"]
            host[i] = min(candidates, key=lambda j: min(abs(c["x0"] - x) for c in rows[j]))
    merged: dict[int, list[dict]] = {}
    for i, row in enumerate(rows):
        j = i
        while host[j] != j:
            j = host[j]
        merged.setdefault(j, []).extend(row)
    return [merged[j] for j in sorted(merged)]


def _attach_accents(rows: list[list[dict]]) -> list[list[dict]]:
    """Put accents back on the row whose letters they stand over.

    A formula's accent (``\\hat W``) is a glyph of the text's size raised over its
    letter, by more than a baseline's tolerance over a capital: it joined the row
    above (a fraction's numerator, or a row of accents alone), and the letters
    lost it ("ˆˆˆˆ"). An accent that stands over no glyph of its own row goes to
    the next row below (within an em) when it stands over a glyph there;
    ``words.compose_accents`` then composes it.
    """
    def over(c: dict, row: list[dict]) -> bool:
        x = (c["x0"] + c["x1"]) / 2
        return any(d is not c and d["x0"] - 0.5 <= x <= d["x1"] + 0.5
                   and not accent_mark(d["text"]) for d in row)

    if not any(accent_mark(c["text"]) for row in rows for c in row):
        return rows
    rows = [list(row) for row in rows]
    for i in range(len(rows) - 1):
        below = rows[i + 1]
        size = max(glyph_size(c) for c in below)
        line = min(baseline(c) for c in below)
        moving = [c for c in rows[i] if accent_mark(c["text"]) and not over(c, rows[i])
                  and 0 < line - baseline(c) <= size and over(c, below)]
        if moving:
            ids = {id(c) for c in moving}
            rows[i] = [c for c in rows[i] if id(c) not in ids]
            below.extend(moving)
    return [row for row in rows if row]
