"""Features from the store, fitted models, the `scale` and `export scores --model` commands, and bad input.

The texts are generated for this test from two small word pools (illustrative sentences, not quotations): six
countries lean West (they speak of NATO, the Atlantic and European values), six lean toward the target power
(they speak of Eurasian and CIS cooperation); all share a neutral vocabulary.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from discourse.cli import main
from discourse.errors import ScalingError
from discourse.nlp import TOKENIZE_CALLS
from discourse.scaling.features import build_features, cache_dir
from discourse.scaling.models import fit_model, load_model, model_scores_table

WEST = ["nato", "atlantic", "european", "democratic", "values", "accession", "partners", "brussels", "reforms"]
TARGET = ["eurasian", "cis", "commonwealth", "brotherly", "moscow", "customs", "union", "traditional", "friendship"]
SHARED = ["peace", "development", "climate", "water", "children", "health", "trade", "region", "security",
          "cooperation", "nations", "future", "people", "support", "assembly"]
WEST_C = ["USA", "GBR", "FRA", "DEU", "POL", "EST"]
TARGET_C = ["BLR", "KAZ", "KGZ", "TJK", "ARM", "RUS"]
SEEDS = """name: test
languages:
  en:
    target: [eurasian, cis, nowhereword]
    west: [nato, atlantic]
    context:
      patterns: [moscow, brussels, "europe*"]
      window: 5
      min_count: 2
      p: 0.5
