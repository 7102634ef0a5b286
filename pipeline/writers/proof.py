"""Proof rounds: the journal PDF with line numbers, and what changed since the last round.

``python -m pipeline proof ID`` typesets the full (journal) edition through the
LaTeX writer with ``proof`` set: the same source plus lineno's margin numbers, a
stamp with the round and the date, and a LuaTeX attribute on every word of the
document's text (``ProofMarks``). Attributes make no nodes, so the proof breaks
lines and pages exactly as the journal PDF; when a page ships out, Lua reads
which word landed on which page and line (``<name>.places``), colours the words
marked as changed and draws a bar beside their lines (``templates/proof.tex.j2``).
Pages and lines therefore come from TeX itself, never from the PDF's text.

Each round is kept under ``proofs/<id>/<n>/`` (``proofs_root``; ``make clean``
leaves it, ``make clean-proofs`` removes it): the document it was made from, the
PDF, the places of its words, the change list (HTML and text) and the cleaning
report with proof pages. Round n ≥ 2 is diffed word by word against round n − 1,
block by block (blocks matched by id; roles and metadata too); round 1 marks the
editor's corrections. Every change the editor or the cleaner made is listed with
its page and line (``locate_change``), and a correction's ``note`` shows beside
the words it changed in the round that first prints it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ..errors import BasmaError
from ..fileio import atomic_write, template
from ..model import Block, Change, Document

#: Words are what a proofreader points at: runs of non-space characters.
_WORD = re.compile(r"\S+")
#: The mark colour (PDF rgb operands): a red that prints dark enough in grey.
MARK_RGB = (0.8, 0.0, 0.1)
#: A mark's meaning in ``\basmaw``: changed words are coloured and barred; the
#: word beside a deletion (the deleted text is no longer there) is barred only.
CHANGED, BESIDE = 1, 2
#: The proof's own TeX names: the pdftotext of a proof shows the stamp line.
STAMP_PREFIX = "PROOF"


class ProofError(BasmaError):
    """A proof round cannot be made (no article, a round folder taken)."""

    hint = "check the article id and run the proof again"


def proofs_root() -> Path:
    """Where rounds are kept: ``proofs/`` of the working folder, or $BASMA_PROOFS."""
    return Path(os.environ.get("BASMA_PROOFS") or "proofs")


# --- places: every word of the proof gets an attribute ----------------------------------


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text``.

    >>> word_spans("Билим  берүү, коом")
    [(0, 5), (7, 13), (14, 18)]
    """
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


class ProofMarks:
    """The LaTeX writer's proof hook (``latex.PROOF``): numbers the words it prints.

    ``marked`` maps a block id to {word start: CHANGED or BESIDE}. Each printed
    word gets ``\\basmaw{index}{mark}`` before it; ``words[index - 1]`` is then its
    (block id, start, end).
    """

    def __init__(self, marked: dict[str, dict[int, int]] | None = None,
                 stamp: str = "", colour: tuple[float, float, float] = MARK_RGB):
        self.marked = marked or {}
        self.stamp = stamp
        self.colour = " ".join(f"{c:g}" for c in colour)
        self.words: list[tuple[str, int, int]] = []
        self._index: dict[tuple[str, int], int] = {}
        self._spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._rtl: dict[tuple[str, str], list[tuple[int, int]]] = {}

    def _block_words(self, block: Block) -> list[tuple[int, int]]:
        key = (block.id, block.text)
        if key not in self._spans:
            self._spans[key] = word_spans(block.text)
        return self._spans[key]

    def setter(self, block: Block, pos: int) -> str:
        r"""``\basmaw`` for the word of ``block`` that holds offset ``pos`` ("" in a space).

        >>> m = ProofMarks({"b1": {6: CHANGED}})
        >>> b = Block("b1", "paragraph", "ky", "Билим берүү")
        >>> m.setter(b, 0), m.setter(b, 7), m.setter(b, 5), m.words
        ('\\basmaw{1}{0}', '\\basmaw{2}{1}', '', [('b1', 0, 5), ('b1', 6, 11)])
        """
        spans = self._block_words(block)
        i = bisect.bisect_right(spans, (pos, len(block.text) + 1)) - 1
        if i < 0 or not spans[i][0] <= pos < spans[i][1]:
            return ""
        start, end = spans[i]
        key = (block.id, start)
        if key not in self._index:
            self.words.append((block.id, start, end))
            self._index[key] = len(self.words)
        mark = self.marked.get(block.id, {}).get(start, 0)
        return "\\basmaw{" + str(self._index[key]) + "}{" + str(mark) + "}"

    def end(self) -> str:
        """What ends a block's text: the words after it are not the block's."""
        return "\\basmawend{}"

    def escape(self, block: Block, a: int, b: int) -> str:
        r"""``latex.escape(block.text[a:b])`` with ``\basmaw`` before each word.

        The text is cut only where a word starts after a space, where escaping
        one piece or two gives the same LaTeX; a run of right-to-left script is
        escaped whole (its words may not be cut apart: babel sets the run) and
        numbered once, at its start.

        >>> m = ProofMarks()
        >>> b = Block("b1", "paragraph", "en", "50% a--b {x}")
        >>> print(m.escape(b, 0, len(b.text)))
        \basmaw{1}{0}50\% \basmaw{2}{0}a-{}-b \basmaw{3}{0}\{x\}
        """
        from .latex import _RTL_RE, escape

        text = block.text
        key = (block.id, text)
        if key not in self._rtl:
            self._rtl[key] = [(m.start(), m.end()) for m in _RTL_RE.finditer(text)]
        runs = self._rtl[key]
        cuts = [a] + [s for s, _ in self._block_words(block) if a < s < b
                      and not any(x < s < y for x, y in runs)] + [b]
        return "".join(self.setter(block, x) + str(escape(text[x:y]))
                       for x, y in zip(cuts, cuts[1:], strict=False))


