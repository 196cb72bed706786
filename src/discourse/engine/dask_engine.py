"""The Dask engine: matching and scoring over Parquet partitions on a ``dask.distributed`` cluster.

* :func:`open_client` starts a LocalCluster (``scheduler="local"``: ``workers`` processes, one thread each) or
  connects to a running scheduler (``tcp://host:8786``).
* :func:`match_export` maps :func:`discourse.engine.tasks.match_task` over the documents partitions of an
  export; each task reads its partition in record batches and writes its matches as Parquet; the lexicon is
  scattered once to every worker, and each worker builds its spaCy pipelines once per language.
* :func:`merge_into_store` writes those results into the store's match cache (``matches``, ``match_runs``,
  ``match_run_docs``, ``sentence_tokens``), the tables the serial matcher fills, so ``discourse kwic``,
  ``score`` and the others work afterwards.
* :func:`match_corpus_dask` and :func:`scores_table_dask` do the whole round for a store.

dask is imported only inside this module's functions (``import discourse.cli`` never loads it).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from ..errors import EngineError
from . import parquet as _pq
from . import tasks as _tasks

__all__ = ["open_client", "match_export", "merge_into_store", "match_corpus_dask", "scores_table_dask",
           "ensure_export", "default_work_dir"]

SUPPORTED_LEVELS = ("year", "document")


def open_client(scheduler: str = "local", workers: int = 2, *, memory_limit: str = "2GiB"):
    """A ``distributed.Client``: a new LocalCluster for ``"local"``, else the scheduler at that address.

    Returns ``(client, cluster)``; ``cluster`` is None for a remote scheduler. Close both when done.
    """
    import dask  # deferred: heavy, only the engine needs it
    from distributed import Client, LocalCluster

    if scheduler in (None, "", "local"):
        if int(workers) < 1:
            raise EngineError("D875", f"workers must be at least 1, got {workers!r}", hint="e.g. workers=2")
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                                   memory_limit=memory_limit, dashboard_address=":0")
        return Client(cluster), cluster
    if "://" not in scheduler and ":" not in scheduler:
        raise EngineError("D874", f"scheduler {scheduler!r} is neither 'local' nor an address such as tcp://host:8786",
                          hint="give scheduler='local' or the address the dask scheduler prints")
    try:
        return Client(scheduler, timeout="20s"), None
    except (OSError, TimeoutError) as exc:
        raise EngineError("D874", f"cannot reach the dask scheduler at {scheduler}: {exc}",
                          hint="start it (dask scheduler), check the address and port, or use scheduler='local'") from None


def default_work_dir(corpus) -> Path:
    """Where a store's Parquet export lives by default: next to the store, ``STORE.parquet``."""
    path = Path(str(corpus.store.path))
    if str(path) == ":memory:":
        raise EngineError("D876", "an in-memory store has no folder for its Parquet export",
                          hint="give work_dir (a folder for the export)")
    return path.with_name(path.name + ".parquet")


def ensure_export(corpus, work_dir: str | Path, **filters) -> dict:
    """The export of the (filtered) store in ``work_dir``: reused when its corpus snapshot is the store's."""
    from ..store import documents as _docs
    from ..store import exchange as _x

    filters = {k: v for k, v in filters.items() if v is not None}
    work_dir = Path(work_dir)
    where, params = _docs.document_filter_sql(**filters)
    with corpus.store.read() as conn:
        snapshot = _pq.snapshot_of_pairs(_x.snapshot_pairs(conn, where, params))
    if (work_dir / _pq.MARKER).is_file():
        try:
            marker = _pq.read_marker(work_dir)
        except EngineError:
            marker = None
        if marker and marker["corpus_snapshot"] == snapshot and marker.get("parameters", {}).get("filters", {}) == filters:
            return marker
    return _pq.export_corpus(corpus, work_dir, **filters)


