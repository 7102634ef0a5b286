"""The issue-level indexing files, made from the articles' own.

Each article's indexing stage has already written its Crossref deposit, DOAJ
record and eLibrary XML (``writers/indexing``), with its computed pages. The
issue's files are those put together, so that no two files can disagree:

* ``issue.crossref.xml``: one deposit, the journal and issue once, every article
  with a DOI as a ``journal_article`` (Crossref 5.3.1 allows many in one issue);
* ``issue.doaj.xml``: DOAJ's batch, every article's ``record``;
* ``issue.elibrary.xml``: eLibrary's issue with all its ``article`` elements.

DOAJ's and eLibrary's are validated here with the schema their article files are
(``writers/indexing/validate``): an invalid result is an error, never a file. Crossref's
XSD costs 5 s of CPU to load, more than the rest of the issue's build, so the build
checks that the deposit is well-formed and holds every article, and the schema check
is the tests' (tests/test_issue.py) and ``validate.check_folder``'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .pages import IssueError

CR = "http://www.crossref.org/schema/5.3.1"


def _tree(path: Path) -> Any:
    from ..writers.indexing.validate import parse

    try:
        return parse(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise IssueError(path, f"cannot be read ({exc})", "build the article again") from None


def _serialize(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def merge_crossref(paths: list[Path], batch_id: str) -> bytes | None:
    """One deposit for the issue: the first article's head, journal and issue, and
    every article's ``journal_article``; None when no article has a DOI."""
    if not paths:
        return None
    root = _tree(paths[0])
    ns = {"c": CR}
    head_id = root.find("c:head/c:doi_batch_id", ns)
    if head_id is not None:
        head_id.text = batch_id[:100]
    journal = root.find("c:body/c:journal", ns)
    for path in paths[1:]:
        for art in _tree(path).findall("c:body/c:journal/c:journal_article", ns):
            journal.append(art)
    return _serialize(root)


def merge_doaj(paths: list[Path]) -> bytes | None:
    if not paths:
        return None
    root = _tree(paths[0])
    for path in paths[1:]:
        for rec in _tree(path).findall("record"):
            root.append(rec)
    return _serialize(root)


def merge_elibrary(paths: list[Path]) -> bytes | None:
    if not paths:
        return None
    root = _tree(paths[0])
    articles = root.find("issue/articles")
    for path in paths[1:]:
        for art in _tree(path).findall("issue/articles/article"):
            articles.append(art)
    return _serialize(root)


def issue_files(articles: list[str], build: Path, key: str) -> dict[str, bytes]:
    """The issue's indexing files by output name, each validated."""
    from ..writers.indexing.validate import errors, schema_path

    def found(kind: str) -> list[Path]:
        return [p for a in articles if (p := build / a / "out" / f"{a}.{kind}").exists()]

    out: dict[str, bytes] = {}
    made = {
        "crossref.xml": merge_crossref(found("crossref.xml"), f"issue-{key}"),
        "doaj.xml": merge_doaj(found("doaj.xml")),
        "elibrary.xml": merge_elibrary(found("elibrary.xml")),
    }
    for kind, data in made.items():
        if data is None:
            continue
        name = f"issue.{kind}"
        if kind != "crossref.xml" and schema_path(kind).exists():
            wrong = errors(kind, data)
            if wrong:
                raise IssueError(build / f"issue-{key}" / name, f"does not validate: {wrong[0]}",
                                 "report it: the article files validate one by one")
        out[name] = data
    return out
