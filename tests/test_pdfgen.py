"""Tests of the fixture generator itself (tests/pdfgen.py).

The extraction tests trust these PDFs and their ``Expected`` text, so here the
generator is checked against what pdfplumber actually reads from its output.
"""

from __future__ import annotations

import random
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pdfgen import (
    BODY_FONT,
    FIRST_PAGE,
    LAYOUTS,
    NOTE_RULE_W,
    PAGE_H,
    PAGE_W,
    REGULAR,
    RUNNING_HEAD,
    SEED_CLEAN,
    Measure,
    _text_width,
    _tokens,
    break_lines,
    break_tounicode,
    encrypted,
    hyphenation_points,
    image_only,
    levenshtein,
    make_pdf,
    not_a_pdf_png,
    register_fonts,
    sample_blocks,
    seed_blocks,
    truncated,
    word_accuracy,
    zero_page_pdf,
)
from PIL import Image

FONT_SIZE = 10.5
VARIANTS = LAYOUTS
ARTICLES = {"seed": seed_blocks, "sample": sample_blocks}
CASES = [(a, v) for a in ARTICLES for v in VARIANTS]
KY_LEGACY = {"ү": "ҥ", "Ү": "Ҥ"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every article in every layout: {(article, variant): (path, expected)}."""
    out = {}
    folder = tmp_path_factory.mktemp("pdfgen")
    for article, variant in CASES:
        path = folder / f"{article}-{variant}.pdf"
        expected = make_pdf(path, ARTICLES[article](), running_head=RUNNING_HEAD,
                            first_page=FIRST_PAGE, **VARIANTS[variant])
        out[article, variant] = (path, expected)
    return out


@pytest.fixture(scope="module")
def sample_pdf(built):
    return built["sample", "one"]


def _rows(page, size=FONT_SIZE):
    """Chars of one size grouped by baseline, left to right (both columns together)."""
    rows = defaultdict(list)
    for c in page.chars:
        if abs(c["size"] - size) < 0.01:
            rows[round(c["bottom"], 1)].append(c)
    return [sorted(chars, key=lambda c: c["x0"]) for _, chars in sorted(rows.items())]


def _body_text(page) -> str:
    """The page's text, words split by geometry; without running head, page number,
    footnotes and footnote markers (all smaller than the abstracts' 9.5 pt)."""
    body = page.crop((0, 50, page.width, page.height - 50))
    body = body.filter(lambda obj: obj.get("object_type") != "char" or obj["size"] >= 9)
    return body.extract_text(x_tolerance=1) or ""


def _without_notes(expected) -> str:
    return "\n".join(text for role, text in expected.blocks if role != "footnote")


def _dehyphenate(text: str, vocabulary: set[str]) -> str:
    """Join words broken at line ends: keep the hyphen only where the word has one."""
    lines = [line.split() for line in text.split("\n")]
    for line, following in zip(lines, lines[1:], strict=False):
        if line and following and line[-1].endswith("-") and len(line[-1]) > 1:
            head, tail = line.pop(), following.pop(0)
            compound = _tokens(head + tail)
            whole = head + tail if compound and compound[0] in vocabulary else head[:-1] + tail
            following.insert(0, whole)
    return "\n".join(" ".join(line) for line in lines)


# --- the PDFs open, with the pages and furniture expected --------------------


@pytest.mark.parametrize(("article", "variant"), CASES)
def test_pages_running_heads_numbers_and_no_spaces(built, article, variant):
    path, expected = built[article, variant]
    assert expected.running_head == RUNNING_HEAD
    assert expected.first_page == FIRST_PAGE
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == expected.page_count >= 2
        for i, page in enumerate(pdf.pages):
            head = page.crop((0, 0, page.width, 50)).extract_text(x_tolerance=1)
            foot = page.crop((0, page.height - 45, page.width, page.height)).extract_text()
            assert head == ("" if i == 0 else RUNNING_HEAD)
            assert foot == str(FIRST_PAGE + i)
            # Word gaps are geometry only: not a single space glyph is drawn.
            assert not [c for c in page.chars if c["text"].isspace()]


def test_no_page_numbers(tmp_path):
    path = tmp_path / "n.pdf"
    make_pdf(path, sample_blocks(), page_numbers=False)
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            assert not page.crop((0, page.height - 45, page.width, page.height)).chars


@pytest.mark.parametrize("article", list(ARTICLES))
def test_a_paragraph_runs_across_a_page_break(built, article):
    for variant in VARIANTS:
        _, expected = built[article, variant]
        split = expected.split_blocks()
        assert any(expected.blocks[i][0] == "paragraph" for i in split), variant


# --- the text layer says what Expected says ----------------------------------


@pytest.mark.parametrize("article", list(ARTICLES))
def test_one_column_text_matches_expected(built, article):
    path, expected = built[article, "one"]
    with pdfplumber.open(path) as pdf:
        got = "\n".join(_body_text(p) for p in pdf.pages)
    # What differs: the three abstract labels.
    assert word_accuracy(_without_notes(expected), got) > 0.99


@pytest.mark.parametrize("article", list(ARTICLES))
def test_hyphenated_text_matches_expected_once_joined(built, article):
    path, expected = built[article, "one-hyph"]
    assert expected.hyphenated
    vocabulary = set(_tokens(expected.text))
    with pdfplumber.open(path) as pdf:
        got = "\n".join(_body_text(p) for p in pdf.pages)
    ends = sum(line.endswith("-") for line in got.split("\n"))
    assert ends == len(expected.hyphenated) > 5
    text = _without_notes(expected)
    assert word_accuracy(text, got) < 0.98  # broken words really are broken
    assert word_accuracy(text, _dehyphenate(got, vocabulary)) > 0.99


@pytest.mark.parametrize(("article", "variant"), [c for c in CASES if "hyph" not in c[1]])
def test_every_expected_word_is_on_a_page(built, article, variant):
    """Order aside (columns), the words printed are the words expected."""
    path, expected = built[article, variant]
    with pdfplumber.open(path) as pdf:
        printed = Counter()
        for page in pdf.pages:
            printed.update(_tokens(" ".join(w["text"] for w in page.extract_words(x_tolerance=1))))
    wanted = Counter(_tokens(expected.text))
    missing = wanted - printed
    # Only words carrying a footnote marker may differ.
    assert sum(missing.values()) <= sum(r == "footnote" for r, _ in expected.blocks)


def test_expected_conventions(sample_pdf):
    _, expected = sample_pdf
    roles = [r for r, _ in expected.blocks]
    assert Counter(roles) == {"title": 1, "abstract": 3, "heading": 2, "paragraph": 8,
                              "list_item": 3, "footnote": 1}
    abstracts = [t for r, t in expected.blocks if r == "abstract"]
    assert abstracts[0].startswith("Билим берүү системасында")
    assert abstracts[2].startswith("It is impossible")
    i = roles.index("heading")
    assert expected.blocks[i] == ("heading", "Билим берүүнү гумандаштыруу")
    assert expected.blocks[i + 1][1].startswith("Гуманизация жеке")
    note = roles.index("footnote")
    assert expected.blocks[note][1].startswith("Bell D.")
    assert expected.blocks[note - 1][1].endswith("чагылдырылган.")
    assert "үй-бүлөнүн" in expected.text.split()


def test_keywords_lose_their_label(tmp_path):
    blocks = [("title", "Аталышы"), ("keywords", "Урунттуу сөздөр: билим, коом."),
              ("paragraph", "Текст.")]
    expected = make_pdf(tmp_path / "k.pdf", blocks)
    assert expected.blocks[1] == ("keywords", "билим, коом.")


@pytest.mark.parametrize("blocks", [
    [("footnote", "A note with nothing before it.")],
    [("heading", "H"), ("footnote", "A note after a heading.")],
    [("runin", "Run-in."), ("heading", "not a paragraph")],
    [("paragraph", "p"), ("title", "a title after the body")],
    [("figure", "unknown role")],
])
def test_bad_blocks_are_refused(tmp_path, blocks):
    with pytest.raises(ValueError):
        make_pdf(tmp_path / "bad.pdf", blocks)


# --- layout details the extractor has to cope with --------------------------


def test_tight_word_gaps(built):
    """Word gaps are inferred from geometry; some are far under 3 pt (pdfplumber's default)."""
    path, _ = built["seed", "one"]
    gaps = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for row in _rows(page):
                for a, b in zip(row, row[1:], strict=False):
                    if b["x0"] - a["x1"] > 0.01:
                        gaps.append((b["x0"] - a["x1"]) / FONT_SIZE)
                    else:  # inside a word glyphs touch exactly: no kerning
                        assert b["x0"] - a["x1"] > -0.01
    assert min(gaps) >= 0.15
    tight = [g for g in gaps if g <= 0.25]
    assert len(tight) > 50
    assert min(gaps) * FONT_SIZE < 3.0


def test_ragged_right_uses_natural_gaps(tmp_path):
    path = tmp_path / "ragged.pdf"
    make_pdf(path, sample_blocks(), justify=False, font_size=12, line_spacing=1.5)
    with pdfplumber.open(path) as pdf:
        rows = [r for p in pdf.pages for r in _rows(p, size=12) if r[0]["text"] != "–"]
    gaps = {round(b["x0"] - a["x1"], 2) for r in rows for a, b in zip(r, r[1:], strict=False)
            if b["x0"] - a["x1"] > 0.01}
    space = _text_width(" ", REGULAR, 12)
    assert gaps and all(g == pytest.approx(space, abs=0.02) for g in gaps)


def test_two_columns_leave_the_gap_empty(built):
    path, _ = built["seed", "two"]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1].crop((0, 50, PAGE_W, PAGE_H - 50))  # the centred head and folio
        middle = page.width / 2
        assert not [c for c in page.chars if c["x0"] < middle + 5 and c["x1"] > middle - 5]
        assert any(c["x1"] < middle for c in page.chars)
        assert any(c["x0"] > middle for c in page.chars)


def test_runin_heading_is_bold_on_the_paragraph_line(sample_pdf):
    path, _ = sample_pdf
    with pdfplumber.open(path) as pdf:
        rows = [r for p in pdf.pages for r in _rows(p)]
    line = next(r for r in rows if "Гуманизация" in "".join(c["text"] for c in r))
    bold = "".join(c["text"] for c in line if c["fontname"].endswith("PTSerif-Bold"))
    assert bold == "Билимберүүнүгумандаштыруу."
    assert line[0]["x0"] > 56.7 + FONT_SIZE  # first-line indent


def test_footnote_sits_at_the_foot_of_its_page(sample_pdf):
    path, expected = sample_pdf
    note = [r for r, _ in expected.blocks].index("footnote")
    (page_no,) = expected.block_pages[note]
    assert expected.block_pages[note - 1][-1] == page_no  # same page as the marker
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        small = [c for c in page.chars if abs(c["size"] - (FONT_SIZE - 2)) < 0.01]
        body = [c for c in page.chars if abs(c["size"] - FONT_SIZE) < 0.01]
        markers = [c for c in page.chars if c["text"] == "1" and c["size"] < 7]
        assert "".join(c["text"] for c in small).startswith("BellD.")
        assert min(c["top"] for c in small) > max(c["bottom"] for c in body)
        (rule,) = page.lines  # the short rule above the note
        assert rule["x1"] - rule["x0"] == pytest.approx(NOTE_RULE_W)
        assert max(c["bottom"] for c in body) < rule["top"] < min(c["top"] for c in small)
        assert len({round(c["top"]) for c in markers}) == 2  # in the text and the note


def test_compound_breaks_at_its_own_hyphen():
    register_fonts()
    size = 10.0
    first = _text_width("билим", REGULAR, size) + 0.16 * size + _text_width("үй-", REGULAR, size)
    m = Measure(first + 0.5, hyphenate=True, natural_gap=2.4, min_gap=1.6)
    words = [((w, _style(size)),) for w in ("билим", "үй-бүлө", "жана")]
    lines = break_lines(words, m)
    texts = [[_join(w) for _, w in items] for items, _ in lines]
    assert texts[0] == ["билим", "үй-"]
    assert texts[1][0] == "бүлө"
    assert lines[0][1] == "үй-бүлө"


def test_syllable_break_adds_a_hyphen():
    register_fonts()
    size = 10.0
    width = _text_width("билим", REGULAR, size) + 1.6 + _text_width("бе-", REGULAR, size) + 1
    m = Measure(width, hyphenate=True, natural_gap=2.4, min_gap=1.6)
    words = [((w, _style(size)),) for w in ("билим", "берүүнүн")]
    texts = [[_join(w) for _, w in items] for items, _ in break_lines(words, m)]
    assert texts == [["билим", "бе-"], ["рүүнүн"]]


def _style(size):
    from pdfgen import Style

    return Style(REGULAR, size)


def _join(word):
    return "".join(t for t, _ in word)


HYPHENATION_LIST = Path(__file__).resolve().parent / "data" / "hyphenation_ky.txt"


@pytest.mark.skipif(not HYPHENATION_LIST.exists(), reason="no hand-made hyphenation list")
def test_hyphenation_points_are_all_allowed_by_the_hand_made_list():
    """Our simple rule may miss breaks, but every break it makes must be right."""
    checked = 0
    for raw in HYPHENATION_LIST.read_text(encoding="utf-8").splitlines():
        entry = raw.split("#")[0].strip()
        if not entry:
            continue
        word, allowed = "", set()
        for ch in entry:
            if ch == "-":
                allowed.add(len(word))
            elif ch == "=":  # a compound's own hyphen: break after it
                word += "-"
                allowed.add(len(word))
            else:
                word += ch
        assert set(hyphenation_points(word)) <= allowed, (entry, hyphenation_points(word))
        checked += 1
    assert checked > 100


@pytest.mark.parametrize(("word", "pieces"), [
    ("берүү", ["бе", "рүү"]),
    ("окуучулар", ["окуу", "чу", "лар"]),
    ("страна", ["стра", "на"]),
    ("education", ["edu", "ca", "tion"]),
    ("ЮНЕСКО", ["ЮНЕСКО"]),
    ("1973-жылы", ["1973-", "жы", "лы"]),
])
def test_hyphenation_points(word, pieces):
    cuts = [0, *hyphenation_points(word), len(word)]
    assert [word[a:b] for a, b in zip(cuts, cuts[1:], strict=False)] == pieces


# --- the article -------------------------------------------------------------


def test_sample_blocks_shape():
    roles = Counter(r for r, _ in sample_blocks())
    assert roles == {"title": 1, "abstract": 3, "runin": 2, "paragraph": 8,
                     "list_item": 3, "footnote": 1}


@pytest.mark.skipif(not SEED_CLEAN.exists(), reason="seed_clean.txt not written yet")
def test_seed_blocks_from_the_clean_seed():
    blocks = seed_blocks()
    abstracts = [t for r, t in blocks if r == "abstract"]
    assert [a.split(":")[0] for a in abstracts] == ["Аннотация", "Аннотация", "Annotation"]
    for (role, text), (next_role, _) in zip(blocks, blocks[1:], strict=False):
        if role == "runin":
            assert text.endswith(".") and next_role == "paragraph"
        assert not (role == "heading" and next_role == "paragraph")
    assert blocks[0][0] == "title"


# --- damaged variants ---------------------------------------------------------


def _chars_by_weight(path):
    with pdfplumber.open(path) as pdf:
        chars = [c for p in pdf.pages for c in p.chars]
    regular = "".join(c["text"] for c in chars if "Regular" in c["fontname"])
    bold = "".join(c["text"] for c in chars if "Bold" in c["fontname"])
    return regular, bold


def _render(path, page=1, dpi=40):
    out = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                          str(path)], check=True, capture_output=True)
    return out.stdout


