"""SQL of the Parquet exchange (``discourse.engine``): table layouts, documents with their texts and pages.

The exchange format derives its Parquet schemas from the store's own tables (:func:`table_columns`), so a
column added to a table by a migration reaches the Parquet files without being listed a second time.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator, Sequence

__all__ = ["table_columns", "iter_documents", "snapshot_pairs", "existing_ids"]


def table_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, not null) of every column of ``table``, in table order."""
    if not table.isidentifier():
        raise ValueError(table)
    return [(r[1], (r[2] or "").upper(), bool(r[3])) for r in conn.execute(f"PRAGMA table_info({table})")]


def iter_documents(conn: sqlite3.Connection, columns: Sequence[str], where: str, params: list,
                   batch: int = 500) -> Iterator[list[tuple]]:
    """Batches of (document columns..., text, page starts as comma list), ordered by year then id.

    Runs inside the caller's read transaction, one cursor, so memory holds one batch at a time.
    """
    cols = ", ".join(f"d.{c}" for c in columns)
    cur = conn.execute(
        f"SELECT {cols}, t.text, (SELECT group_concat(p.start) FROM (SELECT start FROM pages WHERE doc_id = d.id "
        f"ORDER BY page) p) FROM documents d JOIN texts t ON t.doc_id = d.id {where} ORDER BY d.year, d.id", params)
    while True:
        rows = cur.fetchmany(batch)
        if not rows:
            return
        yield rows


def snapshot_pairs(conn: sqlite3.Connection, where: str, params: list) -> list[tuple[str, str]]:
    """(id, sha256) of the filtered documents (for the corpus snapshot)."""
    return conn.execute(f"SELECT d.id, d.sha256 FROM documents d {where}", params).fetchall()


def existing_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that are stored documents."""
    out: set[str] = set()
    ids = list(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        out.update(r[0] for r in conn.execute(f"SELECT id FROM documents WHERE id IN ({', '.join('?' * len(part))})", part))
    return out
