"""Footnotes the reader left in the text flow, note marks linked to their notes,
and table-of-contents lines.

A PDF reader that misses a page's notes passes them on as small paragraphs
between the last body line of the page and the first of the next, each after
its marker ("1", "∗") set as a paragraph of its own; and when the body sentence
runs on over the page, the cleaner joins its continuation to the last note.
Size tells them apart: a note is set smaller than the body. So here a marker
followed by a smaller paragraph makes that paragraph a footnote (an affiliation
when it names an institution or gives an e-mail), and body-size text glued to a
note's end goes back to the paragraph the notes interrupted.

A note's mark in the text ("Universe³", a DOCX's note reference) is a run of its
own (``Run.script`` "note"); its block gets a "note" span over it
(``note_spans``), which ``link_marks`` points at the footnote with its number.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Block, Paragraph, Run, Span
from .frontmatter import EMAIL, INSTITUTION, MARKERS_ONLY, ORCID
from .references import CONTENTS, TOC_PAGE, is_references_heading, is_toc_line

_NOTE_MARKS = ("*", "∗", "†", "‡")
_TERMINAL = (".", "!", "?", "…", ":", ";", "»", '"', "”")


def body_size_of(paras: list[Paragraph]) -> float | None:
    """The body's type size: the size most characters are set in (None for a dump)."""
    count: Counter[float] = Counter()
    for para in paras:
        for run in para.runs:
            if run.size:
                count[round(run.size, 1)] += len(run.text)
    return count.most_common(1)[0][0] if count else None


def _small(run: Run, body_size: float) -> bool:
    return bool(run.size) and run.size < body_size - 1.0  # type: ignore[operator]


def _is_note(para: Paragraph, body_size: float) -> bool:
    runs = [r for r in para.runs if r.text.strip()]
    return bool(runs) and _small(runs[0], body_size)


def _split_tail(para: Paragraph, body_size: float) -> tuple[Paragraph, list[Run]]:
    """A note paragraph without the body-size text the cleaner glued to its end."""
    for k, run in enumerate(para.runs):
        if run.text.strip() and run.size and not _small(run, body_size) and k > 0:
            tail = para.runs[k:]
            if len("".join(r.text for r in tail).split()) >= 3:
                return Paragraph(para.runs[:k], para.page, para.line), tail
            break
    return para, []


def _rejoin(para: Paragraph, tail: list[Run]) -> None:
    """Continue the interrupted body paragraph with its text from the next page."""
    last = para.runs[-1]
    last.text = last.text.rstrip()
    first = tail[0].text.lstrip()
    if re.search(r"[^\W\d_]-$", last.text) and first[:1].islower():
        last.text = last.text[:-1]  # a word hyphenated across the notes: "би-" + "лим"
        sep = ""
    else:
        sep = " "
    para.runs.extend([tail[0].with_text(sep + first), *tail[1:]])


def note_roles(paras: list[Paragraph], body_size: float | None
               ) -> tuple[list[Paragraph], dict[int, str]]:
    """Paragraphs with marker-only lines dropped and glued body text given back,
    and the roles (``footnote``/``affiliation``) of the notes found by size.
    """
    if not body_size:
        return paras, {}
    out: list[Paragraph] = []
    roles: dict[int, str] = {}
    last_body: int | None = None  # index in ``out`` of the paragraph notes interrupt
    for i, para in enumerate(paras):
        text = para.text.strip()
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        marker = bool(MARKERS_ONLY.match(text)) and _is_note(para, body_size)
        if marker and nxt is not None and _is_note(nxt, body_size) and not para.footnote:
            continue  # the note's marker, set apart: the next paragraph says it all
        prev_marker = i > 0 and MARKERS_ONLY.match(paras[i - 1].text.strip()) is not None
        # Four words at least: a chart's axis labels are small too, and numbered.
        if (_is_note(para, body_size) and not para.footnote and prev_marker
                and len(text.split()) >= 4):
            note, tail = _split_tail(para, body_size)
            role = note_role(note.text, para.page)
            out.append(note)
            roles[len(out) - 1] = role
            if tail:
                host = out[last_body] if last_body is not None else None
                if host is not None and not host.text.rstrip().endswith(_TERMINAL):
                    _rejoin(host, tail)
                else:
                    out.append(Paragraph(tail, para.page, para.line))
                    last_body = len(out) - 1
            continue
        if _is_note(para, body_size) and para.bullet in _NOTE_MARKS:
            roles[len(out)] = "footnote"  # "* Supported by …": the cleaner took it for a bullet
        out.append(para)
        if not _is_note(para, body_size) and not para.footnote:
            last_body = len(out) - 1
    return out, roles


def note_role(text: str, page: int) -> str:
    """``affiliation`` for a first-page note that gives an author's institution or
    e-mail (journals set affiliations as notes to the names), else ``footnote``.

    >>> note_role("1 Московский физико-технический институт, a@b.ru", 1)
    'affiliation'
    >>> note_role("Работа выполнена при поддержке РФФИ", 1)
    'footnote'
    """
    if page != 1:
        return "footnote"
    if EMAIL.search(text) or ORCID.search(text):
        return "affiliation"
    short = len(text.split()) <= 25
    return "affiliation" if short and INSTITUTION.search(text) and "," in text else "footnote"


