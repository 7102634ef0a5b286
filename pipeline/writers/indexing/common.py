"""What every indexing file says about an article, gathered once from the Document.

JATS, Crossref, DOAJ, eLibrary and the HTML pages each format the same facts:
the titles, abstracts and keywords per language, the authors with their names in
every script given (and in Latin script, transliterated when ``meta.yaml`` gives
none), their affiliations, the journal, the dates and the reference list. They are
taken from the ``Document`` here, once (``article_record``), so no two files can
disagree about a title or a name.

Where a value comes from:

* titles: ``meta.yaml``'s ``title`` over the source's title blocks;
* abstracts: ``meta.yaml``'s ``abstract`` over the source's abstract blocks;
* keywords: ``meta.yaml``'s ``keywords`` over the source's keyword lines;
* names in Latin script: ``authors[].name.en`` when given, else BGN/PCGN
  romanisation of the Kyrgyz (or Russian) name through ICU, recorded in
  ``Article.notes`` (the stage prints them) so an editor can override it by
  writing ``name: {ky: …, en: …}`` in ``meta.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ...languages import latin_transform
from ...model import EDITION_LANGS, Block, Document
from ..editions import Edition, body_language, document_meta, editions

if TYPE_CHECKING:
    from pathlib import Path

    from ...meta import Meta
    from .settings import JournalSettings

UNDETERMINED = "und"
#: The article type every file names (JATS ``article-type``, eLibrary ``artType``):
#: the journal publishes research articles; meta.yaml has no field for others yet.
ARTICLE_TYPE = "research-article"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KYRGYZ_LETTERS = re.compile(r"[ңөүҢӨҮ]")
#: Endings of a patronymic (Russian -ович/-овна, Kyrgyz -уулу/-кызы): a name that
#: ends in one is written surname first ("Иванов Иван Иванович").
_PATRONYMIC = re.compile(r"(?:вич|вна|ична|инична|уулу|кызы|ovich|evich|ovna|evna|uulu|kyzy)$",
                         re.IGNORECASE)


@dataclass(frozen=True)
class PersonName:
    """A name split into given names and surname, and as written."""

    given: str
    surname: str
    full: str

    @property
    def initials(self) -> str:
        """``А. Б.`` of the given names (eLibrary's ``initials``).

        >>> split_name("Айгүл Бекболотовна Асанова").initials
        'А. Б.'
        """
        return " ".join(f"{part[0]}." for part in self.given.split() if part)


def split_name(text: str) -> PersonName:
    """Given names and surname of a name as an editor types it.

    ``Surname, Given`` says it outright; a name ending in a patronymic is surname
    first (``Иванов Иван Иванович``), as is a Kyrgyz ``Асан уулу Бакыт``; otherwise
    the last word is the surname (``Айгүл Асанова``), as the README's example writes
    names.

    >>> split_name("Асанова, Айгүл")
    PersonName(given='Айгүл', surname='Асанова', full='Айгүл Асанова')
    >>> split_name("Иванов Иван Иванович").surname
    'Иванов'
    >>> split_name("Jane Q. Public").given
    'Jane Q.'
    >>> split_name("Madonna")
    PersonName(given='', surname='Madonna', full='Madonna')
    """
    text = " ".join(text.split())
    if "," in text:
        surname, _, given = (p.strip() for p in text.partition(","))
        if surname and given:
            return PersonName(given, surname, f"{given} {surname}")
        text = surname or given
    words = text.split(" ")
    if len(words) >= 3 and words[1].lower() in ("уулу", "кызы", "uulu", "kyzy"):
        # "Асан уулу Бакыт": the father's name with уулу/кызы stands as the surname.
        return PersonName(" ".join(words[2:]), " ".join(words[:2]), text)
    if len(words) >= 3 and _PATRONYMIC.search(words[-1]):
        return PersonName(" ".join(words[1:]), words[0], text)
    if len(words) == 1:
        return PersonName("", text, text)
    return PersonName(" ".join(words[:-1]), words[-1], text)


@cache
def _transliterator(transform: str) -> Any:
    import icu  # PyICU: ICU's CLDR transforms, BGN/PCGN among them

    return icu.Transliterator.createInstance(transform)


def to_latin(text: str, lang: str) -> tuple[str, str | None]:
    """``text`` in Latin script, and the ICU transform used (None: nothing to do).

    A name without a language of its own (``und``) is romanised as Kyrgyz when it has
    a Kyrgyz letter (ң ө ү), else as Russian.

    >>> to_latin("Чыңгыз Айтматов", "ky")
    ('Chynggyz Aĭtmatov', 'ky-ky_Latn/BGN')
    >>> to_latin("Jane Public", "en")
    ('Jane Public', None)
    """
    if not _CYRILLIC.search(text):
        return text, None
    transform = latin_transform(lang)
    if transform is None or lang not in ("ky", "ru"):
        transform = latin_transform("ky" if _KYRGYZ_LETTERS.search(text) else "ru")
    assert transform is not None  # ky and ru have one (pipeline/languages.py)
    # ICU writes the breve and diaeresis as combining marks; indexers compare NFC text.
    return unicodedata.normalize("NFC", _transliterator(transform).transliterate(text)), transform


@dataclass
class Affiliation:
    key: str  # "aff1", … (JATS ``aff id``, DOAJ ``affiliationId``)
    names: dict[str, str]  # language (or "und") → name
    ror: str | None

    def name(self, lang: str) -> str:
        for code in (lang, "en", UNDETERMINED):
            if self.names.get(code):
                return self.names[code]
        return next(iter(self.names.values()), "")


@dataclass
class Contributor:
    names: dict[str, PersonName]  # language (or "und") → the name as given there
    latin: PersonName  # the name in Latin script (given, or romanised)
    latin_from: str | None  # the ICU transform that romanised it; None: as given
    orcid: str | None  # a full https://orcid.org/ URL, checked (pipeline/meta.py)
    email: str | None
    affiliations: list[str]  # keys of Article.affiliations
    ror: str | None = None

    def name(self, lang: str) -> PersonName:
        """The name in ``lang``'s script: as given there, Latin for English, else any."""
        if lang in self.names:
            return self.names[lang]
        if lang == "en":
            return self.latin
        if UNDETERMINED in self.names:
            return self.names[UNDETERMINED]
        return next(iter(self.names.values()), self.latin)

    def name_lang(self, lang: str) -> str:
        """The language of ``name(lang)``, for ``xml:lang`` on it."""
        if lang in self.names or lang == "en":
            return lang
        if UNDETERMINED in self.names:
            return UNDETERMINED
        return next(iter(self.names), "en")


@dataclass
class Article:
    """The facts the indexing files share (``article_record``)."""

    id: str
    lang: str  # the body's language: ``article xml:lang``
    meta: Meta
    settings: JournalSettings
    titles: dict[str, str]  # the article's language first
    abstracts: dict[str, list[str]]  # language → paragraphs
    keywords: dict[str, list[str]]
    contributors: list[Contributor]
    affiliations: list[Affiliation]
    body: list[Block]
    footnotes: list[Block]
    references: list[Block]
    timestamp: int  # Crossref's batch version: seconds since 1970
    editions: dict[str, Edition]  # "full", "ky", "ru", "en": what each web page shows
    notes: list[str] = field(default_factory=list)  # for the editor (transliterations…)
    #: The article's build folder (``Visual.image`` paths are relative to it), and the
    #: pictures the JATS and the pages show, by asset name (``writers/visuals.py``).
    root: Path | None = None
    pictures: dict[str, Any] = field(default_factory=dict)

    def langs(self) -> list[str]:
        """Every language with a title, abstract or keywords, the article's first."""
        seen = [*self.titles, *self.abstracts, *self.keywords]
        return ordered_langs(dict.fromkeys(seen), self.lang)

    def cited_works(self) -> list[list[Block]]:
        """Each work of the reference list once, with all its entries.

        A Russian article prints its list twice, the second transliterated
        (``Block.ref_list``): when the lists have as many entries, entry n of each is
        the same work, and an indexer gets it once, in every form. Lists that do not
        pair up are kept entry by entry.

        >>> refs = [Block("ref-1", "reference", "ru", "Иванов", ref_list=1),
        ...         Block("ref2-1", "reference", "en", "Ivanov", ref_list=2)]
        >>> a = Article("a", "ru", None, None, {}, {}, {}, [], [], [], [], refs, 0, {})
        >>> [[b.id for b in work] for work in a.cited_works()]
        [['ref-1', 'ref2-1']]
        """
        lists: dict[int, list[Block]] = {}
        for b in self.references:
            if b.text.strip():
                lists.setdefault(b.ref_list or 1, []).append(b)
        groups = [items for _, items in sorted(lists.items())]
        if len(groups) > 1 and all(len(g) == len(groups[0]) for g in groups):
            return [list(work) for work in zip(*groups, strict=True)]
        return [[b] for g in groups for b in g]

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()), "")

    def journal_title(self, lang: str) -> str:
        found = self.meta.journal_name(lang)
        return found[1] if found else ""

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.meta.doi}" if self.meta.doi else None

    def base_url(self) -> str | None:
        """Where the article's output folder is published (``journal.yaml``)."""
        from .settings import DEFAULT_ARTICLE_PATH

        url = self.settings.url or (self.meta.journal.url if self.meta.journal else None)
        template = self.settings.article_url or (DEFAULT_ARTICLE_PATH if url else None)
        if template is None:
            return None
        out = template.replace("{url}", (url or "").rstrip("/")).replace("{id}", self.id)
        return out if out.endswith("/") else out + "/"

    def file_url(self, name: str) -> str | None:
        base = self.base_url()
        return base + name if base else None

    def page_name(self, key: str) -> str:
        """``<id>.html`` (the full edition) or ``<id>.<lang>.html``."""
        return f"{self.id}.html" if key == "full" else f"{self.id}.{key}.html"

    def pdf_name(self, key: str) -> str:
        return f"{self.id}.pdf" if key == "full" else f"{self.id}.{key}.pdf"

    def landing_url(self) -> str | None:
        """The article's landing page (the full HTML edition), else its DOI's resolver."""
        return self.file_url(self.page_name("full"))

    def publication_date(self) -> dt.date | None:
        return self.meta.publication_date()

    def year(self) -> int | None:
        day = self.publication_date()
        return self.meta.year or (day.year if day else None)


