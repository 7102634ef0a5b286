"""PDFs without a text layer: Tesseract OCR (kir+rus+eng), one page at a time.

Without tesseract (or poppler's pdftoppm) installed the editor is told so; the
OCR text then goes through the text-dump reader, as a plain text file would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ...errors import InputError
from ...model import Extraction

#: Tesseract languages: Kyrgyz first, since the journal's legacy archive is Kyrgyz.
OCR_LANGS = "kir+rus+eng"
#: Resolution pages are rendered at for OCR: Tesseract's accuracy levels off here.
OCR_DPI = 300
#: Tesseract takes seconds a page; minutes mean a page it cannot finish.
PAGE_SECONDS = 300


def ocr(raw: bytes, name: str, n_pages: int) -> Extraction:
    """Text of an image-only PDF through Tesseract, one page at a time."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise InputError(name, "the PDF has no text layer and OCR (tesseract) is not installed",
                         "install tesseract-ocr with kir, rus and eng, or send a text PDF")
    from ..textdump import read_text_dump

    # Tesseract's OpenMP threads fight each other on a small machine: one thread
    # per page is several times faster than the default.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    texts = []
    with tempfile.TemporaryDirectory(prefix="basma-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(raw)
        for number in range(1, n_pages + 1):
            # A greyscale PGM: PNG encoding would take longer than the OCR.
            image = Path(tmp) / f"page-{number}"
            subprocess.run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-singlefile",
                            "-f", str(number), "-l", str(number), str(pdf), str(image)],
                           check=True, capture_output=True)
            try:
                proc = subprocess.run(["tesseract", f"{image}.pgm", "-", "-l", OCR_LANGS],
                                      capture_output=True, text=True, env=env,
                                      timeout=PAGE_SECONDS)
            except subprocess.TimeoutExpired:
                raise InputError(name, f"OCR of page {number} ran over {PAGE_SECONDS} s",
                                 "send a text PDF, or a scan at a normal resolution") from None
            if proc.returncode != 0:
                problem = (proc.stderr.strip().splitlines() or ["tesseract failed"])[-1]
                raise InputError(name, f"OCR failed: {problem}",
                                 "check that tesseract has kir, rus and eng installed")
            Path(f"{image}.pgm").unlink()
            texts.append(proc.stdout)
    # Tesseract separates paragraphs with an empty line, as plain text files do.
    ex = read_text_dump("\n\n".join(texts), name)
    ex.kind = "pdf"
    ex.pages = n_pages
    ex.notes.append(f"{n_pages} pages without a text layer read by OCR ({OCR_LANGS})")
    return ex
