"""References, front matter and notes on generated PDFs and on the real corpus.

The fixture PDFs (tests/pdfgen.py) print what journals print: wrapped numbered
entries with a hanging indent, two lists in a row (Список литературы, then the
transliterated References), an unnumbered author–year list, authors with
affiliations, ORCIDs and e-mails, a heading as the last line of a page, and a
two-column page with a note under each column. The text stages run on each;
every block the page shows must come back with its role and text.

The corpus checks read ../shared/corpus/pdf/ (never copied here) and skip when
it is absent; each file is extracted once per session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfgen
import pytest

from pipeline.segment.references import looks_like_entry
from pipeline.stages import run_text_stages

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("structure")
    out = {}
    for name in ("double_references_pdf", "author_year_pdf", "two_column_notes_pdf"):
        path = folder / f"{name}.pdf"
        expected = getattr(pdfgen, name)(path)
        out[name] = (expected, run_text_stages(path, upto="tag"))
    return out


@pytest.mark.parametrize("name", ["double_references_pdf", "author_year_pdf",
                                  "two_column_notes_pdf"])
def test_every_block_gets_its_role(fixtures, name):
    expected, doc = fixtures[name]
    got = sorted((b.role, _norm(b.text)) for b in doc.blocks)
    assert got == sorted((role, _norm(text)) for role, text in expected)


def test_double_list_both_kept_and_linked(fixtures):
    _, doc = fixtures["double_references_pdf"]
    headings = doc.by_role("references_heading")
    assert [(b.text, b.ref_list) for b in headings] == [("Список литературы", 1),
                                                        ("References", 2)]
    refs = doc.by_role("reference")
    assert [(b.id, b.number, b.ref_list) for b in refs] == [
        ("ref-1", "1", 1), ("ref-2", "2", 1), ("ref-3", "3", 1),
        ("ref2-1", "1", 2), ("ref2-2", "2", 2), ("ref2-3", "3", 2)]
    assert [b.lang for b in refs[3:]] == ["en", "en", "en"]
    cites = {b.text[s.start:s.end]: (s.cite, s.targets) for b in doc.blocks for s in b.spans
             if s.cite is not None}
    assert cites["[1]"] == ([1], ["ref-1", "ref2-1"])
    assert cites["[2, 3]"] == ([2, 3], ["ref-2", "ref2-2", "ref-3", "ref2-3"])
    assert cites["[3, с. 15]"] == ([3], ["ref-3", "ref2-3"])
    assert cites["[1–3]"][0] == [1, 2, 3]
    assert cites["(Иванов, 2019)"][1] == ["ref-2"]  # the Russian entry names Иванов
    assert set(cites["(Smith, 2018)"][1]) == {"ref-3", "ref2-3"}
    assert not doc.problems


def test_front_matter_reaches_meta(fixtures):
    _, doc = fixtures["double_references_pdf"]
    assert doc.meta["authors"] == [
        {"name": "Асанов А.А.", "affiliation": "Кыргызский национальный университет, Бишкек, "
         "Кыргызстан", "email": "asanov@knu.kg", "orcid": "0000-0002-1825-0097"},
        {"name": "Петрова Б.В.", "affiliation": "Кыргызско-Российский Славянский университет, "
         "Бишкек, Кыргызстан", "email": "petrova@krsu.kg", "orcid": "0000-0001-5109-3700"},
    ]
    assert [b.text for b in doc.by_role("title")] == ["Цифровое образование в школах Кыргызстана"]


def test_heading_at_the_foot_of_a_page_stands_alone(fixtures):
    _, doc = fixtures["double_references_pdf"]
    heading = next(b for b in doc.blocks if b.text == "Методы исследования")
    assert (heading.role, heading.number, heading.page) == ("heading", "2", 1)
    after = doc.blocks[doc.blocks.index(heading) + 1]
    assert after.role == "paragraph" and after.text.startswith("Учителя заполнили")


def test_author_year_list_and_citations(fixtures):
    _, doc = fixtures["author_year_pdf"]
    refs = doc.by_role("reference")
    assert [b.text.split(",")[0] for b in refs] == ["Brown", "Jones", "Smith"]
    assert all(b.number is None for b in refs)
    spans = [(b.text[s.start:s.end], s.targets) for b in doc.blocks for s in b.spans if s.cite]
    assert spans == [("(Smith et al., 2010)", ["ref-3"]),
                     ("(Brown and Lee, 2011; Jones, 2015)", ["ref-1", "ref-2"]),
                     ("Jones (2015)", ["ref-2"])]
    assert not doc.problems


def test_notes_under_two_columns_stay_notes(fixtures):
    _, doc = fixtures["two_column_notes_pdf"]
    body = doc.by_role("paragraph")
    assert len(body) == 1 and "билим" in body[0].text and "би-" not in body[0].text
    assert not any("Мугалимдер арасында" in b.text for b in body)


# --- the real corpus -----------------------------------------------------------------

_docs: dict[str, object] = {}


def corpus_doc(name: str):
    """The tagged document of a corpus PDF, extracted once per session."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpus is not here)")
    if name not in _docs:
        _docs[name] = run_text_stages(path, upto="tag")
    return _docs[name]


def test_bakhteev_both_lists_and_every_citation_resolves():
    doc = corpus_doc("phd_Bakhteev2015TheanoAWS.pdf")
    headings = [b.text for b in doc.by_role("references_heading")]
    assert headings == ["Список литературы", "References"]
    refs = doc.by_role("reference")
    for k in (1, 2):
        assert [b.number for b in refs if b.ref_list == k] == [str(n) for n in range(1, 37)]
    cites = [s for b in doc.blocks for s in b.spans if s.cite]
    assert len(cites) >= 30
    assert all(s.targets and len(s.targets) == 2 * len(s.cite) for s in cites)
    assert not [p for p in doc.problems if "citation" in p]
    assert len(doc.by_role("author")) == 3 and len(doc.meta["authors"]) == 3
    # The affiliations are set as notes to the names: they are affiliations, and
    # each author gets one and an e-mail.
    assert len(doc.by_role("affiliation")) == 3
    assert all(a.get("affiliation") and a.get("email") for a in doc.meta["authors"])
    assert not any(re.search(r"@(phystech\.edu|ccas\.ru)", b.text)
                   for b in doc.by_role("paragraph"))


def test_iop_contents_page_is_not_the_reference_list():
    doc = corpus_doc("grobid_0807.3577.pdf")
    first_list = next(i for i, b in enumerate(doc.blocks) if b.role == "references_heading")
    assert doc.blocks[first_list].page == 14
    refs = doc.by_role("reference")
    assert len(refs) >= 30
    assert all(looks_like_entry(b.text) for b in refs)
    body = [b for b in doc.blocks[:first_list] if b.role == "reference"]
    assert not body


def test_ieee_roman_headings_and_whole_entries():
    doc = corpus_doc("grobid_test_Grobid_2_05982691.pdf")
    numbered = [(b.number, b.text) for b in doc.by_role("heading") if b.level == 1]
    assert numbered == [("I", "INTRODUCTION"), ("II", "RELATED WORK"),
                        ("III", "NETWORK SETUP"), ("IV", "PROTOCOL OPERATION"),
                        ("V", "SIMULATION RESULTS"), ("VI", "CONCLUSION")]
    refs = doc.by_role("reference")
    assert [b.number for b in refs] == [str(n) for n in range(1, 15)]
    assert all(re.search(r"\b(19|20)\d\d\b|http", b.text) for b in refs)
    assert [b.role for b in doc.blocks[:3]] == ["title", "author", "affiliation"]
