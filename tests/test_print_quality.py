"""Print and EPUB that a typesetter signs and a library catalogues (issue 19).

Measured on the seed's build (``seed_project``, made once per worker by conftest):
the LuaLaTeX logs, ``pdftotext`` per page, ``pdfinfo -meta``, the EPUB packages, and
PNGs of page 1, a body page and the Kyrgyz EPUB's first chapter, kept under
``build/visual/`` for a person to look at. The rest works on small documents through
the writers alone (no typesetting).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEED_ID

from pipeline.model import Block, Document
from pipeline.writers.editions import make_edition
from pipeline.writers.hyphenate import break_points
from pipeline.writers.latex import render_tex

KEYS = ("full", "ky", "ru", "en")
BLOCK = "%basma-block "
#: Where the PNGs of the visual check stay for a person (build/ is never committed).
VISUAL = ROOT / "build" / "visual"


def _name(key: str, ext: str) -> str:
    return f"{SEED_ID}.{ext}" if key == "full" else f"{SEED_ID}.{key}.{ext}"


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext's form feeds), in layout mode."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _body_lines(page: str) -> list[str]:
    """A page's lines without the foot (folio, and the journal line on page 1)."""
    lines = [ln.rstrip() for ln in page.split("\n") if ln.strip()]
    while lines and (re.fullmatch(r"\s*\d+\s*", lines[-1]) or re.search(r"\s{3,}\d+$",
                                                                          lines[-1])):
        lines.pop()
    return lines


@pytest.fixture(scope="module")
def pdfs(seed_out) -> dict[str, Path]:
    return {k: seed_out / _name(k, "pdf") for k in KEYS}


@pytest.fixture(scope="module")
def texts(pdfs) -> dict[str, list[str]]:
    return {k: _pages(p) for k, p in pdfs.items()}


# --- print: line and page breaking --------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_pages_are_not_stretched_and_nothing_sticks_out(seed_project, key):
    log = next((seed_project / "build" / SEED_ID / f"tex-{key}").glob("*.log"))
    text = log.read_text(encoding="utf-8", errors="replace")
    stretched = [int(b) for b in re.findall(r"Underfull \\vbox \(badness (\d+)", text)]
    assert not [b for b in stretched if b >= 10000], (log.name, stretched)
    assert "Overfull \\" not in text, log.name


@pytest.mark.parametrize("key", KEYS)
def test_no_hyphen_at_a_page_turn(texts, key):
    for number, page in enumerate(texts[key][:-1], 1):  # the last page turns to nothing
        lines = _body_lines(page)
        assert lines and not re.search(r"\w-$", lines[-1]), (key, number, lines[-1:])


@pytest.mark.parametrize("key", KEYS)
def test_at_most_two_hyphenated_lines_in_a_row_and_no_lone_syllable(texts, key):
    for number, page in enumerate(texts[key], 1):
        lines = _body_lines(page)
        run = 0
        for i, line in enumerate(lines):
            run = run + 1 if re.search(r"\w-$", line) else 0
            assert run <= 2, (key, number, lines[i - 2:i + 1])
            # a paragraph's last line holding only the rest of a hyphenated word
            if i and re.search(r"\w-$", lines[i - 1]):
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                ends_paragraph = not nxt or re.match(r"\s{3,}\S", nxt)
                assert not (ends_paragraph and len(line.split()) == 1
                            and len(line.strip()) < 8), (key, number, lines[i - 1:i + 1])


@pytest.mark.parametrize("key", KEYS)
def test_header_fields_hold_together(texts, seed_out, key):
    first = texts[key][0]
    assert "CC BY 4.0" in first, key
    assert "ISSN 1694-7568" in first, key
    tex = (seed_out / _name(key, "tex")).read_text(encoding="utf-8")
    assert r"\mbox{CC BY 4.0}" in tex and r"\mbox{ISSN 1694-7568}" in tex


def test_ties_are_in_the_tex(seed_out):
    tex = (seed_out / f"{SEED_ID}.tex").read_text(encoding="utf-8")
    assert "И.Д.~Фрумин" in tex  # initials with the surname
    assert "~{[}1{]}" in tex  # a citation with its word
    assert "Том~12" in tex  # a label with its number
    assert re.search(r"\bв~\w", tex) and re.search(r"\bи~\w", tex)  # Russian one-letter words
    # one dash style: Kyrgyz and Russian set the spaced em dash, never a spaced en dash
    cyrillic = tex.split(r"\begin{document}")[1].split("Abstract.")[0] + \
        tex.split(BLOCK, 1)[1]
    assert "~— " in cyrillic and not re.search(r"[\s~]–\s", cyrillic)


