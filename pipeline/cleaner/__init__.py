"""Stage 2, clean: repair what extraction broke, and record every change.

Entry point: ``clean(extraction) -> Cleaned``. What is repaired, and in which
order, is data: ``plan.PLAN`` (invisible debris, mojibake, look-alikes and
symbol-font glyphs per run; legacy-font letters per font; lines into paragraphs
by ``lines.join_lines``, for the body and the footnotes alike; spacing per
paragraph). Each repair is a function in ``fixes.py``; this module applies the
plan and writes the audit trail: a ``Change`` per word a repair touched, under
the step's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

from .. import alphabet
from ..model import Change, Cleaned, Extraction, Paragraph, Run
from . import fixes, lines
from .plan import LINE_END_HYPHEN, PLAN, Step

__all__ = ["clean"]

_TOKEN = re.compile(r"\S+|\s+")


def _local_diff(a: list[str], b: list[str], reach: int = 12):
    """Differing stretches of two token lists, as (i1, i2, j1, j2).

    The repairs only make local edits, so after a difference the lists fall back
    into step within a few tokens: a linear walk that looks ``reach`` tokens
    ahead finds it, where a general diff would take quadratic time on a long
    paragraph (a 1 MB line).
    """
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        best = None
        # Nearest resynchronisation first: by total distance skipped.
        for d in range(1, 2 * reach):
            for di in range(max(0, d - reach + 1), min(d, reach - 1) + 1):
                dj = d - di
                if i + di < len(a) and j + dj < len(b) and a[i + di] == b[j + dj] and (
                    i + di + 1 >= len(a) or j + dj + 1 >= len(b)
                    or a[i + di + 1] == b[j + dj + 1]
                ):
                    best = (di, dj)
                    break
            if best:
                break
        if best is None:
            yield i, len(a), j, len(b)
            return
        yield i, i + best[0], j, j + best[1]
        i, j = i + best[0], j + best[1]
    if i < len(a) or j < len(b):
        yield i, len(a), j, len(b)


def record_changes(rule: str, before: str, after: str, where: str, changes: list[Change]) -> None:
    """Add one Change per differing stretch of words between ``before`` and ``after``."""
    if before == after:
        return
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    for i1, i2, j1, j2 in _local_diff(a, b):
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        context = "".join(a[max(0, i1 - 6) : i1]) + "⟦" + old + "⟧" + "".join(a[i2 : i2 + 6])
        changes.append(Change(rule, old, new, where, context=context.strip()))


def _font_key(run: Run, kind: str) -> str:
    # A text dump has no fonts; its glyph-inferred runs share one decision.
    return "(whole document)" if kind == "text" else (run.font or "(unknown font)")


def _model_scores(text: str) -> dict[str, float]:
    from ..tag import langid  # the model loads only for text that needs it (є/ї/ў)

    return langid.model_scores(text)


@dataclass
class _State:
    """What the plan works on: the extraction, then the paragraphs, and the trail."""

    ex: Extraction
    changes: list[Change]
    decisions: list[str]
    undecided: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)


def _run_steps(steps: list[Step], state: _State) -> None:
    """Each line's runs through the steps in order, body lines then footnote lines."""
    for line in state.ex.lines + state.ex.footnotes:
        where = lines.where(line)
        for step in steps:
            for run in line.runs:
                if step.skips_math and run.verbatim:
                    continue
                new = step.fn(run.text)
                if new != run.text:
                    record_changes(step.name, run.text, new, where, state.changes)
                    run.text = new


def _font_steps(steps: list[Step], state: _State) -> None:
    """Each step decides once per font from the font's whole text, then remaps its runs."""
    ex = state.ex
    by_font: dict[str, list[tuple[Run, str]]] = {}
    for line in ex.lines + ex.footnotes:
        where = lines.where(line)
        for run in line.runs:
            by_font.setdefault(_font_key(run, ex.kind), []).append((run, where))
    # Forms spelt right anywhere are evidence for what the broken ones stand for.
    vocabulary = fixes.vocabulary_of(
        run.text for runs in by_font.values() for run, _ in runs
        if alphabet.LEGACY_UE not in run.text.lower()
    )
    for step in steps:
        for font, all_runs in sorted(by_font.items()):
            runs = [(r, w) for r, w in all_runs if not (step.skips_math and r.verbatim)]
            text = " ".join(run.text for run, _ in runs)
            verdict = step.fn(font, text, vocabulary, _model_scores)
            state.decisions += verdict.decisions
            state.undecided += verdict.undecided
            if verdict.remap is None:
                continue
            for run, where in runs:
                new = verdict.remap(run.text)
                if new != run.text:
                    record_changes(step.name, run.text, new, where, state.changes)
                    run.text = new


def _line_steps(steps: list[Step], state: _State) -> None:
    """Lines into paragraphs: the body by its layout, the footnotes note by note.

    One policy joins both (hyphens, punctuation, page breaks); only where a
    paragraph ends differs: a note starts where the reader saw its number.
    """
    ex = state.ex
    words = lines.vocabulary(ex.lines) + lines.vocabulary(ex.footnotes)
    for step in steps:
        body = step.fn(ex.lines, state.changes, words=words)
        notes = step.fn(ex.footnotes, state.changes, breaks=lines.starts_note, words=words,
                        bullets=False)
        for para in notes:
            para.footnote = True
        state.paragraphs = body + notes


