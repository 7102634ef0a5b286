"""The typed metadata: meta.yaml → ``Meta``, its errors and warnings, and document.json."""

from __future__ import annotations

import datetime as dt
import re
import signal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import EditorFiles, make_document
from pipeline.errors import MetaError
from pipeline.meta import Meta, load_meta, merge, parse_yaml
from pipeline.model import Block, Document, document_from_json, to_json
from pipeline.writers.editions import make_edition

PATH = "input/x/meta.yaml"


def error_of(text: str) -> str:
    """The one-line error ``load_meta`` gives for ``text``."""
    with pytest.raises(MetaError) as info:
        load_meta(text, PATH)
    line = info.value.one_line()
    assert "\n" not in line and line.startswith(f"error: {PATH}: ")
    return line


# --- plain YAML values ----------------------------------------------------------------


def test_unquoted_and_quoted_dates_are_dates():
    meta = load_meta("received: 2026-02-01\naccepted: '2026-03-12'\npublished: 01.04.2026\n")
    assert meta.received == dt.date(2026, 2, 1)
    assert meta.accepted == dt.date(2026, 3, 12)
    assert meta.published == dt.date(2026, 4, 1)
    assert meta.publication_date() == dt.date(2026, 4, 1)


@pytest.mark.parametrize("written", ["37.014", "37.0", "37.010", "37", "37.013.2"])
def test_numeric_udc_is_kept_as_written(written):
    assert load_meta(f"udc: {written}\n").udc == written


def test_issue_and_title_numbers_are_text_as_written():
    meta = load_meta("issue: 02\nshort_title:\n  en: 2026\n")
    assert meta.issue == "02" and meta.short_title == {"en": "2026"}


def test_february_30_is_refused_with_the_reason():
    line = error_of("year: 2026\naccepted: 2026-02-30\n")
    assert "line 2: accepted: '2026-02-30' is not a date: February 2026 has 28 days" in line


def test_keywords_are_split_once_into_lists():
    meta = load_meta("keywords:\n  ky: билим; мектеп, реформа\n  en: education, school\n"
                     "  ru: [образование, школа]\n")
    assert meta.keywords == {"ky": ["билим", "мектеп, реформа"], "en": ["education", "school"],
                             "ru": ["образование", "школа"]}
    assert meta.keywords_joined("en") == "education, school"


# --- unknown fields ---------------------------------------------------------------------


def test_misspelled_key_warns_with_line_and_likely_key(capsys):
    meta = load_meta("language: ky\nvolume: 12\ntitel:\n  en: Trends\n", PATH)
    err = capsys.readouterr().err.strip()
    assert err == f"warning: {PATH}: line 3: unknown field 'titel' — did you mean 'title'?"
    assert meta.title == {} and meta.volume == 12


def test_nested_unknown_key_warns_at_its_own_line(capsys):
    load_meta("authors:\n  - name: A\n  - name: B\n    orcd: 0000-0002-1825-0097\n"
              "journal:\n  isn: 1694-7568\n", PATH)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith(f"warning: {PATH}: line 4: unknown field 'orcd' of authors #2")
    assert lines[0].endswith("did you mean 'orcid'?")
    assert lines[1].startswith(f"warning: {PATH}: line 6: unknown field 'isn' of journal")
    assert lines[1].endswith("did you mean 'issn'?")


def test_unknown_key_holding_a_date_is_only_a_warning(capsys):
    meta = load_meta("revised: 2026-02-01\nyear: 2026\n", PATH)
    assert meta.year == 2026 and "unknown field 'revised'" in capsys.readouterr().err


# --- errors name the line of the value ---------------------------------------------------

AUTHORS = """\
language: ky
authors:
  - name: Айгүл Асанова
    orcid: 0000-0002-1825-0097
  - name:
      ky: Асан Үсөнов
      en: Asan Usonov
    email: asan@example.kg
    orcid: {orcid}
"""


def test_orcid_with_wrong_check_digit_names_its_line():
    line = error_of(AUTHORS.format(orcid="0000-0002-1825-0098"))
    assert re.search(r": line 9: authors #2\.orcid: .*wrong check digit", line)


@pytest.mark.parametrize("orcid", ["12345", "[0000, 0002]", "{a: b}", "javascript:alert(1)"])
def test_orcid_of_the_wrong_type_names_its_line(orcid):
    line = error_of(AUTHORS.format(orcid=orcid))
    assert ": line 9: authors #2.orcid: " in line


def test_orcid_is_stored_as_its_url():
    meta = load_meta(AUTHORS.format(orcid="https://orcid.org/0000-0002-1825-0097"))
    assert [a.orcid for a in meta.authors] == ["https://orcid.org/0000-0002-1825-0097"] * 2
    assert meta.authors[1].display_name("en") == "Asan Usonov"
    assert meta.authors[1].display_name("ru") == "Asan Usonov"  # English before any other
    assert meta.authors[0].display_name("en") == "Айгүл Асанова"


