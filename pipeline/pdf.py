"""PDF reading for the extract stage: characters → words → lines → reading order.

pdfplumber gives characters with their font and position; everything else is
decided here from geometry, because journal PDFs break naive text extraction:

* word gaps: justified lines carry no space glyphs, so a gap is a space when it
  is wide for *this line's* font size (``_line_text``), not by a fixed tolerance;
* columns: a gutter that no line crosses splits a page's body (``_columns``);
  full-width front matter above it is read first;
* page furniture: lines near the top or bottom edge that repeat across pages
  (digits ignored) or are bare page numbers are dropped (``_furniture``);
* footnotes: smaller text at the foot of the page, under the body (``_footnotes``);
* overprinted (fake-bold) duplicate characters are dropped.

A PDF without a text layer goes through Tesseract OCR (kir+rus+eng) when it is
installed; otherwise the editor is told so.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .model import Extraction, Line, Run

#: Tesseract languages: Kyrgyz first, since the journal's legacy archive is Kyrgyz.
OCR_LANGS = "kir+rus+eng"
#: Refuse PDFs longer than this rather than run for hours on a mistaken upload.
MAX_PAGES = 2000


@dataclass
class _Line:
    """A line of one page while it is being read, before it becomes a model Line."""

    chars: list[dict]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    page: int
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi|-B\b|,B", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique|-I\b|,I", font, re.I))


def _base_font(font: str) -> str:
    return font.split("+", 1)[-1]


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop fake-bold overprints: the same glyph drawn again a fraction of a point away."""
    out: list[dict] = []
    seen: dict[tuple[str, int, int], dict] = {}
    for c in chars:
        key = (c["text"], round(c["x0"] * 2), round(c["top"] * 2))
        near = seen.get(key)
        if near is not None:
            continue
        seen[key] = c
        out.append(c)
    return out


def _group_lines(chars: list[dict], page: int) -> list[_Line]:
    """Cluster characters into lines by baseline, tolerant of superscripts."""
    chars = sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"]))
    lines: list[_Line] = []
    for c in chars:
        size = c.get("size") or (c["bottom"] - c["top"])
        for line in reversed(lines[-4:]):
            if abs(line.bottom - c["bottom"]) <= max(1.5, 0.35 * line.size) or (
                # A superscript sits higher but inside the line's height.
                size < 0.8 * line.size and line.top - 1 <= c["top"] <= line.bottom
            ):
                line.chars.append(c)
                line.x0, line.x1 = min(line.x0, c["x0"]), max(line.x1, c["x1"])
                line.top = min(line.top, c["top"])
                break
        else:
            lines.append(_Line([c], c["top"], c["bottom"], c["x0"], c["x1"], size, page))
    for line in lines:
        sizes = Counter(round(c.get("size") or 0, 1) for c in line.chars)
        line.size = sizes.most_common(1)[0][0] or line.size
        line.chars.sort(key=lambda c: c["x0"])
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def _split_segments(line: _Line, gutter_gap: float) -> list[_Line]:
    """Split a physical line where a horizontal gap is wide enough to be a gutter."""
    parts: list[list[dict]] = [[line.chars[0]]]
    for prev, c in zip(line.chars, line.chars[1:], strict=False):
        if c["x0"] - prev["x1"] > gutter_gap:
            parts.append([c])
        else:
            parts[-1].append(c)
    if len(parts) == 1:
        return [line]
    out = []
    for chars in parts:
        out.append(_Line(chars, min(c["top"] for c in chars), max(c["bottom"] for c in chars),
                         chars[0]["x0"], max(c["x1"] for c in chars), line.size, line.page))
    return out


def _line_text(line: _Line, body_size: float) -> None:
    """Build runs with spaces decided from gaps relative to the font size."""
    runs: list[Run] = []
    prev = None
    for c in line.chars:
        text = c["text"]
        size = c.get("size") or line.size
        if size < 0.75 * line.size and c["bottom"] < line.bottom - 0.2 * line.size:
            continue  # a superscript footnote marker: not part of the text
        font = _base_font(c.get("fontname", ""))
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            # Kerning and tracking stay under ~0.1 em; the tightest justified
            # word space is ~0.15 em. The threshold follows this line's size.
            if gap > 0.1 * max(size, prev.get("size") or size) and text != " " and (
                prev["text"] != " "
            ):
                text = " " + text
        if text.strip() == "" and runs and runs[-1].text.endswith(" "):
            prev = c
            continue
        bold, italic = _is_bold(font), _is_italic(font)
        if runs and runs[-1].font == font:
            runs[-1].text += text
        else:
            if text.startswith(" ") and runs:
                runs[-1].text += " "
                text = text[1:]
            runs.append(Run(text, font, round(size, 2), bold, italic))
        prev = c
    line.runs = [r for r in runs if r.text]


