"""The Parquet exchange format: a corpus, its matches and its document statistics as partitioned files.

Layout of an export folder (``docs/engine.md``)::

    DIR/discourse-export.json                   marker: format, version, corpus snapshot, partitions
    DIR/documents/year=2015/part-00000.parquet  documents (metadata, text, page starts), at most
                                                ``rows_per_file`` per file, partitioned by year
    DIR/matches/year=2015/part-00000.parquet    hits of the partition (written by the engines)
    DIR/matched/year=2015/part-00000.parquet    (doc_id, n_hits) of every matched document, 0 included
    DIR/tokens/year=2015/part-00000.parquet     sentence tokens tokenized while matching (the store's cache)
    DIR/stats/year=2015/part-00000.parquet      document statistics (document scores) of the partition

Every Parquet file carries, under the file metadata key ``discourse``, a JSON object with its kind, the
format version and, for derived files, the lexicon hash, the rule versions and the corpus snapshot (number
of documents and digest) of the export it was computed from.

The schemas are derived from the store's tables (``store.exchange.table_columns``): a column added to
``documents`` or ``matches`` by a migration appears here without a second list.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import shutil
from pathlib import Path
from typing import Iterable, Iterator, Sequence

# deferred by the caller: this module imports pyarrow; discourse.cli imports it only inside commands
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import EngineError
from ..normalize import text_sha256
from ..store import Store
from ..store import documents as _docs
from ..store import exchange as _x
from ..store import matches as _msql

__all__ = [
    "MARKER", "FORMAT", "FORMAT_VERSION", "documents_schema", "matches_schema", "matched_schema", "tokens_schema",
    "export_corpus", "import_corpus", "read_marker", "PartitionWriter", "partition_files", "write_parquet",
    "file_metadata", "derived_path", "snapshot_of_pairs",
]

MARKER = "discourse-export.json"
FORMAT = "discourse-corpus"
FORMAT_VERSION = 1
META_KEY = b"discourse"
ROWS_PER_FILE = 5000
OWNED = ("documents", "matches", "matched", "tokens", "stats")
_SQL_TYPES = {"TEXT": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64(), "BLOB": pa.binary()}


# -- schemas derived from the store ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _columns(table: str) -> tuple[tuple[str, str, bool], ...]:
    store = Store.open(":memory:")  # the current schema, after every migration
    try:
        return tuple(_x.table_columns(store.conn, table))
    finally:
        store.close()


def _schema(table: str, order: Sequence[str] | None = None, extra: Sequence[pa.Field] = ()) -> pa.Schema:
    cols = {name: (typ, notnull) for name, typ, notnull in _columns(table)}
    names = list(order) if order is not None else list(cols)
    fields = [pa.field(n, _SQL_TYPES.get(cols[n][0], pa.string()), nullable=not cols[n][1]) for n in names]
    return pa.schema(fields + list(extra))


def documents_schema() -> pa.Schema:
    """Every column of the store's ``documents`` table, then ``text`` and ``page_starts`` (list of offsets)."""
    return _schema("documents", _docs.ALL_COLUMNS, [pa.field("text", pa.string(), nullable=False),
                                                    pa.field("page_starts", pa.list_(pa.int64()))])


def matches_schema() -> pa.Schema:
    """The store's ``matches`` columns in the order of the matcher's hit rows (``store.matches.MATCH_COLUMNS``)."""
    return _schema("matches", _msql.MATCH_COLUMNS)


def matched_schema() -> pa.Schema:
    """(doc_id, n_hits) of every matched document (the store's ``match_run_docs``)."""
    return _schema("match_run_docs", ("doc_id", "n_hits"))


def tokens_schema() -> pa.Schema:
    """The store's ``sentence_tokens`` columns."""
    return _schema("sentence_tokens")


# -- files ---------------------------------------------------------------------------------------------------------
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def file_metadata(kind: str, **info) -> dict[bytes, bytes]:
    """The ``discourse`` key of a Parquet file's metadata: kind, format version and ``info``."""
    payload = {"kind": kind, "format": FORMAT, "format_version": FORMAT_VERSION, **info}
    return {META_KEY: json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")}


def read_file_metadata(path: str | Path) -> dict:
    """The ``discourse`` metadata of a Parquet file (empty when absent)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(META_KEY)
    return json.loads(raw) if raw else {}


def write_parquet(path: str | Path, schema: pa.Schema, rows: Sequence[tuple], kind: str, **info) -> Path:
    """Write ``rows`` (tuples in schema order) to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = schema.names
    columns = list(zip(*rows)) if rows else [[] for _ in names]
    table = pa.table({n: pa.array(list(c), type=schema.field(n).type) for n, c in zip(names, columns)}, schema=schema)
    table = table.replace_schema_metadata(file_metadata(kind, **info))
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)
    return path


