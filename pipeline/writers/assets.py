"""The assets stage: every object's picture as a file of ``build/<id>/assets/``.

Each block whose ``Visual.image`` names an asset (``assets/<name>.png``) gets that
file, made from one of three places, in this order:

* an editor's replacement (``Visual.media`` = ``"editor:<file>"``, a file of the
  article's folder ``input/<id>/``), read through ``limits.read_inside`` (a regular
  file inside the folder, under ``MAX_IMAGE_BYTES``), and a PNG or JPEG;
* a DOCX's picture (``Visual.media`` = ``"word/media/…"``), read from the package:
  only members under ``word/media/``, only up to ``MAX_IMAGE_BYTES`` unpacked;
* the PDF's region (``Visual.region``: page and box in points), rendered at 300 dpi
  by pdfium (pypdfium2) to exactly the pixel size the reader recorded
  (``Visual.pixels``, from ``readers.pdf.figures.pixels``), so ``document.json``
  knows an image's size before it exists.

The files are deterministic: the same document and source give the same bytes
(pdfium renders the same pixels; the PNG is written without a time or any other
chunk that changes). A file that did not change keeps its timestamp. Files of
``assets/`` that no block names any more are removed. What cannot be made (a
region off its page, a damaged member) is left out with a note the stage prints:
the writers then print the object without its picture, and say so.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write, image_size
from ..limits import read_inside
from ..model import Document

#: No picture the stage reads or writes is bigger than this.
MAX_IMAGE_BYTES = 64 * 1024 * 1024
#: The resolution a PDF region is rendered at (the reader's pixel sizes assume it).
DPI = 300
#: Pixels of one rendered region, at most (the reader caps each side at 6000).
MAX_PIXELS = 6000 * 6000
#: The names the stage writes: the reader's, the pandoc reader's, an editor's.
ASSET = re.compile(r"assets/[A-Za-z0-9][A-Za-z0-9_-]{0,100}(?:\.[A-Za-z0-9_-]{1,20}){0,3}"
                   r"\.(?:png|jpe?g)")


@dataclass
class Assets:
    """What the stage made: the asset names written or kept, and what it could not make."""

    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _editor_image(media: str, article_dir: Path | None) -> bytes:
    """An editor's replacement picture from the article's folder, checked."""
    name = media.removeprefix("editor:")
    if article_dir is None:
        raise ValueError("the editor's image needs the article's folder")
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"{name!r} is not a file name of the article's folder")
    data = read_inside(article_dir / name, article_dir, MAX_IMAGE_BYTES, what="image")
    found = image_size(data[:1 << 20])
    if found is None or found[0] not in ("png", "jpeg"):
        raise ValueError(f"{name} is not a PNG or JPEG picture")
    return data


def _docx_member(source: Path, member: str) -> bytes:
    """A picture of a DOCX package: only ``word/media/`` members, size-limited."""
    if not member.startswith("word/media/") or ".." in member.split("/"):
        raise ValueError(f"{member!r} is not a picture of the package")
    try:
        with zipfile.ZipFile(source) as z:
            info = z.getinfo(member)
            if info.file_size > MAX_IMAGE_BYTES:
                raise ValueError(f"{member} is {info.file_size:,} bytes unpacked, over the "
                                 f"limit of {MAX_IMAGE_BYTES:,}")
            with z.open(info) as fh:
                data = fh.read(MAX_IMAGE_BYTES + 1)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"{member} cannot be read from the package ({exc})") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"{member} is over the limit of {MAX_IMAGE_BYTES:,} bytes unpacked")
    return data


def _png(image) -> bytes:
    """A picture as PNG bytes that depend on its pixels only (no time, no text chunks)."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


