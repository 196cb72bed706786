"""discourse validate import: every bad file gives its error (code and line) and leaves the store unchanged."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import _validate_synthetic as S
from discourse import Corpus
from discourse.cli import main
from discourse.errors import ValidationError
from discourse.store import validation as vsql
from discourse.validate import import_codes, sample


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import")
    corpus = Corpus.open(tmp / "store.sqlite")
    lexicon = S.build(tmp, corpus)
    frame = sample(corpus, lexicon, per_entry=3, random_sentences=4, seed=1, out=tmp / "coding.csv")
    assert len(frame) == 16
    corpus.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corpus.close()
    return tmp


@pytest.fixture
def env(built, tmp_path):
    shutil.copy(built / "store.sqlite", tmp_path / "store.sqlite")
    corpus = Corpus.open(tmp_path / "store.sqlite")
    drawn = pd.read_csv(built / "coding.csv", dtype=str, keep_default_na=False)
    good = S.simulated_coder(drawn, "ana")
    good.to_csv(tmp_path / "good.csv", index=False)
    yield corpus, good, tmp_path
    corpus.close()


def _state(corpus):
    with corpus.store.read() as conn:
        return {t: vsql.table_rows(conn, t) for t in ("validation_draws", "validation_samples", "codes")}


def _fails(corpus, files, code, line, *, contains=""):
    before = _state(corpus)
    with pytest.raises(ValidationError) as e:
        import_codes(corpus, files)
    assert e.value.code == code, e.value.message
    assert e.value.message.startswith(f"{files[-1] if isinstance(files, list) else files}:{line}: "), e.value.message
    assert contains in e.value.message
    assert e.value.hint
    assert _state(corpus) == before
    return e.value


def _write(frame, path):
    frame.to_csv(path, index=False)
    return path


HIT, SENT = 0, 13  # a hit row and a sentence row of the drawn file (rows 0-11 are hits, 12-15 sentences)


def test_missing_column(env):
    corpus, good, tmp = env
    _fails(corpus, _write(good.drop(columns=["code_stance"]), tmp / "bad.csv"), "D703", 1,
           contains="missing column(s) code_stance")


def test_unknown_sample_id(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[3, "sample_id"] = "h-0000000000"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D704", 5, contains="unknown sample id 'h-0000000000'")


def test_codes_outside_the_codebook(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[2, "code_sense"] = "maybe"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D705", 4, contains="code_sense 'maybe'")
    bad = good.copy()
    bad.loc[1, "code_stance"] = "agree"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D705", 3, contains="code_stance 'agree'")


def test_duplicate_row(env):
    corpus, good, tmp = env
    bad = pd.concat([good, good.iloc[[0]]], ignore_index=True)
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D706", 18, contains="again (first at")


def test_conflicting_codes_from_one_coder_name_both_lines(env):
    corpus, good, tmp = env
    other = good.iloc[[HIT]].copy()
    other["code_sense"] = "no" if good.loc[HIT, "code_sense"] == "yes" else "yes"
    err = _fails(corpus, _write(pd.concat([good, other], ignore_index=True), tmp / "bad.csv"), "D707", 18)
    assert f"{tmp / 'bad.csv'} line 2" in err.message
    # across two files of one import
    _write(other, tmp / "other.csv")
    err = _fails(corpus, [tmp / "good.csv", tmp / "other.csv"], "D707", 2)
    assert f"first at {tmp / 'good.csv'} line 2" in err.message


def test_another_lexicon_hash(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[4, "lexicon_hash"] = "0123456789abcdef"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D708", 6, contains="the row says 0123456789abcdef")


def test_edited_machine_columns(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[HIT, "start"] = str(int(bad.loc[HIT, "start"]) + 1)
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D709", 2, contains="start")


def test_not_utf8(env):
    corpus, good, tmp = env
    text = (tmp / "good.csv").read_bytes().split(b"\n")
    text[3] = text[3] + b"caf\xe9"  # latin-1 bytes on line 4
    (tmp / "bad.csv").write_bytes(b"\n".join(text))
    _fails(corpus, tmp / "bad.csv", "D702", 4, contains="not UTF-8")


def test_unknown_entry_in_code_missed_and_bad_kind(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[SENT, "code_missed"] = "west_path;no_such_entry"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D712", SENT + 2, contains="'no_such_entry'")
    bad = good.copy()
    bad.loc[5, "sample_kind"] = "paragraph"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D710", 7, contains="sample_kind 'paragraph'")


def test_gold_row_citing_a_statement_not_in_the_store(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[0, "sample_id"], bad.loc[0, "source"], bad.loc[0, "doc_id"] = "g-0001", "ungdc", "AZE_70_2015"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D711", 2, contains="'AZE_70_2015'")


def test_nothing_is_imported_when_one_file_of_the_set_is_bad(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad["coder"] = "ben"
    bad.loc[7, "code_sense"] = "si"
    _fails(corpus, [tmp / "good.csv", _write(bad, tmp / "bad.csv")], "D705", 9)
    assert _state(corpus)["codes"] == []


def test_reimport_is_idempotent_and_conflicts_with_stored_codes_need_replace(env):
    corpus, good, tmp = env
    first = import_codes(corpus, tmp / "good.csv")
    assert first[["rows", "coded", "new", "unchanged", "uncoded"]].iloc[0].tolist() == [16, 16, 16, 0, 0]
    state = _state(corpus)
    again = import_codes(corpus, tmp / "good.csv")
    assert again[["new", "unchanged", "replaced"]].iloc[0].tolist() == [0, 16, 0]
    assert _state(corpus) == state
    changed = good.copy()
    changed.loc[HIT, "code_stance"] = "reject"
    _write(changed, tmp / "changed.csv")
    err = _fails(corpus, tmp / "changed.csv", "D707", 2, contains="already imported from")
    assert str(tmp / "good.csv") in err.message
    out = import_codes(corpus, tmp / "changed.csv", replace=True)
    assert out[["new", "unchanged", "replaced"]].iloc[0].tolist() == [0, 15, 1]
    with corpus.store.read() as conn:
        assert conn.execute("SELECT code_stance FROM codes WHERE sample_id = ?",
                            (good.loc[HIT, "sample_id"],)).fetchone()[0] == "reject"


def test_uncoded_rows_are_skipped_and_a_second_coder_is_kept_apart(env):
    corpus, good, tmp = env
    part = good.copy()
    part.loc[0:5, ["code_sense", "code_stance"]] = ""
    part.loc[12:15, "coder"] = ""
    out = import_codes(corpus, _write(part, tmp / "part.csv"))
    assert out[["coded", "uncoded"]].iloc[0].tolist() == [6, 10]
    second = good.copy()
    second["coder"] = "ben"
    assert import_codes(corpus, _write(second, tmp / "ben.csv"))["new"].tolist() == [16]
    with corpus.store.read() as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT coder) FROM codes").fetchone() == (22, 2)


def test_cli_reports_the_error_with_its_line(env, capsys):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[3, "sample_id"] = "h-zzz"
    _write(bad, tmp / "bad.csv")
    assert main(["validate", "import", "--db", str(corpus.path), str(tmp / "bad.csv")]) == 1
    err = capsys.readouterr().err
    assert f"Error [D704]: {tmp / 'bad.csv'}:5: unknown sample id 'h-zzz'" in err and "hint:" in err


def test_cli_report_after_import(env, built, capsys):
    corpus, good, tmp = env
    assert main(["validate", "import", "--db", str(corpus.path), str(tmp / "good.csv")]) == 0
    capsys.readouterr()
    assert main(["validate", "report", "--db", str(corpus.path), "--lexicon", str(tmp.parent / "x.yaml")]) == 2
    lexicon = built / "synthetic.yaml"
    assert main(["validate", "report", "--db", str(corpus.path), "--lexicon", str(lexicon), "--out",
                 str(tmp / "rep"), "--min-hits", "3", "--format", "csv"]) == 0
    printed = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert printed["entry_id"].tolist() == ["west_path", "eaeu", "nam", "brotherhood"]
    assert printed["n_coded"].tolist() == [3, 3, 3, 3] and "link" not in printed.columns
    assert printed["flagged"].tolist() == [True] * 4  # 3 of 3 coded yes still has a lower bound of 0.44
    assert sorted(p.name for p in (tmp / "rep").glob("*.csv")) == sorted(
        f"{n}.csv" for n in ("precision", "recall", "agreement", "influence", "influence_series", "length",
                             "coded_lines"))
    assert main(["validate", "report", "--db", str(corpus.path), "--threshold", "1.5"]) == 1
    assert "Error [D700]: threshold must be between 0 and 1" in capsys.readouterr().err


def test_excel_style_file_with_bom_and_crlf(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[6, "code_stance"] = "Supports"
    bad.to_csv(tmp / "excel.csv", index=False, lineterminator="\r\n", encoding="utf-8-sig")
    _fails(corpus, tmp / "excel.csv", "D705", 8, contains="'Supports'")
    shouty = good.copy()
    shouty["code_sense"] = shouty["code_sense"].str.upper()  # YES / NO: case does not matter
    shouty.to_csv(tmp / "excel.csv", index=False, lineterminator="\r\n", encoding="utf-8-sig")
    assert import_codes(corpus, tmp / "excel.csv")["new"].tolist() == [16]
    with corpus.store.read() as conn:
        assert {r[0] for r in conn.execute("SELECT code_sense FROM codes WHERE code_sense IS NOT NULL")} <= {"yes", "no"}


def test_line_numbers_count_line_breaks_inside_quoted_cells(env):
    corpus, good, tmp = env
    bad = good.copy()
    bad.loc[1, "note"] = "first line\nsecond line"  # row 2 spans lines 3-4
    bad.loc[4, "code_sense"] = "n"
    _fails(corpus, _write(bad, tmp / "bad.csv"), "D705", 7, contains="code_sense 'n'")
