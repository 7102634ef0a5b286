"""PDF reading for the extract stage: characters → lines → columns → reading order.

pdfplumber gives characters with their font and position; everything else is
decided here from geometry, because journal PDFs break naive text extraction:

* word gaps: justified lines carry no space glyphs, and a tight line's word space
  can be narrower than a loose line's kerning, so every line sets its own
  threshold from the histogram of its gaps (``_space_threshold``);
* columns: a gutter is an x that a run of consecutive rows leaves empty, with
  text on both sides (``_columns``); rows that cross it (title, abstracts) are
  read whole, in place;
* page furniture: the outermost row at the top or bottom of a page, set apart
  from the text, that is a page number, recurs on other pages or (at the top)
  is set smaller or in italic (``_furniture``);
* footnotes: smaller lines that close a column at the foot of the page and start
  with a note number (``_footnote_start``); superscript markers in the body are
  dropped, a note's own number is kept;
* overprinted (fake-bold) duplicate characters are dropped (``_dedupe``).

Pages are read one at a time: a page's characters become light ``_Line``
objects (runs of text and a bounding box) and are released before the next page
is read, so memory follows the text, not the PDF.

A PDF without a text layer goes through Tesseract OCR (kir+rus+eng) page by
page when it is installed; otherwise the editor is told so.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...errors import InputError
from ...model import Extraction, Line, Run

#: Tesseract languages: Kyrgyz first, since the journal's legacy archive is Kyrgyz.
OCR_LANGS = "kir+rus+eng"
#: Resolution pages are rendered at for OCR: Tesseract's accuracy levels off here.
OCR_DPI = 300
#: Refuse PDFs longer than this rather than run for hours on a mistaken upload.
MAX_PAGES = 2000

#: Word gaps are read in em of the line's font size. Inside a word glyphs touch
#: or are kerned by hundredths of an em; the tightest justified word space is
#: about 0.15 em. Gaps wider than ``GAP_CAP_EM`` are word spaces whatever the line.
GAP_CAP_EM = 0.25
#: Without two groups of gaps to tell apart, a line splits words here.
GAP_DEFAULT_EM = 0.12
#: A jump in a line's sorted gaps smaller than this is noise, not a boundary.
GAP_JUMP_EM = 0.05
#: A gutter is at least this wide (em of the text beside it); a wide word space
#: in a justified column can be wider, but not in row after row at the same x.
GUTTER_EM = 1.0
#: A list marker before a hanging indent: dash, bullet, "1." / "1)" or "а)".
_MARKER = re.compile(r"[–—•·▪◦‣*-]|\d{1,2}[.)]|[а-яa-z]\)")
_PAGE_NUMBER = re.compile(r"[\W\d]*\d+[\W\d]*|[ivxlc]+", re.IGNORECASE)
_NOTE_NUMBER = re.compile(r"\s*(\d{1,3}|[*†‡§])[.)]?\s")


@dataclass(slots=True)  # slots: a long PDF has tens of thousands of them
class _Line:
    """A line of a page (of one column of it) while the PDF is being read.

    ``text_x0`` is where the text starts after a list marker: a hanging indent
    continues there. ``note_mark`` is a raised number opening the line, which
    only a footnote keeps.
    """

    runs: list[Run]
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    column: str  # "full", "left" or "right"
    text_x0: float
    note_mark: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    gutter: float | None = None


# --- fonts and characters ---------------------------------------------------------


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi|-B\b|,B", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique|-I\b|,I", font, re.I))


@cache
def _base_font(font: str) -> str:
    """The font's name without the subset tag ("ABCDEF+PTSerif-Regular").

    Cached: one string per font, not one per character of the document.
    """
    return font.split("+", 1)[-1]


def _size(c: dict) -> float:
    return c.get("size") or (c["bottom"] - c["top"])


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop fake-bold overprints: the same glyph drawn again a fraction of a point away.

    A tenth of an em is less than any glyph's advance, so a real double letter
    ("лл", "...") is never taken for an overprint.
    """
    out: list[dict] = []
    seen: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for c in chars:
        near = 0.1 * _size(c)
        key = (c["text"], round(c["top"]))
        twins = [d for k in (-1, 0, 1) for d in seen.get((c["text"], key[1] + k), ())]
        if any(abs(d["x0"] - c["x0"]) < near and abs(d["top"] - c["top"]) < near
               for d in twins):
            continue
        seen[key].append(c)
        out.append(c)
    return out