def _summarize(results: list[dict], seconds: float) -> dict:
    workers: dict[int, float] = {}
    for r in results:
        workers[r["pid"]] = max(workers.get(r["pid"], 0.0), r["peak_rss_mib"])
    per_part = [r["seconds"] for r in results]
    docs = sum(r["documents"] for r in results)
    return {
        "partitions": len(results), "documents": docs, "hits": sum(r["hits"] for r in results),
        "sentences_tokenized": sum(r["tokens"] for r in results), "seconds": round(seconds, 3),
        "docs_per_second": round(docs / seconds, 1) if seconds > 0 else None,
        "partition_seconds_mean": round(sum(per_part) / len(per_part), 3) if per_part else None,
        "partition_seconds_max": round(max(per_part), 3) if per_part else None,
        "worker_peak_rss_mib": {str(pid): mib for pid, mib in sorted(workers.items())},
    }


def match_export(root: str | Path, lexicon, client, *, out_root: str | Path | None = None, progress=None) -> dict:
    """Match every partition of the export at ``root`` on the cluster of ``client``; results as Parquet.

    Tasks are retried (twice) when they fail, and a task lost with its worker is run again elsewhere.
    ``progress(done, total)`` is called as partitions finish. Returns a summary with the documents, hits,
    seconds, mean and largest partition time and each worker's peak resident memory.
    """
    from distributed import as_completed  # deferred: heavy, only the engine needs it

    t0 = time.perf_counter()
    root = Path(root)
    marker = _pq.read_marker(root)
    parts = sorted(marker["partitions"], key=lambda p: -p["n_documents"])  # largest first: better balance
    if not parts:
        return _summarize([], time.perf_counter() - t0)
    lex = client.scatter(lexicon, broadcast=True, hash=False)  # sent once per worker, not per task
    run = uuid.uuid4().hex[:12]  # keys unique per run: a key still being forgotten from a run before never clashes
    futures = [client.submit(_tasks.match_task, str(root.resolve()), p["path"], lex, marker["corpus_snapshot"],
                             str(Path(out_root).resolve()) if out_root else None, key=f"match-{run}-{i}-{p['path']}",
                             pure=False, retries=2) for i, p in enumerate(parts)]
    results = []
    for fut in as_completed(futures):
        results.append(fut.result())
        if callable(progress):
            progress(len(results), len(futures))
    return _summarize(results, time.perf_counter() - t0)


def merge_into_store(corpus, root: str | Path, lexicon, *, out_root: str | Path | None = None) -> dict:
    """Write the Parquet matches of an export into the store's match cache, one transaction per partition.

    Only documents stored in ``corpus`` are written (an export of another store is refused: D877). Returns
    ``{documents, hits, sentences_tokenized}``.
    """
    import pyarrow.parquet as pq  # deferred: heavy

    from ..store import exchange as _x
    from ..store import matches as _msql

    root = Path(root)
    res = Path(out_root) if out_root else root
    marker = _pq.read_marker(root)
    entries = list(lexicon.entries)
    hashes = [e.hash for e in entries]
    plan = []
    for part in marker["partitions"]:  # every check first: a refused merge writes nothing
        paths = {k: _pq.derived_path(res, k, part["path"]) for k in ("matches", "matched", "tokens")}
        for kind, path in paths.items():
            if not path.is_file():
                raise EngineError("D878", f"the {kind} of partition {part['path']} are missing under {res}",
                                  hint="run the match on the export first")
            meta = _pq.read_file_metadata(path)
            if meta.get("lexicon_hash") != lexicon.hash:
                raise EngineError("D878", f"{path} was matched with lexicon {str(meta.get('lexicon_hash'))[:12]}, "
                                  f"not {lexicon.hash[:12]}", hint="match the export again with this lexicon")
        doc_ids = pq.read_table(paths["matched"], columns=["doc_id"]).column("doc_id").to_pylist()
        with corpus.store.read() as conn:
            known = _x.existing_ids(conn, doc_ids)
        if len(known) != len(set(doc_ids)):
            missing = sorted(set(doc_ids) - known)
            raise EngineError("D877", f"{len(missing)} document(s) of partition {part['path']} are not in the store "
                              f"{corpus.store.path} (first: {missing[0]})",
                              hint="import the export into this store first (import_corpus), or merge into the store it came from")
        plan.append(paths)
    with corpus.store.write() as conn:
        _msql.save_lexicon(conn, lexicon)
        run_id = _msql.new_run(conn, [(e.hash, e.id) for e in entries], lexicon.rules)
    out = {"documents": 0, "hits": 0, "sentences_tokenized": 0}
    mcols = _pq.matches_schema().names
    tcols = _pq.tokens_schema().names
    for paths in plan:
        doc_hits = {r["doc_id"]: r["n_hits"] for r in pq.read_table(paths["matched"]).to_pylist()}
        matches = pq.read_table(paths["matches"])
        rows = list(zip(*[matches.column(c).to_pylist() for c in mcols]))
        tokens = pq.read_table(paths["tokens"])
        tok = list(zip(*[tokens.column(c).to_pylist() for c in tcols]))
        with corpus.store.write() as conn:
            _msql.write_chunk(conn, run_id, hashes, doc_hits, rows, tok)
        out["documents"] += len(doc_hits)
        out["hits"] += len(rows)
        out["sentences_tokenized"] += len(tok)
    return out


