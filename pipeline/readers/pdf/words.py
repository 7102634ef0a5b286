"""A row of glyphs into a line of text: words from gaps, runs by font, raised markers aside.

Justified lines carry no space glyphs, and a tight line's word space can be
narrower than a loose line's kerning, so every line sets its own threshold from
the histogram of its gaps (``space_threshold``). A line holding right-to-left
text is put back in logical order (``logical_order``).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from functools import cache

from ...model import Run
from .geometry import PageLine, baseline, glyph_size, is_letter

#: Word gaps are read in em of the line's font size. Inside a word glyphs touch
#: or are kerned by hundredths of an em; the tightest justified word space is
#: about 0.15 em. Gaps wider than ``GAP_CAP_EM`` are word spaces whatever the line.
GAP_CAP_EM = 0.25
#: Without two groups of gaps to tell apart, a line splits words here.
GAP_DEFAULT_EM = 0.12
#: A jump in a line's sorted gaps smaller than this is noise, not a boundary.
GAP_JUMP_EM = 0.05
#: A list marker before a hanging indent: dash, bullet (the cleaner's ``BULLET``s,
#: Word's Wingdings ones too), "1." / "1)" or "а)".
_MARKER = re.compile(r"[–—•·▪◦‣*⚫●◼■❑❖◆⮚➢-]|\d{1,2}[.)]|[а-яa-z]\)")


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi|-B\b|,B", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique|-I\b|,I", font, re.I))


@cache
def _base_font(font: str) -> str:
    """The font's name without the subset tag ("ABCDEF+PTSerif-Regular").

    Cached: one string per font, not one per character of the document.
    """
    return font.split("+", 1)[-1]


def space_threshold(gaps: list[float], size: float) -> float:
    """The gap (pt) above which two glyphs of this line belong to different words.

    A line's gaps fall into two groups, kerning inside words (around 0) and word
    spaces (0.15 em and up; on a loose justified line much more). Gaps are capped
    at ``GAP_CAP_EM`` (anything wider is a space), and the threshold goes in the
    middle of the widest jump between sorted gaps. A line whose gaps show no jump
    (a single word, or only spaces) falls back to ``GAP_DEFAULT_EM``.

    >>> space_threshold([0, 0, 1.7, 0, 1.7, 0], 10.0)   # tight justified line
    0.85
    >>> space_threshold([1.0, 1.1, 3.5, 0.9, 6.0], 10.0)  # tracked letters, loose spaces
    1.8
    >>> space_threshold([0, 0, 0], 10.0)
    1.2
    """
    cap = GAP_CAP_EM * size
    values = sorted({round(min(max(g, 0.0), cap), 2) for g in gaps})
    jump, threshold = GAP_JUMP_EM * size, GAP_DEFAULT_EM * size
    for a, b in zip(values, values[1:], strict=False):
        if b - a > jump:
            jump, threshold = b - a, round((a + b) / 2, 2)
    return threshold


#: A script is set smaller than its line and off its baseline, up or down by at
#: least this share of the line's size (TeX raises by ~0.35 em, lowers by ~0.15).
SCRIPT_SIZE = 0.8
RAISE_EM = 0.15
LOWER_EM = 0.08


def _script(c: dict, size: float, base: float) -> str | None:
    """"sup" or "sub" for a glyph set smaller than its line and off its baseline."""
    if glyph_size(c) >= SCRIPT_SIZE * size:
        return None
    shift = base - baseline(c)
    if shift > RAISE_EM * size:
        return "sup"
    if shift < -LOWER_EM * size:
        return "sub"
    return None


#: Fonts that set formulas: TeX's math italic, symbols, extensions, AMS and Euler
#: fonts, and OpenType math fonts (Cambria Math, Latin Modern Math, STIX Two Math).
_MATH_FONT = re.compile(r"^(CMMI|CMSY|CMEX|CMBSY|MSAM|MSBM|EUFM|EUFB|EUSM|EUSB|EURM|EURB|"
                        r"RSFS|STMARY|WASY|LASY)|Math", re.I)


def is_math(c: dict) -> bool:
    """A glyph of a formula: a Unicode math letter (U+1D400…) or a math font's glyph."""
    return "\U0001d400" <= c["text"][:1] <= "\U0001d7ff" or _is_math_font(c.get("fontname", ""))


