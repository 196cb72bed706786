"""Lexicons, lexicon entries, cached matches and cached sentence tokens (owned by the matching stage).

A match is keyed by the *entry hash* (a hash of one entry's content, the gazetteer, the target power and the
rule versions), not by the lexicon hash: editing one entry invalidates only that entry's matches.

``match_runs`` / ``match_run_entries`` / ``match_run_docs`` record which (document, entry hash) pairs have been
matched, including those that found nothing, compactly: a run is a set of entry hashes applied to documents, so
a full match of 10,000 documents with 25 entries writes 10,000 run rows, not 250,000.
``sentence_tokens`` keeps spaCy tokens (offsets and lemmas) of every sentence that was tokenized, keyed by
document, pipeline and sentence start, so a lexicon edit never tokenizes a sentence twice.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from typing import Iterable, Sequence

__all__ = [
    "DDL", "MATCH_COLUMNS", "save_lexicon", "pending_documents", "new_run", "write_chunk", "cached_sentences",
    "hit_rows", "hit_counts", "document_counts", "kwic_rows", "ensure_fts", "fts_pending", "fts_exists", "fts_documents",
    "texts_of",
]

DDL = """
CREATE TABLE lexicons (
    hash       TEXT PRIMARY KEY,                 -- hash of the lexicon's canonical content
    name       TEXT NOT NULL,
    path       TEXT,
    target     TEXT NOT NULL,                    -- target power (actor id), e.g. russia
    rules      TEXT NOT NULL,                    -- JSON: versioned rule names (negation-v1, target-v1, ...)
    content    TEXT NOT NULL,                    -- canonical JSON of the validated lexicon
    created_at TEXT NOT NULL
);
CREATE TABLE lexicon_entries (
    lexicon_hash     TEXT NOT NULL REFERENCES lexicons(hash) ON DELETE CASCADE,
    entry_id         TEXT NOT NULL,
    entry_hash       TEXT NOT NULL,
    label            TEXT NOT NULL,
    category         TEXT NOT NULL,
    position         REAL NOT NULL,              -- -1 balancing/West ... 0 hedging ... +1 bandwagoning/target
    weight           REAL NOT NULL,
    on_negation      TEXT NOT NULL,              -- flip | drop | keep
    needs_target     INTEGER NOT NULL,           -- 1: the pole depends on the actor found in the sentence
    target_positions TEXT NOT NULL,              -- JSON {group: position} when needs_target
    rationale        TEXT NOT NULL,
    PRIMARY KEY (lexicon_hash, entry_id)
) WITHOUT ROWID;
CREATE TABLE match_runs (
    run_id     INTEGER PRIMARY KEY,
    rules      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE match_run_entries (
    run_id     INTEGER NOT NULL REFERENCES match_runs(run_id) ON DELETE CASCADE,
    entry_hash TEXT NOT NULL,
    entry_id   TEXT NOT NULL,
    PRIMARY KEY (entry_hash, run_id)
) WITHOUT ROWID;
CREATE TABLE match_run_docs (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    run_id INTEGER NOT NULL REFERENCES match_runs(run_id) ON DELETE CASCADE,
    n_hits INTEGER NOT NULL,
    PRIMARY KEY (doc_id, run_id)
) WITHOUT ROWID;
CREATE TABLE matches (
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entry_hash    TEXT NOT NULL,
    entry_id      TEXT NOT NULL,
    start         INTEGER NOT NULL,              -- character offsets into texts.text
    end           INTEGER NOT NULL,
    sent_start    INTEGER NOT NULL,              -- the sentence holding the hit
    sent_end      INTEGER NOT NULL,
    page          INTEGER NOT NULL,
    surface       TEXT NOT NULL,                 -- the text as found
    language      TEXT NOT NULL,
    negated       INTEGER NOT NULL,
    negation_cue  TEXT,
    target        TEXT,                          -- actor id found in the same sentence, if any
    target_group  TEXT,                          -- its group: target | target_led | west | other
    left_context  TEXT NOT NULL,                 -- up to 160 characters before the hit
    right_context TEXT NOT NULL,                 -- up to 160 characters after the hit
    PRIMARY KEY (entry_hash, doc_id, start)
) WITHOUT ROWID;
CREATE INDEX matches_doc ON matches(doc_id);
CREATE TABLE sentence_tokens (
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pipeline   TEXT NOT NULL,                    -- nlp.Pipeline.key, e.g. en:blank-spacy3.8+lookup-lemma-v1
    sent_start INTEGER NOT NULL,
    sent_end   INTEGER NOT NULL,
    offsets    BLOB NOT NULL,                    -- uint32 (start, end) pairs relative to the sentence
    lemmas     TEXT NOT NULL,                    -- lemmas joined by U+001F, '' where equal to the lower form
    PRIMARY KEY (doc_id, pipeline, sent_start)
) WITHOUT ROWID;
"""

MATCH_COLUMNS = (
    "doc_id", "entry_hash", "entry_id", "start", "end", "sent_start", "sent_end", "page", "surface", "language",
    "negated", "negation_cue", "target", "target_group", "left_context", "right_context",
    "stance", "stance_cue", "stance_rule", "target_inferred",
)

#: Schema version 2 (stance-v1, target-v2): the stance of every hit, its cue and rule, and whether the target was
#: taken from a sentence before. Old rows get the defaults; their entry hashes are old, so they are matched again.
STANCE_DDL = """
ALTER TABLE matches ADD COLUMN stance TEXT NOT NULL DEFAULT 'support';
ALTER TABLE matches ADD COLUMN stance_cue TEXT;
ALTER TABLE matches ADD COLUMN stance_rule TEXT;
ALTER TABLE matches ADD COLUMN target_inferred INTEGER NOT NULL DEFAULT 0;
"""


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def save_lexicon(conn: sqlite3.Connection, lexicon) -> None:
    """Record a lexicon and its entries (idempotent)."""
    if conn.execute("SELECT 1 FROM lexicons WHERE hash = ?", (lexicon.hash,)).fetchone():
        return
    content = lexicon.content()
    conn.execute(
        "INSERT INTO lexicons (hash, name, path, target, rules, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (lexicon.hash, lexicon.name, lexicon.path, lexicon.target, json.dumps(lexicon.rules, sort_keys=True),
         json.dumps(content, sort_keys=True, ensure_ascii=False), _now()),
    )
    conn.executemany(
        "INSERT INTO lexicon_entries (lexicon_hash, entry_id, entry_hash, label, category, position, weight, "
        "on_negation, needs_target, target_positions, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(lexicon.hash, e.id, e.hash, e.label, e.category, e.position, e.weight, e.on_negation, int(e.needs_target),
          json.dumps(dict(e.target_positions), sort_keys=True), e.rationale) for e in lexicon.entries],
    )


def pending_documents(conn: sqlite3.Connection, entry_hashes: Sequence[str], where: str, params: list) -> dict[str, set[str]]:
    """Documents matching the filter (``where`` over alias d) that miss some entry hashes: {doc_id: missing}.

    The few runs' entry sets are read once and united per document in Python (one query per entry hash took
    0.14 s on the UNGDC store, before every score; issue 17). Ordered by the first missing hash (in
    ``entry_hashes`` order), then by document.
    """
    order = {h: i for i, h in enumerate(entry_hashes)}
    runs: dict[int, set[str]] = {}
    for run_id, h in conn.execute("SELECT run_id, entry_hash FROM match_run_entries"):
        if h in order:
            runs.setdefault(run_id, set()).add(h)
    covered: dict[str, set[str]] = {}  # every filtered document, in the order of the scan
    for doc_id, run_id in conn.execute(f"SELECT d.id, r.run_id FROM documents d LEFT JOIN match_run_docs r "
                                       f"ON r.doc_id = d.id {where}", params):
        got = covered.setdefault(doc_id, set())
        if run_id in runs:
            got.update(runs[run_id])
    wanted = set(order)
    found = []
    for n, (doc_id, got) in enumerate(covered.items()):
        missing = wanted - got
        if missing:
            found.append((min(order[h] for h in missing), n, doc_id, missing))
    found.sort()
    return {doc_id: missing for _, _, doc_id, missing in found}


def new_run(conn: sqlite3.Connection, entries: Iterable[tuple[str, str]], rules: dict) -> int:
    """Create a run for the (entry_hash, entry_id) pairs; return its id."""
    cur = conn.execute("INSERT INTO match_runs (rules, created_at) VALUES (?, ?)", (json.dumps(rules, sort_keys=True), _now()))
    run_id = cur.lastrowid
    conn.executemany("INSERT INTO match_run_entries (run_id, entry_hash, entry_id) VALUES (?, ?, ?)",
                     [(run_id, h, i) for h, i in entries])
    return run_id


def write_chunk(conn: sqlite3.Connection, run_id: int, entry_hashes: Sequence[str], doc_hits: dict[str, int],
                hits: list[tuple], tokens: list[tuple]) -> None:
    """Store one chunk of whole documents: their hits for the run's entries, run rows, new sentence tokens."""
    docs = list(doc_hits)
    marks = ", ".join("?" * len(entry_hashes))
    for i in range(0, len(docs), 500):
        part = docs[i:i + 500]
        conn.execute(f"DELETE FROM matches WHERE entry_hash IN ({marks}) AND doc_id IN ({', '.join('?' * len(part))})",
                     [*entry_hashes, *part])
    conn.executemany(f"INSERT INTO matches ({', '.join(MATCH_COLUMNS)}) VALUES ({', '.join('?' * len(MATCH_COLUMNS))})", hits)
    conn.executemany("INSERT OR REPLACE INTO match_run_docs (doc_id, run_id, n_hits) VALUES (?, ?, ?)",
                     [(d, run_id, n) for d, n in doc_hits.items()])
    conn.executemany("INSERT OR IGNORE INTO sentence_tokens (doc_id, pipeline, sent_start, sent_end, offsets, lemmas) "
                     "VALUES (?, ?, ?, ?, ?, ?)", tokens)


