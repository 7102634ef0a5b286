"""The back catalogue (issue 22): input/archive/<year>/<issue>/*.pdf under Snakemake.

Ids from file names, in-process; then an archive run with a corrupt PDF among good
ones: the others are built, the corrupt one is listed with its one-line error in the
issue's summary table. The suite's run is three text-layer PDFs up to document.json
(every stage would cost ~15 s an article); the issue's acceptance, twenty PDFs with one
corrupt, is the same test with ``BASMA_ARCHIVE_PDFS=20`` (add ``BASMA_ARCHIVE_UPTO=install``
for every edition and the installed outputs).
"""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, VENV, copy_project

from pipeline.archive import ArchiveArticle, find_articles, safe_id

SNAKEMAKE = VENV / "bin" / "snakemake"


def test_ids_are_plain_and_unique_within_an_issue(tmp_path):
    issue = tmp_path / "archive" / "1998" / "2"
    issue.mkdir(parents=True)
    for name in ("Асанов 1998.pdf", "Асанов-1998.PDF", "Асанов_1998 (2).pdf", "$(reboot).pdf",
                 ".hidden.pdf", "notes.txt", "Үсөнбаев.pdf"):
        (issue / name).write_bytes(b"%PDF-1.4\n")
    (issue / "folder.pdf").mkdir()
    (tmp_path / "archive" / "1998" / "3 extra").mkdir()
    (tmp_path / "archive" / "19 98").mkdir()
    warnings: list[str] = []
    found = find_articles(tmp_path, warnings.append)
    assert [(a.id, Path(a.source).name) for a in found] == [
        ("reboot", "$(reboot).pdf"), ("Asanov-1998", "Асанов 1998.pdf"),
        ("Asanov-1998-2", "Асанов-1998.PDF"), ("Asanov_1998-2", "Асанов_1998 (2).pdf"),
        ("Usonbaev", "Үсөнбаев.pdf")]
    assert all(a.year == "1998" and a.issue == "2" for a in found)
    assert found[0].build == "build/archive/1998/2/reboot"
    assert found[0].output == "output/archive/1998/2/reboot"
    assert len(warnings) == 2 and all(w.startswith("warning: ") and "not built" in w
                                      for w in warnings)
    assert any("'" + str(tmp_path / "archive" / "19 98") + "'" in w for w in warnings)


def test_an_id_is_never_empty_or_unsafe():
    for name in ("", "...", "--", "ﷺ", "a/../../b", "a\nb", "x" * 300):
        aid = safe_id(name)
        assert aid and len(aid) <= 100
        assert aid[0].isalnum() and all(c.isalnum() or c in "._-" for c in aid), aid
        assert aid.isascii()


def _text_pdf(path: Path, n: int) -> None:
    """A one-page article with a text layer (no OCR: the suite's run stays cheap)."""
    from pdfgen import BOLD, REGULAR, register_fonts
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_fonts()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(BOLD, 15)
    c.drawString(60, 770, f"Мектептеги билим берүүнүн {n}-маселеси")
    c.setFont(REGULAR, 11)
    c.drawString(60, 745, "А. Асанов")
    y = 715
    for k in range(12):
        c.drawString(60, y, f"Бул макалада билим берүү жана коом тууралуу {k + n} суроо "
                     "талданат, мугалимдердин тажрыйбасы каралат.")
        y -= 16
    c.showPage()
    c.save()