@cache
def _is_math_font(font: str) -> bool:
    return bool(_MATH_FONT.search(_base_font(font)))


#: Note markers are numbers and the note symbols; raised letters are scripts.
_NOTE_MARK = re.compile(r"[\d*∗†‡§,]+")


def _is_note_mark(text: str, before: dict | None, math: set[int],
                  touching: dict | None = None) -> bool:
    """Whether a raised group is a footnote marker rather than an exponent.

    A marker is a number or a note symbol after a word or its punctuation
    ("known¹", "2019),³"); after a formula's glyph, a digit, a Greek letter, an
    operator or an opening bracket ("x²", "10⁵", "dΩ²", "= ¹") the same number is an
    exponent or a numerator, and raised letters ("Rⁿ", "Aᵀ") are one too. A number
    that a letter, a digit or a fraction slash touches on its right (``touching``, the
    glyph right after it) is part of what follows ("d³x", "¹⁄₄"): a marker ends its word.
    """
    if not _NOTE_MARK.fullmatch(text):
        return False
    if touching is not None and (touching["text"][:1].isalnum() or touching["text"][:1] in "⁄/"):
        return False
    if before is None:
        return True
    last = before["text"][-1:]
    # After an operator or an opening bracket it is a formula's: "= ¹⁄…", "+ x²".
    return not (id(before) in math or last.isdigit() or "\u0370" <= last <= "\u03ff"
                or last == "-" or (last != "" and unicodedata.category(last) in ("Sm", "Ps")))


#: Accents a typesetter (LaTeX's \' \^ \" …) draws as a glyph of their own over
#: a letter, and the combining mark each one is.
_ACCENTS = {"´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "^": "\u0302", "˜": "\u0303",
            "~": "\u0303", "¯": "\u0304", "˘": "\u0306", "˙": "\u0307", "¨": "\u0308",
            "˚": "\u030a", "˝": "\u030b", "ˇ": "\u030c", "¸": "\u0327", "˛": "\u0328"}
#: Dotless letters take their dot back under an accent above: ı + ´ is í.
_DOTLESS = {"ı": "i", "ȷ": "j"}
_BELOW = {"\u0327", "\u0328"}
#: The stroke TeX draws over l and L for ł and Ł (Unicode gives them no decomposition).
_STROKED = {"l": "ł", "L": "Ł"}


def accent_mark(text: str) -> str | None:
    """The combining mark an accent glyph stands for, or None if it is not one."""
    if len(text) != 1:
        return None
    if text in _ACCENTS:
        return _ACCENTS[text]
    return text if unicodedata.combining(text) else None


def _overlap(a: dict, b: dict) -> float:
    """How much of the narrower of two glyphs' x extents the other covers (0–1)."""
    if a["x1"] - a["x0"] < 0.5:  # a zero-width combining mark: where it stands
        x = (a["x0"] + a["x1"]) / 2
        return 1.0 if b["x0"] - 0.5 <= x <= b["x1"] + 0.5 else 0.0
    width = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
    return max(0.0, min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])) / width if width else 0.0


