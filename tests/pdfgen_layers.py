"""Fixture PDFs for the text-layer geometry tests (tests/test_layers.py).

Each page is drawn glyph by glyph (or word by word) with reportlab, the way
TeX and Word place text: no space glyphs unless a fixture asks for them, an
accent as a glyph of its own over a dotless ı, scripts smaller and off the
baseline, letter-spaced headings. Every generator returns the text (and, for
formulas, the spans) the pipeline must give back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pdfgen import BOLD, REGULAR, register_fonts
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

#: A math font (its name says so, as Cambria Math's and Latin Modern Math's do). Its
#: plain Latin letters are used: reportlab writes no ToUnicode entry beyond the BMP.
MATH_FONT = "NotoSansMath"
MATH_FILE = Path("/usr/share/fonts/truetype/noto/NotoSansMath-Regular.ttf")
SIZE = 11.0
LEFT = 72.0


def _fonts() -> None:
    register_fonts()
    if MATH_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(MATH_FONT, str(MATH_FILE)))


def _canvas(path: Path) -> Canvas:
    _fonts()
    rl_config.invariant = 1  # byte-reproducible
    return Canvas(str(path), pagesize=A4, pageCompression=0)


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


class _Pen:
    """Draws pieces left to right on one baseline, each piece a text object of its own."""

    def __init__(self, c: Canvas, y: float, x: float = LEFT) -> None:
        self.c, self.y, self.x = c, y, x

    def put(self, text: str, font: str = REGULAR, size: float = SIZE, rise: float = 0.0,
            advance: bool = True) -> float:
        """Draw ``text`` at the pen; return its x. ``advance=False`` leaves the pen there."""
        x = self.x
        self.c.setFont(font, size)
        self.c.drawString(x, self.y + rise, text)
        if advance:
            self.x += _width(text, font, size)
        return x

    def skip(self, em: float, size: float = SIZE) -> None:
        self.x += em * size

    def words(self, text: str, gap_em: float, font: str = REGULAR, size: float = SIZE) -> None:
        """Words drawn one by one, ``gap_em`` apart, without space glyphs."""
        for i, word in enumerate(text.split()):
            if i:
                self.skip(gap_em, size)
            self.put(word, font, size)


@dataclass
class Formula:
    """What the formula fixture must come back as: its text and its styled stretches."""

    text: str
    sub: list[str]
    sup: list[str]
    math: str


def formula_pdf(path: Path) -> Formula:
    """A Kyrgyz sentence with xᵢ² + yⁿ in it: the scripts stacked as TeX sets them.

    The sub- and superscript of 𝑥 start at the same x; the superscript 2 is set
    in the text font (a math font's digits are the text's in XeLaTeX too).
    """
    c = _canvas(path)
    y = 700.0
    pen = _Pen(c, y)
    pen.words("Биз", 0.3)
    pen.skip(0.3)
    pen.put("x", MATH_FONT)
    small = 0.7 * SIZE
    at = pen.put("i", MATH_FONT, small, rise=-0.2 * SIZE, advance=False)
    pen.x = at
    pen.put("2", REGULAR, small, rise=0.4 * SIZE)
    pen.skip(0.25)
    pen.put("+")
    pen.skip(0.25)
    pen.put("y", MATH_FONT)
    pen.put("n", MATH_FONT, small, rise=0.4 * SIZE)
    pen.skip(0.25)
    pen.put("=")
    pen.skip(0.25)
    pen.put("1")
    pen.skip(0.3)
    pen.words("теңдемесин карайбыз.", 0.3)
    # A second line of plain text sets the body size apart from the scripts.
    pen = _Pen(c, y - 1.4 * SIZE)
    pen.words("Бул теңдеме ар бир окуучуга белгилүү.", 0.3)
    c.showPage()
    c.save()
    return Formula(text="Биз xi2 + yn = 1 теңдемесин карайбыз. Бул теңдеме ар бир окуучуга "
                        "белгилүү.", sub=["i"], sup=["2", "n"], math="xi2 + yn")


def letter_spaced_pdf(path: Path) -> list[str]:
    """Headings set letter-spaced, with and without space glyphs, and a paragraph after each.

    Without space glyphs the letters are 0.35 em apart and the words 1.2 em; with
    them (``charSpace``, as Word's expanded spacing writes it) every glyph,
    the space too, is followed by 3 pt.
    """
    c = _canvas(path)
    y = 720.0
    expected = []

    def tracked(text: str, letter_em: float, word_em: float, font: str = BOLD) -> None:
        pen = _Pen(c, y)
        for w, word in enumerate(text.split()):
            if w:
                pen.skip(word_em)
            for k, ch in enumerate(word):
                if k:
                    pen.skip(letter_em)
                pen.put(ch, font)

    tracked("КИРИШҮҮ", 0.35, 1.2)
    expected.append("КИРИШҮҮ")
    y -= 2.5 * SIZE
    _Pen(c, y).words("Билим берүү системасы өнүгүп жатат.", 0.3)
    expected.append("Билим берүү системасы өнүгүп жатат.")
    y -= 2.5 * SIZE
    tracked("БИЛИМ БЕРҮҮ МЕКЕМЕЛЕРИ", 0.35, 1.2)
    expected.append("БИЛИМ БЕРҮҮ МЕКЕМЕЛЕРИ")
    y -= 2.5 * SIZE
    _Pen(c, y).words("Мектептер жаңы программаларды колдонушат.", 0.3)
    expected.append("Мектептер жаңы программаларды колдонушат.")
    y -= 2.5 * SIZE
    c.saveState()  # the character spacing (Tc) would stay on for what follows
    text = c.beginText(LEFT, y)
    text.setFont(BOLD, SIZE)
    text.setCharSpace(3.0)
    text.textOut("EXACT SOLITARY WAVES")
    c.drawText(text)
    c.restoreState()
    expected.append("EXACT SOLITARY WAVES")
    y -= 2.5 * SIZE
    _Pen(c, y).words("The waves travel without changing their shape.", 0.3)
    expected.append("The waves travel without changing their shape.")
    c.showPage()
    c.save()
    return expected


def split_accents_pdf(path: Path) -> str:
    """"Física", "Investigación" and "Lemaître" with their accents drawn apart, as LaTeX does.

    The accent is a text object of its own, centred over the letter: over a
    dotless ı for í and î, before the letter in the content stream for í and î,
    after it for ó.
    """
    c = _canvas(path)
    pen = _Pen(c, 700.0)

    def accented(letter: str, accent: str, accent_first: bool) -> None:
        w_letter, w_accent = _width(letter, REGULAR, SIZE), _width(accent, REGULAR, SIZE)
        x = pen.x
        if not accent_first:
            pen.put(letter)
        c.setFont(REGULAR, SIZE)
        c.drawString(x + (w_letter - w_accent) / 2, pen.y, accent)
        if accent_first:
            pen.put(letter)

    pen.put("F")
    accented("ı", "´", True)
    pen.put("sica")
    pen.skip(0.3)
    pen.put("Investigaci")
    accented("o", "´", False)
    pen.put("n")
    pen.skip(0.3)
    pen.put("de")
    pen.skip(0.3)
    pen.put("Lema")
    accented("ı", "ˆ", True)
    pen.put("tre.")
    c.showPage()
    c.save()
    return "Física Investigación de Lemaître."


def justified_pdf(path: Path) -> list[str]:
    """A tight and a loose justified line, with kerning inside the words of both.

    The tight line's word gaps are 0.16 em with kerning of 0.04 em inside words;
    the loose line's are 0.9 em with 0.08 em of tracking inside words, more than
    the tight line's word gap: each line must be read in its own terms.
    """
    c = _canvas(path)
    lines = ["Окуучулар мектепте жаңы билимдерди алышат жана колдонушат",
             "Бул ыкма ар бир сабакта пайдаланылат"]
    y = 700.0
    for text, gap, kern in zip(lines, (0.16, 0.9), (0.04, 0.08), strict=True):
        pen = _Pen(c, y)
        for w, word in enumerate(text.split()):
            if w:
                pen.skip(gap)
            for k, ch in enumerate(word):
                if k:
                    pen.skip(kern if k % 2 else -kern / 2)
                pen.put(ch)
        y -= 1.3 * SIZE
    c.showPage()
    c.save()
    return lines
