"""Word files: DOCX text through pandoc, paragraphs separated by empty lines."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError


def read_docx(raw: bytes, name: str) -> str:
    """The plain text of a DOCX, one paragraph per block of lines."""
    import pypandoc

    with tempfile.TemporaryDirectory(prefix="basma-docx-") as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(raw)
        proc = subprocess.run(
            [pypandoc.get_pandoc_path(), "--from=docx", "--to=plain", "--wrap=none", str(src)],
            capture_output=True, text=True,
        )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise InputError(name, "the Word file cannot be read", "save it again as .docx or PDF")
    return proc.stdout
