"""Scanned-style PDFs for the throughput bench and the tests: no text layer, so OCR runs.

An old issue of the journal is a stack of page photographs: each page here is Kyrgyz
text drawn into a greyscale image (Pillow, PT Serif), slightly turned, with paper
grain, JPEG-compressed and put in a PDF as the page's only content. Nothing is
committed: the pages are drawn from a seed, the same seed giving the same file.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

#: Kyrgyz words the sentences are made of (every letter of the alphabet, ң ө ү too).
WORDS = (
    "билим берүү мектеп окуучу мугалим сабак китеп илим изилдөө натыйжа коом өлкө "
    "жаштар тарбия маданият тил адабият тарых өнүгүү мамлекет эл шаар айыл үй-бүлө "
    "жана менен үчүн боюнча бирок ошондой эле көп жаңы негизги маанилүү азыркы "
    "заманбап жогорку орто башталгыч программа методика технология санариптик "
    "тажрыйба суроо жооп максат милдет талдоо көрсөткүч өзгөрүү чөйрө мүмкүнчүлүк"
).split()
TITLE_WORDS = ("Заманбап", "билим", "берүүнүн", "өнүгүүсү", "жана", "мектептин", "ролу",
               "Кыргызстанда", "жаштардын", "тарбиясы")
#: Page size in pixels at the scan's resolution (A4).
DPI = 150
PAGE = (round(8.27 * DPI), round(11.69 * DPI))


@lru_cache(maxsize=4)
def _font(bold: bool, size: int):
    from PIL import ImageFont

    path = ""
    if shutil.which("fc-match"):
        path = subprocess.run(["fc-match", "-f", "%{file}", "PT Serif:bold" if bold
                               else "PT Serif"], capture_output=True, text=True).stdout
    return ImageFont.truetype(path or "DejaVuSerif.ttf", size)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _lines(text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if font.getlength(trial) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


def _page(rng: random.Random, number: int, first: bool, paragraphs: int):
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.new("L", PAGE, 250)
    draw = ImageDraw.Draw(img)
    margin, y = round(0.9 * DPI), round(0.9 * DPI)
    width = PAGE[0] - 2 * margin
    body = _font(False, round(DPI * 11 / 72))
    step = round(body.size * 1.45)
    if first:
        title = " ".join(rng.sample(TITLE_WORDS, 6)).capitalize()
        head = _font(True, round(DPI * 15 / 72))
        for line in _lines(title, head, width):
            draw.text((margin, y), line, font=head, fill=20)
            y += round(head.size * 1.5)
        y += step
        name = (f"{rng.choice(('А.', 'Б.', 'Г.', 'Н.'))} "
                f"{rng.choice(('Асанов', 'Токтогулова', 'Үсөнбаев', 'Жумабекова'))}")
        draw.text((margin, y), name, font=body, fill=20)
        y += 2 * step
    for _ in range(paragraphs):
        text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
        for k, line in enumerate(_lines(text, body, width - step)):
            if y > PAGE[1] - margin - step:
                break
            draw.text((margin + (step if k == 0 else 0), y), line, font=body, fill=25)
            y += step
        y += step // 3
    folio = _font(False, round(DPI * 9 / 72))
    draw.text((PAGE[0] // 2, PAGE[1] - margin // 2), str(number), font=folio, fill=40)
    # A scanner's page: turned a little, grey grain, slightly soft.
    img = img.rotate(rng.uniform(-0.6, 0.6), resample=Image.BICUBIC, fillcolor=250)
    img = Image.blend(img, Image.effect_noise(PAGE, 40), 0.08)
    return img.filter(ImageFilter.GaussianBlur(0.4))


def scanned_pdf(pages: int = 1, seed: int = 0, paragraphs: int = 5) -> bytes:
    """An image-only PDF of ``pages`` pages of Kyrgyz text."""
    rng = random.Random(seed)
    images = [_page(rng, n, n == 1, paragraphs) for n in range(1, pages + 1)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:],
                   resolution=DPI, quality=80)
    return out.getvalue()


def write_archive(folder: Path, count: int, pages: int = 1, seed: int = 0) -> list[Path]:
    """``count`` scanned articles in ``folder`` (an issue folder of input/archive/)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        path = folder / f"{n + 1:03d} макала.pdf"
        path.write_bytes(scanned_pdf(pages, seed * 1000 + n))
        made.append(path)
    return made
