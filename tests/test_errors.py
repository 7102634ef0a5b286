"""Bad input, hostile text and faults: a clear error and nothing lost (issue).

Every case runs ``python -m pipeline build PATH -o OUTDIR`` in a subprocess, the
way an editor does, and checks three things:

* the exit code (non-zero for an error);
* the message: stderr is exactly one line ``error: <file>: <what is wrong> — <what
  to do>``, never a traceback or an "internal error";
* nothing lost: the output folder already holds a previous build (files named like
  the outputs, of known content, and a file of the editor's); after a failed build
  the whole case folder, that output folder included, is byte-identical, and after
  a good build only the outputs changed.

All builds run once, in parallel, in the ``runs`` fixture; the tests then look at
the results. At the end the module prints a table of every case and its message.

Few cases build fully (each typesets four editions): where only the document model
matters (encodings, NUL bytes, a 1 MB line, OCR) the test runs the text stages of
the stage table in this process instead (``text_stages``), as ``build`` runs them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pdfgen
import pytest
from conftest import ROOT, SEED_ID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli
from pipeline.errors import BasmaError
from pipeline.model import document_from_json, to_json, validate
from pipeline.stages import TEXT_STAGES, run_text_stages
from pipeline.writers.editions import output_name

SEED = ROOT / "input" / SEED_ID / "source.txt"
EPOCH = "1767225600"
#: ``error: <file>: <what is wrong> — <what to do>``
MESSAGE = re.compile(r"^error: (?P<file>\S.*?): (?P<what>\S.*?) — (?P<todo>\S.*)$")
#: Output names that cannot point outside their folder.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
EDITIONS = ("", ".ky", ".ru", ".en")
#: What the editor keeps in an output folder; no build may touch it.
EDITORS_FILE = "editor-notes.txt"
#: The exit status recorded for a build the test had to stop.
TIMED_OUT = -9


def output_names(stem: str) -> set[str]:
    names = {"document.json", "cleaning-report.html"}
    return names | {f"{stem}{key}.{ext}" for key in EDITIONS for ext in ("pdf", "epub", "tex")}


# --- inputs ------------------------------------------------------------------------------

TITLE = "Кыргызстандагы заманбап билим берүүнүн тенденциялары"
SMALL = f"""{TITLE}

Аннотация: Макалада заманбап билим берүүнүн негизги тенденциялары каралат: \
гумандаштыруу, демократиялаштыруу жана маалыматташтыруу.

Билим берүү системасы тез өзгөрүүдө. Мугалимдер жаңы технологияларды колдонушат, \
студенттер онлайн курстарда окушат.

