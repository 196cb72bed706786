"""discourse.web against a local HTTP server (127.0.0.1, port 0, a thread of this process): politeness, every
refusal, conditional re-runs, raw responses kept, and a fetch killed mid-download.

Every page, feed and PDF here is illustrative, generated for the tests. Requests go to loopback only, which is
why every test passes ``allow_private=True`` (one test checks that loopback is refused without it).
"""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discourse import Corpus
from discourse.errors import FetchError
from discourse.metadata import DocumentMeta
from discourse.store import web as web_store
from discourse.web.charset import reader_bytes
from discourse.web.client import Client, FetchSettings
from discourse.web.fetch import extract_pending, fetch_feed, fetch_urls

from pdfgen import running_header_pdf
from webserver import Server, html_page, rss, static

ROOT = Path(__file__).resolve().parents[1]
FAST = FetchSettings(allow_private=True, min_delay=0.0, connect_timeout=2.0, read_timeout=2.0, retries=2,
                     backoff=0.05, backoff_cap=0.2)
EN = ["The republic supports dialogue and cooperation with all its neighbours in the region.",
      "Our foreign policy rests on partnership, balance and mutual respect between states."]


@pytest.fixture
def server():
    s = Server()
    s.routes["/robots.txt"] = static(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    yield s
    s.close()


def _page(i: int, date: str = "2025-03-04") -> bytes:
    return html_page(f"Illustrative speech {i}", [f"Speech number {i}. " + EN[0], EN[1]], date=date)


def _urls(tmp_path, lines: list[str]) -> Path:
    path = tmp_path / "urls.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _one(corpus, url: str) -> dict:
    frame = corpus.documents()
    rows = frame[frame["source_path"] == url]
    assert len(rows) == 1, frame[["source_path"]]
    return rows.iloc[0].to_dict()


# -- a fetched page lands as a document with its metadata, language and raw response ---------------------------
def test_page_lands_with_metadata_language_and_raw_response(server, tmp_path):
    body = _page(1, date="2025-03-04")
    server.routes["/speech/1"] = static(body, extra={"Last-Modified": "Tue, 04 Mar 2025 10:00:00 GMT"})
    manifest = tmp_path / "list.csv"
    manifest.write_text("url,title,doc_type,country,speaker\n"
                        f"{server.base}/speech/1,Speech in an illustrative town,speech,AZE,Illustrative Speaker\n")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, manifest, settings=FAST, workers=0)
        assert report.counts() == {"fetched": 1, "not_modified": 0, "skipped": 0, "fetch_failed": 0, "added": 1,
                                   "updated": 0, "unchanged": 0, "extract_failed": 0}
        url = f"{server.base}/speech/1"
        doc = _one(corpus, url)
        assert (doc["title"], doc["doc_type"], doc["country"], doc["speaker"], doc["date"], doc["language"],
                doc["source_url"], doc["extractor"]) == (
            "Speech in an illustrative town", "speech", "AZE", "Illustrative Speaker", "2025-03-04", "en", url,
            "trafilatura")
        assert corpus.text(doc["id"]) == "Illustrative speech 1\n\nSpeech number 1. " + EN[0] + "\n\n" + EN[1]
        with corpus.store.read() as conn:
            (raw,) = web_store.responses_for(conn, url)
        assert raw["body"] == body and raw["final_url"] == url and raw["status"] == 200
        assert raw["headers"]["content-type"] == "text/html; charset=utf-8"
        assert raw["etag"] == server.routes["/speech/1"](type("R", (), {"headers": {}})())[1]["ETag"]
        assert raw["last_modified"] == "Tue, 04 Mar 2025 10:00:00 GMT" and raw["fetched_at"]
        assert raw["doc_id"] == doc["id"] and raw["meta"]["doc_type"] == "speech"
        # The request named discourse in its User-Agent.
        agents = {r.headers["user-agent"] for r in server.log}
        assert len(agents) == 1 and agents.pop().startswith("discourse/")

        # A re-run asks conditionally and downloads nothing; extraction re-runs from the stored bytes offline.
        again = fetch_urls(corpus, manifest, settings=FAST, workers=0)
        assert again.not_modified == [url] and again.fetched == [] and again.ingest.unchanged == [(url, doc["id"])]
        assert server.count("/speech/1", 200) == 1 and server.count("/speech/1", 304) == 1
        assert server.log[-1].headers["if-none-match"] == raw["etag"]
        assert server.log[-1].headers["if-modified-since"] == raw["last_modified"]
        server.close()
        offline = extract_pending(corpus, [url], meta=DocumentMeta(speaker="Another Speaker"), workers=0)
        assert offline.ingest.updated == [(url, doc["id"])]
        assert _one(corpus, url)["speaker"] == "Another Speaker"


