"""The command line: ``python -m pipeline COMMAND``.

``build PATH [-o OUTDIR]`` runs every stage in one process (for a single file or
article folder); the stage commands (``extract``, ``clean``, ``segment``, ``tag``,
``document``, ``tex``, ``pdf``, ``epub``, ``report``) are the thin wrappers make
calls, one intermediate file each. Every command turns a ``BasmaError`` into the
one line ``error: <file>: <what is wrong> — <what to do>`` and a non-zero exit;
a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from .errors import BasmaError, CorrectionError, InputError, MetaError, StageInputError
from .fileio import atomic_write
from .model import (
    EDITION_LANGS,
    Cleaned,
    Document,
    Extraction,
    cleaned_from_json,
    document_from_json,
    extraction_from_json,
    to_json,
    validate,
)

SOURCE_NAMES = ("source.pdf", "source.txt", "source.docx")
EDITION_KEYS = ("full",) + EDITION_LANGS


def safe_id(name: str) -> str:
    """An article id usable as a file name: no path parts, no leading dot.

    >>> safe_id("../../etc/passwd")
    'etc-passwd'
    >>> safe_id("Trends in Education (2026)")
    'Trends-in-Education-2026'
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return cleaned or "article"


def output_name(article_id: str, key: str, ext: str) -> str:
    return f"{article_id}.{ext}" if key == "full" else f"{article_id}.{key}.{ext}"


# --- stage functions on files ---------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StageInputError(path, "the file is missing") from None


def _load(path: Path, parse: Callable[[str], object]) -> object:
    try:
        return parse(_read(path))
    except (ValueError, TypeError, KeyError) as exc:
        raise StageInputError(path, f"cannot be read ({exc})") from None


def find_source(folder: Path) -> Path:
    for name in SOURCE_NAMES:
        if (folder / name).exists():
            return folder / name
    others = sorted(p for p in folder.glob("source.*"))
    if others:
        return others[0]
    raise InputError(folder, "no source file (source.pdf or source.txt) in the article folder",
                     "put the article's PDF or text there as source.pdf or source.txt")


def stage_extract(src: Path) -> Extraction:
    from .extract import extract

    try:
        raw = src.read_bytes()
    except FileNotFoundError:
        raise InputError(src, "the file does not exist", "check the path") from None
    except IsADirectoryError:
        raise InputError(src, "is a folder without a source file",
                         "give the article's file") from None
    return extract(raw, str(src))


def _read_editor_file(path: Path, error: type[BasmaError]) -> str:
    """The text of meta.yaml or corrections.yaml; another encoding is the editor's to fix."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(path, f"line {line}: the text is not UTF-8",
                    f"save {path.name} as UTF-8 (the editor's Save As… encoding)") from None


def make_document(tagged: Document, meta_path: Path | None, corrections_path: Path | None
                  ) -> Document:
    """The published document model: tagged blocks, the editor's metadata and fixes."""
    from .corrections import apply_corrections
    from .meta import load_meta

    doc = tagged
    meta = dict(doc.meta)
    if meta_path and meta_path.exists():
        meta.update(load_meta(_read_editor_file(meta_path, MetaError), meta_path))
    doc.meta = meta
    if corrections_path and corrections_path.exists():
        text = _read_editor_file(corrections_path, CorrectionError)
        apply_corrections(doc, text, corrections_path)
    validate(doc)
    return doc


def write_json(path: Path, obj: object) -> None:
    atomic_write(path, to_json(obj))


# --- command implementations ---------------------------------------------------------------


def cmd_stage(args: argparse.Namespace) -> int:
    out = Path(args.output)
    src = Path(args.input)
    if args.command == "extract":
        write_json(out, stage_extract(src))
    elif args.command == "clean":
        from .clean import clean

        ex = _load(src, extraction_from_json)
        write_json(out, clean(ex))  # type: ignore[arg-type]
    elif args.command == "segment":
        from .segment import segment

        cleaned = _load(src, cleaned_from_json)
        assert isinstance(cleaned, Cleaned)
        doc = segment(cleaned)
        doc.changes = cleaned.changes + doc.changes
        write_json(out, doc)
    elif args.command == "tag":
        from .tag import tag

        doc = _load(src, document_from_json)
        write_json(out, tag(doc))  # type: ignore[arg-type]
    return 0


def cmd_document(args: argparse.Namespace) -> int:
    doc = _load(Path(args.input), document_from_json)
    assert isinstance(doc, Document)
    meta = Path(args.meta) if args.meta else None
    corrections = Path(args.corrections) if args.corrections else None
    doc = make_document(doc, meta, corrections)
    write_json(Path(args.output), doc)
    return 0