Кыргыз Республикасынын Конституциясына ылайык, ар бир адам билим алууга укуктуу, \
ал эми билим берүү системасы бул укукту ишке ашыруу үчүн шарттарды түзөт.
"""

#: A unique file the hostile text asks TeX to create; it must never exist.
PWNED = f"/tmp/pwned-{uuid.uuid4().hex[:12]}"
HOSTILE_TOKENS = (
    r"\input{/etc/passwd}",
    rf"\write18{{touch {PWNED}}}",
    r"\catcode",
    r"\end{document}",
    "$$ x $$",
    "50%",
    "A & B",
    "#1",
    "a_b",
    "x^2",
    "^^5c",
    "~",
    "{кашаа}",
    "<script>alert(1)</script>",
)
HOSTILE = "\n\n".join([
    "Текст коопсуздугу: 100% & #1",
    r"Аннотация: Бул макалада текстте кездешкен атайын белгилер каралат: \input{/etc/passwd}"
    r" жана <script>alert(1)</script> белгилери өзгөрүүсүз басылышы керек.",
    rf"Мугалимдер \write18{{touch {PWNED}}} сыяктуу буйруктарды, \catcode белгисин жана"
    r" \end{document} сабын текст катары көрүшү керек. Студенттер бул белгилерди окуп"
    r" үйрөнүшөт.",
    r"Математикада $$ x $$ белгиси, 50% пайыз, A & B, #1 номер, a_b, x^2, ^^5c, ~ тилде жана"
    r" {кашаа} колдонулат. Бул белгилердин баары басылып чыгышы керек.",
    r"Веб-баракчада <script>alert(1)</script> коду иштебеши керек, ал жөн гана текст."
    r" Ошондуктан окурман аны көрөт, бирок браузер аны аткарбайт.",
]) + "\n"

#: What cp1251 and KOI8-R lack (ҥ ү ө ң, and in KOI8-R – — « »), typed as a legacy
#: file would have it: the seed's legacy version is this text in either encoding.
LEGACY = str.maketrans({"ҥ": "у", "ү": "у", "Ү": "У", "ө": "о", "Ө": "О", "ң": "н", "Ң": "Н",
                        "–": "-", "—": "-", "«": '"', "»": '"'})


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def legacy_text() -> str:
    return seed_text().translate(LEGACY)


def long_line() -> str:
    """One line of 1 MB (UTF-8) of Kyrgyz sentences, without a line break."""
    words = " ".join(text for role, text in pdfgen.sample_blocks() if role == "paragraph")
    text = ""
    while len(text.encode("utf-8")) < 2**20:
        text += words + " "
    raw = text.encode("utf-8")[: 2**20]
    return raw.decode("utf-8", errors="ignore").rsplit(" ", 1)[0] + "."


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def article(folder: Path, source: str | bytes = SMALL, **files: str | bytes) -> Path:
    """An article folder: source.txt and other files (meta.yaml, corrections.yaml …)."""
    write(folder / "source.txt", source)
    for name, data in files.items():
        write(folder / name.replace("_", "."), data)
    return folder


def path_without(dest: Path, *missing: str) -> Path:
    """A PATH folder with links to every program on PATH except ``missing``."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or not Path(folder).is_dir():
            continue
        for entry in os.scandir(folder):
            link = dest / entry.name
            if entry.name in missing or link.exists() or link.is_symlink():
                continue
            link.symlink_to(entry.path)
    return dest


# --- cases -------------------------------------------------------------------------------


@dataclass
class Case:
    """One bad (or tricky) input and what the build must do with it."""

    name: str
    #: Makes the input (given the cwd and the fixtures); returns the PATH argument.
    setup: Callable[[Path, Path], str]
    #: The output stem (article id) the previous build's files are named after.
    stem: str
    #: The exit status; None: either builds (0) or refuses with a clear error (1).
    status: int | None = 1
    #: What the message's <file> must end with, and a regex for <what is wrong>.
    file: str | None = None
    what: str = ""
    #: A program the build must run without (simulates it not being installed).
    without: str | None = None
    #: Pass ``-o out``; otherwise the build picks ``output/<id>`` itself.
    output: bool = True
    cwd: str = "."
    slow: bool = False
    needs: tuple[str, ...] = ()
    #: Seconds before the build counts as hung and is stopped.
    timeout: int = 300

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-")

    def outdir(self, cwd: Path) -> Path:
        return cwd / ("out" if self.output else f"output/{self.stem}")

    def missing(self) -> str | None:
        return missing(*self.needs)


def missing(*programs: str) -> str | None:
    """Why a case needing ``programs`` cannot run here, or None."""
    for program in programs:
        if not shutil.which(program):
            return f"{program} is not installed"
    if "tesseract" in programs:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True,
                               text=True).stdout.split()
        if "kir" not in langs:
            return "tesseract has no Kyrgyz (kir) data"
    return None


def _copy(fixture: str, name: str) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        shutil.copyfile(fixtures / fixture, cwd / name)
        return name
    return setup


def _file(name: str, data: Callable[[], str | bytes] | str | bytes
          ) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        write(cwd / name, data() if callable(data) else data)
        return name
    return setup


def _article(name: str, **files: str | bytes) -> Callable[[Path, Path], str]:
    def setup(cwd: Path, fixtures: Path) -> str:
        article(cwd / name, **files)
        return name
    return setup


def _up_two(cwd: Path, fixtures: Path) -> str:
    write(cwd.parent.parent / "x.txt", SMALL)
    return "../../x.txt"