def test_loopback_refused_without_allow_private(server, tmp_path):
    server.routes["/speech/1"] = static(_page(1))
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/speech/1"]),
                            settings=FetchSettings(min_delay=0.0), workers=0)
    assert [(c, m) for _, c, m in report.failed] == [
        ("D801", "127.0.0.1 resolves to loopback address 127.0.0.1; refused")]
    assert server.log == []


def test_only_http_and_https(tmp_path):
    with pytest.raises(FetchError) as err:
        fetch_urls(Corpus.open(":memory:"), _urls(tmp_path, ["ftp://example.org/a.pdf"]), settings=FAST)
    assert err.value.code == "D800" and "urls.txt line 1" in err.value.message


# -- politeness and robustness ------------------------------------------------------------------------------------
def test_robots_disallow(server, tmp_path):
    server.routes["/private/speech"] = static(_page(1))
    server.routes["/speech/2"] = static(_page(2))
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/private/speech", f"{server.base}/speech/2"]),
                            settings=FAST, workers=0)
    assert [c for _, c, _ in report.failed] == ["D803"]
    assert report.failed[0][2] == (f"{server.base}/private/speech: disallowed by {server.base}/robots.txt for "
                                   "discourse")
    assert [u for u, _ in report.added] == [f"{server.base}/speech/2"]
    assert server.count("/private/speech") == 0 and server.count("/robots.txt") == 1


def test_min_delay_per_host(server):
    server.routes["/a"] = static(b"<html><body><p>a</p></body></html>")
    with Client(FAST.with_(min_delay=0.4)) as client:
        client.get(f"{server.base}/a")
        client.get(f"{server.base}/a")
    times = [r.t for r in server.log]  # robots.txt, /a, /a
    assert len(times) == 3 and times[1] - times[0] >= 0.38 and times[2] - times[1] >= 0.38


def test_429_with_retry_after(server, tmp_path):
    body = _page(3)

    def throttled(request):
        if request.n == 1:
            return 429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"slow down"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    server.routes["/speech/3"] = throttled
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/speech/3"]), settings=FAST, workers=0)
    assert report.counts()["added"] == 1
    first, second = [r for r in server.log if r.path == "/speech/3"]
    assert (first.status, second.status) == (429, 200)
    assert second.t - first.t >= 0.95  # the server's Retry-After, not the 0.05 s backoff


def test_503_then_200_and_503_for_good(server, tmp_path):
    body = _page(4)
    server.routes["/speech/4"] = lambda r: ((503, {}, b"busy") if r.n == 1 else
                                           (200, {"Content-Type": "text/html"}, body))
    server.routes["/down"] = lambda r: (503, {}, b"busy")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/speech/4", f"{server.base}/down"]),
                            settings=FAST, workers=0)
    assert [u for u, _ in report.added] == [f"{server.base}/speech/4"]
    assert [r.status for r in server.log if r.path == "/speech/4"] == [503, 200]
    assert report.failed == [(f"{server.base}/down", "D808", f"{server.base}/down: HTTP 503 after 3 attempt(s)")]
    assert server.count("/down") == 3  # retries=2: three attempts, then it gives up


