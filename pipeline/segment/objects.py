"""Figures, tables and equations: captions linked to their object, numbers, and the
cross-references in the text.

A caption names its object's kind and number in its label: "Сүрөт 3.", "Рис. 3",
"Figure 3:", "Таблица 2 –", Kyrgyz also number first, "2-таблица.". It belongs to
the figure or table printed beside it: a figure's caption is usually below it, a
table's above, and a caption printed in two languages is two caption blocks side by
side (both link to the one object). The object takes its number from the caption
(over any it had: to renumber a figure, correct its caption); an equation from its
own printed "(3)" (or a LaTeX ``\\tag{3}``). A figure with no picture the editions
can show (a DOCX's EMF drawing) is a problem too.

The text then names them: "Сүрөт 1", "1-сүрөттө", "сүрөттө 2", "рис. 1",
"на рисунке 2", "табл. 3", "Figure 4", "Fig. 4", "Tables 2 and 3", and "(1)" for an
equation (only when the article has an equation (1), and never a list's "(1)" at
the start of a block or after a colon). Each becomes a span whose ``xref`` is the
object's id, as citations become spans with their targets (``citations.py``); a
range's dash stands for what it leaves unprinted ("рис. 3–5": figure 4).

Nothing here is an error: a caption with no object beside it, two objects with one
number, or a text that names a figure the article lacks are ``problems``. A text dump
carries no pictures at all, and a problem says the objects are missing from it.

``link_objects`` can run again on the finished document (the document stage does,
after the editor's corrections changed roles): it forgets the links it made and
the problems it said, and finds them again.
"""

from __future__ import annotations

import bisect
import re

from ..model import OBJECT_ROLES, Block, Span

#: Words that name a figure or a table, in Kyrgyz, Russian and English, with their
#: case forms (Kyrgyz сүрөттө, сүрөттөн, таблицада; Russian рисунке, таблицы). Only
#: сүрөт's case and plural endings: сүрөттөө, сүрөттөлгөн ("describe", "described")
#: are other words.
_SUROT = r"сүрөт(?:т(?:ө|өн|ү|үн|өгү\w*|өр\w*)|кө)?(?!\w)"
_FIGURE = rf"{_SUROT}|сүр\.|рисун(?:ок|к\w*)|рис\.|figures?|figs?\."
_TABLE = r"таблиц\w*|табл\.|жадыбал\w*|tables?|tabl?\."
#: The words Kyrgyz prints after the number ("1-сүрөт", "2-таблицада").
_KY_AFTER = rf"{_SUROT}|таблиц\w*|жадыбал\w*"
#: Words that name an equation in a reference without brackets ("Eq. 3", "формула 2",
#: Kyrgyz "2-формулада"); "(3)" alone is ``EQUATION_REF``. Never a caption's word.
_EQUATION = r"equations?|eqs?\.|уравнени\w*|формул\w*"
#: An object's number: "3", "2.1", "1a", or a Roman "II" (capitals only).
_NUM = r"(?:\d{1,3}(?:\.\d{1,3})?(?![\d])(?:[a-zа-я](?!\w))?|(?-i:[IVXL]{1,6})(?!\w))"
_ARABIC = r"\d{1,3}(?:\.\d{1,3})?"
#: What may follow a caption's label: punctuation, the end, or a capital letter (a
#: sentence "Таблица 1 показывает …" goes on in lower case: it is body text).
_LABEL_END = r"(?:\s*[.:—–-]\s*|\s*$|\s+(?-i:(?=[A-ZА-ЯЁҮӨҢ\d«\"“(])))"

