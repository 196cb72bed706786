"""Documents that may hold a free phrase: the FTS5 prefilter of ``discourse search`` (and KWIC/timelines of free
phrases), built from the one folding of :mod:`discourse.normalize` so that it never drops a document the phrase
rule matches.

On a store opened read-only, or when the index cannot be brought up to date, every document in scope is read
instead (slower, same answer). Texts with a line-end hyphen are always read, since the matcher joins the word.
"""

from __future__ import annotations

import sqlite3

from ..normalize import fts_query
from . import matches as _sql

__all__ = ["prepare_index", "phrase_documents"]

_COLUMNS = ("SELECT d.id, d.language, t.text, (SELECT group_concat(p.start) FROM (SELECT start FROM pages "
            "WHERE doc_id = d.id ORDER BY page) p) ")


def prepare_index(store) -> bool:
    """Bring the FTS index up to date if the store can be written; return whether the index can be used."""
    if not _sql.fts_pending(store.conn):
        return True
    if getattr(store, "readonly", False):
        return False
    with store.write() as conn:
        _sql.ensure_fts(conn)
    return True


def phrase_documents(conn: sqlite3.Connection, phrase: str, where: str, params: list, *,
                     use_index: bool = True) -> list[tuple]:
    """(doc_id, language, text, page starts) of the filtered documents that may hold ``phrase``."""
    query = fts_query(phrase) if use_index else None
    if query is None:
        sql = _COLUMNS + f"FROM texts t JOIN documents d ON d.id = t.doc_id {where}"
        return conn.execute(sql, list(params)).fetchall()
    # A word hyphenated at a line end ("Euro-\natlantic") is joined by the matcher but is two tokens to FTS5:
    # texts holding "-\n" are always read (the phrase rule then decides), others only if the index says so.
    sql = (_COLUMNS + "FROM texts t JOIN documents d ON d.id = t.doc_id "
           f"{where} {'AND' if where else 'WHERE'} (t.rowid IN (SELECT rowid FROM texts_fts WHERE texts_fts MATCH ?) "
           "OR instr(t.text, '-' || char(10)) > 0)")
    return conn.execute(sql, [*params, query]).fetchall()
