"""Beyond one machine: the Parquet exchange format and the Dask engine (``docs/engine.md``).

* :mod:`discourse.engine.parquet` writes a corpus (documents partitioned by year, with metadata and text) as
  Parquet and reads it back into a store; matches and document statistics are written as Parquet partitions
  with the lexicon hash, rule versions and corpus snapshot in each file's metadata.
* :mod:`discourse.engine.tasks` holds what a worker runs on one partition (no Dask import: the serial engine
  and tests call it too); the matching itself is :func:`discourse.match.match_partition`.
* :mod:`discourse.engine.dask_engine` runs those tasks on a ``dask.distributed`` cluster (a LocalCluster or a
  scheduler address) and merges the results into the store.

This package imports neither pyarrow nor dask at import time; ``import discourse.cli`` never loads them.
"""
