"""Text reader: encodings detected, text normalized, binary refused (fixtures encoded in the tests)."""

from __future__ import annotations

import codecs
import random

import pytest

from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import detect_kind, read

# Illustrative sentences written for the tests, not quotations.
RU = "Мы развиваем стратегическое партнёрство с соседями.\nВнешняя политика остаётся сбалансированной."
EN = "Our foreign policy is balanced.\nWe cooperate with all neighbours."
FR = "La politique étrangère reste équilibrée.\nCoopération régionale, sécurité énergétique."
DE = "Die Außenpolitik bleibt ausgewogen.\nZusammenarbeit mit Nachbarn – über Grenzen."
AZ = "Azərbaycan balanslaşdırılmış xarici siyasət yürüdür.\nRegional əməkdaşlıq genişlənir."


def _read(data: bytes, name: str = "speech.txt", **limits):
    return read(SourceItem(name, data, "text"), Limits(**limits))


@pytest.mark.parametrize(
    "text,encoding",
    [
        (EN, "utf-8"), (RU, "utf-8"), (AZ, "utf-8"),
        (RU, "utf-8-sig"), (AZ, "utf-8-sig"),
        (RU, "utf-16"), (FR, "utf-16"),                      # with BOM (Python writes LE + BOM)
        (EN, "utf-16-le"), (EN, "utf-16-be"),                # without BOM: from the NUL-byte pattern
        (RU, "utf-16-le"), (FR, "utf-16-be"),
        (RU, "utf-32"),
        (RU, "cp1251"), (FR, "cp1252"), (DE, "cp1252"),
    ],
)
def test_ingest_text_encodings(text, encoding):
    doc = _read(text.encode(encoding))
    assert doc.text == text
    assert doc.page_starts == (0,)
    assert doc.extractor == "discourse-text"


def test_ingest_text_boms_written_by_hand():
    assert _read(codecs.BOM_UTF16_BE + RU.encode("utf-16-be")).text == RU
    assert _read(codecs.BOM_UTF16_LE + RU.encode("utf-16-le")).text == RU
    assert _read(codecs.BOM_UTF8 + AZ.encode("utf-8")).text == AZ


def test_ingest_text_guessed_encoding_is_reported():
    doc = _read(RU.encode("cp1251"))
    assert doc.extractor_version.endswith("(cp1251)")
    assert doc.warnings == ("encoding: not UTF-8, read as cp1251 (guessed)",)
    doc = _read(FR.encode("cp1252"))
    assert doc.warnings == ("encoding: not UTF-8, read as cp1252 (guessed)",)
    assert _read(EN.encode("utf-16-le")).warnings == (
        "encoding: utf-16-le without byte-order mark (detected from NUL bytes)",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Да.",                                      # very short Cyrillic
        "Президент: “Мир” — наш выбор. OK, NATO и ЕС.",  # Cyrillic with Latin words and cp1251 punctuation
    ],
)
def test_ingest_text_short_cp1251(text):
    assert _read(text.encode("cp1251")).text == text


@pytest.mark.parametrize("text", ["Café.", "Ä", "naïve façade – “quoted”", "à la carte"])
def test_ingest_text_short_cp1252(text):
    assert _read(text.encode("cp1252")).text == text


def test_ingest_text_normalized():
    raw = "Euro\u00ad-Atlantic\u00a0integration\r\nline two\rline three\r\n\r\n\r\n\r\nnext  \n".encode("utf-8")
    assert _read(raw).text == "Euro-Atlantic integration\nline two\nline three\n\nnext"
    # NFC: a decomposed letter is composed.
    assert _read("Azərbaycan e\u0301".encode("utf-8")).text == "Azərbaycan é"


@pytest.mark.parametrize(
    "data,why",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "the content is a PNG image"),
        (b"PK\x03\x04" + bytes(200), "the content is a ZIP archive"),
        (b"abc\x00def" * 100, "it contains NUL bytes (first at byte 3)"),
    ],
)
def test_ingest_text_binary_refused(data, why):
    with pytest.raises(IngestError) as info:
        _read(data, "notes.txt")
    err = info.value
    assert (err.code, err.reason) == ("D130", "binary")
    assert err.message == f"notes.txt: not a text file: {why}"


def test_ingest_text_random_bytes_refused():
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(5000))
    with pytest.raises(IngestError) as info:
        _read(data, "garbage.txt")
    assert (info.value.code, info.value.reason) == ("D130", "binary")
    assert info.value.message.startswith("garbage.txt: not a text file: ")


def test_ingest_text_control_characters_refused():
    data = ("word \x01\x02\x03\x04\x05 " * 50).encode("ascii")
    with pytest.raises(IngestError) as info:
        _read(data, "odd.txt")
    assert info.value.code == "D130"
    assert info.value.message == "odd.txt: not a text file: 250 control characters in 550 characters"


