"""The ``discourse ingest`` and ``discourse docs`` commands, and scripts/ingest_speeches.py."""

from __future__ import annotations

import pytest

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from discourse import Corpus
from discourse.cli import main
from discourse.cli.ingest import Progress

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args):
    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_ingest_ungdc_sample_then_unchanged(capsys, ungdc_sample, tmp_path, monkeypatch):
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("DISCOURSE_DB", str(db))  # DISCOURSE_DB picks the store
    code, out, err = run(capsys, "ingest", ungdc_sample, "--no-progress")
    assert code == 0, err
    assert out.startswith("added 395, updated 0, unchanged 0, failed 0, skipped 0 (")
    code, out, _ = run(capsys, "ingest", ungdc_sample, "--no-progress")
    assert code == 0 and out.startswith("added 0, updated 0, unchanged 395, failed 0, skipped 0 (")
    code, out, _ = run(capsys, "docs", "list", "--country", "AZE", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert len(frame) == 33 and list(frame.year) == list(range(1992, 2025))
    assert "sha256" in frame.columns and "source_path" in frame.columns  # all columns in csv


def test_cli_ingest_corrupt_pdf_exits_1_naming_file_and_cause(capsys, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(3):
        (folder / f"good{i}.txt").write_text(f"Good illustrative text {i}.", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    db = tmp_path / "flag.sqlite"  # --db picks the store
    code, out, _ = run(capsys, "ingest", folder, "--db", db, "--no-progress")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("added 3, updated 0, unchanged 0, failed 1, skipped 0")
    assert lines[1].startswith(f"failed: {(folder / 'broken.pdf').resolve()}: [D15")
    assert "PDF" in lines[1]
    with Corpus.open(db) as corpus:
        assert len(corpus) == 3
    code, out, _ = run(capsys, "ingest", folder, "--db", db, "--no-progress", "--format", "json")
    assert code == 1
    rows = json.loads(out)
    assert sorted(r["status"] for r in rows) == ["failed", "unchanged", "unchanged", "unchanged"]


def test_cli_ingest_flags_dry_run_and_errors(capsys, tmp_path):
    doc = tmp_path / "speech.txt"
    doc.write_text("We value partnership. [illustrative]", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    code, out, _ = run(capsys, "ingest", doc, "--db", db, "--dry-run", "--no-progress")
    assert code == 0 and out.startswith("dry run, nothing written: would have added 1,")
    assert not db.exists()
    code, out, _ = run(capsys, "ingest", doc, "--db", db, "--type", "speech", "--date", "2015-11-04", "--speaker",
                       "A. Speaker", "--post", "President", "--country", "aze", "--lang", "az", "--title", "A speech",
                       "--source-url", "https://example.org/s", "--no-progress")
    assert code == 0 and out.startswith("added 1,")
    code, out, _ = run(capsys, "docs", "list", "--db", db, "--format", "json")
    [row] = json.loads(out)
    assert (row["doc_type"], row["date"], row["speaker"], row["speaker_post"], row["country"], row["language"],
            row["title"], row["source_url"]) == ("speech", "2015-11-04", "A. Speaker", "President", "AZE", "az",
                                                 "A speech", "https://example.org/s")
    code, out, err = run(capsys, "ingest", doc, "--db", db, "--date", "2015-13-01", "--no-progress")
    assert code == 1 and err.startswith("Error [D110]: command-line options: date '2015-13-01' does not exist")
    (tmp_path / "m.csv").write_text("path,colour\nspeech.txt,red\n", encoding="utf-8")
    code, _, err = run(capsys, "ingest", "--manifest", tmp_path / "m.csv", "--db", db)
    assert code == 1 and err.startswith("Error [D102]: m.csv line 1: unknown column(s) 'colour'")


def test_cli_ingest_password_is_never_printed(capsys, tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    code, out, err = run(capsys, "ingest", tmp_path / "broken.pdf", "--db", tmp_path / "s.sqlite",
                         "--password", "s3cret-pw", "--no-progress")
    assert code == 1 and "s3cret-pw" not in out + err


def test_cli_docs_list_and_show(capsys, tmp_path):
    db = tmp_path / "s.sqlite"
    for year, country in ((2010, "AZE"), (2015, "RUS"), (2020, "AZE")):
        (tmp_path / f"{country}_70_{year}.txt").write_text(
            f"First line of {country} {year}.\nSecond line.\nThird line. [illustrative]", encoding="utf-8")
    assert run(capsys, "ingest", tmp_path, "--db", db, "--no-progress")[0] == 0
    code, out, _ = run(capsys, "docs", "list", "--db", db, "--country", "AZE", "--year-from", "2011")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split() == ["id", "date", "country", "doc_type", "language", "pages", "words", "quality_flags",
                                "title"]
    assert "2020" in lines[1] and "AZE" in lines[1] and "statement" in lines[1]
    code, out, _ = run(capsys, "docs", "list", "--db", db, "--columns", "country,year", "--format", "csv")
    assert out.splitlines() == ["country,year", "AZE,2010", "RUS,2015", "AZE,2020"]
    code, out, err = run(capsys, "docs", "list", "--db", db, "--columns", "colour")
    assert code == 2 and "unknown column(s) colour" in err
    doc_id = Corpus.open(db).documents(country="RUS").id[0]
    code, out, _ = run(capsys, "docs", "show", doc_id[:8], "--db", db, "--lines", "2")
    assert code == 0
    assert f"id                 {doc_id}" in out
    assert "quality_flags      (none)" in out and "pages              1" in out
    assert out.rstrip().endswith("First line of RUS 2015.\nSecond line.")
    code, _, err = run(capsys, "docs", "show", "ffffffffff", "--db", db)
    assert code == 1 and err.startswith("Error [D210]: no document with id 'ffffffffff'")
    code, _, err = run(capsys, "docs", "list", "--db", tmp_path / "none.sqlite")
    assert code == 1 and err.startswith("Error [D201]: no store at")


def test_cli_ingest_progress_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress("files", every=0.0, stream=stream)
    import click

    original = click.echo
    lines = []
    click.echo = lambda message, err=False: lines.append(message)
    try:
        progress(2000, 10952)
    finally:
        click.echo = original
    assert len(lines) == 1 and lines[0].startswith("ingested 2000/10952 files, ") and lines[0].endswith(" docs/s")


@pytest.mark.slow
def test_cli_ingest_speeches_script(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "zagatala.txt").write_text("Illustrative speech text about regional cooperation.", encoding="utf-8")
    (folder / "interview.html").write_text(
        "<html><head><title>Illustrative interview</title></head><body><p>Illustrative answers about "
        "partnership and dialogue in the region.</p></body></html>", encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "path,doc_type,date,country,speaker\nzagatala.txt,speech,2015-11-04,AZE,A. Speaker\n"
        "interview.html,interview,2018-12-25,AZE,A. Speaker\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    script = ROOT / "scripts" / "ingest_speeches.py"
    done = subprocess.run([sys.executable, str(script), str(folder), "--db", str(db)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "added 2" in done.stdout
    assert "2015-11-04" in done.stdout and "speech" in done.stdout and "interview" in done.stdout
    again = subprocess.run([sys.executable, str(script), str(folder), "--db", str(db)], capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and "added 0" in again.stdout and "unchanged 2" in again.stdout
    helped = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "manifest" in helped.stdout
