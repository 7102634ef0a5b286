"""The EPUB writer: structure of the AST, validity, languages, safety, reproducibility."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.fileio import atomic_write
from pipeline.model import Block, Document, Span
from pipeline.writers.editions import make_edition, ui_strings
from pipeline.writers.epub import (
    add_xml_lang,
    block_inlines,
    epub_from_source,
    epub_source,
    text_inlines,
    to_pandoc_ast,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = "{http://www.w3.org/1999/xhtml}"

HOSTILE = "<script>alert(1)</script> & \\input{/etc/passwd}"
EN_PHRASE = "lifelong learning"
P1 = f"Билим берүү системасы тез өзгөрүүдө, мисалы {EN_PHRASE} деген түшүнүк [1]."
P2 = "Мектептерде *жылдызча* жана _астын сызуу_ Markdown эмес [2]."
NOTICE_RU = "Полный текст статьи на кыргызском языке."


def make_doc(references: bool = True) -> Document:
    meta = {
        "language": "ky",
        "title": {
            "ky": "Кыргызстандагы заманбап билим берүүнүн тенденциялары",
            "ru": "Тенденции современного образования в Кыргызстане",
            "en": "Trends & Problems of Modern Education in Kyrgyzstan",
        },
        "short_title": {"ky": "Заманбап билим", "ru": "Тенденции", "en": "Trends"},
        "journal": {
            "name": {"ky": "Билим берүү жана коом", "ru": "Образование и общество",
                     "en": "Education and Society"},
            "issn": "1694-7568",
            "publisher": "Басма академиялык басмасы",
        },
        "volume": 12,
        "issue": 2,
        "year": 2026,
        "first_page": 45,
        "doi": "10.99999/es.2026.12.2.45",
        "license": "CC BY 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "authors": [{"name": "Айгүл Асанова", "affiliation": "Кыргыз улуттук университети",
                     "orcid": "0000-0002-1825-0097", "email": "author@example.org"}],
        "received": "2026-01-20",
        "accepted": "2026-03-12",
    }
    i1, i2 = P1.index(EN_PHRASE), P1.index("[1]")
    blocks = [
        Block("a-ky", "abstract", "ky", "Макалада билим берүүнүн тенденциялары каралат."),
        Block("k-ky", "keywords", "ky", "билим берүү, мектеп, реформа"),
        Block("a-ru", "abstract", "ru", "В статье рассматриваются тенденции образования."),
        Block("k-ru", "keywords", "ru", "образование, школа, реформа"),
        Block("a-en", "abstract", "en", "The article considers trends in education."),
        Block("k-en", "keywords", "en", "education, school, reform"),
        Block("h1", "heading", "ky", "Киришүү", level=1, number="1"),
        Block("p1", "paragraph", "ky", P1, spans=[
            Span(i1, i1 + len(EN_PHRASE), lang="en", style="italic"),
            Span(i2, i2 + 3, cite=[1], targets=["r1"]),
        ]),
        Block("l1", "list_item", "ky", "Биринчи, санариптештирүү."),
        Block("l2", "list_item", "ky", "Экинчи, инклюзивдүү билим берүү."),
        Block("h2", "heading", "ky", "Маселенин коюлушу", level=2, run_in=True),
        Block("p2", "paragraph", "ky", P2, spans=[
            Span(P2.index("[2]"), P2.index("[2]") + 3, cite=[2], targets=["r2"]),
        ]),
        Block("p3", "paragraph", "ky", HOSTILE),
        Block("p4", "paragraph", "ru", "Русский абзац\u00a0с неразрывным пробелом."),
        Block("f1", "footnote", "ky", "Шилтеменин тексти."),
    ]
    if references:
        blocks += [
            Block("r1", "reference", "ru", "Иванов И. И. Образование в XXI веке. М., 2020.",
                  number="1"),
            Block("r2", "reference", "en", "Smith J. Education and Society. 2021.",
                  number="2"),
        ]
    return Document(meta, blocks)


def render_epub(ed, out: Path) -> None:
    """As make's epub stage: the JSON source, then pandoc, installed atomically."""
    atomic_write(out, epub_from_source(epub_source(ed)))


def build(tmp_path: Path, key: str, doc: Document | None = None) -> Path:
    out = tmp_path / f"article.{key}.epub"
    render_epub(make_edition(doc or make_doc(), key), out)
    return out


