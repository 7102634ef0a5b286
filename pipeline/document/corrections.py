"""The editor's corrections (``corrections.yaml``), applied to the tagged document.

An entry names the text to find, its replacement, optionally the language or
role of the block it is in, and a note::

    - find: "условиях формировать"
      replace: "условиях и формировать"
      lang: ru
      note: the "и" was lost at a page break

Every entry must match exactly once, so a fix can never be silently dropped when
the pipeline improves or the source is re-extracted: zero or several matches stop
the build and show the candidates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CorrectionError
from ..meta import parse_yaml
from ..model import Change, Document


def _entries(text: str, path: Path | str) -> list[tuple[int, dict[str, Any]]]:
    data, node = parse_yaml(text, path, CorrectionError)
    if data is None:
        return []
    if isinstance(data, dict) and "corrections" in data:
        data = data["corrections"]
        node = next(v for k, v in node.value if k.value == "corrections")
    if not isinstance(data, list):
        raise CorrectionError(path, "line 1: expected a list of entries (`- find: …`)",
                              "start each entry with `- find:`")
    out = []
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item.get("find"), str) or not isinstance(
            item.get("replace"), str
        ):
            raise CorrectionError(path, f"line {line}: an entry needs `find:` and `replace:` text",
                                  "give both as quoted text")
        if not item["find"]:
            raise CorrectionError(path, f"line {line}: `find:` is empty", "give the text to find")
        out.append((line, item))
    return out


def apply_corrections(doc: Document, text: str, path: Path | str) -> Document:
    """Apply every entry of a corrections file to ``doc``; record each as the editor's."""
    for line, entry in _entries(text, path):
        find, replace = entry["find"], entry["replace"]
        hits = []
        for block in doc.blocks:
            if entry.get("lang") and block.lang != entry["lang"]:
                continue
            if entry.get("role") and block.role != entry["role"]:
                continue
            start = block.text.find(find)
            while start != -1:
                hits.append((block, start))
                start = block.text.find(find, start + 1)
        if len(hits) != 1:
            shown = "; ".join(
                f"{b.id}: …{b.text[max(0, s - 25):s + len(find) + 25]}…" for b, s in hits[:3]
            )
            what = "matches nothing" if not hits else f"matches {len(hits)} places ({shown})"
            raise CorrectionError(path, f"line {line}: entry {find!r} {what}")
        block, start = hits[0]
        end = start + len(find)
        before, after = block.text[max(0, start - 40) : start], block.text[end : end + 40]
        context = before + "⟦" + find + "⟧" + after
        block.text = block.text[:start] + replace + block.text[end:]
        _shift_spans(block, start, end, len(replace) - len(find))
        doc.changes.append(Change("editor_correction", find, replace, f"block {block.id}",
                                  context=context, by="editor", note=str(entry.get("note", ""))))
    return doc


def _shift_spans(block, start: int, end: int, delta: int) -> None:
    """Keep inline spans on the same words after a replacement of [start, end)."""
    kept = []
    for span in block.spans:
        if span.end <= start:
            kept.append(span)
        elif span.start >= end:
            span.start += delta
            span.end += delta
            kept.append(span)
        else:
            # The replacement overlaps the span: stretch it over the new text.
            span.start = min(span.start, start)
            span.end = max(span.end + delta, start + (end - start) + delta)
            if span.start < span.end <= len(block.text):
                kept.append(span)
    block.spans = kept