def ordered_langs(items: dict[str, Any], first: str) -> list[str]:
    """Languages in the journal's order, ``first`` at the head, others after."""
    def rank(code: str) -> tuple[int, int, str]:
        return (code != first, EDITION_LANGS.index(code) if code in EDITION_LANGS
                else len(EDITION_LANGS), code)
    return sorted(items, key=rank)


def _reorder(values: dict[str, Any], first: str) -> dict[str, Any]:
    return {k: values[k] for k in ordered_langs(values, first)}


def _abstracts(doc: Document, meta: Meta) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for b in doc.by_role("abstract"):
        if b.text.strip() and b.lang != UNDETERMINED:
            out.setdefault(b.lang, []).append(b.text.strip())
    for lang, text in meta.abstract.items():
        out[lang] = [text]
    return out


def _keywords(doc: Document, meta: Meta) -> dict[str, list[str]]:
    from pydantic_core import PydanticCustomError

    from ...meta import split_keywords

    out: dict[str, list[str]] = {}
    for b in doc.by_role("keywords"):
        try:
            words = split_keywords(b.text)
        except PydanticCustomError:  # an empty or odd keyword line: nothing to index
            continue
        if words and b.lang != UNDETERMINED:
            out.setdefault(b.lang, []).extend(words)
    for lang in meta.keywords:
        out[lang] = meta.keyword_list(lang)
    return {k: v for k, v in out.items() if v}


