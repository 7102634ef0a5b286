"""The EPUB writer: an ``Edition`` → pandoc's JSON AST → EPUB 3.

Like pandoc itself, the writer never goes through Markdown: block text becomes
``Str``/``Space`` inlines and metadata becomes ``MetaString`` values, so text that
looks like Markdown, HTML or LaTeX reaches the reader literally (pandoc escapes
``<`` and ``&`` when it writes XHTML).

The book is laid out as

* a title section: the edition's main title as the level-1 heading, the other
  titles, the authors, the journal line, the dates and the licence, then one box
  per language with its abstract (level-2 heading in that language) and keywords;
* the body (headings, paragraphs, lists, quotes, captions), or, where the edition
  has none, the notice naming the body's language with a link to the DOI;
* the notes, listed at the end, and the reference list, each item carrying its block
  id as anchor; a note's mark in the text is a raised link to its note
  (``epub:type="noteref"``, ``role="doc-noteref"``), and the note links back to it.

Every element whose language differs from the edition's carries ``lang``. After
pandoc has written the EPUB, :func:`postprocess` adds the matching ``xml:lang``,
labels the parallel titles in the package document with their languages,
translates pandoc's one English landmark label and re-zips the container
deterministically (``mimetype`` first and stored, fixed timestamps, sorted).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import subprocess
import tempfile
import uuid
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import TypesetError
from ..fileio import template
from ..model import Block, Span
from .editions import Edition, author_name, format_date, ui_strings
from .inline import nest

#: A name given as plain text, in no particular language (``pipeline.meta.UNDETERMINED``;
#: not imported, so that the EPUB command does not load pydantic).
UNDETERMINED = "und"

#: What is true of every EPUB this writer makes: text only (no images, audio or
#: video), headings on every section, a navigation document, the reading order of
#: the printed article. pandoc's default also claims ``alternativeText``, which is
#: meaningless for a book without images, so the list is given explicitly.
ACCESSIBILITY = {
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": ["readingOrder", "structuralNavigation", "tableOfContents"],
    "accessibilityHazards": ["none"],
}
ACCESSIBILITY_SUMMARY = (
    "Text-only publication without images, audio or video. Every section has a "
    "heading, the table of contents lists them, and the reading order follows the "
    "printed article. Passages in other languages are marked with their language."
)
#: The same, for a book with figures or formulas (``accessibility``).
ACCESSIBILITY_SUMMARY_VISUAL = (
    "Every figure and every formula printed as a picture has a text alternative (its "
    "caption, the editor's description or the formula's text); formulas given as "
    "LaTeX are MathML; tables have header cells. Every section has a heading, the "
    "table of contents lists them, and the reading order follows the printed "
    "article. Passages in other languages are marked with their language."
)


def accessibility(images: bool, math: bool) -> dict[str, Any]:
    """The schema.org accessibility metadata of a book with or without pictures and
    MathML: a picture is seen, its alternative text read, so text alone suffices."""
    if not (images or math):
        return {**ACCESSIBILITY, "accessibilitySummary": ACCESSIBILITY_SUMMARY}
    features = list(ACCESSIBILITY["accessibilityFeatures"])
    if images:
        features.append("alternativeText")
    if math:
        features.append("MathML")
    return {"accessModes": ["textual", "visual"] if images else ["textual"],
            "accessModeSufficient": ["textual"],
            "accessibilityFeatures": features,
            "accessibilityHazards": ["none"],
            "accessibilitySummary": ACCESSIBILITY_SUMMARY_VISUAL}
#: The language of ``ACCESSIBILITY_SUMMARY`` (there is no UI string for it).
ACCESSIBILITY_SUMMARY_LANG = "en"

_WS = re.compile(r"[ \t\r\n]+")  # NBSP (U+00A0) and thin spaces stay inside Str
_KEYWORD_SEP = re.compile(r"\s*[;,]\s*")


# --- pandoc ---------------------------------------------------------------------


#: pandoc packs an article's EPUB in a second or two; the limits stop a runaway.
EPUB_SECONDS = 300
EPUB_MEMORY = 3 * limits.GB


def pandoc_path() -> str:
    import pypandoc  # here: it imports urllib and friends, which only this needs

    return pypandoc.get_pandoc_path()


@cache
def pandoc_api_version() -> list[int]:
    """The pandoc-types version the installed pandoc reads and writes."""
    out = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=b"", capture_output=True, check=True,
    ).stdout
    return list(json.loads(out)["pandoc-api-version"])


# --- AST constructors -------------------------------------------------------------

Attr = list[Any]
SPACE: dict[str, Any] = {"t": "Space"}


def attr(ident: str = "", classes: list[str] | None = None,
         kv: list[tuple[str, str]] | None = None) -> Attr:
    return [ident, list(classes or []), [list(p) for p in (kv or [])]]


def text_inlines(text: str) -> list[dict[str, Any]]:
    """Plain text as ``Str``/``Space`` inlines; no markup is interpreted."""
    out: list[dict[str, Any]] = []
    for i, part in enumerate(_WS.split(text)):
        if i:
            out.append(SPACE)
        if part:
            out.append({"t": "Str", "c": part})
    return out


def span(inlines: list[Any], lang: str | None = None, classes: list[str] | None = None,
         ) -> dict[str, Any]:
    kv = [("lang", lang)] if lang else []
    if lang and lang.split("-")[0] in RTL_LANGS:
        kv.append(("dir", "rtl"))  # a reading system then sets the passage right to left
    return {"t": "Span", "c": [attr("", classes, kv), inlines]}


#: Languages written right to left (the tagger's codes for Arabic- and Hebrew-script text).
RTL_LANGS = frozenset({"ar", "fa", "ur", "ug", "ps", "he", "yi"})


def link(inlines: list[Any], url: str, classes: list[str] | None = None) -> dict[str, Any]:
    return {"t": "Link", "c": [attr("", classes), inlines, [url, ""]]}


def url_link(url: str) -> dict[str, Any]:
    return link([{"t": "Str", "c": url}], url)


def para(inlines: list[Any]) -> dict[str, Any]:
    return {"t": "Para", "c": inlines}


def plain(inlines: list[Any]) -> dict[str, Any]:
    return {"t": "Plain", "c": inlines}


def div(blocks: list[Any], ident: str = "", classes: list[str] | None = None,
        lang: str | None = None, kv: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    pairs = list(kv or [])
    if lang:
        pairs.insert(0, ("lang", lang))
    return {"t": "Div", "c": [attr(ident, classes, pairs), blocks]}


def header(level: int, inlines: list[Any], ident: str = "", classes: list[str] | None = None,
           kv: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {"t": "Header", "c": [max(1, min(6, level)), attr(ident, classes, kv), inlines]}


def ordered_list(items: list[list[Any]], start: int = 1) -> dict[str, Any]:
    return {"t": "OrderedList",
            "c": [[start, {"t": "Decimal"}, {"t": "Period"}], items]}


def table(rows: list[list[str]], header_rows: int = 0,
          merges: list[list[int]] | None = None) -> dict[str, Any]:
    """Rows of cell texts as pandoc's ``Table`` (pandoc-types 1.22 and later).

    ``[attr, caption, colspecs, head, bodies, foot]``: the first ``header_rows``
    rows are the head (``<th scope="col">``), the others one body. A first column of
    names over a body of numbers heads its rows (``<th scope="row">``). Spanned
    cells (``Visual.merges``) get their row and column spans; the slots they cover
    are left out, as HTML wants.
    """
    from .visuals import numeric_column, table_grid

    g = table_grid(rows, merges)
    n, grid, spans, hidden = g.columns, g.rows, g.spans, g.hidden
    body_rows = grid[header_rows:]
    row_heads = int(n >= 2 and bool(body_rows) and all(r[0].strip() for r in body_rows)
                    and not numeric_column([r[0] for r in body_rows])
                    and any(numeric_column([r[c] for r in body_rows]) for c in range(1, n)))
    if any(c == 0 and nc > 1 for (r, c), (_, nc) in spans.items() if r >= header_rows):
        row_heads = 0  # pandoc cuts a cell that spans from the row heads into the body

    def cell(text: str, scope: str | None, span: tuple[int, int]) -> list[Any]:
        kv = [("scope", scope)] if scope else []
        return [attr("", None, kv), {"t": "AlignDefault"}, span[0], span[1],
                [plain(text_inlines(text))] if text else []]

    out = []
    for k, row in enumerate(grid):
        cells = []
        for c, text in enumerate(row):
            if (k, c) in hidden:
                continue
            nr, nc = spans.get((k, c), (1, 1))
            scope = ("colgroup" if nc > 1 else "col") if k < header_rows else \
                ("rowgroup" if nr > 1 else "row") if c < row_heads else None
            cells.append(cell(text, scope, (nr, nc)))
        out.append([attr(), cells])
    head, body = out[:header_rows], out[header_rows:]
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(n)]
    return {"t": "Table", "c": [attr(), [None, []], colspecs, [attr(), head],
                                [[attr(), row_heads, [], body]], [attr(), []]]}


def meta_value(value: Any) -> dict[str, Any]:
    """Python data as pandoc metadata; strings stay literal (``MetaString``)."""
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, dict):
        return {"t": "MetaMap", "c": {k: meta_value(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"t": "MetaList", "c": [meta_value(v) for v in value]}
    return {"t": "MetaString", "c": str(value)}


# --- inline content -----------------------------------------------------------------

_KIND_ORDER = {"lang": 0, "link": 1, "xref": 1, "noteref": 1, "strong": 2, "emph": 3,
               "sub": 4, "sup": 4}


def noteref_id(note: str) -> str:
    """The id of the mark that links to note ``note``: its note links back there."""
    return "noteref-" + anchor(note)


def _wrappers(s: Span, index: int, targets: frozenset[str] | set[str]) -> list[tuple[Any, ...]]:
    """The inline wrappers one span asks for, outermost first."""
    kinds: list[tuple[str, str | None]] = []
    if s.lang:
        kinds.append(("lang", s.lang))
    if s.style == "note":  # a note's mark: raised, and a link where its note is printed
        target = anchor(s.xref) if s.xref is not None else None
        kinds.append(("noteref", target) if target in targets else ("sup", None))
    elif s.cite is not None and s.targets:
        target = anchor(s.targets[0])
        if target in targets:  # never link to an anchor the book does not have
            kinds.append(("link", target))
    elif s.xref is not None and anchor(s.xref) in targets:  # a figure, table or equation
        kinds.append(("xref", anchor(s.xref)))
    if s.style == "bold":
        kinds.append(("strong", None))
    elif s.style == "italic":
        kinds.append(("emph", None))
    elif s.style in ("sub", "sup"):  # a formula's other letters print as the source has them
        kinds.append((s.style, None))
    return [(s.start, -s.end, index, _KIND_ORDER[k], k, v) for k, v in kinds]


def soft_hyphens(text: str) -> str:
    """Kyrgyz words with soft hyphens (U+00AD) at the syllabifier's break points only.

    No reading system has Kyrgyz hyphenation patterns: with these, justified
    Kyrgyz text can break words where basma's own rules allow (``hyphenate.py``),
    and nowhere else (CSS ``hyphens: manual``).

    >>> soft_hyphens("мектептерде окушат") == "мек\u00adтеп\u00adтер\u00adде оку\u00adшат"
    True
    """
    from ..alphabet import KY_WORD
    from .hyphenate import MAX_WORD, break_points

    def word(m: re.Match[str]) -> str:
        w = m.group()
        if len(w) > MAX_WORD:  # a token without spaces, no word: and linear time
            return w
        points = set(break_points(w))
        return "".join(("\u00ad" if i in points else "") + ch for i, ch in enumerate(w))

    return KY_WORD.sub(word, text)


def _inlines(tree: list[Any], cur_lang: str, in_link: bool, soft: bool = False) -> list[Any]:
    """pandoc inlines for a tree of ``inline.nest``: a language span only where the
    language changes, no link inside a link, Kyrgyz words with soft hyphens."""
    out: list[Any] = []
    for node in tree:
        if isinstance(node, str):
            out.extend(text_inlines(soft_hyphens(node) if soft and cur_lang == "ky" else node))
            continue
        head, children = node
        kind, value = head[4], head[5]
        if kind == "lang":
            if value == cur_lang:
                out.extend(_inlines(children, cur_lang, in_link, soft))
            else:
                out.append(span(_inlines(children, value, in_link, soft), lang=value))
        elif kind == "noteref":
            inner = [{"t": "Superscript", "c": _inlines(children, cur_lang, True, soft)}]
            out.extend(inner if in_link else [{"t": "Link", "c": [
                attr(noteref_id(value), ["noteref"],
                     [("epub:type", "noteref"), ("role", "doc-noteref")]),
                inner, ["#" + value, ""]]}])
        elif kind in ("link", "xref"):
            inner = _inlines(children, cur_lang, True, soft)
            cls = "citation" if kind == "link" else "xref"
            out.extend(inner if in_link else [link(inner, "#" + value, [cls])])
        elif kind == "strong":
            out.append({"t": "Strong", "c": _inlines(children, cur_lang, in_link, soft)})
        elif kind in ("sub", "sup"):
            out.append({"t": "Subscript" if kind == "sub" else "Superscript",
                        "c": _inlines(children, cur_lang, in_link, soft)})
        else:
            out.append({"t": "Emph", "c": _inlines(children, cur_lang, in_link, soft)})
    return out


def block_inlines(b: Block, targets: frozenset[str] | set[str] = frozenset(),
                  soft: bool = False) -> list[Any]:
    """``b.text`` with its spans, split at every span boundary; with ``soft``, its
    Kyrgyz words carry soft hyphens (``soft_hyphens``)."""
    text = b.text
    spans = [s for s in b.spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    wrappers = [(s, _wrappers(s, i, targets)) for i, s in enumerate(spans)]
    segments = []
    after_space = False
    for a, z in zip(cuts, cuts[1:], strict=False):
        piece = text[a:z]
        if after_space:  # whitespace split by a span boundary is still one Space
            piece = piece.lstrip(" \t\r\n")
        if not piece:
            continue
        after_space = piece[-1] in " \t\r\n"
        stack = sorted(w for s, ws in wrappers if s.start <= a and z <= s.end for w in ws)
        segments.append((piece, stack))
    return _inlines(nest(segments), b.lang, False, soft)


def anchor(ident: str) -> str:
    """A block id as an XHTML id (no whitespace)."""
    return re.sub(r"\s+", "-", ident.strip()) or "block"


# --- the book -------------------------------------------------------------------------


class _Builder:
    def __init__(self, ed: Edition):
        self.ed = ed
        self.lang = ed.lang
        self.ui = ui_strings(ed.lang)
        self.used: set[str] = set()
        for b in [*ed.front, *ed.body, *ed.references, *ed.footnotes]:
            self.used.add(anchor(b.id))
        self.targets = {anchor(b.id) for b in ed.references}
        from .visuals import captions, objects

        self.objects = objects(ed.body)
        self.captions = {k: v for k, v in captions(ed.body).items() if k in self.objects}
        self.targets |= {anchor(k) for k in self.objects}
        self.targets |= {anchor(b.id) for b in ed.footnotes}
        #: The notes a mark in the book links to: each links back to its mark.
        self.marked = {s.xref for b in [*ed.front, *ed.body, *ed.references] for s in b.spans
                       if s.style == "note" and s.xref}
        #: The pictures the book holds (``visuals.Picture``), by asset name.
        self.pictures: dict[str, Any] = {}
        self.math = False
        # A short article is one chapter: its headings go one level down, below the
        # title, so that pandoc's split at level 1 leaves them in the title's file.
        self.shift = 0 if chaptered(ed) else 1

    def uid(self, base: str) -> str:
        """A generated id that no block id already uses."""
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        return ident

    def lang_kv(self, lang: str, context: str) -> str | None:
        return lang if lang != context else None

    def inlines(self, b: Block, soft: bool = False) -> list[Any]:
        return block_inlines(b, self.targets, soft)

    def label_inlines(self, text: str, lang: str) -> list[Any]:
        """A UI label, marked with its language where it differs from the book's."""
        inl = text_inlines(text)
        return [span(inl, lang=lang)] if lang != self.lang else inl

    # -- front matter

    def titles(self) -> tuple[str, str, list[tuple[str, str]]]:
        ed = self.ed
        titles = list(ed.titles)
        if not titles:  # no title in the edition's language: show another, marked
            declared = list(ed.meta.title.items())
            # EPUB needs a non-empty dc:title and navigation label.
            titles = declared[:1] or [(ed.lang, ed.meta.doi or "—")]
        main = next((t for t in titles if t[0] == ed.lang), titles[0])
        return main[0], main[1], [t for t in titles if t is not main]

    def front(self, body_starts_section: bool) -> list[Any]:
        main_lang, main_title, others = self.titles()
        kv = [("epub:type", "titlepage")] if body_starts_section else []
        out: list[Any] = [
            header(1, self.label_inlines(main_title, main_lang), self.uid("title"),
                   ["title"], kv)
        ]
        for lang, text in others:
            out.append(div([para(text_inlines(text))], classes=["title", "parallel-title"],
                           lang=lang))
        out.extend(self.authors())
        out.extend(self.journal())
        out.extend(self.abstracts())
        return out

    def authors(self) -> list[Any]:
        items = []
        for a in self.ed.meta.authors:
            name = author_name(a, self.lang)
            blocks = [para([span(text_inlines(name), classes=["name"])])]
            for place in a.affiliations:
                blocks.append(div([para(text_inlines(place.display_name(self.lang)))],
                                  classes=["affiliation"]))
            contact: list[Any] = []
            if a.orcid:  # a checked https://orcid.org/ URL (pipeline/meta.py)
                contact.append(url_link(a.orcid))
            if a.email:
                if contact:
                    contact.append(SPACE)
                contact.append(link([{"t": "Str", "c": a.email}], f"mailto:{a.email}"))
            if contact:
                blocks.append(div([para(contact)], classes=["contact"]))
            items.append(div(blocks, classes=["author"]))
        return [div(items, classes=["authors"])] if items else []

    def journal(self) -> list[Any]:
        meta, ui = self.ed.meta, self.ui
        name = meta.journal_name(self.lang)
        parts: list[list[Any]] = []
        if name:
            name_lang = self.lang if name[0] == UNDETERMINED else name[0]
            parts.append(self.label_inlines(name[1], name_lang))
        if meta.volume is not None:
            parts.append(text_inlines(f"{ui['volume']}\u00a0{meta.volume}"))
        if meta.issue is not None:
            parts.append(text_inlines(f"{ui['issue']}\u00a0{meta.issue}"))
        if meta.year is not None:
            parts.append(text_inlines(str(meta.year)))
        if meta.doi:
            parts.append([url_link(doi_url(meta.doi))])
        out: list[Any] = []
        if parts:
            line: list[Any] = []
            for i, p in enumerate(parts):
                if i:
                    line += [{"t": "Str", "c": ","}, SPACE]
                line += p
            out.append(div([para(line)], classes=["journal"]))
        dates = []
        for key in ("received", "accepted"):
            day = getattr(meta, key)
            if day:
                dates.append(para(self.labelled(ui[key], format_date(day, self.lang))))
        if dates:
            out.append(div(dates, classes=["dates"]))
        if meta.license:
            lic: list[Any] = text_inlines(meta.license)
            if meta.license_url:  # http or https only (pipeline/meta.py)
                lic = [link(lic, meta.license_url, ["license"])]
            out.append(div([para(self.labelled(ui["license"], lic))], classes=["license"]))
        return out

    @staticmethod
    def labelled(label: str, value: list[Any] | str) -> list[Any]:
        if isinstance(value, str):
            value = text_inlines(value)
        return [span(text_inlines(label + ":"), classes=["label"]), SPACE, *value]

    def abstracts(self) -> list[Any]:
        """One box per language: its abstract (heading + paragraphs) and keywords."""
        groups: list[tuple[str, list[Block]]] = []
        for b in self.ed.front:
            if groups and groups[-1][0] == b.lang:
                groups[-1][1].append(b)
            else:
                groups.append((b.lang, [b]))
        out = []
        for lang, blocks in groups:
            ui = ui_strings(lang)
            content: list[Any] = []
            if any(b.role == "abstract" for b in blocks):
                content.append(header(2, self.label_inlines(ui["abstract"], lang),
                                      self.uid(f"{ABSTRACT_ID}{lang}")))
            for b in blocks:
                if b.role == "abstract":
                    content.append(self.in_lang(para(self.inlines(b, True)), b.lang, lang,
                                                b.id))
                elif b.role == "keywords":
                    kw = para(self.labelled(ui["keywords"], self.inlines(b)))
                    content.append(div([kw], classes=["keywords"],
                                       lang=self.lang_kv(b.lang, lang)))
            out.append(div(content, classes=["abstract"], lang=lang))
        return out

    @staticmethod
    def in_lang(block: dict[str, Any], lang: str, context: str, ident: str = "") -> Any:
        if lang == context:
            return block
        return div([block], anchor(ident) if ident else "", lang=lang)

    # -- body

    def body(self) -> list[Any]:
        ed = self.ed
        out: list[Any] = []
        if ed.notice:
            inl = text_inlines(ed.notice)
            if ed.meta.doi:
                inl += [SPACE, url_link(doi_url(ed.meta.doi))]
            out.append(div([para(inl)], classes=["notice"]))
        if not ed.body:
            return out
        items: list[list[Any]] = []
        for b in ed.body:
            if b.role != "list_item" and items:
                out.append({"t": "BulletList", "c": items})
                items = []
            if b.role == "caption" and b.of in self.objects:
                continue  # in its figure's <figcaption>, its table's <caption>
            if b.role in ("figure", "equation"):
                out.append(self.figure(b) if b.role == "figure" else self.equation(b))
                continue
            if not b.text.strip() and b.role != "table":
                continue
            if b.role == "list_item":
                items.append([self.in_lang(plain(self.inlines(b, True)), b.lang, self.lang,
                                           b.id)])
            elif b.role == "heading":
                out.append(self.heading(b))
            elif b.role == "quote":
                out.append({"t": "BlockQuote", "c": [
                    self.in_lang(para(self.inlines(b, True)), b.lang, self.lang, b.id)]})
            elif b.role == "caption":
                out.append(div([para(self.inlines(b))], anchor(b.id), ["caption"],
                               lang=self.lang_kv(b.lang, self.lang)))
            elif b.role == "table":
                out.append(self.table(b))
            else:  # paragraph, and any role a later stage may add
                out.append(self.in_lang(para(self.inlines(b, True)), b.lang, self.lang, b.id))
        if items:
            out.append({"t": "BulletList", "c": items})
        # A notice edition's figures and tables are no introduction to list in the ToC.
        return out if ed.notice else self.mark_introduction(out)

    # -- figures, tables, equations

    def caption_blocks(self, obj: Block) -> list[Any]:
        """The object's captions as pandoc blocks: the label in the edition's
        language, bold, then the caption's text with its spans."""
        from .visuals import caption_for

        out = []
        for cap in caption_for(obj, self.captions.get(obj.id, []), self.lang, self.ui,
                               every=self.ed.key == "full"):
            inl: list[Any] = []
            if cap.label:
                inl.append({"t": "Strong", "c": text_inlines(cap.label + ".")})
            if cap.text:
                text = self.inlines(cap.block)
                if cap.lang != self.lang:
                    text = [span(text, lang=cap.lang)]
                inl += ([SPACE] if inl else []) + text
            if inl:
                out.append(plain(inl))
        return out

    def image(self, obj: Block, alt: str) -> dict[str, Any] | None:
        """The object's picture as an ``Image`` (its asset name: ``epub_from_source``
        copies only these files, checked, for pandoc), or None when it has none."""
        from .visuals import picture

        pic = picture(self.ed.root, obj, self.ed.problems)
        if pic is None:
            return None
        self.pictures[pic.name] = pic
        return {"t": "Image", "c": [attr(), text_inlines(alt), [pic.name, ""]]}

    def figure(self, obj: Block) -> dict[str, Any]:
        from .visuals import alt_text, caption_for

        caps = caption_for(obj, self.captions.get(obj.id, []), self.lang, self.ui,
                           every=self.ed.key == "full")
        alt = alt_text(obj, caps)
        image = self.image(obj, alt)
        # A figure without its picture still says what it shows.
        content = plain([image]) if image else para(text_inlines(alt))
        return {"t": "Figure", "c": [attr(anchor(obj.id), ["figure"]),
                                     [None, self.caption_blocks(obj)], [content]]}

    def table(self, obj: Block) -> dict[str, Any]:
        tab = table(obj.cells or [], obj.header_rows or 0,
                    obj.visual.merges if obj.visual else None)
        tab["c"][0] = attr(anchor(obj.id))
        tab["c"][1] = [None, self.caption_blocks(obj)]
        if obj.lang != self.lang and obj.lang != UNDETERMINED:
            tab["c"][0][2].append(["lang", obj.lang])
        return tab

    def equation(self, obj: Block) -> dict[str, Any]:
        """A display formula: MathML from its checked LaTeX, else its picture with its
        text as the alternative, else its text; its number beside it."""
        from .visuals import safe_tex

        tex = safe_tex(obj.visual.tex if obj.visual else None)
        text = " ".join(obj.text.split())
        inl: list[Any]
        if tex:
            self.math = True
            inl = [{"t": "Math", "c": [{"t": "DisplayMath"}, tex]}]
        else:
            image = self.image(obj, text or (obj.number and f"({obj.number})") or "formula")
            inl = [image] if image else text_inlines(text)
        if obj.number:
            inl += [SPACE, span(text_inlines(f"({obj.number})"), classes=["number"])]
        return div([para(inl)], anchor(obj.id), ["equation"])

    def mark_introduction(self, body: list[Any]) -> list[Any]:
        """The text before the first heading, given an anchor the ToC links to
        ("Введение"): without a heading of its own it would have no entry."""
        head = 0
        while head < len(body) and body[head]["t"] != "Header":
            head += 1
        if head == 0:
            return body
        return [div(body[:head], INTRODUCTION_ID, ["introduction"]), *body[head:]]

    def heading(self, b: Block) -> dict[str, Any]:
        inl = self.inlines(b)
        if b.number and not b.text.lstrip().startswith(b.number):
            inl = [span(text_inlines(b.number), classes=["number"]), SPACE, *inl]
        if b.lang != self.lang:  # on the inlines, so that the nav entry has it too
            inl = [span(inl, lang=b.lang)]
        classes = ["run-in"] if b.run_in else []
        # A run-in heading opens a paragraph, not a chapter: one level below its own;
        # in a short article every heading is a section under the title.
        level = (b.level or 1) + (1 if b.run_in or self.shift else 0)
        return header(level, inl, anchor(b.id), classes)

    # -- back matter

    def numbered(self, blocks: list[Block], cls: str) -> list[Any]:
        """A numbered list whose items carry their block ids as anchors."""
        numbers = [b.number for b in blocks]
        start = 1
        sequential = True
        if all(n and n.isdigit() for n in numbers):
            start = int(numbers[0])  # type: ignore[arg-type]
            sequential = [int(n) for n in numbers] == list(  # type: ignore[arg-type]
                range(start, start + len(numbers)))
        elif any(numbers):
            sequential = False
        if sequential:
            items = [[div([plain(self.inlines(b) + self.backlink(b))], anchor(b.id), [cls],
                          lang=self.lang_kv(b.lang, self.lang), kv=self.note_kv(b))]
                     for b in blocks]
            return [div([ordered_list(items, start)], classes=[f"{cls}s"])]
        paras = []
        for b in blocks:
            inl = self.inlines(b) + self.backlink(b)
            if b.number:
                inl = [span(text_inlines(f"{b.number}."), classes=["number"]), SPACE, *inl]
            paras.append(div([para(inl)], anchor(b.id), [cls],
                             lang=self.lang_kv(b.lang, self.lang), kv=self.note_kv(b)))
        return [div(paras, classes=[f"{cls}s", "unlisted"])]

    def note_kv(self, b: Block) -> list[tuple[str, str]]:
        """A note's semantics (EPUB's and DPUB-ARIA's), so that a reading system can
        show it where its mark is."""
        if b.role != "footnote":
            return []
        return [("epub:type", "endnote"), ("role", "doc-endnote")]

    def backlink(self, b: Block) -> list[Any]:
        """The link from a note back to its mark in the text, where it has one."""
        if b.role != "footnote" or b.id not in self.marked:
            return []
        return [SPACE, {"t": "Link", "c": [attr("", ["backlink"], [("role", "doc-backlink")]),
                                          text_inlines("↩"), ["#" + noteref_id(b.id), ""]]}]

    def back(self) -> list[Any]:
        ed, ui = self.ed, self.ui
        out: list[Any] = []
        if ed.footnotes:
            out.append(header(1 + self.shift, text_inlines(ui["footnotes"]), self.uid("notes"),
                              [], [("epub:type", "endnotes"), ("role", "doc-endnotes")]))
            out.extend(self.numbered(ed.footnotes, "note"))
        # Citations without a list print as they are: the missing list is the
        # editor's problem (a warning), not a note for readers.
        if ed.references:
            out.append(header(1 + self.shift, text_inlines(ui["references"]),
                              self.uid("references"), [],
                              [("epub:type", "bibliography"), ("role", "doc-bibliography")]))
            for head, items in ed.reference_lists():
                if head is not None:
                    lang = self.lang_kv(head.lang, self.lang)
                    out.append(header(2 + self.shift, self.inlines(head), self.uid(head.id), [],
                                      [("lang", lang)] if lang else None))
                out.extend(self.numbered(items, "reference"))
        return out

    def blocks(self) -> list[Any]:
        body = self.body()
        starts = bool(body) and body[0]["t"] == "Header" and body[0]["c"][0] == 1
        # A body that opens without a heading would run on from the abstracts.
        rule = [] if starts or not body else [{"t": "HorizontalRule"}]
        # An edition without the article's text (a notice, its figures) starts with
        # the title page, as before it carried figures.
        text = bool(self.ed.body) and not self.ed.notice
        return [*self.front(starts or not text), *rule, *body, *self.back()]