def test_indent_after_a_list(seed_out):
    """The paragraph after a list is a paragraph of its own: a blank line before it."""
    tex = (seed_out / f"{SEED_ID}.tex").read_text(encoding="utf-8")
    assert tex.count(r"\end{itemize}") >= 1
    assert tex.count(r"\end{itemize}") == tex.count("\\end{itemize}\n\n")


def test_page_range_cite_line_and_licence(texts):
    first = {k: texts[k][0] for k in KEYS}
    assert "Беттер 45–50" in first["full"] and "Б. 45–50" in first["full"]
    assert "Макала CC BY 4.0 лицензиясынын шарттарында таратылат." in first["full"]
    assert "Для цитирования:" in first["ru"]
    assert "Статья распространяется на условиях лицензии CC BY 4.0." in first["ru"]
    assert "For citation:" in first["en"] and "Education and Society, 12(2), 45–50." in \
        " ".join(first["en"].split())
    assert "This article is distributed under the terms of the CC BY 4.0 licence." in \
        " ".join(first["en"].split())


def test_unresolved_citations_are_one_warning_line(seed_out, capsys):
    """What the editions command (and ``build PATH``) prints for the seed: its ten
    citations without a reference list, named in one line."""
    from pipeline.stages import read_model
    from pipeline.writers.editions import warn_unresolved_citations

    path = seed_out / "document.json"
    warn_unresolved_citations(read_model(path, "Document"), path)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: "), lines
    assert "[1], [2]" in lines[0] and "[10]" in lines[0]


# --- print: metadata ---------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_xmp_has_prism_rights_and_whole_description(pdfs, key):
    xmp = subprocess.run(["pdfinfo", "-meta", str(pdfs[key])], capture_output=True,
                         text=True, check=True).stdout
    for field in ("<prism:doi>10.99999/es.2026.12.2.45<", "<prism:issn>1694-7568<",
                  "<prism:volume>12<", "<prism:number>2<", "<prism:startingPage>45<"):
        assert field in xmp, (key, field)
    if key == "full":
        assert "<prism:endingPage>50<" in xmp and "<prism:pageRange>45-50<" in xmp
        titles = re.search(r"<dc:title>(.*?)</dc:title>", xmp, re.S).group(1)
        assert {"ky", "ru", "en"} <= set(re.findall(r'xml:lang="(\w+)"', titles))
    assert re.search(r"<dc:rights>.*CC BY 4\.0", xmp, re.S)
    description = re.search(r"<dc:description>(.*?)</dc:description>", xmp, re.S).group(1)
    assert description.count("<rdf:li") == 1 and ", 2026" in description  # not split at commas
    assert "<dc:source>https://doi.org/10.99999/es.2026.12.2.45<" in xmp  # not the .tex


@pytest.mark.parametrize("key", KEYS)
def test_window_shows_the_title_and_no_empty_outline(pdfs, key):
    pikepdf = pytest.importorskip("pikepdf")
    with pikepdf.open(pdfs[key]) as pdf:
        prefs = pdf.Root.get("/ViewerPreferences", {})
        assert bool(prefs.get("/DisplayDocTitle")), key
        has_outline = "/Outlines" in pdf.Root and "/First" in pdf.Root.Outlines
        mode = str(pdf.Root.get("/PageMode", "/UseNone"))
        assert mode != "/UseOutlines" or has_outline, (key, mode)
        if key in ("ru", "en"):  # no body, no reference list: nothing to list
            assert mode != "/UseOutlines"


# --- writers, on small documents -----------------------------------------------------


def _doc(meta: dict, blocks: list[Block]) -> Document:
    return Document(meta, blocks)


def test_keywords_follow_their_own_abstract():
    blocks = [Block("a1", "abstract", "ky", "Кыргызча аннотация."),
              Block("a2", "abstract", "ru", "Русская аннотация."),
              Block("a3", "abstract", "en", "English abstract."),
              Block("p1", "paragraph", "ky", "Текст.")]
    meta = {"language": "ky", "title": {"ky": "Макала"},
            "keywords": {"ky": "билим; мектеп", "ru": "образование", "en": "education"}}
    tex = render_tex(make_edition(_doc(meta, blocks), "full"))
    order = [tex.index(s) for s in ("Кыргызча аннотация", "билим, мектеп", "Русская аннотация",
                                    "образование", "English abstract", "education")]
    assert order == sorted(order)


