"""Hostile and careless input, round two (issue 21): every case of its "Why" section
that reaches ``python -m pipeline build PATH -o OUTDIR`` (the make, folder-name,
concurrency and kill cases are tests/test_make.py's).

The table's machinery is the first table's (tests/badinput.py): each case is built
in a subprocess over a previous build, and asserts three things:

* the exit code and the one line ``error: <file>: <what> — <todo>`` (never a
  traceback or an internal error); or, for a real article with something odd in
  it, a build whose outputs show the oddity dropped or normalised, and recorded;
* after a failure, the previous outputs (the whole case folder) byte-identical;
* nothing outside the article read: a marker file with a unique string lies
  outside the article folder (the cases link to it, and to /etc/passwd); no file
  the build wrote, and not its stdout or stderr, holds the marker or ``root:x:0``.

The cases that could hang or eat memory run under an address-space limit
(``MEMORY``) and a 60 s timeout, so a regression fails fast. Real articles build
fully only once: one article folder holds every oddity that has to reach the PDF
and the EPUB (``ODD``), and each oddity is a row of the table over that one build.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pdfgen
import pytest
import yaml
from badinput import (
    SMALL,
    TIMED_OUT,
    TITLE,
    Case,
    Run,
    check_run,
    print_table,
    run_all,
    write,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli
from pipeline.errors import BasmaError
from pipeline.meta import load_meta

#: The unique string of the file outside every article; no output may hold it.
MARKER = f"basma-outside-{uuid.uuid4().hex}"
PASSWD = "root:x:0"
#: Address space for the cases that could blow up: well above a build's needs.
MEMORY = 2 * 2**30
#: No case may run longer than this (the issue's acceptance).
SECONDS = 60


# --- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A symbolic link; a relative target is taken from the case's working folder."""

    target: str


@dataclass(frozen=True)
class Special:
    """A file that is not a plain one: ``fifo``, ``dir``, or ``sparse`` of ``size``."""

    kind: str
    size: int = 0


FileData = str | bytes | Link | Special | Callable[[Path, Path], bytes]


def plant_marker(cwd: Path) -> None:
    """Files outside every article, each holding the marker, for the cases to link to."""
    write(cwd / "outside" / "secret.md", f"# {MARKER}\n\nБул текст макалага кирбейт: {MARKER}.\n")
    write(cwd / "outside" / "secret.yaml", f"title:\n  ky: {MARKER}\n")
    write(cwd / "outside" / "secret.txt", f"{TITLE}\n\n{MARKER} {SMALL}")
    write(cwd / "outside" / "dir" / "ru.md", f"{MARKER}\n")


def make_file(path: Path, data: FileData, cwd: Path, fixtures: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Link):
        target = data.target if data.target.startswith("/") else str(cwd / data.target)
        path.symlink_to(target)
    elif isinstance(data, Special):
        if data.kind == "fifo":
            os.mkfifo(path)
        elif data.kind == "dir":
            path.mkdir()
        else:  # sparse: a huge size without the disk or the time to write it
            with open(path, "wb") as fh:
                fh.write(SMALL.encode())
                fh.truncate(data.size)
    else:
        write(path, data(cwd, fixtures) if callable(data) else data)


def art(files: dict[str, FileData], folder: str = "art", modes: dict[str, int] | None = None
        ) -> Callable[[Path, Path], str]:
    """An article folder (``source.txt`` is SMALL unless given) beside the marker files;
    ``modes`` makes folders of the case (``out``) with the permissions given."""
    modes = modes or {}

    def setup(cwd: Path, fixtures: Path) -> str:
        plant_marker(cwd)
        if not any(name.startswith("source.") for name in files):
            make_file(cwd / folder / "source.txt", SMALL, cwd, fixtures)
        for name, data in files.items():
            make_file(cwd / folder / name, data, cwd, fixtures)
        for name, mode in modes.items():
            (cwd / name).mkdir(parents=True, exist_ok=True)
            os.chmod(cwd / name, mode)
        return folder
    return setup


def fixture(name: str) -> Callable[[Path, Path], bytes]:
    return lambda cwd, fixtures: (fixtures / name).read_bytes()


def meta(text: str) -> Callable[[Path, Path], str]:
    return art({"meta.yaml": text})


def corrections(text: str) -> Callable[[Path, Path], str]:
    return art({"corrections.yaml": text})


