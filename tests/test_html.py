"""Issue 17: the article's web pages — citation_* tags per language, JSON-LD, hreflang,
hostile text, and a look in headless Chromium (one run for every page)."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess

import pytest
from lxml import html as lxml_html
from test_indexing import HOSTILE, SEED_ID, built

KEYS = ("full", "ky", "ru", "en")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def page(name: str, key: str):
    return lxml_html.fromstring(built(name)["html" if key == "full" else f"{key}.html"])


def tags(doc, name: str) -> list[str]:
    return [m.get("content") for m in doc.findall(f".//meta[@name='{name}']")]


def test_every_page_is_made():
    for name in ("seed", "second"):
        assert {"html", "ky.html", "ru.html", "en.html"} <= set(built(name))


def test_citation_tags_are_in_the_pages_language():
    en, ky, ru = page("second", "en"), page("second", "ky"), page("second", "ru")
    assert tags(en, "citation_author") == ["Aĭgül Asanova", "Bakyt Toktogulov"]
    assert not any(re.search("[А-яЁёҢңӨөҮү]", a) for a in tags(en, "citation_author"))
    assert tags(ky, "citation_author") == ["Айгүл Асанова", "Бакыт Токтогулов"]
    assert tags(ru, "citation_author")[0] == "Айгуль Асанова"
    assert tags(en, "citation_title") == ["Digital Technologies in Education"]
    assert tags(ru, "citation_title") == ["Цифровые технологии в образовании"]
    assert tags(en, "citation_author_institution") == [
        "Kyrgyz National University", "Kyrgyz National University", "Osh State University"]
    assert tags(ky, "citation_journal_title") == ["Билим берүү жана коом"]
    assert tags(en, "citation_issn") == ["1694-7568", "2227-6017"]
    assert [tags(en, f"citation_{t}")[0] for t in
            ("volume", "issue", "firstpage", "lastpage", "doi", "language",
             "publication_date")] == ["3", "4", "10", "19", "10.99999/es.2026.3.4.10", "en",
                                      "2026/04/01"]
    assert tags(en, "citation_pdf_url") == [
        "https://journal.example.kg/articles/second-article/second-article.en.pdf"]
    assert tags(en, "citation_abstract") == ["The article considers digital technologies."]
    assert tags(ky, "citation_keywords") == ["билим; санарип"]
    assert en.get("lang") == "en" and ky.get("lang") == "ky"


def test_hreflang_links_join_the_versions():
    base = f"https://journal.example.kg/articles/{SEED_ID}/{SEED_ID}"
    want = {"x-default": f"{base}.html", "ky": f"{base}.ky.html", "ru": f"{base}.ru.html",
            "en": f"{base}.en.html"}
    for key in KEYS:
        doc = page("seed", key)
        links = {link.get("hreflang"): link.get("href")
                 for link in doc.findall(".//link[@rel='alternate']")}
        assert links == want, key
        canonical = doc.find(".//link[@rel='canonical']").get("href")
        assert canonical == (want["x-default"] if key == "full" else want[key])


def json_ld(doc) -> dict:
    scripts = doc.findall(".//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    return json.loads(scripts[0].text)


def test_json_ld_is_a_scholarly_article():
    data = json_ld(page("second", "en"))
    assert data["@type"] == "ScholarlyArticle" and data["inLanguage"] == "en"
    assert [a["name"] for a in data["author"]] == ["Aĭgül Asanova", "Bakyt Toktogulov"]
    assert data["author"][0]["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert data["author"][1]["affiliation"][1]["sameAs"] == "https://ror.org/05dxps055"
    assert data["identifier"]["value"] == "10.99999/es.2026.3.4.10"
    issue = data["isPartOf"]
    assert (issue["@type"], issue["issueNumber"]) == ("PublicationIssue", "4")
    assert issue["isPartOf"]["isPartOf"]["issn"] == ["1694-7568", "2227-6017"]
    assert "alternativeHeadline" not in data  # one language per page
    assert len(json_ld(page("second", "full"))["alternativeHeadline"]) == 2


def test_a_page_shows_its_editions_content():
    """The Kyrgyz body on the Kyrgyz page; the Russian page says where the text is."""
    ky, ru = page("seed", "ky"), page("seed", "ru")
    assert len(ky.findall(".//div[@class='body']/p")) > 30
    assert ky.findall(".//div[@class='body']/h2")[0].text == "Билим берүүнү гумандаштыруу"
    notice = ru.find(".//p[@class='notice']")
    assert notice is not None and "кыргызском" in notice.text_content()
    assert ru.findall(".//section[@class='abstract']")[0].get("lang") == "ru"
    full = page("seed", "full")
    assert [s.get("lang") for s in full.findall(".//section[@class='abstract']")] == [
        "ky", "ru", "en"]
    second = page("second", "full")
    cite = second.find(".//a[@class='citation']")
    assert cite.get("href") == "#ref-1" and second.get_element_by_id("ref-1") is not None
    assert second.find(".//span[@lang='en']/em").text == "online learning"


def test_a_translation_is_the_body_of_its_page(tmp_path):
    """The editor's translations/en.md is the English page's body, as in the English PDF."""
    from test_indexing import JOURNAL, second_document

    from pipeline.writers.indexing import indexing_files
    from pipeline.writers.indexing.settings import load_settings

    (tmp_path / "en.md").write_text("# Introduction\n\nDigital learning *grows*.\n",
                                    encoding="utf-8")
    files = indexing_files(second_document(), load_settings(JOURNAL), "t", 0, tmp_path).files
    en = lxml_html.fromstring(files["t.en.html"])
    assert en.find(".//p[@class='notice']") is None
    assert en.findtext(".//div[@class='body']/h2") == "Introduction"
    assert en.find(".//div[@class='body']/p/em").text == "grows"
    ru = lxml_html.fromstring(files["t.ru.html"])  # no Russian translation: the notice
    assert ru.find(".//p[@class='notice']") is not None


def test_hostile_text_stays_literal_in_the_pages():
    for key in KEYS:
        raw = built("hostile")["html" if key == "full" else f"{key}.html"]
        doc = lxml_html.fromstring(raw)
        assert HOSTILE in doc.findtext(".//title"), key
        assert any(HOSTILE in (c or "") for c in tags(doc, "citation_title")), key
        assert not doc.findall(".//body//b"), key  # the <b> of the text is not markup
        data = json_ld(doc)  # parses, and its </script> did not close the script
        assert HOSTILE in data["headline"], key
        assert raw.count(b"</script>") == 1, key
        assert HOSTILE in doc.text_content(), key


# --- headless Chromium ------------------------------------------------------------------------

#: A harness page: every article page in an iframe; once all have loaded, what each
#: rendered is written into the harness's DOM for --dump-dom to report.
HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>harness</title>
<style>body{margin:0;display:grid;grid-template-columns:repeat(3,500px)}
iframe{width:500px;height:780px;border:1px solid #999}pre{display:none}</style></head><body>
FRAMES<pre id="out"></pre>
<script>
window.addEventListener("load", function () {
  var out = [];
  document.querySelectorAll("iframe").forEach(function (f) {
    var d = f.contentDocument;
    out.push({src: f.getAttribute("src"), lang: d.documentElement.lang, title: d.title,
              h1: d.querySelector("h1").textContent, height: d.body.scrollHeight,
              font: getComputedStyle(d.body).fontFamily});
  });
  document.getElementById("out").textContent = JSON.stringify(out);
});
</script></body></html>"""