def test_redirects_followed_loop_refused_and_each_hop_checked(server):
    server.routes["/old"] = lambda r: (301, {"Location": "/new"}, b"")
    server.routes["/new"] = static(_page(5))
    server.routes["/a"] = lambda r: (302, {"Location": "/b"}, b"")
    server.routes["/b"] = lambda r: (302, {"Location": f"{server.base}/a"}, b"")
    server.routes["/jump"] = lambda r: (302, {"Location": "file:///etc/passwd"}, b"")
    server.routes["/hidden"] = lambda r: (302, {"Location": "/private/x"}, b"")
    with Client(FAST) as client:
        response = client.get(f"{server.base}/old")
        assert (response.final_url, response.redirects) == (f"{server.base}/new", (f"{server.base}/old",))
        with pytest.raises(FetchError) as loop:
            client.get(f"{server.base}/a")
        with pytest.raises(FetchError) as scheme:
            client.get(f"{server.base}/jump")
        with pytest.raises(FetchError) as robots:
            client.get(f"{server.base}/hidden")
    assert loop.value.code == "D805" and loop.value.message == (
        f"{server.base}/a: redirect loop ({server.base}/a -> {server.base}/b -> {server.base}/a)")
    assert scheme.value.code == "D800" and robots.value.code == "D803"
    assert server.count("/private/x") == 0


def test_response_slower_than_read_timeout(server):
    def slow(request):
        time.sleep(1.0)
        return 200, {"Content-Type": "text/html"}, _page(6)

    server.routes["/slow"] = slow
    started = time.monotonic()
    with Client(FAST.with_(read_timeout=0.3, retries=1)) as client, pytest.raises(FetchError) as err:
        client.get(f"{server.base}/slow")
    assert err.value.code == "D806"
    assert err.value.message == f"{server.base}/slow: timed out waiting for the response (0.3 s), 2 attempt(s)"
    assert time.monotonic() - started < 1.5 and server.count("/slow") == 2


def test_body_past_the_size_limit(server):
    big = b"<html><body>" + b"<p>word</p>" * 20_000 + b"</body></html>"  # ~220 KB
    server.routes["/declared"] = lambda r: (200, {"Content-Type": "text/html"}, big)
    server.routes["/streamed"] = lambda r: (200, {"Content-Type": "text/html"}, iter([big[i:i + 8192] for i in
                                                                                      range(0, len(big), 8192)]))
    with Client(FAST.with_(max_bytes=100_000)) as client:
        with pytest.raises(FetchError) as declared:
            client.get(f"{server.base}/declared")
        with pytest.raises(FetchError) as streamed:
            client.get(f"{server.base}/streamed")
    assert declared.value.code == streamed.value.code == "D811"
    assert "(Content-Length)" in declared.value.message and "stopped reading" in streamed.value.message


