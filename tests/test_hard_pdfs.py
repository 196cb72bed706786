"""Every hard PDF in ../shared/data/pdfs behaves as MANIFEST.csv's expected_from_discourse column says.

The expectations below are this project's reading of that column, one entry per file; a test checks that the
list covers exactly the files of the manifest, so a new file cannot go untested.
"""

from __future__ import annotations

import csv

import pytest

from discourse.errors import IngestError
from discourse.ingest.document import Limits, SourceItem
from discourse.ingest.readers import detect_kind, read

# file -> (outcome, details). outcome "ok" with the exact flags, or "refused" with (code, reason, text in message).
EXPECTED = {
    "qpdf-bad1-not-a-pdf.pdf": ("refused", ("D150", "not_pdf", "not a PDF")),
    "qpdf-bad2-no-startxref.pdf": ("refused", ("D151", "malformed_pdf", "No /Root object")),
    "qpdf-bad-xref.pdf": ("ok", {"recovered"}),
    "qpdf-damaged-stream.pdf": ("ok", set()),
    "qpdf-issue-149-xref-loop.pdf": ("refused", ("D151", "malformed_pdf", "recursion limit")),
    "qpdf-issue-202-deep-nesting.pdf": ("refused", ("D151", "malformed_pdf", "Invalid dictionary construct")),
    "qpdf-pages-loop.pdf": ("ok", set()),
    "qpdf-deep-pages.pdf": ("refused", ("D156", "no_text_layer", "no text layer")),
    "qpdf-bad-encryption-length.pdf": ("refused", ("D154", "broken_encryption", "unknown key /Wength")),
    "pdfminer-zen-corrupted-zlib.pdf": ("ok", {"partial_text", "rotated"}),
    "pdfminer-issue-1113-circular-xobjects.pdf": ("ok", {"recovered"}),
    "pdfminer-aes-256-r6-pw-usersecret.pdf": ("encrypted", "Hello World"),
    "pdfminer-rc4-40-pw-foo.pdf": ("encrypted", "Secret!"),
    "pdfminer-issue-495-cid-glyphs.pdf": ("ok", {"unmapped_glyphs"}),
    "pdfminer-issue-791-non-unicode-cmap.pdf": ("ok", set()),
    "pdfminer-jbig2-scan.pdf": ("refused", ("D156", "no_text_layer", "no text layer")),
    "pdfplumber-password-pw-test.pdf": ("encrypted", "Backup4all"),
    "pdfplumber-rotated.pdf": ("ok", {"rotated", "duplicate_glyphs"}),
    "pdfplumber-federal-register-3col-headers.pdf": ("ok", set()),
    "pdfplumber-issue-71-duplicate-chars.pdf": ("ok", {"duplicate_glyphs"}),
    "pypdf-image-only.pdf": ("ok", {"little_text"}),
    "pypdf-arabic-rotated.pdf": ("ok", {"rotated", "little_text"}),
    "pypdf-latex-multicolumn.pdf": ("ok", set()),
}


