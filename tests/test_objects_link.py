"""Captions linked to their figures, tables and equations, and cross-references in the
text, on constructed inputs in Kyrgyz, Russian and English (``segment/objects.py``)."""

from pipeline.cleaner import clean
from pipeline.model import Block, Cleaned, Document, Paragraph, Run, Span, Visual, validate
from pipeline.readers import read_text_dump
from pipeline.segment import segment
from pipeline.segment.objects import PROBLEM, caption_label, find_xrefs, link_objects


def para(text, role=None, **kw):
    return Paragraph([Run(text, "regular", 10.0)], page=1, role=role, **kw)


def figure(name):
    return para("", "figure", visual=Visual(image=f"assets/{name}.png", pixels=[400, 300]))


def table(rows):
    runs = [Run(c, "regular", 10.0) for row in rows for c in row]
    return Paragraph(runs, page=1, role="table", cells=rows, header_rows=1)


def equation(tex, number):
    return Paragraph([Run(tex, "regular", 10.0, math=True), Run(f" ({number})", "regular", 10.0)],
                     page=1, role="equation", visual=Visual(tex=tex))


def document(paragraphs, kind="pdf"):
    doc = segment(Cleaned("fixture", [para("Киришүү", "heading", level=1), *paragraphs],
                          kind=kind))
    validate(doc)
    return doc


def xrefs(block):
    return [(block.text[s.start:s.end], s.xref) for s in block.spans if s.xref]


def by_text(doc, start):
    return next(b for b in doc.blocks if b.text.startswith(start))


def test_kyrgyz_captions_numbers_and_references():
    doc = document([
        para("1-сүрөттө жана 2-таблицада көрсөтүлгөндөй, (1) формула боюнча эсептелет; "
             "сүрөттө 1 дагы, Сүрөт 3 жок."),
        figure("f1"),
        para("Сүрөт 1. Окуучулардын саны"),          # found by its label, below its figure
        para("2-таблица. Сурамжылоонун жыйынтыктары"),  # above its table
        table([["Класс", "Саны"], ["5", "20"]]),
        equation("E = mc^{2}", 1),
    ])
    fig, tab, eq = (doc.by_role(r)[0] for r in ("figure", "table", "equation"))
    cap1, cap2 = doc.by_role("caption")
    assert (cap1.of, cap2.of) == (fig.id, tab.id)
    assert (fig.number, tab.number, eq.number) == ("1", "2", "1")
    text = by_text(doc, "1-сүрөттө")
    assert xrefs(text) == [("1-сүрөттө", fig.id), ("2-таблицада", tab.id), ("(1)", eq.id),
                           ("сүрөттө 1", fig.id)]
    assert not xrefs(cap1) and not xrefs(cap2)  # a caption's label is no link to itself
    assert doc.problems == [f"{PROBLEM}the text names Сүрөт 3 ({text.id}), which no caption "
                            "of the article numbers (a figure or table not found in the "
                            "source, or misnumbered)"]
    assert [s.style for s in eq.spans] == ["math"]  # typography leaves the formula alone


def test_russian_references_and_list_numbers():
    doc = document([
        para("Как видно на рисунке 2 и в табл. 1, из (1) следует рост. Три шага: (1) чтение, "
             "(2) запись. Данные (2019) и (3)."),
        para("Таблица 1 – Результаты опроса"),
        table([["Год", "Доля"], ["2019", "45 %"]]),
        figure("f2"),
        para("Рис. 2. Схема исследования"),
        equation("y = ax + b", 1),
    ])
    text = by_text(doc, "Как видно")
    tab, fig, eq = doc.by_role("table")[0], doc.by_role("figure")[0], doc.by_role("equation")[0]
    assert xrefs(text) == [("рисунке 2", fig.id), ("табл. 1", tab.id), ("(1)", eq.id)]
    assert [c.of for c in doc.by_role("caption")] == [tab.id, fig.id]
    assert not doc.problems


