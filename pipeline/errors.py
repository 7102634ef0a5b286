"""User-facing failures: one class per kind, caught at the command-line boundary.

Each carries the file it is about and a hint, so the command line can print the
one line an editor needs: ``error: <file>: <what is wrong> — <what to do>``.
"""

from __future__ import annotations

from collections.abc import Callable


class BasmaError(Exception):
    """A failure the editor can act on. Never shown with a traceback."""

    hint = "check the file and run the build again"

    def __init__(self, path: object, problem: str, hint: str | None = None):
        super().__init__(problem)
        self.path = str(path)
        self.problem = problem
        if hint:
            self.hint = hint

    def one_line(self) -> str:
        text = f"error: {self.path}: {self.problem} — {self.hint}"
        return " ".join(text.split())


class InputError(BasmaError):
    """The source file cannot be read as an article (empty, corrupt, encrypted…)."""

    hint = "send a text PDF or a UTF-8 text file"


class MetaError(BasmaError):
    """``meta.yaml`` is not valid YAML or has a wrong field."""

    hint = "fix meta.yaml"


class CorrectionError(BasmaError):
    """An entry of ``corrections.yaml`` does not match exactly once."""

    hint = "edit corrections.yaml so the entry matches exactly one place"


class TypesetError(BasmaError):
    """LuaLaTeX or pandoc failed, or a quality gate did not pass."""

    hint = "see the log next to the output"


class StageInputError(BasmaError):
    """An intermediate file is missing or was written by another schema version."""

    hint = "run `make clean` and build again"


def boundary(work: Callable[[], int], where: str, debug: bool = False) -> int:
    """Run a command's ``work`` and turn every failure into the editor's one line and an
    exit status (1 for a problem with the input or the disk, 130 for Ctrl-C, 3 for an
    internal error); ``where`` names the file when the failure does not. A traceback
    only with ``--debug`` (or ``BASMA_DEBUG``)."""
    import os
    import sys
    import traceback

    debug = debug or bool(os.environ.get("BASMA_DEBUG"))
    try:
        return work()
    except BasmaError as exc:
        if debug:
            traceback.print_exc()
        print(exc.one_line(), file=sys.stderr)
        return 1
    except OSError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc.filename or where}: {exc.strerror or exc} — free some space or "
              "check the folder's permissions; the previous outputs are unchanged",
              file=sys.stderr)
        return 1
    except MemoryError:
        print(f"error: {where}: the input is too large to process in memory — split it or "
              "send a smaller file", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted — the previous outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the boundary: never a traceback for editors
        if debug:
            traceback.print_exc()
        print(f"error: {where}: internal error ({type(exc).__name__}: {exc}) — run again "
              "with --debug and report it", file=sys.stderr)
        return 3
