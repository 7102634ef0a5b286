"""Issue 17: the indexing files (JATS, Crossref, DOAJ, eLibrary), validated offline.

Each file is checked against its schema in ``../shared/schemas`` (the JATS 1.3 DTD,
the Crossref 5.3.1 XSD, DOAJ's XSD) or, for eLibrary, against the schema written
for it (``pipeline/writers/indexing/schemas/elibrary.xsd``): with lxml always, and
with ``xmllint --nonet`` too where libxml2-utils is installed. Three documents:
the seed (its text stages run in-process, no typesetting), a second article made
here with two authors, ORCIDs, ROR ids and affiliations in three languages, and
the same article with hostile text in every field.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, SEED_ID

from pipeline.document import EditorFiles
from pipeline.errors import MetaError
from pipeline.languages import LANGUAGES, elibrary_code, iso639_2b
from pipeline.meta import KNOWN_LANGS, load_meta
from pipeline.model import Block, Document, Span, document_from_json, to_json
from pipeline.stages import run_text_stages
from pipeline.writers.indexing import indexing_files
from pipeline.writers.indexing.common import PersonName, split_name
from pipeline.writers.indexing.settings import load_settings
from pipeline.writers.indexing.validate import (
    KINDS,
    check_folder,
    errors,
    parse,
    schema_path,
    validator,
)

SCHEMAS = ROOT.parent / "shared" / "schemas"
JOURNAL = ROOT / "input" / "journal.yaml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CR = "{http://www.crossref.org/schema/5.3.1}"
JATS_NS = "{http://www.ncbi.nlm.nih.gov/JATS1}"

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason="../shared/schemas is missing")

#: Every character an XML, HTML, JSON or TeX writer could mistake for markup.
HOSTILE = "<b>x</b> & ]]> \"q\" 'a' \\input{/etc/passwd} &amp; </script> {{ 1 }}"


# --- the documents ------------------------------------------------------------------------


@cache
def seed_document() -> Document:
    """The seed's document.json, made by the text stages in this process."""
    folder = ROOT / "input" / SEED_ID
    doc = run_text_stages(folder / "source.txt", EditorFiles.of_folder(folder))
    return document_from_json(to_json(doc))  # exactly what the writers read from the file


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def second_meta(h: str = "") -> str:
    """meta.yaml of the second fixture; ``h`` is appended to every text field."""
    q = lambda s: _yaml(s + h)  # noqa: E731
    return f"""
language: ky
title:
  ky: {q("Билим берүүдөгү санариптик технологиялар")}
  ru: {q("Цифровые технологии в образовании")}
  en: {q("Digital Technologies in Education")}
abstract:
  ky: {q("Макалада санариптик технологиялар каралат.")}
  ru: {q("В статье рассматриваются цифровые технологии.")}
  en: {q("The article considers digital technologies.")}
keywords:
  ky: [{q("билим")}, {q("санарип")}]
  ru: [{q("образование")}, {q("цифровизация")}]
  en: [{q("education")}, {q("digitalisation")}]
authors:
  - name: {{ky: {q("Айгүл Асанова")}, ru: {q("Айгуль Асанова")}}}
    orcid: 0000-0002-1825-0097
    email: a.asanova@example.kg
    affiliation:
      name:
        ky: {q("Кыргыз улуттук университети")}
        ru: {q("Кыргызский национальный университет")}
        en: {q("Kyrgyz National University")}
      ror: 042nb2s44
  - name: {{ky: {q("Бакыт Токтогулов")}, en: {q("Bakyt Toktogulov")}}}
    orcid: https://orcid.org/0000-0001-5109-3700
    affiliations:
      - name:
          ky: {q("Кыргыз улуттук университети")}
          ru: {q("Кыргызский национальный университет")}
          en: {q("Kyrgyz National University")}
        ror: 042nb2s44
      - name:
          ky: {q("Ош мамлекеттик университети")}
          ru: {q("Ошский государственный университет")}
          en: {q("Osh State University")}
        ror: https://ror.org/05dxps055
journal:
  name:
    ky: {q("Билим берүү жана коом")}
    ru: {q("Образование и общество")}
    en: {q("Education and Society")}
  issn: 1694-7568
  eissn: 2227-6017
  publisher: {q("Басма")}
volume: 3
issue: {q("4")}
year: 2026
pages: 10–19
doi: 10.99999/es.2026.3.4.10
license: {q("CC BY 4.0")}
license_url: https://creativecommons.org/licenses/by/4.0/
udc: {q("37.014")}
received: 2026-02-01
accepted: 2026-03-12
published: 2026-04-01
"""


