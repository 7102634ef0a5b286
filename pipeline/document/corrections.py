"""The editor's corrections (``corrections.yaml``), applied to the tagged document.

Each entry names the text to ``find`` (optionally only in blocks of a ``lang``
or ``role``), one action, and an optional ``note``::

    - find: "условиях формировать"      # a text edit
      replace: "условиях и формировать"
      lang: ru
      note: the "и" was lost at a page break

    - find: "Materials and methods"     # what the segmenter got wrong about a block
      set: {role: heading, level: 1}    # any of role, lang, level, number

    - find: "continues on the next"     # a paragraph cut in two at a page break
      merge: next                       # the block found, and the block after it

    - find: "Results. We found"         # two blocks run together
      split_at: "We found"              # the second block starts here

    - find: "Journal of Things, 2021"   # a running head the reader kept
      drop: true

A figure, table or equation is found by its caption's words (or its own, or, for
``image`` and ``alt``, its picture's name as the problems give it):

    - find: "Сүрөт 2. Окуучулардын"     # the picture, instead of the source's
      image: figure-2.png               # a PNG or JPEG in the article's folder
    - find: "Сүрөт 2. Окуучулардын"
      alt: "Бар chart of pupils by year" # the alternative text of the EPUB's image
    - find: "Сүрөт 2. Окуучулардын"     # the caption in the other editions
      translations: {ru: "Рис. 2. Учащиеся по годам", en: "Figure 2. Pupils by year"}
    - find: "Жыйынтык 45"               # a table the reader found wrongly
      table_as: figure                  # or text: a paragraph of its words

Every entry must match exactly once, so a fix can never be silently dropped when
the pipeline improves or the source is re-extracted: zero or several matches stop
the build and show the candidates. Where the text occurs more than once, the
entry says which it means::

    - find: "улуттар"                   # the 2nd place, in reading order
      occurrence: 2
      replace: "улуттардын"

    - find: "улуттар"                   # the place near this text (same block,
      near: "Бириккен улуттар уюму"     # within NEAR_CHARS characters)
      replace: "Улуттар"

    - find: "Кыргызстан"                # every place
      all: true
      replace: "Кыргызстан"

Entries apply in file order, each against the text as the entries before it left
it: a fix that makes a later entry match twice is reported at that entry.
``split_at`` must also occur exactly once in the block found. Every action is
recorded as a change by the editor, and the cleaning report lists it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from ..errors import CorrectionError
from ..meta import parse_yaml
from ..model import EDITION_LANGS, OBJECT_ROLES, ROLES, Block, Change, Document, Visual

#: The actions an entry can take; exactly one per entry.
ACTIONS = ("replace", "set", "merge", "split_at", "drop", "image", "alt", "translations",
           "table_as")
#: An editor's picture (``image:``) is at most this large: a page-wide figure at
#: 600 dpi is a few MB.
MAX_IMAGE_BYTES = 50 * 2**20
#: The block fields ``set:`` may change, and how each value is checked.
SETTABLE = ("role", "lang", "level", "number")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
#: How many places one entry may choose among: ``occurrence``, ``near`` or ``all``.
CHOOSERS = ("occurrence", "near", "all")
#: ``near:`` text counts as near a match when it is in the same block and at most
#: this many characters away from it (a sentence or so).
NEAR_CHARS = 100
#: Actions that may apply to every place at once (``all: true``): merging or
#: splitting several blocks by one entry would make the result hard to foresee.
ALL_ACTIONS = ("replace", "set", "drop")


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
        if not isinstance(item, dict) or not isinstance(item.get("find"), str):
            raise CorrectionError(path, f"line {line}: an entry needs `find:` text",
                                  "give the text to find, quoted")
        if not item["find"]:
            raise CorrectionError(path, f"line {line}: `find:` is empty", "give the text to find")
        actions = [a for a in ACTIONS if a in item]
        if len(actions) != 1:
            what = "no action" if not actions else "several actions (" + ", ".join(actions) + ")"
            raise CorrectionError(path, f"line {line}: entry {item['find']!r} has {what}",
                                  "give exactly one of " + ", ".join(f"`{a}:`" for a in ACTIONS))
        _check(item, actions[0], line, path)
        _check_chooser(item, actions[0], line, path)
        out.append((line, item))
    return out


def _check(item: dict[str, Any], action: str, line: int, path: Path | str) -> None:
    """One-line errors for an action whose value cannot be applied."""
    value = item[action]

    def bad(what: str, hint: str) -> CorrectionError:
        return CorrectionError(path, f"line {line}: {what}", hint)

    if action == "replace" and not isinstance(value, str):
        raise bad("`replace:` is not text", "give the replacement as quoted text")
    if action == "merge" and value != "next":
        raise bad(f"`merge: {value}` is not understood", "write `merge: next`")
    if action == "drop" and value is not True:
        raise bad(f"`drop: {value}` is not understood", "write `drop: true`")
    if action == "split_at" and not (isinstance(value, str) and value):
        raise bad("`split_at:` is not text", "give the text the second block starts with")
    if action == "set":
        if not isinstance(value, dict) or not value:
            raise bad("`set:` needs fields", "write e.g. `set: {role: heading, level: 1}`")
        for key, v in value.items():
            if key not in SETTABLE:
                raise bad(f"`set:` cannot change {key!r}",
                          "set any of " + ", ".join(SETTABLE))
            if key == "role" and v == "table":  # a table is its cells, which text lacks
                raise bad("`set:` cannot make a block a table: it has no cells",
                          "leave the role, or mark the table in the source")
            if key == "role" and v in ("figure", "equation"):  # they are their picture
                raise bad(f"`set:` cannot make a block a {v}: it has no picture",
                          "a table found wrongly becomes a figure with `table_as: figure`")
            if key == "role" and v not in ROLES:
                raise bad(f"role {v!r} is unknown", "use one of " + ", ".join(ROLES))
            if key == "lang" and not (isinstance(v, str) and _LANG.match(v)):
                raise bad(f"language {v!r} is not a code", "give a code such as ky, ru, en")
            if key == "level" and not (isinstance(v, int) and 1 <= v <= 6):
                raise bad(f"level {v!r} is not 1 to 6", "give a heading level from 1 to 6")
            if key == "number" and not isinstance(v, str | int):
                raise bad(f"number {v!r} is not text", "give the number as printed")
    if action == "image":
        editor_image(value, path, bad)
    if action == "alt" and not (isinstance(value, str) and value.strip()):
        raise bad("`alt:` is not text", "give the words that describe the picture, quoted")
    if action == "translations":
        if not isinstance(value, dict) or not value:
            raise bad("`translations:` needs languages",
                      'write e.g. `translations: {ru: "Рис. 1. …", en: "Figure 1. …"}`')
        for lang, text in value.items():
            if lang not in EDITION_LANGS:
                raise bad(f"`translations:` language {lang!r} is no edition's",
                          "give the caption for " + ", ".join(EDITION_LANGS))
            if not (isinstance(text, str) and text.strip()):
                raise bad(f"`translations:` {lang} is not text", "give the caption, quoted")
    if action == "table_as" and value not in ("figure", "text"):
        raise bad(f"`table_as: {value}` is not understood",
                  "write `table_as: figure` or `table_as: text`")


def editor_image(name: Any, path: Path | str, bad) -> tuple[str, int, int]:
    """(format, width, height) of the picture an ``image:`` entry names: a PNG or JPEG
    file in the article's folder (beside corrections.yaml), no link out of it."""
    from ..fileio import DATA_READ, image_size
    from ..limits import read_inside

    if not (isinstance(name, str) and name.strip()):
        raise bad("`image:` is not a file name", "give the picture's file name, e.g. figure-2.png")
    folder = Path(path).parent
    target = folder / name
    if "/" in name or "\\" in name or name.startswith("."):
        raise bad(f"`image: {name}` is not a file name of the article's folder",
                  f"copy the picture into {folder} and give its name alone")
    if not (target.exists() or target.is_symlink()):
        raise bad(f"`image: {name}` does not exist", f"copy the picture into {folder}")
    try:
        raw = read_inside(target, folder, MAX_IMAGE_BYTES, CorrectionError, "picture")
    except CorrectionError as exc:
        raise bad(f"`image: {name}` {exc.problem}", exc.hint) from None
    # The document's pixels depend on the picture: make rebuilds it when it changes.
    DATA_READ.add(target)
    size = image_size(raw[:1 << 20])
    if size is None or size[0] not in ("png", "jpeg") or not (size[1] and size[2]):
        raise bad(f"`image: {name}` is not a PNG or JPEG picture",
                  "save the picture as PNG (a chart, a drawing) or JPEG (a photograph)")
    return size


