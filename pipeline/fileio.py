"""Reading sources and writing outputs safely.

Outputs are written to a temporary file in the target folder and renamed, so a
failure never leaves half a file and the last good build stays intact.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from .errors import InputError

#: Templates, styles and interface strings, apart from the code (as inara keeps them).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: Every template file this process has read: the stage's make dependencies
#: beside the modules it imported (``stages.depfile``), as ``gcc -MMD`` records headers.
DATA_READ: set[Path] = set()


def template(name: str) -> Path:
    """The path of a file under ``templates/``, recorded as read by this process."""
    path = TEMPLATES / name
    DATA_READ.add(path)
    return path


def atomic_write(path: Path | str, data: str | bytes, *, only_if_changed: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically; return whether the file changed.

    With ``only_if_changed`` an identical file is left untouched, keeping its
    timestamp, so make does not rebuild what depends on it.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if only_if_changed and path.exists() and path.read_bytes() == raw:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.basma-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def utf16_order(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``raw`` is UTF-16 text without a BOM.

    In UTF-16 the high byte of each character names its script block: 0x00 for
    spaces, digits and Latin, 0x04 for Cyrillic. So nearly all high bytes take one
    of a few values, one of them 0x00, while the low bytes vary; in 8-bit text
    (UTF-8, cp1251 …) every other byte varies as much as the rest.

    >>> utf16_order("Билим берүү — образование.".encode("utf-16-le"))
    'utf-16-le'
    >>> utf16_order("Билим берүү — образование.".encode("utf-16-be"))
    'utf-16-be'
    >>> utf16_order("Билим берүү — образование.".encode("utf-8")) is None
    True
    """
    sample = raw[:65536]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 8:
        return None
    for codec, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        common = Counter(high).most_common(3)
        if 0 in dict(common) and sum(n for _, n in common) >= 0.95 * len(high):
            try:
                sample.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def sniff(raw: bytes) -> str:
    """What a source is by its content, not its name: pdf, text, docx, image or binary."""
    head = raw[:1024]
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:4] in (
        b"GIF8",
        b"II*\x00",
        b"MM\x00*",
    ):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in raw[:65536] else "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or utf16_order(raw):
        return "text"
    sample = raw[:65536]
    # UTF-16 without a BOM was recognised above; many NULs now mean a binary file.
    if sample.count(0) > len(sample) // 10:
        return "binary"
    return "text"


def image_size(head: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG, JPEG or GIF from its first bytes, or None.

    Only the header is read (a JPEG's frame header may follow a megabyte of
    metadata: give that much); nothing is decoded.

    >>> image_size(b"\\x89PNG\\r\\n\\x1a\\n\\0\\0\\0\\rIHDR\\0\\0\\1\\0\\0\\0\\0\\x80")
    ('png', 256, 128)
    >>> image_size(b"GIF89a\\x10\\0\\x08\\0"), image_size(b"BM...")
    (('gif', 16, 8), None)
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        return "png", int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return "gif", int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    if not head.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            return None  # not a marker where one must be: a damaged file
        marker = head[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xDA)):  # markers without a length
            i += 2
            continue
        length = int.from_bytes(head[i + 2:i + 4], "big")
        # SOF0–SOF15 carry the frame's size; C4 (tables), C8 and CC are not frames.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if i + 9 > len(head):
                return None
            height = int.from_bytes(head[i + 5:i + 7], "big")
            width = int.from_bytes(head[i + 7:i + 9], "big")
            return ("jpeg", width, height) if width and height else None
        if length < 2:
            return None
        i += 2 + length
    return None


def decode_text(raw: bytes, path: Path | str) -> str:
    """Decode a text source: UTF-8 (with or without BOM), UTF-16, cp1251, KOI8-R…"""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # A lone surrogate is one unreadable character (U+FFFD, a marker in the PDF).
        return raw.decode("utf-16", errors="replace")
    order = utf16_order(raw)  # before UTF-8: ASCII in UTF-16 is valid UTF-8 with NULs
    if order:
        return raw.decode(order, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=["cp1251", "koi8_r", "utf_16", "mac_cyrillic", "cp1252"])
    match = best.best()
    if match is None:
        raise InputError(path, "the text is in an encoding that cannot be recognised",
                         "save the file as UTF-8")
    return str(match)
