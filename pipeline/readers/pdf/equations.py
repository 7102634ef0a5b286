"""Display formulas: lines set apart from the text, of math glyphs, often numbered "(1)".

A display line is not a line of the paragraph: it is indented or centred in its
column and made mostly of a formula's glyphs (``Run.math``: math fonts, Unicode
math letters) or of operators and single letters. A number in brackets at the
column's right edge, after a formula, names it: "(1)", "(2.3)", "(4a)". A few such
lines in a row are one formula (a system, a derivation), closed by its number.

A line of prose is never one: it has words of several letters, and its
formula (an inline one) takes a small share of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .geometry import PageLine

#: An equation's number at the end of its line: "(4)", "(2.3)", "(4a)", and an
#: appendix's "(A.1)" / "(B2)", numbered apart from the body's.
NUMBER = re.compile(r"\s*\(\s*((?:[A-ZА-Я]\.?)?\d{1,3}(?:\.\d{1,3})*[a-zа-я]?)\s*\)\s*$")
#: Glyphs a formula is made of besides math-font letters.
_MATH_GLYPHS = set("=+−-–×·∙/^_<>≤≥≠≈∑∫∏√∞∂∆∇±∓∈∉⊂⊆∪∩∀∃→←↔⇒⇔′″()[]{}|,.;:!0123456789")
_GREEK = re.compile(r"[\u0370-\u03ff]")
#: A word of this many letters is prose; a formula has few of them.
_WORD = re.compile(r"[^\W\d_]{4,}")
#: A display line takes this share of math glyphs; numbered, this much less.
MATH_SHARE, NUMBERED_SHARE = 0.6, 0.35


@dataclass
class Display:
    """One display formula: the lines it spans, its number as printed, its text."""

    start: int
    end: int  # one past the last line
    label: str | None
    text: str


def math_share(text: str, ln: PageLine) -> float:
    """The share of a line's glyphs (spaces aside) that belong to a formula."""
    ink = [ch for ch in text if not ch.isspace()]
    if not ink:
        return 0.0
    in_math = sum(len(r.text.replace(" ", "")) for r in ln.runs if r.math)
    letters = re.findall(r"[^\W\d_]+", text)
    single = sum(len(w) for w in letters if len(w) <= 2)  # x, dx, ab: variables
    glyphs = sum(1 for ch in ink if ch in _MATH_GLYPHS or _GREEK.match(ch))
    return min(1.0, max(in_math, glyphs + single) / len(ink))


def _display(ln: PageLine, left: float, width: float, edge: float | None = None
             ) -> tuple[bool, str | None, str]:
    """Whether a line is a display formula's, its number, and its text without it.

    The number stands at the column's right edge: ``edge``, where the flow's full
    lines end (the widest line on any page may stick out further), or the column's.
    """
    text = ln.text.strip()
    m = NUMBER.search(text)
    label, body = None, text
    at_edge = ln.x1 >= left + width - 1.5 * ln.size or (
        edge is not None and abs(ln.x1 - edge) < 1.5 * ln.size)
    if m and at_edge:
        label, body = f"({m.group(1)})", text[:m.start()].strip()
    if not body or len(_WORD.findall(body)) > 2:
        return False, None, text
    set_apart = ln.x0 - left >= 1.5 * ln.size
    share = math_share(body, ln)
    if label is not None:
        return set_apart and share >= NUMBERED_SHARE and len(body) >= 2, label, body
    margin_left, margin_right = ln.x0 - left, left + width - ln.x1
    # Centred leaves room on both sides: a line running to the right edge is prose
    # ("where ρb = Ωm × (3H0)/(8πG), Ωm = 0.27 …"), however many symbols it has.
    centred = set_apart and margin_right >= 1.5 * ln.size and (
        abs(margin_left - margin_right) < 0.25 * width)
    return centred and share >= MATH_SHARE and len(body) >= 3 and any(
        ch in "=<>≤≥≈∑∫" for ch in body), None, body


