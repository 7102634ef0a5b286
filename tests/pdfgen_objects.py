"""A fixture PDF with the objects of issue 16: tables, figures and a numbered formula.

``objects_pdf`` typesets a two-page Kyrgyz article with reportlab (byte-reproducible,
``invariant`` mode) and returns what the reader must find in it (``Expected``):

* a ruled table (every cell framed, a bold head row), its caption above;
* an unruled table (columns set apart by white only, numbers in the last two),
  its caption above;
* a raster figure (a PNG drawn with ``drawImage``), its caption below;
* a vector chart (bars, axes and tick labels drawn with rects, lines and text),
  its caption below;
* a display formula in a math font (Noto Sans Math's italic letters), centred,
  numbered "(1)" at the right margin;

between justified paragraphs that name them ("1-сүрөттө", "(1) формула"). The
paragraphs' lines are as wide as the text block and their word gaps far narrower
than any column gap: prose that must never come back as a table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from pdfgen import BOLD, REGULAR, register_fonts
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

MATH_FONT = "NotoSansMath-Regular"
MATH_FILE = Path("/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf")

PAGE_W, PAGE_H = A4
LEFT, RIGHT = 70.0, PAGE_W - 70.0
SIZE, LEADING = 11.0, 14.5

PARAGRAPHS = [
    "Бул макалада билим берүү системасындагы өзгөрүүлөр талданат. Изилдөөнүн "
    "жыйынтыктары 1-таблицада жана 2-таблицада берилди, ал эми окуучулардын саны "
    "1-сүрөттө көрсөтүлдү.",
    "Мектептердин саны жылдан жылга өсүүдө. Төмөнкү таблицада ар бир облустагы "
    "мектептер менен мугалимдердин саны келтирилет.",
    "Жалпы жыйынтык (1) формула менен эсептелет, мында ар бир мектептин салымы "
    "өзүнчө каралат жана орточо маани алынат.",
    "Экинчи сүрөттө жылдар боюнча өсүү көрсөтүлгөн. Диаграмма ар бир жылдагы "
    "окуучулардын санын салыштырууга мүмкүндүк берет.",
]

RULED_CAPTION = "Таблица 1. Облустар боюнча мектептер"
#: Its head is two rows: "Облус" spans both, "Саны" the two columns of numbers
#: (the slots a spanned cell covers are empty, as the model has them).
RULED = [["Облус", "Саны", ""],
         ["", "Мектептер", "Мугалимдер"],
         ["Чүй", "312", "9450"],
         ["Ош", "498", "12870"],
         ["Нарын", "134", "3120"]]
#: The head's spanned cells: (row, column) → (rows, columns).
RULED_MERGES = {(0, 0): (2, 1), (0, 1): (1, 2)}
UNRULED_CAPTION = "Таблица 2. Окуучулардын саны"
UNRULED = [["Жыл", "Шаар", "Айыл"],
           ["2019", "120500", "310200"],
           ["2020", "124800", "315900"],
           ["2021", "130100", "320400"],
           ["2022", "133700", "326800"]]
RASTER_CAPTION = "Сүрөт 1. Окуучулардын саны облустар боюнча"
CHART_CAPTION = "Сүрөт 2. Жылдар боюнча өсүү"
CHART_LABELS = ["2019", "2020", "2021", "2022"]
FORMULA = "S = α + β × c"
FORMULA_NUMBER = "(1)"
#: The raster figure's box on page 1 (x0, top, x1, bottom in pdfplumber's coordinates).
RASTER_PT = (170.0, 0.0, 430.0, 0.0)  # its top and bottom are set when it is drawn


@dataclass
class Expected:
    """What the reader must find: the tables' cells, captions, the figures' boxes, the
    chart's words, the formula's number, the paragraphs' text."""

    ruled: list[list[str]] = field(default_factory=lambda: [r[:] for r in RULED])
    unruled: list[list[str]] = field(default_factory=lambda: [r[:] for r in UNRULED])
    captions: dict[str, str] = field(default_factory=dict)  # object kind → caption text
    raster_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    chart_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    chart_labels: list[str] = field(default_factory=lambda: list(CHART_LABELS))
    formula_number: str = FORMULA_NUMBER
    paragraphs: list[str] = field(default_factory=lambda: list(PARAGRAPHS))


