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
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import BasmaError, InputError, boundary
from .fileio import atomic_write
from .stages import BY_NAME, TEXT_STAGES, read_model, read_text, run_text_stages, write_depfile
from .stages import write_model as write_json

SOURCE_NAMES = ("source.pdf", "source.txt", "source.docx")
#: An id becomes file names with suffixes and temporary prefixes (``.<id>.ky.tex.basma-tmpXXXX``,
#: ``.<id>.basma-new-XXXX``); a file name holds 255 bytes.
MAX_ID = 100


def safe_id(name: str) -> str:
    """An article id usable as a file name: no path parts, no leading dot.

    >>> safe_id("../../etc/passwd")
    'etc-passwd'
    >>> safe_id("Trends in Education (2026)")
    'Trends-in-Education-2026'
    >>> len(safe_id("x" * 240))  # file names of 255 bytes hold the id and its suffixes
    100
    """
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return cleaned[:MAX_ID].strip("-.") or "article"


def find_source(folder: Path) -> Path:
    for name in SOURCE_NAMES:
        if (folder / name).exists():
            return folder / name
    others = sorted(p for p in folder.glob("source.*"))
    if others:
        return others[0]
    raise InputError(folder, "no source file (source.pdf or source.txt) in the article folder",
                     "put the article's PDF or text there as source.pdf or source.txt")


def _warn_if_stale(translations: Path) -> None:
    """Tell the editor when a translation predates the source it translates."""
    try:
        source = find_source(translations.parent)
    except InputError:
        return
    article = translations.parent.resolve()
    for path in sorted(translations.glob("*.md")):
        # A link out of the article or a pipe is refused when read: no warning first.
        if not path.resolve().is_relative_to(article) or not path.is_file():
            continue
        if path.stat().st_mtime < source.stat().st_mtime:
            print(f"warning: {path}: translations/{path.name} is older than "
                  f"{source.name} — check that it still matches the article", file=sys.stderr)


# --- the stage commands: read the input, run the stage's function, write the output ------


def cmd_text_stage(args: argparse.Namespace) -> int:
    stage = BY_NAME[args.command]
    src = Path(args.input)
    editor = None
    if stage.reads == "source":
        from .stages import read_source

        value = read_source(src)
    else:
        value = read_model(src, stage.reads)
    if stage.name == "document":
        from .document import EditorFiles

        editor = EditorFiles(Path(args.meta) if args.meta else None,
                             Path(args.corrections) if args.corrections else None,
                             Path(args.journal) if args.journal else None,
                             Path(args.meta).parent.name if args.meta else None)
    result = stage.apply(value, str(src), editor)
    write_json(Path(args.output), result)
    return 0


def cmd_editions(args: argparse.Namespace) -> int:
    """Every edition's LaTeX source and EPUB source (pandoc's AST), from document.json.

    Each file is rewritten only when its text changes, so make re-typesets and
    re-packs only the editions an edit shows in.
    """
    from .writers.editions import output_name, warn_unresolved_citations

    doc = read_model(Path(args.input), "Document")
    warn_unresolved_citations(doc, args.input)
    translations = Path(args.translations) if args.translations else None
    if translations is not None:
        _warn_if_stale(translations)
    # --builddir is build/<id>: the pictures the figures name are in its assets/.
    sources = BY_NAME["editions"].resolve()(doc, translations, root=Path(args.builddir))
    for key, (tex, epub) in sources.items():
        atomic_write(Path(args.outdir) / output_name(args.article, key, "tex"), tex,
                     only_if_changed=True)
        text = json.dumps(epub, ensure_ascii=False, sort_keys=True)
        atomic_write(Path(args.builddir) / f"{key}.epub.json", text, only_if_changed=True)
    return 0


def cmd_assets(args: argparse.Namespace) -> int:
    """Every figure's and formula's picture under --outdir, and the stamp make tracks."""
    from .writers.assets import stamp

    doc = read_model(Path(args.input), "Document")
    result = BY_NAME["assets"].resolve()(doc, Path(args.source), Path(args.outdir),
                                          Path(args.article_dir) if args.article_dir else None)
    for note in result.notes:
        print(f"note: {args.source}: {note}", file=sys.stderr)
    atomic_write(Path(args.output), stamp(result), only_if_changed=True)
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    out = Path(args.output)
    workdir = Path(args.workdir) if args.workdir else Path("build") / "tex" / out.stem
    tex = read_text(Path(args.input))
    if args.journal_pages:  # an issue's article: the journal PDF's range (pipeline/issue)
        from .issue.pages import journal_range_tex, read_pages

        pages = read_pages(Path(args.journal_pages))
        if pages is not None:
            tex = journal_range_tex(pages.last) + tex
    BY_NAME["pdf"].resolve()(tex, workdir, out.stem, out)
    return 0


