"""Real-article inputs for the fuzz test, and the ways it damages their lines.

The corpus is the folder of real PDFs beside the repository
(``../shared/corpus/pdf``); CI mounts it read-only and a checkout elsewhere may
not have it at all, so everything here copes with its absence. Extraction is the
slow stage (8–25 pages/s), so each PDF is cut to a few pages with pikepdf before
it is read: the first page (title, authors, abstracts, the first headings,
front-matter footnotes), and the page where the reference list starts with the
next one (wrapped and numbered entries, two lists in a row), or else the last
page. pdftotext finds the list's heading in a few milliseconds. A second opening
page would cost half as much again (one corpus page alone takes 1.7 s).

The damage (``damaged_lines``) is what a reader on an unseen layout could hand
on: a stretch of the text that starts and ends anywhere, columns read in the
wrong order, lines lost or read twice, runs and lines broken at any character,
page and paragraph evidence wrong, a line set in another size or marked with a
role as the DOCX reader marks its lines. Every change is described in words, so
that a failing example can be reported without the test at hand.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path

from hypothesis import strategies as st

from pipeline.model import HINT_ROLES, Extraction, Line, Run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
#: The opening pages kept of each corpus PDF (the last page is kept besides).
OPENING_PAGES = 1


def corpus_files(folder: Path = CORPUS) -> list[Path]:
    """Every file in the corpus folder, by name; none when the folder is absent."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


#: A reference list's heading on a line of its own, numbered or not ("VII. REFERENCES").
REFERENCES_HEADING = re.compile(
    r"^\s*(?:[IVXLC]+\.?|\d+\.?)?\s*(?:references|bibliography|literature cited|"
    r"список литературы|литература|список использованных источников|"
    r"библиографический список|адабияттар)\s*:?\s*$", re.IGNORECASE | re.MULTILINE)


def references_page(page_texts: list[str]) -> int | None:
    """The 0-based page where the last reference list starts, if a heading shows one.

    The last: a contents page names the list too, and of two lists in a row (Список
    литературы, then References) the second is the one that runs to the end.

    >>> references_page(["Contents\\nReferences 14", "Text", "VII. REFERENCES\\n[1] A."])
    2
    >>> references_page(["Title", "Body"]) is None
    True
    """
    hits = [i for i, text in enumerate(page_texts) if REFERENCES_HEADING.search(text)]
    return hits[-1] if hits else None