def _register() -> None:
    register_fonts()
    if MATH_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(MATH_FONT, str(MATH_FILE)))


def _png(width: int, height: int) -> bytes:
    """A small picture of bars (the raster figure), made without any font."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(im)
    for k, h in enumerate((40, 70, 55, 90)):
        d.rectangle((20 + k * 45, height - 10 - h, 50 + k * 45, height - 10), fill=(40, 90, 160))
    d.line((10, height - 10, width - 10, height - 10), fill="black", width=2)
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


class _Page:
    """A canvas page written top-down: ``y`` is the next baseline from the page's top."""

    def __init__(self, c: Canvas) -> None:
        self.c, self.y = c, 80.0

    def text(self, x: float, text: str, font: str = REGULAR, size: float = SIZE) -> None:
        self.c.setFont(font, size)
        self.c.drawString(x, PAGE_H - self.y, text)

    def paragraph(self, text: str) -> None:
        """Justified lines with a first-line indent; the last line ragged."""
        words, width = text.split(), RIGHT - LEFT
        line: list[str] = []
        lines: list[list[str]] = []
        indent = 18.0
        for w in words:
            trial = " ".join([*line, w])
            room = width - (indent if not lines else 0)
            if line and pdfmetrics.stringWidth(trial, REGULAR, SIZE) > room:
                lines.append(line)
                line = [w]
            else:
                line.append(w)
        lines.append(line)
        for i, ws in enumerate(lines):
            x0 = LEFT + (indent if i == 0 else 0)
            room = RIGHT - x0
            if i < len(lines) - 1 and len(ws) > 1:
                natural = sum(pdfmetrics.stringWidth(w, REGULAR, SIZE) for w in ws)
                gap = (room - natural) / (len(ws) - 1)
            else:
                gap = pdfmetrics.stringWidth(" ", REGULAR, SIZE)
            x = x0
            for w in ws:
                self.text(x, w)
                x += pdfmetrics.stringWidth(w, REGULAR, SIZE) + gap
            self.y += LEADING
        self.y += 6

    def centred(self, text: str, font: str = REGULAR, size: float = SIZE) -> None:
        w = pdfmetrics.stringWidth(text, font, size)
        self.text((PAGE_W - w) / 2, text, font, size)
        self.y += LEADING


def _ruled_table(p: _Page) -> None:
    widths = [140.0, 110.0, 110.0]
    x0 = (PAGE_W - sum(widths)) / 2
    row_h = 20.0
    top = p.y - SIZE
    c = p.c
    c.setLineWidth(0.6)
    lefts = [x0 + sum(widths[:k]) for k in range(len(widths))]
    for r, row in enumerate(RULED):
        for k, cell in enumerate(row):
            span = RULED_MERGES.get((r, k))
            if span is None and _covered(r, k):
                continue
            down, across = span or (1, 1)
            c.rect(lefts[k], PAGE_H - (top + (r + down) * row_h), sum(widths[k:k + across]),
                   down * row_h, stroke=1, fill=0)
            c.setFont(BOLD if r < 2 else REGULAR, SIZE - 1)
            c.drawString(lefts[k] + 5, PAGE_H - (top + r * row_h + 14), cell)
    p.y = top + len(RULED) * row_h + 28


def _covered(r: int, k: int) -> bool:
    """Whether slot (r, k) lies under a spanned cell (other than its own top left)."""
    return any(r0 <= r < r0 + down and k0 <= k < k0 + across and (r, k) != (r0, k0)
               for (r0, k0), (down, across) in RULED_MERGES.items())