def test_broken_tounicode_turns_u_into_legacy_ng(sample_pdf, tmp_path):
    path, _ = sample_pdf
    bad = tmp_path / "legacy.pdf"
    break_tounicode(path, bad, BODY_FONT, KY_LEGACY)
    regular, bold = _chars_by_weight(bad)
    assert "ҥ" in regular and "ү" not in regular and "Ү" not in regular
    assert "ү" in bold and "ҥ" not in bold  # bold runs (title, run-in headings) stay right
    with pdfplumber.open(bad) as pdf:
        assert "Билим берҥҥ" in pdf.pages[0].extract_text(x_tolerance=1)
    assert _render(bad) == _render(path)  # the glyphs drawn are unchanged


def test_broken_tounicode_other_legacy_mapping(sample_pdf, tmp_path):
    path, _ = sample_pdf
    bad = tmp_path / "legacy2.pdf"
    mapping = {"ө": "є", "ү": "ї", "ң": "ў"}
    break_tounicode(path, bad, BODY_FONT, mapping)
    regular, _ = _chars_by_weight(bad)
    good, _ = _chars_by_weight(path)
    assert not set(regular) & set(mapping)
    assert regular == good.translate(str.maketrans(mapping))


def test_broken_tounicode_needs_a_matching_font(sample_pdf, tmp_path):
    with pytest.raises(ValueError, match="no font matches"):
        break_tounicode(sample_pdf[0], tmp_path / "x.pdf", "Helvetica-Nope", KY_LEGACY)


