"""The corpus report: how ``python -m pipeline build`` does on real-world PDFs.

Every PDF in ``../shared/corpus/pdf/`` (relative to the repository root) is built
with ``PY -m pipeline build FILE -o TMP/<stem>``, the working directory being the
checkout given by ``--repo``, with a 600 s timeout. One table row per PDF:

* exit code (or ``timeout``), wall-clock seconds, and for a failure the last line of
  stderr without its ``error: <file>: `` prefix (``log:`` when the file is a LaTeX
  log), trimmed to 100 characters;
* outputs: how many of the 10 expected files exist (``document.json``,
  ``cleaning-report.html``, ``<id>.pdf``/``.epub`` and ``<id>.<lang>.pdf``/``.epub``
  for ky, ru, en; ``<id>`` is the stem made safe as ``pipeline.cli.safe_id`` does);
* from ``document.json``: blocks per role, whether a title block was found, the
  number of abstracts, headings, references and problems, the three commonest
  block languages, and how many of its tokens lie in formulas (``math`` spans);
* word accuracy against ``../shared/corpus/truth/<stem>.txt`` or ``.md`` where it
  exists, for the document's block texts (all roles, in order; formulas, the
  ``math`` spans, left out, as the truth texts leave math out, and in a second
  column kept) and, for comparison, for plain ``pdftotext FILE -``. Accuracy is 1 − WER: the exact
  word-level Levenshtein distance (bit-parallel, Myers/Hyyrö) between the token
  lists divided by the number of truth tokens, tokens being ``\\w+`` after NFKC
  and casefolding. It is negative when the output has far more words than the
  truth. A ``.txt`` truth's first line (``% keep-references`` or not) says whether
  its reference list is in it; when it is not, reference blocks are left out of
  the document's text (pdftotext's cannot be split). Markdown truth loses its
  syntax (headings, table bars and rules, emphasis, comments, escapes) first.
* with ``--epubcheck``: the errors and fatals epubcheck reports on the full EPUB.

The table goes to ``--out`` (default ``bench/corpus.md``) and to stdout.

    .venv/bin/python bench/corpus.py [--corpus DIR] [--python PATH] [--repo DIR]
        [--out FILE] [--jobs N] [--only NAME...] [--epubcheck] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# One word-level edit distance for the project: the tests' (Myers/Hyyrö, exact).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pdfgen import levenshtein  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIMEOUT = 600
EDITION_KEYS = ("full", "ky", "ru", "en")
EPUBCHECK = "/usr/share/java/epubcheck.jar"
ROLE_ABBR = {
    "paragraph": "p", "heading": "h", "reference": "ref", "footnote": "fn",
    "abstract": "abs", "title": "title", "author": "au", "affiliation": "aff",
    "keywords": "kw", "list_item": "li", "quote": "q", "caption": "cap",
    "references_heading": "refh",
}
REFERENCE_ROLES = {"reference", "references_heading"}
COLUMNS = ["file", "exit", "s", "outputs", "roles", "title", "abstracts", "headings",
           "refs", "langs", "problems", "formula words", "acc", "acc with math",
           "pdftotext acc", "error"]


# --- arguments ------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "pdf",
                   help="folder of PDFs (default ../shared/corpus/pdf)")
    p.add_argument("--truth", type=Path, default=None,
                   help="folder of truth texts (default: ../truth beside the corpus)")
    p.add_argument("--python", default=None, help="interpreter (default REPO/.venv/bin/python)")
    p.add_argument("--repo", type=Path, default=REPO,
                   help="checkout whose `python -m pipeline` runs (default this one)")
    p.add_argument("--out", type=Path, default=HERE / "corpus.md")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--only", nargs="+", metavar="NAME", help="file names or stems to run")
    p.add_argument("--epubcheck", action="store_true", help="run epubcheck on the full EPUB")
    p.add_argument("--keep", type=Path, help="write the outputs here and keep them")
    args = p.parse_args(argv)
    args.repo = args.repo.resolve()
    args.python = args.python or str(args.repo / ".venv" / "bin" / "python")
    args.truth = args.truth or args.corpus.parent / "truth"
    return args


def select_pdfs(corpus: Path, only: list[str] | None) -> list[Path]:
    pdfs = sorted(corpus.glob("*.pdf"))
    if only:
        wanted = {Path(n).stem for n in only}
        pdfs = [p for p in pdfs if p.stem in wanted]
    return pdfs


def safe_id(name: str) -> str:
    """The article id the pipeline gives a bare file (as ``pipeline.cli.safe_id``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)
    return re.sub(r"-{2,}", "-", cleaned) or "article"