#: "Billion laughs" in 400 bytes: nine levels of ten aliases each.
ALIAS_BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
DEEP_YAML = "title: " + "[" * 20_000 + "]" * 20_000 + "\n"


def docx_bomb(cwd: Path, fixtures: Path) -> bytes:
    """A DOCX of ~1 MB whose document.xml unpacks to 1 GB (spaces inside a text run)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxml'
                         b'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            chunk = b" " * 2**24
            for _ in range(64):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def docx_many_members(cwd: Path, fixtures: Path) -> bytes:
    """A DOCX of 20,000 empty parts beside its document."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        for i in range(20_000):
            z.writestr(f"word/media/{i}.bin", b"")
    return buf.getvalue()


CONTROLS = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r\v\f\x1c\x1d\x1e")
ZALGO = "а" + "".join(chr(0x300 + i) for i in range(40))
SPOOF = "\u202eтxt.exe\u202c"  # shows as "exe.txт": right-to-left override
#: 8 KB, not the 300 KB of the issue's case: the same rule (a break point every 60
#: characters of a run over 120) prints both, and the 300 KB one costs four 100-page
#: editions of the suite's time (30 KB, ten pages each, was measured too).
LONG_TOKEN = ("билим" * 2_000)[:8_000]
LONG_TITLE = ("Кыргызстандагы заманбап билим берүүнүн тенденциялары жана көйгөйлөрү " * 15)[:999]

#: One real article with every oddity that must reach the PDF and the EPUB, built once.
#: The folder name is 240 characters long (a CLI folder name of that length once
#: failed with ENAMETOOLONG on the temporary files).
ODD_FOLDER = "Odd-" + "x" * 236
ODD_STEM = cli.safe_id(ODD_FOLDER)
ODD_SOURCE = f"""{TITLE}{CONTROLS} керек

Аннотация: Макалада заманбап билим берүүнүн тенденциялары каралат 👩‍🎓 жана 🇰🇬 белгилери менен.

Билим берүү системасы \ufffe тез өзгөрүүдө{ZALGO}. Мугалимдер\uffff жаңы \
технологияларды\u2028колдонушат, студенттер онлайн\u2029курстарда окушат: файл {SPOOF} ачылбайт.

{LONG_TOKEN}

Кыргыз Республикасынын Конституциясына ылайык, ар бир адам билим алууга укуктуу, \
ал эми билим берүү системасы бул укукту ишке ашыруу үчүн шарттарды түзөт.
"""
ODD_META = f"""language: ky
title:
  ky: "{LONG_TITLE}"
  en: "Trends of modern education\\n\\nin Kyrgyzstan"
short_title:
  en: 2026
doi: "10.99999/a&b.2026"
license_url: https://creativecommons.org/licenses/by/4.0/
submitted: 2026-01-05
authors:
  - name: Айгүл Асанова
    affiliation:
      - КУУ
      - name: {{en: Kyrgyz National University}}
"""
ODD_TRANSLATION = "# Введение\n\nОбразование меняется 👩‍🎓 быстро.\n"


def odd_source(cwd: Path, fixtures: Path) -> bytes:
    """The odd article in UTF-16 (with a BOM), a paragraph holding a lone surrogate."""
    raw = ODD_SOURCE.encode("utf-16-le")
    # U+FFFE stands in for the lone surrogate: swap its code unit for 0xD800.
    return b"\xff\xfe" + raw.replace(b"\xfe\xff", b"\x00\xd8", 1)


def odd_setup(cwd: Path, fixtures: Path) -> str:
    plant_marker(cwd)
    for name, data in {"source.txt": odd_source, "meta.yaml": ODD_META,
                       "translations/ru.md": ODD_TRANSLATION}.items():
        make_file(cwd / ODD_FOLDER / name, data, cwd, fixtures)
    return ODD_FOLDER


# --- checks on the odd article's outputs ---------------------------------------------------


def outputs_text(run: Run) -> dict[str, str]:
    """The text of every output of a run: PDFs through pdftotext, EPUBs member by member
    (read once per run: the odd article's rows all look at the same build)."""
    if id(run) not in _OUTPUTS_TEXT:
        _OUTPUTS_TEXT[id(run)] = (run, _outputs_text(run))
    return _OUTPUTS_TEXT[id(run)][1]


_OUTPUTS_TEXT: dict[int, tuple[Run, dict[str, str]]] = {}