#: A chapter's object number, "7-26" (Figure 26 of chapter 7, as handbooks number
#: them): one number in a caption; in the text, one when an object has it, else a range.
_COMPOUND_NUM = r"\d{1,3}[-–]\d{1,3}(?!\d)"
CAPTION_LABEL = re.compile(
    rf"^\s*(?:(?P<word>{_FIGURE}|{_TABLE})\s*(?P<num>{_COMPOUND_NUM}|{_NUM}(?![-–]\d))"
    rf"|(?P<num2>{_ARABIC})\s?[-–]\s?(?P<word2>{_KY_AFTER})){_LABEL_END}",
    re.IGNORECASE,
)
#: A cross-reference: a word and one number or several ("Figures 1 and 2", "рис. 1, 3",
#: "табл. 2–4"), or Kyrgyz number first ("1-сүрөттө", a range "3–5-сүрөттөрдө").
_SEP = r"\s*(?:,|;|–|—|-|and|&|и|жана|or|или|же)\s*"
#: A further number is not the start of a Kyrgyz "2-таблица" (or "2–4-таблица").
_NOT_KY = rf"(?!\s?[-–]\s?(?:\d{{1,3}}\s?[-–]\s?)?(?:{_KY_AFTER}|формул))"
XREF = re.compile(
    rf"(?<!\w)(?P<word>{_FIGURE}|{_TABLE}|{_EQUATION})\s?"
    rf"(?P<nums>{_NUM}(?:{_SEP}{_NUM}{_NOT_KY})*)"
    rf"|(?<![\w.,\-–])(?:(?P<low>\d{{1,3}})\s?[–—-]\s?)?"
    rf"(?P<num2>{_ARABIC})\s?[-–]\s?(?P<word2>{_KY_AFTER}|формул\w*)(?!\w)",
    re.IGNORECASE,
)
_ONE_NUM = re.compile(_NUM, re.IGNORECASE)
_COMPOUND_XREF = re.compile(rf"(?<!\w)(?P<word>{_FIGURE}|{_TABLE})\s?(?P<num>{_COMPOUND_NUM})",
                            re.IGNORECASE)
#: An equation's number in the text: "(3)", "(2.1)", "(4a)", an appendix's "(A.1)";
#: not "f(3)", not "[3]".
EQUATION_REF = re.compile(
    r"(?<![\w)\]])\((?P<num>(?:[A-Z]\.?)?\d{1,3}(?:\.\d{1,3})?[a-z]?)\)(?![\w(])")
#: The number an equation prints at its right: "… (3)", or LaTeX's "\tag{3}".
_EQUATION_NUMBER = re.compile(
    r"(?:^|\s|\\q?quad|#)\((?P<num>(?:[A-Z]\.?)?\d{1,3}(?:\.\d{1,3})?[a-z]?)\)\s*$"
    r"|\\tag\*?\{(?P<tag>[^{}]{1,12})\}")

#: Roles whose text never refers to a figure: front matter and the reference list.
_NO_XREFS = ("reference", "references_heading", "title", "keywords", "author", "affiliation",
             *OBJECT_ROLES)
#: How a problem of this module starts, so that a second run replaces its own.
PROBLEM = "figures and tables: "
#: The start of the problem a text source gets (kept by a second run, which cannot
#: know the source's kind).
TEXT_SOURCE = "the text names "
_TEXT_SOURCE_END = ("a text source carries no figures, tables or equations, so they are "
                    "missing from the editions: build from the article's PDF or Word file")
#: How many names a problem lists before "…".
_SHOWN = 8
#: The most numbers a range's dash stands for ("рис. 3–12"; a larger gap is no range
#: of figures: "Tables 1–100" would be a typo or a count).
_RANGE_MAX = 10


def kind_of(word: str) -> str:
    """The object a caption's or cross-reference's word names: "figure", "table" or
    (only in the text) "equation".

    >>> kind_of("Рис."), kind_of("сүрөттө"), kind_of("Таблицы"), kind_of("Eq.")
    ('figure', 'figure', 'table', 'equation')
    >>> find_xrefs("сүрөттөлгөн 2 учур, сүрөттөрдө 2")
    [(20, 32, 'figure', '2')]
    """
    if re.fullmatch(_EQUATION, word, re.IGNORECASE):
        return "equation"
    return "figure" if re.fullmatch(_FIGURE, word, re.IGNORECASE) else "table"


def caption_label(text: str) -> tuple[str, str, int] | None:
    """(kind, number, where the label ends) of a caption's leading label, or None.

    >>> caption_label("Сүрөт 3. Окуучулардын саны")
    ('figure', '3', 9)
    >>> caption_label("2-таблица. Жыйынтыктар"), caption_label("Рис. 1 – Схема")
    (('table', '2', 11), ('figure', '1', 9))
    >>> caption_label("Table II Results"), caption_label("Таблица 1 показывает, что")
    (('table', 'II', 9), None)
    >>> caption_label("Figure 7-26. Self-locking nuts")
    ('figure', '7-26', 13)
    """
    m = CAPTION_LABEL.match(text)
    if not m:
        return None
    word = m.group("word") or m.group("word2")
    return kind_of(word), m.group("num") or m.group("num2"), m.end()


