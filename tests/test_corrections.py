"""The editor's overrides in corrections.yaml: text edits, roles, merges, splits, drops."""

import pytest

from pipeline.document.corrections import apply_corrections
from pipeline.errors import CorrectionError
from pipeline.model import Block, Document, Span, validate


def _doc() -> Document:
    return Document(meta={}, blocks=[
        Block("b1", "paragraph", "en", "Materials and methods"),
        Block("b2", "paragraph", "en", "The first half of a sentence that"),
        Block("b3", "paragraph", "en", "goes on after the page break [1].",
              spans=[Span(29, 32, cite=[1], targets=["ref-1"])]),
        Block("b4", "paragraph", "en", "Results. We found that it works [1].",
              spans=[Span(32, 35, cite=[1], targets=["ref-1"])]),
        Block("b5", "paragraph", "en", "Journal of Things, 2021, vol. 3"),
        Block("ref-1", "reference", "en", "Smith J. A book. 2001."),
    ])


def _apply(yaml: str) -> Document:
    return apply_corrections(_doc(), yaml, "corrections.yaml")


def test_set_role_and_level():
    doc = _apply('- find: "Materials and methods"\n  set: {role: heading, level: 2}\n')
    block = doc.blocks[0]
    assert (block.role, block.level) == ("heading", 2)
    change = doc.changes[-1]
    assert (change.rule, change.by) == ("editor_set", "editor")
    assert "role: paragraph" in change.before and "role: heading" in change.after
    validate(doc)


def test_set_heading_without_level_gets_one_and_lang_is_set():
    doc = _apply('- find: "Materials"\n  set: {role: heading, lang: ru}\n')
    assert (doc.blocks[0].role, doc.blocks[0].level, doc.blocks[0].lang) == ("heading", 1, "ru")
    validate(doc)


def test_merge_next_keeps_citation_spans_on_their_text():
    doc = _apply('- find: "half of a sentence"\n  merge: next\n')
    merged = doc.blocks[1]
    assert merged.text == "The first half of a sentence that goes on after the page break [1]."
    assert [merged.text[s.start:s.end] for s in merged.spans] == ["[1]"]
    assert [b.id for b in doc.blocks] == ["b1", "b2", "b4", "b5", "ref-1"]
    assert doc.changes[-1].rule == "editor_merge"
    validate(doc)


def test_split_at_makes_two_blocks():
    doc = _apply('- find: "Results. We found"\n  split_at: "We found"\n'
                 '- find: "Results."\n  set: {role: heading}\n')
    first, second = doc.blocks[3], doc.blocks[4]
    assert (first.text, first.role) == ("Results.", "heading")
    assert (second.id, second.text) == ("b4-2", "We found that it works [1].")
    assert [second.text[s.start:s.end] for s in second.spans] == ["[1]"]
    assert [c.rule for c in doc.changes] == ["editor_split", "editor_set"]
    validate(doc)


def test_drop_removes_the_block_and_records_its_text():
    doc = _apply('- find: "Journal of Things"\n  drop: true\n  note: running head\n')
    assert "b5" not in [b.id for b in doc.blocks]
    change = doc.changes[-1]
    assert (change.rule, change.before, change.note) == (
        "editor_drop", "Journal of Things, 2021, vol. 3", "running head")


def test_replace_still_works_with_filters():
    doc = _apply('- find: "A book"\n  replace: "A Book"\n  role: reference\n')
    assert doc.blocks[-1].text == "Smith J. A Book. 2001."


@pytest.mark.parametrize("yaml, message", [
    ('- find: "works"\n', "has no action"),
    ('- find: "works"\n  drop: true\n  merge: next\n', "several actions"),
    ('- find: "works"\n  set: {role: banner}\n', "role 'banner' is unknown"),
    ('- find: "works"\n  set: {colour: red}\n', "cannot change 'colour'"),
    ('- find: "works"\n  set: {level: 9}\n', "level 9 is not 1 to 6"),
    ('- find: "works"\n  merge: previous\n', "is not understood"),
    ('- find: "vol. 3"\n  merge: next\n  role: paragraph\n', None),  # valid: b5 then ref-1
    ('- find: "A book"\n  merge: next\n', "is in the last block"),
    ('- find: "Results"\n  split_at: "Nothing"\n', "is not in block b4"),
    ('- find: "Results"\n  split_at: "Results"\n', "starts block b4"),
    ('- find: " of "\n  drop: true\n', "matches 2 places"),
    ('- find: "absent text"\n  drop: true\n', "matches nothing"),
])
def test_bad_entries_are_one_line_errors(yaml, message):
    if message is None:
        _apply(yaml)
        return
    with pytest.raises(CorrectionError) as err:
        _apply(yaml)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


