"""The explorer in a real browser (Playwright on Debian's /usr/bin/chromium; never a downloaded browser).

The server runs on a free port in a thread over the demo corpus; every request the page makes goes through
``page.route`` and any request to a non-local address fails the test. Without chromium the tests skip, or
fail under ``DISCOURSE_REQUIRE_BROWSER=1`` (as in CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from discourse import Corpus
from discourse.explore import create_app, start_in_thread
from discourse.export import matches_table
from _explore_demo import EVENTS, build_demo, copy_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LOCAL = {"127.0.0.1", "localhost", "::1"}


def _require_browser():
    message = f"headless browser missing ({CHROMIUM}) or the playwright package: apt-get install chromium"
    try:
        import playwright.sync_api  # noqa: F401
        ok = CHROMIUM.exists()
    except ImportError:
        ok = False
    if not ok:
        if os.environ.get("DISCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (DISCOURSE_REQUIRE_BROWSER=1)")
        pytest.skip(message + " (set DISCOURSE_REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    db = build_demo(tmp_path_factory.mktemp("explore-browser") / "demo.sqlite")
    with Corpus.open(db) as corpus:
        matches = matches_table(corpus).frame
        from discourse.validate import sample

        drawn = sample(corpus, per_entry=1, seed=11)
    running = start_in_thread(create_app(db, events=EVENTS))
    try:
        yield {"url": running.url, "matches": matches, "db": db, "drawn": drawn}
    finally:
        running.stop()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    console: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = context.new_page()

            def guard(route):
                url = route.request.url
                parsed = urlparse(url)
                if parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL:
                    return route.continue_()
                outside.append(url)
                return route.abort()

            pg.route("**/*", guard)
            pg.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            pg.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            yield pg, outside, console
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert not [c for c in console if c.startswith(("error", "pageerror"))], console


def _click_chart_year(pg, chart_id: str, year: int, marktype: str) -> None:
    """Click the mark (of ``marktype``) of ``year`` in a Vega chart, at its position on the screen."""
    box = pg.evaluate("""([id, year, marktype]) => {
        const view = document.getElementById(id).vegaView;
        let found = null;
        const walk = (node) => {
            if (found || !node) return;
            if (node.items) node.items.forEach(walk);
            if (node.datum && +node.datum.year === year && node.mark && node.mark.marktype === marktype
                && node._svg) found = node._svg.getBoundingClientRect();
        };
        walk(view.scenegraph().root);
        return found && {x: found.left + found.width / 2, y: found.top + found.height / 2};
    }""", [chart_id, year, marktype])
    assert box is not None, f"no mark for {year} in {chart_id}"
    pg.mouse.click(box["x"], box["y"])


def test_overview_click_a_year_lists_its_counted_hits(server, page, tmp_path):
    from playwright.sync_api import expect

    pg, outside, console = page
    pg.goto(server["url"] + "?country=AZE")
    pg.wait_for_selector("#chart-score.drawn", timeout=30_000)
    pg.wait_for_selector("#chart-poles.drawn", timeout=30_000)
    pg.locator("#indicators").scroll_into_view_if_needed()  # loaded (htmx) and drawn when revealed
    pg.wait_for_selector("#chart-indicators.drawn", timeout=30_000)
    pg.evaluate("window.scrollTo(0, 0)")
    m = server["matches"]
    for year, chart, marktype in ((2015, "chart-score", "symbol"), (2008, "chart-poles", "rect")):
        expected = m[(m["country"] == "AZE") & (m["year"] == year) & m["counted"]]
        _click_chart_year(pg, chart, year, marktype)
        pg.wait_for_selector(f"#kwic h2:has-text('AZE · {year}')", timeout=15_000)
        rows = pg.locator("#kwic table.kwic tbody tr")
        assert rows.count() == len(expected) > 0
        hrefs = [rows.nth(i).get_attribute("data-href") for i in range(rows.count())]
        assert hrefs == [f"/doc/{d}#hit-{s}" for d, s in zip(expected["doc_id"], expected["start"])]
    pg.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert (tmp_path / "overview.png").stat().st_size > 20_000
    # the table's year buttons do the same, and a filter narrows the panel
    pg.click("button.year[data-year='2015']")
    pg.wait_for_selector("#kwic h2:has-text('AZE · 2015')")
    entry = m[(m["year"] == 2015) & m["counted"]]["entry_id"].value_counts().index[0]
    pg.select_option("#kwic select[name='entry']", entry)
    expect(pg.locator("#kwic table.kwic tbody tr")).to_have_count(
        int(((m["year"] == 2015) & m["counted"] & (m["entry_id"] == entry)).sum()))
    assert set(pg.locator("#kwic table.kwic tbody tr td.what").evaluate_all("els => els.map(e => e.title)")) == {entry}
    # a line opens its document at the hit
    first = pg.locator("#kwic table.kwic tbody tr").first
    href = first.get_attribute("data-href")
    first.locator("td.ctx").click()
    pg.wait_for_url("**" + href)
    anchor = href.split("#")[1]
    assert pg.locator(f"mark#{anchor}").count() == 1
    assert pg.evaluate("document.querySelector(':target').id") == anchor
    pg.screenshot(path=str(tmp_path / "document.png"))


def test_timeline_builder_draws_countries(server, page, tmp_path):
    pg, outside, console = page
    pg.goto(server["url"] + "timeline")
    pg.check("input[name='term'][value='cis']")
    pg.fill("input[name='phrase']", "integration into")
    pg.select_option("select[name='country']", ["AZE", "RUS"])
    pg.click("button[type='submit']")
    pg.wait_for_selector("#chart-timeline.drawn", timeout=30_000)
    assert "term=cis" in pg.url and "phrase=integration%20into" in pg.url
    countries = set(pg.locator("table.timeline tbody tr td:first-child").all_text_contents())
    assert countries == {"AZE", "RUS"}
    pg.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)


def test_code_a_line_with_the_keyboard_and_find_it_in_the_validation_report(server, page, tmp_path):
    from playwright.sync_api import expect

    from discourse.validate import report

    pg, outside, console = page
    drawn = server["drawn"]
    ids = sorted(drawn.loc[drawn["sample_kind"] == "hit", "sample_id"])
    pg.goto(server["url"] + "code?coder=browser")
    first = pg.locator("input[name='sample_id']").get_attribute("value")
    assert first == ids[0]
    pg.locator("body").click(position={"x": 5, "y": 5})
    pg.keyboard.press("y")
    pg.keyboard.press("2")
    pg.keyboard.press("Shift+N")
    pg.keyboard.type("coded in the browser")
    pg.keyboard.press("Escape")
    assert pg.locator("input[name='code_sense'][value='yes']").is_checked()
    assert pg.locator("input[name='code_stance'][value='reject']").is_checked()
    pg.screenshot(path=str(tmp_path / "coding.png"), full_page=True)
    pg.keyboard.press("Enter")
    expect(pg.locator("p.flash")).to_have_text(f"Saved the code of {first}.")
    assert pg.locator("input[name='sample_id']").get_attribute("value") == ids[1]
    pg.wait_for_load_state("load")  # the page's script (deferred) handles the keys
    pg.keyboard.press("s")  # skip the second line
    expect(pg.locator("input[name='sample_id']")).to_have_value(ids[2])
    with Corpus.open(server["db"]) as corpus:
        lines = report(corpus)["coded_lines"].set_index("sample_id")
    assert (lines.loc[first, "coders"], lines.loc[first, "sense"], lines.loc[first, "code_stance"]) == (
        "browser", "yes", "reject")
    assert ids[1] not in lines.index
