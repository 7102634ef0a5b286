"""Visual lines into paragraphs: one line-joining policy for the body and the footnotes.

Where a paragraph ends differs (the body reads the layout's evidence, a footnote
starts where the reader saw a note number), but how two lines are joined is the
same for both: punctuation pushed to the next line, a line-end hyphen kept or
dropped on the document's evidence (``fixes.keep_line_end_hyphen``), a page break
inside a paragraph recorded.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable

from ..model import Change, Line, Paragraph, Run
from . import fixes

#: Whether ``line`` opens a new paragraph after ``prev`` (``in_list``: the paragraph
#: before is a list item).
Breaks = Callable[[Line, Line, bool], bool]


def where(line: Line) -> str:
    """A line's place for the report: its line in a text dump, else its page."""
    if line.role and line.number:  # a reader's block (DOCX): it has no lines, it is one
        return f"{'footnote' if line.role == 'footnote' else 'paragraph'} {line.number}"
    return f"line {line.number}" if line.number else f"page {line.page}"


def _ends_terminal(text: str) -> bool:
    return text.rstrip().endswith(fixes.TERMINAL)


def _prose(item: Line | Paragraph) -> str:
    """A line's or paragraph's text without its note marks: "бөлдү.²" ends a sentence."""
    return "".join(r.text for r in item.runs if r.script != "note")


def starts_paragraph(prev: Line, line: Line, in_list: bool) -> bool:
    """Whether body line ``line`` opens a new paragraph after ``prev``.

    >>> a, b = Line([Run("Биринчи сүйлөм.")], fill=0.5), Line([Run("Экинчи.")])
    >>> starts_paragraph(a, b, False), starts_paragraph(a, Line([Run("жана")]), False)
    (True, False)
    """
    text = line.text.lstrip()
    if fixes.split_bullet(text)[0]:
        return True
    if fixes.CONTINUATION.match(text):
        return False  # a lowercase word or punctuation continues the sentence
    if _bold_heading(prev) and not _bold_heading(line):
        # (segment's request) A bold heading line ends its paragraph wherever it
        # stands: at a page or column foot the page-break rule below would
        # otherwise glue it to the first paragraph of its section.
        return True
    if line.page_break and _bold_heading(line) and not all(
            r.bold for r in prev.runs if r.text.strip()):
        # And one at the top of a page or column starts its own, even when the
        # paragraph before broke off mid-sentence at the foot of the last.
        return True
    if in_list and _ends_terminal(_prose(prev)):
        # A capitalised line after a finished list item is new prose, unless a
        # PDF shows it hanging at the item's indent (it has no paragraph hint).
        return line.para_hint or line.x0 is None
    if line.page_break:
        # At a page or column break the dump's markers mean nothing: a paragraph
        # ends there only if its last line is both finished and short.
        return _ends_terminal(_prose(prev)) and prev.fill < 0.9
    if line.para_hint:
        return True
    return _ends_terminal(_prose(prev)) and prev.fill < 0.8


def _bold_heading(line: Line) -> bool:
    """A line set bold throughout, short and unfinished: a heading's evidence."""
    runs = [r for r in line.runs if r.text.strip()]
    return (bool(runs) and all(r.bold for r in runs) and line.fill < 0.75
            and not _ends_terminal(_prose(line)) and len(line.text.split()) <= 14)


def starts_note(prev: Line, line: Line, in_list: bool) -> bool:
    """Whether footnote line ``line`` opens a new note: the reader marks each note's
    first line (it starts with the note's number) with ``para_hint``.

    >>> starts_note(Line([Run("1 Кара: ")]), Line([Run("Бишкек, 2020.")]), False)
    False
    """
    return line.para_hint


