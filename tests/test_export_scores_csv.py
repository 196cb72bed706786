"""Score tables written as CSV/Parquet: byte-identical with a seed, round-trip, formula injection, sidecar."""

from __future__ import annotations

import io
import json

import pandas as pd

from discourse.export import write_csv, write_table
from discourse.score import score_documents, score_periods

from _score_example import DOCUMENTS, ENTRIES, HITS


def _write(frame, path, **kw):
    return write_table(frame, path, kind="document_scores", parameters={"seed": 3, **kw}, lexicon_hash="abc",
                       snapshot={"n_documents": 0, "digest": "x", "documents": []})


def test_same_seed_gives_byte_identical_csv(tmp_path):
    a = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=300, seed=3)
    b = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=300, seed=3)
    pa, sa = _write(a, tmp_path / "a.csv")
    pb, sb = _write(b, tmp_path / "b.csv")
    assert pa.read_bytes() == pb.read_bytes()
    side_a, side_b = json.loads(sa.read_text()), json.loads(sb.read_text())
    for side in (side_a, side_b):
        side.pop("written_at"), side.pop("file")
    assert side_a == side_b
    c = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=300, seed=4)
    pc, _ = _write(c, tmp_path / "c.csv")
    assert pc.read_bytes() != pa.read_bytes()


def test_written_at_follows_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _, side = _write(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    assert json.loads(side.read_text())["written_at"] == "2023-11-14T22:13:20+00:00"


def test_csv_round_trip_equals_frame(tmp_path):
    frame = score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200)
    frame = frame.assign(title=["Statement A", "Statement B", "Statement C"])  # no formula prefix to undo
    path, _ = _write(frame, tmp_path / "docs.csv")
    back = pd.read_csv(path, dtype={"date": str})
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back["low_evidence"].dtype == bool and back["n_hits"].dtype == "int64"


def test_parquet_round_trip(tmp_path):
    frame = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200)
    path, side = write_table(frame, tmp_path / "y.parquet", fmt="parquet", kind="year_scores", parameters={},
                             lexicon_hash=None, snapshot=None)
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
    assert json.loads(side.read_text())["format"] == "parquet"


def test_formula_cells_neutralized_numbers_stay_numbers(tmp_path):
    frame = score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200)
    path, _ = _write(frame, tmp_path / "docs.csv")
    back = pd.read_csv(path)
    assert back["title"].tolist() == ["'=HYPERLINK(\"http://x\")", "Statement B", "'-5 = trouble"]
    assert back.loc[0, "score"] == 0.125 and back.loc[0, "ratio"] < 0  # negative numbers are not prefixed
    assert pd.api.types.is_float_dtype(back["ratio"]) and pd.api.types.is_float_dtype(back["ci_low"])
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK(\"\"http://x\"\")" in text  # RFC 4180: quotes doubled inside a quoted cell
    assert "\r" not in text and ",-0.142857" in text


def test_write_csv_to_stream_matches_file(tmp_path):
    frame = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=100)
    path, _ = _write(frame, tmp_path / "y.csv")
    buffer = io.StringIO()
    write_csv(frame, buffer)
    assert buffer.getvalue().encode("utf-8") == path.read_bytes()
    assert buffer.getvalue().splitlines()[0].startswith("year,score,ci_low,ci_high,ratio,")


def test_unicode_and_iso_dates(tmp_path):
    frame = pd.DataFrame({"title": ["Azərbaycan Respublikası", "Россия"],
                          "date": pd.to_datetime(["2019-09-24", "2020-01-02"])})
    path, _ = _write(frame, tmp_path / "u.csv")
    assert path.read_bytes().decode("utf-8") == "title,date\nAzərbaycan Respublikası,2019-09-24\nРоссия,2020-01-02\n"