def _check_chooser(item: dict[str, Any], action: str, line: int, path: Path | str) -> None:
    """One-line errors for ``occurrence``/``near``/``all`` values that choose nothing."""
    chosen = [c for c in CHOOSERS if c in item]

    def bad(what: str, hint: str) -> CorrectionError:
        return CorrectionError(path, f"line {line}: {what}", hint)

    if len(chosen) > 1:
        raise bad(f"entry {item['find']!r} gives " + " and ".join(f"`{c}:`" for c in chosen),
                  "choose the place one way: `occurrence:`, `near:` or `all:`")
    occurrence = item.get("occurrence")
    counted = isinstance(occurrence, int) and not isinstance(occurrence, bool)
    if "occurrence" in item and not (counted and occurrence >= 1):
        raise bad(f"`occurrence: {occurrence}` is not a place number",
                  "give 1 for the first place, 2 for the second, …")
    if "near" in item and not (isinstance(item["near"], str) and item["near"].strip()):
        raise bad("`near:` is not text", "give words printed close to the place, quoted")
    if "all" in item:
        if item["all"] is not True:
            raise bad(f"`all: {item['all']}` is not understood", "write `all: true`")
        if action not in ALL_ACTIONS:
            raise bad(f"`all: true` cannot be used with `{action}:`",
                      "give one entry per place, with `occurrence:` or `near:`")


