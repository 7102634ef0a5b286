"""The cleaner's plan as data: its repairs in the order ``clean`` applies them.

In the manner of ftfy's ``FIXERS``: a step is a named function with a scope and a
title for the report; its name is the ``Change.rule`` of every change it makes,
and its cause is the "Cause:" paragraph of its docstring. Scopes:

* ``run``: ``str -> str`` on each run of each line, body and footnotes;
* ``font``: ``(font, text, vocabulary, scores) -> FontVerdict`` once per font (the
  whole document for a text dump, which has no fonts), then its remap on the
  font's runs;
* ``lines``: lines into paragraphs (``lines.join_lines``), for the body and, by
  the same policy, the footnotes;
* ``paragraph``: ``str -> str`` on each paragraph's text as a whole.

Consecutive steps of one scope run together, line by line or paragraph by
paragraph. The report's titles come from here too (``TITLES``), with the rules
other stages record (``OTHER_RECORDERS``).

>>> [s.name for s in PLAN if s.scope == "font"]
['map_private_use', 'remap_legacy_glyphs']
>>> TITLES["keep_line_end_hyphen"]
'Hyphens at line ends'
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import fixes, lines

#: Where a step applies. "block" steps are the document stage's (``TYPOGRAPHY``).
SCOPES = ("run", "font", "lines", "paragraph", "block")


@dataclass(frozen=True)
class Step:
    """One repair of the plan: a function, where it applies, and its report title.

    ``parts`` are the decisions the step makes inside (``join_lines`` decides
    each line-end hyphen) and records under their own names. ``tally`` counts
    what the step changes in a text, for steps reported as one total instead
    of one change each (space-only edits), with the note's wording.
    """

    fn: Callable[..., Any]
    scope: str
    title: str
    parts: tuple[Step, ...] = ()
    tally: tuple[Callable[[str], int], str] | None = None
    #: The step never touches a formula (``Run.math``) or a note's mark: a formula's
    #: letters are not words of any script, and a mark "3" glued to "Бишкек" is no
    #: look-alike З, so look-alike and legacy-letter repairs leave them (``Run.verbatim``).
    skips_math: bool = False

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"step {self.name}: unknown scope {self.scope!r}")

    @property
    def name(self) -> str:
        """The rule name its changes carry: the function's own name."""
        return self.fn.__name__

    @property
    def cause(self) -> str:
        """The "Cause:" paragraph of the function's docstring, on one line."""
        doc = inspect.getdoc(self.fn) or ""
        for para in doc.split("\n\n"):
            if para.lstrip().startswith("Cause:"):
                return " ".join(para.split())[len("Cause:"):].strip()
        return ""


@dataclass(frozen=True)
class Rule:
    """A rule recorded outside the cleaner: its name, title and the module recording it."""

    name: str
    title: str
    recorded_by: str


MOJIBAKE = Step(fixes.fix_mojibake, "run", "Mojibake (wrong encoding) undone")
NONCHARACTERS = Step(fixes.remove_noncharacters, "run", "Noncharacters removed")
CONTROLS = Step(fixes.remove_control_chars, "run", "Invisible characters removed")
BIDI_CONTROLS = Step(fixes.remove_bidi_controls, "run",
                     "Bidi override and embedding controls removed")
LINE_SEPARATORS = Step(fixes.normalize_line_separators, "run",
                       "Line and paragraph separators (U+2028, U+2029)")
KHANTY_EN = Step(fixes.remap_khanty_en, "run", "Khanty ӊ → ң", skips_math=True)
HOMOGLYPHS = Step(fixes.fix_homoglyphs, "run", "Look-alike letters from another script",
                  skips_math=True)
PRIVATE_USE = Step(fixes.map_private_use, "font",
                   "Symbol-font characters (private use) → Unicode")
LEGACY_GLYPHS = Step(fixes.remap_legacy_glyphs, "font",
                     "Legacy Kyrgyz font letters (ҥ, є, ї, ў → ү, ө, ң)", skips_math=True)
LINE_END_HYPHEN = Step(fixes.keep_line_end_hyphen, "lines", "Hyphens at line ends")
JOIN_LINES = Step(lines.join_lines, "lines", "Lines joined across page breaks",
                  parts=(LINE_END_HYPHEN,))
SPACES = Step(fixes.normalize_spaces, "paragraph", "Spaces",
              tally=(fixes.count_space_runs, "runs of spaces collapsed"))
SPACE_BEFORE_PUNCTUATION = Step(fixes.remove_space_before_punctuation, "paragraph",
                                "Spaces before punctuation")
NBSP_BEFORE_DASH = Step(fixes.nbsp_before_dash, "paragraph", "No-break space before a dash")
DASHES = Step(fixes.unify_dashes, "block", "One dash style per language")
TIES = Step(fixes.tie_no_break_spaces, "block",
            "No-break spaces: initials, citations, numbers and units, one-letter words")

PLAN: tuple[Step, ...] = (
    # Mojibake first: its C1 bytes would otherwise be stripped as controls.
    MOJIBAKE,
    NONCHARACTERS,
    CONTROLS,
    BIDI_CONTROLS,
    LINE_SEPARATORS,
    KHANTY_EN,
    # Look-alikes before the legacy-glyph decisions, so that those decisions (and so a
    # second cleaning) see the same letters.
    HOMOGLYPHS,
    PRIVATE_USE,
    LEGACY_GLYPHS,
    # A remapped letter (ү) may be a look-alike in a Latin word.
    HOMOGLYPHS,
    JOIN_LINES,
    # Again on whole paragraphs: a word joined across a line end is new here.
    dataclasses.replace(HOMOGLYPHS, scope="paragraph"),
    SPACES,
    SPACE_BEFORE_PUNCTUATION,
    # Mojibake again, so that a second cleaning finds none: joined lines and removed
    # spaces can bring a pair together ("Ð" ⏎ "»", "Ð »" is л), and so can a word
    # respelt to Latin ("аÑ«" → "aÑ«", all Latin-1); what it decodes may mix scripts.
    dataclasses.replace(MOJIBAKE, scope="paragraph"),
    dataclasses.replace(HOMOGLYPHS, scope="paragraph"),
    NBSP_BEFORE_DASH,
)

#: Typography by language, applied by the document stage to each block once its
#: language is known (and after the editor's corrections, which match the text as
#: the source gave it): ``fn(text, lang)``. Not in the cleaner: segmentation reads
#: plain spaces ("А.А. Мектептеги"), and the dash style is the block's language's.
TYPOGRAPHY: tuple[Step, ...] = (DASHES, TIES)

#: Rules that other stages record, each named once here for the report.
OTHER_RECORDERS = (
    Rule("tag_language", "Language of short blocks", "pipeline.tag"),
    Rule("editor_correction", "The editor's corrections", "pipeline.document.corrections"),
)


def _titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    steps = [part for step in (*PLAN, *TYPOGRAPHY) for part in (step, *step.parts)]
    for item in [*steps, *OTHER_RECORDERS]:
        if titles.setdefault(item.name, item.title) != item.title:
            raise ValueError(f"rule {item.name} has two titles")
    return titles


#: Every rule name a ``Change`` can carry, and its title in the report.
TITLES = _titles()
#: The cause of each cleaner rule, for the report.
CAUSES = {step.name: step.cause for s in (*PLAN, *TYPOGRAPHY) for step in (s, *s.parts)}