def second_document(h: str = "") -> Document:
    """The second fixture: headings, a list, a citation, a footnote, two references."""
    t = lambda s: s + h  # noqa: E731
    para = t("Санариптик билим берүү [1] жана online learning кеңейүүдө.")
    cite = para.index("[1]")
    online = para.index("online learning")
    blocks = [
        Block("b1", "title", "ky", t("Билим берүүдөгү санариптик технологиялар")),
        Block("b2", "abstract", "ky", t("Булактагы аннотация.")),
        Block("b3", "heading", "ky", t("Киришүү"), level=1, number="1"),
        Block("b4", "paragraph", "ky", para, spans=[
            Span(cite, cite + 3, cite=[1], targets=["ref-1"]),
            Span(online, online + len("online learning"), lang="en", style="italic")]),
        Block("b5", "heading", "ky", t("Жыйынтык"), level=2),
        Block("b6", "list_item", "ky", t("биринчи")),
        Block("b7", "list_item", "ky", t("экинчи")),
        Block("b8", "paragraph", "ru", t("Абзац на русском языке.")),
        Block("b9", "footnote", "ky", t("Шилтеме."), number="1"),
        Block("b10", "references_heading", "ky", "Адабияттар"),
        Block("ref-1", "reference", "ru", t("Иванов И. И. Цифровизация. 2020. "
                                             "doi:10.1000/xyz123"), number="1"),
        Block("ref-2", "reference", "en", t("Smith J. Digital learning. 2021."), number="2"),
    ]
    meta = load_meta(second_meta(h), "meta.yaml")
    return document_from_json(to_json(Document(meta, blocks)))


def bare_document() -> Document:
    """An article with nothing but text: no metadata, no title, no language."""
    return document_from_json(to_json(Document({}, [Block("b1", "paragraph", "und", "Text.")])))


@cache
def built(name: str) -> dict[str, bytes]:
    """The files of one fixture, by kind ("jats.xml", "ky.html", …)."""
    doc = {"seed": seed_document, "second": second_document,
           "hostile": lambda: second_document(" " + HOSTILE), "bare": bare_document}[name]()
    article = SEED_ID if name == "seed" else f"{name}-article"
    result = indexing_files(doc, load_settings(JOURNAL), article, 1767225600)
    return {n[len(article) + 1:]: data for n, data in result.files.items()}


# --- validation ---------------------------------------------------------------------------


def assert_valid(kind: str, data: bytes) -> None:
    found = errors(kind, data)
    assert not found, (kind, found[:5])


def xmllint_command(kind: str, path: Path) -> list[str]:
    """The offline xmllint run the schemas' README gives for ``kind``."""
    if kind == "jats.xml":
        return ["xmllint", "--nonet", "--noout", "--path", str(SCHEMAS / "jats-1.3"), "--valid",
                str(path)]
    return ["xmllint", "--nonet", "--noout", "--schema", str(schema_path(kind)), str(path)]


@pytest.mark.parametrize("name", ["seed", "second", "hostile", "bare"])
def test_every_file_validates(name, tmp_path):
    """Every file validates, even for an article with no metadata at all (which has
    no Crossref deposit: there is no DOI to deposit)."""
    files = built(name)
    kinds = [k for k in KINDS if name != "bare" or k != "crossref.xml"]
    assert set(kinds) <= set(files) and (name != "bare" or "crossref.xml" not in files)
    for kind in kinds:
        assert_valid(kind, files[kind])
    if shutil.which("xmllint"):  # libxml2-utils (the Makefile's APT_PACKAGES)
        for kind in kinds:
            path = tmp_path / f"{name}.{kind}"
            path.write_bytes(files[kind])
            proc = subprocess.run(xmllint_command(kind, path), capture_output=True, text=True)
            assert proc.returncode == 0, (kind, proc.stderr[-2000:])


