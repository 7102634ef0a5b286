"""Sources pandoc can read, through its JSON AST: DOCX, and an editor's Markdown.

Pandoc parses the file (``--to=json``) and ``AstReader`` walks the tree into the
model's lines of runs, one ``Line`` per block, each marked with the role the
source gives it (``Line.role``): a Word heading stays a heading, a list item a
list item, a footnote a footnote and a table a table, so nothing is guessed
back from flattened text. Emphasis becomes runs with ``italic``/``bold``.

A DOCX's pictures (an Image alone in its paragraph, in a pandoc Figure, or in a
table that only lays out pictures beside their captions) become
``figure`` lines whose ``Visual`` names the picture's member in the zip
(``media``, read for its pixel size, never unpacked to disk) and the file the assets
stage copies it to (``image``, ``assets/docx-<name>``); a display formula alone in
its paragraph (or in a one-row table beside its number) becomes an ``equation``
line with its TeX (``Visual.tex``) and its printed number as the line's label.
What the model cannot carry yet is left out and said so in the notes: a picture set
in a line of text as a symbol (a tall one is a figure Word anchored to the
paragraph, and follows it), raw TeX or HTML. Inline maths keeps its TeX source as
text.

Pandoc runs sandboxed (``--sandbox``: it reads nothing but its input and writes
nothing), with the input on stdin, a heap limit and a timeout. A DOCX is a zip:
its unpacked size is checked before pandoc sees it (``check_unpacked_size``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .. import limits
from ..errors import InputError
from ..fileio import image_size
from ..model import Line, Run, Visual
from . import MAX_TEXT_BYTES  # the text sources' limit applies to the extracted text too

#: A DOCX that unpacks to more than this is refused (a zip bomb, or not an article).
MAX_UNPACKED_BYTES = 200 * 2**20
#: A Word file is a few dozen parts (one per image at most); thousands are a zip bomb
#: of empty members, each costing pandoc a directory entry.
MAX_MEMBERS = 5_000
PANDOC_TIMEOUT = 300  # seconds
PANDOC_HEAP = "2g"
#: The address space: the Haskell heap above, and the runtime's own reservations.
PANDOC_MEMORY = 3 * limits.GB
#: Markdown without raw passthrough: a translation is text, never TeX or HTML.
MARKDOWN = "markdown-raw_html-raw_tex-raw_attribute-latex_macros-native_divs-native_spans"

_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
#: Word's built-in paragraph styles (pandoc's ``+styles`` shows them as a Div's
#: ``custom-style``; Word stores their English names whatever the interface
#: language) that say a paragraph's role. "" marks a label the writers print
#: themselves, in each edition's language.
WORD_STYLES = {
    "abstract": "abstract", "abstract title": "",
    "quote": "quote", "intense quote": "quote", "block text": "quote",
    "caption": "caption", "table caption": "caption", "image caption": "caption",
}
TOO_DEEP = "lists, quotes or tables are nested inside each other too deeply"
#: How much of a picture is read for its pixel size: a JPEG's frame header follows
#: its metadata (EXIF, colour profiles), rarely more than a few hundred KB.
IMAGE_HEAD_BYTES = 1 << 20
#: Picture formats every edition shows as they are (the rest, GIF, EMF, WMF, TIFF,
#: are a problem the editor solves with a correction's ``image:``).
SHOWN_FORMATS = ("png", "jpeg")
#: The number a formula prints at its right, inside its TeX: "\quad(1)", "\#(2)",
#: "\left( 3 \right)", "\tag{4}".
_TEX_NUMBER = re.compile(
    r"(?:\\q?quad|\\[,;:!]|\\#|#|~|\s)+(?:\((?P<a>\d{1,3}(?:\.\d{1,3})?[a-z]?)\)"
    r"|\\left\(\s*(?P<b>\d{1,3}(?:\.\d{1,3})?[a-z]?)\s*\\right\))\s*$"
    r"|\\tag\*?\{(?P<c>[^{}]{1,12})\}")
#: A number printed beside a formula as text: "(3)", "3".
_PRINTED_NUMBER = re.compile(r"^[#\s]*\(?(\d{1,3}(?:\.\d{1,3})?[a-z]?)\)?$")
#: An image description Word made itself, not the author: no alternative text.
_MADE_ALT = re.compile(r"description automatically generated|^[\w.-]+\.(?:png|jpe?g|gif|emf|wmf)$",
                       re.IGNORECASE)
_WS = re.compile(r"[^\S\u00a0]+")  # whitespace but NBSP
#: Typographic quotes per language, for pandoc's ``Quoted`` (Markdown's smart quotes).
QUOTES = {"ky": ("«", "»", "„", "“"), "ru": ("«", "»", "„", "“"), "kk": ("«", "»", "„", "“"),
          "en": ("“", "”", "‘", "’")}


# --- running pandoc ------------------------------------------------------------------


def check_unpacked_size(raw: bytes, name: str, limit: int | None = None) -> None:
    """Refuse a zip whose members unpack to more than ``limit`` bytes
    (``MAX_UNPACKED_BYTES`` by default), or that has more than ``MAX_MEMBERS`` of them.

    The members are really inflated (in chunks, stopping at the limit), because a
    zip bomb's directory can state any size it likes.
    """
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            total = 0
            if len(z.infolist()) > MAX_MEMBERS:
                raise InputError(name, f"the Word file holds {len(z.infolist())} parts, over "
                                 f"the {MAX_MEMBERS} a document has", "save it again, or send "
                                 "the PDF")
            for info in z.infolist():
                with z.open(info) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise InputError(
                                name, f"the Word file unpacks to more than {limit // 2**20} MB",
                                "save it again without embedded media, or send the PDF")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # NotImplementedError: a compression method zipfile lacks; RuntimeError: encrypted.
        raise InputError(name, f"the Word file is damaged ({type(exc).__name__})",
                         "open it in Word, save it again as .docx, or send the PDF") from None


def pandoc_ast(raw: bytes, fmt: str, name: str) -> dict[str, Any]:
    """Pandoc's JSON AST of ``raw`` read as ``fmt``, or a one-line ``InputError``."""
    import pypandoc  # here: it imports urllib and friends, which only this needs

    cmd = [pypandoc.get_pandoc_path(), "+RTS", f"-M{PANDOC_HEAP}", "-RTS", "--sandbox",
           f"--from={fmt}", "--to=json"]
    what = "Word file" if fmt.startswith("docx") else "file"
    proc = limits.run(cmd, input=raw, file=name, stage=f"pandoc reading the {what}",
                      seconds=PANDOC_TIMEOUT, memory=PANDOC_MEMORY, error=InputError,
                      hint="save it again, or send the PDF")
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(name, f"pandoc cannot read the {what}"
                         + (f" ({reason[-1][:120]})" if reason else ""),
                         "open it, save it again, or send the PDF")
    try:
        ast = json.loads(proc.stdout)
    except RecursionError:
        raise InputError(name, TOO_DEEP, "flatten the nesting, or send the PDF") from None
    except ValueError:
        raise InputError(name, f"pandoc's reading of the {what} is not JSON",
                         "send the PDF") from None
    if not isinstance(ast, dict) or not isinstance(ast.get("blocks"), list):
        raise InputError(name, f"pandoc's reading of the {what} has no blocks", "send the PDF")
    return ast


