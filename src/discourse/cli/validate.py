"""``discourse validate sample|import|report``: validate the lexicon by hand coding (docs/validate.md)."""

from __future__ import annotations

import click

from ._common import db_option, emit, filter_options, format_option, open_corpus

__all__ = ["COMMANDS"]


@click.group("validate")
def validate_group() -> None:
    """Validate the lexicon: draw hits to code, import the codes, report precision, recall and agreement.

    \b
    Workflow:
      discourse validate sample --per-entry 30 --by language,decade --random-sentences 200 --seed 1 --out coding.csv
      (coders fill code_sense, code_stance, code_missed and coder; see docs/codebook.md)
      discourse validate import coding_alice.csv coding_bob.csv
      discourse validate report --out out/validation
    """


def _lexicon_option(f):
    return click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
                        help="Lexicon YAML [default: models/lexicons/orientation.yaml].")(f)


@validate_group.command("sample")
@click.option("--per-entry", type=click.IntRange(min=1), default=30, show_default=True,
              help="Hits to draw per lexicon entry (all of them when it has fewer).")
@click.option("--by", default=None, help="Strata within each entry, comma-separated: language, decade, year, "
              "country, doc_type (e.g. language,decade).")
@click.option("--random-sentences", type=click.IntRange(min=0), default=0, show_default=True,
              help="Sentences without any hit to draw as well, for estimating recall.")
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Seed of every random choice.")
@click.option("--coder", default="", help="Coder name written into every row.")
@click.option("--entry", "entries", multiple=True, help="Sample only this entry id (repeatable) [default: all].")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Coding CSV to write (+ OUT.json).")
@click.option("--bom", is_flag=True, help="Start the file with a UTF-8 byte-order mark (for Excel).")
@filter_options
@_lexicon_option
@db_option
def sample_command(per_entry, by, random_sentences, seed, coder, entries, out, bom, doc_type, country, year_from,
                   year_to, lexicon_path, db):
    """Draw a stratified sample of hits (and sentences without hits) into a coding CSV.

    The same seed, store and lexicon give the same file. The sample is recorded in the store so that
    `discourse validate import` can check the coded file against it.
    """
    from ..validate import sample

    with open_corpus(db) as corpus:
        frame = sample(corpus, lexicon_path, per_entry=per_entry, by=by, random_sentences=random_sentences,
                       seed=seed, coder=coder, entries=list(entries) or None, out=out, bom=bom, doc_type=doc_type,
                       country=country, year_from=year_from, year_to=year_to)
    n_hits = int((frame["sample_kind"] == "hit").sum())
    click.echo(f"wrote {out}: {n_hits} hits of {frame.loc[frame['sample_kind'] == 'hit', 'entry_id'].nunique()} "
               f"entries and {len(frame) - n_hits} sentences without hits (lexicon {frame['lexicon_hash'].iloc[0] if len(frame) else '-'})")


@validate_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite codes already imported for a sample and coder.")
@click.option("--skip-missing", is_flag=True,
              help="Skip source=ungdc rows whose statement is not in the store (instead of failing).")
@_lexicon_option
@db_option
@format_option
def import_command(files, replace, skip_missing, lexicon_path, db, fmt):
    """Import coded FILES into the store (all files or none; re-importing the same codes changes nothing)."""
    from ..validate import import_codes

    with open_corpus(db) as corpus:
        frame = import_codes(corpus, list(files), lexicon=lexicon_path, replace=replace,
                             skip_missing=skip_missing)
    emit(frame, fmt)


@validate_group.command("report")
@click.option("--out", type=click.Path(file_okay=False), default="out/validation", show_default=True,
              help="Folder for index.html and the CSV files.")
@click.option("--threshold", type=float, default=0.7, show_default=True,
              help="Flag entries whose precision interval's lower bound is under this.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Confidence level of the intervals.")
@click.option("--min-hits", type=click.IntRange(min=1), default=5, show_default=True,
              help="Counted hits a yearly or document score needs.")
@click.option("--lexicon-hash", default=None, help="Use only codes of samples drawn with this lexicon hash.")
@filter_options
@_lexicon_option
@db_option
@format_option
def report_command(out, threshold, level, min_hits, lexicon_hash, doc_type, country, year_from, year_to,
                   lexicon_path, db, fmt):
    """Write the validation report (HTML and CSV) and print the precision table."""
    from ..validate import report

    with open_corpus(db) as corpus:
        result = report(corpus, lexicon_path, threshold=threshold, level=level, min_hits=min_hits,
                        lexicon_hash=lexicon_hash, out=out, doc_type=doc_type, country=country,
                        year_from=year_from, year_to=year_to)
    emit(result["precision"].drop(columns=["link"]), fmt)
    if fmt == "table":
        click.echo(f"wrote {out}/index.html and {len(result.tables)} CSV files; flagged: "
                   + (", ".join(result.flagged) or "none"))


COMMANDS = [validate_group]
