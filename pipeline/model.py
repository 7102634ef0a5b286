"""The document model: defined once, read and written by every stage.

Two families of types live here, in the order the stages produce them:

* ``Run`` / ``Line`` / ``Extraction``: what *extract* saw on the page — text with
  its font and position, nothing interpreted yet (pdfplumber's object model, cut
  down to what later stages use).
* ``Span`` / ``Block`` / ``Document``: the publishable article — blocks in reading
  order with a role and a language, inline spans for other languages, emphasis and
  citations (pandoc's AST idea: every writer reads this, nothing re-parses text).

``Change`` is the audit trail: every edit the cleaner or the editor made.

All types round-trip through JSON with ``to_json`` / ``from_json``; ``validate``
checks a document on write so that a broken stage fails loudly, not a renderer.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .meta import Meta

ROLES = (
    "title",
    "author",
    "affiliation",
    "abstract",
    "keywords",
    "heading",
    "paragraph",
    "list_item",
    "quote",
    "footnote",
    "caption",
    "references_heading",
    "reference",
    "table",
    "figure",
    "equation",
)

#: Roles of the objects a caption can belong to and the text can refer to
#: ("Сүрөт 1", "Таблица 2", "(3)").
OBJECT_ROLES = ("figure", "table", "equation")

#: Structural roles a reader may mark on a ``Line`` (``Line.role``); "paragraph" only
#: says the line is a block of its own, its role still found by the segmenter.
HINT_ROLES = ("paragraph", "heading", "list_item", "quote", "footnote", "table", "caption",
              "abstract", "figure", "equation")

#: Roles that belong to the front matter rather than to the article body.
FRONT_ROLES = frozenset({"title", "author", "affiliation", "abstract", "keywords"})

#: The languages an edition can be made in, in the journal's order.
EDITION_LANGS = ("ky", "ru", "en")

SCHEMA_VERSION = 1

#: Inline styles a span can carry (``Span.style``); spans may overlap (an italic
#: letter inside a formula, a subscript inside it). "note" is a footnote's mark
#: in the text ("Universe³"), printed raised and linked to its note (``Span.xref``).
SPAN_STYLES = ("italic", "bold", "sub", "sup", "math", "note")


@dataclass(slots=True)  # slots: a long PDF has hundreds of thousands of runs
class Run:
    """A stretch of one line set in one font."""

    text: str
    font: str | None = None
    size: float | None = None
    bold: bool = False
    italic: bool = False
    #: "sub" or "sup": set below or above its base; "note": a footnote's mark raised
    #: after a word ("Universe³"), its own run so that no repair glues it into the word.
    script: str | None = None
    #: True inside a formula (math-font glyphs, Unicode math letters): no repair of
    #: look-alike or legacy letters touches it. None rather than False when not, so
    #: that the runs of a long document stay small in JSON.
    math: bool | None = None

    @property
    def verbatim(self) -> bool:
        """A formula or a note's mark: not words, so no letter repair touches it."""
        return bool(self.math) or self.script == "note"

    def with_text(self, text: str) -> Run:
        """The same run (font, size, style, script) with other text."""
        return Run(text, self.font, self.size, self.bold, self.italic, self.script, self.math)


@dataclass(slots=True)
class Line:
    """One visual line of the source, as extracted.

    ``para_hint`` is the extractor's evidence that a new paragraph starts here
    (an indent, a wider gap, or the dump's blank-with-a-space marker);
    ``page_break`` says a page or column break precedes the line. ``fill`` is the
    line's width as a share of a full line, so a short last line can be told apart.
    """

    runs: list[Run]
    page: int = 1
    fill: float = 1.0
    para_hint: bool = False
    page_break: bool = False
    x0: float | None = None
    top: float | None = None
    size: float | None = None
    number: int | None = None  # 1-based line number in the source file, for text dumps
    # A reader that knows the structure (DOCX through pandoc) marks each block:
    # such a line is one whole block, never joined with its neighbours. A table's
    # runs are its cells in reading order, ``cells`` gives their rows.
    role: str | None = None  # one of HINT_ROLES
    level: int | None = None  # heading level
    label: str | None = None  # a list item's or footnote's number as the source gives it
    cells: list[list[str]] | None = None
    header_rows: int | None = None  # how many of a table's first rows are its head
    #: A figure's, table's or equation's object, as the reader found it: see ``Visual``.
    visual: Visual | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(slots=True)
class Visual:
    """What a figure, table or display equation is beyond its text: the picture of it.

    ``image`` is a path relative to the article's build folder
    (``assets/<name>.png``), written by the stage that renders it; ``pixels`` is its
    size (width, height). ``region`` is where the object sits in a PDF source: its
    page and box in PDF points (page, x0, top, x1, bottom), so the image can be
    rendered again from the source. ``tex`` is an equation's LaTeX where the source
    gives it (DOCX, or an editor); ``media`` the picture's path inside a DOCX;
    ``alt`` the alternative text the editor set, or the DOCX's author
    (otherwise the caption, or the formula's extracted text, serves). ``merges``
    lists a table's spanned cells as (row, column, rows, columns); the slots a
    spanned cell covers hold "" in ``cells``.
    """

    image: str | None = None
    pixels: list[int] | None = None
    region: list[float] | None = None
    tex: str | None = None
    alt: str | None = None
    merges: list[list[int]] | None = None
    #: Where the picture is inside the source package (a DOCX's ``word/media/…``),
    #: for a source that carries its images rather than drawing them on a page; or
    #: ``editor:<file>``, the editor's picture in the article's folder (a correction's
    #: ``image:``), which the assets stage copies instead of the source's.
    media: str | None = None


