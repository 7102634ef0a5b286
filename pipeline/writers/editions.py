"""What goes into each edition: the full trilingual article or one language alone.

Both writers (LaTeX and EPUB) read an ``Edition`` rather than the raw document,
so the rules of what a Kyrgyz, Russian or English reader gets live in one place:

* the full edition has every title, abstract and keyword list, then the body;
* a single-language edition keeps only its own title, abstract and keywords, the
  body where it exists in that language (or an editor's translation), and
  otherwise a notice in its own language naming the body's language and the DOI;
* the reference list always appears whole: it is bibliographic data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..fileio import template
from ..model import EDITION_LANGS, FRONT_ROLES, Block, Document

if TYPE_CHECKING:
    from ..meta import Meta


@cache
def ui_strings(lang: str) -> dict[str, Any]:
    """The interface strings ("Abstract", "Keywords" …) of one language."""
    path = template(f"ui/{lang}.yaml")
    if not path.exists():
        path = template("ui/en.yaml")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Edition:
    """A view of the document for one edition."""

    key: str  # "full", "ky", "ru" or "en": also the output file's infix
    lang: str  # language of the edition's interface and main text
    meta: Meta
    titles: list[tuple[str, str]]  # (lang, title), in print order
    front: list[Block]  # abstracts and keyword lists, in print order
    body: list[Block]
    body_lang: str
    notice: str | None  # "The full text of the article is in Kyrgyz." + DOI
    references: list[Block]
    footnotes: list[Block]
    problems: list[str] = field(default_factory=list)
    #: The source's headings of its reference lists (kept for a second list's title).
    reference_headings: list[Block] = field(default_factory=list)
    #: The article's build folder, which ``Visual.image`` paths are relative to
    #: (``writers/visuals.py``); None: the figures print without their pictures.
    root: Path | None = None

    def reference_lists(self) -> list[tuple[Block | None, list[Block]]]:
        """The reference lists in order, each with the heading it had in the source.

        Russian journals print the Список литературы and then the same list
        transliterated under "References": both are kept, and from the second list
        on its own heading is shown, so the reader sees where one list ends.

        >>> from pipeline.meta import Meta
        >>> refs = [Block("ref-1", "reference", "ru", "Иванов И.", ref_list=1),
        ...         Block("ref2-1", "reference", "en", "Ivanov I.", ref_list=2)]
        >>> heads = [Block("b1", "references_heading", "ru", "Список литературы", ref_list=1),
        ...          Block("b2", "references_heading", "en", "References", ref_list=2)]
        >>> ed = Edition("full", "ru", Meta(), [], [], [], "ru", None, refs, [],
        ...              reference_headings=heads)
        >>> [(h and h.text, [b.id for b in items]) for h, items in ed.reference_lists()]
        [(None, ['ref-1']), ('References', ['ref2-1'])]
        """
        groups: dict[int, list[Block]] = {}
        for b in self.references:
            groups.setdefault(b.ref_list or 1, []).append(b)
        heads = {h.ref_list or 1: h for h in self.reference_headings}
        return [(heads.get(n) if i else None, items)
                for i, (n, items) in enumerate(sorted(groups.items()))]

    @property
    def ui(self) -> dict[str, Any]:
        return ui_strings(self.lang)

    def title(self) -> str:
        for lang, text in self.titles:
            if lang == self.lang:
                return text
        return self.titles[0][1] if self.titles else ""

    def ui_for(self, lang: str) -> dict[str, Any]:
        return ui_strings(lang)


def author_name(author: Any, lang: str) -> str:
    """An author's name as an edition in ``lang`` prints it (both writers).

    The name given in ``lang``, else the English one, else as given; the English
    edition is in Latin script, so a Cyrillic name without an English form is
    romanised (BGN/PCGN, ``indexing.common.to_latin``, as the indexing files do).
    """
    name = author.display_name(lang)
    if lang == "en" and "en" not in author.name:
        from .indexing.common import to_latin  # PyICU, only for such a name

        name = to_latin(name, next(iter(author.name), "und"))[0]
    return name


def format_date(day: dt.date, lang: str) -> str:
    """A date as ``lang`` writes it ("12 March 2026", "12-март 2026-ж."): both writers'."""
    ui = ui_strings(lang)
    return ui["date_format"].format(day=day.day, month=ui["months"][day.month - 1],
                                    year=day.year)


def body_language(doc: Document) -> str:
    """The language most body text is in, by characters; the editor's word wins."""
    declared = document_meta(doc).language
    if declared:
        return declared
    weight: Counter[str] = Counter()
    for b in doc.blocks:
        if b.role in ("paragraph", "list_item", "heading", "quote"):
            weight[b.lang] += len(b.text)
    return weight.most_common(1)[0][0] if weight else "en"


def _titles(doc: Document) -> dict[str, str]:
    titles: dict[str, str] = {}
    for b in doc.by_role("title"):
        titles.setdefault(b.lang, b.text)
    # The editor's metadata is authoritative over what extraction found.
    for lang, text in document_meta(doc).title.items():
        titles[lang] = text
    return titles


def document_meta(doc: Document) -> Meta:
    """``doc.meta`` as a ``Meta``: a document built in code may still hold a dict."""
    from ..meta import Meta  # here: the PDF and EPUB commands import this module too

    if isinstance(doc.meta, Meta):
        return doc.meta
    doc.meta = Meta.from_found(doc.meta, doc.problems)
    return doc.meta


def _lang_order(lang: str) -> int:
    return EDITION_LANGS.index(lang) if lang in EDITION_LANGS else len(EDITION_LANGS)


