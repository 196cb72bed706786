"""DOCX reader: paragraphs, title, and the ZIP/XML safety checks before anything is expanded."""

from __future__ import annotations

import io

import pytest

import pdfgen
from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import detect_kind, read


def _read(data: bytes, name: str = "memo.docx", **limits):
    return read(SourceItem(name, data, "docx"), Limits(**limits))


def _refusal(data: bytes, name: str = "memo.docx", **limits) -> IngestError:
    with pytest.raises(IngestError) as info:
        _read(data, name, **limits)
    return info.value


def test_ingest_docx_python_docx_document():
    import docx

    d = docx.Document()
    d.core_properties.title = "Illustrative memo"
    d.add_heading("Foreign policy priorities", level=1)
    d.add_paragraph("Balanced relations with all partners.")
    d.add_paragraph("")  # empty paragraphs leave no trace
    p = d.add_paragraph("Energy ")
    p.add_run("security").bold = True
    p.add_run(" and transport corridors.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Partner"
    table.cell(0, 1).text = "Priority"
    out = io.BytesIO()
    d.save(out)
    data = out.getvalue()
    assert detect_kind("memo.docx", data[:2048]) == "docx"
    doc = _read(data)
    assert doc.text == (
        "Foreign policy priorities\n\nBalanced relations with all partners.\n\n"
        "Energy security and transport corridors.\n\nPartner\n\nPriority"
    )
    assert doc.meta.title == "Illustrative memo"
    assert doc.meta.date is None  # the creation date is not the document's date
    assert doc.extractor == "discourse-docx"


def test_ingest_docx_minimal_container():
    doc = _read(pdfgen.docx_bytes(["Первый абзац.", "Second paragraph & more."]))
    assert doc.text == "Первый абзац.\n\nSecond paragraph & more."


def test_ingest_docx_zip_bomb_by_ratio():
    err = _refusal(pdfgen.docx_ratio_bomb(8 << 20), "bomb.docx")
    assert (err.code, err.reason) == ("D171", "zip_bomb")
    assert err.message.startswith("bomb.docx: refused as a zip bomb: member 'word/document.xml' has compression ratio ")
    assert err.message.endswith(":1 (limit 100:1)")


def test_ingest_docx_member_too_large():
    data = pdfgen.docx_bytes(["x" * 3000])
    err = _refusal(data, "big.docx", max_zip_member_bytes=2000)
    assert (err.code, err.reason) == ("D171", "zip_bomb")
    assert "member 'word/document.xml' expands to" in err.message and "(limit 2,000)" in err.message


@pytest.mark.parametrize("name", ["../evil.xml", "word/../../evil.xml", "/etc/cron.d/evil", "C:\\evil.xml",
                                  "..\\evil.xml"])
def test_ingest_docx_unsafe_member_names(name):
    err = _refusal(pdfgen.docx_bytes(["Hello."], extra={name: b"x"}), "slip.docx")
    assert (err.code, err.reason) == ("D172", "unsafe_archive")
    assert err.message == f"slip.docx: unsafe member name {name!r} in the archive (absolute path or '..')"


@pytest.mark.parametrize("xml", [pdfgen.BILLION_LAUGHS, pdfgen.EXTERNAL_ENTITY])
def test_ingest_docx_xml_entities_refused(xml):
    err = _refusal(pdfgen.docx_bytes(document_xml=xml), "ent.docx")
    assert (err.code, err.reason) == ("D173", "xml_entities")
    assert err.message.startswith("ent.docx: word/document.xml declares a DTD or XML entities")


def test_ingest_docx_not_a_word_document():
    err = _refusal(pdfgen.zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}), "sheet.docx")
    assert (err.code, err.reason) == ("D175", "not_docx")
    err = _refusal(b"PK\x03\x04 this is not really a zip", "broken.docx")
    assert (err.code, err.reason) == ("D170", "malformed_zip")
    assert err.message.startswith("broken.docx: not a valid ZIP/DOCX container: ")


def test_ingest_docx_malformed_xml():
    err = _refusal(pdfgen.docx_bytes(document_xml=b"<w:document><w:body>"), "bad.docx")
    assert (err.code, err.reason) == ("D174", "malformed_xml")
    assert err.message.startswith("bad.docx: word/document.xml is not well-formed XML: ")
