"""The HTML report on the demo corpus: sections, figures, escaping, evidence links, methods, a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.errors import ReportError
from discourse.metadata import DocumentMeta
from discourse.report import SECTIONS, build_report, load_events

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"
EVENTS = ROOT / "corpus" / "events.csv"
PNG = b"\x89PNG\r\n\x1a\n"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo corpus ingested into a fresh store and its report written by the CLI (built once per module)."""
    base = tmp_path_factory.mktemp("report")
    db = base / "store.sqlite"
    with Corpus.open(db) as corpus:
        result = corpus.ingest([EXAMPLES], manifest=EXAMPLES / "manifest.csv")
        assert result.failed == []
    out = base / "out"
    code = main(["report", "--db", str(db), "--country", "AZE", "--out", str(out), "--events", str(EVENTS),
                 "--replicates", "200", "--min-hits", "6"])
    assert code == 0
    return {"db": db, "out": out, "index": out / "index.html", "html": (out / "index.html").read_text("utf-8")}


def test_report_cli_writes_every_section(demo, capsys):
    html = demo["html"]
    for section in SECTIONS:
        assert f'<section id="{section}">' in html, section
    assert "<title>Orientation report: AZE, 2005-2020</title>" in html
    manifest = json.loads((demo["out"] / "report.json").read_text())
    assert manifest["parameters"]["country"] == "AZE"
    assert manifest["figures"] == sorted(f"figures/{n}.{e}" for n in ("indicators", "orientation", "terms")
                                         for e in ("png", "svg"))


def test_report_figures_are_png_and_svg_and_embedded(demo):
    html = demo["html"]
    for name in ("orientation", "terms", "indicators"):
        png = demo["out"] / "figures" / f"{name}.png"
        svg = demo["out"] / "figures" / f"{name}.svg"
        assert png.read_bytes()[:8] == PNG and png.stat().st_size > 20_000, name
        text = svg.read_text("utf-8")
        assert text.startswith("<?xml") and "<svg" in text and svg.stat().st_size > 20_000, name
        assert f'<figure id="figure-{name}">' in html
    assert html.count('<img src="data:image/svg+xml;base64,') == 3


def test_report_is_self_contained(demo):
    html = demo["html"]
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from the network
    assert "<link rel=\"stylesheet\"" not in html and "@import" not in html and "url(" not in html


def test_report_escapes_document_text(demo):
    pages = [demo["index"], *sorted((demo["out"] / "docs").glob("*.html"))]
    texts = {p.name: p.read_text("utf-8") for p in pages}
    for name, text in texts.items():
        assert "<script>alert" not in text, name
    # The statement's title carries the string; it is listed, escaped, among the documents.
    assert "statement on partnership programmes &lt;script&gt;alert(1)&lt;/script&gt;" in demo["html"]
    cited = [t for t in texts.values() if "continues cooperation with" in t and "&lt;script&gt;alert(1)" in t]
    assert cited, "the 2012 statement's own page shows the markup as text"


def test_report_evidence_links_point_at_hits_and_pages(demo):
    html = demo["html"]
    links = re.findall(r'href="(docs/[^"#]+)#(hit-\d+|page-\d+)"', html)
    assert len(links) >= 10
    for path, anchor in links:
        target = demo["out"] / path
        assert target.is_file(), path
        assert f'id="{anchor}"' in target.read_text("utf-8"), (path, anchor)
    # Every year with counted hits has an evidence block, flagged negations appear.
    assert 'id="evidence-2005"' in html and 'id="evidence-2015"' in html
    assert 'class="badge neg"' in html


def test_report_methods_and_low_evidence_match_the_scores(demo):
    from discourse.export import corpus_snapshot
    from discourse.lexicon import load_lexicon
    from discourse.score import period_scores

    html = demo["html"]
    with Corpus.open(demo["db"]) as corpus:
        lexicon = load_lexicon()
        docs = corpus.documents(country="AZE")
        years = period_scores(corpus, lexicon, country="AZE", replicates=200, min_hits=6)
    snapshot = corpus_snapshot(zip(docs["id"], docs["sha256"]))
    assert lexicon.hash in html
    assert f"{snapshot['n_documents']} documents, sha256 {snapshot['digest']}" in html
    assert "discourse 0.1.0" in html
    section = html[html.index('<section id="orientation">'):html.index('<section id="terms">')]
    marked = [int(y) for y in re.findall(r'<tr class="low">\s*<td class="num">(\d{4})</td>', section)]
    expected = sorted(int(y) for y, low in zip(years["year"], years["low_evidence"]) if low)
    assert marked == expected
    assert expected, "with --min-hits 6 some demo years have too few hits"
    assert "Years with too few hits to interpret" in html