def test_bare_article_has_no_empty_header():
    doc = _doc({}, [Block("p1", "paragraph", "en", "Only a paragraph of text here.")])
    tex = render_tex(make_edition(doc, "full"))
    body = tex.split(r"\begin{document}")[1]
    assert r"\parbox[t]{0.6\textwidth}" not in body and r"\rule{\textwidth}{0.6pt}" not in body
    assert r"\renewcommand{\headrulewidth}{0pt}" in tex


def test_english_edition_is_in_latin_script():
    meta = {"language": "ky", "title": {"ky": "Макала", "en": "Article"}, "udc": "37.014",
            "authors": [{"name": "Айгүл Асанова", "orcid": "0000-0002-1825-0097",
                         "email": "a@example.kg"},
                        {"name": {"ky": "Асан Үсөнов", "en": "Asan Usonov"}}]}
    doc = _doc(meta, [Block("p1", "paragraph", "ky", "Текст.")])
    en = render_tex(make_edition(doc, "en"))
    front = en.split(r"\begin{document}")[1]
    assert "UDC~37.014" in front and "УДК" not in front
    assert "Asan Usonov" in front and "Asanova" in front  # romanised (BGN/PCGN)
    assert not re.search(r"[\u0400-\u04ff]", front.split(r"\end{otherlanguage}")[0])
    # the ORCID and e-mail say whose they are
    assert re.search(r"Asanova: ORCID~0000-0002-1825-0097, a@example\.kg", front)
    ky = render_tex(make_edition(doc, "ky"))
    assert "УДК~37.014" in ky and "Айгүл Асанова" in ky


def test_russian_percent_keeps_its_space_in_every_output(tmp_path):
    """Through the cleaner and both writers: "78 %" stays spaced, with the narrow
    no-break space of the Russian convention, and the change is in the audit trail."""
    from pipeline.stages import run_text_stages
    from pipeline.writers.editions import edition_sources

    src = tmp_path / "source.txt"
    src.write_text("Доля выпускников выросла до 78 % в 2020 г., как отмечает И.Д. Фрумин, "
                   "и эта тенденция сохраняется в последние годы.\n", encoding="utf-8")
    doc = run_text_stages(src)
    text = " ".join(b.text for b in doc.blocks)
    assert "78\u202f%" in text and "И.Д.\u00a0Фрумин" in text and "2020\u00a0г." in text
    assert any(c.rule == "tie_no_break_spaces" for c in doc.changes)
    tex, epub = edition_sources(doc)["full"]
    assert r"78\,\%" in tex and r"И.Д.~Фрумин" in tex
    assert "78\u202f%" in json.dumps(epub, ensure_ascii=False)


# --- EPUB ----------------------------------------------------------------------------


