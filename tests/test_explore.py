"""The explorer's routes with Starlette's test client: overview, KWIC and its filters, document view, term
timelines, CSV downloads, CSRF and host refusal, escaping, read-only store, serving during an ingest, CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import html as LH

from discourse import Corpus
from discourse.errors import ExploreError
from discourse.explore import create_app
from discourse.explore.app import CSP
from discourse.export import matches_table
from discourse.score import period_scores
from discourse.timeline import timeline
from _explore_demo import EVENTS, HOSTILE_EVENT, HOSTILE_TITLE, add, build_demo, build_hostile, copy_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = build_demo(tmp_path_factory.mktemp("explore") / "demo.sqlite")
    with Corpus.open(db) as corpus:
        matches = matches_table(corpus).frame
        years = period_scores(corpus, country="AZE")
    return {"db": db, "matches": matches, "years": years}


@pytest.fixture(scope="module")
def client(demo):
    from starlette.testclient import TestClient

    app = create_app(demo["db"], events=EVENTS, allowed_hosts=["testserver"])
    with TestClient(app) as c:
        yield c


def _doc(response):
    return LH.fromstring(response.text)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.text)))


def _spec(page, name: str) -> dict:
    return json.loads(page.get_element_by_id(f"chart-{name}").get("data-vl"))


# -- overview -----------------------------------------------------------------------------------------------
def test_root_redirects_to_the_country_with_most_documents(client):
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?country=AZE"


def test_overview_years_equal_the_exported_scores(client, demo):
    r = client.get("/?country=AZE")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    page = _doc(r)
    rows = page.xpath("//table[@class='years']/tbody/tr")
    years = demo["years"]
    assert [int(tr.xpath(".//button[@class='year']")[0].text) for tr in rows] == years["year"].tolist()
    hits = [int(tr.xpath("./td")[3].text_content()) for tr in rows]
    assert hits == years["n_hits"].tolist()
    scores = [tr.xpath("./td")[1].text_content().strip() for tr in rows]
    assert scores == [("" if s != s else f"{s:.3f}".rstrip("0").rstrip(".") if float(s).is_integer() else f"{s:.3f}")
                      for s in years["score"]]
    spec = _spec(page, "score")
    data = {d["year"]: d for d in spec["data"]["values"]}
    for y in years.itertuples():
        assert data[y.year]["n_hits"] == y.n_hits
        assert data[y.year]["low_evidence"] == bool(y.low_evidence)
        if not y.low_evidence:
            assert data[y.year]["score"] == pytest.approx(y.score) and data[y.year]["ci_low"] == pytest.approx(y.ci_low)
    events = [layer for layer in spec["layer"] if "data" in layer]
    assert [e["label"] for e in events[0]["data"]["values"]][:2] == ["Munich speech (Russia)", "National Security Concept"]
    poles = _spec(page, "poles")["data"]["values"]
    assert sum(p["hits"] for p in poles) == int(years["n_hits"].sum())
    assert page.get_element_by_id("indicators").get("hx-get") == "/indicators?country=AZE&from=2005&to=2020"
    r = client.get("/indicators?country=AZE&from=2005&to=2020", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    values = _spec(_doc(r), "indicators")["data"]["values"]
    assert values and {v["year"] for v in values} <= set(range(2005, 2021)), "AZE has shipped indicators"
    assert "<html" in client.get("/indicators?country=AZE").text  # without htmx: a page of its own
    # nothing is fetched from elsewhere: every script and style is served here
    for attr in page.xpath("//script/@src | //link/@href | //img/@src"):
        assert attr.startswith("/static/") or attr == "data:,", attr


def test_years_csv_and_indicators_csv(client, demo):
    rows = _csv(client.get("/years.csv?country=AZE"))
    assert [int(r["year"]) for r in rows] == demo["years"]["year"].tolist()
    assert [int(r["n_hits"]) for r in rows] == demo["years"]["n_hits"].tolist()
    r = client.get("/indicators.csv?country=AZE")
    assert r.headers["content-disposition"] == 'attachment; filename="indicators_AZE.csv"'
    inds = _csv(r)
    assert inds and set(inds[0]) >= {"indicator", "partner", "year", "value"}
    assert {r["indicator"] for r in inds} >= {"arms_imports_russia_share"}


def test_bad_parameters_are_d851(client):
    for url in ("/?country=Azerbaijan", "/kwic?country=AZE&year=abc", "/kwic?country=AZE", "/?country=ZZZ",
                "/kwic?country=AZE&year=2015&show=some", "/timeline?term=cis&country=AZE&per=7"):
        r = client.get(url)
        assert r.status_code == 400, url
        assert "Error [D851]" in r.text, url


# -- KWIC -----------------------------------------------------------------------------------------------------
def _kwic_rows(response):
    return _doc(response).xpath("//table[@class='kwic']/tbody/tr")


def test_kwic_rows_are_the_years_counted_hits(client, demo):
    m = demo["matches"]
    for year in (2007, 2015, 2018):
        sel = m[(m["year"] == year) & (m["country"] == "AZE")]
        r = client.get(f"/kwic?country=AZE&year={year}", headers={"HX-Request": "true"})
        assert r.status_code == 200 and "<html" not in r.text  # an htmx fragment
        rows = _kwic_rows(r)
        counted = sel[sel["counted"]]
        assert len(rows) == len(counted) == int(demo["years"].set_index("year").loc[year, "n_hits"])
        got = [(tr.get("data-href").split("/doc/")[1], tr.xpath(".//mark")[0].text) for tr in rows]
        assert got == [(f"{d}#hit-{s}", " ".join(t.split())) for d, s, t in zip(counted["doc_id"], counted["start"], counted["surface"])]
        assert [tr.get("class").split()[1] for tr in rows] == [f"pole-{p}" for p in counted["pole"]]
        everything = _kwic_rows(client.get(f"/kwic?country=AZE&year={year}&show=all"))
        assert len(everything) == len(sel)


def test_kwic_filters(client, demo):
    m = demo["matches"]
    sel = m[(m["year"] == 2015) & m["counted"]]
    entry = sel["entry_id"].value_counts().index[0]
    rows = _kwic_rows(client.get(f"/kwic?country=AZE&year=2015&entry={entry}"))
    assert len(rows) == int((sel["entry_id"] == entry).sum())
    assert {tr.xpath("./td[@class='what']")[0].get("title") for tr in rows} == {entry}
    assert len(_kwic_rows(client.get("/kwic?country=AZE&year=2015&language=en"))) == len(sel)
    assert len(_kwic_rows(client.get("/kwic?country=AZE&year=2015&language=ru"))) == 0
    assert len(_kwic_rows(client.get("/kwic?country=AZE&year=2015&doc_type=speech"))) == len(sel)
    r = client.get("/kwic?country=AZE&year=2015&doc_type=interview")
    assert len(_kwic_rows(r)) == 0 and "No counted hits with these filters in 2015." in r.text
    # the filter form offers the entries found that year, with their counts
    options = _doc(client.get("/kwic?country=AZE&year=2015")).xpath("//select[@name='entry']/option/@value")
    assert options[1:] == sorted(sel["entry_id"].unique())


def test_kwic_stance_filter_lists_the_stances_found(client, demo):
    page = _doc(client.get("/kwic?country=AZE&year=2015"))
    stances = page.xpath("//select[@name='stance']/option/@value")[1:]
    if "stance" in demo["matches"].columns:  # the stance stage records a stance per hit
        sel = demo["matches"][(demo["matches"]["year"] == 2015) & demo["matches"]["counted"]]
        assert stances == sorted(sel["stance"].dropna().unique())
        first = stances[0]
        assert len(_kwic_rows(client.get(f"/kwic?country=AZE&year=2015&stance={first}"))) == int((sel["stance"] == first).sum())
    else:
        assert stances == [] and page.xpath("//select[@name='stance']/@disabled")
        r = client.get("/kwic?country=AZE&year=2015&stance=reject")
        assert r.status_code == 400 and "Error [D851]" in r.text


def test_kwic_csv_equals_the_panel(client, demo):
    r = client.get("/kwic.csv?country=AZE&year=2015&show=all")
    assert r.headers["content-type"].startswith("text/csv")
    rows = _csv(r)
    sel = demo["matches"][(demo["matches"]["year"] == 2015)]
    assert [(x["doc_id"], int(x["start"]), x["entry_id"], x["pole"]) for x in rows] == list(
        zip(sel["doc_id"], sel["start"], sel["entry_id"], sel["pole"]))
    assert list(rows[0])[:6] == ["doc_id", "date", "year", "country", "doc_type", "language"]


# -- document ---------------------------------------------------------------------------------------------------
def test_document_view_marks_every_hit(client, demo):
    m = demo["matches"]
    doc_id = m[m["year"] == 2015]["doc_id"].iloc[0]
    hits = m[m["doc_id"] == doc_id]
    r = client.get(f"/doc/{doc_id}")
    assert r.status_code == 200
    page = _doc(r)
    marks = page.xpath("//article//mark")
    assert [mk.get("id") for mk in marks] == [f"hit-{s}" for s in hits["start"]]
    assert [" ".join(mk.text.split()) for mk in marks] == [" ".join(s.split()) for s in hits["surface"]]
    assert page.xpath("//section[@class='page']/@id") == ["page-1"]
    meta = {tr.xpath("./th")[0].text: tr.xpath("./td")[0].text_content() for tr in page.xpath("//table[@class='meta']/tr")}
    assert meta["id"] == doc_id and meta["date"] == "2015-11-20" and meta["country"] == "AZE"
    rows = _csv(client.get(f"/doc/{doc_id}/hits.csv"))
    assert [int(x["start"]) for x in rows] == hits["start"].tolist()
    r = client.get("/doc/0000000000000000")
    assert r.status_code == 404 and "Error [D852]" in r.text


def test_document_pages_of_a_pdf(client, demo):
    m = demo["matches"]
    pdf = m[m["doc_id"].isin(m.loc[m["page"] > 1, "doc_id"])]
    if pdf.empty:
        pytest.fail("the demo corpus has a multi-page PDF with hits on page 2 or later")
    doc_id = pdf["doc_id"].iloc[0]
    page = _doc(client.get(f"/doc/{doc_id}"))
    for hit in pdf[pdf["doc_id"] == doc_id].itertuples():
        mark = page.get_element_by_id(f"hit-{hit.start}")
        section = mark.xpath("ancestor::section[@class='page']")[0]
        assert section.get("id") == f"page-{hit.page}"


# -- term timelines ----------------------------------------------------------------------------------------------
def test_timeline_builder_entries_and_phrases(client, demo):
    r = client.get("/timeline?term=cis&term=non_aligned_movement&country=AZE&country=RUS")
    assert r.status_code == 200
    page = _doc(r)
    rows = [[td.text_content() for td in tr.xpath("./td")] for tr in page.xpath("//table[@class='timeline']/tbody/tr")]
    with Corpus.open(demo["db"]) as corpus:
        expected = []
        for country in ("AZE", "RUS"):
            frame = timeline(corpus, ["cis", "non_aligned_movement"], country=country)
            expected += [[country, str(y), t, str(c)] for y, t, c in zip(frame["year"], frame["term"], frame["count"])]
        phrase = timeline(corpus, ["integration into"], country="AZE")
    assert [r[:4] for r in rows] == expected
    spec = _spec(page, "timeline")
    assert {d["country"] for d in spec["data"]["values"]} == {"AZE", "RUS"}
    got = _csv(client.get("/timeline.csv?term=cis&term=non_aligned_movement&country=AZE&country=RUS"))
    assert [[x["country"], x["year"], x["term"], x["count"]] for x in got] == expected
    # a free phrase, searched with the full-text index
    got = _csv(client.get("/timeline.csv?phrase=integration+into&country=AZE"))
    assert [int(x["count"]) for x in got] == phrase["count"].tolist() and sum(phrase["count"]) >= 1
    # htmx asks for the result only
    r = client.get("/timeline?term=cis&country=AZE", headers={"HX-Request": "true"})
    assert "<html" not in r.text and 'id="chart-timeline" data-vl="' in r.text
    r = client.get("/timeline?country=AZE")
    assert "Tick one or more entries" in r.text


def test_timeline_limits(client):
    terms = "&".join(f"term=t{i}" for i in range(9))
    r = client.get(f"/timeline?{terms}&country=AZE")
    assert r.status_code == 400 and "Error [D851]" in r.text
    r = client.get("/timeline.csv?term=cis")
    assert r.status_code == 400 and "Error [D854]" in r.text


# -- safety ------------------------------------------------------------------------------------------------------
def test_post_without_csrf_token_is_refused(client):
    for headers, data in (({}, {}), ({"X-CSRF-Token": "wrong"}, {}), ({}, {"csrf_token": "wrong"})):
        r = client.post("/code", headers=headers, data=data)
        assert r.status_code == 403 and "Error [D853]" in r.text
    token = client.app.state.csrf_token
    page = client.get("/?country=AZE").text
    assert f'<meta name="csrf-token" content="{token}">' in page
    r = client.post("/code", headers={"X-CSRF-Token": token}, data={})
    assert r.status_code == 400 and "Error [D858]" in r.text  # past the token check: no coder, no sample


def test_other_hosts_are_refused(client):
    r = client.get("/?country=AZE", headers={"Host": "attacker.example"})
    assert r.status_code == 400 and "Error [D857]" in r.text
    assert r.headers["content-security-policy"] == CSP


def test_static_files_are_served_with_the_csp(client):
    for name in ("vendor/htmx.min.js", "vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js",
                 "vendor/vega-interpreter.min.js", "explore.js", "explore.css"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and len(r.content) > 1000, name
        assert r.headers["content-security-policy"] == CSP


def test_store_is_read_only(client):
    store = client.app.state.explorer.store
    assert store.readonly
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.conn.execute("CREATE TABLE intruder (x)")


def test_hostile_title_text_and_event_are_escaped(tmp_path):
    from starlette.testclient import TestClient

    db, events, doc_id = build_hostile(tmp_path)
    app = create_app(db, events=events, allowed_hosts=["testserver"])
    with TestClient(app) as c:
        pages = {url: c.get(url) for url in ("/?country=AZE", "/kwic?country=AZE&year=2015&show=all", f"/doc/{doc_id}",
                                              "/kwic?country=AZE&year=2015")}
        for url, r in pages.items():
            assert r.status_code == 200, url
            assert "<script>alert" not in r.text and "<img src=x" not in r.text and "</script><" not in r.text, url
        assert "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;" in pages[f"/doc/{doc_id}"].text
        assert "Speech &lt;/script&gt;&lt;script&gt;alert(&#34;title&#34;)" in pages[f"/doc/{doc_id}"].text
        overview = _doc(pages["/?country=AZE"])
        assert [e.text for e in overview.xpath("//table[@class='events']/tbody/tr/td[3]")] == [HOSTILE_EVENT]
        raw = pages["/?country=AZE"].text
        assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(\\&#34;event\\&#34;)" in raw  # the event label in the chart's JSON
        spec = _spec(overview, "score")
        assert [l for l in spec["layer"] if "data" in l][0]["data"]["values"][0]["label"] == HOSTILE_EVENT
        titles = _doc(pages["/kwic?country=AZE&year=2015&show=all"]).xpath("//td[@class='doc']/a/@title")
        assert titles and set(titles) == {HOSTILE_TITLE}
        # the CSV of the KWIC neutralizes the formula that starts a context
        rows = _csv(c.get("/kwic.csv?country=AZE&year=2015&show=all"))
        assert rows[0]["left"].startswith("'=HYPERLINK(")
        assert rows[0]["title"] == HOSTILE_TITLE


def test_serves_while_a_batch_writes(tmp_path):
    """A writer holding the store (WAL) does not block the explorer; its document shows once committed."""
    from starlette.testclient import TestClient

    db, events, _ = build_hostile(tmp_path)
    app = create_app(db, events=events, allowed_hosts=["testserver"])
    writer = Corpus.open(db)
    try:
        with TestClient(app) as c:
            assert 'title="stored after' not in c.get("/?country=AZE").text
            with writer.store.write():
                add(writer, "Euro-Atlantic integration again.", date="2016-01-01")
                t0 = time.perf_counter()
                r = c.get("/?country=AZE")
                assert r.status_code == 200 and time.perf_counter() - t0 < 10
                assert re.search(r"\b1 document\b", r.text)  # the uncommitted document is not seen
            r = c.get("/?country=AZE")
            assert re.search(r"\b2 documents\b", r.text) and "1 not yet matched" in r.text
            assert [int(tr.xpath(".//button")[0].text) for tr in _doc(r).xpath("//table[@class='years']/tbody/tr")] == [2015, 2016]
    finally:
        writer.close()


def test_no_store_is_d850(tmp_path):
    with pytest.raises(ExploreError) as err:
        create_app(tmp_path / "none.sqlite")
    assert err.value.code == "D850"


# -- command line ----------------------------------------------------------------------------------------------
def _start(args, env=None):
    cmd = [sys.executable, "-c", "import sys; from discourse.cli import main; sys.exit(main(sys.argv[1:]))", *args]
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ)


def test_cli_prints_the_url_and_serves(demo):
    import httpx

    proc = _start(["explore", "--db", str(demo["db"]), "--port", "0", "--no-refresh"])
    try:
        line = proc.stdout.readline()
        m = re.match(r"discourse explorer on (http://127\.0\.0\.1:(\d+)/)", line)
        assert m, line
        r = httpx.get(m.group(1) + "?country=AZE", timeout=30)
        assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_cli_warns_on_another_host(demo):
    import httpx

    proc = _start(["explore", "--db", str(demo["db"]), "--host", "0.0.0.0", "--no-refresh"])
    try:
        line = proc.stdout.readline()
        port = re.match(r"discourse explorer on http://0\.0\.0\.0:(\d+)/", line).group(1)
        r = httpx.get(f"http://127.0.0.1:{port}/?country=AZE", timeout=30)
        assert r.status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "Warning: listening on 0.0.0.0" in err


# -- coding ------------------------------------------------------------------------------------------------------
def test_coding_view_writes_codes_the_validation_report_reads(demo, tmp_path):
    from starlette.testclient import TestClient

    from discourse.validate import codes_frame, report, sample

    db = copy_store(demo["db"], tmp_path / "coding.sqlite")
    with Corpus.open(db) as corpus:
        drawn = sample(corpus, per_entry=1, seed=7)
    ids = sorted(drawn.loc[drawn["sample_kind"] == "hit", "sample_id"])
    app = create_app(db, events=EVENTS, allowed_hosts=["testserver"])
    assert app.state.explorer.store.readonly
    token = app.state.csrf_token
    with TestClient(app) as c:
        page = _doc(c.get("/code?coder=tester"))
        assert page.xpath("//input[@name='sample_id']/@value") == [ids[0]]
        assert f"0 of {len(ids)} lines coded by tester" in page.text_content()
        mark = page.xpath("//div[@class='sentence']/mark")[0].text
        first = drawn.set_index("sample_id").loc[ids[0]]
        assert mark == first["sentence"].split("[[")[1].split("]]")[0]
        r = c.post("/code", data={"csrf_token": token, "coder": "tester", "sample_id": ids[0], "code_sense": "no",
                                  "code_stance": "mention", "note": "=not a formula"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/code?coder=tester&saved=" + ids[0])
        page = _doc(c.get(r.headers["location"]))
        assert page.xpath("//input[@name='sample_id']/@value") == [ids[1]]
        assert f"1 of {len(ids)} lines coded by tester" in page.text_content()
        # coding again replaces; a value outside the codebook is the importer's D705; no code at all is D858
        r = c.post("/code", headers={"X-CSRF-Token": token}, data={"coder": "tester", "sample_id": ids[0],
                                                                   "code_sense": "yes", "code_stance": "reject"})
        assert r.status_code == 200
        r = c.post("/code", headers={"X-CSRF-Token": token}, data={"coder": "tester", "sample_id": ids[1],
                                                                   "code_stance": "maybe"})
        assert r.status_code == 400 and "Error [D705]" in r.text
        r = c.post("/code", headers={"X-CSRF-Token": token}, data={"coder": "tester", "sample_id": ids[1]})
        assert r.status_code == 400 and "Error [D858]" in r.text
        r = c.post("/code", headers={"X-CSRF-Token": token}, data={"coder": "tester", "sample_id": "h-nothing",
                                                                   "code_sense": "yes"})
        assert r.status_code == 400 and "Error [D858]" in r.text
    with Corpus.open(db) as corpus:
        codes = codes_frame(corpus)
        assert codes[["sample_id", "coder", "code_sense", "code_stance", "note"]].values.tolist() == [
            [ids[0], "tester", "yes", "reject", None]]
        lines = report(corpus)["coded_lines"]
    row = lines.set_index("sample_id").loc[ids[0]]
    assert (row["coders"], row["sense"], row["code_stance"]) == ("tester", "yes", "reject")


def test_coding_view_without_the_validation_stage(demo):
    from starlette.testclient import TestClient

    app = create_app(demo["db"], allowed_hosts=["testserver"], codes=None)
    with TestClient(app) as c:
        assert 'href="/code"' not in c.get("/?country=AZE").text
        r = c.get("/code?coder=x")
        assert r.status_code == 404 and "Error [D856]" in r.text


def test_vendored_files_match_their_recorded_versions_and_checksums():
    import hashlib

    vendor = ROOT / "src" / "discourse" / "explore" / "static" / "vendor"
    rows = re.findall(r"^\| `([^`]+)` \| ([\w.-]+) \| ([\d.]+) \| ([\w.-]+) \| `([0-9a-f]{16})…` \|$",
                      (vendor / "VENDOR.md").read_text(encoding="utf-8"), flags=re.M)
    assert sorted(r[0] for r in rows) == sorted(p.name for p in vendor.glob("*.js"))
    for name, package, version, licence, digest in rows:
        if package not in ("vega", "vega-interpreter"):  # those two ship no licence file (see VENDOR.md)
            assert (vendor / f"{package.split('.')[0]}.LICENSE").is_file(), package
        data = (vendor / name).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:16] == digest, name
    base = (ROOT / "src" / "discourse" / "explore" / "templates" / "base.html.j2").read_text(encoding="utf-8")
    assert sorted(re.findall(r'src="/static/vendor/([^"]+)"', base)) == sorted(r[0] for r in rows)


def test_stance_columns_are_shown_and_filtered(demo, tmp_path):
    """With the stance stage's columns on the matches (added here when this store has none), the KWIC panel lists
    the stances found, filters by them, and shows stance, cue and inferred targets."""
    from starlette.testclient import TestClient

    from discourse.lexicon import load_lexicon

    db = copy_store(demo["db"], tmp_path / "stance.sqlite")
    con = sqlite3.connect(db)
    have = {r[1] for r in con.execute("PRAGMA table_info(matches)")}
    for col, kind in (("stance", "TEXT"), ("stance_cue", "TEXT"), ("stance_rule", "TEXT"), ("target_inferred", "INTEGER")):
        if col not in have:
            con.execute(f"ALTER TABLE matches ADD COLUMN {col} {kind}")
    con.execute("UPDATE matches SET stance = CASE WHEN negated = 1 THEN 'reject' ELSE 'mention' END, "
                "stance_cue = negation_cue, stance_rule = 'test', target_inferred = (start % 2)")
    con.commit()
    hashes = [e.hash for e in load_lexicon().entries]
    marks = ",".join("?" * len(hashes))
    expected = dict(con.execute(
        f"SELECT m.stance, COUNT(*) FROM matches m JOIN documents d ON d.id = m.doc_id WHERE d.year = 2015 AND "
        f"d.country = 'AZE' AND m.entry_hash IN ({marks}) GROUP BY m.stance", hashes).fetchall())
    con.close()
    assert set(expected) == {"reject", "mention"}  # 2015 has negated hits ("no need for integration") and others
    app = create_app(db, events=EVENTS, allowed_hosts=["testserver"])
    with TestClient(app) as c:
        page = _doc(c.get("/kwic?country=AZE&year=2015&show=all"))
        options = page.xpath("//select[@name='stance']/option")
        assert [(o.get("value"), o.text) for o in options[1:]] == [(k, f"{k} ({n})") for k, n in sorted(expected.items())]
        for stance, n in expected.items():
            rows = _kwic_rows(c.get(f"/kwic?country=AZE&year=2015&show=all&stance={stance}"))
            assert len(rows) == n
            assert {tr.xpath(".//span[@class='stance']")[0].text for tr in rows} == {stance}
        rejected = _kwic_rows(c.get("/kwic?country=AZE&year=2015&show=all&stance=reject"))
        cue = rejected[0].xpath(".//td[@class='what']//span[starts-with(@title, 'cue')]")[0]
        assert cue.get("title") == "cue, rule test" and cue.text.startswith("“") and cue.text.endswith("”")
        rows = _csv(c.get("/kwic.csv?country=AZE&year=2015&show=all"))
        assert {"stance", "stance_cue", "stance_rule", "target_inferred"} <= set(rows[0])
        assert sorted({r["stance"] for r in rows}) == sorted(expected)


def test_scaling_model_series_is_drawn_when_a_model_is_fitted(demo, monkeypatch):
    """The overview draws a fitted model's yearly series (from discourse.scaling's model_year_series, replaced
    here by a fixed series) and lets the user choose among the fitted models."""
    import pandas as pd
    from starlette.testclient import TestClient

    from discourse.explore import data as D

    series = pd.DataFrame({"year": [2007, 2015], "score": [-0.8, 0.4], "ci_low": [-1.1, 0.1], "ci_high": [-0.5, 0.7]})
    series.attrs["kind"] = "lss"
    asked = []

    def fake_series(ex, name, country, lo, hi):
        asked.append((name, country, lo, hi))
        return (series, None) if name == "orient" else (None, f"Model {name}: <cannot> score")

    monkeypatch.setattr(D, "scaling_models", lambda ex: ["orient", "other"])
    monkeypatch.setattr(D, "model_series", fake_series)
    app = create_app(demo["db"], events=EVENTS, allowed_hosts=["testserver"])
    with TestClient(app) as c:
        page = _doc(c.get("/?country=AZE"))
        assert page.xpath("//select[@name='model']/option/@value") == ["orient", "other"]
        spec = _spec(page, "model")
        assert [(d["year"], d["score"], d["ci_low"]) for d in spec["data"]["values"]] == [(2007, -0.8, -1.1), (2015, 0.4, 0.1)]
        assert spec["encoding"]["y"]["title"].startswith("orient (lss)")
        r = c.get("/?country=AZE&model=other")
        assert "Model other: &lt;cannot&gt; score" in r.text and 'id="chart-model"' not in r.text
        r = c.get("/?country=AZE&model=none")
        assert r.status_code == 400 and "Error [D851]" in r.text
    assert asked == [("orient", "AZE", 2005, 2020), ("other", "AZE", 2005, 2020)]


def test_no_fitted_model_no_model_section(client):
    assert "Scaling model" not in client.get("/?country=AZE").text  # no model fitted beside the demo store


def test_a_fitted_lss_model_is_drawn_from_the_read_only_store(demo, tmp_path):
    """A model fitted with the scaling stage beside (a copy of) the demo store: the overview draws its yearly
    series, equal to discourse.scaling.models.model_year_series."""
    from starlette.testclient import TestClient

    from discourse.scaling.models import fit_model, model_year_series

    db = copy_store(demo["db"], tmp_path / "scaling.sqlite")
    with Corpus.open(db) as corpus:
        fit_model(corpus, "lss", "orient", k=5, terms=None)
        expected = model_year_series(corpus, "orient", "AZE", 2005, 2020)
    app = create_app(db, events=EVENTS, allowed_hosts=["testserver"])
    with TestClient(app) as c:
        page = _doc(c.get("/?country=AZE"))
    assert page.xpath("//select[@name='model']/option/@value") == ["orient"]
    got = {d["year"]: d for d in _spec(page, "model")["data"]["values"]}
    scored = expected.dropna(subset=["model_score"])
    assert sorted(got) == scored.index.tolist() and len(got) >= 8  # the English documents of AZE
    for year, row in scored.iterrows():
        assert got[year]["score"] == pytest.approx(row["model_score"])
        assert got[year]["ci_low"] == pytest.approx(row["model_ci_low"])