#: The anchor of the text before the first heading, and of each abstract ("abstract-ky").
INTRODUCTION_ID = "introduction"
ABSTRACT_ID = "abstract-"
#: A body shorter than this (characters) is one chapter with the title: a chapter
#: per heading would give screens of one paragraph each.
CHAPTER_CHARS = 40_000


def chaptered(ed: Edition) -> bool:
    """Whether the edition is long enough to be split into chapters at its headings."""
    return sum(len(b.text) for b in ed.body) >= CHAPTER_CHARS and any(
        b.role == "heading" and not b.run_in for b in ed.body)


def doi_url(doi: Any) -> str:
    doi = str(doi).strip()
    return doi if doi.startswith("http") else f"https://doi.org/{doi}"


# --- metadata ---------------------------------------------------------------------------


def _keywords(ed: Edition) -> list[str]:
    declared = ed.meta.keyword_list(ed.lang)
    if declared:
        return declared
    out = []  # the source's keyword lines: split here, as the source gives them
    for b in ed.front:
        if b.role == "keywords" and b.lang == ed.lang:
            out += [w.strip(" .") for w in _KEYWORD_SEP.split(b.text) if w.strip(" .")]
    return out


def identifier(ed: Edition) -> str:
    """The edition's own identifier: a name-based UUID of the DOI (or the titles)
    and the edition's key, so that the four books of an article are four books to
    a reading system or a catalogue. The article's DOI is a second identifier."""
    seed = f"{doi_url(ed.meta.doi)}#{ed.key}" if ed.meta.doi else json.dumps(
        [ed.key, ed.titles], ensure_ascii=False)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def metadata(ed: Edition, titles: list[tuple[str, str, str]],
             visual: tuple[bool, bool] = (False, False)) -> dict[str, Any]:
    """The EPUB package metadata, as pandoc reads it (see the manual's EPUB section);
    ``visual`` says whether the book has pictures and MathML."""
    meta, ui = ed.meta, ui_strings(ed.lang)
    out: dict[str, Any] = {
        "title": [{"text": text, "type": kind} if kind else {"text": text}
                  for _lang, text, kind in titles],
        "lang": ed.lang,
        "toc-title": ui["contents"],
        "abstract-title": ui["abstract"],
        **accessibility(*visual),
    }
    # calibre and other readers take the scheme from the value's prefix ("doi:").
    out["identifier"] = [{"text": identifier(ed)}] + (
        [{"text": f"doi:{meta.doi}", "scheme": "DOI"}] if meta.doi else [])
    creators = [{"text": author_name(a, ed.lang), "role": "author"} for a in meta.authors]
    if creators:
        out["creator"] = creators
    if meta.journal and meta.journal.publisher:
        out["publisher"] = meta.journal.publisher
    date = meta.publication_date()
    if date:
        out["date"] = date.isoformat()
    elif meta.year:
        out["date"] = str(meta.year)
    rights = " ".join(x for x in (meta.license, meta.license_url) if x)
    if rights:
        out["rights"] = rights
    keywords = _keywords(ed)
    if keywords:
        out["subject"] = keywords
    abstract = [b.text for b in ed.front if b.role == "abstract" and b.lang == ed.lang]
    if abstract:
        out["description"] = "\n".join(abstract)
    return out


