"""User-facing failures: one class per kind, caught at the command-line boundary.

Each carries the file it is about and a hint, so the command line can print the
one line an editor needs: ``error: <file>: <what is wrong> — <what to do>``.
"""

from __future__ import annotations


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
