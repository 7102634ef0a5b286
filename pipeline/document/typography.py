"""Typography by language, once each block's language is known: one dash style and
the ties (no-break spaces) of Russian and Kyrgyz typesetting (``plan.TYPOGRAPHY``).

The steps are the cleaner's kind (named functions with their cause, recorded as
changes under their own names, shown in the cleaning report), but they run here:
the segmenter needs the plain spaces of "А.А. Мектептеги", a dash style belongs to
the block's language rather than its script, and the editor's corrections match
the text as the source gave it. Both steps replace one character by one, so the
inline spans keep their offsets; a formula (a ``math`` span) and a table's cells
are left as they are.
"""

from __future__ import annotations

from ..cleaner import record_changes
from ..cleaner.plan import TYPOGRAPHY
from ..model import Block, Document


def apply_typography(doc: Document) -> Document:
    """Dashes and ties in every text block, by its language; each change recorded.

    >>> from pipeline.model import Block, Document
    >>> doc = apply_typography(Document(meta={}, blocks=[
    ...     Block("b1", "paragraph", "ru", "Рост - 78 % в школе [3]")]))
    >>> doc.blocks[0].text.replace("\\u00a0", "~").replace("\\u202f", "^")
    'Рост — 78^% в~школе~[3]'
    >>> sorted({c.rule for c in doc.changes})
    ['tie_no_break_spaces', 'unify_dashes']
    """
    for block in doc.blocks:
        if block.cells is not None or not block.text:
            continue
        for step in TYPOGRAPHY:
            new = _outside_math(block, step.fn(block.text, block.lang))
            if new != block.text:
                record_changes(step.name, block.text, new, f"block {block.id}", doc.changes)
                block.text = new
    return doc


def _outside_math(block: Block, new: str) -> str:
    """``new`` with a formula's characters as they were: "x - y" is no dash to set.
    A step that changed the length (none does) is not applied at all."""
    if len(new) != len(block.text):
        return block.text
    chars = list(new)
    for span in block.spans:
        if span.style == "math":
            chars[span.start:span.end] = block.text[span.start:span.end]
    return "".join(chars)