def test_image_only_has_no_text_layer(sample_pdf, tmp_path):
    path, expected = sample_pdf
    scan = tmp_path / "scan.pdf"
    image_only(path, scan, dpi=100)
    with pdfplumber.open(scan) as pdf, pdfplumber.open(path) as orig:
        assert len(pdf.pages) == expected.page_count
        for page, src in zip(pdf.pages, orig.pages, strict=True):
            assert not page.chars
            assert (page.width, page.height) == (src.width, src.height)
            (image,) = page.images
            assert image["srcsize"][0] == pytest.approx(page.width / 72 * 100, abs=1)


def test_encrypted_needs_the_password(sample_pdf, tmp_path):
    path, expected = sample_pdf
    locked = tmp_path / "locked.pdf"
    encrypted(path, locked, password="secret")
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(locked)
    with pytest.raises(Exception):  # noqa: B017 - pdfplumber wraps pdfminer's error
        with pdfplumber.open(locked) as pdf:
            pdf.pages[0].extract_text()
    with pdfplumber.open(locked, password="secret") as pdf:
        assert len(pdf.pages) == expected.page_count
        assert "Билим берүү" in pdf.pages[0].extract_text(x_tolerance=1)


def test_truncated_is_half_a_pdf(sample_pdf, tmp_path):
    path, _ = sample_pdf
    cut = tmp_path / "cut.pdf"
    truncated(path, cut)
    data = cut.read_bytes()
    assert data.startswith(b"%PDF") and len(data) == path.stat().st_size // 2
    assert b"%%EOF" not in data


