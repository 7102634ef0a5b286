"""A DOCX's figures, tables and display formulas through the text stages, and the
editor's controls over them in corrections.yaml (``readers/pandoc.py``,
``segment/objects.py``, ``document/corrections.py``).

The DOCX is made by pandoc from Markdown with pictures the test draws; it is read
in memory, once per module, and each correction runs the document stage alone on a
copy of the tagged document.
"""

import copy
import io
import os
import zipfile
from pathlib import Path

import pytest
from docxgen import docx_from_markdown
from PIL import Image

from pipeline.cleaner import clean
from pipeline.document import EditorFiles, make_document
from pipeline.errors import CorrectionError
from pipeline.model import document_from_json, to_json, validate
from pipeline.readers import extract
from pipeline.readers.pandoc import AstReader
from pipeline.segment import segment
from pipeline.segment.objects import PROBLEM
from pipeline.stages import run_text_stages

ARTICLE = """# Киришүү

Сүрөт 1 жана 1-таблица маалыматтарды көрсөтөт, (1) формула боюнча эсептелет; 2-сүрөттө
мектеп.

![Сүрөт 1. Окуучулардын саны](chart.png)

![Сүрөт 2. Мектептин имараты](photo.jpg)

: Таблица 1. Сурамжылоонун жыйынтыктары

| Класс | Саны |
|-------|------|
| 5     | 20   |
| 6     | 24   |

$$E = mc^2 \\qquad (1)$$

------------------  -----
$$a^2+b^2=c^2$$     (2)
------------------  -----

Жыйынтыгында (2) боюнча окуучулар көбөйдү ![](chart.png){width=3in height=2in} жана белги
![](photo.jpg){height=0.15in} менен.
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The article's folder: the DOCX, and a picture the editor may put beside it."""
    folder = tmp_path_factory.mktemp("article")
    Image.new("RGB", (40, 20), "red").save(folder / "chart.png")
    Image.new("RGB", (30, 15), "blue").save(folder / "photo.jpg", quality=80)
    docx_from_markdown(ARTICLE, folder / "source.docx")
    for name in ("chart.png", "photo.jpg"):  # the build must not need them
        (folder / name).unlink()
    Image.new("RGB", (64, 48), "green").save(folder / "figure-2.png")
    return folder


@pytest.fixture(scope="module")
def stages(folder):
    kept = {}
    run_text_stages(folder / "source.docx", upto="tag", keep=kept.__setitem__)
    return kept


@pytest.fixture(scope="module")
def doc(stages):
    return make_document(copy.deepcopy(stages["tag"]))


def of_role(doc, role):
    return [b for b in doc.blocks if b.role == role]


def xrefs(block):
    return [(block.text[s.start:s.end], s.xref) for s in block.spans if s.xref]


def test_pictures_are_figures_with_their_member_and_pixels(doc, stages):
    figures = of_role(doc, "figure")
    assert [(f.visual.media.rsplit(".", 1)[1], f.visual.pixels) for f in figures] == [
        ("png", [40, 20]), ("jpg", [30, 15]), ("png", [40, 20])]
    # A tall picture Word anchored in a paragraph follows it; a symbol in the line is
    # left out, and said so.
    assert [b.role for b in doc.blocks[-2:]] == ["paragraph", "figure"]
    assert doc.blocks[-2].text == "Жыйынтыгында (2) боюнча окуучулар көбөйдү жана белги менен."
    assert any("1 picture inside a line of text" in n for n in stages["extract"].notes)
    assert all(f.visual.media.startswith("word/media/") for f in figures)
    images = [f.visual.image for f in figures]
    assert images[0].startswith("assets/docx-") and images[0].endswith(".png")
    assert images[1].endswith(".jpg") and len(set(images[:2])) == 2
    # Pandoc's DOCX writer repeats the caption as the description: no alt of its own.
    assert [f.visual.alt for f in figures] == [None, None, None]


def test_captions_numbers_and_references(doc):
    fig1, fig2, _anchored = of_role(doc, "figure")
    table, = of_role(doc, "table")
    eq, eq2 = of_role(doc, "equation")
    assert [(c.text[:9], c.of) for c in of_role(doc, "caption")] == [
        ("Сүрөт 1. ", fig1.id), ("Сүрөт 2. ", fig2.id), ("Таблица 1", table.id)]
    assert (fig1.number, fig2.number, table.number, eq.number) == ("1", "2", "1", "1")
    assert xrefs(doc.blocks[-2]) == [("(2)", eq2.id)]
    assert table.cells == [["Класс", "Саны"], ["5", "20"], ["6", "24"]]
    text = next(b for b in doc.blocks if b.text.startswith("Сүрөт 1 жана"))
    assert xrefs(text) == [("Сүрөт 1", fig1.id), ("1-таблица", table.id), ("(1)", eq.id),
                           ("2-сүрөттө", fig2.id)]
    assert not doc.problems
    validate(doc)


