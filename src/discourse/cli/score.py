"""``discourse score`` and ``discourse export scores|matches|timeline|documents``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from ._common import db_option, emit, filter_options, open_corpus, timeline_options

__all__ = ["COMMANDS"]


def _lexicon_option(f):
    f = click.option("--target", default=None, help="Target power (actor id) [default: the lexicon's, russia].")(f)
    return click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
                        help="Lexicon YAML [default: models/lexicons/orientation.yaml].")(f)


def _score_options(f):
    """Period and bootstrap options shared by `score` and `export scores`."""
    options = [
        click.option("--rolling", type=click.IntRange(min=1), default=None,
                     help="With --level year: a trailing window of N years (row Y pools Y-N+1..Y)."),
        click.option("--windows", default=None,
                     help='Custom periods for --level window, e.g. "2009-2012,2013-2016".'),
        click.option("--group-by", type=click.Choice(["doc_type", "speaker", "speaker_post", "post_category",
                                                      "country", "language"]), default=None,
                     help="One series per value of this document field."),
        click.option("--weighting", type=click.Choice(["words", "equal"]), default="words", show_default=True,
                     help="words: pool the hits of a period's documents; equal: mean of document scores."),
        click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
                     help="Seed of the bootstrap (recorded in the sidecar)."),
        click.option("--ci-level", "--level-ci", "ci_level", type=click.FloatRange(0, 1, min_open=True,
                     max_open=True), default=DEFAULT_LEVEL, show_default=True,
                     help="Confidence level of the intervals."),
        click.option("--replicates", type=click.IntRange(min=1), default=DEFAULT_REPLICATES, show_default=True,
                     help="Bootstrap replicates."),
        click.option("--min-hits", type=click.IntRange(min=0), default=None,
                     help=f"Rows with fewer counted hits are flagged low_evidence [default: {DEFAULT_MIN_HITS}]; "
                     "when given, they are also left out. No computed value is ever blanked."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _export():
    """The export module, imported when a command runs (deferred: it loads pandas and the scoring stack)."""
    from .. import export

    return export


def _lexicon(lexicon_path, target):
    from ..lexicon import load_lexicon  # deferred: loaded only when a command runs

    return load_lexicon(lexicon_path, target=target)


def _filters(doc_type, country, year_from, year_to) -> dict:
    return {"doc_type": doc_type, "country": country, "year_from": year_from, "year_to": year_to}


def _emit_table(table, out, fmt: str, default: str) -> None:
    """Write ``table`` to OUT (+ sidecar); CSV without --out goes to stdout."""
    if out is None and fmt == "csv":
        _export().write_csv(table.frame, sys.stdout)
        return
    path = Path(out) if out else Path(default.format(fmt=fmt, level=table.parameters.get("level", "")))
    written, sidecar = table.write(path, fmt=fmt)
    click.echo(f"wrote {written} ({len(table.frame)} rows) and {sidecar}", err=True)


@click.command("score")
@click.option("--level", type=click.Choice(["year", "month", "window", "document"]), default="year",
              show_default=True, help="Rows per year, month, custom window or document.")
@_score_options
@_lexicon_option
@filter_options
@click.option("--out-dir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Folder for orientation_scores.csv (level year) or orientation_scores_LEVEL.csv.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="How to print the summary table.")
@db_option
def score(level, rolling, windows, group_by, weighting, seed, ci_level, replicates, min_hits, lexicon_path, target,
          doc_type, country, year_from, year_to, out_dir, fmt, db) -> None:
    """Compute (or refresh) orientation scores and write them with a sidecar.

    Brings the match cache up to date for the lexicon, scores the documents, writes
    OUT_DIR/orientation_scores.csv (yearly) and prints a summary. See docs/scoring.md.

    \b
    Example:
      discourse score --country AZE --year-from 2009 --year-to 2019
    """
    with open_corpus(db) as corpus:
        table = _export().scores_table(
            corpus, level=level, lexicon=_lexicon(lexicon_path, target), rolling=rolling, windows=windows,
            group_by=group_by, weighting=weighting, seed=seed, ci_level=ci_level, replicates=replicates,
            min_hits=DEFAULT_MIN_HITS if min_hits is None else min_hits, filter_min_hits=min_hits is not None,
            **_filters(doc_type, country, year_from, year_to),
        )
    name = "orientation_scores.csv" if level == "year" else f"orientation_scores_{level}.csv"
    written, sidecar = table.write(Path(out_dir) / name)
    frame = table.frame
    n_docs = len(frame) if level == "document" else int(frame["n_docs"].sum()) if len(frame) else 0
    low = int(frame["low_evidence"].sum()) if len(frame) else 0
    click.echo(
        f"lexicon {str(table.lexicon_hash)[:12]} (target {table.parameters.get('target')}): {n_docs} documents, "
        f"{int(frame['n_hits'].sum()) if len(frame) else 0} counted hits; {len(frame)} rows ({level}), "
        f"{low} low-evidence (fewer than {table.parameters['min_hits']} hits)", err=True,
    )
    if level != "document":
        keys = [c for c in ("doc_type", "speaker", "speaker_post", "post_category", "country", "language", "year",
                            "period") if c in frame.columns]
        emit(frame[keys + ["score", "ci_low", "ci_high", "logit", "n_docs", "n_hits", "low_evidence"]], fmt)
    click.echo(f"wrote {written} and {sidecar}", err=True)


@click.group("export")
def export() -> None:
    """Export scores, matches, timelines or document metadata as CSV/Parquet with a JSON sidecar.

    CSV is UTF-8 with RFC 4180 quoting and ISO dates; text cells starting with = + - @ are prefixed with '
    against spreadsheet formula injection. Without --out, CSV goes to stdout; Parquet goes to out/.
    Columns are documented in docs/exports.md.
    """


def _out_options(f):
    f = click.option("--out", type=click.Path(dir_okay=False), default=None,
                     help="Output file (sidecar: OUT.json) [default: stdout for csv, out/ for parquet].")(f)
    return click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv",
                        show_default=True, help="File format.")(f)


@export.command("scores")
@click.option("--level", type=click.Choice(["year", "month", "window", "document"]), default="year",
              show_default=True, help="Rows per year, month, custom window or document.")
@_score_options
@_lexicon_option
@filter_options
@_out_options
@db_option
@click.option("--model", default=None,
              help="A fitted scaling model (discourse scale fit): its scores per document or year instead of the "
              "dictionary's.")
def export_scores(level, rolling, windows, group_by, weighting, seed, ci_level, replicates, min_hits, lexicon_path,
                  target, doc_type, country, year_from, year_to, fmt, out, db, model) -> None:
    """Orientation scores per document or period, with confidence intervals.

    \b
    Example:
      discourse export scores --level year --country AZE --format csv > aze.csv
      discourse export scores --level document --model orient --format csv > lss.csv
    """
    if model is not None:
        from ..scaling.models import model_scores_table

        with open_corpus(db) as corpus:
            table = model_scores_table(corpus, model, level=level, group_by=group_by, seed=seed, ci_level=ci_level,
                                       replicates=replicates, **_filters(doc_type, country, year_from, year_to))
        _emit_table(table, out, fmt, _export().DEFAULT_OUT["scores"])
        return
    with open_corpus(db) as corpus:
        table = _export().scores_table(
            corpus, level=level, lexicon=_lexicon(lexicon_path, target), rolling=rolling, windows=windows,
            group_by=group_by, weighting=weighting, seed=seed, ci_level=ci_level, replicates=replicates,
            min_hits=DEFAULT_MIN_HITS if min_hits is None else min_hits, filter_min_hits=min_hits is not None,
            **_filters(doc_type, country, year_from, year_to),
        )
    _emit_table(table, out, fmt, _export().DEFAULT_OUT["scores"])


@export.command("matches")
@_lexicon_option
@filter_options
@_out_options
@db_option
def export_matches(lexicon_path, target, doc_type, country, year_from, year_to, fmt, out, db) -> None:
    """Every lexicon hit with its document, offsets, page, negation, target and how it is counted."""
    with open_corpus(db) as corpus:
        table = _export().matches_table(corpus, lexicon=_lexicon(lexicon_path, target),
                              **_filters(doc_type, country, year_from, year_to))
    _emit_table(table, out, fmt, _export().DEFAULT_OUT["matches"])


@export.command("timeline")
@click.argument("terms", nargs=-1, required=True)
@timeline_options
@_lexicon_option
@filter_options
@_out_options
@db_option
def export_timeline(terms, by, per, lexicon_path, target, doc_type, country, year_from, year_to, fmt, out, db) -> None:
    """Counts and rates of lexicon entries, categories or terms per period (as `discourse timeline`)."""
    with open_corpus(db) as corpus:
        table = _export().timeline_table(corpus, terms, lexicon=_lexicon(lexicon_path, target), by=by, per=per,
                               **_filters(doc_type, country, year_from, year_to))
    _emit_table(table, out, fmt, _export().DEFAULT_OUT["timeline"])


@export.command("documents")
@filter_options
@_out_options
@db_option
def export_documents(doc_type, country, year_from, year_to, fmt, out, db) -> None:
    """The stored documents' metadata (id, text hash, date, type, speaker, country, counts), no text."""
    with open_corpus(db) as corpus:
        table = _export().documents_table(corpus, **_filters(doc_type, country, year_from, year_to))
    _emit_table(table, out, fmt, _export().DEFAULT_OUT["documents"])


COMMANDS = [score, export]
