"""The editing loop: corrections, metadata edits and incremental builds with make."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SEED_ID, VENV, built_copy, copy_project, run_make

INTERMEDIATES = ("extract.json", "clean.json", "segment.json", "tag.json")


def text_of(path) -> str:
    if path.suffix == ".pdf":
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
    else:
        import re
        import zipfile

        with zipfile.ZipFile(path) as z:
            out = " ".join(re.sub(r"<[^>]+>", " ", z.read(n).decode())
                           for n in z.namelist() if n.endswith(".xhtml"))
    # A soft hyphen (U+00AD, where a reading system may break a word) is not text.
    return " ".join(out.replace("\xad", "").split())


@pytest.fixture
def project(seed_project, tmp_path):
    """A private copy of the built seed project, outputs and timestamps included."""
    return built_copy(seed_project, tmp_path / "p")


def mtimes(project, *names):
    return {n: (project / n).stat().st_mtime_ns for n in names}


def generated(project: Path) -> dict[str, int]:
    """Every file under build/ and output/ with its mtime."""
    return {p.relative_to(project).as_posix(): p.stat().st_mtime_ns
            for d in ("build", "output") for p in (project / d).rglob("*") if p.is_file()}


def rewritten(project: Path, before: dict[str, int]) -> set[str]:
    return {n for n, t in generated(project).items() if before.get(n) != t}


def stages_run(proc) -> list[str]:
    """The stages make ran, from their progress lines (which two jobs running at once
    may print into one line)."""
    return re.findall(rf"\[{re.escape(SEED_ID)}\] (\w+)", proc.stderr)


def test_touching_routing_code_rebuilds_nothing(project):
    """cli.py only routes a command to its stage: no output depends on it."""
    before = generated(project)
    (project / "pipeline" / "cli.py").touch()
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not stages_run(proc), proc.stderr
    assert not rewritten(project, before)


def test_touching_the_epub_stylesheet_rebuilds_only_the_epubs(project):
    """The four EPUBs are packed again, and only they; they come out the same, so
    epubcheck has nothing new to check and nothing is staged or installed."""
    before = generated(project)
    (project / "templates" / "epub.css").touch()
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    packed = f"build/{SEED_ID}/epub/{SEED_ID}"
    assert rewritten(project, before) == {f"{packed}{k}.epub" for k in ("", ".ky", ".ru", ".en")
                                          } | {f"build/{SEED_ID}/epubcheck.stamp"}
    assert stages_run(proc) == ["epub"] * 4 + ["epubcheck"], proc.stderr


def test_touching_hyphenation_remakes_the_tex_but_typesets_nothing(project):
    """The editions stage imports the hyphenator, so it runs again; the .tex files come
    out the same and are not rewritten, so no PDF is typeset."""
    before = generated(project)
    (project / "pipeline" / "writers" / "hyphenate.py").touch()
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert stages_run(proc) == ["editions"], proc.stderr
    assert rewritten(project, before) == {f"build/{SEED_ID}/editions.stamp"}


def test_corrections_show_in_every_output(seed_out):
    for key in ("", ".ru"):
        for ext in ("pdf", "epub"):
            text = text_of(seed_out / f"{SEED_ID}{key}.{ext}")
            assert "условиях и формировать" in text, (key, ext)
    for key in ("", ".ky"):
        for ext in ("pdf", "epub"):
            text = text_of(seed_out / f"{SEED_ID}{key}.{ext}")
            assert "Бириккен улуттар уюмунун" in text and "улуттуар" not in text, (key, ext)


def test_corrections_survive_re_extraction(project):
    (project / "input" / SEED_ID / "source.txt").touch()
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "[trends-modern-education-kg] extract" in proc.stderr
    doc = (project / "output" / SEED_ID / "document.json").read_text(encoding="utf-8")
    assert "условиях и формировать" in doc and "Бириккен улуттар уюмунун" in doc
    assert '"by": "editor"' in doc


def test_a_correction_that_matches_nothing_stops_the_build(project):
    corrections = project / "input" / SEED_ID / "corrections.yaml"
    outputs = {p: p.read_bytes() for p in (project / "output" / SEED_ID).iterdir()}
    corrections.write_text(corrections.read_text(encoding="utf-8")
                           + '- find: "сөз жок бул жерде"\n  replace: "x"\n', encoding="utf-8")
    proc = run_make(project, "build")
    assert proc.returncode != 0
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr
    assert "corrections.yaml: line 11: entry 'сөз жок бул жерде' matches nothing" in errors[0]
    assert {p: p.read_bytes() for p in (project / "output" / SEED_ID).iterdir()} == outputs


def test_meta_edit_rebuilds_only_what_shows_it(project):
    out = f"output/{SEED_ID}/{SEED_ID}"
    stages = [f"build/{SEED_ID}/{n}" for n in INTERMEDIATES]
    shows_title = [f"{out}.pdf", f"{out}.epub", f"{out}.ru.pdf", f"{out}.ru.epub"]
    hides_title = [f"{out}.ky.pdf", f"{out}.ky.epub", f"{out}.en.pdf", f"{out}.en.epub"]
    # The indexing files carry every title; a language's web page only its own (issue 17).
    shows_title += [f"{out}.{k}" for k in ("jats.xml", "crossref.xml", "doaj.xml",
                                            "elibrary.xml", "html", "ru.html")]
    hides_title += [f"{out}.ky.html", f"{out}.en.html"]
    before = mtimes(project, *stages, *shows_title, *hides_title)
    meta = project / "input" / SEED_ID / "meta.yaml"
    new_title = "Тенденции и проблемы образования в Кыргызстане сегодня"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "ru: Тенденции и проблемы современного образования в Кыргызстане",
        f"ru: {new_title}"), encoding="utf-8")
    proc = run_make(project, "build")
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = mtimes(project, *stages, *shows_title, *hides_title)
    assert all(after[n] == before[n] for n in stages), proc.stderr
    assert all(after[n] > before[n] for n in shows_title), proc.stderr
    assert all(after[n] == before[n] for n in hides_title), proc.stderr
    assert new_title in text_of(project / f"{out}.ru.pdf")
    assert new_title in text_of(project / f"{out}.epub")
    for kind in ("jats.xml", "crossref.xml", "doaj.xml", "elibrary.xml", "ru.html"):
        assert new_title in (project / f"{out}.{kind}").read_text(encoding="utf-8"), kind


#: Records when each stage command starts and ends, then runs it with the venv's Python.
TIMED_PYTHON = """#!/bin/sh
echo "start $$ $(date +%s%N)" >> "{log}"
"{python}" "$@"
status=$?
echo "end $$ $(date +%s%N)" >> "{log}"
exit $status
"""


def most_at_once(log: Path) -> int:
    """The largest number of stage commands that were running at the same moment."""
    events = sorted((int(t), kind == "start") for kind, _, t in
                    (ln.split() for ln in log.read_text().splitlines()))
    running = peak = 0
    for _, starts in events:  # at a tie an end sorts first: touching is not overlapping
        running += 1 if starts else -1
        peak = max(peak, running)
    return peak


def test_three_articles_in_parallel(seed_project, tmp_path):
    """make -j2 over the text stages and the full EPUB of three articles (no typesetting:
    what is proved is the graph) runs two commands at once and makes what the serial
    build made."""
    project = copy_project(tmp_path / "three", (SEED_ID,))
    articles = (SEED_ID, "second-article", "third-article")
    for copy in articles[1:]:
        shutil.copytree(project / "input" / SEED_ID, project / "input" / copy)
    # Three loose articles: no issue, whose pages would need the PDFs (tests/test_issue.py).
    journal = project / "input" / "journal.yaml"
    journal.write_text(journal.read_text(encoding="utf-8").split("\nissues:")[0] + "\n",
                       encoding="utf-8")
    log = tmp_path / "jobs.log"
    python = tmp_path / "timed-python"
    python.write_text(TIMED_PYTHON.format(log=log, python=VENV / "bin" / "python"))
    python.chmod(0o755)
    targets = [f"build/{a}/out/{a}.epub" for a in articles]
    proc = run_make(project, *targets, f"PY={python}", jobs=2)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert most_at_once(log) == 2
    # The serial build's seed is in an issue (its pages in meta): its blocks must be the
    # same, and the three loose copies the same as each other.
    serial = json.loads((seed_project / "output" / SEED_ID / "document.json").read_text())
    first = project / "build" / SEED_ID / "out"
    for article in articles:
        out = project / "build" / article / "out"
        assert not list(out.glob("*.pdf")), "the test asked for no PDF"
        made = (out / "document.json").read_bytes()
        assert json.loads(made)["blocks"] == serial["blocks"], article
        assert made == (first / "document.json").read_bytes(), article
        made = (out / f"{article}.epub").read_bytes()
        assert made == (first / f"{SEED_ID}.epub").read_bytes(), article
    # make clean removes generated files only.
    assert run_make(project, "clean").returncode == 0
    assert not (project / "output").exists() and not (project / "build").exists()
    assert (project / "input" / "third-article" / "meta.yaml").exists()


def test_malformed_meta_names_file_and_line(project):
    meta = project / "input" / SEED_ID / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("language: ky", "language: [ky"),
                    encoding="utf-8")
    proc = run_make(project, "build")
    assert proc.returncode != 0
    error = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(error) == 1 and "meta.yaml: line" in error[0], proc.stderr
