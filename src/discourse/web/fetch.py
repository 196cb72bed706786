"""Fetched pages into documents: ``fetch_feed``, ``fetch_urls``, ``fetch_sources`` and ``extract_pending``.

Two steps, each crash-safe on its own:

1. **Fetch.** Each URL is requested with the validators of its last stored response (a conditional request:
   304 means nothing is downloaded). A complete new body is stored at once, in its own transaction, in
   ``web_responses`` (bytes, final URL, headers, fetched_at and the metadata given with the URL); the same
   bytes again only refresh the stored row.
2. **Extract.** Every target with a stored response, and any response an interrupted run left unextracted, goes
   through the ordinary ingestion pipeline (HTML, PDF, text and DOCX readers, worker processes, whole documents
   only), with the URL as its source: the pipeline's ledger skips bytes it has already read and only re-applies
   the metadata. Each response is then linked to its document (or to the reader's refusal).

A run killed anywhere leaves whole responses and whole documents; the next run extracts what was fetched and
fetches what was not, and nothing is stored twice.

Metadata precedence, lowest first: the page itself (title, date, ``<html lang>``; the source URL) < the feed
entry, list row or sources.csv row < ``meta`` (command-line flags). A document no layer gives a language has it
detected from its text (:mod:`discourse.ingest.language`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

import pandas as pd

from ..errors import FetchError
from ..ingest.document import Limits, SourceItem
from ..ingest.manifest import merge_meta
from ..ingest.pipeline import IngestReport, ingest_items
from ..metadata import DocumentMeta, validate_metadata
from ..store import web as _web
from .client import Client, FetchSettings
from .feeds import Target, parse_feed, read_sources, read_url_list

__all__ = ["FetchReport", "fetch_targets", "fetch_feed", "fetch_urls", "fetch_sources", "extract_pending"]

_META_NAMES = tuple(f.name for f in fields(DocumentMeta))


@dataclass
class FetchReport:
    """What a fetch run did.

    ``fetched``: URLs whose new bytes were stored; ``not_modified``: URLs the server confirmed unchanged (304)
    or that sent the stored bytes again; ``skipped``: ``(url, why)`` (older than ``since``, listed twice);
    ``failed``: ``(url, code, message)`` fetch failures; ``hints``: ``{url: how to fix it}``; ``ingest``: the
    extraction (added / updated / unchanged / failed documents, keyed by URL); ``documents``: ``{url: doc_id}``.
    """

    fetched: list[str] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    ingest: IngestReport = field(default_factory=IngestReport)
    documents: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    source: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.ingest.failed

    @property
    def added(self) -> list[tuple[str, str]]:
        return self.ingest.added

    def counts(self) -> dict[str, int]:
        c = {"fetched": len(self.fetched), "not_modified": len(self.not_modified), "skipped": len(self.skipped),
             "fetch_failed": len(self.failed)}
        ingest = self.ingest.counts()
        c.update({"added": ingest["added"], "updated": ingest["updated"], "unchanged": ingest["unchanged"],
                  "extract_failed": ingest["failed"]})
        return c

    def summary(self) -> str:
        """One line for a log or a cron mail."""
        c = self.counts()
        return (f"{self.source + ': ' if self.source else ''}documents added {c['added']}, updated {c['updated']}, "
                f"unchanged {c['unchanged']}; pages fetched {c['fetched']}, not modified {c['not_modified']}, "
                f"skipped {c['skipped']}, failed {c['fetch_failed'] + c['extract_failed']} "
                f"({self.requests} requests, {self.seconds:.1f} s)")

    def to_frame(self) -> pd.DataFrame:
        """One row per URL: status, url, doc_id, code, message, hint."""
        rows = []
        for status in ("added", "updated", "unchanged"):
            rows += [(status, u, d, None, None, None) for u, d in getattr(self.ingest, status)]
        done = {r[1] for r in rows}
        rows += [("not_modified", u, self.documents.get(u), None, None, None) for u in self.not_modified
                 if u not in done]
        rows += [("skipped", u, None, None, why, None) for u, why in self.skipped]
        rows += [("failed", u, None, c, m, self.hints.get(u)) for u, c, m in self.failed]
        rows += [("failed", u, None, c, m, self.ingest.hints.get(u)) for u, c, m in self.ingest.failed]
        rows += [("skipped", u, None, None, why, None) for u, why in self.ingest.skipped]
        return pd.DataFrame(rows, columns=["status", "url", "doc_id", "code", "message", "hint"])


def _meta_json(meta: DocumentMeta) -> dict:
    return {k: getattr(meta, k) for k in _META_NAMES if getattr(meta, k) is not None}


def _fetch_one(client: Client, store, target: Target, report: FetchReport) -> None:
    with store.read() as conn:
        latest = _web.latest_response(conn, target.url)
    meta = _meta_json(target.meta)
    try:
        response = client.get(target.url, etag=latest and latest["etag"],
                              last_modified=latest and latest["last_modified"])
    except FetchError as exc:
        report.failed.append((target.url, exc.code, exc.message))
        if exc.hint:
            report.hints[target.url] = exc.hint
        return
    if response.not_modified and latest is not None:
        with store.write() as conn:
            _web.mark_checked(conn, latest["id"], response.fetched_at, meta)
        report.not_modified.append(target.url)
        return
    if response.not_modified:  # 304 without our validators: a broken server
        report.failed.append((target.url, "D810", f"{target.url}: HTTP 304 to an unconditional request"))
        report.hints[target.url] = "the server is misconfigured; try again later"
        return
    from .charset import content_kind

    try:  # an image or a video is refused before it is stored
        content_kind(response.final_url, response.headers.get("content-type"), response.body)
    except FetchError as exc:
        report.failed.append((target.url, exc.code, exc.message))
        report.hints[target.url] = exc.hint or ""
        return
    sha = hashlib.sha256(response.body).hexdigest()
    with store.write() as conn:
        _, new = _web.store_response(
            conn, url=target.url, final_url=response.final_url, status=response.status, headers=response.headers,
            body=response.body, sha256=sha, meta=meta, fetched_at=response.fetched_at,
            content_type=response.headers.get("content-type"), etag=response.etag,
            last_modified=response.last_modified,
        )
    (report.fetched if new else report.not_modified).append(target.url)


def _item(row: dict, meta: DocumentMeta) -> SourceItem:
    from .charset import content_kind, reader_bytes

    kind = content_kind(row["final_url"], row["content_type"], row["body"])
    data, _notes = reader_bytes(row["body"], row["content_type"], kind)
    layer = merge_meta(DocumentMeta(source_url=row["final_url"]), meta)
    return SourceItem(row["url"], data, kind, layer)


def extract_pending(corpus, urls: Iterable[str] = (), *, meta: DocumentMeta = DocumentMeta(),
                    limits: Limits = Limits(), workers: int = 1, report: FetchReport | None = None,
                    force: bool = False) -> FetchReport:
    """Extract stored responses into documents without fetching: the latest response of each of ``urls``, and
    every response not yet extracted (left by an interrupted run). ``meta`` (flags) overrides the metadata
    stored with each response.

    Bytes the pipeline has read before are recognized (its ledger) and only their metadata is applied; with
    ``force`` the readers parse them again (after a reader was improved, say). A text that comes out different is
    a new document, as for a changed file; the earlier document stays.
    """
    store = getattr(corpus, "store", corpus)
    report = report if report is not None else FetchReport()
    meta = validate_metadata(meta, "command-line options")
    urls = list(urls)
    if force and urls:
        with store.write() as conn:
            _web.forget_ledger(conn, urls)
    rows: dict[str, dict] = {}
    with store.read() as conn:
        for url in urls:
            row = _web.latest_response(conn, url)
            if row is not None:
                rows[url] = row
        for row in _web.pending_responses(conn):
            latest = rows.get(row["url"])
            if latest is None or latest["id"] < row["id"]:
                rows[row["url"]] = row
    items, by_source, refused = [], {}, []
    for url, row in rows.items():
        layer = merge_meta(DocumentMeta(**{k: v for k, v in row["meta"].items() if k in _META_NAMES}), meta)
        try:
            items.append(_item(row, layer))
            by_source[url] = row["id"]
        except FetchError as exc:
            refused.append((row["id"], url, exc))
    result = ingest_items(corpus, items, limits=limits, workers=workers)
    report.ingest.extend(result)
    with store.write() as conn:
        for status in ("added", "updated", "unchanged"):
            for url, doc_id in getattr(result, status):
                _web.link_response(conn, by_source[url], doc_id)
                report.documents[url] = doc_id
        for url, code, message in result.failed:
            _web.link_response(conn, by_source[url], None, code, message)
        for url, why in result.skipped:
            _web.link_response(conn, by_source[url], None, None, why)
        for response_id, url, exc in refused:
            _web.link_response(conn, response_id, None, exc.code, exc.message)
    for _, url, exc in refused:
        report.ingest.failed.append((url, exc.code, exc.message))
        if exc.hint:
            report.ingest.hints[url] = exc.hint
    return report


def fetch_targets(corpus, targets: Iterable[Target], *, meta: DocumentMeta = DocumentMeta(),
                  settings: FetchSettings = FetchSettings(), limits: Limits = Limits(), workers: int = 1,
                  client: Client | None = None, progress: Callable[[int, int], None] | None = None,
                  report: FetchReport | None = None) -> FetchReport:
    """Fetch each target (conditionally), keep the responses, extract them into documents; return the report.

    ``meta`` is validated first and applied over every target's own metadata (highest precedence). A target
    that fails is reported and the batch goes on.
    """
    started = time.perf_counter()
    store = getattr(corpus, "store", corpus)
    cli_layer = validate_metadata(meta, "command-line options")
    report = report if report is not None else FetchReport()
    own = client is None
    client = client or Client(settings)
    seen: set[str] = set()
    unique: list[Target] = []
    for target in targets:
        if target.url in seen:
            report.skipped.append((target.url, f"listed again ({target.where})"))
            continue
        seen.add(target.url)
        unique.append(target)
    try:
        before = client.requests
        for i, target in enumerate(unique, 1):
            _fetch_one(client, store, target, report)
            if progress is not None:
                progress(i, len(unique))
        report.requests += client.requests - before
    finally:
        if own:
            client.close()
    failed = {url for url, _, _ in report.failed}
    extract_pending(corpus, [t.url for t in unique if t.url not in failed], meta=cli_layer, limits=limits,
                    workers=workers, report=report)
    report.seconds = time.perf_counter() - started
    return report


def fetch_feed(corpus, url: str, *, since: str | None = None, meta: DocumentMeta = DocumentMeta(),
               settings: FetchSettings = FetchSettings(), limits: Limits = Limits(), workers: int = 1,
               progress=None) -> FetchReport:
    """Fetch an RSS/Atom feed and the pages its entries link to; store the new ones as documents.

    The feed itself is requested conditionally; when it has not changed (304) its stored copy is read again, so
    entries an interrupted run did not reach are still fetched. Entries dated before ``since`` (ISO date) are
    skipped. Entry title and date, and the feed's language, are metadata of each page (over the page's own).

    >>> from discourse import Corpus
    >>> fetch_feed(Corpus.open(":memory:"), "file:///etc/passwd")
    Traceback (most recent call last):
    ...
    discourse.errors.FetchError: [D800] file:///etc/passwd: scheme 'file' refused in 'file:///etc/passwd'; only http and https are fetched (hint: give an absolute http:// or https:// address)
    """
    from .addresses import check_url

    started = time.perf_counter()
    check_url(url)
    meta = validate_metadata(meta, "command-line options")  # before any request
    if since is not None:
        from ..metadata import parse_date

        since, _ = parse_date(since, "since")
    store = getattr(corpus, "store", corpus)
    report = FetchReport(source=url)
    with Client(settings) as client:
        with store.read() as conn:
            latest = _web.latest_response(conn, url)
        response = client.get(url, etag=latest and latest["etag"], last_modified=latest and latest["last_modified"],
                              accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5")
        if response.not_modified and latest is not None:
            body = latest["body"]
            with store.write() as conn:
                _web.mark_checked(conn, latest["id"], response.fetched_at)
        else:
            body = response.body
        targets, _info = parse_feed(body, response.final_url)  # D816 before anything is stored
        if not response.not_modified:
            with store.write() as conn:
                response_id, _ = _web.store_response(
                    conn, url=url, final_url=response.final_url, status=response.status, headers=response.headers,
                    body=body, sha256=hashlib.sha256(body).hexdigest(), meta={"role": "feed"},
                    fetched_at=response.fetched_at, content_type=response.headers.get("content-type"),
                    etag=response.etag, last_modified=response.last_modified)
                _web.link_response(conn, response_id, None)  # a feed is not a document
        kept = []
        for target in targets:
            if since and target.meta.date and target.meta.date < since[:len(target.meta.date)]:
                report.skipped.append((target.url, f"dated {target.meta.date}, before {since}"))
            else:
                kept.append(target)
        report.requests = client.requests
        fetch_targets(corpus, kept, meta=meta, settings=settings, limits=limits, workers=workers, client=client,
                      progress=progress, report=report)
    report.requests = client.requests
    report.seconds = time.perf_counter() - started
    return report


def fetch_urls(corpus, path: str | os.PathLike, *, meta: DocumentMeta = DocumentMeta(),
               settings: FetchSettings = FetchSettings(), limits: Limits = Limits(), workers: int = 1,
               progress=None) -> FetchReport:
    """Fetch the URLs of a list (one a line, or a CSV with a ``url`` column and metadata columns); the whole
    list is checked before anything is fetched."""
    targets = read_url_list(path)
    report = fetch_targets(corpus, targets, meta=meta, settings=settings, limits=limits, workers=workers,
                           progress=progress)
    report.source = str(path)
    return report


def fetch_sources(corpus, path: str | os.PathLike = "corpus/sources.csv", *, ids=None,
                  meta: DocumentMeta = DocumentMeta(), settings: FetchSettings = FetchSettings(),
                  limits: Limits = Limits(), workers: int = 1, progress=None) -> FetchReport:
    """Fetch the official documents listed in ``corpus/sources.csv`` (all, or ``ids``) with their metadata."""
    targets = read_sources(path, ids)
    report = fetch_targets(corpus, targets, meta=meta, settings=settings, limits=limits, workers=workers,
                           progress=progress)
    report.source = str(path)
    return report
