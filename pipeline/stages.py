"""The stage list, defined once (as docling's ``build_pipe``).

Every entry point goes through ``STAGES``: the stage commands make calls
(``python -m pipeline clean IN -o OUT``), ``build PATH`` (all stages in one
process), the tests and the bench. A stage names the pure function that does the
work, how its input file is read and its output written, and the model type it
produces. Nothing here imports a stage's code until the stage runs: each command
pays only for what it uses.

Make learns which code and templates a stage read from the stage itself: with
``--deps FILE`` a command writes, as ``gcc -MMD`` does, a make rule naming every
``pipeline`` module it imported and every template it opened (``depfile``). So
the dependencies cannot drift from the code, and touching a module or a template
rebuilds exactly the files made with it.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, StageInputError
from .fileio import DATA_READ, atomic_write

PACKAGE_DIR = Path(__file__).resolve().parent

#: Modules that only route a command to its stage: what they do never shows in an
#: output, so editing them rebuilds nothing (``touch pipeline/cli.py`` is a no-op).
ROUTING_MODULES = frozenset({"pipeline", "pipeline.__main__", "pipeline.cli", "pipeline.stages"})


@dataclass(frozen=True)
class Resources:
    """What one run of a stage may take, for a scheduler (the Snakefile; a SLURM job's
    ``--cpus-per-task``, ``--mem`` and ``--time``). Each covers the limits the stage's
    own programs run under (``pipeline/limits.py``: tests/test_snakemake.py checks it),
    so a stage stops with its one-line error before the scheduler kills it."""

    threads: int = 1  # Tesseract is held to one OpenMP thread (readers/pdf/ocr.py)
    mem_mb: int = 2048  # the Python process with its model, for the text stages
    runtime: int = 10  # minutes
    #: Minutes more for each page of a PDF source (OCR: a page's pdftoppm and Tesseract
    #: runs have 300 s each).
    runtime_per_page: int = 0
    #: Another try after a failure, only where one can come from outside the input
    #: (a busy node); a stage that failed on its input fails the same way again.
    retries: int = 0


@dataclass(frozen=True)
class Stage:
    """One step from an input file to an output file."""

    name: str
    function: str  # "module:function", the pure function
    reads: str  # the input's type: "source", or a model type read from JSON
    writes: str  # the model type of the output ("FoundDocument": a Document whose
    #              meta is still the dict extraction found; "Document": a typed Meta)
    output: str  # the output file, relative to the article's build folder
    help: str
    resources: Resources = Resources()

    def resolve(self) -> Callable[..., Any]:
        module, _, attr = self.function.partition(":")
        return getattr(importlib.import_module(module), attr)

    def apply(self, value: Any, name: str, editor: Any = None) -> Any:
        """Run the stage on its input: the source's bytes (with the file's name, for
        messages), or the model the stage before made; the document stage also takes
        the editor's files when there are any."""
        fn = self.resolve()
        if self.reads == "source":
            return fn(value, name)
        if self.name == "document" and editor is not None:
            return fn(value, editor)
        return fn(value)


#: The text stages, in order: each reads the one before it.
TEXT_STAGES: tuple[Stage, ...] = (
    Stage("extract", "pipeline.readers:extract", "source", "Extraction", "extract.json",
          "the source's text with its fonts and positions",
          # OCR: Tesseract and pdftoppm under 2 GB each (one at a time) beside pdfplumber.
          Resources(mem_mb=3072, runtime=10, runtime_per_page=10)),
    Stage("clean", "pipeline.cleaner:clean", "Extraction", "Cleaned", "clean.json",
          "repair what extraction broke, and record every change"),
    Stage("segment", "pipeline.segment:segment", "Cleaned", "FoundDocument", "segment.json",
          "roles: front matter, headings, paragraphs, lists, footnotes, references"),
    Stage("tag", "pipeline.tag:tag", "FoundDocument", "FoundDocument", "tag.json",
          "the language of every block and inline span"),
    Stage("document", "pipeline.document:make_document", "FoundDocument", "Document",
          "document.json", "tagged blocks + meta.yaml + corrections.yaml"),
)

