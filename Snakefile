# basma under Snakemake: the Makefile's commands, for the back catalogue and for more
# than one machine (README, "Snakemake and the back catalogue"). Make stays the build
# editors and the journal's CI run; this file runs the very same commands on the same
# files, through any Snakemake executor:
#
#   snakemake --cores 2                        every article of input/ and its issues, as `make build`
#   snakemake --cores 2 --keep-going archive   the back catalogue, input/archive/<year>/<issue>/*.pdf
#   snakemake --profile profiles/slurm archive the same on a SLURM cluster
#
# Config (--config key=value): keys="full ru" (make's KEYS), py=PATH (make's PY),
# archive_upto=document (the archive's text stages only, as the throughput bench runs it).
#
# The rules are made from the stage table, pipeline/stages.py: every stage of STAGES
# has its rule here (a stage without one stops this file at once), with the threads,
# memory, time and retries of its Resources. tests/test_snakemake.py compares the jobs
# of this file with make's on the seed, command by command, inputs and outputs.
# What Snakemake does not do: make's code dependencies (build/<id>/deps/*.d), so an
# edit of pipeline/ rebuilds nothing here; make's build/issues.mk (read in-process).

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, workflow.basedir)  # this checkout's pipeline, as `python -m` in it finds
from pipeline import archive as basma_archive  # noqa: E402
from pipeline.archive.summary import write_summaries  # noqa: E402
from pipeline.errors import BasmaError  # noqa: E402
from pipeline.stages import BY_NAME, STAGES, TEXT_STAGES  # noqa: E402
from pipeline.stages import Resources as StageResources  # Snakemake has a Resources  # noqa: E402

shell.executable("/bin/bash")  # the Makefile's SHELL
PY = str(config.get("py", ".venv/bin/python"))
KEYS = str(config.get("keys", "full ky ru en")).split()
ARCHIVE_UPTO = str(config.get("archive_upto", "install"))
if ARCHIVE_UPTO not in ("install", "document"):
    raise WorkflowError(f"error: Snakefile: archive_upto={ARCHIVE_UPTO!r} — give install or document")
os.environ["BASMA_PROGRESS"] = "1"  # as the Makefile exports it
SAFE = basma_archive.SAFE_ID.pattern
JOURNAL = "input/journal.yaml"
HAS_JOURNAL = os.path.exists(JOURNAL)


def q(text):
    """A word for the shell, in the Makefile's quotes ('…'); any file name is safe in it."""
    return "'" + str(text).replace("'", "'\\''") + "'"


def outname(aid, key):
    return aid if key == "full" else f"{aid}.{key}"


# --- which articles: the Makefile's ARTICLES, SKIPPED and issue variables -----------------


def _input_folders():
    """input/*/ as make's `find -type d` lists them (links not followed), the archive aside."""
    try:
        entries = sorted(os.scandir("input"), key=lambda e: os.fsencode(e.name))
    except FileNotFoundError:
        return [], []
    names = [e.name for e in entries if e.is_dir(follow_symlinks=False)
             and e.name != basma_archive.ARCHIVE]
    return ([n for n in names if re.fullmatch(SAFE, n)],
            [n for n in names if not re.fullmatch(SAFE, n)])


ARTICLES, SKIPPED = _input_folders()
for _name in SKIPPED:
    print(f"warning: input/{_name!r}: not built — an article folder name is letters, digits, "
          f"\".\", \"_\" and \"-\" (rename it, e.g. to {basma_archive.safe_id(_name)})",
          file=sys.stderr)
SOURCES = {}
for _a in ARTICLES:
    _found = [f"input/{_a}/source.{ext}" for ext in ("pdf", "txt", "docx")
              if os.path.exists(f"input/{_a}/source.{ext}")]
    if _found:
        SOURCES[_a] = _found[0]