# --- word accuracy --------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def accuracy(truth: list[str], hyp: list[str]) -> float:
    return 1 - levenshtein(truth, hyp) / max(len(truth), 1)


def strip_markdown(text: str) -> str:
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$", " ", text, flags=re.M)
    text = re.sub(r"^\s{0,3}#{1,6}\s", " ", text, flags=re.M)
    text = re.sub(r"\\(.)", r"\1", text)
    text = re.sub(r"(?<![^\W_])_+(?=[^\W_])|(?<=[^\W_])_+(?![^\W_])", " ", text)
    return re.sub(r"[|*`]", " ", text)


def read_truth(truth_dir: Path, stem: str) -> tuple[list[str], bool] | None:
    """The truth's tokens and whether its reference list is in it; None without truth."""
    txt, md = truth_dir / f"{stem}.txt", truth_dir / f"{stem}.md"
    if txt.exists():
        first, _, rest = txt.read_text(encoding="utf-8").partition("\n")
        if first.startswith("%"):
            return tokens(rest), "keep-references" in first
        return tokens(first + "\n" + rest), True
    if md.exists():
        return tokens(strip_markdown(md.read_text(encoding="utf-8"))), True
    return None


def pdftotext_tokens(pdf: Path) -> list[str] | None:
    try:
        res = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return tokens(res.stdout.decode("utf-8", "replace")) if res.returncode == 0 else None


# --- one PDF --------------------------------------------------------------------------


def run_build(args: argparse.Namespace, pdf: Path, outdir: Path) -> dict:
    cmd = [args.python, "-m", "pipeline", "build", str(pdf.resolve()), "-o", str(outdir)]
    t0 = time.monotonic()
    try:
        res = subprocess.run(cmd, cwd=args.repo, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "s": time.monotonic() - t0, "error": f"timeout {TIMEOUT} s"}
    row = {"exit": res.returncode, "s": time.monotonic() - t0, "error": ""}
    if res.returncode != 0:
        lines = [ln.strip() for ln in res.stderr.decode("utf-8", "replace").splitlines()]
        lines = [ln for ln in lines if ln]
        row["error"] = short_error(lines[-1])[:100] if lines else "(no stderr)"
    return row


def short_error(line: str) -> str:
    """``error: <file>: <what> — <do>`` without ``error: <file>: `` (the row names the
    PDF); a LaTeX log's name becomes ``log:``."""
    m = re.match(r"error: (\S+?): (.*)", line)
    if not m:
        return line
    return ("log: " if m.group(1).endswith(".log") else "") + m.group(2)


def expected_outputs(article_id: str) -> list[str]:
    names = ["document.json", "cleaning-report.html"]
    for key in EDITION_KEYS:
        base = article_id if key == "full" else f"{article_id}.{key}"
        names += [f"{base}.pdf", f"{base}.epub"]
    return names


def compact(counter: Counter, abbr: dict[str, str] | None = None, top: int = 0) -> str:
    items = counter.most_common(top or None)
    return " ".join(f"{(abbr or {}).get(k, k)}:{n}" for k, n in items)


def document_stats(doc: dict) -> dict:
    blocks = doc.get("blocks", [])
    roles = Counter(b.get("role", "?") for b in blocks)
    return {
        "roles": compact(roles, ROLE_ABBR),
        "title": "yes" if roles["title"] else "no",
        "abstracts": roles["abstract"],
        "headings": roles["heading"],
        "refs": roles["reference"],
        "langs": compact(Counter(b.get("lang", "?") for b in blocks), top=3),
        "problems": len(doc.get("problems", [])),
    }


def without_math(block: dict) -> str:
    """A block's text with its formulas (``math`` spans) left out: the truth texts are
    made from the LaTeX source with the math dropped."""
    text = block.get("text", "")
    for s in sorted((s for s in block.get("spans", []) if s.get("style") == "math"),
                    key=lambda s: -s["start"]):
        text = text[:s["start"]] + " " + text[s["end"]:]
    return text


def document_tokens(doc: dict, with_refs: bool, math: bool = False) -> list[str]:
    """The tokens of the document's blocks; formulas only with ``math``."""
    texts = [b.get("text", "") if math else without_math(b) for b in doc.get("blocks", [])
             if with_refs or b.get("role") not in REFERENCE_ROLES]
    return tokens("\n".join(texts))


