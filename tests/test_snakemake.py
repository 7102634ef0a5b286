"""The Snakefile runs make's commands (issue 22).

The rule graph of both on the seed, job by job: each command make would run
(``make -n --trace``, with its prerequisites from ``make -p``'s database) is a job of
``snakemake --dry-run``, with the same inputs and outputs, and every stage of
pipeline/stages.py is among them. A stage added to the table alone fails it (shown by
adding one to a copy). Then a small text article built by both, byte for byte; the
resources of the stage table against the limits its programs run under.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEED_ID, VENV, copy_project, run_make

SNAKEMAKE = VENV / "bin" / "snakemake"
EPOCH = "1767225600"
#: make's own plumbing, which the Snakefile reads in-process instead.
MAKE_ONLY = {"build/issues.mk"}

pytestmark = pytest.mark.skipif(not SNAKEMAKE.exists(), reason="snakemake is not installed")


def scratch(dest: Path, articles=(SEED_ID,)) -> Path:
    project = copy_project(dest, articles)
    shutil.copy2(ROOT / "Snakefile", project / "Snakefile")
    shutil.copytree(ROOT / "profiles", project / "profiles")
    (project / ".venv").symlink_to(VENV)
    return project


def _env() -> dict[str, str]:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, BASMA_EPUBCHECK="0")


Jobs = dict[tuple[tuple[str, ...], ...], tuple[frozenset[str], frozenset[str]]]


def _command(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    """A recipe as words, line by line: quoting and spacing aside, the same command."""
    return tuple(tuple(shlex.split(line)) for line in lines if line.strip())


def make_jobs(project: Path, *args: str) -> Jobs:
    """What `make build` would run on a fresh copy: command → (outputs, inputs).

    A file whose rule has no recipe of its own and one prerequisite (``x.tex:
    editions.stamp ;``) is an output of that prerequisite's command, as Snakemake
    declares it."""
    proc = subprocess.run(["make", "-pn", "--trace", "locked-build", *args], cwd=project,
                          env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    recipes: dict[str, list[str]] = {}
    prereqs: dict[str, list[str]] = {}
    target = None
    for line in proc.stdout.splitlines():
        if line.startswith("Makefile:") and (": update target '" in line
                                             or line.endswith("' does not exist")):
            target = line.split("'")[1]
            recipes[target] = []
            continue
        if line.startswith("# GNU Make"):
            target = None
        if target is not None:
            recipes[target].append(line)
            continue
        if line and not line.startswith(("#", "\t", " ")) and ":" in line and \
                ":=" not in line and " = " not in line:
            name, _, rest = line.partition(": ")
            if "/" in name and "$" not in name:
                prereqs[name.rstrip(":")] = rest.split("|")[0].split()
    jobs: Jobs = {}
    for target, lines in recipes.items():
        if target in MAKE_ONLY or not any(s.strip() for s in lines):
            continue
        aliases = {f for f, deps in prereqs.items() if deps == [target] and f not in recipes}
        jobs[_command(lines)] = (frozenset({target} | aliases),
                                 frozenset(prereqs.get(target, [])))
    return jobs


def dry_run(project: Path) -> str:
    """What the SLURM profile would submit, the seed's and the archive's jobs (the profile
    prints every job's shell command): one dry run for the tests below."""
    proc = subprocess.run([str(SNAKEMAKE), "--profile", "profiles/slurm", "--dry-run", "all",
                           "archive"], cwd=project, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def snakemake_jobs(dry_run_text: str) -> Jobs:
    """The jobs of `snakemake --dry-run` but the archive's: command → (outputs, inputs)."""
    jobs: Jobs = {}
    fields: dict[str, str] = {}
    shell: list[str] | None = None
    for line in (dry_run_text + "\n").splitlines():
        if shell is not None:
            if line.strip():
                shell.append(line)
                continue
            outputs = frozenset(fields.get("output", "").split(", ")) - {""}
            if not any(f.startswith("output/archive/") or f.startswith("build/archive/")
                       for f in outputs):
                jobs[_command(shell)] = (outputs,
                                         frozenset(fields.get("input", "").split(", ")) - {""})
            shell, fields = None, {}
        elif line.startswith(("rule ", "localrule ")):
            fields = {}
        elif line.startswith("    ") and ": " in line:
            key, _, value = line.strip().partition(": ")
            fields[key] = value
        elif line.startswith("Shell command: ") and line != "Shell command: None":
            shell = [line[len("Shell command: "):]]  # (None: a target rule, all or archive)
    return jobs


def stage_names(project: Path) -> set[str]:
    """The stage table of ``project``'s own pipeline/stages.py."""
    out = subprocess.run([sys.executable, "-c", "from pipeline.stages import STAGES; "
                          "print(' '.join(s.name for s in STAGES))"], cwd=project,
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def differences(make: Jobs, snake: Jobs, stages: set[str]) -> list[str]:
    """Where the two graphs part; empty when they are the same."""
    found = []
    for cmd in sorted(set(make) - set(snake)):
        found.append(f"only make runs: {shlex.join(cmd[0])}")
    for cmd in sorted(set(snake) - set(make)):
        found.append(f"only snakemake runs: {shlex.join(cmd[0])}")
    for cmd in sorted(set(make) & set(snake)):
        (mo, mi), (so, si) = make[cmd], snake[cmd]
        if mo != so:
            found.append(f"{cmd[0][3]}: outputs make {sorted(mo)} snakemake {sorted(so)}")
        if mi != si:
            found.append(f"{cmd[0][3]}: inputs make {sorted(mi)} snakemake {sorted(si)}")
    for name, jobs in (("make", make), ("snakemake", snake)):
        run = {c[0][3] for c in jobs if c[0][1:3] == ("-m", "pipeline")}
        for stage in sorted(stages - run):
            found.append(f"{name} runs no {stage} stage of the table")
    return found


@pytest.fixture(scope="module")
def seed_copy(tmp_path_factory) -> Path:
    """The seed unbuilt, with a back catalogue beside it (which make must not take for an
    article: input/archive is a plain name)."""
    project = scratch(tmp_path_factory.mktemp("graph"))
    issue = project / "input" / "archive" / "1998" / "2"
    issue.mkdir(parents=True)
    (issue / "Асанов 1998.pdf").write_bytes(b"%PDF-1.4 not read by a dry run\n")
    return project


@pytest.fixture(scope="module")
def planned(seed_copy) -> str:
    return dry_run(seed_copy)


def test_the_rule_graphs_of_make_and_snakemake_are_the_same(seed_copy, planned):
    make = make_jobs(seed_copy)
    snake = snakemake_jobs(planned)
    assert differences(make, snake, stage_names(seed_copy)) == []
    # The seed's every step, its issue's too (each edition's pdf and epub: 4 + 4).
    assert len(make) == 24, sorted(c[0][3] for c in make)
    assert not any("archive" in f for outs, ins in make.values() for f in outs | ins)


def test_a_stage_added_to_the_table_alone_fails_the_comparison(seed_copy, planned, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(seed_copy, project, symlinks=True)
    stages = project / "pipeline" / "stages.py"
    text = stages.read_text(encoding="utf-8")
    old = "STAGES: tuple[Stage, ...] = TEXT_STAGES + WRITER_STAGES"
    assert old in text
    stages.write_text(text.replace(old, old + ' + (Stage("spelling", "pipeline.writers.report:'
                                   'render_report", "Document", "html", "spelling.html", '
                                   '"a throwaway stage"),)'), encoding="utf-8")
    found = differences(make_jobs(project), snakemake_jobs(planned), stage_names(project))
    assert found == ["make runs no spelling stage of the table",
                     "snakemake runs no spelling stage of the table"]
    # And the Snakefile itself refuses to plan without the new stage's rule.
    proc = subprocess.run([str(SNAKEMAKE), "--dry-run", "--cores", "1"], cwd=project,
                          env=_env(), capture_output=True, text=True)
    assert proc.returncode != 0
    assert ("error: Snakefile: stage spelling of pipeline/stages.py has no rule here"
            in proc.stdout + proc.stderr)


def test_the_slurm_profile_plans_every_job_with_resources(seed_copy, planned):
    """The cluster's dry run (no cluster needed): the seed and the archive, every job with
    its memory and time, OCR and LuaLaTeX with their own."""
    blocks = dict(re.findall(r"^rule (\w+):\n(.*?)(?=\n\n)", planned, re.M | re.S))
    assert "resources" in blocks.pop("all") and blocks.pop("archive")  # targets: no command
    assert len(blocks) == 24 + 19  # the seed's jobs, its issue's; the archive PDF's (no issue)
    for name, block in blocks.items():
        assert re.search(r"resources: .*mem_mb=\d+.*runtime=\d+", block), name
    assert "mem_mb=3584" in blocks["archive_pdf_full"] and "runtime=35" in blocks["pdf_ky"]
    assert "mem_mb=3072" in blocks["archive_extract"]
    assert "input: input/archive/1998/2/Асанов 1998.pdf" in blocks["archive_extract"]
    assert "output/archive/1998/2/Asanov-1998/.basma-installed" in blocks["archive_install"]
    proc = subprocess.run(["make", "-n", "locked-build"], cwd=seed_copy, env=_env(),
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "archive" not in proc.stdout + proc.stderr


def test_snakemake_builds_what_make_builds_byte_for_byte(tmp_path):
    """A small text article with the journal's edition only (make's KEYS=full), built by
    each in its own copy at the same time."""
    projects = {}
    for name in ("make", "snakemake"):
        project = scratch(tmp_path / name, ())
        article = project / "input" / "small"
        article.mkdir(parents=True)
        seed = ROOT / "input" / SEED_ID
        (article / "source.txt").write_text(
            "\n\n".join((seed / "source.txt").read_text(encoding="utf-8")
                        .split("\n\n")[:12]) + "\n", encoding="utf-8")
        shutil.copy2(seed / "meta.yaml", article / "meta.yaml")
        projects[name] = project
    env = _env()
    snake = subprocess.Popen([str(SNAKEMAKE), "--cores", "1", "--config", "keys=full"],
                             cwd=projects["snakemake"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    made = run_make(projects["make"], "build", "KEYS=full", jobs=1)
    log = snake.communicate()[0]
    assert made.returncode == 0, made.stderr[-3000:]
    assert snake.returncode == 0, log[-3000:]
    trees = {}
    for name, project in projects.items():
        out = project / "output" / "small"
        trees[name] = {str(p.relative_to(out)): p.read_bytes()
                       for p in sorted(out.rglob("*")) if p.is_file()}
    assert sorted(trees["make"]) == sorted(trees["snakemake"])
    assert "small.pdf" in trees["make"] and "small.epub" in trees["make"]
    different = [n for n in trees["make"] if trees["make"][n] != trees["snakemake"][n]]
    assert different == []


def test_the_stage_resources_cover_the_limits_of_their_programs():
    """A stage's time and memory for the scheduler are at least what pipeline/limits.py
    lets its programs take: the stage stops with its own error, not the scheduler's kill."""
    from importlib import import_module

    from pipeline.stages import BY_NAME
    from pipeline.writers import epub, typeset

    ocr = import_module("pipeline.readers.pdf.ocr")
    mb = 2**20
    pdf, extract, pack = (BY_NAME[n].resources for n in ("pdf", "extract", "epub"))
    assert pdf.runtime * 60 >= 3 * typeset.PASS_SECONDS  # typeset's max_passes
    assert pdf.mem_mb * mb > typeset.PASS_MEMORY
    assert extract.runtime_per_page * 60 >= 2 * ocr.PAGE_SECONDS  # pdftoppm, then tesseract
    assert extract.mem_mb * mb > ocr.OCR_MEMORY
    assert pack.runtime * 60 >= epub.EPUB_SECONDS and pack.mem_mb * mb > epub.EPUB_MEMORY
    # Retries only where a failure can come from outside the input.
    assert {s.name for s in BY_NAME.values() if s.resources.retries} == {"pdf"}