"""


def _text(rng, pool, n_sent=30):
    sentences = []
    for _ in range(n_sent):
        words = list(rng.choice(SHARED, 6)) + list(rng.choice(pool, 3))
        rng.shuffle(words)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences) + "\n"


def _write(folder, country, year, pool, rng):
    (folder / f"{country}_{year - 1945}_{year}.txt").write_text(_text(rng, pool), encoding="utf-8")


@pytest.fixture
def store(tmp_path, corpus):
    rng = np.random.default_rng(5)
    folder = tmp_path / "texts"
    folder.mkdir()
    for year in (2010, 2011):
        for c in WEST_C:
            _write(folder, c, year, WEST, rng)
        for c in TARGET_C:
            _write(folder, c, year, TARGET, rng)
    report = corpus.ingest([folder])
    assert len(report.added) == 24 and not report.failed
    seeds = tmp_path / "seeds.yaml"
    seeds.write_text(SEEDS, encoding="utf-8")
    return corpus, folder, seeds


def test_features_are_tokenized_once_cached_and_trimmed(store):
    corpus, folder, _ = store
    before = TOKENIZE_CALLS["en"]
    D = build_features(corpus, unit="document")
    assert D.shape[0] == 24 and D.tokenized == 24 and TOKENIZE_CALLS["en"] - before == 24
    assert set(WEST + TARGET + SHARED) == set(D.features.tolist())
    assert D.matrix.sum() == 24 * 30 * 9
    S = build_features(corpus, unit="sentence")
    assert S.shape == (24 * 30, 33) and S.tokenized == 0 and TOKENIZE_CALLS["en"] - before == 24
    again = build_features(corpus, unit="sentence")
    assert again.from_cache and (again.matrix != S.matrix).nnz == 0
    assert len(list(cache_dir(corpus).glob("matrix-*.npz"))) == 2
    trimmed = build_features(corpus, unit="document", min_docs=13, stopwords=["peace"])
    assert "peace" not in trimmed.features and "nato" not in trimmed.features and "water" in trimmed.features
    assert trimmed.settings["min_docs"] == 13 and trimmed.settings["stopwords"] == ["peace"]
    west_only = build_features(corpus, unit="document", country="USA")
    assert west_only.shape[0] == 2 and west_only.settings["filters"] == {"country": "USA"}


def test_lss_fit_export_and_svd_reuse(store, capsys):
    corpus, folder, seeds = store
    db = str(corpus.path)
    assert main(["scale", "fit", "lss", "--name", "orient", "--seeds", str(seeds), "--k", "10", "--db", db,
                 "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "seeds absent from the corpus: nowhereword" in out and "SVD: computed" in out
    side, arrays = load_model(corpus, "orient")
    assert side["parameters"]["seeds_missing"] == ["nowhereword"]
    assert side["parameters"]["seeds_weighted"] == {"eurasian": pytest.approx(1 / 3), "cis": pytest.approx(1 / 3),
                                                    "nato": -0.5, "atlantic": -0.5}
    assert side["corpus_snapshot"]["n_documents"] == 24 and side["versions"]["scikit-learn"]
    assert side["parameters"]["terms"] == "context" and "moscow" not in arrays["terms"].tolist()
    assert [r["seed"] for r in side["diagnostics"]["leave_one_seed_out"]] == ["eurasian", "cis", "nato", "atlantic"]
    assert main(["export", "scores", "--level", "document", "--model", "orient", "--format", "csv", "--db", db]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame.columns) == ["id", "date", "year", "country", "doc_type", "language", "score", "se", "ci_low",
                                   "ci_high", "n_words_scored"]
    assert frame["score"].notna().all() and (frame["n_words_scored"] > 0).all()
    assert ((frame["ci_low"] < frame["score"]) & (frame["score"] < frame["ci_high"])).all()
    west = frame.loc[frame["country"].isin(WEST_C), "score"]
    target = frame.loc[frame["country"].isin(TARGET_C), "score"]
    assert west.max() < target.min()  # higher = toward the target power, and the groups separate
    assert frame["score"].mean() == pytest.approx(0.0, abs=1e-9)  # z-scores relative to the fit's documents
    # a filtered export gives the same document scores
    assert main(["export", "scores", "--level", "document", "--model", "orient", "--format", "csv", "--db", db,
                 "--country", "RUS"]) == 0
    rus = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert rus["score"].tolist() == pytest.approx(frame.loc[frame["country"] == "RUS", "score"].tolist())
    # years: bootstrap intervals, seeded and reproducible
    args = ["export", "scores", "--level", "year", "--model", "orient", "--group-by", "country", "--country", "RUS",
            "--replicates", "200", "--db", db]
    a, b = folder.parent / "a.csv", folder.parent / "b.csv"
    assert main(args + ["--out", str(a)]) == 0 and main(args + ["--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    years = pd.read_csv(a)
    assert years["year"].tolist() == [2010, 2011] and (years["ci_low"] <= years["score"]).all()
    side_y = json.loads((folder.parent / "a.csv.json").read_text())
    assert side_y["kind"] == "model_year_scores" and side_y["parameters"]["seed"] == 20240924
    assert side_y["model"]["kind"] == "lss" and side_y["orientation"].startswith("higher = toward the target")
    # adding one document tokenizes only it and reuses the cached SVD
    _write(folder, "CAN", 2012, WEST, np.random.default_rng(9))
    corpus.ingest([folder])
    before = TOKENIZE_CALLS["en"]
    side2 = fit_model(corpus, "lss", "orient2", seeds=seeds, k=10)
    assert TOKENIZE_CALLS["en"] - before == 1
    assert side2["svd"]["source"] == "reused" and side2["svd"]["documents_added"] == 1
    side3 = fit_model(corpus, "lss", "orient3", seeds=seeds, k=10)
    assert side3["svd"]["source"] == "reused"
    side4 = fit_model(corpus, "lss", "orient4", seeds=seeds, k=10, refresh_svd=True)
    assert side4["svd"]["source"] == "computed"
    assert fit_model(corpus, "lss", "orient5", seeds=seeds, k=10)["svd"]["source"] == "cache"
    assert main(["scale", "show", "orient", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "model orient (lss, en)" in shown and "toward target" in shown and "variance captured" in shown


def test_wordscores_and_wordfish_models(store, tmp_path, capsys):
    corpus, _, _ = store
    docs = corpus.documents()
    usa = docs.loc[(docs["country"] == "USA") & (docs["year"] == 2010), "id"].iloc[0]
    blr = docs.loc[(docs["country"] == "BLR") & (docs["year"] == 2010), "id"].iloc[0]
    ref = tmp_path / "ref.csv"
    ref.write_text(f"doc_id,score\nUSA_65_2010,-1\n{blr[:10]},1\n", encoding="utf-8")
    side = fit_model(corpus, "wordscores", "ws", reference=ref)
    assert side["parameters"]["reference"] == {usa: -1.0, blr: 1.0}
    frame = model_scores_table(corpus, "ws").frame
    assert frame.loc[frame["country"].isin(WEST_C), "score"].max() < frame.loc[frame["country"].isin(TARGET_C), "score"].min()
    assert main(["scale", "fit", "wordfish", "--name", "wf", "--dir", f"{usa},{blr}", "--db", str(corpus.path)]) == 0
    wf = model_scores_table(corpus, "wf").frame.set_index("id")
    assert wf.loc[usa, "score"] < wf.loc[blr, "score"]
    assert wf.loc[wf["country"].isin(WEST_C), "score"].max() < wf.loc[wf["country"].isin(TARGET_C), "score"].min()


@pytest.mark.parametrize("content, code, words", [
    ("doc_id,score\nUSA_65_2010,-1\nXXX_1_1999,1\n", "D762", "XXX_1_1999"),
    ("doc_id,score\nUSA_65_2010,-1\nBLR_65_2010,far\n", "D763", "'far'"),
    ("doc_id,score\nUSA_65_2010,-1\n", "D752", "1 reference text"),
    ("document,score\nUSA_65_2010,-1\n", "D762", "doc_id"),
])
def test_bad_reference_files(store, tmp_path, content, code, words):
    corpus, _, _ = store
    ref = tmp_path / "ref.csv"
    ref.write_text(content, encoding="utf-8")
    with pytest.raises(ScalingError) as err:
        fit_model(corpus, "wordscores", "ws", reference=ref)
    assert err.value.code == code and words in err.value.message and err.value.hint


def test_bad_lss_requests(store, tmp_path, capsys):
    corpus, _, seeds = store
    db = str(corpus.path)
    assert main(["scale", "fit", "lss", "--name", "x", "--seeds", str(seeds), "--k", "500", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "Error [D757]" in err and "hint: use k <= 32" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("languages:\n  en:\n    target: [nowhere, neverword]\n    west: [nato]\n", encoding="utf-8")
    assert main(["scale", "fit", "lss", "--name", "x", "--seeds", str(bad), "--k", "5", "--all-terms",
                 "--db", db]) == 1
    err = capsys.readouterr().err
    assert "Error [D756]: no positive seed word occurs in the corpus (absent: neverword, nowhere)" in err
    assert main(["scale", "fit", "lss", "--name", "x", "--language", "ru", "--db", db]) == 1
    assert "Error [D758]" in capsys.readouterr().err
    assert main(["scale", "show", "nosuchmodel", "--db", db]) == 1
    assert "Error [D770]" in capsys.readouterr().err
    assert main(["scale", "fit", "lss", "--name", "../evil", "--db", db]) == 1
    assert "Error [D769]" in capsys.readouterr().err
    fit_model(corpus, "lss", "ok", seeds=seeds, k=5)
    with pytest.raises(ScalingError) as e:
        model_scores_table(corpus, "ok", level="month")
    assert e.value.code == "D771"


def test_report_and_panel_show_the_model_series(store, tmp_path):
    from discourse.panel import panel, panel_correlations
    from discourse.report import build_report

    corpus, _, seeds = store
    fit_model(corpus, "lss", "orient", seeds=seeds, k=10)
    index = build_report(corpus, tmp_path / "report", country="RUS", model="orient", replicates=100)
    html = index.read_text(encoding="utf-8")
    assert 'id="figure-model"' in html and "Latent Semantic Scaling beside the dictionary score" in html
    assert (tmp_path / "report" / "figures" / "model.svg").exists()
    frame = panel(corpus, "RUS", 2010, 2011, model="orient", rollcall=False)
    expected = model_scores_table(corpus, "orient", level="year", country="RUS").frame
    assert frame["model_score"].tolist() == pytest.approx(expected["score"].tolist())
    assert (frame["model_ci_low"] <= frame["model_score"]).all() and frame.attrs["parameters"]["model"] == "orient"
    variables = set(panel_correlations(frame)["variable"])
    assert "model_score" in variables and "model_ci_low" not in variables


def test_context_terms_keyness_is_the_yates_chi2(store):
    from scipy.stats import chi2_contingency

    from discourse.scaling.seeds import context_terms

    corpus, _, _ = store
    terms = context_terms(corpus, language="en", patterns=["moscow"], window=3, min_count=2, p=1.0, max_terms=None)
    assert "moscow" not in terms["term"].tolist() and len(terms) > 0
    assert terms["chi2"].is_monotonic_decreasing and (terms["chi2"] > 0).all()
    row = terms.iloc[0]
    from discourse.scaling.features import build_features, tokenization_key
    from discourse.store import scaling as st

    D = build_features(corpus, unit="document")
    counts = dict(zip(D.features, np.asarray(D.matrix.sum(axis=0)).ravel()))
    # the windows around each 'moscow', recounted directly from the stored token order
    with corpus.store.read() as conn:
        vocab = st.vocabulary(conn, tokenization_key("en", False))
        stored = st.read_tokens(conn, tokenization_key("en", False), corpus.documents()["id"].tolist())
    m = vocab.index("moscow")
    inside = np.zeros(len(vocab), dtype=int)
    for _, toks_b in stored.values():
        toks = np.frombuffer(toks_b, dtype=np.uint32)
        near = np.zeros(len(toks), dtype=bool)
        for i in np.flatnonzero(toks == m):
            near[max(0, i - 3):i + 4] = True
        inside += np.bincount(toks[near], minlength=len(vocab))
    inside[m] = 0
    total_in = inside.sum()
    total_all = sum(v for k, v in counts.items() if k != "moscow")
    j = vocab.index(row["term"])
    a, b = inside[j], counts[row["term"]] - inside[j]
    table = [[a, b], [total_in - a, (total_all - total_in) - b]]
    assert row["inside"] == a and row["outside"] == b
    assert row["chi2"] == pytest.approx(chi2_contingency(table, correction=True)[0], rel=1e-9)