def _columns(lines: list[_Line], width: float) -> float | None:
    """The x of a gutter between two columns, if the page has one."""
    narrow = [ln for ln in lines if ln.x1 - ln.x0 < 0.6 * width]
    if len(narrow) < 6:
        return None
    mid_lo, mid_hi = 0.3 * width, 0.7 * width
    candidates = []
    for x in range(int(mid_lo), int(mid_hi), 2):
        crossing = sum(1 for ln in lines if ln.x0 < x < ln.x1)
        left = sum(1 for ln in narrow if ln.x1 <= x)
        right = sum(1 for ln in narrow if ln.x0 >= x)
        if left >= 3 and right >= 3:
            candidates.append((crossing, -min(left, right), x))
    if not candidates:
        return None
    crossing, _, x = min(candidates)
    body = [ln for ln in lines if ln.x1 - ln.x0 > 0.1 * width]
    return float(x) if crossing <= 0.15 * len(body) else None


def _reading_order(lines: list[_Line], gutter: float | None) -> list[list[_Line]]:
    """Lines in reading order, grouped in flows (full width, left column, right …)."""
    if gutter is None:
        return [lines]
    flows: list[list[_Line]] = []
    left: list[_Line] = []
    right: list[_Line] = []

    def flush() -> None:
        if left:
            flows.append(list(left))
        if right:
            flows.append(list(right))
        left.clear()
        right.clear()

    for ln in lines:
        if ln.x0 < gutter < ln.x1:
            flush()
            if flows and flows[-1] and flows[-1][-1].x0 < gutter < flows[-1][-1].x1:
                flows[-1].append(ln)
            else:
                flows.append([ln])
        elif ln.x1 <= gutter:
            left.append(ln)
        else:
            right.append(ln)
    flush()
    return flows


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _furniture(pages: list[list[_Line]], heights: list[float]) -> set[int]:
    """ids of lines that are running heads, footers or page numbers."""
    zone: list[tuple[int, _Line]] = []
    for lines, h in zip(pages, heights, strict=True):
        for ln in lines:
            if ln.top < 0.1 * h or ln.bottom > 0.9 * h:
                zone.append((id(ln), ln))
    counts = Counter(_norm(ln.text) for _, ln in zone)
    drop = set()
    for key, ln in zone:
        text = ln.text.strip()
        if re.fullmatch(r"[\W\d]*\d+[\W\d]*|[ivxlc]+", text, re.I):
            drop.add(key)  # a page number
        elif counts[_norm(text)] >= 2 and len(pages) >= 2:
            drop.add(key)
    return drop


def _footnotes(lines: list[_Line], body_size: float, height: float) -> list[_Line]:
    """The block of smaller lines at the foot of the page, if any."""
    notes: list[_Line] = []
    for ln in reversed(lines):
        if ln.size < 0.92 * body_size and ln.top > 0.5 * height:
            notes.append(ln)
        else:
            break
    return list(reversed(notes))


def _to_model(
    flows: list[list[_Line]], body_size: float, page_no: int, first_on_page: bool
) -> list[Line]:
    out: list[Line] = []
    for f, flow in enumerate(flows):
        if not flow:
            continue
        left = min(ln.x0 for ln in flow)
        right = max(ln.x1 for ln in flow)
        width = max(1.0, right - left)
        pitches = [b.top - a.top for a, b in zip(flow, flow[1:], strict=False) if b.top > a.top]
        pitch = statistics.median(pitches) if pitches else body_size * 1.2
        for i, ln in enumerate(flow):
            indent = ln.x0 - left > 0.8 * ln.size
            gap = i > 0 and ln.top - flow[i - 1].top > 1.4 * pitch
            centred = abs((ln.x0 - left) - (right - ln.x1)) < 2 and ln.x1 - ln.x0 < 0.8 * width
            out.append(Line(
                runs=ln.runs,
                page=page_no,
                fill=round(min(1.0, (ln.x1 - left) / width), 3),
                para_hint=bool(indent or gap or centred or i == 0 and f > 0 and gap),
                page_break=(i == 0 and (f > 0 or first_on_page) and page_no > 1) or (
                    i == 0 and f > 0),
                x0=round(ln.x0, 1),
                top=round(ln.top, 1),
                size=ln.size,
            ))
    return out


