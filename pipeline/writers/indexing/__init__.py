"""The indexing and archiving files of an article, every language in each.

``indexing_files(doc, settings, article_id, timestamp)`` gives, by file name:

* ``<id>.jats.xml``: JATS 1.3 Journal Publishing (``jats.py``);
* ``<id>.crossref.xml``: a Crossref 5.3.1 deposit (``crossref.py``), when there is a DOI;
* ``<id>.doaj.xml``: DOAJ's article XML (``doaj.py``);
* ``<id>.elibrary.xml``: eLibrary.ru's Articulus (``elibrary.py``, checked against
  the schema written from its published field list, ``schemas/elibrary.xsd``);
* ``<id>.html`` and ``<id>.<lang>.html``: the web pages (``pipeline/writers/html.py``).

Each writer is a pure function of the ``Article`` record (``common.article_record``),
which is made once from the document and the journal's settings (``settings.py``).
What the editor should know (a name romanised, a file left out for want of a DOI)
is in ``IndexingFiles.notes``; the stage prints each as a ``note:`` line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from ...model import Document
    from .settings import JournalSettings


@dataclass
class IndexingFiles:
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)


#: The file name suffixes, in the order they are made.
KINDS = ("jats.xml", "crossref.xml", "doaj.xml", "elibrary.xml")


def indexing_files(doc: Document, settings: JournalSettings | None = None,
                   article_id: str = "article", timestamp: int = 0,
                   translations: Path | None = None, root: Path | None = None
                   ) -> IndexingFiles:
    """Every indexing file and web page of ``doc``, by output file name.

    ``timestamp`` versions the Crossref deposit (seconds since 1970; each deposit of
    a DOI must carry a later one); ``translations`` is the editor's folder of
    translated bodies, which the web pages show as the PDF editions do; ``root`` the
    article's build folder: the pictures the JATS and the pages show are among the
    files, as ``assets/<name>`` (the paths they link).
    """
    from ..html import render_pages
    from .common import article_record
    from .crossref import render_crossref
    from .doaj import render_doaj
    from .elibrary import render_elibrary
    from .jats import render_jats
    from .settings import JournalSettings

    a = article_record(doc, settings or JournalSettings(), article_id, timestamp, translations,
                       root)
    files = {f"{a.id}.jats.xml": render_jats(a)}
    if a.meta.doi:
        files[f"{a.id}.crossref.xml"] = render_crossref(a)
    else:
        a.notes.append("no Crossref deposit: meta.yaml has no doi — add `doi:` to deposit it")
    files[f"{a.id}.doaj.xml"] = render_doaj(a)
    files[f"{a.id}.elibrary.xml"] = render_elibrary(a)
    files.update(render_pages(a))
    for name, pic in sorted(a.pictures.items()):
        files[name] = pic.path.read_bytes()
    return IndexingFiles(files, a.notes)