def test_display_formula_keeps_its_tex_without_its_number(doc):
    eq, laid_out = of_role(doc, "equation")
    assert eq.visual.tex == "E = mc^{2}"
    assert eq.text == "E = mc^{2}"  # its number is apart, as a PDF's is
    # A one-row table of a formula and its number is the formula, as Word numbers one.
    assert (laid_out.visual.tex, laid_out.number) == ("a^{2} + b^{2} = c^{2}", "2")
    assert [(s.style, eq.text[s.start:s.end]) for s in eq.spans] == [("math", "E = mc^{2}")]


def test_the_model_round_trips(doc):
    again = document_from_json(to_json(doc))
    assert [b.visual for b in again.blocks] == [b.visual for b in doc.blocks]
    assert [b.of for b in again.blocks] == [b.of for b in doc.blocks]


def test_only_the_packages_own_pictures_are_read(folder):
    """A picture's address outside the DOCX (a path, a link) is never opened."""
    raw = (folder / "source.docx").read_bytes()
    reader = AstReader(package=raw)
    for url in ("/etc/hostname", "../source.docx", "file:///etc/hostname",
                "https://example.org/a.png"):
        reader.figure([["", [], []], [], [url, ""]])
    assert [(ln.visual.media, ln.visual.image) for ln in reader.lines] == [(None, None)] * 4
    assert reader.left_out == {"picture linked from outside the file": 4}
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        member = next(n for n in z.namelist() if n.startswith("word/media/"))
    reader.figure([["", [], []], [{"t": "Str", "c": "Диаграмма"}],
                   [member.removeprefix("word/"), ""]])
    shown = reader.lines[-1].visual
    assert (shown.media, shown.alt) == (member, "Диаграмма")  # the author's description
    assert shown.image == "assets/docx-" + member.rsplit("/", 1)[1]


def test_a_picture_the_editions_cannot_show_is_a_problem(folder):
    raw = (folder / "source.docx").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, b"\x01\x00\x00\x00 an EMF drawing" if info.filename.endswith(
                ".png") and "media" in info.filename else data)
    doc = segment(clean(extract(buf.getvalue(), "source.docx")))
    first, second, again = of_role(doc, "figure")  # the PNG is shown twice
    assert first.visual.image is again.visual.image is None and second.visual.image
    assert doc.problems == [f"{PROBLEM}figures without a picture the editions can show: "
                            f"{first.id} ({first.visual.media}), {again.id} "
                            f"({again.visual.media}) — give each a PNG or JPEG with `image:` "
                            "in corrections.yaml"]


# --- the editor's controls -------------------------------------------------------------


def corrected(stages, folder, text):
    (folder / "corrections.yaml").write_text(text, encoding="utf-8")
    editor = EditorFiles(corrections=folder / "corrections.yaml")
    editor.check()  # what build does first: every entry's value checked
    return make_document(copy.deepcopy(stages["tag"]), editor)


def test_image_alt_and_caption_translations(stages, folder):
    media = of_role(stages["tag"], "figure")[0].visual.media  # shown twice: figures 1 and 3
    doc = corrected(stages, folder, (
        f'- find: "{media}"\n  occurrence: 2\n  alt: "Диаграмма"\n'
        '- find: "Мектептин имараты"\n  image: figure-2.png\n  note: a sharper photograph\n'
        '- find: "Мектептин имараты"\n  alt: "Эки кабаттуу мектептин  имараты"\n'
        '- find: "Сүрөт 1. Окуучулардын"\n'
        '  translations: {ru: "Рис. 1. Число учащихся", en: "Figure 1. Pupils"}\n'))
    assert of_role(doc, "figure")[2].visual.alt == "Диаграмма"
    assert of_role(doc, "figure")[0].visual.alt is None
    doc = corrected(stages, folder, (
        '- find: "Мектептин имараты"\n  image: figure-2.png\n  note: a sharper photograph\n'
        '- find: "Мектептин имараты"\n  alt: "Эки кабаттуу мектептин  имараты"\n'
        '- find: "Сүрөт 1. Окуучулардын"\n'
        '  translations: {ru: "Рис. 1. Число учащихся", en: "Figure 1. Pupils"}\n'))
    fig1, fig2, _anchored = of_role(doc, "figure")
    assert fig2.visual.media == "editor:figure-2.png" and fig2.visual.pixels == [64, 48]
    assert fig2.visual.image == f"assets/editor-{fig2.id}-figure-2.png"
    assert fig2.visual.alt == "Эки кабаттуу мектептин имараты"
    assert of_role(doc, "caption")[0].translations == {"ru": "Рис. 1. Число учащихся",
                                                       "en": "Figure 1. Pupils"}
    assert [c.rule for c in doc.changes if c.by == "editor"] == [
        "editor_image", "editor_alt", "editor_translations"]
    assert not doc.problems
    validate(doc)