def test_make_check_reports_each_file(tmp_path):
    for kind, data in built("second").items():
        (tmp_path / f"a.{kind}").write_bytes(data)
    (tmp_path / "b.doaj.xml").write_bytes(built("second")["doaj.xml"].replace(
        b'language="eng"', b'language="en"'))
    lines = check_folder(tmp_path)
    assert len(lines) == 5 and sum(ln.startswith("ok ") for ln in lines) == 4, lines
    assert lines[-1].startswith(f"FAIL {tmp_path / 'b.doaj.xml'}: line "), lines


def test_the_validators_refuse_a_broken_file():
    """The check can fail: a JATS without its front and a DOAJ record with a 639-1 code."""
    jats = parse(built("seed")["jats.xml"])
    jats.remove(jats.find("front"))
    assert not validator("jats.xml").validate(jats)
    doaj = parse(built("seed")["doaj.xml"])
    doaj.find("record/title").set("language", "en")
    assert not validator("doaj.xml").validate(doaj)
    el = parse(built("second")["elibrary.xml"])
    el.find(".//author").set("num", "1")
    assert not validator("elibrary.xml").validate(el)


# --- the seed against its document.json ---------------------------------------------------


def test_seed_jats_has_every_title_and_abstract_with_its_language():
    doc = seed_document()
    root = parse(built("seed")["jats.xml"])
    assert root.get(XML_LANG) == "ky"
    meta = root.find("front/article-meta")
    titles = {meta.find("title-group/article-title").get(XML_LANG):
              meta.find("title-group/article-title").text}
    for group in meta.findall("title-group/trans-title-group"):
        titles[group.get(XML_LANG)] = group.find("trans-title").text
    assert titles == dict(doc.meta.title) and set(titles) == {"ky", "ru", "en"}
    abstracts = {el.get(XML_LANG): " ".join(p.text for p in el.findall("p"))
                 for el in [meta.find("abstract"), *meta.findall("trans-abstract")]}
    expected = {b.lang: b.text for b in doc.by_role("abstract")}
    assert abstracts == expected and set(abstracts) == {"ky", "ru", "en"}
    assert meta.find("article-id[@pub-id-type='doi']").text == doc.meta.doi
    assert [meta.findtext(t) for t in ("volume", "issue", "fpage")] == ["12", "2", "45"]
    assert meta.find("permissions/license").get("{http://www.w3.org/1999/xlink}href") \
        == doc.meta.license_url
    assert root.find("front/journal-meta/issn").text == "1694-7568"
    # The body: five sections, the lists, and every paragraph in order.
    body = root.find("body")
    assert [s.findtext("title") for s in body.findall("sec")] == [
        b.text for b in doc.by_role("heading")]
    assert len(body.findall(".//list-item")) == len(doc.by_role("list_item"))
    # The seed cites [1]–[10] but has no list: the citations stay text, not dangling xrefs.
    assert body.find(".//xref") is None and "[1]" in "".join(body.itertext())


def test_seed_crossref_has_three_abstracts_and_titles():
    doc = seed_document()
    root = parse(built("seed")["crossref.xml"])
    art = root.find(f".//{CR}journal_article")
    abstracts = {el.get(XML_LANG): el.findtext(f"{JATS_NS}p")
                 for el in art.findall(f"{JATS_NS}abstract")}
    assert abstracts == {b.lang: b.text for b in doc.by_role("abstract")}
    assert [t.findtext(f"{CR}title") for t in art.findall(f"{CR}titles")] == [
        doc.meta.title[k] for k in ("ky", "ru", "en")]
    assert art.findtext(f"{CR}doi_data/{CR}doi") == doc.meta.doi
    assert art.findtext(f"{CR}doi_data/{CR}resource") == (
        f"https://journal.example.kg/articles/{SEED_ID}/{SEED_ID}.html")
    assert root.findtext(f"{CR}head/{CR}depositor/{CR}email_address") \
        == "crossref@journal.example.kg"
    assert root.findtext(f"{CR}head/{CR}timestamp") == "20260101000000"


