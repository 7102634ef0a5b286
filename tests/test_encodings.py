"""Legacy text layers: 8-bit fonts without a ToUnicode map, junk pages, known words.

Every fixture is generated here (``pdfgen_legacy``: cp1251 and KOI8-R bytes under a
Latin PDF encoding, the ToUnicode map dropped with pikepdf; ``pdfgen``: a page whose
ToUnicode map lies about every letter). The text stages run in process; what the
reader decided must be in the cleaning report.
"""

from __future__ import annotations

import shutil

import pytest
from pdfgen import break_tounicode, make_pdf, word_accuracy
from pdfgen_legacy import drop_tounicode, legacy_pdf

from pipeline import lexicon
from pipeline.stages import run_text_stages
from pipeline.writers.report import render_report

needs_lexicon = pytest.mark.skipif(not lexicon.available(),
                                   reason="Tesseract's word lists are not installed")

RUSSIAN = [
    "Работа посвящена построению сети глубокого обучения и оптимизации",
    "ее параметров с помощью вычислительных мощностей графического",
    "ускорителя. Рассматривается задача классификации временных рядов,",
    "описаны основные этапы вычислительного эксперимента и приведены",
    "результаты сравнения скорости обучения на различных устройствах.",
]
KYRGYZ = [
    "Билим берүү системасында жаңы технологияларды колдонуу азыркы",
    "мезгилдин негизги талаптарынын бири болуп саналат. Бул макалада",
    "окутуунун сапатын жогорулатуунун жолдору жана мугалимдердин",
    "кесиптик өнүгүүсү каралат, ошондой эле студенттердин өз алдынча",
    "иштөөсүнүн мааниси көрсөтүлөт.",
]


def _build(path):
    """The document and the cleaning report of the PDF at ``path``."""
    kept = {}
    doc = run_text_stages(path, keep=lambda name, value: kept.__setitem__(name, value))
    return doc, render_report(doc, kept["clean"]), kept["extract"]


def _text(doc) -> str:
    """The blocks' text, spaces normalised (the document ties a one-letter word to the
    next with a no-break space)."""
    return " ".join(" ".join(b.text for b in doc.blocks).split())


@needs_lexicon
@pytest.mark.parametrize("code_page", ["cp1251", "koi8_r"])
def test_code_page_font_without_tounicode_comes_back_exactly(tmp_path, code_page):
    """Cyrillic written as code-page bytes under WinAnsiEncoding: with the ToUnicode map
    the text is right; without it pdfminer reads Latin mojibake ("Ðàáîòà"), and the
    reader decides the font's code page from its words and says so in the report."""
    with_map, without = tmp_path / "map.pdf", tmp_path / "nomap.pdf"
    legacy_pdf(with_map, RUSSIAN, code_page)
    assert drop_tounicode(with_map, without) == 1
    expected = " ".join(RUSSIAN)
    assert _text(_build(with_map)[0]) == expected
    doc, report, ex = _build(without)
    assert _text(doc) == expected
    assert not any("\ufffd" in b.text or "(cid:" in b.text for b in doc.blocks)
    decision = next(n for n in ex.notes if n.startswith("font TimesET"))
    assert f"read as {code_page}" in decision, ex.notes
    assert decision.replace("«", "&laquo;") in report or decision in report


@needs_lexicon
def test_kyrgyz_legacy_font_on_cp1251_comes_back_with_its_letters(tmp_path):
    """A pre-Unicode Kyrgyz font: cp1251 with ө ү ң in the slots of є ї ў, no map. The
    reader decides cp1251 (the remapped words are known Kyrgyz words), the cleaner
    the slots; the text comes back with its own letters, both decisions reported."""
    slots = str.maketrans({"ө": "є", "ү": "ї", "ң": "ў", "Ө": "Є", "Ү": "Ї", "Ң": "Ў"})
    path, bare = tmp_path / "ky.pdf", tmp_path / "ky-nomap.pdf"
    legacy_pdf(path, [line.translate(slots) for line in KYRGYZ], "cp1251", "KyrgyzTimes")
    drop_tounicode(path, bare)
    doc, report, ex = _build(bare)
    assert _text(doc) == " ".join(KYRGYZ)
    assert any(n.startswith("font KyrgyzTimes") and "read as cp1251" in n for n in ex.notes)
    assert "є/ї/ў are ө/ү/ң" in report


def test_latin_font_with_its_own_encoding_is_left_alone(tmp_path):
    """A WinAnsi font's accented Latin text (no map needed) keeps its own reading: the
    code pages are candidates, not a default."""
    lines = ["Les résultats de l'expérience montrent une amélioration très nette",
             "de la qualité, et la méthode proposée réduit le coût de calcul."]
    path = tmp_path / "fr.pdf"
    legacy_pdf(path, lines, "cp1252", "Garamond")
    bare = tmp_path / "fr-nomap.pdf"
    drop_tounicode(path, bare)
    doc, _, ex = _build(bare)
    assert _text(doc) == " ".join(lines)
    assert not any("read as" in n for n in ex.notes), ex.notes


