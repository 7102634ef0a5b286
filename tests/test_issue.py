"""Journal issues (issue 18): journal.yaml, continuous pages, the issue PDF and files.

One issue of three articles (copies of the seed under other ids and titles, made
here in a scratch project) under two sections, built once for the module with only
the journal edition (``KEYS=full``: the issue needs no other) and only what the
issue needs (``make build-issue-<key>``: no report, no article EPUB). Then two edits,
each proved by timestamps: a paragraph that costs article 1 a page re-typesets
articles 2 and 3; a correction that keeps its page count re-typesets article 1 only.

The checks (a DOI twice, a page gap or overlap, an article in two issues or missing
from input/) need no typesetting and have a test each.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import SEED_ID, copy_project, run_make

from pipeline.errors import MetaError
from pipeline.issue.commands import main as issue_main
from pipeline.issue.commands import make_rules
from pipeline.issue.pages import (
    IssueError,
    PageRange,
    article_pages,
    check_continuity,
    next_first_page,
    plan,
)
from pipeline.issue.settings import Issue, load_journal
from pipeline.writers.indexing.validate import errors as schema_errors
from pipeline.writers.indexing.validate import schema_folder

ARTICLES = ("issue-art-1", "issue-art-2", "issue-art-3")
#: The seed's lines the copies keep: up to "… бир тарабы болуп саналат." (a sentence's end).
SEED_LINES = 288
KEY = "7-3"
TITLES = {
    "issue-art-1": ("Биринчи макала", "Первая статья", "The First Article"),
    "issue-art-2": ("Экинчи макала", "Вторая статья", "The Second Article"),
    "issue-art-3": ("Үчүнчү макала", "Третья статья", "The Third Article"),
}

JOURNAL = """\
journal:
  name: {ky: Билим берүү жана коом, ru: Образование и общество, en: Education and Society}
  issn: 1694-7568
  publisher: Басма академиялык басмасы
license: CC BY 4.0
license_url: https://creativecommons.org/licenses/by/4.0/
doi_prefix: "10.99999"
sections:
  research: {ky: Илимий макалалар, ru: Научные статьи, en: Research articles}
  reviews: {ky: Сын-пикирлер, ru: Рецензии, en: Reviews}
odd_pages: true
issues:
  - volume: 7
    number: 3
    year: 2026
    sections:
      - section: research
        articles: [issue-art-1, issue-art-2]
      - section: reviews
        articles: [issue-art-3]
url: https://journal.example.kg
depositor: {name: Басма, email: crossref@journal.example.kg}
"""


def _meta(article: str) -> str:
    ky, ru, en = TITLES[article]
    n = ARTICLES.index(article) + 1
    return (f"language: ky\ntitle:\n  ky: {ky}\n  ru: {ru}\n  en: {en}\n"
            f"doi: 10.99999/es.2026.7.3.{n}\n")


def _make(project: Path) -> subprocess.CompletedProcess:
    proc = run_make(project, f"build-issue-{KEY}", "KEYS=full")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _text(pdf: Path, first: int = 1, last: int | None = None) -> str:
    cmd = ["pdftotext", "-layout", "-f", str(first)] + (["-l", str(last)] if last else [])
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pages(project: Path, article: str) -> dict:
    return json.loads((project / "build" / article / "pages.json").read_text())


def _meta_of(project: Path, article: str) -> dict:
    doc = project / "build" / article / "out" / "document.json"
    return json.loads(doc.read_text(encoding="utf-8"))["meta"]


def _mtimes(project: Path) -> dict[str, int]:
    out = {}
    for a in ARTICLES:
        base = project / "build" / a
        out[f"{a}.pdf"] = (base / "out" / f"{a}.pdf").stat().st_mtime_ns
        out[f"{a}.document"] = (base / "out" / "document.json").stat().st_mtime_ns
        out[f"{a}.journal"] = (base / "journal.json").stat().st_mtime_ns
    out["issue.pdf"] = (project / "output" / f"issue-{KEY}" / "issue.pdf").stat().st_mtime_ns
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The issue's scratch project, built once (the module's tests read it in order)."""
    root = copy_project(tmp_path_factory.mktemp("issue"), (SEED_ID,))
    # The seed's first half (its front matter and three sections): 3-page articles, so
    # the odd-page rule puts blank pages between them, and cheaper text stages (a
    # LuaLaTeX pass costs the same ~4 s of CPU either way: fonts and languages).
    source = root / "input" / SEED_ID / "source.txt"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(lines[:SEED_LINES]), encoding="utf-8")
    for a in ARTICLES:
        shutil.copytree(root / "input" / SEED_ID, root / "input" / a)
        (root / "input" / a / "meta.yaml").write_text(_meta(a), encoding="utf-8")
    shutil.rmtree(root / "input" / SEED_ID)
    (root / "input" / "journal.yaml").write_text(JOURNAL, encoding="utf-8")
    _share_text_stages(root)
    _make(root)
    return root