# --- choosing among several places: occurrence, near, all ---------------------------------


def _un_doc() -> Document:
    """The seed's double match: once "улуттуар" is fixed, "улуттар" occurs twice."""
    return Document(meta={}, blocks=[
        Block("b1", "paragraph", "ky", "Бириккен улуттуар уюмунун баяндамасы.", page=3),
        Block("b2", "paragraph", "ky", "Бириккен улуттар уюмунун отчету.", page=4),
    ])


def _apply_un(yaml: str) -> Document:
    return apply_corrections(_un_doc(), yaml, "corrections.yaml")


FIX = '- find: "улуттуар"\n  replace: "улуттар"\n'


def test_a_fix_that_makes_a_later_entry_ambiguous_names_both_places():
    with pytest.raises(CorrectionError) as err:
        _apply_un(FIX + '- find: "Бириккен улуттар уюмунун"\n  replace: "БУУнун"\n')
    message = err.value.one_line()
    assert "line 3" in message and "ambiguous: it matches 2 places" in message
    assert "b1, p. 3" in message and "b2, p. 4" in message
    assert "occurrence: N" in message and "\n" not in message


def test_occurrence_chooses_the_place_in_reading_order():
    doc = _apply_un(FIX + '- find: "Бириккен улуттар уюмунун"\n  occurrence: 2\n'
                    '  replace: "БУУнун"\n')
    assert [b.text for b in doc.blocks] == ["Бириккен улуттар уюмунун баяндамасы.",
                                            "БУУнун отчету."]


def test_near_chooses_the_place_by_its_neighbours():
    doc = _apply_un(FIX + '- find: "уюмунун"\n  near: "отчету"\n  replace: "уюмунун жылдык"\n')
    assert doc.blocks[1].text == "Бириккен улуттар уюмунун жылдык отчету."
    assert doc.blocks[0].text == "Бириккен улуттар уюмунун баяндамасы."


def test_all_replaces_every_place_and_records_each_in_reading_order():
    doc = _apply_un(FIX + '- find: "улуттар"\n  all: true\n  replace: "Улуттар"\n')
    assert all("Бириккен Улуттар уюмунун" in b.text for b in doc.blocks)
    assert [c.where for c in doc.changes[1:]] == ["block b1", "block b2"]


def test_all_replaces_twice_inside_one_block():
    doc = apply_corrections(Document(meta={}, blocks=[Block("b1", "paragraph", "ru", "a-b a-b")]),
                            '- find: "a-b"\n  all: true\n  replace: "a–b"\n', "c.yaml")
    assert doc.blocks[0].text == "a–b a–b"
    validate(doc)


@pytest.mark.parametrize("yaml, message", [
    ('- find: "улуттуар"\n  occurrence: 2\n  drop: true\n', "occurs once"),
    ('- find: "уюмунун"\n  occurrence: 0\n  drop: true\n', "is not a place number"),
    ('- find: "уюмунун"\n  occurrence: "2"\n  drop: true\n', "is not a place number"),
    ('- find: "уюмунун"\n  near: "жок"\n  drop: true\n', "none of its 2 places is near"),
    ('- find: "уюмунун"\n  near: ""\n  drop: true\n', "`near:` is not text"),
    ('- find: "уюмунун"\n  all: yes please\n  drop: true\n', "is not understood"),
    ('- find: "уюмунун"\n  all: true\n  merge: next\n', "cannot be used with `merge:`"),
    ('- find: "уюмунун"\n  all: true\n  occurrence: 1\n  drop: true\n', "choose the place one"),
])
def test_choosers_that_choose_nothing_are_one_line_errors(yaml, message):
    with pytest.raises(CorrectionError) as err:
        _apply_un(yaml)
    assert message in err.value.one_line() and "\n" not in err.value.one_line()
