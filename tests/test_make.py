"""The editing loop: corrections, metadata edits and incremental builds with make."""

import shutil
import subprocess

import pytest
from conftest import SEED_ID, copy_project, run_make

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
    return " ".join(out.split())


@pytest.fixture
def project(seed_project, tmp_path):
    """A private copy of the built seed project, outputs and timestamps included."""
    dest = tmp_path / "p"
    shutil.copytree(seed_project, dest, symlinks=True)
    return dest


def mtimes(project, *names):
    return {n: (project / n).stat().st_mtime_ns for n in names}


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
    shutil.rmtree(project / "build")
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


def test_three_articles_in_parallel(tmp_path):
    project = copy_project(tmp_path / "three", (SEED_ID,))
    for copy in ("second-article", "third-article"):
        shutil.copytree(project / "input" / SEED_ID, project / "input" / copy)
    proc = run_make(project, "build", jobs=2)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for article in (SEED_ID, "second-article", "third-article"):
        out = project / "output" / article
        assert (out / f"{article}.pdf").stat().st_size > 10_000
        assert (out / f"{article}.ky.epub").exists() and (out / "document.json").exists()
    # make clean removes generated files only.
    assert run_make(project, "clean").returncode == 0
    assert not (project / "output").exists() and not (project / "build").exists()
    assert (project / "input" / "third-article" / "meta.yaml").exists()


def test_malformed_meta_names_file_and_line(project):
    meta = project / "input" / SEED_ID / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("volume: 12", "volume: [12"),
                    encoding="utf-8")
    proc = run_make(project, "build")
    assert proc.returncode != 0
    error = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(error) == 1 and "meta.yaml: line" in error[0], proc.stderr
