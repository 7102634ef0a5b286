"""PDFs without a text layer: Tesseract OCR (kir+rus+eng), one page at a time.

Without tesseract (or poppler's pdftoppm) installed the editor is told so; the
OCR text then goes through the text-dump reader, as a plain text file would.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from ... import limits
from ...errors import InputError
from ...model import Extraction, Line, Run

#: Tesseract languages: Kyrgyz first, since the journal's legacy archive is Kyrgyz.
OCR_LANGS = "kir+rus+eng"
#: Resolution pages are rendered at for OCR: Tesseract's accuracy levels off here.
OCR_DPI = 300
#: Tesseract takes seconds a page; minutes mean a page it cannot finish.
PAGE_SECONDS = 300
#: A page at 300 dpi is a few tens of MB for pdftoppm and Tesseract alike.
OCR_MEMORY = 2 * limits.GB


def _read_page(pdf: Path, number: int, name: str) -> str:
    """One page of ``pdf`` through pdftoppm and Tesseract: its text."""
    # Tesseract's OpenMP threads fight each other on a small machine: one thread
    # per page is several times faster than the default.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    # A greyscale PGM: PNG encoding would take longer than the OCR.
    image = pdf.parent / f"page-{number}"
    hint = "send a text PDF, or a scan at a normal resolution"
    render = limits.run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-singlefile",
                         "-f", str(number), "-l", str(number), str(pdf), str(image)],
                        file=name, stage=f"rendering page {number} for OCR (pdftoppm)",
                        seconds=PAGE_SECONDS, memory=OCR_MEMORY, error=InputError, hint=hint)
    if render.returncode != 0:
        raise InputError(name, f"page {number} cannot be rendered for OCR (pdftoppm failed)",
                         hint)
    try:
        proc = limits.run(["tesseract", f"{image}.pgm", "-", "-l", OCR_LANGS],
                          text=True, env=env, file=name, stage=f"OCR of page {number}",
                          seconds=PAGE_SECONDS, memory=OCR_MEMORY, error=InputError,
                          hint=hint)
    finally:
        Path(f"{image}.pgm").unlink(missing_ok=True)
    if proc.returncode != 0:
        problem = (proc.stderr.strip().splitlines() or ["tesseract failed"])[-1]
        raise InputError(name, f"OCR failed: {problem}",
                         "check that tesseract has kir, rus and eng installed")
    return proc.stdout


def ocr(raw: bytes, name: str, n_pages: int) -> Extraction:
    """Text of an image-only PDF through Tesseract, one page at a time."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise InputError(name, "the PDF has no text layer and OCR (tesseract) is not installed",
                         "install tesseract-ocr with kir, rus and eng, or send a text PDF")
    from ..textdump import read_text_dump

    texts = []
    with tempfile.TemporaryDirectory(prefix="basma-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(raw)
        for number in range(1, n_pages + 1):
            texts.append(_read_page(pdf, number, name))
    # Tesseract separates paragraphs with an empty line, as plain text files do.
    ex = read_text_dump("\n\n".join(texts), name)
    ex.kind = "pdf"
    ex.pages = n_pages
    ex.notes.append(f"{n_pages} pages without a text layer read by OCR ({OCR_LANGS})")
    return ex


# --- pages whose text layer is junk ---------------------------------------------------

#: A page's text layer is junk when fewer than this share of its words are known
#: words (U+FFFD glyphs and pdfminer's (cid:N) count as unknown words) ...
JUNK_SHARE = 0.35
#: ... judged on at least this many words (a figure page says nothing) ...
JUNK_MIN_WORDS = 12
#: ... and on at most this many (enough for a verdict, few lookups).
JUNK_SAMPLE = 200
#: The OCR reading replaces the text layer only when this much likelier.
OCR_MARGIN = 0.15
#: The model's confidence above which a page is text in a language the word lists
#: do not hold (a German abstract), not junk.
OTHER_LANGUAGE = 0.6
_PUNCT = "\"'«»„“”‘’()[]{}.,;:!?…–—-/*•·"


def text_likelihood(text: str) -> tuple[float, int]:
    """How much of ``text`` is words: the share of its words the lexicon knows, and
    how many words were judged (those with a letter, two characters or more).

    A word with an unreadable glyph in it is judged and unknown; a compound
    (вектор-функция) is known when its parts are.

    >>> text_likelihood("Билим берүү системасы жана мектеп")[0] == 1.0 or "no lexicon"
    True
    >>> text_likelihood("\\ufffd\\ufffd \\ufffd xq7 ñzq zzkq vbqt")
    (0.0, 6)
    """
    from ... import lexicon

    found = total = 0
    for token in text.split()[:JUNK_SAMPLE]:
        if "\ufffd" in token or "(cid:" in token:
            total += 1
            continue
        core = token.strip(_PUNCT)
        if len(core) < 2 or not any(c.isalpha() for c in core):
            continue
        total += 1
        parts = core.split("-")
        found += all(p.isalpha() and lexicon.known(p) for p in parts)
    return (found / total if total else 0.0), total


def _other_language(text: str) -> bool:
    """Whether ``text`` reads as real text in a language outside the word lists: mostly
    letters of another script than Latin and Cyrillic (Arabic, Greek), or a language
    the model is confident of."""
    from ...tag.langid import model_scores

    letters = [c for c in text if c.isalpha()]
    ours = sum(c < "\u0250" or "\u0400" <= c <= "\u04ff" for c in letters)
    if letters and ours < len(letters) / 2:
        return True
    scores = model_scores(text)
    best = max(scores, key=lambda k: scores[k], default="")
    return best not in ("ky", "ru", "en", "") and scores[best] >= OTHER_LANGUAGE


def reread_junk_pages(raw: bytes, name: str, lines: list[Line],
                      footnotes: list[Line]) -> list[str]:
    """OCR the pages whose text layer is mostly non-words; keep the likelier reading.

    Cause: a scan with a bad OCR layer under it, or a font whose codes nothing
    explains, gives a page of junk ("ˆº(cid:243)Æ"): Tesseract (kir+rus+eng) on the
    page's image can do better. Each reading is judged by ``text_likelihood``; the
    OCR text replaces the page's lines (body and notes) only when it is
    ``OCR_MARGIN`` likelier. Every page judged junk gets a note with both figures
    and the choice. Without the lexicon nothing is judged; without Tesseract the
    editor is told. ``lines`` and ``footnotes`` are changed in place.
    """
    from ... import lexicon

    if not lexicon.available():
        return []
    pages: dict[int, list[Line]] = {}
    for ln in lines + footnotes:
        pages.setdefault(ln.page, []).append(ln)
    junk = []
    for number, page_lines in sorted(pages.items()):
        text = " ".join(ln.text for ln in page_lines)
        share, n = text_likelihood(text)
        if n >= JUNK_MIN_WORDS and share < JUNK_SHARE and not _other_language(text):
            junk.append((number, share, n))
    if not junk:
        return []
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        return [f"page {number}: the text layer is mostly non-words ({share:.0%} of {n} known); "
                f"OCR (tesseract) is not installed, kept as it is" for number, share, n in junk]
    notes = []
    with tempfile.TemporaryDirectory(prefix="basma-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(raw)
        for number, share, n in junk:
            read = _read_page(pdf, number, name)
            ocr_share, ocr_n = text_likelihood(read)
            figures = (f"text layer {share:.0%} of {n} words known, "
                       f"OCR ({OCR_LANGS}) {ocr_share:.0%} of {ocr_n}")
            if ocr_n < JUNK_MIN_WORDS or ocr_share < share + OCR_MARGIN:
                notes.append(f"page {number}: the text layer is mostly non-words; kept, "
                             f"as OCR is not likelier ({figures})")
                continue
            _replace_page(lines, footnotes, number, read)
            notes.append(f"page {number}: the text layer is mostly non-words; replaced by "
                         f"its OCR reading ({figures})")
    return notes


def _replace_page(lines: list[Line], footnotes: list[Line], number: int, text: str) -> None:
    """Put a page's OCR text in place of its lines: paragraphs at Tesseract's blank lines."""
    new: list[Line] = []
    for para in re.split(r"\n\s*\n", text):
        rows = [r.strip() for r in para.splitlines() if r.strip()]
        for k, row in enumerate(rows):
            new.append(Line([Run(row, "OCR")], page=number, para_hint=k == 0,
                            page_break=not new))
    at = next((i for i, ln in enumerate(lines) if ln.page == number), None)
    if at is None:
        at = next((i for i, ln in enumerate(lines) if ln.page > number), len(lines))
    elif not lines[at].page_break and new:
        new[0].page_break = False  # the page's text went on from the page before
    lines[:] = [ln for ln in lines[:at] if ln.page != number] + new + [
        ln for ln in lines[at:] if ln.page != number]
    footnotes[:] = [ln for ln in footnotes if ln.page != number]
