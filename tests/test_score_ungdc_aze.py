"""Done-when of the scores issue on real data: the Azerbaijani UNGDC speeches give one row per year, 1992-2024."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from discourse.cli import main

pytestmark = pytest.mark.slow  # reads the UN General Debate sample: a full-sample test


@pytest.mark.slow
def test_aze_year_export_has_every_year_with_interval_or_flag(ungdc_sample, corpus, capsys):
    files = sorted(ungdc_sample.glob("AZE_*.txt"))
    assert len(files) == 33
    report = corpus.ingest(files)
    assert len(report.added) == 33 and not report.failed
    assert main(["export", "scores", "--db", str(corpus.path), "--level", "year", "--country", "AZE",
                 "--format", "csv", "--replicates", "300"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame["year"].tolist() == list(range(1992, 2025))
    assert (frame["n_docs"] == 1).all() and (frame["n_words"] > 1000).all()
    scored = frame.loc[~frame["low_evidence"]]
    assert len(scored) >= 1  # some years have enough hits for a score
    assert ((scored["ci_low"] <= scored["score"]) & (scored["score"] <= scored["ci_high"])).all()
    flagged = frame.loc[frame["low_evidence"]]
    assert (flagged["n_hits"] < 5).all()
    # flagged, not blanked: a year with a counted hit keeps its score and interval; one without has none
    with_hits = flagged["n_hits"] > 0
    assert flagged.loc[with_hits, "score"].notna().all() and flagged.loc[with_hits, "ci_low"].notna().all()
    assert flagged.loc[~with_hits, "score"].isna().all() and flagged.loc[~with_hits, "logit"].isna().all()
