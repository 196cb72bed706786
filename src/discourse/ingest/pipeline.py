"""The ingestion pipeline: paths or items in, whole documents in the store, a report out.

Flow: the parent process hashes each input's raw bytes and looks it up in the ``sources`` ledger (an unchanged
file is not parsed again; only its metadata is re-applied); everything else is parsed in worker processes
(:mod:`discourse.ingest.pool`); the parent writes the results in input order, several whole documents per
``BEGIN IMMEDIATE`` transaction, each inside its own savepoint. No transaction is open while anything is parsed,
and a document is never stored in part. Finding and reading the input files is ``files.py``; reading ahead of
the engine in a background thread is ``prefetch.py``.

Pipeline error codes: D100 a path that does not exist or cannot be read; D211 a document that could not be
written (the others of the batch are kept).
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from ..metadata import DocumentMeta
from ..store import documents as _docs
from .document import Limits, ParseHook, SourceItem
from .manifest import load_manifest, merge_meta, name_metadata, validated_layer
from .pool import GRACE, Failure, Parsed, crash_failure, init_worker, parse_item, parse_many, parse_one, run_hook
from .prefetch import prefetch
from .files import Hashed, Skip, collect_files, file_items, store_files

__all__ = ["IngestReport", "ingest", "ingest_items", "DEFAULTS", "collect_files"]

#: Values a new document gets when no layer of metadata sets them (never applied over stored values).
DEFAULTS = {"doc_type": "other", "language": "en"}

_META_NAMES = tuple(f.name for f in fields(DocumentMeta))
# Batching of writes: a transaction holds whole documents only and commits at least this often.
COMMIT_SECONDS = 1.0
COMMIT_DOCS = 500
COMMIT_CHARS = 64_000_000
# Cheap text items are parsed many to a task.
CHUNK_ITEMS = 64
CHUNK_BYTES = 4 * 1024 * 1024
SMALL_TEXT = 1024 * 1024
READY_MAX = 1000


@dataclass
class IngestReport:
    """What a batch did, file by file.

    ``added``, ``updated``, ``unchanged``: lists of ``(source, doc_id)``; ``failed``: ``(source, code,
    message)``; ``skipped``: ``(source, reason)`` (unsupported file types in folders, a second file with the same
    text but different metadata); ``hints``: ``{source: how to fix it}`` for the failures that have one. With
    ``dry_run`` the lists say what would happen; nothing was written.
    """

    added: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def counts(self) -> dict[str, int]:
        """Number of files per outcome."""
        return {k: len(getattr(self, k)) for k in ("added", "updated", "unchanged", "failed", "skipped")}

    def to_frame(self) -> pd.DataFrame:
        """One row per file: status, source, doc_id, code, message, hint (failed and skipped carry the reason)."""
        rows = []
        for status in ("added", "updated", "unchanged"):
            rows += [(status, s, d, None, None, None) for s, d in getattr(self, status)]
        rows += [("failed", s, None, c, m, self.hints.get(s)) for s, c, m in self.failed]
        rows += [("skipped", s, None, None, r, None) for s, r in self.skipped]
        return pd.DataFrame(rows, columns=["status", "source", "doc_id", "code", "message", "hint"])

    def extend(self, other: "IngestReport") -> None:
        """Add another report's outcomes to this one."""
        for name in ("added", "updated", "unchanged", "failed", "skipped"):
            getattr(self, name).extend(getattr(other, name))
        self.hints.update(other.hints)
        self.seconds += other.seconds


@dataclass(frozen=True)
class _Known:
    """An input whose exact bytes were ingested before: only its metadata is re-applied."""

    source: str
    meta: DocumentMeta
    doc_id: str


def _meta_record(meta: DocumentMeta) -> dict:
    return {k: getattr(meta, k) for k in _META_NAMES if getattr(meta, k) is not None}


def _record(parsed: Parsed) -> dict:
    record = _meta_record(parsed.meta)
    record.update(
        sha256=parsed.sha256, source_path=parsed.source, extractor=parsed.extractor,
        extractor_version=parsed.extractor_version, pages=len(parsed.page_starts), chars=parsed.chars,
        words=parsed.words, sentences=parsed.sentences, quality_flags=parsed.quality_flags,
        unmapped_share=parsed.unmapped_share,
    )
    return record


