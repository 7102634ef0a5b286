"""Footnotes the reader left in the text flow, and table-of-contents lines.

A PDF reader that misses a page's notes passes them on as small paragraphs
between the last body line of the page and the first of the next, each after
its marker ("1", "∗") set as a paragraph of its own; and when the body sentence
runs on over the page, the cleaner joins its continuation to the last note.
Size tells them apart: a note is set smaller than the body. So here a marker
followed by a smaller paragraph makes that paragraph a footnote (an affiliation
when it names an institution or gives an e-mail), and body-size text glued to a
note's end goes back to the paragraph the notes interrupted.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Paragraph, Run
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
