"""The match cache: a lexicon edit re-matches only the edited entry, from the store, without re-tokenizing."""

from __future__ import annotations

import shutil

import pytest

from conftest import shared_path
from discourse import Corpus
from discourse import nlp
from discourse.lexicon import DEFAULT_ACTORS, DEFAULT_LEXICON, load_lexicon
from discourse.match import match_corpus
from discourse.timeline import timeline


@pytest.fixture
def small_corpus(tmp_path):
    """Twelve Azerbaijani statements (2010-2021) copied from the sample, ingested, then the copies deleted."""
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    sample = shared_path("data", "ungdc", "sample")
    src = tmp_path / "src"
    src.mkdir()
    for year in range(2010, 2022):
        name = f"AZE_{year - 1945}_{year}.txt"
        shutil.copy(sample / name, src / name)
    lexdir = tmp_path / "lex"
    lexdir.mkdir()
    shutil.copy(DEFAULT_LEXICON, lexdir / "orientation.yaml")
    shutil.copy(DEFAULT_ACTORS, lexdir / "actors.yaml")
    corpus = Corpus.open(tmp_path / "store.sqlite")
    fetch_ungdc(corpus, src, workers=1)
    assert len(corpus) == 12
    yield corpus, src, lexdir / "orientation.yaml"
    corpus.close()


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rows(corpus, sql, *params):
    return corpus.store.conn.execute(sql, params).fetchall()


def test_edit_rematches_only_that_entry_without_sources_or_retokenizing(small_corpus):
    corpus, src, lexpath = small_corpus
    lex = load_lexicon(lexpath)
    first = match_corpus(corpus, lex, workers=1)
    assert first["documents"] == 12 and first["entries"] == 25
    hit_sentences = _rows(corpus, "SELECT count(DISTINCT doc_id || ':' || sent_start) FROM matches")[0][0]
    # spaCy ran only on the hit sentences where a hit's clause may hold a negation cue (match_negation.negation_hint
    # on match_negation.clause_stretch): 8 of them
    assert first["sentences_tokenized"] == 8 and hit_sentences > 16
    assert _rows(corpus, "SELECT count(*) FROM sentence_tokens")[0][0] == first["sentences_tokenized"]
    before = timeline(corpus, ["non_aligned_movement"], lex)
    other_rows = _rows(corpus, "SELECT * FROM matches WHERE entry_id != 'non_aligned_movement' ORDER BY entry_hash, doc_id, start")
    shutil.rmtree(src)  # the source files are gone: nothing may read them again

    # 1. an edit that changes the entry's hash but not what it finds: every hit sentence is already tokenized
    _edit(lexpath, "the institutional form of its hedging.", "the institutional form of its hedging (edited).")
    edited = load_lexicon(lexpath)
    changed = [e.id for e, f in zip(lex.entries, edited.entries) if e.hash != f.hash]
    assert changed == ["non_aligned_movement"]
    calls = sum(nlp.TOKENIZE_CALLS.values())
    after = timeline(corpus, ["non_aligned_movement"], edited, workers=1)
    assert sum(nlp.TOKENIZE_CALLS.values()) == calls  # nothing tokenized again
    assert after["count"].tolist() == before["count"].tolist() and after["count"].sum() == 17
    runs = _rows(corpus, "SELECT run_id, count(*), group_concat(entry_id) FROM match_run_entries GROUP BY run_id ORDER BY run_id")
    assert [(n, ids) for _, n, ids in runs][1:] == [(1, "non_aligned_movement")]  # the second run: that entry only
    assert _rows(corpus, "SELECT * FROM matches WHERE entry_id != 'non_aligned_movement' ORDER BY entry_hash, doc_id, start") == other_rows
    # the other entries are not pending: a full refresh has nothing left to do
    assert match_corpus(corpus, edited, workers=1)["documents"] == 0

    # 2. an edit that finds new sentences: only sentences never tokenized before are tokenized
    cached = {(d, s) for d, s in _rows(corpus, "SELECT doc_id, sent_start FROM sentence_tokens")}
    _edit(lexpath, "en: [{stem: multi-vector}]", "en: [{stem: multi-vector}, {stem: sovereign}, {stem: negotiat}]")
    edited2 = load_lexicon(lexpath)
    calls = sum(nlp.TOKENIZE_CALLS.values())
    summary = match_corpus(corpus, edited2, workers=1)
    new_calls = sum(nlp.TOKENIZE_CALLS.values()) - calls
    sentences = {(d, s) for d, s in _rows(corpus, "SELECT doc_id, sent_start FROM matches WHERE entry_hash = ?",
                                          edited2.entry("multi_vector").hash)}
    assert summary["entries"] == 1 and summary["documents"] == 12
    assert len(sentences) > 10
    new_rows = {(d, s) for d, s in _rows(corpus, "SELECT doc_id, sent_start FROM sentence_tokens")} - cached
    # only sentences never tokenized before were tokenized (those of them that may hold a negation cue)
    assert new_calls == summary["sentences_tokenized"] == len(new_rows) > 0
    assert new_rows <= sentences - cached


