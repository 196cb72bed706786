"""A file named explicitly that is the store or the manifest is reported skipped with the reason, not dropped silently."""

from __future__ import annotations

from discourse.cli import main


def test_ingest_named_store_and_manifest_are_skipped_with_reason(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / "m.csv").write_text("path,doc_type\na.txt,speech\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "--no-progress", "--workers", "0"]) == 0
    capsys.readouterr()
    code = main(["ingest", str(db), str(tmp_path / "m.csv"), "--manifest", str(tmp_path / "m.csv"), "--db", str(db),
                 "--no-progress", "--workers", "0"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("added 0, updated 0, unchanged 0, failed 0, skipped 2 (")
    assert out[1:] == [f"skipped: {db}: the store or the manifest itself, not a document",
                       f"skipped: {tmp_path / 'm.csv'}: the store or the manifest itself, not a document"]
