"""``discourse ingest`` (files and folders into the store) and ``discourse docs list|show``."""

from __future__ import annotations

import sys
import time

import click

from ..error_catalogue import hint_for_cli
from ._bounds import LINES
from ._common import db_option, emit, filter_options, format_option, open_corpus

__all__ = ["COMMANDS", "Progress"]

#: Columns of ``docs list`` in table format unless --columns says otherwise.
COMPACT_COLUMNS = ("id", "date", "country", "doc_type", "language", "pages", "words", "quality_flags", "title")


class Progress:
    """Progress of a batch on stderr: a tqdm bar on a terminal, a plain line every ``every`` seconds otherwise.

    Call as ``progress(done, total)``; ``total`` may be None.
    """

    def __init__(self, unit: str = "files", *, enabled: bool = True, every: float = 5.0, stream=None):
        self.unit = unit
        self.enabled = enabled
        self.every = every
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.last = self.start
        self.done = 0
        self.bar = None
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        self.done = done
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm  # deferred: only a progress bar on a terminal needs it

                self.bar = tqdm(total=total, unit=" " + self.unit, file=self.stream, smoothing=0.1, leave=False)
            self.bar.update(done - self.bar.n)
            return
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            click.echo(self._line(done, total, now), err=True)

    def _line(self, done: int, total: int | None, now: float) -> str:
        rate = done / max(now - self.start, 1e-9)
        of = f"/{total}" if total else ""
        return f"ingested {done}{of} {self.unit}, {rate:.0f} docs/s"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # unreadable: D100 per file
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV or YAML file with one row per file (path, title, date, doc_type, speaker, ...).")
@click.option("--type", "doc_type", default=None, help="Document type for every file (speech, statement, law, ...).")
@click.option("--date", default=None, help="Date for every file: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--speaker", default=None, help="Speaker's name.")
@click.option("--post", "speaker_post", default=None, help="Speaker's post as stated (e.g. 'President').")
@click.option("--country", default=None, help="ISO 3166-1 alpha-3 code (e.g. AZE), or EU.")
@click.option("--lang", "language", default=None, help="ISO 639-1 language code (e.g. en, az, ru).")
@click.option("--title", default=None, help="Title (best for a single file).")
@click.option("--source-url", default=None, help="Where the document was published.")
@click.option("--password", default=None, envvar="DISCOURSE_PDF_PASSWORD",
              help="Password of encrypted PDFs (or $DISCOURSE_PDF_PASSWORD); never printed or stored.")
@click.option("--dry-run", is_flag=True, help="Show what would be added or updated; write nothing.")
@click.option("--workers", type=click.IntRange(0, 64), default=2, show_default=True,
              help="Parser processes (0: parse in this process, without isolation).")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
              help="Seconds allowed per file.")
@click.option("--max-pages", type=click.IntRange(1, 1_000_000), default=2000, show_default=True,
              help="Pages read per PDF at most.")
@click.option("--memory-mb", type=click.IntRange(64, 1 << 20), default=2048, show_default=True,
              help="Memory a parser process may use for one file.")
@click.option("--no-recursive", is_flag=True, help="Do not walk sub-folders.")
@click.option("--allow-outside", is_flag=True,
              help="Read manifest paths outside the manifest's folder and links in a folder to outside files.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Report progress on stderr.")
