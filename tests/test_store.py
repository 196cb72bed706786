"""The store: pragmas, transactions, network file systems, schema versions and document upserts."""

from __future__ import annotations

import sqlite3

import pytest

import discourse.store as store_mod
from discourse.errors import StoreError
from discourse.store import Store, default_db_path
from discourse.store import documents as docs


def test_store_open_sets_wal_full_sync_and_busy_timeout(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    conn = store.conn
    assert store.journal_mode == "wal"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store_mod.BUSY_TIMEOUT_MS
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version == store_mod.schema.CURRENT_VERSION
    assert store.integrity_check() == "ok"
    store.close()


def test_store_write_rolls_back_everything_on_error(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('a', '1')")
            with store.write() as inner:  # nested joins the outer transaction
                inner.execute("INSERT INTO meta(key, value) VALUES ('b', '2')")
            raise RuntimeError("boom")
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key IN ('a', 'b')").fetchone()[0] == 0
    assert not store.conn.in_transaction
    with store.write() as conn:
        conn.execute("INSERT INTO meta(key, value) VALUES ('a', '1')")
    assert store.conn.execute("SELECT value FROM meta WHERE key='a'").fetchone()[0] == "1"


def test_store_write_survives_sqlite_rolling_back_by_itself(tmp_path):
    """A constraint error inside the block leaves no transaction behind and no partial rows."""
    store = Store.open(tmp_path / "s.sqlite")
    with pytest.raises(sqlite3.IntegrityError):
        with store.write() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('a', '1')")
            conn.execute("INSERT INTO meta(key, value) VALUES ('a', '2')")
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key = 'a'").fetchone()[0] == 0
    assert not store.conn.in_transaction


def test_store_refuses_network_file_system(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "filesystem_type", lambda path: "nfs4")
    monkeypatch.delenv("DISCOURSE_ALLOW_NETWORK_FS", raising=False)
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "net.sqlite")
    assert info.value.code == "D203"
    assert "network file system (nfs4)" in info.value.message
    assert "DISCOURSE_ALLOW_NETWORK_FS=1" in info.value.hint


def test_store_on_network_fs_uses_rollback_journal_when_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "filesystem_type", lambda path: "cifs")
    monkeypatch.setenv("DISCOURSE_ALLOW_NETWORK_FS", "1")
    store = Store.open(tmp_path / "net.sqlite")
    assert store.journal_mode == "delete"
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with store.write() as conn:
        conn.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')")
    store.close()


def test_store_filesystem_type_reads_proc_mounts(tmp_path):
    # tmp_path is on some local mount; the lookup names a type and it is not a network one.
    kind = store_mod.filesystem_type(tmp_path)
    assert kind is None or kind not in store_mod._NETWORK_FS


def test_store_default_path_follows_flag_then_env(monkeypatch, tmp_path):
    monkeypatch.setenv("DISCOURSE_DB", str(tmp_path / "env.sqlite"))
    assert default_db_path(None) == tmp_path / "env.sqlite"
    assert default_db_path(tmp_path / "flag.sqlite") == tmp_path / "flag.sqlite"
    monkeypatch.delenv("DISCOURSE_DB")
    assert str(default_db_path(None)) == "corpus/discourse.sqlite"


def test_store_missing_and_newer_schema_are_refused(tmp_path):
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "none.sqlite", create=False)
    assert info.value.code == "D201"
    path = tmp_path / "new.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={store_mod.schema.CURRENT_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert info.value.code == "D206"


def test_store_rejects_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(path)
    assert info.value.code == "D204"


def _record(sha="a" * 64, **meta):
    record = dict(sha256=sha, extractor="t", extractor_version="1", pages=1, chars=5, words=1, sentences=1,
                  quality_flags="", source_path="/x/first.txt", doc_type="other", language="en")
    record.update(meta)
    return record


def test_store_upsert_added_unchanged_updated_and_defaults_only_on_insert(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    defaults = {"doc_type": "other", "language": "en"}
    with store.write() as conn:
        assert docs.upsert_document(conn, _record(year=2015, date="2015-11-04", doc_type=None, language=None), "Hello", [0], defaults=defaults) == (
            "a" * 16, "added")
        # Same text, same metadata: unchanged; a default never overwrites what is stored.
        assert docs.upsert_document(conn, _record(language=None, doc_type=None), "Hello", [0], defaults={"language": "ru"})[1] == "unchanged"
        # A later file with the same text does not take over source_path.
        assert docs.upsert_document(conn, _record(source_path="/x/second.txt"), "Hello", [0])[1] == "unchanged"
        # A year that disagrees with the stored full date replaces the date too.
        assert docs.upsert_document(conn, _record(year=2016), "Hello", [0])[1] == "updated"
        assert docs.update_metadata(conn, "a" * 16, {"doc_type": "speech"}, dry_run=True) == "updated"
        assert docs.update_metadata(conn, "a" * 16, {"doc_type": "other"}) == "unchanged"
    row = docs.get_document(store.conn, "aaaa")
    assert (row["doc_type"], row["language"], row["year"], row["date"], row["source_path"]) == (
        "other", "en", 2016, "2016", "/x/first.txt")
    assert docs.document_text(store.conn, row["id"]) == "Hello"
    assert docs.page_starts(store.conn, row["id"]) == [0]


def test_store_upsert_dry_run_writes_nothing(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    with store.read() as conn:
        assert docs.upsert_document(conn, _record(), "Hello", [0], dry_run=True) == ("a" * 16, "added")
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_store_pages_and_ledger(tmp_path):
    store = Store.open(tmp_path / "s.sqlite")
    text = "One\n\nTwo\n\nThree"
    with store.write() as conn:
        doc_id, _ = docs.upsert_document(conn, _record(sha="b" * 64, pages=3, chars=len(text)), text, [0, 5, 10])
        docs.record_source(conn, "/x/a.txt", 10, "r" * 64, doc_id)
    rows = store.conn.execute("SELECT page, start, end FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)).fetchall()
    assert rows == [(1, 0, 5), (2, 5, 10), (3, 10, len(text))]
    assert docs.known_source(store.conn, "/x/a.txt", "r" * 64) == doc_id
    assert docs.known_source(store.conn, "/x/a.txt", "s" * 64) is None
    assert docs.source_ledger(store.conn) == {"/x/a.txt": ("r" * 64, doc_id)}
    assert docs.page_of([0, 5, 10], 7) == 2
