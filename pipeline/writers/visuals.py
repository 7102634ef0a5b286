"""Figures, tables and equations as every writer sees them (LaTeX, EPUB, HTML, JATS).

What the writers share about an object, decided once here:

* its **picture**: ``Visual.image`` names a file of the article's build folder
  (``assets/<name>.png``). Only a name of that form is used, and only a regular
  file that really is inside ``<build>/assets/`` and really is a PNG or JPEG
  (``picture``): the names are the pipeline's own, never words of the document,
  and a name that is not, a link out of the folder or a missing file leaves the
  object printed without its picture, with a problem saying so;
* its **caption**: the ``caption`` block whose ``of`` names it, in the edition's
  language when the editor gave a translation (``Block.translations``), without
  the source's own label ("Сүрөт 1."), which each writer prints in the edition's
  language ("Figure 1.") from the UI strings (``label``);
* its **alternative text**: the editor's (``Visual.alt``), else the caption, else
  an equation's own text, else the label ("Figure 1").
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..fileio import DATA_READ
from ..model import OBJECT_ROLES, Block

#: The only image names the writers use: what the assets stage writes.
ASSET_NAME = re.compile(r"assets/[A-Za-z0-9][A-Za-z0-9_-]{0,100}(?:\.[A-Za-z0-9_-]{1,20}){0,3}"
                        r"\.(?:png|jpe?g)")
#: A picture bigger than this is no figure of an article (the 300 dpi crop of a full
#: A4 page is about 25 MB as PNG at worst).
MAX_IMAGE_BYTES = 64 * 1024 * 1024
#: Pixels beyond this (a full A4 page at 600 dpi) are refused before decoding.
MAX_IMAGE_PIXELS = 40_000_000
#: The resolution the assets stage renders at: a picture's printed size when its
#: file says nothing else.
DEFAULT_DPI = 300.0
#: The UI string of each object's label.
LABEL_KEY = {"figure": "figure", "table": "table", "equation": "equation"}


@dataclass(frozen=True)
class Picture:
    """An object's image, checked: where it is, what it is, how big it prints."""

    name: str  # "assets/<name>.png", as the model gives it (and as the outputs name it)
    path: Path  # the resolved file
    kind: str  # "png" or "jpeg"
    width: int  # pixels
    height: int
    dpi: float
    sha256: str

    @property
    def file_name(self) -> str:
        """The file's name without the folder (``fig-1.png``)."""
        return self.name.rsplit("/", 1)[-1]

    def size_bp(self) -> tuple[float, float]:
        """The printed size in PostScript points at the picture's resolution."""
        return self.width * 72 / self.dpi, self.height * 72 / self.dpi

    def media_type(self) -> str:
        return "image/png" if self.kind == "png" else "image/jpeg"


def picture(root: Path | None, block: Block, problems: list[str] | None = None
            ) -> Picture | None:
    """The checked image of ``block`` (see the module's docstring), or None.

    Each reason to leave a picture out is added to ``problems`` once. The file is
    recorded as read (``fileio.DATA_READ``), so make rebuilds what shows it when
    the assets stage writes it again.
    """
    name = block.visual.image if block.visual else None
    if not name:
        return None
    found = _checked(str(root) if root is not None else None, name)
    if isinstance(found, str):
        if problems is not None:
            what = f"{block.role} {block.id}" + (f" (page {block.page})" if block.page else "")
            problem = f"the image of {what} is left out: {found}"
            if problem not in problems:
                problems.append(problem)
        return None
    DATA_READ.add(found.path)
    return found