def _with_client(scheduler, workers, client, fn):
    own = client is None
    cluster = None
    if own:
        client, cluster = open_client(scheduler, workers)
    try:
        return fn(client)
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


def match_corpus_dask(corpus, lexicon=None, *, scheduler: str = "local", workers: int = 2,
                      work_dir: str | Path | None = None, client=None, merge: bool = True, progress=None,
                      **filters) -> dict:
    """Match the (filtered) store on a Dask cluster: export (or reuse) its Parquet partitions, match them,
    and merge the hits into the store's match cache (``merge=False`` leaves them in Parquet only).

    Every document of the export is matched with every entry (the serial matcher is the one that fills only
    missing (document, entry) pairs). Returns the summary of :func:`match_export` (+ ``merged``).
    """
    from ..lexicon import load_lexicon

    lexicon = lexicon or load_lexicon()
    work_dir = Path(work_dir) if work_dir else default_work_dir(corpus)
    ensure_export(corpus, work_dir, **filters)
    summary = _with_client(scheduler, workers, client, lambda c: match_export(work_dir, lexicon, c, progress=progress))
    summary["work_dir"] = str(work_dir)
    if merge:
        summary["merged"] = merge_into_store(corpus, work_dir, lexicon)["documents"]
    return summary


def _matches_current(root: Path, marker: dict, lexicon) -> bool:
    for part in marker["partitions"]:
        path = _pq.derived_path(root, "matches", part["path"])
        if not path.is_file():
            return False
        meta = _pq.read_file_metadata(path)
        if meta.get("lexicon_hash") != lexicon.hash or meta.get("corpus_snapshot") != marker["corpus_snapshot"]:
            return False
    return True


