"""The article's web pages: one per language and the full one (``<id>.<lang>.html``, ``<id>.html``).

Google Scholar reads ``citation_*`` meta tags and indexes one language per
address, so each language gets its own page with the tags in that language (the
English page's authors in Latin script), schema.org ``ScholarlyArticle`` JSON-LD,
and ``hreflang`` links between the versions. Each page shows what that language's
PDF edition shows (``editions.make_edition``: its title, abstract and keywords, the
body or a notice naming the body's language, the references), styled by the
journal's web CSS (``templates/html.css``), with no script and nothing loaded
from elsewhere.

The page is rendered by ``templates/article.html.j2`` with autoescape on; the text
of every block goes in as data (a tree of strings and span wrappers), never as
markup, and the JSON-LD is serialised by ``json`` with ``<``, ``>`` and ``&``
escaped, so no text can close its ``<script>``.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2
from markupsafe import Markup

from ..fileio import TEMPLATES, template
from ..model import EDITION_LANGS, Block
from .editions import Edition, format_date, output_name, ui_strings
from .indexing.common import UNDETERMINED, Article, inline_segments, xml_safe
from .inline import nest

#: The pages, in the order they are made: the full edition, then one per language.
PAGE_KEYS = ("full",) + EDITION_LANGS


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _tree(nodes: list[Any]) -> list[Any]:
    """``nest`` output as the template walks it: text, or {kind, value, children}."""
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(xml_safe(node))
        else:
            (kind, value, _), children = node
            out.append({"kind": kind, "value": value, "children": _tree(children)})
    return out


def inline(b: Block, targets: set[str]) -> list[Any]:
    return _tree(nest(inline_segments(b, targets)))


def _other(lang: str, context: str) -> str | None:
    """``lang`` when it differs from the page's (for a ``lang`` attribute), else None."""
    return lang if lang != context and lang != UNDETERMINED else None


def body_view(ed: Edition, targets: set[str], a: Article | None = None
              ) -> list[dict[str, Any]]:
    """The body's blocks as the template shows them; list items grouped in lists;
    figures, tables and equations with their captions (``object_view``)."""
    from .visuals import captions, objects

    found = objects(ed.body)
    caps = {k: v for k, v in captions(ed.body).items() if k in found}
    targets = targets | set(found)
    from .visuals import safe_tex

    # One pandoc run makes the MathML of every equation on the page.
    mathml([t for b in found.values() if b.role == "equation" and b.visual
            for t in [safe_tex(b.visual.tex)] if t])
    out: list[dict[str, Any]] = []
    for b in ed.body:
        if b.role == "caption" and b.of in found:
            continue  # in its <figcaption> or <caption>
        if b.id in found:
            out.append(object_view(b, caps.get(b.id, []), ed, targets, a))
            continue
        if not b.text.strip():
            continue
        view = {"id": b.id, "lang": _other(b.lang, ed.lang), "nodes": inline(b, targets)}
        if b.role == "list_item":
            if not out or out[-1]["kind"] != "list":
                out.append({"kind": "list", "items": []})
            out[-1]["items"].append(view)
            continue
        if b.role == "heading":
            number = b.number if b.number and not b.text.lstrip().startswith(b.number) else None
            view |= {"kind": "heading", "level": min(6, (b.level or 1) + 1), "number": number}
        elif b.role in ("quote", "caption"):
            view |= {"kind": b.role}
        else:
            view |= {"kind": "paragraph"}
        out.append(view)
    return out


def object_view(b: Block, caps: list[Block], ed: Edition, targets: set[str],
                a: Article | None) -> dict[str, Any]:
    """A figure, table or equation as the template shows it: its captions (label in
    the page's language), its picture (``assets/…``, as the outputs hold it) with its
    alternative text, a table's cells with their spans and header scopes."""
    from .visuals import alt_text, caption_for, picture, safe_tex, table_grid

    shown = caption_for(b, caps, ed.lang, ui_strings(ed.lang), every=ed.key == "full")
    view: dict[str, Any] = {
        "kind": b.role, "id": b.id, "lang": _other(b.lang, ed.lang),
        "captions": [{"label": c.label, "lang": _other(c.lang, ed.lang),
                      "nodes": inline(c.block, targets) if c.text else []} for c in shown],
        "alt": alt_text(b, shown), "number": b.number, "image": None,
    }
    pic = picture(ed.root, b, a.notes if a is not None else None)
    if pic is not None and b.role != "table":
        if a is not None:
            a.pictures[pic.name] = pic
        view["image"] = {"src": pic.name, "width": pic.width, "height": pic.height}
    if b.role == "equation":
        view["tex"] = safe_tex(b.visual.tex if b.visual else None)
        view["mathml"] = mathml([view["tex"]]).get(view["tex"]) if view["tex"] else None
        view["text"] = xml_safe(" ".join(b.text.split()))
    if b.role == "table":
        g = table_grid(b.cells, b.visual.merges if b.visual else None)
        grid, spans, hidden = g.rows, g.spans, g.hidden
        head = b.header_rows or 0

        def cells(k: int) -> list[dict[str, Any]]:
            return [{"text": xml_safe(t), "rows": spans.get((k, c), (1, 1))[0],
                     "cols": spans.get((k, c), (1, 1))[1]}
                    for c, t in enumerate(grid[k]) if (k, c) not in hidden]

        view["head"] = [cells(k) for k in range(min(head, len(grid)))]
        view["rows"] = [cells(k) for k in range(head, len(grid))]
    return view