META_SYNTAX = """language: ky
title:
  ky: Билим: берүү
  ru: Образование
volume: 12
"""
META_TYPE = """# The editor's metadata.
language: ky
title:
  ky: Билим берүү
volume: "abc"
year: 2026
"""
META_LANG = """# The editor's metadata.
language: xx
title:
  ky: Билим берүү
"""
CORRECTIONS = """# The editor's fixes: the first matches once, the second nothing.
- find: "Конституциясына"
  replace: "Конституциясына"
  note: a fix that applies
- find: "бул сөз текстте жок"
  replace: "x"
  note: a fix that matches nothing
"""
NUL_SCATTERED = (SMALL.replace("Мугалимдер", "Мугалим\x00дер")
                 .replace("студенттер", "\x00\x00студенттер").encode("utf-8"))
NUL_HEAVY = b"\x00\x00\x00\x00".join(SMALL.encode("utf-8")[i:i + 8]
                                       for i in range(0, len(SMALL.encode("utf-8")), 8))

CASES: list[Case] = [
    # -- sources that are no article ---------------------------------------------------
    Case("empty text file", _file("empty.txt", b""), "empty", file="empty.txt",
         what="empty"),
    Case("empty text file with a BOM", _file("notepad.txt", b"\xef\xbb\xbf\r\n"), "notepad",
         file="notepad.txt", what="empty"),
    Case("zero-byte PDF", _file("zero-bytes.pdf", b""), "zero-bytes", file="zero-bytes.pdf",
         what="empty"),
    Case("truncated PDF", _copy("truncated.pdf", "truncated.pdf"), "truncated",
         file="truncated.pdf", what=r"^(?!.*Exception).*(damaged|incomplete|cut off)"),
    Case("PNG renamed .pdf", _copy("image.png", "scan.pdf"), "scan", file="scan.pdf",
         what="image"),
    Case("encrypted PDF", _copy("encrypted.pdf", "encrypted.pdf"), "encrypted",
         file="encrypted.pdf", what="encrypted|password"),
    Case("PDF without pages", _copy("zero-pages.pdf", "zero-pages.pdf"), "zero-pages",
         file="zero-pages.pdf", what="no pages"),
    Case("PDF of one blank page", _copy("blank.pdf", "blank.pdf"), "blank", file="blank.pdf",
         what="no text"),
    Case("image-only PDF, no OCR installed", _copy("image-only.pdf", "scan.pdf"), "scan",
         file="scan.pdf", what="OCR|tesseract", without="tesseract"),
    Case("text mostly NUL bytes", _file("binary.txt", NUL_HEAVY), "binary",
         file="binary.txt", what="not a PDF or a text"),
    # -- odd text ----------------------------------------------------------------------
    # -- the editor's files ------------------------------------------------------------
    Case("meta.yaml not YAML", _article("meta-syntax", meta_yaml=META_SYNTAX), "meta-syntax",
         file="meta-syntax/meta.yaml", what=r"^line 3: .*YAML"),
    Case("meta.yaml volume: \"abc\"", _article("meta-type", meta_yaml=META_TYPE), "meta-type",
         file="meta-type/meta.yaml", what=r"^line 5: volume: 'abc' is not a whole number"),
    Case("meta.yaml language: xx", _article("meta-lang", meta_yaml=META_LANG), "meta-lang",
         file="meta-lang/meta.yaml", what=r"^line 2: language: .*'xx'"),
    Case("meta.yaml not UTF-8",
         _article("meta-cp1251", meta_yaml="language: ky\ntitle:\n  ru: Образование\n"
                  .encode("cp1251")),
         "meta-cp1251", file="meta-cp1251/meta.yaml", what="UTF-8|encoding"),
    Case("corrections.yaml entry matches nothing",
         _article("corrections", corrections_yaml=CORRECTIONS), "corrections",
         file="corrections/corrections.yaml", what=r"^line 5: .*matches nothing"),
    # -- hostile text and names --------------------------------------------------------
    # The only cases that build fully (four editions typeset): where the outputs go, and
    # what they hold, is what they test.
    Case("hostile LaTeX/HTML text", _file("hostile.txt", HOSTILE), "hostile", status=0,
         slow=True),
    Case("folder ..%2F..%2Fx", _article("..%2F..%2Fx"), cli.safe_id("..%2F..%2Fx"), status=0,
         slow=True),
    Case("file ../../x.txt, default output", _up_two, "x", status=0, output=False,
         cwd="ws/a", slow=True),
    # -- faults ------------------------------------------------------------------------
    Case("LuaLaTeX not installed", _file("small.txt", SMALL), "small", what="LuaLaTeX|lualatex",
         without="lualatex"),
]