def compose_accents(glyphs: list[dict]) -> list[dict]:
    """Put accents drawn as glyphs of their own back on their letters (NFC).

    LaTeX sets "Física" as F, ´, ı, s, i, c, a: the accent is a glyph placed over
    a dotless ı, which a text layer gives as "F´ısica". An accent goes with the
    letter next to it whose box it overlaps most (at least 40 % of the narrower
    one); a dotless ı or ȷ under an accent above gets its dot back, and TeX's stroke
    over l or L (OT1's "suppress") makes ł or Ł. An accent over nothing (a typed ´
    or ^) stays as it is.

    >>> g = [{"text": t, "x0": x, "x1": x + w} for t, x, w in
    ...      [("F", 0, 6), ("´", 6.5, 4), ("ı", 6.4, 3), ("s", 9.4, 4)]]
    >>> "".join(c["text"] for c in compose_accents(g))
    'Fís'
    """
    if not any(accent_mark(c["text"]) for c in glyphs):
        return glyphs
    out = list(glyphs)
    drop: set[int] = set()
    for k, c in enumerate(glyphs):
        mark = accent_mark(c["text"])
        if mark is None:
            continue
        best, score = None, 0.4
        for j in (k - 1, k + 1, k - 2, k + 2):
            if 0 <= j < len(glyphs) and j not in drop and is_letter(glyphs[j]["text"]):
                o = _overlap(c, glyphs[j])
                if o > score:
                    best, score = j, o
        if best is None:
            continue
        letter = out[best]["text"]
        if mark == "\u0337" and letter[:1] in _STROKED:
            out[best] = dict(out[best], text=_STROKED[letter[:1]] + letter[1:])
            drop.add(k)
            continue
        if mark not in _BELOW:
            letter = _DOTLESS.get(letter[:1], letter[:1]) + letter[1:]
        out[best] = dict(out[best], text=unicodedata.normalize("NFC", letter + mark))
        drop.add(k)
    return [c for k, c in enumerate(out) if k not in drop]


def _split_gaps(pieces: list[list[dict]]) -> tuple[list[float], list[float]]:
    """The gaps inside pieces (between glyphs) and across space glyphs (between pieces)."""
    inner = [b["x0"] - a["x1"] for p in pieces for a, b in zip(p, p[1:], strict=False)]
    across = [b[0]["x0"] - a[-1]["x1"] for a, b in zip(pieces, pieces[1:], strict=False)]
    return inner, across


#: Where a line has space glyphs, a gap without one is a word gap only if it is at
#: least this share of the line's gaps at its spaces (its own word gap).
SPACED_WORD_SHARE = 0.6


def _words(chars: list[dict], size: float) -> list[list[dict]]:
    """Glyphs grouped into words: at a space glyph, or at a gap this line calls a space.

    A line with space glyphs shows its own word gap at them: a gap without a space
    is a word gap only when it comes near that (``SPACED_WORD_SHARE``), so the
    tracked letters of a heading or an OCR layer ("E x a c t") stay one word.
    Without space glyphs the line's gaps decide (``space_threshold``), and
    letter-spaced runs are joined by their own gaps (``join_letter_spaced``).
    """
    pieces: list[list[dict]] = [[]]
    for c in chars:
        if c["text"].isspace():
            pieces.append([])
        else:
            pieces[-1].append(c)
    pieces = [p for p in pieces if p]
    inner, across = _split_gaps(pieces)
    threshold = space_threshold(inner, size)
    if across:
        threshold = max(threshold, SPACED_WORD_SHARE * statistics.median(across))
    words: list[list[dict]] = []
    for piece in pieces:
        words.append([piece[0]])
        for a, b in zip(piece, piece[1:], strict=False):
            if b["x0"] - a["x1"] > threshold:
                words.append([b])
            else:
                words[-1].append(b)
    return words if across else join_letter_spaced(words)


#: A letter-spaced run: at least this many words of one or two letters in a row.
SPACED_RUN = 4
#: In a letter-spaced run, a word gap is at least this many times its letter gap.
SPACED_RATIO = 1.6


