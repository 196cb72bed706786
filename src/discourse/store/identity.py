"""Is this SQLite file a discourse store? Checked before anything is created, migrated or read.

A discourse store carries SQLite's ``PRAGMA application_id`` :data:`APPLICATION_ID` (set by schema migration 2).
A store made before that migration is recognized by its schema version and its own tables (``meta``,
``documents``, ``texts``), and gets the id when it is next opened for writing. A new, empty database becomes a
store; any other SQLite file (another application's database) is refused before a single byte is changed.

Error codes: D213 another application's database, D214 an empty database opened for reading.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError

__all__ = ["APPLICATION_ID", "check_identity"]

#: ``PRAGMA application_id`` of a discourse store: the bytes "DSCR".
APPLICATION_ID = int.from_bytes(b"DSCR", "big")
_OWN_TABLES = {"meta", "documents", "texts"}


def check_identity(conn: sqlite3.Connection, path: Path, *, readonly: bool) -> str:
    """Return ``"store"`` (a discourse store) or ``"empty"`` (a new database); raise for anything else."""
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    if app == APPLICATION_ID:
        return "store"
    tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app == 0 and not tables and version == 0:
        if readonly:
            raise StoreError("D214", f"{path} is an empty database, not a discourse store",
                             hint="ingest documents into it first (`discourse ingest PATH --db ...`), or point --db "
                             "at an existing store")
        return "empty"
    if app == 0 and version >= 1 and _OWN_TABLES <= set(tables):
        return "store"  # made before the application id existed
    shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
    what = f"application id {app:#x}" if app else f"tables {shown}" if tables else f"user_version {version}"
    raise StoreError("D213", f"{path} is a SQLite database of another application ({what}), not a discourse "
                     "store; it was left unchanged",
                     hint="open a discourse store (or DISCOURSE_DB), or a new file name to create one")
