"""Headings: run-in, numbered ("2.1 Methods"), Roman ("IV. RESULTS"), lettered
("B. Route Maintenance"), bold and all-caps lines.

A heading is never smaller than the body text: table headers and figure labels
are often bold and short, and the size tells them apart. A table-of-contents
line ("Introduction ........ 3") is never a heading.
"""

from __future__ import annotations

import re

from ..model import Paragraph, Run
from .references import is_toc_line

NUMBERED_HEADING = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<text>\S.*)$")
ROMAN_HEADING = re.compile(r"^\s*(?P<num>[IVXLC]{1,7})\.\s+(?P<text>\S.*)$")
LETTER_HEADING = re.compile(r"^\s*(?P<num>[A-H])\.\s+(?P<text>[A-Z]\S*(?:\s+\S+){0,9})$")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ENDS_SENTENCE = (".", ",", ";", ":")


def _emphasised(run: Run) -> bool:
    return run.bold or run.font == "alt"


def _size(para: Paragraph) -> float | None:
    sizes = [r.size for r in para.runs if r.size and r.text.strip()]
    return max(sizes) if sizes else None


def smaller_than_body(para: Paragraph, body_size: float | None) -> bool:
    """Whether ``para`` is set smaller than the body: a note, a table or a label."""
    size = _size(para)
    return bool(size and body_size and size < body_size - 0.5)


def run_in_heading(para: Paragraph) -> str | None:
    """The bold phrase ending in a period that opens ``para``, if there is one.

    In a PDF the phrase is bold; in a text dump, the only evidence is a phrase
    set in another font than the body (see ``extract._infer_fonts_from_glyphs``).
    The phrase must be a short sentence (≤ 8 words) followed by more text.
    """
    text = para.text
    m = SENTENCE_END.search(text)
    if not m or m.end() >= len(text.rstrip()):
        return None
    phrase = text[: m.end()]
    if len(phrase.split()) > 8 or not phrase[:1].isupper():
        return None
    emphatic = plain = 0
    pos = 0
    for run in para.runs:
        inside = run.text[: max(0, m.end() - pos)]
        pos += len(run.text)
        if not any(c.isalpha() for c in inside):
            continue
        if _emphasised(run):
            emphatic += 1
        elif run.font == "legacy" or run.font not in (None, "alt"):
            plain += 1  # set in the body font: a dump's ҥ word, or a PDF's regular run
    if emphatic and not plain:
        return phrase[:-1].strip()
    return None


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def all_caps_heading(text: str) -> bool:
    """A short line in capitals made of words ("CONCLUSION", "МАТЕРИАЛЫ И МЕТОДЫ").

    Table cells in capitals ("ZH0 Z0 BS") are mostly codes, not words.

    >>> all_caps_heading("RELATED WORK"), all_caps_heading("ZH0 Z0 BS Z2")
    (True, False)
    """
    words = text.split()
    if not words or len(words) > 10 or text.endswith(_ENDS_SENTENCE) or not _mostly_capitals(text):
        return False
    wordlike = [w for w in words if re.fullmatch(r"[^\W\d_]{2,}[,:]?|[^\W\d_]", w)]
    return len(wordlike) >= 0.6 * len(words) and any(len(w) >= 4 for w in wordlike)


def heading_line(para: Paragraph, body_size: float | None = None
                 ) -> tuple[str, str | None, int] | None:
    """A standalone heading: its text, printed number and level; or None.

    Evidence, any of: a section number ("2.1"), a Roman numeral before capitals,
    a letter before a capitalised phrase (IEEE subsections), bold type, capitals.
    """
    text = para.text.strip()
    if (len(text.split()) > 14 or text.endswith(_ENDS_SENTENCE) or para.bullet
            or is_toc_line(text) or smaller_than_body(para, body_size)):
        return None
    bold = all(r.bold for r in para.runs if r.text.strip()) and any(r.bold for r in para.runs)
    m = ROMAN_HEADING.match(text)
    if m and (_mostly_capitals(m.group("text")) or bold):
        return m.group("text").strip(), m.group("num"), 1
    m = NUMBERED_HEADING.match(text)
    if (m and (bold or m.group("text")[:1].isupper()) and not re.match(r"^\d+\.\d+\s*%", text)
            and re.search(r"[^\W\d_]{3}", m.group("text"))):  # "4 E R" is a formula
        return m.group("text").strip(), m.group("num"), m.group("num").count(".") + 1
    m = LETTER_HEADING.match(text)
    if m and len(text.split()) <= 10 and not re.search(r"\d{2,}", text):
        return m.group("text").strip(), m.group("num"), 2
    if bold or all_caps_heading(text):
        return text, None, 1
    return None


def heading_number(para: Paragraph) -> str | None:
    """A list-marker-looking number ("1.") that actually numbers a heading."""
    if para.bullet and re.fullmatch(r"\d{1,2}\.", para.bullet):
        text = para.text.strip()
        if (len(text.split()) <= 12 and text[:1].isupper()
                and not text.endswith(_ENDS_SENTENCE) and not is_toc_line(text)):
            return para.bullet.rstrip(".")
    return None
