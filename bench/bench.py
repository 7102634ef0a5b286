"""basma's benchmarks: ``make bench`` → ``bench/results.md`` and ``bench/results.json``.

Every build runs in a scratch copy of the project under /tmp (pipeline/,
templates/, the seed article, Makefile, pyproject.toml; ``.venv`` a symlink to the
project's), never in the working tree. Each figure is measured ``--repeat`` times
(3 by default) and reported as its median and spread (min–max):

* cold build: ``make build`` of the seed article after ``rm -rf build output``, -j1;
* engine floor: the bare lualatex and pandoc runs that build needs, timed directly
  on its generated files (as many lualatex passes per edition as the build made);
* per-stage breakdown of one instrumented cold build: interpreter start-up,
  imports, Python work and engine time of every command make runs;
* no-op build: ``make build`` again with nothing changed;
* edit loop: ``make build`` after a one-line change in ``corrections.yaml``, against
  the floor of the outputs that changed (and, for information, a note-only edit);
* extraction: pages per second and peak memory of ``pipeline.readers.extract`` on a
  generated 300-page PDF, next to bare pdfplumber ``extract_words``, at 100 and
  300 pages, on each of the three longest PDFs of ``../shared/corpus/pdf``, and on a
  generated 20-page figure-heavy PDF (tables, figures and formulas on every sheet);
* scale: 12 copies of the seed article with ``make -j2 build``, against 12 × the
  cold single-article build.

Targets (PASS/MISS in the results): cold ≤ 1.25 × floor; no-op < 1 s; edit loop ≤
1.3 × its floor; extraction ≥ 0.7 × bare pdfplumber's pages/s (on the generated PDF,
on each of the corpus's three longest, and on the figure-heavy one) and peak memory
at 300 pages ≤ 1.2 × at 100; 12 articles with -j2 ≤ 0.6 × twelve serial builds.

How the builds are observed: a ``lualatex`` shim first on PATH and a ``pandoc`` shim
(via ``PYPANDOC_PANDOC``) log every engine run (start, end, parent pid, folder,
arguments; a bash script, a few milliseconds per run) in every build, which gives
the passes per edition and the engine time. Profile builds also run make with
``PY=<wrapper>`` around ``bench/stageshim.py``, which times start-up, imports and
work of each ``python -m pipeline`` command; the timed builds do not. Builds run
with Python's bytecode cache on, as in an ordinary checkout, even where the
environment sets ``PYTHONDONTWRITEBYTECODE`` (``--no-bytecode`` keeps it).

Ratios are medians of pairs measured back to back (a build and its floor, our
extractor and bare pdfplumber, the -j2 build and a single-article build), and
every figure shows how much CPU other processes took meanwhile (``/proc/stat``):
on a shared machine other work slows builds down and can turn a PASS into a MISS.

    .venv/bin/python bench/bench.py [--repeat N] [--quick] [--only cold,noop,…] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SEED = "trends-modern-education-kg"
KEYS = ("full", "ky", "ru", "en")
FIGURES = ("startup", "cold", "noop", "edit", "extract", "scale")
#: make must never reinstall into the shared venv from a scratch copy.
MAKE_SAFE = ["-o", ".venv/.installed", "-o", ".venv/.system-ok"]
#: As pipeline/latex.py ``typeset`` runs it.
LUALATEX_FLAGS = ["--no-shell-escape", "--interaction=nonstopmode", "--halt-on-error"]
#: As pipeline/epub.py ``epub_from_source`` runs it (plus --output, --data-dir, --css).
PANDOC_FLAGS = ["--from=json", "--to=epub3", "--toc", "--toc-depth=2", "--split-level=1",
                "--epub-title-page=false"]
#: Stage command → the breakdown's row.
STAGE_GROUP = {"extract": "extract", "clean": "clean", "segment": "segment", "tag": "tag",
               "document": "render", "report": "render", "tex": "render",
               "epub-source": "render", "edition": "render", "editions": "render",
               "pdf": "engine", "epub": "engine"}
GROUPS = ("extract", "clean", "segment", "tag", "render", "engine")
TARGETS = {
    "cold": 1.25,  # × engine floor
    "noop": 1.0,  # seconds
    "edit": 1.3,  # × floor of the changed outputs
    "extract_speed": 0.7,  # × bare pdfplumber pages/s
    "extract_memory": 1.2,  # peak at the large size ÷ peak at the small size
    "scale": 0.6,  # × twelve serial builds
}

STARTED = time.monotonic()
#: Real PDFs (../shared/corpus/pdf): the extraction target holds on each of the longest.
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
CORPUS_LONGEST = 3


class BenchError(Exception):
    """A build or measurement failed; the message says where."""


def log(msg: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.0f}s] {msg}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, Any]:
    """Median and spread of a list of samples."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "values": values}


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _machine_busy() -> float | None:
    """CPU seconds every process (and the hypervisor's steal) used since boot, /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields)
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Usage:
    """Times a child process: wall, its CPU, and the CPU other processes took meanwhile.

    ``others`` is in CPUs (0 = the machine was ours alone, 1 = another process kept
    one of the CPUs busy): other sessions' work slows every figure down, so each
    figure reports it next to its samples.
    """

    def __init__(self) -> None:
        self.load = os.getloadavg()[0]
        self._busy = _machine_busy()
        self._rusage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._started = time.perf_counter()

    def stop(self) -> tuple[float, float, float]:
        """(wall seconds, CPU seconds of the children, CPUs used by other processes)."""
        wall = time.perf_counter() - self._started
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (ru.ru_utime - self._rusage.ru_utime) + (ru.ru_stime - self._rusage.ru_stime)
        busy = _machine_busy()
        others = float("nan")
        if busy is not None and self._busy is not None and wall > 0:
            others = max(0.0, (busy - self._busy - cpu) / wall)
        return wall, cpu, others


# --- the instrumentation: shims on PATH ---------------------------------------------------

ENGINE_SHIM = """#!/bin/bash
# bench.py: time one {tool} run and log it to $BENCH_LOG/engine.tsv; exit as it did.
start=$EPOCHREALTIME
"{real}" "$@"
rc=$?
printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' {tool} "$start" "$EPOCHREALTIME" "$PPID" "$PWD" "$*" \\
  >> "$BENCH_LOG/engine.tsv"
