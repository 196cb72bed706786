"""``discourse fetch feed|urls|sources``: speeches from the web into the store (added to the ``fetch`` group)."""

from __future__ import annotations

import click

from ._common import _check_countries, _check_types, db_option, emit, format_option, open_corpus
from .fetch import fetch

__all__ = ["COMMANDS"]


def _client_options(f):
    """Politeness and safety settings shared by the three commands."""
    options = [
        click.option("--contact", envvar="DISCOURSE_CONTACT", show_envvar=True, default=None,
                     help="E-mail or URL put in the User-Agent, so site owners can reach you."),
        click.option("--delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
                     help="Seconds between requests to the same host (robots.txt Crawl-delay wins if longer)."),
        click.option("--timeout", type=click.FloatRange(min=0.01), default=30.0, show_default=True,
                     help="Read timeout in seconds (connect timeout: a third of it, at least 1 s)."),
        click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                     help="Further attempts after 429, 5xx, timeouts (exponential backoff, Retry-After honoured)."),
        click.option("--max-mb", type=click.FloatRange(min=0.001), default=50.0, show_default=True,
                     help="Largest response accepted (on the wire; twice that after decompression)."),
        click.option("--allow-private", is_flag=True,
                     help="Allow loopback, private and link-local addresses (local test servers, intranets)."),
        click.option("--workers", type=click.IntRange(0, 16), default=1, show_default=True,
                     help="Parser processes for the fetched pages (0: in this process, no isolation)."),
        click.option("--type", "doc_type", default=None, callback=_check_types,
                     help="Document type of every page fetched (e.g. speech)."),
        click.option("--country", default=None, callback=_check_countries,
                     help="ISO 3166-1 alpha-3 code of every page fetched (e.g. AZE)."),
        click.option("--speaker", default=None, help="Speaker of every page fetched."),
        click.option("--lang", "language", default=None,
                     help="ISO 639-1 language of every page fetched [default: the page's, else detected]."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _settings(contact, delay, timeout, retries, max_mb, allow_private):
    from ..web.client import FetchSettings

    if not contact:
        click.echo("note: no --contact (or DISCOURSE_CONTACT): the User-Agent names discourse but not how to reach "
                   "you; site owners appreciate a contact", err=True)

    return FetchSettings(contact=contact, min_delay=delay, read_timeout=timeout,
                         connect_timeout=max(1.0, timeout / 3), retries=retries,
                         max_bytes=int(max_mb * 1024 * 1024), max_decoded_bytes=int(2 * max_mb * 1024 * 1024),
                         allow_private=allow_private)


def _meta(doc_type, country, speaker, language):
    from ..metadata import DocumentMeta

    return DocumentMeta(doc_type=doc_type, country=country, speaker=speaker, language=language)


def _show(report, fmt: str) -> None:
    if fmt == "table":
        click.echo(report.summary())
        frame = report.to_frame()
        added = frame[frame["status"].isin(["added", "updated"])]
        for row in added.itertuples(index=False):
            click.echo(f"{row.status}: {row.doc_id} {row.url}")
        for row in frame[frame["status"] == "failed"].itertuples(index=False):
            click.echo(f"failed: [{row.code}] {row.message}")
            if row.hint:
                click.echo(f"  hint: {row.hint}")
    else:
        emit(report.to_frame(), fmt)
    if not report.ok:
        raise click.exceptions.Exit(1)


@fetch.command("feed")
@click.argument("url")
@click.option("--since", default=None, help="Skip entries dated before this ISO date (YYYY, YYYY-MM, YYYY-MM-DD).")
@_client_options
@db_option
@format_option
def fetch_feed_command(url, since, contact, delay, timeout, retries, max_mb, allow_private, workers, doc_type,
                       country, speaker, language, db, fmt) -> None:
    """Fetch an RSS/Atom feed and store the pages its entries link to.

    \b
    Example:
      discourse fetch feed http://en.kremlin.ru/events/president/transcripts/feed --type speech --country RUS

    Only new or changed pages are downloaded (conditional requests); the raw responses are kept in the store.
    Exit status 1 if any page failed (the others are stored).
    """
    from ..web.fetch import fetch_feed

    with open_corpus(db, create=True) as corpus:
        report = fetch_feed(corpus, url, since=since, meta=_meta(doc_type, country, speaker, language),
                            settings=_settings(contact, delay, timeout, retries, max_mb, allow_private),
                            workers=workers)
    _show(report, fmt)


@fetch.command("urls")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_client_options
@db_option
@format_option
def fetch_urls_command(file, contact, delay, timeout, retries, max_mb, allow_private, workers, doc_type, country,
                       speaker, language, db, fmt) -> None:
    """Fetch the pages listed in FILE: one URL a line, or a CSV with a url column and metadata columns
    (title, date, doc_type, speaker, speaker_post, country, language, ...).

    \b
    Example:
      discourse fetch urls speeches.csv --country AZE
    """
    from ..web.fetch import fetch_urls

    with open_corpus(db, create=True) as corpus:
        report = fetch_urls(corpus, file, meta=_meta(doc_type, country, speaker, language),
                            settings=_settings(contact, delay, timeout, retries, max_mb, allow_private),
                            workers=workers)
    _show(report, fmt)


@fetch.command("sources")
@click.option("--id", "ids", multiple=True, help="Only this source id (repeatable) [default: all].")
@click.option("--sources", "path", type=click.Path(dir_okay=False), default="corpus/sources.csv",
              show_default=True, help="The sources table.")
@_client_options
@db_option
@format_option
def fetch_sources_command(ids, path, contact, delay, timeout, retries, max_mb, allow_private, workers, doc_type,
                          country, speaker, language, db, fmt) -> None:
    """Fetch the official documents listed in corpus/sources.csv, with their metadata.

    \b
    Example:
      discourse fetch sources --id rus-valdai-2020 --contact me@example.org
    """
    from ..web.fetch import fetch_sources

    with open_corpus(db, create=True) as corpus:
        report = fetch_sources(corpus, path, ids=list(ids) or None, meta=_meta(doc_type, country, speaker, language),
                               settings=_settings(contact, delay, timeout, retries, max_mb, allow_private),
                               workers=workers)
    _show(report, fmt)


@fetch.command("extract")
@click.argument("urls", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every stored page (feeds left out).")
@click.option("--force", is_flag=True, help="Parse the stored bytes again even if they were read before.")
@click.option("--workers", type=click.IntRange(0, 16), default=1, show_default=True,
              help="Parser processes (0: in this process, no isolation).")
@click.option("--type", "doc_type", default=None, callback=_check_types, help="Document type of these pages.")
@click.option("--country", default=None, callback=_check_countries, help="ISO 3166-1 alpha-3 code of these pages.")
@click.option("--speaker", default=None, help="Speaker of these pages.")
@click.option("--lang", "language", default=None, help="ISO 639-1 language of these pages.")
@db_option
@format_option
def fetch_extract_command(urls, every, force, workers, doc_type, country, speaker, language, db, fmt) -> None:
    """Extract stored responses into documents again, without any request.

    \b
    Examples:
      discourse fetch extract                      # what an interrupted run left unextracted
      discourse fetch extract --all --force        # every stored page through the readers again
      discourse fetch extract URL --country AZE    # apply new metadata to one page's document
    """
    from ..store import web as web_store
    from ..web.fetch import extract_pending

    with open_corpus(db) as corpus:
        if every:
            with corpus.store.read() as conn:
                urls = tuple(web_store.page_urls(conn)) + tuple(urls)
        report = extract_pending(corpus, list(dict.fromkeys(urls)), meta=_meta(doc_type, country, speaker, language),
                                 workers=workers, force=force)
    _show(report, fmt)


COMMANDS: list = []  # the commands join the existing `fetch` group above
