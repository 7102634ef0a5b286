"""Continuous pagination: every page number of an issue computed, never typed.

Article k's first page is article k-1's last page + 1 (the next odd page when the
journal starts every article on a right-hand page); the issue's first article
starts at the issue's ``first_page``. A last page is the first plus the page count
of the article's typeset journal PDF, minus one.

There is no cycle: an article's page count does not depend on its own first page
(the folios are in the header and footer, whose boxes have a fixed width), so the
first page is given to the typesetting, and the last page is read after it. Each
result is a small JSON file under ``build/<id>/`` rewritten only when it changes:

* ``journal.json``: what journal.yaml gives the article's metadata, its first page
  included (the document stage reads it; it depends on the previous article's
  ``pages.json``);
* ``pages.json``: the first and last page and the count, from the typeset PDF.

So when an edit changes one article's page count, the later articles of its issue
get new ``journal.json`` files and are typeset again; when it does not, no file
after it changes and make rebuilds nothing else.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BasmaError
from ..fileio import atomic_write

if TYPE_CHECKING:
    from ..meta import Meta
    from .settings import Issue, JournalFile


class IssueError(BasmaError):
    """An issue cannot be made as listed (pages, DOIs, articles)."""

    hint = "fix input/journal.yaml or the article named"


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def shown(self) -> str:
        return f"{self.first}–{self.last}" if self.last != self.first else str(self.first)


def next_first_page(previous_last: int, odd_pages: bool) -> int:
    """The first page after one that ends on ``previous_last``.

    >>> next_first_page(49, False), next_first_page(49, True), next_first_page(50, True)
    (50, 51, 51)
    """
    page = previous_last + 1
    return page + 1 if odd_pages and page % 2 == 0 else page


def first_page(journal: JournalFile, article: str, previous: PageRange | None) -> int | None:
    """The computed first page of ``article`` (None: it is in no issue, or the article
    before it has no pages yet)."""
    from .settings import placement

    place = placement(journal, article)
    if place is None:
        return None
    if place.first_in_issue:
        return place.issue.first_page
    if previous is None:
        return None
    return next_first_page(previous.last, journal.odd_pages)


def plan(journal: JournalFile, issue: Issue, counts: dict[str, int]) -> dict[str, PageRange]:
    """Every article's pages from the page counts of their PDFs, in print order.

    >>> from pipeline.issue.settings import JournalFile
    >>> j = JournalFile.model_validate({"odd_pages": True, "sections": {"r": {"en": "R"}},
    ...     "issues": [{"volume": 1, "number": "1", "year": 2026, "first_page": 1,
    ...                 "sections": [{"section": "r", "articles": ["a", "b", "c"]}]}]})
    >>> {k: r.shown() for k, r in plan(j, j.issues[0], {"a": 5, "b": 2, "c": 3}).items()}
    {'a': '1–5', 'b': '7–8', 'c': '9–11'}
    """
    out: dict[str, PageRange] = {}
    previous: PageRange | None = None
    for article in issue.articles:
        start = first_page(journal, article, previous)
        if start is None or article not in counts:
            break
        previous = out[article] = PageRange(start, start + counts[article] - 1)
    return out


# --- the files make compares ------------------------------------------------------------------


def read_pages(path: Path) -> PageRange | None:
    """A ``pages.json``, or None when it is missing or unreadable (not typeset yet)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return PageRange(int(data["first"]), int(data["last"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_json_if_changed(path: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` as JSON only when it differs: an unchanged file keeps its mtime,
    and make rebuilds nothing that depends on it."""
    # Not sorted: the journal's names keep their order (ky, ru, en), as the files print them.
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    return atomic_write(path, text, only_if_changed=True)


def pdf_pages(pdf: Path) -> tuple[int, int | None]:
    """(page count, first folio from the PDF's page labels, if it has them)."""
    import pikepdf

    try:
        with pikepdf.open(pdf) as doc:
            count = len(doc.pages)
            start = None
            labels = doc.Root.get("/PageLabels")
            if labels is not None:
                nums = labels.get("/Nums")
                if nums is not None and len(nums) >= 2:
                    start = int(nums[1].get("/St", 1))
            return count, start
    except (OSError, pikepdf.PdfError) as exc:
        raise IssueError(pdf, f"cannot be read as a PDF ({exc})",
                         "build the article again") from None


def article_pages(pdf: Path, first: int | None) -> PageRange:
    """The pages of an article's journal PDF, typeset to start at ``first``.

    The PDF's own page labels must agree (hyperref writes the first folio there): a
    PDF typeset for another first page would put wrong numbers in the issue.
    """
    count, start = pdf_pages(pdf)
    if count < 1:
        raise IssueError(pdf, "the PDF has no pages", "build the article again")
    if first is None:
        first = start or 1
    elif start is not None and start != first:
        raise IssueError(pdf, f"the PDF starts at page {start}, not at the page {first} "
                         "the issue gives it", "build the article again (make build)")
    return PageRange(first, first + count - 1)


# --- the article's metadata -------------------------------------------------------------------


def journal_record(journal: JournalFile, article: str, build: Path) -> dict[str, Any]:
    """``build/<id>/journal.json``: journal.yaml's fields for ``article``, its computed
    first page from the previous article's ``build/<prev>/pages.json``."""
    from .settings import article_defaults, placement

    place = placement(journal, article)
    previous = None
    if place is not None and place.previous is not None:
        previous = read_pages(build / place.previous / "pages.json")
    start = first_page(journal, article, previous)
    record: dict[str, Any] = {"meta": article_defaults(journal, article, start)}
    if place is not None:
        record["issue"] = place.issue.key
        record["paginated"] = True
    return record


def with_journal(given: Meta, journal_path: Path, article: str | None) -> Meta:
    """The editor's ``meta.yaml`` over what journal.yaml says of the article.

    ``journal_path`` is the article's ``build/<id>/journal.json`` (make) or
    ``input/journal.yaml`` itself (``build PATH``; the previous article's pages are
    then read from the project's ``build/``). A page number typed in meta.yaml for
    an article of an issue is replaced by the computed one, with a warning.
    """
    from ..meta import Meta, merge

    if journal_path.suffix == ".json":
        try:
            record = json.loads(journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IssueError(journal_path, f"cannot be read ({exc})",
                             "run make again (it is made from input/journal.yaml)") from None
    else:
        from .settings import load_journal

        journal = load_journal(journal_path, check_inputs=False)
        if article is None:
            return merge(Meta.model_validate(journal_record(journal, "", Path())["meta"]), given)
        record = journal_record(journal, article, journal_path.parent.parent / "build")
    defaults = Meta.model_validate(record.get("meta") or {})
    meta = merge(defaults, given)
    if record.get("paginated"):
        typed = [k for k in ("first_page", "last_page") if k in given.model_fields_set]
        if typed:
            print(f"warning: {article or journal_path}: meta.yaml's {' and '.join(typed)} "
                  f"left out — the article is in issue {record.get('issue')}, whose pages "
                  "are computed", file=sys.stderr)
        meta = meta.model_copy(update={"first_page": defaults.first_page, "last_page": None})
    return meta


def paginated_document(doc_json: str, pages: PageRange | None) -> str:
    """document.json with the article's computed pages in its meta (first and last)."""
    data = json.loads(doc_json)
    if pages is not None:
        data.setdefault("meta", {}).update(first_page=pages.first, last_page=pages.last)
    return json.dumps(data, ensure_ascii=False, indent=1)


# --- checks -------------------------------------------------------------------------------------


def check_continuity(issue: Issue, odd_pages: bool,
                     found: list[tuple[str, PageRange, Path]]) -> list[str]:
    """Each article must start where the one before it leaves off: a gap or an
    overlap is an error naming both files. Returns the warnings (none yet).

    >>> from pipeline.issue.settings import Issue
    >>> i = Issue(volume=1, number="1", year=2026)
    >>> check_continuity(i, False, [("a", PageRange(1, 4), Path("a.pdf")),
    ...                             ("b", PageRange(4, 6), Path("b.pdf"))])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pipeline.issue.pages.IssueError: b.pdf starts at page 4, which a.pdf already prints ...
    """
    previous: tuple[str, PageRange, Path] | None = None
    for article, pages, path in found:
        if previous is None:
            if pages.first != issue.first_page:
                raise IssueError(path, f"starts at page {pages.first}, not at the issue's "
                                 f"first page {issue.first_page}", "build the issue again")
        else:
            name, before, before_path = previous
            want = next_first_page(before.last, odd_pages)
            if pages.first <= before.last:
                raise IssueError(path, f"{path} starts at page {pages.first}, which "
                                 f"{before_path} already prints ({name} ends at "
                                 f"{before.last})", "build the issue again (make build)")
            if pages.first != want:
                raise IssueError(path, f"{path} starts at page {pages.first}, but "
                                 f"{before_path} ends at {before.last}: a gap of "
                                 f"{pages.first - want} page(s)", "build the issue again "
                                 "(make build)")
        previous = (article, pages, path)
    return []


def check_dois(found: list[tuple[str | None, Path]]) -> None:
    """A DOI names one article: the same DOI in two articles' metadata is an error
    naming both files (Crossref would move the DOI to whichever came last).

    >>> check_dois([("10.1/a", Path("a/meta.yaml")), ("10.1/A", Path("b/meta.yaml"))])
    Traceback (most recent call last):
    ...
    pipeline.issue.pages.IssueError: the DOI 10.1/A is a/meta.yaml's too
    """
    seen: dict[str, Path] = {}
    for doi, path in found:
        if not doi:
            continue
        key = doi.lower()  # DOIs are case-insensitive
        if key in seen:
            raise IssueError(path, f"the DOI {doi} is {seen[key]}'s too",
                             "give each article its own DOI")
        seen[key] = path


def with_last_page(doc: Any, journal_path: Path | None, article: str | None, pdf: Path) -> bool:
    """For ``build PATH``: give an issue's article its last page from its journal PDF
    (``doc.meta`` updated in place). Returns whether it is an issue's article."""
    if journal_path is None or article is None or not pdf.exists():
        return False
    if journal_path.suffix == ".json":
        try:
            paginated = bool(json.loads(journal_path.read_text(encoding="utf-8"))
                             .get("paginated"))
        except (OSError, ValueError):
            return False
    else:
        from .settings import load_journal, placement

        paginated = placement(load_journal(journal_path, check_inputs=False), article) \
            is not None
    if not paginated or doc.meta.first_page is None:
        return False
    pages = article_pages(pdf, doc.meta.first_page)
    doc.meta = doc.meta.model_copy(update={"first_page": pages.first, "last_page": pages.last})
    return True


def journal_range_tex(last: int) -> str:
    r"""What a single-language edition's typesetting is given before its source: the
    journal PDF's last page, which its header and how-to-cite line print
    (``\basmajournalrange``, templates/article.tex.j2). Only the pdf stage adds it, so
    the edition's ``.tex`` does not depend on the journal PDF (no cycle in make).

    >>> journal_range_tex(49)
    '\\def\\basmajournallast{49}%\n'
    """
    return f"\\def\\basmajournallast{{{int(last)}}}%\n"
