"""``scripts/bench.py --scale``: matching a synthetic corpus of N documents, serial and on a 2-worker LocalCluster.

1. The corpus: ``scripts/make_synthetic_corpus.py`` writes N documents as Parquet partitions (reused when the
   folder already holds an export of N documents with the same seed).
2. Serial: this process runs the engine's task (``discourse.engine.tasks.match_task``, i.e.
   ``discourse.match.match_partition``) on the first partitions, up to ``--serial-docs`` documents, one after
   the other (the spaCy pipeline's loading is included, once).
3. Dask: a ``LocalCluster(n_workers=W, threads_per_worker=1, processes=True, memory_limit=...)`` matches every
   partition (``discourse.engine.dask_engine.match_export``); each task reports its time and its worker's
   resident memory (psutil, sampled after every record batch; the largest per worker is reported).

The figures go to ``docs/scale.json`` (read by docs/scale.md). Not part of the test suite.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run(args) -> int:
    import make_synthetic_corpus as synth

    from discourse.engine import parquet as P
    from discourse.engine import tasks as T
    from discourse.engine.dask_engine import match_export
    from discourse.lexicon import load_lexicon

    n = int(args.docs)
    work = Path(args.workdir or "/tmp") / f"discourse-scale-{n}"
    corpus_dir = Path(args.corpus) if args.corpus else work / "corpus"
    out = {"n_docs": n, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                    "load_at_start": _load()}}
    marker = None
    if (corpus_dir / P.MARKER).is_file():
        marker = P.read_marker(corpus_dir)
        if marker["n_documents"] != n or marker.get("parameters", {}).get("synthetic", {}).get("seed") != args.seed:
            marker = None
    if marker is None:
        t0 = time.perf_counter()
        marker = synth.make(n, corpus_dir, seed=args.seed, rows_per_file=args.rows_per_file)
        out["generate_seconds"] = round(time.perf_counter() - t0, 1)
    parts = marker["partitions"]
    out["partitions"] = len(parts)
    out["rows_per_file"] = max(p["n_documents"] for p in parts)
    out["parquet_bytes"] = sum((corpus_dir / p["path"]).stat().st_size for p in parts)
    lexicon = load_lexicon(args.lexicon)
    out["lexicon_hash"] = lexicon.hash
    print(f"corpus: {n} documents in {len(parts)} partitions ({out['parquet_bytes'] / 2**20:.0f} MiB)", file=sys.stderr)

    # serial: the same task, one partition after the other, in this process
    serial_out = work / "serial"
    done, results = 0, []
    t0 = time.perf_counter()
    for p in parts:
        if done >= args.serial_docs:
            break
        results.append(T.match_task(str(corpus_dir), p["path"], lexicon, marker["corpus_snapshot"], str(serial_out)))
        done += results[-1]["documents"]
    secs = time.perf_counter() - t0
    out["serial"] = {"documents": done, "partitions": len(results), "seconds": round(secs, 1),
                     "docs_per_second": round(done / secs, 1), "hits": sum(r["hits"] for r in results),
                     "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
                     "partition_seconds_mean": round(sum(r["seconds"] for r in results) / len(results), 3)}
    print(f"serial: {out['serial']}", file=sys.stderr)

    # dask: every partition on a LocalCluster
    import dask
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               memory_limit=args.memory_limit, dashboard_address=":0")
    client = Client(cluster)
    out["cluster_start_seconds"] = round(time.perf_counter() - t0, 1)
    try:
        last = [0.0]

        def progress(k, total):
            if time.perf_counter() - last[0] > 60:
                last[0] = time.perf_counter()
                print(f"dask: {k}/{total} partitions", file=sys.stderr)

        summary = match_export(corpus_dir, lexicon, client, out_root=work / "dask", progress=progress)
    finally:
        client.close()
        cluster.close()
    summary["workers"] = args.workers
    summary["memory_limit"] = args.memory_limit
    out["dask"] = summary
    out["speedup"] = round(summary["docs_per_second"] / out["serial"]["docs_per_second"], 2)
    out["machine"]["load_at_end"] = _load()
    print(f"dask: {summary}", file=sys.stderr)
    path = Path(args.scale_out)
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))
    return 0