def _choose(doc: Document, entry: dict[str, Any], hits: list[tuple[int, int]]
            ) -> list[tuple[int, int]]:
    """The places an entry means among every place its text occurs at."""
    if entry.get("all"):
        return hits
    if "occurrence" in entry:
        n = entry["occurrence"]
        return [hits[n - 1]] if n <= len(hits) else []
    if "near" in entry:
        return [h for h in hits if _is_near(doc.blocks[h[0]].text, h[1],
                                            len(entry["find"]), entry["near"])]
    return hits


def _is_near(text: str, start: int, length: int, near: str) -> bool:
    """Whether ``near`` occurs in ``text`` within NEAR_CHARS of ``text[start:start+length]``.

    >>> _is_near("Бириккен улуттар уюму. Башка улуттар.", 9, 7, "Бириккен улуттар")
    True
    >>> _is_near("Бириккен улуттар уюму. Башка улуттар.", 29, 7, "Бириккен улуттар")
    True
    >>> _is_near("Бириккен улуттар уюму." + " x" * 80 + " улуттар", 184, 7, "Бириккен")
    False
    """
    at = text.find(near)
    while at != -1:
        gap = max(at - (start + length), start - (at + len(near)), 0)
        if gap <= NEAR_CHARS:
            return True
        at = text.find(near, at + 1)
    return False