def _outputs_text(run: Run) -> dict[str, str]:
    out = {}
    for path in sorted(run.outdir.iterdir()):
        rel = path.relative_to(run.root).as_posix()
        if rel in run.before and run.before[rel] == run.after.get(rel):
            continue  # an earlier build's file this build did not make (another edition)
        if path.suffix == ".pdf":
            out[path.name] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                            text=True, errors="replace").stdout
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as z:
                out[path.name] = "\n".join(z.read(n).decode("utf-8", "replace")
                                           for n in z.namelist() if n.endswith((".xhtml", ".opf")))
        elif path.is_file():
            out[path.name] = path.read_text(encoding="utf-8", errors="replace")
    return out


def document(run: Run) -> dict:
    return json.loads((run.outdir / "document.json").read_text(encoding="utf-8"))


def all_text(doc: dict) -> str:
    return "\n".join(b["text"] for b in doc["blocks"])


def changed_by(doc: dict, rule: str, char: str) -> bool:
    return any(c["rule"] == rule and char in c["before"] for c in doc.get("changes", []))


def dropped(char: str, rule: str) -> Callable[[Run], list[str]]:
    """The character is in no output, and the cleaner recorded dropping it."""

    def check(run: Run) -> list[str]:
        doc, problems = document(run), []
        # document.json and the report show it in the change's "before", as they must.
        for name, text in outputs_text(run).items():
            if name.endswith((".pdf", ".epub", ".tex")) and char in text:
                problems.append(f"U+{ord(char):04X} is still in {name}")
        if char in all_text(doc):
            problems.append(f"U+{ord(char):04X} is still in document.json's blocks")
        if not changed_by(doc, rule, char):
            problems.append(f"no {rule} change records U+{ord(char):04X}")
        return problems
    return check


def kept(text: str, where: tuple[str, ...] = (f"{ODD_STEM}.epub", "document.json")
         ) -> Callable[[Run], list[str]]:
    """A real character (emoji, combining marks) prints: it is in the outputs named."""

    def check(run: Run) -> list[str]:
        texts = outputs_text(run)
        return [f"{text[:20]!r} is not in {name}" for name in where
                if text not in texts.get(name, "")]
    return check


def combining_marks(run: Run) -> list[str]:
    """Zalgo is text: its marks are kept (in canonical order), not dropped."""
    problems = []
    for name, text in outputs_text(run).items():
        if name in (f"{ODD_STEM}.epub", "document.json"):
            marks = sum(1 for ch in text if unicodedata.combining(ch) and 0x300 <= ord(ch) < 0x370)
            if marks < len(ZALGO) - 1:
                problems.append(f"{name} keeps {marks} of the {len(ZALGO) - 1} combining marks")
    return problems


def title_controls(run: Run) -> list[str]:
    doc = document(run)
    title = next((b["text"] for b in doc["blocks"] if b["role"] == "title"), "")
    problems = [f"control characters left in the title {title[:80]!r}"
                for c in CONTROLS if c in all_text(doc)]
    if not changed_by(doc, "remove_control_chars", CONTROLS[0]):
        problems.append("no remove_control_chars change records the title's controls")
    return problems[:1] + problems[-1:] if problems else []


def separators(run: Run) -> list[str]:
    doc = document(run)
    problems = [f"U+{ord(c):04X} left in the text" for c in "\u2028\u2029" if c in all_text(doc)]
    if not changed_by(doc, "normalize_line_separators", "\u2028"):
        problems.append("the line separator's replacement is not recorded")
    if "технологияларды колдонушат" not in all_text(doc):
        problems.append("U+2028 did not become a space")
    return problems


def long_token(run: Run) -> list[str]:
    doc = document(run)
    if LONG_TOKEN[:1000] not in all_text(doc) or LONG_TOKEN[-1000:] not in all_text(doc):
        return ["the 8 KB token is not kept whole in document.json"]
    return []


def meta_shapes(run: Run) -> list[str]:
    m, problems = document(run)["meta"], []
    if m.get("short_title", {}).get("en") != "2026":
        problems.append(f"short_title.en is {m.get('short_title')!r}, not '2026'")
    affiliations = m.get("authors", [{}])[0].get("affiliations", [])
    if len(affiliations) != 2:
        problems.append(f"the affiliation list became {affiliations!r}")
    if "submitted" in m:
        problems.append("the unknown field 'submitted' was kept")
    if "unknown field 'submitted'" not in run.stderr:
        problems.append("no warning names the unknown field 'submitted'")
    return problems