def equation_number(block: Block) -> str | None:
    """The number an equation prints beside it ("(3)" at its end), or its ``\\tag``.

    >>> equation_number(Block("e", "equation", "und", "E = mc^{2} (3)"))
    '3'
    >>> equation_number(Block("e", "equation", "und", "f(3)")) is None
    True
    """
    for text in (block.text, block.visual.tex if block.visual else None):
        m = _EQUATION_NUMBER.search(text or "")
        if m:
            return m.group("num") or m.group("tag").strip()
    return None


def find_xrefs(text: str) -> list[tuple[int, int, str, str]]:
    """Mentions of figures and tables: (start, end, kind, number) per number named.

    The first number's span takes the word with it ("Figures 1"); a further number
    is its own span. A range "2–4" names its two ends (and its dash the numbers
    between: ``range_middles``).

    >>> find_xrefs("1-сүрөттө жана Таблица 2 көрсөтүлгөн")
    [(0, 9, 'figure', '1'), (15, 24, 'table', '2')]
    >>> find_xrefs("see Figures 1 and 3, Fig. 4")
    [(4, 13, 'figure', '1'), (18, 19, 'figure', '3'), (21, 27, 'figure', '4')]
    >>> find_xrefs("как видно на рисунке 2 и в табл. 3")
    [(13, 22, 'figure', '2'), (27, 34, 'table', '3')]
    >>> find_xrefs("3–5-сүрөттөрдө")
    [(0, 1, 'figure', '3'), (2, 14, 'figure', '5')]
    """
    out = []
    for m in XREF.finditer(text):
        if m.group("word2"):
            kind = kind_of(m.group("word2"))
            if m.group("low"):
                out.append((m.start("low"), m.end("low"), kind, m.group("low")))
            out.append((m.start("num2"), m.end(), kind, m.group("num2")))
            continue
        kind = kind_of(m.group("word"))
        for k, n in enumerate(_ONE_NUM.finditer(m.group("nums"))):
            start = m.start() if k == 0 else m.start("nums") + n.start()
            out.append((start, m.start("nums") + n.end(), kind, n.group()))
    return out


def range_middles(text: str) -> list[tuple[int, int, str, list[str]]]:
    """The numbers a range leaves unprinted: (start, end of its dash, kind, numbers).

    "рис. 3–5" prints figures 3 and 5 and means 4 too: its dash stands for what lies
    between (at most ``_RANGE_MAX`` numbers, whole ones only: "1.2–1.4" says nothing
    of what is between). A list ("1, 3", "1 and 3") leaves nothing out.

    >>> range_middles("Figures 3–5 and 7, Сүрөт 2 - 6, табл. 1-2, рис. 1.1–1.3")
    [(9, 10, 'figure', ['4']), (27, 28, 'figure', ['3', '4', '5'])]
    >>> range_middles("2–4-таблицаларда")
    [(1, 2, 'table', ['3'])]
    """
    out = []
    for m in XREF.finditer(text):
        if m.group("word2"):  # Kyrgyz "3–5-сүрөттөрдө"
            pairs = [(m.start("low"), m.group("low"), m.start("num2"), m.group("num2"))
                     ] if m.group("low") else []
            kind = kind_of(m.group("word2"))
        else:
            nums = list(_ONE_NUM.finditer(m.group("nums")))
            at = m.start("nums")
            pairs = [(at + a.start(), a.group(), at + b.start(), b.group())
                     for a, b in zip(nums, nums[1:], strict=False)]
            kind = kind_of(m.group("word"))
        for a_start, a, b_start, b in pairs:
            between = text[a_start + len(a):b_start]
            if between.strip() not in ("–", "—", "-") or not (a.isdigit() and b.isdigit()):
                continue
            low, high = int(a), int(b)
            if 1 < high - low <= _RANGE_MAX + 1:
                dash = a_start + len(a) + len(between) - len(between.lstrip())
                out.append((dash, dash + 1, kind, [str(n) for n in range(low + 1, high)]))
    return out


