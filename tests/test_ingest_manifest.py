"""Metadata from file names and manifests, its validation, and the precedence of its sources."""

from __future__ import annotations

import pandas as pd
import pytest

from discourse.errors import IngestError
from discourse.ingest import ingest
from discourse.ingest.document import DocumentText
from discourse.ingest.manifest import load_manifest, merge_meta, name_metadata
from discourse.metadata import DocumentMeta


@pytest.mark.parametrize(
    "name, expected",
    [
        ("AZE_74_2019.txt", dict(country="AZE", country_kind="state", session=74, year=2019, doc_type="statement",
                                 language="en")),
        ("EU_66_2011.txt", dict(country="EU", country_kind="organization", session=66, year=2011,
                                doc_type="statement", language="en")),
        ("archive.tar.xz::TXT/Session 47 - 1992/ARM_47_1992.txt", dict(country="ARM", session=47, year=1992)),
        ("speech_2015-11-04_zagatala.html", dict(date="2015-11-04", year=2015, country=None)),
        ("interview 2018_12_25.pdf", dict(date="2018-12-25", year=2018)),
        ("military doctrine 2010.pdf", dict(year=2010, date=None)),
        ("2015-13-45 notes.txt", dict(date=None, year=2015)),  # impossible date: only its year
        ("XXX_10_1990.txt", dict(country=None, session=None, year=1990)),  # not a country code
        ("notes.txt", dict(year=None, date=None, country=None)),
        ("id12345.txt", dict(year=None)),  # digits inside a longer number are not a year
    ],
)
def test_ingest_manifest_name_metadata(name, expected):
    meta = name_metadata(name)
    for key, value in expected.items():
        assert getattr(meta, key) == value, key


def test_ingest_manifest_merge_keeps_precise_date_within_the_same_year():
    lower = DocumentMeta(date="2015-11-04", year=2015, country="AZE", country_kind="state")
    assert merge_meta(lower, DocumentMeta(year=2015)).date == "2015-11-04"
    moved = merge_meta(lower, DocumentMeta(year=2016))
    assert (moved.date, moved.year) == (None, 2016)
    dated = merge_meta(DocumentMeta(year=2014), DocumentMeta(date="2015-01-02"))
    assert (dated.date, dated.year) == ("2015-01-02", None)
    eu = merge_meta(lower, DocumentMeta(country="EU"))
    assert (eu.country, eu.country_kind) == ("EU", None)


def _files(tmp_path, *names):
    for name in names:
        (tmp_path / name).write_text(f"Text of {name}. [illustrative]", encoding="utf-8")


def test_ingest_manifest_csv_rows_are_validated_and_resolved(tmp_path):
    _files(tmp_path, "a.txt", "b.txt")
    (tmp_path / "m.csv").write_text(
        "path,title,date,doc_type,speaker,speaker_post,country,language,source_url\n"
        "a.txt,Speech A,2015-11-04,Speech,I. Aliyev,President,aze,AZ,https://example.org/a\n"
        "\n"
        "b.txt,,2010,law,,,RUS,ru,\n",
        encoding="utf-8",
    )
    rows = load_manifest(tmp_path / "m.csv")
    meta_a, where_a = rows[str((tmp_path / "a.txt").resolve())]
    assert where_a == "m.csv line 2"
    assert (meta_a.title, meta_a.date, meta_a.year, meta_a.doc_type, meta_a.country, meta_a.language) == (
        "Speech A", "2015-11-04", 2015, "speech", "AZE", "az")
    meta_b, where_b = rows[str((tmp_path / "b.txt").resolve())]
    assert where_b == "m.csv line 4"
    assert (meta_b.title, meta_b.year, meta_b.date, meta_b.doc_type) == (None, 2010, "2010", "law")


def test_ingest_manifest_yaml_rows(tmp_path):
    _files(tmp_path, "a.txt", "b.txt")
    (tmp_path / "m.yaml").write_text(
        "documents:\n"
        "  - path: a.txt\n"
        "    doc_type: interview\n"
        "    date: 2018-12-25\n"
        "  - file: b.txt\n"
        "    year: 2007\n"
        "    country: RUS\n",
        encoding="utf-8",
    )
    rows = load_manifest(tmp_path / "m.yaml")
    meta_a, where_a = rows[str((tmp_path / "a.txt").resolve())]
    assert (meta_a.doc_type, meta_a.date, where_a) == ("interview", "2018-12-25", "m.yaml line 2")
    meta_b, where_b = rows[str((tmp_path / "b.txt").resolve())]
    assert (meta_b.year, meta_b.country, where_b) == (2007, "RUS", "m.yaml line 5")