def cmd_epub(args: argparse.Namespace) -> int:
    source = read_model(Path(args.input), "epub-source")
    # build/<id>/<key>.epub.json: the pictures it names are in build/<id>/assets/.
    atomic_write(Path(args.output), BY_NAME["epub"].resolve()(
        source, root=Path(args.input).resolve().parent))
    return 0


def cmd_epubcheck(args: argparse.Namespace) -> int:
    from .writers.epubcheck import stage_checked

    stage_checked([Path(p) for p in args.inputs], Path(args.outdir), Path(args.output))
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from .install import install

    install(Path(args.staged), Path(args.target), manifest=True)
    return 0


def indexing_timestamp(document: Path) -> int:
    """The Crossref deposit's version: SOURCE_DATE_EPOCH when set (a reproducible
    build), else when document.json was last written, which every edit changes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return int(epoch)
    try:
        return int(document.stat().st_mtime)
    except OSError:
        return 0


def journal_settings(article_folder: Path | None):
    """``journal.yaml`` beside the article folders (``input/journal.yaml``), if any."""
    from .writers.indexing.settings import load_settings

    return load_settings(article_folder.parent / "journal.yaml" if article_folder else None)


def cmd_indexing(args: argparse.Namespace) -> int:
    """JATS, Crossref, DOAJ, eLibrary XML and the web pages; each rewritten only when
    it changes, so an edit rebuilds only the files that show it."""
    from .writers.indexing.settings import load_settings

    document = Path(args.input)
    doc = read_model(document, "Document")
    settings = load_settings(Path(args.journal) if args.journal else None)
    translations = Path(args.translations) if args.translations else None
    # --outdir is build/<id>/out: the pictures are in build/<id>/assets/, and the ones
    # the pages and the JATS show are staged in out/assets/ with them.
    outdir = Path(args.outdir)
    result = BY_NAME["indexing"].resolve()(doc, settings, args.article,
                                           indexing_timestamp(document), translations,
                                           root=outdir.parent)
    for name, data in result.files.items():
        atomic_write(outdir / name, data, only_if_changed=True)
    staged_pictures = outdir / "assets"
    if staged_pictures.is_dir():  # a picture no page shows any more is not installed
        for old in staged_pictures.iterdir():
            if f"assets/{old.name}" not in result.files and old.is_file():
                old.unlink()
    # A file this run did not make (the Crossref deposit once the DOI is gone) must
    # not be installed from an earlier run.
    from .writers.indexing import KINDS

    for kind in KINDS:
        stale = Path(args.outdir) / f"{args.article}.{kind}"
        if stale.name not in result.files:
            stale.unlink(missing_ok=True)
    for note in result.notes:
        print(f"note: {args.article}: {note}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    doc = read_model(Path(args.input), "Document")
    cleaned = read_model(Path(args.cleaned), "Cleaned")
    problems = None
    if args.problems is not None:  # the PDFs' typesetting warnings, listed in the report
        from .writers.report import typesetting_problems

        problems = typesetting_problems([Path(p) for p in args.problems])
    atomic_write(Path(args.output), BY_NAME["report"].resolve()(doc, cleaned,
                                                                problems=problems))
    return 0


def cmd_proof(args: argparse.Namespace) -> int:
    """A proof round of one article: its journal PDF with line numbers, kept under
    proofs/<id>/<n>/ with the change list (see writers/proof.py)."""
    import datetime as dt

    from .document import EditorFiles
    from .writers.proof import make_proof

    path = Path(args.article)
    folder = path if path.is_dir() else Path(args.input_dir) / args.article
    if not folder.is_dir():
        raise InputError(folder, "is not an article folder",
                         "give an article id (a folder of input/) or an article folder")
    article = safe_id(folder.resolve().name)
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise InputError(args.date, "is not a date", "write it as 2026-12-02") from None
    kept: dict[str, object] = {}
    doc = run_text_stages(find_source(folder), EditorFiles.of_folder(folder),
                          keep=kept.__setitem__)
    journal = Path(args.journal) if args.journal else Path("output") / article / f"{article}.pdf"
    workdir = Path(args.workdir) if args.workdir else Path("build") / article / "proof-tex"
    result = make_proof(article, doc, kept["clean"], workdir, journal, date)
    for line in result.pagination:
        print(f"warning: {result.pdf}: {line}", file=sys.stderr)
    print(result.folder)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .writers.check import check_outputs

    problems = 0
    for folder in args.folders:
        for line in check_outputs(Path(folder)):
            print(line)
            problems += line.startswith("FAIL")
    return 1 if problems else 0


# --- everything in one process ---------------------------------------------------------------


def _check_output_folder(out: Path) -> None:
    """Refuse, before any stage runs, an output path that is a file or a folder the
    build cannot write (read-only, or on a read-only disk): the install at the end
    replaces the folder, which needs both it and the folder it is in writable."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "the output path is a file, not a folder", "give a folder with -o")
    from .install import os_failure

    if out.exists():
        folders = [out, out.absolute().parent]
    else:  # made by the install: its nearest existing parent must be writable
        folders = [next(p for p in out.absolute().parents if p.exists())]
    for folder in folders:
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".basma-probe-", dir=folder))
        except OSError as exc:  # named by the folder, not by the probe's name
            raise os_failure(OSError(exc.errno, exc.strerror), folder) from None


