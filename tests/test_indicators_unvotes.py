"""UN roll-call agreement: a hand-checked fixture, the conventions, errors, and the real tables recomputed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from discourse.cli import main
from discourse.errors import IndicatorError
from discourse.indicators import indicator_values
from discourse.unvotes import un_vote_agreement, un_votes

FIXTURE = Path(__file__).parent / "fixtures" / "unvotes"


def _by_year(frame, col="agreement"):
    return {int(y): v for y, v in zip(frame["year"], frame[col])}


def test_indicators_unvotes_fixture_identical_convention():
    frame = un_vote_agreement("AZE", "RUS", votes_dir=FIXTURE)
    assert frame.to_dict("list") == {
        "year": [2008, 2009, 2010, 2011],
        "n": [1, 4, 3, 1],
        "n_identical": [0, 2, 2, 1],
        "n_one_abstains": [0, 1, 1, 0],
        "n_opposite": [1, 1, 0, 0],
        "agreement": [0.0, 0.5, pytest.approx(2 / 3), 1.0],
    }


def test_indicators_unvotes_fixture_alternative_conventions():
    half = un_vote_agreement("AZE", "RUS", 2009, 2010, votes_dir=FIXTURE, convention="half")
    assert _by_year(half) == {2009: 0.625, 2010: pytest.approx(2.5 / 3)}
    yesno = un_vote_agreement("AZE", "RUS", 2009, 2010, votes_dir=FIXTURE, convention="yesno")
    assert _by_year(yesno) == {2009: 0.5, 2010: 1.0}
    assert _by_year(yesno, "n") == {2009: 2, 2010: 2}


def test_indicators_unvotes_fixture_excluded_issues_and_namibia():
    no_hr = un_vote_agreement("AZE", "RUS", 2010, 2010, votes_dir=FIXTURE, exclude_issues=["hr"])
    assert _by_year(no_hr) == {2010: 0.5}
    none_left = un_vote_agreement("AZE", "RUS", 2009, 2010, votes_dir=FIXTURE, exclude_issues=["hr", "ec", "me"])
    assert _by_year(none_left) == {2009: 0.5}  # 2010 has no roll call left: no row, not zero
    namibia = un_vote_agreement("AZE", "NAM", 2009, 2009, votes_dir=FIXTURE)
    assert _by_year(namibia) == {2009: 0.5} and _by_year(namibia, "n") == {2009: 2}


@pytest.mark.parametrize(
    "kwargs, code, message",
    [
        ({"exclude_issues": ["xx"]}, "D522", "unknown issue code(s) xx"),
        ({"convention": "voeten"}, "D523", "unknown abstain convention 'voeten'"),
        ({"year_from": 2010, "year_to": 2009}, "D524", "year range 2010-2009 is empty"),
    ],
)
def test_indicators_unvotes_refuses_bad_options(kwargs, code, message):
    with pytest.raises(IndicatorError) as err:
        un_vote_agreement("AZE", "RUS", votes_dir=FIXTURE, **kwargs)
    assert (err.value.code, err.value.message) == (code, message)


def test_indicators_unvotes_refuses_missing_tables_and_codes(tmp_path):
    with pytest.raises(IndicatorError) as err:
        un_vote_agreement("AZE", "RUS", votes_dir=tmp_path)
    assert (err.value.code, err.value.message) == ("D520", f"{tmp_path / 'un_votes.csv.gz'}: roll-call table missing")
    with pytest.raises(IndicatorError) as err:
        un_vote_agreement("AZX", "RUS", votes_dir=FIXTURE)
    assert (err.value.code, err.value.message) == ("D521", "country 'AZX' is not an ISO 3166-1 alpha-3 code")
    with pytest.raises(IndicatorError) as err:
        un_vote_agreement("AZE", "USA", votes_dir=FIXTURE)
    assert err.value.code == "D521"
    assert err.value.message == f"{FIXTURE / 'un_votes.csv.gz'}: no votes of USA (US)"


def test_indicators_unvotes_stores_beside_the_study_and_compares(corpus):
    frame = un_votes(corpus, "AZE", "RUS", 2009, 2011, votes_dir=FIXTURE)
    assert frame["year"].tolist() == [2009, 2010, 2011]
    assert frame["study_matches"].tolist() == [7, 16, 11]
    assert frame["difference"].tolist() == pytest.approx([0.5 - 7 / 17, 2 / 3 - 16 / 24, 1 - 11 / 22])
    assert frame["differs"].tolist() == [True, False, True]
    stored = indicator_values(corpus, country="AZE", partner="RUS",
                              indicators=["un_vote_agreement_rollcall", "un_vote_rollcalls_both_voted"])
    assert stored.pivot(index="year", columns="indicator", values="value").to_dict("list") == {
        "un_vote_agreement_rollcall": [0.5, pytest.approx(2 / 3), 1.0],
        "un_vote_rollcalls_both_voted": [4.0, 3.0, 1.0],
    }
    assert set(stored["note"]) == {"convention=identical; exclude_issues=none; year=vote date"}
    # The study's hand count is still there, under its own names.
    study = indicator_values(corpus, country="AZE", indicators=["un_vote_match_rate_study"])
    assert len(study) == 11


def test_indicators_unvotes_cli_prints_the_comparison(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    rc = main(["indicators", "un-votes", "--country", "AZE", "--partner", "RUS", "--from", "2009", "--to", "2010",
               "--votes-dir", str(FIXTURE), "--abstain-convention", "half", "--format", "csv", "--db", str(db)])
    out = capsys.readouterr().out.splitlines()
    assert rc == 0
    assert out[0] == ("year,n,n_identical,n_one_abstains,n_opposite,agreement,study_matches,study_resolutions,"
                      "study_rate,difference,differs")
    assert out[1].startswith("2009,4,2,1,1,0.625,7,17,")
    rc = main(["indicators", "un-votes", "--country", "AZE", "--votes-dir", str(FIXTURE), "--exclude-issues", "zz",
               "--db", str(db)])
    assert rc == 1
    assert capsys.readouterr().err.splitlines()[0] == "Error [D522]: unknown issue code(s) zz"


def _independent_agreement(folder: Path) -> pd.DataFrame:
    """Agreement recomputed with plain pandas, without discourse's code."""
    votes = pd.read_csv(folder / "un_votes.csv.gz", keep_default_na=False)
    calls = pd.read_csv(folder / "un_roll_calls.csv.gz")
    calls["year"] = calls["date"].str[:4].astype(int)
    az = votes[votes["country_code"] == "AZ"][["rcid", "vote"]]
    ru = votes[votes["country_code"] == "RU"][["rcid", "vote"]]
    pair = az.merge(ru, on="rcid", suffixes=("_az", "_ru"))
    pair["rcid"] = pair["rcid"].astype(int)
    pair = pair.merge(calls[["rcid", "year"]], on="rcid")
    pair = pair[(pair["year"] >= 2009) & (pair["year"] <= 2019)]
    pair["same"] = pair["vote_az"] == pair["vote_ru"]
    return pair.groupby("year").agg(n=("same", "size"), agreement=("same", "mean")).reset_index()


@pytest.mark.slow
def test_indicators_unvotes_real_tables_match_an_independent_computation(unvotes_dir):
    ours = un_vote_agreement("AZE", "RUS", 2009, 2019, votes_dir=unvotes_dir)
    theirs = _independent_agreement(unvotes_dir)
    assert ours["year"].tolist() == list(range(2009, 2020))
    assert ours["n"].tolist() == theirs["n"].tolist()
    assert ours["agreement"].tolist() == pytest.approx(theirs["agreement"].tolist(), abs=1e-12)
    # Pinned so that a change in the data or the code shows up: 2009 61/76, 2019 58/82.
    assert (ours.loc[0, "n_identical"], ours.loc[0, "n"]) == (61, 76)
    assert (ours.loc[10, "n_identical"], ours.loc[10, "n"]) == (58, 82)
