"""The issue's table of contents, trilingual: the PDF's front matter, HTML and EPUB.

Each entry is read from the article's final ``document.json`` (titles per language,
authors, DOI) and its ``pages.json``: what the contents say is what the articles
print. Titles are given in Kyrgyz, Russian and English where the article has them;
sections are named in the three languages. The front matter's links point at named
destinations (``basma-issue.<id>``) that ``assemble.py`` makes at each article's
first page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .pages import IssueError, PageRange, read_pages

if TYPE_CHECKING:
    from ..meta import Meta
    from .settings import Issue, JournalFile

#: The journal's languages, in the order the contents give them.
LANGS = ("ky", "ru", "en")


@dataclass
class Entry:
    article: str
    section: str
    titles: dict[str, str]  # language → title, in LANGS order where given
    authors: dict[str, str]  # language → the authors' names as that language prints them
    pages: PageRange
    doi: str | None
    meta: Meta
    document: Path
    pdf: Path
    lang: str = "ky"  # the body's language: the authors are named as it names them

    @property
    def dest(self) -> str:
        """The named destination of the article's first page in ``issue.pdf``."""
        return f"basma-issue.{self.article}"


def read_entry(issue: Issue, article: str, build: Path) -> Entry:
    """An issue article as its built files say: ``build/<id>/out/document.json`` (the
    final one, with its pages) and ``build/<id>/pages.json``."""
    from ..stages import read_model
    from ..writers.editions import author_name, body_language, document_meta

    document = build / article / "out" / "document.json"
    pdf = build / article / "out" / f"{article}.pdf"
    pages = read_pages(build / article / "pages.json")
    if pages is None or not document.exists() or not pdf.exists():
        raise IssueError(build / article, "the article is not built yet",
                         "run make build (it builds the articles before the issue)")
    doc = read_model(document, "Document")
    meta = document_meta(doc)
    titles: dict[str, str] = {}
    for b in doc.by_role("title"):
        if b.lang in LANGS and b.text.strip():
            titles.setdefault(b.lang, " ".join(b.text.split()))
    titles.update({k: v for k, v in meta.title.items() if k in LANGS})
    ordered = {lang: titles[lang] for lang in LANGS if lang in titles}
    if not ordered:
        ordered = {"und": article}
    authors = {lang: ", ".join(author_name(a, lang) for a in meta.authors) for lang in LANGS}
    return Entry(article, issue.section_of(article) or "", ordered,
                 {k: v for k, v in authors.items() if v}, pages, meta.doi, meta, document,
                 pdf, body_language(doc))


def entries(issue: Issue, build: Path) -> list[Entry]:
    return [read_entry(issue, a, build) for a in issue.articles]


def grouped(journal: JournalFile, issue: Issue, items: list[Entry]
            ) -> list[tuple[dict[str, str], list[Entry]]]:
    """The entries under their sections, in the issue's order; a section's names per
    language (every language of LANGS, the section's key where none is given)."""
    by_article = {e.article: e for e in items}
    out = []
    for sec in issue.sections:
        names = {lang: journal.section_name(sec.section, lang) for lang in LANGS}
        out.append((names, [by_article[a] for a in sec.articles if a in by_article]))
    return out


def journal_names(journal: JournalFile) -> dict[str, str]:
    names = dict(journal.journal.name) if journal.journal else {}
    return {lang: names[lang] for lang in (*LANGS, "und") if lang in names} or {"en": "Journal"}


def issue_label(issue: Issue, lang: str) -> str:
    """``Т. 12, № 2, 2026`` / ``Vol. 12, No. 2, 2026`` in ``lang``'s usual form."""
    if lang == "en":
        return f"Vol. {issue.volume}, No. {issue.number}, {issue.year}"
    if lang == "ky":
        return f"{issue.volume}-том, № {issue.number}, {issue.year}"
    return f"Т. {issue.volume}, № {issue.number}, {issue.year}"


# --- the front matter (LaTeX) ---------------------------------------------------------------


