"""Matching while ingesting (issue 17): one pass over each text, the same cache as matching afterwards."""

from __future__ import annotations

import sqlite3

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.ingest.document import ParseHook, SourceItem
from discourse.ingest.pipeline import ingest_items
from discourse.ingest.ungdc_fetch import fetch_ungdc
from discourse.lexicon import load_lexicon
from discourse.match import match_corpus
from discourse.match_ingest import MatchOnIngest
from discourse.score import document_scores
from discourse.store import matches as _sql

MATCH_SQL = f"SELECT {', '.join(_sql.MATCH_COLUMNS)} FROM matches ORDER BY doc_id, start, entry_id"
TOKENS_SQL = "SELECT doc_id, pipeline, sent_start, sent_end, offsets, lemmas FROM sentence_tokens ORDER BY 1, 2, 3"


def _cache(corpus) -> tuple[list, list, list]:
    conn = corpus.store.conn
    return (conn.execute(MATCH_SQL).fetchall(), conn.execute(TOKENS_SQL).fetchall(),
            conn.execute("SELECT doc_id, n_hits FROM match_run_docs ORDER BY doc_id").fetchall())


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory):
    """The UNGDC sample ingested then matched, and ingested while matching (2 workers each)."""
    from conftest import shared_path

    sample = shared_path("data", "ungdc", "sample")
    lexicon = load_lexicon()
    root = tmp_path_factory.mktemp("two_ways")
    after = Corpus.open(root / "after.db")
    fetch_ungdc(after, sample, workers=2)
    assert after.store.conn.execute("SELECT count(*) FROM matches").fetchone()[0] == 0
    match_corpus(after, lexicon, workers=2)
    during = Corpus.open(root / "during.db")
    fetch_ungdc(during, sample, workers=2, hook=MatchOnIngest(lexicon))
    yield lexicon, after, during
    after.close()
    during.close()


def test_matching_while_ingesting_stores_what_matching_afterwards_stores(two_ways):
    lexicon, after, during = two_ways
    hits_after, tokens_after, runs_after = _cache(after)
    hits_during, tokens_during, runs_during = _cache(during)
    assert len(runs_during) == len(after) == 395
    assert len(hits_during) == len(hits_after) > 1000
    assert hits_during == hits_after
    assert tokens_during == tokens_after
    assert runs_during == runs_after


def test_nothing_is_left_to_match_and_the_scores_are_equal(two_ways):
    lexicon, after, during = two_ways
    assert match_corpus(during, lexicon, workers=1)["documents"] == 0
    a = document_scores(after, lexicon, ensure_matches=False)
    b = document_scores(during, lexicon, ensure_matches=False)
    assert a.equals(b)


def test_serial_ingest_runs_the_hook_in_process(tmp_path):
    lexicon = load_lexicon()
    corpus = Corpus.open(tmp_path / "s.db")
    items = [SourceItem("a.txt", b"Azerbaijan has no plans to join the Eurasian Economic Union.", "text"),
             SourceItem("b.txt", b"Peace and development.", "text")]
    report = ingest_items(corpus, items, workers=0, hook=MatchOnIngest(lexicon))
    assert report.counts()["added"] == 2
    rows = corpus.store.conn.execute("SELECT entry_id, stance FROM matches").fetchall()
    assert rows == [("eurasian_economic_union", "reject")]
    assert match_corpus(corpus, lexicon, workers=1)["documents"] == 0  # both documents are in the cache


class _Broken(ParseHook):
    """A hook whose work fails: the documents are stored all the same and matched later."""

    def work(self, records, seconds):
        raise RuntimeError("boom")


class _WrongLanguage(MatchOnIngest):
    """A payload computed for another language than the one stored is dropped."""

    def work(self, records, seconds):
        return [("ru", *payload[1:]) if payload else None for payload in super().work(records, seconds)]


class _StoreFails(MatchOnIngest):
    def store(self, conn, doc_id, language, payload):
        if payload[1]:  # the document with a hit
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        super().store(conn, doc_id, language, payload)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failing_hook_never_fails_a_document(tmp_path, workers):
    lexicon = load_lexicon()
    corpus = Corpus.open(tmp_path / "s.db")
    items = [SourceItem(f"{n}.txt", f"Text {n} on the strategic partnership with Russia.".encode(), "text")
             for n in range(5)]
    report = ingest_items(corpus, items, workers=workers, hook=_Broken())
    assert report.counts()["added"] == 5 and not report.failed
    assert corpus.store.conn.execute("SELECT count(*) FROM matches").fetchone()[0] == 0
    assert match_corpus(corpus, lexicon, workers=1)["documents"] == 5  # matched later, as before
    assert corpus.store.conn.execute("SELECT count(*) FROM matches").fetchone()[0] == 5


def test_a_payload_of_another_language_is_dropped(tmp_path):
    lexicon = load_lexicon()
    corpus = Corpus.open(tmp_path / "s.db")
    items = [SourceItem("a.txt", b"The strategic partnership with Russia.", "text")]
    ingest_items(corpus, items, workers=0, hook=_WrongLanguage(lexicon))
    assert corpus.store.conn.execute("SELECT count(*) FROM match_run_docs").fetchone()[0] == 0
    assert match_corpus(corpus, lexicon, workers=1)["documents"] == 1


def test_a_store_error_of_the_hook_leaves_neither_the_document_nor_its_hits(tmp_path):
    lexicon = load_lexicon()
    corpus = Corpus.open(tmp_path / "s.db")
    items = [SourceItem("a.txt", b"The strategic partnership with Russia.", "text"),
             SourceItem("b.txt", b"Peace and development.", "text")]
    report = ingest_items(corpus, items, workers=0, hook=_StoreFails(lexicon))
    assert [(s, code) for s, code, _ in report.failed] == [("a.txt", "D211")]
    assert [s for s, _ in report.added] == ["b.txt"]
    conn = corpus.store.conn
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM matches").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM match_run_docs").fetchone()[0] == 1  # b, with no hit
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_fetch_matches_unless_told_not_to(tmp_path):
    from conftest import shared_path

    sample = str(shared_path("data", "ungdc", "sample"))
    for flag, expect_hits in (("--match", True), ("--no-match", False)):
        db = tmp_path / f"{flag}.db"
        assert main(["fetch", "ungdc", "--from", sample, "--no-progress", flag, "--db", str(db)]) == 0
        with sqlite3.connect(db) as conn:
            n = conn.execute("SELECT count(*) FROM matches").fetchone()[0]
        assert (n > 1000) is expect_hits
