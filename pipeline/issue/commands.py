"""``python -m pipeline.issue COMMAND``: the steps make runs for journal issues.

* ``rules JOURNAL -o build/issues.mk``: which articles are in which issue, in
  order, as make variables (``ISSUES``, ``ISSUE_<key>``, ``ISSUE_OF_<id>``,
  ``PREV_OF_<id>``);
* ``journal JOURNAL --article ID -o build/<id>/journal.json``: what journal.yaml
  gives the article's metadata, its computed first page included;
* ``pages PDF --journal build/<id>/journal.json -o build/<id>/pages.json``: the
  article's first and last page, from its typeset journal PDF;
* ``document DOC --pages PAGES -o build/<id>/out/document.json``: the published
  document.json, with the computed pages in its meta;
* ``build JOURNAL --issue KEY -o build/issue-<key>/out``: the issue's PDF, contents
  (HTML, EPUB) and indexing files, after the checks.

The per-article files are rewritten only when they change (``pages.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from ..fileio import atomic_write
from .pages import IssueError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline.issue")
    sub = p.add_subparsers(dest="step", required=True)
    s = sub.add_parser("rules")
    s.add_argument("journal")
    s.add_argument("-o", "--output", required=True)
    s = sub.add_parser("journal")
    s.add_argument("journal")
    s.add_argument("--article", required=True)
    s.add_argument("--build", default="build")
    s.add_argument("-o", "--output", required=True)
    s = sub.add_parser("pages")
    s.add_argument("pdf")
    s.add_argument("--journal", required=True, help="the article's build/<id>/journal.json")
    s.add_argument("-o", "--output", required=True)
    s = sub.add_parser("document")
    s.add_argument("document")
    s.add_argument("--pages", required=True)
    s.add_argument("-o", "--output", required=True)
    s = sub.add_parser("build")
    s.add_argument("journal")
    s.add_argument("--issue", required=True, help="the issue's key, <volume>-<number>")
    s.add_argument("--build", default="build")
    s.add_argument("-o", "--outdir", required=True)
    for s in sub.choices.values():
        s.add_argument("--deps", help="write a make rule naming the code and templates read")
        s.add_argument("--dep-target", help="the rule's target (default: the output)")
    return p


def make_rules(journal_path: Path) -> str:
    """The make variables of journal.yaml's issues. An issue with an article missing
    from input/ is left out, with a warning naming the folder."""
    from .settings import load_journal

    journal = load_journal(journal_path, check_inputs=False)
    lines = ["# Made from input/journal.yaml by `python -m pipeline.issue rules`."]
    built = []
    for issue in journal.issues:
        missing = [a for a in issue.articles if not (journal_path.parent / a).is_dir()]
        for a in issue.articles:
            lines.append(f"ISSUE_OF_{a} := {issue.key}")
        for before, a in zip(issue.articles, issue.articles[1:], strict=False):
            lines.append(f"PREV_OF_{a} := {before}")
        if missing:
            print(f"warning: {journal_path}: issue {issue.volume}/{issue.number} lists "
                  f"{', '.join(str(journal_path.parent / m) for m in missing)}, which does "
                  "not exist — the issue is not built (add the folder or take the article "
                  "off the list)", file=sys.stderr)
            continue
        lines.append(f"ISSUE_{issue.key} := {' '.join(issue.articles)}")
        built.append(issue.key)
    lines.append(f"ISSUES := {' '.join(built)}")
    return "\n".join(lines) + "\n"


def cmd_journal(args: argparse.Namespace) -> None:
    from .pages import journal_record, write_json_if_changed
    from .settings import load_journal

    journal = load_journal(Path(args.journal), check_inputs=False)
    write_json_if_changed(Path(args.output),
                          journal_record(journal, args.article, Path(args.build)))


def cmd_pages(args: argparse.Namespace) -> None:
    import json

    from .pages import article_pages, write_json_if_changed

    record = json.loads(Path(args.journal).read_text(encoding="utf-8"))
    first = (record.get("meta") or {}).get("first_page")
    pages = article_pages(Path(args.pdf), first)
    write_json_if_changed(Path(args.output), {"first": pages.first, "last": pages.last,
                                              "pages": pages.count})


def cmd_document(args: argparse.Namespace) -> None:
    from ..stages import read_text
    from .pages import paginated_document, read_pages

    pages = read_pages(Path(args.pages))
    text = paginated_document(read_text(Path(args.document)), pages)
    from ..model import document_from_json, validate

    validate(document_from_json(text))  # the published file is checked as every write is
    atomic_write(Path(args.output), text)


def _doi_check(journal_path: Path, articles: list[str], build: Path) -> None:
    """No DOI twice: every article of input/ (its built document, else its meta.yaml)."""
    from .pages import check_dois

    found: list[tuple[str | None, Path]] = []
    inputs = journal_path.parent
    for folder in sorted(p for p in inputs.iterdir() if p.is_dir()):
        meta = folder / "meta.yaml"
        if not meta.exists():
            continue
        import contextlib
        import io

        from ..document import read_editor_file
        from ..errors import MetaError
        from ..meta import load_meta

        with contextlib.redirect_stderr(io.StringIO()):
            found.append((load_meta(read_editor_file(meta, MetaError), meta).doi, meta))
    check_dois(found)


def cmd_build(args: argparse.Namespace) -> None:
    from ..writers.typeset import typeset
    from .assemble import Part, assemble
    from .contents import contents_epub, contents_html, entries, front_tex, journal_names
    from .files import issue_files
    from .pages import check_continuity
    from .settings import load_journal

    journal_path, build, out = Path(args.journal), Path(args.build), Path(args.outdir)
    journal = load_journal(journal_path, check_inputs=True)
    issue = journal.issue(args.issue)
    if issue is None:
        raise IssueError(journal_path, f"no issue {args.issue!r} is listed",
                         "give an issue as <volume>-<number>")
    if not issue.articles:
        raise IssueError(journal_path, f"issue {issue.volume}/{issue.number} has no articles",
                         "list its articles under `sections:`")
    _doi_check(journal_path, issue.articles, build)
    items = entries(issue, build)
    check_continuity(issue, journal.odd_pages, [(e.article, e.pages, e.pdf) for e in items])
    for e in items:
        if journal.doi_prefix and e.doi and not e.doi.startswith(journal.doi_prefix + "/"):
            print(f"warning: {e.document}: the DOI {e.doi} is not under the journal's prefix "
                  f"{journal.doi_prefix} — check meta.yaml's doi", file=sys.stderr)
    work = build / f"issue-{issue.key}"
    tex = front_tex(journal, issue, items)
    front = work / "tex" / "front.pdf"
    digest = work / "tex" / "front.tex.sha256"
    key = hashlib.sha256(tex.encode("utf-8")).hexdigest()
    # The front matter changes only with the contents: an edit that keeps every page
    # number and title costs no LuaLaTeX run.
    if not front.exists() or not digest.exists() or digest.read_text() != key:
        # No cross-references: one pass settles the front matter.
        typeset(tex, work / "tex", "front", front, max_passes=1)
        atomic_write(digest, key)
    names = journal_names(journal)
    main = next(iter(names))
    from .contents import issue_label

    title = f"{names[main]}. {issue_label(issue, 'en')}"
    parts = [Part(e.article, e.pdf, e.pages, next(iter(e.titles.values())), e.dest)
             for e in items]
    out.mkdir(parents=True, exist_ok=True)
    assemble(front, parts, journal.odd_pages, out / "issue.pdf", title)
    settings = journal.indexing()

    def article_url(article: str) -> str:
        if settings.article_url or settings.url:
            base = (settings.article_url or "{url}/articles/{id}/").replace(
                "{url}", (settings.url or "").rstrip("/")).replace("{id}", article)
            return base + ("" if base.endswith("/") else "/") + f"{article}.html"
        return f"../{article}/{article}.html"

    html = contents_html(journal, issue, items, article_url)
    atomic_write(out / "contents.html", html, only_if_changed=True)
    epub = contents_epub(html, journal, issue, work / "epub")
    from ..writers.epubcheck import check_epubs

    check_epubs([work / "epub" / "contents.epub"], shown=lambda p: out / "contents.epub")
    atomic_write(out / "contents.epub", epub, only_if_changed=True)
    for name, data in issue_files(issue.articles, build, issue.key).items():
        atomic_write(out / name, data, only_if_changed=True)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.step == "rules":
        # Always written: make re-reads its makefiles when this one is newer.
        atomic_write(Path(args.output), make_rules(Path(args.journal)))
    else:
        {"journal": cmd_journal, "pages": cmd_pages, "document": cmd_document,
         "build": cmd_build}[args.step](args)
    if args.deps:
        from ..stages import write_depfile

        write_depfile(Path(args.deps), args.dep_target or getattr(args, "output", None)
                      or args.outdir)
    return 0
