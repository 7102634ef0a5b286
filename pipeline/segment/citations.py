"""In-text citations and their link to the reference list.

Two forms: numbers in brackets ("[1]", "[1–3]", "[1, 2]", "[3, с. 15]") name
entries by their printed number; author–year citations ("(Иванов, 2019)",
"(Smith et al., 2010; Brown and Lee 2011)") name them by the first author's
surname and the year, which are looked up in the entries' text. When an article
has two reference lists (the Russian original and its transliteration), a
citation links to the entry of that number in every list.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import Block, Span

#: An in-text citation: "[1]", "[3, с. 15]", "[2; 5]", "[4–6]".
CITATION = re.compile(
    r"\[(?P<nums>\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)(?:\s*[,;]\s*(?:[сcp]|pp|бет|б)\.\s*[\d–-]+)?\]"
)
#: A parenthesis holding at least one year: an author–year citation candidate.
AUTHOR_YEAR = re.compile(r"\((?P<body>[^()\[\]]{2,200}?\b(?:1[6-9]\d\d|20\d\d)[a-zа-я]?[^()]*)\)")
_ONE = re.compile(
    r"^\s*(?:(?:see|cf\.|e\.g\.|см\.|напр\.|также)\s+)?"
    r"(?P<names>[^\W\d_][^;]*?)[,\s]\s*(?P<year>(?:1[6-9]\d\d|20\d\d))[a-zа-я]?"
    r"(?:\s*[,:]\s*(?:[сcpб]|pp|бет)\.\s*[\d–-]+)?\s*$",
    re.IGNORECASE,
)
_NOT_SURNAME = frozenset({"et", "al", "and", "und", "и", "жана", "see", "cf", "also", "см",
                          "также", "in", "eds", "ed"})
#: Which block roles can hold citations.
_NO_CITES = ("reference", "references_heading", "title", "keywords", "author", "affiliation")


def find_citations(text: str) -> list[Span]:
    """In-text citations as spans carrying the reference numbers they name.

    >>> [(s.start, s.cite) for s in find_citations("коом [1], жана [2; 5] жана [4–6, с. 15]")]
    [(5, [1]), (15, [2, 5]), (27, [4, 5, 6])]
    """
    spans = []
    for m in CITATION.finditer(text):
        if re.search(r"(?<!\d)0(?!\d)", m.group("nums")):
            continue  # "[0, 1]" is an interval: no list numbers its entries from 0
        nums: list[int] = []
        for part in re.split(r"\s*[,;]\s*", m.group("nums")):
            if re.fullmatch(r"\d+\s*[–-]\s*\d+", part):
                a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
                if a < b <= a + 50:
                    nums.extend(range(a, b + 1))
                    continue
            nums.extend(int(x) for x in re.findall(r"\d+", part))
        spans.append(Span(m.start(), m.end(), cite=nums))
    return spans


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def author_year_citations(text: str) -> list[tuple[int, int, list[tuple[str, str]]]]:
    """Author–year citations: (start, end, [(surname, year), …]) per parenthesis.

    >>> author_year_citations("as shown (Smith et al., 2010; Brown and Lee 2011).")
    [(9, 49, [('Smith', '2010'), ('Brown', '2011')])]
    >>> author_year_citations("(Иванов, 2019, с. 5)")
    [(0, 20, [('Иванов', '2019')])]
    >>> author_year_citations("in (2019) and (see Table 2, 2019 data)")
    []
    """
    out = []
    for m in AUTHOR_YEAR.finditer(text):
        cites = []
        for part in m.group("body").split(";"):
            one = _ONE.match(part)
            if not one:
                cites = []
                break
            words = re.findall(r"[^\W\d_][\w'’-]*", one.group("names"))
            surname = next((w for w in words if w.casefold().strip(".") not in _NOT_SURNAME
                            and w[:1].isupper()), None)
            if surname is None or len(words) > 8:
                cites = []
                break
            cites.append((surname, one.group("year")))
        if cites:
            out.append((m.start(), m.end(), cites))
    return out


#: A narrative citation: "Smith et al. (2010)", "Brown and Lee (2011)", "Иванов (2019)".
NARRATIVE = re.compile(
    r"(?<![\w.])(?P<name>[^\W\d_a-zа-яё][\w'’-]+)"
    r"(?:\s+et\s+al\.?|\s+и\s+др\.|\s+(?:and|и|&)\s+[^\W\d_][\w'’-]+)?"
    r"\s+\((?P<year>(?:1[6-9]\d\d|20\d\d))[a-zа-я]?\)"
)


def narrative_citations(text: str) -> list[tuple[int, int, list[tuple[str, str]]]]:
    """Narrative author–year citations, in the form ``author_year_citations`` gives.

    Only the ones that match an entry are kept (a capitalised word before a
    year in brackets is often something else).

    >>> narrative_citations("as Smith et al. (2010) showed, and Иванов (2019) too")
    [(3, 22, [('Smith', '2010')]), (35, 48, [('Иванов', '2019')])]
    """
    return [(m.start(), m.end(), [(m.group("name"), m.group("year"))])
            for m in NARRATIVE.finditer(text)]


def _entry_key(block: Block) -> tuple[str, set[str]]:
    head = _fold(block.text[:160])
    return head, set(re.findall(r"\b(?:1[6-9]\d\d|20\d\d)\b", block.text))


def _matches(entry: tuple[str, set[str]], surname: str, year: str) -> bool:
    head, years = entry
    return year in years and re.search(r"(?<!\w)" + re.escape(_fold(surname)), head) is not None


def link_citations(blocks: list[Block], problems: list[str]) -> None:
    """Attach citation spans and resolve them to reference blocks.

    Numbers resolve to the entries printed with that number, in every list;
    author–year citations to the entries whose text has the surname and year.
    ``Span.cite`` holds the numbers (for an author–year citation, the position
    of each matched entry in its list) and ``targets`` the entry ids.
    """
    lists: dict[int, list[Block]] = {}
    for b in blocks:
        if b.role == "reference":
            lists.setdefault(b.ref_list or 1, []).append(b)
    by_number: dict[str, list[str]] = {}
    for entries in lists.values():
        for b in entries:
            if b.number:
                by_number.setdefault(b.number, []).append(b.id)
    # An unmatched "(Name, 2019)" is worth the editor's look only where the
    # list is author–year: beside numbered citations it is usually not a citation.
    unnumbered = any(not b.number for entries in lists.values() for b in entries)
    keyed = [(pos, b, _entry_key(b)) for entries in lists.values()
             for pos, b in enumerate(entries, start=1)]
    missing: set[int] = set()
    unmatched: list[str] = []
    for block in blocks:
        if block.role in _NO_CITES:
            continue
        found = find_citations(block.text)
        for span in found:
            assert span.cite is not None
            span.targets = [t for n in span.cite for t in by_number.get(str(n), [])]
            missing.update(n for n in span.cite if str(n) not in by_number)
        if keyed:
            found_ay = [(c, True) for c in author_year_citations(block.text)]
            found_ay += [(c, False) for c in narrative_citations(block.text)]
            for (start, end, cites), report in found_ay:
                numbers, targets = [], []
                for surname, year in cites:
                    hits = [(pos, b.id) for pos, b, key in keyed if _matches(key, surname, year)]
                    if not hits and report and unnumbered:
                        unmatched.append(f"({surname}, {year})")
                    for pos, ident in hits:
                        if ident not in targets:
                            numbers.append(pos)
                            targets.append(ident)
                if targets:
                    found.append(Span(start, end, cite=numbers, targets=targets))
        for span in found:
            if not any(s.start < span.end and span.start < s.end for s in block.spans):
                block.spans.append(span)
        block.spans.sort(key=lambda s: s.start)
    if missing:
        listed = ", ".join(f"[{n}]" for n in sorted(missing))
        if by_number or keyed:
            problems.append(f"citations {listed} have no entry in the reference list")
        else:
            problems.append(
                f"citations {listed} are unresolved: the reference list is missing from the source"
            )
    if unmatched:
        shown = ", ".join(sorted(set(unmatched))[:10])
        problems.append(f"author–year citations {shown} match no entry of the reference list")