# ISSUE_OF_<id>, PREV_OF_<id>, ISSUE_<key>, ISSUES: from the very text make includes.
ISSUE_OF, PREV_OF, ISSUE_ARTICLES, ISSUES = {}, {}, {}, []
if HAS_JOURNAL:
    from pipeline.issue.commands import make_rules

    try:
        _rules = make_rules(Path(JOURNAL))
    except BasmaError as exc:
        raise WorkflowError(exc.one_line()) from None
    for _line in _rules.splitlines():
        _var, _sep, _value = _line.partition(" := ")
        if not _sep:
            continue
        if _var.startswith("ISSUE_OF_"):
            ISSUE_OF[_var[len("ISSUE_OF_"):]] = _value
        elif _var.startswith("PREV_OF_"):
            PREV_OF[_var[len("PREV_OF_"):]] = _value
        elif _var == "ISSUES":
            ISSUES = _value.split()
        elif _var.startswith("ISSUE_"):
            ISSUE_ARTICLES[_var[len("ISSUE_"):]] = _value.split()
IN_ISSUE = [a for a in ARTICLES if a in ISSUE_OF]

ARCHIVE = {(a.year, a.issue, a.id): a for a in basma_archive.find_articles(Path("input"))}


def _alternatives(names):
    """A wildcard pattern matching exactly these names (none: nothing)."""
    return "|".join(re.escape(n) for n in names) or "(?!)"


wildcard_constraints:
    id=SAFE,
    year=SAFE,
    issue=SAFE,
    ikey=_alternatives(ISSUES),


# --- where an article's files are ---------------------------------------------------------


class Layout:
    """input/<id>/ → build/<id>/ → output/<id>/, or an archive PDF's folders.

    Each method takes the job's wildcards; the patterns use {id} (and {year}, {issue})."""

    def __init__(self, prefix, build, output, archive):
        self.prefix, self.B, self.O, self.archive = prefix, build, output, archive

    def b(self, wc):
        return self.B.format(**wc)

    def out(self, wc):
        return self.O.format(**wc)

    def source(self, wc):
        if self.archive:
            return ARCHIVE[(wc.year, wc.issue, wc.id)].source
        return SOURCES[wc.id]

    def article_dir(self, wc):
        return str(Path(self.source(wc)).parent) if self.archive else f"input/{wc.id}"

    def editor(self, wc, name):
        """meta.yaml or corrections.yaml, when the article has one (the archive has none)."""
        path = f"input/{wc.id}/{name}"
        return [] if self.archive or not os.path.exists(path) else [path]

    def translations(self, wc):
        folder = f"input/{wc.id}/translations"
        return None if self.archive or not os.path.isdir(folder) else folder

    def translation_files(self, wc):
        folder = self.translations(wc)
        return sorted(str(p) for p in Path(folder).glob("*.md")) if folder else []

    def in_issue(self, wc):
        return not self.archive and wc.id in ISSUE_OF

    def journal(self, wc):
        return [] if self.archive or not HAS_JOURNAL else [f"build/{wc.id}/journal.json"]

    def doc(self, wc):
        """The document the editions are made from: an issue's article's has no pages yet."""
        return f"{self.b(wc)}/document.json" if self.in_issue(wc) else \
            f"{self.b(wc)}/out/document.json"

    def shell(self, wc, cmd, name):
        """The command as make runs it; the archive's also keep what it said (its log:
        logs/<name>.log) for the summary table (pipeline/archive/summary.py)."""
        if not self.archive:
            return cmd
        return f"set -o pipefail; {{ {cmd}\n}} 2>&1 | tee {q(f'{self.b(wc)}/logs/{name}.log')}"


INPUT = Layout("", "build/{id}", "output/{id}", archive=False)
ARCHIVED = Layout("archive_", "build/archive/{year}/{issue}/{id}",
                  "output/archive/{year}/{issue}/{id}", archive=True)
LAYOUTS = [INPUT, ARCHIVED] if ARCHIVE else [INPUT]


def stage_cmd(stage, args, b, target):
    """The Makefile's STAGE: `$(PY) -m pipeline <stage> … --deps build/<id>/deps/<file>.d`."""
    return f"{PY} -m pipeline {stage} {args} --deps {b}/deps/{os.path.basename(target)}.d"


def pdf_pages(path):
    """A PDF's page count for its OCR time limit (1 when it cannot be read: the stage says why)."""
    if not str(path).lower().endswith(".pdf"):
        return 0
    try:
        import pikepdf

        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - a broken PDF is the extract stage's to report
        return 1


