"""The front matter of a PDF: which lines are the title, the authors, their places.

Paragraphs are built with their type sizes, as the PDF reader gives them, and
segmented in memory (no PDF, no build).
"""

from pipeline.model import Cleaned, Paragraph, Run
from pipeline.segment import segment

BODY = ("The body of the article runs on for several lines in its own type, which is the "
        "type most of the characters of the document are set in, and ends with a period.")


def para(text, size, page=1, bold=False, bullet=None):
    return Paragraph([Run(text, size=size, bold=bold)], page, bullet=bullet)


def blocks(*paras):
    doc = segment(Cleaned("t.pdf", list(paras) + [para(BODY, 10, paras[-1].page)] * 3,
                          kind="pdf"))
    return doc, [(b.role, b.text) for b in doc.blocks if b.text != BODY]


def titles(doc):
    return [b.text for b in doc.blocks if b.role == "title"]


def test_a_kicker_in_small_capitals_is_not_a_title_and_the_titles_in_three_languages_stay():
    doc, got = blocks(
        para("ВЕСТНИК КЫРГЫЗСКОГО УНИВЕРСИТЕТА", 7, bold=True),
        para("МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ БЕРҮҮ", 14, bold=True),
        para("ЦИФРОВОЕ ОБРАЗОВАНИЕ В ШКОЛЕ", 12, bold=True),
        para("DIGITAL EDUCATION AT SCHOOL", 12, bold=True),
        para("Асанов А.А.", 10),
    )
    assert titles(doc) == ["МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ БЕРҮҮ", "ЦИФРОВОЕ ОБРАЗОВАНИЕ В ШКОЛЕ",
                           "DIGITAL EDUCATION AT SCHOOL"]
    assert got[0] == ("paragraph", "ВЕСТНИК КЫРГЫЗСКОГО УНИВЕРСИТЕТА")
    assert ("author", "Асанов А.А.") in got


def test_a_standards_title_is_its_parts_set_apart_by_periods():
    """GOST 7.80-2000's cover: the kind of document, the series, the title, the subtitle."""
    doc, got = blocks(
        para("МЕЖГОСУДАРСТВЕННЫЙ СТАНДАРТ", 6.5, bold=True),
        para("Система стандартов по информации, библиотечному и издательскому делу", 10,
             bold=True),
        para("БИБЛИОГРАФИЧЕСКАЯ ЗАПИСЬ.", 10, bold=True),
        para("ЗАГОЛОВОК", 10, bold=True),
        para("Общие требования и правила составления", 10, bold=True),
        para("Издание официальное", 4.5, bold=True),
        Paragraph([Run("Минск", size=4.5), Run(" проекты домв", size=2.0),
                   Run(" Предисловие", size=10.0)], 1),
    )
    assert titles(doc) == [
        "Система стандартов по информации, библиотечному и издательскому делу. "
        "БИБЛИОГРАФИЧЕСКАЯ ЗАПИСЬ. ЗАГОЛОВОК", "Общие требования и правила составления"]
    assert ("paragraph", "МЕЖГОСУДАРСТВЕННЫЙ СТАНДАРТ") in got
    assert ("paragraph", "Издание официальное") in got
    assert ("paragraph", "Минск проекты домв Предисловие") in got


def test_a_cover_has_one_title_in_its_largest_type_and_later_pages_are_body():
    """IBM's Redpaper: a hidden 'Front cover', the title, a list of selling points;
    then the contents and a brochure, whose lines are no titles."""
    doc, got = blocks(
        para("Front cover", 24, bold=True),
        para("Row and Column Access Control Support in IBM DB2 for i", 43, bold=True),
        para("Implement roles and separation of duties", 14, bold=True),
        Paragraph([Run("Protect col column ma", size=14), Run(" ibm.com/redbooks", size=15),
                   Run(" Redpaper", size=70)], 1),
        para("Redpaper", 70, bold=True),
        para("Contents", 24, page=2, bold=True),
        para("DB2 for i", 18.8, page=3),
        para("Expert help to achieve your business requirements", 11, page=3),
    )
    assert titles(doc) == ["Row and Column Access Control Support in IBM DB2 for i"]
    assert got[0] == ("paragraph", "Front cover") and ("paragraph", "Redpaper") in got
    assert ("heading", "Contents") in got


def test_names_at_the_titles_size_are_authors_when_their_institution_follows():
    """Z. Naturforsch. 54a (a scan): title and names in one type, the names' star read
    as quotes, then the institution and the journal's line with the date received."""
    doc, got = blocks(
        para("Exact Solitary-wave Solutions for the General", 9.7, bold=True),
        para("Fifth-order Shallow Water-wave Models", 9.7, bold=True),
        para("Woo-Pyo Hong and Young-Dae Jung''", 9.7, bold=True),
        para("Department of Physics, Catholic University of Taegu-Hyosung, Hayang, "
             "Kyongsan, Kyungbuk 712-702, South Korea", 8.2, bold=True),
        para("Z. Naturforsch. 54 a, 272-273 (1999); received December 15, 1998", 9.7),
    )
    assert titles(doc) == ["Exact Solitary-wave Solutions for the General "
                           "Fifth-order Shallow Water-wave Models"]
    assert [t for r, t in got if r == "author"] == ["Woo-Pyo Hong", "Young-Dae Jung"]
    assert doc.meta["authors"][0]["affiliation"].startswith("Department of Physics, Catholic")
    assert ("paragraph", "Z. Naturforsch. 54 a, 272-273 (1999); received December 15, 1998"
            ) in got
    assert doc.meta["received"] == "1998-12-15"


