"""Reference lists: where one starts, where an entry starts, and wrapped entries.

A PDF's reference list reaches segmentation as one paragraph per line far more
often than as one per entry: a hanging indent gives every line a paragraph hint.
So an entry is rebuilt from text evidence:

* in a numbered list (``1.``, ``[1]``, ``1)``), an entry starts at a number and
  every paragraph without one continues the entry before it;
* in an unnumbered (author–year) list, an entry starts with an author
  ("Smith, J.", "Smith J.", "J. Smith", "Иванов И.И.") after an entry that is
  finished; a line starting in lower case, with a digit or with punctuation
  continues it.

A references heading starts a list only when what follows looks like one: a
table of contents lists "References" (often followed by its page number) on
page 2 of a paper, and that must not turn the paper into references.
"""

from __future__ import annotations

import re

from ..model import Paragraph

#: The heading of a reference list, optionally numbered ("7. References", "VII. REFERENCES").
REFERENCES_HEADING = re.compile(
    r"^\s*(?:(?:[IVXLC]{1,6}|\d{1,2})\.?\s+)?"
    r"(Адабияттар(\s+тизмеси)?|Колдонулган\s+адабияттар(\s+тизмеси)?|"
    r"Пайдаланылган\s+әдебиеттер(\s+тізімі)?|"
    r"Список\s+(использованной\s+|цитированной\s+)?литературы|Литература|"
    r"Библиографический\s+список|References|Bibliography|Literature(\s+cited)?)\s*[:.]?\s*$",
    re.IGNORECASE,
)
#: A printed entry number: "[12]", "12.", "12)".
REFERENCE_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+")

_UP = "A-ZА-ЯЁӨҮҢІҚҒҰҺӘÀ-ÖØ-ÞĀ-Ž"
_LOW = "a-zа-яёөүңіқғұһәß-öø-ÿā-ž"
_SURNAME = rf"[{_UP}][{_LOW}'’]+(?:-[{_UP}]?[{_LOW}'’]+)*"
_PARTICLE = r"(?:(?:van|von|de|der|da|di|le|la|du)\s+){0,2}"
_INITIALS = rf"(?:[{_UP}]\.\s?-?){{1,3}}"
#: How an entry of a reference list begins: an author in one of the usual forms.
AUTHOR_START = re.compile(
    rf"^\s*(?:"
    rf"{_PARTICLE}{_SURNAME},?\s+{_INITIALS}"  # Smith, J. / Иванов И.И.
    rf"|{_PARTICLE}{_SURNAME},?\s+[{_UP}]{{1,3}}(?=[\s,])"  # Perlmutter S et al (IOP)
    rf"|{_INITIALS}\s?{_PARTICLE}{_SURNAME}[,\s]"  # J. Smith, / И.И. Иванов
    rf"|{_SURNAME},\s+[{_UP}][{_LOW}]+(?:\s+{_INITIALS})?[,.]"  # Smith, John.
    rf"|[{_UP}]{{2,}}(?:\s+[{_UP}]{{2,}})*[.,]\s"  # ЮНЕСКО. / WHO, an organisation
    rf")"
)
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)[a-zа-я]?\b")
_BIBLIO = re.compile(r"//|\bet al\b|\bpp?\.\s*\d|\b[СсPp]\.\s*\d|\bVol\.|\bТ\.\s*\d|\bdoi\b|"
                     r"\bIn:|\bProc\.|\bJ\.\s|\bISBN\b|https?://", re.IGNORECASE)
#: A table-of-contents line: dotted leaders or a title followed by its page number.
TOC_LEADERS = re.compile(r"(?:\.\s?){3,}\s*\d{1,4}\s*$|…+\s*\d{1,4}\s*$")
TOC_PAGE = re.compile(r"^\D.*\D\s+\d{1,4}\s*$")
CONTENTS = re.compile(r"(?:^|\s)(Contents|Table\s+of\s+contents|Содержание|Оглавление|Мазмуну)"
                      r"\s*$", re.IGNORECASE)
_FINISHED = (".", ")", "]", "»", '"', "”")


def entry_number(para: Paragraph) -> tuple[str | None, str]:
    """The printed number of a reference entry and its text without it.

    >>> from pipeline.model import Run
    >>> entry_number(Paragraph([Run("[12] Smith J. A title. 2001.")]))
    ('12', 'Smith J. A title. 2001.')
    >>> entry_number(Paragraph([Run("Smith J. 2001")]))
    (None, 'Smith J. 2001')
    """
    text = para.text.strip()
    m = REFERENCE_NUMBER.match(text)
    if m:
        return m.group(1) or m.group(2), text[m.end():]
    if para.bullet and para.bullet[:1].isdigit():
        return para.bullet.strip("[].)"), text
    if para.bullet and re.fullmatch(r"\[\d{1,3}\]", para.bullet):
        return para.bullet.strip("[]"), text
    return None, text


def starts_with_author(text: str) -> bool:
    """Whether ``text`` opens the way a reference entry does: with an author.

    >>> [starts_with_author(t) for t in ("Smith, J. (2001)", "Иванов И.И. Книга",
    ...  "P. Levis, A. Tavakoli", "Perlmutter S et al, 1997", "Cambridge University Press")]
    [True, True, True, True, False]
    """
    return bool(AUTHOR_START.match(text))