@pytest.mark.parametrize(
    "content, code, message",
    [
        ("path,colour\na.txt,red\n", "D102", "m.csv line 1: unknown column(s) 'colour'"),
        ("title\nx\n", "D103", "m.csv line 1: no `path` (or `file`) column"),
        ("path,doc_type\na.txt,speech\nmissing.txt,speech\n", "D104", "m.csv line 3: file 'missing.txt' does not exist"),
        ("path\na.txt\nb.txt\na.txt\n", "D105", "m.csv line 4: file 'a.txt' is already described on line 2"),
        ("path,doc_type\na.txt,speech\nb.txt,sermon\n", "D113", "m.csv line 3: unknown doc_type 'sermon'"),
        ("path,date\na.txt,04/11/2015\n", "D110", "m.csv line 2: malformed date '04/11/2015'"),
        ("path,country\na.txt,Azerbaijan\n", "D112", "m.csv line 2: 'Azerbaijan' is not an ISO 3166-1 alpha-3"),
        ("path,language\na.txt,eng\n", "D111", "m.csv line 2: 'eng' is not an ISO 639-1 language code"),
        ("path,year\na.txt,last year\n", "D106", "m.csv line 2: year 'last year' is not a number"),
        ("path,title\n,Some title\n", "D103", "m.csv line 2: the path cell is empty"),
    ],
)
def test_ingest_manifest_errors_name_the_line(tmp_path, content, code, message):
    _files(tmp_path, "a.txt", "b.txt")
    (tmp_path / "m.csv").write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.csv")
    assert info.value.code == code
    assert info.value.message.startswith(message), info.value.message


def test_ingest_manifest_error_stops_before_anything_is_stored(corpus, tmp_path):
    _files(tmp_path, "a.txt")
    (tmp_path / "m.csv").write_text("path,doc_type\na.txt,sermon\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest(corpus, [tmp_path], manifest=tmp_path / "m.csv", workers=0)
    assert info.value.code == "D113"
    assert len(corpus) == 0


def test_ingest_manifest_bad_cli_metadata_is_refused(corpus, tmp_path):
    _files(tmp_path, "a.txt")
    with pytest.raises(IngestError) as info:
        ingest(corpus, [tmp_path], meta=DocumentMeta(date="2015-02-30"), workers=0)
    assert info.value.code == "D110"
    assert info.value.message == "command-line options: date '2015-02-30' does not exist"
    assert len(corpus) == 0


def test_ingest_manifest_precedence_file_name_manifest_flags(corpus, tmp_path, monkeypatch):
    """What the file states < its name < its manifest row < the flags; defaults only fill gaps."""
    import discourse.ingest.readers as readers

    def fake_read(item, limits):
        return DocumentText(
            text=f"Body of {item.source}.", extractor="fake", extractor_version="1",
            meta=DocumentMeta(title="Title from the file", date="2015-11-04", speaker="From file",
                              language="ru", source_url="https://file.example"),
        )

    monkeypatch.setattr(readers, "read", fake_read)
    _files(tmp_path, "speech_2015.txt", "talk_2016.txt", "plain.txt")
    (tmp_path / "m.csv").write_text("path,speaker,doc_type\nspeech_2015.txt,From manifest,interview\n"
                                    "talk_2016.txt,From manifest,speech\n", encoding="utf-8")
    report = ingest(corpus, [tmp_path], manifest=tmp_path / "m.csv", meta=DocumentMeta(doc_type="speech"), workers=0)
    assert report.counts()["added"] == 3
    frame = corpus.documents().set_index("source_path")
    first = frame.loc[str((tmp_path / "speech_2015.txt").resolve())]
    # file date kept (same year as the name); manifest speaker over the file's; flag type over the manifest's
    assert (first.title, first.date, first.year, first.speaker, first.doc_type, first.language, first.source_url) == (
        "Title from the file", "2015-11-04", 2015, "From manifest", "speech", "ru", "https://file.example")
    second = frame.loc[str((tmp_path / "talk_2016.txt").resolve())]
    assert (second.date, second.year) == ("2016", 2016)  # the name's year wins over the file's date
    plain = frame.loc[str((tmp_path / "plain.txt").resolve())]
    assert (plain.speaker, plain.date, plain.doc_type) == ("From file", "2015-11-04", "speech")


def test_ingest_manifest_defaults_other_and_en(corpus, tmp_path):
    _files(tmp_path, "notes.txt")
    ingest(corpus, [tmp_path], workers=0)
    row = corpus.documents().iloc[0]
    assert (row.doc_type, row.language) == ("other", "en")
    assert row.year is pd.NA and row.date is None


def test_ingest_manifest_without_paths_ingests_the_manifest_files(corpus, tmp_path):
    _files(tmp_path, "a.txt", "b.txt", "c.txt")
    (tmp_path / "m.csv").write_text("path,doc_type\na.txt,speech\nb.txt,law\n", encoding="utf-8")
    report = ingest(corpus, [], manifest=tmp_path / "m.csv", workers=0)
    assert report.counts()["added"] == 2
    assert sorted(corpus.documents().doc_type) == ["law", "speech"]
