"""The front matter: UDC, dates, title, authors, affiliations, e-mails, ORCIDs.

What a PDF prints before the body is kept as ``title``/``author``/``affiliation``
blocks and summed up in ``meta["authors"]`` (``{name, affiliation, email,
orcid}`` per author), which the metadata uses when ``meta.yaml`` names no
authors. Footnote markers ("¹", "∗", "1,2") are typeset as superscripts beside
names and titles and arrive as text of their own: they never stand in a title,
and a paragraph of markers alone is dropped; the marks beside the names say which
affiliations are whose.

A title is what a typesetter sets as one: on one page, in the front matter's
largest type (a cover's kicker, selling points or logo are not titles), in one
type, its parts set apart by periods ("Система стандартов … делу. БИБЛИОГРАФИЧЕСКАЯ
ЗАПИСЬ. ЗАГОЛОВОК"); a title in each of the journal's languages is a block of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..model import Block, Paragraph

UDC = re.compile(r"^\s*(УДК|UDC|ӘОЖ)\s*[:.]?\s*(?P<code>[\d.:/()\-+\s\"]+?)\s*$", re.IGNORECASE)
ORCID = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b")
#: The lookbehind starts a match only where a run of address characters starts: a
#: search would otherwise rescan the run from each of its characters (a 300 KB token
#: without spaces took over an hour).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]*\w")
_DATE_WORDS = (r"(Received|Accepted|Келип\s+түштү|Кабыл\s+алынды|Поступила(\s+в\s+редакцию)?|"
               r"Принята(\s+к\s+печати)?|Published(\s+online)?|Опубликована)")
DATES = re.compile(rf"^\s*{_DATE_WORDS}\s*[:.]?\s*(?P<date>.+)$", re.IGNORECASE)
#: A journal line that ends with the dates: "Z. Naturforsch. 54 a, 272-273 (1999);
#: received December 15, 1998", "(Received 2 May 2020; accepted 3 June 2020)".
DATES_AFTER = re.compile(rf"(?:^|[;,(])\s*{_DATE_WORDS}\s*[:.]?\s*(?P<date>[^;()]*?\d{{4}})"
                         rf"\s*(?=[;)]|$)", re.IGNORECASE)
_MONTHS = {m: i for i, names in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"), 1) for m in (names, names[:3])}
_MONTHS.update({m: i for i, m in enumerate(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
    1)})
_WORD_DATE = re.compile(r"^(?:(?P<d1>\d{1,2})\s+(?P<m1>[^\W\d]+)\.?|(?P<m2>[^\W\d]+)\.?\s+"
                        r"(?P<d2>\d{1,2}),?)\s+(?P<y>\d{4})(?:\s*г\.?)?$")
_UP = "A-ZА-ЯЁӨҮҢ"
_LOW = "a-zа-яёөүң"
_NAME = (
    rf"(?:[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?\s+"
    rf"[{_UP}]\.\s?(?:[{_UP}]\.)?"
    rf"|[{_UP}]\.\s?(?:[{_UP}]\.\s?)?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?)"
)
AUTHOR = re.compile(rf"^\s*(?P<name>{_NAME})\s*[¹²³⁴⁵⁶⁷⁸⁹⁰*∗†‡\d,]*\s*$")
#: A name written out: "Usama Ahmed", "Lars Andersson", "Anita M. Armbruster".
#: A given name may be hyphenated ("Woo-Pyo Hong"), and a scan's text layer reads the
#: superscript star after a name as quotes ("Young-Dae Jung''").
FULL_NAME = re.compile(
    rf"^\s*(?P<name>[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?(?:\s+[{_UP}]\.)?"
    rf"(?:\s+[{_UP}][{_LOW}’-]+){{1,2}})"
    rf"\s*[¹²³⁴⁵⁶⁷⁸⁹⁰*∗†‡\d,'\"]*\s*$"
)
AUTHOR_SEPARATOR = re.compile(r"\s*(?:[,;]|\s(?:and|жана|и)\s)\s*(?=[A-ZА-ЯЁӨҮҢ])")
INSTITUTION = re.compile(
    r"университет|институт|академия|колледж|лицей|центр|universit|institut|academy|college|"
    r"department|school\s+of|laborator|лаборатор|кафедра|факультет|faculty|center|centre",
    re.IGNORECASE,
)
AUTHORS_LABEL = re.compile(r"^\s*(Авторы|Автор|Авторлор|Authors?)\s*:\s*", re.IGNORECASE)
#: An abstract's label set as a line of its own, over the labelled abstract.
LABEL_ALONE = re.compile(r"^\s*(Аннотация|Кыскача\s+мазмуну|Резюме|Annotation|Abstract|Summary)"
                         r"\s*[:.]?\s*$", re.IGNORECASE)
IDENTIFIER = re.compile(r"\bdoi:|https?://|www\.|\bISSN\b|\barXiv\b", re.IGNORECASE)
SUPERSCRIPT_LEAD = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹*∗†‡]+\s*")
#: A paragraph of footnote markers alone: superscripts set apart from their word.
MARKERS_ONLY = re.compile(r"^\s*(?:\d{1,2}|[*∗†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
                          r"(?:[\s,]+(?:\d{1,2}|[*∗†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+)){0,5}\s*$")
_MARK_LEAD = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰*∗†‡§]+\s*")
_MARK_TAIL = re.compile(r"(?<=[^\W\d_])\s?[¹²³⁴⁵⁶⁷⁸⁹⁰*∗†‡§]+$|(?<=[^\W\d_])[\d,*∗†‡]+$")
#: Words a title line cannot end with: the title goes on on the next line.
_DANGLING = frozenset("a an and at by for from in of on or the to with и в во на для с со по "
                      "о об из к от жана менен үчүн".split())


def split_authors(text: str, full_names: bool = False) -> list[str] | None:
    """Author names of an author line, or None when the line is not one.

    ``full_names`` also accepts names written out ("Usama Ahmed"), which only
    the line's place and size can tell from a title.

    >>> split_authors("Асанов А.А.¹, Петрова Б.В.²")
    ['Асанов А.А.', 'Петрова Б.В.']
    >>> split_authors("J. Smith and K. Brown")
    ['J. Smith', 'K. Brown']
    >>> split_authors("Билим берүү системасы")
    >>> split_authors("Krzysztof Bolejko and Lars Andersson", full_names=True)
    ['Krzysztof Bolejko', 'Lars Andersson']
    """
    # Affiliation markers set apart from the names ("1 3,4 and Lars Andersson").
    text = re.sub(r"(?<!\S)[\d,*∗†‡]+(?!\S)", " ", text)
    text = re.sub(r"^\s*(?:and|жана|и)\s+", "", " ".join(text.split()))
    parts = [p for p in AUTHOR_SEPARATOR.split(text.strip()) if p.strip()]
    names = []
    for part in parts:
        m = AUTHOR.match(part) or (FULL_NAME.match(part) if full_names else None)
        if not m:
            return None
        names.append(m.group("name").strip())
    return names or None


def split_affiliations(text: str) -> list[str]:
    """Affiliation lines the cleaner joined, split at their markers and ORCIDs.

    >>> split_affiliations("¹Univ A, Bishkek ²Univ B, Osh ORCID: 0000-0002-1825-0097")
    ['Univ A, Bishkek', 'Univ B, Osh', 'ORCID: 0000-0002-1825-0097']
    """
    parts = re.split(r"\s+(?=[¹²³⁴⁵⁶⁷⁸⁹])|\s+(?=ORCID\b)", text.strip())
    return [p for p in (SUPERSCRIPT_LEAD.sub("", part).strip() for part in parts) if p]


def strip_markers(text: str) -> str:
    """A title without the footnote markers typeset beside it.

    >>> strip_markers("∗ классификации"), strip_markers("Deep Networks∗"), strip_markers("Title1,2")
    ('классификации', 'Deep Networks', 'Title')
    """
    return _MARK_TAIL.sub("", _MARK_LEAD.sub("", text)).strip()


def _size(para: Paragraph) -> float | None:
    sizes = [r.size for r in para.runs if r.size and r.text.strip()]
    return max(sizes) if sizes else None


def _continues_title(prev: Block, text: str) -> bool:
    """Whether ``text`` is the next line of the title block ``prev`` (set in its type).

    Two titles in a row are in two of the journal's languages, and only English is
    in Latin letters: Latin lines in a row are one title ("FEATURES OF DIGITAL
    EDUCATION" "AT SCHOOL"). Cyrillic ones go on where a line cannot end a title.
    """
    if prev.text.endswith((";", "?", "!")):
        return False
    if prev.text.endswith(".") or text[:1].islower():
        return True  # a title's part ends with a period ("… ЗАПИСЬ."), see front_matter
    if _latin(prev.text) and _latin(text):
        return True
    if prev.text.endswith(":"):
        return False
    last = prev.text.split()[-1].casefold() if prev.text.split() else ""
    return last in _DANGLING


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def front_matter(para: Paragraph, text: str, add: Callable[..., Block], meta: dict,
                 blocks: list[Block], sizes: dict[int, float | None],
                 around: tuple[Paragraph | None, Paragraph | None] = (None, None)) -> bool:
    """Roles of what precedes the body: UDC, dates, authors, affiliations, titles.

    ``sizes`` maps ``id(block)`` to the type size of the paragraph it came from
    (for a title, the size most of its letters are set in); ``around`` holds the
    paragraphs before and after ``para``. Returns False when ``para`` is the first
    paragraph of the body. An author block's ``number`` is the marks printed beside
    the name ("1,2"), which say which affiliations are the author's.
    """
    before, nxt = around
    m = UDC.match(text)
    if m:
        meta["udc"] = m.group("code").strip()
        return True
    m = DATES.match(text)
    if m:
        meta[_date_key(m.group(1))] = iso_date(m.group("date").strip())
        return True
    if MARKERS_ONLY.match(text):
        return True  # superscripts that belong to a name or the title
    front_done = any(b.role in ("abstract", "keywords") for b in blocks)
    text = AUTHORS_LABEL.sub("", text)
    if ORCID.search(text) or EMAIL.search(text):
        # "Логинов Р. А., Стрижов В. В. logipamar@yandex.ru": the names, then the
        # contact; an affiliation line names no one.
        names = split_authors(ORCID.sub("", EMAIL.sub("", text)).strip(" ,;"))
        if names and not front_done:
            for name in names:
                add("author", name, para)
            text = " ".join(EMAIL.findall(text) + ORCID.findall(text))
        for part in split_affiliations(text):
            add("affiliation", part, para)
        return True
    if front_done:
        return False  # after the abstracts, anything else is body
    size = _size(para)
    titles = [b for b in blocks if b.role == "title"]
    # A name written out is told from a title line by coming after the title in
    # smaller type, or by the affiliation it is followed by.
    title_size = sizes.get(id(titles[-1])) if titles else None
    smaller = bool(titles and size and title_size and size < 0.8 * title_size)
    names = split_authors(text, full_names=smaller)
    if not names and titles and nxt is not None and _reads_as_affiliation(nxt.text.strip()):
        # A scan sets names and title in one type ("Woo-Pyo Hong and Young-Dae Jung*"):
        # two names or more, or names with their marks, before the institution.
        names = split_authors(text, full_names=True)
        if names and len(names) < 2 and strip_markers(text) == text:
            names = None
    if names:
        marks = _marks(text, names, before)
        for name, mark in zip(names, marks, strict=True):
            add("author", name, para, number=mark)
        return True
    # An affiliation names an institution and, after a comma, its city; a title
    # in capitals may name an institution too but has no such comma.
    after_names = bool(blocks) and blocks[-1].role in ("author", "affiliation")
    if (after_names and blocks[-1].role == "affiliation" and blocks[-1].text.endswith(",")
            and len(text.split()) <= 4):
        blocks[-1].text += " " + text  # the affiliation's address wraps: "…, Warsaw," "Poland"
        return True
    if IDENTIFIER.search(text):
        add("paragraph", text, para)  # "Online at …, doi:…": front matter, never a title
        return True
    dates = list(DATES_AFTER.finditer(text))
    if dates:
        # The journal's line, set under the names, ends with the dates: the line stays
        # front matter (it is printed), the dates go to the metadata.
        for m in dates:
            meta[_date_key(m.group(1))] = iso_date(m.group("date").strip())
        add("paragraph", text, para)
        return True
    if LABEL_ALONE.match(text):
        add("paragraph", text, para)  # front matter on any page: the abstract follows
        return True
    if iso_date(text) != text:
        add("paragraph", text, para)  # "8 мая 2016 г." under the title: the paper's date
        return True
    if after_names and (SUPERSCRIPT_LEAD.match(text) or (
        INSTITUTION.search(text) and "," in text and not text.isupper()
    )):
        for part in split_affiliations(text):
            add("affiliation", part, para)
        return True
    if para.bullet and para.bullet[:1].isdigit():
        return False  # "1. Введение": a numbered heading, the body's first line
    if para.bullet and not para.bullet[:1].isalnum():
        return False  # "• …": a list item, the body's; a title has no bullet
    main = _main_size(para)
    prev = blocks[-1] if blocks else None
    if (prev is not None and prev.role == "title" and main and sizes.get(id(prev)) == main
            and prev.page == para.page and text.endswith(".") and len(text.split()) <= 12
            and _looks_like_title(para, ended=True)):
        # "БИБЛИОГРАФИЧЕСКАЯ ЗАПИСЬ." under "Система стандартов … делу": a title's parts
        # (series, title, subtitle) are set apart by periods; the period says it goes on.
        prev.text = f"{prev.text.rstrip('.')}. {strip_markers(text)}"
        return True
    # "…облачного сервиса AWS:" over "методические рекомендации": a colon ends a title
    # line when the next line is set in the same type.
    goes_on = bool(text.endswith(":") and nxt is not None and main and nxt.page == para.page
                   and _main_size(nxt) == main)
    if _looks_like_title(para) or (
        len(text.split()) <= 25 and (goes_on or not text.endswith((".", ";", ",", ":")))
    ):
        title = strip_markers(text)
        if not title:
            return True
        largest = max((sizes.get(id(t)) or 0.0 for t in titles), default=0.0)
        # "Front cover", "МЕЖГОСУДАРСТВЕННЫЙ СТАНДАРТ", a journal's running head: a
        # kicker in small type, which the title, set larger, replaces (on the next page
        # too, after a cover); one large word is a logo or a drop capital.
        replaces = bool(main and largest and largest < _SMALLER * main
                        and len(title.split()) >= 2)
        if titles and titles[0].page < para.page and not replaces:
            return False  # a title is on one page: a later page's line is the body's
        if main and largest and (main < _SMALLER * largest or not _one_type(para, main)
                                 or (largest < _SMALLER * main and not replaces)):
            # A cover's list, a brochure's lines, the note "Издание официальное",
            # a logo: a title is set in the front matter's largest type, in one type.
            add("paragraph", title, para)
            return True
        if replaces:
            for t in titles:
                t.role = "paragraph"
        if (prev is not None and prev.role == "title" and main and not para.bullet
                and sizes.get(id(prev)) == main and prev.page == para.page
                and _continues_title(prev, title)):
            prev.text = f"{prev.text} {title}"
            return True
        block = add("title", title, para)
        sizes[id(block)] = main
        return True
    return False


#: How much smaller than the title a line is when it is not one of the titles (a
#: title in a second language may be set a little smaller than the first).
_SMALLER = 0.7


def _main_size(para: Paragraph) -> float | None:
    """The size most of a paragraph's letters are set in: a logo's one large word
    or a footnote marker does not make a paragraph's type."""
    count: dict[float, int] = {}
    for r in para.runs:
        n = sum(c.isalnum() for c in r.text)
        if r.size and n:
            count[round(r.size, 1)] = count.get(round(r.size, 1), 0) + n
    return max(count, key=lambda k: (count[k], k)) if count else None


_SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


def _marks(text: str, names: list[str], before: Paragraph | None) -> list[str | None]:
    """The affiliation marks printed beside each name: after it ("Асанов А.А.¹"), or
    as a line of their own above the names ("1,2 3,4" over "Krzysztof Bolejko and
    Lars Andersson"), one group a name."""
    marks: list[str | None] = []
    for name in names:
        m = re.search(re.escape(name) + r"[’'\"]*\s?(?P<m>[¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:,[¹²³⁴⁵⁶⁷⁸⁹⁰]+)*"
                      r"|\d+(?:,\d+)*(?![\w.]))", text)
        marks.append(m.group("m").translate(_SUPERSCRIPT_DIGITS) if m else None)
    if all(m is None for m in marks) and before is not None:
        above = before.text.strip().translate(_SUPERSCRIPT_DIGITS)
        groups = re.split(r"(?<!,)\s+(?!,)", re.sub(r"\s*,\s*", ",", above))
        if MARKERS_ONLY.match(above) and len(groups) == len(names) and all(
                re.fullmatch(r"\d+(?:,\d+)*", g) for g in groups):
            return list(groups)
    return marks


def _one_type(para: Paragraph, size: float) -> bool:
    """Whether most of a paragraph's letters are set in ``size``: a line the reader
    joined from several ("Минск" 4.5 pt, a hidden line at 2 pt, "Предисловие" 10 pt)
    is not one title line."""
    letters = [(round(r.size, 1), sum(c.isalnum() for c in r.text)) for r in para.runs
               if r.size]
    total = sum(n for _, n in letters)
    return not total or 3 * sum(n for s, n in letters if s == size) >= 2 * total


def _reads_as_affiliation(text: str) -> bool:
    """Whether a line after a name line gives the names' institution or contact."""
    return bool(EMAIL.search(text) or SUPERSCRIPT_LEAD.match(text)
                or (INSTITUTION.search(text) and "," in text and not text.isupper()))


def _date_key(word: str) -> str:
    if re.match(r"(rec|кел|пост)", word, re.I):
        return "received"
    return "published" if re.match(r"(pub|опуб)", word, re.I) else "accepted"


def iso_date(text: str) -> str:
    """A date written in words as the metadata writes it; any other text as it is.

    >>> iso_date("December 15, 1998"), iso_date("8 мая 2016 г."), iso_date("2026-01-15")
    ('1998-12-15', '2016-05-08', '2026-01-15')
    """
    m = _WORD_DATE.match(text.strip())
    month = _MONTHS.get((m.group("m1") or m.group("m2")).casefold()) if m else None
    if not m or not month:
        return text
    day = int(m.group("d1") or m.group("d2"))
    return f"{int(m.group('y')):04d}-{month:02d}-{day:02d}"


def _looks_like_title(para: Paragraph, ended: bool = False) -> bool:
    """A line in capitals or all in bold; ``ended`` allows the period of a title's part."""
    text = para.text.strip()
    words = text.split()
    if not words or len(words) > 30 or text.endswith((";", ",") if ended else (".", ";", ",")):
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(letters) and (upper > 0.8 * len(letters) or all(r.bold for r in para.runs if
                                                                 r.text.strip()))


def authors_meta(blocks: list[Block]) -> list[dict]:
    """``meta["authors"]``: each author with the affiliation, e-mail and ORCID found.

    Affiliations, e-mails and ORCIDs are paired with the authors in order when
    there are as many of them as authors; a single affiliation belongs to every
    author, a single e-mail or ORCID to the first (the corresponding author).
    """
    names = [b.text for b in blocks if b.role == "author"]
    if not names:
        return []
    affiliations = [b.text for b in blocks if b.role == "affiliation"]
    emails = [e for a in affiliations for e in EMAIL.findall(a)]
    orcids = [o for a in affiliations for o in ORCID.findall(a)]
    places = []
    for a in affiliations:
        place = ORCID.sub("", EMAIL.sub("", a))
        place = re.sub(r"\b(ORCID|e-?mail|E-mail)\b\s*:?", "", place, flags=re.IGNORECASE)
        place = re.sub(r"\s*[,;]\s*(?=[,;]|$)", "", " ".join(place.split())).strip(" ,;")
        if len(place) > 3:
            places.append(place)

    def pick(values: list[str], i: int, shared: bool) -> str | None:
        if len(values) == len(names):
            return values[i]
        if len(values) == 1 and (shared or i == 0):
            return values[0]  # one e-mail or ORCID is the corresponding author's
        return "; ".join(values) if values and len(names) == 1 else None

    # Marks beside the names number the affiliations: "Bolejko¹,², Andersson³,⁴".
    marks = [[int(k) for k in (b.number or "").split(",") if k.isdigit()]
             for b in blocks if b.role == "author"]
    by_mark = all(marks) and {k for m in marks for k in m} == set(range(1, len(places) + 1))
    out = []
    for i, name in enumerate(names):
        place = "; ".join(places[k - 1] for k in marks[i]) if by_mark else pick(places, i, True)
        entry = {"name": name, "affiliation": place,
                 "email": pick(emails, i, False), "orcid": pick(orcids, i, False)}
        out.append({k: v for k, v in entry.items() if v})
    return out