def book_titles(ed: Edition) -> list[tuple[str, str, str]]:
    """(lang, title, EPUB title-type) in the order pandoc writes ``dc:title``.

    The main title is in the edition's language; the parallel titles have no
    title-type (EPUB has none for "the same title in another language": the
    ``xml:lang`` that :func:`postprocess` adds says it); the short title is last.
    """
    main_lang, main_title, others = _Builder(ed).titles()
    titles = [(main_lang, main_title, "main")] + [(lg, t, "") for lg, t in others]
    short = ed.meta.short_title.get(ed.lang)
    if short:
        titles.append((ed.lang, short, "short"))
    return titles


def to_pandoc_ast(ed: Edition) -> dict[str, Any]:
    """The edition as pandoc's JSON AST (a dict ready for ``json.dumps``)."""
    return _book(ed)[0]


def _book(ed: Edition) -> tuple[dict[str, Any], dict[str, str]]:
    """The AST, and the pictures it shows: asset name → the file's SHA-256."""
    builder = _Builder(ed)
    blocks = builder.blocks()
    meta = metadata(ed, book_titles(ed), (bool(builder.pictures), builder.math))
    ast = {
        "pandoc-api-version": pandoc_api_version(),
        "meta": {k: meta_value(v) for k, v in meta.items()},
        "blocks": blocks,
    }
    return ast, {name: pic.sha256 for name, pic in sorted(builder.pictures.items())}