def _equation_refs(block: Block, numbers: set[str]) -> list[tuple[int, int, str]]:
    """"(3)" in a block's text where the article has an equation (3), as (start, end,
    number); a list's number is not one: at the start of the block, or after a colon
    or semicolon ("three steps: (1) read, (2) write")."""
    out = []
    text = block.text
    for m in EQUATION_REF.finditer(text):
        if m.group("num") not in numbers:
            continue
        k = m.start() - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k < 0 or text[k] in ":;":
            continue
        out.append((m.start(), m.end(), m.group("num")))
    return out


def _nearest_object(blocks: list[Block], i: int, step: int) -> Block | None:
    """The object next to caption ``blocks[i]`` in direction ``step``, over other
    captions (a caption printed in two languages is two captions in a row)."""
    j = i + step
    while 0 <= j < len(blocks) and blocks[j].role == "caption":
        j += step
    if 0 <= j < len(blocks) and blocks[j].role in OBJECT_ROLES:
        return blocks[j]
    return None


def _choose(kind: str | None, number: str | None, above: Block | None, below: Block | None,
            claimed: dict[str, tuple[str | None, str | None]], any_kind: bool) -> Block | None:
    """The object a caption captions: one of its kind (a figure's caption is below
    it, a table's above), or with ``any_kind`` the other kind too (a table printed as
    a picture); never one another caption with another number has taken."""
    order = [below, above] if kind == "table" else [above, below]
    free = [b for b in order if b is not None and b.role != "equation"
            and claimed.get(b.id, (kind, number)) == (kind, number)]
    return next((b for b in free if any_kind or kind is None or b.role == kind), None)


def link_captions(blocks: list[Block], problems: list[str], text_source: bool = False
                  ) -> dict[tuple[str, str], list[str]]:
    """Link every caption to its object (``Block.of``) and number the object from it.

    Returns the objects by (kind, number) as the text names them: a caption's kind
    (what "Table 1" means, even printed as a picture), an equation's own number.
    """
    claimed: dict[str, tuple[str | None, str | None]] = {}
    found: dict[int, Block] = {}
    captions = [i for i, b in enumerate(blocks) if b.role == "caption"]
    # Objects of the caption's own kind first, over the whole article; only then does
    # a caption left over take a neighbour of the other kind.
    for any_kind in (False, True):
        for i in captions:
            if i in found:
                continue
            label = caption_label(blocks[i].text)
            kind, number = (label[0], label[1]) if label else (None, None)
            target = _choose(kind, number, _nearest_object(blocks, i, -1),
                             _nearest_object(blocks, i, 1), claimed, any_kind)
            if target is not None:
                found[i] = target
                claimed[target.id] = (kind, number)
    named: dict[tuple[str, str], list[str]] = {}
    unplaced = []
    for i in captions:
        block, target = blocks[i], found.get(i)
        if target is None:
            unplaced.append(block)
            continue
        block.of = target.id
        kind, number = claimed[target.id]
        if number:  # the caption's number is the object's: an edit to it renumbers
            target.number = number
        if kind and number and target.id not in named.setdefault((kind, number), []):
            named[(kind, number)].append(target.id)
    for block in blocks:
        if block.role == "equation":
            block.number = equation_number(block) or block.number
            if block.number:
                named.setdefault(("equation", block.number), []).append(block.id)
    if unplaced and not text_source:
        shown = "; ".join(f"{b.id}{f' (p. {b.page})' if b.page else ''}: {b.text[:50]!r}"
                          for b in unplaced[:_SHOWN])
        problems.append(f"{PROBLEM}{len(unplaced)} caption(s) have no figure or table beside "
                        f"them: {shown}{' …' if len(unplaced) > _SHOWN else ''}")
    for (kind, number), ids in named.items():
        if len(ids) > 1:
            what = "equations" if kind == "equation" else f"{kind}s"
            problems.append(f"{PROBLEM}{len(ids)} {what} are numbered {number} "
                            f"({', '.join(ids)}): the text's references to it go to the first")
    return named