def test_nested_errors_name_their_own_lines():
    text = ("journal:\n  name:\n    ky: Журнал\n  issn: 1694-7569\n")
    assert ": line 4: journal.issn: ISSN '1694-7569' is not valid" in error_of(text)
    text = "authors:\n  - name: A\n    affiliation:\n      name: КУУ\n      ror: 042nb2s45\n"
    assert ": line 5: authors #1.affiliation" in error_of(text)
    text = "title:\n  ky: Аталыш\n  xx: Title\n"
    assert ": line 3: title.xx: unknown language 'xx'" in error_of(text)


def test_volume_that_is_not_a_number():
    assert ": line 2: volume: 'abc' is not a whole number" in error_of("year: 2026\nvolume: abc\n")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/l",
                                 "http://", "https://x.org/a b"])
def test_license_url_must_be_http_or_https(url):
    assert ": line 1: license_url: " in error_of(f"license_url: '{url}'\n")


def test_license_url_over_http_and_https():
    for url in ("http://creativecommons.org/licenses/by/4.0/",
                "https://creativecommons.org/licenses/by/4.0/"):
        assert load_meta(f"license_url: {url}\n").license_url == url


@pytest.mark.parametrize("text, what", [
    # Shapes that used to end in "internal error" (issue 21).
    ("authors:\n  - name: A\n    affiliation: [КУУ, КРСУ]\n", None),
    ("short_title:\n  en: 5\n", None),
    ("journal: 5\n", "line 1: journal: should be fields"),
    ("keywords:\n  ky:\n    a: b\n", "line 3: keywords.ky: should be a list"),
    ("authors:\n  - name: '  '\n", "line 2: authors #1.name: is empty"),
    ("2026-01-01: x\n", "line 1: a field name must be a word"),
    ("year: 10000\n", "line 1: year: '10000' is out of range"),
    ("volume: " + "9" * 5000 + "\n", "line 1: volume: '999"),
    ("title: !!binary aGVsbG8=\n", "line 1: binary data"),
    ("title: !!set {a, b}\n", "line 1: a set (!!set)"),
    ('title:\n  en: "\\ud800"\n', "line 2: the text holds a lone surrogate"),
    ("title:\n  en: \"a\\x07b\"\n", "line 2: title.en: holds the control character U+0007"),
    ("title:\n  en: \"a\\u202eb\"\n", "line 2: title.en: holds the direction override"),
    ("title:\n  en: " + "x" * 1001 + "\n", "line 2: title.en: is 1001 characters long"),
    ("first_page: 99999999999\n", "line 1: first_page:"),
    ("first_page: 50\nlast_page: 45\n", "last_page 45 comes before first_page 50"),
    ("doi: '10.1000/a\"<b'\n", "line 1: doi: "),
    ("x: &a [1]\nx: 2\n", "line 2: 'x' is given twice"),
    ("a: &a {b: 1}\nc:\n  <<: *a\n", "merge keys"),
])
def test_careless_and_hostile_shapes_give_one_line(text, what):
    if what is None:
        load_meta(text, PATH)  # a real article: it validates
    else:
        assert what in error_of(text)