def _join(para: Paragraph, line: Line, vocabulary: Counter[str], changes: list[Change]) -> None:
    """Append ``line`` to ``para``, repairing the break between them."""
    last = para.runs[-1]
    last.text = last.text.rstrip()
    incoming = [r.with_text(r.text) for r in line.runs]
    incoming[0].text = incoming[0].text.lstrip()
    first = incoming[0].text
    here = where(line)
    m = re.search(r"(\w+)-$", last.text)
    n = re.match(r"\w+", first)
    if first[:1] in ".,;:!?)»]":
        changes.append(Change(join_lines.__name__, last.text[-12:] + " ⏎ " + first[:12],
                              last.text[-12:] + first[:12], here,
                              note="punctuation pushed to the next line or page"))
        sep = ""
    elif m and n and not last.text.endswith("--"):
        keep, why = fixes.keep_line_end_hyphen(m.group(1), n.group(0), vocabulary)
        if why.startswith("no evidence"):
            from .. import lexicon  # the word lists only for what the document cannot tell

            keep, why = lexicon.hyphen_evidence(m.group(1), n.group(0)) or (keep, why)
        if not keep:
            last.text = last.text[:-1]
        changes.append(Change(fixes.keep_line_end_hyphen.__name__, m.group(0) + " ⏎ " + n.group(0),
                              m.group(0 if keep else 1) + n.group(0), here, note=why))
        sep = ""
    else:
        sep = " "
    if line.page_break and para.runs:
        changes.append(Change(join_lines.__name__, "¶", " ", here,
                              note="paragraph continued across a page break"))
    incoming[0].text = sep + incoming[0].text
    for run in incoming:
        end = para.runs[-1]
        if (end.font, end.bold, end.italic, end.script, end.math) == (
                run.font, run.bold, run.italic, run.script, run.math):
            para.runs[-1].text += run.text
        else:
            para.runs.append(run)


def vocabulary(lines: list[Line]) -> Counter[str]:
    """Word counts of the lines, without the halves of words broken at line ends.

    The halves would be evidence for themselves: "би-" ⏎ "лим" makes «би» a word
    of the document. Compounds count whole and by their parts (техникалык in
    илимий-техникалык).

    >>> vocabulary([Line([Run("би-")]), Line([Run("лим берүү")])])
    Counter({'берүү': 1})
    """
    texts = []
    broken = False
    for line in lines:
        # A note's mark is no part of its word: "Universe³" counts "universe".
        text = "".join(" " if r.script == "note" else r.text for r in line.runs)
        if broken:
            text = re.sub(r"^\s*\w+", "", text, count=1)
        broken = bool(re.search(r"\w-\s*$", text)) and not text.rstrip().endswith("--")
        if broken:
            text = re.sub(r"\w+-\s*$", "", text)
        texts.append(text)
    counts = fixes.vocabulary_of(texts)
    for word, n in list(counts.items()):
        for part in word.split("-") if "-" in word else ():
            counts[part] += n
    return counts


