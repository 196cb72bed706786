"""The yearly panel: one row per year, missing stays missing, z-scores, composite, correlations, export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse.cli import main
from discourse.errors import IndicatorError
from discourse.panel import CompositeIndex, composite_loadings, panel, panel_correlations, write_panel

FIXTURE = Path(__file__).parent / "fixtures" / "unvotes"

# A stand-in for discourse.score.period_scores(by="year"): texts in 2010, 2012-2014, 2016-2019 only.
SCORES = pd.DataFrame({
    "year": [2010, 2012, 2013, 2014, 2016, 2017, 2018, 2019],
    "score": [-0.30, -0.10, 0.00, 0.20, 0.10, 0.15, 0.25, 0.40],
    "ci_low": [-0.50, -0.30, -0.20, 0.00, -0.10, 0.00, 0.05, 0.20],
    "ci_high": [-0.10, 0.10, 0.20, 0.40, 0.30, 0.30, 0.45, 0.60],
    "n_docs": [1, 1, 1, 1, 1, 1, 1, 1],
    "n_hits": [12, 9, 10, 14, 8, 11, 13, 15],
    "low_evidence": [False] * 8,
})


@pytest.fixture
def frame(corpus):
    return panel(corpus, "AZE", 2009, 2019, scores=SCORES, votes_dir=FIXTURE, composite="mean")


def test_panel_one_row_per_year_and_missing_stays_missing(frame):
    assert frame["year"].tolist() == list(range(2009, 2020))
    assert frame["score"].isna().tolist() == [True, False, True, False, False, False, True, False, False, False, False]
    assert frame.loc[frame.year == 2014, ["score", "ci_low", "ci_high"]].values.tolist() == [[0.2, 0.0, 0.4]]
    schools = frame.set_index("year")["russian_language_schools"]
    assert schools.dropna().to_dict() == {2013: 314.0, 2018: 340.0}
    assert schools.isna().sum() == 9  # never filled with zero
    # The roll-call fixture only covers 2009-2011: the other years are missing, not zero.
    rollcall = frame.set_index("year")["un_vote_agreement_rollcall__RUS"]
    assert rollcall.dropna().to_dict() == {2009: 0.5, 2010: pytest.approx(2 / 3), 2011: 1.0}
    assert frame.set_index("year")["arms_imports_tiv__RUS"].isna().tolist() == [False] * 10 + [True]


def test_panel_has_every_shipped_series_and_both_vote_rates(frame):
    expected = {"arms_imports_russia_share__RUS", "arms_imports_tiv_total", "arms_imports_tiv_total_yoy",
                "russian_language_school_students", "russian_language_schools", "trade_turnover__RUS",
                "trade_turnover_yoy__RUS", "un_vote_agreement_rollcall__RUS", "un_vote_match_rate_study__RUS",
                "un_vote_matches_study__RUS", "un_vote_resolutions_study__RUS", "un_vote_rollcalls_both_voted__RUS"}
    suppliers = {f"arms_imports_tiv__{p}" for p in
                 ("BLR", "CZE", "ESP", "ISR", "PAK", "RUS", "SVK", "TUR", "UKR", "USA", "ZAF", "unknown")}
    cols = set(frame.columns)
    assert expected | suppliers <= cols
    assert "arms_imports_tiv_period_total" not in " ".join(cols)  # a period total is not a yearly value
    assert frame.set_index("year").loc[2010, "un_vote_match_rate_study__RUS"] == pytest.approx(16 / 24)
    assert frame.attrs["variables"]["russian_language_schools"]["bounds"] == {2018: "lower"}


def test_panel_z_scores_use_the_years_present(frame):
    s = frame["trade_turnover__RUS"]
    assert frame["z_trade_turnover__RUS"].tolist() == pytest.approx(((s - s.mean()) / s.std(ddof=1)).tolist())
    z = frame["z_score"].dropna()
    assert len(z) == 8 and z.mean() == pytest.approx(0, abs=1e-12) and z.std(ddof=1) == pytest.approx(1)


def test_panel_composite_mean_and_pca(corpus, frame):
    loadings = composite_loadings(frame)
    assert loadings["variable"].tolist() == ["arms_imports_russia_share__RUS", "trade_turnover__RUS",
                                             "un_vote_match_rate_study__RUS"]
    assert loadings["loading"].tolist() == pytest.approx([1 / 3] * 3)
    cols = loadings["variable"].tolist()
    manual = frame[[f"z_{c}" for c in cols]].mean(axis=1)
    assert frame["composite"].tolist() == pytest.approx(manual.tolist())
    pca = panel(corpus, "AZE", 2009, 2019, scores=SCORES, votes_dir=FIXTURE, composite="pca")
    info = pca.attrs["composite"]
    assert info["method"] == "pca" and 0 < info["explained_variance_ratio"] <= 1
    vec = np.array(list(info["loadings"].values()))
    assert np.linalg.norm(vec) == pytest.approx(1) and vec.sum() > 0


def test_composite_index_needs_two_directed_indicators():
    with pytest.raises(IndicatorError) as err:
        CompositeIndex("mean").fit(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    assert err.value.code == "D533"
    assert err.value.message == ("the composite needs at least two directed indicators and three complete years "
                                 "(have 1 indicator(s), 3 complete year(s))")


def test_panel_correlations_lags_and_descriptive_label():
    years = list(range(2000, 2010))
    x = [1.0, 3.0, 2.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 10.0]
    frame = pd.DataFrame({"year": years, "score": [np.nan] + x[:-1], "ind": x})  # score[t] = ind[t-1]
    corr = panel_correlations(frame).set_index("lag")
    assert corr.loc[1, "pearson_r"] == pytest.approx(1.0) and corr.loc[1, "n"] == 9
    assert corr.loc[0, "n"] == 9 and corr.loc[0, "pearson_r"] < 1
    assert corr.loc[-2, "n"] == 7
    assert set(corr["label"]) == {"descriptive"}
    r = np.corrcoef(x[:-1], x[1:])[0, 1]
    assert corr.loc[0, "pearson_r"] == pytest.approx(r)
    long = pd.DataFrame({"year": range(1990, 2010), "score": np.arange(20.0), "ind": np.arange(20.0) ** 2})
    out = panel_correlations(long).set_index("lag")
    assert out.loc[0, "n"] == 20 and out.loc[0, "label"] == "" and out.loc[0, "spearman_rho"] == pytest.approx(1)


def test_panel_write_records_parameters_and_correlations(corpus, frame, tmp_path):
    path = write_panel(corpus, tmp_path / "out", frame=frame)
    assert path == tmp_path / "out" / "panel.csv"
    back = pd.read_csv(path)
    assert back["year"].tolist() == list(range(2009, 2020)) and back["score"].isna().sum() == 3
    side = json.loads((tmp_path / "out" / "panel.csv.json").read_text())
    assert side["kind"] == "panel" and side["parameters"]["country"] == "AZE"
    assert side["composite"]["method"] == "mean"
    corr = pd.read_csv(tmp_path / "out" / "panel_correlations.csv")
    assert set(corr["lag"]) == {-2, -1, 0, 1, 2}
    assert json.loads((tmp_path / "out" / "panel_correlations.csv.json").read_text())["kind"] == "panel_correlations"


def test_panel_write_auto_composite_falls_back_when_it_cannot_be_fitted(corpus, tmp_path, monkeypatch):
    import discourse.panel as panel_module

    real = panel_module.panel
    monkeypatch.setattr(panel_module, "panel", lambda *a, **k: real(*a, scores=SCORES, rollcall=False, **k))
    path = write_panel(corpus, tmp_path, country="GEO")  # no directed indicator covers GEO's years
    side = json.loads((tmp_path / "panel.csv.json").read_text())
    assert side["composite"] == {"method": None, "not_fitted": (
        "the composite needs at least two directed indicators and three complete years "
        "(have 0 indicator(s), 11 complete year(s))")}
    assert "composite" not in pd.read_csv(path).columns
    aze = write_panel(corpus, tmp_path / "aze.csv", country="AZE")
    assert json.loads((tmp_path / "aze.csv.json").read_text())["composite"]["method"] == "mean"
    assert "composite" in pd.read_csv(aze).columns


def test_panel_refuses_bad_requests(corpus):
    with pytest.raises(IndicatorError) as err:
        panel(corpus, "AZE", 2019, 2009, scores=SCORES)
    assert (err.value.code, err.value.message) == ("D524", "year range 2019-2009 is empty")
    with pytest.raises(IndicatorError) as err:
        panel(corpus, "AZE", 2009, 2019, scores=SCORES.drop(columns=["ci_low"]))
    assert (err.value.code, err.value.message) == ("D532", "the yearly scores lack column(s) ci_low")


def test_panel_cli_csv_with_store_scores(tmp_path, capsys, monkeypatch):
    """The CLI asks discourse.score for the yearly scores (replaced here by the stand-in)."""
    import discourse.score as score

    class _Table:
        frame, lexicon_hash, snapshot, parameters = SCORES, "abc123", {"n_documents": 8}, {"level": "year"}
        extra = {"rule_versions": {"scoring": "score-v1"}}

    seen = {}

    def fake_scores_table(corpus, **kwargs):
        seen.update(kwargs)
        return _Table()

    monkeypatch.setattr(score, "scores_table", fake_scores_table)
    db = tmp_path / "s.sqlite"
    assert main(["indicators", "list", "--db", str(db)]) == 0
    capsys.readouterr()
    out_file = tmp_path / "p.csv"
    rc = main(["panel", "--country", "AZE", "--from", "2009", "--to", "2019", "--format", "csv", "--votes-dir",
               str(FIXTURE), "--db", str(db), "--out", str(out_file)])
    printed = capsys.readouterr().out
    assert rc == 0
    assert seen == {"level": "year", "lexicon": None, "country": "AZE", "year_from": 2009, "year_to": 2019}
    frame = pd.read_csv(pd.io.common.StringIO(printed))
    assert frame["year"].tolist() == list(range(2009, 2020))
    assert {"score", "ci_low", "ci_high", "un_vote_match_rate_study__RUS", "un_vote_agreement_rollcall__RUS"} <= set(frame.columns)
    assert json.loads((tmp_path / "p.csv.json").read_text())["lexicon_hash"] == "abc123"
    assert (tmp_path / "p_correlations.csv").exists()
