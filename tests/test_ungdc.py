"""The UNGDC connector: archives built here from sample speeches, the speakers join, safety, resuming."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from discourse.errors import IngestError
from discourse.ingest.ungdc import (
    SpeakerRecord,
    UngdcReport,
    iter_ungdc_items,
    load_speakers,
    normalize_post,
    parse_member,
    verify_checksum,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ungdc"
SPEAKERS = FIXTURES / "speakers.csv"
SAMPLE_FILES = [
    "AZE_47_1992.txt", "AZE_60_2005.txt", "AZE_63_2008.txt", "AZE_74_2019.txt", "AZE_75_2020.txt",
    "DEU_54_1999.txt", "DEU_58_2003.txt", "GEO_74_2019.txt", "RUS_74_2019.txt", "TUR_79_2024.txt",
    "USA_74_2019.txt",
]
# Illustrative text written for this test (not an official statement): the EU naming convention.
EU_TEXT = b"Illustrative test text standing in for a statement of the European Union, session 66.\n"
RHISTORY = b'library(readtext)\nx <- readtext("*.txt")\n'


def _members(sample: Path) -> list[tuple[str, bytes]]:
    out = []
    for name in SAMPLE_FILES:
        code, session, year = name[:-4].split("_")
        out.append((f"TXT/Session {session} - {year}/{name}", (sample / name).read_bytes()))
    out.append(("TXT/Session 66 - 2011/EU_66_2011.txt", EU_TEXT))
    out.append(("TXT/Session 47 - 1992/.Rhistory", RHISTORY))
    return out


def _tar(path: Path, members, mode="w:xz", extra=None) -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra or ():
            tar.addfile(info)
    return path


def _zip(path: Path, members) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


@pytest.fixture
def sample_archives(tmp_path, ungdc_sample):
    members = _members(ungdc_sample)
    return {
        "tar.xz": _tar(tmp_path / "ungdc.tar.xz", members),
        "zip": _zip(tmp_path / "ungdc.zip", members),
    }


# ---------------------------------------------------------------------------------------------------------
# Post normalization on the real spellings
# ---------------------------------------------------------------------------------------------------------

REAL_POSTS = {
    "Minister for Foreign Affairs": "foreign minister",
    "Minister for Foregn Affairs": "foreign minister",
    "Minister of Foreign Affairs": "foreign minister",
    "MInister for Foreign Affairs": "foreign minister",
    "Minsiter for Foreign and CARICOM Affairs": "foreign minister",
    "Minister for Foreign Affairs and Trade": "foreign minister",
    "Secretary of State": "foreign minister",
    "Federal Minister for Europe, Integration and Foreign Affairs": "foreign minister",
    "Deputy Prime Minister and Minister for Foreign Affairs": "foreign minister",
    "Vice-Chancellor and Federal Minister for Foreign Affairs": "foreign minister",
    "Vice President and Misnter of External Relations": "foreign minister",
    "President": "head of state",
    "president": "head of state",
    "King": "head of state",
    "Emir": "head of state",
    "Amir": "head of state",
    "Head of State": "head of state",
    "President and Head of Government": "head of state",
    "Cairman of the Presidency": "head of state",
    "President of the European Council": "head of state",
    "Prime Minister": "head of government",
    "PRIME MINISTER": "head of government",
    "Prime minister": "head of government",
    "rime Minister and Minister for Europe and Foreign Affairs": "head of government",
    "Prime Minister and Minister for Foreign Affairs": "head of government",
    "President of the Council of Ministers": "head of government",
    "President of the Government": "head of government",
    "Head  of the goverment": "head of government",
    "Chancellor": "head of government",
    "UN Representative": "UN representative",
    "Permanent Representative": "UN representative",
    "Chair of the Delegation": "UN representative",
    "Vice-President": "other",
    "Deputy Prime Minister": "other",
    "Minister of State": "other",
    "Crown Prince": "other",
    "Deputy Minister for Foreign Affairs": "other",
    "Personal Representative of the Head of State of the Republic of the Philippines": "other",
    "Vice-President of the Prime Minister's Council": "other",
    "Special Envoy of the Prime Minister and Minister for Public Service": "other",
    "Minister for Development Cooperation": "other",
    "": None,
    "missing": None,
    "Not indicated": None,
}


def test_ungdc_post_normalization_real_spellings(speakers_csv):
    recorded = set(pd.read_csv(speakers_csv, dtype=str, keep_default_na=False)["Post"])
    absent = [p for p in REAL_POSTS if p not in recorded and f"{p} " not in recorded]
    assert absent == []  # every spelling in the table above is really in the speakers table
    assert {post: normalize_post(post) for post in REAL_POSTS} == REAL_POSTS


def test_ungdc_post_normalization_covers_every_recorded_post(speakers_csv):
    posts = pd.read_csv(speakers_csv, dtype=str, keep_default_na=False)["Post"]
    categories = posts.map(normalize_post)
    assert set(categories.dropna()) == {"head of state", "head of government", "foreign minister",
                                        "UN representative", "other"}
    counts = categories.value_counts()
    # Sanity bounds from the real table: the big four dominate, "other" stays a small residue.
    assert counts["foreign minister"] > 2300 and counts["head of state"] > 2000
    assert counts["other"] < 0.1 * categories.notna().sum()


def test_ungdc_speakers_table_conflicts_and_aliases(speakers_csv):
    table, warnings = load_speakers(speakers_csv)
    assert table[("AZE", 74)].post_category == "foreign minister"
    assert table[("AZE", 75)].name == "Mr. Ilham Heydar oglu Aliyev"
    assert table[("EU", 66)].name == "Herman Van Rompuy"  # recorded as EC
    assert table[("YMD", 23)].name is not None            # recorded as YDYE
    assert table[("CMR", 24)] == SpeakerRecord(None, None, None)      # two different speakers recorded: not guessed
    assert any("CMR session 24" in w for w in warnings)


def test_ungdc_speakers_table_missing_column(tmp_path):
    bad = tmp_path / "speakers.csv"
    bad.write_text("Year,Session,ISO Code,Country,Name\n2019,74,AZE,Azerbaijan,X\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load_speakers(bad)
    assert err.value.code == "D184"
    assert err.value.message == f"{bad}: missing column(s) Name of Person Speaking, Post"


# ---------------------------------------------------------------------------------------------------------
# Reading archives
# ---------------------------------------------------------------------------------------------------------


def test_ungdc_parse_member_names():
    assert parse_member("TXT/Session 74 - 2019/AZE_74_2019.txt") == ("AZE", 74, 2019)
    assert parse_member("TXT/Session 66 - 2011/EU_66_2011.txt") == ("EU", 66, 2011)
    assert parse_member("AZE_74_2019.txt") == ("AZE", 74, 2019)
    assert parse_member("TXT/Session 75 - 2020/AZE_74_2019.txt") is None  # folder disagrees with name
    assert parse_member("TXT/Session 35 - 1980/.Rhistory") is None


@pytest.mark.parametrize("fmt", ["tar.xz", "zip"])
def test_ungdc_items_from_archive(sample_archives, ungdc_sample, fmt):
    archive = sample_archives[fmt]
    table, _ = load_speakers(SPEAKERS)
    report = UngdcReport()
    items = list(iter_ungdc_items(archive, speakers=table, report=report))
    assert len(items) == 12 and report.statements == 12
    assert report.skipped == [(f"{archive.resolve()}::TXT/Session 47 - 1992/.Rhistory",
                               "not a speech: an R session history")]
    assert report.refused == []
    assert (report.speakers_matched, report.speakers_missing) == (11, 1)  # GEO 74 has no row in the fixture
    by_name = {item.source.rsplit("/", 1)[-1]: item for item in items}
    aze = by_name["AZE_74_2019.txt"]
    assert aze.source == f"{archive.resolve()}::TXT/Session 74 - 2019/AZE_74_2019.txt"
    assert aze.kind == "text"
    assert aze.data == (ungdc_sample / "AZE_74_2019.txt").read_bytes()
    m = aze.meta
    assert (m.country, m.session, m.year, m.date, m.doc_type, m.language) == ("AZE", 74, 2019, "2019", "statement", "en")
    assert m.title == "UN General Debate statement, AZE, session 74 (2019)"
    assert (m.speaker, m.speaker_post, m.post_category) == (
        "Mr. Elmar Maharram oglu Mammadyarov", "Minister for Foreign Affairs", "foreign minister")
    assert by_name["AZE_60_2005.txt"].meta.speaker_post == "Minister for Foregn Affairs"
    assert by_name["AZE_60_2005.txt"].meta.post_category == "foreign minister"
    assert by_name["AZE_75_2020.txt"].meta.post_category == "head of state"
    assert by_name["AZE_63_2008.txt"].meta.post_category == "UN representative"
    assert by_name["DEU_58_2003.txt"].meta.post_category == "head of government"
    assert by_name["DEU_54_1999.txt"].meta.post_category == "other"
    assert (by_name["AZE_47_1992.txt"].meta.speaker, by_name["AZE_47_1992.txt"].meta.post_category) == ("Mr. Gassymov", None)
    assert by_name["GEO_74_2019.txt"].meta.speaker is None
    eu = by_name["EU_66_2011.txt"].meta
    assert (eu.country, eu.speaker, eu.post_category) == ("EU", "Herman Van Rompuy", "head of state")


def test_ungdc_items_from_unpacked_folder(ungdc_sample):
    report = UngdcReport()
    items = list(iter_ungdc_items(ungdc_sample, report=report))
    assert report.statements == 395 and len(items) == 395 and report.skipped == []
    assert items[0].source == str(ungdc_sample.resolve() / "ARM_47_1992.txt")
    assert items[0].meta.speaker is None


def test_ungdc_refuses_path_traversal_and_links(tmp_path, ungdc_sample):
    good = (ungdc_sample / "AZE_74_2019.txt").read_bytes()
    link = tarfile.TarInfo("TXT/Session 74 - 2019/ARM_74_2019.txt")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    fifo = tarfile.TarInfo("TXT/Session 74 - 2019/GEO_74_2019.txt")
    fifo.type = tarfile.FIFOTYPE
    archive = _tar(
        tmp_path / "evil.tar.gz",
        [("../../AZE_73_2018.txt", b"escape"), ("/tmp/AZE_72_2017.txt", b"absolute"),
         ("TXT/Session 74 - 2019/AZE_74_2019.txt", good)],
        mode="w:gz", extra=[link, fifo],
    )
    report = UngdcReport()
    items = list(iter_ungdc_items(archive, report=report))
    assert [i.source.rsplit("/", 1)[-1] for i in items] == ["AZE_74_2019.txt"]
    where = str(archive.resolve())
    assert [(s, c) for s, c, _ in report.refused] == [
        (f"{where}::../../AZE_73_2018.txt", "D181"),
        (f"{where}::/tmp/AZE_72_2017.txt", "D181"),
        (f"{where}::TXT/Session 74 - 2019/ARM_74_2019.txt", "D182"),
        (f"{where}::TXT/Session 74 - 2019/GEO_74_2019.txt", "D182"),
    ]
    assert report.refused[0][2] == (
        f"{where}::../../AZE_73_2018.txt: unsafe member path (absolute or climbing out with '..'); refused")
    assert not (tmp_path.parent / "AZE_73_2018.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.tar.gz"]  # nothing unpacked


def test_ungdc_refuses_oversize_member(tmp_path):
    archive = _zip(tmp_path / "big.zip", [("TXT/Session 74 - 2019/AZE_74_2019.txt", b"x" * 5000)])
    report = UngdcReport()
    assert list(iter_ungdc_items(archive, report=report, max_member_bytes=4096)) == []
    assert report.refused == [(
        f"{archive.resolve()}::TXT/Session 74 - 2019/AZE_74_2019.txt", "D183",
        f"{archive.resolve()}::TXT/Session 74 - 2019/AZE_74_2019.txt: member is 5,000 bytes, over the limit of "
        "4,096 bytes; refused",
    )]


def test_ungdc_refuses_zip_symlink(tmp_path):
    import stat

    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("TXT/Session 74 - 2019/AZE_74_2019.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    report = UngdcReport()
    assert list(iter_ungdc_items(archive, report=report)) == []
    assert [c for _, c, _ in report.refused] == ["D182"]


def test_ungdc_corrupt_and_unknown_archives(tmp_path):
    truncated = tmp_path / "cut.tar.xz"
    _tar(tmp_path / "full.tar.xz", [("TXT/Session 74 - 2019/AZE_74_2019.txt", bytes(range(256)) * 400)])
    truncated.write_bytes((tmp_path / "full.tar.xz").read_bytes()[:300])
    with pytest.raises(IngestError) as err:
        list(iter_ungdc_items(truncated))
    assert err.value.code == "D187" and err.value.message.startswith(f"{truncated.resolve()}: cannot read the archive")
    other = tmp_path / "notes.rar"
    other.write_bytes(b"Rar!\x1a\x07\x00 not supported")
    with pytest.raises(IngestError) as err:
        list(iter_ungdc_items(other))
    assert err.value.code == "D180"


def test_ungdc_checksum_verification(tmp_path):
    import hashlib

    f = tmp_path / "UNGDC.tar.xz"
    f.write_bytes(b"archive bytes")
    good = hashlib.sha256(b"archive bytes").hexdigest()
    assert verify_checksum(f, good.upper()) == good
    with pytest.raises(IngestError) as err:
        verify_checksum(f, "0" * 64)
    assert err.value.code == "D185"
    assert err.value.message == f"{f}: sha256 checksum {good} does not match the expected {'0' * 64}"
    assert verify_checksum(f, hashlib.md5(b"archive bytes").hexdigest(), "MD5")


def test_ungdc_download_offline_is_a_clear_error(tmp_path, monkeypatch, corpus):
    import urllib.error
    import urllib.request

    from discourse.ingest.ungdc_fetch import fetch_ungdc

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(IngestError) as err:
        fetch_ungdc(corpus, None, cache_dir=tmp_path / "cache")
    assert err.value.code == "D186"
    assert "(no network?)" in err.value.message and "(source=...)" in err.value.hint
    assert len(corpus) == 0


# ---------------------------------------------------------------------------------------------------------
# Fetching into a store, and resuming after an interruption
# ---------------------------------------------------------------------------------------------------------


def _dump(path: Path) -> dict:
    """Everything a store holds about its documents, without the wall-clock columns."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(documents)") if r[1] not in ("ingested_at", "updated_at")]
        out = {
            "documents": sorted(conn.execute(f"SELECT {', '.join(cols)} FROM documents").fetchall(), key=repr),
            "texts": sorted(conn.execute("SELECT doc_id, text FROM texts").fetchall()),
            "pages": sorted(conn.execute("SELECT doc_id, page, start, end FROM pages").fetchall()),
            "sources": sorted(conn.execute("SELECT path, size, raw_sha256, doc_id FROM sources").fetchall()),
        }
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    return out