#: Every lowercase Cyrillic letter of the page extracts as a Latin consonant: the
#: glyphs drawn are right, the text layer is noise.
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү"
_JUNK = {c: "qxzvkw"[k % 6] for k, c in enumerate(_CYRILLIC)}


@needs_lexicon
@pytest.mark.skipif(not (shutil.which("tesseract") and shutil.which("pdftoppm")),
                    reason="tesseract or pdftoppm is not installed")
def test_page_with_a_junk_text_layer_is_read_by_ocr(tmp_path):
    """A page whose ToUnicode map turns every letter into noise is mostly non-words: it
    is OCRed (kir+rus+eng), the OCR reading is kept since it is likelier, and the
    choice with both figures is in the report. The intact PDF is not OCRed."""
    blocks = [("paragraph", " ".join(KYRGYZ)), ("paragraph", " ".join(RUSSIAN))]
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    make_pdf(good, blocks, page_numbers=False, justify=False)
    mapping = _JUNK | {k.upper(): v.upper() for k, v in _JUNK.items()}
    break_tounicode(good, bad, "PTSerif", mapping)
    expected = " ".join(text for _, text in blocks)

    doc, _, ex = _build(good)
    assert not any("OCR" in n for n in ex.notes)

    doc, report, ex = _build(bad)
    note = next(n for n in ex.notes if "text layer is mostly non-words" in n)
    assert "replaced by its OCR reading" in note, note
    assert note in report
    assert word_accuracy(expected, _text(doc)) >= 0.9


@needs_lexicon
def test_lexicon_lookups(tmp_path, monkeypatch):
    """The word lists answer for each language; the cache is keyed by the traineddata's
    size and time, so a changed file is read anew (here: a copy under a new folder)."""
    assert lexicon.known("айлана-чөйрөнүн", ["ky"]) and lexicon.known("образование", ["ru"])
    assert lexicon.known("Knowledge", ["en"]) and not lexicon.known("qxzvkq")
    assert not lexicon.known("образование", ["en"])
    source = lexicon._tessdata("eng")
    copy = tmp_path / "tessdata" / "eng.traineddata"
    copy.parent.mkdir()
    shutil.copy(source, copy)
    monkeypatch.setenv("TESSDATA_PREFIX", str(copy.parent))
    monkeypatch.setenv("BASMA_CACHE", str(tmp_path / "cache"))
    path = lexicon._cached("eng")
    assert path is not None and path.parent == tmp_path / "cache"
    st = copy.stat()
    assert path.name == f"eng-{st.st_size}-{st.st_mtime_ns}.words"
    assert "knowledge" in lexicon.Words(path)


@needs_lexicon
@pytest.mark.parametrize(("head", "tail", "joined"), [
    ("айлана", "чөйрөнүн", "айлана-чөйрөнүн"),  # a paired word (жуп сөз): both halves words
    ("кадыр", "баркын", "кадыр-баркын"),  # the hyphenated form is a known word
    ("бе", "рүү", "берүү"),  # a typesetter's break
    ("мамлекет", "тик", "мамлекеттик"),  # before a suffix, though the web list has both
    ("при", "роде", "природе"),
])
def test_line_end_hyphen_the_document_cannot_settle_is_decided_by_known_words(
        head, tail, joined):
    """With neither form elsewhere in the document, the word lists decide the hyphen,
    and the change says why (not "no evidence", so the editor is not asked)."""
    from pipeline.cleaner.lines import join_lines
    from pipeline.model import Line, Run

    changes = []
    lines = [Line([Run(f"Сөз {head}-")], fill=1.0), Line([Run(f"{tail} бар.")], fill=0.4)]
    assert join_lines(lines, changes)[0].text == f"Сөз {joined} бар."
    assert "known word" in changes[0].note and "no evidence" not in changes[0].note


def test_symbol_font_private_use_codes_are_read_in_the_reader():
    """A symbol font's U+F0xx codes become their characters before any text is made, so
    no private-use code point reaches the document or its audit trail. A font not
    named as one is read as Symbol (Word's bullet), and the note says it was assumed."""
    from pipeline.readers.pdf.encoding import FontCodes

    codes = FontCodes()
    chars = [{"text": "\uf0ae", "fontname": "ABCDEF+SymbolMT"},
             {"text": "\uf0b4", "fontname": "ABCDEF+SymbolMT"},
             {"text": "\uf0b7", "fontname": "ABCDEF+TimesNewRomanPSMT"},
             {"text": "\ue123", "fontname": "ABCDEF+TimesNewRomanPSMT"}]
    codes.count_unknown(chars)
    assert [c["text"] for c in chars] == ["→", "×", "•", "\ue123"]
    assert codes.decode([]) == [
        "SymbolMT: 2 private-use code(s) read as the symbol font's (U+F0AE →, U+F0B4 ×)",
        "TimesNewRomanPSMT (assumed Symbol: the font's name does not say): 1 private-use "
        "code(s) read as the symbol font's (U+F0B7 •)"]


