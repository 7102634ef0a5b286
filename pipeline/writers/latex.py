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
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..alphabet import KY_WORD
from ..fileio import TEMPLATES, template
from ..model import Block, Span
from .editions import Edition, format_date, ui_strings

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
    "[": "{[}",
    "]": "{]}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(k) for k in _SPECIAL) + r"|--|''|``|-(?=-)")


def escape(text: str) -> Markup:
    r"""Make ``text`` print literally in LaTeX.

    >>> print(escape(r"\input{/etc/passwd} 50% & $x_1^2$"))
    \textbackslash{}input\{/etc/passwd\} 50\% \& \$x\_1\textasciicircum{}2\$
    >>> print(escape("#1 ~ a--b [x]"))
    \#1 \textasciitilde{} a-{}-b {[}x{]}
    """
    def sub(m: re.Match[str]) -> str:
        s = m.group()
        if s in _SPECIAL:
            return _SPECIAL[s]
        return s[0] + "{}" + s[1:]  # break TeX ligatures: "--" would print a dash

    return Markup(_SPECIAL_RE.sub(sub, text))


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
    """
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


def inline(block: Block, main_lang: str) -> Markup:
    """A block's text with its spans: other languages, emphasis and citations."""
    text = block.text
    cuts = {0, len(text)}
    for s in block.spans:
        cuts.update((s.start, s.end))
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        piece = str(escape(text[a:b]))
        covering = [s for s in block.spans if s.start <= a and b <= s.end]
        piece = _wrap(piece, covering, block.lang or main_lang)
        out.append(piece)
    return Markup("".join(out))


def _wrap(piece: str, spans: list[Span], block_lang: str) -> str:
    for s in spans:
        if s.style == "italic":
            piece = r"\emph{" + piece + "}"
        elif s.style == "bold":
            piece = r"\textbf{" + piece + "}"
    for s in spans:
        if s.cite and s.targets:
            piece = r"\hyperlink{" + s.targets[0] + "}{" + piece + "}"
    for s in spans:
        if s.lang and s.lang != block_lang:
            piece = r"\foreignlanguage{" + babel_name(s.lang) + "}{" + piece + "}"
    return piece


def _in_lang(block: Block, content: str, main_lang: str) -> str:
    if block.lang and block.lang != main_lang and block.lang != "und":
        return r"\foreignlanguage{" + babel_name(block.lang) + "}{" + content + "}"
    return content


def body_latex(blocks: list[Block], main_lang: str) -> Markup:
    """The body: headings, paragraphs, lists, quotes and captions, in order."""
    out: list[str] = []
    in_list = False
    pending_run_in: Block | None = None
    for block in blocks:
        if block.role == "list_item" and not in_list:
            out.append(r"\begin{itemize}")
            in_list = True
        if block.role != "list_item" and in_list:
            out.append(r"\end{itemize}")
            in_list = False
        content = str(inline(block, main_lang))
        if block.role == "heading" and block.run_in:
            pending_run_in = block
            continue
        if block.role == "heading":
            level = min(block.level or 1, 3)
            title = (str(escape(block.number)) + r"\enspace " if block.number else "") + content
            out.append(r"\basmaheading{" + str(level) + "}{" + _in_lang(block, title, main_lang)
                       + "}{" + str(escape(block.text)) + "}")
            continue
        if pending_run_in is not None:
            head = pending_run_in
            head_tex = _in_lang(head, str(inline(head, main_lang)), main_lang)
            out.append(r"\runin{" + head_tex + "}{" + str(escape(head.text)) + "}"
                       + _in_lang(block, content, main_lang) + "\n")
            pending_run_in = None
            continue
        if block.role == "list_item":
            label = "[" + str(escape(block.number)) + "]" if block.number else ""
            out.append(r"\item" + label + "{}" + " " + _in_lang(block, content, main_lang))
        elif block.role == "quote":
            out.append(r"\begin{quote}" + _in_lang(block, content, main_lang) + r"\end{quote}")
        elif block.role == "caption":
            out.append(r"\begin{center}\small " + _in_lang(block, content, main_lang)
                       + r"\end{center}")
        elif block.role == "table":
            out.append(table_latex(block, main_lang))
        else:
            out.append(_in_lang(block, content, main_lang) + "\n")
    if in_list:
        out.append(r"\end{itemize}")
    if pending_run_in is not None:
        out.append(r"\runin{" + str(inline(pending_run_in, main_lang)) + "}{"
                   + str(escape(pending_run_in.text)) + "}\n")
    return Markup("\n".join(out))