def make_edition(
    doc: Document, key: str, translation: list[Block] | None = None,
    root: Path | None = None,
) -> Edition:
    """Select what edition ``key`` ("full", "ky", "ru", "en") shows.

    ``translation`` is the editor's translated body for a single-language edition;
    ``root`` the article's build folder, where the figures' pictures are.
    """
    meta = document_meta(doc)
    body_lang = body_language(doc)
    titles = _titles(doc)
    front = [b for b in doc.blocks if b.role in ("abstract", "keywords")]
    body = [
        b
        for b in doc.blocks
        if b.role not in FRONT_ROLES
        and b.role not in ("reference", "references_heading", "footnote")
    ]
    references = doc.by_role("reference")
    footnotes = doc.by_role("footnote")

    if key == "full":
        ordered_titles = sorted(titles.items(), key=lambda kv: _lang_order(kv[0]))
        front = sorted(front, key=lambda b: _lang_order(b.lang))
        return Edition(
            key, body_lang, meta, ordered_titles, front, body, body_lang, None,
            references, footnotes, list(doc.problems), doc.by_role("references_heading"),
            root,
        )

    lang = key
    ui = ui_strings(lang)
    # Without a title in its language, the edition shows the original one (marked).
    own_titles = [(lang, titles[lang])] if lang in titles else sorted(
        titles.items(), key=lambda kv: (kv[0] != body_lang, _lang_order(kv[0])))[:1]
    own_front = [b for b in front if b.lang == lang]
    notice = None
    if translation:
        # A translation's own notes replace the article's, which are in another language.
        translated_notes = [b for b in translation if b.role == "footnote"]
        footnotes = translated_notes or footnotes
        translated = [b for b in translation if b.role != "footnote"]
        body, body_of = translated + carried_objects(body, lang, translated), lang
    elif body_lang == lang:
        body_of = lang
    else:
        names = ui.get("language_names", {})
        notice = ui["full_text_in"].format(language=names.get(body_lang, body_lang))
        body, body_of = carried_objects(body, lang), body_lang
    own_notes = footnotes if any(b.role not in _CARRIED for b in body) else []
    return Edition(
        key, lang, meta, own_titles, own_front, body, body_of, notice,
        references, own_notes, list(doc.problems), doc.by_role("references_heading"), root,
    )


#: What an edition without the article's own body still shows: its figures and
#: tables (data, like the reference list), each with its caption.
_CARRIED = ("figure", "table", "caption")


def carried_objects(body: list[Block], lang: str, translated: list[Block] | None = None
                    ) -> list[Block]:
    """The figures and tables of ``body`` with their captions, for an edition in
    ``lang`` whose text is a notice or the editor's translation.

    A caption comes in ``lang`` where the editor gave its translation
    (``Block.translations``), else as the source has it. A translation with tables
    of its own (Markdown pipe tables) gets no second copy of the source's tables.
    Cross-references are dropped: the text they were in is not in this edition.

    >>> fig = Block("f1", "figure", "ky", "")
    >>> cap = Block("c1", "caption", "ky", "Мектептер", of="f1", translations={"en": "Schools"})
    >>> [(b.id, b.lang, b.text) for b in carried_objects([fig, cap, Block("p", "paragraph",
    ...  "ky", "Текст")], "en")]
    [('f1', 'ky', ''), ('c1', 'en', 'Schools')]
    """
    import dataclasses

    skip_tables = any(b.role == "table" for b in translated or [])
    kept = {b.id for b in body if b.role == "figure" or (b.role == "table" and not skip_tables)}
    out = []
    for b in body:
        if b.id in kept:
            out.append(b)
        elif b.role == "caption" and b.of in kept:
            text = (b.translations or {}).get(lang)
            if text and b.lang != lang:
                b = dataclasses.replace(b, text=text.strip(), lang=lang, spans=[])
            out.append(b)
    return out


#: The editions every article gets: the full trilingual one, then one per language.
EDITION_KEYS = ("full",) + EDITION_LANGS


def output_name(article_id: str, key: str, ext: str) -> str:
    """``art.pdf`` for the full edition, ``art.ky.pdf`` for a single-language one."""
    return f"{article_id}.{ext}" if key == "full" else f"{article_id}.{key}.{ext}"


def editions(doc: Document, translations: Path | None = None,
             root: Path | None = None) -> list[Edition]:
    """Every edition of ``doc``, with the editor's translations where there are any;
    ``root`` is the article's build folder (the figures' pictures)."""
    from ..readers.translations import load_translation

    out = []
    for key in EDITION_KEYS:
        translation = None
        if key != "full" and translations is not None:
            translation = load_translation(translations / f"{key}.md", key)
        out.append(make_edition(doc, key, translation, root))
    return out


def warn_unresolved_citations(doc: Document, where: str | Path) -> None:
    """One ``warning:`` line on stderr naming the citations no reference resolves.

    The editions print them as they are, with no note for readers, so the editor
    must hear of it before the PDFs and EPUBs go out.
    """
    import sys

    for problem in doc.problems:
        if problem.startswith("citations ") and ("unresolved" in problem or "no entry" in problem):
            print(f"warning: {where}: {problem}", file=sys.stderr)


def edition_sources(doc: Document, translations: Path | None = None,
                    root: Path | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per edition key: its LaTeX source and its EPUB source (pandoc's AST).

    One process makes all eight: start-up and imports cost more than rendering.
    ``root`` is the article's build folder, which the figures' image paths name.
    """
    from .epub import epub_source
    from .latex import render_tex

    return {ed.key: (render_tex(ed), epub_source(ed))
            for ed in editions(doc, translations, root)}