def find_displays(flow: list[PageLine], left: float, width: float) -> list[Display]:
    """The display formulas among a flow's lines, in order.

    Lines of one formula follow each other within two line heights; a number
    closes the formula it ends.
    """
    out: list[Display] = []
    start, texts = None, []
    ends = Counter(round(ln.x1) for ln in flow)
    edge = float(ends.most_common(1)[0][0]) if ends else None
    for i, ln in enumerate([*flow, None]):
        if ln is not None:
            is_display, label, body = _display(ln, left, width, edge)
            near = start is not None and ln.top - flow[i - 1].bottom < 2 * ln.size
        else:
            is_display, label, body, near = False, None, "", False
        lone = ln is not None and _lone_number(ln, left, width, edge)
        if lone and near:  # a formula's number on a line of its own (a fraction beside it)
            out.append(Display(start, i + 1, lone, " ".join(texts)))
            start, texts = None, []
            continue
        if lone and out and out[-1].end == i and out[-1].label is None and (
                ln.top - flow[i - 1].bottom < 2 * ln.size):
            out[-1] = Display(out[-1].start, i + 1, lone, out[-1].text)
            continue
        if lone and start is None:
            first = _numbered_above(flow, i, out[-1].end if out else 0)
            if first is not None:
                out.append(Display(first, i + 1, lone,
                                   " ".join(flow[k].text.strip() for k in range(first, i))))
                continue
        if start is not None and not (is_display and near):
            out.append(Display(start, i, None, " ".join(texts)))
            start, texts = None, []
        if not is_display:
            continue
        if start is None:
            start = i
        texts.append(body)
        if label is not None:
            out.append(Display(start, i + 1, label, " ".join(texts)))
            start, texts = None, []
    grown: list[Display] = []
    for k, d in enumerate(out):
        grown.append(_grow(d, flow, left, grown + out[k + 1:]))
    return grown


def _numbered_above(flow: list[PageLine], i: int, floor: int) -> int | None:
    """The first line of a formula that ends just above the lone number ``flow[i]``,
    even one set flush with the margin (phd_article's (4) starts there): the number
    is the evidence, so its lines need only be math, not set apart, and may hold a
    few long names ("ŴRBM, b̂vis, b̂hid = arg max …"). None when the lines above are
    prose, or hold no relation."""
    k = i
    while k - 1 >= floor and i - (k - 1) <= 4:
        ln = flow[k - 1]
        text = ln.text.strip()
        if not text or len(_WORD.findall(text)) > 4 or math_share(text, ln) < NUMBERED_SHARE:
            break
        if flow[k].top - ln.bottom >= 2 * ln.size:
            break
        k -= 1
    if k == i or not any(ch in "=<>≤≥≈≡∈" for j in range(k, i) for ch in flow[j].text):
        return None
    return k


def _lone_number(ln: PageLine, left: float, width: float, edge: float | None) -> str | None:
    """The number of a line that holds only a formula's number, at the right edge."""
    m = NUMBER.fullmatch(ln.text.strip())
    at_edge = ln.x1 >= left + width - 1.5 * ln.size or (
        edge is not None and abs(ln.x1 - edge) < 1.5 * ln.size)
    return f"({m.group(1)})" if m and at_edge and ln.x0 - left > 0.5 * width else None


def _piece(ln: PageLine, left: float) -> bool:
    """A line that can be a piece of a formula set on several baselines (a fraction's
    numerator or denominator, a limit): set apart, not prose, mostly math glyphs."""
    text = ln.text.strip()
    return (bool(text) and ln.x0 - left >= 1.5 * ln.size and len(_WORD.findall(text)) <= 1
            and math_share(text, ln) >= 0.5)


def _grow(d: Display, flow: list[PageLine], left: float, others: list[Display]) -> Display:
    """A formula with the pieces just above and below its lines (within a line's height)
    that no other formula has."""
    taken = {i for f in others for i in range(f.start, f.end)}
    start, end = d.start, d.end

    def gap(upper: int, lower: int) -> float:
        return flow[lower].top - flow[upper].bottom

    # A piece between two formulas (this one's denominator, the next one's numerator)
    # goes to the one it is closer to: taking it whole would print it twice, cut.
    while start > 0 and start - 1 not in taken and _piece(flow[start - 1], left) and (
            gap(start - 1, start) < 0.8 * flow[start].size) and not (
            start - 2 in taken and gap(start - 2, start - 1) < gap(start - 1, start)):
        start -= 1
    while end < len(flow) and end not in taken and _piece(flow[end], left) and (
            gap(end - 1, end) < 0.8 * flow[end].size) and not (
            end + 1 in taken and gap(end, end + 1) < gap(end - 1, end)):
        end += 1
    if (start, end) == (d.start, d.end):
        return d
    texts = [flow[i].text.strip() for i in range(start, d.start)] + [d.text] + [
        flow[i].text.strip() for i in range(d.end, end)]
    return Display(start, end, d.label, " ".join(texts))