def _contributors(meta: Meta, article_lang: str, notes: list[str]
                  ) -> tuple[list[Contributor], list[Affiliation]]:
    """The authors with their names split, in Latin script, and numbered affiliations
    (one number per distinct affiliation, as the title block prints them)."""
    affiliations: list[Affiliation] = []
    keys: dict[tuple[Any, ...], str] = {}
    out = []
    for i, author in enumerate(meta.authors, 1):
        names = {lang: split_name(text) for lang, text in author.name.items() if text.strip()}
        if not names:
            continue
        latin_from = None
        if "en" in names:
            latin = names["en"]
        else:
            source_lang = next((c for c in (article_lang, "ky", "ru", UNDETERMINED)
                                if c in names), next(iter(names)))
            given = names[source_lang]
            latin_given, latin_from = to_latin(given.given, source_lang)
            latin_surname, _ = to_latin(given.surname, source_lang)
            latin = PersonName(latin_given, latin_surname,
                               f"{latin_given} {latin_surname}".strip())
            if latin_from:
                notes.append(f"authors #{i}: {given.full!r} written in Latin script as "
                             f"{latin.full!r} ({latin_from}) — to change it, give "
                             f"authors #{i}.name.en in meta.yaml")
        aff_keys = []
        for place in author.affiliations:
            ident = (tuple(sorted(place.name.items())), place.ror)
            if ident not in keys:
                keys[ident] = f"aff{len(keys) + 1}"
                affiliations.append(Affiliation(keys[ident], dict(place.name), place.ror))
            aff_keys.append(keys[ident])
        out.append(Contributor(names, latin, latin_from, author.orcid, author.email,
                               aff_keys, author.ror))
    return out, affiliations