def table_latex(block: Block, main_lang: str) -> str:
    r"""A table block as a ``longtable`` (it may cross pages), ruled with booktabs.

    The columns share the text width and wrap ragged right. Each cell opens with
    ``{}`` so that a cell starting with ``*`` or ``[`` is not read as an argument
    of the ``\\`` before it.

    >>> tex = table_latex(Block("t", "table", "en", "", cells=[["a&b", "*1"]]), "en")
    >>> print(tex.split("\n", 1)[1])
    \toprule
    {}a\&b & {}*1 \\
    \bottomrule
    \end{longtable}
    >>> tex.split("\n")[0].endswith(r"(\linewidth-4\tabcolsep)/2\relax}}}")
    True
    """
    rows = block.cells or []
    n = max((len(r) for r in rows), default=0)
    if not n:
        return ""
    column = r">{\raggedright\arraybackslash}p{\dimexpr(\linewidth-" + str(2 * n) + \
        r"\tabcolsep)/" + str(n) + r"\relax}"
    out = [r"\begin{longtable}{*{" + str(n) + "}{" + column + "}}", r"\toprule"]
    for row in rows:
        cells = [_in_lang(block, "{}" + str(escape(c)), main_lang) if c else ""
                 for c in [*row, *[""] * (n - len(row))]]
        out.append(" & ".join(cells) + r" \\")
    out += [r"\bottomrule", r"\end{longtable}"]
    return "\n".join(out)


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
    """"Journal, Vol. 12, No. 2, 2026" in the edition's language, as plain text."""
    ui = ui_strings(lang)
    name = meta.journal_name(lang)
    parts = [name[1]] if name else []
    if meta.volume:
        parts.append(f"{ui['volume']} {meta.volume}")
    if meta.issue:
        parts.append(f"{ui['issue']} {meta.issue}")
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


def _header(meta: Meta, lang: str) -> tuple[Markup, Markup]:
    left = [_journal_line(meta, lang)]
    if meta.journal and meta.journal.issn:
        left.append(escape(f"ISSN {meta.journal.issn}"))
    right = []
    if meta.doi:
        right.append(_doi_link(meta.doi, "DOI: " + meta.doi))
    if meta.license:
        right.append(escape(meta.license))
    return Markup(" · ").join(x for x in left if x), Markup(" · ").join(right)


def _authors(meta: Meta, lang: str) -> tuple[list[dict], list[dict]]:
    affiliations: list[str] = []
    authors = []
    for a in meta.authors:
        marks = []
        for place in a.affiliations:
            aff = place.text(lang)
            if aff not in affiliations:
                affiliations.append(aff)
            marks.append(str(affiliations.index(aff) + 1))
        contact = [escape(f"ORCID {a.orcid_id}")] if a.orcid else []
        if a.email:
            contact.append(escape(a.email))
        authors.append({"name": escape(a.display_name(lang)), "mark": ",".join(marks),
                        "contact": Markup(", ").join(contact)})
    if len(affiliations) == 1:
        for a in authors:
            a["mark"] = ""
        return authors, [{"mark": "", "text": escape(affiliations[0])}]
    return authors, [{"mark": str(i + 1), "text": escape(t)} for i, t in enumerate(affiliations)]


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
    front = []
    for b in ed.front:
        label = ui_strings(b.lang)["abstract" if b.role == "abstract" else "keywords"]
        front.append({"babel": babel_name(b.lang), "label": escape(label),
                      "text": inline(b, b.lang)})
    for code in meta.keywords:
        if ed.key == "full" or code == lang:
            if not any(b.role == "keywords" and b.lang == code for b in ed.front):
                front.append({"babel": babel_name(code),
                              "label": escape(ui_strings(code)["keywords"]),
                              "text": escape(meta.keywords_joined(code))})
    short = meta.short_title.get(lang) or ed.title()
    authors, affiliations = _authors(meta, lang)
    surnames = ", ".join(a.display_name(lang).split()[-1] for a in meta.authors)
    running = escape(short if not surnames else f"{surnames}. {short}")
    dates = []
    for key in ("received", "accepted"):
        day = getattr(meta, key)
        if day:
            dates.append(escape(f"{ui[key]}: {format_date(day, lang)}"))
    header_left, header_right = _header(meta, lang)
    notice = None
    if ed.notice:
        notice = escape(ed.notice)
        if meta.doi:
            notice += Markup(" ") + _doi_link(meta.doi, "https://doi.org/" + meta.doi)
    own_keywords = [b.text for b in ed.front if b.role == "keywords" and b.lang == lang]
    pdf_keywords = "; ".join(own_keywords) or meta.keywords_joined(lang, "; ")
    author_names = "; ".join(a.display_name(lang) for a in meta.authors)
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
        "pdf_uuid": Markup(uuid.uuid5(uuid.NAMESPACE_URL, f"{meta.doi}#{ed.key}")),
        "journal_line": _journal_line(meta, lang),
        "running_head": running,
        "first_page": meta.first_page or 1,
        "header_left": header_left,
        "header_right": header_right,
        "udc": escape(f"УДК {meta.udc}") if meta.udc else None,
        "titles": titles,
        "authors": authors,
        "affiliations": affiliations,
        "dates": Markup(" · ").join(dates) if dates else None,
        "front": front,
        "notice": notice,
        "body": body_latex(ed.body, ed.body_lang),
        "tables": any(b.role == "table" for b in ed.body),  # only then load longtable
        "notes": [inline(b, ed.body_lang) for b in ed.footnotes],
        "references": [
            {"anchor": escape(b.id), "number": escape(b.number or str(i + 1)),
             "text": inline(b, b.lang)}
            for i, b in enumerate(ed.references)
        ],
    }


def render_tex(ed: Edition) -> str:
    """The edition's LaTeX source."""
    ctx = context(ed)
    template("article.tex.j2")  # recorded as read: the loader itself does not say
    tex_template = environment().get_template("article.tex.j2")
    first = tex_template.render(**ctx)
    # A fixed /ID derived from the content keeps PDFs byte-identical across
    # directories (LuaTeX otherwise hashes the file's path into it).
    ctx["trailer_id"] = Markup(hashlib.md5(first.encode("utf-8")).hexdigest())
    return wrap_long_lines(tex_template.render(**ctx))


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
