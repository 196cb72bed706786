"""Bombs and limits: every hostile input is generated here (small on disk) and refused within its limit.

Reader-level checks catch what they can before expanding anything (page tree walk, declared ZIP sizes, input
size, entity declarations, a ceiling on each inflated stream); what only process isolation can stop (a content
stream that takes too long to interpret) is tested through the pipeline, whose workers run under a wall-clock
timeout and an address-space limit.
"""

from __future__ import annotations

import pytest

import pdfgen
from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import read
from discourse.normalize import normalize_text


def _refusal(name: str, data: bytes, kind: str, **limits) -> IngestError:
    with pytest.raises(IngestError) as info:
        read(SourceItem(name, data, kind), Limits(**limits))
    return info.value


def test_bombs_5000_pages_refused_before_reading_pages():
    data = pdfgen.many_pages_pdf(5000)
    assert len(data) < 1_000_000
    err = _refusal("pages.pdf", data, "pdf")
    assert (err.code, err.reason) == ("D157", "too_many_pages")
    assert err.message == "pages.pdf: more than 2,000 pages (the page tree says 5,000)"


def test_bombs_lying_page_count_refused_without_iterating():
    err = _refusal("count.pdf", pdfgen.many_pages_pdf(1, count=2147483647), "pdf")
    assert (err.code, err.reason) == ("D161", "bad_page_count")
    assert err.message == (
        "count.pdf: the page tree claims 2,147,483,647 pages (over the limit of 2,000) but holds 1; "
        "refused as a corrupt or crafted page count"
    )


def test_bombs_flate_stream_inflating_to_gigabytes():
    data = pdfgen.flate_bomb_pdf(4 << 30)  # 4 GiB of zeros behind two Flate filters
    assert len(data) < 20_000
    err = _refusal("zip.pdf", data, "pdf", memory_mb=256)  # ceiling: 64 MiB per stream
    assert (err.code, err.reason) == ("D159", "decompression_bomb")
    assert err.message.startswith("zip.pdf: decompression bomb: a compressed stream of ")
    assert err.message.endswith("inflates past 67,108,864 bytes")


_BOUNDED = """
import resource, sys
sys.path.insert(0, {tests!r})
import pdfgen
from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import read
data = pdfgen.flate_bomb_pdf(4 << 30)
with open("/proc/self/status") as fh:
    vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
cap = vm + 600 * 1024 * 1024  # far below the 4 GiB the stream claims
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    read(SourceItem("zip.pdf", data, "pdf"), Limits(memory_mb=512))
except IngestError as err:
    print(err.code)
"""


@pytest.mark.slow
def test_bombs_flate_stream_memory_stays_bounded():
    """Under an address-space cap of 600 MiB above the interpreter, the bomb is refused as a bomb (D159), not
    by running out of memory (D125): the reader never holds more than its per-stream ceiling (128 MiB here)."""
    import subprocess
    import sys
    from pathlib import Path

    script = _BOUNDED.format(tests=str(Path(__file__).parent))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "D159", out.stderr[-2000:]


def test_bombs_50mb_html_text_node_refused_before_parsing():
    data = b"<html><body><p>" + b"A" * (50 * 1024 * 1024) + b"</p></body></html>"
    err = _refusal("huge.html", data, "html")
    assert (err.code, err.reason) == ("D140", "too_large")
    assert err.message == f"huge.html: web page is {len(data):,} bytes, over the HTML limit of 20,971,520 bytes"


def test_bombs_docx_compression_ratio():
    data = pdfgen.docx_ratio_bomb(64 << 20)
    assert len(data) < 200_000
    err = _refusal("ratio.docx", data, "docx")
    assert (err.code, err.reason) == ("D171", "zip_bomb")
    assert "compression ratio" in err.message


def test_bombs_docx_declared_size_over_member_limit():
    err = _refusal("size.docx", pdfgen.docx_ratio_bomb(64 << 20), "docx", max_zip_ratio=1e9,
                   max_zip_member_bytes=32 << 20)
    assert (err.code, err.reason) == ("D171", "zip_bomb")
    assert "expands to 67,108,864 bytes (limit 33,554,432)" in err.message


def test_bombs_zip_slip_member_names(tmp_path):
    err = _refusal("slip.docx", pdfgen.docx_bytes(["Hello."], extra={"../../escape.txt": b"owned"}), "docx")
    assert (err.code, err.reason) == ("D172", "unsafe_archive")
    assert not list(tmp_path.parent.rglob("escape.txt"))