#: MathML already made in this process, by LaTeX (an article's pages share equations).
_MATHML: dict[str, Markup | None] = {}


def mathml(formulas: list[str]) -> dict[str, Markup | None]:
    """MathML for checked LaTeX formulas (``visuals.safe_tex``), made by pandoc's
    texmath in one run for all of them; None for a formula it could not convert.

    What comes back is kept only if it is one ``<math>`` element of MathML elements
    alone (no attribute that could run anything): the page has no script.
    """
    wanted = [f for f in dict.fromkeys(formulas) if f not in _MATHML]
    if wanted:
        _MATHML.update(_convert(wanted))
    return {f: _MATHML.get(f) for f in formulas}


def _convert(formulas: list[str]) -> dict[str, Markup | None]:
    from lxml import etree

    from .. import limits
    from ..errors import TypesetError
    from .epub import pandoc_api_version, pandoc_path

    doc = {"pandoc-api-version": pandoc_api_version(), "meta": {},
           "blocks": [{"t": "Para", "c": [{"t": "Math", "c": [{"t": "DisplayMath"}, f]}]}
                      for f in formulas]}
    try:
        proc = limits.run([pandoc_path(), "--from=json", "--to=html5", "--mathml"],
                          input=json.dumps(doc).encode(), file="pandoc",
                          stage="pandoc writing MathML", seconds=60, memory=limits.GB,
                          hint="look for a huge formula", error=TypesetError)
    except (OSError, TypesetError):
        return dict.fromkeys(formulas)
    if proc.returncode != 0:
        return dict.fromkeys(formulas)
    try:
        root = etree.fromstring(b"<div>" + proc.stdout + b"</div>")
    except etree.XMLSyntaxError:
        return dict.fromkeys(formulas)
    paras = root.findall("p")
    out: dict[str, Markup | None] = dict.fromkeys(formulas)
    if len(paras) != len(formulas):
        return out
    for formula, p in zip(formulas, paras, strict=True):
        maths = list(p)
        if len(maths) != 1 or etree.QName(maths[0]).localname != "math" or not all(
                etree.QName(el).namespace == _MATHML_NS and
                set(el.attrib) <= _MATHML_ATTRIBUTES for el in maths[0].iter()):
            continue
        out[formula] = Markup(etree.tostring(maths[0], encoding="unicode"))  # noqa: S704
    return out


_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
#: The attributes texmath writes; nothing else passes (no on…, no href).
_MATHML_ATTRIBUTES = {"display", "form", "stretchy", "fence", "accent", "accentunder",
                      "mathvariant", "lspace", "rspace", "linethickness", "columnalign",
                      "rowspacing", "columnspacing", "separator", "largeop", "movablelimits",
                      "symmetric", "minsize", "maxsize", "encoding", "width", "displaystyle",
                      "scriptlevel", "columnlines", "rowlines", "frame", "equalrows",
                      "equalcolumns", "rowalign", "align", "mathsize"}


def _numbered(blocks: list[Block], context: str, targets: set[str]) -> list[dict[str, Any]]:
    return [{"id": b.id, "number": b.number, "lang": _other(b.lang, context),
             "nodes": inline(b, targets)} for b in blocks]


def _journal_line(a: Article, lang: str) -> str:
    ui = ui_strings(lang)
    meta = a.meta
    parts = [a.journal_title(lang)]
    if meta.volume is not None:
        parts.append(f"{ui['volume']}\u00a0{meta.volume}")
    if meta.issue is not None:
        parts.append(f"{ui['issue']}\u00a0{meta.issue}")
    if a.year():
        parts.append(str(a.year()))
    if meta.first_page is not None:
        pages = str(meta.first_page)
        if meta.last_page is not None and meta.last_page != meta.first_page:
            pages += f"–{meta.last_page}"
        parts.append(f"{ui['pages']}\u00a0{pages}")
    return ", ".join(p for p in parts if p)


