"""`discourse fetch ungdc --dry-run` writes nothing, not even an empty store."""

from __future__ import annotations

import io

import pandas as pd

from discourse.cli import main


def test_cli_fetch_ungdc_dry_run_creates_no_store(ungdc_sample, tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    code = main(["fetch", "ungdc", "--from", str(ungdc_sample), "--db", str(db), "--dry-run", "--workers", "1",
                 "--no-progress", "--format", "csv"])
    assert code == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert dict(zip(out["outcome"], out["count"]))["added"] == 395
    assert list(tmp_path.iterdir()) == []