def _opf(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read(next(n for n in z.namelist() if n.endswith(".opf"))).decode()


def _xhtml(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}


@pytest.fixture(scope="module")
def epubs(seed_out) -> dict[str, Path]:
    return {k: seed_out / _name(k, "epub") for k in KEYS}


def test_epub_package_metadata(epubs):
    ids = set()
    for epub in epubs.values():
        opf = _opf(epub)
        unique = re.search(r'unique-identifier="([^"]+)"', opf).group(1)
        ids.add(re.search(rf'<dc:identifier id="{unique}">([^<]+)<', opf).group(1))
        assert ">doi:10.99999/es.2026.12.2.45</dc:identifier>" in opf
        # SOURCE_DATE_EPOCH=1767225600 (conftest's make run), not 1970
        assert '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>' in opf
        assert re.search(r'<meta property="belongs-to-collection" id="series">[^<]+</meta>', opf)
        assert 'property="collection-type">series<' in opf
        assert 'property="group-position">12<' in opf
        assert '<itemref idref="nav" linear="no" />' in opf  # the ToC is not read first
        assert 'properties="cover-image"' in opf
        assert "schema:accessibilitySummary" in opf
        assert "EPUB Accessibility 1.1 - WCAG 2.1 Level AA" in opf
    assert len(ids) == 4, ids


def test_epub_reader_facing_text(epubs):
    full = _xhtml(epubs["full"])
    nav = next(v for k, v in full.items() if k.endswith("nav.xhtml"))
    assert "Аннотация (ky)" in nav and "(ru)</a>" in nav and "(en)</a>" in nav
    assert ">Киришүү</a>" in nav and "#introduction" in nav
    for epub in epubs.values():
        text = "".join(_xhtml(epub).values())
        assert "Адабияттар тизмеси булакта жок" not in text and "отсутствует" not in text
        for m in re.finditer(r'<[^>]*epub:type="(bibliography|endnotes)"[^>]*>', text):
            assert f'role="doc-{m.group(1)}"' in m.group(0)
    # a short article is one chapter with its title, not a screen per run-in heading
    chapters = [n for n in full if re.search(r"ch\d+\.xhtml$", n)]
    assert len(chapters) == 1, chapters


def test_epub_css_hyphenation_and_links(epubs):
    with zipfile.ZipFile(epubs["ky"]) as z:
        css = z.read(next(n for n in z.namelist() if n.endswith(".css"))).decode()
    assert re.search(r"p:lang\(ru\)[^{]*\{[^}]*hyphens: auto", css)
    assert re.search(r"p:lang\(ky\)[^{]*\{[^}]*text-align: justify[^}]*hyphens: manual", css)
    link = re.search(r"a, a\.citation \{([^}]*)\}", css).group(1)
    assert "underline" in link
    colour = re.search(r"color: #([0-9a-f]{6})", link).group(1)

    def luminance(hex6: str) -> float:
        c = [int(hex6[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    for background in ("ffffff", "f6f6f3"):  # the page, the abstracts' box
        assert (luminance(background) + 0.05) / (luminance(colour) + 0.05) >= 4.5


def test_kyrgyz_soft_hyphens_only_at_syllabifier_points(epubs):
    text = "".join(_xhtml(epubs["ky"]).values())
    paragraphs = re.findall(r"<p>(.*?)</p>", text, re.S)
    # runs of letters, as the writer finds words (a digit or hyphen ends one: "1969-жы·лы")
    words = {w for p in paragraphs
             for w in re.findall(r"(?:[^\W\d_]|\u00ad)+", re.sub("<[^>]+>", "", p))
             if "\u00ad" in w}
    assert len(words) > 200  # the body's long words
    for word in words:
        plain = word.replace("\u00ad", "")
        pieces = word.split("\u00ad")
        points = [sum(len(x) for x in pieces[:i]) for i in range(1, len(pieces))]
        assert set(points) <= set(break_points(plain)), (word, break_points(plain))


def test_calibre_reads_doi_and_series(epubs):
    """calibre's own reading of the package (the editions share the code that writes
    it, and each ebook-meta run starts calibre: the full edition stands for all)."""
    if not shutil.which("ebook-meta"):
        pytest.skip("calibre's ebook-meta is not installed")
    out = subprocess.run(["ebook-meta", str(epubs["full"])], capture_output=True, text=True,
                         timeout=120).stdout
    assert re.search(r"Identifiers\s*:.*doi:10\.99999/es\.2026\.12\.2\.45", out), out
    assert re.search(r"Series\s*:\s*Билим берүү жана коом #12", out), out


# --- the visual check ----------------------------------------------------------------


def _not_blank(png: Path) -> bool:
    from PIL import Image

    with Image.open(png) as img:
        low, high = img.convert("L").getextrema()
    return high - low > 100


def test_visual_check_pngs(pdfs, epubs, tmp_path):
    """Page 1 and a body page of the journal PDF, and the Kyrgyz EPUB's first chapter
    in Chromium, as PNGs under build/visual/ for a person to look at."""
    VISUAL.mkdir(parents=True, exist_ok=True)
    for page in (1, 3):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page),
                        "-l", str(page), str(pdfs["full"]), str(VISUAL / f"pdf-page{page}")],
                       check=True, timeout=60)
        assert _not_blank(VISUAL / f"pdf-page{page}.png")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Chromium is not installed: the EPUB is not rendered")
    with zipfile.ZipFile(epubs["ky"]) as z:
        z.extractall(tmp_path / "ky")
    chapter = sorted((tmp_path / "ky").rglob("ch001.xhtml"))[0]
    shot = VISUAL / "epub-ky-ch001.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=700,1000", f"--screenshot={shot}",
                    chapter.as_uri()], capture_output=True, check=True, timeout=120)
    assert _not_blank(shot)
