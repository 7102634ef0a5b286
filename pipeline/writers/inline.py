"""Inline text as a tree, for every writer that nests elements (EPUB, JATS, HTML).

A block's text is cut at every span boundary into segments, each with the stack
of wrappers (outermost first) that cover it; ``nest`` turns that list into a tree,
so properly nested spans give properly nested elements and crossing spans are cut
where they cross. Each writer then maps the tree to its own elements.
"""

from __future__ import annotations

from typing import Any


def nest(segments: list[tuple[str, list[Any]]]) -> list[Any]:
    """Segments as a tree: a text is a str, a wrapper is (wrapper, children).
    Consecutive segments that share their outermost wrapper share one node.

    >>> nest([("a", []), ("b", [("italic", "", 0)]), ("c", [("italic", "", 0)])])
    ['a', (('italic', '', 0), ['b', 'c'])]
    """
    out: list[Any] = []
    i = 0
    while i < len(segments):
        text, stack = segments[i]
        if not stack:
            out.append(text)
            i += 1
            continue
        head = stack[0]
        group = []
        while i < len(segments) and segments[i][1] and segments[i][1][0] == head:
            group.append((segments[i][0], segments[i][1][1:]))
            i += 1
        out.append((head, nest(group)))
    return out
