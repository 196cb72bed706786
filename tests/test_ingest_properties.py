"""Property tests: ingestion is total (a document or a clean refusal) and ingesting twice changes nothing."""

from __future__ import annotations

import pytest

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse import Corpus
from discourse.errors import IngestError
from discourse.ingest import SourceItem, ingest_items
from discourse.ingest.readers import detect_kind
from discourse.normalize import normalize_text

CODE = re.compile(r"^D1\d\d$")
PREFIXES = [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj\n<<", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf",
            b"\xff\xfe", b"<?xml version='1.0'?>"]
NAMES = ["x.txt", "x.html", "x.pdf", "x.docx", "x.md", "x"]


def snapshot(corpus):
    conn = corpus.store.conn
    return (
        conn.execute("SELECT * FROM documents ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM texts ORDER BY doc_id").fetchall(),
        conn.execute("SELECT * FROM pages ORDER BY doc_id, page").fetchall(),
        conn.execute("SELECT path, size, raw_sha256, doc_id FROM sources ORDER BY path").fetchall(),
    )


def items_for(blobs):
    items, refused = [], 0
    for i, (name, data) in enumerate(blobs):
        source = f"mem::{i}/{name}"
        try:
            kind = detect_kind(source, data[:4096])
        except IngestError as exc:  # refusing an unknown type is a clean outcome too
            assert CODE.match(exc.code)
            refused += 1
            continue
        items.append(SourceItem(source, data, kind))
    return items, refused


def check_total_and_idempotent(items):
    corpus = Corpus.open(":memory:")
    first = ingest_items(corpus, items, workers=0)
    assert len(first.added) + len(first.unchanged) + len(first.failed) + len(first.skipped) == len(items)
    for _, code, message in first.failed:
        assert CODE.match(code), code
        assert message
    before = snapshot(corpus)
    second = ingest_items(corpus, items, workers=0)
    assert not second.added and not second.updated
    assert sorted(second.failed) == sorted(first.failed)
    assert snapshot(corpus) == before
    corpus.close()
    return first


blobs = st.lists(
    st.tuples(st.sampled_from(NAMES), st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.binary(max_size=400))),
    min_size=1, max_size=4,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blobs)
def test_ingest_properties_total_on_arbitrary_bytes(blob_list):
    items, _ = items_for(blob_list)
    check_total_and_idempotent(items)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=4))
def test_ingest_properties_text_is_stored_normalized_or_refused_as_empty(texts):
    items = [SourceItem(f"mem::{i}.txt", t.encode("utf-8"), "text") for i, t in enumerate(texts)]
    corpus_report = check_total_and_idempotent(items)
    for _, code, _ in corpus_report.failed:
        assert code in {"D122", "D130", "D131"}, code  # empty after normalization, binary noise, encoding
    for source, _ in corpus_report.added:
        i = int(source.split("::")[1].split(".")[0])
        assert normalize_text(texts[i]) != ""


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=300))
def test_ingest_properties_utf8_text_is_stored_exactly_normalized(text):
    corpus = Corpus.open(":memory:")
    report = ingest_items(corpus, [SourceItem("mem::a.txt", text.encode("utf-8"), "text")], workers=0)
    if normalize_text(text):
        [(_, doc_id)] = report.added
        assert corpus.text(doc_id) == normalize_text(text)
    else:
        assert [c for _, c, _ in report.failed] == ["D122"]
    corpus.close()