def xhtml_files(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def opf(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read("EPUB/content.opf").decode("utf-8")


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("epub")
    return {key: build(tmp, key) for key in ("full", "ru")}


# --- the AST ------------------------------------------------------------------------


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _stringify(inlines) -> str:
    out = []
    for n in _walk(inlines):
        if n.get("t") == "Str":
            out.append(n["c"])
        elif n.get("t") == "Space":
            out.append(" ")
    return "".join(out)


def test_text_inlines_keeps_nbsp_and_markup_literal():
    assert text_inlines("a\u00a0b  *c*\n<d>") == [
        {"t": "Str", "c": "a\u00a0b"}, {"t": "Space"}, {"t": "Str", "c": "*c*"},
        {"t": "Space"}, {"t": "Str", "c": "<d>"},
    ]


def test_ast_structure():
    ast = to_pandoc_ast(make_edition(make_doc(), "full"))
    api = ast["pandoc-api-version"]
    assert isinstance(api, list) and all(isinstance(n, int) for n in api)
    nodes = list(_walk(ast["blocks"]))
    headers = {_stringify(n["c"][2]): n for n in nodes if n.get("t") == "Header"}
    for lang in ("ky", "ru", "en"):
        assert ui_strings(lang)["abstract"] in headers
    assert ui_strings("ky")["references"] in headers
    assert ui_strings("ky")["footnotes"] in headers
    run_in = headers["Маселенин коюлушу"]
    # a run-in heading is one level below its own (2 → 3): it opens a paragraph
    assert run_in["c"][0] == 3 and "run-in" in run_in["c"][1][1]
    # the abstracts sit in Divs that carry their language
    langs = {dict(n["c"][0][2]).get("lang") for n in nodes
             if n.get("t") == "Div" and "abstract" in n["c"][0][1]}
    assert langs == {"ky", "ru", "en"}
    # the two list items form one list; the references one ordered list of anchors
    assert sum(n.get("t") == "BulletList" for n in nodes) == 1
    (refs,) = [n for n in nodes if n.get("t") == "OrderedList"
               and any(d.get("t") == "Div" and d["c"][0][0] == "r1" for d in _walk(n))]
    assert [item[0]["c"][0][0] for item in refs["c"][1]] == ["r1", "r2"]
    links = [n["c"][2][0] for n in nodes if n.get("t") == "Link"]
    assert "#r1" in links and "#r2" in links
    # Markdown-looking text stays text
    # (a Kyrgyz paragraph's words carry soft hyphens: epub.soft_hyphens)
    assert any(n.get("t") == "Str" and n["c"].replace("\u00ad", "") == "*жылдызча*"
               for n in nodes)
    assert not any(n.get("t") in ("RawInline", "RawBlock") for n in nodes)


def test_spans_become_nested_inlines():
    b = make_doc().blocks[7]
    inl = block_inlines(b, {"r1"})
    (en,) = [n for n in inl if n.get("t") == "Span"]
    assert en["c"][0][2] == [["lang", "en"]]
    assert en["c"][1][0]["t"] == "Emph" and _stringify(en["c"][1]) == EN_PHRASE
    (cite,) = [n for n in inl if n.get("t") == "Link"]
    assert cite["c"][2][0] == "#r1"
    # without a known target a citation stays plain text
    assert not any(n.get("t") == "Link" for n in block_inlines(b, set()))
    # whitespace cut by a span boundary stays one Space
    split = Block("x", "paragraph", "ky", "ab  cd", spans=[Span(0, 3, style="italic")])
    assert _stringify(block_inlines(split)) == "ab cd"


def test_cite_without_targets_is_text_and_no_list_is_invented():
    doc = make_doc(references=False)
    for b in doc.blocks:
        for s in b.spans:
            s.targets = None
    nodes = list(_walk(to_pandoc_ast(make_edition(doc, "full"))["blocks"]))
    assert not any(n.get("t") == "Link" and n["c"][2][0].startswith("#") for n in nodes)
    assert not any(n.get("t") == "OrderedList" and "reference" in str(n) for n in nodes)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \u00a0<&*", min_size=1, max_size=30), st.data())
def test_inlines_keep_all_text(text, data):
    n = len(text)
    spans = []
    for _ in range(data.draw(st.integers(0, 4))):
        a = data.draw(st.integers(0, n - 1))
        z = data.draw(st.integers(a + 1, n))
        spans.append(Span(a, z, lang=data.draw(st.sampled_from([None, "en", "ru"])),
                          style=data.draw(st.sampled_from([None, "italic", "bold"])),
                          cite=[1], targets=["r1"]))
    inl = block_inlines(Block("x", "paragraph", "ky", text, spans=spans), {"r1"})
    assert _stringify(inl) == re.sub(r"[ \t\r\n]+", " ", text)
    # a link is never nested inside a link
    for node in _walk(inl):
        if node.get("t") == "Link":
            assert not any(m.get("t") == "Link" for m in _walk(node["c"][1]))


def test_add_xml_lang():
    src = '<div lang="en"><span lang="ru" xml:lang="ru">x</span><p class="a">y</p><br/></div>'
    assert add_xml_lang(src) == (
        '<div lang="en" xml:lang="en"><span lang="ru" xml:lang="ru">x</span>'
        '<p class="a">y</p><br/></div>'
    )


# --- the EPUB ------------------------------------------------------------------------


def broken_copy(epub: Path, dest: Path) -> Path:
    """``epub`` with an element XHTML does not have in its first chapter."""
    with zipfile.ZipFile(epub) as src, zipfile.ZipFile(dest, "w") as out:
        chapter = next(n for n in src.namelist() if n.endswith(".xhtml") and "nav" not in n)
        for info in src.infolist():
            data = src.read(info)
            if info.filename == chapter:
                data = re.sub(rb"(<body[^>]*>)", rb"\1<blink>x</blink>", data, count=1)
            out.writestr(info, data)
    return dest


def test_epubcheck_clean(books, epubchecker, tmp_path):
    """Both books pass; a broken copy checked in the same JVM fails, and its messages
    are not mixed up with the others'."""
    broken = broken_copy(books["ru"], tmp_path / "broken.epub")
    full, ru, bad = epubchecker.check(books["full"], books["ru"], broken)
    assert full.ok, full.report()
    assert ru.ok, ru.report()
    assert not bad.ok and any("blink" in m for m in bad.errors), bad.report()


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("key", ["full", "ru"])
def test_every_lang_has_matching_xml_lang(books, key):
    seen = 0
    for name, text in xhtml_files(books[key]).items():
        for el in _parse(text).iter():
            if "lang" in el.attrib:
                seen += 1
                assert el.attrib.get(XML_LANG) == el.attrib["lang"], (name, el.tag)
    assert seen > 3


def _languages_of_text(epub: Path) -> list[tuple[str, str]]:
    """(text of every p/li/h element, the language in force there)."""
    out = []
    for text in xhtml_files(epub).values():
        root = _parse(text)
        parent = {c: p for p in root.iter() for c in p}
        for el in root.iter():
            if el.tag.removeprefix(XHTML) not in ("p", "li", "h1", "h2", "h3", "div"):
                continue
            node, lang = el, None
            while node is not None and lang is None:
                lang = node.attrib.get("lang")
                node = parent.get(node)
            # Kyrgyz text carries soft hyphens (epub.soft_hyphens): not part of the words.
            out.append(("".join(el.itertext()).replace("\u00ad", ""), lang))
    return out


def test_block_languages_in_xhtml(books):
    doc = make_doc()
    found = _languages_of_text(books["full"])
    for b in doc.blocks:
        if b.role in ("paragraph", "list_item", "heading", "abstract", "reference",
                      "footnote"):
            probe = " ".join(b.text.split())[:20]
            langs = {lang for text, lang in found if probe in " ".join(text.split())}
            assert b.lang in langs, (b.id, langs)
    # the English phrase inside a Kyrgyz paragraph is marked as English
    full = "".join(xhtml_files(books["full"]).values())
    assert f'<span lang="en" xml:lang="en"><em>{EN_PHRASE}</em></span>' in full


def test_titles_and_labels(books):
    full = "".join(xhtml_files(books["full"]).values())
    for lang in ("ky", "ru", "en"):
        assert make_doc().meta["title"][lang].replace("&", "&amp;") in full
    assert ui_strings("ky")["contents"] in full
    assert "Table of Contents" not in full
    package = opf(books["full"])
    assert re.search(r'<dc:title [^>]*xml:lang="ru"[^>]*>Тенденции современного', package)
    assert "Trends &amp; Problems" in package
    assert "<dc:language>ky</dc:language>" in package
    assert ">doi:10.99999/es.2026.12.2.45</dc:identifier>" in package


def test_single_language_edition_has_notice(books):
    ru = "".join(xhtml_files(books["ru"]).values())
    assert NOTICE_RU in ru
    assert 'href="https://doi.org/10.99999/es.2026.12.2.45"' in ru
    assert P1[:20] not in ru  # no Kyrgyz body
    assert "Иванов И. И." in ru  # the reference list is whole
    assert "<dc:language>ru</dc:language>" in opf(books["ru"])


def test_hostile_text_is_literal(books):
    files = xhtml_files(books["full"])
    raw = "".join(files.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\input{/etc/passwd}" in raw
    assert "<script" not in raw
    texts = ["".join(_parse(t).itertext()) for t in files.values()]
    assert any(HOSTILE in t for t in texts)


def test_accessibility_metadata_is_true(books):
    package = opf(books["full"])
    assert "alternativeText" not in package
    assert '<meta property="schema:accessMode">textual</meta>' in package
    for feature in ("readingOrder", "structuralNavigation", "tableOfContents"):
        assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in package
    assert '<meta property="schema:accessibilityHazard">none</meta>' in package
    assert 'property="schema:accessibilitySummary" xml:lang="en"' in package


def test_container_layout(books):
    with zipfile.ZipFile(books["full"]) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos[1:])
        names = [i.filename for i in infos[1:]]
        assert names == sorted(names)
        # without SOURCE_DATE_EPOCH, every entry has the article's date (accepted: 2026-03-12)
        assert {i.date_time for i in infos} == {(2026, 3, 12, 0, 0, 0)}
    assert books["full"].read_bytes()[30:38] == b"mimetype"


def test_reproducible_across_directories(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = build(tmp_path / "one" / "deep", "full")
    b = build(tmp_path / "two", "full")
    assert a.read_bytes() == b.read_bytes()


def test_source_date_epoch_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    out = build(tmp_path, "en")
    with zipfile.ZipFile(out) as z:
        assert z.infolist()[0].date_time == (2026, 1, 1, 0, 0, 0)
    assert "2026-01-01T00:00:00Z" in opf(out)


def test_render_is_atomic(tmp_path):
    out = tmp_path / "article.full.epub"
    out.write_bytes(b"old")
    render_epub(make_edition(make_doc(), "full"), out)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