class _Engine:
    """Runs one batch: dispatch to workers, keep input order, write in batches."""

    def __init__(self, store, *, limits: Limits, workers: int, dry_run: bool, progress, total: int | None,
                 hook: ParseHook | None = None):
        self.store = store
        self.hook = None if dry_run else hook
        self.limits = limits
        self.workers = max(0, int(workers))
        self.dry_run = dry_run
        self.progress = progress
        self.total = total
        self.report = IngestReport(dry_run=dry_run)
        self.pool = None
        self.futures: dict = {}  # future -> list of (seq, item, raw)
        self.ready: dict[int, object] = {}
        self.next_write = 0
        self.buffer: list[tuple[int, object]] = []
        self.buffer_chars = 0
        self.buffer_since: float | None = None
        self.seen: dict[str, tuple[str, dict]] = {}  # doc_id -> (first source, its metadata record)
        self.done = 0
        with store.read() as conn:
            self.ledger = _docs.source_ledger(conn)

    # -- dispatch ------------------------------------------------------------------------------------------
    def run(self, entries: Iterable) -> IngestReport:
        start = time.perf_counter()
        chunk: list[tuple[int, SourceItem, str]] = []
        chunk_bytes = 0
        seq = 0
        try:
            for entry in entries:
                if isinstance(entry, (Failure, Skip)):
                    self.ready[seq] = entry
                elif isinstance(entry, (SourceItem, Hashed)):
                    if isinstance(entry, Hashed):
                        entry, raw = entry.item, entry.raw_sha256
                    else:
                        raw = hashlib.sha256(entry.data).hexdigest()
                    hit = self.ledger.get(entry.source)
                    if hit is not None and hit[0] == raw:
                        self.ready[seq] = _Known(entry.source, entry.meta, hit[1])
                    elif self.workers == 0:
                        outcome = parse_item(entry, self.limits, raw)
                        if self.hook is not None:
                            outcome = run_hook(self.hook, [outcome], DEFAULTS["language"], self.limits)[0]
                        self.ready[seq] = outcome
                    elif entry.kind == "text" and len(entry.data) <= SMALL_TEXT:
                        chunk.append((seq, entry, raw))
                        chunk_bytes += len(entry.data)
                        if len(chunk) >= CHUNK_ITEMS or chunk_bytes >= CHUNK_BYTES:
                            self._submit(chunk)
                            chunk, chunk_bytes = [], 0
                    else:
                        self._submit([(seq, entry, raw)])
                else:
                    raise TypeError(f"ingest_items expects SourceItem objects, got {type(entry).__name__}")
                seq += 1
                self._collect(block=len(self.futures) >= max(2, self.workers * 3))
                self._write_ready()
                if len(self.ready) >= READY_MAX:  # a slow file holds up the writes: stop reading ahead
                    if chunk:
                        self._submit(chunk)
                        chunk, chunk_bytes = [], 0
                    while len(self.ready) >= READY_MAX and self.futures:
                        self._collect(block=True)
                        self._write_ready()
            if chunk:
                self._submit(chunk)
            while self.futures:
                self._collect(block=True)
                self._write_ready()
            self._write_ready()
            self._flush()
        except BaseException:
            if self.pool is not None:
                self.pool.stop()
                self.pool.join()
                self.pool = None
            raise
        finally:
            if self.pool is not None:
                self.pool.close()
                self.pool.join()
        self.report.seconds = time.perf_counter() - start
        return self.report

    def _ensure_pool(self):
        if self.pool is None:
            # deferred: pebble starts multiprocessing machinery; only with worker processes
            from pebble import ProcessPool

            if self.hook is not None:
                self.hook.preload()  # before the workers fork, so that they share what it loads
            self.pool = ProcessPool(
                max_workers=self.workers, initializer=init_worker,
                initargs=(self.limits.memory_mb, self.hook, DEFAULTS["language"]),
            )
        return self.pool

    def _submit(self, group: list[tuple[int, SourceItem, str]]) -> None:
        pool = self._ensure_pool()
        timeout = float(self.limits.seconds) + GRACE if self.limits.seconds else None
        if len(group) == 1:
            _, item, raw = group[0]
            future = pool.schedule(parse_one, args=(item, self.limits, raw), timeout=timeout)
        else:
            payload = [(item, raw) for _, item, raw in group]
            future = pool.schedule(parse_many, args=(payload, self.limits), timeout=timeout)
        self.futures[future] = group

    def _collect(self, block: bool) -> None:
        if not self.futures:
            return
        if block:
            done, _ = cf.wait(list(self.futures), return_when=cf.FIRST_COMPLETED)
        else:
            done = [f for f in self.futures if f.done()]
        for future in done:
            group = self.futures.pop(future)
            try:
                result = future.result()
            except BaseException as exc:  # timeout, crashed worker, unpicklable result
                if len(group) > 1:
                    for one in group:  # find the culprit: retry each item on its own
                        self._submit([one])
                else:
                    seq, item, _ = group[0]
                    self.ready[seq] = crash_failure(item.source, exc, self.limits)
                continue
            if len(group) == 1 and not isinstance(result, list):
                result = [result]
            for (seq, _, _), outcome in zip(group, result):
                self.ready[seq] = outcome

    # -- writing ---------------------------------------------------------------------------------------------
    def _write_ready(self) -> None:
        while self.next_write in self.ready:
            outcome = self.ready.pop(self.next_write)
            self.next_write += 1
            if isinstance(outcome, Failure):
                self.report.failed.append((outcome.source, outcome.code, outcome.message))
                if outcome.hint:
                    self.report.hints[outcome.source] = outcome.hint
                self._tick()
            elif isinstance(outcome, Skip):
                self.report.skipped.append((outcome.source, outcome.reason))
                self._tick()
            else:
                if not self.buffer:
                    self.buffer_since = time.monotonic()
                self.buffer.append((self.next_write - 1, outcome))
                if isinstance(outcome, Parsed):
                    self.buffer_chars += outcome.chars
                if len(self.buffer) >= COMMIT_DOCS or self.buffer_chars >= COMMIT_CHARS:
                    self._flush()
        if self.buffer and time.monotonic() - (self.buffer_since or 0) >= COMMIT_SECONDS:
            self._flush()

    def _flush(self) -> None:
        if not self.buffer:
            return
        buffer, self.buffer, self.buffer_chars, self.buffer_since = self.buffer, [], 0, None
        results: list[tuple[str, str, str]] = []  # (status, source, doc_id or message)
        context = self.store.read() if self.dry_run else self.store.write()
        with context as conn:
            for _, outcome in buffer:
                results.append(self._store_one(conn, outcome))
        for status, source, detail in results:
            if status == "failed":
                code, message = detail
                self.report.failed.append((source, code, message))
            elif status == "skipped":
                self.report.skipped.append((source, detail))
            else:
                getattr(self.report, status).append((source, detail))
            self._tick()

    def _store_one(self, conn: sqlite3.Connection, outcome) -> tuple:
        if isinstance(outcome, _Known):
            source, doc_id = outcome.source, outcome.doc_id
            record = _meta_record(outcome.meta)
            raw = size = None  # the ledger already holds this path with these bytes
        else:
            source, doc_id = outcome.source, outcome.sha256[:16]
            record = _record(outcome)
            raw, size = outcome.raw_sha256, outcome.size
        meta = {k: v for k, v in record.items() if k in _docs.METADATA_COLUMNS and k != "source_path"}
        first = self.seen.get(doc_id)
        if first is not None:
            # The same text again in this batch: remember the path, keep the first file's metadata.
            first_source, first_meta = first
            merged = dict(first_meta)
            merged.update(meta)
            if not self.dry_run and raw is not None:
                try:
                    _docs.in_savepoint(conn, lambda: _docs.record_source(conn, source, size, raw, doc_id))
                except sqlite3.Error as exc:
                    return ("failed", source, ("D211", f"{source}: could not be stored: {exc}"))
            if merged != first_meta:
                return ("skipped", source, f"same text as {first_source} (document {doc_id}) with different "
                        "metadata; the first file's metadata was kept")
            return ("unchanged", source, doc_id)
        self.seen[doc_id] = (source, meta)

        def write() -> str:
            if isinstance(outcome, _Known):  # the ledger already holds this path with these bytes
                return _docs.update_metadata(conn, doc_id, record, dry_run=self.dry_run)
            defaults = DEFAULTS
            if outcome.detected_language:  # detected, not stated: a default, never over a stored value
                defaults = {**DEFAULTS, "language": outcome.detected_language}
            _, status = _docs.upsert_document(
                conn, record, outcome.text, outcome.page_starts, defaults=defaults, dry_run=self.dry_run
            )
            if not self.dry_run:
                _docs.record_source(conn, source, size, raw, doc_id)
            if status == "added" and self.hook is not None and outcome.payload is not None:
                language = conn.execute("SELECT language FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
                self.hook.store(conn, doc_id, language, outcome.payload)
            return status

        try:
            status = write() if self.dry_run else _docs.in_savepoint(conn, write)
        except sqlite3.Error as exc:
            self.seen.pop(doc_id, None)
            return ("failed", source, ("D211", f"{source}: could not be stored: {exc}"))
        except KeyError:  # the document was deleted since the ledger was read: parse it again next run
            self.seen.pop(doc_id, None)
            return ("failed", source, ("D211", f"{source}: its stored document {doc_id} disappeared; run again"))
        return (status, source, doc_id)


    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def ingest_items(
    corpus,
    items: Iterable[SourceItem],
    *,
    dry_run: bool = False,
    limits: Limits = Limits(),
    workers: int = 2,
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
    hook: ParseHook | None = None,
) -> IngestReport:
    """Ingest ready-made inputs (files read elsewhere, archive members) and report per item.

    Parameters
    ----------
    corpus:
        A :class:`~discourse.corpus.Corpus` (or anything with a ``.store``).
    items:
        :class:`SourceItem` objects; ``item.meta`` is applied over what the reader finds in the file. Items are
        consumed lazily, so a generator over a large archive is fine.
    dry_run:
        Parse and compare with the store, but write nothing.
    limits:
        Per-file limits (size, pages, seconds, memory).
    workers:
        Parser processes (0 parses in this process, without isolation; for tests and debugging).
    progress:
        Called as ``progress(done, total)`` after each item is settled; ``total`` may be None.
    total:
        Number of items, if known (only passed on to ``progress``).
    hook:
        A :class:`~discourse.ingest.document.ParseHook`: work done on each new text in the worker that parsed it
        and stored with the document (``discourse.match_ingest.MatchOnIngest`` matches a lexicon this way, so the
        text is read once). Not used with ``dry_run``.

    >>> from discourse import Corpus
    >>> from discourse.ingest.document import SourceItem
    >>> corpus = Corpus.open(":memory:")
    >>> report = ingest_items(corpus, [SourceItem("a.txt", b"Peace and cooperation.", "text")], workers=0)
    >>> report.counts()["added"], len(corpus)
    (1, 1)
    """
    store = getattr(corpus, "store", corpus)
    if total is None and isinstance(items, Sequence):
        total = len(items)
    engine = _Engine(store, limits=limits, workers=workers, dry_run=dry_run, progress=progress, total=total, hook=hook)
    if engine.hook is not None:
        with store.write() as conn:
            engine.hook.prepare(conn)
    return engine.run(prefetch(items) if workers else items)


def ingest(
    corpus,
    paths: Iterable[str | os.PathLike] | str | os.PathLike = (),
    *,
    manifest: str | os.PathLike | None = None,
    meta: DocumentMeta = DocumentMeta(),
    dry_run: bool = False,
    password: str | None = None,
    limits: Limits = Limits(),
    workers: int = 2,
    progress: Callable[[int, int | None], None] | None = None,
    recursive: bool = True,
    allow_outside: bool = False,
) -> IngestReport:
    """Ingest files and folders (PDF, HTML, text, DOCX) into the corpus; return what happened to each.

    Metadata, lowest precedence first: what the file states < its name (a date or year; ``ISO_NN_YYYY`` of the
    UN General Debate corpus) < its ``manifest`` row < ``meta`` (the command-line flags). A new document with
    no ``doc_type`` gets ``other`` and with no ``language`` gets ``en`` (:data:`DEFAULTS`).

    Parameters
    ----------
    corpus:
        The target :class:`~discourse.corpus.Corpus`.
    paths:
        Files and folders; with no paths, the files named in ``manifest`` are ingested.
    manifest:
        CSV or YAML file, one row per file (see :func:`~discourse.ingest.manifest.load_manifest`). A bad manifest
        raises :class:`~discourse.errors.IngestError` before anything is read.
    meta:
        Metadata applied to every file (highest precedence); validated first.
    dry_run, limits, workers, progress:
        As in :func:`ingest_items`.
    password:
        Password for encrypted PDFs; never logged or stored.
    recursive:
        Walk sub-folders of the folders given.
    allow_outside:
        Read manifest rows whose path leaves the manifest's folder, and symbolic links in a walked folder that
        point outside it (both refused by default).

    >>> from discourse import Corpus
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "AZE_74_2019.txt").write_text("We support dialogue. [illustrative]")
    >>> report = ingest(Corpus.open(folder / "s.sqlite"), [folder], workers=0)
    >>> report.counts()["added"]
    1
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    store = getattr(corpus, "store", corpus)
    cli_layer = validated_layer(meta, "command-line options")
    rows = load_manifest(manifest, allow_outside=allow_outside) if manifest is not None else {}
    if not paths:
        if not rows:
            raise IngestError("D100", "nothing to ingest: no paths given and no manifest rows",
                              hint="name files or folders, or a manifest with one row per file", reason="missing")
        paths = sorted(rows)
    exclude = store_files(store)
    if manifest is not None:
        exclude.add(str(Path(manifest).resolve()))
    files, extra = collect_files(paths, recursive=recursive, exclude=exclude, allow_outside=allow_outside)

    def overrides(path: str) -> DocumentMeta:
        layer = name_metadata(path)
        row = rows.get(path)
        if row is not None:
            layer = merge_meta(layer, row[0])
        return merge_meta(layer, cli_layer)

    entries = file_items(files, extra, overrides, limits, password)
    return ingest_items(corpus, entries, dry_run=dry_run, limits=limits, workers=workers, progress=progress,
                        total=len(files) + len(extra))
