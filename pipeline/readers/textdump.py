"""The text-dump reader: the text a PDF tool left (the seed).

Such dumps put an empty line after every visual line and mark paragraph ends with
a line holding only spaces, or with a leading space on the next line. A dump has
no fonts, but a legacy body font leaves evidence in the glyphs themselves
(``_infer_fonts_from_glyphs``).
"""

from __future__ import annotations

import re
import statistics

from ..alphabet import LEGACY_UE, REAL_UE
from ..model import Extraction, Line, Run

_WORD = re.compile(r"\S+")


def _is_blank(line: str) -> bool:
    return line.strip() == ""


def read_text_dump(text: str, name: str) -> Extraction:
    """Lines of a PDF-to-text dump, with paragraph and page evidence.

    >>> dump = "First line of a\\n\\nparagraph.\\n \\nNext one\\n\\ngoes on.\\n\\n"
    >>> [(ln.text, ln.para_hint) for ln in read_text_dump(dump, "x.txt").lines]
    [('First line of a', True), ('paragraph.', False), ('Next one', True), ('goes on.', False)]
    >>> plain = "A paragraph\\nof two lines.\\n\\nAnother.\\n"
    >>> [(ln.text, ln.para_hint) for ln in read_text_dump(plain, "x.txt").lines]
    [('A paragraph', True), ('of two lines.', False), ('Another.', True)]
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    # Some tools put an empty line after every visual line ("double-spaced"
    # dumps, like the seed); there a paragraph end is a line of spaces. In an
    # ordinary text file an empty line itself ends the paragraph.
    text_lines = [i for i, ln in enumerate(raw_lines) if ln.strip()]
    followed = sum(1 for i in text_lines if i + 1 < len(raw_lines) and not raw_lines[i + 1].strip())
    # Such a dump marks paragraph ends (a line of spaces, an indent); a file without a
    # single marker is an ordinary one with a paragraph per line, blank lines between.
    markers = any(ln and (not ln.strip() or ln[0] in " \t") for ln in raw_lines)
    double_spaced = len(text_lines) >= 4 and followed > 0.9 * len(text_lines) and markers
    lines: list[Line] = []
    marker = False  # a paragraph marker was seen since the last text line
    empties = 0
    for number, raw_line in enumerate(raw_lines, 1):
        if raw_line == "":
            empties += 1
            marker = marker or not double_spaced
            continue
        if _is_blank(raw_line):
            marker = True
            continue
        # In a double-spaced dump, a text line right after another (no empty
        # line between) means the tool stitched two page streams together: a
        # page or column break.
        stitched = double_spaced and bool(lines) and empties == 0
        hint = marker or raw_line.startswith((" ", "\t"))
        lines.append(
            Line(
                runs=[Run(text=raw_line.strip())],
                number=number,
                para_hint=hint or not lines,
                page_break=stitched,
            )
        )
        marker = False
        empties = 0
    _set_fill(lines)
    notes = _infer_fonts_from_glyphs(lines)
    return Extraction(source=name, kind="text", lines=lines, notes=notes)


def _set_fill(lines: list[Line]) -> None:
    """Line length as a share of a full line, so a short paragraph end shows."""
    lengths = [len(ln.text) for ln in lines]
    if not lengths:
        return
    # A full line is what most long lines reach; the upper quartile is robust to
    # short paragraph ends and headings.
    full = statistics.quantiles(lengths, n=4)[2] if len(lengths) >= 4 else max(lengths)
    for ln in lines:
        ln.fill = round(min(1.0, len(ln.text) / full), 3) if full else 1.0


def _infer_fonts_from_glyphs(lines: list[Line]) -> list[str]:
    """Split lines into font runs where a text dump shows two fonts.

    A legacy body font turns ү into ҥ while bold and italic runs keep ү right. So
    in a dump where ҥ dominates, a word spelt with a real ү was set in another
    font: the only font evidence a text dump has. The run is marked ``font =
    "alt"``, a word with ҥ ``font = "legacy"``, and words with neither letter stay
    unmarked, because nothing shows their font.
    """
    legacy = sum(ln.text.count(LEGACY_UE) for ln in lines)
    real = sum(ln.text.count(REAL_UE) for ln in lines)
    if legacy < 20 or legacy < 3 * real or real == 0:
        return []
    alt_words = 0
    for ln in lines:
        text = ln.text
        words = list(_WORD.finditer(text))
        kinds = []
        for m in words:
            w = m.group()
            kinds.append("alt" if REAL_UE in w else "body" if LEGACY_UE in w else "neutral")
        # Words with neither letter stay neutral (font None): a dump cannot tell.
        marks = [None if k == "neutral" else k for k in kinds]
        if "alt" not in marks:
            continue
        alt_words += marks.count("alt")
        # Spaces between words stay with the run before them, so a run is a
        # clean phrase ("Билим берүүнү гумандаштыруу.") without leading blanks.
        runs: list[Run] = []
        for i, (m, mark) in enumerate(zip(words, marks, strict=True)):
            font = mark
            begin = 0 if i == 0 else m.start()
            stop = words[i + 1].start() if i + 1 < len(words) else len(text)
            if runs and runs[-1].font == font:
                runs[-1].text += text[begin:stop]
            else:
                runs.append(Run(text=text[begin:stop], font=font))
        ln.runs = [r for r in runs if r.text]
    return [
        f"font evidence: ҥ stands for ү {legacy} times in the body font; {alt_words} words "
        f"spelt with a real ү are set in another font (bold or italic runs)"
    ]
