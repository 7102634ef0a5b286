"""Segmentation and language tagging of journal articles (fixtures the tests build)."""

import pytest

from pipeline.cleaner import clean
from pipeline.readers import read_text_dump
from pipeline.segment import find_citations, segment
from pipeline.tag import tag

FRONT = """\
УДК 37.013.2

Асанов А.А.¹, Петрова Б.В.²

¹Кыргыз улуттук университети, Бишкек, Кыргызстан

²Кыргыз-Россия Славян университети, Бишкек, Кыргызстан

ORCID: 0000-0002-1825-0097, e-mail: asanov@knu.kg

МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ БЕРҮҮНҮН ӨЗГӨЧӨЛҮКТӨРҮ

ОСОБЕННОСТИ ЦИФРОВОГО ОБРАЗОВАНИЯ В ШКОЛЕ

FEATURES OF DIGITAL EDUCATION AT SCHOOL

{ky_label} Макалада мектептеги санариптик билим берүүнүн өзгөчөлүктөрү жана мугалимдердин
даярдыгы талданат. Изилдөөнүн жыйынтыктары окуучулардын жетишкендиктерин жакшыртууга
мүмкүндүк берет.

{ky_kw} санариптик билим берүү, мектеп, мугалимдин даярдыгы, окуучу.

{ru_label} В статье анализируются особенности цифрового образования в школе и
готовность учителей к его внедрению. Результаты исследования позволяют улучшить
достижения учащихся.

{ru_kw} цифровое образование, школа, подготовка учителя, ученик.

{en_label} The article analyses the features of digital education at school and the
readiness of teachers to introduce it. The results of the study make it possible to
improve the achievements of pupils.

{en_kw} digital education, school, teacher training, pupil.

Келип түштү: 2026-01-15
"""

BODY = """\
1. Киришүү

Санариптик технологиялар бүгүнкү күндө мектептин күнүмдүк турмушуна кирди [1]. Көптөгөн
изилдөөчүлөр бул процессти ар тараптуу карашкан [2; 5], бирок мугалимдердин даярдыгы
жетишсиз бойдон калууда [3, с. 15].

1.1 Изилдөөнүн максаты

Изилдөөнүн максаты – мектептеги санариптик билим берүүнүн абалын баалоо жана
мугалимдердин муктаждыктарын аныктоо [4–6].

2. Натыйжалар

Сурамжылоого катышкан мугалимдер төмөнкү көйгөйлөрдү белгилешти [7]:

– интернеттин ылдамдыгы төмөн;

– заманбап жабдуулар жетишсиз;

– окутуу программалары жаңыланбайт.

Таблица 1. Сурамжылоонун жыйынтыктары

Ошентип, санариптик билим берүүнү өнүктүрүү үчүн мугалимдерди даярдоо зарыл [8], [9],
[10].

Колдонулган адабияттар

1. Асанов А.А. Мектептеги билим берүүнүн көйгөйлөрү. – Бишкек: Илим, 2020. – 120 б.

2. Иванов И.И. Цифровая трансформация образования. – М.: Просвещение, 2019. – 240 с.

3. Smith J. Digital Schools and Their Teachers. – London: Routledge, 2018. – 312 p.

4. Петрова Б.В. Готовность учителей к цифровому обучению // Вестник КРСУ. – 2021. – № 4. – С. 12–18.

5. Brown K., Lee M. Teacher readiness online // Computers & Education. – 2020. – P. 1–14.

6. Токтогулова Н. Санариптик сабаттуулук жана мектеп. – Бишкек, 2022. – 98 б.

7. Сидоров П.П. Методика опроса учителей. – Алматы, 2017. – 150 с.

8. Johnson R. Rethinking Teacher Education. – New York: Springer, 2021. – 280 p.

9. Кадырова Ж. Мугалимдин кесиптик өнүгүүсү. – Ош, 2019. – 76 б.

10. ЮНЕСКО. Цифровые навыки для жизни и работы. – Париж, 2018. – 90 с.
"""

LABELS = [
    ("Кыскача мазмуну:", "Негизги сөздөр:", "Резюме:", "Ключевые слова:", "Summary:",
     "Key words:"),
    ("Резюме:", "Урунттуу сөздөр:", "Аннотация:", "Ключевые слова:", "Abstract:", "Keywords:"),
    ("Аннотация:", "Ачкыч сөздөр:", "Аннотация:", "Ключевые слова:", "Annotation:",
     "Keywords:"),
]


def build(labels):
    ky, ky_kw, ru, ru_kw, en, en_kw = labels
    text = FRONT.format(ky_label=ky, ky_kw=ky_kw, ru_label=ru, ru_kw=ru_kw, en_label=en,
                        en_kw=en_kw) + "\n" + BODY
    return tag(segment(clean(read_text_dump(text, "fixture.txt"))))


@pytest.fixture(scope="module", params=range(len(LABELS)))
def doc(request):
    return build(LABELS[request.param])