exit $rc
"""

PY_WRAPPER = """#!/bin/bash
# bench.py: make's $(PY) in profile builds; see bench/stageshim.py.
export BENCH_T0=$EPOCHREALTIME
"{python}" "{shim}" "$@"
rc=$?
printf '%s\\t%s\\t%s\\n' "$BENCH_T0" "$EPOCHREALTIME" "$rc" >> "$BENCH_LOG/py-wall.tsv"
exit $rc
"""


def _epoch(text: str) -> float:
    return float(text.replace(",", "."))  # $EPOCHREALTIME follows LC_NUMERIC


@dataclass
class Tools:
    """The real engines and the shims that log them."""

    dir: Path
    python: Path
    lualatex: str
    pandoc: str
    bytecode: bool = True  # let Python write and use __pycache__ in the scratch copy

    @classmethod
    def create(cls, where: Path, python: Path, bytecode: bool = True) -> Tools:
        import pypandoc

        lualatex = shutil.which("lualatex")
        if not lualatex:
            raise BenchError("lualatex is not installed — run `make build` once as root")
        tools = cls(where, python, lualatex, pypandoc.get_pandoc_path(), bytecode)
        where.mkdir(parents=True)
        for tool, real in (("lualatex", tools.lualatex), ("pandoc", tools.pandoc)):
            _script(where / tool, ENGINE_SHIM.format(tool=tool, real=real))
        _script(where / "py", PY_WRAPPER.format(python=python, shim=BENCH / "stageshim.py"))
        return tools

    def env(self, log_dir: Path) -> dict[str, str]:
        """The environment of the builds: the shims first, make's own variables removed.

        With ``bytecode`` (the default) ``PYTHONDONTWRITEBYTECODE`` is removed, so the
        builds run as in an ordinary checkout, where ``pipeline/__pycache__`` exists;
        without it every command compiles the pipeline modules it imports.
        """
        drop = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}
        if self.bytecode:
            drop.add("PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PATH"] = f"{self.dir}:{env.get('PATH', '/usr/bin:/bin')}"
        env["PYPANDOC_PANDOC"] = str(self.dir / "pandoc")
        env["BENCH_LOG"] = str(log_dir)
        return env


def _script(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


@dataclass
class EngineRun:
    """One lualatex or pandoc run inside a build, from the shim's log."""

    tool: str
    start: float
    end: float
    ppid: int
    cwd: str
    args: str

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def probe(self) -> bool:
        """pypandoc's ``--version`` check or epub.py's pandoc-api-version query."""
        return self.tool == "pandoc" and "--from=json" not in self.args


@dataclass
class Command:
    """One ``python -m pipeline`` command of a profile build, with its time split up."""

    stage: str
    output: str
    wall: float
    startup: float  # interpreter start-up, site, the shim's own imports
    imports: float  # every outermost import, start-up and lazy ones
    work: float  # the rest of the command's own Python
    engine: float  # lualatex passes and pandoc conversions it waited for
    probes: float  # pandoc --version and api-version queries it waited for
    exit: float  # interpreter teardown

    @property
    def group(self) -> str:
        return STAGE_GROUP.get(self.stage, "render")


@dataclass
class Build:
    """What one make run took and what it ran."""

    wall: float
    cpu: float
    load: float  # the 1-minute load average when the build started
    others: float  # CPUs other processes used during the build (see Usage)
    engine: list[EngineRun]
    commands: list[Command] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def passes(self) -> dict[str, int]:
        """lualatex passes per edition key (``tex-<key>`` work folder), this build."""
        count = Counter(Path(r.cwd).name.removeprefix("tex-")
                        for r in self.engine if r.tool == "lualatex")
        return dict(count)

    def engine_seconds(self, probes: bool = False) -> float:
        return sum(r.seconds for r in self.engine if r.probe == probes)

    def summary(self) -> dict[str, Any]:
        return {"wall": self.wall, "cpu": self.cpu, "load": self.load, "others": self.others,
                "passes": self.passes(),
                "lualatex_runs": sum(1 for r in self.engine if r.tool == "lualatex"),
                "pandoc_conversions": sum(1 for r in self.engine
                                          if r.tool == "pandoc" and not r.probe),
                "pandoc_probes": sum(1 for r in self.engine if r.probe),
                "engine_seconds": self.engine_seconds(),
                "probe_seconds": self.engine_seconds(probes=True),
                "changed": self.changed}


def read_engine_log(log_dir: Path) -> list[EngineRun]:
    path = log_dir / "engine.tsv"
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tool, start, end, ppid, cwd, args = (line.split("\t") + [""])[:6]
        runs.append(EngineRun(tool, _epoch(start), _epoch(end), int(ppid), cwd, args))
    return runs


def read_commands(log_dir: Path, engine: list[EngineRun]) -> list[Command]:
    """Join the stage shim's records with the wrapper's wall times and the engine runs."""
    ends = {}
    for line in (log_dir / "py-wall.tsv").read_text(encoding="utf-8").splitlines():
        t0, end, _rc = line.split("\t")
        ends[t0] = _epoch(end)
    out = []
    for line in (log_dir / "py.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        t0 = _epoch(rec["t0"])
        mine = [r for r in engine if r.ppid == rec["pid"]]
        engine_s = sum(r.seconds for r in mine if not r.probe)
        probe_s = sum(r.seconds for r in mine if r.probe)
        argv = rec["argv"]  # ["pipeline", stage, …, "-o", output]
        flag = next((f for f in ("-o", "--output", "--tex") if f in argv[:-1]), None)
        output = argv[argv.index(flag) + 1] if flag else ""
        ran = rec["end"] - rec["run_start"]
        out.append(Command(
            stage=argv[1], output=output, wall=ends[rec["t0"]] - t0,
            startup=rec["run_start"] - t0, imports=rec["imports"],
            work=ran - rec["imports"] - engine_s - probe_s, engine=engine_s, probes=probe_s,
            exit=ends[rec["t0"]] - rec["end"]))
    return out


# --- the scratch project ----------------------------------------------------------------


class Project:
    """A scratch copy of the project where builds run."""

    def __init__(self, root: Path, tools: Tools, articles: list[str]) -> None:
        self.root = root
        self.tools = tools
        self.articles = articles
        self.logs = root / ".bench-logs"
        self.logs.mkdir(exist_ok=True)

    @classmethod
    def create(cls, dest: Path, tools: Tools, articles: dict[str, str],
               source: Path = ROOT) -> Project:
        """Copy ``source``'s code and the given articles (new id → seed id) to ``dest``.

        Copies keep their timestamps, so make sees the same dependency order. From the
        working tree the bytecode caches are left behind; from another scratch copy
        they come along (warm, as in a checkout that has built before).
        """
        ignore = shutil.ignore_patterns("__pycache__") if source == ROOT else None
        dest.mkdir(parents=True)
        for name in ("pipeline", "templates"):
            shutil.copytree(source / name, dest / name, ignore=ignore)
        for name in ("Makefile", "pyproject.toml"):
            shutil.copy2(source / name, dest / name)
        for new_id, seed_id in articles.items():
            shutil.copytree(ROOT / "input" / seed_id, dest / "input" / new_id)
        (dest / ".venv").symlink_to(ROOT / ".venv")
        return cls(dest, tools, list(articles))

    def clean(self) -> None:
        for name in ("build", "output"):
            shutil.rmtree(self.root / name, ignore_errors=True)

    def output_mtimes(self) -> dict[str, int]:
        out = {}
        for article in self.articles:
            for p in (self.root / "output" / article).glob("*"):
                if p.is_file():
                    out[f"{article}/{p.name}"] = p.stat().st_mtime_ns
        return out

    def make(self, jobs: int = 1, profile: bool = False) -> Build:
        """``make -jN build``, timed; with ``profile`` every command is timed inside too."""
        log_dir = Path(tempfile.mkdtemp(dir=self.logs))
        cmd = ["make", f"-j{jobs}", "build", *MAKE_SAFE]
        if profile:
            cmd.append(f"PY={self.tools.dir / 'py'}")
        before_mtimes = self.output_mtimes()
        usage = Usage()
        proc = subprocess.run(cmd, cwd=self.root, env=self.tools.env(log_dir),
                              capture_output=True, text=True)
        wall, cpu, others = usage.stop()
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
            raise BenchError(f"`{' '.join(cmd)}` failed in {self.root}:\n{tail}")
        (log_dir / "stderr.txt").write_text(proc.stderr, encoding="utf-8")
        engine = read_engine_log(log_dir)
        after_mtimes = self.output_mtimes()
        changed = sorted(k for k, v in after_mtimes.items() if before_mtimes.get(k) != v)
        commands = read_commands(log_dir, engine) if profile else []
        return Build(wall, cpu, usage.load, others, engine, commands, changed)

    def check_complete(self) -> None:
        """Every article has its document, report, 4 PDFs and 4 EPUBs."""
        for article in self.articles:
            folder = self.root / "output" / article
            missing = [n for n in ["document.json", "cleaning-report.html"]
                       + [output_name(article, k, e) for k in KEYS for e in ("pdf", "epub")]
                       if not (folder / n).exists()]
            if missing:
                raise BenchError(f"{folder}: outputs missing after the build: {missing}")


def output_name(article: str, key: str, ext: str) -> str:
    return f"{article}.{ext}" if key == "full" else f"{article}.{key}.{ext}"


def key_of(article: str, filename: str) -> str:
    """The edition key of an output file name (``<id>.ky.pdf`` → ``ky``)."""
    stem = filename.rsplit(".", 1)[0]
    return "full" if stem == article else stem.removeprefix(article + ".")


# --- the engine floor -------------------------------------------------------------------


def time_lualatex(tools: Tools, tex: Path, passes: int, work: Path) -> float:
    """``passes`` bare lualatex runs on a copy of ``tex`` in a fresh folder."""
    work.mkdir(parents=True)
    shutil.copyfile(tex, work / tex.name)
    name = tex.name.removesuffix(".tex")
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "0"),
               FORCE_SOURCE_DATE="1")
    total = 0.0
    for _ in range(passes):
        started = time.perf_counter()
        proc = subprocess.run([tools.lualatex, *LUALATEX_FLAGS, f"--jobname={name}", tex.name],
                              cwd=work, env=env, capture_output=True)
        total += time.perf_counter() - started
        if proc.returncode != 0:
            raise BenchError(f"lualatex failed on {tex} (see {work / name}.log)")
    return total


