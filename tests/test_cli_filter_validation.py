"""The shared document filters refuse an unknown --type or a --country that is not a code (instead of no rows)."""

from __future__ import annotations

import pytest

from discourse.cli import main


@pytest.fixture()
def db(tmp_path):
    (tmp_path / "AZE_74_2019.txt").write_text("Illustrative statement.", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    assert main(["ingest", str(tmp_path / "AZE_74_2019.txt"), "--db", str(db), "--no-progress", "--workers", "0"]) == 0
    return db


def test_cli_filter_unknown_type_is_a_usage_error(db, capsys):
    capsys.readouterr()
    assert main(["docs", "list", "--db", str(db), "--type", "statement,speeches"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("Error: Invalid value for '--type': unknown document type(s) 'speeches'; valid: concept, "
                        "doctrine, declaration, law, speech, interview, statement, other\n")


def test_cli_filter_country_name_is_a_usage_error(db, capsys):
    capsys.readouterr()
    assert main(["docs", "list", "--db", str(db), "--country", "AZE,Azerbaijan"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("Error: Invalid value for '--country': not ISO 3166-1 alpha-3 code(s) 'Azerbaijan'; use three "
                        "letters, e.g. AZE, RUS, USA (or EU for the European Union)\n")


def test_cli_filter_valid_values_any_case(db, capsys):
    capsys.readouterr()
    assert main(["docs", "list", "--db", str(db), "--type", "Statement,speech", "--country", "aze,EU,YUG",
                 "--columns", "country,year", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "country,year\nAZE,2019\n"
