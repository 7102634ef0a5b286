"""make under hostile conditions (issue 21): folder names that are shell code, two builds
at once, a full disk, a read-only output folder, and builds killed at any moment.

Every test works on a copy of the project with one tiny article (a title and two
paragraphs), so that a build is real, all four editions with LuaLaTeX, pandoc and
epubcheck, but cheap. One clean build of it (``reference``) is shared: what the
other tests make must be byte-identical to it (``SOURCE_DATE_EPOCH`` is set).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import VENV, copy_project

from pipeline import install as installer

EPOCH = "1767225600"
TINY = "tiny"
SOURCE = """Мектептеги окуу жана коом

Бул кыска макала мектептеги окуу процессинин жаңы ыкмалары жөнүндө баяндайт. \
Мугалимдер окуучулар менен бирге иштешип, ар бир сабакты кызыктуу өткөрүүгө аракет кылышат.

Экинчи абзацта коомдун билим берүүгө болгон талаптары каралат. Ата-энелер жана \
мугалимдер балдардын келечеги үчүн чогуу жооп беришет.
"""
META = """language: ky
title:
  ky: Мектептеги окуу жана коом
  en: Learning at School and Society
"""
#: Folder names that ran commands, or stopped the build, through the old Makefile.
BAD_NAMES = ("`id>PWNED`", "a&id>PWNED2&b", "a;b", "a|b", "$(id)", "-n", "two words")
#: The editions the tiny project makes (make's KEYS): the journal's and one language's
#: are what the install, lock and kill cases need; four would double every build.
KEYS = "full en"
#: ``error: <file>: <what is wrong> — <what to do>``
MESSAGE = re.compile(r"^error: (?P<file>\S.*?): (?P<what>\S.*?) — (?P<todo>\S.*)$")


def make_env(epubcheck: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BASMA_", "MAKE"))}
    env.update(SOURCE_DATE_EPOCH=EPOCH, BASMA_EPUBCHECK="1" if epubcheck else "0")
    return env


def start_make(project: Path, *args: str, epubcheck: bool = False, jobs: int = 2,
               env: dict[str, str] | None = None, log: Path | None = None) -> subprocess.Popen:
    """``make -jN build`` in its own session (a kill reaches everything it started)."""
    log = log or project.parent / f"make-{time.monotonic_ns()}.log"
    out = open(log.with_suffix(".out"), "w")  # noqa: SIM115 - closed by finish()
    err = open(log.with_suffix(".err"), "w")  # noqa: SIM115
    proc = subprocess.Popen(["make", f"-j{jobs}", *(args or ("build",)), f"KEYS={KEYS}"],
                            cwd=project,
                            env=env or make_env(epubcheck), stdout=out, stderr=err,
                            start_new_session=True)
    proc.logs = (out, err)  # type: ignore[attr-defined]
    return proc


def finish(proc: subprocess.Popen, timeout: float = 300) -> subprocess.CompletedProcess:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    texts = []
    for fh in proc.logs:  # type: ignore[attr-defined]
        fh.close()
        texts.append(Path(fh.name).read_text(errors="replace"))
    return subprocess.CompletedProcess(proc.args, proc.returncode, texts[0], texts[1])


def make(project: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return finish(start_make(project, *args, **kw))


def new_project(dest: Path) -> Path:
    """A copy of the project with the tiny article as its only article, never built."""
    project = copy_project(dest, ())
    folder = project / "input" / TINY
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(SOURCE, encoding="utf-8")
    (folder / "meta.yaml").write_text(META, encoding="utf-8")
    (project / ".venv").symlink_to(VENV)
    return project


def copy_unbuilt(project: Path, dest: Path) -> Path:
    """A copy of a project without its build: the same code, templates and article
    (the working tree may change while the suite runs; the reference must not)."""
    dest.mkdir(parents=True)
    for name in ("pipeline", "templates", "input", "Makefile", "pyproject.toml"):
        if (project / name).is_dir():
            shutil.copytree(project / name, dest / name, copy_function=shutil.copy2)
        else:
            shutil.copy2(project / name, dest / name)
    (dest / ".venv").symlink_to(VENV)
    return dest


def copy_built(project: Path, dest: Path) -> Path:
    """A copy of a built project; copy2 keeps the timestamps make compares."""
    shutil.copytree(project, dest, symlinks=True, copy_function=shutil.copy2)
    return dest


def outputs(project: Path, under: str = "") -> dict[str, bytes]:
    """Every file under output/ (the manifest too), by its path there; with ``under``,
    only those under output/<under>/."""
    root = project / "output"
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / under).rglob("*")) if p.is_file()}


def temporaries(project: Path) -> list[str]:
    """What a build may leave only while it runs."""
    found = [p for p in (project / "output").rglob("*") if ".basma-" in p.name
             and p.name != installer.MANIFEST]
    found += [p for p in (project / "build").rglob("*") if ".basma-tmp" in p.name]
    return sorted(str(p.relative_to(project)) for p in found)


def stages(proc: subprocess.CompletedProcess) -> list[str]:
    return re.findall(rf"\[{TINY}\] (\w+)", proc.stderr)


def errors(proc: subprocess.CompletedProcess) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]


def survivors(project: Path, wait: float = 3.0) -> list[str]:
    """Processes still running in the project after its build was killed (a LuaLaTeX or
    pandoc left behind would write into the next build's working folders)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                cwd = os.readlink(proc / "cwd")
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            if state != "Z" and (cwd == str(project) or cwd.startswith(f"{project}/")):
                found.append(f"{proc.name}: {command[:200]}")
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def bad_pdfs(*folders: Path, pattern: str = "*.pdf") -> list[str]:
    """The PDFs in the folders that ``qpdf --check`` does not pass cleanly."""
    bad = []
    for folder in folders:
        for pdf in sorted(folder.glob(pattern)):
            proc = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
            if proc.returncode != 0:
                bad.append(f"{pdf}: {proc.stdout[-300:]}{proc.stderr[-300:]}")
    return bad


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory) -> Path:
    """The tiny article built once, cold, with every check on (epubcheck included)."""
    project = new_project(tmp_path_factory.mktemp("hostile") / "reference")
    proc = make(project, epubcheck=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "epubcheck" in stages(proc) and "install" in stages(proc), proc.stderr
    assert not temporaries(project)
    return project


@pytest.fixture(scope="module")
def reference(tiny_project) -> dict[str, bytes]:
    found = outputs(tiny_project)
    assert {f"{TINY}/{TINY}{k}.{e}" for k in ("", ".en") for e in ("pdf", "epub")
            } <= set(found), sorted(found)
    assert f"{TINY}/{installer.MANIFEST}" in found
    return found


def test_the_set_is_installed_once_and_make_does_nothing_after(tiny_project, reference):
    """The manifest lists every output; a second build runs nothing and is quick."""
    manifest = reference[f"{TINY}/{installer.MANIFEST}"].decode()
    listed = {ln.split("  ")[2] for ln in manifest.splitlines()}
    assert listed == {n.split("/", 1)[1] for n in reference} - {installer.MANIFEST}
    staged = tiny_project / "build" / TINY / "out"
    assert {p.name for p in staged.iterdir()} == listed
    started = time.monotonic()
    proc = make(tiny_project)
    seconds = time.monotonic() - started
    assert proc.returncode == 0 and not stages(proc), proc.stderr
    assert outputs(tiny_project) == reference
    assert seconds < 5, f"a no-op build took {seconds:.1f} s"


def _broken_epub(good: Path, dest: Path) -> None:
    """A copy of an EPUB with an element left open in its first chapter."""
    import zipfile

    with zipfile.ZipFile(good) as src, zipfile.ZipFile(dest, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".xhtml") and "nav" not in info.filename:
                data = data.replace(b"</body>", b"<p><span>open</p></body>", 1)
            out.writestr(info, data, compress_type=info.compress_type)


def test_an_invalid_epub_is_never_installed(tiny_project, reference, tmp_path):
    """A packed EPUB that epubcheck rejects stops the build with one line naming it and
    epubcheck's first message; neither the staged nor the installed EPUB changes."""
    project = copy_built(tiny_project, tmp_path / "p")
    packed = project / "build" / TINY / "epub" / f"{TINY}.en.epub"
    staged = project / "build" / TINY / "out" / f"{TINY}.en.epub"
    _broken_epub(staged, packed)
    proc = make(project, epubcheck=True)
    assert proc.returncode != 0
    assert len(errors(proc)) == 1 and MESSAGE.match(errors(proc)[0]), proc.stderr
    line = errors(proc)[0]
    assert line.startswith(f"error: build/{TINY}/epub/{TINY}.en.epub: epubcheck: "), line
    assert re.search(r"epubcheck: (FATAL|ERROR)\(RSC-0\d\d\)", line), line
    assert staged.read_bytes() == reference[f"{TINY}/{TINY}.en.epub"]
    assert outputs(project) == reference


def test_without_java_the_epubs_go_in_unchecked_with_a_warning(tiny_project, tmp_path):
    """No java on PATH: a changed EPUB is installed, and a warning says it was not
    checked (and the record of checked EPUBs does not list it)."""
    project = copy_built(tiny_project, tmp_path / "p")
    bin_dir = tmp_path / "bin"  # every program on PATH but java
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        for tool in Path(folder).glob("*") if Path(folder).is_dir() else ():
            if tool.name != "java" and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    source = project / "build" / TINY / "en.epub.json"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Learning at School and Society", "Learning at School, and Society"), encoding="utf-8")
    env = make_env(epubcheck=True)
    env["PATH"] = str(bin_dir)
    proc = make(project, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:")]
    assert warnings == [f"warning: build/{TINY}/epub/{TINY}.en.epub: not checked by epubcheck: "
                        "Java is not installed (no java on PATH) — install epubcheck and "
                        "default-jre-headless (make build does)"], proc.stderr
    installed = project / "output" / TINY / f"{TINY}.en.epub"
    assert installed.read_bytes() == (project / "build" / TINY / "epub" / installed.name
                                      ).read_bytes()
    record = (project / "build" / TINY / "epubcheck.stamp").read_text()
    assert installed.name not in record and f"{TINY}.epub" in record


def test_the_two_rename_install_gives_the_same_set(tiny_project, reference, tmp_path,
                                                   monkeypatch):
    """Where the filesystem cannot exchange two folders, the old set is moved aside and
    the new one renamed in: the same set, the editor's own file carried over, nothing
    left beside it."""
    target = tmp_path / "output" / TINY
    shutil.copytree(tiny_project / "output" / TINY, target, copy_function=shutil.copy2)
    (target / "editor-notes.txt").write_text("kept\n", encoding="utf-8")
    (target / f"{TINY}.pdf").write_bytes(b"an older PDF")
    monkeypatch.setattr(installer, "exchange", lambda a, b: False)
    installer.install(tiny_project / "build" / TINY / "out", target, manifest=True)
    assert outputs(tmp_path, TINY) == {**reference, f"{TINY}/editor-notes.txt": b"kept\n"}
    assert sorted(os.listdir(tmp_path / "output")) == [TINY]


def _bash_quoted(name: str) -> str:
    """How bash's ``printf %q`` (the Makefile's warning) writes a name."""
    return subprocess.run(["bash", "-c", 'printf %q "$1"', "_", name], capture_output=True,
                          text=True, check=True).stdout


def test_hostile_folder_names_are_named_and_left_out(tiny_project, reference, tmp_path):
    """Folders whose names are shell code beside the article: the article is built (its
    output folder is gone, so it is installed again), each bad folder is named in one
    warning line, and nothing any name holds is ever run."""
    project = copy_built(tiny_project, tmp_path / "p")
    for name in BAD_NAMES:
        folder = project / "input" / name
        folder.mkdir()
        (folder / "source.txt").write_text(SOURCE, encoding="utf-8")
    shutil.rmtree(project / "output")
    proc = make(project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert stages(proc) == ["install"], proc.stderr
    assert outputs(project) == reference
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == len(BAD_NAMES), proc.stderr
    for name in BAD_NAMES:
        named = [w for w in warnings if w.startswith(f"warning: input/{_bash_quoted(name)}: ")]
        assert len(named) == 1, (name, warnings)
    assert all("not built" in w for w in warnings)
    assert sorted(p.name for p in (project / "build").iterdir() if p.is_dir()) == [TINY]
    marker = re.compile(r"PWNED\d*")
    planted = [p for root in (project, Path.cwd(), tmp_path)
               for p in (root.rglob("*") if root != Path.cwd() else root.iterdir())
               if marker.fullmatch(p.name)]
    assert not planted, planted


def test_two_builds_at_once_exclude_each_other(tiny_project, tmp_path):
    """Ten rounds of two `make build` started together, each after an edit of one
    edition's LaTeX source (both builds then want LuaLaTeX in the same working folder,
    what damaged PDFs before the lock): each ends with exit 0 or one "already building"
    line, the edition is typeset exactly once, and every PDF is sound."""
    project = copy_built(tiny_project, tmp_path / "p")
    tex = project / "build" / TINY / "out" / f"{TINY}.en.tex"
    for round_ in range(10):
        text = tex.read_text(encoding="utf-8")
        tex.write_text(text.replace("\\end{document}", f"Round {round_}.\n\\end{{document}}"),
                       encoding="utf-8")
        first = start_make(project, log=tmp_path / f"a{round_}")
        second = start_make(project, log=tmp_path / f"b{round_}")
        runs = [finish(first), finish(second)]
        for run in runs:
            lines = run.stderr.strip().splitlines()
            waited = run.returncode != 0 and len(lines) == 1 and "already building" in lines[0]
            assert run.returncode == 0 or waited, (round_, run.stderr[-2000:])
        typeset = [s for run in runs for s in stages(run) if s == "pdf"]
        assert typeset == ["pdf"], (round_, [r.stderr for r in runs])
        assert f"Round {round_}." in subprocess.run(
            ["pdftotext", str(project / "output" / TINY / f"{TINY}.en.pdf"), "-"],
            capture_output=True, text=True, check=True).stdout
        assert not bad_pdfs(project / "output" / TINY, pattern=f"{TINY}.en.pdf")
    assert not bad_pdfs(project / "output" / TINY, project / "build" / TINY / "out")
    assert not temporaries(project)


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or proc.returncode}")


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def small_disk(tiny_project, tmp_path):
    """A built copy whose output/ is a 700 KB tmpfs holding the installed set."""
    project = copy_built(tiny_project, tmp_path / "p")
    shutil.rmtree(project / "output")
    _mount_tmpfs(project / "output", "700k")
    try:
        proc = make(project)
        assert proc.returncode == 0 and stages(proc) == ["install"], proc.stderr[-2000:]
        yield project
    finally:
        _umount(project / "output")


def test_a_full_disk_keeps_the_last_set(small_disk, reference, monkeypatch):
    """The output disk is nearly full: the build of a changed edition stops with one
    line before anything is copied, every previous output is still there byte for byte,
    and nothing is left beside it. A disk that fills while the set is copied (the
    space check passed) is the same one line. With space again, the set goes in."""
    project = small_disk
    assert outputs(project) == reference
    free, _ = installer.free_space(project / "output")
    filler = project / "output" / "filler"
    filler.write_bytes(b"\0" * (free - 24 * 1024))
    # A changed edition (its LaTeX source edited: the cheapest change that makes a new
    # PDF), whose new files need more than the space left.
    tex = project / "build" / TINY / "out" / f"{TINY}.en.tex"
    tex.write_text(tex.read_text(encoding="utf-8").replace(
        "\\end{document}", "A sentence added in the last edit.\n\\end{document}"),
        encoding="utf-8")
    proc = make(project)
    assert proc.returncode != 0
    assert errors(proc) == [ln for ln in proc.stderr.splitlines() if "error" in ln], proc.stderr
    assert len(errors(proc)) == 1 and MESSAGE.match(errors(proc)[0]), proc.stderr
    assert "not enough free space" in errors(proc)[0], proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    now = outputs(project)
    now.pop("filler")
    assert now == reference
    assert not temporaries(project)

    # The same with the check fooled: the copy itself meets ENOSPC.
    monkeypatch.setattr(installer, "free_space", lambda folder: (1 << 40, 4096))
    with pytest.raises(installer.InstallError) as caught:
        installer.install(project / "build" / TINY / "out", project / "output" / TINY,
                          manifest=True)
    line = caught.value.one_line()
    assert MESSAGE.match(line) and "No space left on device" in line, line
    now = outputs(project)
    now.pop("filler")
    assert now == reference
    assert not temporaries(project)

    filler.unlink()
    proc = make(project)
    assert proc.returncode == 0 and stages(proc) == ["install"], proc.stderr
    assert outputs(project) != reference
    assert "A sentence added in the last edit." in subprocess.run(
        ["pdftotext", str(project / "output" / TINY / f"{TINY}.en.pdf"), "-"],
        capture_output=True, text=True, check=True).stdout


def test_a_read_only_output_folder_keeps_the_last_set(small_disk, reference):
    """output/ mounted read-only: a build with something to install says so in one line
    and changes nothing; so does installing into a file or into a read-only folder
    directly, and into a path that is a file (``-o FILE``)."""
    project = small_disk
    subprocess.run(["mount", "-o", "remount,ro", str(project / "output")], check=True)
    (project / "build" / TINY / "out" / "cleaning-report.html").unlink()
    proc = make(project)
    assert proc.returncode != 0
    assert stages(proc) == ["report"], proc.stderr  # the install ran and failed
    assert len(errors(proc)) == 1 and MESSAGE.match(errors(proc)[0]), proc.stderr
    assert "Read-only file system" in errors(proc)[0], proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert outputs(project) == reference
    with pytest.raises(installer.InstallError) as caught:
        installer.install(project / "build" / TINY / "out", project / "output" / "other")
    assert "Read-only file system" in caught.value.one_line()
    subprocess.run(["mount", "-o", "remount,rw", str(project / "output")], check=True)
    a_file = project / "output" / "a-file"
    a_file.write_text("not a folder\n")
    with pytest.raises(installer.InstallError) as caught:
        installer.install(project / "build" / TINY / "out", a_file)
    assert MESSAGE.match(caught.value.one_line()) and "is a file" in caught.value.one_line()
    assert a_file.read_text() == "not a folder\n"
    a_file.unlink()
    assert outputs(project) == reference and not temporaries(project)


def test_stale_temporaries_are_cleared_and_a_set_moved_aside_comes_back(tiny_project,
                                                                        reference, tmp_path):
    """What a killed build can leave: a half-made set beside output/<id>, a writer's
    temporary file in the staging folder, and (two-rename install) the old set moved
    aside with output/<id> missing. The next build removes the first two and puts the
    set back."""
    project = copy_built(tiny_project, tmp_path / "p")
    out = project / "output"
    (out / f".{TINY}.basma-new-x1y2").mkdir()
    (out / f".{TINY}.basma-new-x1y2" / "document.json").write_text("{half")
    (project / "build" / TINY / "out" / f".{TINY}.pdf.basma-tmpab12").write_bytes(b"%PDF-")
    (out / TINY).rename(out / f".{TINY}.basma-old-q7w8")
    proc = make(project)
    assert proc.returncode == 0 and not stages(proc), proc.stderr
    assert outputs(project) == reference
    assert not temporaries(project)


#: make's $(PY) for the interrupted builds: the venv's Python, except that the first
#: run of the stage $KILL_STAGE is interrupted, with $KILL_SIGNAL sent to the whole
#: build (its process group), either $KILL_AFTER seconds in or once a file matching
#: $KILL_WHEN exists. An install is interrupted from inside, at an exact step:
#: before the new set is swapped in, or after the swap and before the old set is gone.
INTERRUPTING_PYTHON = r"""#!/bin/bash
py="{python}"
if [ "$3" = "$KILL_STAGE" ] && mkdir "$KILL_ONCE" 2>/dev/null; then
  if [ "$3" = install ]; then
    shift 2
    exec "$py" -c "$INSTALL_KILLER" "$@"
  fi
  # The watcher runs in the background, the stage in the foreground (exec): a
  # background command of a script ignores SIGINT, and the stage must not.
  stage=$$
  (
    if [ -n "$KILL_WHEN" ]; then
      while kill -0 "$stage" 2>/dev/null && ! compgen -G "$KILL_WHEN" >/dev/null; do
        sleep 0.01; done
    else
      sleep "$KILL_AFTER"
    fi
    kill -s "$KILL_SIGNAL" 0
  ) &
fi
exec "$py" "$@"
"""
INSTALL_KILLER = """
import os, signal, sys
sys.path.insert(0, os.getcwd())
import pipeline.install as installer
from pipeline.cli import main
step = os.environ["KILL_WHEN"]
swap, exchange = installer._swap_in, installer.exchange
def swap_in(new, target):
    os.killpg(0, signal.SIGKILL)
def exchanged(a, b):
    done = exchange(a, b)
    os.killpg(0, signal.SIGKILL)
    return done
if step == "before-swap":
    installer._swap_in = swap_in
else:
    installer.exchange = exchanged
sys.exit(main(sys.argv[1:]))
"""
#: The moments, in the order a serial cold build reaches them: stage, signal, when.
#: (The report waits for the PDFs, the EPUBs are packed after it, and checked together.)
MOMENTS = (
    ("extract", "KILL", "0.3"),
    ("pdf", "KILL", f"build/{TINY}/tex-full/{TINY}.aux"),  # LuaLaTeX's first pass
    ("pdf", "TERM", "1.0"),  # LuaLaTeX again, from a reset working folder
    ("epub", "KILL", "0.2"),  # pandoc packing the first EPUB
    ("epubcheck", "INT", "2"),  # the JVM checking the four
    ("install", "KILL", "before-swap"),
    ("install", "KILL", "after-swap"),
)


def test_killed_builds_resume_to_identical_outputs(tiny_project, reference, tmp_path):
    """A cold build interrupted seven times (kill -9 of everything five times, SIGTERM,
    SIGINT), each at a different moment, resumed by the next `make build`: until the
    new set is swapped in, the previous set stays as it was; then the last build
    completes and every output is byte-identical to a clean build's, with no temporary
    left. A LuaLaTeX pass killed mid-way leaves a working folder the next run resets."""
    project = copy_unbuilt(tiny_project, tmp_path / "p")
    # A previous set (an older build's files, and its manifest naming them).
    previous = {name.split("/", 1)[1]: b"previous " + name.encode() for name in reference
                if not name.endswith(installer.MANIFEST)}
    folder = project / "output" / TINY
    folder.mkdir(parents=True)
    for name, data in previous.items():
        (folder / name).write_bytes(data)
    (folder / installer.MANIFEST).write_text(installer.manifest_text(folder, sorted(previous)))
    before = outputs(project, TINY)
    shim = tmp_path / "interrupting-python"
    shim.write_text(INTERRUPTING_PYTHON.format(python=VENV / "bin" / "python"))
    shim.chmod(0o755)
    reset_seen = False
    for number, (stage, sig, when) in enumerate(MOMENTS):
        # epubcheck only where the JVM is what is interrupted (the reference build
        # checked these EPUBs; the check changes no byte).
        env = make_env(epubcheck=stage == "epubcheck")
        env.update(KILL_STAGE=stage, KILL_SIGNAL=sig, KILL_ONCE=str(tmp_path / f"once{number}"),
                   INSTALL_KILLER=INSTALL_KILLER)
        env["KILL_WHEN" if not re.fullmatch(r"[\d.]+", when) else "KILL_AFTER"] = when
        proc = make(project, "build", f"PY={shim}", jobs=1, env=env,
                    log=tmp_path / f"kill{number}")
        # A moment the build never reached (the stage did not run) would leave the test
        # weaker than it says: MOMENTS follow the order of a serial cold build.
        assert (tmp_path / f"once{number}").exists(), (stage, proc.stderr[-2000:])
        assert proc.returncode != 0, (stage, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, proc.stderr
        assert not survivors(project), (stage, sig)
        if stage == "pdf" and sig == "KILL":
            reset_seen = (project / "build" / TINY / "tex-full" / ".basma-pass-running").exists()
        if (stage, when) != ("install", "after-swap"):
            assert outputs(project, TINY) == before, stage  # the previous set, untouched
        else:
            assert outputs(project, TINY) == reference  # swapped in, complete
    assert reset_seen, "the killed LuaLaTeX pass left no trace to reset"
    proc = make(project, jobs=1)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not stages(proc), proc.stderr  # the swapped-in set was complete
    assert outputs(project) == reference
    assert not temporaries(project)
    assert not bad_pdfs(project / "output" / TINY)
