"""Stage 4, tag: the language of every block and of every inline span.

Entry point: ``tag(document) -> Document``. Each block is identified on its own
(``langid.identify``: letters first, then the offline model). A block whose own
evidence is weak — a short list item or heading with no Kyrgyz-only letter — takes
the language of the body around it when that is a language the model also found
plausible. Inline spans in another language (a Latin name in Kyrgyz text) are
found by ``langid.foreign_spans``.
"""

from __future__ import annotations

from collections import Counter

from ..model import Change, Document, Span
from . import langid

BODY_ROLES = ("heading", "paragraph", "list_item", "quote", "caption")
#: Below this many words, a block's own identification is weak evidence.
SHORT = 12


def tag(doc: Document) -> Document:
    """Set ``lang`` on every block and add language spans; returns the same document."""
    for block in doc.blocks:
        block.lang = langid.identify(block.text, default="und")

    body = Counter(
        b.lang for b in doc.blocks if b.role in BODY_ROLES and len(b.text.split()) >= SHORT
    )
    body_lang = body.most_common(1)[0][0] if body else None
    for block in doc.blocks:
        if (
            body_lang
            and block.role in BODY_ROLES
            and block.lang != body_lang
            and len(block.text.split()) < SHORT
            and _compatible(block.text, body_lang)
        ):
            doc.changes.append(_note(block.id, block.lang, body_lang))
            block.lang = body_lang

    for block in doc.blocks:
        if block.role == "reference":
            continue  # a reference is bibliographic data in its own language(s)
        for start, end, lang in langid.foreign_spans(block.text, block.lang):
            if any(s.lang and s.start < end and start < s.end for s in block.spans):
                continue
            block.spans.append(Span(start, end, lang=lang))
        block.spans.sort(key=lambda s: (s.start, s.end))
    return doc


_SCRIPT = {"ky": "Cyrl", "ru": "Cyrl", "kk": "Cyrl", "en": "Latn"}


def _compatible(text: str, lang: str) -> bool:
    """Whether nothing in ``text``'s letters rules out ``lang``.

    >>> _compatible("1:1 технологиясы – ар бир студент", "ky")
    True
    >>> _compatible("онлайн ресурстардын чоң спектри", "ru")
    False
    """
    if langid.script_of(text) != _SCRIPT.get(lang, langid.script_of(text)):
        return False
    letters = set(text)
    if lang == "ky":
        return not letters & langid.KK_STRONG
    if lang == "ru":
        return not letters & (langid.KY_EVIDENCE | langid.KK_LETTERS)
    return True


def _note(block_id: str, found: str, chosen: str) -> Change:
    return Change(
        "tag_language", found, chosen, f"block {block_id}",
        note="short block: the model was unsure, the surrounding body decides",
    )
