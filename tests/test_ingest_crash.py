"""Crash safety: a batch SIGKILLed at random points leaves a sound store with whole documents only, and a re-run
completes it with the same content as an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from discourse import Corpus
from discourse.ingest import ingest
from discourse.store import documents as docs

SEED = 20240607
KILLS = 6
FILES = 240

# The child ingests with small write batches so that kills land inside and between transactions.
CHILD = r"""
import sys
import discourse.ingest.pipeline as p
p.COMMIT_DOCS = 4
from discourse import Corpus
from discourse.ingest import ingest
corpus = Corpus.open(sys.argv[1])
print("ready", flush=True)
report = ingest(corpus, [sys.argv[2]], workers=2, progress=lambda done, total: print(done, flush=True))
print("done", report.counts(), flush=True)
"""


def make_batch(folder, n, seed):
    """``n`` distinct text files of a few KB, seeded (illustrative, generated words)."""
    rng = random.Random(seed)
    words = ["dialogue", "partnership", "security", "sovereignty", "cooperation", "integration", "neutrality",
             "balance", "alliance", "energy", "corridor", "peace", "region", "neighbours", "treaty", "trade"]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."
                     for _ in range(rng.randint(40, 120))]
        pages = "\n\n".join(" ".join(sentences[j:j + 8]) for j in range(0, len(sentences), 8))
        if i % 20 == 7:  # some web pages too: they are parsed one file per task
            paragraphs = "".join(f"<p>{sentence}</p>" for sentence in sentences)
            (folder / f"page_{1990 + i % 30}_{i:04d}.html").write_text(
                f"<html><head><title>Illustrative page {i}</title></head><body><article><h1>Illustrative page "
                f"{i}</h1>{paragraphs}</article></body></html>", encoding="utf-8")
            continue
        (folder / f"speech_{1990 + i % 30}_{i:04d}.txt").write_text(
            f"Illustrative generated text {i}.\n\n{pages}\n", encoding="utf-8")


def store_content(path):
    """Everything a document is, sorted: metadata, text and page boundaries (not ingest times)."""
    cols = [c for c in docs.ALL_COLUMNS if c not in ("ingested_at", "updated_at")]
    corpus = Corpus.open(path)
    conn = corpus.store.conn
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM documents ORDER BY sha256").fetchall()
    out = []
    for row in rows:
        doc_id = row[0]
        text = docs.document_text(conn, doc_id)
        pages = conn.execute("SELECT page, start, end FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)).fetchall()
        out.append((row, text, tuple(pages)))
    sources = conn.execute("SELECT path, raw_sha256, doc_id FROM sources ORDER BY path").fetchall()
    corpus.close()
    return out, sources


def check_whole(path) -> int:
    """The store passes integrity_check and holds only whole documents; returns the number of documents."""
    corpus = Corpus.open(path)
    conn = corpus.store.conn
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n = 0
    for doc_id, chars, pages in conn.execute("SELECT id, chars, pages FROM documents").fetchall():
        text = docs.document_text(conn, doc_id)
        assert text is not None and len(text) == chars, doc_id
        bounds = conn.execute("SELECT start, end FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)).fetchall()
        assert len(bounds) == pages and bounds[0][0] == 0 and bounds[-1][1] == chars, doc_id
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])), doc_id
        n += 1
    for table in ("texts", "pages", "sources"):
        orphans = conn.execute(f"SELECT count(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)")
        assert orphans.fetchone()[0] == 0, table
    corpus.close()
    return n


def run_child(db, folder):
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


@pytest.mark.slow
def test_ingest_crash_sigkill_at_random_points(tmp_path, record_property):
    folder = tmp_path / "batch"
    make_batch(folder, FILES, SEED)
    reference = tmp_path / "reference.sqlite"
    with Corpus.open(reference) as corpus:
        assert ingest(corpus, [folder], workers=2).counts()["added"] == FILES

    rng = random.Random(SEED)
    db = tmp_path / "crashed.sqlite"
    figures = {"kills": 0, "killed_mid_batch": 0, "documents_checked": 0, "stored_after_each_kill": []}
    stored = 0
    for _ in range(KILLS):
        # Kill once the batch has settled a random number of new files, plus a random few milliseconds, so
        # that kills land inside write transactions, between them and while files are being parsed. Files are
        # written in input order, so the first `stored` files are the ones a re-run finds unchanged.
        target = stored + rng.randint(1, max(1, (FILES - stored) // 4))
        pause = rng.uniform(0.0, 0.01)
        child = run_child(db, folder)
        assert child.stdout.readline().strip() == "ready"
        mid_batch = False
        for line in child.stdout:
            if line.strip().isdigit() and int(line) >= target:
                mid_batch = True
                break
        time.sleep(pause)
        try:
            os.killpg(child.pid, signal.SIGKILL)  # the parent and its parser processes
        except ProcessLookupError:
            pass
        child.wait()
        child.stdout.close()
        child.stderr.close()
        figures["kills"] += 1
        figures["killed_mid_batch"] += int(mid_batch)
        n = check_whole(db)
        figures["documents_checked"] += n
        figures["stored_after_each_kill"].append(n)
        stored = n

    child = run_child(db, folder)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err
    assert "'failed': 0" in out
    figures["documents_checked"] += check_whole(db)
    assert store_content(db) == store_content(reference)
    with Corpus.open(db) as corpus:
        assert len(corpus) == FILES
        assert corpus.store.conn.execute("SELECT count(DISTINCT sha256) FROM documents").fetchone()[0] == FILES
    record_property("crash_figures", json.dumps(figures))
    print(f"\nSIGKILL test: {figures['kills']} kills ({figures['killed_mid_batch']} mid-batch), "
          f"{figures['documents_checked']} documents checked whole; stored after each kill: "
          f"{figures['stored_after_each_kill']}; final store equals an uninterrupted run ({FILES} documents)")
    assert figures["killed_mid_batch"] >= KILLS // 2
