#!/usr/bin/env python
"""Time ``discourse report`` on the UNGDC sample (issue 7: "builds in under a minute").

Builds a fresh store in a temporary folder from ``../shared/data/ungdc/sample`` (395 speeches) and the shipped
indicators (not timed), then runs ``discourse report --country AZE --from 1992 --to 2024`` twice as a
subprocess: *cold* (the AZE speeches are matched first) and *warm* (match cache filled). Prints wall time and
the peak resident memory of each run. Not part of the test suite.

Usage::

    python scripts/bench_report.py [--sample DIR] [--country AZE] [--from 1992] [--to 2024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DISCOURSE_SHARED", ROOT.parent / "shared"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SHARED / "data" / "ungdc" / "sample")
    parser.add_argument("--country", default="AZE")
    parser.add_argument("--from", dest="year_from", default="1992")
    parser.add_argument("--to", dest="year_to", default="2024")
    parser.add_argument("--keep", type=Path, default=None, help="write the store and report here (kept)")
    args = parser.parse_args(argv)
    if not args.sample.is_dir():
        print(f"sample folder not found: {args.sample}", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT / "src"))
    from discourse import Corpus
    from discourse.indicators import load_shipped

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_report_"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "store.sqlite"
    with Corpus.open(db) as corpus:
        result = corpus.ingest([args.sample])
        load_shipped(corpus)
        print(f"store {db}: {len(corpus)} documents ({len(result.failed)} failed), shipped indicators loaded")
    entry = "import sys; from discourse.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", entry, "report", "--db", str(db), "--country", args.country,
               "--from", args.year_from, "--to", args.year_to, "--out", str(work / "report")]
    status = 0
    for run in ("cold", "warm"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        verdict = "ok" if proc.returncode == 0 and seconds < 60 else "FAIL"
        status |= verdict != "ok"
        print(f"{run}: {seconds:.1f} s, peak RSS {max(peak, before) / 1024:.0f} MB (max over runs so far), "
              f"exit {proc.returncode} -> {verdict} (target < 60 s)")
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
    print(f"report: {work / 'report' / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