def time_pandoc(tools: Tools, epub_json: Path, css: Path, work: Path) -> float:
    """One bare pandoc run on the AST of ``epub_json``, with epub.py's options."""
    work.mkdir(parents=True)
    (work / "data").mkdir()
    data = json.dumps(json.loads(epub_json.read_text(encoding="utf-8"))["ast"],
                      ensure_ascii=False).encode("utf-8")
    cmd = [tools.pandoc, *PANDOC_FLAGS, f"--output={work / 'book.epub'}",
           f"--data-dir={work / 'data'}", f"--css={css}"]
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "0"))
    started = time.perf_counter()
    proc = subprocess.run(cmd, input=data, cwd=work, env=env, capture_output=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(f"pandoc failed on {epub_json}: {proc.stderr[:300]!r}")
    return seconds


def floor_once(project: Project, article: str, pdf_passes: dict[str, int],
               epub_keys: list[str]) -> tuple[dict[str, float], float]:
    """One timing of the bare engine runs behind some outputs.

    Returns seconds per output file and the CPU seconds of all the engine runs.
    """
    scratch = Path(tempfile.mkdtemp(dir=project.logs, prefix="floor-"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    per: dict[str, float] = {}
    for key, passes in sorted(pdf_passes.items()):
        tex = project.root / "output" / article / output_name(article, key, "tex")
        per[output_name(article, key, "pdf")] = time_lualatex(
            project.tools, tex, passes, scratch / f"tex-{key}")
    for key in epub_keys:
        src = project.root / "build" / article / f"{key}.epub.json"
        per[output_name(article, key, "epub")] = time_pandoc(
            project.tools, src, project.root / "templates" / "epub.css", scratch / f"epub-{key}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(scratch, ignore_errors=True)
    return per, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def summarize_floor(samples: list[dict[str, float]], cpu: list[float],
                    pdf_passes: dict[str, int], epub_keys: list[str]) -> dict[str, Any]:
    return {"total": stats([sum(s.values()) for s in samples]), "cpu": stats(cpu),
            "per_output": {name: stats([s[name] for s in samples]) for name in samples[0]},
            "pdf_passes": pdf_passes, "epub_keys": epub_keys}


# --- the figures --------------------------------------------------------------------------


def measure_startup(project: Project, repeat: int) -> dict[str, Any]:
    """Bare interpreter start-up and ``import pipeline.cli`` (each command pays both)."""
    py = str(project.root / ".venv" / "bin" / "python")
    out = {}
    for label, code in (("python -c pass", "pass"),
                        ("python -c 'import pipeline.cli'", "import pipeline.cli")):
        samples = []
        env = project.tools.env(project.logs)
        for _ in range(max(5, 3 * repeat)):
            started = time.perf_counter()
            subprocess.run([py, "-c", code], cwd=project.root, env=env, check=True)
            samples.append(time.perf_counter() - started)
        out[label] = stats(samples)
    return out


def measure_cold(project: Project, repeat: int) -> dict[str, Any]:
    """Cold serial builds of the seed, each followed by its engine floor (paired samples).

    A warm-up build comes first (bytecode, page cache, fonts), then a profile build
    for the per-stage breakdown; neither is counted. Each timed build is
    followed at once by the bare engine runs it needed (as many lualatex passes per
    edition as it made, one pandoc run per EPUB), so that a build and its floor
    see the same machine load; the ratio is taken per pair.
    """
    project.clean()
    warm = project.make()
    project.check_complete()
    project.clean()
    profile = project.make(profile=True)
    log(f"cold build: warm-up {warm.wall:.2f} s, profile {profile.wall:.2f} s")
    builds, floors, floor_cpu = [], [], []
    for i in range(repeat):
        project.clean()
        b = project.make()
        project.check_complete()
        per, cpu = floor_once(project, SEED, b.passes(), list(KEYS))
        builds.append(b)
        floors.append(per)
        floor_cpu.append(cpu)
        log(f"cold build {i + 1}/{repeat}: {b.wall:.2f} s, floor {sum(per.values()):.2f} s, "
            f"passes {b.passes()}, others {b.others:.2f} CPU")
    passes = [b.passes() for b in builds]
    if any(p != passes[0] for p in passes):
        log(f"warning: lualatex passes differ between cold builds: {passes}")
    return {"wall": stats([b.wall for b in builds]), "cpu": stats([b.cpu for b in builds]),
            "load": stats([b.load for b in builds]),
            "others": stats([b.others for b in builds]),
            "floor": summarize_floor(floors, floor_cpu, passes[0], list(KEYS)),
            "ratio": stats([b.wall / sum(f.values())
                            for b, f in zip(builds, floors, strict=True)]),
            "cpu_ratio": stats([b.cpu / c for b, c in zip(builds, floor_cpu, strict=True)]),
            "builds": [b.summary() for b in builds], "passes": passes[0],
            "profile": profile_summary(profile)}


def profile_summary(build: Build) -> dict[str, Any]:
    """The per-stage breakdown of a profile build: rows per stage group, plus make."""
    rows = {}
    for group in GROUPS:
        cmds = [c for c in build.commands if c.group == group]
        if cmds:
            rows[group] = {"commands": len(cmds),
                           **{f: sum(getattr(c, f) for c in cmds)
                              for f in ("wall", "startup", "imports", "work", "engine",
                                        "probes", "exit")}}
    in_commands = sum(c.wall for c in build.commands)
    return {"wall": build.wall, "cpu": build.cpu, "rows": rows,
            "make_and_shell": build.wall - in_commands,
            "commands": [asdict(c) for c in build.commands], "build": build.summary()}


def measure_noop(project: Project, repeat: int) -> dict[str, Any]:
    """``make build`` with everything up to date."""
    builds = [project.make() for _ in range(repeat)]
    ran = [b for b in builds if b.engine or b.changed]
    if ran:
        log(f"warning: the no-op build ran something: {ran[0].summary()}")
    log(f"no-op: {[round(b.wall, 3) for b in builds]} s")
    return {"wall": stats([b.wall for b in builds]), "load": stats([b.load for b in builds]),
            "others": stats([b.others for b in builds]),
            "builds": [b.summary() for b in builds]}


_REPLACE = re.compile(r'^(\s*(?:-\s*)?replace:\s*")([^"\n]*)(")', re.M)
_NOTE = re.compile(r"^(\s*(?:-\s*)?note:\s*)(.*)$", re.M)


def text_edit(yaml_text: str) -> tuple[str, str]:
    """A one-line, visible change: the first correction's replacement changes a letter's case.

    The last word of the first multi-word ``replace:`` gets its first letter's case
    switched, so the entry still matches exactly once and the text still typesets.
    """
    for m in _REPLACE.finditer(yaml_text):
        words = m.group(2).split(" ")
        if len(words) >= 2 and words[-1][:1].isalpha():
            last = words[-1]
            words[-1] = last[0].swapcase() + last[1:]
            new = " ".join(words)
            return (yaml_text[:m.start(2)] + new + yaml_text[m.end(2):],
                    f"replace: {m.group(2)!r} → {new!r}")
    raise BenchError("corrections.yaml has no multi-word `replace:` to edit")


def note_edit(yaml_text: str) -> tuple[str, str]:
    """A one-line change that shows in no edition: the first ``note:`` gets a suffix."""
    m = _NOTE.search(yaml_text)
    if not m:
        raise BenchError("corrections.yaml has no `note:` to edit")
    new = m.group(2) + " (checked)"
    return yaml_text[:m.start(2)] + new + yaml_text[m.end(2):], "note: … + ' (checked)'"


def measure_edit(project: Project, article: str, repeat: int, kind: str) -> dict[str, Any]:
    """Toggle a one-line edit of ``corrections.yaml``; time ``make build`` after each toggle.

    The first toggle of the text edit is a profile build (not counted). Toggling
    back and forth makes every timed build follow a real one-line change; the file
    ends as it started and the project is left up to date. Each timed build is
    followed by the floor of the outputs it changed (their mtimes moved): its
    lualatex passes for each changed PDF, one pandoc run for each changed EPUB.
    """
    path = project.root / "input" / article / "corrections.yaml"
    original = path.read_text(encoding="utf-8")
    edited, what = (text_edit if kind == "text" else note_edit)(original)
    versions = [edited, original]
    profile = None
    state = 0
    if kind == "text":
        path.write_text(edited, encoding="utf-8")
        profile = project.make(profile=True)
        state = 1
    builds, floors, floor_cpu = [], [], []
    for i in range(repeat):
        path.write_text(versions[state % 2], encoding="utf-8")
        state += 1
        b = project.make()
        names = [c.split("/", 1)[1] for c in b.changed]
        pdf_passes = {key_of(article, n): b.passes().get(key_of(article, n), 0)
                      for n in names if n.endswith(".pdf")}
        epub_keys = [key_of(article, n) for n in names if n.endswith(".epub")]
        per, cpu = floor_once(project, article, pdf_passes, epub_keys)
        builds.append(b)
        floors.append(per)
        floor_cpu.append(cpu)
        log(f"edit ({kind}) {i + 1}/{repeat}: {b.wall:.2f} s, floor {sum(per.values()):.2f} s; "
            f"changed {len(b.changed)} outputs; passes {b.passes()}, others {b.others:.2f} CPU")
    if path.read_text(encoding="utf-8") != original:
        path.write_text(original, encoding="utf-8")
        project.make()
    if len({tuple(b.changed) for b in builds}) > 1:
        log(f"warning: the edit changed different outputs: {[b.changed for b in builds]}")
    first = builds[0]
    out: dict[str, Any] = {
        "edit": what, "wall": stats([b.wall for b in builds]),
        "load": stats([b.load for b in builds]), "others": stats([b.others for b in builds]),
        "changed": [c.split("/", 1)[1] for c in first.changed],
        "builds": [b.summary() for b in builds], "floor": None, "ratio": None,
        "profile": profile_summary(profile) if profile else None}
    if floors[0]:
        out["floor"] = summarize_floor(floors, floor_cpu, first.passes(),
                                       [key_of(article, n) for n in out["changed"]
                                        if n.endswith(".epub")])
        out["ratio"] = stats([b.wall / sum(f.values())
                              for b, f in zip(builds, floors, strict=True)])
        out["cpu_ratio"] = stats([b.cpu / c for b, c in zip(builds, floor_cpu, strict=True)])
    return out


def make_test_pdfs(dest: Path, sizes: tuple[int, int]) -> dict[int, Path]:
    """Kyrgyz/Russian PDFs of exactly ``sizes`` pages: the seed's body repeated.

    Typeset by tests/pdfgen.py (reportlab, PT Serif, no space glyphs, running heads)
    and cut to size with pikepdf.
    """
    import pikepdf

    sys.path.insert(0, str(ROOT / "tests"))
    from pdfgen import FRONT, make_pdf, seed_blocks

    blocks = seed_blocks()
    front = [b for b in blocks if b[0] in FRONT]
    body = [b for b in blocks if b[0] not in FRONT]
    dest.mkdir(parents=True, exist_ok=True)
    big = dest / "generated.pdf"
    copies = 1
    while True:
        expected = make_pdf(big, front + body * copies, running_head="Бенчмарк · Benchmark")
        if expected.page_count >= max(sizes):
            break
        per_copy = max(1.0, expected.page_count / copies)
        copies = max(copies + 1, int(max(sizes) / per_copy) + 2)
    out = {}
    for n in sizes:
        with pikepdf.open(big) as pdf:
            del pdf.pages[n:]
            pdf.save(dest / f"{n}-pages.pdf", deterministic_id=True)
        out[n] = dest / f"{n}-pages.pdf"
    return out


def _probe(project: Project, mode: str, pdf: Path) -> dict[str, Any]:
    """One extraction (``ours`` or ``bare``) in a fresh process: extract_probe.py's record."""
    usage = Usage()
    proc = subprocess.run(
        [str(project.tools.python), str(BENCH / "extract_probe.py"), mode, str(pdf),
         "--root", str(project.root)],
        cwd=project.root, env=project.tools.env(project.logs), capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(f"extraction ({mode}, {pdf.name}) failed:\n" + proc.stderr[-1500:])
    rec = json.loads(proc.stdout)
    rec["others"] = usage.stop()[2]
    return rec


def longest_corpus_pdfs(corpus: Path = CORPUS, count: int = CORPUS_LONGEST) -> list[Path]:
    """The corpus's ``count`` PDFs with the most pages (none when the corpus is absent)."""
    import pikepdf

    pages = []
    for pdf in sorted(corpus.glob("*.pdf")):
        try:
            with pikepdf.open(pdf) as doc:
                pages.append((len(doc.pages), pdf.name, pdf))
        except pikepdf.PdfError:
            continue
    return [p for _, _, p in sorted(pages, key=lambda t: (-t[0], t[1]))[:count]]


#: Pages of the generated figure-heavy PDF (issue 16: figures, tables and formulas must
#: not take extraction below its speed target).
FIGURE_HEAVY_PAGES = 20


def make_figure_heavy_pdf(dest: Path, pages: int = FIGURE_HEAVY_PAGES) -> Path:
    """tests/pdfgen_objects.py's article (a ruled and an unruled table, a raster figure, a
    vector chart, a numbered formula on every other page) set to ``pages`` pages."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfgen_objects import objects_pdf

    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"figure-heavy-{pages}.pdf"
    objects_pdf(path, repeat=pages // 2)
    return path


def measure_corpus_extraction(project: Project, repeat: int) -> dict[str, Any]:
    """Ours and bare pdfplumber side by side on each of the corpus's longest PDFs, and on
    a generated figure-heavy one.

    Real PDFs have what the generated one lacks (object streams, math fonts,
    8-bit fonts without a map, several columns): the speed target must hold on
    each of them. Ours and bare alternate, so each ratio is taken per pair.
    """
    out: dict[str, Any] = {}
    heavy = make_figure_heavy_pdf(project.root / ".bench-pdf")
    for pdf in [*longest_corpus_pdfs(), heavy]:
        recs: dict[str, list[dict]] = {"ours": [], "bare": []}
        for rep in range(repeat):
            for mode in ("ours", "bare"):
                rec = _probe(project, mode, pdf)
                recs[mode].append(rec)
                log(f"corpus extraction {rep + 1}/{repeat} {mode} {pdf.name}: "
                    f"{rec['pages'] / rec['seconds']:.1f} pages/s "
                    f"(CPU {rec['cpu_seconds']:.2f} s), peak {rec['rss_peak_kib'] / 1024:.0f} MiB, "
                    f"others {rec['others']:.2f} CPU")
        pairs = list(zip(recs["ours"], recs["bare"], strict=True))
        out[pdf.name] = {
            "pages": recs["ours"][0]["pages"],
            **{mode: {"pages_per_s": stats([r["pages"] / r["seconds"] for r in rs]),
                      "cpu_seconds": stats([r["cpu_seconds"] for r in rs]),
                      "peak_mib": stats([r["rss_peak_kib"] / 1024 for r in rs]),
                      "baseline_mib": stats([r["rss_baseline_kib"] / 1024 for r in rs]),
                      "others": stats([r["others"] for r in rs])}
               for mode, rs in recs.items()},
            "speed_ratio": stats([(o["pages"] / o["seconds"]) / (b["pages"] / b["seconds"])
                                  for o, b in pairs]),
            "cpu_speed_ratio": stats([b["cpu_seconds"] / o["cpu_seconds"] for o, b in pairs]),
            "memory_ratio": stats([(o["rss_peak_kib"] - o["rss_baseline_kib"])
                                   / max(b["rss_peak_kib"] - b["rss_baseline_kib"], 1)
                                   for o, b in pairs]),
        }
    return out


def measure_extraction(project: Project, sizes: tuple[int, int], repeat: int
                       ) -> dict[str, Any]:
    """Our extractor and bare pdfplumber on the same PDFs, each run in a fresh process:
    the generated PDFs at two sizes, then the corpus's longest PDFs."""
    pdfs = make_test_pdfs(project.root / ".bench-pdf", sizes)
    samples: dict[str, dict[int, list[dict]]] = {"ours": {}, "bare": {}}
    for rep in range(repeat):
        for n, pdf in pdfs.items():
            for mode in ("ours", "bare"):
                rec = _probe(project, mode, pdf)
                samples[mode].setdefault(n, []).append(rec)
                log(f"extraction {rep + 1}/{repeat} {mode} {n} pages: "
                    f"{rec['pages'] / rec['seconds']:.1f} pages/s, "
                    f"peak {rec['rss_peak_kib'] / 1024:.0f} MiB, others {rec['others']:.2f} CPU")
    out: dict[str, Any] = {"sizes": list(sizes)}
    for mode, by_size in samples.items():
        out[mode] = {}
        for n, recs in by_size.items():
            out[mode][str(n)] = {
                "pages": recs[0]["pages"],
                "pages_per_s": stats([r["pages"] / r["seconds"] for r in recs]),
                "seconds": stats([r["seconds"] for r in recs]),
                "pages_per_cpu_s": stats([r["pages"] / r["cpu_seconds"] for r in recs]),
                "peak_mib": stats([r["rss_peak_kib"] / 1024 for r in recs]),
                "baseline_mib": stats([r["rss_baseline_kib"] / 1024 for r in recs]),
                "module": recs[0]["module"],
                "others": stats([r["others"] for r in recs]),
            }
    small, large = sizes
    ours, bare = samples["ours"], samples["bare"]

    def pps(rec: dict) -> float:
        return rec["pages"] / rec["seconds"]

    out["speed_ratio"] = stats([pps(o) / pps(b)
                                for o, b in zip(ours[large], bare[large], strict=True)])
    out["cpu_speed_ratio"] = stats([b["cpu_seconds"] / o["cpu_seconds"]
                                    for o, b in zip(ours[large], bare[large], strict=True)])
    for mode, by_size in samples.items():
        out[f"memory_ratio_{mode}"] = stats([big["rss_peak_kib"] / little["rss_peak_kib"]
                                             for little, big in zip(by_size[small],
                                                                    by_size[large],
                                                                    strict=True)])
    out["corpus"] = measure_corpus_extraction(project, repeat)
    return out


def measure_scale(base: Project, dest: Path, copies: int, repeat: int) -> dict[str, Any]:
    """``copies`` copies of the seed under new ids, ``make -j2 build`` from clean.

    Each sample is paired with a cold serial single-article build in ``base`` made
    just before it: the reference is ``copies`` × that build, under the same load.
    """
    ids = {f"seed-copy-{i:02d}": SEED for i in range(1, copies + 1)}
    project = Project.create(dest, base.tools, ids, source=base.root)
    builds, singles = [], []
    for i in range(repeat):
        base.clean()
        single = base.make()
        project.clean()
        b = project.make(jobs=2)
        project.check_complete()
        builds.append(b)
        singles.append(single)
        log(f"scale {i + 1}/{repeat}: {copies} articles with -j2 in {b.wall:.1f} s "
            f"(cpu {b.cpu:.1f} s, others {b.others:.2f} CPU); one article serial "
            f"{single.wall:.2f} s (others {single.others:.2f} CPU)")
    shutil.rmtree(dest, ignore_errors=True)
    return {"copies": copies, "jobs": 2, "wall": stats([b.wall for b in builds]),
            "cpu": stats([b.cpu for b in builds]), "load": stats([b.load for b in builds]),
            "others": stats([b.others for b in builds]),
            "single_others": stats([b.others for b in singles]),
            "single": stats([b.wall for b in singles]),
            "single_cpu": stats([b.cpu for b in singles]),
            "serial": stats([copies * b.wall for b in singles]),
            "ratio": stats([b.wall / (copies * s.wall)
                            for b, s in zip(builds, singles, strict=True)]),
            "builds": [b.summary() for b in builds]}


# --- targets and the report -----------------------------------------------------------------


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target the measured figures allow to judge: value (median), spread, PASS/MISS.

    Ratios are medians of paired samples (a build and its floor, our extractor and
    bare pdfplumber, the -j2 build and its serial reference, measured one after
    the other), so that a change in machine load hits both sides of a ratio.
    """
    out = []

    def add(figure: str, st: dict[str, Any], limit: float, unit: str, target: str,
            higher_is_better: bool = False) -> None:
        value = st["median"]
        ok = value >= limit if higher_is_better else value <= limit
        out.append({"figure": figure, "value": value, "min": st["min"], "max": st["max"],
                    "limit": limit, "unit": unit, "target": target, "ok": ok})

    cold, edit, ex, scale = (results.get(k) for k in ("cold", "edit", "extract", "scale"))
    if cold:
        add("cold", cold["ratio"], TARGETS["cold"], "× floor",
            f"≤ {TARGETS['cold']} × engine floor")
    if results.get("noop"):
        add("noop", results["noop"]["wall"], TARGETS["noop"], "s", f"< {TARGETS['noop']:g} s")
    if edit and edit.get("ratio"):
        add("edit", edit["ratio"], TARGETS["edit"], "× floor", f"≤ {TARGETS['edit']} × its floor")
    if ex:
        add("extract_speed", ex["speed_ratio"], TARGETS["extract_speed"], "× bare",
            f"≥ {TARGETS['extract_speed']} × bare pdfplumber pages/s", higher_is_better=True)
        add("extract_memory", ex["memory_ratio_ours"], TARGETS["extract_memory"],
            f"× {ex['sizes'][0]} pages",
            f"peak ≤ {TARGETS['extract_memory']} × peak at {ex['sizes'][0]} pages")
        for name, c in ex.get("corpus", {}).items():
            add(f"extract_speed:{name}", c["speed_ratio"], TARGETS["extract_speed"], "× bare",
                f"≥ {TARGETS['extract_speed']} × bare pdfplumber pages/s", higher_is_better=True)
    if scale:
        add("scale", scale["ratio"], TARGETS["scale"], "× serial",
            f"≤ {TARGETS['scale']} × {scale['copies']} serial builds")
    return out


def _s(st: dict[str, Any], unit: str = "s", digits: int = 2) -> tuple[str, str]:
    """(median, min–max) as text."""
    f = f"{{:.{digits}f}}"
    return (f.format(st["median"]) + f" {unit}",
            f.format(st["min"]) + "–" + f.format(st["max"]) + f" {unit}")


def render_markdown(results: dict[str, Any]) -> str:
    """bench/results.md: the figures with their targets, then the details behind them."""
    meta = results["meta"]
    targets = {t["figure"]: t for t in results.get("targets", [])}
    lines = [
        "# basma benchmarks", "",
        f"Generated by `bench/bench.py` on {meta['date']} ({meta['git']}), {meta['cpus']} CPUs, "
        f"Python {meta['python']}, {meta['lualatex']}, pandoc {meta['pandoc']}; "
        f"repeat {meta['repeat']}; Python bytecode cache "
        f"{'on' if meta.get('bytecode_cache', True) else 'off (PYTHONDONTWRITEBYTECODE=1)'}; "
        f"load average {meta['load_before']} before, "
        f"{meta['load_after']} after. Median and spread (min–max) of each figure; `others` "
        "is the median CPU other processes used while its samples ran (from /proc/stat, in "
        "CPUs of the 2: other sessions' work on the machine slows builds down).", "",
        "| figure | median | spread | n | others | target | result |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(label: str, st: dict[str, Any] | None, unit: str = "s", digits: int = 2,
            key: str | None = None, note: str = "", others: dict[str, Any] | None = None
            ) -> None:
        if st is None:
            return
        med, spread = _s(st, unit, digits)
        target, result = "", note
        if key and key in targets:
            t = targets[key]
            target = t["target"]
            result = (("**PASS**" if t["ok"] else "**MISS**")
                      + f" {t['value']:.2f} {t['unit']} ({t['min']:.2f}–{t['max']:.2f})"
                      + (f"; {note}" if note else ""))
        busy = f"{others['median']:.2f}" if others else ""
        lines.append(f"| {label} | {med} | {spread} | {st['n']} | {busy} | {target} | {result} |")

    cold, noop, edit = results.get("cold"), results.get("noop"), results.get("edit")
    if cold:
        row("cold build (`make build`, -j1)", cold["wall"], key="cold", others=cold["others"],
            note=f"CPU time {cold['cpu_ratio']['median']:.2f} × the floor's")
        row("engine floor of the cold build", cold["floor"]["total"],
            note=f"lualatex passes {cold['floor']['pdf_passes']}, 4 pandoc")
    if noop:
        row("no-op build", noop["wall"], digits=3, key="noop", others=noop["others"])
    if edit:
        row("edit loop (corrections.yaml, text)", edit["wall"], key="edit", others=edit["others"],
            note=(f"CPU time {edit['cpu_ratio']['median']:.2f} × the floor's"
                  if edit.get("cpu_ratio") else ""))
        if edit.get("floor"):
            row("floor of the edit's changed outputs", edit["floor"]["total"],
                note=", ".join(edit["floor"]["per_output"]))
    note = results.get("edit_note")
    if note:
        row("edit loop (corrections.yaml, note only)", note["wall"], others=note["others"],
            note=f"information: no PDF or EPUB changes ({', '.join(note['changed'])})")
    ex = results.get("extract")
    if ex:
        small, large = (str(n) for n in ex["sizes"])
        row(f"extraction, ours, {large} pages", ex["ours"][large]["pages_per_s"],
            "pages/s", 1, key="extract_speed", others=ex["ours"][large]["others"],
            note=f"CPU time: {ex['cpu_speed_ratio']['median']:.2f} × bare's speed")
        row(f"extraction, bare pdfplumber, {large} pages", ex["bare"][large]["pages_per_s"],
            "pages/s", 1, others=ex["bare"][large]["others"])
        row(f"extraction, ours, {small} pages", ex["ours"][small]["pages_per_s"], "pages/s", 1,
            others=ex["ours"][small]["others"])
        row(f"extraction, bare pdfplumber, {small} pages", ex["bare"][small]["pages_per_s"],
            "pages/s", 1, others=ex["bare"][small]["others"])
        for name, c in ex.get("corpus", {}).items():
            row(f"extraction, ours, {name} ({c['pages']} pages)", c["ours"]["pages_per_s"],
                "pages/s", 1, key=f"extract_speed:{name}", others=c["ours"]["others"],
                note=f"CPU time: {c['cpu_speed_ratio']['median']:.2f} × bare's speed; peak "
                     f"{c['ours']['peak_mib']['median']:.0f} MiB vs bare's "
                     f"{c['bare']['peak_mib']['median']:.0f} MiB")
            row(f"extraction, bare pdfplumber, {name}", c["bare"]["pages_per_s"], "pages/s", 1,
                others=c["bare"]["others"])
        for mode, label in (("ours", "ours"), ("bare", "bare pdfplumber")):
            row(f"peak memory, {label}, {small} pages", ex[mode][small]["peak_mib"], "MiB", 0)
            growth = ex[f"memory_ratio_{mode}"]["median"]
            row(f"peak memory, {label}, {large} pages", ex[mode][large]["peak_mib"], "MiB", 0,
                key="extract_memory" if mode == "ours" else None,
                note="" if mode == "ours" else f"{growth:.2f} × {small} pages")
    scale = results.get("scale")
    if scale:
        n = scale["copies"]
        row(f"{n} articles, `make -j2 build`", scale["wall"], key="scale", others=scale["others"],
            note=f"CPU {scale['cpu']['median']:.0f} s vs "
                 f"{n * scale['single_cpu']['median']:.0f} s for {n} single builds")
        row(f"reference: {n} × a cold single-article build made just before",
            scale["serial"], note=f"single build {scale['single']['median']:.2f} s",
            others=scale["single_others"])
    lines.append("")
    lines += _details(results)
    return "\n".join(lines) + "\n"


def _breakdown(profile: dict[str, Any]) -> list[str]:
    out = ["| stage | commands | wall | start-up | imports | Python work | engine "
           "(lualatex, pandoc) | pandoc probes | exit |",
           "|---|---|---|---|---|---|---|---|---|"]
    totals = Counter()
    for group, r in profile["rows"].items():
        out.append(f"| {group} | {r['commands']} | " + " | ".join(
            f"{r[f]:.2f}" for f in ("wall", "startup", "imports", "work", "engine", "probes",
                                    "exit")) + " |")
        totals.update({k: v for k, v in r.items()})
    out.append(f"| make, bash, stamps | | {profile['make_and_shell']:.2f} | | | | | | |")
    out.append(f"| **total** | {totals['commands']} | **{profile['wall']:.2f}** | "
               + " | ".join(f"{totals[f]:.2f}" for f in ("startup", "imports", "work",
                                                           "engine", "probes", "exit"))
               + " |")
    return out


def _details(results: dict[str, Any]) -> list[str]:
    out: list[str] = []
    cold = results.get("cold")
    start = results.get("startup")
    if cold:
        prof = cold["profile"]
        out += ["## Where the cold build's time goes", "",
                f"One instrumented cold build ({prof['wall']:.2f} s wall, "
                f"{prof['cpu']:.2f} s CPU; the timed builds are not instrumented). Seconds; "
                "start-up = interpreter and site until the command's module runs, imports = "
                "every outermost import (start-up and lazy), engine = lualatex passes and "
                "pandoc conversions, probes = pypandoc's `pandoc --version` and epub.py's "
                "pandoc-api-version query.", ""]
        out += _breakdown(prof)
        out += ["", "Per command (seconds):", "",
                "| command | output | wall | start-up | imports | work | engine | probes |",
                "|---|---|---|---|---|---|---|---|"]
        for c in prof["commands"]:
            out.append(f"| {c['stage']} | {Path(c['output']).name} | " + " | ".join(
                f"{c[f]:.3f}" for f in ("wall", "startup", "imports", "work", "engine",
                                        "probes")) + " |")
        out.append("")
    if start:
        out += ["Reference: " + "; ".join(f"`{k}` {v['median'] * 1000:.0f} ms "
                                          f"({v['min'] * 1000:.0f}–{v['max'] * 1000:.0f})"
                                          for k, v in start.items()), ""]
    if cold and cold.get("floor"):
        fl = cold["floor"]
        b = cold["builds"][0]
        out += ["## Engine floor", "",
                "Bare `lualatex " + " ".join(LUALATEX_FLAGS) + "` on the generated "
                "`output/<id>/*.tex` in a fresh folder, as many passes as the build made, and "
                "bare pandoc on `build/<id>/<key>.epub.json`'s AST with epub.py's options.", "",
                "| output | passes | median | spread |", "|---|---|---|---|"]
        for name, st in fl["per_output"].items():
            passes = fl["pdf_passes"].get(key_of(SEED, name), "") if name.endswith(".pdf") \
                else "1"
            med, spread = _s(st)
            out.append(f"| {name} | {passes} | {med} | {spread} |")
        out += ["", "Each timed cold build is followed by its floor; the ratio is taken per "
                f"pair. Inside the first timed cold build the engines ran for "
                f"{b['engine_seconds']:.2f} s ({b['lualatex_runs']} lualatex, "
                f"{b['pandoc_conversions']} pandoc conversions) plus {b['pandoc_probes']} pandoc "
                f"probes ({b['probe_seconds']:.2f} s). CPU time: build "
                f"{cold['cpu']['median']:.2f} s, floor {fl['cpu']['median']:.2f} s "
                f"({cold['cpu_ratio']['median']:.2f} ×; less sensitive to other load than "
                "wall time).", ""]
    edit = results.get("edit")
    if edit:
        out += ["## Edit loop", "",
                f"Edit: `{edit['edit']}` in `input/{SEED}/corrections.yaml`, toggled. Outputs "
                f"changed: {', '.join(edit['changed'])}. lualatex passes per changed PDF: "
                f"{edit['builds'][0]['passes']}.", ""]
        if edit.get("profile"):
            out += ["Breakdown of one instrumented edit build:", ""]
            out += _breakdown(edit["profile"]) + [""]
    note = results.get("edit_note")
    if note:
        out += [f"Note-only edit (`{note['edit']}`): {note['wall']['median']:.2f} s, changed "
                f"{', '.join(note['changed'])}, engine runs: "
                f"{note['builds'][0]['lualatex_runs']} lualatex, "
                f"{note['builds'][0]['pandoc_conversions']} pandoc, "
                f"{note['builds'][0]['pandoc_probes']} probes.", ""]
    ex = results.get("extract")
    if ex:
        out += ["## Extraction", "",
                "Generated PDFs (tests/pdfgen.py: the seed's body repeated, PT Serif, no space "
                "glyphs, running heads, cut to size). Each run in a fresh process; memory is the "
                "process's peak resident set (`VmHWM`), baseline = after importing "
                "pdfplumber (and the pipeline). Ours and bare alternate, so their ratio is "
                "taken per pair.", "",
                "| extractor | pages | pages/s | pages per CPU-second | seconds | baseline MiB "
                "| peak MiB |", "|---|---|---|---|---|---|---|"]
        for mode in ("ours", "bare"):
            for n in ex["sizes"]:
                r = ex[mode][str(n)]
                out.append(f"| {mode} | {r['pages']} | {r['pages_per_s']['median']:.1f} | "
                           f"{r['pages_per_cpu_s']['median']:.1f} | "
                           f"{r['seconds']['median']:.1f} | {r['baseline_mib']['median']:.0f} | "
                           f"{r['peak_mib']['median']:.0f} |")
        c = ex["cpu_speed_ratio"]
        out += ["", f"In CPU time (less sensitive to other load on the machine) ours runs at "
                f"{c['median']:.2f} × bare pdfplumber's speed ({c['min']:.2f}–{c['max']:.2f}) "
                f"at {ex['sizes'][1]} pages.", ""]
        if ex.get("corpus"):
            out += [f"The corpus's {len(ex['corpus'])} longest PDFs (`{CORPUS}`), ours and "
                    "bare alternating; memory above the baseline (after the imports).", "",
                    "| PDF | pages | ours pages/s | bare pages/s | ratio | CPU ratio | ours peak "
                    "MiB | bare peak MiB | memory over baseline, ours ÷ bare |",
                    "|---|---|---|---|---|---|---|---|---|"]
            for name, c in ex["corpus"].items():
                out.append(
                    f"| {name} | {c['pages']} | {c['ours']['pages_per_s']['median']:.1f} | "
                    f"{c['bare']['pages_per_s']['median']:.1f} | "
                    f"{c['speed_ratio']['median']:.2f} | {c['cpu_speed_ratio']['median']:.2f} | "
                    f"{c['ours']['peak_mib']['median']:.0f} | "
                    f"{c['bare']['peak_mib']['median']:.0f} | "
                    f"{c['memory_ratio']['median']:.2f} |")
            out.append("")
    scale = results.get("scale")
    if scale:
        b = scale["builds"][0]
        cpu, wall = scale["cpu"]["median"], scale["wall"]["median"]
        serial_cpu = scale["copies"] * scale["single_cpu"]["median"]
        out += ["## Scale", "",
                f"{scale['copies']} copies of the seed (`input/seed-copy-NN`), `make -j2 build` "
                f"from clean, each paired with a cold serial single-article build made just "
                f"before it: {wall:.1f} s wall, {cpu:.1f} s CPU ({cpu / 2 / wall:.0%} of 2 "
                f"CPUs busy with the build; {scale['copies']} × the single build's CPU is "
                f"{serial_cpu:.1f} s); engines ran {b['engine_seconds']:.1f} s (summed over "
                f"parallel runs) in {b['lualatex_runs']} lualatex and "
                f"{b['pandoc_conversions']} pandoc runs.", ""]
    return out


def environment(repeat: int) -> dict[str, Any]:
    def first_line(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"

    import pypandoc

    git = first_line(["git", "-C", str(ROOT), "describe", "--always", "--dirty"])
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "git": git,
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "lualatex": first_line(["lualatex", "--version"]),
            "pandoc": pypandoc.get_pandoc_version(), "repeat": repeat,
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def write_results(results: dict[str, Any], out_dir: Path) -> None:
    results["meta"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["targets"] = evaluate(results)
    out_dir.mkdir(parents=True, exist_ok=True)  # --out may name a new folder
    (out_dir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    (out_dir / "results.md").write_text(render_markdown(results), encoding="utf-8")


# --- main -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    only = set(args.only.split(",")) if args.only else set(FIGURES)
    unknown = only - set(FIGURES)
    if unknown:
        raise BenchError(f"--only: unknown figure(s) {sorted(unknown)}; choose from {FIGURES}")
    if "scale" in only:
        only.add("cold")  # its reference is the cold single-article build
    results: dict[str, Any] = {"meta": environment(args.repeat)}
    results["meta"]["bytecode_cache"] = not (
        args.no_bytecode and os.environ.get("PYTHONDONTWRITEBYTECODE"))
    scratch = Path(tempfile.mkdtemp(prefix="basma-bench-", dir="/tmp"))
    log(f"scratch project in {scratch}")
    try:
        tools = Tools.create(scratch / "shims", ROOT / ".venv" / "bin" / "python",
                             bytecode=not args.no_bytecode)
        project = Project.create(scratch / "project", tools, {SEED: SEED})
        if "startup" in only:
            results["startup"] = measure_startup(project, args.repeat)
        if "cold" in only:
            results["cold"] = measure_cold(project, args.repeat)
            write_results(results, args.out)
        if {"noop", "edit"} & only and not (project.root / "output").exists():
            project.make()
        if "noop" in only:
            results["noop"] = measure_noop(project, args.repeat)
        if "edit" in only:
            results["edit"] = measure_edit(project, SEED, args.repeat, "text")
            results["edit_note"] = measure_edit(project, SEED, args.repeat, "note")
            write_results(results, args.out)
        if "extract" in only:
            results["extract"] = measure_extraction(project, tuple(args.pages), args.repeat)
            write_results(results, args.out)
        if "scale" in only:
            results["scale"] = measure_scale(project, scratch / "scale", args.copies,
                                             args.repeat)
        write_results(results, args.out)
    finally:
        if args.keep:
            log(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="basma benchmarks → bench/results.md, .json")
    p.add_argument("--repeat", type=int, default=3, help="samples per figure (default 3)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: repeat 1, 3 articles, 20- and 60-page PDFs")
    p.add_argument("--copies", type=int, default=12, help="articles in the scale figure")
    p.add_argument("--pages", type=int, nargs=2, default=[100, 300], metavar=("SMALL", "LARGE"),
                   help="sizes of the extraction PDFs (default 100 300)")
    p.add_argument("--only", help=f"comma-separated subset of {','.join(FIGURES)}")
    p.add_argument("--keep", action="store_true", help="keep the scratch project in /tmp")
    p.add_argument("--no-bytecode", action="store_true",
                   help="builds run with PYTHONDONTWRITEBYTECODE=1 if the environment sets it "
                        "(default: removed, as in an ordinary checkout)")
    p.add_argument("--out", type=Path, default=BENCH, help="where results.md/.json go")
    args = p.parse_args(argv)
    if args.quick:
        args.repeat, args.copies, args.pages = 1, 3, [20, 60]
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    # A plain SIGTERM would skip the clean-up of the scratch project.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        results = run(args)
    except BenchError as exc:
        print(f"error: bench: {exc}", file=sys.stderr)
        return 1
    for t in results["targets"]:
        print(f"{'PASS' if t['ok'] else 'MISS'}  {t['figure']:<15} {t['value']:10.2f}  "
              f"(limit {t['limit']:.2f}: {t['target']})")
    print(f"results: {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
