"""The cleaner (issue: Kyrgyz-aware cleaning with an audit trail)."""

import doctest
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfgen import word_accuracy

from pipeline.cleaner import clean, plan
from pipeline.model import Change, Cleaned, Extraction, Line, Run
from pipeline.readers import extract, read_text_dump
from pipeline.segment import segment
from pipeline.writers.report import render_report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "input" / "trends-modern-education-kg" / "source.txt"
EXPECTED = ROOT / "tests" / "data" / "seed_clean.txt"

KY = ("Кыргызстандын билим берүү системасы өнүгүп жатат. Үй-бүлөнүн ролу чоң, "
      "жаңы технологиялар жана өзгөрүүлөр окуучулардын деңгээлин көтөрөт.")
RU = "Невозможно охарактеризовать современное образование без учета общих тенденций."
EN = "It is impossible to characterize modern education without these trends."


def cleaned_text(text: str) -> str:
    return "\n".join(p.text for p in clean(read_text_dump(text, "t.txt")).paragraphs)


@pytest.fixture(scope="module")
def seed_cleaned():
    return clean(extract(SEED.read_bytes(), str(SEED)))


def test_seed_word_accuracy(seed_cleaned):
    doc = segment(seed_cleaned)
    expected = [ln.split("\t", 1)[1] for ln in EXPECTED.read_text("utf-8").splitlines()]
    got = [b.text for b in doc.blocks]
    accuracy = word_accuracy("\n".join(expected), "\n".join(got))
    assert accuracy >= 0.998, accuracy


def test_seed_defects_repaired(seed_cleaned):
    text = "\n".join(p.text for p in seed_cleaned.paragraphs)
    assert "ҥ" not in text and "Ҥ" not in text
    assert "Cyber Home Learning System" in text
    assert " ." not in text.replace(" ...", "")
    assert "условиях формировать" in text  # the lost «и» stays lost until the editor's fix
    assert "улуттуар" in text
    rules = Counter(c.rule for c in seed_cleaned.changes)
    remapped = sum(c.before.count("ҥ") for c in seed_cleaned.changes
                   if c.rule == "remap_legacy_glyphs")
    assert remapped == 764 and rules["fix_homoglyphs"] == 1
    assert rules["keep_line_end_hyphen"] == 3 and rules["join_lines"] == 4
    assert any("ҥ stands for ү" in d for d in seed_cleaned.decisions)


@pytest.mark.parametrize(
    "corrupt",
    [
        KY.replace("ө", "є").replace("ү", "ї").replace("ң", "ў"),
        KY.replace("ң", "ӊ"),
        KY.replace("ү", "ҥ").replace("Ү", "Ҥ"),
        KY.upper().replace("Ү", "Ҥ"),
        KY.encode("utf-8").decode("cp1251", errors="replace"),
        KY.encode("utf-8").decode("latin-1"),
        KY.replace("о", "o").replace("а", "a"),  # Latin look-alikes
    ],
    ids=["cp1251-slots", "khanty-en", "legacy-ue", "legacy-ue-caps", "cp1251-mojibake",
         "latin1-mojibake", "homoglyphs"],
)
def test_synthetic_corruptions_repaired_exactly(corrupt):
    expected = KY.upper() if corrupt.isupper() or corrupt == KY.upper().replace("Ү", "Ҥ") else KY
    assert cleaned_text(corrupt).replace("\u00a0", " ") == expected


@pytest.mark.parametrize("text", [KY, RU, EN, "Україна є незалежною і демократичною державою."])
def test_clean_text_is_left_alone(text):
    assert cleaned_text(text) == text


def test_ukrainian_is_not_kyrgyz():
    result = clean(read_text_dump("Україна є незалежною, її мова — українська.", "t.txt"))
    assert "є" in result.paragraphs[0].text
    assert any("left as written" in d for d in result.decisions)


def test_report_lists_repairs_in_context(seed_cleaned, tmp_path):
    doc = segment(seed_cleaned)
    doc.changes = seed_cleaned.changes
    html = render_report(doc, seed_cleaned)
    assert html.startswith("<!DOCTYPE html>")
    assert ("<del><span class=vh>deleted: </span>Ноmе</del>"
            "<ins><span class=vh>inserted: </span>Home</ins>") in html
    assert "Legacy Kyrgyz font letters" in html and "Hyphens at line ends" in html
    assert "reference list is missing" in html


# --- the plan ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", sorted({s for p in plan.PLAN for s in (p, *p.parts)},
                                        key=lambda s: s.name), ids=lambda s: s.name)
def test_every_step_states_its_cause_and_shows_an_example(step):
    assert step.cause, f"{step.name}: no 'Cause:' paragraph in its docstring"
    examples = doctest.DocTestFinder().find(step.fn)[0].examples
    assert examples, f"{step.name}: no doctest"


