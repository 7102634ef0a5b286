"""One extraction in a fresh process, for bench.py: speed and peak memory.

    python bench/extract_probe.py ours|bare PDF --root PROJECT

``ours`` is the pipeline's extractor, ``pipeline.readers.extract(raw, name)``
(``pdf.read_pdf`` for a PDF), imported from the project copy at ``--root``;
``bare`` is pdfplumber alone: ``extract_words`` on every page, closing each page.
Both import pdfplumber before the baseline is taken, so the baseline is the same
interpreter with the same libraries loaded. Prints one JSON object: pages,
seconds and CPU seconds (the extraction only), and the process's peak resident set before and
after (``VmHWM``, KiB), which is the peak over the whole extraction, and
the file the extractor was imported from.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_kib() -> int:
    """The peak resident set of this process image so far, in KiB.

    ``VmHWM`` rather than ``getrusage().ru_maxrss``: Linux carries ``ru_maxrss``
    over ``execve`` from the parent's memory, so a child of a large process would
    report at least the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_ours(pdf: Path) -> tuple[int, float, float]:
    from pipeline.readers import extract

    raw = pdf.read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    extraction = extract(raw, pdf.name)
    return extraction.pages, time.perf_counter() - started, time.process_time() - cpu


def run_bare(pdf: Path) -> tuple[int, float, float]:
    import pdfplumber

    started, cpu = time.perf_counter(), time.process_time()
    pages = 0
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            page.extract_words()
            page.close()
            pages += 1
    return pages, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=("ours", "bare"))
    p.add_argument("pdf", type=Path)
    p.add_argument("--root", type=Path, required=True, help="the project copy to import from")
    args = p.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    import pdfplumber  # noqa: F401 - loaded before the baseline in both modes

    source = pdfplumber.__file__
    if args.mode == "ours":
        import pipeline.readers

        source = pipeline.readers.__file__
    baseline = peak_rss_kib()
    pages, seconds, cpu = (run_ours if args.mode == "ours" else run_bare)(args.pdf)
    print(json.dumps({"mode": args.mode, "pages": pages, "seconds": seconds, "cpu_seconds": cpu,
                      "rss_baseline_kib": baseline, "rss_peak_kib": peak_rss_kib(),
                      "module": source}))


if __name__ == "__main__":
    main()