def roles(doc, role):
    return [b for b in doc.blocks if b.role == role]


def test_front_matter(doc):
    assert [(b.lang, b.text) for b in roles(doc, "title")] == [
        ("ky", "МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ БЕРҮҮНҮН ӨЗГӨЧӨЛҮКТӨРҮ"),
        ("ru", "ОСОБЕННОСТИ ЦИФРОВОГО ОБРАЗОВАНИЯ В ШКОЛЕ"),
        ("en", "FEATURES OF DIGITAL EDUCATION AT SCHOOL"),
    ]
    assert [b.text for b in roles(doc, "author")] == ["Асанов А.А.", "Петрова Б.В."]
    affiliations = [b.text for b in roles(doc, "affiliation")]
    assert affiliations[0].startswith("Кыргыз улуттук университети")
    assert any("0000-0002-1825-0097" in a and "asanov@knu.kg" in a for a in affiliations)
    assert doc.meta["udc"] == "37.013.2"
    assert doc.meta["received"] == "2026-01-15"


def test_abstracts_and_keywords_whatever_their_label(doc):
    assert [b.lang for b in roles(doc, "abstract")] == ["ky", "ru", "en"]
    keywords = roles(doc, "keywords")
    assert [b.lang for b in keywords] == ["ky", "ru", "en"]
    assert keywords[2].text == "digital education, school, teacher training, pupil"
    assert not any(b.text.endswith(":") or ":" in b.text[:20] for b in roles(doc, "abstract"))


def test_body_roles(doc):
    headings = roles(doc, "heading")
    assert [(b.number, b.level, b.text) for b in headings] == [
        ("1", 1, "Киришүү"), ("1.1", 2, "Изилдөөнүн максаты"), ("2", 1, "Натыйжалар")]
    assert [b.text for b in roles(doc, "list_item")] == [
        "интернеттин ылдамдыгы төмөн;", "заманбап жабдуулар жетишсиз;",
        "окутуу программалары жаңыланбайт."]
    assert [b.text for b in roles(doc, "caption")] == [
        "Таблица 1. Сурамжылоонун жыйынтыктары"]
    body = [b for b in doc.blocks if b.role in ("heading", "paragraph", "list_item")]
    assert {b.lang for b in body} == {"ky"}


def test_references_and_citations(doc):
    refs = roles(doc, "reference")
    assert [b.number for b in refs] == [str(i) for i in range(1, 11)]
    assert refs[0].text.startswith("Асанов А.А. Мектептеги")
    assert [b.lang for b in refs] == ["ky", "ru", "en", "ru", "en", "ky", "ru", "en", "ky", "ru"]
    assert len(roles(doc, "references_heading")) == 1
    cited = sorted({n for b in doc.blocks for s in b.spans if s.cite for n in s.cite})
    assert cited == list(range(1, 11))
    for b in doc.blocks:
        for s in b.spans:
            if s.cite:
                assert s.targets == [f"ref-{n}" for n in s.cite]
    # The fixture is a text dump: its "Таблица 1" caption has no table to caption.
    assert [p[:24] for p in doc.problems] == ["the text names Таблица 1"]


def test_citation_forms():
    spans = find_citations("a [1] b [3, с. 15] c [2; 5] d [4–6] e [7, p. 3] f [2020]")
    assert [s.cite for s in spans] == [[1], [3], [2, 5], [4, 5, 6], [7]]  # [2020] is a year


def test_unresolved_citations_are_reported():
    doc = tag(segment(clean(read_text_dump("Текст [1] жана [2].\n", "t.txt"))))
    assert doc.problems and "missing" in doc.problems[0]


# --- never an internal error ---------------------------------------------------------

FUZZ_TEXTS = [
    "References", "Список литературы", "References 14", "Contents", "1. Introduction 9",
    "[1] Smith J. A title. 2001.", "[1] Smith J. A title. 2001.", "2) Иванов И.И. Книга, 2019.",
    "continued line, 2001. P. 12–18.", "Smith, J. (2010) A book. London.", "∗", "1 2 3",
    "I. INTRODUCTION", "A. Subsection Title", "ZH0 Z0 BS", "Аннотация: текст.", "Keywords: a, b",
    "Асанов А.А.¹, Петрова Б.В.²", "ORCID: 0000-0002-1825-0097, e-mail: a@b.kg",
    "Текст со ссылкой [1–3] и (Иванов, 2019) и [0, 1].", "Рис. 1: подпись", "349, 2005",
    "¹Университет, Бишкек ²Институт, Ош", "Introduction ........ 3", "", " ", "[", "(", "1.",
]