def _share_text_stages(root: Path) -> None:
    """The copies have the first article's source: its text stages are run once and
    their files given to the others (mtimes kept, so make finds them up to date).
    What differs (meta.yaml) enters at the document stage, which each runs."""
    first = ARTICLES[0]
    proc = run_make(root, f"build/{first}/tag.json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    for other in ARTICLES[1:]:
        (root / "build" / other / "deps").mkdir(parents=True)
        for stage in ("extract", "clean", "segment", "tag"):
            shutil.copy2(root / "build" / first / f"{stage}.json",
                         root / "build" / other / f"{stage}.json")
            dep = root / "build" / first / "deps" / f"{stage}.json.d"
            target = root / "build" / other / "deps" / dep.name
            target.write_text(dep.read_text().replace(f"build/{first}/", f"build/{other}/"))
            shutil.copystat(dep, target)


# --- the built issue -----------------------------------------------------------------------


def test_pages_follow_each_other(project):
    """Article k starts on the next odd page after article k-1's last; each article's
    document.json, JATS and header show its own range."""
    pages = [_pages(project, a) for a in ARTICLES]
    assert pages[0]["first"] == 1
    for before, after in zip(pages, pages[1:], strict=False):
        assert after["first"] == next_first_page(before["last"], True)
        assert after["first"] % 2 == 1
    for a, p in zip(ARTICLES, pages, strict=True):
        meta = _meta_of(project, a)
        assert (meta["first_page"], meta["last_page"]) == (p["first"], p["last"])
        assert (meta["volume"], meta["issue"], meta["journal"]["issn"]) == (7, "3", "1694-7568")
        jats = (project / "build" / a / "out" / f"{a}.jats.xml").read_text(encoding="utf-8")
        assert f"<fpage>{p['first']}</fpage>" in jats and f"<lpage>{p['last']}</lpage>" in jats
        pdf = project / "build" / a / "out" / f"{a}.pdf"
        with pikepdf.open(pdf) as doc:
            assert len(doc.pages) == p["pages"]
        header = " ".join(_text(pdf, 1, 1).split())
        assert f"{p['first']}–{p['last']}" in header, header[:300]
        # The how-to-cite line carries the range too: "… Т. 7, № 3. Б. 1–6. DOI …".
        assert re.search(rf"№\W3\.\W+\S+\W{p['first']}–{p['last']}\.", header), header


def test_issue_pdf(project):
    """Front matter + every article page + the odd-page rule's blanks; bookmarks for
    every article; contents linked to each article's first page; PDF/A metadata."""
    issue = project / "output" / f"issue-{KEY}" / "issue.pdf"
    front = project / "build" / f"issue-{KEY}" / "tex" / "front.pdf"
    with pikepdf.open(front) as doc:
        front_pages = len(doc.pages) + len(doc.pages) % 2  # padded to a right-hand start
    pages = [_pages(project, a) for a in ARTICLES]
    blanks = sum(b["first"] - a["last"] - 1 for a, b in zip(pages, pages[1:], strict=False))
    with pikepdf.open(issue) as doc:
        assert len(doc.pages) == front_pages + sum(p["pages"] for p in pages) + blanks
        with doc.open_outline() as outline:
            assert [item.title for item in outline.root] == [TITLES[a][0] for a in ARTICLES]
        dests = {str(k): v for k, v in pikepdf.NameTree(doc.Root.Names.Dests).items()}
        for a, start in zip(ARTICLES, _starts(front_pages, pages), strict=True):
            target = dests[f"basma-issue.{a}"][0]
            assert target.objgen == doc.pages[start].obj.objgen, a
        links = [annot.A.D for page in doc.pages[:front_pages]
                 for annot in page.obj.get("/Annots", [])]
        assert {str(d) for d in links} == {f"basma-issue.{a}" for a in ARTICLES}
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "2" and "Vol. 7, No. 3" in meta.get("dc:title")
    # Article 2's header in the assembled issue shows its own range.
    second = _starts(front_pages, pages)[1] + 1
    assert f"{pages[1]['first']}–{pages[1]['last']}" in " ".join(
        _text(issue, second, second).split())


def _starts(front_pages: int, pages: list[dict]) -> list[int]:
    """Each article's first page index in issue.pdf: after the front matter, the
    articles before it and the blank pages between them."""
    out, at = [], front_pages
    for k, p in enumerate(pages):
        out.append(at)
        at += p["pages"] + (pages[k + 1]["first"] - p["last"] - 1 if k + 1 < len(pages) else 0)
    return out


def test_contents_in_three_languages(project, epubchecker):
    issue = project / "output" / f"issue-{KEY}"
    front = " ".join(_text(issue / "issue.pdf", 1, 2).split())
    html = (issue / "contents.html").read_text(encoding="utf-8")
    for a in ARTICLES:
        first = _pages(project, a)["first"]
        for lang, title in zip(("ky", "ru", "en"), TITLES[a], strict=True):
            assert title in front
            assert re.search(rf'<p class="title" lang="{lang}"><a href="[^"]+">{title}</a>',
                             html), (a, lang)
        assert re.search(rf"{TITLES[a][0]}[ .]*{first}\b", front), (a, front[:800])
        assert f'{first}–{_pages(project, a)["last"]}' in html
    for names in ("Илимий макалалар", "Научные статьи", "Reviews"):
        assert names in front and names in html
    assert front.index("Research articles") < front.index(TITLES[ARTICLES[1]][0]) \
        < front.index("Reviews") < front.index(TITLES[ARTICLES[2]][0])
    verdict = epubchecker.check(issue / "contents.epub")[0]
    assert verdict.status == 0 and not verdict.errors, verdict.messages


@pytest.mark.skipif(not schema_folder().is_dir(), reason="../shared/schemas is missing")
def test_issue_indexing_files(project):
    issue = project / "output" / f"issue-{KEY}"
    for kind in ("crossref.xml", "doaj.xml", "elibrary.xml"):
        data = (issue / f"issue.{kind}").read_bytes()
        assert schema_errors(kind, data) == [], kind
    crossref = (issue / "issue.crossref.xml").read_text(encoding="utf-8")
    assert crossref.count("<journal_article") == 3 and crossref.count("<journal_issue>") == 1
    for a in ARTICLES:
        p = _pages(project, a)
        assert f"<first_page>{p['first']}</first_page>" in crossref
        assert f"<last_page>{p['last']}</last_page>" in crossref
    doaj = (issue / "issue.doaj.xml").read_text(encoding="utf-8")
    assert doaj.count("<record>") == 3
    elibrary = (issue / "issue.elibrary.xml").read_text(encoding="utf-8")
    assert elibrary.count("<article>") == 3


def test_second_make_rebuilds_nothing(project):
    before = _mtimes(project)
    proc = _make(project)
    assert _mtimes(project) == before, proc.stderr[-2000:]


def test_a_correction_that_keeps_the_pages_rebuilds_one_article_and_the_issue(project):
    pages = [_pages(project, a) for a in ARTICLES]
    before = _mtimes(project)
    corrections = project / "input" / ARTICLES[0] / "corrections.yaml"
    entry = '- find: "бир тарабы болуп саналат"\n  replace: "бир жагы болуп саналат"\n'
    corrections.write_text(corrections.read_text(encoding="utf-8") + entry, encoding="utf-8")
    _make(project)
    after = _mtimes(project)
    assert [_pages(project, a) for a in ARTICLES] == pages
    assert after[f"{ARTICLES[0]}.pdf"] != before[f"{ARTICLES[0]}.pdf"]
    assert after["issue.pdf"] != before["issue.pdf"]
    for a in ARTICLES[1:]:
        for what in ("pdf", "document", "journal"):
            assert after[f"{a}.{what}"] == before[f"{a}.{what}"], (a, what)


def test_a_page_more_in_article_1_moves_the_later_articles(project):
    pages = [_pages(project, a) for a in ARTICLES]
    before = _mtimes(project)
    source = project / "input" / ARTICLES[0] / "source.txt"
    text = source.read_text(encoding="utf-8")
    # About 70 lines of text: more than a page, whatever room the last page had.
    paragraph = " ".join(["Билим берүү системасы тез өзгөрүп жаткан дүйнөдө жаңы "
                          "талаптарга жооп берип, окуучуларды турмушка даярдоого тийиш."] * 60)
    source.write_text(text.rstrip() + "\n\n" + paragraph + "\n", encoding="utf-8")
    _make(project)
    after = _mtimes(project)
    new = [_pages(project, a) for a in ARTICLES]
    assert new[0]["pages"] > pages[0]["pages"]
    assert new[1]["first"] == next_first_page(new[0]["last"], True) > pages[1]["first"]
    assert new[2]["first"] == next_first_page(new[1]["last"], True)
    for a, p in zip(ARTICLES, new, strict=True):
        assert after[f"{a}.pdf"] != before[f"{a}.pdf"], a  # every one re-typeset
        meta = _meta_of(project, a)
        assert (meta["first_page"], meta["last_page"]) == (p["first"], p["last"])
        jats = (project / "build" / a / "out" / f"{a}.jats.xml").read_text(encoding="utf-8")
        assert f"<fpage>{p['first']}</fpage>" in jats
    assert after["issue.pdf"] != before["issue.pdf"]
    crossref = (project / "output" / f"issue-{KEY}" / "issue.crossref.xml").read_text()
    assert f"<first_page>{new[2]['first']}</first_page>" in crossref


# --- make keeps an unchanged file's dependents as they are -------------------------------------


def test_make_skips_dependents_of_a_file_its_recipe_left_unchanged(tmp_path):
    """The rule the pagination relies on (GNU make): a file remade by an empty recipe
    after its stamp, but left with its old mtime, does not rebuild what needs it."""
    (tmp_path / "Makefile").write_text(
        "out: mid\n\techo built >> log; cp mid out\n"
        "mid: mid.stamp ;\n"
        "mid.stamp: src\n\tcmp -s src mid || cp src mid; touch mid.stamp\n")
    (tmp_path / "src").write_text("1")
    run = ["make", "-s", "-C", str(tmp_path)]
    subprocess.run(run, check=True, capture_output=True)
    import os
    import time

    time.sleep(0.01)
    os.utime(tmp_path / "src")  # newer, same content: mid keeps its mtime
    subprocess.run(run, check=True, capture_output=True)
    assert (tmp_path / "log").read_text().count("built") == 1
    (tmp_path / "src").write_text("2")
    subprocess.run(run, check=True, capture_output=True)
    assert (tmp_path / "log").read_text().count("built") == 2


# --- the checks: no typesetting ----------------------------------------------------------------


def _journal(tmp_path: Path, issues: str, folders: tuple[str, ...] = ("a", "b")) -> Path:
    for f in folders:
        (tmp_path / f).mkdir(exist_ok=True)
    path = tmp_path / "journal.yaml"
    path.write_text("sections:\n  r: {en: Research}\nissues:\n" + issues, encoding="utf-8")
    return path


def test_an_article_in_two_issues_is_an_error_naming_both_lines(tmp_path):
    path = _journal(tmp_path, "  - {volume: 1, number: 1, year: 2026, sections: "
                    "[{section: r, articles: [a, b]}]}\n"
                    "  - volume: 1\n    number: 2\n    year: 2026\n    sections:\n"
                    "      - section: r\n        articles: [b]\n")
    with pytest.raises(MetaError) as info:
        load_journal(path)
    assert re.search(r"journal\.yaml: line 10: article 'b' is listed in issue 1/1 already "
                     r"\(line 4\)", info.value.one_line())


def test_an_article_missing_from_input_is_named(tmp_path, capsys):
    path = _journal(tmp_path, "  - volume: 1\n    number: 1\n    year: 2026\n    sections:\n"
                    "      - section: r\n        articles: [a, ghost]\n")
    with pytest.raises(MetaError, match=r"line 9: article 'ghost' is listed but .*ghost does "
                       "not exist"):
        load_journal(path)
    rules = make_rules(path)  # make still builds the other articles, without the issue
    assert "ISSUES := \n" in rules and "ISSUE_OF_a := 1-1" in rules
    assert "ghost, which does not exist" in capsys.readouterr().err


def test_a_doi_used_twice_is_an_error_naming_both_files(tmp_path, capsys):
    path = _journal(tmp_path, "  - {volume: 1, number: 1, year: 2026, sections: "
                    "[{section: r, articles: [a, b]}]}\n")
    for f in ("a", "b"):
        (tmp_path / f / "meta.yaml").write_text("doi: 10.99999/SAME\n", encoding="utf-8")
    with pytest.raises(IssueError) as info:
        issue_main(["build", str(path), "--issue", "1-1", "--build", str(tmp_path / "build"),
                    "-o", str(tmp_path / "out")])
    line = info.value.one_line()
    assert "b/meta.yaml: the DOI 10.99999/SAME is" in line and "a/meta.yaml's too" in line


def test_a_page_gap_or_overlap_is_an_error_naming_both_pdfs():
    issue = Issue(volume=1, number="1", year=2026, first_page=1)
    a, b = Path("build/a/out/a.pdf"), Path("build/b/out/b.pdf")
    with pytest.raises(IssueError, match=r"b\.pdf starts at page 5, which .*a\.pdf already "
                       r"prints \(a ends at 6\)"):
        check_continuity(issue, False, [("a", PageRange(1, 6), a), ("b", PageRange(5, 8), b)])
    with pytest.raises(IssueError, match=r"b\.pdf starts at page 9, but .*a\.pdf ends at 6: "
                       r"a gap of 2 page"):
        check_continuity(issue, False, [("a", PageRange(1, 6), a), ("b", PageRange(9, 9), b)])
    # Under the odd-page rule the blank page 6 is no gap; without it, it is one.
    assert check_continuity(issue, True, [("a", PageRange(1, 5), a),
                                          ("b", PageRange(7, 9), b)]) == []
    with pytest.raises(IssueError, match="a gap of 1 page"):
        check_continuity(issue, False, [("a", PageRange(1, 5), a), ("b", PageRange(7, 9), b)])


def test_a_pdf_typeset_for_other_pages_is_refused(tmp_path):
    pdf = tmp_path / "x.pdf"
    doc = pikepdf.new()
    for _ in range(3):
        doc.add_blank_page()
    doc.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(
        [0, pikepdf.Dictionary(S=pikepdf.Name.D, St=45)]))
    doc.save(pdf)
    assert article_pages(pdf, 45) == PageRange(45, 47)
    with pytest.raises(IssueError, match="starts at page 45, not at the page 51"):
        article_pages(pdf, 51)