def link_xrefs(blocks: list[Block], named: dict[tuple[str, str], list[str]]
               ) -> list[tuple[Block, str, str, str]]:
    """Mark every cross-reference in the text as a span with its ``xref``; return the
    mentions no object answers, as (block, kind, number, the words printed)."""
    equations = {n for k, n in named if k == "equation"}
    missing = []
    for block in blocks:
        if block.role in _NO_XREFS:
            continue
        own = caption_label(block.text) if block.role == "caption" else None
        # "Figure 7-26" names figure 7-26 where one exists, else figures 7 to 26.
        found = [(m.start(), m.end(), named[key][0])
                 for m in _COMPOUND_XREF.finditer(block.text)
                 if (key := (kind_of(m.group("word")), m.group("num"))) in named
                 and not (own and m.start() < own[2])]
        compound = sorted((s, e) for s, e, _ in found)
        for start, end, kind, number in find_xrefs(block.text):
            if own and start < own[2]:
                continue  # the caption's own label, never a link to itself
            if _overlaps(compound, start, end):
                continue
            ids = named.get((kind, number))
            if ids:
                found.append((start, end, ids[0]))
            else:
                missing.append((block, kind, number, block.text[start:end]))
        found += [(s, e, named[("equation", n)][0]) for s, e, n in _equation_refs(block,
                                                                                  equations)]
        # A range's dash links what it leaves unprinted ("рис. 3–5": figure 4), the
        # first of them when there are several: a span holds one link. What the
        # article lacks there is no problem: the range only says "up to".
        for start, end, kind, numbers in range_middles(block.text):
            ids = [named[(kind, n)][0] for n in numbers if (kind, n) in named]
            if ids and not (own and start < own[2]) and not _overlaps(compound, start, end):
                found.append((start, end, ids[0]))
        # A citation already there keeps its place (its spans do not overlap each
        # other: a sorted list of them answers "does this overlap one" by bisection).
        taken = sorted((s.start, s.end) for s in block.spans if s.cite or s.xref)
        added = [Span(start, end, xref=ident) for start, end, ident in found
                 if ident != block.of and not _overlaps(taken, start, end)]
        if added:
            block.spans.extend(added)
            block.spans.sort(key=lambda s: s.start)
    return missing


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of ``taken``'s disjoint, sorted intervals."""
    k = bisect.bisect_left(taken, (end, end))
    return k > 0 and taken[k - 1][1] > start


def forget_links(blocks: list[Block], problems: list[str]) -> None:
    """Undo what ``link_objects`` did (captions' ``of``, xref spans, its problems), so
    it can run again; numbers are given again from the captions."""
    for block in blocks:
        block.of = None
        # A note mark's link is not this module's (``notes.link_marks``).
        block.spans = [s for s in block.spans if s.xref is None or s.style == "note"]
    problems[:] = [p for p in problems if not p.startswith(PROBLEM)]


def link_objects(blocks: list[Block], problems: list[str], kind: str | None = None) -> None:
    """Captions to their objects, numbers, and the text's cross-references as spans.

    ``kind`` is the source's kind ("text", "pdf", "docx"); a text dump has no
    objects, which one problem says when its text names any. Run again (the
    document stage, after corrections), it first forgets its own links.
    """
    text_source = kind == "text" or any(p.startswith(TEXT_SOURCE) for p in problems)
    forget_links(blocks, problems)
    named = link_captions(blocks, problems, text_source)
    missing = link_xrefs(blocks, named)
    if text_source:
        if kind == "text":  # said once, by the segmenter; a second run keeps it
            names = [b.text[:caption_label(b.text)[2]].strip(" .:—–-") for b in blocks
                     if b.role == "caption" and caption_label(b.text)]
            names += [words for _b, _k, _n, words in missing]
            if names:
                problems.append(f"{TEXT_SOURCE}{_listed(names)}, but {_TEXT_SOURCE_END}")
        return
    unshown = [b for b in blocks if b.role == "figure" and b.visual is not None
               and not (b.visual.image or b.visual.region)]
    if unshown:
        shown = _listed(f"{b.id} ({b.visual.media or 'no picture'})" for b in unshown)
        problems.append(f"{PROBLEM}figures without a picture the editions can show: {shown} "
                        "— give each a PNG or JPEG with `image:` in corrections.yaml")
    figures_or_tables = [m for m in missing if m[1] in ("figure", "table")]
    if figures_or_tables:
        shown = _listed(f"{words} ({b.id})" for b, _k, _n, words in figures_or_tables)
        problems.append(f"{PROBLEM}the text names {shown}, which no caption of the article "
                        "numbers (a figure or table not found in the source, or misnumbered)")


def _listed(names) -> str:
    """Names once each, in order, the first few."""
    unique = list(dict.fromkeys(" ".join(n.split()) for n in names))
    return ", ".join(unique[:_SHOWN]) + (" …" if len(unique) > _SHOWN else "")