def test_every_recorded_rule_is_a_plan_step(seed_cleaned):
    names = {s.name for p in plan.PLAN for s in (p, *p.parts)}
    assert {c.rule for c in seed_cleaned.changes} <= names
    typography = {s.name for s in plan.TYPOGRAPHY}
    assert set(plan.TITLES) == names | typography | {r.name for r in plan.OTHER_RECORDERS}


@pytest.mark.parametrize("rule", plan.OTHER_RECORDERS, ids=lambda r: r.name)
def test_other_recorders_record_under_their_registered_name(rule):
    module = __import__(rule.recorded_by, fromlist=["_"])
    assert f'"{rule.name}"' in Path(module.__file__).read_text("utf-8")


def _one_line(text: str, font: str | None = None) -> Extraction:
    return Extraction("t.pdf", "pdf", [Line([Run(text, font=font)], para_hint=True)])


def test_symbol_font_glyphs_mapped_and_recorded():
    result = clean(_one_line("\uf0b7 Эффект \uf061 = 0,5 \uf0ae жогору, 2 \uf0b4 3",
                             font="ABCDEF+SymbolMT"))
    para = result.paragraphs[0]
    # Word's Symbol bullet becomes a real list marker.
    assert (para.bullet, para.text) == ("•", "Эффект α = 0,5 → жогору, 2 × 3")
    mapped = [c for c in result.changes if c.rule == plan.PRIVATE_USE.name]
    before = "".join(c.before for c in mapped)
    assert sum(0xF000 <= ord(ch) <= 0xF0FF for ch in before) == 4
    assert any("Symbol font" in d for d in result.decisions)


def test_wingdings_bullet_is_not_read_as_symbol():
    result = clean(_one_line("\uf0a7 биринчи", font="Wingdings-Regular"))
    para = result.paragraphs[0]
    assert (para.bullet, para.text) == ("▪", "биринчи")  # in Symbol U+F0A7 would be ♣


def test_unknown_private_use_kept_and_flagged():
    result = clean(_one_line("белги \ue123 бар", font="Custom"))
    assert "\ue123" in result.paragraphs[0].text
    assert any("U+E123" in u and "kept" in u for u in result.undecided)


def test_spoofing_and_non_text_characters_dropped_and_recorded():
    text = ("файл\u202eфдп.exe\u202c\u2066x\u2069 би\uffffлим\ufdd0 "
            "\x07берүү\u2028системасы\u2029өнүгөт")
    result = clean(_one_line(text))
    assert result.paragraphs[0].text == "файлфдп.exex билим берүү системасы өнүгөт"
    rules = Counter(c.rule for c in result.changes)
    for step in (plan.BIDI_CONTROLS, plan.NONCHARACTERS, plan.CONTROLS, plan.LINE_SEPARATORS):
        assert rules[step.name], step.name
    bidi = "".join(c.before for c in result.changes if c.rule == plan.BIDI_CONTROLS.name)
    assert "\u202e" in bidi and "\u2066" in bidi


def test_footnotes_joined_by_the_body_policy():
    # Each note's first line carries para_hint (it starts with the note's number).
    notes = [Line([Run("1 Билим берүү системасынын өнү-")], para_hint=True, page=2),
             Line([Run("гүшү жөнүндө мыйзам.")], page=2),
             Line([Run("2 жаңы басылыш, 2020.")], para_hint=True, page=2)]
    ex = Extraction("t.pdf", "pdf", [Line([Run("Негизги текст.")], para_hint=True)],
                    footnotes=notes)
    result = clean(ex)
    feet = [p for p in result.paragraphs if p.footnote]
    assert [p.text for p in feet] == [
        "1 Билим берүү системасынын өнүгүшү жөнүндө мыйзам.", "2 жаңы басылыш, 2020."]
    assert all(p.bullet is None for p in feet)
    hyphens = [c for c in result.changes if c.rule == plan.LINE_END_HYPHEN.name]
    assert [c.after for c in hyphens] == ["өнүгүшү"]


# --- the report --------------------------------------------------------------------------


def test_report_folds_long_rules(seed_cleaned):
    doc = segment(seed_cleaned)
    doc.changes = seed_cleaned.changes
    html = render_report(doc, seed_cleaned)
    n = sum(c.rule == plan.LEGACY_GLYPHS.name for c in seed_cleaned.changes)
    assert n > 20
    # One group for the rule, folded, its count and examples in the summary.
    assert html.count(f'id="{plan.LEGACY_GLYPHS.name}"') == 1
    section = html.split(f'<details class=rule id="{plan.LEGACY_GLYPHS.name}">', 1)[1]
    section = section.split("</details>", 1)[0]
    summary = section.split("</summary>", 1)[0]
    assert f"({n})" in summary and summary.count("<del>") == 3
    assert section.count("<tr><td class=n>") == n
    # A rule with few changes starts unfolded.
    assert f'<details class=rule id="{plan.NBSP_BEFORE_DASH.name}" open>' in html


