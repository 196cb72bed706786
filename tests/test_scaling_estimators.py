"""The worked examples of docs/scaling.md, the estimator contract and the bad-input errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from discourse.errors import ScalingError
from discourse.scaling import LatentSemanticScaling, Prediction, Wordfish, Wordscores
from discourse.scaling.lss import zapsmall

LSS_X = np.array([[2, 1, 0, 0, 1], [1, 2, 0, 0, 0], [0, 0, 2, 1, 1], [0, 0, 1, 2, 0], [1, 0, 1, 0, 2]])
LSS_NAMES = ["ally", "partner", "rival", "threat", "talks"]
WF_Y = np.array([[9, 6, 3, 2, 1, 1], [6, 6, 4, 3, 2, 1], [3, 4, 5, 5, 4, 3], [1, 2, 3, 5, 6, 9]])


def test_wordscores_worked_example():
    X = np.array([[3, 1, 0], [0, 1, 3], [2, 1, 1]])
    ws = Wordscores().fit(X[:2], [-1, 1])
    assert ws.wordscores_.tolist() == [-1.0, 0.0, 1.0]
    assert ws.reference_raw_.tolist() == [-0.75, 0.75]
    p = ws.predict(X[2:], se_fit=True)
    assert isinstance(p, Prediction)
    assert p.fit[0] == pytest.approx(-0.25, abs=1e-12)
    assert p.se_fit[0] == pytest.approx(math.sqrt(0.6875) / 2, abs=1e-12)
    assert p.se_fit[0] == pytest.approx(0.414578, abs=1e-6)
    assert p.n.tolist() == [4.0]
    mv = ws.predict(X[2:], se_fit=True, rescaling="mv")
    assert mv.fit[0] == pytest.approx(-1 / 3, abs=1e-12)
    assert mv.se_fit[0] == pytest.approx(0.552771, abs=1e-6)


def test_wordscores_fit_ignores_virgin_rows_and_matches_by_name():
    X = pd.DataFrame([[3, 1, 0], [0, 1, 3], [2, 1, 1]], columns=["a", "b", "c"])
    ws = Wordscores().fit(X, [-1, 1, None])
    assert ws.reference_index_.tolist() == [0, 1]
    new = pd.DataFrame([[1, 1, 2, 5]], columns=["c", "b", "a", "unknown"])  # reordered, one unknown word
    assert ws.predict(new)[0] == pytest.approx(-0.25)
    assert ws.get_params() == {"smooth": 0.0, "rescaling": None}


def test_wordscores_smoothing_changes_word_scores():
    X = np.array([[3, 1, 0], [0, 1, 3]])
    ws = Wordscores(smooth=1).fit(X, [-1, 1])
    # F: (4/7, 2/7, 1/7) and (1/7, 2/7, 4/7): S_a = (1/7 - 4/7)/(5/7) = -0.6
    assert ws.wordscores_ == pytest.approx([-0.6, 0.0, 0.6])


@pytest.mark.parametrize("y, code", [([1.0], "D752"), ([1, 1], "D752"), ([1, "left"], "D751"), ([1], "D751")])
def test_wordscores_bad_reference_scores(y, code):
    X = np.array([[3, 1, 0], [0, 1, 3]]) if len(y) == 2 else np.array([[3, 1, 0]])
    if code == "D751" and y == [1]:
        X = np.array([[3, 1, 0], [0, 1, 3]])
    with pytest.raises(ScalingError) as err:
        Wordscores().fit(X, y)
    assert err.value.code == code
    assert err.value.hint


def test_wordscores_refuses_empty_text_and_single_text_lbg():
    ws = Wordscores(rescaling="lbg").fit(np.array([[3, 1, 0], [0, 1, 3]]), [-1, 1])
    with pytest.raises(ScalingError) as err:
        ws.predict(np.array([[0, 0, 0], [1, 1, 1]]))
    assert err.value.code == "D758" and "row 0" in err.value.message
    with pytest.raises(ScalingError) as err:
        ws.predict(np.array([[1, 1, 1]]))
    assert err.value.code == "D752"
    with pytest.raises(ScalingError) as err:
        Wordscores(rescaling="zscore").fit(np.array([[3, 1, 0], [0, 1, 3]]), [-1, 1])
    assert err.value.code == "D755"


def test_bad_matrices_are_refused():
    with pytest.raises(ScalingError) as err:
        Wordscores().fit(np.array([[1, -1], [0, 2]]), [0, 1])
    assert err.value.code == "D750" and "row 0" in err.value.message
    with pytest.raises(ScalingError) as err:
        Wordscores().fit(np.array([[1, np.nan], [0, 2]]), [0, 1])
    assert err.value.code == "D750"
    ws = Wordscores().fit(np.array([[3, 1, 0], [0, 1, 3]]), [-1, 1])
    with pytest.raises(ScalingError) as err:
        ws.predict(np.array([[1, 1]]))
    assert err.value.code == "D754"
    with pytest.raises(ScalingError) as err:
        Wordscores().predict(np.array([[1, 1]]))
    assert err.value.code == "D753"


def test_lss_worked_example():
    m = LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2).fit(sp.csr_matrix(LSS_X), feature_names=LSS_NAMES)
    assert m.singular_values_ == pytest.approx([2 + math.sqrt(3), 3.0])
    assert m.seeds_weighted_ == {"ally": 1.0, "rival": -1.0}
    pol = dict(zip(m.terms_, m.beta_))
    expected = {"ally": 1.0, "partner": math.sqrt(1.5), "rival": -1.0, "threat": -math.sqrt(1.5), "talks": 0.0}
    for term, value in expected.items():
        assert pol[term] == pytest.approx(value, abs=1e-9)
    p = m.predict(np.array([[3, 0, 1, 0, 2]]), se_fit=True, feature_names=LSS_NAMES, rescale=False)
    assert p.n.tolist() == [6.0]
    assert p.fit[0] == pytest.approx(1 / 3, abs=1e-9)
    assert p.se_fit[0] == pytest.approx(math.sqrt((4 / 6 - 1 / 9) / 6), abs=1e-7)
    assert p.se_fit[0] == pytest.approx(0.304290, abs=1e-6)


def test_lss_seed_weights_missing_seeds_and_globs():
    seeds = {"ally": 1, "partner*": 1, "absent": 1, "rival": -1}
    m = LatentSemanticScaling(seeds=seeds, k=2).fit(LSS_X, feature_names=LSS_NAMES)
    assert m.seeds_missing_ == ["absent"]
    assert m.seeds_weighted_ == pytest.approx({"ally": 1 / 3, "partner": 1 / 3, "rival": -1.0})


def test_lss_rescale_gives_z_scores_and_empty_documents_have_no_score():
    m = LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2).fit(LSS_X, feature_names=LSS_NAMES)
    docs = np.array([[3, 0, 1, 0, 2], [0, 1, 0, 3, 1], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]])
    p = m.predict(docs, se_fit=True, feature_names=LSS_NAMES)
    ok = ~np.isnan(p.fit)
    assert ok.tolist() == [True, True, False, True]
    assert p.n.tolist() == [6.0, 5.0, 0.0, 5.0]
    assert p.fit[ok].mean() == pytest.approx(0.0, abs=1e-12)
    assert p.fit[ok].std(ddof=1) == pytest.approx(1.0)
    with pytest.raises(ScalingError) as err:
        m.predict(docs[:1], feature_names=LSS_NAMES)
    assert err.value.code == "D759"


def test_lss_bad_input():
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": 1, "nowhere": -1, "never": -1}, k=2).fit(LSS_X, feature_names=LSS_NAMES)
    assert err.value.code == "D756" and "never, nowhere" in err.value.message
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=5).fit(LSS_X, feature_names=LSS_NAMES)
    assert err.value.code == "D757" and "k <= 4" in err.value.hint
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2).fit(np.zeros((5, 5)), feature_names=LSS_NAMES)
    assert err.value.code == "D758"
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2).fit(LSS_X)
    assert err.value.code == "D755"
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": 1, "partner": 1}, k=2).fit(LSS_X, feature_names=LSS_NAMES)
    assert err.value.code == "D756"
    with pytest.raises(ScalingError) as err:
        LatentSemanticScaling(seeds={"ally": "x", "rival": -1}, k=2).fit(LSS_X, feature_names=LSS_NAMES)
    assert err.value.code == "D756"


def test_lss_svd_cache_is_reused(tmp_path):
    m1 = LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2, cache_dir=tmp_path).fit(LSS_X, feature_names=LSS_NAMES)
    assert not m1.svd_from_cache_ and len(list(tmp_path.glob("svd-*.npz"))) == 1
    m2 = LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=2, cache_dir=tmp_path).fit(LSS_X, feature_names=LSS_NAMES)
    assert m2.svd_from_cache_ and np.array_equal(m1.beta_, m2.beta_)
    m3 = LatentSemanticScaling(seeds={"ally": 1, "rival": -1}, k=3, cache_dir=tmp_path).fit(LSS_X, feature_names=LSS_NAMES)
    assert not m3.svd_from_cache_


def test_zapsmall_like_r():
    assert zapsmall(np.array([123.456789, 1e-9, np.nan])).tolist()[:2] == [123.4568, 0.0]


def test_wordfish_worked_example():
    wf = Wordfish(dir=(0, 3)).fit(WF_Y)
    assert wf.theta_ == pytest.approx([-0.9951, -0.5467, 0.2597, 1.2820], abs=1e-4)
    assert wf.se_theta_ == pytest.approx([0.3561, 0.3338, 0.3122, 0.3418], abs=1e-4)
    assert wf.beta_ == pytest.approx([-1.0205, -0.5689, -0.1133, 0.2315, 0.5376, 0.9272], abs=1e-4)
    assert wf.alpha_[0] == 0.0
    flipped = Wordfish(dir=(3, 0)).fit(WF_Y)
    assert flipped.theta_ == pytest.approx(-wf.theta_, abs=1e-9)
    p = wf.predict(se_fit=True)
    assert np.array_equal(p.fit, wf.theta_)


def test_wordfish_bad_input():
    for kwargs, code in (({"dir": (0, 9)}, "D760"), ({"dir": (1, 1)}, "D760"), ({"priors": (0, 1)}, "D755")):
        with pytest.raises(ScalingError) as err:
            Wordfish(**kwargs).fit(WF_Y)
        assert err.value.code == code
    with pytest.raises(ScalingError) as err:
        Wordfish().fit(np.vstack([WF_Y, np.zeros(6)]))
    assert err.value.code == "D758" and "row 4" in err.value.message
    with pytest.raises(ScalingError) as err:
        Wordfish().fit(WF_Y[:1])
    assert err.value.code == "D752"


def test_tall_svd_equals_scipy_svds():
    from scipy.sparse.linalg import svds

    from discourse.scaling.lss import truncated_svd

    rng = np.random.default_rng(3)
    M = sp.random(3000, 400, density=0.02, random_state=rng, format="csr")
    M.data = np.ceil(M.data * 3)
    d, V, cached = truncated_svd(M, 40)
    assert not cached and V.shape == (400, 40)
    _, d_ref, Vt = svds(M, k=40, v0=np.random.default_rng(0).uniform(-1, 1, 400))
    order = np.argsort(-d_ref)
    assert d == pytest.approx(d_ref[order], rel=1e-10)
    # the same vectors up to sign: |cosine| = 1 for each component
    cos = np.abs(np.sum(V * Vt[order].T, axis=0))
    assert cos == pytest.approx(np.ones(40), abs=1e-8)