def test_seed_doaj_has_three_titles_in_iso_639_2():
    doc = seed_document()
    record = parse(built("seed")["doaj.xml"]).find("record")
    titles = {t.get("language"): t.text for t in record.findall("title")}
    assert titles == {iso639_2b(k): v for k, v in doc.meta.title.items()}
    assert set(titles) == {"kir", "rus", "eng"}
    assert {a.get("language") for a in record.findall("abstract")} == {"kir", "rus", "eng"}
    assert record.findtext("language") == "kir" and record.findtext("doi") == doc.meta.doi


def test_seed_elibrary_titles_and_abstracts_per_language():
    doc = seed_document()
    art = parse(built("seed")["elibrary.xml"]).find("issue/articles/article")
    assert {t.get("lang"): t.text for t in art.findall("artTitles/artTitle")} == {
        elibrary_code(k): v for k, v in doc.meta.title.items()}
    assert {a.get("lang") for a in art.findall("abstracts/abstract")} == {"KIR", "RUS", "ENG"}
    assert art.findtext("langPubl") == "KIR" and art.findtext("codes/doi") == doc.meta.doi
    assert art.findtext("artType") == "RAR" and art.findtext("pages") == "45"


# --- the second article: two authors in three scripts ------------------------------------


def test_second_jats_contributors_affiliations_and_body():
    root = parse(built("second")["jats.xml"])
    meta = root.find("front/article-meta")
    contribs = meta.findall("contrib-group/contrib")
    assert [c.findtext("contrib-id[@contrib-id-type='orcid']") for c in contribs] == [
        "https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"]
    first = {n.get(XML_LANG): (n.findtext("given-names"), n.findtext("surname"))
             for n in contribs[0].findall("name-alternatives/name")}
    assert first["ky"] == ("Айгүл", "Асанова") and first["ru"] == ("Айгуль", "Асанова")
    assert first["en"] == ("Aĭgül", "Asanova")  # ICU's ky-ky_Latn/BGN
    latin = contribs[0].find("name-alternatives/name[@specific-use]")
    assert latin.get("specific-use") == "transliteration ky-ky_Latn/BGN"
    assert [x.get("rid") for x in contribs[1].findall("xref")] == ["aff1", "aff2"]
    affs = meta.findall("contrib-group/aff-alternatives")
    assert [a.get("id") for a in affs] == ["aff1", "aff2"]
    assert {a.get(XML_LANG) for a in affs[0].findall("aff")} == {"ky", "ru", "en"}
    assert affs[1].findtext("aff/institution-wrap/institution-id") == "https://ror.org/05dxps055"
    assert meta.findtext("article-categories/subj-group[@subj-group-type='udc']/subject") \
        == "37.014"
    assert [d.get("date-type") for d in meta.findall("history/date")] == ["received", "accepted"]
    assert (meta.findtext("fpage"), meta.findtext("lpage")) == ("10", "19")
    assert {g.get(XML_LANG) for g in meta.findall("kwd-group")} == {"ky", "ru", "en"}
    # meta.yaml's abstract is the indexers' over the source's abstract block.
    assert meta.findtext("abstract/p") == "Макалада санариптик технологиялар каралат."
    body = root.find("body")
    sec = body.find("sec")
    assert sec.findtext("label") == "1" and sec.find("sec/title").text == "Жыйынтык"
    xref = body.find(".//xref")
    assert xref.get("rid") == "ref-1" and xref.text == "[1]"
    styled = body.find(".//styled-content")
    assert styled.get(XML_LANG) == "en" and styled.findtext("italic") == "online learning"
    assert body.find(".//p[@{http://www.w3.org/XML/1998/namespace}lang='ru']") is not None
    refs = root.findall("back/ref-list/ref")
    assert [r.get("id") for r in refs] == ["ref-1", "ref-2"]
    assert refs[0].find("mixed-citation").get(XML_LANG) == "ru"
    assert root.findtext("back/fn-group/fn/p") == "Шилтеме."