def join_letter_spaced(words: list[list[dict]]) -> list[list[dict]]:
    """Join the letters of letter-spaced words ("С Т А Н Д А Р Т") by the run's own gaps.

    A run of ``SPACED_RUN`` or more words of one or two letters is tracked text
    when its gaps fall into two groups (letters, and words ``SPACED_RATIO`` times
    wider): it is split only at the wide ones. With one group the run is one
    tracked word if its gaps are narrower than the line's other word gaps (or the
    line has no others); real one-letter words ("а в и") are spaced like the rest.

    >>> w = [[{"text": t, "x0": x, "x1": x + 4}] for t, x in
    ...      [("С", 0), ("Т", 6), ("А", 12), ("Н", 18), ("Д", 30), ("А", 36)]]
    >>> ["".join(c["text"] for c in word) for word in join_letter_spaced(w)]
    ['СТАН', 'ДА']
    """
    def short(word: list[dict]) -> bool:
        return len(word) <= 2 and all(is_letter(c["text"]) for c in word)

    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and short(words[j]):
            j += 1
        if j - i >= SPACED_RUN and sum(len(w) == 1 for w in words[i:j]) * 2 > j - i:
            runs.append((i, j))
        i = max(j, i + 1)
    if not runs:
        return words
    inside = {k for a, b in runs for k in range(a, b - 1)}
    others = [words[k + 1][0]["x0"] - words[k][-1]["x1"] for k in range(len(words) - 1)
              if k not in inside]
    out: list[list[dict]] = []
    k = 0
    for a, b in runs:
        out.extend(words[k:a])
        gaps = [words[m + 1][0]["x0"] - words[m][-1]["x1"] for m in range(a, b - 1)]
        low = min(gaps)
        split = _gap_split(gaps)
        if split is None:
            whole = not others or max(gaps) < 0.8 * statistics.median(others)
            split = max(gaps) + 1 if whole else low - 1
        out.append(list(words[a]))
        for m, gap in zip(range(a + 1, b), gaps, strict=True):
            if gap > split:
                out.append(list(words[m]))
            else:
                out[-1].extend(words[m])
        k = b
    out.extend(words[k:])
    return out


def _gap_split(gaps: list[float]) -> float | None:
    """The gap between a letter-spaced run's two groups of gaps, None if it has one group."""
    values = sorted(gaps)
    best, at = SPACED_RATIO, None
    for lo, hi in zip(values, values[1:], strict=False):
        ratio = hi / lo if lo > 0 else (SPACED_RATIO + 1 if hi > 0.5 else 0)
        if ratio >= best:
            best, at = ratio, (lo + hi) / 2
    return at


def _formula(units: list[tuple[str, dict | None]], math: set[int]) -> list[bool]:
    """Which units belong to a formula: its glyphs and what lies between two of them.

    Between two math glyphs, operators, digits, brackets and spaces (anything but
    a text letter) are the formula's too: "x ∈ R" is one stretch, however many
    fonts set it.
    """
    flags = [c is not None and id(c) in math for _, c in units]
    last = None
    for k, (text, c) in enumerate(units):
        if not flags[k]:
            if c is not None and is_letter(text):
                last = None
            continue
        if last is not None:
            for m in range(last + 1, k):
                flags[m] = True
        last = k
    return flags