# --- characters into rows -----------------------------------------------------------


def _rows(chars: list[dict]) -> list[list[dict]]:
    """Characters clustered by baseline, each row left to right, rows top to bottom.

    Raised and lowered small characters (footnote markers, indices) sit off the
    baseline; ``_attach_raised`` puts them back on their line.
    """
    rows: list[list[dict]] = []
    anchors: list[tuple[float, float]] = []  # bottom and size of each row's first char
    for c in sorted(chars, key=lambda c: (c["bottom"], c["x0"])):
        size = _size(c)
        for k in range(len(rows) - 1, max(-1, len(rows) - 5), -1):
            bottom, row_size = anchors[k]
            if abs(bottom - c["bottom"]) <= max(1.0, 0.3 * min(size, row_size)):
                rows[k].append(c)
                break
        else:
            rows.append([c])
            anchors.append((c["bottom"], size))
    rows = _attach_raised(rows)
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    return rows


def _attach_raised(rows: list[list[dict]]) -> list[list[dict]]:
    """Merge each row of small characters into the larger row that contains it vertically.

    Of the rows that could hold it, the one with text nearest in x wins: in two
    columns, the row of the other column may be as close vertically.
    """
    size = [max(_size(c) for c in row) for row in rows]
    top = [min(c["top"] for c in row) for row in rows]
    bottom = [max(c["bottom"] for c in row) for row in rows]
    host = list(range(len(rows)))
    for i, row in enumerate(rows):
        candidates = [
            j for j in range(max(0, i - 3), min(len(rows), i + 4))
            if size[i] < 0.8 * size[j] and top[j] - 1 <= top[i] and bottom[i] <= bottom[j] + 1
        ]
        if candidates:
            x = row[0]["x0"]
            host[i] = min(candidates, key=lambda j: min(abs(c["x0"] - x) for c in rows[j]))
    merged: dict[int, list[dict]] = {}
    for i, row in enumerate(rows):
        j = i
        while host[j] != j:
            j = host[j]
        merged.setdefault(j, []).extend(row)
    return [merged[j] for j in sorted(merged)]


# --- columns ---------------------------------------------------------------------------


def _ink(row: list[dict]) -> list[tuple[float, float]]:
    """The x intervals a row covers, its gaps narrower than a gutter bridged."""
    spans: list[list[float]] = []
    for c in row:
        if c["text"].isspace():
            continue
        if spans and c["x0"] - spans[-1][1] < GUTTER_EM * _size(c):
            spans[-1][1] = max(spans[-1][1], c["x1"])
        else:
            spans.append([c["x0"], c["x1"]])
    return [(a, b) for a, b in spans]


def _side(spans: list[tuple[float, float]], x: float) -> tuple[bool, bool] | None:
    """Whether a row has text left and right of ``x``; None if it crosses ``x``."""
    starts = [a for a, _ in spans]
    k = bisect_right(starts, x) - 1
    if k >= 0 and spans[k][1] > x:
        return None
    return k >= 0, k + 1 < len(spans)


def _column_runs(inks: list[list[tuple[float, float]]], x: float) -> list[range]:
    """Runs of consecutive rows that leave ``x`` empty with text on both sides of it.

    Three rows with text on the left and two on the right make a run a two-column
    stretch; short lines or a centred name or two do not.
    """
    runs: list[range] = []
    start, left, right = 0, 0, 0
    for i, spans in enumerate([*inks, None]):
        side = _side(spans, x) if spans is not None else None
        if side is None:
            if left >= 3 and right >= 2:
                runs.append(range(start, i))
            start, left, right = i + 1, 0, 0
        else:
            left += side[0]
            right += side[1]
    return runs