def read_places(path: Path, words: list[tuple[str, int, int]]
                ) -> tuple[dict[tuple[str, int], tuple[int, int]], list[int]]:
    r"""What Lua wrote while the pages shipped: (block, word start) → (page, line), and
    the pages in order. Line 0 means a place on the page that lineno does not number
    (a footnote: ``n`` records, which win over the word's first place).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "x.places"
    >>> _ = f.write_text("w 1 45 7\nw 2 45 7\nw 1 46 9\nn 2 45 0\np 45\nw x\n")
    >>> read_places(f, [("b1", 0, 5), ("b1", 6, 9)])
    ({('b1', 0): (45, 7), ('b1', 6): (45, 0)}, [45])
    """
    places: dict[tuple[str, int], tuple[int, int]] = {}
    pages: list[int] = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        return places, pages
    for line in lines:
        parts = line.split()
        if len(parts) == 4 and parts[0] in "wn" and all(p.isdigit() for p in parts[1:]):
            index, page, number = (int(p) for p in parts[1:])
            if 1 <= index <= len(words):
                block, start, _ = words[index - 1]
                if parts[0] == "n":  # in a footnote: its lines have no numbers
                    places[(block, start)] = (page, 0)
                else:
                    places.setdefault((block, start), (page, number))
        elif len(parts) == 2 and parts[0] == "p" and parts[1].isdigit():
            pages.append(int(parts[1]))
    return places, pages


@dataclass(frozen=True)
class Place:
    """A stretch of one block's text: where a change is."""

    block: str
    start: int
    end: int