def test_second_crossref_names_orcid_ror_and_citations():
    art = parse(built("second")["crossref.xml"]).find(f".//{CR}journal_article")
    people = art.findall(f"{CR}contributors/{CR}person_name")
    assert [p.get("sequence") for p in people] == ["first", "additional"]
    assert [(p.findtext(f"{CR}given_name"), p.findtext(f"{CR}surname")) for p in people] == [
        ("Aĭgül", "Asanova"), ("Bakyt", "Toktogulov")]
    assert people[0].findtext(f"{CR}ORCID") == "https://orcid.org/0000-0002-1825-0097"
    alt = {n.get("language"): n.findtext(f"{CR}surname")
           for n in people[0].findall(f"{CR}alt-name/{CR}name")}
    assert alt == {"ky": "Асанова", "ru": "Асанова"}
    rors = [i.text for i in people[1].iter(f"{CR}institution_id")]
    assert rors == ["https://ror.org/042nb2s44", "https://ror.org/05dxps055"]
    assert len(art.findall(f"{JATS_NS}abstract")) == 3
    cits = art.findall(f"{CR}citation_list/{CR}citation")
    assert [c.get("key") for c in cits] == ["ref-1", "ref-2"]
    assert cits[0].findtext(f"{CR}doi") == "10.1000/xyz123"
    assert art.findtext(f"{CR}pages/{CR}last_page") == "19"
    assert art.find(f"{CR}acceptance_date") is not None


def test_second_doaj_and_elibrary_authors():
    record = parse(built("second")["doaj.xml"]).find("record")
    authors = record.findall("authors/author")
    assert [a.findtext("name") for a in authors] == ["Aĭgül Asanova", "Bakyt Toktogulov"]
    assert [a.findtext("orcid_id") for a in authors] == [
        "https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"]
    assert [a.findtext("affiliationId") for a in authors] == ["aff1", "aff1"]
    assert [n.text for n in record.findall("affiliationsList/affiliationName")] == [
        "Kyrgyz National University", "Osh State University"]
    assert {k.get("language") for k in record.findall("keywords")} == {"kir", "rus", "eng"}
    assert record.findtext("publicationDate") == "2026-04-01"
    art = parse(built("second")["elibrary.xml"]).find("issue/articles/article")
    first, second = art.findall("authors/author")
    assert first.get("num") == "001" and first.findtext("authorCodes/orcid") == \
        "0000-0002-1825-0097"
    info = {i.get("lang"): (i.findtext("surname"), i.findtext("orgName"))
            for i in first.findall("individInfo")}
    assert info == {"KIR": ("Асанова", "Кыргыз улуттук университети"),
                    "RUS": ("Асанова", "Кыргызский национальный университет"),
                    "ENG": ("Asanova", "Kyrgyz National University")}
    # The second author has no Russian name: no RUS entry is made up.
    assert [i.get("lang") for i in second.findall("individInfo")] == ["KIR", "ENG"]
    assert art.findtext("pages") == "10-19" and art.findtext("codes/udk") == "37.014"
    assert [r.findtext("refInfo/text") for r in art.findall("references/reference")][1] == \
        "Smith J. Digital learning. 2021."
    assert art.findtext("dates/dateReceived") == "2026-02-01"


def test_a_transliterated_second_list_gives_each_work_once():
    """Список литературы, then References: Crossref cites each work once, eLibrary gives
    both forms of it, JATS keeps both lists."""
    doc = second_document()
    for b in doc.by_role("reference"):
        b.ref_list = 1
    doc.blocks += [Block("ref2-1", "reference", "en", "Ivanov I. I. Tsifrovizatsiya. 2020.",
                         number="1", ref_list=2),
                   Block("ref2-2", "reference", "en", "Smith J. Digital learning. 2021.",
                         number="2", ref_list=2)]
    files = indexing_files(doc, load_settings(JOURNAL), "two", 0).files
    for kind in KINDS:
        assert_valid(kind, files[f"two.{kind}"])
    cits = parse(files["two.crossref.xml"]).findall(f".//{CR}citation")
    assert [c.get("key") for c in cits] == ["ref-1", "ref-2"]
    refs = parse(files["two.elibrary.xml"]).findall(".//references/reference")
    assert [[(i.get("lang"), i.findtext("text")[:8]) for i in r] for r in refs][0] == [
        ("RUS", "Иванов И"), ("ENG", "Ivanov I")]
    assert len(parse(files["two.jats.xml"]).findall("back/ref-list")) == 2


