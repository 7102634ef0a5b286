"""The machinery of the bad-input tables (tests/test_errors.py, tests/test_hostile.py).

A ``Case`` is one input an editor (careless or hostile) could send; ``run_case``
builds it with ``python -m pipeline build PATH -o OUTDIR`` in a subprocess of its
own session, the way an editor does, over an output folder that already holds a
previous build (``previous_build``); ``check_run`` then asserts what every case
must show:

* the exit code (non-zero for an error);
* the message: stderr is exactly one line ``error: <file>: <what is wrong> — <what
  to do>``, never a traceback or an "internal error";
* nothing lost: after a failed build the whole case folder, the output folder
  included, is byte-identical; after a good build only the outputs changed.

A case may run under an address-space limit and a timeout, so that a regression
to a hang or a memory blow-up fails fast instead of taking the machine down.
``print_table`` prints every case with its exit code and message.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT

EPOCH = "1767225600"
#: ``error: <file>: <what is wrong> — <what to do>``
MESSAGE = re.compile(r"^error: (?P<file>\S.*?): (?P<what>\S.*?) — (?P<todo>\S.*)$")
#: Output names that cannot point outside their folder.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
EDITIONS = ("", ".ky", ".ru", ".en")
#: What the editor keeps in an output folder; no build may touch it.
EDITORS_FILE = "editor-notes.txt"
#: The exit status recorded for a build the test had to stop.
TIMED_OUT = -9
#: Files above this size are compared by size and mtime, not read: a sparse
#: multi-gigabyte source must not fill the test's own memory.
SNAPSHOT_READ_LIMIT = 64 * 2**20


def output_names(stem: str, editions: tuple[str, ...] | None = None) -> set[str]:
    """The outputs a build names after ``stem``: of every edition, or of ``editions``
    (keys, as ``build --editions`` takes them)."""
    names = {"document.json", "cleaning-report.html"}
    suffixes = EDITIONS if editions is None else tuple(
        "" if k == "full" else f".{k}" for k in editions)
    return names | {f"{stem}{key}.{ext}" for key in suffixes for ext in ("pdf", "epub", "tex")}


# --- inputs ------------------------------------------------------------------------------

TITLE = "Кыргызстандагы заманбап билим берүүнүн тенденциялары"
SMALL = f"""{TITLE}

Аннотация: Макалада заманбап билим берүүнүн негизги тенденциялары каралат: \
гумандаштыруу, демократиялаштыруу жана маалыматташтыруу.

Билим берүү системасы тез өзгөрүүдө. Мугалимдер жаңы технологияларды колдонушат, \
студенттер онлайн курстарда окушат.

Кыргыз Республикасынын Конституциясына ылайык, ар бир адам билим алууга укуктуу, \
ал эми билим берүү системасы бул укукту ишке ашыруу үчүн шарттарды түзөт.
"""


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def article(folder: Path, source: str | bytes = SMALL, **files: str | bytes) -> Path:
    """An article folder: source.txt and other files (meta.yaml, corrections.yaml …)."""
    write(folder / "source.txt", source)
    for name, data in files.items():
        write(folder / name.replace("_", "."), data)
    return folder


def path_without(dest: Path, *missing: str) -> Path:
    """A PATH folder with links to every program on PATH except ``missing``."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or not Path(folder).is_dir():
            continue
        for entry in os.scandir(folder):
            link = dest / entry.name
            if entry.name in missing or link.exists() or link.is_symlink():
                continue
            link.symlink_to(entry.path)
    return dest


def missing(*programs: str) -> str | None:
    """Why a case needing ``programs`` cannot run here, or None."""
    for program in programs:
        if not shutil.which(program):
            return f"{program} is not installed"
    if "tesseract" in programs:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True,
                               text=True).stdout.split()
        if "kir" not in langs:
            return "tesseract has no Kyrgyz (kir) data"
    return None


# --- cases -------------------------------------------------------------------------------


@dataclass
class Case:
    """One bad (or tricky) input and what the build must do with it."""

    name: str
    #: Makes the input (given the cwd and the fixtures); returns the PATH argument.
    setup: Callable[[Path, Path], str]
    #: The output stem (article id) the previous build's files are named after.
    stem: str
    #: The exit status; None: either builds (0) or refuses with a clear error (1).
    status: int | None = 1
    #: What the message's <file> must end with, and a regex for <what is wrong>.
    file: str | None = None
    what: str = ""
    #: A program the build must run without (simulates it not being installed).
    without: str | None = None
    #: Pass ``-o out``; otherwise the build picks ``output/<id>`` itself.
    output: bool = True
    cwd: str = "."
    slow: bool = False
    needs: tuple[str, ...] = ()
    #: Seconds before the build counts as hung and is stopped.
    timeout: int = 300
    #: An address-space limit (bytes) for the build and all it starts, or None.
    memory: int | None = None
    #: Environment changes: a value of None removes the variable.
    env: dict[str, str | None] = field(default_factory=dict)
    #: The command after ``python -m pipeline``; ``{path}`` and ``{out}`` are filled in.
    #: The default is ``build {path} -o {out}``.
    command: tuple[str, ...] = ()
    #: A prefix to the command (``setpriv …``), to run the build with fewer rights.
    wrapper: tuple[str, ...] = ()
    #: Only these editions (``build --editions``): a case about names or folders
    #: needs one typeset edition, not four (each is two LuaLaTeX passes).
    editions: tuple[str, ...] | None = None

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")[:80]

    @property
    def builds(self) -> bool:
        """Whether the command is a whole build, whose outputs the checks know."""
        return not self.command or self.command[0] == "build"

    def outdir(self, cwd: Path) -> Path:
        return cwd / ("out" if self.output else f"output/{self.stem}")

    def missing(self) -> str | None:
        return missing(*self.needs)