def read_pdf(raw: bytes, name: str) -> Extraction:
    """Extract lines (with fonts and paragraph evidence) from a PDF's bytes."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        n_pages = len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(name, "the PDF is encrypted", "send a copy without a password") from None
    except PDFSyntaxError:
        raise InputError(name, "the PDF is damaged or incomplete",
                         "send the file again (it may have been cut off)") from None
    except Exception as exc:  # pdfminer raises many types on broken files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise InputError(name, "the PDF is encrypted",
                             "send a copy without a password") from None
        raise InputError(name, f"the PDF cannot be read ({type(exc).__name__})",
                         "send the file again or export it anew") from None
    with pdf:
        if n_pages == 0:
            raise InputError(name, "the PDF has no pages", "send the complete PDF")
        if n_pages > MAX_PAGES:
            raise InputError(name, f"the PDF has {n_pages} pages, over the {MAX_PAGES} limit",
                             "split it into articles")
        pages: list[list[_Line]] = []
        heights: list[float] = []
        widths: list[float] = []
        try:
            for page in pdf.pages:
                chars = [c for c in page.chars if c.get("upright", True) and c["text"]]
                lines = _group_lines(_dedupe(chars), page.page_number)
                pages.append(lines)
                heights.append(float(page.height))
                widths.append(float(page.width))
                page.close()  # pdfplumber caches every page's objects otherwise
        except Exception as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(name, f"the PDF is damaged ({type(exc).__name__})",
                             "send the file again or export it anew") from None
    if not any(pages):
        return _ocr(raw, name, n_pages)

    sizes = Counter(round(ln.size, 1) for lines in pages for ln in lines for _ in ln.chars)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    for lines, w in zip(pages, widths, strict=True):
        split = []
        for ln in lines:
            split.extend(_split_segments(ln, max(2.0 * body_size, 0.03 * w)))
        lines[:] = split
        for ln in lines:
            _line_text(ln, body_size)
        lines[:] = [ln for ln in lines if ln.text.strip()]
    furniture = _furniture(pages, heights)
    out: list[Line] = []
    notes: list[Line] = []
    removed = 0
    for p, (lines, h, w) in enumerate(zip(pages, heights, widths, strict=True), 1):
        kept = [ln for ln in lines if id(ln) not in furniture]
        removed += len(lines) - len(kept)
        foot = _footnotes(kept, body_size, h)
        body = kept[: len(kept) - len(foot)]
        gutter = _columns(body, w)
        out.extend(_to_model(_reading_order(body, gutter), body_size, p, True))
        for ln in foot:
            notes.append(Line(runs=ln.runs, page=p, size=ln.size, x0=round(ln.x0, 1),
                              top=round(ln.top, 1), para_hint=bool(re.match(r"\s*\d", ln.text))))
    notes = _merge_notes(notes)
    return Extraction(
        source=name, kind="pdf", lines=out, pages=n_pages, footnotes=notes,
        notes=[f"{n_pages} pages; body text {body_size} pt; {removed} running-head, footer "
               f"or page-number lines removed; {len(notes)} footnotes"],
    )


def _merge_notes(lines: list[Line]) -> list[Line]:
    """Footnote lines → one Line per note (a note starts with its number)."""
    merged: list[Line] = []
    for ln in lines:
        if merged and not ln.para_hint:
            merged[-1].runs[-1].text = merged[-1].runs[-1].text.rstrip()
            if merged[-1].runs[-1].text.endswith("-") and ln.text[:1].islower():
                merged[-1].runs[-1].text = merged[-1].runs[-1].text[:-1]
            else:
                merged[-1].runs[-1].text += " "
            merged[-1].runs.extend(ln.runs)
        else:
            merged.append(ln)
    return merged


def _ocr(raw: bytes, name: str, n_pages: int) -> Extraction:
    """Text of an image-only PDF through Tesseract."""
    if not shutil.which("tesseract") or not shutil.which("pdftoppm"):
        raise InputError(name, "the PDF has no text layer and OCR (tesseract) is not installed",
                         "install tesseract-ocr with kir, rus and eng, or send a text PDF")
    from .extract import read_text_dump

    texts = []
    with tempfile.TemporaryDirectory(prefix="basma-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(raw)
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(Path(tmp) / "p")],
                       check=True, capture_output=True)
        for img in sorted(Path(tmp).glob("p*.png")):
            proc = subprocess.run(["tesseract", str(img), "-", "-l", OCR_LANGS, "--psm", "4"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise InputError(name, f"OCR failed: {proc.stderr.strip().splitlines()[-1:]}",
                                 "check that tesseract has kir, rus and eng installed")
            texts.append(proc.stdout)
    # Tesseract separates paragraphs with an empty line, as plain text files do.
    text = "\n\n".join(texts)
    ex = read_text_dump(text, name)
    ex.kind = "pdf"
    ex.pages = n_pages
    ex.notes.append(f"{n_pages} pages without a text layer read by OCR ({OCR_LANGS})")
    return ex