def test_journal_yaml_errors_name_the_line(tmp_path, capsys):
    path = tmp_path / "journal.yaml"
    path.write_text("journal:\n  issn: 1234-5678\n", encoding="utf-8")
    with pytest.raises(MetaError, match=r"line 2: journal\.issn: ISSN '1234-5678' is not valid"):
        load_journal(path)
    path.write_text("odd_page: true\nissues:\n  - {volume: 1, number: 1, year: 2026, "
                    "sections: [{section: nope, articles: []}]}\n", encoding="utf-8")
    with pytest.raises(MetaError, match=r"line 3: issues #1\.sections #1\.section: 'nope' is "
                       "not one of the journal's sections"):
        load_journal(path)
    assert "line 1: unknown field 'odd_page' — did you mean 'odd_pages'?" in \
        capsys.readouterr().err


def test_plan_under_the_odd_page_rule():
    from pipeline.issue.settings import JournalFile

    journal = JournalFile.model_validate({
        "odd_pages": True, "sections": {"r": {"en": "R"}},
        "issues": [{"volume": 1, "number": "1", "year": 2026, "first_page": 45,
                    "sections": [{"section": "r", "articles": ["a", "b", "c"]}]}]})
    got = plan(journal, journal.issues[0], {"a": 6, "b": 3, "c": 1})
    assert [(r.first, r.last) for r in got.values()] == [(45, 50), (51, 53), (55, 55)]


def test_meta_yaml_holds_its_own_fields_and_overrides_the_journals(tmp_path, capsys):
    from pipeline.issue.pages import with_journal
    from pipeline.meta import load_meta

    path = _journal(tmp_path, "  - {volume: 4, number: 2, year: 2026, first_page: 45, "
                    "sections: [{section: r, articles: [a]}]}\n")
    path.write_text("journal: {name: {ky: Журнал, en: Journal}, issn: 1694-7568}\n"
                    "license: CC BY 4.0\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    own = load_meta("license: CC BY-SA 4.0\nfirst_page: 99\ndoi: 10.99999/a\n")
    meta = with_journal(own, path, "a")
    assert (meta.license, meta.doi, meta.journal.issn) == ("CC BY-SA 4.0", "10.99999/a",
                                                           "1694-7568")
    assert (meta.volume, meta.issue, meta.year, meta.first_page) == (4, "2", 2026, 45)
    assert "meta.yaml's first_page left out — the article is in issue 4-2" in \
        capsys.readouterr().err
    loose = with_journal(load_meta("doi: 10.99999/b\n"), path, "b")  # in no issue
    assert loose.journal.name["en"] == "Journal" and loose.volume is None \
        and loose.first_page is None
