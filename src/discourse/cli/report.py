"""``discourse report``: the HTML report with its figures."""

from __future__ import annotations

import click

from ..defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from ._common import db_option, open_corpus

__all__ = ["COMMANDS"]


@click.command("report")
@db_option
@click.option("--country", default=None, help="ISO 3166-1 alpha-3 code (e.g. AZE); indicators need one country.")
@click.option("--from", "year_from", type=int, default=None, help="First year [default: the first with documents].")
@click.option("--to", "year_to", type=int, default=None, help="Last year [default: the last with documents].")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out/report", show_default=True,
              help="Folder for index.html, figures/ and docs/.")
@click.option("--events", type=click.Path(dir_okay=False), default=None,
              help="Key-events CSV drawn on the timelines [default: corpus/events.csv if present].")
@click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Lexicon YAML [default: models/lexicons/orientation.yaml].")
@click.option("--target", default=None, help="Target power (actor id) [default: the lexicon's, russia].")
@click.option("--top-terms", type=click.IntRange(min=1), default=8, show_default=True,
              help="Lexicon entries with a term timeline.")
@click.option("--evidence", "evidence_per_year", type=click.IntRange(min=1), default=5, show_default=True,
              help="KWIC lines shown per year as evidence.")
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True,
              help="Seed of the bootstrap intervals.")
@click.option("--ci-level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=DEFAULT_LEVEL,
              show_default=True, help="Confidence level of the intervals.")
@click.option("--replicates", type=click.IntRange(min=1), default=DEFAULT_REPLICATES, show_default=True,
              help="Bootstrap replicates.")
@click.option("--min-hits", type=click.IntRange(min=0), default=DEFAULT_MIN_HITS, show_default=True,
              help="Years with fewer counted hits are marked low evidence.")
@click.option("--model", default=None,
              help="A fitted scaling model (discourse scale fit): its yearly series beside the dictionary score.")
def report(db, country, year_from, year_to, out_dir, events, lexicon_path, target, top_terms, evidence_per_year,
           seed, ci_level, replicates, min_hits, model):
    """Write a self-contained HTML report (OUT/index.html) with figures as PNG and SVG.

    \b
    Sections: orientation by year with confidence band and key events, term timelines, indicators and their
    correlations with the score, the evidence (KWIC lines) behind each year, documents, methods.
    Example:
      discourse report --country AZE --from 2005 --to 2020 --out out/report
    """
    from ..report import build_report  # deferred: the report stack (pandas, matplotlib) loads only when it runs

    corpus = open_corpus(db)
    try:
        index = build_report(corpus, out_dir, country=country, year_from=year_from, year_to=year_to,
                             lexicon=lexicon_path, target=target, events=events, top_terms=top_terms,
                             evidence_per_year=evidence_per_year, seed=seed, level=ci_level, replicates=replicates,
                             min_hits=min_hits, model=model)
    finally:
        corpus.close()
    click.echo(f"Wrote {index}")


COMMANDS = [report]
