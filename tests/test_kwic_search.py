"""KWIC, free-phrase search (FTS5 built lazily), hits() columns and the search CLI (illustrative texts)."""

from __future__ import annotations

import json

import pytest

from discourse.cli import main
from discourse.match import hits, kwic, match_corpus, search
from test_timeline_periods import add

TEXT_A = ("Our country has chosen Euro-Atlantic integration as a strategic goal. We do not need integration with "
          "anyone, one minister said. Strategic partnership with the Russian Federation deepens.")
TEXT_B = ("Page one speaks of other matters entirely.\n\nOn page two: there is no need for integration, and the "
          "strategic partnership with the European Union grows. Good-neighbourly relations matter.")


@pytest.fixture
def small(corpus):
    a = add(corpus, TEXT_A, date="2008-09-25")
    b = add(corpus, TEXT_B, date="2015-09-30", page_starts=(0, TEXT_B.index("On page two")))
    return corpus, a, b


def test_kwic_window_page_negation_target(small):
    corpus, a, b = small
    frame = kwic(corpus, ["integration", "strategic_partnership"], window=3, workers=1)
    got = frame[["doc_id", "year", "page", "term", "left", "hit", "right", "negated", "negation_cue", "stance",
                 "stance_cue", "stance_rule", "target", "target_group", "target_inferred"]]
    got = got.astype(object).where(got.notna(), None)
    assert got.values.tolist() == [
        # target-v2: the actor "Euro-Atlantic" of the sentence before is taken, and flagged
        [a, 2008, 1, "integration", "do not need", "integration", "with anyone, one", True, "not", "reject", "not",
         "negation-v2", "euro_atlantic", "west", True],
        [a, 2008, 1, "strategic_partnership", "one minister said.", "Strategic partnership", "with the Russian", False, None,
         "support", None, "default", "russia", "target", False],
        [b, 2015, 2, "integration", "no need for", "integration", ", and the", True, "no need", "reject", "no need",
         "negation-v2", "european_union", "west", False],
        [b, 2015, 2, "strategic_partnership", "integration, and the", "strategic partnership", "with the European", False,
         None, "support", None, "default", "european_union", "west", False],
    ]
    assert kwic(corpus, "integration", negated="only", workers=1)["hit"].tolist() == ["integration", "integration"]
    assert kwic(corpus, "integration", negated="exclude", workers=1).empty
    assert len(kwic(corpus, "strategic_partnership", limit=1, workers=1)) == 1
    assert kwic(corpus, "Euro-Atlantic integration", window=0, workers=1)[["left", "hit", "right"]].values.tolist() == [
        ["", "Euro-Atlantic integration", ""]]


def test_hits_frame_for_the_scores(small):
    corpus, a, b = small
    frame = hits(corpus, workers=1)
    assert frame.columns.tolist() == [
        "doc_id", "entry_id", "entry_hash", "start", "end", "sent_start", "sent_end", "page", "surface", "language",
        "negated", "negation_cue", "target", "target_group", "left_context", "right_context", "stance", "stance_cue",
        "stance_rule", "target_inferred", "year", "date", "country", "doc_type", "speaker", "post_category", "words"]
    assert frame["entry_id"].tolist() == ["euro_atlantic_integration", "integration", "strategic_partnership",
                                          "integration", "strategic_partnership"]
    assert frame["page"].tolist() == [1, 1, 1, 2, 2]
    assert hits(corpus, country="GEO", workers=1).empty


def test_free_phrase_search_builds_fts_lazily_and_follows_new_texts(small):
    corpus, a, b = small
    match_corpus(corpus, workers=1)
    conn = corpus.store.conn
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'texts_fts'").fetchall()
    found = search(corpus, "good-neighbourly relations", window=2)
    found = found.astype(object).where(found.notna(), None)
    assert found[["doc_id", "page", "left", "hit", "right", "negated", "target"]].values.tolist() == [
        [b, 2, "Union grows.", "Good-neighbourly relations", "matter.", False, None]]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'texts_fts'").fetchall()
    c = add(corpus, "Good-neighbourly\nrelations and good neighbourly relations, goodneighbourly relations.", date="2020-01-01")
    found = search(corpus, ["Good-neighbourly relations"])
    # line-break, space and joined variants (the document also holds every word, so FTS5 passes it on)
    assert found["doc_id"].tolist() == [b, c, c, c]
    assert found["hit"].tolist()[1:] == ["Good-neighbourly relations", "good neighbourly relations", "goodneighbourly relations"]
    # search never uses the lexicon: an entry label is searched as text
    assert search(corpus, "strategic partnership")["hit"].tolist() == ["Strategic partnership", "strategic partnership"]


def test_cli_kwic_timeline_search_match(small, capsys):
    corpus, a, b = small
    db = str(corpus.path)
    assert main(["match", "--db", db, "--format", "json", "--workers", "1"]) == 0
    summary = json.loads(capsys.readouterr().out)[0]
    assert summary["documents"] == 2 and summary["entries"] == 25 and summary["hits"] == 5
    assert main(["kwic", "strategic partnership", "--db", db, "--format", "csv", "--window", "2", "--year-from", "2010"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("doc_id,date,year,country,page,term,entry_id,left,hit,right,negated,negation_cue,stance,stance_cue,"
                      "stance_rule,target,target_group,target_inferred")
    assert out[1:] == [f"{b},2015-09-30,2015,AZE,2,strategic partnership,strategic_partnership,and the,strategic partnership,with the,False,,support,,default,european_union,west,False"]
    assert main(["timeline", "integration", "Good-neighbourly relations", "--db", db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "year,term,count,rate_per_10k,n_docs,n_words",
        "2008,integration,1,370.3704,1,27",
        "2015,integration,1,357.1429,1,28",
        "2008,Good-neighbourly relations,0,0.0,1,27",
        "2015,Good-neighbourly relations,1,357.1429,1,28",
    ]
    assert main(["search", "minister said", "--db", db, "--format", "csv", "--window", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(",one,minister said,.,False,,,,,,,")
    assert main(["kwic", "integration", "--negated", "sometimes", "--db", db]) == 2  # click refuses the value


def test_fts_index_is_rebuilt_after_a_deletion(small):
    corpus, a, b = small
    assert search(corpus, "minister said")["doc_id"].tolist() == [a]
    with corpus.store.write() as conn:
        conn.execute("DELETE FROM documents WHERE id = ?", (a,))
    c = add(corpus, "Another minister said so.", date="2021-01-01")
    assert search(corpus, "minister said")["doc_id"].tolist() == [c]
    n_fts = corpus.store.conn.execute("SELECT count(*) FROM texts_fts WHERE texts_fts MATCH 'minister'").fetchone()[0]
    assert n_fts == 1


def test_kwic_context_never_shows_a_cut_word(corpus):
    filler = " ".join(f"word{i:02d}" for i in range(40))
    doc = add(corpus, f"{filler} we seek Euro-Atlantic integration {filler}.", date="2010-01-01")
    frame = kwic(corpus, "Euro-Atlantic integration", window=20, workers=1)
    left, right = frame.loc[0, "left"].split(), frame.loc[0, "right"].split()
    assert left[-2:] == ["we", "seek"] and right[:2] == ["word00", "word01"]
    assert all(w in ("we", "seek") or (len(w) == 6 and w.startswith("word")) for w in left + right)
    assert frame.loc[0, "doc_id"] == doc