@pytest.mark.parametrize("xml,name", [(pdfgen.BILLION_LAUGHS, "laughs.docx"), (pdfgen.EXTERNAL_ENTITY, "ext.docx")])
def test_bombs_xml_entities_in_docx(xml, name):
    err = _refusal(name, pdfgen.docx_bytes(document_xml=xml), "docx")
    assert (err.code, err.reason) == ("D173", "xml_entities")


@pytest.mark.parametrize("xml", [pdfgen.BILLION_LAUGHS, pdfgen.EXTERNAL_ENTITY])
def test_bombs_xml_entities_in_html(xml):
    err = _refusal("page.xhtml", xml.replace(b"w:document", b"html"), "html")
    assert (err.code, err.reason) == ("D141", "xml_entities")


@pytest.mark.slow
def test_bombs_through_the_pipeline_batch_goes_on(corpus, tmp_path):
    """All bombs in one folder with one good file: the good file is stored, each bomb fails with its code."""
    folder = tmp_path / "in"
    folder.mkdir()
    files = {
        "good.txt": "An illustrative statement on balanced foreign policy.".encode(),
        "pages.pdf": pdfgen.many_pages_pdf(5000),
        "count.pdf": pdfgen.many_pages_pdf(1, count=2147483647),
        "flate.pdf": pdfgen.flate_bomb_pdf(4 << 30),
        "slow.pdf": pdfgen.slow_pdf(),
        "ratio.docx": pdfgen.docx_ratio_bomb(64 << 20),
        "slip.docx": pdfgen.docx_bytes(["Hello."], extra={"../escape.txt": b"owned"}),
        "laughs.docx": pdfgen.docx_bytes(document_xml=pdfgen.BILLION_LAUGHS),
        "huge.html": b"<html><body><p>" + b"A" * (25 * 1024 * 1024) + b"</p></body></html>",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    limits = Limits(seconds=3, memory_mb=256)
    report = corpus.ingest([folder], limits=limits, workers=2)
    assert [s.rsplit("/", 1)[-1] for s, _ in report.added] == ["good.txt"]
    failed = {source.rsplit("/", 1)[-1]: (code, message) for source, code, message in report.failed}
    assert {name: code for name, (code, _) in failed.items()} == {
        "pages.pdf": "D157",
        "count.pdf": "D161",
        "flate.pdf": "D159",
        "slow.pdf": "D107",
        "ratio.docx": "D171",
        "slip.docx": "D172",
        "laughs.docx": "D173",
        "huge.html": "D140",
    }
    assert "timed out after 3 s at page 1" in failed["slow.pdf"][1]
    for name, (_, message) in failed.items():
        assert name in message
    assert len(corpus.documents()) == 1
    assert not list(tmp_path.rglob("escape.txt"))


# -- totality: whatever the bytes, a document or a coded refusal -------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PREFIXES = {
    "pdf": [b"", b"%PDF-1.4\n", pdfgen.many_pages_pdf(1)[:200]],
    "html": [b"", b"<html><body><p>", b"<?xml version='1.0'?><!DOCTYPE x ["],
    "text": [b"", b"\xef\xbb\xbf", b"\xff\xfe"],
    "docx": [b"", b"PK\x03\x04", pdfgen.docx_bytes(["x"])[:60]],
}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(_PREFIXES)), prefix=st.integers(0, 2), tail=st.binary(max_size=600))
def test_bombs_reading_is_total(kind, prefix, tail):
    data = _PREFIXES[kind][prefix] + tail
    try:
        doc = read(SourceItem("fuzz." + kind, data, kind), Limits(seconds=10))
    except IngestError as err:
        assert err.code.startswith("D1") and err.message.startswith("fuzz." + kind + ": ") and err.reason
    else:
        assert doc.text and normalize_text(doc.text) == doc.text
        assert "(cid:" not in doc.text
        assert doc.page_starts[0] == 0 and list(doc.page_starts) == sorted(doc.page_starts)
        assert doc.page_starts[-1] <= len(doc.text)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 3000))
def test_bombs_truncated_pdf_never_escapes(cut):
    whole = pdfgen.many_pages_pdf(3, text=b"An illustrative line of text on each page.")
    try:
        doc = read(SourceItem("cut.pdf", whole[:cut], "pdf"), Limits())
    except IngestError as err:
        assert err.code in {"D150", "D151", "D156", "D122"}, err
    else:
        assert "An illustrative line of text on each page." in doc.text
