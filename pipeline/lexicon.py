"""Known words of the journal's languages: evidence for decisions the text cannot settle.

The word lists are Tesseract's (Debian's ``tesseract-ocr-kir``, ``-rus``, ``-eng``,
Apache-2.0): each ``<lang>.traineddata`` carries a word DAWG that
``combine_tessdata -e`` extracts and ``dawg2wordlist`` spells out (Kyrgyz: about a
million forms, two seconds). That is done once per traineddata file: the words,
casefolded, deduplicated and sorted by their UTF-8 bytes, go to a cache file whose
name carries the traineddata's size and modification time, so an upgraded package
is read anew and a stale list is never used.

A lookup reads the cache file through ``mmap`` and bisects it: nothing is loaded
into memory, opening costs microseconds and a lookup a few, so an article that
asks about a hundred words pays nothing measurable, and memory stays flat.

The cache folder (``cache_dir``) is ``$BASMA_CACHE``, else ``$XDG_CACHE_HOME/basma``,
else ``~/.cache/basma``: per user and outside the checkout, because a build runs
from any folder (``python -m pipeline build PATH -o OUT``), make and the tests
share it, and ``output/`` holds only an article's outputs. When that folder cannot
be written, a folder under the system's temporary directory is used instead.

Without Tesseract's tools or data the lexicon is empty (``available()`` is False):
callers then decide on the document's own evidence, as before.
"""

from __future__ import annotations

import mmap
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

__all__ = ["LANGS", "Words", "available", "cache_dir", "hyphen_evidence", "known", "known_share",
           "words"]

#: The journal's languages and Tesseract's names for them.
LANGS = {"ky": "kir", "ru": "rus", "en": "eng"}
#: Where Debian puts Tesseract 5's language data (``TESSDATA_PREFIX`` overrides it).
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
#: Lookups remembered per list (a few MB at most); beyond, the memory starts afresh.
ANSWERS_KEPT = 20_000
#: Extracting one word list takes seconds; minutes mean something is wrong.
BUILD_SECONDS = 120


def cache_dir() -> Path:
    """The folder for the word-list caches (see the module's docstring for why here)."""
    if os.environ.get("BASMA_CACHE"):
        return Path(os.environ["BASMA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "basma"


def _tessdata(code: str) -> Path:
    prefix = os.environ.get("TESSDATA_PREFIX")
    return (Path(prefix) if prefix else TESSDATA) / f"{code}.traineddata"


def normal(word: str) -> str:
    """A word as the lists store it: NFC, casefolded, ё kept (Russian writes it or not).

    >>> normal("БИЛИМ"), normal("Schlu\\u0308ter")
    ('билим', 'schlüter')
    """
    return unicodedata.normalize("NFC", word).casefold()


class Words:
    """One language's sorted word list, read through ``mmap`` and bisected."""

    def __init__(self, path: Path):
        self.path = path
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        #: Answers given: a document asks about the same words again and again (each
        #: font's words under every code page, each page's junk check).
        self._answers: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        try:
            return self._answers[word]
        except KeyError:
            pass
        if len(self._answers) >= ANSWERS_KEPT:  # memory stays flat on a long PDF
            self._answers.clear()
        found = self._answers[word] = self._lookup(word)
        return found

    def _lookup(self, word: str) -> bool:
        """Bisect the sorted list for ``word``."""
        key = normal(word).encode("utf-8")
        if not key or b"\n" in key:
            return False
        data = self._data
        lo, hi = 0, len(data)
        # Bisect over byte offsets: each probe reads the whole line its offset falls in.
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 if mid > lo else lo
            if start < lo:
                start = lo
            end = data.find(b"\n", start)
            if end == -1:
                end = len(data)
            line = data[start:end]
            if line == key:
                return True
            if line < key:
                lo = end + 1
            else:
                hi = start
        return False

    def __len__(self) -> int:
        return self._data[:].count(b"\n") if self._data else 0


def _extract(code: str, traineddata: Path, out: Path) -> None:
    """Spell out a traineddata's word DAWG into ``out``: normalised, unique, sorted."""
    with tempfile.TemporaryDirectory(prefix="basma-lexicon-") as tmp:
        dawg, unicharset, listing = (Path(tmp) / f"{code}.{part}" for part in (
            "lstm-word-dawg", "lstm-unicharset", "words"))
        for component in (dawg, unicharset):
            subprocess.run(["combine_tessdata", "-e", str(traineddata), str(component)],
                           check=True, capture_output=True, timeout=BUILD_SECONDS)
        subprocess.run(["dawg2wordlist", str(unicharset), str(dawg), str(listing)],
                       check=True, capture_output=True, timeout=BUILD_SECONDS)
        forms = {normal(w) for w in listing.read_text(encoding="utf-8",
                                                      errors="replace").split()}
    data = b"".join(w + b"\n" for w in sorted(f.encode("utf-8") for f in forms if f))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, out)  # atomic: a parallel build sees the old name or the whole file
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _cached(code: str) -> Path | None:
    """The cache file of one language's list, made on first use; None without the data."""
    traineddata = _tessdata(code)
    try:
        st = traineddata.stat()
    except OSError:
        return None
    name = f"{code}-{st.st_size}-{st.st_mtime_ns}.words"
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / f"basma-cache-{os.getuid()}"):
        path = folder / name
        if path.is_file():
            return path
        if not (shutil.which("combine_tessdata") and shutil.which("dawg2wordlist")):
            return None
        try:
            _extract(code, traineddata, path)
        except OSError:
            continue  # this folder cannot be written: try the next
        except (subprocess.SubprocessError, UnicodeError):
            return None
        return path
    return None


