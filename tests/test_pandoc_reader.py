"""DOCX and translations through pandoc's AST (issue 13).

The DOCX files are made here from Markdown by pandoc: no binary is committed.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docxgen import docx_from_markdown

from pipeline.errors import BasmaError, InputError
from pipeline.readers import extract
from pipeline.readers import pandoc as pandoc_reader
from pipeline.readers.translations import load_translation
from pipeline.stages import run_text_stages

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = """\
# Киришүү

Билим берүү системасында *гумандаштыруу* негизги багыт болуп саналат.[^1]
Бул макалада анын тенденциялары каралат.

- биринчи тенденция
- экинчи тенденция

## Натыйжалар

| Өлкө | Жыл | Cyber Ноmе |
|------|-----|-----------|
| Кыргызстан | 2020 | 41 |
| Казакстан | 2021 | 5% & #1 |

[^1]: 2020-жылы Бишкекте жарык көргөн отчет боюнча.
"""

CELLS = [["Өлкө", "Жыл", "Cyber Home"], ["Кыргызстан", "2020", "41"],
         ["Казакстан", "2021", "5% & #1"]]


@pytest.fixture(scope="module")
def article_docx(tmp_path_factory) -> Path:
    return docx_from_markdown(ARTICLE, tmp_path_factory.mktemp("docx") / "article.docx")


@pytest.fixture(scope="module")
def doc(article_docx):
    return run_text_stages(article_docx)


def test_docx_blocks_have_the_roles_word_gave_them(doc):
    roles = [b.role for b in doc.blocks]
    headings = [(b.text, b.level) for b in doc.blocks if b.role == "heading"]
    assert headings == [("Киришүү", 1), ("Натыйжалар", 2)]
    assert [b.text for b in doc.blocks if b.role == "list_item"] == [
        "биринчи тенденция", "экинчи тенденция"]
    assert roles.count("paragraph") == 1 and roles.count("table") == 1
    para = next(b for b in doc.blocks if b.role == "paragraph")
    # Word's soft line end is a space; the note's mark stays where the note was.
    assert para.text == ("Билим берүү системасында гумандаштыруу негизги багыт болуп "
                         "саналат.1 Бул макалада анын тенденциялары каралат.")
    assert {b.lang for b in doc.blocks if b.role != "table"} == {"ky"}


def test_docx_italics_are_a_span(doc):
    para = next(b for b in doc.blocks if b.role == "paragraph")
    italic = [para.text[s.start:s.end] for s in para.spans if s.style == "italic"]
    assert italic == ["гумандаштыруу"]


def test_docx_footnote_keeps_its_number_and_its_text(doc):
    notes = [b for b in doc.blocks if b.role == "footnote"]
    assert [(b.number, b.text) for b in notes] == [
        ("1", "2020-жылы Бишкекте жарык көргөн отчет боюнча.")]


def test_docx_table_is_a_table_block_not_text(doc):
    tables = [b for b in doc.blocks if b.role == "table"]
    assert len(tables) == 1
    # The cleaner reached the cells: "Ноmе" was Cyrillic Н and е around Latin o, m.
    assert tables[0].cells == CELLS
    assert tables[0].header_rows == 1
    for b in doc.blocks:
        assert not re.search(r"-{3}|\|", b.text), b
        if b.role != "table":
            assert "Кыргызстан" not in b.text


def test_docx_repairs_are_located_by_paragraph(doc):
    homoglyph = [c for c in doc.changes if c.rule == "fix_homoglyphs"]
    assert homoglyph and all(re.fullmatch(r"paragraph \d+", c.where) for c in homoglyph)


def test_docx_without_structure_still_finds_front_matter_and_references(tmp_path):
    """Plain Word paragraphs get the segmenter's usual rules: abstract label, keywords,
    title, and the reference list after a heading named like one."""
    md = ("ГУМАНДАШТЫРУУНУН ТЕНДЕНЦИЯЛАРЫ\n\nАннотация: Макалада билим берүү каралат.\n\n"
          "Урунттуу сөздөр: билим, гуманизм.\n\n# Киришүү\n\nТекст [1].\n\n# Адабияттар\n\n"
          "1. Асанов А. Билим берүү. Бишкек, 2020.\n2. Петров Б. Образование. Москва, 2019.\n")
    result = run_text_stages(docx_from_markdown(md, tmp_path / "a.docx"))
    roles = [(b.role, b.text[:20]) for b in result.blocks]
    assert roles[:3] == [("title", "ГУМАНДАШТЫРУУНУН ТЕН"), ("abstract", "Макалада билим берүү"),
                         ("keywords", "билим, гуманизм")]
    refs = [(b.number, b.id) for b in result.blocks if b.role == "reference"]
    assert refs == [("1", "ref-1"), ("2", "ref-2")]
    cite = next(s for b in result.blocks if b.role == "paragraph" for s in b.spans if s.cite)
    assert cite.targets == ["ref-1"]


def test_docx_title_authors_and_abstract_styles_are_front_matter(tmp_path):
    """Word's Title, Author and Abstract styles (pandoc writes them from YAML metadata)."""
    md = ("---\ntitle: Билим берүүнүн тенденциялары\nauthor:\n- Асанов А.А.\n- Петрова Б.В.\n"
          "abstract: |\n  Макалада билим берүү системасынын *азыркы* абалы каралат.\n---\n\n"
          "# Киришүү\n\nТекст.\n")
    kept: dict = {}
    result = run_text_stages(docx_from_markdown(md, tmp_path / "m.docx"), keep=kept.__setitem__)
    # The document stage ties initials to their surname (U+00A0); the roles are the point.
    assert [(b.role, b.text.replace("\u00a0", " ")) for b in result.blocks][:5] == [
        ("title", "Билим берүүнүн тенденциялары"), ("author", "Асанов А.А."),
        ("author", "Петрова Б.В."),
        ("abstract", "Макалада билим берүү системасынын азыркы абалы каралат."),
        ("heading", "Киришүү")]
    abstract = result.blocks[3]
    assert [abstract.text[s.start:s.end] for s in abstract.spans if s.style] == ["азыркы"]
    # The "Abstract" label paragraph is the writers' to print, in each language.
    assert any("'Abstract Title'" in n for n in kept["extract"].notes)