def test_alias_bomb_is_refused_fast():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ", ".join([f"*{prev}"] * 10)
                     + "]")
    # 10^9 values once expanded: a regression would hang, so an alarm fails it
    # fast instead (speed itself is the bench's business, not a test's).
    def hung(signum, frame):
        raise AssertionError("the alias bomb was expanded: no refusal after 30 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        line = error_of("\n".join(lines) + "\n")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert "holds more than 10000 values once its * aliases are expanded" in line


def test_recursive_alias_and_deep_nesting_are_refused():
    assert "refers to the value it is in" in error_of("a: &a [*a]\n")
    assert "nested" in error_of("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert "nested more than" in error_of("a: " + "[" * 40 + "]" * 40 + "\n")


def test_parse_yaml_keeps_corrections_lists():
    data, node = parse_yaml("- find: a\n  replace: b\n", "corrections.yaml")
    assert data == [{"find": "a", "replace": "b"}] and node is not None


# --- the document stage and document.json --------------------------------------------------

SEED_LIKE = """\
language: ky
title:
  ky: Аталыш
  en: Title
journal:
  name:
    ky: Билим берүү жана коом
    en: Education and Society
  issn: 1694-7568
volume: 12
issue: 2
year: 2026
first_page: 45
doi: https://doi.org/10.99999/es.2026.12.2.45
license: CC BY 4.0
license_url: https://creativecommons.org/licenses/by/4.0/
accepted: 2026-03-12
keywords:
  ky: билим; мектеп
authors:
  - name: {ky: Асан Үсөнов, en: Asan Usonov}
    affiliation: {ky: КУУ, en: KNU}
    orcid: 0000-0002-1825-0097
"""


def tagged(meta: dict | None = None) -> Document:
    blocks = [Block("b1", "title", "en", "TITLE"), Block("b2", "author", "ky", "Айгүл Асанова"),
              Block("b3", "paragraph", "ky", "Текст.")]
    return Document(meta=dict(meta or {}), blocks=blocks)


def test_document_round_trips_through_json_with_meta(tmp_path):
    path = tmp_path / "meta.yaml"
    path.write_text(SEED_LIKE, encoding="utf-8")
    doc = make_document(tagged({"udc": "37.013.2", "received": "2026-01-15"}),
                        EditorFiles(meta=path))
    assert isinstance(doc.meta, Meta)
    assert doc.meta.udc == "37.013.2" and doc.meta.received == dt.date(2026, 1, 15)
    assert doc.meta.doi == "10.99999/es.2026.12.2.45"
    text = to_json(doc)
    assert '"received": "2026-01-15"' in text and '"accepted": "2026-03-12"' in text
    again = document_from_json(text)
    assert again.meta == doc.meta and again.blocks == doc.blocks
    assert to_json(again) == text


def test_editor_fields_win_over_what_extraction_found():
    found = Meta.from_found({"udc": "37.0", "received": "2026-01-15"})
    given = load_meta("udc: 37.014\nyear: 2026\n")
    meta = merge(found, given)
    assert (meta.udc, meta.received, meta.year) == ("37.014", dt.date(2026, 1, 15), 2026)


def test_found_values_that_do_not_validate_are_left_out_and_named():
    problems: list[str] = []
    meta = Meta.from_found({"udc": "37", "accepted": "2026-02-30", "scanned": True,
                            "authors": [{"name": "A", "orcid": "0000-0002-1825-0098"}]},
                           problems)
    assert meta.udc == "37" and meta.accepted is None
    assert meta.authors[0].display_name("en") == "A" and meta.authors[0].orcid is None
    assert len(problems) == 3 and any("accepted" in p for p in problems)


def test_author_blocks_become_authors_only_without_any_given(tmp_path):
    doc = make_document(tagged())
    assert [a.display_name("ky") for a in doc.meta.authors] == ["Айгүл Асанова"]
    found = [{"name": "Айгүл Асанова", "affiliation": "КУУ", "email": "a@example.kg"}]
    doc = make_document(tagged({"authors": found}))
    assert doc.meta.authors[0].email == "a@example.kg"
    assert doc.meta.authors[0].affiliations[0].display_name("ky") == "КУУ"
    path = tmp_path / "meta.yaml"
    path.write_text("authors: []\n", encoding="utf-8")
    assert make_document(tagged(), EditorFiles(meta=path)).meta.authors == []


def test_writers_share_the_fallbacks():
    meta = load_meta("journal:\n  name:\n    ru: Журнал\n    en: Journal\nyear: 2026\n")
    assert meta.journal_name("ky") == ("en", "Journal")
    assert meta.journal_name("ru") == ("ru", "Журнал")
    assert load_meta("journal:\n  name: Билим\n").journal_name("en") == ("und", "Билим")
    assert Meta().journal_name("en") is None and Meta().publication_date() is None


def test_editions_print_the_typed_values(tmp_path):
    from pipeline.writers.epub import metadata
    from pipeline.writers.latex import context

    path = tmp_path / "meta.yaml"
    path.write_text(SEED_LIKE, encoding="utf-8")
    doc = make_document(tagged(), EditorFiles(meta=path))
    ed = make_edition(doc, "en")
    ctx = context(ed)
    assert "12~March 2026" in str(ctx["dates"]) or "12 March 2026" in str(ctx["dates"])
    assert str(ctx["pdf_date"]) == "D:20260312000000Z" or "SOURCE_DATE_EPOCH" in __import__(
        "os").environ
    assert "Education and Society" in str(ctx["journal_line"])
    assert str(ctx["authors"][0]["name"]) == "Asan Usonov"
    assert "0000-0002-1825-0097" in str(ctx["authors"][0]["contact"])
    assert [str(a["text"]) for a in ctx["affiliations"]] == ["KNU"]
    epub = metadata(ed, [("en", "Title", "main")])
    assert epub["date"] == "2026-03-12" and epub["creator"] == [
        {"text": "Asan Usonov", "role": "author"}]
    full = context(make_edition(doc, "full"))
    keywords = [str(f["text"]) for f in full["front"]]
    assert "билим, мектеп" in keywords


# --- fuzz: whatever an editor types is a Meta or one MetaError --------------------------------

FIELDS = ["language", "title", "short_title", "authors", "name", "affiliation", "orcid",
          "email", "ror", "journal", "issn", "volume", "issue", "year", "first_page",
          "last_page", "pages", "doi", "license", "license_url", "udc", "received",
          "accepted", "keywords", "ky", "ru", "en", "xx"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.dates(), st.text(max_size=30),
    st.sampled_from(["0000-0002-1825-0097", "2026-02-30", "37.010", "10.99999/x",
                     "https://x.org", "javascript:x", "1694-7568", "045-050", "\x07"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5)), max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8))
def test_any_yaml_document_is_a_meta_or_one_error(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        meta = load_meta(text, PATH)
    except MetaError as exc:
        assert "\n" not in exc.one_line()
        return
    assert isinstance(meta, Meta)
    doc = Document(meta=meta, blocks=[])
    assert document_from_json(to_json(doc)).meta == meta


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"\n#%@`,?0123.\\u")),
               max_size=60))
def test_any_text_is_a_meta_or_one_error(text):
    try:
        assert isinstance(load_meta(text, PATH), Meta)
    except MetaError as exc:
        assert "\n" not in exc.one_line()