# --- the walk --------------------------------------------------------------------------


def stringify(node: Any) -> str:
    """The text of any AST fragment, as panflute's ``stringify``: no markup, no notes.

    >>> b = {"t": "Str", "c": "b"}
    >>> stringify([{"t": "Str", "c": "a"}, {"t": "Space"}, {"t": "Emph", "c": [b]}])
    'a b'
    """
    out: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, list):
            for x in n:
                walk(x)
        elif isinstance(n, dict) and "t" in n:
            t, c = n["t"], n.get("c")
            if t == "Str":
                out.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t in ("Code", "Math"):
                out.append(c[1])
            elif t in ("Note", "Image", "RawInline", "RawBlock"):
                return
            elif t in ("Para", "Plain", "Header") and out:
                out.append(" ")
                walk(c)
            else:
                walk(c)

    walk(node)
    return " ".join("".join(out).split())


@dataclass(frozen=True)
class _Style:
    italic: bool = False
    bold: bool = False

    def font(self) -> str:
        # Pandoc does not say the typeface; the style stands for it, so the cleaner
        # decides legacy glyphs per style as it does per font in a PDF, and the
        # segmenter can tell a regular run from an emphasised one.
        return {(False, False): "regular", (True, False): "italic",
                (False, True): "bold", (True, True): "bold-italic"}[(self.italic, self.bold)]


