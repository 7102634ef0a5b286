"""Offline validation of the indexing files against their schemas (``make check``, tests).

JATS against the JATS 1.3 Journal Publishing DTD, Crossref against its 5.3.1 XSD,
DOAJ against ``doajArticles.xsd`` — the local copies in ``../shared/schemas``
(``BASMA_SCHEMAS`` names another folder) — and eLibrary against the schema written
for it here (``schemas/elibrary.xsd``). Nothing is fetched: the parser has no
network, and the DTD's modules are read from the schema folder.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from .elibrary import SCHEMA as ELIBRARY_XSD

KINDS = ("jats.xml", "crossref.xml", "doaj.xml", "elibrary.xml")


def schema_folder() -> Path:
    given = os.environ.get("BASMA_SCHEMAS")
    return Path(given) if given else Path(__file__).resolve().parents[3].parent / "shared" / \
        "schemas"


def schema_path(kind: str) -> Path:
    """The DTD or XSD a file of ``kind`` (``jats.xml`` …) is checked against."""
    root = schema_folder()
    return {"jats.xml": root / "jats-1.3" / "JATS-journalpublishing1-3.dtd",
            "crossref.xml": root / "crossref-5.3.1" / "crossref5.3.1.xsd",
            "doaj.xml": root / "doaj" / "doajArticles.xsd",
            "elibrary.xml": ELIBRARY_XSD}[kind]


def kind_of(path: Path | str) -> str | None:
    name = Path(path).name
    return next((k for k in KINDS if name.endswith("." + k)), None)


@cache
def validator(kind: str) -> Any:
    path = schema_path(kind)
    if kind == "jats.xml":
        return etree.DTD(str(path))
    return etree.XMLSchema(etree.parse(str(path)))


def parse(data: bytes) -> Any:
    """An indexing file's tree; no DTD is loaded, no entity expanded, nothing fetched."""
    return etree.fromstring(data, etree.XMLParser(no_network=True, load_dtd=False,
                                                  resolve_entities=False))


def errors(kind: str, data: bytes) -> list[str]:
    """What is wrong with ``data`` as a file of ``kind`` (empty: it validates)."""
    try:
        tree = parse(data)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    check = validator(kind)
    if check.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in check.error_log]


def check_folder(folder: Path) -> list[str]:
    """``ok``/``FAIL`` lines for every indexing file in an output folder (make check)."""
    lines = []
    for path in sorted(folder.iterdir()):
        kind = kind_of(path)
        if kind is None:
            continue
        if not schema_path(kind).exists():
            lines.append(f"FAIL {path}: the schema {schema_path(kind)} is missing")
            continue
        found = errors(kind, path.read_bytes())
        lines.append(f"FAIL {path}: {found[0]}" if found else f"ok   {path}: valid {kind}")
    return lines