def title_one_line(run: Run) -> list[str]:
    m = document(run)["meta"]
    en = m.get("title", {}).get("en", "")
    problems = [] if en == "Trends of modern education in Kyrgyzstan" else [
        f"the title with a blank line became {en!r}"]
    tex = (run.outdir / f"{ODD_STEM}.en.tex").read_text(encoding="utf-8")
    if re.search(r"Trends of modern education\s*\n\s*\n", tex):
        problems.append("a paragraph break inside the title reaches the .tex")
    return problems


def long_title(run: Run) -> list[str]:
    pdf = " ".join(outputs_text(run).get(f"{ODD_STEM}.pdf", "").split())
    words = LONG_TITLE.split()
    return [] if " ".join(words[-4:]) in pdf.replace("- ", "") or words[-2] in pdf else [
        "the end of the 999-character title is not printed in the PDF"]


def doi_ampersand(run: Run) -> list[str]:
    opf = outputs_text(run).get(f"{ODD_STEM}.epub", "")
    return [] if "10.99999/a&amp;b.2026" in opf else ["the DOI with & is not in the EPUB, escaped"]


def translation_kept(run: Run) -> list[str]:
    ru = outputs_text(run).get(f"{ODD_STEM}.ru.epub", "")
    return [] if "Образование меняется" in ru else ["the translation is not the ru edition's body"]


def lone_surrogate(run: Run) -> list[str]:
    """The lone surrogate is one unreadable character: U+FFFD, printed as a marker and
    named in a warning; the PDF's title string (hyperref's pdftitle) leaves it out."""
    doc, problems = document(run), []
    if "\ufffd" not in all_text(doc):
        problems.append("the lone surrogate did not become U+FFFD")
    if "U+FFFD" not in run.stderr:
        problems.append("no warning names the unreadable character")
    return problems


def readable_text(run: Run) -> list[str]:
    """Extraction of a PDF without ToUnicode maps: never (cid:N), never mostly U+FFFD."""
    text = "".join(r["text"] for line in json.loads((run.outdir / "extract.json").read_text(
        encoding="utf-8"))["lines"] for r in line["runs"])
    letters = [ch for ch in text if ch.isalpha() or ch == "\ufffd"]
    problems = ["(cid:N) in the extracted text"] if "(cid:" in text else []
    if letters and letters.count("\ufffd") > len(letters) / 2:
        problems.append(f"{letters.count(chr(0xFFFD))} of {len(letters)} letters are U+FFFD "
                        "(it must be read another way, or refused)")
    return problems


def long_folder(run: Run) -> list[str]:
    return [] if len(ODD_STEM) <= 120 else [f"the article id is {len(ODD_STEM)} characters"]


# --- cases -------------------------------------------------------------------------------


@dataclass
class HostileCase(Case):
    #: The shared build this row looks at (its setup is the build's), or None.
    shared: str | None = None
    #: What the row checks in a successful build's outputs.
    check: Callable[[Run], list[str]] | None = None


def refused(name: str, setup: Callable[[Path, Path], str], file: str, what: str,
            **kw) -> HostileCase:
    return HostileCase(name, setup, kw.pop("stem", "art"), status=kw.pop("status", 1),
                       file=file, what=what, timeout=kw.pop("timeout", SECONDS), **kw)


def limited(name: str, setup: Callable[[Path, Path], str], file: str, what: str,
            **kw) -> HostileCase:
    """A case that could hang or blow up: under the memory limit."""
    return refused(name, setup, file, what, memory=MEMORY, **kw)


#: The odd article's editions: the journal's, and the Russian and English ones its checks
#: read (the Kyrgyz edition is made by the same code as the other two).
ODD_EDITIONS = ("full", "ru", "en")


def odd(name: str, check: Callable[[Run], list[str]]) -> HostileCase:
    return HostileCase(name, odd_setup, ODD_STEM, status=0, timeout=300, slow=True,
                       shared="odd", check=check, editions=ODD_EDITIONS)


META_FILE = "art/meta.yaml"
CORR_FILE = "art/corrections.yaml"
RU = "art/translations/ru.md"

#: A content stream that makes pdfminer log a warning per operator (a text matrix of
#: names), hundreds of times.
NOISY_OPS = b"BT " + b"1 0 0 /x 0 0 Tm " * 400 + b"ET"

