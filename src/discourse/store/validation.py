"""Tables of the validation workflow (owned by ``discourse.validate``): samples drawn for coding and the codes.

* ``validation_draws``: one row per sample drawn (``discourse validate sample``) or per coded file that brought
  its own rows (a gold set of ``source=ungdc`` / ``constructed`` rows): the lexicon hash, the parameters and
  the population sizes the report needs (hits per entry, sentences without hits).
* ``validation_samples``: one row per sampled line (a hit or a sentence without hits), keyed by its sample id,
  with what the machine said when it was drawn, so an imported line can be checked against it.
* ``codes``: what a coder said about a sampled line, keyed by (sample id, coder), with the file and line it
  came from.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Sequence

__all__ = ["DDL", "SAMPLE_COLUMNS", "CODE_COLUMNS", "insert_draw", "insert_samples", "samples", "codes",
           "upsert_codes", "draws", "table_rows"]

DDL = """
CREATE TABLE validation_draws (
    draw_id      TEXT PRIMARY KEY,               -- sha of the parameters (a sample) or 'file:<name>' (a gold file)
    kind         TEXT NOT NULL,                  -- sample | file
    lexicon_hash TEXT NOT NULL,
    parameters   TEXT NOT NULL,                  -- JSON: seed, per_entry, by, random_sentences, filters
    population   TEXT NOT NULL,                  -- JSON: hits per entry and stratum, sentences without hits
    created_at   TEXT NOT NULL
);
CREATE TABLE validation_samples (
    sample_id    TEXT PRIMARY KEY,
    draw_id      TEXT NOT NULL REFERENCES validation_draws(draw_id),
    sample_kind  TEXT NOT NULL,                  -- hit | sentence
    source       TEXT NOT NULL,                  -- store | ungdc | constructed
    doc_id       TEXT,                           -- the store's document id (NULL for constructed lines)
    source_ref   TEXT,                           -- the document as the file names it (UNGDC file stem)
    start        INTEGER,
    end          INTEGER,
    sent_start   INTEGER,
    sent_end     INTEGER,
    language     TEXT,
    year         INTEGER,
    country      TEXT,
    doc_type     TEXT,
    entry_id     TEXT,
    pole         TEXT,
    stance       TEXT,
    cue          TEXT,
    target       TEXT,
    stratum      TEXT,                           -- the stratum it was drawn from (entry | language | decade ...)
    lexicon_hash TEXT NOT NULL,
    sentence     TEXT,                           -- kept for constructed lines (their text is nowhere else)
    context      TEXT
);
CREATE INDEX validation_samples_draw ON validation_samples(draw_id);
CREATE TABLE codes (
    sample_id   TEXT NOT NULL REFERENCES validation_samples(sample_id),
    coder       TEXT NOT NULL,
    code_sense  TEXT,                            -- yes | no (hits)
    code_stance TEXT,                            -- support | reject | doubt | question | reported | mention
    code_missed TEXT,                            -- ';'-separated entry ids (sentences)
    note        TEXT,
    file        TEXT NOT NULL,                   -- the coded file and line the code came from
    line        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, coder)
) WITHOUT ROWID;
"""

SAMPLE_COLUMNS = (
    "sample_id", "draw_id", "sample_kind", "source", "doc_id", "source_ref", "start", "end", "sent_start", "sent_end",
    "language", "year", "country", "doc_type", "entry_id", "pole", "stance", "cue", "target", "stratum",
    "lexicon_hash", "sentence", "context",
)
CODE_COLUMNS = ("sample_id", "coder", "code_sense", "code_stance", "code_missed", "note", "file", "line", "imported_at")


def insert_draw(conn: sqlite3.Connection, draw_id: str, kind: str, lexicon_hash: str, parameters: str,
                population: str, created_at: str) -> None:
    """Record a draw (idempotent: the same draw drawn again keeps its first row)."""
    conn.execute("INSERT OR IGNORE INTO validation_draws (draw_id, kind, lexicon_hash, parameters, population, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?)", (draw_id, kind, lexicon_hash, parameters, population, created_at))


def insert_samples(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> None:
    """Record sampled lines (rows in :data:`SAMPLE_COLUMNS` order); a sample id already stored is kept."""
    conn.executemany(f"INSERT OR IGNORE INTO validation_samples ({', '.join(SAMPLE_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(SAMPLE_COLUMNS))})", list(rows))


def samples(conn: sqlite3.Connection, ids: Sequence[str] | None = None) -> dict[str, dict]:
    """Stored samples as {sample_id: row dict}, all or those with the given ids."""
    sql = f"SELECT {', '.join(SAMPLE_COLUMNS)} FROM validation_samples"
    out: dict[str, dict] = {}
    if ids is None:
        for r in conn.execute(sql):
            out[r[0]] = dict(zip(SAMPLE_COLUMNS, r))
        return out
    ids = list(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for r in conn.execute(sql + f" WHERE sample_id IN ({', '.join('?' * len(part))})", part):
            out[r[0]] = dict(zip(SAMPLE_COLUMNS, r))
    return out


def codes(conn: sqlite3.Connection) -> list[tuple]:
    """Every stored code, rows in :data:`CODE_COLUMNS` order, by sample id and coder."""
    return conn.execute(f"SELECT {', '.join(CODE_COLUMNS)} FROM codes ORDER BY sample_id, coder").fetchall()


def upsert_codes(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> int:
    """Insert or replace codes (rows in :data:`CODE_COLUMNS` order); return how many were written."""
    rows = list(rows)
    conn.executemany(f"INSERT OR REPLACE INTO codes ({', '.join(CODE_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(CODE_COLUMNS))})", rows)
    return len(rows)


def draws(conn: sqlite3.Connection) -> list[tuple]:
    """(draw_id, kind, lexicon_hash, parameters, population, created_at) of every draw, oldest first."""
    return conn.execute("SELECT draw_id, kind, lexicon_hash, parameters, population, created_at FROM validation_draws "
                        "ORDER BY created_at, draw_id").fetchall()


def table_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Every row of one validation table, sorted (for checking that a failed import changed nothing)."""
    if table not in ("validation_draws", "validation_samples", "codes"):
        raise ValueError(table)
    return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