@db_option
@format_option
def ingest_command(paths, manifest, doc_type, date, speaker, speaker_post, country, language, title, source_url,
                   password, dry_run, workers, timeout, max_pages, memory_mb, no_recursive, allow_outside, progress,
                   db, fmt) -> None:
    """Store PDF, HTML, text and DOCX files with their metadata (idempotent: re-running adds nothing new).

    \b
    Examples:
      discourse ingest ../shared/data/ungdc/sample
      discourse ingest speeches/ --manifest speeches/manifest.csv
      discourse ingest doctrine.pdf --type doctrine --date 2010-06-08 --country AZE --lang en

    Metadata precedence (lowest first): what the file states, its name (a date, a year, or ISO_NN_YYYY of the
    UN General Debate corpus), its manifest row, these options. New documents without a type are 'other',
    without a language 'en'. Prints added / updated / unchanged / failed (with each failure's code, cause
    and hint); exits with status 1 if any file failed.
    """
    from ..ingest import Limits, ingest  # deferred: the command's stack (pandas, readers) loads only when it runs
    from ..metadata import DocumentMeta

    if not paths and not manifest:
        raise click.UsageError("give files or folders to ingest, or --manifest")
    meta = DocumentMeta(doc_type=doc_type, date=date, speaker=speaker, speaker_post=speaker_post, country=country,
                        language=language, title=title, source_url=source_url)
    limits = Limits(seconds=timeout, max_pages=max_pages, memory_mb=memory_mb)
    from ..corpus import Corpus  # deferred: the command's stack (pandas, readers) loads only when it runs
    from ..store import default_db_path

    if dry_run and not default_db_path(db).exists():
        corpus = Corpus.open(":memory:")  # nothing stored yet: everything would be added, and nothing is created
    else:
        corpus = open_corpus(db, create=True)
    bar = Progress("files", enabled=progress)
    try:
        report = ingest(corpus, list(paths), manifest=manifest, meta=meta, dry_run=dry_run, password=password,
                        limits=limits, workers=workers, progress=bar, recursive=not no_recursive,
                        allow_outside=allow_outside)
    finally:
        bar.close()
        corpus.close()
    counts = report.counts()
    if fmt == "table":
        prefix = "dry run, nothing written: would have " if dry_run else ""
        click.echo(prefix + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({report.seconds:.1f} s)")
        from ..safeio import escape_name  # a file name with a newline must not fake a line of the summary

        for source, code, message in report.failed:
            click.echo(f"failed: {escape_name(source)}: [{code}] {escape_name(_cause(source, message))}")
            if source in report.hints:
                click.echo(f"  hint: {escape_name(hint_for_cli(code, report.hints[source]) or '')}")
        for source, reason in report.skipped:
            click.echo(f"skipped: {escape_name(source)}: {escape_name(reason)}")
    else:
        emit(report.to_frame(), fmt)
    if report.failed:
        raise click.exceptions.Exit(1)


def _cause(source: str, message: str) -> str:
    """The message without the file name it starts with (the line already names the file)."""
    return message[len(source) + 2:] if message.startswith(source + ": ") else message


@click.group("docs")
def docs() -> None:
    """List and inspect stored documents."""


@docs.command("list")
@filter_options
@click.option("--columns", default=None,
              help="Comma-separated columns to show [table default: " + ",".join(COMPACT_COLUMNS) + "; csv/json: all].")
@db_option
@format_option
def docs_list(doc_type, country, year_from, year_to, columns, db, fmt) -> None:
    """List stored documents (metadata only), ordered by year, date and country.

    \b
    Example:
      discourse docs list --country AZE --year-from 1992 --format csv
    """
    corpus = open_corpus(db, readonly=True)
    try:
        frame = corpus.documents(doc_type=doc_type, country=country, year_from=year_from, year_to=year_to)
    finally:
        corpus.close()
    if columns:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in frame.columns]
        if unknown:
            raise click.BadParameter(f"unknown column(s) {', '.join(unknown)}; valid: {', '.join(frame.columns)}",
                                     param_hint="--columns")
        frame = frame[wanted]
    elif fmt == "table":
        frame = frame[list(COMPACT_COLUMNS)]
    if fmt == "table":
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].fillna("")
    emit(frame, fmt)


@docs.command("show")
@click.argument("doc_id")
@click.option("--lines", type=LINES, default=8, show_default=True,
              help="Lines of text to show from the start of the document.")
@db_option
@format_option
def docs_show(doc_id, lines, db, fmt) -> None:
    """Show one document: its metadata, quality flags, pages and the first lines of its text.

    DOC_ID may be a unique prefix of the id shown by `discourse docs list`.
    """
    corpus = open_corpus(db, readonly=True)
    try:
        record = corpus.document(doc_id)
        text = corpus.text(record["id"])
    finally:
        corpus.close()
    starts = record.pop("page_starts")
    head = "\n".join(text.split("\n")[:lines]) if lines else ""
    if fmt == "table":
        width = max(len(k) for k in record)
        for key, value in record.items():
            shown = "" if value is None else value
            if key == "quality_flags" and not value:
                shown = "(none)"
            click.echo(f"{key:<{width}}  {shown}")
        click.echo(f"{'page_starts':<{width}}  {', '.join(map(str, starts[:20]))}{' ...' if len(starts) > 20 else ''}")
        if head:
            click.echo("")
            click.echo(head)
    else:
        record["page_starts"] = starts
        record["text_head"] = head
        import pandas as pd  # deferred: heavy (see cli/_common.py)

        emit(pd.DataFrame([record]), fmt)


COMMANDS = [ingest_command, docs]
