"""``python -m pipeline.issue STEP …``: the issue steps make runs (``commands.py``).

The same boundary as ``python -m pipeline``: a ``BasmaError`` is one line,
``error: <file>: <what is wrong> — <what to do>``, and a non-zero exit.
"""

from __future__ import annotations

import sys

from ..errors import boundary
from .commands import main


def run(argv: list[str]) -> int:
    debug = "--debug" in argv
    return boundary(lambda: main([a for a in argv if a != "--debug"]), "issue", debug)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