def test_docx_keeps_what_it_can_and_says_what_it_left_out(tmp_path):
    md = ("Text with $E = mc^2$ maths, `code`, a [link](https://example.org) and\n"
          "an image ![chart](chart.png).\n\n> A quoted line.\n\n1. first\n2. second\n")
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(tmp_path / "chart.png")
    ex = extract(docx_from_markdown(md, tmp_path / "b.docx").read_bytes(), "b.docx")
    texts = [(ln.role, ln.label, ln.text) for ln in ex.lines]
    assert texts[0] == ("paragraph", None, "Text with E = mc^{2} maths, code, a link "
                        "(https://example.org) and an image .")
    assert texts[1:] == [("quote", None, "A quoted line."), ("list_item", "1.", "first"),
                         ("list_item", "2.", "second")]
    assert any("1 picture inside a line of text" in note for note in ex.notes), ex.notes


def test_table_spans_fill_the_grid():
    cell = [["", [], []], {"t": "AlignDefault"}]
    rows = [[["", [], []], [[*cell, 2, 1, [{"t": "Plain", "c": [{"t": "Str", "c": "a"}]}]],
                            [*cell, 1, 2, [{"t": "Plain", "c": [{"t": "Str", "c": "b"}]}]]]],
            [["", [], []], [[*cell, 1, 1, [{"t": "Plain", "c": [{"t": "Str", "c": "c"}]}]],
                            [*cell, 1, 1, []]]]]
    grid = pandoc_reader.AstReader().grid(rows, 3)
    assert grid == [["a", "b", ""], ["", "c", ""]]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_is_refused_before_pandoc(monkeypatch):
    monkeypatch.setattr(pandoc_reader, "MAX_UNPACKED_BYTES", 2**20)
    ran = []
    monkeypatch.setattr(pandoc_reader, "pandoc_ast", lambda *a: ran.append(a))
    raw = _zip({"word/document.xml": b"\0" * (3 * 2**20)})
    assert len(raw) < 2**16  # small on disk, large unpacked
    with pytest.raises(InputError, match="unpacks to more than 1 MB") as exc:
        extract(raw, "bomb.docx")
    assert not ran
    assert "\n" not in exc.value.one_line()