CASES: list[HostileCase] = [
    # -- leaks -----------------------------------------------------------------------------
    refused("translations/ru.md links outside", art({"translations/ru.md": Link(
        "outside/secret.md")}), RU, "outside"),
    refused("translations/ links outside", art({"translations": Link("outside/dir")}),
            RU, "outside"),
    refused("source.txt links to /etc/passwd", art({"source.txt": Link("/etc/passwd")}),
            "art/source.txt", "outside"),
    refused("source.txt links outside", art({"source.txt": Link("outside/secret.txt")}),
            "art/source.txt", "outside"),
    refused("meta.yaml links outside", art({"meta.yaml": Link("outside/secret.yaml")}),
            META_FILE, "outside"),
    refused("corrections.yaml links to /etc/passwd",
            art({"corrections.yaml": Link("/etc/passwd")}), CORR_FILE, "outside"),
    # -- hangs and memory ------------------------------------------------------------------
    limited("source.txt is a FIFO", art({"source.txt": Special("fifo")}), "art/source.txt",
            "not a regular file"),
    limited("meta.yaml is a FIFO", art({"meta.yaml": Special("fifo")}), META_FILE,
            "not a regular file"),
    limited("translations/ru.md is a FIFO", art({"translations/ru.md": Special("fifo")}), RU,
            "not a regular file"),
    limited("source.txt links to /dev/zero", art({"source.txt": Link("/dev/zero")}),
            "art/source.txt", "not a regular file|outside"),
    limited("meta.yaml links to /dev/zero", art({"meta.yaml": Link("/dev/zero")}), META_FILE,
            "not a regular file|outside"),
    limited("sparse 6 GB source.txt", art({"source.txt": Special("sparse", 6 * 2**30)}),
            "art/source.txt", "limit"),
    limited("sparse 1 GB meta.yaml", art({"meta.yaml": Special("sparse", 2**30)}), META_FILE,
            "limit"),
    limited("YAML alias bomb in meta.yaml", meta(ALIAS_BOMB), META_FILE, "aliases"),
    limited("YAML alias bomb in corrections.yaml", corrections(ALIAS_BOMB), CORR_FILE,
            "aliases"),
    limited("meta.yaml nested 20,000 deep", meta(DEEP_YAML), META_FILE, "nested"),
    limited("DOCX zip bomb (1 MB → 1 GB)", art({"source.docx": docx_bomb}), "art/source.docx",
            "unpacks to more than"),
    limited("DOCX of 20,000 parts", art({"source.docx": docx_many_members}), "art/source.docx",
            "parts"),
    # -- meta.yaml shapes ------------------------------------------------------------------
    refused("short_title: 12", meta("short_title: 12\n"), META_FILE,
            "^line 1: short_title: should list one entry per language"),
    refused("journal: 5", meta("journal: 5\n"), META_FILE, "^line 1: journal: should be fields"),
    refused("keywords with a nested mapping", meta("keywords:\n  ky:\n    a: b\n"), META_FILE,
            r"^line 3: keywords\.ky: should be a list"),
    refused("author with a blank name", meta('authors:\n  - name: "  "\n'), META_FILE,
            r"^line 2: authors #1\.name: is empty"),
    refused("a date as a key", meta("2026-01-01: x\n"), META_FILE,
            "^line 1: a field name must be a word"),
    refused("accepted: 2026-02-30", meta("accepted: 2026-02-30\n"), META_FILE,
            "^line 1: accepted: '2026-02-30' is not a date: February 2026 has 28 days"),
    refused("year: 10000 without SOURCE_DATE_EPOCH", meta("year: 10000\n"), META_FILE,
            r"^line 1: year: .*10000.* out of range", env={"SOURCE_DATE_EPOCH": None}),
    refused("a 5,000-digit volume", meta("volume: " + "9" * 5000 + "\n"), META_FILE,
            "^line 1: volume: .* is not a whole number"),
    refused("first_page: 99999999999", meta("first_page: 99999999999\n"), META_FILE,
            "^line 1: first_page: .* (not a whole number|out of range)"),
    refused("!!binary title", meta("title:\n  ky: !!binary aGVsbG8=\n"), META_FILE,
            r"^line 2: binary data \(!!binary\)"),
    refused("a set (!!set)", meta("keywords: !!set {a, b}\n"), META_FILE, r"^line 1: a set"),
    refused("!!python/object tag", meta("title: !!python/object:os.system [id]\n"), META_FILE,
            "^line 1: the tag"),
    refused("lone surrogate in a title", meta('title:\n  ky: "a\\ud800b"\n'), META_FILE,
            "^line 2: .*lone surrogate"),
    refused("lone surrogate in a correction",
            corrections('- find: "Мугалимдер"\n  replace: "a\\ud800b"\n'), CORR_FILE,
            "^line 2: .*lone surrogate"),
    refused("control characters in a meta title", meta('title:\n  ky: "a\\x01b"\n'), META_FILE,
            "^line 2: .*control character U\\+0001"),
    refused("control characters in a correction",
            corrections('- find: "Мугалимдер"\n  replace: "Мугалим\\x07дер\\x1b"\n'), CORR_FILE,
            "^line 2: .*control character U\\+0007"),
    refused("U+202E in a correction",
            corrections('- find: "Мугалимдер"\n  replace: "\\u202eМугалимдер"\n'), CORR_FILE,
            "^line 2: .*direction override U\\+202E"),
    refused("control characters in a translation",
            art({"translations/ru.md": "# Введение\n\nТекст\x01 и\x1b ещё.\n"}), RU,
            "^line 3, column 6: .*control character U\\+0001"),
    refused("U+202E in a translation",
            art({"translations/ru.md": "# Введение\n\nФайл \u202eтxt.exe открыт.\n"}), RU,
            "^line 3, column 6: .*direction override U\\+202E"),
    refused("U+FFFF in a translation", art({"translations/ru.md": "Текст\uffff.\n"}), RU,
            "^line 1, column 6: .*noncharacter U\\+FFFF"),
    refused("a 100 KB title", meta("title:\n  ky: " + "Билим " * 17_000 + "\n"), META_FILE,
            "^line 2: title.ky: is 10199. characters long, more than the 1000 allowed"),
    refused("a title of spaces only", meta('title:\n  ky: "   "\n'), META_FILE,
            "^line 2: title.ky: is empty"),
    refused("license_url: javascript:", meta('license_url: "javascript:alert(1)"\n'), META_FILE,
            "^line 1: license_url: .* is not a web address"),
    refused("orcid: javascript:", meta('authors:\n  - name: A\n    orcid: "javascript:x"\n'),
            META_FILE, r"^line 3: authors #1\.orcid: .* is not an ORCID iD"),
    refused("journal.url: file:///etc/passwd", meta("journal:\n  url: file:///etc/passwd\n"),
            META_FILE, r"^line 2: journal\.url: .* is not a web address"),
    refused("email: javascript:", meta('authors:\n  - name: A\n    email: "javascript:x"\n'),
            META_FILE, r"^line 3: authors #1\.email: .* is not an e-mail"),
    refused('a DOI with "<&', meta('doi: "10.1234/a\\"<&b"\n'), META_FILE,
            "^line 1: doi: .* is not a DOI"),
    refused("meta.yaml is a folder", art({"meta.yaml": Special("dir")}), META_FILE,
            "folder|not a regular file"),
    # -- the editor's files: encodings and kinds -------------------------------------------
    refused("translations/ru.md in cp1251",
            art({"translations/ru.md": "# Введение\n\nОбразование.\n".encode("cp1251")}), RU,
            "not UTF-8"),
    refused("translations/ru.md is a folder", art({"translations/ru.md": Special("dir")}), RU,
            "folder"),
    refused("corrections.yaml in UTF-16",
            art({"corrections.yaml": '- find: "a"\n  replace: "b"\n'.encode("utf-16")}),
            CORR_FILE, "not UTF-8"),
    # -- sources ---------------------------------------------------------------------------
    refused("a blank PDF", art({"source.pdf": fixture("blank.pdf")}), "art/source.pdf",
            "no text"),
    refused("PDF without ToUnicode (cid:N)", art({"source.pdf": fixture("no-tounicode.pdf")}),
            "art/source.pdf", ".", status=None, check=readable_text,
            command=("extract", "{path}/source.pdf", "-o", "{out}/extract.json")),
    refused("fuzzed PDF, 400 pdfminer warnings", art({"source.pdf": fixture("noisy.pdf")}),
            "art/source.pdf", ".", status=None, command=("extract", "{path}/source.pdf", "-o",
                                                          "{out}/extract.json")),
    refused("20,000 glyphs on one line", art({"source.pdf": fixture("wide-line.pdf")}),
            "art/source.pdf", ".", status=None, memory=MEMORY,
            command=("extract", "{path}/source.pdf", "-o", "{out}/extract.json")),
    # -- where the outputs go --------------------------------------------------------------
    refused("-o names a file", art({"../outfile": "a file of the editor's\n"}), "outfile",
            "is a file", command=("build", "{path}", "-o", "outfile")),
    refused("read-only output folder", art({}, modes={"out": 0o555, ".": 0o555}), "out",
            "[Pp]ermission|read-only",
            wrapper=("setpriv", "--bounding-set=-dac_override,-dac_read_search",
                     "--inh-caps=-dac_override,-dac_read_search")),
    # -- one real article with every oddity, built once ------------------------------------
    odd("control characters in the source title", title_controls),
    odd("U+FFFF in the text", dropped("\uffff", "remove_noncharacters")),
    odd("U+2028, U+2029 in the text", separators),
    odd("U+202E in the text (EPUB not spoofed)", dropped("\u202e", "remove_bidi_controls")),
    odd("emoji and a ZWJ sequence", kept("👩‍🎓")),
    odd("zalgo (40 combining marks)", combining_marks),
    odd("an 8 KB token without spaces", long_token),
    odd("a 999-character title", long_title),
    odd("a title with a blank line", title_one_line),
    odd("affiliation list, short_title 2026, unknown date field", meta_shapes),
    odd("a DOI with &", doi_ampersand),
    odd("translation with an emoji", translation_kept),
    odd("a 240-character folder name", long_folder),
    odd("UTF-16 source with a lone surrogate", lone_surrogate),
]