# --- post-processing -----------------------------------------------------------------------

_TAG = re.compile(r"<([A-Za-z][\w:.-]*)(\s[^<>]*?)?(/?)>")
_LANG = re.compile(r'(?<![\w:.-])lang="([^"]*)"')


def add_xml_lang(xhtml: str) -> str:
    """Give every element that has ``lang`` but no ``xml:lang`` the same ``xml:lang``."""

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(2) or ""
        found = _LANG.search(attrs)
        if not found or "xml:lang=" in attrs:
            return m.group(0)
        attrs = attrs[: found.end()] + f' xml:lang="{found.group(1)}"' + attrs[found.end():]
        return f"<{m.group(1)}{attrs}{m.group(3)}>"

    return _TAG.sub(fix, xhtml)


def _fix_opf(opf: str, title_langs: list[str], book_lang: str,
             package: dict[str, Any] | None = None) -> str:
    """Package metadata pandoc cannot express: the languages of titles and of the
    accessibility summary, the journal as a series, the conformance claim; the
    navigation document out of the reading order."""
    count = 0

    def title(m: re.Match[str]) -> str:
        nonlocal count
        lang = title_langs[count] if count < len(title_langs) else None
        count += 1
        if not lang or "xml:lang=" in m.group(0):
            return m.group(0)
        return m.group(0)[:-1] + f' xml:lang="{lang}">'

    opf = re.sub(r"<dc:title\b[^>]*>", title, opf)
    if ACCESSIBILITY_SUMMARY_LANG != book_lang:
        opf = opf.replace(
            '<meta property="schema:accessibilitySummary">',
            f'<meta property="schema:accessibilitySummary" '
            f'xml:lang="{ACCESSIBILITY_SUMMARY_LANG}">',
        )
    # The ToC stays reachable from the reading system's menu; readers start at the text.
    opf = re.sub(r'<itemref idref="nav"\s*/>', '<itemref idref="nav" linear="no" />', opf)
    extra = []
    series = (package or {}).get("series")
    if series:
        extra += [f'<meta property="belongs-to-collection" id="series">'
                  f'{html.escape(series["name"], quote=False)}</meta>',
                  '<meta refines="#series" property="collection-type">series</meta>']
        if series.get("position"):
            extra.append(f'<meta refines="#series" property="group-position">'
                         f'{html.escape(str(series["position"]), quote=False)}</meta>')
    extra += [f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>',
              f'<meta property="a11y:certifiedBy">{CERTIFIED_BY}</meta>']
    if extra:
        opf = opf.replace("</metadata>", "".join(f"  {m}\n  " for m in extra) + "</metadata>", 1)
    return opf