def png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium is not installed")
def test_pages_render_in_headless_chromium_without_console_errors(tmp_path):
    shown = [("seed", k) for k in KEYS] + [("second", "en"), ("hostile", "en")]
    frames = []
    for name, key in shown:
        fname = f"{name}.{key}.html"
        (tmp_path / fname).write_bytes(built(name)["html" if key == "full" else f"{key}.html"])
        frames.append(f'<iframe src="{fname}"></iframe>')
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.replace("FRAMES", "".join(frames)), encoding="utf-8")
    shot = tmp_path / "pages.png"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1500,1600",
         f"--screenshot={shot}", "--dump-dom",
         harness.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert not console, console
    dom = lxml_html.fromstring(proc.stdout)
    rendered = json.loads(dom.get_element_by_id("out").text)
    assert [r["src"] for r in rendered] == [f"{n}.{k}.html" for n, k in shown]
    for r, (_name, key) in zip(rendered, shown, strict=True):
        assert r["lang"] == ("ky" if key == "full" else key), r
        assert r["h1"] == r["title"] and r["height"] > 600, r
        assert "PT Serif" in r["font"], r
    assert HOSTILE in rendered[-1]["h1"]
    width, height = png_size(shot)
    assert (width, height) == (1500, 1600) and shot.stat().st_size > 50_000