def _hits(doc: Document, entry: dict[str, Any]) -> list[tuple[int, int]]:
    """(block index, offset) of every occurrence of the entry's text."""
    find = entry["find"]
    hits = []
    # A figure with no words and no caption is found by its picture's name, as the
    # problems list it ("word/media/image3.emf", "assets/p3-figure1.png").
    by_picture = any(a in entry for a in ("image", "alt"))
    for i, block in enumerate(doc.blocks):
        if entry.get("lang") and block.lang != entry["lang"]:
            continue
        if entry.get("role") and block.role != entry["role"]:
            continue
        if by_picture and block.visual and find in (block.visual.media, block.visual.image):
            hits.append((i, 0))
            continue
        start = block.text.find(find)
        while start != -1:
            hits.append((i, start))
            start = block.text.find(find, start + 1)
    return hits


def _context(block: Block, start: int, end: int) -> str:
    text = block.text
    return text[max(0, start - 40):start] + "⟦" + text[start:end] + "⟧" + text[end:end + 40]


def apply_corrections(doc: Document, text: str, path: Path | str) -> Document:
    """Apply every entry of a corrections file to ``doc``; record each as the editor's."""
    for line, entry in _entries(text, path):
        hits = _hits(doc, entry)
        chosen = _choose(doc, entry, hits)
        if not chosen or (len(chosen) > 1 and not entry.get("all")):
            raise CorrectionError(path, f"line {line}: "
                                  f"{_unmatched(doc, entry, hits, chosen, _proof(path))}",
                                  _unmatched_hint(entry, hits))
        if "replace" not in entry:  # a block's role or presence changes once
            chosen = list({index: (index, start) for index, start in chosen}.values())
        # Later places first: an edit never moves the offsets of the places before it;
        # the changes are then recorded in reading order.
        recorded = len(doc.changes)
        for index, start in sorted(chosen, reverse=True):
            _apply_entry(doc, entry, index, start, line, path)
        doc.changes[recorded:] = reversed(doc.changes[recorded:])
    return doc


def _proof(path: Path | str) -> Any:
    """The last proof round kept for the article these corrections belong to (its
    folder's name), as (round, places), or None: candidates are then named by their
    page and line in that proof (``writers/proof.py``)."""
    from ..writers.proof import latest_index

    return latest_index(Path(path).resolve().parent.name)


def _place(doc: Document, index: int, start: int, length: int, proof: Any = None) -> str:
    """A match as an editor finds it: its page and line in the last proof when there
    is one, else its block and source page; and the words around it."""
    block = doc.blocks[index]
    words = f"…{block.text[max(0, start - 25):start + length + 25]}…"
    found = proof[1].at_text(block.id, block.text, start) if proof else None
    if found:
        page, number = found
        return f"proof {proof[0]} p. {page}" + (f", l. {number}" if number else "") + \
            f": {words}"
    page = f", p. {block.page}" if block.page else ""
    return f"{block.id}{page}: {words}"


def _unmatched(doc: Document, entry: dict[str, Any], hits: list[tuple[int, int]],
               chosen: list[tuple[int, int]], proof: Any = None) -> str:
    """Why an entry applies nowhere, or is ambiguous, with the candidates."""
    find = entry["find"]
    shown = "; ".join(_place(doc, i, s, len(find), proof) for i, s in (chosen or hits)[:5])
    more = f" and {len(chosen or hits) - 5} more" if len(chosen or hits) > 5 else ""
    if not hits:
        return f"entry {find!r} matches nothing"
    if "occurrence" in entry:
        return (f"entry {find!r} has `occurrence: {entry['occurrence']}`, but the text "
                f"occurs {_times(len(hits))} ({shown}{more})")
    if "near" in entry and not chosen:
        return (f"entry {find!r}: none of its {len(hits)} places is near {entry['near']!r} "
                f"({shown}{more})")
    return f"entry {find!r} is ambiguous: it matches {len(chosen)} places ({shown}{more})"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _unmatched_hint(entry: dict[str, Any], hits: list[tuple[int, int]]) -> str:
    if not hits:
        return "check the text against document.json or the proof (quotes, dashes, spaces)"
    return "choose one with `occurrence: N` or `near: \"…\"`, or give `all: true`"