def test_a_number_the_reader_set_apart_numbers_the_equation():
    formula = Paragraph([Run("S = α + β", "regular", 10.0, math=True)], page=1,
                        role="equation", bullet="(2)", visual=Visual(region=[1, 0, 0, 9, 9]))
    doc = document([para("Жыйынтык (2) формула менен эсептелет."), formula])
    eq = doc.by_role("equation")[0]
    assert eq.number == "2" and xrefs(doc.blocks[1]) == [("(2)", eq.id)]


def test_equations_named_by_a_word():
    doc = document([para("By Eq. 1 and 1-формулада, not Eq. 5."), equation("x = 1", 1)])
    eq = doc.by_role("equation")[0]
    assert xrefs(doc.blocks[1]) == [("Eq. 1", eq.id), ("1-формулада", eq.id)]
    assert not doc.problems  # an equation the article lacks is no figure gone missing


def test_no_equation_no_parenthesis_link():
    doc = document([para("Тест (1) жана (2) варианттары."), figure("f"), para("Сүрөт 1. X")])
    assert not xrefs(doc.blocks[1])


def test_english_lists_of_numbers_pictures_of_tables_and_problems():
    doc = document([
        para("See Figures 1 and 2, Fig. 1 again, and Table 5 (a table printed as a picture)."),
        figure("a"),
        para("Figure 1. Enrolment"),
        figure("b"),
        para("Figure 2. As in Figure 1, by region"),
        figure("c"),
        para("Table 5. Scanned results"),
        figure("d"),
        para("Figure 2. The same number again"),
        para("Figure 9. A caption whose figure is lost"),
    ])
    a, b, c, d = doc.by_role("figure")
    text = by_text(doc, "See Figures")
    assert xrefs(text) == [("Figures 1", a.id), ("2", b.id), ("Fig. 1", a.id), ("Table 5", c.id)]
    captions = doc.by_role("caption")
    assert [cap.of for cap in captions] == [a.id, b.id, c.id, d.id, None]
    assert xrefs(captions[1]) == [("Figure 1", a.id)]
    assert c.number == "5" and d.number == "2"
    lost = captions[4]
    assert doc.problems == [
        f"{PROBLEM}1 caption(s) have no figure or table beside them: {lost.id} (p. 1): "
        "'Figure 9. A caption whose figure is lost'",
        f"{PROBLEM}2 figures are numbered 2 ({b.id}, {d.id}): the text's references to it go "
        "to the first"]


def test_bilingual_captions_share_their_object():
    doc = document([table([["a", "b"], ["1", "2"]]), para("Таблица 1. Жыйынтыктар"),
                    para("Table 1. Results")])
    tab = doc.by_role("table")[0]
    assert [c.of for c in doc.by_role("caption")] == [tab.id, tab.id]
    assert tab.number == "1" and not doc.problems


def test_body_sentence_is_no_caption():
    assert caption_label("Таблица 1 показывает, что рост есть") is None
    assert caption_label("Figure 3 Growth by year")[:2] == ("figure", "3")
    assert caption_label("3-сүрөт. Схема")[:2] == ("figure", "3")
    assert find_xrefs("1999-2000-жылдары, 12.5 % жана Table") == []


def test_a_text_dump_says_its_objects_are_missing():
    text = ("1. Киришүү\n\nСүрөт 1 жана Таблица 2 маалыматтарды көрсөтөт.\n\n"
            "Сүрөт 1. Окуучулардын саны\n")
    doc = segment(clean(read_text_dump(text, "source.txt")))
    assert doc.problems == [
        "the text names Сүрөт 1, Таблица 2, but a text source carries no figures, tables or "
        "equations, so they are missing from the editions: build from the article's PDF or "
        "Word file"]
    link_objects(doc.blocks, doc.problems)  # the document stage's second run keeps it
    assert len(doc.problems) == 1 and doc.problems[0].startswith("the text names Сүрөт 1")