def test_text_limit_applies_to_the_docx_text(monkeypatch, article_docx):
    monkeypatch.setattr(pandoc_reader, "MAX_TEXT_BYTES", 100)
    with pytest.raises(InputError, match="over the .* MB limit"):
        extract(article_docx.read_bytes(), "big.docx")


def test_docx_without_text_is_refused(tmp_path):
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(tmp_path / "only.png")
    raw = docx_from_markdown("![](only.png)\n", tmp_path / "empty.docx").read_bytes()
    with pytest.raises(InputError, match=r"has no text \(only 1 figure\)"):
        extract(raw, "empty.docx")


@pytest.mark.parametrize("raw, problem", [
    (b"PK\x03\x04word/" + b"\x00" * 50, "damaged"),
    (_zip({"word/other.xml": b"<x/>"}), "pandoc cannot read the Word file"),
])
def test_broken_docx_is_one_line(raw, problem):
    with pytest.raises(InputError, match=problem) as exc:
        extract(raw, "broken.docx")
    assert "\n" not in exc.value.one_line()


# --- translations ------------------------------------------------------------------------


@pytest.fixture
def article_folder(tmp_path) -> Path:
    (tmp_path / "art" / "translations").mkdir(parents=True)
    return tmp_path / "art"


def test_translation_keeps_headings_lists_and_emphasis(article_folder):
    path = article_folder / "translations" / "ru.md"
    path.write_text("# Введение\n\nГуманизация — *главное* направление,\nкак "
                    "\"сказано\" выше.\n\n## Итоги\n\n1. первое\n2. второе\n\n- пункт\n",
                    encoding="utf-8")
    blocks = load_translation(path, "ru")
    assert [(b.role, b.level, b.number, b.text) for b in blocks] == [
        ("heading", 1, None, "Введение"),
        ("paragraph", None, None, "Гуманизация — главное направление, как «сказано» выше."),
        ("heading", 2, None, "Итоги"),
        ("list_item", None, "1.", "первое"), ("list_item", None, "2.", "второе"),
        ("list_item", None, None, "пункт")]
    para = blocks[1]
    assert [(para.text[s.start:s.end], s.style) for s in para.spans] == [("главное", "italic")]
    assert {b.lang for b in blocks} == {"ru"} and len({b.id for b in blocks}) == len(blocks)


def test_translation_raw_tex_and_html_stay_text(article_folder):
    path = article_folder / "translations" / "en.md"
    path.write_text("Plain \\input{/etc/passwd} and <b>bold</b>.\n\n<div>\\def\\x{}</div>\n",
                    encoding="utf-8")
    blocks = load_translation(path, "en")
    assert [(b.role, b.text) for b in blocks] == [
        ("paragraph", "Plain \\input{/etc/passwd} and <b>bold</b>."),
        ("paragraph", "<div>\\def\\x{}</div>")]


@pytest.mark.parametrize("make, problem", [
    (lambda p: p.write_bytes("Введение и текст".encode("cp1251")), "is not UTF-8 text"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: p.symlink_to(p.parents[2] / "elsewhere.md"), "outside the article's folder"),
])
def test_bad_translation_is_one_line_naming_it(article_folder, make, problem):
    (article_folder.parent / "elsewhere.md").write_text("# Secret\n", encoding="utf-8")
    path = article_folder / "translations" / "ky.md"
    make(path)
    with pytest.raises(BasmaError, match=problem) as exc:
        load_translation(path, "ky")
    line = exc.value.one_line()
    assert "\n" not in line and str(path) in line