def make_line(chars: list[dict], column: str) -> PageLine:
    """A row's text as runs, one per font, and where its text starts.

    Superscript numbers after a word are footnote markers: each stays in place as
    a run of its own (``Run.script`` "note", which the segmenter links to its
    note) and is listed in ``marks`` (a note below must have been referred to),
    except a number opening the line, which is kept aside as ``note_mark`` (a
    footnote's own). Other sub- and superscripts stay in place as runs of their
    own (``Run.script`` "sub"/"sup"); the glyphs of a formula are marked (``Run.math``).
    Accents drawn apart are put back on their letters (``compose_accents``). A
    space goes with the run before it.
    """
    ink = [c for c in chars if not c["text"].isspace()]
    size = Counter(round(glyph_size(c), 1) for c in ink).most_common(1)[0][0]
    base = statistics.median(baseline(c) for c in ink if round(glyph_size(c), 1) == size)
    chars = compose_accents(chars)
    ink = [c for c in chars if not c["text"].isspace()]
    scripts = {id(c): s for c in ink if (s := _script(c, size, base)) is not None}
    lead = 0
    while lead < len(ink) - 1 and scripts.get(id(ink[lead])) == "sup":
        lead += 1  # a glyph of the line's own size stops it
    math = {id(c) for c in ink if is_math(c)}
    marks: list[str] = []
    k = lead
    while k < len(ink):
        if scripts.get(id(ink[k])) != "sup":
            k += 1
            continue
        group = [ink[k]]
        while k + len(group) < len(ink) and scripts.get(id(ink[k + len(group)])) == "sup" and (
                ink[k + len(group)]["x0"] - group[-1]["x1"] < 0.3 * size):
            group.append(ink[k + len(group)])
        before = ink[k - 1] if k else None
        nxt = ink[k + len(group)] if k + len(group) < len(ink) else None
        touching = nxt if nxt is not None and nxt["x0"] - group[-1]["x1"] < 0.15 * size else None
        text = "".join(c["text"] for c in group)
        if _is_note_mark(text, before, math, touching):
            marks.append(text)
            scripts.update((id(c), "note") for c in group)
            math.difference_update(id(c) for c in group)  # a "∗" set in a math font
        elif before is not None and id(before) in math:
            math.update(id(c) for c in group)
        k += len(group)
    lead_ids = {id(c) for c in ink[:lead]}
    kept = [c for c in chars if id(c) not in lead_ids]
    _scripts_of_math(kept, scripts, math)
    words = _attach_marks(_words(kept, size), scripts)
    if any(_RTL_BLOCKS.match(c["text"][:1]) for c in kept):
        words = split_scripts(words)
    units: list[tuple[str, dict | None]] = []  # glyphs, and None for a word space
    for i, word in enumerate(words):
        if i:
            units.append((" ", None))
        units.extend((c["text"], c) for c in word)
    if _RTL_BLOCKS.search("".join(u for u, _ in units)):
        units = rtl_units(units)
    in_formula = _formula(units, math) if math else [False] * len(units)
    runs = _runs(units, scripts, in_formula)
    first = "".join(c["text"] for c in words[0])
    marker = len(words) > 1 and _MARKER.fullmatch(first)
    glyphs = [c for word in words for c in word]
    return PageLine(runs, glyphs[0]["x0"], max(c["x1"] for c in glyphs),
                    min(c["top"] for c in glyphs), max(c["bottom"] for c in glyphs), size,
                    column, words[1][0]["x0"] if marker else glyphs[0]["x0"],
                    "".join(c["text"] for c in ink[:lead]), tuple(marks))


def _attach_marks(words: list[list[dict]], scripts: dict[int, str]) -> list[list[dict]]:
    """Words with each note mark set apart by a gap or a space given back to the word
    before it: a mark follows its word ("сөз¹"), it is never a word of its own."""
    out: list[list[dict]] = []
    for word in words:
        if out and all(scripts.get(id(c)) == "note" for c in word):
            out[-1].extend(word)
        else:
            out.append(word)
    return out


def _scripts_of_math(glyphs: list[dict], scripts: dict[int, str], math: set[int]) -> None:
    """A script whose base is a formula's glyph is the formula's too ("x" "i" in xᵢ)."""
    before = None
    for c in glyphs:
        if c["text"].isspace():
            before = None
            continue
        if id(c) in scripts and before is not None and id(before) in math:
            math.add(id(c))
        if id(c) not in scripts:
            before = c


def _runs(units: list[tuple[str, dict | None]], scripts: dict[int, str],
          in_formula: list[bool]) -> list[Run]:
    """Units as runs: a new run where the font, the script or being in a formula changes.

    Texts are collected in lists and joined once, so a line of any length is
    joined in one pass.
    """
    runs: list[Run] = []
    texts: list[list[str]] = []
    for (text, c), formula in zip(units, in_formula, strict=True):
        if c is None:
            texts[-1].append(text)
            continue
        font = _base_font(c.get("fontname", ""))
        script = scripts.get(id(c))
        math = True if formula else None
        last = runs[-1] if runs else None
        if last is not None and (last.font, last.script, last.math) == (font, script, math):
            texts[-1].append(text)
        else:
            runs.append(Run("", font, round(glyph_size(c), 2), _is_bold(font), _is_italic(font),
                            script, math))
            texts.append([text])
    for run, parts in zip(runs, texts, strict=True):
        run.text = "".join(parts)
    return runs


#: Hebrew, Arabic, Syriac, Thaana, N'Ko … and their presentation forms: a line
#: without any is left as it is, without asking unicodedata about each character.
_RTL_BLOCKS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _direction(text: str) -> str | None:
    """"R" for a right-to-left letter, "L" for a left-to-right one, None otherwise."""
    if not text[:1].isalpha():
        return None
    return "R" if _RTL_BLOCKS.match(text[:1]) else "L"