def test_a_second_run_forgets_its_own_links():
    doc = Document(meta={}, blocks=[
        Block("b1", "paragraph", "en", "As Table 1 shows.",
              spans=[Span(3, 10, style="italic")]),
        Block("b2", "caption", "en", "Table 1. Results"),
        Block("b3", "table", "en", "a b", cells=[["a", "b"]]),
    ])
    link_objects(doc.blocks, doc.problems)
    assert doc.blocks[1].of == "b3" and xrefs(doc.blocks[0]) == [("Table 1", "b3")]
    doc.blocks[2] = Block("b3", "paragraph", "en", "a b")  # the editor: not a table
    link_objects(doc.blocks, doc.problems)
    validate(doc)
    assert doc.blocks[1].of is None and not xrefs(doc.blocks[0])
    assert [s.style for s in doc.blocks[0].spans] == ["italic"]
    assert len(doc.problems) == 2 and all(p.startswith(PROBLEM) for p in doc.problems)


def test_chapter_numbers_name_one_figure_and_ranges_stay_ranges():
    """A handbook numbers figures by chapter ("Figure 7-26"): the caption's number is
    "7-26", a mention of it links to that figure, and "Figures 1-2" (no such
    compound) still names figures 1 and 2."""
    doc = document([
        para("Figure 7-26 shows the nut; Figures 1-2 show the bolts."),
        figure("a"), para("Figure 7-26. Self-locking nuts"),
        figure("b"), para("Figure 1. A bolt"),
        figure("c"), para("Figure 2. Another bolt"),
    ])
    nut, one, two = doc.by_role("figure")
    assert (nut.number, one.number, two.number) == ("7-26", "1", "2")
    assert xrefs(by_text(doc, "Figure 7-26 shows")) == [
        ("Figure 7-26", nut.id), ("Figures 1", one.id), ("2", two.id)]


def test_a_range_links_what_it_leaves_unprinted():
    """"рис. 3–5" means figure 4 too: the dash links it (the first of several
    between); a list "1, 3" leaves nothing out, and a number the article lacks
    between a range's ends is no problem. Kyrgyz "2–4-сүрөттөрдө" alike."""
    pictures = []
    for n in range(1, 6):
        pictures += [figure(f"f{n}"), para(f"Рис. {n}. Схема {n}")]
    doc = document([
        para("Как видно на рис. 3–5, и на рис. 1, 3; Figures 1 – 4 too."),
        para("Сүрөт 3–5 жана табл. 1–3."),
        para("Ал эми 2–4-сүрөттөрдө жана 5-сүрөттө."),
        *pictures,
        table([["a", "b"], ["1", "2"]]), para("Таблица 3. Итоги"),
    ])
    f1, f2, f3, f4, f5 = doc.by_role("figure")
    assert xrefs(by_text(doc, "Как видно")) == [
        ("рис. 3", f3.id), ("–", f4.id), ("5", f5.id), ("рис. 1", f1.id), ("3", f3.id),
        ("Figures 1", f1.id), ("–", f2.id), ("4", f4.id)]
    tab = doc.by_role("table")[0]
    ky = by_text(doc, "Сүрөт 3–5")
    # Tables 1 and 2 do not exist: an end is a mention the article lacks, the middle
    # is not; table 3 is linked.
    assert xrefs(ky) == [("Сүрөт 3", f3.id), ("–", f4.id), ("5", f5.id), ("3", tab.id)]
    assert len(doc.problems) == 1 and "names табл. 1 (" in doc.problems[0]
    # Kyrgyz prints the range before its word: "2–4-сүрөттөрдө".
    assert xrefs(by_text(doc, "Ал эми")) == [
        ("2", f2.id), ("–", f3.id), ("4-сүрөттөрдө", f4.id), ("5-сүрөттө", f5.id)]