def _apply_entry(doc: Document, entry: dict[str, Any], index: int, start: int, line: int,
                 path: Path | str) -> None:
    """One entry's action at one place (a block index and an offset in it)."""
    find = entry["find"]
    note = str(entry.get("note", ""))
    if doc.blocks[index].cells is not None:
        _check_table_entry(doc.blocks[index], start, entry, line, path)
        if "set" in entry and entry["set"].get("role", "table") != "table":
            raise CorrectionError(path, f"line {line}: entry {find!r} is in table "
                                  f"{doc.blocks[index].id}, whose role `set:` cannot change",
                                  "write `table_as: figure` or `table_as: text`")
    if "replace" in entry:
        replace_text(doc, index, start, find, entry["replace"], note)
    elif "set" in entry:
        set_fields(doc, index, entry["set"], note)
    elif "merge" in entry:
        if index + 1 >= len(doc.blocks):
            raise CorrectionError(path, f"line {line}: entry {find!r} is in the last block",
                                  "there is no next block to merge with")
        merge_next(doc, index, note)
    elif "split_at" in entry:
        at = doc.blocks[index].text.find(entry["split_at"])
        count = doc.blocks[index].text.count(entry["split_at"])
        if count != 1 or at <= 0:
            what = "is not in" if count == 0 else (
                "starts" if at == 0 and count == 1 else f"occurs {count} times in")
            raise CorrectionError(
                path, f"line {line}: `split_at: {entry['split_at']!r}` {what} block "
                f"{doc.blocks[index].id}", "give a text that occurs once, after its start")
        split_block(doc, index, at, note)
    elif "drop" in entry:
        drop_block(doc, index, note)
    else:
        _object_entry(doc, entry, index, line, path, note)


def _object_entry(doc: Document, entry: dict[str, Any], index: int, line: int,
                  path: Path | str, note: str) -> None:
    """An ``image``, ``alt``, ``translations`` or ``table_as`` entry: on the object or
    caption the text found belongs to."""
    block = doc.blocks[index]

    def bad(what: str, hint: str) -> CorrectionError:
        return CorrectionError(path, f"line {line}: entry {entry['find']!r} is in {block.role} "
                               f"{block.id}, {what}", hint)

    if "translations" in entry:
        caption = block if block.role == "caption" else next(
            (b for b in doc.blocks if b.role == "caption" and b.of == block.id), None)
        if caption is None:
            raise bad("which is no caption and has none", "find the caption's own words")
        set_translations(doc, caption, entry["translations"], note)
        return
    target = object_of(doc, block)
    if target is None:
        raise bad("which is no figure, table or equation, nor the caption of one",
                  "find the caption's or the object's own words")
    which = "which" if target is block else f"whose object {target.id}"
    if "table_as" in entry:
        if target.role != "table":
            raise bad(f"{which} is a {target.role}, not a table",
                      "`table_as:` is for a table the reader found wrongly")
        table_as(doc, target, entry["table_as"], note)
    elif "image" in entry:
        if target.role == "table":
            raise bad(f"{which} is a table, with no picture to replace",
                      "make it a figure first with `table_as: figure`")
        size = editor_image(entry["image"], path, lambda w, h: CorrectionError(
            path, f"line {line}: {w}", h))
        replace_image(doc, target, entry["image"], size, note)
    else:
        set_alt(doc, target, entry["alt"], note)


def object_of(doc: Document, block: Block) -> Block | None:
    """The figure, table or equation a block is, or captions (None for other text)."""
    if block.role in OBJECT_ROLES:
        return block
    if block.role == "caption" and block.of:
        return next((b for b in doc.blocks if b.id == block.of), None)
    return None


