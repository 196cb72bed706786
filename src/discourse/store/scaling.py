"""Tables of the scaling stage: each document's tokens as vocabulary ids, per tokenization (migration 2).

Tokenizing is the expensive step of building a feature matrix; it is done once per document and
tokenization key (the language pipeline's key, the token rule, forms or lemmas) and kept here, so that adding
one document tokenizes only that document. The vocabulary of a tokenization key is append-only: an id never
changes meaning, so stored token arrays stay valid when new documents bring new words. Matrices and SVDs are
not kept here (they are large arrays keyed by content hash): they are files beside the store (see
``discourse.scaling.features``).
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Sequence

__all__ = ["DDL", "vocabulary", "add_terms", "stored_token_docs", "read_tokens", "write_tokens"]

DDL = """
CREATE TABLE scaling_vocab (
    tok_key TEXT NOT NULL,                      -- tokenization key (pipeline, token rule, forms|lemmas)
    id      INTEGER NOT NULL,                   -- 0-based, append-only
    term    TEXT NOT NULL,
    PRIMARY KEY (tok_key, id),
    UNIQUE (tok_key, term)
);
CREATE TABLE scaling_tokens (
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    tok_key       TEXT NOT NULL,
    n_tokens      INTEGER NOT NULL,
    sentence_ends BLOB NOT NULL,                -- uint32: cumulative token count at the end of each sentence
    token_ids     BLOB NOT NULL,                -- uint32: vocabulary ids of the word tokens, in text order
    PRIMARY KEY (doc_id, tok_key)
) WITHOUT ROWID;
"""


def vocabulary(conn: sqlite3.Connection, tok_key: str) -> list[str]:
    """The terms of ``tok_key`` in id order."""
    return [t for (t,) in conn.execute("SELECT term FROM scaling_vocab WHERE tok_key = ? ORDER BY id", (tok_key,))]


def add_terms(conn: sqlite3.Connection, tok_key: str, start: int, terms: Sequence[str]) -> None:
    """Append ``terms`` with ids start, start + 1, ... (inside a write transaction)."""
    conn.executemany("INSERT INTO scaling_vocab (tok_key, id, term) VALUES (?, ?, ?)",
                     [(tok_key, start + i, t) for i, t in enumerate(terms)])


def stored_token_docs(conn: sqlite3.Connection, tok_key: str) -> set[str]:
    return {d for (d,) in conn.execute("SELECT doc_id FROM scaling_tokens WHERE tok_key = ?", (tok_key,))}


def read_tokens(conn: sqlite3.Connection, tok_key: str, doc_ids: Iterable[str]) -> dict[str, tuple[bytes, bytes]]:
    """{doc_id: (sentence_ends, token_ids)} of the documents asked for that have stored tokens."""
    out = {}
    ids = list(doc_ids)
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        sql = ("SELECT doc_id, sentence_ends, token_ids FROM scaling_tokens WHERE tok_key = ? AND doc_id IN ("
               + ",".join("?" * len(chunk)) + ")")
        for doc_id, ends, toks in conn.execute(sql, [tok_key, *chunk]):
            out[doc_id] = (ends, toks)
    return out


def write_tokens(conn: sqlite3.Connection, tok_key: str, rows: Iterable[tuple[str, int, bytes, bytes]]) -> None:
    """Store (doc_id, n_tokens, sentence_ends, token_ids) rows (inside a write transaction)."""
    conn.executemany("INSERT OR REPLACE INTO scaling_tokens (doc_id, tok_key, n_tokens, sentence_ends, token_ids) "
                     "VALUES (?, ?, ?, ?, ?)", [(d, tok_key, n, e, t) for d, n, e, t in rows])
