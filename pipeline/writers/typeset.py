"""Typesetting: LuaLaTeX on an edition's LaTeX source, and what the log says.

Kept apart from ``latex.py`` (which writes the source) so that the command make
runs per PDF does not import the template engine. LuaLaTeX runs with
``--no-shell-escape``. A TeX error fails the build (the log is kept, the
previous PDF stays as it was). What an editor can proofread around is a
problem, not a refusal: a character no font has (found while the source was
written, listed at its top), a "Missing character" in the log, and a line that
sticks out of the margin by more than 1 pt, named by its block, first words
and page. Each problem is printed as ``warning: <pdf>: …`` and written to
``<name>.problems`` beside the log.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from pathlib import Path

from .. import limits
from ..errors import TypesetError
from ..fileio import atomic_write

#: Present in a working folder while LuaLaTeX runs there. Found at the start of a run,
#: it means the last run was killed or failed mid-pass: its .aux may be cut short.
RUNNING = ".basma-pass-running"


def reset_if_interrupted(workdir: Path) -> bool:
    """Empty ``workdir`` when its last LuaLaTeX run did not finish, so that a killed
    pass's half-written ``.aux`` can neither stop nor change the next build (which then
    typesets from nothing, as a clean build does). Returns whether it was reset."""
    if not (workdir / RUNNING).exists():
        return False
    for entry in workdir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return True


def _aux(workdir: Path, name: str) -> bytes | None:
    """The auxiliary files a pass leaves for the next, or None before any pass."""
    parts = [workdir / f"{name}.{ext}" for ext in ("aux", "out")]
    found = [p.read_bytes() for p in parts if p.exists()]
    return b"".join(found) if found else None


OVERFULL = re.compile(
    r"^Overfull \\hbox \((?P<pt>[\d.]+)pt too wide\) (?:in paragraph at lines (?P<line>\d+)"
    r"(?:--(?P<end>\d+))?"
    r"|detected at line (?P<at>\d+)|in alignment at lines (?P<align>\d+))[^\n]*\n"
    r"(?P<text>(?:[^\n]+\n)*?)\s*(?:\n|$)", re.M)
MISSING = re.compile(r"^Missing character: There is no (?P<ch>.+?) \(U\+(?P<cp>[0-9A-F]+)\)"
                     r" in font (?P<font>[^\n!]*)", re.M)
#: A page shipped out: "[3" at a line start or after a space or "]" (the log's
#: page counter as printed on the page, which starts at the article's first page).
SHIPOUT = re.compile(r"(?:^|(?<=[\s\]]))\[(?P<page>\d+)(?=[\s\]{<]|$)", re.M)
#: Font selections TeX prints inside a box's text ("\TU/PTSerif(0)/m/n/10.95 ").
_FONT_SPEC = re.compile(r"\\[A-Za-z]+/[^\s/]*(?:/[^\s/]*){2,3}\s?")
BLOCK_MARK = "%basma-block "
PROBLEM_MARK = "%basma-problem: "
#: A line may stick out this far before it is a problem (as ``\hfuzz`` would).
OVERFULL_LIMIT_PT = 1.0


#: A pass over a long article takes seconds; one that runs for minutes is stuck
#: (a loop in the text) and would hold the build, and make's lock, for ever.
PASS_SECONDS = 600
#: The address space a pass may take. A pass over the 20-page corpus article
#: phd_Bakhteev2015TheanoAWS peaks at 241 MB of virtual memory (VmPeak; the seed's
#: full edition 183 MB): over ten times that is room for any real article and for a font
#: cache rebuilt on the way, and still stops a runaway before it takes the machine.
PASS_MEMORY = 3 * limits.GB


def typeset(tex: str, workdir: Path, name: str, pdf_out: Path, max_passes: int = 3) -> str:
    """Run LuaLaTeX on ``tex`` in ``workdir``; install the PDF atomically at ``pdf_out``.

    Returns the log. Raises ``TypesetError`` on a TeX error; the previous PDF
    then stays as it was. The problems (``problems``) go to stderr and to
    ``workdir/<name>.problems``, one a line, rewritten on every run so that it
    lists what the PDF now has.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    reset_if_interrupted(workdir)
    src = workdir / f"{name}.tex"
    atomic_write(src, tex)
    (workdir / RUNNING).touch()
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env["FORCE_SOURCE_DATE"] = "1"
    log = ""
    # The aux files of the last build in this folder count as the first pass's
    # input: when a pass leaves them unchanged, the document is settled.
    previous_aux = _aux(workdir, name)
    for _ in range(max_passes):
        try:
            proc = limits.run(
                ["lualatex", "--no-shell-escape", "--interaction=nonstopmode",
                 "--halt-on-error", f"--jobname={name}", src.name],
                cwd=workdir, env=env, text=True, errors="replace",
                file=workdir / f"{name}.log", stage="a LuaLaTeX pass", seconds=PASS_SECONDS,
                memory=PASS_MEMORY, error=TypesetError,
                hint="look for a huge paragraph or table in the article")
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
    (workdir / RUNNING).unlink()
    found = problems(tex, log)
    for problem in found:
        print(f"warning: {pdf_out}: {problem}", file=sys.stderr)
    atomic_write(workdir / f"{name}.problems", "".join(p + "\n" for p in found))
    atomic_write(pdf_out, (workdir / f"{name}.pdf").read_bytes())
    return log