class PlaceIndex:
    """Page and line of any offset of a document's text in one proof.

    ``words`` maps a block id to its words' (start, end, page, line), as proofed.
    """

    def __init__(self, words: dict[str, list[tuple[int, int, int, int]]],
                 texts: dict[str, str] | None = None):
        self.words = words
        self.texts = texts or {}

    def at(self, block: str, offset: int) -> tuple[int, int] | None:
        """(page, line) of the word holding ``offset`` (else the last word before it)."""
        spans = self.words.get(block) or []
        i = bisect.bisect_right([s for s, *_ in spans], offset) - 1
        i = max(i, 0)
        if not spans:
            return None
        _, _, page, line = spans[i]
        return page, line

    def at_text(self, block: str, text: str, offset: int) -> tuple[int, int] | None:
        """(page, line) of ``offset`` in ``text``, the block's text now, which may have
        changed since it was proofed: words map through a diff of the two texts."""
        proofed = self.texts.get(block)
        if proofed is None or proofed == text:
            return self.at(block, offset)
        now, then = word_spans(text), word_spans(proofed)
        i = max(bisect.bisect_right([s for s, _ in now], offset) - 1, 0)
        matcher = SequenceMatcher(None, [text[s:e] for s, e in now],
                                  [proofed[s:e] for s, e in then], autojunk=False)
        mapped = 0
        for a, b, size in matcher.get_matching_blocks():
            if a <= i:
                mapped = b + min(i - a, max(size - 1, 0))
        return self.at(block, then[mapped][0]) if then else None

    def shown(self, place: Place | None) -> str:
        """``p. 47, l. 312``; ``p. 47`` where lineno numbers no line; "—" for a change
        whose place is not known (no context recorded); "" when not printed."""
        if place is None:
            return "—"
        found = self.at(place.block, place.start)
        if found is None:
            return ""
        page, line = found
        return f"p. {page}, l. {line}" if line else f"p. {page}"

    def to_json(self) -> dict[str, Any]:
        return {"words": self.words, "texts": self.texts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlaceIndex:
        words = {k: [tuple(w) for w in v] for k, v in data.get("words", {}).items()}
        return cls(words, data.get("texts", {}))  # type: ignore[arg-type]


def place_index(doc: Document, marks: ProofMarks,
                places: dict[tuple[str, int], tuple[int, int]]) -> PlaceIndex:
    """The proof's places by block, for the words that were printed and placed."""
    words: dict[str, list[tuple[int, int, int, int]]] = {}
    for block, start, end in marks.words:
        if (block, start) in places:
            page, line = places[(block, start)]
            words.setdefault(block, []).append((start, end, page, line))
    for spans in words.values():
        spans.sort()
    texts = {b.id: b.text for b in doc.blocks if b.id in words}
    return PlaceIndex(words, texts)


# --- where a recorded change is in the text now ----------------------------------------


def _context_parts(change: Change) -> tuple[str, str]:
    """The text before and after the changed words, as the change recorded them."""
    if "⟦" not in change.context:
        return "", ""
    left, rest = change.context.split("⟦", 1)
    right = rest.split("⟧", 1)[1] if "⟧" in rest else ""
    return left, right


def _fold(text: str) -> str:
    """``text`` as the cleaner leaves its letters, character for character (offsets
    stay): a context recorded before the ҥ → ү remap still matches the text after it.

    >>> _fold("Бҥгҥнкҥ")
    'Бүгүнкү'
    """
    from ..alphabet import LEGACY_UE_AS_UE

    return text.translate(str.maketrans(LEGACY_UE_AS_UE))


def _likeness(text: str, start: int, end: int, left: str, right: str) -> int:
    """How many characters around ``text[start:end]`` agree with the recorded context,
    position by position: later repairs (ҥ → ү in the neighbours) cost a letter each."""
    score = 0
    for i, ch in enumerate(reversed(left[-40:])):
        if start - 1 - i >= 0 and text[start - 1 - i] == ch:
            score += 1
    for i, ch in enumerate(right[:40]):
        if end + i < len(text) and text[end + i] == ch:
            score += 1
    return score


def locate_change(doc: Document, change: Change, taken: set[tuple[str, int]]
                  ) -> Place | None:
    """Where ``change`` is in ``doc``'s text now: the occurrence of its new text whose
    surroundings best agree with the context it recorded (the first such place not
    already given to another change). None when it is not in the text (a dropped
    block, a deletion whose surroundings changed since)."""
    by_id = {b.id: b for b in doc.blocks}
    named = change.where[len("block "):] if change.where.startswith("block ") else None
    if change.rule in ("editor_set", "editor_merge", "editor_split"):
        block = by_id.get(named or "")
        if block is None:
            return None
        spans = word_spans(block.text)
        return Place(block.id, 0, spans[0][1] if spans else 0)
    if change.rule == "editor_drop":
        return None
    blocks = [by_id[named]] if named in by_id else ([] if named else doc.blocks)
    left, right = (_fold(x) for x in _context_parts(change))
    target = _fold(change.after)
    if not left and not right and not target.strip():
        return None  # a line joined with a space, no context kept: only its source line
    if not target:  # a deletion: the place is where its left context now ends
        target, left = left.rstrip()[-12:], left.rstrip()[:-12]
        if not target:
            return None
    best: tuple[tuple[int, bool], Block, int] | None = None
    for block in blocks:
        text = _fold(block.text)
        at = text.find(target)
        while at != -1:
            rank = (_likeness(text, at, at + len(target), left, right),
                    (block.id, at) not in taken)
            if best is None or rank > best[0]:  # ties: the first in reading order
                best = (rank, block, at)
            at = text.find(target, at + 1)
    if best is None:
        return None
    _, block, best_at = best
    if change.after:
        taken.add((block.id, best_at))
        return Place(block.id, best_at, best_at + len(change.after))
    end = best_at + len(target)
    return Place(block.id, end, end)


# --- what changed since the last round ----------------------------------------------------


@dataclass
class Item:
    """One line of the change list."""

    kind: str  # "replaced", "inserted", "deleted", "spacing", "block", "metadata", a rule
    before: str
    after: str
    place: Place | None = None
    note: str = ""
    source: str = ""  # where the source had it ("line 484"), for the cleaner's changes
    where: str = ""  # "p. 47, l. 312", filled once the proof is typeset
    by: str = ""


@dataclass
class Differences:
    """Round n against round n − 1: the items, and the words to mark in the proof."""

    items: list[Item] = field(default_factory=list)
    marks: dict[str, dict[int, int]] = field(default_factory=dict)

    def mark(self, block: str, text: str, start: int, end: int, how: int) -> None:
        """Mark every word of ``text`` (the block's text now) that meets [start, end)."""
        spans = word_spans(text)
        hit = [s for s, e in spans if s < end and e > start] or [
            s for s, _ in spans[-1:] if start >= len(text)]
        for s in hit:
            marks = self.marks.setdefault(block, {})
            marks[s] = CHANGED if CHANGED in (how, marks.get(s)) else how


def mark_correction(diff: Differences, text: str, change: Change, place: Place) -> None:
    """Mark the words a correction changed: of "условиях формировать" → "условиях и
    формировать", only "и" (the words it kept are not news to a proofreader)."""
    if change.rule != "editor_correction":
        diff.mark(place.block, text, place.start, max(place.end, place.start + 1), BESIDE)
        return
    was, now = word_spans(change.before), word_spans(change.after)
    matcher = SequenceMatcher(None, [change.before[s:e] for s, e in was],
                              [change.after[s:e] for s, e in now], autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j2 > j1:
            diff.mark(place.block, text, place.start + now[j1][0], place.start + now[j2 - 1][1],
                      CHANGED)
        else:
            at = place.start + (now[j1][0] if j1 < len(now) else len(change.after))
            diff.mark(place.block, text, at, at + 1, BESIDE)


_FIELDS = ("role", "lang", "level", "number", "label", "run_in", "ref_list")


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff_documents(prev: Document, cur: Document) -> Differences:
    """Every word, block field and metadata value that differs between two rounds."""
    out = Differences()
    before = {b.id: b for b in prev.blocks}
    for block in cur.blocks:
        old = before.get(block.id)
        if old is None:
            out.items.append(Item("block added", "", _short(block.text),
                                  Place(block.id, 0, len(block.text))))
            out.mark(block.id, block.text, 0, len(block.text), CHANGED)
            continue
        for name in _FIELDS:
            was, now = getattr(old, name), getattr(block, name)
            if was != now:
                out.items.append(Item("block", f"{name}: {was}", f"{name}: {now}",
                                      Place(block.id, 0, 0)))
                out.mark(block.id, block.text, 0, 1, BESIDE)
        if old.text != block.text:
            _diff_text(out, block.id, old.text, block.text)
    kept = {b.id for b in cur.blocks}
    for i, old in enumerate(prev.blocks):
        if old.id in kept:
            continue
        after = next((b.id for b in prev.blocks[i + 1:] if b.id in kept), None)
        place = None
        if after is not None:
            place = Place(after, 0, 0)
            text = next(b.text for b in cur.blocks if b.id == after)
            out.mark(after, text, 0, 1, BESIDE)
        out.items.append(Item("block removed", _short(old.text), "", place))
    out.items += _diff_meta(prev, cur)
    return out


def _diff_text(out: Differences, block: str, old: str, new: str) -> None:
    """The word-level differences of one block's text (difflib on its words)."""
    was, now = word_spans(old), word_spans(new)
    matcher = SequenceMatcher(None, [old[s:e] for s, e in was], [new[s:e] for s, e in now],
                              autojunk=False)
    found = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        found = True
        gone = old[was[i1][0]:was[i2 - 1][1]] if i2 > i1 else ""
        came = new[now[j1][0]:now[j2 - 1][1]] if j2 > j1 else ""
        if came:
            start, end = now[j1][0], now[j2 - 1][1]
            out.mark(block, new, start, end, CHANGED)
        else:
            start = now[j1][0] if j1 < len(now) else len(new)
            end = start
            out.mark(block, new, start, start + 1, BESIDE)
        kind = "replaced" if gone and came else ("inserted" if came else "deleted")
        out.items.append(Item(kind, gone, came, Place(block, start, end)))
    if not found:  # the same words: a space changed kind (a no-break space added …)
        at = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b) \
            if any(a != b for a, b in zip(old, new, strict=False)) else min(len(old), len(new))
        out.items.append(Item("spacing", _spaces(old[max(0, at - 20):at + 20]),
                              _spaces(new[max(0, at - 20):at + 20]), Place(block, at, at)))
        out.mark(block, new, at, at + 1, BESIDE)


def _spaces(text: str) -> str:
    """Spaces of other kinds made visible: a no-break space as ⟨U+00A0⟩."""
    return "".join(f"⟨U+{ord(c):04X}⟩" if c.isspace() and c != " " else c for c in text)


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value, 1):
            out.update(_flat(v, f"{prefix} #{i}"))
        return out
    return {prefix: "" if value is None else str(value)}


