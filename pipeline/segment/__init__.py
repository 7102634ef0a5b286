"""Stage 3, segment: give every paragraph its role.

Entry point: ``segment(cleaned) -> Document``. Roles come from what a reader of
the page sees: labels ("Аннотация:", "Keywords:"), numbering, bold run-in
phrases, list markers, type size, the references heading, and position (the
title and front matter come before the body). Languages are the tagger's job;
blocks leave here with ``lang = "und"``.

By concern:

* ``frontmatter``: UDC, dates, title, authors, affiliations, ``meta["authors"]``;
* ``headings``: run-in, numbered, Roman, lettered, bold and all-caps headings;
* ``notes``: footnotes the reader left in the text flow, told by their size, and
  the note marks in the text linked to their notes;
* ``references``: where a reference list starts, where its entries start;
* ``citations``: in-text citations and their links to the entries;
* ``objects``: captions linked to their figure, table or equation, and the text's
  cross-references to them ("Сүрөт 1", "Table 2", "(3)").

Block ids are given once every role is known (``assign_ids``): ``b<n>`` for
blocks, ``ref-<number>`` for the entries of the first reference list and
``ref<k>-<number>`` for those of list k, each made unique by construction. Two
reference lists in a row (Список литературы, then a transliterated References)
are both kept: their blocks carry ``ref_list`` 1 and 2.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import OBJECT_ROLES, Block, Cleaned, Document, Paragraph, Run, Span
from .citations import CITATION, find_citations, link_citations
from .frontmatter import authors_meta, front_matter, split_authors
from .headings import heading_line, heading_number, run_in_heading, smaller_than_body
from .notes import (
    body_size_of,
    link_marks,
    note_role,
    note_roles,
    note_spans,
    split_notes,
    split_number,
    toc_lines,
)
from .objects import caption_label, link_objects
from .references import (
    continues_entry,
    entry_number,
    is_references_heading,
    join_entry,
    looks_like_entry,
    split_author_year_run_on,
    split_run_on,
    starts_list,
)

__all__ = ["CITATION", "segment", "find_citations", "split_authors", "run_in_heading",
           "assign_ids", "blocks_of"]

#: Labels that lead an abstract, in Kyrgyz, Russian and English.
ABSTRACT_LABEL = re.compile(
    r"^\s*(Аннотация|Кыскача\s+мазмуну|Резюме|Annotation|Abstract|Summary)\s*[:.—–-]\s*",
    re.IGNORECASE,
)
KEYWORDS_LABEL = re.compile(
    r"^\s*(Урунттуу\s+сөздөр|Негизги\s+сөздөр|Ачкыч\s+сөздөр|Ключевые\s+слова|"
    r"Key\s*words|Keywords|Index\s+terms)\s*[:.—–-]\s*",
    re.IGNORECASE,
)


@dataclass
class _State:
    body_started: bool = False
    in_references: bool = False
    ref_list: int = 0  # how many reference lists have started
    numbered: bool = False  # the current list's entries carry numbers
    entry: Paragraph | None = None  # the entry being assembled
    entry_size: float | None = None
    notes: list[Paragraph] = field(default_factory=list)  # notes met inside the list


def _strip_runs(runs: list[Run], n: int) -> list[Run]:
    """Drop the first ``n`` characters of a run list (a label or a run-in heading)."""
    out: list[Run] = []
    for run in runs:
        if n >= len(run.text):
            n -= len(run.text)
            continue
        out.append(run.with_text(run.text[n:]))
        n = 0
    if out:
        out[0].text = out[0].text.lstrip()
    return [r for r in out if r.text]


def _spans_from_runs(runs: list[Run], offset: int = 0) -> list[Span]:
    """Style spans from the runs' fonts: bold or italic, sub or sup, note marks, and
    formulas.

    A formula set in several fonts is one ``math`` span over its runs (and the
    spaces between them); its scripts and italics are spans inside it.
    """
    spans: list[Span] = []
    text = "".join(r.text for r in runs)
    pos = 0
    for run in runs:
        stripped = run.text.strip()
        styles = [s for s, on in (("bold", run.bold), ("italic", run.italic and not run.math),
                                  (run.script, bool(run.script)), ("math", bool(run.math)))
                  if on]
        if stripped:
            start = pos + run.text.index(stripped[0])
            for style in styles:
                last = next((x for x in reversed(spans) if x.style == style), None)
                if style == "math" and last is not None and not text[
                        last.end - offset:start].strip():
                    last.end = start + offset + len(stripped)
                    continue
                spans.append(Span(start + offset, start + offset + len(stripped), style=style))
        pos += len(run.text)
    return spans


def _size(para: Paragraph) -> float | None:
    sizes = [r.size for r in para.runs if r.size and r.text.strip()]
    return max(sizes) if sizes else None


def _copy(para: Paragraph) -> Paragraph:
    return Paragraph([r.with_text(r.text) for r in para.runs],
                     para.page, para.line, para.bullet, para.footnote)


def segment(cleaned: Cleaned) -> Document:
    """Assign roles to the cleaned paragraphs; link citations to references."""
    blocks: list[Block] = []
    meta: dict = {}
    problems: list[str] = []
    state = _State()
    sizes: dict[int, float | None] = {}
    # A figure may hold no words at all: its picture is its content.
    paras = [p for p in cleaned.paragraphs if p.text.strip() or p.visual is not None]
    body_size = body_size_of(paras)
    paras, noted = note_roles(paras, body_size)
    toc = toc_lines(paras)

    def add(role: str, text: str, para: Paragraph, **kw) -> Block:
        block = Block(id="", role=role, lang="und", text=text.strip(), page=para.page, **kw)
        if not any(s.style == "note" for s in block.spans):  # the blocks made without spans
            block.spans += note_spans(block.text, para.runs)
        blocks.append(block)
        sizes[id(block)] = _size(para)
        return block

    def finish_entry() -> None:
        if state.entry is not None:
            number, text = entry_number(state.entry)
            parts = (split_run_on(number, text) if number is not None
                     else [(None, t) for t in split_author_year_run_on(text)])
            for n, part in parts:
                add("reference", part, state.entry, number=n, ref_list=state.ref_list)
            state.entry = None
        for note_para in state.notes:
            for note in split_notes(note_para.text.strip()):
                number, note = split_number(note)
                role = note_role(note, note_para.page)
                add(role, note, note_para, number=number if role == "footnote" else None)
        state.notes.clear()

    for i, para in enumerate(paras):
        text = para.text.strip()
        hint = getattr(para, "role", None)
        if hint in OBJECT_ROLES and not _has_object(para):
            hint = None  # a reader's (or a damaged file's) object without its content
        if hint in OBJECT_ROLES:
            finish_entry()
            # An equation's formula is a math span: typography leaves its "-" alone;
            # its printed "(1)", where the reader set it apart, is its number.
            add(hint, text, para, cells=para.cells, header_rows=para.header_rows,
                visual=para.visual,
                spans=_spans_from_runs(para.runs) if hint == "equation" else [],
                number=((para.bullet or "").strip(" ()") or None) if hint == "equation" else None)
            continue
        if honoured(hint, text, state.in_references):
            if hint == "heading" and state.in_references:
                finish_entry()
                state.in_references = False
            if hint not in ("footnote", "abstract"):
                state.body_started = True
            hinted_block(para, text, add)
            continue
        if i in toc:  # a contents line: never a heading, never the list
            add("paragraph", f"{para.bullet} {text}" if para.bullet else text, para)
            continue
        if is_references_heading(text) and not para.bullet and hint not in ("list_item",):
            if starts_list(paras, i):
                finish_entry()
                state.ref_list += 1
                add("references_heading", text.rstrip(":."), para, ref_list=state.ref_list)
                state.in_references = state.body_started = True
                state.numbered, state.entry_size = False, None
                continue
            # A references heading not followed by entries: a contents line, or a
            # heading whose list the source lost. Either way not a list.
            if not state.in_references:
                add("paragraph", text, para)
                continue
        if state.in_references and (para.footnote or hint == "footnote"):
            number, rest = entry_number(para)
            if number is None or not looks_like_entry(rest):
                # A note of the list's page, not an entry: it follows the entry
                # being assembled, which a later line may still continue.
                state.notes.append(para)
                continue
        if state.in_references:
            if _ends_list(para, text, state, body_size):
                finish_entry()
                state.in_references = False
            else:
                _add_to_list(para, state, finish_entry)
                continue
        if para.footnote or hint == "footnote" or noted.get(i) == "footnote":
            for note in split_notes(text):
                number, note = split_number(note)
                role = note_role(note, para.page) if hint != "footnote" else "footnote"
                # A reader's note (DOCX) has its number as its bullet, not in its text.
                number = number or (para.bullet if hint == "footnote" else None)
                add(role, note, para, number=number if role == "footnote" else None)
            continue
        if noted.get(i) == "affiliation":
            add("affiliation", text, para)
            continue
        m = ABSTRACT_LABEL.match(text)
        if m and not state.body_started:
            add("abstract", text[m.end():], para, label=m.group(0).strip(),
                spans=_spans_from_runs(_strip_runs(para.runs, m.end())))
            continue
        if blocks and blocks[-1].role == "abstract" and _abstract_goes_on(paras, i, blocks):
            blocks[-1].text += " " + text
            continue
        m = KEYWORDS_LABEL.match(text)
        if m and not any(b.role == "heading" for b in blocks):
            add("keywords", text[m.end():].rstrip("."), para, label=m.group(0).strip())
            continue
        around = (paras[i - 1] if i else None, paras[i + 1] if i + 1 < len(paras) else None)
        if not state.body_started and front_matter(para, text, add, meta, blocks, sizes,
                                                   around):
            continue
        state.body_started = True
        _body_block(para, text, add, body_size)
    finish_entry()

    if state.ref_list < 2:
        for b in blocks:
            b.ref_list = None
    assign_ids(blocks)
    link_citations(blocks, problems)
    link_objects(blocks, problems, cleaned.kind)
    link_marks(blocks, problems)
    authors = authors_meta(blocks)
    if authors:
        meta["authors"] = authors
    return Document(meta=meta, blocks=blocks, changes=list(cleaned.changes), problems=problems)


def _abstract_goes_on(paras: list[Paragraph], i: int, blocks: list[Block]) -> bool:
    """Whether ``paras[i]`` is a further paragraph of the abstract before it.

    It is when the keywords follow it closely on the same page: an abstract of
    two paragraphs, then "Keywords:".
    """
    para = paras[i]
    text = para.text.strip()
    if (para.page != blocks[-1].page or para.bullet or ABSTRACT_LABEL.match(text)
            or KEYWORDS_LABEL.match(text)):
        return False
    for nxt in paras[i + 1:i + 3]:
        if ABSTRACT_LABEL.match(nxt.text.strip()):
            return False
        if KEYWORDS_LABEL.match(nxt.text.strip()):
            return nxt.page == para.page
    return False


def _has_object(para: Paragraph) -> bool:
    """Whether a paragraph a reader marked as a figure, table or equation carries the
    object: a table its rows of cells, a figure or equation its picture or LaTeX."""
    if para.role == "table":
        return bool(para.cells) and all(isinstance(r, list) for r in para.cells)
    return para.visual is not None


def honoured(hint: str | None, text: str, in_references: bool) -> bool:
    """Whether a role the reader marked (``Paragraph.role``, from a DOCX) is taken as given.

    It is, except where only the reference rules can tell: Word has no style for
    the reference list, so a heading named like one opens it, and the list
    items inside it are its entries.

    >>> honoured("heading", "Введение", False), honoured("heading", "Литература", False)
    (True, False)
    >>> honoured("list_item", "Асанов А. Билим. 2020.", True), honoured(None, "x", False)
    (False, False)
    """
    if hint in ("footnote", "abstract", "caption"):
        return True
    if hint == "heading":
        return not is_references_heading(text)
    return hint in ("list_item", "quote") and not in_references


def hinted_block(para: Paragraph, text: str, add) -> None:
    """The block of a paragraph whose role the reader marked: level, list number and
    note number are the source's, nothing is guessed from the text."""
    spans = _spans_from_runs(para.runs)
    role = para.role or "paragraph"
    if role == "heading":
        add("heading", text, para, level=para.level or 1, spans=spans)
    elif role == "list_item":
        number = para.bullet if para.bullet and para.bullet[0].isalnum() else None
        add("list_item", text, para, number=number, spans=spans)
    elif role == "footnote":
        add("footnote", text, para, number=para.bullet, spans=spans)
    else:
        add(role, text, para, spans=spans)