def join_lines(
    lines: list[Line],
    changes: list[Change],
    *,
    breaks: Breaks = starts_paragraph,
    words: Counter[str] | None = None,
    bullets: bool = True,
) -> list[Paragraph]:
    """Assemble paragraphs (and list items) from visual lines.

    Cause: a PDF or a text dump gives lines, not paragraphs; a paragraph's lines
    must be joined, repairing what the line ends did to words and punctuation.

    ``breaks`` says where a paragraph ends (``starts_note`` for footnotes),
    ``words`` is the document's vocabulary for the hyphen decisions (by default
    that of ``lines``), ``bullets`` whether a list marker is split off.

    >>> lines = [Line([Run("Билим бе-")], fill=1.0), Line([Run("рүү системасы.")], fill=0.4),
    ...          Line([Run("– биринчи")])]
    >>> changes = []
    >>> [(p.bullet, p.text) for p in join_lines(lines, changes)]
    [(None, 'Билим берүү системасы.'), ('–', 'биринчи')]
    >>> changes[0].rule, changes[0].after
    ('keep_line_end_hyphen', 'берүү')
    """
    counts = vocabulary(lines) if words is None else words
    paras: list[Paragraph] = []
    prev: Line | None = None
    hint = page_break = False
    held: list[Paragraph] = []  # figures and tables set inside a paragraph (``_interrupted``)
    for line in lines:
        if not line.text.strip() and line.visual is None:
            # Emptied by the cleaning (a lone soft hyphen or control): nothing to join,
            # but what the layout said about it holds for the next line.
            hint, page_break = hint or line.para_hint, page_break or line.page_break
            continue
        if hint or page_break:
            line = dataclasses.replace(line, para_hint=line.para_hint or hint,
                                       page_break=line.page_break or page_break)
            hint = page_break = False
        if line.role is not None:
            paras.extend(held)
            held = []
            paras.append(hinted_paragraph(line))
            prev = None  # nothing joins onto a reader's block either
            continue
        interrupted = _interrupted(paras) if prev is None and breaks is starts_paragraph and (
            fixes.CONTINUATION.match(line.text)) else None
        if interrupted is not None:
            # The floats wait until the paragraph they interrupted ends.
            held, paras[interrupted + 1:] = paras[interrupted + 1:], []
            _join(paras[-1], line, counts, changes)
        elif prev is None or breaks(prev, line, bool(paras and paras[-1].bullet)):
            paras.extend(held)
            held = []
            runs = [r.with_text(r.text) for r in line.runs]
            runs[0].text = runs[0].text.lstrip()
            bullet, rest = fixes.split_bullet(runs[0].text) if bullets else (None, "")
            if bullets and not bullet and len(runs) > 1 and runs[1].text[:1].strip():
                # A bullet in a font of its own is a run of its own ("⚫ ", then the
                # text); not a number or a dash, which a heading or a sentence opens with.
                bullet, rest = fixes.split_bullet(runs[0].text + runs[1].text[0])
                bullet, rest = (bullet, rest[:-1]) if bullet in _GLYPH_BULLETS else (None, "")
            if bullet:
                runs[0].text = rest
                if not rest and len(runs) > 1:
                    del runs[0]
            paras.append(Paragraph(runs=runs, page=line.page, line=line.number, bullet=bullet))
        else:
            _join(paras[-1], line, counts, changes)
        prev = line
    return paras + held


#: Bullets drawn as a glyph (not a dash or a number), which may come in a run of their own.
_GLYPH_BULLETS = frozenset("•·▪◦‣*⚫●◼■❑❖◆⮚➢")
#: Blocks a page sets apart from the text's flow: a paragraph goes on after them.
_FLOATS = ("figure", "table", "caption")


def _interrupted(paras: list[Paragraph]) -> int | None:
    """The paragraph a figure or table (with its caption) broke off mid-sentence, when
    the line after them continues it: the float is set where the page had room, not
    where the sentence ends. An equation is part of its sentence, so not one.

    >>> p = Paragraph(runs=[Run("Набор данных")])
    >>> fig = Paragraph(runs=[Run("")], role="figure")
    >>> _interrupted([p, fig, Paragraph(runs=[Run("Рис. 1")], role="caption")])
    0
    >>> _interrupted([Paragraph(runs=[Run("Набор данных.")]), fig]) is None
    True
    """
    k = len(paras) - 1
    while k >= 0 and paras[k].role in _FLOATS:
        k -= 1
    if k < 0 or k == len(paras) - 1 or paras[k].role is not None or paras[k].footnote:
        return None
    return None if _ends_terminal(_prose(paras[k])) else k


def hinted_paragraph(line: Line) -> Paragraph:
    """A line a reader marked as a whole block (DOCX): one paragraph, kept as it is.

    Cause: such text has no line ends, so there is nothing to join and no hyphen
    to decide; the reader's role, level and list marker pass on. A table's runs
    are its cells in reading order (so the run repairs reached them): they go
    back into the rows of ``line.cells``.

    >>> p = hinted_paragraph(Line([Run("a"), Run("b")], role="table", cells=[["", ""]]))
    >>> p.cells, p.text
    ([['a', 'b']], 'a b')
    """
    runs = [r.with_text(r.text) for r in line.runs]
    cells = None
    if line.cells is not None:
        texts = iter(r.text for r in runs)
        cells = [[next(texts, "") for _ in row] for row in line.cells]
        runs = [Run(" ".join(c for row in cells for c in row if c.strip()))]
    elif runs:
        runs[0].text = runs[0].text.lstrip()
    return Paragraph(runs=runs, page=line.page, line=line.number, bullet=line.label,
                     footnote=line.role == "footnote", role=line.role, level=line.level,
                     cells=cells, header_rows=line.header_rows, visual=line.visual)