def article_record(doc: Document, settings: JournalSettings, article_id: str,
                   timestamp: int = 0, translations: Path | None = None,
                   root: Path | None = None) -> Article:
    """Everything the indexing files say about ``doc``, taken from it once.

    ``translations`` is the editor's folder of translated bodies: the web page of a
    language shows its translation, as that language's PDF does.
    """
    meta = document_meta(doc)
    lang = body_language(doc)
    eds = {ed.key: ed for ed in editions(doc, translations, root)}
    full = eds["full"]
    titles = _reorder(dict(full.titles), lang)
    notes: list[str] = []
    contributors, affiliations = _contributors(meta, lang, notes)
    references = doc.by_role("reference")
    return Article(
        id=article_id, lang=lang, meta=meta, settings=settings, titles=titles,
        abstracts=_reorder(_abstracts(doc, meta), lang),
        keywords=_reorder(_keywords(doc, meta), lang),
        contributors=contributors, affiliations=affiliations,
        body=list(full.body), footnotes=list(full.footnotes), references=references,
        timestamp=timestamp, editions=eds, notes=notes, root=root,
    )


# --- inline content: a block's text with its spans, as nested elements ------------------

#: Wrapper kinds, outermost first where two spans cover the same text.
_KIND_ORDER = {"lang": 0, "cite": 1, "xref": 1, "fn": 1, "bold": 2, "italic": 3, "sup": 4}


def inline_segments(b: Block, known_targets: set[str] | frozenset[str] = frozenset()
                    ) -> list[tuple[str, list[tuple[str, str, int]]]]:
    """``b.text`` cut at every span boundary: (text, wrappers outermost first).

    A wrapper is (kind, value, span index): ``lang`` (a language), ``cite`` (the
    reference id the citation resolved to, when the file has that reference),
    ``fn`` (a note's mark and the note it links to, when the file has that note;
    ``sup`` when it has not), ``bold``/``italic``. Consecutive segments sharing a
    wrapper (same span index) belong in one element (``nest``).

    >>> from pipeline.model import Span
    >>> b = Block("p", "paragraph", "ky", "Тенденция (tendent) [1]",
    ...           spans=[Span(11, 18, lang="de"), Span(20, 23, cite=[1], targets=["ref-1"])])
    >>> [(t, [w[:2] for w in ws]) for t, ws in inline_segments(b, {"ref-1"})]
    [('Тенденция (', []), ('tendent', [('lang', 'de')]), (') ', []), ('[1]', [('cite', 'ref-1')])]
    """
    text = b.text
    spans = [s for s in b.spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    wrappers: list[tuple[Any, list[tuple[str, str, int]]]] = []
    for i, s in enumerate(spans):
        kinds: list[tuple[str, str, int]] = []
        if s.lang and s.lang != b.lang:
            kinds.append(("lang", s.lang, i))
        if s.style == "note":
            target = s.xref if s.xref is not None and s.xref in known_targets else None
            kinds.append(("fn", target, i) if target is not None else ("sup", "", i))
        elif s.cite is not None and s.targets and s.targets[0] in known_targets:
            kinds.append(("cite", s.targets[0], i))
        elif s.xref is not None and s.xref in known_targets:  # a figure, table, equation
            kinds.append(("xref", s.xref, i))
        if s.style in ("bold", "italic"):
            kinds.append((s.style, "", i))
        wrappers.append((s, kinds))
    out = []
    for a, z in zip(cuts, cuts[1:], strict=False):
        piece = text[a:z]
        if not piece:
            continue
        stack = sorted((w for s, ws in wrappers if s.start <= a and z <= s.end for w in ws),
                       key=lambda w: (-(spans[w[2]].end - spans[w[2]].start),
                                      _KIND_ORDER[w[0]], w[2]))
        out.append((piece, stack))
    return out


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (C0 controls but tab and
    newline, lone surrogates, U+FFFE/U+FFFF): lxml refuses them, and a reader's
    stray control byte must not stop the build.

    >>> xml_safe("a\\x0bb\\ufffec")
    'abc'
    """
    return _NOT_XML.sub("", text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
