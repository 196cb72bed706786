"""The round trip sample -> code -> import -> report on the UN General Debate sample store.

The sample drawn here is coded automatically by a rule (a stand-in for a coder, so that the test runs anywhere):
every hit is an instance of its entry, except hits of the generic ``integration`` entry whose sentence names
neither Europe nor Eurasia. When the hand-coded stance gold set ``tests/data/stance_gold.csv`` is present it is
imported too (its UNGDC rows cite the statements of the sample by file stem), and its codes enter the report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from discourse import Corpus
from discourse.cli import main
from discourse.validate import import_codes, report, sample

pytestmark = pytest.mark.slow

GOLD = Path(__file__).parent / "data" / "stance_gold.csv"
_NAMED = re.compile(r"europ|eurasi", re.I)


def _auto_code(frame: pd.DataFrame, coder: str) -> pd.DataFrame:
    out = frame.copy()
    out["coder"] = coder
    hit = out["sample_kind"] == "hit"
    generic = hit & (out["entry_id"] == "integration") & ~out["sentence"].str.contains(_NAMED)
    out.loc[hit, "code_sense"] = "yes"
    out.loc[generic, "code_sense"] = "no"
    out.loc[hit, "code_stance"] = out.loc[hit, "stance"]
    return out


def test_round_trip_on_the_ungdc_sample(ungdc_sample, tmp_path, capsys):
    from discourse.ingest.ungdc_fetch import fetch_ungdc

    corpus = Corpus.open(tmp_path / "ungdc.sqlite")
    fetch_ungdc(corpus, ungdc_sample, workers=2)
    assert len(corpus) == 395
    db = str(corpus.path)
    assert main(["validate", "sample", "--db", db, "--per-entry", "8", "--by", "decade", "--random-sentences", "40",
                 "--seed", "2024", "--out", str(tmp_path / "coding.csv"), "--bom"]) == 0
    assert "wrote" in capsys.readouterr().out
    drawn = pd.read_csv(tmp_path / "coding.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    hits = drawn.loc[drawn["sample_kind"] == "hit"]
    assert (hits.groupby("entry_id").size() <= 8).all() and (drawn["sample_kind"] == "sentence").sum() == 40
    coded = _auto_code(drawn, "auto")
    coded.to_csv(tmp_path / "auto.csv", index=False)
    # two rows in the gold set's format citing statements by file stem (offsets into the stored text)
    az = corpus.documents(country="AZE", year_from=2015, year_to=2015).iloc[0]
    found = __import__("discourse.match", fromlist=["hits"]).hits(corpus, ids=[az["id"]])
    first = found.iloc[0]
    gold_like = drawn.iloc[[0, 0]].copy()
    gold_like["sample_id"] = ["t-0001", "t-0001"]
    gold_like["source"], gold_like["doc_id"] = "ungdc", "AZE_70_2015"
    gold_like["start"], gold_like["end"] = str(first["start"]), str(first["end"])
    gold_like["sent_start"], gold_like["sent_end"] = str(first["sent_start"]), str(first["sent_end"])
    gold_like["entry_id"], gold_like["sentence"], gold_like["context"] = first["entry_id"], "", ""
    gold_like["coder"] = ["coder-x", "coder-y"]
    gold_like["code_sense"], gold_like["code_stance"] = "yes", ["support", "mention"]
    gold_like.to_csv(tmp_path / "gold_like.csv", index=False)
    files = [str(tmp_path / "auto.csv"), str(tmp_path / "gold_like.csv")]
    gold_rows = 0
    if GOLD.exists():  # the hand-coded gold set, once it is in the repository
        files.append(str(GOLD))
        gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
        stems = {p.stem for p in ungdc_sample.glob("*.txt")}
        gold_rows = int(((gold["source"] != "ungdc") | gold["doc_id"].isin(stems)).sum())
    assert main(["validate", "import", "--db", db, "--skip-missing", "--format", "csv", *files]) == 0
    summary = pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))
    assert summary["coded"].sum() == len(coded) + 2 + gold_rows

    result = report(corpus, out=tmp_path / "validation")
    prec = result["precision"].set_index("entry_id")
    auto_hits = coded.loc[coded["sample_kind"] == "hit"]
    if not gold_rows:
        expected = auto_hits.groupby("entry_id")["code_sense"].apply(lambda s: (s == "yes").sum())
        for entry, n_yes in expected.items():
            extra = int(entry == first["entry_id"])  # the gold-like row, coded yes by both coders
            assert prec.loc[entry, "n_coded"] == (auto_hits["entry_id"] == entry).sum() + extra
            assert prec.loc[entry, "n_yes"] == n_yes + extra
    else:
        assert prec["n_coded"].sum() >= len(auto_hits)
        assert set(result.lexicon_hashes) >= {drawn["lexicon_hash"].iloc[0]}
    lines = result["coded_lines"].set_index("sample_id")
    assert lines.loc["t-0001", "doc"] == "AZE_70_2015" and lines.loc["t-0001", "coders"] == "coder-x, coder-y"
    assert "[[" + " ".join(first["surface"].split()) + "]]" in lines.loc["t-0001", "sentence"]  # text from the store
    integ = prec.loc["integration"]
    assert integ["ci_low"] <= integ["precision"] <= integ["ci_high"]
    rec = result["recall"].set_index("entry_id")
    assert rec.loc["(all)", "n_sentences_coded"] == 40 and rec.loc["(all)", "n_missed"] == 0
    assert rec.loc["(all)", "sentences_without_hits"] > 10_000
    assert result["influence"]["rank"].tolist() == list(range(1, len(prec) + 1))
    assert set(result["length"]["measure"]) == {"score", "rate_per_10k"}
    for name in ("index.html", "precision.csv", "recall.csv", "agreement.csv", "influence.csv", "length.csv",
                 "coded_lines.csv"):
        assert (tmp_path / "validation" / name).exists(), name
    html = (tmp_path / "validation" / "index.html").read_text(encoding="utf-8")
    for entry in result.flagged:
        assert f'href="#coded-{entry}"' in html and f'id="coded-{entry}"' in html
    corpus.close()
