"""User indicator files: stored when valid, refused whole with every bad line named when not."""

from __future__ import annotations

import pytest

from discourse.cli import main
from discourse.errors import IndicatorError
from discourse.indicators import add_indicators, indicator_values, list_indicators

META = """indicators:
  embassy_visits:
    label: Official visits to the partner's capital
    unit: count
    direction: 1
    source:
      name: Illustrative test data
      url: https://example.org/visits
      published: "2024"
      retrieved: "2026-11-24"
"""

GOOD = """indicator,country,partner,year,value,unit,source,note
embassy_visits,AZE,RUS,2010,3,count,illustrative,
embassy_visits,AZE,RUS,2011,5,count,illustrative,
trade_turnover,GEO,RUS,2010,0.5,billion_usd,illustrative,not a real figure
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_indicators_add_stores_and_lists(corpus, tmp_path):
    _write(tmp_path, "visits.yaml", META)
    summary = add_indicators(corpus, _write(tmp_path, "visits.csv", GOOD))
    assert summary.to_dict("list") == {"indicator": ["embassy_visits", "trade_turnover"], "n": [2, 1],
                                       "year_min": [2010, 2010], "year_max": [2011, 2010]}
    listed = list_indicators(corpus).set_index("indicator")
    assert listed.loc["embassy_visits", ["unit", "direction", "origin", "years", "n"]].tolist() == [
        "count", 1, "user", "2010-2011", 2]
    assert listed.loc["embassy_visits", "source"] == "Illustrative test data"
    geo = indicator_values(corpus, country="GEO")
    assert geo[["indicator", "year", "value"]].values.tolist() == [["trade_turnover", 2010, 0.5]]
    # Adding the same file again replaces the rows, it does not duplicate them.
    add_indicators(corpus, tmp_path / "visits.csv")
    assert len(indicator_values(corpus, indicators=["embassy_visits"])) == 2


def test_indicators_add_refuses_bad_lines_one_by_one(corpus, tmp_path):
    bad = _write(tmp_path, "bad.csv", (
        "indicator,country,partner,year,value,unit\n"
        "trade_turnover,AZE,RUS,2021,abc,billion_usd\n"
        "trade_turnover,AZE,RUS,2022,1.5,billion_usd\n"
        "trade_turnover,AZE,RUS,2022,1.6,billion_usd\n"
        "trade_turnover,AZE,RUS,2023,1.7,gallons\n"
        "new_thing,AZE,,2020,1,count\n"
        "trade_turnover,XXX,RUS,20x0,,count\n"
    ))
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, bad)
    assert err.value.code == "D503"
    lines = err.value.message.splitlines()
    assert lines == [
        f"{bad}: 8 problem(s), nothing stored:",
        "  line 2: value 'abc' is not a number",
        "  line 4: duplicate of line 3 (trade_turnover, AZE, RUS, 2022)",
        "  line 5: unknown unit 'gallons'; valid units: count, share, percent, ratio, index, score, usd, "
        "thousand_usd, million_usd, billion_usd, tiv_million",
        "  line 6: indicator 'new_thing' is new and has no metadata (label, unit, direction)",
        "  line 7: country 'XXX' is not an ISO 3166-1 alpha-3 code",
        "  line 7: year '20x0' is not a year",
        "  line 7: value '' is empty (leave the row out for a missing value)",
        "  line 7: unit 'count' differs from the unit of 'trade_turnover' (billion_usd)",
    ]
    assert indicator_values(corpus, indicators=["trade_turnover"], year_from=2020).empty  # nothing stored


def test_indicators_add_refuses_unknown_columns(corpus, tmp_path):
    bad = _write(tmp_path, "cols.csv", "indicator,country,partner,year,value,unit,colour\n")
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, bad)
    assert (err.value.code, err.value.message) == ("D502", f"{bad}: line 1: unknown column(s) colour")
    bad = _write(tmp_path, "cols2.csv", "indicator,country,year,value\n")
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, bad)
    assert err.value.message == f"{bad}: line 1: missing column(s) partner, unit"


def test_indicators_add_refuses_metadata_without_direction(corpus, tmp_path):
    _write(tmp_path, "v.yaml", META.replace("    direction: 1\n", ""))
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, _write(tmp_path, "v.csv", GOOD))
    assert (err.value.code, err.value.message) == ("D512", f"{tmp_path / 'v.yaml'}: indicator 'embassy_visits': missing direction")
    _write(tmp_path, "v.yaml", META.replace("direction: 1", "direction: up"))
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, tmp_path / "v.csv")
    assert err.value.message.endswith("direction must be 1 (higher = closer to the target power), -1 (higher = "
                                      "farther) or 0 (neutral), not 'up'")


def test_indicators_add_cli_reports_error_and_exit_code(tmp_path, capsys):
    bad = _write(tmp_path, "bad.csv", "indicator,country,partner,year,value,unit\ntrade_turnover,AZE,RUS,2021,x,billion_usd\n")
    rc = main(["indicators", "add", str(bad), "--db", str(tmp_path / "s.sqlite")])
    err = capsys.readouterr().err.splitlines()
    assert rc == 1
    assert err[:2] == [f"Error [D503]: {bad}: 1 problem(s), nothing stored:", "  line 2: value 'x' is not a number"]
    rc = main(["indicators", "list", "--format", "csv", "--db", str(tmp_path / "s.sqlite")])
    out = capsys.readouterr().out.splitlines()
    assert rc == 0
    assert out[0] == "indicator,label,unit,direction,origin,years,n,countries,source"
    assert any(line.startswith("un_vote_match_rate_study,") and ",derived,2009-2019,11,AZE," in line for line in out)


def test_indicators_add_user_rows_survive_a_reload_of_the_shipped_files(corpus, tmp_path, monkeypatch):
    import shutil

    from discourse.indicators import load_shipped, shipped_dir

    _write(tmp_path, "visits.yaml", META)
    add_indicators(corpus, _write(tmp_path, "visits.csv", GOOD))
    copy = tmp_path / "shipped"
    shutil.copytree(shipped_dir(), copy)
    with (copy / "trade_turnover_aze_rus.csv").open("a", encoding="utf-8") as fh:
        fh.write("trade_turnover,AZE,RUS,2020,2.5,billion_usd,,illustrative test row,\n")
    monkeypatch.setenv("DISCOURSE_INDICATORS_DIR", str(copy))
    assert load_shipped(corpus) is True
    trade = indicator_values(corpus, indicators=["trade_turnover"])
    assert trade.groupby("country").size().to_dict() == {"AZE": 12, "GEO": 1}
    assert trade.groupby("origin").size().to_dict() == {"shipped": 12, "user": 1}


def test_indicators_add_refuses_redefining_shipped_or_computed_indicators(corpus, tmp_path):
    _write(tmp_path, "t.yaml", "indicators:\n  trade_turnover:\n    label: Trade\n    unit: billion_usd\n"
                               "    direction: -1\n")
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, _write(tmp_path, "t.csv", GOOD.splitlines()[0] + "\n"))
    assert (err.value.code, err.value.message) == (
        "D514", f"{tmp_path / 't.yaml'}: cannot redefine the shipped indicator(s) trade_turnover")
    bad = _write(tmp_path, "d.csv", "indicator,country,partner,year,value,unit\n"
                                    "un_vote_match_rate_study,AZE,RUS,2020,0.5,share\n")
    with pytest.raises(IndicatorError) as err:
        add_indicators(corpus, bad)
    assert err.value.message.splitlines()[1] == (
        "  line 2: indicator 'un_vote_match_rate_study' is computed by discourse and cannot be loaded from a file")