def split_scripts(words: list[list[dict]]) -> list[list[dict]]:
    """Split words where right-to-left letters meet left-to-right ones with no gap.

    An Arabic line's generator places a Latin word (Python) against the Arabic word
    beside it, the space drawn on its other side: no word changes direction, so a
    change between two letters is a word boundary. Digits and marks stay with the
    letters around them.

    >>> w = [[{"text": t} for t in "مPython"]]
    >>> ["".join(c["text"] for c in word) for word in split_scripts(w)]
    ['م', 'Python']
    """
    out: list[list[dict]] = []
    for word in words:
        out.append([word[0]])
        last = _direction(word[0]["text"])
        for c in word[1:]:
            here = _direction(c["text"])
            if here and last and here != last:
                out.append([c])
            else:
                out[-1].append(c)
            last = here or last
    return out


def _levels(units: list[str]) -> list[int]:
    """Embedding levels of a line's glyphs, the Unicode bidi algorithm's rules cut down
    to one line without explicit controls (a glyph is judged by its first character).

    The base direction is that of the line's majority of strong characters. Right-to-left
    letters take an odd level, left-to-right ones an even level, digits one above an
    odd base or after right-to-left letters; a neutral takes the level of the
    strong characters on both sides if they agree, else the base level.
    """
    import unicodedata

    kinds = [unicodedata.bidirectional(u[0]) if u else "ON" for u in units]
    rtl = sum(k in ("R", "AL") for k in kinds)
    base = 1 if rtl > sum(k == "L" for k in kinds) else 0
    levels: list[int | None] = []
    last_strong = base
    for k in kinds:
        if k in ("R", "AL"):
            last_strong = 1
            levels.append(1)
        elif k == "L":
            last_strong = 0
            levels.append(base + 1 if base else 0)
        elif k in ("EN", "AN"):
            levels.append(2 if base or last_strong == 1 or k == "AN" else 0)
        elif k == "NSM":  # a combining mark goes with the glyph before it
            levels.append(levels[-1] if levels else None)
        else:
            levels.append(None)
    resolved = [lv if lv is not None else base for lv in levels]
    i = 0
    while i < len(levels):
        if levels[i] is not None:
            i += 1
            continue
        j = i
        while j < len(levels) and levels[j] is None:
            j += 1
        before = levels[i - 1] if i else None
        after = levels[j] if j < len(levels) else None
        # Digits count as the side they are embedded in (rule N1): compare parities.
        if before is not None and after is not None and before % 2 == after % 2:
            resolved[i:j] = [min(before, after)] * (j - i)
        i = j
    return resolved


