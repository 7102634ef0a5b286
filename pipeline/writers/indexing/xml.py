"""Small lxml helpers every XML writer of this package uses.

Every text that reaches a file goes through ``text`` (lxml escapes it; the
characters XML 1.0 cannot hold are dropped first), never through string pasting.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .common import xml_safe

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def sub(parent: Any, tag: str, text: str | int | None = None, **attrs: str | None) -> Any:
    """A child element with optional text; attributes whose value is None are left out.

    ``xml_lang`` and ``xlink_href`` style keys are spelt with ``attr`` (below).
    """
    el = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        if value is not None:
            el.set(key, xml_safe(str(value)))
    if text is not None:
        el.text = xml_safe(str(text))
    return el


def attr(el: Any, name: str, value: str | None) -> Any:
    if value is not None:
        el.set(name, xml_safe(str(value)))
    return el


def append_text(el: Any, text: str) -> None:
    """Add ``text`` after ``el``'s last child (or into it when it has none)."""
    text = xml_safe(text)
    if len(el):
        last = el[-1]
        last.tail = (last.tail or "") + text
    else:
        el.text = (el.text or "") + text


def xml_id(ident: str) -> str:
    """A block id as an XML ID (an NCName): ``ref-1`` stays, anything odd is made safe.

    >>> xml_id("ref-1"), xml_id("1 b"), xml_id("")
    ('ref-1', 'id-1-b', 'id')
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", ident).strip("-")
    if not safe or not re.match(r"[A-Za-z_]", safe):
        safe = "id-" + safe if safe else "id"
    return safe


def serialize(root: Any, doctype: str | None = None) -> bytes:
    return etree.tostring(root.getroottree() if hasattr(root, "getroottree") else root,
                          xml_declaration=True, encoding="UTF-8", pretty_print=True,
                          doctype=doctype)
