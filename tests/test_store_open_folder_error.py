"""A store whose folder cannot be created is D202 naming the path and the cause, with a hint."""

from __future__ import annotations

from discourse.cli import main


def test_store_open_folder_under_a_file_is_d202_with_hint(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    db = tmp_path / "a.txt" / "sub" / "s.sqlite"
    assert main(["ingest", str(tmp_path / "a.txt"), "--db", str(db), "--no-progress"]) == 1
    assert capsys.readouterr().err == (
        f"Error [D202]: cannot create the folder of {db}: Not a directory\n"
        "  hint: check the path given to --db / DISCOURSE_DB and that its folder can be created\n")