@cache
def words(lang: str) -> Words | None:
    """The known words of ``lang`` (``ky``, ``ru``, ``en``), or None without Tesseract's data."""
    code = LANGS.get(lang)
    path = _cached(code) if code else None
    return Words(path) if path else None


def available() -> bool:
    """Whether any word list can be read here."""
    return any(words(lang) is not None for lang in LANGS)


def known(word: str, langs: Iterable[str] = tuple(LANGS)) -> bool:
    """Whether ``word`` is a known word form of any of ``langs``.

    >>> available() and known("айланачөйрөнүн") and known("Образование") and known("the")
    True
    >>> known("бвлим")
    False
    """
    for lang in langs:
        lexicon = words(lang)
        if lexicon is not None and word in lexicon:
            return True
    return False


def known_share(tokens: Iterable[str], langs: Iterable[str] = tuple(LANGS),
                min_len: int = 2) -> tuple[int, int]:
    """How many of ``tokens`` (words of at least ``min_len`` letters) are known, of how many.

    >>> known_share(["Билим", "берүү", "xqzv", "a"])[1]
    3
    """
    langs = tuple(langs)
    found = total = 0
    for token in tokens:
        if len(token) < min_len:
            continue
        total += 1
        found += known(token, langs)
    return found, total


def hyphen_evidence(head: str, tail: str) -> tuple[bool, str] | None:
    """Whether "head-" at a line end and "tail" keep their hyphen, by the word lists;
    None when they do not tell (or are not installed).

    For the breaks the document itself cannot settle (``fixes.keep_line_end_hyphen``
    found neither form elsewhere): the hyphenated form being a known word keeps the
    hyphen (кадыр-баркын), the joined one being known drops it (би-лимдин). When
    both are listed (the Kyrgyz list, made from web text, has айланачөйрөнүн beside
    айлана-чөйрөнүн, and мамлекет-тик beside мамлекеттик) the hyphen stays only
    between two words of their own, of three and four letters or more: a
    typesetter's break falls inside a word or before a suffix (-тик), rarely
    between two whole words.

    >>> hyphen_evidence("айлана", "чөйрөнүн") if available() else (True, "")
    (True, '«айлана-чөйрөнүн» is a known word, and «айлана» and «чөйрөнүн» words of their own')
    >>> hyphen_evidence("систе", "масы")[0] if available() else False
    False
    >>> hyphen_evidence("ROC", "кривые")[0]
    True

    >>> hyphen_evidence("Connection", "SSH")[0], hyphen_evidence("a", "stopped")[0]
    (True, True)

    Some hyphens stay whatever the lists say, because no typesetter breaks a word
    there: between two scripts (ROC-кривые, IT-технологиялар: no word changes
    script), before a capital after a small letter (Connection-SSH-Auth: no word
    changes case), and after or before a single letter (for-a-stopped in a URL:
    TeX and Word leave at least two letters on either side of a break).
    """
    head_script, tail_script = _script(head), _script(tail)
    if head_script and tail_script and head_script != tail_script:
        return True, (f"«{head}» and «{tail}» are in different scripts: a compound, not a "
                      f"word broken at the line end")
    if head[-1:].islower() and tail[:1].isupper():
        return True, f"«{tail}» starts with a capital after «{head}»: a compound, not a break"
    if len(head) == 1 or len(tail) == 1:
        return True, (f"«{head}-{tail}» leaves a single letter on one side: no break leaves "
                      f"fewer than two")
    if not available():
        return None
    hyphened, joined = f"{head}-{tail}", head + tail
    h_known, j_known = known(hyphened), known(joined)
    if h_known and not j_known:
        return True, f"«{normal(hyphened)}» is a known word, «{normal(joined)}» is not"
    if j_known and not h_known:
        return False, f"«{normal(joined)}» is a known word, «{normal(hyphened)}» is not"
    if h_known and j_known:
        if len(head) >= 3 and len(tail) >= 4 and known(head) and known(tail):
            return True, (f"«{normal(hyphened)}» is a known word, and «{normal(head)}» and "
                          f"«{normal(tail)}» words of their own")
        return False, f"«{normal(joined)}» and «{normal(hyphened)}» are both known words"
    return None


def _script(word: str) -> str | None:
    """"latin" or "cyrillic" when all of a word's letters are of that script, else None.

    >>> _script("ROC"), _script("кривые"), _script("x1"), _script("Яx")
    ('latin', 'cyrillic', 'latin', None)
    """
    scripts = set()
    for ch in word:
        if not ch.isalpha():
            continue
        if "\u0400" <= ch <= "\u052f":
            scripts.add("cyrillic")
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
            scripts.add("latin")
        else:
            return None
    return scripts.pop() if len(scripts) == 1 else None