def _tidy(runs: list[Run]) -> list[Run]:
    """Runs with whitespace collapsed to single spaces, none at the ends, no empty runs.

    A space between two differently styled runs goes to the run before it, as in
    the text-dump reader, so an italic span is the words alone. NBSP stays.

    >>> [(r.text, r.italic) for r in _tidy([Run(" a  "), Run(" b ", italic=True), Run(" c ")])]
    [('a ', False), ('b ', True), ('c', False)]
    """
    out: list[Run] = []
    for run in runs:
        text = _WS.sub(" ", run.text)
        same = bool(out) and (out[-1].italic, out[-1].bold, out[-1].script) == (
            run.italic, run.bold, run.script)
        if not out or out[-1].text.endswith(" "):
            text = text.lstrip(" ")
        elif text.startswith(" ") and not same:
            out[-1].text += " "
            text = text[1:]
        if not text:
            continue
        if same:
            out[-1].text += text
        else:
            out.append(Run(text, run.font, None, run.bold, run.italic, run.script))
    while out and not out[-1].text.rstrip(" "):
        out.pop()
    if out:
        out[-1].text = out[-1].text.rstrip(" ")
    return out


def _list_label(style: str, delim: str, n: int) -> str:
    """The printed number of an ordered list's ``n``-th item ("3.", "c)", "(iv)").

    >>> [_list_label("Decimal", "Period", 3), _list_label("LowerAlpha", "OneParen", 3)]
    ['3.', 'c)']
    """
    if style in ("LowerAlpha", "UpperAlpha"):
        body = ""
        k = n
        while k > 0:
            k, r = divmod(k - 1, 26)
            body = chr(ord("a") + r) + body
        body = body.upper() if style == "UpperAlpha" else body
    elif style in ("LowerRoman", "UpperRoman") and 0 < n < 4000:  # beyond, no numeral
        body = _roman(n)
        body = body.lower() if style == "LowerRoman" else body
    else:
        body = str(n)
    return {"OneParen": f"{body})", "TwoParens": f"({body})"}.get(delim, f"{body}.")


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                          (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                          (4, "IV"), (1, "I")):
        while n >= value:
            out += digits
            n -= value
    return out


