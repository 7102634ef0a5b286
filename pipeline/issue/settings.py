"""``input/journal.yaml``: what is true of every article, and the journal's issues.

Read as ``meta.yaml`` is (``pipeline/meta.py``: the same YAML limits, text rules and
one-line errors naming the value's line). The journal's fields are given once here
and reach every article's metadata (``article_defaults``); an article's
``meta.yaml`` then holds only its own fields and overrides what it must (a field it
gives replaces the journal's whole). The fields the indexing files use alone
(``url``, ``article_url``, ``depositor``, ``registrant``, ``elibrary_titleid``) are
``writers.indexing.settings.JournalSettings``, taken from the same file.

An issue lists its articles in order, grouped under the journal's sections::

    issues:
      - volume: 12
        number: 2
        year: 2026
        date: 2026-06-30      # optional: the articles' publication date
        first_page: 45        # optional, default 1: where the issue's pagination starts
        sections:
          - section: research
            articles: [trends-modern-education-kg, second-article]

An article is in at most one issue; an article in none builds as before.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..errors import MetaError
from ..meta import (
    Date,
    HttpUrl,
    Journal,
    PerLang,
    ShortText,
    Text,
    Whole,
    _bad,
    _line,
    _node_at,
    clean_text,
    meta_error,
    parse_yaml,
)
from ..writers.indexing.settings import Depositor, JournalSettings, _template

#: An article id as make builds it (the Makefile's SAFE_ID).
_ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DOI_PREFIX = re.compile(r"10\.\d{4,9}")


def _article_id(value: Any) -> str:
    text = clean_text(value, 100)
    if not _ARTICLE_ID.fullmatch(text):
        raise _bad(f"{text[:40]!r} is not an article id",
                   "write the name of the article's folder in input/ (letters, digits, . _ -)")
    return text


def _doi_prefix(value: Any) -> str:
    text = clean_text(value, 40).removeprefix("https://doi.org/").rstrip("/")
    if not _DOI_PREFIX.fullmatch(text):
        raise _bad(f"{text[:40]!r} is not a DOI prefix", "write it as 10.NNNN")
    return text


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _bad(f"{value!r} is not yes or no", "write true or false")


ArticleId = Annotated[str, BeforeValidator(_article_id)]
Page = Annotated[Whole, Field(ge=1, le=99_999)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IssueSection(_Model):
    """One section of an issue: its key in ``sections:`` and its articles in order."""

    section: Annotated[str, BeforeValidator(lambda v: clean_text(v, 100))]
    articles: list[ArticleId] = Field(default_factory=list)


class Issue(_Model):
    volume: Annotated[Whole, Field(ge=1, le=9999)]
    number: ShortText
    year: Annotated[Whole, Field(ge=1800, le=2200)]
    date: Date | None = None
    first_page: Page = 1
    sections: list[IssueSection] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """``12-2``: the issue's folder is ``output/issue-12-2``."""
        return f"{self.volume}-{re.sub(r'[^A-Za-z0-9._-]+', '-', self.number)}"

    @property
    def articles(self) -> list[str]:
        """The issue's article ids, in print order."""
        return [a for s in self.sections for a in s.articles]

    def section_of(self, article: str) -> str | None:
        return next((s.section for s in self.sections if article in s.articles), None)


class JournalFile(_Model):
    """``input/journal.yaml``; every field is optional."""

    journal: Journal | None = None
    license: ShortText | None = None
    license_url: HttpUrl | None = None
    doi_prefix: Annotated[str, BeforeValidator(_doi_prefix)] | None = None
    sections: dict[Annotated[str, BeforeValidator(lambda v: clean_text(v, 100))], PerLang] = \
        Field(default_factory=dict)
    #: Every article starts on an odd (right-hand) page; a blank page fills the gap.
    odd_pages: Annotated[bool, BeforeValidator(_yes_no)] = False
    issues: list[Issue] = Field(default_factory=list)
    # For the indexing files (writers/indexing/settings.py):
    url: HttpUrl | None = None
    article_url: Annotated[str, BeforeValidator(_template)] | None = None
    depositor: Depositor | None = None
    registrant: Text | None = None
    elibrary_titleid: ShortText | None = None

    def indexing(self) -> JournalSettings:
        """The fields the indexing writers read."""
        return JournalSettings(**{k: getattr(self, k) for k in JournalSettings.model_fields})

    def issue_of(self, article: str) -> Issue | None:
        return next((i for i in self.issues if article in i.articles), None)

    def issue(self, key: str) -> Issue | None:
        return next((i for i in self.issues if i.key == key), None)

    def section_name(self, key: str, lang: str) -> str:
        names = self.sections.get(key) or {}
        return names.get(lang) or names.get("en") or next(iter(names.values()), key)


_TOP = set(JournalFile.model_fields)
_ISSUE = set(Issue.model_fields)
_SECTION = set(IssueSection.model_fields)


def _warn_unknown(data: dict[str, Any], node: yaml.MappingNode, known: set[str],
                  path: Path | str, where: str = "") -> None:
    """Warn about (and drop) a field journal.yaml does not have, with the likely one."""
    lines = {k.value: k for k, _ in node.value}
    for key in [k for k in data if k not in known]:
        del data[key]
        guess = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean {guess[0]!r}?" if guess else "it is left out (see README.md)"
        print(f"warning: {path}: line {_line(lines[key])}: unknown field {key!r}{where} "
              f"— {hint}", file=sys.stderr)


