"""The editor's cleaning report: every change, grouped by rule, in context.

One self-contained HTML page (``templates/report.html.j2``, rendered with
autoescape on, so a document's text is always shown as text): what the cleaner
decided per font, each rule with its title, cause and count and every change in
its context, the editor's own corrections apart from the cleaner's, and what
nobody could decide (flagged for a person). The rule titles and causes are the
cleaner plan's (``cleaner.plan.TITLES``). Each rule is one foldable group with
its count and a few examples in its summary; a rule with more than FOLD_OVER
changes starts folded, so 275 identical ҥ → ү rows do not bury the rest.
Deletions and insertions differ by more than colour (struck through, underlined,
and labelled for screen readers). Made beside a proof round
(``writers/proof.py``), the report also gives each change's proof page and line;
the typesetting warnings (``<name>.problems`` of each PDF) are listed when given.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..cleaner.plan import CAUSES, TITLES
from ..fileio import TEMPLATES, template
from ..model import Change, Cleaned, Document

#: A rule with more changes than FOLD_OVER starts folded; its summary shows EXAMPLES.
FOLD_OVER, EXAMPLES = 20, 3


@dataclass(frozen=True)
class _Row:
    """One change as the template shows it: the word changed between its neighbours."""

    where: str
    before: str
    after: str
    note: str
    in_context: bool
    left: str = ""
    right: str = ""
    page: str = ""  # "p. 47, l. 312" in a proof round, else ""


_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     r"\ufeff\ufff0-\uffff\ue000-\uf8ff\ud800-\udfff]")


#: Spaces of other kinds than U+0020: shown by name in the changed words (a change
#: " –" → "\u00a0–" reads as nothing otherwise), left as they are in the context.
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def visible(text: str, spaces: bool = False) -> str:
    """``text`` with the characters a reader cannot see (controls, format and
    private-use characters, separators) written as ⟨U+XXXX NAME⟩, so that a removed
    control or a mapped symbol-font glyph shows in the report.

    >>> visible("би\u00adлим \uf0b7")
    'би⟨U+00AD SOFT HYPHEN⟩лим ⟨U+F0B7⟩'
    >>> visible("капиталы\u00a0–", spaces=True)
    'капиталы⟨U+00A0 NO-BREAK SPACE⟩–'
    """
    def name(m: re.Match[str]) -> str:
        ch = m.group()
        label = unicodedata.name(ch, "")
        return f"⟨U+{ord(ch):04X}{' ' + label if label else ''}⟩"

    shown = _UNSEEN.sub(name, text)
    return _SPACES.sub(name, shown) if spaces else shown


def _row(change: Change, page: str = "") -> _Row:
    """Split a change's recorded context ("… ⟦old⟧ …") around the changed words."""
    before, after = visible(change.before, spaces=True), visible(change.after, spaces=True)
    note = visible(change.note)
    if "⟦" in change.context:
        left, rest = change.context.split("⟦", 1)
        _, right = rest.split("⟧", 1) if "⟧" in rest else (rest, "")
        return _Row(change.where, before, after, note, True, visible(left), visible(right),
                    page)
    return _Row(change.where, before, after, note, False, page=page)


def _rule(name: str, rows: list[_Row]) -> dict:
    """One rule's group: its rows, and the most frequent distinct changes as examples."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        counts[(r.before, r.after)] += 1
    examples = sorted(counts, key=lambda k: -counts[k])[:EXAMPLES]
    return {"name": name, "title": TITLES.get(name, name), "cause": CAUSES.get(name, ""),
            "count": len(rows), "rows": rows, "folded": len(rows) > FOLD_OVER,
            "examples": [{"before": b, "after": a, "times": counts[(b, a)]}
                         for b, a in examples]}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error, not a blank
        keep_trailing_newline=True,
    )


def render_report(doc: Document, cleaned: Cleaned, pages: list[str] | None = None,
                  problems: list[tuple[str, str]] | None = None) -> str:
    """The HTML page for ``doc`` (with all changes) and its clean stage's decisions.

    ``pages`` gives, in the order of ``doc.changes``, each change's place in a
    proof ("p. 47, l. 312", or ""); ``problems`` the typesetting warnings as
    (PDF name, warning).
    """
    from .editions import document_meta

    by_rule: dict[str, list[_Row]] = defaultdict(list)
    editor: list[_Row] = []
    for i, c in enumerate(doc.changes):
        row = _row(c, pages[i] if pages and i < len(pages) else "")
        (editor if c.by == "editor" else by_rule[c.rule]).append(row)
    rules = [_rule(name, items)
             for name, items in sorted(by_rule.items(), key=lambda kv: -len(kv[1]))]
    template("report.html.j2")  # recorded as read: the loader itself does not say
    page = _environment().get_template("report.html.j2")
    return page.render(
        title=document_meta(doc).title.get("en") or cleaned.source,
        source=cleaned.source,
        flags=list(cleaned.undecided) + list(doc.problems),
        decisions=cleaned.decisions,
        rules=rules,
        editor=editor,
        paged=bool(pages),
        problems=[(pdf, visible(p)) for pdf, p in problems or []],
        typeset=problems is not None,
    )


def typesetting_problems(files: list[Path]) -> list[tuple[str, str]]:
    """The warnings typesetting wrote beside each PDF (``<name>.problems``, one a
    line), as (PDF name, warning); a file not there (a PDF not made yet) gives none."""
    found = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (FileNotFoundError, UnicodeDecodeError):
            continue
        found += [(path.stem + ".pdf", line) for line in lines if line.strip()]
    return found
