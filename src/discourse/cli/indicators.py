"""``discourse indicators add|list|show|un-votes`` and ``discourse panel``."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from ..defaults import COMPOSITE_METHODS, ROLLCALL_CONVENTIONS
from ._common import db_option, emit, format_option, open_corpus


def _ind():
    """The indicators module, imported when a command runs (deferred: it loads pandas)."""
    return importlib.import_module("discourse.indicators")


def _unvotes():
    """The UN roll-call module, imported when a command runs (deferred: it loads pandas)."""
    return importlib.import_module("discourse.unvotes")


def _panel():
    """The panel module (deferred: pandas, scipy); `discourse.panel` is also a lazy function name of the package."""
    return importlib.import_module("discourse.panel")

__all__ = ["COMMANDS"]


@click.group("indicators")
def indicators_group() -> None:
    """Quantitative indicators (arms imports, UN votes, trade, schooling) beside the texts.

    \b
    The seed study's figures ship in corpus/indicators/ and are loaded into the store on first use.
      discourse indicators list
      discourse indicators show trade_turnover --country AZE
      discourse indicators add my_indicators.csv --meta my_indicators.yaml
      discourse indicators un-votes --country AZE --partner RUS --from 2009 --to 2019
    """


@indicators_group.command("add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--meta", "meta", type=click.Path(dir_okay=False), default=None,
              help="Metadata YAML (label, unit, direction, source) for indicators new to the store "
                   "[default: FILE.yaml beside the CSV, if present].")
@db_option
@format_option
def add_command(file, meta, db, fmt) -> None:
    """Validate a tidy indicator CSV and store it.

    Columns: indicator, country, partner, year, value, unit, and optionally bound, source, note. A file
    with any bad line (unknown column, non-numeric value, duplicate indicator-country-partner-year, unknown
    unit, new indicator without direction metadata) is refused whole, naming each bad line.
    """
    with open_corpus(db, create=True) as corpus:
        emit(_ind().add_indicators(corpus, file, meta=meta), fmt)


@indicators_group.command("list")
@db_option
@format_option
def list_command(db, fmt) -> None:
    """List the loaded indicators: label, unit, direction, origin, years, n, source (derived ones included)."""
    with open_corpus(db, create=True) as corpus:
        emit(_ind().list_indicators(corpus), fmt)


@indicators_group.command("show")
@click.argument("indicator", required=False)
@click.option("--country", default=None, help="ISO 3166-1 alpha-3 code (e.g. AZE).")
@click.option("--partner", default=None, help="Partner code (e.g. RUS).")
@click.option("--from", "year_from", type=int, default=None, help="First year.")
@click.option("--to", "year_to", type=int, default=None, help="Last year.")
@db_option
@format_option
def show_command(indicator, country, partner, year_from, year_to, db, fmt) -> None:
    """Show the tidy values of INDICATOR (all indicators if omitted), derived ones computed on the fly."""
    with open_corpus(db, create=True) as corpus:
        frame = _ind().indicator_values(corpus, country=country, partner=partner,
                                      indicators=[indicator] if indicator else None,
                                      year_from=year_from, year_to=year_to)
        emit(frame.drop(columns=["file", "line"]), fmt)


@indicators_group.command("un-votes")
@click.option("--country", required=True, help="ISO 3166-1 alpha-3 code, e.g. AZE.")
@click.option("--partner", default="RUS", show_default=True, help="ISO 3166-1 alpha-3 code of the partner.")
@click.option("--from", "year_from", type=int, default=None, help="First year (calendar year of the vote).")
@click.option("--to", "year_to", type=int, default=None, help="Last year.")
@click.option("--exclude-issues", default="", help="Comma-separated issue codes to leave out: me, nu, di, hr, co, ec.")
@click.option("--votes-dir", type=click.Path(file_okay=False), default=None,
              help="Folder with un_votes.csv.gz, un_roll_calls.csv.gz, un_roll_call_issues.csv.gz "
                   "[default: ../shared/data/unvotes beside the project, or $DISCOURSE_UNVOTES_DIR].")
@click.option("--abstain-convention", "convention", type=click.Choice(list(ROLLCALL_CONVENTIONS)),
              default="identical", show_default=True,
              help="identical: same vote (abstain-abstain included) = agreement; half: one abstaining counts 0.5; "
                   "yesno: only roll calls where both voted yes or no.")
@click.option("--store/--no-store", default=True, show_default=True,
              help="Store the computed series as un_vote_agreement_rollcall (and its n).")
@db_option
@format_option
def un_votes_command(country, partner, year_from, year_to, exclude_issues, votes_dir, convention, store, db, fmt) -> None:
    """UN General Assembly voting agreement per year from the roll calls, beside the study's hand count.

    Prints per year: n (roll calls both voted on), identical / one-abstains / opposite counts, the computed
    agreement, the study's matches, resolutions and rate, their difference and whether they differ (> 0.05).
    """
    with open_corpus(db, create=True) as corpus:
        frame = _unvotes().un_votes(corpus, country, partner, year_from, year_to, votes_dir=votes_dir,
                              exclude_issues=exclude_issues.split(","), convention=convention, store=store)
        emit(frame, fmt)


@click.command("panel")
@click.option("--country", required=True, help="ISO 3166-1 alpha-3 code, e.g. AZE.")
@click.option("--from", "year_from", type=int, required=True, help="First year of the panel.")
@click.option("--to", "year_to", type=int, required=True, help="Last year of the panel.")
@click.option("--partner", default="RUS", show_default=True, help="Target power for the roll-call agreement.")
@click.option("--composite", type=click.Choice(list(COMPOSITE_METHODS)), default=None,
              help="Add a composite alignment index: pca (first principal component) or mean of the "
                   "direction-aligned z-scores.")
@click.option("--show", type=click.Choice(["panel", "correlations", "loadings"]), default="panel",
              show_default=True, help="What to print: the panel, the correlations (lags -2..2), or the "
                                      "composite's loadings.")
@click.option("--votes-dir", type=click.Path(file_okay=False), default=None,
              help="Roll-call tables folder, used when the store holds no computed agreement.")
@click.option("--min-hits", type=click.IntRange(min=0), default=None,
              help="Years with fewer counted hits are flagged low_evidence (scores kept, left out of the "
                   "correlations) [default: the scores' default].")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the panel CSV here (+ FILE.json sidecar) and the correlations beside it "
                   "(STEM_correlations.csv).")
@click.option("--model", default=None,
              help="A fitted scaling model (discourse scale fit): its yearly series beside the dictionary score.")
@db_option
@format_option
def panel_command(country, year_from, year_to, partner, composite, show, votes_dir, min_hits, out, model, db,
                  fmt) -> None:
    """The yearly panel: orientation score and interval beside every indicator, with z-scores.

    One row per year of --from..--to; years without texts or without an indicator value are empty, never 0.
    Correlations are Pearson and Spearman with n and p-values, labelled descriptive when n < 15.
    """
    with open_corpus(db) as corpus:
        frame = _panel().panel(corpus, country, year_from, year_to, partner=partner, composite=composite,
                             votes_dir=votes_dir,
                             score_options={"min_hits": min_hits} if min_hits is not None else None, model=model)
        if out:
            path = _panel().write_panel(corpus, out, frame=frame)
            click.echo(f"wrote {path} (+ {path.name}.json) and {path.stem}_correlations.csv", err=True)
    if show == "correlations":
        frame = _panel().panel_correlations(frame)
    elif show == "loadings":
        frame = _panel().composite_loadings(frame)
    emit(frame, fmt)


COMMANDS = [indicators_group, panel_command]