def _visual_to_logical(units: list[str]) -> list[int]:
    """The order in which to read glyphs given in visual order, and which are mirrored.

    Reordering by embedding levels (rule L2: reverse every stretch at or above
    each level, from the highest down to the lowest odd one) is its own inverse,
    so the same reversal turns the visual order back into the logical one.
    """
    levels = _levels(units)
    order = list(range(len(units)))
    for level in range(max(levels, default=0), 0, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return [k if levels[k] % 2 == 0 else -1 - k for k in order]


def logical_order(text: str) -> str:
    """A line read in visual order (left to right on the page) back in logical order.

    PDFs place right-to-left text glyph by glyph from the left, so an Arabic line
    comes out reversed. Glyphs at odd levels are mirrored back ("(" drawn as ")").

    >>> logical_order("ملاعلا Python 2020 ابحرم")  # an English run in an Arabic line
    'مرحبا Python 2020 العالم'
    >>> logical_order("see (ملاعلا) here")
    'see (العالم) here'
    """
    return "".join(text[k] if k >= 0 else text[-1 - k].translate(_MIRRORED)
                   for k in _visual_to_logical(list(text)))


def rtl_units(units: list[tuple[str, dict | None]]) -> list[tuple[str, dict | None]]:
    """A line's glyphs (and word spaces) in logical order when it holds right-to-left text.

    Glyphs move whole: a lam-alef ligature's two letters, already in logical
    order inside the glyph, stay so. A word space the reordering puts at either
    end of the line goes.
    """
    out = [units[k] if k >= 0 else (units[-1 - k][0].translate(_MIRRORED), units[-1 - k][1])
           for k in _visual_to_logical([u for u, _ in units])]
    while out and out[0][1] is None:
        out.pop(0)
    while out and out[-1][1] is None:
        out.pop()
    return out


#: A lone formula letter: one or two Latin or Greek letters standing as a word
#: (accents over them, ŵ, are a formula's too).
_LONE_LETTER = re.compile(r"[A-Za-zΑ-Ωα-ωϑϕϖϵ]{1,2}")
#: A font is a formula alphabet of the document when at least this share of its
#: runs with letters are lone letters, and there are at least ``MATH_ALPHABET_MIN``.
MATH_ALPHABET_SHARE = 0.8
MATH_ALPHABET_MIN = 3
#: The names of functions and operators a formula sets upright in the text font
#: (TeX's ``\log``, ``\arg\min``, and the Russian tradition's tg, sh).
OPERATOR_NAMES = frozenset(
    "arccos arcsin arctan arctg arg argmax argmin ch cos cosh cot coth csc ctg cth deg det "
    "diag dim exp gcd hom inf ker lg lim liminf limsup ln log max min mod rank sec sgn sh "
    "sign sin sinh sup tan tanh tg th tr".split())
_WORD = re.compile(r"[^\W\d_]+")


def _bare(text: str) -> str:
    """Letters without the accents over them ("ŵ" → "w")."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))


def _lone(run: Run) -> bool:
    return not run.math and not run.script and bool(
        _LONE_LETTER.fullmatch(_bare(run.text.strip())))


def mark_formulas(lines: list) -> list[str]:
    """Find the formula runs that glyph by glyph could not be told apart from text.

    Four kinds, with the document or the line as evidence:

    * a font the document uses only for formula letters (``formula_alphabets``):
      its lone letters, with the scripts after them;
    * operator names (``OPERATOR_NAMES``: "arg min", "exp", "log") next to a
      formula run, and the runs beside a formula of a font the document sets
      only beside formulas (``formula_fonts``: CMR12's "= 93" where the text is
      cm-super);
    * a line whose ink is mostly a formula's and whose other runs hold no letter
      (a display formula's numerator "1", its number "(5)").

    Between two formula runs of a line, what holds no letter of its own becomes
    the formula's (``_bridge_math``). Returns the notes (one per font of lone letters).
    """
    fonts = formula_alphabets(lines)
    marked: Counter[str] = Counter()
    for ln in lines:
        runs = ln.runs
        for k, run in enumerate(runs):
            if run.font in fonts and _lone(run):
                run.math = True
                marked[run.font] += 1
                for after in runs[k + 1:]:  # its scripts: xᵢ, W_RBM
                    if not after.script or run.text[-1:].isspace():
                        break
                    after.math = True
                    if after.text[-1:].isspace():
                        break
    beside = formula_fonts(lines)  # with the lone letters now formulas
    for ln in lines:
        runs = ln.runs
        if any(r.math for r in runs):
            _operators(runs, beside)
            _bridge_math(runs)
            _display_line(runs)
    for ln in lines:
        for run in ln.runs:
            if run.math and run.script == "note":
                run.script = "sup"  # a formula's exponent after all ("x²" of a lone x)
    return [f"font {font}: {n} lone letters read as formula letters (the document sets no "
            f"words in it)" for font, n in sorted(marked.items())]


def formula_alphabets(lines: list) -> set[str | None]:
    """The fonts the document sets only lone formula letters in.

    LaTeX sets a vector (``\\mathbf{x}``) or an upright symbol in a text font,
    CMBX or CMR, which the font's name cannot tell from a heading's. What tells is
    how the document uses it: where a text is set in other fonts (cm-super, a
    Cyrillic Type 3 font), such a font's runs are lone Latin or Greek letters
    ("x", "W") beside formulas, never words. A font whose runs with letters are
    ``MATH_ALPHABET_SHARE`` lone letters or more, at least a third of them on a
    line that has a formula, is one.
    """
    lone: Counter[str | None] = Counter()
    lettered: Counter[str | None] = Counter()
    beside: Counter[str | None] = Counter()
    for ln in lines:
        has_math = any(r.math for r in ln.runs)
        for run in ln.runs:
            if run.math or run.script or not any(ch.isalpha() for ch in run.text):
                continue
            lettered[run.font] += 1
            if _lone(run):
                lone[run.font] += 1
                beside[run.font] += has_math
    return {f for f, n in lone.items() if n >= MATH_ALPHABET_MIN
            and n >= MATH_ALPHABET_SHARE * lettered[f] and 3 * beside[f] >= n}


def formula_fonts(lines: list) -> set[str | None]:
    """The fonts the document sets beside formulas only (outside them): part of them.

    A font with at least two runs outside formulas, ``FORMULA_FONT_SHARE`` of them
    next to a formula run, and no word of three letters or more that is not an
    operator name, unless every one of its runs is next to a formula (a
    subscript's "vis" set in a text font of its own size).
    """
    runs: Counter[str | None] = Counter()
    beside: Counter[str | None] = Counter()
    wordy: Counter[str | None] = Counter()
    for ln in lines:
        inked = [r for r in ln.runs if r.text.strip()]
        if not any(r.math for r in inked):
            for r in inked:
                runs[r.font] += 1
                wordy[r.font] += _wordy(r)
            continue
        for k, r in enumerate(inked):
            if r.math:
                continue
            runs[r.font] += 1
            wordy[r.font] += _wordy(r)
            beside[r.font] += bool((k and inked[k - 1].math)
                                   or (k + 1 < len(inked) and inked[k + 1].math))
    return {f for f, n in beside.items() if runs[f] >= 2 and n >= FORMULA_FONT_SHARE * runs[f]
            and (not wordy[f] or n == runs[f])}


#: A font is set beside formulas only when at least this share of its runs outside
#: them stand next to one (``formula_fonts``).
FORMULA_FONT_SHARE = 0.8


def _wordy(run: Run) -> bool:
    """Whether a run holds a word (three letters or more) that is no operator name."""
    return any(len(w) >= 3 and w not in OPERATOR_NAMES for w in _WORD.findall(run.text))


def _operators(runs: list[Run], fonts: set[str | None] = frozenset()) -> None:
    """Runs next to a formula run that are operator names ("arg min", "exp("), or are
    set in a font the document sets beside formulas only (``fonts``), become the
    formula's.

    Repeated until nothing changes, so "ŵ = arg min S" is one formula however its
    runs fall.
    """
    def operator(run: Run) -> bool:
        if run.font in fonts:
            return True
        words = _WORD.findall(run.text)
        return bool(words) and all(w in OPERATOR_NAMES for w in words)

    inked = [r for r in runs if r.text.strip()]
    changed = True
    while changed:
        changed = False
        for k, run in enumerate(inked):
            if not run.math and operator(run) and (
                    (k and inked[k - 1].math) or (k + 1 < len(inked) and inked[k + 1].math)):
                run.math = changed = True


def _display_line(runs: list[Run]) -> None:
    """A line that is mostly a formula, with no letter outside it, is the formula's whole."""
    ink = [(r, sum(not ch.isspace() for ch in r.text)) for r in runs]
    inside = sum(n for r, n in ink if r.math)
    outside = [r for r, n in ink if n and not r.math]
    if outside and inside >= sum(n for r, n in ink if not r.math) and not any(
            is_letter(ch) for r in outside for ch in r.text):
        for r in outside:
            r.math = True


def _bridge_math(runs: list[Run]) -> None:
    """Runs between two formula runs of a line that have no letter become the formula's."""
    last = None
    for k, run in enumerate(runs):
        if run.math:
            if last is not None:
                for between in runs[last + 1:k]:
                    between.math = True
            last = k
        elif any(is_letter(ch) for ch in run.text):
            last = None
