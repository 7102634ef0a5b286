"""Issue 16's acceptance figures for the PDF reader: tables and figures of corpus PDFs.

For each PDF given, the text stages run in memory (``run_text_stages``) and print

* every table block: rows × columns, head rows, and its cell words against
  ``pdftotext -layout`` of the same region (``\\w+`` tokens after NFKC and casefolding,
  as ``bench/corpus.py`` counts words): the same sequence (``seq =``), or the same
  words in another order (``bag =``: a wrapped cell, which pdftotext reads line by
  line across the row), else the words that differ;
* every figure block: its image name and pixel size, and its caption (linked by the
  caption's ``of``);
* figure labels left as body text: paragraphs that open like a caption, and
  paragraphs made only of words a figure now holds — counted with the objects found
  and with them turned off (what the reader did before issue 16).

    .venv/bin/python bench/objects_check.py ../shared/corpus/pdf/docling_redp5110_sampled.pdf …
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pipeline.readers.pdf as pdf  # noqa: E402
from pipeline.readers.pdf.layout import page_lines  # noqa: E402
from pipeline.readers.pdf.objects import CAPTION  # noqa: E402
from pipeline.stages import run_text_stages  # noqa: E402


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def pdftotext_region(path: Path, region: list[float]) -> str:
    page, x0, top, x1, bottom = region
    res = subprocess.run(["pdftotext", "-layout", "-f", str(int(page)), "-l", str(int(page)),
                          "-x", str(int(x0) - 1), "-y", str(int(top) - 1),
                          "-W", str(int(x1 - x0) + 3), "-H", str(int(bottom - top) + 3),
                          str(path), "-"], capture_output=True, text=True, timeout=120)
    return res.stdout


def without_objects():
    """Run the reader as before issue 16: no figures, tables or formulas looked for."""
    kept = pdf.page_objects, pdf.mark_displays
    pdf.page_objects = lambda page, chars, width, number, notes=None: (
        *page_lines(chars, width), [])
    pdf.mark_displays = lambda body, *a: body
    return kept


def check(path: Path) -> None:
    doc = run_text_stages(path, upto="segment")
    print(f"== {path.name}")
    for b in doc.by_role("table"):
        ours = tokens(" ".join(c for row in b.cells for c in row))
        theirs = tokens(pdftotext_region(path, b.visual.region))
        diff = (Counter(ours) - Counter(theirs)) + (Counter(theirs) - Counter(ours))
        print(f"  table {b.id} p{b.page}: {len(b.cells)}×{len(b.cells[0])}, head "
              f"{b.header_rows or 0}; words {len(ours)} (pdftotext {len(theirs)}); "
              f"seq {'=' if ours == theirs else '≠'} bag {'=' if not diff else '≠'}"
              + (f"; differ: {dict(diff.most_common(6))}" if diff else ""))
    captions = {b.of: b for b in doc.by_role("caption") if b.of}
    figures = doc.by_role("figure")
    for b in figures:
        cap = captions.get(b.id)
        print(f"  figure {b.id} p{b.page}: {b.visual.image} {b.visual.pixels}; caption: "
              f"{cap.text[:60] if cap else '—'}")
    words = {w for b in figures for w in tokens(b.text)}

    def stray(blocks) -> list[str]:
        return [b.text[:40] for b in blocks if b.role == "paragraph" and tokens(b.text)
                and (CAPTION.match(b.text) or set(tokens(b.text)) <= words)]

    now = stray(doc.blocks)
    kept = without_objects()
    try:
        before = stray(run_text_stages(path, upto="segment").blocks)
    finally:
        pdf.page_objects, pdf.mark_displays = kept
    print(f"  figures {len(figures)}, with image and pixels "
          f"{sum(1 for b in figures if b.visual.image and b.visual.pixels)}, captioned "
          f"{sum(1 for b in figures if b.id in captions)}; figure labels as body paragraphs: "
          f"{len(now)} {now[:4]} (without the objects: {len(before)} {before[:4]})")


if __name__ == "__main__":
    if not sys.argv[1:] or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if sys.argv[1:] else 2)
    for name in sys.argv[1:]:
        if not Path(name).is_file():
            sys.exit(f"error: {name}: no such file — give the paths of PDFs to check")
        check(Path(name))