def test_the_papers_date_under_the_title_leaves_the_names_in_the_front_matter():
    doc, got = blocks(
        para("Глубокое обучение с использованием графического процессора", 20.7),
        para("8 мая 2016 г.", 14.3),
        para("О. Ю. Бахтеев, М. С. Попова, В. В. Стрижов", 12),
        para("Аннотация", 10, page=2),  # a later page's line, yet no body
        para("Аннотация. Работа посвящена построению сети глубокого обучения.", 10, page=2),
    )
    assert [t for r, t in got if r == "author"] == ["О. Ю. Бахтеев", "М. С. Попова",
                                                    "В. В. Стрижов"]
    assert [b.role for b in doc.blocks].count("abstract") == 1


def test_the_marks_beside_the_names_say_whose_affiliations_are_whose():
    """JCAP 2008: the marks '1,2' and '3,4' set above the two names, four institutions."""
    places = ["School of Physics, University of Melbourne, VIC 3010, Australia",
              "Nicolaus Copernicus Astronomical Center, Bartycka 18, 00-716 Warsaw, Poland",
              "Department of Mathematics, University of Miami, Coral Gables, FL 33124, USA",
              "Albert Einstein Institute, Am Mühlenberg 1, D-14467 Golm, Germany"]
    doc, _ = blocks(
        para("Apparent and average accelerations of the Universe", 24.8, bold=True),
        Paragraph([Run("1", size=10), Run(",", size=10), Run("2 3", size=10),
                   Run(",", size=10), Run("4", size=10)], 1),
        para("Krzysztof Bolejko and Lars Andersson", 14.3, bold=True),
        *(para(p, 10.9) for p in places),
    )
    assert [(a["name"], a["affiliation"]) for a in doc.meta["authors"]] == [
        ("Krzysztof Bolejko", "; ".join(places[:2])), ("Lars Andersson", "; ".join(places[2:]))]


def test_marks_after_the_names_pair_them_with_their_places_in_the_marks_order():
    doc, _ = blocks(
        para("Цифровое образование в школах Кыргызстана", 15, bold=True),
        para("Асанов А.А.², Петрова Б.В.¹", 11),
        para("¹Кыргыз улуттук университети, Бишкек, Кыргызстан", 9),
        para("²Ош мамлекеттик университети, Ош, Кыргызстан", 9),
    )
    assert [(a["name"], a["affiliation"][:6]) for a in doc.meta["authors"]] == [
        ("Асанов А.А.", "Ош мам"), ("Петрова Б.В.", "Кыргыз")]


def test_a_journal_line_with_its_dates_is_front_matter_and_its_dates_metadata():
    doc, got = blocks(
        para("Routing in Mobile Sensor Networks", 18, bold=True),
        para("Usama Ahmed", 10),
        para("Phys. Lett. 12, 3-4 (2020) (Received 2 May 2020; accepted 3 June 2020)", 9),
    )
    assert titles(doc) == ["Routing in Mobile Sensor Networks"]
    assert (doc.meta["received"], doc.meta["accepted"]) == ("2020-05-02", "2020-06-03")
    assert got[-1][0] == "paragraph"


def test_a_title_wraps_in_its_type_and_only_a_new_language_starts_another():
    doc, _ = blocks(
        para("МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ", 14, bold=True),
        para("ЦИФРОВОЕ ОБРАЗОВАНИЕ В ШКОЛЕ", 14, bold=True),
        para("FEATURES OF DIGITAL EDUCATION", 14, bold=True),
        para("AT SCHOOL", 14, bold=True),
        para("Асанов А.А.", 10),
    )
    assert titles(doc) == ["МЕКТЕПТЕГИ САНАРИПТИК БИЛИМ", "ЦИФРОВОЕ ОБРАЗОВАНИЕ В ШКОЛЕ",
                           "FEATURES OF DIGITAL EDUCATION AT SCHOOL"]
    doc, _ = blocks(
        para("Глубокое обучение с использованием облачного сервиса AWS:", 20.7),
        para("методические рекомендации", 20.7),
        para("О. Ю. Бахтеев", 12),
    )
    assert titles(doc) == ["Глубокое обучение с использованием облачного сервиса AWS: "
                           "методические рекомендации"]


def test_after_a_cover_with_a_small_kicker_the_next_pages_larger_title_is_the_title():
    doc, got = blocks(
        para("Вестник Кыргызского национального университета", 9, bold=True),
        para("Мектептеги санариптик билим берүүнүн өзгөчөлүктөрү", 16, page=2, bold=True),
        para("Асанов А.А.", 11, page=2),
    )
    assert titles(doc) == ["Мектептеги санариптик билим берүүнүн өзгөчөлүктөрү"]
    assert got[0] == ("paragraph", "Вестник Кыргызского национального университета")
    assert ("author", "Асанов А.А.") in got
