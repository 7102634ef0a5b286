"""Word files: the DOCX's own structure through pandoc's AST (``pandoc.py``).

Headings, list items, quotes, footnotes, tables, pictures and display formulas come
marked as such (``Line.role``), emphasis as italic and bold runs; nothing is
flattened to text and guessed back.
"""

from __future__ import annotations

from collections import Counter

from ..errors import InputError
from ..model import Extraction
from .pandoc import check_unpacked_size, pandoc_ast, read_ast


def read_docx(raw: bytes, name: str) -> Extraction:
    """The lines of a DOCX, one per block, each with the role Word gave it.

    >>> read_docx(b"PK\\x03\\x04word/ not a zip", "x.docx")
    Traceback (most recent call last):
    ...
    pipeline.errors.InputError: the Word file is damaged (BadZipFile)
    """
    check_unpacked_size(raw, name)
    # +styles: Word's paragraph styles come as custom-style Divs (WORD_STYLES).
    reader = read_ast(pandoc_ast(raw, "docx+styles", name), name, package=raw)
    if not any(ch.isalnum() for line in reader.lines + reader.notes for ch in line.text):
        # As for an empty text file: building would replace the last good outputs.
        # Pictures and formulas alone are no article either.
        only = reader.left_out + Counter({k: n for k, n in reader.counts.items()
                                          if k in ("figure", "equation")})
        left = ", ".join(f"{n} {kind}" for kind, n in sorted(only.items()))
        raise InputError(name, "the Word file has no text" + (f" (only {left})" if left else ""),
                         "send the article's text as .docx, PDF or UTF-8 text")
    return Extraction(source=name, kind="docx", lines=reader.lines, footnotes=reader.notes,
                      notes=reader.summary("docx"))
