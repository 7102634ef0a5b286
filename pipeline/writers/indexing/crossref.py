"""A Crossref deposit, schema 5.3.1, for one article (``<id>.crossref.xml``).

OJS deposits the primary language only (pkp-lib #9126); here every language is
there: one ``<titles>`` block per language (the article's first: Crossref's
schema gives titles no language attribute), each author's ``person_name`` in the
Latin script with ``alt-name`` for every other script, ORCID and ROR as URLs, one
``jats:abstract xml:lang`` per language (Crossref staff confirmed several are
fine), the licence as an Access Indicators ``license_ref``, and the reference list
as ``unstructured_citation``s. Batch and depositor data come from the journal's
settings (``input/journal.yaml``). It validates against the XSD in ``../shared/schemas``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lxml import etree

from .common import UNDETERMINED, Article, PersonName, ordered_langs
from .xml import XML_LANG, serialize, sub

CR = "http://www.crossref.org/schema/5.3.1"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
AI = "http://www.crossref.org/AccessIndicators.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: CR, "jats": JATS, "ai": AI, "xsi": XSI}

#: The languages Crossref's ``language`` attribute takes that this journal uses
#: (ISO 639-1, as ``common5.3.1.xsd`` enumerates them).
_CROSSREF_LANGS = frozenset({"ky", "ru", "en", "kk", "uz", "tg", "tr", "de", "fr", "zh"})


#: Crossref's length limits on the fields an article's text fills (its XSD's
#: ``maxLength`` facets): a longer value is cut, and the cut is a note.
LIMITS = {"full_title": 255, "given_name": 60, "surname": 60, "institution_name": 1024,
          "issue": 32, "depositor_name": 130, "registrant": 255}
#: Notes of the cuts made while one deposit is written (``render_crossref`` resets it).
_CUTS: list[str] = []


def fit(tag: str, text: str) -> str:
    """``text`` cut to Crossref's limit for ``tag`` (at a space where it can), with "…".

    >>> fit("surname", "x" * 70) == "x" * 59 + "…"
    True
    """
    limit = LIMITS.get(tag)
    if limit is None or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    _CUTS.append(f"Crossref: {tag} cut to its {limit} characters: {cut[:40]!r}…")
    return cut.rstrip() + "…"


def _c(parent: Any, tag: str, text: str | int | None = None, **attrs: str | None) -> Any:
    if isinstance(text, str):
        text = fit(tag, text)
    return sub(parent, f"{{{CR}}}{tag}", text, **attrs)


def _lang_attr(lang: str) -> str | None:
    return lang if lang in _CROSSREF_LANGS else None


def timestamp_text(seconds: int) -> str:
    """Crossref's ``timestamp``: the batch's version, ``yyyymmddhhmmss`` in UTC.

    >>> timestamp_text(1767225600)
    '20260101000000'
    """
    return dt.datetime.fromtimestamp(max(seconds, 0), dt.UTC).strftime("%Y%m%d%H%M%S")


def batch_id(a: Article) -> str:
    """A batch id from the article id and the version: unique per deposit of it."""
    return f"{a.id}-{timestamp_text(a.timestamp)}"[:100]


def _head(a: Article, root: Any) -> None:
    s, meta = a.settings, a.meta
    head = _c(root, "head")
    _c(head, "doi_batch_id", batch_id(a))
    _c(head, "timestamp", timestamp_text(a.timestamp))
    dep = _c(head, "depositor")
    publisher = meta.journal.publisher if meta.journal else None
    name = s.depositor.name if s.depositor else (publisher or a.journal_title("en") or "basma")
    _c(dep, "depositor_name", name)
    email = s.depositor.email if s.depositor else None
    if email is None:
        a.notes.append("Crossref: no depositor e-mail — add `depositor: {name:, email:}` to "
                       "input/journal.yaml before depositing")
    _c(dep, "email_address", email or "depositor@invalid.example")
    _c(head, "registrant", s.registrant or publisher or name)


def _date(parent: Any, tag: str, day: dt.date | None, year: int | None, **attrs: str) -> None:
    el = _c(parent, tag, **attrs)
    if day is not None:
        _c(el, "month", f"{day.month:02d}")
        _c(el, "day", f"{day.day:02d}")
        _c(el, "year", str(day.year))
    else:
        _c(el, "year", str(year))


def _names(parent: Any, name: PersonName) -> None:
    if name.given:
        _c(parent, "given_name", name.given)
    _c(parent, "surname", name.surname or name.full)


def _contributors(a: Article, art: Any) -> None:
    if not a.contributors:
        return
    group = _c(art, "contributors")
    affs = {aff.key: aff for aff in a.affiliations}
    for i, c in enumerate(a.contributors):
        person = _c(group, "person_name", sequence="first" if i == 0 else "additional",
                    contributor_role="author", language="en")
        _names(person, c.latin)
        places = [affs[k] for k in c.affiliations if k in affs]
        if places or c.ror:
            box = _c(person, "affiliations")
            for aff in places:
                inst = _c(box, "institution")
                _c(inst, "institution_name", aff.name("en"))
                if aff.ror:
                    _c(inst, "institution_id", aff.ror, type="ror")
            if c.ror and not any(p.ror == c.ror for p in places):
                inst = _c(box, "institution")
                _c(inst, "institution_id", c.ror, type="ror")
        if c.orcid:
            _c(person, "ORCID", c.orcid)
        others = [(lang, n) for lang, n in c.names.items() if n != c.latin]
        if others:
            alt = _c(person, "alt-name")
            for lang, n in others:
                el = _c(alt, "name", language=_lang_attr(lang))
                _c(el, "surname", n.surname or n.full)
                if n.given:
                    _c(el, "given_name", n.given)


def _titles(a: Article, art: Any) -> None:
    titles = list(a.titles.values()) or [a.meta.doi or a.id]
    for text in titles[:20]:
        block = _c(art, "titles")
        _c(block, "title", text)


def _abstracts(a: Article, art: Any) -> None:
    for lang, paras in a.abstracts.items():
        el = sub(art, f"{{{JATS}}}abstract")
        if lang != UNDETERMINED:
            el.set(XML_LANG, lang)
        for text in paras:
            sub(el, f"{{{JATS}}}p", text)


def _license(a: Article, art: Any) -> None:
    meta = a.meta
    if not meta.license_url:
        return
    prog = sub(art, f"{{{AI}}}program", name="AccessIndicators")
    if "creativecommons.org/" in meta.license_url:  # an open licence: free to read
        sub(prog, f"{{{AI}}}free_to_read")
    day = a.publication_date()
    sub(prog, f"{{{AI}}}license_ref", meta.license_url,
        start_date=day.isoformat() if day else None, applies_to="vor")


def _citations(a: Article, art: Any) -> None:
    works = a.cited_works()
    if not works:
        return
    group = _c(art, "citation_list")
    for n, (b, *_) in enumerate(works, 1):  # each work once, as the first list gives it
        key = re.sub(r"[^A-Za-z0-9._-]", "-", b.id)[:120] or f"ref{n}"
        cit = _c(group, "citation", key=key)
        doi = re.search(r"\b10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)]", b.text)
        if doi:
            _c(cit, "doi", doi.group(0))
        _c(cit, "unstructured_citation", b.text)


def render_crossref(a: Article) -> bytes:
    """The deposit XML; ``a.meta.doi`` must be set (``indexing_files`` checks)."""
    meta = a.meta
    _CUTS.clear()
    root = etree.Element(f"{{{CR}}}doi_batch", nsmap=NSMAP)
    root.set("version", "5.3.1")
    root.set(f"{{{XSI}}}schemaLocation",
             f"{CR} https://www.crossref.org/schemas/crossref5.3.1.xsd")
    _head(a, root)
    body = _c(root, "body")
    journal = _c(body, "journal")
    jm = _c(journal, "journal_metadata", language=_lang_attr(a.lang))
    names = dict(meta.journal.name) if meta.journal else {}
    for lang in ordered_langs(names, a.lang)[:10]:
        _c(jm, "full_title", names[lang])
    if not names:
        _c(jm, "full_title", a.journal_title("en") or a.id)
    if meta.journal and meta.journal.issn:
        _c(jm, "issn", meta.journal.issn, media_type="print")
    if meta.journal and meta.journal.eissn:
        _c(jm, "issn", meta.journal.eissn, media_type="electronic")
    day = a.publication_date()
    # Crossref needs a year; without one the batch's own year stands (never today's:
    # the same input must give the same file).
    year = a.year() or dt.datetime.fromtimestamp(max(a.timestamp, 0), dt.UTC).year
    issue = _c(journal, "journal_issue")
    _date(issue, "publication_date", day, year, media_type="online")
    if meta.volume is not None:
        vol = _c(issue, "journal_volume")
        _c(vol, "volume", str(meta.volume))
    if meta.issue is not None:
        _c(issue, "issue", meta.issue)
    art = _c(journal, "journal_article", publication_type="full_text",
             language=_lang_attr(a.lang))
    _titles(a, art)
    _contributors(a, art)
    _abstracts(a, art)
    _date(art, "publication_date", day, year, media_type="online")
    if meta.accepted:
        _date(art, "acceptance_date", meta.accepted, None)
    if meta.first_page is not None:
        pages = _c(art, "pages")
        _c(pages, "first_page", str(meta.first_page))
        if meta.last_page is not None:
            _c(pages, "last_page", str(meta.last_page))
    _license(a, art)
    doi_data = _c(art, "doi_data")
    _c(doi_data, "doi", meta.doi)
    resource = a.landing_url()
    if resource is None:
        a.notes.append("Crossref: no resource URL — set `url:` (or `article_url:`) in "
                       "input/journal.yaml; the DOI's own address stands in")
        resource = a.doi_url
    _c(doi_data, "resource", resource)
    _citations(a, art)
    a.notes.extend(dict.fromkeys(_CUTS))
    return serialize(root)