def test_png_named_pdf(tmp_path):
    fake = tmp_path / "scan.pdf"
    not_a_pdf_png(fake)
    with Image.open(fake) as image:
        image.load()
        assert (image.format, image.size, image.mode) == ("PNG", (32, 16), "L")
    with pytest.raises(Exception):  # noqa: B017 - whatever pdfplumber raises, it must raise
        with pdfplumber.open(fake) as pdf:
            _ = pdf.pages


def test_zero_page_pdf(tmp_path):
    empty = tmp_path / "empty.pdf"
    zero_page_pdf(empty)
    with pikepdf.open(empty) as pdf:
        assert len(pdf.pages) == 0
    with pdfplumber.open(empty) as pdf:
        assert pdf.pages == []


def test_everything_is_byte_reproducible(tmp_path):
    def build(folder: Path) -> dict[str, bytes]:
        folder.mkdir()
        main = folder / "a.pdf"
        make_pdf(main, sample_blocks(), columns=2, hyphenate=True, running_head=RUNNING_HEAD)
        break_tounicode(main, folder / "b.pdf", BODY_FONT, KY_LEGACY)
        image_only(main, folder / "c.pdf", dpi=30)
        encrypted(main, folder / "d.pdf")
        truncated(main, folder / "e.pdf")
        not_a_pdf_png(folder / "f.pdf")
        zero_page_pdf(folder / "g.pdf")
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}

    first, second = build(tmp_path / "1"), build(tmp_path / "2")
    assert first.keys() == second.keys() and len(first) == 7
    for name in first:
        assert first[name] == second[name], name


