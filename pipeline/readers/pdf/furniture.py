"""Page furniture: running heads, running feet and page numbers, which are not the text.

A candidate is the outermost row at the top or bottom of a page, set apart from
the text; it goes if it is a page number, recurs on other pages or (at the top)
is set smaller or in italic (``furniture``).
"""

from __future__ import annotations

import re
from collections import Counter

from .geometry import Page, PageLine

_PAGE_NUMBER = re.compile(r"[\W\d]*\d+[\W\d]*|[ivxlc]+", re.IGNORECASE)


def _norm(text: str) -> str:
    """A line as a running head or foot recurs: page numbers, Arabic or Roman at either
    end ("… All rights reserved. xi"), are not part of it.

    >>> _norm("© Copyright IBM Corp. 2014. All rights reserved. xi")
    '© copyright ibm corp. #. all rights reserved. #'
    """
    text = re.sub(r"\d+", "#", " ".join(text.lower().split()))
    return re.sub(r"^[ivxlc]+\b|\b[ivxlc]+$", "#", text)


def _edge_rows(page: Page) -> list[list[PageLine]]:
    """The topmost and bottommost row of a page, each with the white that sets it apart."""
    if len(page.lines) < 2:
        return []
    top = min(ln.top for ln in page.lines)
    bottom = max(ln.bottom for ln in page.lines)
    head = [ln for ln in page.lines if ln.top <= top + 2]
    foot = [ln for ln in page.lines if ln.bottom >= bottom - 2]
    return [head, foot]


def furniture(pages: list[Page], body_size: float) -> set[int]:
    """ids of the lines that are running heads, running feet or page numbers.

    A candidate is the outermost row at the top or bottom of a page, inside the
    outer eighth of the page and set apart from the text below or above it by
    more white than a line of body text leaves. It goes if it is a page number,
    if its text (digits aside) recurs on another page, or, at the top, if it is
    set smaller or in italic: a running head printed on one page only (a two-page
    article's first page has none), or if a number at its end or start keeps the
    same distance from the page's place as such a number on another page does
    (a running foot naming its chapter, then the folio). A footnote at the foot of a page is smaller
    too, so size alone does not decide there.
    """
    candidates: list[tuple[PageLine, bool, int]] = []  # (line, at the top, page)
    for page in pages:
        for at_top, row in zip((True, False), _edge_rows(page), strict=False):
            ids = {id(ln) for ln in row}
            rest = [ln for ln in page.lines if id(ln) not in ids]
            if not rest:
                continue
            if at_top:
                inside = max(ln.bottom for ln in row) < 0.125 * page.height
                white = min(ln.top for ln in rest) - max(ln.bottom for ln in row)
            else:
                inside = min(ln.top for ln in row) > 0.875 * page.height
                white = min(ln.top for ln in row) - max(ln.bottom for ln in rest)
            if inside and white > 0.8 * body_size:
                candidates.extend((ln, at_top, page.number) for ln in row)
    seen = Counter(_norm(ln.text) for ln, _, _ in candidates)
    folios = Counter(_folio_offset(ln.text, n) for ln, _, n in candidates)
    drop = set()
    for ln, at_top, n in candidates:
        text = ln.text.strip()
        styled = ln.size < body_size - 0.5 or all(r.italic for r in ln.runs if r.text.strip())
        offset = _folio_offset(text, n)
        if (_PAGE_NUMBER.fullmatch(text) or seen[_norm(text)] >= 2 or at_top and styled
                or offset is not None and folios[offset] >= 2):
            drop.add(id(ln))
    return drop


_EDGE_NUMBER = re.compile(r"^(\d{1,4})\s|\s(\d{1,4})$")


def _folio_offset(text: str, page: int) -> int | None:
    """The printed page number at either end of a line, less the page's place in the file.

    A running foot names its chapter and ends with the folio ("Chapter 2. Roles
    and separation of duties 11"): its text changes from chapter to chapter, but
    the folio keeps one distance from the page's place on every page it is on.

    >>> _folio_offset("Chapter 2. Roles and duties 11", 9), _folio_offset("no number", 9)
    (2, None)
    """
    m = _EDGE_NUMBER.search(text.strip())
    return None if m is None else int(m.group(1) or m.group(2)) - page