# --- fixtures and running ---------------------------------------------------------------------


def make_pdf_fixtures(folder: Path) -> None:
    import pikepdf

    folder.mkdir(parents=True, exist_ok=True)
    blank = pdfgen.Canvas(str(folder / "blank.pdf"))
    blank.showPage()
    blank.save()
    pdfgen.make_pdf(folder / "one-page.pdf", pdfgen.sample_blocks()[:3])
    with pikepdf.open(folder / "one-page.pdf") as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
                if "/ToUnicode" in obj:
                    del obj["/ToUnicode"]
        pdf.save(folder / "no-tounicode.pdf")
    with pikepdf.open(folder / "one-page.pdf") as pdf:
        page = pdf.pages[0]
        page.contents_add(pikepdf.Stream(pdf, NOISY_OPS))
        pdf.save(folder / "noisy.pdf")
    # 20,000 glyphs on one line: a tiny font on a page as wide as PDF allows.
    wide = pdfgen.Canvas(str(folder / "wide-line.pdf"), pagesize=(14_400, 200))
    wide.setFont("Helvetica", 1.2)
    words = ("abc defg " * 2300)[:20_000]
    wide.drawString(10, 100, words)
    wide.showPage()
    wide.save()


def selected(items: list[pytest.Item]) -> list[HostileCase]:
    """The cases whose rows were collected (``-k fifo`` runs only those)."""
    names = {item.callspec.params["case"].name for item in items
             if getattr(item, "callspec", None) and "case" in item.callspec.params
             and item.module.__name__ == __name__}
    if not names:  # only the other tests of the module: they need the shared builds
        names = {c.name for c in CASES if c.shared} | {"fuzzed PDF, 400 pdfminer warnings"}
    return [c for c in CASES if c.name in names]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request) -> dict[str, Run]:
    base = tmp_path_factory.mktemp("hostile")
    make_pdf_fixtures(base / "fixtures")
    # One run per shared build (its first row), one per other row.
    leaders: dict[str, HostileCase] = {}
    to_run: list[Case] = []
    for case in selected(request.session.items):
        key = case.shared or case.name
        if key not in leaders:
            leaders[key] = case
            to_run.append(case)
    done = run_all(to_run, base, base / "fixtures")
    results = {c.name: done[leaders[c.shared or c.name].name] for c in CASES
               if (c.shared or c.name) in leaders and leaders[c.shared or c.name].name in done}
    request.addfinalizer(lambda: print_table(request.config, CASES, results,
                                             "hostile input: every case and its message"))
    return results