def looks_like_entry(text: str) -> bool:
    """Whether ``text`` (an entry's first line, its number removed) reads as a reference.

    >>> looks_like_entry("Cho K. Foundations and Advances in Deep Learning:")
    True
    >>> looks_like_entry("Introduction 9")
    False
    """
    if len(text.split()) < 3:
        return False
    return starts_with_author(text) or bool(_YEAR.search(text)) or bool(_BIBLIO.search(text))


def is_references_heading(text: str) -> bool:
    return bool(REFERENCES_HEADING.match(text))


def is_toc_line(text: str) -> bool:
    """A line of a table of contents: dotted leaders ("Введение ........ 3"), or a
    references heading followed by its page number ("References 14").

    >>> is_toc_line("Introduction ........ 3"), is_toc_line("Results of 2019")
    (True, False)
    >>> is_toc_line("References 14"), is_toc_line("VII. REFERENCES")
    (True, False)
    """
    if TOC_LEADERS.search(text):
        return True
    # "References 14": a heading word and its page number, as contents pages print them.
    m = re.match(r"^(.*\D)\s+\d{1,4}\s*$", text)
    return bool(m) and is_references_heading(m.group(1))


def starts_list(paras: list[Paragraph], i: int) -> bool:
    """Whether the references heading at ``paras[i]`` is followed by reference entries.

    The first non-empty paragraph after the heading must look like an entry; a
    contents page ("References" then "1. Introduction 9") or a heading followed
    by prose is not a list.
    """
    for para in paras[i + 1:i + 4]:
        text = para.text.strip()
        if not text:
            continue
        number, rest = entry_number(para)
        return looks_like_entry(rest) and (number is not None or starts_with_author(rest)
                                           or bool(_YEAR.search(rest)))
    return False


def continues_entry(prev_text: str, para: Paragraph, numbered: bool) -> bool:
    """Whether ``para`` is a wrapped line of the entry before it, not a new entry.

    ``numbered``: the list's entries carry numbers, so only a number starts one.
    """
    number, text = entry_number(para)
    if number is not None:
        return False
    if numbered:
        return True
    if re.match(r"^\s*([^\w\s\"«“(]|[\d" + _LOW + "])", text):
        return True  # lower case, a digit or punctuation: the sentence goes on
    if not prev_text.rstrip().endswith(_FINISHED) and not _YEAR.search(prev_text[-12:]):
        return True  # the entry before is unfinished
    return not starts_with_author(text)


def join_entry(first: Paragraph, more: Paragraph) -> None:
    """Append a wrapped line to an entry, keeping a line-end hyphen where it belongs.

    A reference's hyphen at a line end is kept without a space: page ranges
    ("113-" / "127"), compound names ("Locally-" / "Adaptive") and identifiers
    ("survey-" / "02.txt") outnumber hyphenated words in reference lists, and
    dropping a real hyphen corrupts a citation where keeping one only shows.
    """
    last = first.runs[-1]
    last.text = last.text.rstrip()
    runs = [r.with_text(r.text) for r in more.runs]
    if runs:
        runs[0].text = runs[0].text.lstrip()
    sep = "" if last.text.endswith(("-", "/", "–")) else " "
    if runs and runs[0].text[:1] in ".,;:)]":
        sep = ""
    if sep:
        last.text += sep
    first.runs.extend(r for r in runs if r.text)


def split_run_on(number: str | None, text: str) -> list[tuple[str | None, str]]:
    """An entry with later entries run into it split apart at their "[n]" numbers.

    Two-column reference lists reach here with several entries on one line
    ("… 565 [SPIRES] [2] Hinshaw G et al, 2008 …"); only a number greater than
    the one before, followed by an entry, starts one.

    >>> split_run_on("1", "Perlmutter S, 1997 Astrophys. J. 483 565 [2] Hinshaw G, 2008 ApJ")
    [('1', 'Perlmutter S, 1997 Astrophys. J. 483 565'), ('2', 'Hinshaw G, 2008 ApJ')]
    >>> split_run_on("3", "Smith J. Title [1] again, 2001")
    [('3', 'Smith J. Title [1] again, 2001')]
    """
    if number is None or not number.isdigit():
        return [(number, text)]
    out: list[tuple[str | None, str]] = []
    current, start = int(number), 0
    head = number
    for m in re.finditer(r"\s\[(\d{1,3})\]\s+", text):
        n = int(m.group(1))
        if current < n <= current + 20 and looks_like_entry(text[m.end():m.end() + 120]):
            out.append((head, text[start:m.start()].strip()))
            head, current, start = m.group(1), n, m.end()
    out.append((head, text[start:].strip()))
    return [(n, t) for n, t in out if t]


def split_author_year_run_on(text: str) -> list[str]:
    """Entries of an unnumbered list that the line joining ran together.

    A hanging indent puts the next entry's first line *left* of the line before,
    which a reader may not take for a paragraph start. A new entry is a finished
    sentence followed by an author and, soon after, a year.

    >>> split_author_year_run_on("Jones, R. (2015) A book. New York: Springer. "
    ...                          "Smith, J. (2010) Schools. London.")
    ['Jones, R. (2015) A book. New York: Springer.', 'Smith, J. (2010) Schools. London.']
    """
    out, start = [], 0
    for m in re.finditer(r"(?<=[.)])\s+(?=\S)", text):
        rest = text[m.end():]
        if starts_with_author(rest) and _YEAR.search(rest[:90]) and m.start() - start > 20:
            out.append(text[start:m.start()].strip())
            start = m.end()
    out.append(text[start:].strip())
    return [t for t in out if t]