def test_ungdc_fetch_into_store(sample_archives, tmp_path):
    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    with Corpus.open(tmp_path / "s.sqlite") as corpus:
        report = fetch_ungdc(corpus, sample_archives["tar.xz"], speakers=SPEAKERS, workers=0)
        assert (report.statements, report.added, len(report.failed), len(report.skipped)) == (12, 12, 0, 1)
        docs = corpus.documents(country="AZE")
        assert docs["year"].tolist() == [1992, 2005, 2008, 2019, 2020]
        assert docs["post_category"].fillna("-").tolist() == ["-", "foreign minister", "UN representative", "foreign minister",
                                                  "head of state"]
        assert set(docs["doc_type"]) == {"statement"} and set(docs["language"]) == {"en"}
        assert corpus.documents(post_category="head of state")["country"].tolist() == ["EU", "USA", "AZE", "TUR"]
        eu = corpus.documents(country="EU").iloc[0]
        assert (eu["country_kind"], eu["session"]) == ("organization", 66)
        # The same statements from the zip: nothing new.
        again = fetch_ungdc(corpus, sample_archives["zip"], speakers=SPEAKERS, workers=0)
        assert (again.added, again.unchanged) == (0, 12)
        assert len(corpus) == 12


_KILLER = """
import os, signal, sys
import discourse.ingest.pipeline as pipeline
import discourse.store.documents as documents
from discourse import Corpus
from discourse.ingest.ungdc_fetch import fetch_ungdc

pipeline.COMMIT_DOCS = 4          # commit every 4 documents
original = documents.record_source
written = []

def killed_midway(conn, *args, **kwargs):
    original(conn, *args, **kwargs)
    written.append(args[0])
    if len(written) == 6:         # documents 5 and 6 are in the open transaction: die before it commits
        os.kill(os.getpid(), signal.SIGKILL)  # no clean-up of any kind, like a power cut

documents.record_source = killed_midway
fetch_ungdc(Corpus.open(sys.argv[1]), sys.argv[2], speakers=sys.argv[3], workers=0)
"""