def _drop_unknown(data: dict[str, Any], node: yaml.MappingNode, path: Path | str) -> None:
    _warn_unknown(data, node, _TOP, path)
    issues, issues_node = data.get("issues"), _node_at(node, ("issues",))
    if not (isinstance(issues, list) and isinstance(issues_node, yaml.SequenceNode)):
        return
    for i, (issue, inode) in enumerate(zip(issues, issues_node.value, strict=True), 1):
        if not (isinstance(issue, dict) and isinstance(inode, yaml.MappingNode)):
            continue
        _warn_unknown(issue, inode, _ISSUE, path, f" of issues #{i}")
        secs, snode = issue.get("sections"), _node_at(inode, ("sections",))
        if isinstance(secs, list) and isinstance(snode, yaml.SequenceNode):
            for j, (sec, sn) in enumerate(zip(secs, snode.value, strict=True), 1):
                if isinstance(sec, dict) and isinstance(sn, yaml.MappingNode):
                    _warn_unknown(sec, sn, _SECTION, path, f" of issues #{i}.sections #{j}")


def _check_issues(journal: JournalFile, node: yaml.Node, path: Path | str,
                  input_dir: Path | None) -> None:
    """What the schema alone cannot see, each a one-line error naming the line:
    a section the journal does not name, two issues with one number, an article
    listed twice (in two issues, or twice in one), an article with no folder."""
    seen: dict[str, tuple[Issue, int]] = {}
    keys: dict[str, int] = {}
    for i, issue in enumerate(journal.issues):
        line = _line(_node_at(node, ("issues", i)))
        if issue.key in keys:
            raise MetaError(path, f"line {line}: issues #{i + 1}: volume {issue.volume} "
                            f"number {issue.number} is listed twice (also line {keys[issue.key]})",
                            "give each issue once")
        keys[issue.key] = line
        for j, sec in enumerate(issue.sections):
            if sec.section not in journal.sections:
                at = _line(_node_at(node, ("issues", i, "sections", j, "section")))
                known = ", ".join(sorted(journal.sections)) or "none yet"
                raise MetaError(path, f"line {at}: issues #{i + 1}.sections #{j + 1}.section: "
                                f"{sec.section!r} is not one of the journal's sections "
                                f"({known})", "add it under `sections:` with its names "
                                "per language, or use one of those")
            for k, article in enumerate(sec.articles):
                at = _line(_node_at(node, ("issues", i, "sections", j, "articles", k)))
                if article in seen:
                    other, other_line = seen[article]
                    where = "this issue" if other is issue else \
                        f"issue {other.volume}/{other.number}"
                    raise MetaError(path, f"line {at}: article {article!r} is listed in "
                                    f"{where} already (line {other_line})",
                                    "list each article in one issue, once")
                seen[article] = (issue, at)
                if input_dir is not None and not (input_dir / article).is_dir():
                    raise MetaError(path, f"line {at}: article {article!r} is listed but "
                                    f"{input_dir / article} does not exist",
                                    "add the article's folder to input/, or take it off "
                                    "the list")


def load_journal(path: Path | None, check_inputs: bool = True) -> JournalFile:
    """``journal.yaml`` at ``path`` as a ``JournalFile`` (empty when there is none).

    With ``check_inputs`` every listed article must have its folder beside the file.
    """
    if path is None or not path.exists():
        return JournalFile()
    from ..document import read_editor_file

    text = read_editor_file(path, MetaError)
    data, node = parse_yaml(text, path)
    if data is None:
        return JournalFile()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise MetaError(path, "line 1: expected fields like `journal:` and `issues:`",
                        "see the README's journal.yaml table")
    _drop_unknown(data, node, path)
    try:
        journal = JournalFile.model_validate(data)
    except ValidationError as exc:
        raise meta_error(exc, node, path) from None
    _check_issues(journal, node, path, path.parent if check_inputs else None)
    return journal


@dataclass(frozen=True)
class Placement:
    """Where an article stands in its issue."""

    issue: Issue
    index: int  # 0-based position in print order
    previous: str | None  # the article printed before it

    @property
    def first_in_issue(self) -> bool:
        return self.previous is None


def placement(journal: JournalFile, article: str) -> Placement | None:
    issue = journal.issue_of(article)
    if issue is None:
        return None
    order = issue.articles
    k = order.index(article)
    return Placement(issue, k, order[k - 1] if k else None)


def article_defaults(journal: JournalFile, article: str, first_page: int | None = None
                     ) -> dict[str, Any]:
    """What journal.yaml says of ``article``, as ``meta.yaml`` fields (JSON values).

    Every article gets the journal's name, ISSNs, publisher and licence; an article
    of an issue also its volume, number, year, date and (``first_page``, computed by
    ``pages.py``) its first page.

    >>> j = JournalFile.model_validate({"license": "CC BY 4.0", "sections": {"r": {"en": "R"}},
    ...     "issues": [{"volume": 3, "number": "1", "year": 2026,
    ...                 "sections": [{"section": "r", "articles": ["a"]}]}]})
    >>> article_defaults(j, "a", 7)
    {'license': 'CC BY 4.0', 'volume': 3, 'issue': '1', 'year': 2026, 'first_page': 7}
    >>> article_defaults(j, "b")
    {'license': 'CC BY 4.0'}
    """
    out: dict[str, Any] = {}
    if journal.journal is not None:
        out["journal"] = journal.journal.model_dump(mode="json", exclude_defaults=True)
    for key in ("license", "license_url"):
        if getattr(journal, key):
            out[key] = getattr(journal, key)
    issue = journal.issue_of(article)
    if issue is not None:
        out.update(volume=issue.volume, issue=issue.number, year=issue.year)
        if issue.date:
            out["published"] = issue.date.isoformat()
        if first_page is not None:
            out["first_page"] = first_page
    return out