def _body_block(para: Paragraph, text: str, add, body_size: float | None) -> None:
    """The role of a body paragraph: heading, caption, list item or paragraph."""
    hint = getattr(para, "role", None)
    if hint == "heading":
        add("heading", text, para, level=getattr(para, "level", None) or 1)
        return
    heading = run_in_heading(para) if not smaller_than_body(para, body_size) else None
    if heading:
        add("heading", heading, para, level=1, run_in=True)
        rest = _strip_runs(para.runs, len(para.text) - len(para.text.lstrip()) + len(heading) + 1)
        add("paragraph", "".join(r.text for r in rest), para, spans=_spans_from_runs(rest))
        return
    number = heading_number(para)
    if number and not smaller_than_body(para, body_size):
        add("heading", text, para, level=number.count(".") + 1, number=number)
        return
    if caption_label(text):
        add("caption", text, para)
        return
    standalone = heading_line(para, body_size)
    if standalone:
        heading_text, number, level = standalone
        add("heading", heading_text, para, level=level, number=number)
    elif para.bullet:
        add("list_item", text, para, number=para.bullet if para.bullet[0].isalnum() else None,
            spans=_spans_from_runs(para.runs))
    elif hint == "quote":
        add("quote", text, para, spans=_spans_from_runs(para.runs))
    else:
        add("paragraph", text, para, spans=_spans_from_runs(para.runs))