@cache
def _checked(root: str | None, name: str) -> Picture | str:
    """``name`` under ``root`` as a ``Picture``, or why it cannot be one."""
    if not ASSET_NAME.fullmatch(name):
        return f"{name!r} is not an image name of the assets stage"
    if root is None:
        return "the writer was not given the article's build folder"
    folder = Path(root) / "assets"
    path = Path(root) / name
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError):
        return f"{name} is missing"
    if not inside or not real.is_file():
        return f"{name} is not a file of the article's assets folder"
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"{name} is {size // (1024 * 1024)} MB (at most {MAX_IMAGE_BYTES // 2**20} MB)"
    data = real.read_bytes()
    kind, width, height, dpi = _image_header(data)
    if kind is None:
        return f"{name} is not a PNG or JPEG image"
    if not (0 < width and 0 < height and width * height <= MAX_IMAGE_PIXELS):
        return f"{name} is {width}×{height} pixels (at most {MAX_IMAGE_PIXELS:,})"
    return Picture(name, real, kind, width, height, dpi, hashlib.sha256(data).hexdigest())


def _image_header(data: bytes) -> tuple[str | None, int, int, float]:
    """(kind, width, height, dpi) from the file's own header, decoding no pixels."""
    import io

    from PIL import Image  # pdfplumber's dependency

    try:
        with Image.open(io.BytesIO(data)) as img:
            kind = {"PNG": "png", "JPEG": "jpeg"}.get(img.format or "")
            width, height = img.size
            dpi = img.info.get("dpi")
    except Exception:  # noqa: BLE001 - any undecodable header is "not an image"
        return None, 0, 0, DEFAULT_DPI
    try:
        given = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        given = 0.0
    # A header's resolution under 50 dpi is a default, not a measurement.
    return kind, width, height, given if 50 <= given <= 2400 else DEFAULT_DPI


# --- captions, labels, alternative text ---------------------------------------------------


def captions(blocks: list[Block]) -> dict[str, list[Block]]:
    """Each object's caption blocks, by the object's id, in reading order (a caption
    printed in two languages is two blocks)."""
    out: dict[str, list[Block]] = {}
    for b in blocks:
        if b.role == "caption" and b.of:
            out.setdefault(b.of, []).append(b)
    return out


def objects(blocks: list[Block]) -> dict[str, Block]:
    """The figures, tables and equations among ``blocks``, by id."""
    return {b.id: b for b in blocks if b.role in OBJECT_ROLES}


def object_number(obj: Block, caps: list[Block] | None = None) -> str | None:
    """The object's printed number: its own (``segment/objects.py`` gives it from the
    caption), else the one in its caption's label."""
    if obj.number:
        return obj.number
    for cap in caps or []:
        found = _label(cap.text)
        if cap.number or found:
            return cap.number or found[1]  # type: ignore[index]
    return None


def _label(text: str) -> tuple[str, str, int] | None:
    from ..segment.objects import caption_label  # the segmenter's one label grammar

    return caption_label(text)


def strip_label(text: str, number: str | None = None) -> str:
    """``text`` without its leading label ("Сүрөт 1. Schools" → "Schools"): the
    writers print their own label in the edition's language. A label giving another
    number than ``number`` stays (it is the source's, and says something).

    >>> strip_label("Сүрөт 1. Мектептердин саны", "1"), strip_label("2-таблица. Жыйынтык", "2")
    ('Мектептердин саны', 'Жыйынтык')
    >>> strip_label("Сүрөт 2 – x", "1")
    'Сүрөт 2 – x'
    """
    return text[_label_end(text, number):]


def _label_end(text: str, number: str | None) -> int:
    found = _label(text)
    if not found or (number and found[1] != number) or found[2] >= len(text.rstrip()):
        return 0
    return found[2]


@dataclass
class Caption:
    """What a writer prints under a figure or over a table."""

    label: str  # "Сүрөт 1" in the edition's language ("" for an object without number)
    text: str  # the caption proper, without the source's label
    lang: str  # the text's language
    #: The caption as a block of its own text (``text``), its spans shifted to it:
    #: the writers render it with its emphasis and links.
    block: Block
    #: The document's caption block when ``text`` is its own (not a translation), and
    #: where in its text ``text`` starts (after the label).
    source: Block | None = None
    offset: int = 0