#: The writers, from document.json (each edition's sources, then PDF and EPUB).
WRITER_STAGES: tuple[Stage, ...] = (
    Stage("report", "pipeline.writers.report:render_report", "Document", "html",
          "cleaning-report.html", "the editor's cleaning report"),
    Stage("assets", "pipeline.writers.assets:render_assets", "Document", "files",
          "assets.stamp", "every figure's and formula's picture, rendered from the PDF at "
          "300 dpi or copied (build/<id>/assets/)"),
    Stage("editions", "pipeline.writers.editions:edition_sources", "Document", "sources",
          "editions.stamp", "every edition's LaTeX source and EPUB source"),
    Stage("pdf", "pipeline.writers.typeset:typeset", "tex", "pdf", "<id>.<key>.pdf",
          "typeset an edition's .tex with LuaLaTeX",
          # Up to three LuaLaTeX passes of 600 s under 3 GB; a pass can be killed from
          # outside (a node short of memory), so one more try.
          Resources(mem_mb=3584, runtime=35, retries=1)),
    Stage("epub", "pipeline.writers.epub:epub_from_source", "epub-source", "epub",
          "<id>.<key>.epub", "pack an edition's EPUB with pandoc",
          Resources(mem_mb=3584, runtime=10)),  # pandoc: 300 s under 3 GB
    Stage("indexing", "pipeline.writers.indexing:indexing_files", "Document", "files",
          "indexing.stamp", "JATS, Crossref, DOAJ and eLibrary XML, and the web pages"),
)

STAGES: tuple[Stage, ...] = TEXT_STAGES + WRITER_STAGES
BY_NAME = {s.name: s for s in STAGES}


# --- reading and writing the intermediate files ----------------------------------------


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StageInputError(path, "the file is missing") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise StageInputError(path, f"cannot be read ({exc})") from None


def read_model(path: Path, type_name: str) -> Any:
    """An intermediate file of the given model type, or a one-line error naming it."""
    from . import model

    parse = {
        "Extraction": model.extraction_from_json,
        "Cleaned": model.cleaned_from_json,
        "Document": model.document_from_json,
        "FoundDocument": model.found_document_from_json,
        "epub-source": json.loads,
    }[type_name]
    try:
        return parse(read_text(path))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StageInputError(path, f"cannot be read ({exc})") from None


def write_model(path: Path, obj: Any) -> None:
    from .model import to_json

    atomic_write(path, to_json(obj))


#: No source is read beyond this size: a scanned issue is far smaller, and a
#: sparse or device file must not take the machine's memory before any check.
MAX_SOURCE_BYTES = 512 * 1024 * 1024


def read_source(src: Path) -> bytes:
    """The source's bytes, if it is a regular file that stays inside its folder.

    A link that leads out of the article's folder (``source.txt -> /etc/passwd``)
    would publish another file's text; a FIFO or a device would hang or never end.
    """
    import os
    import stat

    try:
        info = os.stat(src)
    except FileNotFoundError:
        raise InputError(src, "the file does not exist", "check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(src, "is a folder without a source file", "give the article's file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(src, "is not a regular file (a pipe, device or socket)",
                         "give the article's file itself")
    if src.is_symlink():
        folder = src.parent.resolve()
        if folder not in src.resolve().parents:
            raise InputError(src, "is a link to a file outside its folder",
                             "copy the article's file into the folder")
    if info.st_size > MAX_SOURCE_BYTES:
        raise InputError(src, f"the file is {info.st_size // 2**20} MB, over the "
                         f"{MAX_SOURCE_BYTES // 2**20} MB limit", "split it or send a smaller file")
    with open(src, "rb") as fh:
        return fh.read(MAX_SOURCE_BYTES + 1)


def run_text_stages(src: Path, editor: Any = None, upto: str = "document",
                    keep: Callable[[str, Any], None] | None = None) -> Any:
    """Run the text stages from the source file up to ``upto``, in memory.

    ``keep(name, result)`` sees each stage's result (the report needs the cleaned
    text; tests look at any stage). ``editor`` is the document stage's
    ``EditorFiles``.
    """
    value: Any = read_source(src)
    for stage in TEXT_STAGES:
        value = stage.apply(value, str(src), editor)
        if keep:
            keep(stage.name, value)
        if stage.name == upto:
            break
    return value


# --- make dependencies, discovered while running -------------------------------------


def code_read() -> list[Path]:
    """The package's source files this process imported, routing modules left out."""
    files = set()
    for name, module in list(sys.modules.items()):
        if name != "pipeline" and not name.startswith("pipeline."):
            continue
        if name in ROUTING_MODULES:
            continue
        path = getattr(module, "__file__", None)
        if path:
            files.add(Path(path).resolve())
    return sorted(files)


def depfile(target: str, root: Path | None = None) -> str:
    """A make rule: ``target`` depends on the code and templates this process read.

    Each prerequisite also gets an empty rule of its own (``gcc -MP``), so that a
    module that is renamed or deleted does not stop make.
    """
    root = root or PACKAGE_DIR.parent
    deps = []
    for path in code_read() + sorted(p.resolve() for p in DATA_READ if p.exists()):
        try:
            deps.append(str(path.relative_to(root)))
        except ValueError:
            continue
    lines = [f"{target}: " + " ".join(deps), ""]
    lines += [f"{d}:" for d in deps]
    return "\n".join(lines) + "\n"


def write_depfile(path: Path, target: str) -> None:
    atomic_write(path, depfile(target), only_if_changed=True)