def leaks(run: Run) -> list[str]:
    """Outputs (any file the run wrote, and its stdout and stderr) holding the marker or
    /etc/passwd's first line."""
    found = []
    streams = {"stdout": run.stdout, "stderr": run.stderr}
    for path in sorted(run.root.rglob("*")):
        rel = path.relative_to(run.root).as_posix()
        info = path.lstat()
        if rel.startswith("outside/") \
                or not stat.S_ISREG(info.st_mode) or info.st_size > 64 * 2**20:
            continue
        if path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                  text=True, errors="replace").stdout
            streams[rel] = text + path.read_bytes().decode("latin-1")
        elif path.suffix in (".epub", ".docx") and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:  # not the bomb's 1 GB member: it is input
                streams[rel] = "\n".join(z.read(i).decode("utf-8", "replace")
                                         for i in z.infolist() if i.file_size <= 64 * 2**20)
        else:
            streams[rel] = path.read_bytes().decode("utf-8", "replace")
    for name, text in streams.items():
        for secret in (MARKER, PASSWD):
            if secret in text:
                found.append(f"{name} holds {secret!r}")
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.slug)
def test_case(case: HostileCase, runs):
    if case.name not in runs:
        pytest.skip(case.missing() or "not run")
    run = runs[case.name]
    problems = check_run(case, run)
    if run.returncode == TIMED_OUT:
        problems.append(f"ran over {case.timeout} s")
    if case.check and run.returncode == 0:
        problems += case.check(run)
    problems += leaks(run)
    assert not problems, f"{case.name}: " + "; ".join(problems)