def test_gzip_page_and_gzip_bomb(server, tmp_path):
    page = _page(7)
    server.routes["/zipped"] = lambda r: (200, {"Content-Type": "text/html; charset=utf-8",
                                                "Content-Encoding": "gzip"}, gzip.compress(page))
    bomb = gzip.compress(b"\0" * (64 << 20), compresslevel=9)  # 64 MiB of zeros in ~64 KB
    server.routes["/bomb"] = lambda r: (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    with Client(FAST.with_(max_bytes=1 << 20, max_decoded_bytes=2 << 20)) as client:
        assert client.get(f"{server.base}/zipped").body == page
        assert server.log[-1].headers["accept-encoding"] == "gzip, deflate"
        with pytest.raises(FetchError) as err:
            client.get(f"{server.base}/bomb")
    assert len(bomb) < 1 << 20  # small on the wire: only the decompression limit stops it
    assert err.value.code == "D813" and "decompresses to more than 2,097,152 bytes" in err.value.message


def test_wrong_charset_in_header(server, tmp_path):
    russian = ("Россия и её соседи развивают добрососедские отношения и сотрудничество в регионе. "
               "Это учебный пример текста для проверки кодировки.")
    cp1251 = f"<html><head><title>Пример</title></head><body><article><p>{russian}</p></article></body></html>"
    # The header claims UTF-8; the bytes are Windows-1251 and the page has no <meta charset> and no lang.
    server.routes["/ru"] = static(cp1251.encode("cp1251"), "text/html; charset=utf-8")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/ru"]), settings=FAST, workers=0)
        assert report.counts()["added"] == 1
        doc = _one(corpus, f"{server.base}/ru")
        assert corpus.text(doc["id"]) == russian
        assert (doc["language"], doc["quality_flags"]) == ("ru", "")  # detected: neither page nor user gave it
    # The opposite lie: a Western charset in the header over UTF-8 bytes is read as UTF-8.
    data, notes = reader_bytes("<p>Azərbaycan</p>".encode("utf-8"), "text/html; charset=iso-8859-1", "html")
    assert data.decode("utf-8-sig") == "<p>Azərbaycan</p>" and notes == [
        "header says iso-8859-1 but the bytes are UTF-8; read as UTF-8"]
    # A true header charset decides over detection.
    data, notes = reader_bytes("<p>Пример</p>".encode("koi8-r"), "text/html; charset=KOI8-R", "html")
    assert data.decode("utf-8-sig") == "<p>Пример</p>" and notes == []


def test_pdf_link(server, tmp_path):
    pdf = running_header_pdf([["An illustrative statement on regional cooperation.", "",
                               "The second paragraph of the illustrative statement."]])
    server.routes["/docs/statement.pdf"] = static(pdf, "application/pdf")
    server.routes["/feed.xml"] = static(rss(server.base, [("/docs/statement.pdf", "An illustrative statement",
                                                           "Tue, 04 Mar 2025 10:00:00 +0000")]),
                                        "application/rss+xml")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_feed(corpus, f"{server.base}/feed.xml", settings=FAST, workers=0)
        assert report.counts()["added"] == 1, report.to_frame()
        doc = _one(corpus, f"{server.base}/docs/statement.pdf")
        assert (doc["title"], doc["date"], doc["language"], doc["pages"]) == (
            "An illustrative statement", "2025-03-04", "en", 1)
        assert doc["extractor"].startswith("pdfplumber")
        text = corpus.text(doc["id"])
        assert "An illustrative statement on regional cooperation." in text
        assert "The second paragraph of the illustrative statement." in text


# -- feeds: only the new items on a second run ----------------------------------------------------------------------
def _feed_routes(server, n: int) -> None:
    items = []
    for i in range(n):
        server.routes[f"/item/{i}"] = static(_page(i, date=f"2025-02-{i + 1:02d}"))
        items.append((f"/item/{i}", f"Illustrative item {i}", f"Sat, {i + 1:02d} Feb 2025 09:00:00 +0000"))
    server.routes["/feed.xml"] = static(rss(server.base, items[::-1]), "application/rss+xml")


def test_feed_three_new_of_ten_on_second_run(server, tmp_path):
    _feed_routes(server, 7)
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        first = fetch_feed(corpus, f"{server.base}/feed.xml", settings=FAST, workers=0)
        assert first.counts()["added"] == 7 and first.ok
        _feed_routes(server, 10)
        second = fetch_feed(corpus, f"{server.base}/feed.xml", settings=FAST, workers=0,
                            meta=DocumentMeta(doc_type="speech", country="RUS"))
        assert sorted(u for u, _ in second.added) == [f"{server.base}/item/{i}" for i in (7, 8, 9)]
        assert second.counts() == {"fetched": 3, "not_modified": 7, "skipped": 0, "fetch_failed": 0, "added": 3,
                                   "updated": 7, "unchanged": 0, "extract_failed": 0}
        for i in range(10):
            assert server.count(f"/item/{i}", 200) == 1  # each page downloaded once
        assert len(corpus) == 10
        frame = corpus.documents()
        assert set(frame["doc_type"]) == {"speech"} and set(frame["country"]) == {"RUS"}
        assert frame.set_index("source_path").loc[f"{server.base}/item/8", "title"] == "Illustrative item 8"
        since = fetch_feed(corpus, f"{server.base}/feed.xml", settings=FAST, workers=0, since="2025-02-09")
        assert len(since.skipped) == 8 and sorted(since.not_modified) == [f"{server.base}/item/{i}" for i in (8, 9)]


def test_not_a_feed(server, tmp_path):
    server.routes["/page"] = static(_page(1))
    with pytest.raises(FetchError) as err:
        fetch_feed(Corpus.open(":memory:"), f"{server.base}/page", settings=FAST, workers=0)
    assert err.value.code == "D816"


# -- the weekly script ---------------------------------------------------------------------------------------------
def test_ingest_speeches_feed_script(server, tmp_path):
    _feed_routes(server, 4)
    db = tmp_path / "s.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, str(ROOT / "scripts" / "ingest_speeches.py"), "--feed", f"{server.base}/feed.xml",
           "--allow-private", "--delay", "0", "--workers", "0", "--db", str(db), "--type", "speech"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{server.base}/feed.xml: documents added 4, updated 0, unchanged 0; pages fetched "
                               "4, not modified 0, skipped 0, failed 0 (6 requests")
    assert len(lines) == 6 and all(f"{server.base}/item/" in line for line in lines[2:])
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0].startswith(
        f"{server.base}/feed.xml: documents added 0, updated 0, unchanged 4; pages fetched 0, not modified 4")
    assert len(again.stdout.splitlines()) == 1


