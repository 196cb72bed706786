"""The ingestion pipeline: counts on real data, idempotence, the ledger, failures, isolation and atomicity."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time

import pytest

import discourse.ingest.pipeline as pipeline
import discourse.ingest.readers as readers
from discourse.ingest import Limits, SourceItem, ingest, ingest_items
from discourse.ingest.document import DocumentText
from discourse.ingest.pool import note_page
from discourse.metadata import DocumentMeta
from discourse.store import documents as docs


def write_texts(folder, n, prefix="doc"):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{prefix}{i:03d}.txt"
        path.write_text(f"Illustrative text number {i} of {prefix}. It speaks of dialogue and partnership.\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def assert_whole(corpus):
    """Every stored document has its text and pages covering it exactly; the file is sound."""
    conn = corpus.store.conn
    assert corpus.store.integrity_check() == "ok"
    for doc_id, chars, pages in conn.execute("SELECT id, chars, pages FROM documents"):
        text = docs.document_text(conn, doc_id)
        assert text is not None and len(text) == chars
        bounds = conn.execute("SELECT start, end FROM pages WHERE doc_id=? ORDER BY page", (doc_id,)).fetchall()
        assert len(bounds) == pages and bounds[0][0] == 0 and bounds[-1][1] == chars
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    orphans = conn.execute("SELECT count(*) FROM texts WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
    assert orphans == 0


def test_ingest_pipeline_ungdc_sample_stores_395_then_reports_them_unchanged(corpus, ungdc_sample):
    calls = []
    report = ingest(corpus, [ungdc_sample], workers=2, progress=lambda done, total: calls.append((done, total)))
    assert report.counts() == {"added": 395, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 0}
    assert calls[-1] == (395, 395)
    frame = corpus.documents()
    assert len(frame) == 395
    assert sorted(frame.country.unique()) == ["ARM", "AZE", "BLR", "DEU", "FRA", "GEO", "KAZ", "POL", "RUS", "TUR",
                                               "UKR", "USA"]
    assert (frame.year.min(), frame.year.max()) == (1992, 2024)
    assert set(frame.doc_type) == {"statement"} and set(frame.language) == {"en"}
    aze = frame[(frame.country == "AZE") & (frame.year == 2019)].iloc[0]
    assert (aze.session, aze.date, aze.source_path) == (74, "2019", str((ungdc_sample / "AZE_74_2019.txt").resolve()))
    assert (frame.words > 100).all() and (frame.pages == 1).all()
    again = ingest(corpus, [ungdc_sample], workers=2)
    assert again.counts() == {"added": 0, "updated": 0, "unchanged": 395, "failed": 0, "skipped": 0}
    assert len(corpus) == 395
    assert_whole(corpus)


def test_ingest_pipeline_corrupt_pdf_fails_alone(corpus, tmp_path):
    write_texts(tmp_path / "batch", 3)
    (tmp_path / "batch" / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    report = ingest(corpus, [tmp_path / "batch"], workers=2)
    assert report.counts()["added"] == 3 and len(corpus) == 3
    [(source, code, message)] = report.failed
    assert source == str((tmp_path / "batch" / "broken.pdf").resolve())
    assert code.startswith("D15") and message.startswith(source + ": ") and "PDF" in message
    assert not report.ok
    assert_whole(corpus)


def test_ingest_pipeline_metadata_change_updates_and_dry_run_writes_nothing(corpus, tmp_path):
    write_texts(tmp_path, 2)
    dry = ingest(corpus, [tmp_path], dry_run=True, workers=0)
    assert dry.counts()["added"] == 2 and dry.dry_run
    assert len(corpus) == 0 and corpus.store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    assert ingest(corpus, [tmp_path], workers=0).counts()["added"] == 2
    dry = ingest(corpus, [tmp_path], meta=DocumentMeta(doc_type="speech"), dry_run=True, workers=0)
    assert dry.counts()["updated"] == 2
    assert set(corpus.documents().doc_type) == {"other"}
    changed = ingest(corpus, [tmp_path], meta=DocumentMeta(doc_type="speech", country="AZE"), workers=0)
    assert changed.counts()["updated"] == 2
    frame = corpus.documents()
    assert set(frame.doc_type) == {"speech"} and set(frame.country) == {"AZE"}
    assert set(frame.country_kind) == {"state"}
    assert ingest(corpus, [tmp_path], workers=0).counts()["unchanged"] == 2  # no flags: nothing to change


def test_ingest_pipeline_ledger_skips_parsing_unchanged_files(corpus, tmp_path, monkeypatch):
    paths = write_texts(tmp_path, 3)
    ingest(corpus, [tmp_path], workers=0)
    real_read, calls = readers.read, []

    def counting(item, limits):
        calls.append(item.source)
        return real_read(item, limits)

    monkeypatch.setattr(readers, "read", counting)
    report = ingest(corpus, [tmp_path], meta=DocumentMeta(speaker="A. Speaker"), workers=0)
    assert calls == [] and report.counts()["updated"] == 3
    assert set(corpus.documents().speaker) == {"A. Speaker"}
    paths[0].write_text("A new version of the first text. [illustrative]", encoding="utf-8")
    report = ingest(corpus, [tmp_path], workers=0)
    assert calls == [str(paths[0].resolve())]
    # Stored text never changes: the new version is a new document; the old one stays.
    assert report.counts()["added"] == 1 and report.counts()["unchanged"] == 2 and len(corpus) == 4


def test_ingest_pipeline_same_text_twice_is_one_document(corpus, tmp_path):
    (tmp_path / "a.txt").write_text("Same words. [illustrative]", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Same words. [illustrative]\r\n", encoding="utf-8")  # same normalized text
    report = ingest(corpus, [tmp_path], workers=0)
    assert len(corpus) == 1
    assert [s for s, _ in report.added] == [str((tmp_path / "a.txt").resolve())]
    assert [s for s, _ in report.unchanged] == [str((tmp_path / "b.txt").resolve())]
    assert corpus.documents().source_path[0] == str((tmp_path / "a.txt").resolve())
    # Different metadata for the same text in one batch: the first file's is kept, the second is reported.
    (tmp_path / "m.csv").write_text("path,doc_type\na.txt,speech\nb.txt,law\n", encoding="utf-8")
    report = ingest(corpus, [tmp_path], manifest=tmp_path / "m.csv", workers=0)
    assert report.counts()["updated"] == 1 and len(report.skipped) == 1
    source, reason = report.skipped[0]
    assert source == str((tmp_path / "b.txt").resolve())
    assert reason.startswith(f"same text as {(tmp_path / 'a.txt').resolve()}")
    assert corpus.documents().doc_type[0] == "speech"
    again = ingest(corpus, [tmp_path], manifest=tmp_path / "m.csv", workers=0)
    assert again.counts()["unchanged"] == 1 and len(again.skipped) == 1 and not again.updated


def test_ingest_pipeline_folder_walk_skips_hidden_unknown_and_the_store(tmp_path):
    from discourse import Corpus

    folder = tmp_path / "in"
    write_texts(folder, 2)
    write_texts(folder / "sub", 1, prefix="nested")
    write_texts(folder / ".hidden", 1)
    (folder / ".secret.txt").write_text("hidden", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n")
    (folder / "manifest.csv").write_text("path\n", encoding="utf-8")
    corpus = Corpus.open(folder / "store.sqlite")
    report = ingest(corpus, [folder, tmp_path / "absent"], workers=0)
    assert report.counts()["added"] == 3
    assert report.skipped == [(str((folder / "image.png").resolve()), "unsupported file type '.png'")]
    assert report.failed == [(str(tmp_path / "absent"), "D100", f"{tmp_path / 'absent'}: no such file or folder")]
    flat = ingest(corpus, [folder], recursive=False, workers=0)
    assert flat.counts()["unchanged"] == 2
    # A file named explicitly is taken whatever its extension, and refused if its type is unknown.
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02")
    explicit = ingest(corpus, [tmp_path / "blob.bin"], workers=0)
    assert [(s, c) for s, c, _ in explicit.failed] == [(str((tmp_path / "blob.bin").resolve()), "D120")]
    corpus.close()


def test_ingest_pipeline_size_limit_refuses_before_reading(corpus, tmp_path):
    (tmp_path / "big.txt").write_text("word " * 1000, encoding="utf-8")
    report = ingest(corpus, [tmp_path], limits=Limits(max_bytes=100), workers=0)
    [(source, code, message)] = report.failed
    assert code == "D121" and message == f"{source}: file is 5,000 bytes, over the limit of 100 bytes"


def test_ingest_pipeline_reader_failing_midway_stores_nothing_of_that_file(corpus, tmp_path, monkeypatch):
    write_texts(tmp_path, 4)
    real_read = readers.read

    def flaky(item, limits):
        doc = real_read(item, limits)  # the work is done, then the reader breaks
        if item.source.endswith("doc002.txt"):
            raise RuntimeError("parser state corrupted")
        return doc

    monkeypatch.setattr(readers, "read", flaky)
    report = ingest(corpus, [tmp_path], workers=0)
    assert report.counts()["added"] == 3
    [(source, code, message)] = report.failed
    assert code == "D109" and message == f"{source}: unexpected RuntimeError while reading: parser state corrupted"
    assert str(tmp_path / "doc002.txt") not in set(corpus.documents().source_path)
    assert_whole(corpus)


def test_ingest_pipeline_db_failure_mid_document_keeps_the_others(corpus, tmp_path, monkeypatch):
    write_texts(tmp_path, 5)
    real_upsert = docs.upsert_document

    def failing(conn, record, text, page_starts, **kw):
        result = real_upsert(conn, record, text, page_starts, **kw)  # rows written inside the transaction
        if record["source_path"].endswith("doc003.txt"):
            raise sqlite3.OperationalError("disk I/O error (injected)")
        return result

    monkeypatch.setattr(docs, "upsert_document", failing)
    report = ingest(corpus, [tmp_path], workers=0)
    assert report.counts()["added"] == 4
    [(source, code, message)] = report.failed
    assert code == "D211" and message == f"{source}: could not be stored: disk I/O error (injected)"
    conn = corpus.store.conn
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM sources WHERE path LIKE '%doc003.txt'").fetchone()[0] == 0
    assert_whole(corpus)
    monkeypatch.setattr(docs, "upsert_document", real_upsert)
    assert ingest(corpus, [tmp_path], workers=0).counts() == {
        "added": 1, "updated": 0, "unchanged": 4, "failed": 0, "skipped": 0}


def _hostile_read(item, limits):
    """A reader that misbehaves according to the file name (runs inside worker processes)."""
    name = os.path.basename(item.source)
    if name == "slow.txt":
        time.sleep(30)
    elif name == "paged.txt":
        note_page(7)
        time.sleep(30)
    elif name == "stuck.txt":  # a hang the in-worker timer cannot interrupt
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
    elif name == "crash.txt":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif name == "hungry.txt":
        bytearray(4 * 1024**3)
    return DocumentText(text=f"Fine text of {name}.", extractor="hostile", extractor_version="1")


def test_ingest_pipeline_isolation_timeouts_crashes_memory(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "read", _hostile_read)
    monkeypatch.setattr(pipeline, "GRACE", 1.0)
    for name in ("good1", "slow", "paged", "stuck", "crash", "hungry", "good2"):
        (tmp_path / f"{name}.txt").write_text(name, encoding="utf-8")
    start = time.monotonic()
    report = ingest(corpus, [tmp_path], limits=Limits(seconds=1, memory_mb=256), workers=2)
    assert time.monotonic() - start < 25
    failed = {os.path.basename(s): (c, m[len(s) + 2:]) for s, c, m in report.failed}
    assert failed == {
        "slow.txt": ("D107", "timed out after 1 s"),
        "paged.txt": ("D107", "timed out after 1 s at page 7"),
        "stuck.txt": ("D107", "timed out after 1 s"),
        "crash.txt": ("D108", "the parser process crashed (killed by signal SIGSEGV)"),
        "hungry.txt": ("D125", "ran out of memory while parsing"),
    }
    assert sorted(os.path.basename(s) for s, _ in report.added) == ["good1.txt", "good2.txt"]
    assert len(corpus) == 2
    assert_whole(corpus)


def test_ingest_pipeline_items_from_memory(corpus):
    items = [SourceItem(f"archive.tar::TXT/X_{i}.txt", f"Statement {i}. [illustrative]".encode(), "text",
                        DocumentMeta(country="AZE", year=2000 + i, doc_type="statement")) for i in range(5)]
    items.append(SourceItem("archive.tar::bad.txt", b"", "text"))
    report = ingest_items(corpus, items, workers=2)
    assert report.counts()["added"] == 5
    [(source, code, _)] = report.failed
    assert (source, code) == ("archive.tar::bad.txt", "D122")
    assert list(corpus.documents().year) == [2000, 2001, 2002, 2003, 2004]
    frame = report.to_frame()
    assert list(frame.columns) == ["status", "source", "doc_id", "code", "message", "hint"]
    assert list(frame.status) == ["added"] * 5 + ["failed"]
    with pytest.raises(TypeError):
        ingest_items(corpus, ["not an item"], workers=0)


def test_ingest_pipeline_refuses_invalid_page_boundaries_from_a_reader(corpus, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Short text.", encoding="utf-8")
    monkeypatch.setattr(readers, "read", lambda item, limits: DocumentText(text="Short text.", page_starts=(0, 50)))
    report = ingest(corpus, [tmp_path], workers=0)
    [(source, code, message)] = report.failed
    assert code == "D109" and message == f"{source}: the text reader returned invalid page boundaries (0, 50)"
    assert len(corpus) == 0


def test_ingest_pipeline_pdf_timeout_names_the_page_reached(corpus, tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for page in range(1, 121):
        pdf.add_page()
        for line in range(40):
            pdf.cell(0, 6, f"Illustrative line {line} on page {page} about dialogue.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "long.pdf"))
    (tmp_path / "short.txt").write_text("A short illustrative text.", encoding="utf-8")
    report = ingest(corpus, [tmp_path], limits=Limits(seconds=0.3), workers=1)
    [(source, code, message)] = report.failed
    assert source.endswith("long.pdf") and code == "D107"
    match = re.fullmatch(re.escape(source) + r": timed out after 0\.3 s at page (\d+)", message)
    assert match and 1 <= int(match.group(1)) < 120, message
    assert len(report.added) == 1


_REAL_READ = readers.read


def _slow_first_read(item, limits):
    if item.source.endswith("doc000.txt"):
        time.sleep(1.0)
    return _REAL_READ(item, limits)


def test_ingest_pipeline_writes_in_input_order_behind_a_slow_file(corpus, tmp_path, monkeypatch):
    paths = write_texts(tmp_path, 30)
    monkeypatch.setattr(readers, "read", _slow_first_read)
    monkeypatch.setattr(pipeline, "READY_MAX", 5)  # read-ahead stops while the first file is parsed
    monkeypatch.setattr(pipeline, "CHUNK_ITEMS", 2)
    report = ingest(corpus, [tmp_path], workers=2)
    assert [s for s, _ in report.added] == [str(p.resolve()) for p in paths]
    assert len(corpus) == 30