def test_report_errors_name_the_cause(tmp_path, corpus):
    with pytest.raises(ReportError) as err:
        build_report(corpus, tmp_path / "out", events=EVENTS)
    assert err.value.code == "D601" and "no documents" in err.value.message
    with pytest.raises(ReportError) as err:
        build_report(corpus, tmp_path / "out", year_from=2020, year_to=2010)
    assert err.value.code == "D604" and err.value.message == "year_from 2020 is after year_to 2010"
    with pytest.raises(ReportError) as err:
        build_report(corpus, tmp_path / "out", events=tmp_path / "nope.csv")
    assert err.value.code == "D602" and "nope.csv" in err.value.message
    bad = tmp_path / "events.csv"
    bad.write_text("date,end_date,label,kind,source\n2008-08-07,,War,war,\n2008-13-01,,Bad month,war,\n")
    with pytest.raises(ReportError) as err:
        load_events(bad)
    assert err.value.code == "D603" and err.value.message.startswith(f"{bad}:3: ")
    bad.write_text("date,end_date,label,kind,source\n2016-04-05,2016-04-02,Backwards,war,\n")
    with pytest.raises(ReportError) as err:
        load_events(bad)
    assert err.value.message == f"{bad}:2: end_date 2016-04-02 is before date 2016-04-05"
    code = main(["report", "--db", str(tmp_path / "empty.sqlite"), "--out", str(tmp_path / "o"),
                 "--events", str(EVENTS)])
    assert code == 1


def test_report_events_file_is_read_in_date_order():
    events = load_events(EVENTS)
    assert events["date"].is_monotonic_increasing
    war = events.set_index("label").loc["2020 war (44 days)"]
    assert war["date"] == "2020-09-27" and war["end_date"] == "2020-11-10"
    assert 2020.2 < war["x"] < war["x_end"] < 2020.4


def _browser(tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = f"headless browser missing ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver"
        if os.environ.get("DISCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (DISCOURSE_REQUIRE_BROWSER=1)")
        pytest.skip(message + " (set DISCOURSE_REQUIRE_BROWSER=1 to make this a failure)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1600", f"--user-data-dir={tmp_path / 'chrome-profile'}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.mark.slow
def test_report_loads_in_headless_browser(demo, tmp_path):
    from selenium.webdriver.common.by import By

    driver = _browser(tmp_path)
    try:
        driver.set_page_load_timeout(30)
        driver.get(demo["index"].resolve().as_uri())
        assert driver.title == "Orientation report: AZE, 2005-2020"
        for section in SECTIONS:
            element = driver.find_element(By.ID, section)
            assert element.is_displayed(), section
        widths = driver.execute_script("return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
        assert len(widths) == 3 and all(w > 500 for w in widths), widths
        scripts = driver.execute_script("return document.scripts.length")
        assert scripts == 0
        severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        shot = tmp_path / "report.png"
        assert driver.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == PNG and shot.stat().st_size > 10_000
        keep = os.environ.get("DISCOURSE_KEEP_SCREENSHOT")
        if keep:
            shutil.copy(shot, keep)
        # Follow the first evidence link to the document page and find the hit it points at.
        link = driver.find_element(By.CSS_SELECTOR, '#evidence a[href*="#hit-"]')
        anchor = link.get_attribute("href").split("#")[1]
        link.click()
        assert driver.find_element(By.ID, anchor).tag_name == "mark"
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()


def test_report_without_hits_degrades_with_notes(tmp_path, corpus):
    text = tmp_path / "2012_plain.txt"
    text.write_text("ILLUSTRATIVE: a short note about weather and harvests, with no orientation term at all.\n")
    meta = DocumentMeta(country="AZE", date="2012-05-01", doc_type="statement", language="en")
    result = corpus.ingest([text], meta=meta)
    assert result.failed == []
    index = build_report(corpus, tmp_path / "out", country="AZE", events=EVENTS, replicates=20)
    html = index.read_text("utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert html.count("No lexicon term was found in the selected documents") == 3  # orientation, terms, evidence
    assert ('Sections with a note instead of (some of) their data:\n<a href="#orientation">orientation</a>, '
            '<a href="#terms">terms</a>, <a href="#evidence">evidence</a>.') in html
    assert not (tmp_path / "out" / "figures" / "orientation.png").exists()
    assert not (tmp_path / "out" / "figures" / "terms.png").exists()
    assert "1 document of AZE, 2012-2012; 0 lexicon hits, of which 0 count toward a score" in html


def test_report_without_country_replaces_its_own_files_and_notes_indicators(demo, tmp_path):
    out = tmp_path / "again"
    shutil.copytree(demo["out"], out)
    (out / "docs" / "stale.html").write_text("the user's page")  # not written by a report: kept
    (out / "docs" / "old-report-page.html").write_text("old page")  # written by the earlier report: removed
    manifest = json.loads((out / ".discourse-outputs.json").read_text())
    (out / ".discourse-outputs.json").write_text(json.dumps({"files": manifest["files"]
                                                             + ["docs/old-report-page.html", "../outside.txt"]}))
    (tmp_path / "outside.txt").write_text("outside the report folder")
    (out / "notes.txt").write_text("mine")
    with Corpus.open(demo["db"]) as corpus:
        index = build_report(corpus, out, events=EVENTS, top_terms=2, replicates=20)  # all countries
    html = index.read_text("utf-8")
    assert "Indicators are shown for one country" in html
    assert "<title>Orientation report: all countries, 2005-2020</title>" in html
    assert (out / "docs" / "stale.html").read_text() == "the user's page"
    assert not (out / "docs" / "old-report-page.html").exists()
    assert (tmp_path / "outside.txt").read_text() == "outside the report folder"
    assert not (out / "figures" / "indicators.png").exists() and not (out / "figures" / "indicators.svg").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["orientation.png", "orientation.svg",
                                                                   "terms.png", "terms.svg"]