def scores_table_dask(corpus, *, level: str = "year", lexicon=None, group_by: str | None = None,
                      weighting: str = "words", seed: int | None = None, ci_level: float | None = None,
                      replicates: int | None = None, min_hits: int | None = None, scheduler: str = "local",
                      workers: int = 2, work_dir: str | Path | None = None, client=None, rolling=None, windows=None,
                      filter_min_hits: bool = False, **filters):
    """Scores computed on a Dask cluster from the Parquet partitions: one task per year (and per group).

    Matches the export first when its matches are missing or of another lexicon (and merges them into the
    store). ``level`` is ``year`` or ``document`` (D875 otherwise); the numbers equal the serial engine's.
    Returns a :class:`discourse.tables.Table` (as :func:`discourse.score.scores_table`), its sidecar recording
    the engine among the parameters.
    """
    import pandas as pd  # deferred: heavy

    from ..defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
    from ..lexicon import load_lexicon
    from ..provenance import provenance, rule_versions
    from ..score import _check_params, entries_frame
    from ..tables import Table

    seed = DEFAULT_SEED if seed is None else seed
    ci_level = DEFAULT_LEVEL if ci_level is None else ci_level
    replicates = DEFAULT_REPLICATES if replicates is None else replicates
    min_hits = DEFAULT_MIN_HITS if min_hits is None else min_hits
    if level not in SUPPORTED_LEVELS or rolling or windows:
        raise EngineError("D875", f"the dask engine scores level year or document without rolling windows, not "
                          f"level={level!r}" + (f", rolling={rolling}" if rolling else "") + (f", windows={windows!r}" if windows else ""),
                          hint="use the serial engine for months, windows and rolling years")
    _check_params(seed, ci_level, replicates, min_hits)
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    filters = {k: v for k, v in filters.items() if v is not None}
    work_dir = Path(work_dir) if work_dir else default_work_dir(corpus)
    marker = ensure_export(corpus, work_dir, **filters)
    entries = entries_frame(lexicon)
    params = {"seed": int(seed), "level": float(ci_level), "replicates": int(replicates), "min_hits": int(min_hits),
              "by": level, "group_by": group_by, "weighting": weighting}
    by_year: dict = {}
    for p in marker["partitions"]:
        by_year.setdefault(p["year"], []).append(p["path"])
    years = sorted(by_year, key=lambda y: (y is not None, y if y is not None else 0))
    if level == "year":
        years = [y for y in years if y is not None]
    rules = rule_versions(lexicon)

    def run(client):
        if not _matches_current(work_dir, marker, lexicon):
            match_export(work_dir, lexicon, client)
            merge_into_store(corpus, work_dir, lexicon)
        ent = client.scatter(entries, broadcast=True, hash=False)
        run = uuid.uuid4().hex[:12]
        futures = [client.submit(_tasks.score_year_task, str(work_dir.resolve()), by_year[y], lexicon.hash, ent,
                                 params, marker["corpus_snapshot"], rules, key=f"score-{run}-{y}", pure=False,
                                 retries=2)
                   for y in years]
        return client.gather(futures)

    frames = _with_client(scheduler, workers, client, run)
    frames = [f for f in frames if len(f)]
    documents = corpus.documents(**filters)
    if level == "document":
        from ..score import score_documents

        empty = score_documents(pd.DataFrame(columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"]),
                                documents.iloc[:0], entries, seed=seed, level=ci_level, replicates=replicates,
                                min_hits=min_hits)
        frame = pd.concat(frames, ignore_index=True) if frames else empty
    else:
        from ..score import score_periods

        empty = score_periods(pd.DataFrame(columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"]),
                              documents.iloc[:0], entries, by="year", group_by=group_by, weighting=weighting,
                              seed=seed, level=ci_level, replicates=replicates, min_hits=min_hits)
        frame = pd.concat(frames, ignore_index=True) if frames else empty
        keys = ([group_by] if group_by else []) + ["year"]
        frame = frame.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    frame = frame if len(frame) else empty
    if filter_min_hits:
        frame = frame.loc[frame["n_hits"] >= min_hits].reset_index(drop=True)
    parameters = {
        "level": level, "rolling": None, "windows": None, "group_by": group_by,
        "weighting": weighting if level != "document" else None, "seed": int(seed), "ci_level": float(ci_level),
        "replicates": int(replicates), "min_hits": int(min_hits), "min_hits_filters_rows": bool(filter_min_hits),
        "ci_method": "percentile bootstrap "
        + ("(sentences within the document)" if level == "document" else "(documents within the period, then sentences within each document)"),
        "filters": filters, "target": getattr(lexicon, "target", None),
        "engine": {"name": "dask", "scheduler": scheduler if client is None else str(client.scheduler.address),
                   "work_dir": str(work_dir)},
    }
    import pyarrow.parquet as pq  # deferred: heavy

    n_hits = sum(pq.read_metadata(_pq.derived_path(work_dir, "matches", p["path"])).num_rows for p in marker["partitions"])
    kind = "document_scores" if level == "document" else "year_scores"
    record = provenance(lexicon=lexicon, documents=documents, parameters=parameters)
    return Table.from_provenance(frame, kind, record, n_hits_total=int(n_hits))