class _Renderer:
    """The source PDF, opened once, rendering regions of its pages."""

    def __init__(self, source: Path) -> None:
        import pypdfium2

        self.pdf = pypdfium2.PdfDocument(str(source))
        self.plumber_boxes: dict[int, tuple[float, float, float, float]] = {}

    def render(self, region: list[float], size: list[int] | None) -> bytes:
        """The region (pdfplumber's page coordinates: top-left of the media box) as PNG,
        exactly ``size`` pixels (width, height) when given."""
        from PIL import Image

        page_no, x0, top, x1, bottom = region
        index = int(page_no) - 1
        if not 0 <= index < len(self.pdf) or x1 <= x0 or bottom <= top:
            raise ValueError(f"region {region} is not on a page of the PDF")
        page = self.pdf[index]
        try:
            mx0, _my0, _mx1, my1 = page.get_mediabox()
            cx0, cy0, cx1, cy1 = page.get_cropbox()
            if page.get_rotation() % 360:
                # pdfplumber measures a rotated page as it is shown, as pdfium renders
                # it: the whole page is rendered and the region cut out of it.
                if (cx0, cy0, cx1, cy1) != tuple(page.get_mediabox()):
                    raise ValueError(f"page {page_no} is rotated and cropped; its regions "
                                     "are not rendered")
                return self._shown(page, (x0, top, x1, bottom), size)
            # pdfplumber measures from the media box's top left; pdfium crops the crop box.
            left, right = mx0 + x0 - cx0, cx1 - (mx0 + x1)
            upper, lower = cy1 - (my1 - top), (my1 - bottom) - cy0
            crop = tuple(max(0.0, v) for v in (left, lower, right, upper))
            if not size:  # a region the editor made a figure (a table found wrongly)
                from ..readers.pdf.figures import pixels

                size = pixels((x0, top, x1, bottom))
            width, height = size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise ValueError(f"region {region} would be {width}×{height} pixels")
            scale = min(width / max(x1 - x0, 1e-3), height / max(bottom - top, 1e-3))
            bitmap = page.render(scale=scale, crop=crop, draw_annots=False)
            image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
        if image.size != (width, height):
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image.crop((0, 0, min(width, image.width), min(height, image.height))))
            image = canvas
        return _png(image)

    def _shown(self, page, box: tuple[float, float, float, float],
               size: list[int] | None) -> bytes:
        """A region of a rotated page, in the page's shown coordinates, as PNG."""
        from PIL import Image

        from ..readers.pdf.figures import pixels

        x0, top, x1, bottom = box
        width, height = size or pixels(box)
        if width * height > MAX_PIXELS or width < 1 or height < 1:
            raise ValueError(f"region {list(box)} would be {width}×{height} pixels")
        scale = min(width / max(x1 - x0, 1e-3), height / max(bottom - top, 1e-3))
        shown_w, shown_h = page.get_size()
        if shown_w * shown_h * scale * scale > MAX_PIXELS:
            raise ValueError(f"the page would be too large to render at {scale:.1f}×")
        image = page.render(scale=scale, draw_annots=False).to_pil().convert("RGB")
        left, upper = round(x0 * scale), round(top * scale)
        image = image.crop((left, upper, left + width, upper + height))
        if image.size != (width, height):
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image)
            image = canvas
        return _png(image)

    def close(self) -> None:
        self.pdf.close()


def render_assets(doc: Document, source: Path, folder: Path,
                  article_dir: Path | None = None) -> Assets:
    """Make every picture ``doc`` names under ``folder`` (``build/<id>/assets``).

    ``source`` is the article's source file (the PDF to render, the DOCX to copy
    from); ``article_dir`` its folder, where an editor's replacement images are.
    """
    result = Assets()
    wanted: dict[str, object] = {}
    for b in doc.blocks:
        v = b.visual
        if v is None or not v.image:
            continue
        if not ASSET.fullmatch(v.image):
            result.notes.append(f"{b.id}: {v.image!r} is not an asset name; left out")
            continue
        wanted.setdefault(v.image, b)
    renderer: _Renderer | None = None
    kind = source.suffix.lower()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for name, block in wanted.items():
            v = block.visual
            try:
                if v.media and v.media.startswith("editor:"):
                    data = _editor_image(v.media, article_dir)
                elif v.media and kind == ".docx":
                    data = _docx_member(source, v.media)
                elif v.region and kind == ".pdf":
                    if renderer is None:
                        renderer = _Renderer(source)
                    data = renderer.render(v.region, v.pixels)
                else:
                    result.notes.append(f"{block.id}: nothing to make {name} from; left out")
                    continue
            except (ValueError, InputError) as exc:
                result.notes.append(f"{block.id}: {name} is left out: {exc}")
                continue
            except Exception as exc:  # pdfium on a damaged page: that picture only
                result.notes.append(f"{block.id}: {name} is left out: the page cannot be "
                                    f"rendered ({type(exc).__name__})")
                continue
            atomic_write(folder / Path(name).name, data, only_if_changed=True)
            result.written.append(name)
    finally:
        if renderer is not None:
            renderer.close()
    keep = {Path(n).name for n in result.written}
    for old in folder.iterdir():
        if old.is_file() and old.name not in keep and ASSET.fullmatch(f"assets/{old.name}"):
            old.unlink()
    return result


def stamp(result: Assets) -> str:
    """The stamp file make tracks: the assets made, one a line, then the notes."""
    lines = [*sorted(result.written), *(f"note: {n}" for n in result.notes)]
    return "\n".join(lines) + "\n"
