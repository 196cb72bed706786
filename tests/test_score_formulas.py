"""Scores of hand-built documents with known counts: every formula and counting rule of docs/scoring.md."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ScoreError
from discourse.score import count_hits, score_documents, score_periods

from _score_example import DOCUMENTS, ENTRIES, HITS


def _doc(frame, doc_id):
    return frame.set_index("id").loc[doc_id]


def test_count_hits_rules():
    c = count_hits(HITS, ENTRIES)
    assert list(c["pole"]) == ["west", "target", "target", "hedging", "target", "west", "unattributed", "dropped",
                               "target", "target"]
    assert list(c["counted"]) == [True, True, True, True, True, True, False, False, True, True]
    eff = c["eff_position"].tolist()
    assert eff[:6] == [-1.0, 1.0, 1.0, 0.0, 0.5, -0.5]
    assert math.isnan(eff[6]) and math.isnan(eff[7])


def test_needs_target_with_zero_position_counts_full_strength():
    entries = ENTRIES.assign(position=[-1.0, 1.0, 0.0, 0.0]).drop(columns=["target_positions"])
    hits = pd.DataFrame({"doc_id": ["d", "d"], "entry_id": ["strategic_partnership"] * 2, "sent_start": [0, 9],
                         "negated": [False, False], "target_group": ["target_led", "west"]})
    assert count_hits(hits, entries)["eff_position"].tolist() == [1.0, -1.0]


def test_flip_keep_drop_on_negation():
    entries = pd.DataFrame({"entry_id": ["f", "k", "d"], "category": ["c"] * 3, "position": [-0.5, -0.5, -0.5],
                            "weight": [1.0] * 3, "on_negation": ["flip", "keep", "drop"], "needs_target": [False] * 3})
    hits = pd.DataFrame({"doc_id": ["x"] * 3, "entry_id": ["f", "k", "d"], "sent_start": [0, 1, 2],
                         "negated": [True] * 3, "target_group": [None] * 3})
    c = count_hits(hits, entries)
    assert c["pole"].tolist() == ["target", "west", "dropped"]
    assert c["eff_position"].tolist()[:2] == [0.5, -0.5]


def test_document_scores_exact_values():
    frame = score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1)
    a = _doc(frame, "docA")
    assert a["n_hits"] == 6 and a["W"] == 3.0 and a["R"] == 4.0
    assert (a["n_west"], a["n_target"], a["n_hedging"], a["n_unattributed"], a["n_dropped"]) == (2, 3, 1, 1, 1)
    assert a["score"] == pytest.approx(1 / 8)  # (-1 + 1 + 1 + 0 + 2*0.5 + 2*(-0.5)) / (1+1+1+1+2+2)
    assert a["ratio"] == pytest.approx(-1 / 7)  # (3 - 4) / (3 + 4)
    assert a["logit"] == pytest.approx(math.log(4.5 / 3.5))
    assert a["rate_per_10k"] == pytest.approx(60.0)
    assert (a["west_per_10k"], a["target_per_10k"], a["hedging_per_10k"]) == (20.0, 30.0, 10.0)
    assert (a["n_cat_western_integration"], a["n_cat_russia_led_integration"], a["n_cat_non_alignment"],
            a["n_cat_partnership"]) == (2, 1, 1, 2)
    b = _doc(frame, "docB")
    assert (b["score"], b["ratio"], b["W"], b["R"]) == (1.0, -1.0, 0.0, 2.0)
    assert b["logit"] == pytest.approx(math.log(5))
    c = _doc(frame, "docC")
    assert c["n_hits"] == 0 and bool(c["low_evidence"]) and math.isnan(c["score"]) and math.isnan(c["logit"])
    assert list(frame["id"]) == ["docA", "docB", "docC"]
    assert a["title"] == '=HYPERLINK("http://x")'  # the frame keeps the text; only the CSV neutralizes it


def test_year_scores_pooled_by_words():
    frame = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1).set_index("year")
    y = frame.loc[2010]
    assert (y["n_docs"], y["n_docs_with_hits"], y["n_words"], y["n_hits"]) == (2, 2, 1500, 8)
    assert (y["W"], y["R"]) == (3.0, 6.0)
    assert y["score"] == pytest.approx(0.3)  # (1 + 2) / (8 + 2)
    assert y["ratio"] == pytest.approx(-1 / 3)
    assert y["logit"] == pytest.approx(math.log(6.5 / 3.5))
    assert y["rate_per_10k"] == pytest.approx(8 / 1500 * 1e4)
    assert not y["low_evidence"]
    z = frame.loc[2011]  # a year with documents but no hits: present, zero hits, flagged, no score
    assert (z["n_docs"], z["n_hits"], z["n_words"]) == (1, 0, 300)
    assert bool(z["low_evidence"]) and math.isnan(z["score"]) and math.isnan(z["ci_low"])
    assert list(frame.index) == [2010, 2011]


def test_year_scores_equal_weighting():
    y = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, weighting="equal").set_index("year").loc[2010]
    assert y["score"] == pytest.approx((1 / 8 + 1) / 2)
    assert y["ratio"] == pytest.approx((-1 / 7 - 1) / 2)
    assert y["logit"] == pytest.approx((math.log(4.5 / 3.5) + math.log(5)) / 2)
    assert y["n_hits"] == 8 and y["W"] == 3.0


def test_low_evidence_threshold():
    docs = score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=3).set_index("id")
    assert docs["low_evidence"].tolist() == [False, True, True]
    assert not math.isnan(docs.loc["docA", "score"])
    # low evidence is a flag: every defined value is still written (issue 16, item 5)
    b = docs.loc["docB"]
    assert (b["score"], b["ratio"]) == (1.0, -1.0) and b["logit"] == pytest.approx(1.609438, abs=1e-6)
    assert b["ci_low"] <= b["score"] <= b["ci_high"]
    assert docs.loc["docB", "n_hits"] == 2 and docs.loc["docB", "R"] == 2.0  # counts stay
    c = docs.loc["docC"]  # no counted hit: score, ratio and logit are undefined, so empty
    assert c["n_hits"] == 0 and docs.loc["docC", ["score", "ci_low", "ratio", "logit"]].isna().all()
    years = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=9).set_index("year")
    assert years["low_evidence"].tolist() == [True, True]
    assert years.loc[2010, "n_hits"] == 8 and years.loc[2010, "score"] == pytest.approx(0.3)
    assert years.loc[2010, "ci_low"] <= 0.3 <= years.loc[2010, "ci_high"]
    assert years.loc[2011, "n_hits"] == 0 and math.isnan(years.loc[2011, "score"])


def test_intervals_contain_estimates():
    frames = [score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200),
              score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200),
              score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200, weighting="equal")]
    for frame in frames:
        scored = frame.loc[~frame["low_evidence"]]
        assert len(scored) >= 1
        for prefix, col in (("", "score"), ("ratio_", "ratio"), ("logit_", "logit")):
            ok = scored[col].notna()
            assert (scored.loc[ok, prefix + "ci_low"] <= scored.loc[ok, col]).all()
            assert (scored.loc[ok, col] <= scored.loc[ok, prefix + "ci_high"]).all()
        assert (scored["ci_low"] < scored["ci_high"]).any()  # a real interval, not a point


def test_interval_on_larger_generated_corpus():
    rng = np.random.default_rng(7)
    n_docs = 30
    docs = pd.DataFrame({"id": [f"d{i:02d}" for i in range(n_docs)], "year": [2000 + i % 3 for i in range(n_docs)],
                         "words": rng.integers(500, 3000, n_docs), "sentences": rng.integers(20, 120, n_docs)})
    rows = []
    for d, s in zip(docs["id"], docs["sentences"]):
        for _ in range(int(rng.integers(0, 12))):
            rows.append((d, str(rng.choice(["euro_atlantic", "eaeu", "non_aligned"])), int(rng.integers(0, s)) * 10,
                         bool(rng.random() < 0.1), None))
    hits = pd.DataFrame(rows, columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"])
    for level in (0.5, 0.95):
        frame = score_periods(hits, docs, ENTRIES, replicates=300, level=level)
        assert len(frame) == 3 and not frame["low_evidence"].any()
        assert ((frame["ci_low"] <= frame["score"]) & (frame["score"] <= frame["ci_high"])).all()
    narrow = score_periods(hits, docs, ENTRIES, replicates=300, level=0.5)
    wide = score_periods(hits, docs, ENTRIES, replicates=300, level=0.95)
    assert ((wide["ci_high"] - wide["ci_low"]) > (narrow["ci_high"] - narrow["ci_low"])).all()


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200, seed=1)
    b = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200, seed=1)
    c = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200, seed=2)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "ci_low"] != c.loc[0, "ci_low"] or a.loc[0, "ci_high"] != c.loc[0, "ci_high"]
    assert (a["score"].fillna(9) == c["score"].fillna(9)).all()


def test_document_interval_does_not_depend_on_other_documents():
    alone = score_documents(HITS, DOCUMENTS.iloc[:1], ENTRIES, min_hits=1)
    together = score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1)
    assert alone.loc[0, ["ci_low", "ci_high"]].tolist() == together.loc[0, ["ci_low", "ci_high"]].tolist()


def test_periods_month_windows_rolling_groups():
    month = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, by="month")
    assert month["period"].tolist() == ["2010-09", "2010-11"]  # docC has no month: left out
    assert month["score"].tolist() == [pytest.approx(0.125), 1.0]
    win = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, by="2009-2010,2010-2012")
    assert win["period"].tolist() == ["2009-2010", "2010-2012"]
    assert win["n_docs"].tolist() == [2, 3] and win["n_hits"].tolist() == [8, 8]
    assert win[["window_from", "window_to"]].values.tolist() == [[2009, 2010], [2010, 2012]]
    roll = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, rolling=2)
    assert roll["year"].tolist() == [2010, 2011] and roll["n_docs"].tolist() == [2, 3]
    assert roll["score"].tolist() == [pytest.approx(0.3), pytest.approx(0.3)]
    assert roll[["window_from", "window_to"]].values.tolist() == [[2009, 2010], [2010, 2011]]
    grouped = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, group_by="doc_type")
    assert grouped[["doc_type", "year", "n_docs", "n_hits"]].values.tolist() == [
        ["speech", 2010, 1, 6], ["speech", 2011, 1, 0], ["statement", 2010, 1, 2]]


@pytest.mark.parametrize("kwargs, code, message", [
    ({"seed": -1}, "D402", "seed must be a non-negative integer, got -1"),
    ({"level": 1.5}, "D403", "confidence level must be between 0 and 1 (exclusive), got 1.5"),
    ({"replicates": 0}, "D404", "replicates must be a positive integer, got 0"),
    ({"min_hits": -2}, "D405", "min_hits must be a non-negative integer, got -2"),
    ({"weighting": "pages"}, "D413", "unknown weighting 'pages'"),
    ({"group_by": "title"}, "D414", "cannot group by 'title'"),
    ({"by": "2012-2009"}, "D411", "period window 2012-2009 ends before it starts"),
    ({"by": "decade"}, "D410", "cannot read the period window 'decade' in 'decade'"),
    ({"by": "month", "rolling": 3}, "D415", "a rolling window needs yearly periods"),
])
def test_parameter_errors(kwargs, code, message):
    with pytest.raises(ScoreError) as info:
        score_periods(HITS, DOCUMENTS, ENTRIES, **kwargs)
    assert info.value.code == code and info.value.message == message


def test_unknown_entry_and_missing_columns():
    bad = pd.concat([HITS, pd.DataFrame([("docB", "nato_membership", 5, False, None)], columns=HITS.columns)])
    with pytest.raises(ScoreError) as info:
        score_documents(bad, DOCUMENTS, ENTRIES)
    assert info.value.code == "D408"
    assert info.value.message == "hit in document docB refers to entry 'nato_membership', which is not in the lexicon"
    with pytest.raises(ScoreError) as info:
        score_documents(HITS.drop(columns=["sent_start"]), DOCUMENTS, ENTRIES)
    assert (info.value.code, info.value.message) == ("D406", "hits frame lacks column(s) sent_start")


def test_stale_entry_hash_is_refused():
    entries = ENTRIES.assign(entry_hash=["h1", "h2", "h3", "h4"])
    hits = HITS.assign(entry_hash=HITS["entry_id"].map({"euro_atlantic": "h1", "eaeu": "old", "non_aligned": "h3",
                                                        "strategic_partnership": "h4"}))
    with pytest.raises(ScoreError) as info:
        count_hits(hits, entries)
    assert info.value.code == "D409"
    assert info.value.message == "hit in document docA was matched with an older version of entry 'eaeu'"


def test_percentile_interval_is_never_widened():
    """An estimate outside its percentile interval keeps the interval and is flagged (docs/scoring.md)."""
    from discourse.score import _flag_outside, _interval

    reps = np.array([0.0, 0.1, 0.2, 0.3, 0.4, np.nan])
    assert _interval(reps, 0.9, 0.5) == (pytest.approx(0.1), pytest.approx(0.3))  # was widened to (0.1, 0.9)
    assert _interval(reps, 0.2, 0.5) == (pytest.approx(0.1), pytest.approx(0.3))
    frame = pd.DataFrame({"score": [0.9, 0.2, np.nan], "ci_low": [0.1, 0.1, np.nan], "ci_high": [0.3, 0.3, np.nan],
                          "ratio": [-1.0, 0.3, np.nan], "ratio_ci_low": [-0.5, 0.3, np.nan],
                          "ratio_ci_high": [0.5, 0.3, np.nan], "logit": [0.0, 2.0, np.nan],
                          "logit_ci_low": [0.0, 1.0, np.nan], "logit_ci_high": [1.0, 1.5, np.nan]})
    _flag_outside(frame)
    assert frame["outside_ci"].tolist() == [True, False, False]
    assert frame["ratio_outside_ci"].tolist() == [True, False, False]
    assert frame["logit_outside_ci"].tolist() == [False, True, False]


def test_outside_flags_agree_with_the_intervals():
    for frame in (score_documents(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200),
                  score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, replicates=200, weighting="equal")):
        for prefix, col in (("", "score"), ("ratio_", "ratio"), ("logit_", "logit")):
            inside = (frame[prefix + "ci_low"] <= frame[col]) & (frame[col] <= frame[prefix + "ci_high"])
            has = frame[[col, prefix + "ci_low"]].notna().all(axis=1)
            assert (frame[prefix + "outside_ci"] == (has & ~inside)).all()


def test_needs_target_mapping_from_the_lexicon():
    entries = ENTRIES.assign(target_positions=[None, None, None, {"target": 0.75, "west": -1.0, "other": 0.0}])
    hits = pd.DataFrame({"doc_id": ["d"] * 5, "entry_id": ["strategic_partnership"] * 5, "sent_start": range(5),
                         "negated": [False, False, False, False, True],
                         "target_group": ["target", "west", "other", "target_led", "west"]})
    c = count_hits(hits, entries)
    assert c["pole"].tolist() == ["target", "west", "hedging", "unattributed", "dropped"]
    assert c["eff_position"].tolist()[:3] == [0.75, -1.0, 0.0]


def test_worked_example_interval_as_documented():
    """docs/scoring.md quotes this interval (default seed, 1000 replicates)."""
    y = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1).set_index("year").loc[2010]
    assert [round(y["ci_low"], 4), round(y["ci_high"], 4)] == [-0.3333, 1.0]
    assert [round(y["logit_ci_low"], 4), round(y["logit_ci_high"], 4)] == [-1.5281, 3.0445]


def test_multinomial_sampler_has_multinomial_moments():
    from discourse.score import _multinomial_uniform

    counts = _multinomial_uniform(np.random.default_rng(0), 50, 5, 40000)
    assert counts.shape == (40000, 5)
    assert np.allclose(counts.mean(axis=0), 1.0, atol=0.02)  # n * 1/n
    assert np.allclose(counts.var(axis=0), 1 - 1 / 50, atol=0.03)  # n p (1 - p)
    cov = np.cov(counts[:, 0], counts[:, 1])[0, 1]
    assert abs(cov - (-1 / 50)) < 0.02  # -n p^2
    full = _multinomial_uniform(np.random.default_rng(0), 4, 4, 100)
    assert (full.sum(axis=1) == 4).all()


def test_rolling_rows_per_group_only_where_the_group_has_documents():
    roll = score_periods(HITS, DOCUMENTS, ENTRIES, min_hits=1, rolling=2, group_by="doc_type")
    assert roll[["doc_type", "year", "n_docs", "n_hits"]].values.tolist() == [
        ["speech", 2010, 1, 6], ["speech", 2011, 2, 6], ["statement", 2010, 1, 2]]


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(list(ENTRIES["entry_id"])), st.integers(0, 30),
                          st.booleans(), st.sampled_from([None, "target", "target_led", "west", "other"])),
                max_size=40),
       st.integers(0, 2**32 - 1))
def test_invariants_on_random_hits(rows, seed):
    docs = pd.DataFrame({"id": [f"d{i}" for i in range(4)], "year": [2000, 2000, 2001, 2002],
                         "words": [100, 200, 300, 400], "sentences": [10, 31, 5, 20]})
    hits = pd.DataFrame([(f"d{d}", e, s * 10, n, g) for d, e, s, n, g in rows],
                        columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"])
    doc = score_documents(hits, docs, ENTRIES, seed=seed, replicates=60, min_hits=1)
    assert (doc["n_hits"] + doc["n_unattributed"] + doc["n_dropped"]).sum() == len(hits)
    assert ((doc["n_west"] + doc["n_target"] + doc["n_hedging"]) == doc["n_hits"]).all()
    for frame in (doc, score_periods(hits, docs, ENTRIES, seed=seed, replicates=60, min_hits=1),
                  score_periods(hits, docs, ENTRIES, seed=seed, replicates=60, min_hits=1, weighting="equal")):
        given_ = frame.loc[frame["score"].notna()]
        assert ((given_["ci_low"] <= given_["score"]) & (given_["score"] <= given_["ci_high"])).all()
        assert given_["score"].between(-1, 1).all() and frame["ratio"].dropna().between(-1, 1).all()
        assert (frame["low_evidence"] == (frame["n_hits"] < 1)).all()
        assert (frame["W"] >= 0).all() and (frame["R"] >= 0).all()
    years = score_periods(hits, docs, ENTRIES, seed=seed, replicates=60, min_hits=1)
    assert years["year"].tolist() == [2000, 2001, 2002] and years["n_hits"].sum() == doc["n_hits"].sum()


def test_no_hits_at_all_and_empty_documents():
    empty = HITS.iloc[0:0]
    docs = score_documents(empty, DOCUMENTS, ENTRIES)
    assert docs["n_hits"].tolist() == [0, 0, 0] and docs["low_evidence"].all() and docs["score"].isna().all()
    years = score_periods(empty, DOCUMENTS, ENTRIES)
    assert years["year"].tolist() == [2010, 2011] and years["n_docs"].tolist() == [2, 1]
    assert years["low_evidence"].all() and (years["rate_per_10k"] == 0).all()
    none = score_periods(empty, DOCUMENTS.iloc[0:0], ENTRIES)
    assert len(none) == 0 and list(none.columns[:4]) == ["year", "score", "ci_low", "ci_high"]
    zero_words = score_documents(HITS, DOCUMENTS.assign(words=0), ENTRIES, min_hits=1)
    assert zero_words["rate_per_10k"].isna().all() and zero_words.loc[0, "n_hits"] == 6


def test_month_periods_need_a_month_in_the_date():
    """Monthly periods come from dates with a month; year-only dates give a clear error, not an empty table."""
    monthly = score_periods(HITS, DOCUMENTS, ENTRIES, by="month", min_hits=1)
    assert len(monthly) > 0 and monthly["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    year_only = DOCUMENTS.assign(date=DOCUMENTS["year"].astype(str))
    with pytest.raises(ScoreError) as info:
        score_periods(HITS, year_only, ENTRIES, by="month")
    assert info.value.code == "D419"
    assert info.value.message == (
        f"none of the {len(DOCUMENTS)} selected documents has a month in its date, so there are no monthly periods"
    )


def _generated(n_docs: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    docs = pd.DataFrame({"id": [f"d{i:04d}" for i in range(n_docs)], "year": [2000 + i % 5 for i in range(n_docs)],
                         "words": rng.integers(500, 3000, n_docs), "sentences": rng.integers(5, 80, n_docs)})
    rows = []
    for d, s in zip(docs["id"], docs["sentences"]):
        for _ in range(int(rng.integers(0, 6))):
            rows.append((d, str(rng.choice(["euro_atlantic", "eaeu", "non_aligned", "strategic_partnership"])),
                         int(rng.integers(0, s)) * 10, bool(rng.random() < 0.1),
                         rng.choice([None, "target", "west"])))
    return pd.DataFrame(rows, columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"]), docs


def _split_check(log: str) -> None:
    """Run in a fresh interpreter (the test session may hold threads, e.g. the dask cluster's, and then the
    bootstrap rightly refuses to fork)."""
    import os
    import threading

    from discourse import score_documents as module

    hits, docs = _generated(700)
    one = score_documents(hits, docs, ENTRIES, replicates=200)
    module._PARALLEL_MIN, module._BLOCK = 1, 64
    real = module._block_bounds

    def logged(job, block):  # inherited by the forked children
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(job, block)

    module._block_bounds = logged
    assert module._fork_workers(700) == 2
    two = score_documents(hits, docs, ENTRIES, replicates=200)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    pids = open(log).read().split()
    assert len(pids) == math.ceil((one["n_hits"] >= 1).sum() / 64)  # every block once
    assert len(set(pids)) == 2 and str(os.getpid()) not in pids  # two children ran the blocks, the parent none
    assert one["ci_low"].notna().sum() > 300
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert module._fork_workers(700) == 1  # a lock held by that thread would stay held in the child
    finally:
        stop.set()
        other.join()
    assert module._fork_workers(700) == 2 and module._fork_workers(0) == 1
    parent = os.getpid()

    def killed(job, block):  # a child dies (as under the out-of-memory killer): the parent computes the blocks
        if os.getpid() != parent:
            os._exit(9)
        return real(job, block)

    module._block_bounds = killed
    pd.testing.assert_frame_equal(one, score_documents(hits, docs, ENTRIES, replicates=200), check_exact=True)
    print("split-ok")


def test_the_bootstrap_split_over_two_processes_changes_no_value(tmp_path):
    """Issue 17: a large corpus's document bootstrap runs in two forked processes, never beside another thread;
    every value is the same as on one (each document's generator is seeded by its id), also when a child dies."""
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    code = (f"import sys; sys.path.insert(0, {str(here)!r}); import test_score_formulas as t; "
            f"t._split_check({str(tmp_path / 'pids')!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "split-ok", done.stderr[-3000:]
