#!/usr/bin/env python
"""The main job (``make run``): ingest the demo corpus, match, score, build the panel and the report.

Every step is a library call; this script only sequences them and says where it wrote what.
Run ``python scripts/main_job.py --help`` for options.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run discourse end to end on a corpus folder (default: the demo corpus).")
    parser.add_argument("--corpus", default=str(ROOT / "corpus" / "examples"), help="folder of documents to ingest")
    parser.add_argument("--manifest", default=None, help="metadata manifest (default: manifest.csv in the corpus folder)")
    parser.add_argument("--db", default=None, help="store (default: $DISCOURSE_DB or corpus/discourse.sqlite)")
    parser.add_argument("--out", default=str(ROOT / "out"), help="output folder [out]")
    parser.add_argument("--country", default="AZE", help="country for the panel and the report [AZE]")
    args = parser.parse_args(argv)

    from discourse import Corpus
    from discourse.errors import DiscourseError
    from discourse.lexicon import load_lexicon
    from discourse.match import match_corpus
    from discourse.panel import write_panel
    from discourse.report import build_report
    from discourse.score import write_scores

    out = Path(args.out)
    corpus_dir = Path(args.corpus)
    manifest = Path(args.manifest) if args.manifest else corpus_dir / "manifest.csv"
    started = time.perf_counter()
    try:
        with Corpus.open(args.db) as corpus:
            print(f"store: {corpus.path}")
            report = corpus.ingest([corpus_dir], manifest=manifest if manifest.exists() else None)
            counts = report.counts()
            print("ingest: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
            for source, code, message in report.failed:  # the message starts with the file's path
                print(f"  failed: [{code}] {message}")
                if source in report.hints:
                    print(f"    hint: {report.hints[source]}")
            lexicon = load_lexicon()
            stats = match_corpus(corpus, lexicon)
            print(f"match: lexicon {lexicon.hash[:12]}, {stats}")
            scores_path = write_scores(
                corpus, out / "orientation_scores.csv", lexicon=lexicon, level="year", country=args.country
            )
            print(f"wrote {scores_path} (+ {scores_path.name}.json)")
            doc_path = write_scores(corpus, out / "document_scores.csv", lexicon=lexicon, level="document")
            print(f"wrote {doc_path} (+ {doc_path.name}.json)")
            panel_path = write_panel(corpus, out / "panel.csv", country=args.country, lexicon=lexicon)
            print(f"wrote {panel_path} (+ {panel_path.name}.json)")
            report_path = build_report(corpus, out / "report", country=args.country, lexicon=lexicon)
            print(f"wrote {report_path}")
    except DiscourseError as exc:
        print(f"Error [{exc.code}]: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  hint: {exc.hint}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