class AstReader:
    """Walks pandoc's AST into lines of runs: ``lines`` (the body) and ``notes``.

    ``left_out`` counts what the model cannot carry yet, by kind, for the notes.
    ``package`` is the DOCX itself: with it, pictures and display formulas become
    figure and equation lines (a translation's Markdown has no package to hold
    pictures, so there they stay left out and text).
    """

    def __init__(self, lang: str | None = None, package: bytes | None = None):
        self.package = package
        self._members: set[str] | None = None  # the package's member names, read once
        #: Pictures met inside the text paragraph being read (Word anchors a floating
        #: figure to a paragraph): they follow it as figures. None outside a paragraph.
        self._pictures: list[Any] | None = None
        self._in_layout = False  # reading a layout table's text: its pictures are taken
        self.assets: dict[str, str] = {}  # a picture's zip member → its assets file
        self._sizes: dict[str, tuple[str, int, int] | None] = {}
        self.lines: list[Line] = []
        self.notes: list[Line] = []
        self.left_out: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.labels: Counter[str] = Counter()  # label paragraphs by Word style, left out
        self.quotes = QUOTES.get((lang or "en").split("-")[0], QUOTES["en"])

    # -- inlines

    def inlines(self, items: list[Any], style: _Style = _Style()) -> list[Run]:
        """The runs of a list of inlines; notes are taken out into ``self.notes``."""
        runs: list[Run] = []
        for item in items:
            runs.extend(self.inline(item, style))
        return runs

    def inline(self, item: dict[str, Any], style: _Style) -> list[Run]:
        t, c = item.get("t"), item.get("c")

        def text(s: str) -> list[Run]:
            return [Run(s, style.font(), None, style.bold, style.italic)]

        if t == "Str":
            return text(c)
        if t in ("Space", "SoftBreak", "LineBreak"):
            return text(" ")
        if t == "Emph":
            return self.inlines(c, _Style(True, style.bold))
        if t == "Strong":
            return self.inlines(c, _Style(style.italic, True))
        if t in ("Underline", "Strikeout", "SmallCaps"):
            return self.inlines(c, style)
        if t in ("Superscript", "Subscript"):
            plain = stringify(c)
            table = _SUPERSCRIPT if t == "Superscript" else _SUBSCRIPT
            mapped = plain.translate(table)
            # Only when every character has a Unicode super/subscript form ("m²",
            # "H₂O"); otherwise the text as it is: half-raised "1st" would be worse.
            if all(ch != src for ch, src in zip(mapped, plain, strict=True)):
                return text(mapped)
            return self.inlines(c, style)
        if t == "Quoted":
            opening, closing = self.quotes[:2] if c[0]["t"] == "DoubleQuote" else self.quotes[2:]
            return [*text(opening), *self.inlines(c[1], style), *text(closing)]
        if t == "Cite":
            return self.inlines(c[1], style)
        if t == "Span":
            return self.inlines(c[1], style)
        if t == "Link":
            runs = self.inlines(c[1], style)
            url = c[2][0]
            shown = "".join(r.text for r in runs).strip()
            # The address is kept in the text when the link's words do not show it.
            if url.startswith(("http://", "https://", "mailto:")) and url.removeprefix(
                    "mailto:") not in shown:
                runs += text(f" ({url.removeprefix('mailto:')})")
            return runs
        if t in ("Code", "Math"):
            return text(c[1])
        if t == "Note":
            # The note's number stays where the note was: its mark, which the
            # segmenter links to the note.
            number = self.note(c)
            return [Run(number, style.font(), None, style.bold, style.italic, "note")
                    ] if number else []
        if t == "Image":
            if self._pictures is not None and (self._in_layout or _figure_sized(c[0])):
                self._pictures.append(c)
            else:
                self.left_out["picture inside a line of text" if self.package else "image"] += 1
            return []
        if t == "RawInline":
            self.left_out[f"raw {c[0]}"] += 1
            return []
        self.left_out[str(t)] += 1
        return []

    # -- blocks

    def add(self, runs: list[Run], role: str, level: int | None = None,
            label: str | None = None, into: list[Line] | None = None) -> None:
        runs = _tidy(runs)
        if not runs:
            return
        target = self.lines if into is None else into
        target.append(Line(runs=runs, para_hint=True, number=len(self.lines) + 1, role=role,
                           level=level, label=label))
        self.counts[role] += 1

    def note(self, blocks: list[Any]) -> str | None:
        """A footnote: its paragraphs as one line, numbered in order of appearance.
        Returns its number (None for an empty note, which is left out)."""
        runs: list[Run] = []
        for inl in _inline_lists(blocks):
            runs += self.inlines(inl) + [Run(" ")]
        number = str(len(self.notes) + 1)
        before = len(self.notes)
        self.add(runs, "footnote", label=number, into=self.notes)
        if len(self.notes) > before:
            self.notes[-1].number = len(self.notes)
            return number
        return None

    def blocks(self, items: list[Any], role: str = "paragraph") -> None:
        for item in items:
            self.block(item, role)

    def block(self, item: dict[str, Any], role: str = "paragraph") -> None:
        t, c = item.get("t"), item.get("c")
        if t in ("Para", "Plain"):
            if self.package is None:
                self.add(self.inlines(c), role)
            elif not self.object_paragraph(c):
                self._pictures = []
                runs = self.inlines(c)
                pictures, self._pictures = self._pictures, None
                self.add(runs, role)
                for picture in pictures:
                    self.figure(picture)
        elif t == "LineBlock":
            runs: list[Run] = []
            for line in c:
                runs += self.inlines(line) + [Run(" ")]
            self.add(runs, role)
        elif t == "Header":
            self.add(self.inlines(c[2]), "heading", level=int(c[0]))
        elif t == "BlockQuote":
            self.blocks(c, "quote")
        elif t == "BulletList":
            for entry in c:
                self.list_item(entry, None)
        elif t == "OrderedList":
            (start, style, delim), entries = c
            for k, entry in enumerate(entries):
                self.list_item(entry, _list_label(style["t"], delim["t"], start + k))
        elif t == "DefinitionList":
            for term, definitions in c:
                self.add(self.inlines(term, _Style(bold=True)), role)
                for definition in definitions:
                    self.blocks(definition, role)
        elif t == "CodeBlock":
            self.add([Run(c[1])], role)
        elif t == "Table":
            self.table(c)
        elif t == "Figure":
            start = len(self.lines)
            self.blocks(c[2], role)
            caption = stringify(c[1][1])
            for line in self.lines[start:]:
                # Pandoc's own DOCX writer repeats the caption as the description.
                if line.visual and line.visual.alt and " ".join(
                        line.visual.alt.split()) == caption:
                    line.visual.alt = None
            self.caption(c[1])
        elif t == "Div":
            style = dict(map(tuple, c[0][2])).get("custom-style", "")
            styled = WORD_STYLES.get(style.lower())
            if styled == "":
                self.labels[style] += 1
            else:
                self.blocks(c[1], styled if styled and role == "paragraph" else role)
        elif t == "RawBlock":
            self.left_out[f"raw {c[0]}"] += 1
        elif t not in ("HorizontalRule", "Null"):
            self.left_out[str(t)] += 1

    def object_paragraph(self, inlines: list[Any]) -> bool:
        """A paragraph that is a picture or a display formula: its figure or equation
        line, and True; False for a paragraph of text (a picture inside a line of
        text stays left out, a formula inside one stays text)."""
        items = [x for x in inlines if x.get("t") not in ("Space", "SoftBreak", "LineBreak")]
        if items and all(x.get("t") == "Image" for x in items):
            for image in items:
                self.figure(image["c"])
            return True
        if not items or items[0].get("t") != "Math" or items[0]["c"][0].get("t") != "DisplayMath":
            return False
        printed = _PRINTED_NUMBER.match(stringify(items[1:])) if items[1:] else None
        if items[1:] and printed is None:
            return False
        self.equation(items[0]["c"][1], printed.group(1) if printed else None)
        return True

    def equation(self, tex: str, number: str | None) -> None:
        """An equation line: the formula's TeX as a math run (and ``Visual.tex``); its
        printed number, taken out of the TeX when it is inside, is the line's label
        ("(1)"), as the PDF reader gives it."""
        tex = tex.strip()
        m = _TEX_NUMBER.search(tex)
        if m:
            number = number or m.group("a") or m.group("b") or m.group("c").strip()
            tex = (tex[:m.start()] + tex[m.end():]).strip()
        if not tex:
            return
        runs = [Run(" ".join(tex.split()), "math", math=True)]
        self.lines.append(Line(runs=runs, para_hint=True, number=len(self.lines) + 1,
                               role="equation", label=f"({number})" if number else None,
                               visual=Visual(tex=tex)))
        self.counts["equation"] += 1

    def figure(self, image: list[Any]) -> None:
        """A figure line for a picture of the DOCX: its member, its assets file and
        pixel size when it is a PNG or JPEG, and the author's description."""
        _attr, description, (url, _title) = image
        member = self.member(url)
        visual = Visual(media=member)
        alt = stringify(description)
        if alt and not _MADE_ALT.search(alt):
            visual.alt = alt
        size = self.size(member) if member else None
        if size and size[0] in SHOWN_FORMATS and size[1] > 0 and size[2] > 0:
            visual.image = "assets/" + self.asset_name(member)
            visual.pixels = [size[1], size[2]]
        else:
            # Kept as a figure (its caption, its place); the editor replaces the picture.
            self.left_out["picture in a format the editions cannot show"
                          if member else "picture linked from outside the file"] += 1
        self.lines.append(Line(runs=[], para_hint=True, number=len(self.lines) + 1,
                               role="figure", visual=visual))
        self.counts["figure"] += 1

    def member(self, url: str) -> str | None:
        """The zip member a picture's address names ("media/image1.png" is
        "word/media/image1.png"), or None: only the package's own members are read,
        never a file or address outside it."""
        if self._members is None:
            try:
                with zipfile.ZipFile(io.BytesIO(self.package or b"")) as z:
                    self._members = set(z.namelist())
            except (zipfile.BadZipFile, OSError, ValueError):
                self._members = set()
        for name in (url, f"word/{url}"):
            if name in self._members and not name.endswith("/"):
                return name
        return None

    def size(self, member: str) -> tuple[str, int, int] | None:
        """A member's picture format and size, read once however often it is shown."""
        if member not in self._sizes:
            self._sizes[member] = image_size(self.head(member))
        return self._sizes[member]

    def head(self, member: str) -> bytes:
        """The first ``IMAGE_HEAD_BYTES`` of a member (the unpacked size was checked)."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.package or b"")) as z, z.open(member) as fh:
                return fh.read(IMAGE_HEAD_BYTES)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError, KeyError):
            return b""

    def asset_name(self, member: str) -> str:
        """The file a member becomes under ``assets/``: ``docx-`` and its name in
        plain letters, unique in the article (the same picture twice is one file)."""
        if member in self.assets:
            return self.assets[member]
        stem, _, ext = member.rsplit("/", 1)[-1].rpartition(".")
        base = "docx-" + re.sub(r"[^A-Za-z0-9_-]", "_", stem or "picture")[:60]
        ext = {"jpeg": "jpg"}.get(ext.lower(), ext.lower())
        name, n = f"{base}.{ext}", 1
        while name in self.assets.values():
            n += 1
            name = f"{base}-{n}.{ext}"
        self.assets[member] = name
        return name

    def list_item(self, blocks: list[Any], label: str | None) -> None:
        """One item: its text blocks as one line, then any nested list's items."""
        runs: list[Run] = []
        rest: list[Any] = []
        for b in blocks:
            if b.get("t") in ("Para", "Plain") and not rest:
                runs += self.inlines(b["c"]) + [Run(" ")]
            else:
                rest.append(b)
        self.add(runs, "list_item", label=label)
        self.blocks(rest, "list_item")

    def caption(self, caption: list[Any]) -> None:
        _short, blocks = caption
        runs: list[Run] = []
        for inl in _inline_lists(blocks):
            runs += self.inlines(inl) + [Run(" ")]
        self.add(runs, "caption")

    def table(self, c: list[Any]) -> None:
        """A table (pandoc-types ≥ 1.22): a caption line, then one line with its cells.

        Spanned cells fill their grid positions with empty cells, so every row has
        as many cells as the table has columns.
        """
        _attr, caption, colspecs, head, bodies, foot = c
        rows = list(head[1])
        for body in bodies:
            rows += body[2] + body[3]
        rows += foot[1]
        numbered = _numbered_formula(rows) if self.package is not None else None
        if numbered and not stringify(caption[1]):
            self.equation(*numbered)
            return
        if self.package is not None and self.layout_table(rows, caption):
            return
        self.caption(caption)
        grid = self.grid(rows, len(colspecs))
        if not any(cell for row in grid for cell in row):
            return
        runs = [Run(cell, "regular") for row in grid for cell in row]
        self.lines.append(Line(runs=runs, para_hint=True, number=len(self.lines) + 1,
                               role="table", cells=grid, header_rows=len(head[1]) or None))
        self.counts["table"] += 1

    def layout_table(self, rows: list[Any], caption: list[Any]) -> bool:
        """A table that only lays out pictures and their captions (Word's way to put a
        figure beside its caption): a figure line per picture, a line per text cell
        after them (the segmenter tells a caption by its label), and True. A table of
        data with a picture in it stays a table (the picture left out)."""
        # Decided on the plain text first: reading a cell's inlines takes its notes out.
        pictures: list[Any] = []
        texts: list[list[Any]] = []
        for _row_attr, cells in rows:
            for *_cell, blocks in cells:
                pictures.extend(_images(blocks))
                if stringify(blocks):
                    texts.append(blocks)
        if not pictures or len(texts) > len(pictures) + 1 or any(
                len(stringify(t)) > LAYOUT_TEXT for t in texts):
            return False
        for picture in pictures:
            self.figure(picture)
        self.caption(caption)
        self._pictures, self._in_layout = [], True  # its pictures are the figures above
        try:
            for blocks in texts:
                runs: list[Run] = []
                for inl in _inline_lists(blocks):
                    runs += self.inlines(inl) + [Run(" ")]
                self.add(runs, "paragraph")
        finally:
            self._pictures, self._in_layout = None, False
        return True

    def grid(self, rows: list[Any], columns: int) -> list[list[str]]:
        out: list[list[str]] = []
        pending: dict[int, int] = {}  # column → rows a row span above still covers
        for _row_attr, cells in rows:
            row: list[str] = []

            def fill_spanned(row: list[str] = row) -> None:
                while pending.get(len(row), 0) > 0:
                    pending[len(row)] -= 1
                    row.append("")

            for _cell_attr, _align, rowspan, colspan, blocks in cells:
                fill_spanned()
                runs: list[Run] = []
                for inl in _inline_lists(blocks):
                    runs += self.inlines(inl) + [Run(" ")]
                text = "".join(r.text for r in _tidy(runs))
                # Spans no larger than the table: a damaged file may claim any.
                across = max(1, min(int(colspan), max(columns, 1)))
                down = max(1, min(int(rowspan), len(rows)))
                for k in range(across):
                    if down > 1:
                        pending[len(row)] = down - 1
                    row.append(text if k == 0 else "")
            while len(row) < columns:
                fill_spanned()
                if len(row) < columns:
                    row.append("")
            out.append(row)
        width = max((len(r) for r in out), default=0)
        return [r + [""] * (width - len(r)) for r in out]

    # -- the whole document

    def document(self, ast: dict[str, Any]) -> None:
        """Front matter pandoc put in the metadata (a DOCX's Title, Author, Abstract
        styles) first, then the body."""
        meta = ast.get("meta") or {}
        for key in ("title", "subtitle"):
            if key in meta:
                self.add(self.inlines(_meta_inlines(meta[key])), "paragraph")
        authors = meta.get("author")
        if authors:
            entries = authors["c"] if authors.get("t") == "MetaList" else [authors]
            for entry in entries:
                self.add(self.inlines(_meta_inlines(entry)), "paragraph")
        abstract = meta.get("abstract")
        if abstract:
            if abstract.get("t") == "MetaBlocks":
                self.blocks(abstract["c"], "abstract")
            else:
                self.add(self.inlines(_meta_inlines(abstract)), "abstract")
        self.blocks(ast["blocks"])

    def summary(self, what: str) -> list[str]:
        """The notes an extraction carries: what was read, and what was left out."""
        counts = ", ".join(f"{n} {role}" for role, n in sorted(self.counts.items()))
        notes = [f"{what} read through pandoc's AST: {counts or 'no text'}"]
        if self.left_out:
            lost = ", ".join(f"{n} {kind}" for kind, n in sorted(self.left_out.items()))
            notes.append(f"{what}: left out what the document model cannot carry yet: {lost}")
        if self.labels:
            styles = ", ".join(f"{n} {style!r}" for style, n in sorted(self.labels.items()))
            notes.append(f"{what}: label paragraphs left out, each edition prints its own: "
                         f"{styles}")
        return notes

    def text_bytes(self) -> int:
        return sum(len(r.text.encode("utf-8")) for ln in self.lines + self.notes
                   for r in ln.runs)