def replace_image(doc: Document, block: Block, name: str, size: tuple[str, int, int],
                  note: str) -> None:
    """The editor's picture instead of the source's: ``Visual.media`` is
    ``editor:<file>`` (a file of the article's folder, which the assets stage copies),
    ``image`` where it puts it; the source's PDF region is forgotten."""
    visual = block.visual or Visual()
    before = visual.media or visual.image or "no picture"
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(name).stem)[:60] or "picture"
    visual.image = f"assets/editor-{block.id}-{stem}.{'jpg' if size[0] == 'jpeg' else 'png'}"
    visual.media, visual.pixels = f"editor:{name}", [size[1], size[2]]
    visual.region = None
    block.visual = visual
    doc.changes.append(Change("editor_image", before, name, f"block {block.id}",
                              context=f"{block.role} {block.number or ''}".strip(),
                              by="editor", note=note))


def set_alt(doc: Document, block: Block, alt: str, note: str) -> None:
    """The alternative text of an object's picture (the EPUB's ``alt``)."""
    visual = block.visual or Visual()
    before = visual.alt or ""
    visual.alt = " ".join(alt.split())
    block.visual = visual
    doc.changes.append(Change("editor_alt", before, visual.alt, f"block {block.id}",
                              context=f"{block.role} {block.number or ''}".strip(),
                              by="editor", note=note))


def set_translations(doc: Document, caption: Block, given: dict[str, str], note: str) -> None:
    """A caption's text in other edition languages, for the single-language editions."""
    texts = dict(caption.translations or {})
    texts.update({lang: " ".join(text.split()) for lang, text in given.items()})
    caption.translations = texts
    doc.changes.append(Change("editor_translations", "", "; ".join(
        f"{lang}: {text}" for lang, text in given.items()), f"block {caption.id}",
        context=caption.text[:80], by="editor", note=note))


def table_as(doc: Document, block: Block, what: str, note: str) -> None:
    """A table the reader found wrongly, as a figure (its picture: the PDF region it
    was found in, rendered by the assets stage) or as text (a paragraph of its words)."""
    before = f"table of {len(block.cells or [])} rows"
    block.cells = block.header_rows = None
    if what == "figure":
        block.role = "figure"
        visual = block.visual or Visual()
        visual.merges = None
        if visual.region and not visual.image:
            visual.image = f"assets/{block.id}-figure.png"
        block.visual = visual
    else:
        block.role, block.visual, block.number = "paragraph", None, None
    doc.changes.append(Change("editor_table_as", before, block.role, f"block {block.id}",
                              context=block.text[:80], by="editor", note=note))


def _cell_at(block: Block, start: int, length: int) -> tuple[int, int, int] | None:
    """(row, column, offset in the cell) of ``text[start:start + length]`` in a table,
    whose text is its non-empty cells joined by spaces; None if it crosses cells."""
    pos = 0
    for r, row in enumerate(block.cells or []):
        for c, cell in enumerate(row):
            if not cell:
                continue
            if pos <= start and start + length <= pos + len(cell):
                return r, c, start - pos
            pos += len(cell) + 1
    return None


def _check_table_entry(block: Block, start: int, entry: dict[str, Any], line: int,
                       path: Path | str) -> None:
    """A table is its cells: an edit must stay inside one, and its rows are not text
    to merge or split."""
    if "merge" in entry or "split_at" in entry:
        raise CorrectionError(path, f"line {line}: entry {entry['find']!r} is in table "
                              f"{block.id}, which cannot be merged or split",
                              "correct its cells with `replace:`")
    if "replace" in entry and _cell_at(block, start, len(entry["find"])) is None:
        raise CorrectionError(path, f"line {line}: entry {entry['find']!r} runs across "
                              f"cells of table {block.id}", "correct one cell per entry")


def replace_text(doc: Document, index: int, start: int, find: str, replace: str,
                 note: str) -> None:
    """A text edit inside one block; its spans stay on the same words (in a table,
    inside the cell it falls in)."""
    block = doc.blocks[index]
    end = start + len(find)
    context = _context(block, start, end)
    where = _cell_at(block, start, len(find)) if block.cells is not None else None
    if block.cells is not None and where is not None:
        r, c, at = where
        cell = block.cells[r][c]
        block.cells[r][c] = cell[:at] + replace + cell[at + len(find):]
    block.text = block.text[:start] + replace + block.text[end:]
    _shift_spans(block, start, end, len(replace) - len(find))
    doc.changes.append(Change("editor_correction", find, replace, f"block {block.id}",
                              context=context, by="editor", note=note))


