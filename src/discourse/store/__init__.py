"""The store: one SQLite file, the only package in discourse that writes SQL.

Design (see ``docs/store.md``):

* WAL journal, ``synchronous=FULL``: a committed document survives a power cut; readers never block the writer.
* Every write runs in ``BEGIN IMMEDIATE`` (:meth:`Store.write`), so writers queue on the busy timeout instead of
  failing halfway with "database is locked"; a document is always written whole in one transaction.
* Parsing never happens inside a transaction: readers produce a complete record first, then the parent process
  writes it.
* The schema carries a version in ``PRAGMA user_version`` and moves forward through :data:`MIGRATIONS`.
* A store on a network file system (NFS, SMB, sshfs, ...) is refused, because WAL needs shared memory that those
  file systems do not provide; ``DISCOURSE_ALLOW_NETWORK_FS=1`` opens it in rollback-journal mode instead.

Table-specific SQL lives in the sibling modules (``documents``, ``matches``, ``indicators``); scores are
not stored: they are recomputed from the match cache, which keeps every scoring parameter free.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import urllib.parse
from pathlib import Path
from typing import Iterator

from ..errors import StoreError
from ..normalize import SENTENCES_RULE, count_sentences
from . import documents as _documents
from . import indicators as _meta
from . import schema

__all__ = ["Store", "default_db_path", "DEFAULT_DB"]

DEFAULT_DB = Path("corpus") / "discourse.sqlite"
BUSY_TIMEOUT_MS = 120_000
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "fuse.sshfs", "afs", "9p", "lustre", "gpfs", "ceph", "glusterfs", "fuse.glusterfs", "davfs", "fuse.s3fs"}


def default_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The store path: ``explicit`` (the ``--db`` flag), else ``$DISCOURSE_DB``, else ``corpus/discourse.sqlite``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("DISCOURSE_DB")
    if env:
        return Path(env)
    return DEFAULT_DB


def filesystem_type(path: Path) -> str | None:
    """File-system type of the mount holding ``path`` (from /proc/mounts), or None if unknown."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = parts[1].replace("\\040", " ")
        if (target == mnt or target.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
            best, best_type = mnt, parts[2]
    return best_type


class Store:
    """An open discourse store.

    Use :meth:`open`; the connection is in autocommit mode and transactions are explicit:

    >>> store = Store.open(":memory:")
    >>> with store.write() as conn:
    ...     _ = conn.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')")
    >>> store.conn.execute("SELECT value FROM meta WHERE key='k'").fetchone()[0]
    'v'
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, journal_mode: str):
        self.conn = conn
        self.path = path
        self.journal_mode = journal_mode
        self._lock = threading.RLock()
        self._depth = 0

    # -- opening -----------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike | None = None, *, create: bool = True, readonly: bool = False) -> "Store":
        """Open (and create or migrate) the store at ``path`` (see :func:`default_db_path`)."""
        memory = str(path) == ":memory:"
        db = Path(":memory:") if memory else default_db_path(path)
        journal = "wal"
        if not memory:
            if not db.exists():
                if not create:
                    raise StoreError(
                        "D201",
                        f"no store at {db}",
                        hint="ingest documents first (`discourse ingest PATH`), or open an existing store",
                    )
                try:
                    db.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError("D202", f"cannot create the folder of {db}: {exc.strerror}",
                                     hint="check the store's path and that its folder can be created") from None
            fstype = filesystem_type(db.parent if not db.exists() else db)
            if fstype in _NETWORK_FS:
                if os.environ.get("DISCOURSE_ALLOW_NETWORK_FS") != "1":
                    raise StoreError(
                        "D203",
                        f"{db} is on a network file system ({fstype}); SQLite's WAL mode and locking are not safe there",
                        hint="put the store on a local disk, or set DISCOURSE_ALLOW_NETWORK_FS=1 to use a rollback "
                        "journal with a single writer at a time",
                    )
                journal = "delete"
        try:
            uri = f"file:{urllib.parse.quote(str(db.resolve()))}?mode=ro" if readonly and not memory else str(db)
            conn = sqlite3.connect(
                uri, uri=readonly and not memory, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not memory:
                from .identity import check_identity

                try:
                    check_identity(conn, db, readonly=readonly)  # before anything is changed or migrated
                except BaseException:
                    conn.close()
                    raise
            if not readonly:
                mode = conn.execute(f"PRAGMA journal_mode={journal}").fetchone()[0]
            else:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
        except sqlite3.DatabaseError as exc:
            raise StoreError("D204", f"{db} is not a usable SQLite store: {exc}", hint="check the store's path") from None
        store = cls(conn, db, mode)
        store.readonly = readonly and not memory
        if not readonly:
            store._migrate()
            store._recount_sentences()
        else:
            store._check_version()
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): all or nothing. Nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError("D205", f"cannot start a write on {self.path}: {exc}",
                                 hint="another process holds the store for too long; try again") from None
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                if self.conn.in_transaction:  # SQLite may already have rolled back (disk full, I/O error)
                    self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError("D207", f"cannot commit to {self.path}: {exc}; nothing of this write was kept",
                                 hint="check free disk space and permissions of the store's folder") from None

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot while a writer goes on."""
        with self._lock:
            if self._depth:
                yield self.conn
                return
            self.conn.execute("BEGIN")
            self._depth = 1
            try:
                yield self.conn
            finally:
                self._depth = 0
                self.conn.execute("COMMIT")

    # -- schema ------------------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _check_version(self) -> None:
        version = self.schema_version
        if version > schema.CURRENT_VERSION:
            raise StoreError(
                "D206",
                f"{self.path} has schema version {version}, newer than this discourse understands ({schema.CURRENT_VERSION})",
                hint="upgrade discourse",
            )

    def _migrate(self) -> None:
        self._check_version()
        if self.schema_version == schema.CURRENT_VERSION:
            return
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for target, steps in schema.MIGRATIONS:
                if version < target:
                    for sql in steps:
                        for statement in _split_sql(sql):
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version={target}")
                    version = target

    def _recount_sentences(self) -> None:
        """Recount the stored documents' sentences once after the sentence rule changed (``sentences`` is what
        the scores' bootstrap resamples; it must be the matcher's sentences, see normalize.sentence_starts)."""
        if _meta.get_setting(self.conn, "sentences_rule") == SENTENCES_RULE:
            return
        with self.write() as conn:
            if _meta.get_setting(conn, "sentences_rule") != SENTENCES_RULE:
                _documents.recount_sentences(conn, count_sentences)
                _meta.set_setting(conn, "sentences_rule", SENTENCES_RULE)

    def integrity_check(self) -> str:
        """Result of ``PRAGMA integrity_check`` (``'ok'`` when the file is sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _split_sql(script: str) -> list[str]:
    """Split a DDL script into statements (executescript would commit our transaction)."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if candidate.endswith(";") and sqlite3.complete_statement(candidate):
            out.append(candidate)
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out