#: Steps that are not stages of the table but make's plumbing around them.
OTHER = {
    # One JVM (-Xmx1g) for an article's EPUBs; a JVM can fail to reserve its heap on a
    # node short of memory, so one more try.
    "epubcheck": StageResources(mem_mb=1536, runtime=10, retries=1),
    "install": StageResources(mem_mb=512, runtime=10),
    "journal": StageResources(mem_mb=1024, runtime=5),
    # The issue: a LuaLaTeX pass for its front matter, pikepdf, epubcheck of its contents.
    "issue": StageResources(mem_mb=3584, runtime=30, retries=1),
}

# Every stage of the table has its rules below; one added to STAGES without them stops here.
MADE_HERE = {"extract", "clean", "segment", "tag", "document", "report", "assets",
             "editions", "pdf", "epub", "indexing"}
_missing = [s.name for s in STAGES if s.name not in MADE_HERE]
if _missing:
    raise WorkflowError(f"error: Snakefile: stage {', '.join(_missing)} of pipeline/stages.py "
                        "has no rule here — add its rule, with the Makefile's command")


def bench(L, name):
    """Every job is timed into build/…/bench/<job>.tsv (with the archive's logs, the only
    files here make does not write): the archive's summary and the throughput bench add
    up the seconds; Snakemake samples the memory, which misses a short job's peak."""
    return f"{L.B}/bench/{name}.tsv"


def logf(L, name):
    return f"{L.B}/logs/{name}.log" if L.archive else []


# --- the articles' rules, from the stage table ----------------------------------------------