@dataclass
class Extraction:
    """Output of the extract stage."""

    source: str
    kind: str  # "text" or "pdf"
    lines: list[Line]
    pages: int = 1
    footnotes: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the extractor decided


@dataclass(slots=True)
class Paragraph:
    """A paragraph (or list item) the cleaner assembled from lines, roles not yet known.

    ``runs`` keep the fonts of the lines they came from: segmentation needs them
    to find run-in headings. ``bullet`` is the list marker the cleaner removed.
    """

    runs: list[Run]
    page: int = 1
    line: int | None = None
    bullet: str | None = None
    footnote: bool = False
    role: str | None = None  # the reader's structural hint (``Line.role``), if any
    level: int | None = None
    cells: list[list[str]] | None = None  # a table's rows of cell texts
    header_rows: int | None = None
    visual: Visual | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cleaned:
    """Output of the clean stage: repaired paragraphs and the plan of every change."""

    source: str
    paragraphs: list[Paragraph]
    changes: list[Change] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)  # per-font and per-document choices
    undecided: list[str] = field(default_factory=list)  # what the editor should look at
    #: The extraction's kind ("text", "pdf", "docx"): a text dump has no figures,
    #: which the segmenter says when its text names some.
    kind: str | None = None


@dataclass(slots=True)
class Change:
    """One edit to the text, recorded for the editor's cleaning report."""

    rule: str
    before: str
    after: str
    where: str  # human-readable location: "line 44", "block p12"
    context: str = ""
    by: str = "cleaner"  # "cleaner" or "editor"
    note: str = ""


@dataclass(slots=True)
class Span:
    """An inline annotation over ``Block.text[start:end]``.

    ``lang`` is set only where the span's language differs from its block's;
    ``style`` is one of ``SPAN_STYLES``: "italic", "bold", "sub" and "sup" (set
    below or above the line), "math" (a formula, kept as the source has it);
    ``cite`` holds the reference numbers an in-text citation names ("[2; 5]" →
    [2, 5]) and ``targets`` the ids of the reference blocks they resolved to
    (empty when the list is missing); ``xref`` the id of the figure, table or
    equation a cross-reference names, or of the footnote a "note" mark refers to.
    """

    start: int
    end: int
    lang: str | None = None
    style: str | None = None
    cite: list[int] | None = None
    targets: list[str] | None = None
    #: The id of the figure, table or equation block a reference in the text names
    #: ("Сүрөт 1", "Table 2", "(3)"), or of the ``footnote`` a "note" span's mark
    #: refers to: the writers make it a link.
    xref: str | None = None


@dataclass
class Block:
    """One block of the article in reading order."""

    id: str
    role: str
    lang: str
    text: str
    level: int | None = None  # heading level, 1 = section
    number: str | None = None  # heading or reference number as printed ("1.2", "7")
    label: str | None = None  # the label that led the block ("Аннотация:"), not in text
    run_in: bool = False  # a heading printed at the start of its paragraph
    spans: list[Span] = field(default_factory=list)
    page: int | None = None
    cells: list[list[str]] | None = None  # a table's rows of cell texts; text holds them all
    header_rows: int | None = None  # how many of ``cells``' first rows are the table's head
    #: The reference list a ``reference`` / ``references_heading`` belongs to (1, 2, …):
    #: a Russian article prints its list twice, the second one transliterated.
    #: Left out when the article has a single list.
    ref_list: int | None = None
    #: A figure, table or equation: its image, LaTeX, alt text, spanned cells.
    visual: Visual | None = None
    #: On a ``caption``: the id of the figure, table or equation it captions (a
    #: caption the segmenter could not place has none, and a problem says so).
    of: str | None = None
    #: On a ``caption``: its text in other edition languages, as the editor gave it
    #: (``{"ru": "…", "en": "…"}``), for the single-language editions.
    translations: dict[str, str] | None = None


@dataclass
class Document:
    """The whole article: the editor's metadata plus blocks in reading order.

    ``meta`` is a ``Meta`` (``pipeline/meta.py``) once read from JSON or made by the
    document stage; the segmenter fills a plain dict with what it found in the
    source, which the document stage validates and merges under ``meta.yaml``.
    """

    meta: Meta | dict[str, Any]
    blocks: list[Block]
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what a person must look at
    schema: int = SCHEMA_VERSION

    def by_role(self, role: str) -> list[Block]:
        return [b for b in self.blocks if b.role == role]


# --- JSON -----------------------------------------------------------------


