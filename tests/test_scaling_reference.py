"""Reference tests: Wordscores on the LBG (2003) example, LSS against LSX's fixtures, Wordfish on simulated data.

The verified expected values and how to read the R files are in /work/shared/data/{wordscores,lsx}/README.md.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from conftest import shared_path
from discourse.scaling import LatentSemanticScaling, Wordfish, Wordscores

TOL = 1e-4


# -- Wordscores -------------------------------------------------------------------------------------------
def test_wordscores_lbg2003_example():
    frame = pd.read_csv(shared_path("data", "wordscores", "lbg2003_example.csv"))
    X = frame.drop(columns=["document", "reference_score"])
    ws = Wordscores().fit(X, frame["reference_score"])
    scores = dict(zip(X.columns, ws.wordscores_))
    expected = {"A": -1.5, "E": -1.5, "F": -1.48125, "G": -1.4809322034, "K": -1.1846153846, "N": -0.75,
                "P": -0.4507575758, "S": 0.0, "Z": 1.0369897959, "ZF": 1.48125, "ZK": 1.5}
    for word, value in expected.items():
        assert scores[word] == pytest.approx(value, abs=TOL), word
    raw = ws.predict(X, se_fit=True, rescaling=None)
    assert raw.fit[:5] == pytest.approx([-1.317931336378, -0.739559799964, 0, 0.739559799964, 1.317931336378], abs=TOL)
    assert raw.fit[5] == pytest.approx(-0.448059076618, abs=TOL)
    assert raw.se_fit[5] == pytest.approx(0.011897666787, abs=TOL)
    lbg = ws.predict(X, rescaling="lbg")  # quanteda's method: mean and SD over all six documents
    assert lbg[5] == pytest.approx(-0.529671491259, abs=TOL)
    mv = ws.predict(X, se_fit=True, rescaling="mv")
    assert mv.fit[5] == pytest.approx(-0.509957230984, abs=TOL)
    assert mv.se_fit[5] == pytest.approx(0.013541297402, abs=TOL)
    # the achieved agreement is far inside the tolerance
    assert abs(raw.fit[5] + 0.448059076618) < 1e-11 and abs(lbg[5] + 0.529671491259) < 1e-11


# -- LSS ----------------------------------------------------------------------------------------------------
def _read_lsx():
    import rdata

    folder = shared_path("data", "lsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cmap = dict(rdata.conversion.DEFAULT_CLASS_MAP)
        cmap["tokens"] = lambda obj, attrs: (obj, attrs)
        toks, attrs = rdata.read_rds(folder / "tokens.RDS", constructor_dict=cmap)
        parsed = rdata.parser.parse_file(folder / "lss_k300.RDS")
        names = [rdata.conversion.convert(v) for v in parsed.object.attributes.value[0].value]
        model = {n: rdata.conversion.convert(v) for n, v in zip(names, parsed.object.value) if n != "call"}
        pred = rdata.read_rda(folder / "prediction_v0.99.RDA")
    types = [t.lower() for t in attrs["types"]]
    vocab = sorted(set(types))
    index = {t: i for i, t in enumerate(vocab)}
    type_col = np.array([index[t] for t in types])
    rows = np.concatenate([np.full(len(ids), r) for r, ids in enumerate(toks.values())])
    cols = np.concatenate([type_col[np.asarray(ids) - 1] for ids in toks.values()])
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(toks), len(vocab)))
    return X, vocab, attrs["docvars"], model, pred


@pytest.fixture(scope="module")
def lsx():
    return _read_lsx()


@pytest.mark.slow
def test_lss_reproduces_lsx(lsx):
    X, vocab, docvars, model, pred = lsx
    assert X.shape == (5018, 9346) and X.nnz == 110864
    freq = dict(zip(vocab, np.asarray(X.sum(axis=0)).ravel()))
    terms = [str(t) for t in model["terms"]]
    assert [freq[t] for t in terms] == [float(f) for f in np.asarray(model["frequency"])]
    seeds = dict(zip(model["seeds"].coords["dim_0"].values.tolist(), model["seeds"].values.tolist()))
    lss = LatentSemanticScaling(seeds=seeds, k=300, terms=terms).fit(X, feature_names=vocab)
    assert sorted(lss.seeds_missing_) == ["nasty", "nice"]
    stored_w = dict(zip(model["seeds_weighted"].coords["dim_0"].values.tolist(), model["seeds_weighted"].values))
    assert lss.seeds_weighted_ == pytest.approx(stored_w, abs=1e-12)
    stored = dict(zip(model["beta"].coords["dim_0"].values.tolist(), model["beta"].values))
    mine = dict(zip(lss.terms_.tolist(), lss.beta_))
    a = np.array([stored[t] for t in terms])
    b = np.array([mine[t] for t in terms])
    assert np.corrcoef(a, b)[0, 1] >= 0.999
    assert np.abs(a - b).max() < 1e-9
    # predictions: speeches in first-appearance order, speeches 3 and 10 zeroed (as LSX's test does)
    docid = docvars["docid_"].astype(str).to_numpy()
    order = list(dict.fromkeys(docid))
    group = {d: i for i, d in enumerate(order)}
    G = sp.csr_matrix((np.ones(len(docid)), ([group[d] for d in docid], np.arange(len(docid)))),
                      shape=(len(order), len(docid)))
    D = (G @ X).tolil()
    D[2, :] = 0
    D[9, :] = 0
    p = lss.predict(D.tocsr(), se_fit=True, feature_names=vocab)
    ref = pred["pred2_v099"]
    fit, se, n = (np.asarray(ref[k], dtype=float) for k in ("fit", "se.fit", "n"))
    assert np.array_equal(np.isnan(p.fit), np.isnan(fit)) and np.isnan(p.fit).sum() == 2
    assert np.array_equal(p.n, n)
    assert np.nanmax(np.abs(p.fit - fit)) < TOL
    assert np.nanmax(np.abs(p.se_fit - se)) < TOL
    assert np.nanmax(np.abs(p.fit - np.asarray(pred["pred_v099"].values, dtype=float))) < TOL


# -- Wordfish -----------------------------------------------------------------------------------------------
def _simulated(seed=20240924, n=40, V=300):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    theta = (theta - theta.mean()) / theta.std(ddof=1)
    alpha = rng.normal(0, 0.3, n)
    psi = rng.normal(0, 1, V)
    beta = rng.normal(0, 0.6, V)
    Y = rng.poisson(np.exp(alpha[:, None] + psi + theta[:, None] * beta))
    return Y, theta, beta


def test_wordfish_recovers_simulated_positions():
    Y, theta, beta = _simulated()
    lo, hi = int(np.argmin(theta)), int(np.argmax(theta))
    wf = Wordfish(dir=(lo, hi)).fit(Y)
    assert np.corrcoef(wf.theta_, theta)[0, 1] >= 0.95
    assert np.corrcoef(wf.beta_, beta)[0, 1] >= 0.9
    assert wf.theta_[lo] < wf.theta_[hi]


def test_wordfish_se_equal_numerical_hessian():
    Y, theta, _ = _simulated(seed=7, n=12, V=120)
    wf = Wordfish(dir=(int(np.argmin(theta)), int(np.argmax(theta)))).fit(Y)
    sigma_theta = wf.priors[1]
    Yu = Y[:, wf.features_used_]  # a word that never occurs is left out of the fit

    def pll(i, a, t):  # document i's penalised log-likelihood given the word parameters
        eta = a + wf.psi_ + t * wf.beta_
        return float((Yu[i] * eta - np.exp(eta)).sum() - t ** 2 / (2 * sigma_theta ** 2))

    h = 1e-4
    for i in range(Y.shape[0]):
        a, t = wf.alpha_[i], wf.theta_[i]
        f = lambda da, dt: pll(i, a + da, t + dt)  # noqa: E731
        haa = (f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h ** 2
        htt = (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h ** 2
        hat = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h ** 2)
        H = np.array([[haa, hat], [hat, htt]])
        se = np.sqrt(np.linalg.inv(-H)[1, 1])
        assert wf.se_theta_[i] == pytest.approx(se, rel=1e-5)
