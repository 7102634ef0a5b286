"""One epubcheck for the whole test run.

A JVM start and warm-up cost more CPU than checking an EPUB (on this machine about
15 s of CPU for one file, 18 s for four), so every EPUB a call names is checked in
one JVM (``EpubCheckMany.java``, run as a single-file source program), and each
verdict is kept for as long as the file is unchanged (same path, size and mtime):
two tests asking about the same EPUB start one JVM, not two.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

JAR = Path("/usr/share/java/epubcheck.jar")
LAUNCHER = Path(__file__).resolve().with_name("EpubCheckMany.java")
#: The line the launcher writes to stderr after each file's messages.
MARK = "@@basma "


def available() -> bool:
    return JAR.exists() and shutil.which("java") is not None


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

    @property
    def ok(self) -> bool:
        """No error, fatal or warning, and epubcheck itself said so."""
        return self.status == 0 and not self.errors and not self.warnings

    def report(self) -> str:
        return f"{self.path}: exit {self.status}\n" + "\n".join(self.messages)


def parse(stderr: str, paths: list[Path]) -> dict[Path, Verdict]:
    """Split the launcher's stderr into one verdict per file, by its marker lines.

    A file with no marker (the JVM died before reaching it) gets status -1 and
    whatever was printed after the last marker, so the failure shows its cause.
    """
    by_arg = {str(p): p for p in paths}
    verdicts: dict[Path, Verdict] = {}
    pending: list[str] = []
    for line in stderr.splitlines():
        if line.startswith(MARK):
            status, _, arg = line[len(MARK):].partition(" ")
            if arg in by_arg:
                verdicts[by_arg[arg]] = Verdict(by_arg[arg], int(status), tuple(pending))
            pending = []
        elif line.strip():
            pending.append(line)
    for path in paths:
        verdicts.setdefault(path, Verdict(path, -1, tuple(pending) or ("(no verdict)",)))
    return verdicts


class EpubChecker:
    """epubcheck with a memory: ``check(*paths)`` runs one JVM for the unknown files."""

    def __init__(self) -> None:
        self._known: dict[tuple[Path, int, int], Verdict] = {}
        self._lock = threading.Lock()
        self.jvm_starts = 0

    @staticmethod
    def _key(path: Path) -> tuple[Path, int, int]:
        st = path.stat()
        return path, st.st_size, st.st_mtime_ns

    def check(self, *paths: Path) -> list[Verdict]:
        """The verdict on every path, in order; files not seen as they are now are checked
        together in one JVM."""
        files = [Path(p).resolve() for p in paths]
        with self._lock:
            keys = [self._key(p) for p in files]
            todo = sorted({k[0] for k in keys if k not in self._known})
            if todo:
                self.jvm_starts += 1
                proc = subprocess.run(["java", "-cp", str(JAR), str(LAUNCHER),
                                       *map(str, todo)],
                                      capture_output=True, text=True, timeout=900)
                # Messages go to stderr; stdout (empty with --quiet) goes last, so anything
                # there lands with the files that got no verdict.
                found = parse(proc.stderr + "\n" + proc.stdout, todo)
                for key in keys:
                    if key[0] in found:
                        self._known[key] = found[key[0]]
            return [self._known[k] for k in keys]
