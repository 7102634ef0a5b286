"""Proof rounds (issue 20): line numbers, pagination as the journal PDF, the change list
with pages and lines read from TeX, marks in the PDF, and corrections that say where.

One small article (two pages cut from the seed's source, with its ҥ → ү remaps and
its "улуттуар" typo) is typeset once as the journal PDF and proofed twice; every
test reads those files. Pages and lines are checked against ``pdftotext -layout``,
whose lines start with the proof's margin numbers.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.document import EditorFiles, make_document
from pipeline.errors import CorrectionError
from pipeline.stages import run_text_stages
from pipeline.writers.editions import make_edition
from pipeline.writers.latex import render_tex
from pipeline.writers.proof import (
    ProofMarks,
    make_proof,
    pagination_differences,
    word_spans,
)
from pipeline.writers.report import render_report, typesetting_problems
from pipeline.writers.typeset import typeset

SEED = Path(__file__).resolve().parent.parent / "input" / "trends-modern-education-kg"
#: The seed's lines cut into a two-page article: the abstracts, the paragraph with
#: "улуттуар", and the paragraph with the other "Бириккен улуттар уюмунун".
LINES = [(1, 135), (330, 349)]
#: A character no font has: the proof lists it as a typesetting warning.
MISSING = "\ue000"
#: The two corrections of round 2, and the words each one puts into the text.
ROUND2 = """
- find: "аларды жеңүү жолдорун"
  replace: "аларды тез жеңүү жолдорун"
  note: the author asks for «тез»
- find: "Швейцария жана башка"
  replace: "Швейцария, Норвегия жана башка"
  note: Norway was left out
