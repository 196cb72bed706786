"""Concurrency: four processes ingesting overlapping sets of files into one store at once, with a reader."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from discourse import Corpus
from discourse.ingest import ingest
from discourse.store import documents as docs

from test_ingest_crash import make_batch

WRITERS = 4
FILES = 120
SEED = 7

# Each writer ingests its own list of files with small write batches, so that transactions interleave.
CHILD = r"""
import json, sys
import discourse.ingest.pipeline as p
p.COMMIT_DOCS = 3
from discourse import Corpus
from discourse.ingest import ingest
corpus = Corpus.open(sys.argv[1])
files = json.loads(sys.argv[2])
report = ingest(corpus, files, workers=1)
print(json.dumps({"counts": report.counts(), "failed": report.failed}), flush=True)
"""


def content(path):
    """Sorted (sha256, metadata...) tuples of a store."""
    cols = [c for c in docs.ALL_COLUMNS if c not in ("id", "ingested_at", "updated_at")]
    with Corpus.open(path) as corpus:
        return sorted(corpus.store.conn.execute(f"SELECT {', '.join(cols)} FROM documents").fetchall())


@pytest.mark.slow
def test_ingest_concurrency_four_writers_and_a_reader(tmp_path, record_property):
    folder = tmp_path / "files"
    make_batch(folder, FILES, SEED)
    files = sorted(str(p.resolve()) for p in folder.iterdir())
    # Overlapping sets: writer k takes files [30k, 30k + 60) around the ring, so every file is in two sets.
    sets = [[files[(30 * k + i) % FILES] for i in range(60)] for k in range(WRITERS)]
    db = tmp_path / "shared.sqlite"
    # No store yet: the four writers race to create it, and the reader waits for it.
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(db), json.dumps(s)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for s in sets
    ]
    # A reader lists documents while the batches write.
    reads, sizes = 0, []
    while not db.exists():
        time.sleep(0.01)
    with Corpus.open(db) as reader:
        while any(c.poll() is None for c in children):
            sizes.append(len(reader.documents()))
            reads += 1
            time.sleep(0.02)
    results = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        assert "database is locked" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["failed"] == [] for r in results), results
    added = sum(r["counts"]["added"] for r in results)
    unchanged = sum(r["counts"]["unchanged"] for r in results)
    assert added == FILES and added + unchanged == WRITERS * 60  # each document added exactly once
    assert sizes == sorted(sizes)  # the reader saw the store grow, never shrink or break

    serial = tmp_path / "serial.sqlite"
    with Corpus.open(serial) as corpus:
        for s in sets:
            ingest(corpus, s, workers=0)
    assert content(db) == content(serial)
    with Corpus.open(db) as corpus:
        assert corpus.store.integrity_check() == "ok"
        assert len(corpus) == FILES
    figures = {"writers": WRITERS, "files_per_writer": 60, "distinct_documents": FILES, "added": added,
               "unchanged": unchanged, "reader_queries": reads}
    record_property("concurrency_figures", json.dumps(figures))
    print(f"\nfour-writer test: {WRITERS} processes x 60 overlapping files, {added} added once, {unchanged} found "
          f"unchanged, 0 'database is locked', {reads} reader queries during the writes; store equals a serial run")