def derived_path(root: str | Path, kind: str, partition: str) -> Path:
    """The file of ``kind`` (matches, matched, tokens, stats) computed from documents partition ``partition``."""
    rel = Path(partition).relative_to("documents") if Path(partition).parts[0] == "documents" else Path(partition)
    return Path(root) / kind / rel


def snapshot_of_pairs(pairs: Iterable[tuple[str, str]]) -> dict:
    """Number of documents and digest (sha256 over the sorted "id sha256" lines), as in export sidecars."""
    pairs = sorted((str(i), str(s)) for i, s in pairs)
    digest = hashlib.sha256("\n".join(f"{i} {s}" for i, s in pairs).encode()).hexdigest()
    return {"n_documents": len(pairs), "digest": digest}


def _year_dir(year) -> str:
    return f"year={int(year)}" if year is not None else "year=unknown"


class PartitionWriter:
    """Writes documents into ``DIR/documents/year=Y/part-NNNNN.parquet`` files and the marker at the end.

    Rows must come grouped by year (the store's export orders them so); a file holds at most ``rows_per_file``
    documents, so memory holds one file's rows.
    """

    def __init__(self, out: str | Path, *, rows_per_file: int = ROWS_PER_FILE, parameters: dict | None = None):
        self.out = prepare_dir(out)
        self.rows_per_file = int(rows_per_file)
        self.schema = documents_schema()
        self.parameters = parameters or {}
        self.partitions: list[dict] = []
        self._buf: list[tuple] = []
        self._year = None
        self._count: dict[str, int] = {}
        self._pairs: list[tuple[str, str]] = []

    def add(self, record: dict) -> None:
        """One document: a dict with the documents columns, ``text`` and ``page_starts`` (list of offsets)."""
        year = record.get("year")
        if self._buf and year != self._year:
            self._flush()
        self._year = year
        self._buf.append(tuple(record.get(n) for n in self.schema.names))
        self._pairs.append((record["id"], record["sha256"]))
        if len(self._buf) >= self.rows_per_file:
            self._flush()

    def _flush(self) -> None:
        if not self._buf:
            return
        ydir = _year_dir(self._year)
        n = self._count.get(ydir, 0)
        self._count[ydir] = n + 1
        rel = f"documents/{ydir}/part-{n:05d}.parquet"
        pairs = [(r[0], r[1]) for r in self._buf]
        write_parquet(self.out / rel, self.schema, self._buf, "documents", year=self._year,
                      partition_snapshot=snapshot_of_pairs(pairs))
        self.partitions.append({"path": rel, "year": self._year, "n_documents": len(self._buf)})
        self._buf = []

    def close(self) -> dict:
        """Write the last file and the marker; return the marker."""
        self._flush()
        marker = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "written_at": _now(),
            "corpus_snapshot": snapshot_of_pairs(self._pairs), "parameters": self.parameters,
            "n_documents": len(self._pairs), "partitions": self.partitions,
        }
        tmp = self.out / (MARKER + ".tmp")
        tmp.write_text(json.dumps(marker, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        tmp.replace(self.out / MARKER)
        return marker


def prepare_dir(out: str | Path) -> Path:
    """An empty folder for an export: refuses a non-empty folder that is not a previous export (D870).

    A previous export's own files (marker, documents/, matches/, ...) are removed; anything else is kept.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise EngineError("D870", f"{out} exists and is not a folder",
                          hint="give the export a folder path that does not exist yet or is empty")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise EngineError("D870", f"{out} is not empty and holds no previous discourse export ({MARKER} missing); "
                              "nothing was written", hint="give an empty or new folder, or a previous export to replace")
        for name in OWNED:
            if (out / name).is_dir():
                shutil.rmtree(out / name)
        (out / MARKER).unlink()
    out.mkdir(parents=True, exist_ok=True)
    return out


def export_corpus(corpus, out: str | Path, *, rows_per_file: int = ROWS_PER_FILE, **filters) -> dict:
    """Write the (filtered) documents of ``corpus`` with their texts and page starts as Parquet partitions.

    Returns the marker: format, corpus snapshot (n_documents, digest), partitions (path, year, n_documents).
    """
    filters = {k: v for k, v in filters.items() if v is not None}
    where, params = _docs.document_filter_sql(**filters)
    writer = PartitionWriter(out, rows_per_file=rows_per_file, parameters={"filters": filters})
    cols = list(_docs.ALL_COLUMNS)
    with corpus.store.read() as conn:
        for batch in _x.iter_documents(conn, cols, where, params):
            for row in batch:
                record = dict(zip(cols, row[:len(cols)]))
                record["text"] = row[len(cols)]
                pages = row[len(cols) + 1]
                record["page_starts"] = [int(x) for x in pages.split(",")] if pages else []
                writer.add(record)
    return writer.close()


def read_marker(root: str | Path) -> dict:
    """The marker of an export folder (D871 when ``root`` is not one)."""
    root = Path(root)
    path = root / MARKER
    if not path.is_file():
        raise EngineError("D871", f"{root} is not a discourse Parquet export ({MARKER} missing)",
                          hint="export the corpus to a folder first (export_corpus(corpus, folder))")
    try:
        marker = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineError("D872", f"{path} cannot be read as JSON: {exc}", hint="export the corpus again") from None
    if marker.get("format") != FORMAT or marker.get("format_version") != FORMAT_VERSION:
        raise EngineError("D872", f"{path} is format {marker.get('format')!r} version {marker.get('format_version')!r}, "
                          f"not {FORMAT} version {FORMAT_VERSION}", hint="export the corpus again with this discourse")
    for part in marker.get("partitions", []):
        if not (root / part["path"]).is_file():
            raise EngineError("D873", f"partition {part['path']} listed in {path} is missing",
                              hint="the export is incomplete: export the corpus again")
    return marker


def partition_files(root: str | Path) -> list[dict]:
    """The documents partitions of an export (path relative to ``root``, year, n_documents)."""
    return list(read_marker(root)["partitions"])


def iter_partition(path: str | Path, columns: Sequence[str] | None = None, batch_size: int = 256) -> Iterator[pa.RecordBatch]:
    """Record batches of a Parquet file (one batch in memory at a time)."""
    yield from pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=list(columns) if columns else None)


def _check_record(record: dict, where: str) -> str | None:
    """Why a document row cannot be imported (None when it can)."""
    text = record.get("text")
    if not isinstance(text, str):
        return f"{where}: no text"
    sha = text_sha256(text)
    if record.get("sha256") != sha:
        return f"{where}: sha256 {record.get('sha256')!r} is not the hash of its text ({sha[:16]}...)"
    if record.get("id") != sha[:16]:
        return f"{where}: id {record.get('id')!r} is not the first 16 hex digits of its sha256 ({sha[:16]})"
    for col in ("doc_type", "language", "extractor", "extractor_version"):
        if not record.get(col):
            return f"{where}: {col} is empty"
    starts = record.get("page_starts") or [0]
    if starts[0] != 0 or any(b < a for a, b in zip(starts, starts[1:])) or starts[-1] > len(text):
        return f"{where}: page starts {list(starts)[:5]} are not increasing offsets from 0 into the text"
    return None


def import_corpus(corpus, root: str | Path) -> dict:
    """Store the documents of a Parquet export in ``corpus``, once each (dedupe by text hash, as ingest does).

    Every row is checked first (its id and sha256 must be those of its text; page starts increasing from 0);
    a bad row is skipped and reported, the others are stored, one transaction per file (whole documents only).
    Returns ``{files, documents, added, updated, unchanged, skipped: [messages]}``.
    """
    root = Path(root)
    marker = read_marker(root)
    cols = list(_docs.ALL_COLUMNS)
    summary = {"files": 0, "documents": 0, "added": 0, "updated": 0, "unchanged": 0, "skipped": []}
    keep = [c for c in cols if c not in ("id", "ingested_at", "updated_at")]
    for part in marker["partitions"]:
        path = root / part["path"]
        ready = []
        row_no = 0
        try:
            batches = list(iter_partition(path))
        except (OSError, pa.ArrowException) as exc:
            summary["skipped"].append(f"{part['path']}: cannot be read ({exc})")
            continue
        for batch in batches:
            for record in batch.to_pylist():
                row_no += 1
                problem = _check_record(record, f"{part['path']} row {row_no}")
                if problem:
                    summary["skipped"].append(problem)
                    continue
                ready.append(record)
        with corpus.store.write() as conn:
            for record in ready:
                meta = {c: record.get(c) for c in keep}
                starts = list(record.get("page_starts") or [0])
                _, status = _docs.upsert_document(conn, meta, record["text"], starts)
                summary[status] += 1
        summary["files"] += 1
        summary["documents"] += len(ready)
    return summary
