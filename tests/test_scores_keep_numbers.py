"""Issue 16 item 5: low evidence flags, never blanks; flagged years stay out of the panel's correlations."""

from __future__ import annotations

import pandas as pd

from discourse.panel import panel_correlations


def test_panel_correlations_leave_flagged_years_out():
    frame = pd.DataFrame({"year": range(2010, 2016), "score": [0.1, 0.2, 0.3, 0.4, 0.5, -3.0],
                          "low_evidence": [False, False, False, False, False, True],
                          "trade": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    row = panel_correlations(frame, lags=[0]).iloc[0]
    assert row["n"] == 5 and row["pearson_r"] == 1.0  # the flagged 2015 outlier is not paired
    unflagged = frame.assign(low_evidence=False)
    assert panel_correlations(unflagged, lags=[0]).iloc[0]["n"] == 6