#: The EPUB Accessibility 1.1 conformance this writer's books meet (checked with
#: Ace by DAISY in tests/test_print_quality.py), and who claims it.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
CERTIFIED_BY = "basma (automated checks: epubcheck, Ace by DAISY)"


_HEADING = re.compile(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", re.S)
_PAGE_TITLE = re.compile(r"<title>[^<]*</title>")


def _fix_page_title(xhtml: str) -> str:
    """pandoc titles each chapter file by its file name; use the chapter's heading."""
    heading = _HEADING.search(xhtml)
    if not heading:
        return xhtml
    text = " ".join(re.sub(r"<[^>]*>", "", heading.group(1)).split())  # still escaped
    if not text:
        return xhtml
    return _PAGE_TITLE.sub(lambda _m: f"<title>{text}</title>", xhtml, count=1)


def _fix_nav(nav: str, contents: str, intro: tuple[str, str] | None = None) -> str:
    """Title the navigation document and its landmark in the book's language, tell
    the abstracts apart and give the introduction an entry.

    pandoc labels the landmark of the table of contents in English and, with a
    structured ``title``, titles the document with the output file's name. Two
    abstracts are both "Аннотация": each entry gets its language, "Аннотация (ky)".
    ``intro`` is (href, label) of the text before the first heading, listed after
    the abstracts.

    >>> nav = ('<ol class="toc"><li><a href="t.xhtml#title">T</a><ol class="toc">'
    ...        '<li id="toc-li-2"><a href="t.xhtml#abstract-ky">Аннотация</a></li>'
    ...        '<li id="toc-li-3"><a href="t.xhtml#abstract-ru">Аннотация</a></li>'
    ...        '</ol></li></ol>')
    >>> out = _fix_nav(nav, "Мазмуну", ("t.xhtml#introduction", "Киришүү"))
    >>> re.findall(r">([^<>]+)</a>", out)
    ['T', 'Аннотация (ky)', 'Аннотация (ru)', 'Киришүү']
    """
    label = html.escape(contents, quote=False)
    nav = _PAGE_TITLE.sub(lambda _m: f"<title>{label}</title>", nav, count=1)
    nav = re.sub(
        r'(<a [^>]*epub:type="toc"[^>]*>)Table of Contents(</a>)',
        lambda m: m.group(1) + label + m.group(2),
        nav,
    )
    abstract = re.compile(rf'(<a href="[^"]*#{ABSTRACT_ID}([\w-]+?)(?:-\d+)?">)(.*?)(</a>)')
    if len(abstract.findall(nav)) > 1:
        nav = abstract.sub(lambda m: f"{m.group(1)}{m.group(3)} ({m.group(2)}){m.group(4)}", nav)
    if intro is None:
        return nav
    entry = (f'<li id="toc-li-intro"><a href="{html.escape(intro[0])}">'
             f'{html.escape(intro[1], quote=False)}</a></li>')
    last_abstract = None
    for m in re.finditer(rf'<li[^>]*><a href="[^"]*#{ABSTRACT_ID}[^"]*">.*?</a></li>', nav):
        last_abstract = m
    if last_abstract is not None:
        return nav[:last_abstract.end()] + entry + nav[last_abstract.end():]
    title = re.search(r'<a href="[^"]*#title">[^<]*</a>(<ol class="toc">)?', nav)
    if title is None:  # no title entry: the introduction comes first
        return nav.replace('<ol class="toc">', '<ol class="toc">' + entry, 1)
    if title.group(1):
        return nav[:title.end()] + entry + nav[title.end():]
    return nav[:title.end()] + '<ol class="toc">' + entry + "</ol>" + nav[title.end():]


def source_date_epoch() -> int:
    try:
        return int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    except ValueError:
        return 0


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    t = dt.datetime.fromtimestamp(max(epoch, 0), dt.UTC)
    if t.year < 1980:  # the earliest time a zip entry can hold
        return (1980, 1, 1, 0, 0, 0)
    return (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)


def postprocess(data: bytes, lang: str, title_langs: list[str],
                package: dict[str, Any] | None = None, epoch: int | None = None) -> bytes:
    """Fix languages and labels in pandoc's EPUB and re-zip it deterministically."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        files = {i.filename: zin.read(i) for i in zin.infolist() if not i.is_dir()}
    intro = None
    for name, content in files.items():
        if name.endswith(".xhtml") and f'id="{INTRODUCTION_ID}"'.encode() in content:
            href = name.split("/", 1)[1] if "/" in name else name  # relative to nav.xhtml
            intro = (f"{href}#{INTRODUCTION_ID}", ui_strings(lang)["introduction"])
    for name, content in files.items():
        if name.endswith(".xhtml"):
            text = add_xml_lang(content.decode("utf-8"))
            if name.endswith("nav.xhtml"):
                text = _fix_nav(text, ui_strings(lang)["contents"], intro)
            else:
                text = _fix_page_title(text)
            files[name] = text.encode("utf-8")
        elif name.endswith(".opf"):
            files[name] = _fix_opf(content.decode("utf-8"), title_langs, lang,
                                   package).encode()
    stamp = _zip_time(source_date_epoch() if epoch is None else epoch)
    out = io.BytesIO()
    names = sorted(files, key=lambda n: (n != "mimetype", n))
    with zipfile.ZipFile(out, "w") as zout:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                zout.writestr(info, files[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


# --- rendering ---------------------------------------------------------------------------------


def epub_source(ed: Edition) -> dict[str, Any]:
    """What pandoc and the post-processing need: the AST and the book's languages.

    make keeps this as ``build/<id>/<key>.epub.json``, rewritten only when it
    changes, so an edit that does not show in an edition does not rebuild it.
    """
    meta = ed.meta
    name = meta.journal_name(ed.lang)
    series = {"name": name[1], "position": meta.volume} if name else None
    ast, pictures = _book(ed)
    return {
        "ast": ast,
        # The digests make this source change when a picture does (make re-packs).
        **({"pictures": pictures} if pictures else {}),
        "lang": ed.lang,
        "title_langs": [lang for lang, _text, _kind in book_titles(ed)],
        "package": {"series": series},
        "epoch": book_epoch(ed),
        "cover": cover_lines(ed),
    }


def book_epoch(ed: Edition) -> int:
    """The book's date (dcterms:modified, zip times): SOURCE_DATE_EPOCH, the build's
    date, when set; else the article's publication date, else 1 January of its year."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return source_date_epoch()
    day = ed.meta.publication_date() or (dt.date(ed.meta.year, 1, 1) if ed.meta.year else None)
    if day is None:
        return 0
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def cover_lines(ed: Edition) -> dict[str, str]:
    """What the generated cover shows: the journal, its issue line, the title, the authors."""
    meta = ed.meta
    ui = ui_strings(ed.lang)
    name = meta.journal_name(ed.lang)
    issue = [f"{ui['volume']} {meta.volume}"] if meta.volume else []
    if meta.issue:
        issue.append(f"{ui['issue']} {meta.issue}")
    if meta.year:
        issue.append(str(meta.year))
    return {"journal": name[1] if name else "", "issue": ", ".join(issue),
            "title": _Builder(ed).titles()[1],
            "authors": ", ".join(author_name(a, ed.lang) for a in meta.authors)}


def epub_from_source(source: dict[str, Any], css: Path | None = None,
                     root: Path | None = None) -> bytes:
    """Run pandoc on an ``epub_source`` and post-process its EPUB.

    ``root`` is the article's build folder: the source's pictures are copied from
    its ``assets/`` into pandoc's empty working folder, each checked again
    (``visuals.picture_file``), so pandoc reads no file but those.
    """
    css = css or template("epub.css")
    env = dict(os.environ)
    epoch = source.get("epoch", source_date_epoch())
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    with tempfile.TemporaryDirectory(prefix="basma-epub-") as tmp:
        out = Path(tmp) / "book.epub"
        data_dir = Path(tmp) / "data"  # empty: no user templates or defaults leak in
        data_dir.mkdir()
        cmd = [
            pandoc_path(), "--from=json", "--to=epub3", f"--output={out}",
            f"--data-dir={data_dir}", f"--css={css}",
            "--toc", "--toc-depth=3", "--split-level=1", "--epub-title-page=false",
            "--mathml", "--resource-path=.",
        ]
        for name, digest in source.get("pictures", {}).items():
            # The name is checked (visuals.ASSET_NAME): "assets/<name>", nothing else.
            target = Path(tmp) / name
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(picture_file(root, name, digest).read_bytes())
        if source.get("cover"):
            cover = Path(tmp) / "cover.png"
            cover.write_bytes(cover_png(source["cover"]))
            cmd.append(f"--epub-cover-image={cover}")
        proc = limits.run(cmd, input=json.dumps(source["ast"], ensure_ascii=False).encode(),
                          env=env, cwd=tmp, file="pandoc", stage="pandoc writing the EPUB",
                          seconds=EPUB_SECONDS, memory=EPUB_MEMORY, error=TypesetError,
                          hint="look for a huge paragraph or table in the article")
        if proc.returncode != 0:
            raise TypesetError("pandoc", "pandoc could not write the EPUB: "
                               + proc.stderr.decode(errors="replace").strip()[:300])
        data = out.read_bytes()
    return postprocess(data, source["lang"], source["title_langs"], source.get("package"),
                       epoch)


def picture_file(root: Path | None, name: str, digest: str) -> Path:
    """The checked file of a picture the EPUB source names, or a ``TypesetError``
    when it is not the one the editions stage saw (missing, changed, not ours)."""
    from .visuals import _checked

    found = _checked(str(root) if root is not None else None, name)
    if isinstance(found, str) or found.sha256 != digest:
        why = found if isinstance(found, str) else "it changed after the editions were written"
        raise TypesetError(name, f"the EPUB's picture cannot be used: {why}",
                           "build the article again (make build)")
    return found.path


#: The cover's size in pixels (2:3, under pandoc's recommended 1000 px).
COVER_SIZE = (800, 1200)


def cover_png(lines: dict[str, str]) -> bytes:
    """A plain generated cover: the journal's name and issue over a rule, the title
    below, the authors at the foot, in PT Serif (the print edition's face).

    Without it reading systems and calibre take the first page, the table of
    contents, for the cover.
    """
    from PIL import Image, ImageDraw, ImageFont  # pdfplumber's dependency

    from .fonts import font_file

    width, height = COVER_SIZE
    img = Image.new("RGB", COVER_SIZE, (250, 249, 245))
    draw = ImageDraw.Draw(img)

    def face(size: int, bold: bool = False) -> Any:
        found = font_file("PT Serif:bold" if bold else "PT Serif") or font_file("DejaVu Serif")
        if found:
            try:
                return ImageFont.truetype(found[0], size, index=found[1])
            except OSError:
                pass
        return ImageFont.load_default(size)

    def block(text: str, top: int, font: Any, fill: tuple[int, int, int], gap: int) -> int:
        line = ""
        rows: list[str] = []
        for word in text.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width - 160 or not line:
                line = trial
            else:
                rows.append(line)
                line = word
        if line:
            rows.append(line)
        for row in rows:
            draw.text((width / 2, top), row, font=font, fill=fill, anchor="ma")
            top += font.size + gap
        return top

    ink, accent = (30, 30, 30), (26, 78, 138)
    draw.rectangle([0, 0, width, 26], fill=accent)
    top = block(lines.get("journal", ""), 110, face(44, True), accent, 10)
    top = block(lines.get("issue", ""), top + 10, face(30), ink, 8)
    draw.line([(120, top + 30), (width - 120, top + 30)], fill=accent, width=3)
    block(lines.get("title", ""), top + 110, face(54, True), ink, 16)
    if lines.get("authors"):
        block(lines["authors"], height - 220, face(32), ink, 8)
    draw.rectangle([0, height - 26, width, height], fill=accent)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()
