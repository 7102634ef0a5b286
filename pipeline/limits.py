"""Limits on what a build reads and runs, so that no input can hang it or take the machine.

Two kinds:

* ``read_inside``: a file an article supplies (``meta.yaml``, ``corrections.yaml``,
  a translation) is read only if it is a regular file, inside the article's folder
  once links are resolved, and under a size limit. A link out of the folder would
  publish another file's text (``/etc/passwd``); a FIFO would hang the build; a
  link to ``/dev/zero`` or a sparse file of gigabytes would fill the memory.
* ``run``: every external program (LuaLaTeX, pandoc, Tesseract, pdftoppm) runs
  with a time limit and an address-space limit (``RLIMIT_AS``, set in the child
  before it starts), in a process group of its own so that a timeout stops it
  and everything it started. A limit hit is a one-line error naming the file and
  the stage: ``error: <file>: <stage> ran over 600 s and was stopped — <hint>``.

A limit is only ever lowered: a build that already runs under a smaller one (a
test's, a shell's ``ulimit -v``) keeps it.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import stat
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import BasmaError, InputError

GB = 2**30
#: ``meta.yaml`` and ``corrections.yaml`` are a page or two of text.
MAX_EDITOR_BYTES = 4 * 2**20

#: What a program prints when it could not get memory (LuaTeX/Lua, GHC's runtime,
#: C++ and C libraries, Tesseract's Leptonica).
_OUT_OF_MEMORY = re.compile(
    r"not enough memory|out of memory|memory exhausted|heap exhausted|bad_alloc"
    r"|cannot allocate memory|failed to allocate|could not allocate|MemoryError"
    r"|Error allocating|ENOMEM", re.IGNORECASE)


def read_inside(path: Path, folder: Path, limit: int, error: type[BasmaError] = InputError,
                what: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file inside ``folder``, under ``limit``.

    The file is opened without blocking and checked through its open descriptor,
    so a FIFO is never waited on and what is read is what was checked.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "meta.yaml").write_text("volume: 1")
    ...     read_inside(Path(tmp) / "meta.yaml", Path(tmp), 100)
    b'volume: 1'
    """
    name = path.name
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        raise error(path, f"is a link to nothing (or the {what} is missing)",
                    f"put the {what} itself in the folder as {name}") from None
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise error(path, f"cannot be followed ({exc})", f"put the {what} itself there") from None
    if not target.is_relative_to(folder.resolve()):
        raise error(path, "is a link to a file outside the article's folder",
                    f"copy the {what} into the folder instead of linking it")
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise error(path, f"cannot be read ({exc.strerror})", "check the file") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(path, f"is a folder, not a {what}",
                        f"put the {what} there as one file, {name}")
        if not stat.S_ISREG(info.st_mode):
            raise error(path, "is not a regular file (a pipe, device or socket)",
                        f"put the {what} itself there as {name}")
        if info.st_size > limit:
            raise error(path, f"is {_size(info.st_size)}, over the {_size(limit)} limit for "
                        f"a {what}", f"check that {name} is the right file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while read
        raise error(path, f"is over the {_size(limit)} limit for a {what}",
                    f"check that {name} is the right file")
    return data


def _size(n: int) -> str:
    return f"{n / GB:.0f} GB" if n >= GB else f"{max(1, n // 2**20)} MB"


def _prctl() -> Callable[..., int] | None:
    """Linux's ``prctl``, looked up before any fork (none after: see ``_limit_address_space``)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        return None


_PR_SET_PDEATHSIG = 1


def _limit_address_space(limit: int) -> Callable[[], None]:
    """The child's side: lower RLIMIT_AS to ``limit`` (never raise it), and die with the
    stage that started it. The child has a session of its own, so a kill -9 of the
    build's process group (which the stage cannot catch) would leave it running,
    writing into a working folder the next build uses: the kernel sends it SIGKILL
    when its parent dies (``PR_SET_PDEATHSIG``)."""
    parent, prctl = os.getpid(), _prctl()

    def preexec() -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        new = limit if soft == resource.RLIM_INFINITY else min(limit, soft)
        resource.setrlimit(resource.RLIMIT_AS, (new, hard))
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before the request was made
                os._exit(1)
    return preexec


def run(cmd: Sequence[str], *, file: object, stage: str, seconds: float, memory: int,
        hint: str, error: type[BasmaError] = BasmaError, input: bytes | str | None = None,
        **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``cmd`` (as ``subprocess.run``, output captured) under a time and a memory limit.

    Returns the finished process, whatever its exit status, unless a limit was hit:
    then ``error(file, "<stage> ran over N s …" or "<stage> needed more than N GB …",
    hint)``. A missing program raises ``FileNotFoundError`` for the caller to explain.

    >>> run(["true"], file="x", stage="true", seconds=5, memory=GB, hint="-").returncode
    0
    >>> run(["sleep", "5"], file="x.tex", stage="sleep", seconds=0.2, memory=GB, hint="wait")
    Traceback (most recent call last):
    ...
    pipeline.errors.BasmaError: sleep ran over 0.2 s and was stopped
    """
    text = kwargs.pop("text", False) or "errors" in kwargs or "encoding" in kwargs
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else
                            subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=text,
                            preexec_fn=_limit_address_space(memory),
                            start_new_session=True, **kwargs)
    try:
        stdout, stderr = proc.communicate(input, timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise error(file, f"{stage} ran over {seconds:g} s and was stopped", hint) from None
    except BaseException:  # Ctrl-C, SIGTERM: nothing the build started may outlive it
        _kill_group(proc)
        raise
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if proc.returncode != 0 and _out_of_memory(done):
        raise error(file, f"{stage} needed more than {_size(memory)} of memory and was "
                    "stopped", hint)
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        raise error(file, f"{stage} was killed by {name} (under a {_size(memory)} memory "
                    "limit)", hint)
    return done


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def _out_of_memory(proc: subprocess.CompletedProcess) -> bool:
    """Whether a failed process ran out of memory (the limit, or the machine's)."""
    out = proc.stdout + proc.stderr
    if isinstance(out, bytes):
        out = out.decode("utf-8", "replace")
    return bool(_OUT_OF_MEMORY.search(out[-20_000:]))
