"""The editor's ``meta.yaml``: loaded, checked, and reported with line numbers.

A hand-typed metadata file is the likeliest bad input of all, so every field is
checked against what the renderers need, and a mistake is reported as the file,
the line and what to write instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import MetaError

#: Languages the journal publishes in, plus those a title or abstract may carry.
KNOWN_LANGS = {"ky", "ru", "en", "kk", "uz", "tg", "tr", "de", "fr", "zh"}

_INT_FIELDS = ("volume", "year", "first_page", "last_page")
_TEXT_FIELDS = ("issue", "doi", "license", "license_url", "udc", "received", "accepted")
_PER_LANG = ("title", "short_title", "keywords")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
ISSN = re.compile(r"^\d{4}-\d{3}[\dX]$")


def _line_of(node: yaml.Node | None, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v.start_mark.line + 1
    return None


def parse_yaml(text: str, path: Path | str, error: type = MetaError) -> tuple[Any, Any]:
    """Parse YAML; return (data, node) or raise ``error`` naming the line."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise error(path, f"{line}{problem} (not valid YAML)",
                    "check the indentation and quoting on that line") from None
    return data, node


def load_meta(text: str, path: Path | str = "meta.yaml") -> dict[str, Any]:
    """Parse and check ``meta.yaml`` text; raise ``MetaError`` with a line number."""
    data, node = parse_yaml(text, path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetaError(path, "line 1: expected fields like `title:` and `volume:`")

    def fail(key: str, problem: str, hint: str) -> None:
        line = _line_of(node, key)
        raise MetaError(path, f"{'line ' + str(line) + ': ' if line else ''}{key}: {problem}", hint)

    for key in _INT_FIELDS:
        if key in data and data[key] is not None:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int):
                if isinstance(value, str) and value.strip().isdigit():
                    data[key] = int(value)
                else:
                    fail(key, f"{value!r} is not a whole number",
                         f"write {key} as a number, e.g. 12")
    for key in _TEXT_FIELDS:
        if key in data and data[key] is not None and not isinstance(data[key], (str, int)):
            fail(key, "should be plain text", f"write {key} on one line")
        if key in data and data[key] is not None:
            data[key] = str(data[key])
    lang = data.get("language")
    if lang is not None and lang not in KNOWN_LANGS:
        fail("language", f"unknown language {lang!r}", "use ky, ru or en")
    for key in _PER_LANG:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            fail(key, "should list one entry per language (ky:, ru:, en:)",
                 f"write {key}: then `ky: …` on the next line")
        for code in value:
            if code not in KNOWN_LANGS:
                fail(key, f"unknown language {code!r}", "use ky, ru or en")
    journal = data.get("journal")
    if journal is not None:
        if not isinstance(journal, dict):
            fail("journal", "should have name:, issn:, publisher:", "see the README's example")
        if isinstance(journal.get("name"), str):
            journal["name"] = {"en": journal["name"]}
        issn = journal.get("issn")
        if issn is not None and not ISSN.match(str(issn)):
            fail("journal", f"ISSN {issn!r} is not of the form 1234-567X", "check the ISSN")
    doi = data.get("doi")
    if doi and not DOI.match(doi):
        fail("doi", f"{doi!r} is not a DOI", "write it as 10.NNNN/suffix, without https://")
    authors = data.get("authors")
    if authors is not None:
        if not isinstance(authors, list):
            fail("authors", "should be a list (one `- name:` per author)", "see the README")
        for a in authors:
            if not isinstance(a, dict) or not a.get("name"):
                fail("authors", "every author needs a name:", "add `- name: …`")
    return data