def test_a_wrong_table_becomes_text_or_a_figure(stages, folder):
    doc = corrected(stages, folder, '- find: "Класс Саны"\n  table_as: text\n')
    assert not of_role(doc, "table")
    para = next(b for b in doc.blocks if b.text.startswith("Класс Саны"))
    assert para.role == "paragraph" and para.cells is None
    text = next(b for b in doc.blocks if b.text.startswith("Сүрөт 1 жана"))
    assert "1-таблица" not in [t for t, _ in xrefs(text)]  # the link went with the table
    assert len(doc.problems) == 2
    assert doc.problems[0].startswith(f"{PROBLEM}1 caption(s) have no figure or table")
    assert doc.problems[1].startswith(f"{PROBLEM}the text names 1-таблица (")
    validate(doc)
    doc = corrected(stages, folder, '- find: "Класс Саны"\n  table_as: figure\n'
                    '- find: "Сурамжылоонун жыйынтыктары"\n  image: figure-2.png\n')
    fig = of_role(doc, "figure")[2]
    assert fig.text.startswith("Класс Саны") and fig.visual.media == "editor:figure-2.png"
    assert fig.number == "1" and of_role(doc, "caption")[2].of == fig.id
    assert not doc.problems  # "1-таблица" names the table printed as a picture
    validate(doc)


@pytest.mark.parametrize("entry, message", [
    ('- find: "Мектептин"\n  image: nothere.png\n', "`image: nothere.png` does not exist"),
    ('- find: "Мектептин"\n  image: notes.png\n', "is not a PNG or JPEG picture"),
    ('- find: "Мектептин"\n  image: outside.png\n', "outside the article's folder"),
    ('- find: "Мектептин"\n  image: ../x.png\n', "is not a file name of the article's folder"),
    ('- find: "Мектептин"\n  translations: {de: "Abb. 2"}\n', "language 'de' is no edition's"),
    ('- find: "Мектептин"\n  table_as: picture\n', "`table_as: picture` is not understood"),
    ('- find: "Класс Саны"\n  set: {role: paragraph}\n', "whose role `set:` cannot change"),
    ('- find: "Жыйынтыгында"\n  set: {role: figure}\n', "cannot make a block a figure"),
    ('- find: "Жыйынтыгында"\n  alt: "x"\n', "which is no figure, table or equation"),
    ('- find: "Мектептин"\n  table_as: text\n', "is a figure, not a table"),
    ('- find: "Класс Саны"\n  image: figure-2.png\n', "which is a table, with no picture"),
])
def test_wrong_entries_are_one_line(stages, folder, entry, message):
    (folder / "notes.png").write_text("not a picture", encoding="utf-8")
    outside = folder.parent / "elsewhere.png"
    Image.new("RGB", (4, 4)).save(outside)
    if not (folder / "outside.png").is_symlink():
        os.symlink(outside, folder / "outside.png")
    with pytest.raises(CorrectionError, match=message) as exc:
        corrected(stages, folder, entry)
    assert "\n" not in exc.value.one_line() and "line 1: " in exc.value.one_line()


def test_a_table_laying_out_a_picture_and_its_caption_is_a_figure(folder):
    """Word users put a picture beside its caption in a table; a table of data with a
    picture in it stays a table."""
    from pipeline.readers.pandoc import pandoc_ast, read_ast

    md = ("+------------------+---------------------------+\n"
          "| ![](chart.png)   | Сүрөт 3. Макеттеги сүрөт  |\n"
          "+------------------+---------------------------+\n\n"
          "+------+------+----------------+\n| Жыл  | Саны | ![](chart.png) |\n"
          "+------+------+----------------+\n| 2020 | 41   | 2021           |\n"
          "+------+------+----------------+\n")
    reader = read_ast(pandoc_ast(md.encode(), "markdown", "t.md"), "t.md",
                      package=(folder / "source.docx").read_bytes())
    assert [(ln.role, ln.text) for ln in reader.lines] == [
        ("figure", ""), ("paragraph", "Сүрөт 3. Макеттеги сүрөт"),
        ("table", "ЖылСаны2020412021")]
    # The Markdown's picture is no member of the package: never read from the disk.
    assert reader.left_out == {"picture inside a line of text": 1,
                               "picture linked from outside the file": 1}
