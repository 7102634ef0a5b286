"""DOCX fixtures made by the tests: pandoc from Markdown, as Word would give it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pypandoc


def docx_from_markdown(markdown: str, dest: Path) -> Path:
    """A DOCX made by pandoc from ``markdown``, as Word would give it to the editor;
    its pictures are looked up beside ``dest``."""
    subprocess.run([pypandoc.get_pandoc_path(), "--from=markdown", "--to=docx",
                    f"--resource-path={dest.parent}", "-o", str(dest)],
                   input=markdown.encode("utf-8"), check=True)
    return dest
