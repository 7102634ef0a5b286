"""Stage 5, document: the tagged blocks, the editor's metadata and the editor's fixes.

Entry point: ``make_document(tagged, editor) -> Document``. What extraction found
in the source (UDC, dates, authors) is validated into a ``Meta`` and kept unless
``meta.yaml`` says otherwise (a field the editor gives replaces it whole); without
authors in either, the source's author blocks become the authors. Every entry of
``corrections.yaml`` is applied and recorded as the editor's change (and the
captions and cross-references linked again, ``segment/objects.py``); then the
typography of each block's language (``typography.py``: dashes, ties).
The result is ``output/<id>/document.json``, the one model every writer reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BasmaError, CorrectionError, MetaError
from ..model import Document, validate

if TYPE_CHECKING:
    from ..meta import Author


@dataclass(frozen=True)
class EditorFiles:
    """What the editor supplies beside the source; either file may be absent."""

    meta: Path | None = None
    corrections: Path | None = None
    #: What journal.yaml gives this article (pipeline/issue): make's per-article
    #: ``build/<id>/journal.json``, or ``input/journal.yaml`` itself.
    journal: Path | None = None
    article: str | None = None

    @classmethod
    def of_folder(cls, folder: Path) -> EditorFiles:
        journal = folder.parent / "journal.yaml"
        return cls(folder / "meta.yaml", folder / "corrections.yaml",
                   journal if journal.exists() else None, folder.resolve().name)

    def check(self) -> None:
        """Read and validate both files now, as the document stage will: a mistake in
        them is reported in a second, before minutes of extraction (``build`` calls
        this first). What corrections match is only known at the document stage."""
        import contextlib
        import io

        from ..meta import load_meta
        from .corrections import _entries

        if self.meta and (self.meta.exists() or self.meta.is_symlink()):
            # Its warnings (unknown fields) are the document stage's to print, once.
            with contextlib.redirect_stderr(io.StringIO()):
                load_meta(read_editor_file(self.meta, MetaError), self.meta)
        if self.journal is not None and self.journal.suffix != ".json":
            from ..issue.settings import load_journal

            with contextlib.redirect_stderr(io.StringIO()):
                load_journal(self.journal, check_inputs=False)
        if self.corrections and (self.corrections.exists() or self.corrections.is_symlink()):
            _entries(read_editor_file(self.corrections, CorrectionError), self.corrections)


def read_editor_file(path: Path, error: type[BasmaError]) -> str:
    """The text of meta.yaml or corrections.yaml; another encoding is the editor's to fix.

    The file must be a regular one inside the article's folder and under
    ``limits.MAX_EDITOR_BYTES``: a link to /etc/passwd, a FIFO or /dev/zero is refused.
    """
    from ..limits import MAX_EDITOR_BYTES, read_inside

    raw = read_inside(path, path.parent, MAX_EDITOR_BYTES, error, path.name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(path, f"line {line}: the text is not UTF-8",
                    f"save {path.name} as UTF-8 (the editor's Save As… encoding)") from None


def make_document(tagged: Document, editor: EditorFiles = EditorFiles()) -> Document:
    """The published document model: tagged blocks, the editor's metadata and fixes."""
    from ..meta import Meta, load_meta, merge
    from .corrections import apply_corrections
    from .typography import apply_typography

    doc = tagged
    found = Meta.from_found(doc.meta, doc.problems)
    given = Meta()
    if editor.meta and editor.meta.exists():
        given = load_meta(read_editor_file(editor.meta, MetaError), editor.meta)
    if editor.journal is not None:
        from ..issue.pages import with_journal

        given = with_journal(given, editor.journal, editor.article)
    meta = merge(found, given)
    if not meta.authors and "authors" not in given.model_fields_set:
        authors = authors_from_blocks(doc)
        if authors:
            meta = meta.model_copy(update={"authors": authors})
    doc.meta = meta
    if editor.corrections and editor.corrections.exists():
        text = read_editor_file(editor.corrections, CorrectionError)
        apply_corrections(doc, text, editor.corrections)
        # Roles, blocks and captions may have changed: captions and cross-references
        # are linked again (a table made text captions nothing any more).
        from ..segment.notes import link_marks
        from ..segment.objects import link_objects

        link_objects(doc.blocks, doc.problems)
        link_marks(doc.blocks, doc.problems)  # a note dropped or made text leaves its mark
    apply_typography(doc)
    validate(doc)
    return doc


def authors_from_blocks(doc: Document) -> list[Author]:
    """The ``author`` blocks' names, for a document whose segmenter gave no
    ``meta["authors"]`` (it pairs names with affiliations, e-mails and ORCIDs)."""
    from ..meta import Author, clean_text

    authors = []
    for block in doc.by_role("author"):
        try:
            name = clean_text(block.text)
        except ValueError:  # pydantic's errors are ValueErrors: no usable name
            continue
        lang = block.lang if block.lang in ("ky", "ru", "en") else "und"
        authors.append(Author(name={lang: name}))
    return authors