def write_new_document(conn: sqlite3.Connection, run_id: int, doc_id: str, n_hits: int, hits: list[tuple],
                       tokens: list[tuple]) -> None:
    """Store the hits of a document added in this transaction (it has no earlier rows: nothing to delete)."""
    conn.executemany(f"INSERT INTO matches ({', '.join(MATCH_COLUMNS)}) VALUES ({', '.join('?' * len(MATCH_COLUMNS))})", hits)
    conn.execute("INSERT OR REPLACE INTO match_run_docs (doc_id, run_id, n_hits) VALUES (?, ?, ?)", (doc_id, run_id, n_hits))
    conn.executemany("INSERT OR IGNORE INTO sentence_tokens (doc_id, pipeline, sent_start, sent_end, offsets, lemmas) "
                     "VALUES (?, ?, ?, ?, ?, ?)", tokens)


def cached_sentences(conn: sqlite3.Connection, doc_id: str, pipeline: str) -> dict[int, tuple[int, bytes, str]]:
    """Cached tokens of a document's sentences: {sent_start: (sent_end, offsets, lemmas)}."""
    return {s: (e, o, l) for s, e, o, l in conn.execute(
        "SELECT sent_start, sent_end, offsets, lemmas FROM sentence_tokens WHERE doc_id = ? AND pipeline = ?", (doc_id, pipeline))}