def front_tex(journal: JournalFile, issue: Issue, items: list[Entry]) -> str:
    """The LaTeX of the issue's title page and contents (``templates/issue.tex.j2``)."""
    from ..fileio import template
    from ..writers.latex import babel_name, environment, escape, pdf_escape

    template("issue.tex.j2")  # recorded as read: make rebuilds the issue when it changes
    names = journal_names(journal)
    main = next(iter(names))
    sections = []
    for sec_names, group in grouped(journal, issue, items):
        sections.append({
            "names": [{"babel": babel_name(lang), "text": escape(text)}
                      for lang, text in sec_names.items()],
            "entries": [{
                "dest": Markup(e.dest),
                "authors": escape(e.authors.get(e.lang) or next(iter(e.authors.values()), "")),
                "titles": [{"babel": babel_name(lang if lang != "und" else "en"),
                            "text": escape(text)} for lang, text in e.titles.items()],
                "page": e.pages.first,
            } for e in group],
        })
    j = journal.journal
    epoch = _date_text(issue)
    return environment().get_template("issue.tex.j2").render(
        main_babel=babel_name(main if main != "und" else "ky"),
        langs=sorted({babel_name(x) for x in (*LANGS, main) if x != "und"}),
        journal_names=[{"babel": babel_name(lang if lang != "und" else "en"),
                        "text": escape(text)} for lang, text in names.items()],
        labels=[{"babel": babel_name(lang), "text": escape(issue_label(issue, lang))}
                for lang in LANGS],
        issn=escape(f"ISSN {j.issn}") if j and j.issn else None,
        eissn=escape(f"eISSN {j.eissn}") if j and j.eissn else None,
        publisher=escape(j.publisher) if j and j.publisher else None,
        contents=[{"babel": babel_name(lang), "text": escape(word)}
                  for lang, word in zip(LANGS, ("Мазмуну", "Содержание", "Contents"),
                                        strict=True)],
        sections=sections,
        pdf_title=pdf_escape(f"{names[main]}. {issue_label(issue, 'en')}"),
        pdf_date=Markup(epoch),
        # Fixed by the journal and the issue, as an article's is by its DOI and edition.
        pdf_uuid=Markup(uuid.uuid5(uuid.NAMESPACE_URL,
                                   f"{j.issn if j else ''}/{issue.key}#issue")),
    )


def _date_text(issue: Issue) -> str:
    """The PDF date of the issue: SOURCE_DATE_EPOCH when set, else its date or year."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    else:
        day = issue.date or dt.date(issue.year, 1, 1)
        when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return when.strftime("D:%Y%m%d%H%M%SZ")


# --- HTML and EPUB ------------------------------------------------------------------------------


def contents_context(journal: JournalFile, issue: Issue, items: list[Entry],
                     article_url: Any = None) -> dict[str, Any]:
    names = journal_names(journal)
    return {
        "lang": next(iter(names)) if next(iter(names)) != "und" else "ky",
        "journal_names": names,
        "labels": {lang: issue_label(issue, lang) for lang in LANGS},
        "issn": journal.journal.issn if journal.journal else None,
        "eissn": journal.journal.eissn if journal.journal else None,
        "publisher": journal.journal.publisher if journal.journal else None,
        "sections": [{"names": sec_names, "entries": [{
            "article": e.article, "titles": e.titles, "authors": e.authors,
            "pages": e.pages.shown(), "doi": e.doi,
            "href": article_url(e.article) if article_url else f"../{e.article}/{e.article}.html",
        } for e in group]} for sec_names, group in grouped(journal, issue, items)],
    }


def contents_html(journal: JournalFile, issue: Issue, items: list[Entry],
                  article_url: Any = None) -> str:
    """The contents as one HTML page (``templates/issue.html.j2``, autoescaped)."""
    import jinja2

    from ..fileio import TEMPLATES, template

    template("issue.html.j2")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    return env.get_template("issue.html.j2").render(
        **contents_context(journal, issue, items, article_url))


def contents_epub(html: str, journal: JournalFile, issue: Issue, workdir: Path) -> bytes:
    """The contents as an EPUB 3, by pandoc from the HTML page (its language marks kept)."""
    from .. import limits

    workdir.mkdir(parents=True, exist_ok=True)
    src, out = workdir / "contents.html", workdir / "contents.epub"
    src.write_text(html, encoding="utf-8")
    names = journal_names(journal)
    main = next(iter(names))
    title = f"{names[main]}. {issue_label(issue, main if main in LANGS else 'en')}"
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    proc = limits.run([pandoc, "--from=html", "--to=epub3", "--output", out.name,
                       f"--metadata=title:{title}",
                       f"--metadata=lang:{main if main != 'und' else 'ky'}",
                       "--metadata=identifier:urn:basma:issue:" + issue.key, src.name],
                      cwd=workdir, file=src, stage="pandoc (the issue's contents EPUB)",
                      seconds=300, memory=3 * limits.GB, error=IssueError,
                      hint="see the issue's contents", text=True)
    if proc.returncode != 0:
        raise IssueError(src, f"pandoc failed: {(proc.stderr or '').strip()[:200]}",
                         "see the issue's contents")
    return out.read_bytes()
