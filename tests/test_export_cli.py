"""`discourse export scores` and `discourse score` from the command line, on the worked example's frames.

The corpus inputs (documents, hits, entries) are replaced by the hand-built frames of ``_score_example`` so
these tests check the CLI wiring (stdout, --out, sidecar, defaults, errors) without the matcher.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import pandas as pd
import pytest

import discourse.score as score_mod
from discourse.cli import main

from _score_example import DOCUMENTS, ENTRIES, HITS


@pytest.fixture
def fake_inputs(monkeypatch, tmp_path):
    lexicon = SimpleNamespace(hash="lexhash0123456789", target="russia", entries=())
    seen = {}

    def _inputs(corpus, lexicon_arg, filters, ensure_matches):
        seen.update(filters)
        docs = DOCUMENTS
        if filters.get("year_from"):
            docs = docs[docs["year"] >= filters["year_from"]]
        return lexicon, docs, HITS, ENTRIES

    monkeypatch.setattr(score_mod, "_inputs", _inputs)
    monkeypatch.setattr("discourse.cli.score._lexicon", lambda path, target: lexicon)
    from discourse import Corpus

    Corpus.open(tmp_path / "store.sqlite").close()
    monkeypatch.setenv("DISCOURSE_DB", str(tmp_path / "store.sqlite"))
    monkeypatch.chdir(tmp_path)
    return seen


def test_export_scores_csv_to_stdout(fake_inputs, capsys):
    assert main(["export", "scores", "--level", "year", "--country", "AZE", "--format", "csv",
                 "--replicates", "200"]) == 0
    out = capsys.readouterr().out
    frame = pd.read_csv(io.StringIO(out))
    assert frame["year"].tolist() == [2010, 2011]
    assert frame.loc[0, "score"] == pytest.approx(0.3) and frame.loc[0, "n_hits"] == 8
    assert frame["low_evidence"].tolist() == [False, True]  # 2011: no hit, flagged (default threshold 5)
    # --min-hits given: rows with fewer counted hits are left out; the values of the kept rows are unchanged
    assert main(["export", "scores", "--level", "year", "--country", "AZE", "--format", "csv", "--min-hits", "9",
                 "--replicates", "200"]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out)).empty
    assert main(["export", "scores", "--level", "year", "--country", "AZE", "--format", "csv", "--min-hits", "8",
                 "--replicates", "200"]) == 0
    kept = pd.read_csv(io.StringIO(capsys.readouterr().out))
    pd.testing.assert_frame_equal(kept, frame.iloc[:1])
    assert list(frame.columns[:10]) == ["year", "score", "ci_low", "ci_high", "ratio", "ratio_ci_low",
                                        "ratio_ci_high", "logit", "logit_ci_low", "logit_ci_high"]
    assert fake_inputs["country"] == "AZE"


def test_export_scores_document_level_to_file_with_sidecar(fake_inputs, tmp_path, capsys):
    out = tmp_path / "d.csv"
    assert main(["export", "scores", "--level", "document", "--out", str(out), "--seed", "7", "--ci-level", "0.9",
                 "--replicates", "100"]) == 0
    frame = pd.read_csv(out)
    assert frame["id"].tolist() == ["docA", "docB", "docC"]
    assert frame["title"].tolist()[0] == "'=HYPERLINK(\"http://x\")"
    side = json.loads((tmp_path / "d.csv.json").read_text())
    assert side["kind"] == "document_scores" and side["lexicon_hash"] == "lexhash0123456789"
    assert side["parameters"]["seed"] == 7 and side["parameters"]["ci_level"] == 0.9
    assert side["parameters"]["replicates"] == 100 and side["parameters"]["min_hits"] == 5
    assert side["parameters"]["min_hits_filters_rows"] is False
    # low evidence is a flag only: docB (2 hits) keeps its score and interval
    b = frame.set_index("id").loc["docB"]
    assert bool(b["low_evidence"]) and b["score"] == 1.0 and b["ci_low"] <= 1.0 <= b["ci_high"]
    assert side["corpus_snapshot"]["n_documents"] == 3
    assert side["corpus_snapshot"]["documents"][0] == ["docA", "a" * 64]
    assert side["rule_versions"]["scoring"] == "score-v2"
    assert "wrote" in capsys.readouterr().err


def test_export_scores_parquet_default_path(fake_inputs, tmp_path):
    assert main(["export", "scores", "--format", "parquet", "--replicates", "50"]) == 0
    frame = pd.read_parquet(tmp_path / "out" / "orientation_scores_year.parquet")
    assert frame["year"].tolist() == [2010, 2011]
    assert (tmp_path / "out" / "orientation_scores_year.parquet.json").exists()


def test_export_scores_windows_and_errors(fake_inputs, capsys):
    assert main(["export", "scores", "--level", "window", "--windows", "2009-2010,2011-2012",
                 "--replicates", "50"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame["period"].tolist() == ["2009-2010", "2011-2012"] and frame["n_docs"].tolist() == [2, 1]
    assert main(["export", "scores", "--level", "window"]) == 1
    err = capsys.readouterr().err
    assert "Error [D418]: level window needs the windows" in err
    assert main(["export", "scores", "--level", "month", "--rolling", "3"]) == 1
    assert "Error [D415]: a rolling window needs yearly periods" in capsys.readouterr().err


def test_score_command_writes_orientation_scores(fake_inputs, tmp_path, capsys):
    assert main(["score", "--replicates", "100", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    path = tmp_path / "out" / "orientation_scores.csv"
    assert path.exists() and (tmp_path / "out" / "orientation_scores.csv.json").exists()
    assert pd.read_csv(path)["n_docs"].tolist() == [2, 1]
    printed = pd.read_csv(io.StringIO(captured.out))
    assert printed.columns.tolist() == ["year", "score", "ci_low", "ci_high", "logit", "n_docs", "n_hits",
                                        "low_evidence"]
    assert "3 documents, 8 counted hits; 2 rows (year), 1 low-evidence (fewer than 5 hits)" in captured.err