def _edition(doc: Document, key: str, translations: Path | None):
    from .editions import make_edition
    from .translations import load_translation

    translation = None
    if key != "full" and translations is not None:
        path = translations / f"{key}.md"
        translation = load_translation(path, key)
        _warn_if_stale(path, translations.parent)
    return make_edition(doc, key, translation)


def _warn_if_stale(translation: Path, folder: Path) -> None:
    """Tell the editor when a translation predates the source it translates."""
    if not translation.exists():
        return
    try:
        source = find_source(folder)
    except InputError:
        return
    if translation.stat().st_mtime < source.stat().st_mtime:
        print(f"warning: {translation}: translations/{translation.name} is older than "
              f"{source.name} — check that it still matches the article", file=sys.stderr)


def cmd_editions(args: argparse.Namespace) -> int:
    """Every edition's LaTeX source and EPUB source (pandoc's AST), from document.json.

    Each file is rewritten only when its text changes, so make re-typesets and
    re-packs only the editions an edit shows in. One process makes all eight:
    start-up and imports cost more than the rendering itself.
    """
    from .epub import epub_source
    from .latex import render_tex

    doc = _load(Path(args.input), document_from_json)
    translations = Path(args.translations) if args.translations else None
    for key in EDITION_KEYS:
        ed = _edition(doc, key, translations)  # type: ignore[arg-type]
        tex = Path(args.outdir) / output_name(args.article, key, "tex")
        atomic_write(tex, render_tex(ed), only_if_changed=True)
        text = json.dumps(epub_source(ed), ensure_ascii=False, sort_keys=True)
        atomic_write(Path(args.builddir) / f"{key}.epub.json", text, only_if_changed=True)
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from .typeset import typeset

    tex_path = Path(args.input)
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else Path("build") / "tex" / out.stem
    typeset(_read(tex_path), workdir, out.stem, out)
    return 0


def cmd_epub(args: argparse.Namespace) -> int:
    from .epub import epub_from_source

    source = _load(Path(args.input), json.loads)
    atomic_write(Path(args.output), epub_from_source(source))  # type: ignore[arg-type]
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_outputs

    problems = 0
    for folder in args.folders:
        for line in check_outputs(Path(folder)):
            print(line)
            problems += line.startswith("FAIL")
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import render_report

    doc = _load(Path(args.input), document_from_json)
    cleaned = _load(Path(args.cleaned), cleaned_from_json)
    atomic_write(Path(args.output), render_report(doc, cleaned))  # type: ignore[arg-type]
    return 0


def build(path: Path, outdir: Path | None, log: Callable[[str], None] = lambda s: None
          ) -> Path:
    """Every stage and every output for one article folder or one source file."""
    from .clean import clean
    from .epub import render_epub
    from .latex import render_tex
    from .report import render_report
    from .segment import segment
    from .tag import tag
    from .typeset import typeset

    if path.is_dir():
        folder, src = path, find_source(path)
        article_id = safe_id(path.resolve().name)
        meta, corrections = folder / "meta.yaml", folder / "corrections.yaml"
        translations: Path | None = folder / "translations"
    else:
        src, article_id = path, safe_id(path.stem)
        meta = corrections = translations = None
        if not path.exists():
            raise InputError(path, "the file does not exist", "check the path")
    out = outdir or Path("output") / article_id

    t0 = time.monotonic()
    ex = stage_extract(src)
    cleaned = clean(ex)
    doc = segment(cleaned)
    doc.changes = cleaned.changes + doc.changes
    doc = make_document(tag(doc), meta, corrections)
    log(f"{article_id}: text stages {time.monotonic() - t0:.1f}s")

    # Everything is made in a scratch folder first: a failure in any edition
    # leaves the previous outputs exactly as they were.
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".basma-", dir=out) as tmp:
        stage = Path(tmp)
        files: dict[str, bytes] = {
            "document.json": to_json(doc).encode("utf-8"),
            "cleaning-report.html": render_report(doc, cleaned).encode("utf-8"),
        }
        for key in EDITION_KEYS:
            ed = _edition(doc, key, translations)
            t1 = time.monotonic()
            tex = render_tex(ed)
            name = output_name(article_id, key, "tex")[:-4]
            files[name + ".tex"] = tex.encode("utf-8")
            pdf = stage / (name + ".pdf")
            try:
                typeset(tex, stage / f"tex-{key}", name, pdf)
            except BasmaError as exc:
                # The log goes to build/, never into the outputs: a failed build
                # leaves the last good edition exactly as it was.
                log_src = stage / f"tex-{key}" / f"{name}.log"
                if log_src.exists():
                    kept = Path("build") / article_id / f"{name}.log"
                    atomic_write(kept, log_src.read_bytes())
                    exc.path = str(kept)
                raise
            files[name + ".pdf"] = pdf.read_bytes()
            epub = stage / (name + ".epub")
            render_epub(ed, epub)
            files[name + ".epub"] = epub.read_bytes()
            log(f"{article_id}: {key} edition {time.monotonic() - t1:.1f}s")
        for fname, data in files.items():
            atomic_write(out / fname, data)
    return out


