"""The ``--engine serial|dask`` options of ``discourse match`` and ``discourse score`` and their dispatch.

dask and pyarrow are imported only when ``--engine dask`` runs (``import discourse.cli`` never loads them).
"""

from __future__ import annotations

import click

__all__ = ["engine_options", "match_with_dask", "scores_with_dask"]


def engine_options(f):
    """``--engine serial|dask``, ``--scheduler ADDRESS|local`` and ``--work-dir DIR`` (match, score)."""
    f = click.option("--work-dir", type=click.Path(file_okay=False), default=None,
                     help="With --engine dask: folder of the Parquet export and results [default: STORE.parquet "
                          "next to the store].")(f)
    f = click.option("--scheduler", default="local", show_default=True,
                     help="With --engine dask: 'local' (a LocalCluster of --workers processes) or a scheduler "
                          "address such as tcp://host:8786.")(f)
    return click.option("--engine", type=click.Choice(["serial", "dask"]), default="serial", show_default=True,
                        help="serial: this machine's processes; dask: Parquet partitions on a dask.distributed "
                             "cluster (docs/engine.md).")(f)


def match_with_dask(corpus, lexicon, *, scheduler: str, workers: int, work_dir, filters: dict) -> dict:
    """``discourse match --engine dask``: the summary of :func:`discourse.engine.dask_engine.match_corpus_dask`."""
    from ..engine.dask_engine import match_corpus_dask  # deferred: dask and pyarrow load only when asked for

    summary = match_corpus_dask(corpus, lexicon, scheduler=scheduler, workers=workers, work_dir=work_dir, **filters)
    peaks = summary.pop("worker_peak_rss_mib")
    summary["worker_peak_rss_mib"] = max(peaks.values()) if peaks else None
    return summary


def scores_with_dask(corpus, *, scheduler: str, workers: int, work_dir, **options):
    """``discourse score --engine dask``: :func:`discourse.engine.dask_engine.scores_table_dask`."""
    from ..engine.dask_engine import scores_table_dask  # deferred: dask and pyarrow load only when asked for

    return scores_table_dask(corpus, scheduler=scheduler, workers=workers, work_dir=work_dir, **options)