def split_notes(text: str) -> list[str]:
    """Footnotes a reader merged into one paragraph, split at their numbers.

    A number starts the next note only when it is the one after the last and
    follows a finished sentence.

    >>> split_notes("1 Сурамжылоонун жыйынтыгы.2 Министрликтин отчету.")
    ['1 Сурамжылоонун жыйынтыгы.', '2 Министрликтин отчету.']
    >>> split_notes("3 See pages 2 and 4.")
    ['3 See pages 2 and 4.']
    """
    m = re.match(r"\s*(\d{1,3})\s", text)
    if not m:
        return [text]
    expected, out, start = int(m.group(1)) + 1, [], 0
    for n in re.finditer(r"(?<=[.!?»)])\s*(\d{1,3})\s+(?=[^\W\d_])", text):
        if int(n.group(1)) == expected:
            out.append(text[start:n.start()].strip())
            start, expected = n.start(1), expected + 1
    out.append(text[start:].strip())
    return [t for t in out if t]


def toc_lines(paras: list[Paragraph]) -> set[int]:
    """Indices of the paragraphs of a table of contents.

    A contents page starts at "Contents" / "Содержание" (alone or ending a
    paragraph) and runs over short lines (titles, page numbers) until the first
    paragraph of prose. Lines with dotted leaders are contents lines anywhere.
    """
    out = {i for i, p in enumerate(paras) if is_toc_line(p.text.strip())}
    i = 0
    while i < len(paras):
        if CONTENTS.search(paras[i].text.strip()):
            j = i + 1
            while j < len(paras):
                text = paras[j].text.strip()
                short = len(text.split()) <= 12 and not text.endswith((".", ";", ","))
                if not (short or TOC_PAGE.match(text)) or len(text.split()) > 16:
                    break
                if is_references_heading(text) or short:
                    out.add(j)
                j += 1
            i = j
        i += 1
    return out


#: A note's own number or symbol leading its text ("3 ", "∗ ", "2) ").
_LEADING_NUMBER = re.compile(r"^\s*([\d*∗†‡]{1,3})[.)]?\s+")


def split_number(note: str) -> tuple[str | None, str]:
    """A note's text without the number it opens with, and that number.

    >>> split_number("3 See Smith (2001)."), split_number("See Smith.")
    (('3', 'See Smith (2001).'), (None, 'See Smith.'))
    """
    m = _LEADING_NUMBER.match(note)
    return (m.group(1), note[m.end():]) if m else (None, note)


def note_spans(text: str, runs: list[Run]) -> list[Span]:
    """The "note" spans over the marks of ``runs`` in ``text``, a block's text made
    from them (the whole, or the piece a label or a run-in heading left).

    Where ``text`` is not one stretch of the runs' text (a note split out, a title
    without its markers), each mark is found by the words just before it.

    >>> runs = [Run(" Universe"), Run("3", script="note"), Run(" began.")]
    >>> [(s.start, s.end) for s in note_spans("Universe3 began.", runs)]
    [(8, 9)]
    """
    found: list[tuple[int, int]] = []
    pos = 0
    for run in runs:
        mark = run.text.strip()
        if run.script == "note" and mark:
            start = pos + run.text.index(mark)
            found.append((start, start + len(mark)))
        pos += len(run.text)
    if not found:
        return []
    whole = "".join(r.text for r in runs)
    at = whole.find(text)
    if at >= 0:
        return [Span(a - at, z - at, style="note") for a, z in found
                if at <= a and z <= at + len(text)]
    spans, cursor = [], 0
    for a, z in found:
        before = whole[max(0, a - 12):a].lstrip()
        k = text.find(before + whole[a:z], cursor) if before else -1
        if k >= 0:
            spans.append(Span(k + len(before), k + len(before) + z - a, style="note"))
            cursor = k + len(before) + z - a
    return spans


#: How the problem of the marks without a note starts.
_LOST = "note marks "


def link_marks(blocks: list[Block], problems: list[str]) -> None:
    """Point each note mark (a "note" span) at its footnote: ``Span.xref``.

    The note is the one with the mark's number on the mark's page (Russian and
    Kyrgyz articles number notes anew on every page), else the next one not yet
    linked that has it. A mark "1,2" is two marks. Marks no note answers stay
    raised numbers and are named in ``problems``: an exponent the reader took
    for a mark, or a note the source lost. Run again (the document stage, after
    the editor's corrections), it links every mark anew.
    """
    problems[:] = [p for p in problems if not p.startswith(_LOST)]
    notes = [b for b in blocks if b.role == "footnote" and b.number]
    linked: set[str] = set()
    lost: list[str] = []
    for block in blocks:
        if block.role == "footnote" or not any(s.style == "note" for s in block.spans):
            continue
        spans: list[Span] = []
        for s in block.spans:
            if s.style != "note":
                spans.append(s)
                continue
            for m in re.finditer(r"[^,\s]+", block.text[s.start:s.end]):
                part = Span(s.start + m.start(), s.start + m.end(), style="note")
                spans.append(part)
                free = [n for n in notes if n.number == m.group() and n.id not in linked]
                note = next((n for n in free if n.page == block.page), None) or next(
                    (n for n in free if (n.page or 0) >= (block.page or 0)),
                    free[0] if free else None)
                if note is None:
                    lost.append(f"{m.group()} (page {block.page})" if block.page
                                else m.group())
                    continue
                part.xref = note.id
                linked.add(note.id)
        block.spans = spans
    if lost:
        problems.append(f"{_LOST}{', '.join(lost[:10])}{' …' if len(lost) > 10 else ''}"
                        " have no note with their number: printed as raised numbers, "
                        "unlinked — check them in the source")
