"""One epubcheck for the whole test run.

A JVM start and warm-up cost more CPU than checking an EPUB, so one JVM (the build's
``pipeline/writers/EpubCheckMany.java``, run as a single-file source program, with
the build's quick-JIT flags) checks every EPUB of the run, fed one path at a time on
its stdin. Each verdict is kept for as long as the file is unchanged (same path,
size and mtime): two tests asking about the same EPUB check it once.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

# The build's own launcher, JVM flags and verdicts (pipeline/writers/epubcheck.py): the
# suite keeps one JVM open for the whole run instead of one per build.
from pipeline.writers.epubcheck import JAR, JVM_FLAGS, LAUNCHER, MARK, missing
from pipeline.writers.epubcheck import Verdict as BuildVerdict


def available() -> bool:
    return missing() is None


class Verdict(BuildVerdict):
    """A build verdict, and whether a test may call the EPUB clean."""

    @property
    def ok(self) -> bool:
        """No error, fatal or warning, and epubcheck itself said so."""
        return self.status == 0 and not self.errors and not self.warnings

    def report(self) -> str:
        return f"{self.path}: exit {self.status}\n" + "\n".join(self.messages)


class EpubChecker:
    """epubcheck with a memory: ``check(*paths)`` sends the files it has no verdict on to
    the run's one JVM, started on first use; ``close()`` ends it."""

    #: Seconds one file may take before the JVM counts as hung and is stopped.
    TIMEOUT = 600

    def __init__(self) -> None:
        self._known: dict[tuple[Path, int, int], Verdict] = {}
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self.jvm_starts = 0

    @staticmethod
    def _key(path: Path) -> tuple[Path, int, int]:
        st = path.stat()
        return path, st.st_size, st.st_mtime_ns

    def _jvm(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["java", *JVM_FLAGS, "-cp", str(JAR), str(LAUNCHER)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                encoding="utf-8", errors="replace")
            self.jvm_starts += 1
        return self._proc

    def _verdict(self, path: Path) -> Verdict:
        """One file through the JVM: its messages up to the marker line that closes them.
        A JVM that dies or hangs gives status -1 with what it printed, and the next file
        starts a new one."""
        if "\n" in str(path):
            raise ValueError(f"a path with a line break cannot be sent: {path!r}")
        proc = self._jvm()
        assert proc.stdin is not None and proc.stderr is not None
        messages: list[str] = []
        watchdog = threading.Timer(self.TIMEOUT, proc.kill)
        watchdog.start()
        try:
            proc.stdin.write(f"{path}\n")
            proc.stdin.flush()
            for line in proc.stderr:
                line = line.rstrip("\n")
                if line.startswith(MARK):
                    status, _, arg = line[len(MARK):].partition(" ")
                    if arg == str(path):
                        return Verdict(path, int(status), tuple(messages))
                elif line.strip():
                    messages.append(line)
        except BrokenPipeError:
            pass
        finally:
            watchdog.cancel()
        self._proc = None
        return Verdict(path, -1, tuple(messages) or ("epubcheck stopped without a verdict",))

    def check(self, *paths: Path) -> list[Verdict]:
        """The verdict on every path, in order."""
        files = [Path(p).resolve() for p in paths]
        with self._lock:
            keys = [self._key(p) for p in files]
            for key in keys:
                if key not in self._known:
                    self._known[key] = self._verdict(key[0])
            return [self._known[k] for k in keys]

    def close(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