def _ends_list(para: Paragraph, text: str, state: _State, body_size: float | None) -> bool:
    """Whether ``para`` ends the reference list: a heading set larger than the entries.

    A text dump has no sizes: there the list runs to the end, as it nearly always
    does in an article.
    """
    size = _size(para)
    if is_references_heading(text) or size is None or state.entry_size is None:
        return False
    number, rest = entry_number(para)
    if number is not None and looks_like_entry(rest):
        return False
    larger = size > state.entry_size + 1.0
    return larger and heading_line(para, body_size) is not None


def _add_to_list(para: Paragraph, state: _State, finish_entry) -> None:
    """Start a new entry with ``para`` or append it to the entry being assembled."""
    number, text = entry_number(para)
    if state.entry is None:
        state.numbered = number is not None
        state.entry_size = _size(para)
    elif continues_entry(state.entry.text, para, state.numbered):
        join_entry(state.entry, para)
        return
    finish_entry()
    state.entry = _copy(para)


def blocks_of(blocks: list[Block], role: str) -> list[Block]:
    return [b for b in blocks if b.role == role]


def assign_ids(blocks: list[Block]) -> None:
    """Give every block a unique id.

    References are ``ref-<number>`` (list 1) or ``ref<k>-<number>`` (list k),
    from the printed number or, for an unnumbered entry, its place in the list;
    a number printed twice gets a suffix (``ref-7-2``) rather than a clash.
    """
    seen: set[str] = set()
    position: Counter[int] = Counter()
    count = 0
    for block in blocks:
        if block.role == "reference":
            k = block.ref_list or 1
            position[k] += 1
            number = block.number if block.number and block.number.isalnum() else None
            base = f"ref{'' if k == 1 else k}-{number or position[k]}"
        else:
            count += 1
            base = f"b{count}"
        ident, n = base, 1
        while ident in seen:
            n += 1
            ident = f"{base}-{n}"
        seen.add(ident)
        block.id = ident
