"""Store migration 2 (stance-v1 / target-v2 columns of matches): an older store is moved forward in place."""

from __future__ import annotations

import sqlite3

from discourse import Corpus
from discourse.store import Store, _split_sql, schema
from discourse.match import hits
from test_timeline_periods import add


def _v1_store(path):
    conn = sqlite3.connect(path)
    for sql in schema.MIGRATIONS[0][1]:
        for statement in _split_sql(sql):
            conn.execute(statement)
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()


def test_a_version_1_store_gets_the_stance_columns_and_rematches(tmp_path):
    path = tmp_path / "old.sqlite"
    _v1_store(path)
    store = Store.open(path)
    assert store.schema_version == schema.CURRENT_VERSION == 5
    cols = {r[1]: (r[2], r[4]) for r in store.conn.execute("PRAGMA table_info(matches)")}
    assert cols["stance"] == ("TEXT", "'support'") and cols["target_inferred"] == ("INTEGER", "0")
    assert "stance_cue" in cols and "stance_rule" in cols
    store.close()
    corpus = Corpus.open(path)
    try:
        add(corpus, "Azerbaijan has no plans to enter the Eurasian Economic Union.", date="2015-09-30")
        frame = hits(corpus, workers=1)
        assert frame[["entry_id", "stance", "stance_cue", "stance_rule", "target_inferred"]].values.tolist() == [
            ["eurasian_economic_union", "reject", "no", "negation-v2", False]]
    finally:
        corpus.close()