def _paragraph_steps(steps: list[Step], state: _State) -> None:
    """Each paragraph's text as a whole through the steps, then split back into runs."""
    tallies = {step.name: sum(step.tally[0](p.text) for p in state.paragraphs)
               for step in steps if step.tally}
    for para in state.paragraphs:
        where = f"line {para.line}" if para.line else f"page {para.page}"
        if para.role and para.line:  # a reader's block (DOCX)
            where = f"{'footnote' if para.role == 'footnote' else 'paragraph'} {para.line}"
        if para.cells is not None:
            _cell_steps(steps, para, where, state)
            continue
        text = para.text
        for step in steps:
            new = _outside_math(step, text, para) if step.skips_math else step.fn(text)
            if new != text:
                if not step.tally:  # tallied edits are reported as one count below
                    record_changes(step.name, text, new, where, state.changes)
                text = new
        _rerun(para, text)
    for step in steps:
        if step.tally and tallies[step.name]:
            state.changes.append(Change(step.name, "  ", " ", "whole document",
                                        note=f"{tallies[step.name]} {step.tally[1]}"))


#: Stands in for a formula's characters while a step that skips formulas runs:
#: not a letter, so it splits words as the formula's edge would.
_MATH_MASK = "\ufffc"


def _outside_math(step: Step, text: str, para: Paragraph) -> str:
    """``step`` on a paragraph's text with its formulas (``Run.math``) and note marks
    (``Run.verbatim``) left as they are.

    The formulas' characters are masked one for one while the step runs (so a
    word next to a formula is judged without it); a step
    that changes the text's length around them runs on each stretch between
    formulas instead.
    """
    if not text or not any(r.verbatim for r in para.runs):
        return step.fn(text)
    # The steps before may have changed spaces: formulas are found by their
    # non-space characters, counted as ``_rerun`` counts them.
    inked = [r.verbatim for r in para.runs for c in r.text if not c.isspace()]
    keep, k = [], 0
    for c in text:
        keep.append(not c.isspace() and k < len(inked) and inked[k])
        k += not c.isspace()
    if k != len(inked):
        return step.fn(text)
    masked = "".join(_MATH_MASK if k else c for c, k in zip(text, keep, strict=True))
    new = step.fn(masked)
    if len(new) == len(text) and all((c == _MATH_MASK) == k for c, k in zip(new, keep,
                                                                              strict=True)):
        return "".join(t if k else c for c, t, k in zip(new, text, keep, strict=True))
    out, start = [], 0
    for k in range(len(text) + 1):
        if k == len(text) or keep[k] != keep[start]:
            piece = text[start:k]
            out.append(piece if keep[start] else step.fn(piece))
            start = k
    return "".join(out)


def _cell_steps(steps: list[Step], para: Paragraph, where: str, state: _State) -> None:
    """The paragraph steps on each cell of a table; its text is its cells again."""
    assert para.cells is not None
    for row in para.cells:
        for k, text in enumerate(row):
            for step in steps:
                new = step.fn(text)
                if new != text and not step.tally:
                    record_changes(step.name, text, new, where, state.changes)
                text = new
            row[k] = text.strip()
    para.runs = [Run(" ".join(c for row in para.cells for c in row if c))]


_APPLY: dict[str, Callable[[list[Step], _State], None]] = {
    "run": _run_steps,
    "font": _font_steps,
    "lines": _line_steps,
    "paragraph": _paragraph_steps,
}


def _rerun(para: Paragraph, text: str) -> None:
    """Give ``text`` back the fonts of ``para.runs``, aligning non-space characters."""
    if text == para.text:
        return
    owner: list[int] = []  # for each non-space character of the old text, its run
    for i, run in enumerate(para.runs):
        owner.extend(i for c in run.text if not c.isspace())
    pieces: list[tuple[int, list[str]]] = []
    k = current = 0
    for c in text:
        if not c.isspace() and k < len(owner):
            current = owner[k]
            k += 1
        if pieces and pieces[-1][0] == current:
            pieces[-1][1].append(c)
        else:
            pieces.append((current, [c]))
    runs = para.runs
    para.runs = [runs[i].with_text("".join(chars))
                 for i, chars in pieces]


def clean(ex: Extraction) -> Cleaned:
    """Repair an extraction by ``PLAN``; return paragraphs, the changes and the decisions."""
    state = _State(ex, changes=[], decisions=list(ex.notes))
    for scope, steps in groupby(PLAN, key=lambda step: step.scope):
        _APPLY[scope](list(steps), state)
    paras = [p for p in state.paragraphs if p.text.strip() or p.visual is not None]
    undecided = state.undecided + [
        f"{c.where}: {c.before} → {c.after} ({c.note})"
        for c in state.changes
        if c.rule == LINE_END_HYPHEN.name and "no evidence" in c.note
    ]
    undecided += [
        f"{p.text[:60]}…: a word mixes Latin and Cyrillic on purpose?"
        for p in paras
        if re.search(r"\b(?=\w*[а-яё])(?=\w*[a-z])\w+\b", p.text, re.IGNORECASE)
    ]
    return Cleaned(source=ex.source, paragraphs=paras, changes=state.changes,
                   decisions=state.decisions, undecided=undecided, kind=ex.kind)