"""
NEW_WORDS = ["тез", "Норвегия"]


def _article(folder: Path) -> Path:
    lines = (SEED / "source.txt").read_text(encoding="utf-8").split("\n")
    text = "\n".join(line for a, b in LINES for line in lines[a - 1:b])
    # The marker character goes into the last paragraph, far from the corrections.
    text = text.replace("ага Кыргызстан активдҥҥ", f"ага Кыргызстан {MISSING} активдҥҥ")
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(text, encoding="utf-8")
    shutil.copy(SEED / "meta.yaml", folder / "meta.yaml")
    shutil.copy(SEED / "corrections.yaml", folder / "corrections.yaml")
    return folder


@functools.cache
def _layout(pdf: Path, page: int) -> dict[int, str]:
    """The margin number → the text of that line, on physical page ``page``."""
    out = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], capture_output=True, text=True, check=True).stdout
    lines = {}
    for line in out.split("\n"):
        m = re.match(r"\s*(\d+)\s{2,}(\S.*)", line)
        if m:
            lines[int(m.group(1))] = m.group(2)
    return lines


def _physical(info: dict, folio: int) -> int:
    return info["pages"].index(folio) + 1


def _where(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"p\. (\d+), l\. (\d+)", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def _on_line(word: str, line: str) -> bool:
    """``word`` on the line, or its first part there before a line-end hyphen."""
    flat = line.replace("\u00ad", "")
    return word in flat or any(flat.rstrip().endswith(word[:k] + "-")
                               for k in range(2, len(word)))


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """The journal PDF, round 1 (the seed's corrections) and round 2 (two more)."""
    root = tmp_path_factory.mktemp("proof")
    folder = _article(root / "un-proof")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BASMA_PROOFS", str(root / "proofs"))
        kept: dict = {}
        tagged = run_text_stages(folder / "source.txt", upto="tag", keep=kept.__setitem__)
        editor = EditorFiles.of_folder(folder)
        doc1 = make_document(copy.deepcopy(tagged), editor)
        journal = root / "journal.pdf"
        typeset(render_tex(make_edition(copy.deepcopy(doc1), "full")), root / "jtex", "j",
                journal)
        work = root / "ptex"
        r1 = make_proof("un-proof", doc1, kept["clean"], work, journal)
        with open(folder / "corrections.yaml", "a", encoding="utf-8") as fh:
            fh.write(ROUND2)
        doc2 = make_document(copy.deepcopy(tagged), editor)
        r2 = make_proof("un-proof", doc2, kept["clean"], work, journal)
        yield {"root": root, "folder": folder, "tagged": tagged, "journal": journal,
               "r1": r1, "r2": r2, "doc2": doc2, "cleaned": kept["clean"], "mp": mp}


def _info(r) -> dict:
    return json.loads((r.folder / "places.json").read_text(encoding="utf-8"))


def test_proof_has_line_numbers_and_the_journal_pagination(rounds):
    r1 = rounds["r1"]
    assert r1.folder.name == "1" and r1.pdf.exists()
    assert r1.pagination == []  # checked by make_proof against the journal PDF
    assert pagination_differences(rounds["journal"], r1.pdf) == []
    numbers = [n for page in (1, 2) for n in sorted(_layout(r1.pdf, page))]
    # Running numbers, every line: the last is about the count (front-matter rules too).
    assert len(numbers) > 60 and numbers == sorted(set(numbers))
    assert numbers[-1] - len(numbers) < 10
    stamp = subprocess.run(["pdftotext", "-l", "1", str(r1.pdf), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\n")[0]
    assert stamp.startswith("PROOF · round 1 · ") and "un-proof" in stamp
    # The proof's words are the journal's, page by page.
    journal_pages = subprocess.run(["pdfinfo", str(rounds["journal"])], capture_output=True,
                                   text=True, check=True).stdout
    assert re.search(r"Pages:\s+2\b", journal_pages)


def test_every_round_is_kept_with_its_document(rounds):
    root = rounds["root"] / "proofs" / "un-proof"
    assert sorted(p.name for p in root.iterdir()) == ["1", "2"]
    for n in ("1", "2"):
        files = {p.name for p in (root / n).iterdir()}
        assert {"document.json", "places.json", "changes.html", "changes.txt",
                "cleaning-report.html", f"un-proof.proof-{n}.pdf"} <= files


def test_round2_lists_exactly_the_two_corrections_with_right_pages_and_lines(rounds):
    r2 = rounds["r2"]
    info = _info(r2)
    assert [(i.kind, i.after.split()) for i in r2.since] == [
        ("replaced", ["Швейцария,", "Норвегия"]), ("inserted", ["тез"])]
    for item, word in zip(r2.since, NEW_WORDS[::-1], strict=True):
        folio, line = _where(item.where)
        text = _layout(r2.pdf, _physical(info, folio))[line]
        assert _on_line(word, text), (item.where, text)
    # The editor's notes show beside the words they explain, in the round that prints them.
    assert [i.note for i in r2.since] == ["Norway was left out", "the author asks for «тез»"]
    listing = (r2.folder / "changes.txt").read_text(encoding="utf-8")
    assert "Changed since round 1 (2):" in listing and "Norway was left out" in listing
    html = (r2.folder / "changes.html").read_text(encoding="utf-8")
    assert "<ins><span class=vh>inserted: </span>тез</ins>" in html


def test_every_change_of_the_editor_and_the_cleaner_has_its_right_place(rounds):
    r2 = rounds["r2"]
    info = _info(r2)
    editor = [i for i in r2.changes if i.by == "editor"]
    assert len(editor) == 4
    checked = 0
    for item in r2.changes:
        if not item.where.startswith("p. ") or not item.after.strip():
            continue
        folio, line = _where(item.where)
        text = _layout(r2.pdf, _physical(info, folio)).get(line, "")
        first = item.after.split()[0].strip(",.;:«»()")
        assert _on_line(first, text), (item.kind, item.after, item.where, text)
        checked += 1
    assert checked >= 70  # the cut article's ҥ → ү remaps, and the four corrections


_BOX = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")


def _red(image) -> int:
    """How many pixels of an RGB image are in the mark colour (rgb 0.8, 0, 0.1),
    antialiasing allowed."""
    data = image.tobytes()
    return sum(1 for i in range(0, len(data), 3)
               if data[i] > 140 and data[i + 1] < 90 and data[i + 2] < 110)


def test_marked_words_are_in_the_text_and_in_the_mark_colour(rounds):
    from PIL import Image

    r2 = rounds["r2"]
    info = _info(r2)
    for item, word in zip(r2.since, NEW_WORDS[::-1], strict=True):
        page = _physical(info, _where(item.where)[0])
        boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                                str(r2.pdf), "-"], capture_output=True, text=True,
                               check=True).stdout
        words = [(tuple(float(v) for v in m.groups()[:4]), m.group(5))
                 for m in _BOX.finditer(boxes)]
        found = [box for box, w in words if w.strip(",.") == word]
        assert found, word  # the marked word is text in the PDF
        x0, y0, x1, y1 = found[0]
        png = rounds["root"] / f"mark-{page}"
        if not Path(f"{png}.png").exists():  # both words may be on one page
            subprocess.run(["pdftoppm", "-r", "144", "-f", str(page), "-l", str(page),
                            "-singlefile", "-png", str(r2.pdf), str(png)], check=True)
        image = Image.open(f"{png}.png").convert("RGB")
        at = (int(x0 * 2), int(y0 * 2), int(x1 * 2) + 1, int(y1 * 2) + 1)
        assert _red(image.crop(at)) > 20, word
        # … with the bar in the margin on its line: left of the text, right of the numbers.
        text_left = min(b[0] for b, w in words if not w.isdigit() and b[1] > 60)
        margin = image.crop((0, at[1], int(text_left * 2) - 1, at[3]))
        assert _red(margin) > 5, word
        # A word the round did not change, on the same page, is not marked.
        other = next(b for b, w in words if len(w) > 5 and b[1] > 80 and abs(b[1] - y0) > 100)
        plain = image.crop((int(other[0] * 2), int(other[1] * 2), int(other[2] * 2),
                            int(other[3] * 2)))
        assert _red(plain) == 0


def test_round1_marks_only_the_words_a_correction_changed(rounds):
    r1 = rounds["r1"]
    marks = json.loads((r1.folder / "places.json").read_text(encoding="utf-8"))
    assert marks["round"] == 1
    page_text = subprocess.run(["pdftotext", "-layout", str(r1.pdf), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert "условиях и формировать" in page_text


def test_ambiguous_entry_lists_each_candidate_with_its_proof_page_and_line(rounds):
    folder, tagged = rounds["folder"], rounds["tagged"]
    path = folder / "corrections.yaml"
    base = path.read_text(encoding="utf-8")
    info = _info(rounds["r2"])
    try:
        path.write_text(base + '- find: "Бириккен улуттар уюмунун"\n  replace: "БУУнун"\n',
                        encoding="utf-8")
        with pytest.raises(CorrectionError) as err:
            make_document(copy.deepcopy(tagged), EditorFiles.of_folder(folder))
        message = err.value.one_line()
        assert "is ambiguous: it matches 2 places" in message
        places = re.findall(r"proof 2 p\. (\d+), l\. (\d+): …([^…]*)…", message)
        assert len(places) == 2, message
        for folio, line, words in places:
            text = _layout(rounds["r2"].pdf, _physical(info, int(folio)))[int(line)]
            assert _on_line("Бириккен", text) or _on_line("улуттар", text), (line, text)
            assert "Бириккен улуттар" in words
        # … and the entry builds once it says which place it means.
        path.write_text(base + '- find: "Бириккен улуттар уюмунун"\n  occurrence: 2\n'
                        '  replace: "БУУнун"\n', encoding="utf-8")
        doc = make_document(copy.deepcopy(tagged), EditorFiles.of_folder(folder))
        texts = " ".join(b.text for b in doc.blocks)
        assert texts.count("Бириккен улуттар уюмунун") == 1 and "БУУнун" in texts
        path.write_text(base + '- find: "Бириккен улуттар уюмунун"\n  near: "ЮНЕСКО"\n'
                        '  replace: "БУУнун"\n', encoding="utf-8")
        near = make_document(copy.deepcopy(tagged), EditorFiles.of_folder(folder))
        assert [b.text for b in near.blocks] == [b.text for b in doc.blocks]
    finally:
        path.write_text(base, encoding="utf-8")


def test_proof_escaping_gives_the_journal_latex_with_word_attributes():
    from pipeline.model import Block

    text = "50% a--b {x} \\input{y} ``q'' مرحبا بالعالم https://a.org/x_1 end"
    block = Block("b1", "paragraph", "en", text)
    marks = ProofMarks({"b1": {s: 1 for s, _ in word_spans(text)[:2]}})
    from pipeline.writers.latex import PROOF, inline

    plain = str(inline(block, "en"))
    token = PROOF.set(marks)
    try:
        proofed = str(inline(block, "en"))
    finally:
        PROOF.reset(token)
    stripped = re.sub(r"\\basmaw\{\d+\}\{\d\}|\\basmawend\{\}", "", proofed)
    assert stripped == plain
    assert proofed.startswith("\\basmaw{1}{1}50\\% \\basmaw{2}{1}a-{}-b \\basmaw{3}{0}")
    # A right-to-left run is one piece (babel sets it whole), numbered at its start.
    assert "\\basmaw{6}{0}\\basmartl{arabic}{مرحبا بالعالم} \\basmaw{7}{0}" in proofed


def test_cleaning_report_folds_the_remaps_lists_warnings_and_renders(rounds, tmp_path):
    r2 = rounds["r2"]
    problems_files = sorted((rounds["root"] / "ptex").glob("*.problems"))
    problems = typesetting_problems(problems_files)
    assert any("U+E000" in p for _, p in problems), problems
    html = render_report(rounds["doc2"], rounds["cleaned"], pages=[i.where for i in r2.changes],
                         problems=problems)
    assert re.search(r'<details class=rule id="remap_legacy_glyphs">', html)  # folded
    assert '<details class=rule id="fix_homoglyphs" open>' in html or \
        "fix_homoglyphs" not in html
    assert "Typesetting warnings (1)" in html and "U+E000" in html
    assert "<span class=vh>deleted: </span>" in html
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "report.png"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no Chromium")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1100,1600",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120,
                   check=True)
    keep = Path("build") / "proof-test"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / "cleaning-report.png")  # for a person to look at
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1100, 1600)
    # The warning box (its amber rule) is drawn near the top, above the folded groups.
    amber = [xy for xy in ((x, y) for x in range(0, 200, 2) for y in range(0, 800, 2))
             if image.getpixel(xy) == (0xe0, 0xa0, 0x00)]
    assert amber