def texts_of(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> list[tuple]:
    """(doc_id, language, text, page starts as comma list) for the given documents."""
    out = []
    for i in range(0, len(doc_ids), 500):
        part = list(doc_ids[i:i + 500])
        out.extend(conn.execute(
            "SELECT d.id, d.language, t.text, (SELECT group_concat(p.start) FROM (SELECT start FROM pages "
            "WHERE doc_id = d.id ORDER BY page) p) FROM documents d JOIN texts t ON t.doc_id = d.id "
            f"WHERE d.id IN ({', '.join('?' * len(part))})", part).fetchall())
    return out


_DOC_META = ("year", "date", "country", "doc_type", "speaker", "post_category", "words")


def hit_rows(conn: sqlite3.Connection, entry_hashes: Sequence[str], where: str, params: list,
             columns: Sequence[str] = MATCH_COLUMNS, meta: Sequence[str] = _DOC_META) -> tuple[list[str], list[tuple]]:
    """Hits of the given entry hashes in the filtered documents, with document metadata, in reading order."""
    if not entry_hashes:
        return list(columns) + list(meta), []
    cols = [f"m.{c}" for c in columns] + [f"d.{c}" for c in meta]
    sql = (f"SELECT {', '.join(cols)} FROM matches m JOIN documents d ON d.id = m.doc_id {where} "
           f"{'AND' if where else 'WHERE'} m.entry_hash IN ({', '.join('?' * len(entry_hashes))}) "
           "ORDER BY d.year, d.date, d.country, d.id, m.start")
    return list(columns) + list(meta), conn.execute(sql, [*params, *entry_hashes]).fetchall()


def hit_counts(conn: sqlite3.Connection, entry_hashes: Sequence[str], period_sql: str, where: str, params: list) -> list[tuple]:
    """(period, count, negated count) of hits of the entry hashes per period, over the filtered documents."""
    if not entry_hashes:
        return []
    sql = (f"SELECT {period_sql} AS period, COUNT(*), SUM(m.negated) FROM matches m JOIN documents d ON d.id = m.doc_id "
           f"{where} {'AND' if where else 'WHERE'} m.entry_hash IN ({', '.join('?' * len(entry_hashes))}) GROUP BY period")
    return conn.execute(sql, [*params, *entry_hashes]).fetchall()


def document_counts(conn: sqlite3.Connection, period_sql: str, where: str, params: list) -> list[tuple]:
    """(period, n_docs, n_words) over the filtered documents."""
    return conn.execute(f"SELECT {period_sql} AS period, COUNT(*), COALESCE(SUM(d.words), 0) FROM documents d {where} "
                        "GROUP BY period", params).fetchall()


def kwic_rows(conn: sqlite3.Connection, entry_hashes: Sequence[str], where: str, params: list, *,
              negated: str | None = None, limit: int | None = None, stances: Sequence[str] | None = None) -> list[tuple]:
    """KWIC rows: doc_id, date, year, country, page, left, surface, right, negated, cue, target, group, entry_id, start,
    stance, stance_cue, stance_rule, target_inferred."""
    if not entry_hashes:
        return []
    extra = ""
    if negated == "only":
        extra = " AND m.negated = 1"
    elif negated == "exclude":
        extra = " AND m.negated = 0"
    stance_params: list = []
    if stances:
        extra += f" AND m.stance IN ({', '.join('?' * len(stances))})"
        stance_params = list(stances)
    sql = ("SELECT m.doc_id, d.date, d.year, d.country, m.page, m.left_context, m.surface, m.right_context, m.negated, "
           "m.negation_cue, m.target, m.target_group, m.entry_id, m.start, m.stance, m.stance_cue, m.stance_rule, "
           "m.target_inferred FROM matches m JOIN documents d ON d.id = m.doc_id "
           f"{where} {'AND' if where else 'WHERE'} m.entry_hash IN ({', '.join('?' * len(entry_hashes))}){extra} "
           "ORDER BY d.year, d.date, d.country, d.id, m.start" + (" LIMIT ?" if limit else ""))
    return conn.execute(sql, [*params, *entry_hashes, *stance_params, *([int(limit)] if limit else [])]).fetchall()


# -- full-text index for free phrases --------------------------------------------------------------------------
def _fts_state(conn: sqlite3.Connection) -> str:
    """Max rowid and count of texts: if either moved other than by appending, the index is rebuilt."""
    top, n = conn.execute("SELECT COALESCE(MAX(rowid), 0), COUNT(*) FROM texts").fetchone()
    return f"{top}:{n}"


def ensure_fts(conn: sqlite3.Connection) -> int:
    """Create the FTS5 index over texts on first use and add texts stored since; return rows added.

    Texts are only ever added; if texts were deleted (the count fell behind the rowids) the index is rebuilt.
    """
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS texts_fts USING fts5(text, content='texts', content_rowid='rowid', "
                 "tokenize=\"unicode61 remove_diacritics 0\")")
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_state'").fetchone()
    done_top, done_n = (int(x) for x in row[0].split(":")) if row else (0, 0)
    top, n = (int(x) for x in _fts_state(conn).split(":"))
    if (top, n) == (done_top, done_n):
        return 0
    if top - done_top == n - done_n and top >= done_top:  # appended only
        cur = conn.execute("INSERT INTO texts_fts (rowid, text) SELECT rowid, text FROM texts WHERE rowid > ?", (done_top,))
        added = cur.rowcount
    else:
        conn.execute("INSERT INTO texts_fts (texts_fts) VALUES ('rebuild')")
        added = n
    conn.execute("INSERT INTO meta (key, value) VALUES ('fts_state', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (f"{top}:{n}",))
    return added


def fts_pending(conn: sqlite3.Connection) -> bool:
    """Whether the FTS index is missing or behind the texts table."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_state'").fetchone()
    return row is None or row[0] != _fts_state(conn)


def fts_exists(conn: sqlite3.Connection) -> bool:
    """Whether the FTS index has been built (it may be behind the texts table; see :func:`fts_pending`)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'texts_fts'").fetchone() is not None


def fts_documents(conn: sqlite3.Connection, words: Sequence[str], where: str, params: list) -> list[tuple]:
    """(doc_id, language, text, page starts) of filtered documents whose text holds every word (FTS5 prefilter)."""
    query = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
    sql = ("SELECT d.id, d.language, t.text, (SELECT group_concat(p.start) FROM (SELECT start FROM pages WHERE doc_id = d.id "
           "ORDER BY page) p) FROM texts_fts f JOIN texts t ON t.rowid = f.rowid JOIN documents d ON d.id = t.doc_id "
           f"{where} {'AND' if where else 'WHERE'} texts_fts MATCH ?")
    return conn.execute(sql, [*params, query]).fetchall()


def connect_readonly(db_path: str) -> sqlite3.Connection:
    """A read-only connection of a worker process to the store at ``db_path`` (matching in parallel)."""
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=120)