def copy_fixture(fixture: str, name: str) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        shutil.copyfile(fixtures / fixture, cwd / name)
        return name
    return setup


def file_setup(name: str, data: Callable[[], str | bytes] | str | bytes
               ) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        write(cwd / name, data() if callable(data) else data)
        return name
    return setup


def article_setup(name: str, **files: str | bytes) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        article(cwd / name, **files)
        return name
    return setup


# --- running -----------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` (hidden ones too) with its bytes.

    Links are recorded as their target, pipes and devices as their kind (reading
    them would hang), files over ``SNAPSHOT_READ_LIMIT`` by size, mtime and a hash
    of their first megabyte.
    """
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            out[rel] = b"-> " + os.readlink(path).encode()
        elif stat.S_ISDIR(info.st_mode):
            out[rel + "/"] = f"mode {info.st_mode:o}".encode()
        elif not stat.S_ISREG(info.st_mode):
            out[rel] = f"special {info.st_mode:o}".encode()
        elif info.st_size > SNAPSHOT_READ_LIMIT:
            with open(path, "rb") as fh:
                head = hashlib.sha256(fh.read(2**20)).hexdigest()
            out[rel] = f"large {info.st_size} {info.st_mtime_ns} {head}".encode()
        else:
            out[rel] = path.read_bytes()
    return out


def previous_build(outdir: Path, stem: str) -> None:
    """Files of an earlier build (known content) and one of the editor's."""
    if outdir.exists() and not outdir.is_dir():
        return  # the case's output path is a file on purpose
    for name in sorted(output_names(stem)) + [f"{stem}.log"]:
        write(outdir / name, f"previous build: {name}\n".encode() + bytes(range(256)))
    write(outdir / EDITORS_FILE, "Басмага 2026-03-01 жөнөтүлдү.\n")


@dataclass
class Run:
    case: Case
    root: Path
    cwd: Path
    outdir: Path
    before: dict[str, bytes]
    after: dict[str, bytes]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def message(self) -> str:
        lines = self.stderr.strip().splitlines()
        if self.returncode == 0:
            return "ok: " + (self.stdout.strip().splitlines() or ["(no output path)"])[-1]
        if not lines:
            return "(stderr empty)"
        extra = f" [+{len(lines) - 1} more stderr lines]" if len(lines) > 1 else ""
        return lines[-1] + extra

    def changed(self) -> set[str]:
        keys = self.before.keys() | self.after.keys()
        return {k for k in keys if self.before.get(k) != self.after.get(k)}


