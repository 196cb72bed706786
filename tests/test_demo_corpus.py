"""The demo corpus (corpus/examples), the study's source list and the events file are complete and valid."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pdfplumber
import pytest

from discourse.metadata import DocumentMeta, parse_date, validate_metadata

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "corpus" / "examples"
MANIFEST = EXAMPLES / "manifest.csv"
PDF = EXAMPLES / "2007-05-30_aze_concept_en.pdf"
MARK = b"ILLUSTRATIVE DEMO TEXT"

MANIFEST_COLUMNS = ["path", "title", "date", "doc_type", "speaker", "speaker_post", "country", "language",
                    "source_url"]


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _meta(row: dict) -> DocumentMeta:
    return DocumentMeta(**{k: (row[k] or None) for k in MANIFEST_COLUMNS if k != "path"})


def test_demo_manifest_rows_exist_and_validate():
    rows = _rows(MANIFEST)
    assert list(rows[0].keys()) == MANIFEST_COLUMNS
    assert 10 <= len(rows) <= 16
    for i, row in enumerate(rows, start=2):
        assert (EXAMPLES / row["path"]).is_file(), row["path"]
        meta = validate_metadata(_meta(row), f"{MANIFEST}:{i}")
        assert meta.title.startswith("Illustrative (not official): ")
        assert 2005 <= meta.year <= 2020
        assert meta.country in {"AZE", "RUS"}
        assert meta.language in {"en", "az", "ru"}
    listed = {row["path"] for row in rows}
    on_disk = {p.name for p in EXAMPLES.iterdir() if p.name != "manifest.csv"}
    assert on_disk == listed  # nothing unlisted would be ingested without metadata


def test_demo_manifest_covers_kinds_languages_and_years():
    rows = _rows(MANIFEST)
    assert {Path(r["path"]).suffix for r in rows} == {".txt", ".pdf", ".html"}
    assert {r["language"] for r in rows} == {"en", "az", "ru"}
    assert {r["country"] for r in rows} == {"AZE", "RUS"}
    years = sorted(int(r["date"][:4]) for r in rows)
    assert years[0] == 2005 and years[-1] == 2020
    assert {"concept", "doctrine", "declaration", "speech", "interview", "statement"} <= {r["doc_type"] for r in rows}


def test_demo_every_file_marked_illustrative():
    for row in _rows(MANIFEST):
        path = EXAMPLES / row["path"]
        if path.suffix == ".pdf":
            with pdfplumber.open(path) as pdf:
                text = pdf.pages[0].extract_text()
            assert MARK.decode() in text
        else:
            # The mark is ASCII, hence the same bytes in UTF-8 and Windows-1251.
            assert MARK in path.read_bytes(), path.name


def test_demo_phrasing_covers_every_pole_language_and_hard_case():
    texts = {}
    for row in _rows(MANIFEST):
        path = EXAMPLES / row["path"]
        if path.suffix == ".pdf":
            with pdfplumber.open(path) as pdf:
                texts[row["path"]] = "\n".join(p.extract_text() for p in pdf.pages)
        else:
            raw = path.read_bytes()
            texts[row["path"]] = raw.decode("cp1251") if "declaration_ru" in path.name else raw.decode("utf-8")
    everything = "\n".join(texts.values())
    for phrase in [
        "Euro-Atlantic integration", "cooperation with NATO", "European Union", "strategic partnership with Russia",
        "Non-Aligned Movement", "balanced foreign policy", "multi-vector", "CIS", "CSTO", "Eurasian Economic Union",
        "We see no need for integration", "does not need to integrate",
        "inteqrasiya", "inteqrasiyası", "Avro-Atlantik", "strateji tərəfdaşlıq", "Qoşulmama Hərəkatı", "Rusiya",
        "интеграции", "стратегическое партнёрство", "Евразийского экономического союза", "СНГ", "ОДКБ", "Россией",
        "Мы не видим необходимости", "<script>alert(1)</script>",
    ]:
        assert phrase in everything, phrase
    assert "security in the Euro-\nAtlantic area" in texts["2010-07-01_aze_doctrine_en.txt"]
    assert "integra-\ntion into European structures" in texts["2007-05-30_aze_concept_en.pdf"]
    assert "regards Euro-Atlantic\nintegration" in texts["2007-05-30_aze_concept_en.pdf"]


def test_demo_pdf_has_running_header_and_page_numbers():
    with pdfplumber.open(PDF) as pdf:
        assert len(pdf.pages) >= 3
        for number, page in enumerate(pdf.pages, start=1):
            lines = page.extract_text().splitlines()
            assert lines[0] == "Illustrative demo concept - not an official text"
            assert lines[-1] == f"Page {number} of {len(pdf.pages)}"


def test_demo_generated_files_match_generator():
    spec = importlib.util.spec_from_file_location("make_demo_corpus", ROOT / "scripts" / "make_demo_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outputs = module.outputs()
    assert set(outputs) == {PDF.name, "2008-07-10_aze_declaration_ru.txt"}
    for name, data in outputs.items():
        assert (EXAMPLES / name).read_bytes() == data, f"{name} differs from scripts/make_demo_corpus.py output"
    cp1251 = outputs["2008-07-10_aze_declaration_ru.txt"]
    with pytest.raises(UnicodeDecodeError):
        cp1251.decode("utf-8")
    assert "стратегическое партнёрство" in cp1251.decode("cp1251")


def test_sources_csv_lists_the_study_documents():
    rows = _rows(ROOT / "corpus" / "sources.csv")
    assert list(rows[0]) == ["id", "title", "date", "doc_type", "country", "speaker", "issuing_body",
                             "legal_reference", "languages", "official_url", "note"]
    by_id = {r["id"]: r for r in rows}
    assert {r["date"] for r in rows} == {"2007-05-23", "2008-07-03", "2010-06-08", "2015-11-04", "2018-12-25",
                                          "2007-02-10", "2020-10-22"}
    assert "No. 2198" in by_id["aze-nsc-2007"]["legal_reference"]
    assert "No. 674-IIIQ" in by_id["aze-rus-declaration-2008"]["legal_reference"]
    assert "No. 1029-IIIQR" in by_id["aze-military-doctrine-2010"]["legal_reference"]
    assert by_id["aze-zagatala-speech-2015"]["official_url"] == "https://president.az/en/articles/view/17367"
    for i, row in enumerate(rows, start=2):
        where = f"sources.csv:{i}"
        validate_metadata(DocumentMeta(date=row["date"], doc_type=row["doc_type"], country=row["country"]), where)
        assert row["official_url"].startswith(("http://", "https://")), where
        for lang in row["languages"].split(";"):
            validate_metadata(DocumentMeta(language=lang), where)


def test_events_csv_parses():
    rows = _rows(ROOT / "corpus" / "events.csv")
    assert list(rows[0]) == ["date", "end_date", "label", "kind", "source"]
    labels = {r["label"] for r in rows}
    assert {"National Security Concept", "AZE-RUS Declaration", "Russo-Georgian war", "Military Doctrine",
            "War in Ukraine (Crimea)", "Zagatala speech", "April 2016 clashes", "2020 war (44 days)"} <= labels
    for i, row in enumerate(rows, start=2):
        parse_date(row["date"], f"events.csv:{i}")
        if row["end_date"]:
            assert parse_date(row["end_date"], f"events.csv:{i}")[0] >= row["date"]


def test_demo_corpus_ingests_without_failures(corpus):
    report = corpus.ingest([EXAMPLES], manifest=MANIFEST)
    assert report.failed == []
    rows = _rows(MANIFEST)
    assert len(report.added) == len(rows)
    docs = corpus.documents().set_index("title")
    assert len(docs) == len(rows)
    for row in rows:
        doc = docs.loc[row["title"]]
        assert doc["date"] == row["date"] and doc["country"] == row["country"]
        assert doc["language"] == row["language"] and doc["doc_type"] == row["doc_type"]
    pdf_doc = docs.loc["Illustrative (not official): demo security concept"]
    assert pdf_doc["pages"] == 3
    text = corpus.text(pdf_doc["id"])
    assert "Page 1 of 3" not in text and "Illustrative demo concept - not an official text" not in text
    assert "The deepening of integration into European structures" in text  # hyphen rejoined
    html_doc = docs.loc["Illustrative (not official): speech on joining the Non-Aligned Movement"]
    html_text = corpus.text(html_doc["id"])
    assert "today our country becomes a member of the Non-Aligned Movement" in html_text
    assert "Privacy policy" not in html_text and "demoAnalytics" not in html_text
    ru = docs.loc["Illustrative (not official): declaration on friendship and partnership"]
    assert "стратегическое партнёрство между Азербайджаном и Россией" in corpus.text(ru["id"])
    again = corpus.ingest([EXAMPLES], manifest=MANIFEST)
    assert again.failed == [] and len(again.unchanged) == len(rows) and not again.added
