"""eLibrary.ru's "Articulus" import XML for one article (``<id>.elibrary.xml``).

RSCI (РИНЦ), by which Kyrgyz and Russian journals are judged, takes titles,
abstracts, keywords and each author's data per language (``KIR``/``RUS``/``ENG``:
``pipeline/languages.py``). eLibrary publishes no schema: the one this file is
checked against, ``schemas/elibrary.xsd``, is written from the format's field list
(see its header). ``initials`` holds the given names in full, as the OJS export
plugins write them and eLibrary accepts; the English ``individInfo`` uses the
Latin-script name (``common.Contributor.latin``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from ...languages import elibrary_code
from .common import UNDETERMINED, Article
from .xml import serialize, sub

SCHEMA = Path(__file__).resolve().parent / "schemas" / "elibrary.xsd"
#: eLibrary's article types; the journal publishes research articles (RAR).
ART_TYPE = "RAR"


def _code(lang: str, fallback: str) -> str:
    return elibrary_code(lang) or elibrary_code(fallback) or "ENG"


def _pages(a: Article) -> str | None:
    first, last = a.meta.first_page, a.meta.last_page
    if first is None:
        return None
    return f"{first}-{last}" if last is not None and last != first else str(first)


def _authors(a: Article, art: object) -> None:
    if not a.contributors:
        return
    affs = {aff.key: aff for aff in a.affiliations}
    box = sub(art, "authors")
    for n, c in enumerate(a.contributors, 1):
        au = sub(box, "author", num=f"{n:03d}")
        if c.orcid:
            codes = sub(au, "authorCodes")
            sub(codes, "orcid", c.orcid.rsplit("/", 1)[-1])
        langs = [lang for lang in a.langs() if elibrary_code(lang)]
        if "en" not in langs:
            langs.append("en")
        for lang in langs:
            if lang != "en" and lang not in c.names and UNDETERMINED not in c.names:
                continue
            name = c.name(lang)
            info = sub(au, "individInfo", lang=_code(lang, a.lang))
            sub(info, "surname", name.surname or name.full)
            if name.given:
                sub(info, "initials", name.given)
            for key in c.affiliations:
                if key in affs:
                    sub(info, "orgName", affs[key].name(lang))
            if c.email:
                sub(info, "email", c.email)


def render_elibrary(a: Article) -> bytes:
    meta = a.meta
    root = etree.Element("journal")
    if a.settings.elibrary_titleid:
        sub(root, "titleid", a.settings.elibrary_titleid)
    journal = meta.journal
    if journal and journal.issn:
        sub(root, "issn", journal.issn)
    if journal and journal.eissn:
        sub(root, "eissn", journal.eissn)
    for lang, name in (journal.name.items() if journal else []):
        if elibrary_code(lang) or lang == UNDETERMINED:
            info = sub(root, "journalInfo", lang=_code(lang, a.lang))
            sub(info, "title", name)
            if journal and journal.publisher:
                sub(info, "publ", journal.publisher)
    issue = sub(root, "issue")
    if meta.volume is not None:
        sub(issue, "volume", str(meta.volume))
    if meta.issue is not None:
        sub(issue, "number", meta.issue)
    year = a.year()
    if year is None:  # the batch's year stands in (never today's: builds repeat)
        a.notes.append("eLibrary: no year — give `year:` in meta.yaml")
        year = dt.datetime.fromtimestamp(max(a.timestamp, 0), dt.UTC).year
    sub(issue, "dateUni", str(year))
    arts = sub(issue, "articles")
    art = sub(arts, "article")
    pages = _pages(a)
    if pages:
        sub(art, "pages", pages)
    sub(art, "artType", ART_TYPE)
    sub(art, "langPubl", _code(a.lang, "en"))
    _authors(a, art)
    titles = sub(art, "artTitles")
    for lang, text in (a.titles or {a.lang: meta.doi or a.id}).items():
        sub(titles, "artTitle", text, lang=_code(lang, a.lang))
    if a.abstracts:
        box = sub(art, "abstracts")
        for lang, paras in a.abstracts.items():
            sub(box, "abstract", "\n\n".join(paras), lang=_code(lang, a.lang))
    if meta.udc or meta.doi:
        codes = sub(art, "codes")
        if meta.udc:
            sub(codes, "udk", meta.udc)
        if meta.doi:
            sub(codes, "doi", meta.doi)
    if a.keywords:
        box = sub(art, "keywords")
        for lang, words in a.keywords.items():
            group = sub(box, "kwdGroup", lang=_code(lang, a.lang))
            for word in words:
                sub(group, "keyword", word)
    works = a.cited_works()
    if works:
        box = sub(art, "references")
        for work in works:  # one reference, with its transliterated entry if printed
            ref = sub(box, "reference")
            for b in work:
                info = sub(ref, "refInfo", lang=_code(b.lang, a.lang))
                sub(info, "text", b.text)
    day = a.publication_date()
    if meta.received or meta.accepted or day:
        dates = sub(art, "dates")
        if meta.received:
            sub(dates, "dateReceived", meta.received.isoformat())
        if meta.accepted:
            sub(dates, "dateAccepted", meta.accepted.isoformat())
        if meta.published:
            sub(dates, "datePublication", meta.published.isoformat())
    files = sub(art, "files")
    sub(files, "file", a.pdf_name("full"), desc="fullText")
    return serialize(root)


def schema() -> etree.XMLSchema:
    """The schema the file is checked against (for the tests and ``make check``)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))