def test_pool_workers_write_the_same_rows_as_one_process(small_corpus, tmp_path):
    corpus, src, lexpath = small_corpus
    lex = load_lexicon(lexpath)
    import sqlite3

    dest = sqlite3.connect(tmp_path / "copy.sqlite")
    corpus.store.conn.backup(dest)  # a consistent copy (the WAL included)
    dest.close()
    one = match_corpus(corpus, lex, workers=1)
    with Corpus.open(tmp_path / "copy.sqlite") as other:
        import discourse.match as m

        old = m.CHUNK_DOCS
        m.CHUNK_DOCS = 2  # several chunks, so the pool really runs
        try:
            two = match_corpus(other, lex, workers=2)
        finally:
            m.CHUNK_DOCS = old
        rows_two = other.store.conn.execute("SELECT * FROM matches ORDER BY entry_hash, doc_id, start").fetchall()
    rows_one = corpus.store.conn.execute("SELECT * FROM matches ORDER BY entry_hash, doc_id, start").fetchall()
    assert one["hits"] == two["hits"] == len(rows_one) > 100
    assert rows_one == rows_two


def test_pending_documents_equal_the_query_per_entry(small_corpus):
    """store.matches.pending_documents unites the runs' entry sets in Python (issue 17); it answers what one NOT
    EXISTS query per entry hash answered, with and without a document filter, ordered by the first missing
    hash as that query was."""
    from discourse.store import matches as _sql

    corpus, _, lexpath = small_corpus
    lex = load_lexicon(lexpath)
    match_corpus(corpus, lex, workers=1)
    conn = corpus.store.conn
    hashes = [e.hash for e in lex.entries]

    def reference(entry_hashes, where, params):
        out: dict = {}
        for h in entry_hashes:
            sql = (f"SELECT d.id FROM documents d {where} {'AND' if where else 'WHERE'} NOT EXISTS (SELECT 1 FROM "
                   "match_run_docs r JOIN match_run_entries e ON e.run_id = r.run_id WHERE r.doc_id = d.id AND "
                   "e.entry_hash = ?)")
            for (doc_id,) in conn.execute(sql, [*params, h]):
                out.setdefault(doc_id, set()).add(h)
        return out

    conn.execute("DELETE FROM match_run_docs WHERE doc_id IN (SELECT id FROM documents WHERE year >= 2018)")
    cases = [(hashes, "", []), (hashes[:3] + ["new-a"] + hashes[3:] + ["new-b"], "", []),
             (["new-b"] + hashes, "WHERE d.year <= ?", [2015]), (hashes, "WHERE d.year >= ?", [2016])]
    for entry_hashes, where, params in cases:
        got, want = _sql.pending_documents(conn, entry_hashes, where, params), reference(entry_hashes, where, params)
        assert got == want
        first = [min(entry_hashes.index(h) for h in missing) for missing in got.values()]
        assert first == sorted(first)
    assert len(_sql.pending_documents(conn, hashes, "", [])) == 4  # 2018-2021 lost their run rows
