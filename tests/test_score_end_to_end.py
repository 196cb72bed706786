"""End to end: small English texts ingested, matched with the shipped lexicon, scored and exported.

The texts are illustrative sentences written for this test, named like UNGDC files so that the country and
year come from the file name.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

from discourse.cli import main
from discourse.export import documents_table, matches_table
from discourse.lexicon import load_lexicon
from discourse.score import document_scores, period_scores, write_scores

TEXTS = {
    # west -1 (w 1), west -1 (w 1), hedging 0 (w 1): score -2/3, W 2, R 0
    "AZE_64_2009.txt": "Azerbaijan pursues Euro-Atlantic integration. We also pursue European integration with "
                       "determination.\n\nOur country supports the Non-Aligned Movement. The harvest was good.\n",
    # strategic partnership with Russia +1, Eurasian Economic Union +1, negated Euro-Atlantic integration flipped +1
    "AZE_65_2010.txt": "We have a strategic partnership with the Russian Federation. The Eurasian Economic Union "
                       "matters to the region.\n\nWe do not need Euro-Atlantic integration. The harvest was good.\n",
    # no hits
    "AZE_66_2011.txt": "The weather was pleasant in Baku this year. The harvest was good.\n",
}


@pytest.fixture
def scored(tmp_path, corpus):
    folder = tmp_path / "texts"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = corpus.ingest([folder])
    assert len(report.added) == 3 and not report.failed
    return corpus


def test_year_scores_from_texts(scored):
    frame = period_scores(scored, min_hits=1, replicates=200).set_index("year")
    assert frame.index.tolist() == [2009, 2010, 2011]
    assert frame.loc[2009, "score"] == pytest.approx(-2 / 3)
    assert (frame.loc[2009, "W"], frame.loc[2009, "R"], frame.loc[2009, "n_hedging"]) == (2.0, 0.0, 1)
    assert frame.loc[2009, "ratio"] == 1.0 and frame.loc[2009, "logit"] == pytest.approx(math.log(0.5 / 2.5))
    assert frame.loc[2010, "score"] == 1.0 and (frame.loc[2010, "W"], frame.loc[2010, "R"]) == (0.0, 3.0)
    assert frame["n_hits"].tolist() == [3, 3, 0]
    assert frame["low_evidence"].tolist() == [False, False, True]
    assert frame["n_docs"].tolist() == [1, 1, 1]
    scored_rows = frame.loc[~frame["low_evidence"]]
    assert ((scored_rows["ci_low"] <= scored_rows["score"]) & (scored_rows["score"] <= scored_rows["ci_high"])).all()
    docs = document_scores(scored, min_hits=1, replicates=200, year_from=2010)
    assert len(docs) == 2 and docs["n_hits"].tolist() == [3, 0]


def test_matches_export_explains_the_scores(scored):
    table = matches_table(scored)
    m = table.frame
    assert m["entry_id"].tolist() == ["euro_atlantic_integration", "european_integration", "non_aligned_movement",
                                      "strategic_partnership", "eurasian_economic_union", "euro_atlantic_integration"]
    assert m["pole"].tolist() == ["west", "west", "hedging", "target", "target", "target"]
    assert m["negated"].tolist() == [False, False, False, False, False, True]
    assert m["eff_position"].tolist() == [-1.0, -1.0, 0.0, 1.0, 1.0, 1.0]
    assert m.loc[3, "target_group"] == "target" and m["year"].tolist() == [2009] * 3 + [2010] * 3
    assert table.lexicon_hash == load_lexicon().hash
    docs = documents_table(scored, year_to=2009).frame
    assert docs["year"].tolist() == [2009] and docs["country"].tolist() == ["AZE"]


def test_cli_export_and_sidecar_and_reproducibility(scored, tmp_path, capsys):
    db = str(scored.path)
    args = ["export", "scores", "--db", db, "--level", "year", "--country", "AZE",
            "--replicates", "200"]
    assert main(args + ["--format", "csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed["year"].tolist() == [2009, 2010, 2011]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(args + ["--out", str(a)]) == 0 and main(args + ["--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    pd.testing.assert_frame_equal(pd.read_csv(a), printed)
    side = json.loads((tmp_path / "a.csv.json").read_text())
    assert side["lexicon_hash"] == load_lexicon().hash
    assert side["corpus_snapshot"]["n_documents"] == 3
    assert side["parameters"]["filters"] == {"country": "AZE"}
    assert side["rule_versions"]["scoring"] == "score-v2" and side["rule_versions"]["negation"] == "negation-v2"
    assert main(["export", "matches", "--db", db, "--out", str(tmp_path / "m.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "m.csv")) == 6
    assert json.loads((tmp_path / "m.csv.json").read_text())["kind"] == "matches"
    capsys.readouterr()
    assert main(["export", "documents", "--db", db, "--format", "csv", "--year-from", "2010"]) == 0
    docs = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert docs["year"].tolist() == [2010, 2011] and "sha256" in docs.columns and "text" not in docs.columns


def test_write_scores(scored, tmp_path):
    path = write_scores(scored, tmp_path / "out" / "orientation_scores.csv", min_hits=1, replicates=100)
    assert path == tmp_path / "out" / "orientation_scores.csv"
    assert pd.read_csv(path)["year"].tolist() == [2009, 2010, 2011]
    assert json.loads((tmp_path / "out" / "orientation_scores.csv.json").read_text())["kind"] == "year_scores"
    doc_path = write_scores(scored, tmp_path / "out" / "document_scores.csv", level="document", replicates=100)
    docs = pd.read_csv(doc_path)
    assert len(docs) == 3 and docs["low_evidence"].all()  # default min_hits 5: three hits are too few
    # flagged, not blanked: the two documents with hits keep their scores; the one without has none
    assert docs["score"].notna().tolist() == [True, True, False] and docs["n_hits"].tolist() == [3, 3, 0]


def test_export_timeline(scored, tmp_path, capsys):
    db = str(scored.path)
    assert main(["export", "timeline", "euro_atlantic_integration", "western_integration", "--db", db,
                 "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame.columns.tolist()[:4] == ["year", "term", "count", "rate_per_10k"]
    counts = frame.pivot(index="year", columns="term", values="count")
    assert counts.loc[[2009, 2010, 2011], "euro_atlantic_integration"].tolist() == [1, 1, 0]
    assert counts.loc[[2009, 2010, 2011], "western_integration"].tolist() == [2, 1, 0]
    out = tmp_path / "t.parquet"
    assert main(["export", "timeline", "Non-Aligned Movement", "--db", db, "--format", "parquet",
                 "--out", str(out)]) == 0
    side = json.loads((tmp_path / "t.parquet.json").read_text())
    assert side["kind"] == "timeline" and side["parameters"]["terms"] == ["Non-Aligned Movement"]
    assert pd.read_parquet(out)["count"].tolist() == [1, 0, 0]