def problems(tex: str, log: str) -> list[str]:
    r"""What the editor should look at in the PDF made from ``tex``, by its final log.

    >>> tex = "%basma-problem: U+E000 is in no font\n\\begin{document}\n%basma-block b7\nText"
    >>> log = ("[5]\nOverfull \\hbox (12.5pt too wide) in paragraph at lines 4--4\n"
    ...        "[]\\TU/PTSerif(0)/m/n/10.95 See https://example.org/very/long\n\n[6]")
    >>> for p in problems(tex, log): print(p)
    U+E000 is in no font
    a line sticks out 12.5 pt into the margin on page 6, in block b7: “See https://example.org/very/long”
    """
    found = [line[len(PROBLEM_MARK):].strip() for line in tex.split("\n")
             if line.startswith(PROBLEM_MARK)]
    missing: dict[str, str] = {}
    for m in MISSING.finditer(log):
        missing.setdefault(m.group("cp"), m.group("font").strip())
    for cp, font in missing.items():
        ch = chr(int(cp, 16))
        found.append(f"U+{cp} {unicodedata.name(ch, '')} is missing from the font {font}: "
                     "it does not print")
    for m in OVERFULL.finditer(log):
        if float(m.group("pt")) <= OVERFULL_LIMIT_PT:
            continue
        line = int(m.group("line") or m.group("at") or m.group("align"))
        last = int(m.group("end") or line)
        words = overfull_words(m.group("text"), "\n".join(tex.split("\n")[line - 1:last]))
        found.append(f"a line sticks out {float(m.group('pt')):.1f} pt into the margin on "
                     f"{page_at(log, m.end())}, in {block_at(tex, line)}: “{words}”")
    return found


def overfull_words(box: str, source: str = "", count: int = 8) -> str:
    r"""The first words of an overfull line as the log shows them, without TeX's
    font selections, box marks ``[]`` and the line breaks of the log itself.

    The log spells out every hyphenation point ("Pneu-monoul-tra"); a word that
    reads whole in the paragraph's ``source`` lines is given whole.

    >>> overfull_words(r"[]\TU/PTSerif(0)/m/n/10.95 See Pneu-mono-ul-tra well-known",
    ...                "Pneumonoultra well-known")
    'See Pneumonoultra well-known'
    """
    text = _FONT_SPEC.sub("", box.replace("\n", "")).replace("[]", " ")
    words = []
    for word in text.split()[:count]:
        whole = word.replace("-", "")
        words.append(whole if "-" in word and word not in source and whole in source else word)
    return " ".join(words)


def page_at(log: str, pos: int) -> str:
    """The page a paragraph reported at ``pos`` of the log lands on: TeX reports a
    paragraph's lines when it breaks them, before the page holding them ships."""
    after = SHIPOUT.search(log, pos)
    if after:
        return f"page {after.group('page')}"
    before = [m.group("page") for m in SHIPOUT.finditer(log, 0, pos)]
    return f"the page after {before[-1]}" if before else "the first page"


def block_at(tex: str, line: int) -> str:
    """The block whose LaTeX holds source line ``line``: the last block mark above it."""
    lines = tex.split("\n")
    for text in reversed(lines[: max(line, 0)]):
        if text.startswith(BLOCK_MARK):
            return "block " + text[len(BLOCK_MARK):].strip()
    return "the front matter"