def caption_for(obj: Block, caps: list[Block], lang: str, ui: dict[str, Any],
                every: bool = False) -> list[Caption]:
    """The captions of ``obj`` an edition in ``lang`` prints: with ``every`` (the full
    edition) each caption the source gives, else the one in ``lang`` — the source's
    own, or the editor's translation (``Block.translations``), or the first one.
    Without a caption, one with the label alone (or nothing, without a number)."""
    import dataclasses

    number = object_number(obj, caps)
    word = ui.get(LABEL_KEY.get(obj.role, "figure"), "")
    label = f"{word}\u00a0{number}" if number and word else ""
    chosen: list[Block] = []
    if every:
        chosen = list(caps)
    elif caps:
        own = [c for c in caps if c.lang == lang]
        translated = next((c for c in caps if (c.translations or {}).get(lang)), None)
        if own:
            chosen = own[:1]
        elif translated is not None:
            text = translated.translations[lang].strip()  # type: ignore[index]
            chosen = [dataclasses.replace(translated, text=text, lang=lang, spans=[])]
        else:
            chosen = caps[:1]
    out = []
    for cap in chosen:
        rest = cap.text[_label_end(cap.text, number):]
        offset = len(cap.text) - len(rest) + len(rest) - len(rest.lstrip())
        text = rest.strip()
        spans = []
        for sp in cap.spans:  # the spans move with the text's new start
            start, end = max(sp.start - offset, 0), min(sp.end - offset, len(text))
            if end > start:
                spans.append(dataclasses.replace(sp, start=start, end=end))
        block = dataclasses.replace(cap, text=text, spans=spans)
        original = cap if any(cap is c for c in caps) else None  # not a translation
        out.append(Caption(label if not out else "", block.text, cap.lang, block, original,
                           offset))
    if not out and label:
        out.append(Caption(label, "", lang, Block(obj.id + "-caption", "caption", lang, "")))
    return out


def alt_text(obj: Block, caps: list[Caption]) -> str:
    """The picture's alternative text: the editor's, the (first) caption, an
    equation's own text, or at least its label; never empty."""
    if obj.visual and obj.visual.alt and obj.visual.alt.strip():
        return " ".join(obj.visual.alt.split())
    if caps and caps[0].text.strip():
        return " ".join(caps[0].text.split())
    if obj.text.strip():
        return " ".join(obj.text.split())
    return (caps[0].label.replace("\u00a0", " ") if caps else "") or obj.role


def numeric_column(cells: list[str]) -> bool:
    """Whether a column's body cells are all numbers (printed flush right).

    >>> numeric_column(["12", "3,5", "−4 %", ""]), numeric_column(["12", "Бишкек"])
    (True, False)
    """
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(re.fullmatch(r"[−+\-–±]?\s*[\d\s.,]+\s*%?", c) for c in filled)


