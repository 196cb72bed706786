"""Web responses: the bytes, final URL and headers of every page fetched, kept so that extraction can be re-run
without fetching again (``discourse.web``).

A response row is written in its own transaction as soon as the body is complete (never a partial body); the
document it produced is linked afterwards (``doc_id``), so a run interrupted between the two extracts the
stored response on the next run instead of fetching it again. The same bytes fetched again from a URL are not
stored twice: only ``checked_at`` and the validators (ETag, Last-Modified) are refreshed.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3

__all__ = [
    "DDL", "RESPONSE_COLUMNS", "store_response", "latest_response", "pending_responses", "link_response",
    "mark_checked", "get_response", "responses_for", "page_urls", "forget_ledger",
]

DDL = """
CREATE TABLE web_responses (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,                 -- the URL asked for (feed link, list line, sources.csv)
    final_url     TEXT NOT NULL,                 -- after redirects
    status        INTEGER NOT NULL,
    headers       TEXT NOT NULL,                 -- JSON object of the final response's headers
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    body          BLOB NOT NULL,                 -- the body, Content-Encoding (gzip/deflate) removed
    sha256        TEXT NOT NULL,                 -- of body
    meta          TEXT NOT NULL DEFAULT '{}',    -- JSON: metadata given with the URL (feed entry, list row, flags)
    fetched_at    TEXT NOT NULL,
    checked_at    TEXT NOT NULL,                 -- last time the server confirmed these bytes (304 or same body)
    extracted_at  TEXT,                          -- NULL: not yet through the readers
    doc_id        TEXT REFERENCES documents(id) ON DELETE SET NULL,
    error_code    TEXT,                          -- the reader's refusal, when extraction failed
    error         TEXT,
    UNIQUE (url, sha256)
);
CREATE INDEX web_responses_url ON web_responses(url, fetched_at);
CREATE INDEX web_responses_pending ON web_responses(extracted_at) WHERE extracted_at IS NULL;
"""

RESPONSE_COLUMNS = (
    "id", "url", "final_url", "status", "headers", "content_type", "etag", "last_modified", "body", "sha256",
    "meta", "fetched_at", "checked_at", "extracted_at", "doc_id", "error_code", "error",
)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _row(row) -> dict | None:
    if row is None:
        return None
    record = dict(zip(RESPONSE_COLUMNS, row))
    record["headers"] = json.loads(record["headers"])
    record["meta"] = json.loads(record["meta"])
    return record


def store_response(
    conn: sqlite3.Connection, *, url: str, final_url: str, status: int, headers: dict, body: bytes, sha256: str,
    meta: dict, fetched_at: str, content_type: str | None, etag: str | None, last_modified: str | None,
) -> tuple[int, bool]:
    """Keep one fetched response; return ``(id, new)``.

    The same bytes from the same URL again only refresh ``checked_at``, the validators and the given metadata
    (``new`` is False). Must run inside :meth:`Store.write`.
    """
    row = conn.execute("SELECT id FROM web_responses WHERE url = ? AND sha256 = ?", (url, sha256)).fetchone()
    meta_json = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    if row is not None:
        conn.execute(
            "UPDATE web_responses SET checked_at = ?, etag = ?, last_modified = ?, meta = ? WHERE id = ?",
            (fetched_at, etag, last_modified, meta_json, row[0]),
        )
        return row[0], False
    cur = conn.execute(
        "INSERT INTO web_responses (url, final_url, status, headers, content_type, etag, last_modified, body, "
        "sha256, meta, fetched_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (url, final_url, status, json.dumps(headers, ensure_ascii=False), content_type, etag, last_modified,
         sqlite3.Binary(body), sha256, meta_json, fetched_at, fetched_at),
    )
    return cur.lastrowid, True


def latest_response(conn: sqlite3.Connection, url: str) -> dict | None:
    """The most recently fetched response of ``url`` (its validators say what to send in a conditional request)."""
    return _row(conn.execute(
        f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM web_responses WHERE url = ? ORDER BY fetched_at DESC, id DESC "
        "LIMIT 1", (url,)).fetchone())


def get_response(conn: sqlite3.Connection, response_id: int) -> dict | None:
    return _row(conn.execute(
        f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM web_responses WHERE id = ?", (response_id,)).fetchone())


def responses_for(conn: sqlite3.Connection, url: str) -> list[dict]:
    """Every stored response of ``url``, oldest first."""
    return [_row(r) for r in conn.execute(
        f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM web_responses WHERE url = ? ORDER BY fetched_at, id", (url,))]


def pending_responses(conn: sqlite3.Connection, ids=None) -> list[dict]:
    """Responses not yet extracted (all, or among ``ids``), oldest first."""
    sql = f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM web_responses WHERE extracted_at IS NULL"
    params: list = []
    if ids is not None:
        ids = list(ids)
        sql += f" AND id IN ({', '.join('?' * len(ids)) or 'NULL'})"
        params = ids
    return [_row(r) for r in conn.execute(sql + " ORDER BY fetched_at, id", params)]


def link_response(conn: sqlite3.Connection, response_id: int, doc_id: str | None, error_code: str | None = None,
                  error: str | None = None) -> None:
    """Record the outcome of extracting a response: its document, or the reader's refusal."""
    conn.execute(
        "UPDATE web_responses SET extracted_at = ?, doc_id = ?, error_code = ?, error = ? WHERE id = ?",
        (_now(), doc_id, error_code, error, response_id),
    )


def mark_checked(conn: sqlite3.Connection, response_id: int, checked_at: str, meta: dict | None = None) -> None:
    """The server confirmed a stored response (304 Not Modified): refresh ``checked_at`` (and the given metadata)."""
    if meta is None:
        conn.execute("UPDATE web_responses SET checked_at = ? WHERE id = ?", (checked_at, response_id))
    else:
        conn.execute("UPDATE web_responses SET checked_at = ?, meta = ? WHERE id = ?",
                     (checked_at, json.dumps(meta, ensure_ascii=False, sort_keys=True), response_id))


def page_urls(conn: sqlite3.Connection) -> list[str]:
    """Every URL with a stored response that is a page (feeds left out), sorted."""
    return [u for (u,) in conn.execute(
        "SELECT DISTINCT url FROM web_responses WHERE json_extract(meta, '$.role') IS NULL ORDER BY url")]


def forget_ledger(conn: sqlite3.Connection, urls) -> int:
    """Drop the ingestion ledger's rows (table ``sources``) of ``urls``, so that their stored bytes are parsed
    again by the readers instead of being recognized as already read; return how many rows went."""
    urls = list(urls)
    if not urls:
        return 0
    cur = conn.execute(f"DELETE FROM sources WHERE path IN ({', '.join('?' * len(urls))})", urls)
    return cur.rowcount
