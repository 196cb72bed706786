"""Tables for indicators: their metadata and their yearly values.

``indicator_meta`` holds one row per indicator (label, unit, direction toward the target power, frequency,
source); ``indicator_values`` holds the tidy values (indicator, country, partner, year) -> value. Derived
indicators (shares, rates, year-on-year changes) are computed when read and never stored.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, Sequence

__all__ = [
    "DDL",
    "META_COLUMNS",
    "VALUE_COLUMNS",
    "upsert_meta",
    "get_meta",
    "replace_values",
    "delete_values",
    "query_values",
    "summary",
    "get_setting",
    "set_setting",
]

DDL = """
CREATE TABLE IF NOT EXISTS indicator_meta (
    indicator     TEXT PRIMARY KEY,
    label         TEXT NOT NULL,
    unit          TEXT NOT NULL,
    direction     INTEGER NOT NULL CHECK (direction IN (-1, 0, 1)),
    frequency     TEXT NOT NULL DEFAULT 'annual' CHECK (frequency IN ('annual', 'period')),
    period_start  INTEGER,
    description   TEXT,
    source        TEXT,
    source_url    TEXT,
    published     TEXT,
    retrieved     TEXT,
    cited_in      TEXT,
    origin        TEXT NOT NULL DEFAULT 'user',
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS indicator_values (
    indicator  TEXT NOT NULL REFERENCES indicator_meta(indicator) ON DELETE CASCADE,
    country    TEXT NOT NULL,
    partner    TEXT NOT NULL DEFAULT '',
    year       INTEGER NOT NULL,
    value      REAL NOT NULL,
    unit       TEXT NOT NULL,
    bound      TEXT NOT NULL DEFAULT '' CHECK (bound IN ('', 'lower', 'upper')),
    source     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    file       TEXT,
    line       INTEGER,
    origin     TEXT NOT NULL DEFAULT 'user',
    PRIMARY KEY (indicator, country, partner, year)
);
CREATE INDEX IF NOT EXISTS indicator_values_country ON indicator_values(country, year);
"""

META_COLUMNS = (
    "indicator", "label", "unit", "direction", "frequency", "period_start", "description", "source",
    "source_url", "published", "retrieved", "cited_in", "origin",
)
VALUE_COLUMNS = ("indicator", "country", "partner", "year", "value", "unit", "bound", "source", "note", "file", "line",
                 "origin")


def upsert_meta(conn: sqlite3.Connection, records: Iterable[dict]) -> int:
    """Insert or update indicator metadata records (keys from :data:`META_COLUMNS`); return the count."""
    cols = ", ".join(META_COLUMNS)
    marks = ", ".join("?" for _ in META_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in META_COLUMNS if c != "indicator")
    n = 0
    for rec in records:
        conn.execute(
            f"INSERT INTO indicator_meta ({cols}) VALUES ({marks}) ON CONFLICT(indicator) DO UPDATE SET {updates}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            tuple(rec.get(c) for c in META_COLUMNS),
        )
        n += 1
    return n


def get_meta(conn: sqlite3.Connection, indicators: Sequence[str] | None = None) -> tuple[list[str], list[tuple]]:
    """Metadata rows (all, or the named indicators), ordered by indicator."""
    sql = f"SELECT {', '.join(META_COLUMNS)} FROM indicator_meta"
    params: list = []
    if indicators is not None:
        sql += f" WHERE indicator IN ({', '.join('?' for _ in indicators)})"
        params = list(indicators)
    sql += " ORDER BY indicator"
    return list(META_COLUMNS), conn.execute(sql, params).fetchall()


def replace_values(conn: sqlite3.Connection, rows: Iterable[dict]) -> int:
    """Insert or replace value rows keyed by (indicator, country, partner, year); return the count."""
    cols = ", ".join(VALUE_COLUMNS)
    marks = ", ".join("?" for _ in VALUE_COLUMNS)
    n = 0
    for row in rows:
        conn.execute(
            f"INSERT OR REPLACE INTO indicator_values ({cols}) VALUES ({marks})",
            tuple(row.get(c) for c in VALUE_COLUMNS),
        )
        n += 1
    return n


def delete_values(conn: sqlite3.Connection, indicator: str | None = None, country: str | None = None,
                  partner: str | None = None, *, origin: str | None = None) -> int:
    """Delete value rows by indicator, country, partner and/or origin (shipped, user, computed); return the count."""
    sql = "DELETE FROM indicator_values WHERE 1 = 1"
    params: list = []
    if indicator is not None:
        sql += " AND indicator = ?"
        params.append(indicator)
    if origin is not None:
        sql += " AND origin = ?"
        params.append(origin)
    if country is not None:
        sql += " AND country = ?"
        params.append(country)
    if partner is not None:
        sql += " AND partner = ?"
        params.append(partner)
    return conn.execute(sql, params).rowcount


def query_values(
    conn: sqlite3.Connection,
    *,
    indicators: Sequence[str] | None = None,
    country: str | None = None,
    partner: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> tuple[list[str], list[tuple]]:
    """Value rows matching the filters, ordered by indicator, country, partner, year."""
    where, params = [], []
    if indicators is not None:
        where.append(f"indicator IN ({', '.join('?' for _ in indicators)})")
        params.extend(indicators)
    for col, val in (("country", country), ("partner", partner)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if year_from is not None:
        where.append("year >= ?")
        params.append(int(year_from))
    if year_to is not None:
        where.append("year <= ?")
        params.append(int(year_to))
    sql = f"SELECT {', '.join(VALUE_COLUMNS)} FROM indicator_values"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY indicator, country, partner, year"
    return list(VALUE_COLUMNS), conn.execute(sql, params).fetchall()


def summary(conn: sqlite3.Connection) -> tuple[list[str], list[tuple]]:
    """One row per indicator: metadata joined with its number of values and year range."""
    cols = ["indicator", "label", "unit", "direction", "frequency", "origin", "source", "source_url", "n",
            "year_min", "year_max", "countries"]
    sql = (
        "SELECT m.indicator, m.label, m.unit, m.direction, m.frequency, m.origin, m.source, m.source_url, "
        "count(v.year), min(v.year), max(v.year), coalesce(group_concat(DISTINCT v.country), '') "
        "FROM indicator_meta m LEFT JOIN indicator_values v ON v.indicator = m.indicator "
        "GROUP BY m.indicator ORDER BY m.indicator"
    )
    return cols, conn.execute(sql).fetchall()


def get_setting(conn: sqlite3.Connection, key: str) -> str | None:
    """A value of the store's ``meta`` key/value table (used for the shipped indicators' digest)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a value of the store's ``meta`` key/value table."""
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))