def _meta_json(doc: Document) -> dict[str, Any]:
    from ..model import to_json

    return json.loads(to_json(doc)).get("meta", {})


def _diff_meta(prev: Document, cur: Document) -> list[Item]:
    was, now = _flat(_meta_json(prev)), _flat(_meta_json(cur))
    return [Item("metadata", f"{k}: {was[k]}" if k in was else "", f"{k}: {now[k]}"
                 if k in now else "") for k in sorted(set(was) | set(now))
            if was.get(k) != now.get(k)]


def _change_key(c: Change) -> tuple[str, ...]:
    return (c.rule, c.before, c.after, c.where, c.note)


def attach_notes(items: list[Item], doc: Document, prev: Document | None,
                 located: list[tuple[Change, Place | None]]) -> None:
    """A correction's note goes beside the words it changed, in the round that first
    prints it: the corrections not in the round before."""
    old = {_change_key(c) for c in prev.changes} if prev is not None else set()
    for change, place in located:
        if change.by != "editor" or not change.note or _change_key(change) in old:
            continue
        if place is None:
            continue
        near = [i for i in items if i.place and i.place.block == place.block
                and i.place.start <= max(place.end, place.start + 1) and
                place.start <= max(i.place.end, i.place.start + 1)]
        for item in near or [i for i in items if i.place and i.place.block == place.block][:1]:
            item.note = "; ".join(x for x in (item.note, change.note) if x)