def test_cli_fetch_urls(server, tmp_path):
    from discourse.cli import main

    server.routes["/speech/1"] = static(_page(1))
    server.routes["/gone"] = lambda r: (404, {}, b"")
    urls = _urls(tmp_path, [f"{server.base}/speech/1", f"{server.base}/gone"])
    code = main(["fetch", "urls", str(urls), "--allow-private", "--delay", "0", "--workers", "0", "--country", "AZE",
                 "--db", str(tmp_path / "s.sqlite"), "--format", "json"])
    assert code == 1  # one page failed; the other is stored
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        assert corpus.documents()["country"].tolist() == ["AZE"]


# -- a fetch killed mid-download ---------------------------------------------------------------------------------
CHILD = r"""
import sys
from discourse import Corpus
from discourse.web.client import FetchSettings
from discourse.web.fetch import fetch_feed
with Corpus.open(sys.argv[1]) as corpus:
    fetch_feed(corpus, sys.argv[2], settings=FetchSettings(allow_private=True, min_delay=0.0), workers=0)
print("finished", flush=True)
"""


def test_kill_in_the_middle_of_a_fetch(server, tmp_path):
    n = 6
    pages = {i: _page(i, date=f"2025-02-{i + 1:02d}") for i in range(n)}

    def item(i):
        etag = f'"p{i}"'

        def handler(request):
            if request.headers.get("if-none-match") == etag:
                return 304, {"ETag": etag}, b""
            headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag}
            if i == 3 and request.n == 1:  # the first download of item 3 stalls half-way: the kill lands there
                return 200, headers, iter([pages[i][:200], 2.0, pages[i][200:]])
            return 200, headers, pages[i]
        return handler

    items = []
    for i in range(n):
        server.routes[f"/item/{i}"] = item(i)
        items.append((f"/item/{i}", f"Illustrative item {i}", f"Sat, {i + 1:02d} Feb 2025 09:00:00 +0000"))
    server.routes["/feed.xml"] = static(rss(server.base, items), "application/rss+xml")
    db = tmp_path / "s.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), f"{server.base}/feed.xml"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while server.count("/item/3") == 0 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.01)
    time.sleep(0.2)  # the child has read the first 200 bytes of item 3 and waits for the rest
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = [u for (u,) in conn.execute("SELECT url FROM web_responses WHERE url LIKE '%/item/%' ORDER BY url")]
    assert stored == [f"{server.base}/item/{i}" for i in range(3)]  # whole bodies only: item 3 was cut
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0  # extraction had not begun
    conn.close()

    with Corpus.open(db) as corpus:
        report = fetch_feed(corpus, f"{server.base}/feed.xml", settings=FAST, workers=0)
        assert report.counts()["added"] == n and report.ok
        assert sorted(report.fetched) == [f"{server.base}/item/{i}" for i in range(3, n)]
        assert sorted(report.not_modified) == [f"{server.base}/item/{i}" for i in range(3)]
        assert len(corpus) == n
        rows = corpus.store.conn.execute("SELECT url, count(*), count(doc_id) FROM web_responses "
                                         "WHERE url LIKE '%/item/%' GROUP BY url ORDER BY url").fetchall()
        assert rows == [(f"{server.base}/item/{i}", 1, 1) for i in range(n)]
        assert corpus.store.integrity_check() == "ok"
    for i in range(3):
        assert server.count(f"/item/{i}", 200) == 1  # not downloaded again


