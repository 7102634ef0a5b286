"""The editor's cleaning report: every change, grouped by rule, in context.

One self-contained HTML page: what the cleaner decided per font, each rule with
its count and every change in its context, the editor's own corrections apart
from the cleaner's, and what nobody could decide (flagged for a person).
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from ..model import Change, Cleaned, Document

RULE_TITLES = {
    "remap_legacy_glyphs": "Legacy Kyrgyz font letters (ҥ, є, ї, ў → ү, ө, ң)",
    "remap_khanty_en": "Khanty ӊ → ң",
    "fix_mojibake": "Mojibake (wrong encoding) undone",
    "remove_control_chars": "Invisible characters removed",
    "fix_homoglyphs": "Look-alike letters from another script",
    "join_lines": "Lines joined across page breaks",
    "keep_line_end_hyphen": "Hyphens at line ends",
    "remove_space_before_punctuation": "Spaces before punctuation",
    "nbsp_before_dash": "No-break space before a dash",
    "normalize_spaces": "Spaces",
    "tag_language": "Language of short blocks",
    "editor_correction": "The editor's corrections",
}

CSS = """
body{font:15px/1.5 "PT Serif",Georgia,serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.3em;
vertical-align:top;text-align:left}th{background:#f6f6f6}.n{color:#777;white-space:nowrap}
del{background:#fdd;text-decoration:none}ins{background:#dfd;text-decoration:none}
.flag{background:#fff4d6;padding:.5em 1em;border-left:4px solid #e0a000}
.ctx mark{background:#ffe680}code{font-size:.95em}
"""


def _context(change: Change) -> str:
    if "⟦" in change.context:
        before, rest = change.context.split("⟦", 1)
        _, after = rest.split("⟧", 1) if "⟧" in rest else (rest, "")
        return (f"…{escape(before)}<del>{escape(change.before)}</del>"
                f"<ins>{escape(change.after)}</ins>{escape(after)}…")
    return f"<del>{escape(change.before)}</del> → <ins>{escape(change.after)}</ins>"


def _table(changes: list[Change]) -> str:
    rows = []
    for c in changes:
        note = f"<br><small>{escape(c.note)}</small>" if c.note else ""
        rows.append(f"<tr><td class=n>{escape(c.where)}</td><td class=ctx>{_context(c)}{note}"
                    "</td></tr>")
    return "<table><tr><th>where</th><th>change in context</th></tr>" + "".join(rows) + "</table>"


def render_report(doc: Document, cleaned: Cleaned) -> str:
    """The HTML page for ``doc`` (with all changes) and its clean stage's decisions."""
    title = escape(str((doc.meta.get("title") or {}).get("en") or cleaned.source))
    by_rule: dict[str, list[Change]] = defaultdict(list)
    editor: list[Change] = []
    for c in doc.changes:
        (editor if c.by == "editor" else by_rule[c.rule]).append(c)
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        f"<title>Cleaning report — {title}</title><style>{CSS}</style></head><body>",
        f"<h1>Cleaning report</h1><p>{title}<br><small>source: {escape(cleaned.source)}</small>",
    ]
    flags = list(cleaned.undecided) + list(doc.problems)
    if flags:
        parts.append("<h2>For a person to decide</h2><div class=flag><ul>")
        parts += [f"<li>{escape(f)}</li>" for f in flags]
        parts.append("</ul></div>")
    if cleaned.decisions:
        parts.append("<h2>Decisions</h2><ul>")
        parts += [f"<li>{escape(d)}</li>" for d in cleaned.decisions]
        parts.append("</ul>")
    parts.append("<h2>Summary</h2><table><tr><th>rule</th><th>changes</th></tr>")
    for rule, items in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        parts.append(f"<tr><td><a href='#{escape(rule)}'>{escape(RULE_TITLES.get(rule, rule))}"
                     f"</a> <code>{escape(rule)}</code></td><td>{len(items)}</td></tr>")
    parts.append(f"<tr><td><a href='#editor'>The editor's corrections</a></td>"
                 f"<td>{len(editor)}</td></tr></table>")
    parts.append(f"<h2 id=editor>The editor's corrections ({len(editor)})</h2>")
    parts.append(_table(editor) if editor else "<p>None.</p>")
    for rule, items in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        parts.append(f"<h2 id='{escape(rule)}'>{escape(RULE_TITLES.get(rule, rule))} "
                     f"({len(items)})</h2>")
        parts.append(_table(items))
    parts.append("</body></html>\n")
    return "".join(parts)
