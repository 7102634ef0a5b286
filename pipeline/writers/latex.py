"""The LaTeX writer: an ``Edition`` → journal-ready LaTeX source → print PDF.

Text reaches LaTeX only through ``escape`` (or ``inline``, which escapes every
piece it emits): the jinja2 environment's ``finalize`` escapes any value that
was not built here as ``Markup``, so a forgotten filter cannot let ``\\input`` or
``\\write18`` through. LuaLaTeX runs with ``--no-shell-escape``, and the build
fails on a "Missing character" or on an overfull line wider than 1 pt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..alphabet import KY_WORD
from ..fileio import TEMPLATES, template
from ..model import OBJECT_ROLES, Block, Span
from .editions import Edition, author_name, format_date, ui_strings

if TYPE_CHECKING:
    from ..meta import Meta

#: babel's names for the languages the journal prints.
BABEL = {"ky": "kyrgyz", "ru": "russian", "en": "english", "kk": "kazakh", "de": "german",
         "fr": "french", "la": "latin", "tr": "turkish", "uz": "uzbek"}
#: Languages babel loads from its .ldf files (with TeX Live's patterns); others from .ini.
LDF = ("english", "russian")

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "%": r"\%",
    "\u00a0": "~",
    "\u202f": r"\,",  # narrow no-break space: a thin space no line breaks at
    "[": "{[}",
    "]": "{]}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(k) for k in _SPECIAL)
                         + r"|--|''|``|-(?=-)|[^\x00-\x7f]")


#: Right-to-left scripts: babel's language that shapes and sets each run (with
#: ``bidi=basic``), and the characters of the script. Persian and Urdu print
#: through Arabic: the same font and shaping serve them.
_RTL_RUN = {
    "arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefe",
    "hebrew": "\u0590-\u05ff\ufb1d-\ufb4f",
}
#: A run of one RTL script: its letters, and spaces, digits and punctuation only
#: between two of them (a trailing full stop stays in the left-to-right sentence).
_RTL_RE = re.compile("|".join(
    f"(?P<{name}>[{chars}]+(?:[\\s\\d.,:;!?()\"«»'-]+[{chars}]+)*)"
    for name, chars in _RTL_RUN.items()))
#: Ideographs and kana: lines may break between any two of them.
_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff" \
    "\uf900-\ufaff\U00020000-\U0003134f"
_CJK_PAIR = re.compile(f"(?<=[{_CJK}])(?=[{_CJK}])")


def escape(text: str) -> Markup:
    r"""Make ``text`` print literally in LaTeX.

    Besides TeX's special characters, three things need a command: a character
    that no font of the chain has prints as a framed ``U+XXXX`` marker
    (``\basmamissing``) rather than vanishing, a run of Arabic or Hebrew goes
    into its babel language to be shaped and set right to left (``\basmartl``),
    and lines may break between two ideographs (``\basmacjk``), which are
    written without spaces. The template defines the three commands, also for
    PDF bookmarks.

    >>> print(escape(r"\input{/etc/passwd} 50% & $x_1^2$"))
    \textbackslash{}input\{/etc/passwd\} 50\% \& \$x\_1\textasciicircum{}2\$
    >>> print(escape("#1 ~ a--b [x]"))
    \#1 \textasciitilde{} a-{}-b {[}x{]}
    >>> print(escape("үй-бүлө, 1990-жыл"))
    үй\basmahyph{}бүлө, 1990-жыл
    >>> print(escape("say مرحبا بالعالم. \ue000 中文"))
    say \basmartl{arabic}{مرحبا بالعالم}. \basmamissing{E000} 中\basmacjk{}文
    """
    text = tex_characters(text)
    if _LONG_TOKEN.search(text):
        return Markup(_TOKEN_BREAK.join(str(escape(p)) for p in split_long_tokens(text)))
    out: list[str] = []
    pos = 0
    for m in _RTL_RE.finditer(text):
        out.append(_escape_ltr(text[pos:m.start()]))
        out.append(r"\basmartl{" + str(m.lastgroup) + "}{" + _escape_ltr(m.group()) + "}")
        pos = m.end()
    out.append(_escape_ltr(text[pos:]))
    return Markup("".join(out))


#: Line and paragraph breaks of any kind, and the controls LuaTeX refuses in its input
#: ("Text line contains an invalid character"); noncharacters and lone surrogates.
_BREAK_CHARS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       "\ufffe\uffff]")


#: A run without spaces this long is no word (a pasted hash, a table without spaces):
#: it gets a break point every ``_TOKEN_PIECE`` characters, so that TeX can set it in
#: lines, and a source line of its own for each piece (TeX reads a line into a buffer
#: of 200,000 bytes; the ``%`` ends the line without a space).
_LONG_TOKEN_CHARS = 120
_TOKEN_PIECE = 60
_LONG_TOKEN = re.compile(rf"\S{{{_LONG_TOKEN_CHARS},}}")
_TOKEN_BREAK = "\\allowbreak{}%\n"


def split_long_tokens(text: str) -> list[str]:
    """``text`` cut inside every run of over 120 non-space characters, every 60.

    >>> [len(p) for p in split_long_tokens("a " + "x" * 150 + " b")]
    [62, 60, 32]
    """
    pieces, start = [], 0
    for m in _LONG_TOKEN.finditer(text):
        for cut in range(m.start() + _TOKEN_PIECE, m.end() - 1, _TOKEN_PIECE):
            pieces.append(text[start:cut])
            start = cut
    pieces.append(text[start:])
    return pieces


def tex_characters(text: str) -> str:
    r"""``text`` with nothing LuaTeX cannot take as text: a break becomes a space (a
    blank line would end the paragraph, or stop a command's argument: "Paragraph
    ended before"), a control character or noncharacter is dropped.

    The cleaner and the metadata's validation remove these before; this is the
    writer's own guarantee, for every text it is given.

    >>> tex_characters("Title\n\nwith a\x01 blank line\u2028")
    'Title with a blank line '
    """
    return _NOT_TEXT.sub("", _BREAK_CHARS.sub(" ", text))


def _escape_ltr(text: str) -> str:
    """``escape`` without the RTL runs: special characters, markers, CJK breaks."""
    from .fonts import covered

    def sub(m: re.Match[str]) -> str:
        s = m.group()
        if s in _SPECIAL:
            return _SPECIAL[s]
        if len(s) == 1:  # any other non-ASCII character
            # LuaTeX stops at U+FFFD in its input ("invalid utf-8 sequence"), even
            # where a font has the glyph: the reader's unreadable glyph is a marker.
            if s == "\ufffd" or not covered(s):
                return r"\basmamissing{" + f"{ord(s):04X}" + "}"
            return s
        return s[0] + "{}" + s[1:]  # break TeX ligatures: "--" would print a dash

    escaped = _COMPOUND_HYPHEN.sub(r"\\basmahyph{}", _SPECIAL_RE.sub(sub, text))
    return _CJK_PAIR.sub(r"\\basmacjk{}", escaped) if _HAS_CJK.search(escaped) else escaped


_HAS_CJK = re.compile(f"[{_CJK}]")
#: The hyphen of a compound ("онлайн-семинарлар"): TeX hyphenates no part of a word
#: after an explicit hyphen, so a compound gave a line of wide gaps; ``\basmahyph``
#: (the template) is the hyphen, then an empty skip that starts a new word.
_COMPOUND_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def missing_glyphs(text: str) -> list[str]:
    r"""The characters of ``text`` that print as a marker, in order of first use.

    Those no font of the chain has, and U+FFFD: the reader's glyph it could not
    read, which LuaTeX refuses in its input even where a font has the glyph.

    >>> missing_glyphs("a\ue000b\ue000λ\ufffd")
    ['\ue000', '\ufffd']
    """
    from .fonts import covered

    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) > 0x7F and ch not in seen and (ch == "\ufffd" or not covered(ch)):
            seen[ch] = None
    return list(seen)


_PDF_SPECIAL = {
    "\\": r"\@backslashchar{}",
    "&": r"\string&",
    "~": r"\string~",
    "^": r"\string^",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "%": r"\%",
    "\u00a0": " ",
}
_PDF_SPECIAL_RE = re.compile("|".join(re.escape(k) for k in _PDF_SPECIAL))


def pdf_escape(text: str) -> Markup:
    r"""Make ``text`` a literal PDF metadata string (hyperref's ``pdftitle`` and kin).

    Text commands such as ``\textbackslash`` are not expanded there, so the
    characters are given as themselves (needs ``\makeatletter``).

    >>> print(pdf_escape(r"\input & 100% ~x"))
    \@backslashchar{}input \string& 100\% \string~x

    A PDF string is one line of text: breaks are spaces, and U+FFFD (an unreadable
    source glyph, which LuaTeX refuses in a string) is left out.

    >>> print(pdf_escape("a\n\nb\ufffd"))
    a b
    """
    text = tex_characters(text).replace("\ufffd", "")
    return Markup(_PDF_SPECIAL_RE.sub(lambda m: _PDF_SPECIAL[m.group()], text))


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return escape("" if value is None else str(value))


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        block_start_string="((*",
        block_end_string="*))",
        variable_start_string="(((",
        variable_end_string=")))",
        comment_start_string="((=",
        comment_end_string="=))",
        trim_blocks=True,
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def babel_name(lang: str) -> str:
    return BABEL.get(lang.split("-")[0], "english")


# --- inline text ---------------------------------------------------------------------

#: The proof being written, if any (``writers/proof.py``: ``ProofMarks``): each word
#: ``inline`` prints then carries an attribute that tells the proof its page and line.
PROOF: ContextVar[Any] = ContextVar("basma_proof", default=None)


def inline(block: Block, main_lang: str, offset: int = 0) -> Markup:
    """A block's text with its spans: other languages, emphasis, citations and links.

    URLs, DOIs and e-mail addresses become links that may break at their
    punctuation (``link_spans``); every other piece goes through ``escape``. With
    ``offset``, the text from there on (a caption without its source's label): the
    offsets stay the block's, as a proof's word places must.
    """
    text = block.text
    links = link_spans(text)
    cuts = {0, len(text)}
    for s in block.spans:
        cuts.update((s.start, s.end))
    for start, end, _ in links:
        cuts.update((start, end))
    points = sorted({offset} | {c for c in cuts if offset <= c <= len(text)})
    out: list[str] = []
    proof = PROOF.get()
    for a, b in zip(points, points[1:], strict=False):
        link = next((t for start, end, t in links if start <= a and b <= end), None)
        if proof is not None:  # the same LaTeX, with each word's place attribute
            piece = (proof.setter(block, a) + url_latex(text[a:b], link)
                     if link is not None else proof.escape(block, a, b))
        else:
            piece = url_latex(text[a:b], link) if link is not None else str(escape(text[a:b]))
        covering = [s for s in block.spans if s.start <= a and b <= s.end]
        piece = _wrap(piece, covering, block.lang or main_lang)
        out.append(piece)
    if proof is not None:
        out.append(proof.end())
    return Markup("".join(out))


#: What ends a URL: white space, angle brackets and quotes never belong to one.
_URL_CHARS = r"[^\s<>\"«»“”]"
_LINK_RE = re.compile(
    rf"(?P<url>(?:https?|ftp)://{_URL_CHARS}+|www\.{_URL_CHARS}+)"
    rf"|(?P<doi>(?<![\w/.])(?:doi:\s?)?10\.\d{{4,9}}/{_URL_CHARS}+)"
    r"|(?P<mail>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})",
    re.I)
#: Characters a link target may hold in ``\href`` (``%`` and ``#`` escaped): with
#: others (``\ { } ^``, spaces, non-ASCII) the text is shown, breakable, unlinked.
_HREF_SAFE = re.compile(r"[A-Za-z0-9._~:/?=&@!$'()*+,;%#-]+")


def link_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, link target) of each URL, DOI and e-mail address in ``text``.

    Punctuation that closes the sentence is not part of the link, nor is a closing
    bracket without its opening one. The target is "" when it cannot be linked.

    >>> for link in link_spans("See https://a.org/x_(y). Or doi:10.1000/abc, and me@x.kg."):
    ...     print(link)
    (4, 23, 'https://a.org/x_(y)')
    (28, 43, 'https://doi.org/10.1000/abc')
    (49, 56, 'mailto:me@x.kg')
    """
    found = []
    for m in _LINK_RE.finditer(text):
        shown = _trim_link(m.group())
        if not shown:
            continue
        if m.lastgroup == "url":
            target = shown if "://" in shown else "http://" + shown
        elif m.lastgroup == "doi":
            target = "https://doi.org/" + re.sub(r"(?i)^doi:\s?", "", shown)
        else:
            target = "mailto:" + shown
        found.append((m.start(), m.start() + len(shown),
                      target if _HREF_SAFE.fullmatch(target) else ""))
    return found


def _trim_link(s: str) -> str:
    """Drop the sentence's punctuation and unbalanced closing brackets from a link's end."""
    while s:
        last = s[-1]
        if last in ".,;:!?'\"»…":
            s = s[:-1]
        elif last in ")]}" and s.count(last) > s.count({")": "(", "]": "[", "}": "{"}[last]):
            s = s[:-1]
        else:
            break
    return s


#: Where a link may break: after a slash (not inside "//") or a colon, before
#: other punctuation, as style guides break URLs; never at a hyphen TeX would add.
_BREAK_AFTER = "/:"
_BREAK_BEFORE = ".,?#&=_-~%@+;"


def url_latex(shown: str, target: str = "") -> str:
    r"""A URL, DOI or e-mail address that may break at its punctuation, as a link.

    The shown text goes through ``escape``; ``\basmaurlbreak`` marks each break
    (``\basmaurlsplit``, weaker, splits long runs of letters and digits), and
    ``\basmaurl`` turns hyphenation off: a hyphen TeX added would read as part of
    the address.

    >>> print(url_latex("a.org/x_1%", "https://a.org/x_1%"))
    \href{https://a.org/x_1\%}{\basmaurl{a\basmaurlbreak{}.org/\basmaurlbreak{}x\basmaurlbreak{}\_1\basmaurlbreak{}\%}}
    >>> print(url_latex("x/{y}"))
    \basmaurl{x/\basmaurlbreak{}\{y\}}
    """
    out: list[str] = []
    chunk = ""
    run = 0
    for i, ch in enumerate(shown):
        if ch in _BREAK_BEFORE and i > 0:
            out += [str(escape(chunk)), r"\basmaurlbreak{}"]
            chunk = ""
        chunk += ch
        run = run + 1 if ch.isalnum() else 0
        nxt = shown[i + 1] if i + 1 < len(shown) else ""
        if ch in _BREAK_AFTER and nxt and nxt not in "/:":
            out += [str(escape(chunk)), r"\basmaurlbreak{}"]
            chunk, run = "", 0
        elif run >= 8 and nxt.isalnum():
            out += [str(escape(chunk)), r"\basmaurlsplit{}"]
            chunk, run = "", 0
    out.append(str(escape(chunk)))
    body = r"\basmaurl{" + "".join(out) + "}"
    if not target:
        return body
    return r"\href{" + target.replace("%", r"\%").replace("#", r"\#") + "}{" + body + "}"


def _wrap(piece: str, spans: list[Span], block_lang: str) -> str:
    for s in spans:
        if s.style == "italic":
            piece = r"\emph{" + piece + "}"
        elif s.style == "bold":
            piece = r"\textbf{" + piece + "}"
        elif s.style == "sub":
            piece = r"\textsubscript{" + piece + "}"
        elif s.style in ("sup", "note"):  # a note's mark is raised as the source set it
            piece = r"\textsuperscript{" + piece + "}"
    for s in spans:
        if s.cite and s.targets:
            piece = r"\hyperlink{" + s.targets[0] + "}{" + piece + "}"
        elif s.xref and s.xref in LINKED_OBJECTS.get():
            piece = r"\hyperlink{" + object_anchor(s.xref) + "}{" + piece + "}"
    for s in spans:
        if s.lang and s.lang != block_lang:
            piece = r"\foreignlanguage{" + babel_name(s.lang) + "}{" + piece + "}"
    return piece


def _in_lang(block: Block, content: str, main_lang: str) -> str:
    if block.lang and block.lang != main_lang and block.lang != "und":
        return r"\foreignlanguage{" + babel_name(block.lang) + "}{" + content + "}"
    return content


#: The comment that opens each block's LaTeX: the typesetter maps the source line
#: of an overfull box back to the block it belongs to (``typeset.block_at``).
BLOCK_MARK = "%basma-block "


def block_mark(block: Block) -> str:
    """``%basma-block b12``: a comment line, so it prints nothing and joins nothing.

    >>> block_mark(Block("b1}%x", "paragraph", "en", ""))
    '%basma-block b1x'
    """
    return BLOCK_MARK + re.sub(r"[^\w.:-]", "", block.id)


def body_latex(blocks: list[Block], main_lang: str, objects: ObjectWriter | None = None
               ) -> Markup:
    """The body: headings, paragraphs, lists, quotes, captions and the figures, tables
    and equations (``objects``), in order; a figure or a short table floats from just
    after the paragraph that first names it."""
    objects = objects or ObjectWriter(blocks, main_lang)
    out: list[str] = []
    in_list = False
    pending_run_in: Block | None = None
    for block in blocks:
        if block.role == "caption" and objects.prints_with_object(block):
            continue  # printed inside its float
        if block.role in OBJECT_ROLES:
            if objects.moves(block):
                continue  # printed after its first mention
            if block.role != "equation" and in_list:
                out.append(r"\end{itemize}" + "\n")
                in_list = False
            if block.role == "equation" and out and out[-1].endswith("\n") and not in_list:
                # A display continues the paragraph before it: started on a line of its
                # own it would open an empty one above.
                out[-1] = out[-1][:-1]
            out.append(block_mark(block))
            out.append(objects.latex(block))
            continue
        if block.role == "list_item" and not in_list:
            out.append(r"\begin{itemize}")
            in_list = True
        if block.role != "list_item" and in_list:
            # The blank line ends the paragraph the list was in: the block after it
            # is a paragraph of its own and keeps its indent (LaTeX drops it otherwise).
            out.append(r"\end{itemize}" + "\n")
            in_list = False
        content = str(inline(block, main_lang))
        if block.role == "heading" and block.run_in:
            pending_run_in = block
            continue
        out.append(block_mark(block))
        if block.role == "heading":
            level = min(block.level or 1, 3)
            title = (str(escape(block.number)) + r"\enspace " if block.number else "") + content
            out.append(r"\basmaheading{" + str(level) + "}{" + _in_lang(block, title, main_lang)
                       + "}{" + str(escape(block.text)) + "}")
        elif pending_run_in is not None:
            head = pending_run_in
            head_tex = _in_lang(head, str(inline(head, main_lang)), main_lang)
            out.append(r"\runin{" + head_tex + "}{" + str(escape(head.text)) + "}"
                       + _in_lang(block, content, main_lang) + "\n")
            pending_run_in = None
        elif block.role == "list_item":
            label = "[" + str(escape(block.number)) + "]" if block.number else ""
            out.append(r"\item" + label + "{}" + " " + _in_lang(block, content, main_lang))
        elif block.role == "quote":
            out.append(r"\begin{quote}" + _in_lang(block, content, main_lang) + r"\end{quote}"
                       + "\n")
        elif block.role == "caption":
            out.append(r"\begin{center}\small " + _in_lang(block, content, main_lang)
                       + r"\end{center}")
        else:
            out.append(_in_lang(block, content, main_lang) + "\n")
        for moved in objects.after(block):
            out.append(block_mark(moved))
            out.append(objects.latex(moved))
    if in_list:
        out.append(r"\end{itemize}")
    if pending_run_in is not None:
        out.append(r"\runin{" + str(inline(pending_run_in, main_lang)) + "}{"
                   + str(escape(pending_run_in.text)) + "}\n")
    for moved in objects.left_over():  # named only where no float can follow
        out.append(block_mark(moved))
        out.append(objects.latex(moved))
    return Markup("\n".join(out))


# --- figures, tables and equations ----------------------------------------------------

#: The ids of the objects this source prints: a cross-reference to one of them is a link
#: (``render_tex`` sets it; a reference to an object the edition lacks stays text).
LINKED_OBJECTS: ContextVar[frozenset[str]] = ContextVar("basma_objects", default=frozenset())


def object_anchor(ident: str) -> str:
    """The PDF destination of an object: its id in letters, digits, ``.`` and ``-`` only,
    with a hash when that changed it (two odd ids never share one).

    >>> object_anchor("fig-1"), object_anchor("f}1")
    ('basma.fig-1', 'basma.f1.1ce6bc78')
    """
    safe = re.sub(r"[^A-Za-z0-9.-]", "", ident)
    if safe != ident or not safe:
        safe += "." + hashlib.sha1(ident.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return "basma." + safe


#: A table longer than this (rows, or characters in all) is a ``longtable`` that may
#: cross pages, printed where it is; a shorter one floats like a figure.
LONG_TABLE_ROWS = 30
LONG_TABLE_CHARS = 3000
#: Columns this wide in all (characters) print at their natural width; wider tables
#: share the text width in wrapped columns.
NATURAL_TABLE_CHARS = 80


class ObjectWriter:
    """The figures, tables and equations of one edition's body, as LaTeX.

    Knows which caption prints with which object, where each float goes (after the
    block that first names it, when that comes before the object), and collects the
    problems of pictures and formulas that cannot be printed as the model says.
    """

    def __init__(self, blocks: list[Block], main_lang: str, lang: str | None = None,
                 root: Any = None, problems: list[str] | None = None, every: bool = True):
        from .visuals import captions, objects

        self.main_lang = main_lang  # the body's language (babel's around it)
        self.lang = lang or main_lang  # the edition's: its labels, its captions
        self.ui = ui_strings(self.lang)
        self.root = root
        self.problems = problems if problems is not None else []
        self.every = every
        self.objects = objects(blocks)
        self.captions = {k: v for k, v in captions(blocks).items() if k in self.objects}
        self.packages: set[str] = set()
        self._after: dict[str, list[Block]] = {}
        self._moved: set[str] = set()
        self._printed: set[str] = set()
        first: dict[str, int] = {}
        for i, b in enumerate(blocks):
            for sp in b.spans:
                if sp.xref in self.objects and sp.xref not in first and b.role != "caption":
                    first[sp.xref] = i
        for i, b in enumerate(blocks):
            if b.id in first and first[b.id] < i and self.floats(b):
                self._after.setdefault(blocks[first[b.id]].id, []).append(b)
                self._moved.add(b.id)
        for b in self.objects.values():
            self.latex(b, dry=True)  # packages and problems, before the preamble is written

    def prints_with_object(self, caption: Block) -> bool:
        return caption.of in self.objects

    def moves(self, block: Block) -> bool:
        return block.id in self._moved

    def after(self, block: Block) -> list[Block]:
        """The floats to print right after ``block`` (their first mention)."""
        out = [b for b in self._after.get(block.id, []) if b.id not in self._printed]
        self._printed.update(b.id for b in out)
        return out

    def left_over(self) -> list[Block]:
        """Moved floats whose mention printed nowhere a float can follow."""
        return [b for ids in self._after.values() for b in ids if b.id not in self._printed]

    @staticmethod
    def floats(block: Block) -> bool:
        return block.role == "figure" or (block.role == "table" and not long_table(block))

    # -- pieces

    def _captions(self, obj: Block) -> list[Any]:
        from .visuals import caption_for

        return caption_for(obj, self.captions.get(obj.id, []), self.lang, self.ui,
                           every=self.every)

    def caption_latex(self, obj: Block) -> str:
        r"""``\basmacaption{label}{text}`` for each caption the edition prints."""
        out = []
        for cap in self._captions(obj):
            # The source's own caption is printed from its block, after its label (a proof
            # places its words by their offsets there); a translation from its text.
            shown = inline(cap.source, self.main_lang, cap.offset) if cap.source else \
                inline(cap.block, self.main_lang)
            text = _in_lang(cap.block, str(shown).strip(), self.main_lang) if cap.text else ""
            out.append(r"\basmacaption{" + str(escape(cap.label)) + "}{" + text + "}")
        return "\n".join(out)

    def picture_latex(self, obj: Block, dry: bool = False, text: str = "",
                      kind: str = "Alt") -> str | None:
        """The picture, marked with its description (``text``) as the PDF's ``/Alt``
        (a figure) or ``/ActualText`` (a formula: what copying it gives)."""
        from .visuals import picture

        pic = picture(self.root, obj, self.problems)
        if pic is None:
            return None
        if not dry:
            self.packages.add("graphicx")
        w, h = pic.size_bp()
        # The file name is the assets stage's own (visuals.ASSET_NAME), never the text's;
        # its digest in a comment makes the source change when the picture does, so make
        # typesets again.
        image = (r"\basmaimage{" + pic.file_name + "}{" + f"{w:.2f}" + "}{" + f"{h:.2f}" + "}")
        if text.strip():
            image = r"\basmaalt{" + kind + "}{" + pdf_hex(text) + "}{" + image + "}"
        return "%basma-picture " + pic.sha256 + "\n" + image

    def latex(self, obj: Block, dry: bool = False) -> str:
        """The object's LaTeX (``dry``: only its packages and problems are noted)."""
        if obj.role == "figure":
            return self.figure(obj, dry)
        if obj.role == "table":
            return self.table(obj, dry)
        return self.equation(obj, dry)

    def figure(self, obj: Block, dry: bool) -> str:
        from .visuals import alt_text

        self.packages.add("graphicx")
        image = self.picture_latex(obj, dry, "" if dry else alt_text(obj, self._captions(obj)))
        if dry:
            return ""
        if image is None:  # the problem is recorded: the alt text holds its place
            image = r"\basmanoimage{" + str(escape(alt_text(obj, self._captions(obj)))) + "}"
        return "\n".join([r"\begin{figure}[tbp]", r"\centering\basmaanchor{"
                          + object_anchor(obj.id) + "}%", image + r"\par",
                          self.caption_latex(obj), r"\end{figure}", ""])

    def table(self, obj: Block, dry: bool) -> str:
        from .visuals import covered

        rows = obj.cells or []
        n = max((len(r) for r in rows), default=0)
        spans = covered(obj.visual.merges if obj.visual else None, len(rows), n)
        self.packages.add("longtable" if long_table(obj) else "booktabs")
        if any(nr > 1 for nr, _ in spans.values()):
            self.packages.add("multirow")
        if dry or not n:
            return ""
        head = [r"\basmaanchor{" + object_anchor(obj.id) + "}%", self.caption_latex(obj)]
        if long_table(obj):
            body = table_latex(obj, self.main_lang, long=True)
            return "\n".join([r"\par\addvspace{6pt}", *head, r"\par\nopagebreak\smallskip",
                              r"{\small " + body + "}", r"\par\addvspace{6pt}", ""])
        body = table_latex(obj, self.main_lang, long=False)
        return "\n".join([r"\begin{table}[tbp]", r"\centering", *head, r"\par\smallskip",
                          r"{\small " + body + "}", r"\end{table}", ""])

    def equation(self, obj: Block, dry: bool) -> str:
        from .visuals import safe_tex

        self.packages.add("amsmath")
        given = obj.visual.tex if obj.visual else None
        tex = safe_tex(given)
        if given and tex is None and dry:
            problem = (f"the LaTeX of equation {obj.id} is not used (a command or a structure "
                       "TeX could stop at): it prints from its image or its text")
            if problem not in self.problems:
                self.problems.append(problem)
        image = None if tex else self.picture_latex(obj, dry, obj.text, "ActualText")
        if dry:
            return ""
        tag = (r"\tag{" + str(escape(obj.number)) + "}") if obj.number else ""
        if tex:
            math = tex
        elif image:
            math = r"\vcenter{\hbox{" + image + "}}"
        else:
            math = r"\text{" + str(escape(" ".join(obj.text.split()) or "—")) + "}"
        return (r"\basmaanchor{" + object_anchor(obj.id) + "}%\n" + r"\[" + math + " " + tag
                + r"\]" + "\n")


#: The longest description given to the PDF (characters): an alternative, not a page.
MAX_ALT = 2000


def pdf_hex(text: str) -> str:
    """``text`` as a PDF text string in hexadecimal UTF-16 (only hex digits reach TeX).

    >>> pdf_hex("S = π")
    'FEFF00530020003D002003C0'
    """
    text = " ".join(tex_characters(text).split())[:MAX_ALT]
    return ("\ufeff" + text).encode("utf-16-be", "surrogatepass").hex().upper()


def long_table(block: Block) -> bool:
    """Whether a table is long enough to print as a ``longtable`` across pages."""
    rows = block.cells or []
    return len(rows) > LONG_TABLE_ROWS or sum(len(c) for r in rows for c in r) > LONG_TABLE_CHARS


def table_latex(block: Block, main_lang: str, long: bool = True) -> str:
    r"""A table block as a ``tabular`` (``long``: a ``longtable``, which may cross pages),
    ruled with booktabs, its spanned cells (``Visual.merges``) as ``\multicolumn`` and
    ``\multirow``.

    Narrow tables keep their natural column widths (numbers flush right); wider ones
    share the text width in ragged-right columns, each as wide as its longest cell
    asks (within bounds). The header rows are ruled off and, in a long table,
    repeated on every page. Each cell opens with ``{}`` so that a cell starting with
    ``*`` or ``[`` is not read as an argument of the ``\\`` before it.

    >>> tex = table_latex(Block("t", "table", "en", "", cells=[["a&b", "*1"]]), "en")
    >>> print(tex)
    \begin{longtable}{ll}
    \toprule
    {}a\&b & {}*1 \\
    \bottomrule
    \end{longtable}
    """
    from .visuals import table_grid

    g = table_grid(block.cells, block.visual.merges if block.visual else None)
    if not g.columns:
        return ""
    n, grid, spans, hidden = g.columns, g.rows, g.spans, g.hidden
    columns = _column_specs(grid, block.header_rows or 0, spans)
    env = "longtable" if long else "tabular"
    out = [r"\begin{" + env + "}{" + "".join(columns) + "}", r"\toprule"]
    # The first column of each spanned cell, on every row it covers.
    below = {(r + i, c): nc for (r, c), (nr, nc) in spans.items() for i in range(1, nr)}
    for k, row in enumerate(grid):
        cells: list[str] = []
        c = 0
        while c < n:
            if (k, c) in spans:
                nr, nc = spans[(k, c)]
                cell = _in_lang(block, "{}" + str(escape(row[c])), main_lang) if row[c] else ""
                if nr > 1:
                    width = "=" if columns[c].startswith(">") else "*"
                    cell = r"\multirow{" + str(nr) + "}{" + width + "}{" + cell + "}"
            elif (k, c) in below:  # under a cell spanning rows: empty, as wide as it
                nc, cell = below[(k, c)], ""
            elif (k, c) in hidden:  # cannot happen: a span's columns are skipped whole
                c += 1
                continue
            else:
                nc = 1
                cell = _in_lang(block, "{}" + str(escape(row[c])), main_lang) if row[c] else ""
            if nc > 1:
                cell = r"\multicolumn{" + str(nc) + "}{" + _span_spec(columns, c, nc) + "}{" \
                    + cell + "}"
            cells.append(cell)
            c += nc
        out.append(" & ".join(cells) + r" \\")
        if k + 1 == block.header_rows and k + 1 < len(grid):  # the head, repeated on every page
            out += [r"\midrule"] + ([r"\endhead"] if long else [])
    out += [r"\bottomrule", r"\end{" + env + "}"]
    return "\n".join(out)


def _column_specs(grid: list[list[str]], head: int,
                  spans: dict[tuple[int, int], tuple[int, int]]) -> list[str]:
    """One column type per column: ``l``/``r`` at natural width, or wrapped ``p`` columns
    sharing the text width by their longest cells."""
    from .visuals import numeric_column

    n = len(grid[0])
    wide = {(r, c) for (r, c), (_, nc) in spans.items() if nc > 1}
    longest = [max((len(row[c]) for r, row in enumerate(grid) if (r, c) not in wide),
                   default=0) for c in range(n)]
    numeric = [numeric_column([row[c] for row in grid[head:]]) for c in range(n)]
    # A cell spanning columns must fit in them too, or the last one takes what it lacks.
    spanned = max((len(grid[r][c]) - sum(longest[c:c + nc]) - 3 * (nc - 1)
                   for (r, c), (_, nc) in spans.items() if nc > 1), default=0)
    if sum(longest) + 3 * n + max(spanned, 0) <= NATURAL_TABLE_CHARS and spanned <= 0:
        return ["r" if num else "l" for num in numeric]
    weights = [max(6, min(w, 60)) for w in longest]
    total = sum(weights)
    specs = []
    for w, num in zip(weights, numeric, strict=True):
        align = r"\raggedleft" if num else r"\raggedright"
        specs.append(r">{" + align + r"\arraybackslash}p{\dimexpr(\linewidth-" + str(2 * n)
                     + r"\tabcolsep)*" + str(round(1000 * w / total)) + r"/1000\relax}")
    return specs


def _span_spec(columns: list[str], c: int, nc: int) -> str:
    """The column type of a cell spanning ``nc`` columns from ``c``: centred at natural
    width, else a wrapped column as wide as the columns it covers."""
    if not columns[c].startswith(">"):
        return "c"
    shares = [int(re.search(r"\*(\d+)/1000", s).group(1)) for s in columns[c:c + nc]]  # type: ignore[union-attr]
    n = len(columns)
    return (r">{\centering\arraybackslash}p{\dimexpr(\linewidth-" + str(2 * n) + r"\tabcolsep)*"
            + str(sum(shares)) + r"/1000+" + str(2 * (nc - 1)) + r"\tabcolsep\relax}")


# --- the document ------------------------------------------------------------------


def _kyrgyz_words(ed: Edition) -> set[str]:
    words: set[str] = set()
    blocks = list(ed.front) + list(ed.body)
    for block in blocks:
        if block.lang == "ky":
            words.update(KY_WORD.findall(block.text))
    for lang, title in ed.titles:
        if lang == "ky":
            words.update(KY_WORD.findall(title))
    return words


def _journal_text(meta: Meta, lang: str) -> str:
    """"Journal, Vol. 12, No. 2, 2026" in the edition's language, as plain text.

    "Vol." and its number are tied (no-break space): a line never ends at the label.
    """
    ui = ui_strings(lang)
    name = meta.journal_name(lang)
    parts = [name[1]] if name else []
    if meta.volume:
        parts.append(f"{ui['volume']}\u00a0{meta.volume}")
    if meta.issue:
        parts.append(f"{ui['issue']}\u00a0{meta.issue}")
    if meta.year:
        parts.append(str(meta.year))
    return ", ".join(parts)


def _journal_line(meta: Meta, lang: str) -> Markup:
    return escape(_journal_text(meta, lang))


def _doi_link(doi: str, shown: str) -> Markup:
    """A link to the DOI resolver; the URL part of \\href is read almost verbatim."""
    if any(c in doi for c in "\\{}^~ "):
        return escape(shown)
    url = ("https://doi.org/" + doi).replace("%", r"\%").replace("#", r"\#")
    return Markup(r"\href{" + url + "}{" + str(escape(shown)) + "}")


def _unbroken(text: str | Markup) -> Markup:
    r"""A header field that never breaks inside: "CC BY 4.0", "ISSN 1694-7568".

    ``\mbox`` keeps out both line breaks at its spaces and the break TeX allows
    after an explicit hyphen.

    >>> print(_unbroken("ISSN 1694-7568"))
    \mbox{ISSN 1694-7568}
    """
    return Markup(r"\mbox{") + (text if isinstance(text, Markup) else escape(text)) + "}"


#: Between header fields: the dot stays with the field before it.
_FIELD_SEP = Markup("~\\textperiodcentered{} ")


def page_range(meta: Meta, key: str) -> Markup | None:
    r"""The article's pages as printed: "45–49", or "45" where the last is unknown.

    The last page is the metadata's, else the full edition's own (``\basmalastpage``,
    from the previous pass). A single-language edition is a different PDF: without
    ``last_page`` it gives the journal PDF's range when its typesetting is told that
    PDF's last page (``\basmajournalrange``: an issue's article, pipeline/issue), else
    only the first page rather than its own length.
    """
    first = meta.first_page or 1
    if meta.last_page:
        return escape(f"{first}\u2013{meta.last_page}")
    if key == "full":
        return escape(f"{first}\u2013") + Markup(r"\basmalastpage{}")
    return escape(str(first)) + Markup(r"\basmajournalrange{}") if meta.first_page else None


def _header(meta: Meta, lang: str, key: str = "full") -> tuple[Markup, Markup]:
    ui = ui_strings(lang)
    left = [_journal_line(meta, lang)]
    pages = page_range(meta, key)
    if pages is not None and (meta.first_page or meta.last_page):
        left.append(_unbroken(escape(ui["pages"] + "\u00a0") + pages))
    if meta.journal and meta.journal.issn:
        left.append(_unbroken(f"ISSN {meta.journal.issn}"))
    right = []
    if meta.doi:
        right.append(_unbroken(_doi_link(meta.doi, "DOI: " + meta.doi)))
    if meta.license:
        right.append(_unbroken(meta.license))
    return _FIELD_SEP.join(x for x in left if x), _FIELD_SEP.join(right)


def cite_line(meta: Meta, ed: Edition) -> Markup | None:
    """How to cite the article, in the edition's language and its usual style.

    GOST R 7.0.5 for Russian and Kyrgyz ("Авторы. Название // Журнал. 2026. Т. 12,
    № 2. С. 45–49. DOI: …"), APA for English ("Authors (2026). Title. Journal,
    12(2), 45–49. https://doi.org/…"). Parts the metadata lacks are left out;
    without a journal name there is nothing to cite.
    """
    ui = ui_strings(ed.lang)
    journal = meta.journal_name(ed.lang)
    if not journal:
        return None
    authors = ", ".join(author_name(a, ed.lang) for a in meta.authors)
    title = ed.title().rstrip(".")
    pages = page_range(meta, ed.key)
    if ui.get("cite_style") == "apa":
        out = escape(f"{authors} ({meta.year}). " if authors and meta.year else
                     f"{authors}. " if authors else "")
        out += escape(f"{title}. ") + Markup(r"\emph{") + escape(journal[1]) + "}"
        if meta.volume:
            out += escape(f", {meta.volume}") + (escape(f"({meta.issue})") if meta.issue else "")
        if pages is not None:
            out += escape(", ") + pages
        out += escape(".")
        if meta.doi:
            out += Markup(" ") + _doi_link(meta.doi, "https://doi.org/" + meta.doi)
        return out
    out = escape(f"{authors}. " if authors else "") + escape(f"{title} // {journal[1]}.")
    if meta.year:
        out += escape(f" {meta.year}.")
    numbers = [f"{ui['volume_short']}\u00a0{meta.volume}"] if meta.volume else []
    if meta.issue:
        numbers.append(f"№\u00a0{meta.issue}")
    if numbers:
        out += escape(" " + ", ".join(numbers) + ".")
    if pages is not None:
        out += escape(f" {ui['pages_short']}\u00a0") + pages + escape(".")
    if meta.doi:
        out += Markup(" ") + _doi_link(meta.doi, "DOI: " + meta.doi)
    return out


def license_line(meta: Meta, lang: str) -> Markup | None:
    """The licence as a sentence in ``lang``, with its address where one is given."""
    if not meta.license:
        return None
    ui = ui_strings(lang)
    sentence = ui["license_sentence"].format(license="\u0000")
    before, _, after = sentence.partition("\u0000")
    out = escape(before) + _unbroken(meta.license) + escape(after)
    if meta.license_url:
        url = meta.license_url
        out += Markup(" ") + Markup(url_latex(url, url if _HREF_SAFE.fullmatch(url) else ""))
    return out


def _authors(meta: Meta, lang: str) -> tuple[list[dict], list[dict]]:
    affiliations: list[str] = []
    authors = []
    for a in meta.authors:
        marks = []
        for place in a.affiliations:
            aff = place.display_name(lang)
            if aff not in affiliations:
                affiliations.append(aff)
            marks.append(str(affiliations.index(aff) + 1))
        contact = [escape(f"ORCID\u00a0{a.orcid_id}")] if a.orcid else []
        if a.email:
            contact.append(escape(a.email))
        authors.append({"name": escape(author_name(a, lang)), "mark": ",".join(marks),
                        "contact": Markup(", ").join(contact)})
    if len(affiliations) == 1:
        for a in authors:
            a["mark"] = ""
        return authors, [{"mark": "", "text": escape(affiliations[0])}]
    return authors, [{"mark": str(i + 1), "text": escape(t)} for i, t in enumerate(affiliations)]


def front_items(ed: Edition) -> list[dict[str, Any]]:
    """The abstracts and keyword lists as printed: each language's keywords right
    after its own abstract, the metadata's keywords where the source has none."""
    meta, lang = ed.meta, ed.lang
    blocks = list(ed.front)
    groups: dict[str, list[dict[str, Any]]] = {}
    for b in blocks:
        label = ui_strings(b.lang)["abstract" if b.role == "abstract" else "keywords"]
        groups.setdefault(b.lang, []).append(
            {"babel": babel_name(b.lang), "label": escape(label), "text": inline(b, b.lang)})
    for code in meta.keywords:
        if ed.key == "full" or code == lang:
            if not any(b.role == "keywords" and b.lang == code for b in blocks):
                groups.setdefault(code, []).append(
                    {"babel": babel_name(code), "label": escape(ui_strings(code)["keywords"]),
                     "text": escape(meta.keywords_joined(code))})
    return [item for items in groups.values() for item in items]


def xmp_properties(ed: Edition) -> list[tuple[str, Markup]]:
    """hyperref keys pdfmanagement writes to XMP: rights, PRISM, the source's DOI."""
    meta, lang = ed.meta, ed.lang
    props: list[tuple[str, str]] = []
    if meta.license:
        props.append(("pdfcopyright", ui_strings(lang)["license_sentence"].format(
            license=meta.license) + (f" {meta.license_url}" if meta.license_url else "")))
    if meta.license_url:
        props.append(("pdflicenseurl", meta.license_url))
    name = meta.journal_name(lang)
    if name:
        props.append(("pdfpublication", name[1]))
    if meta.journal and meta.journal.issn:
        props.append(("pdfissn", meta.journal.issn))
    if meta.journal and meta.journal.eissn:
        props.append(("pdfeissn", meta.journal.eissn))
    if meta.volume:
        props.append(("pdfvolumenum", str(meta.volume)))
    if meta.issue:
        props.append(("pdfissuenum", str(meta.issue)))
    if meta.doi:
        props.append(("pdfdoi", meta.doi))
        # dc:source: where the article comes from, not the .tex it was typeset from.
        props.append(("pdfsource", "https://doi.org/" + meta.doi))
    out = [(k, pdf_escape(v)) for k, v in props]
    pages = xmp_pages(meta, ed.key)
    if pages:
        out.append(("pdfpagerange", pages["start"] + (Markup("-") + pages["end"]
                                                      if pages["end"] else Markup(""))))
    return out


def xmp_pages(meta: Meta, key: str) -> dict[str, Markup] | None:
    """PRISM's first and last page; the last only where it is known (``page_range``)."""
    if not (meta.first_page or meta.last_page):
        return None
    start = Markup(str(meta.first_page or 1))
    if meta.last_page:
        end = Markup(str(meta.last_page))
    elif key == "full":
        end = Markup(r"\basmalastpage")
    else:
        end = Markup("")
    return {"start": start, "end": end}


def xmp_lists(ed: Edition) -> list[tuple[str, list[Markup]]]:
    """Lists pdfmanagement would split at commas: one XMP item each, in its language."""
    meta = ed.meta
    titles = [pdf_escape(f"[{lang}]{text}") for lang, text in ed.titles] or \
        [pdf_escape(f"[{ed.lang}]{ed.title()}")]
    out = [("pdftitle", titles)]
    authors = [pdf_escape(author_name(a, ed.lang)) for a in meta.authors]
    if authors:
        out.append(("pdfauthor", authors))
    subject = _journal_text(meta, ed.lang)
    if subject:
        out.append(("pdfsubject", [pdf_escape(f"[{ed.lang}]{subject}")]))
    return out


def pdf_date(meta: Meta) -> str:
    """The PDF's date: SOURCE_DATE_EPOCH if set, else the publication date, else
    1 January of the year.

    Never the wall clock, so that a rebuild of unchanged input is byte-identical.

    >>> from pipeline.meta import Meta
    >>> m = Meta(accepted="2026-03-05")
    >>> pdf_date(m) if "SOURCE_DATE_EPOCH" not in os.environ else "D:20260305000000Z"
    'D:20260305000000Z'
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    else:
        day = meta.publication_date() or dt.date(meta.year or 2000, 1, 1)
        when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return when.strftime("D:%Y%m%d%H%M%SZ")


def publication_pdf_date(meta: Meta) -> str | None:
    """The publication date (``published``, else ``accepted``) as a PDF date, if given.

    XMP's dc:date then says when the article appeared; without one it is the
    build's date (``pdf_date``), never a day made up from the year.

    >>> from pipeline.meta import Meta
    >>> publication_pdf_date(Meta(year=2026)), publication_pdf_date(Meta(published="2026-03-05"))
    (None, 'D:20260305000000Z')
    """
    day = meta.publication_date()
    return day.strftime("D:%Y%m%d000000Z") if day else None


def context(ed: Edition) -> dict[str, Any]:
    """Everything the template prints, already escaped or built as LaTeX."""
    from .hyphenate import tex_exceptions

    meta = ed.meta
    lang = ed.lang
    ui = ui_strings(lang)
    main = babel_name(lang)
    langs = {lang, "ky", "ru", "en"} | {b.lang for b in ed.front + ed.body if b.lang != "und"}
    langs |= {s.lang for b in ed.front + ed.body for s in b.spans if s.lang}
    names = sorted({babel_name(x) for x in langs})
    ldf = [n for n in names if n in LDF]
    ini = []
    for n in names:
        if n in LDF:
            continue
        opts = ["import"]
        if n == main:
            opts.append("main")
        if n == "kyrgyz":
            opts.append("hyphenrules=nohyphenation")
        ini.append((n, ",".join(opts)))
    ldf_opts = ",".join(ldf + ([f"main={main}"] if main in LDF else []))

    titles = [{"babel": babel_name(tl), "text": escape(tt)} for tl, tt in ed.titles]
    front = front_items(ed)
    short = meta.short_title.get(lang) or ed.title()
    authors, affiliations = _authors(meta, lang)
    surnames = ", ".join(author_name(a, lang).split()[-1] for a in meta.authors)
    running = escape(short if not surnames else f"{surnames}. {short}")
    dates = []
    for key in ("received", "accepted"):
        day = getattr(meta, key)
        if day:
            dates.append(escape(f"{ui[key]}: {format_date(day, lang)}"))
    header_left, header_right = _header(meta, lang, ed.key)
    notice = None
    if ed.notice:
        notice = escape(ed.notice)
        if meta.doi:
            notice += Markup(" ") + _doi_link(meta.doi, "https://doi.org/" + meta.doi)
    objects = ObjectWriter(ed.body, ed.body_lang, lang, ed.root, [], ed.key == "full")
    own_keywords = [b.text for b in ed.front if b.role == "keywords" and b.lang == lang]
    pdf_keywords = "; ".join(own_keywords) or meta.keywords_joined(lang, "; ")
    author_names = "; ".join(author_name(a, lang) for a in meta.authors)
    return {
        "pdf_lang": lang,
        "babel_ldf": ldf_opts,
        "babel_ini": ini,
        "main_babel": main,
        "body_babel": babel_name(ed.body_lang),
        "ky_exceptions": Markup(tex_exceptions(_kyrgyz_words(ed))),
        "ui": {k: escape(v) if isinstance(v, str) else v for k, v in ui.items()},
        "ui_ky": {k: escape(v) for k, v in ui_strings("ky").items() if isinstance(v, str)},
        "pdf_title": pdf_escape(ed.title()),
        "pdf_author": pdf_escape(author_names),
        "pdf_subject": pdf_escape(_journal_text(meta, lang)),
        "pdf_keywords": pdf_escape(pdf_keywords),
        "trailer_id": "",  # filled in render_tex once the source is known
        "pdf_date": Markup(pdf_date(meta)),
        "pdf_pubdate": Markup(publication_pdf_date(meta) or pdf_date(meta)),
        "pdf_uuid": Markup(uuid.uuid5(uuid.NAMESPACE_URL, f"{meta.doi}#{ed.key}")),
        "journal_line": _journal_line(meta, lang),
        "running_head": running,
        "first_page": meta.first_page or 1,
        "header_left": header_left,
        "header_right": header_right,
        "udc": escape(f"{ui['udc']}\u00a0{meta.udc}") if meta.udc else None,
        "has_outline": any(b.role == "heading" for b in ed.body) or bool(ed.references),
        "last_page": meta.last_page,
        "cite_line": cite_line(meta, ed),
        "license_line": license_line(meta, lang),
        "pdf_props": xmp_properties(ed),
        "xmp_lists": xmp_lists(ed),
        "xmp_pages": xmp_pages(meta, ed.key),
        "titles": titles,
        "authors": authors,
        "affiliations": affiliations,
        "dates": Markup(" · ").join(dates) if dates else None,
        "front": front,
        "notice": notice,
        "body": body_latex(ed.body, ed.body_lang, objects),
        # Packages only where the body needs them: each costs every pass.
        "packages": sorted(objects.packages),
        "floats": any(ObjectWriter.floats(b) for b in objects.objects.values()),
        "object_problems": objects.problems,
        "notes": _notes(ed),
        "references": bool(ed.references),
        "reference_lists": [
            {"heading": inline(head, head.lang) if head else None,
             "entries": [{"anchor": escape(b.id), "number": escape(b.number or str(i + 1)),
                        "text": inline(b, b.lang)} for i, b in enumerate(items)]}
            for head, items in ed.reference_lists()
        ],
    }


def _notes(ed: Edition) -> list[dict[str, Any]]:
    """The notes list: each item's anchor (where the marks in the text link) and
    text; its label is the source's number where the notes are not simply 1, 2, …
    in order (a source that numbers its notes anew on each page)."""
    numbers = [b.number for b in ed.footnotes]
    plain = all(n is None or n == str(i + 1) for i, n in enumerate(numbers))
    return [{"anchor": object_anchor(b.id), "label": None if plain or not b.number
             else escape(b.number + "."), "text": inline(b, ed.body_lang)}
            for b in ed.footnotes]


def render_tex(ed: Edition, proof: Any = None) -> str:
    """The edition's LaTeX source.

    Characters no font has are reported in ``ed.problems`` and, as comment lines
    at the top of the source, to the typesetting stage, which runs in another
    process and lists them with the problems of the PDF. With ``proof`` (a
    ``proof.ProofMarks``) the source is the proof's: the same text and layout,
    plus line numbers, the round's stamp and each word's place attribute.
    """
    if proof is not None and PROOF.get() is not proof:
        token = PROOF.set(proof)
        try:
            return render_tex(ed, proof)
        finally:
            PROOF.reset(token)
    # The notes printed are link targets too: each mark in the text links to its note.
    linked = frozenset(b.id for b in ed.body if b.role in OBJECT_ROLES) | {
        b.id for b in ed.footnotes}
    if LINKED_OBJECTS.get() != linked:
        token = LINKED_OBJECTS.set(linked)
        try:
            return render_tex(ed, proof)
        finally:
            LINKED_OBJECTS.reset(token)
    ctx = context(ed)
    ctx["proof"] = proof
    ctx.update(fonts_context(""))
    template("article.tex.j2")  # recorded as read: the loader itself does not say
    tex_template = environment().get_template("article.tex.j2")
    first = tex_template.render(**ctx)
    # What the fonts need is read from the source itself: escape() wraps every
    # Arabic or Hebrew run wherever it comes from (body, titles, authors).
    ctx.update(fonts_context(first))
    # A fixed /ID derived from the content keeps PDFs byte-identical across
    # directories (LuaTeX otherwise hashes the file's path into it).
    ctx["trailer_id"] = Markup(hashlib.md5(first.encode("utf-8")).hexdigest())
    problems = glyph_problems(ed) + ctx["object_problems"]
    ed.problems.extend(p for p in problems if p not in ed.problems)
    head = "".join(PROBLEM_MARK + _comment_safe(p) + "\n" for p in problems)
    return head + wrap_long_lines(tex_template.render(**ctx))


#: A comment line at the top of a .tex: a problem found while writing it.
PROBLEM_MARK = "%basma-problem: "


def fonts_context(tex: str) -> dict[str, Any]:
    """What the template's font set-up needs for the source ``tex``: the fallback
    fonts its characters need, and the right-to-left languages it sets (babel's
    bidi is loaded only then: it slows every pass)."""
    from .fonts import CHAINS, RTL_FONTS, fallback_setup

    rtl = [name for name in RTL_FONTS if r"\basmartl{" + name + "}" in tex]
    return {
        "font_families": [_font_family(family, chain[0], *fallback_setup(family, tex))
                          for family, chain in CHAINS.items()],
        "rtl_langs": [{"name": n, "font": Markup(RTL_FONTS[n])} for n in rtl],
        "rtl_names": rtl,
    }


def _font_family(family: str, face: str, lua: str, features: str) -> dict[str, Any]:
    """One ``\\babelfont`` of the template: its face, options and fallback set-up."""
    # Common ligatures (fi, fl) in the text faces only, as before the chains. TeX's
    # input ligatures (-- ---, straight quotes, ,, << >>) off in every face: the
    # printed text is the document's text, and its own Unicode dashes stay as they are.
    options = (["Ligatures=Common"] if family != "tt" else []) + ["Ligatures=TeXOff"]
    if features:
        options.append(features)
    return {"family": family, "face": face, "lua": Markup(lua),
            "options": Markup(",".join(options))}


def glyph_problems(ed: Edition) -> list[str]:
    """One problem per character that no font of the chain has: what it is, the
    first block it is in (with its source page and first words), how many others."""
    from .fonts import describe

    where: dict[str, list[str]] = {}
    for lang, title in ed.titles:
        for ch in missing_glyphs(title):
            where.setdefault(ch, []).append(f"the {lang} title")
    for block in [*ed.front, *ed.body, *ed.footnotes, *ed.references]:
        for ch in missing_glyphs(block.text + (block.number or "")):
            page = f", page {block.page}" if block.page else ""
            words = _shown(" ".join(block.text.split()[:6]))
            where.setdefault(ch, []).append(f"block {block.id} ({block.role}{page}) “{words}”")
    problems = []
    for ch, places in where.items():
        more = f" and {len(places) - 1} more" if len(places) > 1 else ""
        what = ("a glyph the source's font maps to no character (U+FFFD)" if ch == "\ufffd"
                else f"{describe(ch)} is in no installed font:")
        problems.append(f"{what} printed as the marker [U+{ord(ch):04X}] in {places[0]}{more}")
    return problems


def _shown(text: str) -> str:
    """``text`` as the PDF shows it: a character no font has as its marker."""
    missing = set(missing_glyphs(text))
    return "".join(f"[U+{ord(ch):04X}]" if ch in missing else ch for ch in text)


def _comment_safe(text: str) -> str:
    """One line of printable text: a problem goes into a TeX comment."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


_PERCENT = re.compile(r"(?<!\\)%")


def wrap_long_lines(tex: str, width: int = 2000) -> str:
    r"""Break source lines longer than ``width`` characters at spaces.

    TeX reads a line into a buffer of 200 000 bytes (``buf_size``) and stops with
    "Unable to read an entire line" on a longer one, as a paragraph of a text
    without line breaks is. A line end reads as a space, so breaking at a space
    changes nothing printed; lines with a comment are left alone.

    >>> wrap_long_lines("a b c d e", width=3)
    'a b\nc d\ne'
    """
    out = []
    for line in tex.split("\n"):
        if len(line) <= width or _PERCENT.search(line):
            out.append(line)
            continue
        while len(line) > width:
            cut = line.rfind(" ", 1, width + 1)
            if cut <= 0:
                cut = line.find(" ", width)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1 :]
        out.append(line)
    return "\n".join(out)
