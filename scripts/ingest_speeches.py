#!/usr/bin/env python
"""Ingest a folder of new speeches (PDF, HTML, TXT, DOCX) with its sidecar manifest and print what was added.

The "new speeches" workflow: drop the files and a manifest (``manifest.csv``, ``manifest.yaml`` or
``manifest.yml`` in the same folder, one row per file: path, title, date, doc_type, speaker, speaker_post,
country, language, source_url) into a folder, then run::

    python scripts/ingest_speeches.py speeches/2025-03 [--db corpus/discourse.sqlite]

Re-running is safe: files already stored are reported unchanged. Exits with status 1 if any file failed.
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
    parser.add_argument("folder", type=Path, help="folder holding the new speeches and their manifest")
    parser.add_argument("--manifest", type=Path, default=None,
                        help="manifest file [default: manifest.csv/.yaml/.yml in the folder, if present]")
    parser.add_argument("--db", default=None, help="store [default: $DISCOURSE_DB or corpus/discourse.sqlite]")
    parser.add_argument("--workers", type=int, default=2, help="parser processes [default: 2]")
    parser.add_argument("--dry-run", action="store_true", help="show what would be added; write nothing")
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
