"""The editor's cleaning report: every change, grouped by rule, in context.

One self-contained HTML page (``templates/report.html.j2``, rendered with
autoescape on, so a document's text is always shown as text): what the cleaner
decided per font, each rule with its title, cause and count and every change in
its context, the editor's own corrections apart from the cleaner's, and what
nobody could decide (flagged for a person). The rule titles and causes are the
cleaner plan's (``cleaner.plan.TITLES``). A rule with many changes shows the
first few and folds the rest, so 275 identical ҥ → ү rows do not bury the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import jinja2

from ..cleaner.plan import CAUSES, TITLES
from ..fileio import TEMPLATES, template
from ..model import Change, Cleaned, Document

#: A rule with more changes than FOLD_OVER shows its first SHOWN and folds the rest.
FOLD_OVER, SHOWN = 20, 10


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


_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f"
                     r"\ufeff\ufff0-\uffff\ue000-\uf8ff\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` with the characters a reader cannot see (controls, format and
    private-use characters, separators) written as ⟨U+XXXX NAME⟩, so that a removed
    control or a mapped symbol-font glyph shows in the report.

    >>> visible("би\u00adлим \uf0b7")
    'би⟨U+00AD SOFT HYPHEN⟩лим ⟨U+F0B7⟩'
    """
    def name(m: re.Match[str]) -> str:
        ch = m.group()
        label = unicodedata.name(ch, "")
        return f"⟨U+{ord(ch):04X}{' ' + label if label else ''}⟩"

    return _UNSEEN.sub(name, text)


def _row(change: Change) -> _Row:
    """Split a change's recorded context ("… ⟦old⟧ …") around the changed words."""
    before, after, note = visible(change.before), visible(change.after), visible(change.note)
    if "⟦" in change.context:
        left, rest = change.context.split("⟦", 1)
        _, right = rest.split("⟧", 1) if "⟧" in rest else (rest, "")
        return _Row(change.where, before, after, note, True, visible(left), visible(right))
    return _Row(change.where, before, after, note, False)


def _rule(name: str, changes: list[Change]) -> dict:
    rows = [_row(c) for c in changes]
    shown, folded = (rows[:SHOWN], rows[SHOWN:]) if len(rows) > FOLD_OVER else (rows, [])
    return {"name": name, "title": TITLES.get(name, name), "cause": CAUSES.get(name, ""),
            "count": len(rows), "shown": shown, "folded": folded}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error, not a blank
        keep_trailing_newline=True,
    )


def render_report(doc: Document, cleaned: Cleaned) -> str:
    """The HTML page for ``doc`` (with all changes) and its clean stage's decisions."""
    from .editions import document_meta

    by_rule: dict[str, list[Change]] = defaultdict(list)
    editor: list[Change] = []
    for c in doc.changes:
        (editor if c.by == "editor" else by_rule[c.rule]).append(c)
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
        editor=[_row(c) for c in editor],
    )
