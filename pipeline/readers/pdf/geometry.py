"""Where things are on a page: the records the PDF reader's steps pass on, glyph measures.

A glyph is pdfplumber's character dict (``text``, ``x0``, ``x1``, ``top``,
``bottom``, ``size``, ``fontname``); a ``PageLine`` is a row of them turned into
runs of text with a bounding box, light enough to keep for every line of a long
PDF while the document-wide measures (body size, column widths) are taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Run


@dataclass
class Page:
    """A page's lines in reading position, and the xs of its gutters, left to right."""

    number: int
    width: float
    height: float
    lines: list[PageLine]
    gutters: list[float] = field(default_factory=list)


@dataclass(slots=True)  # slots: a long PDF has tens of thousands of them
class PageLine:
    """A line of a page (of one column of it) while the PDF is being read.

    ``text_x0`` is where the text starts after a list marker: a hanging indent
    continues there. ``note_mark`` is a raised number opening the line, which
    only a footnote keeps; ``marks`` are the raised markers in the line's text
    (note references, each a run of its own: the evidence that a note below is one).
    """

    runs: list[Run]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    column: str  # "full", or the place among the page's columns: "1/2", "3/3" (layout)
    text_x0: float
    note_mark: str = ""
    marks: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def glyph_size(c: dict) -> float:
    """A glyph's font size, or its box's height when the PDF gives none.

    Kept in the glyph (``"gs"``): the reader's steps ask for it about ten times
    per glyph.
    """
    try:
        return c["gs"]
    except KeyError:
        size = c["gs"] = c.get("size") or (c["bottom"] - c["top"])
        return size


def baseline(c: dict) -> float:
    """A glyph's baseline (top-down page coordinates), kept in the glyph (``"bl"``).

    pdfplumber's box is the font's: its bottom is the baseline plus the font's
    descent, which differs between fonts (a blackboard-bold R sits 2 pt higher
    than the text around it). The text matrix places the baseline itself; a glyph
    without one (or a rotated one) is measured by its bottom.
    """
    try:
        return c["bl"]
    except KeyError:
        pass
    m = c.get("matrix")
    at = c["bottom"]
    if m is not None and "y0" in c:
        drop = c["y0"] - m[5]
        if abs(drop) <= glyph_size(c):
            at += drop
    c["bl"] = at
    return at


def has_ink(chars: list[dict]) -> bool:
    """Whether any glyph of ``chars`` prints something (is not a space)."""
    return any(not c["text"].isspace() for c in chars)


def is_letter(text: str) -> bool:
    """Whether a glyph's text is a letter, counting a code that ``encoding`` decodes later.

    An 8-bit font without a map gives private markers (U+F0000 and up) until every
    page is read and its code page decided, and an unread glyph U+FFFD: those are
    text fonts' letters, which a formula's stretch or a letter-spaced word must see
    as such before they are decoded.

    >>> is_letter("x"), is_letter("\U000f00e0"), is_letter("="), is_letter("")
    (True, True, False, False)
    """
    first = text[:1]
    return first.isalpha() or first >= "\U000f0000" or first == "\ufffd"



def slim_chars(page) -> None:
    """Make ``page``'s characters small dicts of what the reader reads, not pdfplumber's.

    pdfplumber turns every pdfminer object into a dict of all its attributes, each
    resolved and decoded (colours, colour space, marked-content tags): for the
    characters that is a third of extraction's time, spent on keys no step here
    reads. Characters get only their text, font, size, box, matrix and page, the
    keys pdfplumber gives them that the reader's steps use; every other object
    (rects, curves, images, which the figure and table finders read) is pdfplumber's
    own. A document pdfplumber normalises the text of (``unicode_norm``) keeps its way.
    """
    from pdfminer.layout import LTChar

    if getattr(page.pdf, "unicode_norm", None) is not None:
        return
    full = page.process_object
    mb_x0, mb_top = page.mediabox[:2]
    height, doctop, number = page.height, page.initial_doctop, page.page_number

    def process_object(obj):
        if type(obj) is not LTChar or isinstance(obj.fontname, bytes):
            return full(obj)
        y0, y1 = obj.y0, obj.y1
        top = height - y1 + mb_top
        return {"text": obj._text, "fontname": obj.fontname, "size": obj.size,
                "upright": obj.upright, "adv": obj.adv, "matrix": obj.matrix,
                "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "y0": y0, "y1": y1,
                "width": obj.width, "height": obj.height, "top": top,
                "bottom": height - y0 + mb_top, "doctop": doctop + top,
                "object_type": "char", "page_number": number}

    page.process_object = process_object