def test_missing_or_empty_translation_is_none(article_folder):
    path = article_folder / "translations" / "en.md"
    assert load_translation(path, "en") is None
    path.write_text("\n\n", encoding="utf-8")
    assert load_translation(path, "en") is None


# --- the whole build, once (LuaLaTeX and pandoc: slow; the journal's edition is enough) ----


def test_docx_builds_with_its_table_in_pdf_and_epub(article_docx, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(article_docx),
                           "-o", str(out), "--editions", "full"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with zipfile.ZipFile(out / "article.epub") as z:
        xhtml = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                        if n.endswith(".xhtml"))
    table = re.search(r"<table.*?</table>", xhtml, re.S)
    assert table, "no <table> in the EPUB"
    cells = re.findall(r"<(t[hd])[^>]*>\s*([^<]*?)\s*</t[hd]>", table.group())
    assert [html.unescape(c) for _, c in cells] == [c for row in CELLS for c in row]
    # The head row is marked, and the countries head their rows of numbers (th scope=row).
    assert [tag for tag, _ in cells] == ["th"] * 3 + ["th", "td", "td"] * 2
    pdf_text = subprocess.run(["pdftotext", str(out / "article.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    for cell in (c for row in CELLS for c in row):
        assert cell in pdf_text
    assert "2020-жылы Бишкекте" in pdf_text  # the note


@pytest.mark.parametrize("markdown", ["> " * 3000 + "deep",
                                      "".join("  " * i + "- x\n" for i in range(400))])
def test_deep_nesting_is_one_line(article_folder, markdown):
    path = article_folder / "translations" / "en.md"
    path.write_text(markdown, encoding="utf-8")
    with pytest.raises(InputError, match="nested inside each other too deeply"):
        load_translation(path, "en")


def test_a_correction_cannot_make_a_table_of_text(tmp_path, article_docx):
    """A table is its cells: ``set: {role: table}`` on text is the editor's one-line error,
    not a document that fails validation."""
    from pipeline.document import EditorFiles

    (tmp_path / "corrections.yaml").write_text(
        '- find: "Бул макалада"\n  set: {role: table}\n', encoding="utf-8")
    with pytest.raises(BasmaError, match="cannot make a block a table"):
        run_text_stages(article_docx, EditorFiles.of_folder(tmp_path))


def test_translation_notes_replace_the_articles_in_its_edition(doc):
    from pipeline.readers.translations import parse_translation
    from pipeline.writers.editions import make_edition

    translated = parse_translation("# Введение\n\nТекст.[^1]\n\n[^1]: Отчёт 2020 года.\n", "ru")
    edition = make_edition(doc, "ru", translated)
    # The article's table is carried after the translated text (it has none of its own).
    assert [b.role for b in edition.body] == ["heading", "paragraph", "table"]
    assert [(b.number, b.text) for b in edition.footnotes] == [("1", "Отчёт 2020 года.")]
    # Without notes of its own, the edition keeps the article's.
    plain = make_edition(doc, "ru", parse_translation("Текст.\n", "ru"))
    assert [b.text[:9] for b in plain.footnotes] == ["2020-жылы"]


@pytest.mark.parametrize("entry, result", [
    ('- find: "Казакстан 2021"\n  replace: "Казахстан 2021"\n', "runs across cells"),
    ('- find: "Кыргызстан"\n  split_at: "стан"\n', "cannot be merged or split"),
    ('- find: "Казакстан"\n  replace: "Казахстан"\n', None),
])
def test_corrections_in_a_table_edit_its_cells(tmp_path, article_docx, entry, result):
    from pipeline.document import EditorFiles

    (tmp_path / "corrections.yaml").write_text(entry, encoding="utf-8")
    if result:
        with pytest.raises(BasmaError, match=result):
            run_text_stages(article_docx, EditorFiles.of_folder(tmp_path))
        return
    fixed = run_text_stages(article_docx, EditorFiles.of_folder(tmp_path))
    table = next(b for b in fixed.blocks if b.role == "table")
    assert table.cells[2][0] == "Казахстан" and "Казахстан 2021" in table.text