def _unruled_table(p: _Page) -> None:
    xs = [150.0, 270.0, 390.0]
    for r, row in enumerate(UNRULED):
        for k, cell in enumerate(row):
            p.text(xs[k], cell, BOLD if r == 0 else REGULAR, SIZE - 1)
        p.y += LEADING
    p.y += 10


def _raster(p: _Page, expected: Expected) -> None:
    w, h = 260.0, 130.0
    x0, top = (PAGE_W - w) / 2, p.y - SIZE + 4
    p.c.drawImage(ImageReader(io.BytesIO(_png(260, 130))), x0, PAGE_H - top - h, w, h)
    expected.raster_box = (x0, top, x0 + w, top + h)
    p.y = top + h + 18


def _chart(p: _Page, expected: Expected) -> None:
    c = p.c
    x0, top, w, h = 180.0, p.y - SIZE + 4, 240.0, 120.0
    base = PAGE_H - (top + h)
    c.setLineWidth(1)
    c.line(x0, base, x0 + w, base)  # x axis
    c.line(x0, base, x0, base + h)  # y axis
    for k, bar in enumerate((50, 70, 85, 105)):
        c.setFillColorRGB(0.8, 0.3, 0.2)
        c.rect(x0 + 20 + k * 55, base, 30, bar, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for k, label in enumerate(CHART_LABELS):
        c.setFont(REGULAR, 8)
        c.drawString(x0 + 22 + k * 55, base - 10, label)
    expected.chart_box = (x0, top, x0 + w, top + h)
    p.y = top + h + 26


def _formula(p: _Page) -> None:
    w = pdfmetrics.stringWidth(FORMULA, MATH_FONT, SIZE + 1)
    p.c.setFont(MATH_FONT, SIZE + 1)
    p.c.drawString((PAGE_W - w) / 2, PAGE_H - p.y, FORMULA)
    nw = pdfmetrics.stringWidth(FORMULA_NUMBER, REGULAR, SIZE)
    p.text(RIGHT - nw, FORMULA_NUMBER)
    p.y += LEADING + 8


def objects_pdf(path: Path, repeat: int = 1) -> Expected:
    """Write the fixture to ``path``; return what extraction must find in it.

    ``repeat`` > 1 sets the two pages that many times, the second page filled up with
    prose: a figure-heavy PDF of ``2 × repeat`` pages for the extraction speed check
    (what is expected is then that of the first two pages).
    """
    _register()
    expected = Expected()
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for k in range(repeat):
        p = _Page(c)
        p.centred("БИЛИМ БЕРҮҮДӨГҮ ӨЗГӨРҮҮЛӨР", BOLD, 15)
        p.y += 10
        p.paragraph(PARAGRAPHS[0])
        p.paragraph(PARAGRAPHS[1])
        p.y += 6
        p.text(LEFT, RULED_CAPTION, BOLD, SIZE - 1)
        p.y += LEADING + 4
        _ruled_table(p)
        p.text(LEFT, UNRULED_CAPTION, BOLD, SIZE - 1)
        p.y += LEADING + 6
        _unruled_table(p)
        p.paragraph(PARAGRAPHS[2])
        p.y += 8
        _formula(p)
        _raster(p, expected)
        p.text(LEFT, RASTER_CAPTION, REGULAR, SIZE - 1)
        p.y += LEADING + 8
        c.showPage()
        p = _Page(c)
        p.paragraph(PARAGRAPHS[3])
        p.y += 14
        _chart(p, expected)
        p.text(LEFT, CHART_CAPTION, REGULAR, SIZE - 1)
        p.y += LEADING + 14
        while repeat > 1 and p.y < PAGE_H - 160:
            for text in PARAGRAPHS:
                p.paragraph(text)
        c.showPage()
        if k == 0:
            first = expected
            expected = Expected()
    c.save()
    first.captions = {"ruled": RULED_CAPTION, "unruled": UNRULED_CAPTION,
                      "raster": RASTER_CAPTION, "chart": CHART_CAPTION}
    return first