def build(path: Path, outdir: Path | None, log: Callable[[str], None] = lambda s: None,
          editions: tuple[str, ...] | None = None) -> Path:
    """Every stage and every output for one article folder or one source file.

    The same stages as make runs, from the same table, in one process. ``editions``
    (``--editions full,ru``) makes only those editions, as make's ``KEYS=…`` does:
    a quick check of the print article needs no other; the set installed is then
    the one built.
    """
    from .document import EditorFiles
    from .model import to_json
    from .writers.editions import output_name

    if path.is_dir():
        src = find_source(path)
        article_id = safe_id(path.resolve().name)
        editor = EditorFiles.of_folder(path)
        translations: Path | None = path / "translations"
        if translations is not None and translations.is_dir():
            _warn_if_stale(translations)
    else:
        src, article_id = path, safe_id(path.stem)
        editor, translations = EditorFiles(), None
        if not path.exists():
            raise InputError(path, "the file does not exist", "check the path")
    out = outdir or Path("output") / article_id
    _check_output_folder(out)
    # The editor's files first: their mistakes need no extraction to be found.
    editor.check()
    if translations is not None and translations.is_dir():
        from .readers.translations import read_translation_text

        for md in sorted(translations.glob("*.md")):
            read_translation_text(md)

    t0 = time.monotonic()
    kept: dict[str, object] = {}
    doc = run_text_stages(src, editor, keep=kept.__setitem__)
    log(f"{article_id}: text stages {time.monotonic() - t0:.1f}s")
    from .writers.editions import warn_unresolved_citations

    warn_unresolved_citations(doc, src)
    # Everything is made in a scratch folder first and installed as one set only when
    # every file is there and every EPUB passed epubcheck (pipeline/install.py): a full
    # disk or a failing edition leaves the previous outputs exactly as they were.
    if out.exists() and not out.is_dir():
        raise InputError(out, "the output path is a file, not a folder", "give a folder with -o")
    from .install import install
    from .writers.epubcheck import check_epubs

    with tempfile.TemporaryDirectory(prefix="basma-build-") as tmp:
        stage = Path(tmp) / "out"
        stage.mkdir()
        # The pictures go to <root>/assets/, as make puts them in build/<id>/assets/ (the
        # writers read them there); in the scratch folder, so that a build writes
        # nothing outside its output folder.
        root = Path(tmp) / "work"
        assets = BY_NAME["assets"].resolve()(doc, src, root / "assets",
                                             path if path.is_dir() else None)
        for note in assets.notes:
            log(f"note: {article_id}: {note}")
        (stage / "document.json").write_text(to_json(doc), encoding="utf-8")
        indexing = BY_NAME["indexing"].resolve()(
            doc, journal_settings(path if path.is_dir() else None), article_id,
            indexing_timestamp(stage / "document.json"), translations, root=root)
        for fname, data in indexing.files.items():
            # The pictures the pages show go to assets/, where LuaLaTeX finds them too.
            (stage / fname).parent.mkdir(exist_ok=True)
            (stage / fname).write_bytes(data)
        for note in indexing.notes:
            log(f"note: {article_id}: {note}")
        typeset, pack = BY_NAME["pdf"].resolve(), BY_NAME["epub"].resolve()
        from .issue.pages import journal_range_tex, with_last_page

        journal_last: int | None = None
        for key, (tex, epub) in BY_NAME["editions"].resolve()(doc, translations,
                                                              root=root).items():
            if editions is not None and key not in editions:
                continue
            t1 = time.monotonic()
            name = output_name(article_id, key, "tex")[:-4]
            (stage / f"{name}.tex").write_text(tex, encoding="utf-8")
            if key != "full" and journal_last is not None:
                tex = journal_range_tex(journal_last) + tex
            try:
                typeset(tex, stage / f"tex-{key}", name, stage / f"{name}.pdf")
            except BasmaError as exc:
                # The log goes to build/, never into the outputs.
                log_src = stage / f"tex-{key}" / f"{name}.log"
                if log_src.exists():
                    kept_log = Path("build") / article_id / f"{name}.log"
                    atomic_write(kept_log, log_src.read_bytes())
                    exc.path = str(kept_log)
                raise
            # The EPUB goes through its JSON source, exactly as make keeps it.
            epub_bytes = pack(json.loads(json.dumps(epub, ensure_ascii=False)), root=root)
            (stage / f"{name}.epub").write_bytes(epub_bytes)
            # An issue's article: its last page is its journal PDF's (pipeline/issue), which
            # the single-language editions, document.json and the indexing files then give.
            if key == "full" and with_last_page(doc, editor.journal, editor.article,
                                                stage / f"{name}.pdf"):
                journal_last = doc.meta.last_page
            log(f"{article_id}: {key} edition {time.monotonic() - t1:.1f}s")
        if journal_last is not None:
            (stage / "document.json").write_text(to_json(doc), encoding="utf-8")
            indexing = BY_NAME["indexing"].resolve()(
                doc, journal_settings(path if path.is_dir() else None), article_id,
                indexing_timestamp(stage / "document.json"), translations, root=root)
            for fname, data in indexing.files.items():
                (stage / fname).write_bytes(data)
        # The report comes last: it lists the PDFs' typesetting warnings.
        from .writers.report import typesetting_problems

        problems = typesetting_problems(sorted(stage.glob("tex-*/*.problems")))
        report = BY_NAME["report"].resolve()(doc, kept["clean"], problems=problems)
        (stage / "cleaning-report.html").write_text(report, encoding="utf-8")
        check_epubs(sorted(stage.glob("*.epub")), shown=lambda p: out / p.name)
        install(stage, out)
    return out


