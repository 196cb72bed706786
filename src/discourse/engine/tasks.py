"""What a worker runs on one partition: matching and document statistics (no Dask here).

A task takes the path of a documents partition and returns a small summary; its results go to Parquet files
next to the partition (``derived_path``). It reads the partition in record batches, so a worker holds one
batch of texts at a time, never the corpus.

The spaCy pipelines are built once per worker process and language: :func:`discourse.match.match_partition`
keeps its matchers in a per-process cache keyed by the lexicon hash and entries, and
:func:`discourse.nlp.get_pipeline` is an ``lru_cache``; a task carries only paths and the lexicon.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd

from ..match import match_partition
from . import parquet as _pq

def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for missing (as the store's frames are), not pandas strings."""
    for col in frame.columns:
        if pd.api.types.is_string_dtype(frame[col]) and frame[col].dtype != object:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


__all__ = ["match_task", "score_year_task", "worker_memory", "read_hits", "read_documents"]

BATCH_ROWS = 256  # documents per record batch read from a partition


def _rss() -> int:
    try:
        import psutil

        return psutil.Process(os.getpid()).memory_info().rss
    except ImportError:  # pragma: no cover - psutil comes with dask.distributed
        return 0


def worker_memory(peak: int = 0) -> dict:
    """This process's resident memory now and the largest seen during the task (MiB, psutil samples).

    (``ru_maxrss`` is not used: Linux keeps it across fork and exec, so a worker would report its parent's.)
    """
    rss = _rss()
    return {"pid": os.getpid(), "rss_mib": round(rss / 2**20, 1), "peak_rss_mib": round(max(rss, peak) / 2**20, 1)}


def _info(lexicon, snapshot: dict, partition: str) -> dict:
    return {"lexicon_hash": lexicon.hash, "rule_versions": dict(lexicon.rules), "corpus_snapshot": snapshot,
            "partition": partition, "entry_hashes": [e.hash for e in lexicon.entries]}


def match_task(root: str, partition: str, lexicon, snapshot: dict, out_root: str | None = None,
               batch_rows: int = BATCH_ROWS) -> dict:
    """Match every document of one partition with every entry of ``lexicon``; write matches, matched, tokens.

    Returns ``{partition, documents, hits, tokens, seconds, pid, rss_mib, peak_rss_mib}``.
    """
    t0 = time.perf_counter()
    out = Path(out_root or root)
    doc_hits: dict[str, int] = {}
    rows: list[tuple] = []
    tokens: list[tuple] = []
    peak = 0
    for batch in _pq.iter_partition(Path(root) / partition, ("id", "language", "text", "page_starts"), batch_rows):
        cols = [batch.column(i).to_pylist() for i in range(4)]
        d, r, t = match_partition(zip(*cols), lexicon)
        doc_hits.update(d)
        rows.extend(r)
        tokens.extend(t)
        peak = max(peak, _rss())  # sampled after each batch, while the batch's texts are still held
    info = _info(lexicon, snapshot, partition)
    _pq.write_parquet(_pq.derived_path(out, "matches", partition), _pq.matches_schema(), rows, "matches", **info)
    _pq.write_parquet(_pq.derived_path(out, "matched", partition), _pq.matched_schema(), list(doc_hits.items()),
                      "matched", **info)
    _pq.write_parquet(_pq.derived_path(out, "tokens", partition), _pq.tokens_schema(), tokens, "tokens", **info)
    return {"partition": partition, "documents": len(doc_hits), "hits": len(rows), "tokens": len(tokens),
            "seconds": round(time.perf_counter() - t0, 3), **worker_memory(peak)}


def read_documents(root: str | Path, partitions: list[str]) -> pd.DataFrame:
    """The documents of some partitions, metadata only (no text), in the store's order (year, date, country, id)."""
    import pyarrow.parquet as pq

    from ..store import documents as _docs

    frames = [pq.read_table(Path(root) / p, columns=list(_docs.ALL_COLUMNS)).to_pandas() for p in partitions]
    docs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(_docs.ALL_COLUMNS))
    docs = _objects(docs)
    for col in ("year", "session"):
        docs[col] = docs[col].astype("Int64")
    # SQLite's ORDER BY puts NULL first and compares text by code point, as here
    docs = docs.sort_values(["year", "date", "country", "id"], na_position="first", kind="stable")
    return docs.reset_index(drop=True)


def read_hits(root: str | Path, partitions: list[str], lexicon_hash: str) -> pd.DataFrame:
    """The hits of some partitions (matches files), checked to be of ``lexicon_hash`` (D880 otherwise)."""
    import pyarrow.parquet as pq

    from ..errors import EngineError

    frames = []
    for p in partitions:
        path = _pq.derived_path(root, "matches", p)
        if not path.is_file():
            raise EngineError("D880", f"no matches for partition {p} under {root}",
                              hint="match the export first (engine dask), then score")
        meta = _pq.read_file_metadata(path)
        if meta.get("lexicon_hash") != lexicon_hash:
            raise EngineError("D880", f"{path} was matched with lexicon {str(meta.get('lexicon_hash'))[:12]}, "
                              f"not {lexicon_hash[:12]}", hint="match the export again with this lexicon")
        frames.append(pq.read_table(path).to_pandas())
    schema = _pq.matches_schema()
    hits = _objects(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=schema.names))
    for f in schema:
        if f.name in ("negated", "target_inferred"):
            hits[f.name] = hits[f.name].astype(bool)
    return hits


def score_year_task(root: str, partitions: list[str], lexicon_hash: str, entries: pd.DataFrame, params: dict,
                    snapshot: dict, rule_versions: dict, out_root: str | None = None) -> pd.DataFrame:
    """Scores of one year (every partition of that year): writes each partition's document statistics and
    returns the year's rows (``level`` document: the documents' rows)."""
    from ..score import score_documents, score_periods

    docs = read_documents(root, partitions)
    hits = read_hits(root, partitions, lexicon_hash)
    common = {k: params[k] for k in ("seed", "level", "replicates", "min_hits")}
    stats = score_documents(hits, docs, entries, **common)
    out = Path(out_root or root)
    info = {"lexicon_hash": lexicon_hash, "rule_versions": rule_versions, "corpus_snapshot": snapshot,
            "parameters": common}
    for p in partitions:
        ids = set(pd.read_parquet(Path(root) / p, columns=["id"])["id"])
        part = stats.loc[stats["id"].isin(ids)].reset_index(drop=True)
        path = _pq.derived_path(out, "stats", p)
        path.parent.mkdir(parents=True, exist_ok=True)
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(part, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **_pq.file_metadata("stats", partition=p, **info)})
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(table, tmp)
        tmp.replace(path)
    if params.get("by") == "document":
        return stats
    return score_periods(hits, docs, entries, by="year", group_by=params.get("group_by"),
                         weighting=params.get("weighting", "words"), **common)