# --- the rounds -------------------------------------------------------------------------


def rounds(folder: Path) -> list[int]:
    """The numbers of the rounds kept in ``folder`` (``proofs/<id>``), in order."""
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def latest_index(article: str) -> tuple[int, PlaceIndex] | None:
    """The last round of ``article`` and its places, if a round was kept."""
    folder = proofs_root() / article
    for n in reversed(rounds(folder)):
        path = folder / str(n) / "places.json"
        try:
            return n, PlaceIndex.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError):
            continue
    return None


def page_texts(pdf: Path) -> list[list[str]]:
    """Each page's words as pdftotext reads them, without line numbers (a line that
    is a number alone: lineno's margin numbers, and the folio) and the proof stamp."""
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        raise ProofError(pdf, f"pdftotext cannot read the PDF ({proc.stderr.strip()[:200]})")
    pages = proc.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    out = []
    for page in pages:
        lines = [ln for ln in page.split("\n")
                 if not ln.strip().isdigit() and not ln.strip().startswith(STAMP_PREFIX)]
        out.append(" ".join(lines).split())
    return out


def pagination_differences(journal: Path, proof: Path, shown: int = 8) -> list[str]:
    """Where the proof is paginated otherwise than the journal PDF (none: []): the
    page counts, and each page whose words differ, by the first word that differs."""
    a, b = page_texts(journal), page_texts(proof)
    found = []
    if len(a) != len(b):
        found.append(f"the proof has {len(b)} pages, the journal PDF {len(a)}")
    for n, (x, y) in enumerate(zip(a, b, strict=False), 1):
        if x != y:
            at = next((i for i, (u, v) in enumerate(zip(x, y, strict=False)) if u != v),
                      min(len(x), len(y)))
            found.append(f"page {n} differs from word {at + 1} on: "
                         f"“{' '.join(y[at:at + shown])}” in the proof, "
                         f"“{' '.join(x[at:at + shown])}” in the journal PDF")
    return found