# --- word_accuracy ---------------------------------------------------------------


def _reference_levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def test_levenshtein_agrees_with_the_textbook_dp():
    rng = random.Random(7)
    for _ in range(200):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 50))]
        b = [rng.choice("abcde") for _ in range(rng.randint(0, 50))]
        assert levenshtein(a, b) == _reference_levenshtein(a, b), (a, b)


def test_word_accuracy_examples():
    assert word_accuracy("a b c d", "a b c d") == 1.0
    assert word_accuracy("«Билим» берүү, жана", "Билим берүү жана") == 1.0
    assert word_accuracy("a b c d", "a c d") == 0.75
    assert word_accuracy("a b", "x y z w v") == 0.0  # clamped
    assert word_accuracy("", "") == 1.0 and word_accuracy("– .", "") == 1.0
    assert word_accuracy("", "a") == 0.0


def test_word_accuracy_is_fast_on_a_whole_article():
    rng = random.Random(1)
    words = [f"w{rng.randrange(2000)}" for _ in range(6000)]
    noisy = [w if rng.random() > 0.05 else "x" for w in words]
    start = time.perf_counter()
    accuracy = word_accuracy(" ".join(words), " ".join(noisy))
    assert time.perf_counter() - start < 3.0
    assert 0.93 < accuracy < 0.97
