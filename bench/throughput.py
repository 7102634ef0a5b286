"""The back catalogue's throughput under Snakemake (issue 22): ``make bench`` runs it.

Fifty generated scanned-style PDFs (``pipeline/archive/scans.py``: image-only pages,
so every page goes through Tesseract) form one archive issue; the archive is built by
``snakemake --cores N archive`` in a fresh scratch copy of the project for each N (1,
then 2). Reported: pages per second (pages over the run's wall time), the speed-up
from 1 to 2 cores, and per rule the jobs' seconds and peak memory (max_rss of
Snakemake's ``benchmark:`` files), with the CPU other processes took meanwhile
(``/proc/stat``): on a shared machine that slows the runs down.

By default the archive is built up to document.json (the five text stages, OCR
first: ``archive_upto=document``), which is what scales with the archive's pages; a
full build of every edition adds about 15 s of LuaLaTeX and pandoc an article
(``--upto install``). Tesseract runs with one OpenMP thread (``OMP_THREAD_LIMIT=1``),
so that a job takes the one core the scheduler gave it.

    .venv/bin/python bench/throughput.py [--pdfs 50] [--pages 1] [--cores 1,2[,2,1]]
                                         [--upto document|install] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROJECT_FILES = ("pipeline", "templates", "Makefile", "Snakefile", "pyproject.toml")


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def scratch(base: Path, pdfs: list[Path]) -> Path:
    project = base / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, project / name)
    venv = ROOT / ".venv"
    # As tests/conftest.py: the copy's pyproject must not look newer than the venv.
    stamp = venv / ".installed"
    if stamp.exists():
        os.utime(project / "pyproject.toml", (stamp.stat().st_atime, stamp.stat().st_mtime))
    (project / ".venv").symlink_to(venv)
    wrapper = project / "timed-python"
    wrapper.write_text("#!/bin/bash\n# One line a stage command: peak kB, seconds, stage.\n"
                       f"exec /usr/bin/time -a -o {project}/rss.log -f '%M %e '\"$3\" "
                       f"{venv}/bin/python \"$@\"\n")
    wrapper.chmod(0o755)
    issue = project / "input" / "archive" / "2026" / "1"
    issue.mkdir(parents=True)
    for pdf in pdfs:
        os.link(pdf, issue / pdf.name)
    return project


def run(project: Path, cores: int, upto: str) -> dict:
    env = dict(os.environ, OMP_THREAD_LIMIT="1", SOURCE_DATE_EPOCH="1767225600")
    busy0, _ = cpu_times()
    own0 = os.times()
    started = time.monotonic()
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "snakemake"), "--cores", str(cores),
                           "--keep-going", "archive", "--config", f"archive_upto={upto}",
                           f"py={project / 'timed-python'}"],
                          cwd=project, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    busy1, _ = cpu_times()
    own1 = os.times()
    if proc.returncode != 0:
        sys.exit(f"error: {project}: snakemake failed — see its log:\n"
                 + (proc.stdout + proc.stderr)[-3000:])
    hz = os.sysconf("SC_CLK_TCK")
    ours = (own1.children_user + own1.children_system - own0.children_user
            - own0.children_system)
    machine = (busy1 - busy0) / hz
    jobs: dict[str, list[float]] = {}
    for tsv in project.glob("build/archive/*/*/*/bench/*.tsv"):
        row = next(csv.DictReader(io.StringIO(tsv.read_text()), delimiter="\t"))
        jobs.setdefault(tsv.stem, []).append(float(row["s"]))
    rss: dict[str, float] = {}
    for line in (project / "rss.log").read_text().splitlines():
        kb, _, stage = line.split()
        rss[stage] = max(rss.get(stage, 0.0), int(kb) / 1024)
    pages = 0
    for ex in project.glob("build/archive/*/*/*/extract.json"):
        import json

        pages += int(json.loads(ex.read_text(encoding="utf-8")).get("pages") or 0)
    return {"cores": cores, "wall": wall, "pages": pages, "jobs": jobs, "rss": rss,
            "cpu_ours": ours, "cpu_others": max(0.0, machine - ours),
            }


def report(results: list[dict], args) -> str:
    lines = [f"# Archive throughput under Snakemake ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"{args.pdfs} scanned-style PDFs × {args.pages} page(s), image-only (OCR "
             f"kir+rus+eng), built up to `{args.upto}`; {platform.node()}, "
             f"{os.cpu_count()} CPUs; `bench/throughput.py`.", "",
             "| cores | wall s | pages | pages/s | CPU s (ours) | CPU s (others, meanwhile) |",
             "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['cores']} | {r['wall']:.1f} | {r['pages']} | "
                     f"{r['pages'] / r['wall']:.3f} | {r['cpu_ours']:.0f} | "
                     f"{r['cpu_others']:.0f} |")
    walls: dict[int, list[float]] = {}
    for r in results:
        walls.setdefault(r["cores"], []).append(r["wall"])
    cores = sorted(walls)
    if len(cores) >= 2:
        base = statistics.median(walls[cores[0]])
        for n in cores[1:]:
            lines.append("")
            lines.append(f"Speed-up {cores[0]} → {n} cores: "
                         f"**{base / statistics.median(walls[n]):.2f}×** (medians of "
                         f"{len(walls[cores[0]])} and {len(walls[n])} runs; target ≥ 1.7×). "
                         "Runs beside other work are slowed by it: see the CPU others took.")
    lines += ["", "Per stage (the last run): a job's seconds (median, max: Snakemake's "
              "benchmark files) and its peak memory (the largest job's maximum resident "
              "set, GNU time).", "",
              "| stage | jobs | s median | s max | peak MB |", "|---|---|---|---|---|"]
    last = results[-1]
    for name, secs in sorted(last["jobs"].items()):
        lines.append(f"| {name} | {len(secs)} | {statistics.median(secs):.2f} | "
                     f"{max(secs):.2f} | {last['rss'].get(name.split('-')[0], 0):.0f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pdfs", type=int, default=50)
    p.add_argument("--pages", type=int, default=1, help="pages per PDF")
    p.add_argument("--cores", default="1,2",
                   help="the runs, in order: 1,2,2,1 alternates them on a busy machine")
    p.add_argument("--upto", choices=("document", "install"), default="document")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results.throughput.md")
    args = p.parse_args()
    try:
        runs = [int(c) for c in args.cores.split(",")]
    except ValueError:
        p.error(f"--cores {args.cores!r}: give core counts separated by commas, e.g. 1,2")
    if any(c < 1 for c in runs):
        p.error(f"--cores {args.cores!r}: a core count is 1 or more")
    from pipeline.archive.scans import write_archive

    with tempfile.TemporaryDirectory(prefix="basma-throughput-") as tmp:
        started = time.monotonic()
        pdfs = write_archive(Path(tmp) / "pdfs", args.pdfs, args.pages)
        print(f"{len(pdfs)} scanned PDFs made in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        results = []
        for k, cores in enumerate(runs):
            # A run of its own folder: "1,2,2,1" runs each core count twice.
            project = scratch(Path(tmp) / f"run{k}-cores-{cores}", pdfs)
            r = run(project, cores, args.upto)
            print(f"{cores} core(s): {r['wall']:.1f} s, {r['pages'] / r['wall']:.3f} pages/s "
                  f"(other processes: {r['cpu_others']:.0f} CPU s)", file=sys.stderr)
            results.append(r)
    text = report(results, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
