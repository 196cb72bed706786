"""End to end: the UNGDC statements of Azerbaijan 2009-2019, scored, joined with every shipped indicator."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from discourse.cli import main

pytestmark = pytest.mark.slow  # reads the UN General Debate sample: a full-sample test


@pytest.mark.slow
def test_panel_ungdc_sample_aze_2009_2019(tmp_path, capsys, ungdc_sample, unvotes_dir):
    folder = tmp_path / "aze"
    folder.mkdir()
    for session in range(64, 75):  # sessions 64-74 = 2009-2019
        name = f"AZE_{session}_{session + 1945}.txt"
        shutil.copy(ungdc_sample / name, folder / name)
    db = str(tmp_path / "s.sqlite")
    assert main(["fetch", "ungdc", "--from", str(folder), "--no-progress", "--db", db]) == 0
    capsys.readouterr()
    rc = main(["panel", "--country", "AZE", "--from", "2009", "--to", "2019", "--format", "csv",
               "--votes-dir", str(unvotes_dir), "--min-hits", "1", "--db", db])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    frame = pd.read_csv(io.StringIO(captured.out))
    assert frame["year"].tolist() == list(range(2009, 2020))
    assert (frame["n_docs"] == 1).all()
    scored = frame.dropna(subset=["score"])
    assert len(scored) > 0
    assert ((scored["ci_low"] <= scored["score"]) & (scored["score"] <= scored["ci_high"])).all()
    assert frame["score"].isna().equals(frame["low_evidence"].astype(bool))  # no hits: flagged, never 0
    for column in ("un_vote_match_rate_study__RUS", "un_vote_agreement_rollcall__RUS", "trade_turnover__RUS",
                   "arms_imports_russia_share__RUS", "arms_imports_tiv_total"):
        assert frame[column].notna().all(), column
    assert frame.set_index("year").loc[2019, "un_vote_agreement_rollcall__RUS"] == pytest.approx(58 / 82)
    assert frame.set_index("year")["russian_language_schools"].dropna().to_dict() == {2013: 314.0, 2018: 340.0}