def _langs_of(a: Article, key: str) -> list[str]:
    """The languages whose abstract and keywords a page shows."""
    return a.langs() if key == "full" else [key]


def citation_tags(a: Article, key: str, lang: str, title: str) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` tags of one page, in that page's language."""
    meta = a.meta
    tags = [("citation_title", title)]
    affs = {aff.key: aff for aff in a.affiliations}
    for c in a.contributors:
        tags.append(("citation_author", c.name(lang).full))
        for k in c.affiliations:
            if k in affs:
                tags.append(("citation_author_institution", affs[k].name(lang)))
        if c.orcid:
            tags.append(("citation_author_orcid", c.orcid))
    day = a.publication_date()
    if day:
        tags.append(("citation_publication_date", day.strftime("%Y/%m/%d")))
    elif a.year():
        tags.append(("citation_publication_date", str(a.year())))
    if a.journal_title(lang):
        tags.append(("citation_journal_title", a.journal_title(lang)))
    if meta.journal and meta.journal.publisher:
        tags.append(("citation_publisher", meta.journal.publisher))
    for issn in (meta.journal.issn, meta.journal.eissn) if meta.journal else ():
        if issn:
            tags.append(("citation_issn", issn))
    if meta.volume is not None:
        tags.append(("citation_volume", str(meta.volume)))
    if meta.issue is not None:
        tags.append(("citation_issue", meta.issue))
    if meta.first_page is not None:
        tags.append(("citation_firstpage", str(meta.first_page)))
    if meta.last_page is not None:
        tags.append(("citation_lastpage", str(meta.last_page)))
    if meta.doi:
        tags.append(("citation_doi", meta.doi))
    pdf = a.pdf_name(key)
    tags.append(("citation_pdf_url", a.file_url(pdf) or pdf))
    tags.append(("citation_language", lang))
    abstract = " ".join(a.abstracts.get(lang, []))
    if abstract:
        tags.append(("citation_abstract", abstract))
    if a.keywords.get(lang):
        tags.append(("citation_keywords", "; ".join(a.keywords[lang])))
    return [(name, xml_safe(value)) for name, value in tags]


def json_ld(a: Article, key: str, lang: str, title: str) -> Markup:
    """schema.org ``ScholarlyArticle`` of one page, safe inside ``<script>``."""
    meta = a.meta
    affs = {aff.key: aff for aff in a.affiliations}
    authors = []
    for c in a.contributors:
        name = c.name(lang)
        person: dict[str, Any] = {"@type": "Person", "name": name.full,
                                  "familyName": name.surname}
        if name.given:
            person["givenName"] = name.given
        if c.orcid:
            person["identifier"] = c.orcid
            person["sameAs"] = c.orcid
        orgs = []
        for k in c.affiliations:
            if k in affs:
                org: dict[str, Any] = {"@type": "Organization", "name": affs[k].name(lang)}
                if affs[k].ror:
                    org["sameAs"] = affs[k].ror
                orgs.append(org)
        if orgs:
            person["affiliation"] = orgs
        authors.append(person)
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                            "headline": title, "name": title, "inLanguage": lang}
    # Only the full page names the other titles: a language's page stays in its language.
    others = {k: v for k, v in a.titles.items() if v != title} if key == "full" else {}
    if others:
        data["alternativeHeadline"] = list(others.values())
    if authors:
        data["author"] = authors
    day = a.publication_date()
    if day or a.year():
        data["datePublished"] = day.isoformat() if day else str(a.year())
    abstract = " ".join(a.abstracts.get(lang, []))
    if abstract:
        data["abstract"] = abstract
    if a.keywords.get(lang):
        data["keywords"] = a.keywords[lang]
    if meta.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": meta.doi}
        data["sameAs"] = a.doi_url
    if meta.first_page is not None:
        data["pageStart"] = str(meta.first_page)
    if meta.last_page is not None:
        data["pageEnd"] = str(meta.last_page)
    if meta.license_url or meta.license:
        data["license"] = meta.license_url or meta.license
    url = a.file_url(a.page_name(key))
    if url:
        data["url"] = url
    periodical: dict[str, Any] = {"@type": "Periodical", "name": a.journal_title(lang)}
    if meta.journal and (meta.journal.issn or meta.journal.eissn):
        periodical["issn"] = [i for i in (meta.journal.issn, meta.journal.eissn) if i]
    if meta.journal and meta.journal.publisher:
        periodical["publisher"] = {"@type": "Organization", "name": meta.journal.publisher}
    part: dict[str, Any] = periodical
    if meta.volume is not None:
        part = {"@type": "PublicationVolume", "volumeNumber": str(meta.volume),
                "isPartOf": part}
    if meta.issue is not None:
        part = {"@type": "PublicationIssue", "issueNumber": meta.issue, "isPartOf": part}
    data["isPartOf"] = part
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = xml_safe(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - JSON with every markup character escaped


def page_context(a: Article, key: str) -> dict[str, Any]:
    ed = a.editions[key]
    lang = ed.lang
    ui = ui_strings(lang)
    targets = {b.id for b in a.references} | {b.id for b in ed.footnotes}
    titles = list(ed.titles) or [(a.lang, a.meta.doi or a.id)]
    main = next((t for t in titles if t[0] == lang), titles[0])
    title = main[1]
    affs = {aff.key: aff for aff in a.affiliations}
    numbers = {aff.key: n for n, aff in enumerate(a.affiliations, 1)}
    abstracts = []
    for code in _langs_of(a, key):
        if not (a.abstracts.get(code) or a.keywords.get(code)):
            continue
        their = ui_strings(code)
        abstracts.append({"lang": code, "label": their["abstract"],
                          "paras": a.abstracts.get(code, []),
                          "keywords_label": their["keywords"],
                          "keywords": "; ".join(a.keywords.get(code, []))})
    links = []
    for other in PAGE_KEYS:
        href = a.file_url(a.page_name(other)) or a.page_name(other)
        label = ui_strings(other)["language_name"] if other != "full" else ui["html_full"]
        links.append({"key": other, "hreflang": "x-default" if other == "full" else other,
                      "href": href, "label": label, "current": other == key,
                      "lang": None if other == "full" else other})
    dates = []
    for field in ("received", "accepted"):
        day = getattr(a.meta, field)
        if day:
            dates.append(f"{ui[field]}: {format_date(day, lang)}")
    references = [{"heading": inline(h, targets) if h is not None else None,
                   "heading_lang": _other(h.lang, lang) if h is not None else None,
                   "items": _numbered(items, lang, targets)}
                  for h, items in ed.reference_lists()]
    # The notes a mark on the page links to: each links back to its mark.
    marked = {s.xref for b in [*ed.front, *ed.body] for s in b.spans
              if s.style == "note" and s.xref}
    template("html.css")
    return {
        "lang": lang,
        "key": key,
        "title": title,
        "title_lang": _other(main[0], lang),
        "other_titles": [{"lang": _other(t_lang, lang), "text": text}
                         for t_lang, text in titles if (t_lang, text) != main],
        "journal_line": _journal_line(a, lang),
        "doi": a.meta.doi,
        "doi_url": a.doi_url,
        "authors": [{"name": c.name(lang).full, "lang": _other(c.name_lang(lang), lang),
                     "orcid": c.orcid, "email": c.email,
                     "affs": [numbers[k] for k in c.affiliations if k in numbers]}
                    for c in a.contributors],
        "affiliations": [{"n": numbers[k], "name": affs[k].name(lang)} for k in numbers],
        "dates": dates,
        "license": a.meta.license,
        "license_url": a.meta.license_url,
        "abstracts": abstracts,
        "notice": ed.notice,
        "body": body_view(ed, targets, a),
        "footnotes": [n | {"marked": n["id"] in marked}
                      for n in _numbered(ed.footnotes, lang, targets)],
        "references": references,
        "links": links,
        "canonical": a.file_url(a.page_name(key)),
        "pdf": output_name(a.id, key, "pdf"),
        "tags": citation_tags(a, key, lang, title),
        "jsonld": json_ld(a, key, lang, title),
        "css": Markup((TEMPLATES / "html.css").read_text(encoding="utf-8")),  # noqa: S704
        "ui": ui,
    }


def render_page(a: Article, key: str) -> bytes:
    template("article.html.j2")  # recorded as read: the loader itself does not say
    page = _environment().get_template("article.html.j2")
    return page.render(**page_context(a, key)).encode("utf-8")


def render_pages(a: Article) -> dict[str, bytes]:
    """Every page of the article, by file name."""
    return {a.page_name(key): render_page(a, key) for key in PAGE_KEYS if key in a.editions}