def test_transliteration_is_recorded_for_the_editor():
    result = indexing_files(second_document(), load_settings(JOURNAL), "second", 0)
    notes = [n for n in result.notes if "Latin script" in n]
    assert len(notes) == 1 and "'Aĭgül Asanova'" in notes[0] and "authors #1.name.en" in notes[0]


# --- hostile text --------------------------------------------------------------------------


def test_hostile_text_stays_literal_in_every_xml_file():
    files = built("hostile")
    for kind in KINDS:
        root = parse(files[kind])
        texts = ["".join(el.itertext()) for el in root.iter()]
        assert any(HOSTILE in t for t in texts), kind
        assert not any(el.tag == "b" for el in root.iter()), kind  # no markup got through
    jats = parse(files["jats.xml"])
    title = jats.findtext("front/article-meta/title-group/article-title")
    assert title.endswith(" " + HOSTILE)
    names = [f"{n.findtext('given-names')} {n.findtext('surname')}" for n in jats.iter("name")]
    assert "Айгүл Асанова " + HOSTILE in names


# --- identifiers, settings, language codes ------------------------------------------------


@pytest.mark.parametrize(("text", "where"), [
    ("year: 2026\njournal:\n  issn: 1694-7569\n", "line 3: journal.issn:"),
    ("authors:\n  - name: A B\n    orcid: 0000-0002-1825-0098\n", "line 3: authors #1.orcid:"),
    ("authors:\n  - name: A B\n    ror: 042nb2s45\n", "line 3: authors #1.ror:"),
    ("year: 2026\ndoi: 11.1234/x\n", "line 2: doi:"),
])
def test_a_bad_identifier_is_one_line_naming_its_line(text, where):
    """ISSN check digit (python-stdnum), ORCID and ROR checksums, DOI form."""
    with pytest.raises(MetaError) as info:
        load_meta(text, "meta.yaml")
    message = info.value.one_line()
    assert where in message and "\n" not in message, message


def test_journal_settings_errors_name_the_line(tmp_path):
    path = tmp_path / "journal.yaml"
    path.write_text("url: https://j.example.kg\ndepositor:\n  name: X\n  email: not-mail\n",
                    encoding="utf-8")
    with pytest.raises(MetaError) as info:
        load_settings(path)
    assert "line 4: depositor.email:" in info.value.one_line()
    path.write_text("article_url: https://j.example.kg/a/\n", encoding="utf-8")
    with pytest.raises(MetaError, match="line 1: article_url: .* has no {id}"):
        load_settings(path)
    assert load_settings(tmp_path / "none.yaml").depositor is None


def test_the_language_table_covers_what_meta_yaml_accepts():
    assert set(LANGUAGES) == KNOWN_LANGS
    doaj_codes = (SCHEMAS / "doaj" / "iso_639-2b.xsd").read_text(encoding="utf-8")
    for lang in LANGUAGES.values():
        assert f'value="{lang.iso639_2b}"' in doaj_codes, lang
        assert lang.elibrary == lang.iso639_2b.upper()
    assert [elibrary_code(c) for c in ("ky", "ru", "en")] == ["KIR", "RUS", "ENG"]


def test_names_are_split_as_editors_write_them():
    assert split_name("Асанова, Айгүл Бекболотовна").surname == "Асанова"
    assert split_name("Асан уулу Бакыт") == PersonName("Бакыт", "Асан уулу", "Асан уулу Бакыт")
    assert split_name("Токтогулов Бакыт Асанович").given == "Бакыт Асанович"