#: A table of pictures whose text cells are longer than this is a table of data.
LAYOUT_TEXT = 400


def _images(node: Any) -> list[Any]:
    """Every picture (an Image's contents) in an AST fragment, in order."""
    found: list[Any] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, list):
            stack.extend(reversed(n))
        elif isinstance(n, dict):
            if n.get("t") == "Image":
                found.append(n["c"])
            elif "c" in n:
                stack.append(n["c"])
    return found


def _numbered_formula(rows: list[Any]) -> tuple[str, str] | None:
    """(TeX, number) of a one-row table that only lays out a numbered formula: a cell
    holding a formula, one holding its "(3)", the others empty (Word's usual way to
    number an equation); None for a table of data.

    >>> math = {"t": "Math", "c": [{"t": "DisplayMath"}, "x^2"]}
    >>> def cell(*inlines): return [[], {}, 1, 1, [{"t": "Plain", "c": list(inlines)}]]
    >>> _numbered_formula([[[], [cell(), cell(math), cell({"t": "Str", "c": "(3)"})]]])
    ('x^2', '3')
    >>> _numbered_formula([[[], [cell(math), cell({"t": "Str", "c": "ratio"})]]]) is None
    True
    """
    if len(rows) != 1:
        return None
    tex = number = None
    for _attr, _align, _rows, _cols, blocks in rows[0][1]:
        items = [x for inl in _inline_lists(blocks) for x in inl
                 if x.get("t") not in ("Space", "SoftBreak", "LineBreak")]
        if not items:
            continue
        if len(items) == 1 and items[0].get("t") == "Math" and tex is None:
            tex = items[0]["c"][1]
            continue
        printed = _PRINTED_NUMBER.match(stringify(items))
        if printed is None or number is not None:
            return None
        number = printed.group(1)
    return (tex, number) if tex and number else None