# -- sources.csv, lists and refusals -------------------------------------------------------------------------------
def test_fetch_sources_with_their_metadata(server, tmp_path):
    from discourse.web.fetch import fetch_sources

    server.routes["/en/articles/view/1"] = static(_page(1, date="2015-11-04"))
    server.routes["/statement.pdf"] = static(running_header_pdf([["An illustrative statement of a ministry."]]),
                                             "application/pdf")
    table = tmp_path / "sources.csv"
    table.write_text(
        "id,title,date,doc_type,country,speaker,issuing_body,legal_reference,languages,official_url,note\n"
        f"aze-speech,Illustrative speech,2015-11-04,speech,AZE,Illustrative Speaker,,,en;az,{server.base}/en/articles/view/1,\n"
        f"rus-doc,Illustrative statement,2008-07-03,declaration,RUS,,,,ru,{server.base}/statement.pdf,\n",
        encoding="utf-8")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        with pytest.raises(FetchError) as err:
            fetch_sources(corpus, table, ids=["nope"], settings=FAST)
        assert err.value.code == "D819" and err.value.hint == "ids: aze-speech, rus-doc"
        report = fetch_sources(corpus, table, ids=["aze-speech", "rus-doc"], settings=FAST, workers=0)
        assert report.counts()["added"] == 2 and report.ok
        frame = corpus.documents().set_index("source_path")
        speech = frame.loc[f"{server.base}/en/articles/view/1"]
        assert (speech["title"], speech["date"], speech["doc_type"], speech["country"], speech["speaker"],
                speech["language"]) == ("Illustrative speech", "2015-11-04", "speech", "AZE", "Illustrative Speaker",
                                        "en")  # two languages listed: the page's lang="en" decides
        pdf = frame.loc[f"{server.base}/statement.pdf"]
        # One language listed: it is stated (the English test text is not re-detected over it).
        assert (pdf["title"], pdf["doc_type"], pdf["language"], pdf["quality_flags"]) == (
            "Illustrative statement", "declaration", "ru", "")


def test_list_errors_name_the_line(server, tmp_path):
    bad_column = tmp_path / "a.csv"
    bad_column.write_text(f"url,colour\n{server.base}/x,red\n", encoding="utf-8")
    bad_value = tmp_path / "b.csv"
    bad_value.write_text(f"url,doc_type\n{server.base}/x,speech\n{server.base}/y,sermon\n", encoding="utf-8")
    corpus = Corpus.open(":memory:")
    with pytest.raises(FetchError) as column:
        fetch_urls(corpus, bad_column, settings=FAST)
    assert (column.value.code, column.value.message) == ("D818", f"{bad_column} line 1: unknown column(s) 'colour'")
    from discourse.errors import IngestError

    with pytest.raises(IngestError) as value:
        fetch_urls(corpus, bad_value, settings=FAST)
    assert (value.value.code, value.value.message) == ("D113", f"{bad_value} line 3: unknown doc_type 'sermon'")
    assert server.log == []  # nothing fetched: the whole list is checked first


