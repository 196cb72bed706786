"""``discourse fetch``: bring a published corpus into the store (``fetch ungdc``)."""

from __future__ import annotations

import sys
import time

import click

from ..error_catalogue import hint_for_cli
from ._common import db_option, emit, format_option, open_corpus

__all__ = ["COMMANDS"]


@click.group("fetch")
def fetch() -> None:
    """Fetch a published corpus, or speeches from the web, into the store."""


class _Progress:
    """Documents per second: a tqdm bar on a terminal, a plain line every 1000 documents otherwise."""

    def __init__(self, enabled: bool):
        self.bar = None
        self.start = time.perf_counter()
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm  # deferred: only a progress bar on a terminal needs it

            self.bar = tqdm(unit="doc", desc="statements", file=sys.stderr, smoothing=0.1)
        self.enabled = enabled

    def __call__(self, n: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(n - self.bar.n)
        elif n % 1000 == 0:
            rate = n / max(time.perf_counter() - self.start, 1e-9)
            click.echo(f"{n} statements ({rate:.0f} docs/s)", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@fetch.command("ungdc")
@click.option("--from", "source", type=click.Path(exists=True), default=None,
              help="Local archive (.tar.xz, .tgz, .tar.gz, .zip) or unpacked folder; without it the archive is "
                   "downloaded from Harvard Dataverse (doi:10.7910/DVN/0TJX8Y) and its checksum verified.")
@click.option("--speakers", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Speakers table [default: speakers_by_session.csv next to the archive, if present].")
@click.option("--sha256", default=None, help="Refuse the archive unless its sha256 is this.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes for reading the statements.")
@click.option("--max-member-mb", type=click.FloatRange(min=0.001), default=20.0, show_default=True,
              help="Refuse archive members larger than this.")
@click.option("--dry-run", is_flag=True, help="Show what would be stored without writing.")
@click.option("--match/--no-match", "match", default=True, show_default=True,
              help="Match the lexicon in each new statement while reading it (one pass over each text; later "
                   "commands with the same lexicon find the hits ready).")
@click.option("--lexicon", "lexicon_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Lexicon YAML to match with --match [default: models/lexicons/orientation.yaml].")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Show documents per second while reading.")
@db_option
@format_option
def fetch_ungdc_command(source, speakers, sha256, workers, max_member_mb, dry_run, match, lexicon_path, progress, db,
                        fmt) -> None:
    """Store the UN General Debate Corpus (one statement per country and session) with speakers' posts.

    \b
    Example:
      discourse fetch ungdc --from ../shared/data/ungdc/UNGDC_1946-2024_txt.tar.xz

    Members are streamed from the archive (nothing is unpacked to disk); the non-speech files of the
    published archive are skipped and listed; a re-run only adds what is missing. Each new statement is
    matched with the lexicon in the same pass (--no-match leaves that to the first command that needs it).
    """
    # deferred: the command's stack (pandas, readers) loads only when it runs
    from ..ingest.ungdc_fetch import fetch_ungdc

    from ..corpus import Corpus  # deferred: the command's stack (pandas, readers) loads only when it runs
    from ..store import default_db_path

    if dry_run and not default_db_path(db).exists():
        corpus = Corpus.open(":memory:")  # nothing stored yet: everything would be added, and nothing is created
    else:
        corpus = open_corpus(db, create=True)
    hook = None
    if match and not dry_run:
        from ..lexicon import load_lexicon  # deferred: the command's stack loads only when it runs
        from ..match_ingest import MatchOnIngest

        hook = MatchOnIngest(load_lexicon(lexicon_path))
    bar = _Progress(progress)
    try:
        report = fetch_ungdc(
            corpus, source, speakers=speakers, sha256=sha256, workers=workers, dry_run=dry_run,
            max_member_bytes=int(max_member_mb * 1024 * 1024), progress=bar, hook=hook,
        )
    finally:
        bar.close()
        corpus.close()
    summary = report.summary()
    if fmt == "table":
        emit(summary[["outcome", "count"]], fmt)
        for source, why in report.skipped:
            click.echo(f"skipped: {source} ({why})")
        hints = getattr(report.ingest, "hints", None) or {}
        for source, code, message in report.failed:
            click.echo(f"failed: [{code}] {message}")
            if source in hints:
                click.echo(f"  hint: {hint_for_cli(code, hints[source])}")
    else:
        emit(summary, fmt)
    for warning in report.warnings:
        click.echo(f"note: {warning}", err=True)
    if report.failed:
        raise click.exceptions.Exit(1)


COMMANDS = [fetch]