# --- running -----------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder`` (hidden ones too) with its bytes."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_dir():
            out[rel + "/"] = b""
        else:
            out[rel] = path.read_bytes()
    return out


def previous_build(outdir: Path, stem: str) -> None:
    """Files of an earlier build (known content) and one of the editor's."""
    for name in sorted(output_names(stem)) + [f"{stem}.log"]:
        write(outdir / name, f"previous build: {name}\n".encode() + bytes(range(256)))
    write(outdir / EDITORS_FILE, "Басмага 2026-03-01 жөнөтүлдү.\n")


@dataclass
class Run:
    case: Case
    root: Path
    cwd: Path
    outdir: Path
    before: dict[str, bytes]
    after: dict[str, bytes]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def message(self) -> str:
        lines = self.stderr.strip().splitlines()
        if self.returncode == 0:
            return "ok: " + (self.stdout.strip().splitlines() or ["(no output path)"])[-1]
        if not lines:
            return "(stderr empty)"
        extra = f" [+{len(lines) - 1} more stderr lines]" if len(lines) > 1 else ""
        return lines[-1] + extra

    def changed(self) -> set[str]:
        keys = self.before.keys() | self.after.keys()
        return {k for k in keys if self.before.get(k) != self.after.get(k)}


def run_case(case: Case, root: Path, fixtures: Path, paths: Path) -> Run:
    root.mkdir(parents=True)
    cwd = root / case.cwd
    cwd.mkdir(parents=True, exist_ok=True)
    arg = case.setup(cwd, fixtures)
    outdir = case.outdir(cwd)
    previous_build(outdir, case.stem)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASMA_")}
    env.update(SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    if case.without:
        env["PATH"] = str(path_without(paths / f"without-{case.without}", case.without))
    cmd = [sys.executable, "-m", "pipeline", "build", arg]
    if case.output:
        cmd += ["-o", str(outdir.relative_to(cwd))]
    before = snapshot(root)
    started = time.monotonic()
    # A session of its own, so a build that hangs is stopped with everything it started.
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=case.timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        status = TIMED_OUT
        stderr = (stderr.rstrip("\n") + "\n" if stderr.strip() else "") + (
            f"(test) the build was stopped after {case.timeout} s")
    seconds = time.monotonic() - started
    return Run(case, root, cwd, outdir, before, snapshot(root), status, stdout, stderr,
               seconds)


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> Path:
    return make_fixtures(tmp_path_factory.mktemp("errors-fixtures") / "pdfs")


def make_fixtures(folder: Path) -> Path:
    """The PDFs the cases copy, generated once (tests/pdfgen.py)."""
    folder.mkdir(parents=True)
    pdfgen.make_pdf(folder / "two-pages.pdf", pdfgen.sample_blocks())
    pdfgen.make_pdf(folder / "one-page.pdf", OCR_BLOCKS)
    pdfgen.truncated(folder / "two-pages.pdf", folder / "truncated.pdf")
    pdfgen.encrypted(folder / "one-page.pdf", folder / "encrypted.pdf")
    pdfgen.not_a_pdf_png(folder / "image.png")
    pdfgen.zero_page_pdf(folder / "zero-pages.pdf")
    blank = pdfgen.Canvas(str(folder / "blank.pdf"))  # a page with nothing on it
    blank.showPage()
    blank.save()
    if shutil.which("pdftoppm"):
        pdfgen.image_only(folder / "one-page.pdf", folder / "image-only.pdf")
    return folder


#: The one page the OCR case scans: the title and the Kyrgyz abstract.
OCR_BLOCKS = pdfgen.sample_blocks()[:2]


def print_table(config: pytest.Config, runs: dict[str, Run]) -> None:
    lines = [f"{'case':<40} {'exit':>4} {'time':>6}  message"]
    for case in CASES:
        run = runs.get(case.name)
        if run is None:
            lines.append(f"{case.name:<40} {'-':>4} {'-':>6}  skipped: {case.missing()}")
            continue
        lines.append(f"{case.name:<40} {run.returncode:>4} {run.seconds:>5.1f}s  {run.message}")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    # Shown whether or not a test failed (module teardown output is captured otherwise).
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is None:
            print("\n".join(lines))
            return
        reporter.write_line("")
        reporter.write_sep("-", "bad input: every case and its message")
        for line in lines:
            reporter.write_line(line)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request, fixtures) -> dict[str, Run]:
    """Every runnable case built once; long builds first, two (or more) at a time."""
    base = tmp_path_factory.mktemp("errors")
    active = [c for c in CASES if c.missing() is None]
    active.sort(key=lambda c: not c.slow)
    workers = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {c.name: pool.submit(run_case, c, base / "cases" / c.slug, fixtures,
                                       base / "paths") for c in active}
        results = {name: f.result() for name, f in futures.items()}
    request.addfinalizer(lambda: print_table(request.config, results))
    return results


