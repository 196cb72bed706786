#!/usr/bin/env python
"""Ingest a folder of new speeches (PDF, HTML, TXT, DOCX) with its sidecar manifest and print what was added.

The "new speeches" workflow: drop the files and a manifest (``manifest.csv``, ``manifest.yaml`` or
``manifest.yml`` in the same folder, one row per file: path, title, date, doc_type, speaker, speaker_post,
country, language, source_url) into a folder, then run::

    python scripts/ingest_speeches.py speeches/2025-03 [--db corpus/discourse.sqlite]

or, for the weekly job, fetch the new entries of a feed (see docs/fetch.md)::

    python scripts/ingest_speeches.py --feed http://en.kremlin.ru/events/president/transcripts/feed \
        --type speech --country RUS --contact me@example.org

Re-running is safe: files already stored are reported unchanged, and a feed's pages already fetched are not
downloaded again unless they changed. The output is short enough for a cron mail: a summary line, the
documents added, each failure with its hint. Exits with status 1 if any file or page failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from discourse import Corpus
from discourse.errors import DiscourseError
from discourse.ingest import ingest
from discourse.store import default_db_path

SIDECARS = ("manifest.csv", "manifest.yaml", "manifest.yml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Metadata precedence: file < file name < manifest row.")
    parser.add_argument("folder", type=Path, nargs="?", default=None,
                        help="folder holding the new speeches and their manifest")
    parser.add_argument("--feed", default=None, metavar="URL",
                        help="fetch the new entries of this RSS/Atom feed instead of reading a folder")
    parser.add_argument("--since", default=None, help="with --feed: skip entries dated before this ISO date")
    parser.add_argument("--type", dest="doc_type", default=None, help="with --feed: document type of the pages")
    parser.add_argument("--country", default=None, help="with --feed: ISO 3166-1 alpha-3 code of the pages")
    parser.add_argument("--contact", default=None,
                        help="with --feed: e-mail or URL for the User-Agent [default: $DISCOURSE_CONTACT]")
    parser.add_argument("--delay", type=float, default=2.0, help="with --feed: seconds between requests to a host")
    parser.add_argument("--allow-private", action="store_true",
                        help="with --feed: allow loopback and private addresses (local test servers)")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="manifest file [default: manifest.csv/.yaml/.yml in the folder, if present]")
    parser.add_argument("--db", default=None, help="store [default: $DISCOURSE_DB or corpus/discourse.sqlite]")
    parser.add_argument("--workers", type=int, default=2, help="parser processes [default: 2]")
    parser.add_argument("--dry-run", action="store_true", help="show what would be added; write nothing")
    args = parser.parse_args(argv)
    if (args.folder is None) == (args.feed is None):
        parser.error("give either a FOLDER or --feed URL")
    if args.feed is not None:
        if args.dry_run or args.manifest:
            parser.error("--dry-run and --manifest apply to a folder, not to --feed")
        return _feed(args)

    manifest = args.manifest
    if manifest is None:
        manifest = next((args.folder / name for name in SIDECARS if (args.folder / name).is_file()), None)
    try:
        db = default_db_path(args.db)
        if args.dry_run and not db.exists():
            db = ":memory:"  # nothing stored yet: everything would be added, and no store is created
        with Corpus.open(db) as corpus:
            report = ingest(corpus, [args.folder], manifest=manifest, dry_run=args.dry_run, workers=args.workers)
            added_ids = [doc_id for _, doc_id in report.added]
            frame = corpus.documents(ids=added_ids) if added_ids and not args.dry_run else None
    except DiscourseError as exc:
        print(f"Error [{exc.code}]: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    counts = report.counts()
    print(("dry run: would have " if args.dry_run else "") + ", ".join(f"{k} {v}" for k, v in counts.items())
          + (f" (manifest: {manifest})" if manifest else " (no manifest)"))
    if frame is not None and len(frame):
        shown = frame[["id", "date", "doc_type", "country", "speaker", "title", "source_path"]].fillna("")
        print(shown.to_string(index=False))
    elif args.dry_run:
        for source, _ in report.added:
            print(f"would add: {source}")
    for source, code, message in report.failed:
        print(f"failed: [{code}] {message}")
        if source in report.hints:
            print(f"  hint: {report.hints[source]}")
    for source, reason in report.skipped:
        print(f"skipped: {source}: {reason}")
    return 1 if report.failed else 0


def _feed(args) -> int:
    from discourse.metadata import DocumentMeta
    from discourse.web.client import FetchSettings
    from discourse.web.fetch import fetch_feed

    settings = FetchSettings(contact=args.contact, min_delay=args.delay, allow_private=args.allow_private)
    try:
        with Corpus.open(default_db_path(args.db)) as corpus:
            report = fetch_feed(corpus, args.feed, since=args.since, settings=settings, workers=args.workers,
                                meta=DocumentMeta(doc_type=args.doc_type, country=args.country))
            added_ids = [doc_id for _, doc_id in report.added]
            frame = corpus.documents(ids=added_ids) if added_ids else None
    except DiscourseError as exc:
        print(f"Error [{exc.code}]: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    print(report.summary())
    if frame is not None and len(frame):
        shown = frame[["id", "date", "language", "doc_type", "country", "title", "source_url"]].fillna("")
        print(shown.to_string(index=False))
    rows = report.to_frame()
    for row in rows[rows["status"] == "failed"].itertuples(index=False):
        print(f"failed: [{row.code}] {row.message}")
        if row.hint:
            print(f"  hint: {row.hint}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