@pytest.mark.parametrize(("name", "char"), [
    ("greatermuch", "≫"), ("circlecopyrt", "⃝"), ("prime", "′"),
    ("parenleftbig", "("), ("bracketleftbigg", "["), ("summationdisplay", "∑"),
])
def test_tex_glyph_names_are_read(name, char):
    """The names TeX's math fonts give their glyphs, which Adobe's list lacks (CMSY,
    CMEX's sized delimiters), from TeX Live's glyph list."""
    from pipeline.readers.pdf.encoding import TEX_GLYPHLIST, tex_glyph

    if not TEX_GLYPHLIST.exists():
        pytest.skip("TeX Live's glyph list is not installed")
    assert tex_glyph(name) == char


# --- the decision's evidence, font by font ----------------------------------------------


class _FakeFont:
    """What ``FontCodes`` reads of a pdfminer simple font: its code → text table."""

    def __init__(self, table: dict[int, str]):
        self.cid2unicode = dict(table)


def test_t2a_accent_codes_are_read_when_the_font_is_caught():
    """LaTeX's \\" in a T2A font without a map is code 4: it must be the dieresis while
    the line is made, so that it composes with its letter (Schlüter, not "Schlu ter")."""
    from pipeline.readers.pdf.encoding import FontCodes
    from pipeline.readers.pdf.layout import page_lines

    codes, font = FontCodes(), _FakeFont({ord(c): c for c in "Schlter"})
    codes._catch(font, "T2A font", {4: "a4", 0x10: "a16", 0xE0: "a224"}, own_reading=False)
    assert font.cid2unicode[4] == "¨" and font.cid2unicode[0x10] == "“"
    assert font.cid2unicode[0xE0] >= "\U000f0000"  # a Cyrillic code waits for the code page
    x, chars = 0.0, []
    for ch, width in [("S", 6), ("c", 5), ("h", 6), ("l", 3), ("u", 6), ("t", 4), ("e", 5),
                      ("r", 4)]:
        chars.append({"text": ch, "x0": x, "x1": x + width, "top": 100.0, "bottom": 110.0,
                      "size": 10.0, "fontname": "T2A"})
        x += width
    chars.insert(5, {"text": font.cid2unicode[4], "x0": 20.6, "x1": 25.4, "top": 100.0,
                     "bottom": 110.0, "size": 10.0, "fontname": "T2A"})
    (line,), _ = page_lines(chars, 500.0)
    assert line.text == "Schlüter"


def test_latin_font_with_a_few_high_codes_keeps_its_encoding():
    """An English OCR layer's stray "»" (a WinAnsi font's code 0xBB) is no Cyrillic ї:
    a declared encoding whose caught codes are few among ASCII letters stays."""
    from pipeline.readers.pdf.encoding import _Font, decide

    base = {c: chr(c) for c in range(32, 256)}
    font = _Font("TimesNewRomanPSMT", base, own_reading=True, latin=400)
    font.codes[0xBB] = 3
    scores = {"cp1251": 0.2, "mac_cyrillic": 0.9, "base": 0.1}
    font.known = {"cp1251": 0.0, "mac_cyrillic": 0.6, "base": 0.0}
    table, note = decide(font, scores, None)
    assert table[0xBB] == "»"
    assert "kept in the font's own encoding" in note and "a Latin font" in note
    russian = _Font("Arial", base, own_reading=True, latin=10)
    russian.codes[0xE0] = 300
    assert not russian.mostly_latin()


@needs_lexicon
def test_known_words_settle_a_font_without_the_language_model(monkeypatch):
    """When the word lists settle a font the language model (a second's import and load
    in a fresh process) is not asked; the note says the words decided."""
    from pipeline.readers.pdf import encoding
    from pipeline.tag import langid

    def no_model(text):
        raise AssertionError("the language model was asked")

    monkeypatch.setattr(langid, "model_scores", no_model)
    plain = " ".join(RUSSIAN).replace(".", "").replace(",", "").split()
    words = ["".join(chr(0xF0000 + b) for b in w.encode("cp1251")) for w in plain]
    font = encoding._Font("Type3 font", {})
    for w in words:
        for ch in w:
            font.codes[ord(ch) - 0xF0000] += 1
    scores = encoding.reading_scores(font, words, model=False)
    assert font.judged_by == "words"
    table, note = encoding.decide(font, scores, None)
    assert note.endswith("; by known words)") and "read as cp1251" in note, note
    assert "".join(table[ord(c) - 0xF0000] for c in words[0]) == "Работа"