def test_proof_command_refuses_what_is_not_an_article(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["proof", "no-such-article", "--input-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "is not an article folder" in err
    assert len(err.splitlines()) == 1
    (tmp_path / "a").mkdir()
    assert main(["proof", str(tmp_path / "a"), "--date", "yesterday"]) == 1
    assert "is not a date" in capsys.readouterr().err


def test_missing_problem_files_give_no_warnings(tmp_path):
    (tmp_path / "x.problems").write_text("a line sticks out\n\n", encoding="utf-8")
    assert typesetting_problems([tmp_path / "x.problems", tmp_path / "gone.problems"]) == [
        ("x.pdf", "a line sticks out")]


def test_change_list_shows_document_text_as_text(tmp_path):
    from pipeline.writers.proof import Item, Place, Round, render_changes_html, render_changes_text

    evil = "<script>alert(1)</script> & \u202e"
    item = Item("replaced", evil, evil + "x", Place("b1", 0, 1), note=evil, where="p. 1, l. 2")
    cleaner = Item("fix_homoglyphs", evil, "y", None, source="line 3", by="cleaner", where="—")
    result = Round(2, tmp_path, tmp_path / "a.pdf", [cleaner], [item], [evil], [])
    info = {"article": evil, "date": "2026-12-02", "pdf": "a.pdf", "pages": [1], "journal": ""}
    html = render_changes_html(result, info)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "\u202e" not in html and "⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩" in html
    text = render_changes_text(result, info)
    assert "\u202e" not in text and text.count("⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩") == 6
