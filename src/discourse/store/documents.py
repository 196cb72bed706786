"""Documents, their immutable texts, page boundaries and the source-file ledger."""

from __future__ import annotations

import bisect
import datetime as _dt
import sqlite3
from typing import Iterable, Sequence

from ..errors import StoreError

__all__ = [
    "DDL", "METADATA_COLUMNS", "ALL_COLUMNS", "upsert_document", "update_metadata", "record_source", "known_source",
    "source_ledger", "get_document", "query_documents", "document_text", "page_starts", "page_of",
    "document_filter_sql",
]

DDL = """
CREATE TABLE documents (
    id                TEXT PRIMARY KEY,          -- first 16 hex digits of sha256
    sha256            TEXT NOT NULL UNIQUE,      -- sha256 of the normalized text: the dedupe key
    title             TEXT,
    date              TEXT,                      -- ISO 8601, month and day optional
    year              INTEGER,
    doc_type          TEXT NOT NULL,
    speaker           TEXT,
    speaker_post      TEXT,                      -- as recorded
    post_category     TEXT,                      -- normalized vocabulary (metadata.POST_CATEGORIES)
    country           TEXT,                      -- ISO 3166-1 alpha-3, or an organization code such as EU
    country_kind      TEXT,                      -- state | organization
    session           INTEGER,                   -- UN General Assembly session, when known
    language          TEXT NOT NULL,             -- ISO 639-1
    source_url        TEXT,
    source_path       TEXT,
    extractor         TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    pages             INTEGER NOT NULL,
    chars             INTEGER NOT NULL,
    words             INTEGER NOT NULL,
    sentences         INTEGER NOT NULL,
    quality_flags     TEXT NOT NULL DEFAULT '',  -- comma-separated, sorted
    unmapped_share    REAL,                      -- share of glyphs without a Unicode mapping (PDF)
    ingested_at       TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX documents_country_year ON documents(country, year);
CREATE INDEX documents_year ON documents(year);
CREATE TABLE texts (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    text   TEXT NOT NULL
);
CREATE TABLE pages (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page   INTEGER NOT NULL,                     -- 1-based
    start  INTEGER NOT NULL,                     -- character offsets into texts.text
    end    INTEGER NOT NULL,
    PRIMARY KEY (doc_id, page)
) WITHOUT ROWID;
CREATE TABLE sources (
    path       TEXT PRIMARY KEY,                 -- resolved path, or archive::member
    size       INTEGER NOT NULL,
    raw_sha256 TEXT NOT NULL,                    -- sha256 of the raw bytes
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seen_at    TEXT NOT NULL
);
CREATE INDEX sources_doc ON sources(doc_id);
"""

# Metadata a later ingest may change (the text and what is derived from it never change).
METADATA_COLUMNS = (
    "title", "date", "year", "doc_type", "speaker", "speaker_post", "post_category", "country", "country_kind",
    "session", "language", "source_url", "source_path",
)
# Fields a later ingest may update: source_path keeps the file that first produced the document.
_UPDATABLE = tuple(c for c in METADATA_COLUMNS if c != "source_path")
_ALL_COLUMNS = ("id", "sha256") + METADATA_COLUMNS + (
    "extractor", "extractor_version", "pages", "chars", "words", "sentences", "quality_flags", "unmapped_share",
    "ingested_at", "updated_at",
)


ALL_COLUMNS = _ALL_COLUMNS


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _changes(stored: dict, record: dict) -> dict:
    """Metadata fields of ``record`` (set, updatable) that differ from ``stored``, keeping date and year coherent."""
    changes = {c: record[c] for c in _UPDATABLE if record.get(c) is not None and record[c] != stored.get(c)}
    if "year" in changes and "date" not in changes:
        date = stored.get("date")
        if date is not None and not str(date).startswith(f"{int(changes['year']):04d}"):
            changes["date"] = str(changes["year"])
    return changes


def upsert_document(
    conn: sqlite3.Connection,
    record: dict,
    text: str,
    page_starts: Sequence[int],
    *,
    defaults: dict | None = None,
    dry_run: bool = False,
) -> tuple[str, str]:
    """Insert a document or update its metadata; return ``(doc_id, status)``.

    ``status`` is ``added``, ``updated`` (a metadata field set in ``record`` differs from the stored one) or
    ``unchanged``. ``defaults`` fill fields that ``record`` leaves unset, on insert only (so a default never
    overwrites what an earlier ingest stored); ``source_path`` is also kept from the first insert. With
    ``dry_run`` nothing is written and the status says what would happen. Must run inside
    :meth:`Store.write` (or :meth:`Store.read` for a dry run); the text of a stored document is never rewritten.
    """
    sha = record["sha256"]
    row = conn.execute(
        "SELECT id, " + ", ".join(METADATA_COLUMNS) + " FROM documents WHERE sha256 = ?", (sha,)
    ).fetchone()
    now = _now()
    if row is None:
        doc_id = sha[:16]
        if dry_run:
            return doc_id, "added"
        values = {k: v for k, v in (defaults or {}).items() if v is not None}
        values.update({k: v for k, v in record.items() if v is not None})
        values["id"] = doc_id
        values["ingested_at"] = values["updated_at"] = now
        cols = [c for c in _ALL_COLUMNS if c in values]
        conn.execute(
            f"INSERT INTO documents ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols],
        )
        conn.execute("INSERT INTO texts (doc_id, text) VALUES (?, ?)", (doc_id, text))
        ends = list(page_starts[1:]) + [len(text)]
        conn.executemany(
            "INSERT INTO pages (doc_id, page, start, end) VALUES (?, ?, ?, ?)",
            [(doc_id, i + 1, s, e) for i, (s, e) in enumerate(zip(page_starts, ends))],
        )
        return doc_id, "added"
    doc_id = row[0]
    return doc_id, _apply_changes(conn, doc_id, dict(zip(METADATA_COLUMNS, row[1:])), record, now, dry_run)


def update_metadata(conn: sqlite3.Connection, doc_id: str, record: dict, *, dry_run: bool = False) -> str:
    """Apply the metadata fields set in ``record`` to a stored document; return ``updated`` or ``unchanged``."""
    row = conn.execute("SELECT " + ", ".join(METADATA_COLUMNS) + " FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        raise KeyError(doc_id)
    return _apply_changes(conn, doc_id, dict(zip(METADATA_COLUMNS, row)), record, _now(), dry_run)


def _apply_changes(conn, doc_id: str, stored: dict, record: dict, now: str, dry_run: bool) -> str:
    changes = _changes(stored, record)
    if not changes:
        return "unchanged"
    if dry_run:
        return "updated"
    if "language" in changes:  # a language now stated: the doubt of an earlier detection no longer applies
        flags = conn.execute("SELECT quality_flags FROM documents WHERE id = ?", (doc_id,)).fetchone()[0] or ""
        kept = ",".join(f for f in flags.split(",") if f and f != "language_uncertain")
        if kept != flags:
            changes["quality_flags"] = kept
    changes["updated_at"] = now
    conn.execute(
        f"UPDATE documents SET {', '.join(f'{c} = ?' for c in changes)} WHERE id = ?",
        [*changes.values(), doc_id],
    )
    return "updated"


def record_source(conn: sqlite3.Connection, path: str, size: int, raw_sha256: str, doc_id: str) -> None:
    """Remember that the raw bytes at ``path`` produced ``doc_id`` (lets a re-run skip unchanged files)."""
    conn.execute(
        "INSERT INTO sources (path, size, raw_sha256, doc_id, seen_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(path) DO UPDATE SET size=excluded.size, raw_sha256=excluded.raw_sha256, "
        "doc_id=excluded.doc_id, seen_at=excluded.seen_at",
        (path, size, raw_sha256, doc_id, _now()),
    )


def known_source(conn: sqlite3.Connection, path: str, raw_sha256: str) -> str | None:
    """The document id produced earlier by exactly these bytes at ``path``, if any."""
    row = conn.execute(
        "SELECT s.doc_id FROM sources s JOIN documents d ON d.id = s.doc_id WHERE s.path = ? AND s.raw_sha256 = ?",
        (path, raw_sha256),
    ).fetchone()
    return row[0] if row else None


def source_ledger(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """The whole ledger as ``{path: (raw_sha256, doc_id)}`` (for documents that still exist)."""
    return {
        path: (raw, doc)
        for path, raw, doc in conn.execute(
            "SELECT s.path, s.raw_sha256, s.doc_id FROM sources s JOIN documents d ON d.id = s.doc_id"
        )
    }


def get_document(conn: sqlite3.Connection, doc_id: str) -> dict | None:
    """One document's record (without its text), or None. A unique id prefix is accepted.

    A prefix that several documents share is a :class:`~discourse.errors.StoreError` D212 (not "no document").
    """
    conn.row_factory = sqlite3.Row
    try:
        prefix = doc_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")  # literal, not a pattern
        rows = conn.execute("SELECT * FROM documents WHERE id LIKE ? || '%' ESCAPE '\\' ORDER BY id LIMIT 2", (prefix,)).fetchall()
    finally:
        conn.row_factory = None
    if len(rows) > 1:
        raise StoreError("D212", f"document id {doc_id!r} is the start of several ids ({rows[0]['id']}, "
                         f"{rows[1]['id']}, ...)", hint="give more characters of the id shown by `discourse docs list`")
    if len(rows) != 1:
        return None
    return dict(rows[0])


def document_text(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def page_starts(conn: sqlite3.Connection, doc_id: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT start FROM pages WHERE doc_id = ? ORDER BY page", (doc_id,))]


def page_of(starts: Sequence[int], offset: int) -> int:
    """1-based page holding character ``offset``, given the page start offsets."""
    return max(1, bisect.bisect_right(starts, offset))


def query_documents(
    conn: sqlite3.Connection,
    *,
    doc_type: str | Iterable[str] | None = None,
    country: str | Iterable[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    language: str | None = None,
    post_category: str | None = None,
    ids: Iterable[str] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[list[str], list[tuple]]:
    """Filtered document records ordered by year, date, country, id; returns ``(columns, rows)``."""
    where, params = document_filter_sql(
        doc_type=doc_type, country=country, year_from=year_from, year_to=year_to, language=language,
        post_category=post_category, ids=ids,
    )
    cols = list(columns or _ALL_COLUMNS)
    sql = f"SELECT {', '.join('d.' + c for c in cols)} FROM documents d {where} ORDER BY d.year, d.date, d.country, d.id"
    return cols, conn.execute(sql, params).fetchall()


def _as_list(value) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def document_filter_sql(
    *, doc_type=None, country=None, year_from=None, year_to=None, language=None, post_category=None, ids=None,
    alias: str = "d",
) -> tuple[str, list]:
    """A ``WHERE`` clause (possibly empty) over the documents table aliased ``alias``, and its parameters.

    Shared by every query that filters documents (docs list, kwic, timeline, scores), so filters mean the
    same thing everywhere.
    """
    clauses, params = [], []
    for col, value, upper in (("doc_type", doc_type, False), ("country", country, True)):
        values = _as_list(value)
        if values:
            clauses.append(f"{alias}.{col} IN ({', '.join('?' * len(values))})")
            params.extend(v.upper() if upper else v.lower() for v in values)
    if year_from is not None:
        clauses.append(f"{alias}.year >= ?")
        params.append(int(year_from))
    if year_to is not None:
        clauses.append(f"{alias}.year <= ?")
        params.append(int(year_to))
    if language:
        clauses.append(f"{alias}.language = ?")
        params.append(language.lower())
    if post_category:
        clauses.append(f"{alias}.post_category = ?")
        params.append(post_category)
    id_list = _as_list(ids)
    if id_list is not None:
        clauses.append(f"{alias}.id IN ({', '.join('?' * len(id_list)) or 'NULL'})")
        params.extend(id_list)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def recount_sentences(conn: sqlite3.Connection, count) -> int:
    """Set every stored document's ``sentences`` to ``count(text)`` (after a change of the sentence rule);
    return how many changed. Run inside a write transaction."""
    changed = 0
    for (doc_id,) in conn.execute("SELECT id FROM documents ORDER BY id").fetchall():
        text = document_text(conn, doc_id) or ""
        n = int(count(text))
        changed += conn.execute("UPDATE documents SET sentences = ? WHERE id = ? AND sentences != ?",
                                (n, doc_id, n)).rowcount
    return changed


def count_documents(conn: sqlite3.Connection) -> int:
    """How many documents the store holds."""
    return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def languages(conn: sqlite3.Connection) -> list[str]:
    """The languages of the stored documents."""
    return [r[0] for r in conn.execute("SELECT DISTINCT language FROM documents")]


def dates_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple]:
    """``{id: (date, year, country)}`` of the given documents."""
    out: dict[str, tuple] = {}
    ids = list(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for r in conn.execute(f"SELECT id, date, year, country FROM documents WHERE id IN ({', '.join('?' * len(part))})",
                              part):
            out[r[0]] = tuple(r[1:])
    return out


#: The periods documents are grouped by (timelines), as SQL over the ``documents`` table aliased ``d``.
PERIOD_SQL = {
    "year": "d.year",
    "month": "CASE WHEN length(d.date) >= 7 THEN substr(d.date, 1, 7) END",
    "doc_type": "d.doc_type",
    "speaker": "d.speaker",
    "country": "d.country",
}


def periods_of(conn: sqlite3.Connection, ids: Sequence[str], by: str) -> dict[str, object]:
    """``{id: period}`` of the given documents, the period named by ``by`` (a key of :data:`PERIOD_SQL`)."""
    out: dict[str, object] = {}
    ids = list(ids)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        sql = f"SELECT d.id, {PERIOD_SQL[by]} FROM documents d WHERE d.id IN ({', '.join('?' * len(part))})"
        for doc_id, period in conn.execute(sql, part):
            out[doc_id] = period
    return out


def in_savepoint(conn: sqlite3.Connection, fn):
    """Run ``fn()`` inside a savepoint of the current transaction: all of it or, on an exception, none of it."""
    conn.execute("SAVEPOINT doc")
    try:
        result = fn()
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO doc")
            conn.execute("RELEASE doc")
        raise
    conn.execute("RELEASE doc")
    return result