@pytest.mark.parametrize("text, refused", [
    ("Azərbaycan – Avropa \x01\x02 “inteqrasiya” " * 3, "6 control characters in 111 characters"),  # multi-byte
    ("Россия \x7f\x1f — ok " * 40, "80 control characters in 600 characters"),
    ("Россия \x7f — ok " * 40 + "\x0c\x0b", "41 control characters in 562 characters"),
    ("Россия \x07 and a page break \x0c " + "ok " * 200, None),  # one control character (a form feed is none)
])
def test_control_characters_are_counted_on_the_bytes_of_valid_utf8(text, refused):
    """Issue 17: valid UTF-8 is checked for control characters byte by byte (a byte below 0x80 is that very
    character in UTF-8); the count is the one the regex gives on the text, and so is the refusal."""
    from discourse.ingest.text import _CONTROL, decode_text

    data = text.encode("utf-8")
    assert refused is None or refused.startswith(f"{len(_CONTROL.findall(text))} control characters in {len(text)} ")
    if refused is None:
        assert decode_text(data, "odd.txt") == (text, "utf-8", None)
        return
    with pytest.raises(IngestError) as info:
        decode_text(data, "odd.txt")
    assert info.value.message == f"odd.txt: not a text file: {refused}"
    damaged = data + b"\xff"  # not valid UTF-8 any more: the regex on the decoded text says the same
    with pytest.raises(IngestError) as info:
        decode_text(damaged, "odd.txt")
    assert info.value.message == f"odd.txt: not a text file: {refused.replace(f' in {len(text)} ', f' in {len(text) + 1} ')}"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "\ufeff".encode("utf-8"), codecs.BOM_UTF16_LE])
def test_ingest_text_empty_refused(data):
    with pytest.raises(IngestError) as info:
        _read(data, "empty.txt")
    assert (info.value.code, info.value.reason) == ("D122", "empty_text")
    assert info.value.message == "empty.txt: no text found"


def test_ingest_text_size_limits():
    with pytest.raises(IngestError) as info:
        _read(b"a" * 101, "big.txt", max_bytes=100)
    assert (info.value.code, info.value.reason) == ("D121", "too_large")
    assert info.value.message == "big.txt: file is 101 bytes, over the limit of 100 bytes"
    with pytest.raises(IngestError) as info:
        _read(b"word " * 30, "long.txt", max_text_chars=100)
    assert (info.value.code, info.value.reason) == ("D123", "too_large")


def test_ingest_text_detect_kind():
    assert detect_kind("AZE_70_2015.txt", b"Mr. President") == "text"
    assert detect_kind("notes.md", b"# Notes") == "text"
    assert detect_kind("page.txt", codecs.BOM_UTF8 + b"<!DOCTYPE html><html><body>") == "html"
    assert detect_kind("page", "<html><head>".encode("utf-16")) == "html"
    with pytest.raises(IngestError) as info:
        detect_kind("data/table.xlsx", b"\x00\x01binary")
    err = info.value
    assert (err.code, err.reason) == ("D120", "unknown_kind")
    assert err.message.startswith("data/table.xlsx: unknown file type (extension '.xlsx'")
    with pytest.raises(IngestError) as info:
        detect_kind("bundle.zip", b"PK\x03\x04" + bytes(30))
    assert info.value.message == "bundle.zip: a ZIP archive that is not a Word document (.docx)"


def test_ingest_text_unknown_reader_kind():
    with pytest.raises(IngestError) as info:
        read(SourceItem("x.rtf", b"{\\rtf1}", "rtf"), Limits())
    assert (info.value.code, info.value.reason) == ("D127", "bad_kind")


@pytest.mark.parametrize(
    "exc,code,reason,message",
    [
        (ValueError("bad table"), "D124", "reader_error", "x.txt: the text reader failed: ValueError: bad table"),
        (MemoryError(), "D125", "memory", "x.txt: ran out of memory while parsing"),
        (RecursionError(), "D126", "malformed",
         "x.txt: malformed TEXT: structure nested too deeply or looping (recursion limit hit)"),
    ],
)
def test_ingest_text_no_other_exception_escapes_read(monkeypatch, exc, code, reason, message):
    import discourse.ingest.text as text_module

    def broken(item, limits):
        raise exc

    monkeypatch.setattr(text_module, "read_text", broken)
    with pytest.raises(IngestError) as info:
        read(SourceItem("x.txt", b"words", "text"), Limits())
    assert (info.value.code, info.value.reason, info.value.message) == (code, reason, message)


def test_ingest_text_utf8_with_a_damaged_byte_stays_utf8():
    data = RU.encode("utf-8")
    data = data[:9] + b"\xff" + data[9:]  # between two letters
    doc = _read(data)
    assert doc.text == RU[:5] + "\ufffd" + RU[5:]
    assert doc.warnings == ("encoding: utf-8 with 1 invalid byte sequence(s) replaced by U+FFFD",)


def test_ingest_text_is_one_page_form_feeds_dropped():
    doc = _read("Page one text.\n\x0cPage two text.\n\x0c".encode("utf-8"))
    assert doc.text == "Page one text.\nPage two text."
    assert doc.page_starts == (0,)