def test_noisy_pdf_prints_at_most_one_line(runs):
    """pdfminer's warnings on a damaged PDF are the reader's business, not the editor's."""
    run = runs["fuzzed PDF, 400 pdfminer warnings"]
    lines = run.stderr.strip().splitlines()
    assert len(lines) <= 1, lines[:5]


def test_odd_article_epubs_pass_epubcheck(runs, epubchecker):
    run = runs["a DOI with &"]
    assert run.returncode == 0, run.message
    verdicts = epubchecker.check(*(run.outdir / f"{ODD_STEM}{'' if k == 'full' else '.' + k}.epub"
                                   for k in ODD_EDITIONS))
    failed = [v.report() for v in verdicts if not v.ok]
    assert not failed, "\n".join(failed)


# --- random meta.yaml documents ------------------------------------------------------------

EXAMPLES = int(os.environ.get("BASMA_FUZZ_EXAMPLES", "25"))
FIELDS = ["language", "title", "short_title", "authors", "abstract", "keywords", "journal",
          "volume", "issue", "year", "first_page", "last_page", "pages", "doi", "license",
          "license_url", "udc", "received", "accepted", "published", "name", "affiliation",
          "orcid", "email", "ror", "ky", "ru", "en", "issn", "url", "titel", "2026-01-01"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(FIELDS),
    st.dates().map(str), st.sampled_from(["2026-02-30", "10.1234/x", "javascript:x", "\ufffe",
                                          "0000-0002-1825-0097", "https://x.kg", "\u202e",
                                          "a\nb", "9" * 400, "∞", "", " ", "~", "*"])
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)), max_leaves=20)
DOCUMENTS = st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8)
SEED_META = (Path(__file__).resolve().parent.parent / "input" / "trends-modern-education-kg"
             / "meta.yaml").read_text(encoding="utf-8")


def _meta_outcome(text: str) -> None:
    """``load_meta`` builds a ``Meta`` whose JSON reads back, or refuses in one line."""
    from pipeline.meta import Meta

    try:
        m = load_meta(text, "meta.yaml")
    except BasmaError as exc:
        line = exc.one_line()
        assert re.match(r"^error: meta\.yaml: .+ — .+$", line), line
        assert "\n" not in line
        return
    assert Meta.model_validate(json.loads(json.dumps(m.as_json()))) is not None


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_random_meta_yaml_builds_or_refuses(data):
    _meta_outcome(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    ["delete", "dup", "char", "indent", "quote"]), st.sampled_from(
    [":", "-", " ", "\n", "'", '"', "&a", "*a", "!!", "{", "[", "#", "\t", "\\", "\x01", "é"])),
    max_size=6))
def test_mutated_seed_meta_builds_or_refuses(edits):
    text = SEED_META
    for at, op, piece in edits:
        i = at % (len(text) + 1)
        if op == "delete":
            text = text[:i] + text[i + len(piece):]
        elif op == "dup":
            line_start = text.rfind("\n", 0, i) + 1
            line_end = text.find("\n", i)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            text = text[:line_start] + line + "\n" + text[line_start:]
        elif op == "indent":
            line_start = text.rfind("\n", 0, i) + 1
            text = text[:line_start] + "  " + text[line_start:]
        else:
            text = text[:i] + piece + text[i:]
    _meta_outcome(text)


@given(st.text(max_size=200))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
def test_random_meta_text_builds_or_refuses(text):
    _meta_outcome(text)