@pytest.mark.slow
def test_ungdc_resume_after_kill_gives_the_same_store(sample_archives, tmp_path):
    import signal
    import subprocess
    import sys

    from discourse import Corpus
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    archive = sample_archives["tar.xz"]
    reference = tmp_path / "reference.sqlite"
    with Corpus.open(reference) as corpus:
        fetch_ungdc(corpus, archive, speakers=SPEAKERS, workers=2)

    resumed = tmp_path / "resumed.sqlite"
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(resumed), str(archive), str(SPEAKERS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    partial = _dump(resumed)
    stored = len(partial["documents"])
    assert stored == 4  # the first batch was committed; the half-written second one left no trace
    assert len(partial["texts"]) == len(partial["sources"]) == stored

    with Corpus.open(resumed) as corpus:
        report = fetch_ungdc(corpus, archive, speakers=SPEAKERS, workers=2)
    assert (report.added, report.unchanged, len(report.failed)) == (12 - stored, stored, 0)
    assert _dump(resumed) == _dump(reference)


def test_ungdc_fetch_cli(sample_archives, tmp_path, capsys):
    from discourse.cli import main

    db = tmp_path / "cli.sqlite"
    args = ["fetch", "ungdc", "--from", str(sample_archives["zip"]), "--speakers", str(SPEAKERS), "--db", str(db),
            "--workers", "1", "--no-progress", "--format", "csv"]
    assert main(args) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    counts = dict(zip(out["outcome"], out["count"]))
    assert (counts["statements"], counts["added"], counts["skipped"], counts["failed"]) == (12, 12, 1, 0)
    assert out.loc[out["outcome"] == "skipped", "detail"].item().endswith(
        "::TXT/Session 47 - 1992/.Rhistory (not a speech: an R session history)")
    from discourse import Corpus

    with Corpus.open(db, create=False) as corpus:
        assert corpus.documents(country="AZE")["year"].tolist() == [1992, 2005, 2008, 2019, 2020]


def test_ungdc_fetch_cli_bad_checksum(sample_archives, tmp_path, capsys):
    from discourse.cli import main

    archive = sample_archives["tar.xz"]
    code = main(["fetch", "ungdc", "--from", str(archive), "--sha256", "ab" * 32, "--db", str(tmp_path / "x.sqlite")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error [D185]: {archive}: sha256 checksum ")
    assert "hint: the download is damaged or not the published file" in err


class _FakeResponse(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.headers = {"Content-Length": str(len(data))}


def test_ungdc_download_verifies_published_checksum(tmp_path, monkeypatch, sample_archives):
    """The download path without a network: Dataverse's answers are replaced by local bytes."""
    import hashlib
    import json

    import discourse.ingest.ungdc_download as ungdc_download

    archive = sample_archives["tar.xz"].read_bytes()

    def serve(checksum: str):
        listing = {"data": {"latestVersion": {"files": [
            {"dataFile": {"id": 7, "filename": "README.txt", "filesize": 10}},
            {"dataFile": {"id": 42, "filename": "UNGDC_1946-2023.tgz", "filesize": len(archive),
                          "checksum": {"type": "MD5", "value": checksum}}},
        ]}}}

        def fake_get(url, timeout=60.0):
            if "/api/datasets/" in url:
                assert url.endswith("persistentId=doi:10.7910/DVN/0TJX8Y")
                return _FakeResponse(json.dumps(listing).encode())
            assert url.endswith("/api/access/datafile/42")
            return _FakeResponse(archive)

        monkeypatch.setattr(ungdc_download, "_http_get", fake_get)

    serve(hashlib.md5(archive).hexdigest())
    got = ungdc_download.download_archive(tmp_path / "cache")
    assert got == tmp_path / "cache" / "UNGDC_1946-2023.tgz" and got.read_bytes() == archive

    serve("0" * 32)
    with pytest.raises(IngestError) as err:
        ungdc_download.download_archive(tmp_path / "cache2")
    assert err.value.code == "D185"
    assert list((tmp_path / "cache2").iterdir()) == []  # the bad download is not kept