def get(runs: dict[str, Run], name: str) -> Run:
    if name not in runs:
        case = next(c for c in CASES if c.name == name)
        pytest.skip(case.missing() or "not run")
    return runs[name]


def blocks(run: Run) -> list[dict]:
    assert run.returncode == 0, run.message
    return json.loads((run.outdir / "document.json").read_text(encoding="utf-8"))["blocks"]


# --- the table: exit code, message, nothing lost ----------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_case(case: Case, runs):
    run = get(runs, case.name)
    problems: list[str] = []
    if "Traceback" in run.stderr + run.stdout:
        problems.append("a traceback was printed")
    if case.status == 0 or case.status is None and run.returncode == 0:
        if run.returncode != 0:
            problems.append(f"exit {run.returncode}, expected 0: {run.stderr.strip()[-1500:]}")
        outdir = run.outdir.relative_to(run.root).as_posix() + "/"
        outside = sorted(p for p in run.changed() if not p.startswith(outdir))
        if outside:
            problems.append(f"wrote outside the output folder: {outside}")
        if run.returncode == 0:
            now = sorted(p.name for p in run.outdir.iterdir())
            expected = output_names(case.stem)
            if not expected <= set(now):
                problems.append(f"outputs missing: {sorted(expected - set(now))}")
            stale = [n for n in expected if run.after.get(outdir + n) == run.before.get(outdir + n)]
            if stale:
                problems.append(f"outputs not rewritten: {sorted(stale)}")
            hidden = [n for n in now if n.startswith(".")]
            if hidden:
                problems.append(f"temporary files left in the output folder: {hidden}")
            unsafe = [n for n in now if not SAFE_NAME.fullmatch(n)]
            if unsafe:
                problems.append(f"unsafe output names: {unsafe}")
        if run.after.get(outdir + EDITORS_FILE) != run.before[outdir + EDITORS_FILE]:
            problems.append(f"the editor's {EDITORS_FILE} was changed or removed")
    else:
        lines = run.stderr.splitlines()
        status = 1 if case.status is None else case.status
        if run.returncode != status:
            expected = f"{status}" if case.status else "0, or 1 with a clear error"
            problems.append(f"exit {run.returncode}, expected {expected}")
        if len(lines) != 1:
            problems.append(f"stderr has {len(lines)} lines, not one: {lines[:6]}")
        message = lines[-1] if lines else ""
        m = MESSAGE.match(message)
        if not m:
            problems.append(f"not `error: <file>: <what is wrong> — <what to do>`: {message!r}")
        else:
            if "internal error" in message:
                problems.append(f"an internal error, not a clear one: {message!r}")
            if case.file and not m["file"].endswith(case.file):
                problems.append(f"the message names {m['file']!r}, not {case.file!r}")
            if case.what and not re.search(case.what, m["what"]):
                problems.append(f"<what is wrong> {m['what']!r} does not match {case.what!r}")
        changed = sorted(run.changed())
        if changed:
            problems.append(f"the failed build changed files: {changed}")
    assert not problems, f"{case.name}: " + "; ".join(problems)


# --- encodings ---------------------------------------------------------------------------


#: The seed in other encodings. cp1251 and KOI8-R cannot hold ҥ ү ө ң (KOI8-R not even
#: – « »): their version spells those as a legacy file would (у о н, - "), and is
#: compared with the UTF-8 text of exactly that.
ENCODED = {
    "seed UTF-8": lambda: seed_text().encode("utf-8"),
    "seed UTF-16 with BOM": lambda: seed_text().encode("utf-16"),
    "seed UTF-16LE without BOM": lambda: seed_text().encode("utf-16-le"),
    "legacy seed UTF-8": lambda: legacy_text().encode("utf-8"),
    "legacy seed cp1251": lambda: legacy_text().encode("cp1251"),
    "legacy seed KOI8-R": lambda: legacy_text().encode("koi8_r"),
}