def edition_list(text: str) -> tuple[str, ...]:
    """``--editions``: edition keys separated by commas; the full edition always.

    >>> edition_list("ru, en")
    ('full', 'ru', 'en')
    >>> edition_list("fr")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 'fr' is not an edition: use full, ky, ru, en
    """
    from .writers.editions import EDITION_KEYS

    keys = [k.strip() for k in text.split(",") if k.strip()]
    for key in keys:
        if key not in EDITION_KEYS:
            raise argparse.ArgumentTypeError(
                f"{key!r} is not an edition: use {', '.join(EDITION_KEYS)}")
    return tuple(k for k in EDITION_KEYS if k in keys or k == "full")


def cmd_build(args: argparse.Namespace) -> int:
    # Progress is shown once the build has succeeded: a failure prints one line only.
    progress: list[str] = []
    out = build(Path(args.path), Path(args.output) if args.output else None,
                log=progress.append, editions=args.editions)
    for line in progress:
        print(line, file=sys.stderr)
    print(out)
    return 0


def cmd_hyphenate(argv: list[str]) -> int:
    from .writers.hyphenate import main

    return main(argv)


# --- argument parsing ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n")[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build every output of an article folder or a file")
    b.add_argument("path")
    b.add_argument("-o", "--output", help="output folder (default output/<id>)")
    b.add_argument("--editions", type=edition_list, metavar="KEYS",
                   help="only these editions, e.g. full,ru (default: full,ky,ru,en); "
                   "the journal's PDF (full) is always made")
    b.set_defaults(func=cmd_build)

    def stage_command(name: str, func: Callable[[argparse.Namespace], int],
                      inp: str = "input", output: bool = True) -> argparse.ArgumentParser:
        s = sub.add_parser(name, help=BY_NAME[name].help)
        s.add_argument("input", help=inp)
        if output:
            s.add_argument("-o", "--output", required=True)
        s.add_argument("--deps", help="write a make rule naming the code and templates read")
        s.add_argument("--dep-target", help="the rule's target (default: the output)")
        s.set_defaults(func=func)
        return s

    for stage in TEXT_STAGES:
        s = stage_command(stage.name, cmd_text_stage)
        if stage.name == "document":
            s.add_argument("--meta")
            s.add_argument("--corrections")
            s.add_argument("--journal", help="what journal.yaml gives the article "
                           "(build/<id>/journal.json, or input/journal.yaml)")

    s = stage_command("editions", cmd_editions, "document.json", output=False)
    s.add_argument("--article", required=True, help="the article id (output file names)")
    s.add_argument("--translations")
    s.add_argument("--outdir", required=True, help="where the .tex files go")
    s.add_argument("--builddir", required=True, help="where the EPUB sources go")

    s = stage_command("assets", cmd_assets, "document.json")
    s.add_argument("--source", required=True, help="the article's source (PDF or DOCX)")
    s.add_argument("--article-dir", help="the article's folder (the editor's images)")
    s.add_argument("--outdir", required=True, help="where the pictures go (build/<id>/assets)")
    s = stage_command("pdf", cmd_pdf, "an edition's .tex")
    s.add_argument("--workdir")
    s.add_argument("--journal-pages", help="an issue's article: its build/<id>/pages.json, "
                   "whose range a single-language edition prints")
    stage_command("epub", cmd_epub, "an edition's .epub.json")
    s = stage_command("report", cmd_report, "document.json")
    s.add_argument("--cleaned", required=True)
    s.add_argument("--problems", nargs="*", help="the PDFs' <name>.problems files")

    s = sub.add_parser("proof", help="a proof round: the journal PDF with line numbers and "
                       "the list of what changed (proofs/<id>/<n>/)")
    s.add_argument("article", help="an article id of input/, or an article folder")
    s.add_argument("--input-dir", default="input", help="where article ids are (input)")
    s.add_argument("--journal", help="the journal PDF to compare the pagination with "
                   "(default output/<id>/<id>.pdf)")
    s.add_argument("--workdir", help="LuaLaTeX's folder (default build/<id>/proof-tex)")
    s.add_argument("--date", help="the date stamped on the proof (default today), YYYY-MM-DD")
    s.set_defaults(func=cmd_proof)

    s = stage_command("indexing", cmd_indexing, "document.json", output=False)
    s.add_argument("--article", required=True, help="the article id (output file names)")
    s.add_argument("--journal", help="the journal's settings (input/journal.yaml)")
    s.add_argument("--translations")
    s.add_argument("--outdir", required=True, help="where the files go")

    s = sub.add_parser("epubcheck", help="check packed EPUBs with epubcheck, then stage them")
    s.add_argument("inputs", nargs="+", help="the packed EPUBs")
    s.add_argument("--into", dest="outdir", required=True, help="the staging folder")
    s.add_argument("-o", "--output", required=True, help="the record of the EPUBs that passed")
    s.set_defaults(func=cmd_epubcheck)

    s = sub.add_parser("install", help="replace an output folder by a staged set, as one")
    s.add_argument("staged", help="the staging folder (build/<id>/out)")
    s.add_argument("target", help="the output folder (output/<id>)")
    s.set_defaults(func=cmd_install)

    s = sub.add_parser("check", help="validate the outputs in article output folders")
    s.add_argument("folders", nargs="+")
    s.set_defaults(func=cmd_check)

    sub.add_parser("hyphenate", help="show Kyrgyz hyphenation points", add_help=False)
    return p


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def _article_of(out: Path) -> str:
    """The article a make step's output belongs to: ``build/<id>/…``, ``output/<id>``.

    >>> _article_of(Path("build/seed/out/seed.pdf")), _article_of(Path("output/seed"))
    ('seed', 'seed')
    """
    parts = out.parts
    for root in ("build", "output"):
        if root in parts[:-1]:
            return parts[parts.index(root) + 1]
    return out.parent.name


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
    # SIGTERM unwinds like Ctrl-C, so scratch folders are removed on the way out.
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()

    def work() -> int:
        status = args.func(args)
        if getattr(args, "deps", None):
            target = args.dep_target or args.output
            write_depfile(Path(args.deps), target)
        target = (getattr(args, "output", None) or getattr(args, "outdir", None)
                  or getattr(args, "target", None))
        if os.environ.get("BASMA_PROGRESS") and target:
            out = Path(target)
            article = getattr(args, "article", None) or _article_of(out)
            print(f"[{article}] {args.command:<11} {out.name:<34} "
                  f"{time.monotonic() - started:5.1f}s", file=sys.stderr)
        return status

    return boundary(work, _guess_path(argv), debug)


def run_stage(name: str, argv: list[str]) -> int:
    return main([name, *argv])