def _drop_nones(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_nones(v) for k, v in obj.items() if v is not None and v != []}
    if isinstance(obj, list):
        return [_drop_nones(v) for v in obj]
    return obj


def to_json(obj: Any) -> str:
    """Serialise a model object; empty optional fields are left out."""
    data = dataclasses.asdict(obj)
    meta = getattr(obj, "meta", None)
    if hasattr(meta, "as_json"):  # a Meta: dates as ISO text, the empty fields left out
        data["meta"] = meta.as_json()
    data = _drop_nones(data)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _build(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            # to_json leaves out empty lists, required ones too (Document.blocks).
            required = f.default is f.default_factory is dataclasses.MISSING
            if required and str(f.type).startswith("list["):
                kwargs[f.name] = []
            continue
        value = data[f.name]
        if f.name == "runs":
            value = [_build(Run, v) for v in value]
        elif f.name in ("lines", "footnotes") and cls is Extraction:
            value = [_build(Line, v) for v in value]
        elif f.name == "paragraphs":
            value = [_build(Paragraph, v) for v in value]
        elif f.name == "spans":
            value = [_build(Span, v) for v in value]
        elif f.name == "blocks":
            value = [_build(Block, v) for v in value]
        elif f.name == "changes":
            value = [_build(Change, v) for v in value]
        elif f.name == "visual" and value is not None:
            value = _build(Visual, value)
        kwargs[f.name] = value
    return cls(**kwargs)


def extraction_from_json(text: str) -> Extraction:
    return _build(Extraction, json.loads(text))


def cleaned_from_json(text: str) -> Cleaned:
    return _build(Cleaned, json.loads(text))


def found_document_from_json(text: str) -> Document:
    """An intermediate document (``segment.json``, ``tag.json``) as the stage wrote it:
    its ``meta`` is still what extraction found, a plain dict the document stage
    validates and merges. Reading it untyped spares the text stages pydantic, and
    gives them exactly what the in-memory run passes on."""
    return _build(Document, json.loads(text))


def document_from_json(text: str) -> Document:
    """A document with its ``meta`` as a ``Meta``: what does not validate is left out
    and named in ``problems`` (the document stage validated it already)."""
    from .meta import Meta

    doc = _build(Document, json.loads(text))
    doc.meta = Meta.from_found(doc.meta, doc.problems, trusted=True)
    return doc


def changes_from_json(items: list[dict[str, Any]]) -> list[Change]:
    return [_build(Change, c) for c in items]


# --- validation -------------------------------------------------------------


def validate(doc: Document) -> None:
    """Raise ``ValueError`` naming the first block that breaks the schema."""
    if not (isinstance(doc.meta, dict) or hasattr(doc.meta, "as_json")):
        raise ValueError(f"meta is a {type(doc.meta).__name__}, not a Meta")
    seen: set[str] = set()
    for b in doc.blocks:
        where = f"block {b.id!r}"
        if b.id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(b.id)
        if b.role not in ROLES:
            raise ValueError(f"{where}: unknown role {b.role!r}")
        if not b.lang or not b.lang.replace("-", "").isalnum():
            raise ValueError(f"{where}: language {b.lang!r} is not a BCP 47 code")
        if not isinstance(b.text, str):
            raise ValueError(f"{where}: text is not a string")
        if b.role == "heading" and not b.level:
            raise ValueError(f"{where}: heading without a level")
        if b.role == "table" and not (
            b.cells and all(isinstance(r, list) and all(isinstance(c, str) for c in r)
                            for r in b.cells)
        ):
            raise ValueError(f"{where}: table without rows of cell texts")
        if b.header_rows is not None and not 0 <= b.header_rows <= len(b.cells or []):
            raise ValueError(f"{where}: {b.header_rows} header rows in a table of "
                             f"{len(b.cells or [])}")
        if b.role in ("figure", "equation") and b.visual is None:
            raise ValueError(f"{where}: a {b.role} without its visual (image or LaTeX)")
        if b.of is not None and b.role != "caption":
            raise ValueError(f"{where}: only a caption captions an object")
        for s in b.spans:
            if not (0 <= s.start < s.end <= len(b.text)):
                raise ValueError(f"{where}: span {s.start}-{s.end} outside the text")
            if s.style is not None and s.style not in SPAN_STYLES:
                raise ValueError(f"{where}: unknown style {s.style!r}")
    objects = {b.id for b in doc.blocks if b.role in OBJECT_ROLES}
    notes = {b.id for b in doc.blocks if b.role == "footnote"}
    for b in doc.blocks:
        if b.of is not None and b.of not in objects:
            raise ValueError(f"block {b.id!r}: captions {b.of!r}, which is no figure, "
                             "table or equation")
        for s in b.spans:
            if s.xref is None:
                continue
            if s.style == "note" and s.xref not in notes:
                raise ValueError(f"block {b.id!r}: a note mark refers to {s.xref!r}, which is "
                                 "no footnote")
            if s.style != "note" and s.xref not in objects:
                raise ValueError(f"block {b.id!r}: a cross-reference to {s.xref!r}, which is "
                                 "no figure, table or equation")
