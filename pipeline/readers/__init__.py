"""Stage 1, extract: the source's text with its fonts and positions.

Entry point: ``extract(raw, name) -> Extraction``. Nothing is interpreted here
beyond what the source itself shows: which line starts a paragraph (an indent, a
wider gap, the dump's blank-with-a-space marker), where pages break, which font a
run is set in. Repairs are the cleaner's job; roles are the segmenter's.

Three readers:

* ``read_text_dump``: the text a PDF tool left (the seed). Such dumps put an empty
  line after every visual line and mark paragraph ends with a line holding only
  spaces, or with a leading space on the next line.
* ``read_pdf``: words from pdfplumber's characters (see ``pdf.py``), or OCR when a
  PDF has no text layer.
* ``read_docx``: a Word file through pandoc's JSON AST (``pandoc.py``): one line per
  block, each marked with the role Word gave it (``Line.role``), so the cleaner
  joins nothing and the segmenter guesses no heading, list, note or table.
"""

from __future__ import annotations

from ..errors import InputError
from ..fileio import decode_text, sniff
from ..model import Extraction
from .textdump import read_text_dump

#: Sources larger than this are refused rather than risking the editor's machine.
MAX_TEXT_BYTES = 50 * 1024 * 1024


def extract(raw: bytes, name: str) -> Extraction:
    """Read a source file's bytes (PDF, text dump) into lines with their evidence."""
    if not raw.strip():
        raise InputError(name, "the file is empty", "send the article's PDF or text")
    kind = sniff(raw)
    if kind == "pdf":
        from .pdf import read_pdf

        return _with_text(read_pdf(raw, name), "the PDF has no text, not even by OCR (blank "
                          "pages?)", "send the article's PDF with its pages")
    if kind == "image":
        raise InputError(name, "this is an image, not a PDF or text",
                         "send the article as a PDF (OCR runs on image-only PDFs)")
    if kind == "docx":
        from .docx import read_docx

        return _with_text(read_docx(raw, name), "the Word file has no text",
                          "send the article's Word file or PDF")
    if kind in ("zip", "binary"):
        raise InputError(name, "this is not a PDF or a text file",
                         "send the article as a PDF or a UTF-8 text file")
    if len(raw) > MAX_TEXT_BYTES:
        raise InputError(name, f"the text is {len(raw) // 2**20} MB, over the 50 MB limit",
                         "split the file or send the PDF")
    text = decode_text(raw, name)
    # A BOM, NULs or control characters alone (Notepad saves an empty file as a BOM):
    # nothing to publish, and building would replace the last good outputs.
    if not any(ch.isprintable() and not ch.isspace() for ch in text):
        raise InputError(name, "the file is empty", "send the article's PDF or text")
    return read_text_dump(text, name)


def _with_text(ex: Extraction, problem: str, hint: str) -> Extraction:
    """``ex``, if any of its lines has a letter or digit to publish.

    A blank page builds an empty article that would replace the last good
    outputs: like an empty text file, it is not an article.
    """
    if not any(ch.isalnum() for line in [*ex.lines, *ex.footnotes] for ch in line.text):
        raise InputError(ex.source, problem, hint)
    return ex