def test_media_refused_before_it_is_stored(server, tmp_path):
    server.routes["/photo"] = static(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/photo"]), settings=FAST, workers=0)
        assert [c for _, c, _ in report.failed] == ["D815"]
        assert corpus.store.conn.execute("SELECT count(*) FROM web_responses").fetchone()[0] == 0


def test_cli_import_stays_light():
    done = subprocess.run([sys.executable, "-c", "import sys, discourse.cli, discourse.web; "
                           "print(sorted(m for m in ('httpx', 'feedparser', 'lingua') if m in sys.modules))"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize("address, what", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("10.1.2.3", "private"),
    ("192.168.0.10", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-public"),
])
def test_non_public_addresses_refused(address, what):
    from discourse.web.addresses import check_address

    with pytest.raises(FetchError) as err:
        check_address("example.test", address, allow_private=False)
    assert (err.value.code, err.value.message) == ("D801", f"example.test resolves to {what} address "
                                                           f"{address.replace('::ffff:', '')}; refused")
    check_address("example.test", address, allow_private=True)  # allowed when asked for
    check_address("example.test", "93.184.215.14", allow_private=False)  # a public address passes


def test_connection_refused_after_retries():
    with Client(FAST.with_(retries=1)) as client, pytest.raises(FetchError) as err:
        client.robots.check = lambda url: 0.0  # nothing listens there, robots.txt included
        client.get("http://127.0.0.1:1/")
    assert err.value.code == "D807" and "after 2 attempt(s)" in err.value.message


def test_extract_again_without_fetching(server, tmp_path, monkeypatch):
    import discourse.ingest.readers as readers
    from discourse.cli import main

    server.routes["/speech/1"] = static(_page(1))
    db = tmp_path / "s.sqlite"
    with Corpus.open(db) as corpus:
        fetch_urls(corpus, _urls(tmp_path, [f"{server.base}/speech/1"]), settings=FAST, workers=0)
    requests = len(server.log)
    calls = []
    real = readers.read
    monkeypatch.setattr(readers, "read", lambda item, limits: calls.append(item.source) or real(item, limits))
    url = f"{server.base}/speech/1"
    with Corpus.open(db) as corpus:
        again = extract_pending(corpus, [url], workers=0)  # the ledger knows these bytes: not parsed
        assert again.ingest.unchanged == [(url, again.documents[url])] and calls == []
        forced = extract_pending(corpus, [url], workers=0, force=True)  # the readers read them again
        assert forced.ingest.unchanged == again.ingest.unchanged and calls == [url]
    assert main(["fetch", "extract", "--all", "--workers", "0", "--country", "AZE", "--db", str(db)]) == 0
    with Corpus.open(db) as corpus:
        assert corpus.documents()["country"].tolist() == ["AZE"] and len(corpus) == 1
    assert len(server.log) == requests  # no request at all


def test_dns_rebinding_cannot_reach_loopback(server, monkeypatch):
    """The name resolves to a public address when checked, to loopback when connecting: the connection is
    refused, because the client connects only to addresses it has checked."""
    import socket

    import discourse.web.addresses as addresses

    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])

    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", fake)
    with Client(FetchSettings(min_delay=0.0, retries=0)) as client, pytest.raises(FetchError) as err:
        client.robots.check = lambda url: 0.0
        client.get(f"http://rebind.example:{server.port}/speech/1")
    assert (err.value.code, err.value.message) == ("D801", "rebind.example resolves to loopback address 127.0.0.1; "
                                                           "refused")
    assert server.log == []


def test_robots_variants(server):
    server.routes["/a"] = static(b"<html><body><p>a</p></body></html>")
    server.routes["/robots.txt"] = static(b"User-agent: discourse\nCrawl-delay: 1\nDisallow: /x\n", "text/plain")
    with Client(FAST) as client:
        client.get(f"{server.base}/a")
        client.get(f"{server.base}/a")
    a = [r.t for r in server.log if r.path == "/a"]
    assert a[1] - a[0] >= 0.95  # the site's Crawl-delay, longer than min_delay (0)
    server.routes["/robots.txt"] = lambda r: (403, {}, b"")
    with Client(FAST) as client, pytest.raises(FetchError) as forbidden:
        client.get(f"{server.base}/a")
    assert forbidden.value.code == "D803"
    server.routes["/robots.txt"] = lambda r: (503, {}, b"")
    with Client(FAST) as client, pytest.raises(FetchError) as down:
        client.get(f"{server.base}/a")
    assert down.value.code == "D804" and down.value.message.startswith(
        f"{server.base}/robots.txt: robots.txt could not be read")
    server.routes["/robots.txt"] = lambda r: (404, {}, b"")
    with Client(FAST) as client:
        assert client.get(f"{server.base}/a").status == 200  # no robots.txt: everything allowed


def test_retry_after_http_date_and_entities_in_feeds(server):
    from discourse.web.client import retry_after_seconds
    from discourse.web.feeds import parse_feed

    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    laughs = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b'<rss version="2.0"><channel><title>&b;</title></channel></rss>')
    with pytest.raises(FetchError) as err:
        parse_feed(laughs, "http://example.test/feed")
    assert err.value.code == "D816" and "declares XML entities" in err.value.message


