"""Run ``python -m MODULE ARGS…`` and record where the process's time went.

bench.py's profile builds call make with ``PY=<wrapper>``; the wrapper (a bash
script bench.py writes) exports ``BENCH_T0`` (when it started the interpreter) and
runs ``python stageshim.py -m pipeline <command> …``. This shim then

* installs an ``__import__`` hook that adds up the time spent in outermost
  imports (nested imports are part of their parent's time), so that ``import
  pipeline.cli`` at start-up and the lazy imports inside a stage (jinja2,
  pdfplumber, the language model …) are counted as imports, not as work;
* runs the module as ``python -m`` would (``sys.path[0]`` is the working folder);
* appends one JSON line to ``$BENCH_LOG/py.jsonl``: the wrapper's start time,
  this shim's start, when the module started running, when it finished, the
  import time, its pid (the lualatex/pandoc shims log their parent pid, so their
  runs can be charged to the command) and the arguments.

Only the standard library is used, and nothing of the pipeline is changed.
"""

import time

SHIM_START = time.time()

import builtins  # noqa: E402 - the start time is taken before anything else
import json  # noqa: E402
import os  # noqa: E402
import runpy  # noqa: E402
import sys  # noqa: E402

_real_import = builtins.__import__
_depth = 0
_import_seconds = 0.0


def _timed_import(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__`` that adds the time of outermost imports to ``_import_seconds``."""
    global _depth, _import_seconds
    if _depth:
        return _real_import(name, globals, locals, fromlist, level)
    _depth = 1
    started = time.perf_counter()
    try:
        return _real_import(name, globals, locals, fromlist, level)
    finally:
        _import_seconds += time.perf_counter() - started
        _depth = 0


def main() -> None:
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "-m":
        sys.exit("usage: stageshim.py -m MODULE [ARGS…]")
    module = args[1]
    sys.argv = [module, *args[2:]]
    sys.path[0] = os.getcwd()  # what `python -m` puts first
    builtins.__import__ = _timed_import
    run_start = time.time()
    status: object = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        status = exc.code
    finally:
        end = time.time()
        builtins.__import__ = _real_import
        record = {
            "t0": os.environ.get("BENCH_T0", ""),
            "shim_start": SHIM_START,
            "run_start": run_start,
            "end": end,
            "imports": _import_seconds,
            "pid": os.getpid(),
            "argv": args[1:],
        }
        log = os.environ.get("BENCH_LOG")
        if log:
            with open(os.path.join(log, "py.jsonl"), "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
    sys.exit(status)


if __name__ == "__main__":
    main()
