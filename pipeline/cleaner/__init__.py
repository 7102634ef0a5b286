"""Stage 2, clean: repair what extraction broke, and record every change.

Entry point: ``clean(extraction) -> Cleaned``. The plan, in order:

1. per run: ``fix_mojibake``, ``remove_control_chars``, ``remap_khanty_en``,
   ``fix_homoglyphs``;
2. per font (per document for a text dump, which has no fonts): decide what the
   legacy glyphs ҥ and є ї ў stand for (``decide_legacy_ue``,
   ``decide_cp1251_slots``) and remap them;
3. (step 1 already repaired look-alike letters);
4. lines into paragraphs (``join_lines``): paragraph ends, page-break debris,
   bullets (``split_bullet``), line-end hyphens (``keep_line_end_hyphen``);
5. per paragraph: ``normalize_spaces``, ``remove_space_before_punctuation``,
   ``nbsp_before_dash``.

Each repair is a function in ``fixes.py``; this module only orders them and
writes the audit trail: a ``Change`` per word a repair touched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ..model import Change, Cleaned, Extraction, Line, Paragraph, Run
from . import fixes

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


def _record(rule: str, before: str, after: str, where: str, changes: list[Change]) -> None:
    """Add one Change per differing stretch of words between ``before`` and ``after``."""
    if before == after:
        return
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    for i1, i2, j1, j2 in _local_diff(a, b):
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        context = "".join(a[max(0, i1 - 6) : i1]) + "⟦" + old + "⟧" + "".join(a[i2 : i2 + 6])
        changes.append(Change(rule, old, new, where, context=context.strip()))


def _apply(
    fix: Callable[[str], str], rule: str, runs: list[Run], where: str, changes: list[Change]
) -> None:
    for run in runs:
        new = fix(run.text)
        if new != run.text:
            _record(rule, run.text, new, where, changes)
            run.text = new


def _where(line: Line) -> str:
    return f"line {line.number}" if line.number else f"page {line.page}"


def _font_key(run: Run, kind: str) -> str:
    # A text dump has no fonts; its glyph-inferred runs share one decision.
    return "(whole document)" if kind == "text" else (run.font or "(unknown font)")


def repair_glyphs(ex: Extraction, changes: list[Change], decisions: list[str]) -> None:
    """Steps 1–2 of the plan, on the runs of every line."""
    for line in ex.lines + ex.footnotes:
        where = _where(line)
        # Mojibake first: its C1 bytes would otherwise be stripped as controls.
        _apply(fixes.fix_mojibake, "fix_mojibake", line.runs, where, changes)
        _apply(fixes.remove_control_chars, "remove_control_chars", line.runs, where, changes)
        _apply(fixes.remap_khanty_en, "remap_khanty_en", line.runs, where, changes)
        # Look-alikes before the legacy-glyph decisions, so that those decisions
        # (and so a second cleaning) see the same letters.
        _apply(fixes.fix_homoglyphs, "fix_homoglyphs", line.runs, where, changes)

    by_font: dict[str, list[Run]] = {}
    for line in ex.lines + ex.footnotes:
        for run in line.runs:
            by_font.setdefault(_font_key(run, ex.kind), []).append(run)
    # Forms spelt right anywhere are evidence for what the broken ones stand for.
    vocabulary = fixes.vocabulary_of(
        r.text for runs in by_font.values() for r in runs if "\u04a5" not in r.text.lower()
    )
    remaps: dict[str, Callable[[str], str]] = {}
    for font, runs in sorted(by_font.items()):
        text = " ".join(r.text for r in runs)
        steps: list[Callable[[str], str]] = []
        if "\u04a5" in text.lower():
            d = fixes.decide_legacy_ue(text, vocabulary)
            to_ng = d.target == "ң"
            decisions.append(f"{font}: ҥ stands for {d.target} — {d.evidence}")
            steps.append(lambda t, to_ng=to_ng: fixes.remap_legacy_ue(t, to_ng=to_ng))
        if any(c in text for c in fixes.CP1251_SLOTS):
            from ..tag import langid  # the model loads only for text with є/ї/ў

            d = fixes.decide_cp1251_slots(text, langid.model_scores)
            verdict = "are ө/ү/ң" if d.apply else "are left as written (Ukrainian text)"
            decisions.append(f"{font}: є/ї/ў {verdict} — {d.evidence}")
            if d.apply:
                steps.append(fixes.remap_cp1251_slots)
        if steps:
            remaps[font] = lambda t, steps=tuple(steps): _chain(steps, t)
    for line in ex.lines + ex.footnotes:
        for run in line.runs:
            remap = remaps.get(_font_key(run, ex.kind))
            if remap:
                new = remap(run.text)
                if new != run.text:
                    _record("remap_legacy_glyphs", run.text, new, _where(line), changes)
                    run.text = new
                    # A remapped letter (ү) may be a look-alike in a Latin word.
                    _apply(fixes.fix_homoglyphs, "fix_homoglyphs", [run], _where(line), changes)



def _chain(steps: tuple[Callable[[str], str], ...], text: str) -> str:
    for step in steps:
        text = step(text)
    return text


def _ends_terminal(text: str) -> bool:
    return text.rstrip().endswith(fixes.TERMINAL)


def _starts_new(prev: Line, line: Line, in_list: bool) -> bool:
    """Whether ``line`` opens a new paragraph after ``prev``."""
    text = line.text.lstrip()
    if fixes.split_bullet(text)[0]:
        return True
    if fixes.CONTINUATION.match(text):
        return False  # a lowercase word or punctuation continues the sentence
    if in_list and _ends_terminal(prev.text):
        # A capitalised line after a finished list item is new prose, unless a
        # PDF shows it hanging at the item's indent (it has no paragraph hint).
        return line.para_hint or line.x0 is None
    if line.page_break:
        # At a page or column break the dump's markers mean nothing: a paragraph
        # ends there only if its last line is both finished and short.
        return _ends_terminal(prev.text) and prev.fill < 0.9
    if line.para_hint:
        return True
    return _ends_terminal(prev.text) and prev.fill < 0.8


def _join(para: Paragraph, line: Line, vocabulary: Counter[str], changes: list[Change]) -> None:
    """Append ``line`` to ``para``, repairing the break between them."""
    last = para.runs[-1]
    last.text = last.text.rstrip()
    incoming = [Run(r.text, r.font, r.size, r.bold, r.italic) for r in line.runs]
    incoming[0].text = incoming[0].text.lstrip()
    first = incoming[0].text
    where = _where(line)
    m = re.search(r"(\w+)-$", last.text)
    n = re.match(r"\w+", first)
    if first[:1] in ".,;:!?)»]":
        changes.append(Change("join_lines", last.text[-12:] + " ⏎ " + first[:12],
                              last.text[-12:] + first[:12], where,
                              note="punctuation pushed to the next line or page"))
        sep = ""
    elif m and n and not last.text.endswith("--"):
        keep, why = fixes.keep_line_end_hyphen(m.group(1), n.group(0), vocabulary)
        if not keep:
            last.text = last.text[:-1]
        changes.append(Change("keep_line_end_hyphen", m.group(0) + " ⏎ " + n.group(0),
                              m.group(0 if keep else 1) + n.group(0), where, note=why))
        sep = ""
    else:
        sep = " "
    if line.page_break and para.runs:
        changes.append(Change("join_lines", "¶", " ", where,
                              note="paragraph continued across a page break"))
    incoming[0].text = sep + incoming[0].text
    for run in incoming:
        if para.runs[-1].font == run.font and para.runs[-1].bold == run.bold and (
            para.runs[-1].italic == run.italic
        ):
            para.runs[-1].text += run.text
        else:
            para.runs.append(run)


def _vocabulary(lines: list[Line]) -> Counter[str]:
    """Word counts of the lines, without the halves of words broken at line ends.

    The halves would be evidence for themselves: "би-" ⏎ "лим" makes «би» a word
    of the document. Compounds count whole and by their parts (техникалык in
    илимий-техникалык).
    """
    texts = []
    broken = False
    for line in lines:
        text = line.text
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


def join_lines(lines: list[Line], changes: list[Change]) -> list[Paragraph]:
    """Step 4: assemble paragraphs and list items from visual lines."""
    vocabulary = _vocabulary(lines)
    paras: list[Paragraph] = []
    prev: Line | None = None
    for line in lines:
        if prev is None or _starts_new(prev, line, bool(paras and paras[-1].bullet)):
            runs = [Run(r.text, r.font, r.size, r.bold, r.italic) for r in line.runs]
            runs[0].text = runs[0].text.lstrip()
            bullet, rest = fixes.split_bullet(runs[0].text)
            if bullet:
                runs[0].text = rest
            paras.append(Paragraph(runs=runs, page=line.page, line=line.number, bullet=bullet))
        else:
            _join(paras[-1], line, vocabulary, changes)
        prev = line
    return paras


_TYPOGRAPHY = (
    # Again on whole paragraphs: a word joined across a line end is new here.
    (fixes.fix_homoglyphs, "fix_homoglyphs"),
    (fixes.normalize_spaces, "normalize_spaces"),
    (fixes.remove_space_before_punctuation, "remove_space_before_punctuation"),
    (fixes.nbsp_before_dash, "nbsp_before_dash"),
)


def _polish(para: Paragraph, changes: list[Change]) -> None:
    """Step 5, on the paragraph's text as a whole, then split back into its runs."""
    where = f"line {para.line}" if para.line else f"page {para.page}"
    text = para.text
    for fix, rule in _TYPOGRAPHY:
        new = fix(text)
        if new != text:
            # Space-only edits are reported as a count, not one line each.
            if rule != "normalize_spaces":
                _record(rule, text, new, where, changes)
            text = new
    _rerun(para, text)


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
    para.runs = [Run("".join(chars), runs[i].font, runs[i].size, runs[i].bold, runs[i].italic)
                 for i, chars in pieces]