def set_fields(doc: Document, index: int, fields: dict[str, Any], note: str) -> None:
    """Give a block another role, language, heading level or number."""
    block = doc.blocks[index]
    before = {k: getattr(block, k) for k in SETTABLE}
    for key, value in fields.items():
        setattr(block, key, str(value) if key == "number" else value)
    if block.role == "heading" and not block.level:
        block.level = 1  # a heading needs a level; a section is the usual one
    if block.role != "heading" and "level" not in fields:
        block.level = None
    after = {k: getattr(block, k) for k in SETTABLE}
    shown = [k for k in SETTABLE if before[k] != after[k]]
    doc.changes.append(Change(
        "editor_set", ", ".join(f"{k}: {before[k]}" for k in shown),
        ", ".join(f"{k}: {after[k]}" for k in shown), f"block {block.id}",
        context=block.text[:80], by="editor", note=note))


def merge_next(doc: Document, index: int, note: str) -> None:
    """Join a block and the block after it into one (the first keeps its role)."""
    first, second = doc.blocks[index], doc.blocks[index + 1]
    offset = len(first.text) + 1
    context = first.text[-40:] + " ⟦+⟧ " + second.text[:40]
    first.text = first.text + " " + second.text
    # Every field of a span moves with it (a cross-reference's xref too).
    first.spans.extend(dataclasses.replace(s, start=s.start + offset, end=s.end + offset)
                       for s in second.spans)
    del doc.blocks[index + 1]
    _retarget(doc, second.id, first.id)
    doc.changes.append(Change("editor_merge", f"{first.id} | {second.id}", first.id,
                              f"block {first.id}", context=context, by="editor", note=note))


def split_block(doc: Document, index: int, at: int, note: str) -> None:
    """Cut a block in two at offset ``at``; the second part gets a new id."""
    block = doc.blocks[index]
    head, tail = block.text[:at].rstrip(), block.text[at:].lstrip()
    tail_start = len(block.text) - len(tail)
    ids = {b.id for b in doc.blocks}
    new_id, n = f"{block.id}-2", 2
    while new_id in ids:
        n += 1
        new_id = f"{block.id}-{n}"
    second = Block(new_id, block.role, block.lang, tail, level=block.level, page=block.page,
                   ref_list=block.ref_list)
    second.spans = [dataclasses.replace(s, start=s.start - tail_start, end=s.end - tail_start)
                    for s in block.spans if s.start >= tail_start]
    block.spans = [s for s in block.spans if s.end <= len(head)]
    context = _context(Block(block.id, block.role, block.lang, head + " " + tail),
                       len(head), len(head) + 1)
    block.text = head
    doc.blocks.insert(index + 1, second)
    doc.changes.append(Change("editor_split", block.id, f"{block.id} | {new_id}",
                              f"block {block.id}", context=context, by="editor", note=note))


def drop_block(doc: Document, index: int, note: str) -> None:
    """Remove a block the source should not have given (a running head, debris)."""
    block = doc.blocks.pop(index)
    _retarget(doc, block.id, None)
    doc.changes.append(Change("editor_drop", block.text[:120], "", f"block {block.id}",
                              context=block.text[:80], by="editor", note=note))


def _retarget(doc: Document, old: str, new: str | None) -> None:
    """Citation targets follow a merged block, and forget a dropped one."""
    for block in doc.blocks:
        for span in block.spans:
            if span.targets and old in span.targets:
                span.targets = [t for t in (new if t == old else t for t in span.targets)
                                if t is not None]


def _shift_spans(block: Block, start: int, end: int, delta: int) -> None:
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
