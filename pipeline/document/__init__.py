"""Stage 5, document: the tagged blocks, the editor's metadata and the editor's fixes.

Entry point: ``make_document(tagged, editor) -> Document``. What extraction found
in the source (UDC, dates) is kept unless ``meta.yaml`` says otherwise; every
entry of ``corrections.yaml`` is applied and recorded as the editor's change.
The result is ``output/<id>/document.json``, the one model every writer reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BasmaError, CorrectionError, MetaError
from ..model import Document, validate


@dataclass(frozen=True)
class EditorFiles:
    """What the editor supplies beside the source; either file may be absent."""

    meta: Path | None = None
    corrections: Path | None = None

    @classmethod
    def of_folder(cls, folder: Path) -> EditorFiles:
        return cls(folder / "meta.yaml", folder / "corrections.yaml")


def read_editor_file(path: Path, error: type[BasmaError]) -> str:
    """The text of meta.yaml or corrections.yaml; another encoding is the editor's to fix."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(path, f"line {line}: the text is not UTF-8",
                    f"save {path.name} as UTF-8 (the editor's Save As… encoding)") from None


def make_document(tagged: Document, editor: EditorFiles = EditorFiles()) -> Document:
    """The published document model: tagged blocks, the editor's metadata and fixes."""
    from ..meta import load_meta
    from .corrections import apply_corrections

    doc = tagged
    meta = dict(doc.meta)
    if editor.meta and editor.meta.exists():
        meta.update(load_meta(read_editor_file(editor.meta, MetaError), editor.meta))
    doc.meta = meta
    if editor.corrections and editor.corrections.exists():
        text = read_editor_file(editor.corrections, CorrectionError)
        apply_corrections(doc, text, editor.corrections)
    validate(doc)
    return doc