for L in LAYOUTS:
    B = L.B

    # extract reads the source; clean, segment and tag each read the stage before.
    for i, st in enumerate(TEXT_STAGES[:4]):
        res = st.resources
        rule:
            name: f"{L.prefix}{st.name}"
            input: (lambda wc, L=L: L.source(wc)) if i == 0 else f"{B}/{TEXT_STAGES[i - 1].output}"
            output: f"{B}/{st.output}"
            log: logf(L, st.name)
            benchmark: bench(L, st.name)
            threads: res.threads
            retries: res.retries
            resources:
                mem_mb=res.mem_mb,
                runtime=(lambda wc, input, res=res: res.runtime
                         + res.runtime_per_page * pdf_pages(input[0])),
            params:
                cmd=lambda wc, input, output, L=L, st=st: L.shell(wc, stage_cmd(
                    st.name, f"{q(input[0])} -o {q(output[0])}", L.b(wc), output[0]), st.name),
            shell: "{params.cmd}"

    # document: tag.json with the editor's files and the journal's fields. An issue's
    # article's is made in build/<id>/ (its published one gets the computed pages).
    res = BY_NAME["document"].resources
    for where in ("out", "issue") if not L.archive else ("out",):
        rule:
            name: f"{L.prefix}document" + ("_for_issue" if where == "issue" else "")
            input:
                tag=f"{B}/tag.json",
                editor=lambda wc, L=L: L.editor(wc, "meta.yaml") + L.editor(wc, "corrections.yaml"),
                journal=lambda wc, L=L: L.journal(wc),
            output: f"{B}/out/document.json" if where == "out" else f"{B}/document.json"
            wildcard_constraints:
                id=(SAFE if L.archive else f"(?!(?:{_alternatives(IN_ISSUE)})$){SAFE}"
                    if where == "out" else _alternatives(IN_ISSUE)),
            log: logf(L, "document")
            benchmark: bench(L, "document")
            threads: res.threads
            retries: res.retries
            resources: mem_mb=res.mem_mb, runtime=res.runtime
            params:
                cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                    "document", f"{q(input.tag)} -o {q(output[0])}"
                    + "".join(f" --meta {q(m)}" for m in L.editor(wc, "meta.yaml"))
                    + "".join(f" --journal {q(j)}" for j in L.journal(wc))
                    + "".join(f" --corrections {q(c)}" for c in L.editor(wc, "corrections.yaml")),
                    L.b(wc), output[0]), "document"),
            shell: "{params.cmd}"

    if L.archive and ARCHIVE_UPTO == "document":
        continue  # the bench's archive: the text stages only

    # assets: every figure's and formula's picture, before the editions that show them.
    res = BY_NAME["assets"].resources
    rule:
        name: f"{L.prefix}assets"
        input:
            doc=lambda wc, L=L: L.doc(wc),
            source=lambda wc, L=L: L.source(wc),
            pictures=lambda wc, L=L: [] if L.archive else sorted(
                str(p) for ext in ("png", "jpg", "jpeg") for p in Path(f"input/{wc.id}").glob(f"*.{ext}")),
        output: f"{B}/assets.stamp"
        log: logf(L, "assets")
        benchmark: bench(L, "assets")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                "assets", f"{q(input.doc)} --source {q(input.source)} --article-dir "
                f"{q(L.article_dir(wc))} --outdir {q(L.b(wc) + '/assets')} -o {q(output[0])}",
                L.b(wc), output[0]) + f"\ntouch {q(output[0])}", "assets"),
        shell: "{params.cmd}"

    # editions: every edition's LaTeX and EPUB source, in one process.
    res = BY_NAME["editions"].resources
    rule:
        name: f"{L.prefix}editions"
        input:
            doc=lambda wc, L=L: L.doc(wc),
            translations=lambda wc, L=L: L.translation_files(wc),
            assets=f"{B}/assets.stamp",
        output:
            stamp=f"{B}/editions.stamp",
            sources=[f"{B}/out/{outname('{id}', k)}.tex" for k in KEYS]
            + [f"{B}/{k}.epub.json" for k in KEYS],
        log: logf(L, "editions")
        benchmark: bench(L, "editions")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                "editions", f"{q(input.doc)} --article {q(wc.id)} --outdir {q(L.b(wc) + '/out')} "
                f"--builddir {q(L.b(wc))}"
                + (f" --translations {q(L.translations(wc))}" if L.translations(wc) else "")
                + f" --dep-target {q(output.stamp)}", L.b(wc), output.stamp)
                + f"\ntouch {q(output.stamp)}", "editions"),
        shell: "{params.cmd}"

    # pdf and epub: one rule per edition, as make's EDITION.
    for k in KEYS:
        res = BY_NAME["pdf"].resources
        rule:
            name: f"{L.prefix}pdf_{k}"
            input:
                tex=f"{B}/out/{outname('{id}', k)}.tex",
                pages=lambda wc, L=L, k=k: [f"build/{wc.id}/pages.json"]
                if k != "full" and L.in_issue(wc) else [],
            output: f"{B}/out/{outname('{id}', k)}.pdf"
            log: logf(L, f"pdf-{k}")
            benchmark: bench(L, f"pdf-{k}")
            threads: res.threads
            retries: res.retries
            resources: mem_mb=res.mem_mb, runtime=res.runtime
            params:
                cmd=lambda wc, input, output, L=L, k=k: L.shell(wc, stage_cmd(
                    "pdf", f"{q(input.tex)} --workdir {q(L.b(wc) + '/tex-' + k)}"
                    + "".join(f" --journal-pages {q(p)}" for p in input.pages)
                    + f" -o {q(output[0])}", L.b(wc), output[0]), f"pdf-{k}"),
            shell: "{params.cmd}"

        res = BY_NAME["epub"].resources
        rule:
            name: f"{L.prefix}epub_{k}"
            input: f"{B}/{k}.epub.json"
            output: f"{B}/epub/{outname('{id}', k)}.epub"
            log: logf(L, f"epub-{k}")
            benchmark: bench(L, f"epub-{k}")
            threads: res.threads
            retries: res.retries
            resources: mem_mb=res.mem_mb, runtime=res.runtime
            params:
                cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                    "epub", f"{q(input[0])} -o {q(output[0])}", L.b(wc), output[0]), f"epub-{k}"),
            shell: "{params.cmd}"

    # The report comes after the PDFs: it lists their typesetting warnings.
    res = BY_NAME["report"].resources
    rule:
        name: f"{L.prefix}report"
        input:
            doc=f"{B}/out/document.json",
            cleaned=f"{B}/clean.json",
            pdfs=[f"{B}/out/{outname('{id}', k)}.pdf" for k in KEYS],
        output: f"{B}/out/cleaning-report.html"
        log: logf(L, "report")
        benchmark: bench(L, "report")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                "report", f"{q(input.doc)} --cleaned {q(input.cleaned)} --problems "
                + " ".join(q(f"{L.b(wc)}/tex-{k}/{outname(wc.id, k)}.problems") for k in KEYS)
                + f" -o {q(output[0])}", L.b(wc), output[0]), "report"),
        shell: "{params.cmd}"

    # The EPUBs are checked together, in one JVM; only those that pass are staged.
    res = OTHER["epubcheck"]
    rule:
        name: f"{L.prefix}epubcheck"
        input: [f"{B}/epub/{outname('{id}', k)}.epub" for k in KEYS]
        output:
            stamp=f"{B}/epubcheck.stamp",
            staged=[f"{B}/out/{outname('{id}', k)}.epub" for k in KEYS],
        log: logf(L, "epubcheck")
        benchmark: bench(L, "epubcheck")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output, L=L: L.shell(
                wc, f"{PY} -m pipeline epubcheck " + " ".join(q(e) for e in input)
                + f" --into {q(L.b(wc) + '/out')} -o {q(output.stamp)}", "epubcheck"),
        shell: "{params.cmd}"

    # JATS, Crossref, DOAJ, eLibrary XML and the web pages, in one process.
    res = BY_NAME["indexing"].resources
    rule:
        name: f"{L.prefix}indexing"
        input:
            doc=f"{B}/out/document.json",
            journal=[] if L.archive or not HAS_JOURNAL else [JOURNAL],
            translations=lambda wc, L=L: L.translation_files(wc),
            assets=f"{B}/assets.stamp",
        output: f"{B}/indexing.stamp"
        log: logf(L, "indexing")
        benchmark: bench(L, "indexing")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output, L=L: L.shell(wc, stage_cmd(
                "indexing", f"{q(input.doc)} --article {q(wc.id)} --outdir {q(L.b(wc) + '/out')}"
                + "".join(f" --journal {q(j)}" for j in input.journal)
                + (f" --translations {q(L.translations(wc))}" if L.translations(wc) else "")
                + f" --dep-target {q(output[0])}", L.b(wc), output[0])
                + f"\ntouch {q(output[0])}", "indexing"),
        shell: "{params.cmd}"

    # The staged set replaces output/<id>/ as one (pipeline/install.py).
    res = OTHER["install"]
    rule:
        name: f"{L.prefix}install"
        input:
            [f"{B}/out/document.json", f"{B}/out/cleaning-report.html"]
            + [f"{B}/out/{outname('{id}', k)}.{ext}" for k in KEYS for ext in ("tex", "pdf", "epub")]
            + [f"{B}/indexing.stamp"],
        output: f"{L.O}/.basma-installed"
        log: logf(L, "install")
        benchmark: bench(L, "install")
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, L=L: L.shell(
                wc, f"{PY} -m pipeline install {q(L.b(wc) + '/out')} {q(L.out(wc))}", "install"),
        shell: "{params.cmd}"


