"""Issue 12, "Data loss from output paths" and the formula cells of every CSV: nothing outside what the user
named is written or deleted, and no CSV of any command carries a live spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3

import pytest

from discourse.cli import main

from _small_store import build


@pytest.fixture
def store(tmp_path, monkeypatch):
    db = tmp_path / "store.sqlite"
    build(db)
    monkeypatch.setenv("DISCOURSE_DB", str(db))
    monkeypatch.chdir(tmp_path)
    return db


def _rows(db) -> int:
    return sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]


def test_export_out_on_the_store_is_refused_and_the_corpus_survives(store, capsys):
    before = store.read_bytes()
    assert main(["export", "documents", "--out", str(store)]) == 1
    err = capsys.readouterr().err
    assert f"Error [D440]: {store} is a SQLite database (a discourse store?); it is never overwritten" in err
    assert store.read_bytes() == before and _rows(store) == 4
    assert not (store.parent / "store.sqlite.json").exists()


def test_export_out_on_a_symlink_keeps_the_link_and_its_target(store, tmp_path, capsys):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert main(["export", "documents", "--out", str(link)]) == 1
    assert f"Error [D442]: {link} is a symbolic link" in capsys.readouterr().err
    assert link.is_symlink() and target.read_text() == "keep me"


def test_export_out_on_a_fifo_or_device_is_refused_without_opening_it(store, tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert main(["export", "documents", "--out", str(fifo)]) == 1  # would block forever if opened
    assert f"Error [D443]: {fifo} is not a regular file (a FIFO, device or socket)" in capsys.readouterr().err
    assert main(["export", "documents", "--out", "/dev/null"]) == 1
    assert "Error [D443]: /dev/null is not a regular file" in capsys.readouterr().err


def test_sidecar_on_the_store_is_refused_before_the_table_is_written(store, tmp_path, capsys):
    out = tmp_path / "x.csv"
    os.symlink(store, tmp_path / "x.csv.json")
    assert main(["export", "documents", "--out", str(out)]) == 1
    assert "Error [D442]" in capsys.readouterr().err
    assert not out.exists()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path):
    from discourse.safeio import atomic_open, write_text

    path = tmp_path / "a.csv"
    write_text(path, "old\n")

    with pytest.raises(RuntimeError):
        with atomic_open(path) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temporary file left behind


def test_check_target_refuses_a_folder_and_the_stores_side_files(tmp_path, store):
    from discourse.safeio import check_target

    with pytest.raises(Exception, match=r"\[D441\]"):
        check_target(tmp_path)
    (tmp_path / "store.sqlite-wal").write_bytes(b"")
    with pytest.raises(Exception, match=r"\[D440\].*belongs to the SQLite store store.sqlite"):
        check_target(tmp_path / "store.sqlite-wal")


def test_output_manifest_removes_only_its_own_regular_files(tmp_path):
    from discourse.safeio import OutputManifest

    folder = tmp_path / "rep"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "mine.html").write_text("user")
    (folder / "docs" / "old.html").write_text("old")
    (tmp_path / "outside.html").write_text("outside")
    (folder / "docs" / "link.html").symlink_to(tmp_path / "outside.html")
    (folder / ".discourse-outputs.json").write_text(json.dumps(
        {"files": ["docs/old.html", "../outside.html", "/etc/hostname", "docs/link.html", "docs"]}))
    manifest = OutputManifest(folder)
    assert manifest.remove_previous() == ["docs/old.html"]
    assert (folder / "docs" / "mine.html").read_text() == "user"
    assert (tmp_path / "outside.html").read_text() == "outside" and (folder / "docs" / "link.html").is_symlink()


def test_report_out_keeps_the_users_html_files(store, tmp_path, capsys):
    out = tmp_path / "rep"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "notes.html").write_text("<p>my notes</p>")
    assert main(["report", "--out", str(out), "--replicates", "20", "--top-terms", "2"]) == 0, capsys.readouterr().err
    assert main(["report", "--out", str(out), "--replicates", "20", "--top-terms", "2"]) == 0
    assert (out / "docs" / "notes.html").read_text() == "<p>my notes</p>"
    recorded = json.loads((out / ".discourse-outputs.json").read_text())["files"]
    assert "index.html" in recorded and "docs/notes.html" not in recorded


@pytest.mark.parametrize("argv", [
    ["docs", "list", "--format", "csv", "--columns", "id,title"],
    ["search", "integration", "--format", "csv"],
    ["kwic", "Non-Aligned Movement", "--format", "csv"],
])
def test_every_csv_on_stdout_neutralizes_formula_cells(store, capsys, argv):
    from discourse import Corpus

    from _small_store import add

    with Corpus.open(store) as corpus:  # left contexts that start with formula characters
        add(corpus, "=cmd|' /C calc'!A0 integration and the Non-Aligned Movement.", date="2016-01-01",
            title="=1+1")
    assert main(argv) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [c for row in rows[1:] for c in row]
    assert cells, rows
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], rows


def test_docs_list_csv_titles_are_prefixed(store, capsys):
    assert main(["docs", "list", "--format", "csv", "--columns", "title"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "title", '"\'=HYPERLINK(""http://x"")"', "'@title", "'+SUM(A1)", "'-cmd"]


def test_indicators_show_csv_neutralizes_formula_cells(store, tmp_path, capsys):
    data = tmp_path / "ind.csv"
    data.write_text("indicator,country,partner,year,value,unit,source,note\n"
                    "my_index,AZE,RUS,2010,1.5,share,=cmd|' /C calc'!A0,@note\n")
    (tmp_path / "ind.yaml").write_text("indicators:\n  my_index:\n    label: My index\n    unit: share\n"
                                      "    direction: 1\n")
    assert main(["indicators", "add", str(data)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert main(["indicators", "show", "my_index", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "=cmd" in out and ",=cmd" not in out and "'=cmd" in out and "'@note" in out
