"""Issue 12, "Reading commands write": another application's database is refused unchanged, reading commands
open the store read-only and never migrate it, and a read-only store can be listed and searched."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.errors import StoreError
from discourse.store import Store

from _small_store import build


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _other_app(path, *, documents=False):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE documents (name TEXT)" if documents else "CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO " + ("documents" if documents else "contacts") + " VALUES ('Ann')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("documents", [False, True])
@pytest.mark.parametrize("argv", [["docs", "list"], ["search", "x"], ["ingest", "--dry-run", "nothing.txt"],
                                  ["export", "documents"], ["indicators", "list"]])
def test_another_applications_database_is_refused_unchanged(tmp_path, capsys, argv, documents):
    other = tmp_path / "other_app.sqlite"
    _other_app(other, documents=documents)
    before = _digest(other)
    assert main([*argv, "--db", str(other)]) == 1
    err = capsys.readouterr().err
    table = "documents" if documents else "contacts"
    assert (f"Error [D213]: {other} is a SQLite database of another application (tables {table}), not a "
            "discourse store; it was left unchanged") in err
    assert "Traceback" not in err
    assert _digest(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other_app.sqlite"]  # no -wal/-shm either


def test_a_database_with_another_application_id_is_refused(tmp_path):
    other = tmp_path / "x.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE meta (k)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"\[D213\].*application id 0x4d2"):
        Store.open(other)


def test_new_stores_carry_the_application_id_and_old_ones_get_it_when_written(tmp_path):
    from discourse.store.identity import APPLICATION_ID

    with Store.open(tmp_path / "new.sqlite") as store:
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    old = tmp_path / "old.sqlite"
    build(old)
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 1")  # a store made before migration 2
    conn.commit()
    conn.close()
    before = _digest(old)
    with Corpus.open(old, readonly=True) as corpus:  # a reading command: never migrates
        assert len(corpus.documents()) == 4
    assert _digest(old) == before
    with Store.open(old) as store:
        assert store.schema_version >= 2
        assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_reading_commands_do_not_change_the_store(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    build(db)
    before = _digest(db)
    for argv in (["docs", "list"], ["docs", "list", "--format", "json"], ["search", "integration"],
                 ["export", "documents", "--out", str(tmp_path / "d.csv")]):
        assert main([*argv, "--db", str(db)]) == 0, capsys.readouterr().err
    assert _digest(db) == before
    assert not (tmp_path / "s.sqlite-wal").exists() or (tmp_path / "s.sqlite-wal").stat().st_size == 0


def test_an_empty_database_is_not_listed_as_a_store(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert main(["docs", "list", "--db", str(empty)]) == 1
    assert f"Error [D214]: {empty} is an empty database, not a discourse store" in capsys.readouterr().err
    assert empty.read_bytes() == b""


def test_a_read_only_store_can_be_listed_and_searched(tmp_path):
    db = tmp_path / "s.sqlite"
    build(db)
    with Corpus.open(db, readonly=True) as corpus:
        assert corpus.store.readonly
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            corpus.store.conn.execute("INSERT INTO meta VALUES ('k', 'v')")
        assert len(corpus.documents()) == 4
        from discourse.match import search

        # the FTS index was never built (building it would write): every document is read instead
        assert search(corpus, "Euro-Atlantic integration")["hit"].tolist() == ["Euro-Atlantic integration"]
    assert sqlite3.connect(db).execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'texts_fts'").fetchone()[0] == 0
