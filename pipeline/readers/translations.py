"""An editor's translation of the body: ``input/<id>/translations/<lang>.md``.

A small Markdown subset, the same shape as the article: ``#``/``##`` headings,
paragraphs separated by blank lines, ``-`` or ``–`` list items. It becomes the
body of that language's edition instead of the "full text is in …" notice.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block


def parse_translation(text: str, lang: str) -> list[Block]:
    """Blocks of a translated body.

    >>> md = "# Введение\\n\\nТекст\\nдальше.\\n\\n- пункт"
    >>> [(b.role, b.text) for b in parse_translation(md, "ru")]
    [('heading', 'Введение'), ('paragraph', 'Текст дальше.'), ('list_item', 'пункт')]
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in chunk.strip().split("\n") if ln.strip()]
        if not lines:
            continue
        m = re.match(r"^(#{1,3})\s+(.*)$", lines[0])
        if m and len(lines) == 1:
            blocks.append(Block(f"t{len(blocks) + 1}", "heading", lang, m.group(2).strip(),
                                level=len(m.group(1))))
            continue
        if all(re.match(r"^[-–•*]\s+", ln) for ln in lines[:1]):
            items: list[str] = []
            for ln in lines:
                if re.match(r"^[-–•*]\s+", ln):
                    items.append(re.sub(r"^[-–•*]\s+", "", ln))
                elif items:
                    items[-1] += " " + ln
            for item in items:
                blocks.append(Block(f"t{len(blocks) + 1}", "list_item", lang, item))
            continue
        blocks.append(Block(f"t{len(blocks) + 1}", "paragraph", lang, " ".join(lines)))
    return blocks


def load_translation(path: Path, lang: str) -> list[Block] | None:
    if not path.exists():
        return None
    return parse_translation(path.read_text(encoding="utf-8"), lang) or None
