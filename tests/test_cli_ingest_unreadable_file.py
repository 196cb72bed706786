"""An unreadable file named on the command line fails alone (D100, exit 1); the batch goes on (was a usage error)."""

from __future__ import annotations

import builtins
import errno
import os

from discourse.cli import main
from discourse.ingest import files


def test_cli_ingest_unreadable_named_file_is_d100_and_batch_goes_on(tmp_path, capsys, monkeypatch):
    good, locked = tmp_path / "good.txt", tmp_path / "locked.txt"
    good.write_text("Illustrative text on cooperation.", encoding="utf-8")
    locked.write_text("Illustrative text nobody may read.", encoding="utf-8")
    real_access, real_open = os.access, builtins.open

    def access(path, mode, *args, **kwargs):  # as for a user without read permission (tests may run as root)
        return False if str(path) == str(locked) else real_access(path, mode, *args, **kwargs)

    def fake_open(path, *args, **kwargs):
        if str(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(files, "open", fake_open, raising=False)  # files.py reads the inputs
    code = main(["ingest", str(good), str(locked), "--db", str(tmp_path / "s.sqlite"), "--no-progress",
                 "--workers", "0"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("added 1, updated 0, unchanged 0, failed 1, skipped 0 (")
    assert out[1:] == [f"failed: {locked}: [D100] cannot read: Permission denied", "  hint: check the file's permissions"]