#: Inches per unit of a pandoc image's width and height attributes.
_INCHES = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "px": 1 / 96, "pt": 1 / 72}
#: A picture inside a line of text at least this tall (inches) is a figure Word
#: anchored there; a smaller one is a symbol or an icon in the line.
FIGURE_HEIGHT = 0.6


def _figure_sized(attr: list[Any]) -> bool:
    """Whether a picture met inside a paragraph's text is a figure (tall, or of unknown
    size) rather than a symbol in the line.

    >>> _figure_sized(["", [], [["width", "3in"], ["height", "2in"]]])
    True
    >>> _figure_sized(["", [], [["height", "0.2in"]]]), _figure_sized(["", [], []])
    (False, True)
    """
    size = dict(map(tuple, attr[2])).get("height", "")
    m = re.fullmatch(r"\s*([\d.]+)\s*(in|cm|mm|px|pt)\s*", size)
    if not m:
        return True
    try:
        return float(m.group(1)) * _INCHES[m.group(2)] >= FIGURE_HEIGHT
    except ValueError:
        return True


def _meta_inlines(value: dict[str, Any]) -> list[Any]:
    t, c = value.get("t"), value.get("c")
    if t == "MetaInlines":
        return c
    if t == "MetaString":
        return [{"t": "Str", "c": c}]
    if t == "MetaBlocks":
        return [x for inl in _inline_lists(c) for x in [*inl, {"t": "Space"}]]
    if t == "MetaList":
        return [x for v in c for x in [*_meta_inlines(v), {"t": "Space"}]]
    return []


