"""Stage 3, segment: give every paragraph its role.

Entry point: ``segment(cleaned) -> Document``. Roles come from what a reader of
the page sees: labels ("Аннотация:", "Keywords:"), numbering, bold run-in
phrases, list markers, the references heading, and position (the title and
front matter come before the body). Languages are the tagger's job; blocks leave
here with ``lang = "und"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Cleaned, Document, Paragraph, Run, Span

#: Labels that lead an abstract, in Kyrgyz, Russian and English.
ABSTRACT_LABEL = re.compile(
    r"^\s*(Аннотация|Кыскача\s+мазмуну|Резюме|Annotation|Abstract|Summary)\s*[:.—–-]\s*",
    re.IGNORECASE,
)
KEYWORDS_LABEL = re.compile(
    r"^\s*(Урунттуу\s+сөздөр|Негизги\s+сөздөр|Ачкыч\s+сөздөр|Ключевые\s+слова|"
    r"Key\s*words|Keywords)\s*[:.—–-]\s*",
    re.IGNORECASE,
)
REFERENCES_HEADING = re.compile(
    r"^\s*(Адабияттар(\s+тизмеси)?|Колдонулган\s+адабияттар(\s+тизмеси)?|"
    r"Список\s+(использованной\s+)?литературы|Литература|Библиографический\s+список|"
    r"References|Bibliography)\s*[:.]?\s*$",
    re.IGNORECASE,
)
CAPTION = re.compile(
    r"^\s*(Сүрөт|Рисунок|Рис\.|Figure|Fig\.|Таблица|Жадыбал|Table)\s*\d+[.:]?\s", re.IGNORECASE
)
NUMBERED_HEADING = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<text>\S.*)$")
REFERENCE_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+")
UDC = re.compile(r"^\s*(УДК|UDC|ӘОЖ)\s*[:.]?\s*(?P<code>[\d.:/()\-+\s\"]+?)\s*$", re.IGNORECASE)
ORCID = re.compile(r"\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
DATES = re.compile(
    r"^\s*(Received|Accepted|Келип\s+түштү|Кабыл\s+алынды|Поступила(\s+в\s+редакцию)?|"
    r"Принята(\s+к\s+печати)?)\s*[:.]?\s*(?P<date>.+)$",
    re.IGNORECASE,
)
#: An in-text citation: "[1]", "[3, с. 15]", "[2; 5]", "[4–6]".
CITATION = re.compile(
    r"\[(?P<nums>\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)(?:\s*[,;]\s*(?:[сcp]|pp|бет|б)\.\s*[\d–-]+)?\]"
)
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


@dataclass
class _State:
    body_started: bool = False
    in_references: bool = False


def _strip_runs(runs: list[Run], n: int) -> list[Run]:
    """Drop the first ``n`` characters of a run list (a label or a run-in heading)."""
    out: list[Run] = []
    for run in runs:
        if n >= len(run.text):
            n -= len(run.text)
            continue
        out.append(Run(run.text[n:], run.font, run.size, run.bold, run.italic))
        n = 0
    if out:
        out[0].text = out[0].text.lstrip()
    return [r for r in out if r.text]


def _emphasised(run: Run) -> bool:
    return run.bold or run.font == "alt"


def run_in_heading(para: Paragraph) -> str | None:
    """The bold phrase ending in a period that opens ``para``, if there is one.

    In a PDF the phrase is bold; in a text dump, the only evidence is a phrase
    set in another font than the body (see ``extract._infer_fonts_from_glyphs``).
    The phrase must be a short sentence (≤ 8 words) followed by more text.
    """
    text = para.text
    m = SENTENCE_END.search(text)
    if not m or m.end() >= len(text.rstrip()):
        return None
    phrase = text[: m.end()]
    if len(phrase.split()) > 8 or not phrase[:1].isupper():
        return None
    emphatic = plain = 0
    pos = 0
    for run in para.runs:
        inside = run.text[: max(0, m.end() - pos)]
        pos += len(run.text)
        if not any(c.isalpha() for c in inside):
            continue
        if _emphasised(run):
            emphatic += 1
        elif run.font == "legacy" or run.font not in (None, "alt"):
            plain += 1  # set in the body font: a dump's ҥ word, or a PDF's regular run
    if emphatic and not plain:
        return phrase[:-1].strip()
    return None


def _looks_like_title(para: Paragraph) -> bool:
    text = para.text.strip()
    words = text.split()
    if not words or len(words) > 30 or text.endswith((".", ";", ",")):
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(letters) and (upper > 0.8 * len(letters) or all(r.bold for r in para.runs if
                                                                 r.text.strip()))


def _is_heading_line(para: Paragraph) -> tuple[str, str | None] | None:
    """A standalone heading: short, no final period, bold or numbered."""
    text = para.text.strip()
    if len(text.split()) > 14 or text.endswith((".", ",", ";", ":")) or para.bullet:
        return None
    m = NUMBERED_HEADING.match(text)
    bold = all(r.bold for r in para.runs if r.text.strip()) and any(r.bold for r in para.runs)
    if m and (bold or m.group("text")[:1].isupper()) and not re.match(r"^\d+\.\d+\s*%", text):
        return m.group("text").strip(), m.group("num")
    if bold:
        return text, None
    return None


def _spans_from_runs(runs: list[Run], offset: int = 0) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for run in runs:
        style = "bold" if run.bold else "italic" if run.italic else None
        stripped = run.text.strip()
        if style and stripped:
            start = pos + run.text.index(stripped[0])
            spans.append(Span(start + offset, start + offset + len(stripped), style=style))
        pos += len(run.text)
    return spans


def find_citations(text: str) -> list[Span]:
    """In-text citations as spans carrying the reference numbers they name.

    >>> [(s.start, s.cite) for s in find_citations("коом [1], жана [2; 5] жана [4–6, с. 15]")]
    [(5, [1]), (15, [2, 5]), (27, [4, 5, 6])]
    """
    spans = []
    for m in CITATION.finditer(text):
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


_NAME = (
    r"(?:[A-ZА-ЯЁӨҮҢ][a-zа-яёөүң]+(?:-[A-ZА-ЯЁӨҮҢ][a-zа-яёөүң]+)?\s+"
    r"[A-ZА-ЯЁӨҮҢ]\.\s?(?:[A-ZА-ЯЁӨҮҢ]\.)?"
    r"|[A-ZА-ЯЁӨҮҢ]\.\s?(?:[A-ZА-ЯЁӨҮҢ]\.\s?)?[A-ZА-ЯЁӨҮҢ][a-zа-яёөүң]+(?:-[A-ZА-ЯЁӨҮҢ][a-zа-яёөүң]+)?)"
)
AUTHOR = re.compile(rf"^\s*(?P<name>{_NAME})\s*[¹²³⁴⁵⁶⁷⁸⁹⁰*\d,]*\s*$")
AUTHOR_SEPARATOR = re.compile(r"\s*(?:[,;]|\s(?:and|жана|и)\s)\s*(?=[A-ZА-ЯЁӨҮҢ])")
INSTITUTION = re.compile(
    r"университет|институт|академия|колледж|лицей|universit|institut|academy|college",
    re.IGNORECASE,
)
SUPERSCRIPT_LEAD = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹*]+\s*")


def split_authors(text: str) -> list[str] | None:
    """Author names of an author line, or None when the line is not one.

    >>> split_authors("Асанов А.А.¹, Петрова Б.В.²")
    ['Асанов А.А.', 'Петрова Б.В.']
    >>> split_authors("J. Smith and K. Brown")
    ['J. Smith', 'K. Brown']
    >>> split_authors("Билим берүү системасы")
    """
    parts = [p for p in AUTHOR_SEPARATOR.split(text.strip()) if p.strip()]
    names = []
    for part in parts:
        m = AUTHOR.match(part)
        if not m:
            return None
        names.append(m.group("name").strip())
    return names or None


def _heading_number(para: Paragraph) -> str | None:
    """A list-marker-looking number ("1.") that actually numbers a heading."""
    if para.bullet and re.fullmatch(r"\d{1,2}\.", para.bullet):
        text = para.text.strip()
        if (len(text.split()) <= 12 and text[:1].isupper()
                and not text.endswith((".", ",", ";", ":"))):
            return para.bullet.rstrip(".")
    return None


def segment(cleaned: Cleaned) -> Document:
    """Assign roles to the cleaned paragraphs; link citations to references."""
    blocks: list[Block] = []
    meta: dict = {}
    problems: list[str] = []
    state = _State()

    def add(role: str, text: str, para: Paragraph, **kw) -> Block:
        block = Block(id=f"b{len(blocks) + 1}", role=role, lang="und", text=text.strip(),
                      page=para.page, **kw)
        blocks.append(block)
        return block

    for para in cleaned.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        if para.footnote:
            add("footnote", re.sub(r"^\s*\d{1,3}[.)]?\s+", "", text), para)
            continue
        if state.in_references:
            m = REFERENCE_NUMBER.match(text)
            if m:
                number, text = m.group(1) or m.group(2), text[m.end():]
            elif para.bullet and para.bullet[:1].isdigit():
                number = para.bullet.rstrip(".)")
            else:
                number = str(len(blocks_of(blocks, "reference")) + 1)
            block = add("reference", text, para, number=number)
            block.id = f"ref-{number}"
            continue
        if REFERENCES_HEADING.match(text) and not para.bullet:
            add("references_heading", text.rstrip(":."), para)
            state.in_references = state.body_started = True
            continue
        m = ABSTRACT_LABEL.match(text)
        if m and not state.body_started:
            add("abstract", text[m.end():], para, label=m.group(0).strip(),
                spans=_spans_from_runs(_strip_runs(para.runs, m.end())))
            continue
        m = KEYWORDS_LABEL.match(text)
        if m and not state.body_started:
            add("keywords", text[m.end():].rstrip("."), para, label=m.group(0).strip())
            continue
        if not state.body_started and _front_matter(para, text, add, meta, blocks):
            continue
        state.body_started = True
        heading = run_in_heading(para)
        if heading:
            add("heading", heading, para, level=1, run_in=True)
            rest = _strip_runs(para.runs, len(text) - len(text.lstrip()) + len(heading) + 1)
            add("paragraph", "".join(r.text for r in rest), para, spans=_spans_from_runs(rest))
            continue
        number = _heading_number(para)
        if number:
            add("heading", text, para, level=number.count(".") + 1, number=number)
            continue
        standalone = _is_heading_line(para)
        if standalone and not CAPTION.match(text):
            heading_text, number = standalone
            level = number.count(".") + 1 if number else 1
            add("heading", heading_text, para, level=level, number=number)
        elif CAPTION.match(text):
            add("caption", text, para)
        elif para.bullet:
            add("list_item", text, para, number=para.bullet if para.bullet[0].isalnum() else None,
                spans=_spans_from_runs(para.runs))
        else:
            add("paragraph", text, para, spans=_spans_from_runs(para.runs))

    _link_citations(blocks, problems)
    return Document(meta=meta, blocks=blocks, changes=list(cleaned.changes), problems=problems)


def _front_matter(para: Paragraph, text: str, add, meta: dict, blocks: list[Block]) -> bool:
    """Roles of what precedes the body: UDC, dates, authors, affiliations, titles.

    Returns False when ``para`` is the first paragraph of the body.
    """
    m = UDC.match(text)
    if m:
        meta["udc"] = m.group("code").strip()
        return True
    m = DATES.match(text)
    if m:
        key = "received" if re.match(r"(rec|кел|пост)", m.group(1), re.I) else "accepted"
        meta[key] = m.group("date").strip()
        return True
    front_done = any(b.role in ("abstract", "keywords") for b in blocks)
    if ORCID.search(text) or EMAIL.search(text):
        add("affiliation", text, para)
        return True
    if front_done:
        return False  # after the abstracts, anything else is body
    names = split_authors(text)
    if names:
        for name in names:
            add("author", name, para)
        return True
    # An affiliation names an institution and, after a comma, its city; a title
    # in capitals may name an institution too but has no such comma.
    if SUPERSCRIPT_LEAD.match(text) or (
        INSTITUTION.search(text) and "," in text and not text.isupper()
        and blocks and blocks[-1].role in ("author", "affiliation")
    ):
        add("affiliation", SUPERSCRIPT_LEAD.sub("", text), para)
        return True
    if _looks_like_title(para) or (
        len(text.split()) <= 25 and not text.endswith((".", ";", ",", ":"))
    ):
        add("title", text, para)
        return True
    return False


def blocks_of(blocks: list[Block], role: str) -> list[Block]:
    return [b for b in blocks if b.role == role]


def _link_citations(blocks: list[Block], problems: list[str]) -> None:
    """Attach citation spans and resolve them to reference blocks by number."""
    refs = {b.number: b.id for b in blocks if b.role == "reference"}
    missing: set[int] = set()
    for block in blocks:
        if block.role in ("reference", "references_heading", "title", "keywords"):
            continue
        for span in find_citations(block.text):
            assert span.cite is not None
            span.targets = [refs[str(n)] for n in span.cite if str(n) in refs]
            missing.update(n for n in span.cite if str(n) not in refs)
            if not any(s.start < span.end and span.start < s.end for s in block.spans):
                block.spans.append(span)
        block.spans.sort(key=lambda s: s.start)
    if missing:
        listed = ", ".join(f"[{n}]" for n in sorted(missing))
        if refs:
            problems.append(f"citations {listed} have no entry in the reference list")
        else:
            problems.append(
                f"citations {listed} are unresolved: the reference list is missing from the source"
            )
