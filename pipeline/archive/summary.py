"""Each archive issue's table: what became of every PDF of it.

Written by the Snakefile when a run of the archive ends, whether every job passed or
not (``onsuccess``/``onerror``), to ``output/archive/<year>/<issue>/summary.md`` and
``summary.tsv``, one row an article:

* pages, and whether the text came from OCR or the PDF's text layer (``extract.json``);
* seconds: the wall time of its jobs that finished (Snakemake's ``benchmark:`` files:
  a failed job writes none);
* problems: for an article that did not build, the one-line error of the first stage
  that failed (each archive job's output is kept in ``logs/<stage>.log``); else how many
  typesetting warnings its PDFs have;
* built: whether its outputs are installed (or, for the bench's text-only run,
  whether its ``document.json`` is made).

Everything is read from the files the jobs left, so the table can also be written by
hand: ``python -m pipeline.archive summary``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from ..fileio import atomic_write
from . import ArchiveArticle

COLUMNS = ("article", "file", "pages", "text", "seconds", "problems", "built")
#: The jobs' logs in the order the stages run: the first error is the one that stopped it.
LOG_ORDER = ("extract", "clean", "segment", "tag", "document", "assets", "editions",
             "pdf-", "epub-", "report", "epubcheck", "indexing", "install")


def _done_file(a: ArchiveArticle, upto: str) -> Path:
    return Path(f"{a.build}/out/document.json" if upto == "document"
                else f"{a.output}/.basma-installed")


def _first_error(a: ArchiveArticle, since: float) -> str | None:
    """The first failed stage's one-line error, from logs newer than ``since``."""
    logs = sorted(Path(a.build, "logs").glob("*.log"),
                  key=lambda p: next((i for i, s in enumerate(LOG_ORDER)
                                      if p.stem.startswith(s)), len(LOG_ORDER)))
    for log in logs:
        if log.stat().st_mtime < since:
            continue
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [line for line in lines if line.startswith("error: ")]
        if errors:
            return errors[0]
    return None


def _seconds(a: ArchiveArticle) -> float:
    total = 0.0
    for tsv in Path(a.build, "bench").glob("*.tsv"):
        rows = list(csv.DictReader(io.StringIO(tsv.read_text(encoding="utf-8")),
                                   delimiter="\t"))
        total += sum(float(r["s"]) for r in rows if r.get("s"))
    return total


def _extraction(a: ArchiveArticle) -> tuple[str, str]:
    """Pages and where the text came from, from the article's extract.json."""
    path = Path(a.build, "extract.json")
    if not path.exists():
        return "", ""
    try:
        ex = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ""
    notes = ex.get("notes") or []
    # readers/pdf/ocr.py's notes: a PDF without a text layer, or pages whose layer was junk.
    replaced = sum("replaced by its OCR reading" in n for n in notes)
    if any("without a text layer read by OCR" in n for n in notes):
        text = "OCR"
    elif replaced:
        text = f"text layer, OCR on {replaced} page{'s' * (replaced != 1)}"
    else:
        text = "text layer"
    return str(ex.get("pages") or ""), text


def _warnings(a: ArchiveArticle) -> int:
    return sum(len([line for line in p.read_text(encoding="utf-8", errors="replace")
                    .splitlines() if line.strip()])
               for p in Path(a.build).glob("tex-*/*.problems"))


def row(a: ArchiveArticle, upto: str = "install") -> dict[str, str]:
    done = _done_file(a, upto)
    built_at = done.stat().st_mtime if done.exists() else None
    # A log newer than the last good build is this run's: an older one is history.
    error = _first_error(a, built_at or 0.0)
    pages, text = _extraction(a)
    if error:
        built, problems = "no", error
    elif built_at is not None:
        n = _warnings(a)
        built, problems = "yes", (f"{n} typesetting warning{'s' * (n != 1)}" if n else "")
    else:
        built, problems = "no", "not run to the end (run the archive again)"
    return {"article": a.id, "file": Path(a.source).name, "pages": pages, "text": text,
            "seconds": f"{_seconds(a):.1f}", "problems": problems, "built": built}


def _md_cell(text: str) -> str:
    # A file's name or an error may hold "|" or a newline; the table must stay a table.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown(year: str, issue: str, rows: list[dict[str, str]]) -> str:
    built = sum(r["built"] == "yes" for r in rows)
    lines = [f"# Archive {year}/{issue}: {built} of {len(rows)} built", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_md_cell(r[c]) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def tsv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def write_summaries(articles: Iterable[ArchiveArticle], upto: str = "install") -> list[Path]:
    """Each issue's summary.md and summary.tsv; returns the .md files written."""
    issues: dict[tuple[str, str], list[ArchiveArticle]] = {}
    for a in articles:
        issues.setdefault((a.year, a.issue), []).append(a)
    written = []
    for (year, issue), group in sorted(issues.items()):
        rows = [row(a, upto) for a in group]
        folder = Path("output", "archive", year, issue)
        atomic_write(folder / "summary.tsv", tsv(rows))
        atomic_write(folder / "summary.md", markdown(year, issue, rows))
        written.append(folder / "summary.md")
    return written
