"""The back catalogue: scanned issues under ``input/archive/<year>/<issue>/*.pdf``.

The Snakefile builds each PDF there as an article, with the same stage commands as
an article of ``input/<id>/``, into ``build/archive/<year>/<issue>/<id>/`` and
``output/archive/<year>/<issue>/<id>/``; ``summary.py`` writes each issue's table.

An archive's files are named by whoever scanned them ("Асанов 1998 (2).pdf",
"p. 14-22.PDF"), and an article id reaches file names, the shell and Snakemake's
patterns. So an id is derived, as the Makefile's warning suggests one for a folder:
Cyrillic romanised as Kyrgyz (ICU's BGN/PCGN, as authors' names are), every run of
other characters one "-", no leading "-", "." or "_", no trailing "-" or "."
(``safe_id``). Two files whose
ids come out the same get "-2", "-3" … in the order of their names. A year or an
issue folder is not renamed: one whose name is not a plain id is left out with a
warning, as make leaves out such an article folder.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The Makefile's SAFE_ID: what make and the Snakefile take as an article id.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: The folder of the back catalogue, under input/: never an article of its own.
ARCHIVE = "archive"
#: An id is a file name's stem with ".ky.epub" and the like after it.
MAX_ID = 100


@dataclass(frozen=True)
class ArchiveArticle:
    """One PDF of the archive, with the id it is built under."""

    year: str
    issue: str
    id: str
    source: str  # relative to the project: input/archive/<year>/<issue>/<file>.pdf

    @property
    def build(self) -> str:
        return f"build/archive/{self.year}/{self.issue}/{self.id}"

    @property
    def output(self) -> str:
        return f"output/archive/{self.year}/{self.issue}/{self.id}"


@lru_cache(maxsize=1)
def _latin():
    import icu

    # Kyrgyz BGN/PCGN first (as authors' names are romanised): ICU's Cyrillic-Latin
    # leaves ң ө ү as they are.
    return icu.Transliterator.createInstance("ky-ky_Latn/BGN; Any-Latin; Latin-ASCII")


def safe_id(name: str) -> str:
    """A plain article id from a file's stem.

    >>> safe_id("Асанов 1998 (2)")
    'Asanov-1998-2'
    >>> safe_id("Үсөнбаев_Ң.Ө.")
    'Usonbaev_NG.O'
    >>> safe_id("..;rm -rf ~")
    'rm--rf'
    >>> safe_id("¿¿")
    'article'
    """
    text = _latin().transliterate(name)
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"^[-._]+", "", text)[:MAX_ID]
    text = re.sub(r"[-.]+$", "", text)
    return text or "article"


def is_source(path: Path) -> bool:
    return path.suffix.lower() == ".pdf" and not path.name.startswith(".")


def find_articles(root: Path = Path("input"), warn=None) -> list[ArchiveArticle]:
    """Every PDF of ``<root>/archive/<year>/<issue>/``, in order, with its id.

    ``warn(line)`` gets a warning for each folder left out (default: stderr)."""
    warn = warn or (lambda line: print(line, file=sys.stderr))
    base = root / ARCHIVE
    found: list[ArchiveArticle] = []
    for year in _folders(base, warn, "year"):
        for issue in _folders(base / year, warn, "issue"):
            folder = base / year / issue
            taken: set[str] = set()
            for entry in sorted(folder.iterdir(), key=lambda p: p.name):
                if not is_source(entry) or entry.is_dir():
                    continue
                stem = safe_id(entry.stem)
                aid, n = stem, 1
                while aid in taken:
                    n += 1
                    aid = f"{stem}-{n}"
                taken.add(aid)
                found.append(ArchiveArticle(year, issue, aid, str(folder / entry.name)))
    return found


def _folders(parent: Path, warn, what: str) -> list[str]:
    if not parent.is_dir():
        return []
    names = []
    for entry in sorted(parent.iterdir(), key=lambda p: p.name):
        if entry.is_symlink() or not entry.is_dir():
            continue
        if SAFE_ID.fullmatch(entry.name):
            names.append(entry.name)
        else:
            warn(f"warning: {str(entry)!r}: not built — a {what} folder's name "
                 "is letters, digits, \".\", \"_\" and \"-\" (rename it, e.g. to "
                 f"{safe_id(entry.name)})")
    return names