def _inline_lists(blocks: list[Any]) -> list[list[Any]]:
    """The inline contents of nested blocks, in order (for notes, cells, captions)."""
    out: list[list[Any]] = []
    for b in blocks:
        t, c = b.get("t"), b.get("c")
        if t in ("Para", "Plain"):
            out.append(c)
        elif t == "Header":
            out.append(c[2])
        elif t == "LineBlock":
            out.extend(c)
        elif t == "BlockQuote":
            out.extend(_inline_lists(c))
        elif t == "Div":
            out.extend(_inline_lists(c[1]))
        elif t == "BulletList":
            for item in c:
                out.extend(_inline_lists(item))
        elif t == "OrderedList":
            for item in c[1]:
                out.extend(_inline_lists(item))
        elif t == "CodeBlock":
            out.append([{"t": "Str", "c": c[1]}])
    return out


def read_ast(ast: dict[str, Any], name: str, lang: str | None = None,
             package: bytes | None = None) -> AstReader:
    """Walk a pandoc AST; refuse text over the size limit (``MAX_TEXT_BYTES``).
    ``package`` is the DOCX the AST was read from, for its pictures."""
    reader = AstReader(lang, package)
    try:
        reader.document(ast)
    except RecursionError:
        raise InputError(name, TOO_DEEP, "flatten the nesting, or send the PDF") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        version = ".".join(map(str, ast.get("pandoc-api-version", [])))
        raise InputError(name, f"pandoc's AST (pandoc-types {version}) has a shape this "
                         f"reader does not know ({type(exc).__name__})",
                         "send the PDF, and report the file") from None
    size = reader.text_bytes()
    if size > MAX_TEXT_BYTES:
        shown = f"{size / 2**20:.0f} MB, over the {MAX_TEXT_BYTES / 2**20:g} MB limit"
        raise InputError(name, f"the text is {shown}", "split the file or send the PDF")
    return reader
