"""`discourse fetch ungdc` prints the hint under a statement that failed, as `discourse ingest` does."""

from __future__ import annotations

from discourse.cli import main


def test_cli_fetch_ungdc_failed_statement_has_hint(tmp_path, capsys):
    folder = tmp_path / "TXT" / "Session 47 - 1992"
    folder.mkdir(parents=True)
    (folder / "AZE_47_1992.txt").write_text("Illustrative statement on cooperation.", encoding="utf-8")
    (folder / "ARM_47_1992.txt").write_text("   \n", encoding="utf-8")
    code = main(["fetch", "ungdc", "--from", str(tmp_path / "TXT"), "--db", str(tmp_path / "s.sqlite"), "--workers",
                 "1", "--no-progress"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    i = next(n for n, line in enumerate(out) if line.startswith("failed: [D122] "))
    assert out[i].endswith("ARM_47_1992.txt: no text found")
    assert out[i + 1] == "  hint: the file is empty or holds only markup/images"