@dataclass
class Round:
    """A proof round as made: where it is kept and what it lists."""

    number: int
    folder: Path
    pdf: Path
    changes: list[Item]
    since: list[Item]
    problems: list[str]
    pagination: list[str]


def make_proof(article: str, doc: Document, cleaned: Any, workdir: Path,
               journal: Path | None = None, date: dt.date | None = None,
               log: Callable[[str], None] = lambda s: None) -> Round:
    """Typeset round n of ``article``'s proof and keep it under ``proofs/<article>/<n>/``.

    ``cleaned`` is the clean stage's result (for the cleaning report); ``journal``
    the journal PDF to compare the pagination with, when there is one.
    """
    from ..model import document_from_json, to_json
    from .editions import make_edition
    from .latex import render_tex
    from .report import render_report
    from .typeset import typeset

    folder = proofs_root() / article
    kept = rounds(folder)
    number = (kept[-1] + 1) if kept else 1
    prev = None
    if kept:
        try:
            prev = document_from_json((folder / str(kept[-1]) / "document.json")
                                      .read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ProofError(folder / str(kept[-1]) / "document.json",
                             f"round {kept[-1]}'s document cannot be read ({exc})",
                             "remove that round's folder to start again from the one "
                             "before") from None
    day = date or dt.datetime.now(dt.UTC).date()
    located = []
    taken: set[tuple[str, int]] = set()
    for change in doc.changes:
        located.append((change, locate_change(doc, change, taken)))
    if prev is not None:
        diff = diff_documents(prev, doc)
    else:  # round 1 marks what the editor changed in the source's text
        diff = Differences()
        texts = {b.id: b.text for b in doc.blocks}
        for change, place in located:
            if change.by == "editor" and place is not None:
                mark_correction(diff, texts[place.block], change, place)
    attach_notes(diff.items, doc, prev, located)

    stamp = f"{STAMP_PREFIX} · round {number} · {day.isoformat()} · {article}"
    marks = ProofMarks(diff.marks, stamp)
    # LuaLaTeX runs in build/<id>/proof-tex/: the figures' pictures are in ../assets/.
    edition = make_edition(doc, "full", root=workdir.parent)
    tex = render_tex(edition, proof=marks)
    name = f"{article}.proof-{number}"
    # One job name for every round: a round after the first starts from the last
    # one's .aux and usually needs one LuaLaTeX pass, not two.
    job = "proof"
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".round-{number}.tmp"
    if staging.exists():  # left by a run that was killed
        shutil.rmtree(staging)
    staging.mkdir()
    # Typeset beside the log (the warnings name that file), then kept with the round.
    made = workdir / f"{name}.pdf"
    pdf = staging / made.name
    workdir.mkdir(parents=True, exist_ok=True)
    # The Lua that places the words runs from a file beside the .tex: TeX would
    # expand a \directlua argument, and luacode's old luatexbase fails with babel.
    atomic_write(workdir / "basma-proof.lua", template("proof.lua").read_bytes())
    places_file = workdir / f"{job}.places"
    places_file.unlink(missing_ok=True)
    try:
        typeset(tex, workdir, job, made)
        shutil.copyfile(made, pdf)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # a failed round is no round
        raise
    places, pages = read_places(places_file, marks.words)
    index = place_index(doc, marks, places)
    problems_file = workdir / f"{job}.problems"
    problems = [p for p in problems_file.read_text(encoding="utf-8").split("\n") if p] \
        if problems_file.exists() else []

    changes = []
    for change, place in located:
        kind = change.rule
        changes.append(Item(kind, change.before, change.after, place, change.note,
                            "" if change.where.startswith("block ") else change.where,
                            index.shown(place), change.by))
    for item in diff.items:
        item.where = index.shown(item.place)
    pagination = pagination_differences(journal, pdf) if journal and journal.exists() else []
    result = Round(number, folder / str(number), folder / str(number) / pdf.name, changes,
                   diff.items, problems, pagination)
    stamp_info = {"article": article, "round": number, "date": day.isoformat(),
                  "pdf": pdf.name, "pages": pages,
                  "journal": str(journal) if journal and journal.exists() else ""}
    atomic_write(staging / "document.json", to_json(doc))
    atomic_write(staging / "places.json", json.dumps({**stamp_info, **index.to_json()},
                                                     ensure_ascii=False))
    atomic_write(staging / "changes.html", render_changes_html(result, stamp_info))
    atomic_write(staging / "changes.txt", render_changes_text(result, stamp_info))
    report_pages = [c.where for c in changes]
    atomic_write(staging / "cleaning-report.html", render_report(
        doc, cleaned, pages=report_pages, problems=[(pdf.name, p) for p in problems]))
    try:
        os.rename(staging, folder / str(number))
    except OSError:
        raise ProofError(folder / str(number), "another proof run made this round meanwhile",
                         "run the proof again: it becomes the next round") from None
    log(f"{article}: proof round {number}, {len(pages)} pages")
    return result


# --- the change list -------------------------------------------------------------------------


#: A rule with more places than this is folded in the change list (275 ҥ → ү remaps).
FOLD_OVER = 12


def _groups(items: Iterable[Item]) -> list[dict[str, Any]]:
    from ..cleaner.plan import TITLES

    by: dict[str, list[Item]] = {}
    for item in items:
        by.setdefault(item.kind, []).append(item)
    return [{"rule": rule, "title": TITLES.get(rule, rule), "rows": rows,
             "folded": len(rows) > FOLD_OVER}
            for rule, rows in sorted(by.items(), key=lambda kv: (len(kv[1]), kv[0]))]


def render_changes_html(result: Round, info: dict[str, Any]) -> str:
    """The change list as one self-contained HTML page (autoescaped template)."""
    from .report import _environment, visible

    template("proof-changes.html.j2")  # recorded as read: the loader itself does not say
    page = _environment().get_template("proof-changes.html.j2")
    editor = [i for i in result.changes if i.by == "editor"]
    cleaner = [i for i in result.changes if i.by != "editor"]
    return page.render(info=info, round=result.number, since=result.since,
                       editor=editor, cleaner=_groups(cleaner), problems=result.problems,
                       pagination=result.pagination, visible=visible)


def render_changes_text(result: Round, info: dict[str, Any]) -> str:
    """The change list as plain text, one place a line: ``p. 47, l. 12  replaced  «a» → «b»``."""
    from .report import visible

    def row(item: Item) -> str:
        where = item.where or "not in the numbered text"
        what = f"«{visible(item.before, True)}» → «{visible(item.after, True)}»"
        extra = f"  (source {item.source})" if item.source else ""
        note = f"  — note: {visible(item.note)}" if item.note else ""
        return f"{where:<16} {item.kind:<14} {what}{extra}{note}"

    out = [f"Proof round {result.number} of {visible(info['article'])}, {info['date']}: "
           f"{visible(info['pdf'])}"]
    if result.pagination:
        out += ["", "Pagination differs from the journal PDF:"] + \
            [f"  {p}" for p in result.pagination]
    if result.number > 1:
        out += ["", f"Changed since round {result.number - 1} ({len(result.since)}):"]
        out += [row(i) for i in result.since] or ["  nothing"]
    out += ["", f"The editor's changes ({sum(i.by == 'editor' for i in result.changes)}):"]
    out += [row(i) for i in result.changes if i.by == "editor"] or ["  none"]
    out += ["", f"The cleaner's changes ({sum(i.by != 'editor' for i in result.changes)}):"]
    out += [row(i) for i in result.changes if i.by != "editor"] or ["  none"]
    out += ["", f"Typesetting warnings ({len(result.problems)}):"]
    out += [f"  {visible(p)}" for p in result.problems] or ["  none"]
    return "\n".join(out) + "\n"
