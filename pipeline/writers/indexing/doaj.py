"""DOAJ's article XML for one article (``<id>.doaj.xml``, ``doajArticles.xsd``).

Every title, abstract and keyword set carries its language as ISO 639-2/B
(``kir``, ``rus``, ``eng``: ``pipeline/languages.py``); names are in Latin script
(DOAJ shows one name per author); ORCIDs are full URLs. A language DOAJ's list
lacks (``la``, ``und``) is left without the attribute rather than guessed.
"""

from __future__ import annotations

from lxml import etree

from ...languages import iso639_2b
from .common import Article
from .xml import serialize, sub

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def render_doaj(a: Article) -> bytes:
    meta = a.meta
    root = etree.Element("records", nsmap={"xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation",
             "https://doaj.org/static/doaj/doajArticles.xsd")
    rec = sub(root, "record")
    if iso639_2b(a.lang):
        sub(rec, "language", iso639_2b(a.lang))
    journal = meta.journal
    if journal and journal.publisher:
        sub(rec, "publisher", journal.publisher)
    sub(rec, "journalTitle", a.journal_title("en") or a.journal_title(a.lang) or a.id)
    if journal and journal.issn:
        sub(rec, "issn", journal.issn)
    if journal and journal.eissn:
        sub(rec, "eissn", journal.eissn)
    day, year = a.publication_date(), a.year()
    if day is None and year is None:
        a.notes.append("DOAJ: no publication date — give `published:` or `year:` in meta.yaml")
    sub(rec, "publicationDate", day.isoformat() if day else str(year or "0000"))
    if meta.volume is not None:
        sub(rec, "volume", str(meta.volume))
    if meta.issue is not None:
        sub(rec, "issue", meta.issue)
    if meta.first_page is not None:
        sub(rec, "startPage", str(meta.first_page))
    if meta.last_page is not None:
        sub(rec, "endPage", str(meta.last_page))
    if meta.doi:
        sub(rec, "doi", meta.doi)
    sub(rec, "publisherRecordId", a.id)
    sub(rec, "documentType", "article")
    titles = a.titles or {a.lang: meta.doi or a.id}
    for lang, text in titles.items():
        sub(rec, "title", text, language=iso639_2b(lang))
    if a.contributors:
        authors = sub(rec, "authors")
        for c in a.contributors:
            au = sub(authors, "author")
            sub(au, "name", c.latin.full)
            if c.email:
                sub(au, "email", c.email)
            for key in c.affiliations:
                sub(au, "affiliationId", key)
            if c.orcid:
                sub(au, "orcid_id", c.orcid)
    if a.affiliations:
        box = sub(rec, "affiliationsList")
        for aff in a.affiliations:
            sub(box, "affiliationName", aff.name("en"), affiliationId=aff.key)
    for lang, paras in a.abstracts.items():
        sub(rec, "abstract", "\n\n".join(paras), language=iso639_2b(lang))
    url = a.landing_url() or a.doi_url
    if url is None:
        a.notes.append("DOAJ: no full-text address — set `url:` in input/journal.yaml "
                       "or give the article a doi")
    sub(rec, "fullTextUrl", url or "https://doi.org/", format="html")
    for lang, words in a.keywords.items():
        group = sub(rec, "keywords", language=iso639_2b(lang))
        for word in words:
            sub(group, "keyword", word)
    return serialize(root)
