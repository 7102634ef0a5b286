"""JATS 1.3 Journal Publishing XML of an article, trilingual (``<id>.jats.xml``).

Unlike pandoc's JATS writer (one abstract, one keyword group, no languages), every
language the article has is kept and tagged: ``article-title`` in the article's
language with a ``trans-title-group`` per other language, ``abstract`` plus a
``trans-abstract`` per language, one ``kwd-group`` per language, each author's
``name-alternatives`` (one ``name`` per script, the Latin one marked with the ICU
transform when romanised), affiliations per language with their ROR id, and in the
body ``xml:lang`` on every block and phrase in another language. It validates
against the JATS 1.3 Journal Publishing DTD (``tests/test_indexing.py``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...model import Block
from ..inline import nest
from .common import UNDETERMINED, Article, inline_segments
from .xml import XML_LANG, append_text, serialize, sub, xml_id

DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.3 '
           '20210610//EN" "https://jats.nlm.nih.gov/publishing/1.3/JATS-journalpublishing1-3.dtd">')
XLINK = "http://www.w3.org/1999/xlink"
NSMAP = {"xlink": XLINK, "mml": "http://www.w3.org/1998/Math/MathML",
         "ali": "http://www.niso.org/schemas/ali/1.0/"}


def _lang(el: Any, lang: str | None) -> Any:
    if lang and lang != UNDETERMINED:
        el.set(XML_LANG, lang)
    return el


def _date(parent: Any, tag: str, day: Any, **attrs: str) -> None:
    el = sub(parent, tag, **attrs)
    sub(el, "day", f"{day.day:02d}")
    sub(el, "month", f"{day.month:02d}")
    sub(el, "year", str(day.year))


def journal_meta(a: Article, front: Any) -> None:
    meta = a.meta
    jm = sub(front, "journal-meta")
    jid = (meta.journal.issn or meta.journal.eissn) if meta.journal else None
    sub(jm, "journal-id", jid or a.journal_title("en") or a.id,
        **{"journal-id-type": "publisher-id"})
    names = dict(meta.journal.name) if meta.journal else {}
    if names:
        group = sub(jm, "journal-title-group")
        main = a.lang if a.lang in names else next(iter(names))
        _lang(sub(group, "journal-title", names[main]), main)
        for lang, name in names.items():
            if lang != main and lang != UNDETERMINED:
                tg = _lang(sub(group, "trans-title-group"), lang)
                sub(tg, "trans-title", name)
    if meta.journal and meta.journal.issn:
        sub(jm, "issn", meta.journal.issn, **{"pub-type": "ppub"})
    if meta.journal and meta.journal.eissn:
        sub(jm, "issn", meta.journal.eissn, **{"pub-type": "epub"})
    if not (meta.journal and (meta.journal.issn or meta.journal.eissn)):
        # The DTD requires an ISSN: an empty one keeps the file valid, the note says why.
        sub(jm, "issn", "")
        a.notes.append("JATS: the journal has no ISSN — give journal.issn in meta.yaml")
    if meta.journal and meta.journal.publisher:
        pub = sub(jm, "publisher")
        sub(pub, "publisher-name", meta.journal.publisher)


def _contribs(a: Article, am: Any) -> None:
    if not a.contributors:
        return
    group = sub(am, "contrib-group")
    for c in a.contributors:
        contrib = sub(group, "contrib", **{"contrib-type": "author"})
        if c.orcid:
            sub(contrib, "contrib-id", c.orcid, **{"contrib-id-type": "orcid"})
        alts = sub(contrib, "name-alternatives")
        shown = dict(c.names)
        if "en" not in shown:
            shown["en"] = c.latin
        for lang, name in shown.items():
            el = sub(alts, "name", **{"name-style": "western"})
            _lang(el, lang)
            if lang == "en" and c.latin_from and "en" not in c.names:
                el.set("specific-use", f"transliteration {c.latin_from}")
            sub(el, "surname", name.surname)
            if name.given:
                sub(el, "given-names", name.given)
        if c.email:
            sub(contrib, "email", c.email)
        for key in c.affiliations:  # the mark printed after the name: the number
            sub(contrib, "xref", key.removeprefix("aff"), **{"ref-type": "aff", "rid": key})
    for aff in a.affiliations:
        alt = sub(group, "aff-alternatives", id=aff.key)
        for lang, name in aff.names.items():
            el = _lang(sub(alt, "aff"), lang)
            wrap = sub(el, "institution-wrap")
            if aff.ror:
                sub(wrap, "institution-id", aff.ror, **{"institution-id-type": "ror"})
            sub(wrap, "institution", name)


def article_meta(a: Article, front: Any) -> None:
    meta = a.meta
    am = sub(front, "article-meta")
    if meta.doi:
        sub(am, "article-id", meta.doi, **{"pub-id-type": "doi"})
    if meta.udc:
        cats = sub(am, "article-categories")
        group = sub(cats, "subj-group", **{"subj-group-type": "udc"})
        sub(group, "subject", meta.udc)
    tg = sub(am, "title-group")
    langs = list(a.titles)
    if langs:
        _lang(sub(tg, "article-title", a.titles[langs[0]]), langs[0])
        for lang in langs[1:]:
            ttg = _lang(sub(tg, "trans-title-group"), lang)
            sub(ttg, "trans-title", a.titles[lang])
    else:
        sub(tg, "article-title", meta.doi or a.id)
    _contribs(a, am)
    day = a.publication_date()
    if day:
        _date(am, "pub-date", day, **{"publication-format": "electronic", "date-type": "pub"})
    elif a.year():
        pd = sub(am, "pub-date", **{"publication-format": "electronic", "date-type": "pub"})
        sub(pd, "year", str(a.year()))
    if meta.volume is not None:
        sub(am, "volume", str(meta.volume))
    if meta.issue is not None:
        sub(am, "issue", meta.issue)
    if meta.first_page is not None:
        sub(am, "fpage", str(meta.first_page))
        if meta.last_page is not None:
            sub(am, "lpage", str(meta.last_page))
    if meta.received or meta.accepted:
        history = sub(am, "history")
        for kind in ("received", "accepted"):
            if getattr(meta, kind):
                _date(history, "date", getattr(meta, kind), **{"date-type": kind})
    if meta.license or meta.license_url:
        perms = sub(am, "permissions")
        lic = sub(perms, "license")
        if meta.license_url:
            lic.set(f"{{{XLINK}}}href", meta.license_url)
        sub(lic, "license-p", meta.license or meta.license_url)
    for i, (lang, paras) in enumerate(a.abstracts.items()):
        el = _lang(sub(am, "abstract" if i == 0 else "trans-abstract"), lang)
        for text in paras:
            sub(el, "p", text)
    for lang, words in a.keywords.items():
        group = _lang(sub(am, "kwd-group", **{"kwd-group-type": "author"}), lang)
        for word in words:
            sub(group, "kwd", word)


# --- the body ---------------------------------------------------------------------------


class _Body:
    """Blocks into JATS: sections by heading level, lists, quotes, tables, citations."""

    def __init__(self, a: Article):
        from ..visuals import captions, objects

        self.a = a
        self.objects = objects(a.body)
        self.captions = {k: v for k, v in captions(a.body).items() if k in self.objects}
        self.targets = {b.id for b in a.references} | set(self.objects) | {
            b.id for b in a.footnotes}

    def inline(self, el: Any, b: Block) -> Any:
        """``b``'s text and spans into ``el``: ``xref`` for a resolved citation,
        ``styled-content xml:lang`` for another language, ``italic``/``bold``."""
        self._fill(el, nest(inline_segments(b, self.targets)))
        return el

    def _fill(self, el: Any, nodes: list[Any]) -> None:
        for node in nodes:
            if isinstance(node, str):
                append_text(el, node)
                continue
            (kind, value, _), children = node
            if kind == "cite":
                child = sub(el, "xref", **{"ref-type": "bibr", "rid": xml_id(value)})
            elif kind == "fn":  # a note's mark: the note is the <fn> of that id
                child = sub(el, "xref", **{"ref-type": "fn", "rid": xml_id(value)})
            elif kind == "xref":
                role = self.objects[value].role
                child = sub(el, "xref", **{"ref-type": XREF_TYPE[role], "rid": xml_id(value)})
            elif kind == "lang":
                child = _lang(sub(el, "styled-content"), value)
            else:
                child = sub(el, kind)
            self._fill(child, children)

    def para(self, parent: Any, b: Block, context: str) -> Any:
        el = self.inline(sub(parent, "p"), b)
        return _lang(el, b.lang) if b.lang != context else el

    def blocks(self, body: Any) -> None:
        stack: list[tuple[int, Any]] = [(0, body)]
        current_list = None
        for b in self.a.body:
            if b.role == "caption" and b.of in self.objects:
                continue  # inside its fig or table-wrap
            if not b.text.strip() and b.role not in ("table", "figure", "equation"):
                continue
            if b.role != "list_item":
                current_list = None
            if b.role == "heading":
                level = max(1, b.level or 1)
                while stack[-1][0] >= level:
                    stack.pop()
                sec = _lang(sub(stack[-1][1], "sec", id=xml_id(b.id)),
                            b.lang if b.lang != self.a.lang else None)
                if b.number and not b.text.lstrip().startswith(b.number):
                    sub(sec, "label", b.number)
                self.inline(sub(sec, "title"), b)
                stack.append((level, sec))
                continue
            parent = stack[-1][1]
            if b.role == "list_item":
                if current_list is None:
                    current_list = sub(parent, "list", **{"list-type": "bullet"})
                item = sub(current_list, "list-item")
                self.para(item, b, self.a.lang)
                if b.lang != self.a.lang:
                    _lang(item, b.lang)
            elif b.role == "quote":
                q = sub(parent, "disp-quote")
                self.para(q, b, self.a.lang)
            elif b.role == "table":
                self.table(parent, b)
            elif b.role == "figure":
                self.figure(parent, b)
            elif b.role == "equation":
                self.equation(parent, b)
            else:
                self.para(parent, b, self.a.lang)

    def label_and_captions(self, el: Any, b: Block) -> list[Any]:
        """``label`` ("Сүрөт 1", in the article's language) and one ``caption`` per
        language the source captions the object in."""
        from ..editions import ui_strings
        from ..visuals import caption_for

        caps = caption_for(b, self.captions.get(b.id, []), self.a.lang,
                           ui_strings(self.a.lang), every=True)
        if caps and caps[0].label:
            sub(el, "label", caps[0].label.replace("\u00a0", " "))
        for cap in caps:
            if cap.text:
                caption = _lang(sub(el, "caption"), cap.lang if cap.lang != self.a.lang
                                else None)
                self.inline(sub(caption, "p"), cap.block)
        return caps

    def graphic(self, el: Any, b: Block, alt: str) -> Any:
        """``graphic`` linking the picture as the outputs hold it (``assets/…``)."""
        from ..visuals import picture

        pic = picture(self.a.root, b, self.a.notes)
        if pic is None:
            return None
        self.a.pictures[pic.name] = pic
        g = sub(el, "graphic", mimetype="image", **{"mime-subtype": pic.kind})
        g.set(f"{{{XLINK}}}href", pic.name)
        sub(g, "alt-text", alt)
        return g

    def figure(self, parent: Any, b: Block) -> None:
        from ..visuals import alt_text

        fig = _lang(sub(parent, "fig", id=xml_id(b.id)),
                    b.lang if b.lang not in (self.a.lang, UNDETERMINED) else None)
        caps = self.label_and_captions(fig, b)
        alt = alt_text(b, caps)
        if self.graphic(fig, b, alt) is None:
            sub(fig, "alt-text", alt)  # what it shows, where the picture is missing

    def equation(self, parent: Any, b: Block) -> None:
        from ..visuals import safe_tex

        formula = sub(parent, "disp-formula", id=xml_id(b.id))
        if b.number:
            sub(formula, "label", f"({b.number})")
        tex = safe_tex(b.visual.tex if b.visual else None)
        text = " ".join(b.text.split())
        if tex:
            sub(formula, "tex-math", tex)
        elif self.graphic(formula, b, text or "formula") is None:
            append_text(formula, text)

    def table(self, parent: Any, b: Block) -> None:
        from ..visuals import table_grid

        wrap = _lang(sub(parent, "table-wrap", id=xml_id(b.id)),
                     b.lang if b.lang not in (self.a.lang, UNDETERMINED) else None)
        self.label_and_captions(wrap, b)
        table = sub(wrap, "table")
        g = table_grid(b.cells, b.visual.merges if b.visual else None)
        grid, spans, hidden = g.rows, g.spans, g.hidden
        head = b.header_rows or 0

        def row_of(group: Any, k: int, tag: str) -> None:
            tr = sub(group, "tr")
            for c, cell in enumerate(grid[k]):
                if (k, c) in hidden:
                    continue
                nr, nc = spans.get((k, c), (1, 1))
                el = sub(tr, tag, cell, scope=("col" if nc == 1 else "colgroup")
                         if tag == "th" else None)
                if nr > 1:
                    el.set("rowspan", str(nr))
                if nc > 1:
                    el.set("colspan", str(nc))

        if head:
            thead = sub(table, "thead")
            for k in range(min(head, len(grid))):
                row_of(thead, k, "th")
        tbody = sub(table, "tbody")
        if len(grid) <= head:
            sub(sub(tbody, "tr"), "td", "")
        for k in range(head, len(grid)):
            row_of(tbody, k, "td")

    def back(self, article: Any) -> None:
        a = self.a
        if not a.references and not a.footnotes:
            return
        back = sub(article, "back")
        if a.footnotes:
            group = sub(back, "fn-group")
            for b in a.footnotes:
                fn = sub(group, "fn", id=xml_id(b.id))
                if b.number:
                    sub(fn, "label", b.number)
                self.para(fn, b, a.lang)
        lists: dict[int, list[Block]] = {}
        for b in a.references:
            lists.setdefault(b.ref_list or 1, []).append(b)
        for _n, items in sorted(lists.items()):
            ref_list = sub(back, "ref-list")
            for b in items:
                ref = sub(ref_list, "ref", id=xml_id(b.id))
                if b.number:
                    sub(ref, "label", b.number)
                cit = _lang(sub(ref, "mixed-citation", **{"publication-type": "other"}),
                            b.lang)
                self.inline(cit, b)


#: The ``ref-type`` of a cross-reference to each kind of object.
XREF_TYPE = {"figure": "fig", "table": "table", "equation": "disp-formula"}


def render_jats(a: Article) -> bytes:
    """The article as JATS 1.3 Journal Publishing XML."""
    article = etree.Element("article", nsmap=NSMAP)
    article.set("article-type", "research-article")
    article.set("dtd-version", "1.3")
    _lang(article, a.lang)
    front = sub(article, "front")
    journal_meta(a, front)
    article_meta(a, front)
    builder = _Body(a)
    body = sub(article, "body")
    builder.blocks(body)
    builder.back(article)
    return serialize(article, DOCTYPE)
