"""``make check``: validate every output an article folder holds.

The EPUBs must pass epubcheck with no error or warning; every PDF must embed all
its fonts; the LaTeX logs (when present) must show no missing character; the
indexing XML must validate against its schema (``indexing/validate.py``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")


def epubcheck(path: Path) -> tuple[int, int, str]:
    """(errors, warnings, last line) from epubcheck on one EPUB."""
    proc = subprocess.run(["java", "-jar", str(EPUBCHECK), "--quiet", str(path)],
                          capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    errors = len(re.findall(r"^(ERROR|FATAL)", out, re.M))
    warnings = len(re.findall(r"^WARNING", out, re.M))
    if proc.returncode != 0 and not errors:
        errors = 1
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return errors, warnings, lines[0] if lines else "ok"


def unembedded_fonts(path: Path) -> list[str]:
    """Names of fonts a PDF uses without embedding them (pdffonts' emb column)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    # The type column may hold spaces ("CID TrueType"): read emb from the right.
    return [ln.split()[0] for ln in out if len(ln.split()) >= 6 and ln.split()[-5] == "no"]


def check_outputs(folder: Path) -> Iterator[str]:
    epubs = sorted(folder.glob("*.epub"))
    pdfs = sorted(folder.glob("*.pdf"))
    if not epubs and not pdfs:
        yield f"FAIL {folder}: no outputs"
        return
    for epub in epubs:
        if not EPUBCHECK.exists() or not shutil.which("java"):
            yield f"FAIL {epub}: epubcheck is not installed"
            continue
        errors, warnings, first = epubcheck(epub)
        verdict = "ok  " if errors == warnings == 0 else "FAIL"
        yield f"{verdict} {epub}: epubcheck {errors} errors, {warnings} warnings"
    for pdf in pdfs:
        missing = unembedded_fonts(pdf)
        verdict = "FAIL" if missing else "ok  "
        what = "not embedded: " + ", ".join(missing) if missing else "all embedded"
        yield f"{verdict} {pdf}: fonts {what}"
    build = Path("build") / folder.name
    for log in sorted(build.glob("tex-*/*.log")):
        text = log.read_text(encoding="utf-8", errors="replace")
        n = text.count("Missing character")
        yield f"{'FAIL' if n else 'ok  '} {log}: {n} missing characters"
    from .indexing.validate import check_folder  # JATS, Crossref, DOAJ, eLibrary (issue 17)

    yield from check_folder(folder)
