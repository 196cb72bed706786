"""Options and output helpers shared by every CLI module."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from ..corpus import Corpus
from ..errors import IngestError
from ..metadata import DOC_TYPES, check_country
from ..store.documents import PERIOD_SQL
from ._bounds import PER, YEAR

if TYPE_CHECKING:  # annotations only: pandas itself is imported where a frame is built
    import pandas as pd

__all__ = ["db_option", "format_option", "open_corpus", "emit", "emit_rows", "filter_options", "timeline_options"]


def db_option(f):
    """``--db PATH``: the store (default: $DISCOURSE_DB, else corpus/discourse.sqlite)."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False), default=None, envvar="DISCOURSE_DB", show_envvar=True,
        help="SQLite store to use [default: corpus/discourse.sqlite].",
    )(f)


def format_option(f):
    """``--format table|csv|json``: table for people, csv and json (to stdout) for scripts."""
    return click.option(
        "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
        help="Output format; csv and json go to stdout for scripts.",
    )(f)


def _check_types(ctx, param, value):
    """Refuse an unknown document type (a typo would otherwise select nothing, silently)."""
    if value is None:
        return None
    unknown = [v.strip() for v in value.split(",") if v.strip() and v.strip().lower() not in DOC_TYPES]
    if unknown:
        raise click.BadParameter(f"unknown document type(s) {', '.join(map(repr, unknown))}; valid: "
                                 + ", ".join(DOC_TYPES))
    return value


def _check_countries(ctx, param, value):
    """Refuse a value that is not an ISO 3166-1 alpha-3 code or EU (a name such as 'Azerbaijan' selects nothing)."""
    if value is None:
        return None
    unknown = []
    for v in (v.strip() for v in value.split(",")):
        try:
            if v:
                check_country(v, "--country")
        except IngestError:
            unknown.append(v)
    if unknown:
        raise click.BadParameter(f"not ISO 3166-1 alpha-3 code(s) {', '.join(map(repr, unknown))}; use three "
                                 "letters, e.g. AZE, RUS, USA (or EU for the European Union)")
    return value


def filter_options(f):
    """The document filters shared by docs list, kwic, timeline, score and export."""
    f = click.option("--year-to", type=YEAR, default=None, help="Last year to include.")(f)
    f = click.option("--year-from", type=YEAR, default=None, help="First year to include.")(f)
    f = click.option("--country", default=None, callback=_check_countries,
                     help="ISO 3166-1 alpha-3 code(s), comma-separated (e.g. AZE).")(f)
    f = click.option("--type", "doc_type", default=None, callback=_check_types,
                     help="Document type(s), comma-separated (e.g. speech,statement).")(f)
    return f


def timeline_options(f):
    """``--by`` and ``--per`` of the timeline commands (``discourse timeline`` and ``discourse export timeline``)."""
    f = click.option("--per", type=PER, default=10000, show_default=True,
                     help="Rates per this many words.")(f)
    return click.option("--by", type=click.Choice(list(PERIOD_SQL)), default="year", show_default=True,
                        help="Period (or group) to count by.")(f)


def open_corpus(db: str | None, *, create: bool = False, readonly: bool = False) -> Corpus:
    """Open the store for a command; reading commands refuse to create an empty one, and commands that only read
    (``readonly=True``) open it with SQLite's ``mode=ro``: they never write or migrate it."""
    return Corpus.open(db, create=create, readonly=readonly)


def emit(frame: pd.DataFrame, fmt: str, *, max_colwidth: int = 60) -> None:
    """Print a DataFrame as an aligned table, RFC 4180 CSV or JSON records."""
    import pandas as pd  # deferred: heavy; only commands that print a table need it
    if fmt == "csv":
        from ..safeio import write_csv

        write_csv(frame, sys.stdout)  # formula cells neutralized, as in every CSV discourse writes
    elif fmt == "json":
        click.echo(json.dumps(json.loads(frame.to_json(orient="records", force_ascii=False)), ensure_ascii=False, indent=1))
    else:
        if frame.empty:
            click.echo("(no rows)")
            return
        shown = frame.copy()
        for col in shown.columns:
            if shown[col].dtype == object:
                shown[col] = shown[col].map(lambda v: v if not isinstance(v, str) or len(v) <= max_colwidth else v[: max_colwidth - 1] + "…")
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            click.echo(shown.to_string(index=False, na_rep=""))


def emit_rows(columns: list[str], rows: list[tuple], fmt: str, **kw) -> None:
    """Print rows (tuples under ``columns``) like :func:`emit`; csv and json without pandas (a query answers at once).

    The output is the same as :func:`emit` of the equivalent frame: None is an empty CSV field and JSON null,
    numbers print as Python writes them. A table goes through pandas for its alignment.
    """
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        records = [dict(zip(columns, row)) for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
    else:
        import pandas as pd  # deferred: heavy; only the table format needs it

        emit(pd.DataFrame.from_records(rows, columns=columns), fmt, **kw)