def test_one_corrupt_pdf_is_listed_and_skipped(tmp_path):
    if not SNAKEMAKE.exists():
        pytest.skip("snakemake is not installed")
    count = int(os.environ.get("BASMA_ARCHIVE_PDFS", "3"))
    upto = os.environ.get("BASMA_ARCHIVE_UPTO", "document")
    project = copy_project(tmp_path / "p", ())
    (project / "Snakefile").write_bytes((ROOT / "Snakefile").read_bytes())
    (project / ".venv").symlink_to(VENV)
    issue = project / "input" / "archive" / "2003" / "4"
    issue.mkdir(parents=True)
    for n in range(1, count):
        _text_pdf(issue / f"Макала {n:02d}.pdf", n)
    (issue / "Бузулган файл.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", BASMA_EPUBCHECK="0")
    proc = subprocess.run([str(SNAKEMAKE), "--cores", "2", "--keep-going", "archive",
                           "--config", f"archive_upto={upto}"], cwd=project, env=env,
                          capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log[-3000:]  # it went on, and says something failed
    rows = list(csv.DictReader((project / "output/archive/2003/4/summary.tsv")
                               .open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) == count
    bad = [r for r in rows if r["built"] == "no"]
    assert [r["file"] for r in bad] == ["Бузулган файл.pdf"]
    assert bad[0]["problems"] == ("error: input/archive/2003/4/Бузулган файл.pdf: the PDF is "
                                  "damaged or incomplete — send the file again (it may have "
                                  "been cut off)")
    good = [r for r in rows if r["built"] == "yes"]
    assert len(good) == count - 1
    assert all(r["pages"] == "1" and r["text"] == "text layer" and float(r["seconds"]) > 0
               for r in good)
    for r in good:
        a = ArchiveArticle("2003", "4", r["article"], "")
        done = (Path(a.output, ".basma-installed") if upto == "install"
                else Path(a.build, "out", "document.json"))
        assert (project / done).exists()
    table = (project / "output/archive/2003/4/summary.md").read_text(encoding="utf-8")
    assert table.startswith(f"# Archive 2003/4: {count - 1} of {count} built\n")
    assert "| Buzulgan-fail | Бузулган файл.pdf |  |  |" in table


def test_the_summary_reads_what_the_jobs_left(tmp_path, monkeypatch):
    """In-process, from the files an archive run leaves: an OCR'd article built with a
    typesetting warning, one whose PDF stage failed after an older good build, one never
    run; a "|" in a file name stays inside its cell."""
    import json
    import time

    from pipeline.archive.summary import write_summaries

    monkeypatch.chdir(tmp_path)
    ocr, failed, never = (ArchiveArticle("1994", "3", aid, f"input/archive/1994/3/{name}")
                          for aid, name in (("a", "a|1.pdf"), ("b", "b.pdf"), ("c", "c.pdf")))
    for a, notes in ((ocr, ["2 pages without a text layer read by OCR (kir+rus+eng)"]),
                     (failed, []), (never, None)):
        if notes is None:
            continue
        build = Path(a.build)
        (build / "bench").mkdir(parents=True)
        (build / "extract.json").write_text(json.dumps({"pages": 2, "notes": notes}))
        (build / "bench" / "extract.tsv").write_text("s\th:m:s\tmax_rss\n1.25\t0:00:01\t90\n")
        (build / "bench" / "tag.tsv").write_text("s\th:m:s\tmax_rss\n0.5\t0:00:00\t30\n")
        Path(a.output).mkdir(parents=True)
        (Path(a.output) / ".basma-installed").write_text("")
    (Path(ocr.build) / "tex-full").mkdir()
    (Path(ocr.build) / "tex-full" / "a.problems").write_text("overfull line on page 2\n")
    time.sleep(0.01)
    (Path(failed.build) / "logs").mkdir()
    (Path(failed.build) / "logs" / "pdf-ky.log").write_text(
        "[b] pdf …\nerror: build/…/b.ky.tex: LuaLaTeX failed — see the log\n")
    (Path(failed.build) / "logs" / "extract.log").write_text("[b] extract 0.4 s\n")
    written = write_summaries([ocr, failed, never])
    assert written == [Path("output/archive/1994/3/summary.md")]
    rows = list(csv.DictReader(Path("output/archive/1994/3/summary.tsv").open(),
                               delimiter="\t"))
    assert [(r["article"], r["pages"], r["text"], r["seconds"], r["problems"], r["built"])
            for r in rows] == [
        ("a", "2", "OCR", "1.8", "1 typesetting warning", "yes"),
        ("b", "2", "text layer", "1.8", "error: build/…/b.ky.tex: LuaLaTeX failed — see the log",
         "no"),
        ("c", "", "", "0.0", "not run to the end (run the archive again)", "no")]
    table = Path("output/archive/1994/3/summary.md").read_text(encoding="utf-8")
    assert table.startswith("# Archive 1994/3: 1 of 3 built\n")
    assert "| a | a\\|1.pdf | 2 | OCR | 1.8 | 1 typesetting warning | yes |" in table