def _limit_memory(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return preexec


def run_case(case: Case, root: Path, fixtures: Path, paths: Path) -> Run:
    root.mkdir(parents=True)
    cwd = root / case.cwd
    cwd.mkdir(parents=True, exist_ok=True)
    arg = case.setup(cwd, fixtures)
    outdir = case.outdir(cwd)
    previous_build(outdir, case.stem)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASMA_")}
    # The build's own epubcheck (a JVM, ~8 s of CPU a build) is off: the tables check
    # their EPUBs in the suite's one JVM; a case that tests the gate turns it on.
    env.update(SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1",
               BASMA_EPUBCHECK="0")
    for key, value in case.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    if case.without:
        env["PATH"] = str(path_without(paths / f"without-{case.without}", case.without))
    out_arg = str(outdir.relative_to(cwd)) if case.output else ""
    if case.command:
        args = [a.format(path=arg, out=out_arg) for a in case.command]
    else:
        args = ["build", arg] + (["-o", out_arg] if case.output else [])
        if case.editions is not None:
            args += ["--editions", ",".join(case.editions)]
    cmd = [*case.wrapper, sys.executable, "-m", "pipeline", *args]
    before = snapshot(root)
    started = time.monotonic()
    # A session of its own, so a build that hangs is stopped with everything it started.
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True,
                            preexec_fn=_limit_memory(case.memory) if case.memory else None)
    try:
        stdout, stderr = proc.communicate(timeout=case.timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        status = TIMED_OUT
        stderr = (stderr.rstrip("\n") + "\n" if stderr.strip() else "") + (
            f"(test) the build was stopped after {case.timeout} s")
    seconds = time.monotonic() - started
    return Run(case, root, cwd, outdir, before, snapshot(root), status, stdout, stderr,
               seconds)


def run_all(cases: list[Case], base: Path, fixtures: Path,
            workers: int | None = None) -> dict[str, Run]:
    """Every runnable case built once; long builds first, several at a time."""
    active = [c for c in cases if c.missing() is None]
    active.sort(key=lambda c: not c.slow)
    workers = workers or max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {c.name: pool.submit(run_case, c, base / "cases" / c.slug, fixtures,
                                       base / "paths") for c in active}
        return {name: f.result() for name, f in futures.items()}


def print_table(config: pytest.Config, cases: list[Case], runs: dict[str, Run],
                title: str) -> None:
    lines = [f"{'case':<40} {'exit':>4} {'time':>6}  message"]
    for case in cases:
        run = runs.get(case.name)
        if run is None:
            lines.append(f"{case.name:<40} {'-':>4} {'-':>6}  skipped: {case.missing()}")
            continue
        lines.append(f"{case.name:<40} {run.returncode:>4} {run.seconds:>5.1f}s  {run.message}")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    # Shown whether or not a test failed (module teardown output is captured otherwise).
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is None:
            print("\n".join(lines))
            return
        reporter.write_line("")
        reporter.write_sep("-", title)
        for line in lines:
            reporter.write_line(line)


def get(runs: dict[str, Run], cases: list[Case], name: str) -> Run:
    if name not in runs:
        case = next(c for c in cases if c.name == name)
        pytest.skip(case.missing() or "not run")
    return runs[name]


# --- the checks: exit code, message, nothing lost -------------------------------------------


def _built_problems(case: Case, run: Run) -> list[str]:
    problems = []
    outdir = run.outdir.relative_to(run.root).as_posix() + "/"
    outside = sorted(p for p in run.changed() if not p.startswith(outdir))
    if outside:
        problems.append(f"wrote outside the output folder: {outside}")
    if run.returncode == 0:
        now = sorted(p.name for p in run.outdir.iterdir())
        expected = output_names(case.stem, case.editions)
        if not expected <= set(now):
            problems.append(f"outputs missing: {sorted(expected - set(now))}")
        stale = [n for n in expected if run.after.get(outdir + n) == run.before.get(outdir + n)]
        if stale:
            problems.append(f"outputs not rewritten: {sorted(stale)}")
        hidden = [n for n in now if n.startswith(".")]
        if hidden:
            problems.append(f"temporary files left in the output folder: {hidden}")
        unsafe = [n for n in now if not SAFE_NAME.fullmatch(n)]
        if unsafe:
            problems.append(f"unsafe output names: {unsafe}")
    if run.after.get(outdir + EDITORS_FILE) != run.before[outdir + EDITORS_FILE]:
        problems.append(f"the editor's {EDITORS_FILE} was changed or removed")
    return problems


def _refused_problems(case: Case, run: Run) -> list[str]:
    problems = []
    lines = run.stderr.splitlines()
    status = 1 if case.status is None else case.status
    if run.returncode != status:
        expected = f"{status}" if case.status else "0, or 1 with a clear error"
        problems.append(f"exit {run.returncode}, expected {expected}")
    if len(lines) != 1:
        problems.append(f"stderr has {len(lines)} lines, not one: {lines[:6]}")
    message = lines[-1] if lines else ""
    m = MESSAGE.match(message)
    if not m:
        problems.append(f"not `error: <file>: <what is wrong> — <what to do>`: {message[:300]!r}")
    else:
        if "internal error" in message:
            problems.append(f"an internal error, not a clear one: {message[:300]!r}")
        if case.file and not m["file"].endswith(case.file):
            problems.append(f"the message names {m['file'][:200]!r}, not {case.file!r}")
        if case.what and not re.search(case.what, m["what"]):
            problems.append(f"<what is wrong> {m['what'][:300]!r} does not match {case.what!r}")
    changed = sorted(run.changed())
    if changed:
        problems.append(f"the failed build changed files: {changed[:20]}")
    return problems


def check_run(case: Case, run: Run) -> list[str]:
    """What is wrong with a case's run: empty when it built, or refused, as it must."""
    problems: list[str] = []
    if "Traceback" in run.stderr + run.stdout:
        problems.append("a traceback was printed")
    if case.status == 0 or case.status is None and run.returncode == 0:
        if run.returncode != 0:
            problems.append(f"exit {run.returncode}, expected 0: {run.stderr.strip()[-1500:]}")
        if case.builds:
            problems += _built_problems(case, run)
    else:
        problems += _refused_problems(case, run)
    return problems
