"""Typesetting: LuaLaTeX on an edition's LaTeX source, behind quality gates.

Kept apart from ``latex.py`` (which writes the source) so that the command make
runs per PDF does not import the template engine. LuaLaTeX runs with
``--no-shell-escape``; a "Missing character" or an overfull line wider than 1 pt
fails the build, and the previous PDF stays as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import TypesetError
from ..fileio import atomic_write


def _aux(workdir: Path, name: str) -> bytes | None:
    """The auxiliary files a pass leaves for the next, or None before any pass."""
    parts = [workdir / f"{name}.{ext}" for ext in ("aux", "out")]
    found = [p.read_bytes() for p in parts if p.exists()]
    return b"".join(found) if found else None


OVERFULL = re.compile(r"^Overfull \\hbox \((?P<pt>[\d.]+)pt too wide\)(?P<rest>.*)$", re.M)
MISSING = re.compile(r"^Missing character: (?P<what>.*)$", re.M)


def typeset(tex: str, workdir: Path, name: str, pdf_out: Path, max_passes: int = 3) -> str:
    """Run LuaLaTeX on ``tex`` in ``workdir``; install the PDF atomically at ``pdf_out``.

    Returns the log. Raises ``TypesetError`` on a TeX error, a missing character
    or an overfull line over 1 pt; the previous PDF then stays as it was.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    src = workdir / f"{name}.tex"
    atomic_write(src, tex)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env["FORCE_SOURCE_DATE"] = "1"
    log = ""
    # The aux files of the last build in this folder count as the first pass's
    # input: when a pass leaves them unchanged, the document is settled.
    previous_aux = _aux(workdir, name)
    for _ in range(max_passes):
        try:
            proc = subprocess.run(
                ["lualatex", "--no-shell-escape", "--interaction=nonstopmode",
                 "--halt-on-error", f"--jobname={name}", src.name],
                cwd=workdir, env=env, capture_output=True, text=True, errors="replace",
            )
        except FileNotFoundError:
            raise TypesetError("lualatex", "LuaLaTeX is not installed (no lualatex on PATH)",
                               "install TeX Live's LuaLaTeX (make build does) and build again"
                               ) from None
        log_path = workdir / f"{name}.log"
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        if proc.returncode != 0:
            # Some errors (a line over TeX's buffer) reach the terminal but not the log.
            shown = re.search(r"^! (.+)$", log, re.M) or re.search(r"! (.+)", proc.stdout)
            first_error = shown.group(1) if shown else "LuaLaTeX failed"
            raise TypesetError(log_path, f"LuaLaTeX stopped: {first_error.lstrip('! ')}")
        aux = _aux(workdir, name)
        if aux == previous_aux and "Rerun" not in log:
            break
        previous_aux = aux
    missing = MISSING.findall(log)
    if missing:
        raise TypesetError(workdir / f"{name}.log",
                           f"the font has no glyph for {len(missing)} character(s): {missing[0]}",
                           "use a font that covers them or correct the text")
    overfull = [m for m in OVERFULL.finditer(log) if float(m.group("pt")) > 1.0]
    if overfull:
        worst = max(overfull, key=lambda m: float(m.group("pt")))
        raise TypesetError(workdir / f"{name}.log",
                           f"{len(overfull)} line(s) stick out into the margin, worst "
                           f"{worst.group('pt')} pt{worst.group('rest')}",
                           "add a hyphenation point or reword the line")
    pdf_out.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf_out.with_name(f".{pdf_out.name}.tmp")
    shutil.copyfile(workdir / f"{name}.pdf", tmp)
    os.replace(tmp, pdf_out)
    return log
