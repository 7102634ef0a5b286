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
    only a footnote keeps; ``marks`` are the raised markers dropped from the
    line's text (note references: the evidence that a note below is one).
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
    """A glyph's font size, or its box's height when the PDF gives none."""
    return c.get("size") or (c["bottom"] - c["top"])


def has_ink(chars: list[dict]) -> bool:
    """Whether any glyph of ``chars`` prints something (is not a space)."""
    return any(not c["text"].isspace() for c in chars)