def covered(merges: list[list[int]] | None, rows: int, cols: int) -> dict[tuple[int, int],
                                                                          tuple[int, int]]:
    """The spanned cells of a table: (row, column) of each merge's first slot → (rows,
    columns), clipped to the grid; merges that overlap an earlier one are ignored."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for m in merges or []:
        if len(m) != 4:
            continue
        r, c, nr, nc = (int(x) for x in m)
        if not (0 <= r < rows and 0 <= c < cols and nr >= 1 and nc >= 1):
            continue
        nr, nc = min(nr, rows - r), min(nc, cols - c)
        slots = {(r + i, c + j) for i in range(nr) for j in range(nc)}
        if slots & taken or (nr, nc) == (1, 1):
            continue
        taken |= slots
        out[(r, c)] = (nr, nc)
    return out


@dataclass(frozen=True)
class Grid:
    """A table as every writer lays it out: its rows padded to one width, its spanned
    cells (first slot → rows, columns) and the slots they cover besides their first."""

    rows: list[list[str]]
    columns: int
    spans: dict[tuple[int, int], tuple[int, int]]
    hidden: set[tuple[int, int]]


def table_grid(rows: list[list[str]] | None, merges: list[list[int]] | None) -> Grid:
    """The grid of a table's rows of cells and its ``Visual.merges``.

    >>> g = table_grid([["a", "b"], ["c"]], [[0, 0, 1, 2]])
    >>> g.rows, g.columns, g.spans, g.hidden
    ([['a', 'b'], ['c', '']], 2, {(0, 0): (1, 2)}, {(0, 1)})
    """
    rows = rows or []
    n = max((len(r) for r in rows), default=0)
    grid = [[*r, *[""] * (n - len(r))] for r in rows]
    spans = covered(merges, len(grid), n)
    return Grid(grid, n, spans, hidden_slots(spans))


def hidden_slots(spans: dict[tuple[int, int], tuple[int, int]]) -> set[tuple[int, int]]:
    """The slots a spanned cell covers besides its first."""
    out = set()
    for (r, c), (nr, nc) in spans.items():
        out |= {(r + i, c + j) for i in range(nr) for j in range(nc)} - {(r, c)}
    return out


# --- an equation's LaTeX --------------------------------------------------------------------

#: Math commands an equation's LaTeX may use, with how many braced arguments each
#: takes. Anything else (``\def``, ``\input``, ``\catcode``, ``\directlua`` …) makes
#: the formula print from its image or its text instead: the LaTeX comes from the
#: source (a DOCX's equation through pandoc) or the editor, and reaches TeX as code.
MATH_COMMANDS: dict[str, int] = {
    **dict.fromkeys(
        "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
        "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
        "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
        "sum prod coprod int iint iiint oint bigcup bigcap bigoplus bigotimes bigvee bigwedge "
        "lim limsup liminf sup inf max min arg det exp ln log lg sin cos tan cot sec csc sinh "
        "cosh tanh coth arcsin arccos arctan deg dim gcd hom ker Pr "
        "cdot cdots ldots dots vdots ddots times div pm mp ast star circ bullet oplus ominus "
        "otimes oslash odot cup cap setminus wedge vee land lor lnot neg "
        "leq le geq ge neq ne equiv approx sim simeq cong propto ll gg prec succ preceq succeq "
        "subset supset subseteq supseteq in notin ni mid parallel perp models vdash "
        "leftarrow rightarrow to gets leftrightarrow Leftarrow Rightarrow Leftrightarrow "
        "longrightarrow longleftarrow Longrightarrow mapsto uparrow downarrow iff implies "
        "infty partial nabla forall exists nexists emptyset varnothing aleph hbar ell Re Im "
        "wp angle triangle prime "
        "langle rangle lfloor rfloor lceil rceil lvert rvert lVert rVert vert Vert backslash "
        "quad qquad displaystyle textstyle scriptstyle".split(),
        0),
    **dict.fromkeys(
        "sqrt text operatorname mathrm mathbf mathit mathsf mathtt mathcal mathbb mathfrak "
        "boldsymbol hat widehat bar overline underline vec dot ddot tilde widetilde check "
        "breve acute grave overbrace underbrace textrm textit textbf mbox".split(),
        1),
    **dict.fromkeys("frac dfrac tfrac binom dbinom tbinom stackrel overset underset".split(), 2),
}
#: Environments of several lines or cells, allowed inside a formula.
MATH_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix cases aligned gathered "
    "split array".split())
_MATH_SYMBOLS = set(",;:! {}|\\_&#%$^")  # the control symbols: \, \; … \{ \} \\ \_ \& \# \% \$
_TAG_OR_LABEL = re.compile(r"\\(?:tag\*?|label)\s*\{[^{}\\]*\}|\\(?:nonumber|notag)(?![A-Za-z])")
#: Commands whose argument is text, not mathematics.
_TEXT_COMMANDS = frozenset({"text", "textrm", "textit", "textbf", "mbox", "operatorname"})
#: Commands that are one math character (``\mathchardef``): the only ones TeX takes as
#: an unbraced argument (``x^\alpha``) as they are.
_SINGLE_SYMBOLS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega infty partial nabla forall exists "
    "aleph hbar ell wp Re Im prime pm mp times div cdot ast star circ bullet cup cap wedge "
    "vee leq geq equiv approx sim subset supset in ni rightarrow leftarrow mid perp oplus "
    "otimes emptyset angle langle rangle { }".split())
#: Commands a delimiter must follow (``\big(``); ``\left`` and ``\right`` pair up.
_SIZED = frozenset("middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr".split())
_MATH_TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|.)|.", re.S)
#: The longest formula taken as LaTeX (a page of mathematics is an image, not one formula).
MAX_TEX = 4000


def safe_tex(tex: str | None) -> str | None:
    r"""An equation's LaTeX if it is only mathematics TeX will typeset without an
    error, else None; characters outside ASCII go into ``\text``.

    Checked: every command is one of ``MATH_COMMANDS`` and has its arguments, braces
    and environments nest, ``\left`` has its ``\right``, a sub- or superscript has
    its argument and is not doubled, ``&`` and ``\\`` only inside an environment,
    and none of ``#``, ``%``, ``$``, ``^^`` (TeX's character codes) or a line break.

    >>> safe_tex(r"E = mc^2 + \frac{a}{b_1}"), safe_tex(r"\input{/etc/passwd}")
    ('E = mc^2 + \\frac{a}{b_1}', None)
    >>> safe_tex(r"x^"), safe_tex(r"\left( x"), safe_tex("^^5cinput"), safe_tex("a & b")
    (None, None, None, None)
    >>> safe_tex("S = πr^2")
    'S = \\text{π}r^2'
    """
    if not tex or len(tex) > MAX_TEX or "^^" in tex:
        return None
    # The number is the block's (printed by the writer), a label is LaTeX's own business.
    tex = _tidy(_TAG_OR_LABEL.sub(" ", tex))
    tokens = _MATH_TOKEN.findall(tex)
    if not tokens or not _math_ok(tokens):
        return None
    return re.sub(r"[^\x00-\x7f]+", lambda m: r"\text{" + m.group() + "}", tex).strip() or None


def _tidy(tex: str) -> str:
    r"""``tex`` on one line, without the spacing at its ends, a control space (``\ ``)
    included: taking only the space of one would leave a lone ``\``.

    >>> _tidy("  a \\ \\ \n"), _tidy("x\\ y")
    ('a', 'x\\ y')
    """
    tex = re.sub(r"\s+", " ", tex).strip()
    while tex.endswith("\\") and not tex.endswith("\\\\"):
        tex = tex[:-1].rstrip()  # a control space's backslash, its space already gone
    return tex


def _math_ok(tokens: list[str]) -> bool:
    """The structural checks of ``safe_tex``: a small recursive-descent parse."""
    parser = _MathParser([t for t in tokens if not t.isspace()])
    try:
        parser.sequence(in_env=False, until=None)
    except ValueError:
        return False
    return parser.i == len(parser.tokens)


class _MathParser:
    """sequence := { atom [^ arg] [_ arg] }; atom := group | command args |
    \\left d sequence \\right d | \\begin{env} sequence \\end{env} | character."""

    MAX_DEPTH = 40

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        t = self.peek()
        if t is None:
            raise ValueError("the formula ends too early")
        self.i += 1
        return t

    def sequence(self, in_env: bool, until: str | None) -> None:
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise ValueError("nested too deep")
        while True:
            t = self.peek()
            if t is None:
                if until is not None:
                    raise ValueError("a group is not closed")
                break
            if t == until or (until == "\\right" and t == "\\right") or \
                    (until == "\\end" and t == "\\end") or t == "}":
                break
            if t in ("&", "\\\\"):
                if not in_env:
                    raise ValueError("a cell break outside an environment")
                self.i += 1
                continue
            self.atom(in_env)
            seen: set[str] = set()
            while self.peek() in ("^", "_"):
                mark = self.take()
                if mark in seen:
                    raise ValueError("a double sub- or superscript")
                seen.add(mark)
                self.argument(in_env)
        self.depth -= 1

    def argument(self, in_env: bool) -> None:
        t = self.peek()
        if t == "{":
            self.group(in_env)
        elif t is None or t in ("}", "^", "_", "&", "\\\\") or t in ("\\left", "\\right",
                                                                       "\\begin", "\\end"):
            raise ValueError("an argument is missing")
        elif t.startswith("\\") and len(t) > 1 and t[1:] not in _SINGLE_SYMBOLS:
            # TeX takes one token: a command with arguments, or one that expands to
            # several (\\sec, \\iff, \\cdots), must be braced there.
            raise ValueError(f"{t} as an argument needs braces")
        elif len(t) == 1 and not (t.isascii() and (t.isalnum() or t in "+-=<>()[]|/*.,;:!?")):
            # ' and ~ are active (several tokens), a letter outside ASCII becomes \\text{…}
            raise ValueError(f"{t} as an argument needs braces")
        else:
            self.atom(in_env)

    def group(self, in_env: bool) -> None:
        self.take()  # {
        self.sequence(False, "}")  # a cell break inside braces is an error in TeX
        if self.take() != "}":
            raise ValueError("a group is not closed")

    def delimiter(self) -> None:
        t = self.take()
        if not (t in "()[]|./<>" or t in ("\\{", "\\}", "\\|") or
                t[1:] in MATH_COMMANDS and MATH_COMMANDS[t[1:]] == 0):
            raise ValueError("not a delimiter")

    def atom(self, in_env: bool) -> None:
        t = self.take()
        if t == "{":
            self.i -= 1
            self.group(in_env)
            return
        if t in ("#", "%", "$", "^", "_", "}"):
            raise ValueError(f"{t} in a formula")
        if t == "\\":
            raise ValueError("a lone backslash")
        if not t.startswith("\\"):
            return  # a character
        name = t[1:]
        if len(name) == 1:
            if name not in _MATH_SYMBOLS or name == "\\":
                raise ValueError(f"{t} in a formula")
            return
        if name == "left":
            self.delimiter()
            self.sequence(False, "\\right")
            if self.take() != "\\right":
                raise ValueError("\\left without \\right")
            self.delimiter()
            return
        if name == "begin":
            env = self.env_name()
            if env == "array":
                spec = self.braced_letters()
                if not re.fullmatch(r"[lcr|]+", spec):
                    raise ValueError("an array's columns")
            self.sequence(True, "\\end")
            if self.take() != "\\end" or self.env_name() != env:
                raise ValueError("an environment is not closed")
            return
        if name in _SIZED:
            self.delimiter()
            return
        if name in ("right", "end") or name.rstrip("*") not in MATH_COMMANDS:
            raise ValueError(f"{t} is not allowed in a formula")
        arity = MATH_COMMANDS[name.rstrip("*")]
        if name in _TEXT_COMMANDS:
            self.text_argument()
            return
        if name == "sqrt" and self.peek() == "[":
            self.take()
            while self.peek() != "]":
                if self.peek() is None or self.peek() in ("{", "}"):
                    raise ValueError("an open [ in \\sqrt")
                self.atom(in_env)
            self.take()
        for _ in range(arity):
            self.argument(in_env)

    def text_argument(self) -> None:
        """A text-mode argument: characters and spacing only (``^`` there is an error)."""
        if self.take() != "{":
            raise ValueError("a text argument is missing")
        while self.peek() != "}":
            t = self.take()
            if t in ("^", "_", "&", "#", "%", "$", "{", "~") or (
                    t.startswith("\\") and len(t) > 1 and t[1:] not in ", {}_&%$#"):
                raise ValueError(f"{t} in the text of a formula")
        self.take()

    def braced_letters(self) -> str:
        if self.take() != "{":
            raise ValueError("a name is missing")
        out = []
        while self.peek() not in ("}", None):
            out.append(self.take())
        self.take()
        return "".join(out)

    def env_name(self) -> str:
        name = self.braced_letters()
        if name not in MATH_ENVIRONMENTS:
            raise ValueError(f"the environment {name} is not allowed")
        return name