def text_stages(src: Path) -> dict:
    """document.json's content for one source: the stage table's text stages, run in
    this process the way ``build`` runs them."""
    return json.loads(to_json(run_text_stages(src)))


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> dict[str, list[dict]]:
    folder = tmp_path_factory.mktemp("encodings")
    return {name: text_stages(write(folder / f"{re.sub(r'[^A-Za-z0-9]+', '-', name)}.txt",
                                    data()))["blocks"] for name, data in ENCODED.items()}


@pytest.mark.parametrize("variant, reference", [
    ("seed UTF-16 with BOM", "seed UTF-8"),
    ("seed UTF-16LE without BOM", "seed UTF-8"),
    ("legacy seed cp1251", "legacy seed UTF-8"),
    ("legacy seed KOI8-R", "legacy seed UTF-8"),
])
def test_encodings_give_the_same_document(encoded, variant, reference):
    assert encoded[variant] == encoded[reference]


# --- odd text ----------------------------------------------------------------------------


def test_nul_bytes_are_dropped_and_recorded(tmp_path):
    doc = text_stages(write(tmp_path / "nul.txt", NUL_SCATTERED))
    text = "\n".join(b["text"] for b in doc["blocks"])
    assert "\x00" not in text
    assert "Мугалимдер" in text and "студенттер" in text
    recorded = [c for c in doc.get("changes", []) if "\x00" in c["before"]]
    assert len(recorded) == 2, doc.get("changes")


def test_one_megabyte_line_is_kept_whole(tmp_path):
    """One paragraph of 1 MB: the cleaner must neither hang nor drop text (typesetting
    it would only measure TeX)."""
    doc = text_stages(write(tmp_path / "long.txt", long_line() + "\n"))
    text = " ".join(" ".join(b["text"] for b in doc["blocks"]).split())
    source = " ".join(long_line().split())
    assert len(text) >= 0.99 * len(source)
    assert source[:300] in text and source[-300:] in text


@pytest.mark.skipif(bool(missing("tesseract", "pdftoppm")),
                    reason=str(missing("tesseract", "pdftoppm")))
def test_ocr_reads_an_image_only_pdf(fixtures):
    text = "\n".join(b["text"] for b in text_stages(fixtures / "image-only.pdf")["blocks"])
    expected = "\n".join(pdfgen.split_label(t)[1] for _, t in OCR_BLOCKS)
    assert pdfgen.word_accuracy(expected, text) >= 0.9, text


# --- hostile text --------------------------------------------------------------------------


def _squash(text: str) -> str:
    """Whitespace as single spaces; a line broken after a hyphen joined again."""
    return re.sub(r"(?<=-) ", "", " ".join(text.split()))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def xhtml_trees(path: Path) -> list[tuple[str, ET.Element]]:
    with zipfile.ZipFile(path) as z:
        return [(n, ET.fromstring(z.read(n))) for n in z.namelist() if n.endswith(".xhtml")]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext missing")
