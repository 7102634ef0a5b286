"""Glyphs into rows: overprints dropped, characters clustered by baseline.

Raised and lowered small characters (footnote markers, indices) sit off their
line's baseline and are clustered back onto it, so that a row is one visual line
of one column or of the whole page (the gutter splits it later).
"""

from __future__ import annotations

from collections import defaultdict

from .geometry import glyph_size

#: How far (em of its line) a short raised marker may stick out above its line's top.
MARKER_RISE_EM = 0.4


def dedupe(chars: list[dict]) -> list[dict]:
    """Drop fake-bold overprints: the same glyph drawn again a fraction of a point away.

    A tenth of an em is less than any glyph's advance, so a real double letter
    ("лл", "...") is never taken for an overprint.
    """
    out: list[dict] = []
    seen: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for c in chars:
        near = 0.1 * glyph_size(c)
        key = (c["text"], round(c["top"]))
        twins = [d for k in (-1, 0, 1) for d in seen.get((c["text"], key[1] + k), ())]
        if any(abs(d["x0"] - c["x0"]) < near and abs(d["top"] - c["top"]) < near
               for d in twins):
            continue
        seen[key].append(c)
        out.append(c)
    return out


def rows(chars: list[dict]) -> list[list[dict]]:
    """Characters clustered by baseline, each row left to right, rows top to bottom.

    Raised and lowered small characters (footnote markers, indices) sit off the
    baseline; ``_attach_raised`` puts them back on their line.
    """
    found: list[list[dict]] = []
    anchors: list[tuple[float, float]] = []  # bottom and size of each row's first char
    for c in sorted(chars, key=lambda c: (c["bottom"], c["x0"])):
        size = glyph_size(c)
        for k in range(len(found) - 1, max(-1, len(found) - 5), -1):
            bottom, row_size = anchors[k]
            if abs(bottom - c["bottom"]) <= max(1.0, 0.3 * min(size, row_size)):
                found[k].append(c)
                break
        else:
            found.append([c])
            anchors.append((c["bottom"], size))
    found = _attach_raised(found)
    for row in found:
        row.sort(key=lambda c: c["x0"])
    return found


def _attach_raised(rows: list[list[dict]]) -> list[list[dict]]:
    """Merge each row of small characters into the larger row that contains it vertically.

    Of the rows that could hold it, the one with text nearest in x wins: in two
    columns, the row of the other column may be as close vertically. A marker of
    a glyph or three (a footnote's own number, "∗") may stick out above its line's
    top by up to ``MARKER_RISE_EM``: it is still that line's.
    """
    size = [max(glyph_size(c) for c in row) for row in rows]
    top = [min(c["top"] for c in row) for row in rows]
    bottom = [max(c["bottom"] for c in row) for row in rows]
    host = list(range(len(rows)))
    for i, row in enumerate(rows):
        rise = MARKER_RISE_EM if len(row) <= 3 else 0.0
        candidates = [
            j for j in range(max(0, i - 3), min(len(rows), i + 4))
            if size[i] < 0.8 * size[j] and top[j] - 1 - rise * size[j] <= top[i]
            and top[j] < bottom[i] <= bottom[j] + 1
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