# An article folder without a source: make's build-<id> error, the same line.
if set(ARTICLES) - set(SOURCES):
    rule no_source:
        output: "output/{id}/.basma-installed"
        wildcard_constraints:
            id=_alternatives(sorted(set(ARTICLES) - set(SOURCES))),
        shell: "echo \"error: input/{wildcards.id}: no source file (source.pdf, source.txt or "
               "source.docx) — put the article's file there\" >&2; exit 1"

    ruleorder: no_source > install


# --- journal issues: make's JOURNAL_ARTICLE, ISSUE_ARTICLE and ISSUE ------------------------

if HAS_JOURNAL:
    res = OTHER["journal"]

    rule journal:
        input:
            journal=JOURNAL,
            prev=lambda wc: [f"build/{PREV_OF[wc.id]}/pages.json"]
            if PREV_OF.get(wc.id) in ARTICLES else [],
        output:
            stamp="build/{id}/journal.stamp",
            json="build/{id}/journal.json",
        wildcard_constraints:
            id=_alternatives(ARTICLES),
        threads: res.threads
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, output: f"{PY} -m pipeline.issue journal {JOURNAL} --article "
            f"{q(wc.id)} --build build -o {q(output.json)} --deps "
            f"{q(f'build/{wc.id}/deps/journal.json.d')} --dep-target {q(output.stamp)}"
            f"\ntouch {q(output.stamp)}",
        shell: "{params.cmd}"

    rule pages:
        input:
            pdf="build/{id}/out/{id}.pdf",
            journal="build/{id}/journal.json",
        output:
            stamp="build/{id}/pages.stamp",
            json="build/{id}/pages.json",
        wildcard_constraints:
            id=_alternatives(IN_ISSUE),
        threads: res.threads
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output: f"{PY} -m pipeline.issue pages {q(input.pdf)} "
            f"--journal {q(input.journal)} -o {q(output.json)} --deps "
            f"{q(f'build/{wc.id}/deps/pages.json.d')} --dep-target {q(output.stamp)}"
            f"\ntouch {q(output.stamp)}",
        shell: "{params.cmd}"

    rule issue_document:
        input:
            doc="build/{id}/document.json",
            pages="build/{id}/pages.json",
        output: "build/{id}/out/document.json"
        wildcard_constraints:
            id=_alternatives(IN_ISSUE),
        threads: res.threads
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, input, output: f"{PY} -m pipeline.issue document {q(input.doc)} "
            f"--pages {q(input.pages)} -o {q(output[0])} --deps "
            f"{q(f'build/{wc.id}/deps/document.json.d')} --dep-target {q(output[0])}",
        shell: "{params.cmd}"

    res = OTHER["issue"]

    rule issue:
        input:
            journal=JOURNAL,
            articles=lambda wc: [f for a in ISSUE_ARTICLES[wc.ikey] for f in (
                f"build/{a}/pages.json", f"build/{a}/out/document.json",
                f"build/{a}/indexing.stamp", f"build/{a}/out/{a}.pdf")],
        output: "build/issue-{ikey}/issue.stamp"
        threads: res.threads
        retries: res.retries
        resources: mem_mb=res.mem_mb, runtime=res.runtime
        params:
            cmd=lambda wc, output: f"{PY} -m pipeline.issue build {JOURNAL} --issue "
            f"{q(wc.ikey)} --build build -o {q(f'build/issue-{wc.ikey}/out')} --deps "
            f"{q(f'build/issue-{wc.ikey}/deps/issue.d')} --dep-target {q(output[0])}"
            f"\ntouch {q(output[0])}",
        shell: "{params.cmd}"

    rule issue_install:
        input: "build/issue-{ikey}/issue.stamp"
        output: "output/issue-{ikey}/.basma-installed"
        resources: mem_mb=OTHER["install"].mem_mb, runtime=OTHER["install"].runtime
        params:
            cmd=lambda wc: f"{PY} -m pipeline install {q(f'build/issue-{wc.ikey}/out')} "
            f"{q(f'output/issue-{wc.ikey}')}",
        shell: "{params.cmd}"

    ruleorder: issue_install > install
    ruleorder: issue_document > document


# --- targets ----------------------------------------------------------------------------


rule all:
    default_target: True
    input:
        [f"output/{a}/.basma-installed" for a in ARTICLES]
        + [f"output/issue-{i}/.basma-installed" for i in ISSUES],


def _archive_done(a):
    return (f"{a.build}/out/document.json" if ARCHIVE_UPTO == "document"
            else f"{a.output}/.basma-installed")


# The back catalogue: each issue's summary table is written when the run ends, failed
# articles and all (run with --keep-going: one bad PDF does not stop the others).
rule archive:
    input:
        [_archive_done(a) for a in ARCHIVE.values()],


def _summaries(_log=None):
    if ARCHIVE and "archive" in {str(t) for t in workflow.dag_settings.targets}:
        for path in write_summaries(list(ARCHIVE.values()), ARCHIVE_UPTO):
            print(f"archive summary: {path}", file=sys.stderr)


onsuccess:
    _summaries()


onerror:
    _summaries()