def page_texts(raw: bytes) -> list[str]:
    """Each page's plain text by poppler's pdftotext (fast); none if it cannot tell."""
    try:
        proc = subprocess.run(["pdftotext", "-q", "-", "-"], input=raw, capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return proc.stdout.decode("utf-8", "replace").split("\f") if proc.returncode == 0 else []


def kept_pages(n_pages: int, references: int | None = None,
               opening: int = OPENING_PAGES) -> list[int]:
    """The 0-based pages read of an ``n_pages`` PDF: the opening ones, then the page
    where the reference list starts and the next one (where wrapped entries run on),
    or the last page when no reference list was seen.

    >>> kept_pages(20), kept_pages(20, references=13), kept_pages(20, references=19)
    ([0, 19], [0, 13, 14], [0, 19])
    >>> kept_pages(1), kept_pages(2, references=0), kept_pages(20, opening=3)
    ([0], [0, 1], [0, 1, 2, 19])
    """
    if not n_pages:
        return []
    ends = {n_pages - 1} if references is None else {references, min(references + 1,
                                                                        n_pages - 1)}
    return sorted({*range(min(opening, n_pages)), *ends})


def few_pages(path: Path, opening: int = OPENING_PAGES) -> bytes:
    """The PDF cut to the pages ``kept_pages`` names, as bytes.

    A file pikepdf cannot open is returned whole: whether the reader refuses it
    cleanly is part of what is tested.
    """
    import pikepdf

    raw = path.read_bytes()
    try:
        with pikepdf.open(io.BytesIO(raw)) as pdf:
            texts = page_texts(raw)
            refs = references_page(texts) if len(texts) >= len(pdf.pages) else None
            keep = set(kept_pages(len(pdf.pages), refs, opening))
            for index in reversed(range(len(pdf.pages))):
                if index not in keep:
                    del pdf.pages[index]
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except Exception:  # noqa: BLE001 - any pikepdf failure: let the reader meet the file
        return raw


# --- damage ------------------------------------------------------------------------------


def copy_line(line: Line) -> Line:
    """A line with runs of its own: the stages may change what they are given."""
    return replace(line, runs=[replace(r) for r in line.runs],
                   cells=[list(row) for row in line.cells] if line.cells else None)


def split_run(line: Line, run: int, at: int) -> Line:
    """The line with its ``run``-th run cut in two at character ``at`` (same font)."""
    runs = list(line.runs)
    r = runs[run]
    runs[run:run + 1] = [replace(r, text=r.text[:at]), replace(r, text=r.text[at:])]
    return replace(line, runs=runs)


def break_line(line: Line, at: int) -> list[Line]:
    """The line cut into two visual lines at character ``at`` of its text."""
    head: list[Run] = []
    tail: list[Run] = []
    seen = 0
    for r in line.runs:
        cut = min(max(at - seen, 0), len(r.text))
        if cut:
            head.append(replace(r, text=r.text[:cut]))
        if cut < len(r.text):
            tail.append(replace(r, text=r.text[cut:]))
        seen += len(r.text)
    share = at / max(len(line.text), 1)
    return [replace(line, runs=head, fill=line.fill * share),
            replace(line, runs=tail, fill=line.fill * (1 - share), para_hint=False,
                    page_break=False)]


def mark_role(line: Line, role: str, level: int, label: str | None) -> None:
    """Mark the line with a reader's role, as the DOCX reader would: a heading has its
    level, a list item or a note the label it had, a table its cells (here the runs)."""
    line.role = role
    line.level = level if role == "heading" else None
    line.label = label if role in ("list_item", "footnote") else None
    line.cells = [[r.text for r in line.runs]] if role == "table" else None


@st.composite
def damaged_lines(draw, lines: list[Line], what: str = "lines") -> tuple[list[Line], list[str]]:
    """Some stretch of ``lines``, damaged, and the words that say how."""
    told: list[str] = []
    n = len(lines)
    # Never empty when there are lines: an empty extraction is one input, tried elsewhere.
    start = draw(st.integers(0, max(n - 1, 0)))
    end = draw(st.integers(min(start + 1, n), n))
    out = [copy_line(ln) for ln in lines[start:end]]
    told.append(f"{what} {start}:{end} of {n}")
    damage = st.sampled_from(["shuffle", "repeat", "drop", "split_run", "break_line",
                              "flip_hint", "flip_break", "resize", "mark"])
    sizes = [None, *sorted({ln.size for ln in lines if ln.size})]
    for kind in draw(st.lists(damage, max_size=4)):
        if not out:
            break
        if kind == "repeat":
            # A stretch read twice (overprinted text, a page in the file twice): two
            # entries "[2] …" or two headings with the same text and number.
            i = draw(st.integers(0, len(out) - 1))
            j = draw(st.integers(i + 1, min(len(out), i + 30)))
            out[j:j] = [copy_line(ln) for ln in out[i:j]]
            told.append(f"lines {i}:{j} repeated")
            continue
        if kind == "shuffle":
            # Reading order gone wrong: columns or pages read in another order.
            cuts = sorted(draw(st.sets(st.integers(1, len(out)), max_size=5)) | {len(out)})
            pieces, prev = [], 0
            for c in cuts:
                pieces.append(out[prev:c])
                prev = c
            order = draw(st.permutations(range(len(pieces))))
            out = [ln for i in order for ln in pieces[i]]
            told.append(f"cut at {cuts[:-1]}, pieces in order {list(order)}")
            continue
        picks = sorted(draw(st.sets(st.integers(0, len(out) - 1), min_size=1, max_size=8)))
        if kind == "drop":
            out = [ln for i, ln in enumerate(out) if i not in picks]
            told.append(f"dropped {picks}")
        elif kind == "flip_hint":
            for i in picks:
                out[i].para_hint = not out[i].para_hint
            told.append(f"para_hint flipped on {picks}")
        elif kind == "flip_break":
            for i in picks:
                out[i].page_break = not out[i].page_break
            told.append(f"page_break flipped on {picks}")
        elif kind == "resize":
            # Size tells notes, headings and the body apart: another line's size.
            size = draw(st.sampled_from(sizes))
            for i in picks:
                out[i].size = size
                for r in out[i].runs:
                    r.size = size
            told.append(f"size {size} on {picks}")
        elif kind == "mark":
            # What a reader that knows the structure (DOCX) marks on a line, anywhere.
            for i in picks:
                mark_role(out[i], draw(st.sampled_from(HINT_ROLES)), draw(st.integers(1, 9)),
                          draw(st.sampled_from([None, "1", "2.", "a)", "•", "[3]", "*"])))
                told.append(f"line {i} marked {out[i].role} (level {out[i].level}, "
                            f"label {out[i].label!r})")
        elif kind == "split_run":
            for i in picks:
                if not out[i].runs:
                    continue
                run = draw(st.integers(0, len(out[i].runs) - 1))
                at = draw(st.integers(0, len(out[i].runs[run].text)))
                out[i] = split_run(out[i], run, at)
                told.append(f"line {i}: run {run} split at {at}")
        else:  # break_line, from the last pick so that the earlier indices still hold
            for i in reversed(picks):
                at = draw(st.integers(0, len(out[i].text)))
                out[i:i + 1] = break_line(out[i], at)
                told.append(f"line {i} broken in two at {at}")
    return out, told


@st.composite
def damaged_extraction(draw, ex: Extraction) -> tuple[Extraction, list[str]]:
    """The extraction with its body lines and its footnote lines damaged."""
    lines, told = draw(damaged_lines(ex.lines))
    notes, told_notes = ([], []) if not ex.footnotes else draw(
        damaged_lines(ex.footnotes, "footnote lines"))
    return (replace(ex, lines=lines, footnotes=notes, notes=list(ex.notes)),
            told + told_notes)