def cmd_build(args: argparse.Namespace) -> int:
    # Progress is shown once the build has succeeded: a failure prints one line only.
    progress: list[str] = []
    out = build(Path(args.path), Path(args.output) if args.output else None,
                log=progress.append)
    for line in progress:
        print(line, file=sys.stderr)
    print(out)
    return 0


def cmd_hyphenate(argv: list[str]) -> int:
    from .hyphenate import main

    return main(argv)


# --- argument parsing ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n")[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build every output of an article folder or a file")
    b.add_argument("path")
    b.add_argument("-o", "--output", help="output folder (default output/<id>)")
    b.set_defaults(func=cmd_build)

    for name in ("extract", "clean", "segment", "tag"):
        s = sub.add_parser(name, help=f"run the {name} stage")
        s.add_argument("input")
        s.add_argument("-o", "--output", required=True)
        s.set_defaults(func=cmd_stage)

    d = sub.add_parser("document", help="tagged blocks + meta.yaml + corrections.yaml")
    d.add_argument("input")
    d.add_argument("--meta")
    d.add_argument("--corrections")
    d.add_argument("-o", "--output", required=True)
    d.set_defaults(func=cmd_document)

    s = sub.add_parser("editions", help="write every edition's LaTeX and EPUB sources")
    s.add_argument("input", help="document.json")
    s.add_argument("--article", required=True, help="the article id (output file names)")
    s.add_argument("--translations")
    s.add_argument("--outdir", required=True, help="where the .tex files go")
    s.add_argument("--builddir", required=True, help="where the EPUB sources go")
    s.set_defaults(func=cmd_editions)

    s = sub.add_parser("pdf", help="typeset a .tex file with LuaLaTeX")
    s.add_argument("input")
    s.add_argument("--workdir")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_pdf)

    s = sub.add_parser("epub", help="make an EPUB from an epub-source file")
    s.add_argument("input")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_epub)

    s = sub.add_parser("check", help="validate the outputs in article output folders")
    s.add_argument("folders", nargs="+")
    s.set_defaults(func=cmd_check)

    r = sub.add_parser("report", help="the editor's cleaning report (HTML)")
    r.add_argument("input", help="document.json")
    r.add_argument("--cleaned", required=True)
    r.add_argument("-o", "--output", required=True)
    r.set_defaults(func=cmd_report)

    sub.add_parser("hyphenate", help="show Kyrgyz hyphenation points", add_help=False)
    return p


def _guess_path(argv: list[str]) -> str:
    for a in argv[1:]:
        if not a.startswith("-"):
            return a
    return "basma"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if debug:
        argv.remove("--debug")
        os.environ["BASMA_DEBUG"] = "1"
    if argv[:1] == ["hyphenate"]:
        return cmd_hyphenate(argv[1:])
    args = parser().parse_args(argv)
    started = time.monotonic()
    try:
        status = args.func(args)
        target = getattr(args, "output", None) or getattr(args, "outdir", None)
        if os.environ.get("BASMA_PROGRESS") and target:
            out = Path(target)
            article = getattr(args, "article", None) or out.parent.name
            print(f"[{article}] {args.command:<11} {out.name:<34} "
                  f"{time.monotonic() - started:5.1f}s", file=sys.stderr)
        return status
    except BasmaError as exc:
        if debug:
            traceback.print_exc()
        print(exc.one_line(), file=sys.stderr)
        return 1
    except MemoryError:
        print(f"error: {_guess_path(argv)}: the input is too large to process in memory — "
              "split it or send a smaller file", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted — the previous outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the boundary: never a traceback for editors
        if debug:
            traceback.print_exc()
        print(f"error: {_guess_path(argv)}: internal error ({type(exc).__name__}: {exc}) — "
              "run again with --debug and report it", file=sys.stderr)
        return 3


def run_stage(name: str, argv: list[str]) -> int:
    return main([name, *argv])