def test_hostile_text_is_printed_literally(runs):
    run = get(runs, "hostile LaTeX/HTML text")
    assert run.returncode == 0, run.message
    assert not Path(PWNED).exists(), "\\write18 ran a shell command"
    for key in ("", ".ky"):
        pdf = _squash(pdf_text(run.outdir / f"hostile{key}.pdf"))
        missing = [t for t in HOSTILE_TOKENS if t not in pdf]
        assert not missing, f"hostile{key}.pdf lacks {missing}: {pdf[:1500]}"
        assert "root:x:0:0" not in pdf, "/etc/passwd was read into the PDF"
        trees = xhtml_trees(run.outdir / f"hostile{key}.epub")
        epub = _squash(" ".join("".join(t.itertext()) for _, t in trees))
        missing = [t for t in HOSTILE_TOKENS if t not in epub]
        assert not missing, f"hostile{key}.epub lacks {missing}"
        scripts = [n for n, t in trees for e in t.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
        assert not scripts, f"a <script> element in {scripts}"


def test_plain_text_keeps_title_abstract_and_paragraphs(runs):
    """The hostile article is an ordinary text file: one paragraph per line, blank lines
    between. Its title, abstract and three body paragraphs must stay apart."""
    got = blocks(get(runs, "hostile LaTeX/HTML text"))
    roles = [b["role"] for b in got]
    assert roles[:2] == ["title", "abstract"], [(b["role"], b["text"][:60]) for b in got]
    assert roles.count("paragraph") == 3, [(b["role"], b["text"][:60]) for b in got]


def test_hostile_epubs_pass_epubcheck(runs, epubchecker):
    run = get(runs, "hostile LaTeX/HTML text")
    assert run.returncode == 0, run.message
    verdicts = epubchecker.check(*(run.outdir / f"hostile{k}.epub" for k in EDITIONS))
    failed = [v.report() for v in verdicts if not v.ok]
    assert not failed, "\n".join(failed)


# --- names --------------------------------------------------------------------------------


def test_hostile_folder_name_stays_in_the_output_folder(runs):
    run = get(runs, "folder ..%2F..%2Fx")
    assert run.returncode == 0, run.message
    stem = cli.safe_id("..%2F..%2Fx")
    assert SAFE_NAME.fullmatch(stem) and ".." not in stem
    written = run.changed()
    assert all(p.startswith("out/") and "/" not in p[4:] for p in written), sorted(written)
    assert {p[4:] for p in written} >= output_names(stem)
    assert not (run.cwd / "output").exists(), "wrote to output/ despite -o"


def test_relative_path_up_builds_into_the_working_folder(runs):
    run = get(runs, "file ../../x.txt, default output")
    assert run.returncode == 0, run.message
    assert run.stdout.strip().splitlines()[-1] == "output/x"
    outside = [p for p in run.changed() if not p.startswith("ws/a/output/x/")]
    assert not outside, outside


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_safe_id_never_leaves_the_folder(name):
    ident = cli.safe_id(name)
    assert SAFE_NAME.fullmatch(ident), ident
    assert ".." not in ident
    folder = Path("/srv/out")
    for key in ("full", "ky"):
        target = folder / output_name(ident, key, "pdf")
        assert target.parent == folder and not target.name.startswith(".")


@pytest.mark.parametrize("name", ["..", "../../etc/passwd", ".hidden", "-rf", "a/../../b",
                                  "..%2F..%2Fx", "x\x00y", "Тест.txt", "..\\..\\x", "", "~"])
def test_safe_id_examples(name):
    ident = cli.safe_id(name)
    assert SAFE_NAME.fullmatch(ident) and ".." not in ident, ident


# --- the document model never crashes ------------------------------------------------------

PIECES = st.sampled_from([
    "Аннотация:", "Аннотация: ", "Annotation:", "Ключевые слова:", "Ачкыч сөздөр:",
    "Keywords:", "Адабияттар", "Список литературы", "References", "[1]", "[12]", "1.", "2)",
    "– ", "• ", "Билим берүү ", "системасында ", "образование ", "education ", "УДК 37",
    "\n", "\n\n", " \n", "\t", " ", "\u00ad", "\ufeff", "ҥ", "Ð°", "\x00", "«", "»", "-",
    "ЮНЕСКО", "%PDF-", "\\input{x}", "<b>", "\r\n", "\u200b", "\u0301", "👩‍🎓",
])
TEXTS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=80).map("".join),
)


def build_model(raw: bytes):
    """The text stages from the stage table, as make and ``build`` run them."""
    value = raw
    for stage in TEXT_STAGES:
        value = stage.apply(value, "random.txt")
    return value


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, ENCODINGS)
def test_document_model_from_random_text_never_crashes(text, encoding):
    try:
        doc = build_model(text.encode(encoding))
    except BasmaError as exc:  # a clear refusal (empty, binary …) is fine; a crash is not
        assert MESSAGE.match(exc.one_line()), exc.one_line()
        return
    validate(doc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, ENCODINGS)
def test_document_model_survives_its_json(text, encoding):
    """make's stages pass document.json on: what the build accepts must read back."""
    try:
        doc = build_model(text.encode(encoding))
    except BasmaError:
        return
    text = to_json(doc)
    assert to_json(document_from_json(text)) == text
