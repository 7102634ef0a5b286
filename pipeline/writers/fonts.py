"""The font fallback chains and which characters they cover.

One definition serves the LaTeX template (luaotfload's ``add_fallback`` lists),
the EPUB stylesheet (its ``font-family`` lists repeat these names) and the
coverage check that runs before typesetting: a character that no font of the
chain has is replaced by a visible marker and reported, instead of vanishing
from the PDF with only a "Missing character" line in a log nobody reads.

The chains are ordered by how close each font is to the main face: Noto Serif
first (Greek, IPA, combining marks, drawn like PT Serif), then math and symbol
fonts, the Arabic and Hebrew faces babel also sets those scripts in (so that
DejaVu, which has Arabic too, is not loaded for them), DejaVu for the odd arrow,
and last the large CJK collection. All are
Debian packages the Makefile installs (fonts-paratype, fonts-noto-core,
fonts-dejavu, fonts-noto-cjk).
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache

#: Per font family of the template: the main face, then its fallbacks in order.
CHAINS: dict[str, tuple[str, ...]] = {
    "rm": ("PT Serif", "Noto Serif", "Noto Sans Math", "Noto Sans Symbols",
           "Noto Sans Symbols2", "Noto Naskh Arabic", "Noto Serif Hebrew", "DejaVu Serif",
           "DejaVu Sans", "Noto Serif CJK SC"),
    "sf": ("PT Sans", "Noto Sans", "Noto Sans Math", "Noto Sans Symbols",
           "Noto Sans Symbols2", "Noto Sans Arabic", "Noto Sans Hebrew", "DejaVu Sans",
           "Noto Sans CJK SC"),
    "tt": ("PT Mono", "DejaVu Sans Mono", "Noto Sans Math", "Noto Sans Symbols",
           "Noto Sans Symbols2", "Noto Naskh Arabic", "Noto Sans Hebrew", "DejaVu Sans",
           "Noto Sans Mono CJK SC"),
}

#: Faces babel uses for right-to-left languages: shaping needs HarfBuzz and the
#: language's own font, a fallback glyph alone would print unjoined letters.
RTL_FONTS = {"arabic": "Noto Naskh Arabic", "hebrew": "Noto Serif Hebrew"}

#: General categories that never need a glyph: TeX turns spaces into glue and
#: ignores controls; format characters (ZWJ, bidi marks) are invisible.
_NO_GLYPH = {"Cc", "Cf", "Zs", "Zl", "Zp"}


#: fontspec's feature key per shape, and luaotfload's style modifier for the
#: fallback fonts of that shape: bold text falls back to Noto Serif Bold, not to
#: its regular face (a font without the shape gives its regular one).
SHAPES = (("Upright", ""), ("Bold", "/B"), ("Italic", "/I"), ("BoldItalic", "/BI"))


def fallback_setup(family: str, text: str) -> tuple[str, str]:
    """The Lua that defines the fallback chains of ``family`` for ``text``, and the
    fontspec features that attach them to each shape; ("", "") if none is needed.

    Only the fallbacks some character of ``text`` needs are listed: luaotfload
    loads every font of a chain with each size and shape of the main face, and
    the full chain doubled the time of a LuaLaTeX pass over the seed, which
    needs none. HarfBuzz mode shapes combining marks the way the fonts expect.

    >>> lua, features = fallback_setup("rm", "Кыргыз λ")
    >>> print(lua.split(")")[0])
    luaotfload.add_fallback("basmarmupright", {"Noto Serif:mode=harf;"}
    >>> print(features.split(",")[0])
    UprightFeatures={RawFeature={fallback=basmarmupright}}
    >>> fallback_setup("rm", "Кыргыз")
    ('', '')
    """
    fonts = needed_fallbacks(family, text)
    if not fonts:
        return "", ""
    lua, features = [], []
    for shape, modifier in SHAPES:
        name = f"basma{family}{shape.lower()}"
        entries = ", ".join(f'"{font}{modifier}:mode=harf;"' for font in fonts)
        lua.append(f'luaotfload.add_fallback("{name}", {{{entries}}})')
        features.append(f"{shape}Features={{RawFeature={{fallback={name}}}}}")
    return "\n".join(lua), ",".join(features)


def needed_fallbacks(family: str, text: str) -> list[str]:
    """The fonts of the chain after the main face that print some character of
    ``text`` the fonts before them lack, in chain order."""
    chain = CHAINS[family]
    main = font_cmap(chain[0])
    needed: set[str] = set()
    for ch in {c for c in text if ord(c) > 0x7F}:
        if ord(ch) in main or unicodedata.category(ch) in _NO_GLYPH:
            continue
        first = next((name for name in chain[1:] if ord(ch) in font_cmap(name)), None)
        if first:
            needed.add(first)
    return [name for name in chain[1:] if name in needed]


@cache
def font_file(family: str) -> tuple[str, int] | None:
    """The file (and collection index) fontconfig gives for ``family``, or None.

    fontconfig always answers with *some* font; the answer counts only when the
    family asked for is among the match's families, else the font is not installed.
    """
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", family],
                             capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 3 or not parts[1]:
        return None
    families = {f.strip().casefold() for f in parts[0].split(",")}
    if family.casefold() not in families:
        return None
    return parts[1], int(parts[2]) if parts[2].isdigit() else 0


@cache
def font_cmap(family: str) -> frozenset[int]:
    """The code points ``family``'s font file maps to glyphs (empty if not installed)."""
    found = font_file(family)
    if found is None:
        return frozenset()
    path, index = found
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # noqa: BLE001 - a broken font file covers nothing, it must not crash
        return frozenset()
    return frozenset(cmap)


_COVERED: dict[str, bool] = {}


def covered(ch: str, family: str = "rm") -> bool:
    """Whether some font of the chain has a glyph for ``ch``.

    Fonts are read lazily, in chain order, and only as far as needed: the seed's
    Cyrillic is settled by PT Serif alone, so the large CJK collection is opened
    only for text that PT Serif, Noto and DejaVu all lack. When fontconfig finds
    no font of the chain at all nothing can be known, and every character counts
    as covered (LuaLaTeX's log still names what is missing).
    """
    key = family + ch
    known = _COVERED.get(key)
    if known is not None:
        return known
    if unicodedata.category(ch) in _NO_GLYPH:
        result = True
    else:
        cp = ord(ch)
        chain = CHAINS[family]
        result = any(cp in font_cmap(name) for name in chain)
        if not result and not any(font_file(name) for name in chain):
            result = True
    _COVERED[key] = result
    return result


def block_name(ch: str) -> str:
    """The Unicode block of ``ch`` ("Greek and Coptic", "Private Use Area").

    >>> block_name("λ")
    'Greek and Coptic'
    """
    try:
        from fontTools import unicodedata as fu

        return str(fu.block(ch))
    except Exception:  # noqa: BLE001 - the block only makes the message nicer
        return "unknown block"


def describe(ch: str) -> str:
    """``U+1D466 MATHEMATICAL ITALIC SMALL Y (Mathematical Alphanumeric Symbols)``.

    >>> describe("\\ue000")
    'U+E000 (Private Use Area)'
    """
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}{' ' + name if name else ''} ({block_name(ch)})"
