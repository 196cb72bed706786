"""``discourse kwic``, ``discourse timeline``, ``discourse search`` and ``discourse match``."""

from __future__ import annotations

import click

from ._bounds import LIMIT, PER, WORKERS
from ._common import db_option, emit, emit_rows, filter_options, format_option, open_corpus, timeline_options
from ._engine_options import engine_options

__all__ = ["COMMANDS"]


def _lexicon_options(f):
    f = click.option("--target", default=None, help="Target power (actor id) [default: the lexicon's, russia].")(f)
    return click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
                        help="Lexicon YAML [default: models/lexicons/orientation.yaml].")(f)


def _lexicon(path, target):
    from ..lexicon import load_lexicon  # deferred: the command's stack (pandas, spaCy) loads only when it runs

    return load_lexicon(path, target=target)


def _filters(doc_type, country, year_from, year_to) -> dict:
    return {"doc_type": doc_type, "country": country, "year_from": year_from, "year_to": year_to}


def _kwic_options(f):
    f = click.option("--limit", type=LIMIT, default=None, help="At most this many lines.")(f)
    f = click.option("--window", type=click.IntRange(0, 20), default=8, show_default=True,
                     help="Words of context on each side.")(f)
    return f


@click.command("kwic")
@click.argument("terms", nargs=-1, required=True)
@_kwic_options
@click.option("--negated", type=click.Choice(["only", "exclude"]), default=None,
              help="Only negated hits, or exclude them [default: all].")
@click.option("--stance", "stances", multiple=True,
              type=click.Choice(["support", "reject", "doubt", "question", "reported", "mention"]),
              help="Only hits of this stance (repeatable) [default: all].")
@filter_options
@_lexicon_options
@db_option
@format_option
def kwic_command(terms, window, limit, negated, stances, doc_type, country, year_from, year_to, lexicon_path, target, db,
                 fmt):
    """Keyword in context for TERMS: lexicon entry ids, labels or categories, or any phrase.

    \b
    Examples:
      discourse kwic "Euro-Atlantic integration" --window 8
      discourse kwic strategic_partnership --country AZE --negated exclude
      discourse kwic western_integration --country AZE --stance reject --stance doubt
      discourse kwic "good-neighbourly relations"   (not in the lexicon: searched in the text)
    """
    from ..match import kwic  # deferred: the command's stack (pandas, spaCy) loads only when it runs

    with open_corpus(db) as corpus:
        frame = kwic(corpus, list(terms), _lexicon(lexicon_path, target), window=window, negated=negated, limit=limit,
                     progress=True, stance=list(stances) or None, **_filters(doc_type, country, year_from, year_to))
    emit(frame.drop(columns=["start"]), fmt)


@click.command("timeline")
@click.argument("terms", nargs=-1, required=True)
@timeline_options
@filter_options
@_lexicon_options
@db_option
@format_option
def timeline_command(terms, by, per, doc_type, country, year_from, year_to, lexicon_path, target, db, fmt):
    """Counts and rates of TERMS per period: entry ids, labels, categories (summed) or any phrase.

    Periods with documents but no hits show 0; periods without documents are absent.

    \b
    Example:
      discourse timeline "Non-Aligned Movement" --country AZE --by year --format csv
    """
    from ..timeline import timeline_rows  # deferred: the matcher loads only when the command runs (no pandas)

    with open_corpus(db) as corpus:
        columns, rows = timeline_rows(corpus, list(terms), _lexicon(lexicon_path, target), by=by, per=per,
                                      progress=True, **_filters(doc_type, country, year_from, year_to))
    emit_rows(columns, rows, fmt)


@click.command("search")
@click.argument("phrase", nargs=-1, required=True)
@_kwic_options
@filter_options
@db_option
@format_option
def search_command(phrase, window, limit, doc_type, country, year_from, year_to, db, fmt):
    """Search the stored text for PHRASE (never the lexicon), shown in context.

    The phrase is matched like a lexicon phrase: case-insensitive, whole words, any hyphen/space/line-break
    between words. The full-text index is built on first use.
    """
    from ..match import search  # deferred: the command's stack (pandas, spaCy) loads only when it runs

    with open_corpus(db, readonly=True) as corpus:
        frame = search(corpus, list(phrase), window=window, limit=limit,
                       **_filters(doc_type, country, year_from, year_to))
    emit(frame.drop(columns=["start"]), fmt)


@click.command("match")
@filter_options
@_lexicon_options
@click.option("--workers", type=WORKERS, default=2, show_default=True, help="Processes to match with.")
@engine_options
@db_option
@format_option
def match_command(doc_type, country, year_from, year_to, lexicon_path, target, workers, engine, scheduler, work_dir,
                  db, fmt):
    """Bring the match cache up to date (queries do this by themselves; this does it explicitly).

    Only (document, entry) pairs not yet matched are computed: after a lexicon edit, only the edited entries.
    With --engine dask, every document is matched on a Dask cluster from a Parquet export and the hits are
    merged into the store (docs/engine.md).
    """
    import pandas as pd  # deferred: the command's stack (pandas, spaCy) loads only when it runs

    from ..match import match_corpus  # deferred: the command's stack (pandas, spaCy) loads only when it runs

    with open_corpus(db) as corpus:
        if engine == "dask":
            from ._engine_options import match_with_dask

            summary = match_with_dask(corpus, _lexicon(lexicon_path, target), scheduler=scheduler, workers=workers,
                                      work_dir=work_dir, filters=_filters(doc_type, country, year_from, year_to))
        else:
            summary = match_corpus(corpus, _lexicon(lexicon_path, target), workers=workers, progress=True,
                                   **_filters(doc_type, country, year_from, year_to))
    emit(pd.DataFrame([summary]), fmt)


COMMANDS = [kwic_command, timeline_command, search_command, match_command]