def clean(ex: Extraction) -> Cleaned:
    """Repair an extraction; return paragraphs, the changes and the decisions made."""
    changes: list[Change] = []
    decisions: list[str] = list(ex.notes)
    repair_glyphs(ex, changes, decisions)
    paras = join_lines(ex.lines, changes)
    for note_line in ex.footnotes:
        runs = [Run(r.text, r.font, r.size, r.bold, r.italic) for r in note_line.runs]
        paras.append(Paragraph(runs=runs, page=note_line.page, line=note_line.number,
                               footnote=True))
    spaces_before = sum(len(re.findall(r"\s{2,}", p.text)) for p in paras)
    for para in paras:
        _polish(para, changes)
    if spaces_before:
        changes.append(Change("normalize_spaces", "  ", " ", "whole document",
                              note=f"{spaces_before} runs of spaces collapsed"))
    paras = [p for p in paras if p.text.strip()]
    undecided = [
        f"{c.where}: {c.before} → {c.after} ({c.note})"
        for c in changes
        if c.rule == "keep_line_end_hyphen" and "no evidence" in c.note
    ]
    undecided += [
        f"{p.text[:60]}…: a word mixes Latin and Cyrillic on purpose?"
        for p in paras
        if re.search(r"\b(?=\w*[а-яё])(?=\w*[a-z])\w+\b", p.text, re.IGNORECASE)
    ]
    return Cleaned(source=ex.source, paragraphs=paras, changes=changes,
                   decisions=decisions, undecided=undecided)