def _fuzz_paragraphs(rng):
    from pipeline.model import Paragraph, Run

    paras = []
    for _ in range(rng.randrange(1, 40)):
        text = rng.choice(FUZZ_TEXTS)
        size = rng.choice([None, 7.0, 9.5, 10.5, 17.0])
        bullet = rng.choice([None, None, None, "1.", "*", "[2]", "–"])
        paras.append(Paragraph([Run(text, None, size, rng.random() < 0.2)],
                               page=rng.randrange(1, 4), bullet=bullet,
                               footnote=rng.random() < 0.1))
    return paras


def test_segment_never_fails_on_random_paragraphs():
    """Random sequences of the layouts real PDFs give: segment always returns a
    valid document (unique ids, known roles), whatever the order."""
    import random

    from pipeline.model import Cleaned, validate

    rng = random.Random(14)
    for _ in range(400):
        doc = segment(Cleaned("fuzz.pdf", _fuzz_paragraphs(rng)))
        validate(doc)


def _dump_doc(text: str):
    return tag(segment(clean(read_text_dump(text, "t.txt"))))


def test_contents_lines_are_neither_headings_nor_the_list():
    text = ("Title of the paper\n\nContents\n\n1. Introduction 3\n\nReferences 14\n\n"
            "References\n\n"
            "The first paragraph of the body is long enough to be prose, as it goes on and "
            "on, citing [1] as it should.\n\n2. Methods\n\nMore text of the body here [2].\n\n"
            "References\n\n[1] Smith J. A book. London, 2001.\n\n[2] Brown K. Another. 2002.\n")
    doc = _dump_doc(text)
    assert [b.text for b in doc.by_role("references_heading")] == ["References"]
    assert [b.number for b in doc.by_role("reference")] == ["1", "2"]
    assert not any(b.role == "heading" and "14" in b.text for b in doc.blocks)
    assert any(b.role == "paragraph" and b.text == "References 14" for b in doc.blocks)
    first = doc.blocks.index(doc.by_role("references_heading")[0])
    assert all(b.role != "reference" for b in doc.blocks[:first])


def test_wrapped_entries_are_one_reference_each():
    text = ("Body text [1] and [2].\n\nReferences\n\n[1] Smith J. A book about\n\n"
            "things that wrap. London, 2001.\n\n[2] Brown K. Another\n\nbook. 2002.\n")
    refs = _dump_doc(text).by_role("reference")
    assert [(b.id, b.text) for b in refs] == [
        ("ref-1", "Smith J. A book about things that wrap. London, 2001."),
        ("ref-2", "Brown K. Another book. 2002.")]


def test_notes_left_in_the_flow_are_taken_out_and_the_body_rejoined():
    """A reader that missed a page's notes: the body's last word is hyphenated
    before them ("би-"), the cleaner glued the next page's text to the last
    note. The notes become notes, the word and the paragraph whole again."""
    from pipeline.model import Cleaned, Paragraph, Run

    def para(text, size, page=1):
        return Paragraph([Run(text, None, size)], page=page)

    glued = Paragraph([Run("Кыргыз улуттук университети, Бишкек, a@knu.kg ", None, 8.0),
                       Run("лим берүү системасы өзгөрөт.", None, 10.5)], page=1)
    paras = [para("Макалада мектептеги санариптик " * 6 + "би-", 10.5),
             para("∗", 6.0), para("Иш фонддун колдоосу менен аткарылды.", 8.0),
             para("1", 6.0), glued, para("Экинчи беттеги жаңы абзац.", 10.5, 2)]
    doc = segment(Cleaned("t.pdf", paras))
    roles = [(b.role, b.text) for b in doc.blocks]
    body = [t for r, t in roles if r == "paragraph"]
    assert body[0].endswith("санариптик билим берүү системасы өзгөрөт.")
    assert ("footnote", "Иш фонддун колдоосу менен аткарылды.") in roles
    assert ("affiliation", "Кыргыз улуттук университети, Бишкек, a@knu.kg") in roles
    assert not any(t in ("∗", "1") for _, t in roles)


def test_heading_at_a_page_top_is_not_glued_to_the_paragraph_before():
    from pipeline.cleaner import clean as clean_extraction
    from pipeline.model import Extraction, Line, Run

    lines = [Line([Run("1. Киришүү", "F-Bold", 10.5, bold=True)], page=1, fill=0.2,
                  para_hint=True),
             Line([Run("Санариптик технологиялар мектептин турмушуна кирди жана", "F", 10.5)],
                  page=1, fill=0.95, para_hint=True),
             Line([Run("2. Натыйжалар", "F-Bold", 10.5, bold=True)], page=2, fill=0.3,
                  para_hint=True, page_break=True),
             Line([Run("Сурамжылоого катышкан мугалимдер белгилешти.", "F", 10.5)],
                  page=2, fill=0.6, para_hint=True)]
    doc = segment(clean_extraction(Extraction("t.pdf", "pdf", lines, pages=2)))
    assert [(b.role, b.text) for b in doc.blocks][-2:] == [
        ("heading", "Натыйжалар"), ("paragraph", "Сурамжылоого катышкан мугалимдер белгилешти.")]
