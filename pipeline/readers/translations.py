"""An editor's translation of the body: ``input/<id>/translations/<lang>.md``.

Markdown, read by pandoc and walked by the same AST reader as a DOCX
(``pandoc.py``): headings, paragraphs, lists, quotes, tables, emphasis and notes
keep their structure. Raw TeX and HTML are off: a translation is text. It becomes
the body of that language's edition instead of the "full text is in …" notice.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Block, Line
from .pandoc import MARKDOWN, MAX_TEXT_BYTES, pandoc_ast, read_ast


def blocks_from_lines(lines: list[Line], lang: str) -> list[Block]:
    """Blocks of a translated body, in the language the editor says it is in.

    The roles are the Markdown's. A translation has no front matter, so what the
    reader took for an abstract is a paragraph; notes keep their role and come last,
    each note's mark in the text linked to it as in the source's body.
    """
    from ..segment import _spans_from_runs  # the segmenter's rule: emphasis alike everywhere
    from ..segment.notes import link_marks

    blocks: list[Block] = []
    for line in lines:
        role = line.role if line.role in ("heading", "list_item", "quote", "footnote",
                                          "table", "caption") else "paragraph"
        number = line.label if role in ("list_item", "footnote") else None
        if number and not number[0].isalnum():
            number = None
        blocks.append(Block(
            f"t{len(blocks) + 1}", role, lang, line.text, level=line.level or (
                1 if role == "heading" else None), number=number,
            spans=[] if role == "table" else _spans_from_runs(line.runs),
            cells=line.cells, header_rows=line.header_rows,
        ))
        if role == "table":
            blocks[-1].text = " ".join(c for row in line.cells or [] for c in row if c)
    link_marks(blocks, [])  # every mark has its note: pandoc numbers the notes it read
    return blocks


def parse_translation(text: str, lang: str, name: str = "translation") -> list[Block]:
    """Blocks of a translated body.

    >>> md = "# Введение\\n\\nТекст\\n*дальше*.\\n\\n- пункт"
    >>> [(b.role, b.text) for b in parse_translation(md, "ru")]
    [('heading', 'Введение'), ('paragraph', 'Текст дальше.'), ('list_item', 'пункт')]
    >>> [(s.start, s.end, s.style) for s in parse_translation(md, "ru")[1].spans]
    [(6, 12, 'italic')]
    """
    reader = read_ast(pandoc_ast(text.encode("utf-8"), MARKDOWN, name), name, lang)
    return blocks_from_lines(reader.lines + reader.notes, lang)


def read_translation_text(path: Path) -> str:
    """The text of a translation file, or a one-line ``InputError`` naming it.

    A folder, a link that leads out of the article's folder or to nothing, a
    file that is not UTF-8 or too large are each the editor's mistake to fix; so
    is a control character, a noncharacter or a direction override in the text
    (``meta.bad_character``), refused with its line: the cleaner never sees a
    translation, and LuaLaTeX would stop on the first, the EPUB show the last.
    """
    article = path.parent.parent.resolve()
    target = path.resolve()
    if not target.is_relative_to(article):
        raise InputError(path, "is a link to a file outside the article's folder",
                         "copy the translation into translations/ instead of linking it")
    if target.is_dir():
        raise InputError(path, "is a folder, not a Markdown file",
                         f"put the translation in translations/{path.name} as one file")
    if not target.is_file():
        raise InputError(path, "is not a regular file (a link to nothing, or a device)",
                         f"put the translation in translations/{path.name} as one file")
    if target.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(path, f"is over the {MAX_TEXT_BYTES // 2**20} MB limit",
                         "a translation of the body is far smaller: check the file")
    try:
        text = target.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (byte {exc.start})",
                         "save it as UTF-8 (in Notepad: Save as…, Encoding: UTF-8)") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})", "check the file") from None
    from ..meta import refuse_bad_characters

    text = text.removeprefix("\ufeff")
    refuse_bad_characters(text, path, InputError)
    return text


def load_translation(path: Path, lang: str) -> list[Block] | None:
    """The translated body in ``path``, or None when there is none (or it is empty)."""
    if not path.exists() and not path.is_symlink():
        return None
    return parse_translation(read_translation_text(path), lang, str(path)) or None
