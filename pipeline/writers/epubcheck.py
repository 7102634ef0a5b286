"""epubcheck before an EPUB replaces the last one.

Every EPUB a build packs is checked before it may be installed: an epubcheck
error (or fatal) stops the build with one line naming the EPUB and epubcheck's
first message, and the previous EPUB stays. epubcheck's warnings are printed as
``warning:`` lines and do not stop it. Without Java or epubcheck the EPUBs are
installed unchecked, with a warning saying so; ``BASMA_EPUBCHECK=0`` turns the
check off on purpose (the test suite checks every EPUB it makes once, in one JVM
of its own: tests/epubcheck.py).

A JVM start with epubcheck's schemas costs about 8 s of CPU, checking one of the
seed's EPUBs well under one: so all the EPUBs of a build go through one JVM
(``EpubCheckMany.java``), and make checks an article's EPUBs together, in the
``epubcheck`` step between packing (``build/<id>/epub/``) and staging
(``build/<id>/out/``). An EPUB already checked with the same bytes is not checked
again (``stage_checked``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import TypesetError
from ..fileio import atomic_write

JAR = Path("/usr/share/java/epubcheck.jar")
LAUNCHER = Path(__file__).resolve().with_name("EpubCheckMany.java")
#: The quick JIT only and one GC thread: for a run of seconds the full JIT costs
#: twice the CPU it saves (measured: 8.3 s user instead of 18 s for the seed's four).
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g")
#: A check of an article's EPUBs that takes longer is stuck.
TIMEOUT = 600
MARK = "@@basma "


class EpubCheckError(TypesetError):
    """epubcheck found an error in an EPUB; nothing was installed."""

    hint = "fix what makes the EPUB invalid (often meta.yaml or the text) and build again"


@dataclass(frozen=True)
class Verdict:
    """epubcheck's exit status for one EPUB and the messages it printed about it."""

    path: Path
    status: int
    messages: tuple[str, ...]

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith(("ERROR", "FATAL"))]

    @property
    def warnings(self) -> list[str]:
        return [m for m in self.messages if m.startswith("WARNING")]


def disabled() -> bool:
    """Whether the check was turned off on purpose (``BASMA_EPUBCHECK=0``)."""
    return os.environ.get("BASMA_EPUBCHECK", "1").strip().lower() in ("0", "no", "off", "false")


def missing() -> str | None:
    """What is missing to run epubcheck, or None."""
    if shutil.which("java") is None:
        return "Java is not installed (no java on PATH)"
    if not JAR.exists():
        return f"epubcheck is not installed ({JAR} is missing)"
    return None


def parse_output(text: str, paths: list[Path]) -> list[Verdict]:
    """The verdicts in the launcher's output: each file's messages, closed by its mark.
    A file without a mark (the JVM died) gets status -1.

    >>> out = ("ERROR(RSC-005): ./a.epub/x.xhtml(3,4): bad\\n"
    ...        "@@basma 1 /t/a.epub\\n@@basma 0 /t/b.epub\\n")
    >>> [(v.path.name, v.status, v.errors) for v in parse_output(out, [Path("/t/a.epub"),
    ...                                                                  Path("/t/b.epub")])]
    [('a.epub', 1, ['ERROR(RSC-005): ./a.epub/x.xhtml(3,4): bad']), ('b.epub', 0, [])]
    """
    verdicts: dict[str, Verdict] = {}
    messages: list[str] = []
    for line in text.splitlines():
        if line.startswith(MARK):
            status, _, arg = line[len(MARK):].partition(" ")
            verdicts[arg] = Verdict(Path(arg), int(status), tuple(messages))
            messages = []
        elif line.strip():
            messages.append(line.strip())
    return [verdicts.get(str(p)) or Verdict(p, -1, tuple(messages) or ("no verdict",))
            for p in paths]


def run_epubcheck(paths: list[Path]) -> list[Verdict]:
    """epubcheck's verdict on every path, in one JVM."""
    files = [p.resolve() for p in paths]
    for p in files:
        if "\n" in str(p):
            raise TypesetError(p, "the EPUB's path has a line break", "rename the folder")
    try:
        proc = subprocess.run(
            ["java", *JVM_FLAGS, "-cp", str(JAR), str(LAUNCHER)],
            input="".join(f"{p}\n" for p in files), capture_output=True, text=True,
            encoding="utf-8", errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise EpubCheckError(files[0], f"epubcheck ran over {TIMEOUT // 60} minutes and was "
                             "stopped", "build again; if it recurs, report it") from None
    return parse_output(proc.stderr, files)


def check_epubs(paths: Iterable[Path], shown: Callable[[Path], object] = lambda p: p
                ) -> bool:
    """Check EPUBs before they are installed; ``shown(path)`` is how a message names one.

    Returns whether they were checked (not when epubcheck is missing or turned off).
    Raises ``EpubCheckError`` on the first EPUB with an error, naming its first message.
    """
    files = list(paths)
    if not files or disabled():
        return False
    why = missing()
    if why:
        for p in files:
            print(f"warning: {shown(p)}: not checked by epubcheck: {why} — install "
                  "epubcheck and default-jre-headless (make build does)", file=sys.stderr)
        return False
    for verdict, path in zip(run_epubcheck(files), files, strict=True):
        for message in verdict.warnings:
            print(f"warning: {shown(path)}: epubcheck: {message}", file=sys.stderr)
        if verdict.status != 0 or verdict.errors:
            first = (verdict.errors or list(verdict.messages) or ["it failed"])[0]
            raise EpubCheckError(shown(path), f"epubcheck: {first}")
    return True


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage_checked(packed: list[Path], into: Path, record: Path) -> list[Path]:
    """make's ``epubcheck`` step: check the packed EPUBs that are new, then stage them.

    An EPUB whose bytes are already staged and listed in ``record`` (the
    ``<sha256>  <name>`` of each EPUB that passed) is not checked again. On an error
    nothing is staged and ``record`` is left as it was, so the next build checks
    again. Returns the EPUBs that were staged anew.
    """
    try:
        known = set(record.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        known = set()
    digests = {p: _digest(p) for p in packed}
    todo = [p for p in packed
            if f"{digests[p]}  {p.name}" not in known or not (into / p.name).exists()
            or _digest(into / p.name) != digests[p]]
    checked = check_epubs(todo)
    staged = [p for p in todo if atomic_write(into / p.name, p.read_bytes(),
                                              only_if_changed=True)]
    passed = [f"{digests[p]}  {p.name}" for p in packed
              if checked or p not in todo and f"{digests[p]}  {p.name}" in known]
    atomic_write(record, "".join(line + "\n" for line in sorted(passed)))
    return staged