def epubcheck_errors(epub: Path) -> str:
    if not epub.exists():
        return "—"
    try:
        res = subprocess.run(["java", "-jar", EPUBCHECK, str(epub)], capture_output=True,
                             text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"? ({type(exc).__name__})"
    out = res.stdout + res.stderr
    m = re.search(r"Messages:\s*(\d+) fatals? / (\d+) errors?", out)
    if m:
        return str(int(m.group(1)) + int(m.group(2)))
    return str(len(re.findall(r"^(?:ERROR|FATAL)", out, flags=re.M)))


def measure(args: argparse.Namespace, pdf: Path, work: Path) -> dict:
    outdir = work / pdf.stem
    row = {"file": pdf.name, **run_build(args, pdf, outdir)}
    article_id = safe_id(pdf.stem)
    row["outputs"] = sum((outdir / n).exists() for n in expected_outputs(article_id))
    doc_path = outdir / "document.json"
    doc = json.loads(doc_path.read_text(encoding="utf-8")) if doc_path.exists() else None
    if doc is not None:
        row.update(document_stats(doc))
        row["formula words"] = len(document_tokens(doc, True, math=True)) - len(
            document_tokens(doc, True))
    truth = read_truth(args.truth, pdf.stem)
    if truth is not None:
        truth_tokens, with_refs = truth
        if doc is not None:
            row["acc"] = accuracy(truth_tokens, document_tokens(doc, with_refs))
            row["acc with math"] = accuracy(truth_tokens,
                                            document_tokens(doc, with_refs, math=True))
        plain = pdftotext_tokens(pdf)
        if plain is not None:
            row["pdftotext acc"] = accuracy(truth_tokens, plain)
    if args.epubcheck:
        row["epubcheck"] = epubcheck_errors(outdir / f"{article_id}.epub")
    print(f"{pdf.name}: exit {row['exit']} in {row['s']:.1f} s {row['error']}",
          file=sys.stderr, flush=True)
    return row


# --- the table ------------------------------------------------------------------------


def cell(row: dict, col: str) -> str:
    value = row.get(col)
    if value is None or value == "":
        return "—"
    if col == "s":
        return f"{value:.1f}"
    if col in ("acc", "acc with math", "pdftotext acc"):
        return f"{100 * value:.1f}%"
    if col == "outputs":
        return f"{value}/10"
    return str(value).replace("|", "\\|")


def git_head(repo: Path) -> str:
    res = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                         capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "templates"],
                           cwd=repo, capture_output=True, text=True).stdout.strip()
    return (res.stdout.strip() or "unknown") + (" (pipeline/ or templates/ modified)"
                                                 if dirty else "")


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def render(rows: list[dict], args: argparse.Namespace, seconds: float, load: str) -> str:
    cols = COLUMNS[:-1] + (["epubcheck"] if args.epubcheck else []) + COLUMNS[-1:]
    lines = [
        "# Corpus report",
        "",
        f"`bench/corpus.py` on {len(rows)} PDFs of `{args.corpus}`; repo `{args.repo}` at "
        f"{git_head(args.repo)}; {args.jobs} jobs; {seconds:.0f} s in all; load average "
        f"{load} at the start, {load_average()} at the end (times grow with others' work).",
        "",
        "acc = 1 − word error rate against the truth text (exact word-level Levenshtein "
        "over `\\w+` tokens after NFKC and casefolding, in reading order) for the "
        "document's block texts, formulas (`math` spans) left out as the truth leaves them "
        "out; acc with math: with them; pdftotext acc: the same for plain `pdftotext FILE -` "
        "(which cannot tell formulas apart). formula words: the document's tokens inside "
        "`math` spans (what `acc with math` adds; the truth texts hold none: `x`, the "
        "commonest formula token of isp19, phd_article and Bakhteev, occurs 25–49 times in "
        "their formulas and never in their truth). "
        "outputs: document.json, cleaning-report.html, 4 PDFs, 4 EPUBs. "
        "error: the last stderr line without `error: <file>: `, cut at 100 characters. "
        "roles: " + ", ".join(f"{v} = {k}" for k, v in ROLE_ABBR.items() if k != v) + ".",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    lines += ["| " + " | ".join(cell(r, c) for c in cols) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def run_all(args: argparse.Namespace, pdfs: list[Path], work: Path) -> list[dict]:
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        return list(pool.map(lambda pdf: measure(args, pdf, work), pdfs))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pdfs = select_pdfs(args.corpus, args.only)
    if not pdfs:
        print(f"error: {args.corpus}: no PDFs to run — check --corpus and --only",
              file=sys.stderr)
        return 1
    t0, load = time.monotonic(), load_average()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run_all(args, pdfs, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="basma-corpus-") as tmp:
            rows = run_all(args, pdfs, Path(tmp))
    table = render(rows, args, time.monotonic() - t0, load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