def _columns(rows: list[list[dict]], width: float) -> tuple[float, set[int]] | None:
    """The gutter's x and the rows it splits, if the page (or part of it) has two columns.

    Every x in the middle of the page is tried; the gutter is the x that the
    most rows leave empty in runs with text on both sides (full-width rows above
    or below, the title and abstracts, end a run but do not hide the gutter).
    Of equally good xs, the middle of the widest stretch is taken.
    """
    inks = [_ink(row) for row in rows]
    scores = []
    for x in range(int(0.35 * width), int(0.65 * width) + 1):
        scores.append((sum(len(r) for r in _column_runs(inks, x)), x))
    best = max((s for s, _ in scores), default=0)
    if best < 4:
        return None
    stretches: list[list[int]] = []
    for score, x in scores:
        if score == best and stretches and stretches[-1][-1] == x - 1:
            stretches[-1].append(x)
        elif score == best:
            stretches.append([x])
    widest = max(stretches, key=len)
    gutter = float(widest[len(widest) // 2])
    split = {i for run in _column_runs(inks, gutter) for i in run}
    return gutter, split


# --- a row of characters into a line of text ---------------------------------------------


def _space_threshold(gaps: list[float], size: float) -> float:
    """The gap (pt) above which two glyphs of this line belong to different words.

    A line's gaps fall into two groups, kerning inside words (around 0) and word
    spaces (0.15 em and up; on a loose justified line much more). Gaps are capped
    at ``GAP_CAP_EM`` (anything wider is a space), and the threshold goes in the
    middle of the widest jump between sorted gaps. A line whose gaps show no jump
    (a single word, or only spaces) falls back to ``GAP_DEFAULT_EM``.

    >>> _space_threshold([0, 0, 1.7, 0, 1.7, 0], 10.0)   # tight justified line
    0.85
    >>> _space_threshold([1.0, 1.1, 3.5, 0.9, 6.0], 10.0)  # tracked letters, loose spaces
    1.8
    >>> _space_threshold([0, 0, 0], 10.0)
    1.2
    """
    cap = GAP_CAP_EM * size
    values = sorted({round(min(max(g, 0.0), cap), 2) for g in gaps})
    jump, threshold = GAP_JUMP_EM * size, GAP_DEFAULT_EM * size
    for a, b in zip(values, values[1:], strict=False):
        if b - a > jump:
            jump, threshold = b - a, round((a + b) / 2, 2)
    return threshold


def _raised(c: dict, size: float, baseline: float) -> bool:
    """A superscript: smaller than the line and clearly above its baseline."""
    return _size(c) < 0.8 * size and c["bottom"] < baseline - 0.15 * size


def _words(chars: list[dict], size: float) -> list[list[dict]]:
    """Glyphs grouped into words: at a space glyph, or at a gap this line calls a space."""
    pieces: list[list[dict]] = [[]]
    for c in chars:
        if c["text"].isspace():
            pieces.append([])
        else:
            pieces[-1].append(c)
    pieces = [p for p in pieces if p]
    gaps = [b["x0"] - a["x1"] for p in pieces for a, b in zip(p, p[1:], strict=False)]
    threshold = _space_threshold(gaps, size)
    words: list[list[dict]] = []
    for piece in pieces:
        words.append([piece[0]])
        for a, b in zip(piece, piece[1:], strict=False):
            if b["x0"] - a["x1"] > threshold:
                words.append([b])
            else:
                words[-1].append(b)
    return words


def _line(chars: list[dict], column: str) -> _Line:
    """A row's text as runs, one per font, and where its text starts.

    Superscripts are footnote markers: dropped from the text, except a number
    opening the line, which is kept aside as ``note_mark`` (a footnote's own).
    A space goes with the run before it.
    """
    ink = [c for c in chars if not c["text"].isspace()]
    size = Counter(round(_size(c), 1) for c in ink).most_common(1)[0][0]
    baseline = statistics.median(c["bottom"] for c in ink if round(_size(c), 1) == size)
    lead = 0
    while _raised(ink[lead], size, baseline):  # a glyph of the line's own size stops it
        lead += 1
    kept = [c for c in chars if c["text"].isspace() or not _raised(c, size, baseline)]
    words = _words(kept, size)
    runs: list[Run] = []
    for i, word in enumerate(words):
        if i:
            runs[-1].text += " "
        for c in word:
            font = _base_font(c.get("fontname", ""))
            if runs and runs[-1].font == font:
                runs[-1].text += c["text"]
            else:
                runs.append(Run(c["text"], font, round(_size(c), 2), _is_bold(font),
                                _is_italic(font)))
    first = "".join(c["text"] for c in words[0])
    marker = len(words) > 1 and _MARKER.fullmatch(first)
    glyphs = [c for word in words for c in word]
    return _Line(runs, glyphs[0]["x0"], max(c["x1"] for c in glyphs),
                 min(c["top"] for c in glyphs), max(c["bottom"] for c in glyphs), size, column,
                 words[1][0]["x0"] if marker else glyphs[0]["x0"],
                 "".join(c["text"] for c in ink[:lead]))


def _has_ink(chars: list[dict]) -> bool:
    return any(not c["text"].isspace() for c in chars)


def _page_lines(chars: list[dict], width: float) -> tuple[list[_Line], float | None]:
    """A page's characters as lines, rows split at the gutter where there is one."""
    rows = _rows(_dedupe([c for c in chars if c.get("upright", True) and c["text"]]))
    rows = [row for row in rows if _has_ink(row)]
    columns = _columns(rows, width)
    lines = []
    for i, row in enumerate(rows):
        if columns is None or i not in columns[1]:
            lines.append(_line(row, "full"))
            continue
        gutter = columns[0]
        left = [c for c in row if c["x1"] <= gutter]
        right = [c for c in row if c["x1"] > gutter]
        lines.extend(_line(part, side) for part, side in ((left, "left"), (right, "right"))
                     if _has_ink(part))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines, columns[0] if columns else None


# --- the document: furniture, measures, footnotes, reading order ------------------------


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _edge_rows(page: _Page) -> list[list[_Line]]:
    """The topmost and bottommost row of a page, each with the white that sets it apart."""
    if len(page.lines) < 2:
        return []
    top = min(ln.top for ln in page.lines)
    bottom = max(ln.bottom for ln in page.lines)
    head = [ln for ln in page.lines if ln.top <= top + 2]
    foot = [ln for ln in page.lines if ln.bottom >= bottom - 2]
    return [head, foot]


def _furniture(pages: list[_Page], body_size: float) -> set[int]:
    """ids of the lines that are running heads, running feet or page numbers.

    A candidate is the outermost row at the top or bottom of a page, inside the
    outer eighth of the page and set apart from the text below or above it by
    more white than a line of body text leaves. It goes if it is a page number,
    if its text (digits aside) recurs on another page, or, at the top, if it is
    set smaller or in italic: a running head printed on one page only (a two-page
    article's first page has none). A footnote at the foot of a page is smaller
    too, so size alone does not decide there.
    """
    candidates: list[tuple[_Line, bool]] = []  # (line, at the top)
    for page in pages:
        for at_top, row in zip((True, False), _edge_rows(page), strict=False):
            ids = {id(ln) for ln in row}
            rest = [ln for ln in page.lines if id(ln) not in ids]
            if not rest:
                continue
            if at_top:
                inside = max(ln.bottom for ln in row) < 0.125 * page.height
                white = min(ln.top for ln in rest) - max(ln.bottom for ln in row)
            else:
                inside = min(ln.top for ln in row) > 0.875 * page.height
                white = min(ln.top for ln in row) - max(ln.bottom for ln in rest)
            if inside and white > 0.8 * body_size:
                candidates.extend((ln, at_top) for ln in row)
    seen = Counter(_norm(ln.text) for ln, _ in candidates)
    drop = set()
    for ln, at_top in candidates:
        text = ln.text.strip()
        styled = ln.size < body_size - 0.5 or all(r.italic for r in ln.runs if r.text.strip())
        if _PAGE_NUMBER.fullmatch(text) or seen[_norm(text)] >= 2 or at_top and styled:
            drop.add(id(ln))
    return drop


def _adopt_gutter(pages: list[_Page]) -> None:
    """Give the document's gutter to pages whose text all lies on one side of it.

    The last page of a two-column article often fills only part of the left
    column: nothing there shows a gutter, but its lines are column lines, and
    their fill must be measured against the column's width.
    """
    gutters = [p.gutter for p in pages if p.gutter is not None]
    if not gutters:
        return
    gutter = statistics.median(gutters)
    for page in pages:
        if page.gutter is None and all(ln.x1 <= gutter or ln.x0 >= gutter
                                       for ln in page.lines):
            page.gutter = gutter
            for ln in page.lines:
                ln.column = "left" if ln.x1 <= gutter else "right"


def _column_widths(pages: list[_Page]) -> dict[str, float]:
    """The width of a full line in each kind of column, the widest any page shows."""
    widths: dict[str, float] = defaultdict(float)
    for page in pages:
        for kind in ("full", "left", "right"):
            lines = [ln for ln in page.lines if ln.column == kind]
            if lines:
                extent = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
                widths[kind] = max(widths[kind], extent)
    return dict(widths)


def _pitches(pages: list[_Page]) -> dict[float, float]:
    """The usual distance from one line to the next, per font size."""
    steps: dict[float, list[float]] = defaultdict(list)
    for page in pages:
        for kind in ("full", "left", "right"):
            lines = [ln for ln in page.lines if ln.column == kind]
            for a, b in zip(lines, lines[1:], strict=False):
                step = b.top - a.top
                if a.size == b.size and 0.9 * a.size < step < 2.5 * a.size:
                    steps[a.size].append(step)
    return {size: statistics.median(s) for size, s in steps.items()}


def _reading_order(lines: list[_Line]) -> list[list[_Line]]:
    """Lines in reading order, grouped in flows: full width, left column, right column …"""
    flows: list[list[_Line]] = []
    left: list[_Line] = []
    right: list[_Line] = []
    for ln in lines:
        if ln.column == "full":
            flows.extend(f for f in (left, right) if f)
            left, right = [], []
            if flows and flows[-1][0].column == "full":
                flows[-1].append(ln)
            else:
                flows.append([ln])
        else:
            (left if ln.column == "left" else right).append(ln)
    flows.extend(f for f in (left, right) if f)
    return flows


def _footnote_start(flow: list[_Line], later: list[list[_Line]], body_size: float,
                    height: float) -> int:
    """Where the footnotes at the end of ``flow`` begin (``len(flow)`` if it has none).

    Notes are smaller than the body, lie in the lower half of the page, close
    their column (no later flow has text under them) and start with a number.
    """
    x0, x1 = min(ln.x0 for ln in flow), max(ln.x1 for ln in flow)
    if any(ln.x0 < x1 and x0 < ln.x1 for f in later for ln in f):
        return len(flow)
    k = len(flow)
    while k and flow[k - 1].size < 0.9 * body_size and flow[k - 1].top > 0.5 * height:
        k -= 1
    for i in range(k, len(flow)):
        if flow[i].note_mark or _NOTE_NUMBER.match(flow[i].text):
            return i
    return len(flow)


def _centred(ln: _Line, left: float, width: float) -> bool:
    """Set centred: equal margins left and right, wider than an em (not a full line)."""
    margin_left, margin_right = ln.x0 - left, left + width - ln.x1
    return abs(margin_left - margin_right) < max(2.0, 0.01 * width) and margin_left > ln.size


def _model_lines(flow: list[_Line], above: _Line | None, after_break: bool, page: int,
                 left: float, width: float, pitches: dict[float, float]) -> list[Line]:
    """Model lines of one flow, with the evidence for where paragraphs start.

    A paragraph starts at an indent (but not where a hanging list item goes on
    at its text's x), after more white than the line pitch, at a change of font
    size, or at a centred line that does not continue a centred block (a title
    of two lines). ``above`` is the line read just before the flow on the same
    page; after a page or column break (``after_break``) there is none, and only
    the indent tells.
    """
    out: list[Line] = []
    hang: float | None = None  # the x a hanging list item continues at
    for i, ln in enumerate(flow):
        above = flow[i - 1] if i else None if after_break else above
        hanging = hang is not None and abs(ln.x0 - hang) < 1
        centred = _centred(ln, left, width)
        indent = ln.x0 - left > 0.8 * ln.size and not hanging and not centred
        white = sized = continues_centred = False
        if above is not None:
            white = ln.top - above.top > pitches.get(ln.size, 1.2 * ln.size) + 0.25 * ln.size
            sized = abs(ln.size - above.size) > 0.5
            continues_centred = centred and _centred(above, left, width) and not white
        out.append(Line(
            runs=ln.runs,
            page=page,
            fill=round(min(1.0, max(0.0, (ln.x1 - left) / width)), 3),
            para_hint=indent or white or sized or centred and not continues_centred,
            page_break=after_break and i == 0,
            x0=round(ln.x0, 1),
            top=round(ln.top, 1),
            size=ln.size,
        ))
        if ln.text_x0 > ln.x0 + 1:
            hang = ln.text_x0
        elif not hanging:
            hang = None
    return out


def _note_lines(lines: list[_Line], page: int) -> list[Line]:
    """Footnote lines as model lines; a note's number leads its first line."""
    out = []
    for ln in lines:
        runs = [Run(r.text, r.font, r.size, r.bold, r.italic) for r in ln.runs]
        if ln.note_mark:
            runs[0].text = ln.note_mark + " " + runs[0].text
        text = "".join(r.text for r in runs)
        out.append(Line(runs=runs, page=page, size=ln.size, x0=round(ln.x0, 1),
                        top=round(ln.top, 1), para_hint=bool(_NOTE_NUMBER.match(text))))
    return out


def _merge_notes(lines: list[Line]) -> list[Line]:
    """Footnote lines → one Line per note (a note starts with its number).

    A hyphen at a line end is kept before a capital (Post-Industrial) and
    dropped before a lowercase letter, the common case of hyphenation.
    """
    merged: list[Line] = []
    for ln in lines:
        if merged and not ln.para_hint:
            last = merged[-1].runs[-1]
            last.text = last.text.rstrip()
            if last.text.endswith("-"):
                if ln.text[:1].islower():
                    last.text = last.text[:-1]
            else:
                last.text += " "
            merged[-1].runs.extend(ln.runs)
        else:
            merged.append(ln)
    return merged


# --- reading the file ---------------------------------------------------------------------


def _open_error(exc: Exception, name: str) -> InputError:
    """The one-line error for a PDF that pdfplumber cannot open."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSEOF

    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(
            cause).lower():
        return InputError(name, "the PDF is encrypted", "send a copy without a password")
    if isinstance(cause, PDFSyntaxError | PSEOF):
        return InputError(name, "the PDF is damaged or incomplete",
                          "send the file again (it may have been cut off)")
    return InputError(name, f"the PDF cannot be read ({type(cause).__name__})",
                      "send the file again or export it anew")


def _read_pages(raw: bytes, name: str) -> tuple[list[_Page], Counter[float]]:
    """Every page's lines, read one page at a time, and the font sizes by character count."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        # pdfminer keeps every object it resolves, decoded content streams included,
        # and pdfplumber every page: memory would grow with each page read. Off
        # before the page tree is read, and each page dropped once it is done.
        pdf.doc.caching = False
        n_pages = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many types on broken files
        raise _open_error(exc, name) from None
    pages: list[_Page] = []
    sizes: Counter[float] = Counter()
    with pdf:
        if n_pages == 0:
            raise InputError(name, "the PDF has no pages", "send the complete PDF")
        if n_pages > MAX_PAGES:
            raise InputError(name, f"the PDF has {n_pages} pages, over the {MAX_PAGES} limit",
                             "split it into articles")
        for index in range(n_pages):
            page = pdf.pages[index]
            pdf.pages[index] = None  # type: ignore[call-overload]
            try:
                chars, width, height = page.chars, float(page.width), float(page.height)
            except Exception as exc:  # damage shows only when pdfminer parses the page
                raise InputError(name, f"the PDF is damaged ({type(exc).__name__})",
                                 "send the file again or export it anew") from None
            lines, gutter = _page_lines(chars, width)
            page.close()  # pdfplumber caches every page's objects otherwise
            for ln in lines:
                sizes[ln.size] += len(ln.text)
            pages.append(_Page(page.page_number, width, height, lines, gutter))
    return pages, sizes


def read_pdf(raw: bytes, name: str) -> Extraction:
    """Extract lines (with fonts and paragraph evidence) and footnotes from a PDF's bytes."""
    pages, sizes = _read_pages(raw, name)
    if not sizes:
        return _ocr(raw, name, len(pages))
    body_size = sizes.most_common(1)[0][0]
    empty = [p.number for p in pages if not p.lines]
    furniture = _furniture(pages, body_size)
    for page in pages:
        page.lines = [ln for ln in page.lines if id(ln) not in furniture]
    _adopt_gutter(pages)
    widths = _column_widths(pages)
    pitches = _pitches(pages)
    out: list[Line] = []
    notes: list[Line] = []
    for page in pages:
        lefts = {kind: min((ln.x0 for ln in page.lines if ln.column == kind), default=0.0)
                 for kind in ("full", "left", "right")}
        above: _Line | None = None  # the body line read last on this page
        flows = _reading_order(page.lines)
        for f, flow in enumerate(flows):
            k = _footnote_start(flow, flows[f + 1:], body_size, page.height)
            notes.extend(_note_lines(flow[k:], page.number))
            body = flow[:k]
            if not body:
                continue
            # Reading goes on to a new page, or back up to the top of a column.
            after_break = above.top > body[0].top if above else bool(out)
            kind = body[0].column
            out.extend(_model_lines(body, above, after_break, page.number, lefts[kind],
                                    widths[kind], pitches))
            above = body[-1]
        page.lines = []  # converted: the model's lines are all that is kept
    notes = _merge_notes(notes)
    two_column = sum(p.gutter is not None for p in pages)
    report = [f"{len(pages)} pages ({two_column} in two columns); body text {body_size} pt; "
              f"{len(furniture)} running-head, footer or page-number lines removed; "
              f"{len(notes)} footnotes"]
    if empty:
        report.append(f"pages without a text layer (scanned?), left out: "
                      f"{', '.join(map(str, empty))}")
    return Extraction(source=name, kind="pdf", lines=out, pages=len(pages), footnotes=notes,
                      notes=report)


def _ocr(raw: bytes, name: str, n_pages: int) -> Extraction:
    """Text of an image-only PDF through Tesseract, one page at a time."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise InputError(name, "the PDF has no text layer and OCR (tesseract) is not installed",
                         "install tesseract-ocr with kir, rus and eng, or send a text PDF")
    from ..textdump import read_text_dump

    # Tesseract's OpenMP threads fight each other on a small machine: one thread
    # per page is several times faster than the default.
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    texts = []
    with tempfile.TemporaryDirectory(prefix="basma-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(raw)
        for number in range(1, n_pages + 1):
            # A greyscale PGM: PNG encoding would take longer than the OCR.
            image = Path(tmp) / f"page-{number}"
            subprocess.run(["pdftoppm", "-r", str(OCR_DPI), "-gray", "-singlefile",
                            "-f", str(number), "-l", str(number), str(pdf), str(image)],
                           check=True, capture_output=True)
            proc = subprocess.run(["tesseract", f"{image}.pgm", "-", "-l", OCR_LANGS],
                                  capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                problem = (proc.stderr.strip().splitlines() or ["tesseract failed"])[-1]
                raise InputError(name, f"OCR failed: {problem}",
                                 "check that tesseract has kir, rus and eng installed")
            Path(f"{image}.pgm").unlink()
            texts.append(proc.stdout)
    # Tesseract separates paragraphs with an empty line, as plain text files do.
    ex = read_text_dump("\n\n".join(texts), name)
    ex.kind = "pdf"
    ex.pages = n_pages
    ex.notes.append(f"{n_pages} pages without a text layer read by OCR ({OCR_LANGS})")
    return ex