def test_report_escapes_document_text(seed_cleaned):
    doc = segment(seed_cleaned)
    evil = "<script>alert(1)</script>"
    doc.changes = [Change(plan.HOMOGLYPHS.name, evil, "x&y", "line 1",
                          context=f"a ⟦{evil}⟧ b", note=evil),
                   Change(plan.SPACES.name, evil, "z", "line 2")]
    cleaned = Cleaned(source=evil, paragraphs=[], changes=doc.changes,
                      decisions=[evil], undecided=[evil])
    html = render_report(doc, cleaned)
    assert "<script>" not in html
    # title (twice), source, decision, flag, two changes' words and their rules'
    # examples, one note
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 10
    assert "x&amp;y" in html and re.search(r"<del><span class=vh>deleted: </span>&lt;script&gt;",
                                           html)


def test_report_shows_unseen_characters_by_code(seed_cleaned):
    result = clean(_one_line("\uf0b7 файл\u202e.exe", font="Symbol"))
    doc = segment(result)
    doc.changes = result.changes
    html = render_report(doc, result)
    assert ("<del><span class=vh>deleted: </span>⟨U+F0B7⟩</del>"
            "<ins><span class=vh>inserted: </span>•</ins>") in html
    assert "⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩" in html


# --- properties ------------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("абвгдеңөүҥєїўӊыАБҢҮ abcdeHoMe -–.,;:«»1234\n\n\n ") +
                           ["Ð", "Ñ", "\u00ad", "\ufeff", "\x00", "  ", "–  "])
TEXTS = st.lists(ALPHABET, max_size=120).map("".join)


def _alnum(text: str) -> Counter:
    return Counter(c for c in text if c.isalnum())


def _serialise(result) -> str:
    return "\n\n".join((p.bullet + " " if p.bullet else "") + p.text for p in result.paragraphs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_cleaning_is_idempotent(text):
    once = _serialise(clean(read_text_dump(text, "t")))
    twice = _serialise(clean(read_text_dump(once, "t")))
    assert once.replace("\u00a0", " ") == twice.replace("\u00a0", " ")


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_no_letter_or_digit_lost_unrecorded(text):
    result = clean(read_text_dump(text, "t"))
    out = "".join(p.text + (p.bullet or "") for p in result.paragraphs)
    lost = _alnum(text) - _alnum(out)
    recorded = Counter()
    for change in result.changes:
        recorded += _alnum(change.before)
    assert not lost - recorded, (lost, result.changes)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_on_arbitrary_unicode(text):
    result = clean(read_text_dump(text, "t"))
    segment(result)


def test_typography_follows_the_block_language_and_leaves_segmentation_alone():
    """Ties and dashes are set by the document stage, by each block's language:
    the segmenter still sees the plain spaces of the source, a Kyrgyz block gets
    the em dash even where it quotes Latin words, and a formula keeps its minus."""
    from pipeline.document.typography import apply_typography
    from pipeline.model import Block, Document, Span

    cleaned = clean(_one_line("Асанов А.А. Мектептеги билим - 78 % в школе [3]"))
    assert "\u00a0" not in cleaned.paragraphs[0].text
    assert " - " in cleaned.paragraphs[0].text
    doc = apply_typography(Document(meta={}, blocks=[
        Block("b1", "paragraph", "ky", "Mektep - school"),
        Block("b2", "paragraph", "en", "a - b where x - y holds",
              spans=[Span(12, 17, style="math")]),
        Block("b3", "paragraph", "ru", "Рост 78 % в школе"),
    ]))
    assert doc.blocks[0].text == "Mektep — school"
    assert doc.blocks[1].text == "a – b where x - y holds"
    assert doc.blocks[2].text == "Рост 78\u202f% в\u00a0школе"
    assert {c.where for c in doc.changes} == {"block b1", "block b2", "block b3"}


def test_a_paragraph_goes_on_after_the_figure_that_interrupted_it():
    # phd_article p. 12: "…записи движений для" / figure / "Рис. 4 …" / "акселерометра. …":
    # the sentence went on after the figure, and was glued to its caption.
    from pipeline.cleaner.lines import join_lines
    from pipeline.model import Line, Run, Visual

    lines = [Line([Run("Набор данных содержит записи движений")], fill=1.0),
             Line([Run("")], role="figure", visual=Visual(region=[12, 72, 100, 500, 350])),
             Line([Run("Рис. 4 Зависимость ошибки")], role="caption"),
             Line([Run("акселерометра для шести классов.")], fill=0.6, para_hint=True),
             Line([Run("Кийинки абзац.")], para_hint=True)]
    paras = join_lines(lines, [])
    assert [(p.role, p.text) for p in paras] == [
        (None, "Набор данных содержит записи движений акселерометра для шести классов."),
        ("figure", ""), ("caption", "Рис. 4 Зависимость ошибки"), (None, "Кийинки абзац.")]
