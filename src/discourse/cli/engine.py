"""``discourse export corpus`` (added to the ``export`` group of ``cli/score.py``) and ``discourse import corpus``.

The commands call :mod:`discourse.engine.parquet`; pyarrow is imported only when a command runs. The
``--engine`` options of ``match`` and ``score`` are in ``cli/_engine_options.py``.
"""

from __future__ import annotations

import click

from ._common import db_option, emit, filter_options, format_option, open_corpus
from .score import export as _export_group

__all__ = ["COMMANDS"]


@_export_group.command("corpus")
@click.option("--format", "fmt", type=click.Choice(["parquet"]), default="parquet", show_default=True,
              help="Exchange format.")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Folder to write (new, empty, or a previous export, which is replaced).")
@click.option("--rows-per-file", type=click.IntRange(min=1), default=5000, show_default=True,
              help="At most this many documents per Parquet file.")
@filter_options
@db_option
def export_corpus_command(fmt, out, rows_per_file, doc_type, country, year_from, year_to, db) -> None:
    """The documents (metadata, text, page starts) as Parquet files partitioned by year.

    Writes OUT/documents/year=YYYY/part-NNNNN.parquet and OUT/discourse-export.json (the corpus snapshot).
    Read it back with `discourse import corpus OUT`; match and score it with --engine dask. See docs/engine.md.

    \b
    Example:
      discourse export corpus --format parquet --out exchange/
    """
    from ..engine.parquet import export_corpus  # deferred: pyarrow loads only when asked for

    with open_corpus(db) as corpus:
        marker = export_corpus(corpus, out, rows_per_file=rows_per_file, doc_type=doc_type, country=country,
                               year_from=year_from, year_to=year_to)
    click.echo(f"wrote {marker['n_documents']} documents in {len(marker['partitions'])} files to {out} "
               f"(snapshot {marker['corpus_snapshot']['digest'][:12]})", err=True)


@click.group("import")
def import_group() -> None:
    """Read an exchange format back into the store."""


@import_group.command("corpus")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@db_option
@format_option
def import_corpus_command(folder, db, fmt) -> None:
    """Store the documents of a Parquet export (from `discourse export corpus`), once each.

    Ids and deduplication are those of ingest (the text's sha256); pages and quality flags are kept. A row
    whose id or sha256 is not that of its text is skipped and reported; the others are stored.
    """
    import pandas as pd  # deferred: the command's stack loads only when it runs

    from ..engine.parquet import import_corpus  # deferred: pyarrow loads only when asked for

    with open_corpus(db, create=True) as corpus:
        summary = import_corpus(corpus, folder)
    for problem in summary["skipped"]:
        click.echo(f"skipped: {problem}", err=True)
    summary["skipped"] = len(summary["skipped"])
    emit(pd.DataFrame([summary]), fmt)


COMMANDS = [import_group]