def test_atom_feed_relative_links_and_duplicates(server, tmp_path):
    from discourse.web.feeds import parse_feed

    atom = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="az">'
            b'<title>Illustrative Atom feed</title><id>urn:x</id><updated>2025-03-01T00:00:00Z</updated>'
            b'<entry><title>First</title><link href="/speech/1"/><id>urn:1</id>'
            b'<published>2025-03-01T09:00:00Z</published></entry>'
            b'<entry><title>Undated</title><link href="speech/2#top"/><id>urn:2</id></entry></feed>')
    targets, info = parse_feed(atom, f"{server.base}/feeds/atom.xml")
    assert info["language"] == "az"
    assert [(t.url, t.meta.title, t.meta.date, t.meta.language) for t in targets] == [
        (f"{server.base}/speech/1", "First", "2025-03-01", "az"),
        (f"{server.base}/feeds/speech/2", "Undated", None, "az"),
    ]
    server.routes["/speech/1"] = static(_page(1))
    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_urls(corpus, _urls(tmp_path, ["# a comment", f"{server.base}/speech/1", "",
                                                     f"{server.base}/speech/1"]), settings=FAST, workers=0)
    assert report.skipped == [(f"{server.base}/speech/1", f"listed again ({tmp_path / 'urls.txt'} line 4)")]
    assert report.counts()["added"] == 1 and server.count("/speech/1") == 1


def test_deflate_zlib_and_raw_and_unknown_encoding():
    import zlib

    from discourse.web.client import _Decoder

    text = b"<p>An illustrative page.</p>" * 100
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    for body in (zlib.compress(text), raw.compress(text) + raw.flush()):
        decoder = _Decoder("deflate", 1 << 20, "http://example.test/")
        for i in range(0, len(body), 7):  # in small pieces, as a network delivers them
            decoder.feed(body[i:i + 7])
        assert decoder.finish() == text
    two_members = gzip.compress(b"first ") + gzip.compress(b"second")
    decoder = _Decoder("gzip", 1 << 20, "http://example.test/")
    decoder.feed(two_members)
    assert decoder.finish() == b"first second"
    with pytest.raises(FetchError) as err:
        _Decoder("br", 1 << 20, "http://example.test/")
    assert err.value.code == "D812"
    truncated = _Decoder("gzip", 1 << 20, "http://example.test/")
    truncated.feed(gzip.compress(text)[:-12])
    with pytest.raises(FetchError) as cut:
        truncated.finish()
    assert cut.value.code == "D814"
