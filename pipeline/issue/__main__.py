"""``python -m pipeline.issue STEP …``: the issue steps make runs (``commands.py``).

The same boundary as ``python -m pipeline``: a ``BasmaError`` is one line,
``error: <file>: <what is wrong> — <what to do>``, and a non-zero exit.
"""

from __future__ import annotations

import os
import sys
import traceback

from ..errors import BasmaError
from .commands import main


def run(argv: list[str]) -> int:
    debug = "--debug" in argv
    if debug:
        argv = [a for a in argv if a != "--debug"]
    try:
        return main(argv)
    except BasmaError as exc:
        if debug:
            traceback.print_exc()
        print(exc.one_line(), file=sys.stderr)
        return 1
    except OSError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc.filename or 'issue'}: {exc.strerror or exc} — free some space or "
              "check the folder's permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted — the previous outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the boundary: never a traceback for editors
        if debug or os.environ.get("BASMA_DEBUG"):
            traceback.print_exc()
        print(f"error: issue: internal error ({type(exc).__name__}: {exc}) — run again with "
              "--debug and report it", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