def _manifest(folder) -> dict[str, dict]:
    with open(folder / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def _read(folder, name, password=None):
    data = (folder / name).read_bytes()
    item = SourceItem(name, data, detect_kind(name, data[:2048]), password=password)
    return read(item, Limits())


# Reading the two large files once per session keeps the suite fast.
_CACHE: dict = {}


def _read_cached(folder, name):
    if name not in _CACHE:
        _CACHE[name] = _read(folder, name)
    return _CACHE[name]


def test_hard_pdfs_expectations_cover_the_manifest(hard_pdfs):
    rows = _manifest(hard_pdfs)
    assert len(rows) == 23
    assert set(rows) == set(EXPECTED)
    assert {p.name for p in hard_pdfs.glob("*.pdf")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hard_pdfs_outcome(hard_pdfs, name):
    outcome, details = EXPECTED[name]
    password = _manifest(hard_pdfs)[name]["password"] or None
    if outcome == "refused":
        code, reason, fragment = details
        with pytest.raises(IngestError) as info:
            _read(hard_pdfs, name)
        err = info.value
        assert (err.code, err.reason) == (code, reason)
        assert err.message.startswith(name + ": ")
        assert fragment in err.message
        assert err.hint
    elif outcome == "encrypted":
        with pytest.raises(IngestError) as info:
            _read(hard_pdfs, name)
        assert (info.value.code, info.value.reason) == ("D152", "encrypted")
        assert info.value.message == f"{name}: password-protected PDF"
        assert info.value.hint == "pass the password (password=...)"
        wrong = "Wr0ng-Pa55"
        with pytest.raises(IngestError) as info:
            _read(hard_pdfs, name, password=wrong)
        assert (info.value.code, info.value.reason) == ("D153", "bad_password")
        assert info.value.message == f"{name}: the password given does not open this PDF"
        assert wrong not in str(info.value)
        doc = _read(hard_pdfs, name, password=password)
        assert details in doc.text
        # The password reaches no stored field other than the text itself (where "test" may be a word).
        assert password not in " ".join(doc.warnings) + repr(doc.meta) + doc.extractor + doc.extractor_version
    else:
        doc = _read_cached(hard_pdfs, name)
        assert set(doc.quality_flags) == details
        assert doc.text and "(cid:" not in doc.text
        assert doc.extractor == "pdfplumber"
        assert len(doc.page_starts) == doc.pages and doc.page_starts[0] == 0
        assert list(doc.page_starts) == sorted(doc.page_starts)


def test_hard_pdfs_exact_texts(hard_pdfs):
    for name in ("qpdf-bad-xref.pdf", "qpdf-damaged-stream.pdf", "qpdf-pages-loop.pdf"):
        doc = _read(hard_pdfs, name)
        assert (doc.text, doc.pages) == ("Potato", 1), name
    assert _read(hard_pdfs, "pdfminer-issue-791-non-unicode-cmap.pdf").text == "Peněžní prostředky na účtech"
    assert _read(hard_pdfs, "pdfminer-issue-1113-circular-xobjects.pdf").text == "Hello world\n\nHello world"
    assert _read(hard_pdfs, "pdfminer-aes-256-r6-pw-usersecret.pdf", "usersecret").text == "Hello World"
    assert _read(hard_pdfs, "pdfminer-rc4-40-pw-foo.pdf", "foo").text == "Secret!"
    assert _read(hard_pdfs, "pdfplumber-password-pw-test.pdf", "test").pages == 4


def test_hard_pdfs_recovered_and_partial_carry_warnings(hard_pdfs):
    doc = _read(hard_pdfs, "qpdf-bad-xref.pdf")
    assert "cross-reference table is broken" in doc.warnings[0]
    zen = _read(hard_pdfs, "pdfminer-zen-corrupted-zlib.pdf")
    assert "Beautiful is better than ugly." in zen.text
    assert any("corrupt" in w for w in zen.warnings)


def test_hard_pdfs_unmapped_glyphs_are_stripped_and_measured(hard_pdfs):
    doc = _read(hard_pdfs, "pdfminer-issue-495-cid-glyphs.pdf")
    assert "(cid:" not in doc.text
    assert doc.unmapped_share == pytest.approx(0.0258, abs=1e-4)
    assert "10 glyphs without a Unicode mapping removed" in doc.warnings[0]


def test_hard_pdfs_no_text_layer_suggests_ocr(hard_pdfs):
    with pytest.raises(IngestError) as info:
        _read(hard_pdfs, "pdfminer-jbig2-scan.pdf")
    assert info.value.message == "pdfminer-jbig2-scan.pdf: no text layer on any of its 1 pages (a scan or images only)"
    assert "ocrmypdf" in info.value.hint


def test_hard_pdfs_stray_text_layer_is_flagged_not_silent(hard_pdfs):
    doc = _read(hard_pdfs, "pypdf-image-only.pdf")
    assert doc.text.split() == ["Background"] * 4
    assert doc.pages == 6
    assert "nearly no text layer: 40 characters on 6 pages" in doc.warnings[0]
    assert doc.meta.title == "imagemagick-images"


def test_hard_pdfs_federal_register_headers_removed_columns_in_order(hard_pdfs):
    doc = _read_cached(hard_pdfs, "pdfplumber-federal-register-3col-headers.pdf")
    text = doc.text
    assert doc.pages == 15
    # The running header, the printer's footer and the page numbers 47699-47712 are gone.
    assert "Federal Register/Vol. 85" not in text
    assert "VerDate" not in text and "Sfmt" not in text
    for number in range(47699, 47713):
        assert str(number) not in text
    # The vertical margin note ("PROPOSALS") repeats on every page and is removed too.
    assert "PROPOSALS" not in text
    # Sentences that run over several lines of one column come out whole, and columns in order.
    col1 = (
        "Investigation of the accident has been completed by the Indonesian authorities (Komite Nasional "
        "Keselamatan Transportasi (KNKT)) with assistance from the National Transportation Safety Board (NTSB) "
        "and the FAA of the United States, the manufacturer, and the operator."
    )
    col2 = "On November 7, 2018, the FAA issued Emergency AD 2018–23–51 as an interim corrective action."
    col3 = "The data from the flight data recorders, as summarized in reports7 of the Ethiopian Airlines Flight 302"
    positions = [text.index(s) for s in (col1, col2, col3)]
    assert positions == sorted(positions)
    assert doc.page_starts[1] <= positions[0] < positions[2] < doc.page_starts[2]


def test_hard_pdfs_latex_two_columns_and_hyphenation(hard_pdfs):
    doc = _read(hard_pdfs, "pypdf-latex-multicolumn.pdf")
    # "adip-/iscing", "con-/sectetuer" and "tris-/tique" are rejoined; the left column is read before the right.
    first = (
        "Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Ut purus elit, vestibulum ut, placerat ac, "
        "adipiscing vitae, felis. Curabitur dictum gravida mauris. Nam arcu libero, nonummy eget, consectetuer "
        "id, vulputate a, magna. Donec vehicula augue eu neque. Pellentesque habitant morbi tristique senectus"
    )
    assert first in doc.text
    assert doc.text.startswith("Two-Column Document with Lorem Ipsum")
    assert doc.text.index(first) < doc.text.index("Nam dui ligula, fringilla a, euismod sodales, sollicitudin vel")


def test_hard_pdfs_duplicate_glyphs_removed(hard_pdfs):
    doc = _read_cached(hard_pdfs, "pdfplumber-issue-71-duplicate-chars.pdf")
    assert "UUEE" not in doc.text and "CCiirrccuullaa" not in doc.text
    # The even-page running head "NN UE 8. Circulation - Métabolismes" is gone; the heading on page 1 stays.
    assert doc.text.count("UE 8. Circulation - Métabolismes") == 1
    assert "Nephrologie.indb" not in doc.text  # the printer's slug at the foot of every page
    assert doc.text.startswith("Chapitre 5\n\nItem 265\n\nDÉSORDRES DE L’ÉQUILIBRE ACIDE-BASE\n\n")


def test_hard_pdfs_rotated_table_reads_words(hard_pdfs):
    doc = _read(hard_pdfs, "pdfplumber-rotated.pdf")
    assert doc.text.startswith("NICS Firearm Background Checks November - 2015")


def _table(path) -> list[tuple[str, str, str, str]]:
    """(case, file, outcome, code) per row of a reliability table; seconds and counts left out."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 8 and cells[0].isdigit():
            code = cells[5].split(":", 1)[0] if cells[4] == "refused" else cells[5].split("flags: ", 1)[-1]
            rows.append((cells[2], cells[3].strip("`"), cells[4], code))
    return rows


@pytest.mark.slow
def test_hard_pdfs_reliability_table_regenerates(hard_pdfs, tmp_path):
    """scripts/reliability_table.py runs every case through the pipeline; docs/reliability.md matches it."""
    import importlib.util
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("reliability_table", root / "scripts" / "reliability_table.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability_table"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    out = tmp_path / "reliability.md"
    assert module.main(["--pdfs", str(hard_pdfs), "--out", str(out)]) == 0
    fresh = _table(out)
    listed = {file for _, file, _, _ in fresh}
    assert set(EXPECTED) <= listed and len(set(EXPECTED)) == 23
    assert len(fresh) == 23 + 3 + 10  # 3 encrypted files tried twice, 10 bombs
    assert all(outcome in ("stored", "refused") for _, _, outcome, _ in fresh)
    assert "Every case ended as a stored document or a coded refusal" in out.read_text(encoding="utf-8")
    # Outcomes agree with the per-file expectations above.
    for case, file, outcome, code in fresh:
        if file in EXPECTED and "(with --password)" not in case:
            kind, details = EXPECTED[file]
            assert outcome == ("refused" if kind in ("refused", "encrypted") else "stored"), file
            if kind == "refused":
                assert code == details[0], file
    # The committed document is the output of this script, not hand-written: same cases, outcomes and codes.
    assert _table(root / "docs" / "reliability.md") == fresh
