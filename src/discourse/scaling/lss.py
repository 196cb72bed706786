"""Latent Semantic Scaling (Watanabe 2021), reproducing the algorithm of the R package LSX.

Watanabe, K. (2021), "Latent Semantic Scaling: A Semisupervised Text Analysis Technique for New Domains and
Languages", *Communication Methods and Measures* 15(2), 81-102, doi:10.1080/19312458.2020.1832976.

Fit (``docs/scaling.md``):

1. a truncated SVD X ~ U diag(d) V' of the (sentence x feature) count matrix, k components
   (``scipy.sparse.linalg.svds``); a word's vector is its row of V (not multiplied by d);
2. seed weights: each declared seed keeps value / (number of declared seeds of the same sign); a glob pattern
   (``russia*``) shares its weight equally among the features it matches; seeds absent from the corpus are
   dropped without renormalising (``seeds_missing_``);
3. polarity of each term w: beta_w = sum_s weight_s cos(v_w, v_s) (times the term's weight when ``terms`` is a
   mapping).

Predict: for a document with term counts f_dw and n_d = sum_w f_dw, raw_d = sum_w f_dw beta_w / n_d,
var_d = sum_w f_dw beta_w^2 / n_d - raw_d^2 (rounded as R's ``zapsmall``), se_d = sqrt(var_d / n_d); raw is NaN
when n_d = 0 and se when n_d <= 1; with ``rescale`` both are divided by the SD of the defined raw scores after
centring on their mean. Positive seeds give positive scores: in discourse, positive = toward the target power.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator  # sklearn is a declared dependency; scaling is imported only when used

from ..errors import ScalingError
from ._base import Prediction, align, as_counts, check_fitted

__all__ = ["LatentSemanticScaling", "matrix_hash", "truncated_svd", "zapsmall", "weight_seeds"]


def matrix_hash(M: sp.spmatrix) -> str:
    """sha256 of a sparse matrix's shape and canonical CSR content (the SVD cache key)."""
    M = sp.csr_matrix(M, dtype=float)
    M.sum_duplicates()
    M.sort_indices()
    h = hashlib.sha256()
    h.update(np.asarray(M.shape, dtype=np.int64).tobytes())
    h.update(np.asarray(M.indptr, dtype=np.int64).tobytes())
    h.update(np.asarray(M.indices, dtype=np.int64).tobytes())
    h.update(np.asarray(M.data, dtype=np.float64).tobytes())
    return h.hexdigest()


def truncated_svd(M: sp.spmatrix, k: int, *, random_state: int = 0, solver: str = "arpack",
                  cache_dir: str | Path | None = None, key: str | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """(singular values in decreasing order, V as features x k, whether it came from the cache).

    With ``cache_dir``, the result is stored as ``svd-<matrix hash>-k<k>-<solver>-<seed>.npz`` and read back
    when the same matrix (by content hash) and k are asked again.
    """
    from scipy.sparse.linalg import svds  # deferred: scipy.sparse.linalg is slow to import

    path = None
    if cache_dir is not None:
        key = key or matrix_hash(M)
        path = Path(cache_dir) / f"svd-{key[:32]}-k{k}-{solver}-{random_state}.npz"
        if path.exists():
            with np.load(path) as z:
                return z["d"], z["V"], True
    rng = np.random.default_rng(random_state)
    v0 = rng.uniform(-1, 1, size=min(M.shape)) if solver == "arpack" else None
    M = sp.csr_matrix(M, dtype=float)
    if solver == "arpack" and M.shape[0] >= M.shape[1]:
        d, V = _tall_svd(M, k, v0)
    else:
        _, d, Vt = svds(M, k=k, solver=solver, v0=v0, random_state=random_state, return_singular_vectors="vh")
        order = np.argsort(-d)
        d, V = d[order], Vt[order].T.copy()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, d=d, V=V)
        tmp.replace(path)
    return d, V, False


def _tall_svd(M: sp.csr_matrix, k: int, v0: np.ndarray, chunk: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """The top-k singular values and right singular vectors of a tall sparse M (rows >= columns).

    As ``scipy.sparse.linalg.svds(solver="arpack")`` does: ARPACK's Lanczos iteration (``eigsh``) on the
    operator M'M with the same tolerance, then the Rayleigh-Ritz step in the span found. svds does that step
    with a dense SVD of the rows x k matrix M Q, which for 600,000 sentences and k = 300 needs several GB; here
    the k x k matrix (M Q)'(M Q) is summed over blocks of rows, and its eigen-decomposition gives the same
    singular values and right vectors without ever holding M Q.
    """
    from scipy.sparse.linalg import LinearOperator, eigsh

    n = M.shape[1]
    MT = M.T.tocsr()
    op = LinearOperator((n, n), matvec=lambda x: MT @ (M @ x), matmat=lambda X: MT @ (M @ X), dtype=float)
    _, Q = eigsh(op, k=k, tol=0, v0=v0)  # tol 0 = machine precision, svds' default
    Q, _ = np.linalg.qr(Q)
    B = np.zeros((k, k))
    for start in range(0, M.shape[0], chunk):
        Y = M[start:start + chunk] @ Q
        B += Y.T @ Y
    lam, W = np.linalg.eigh(B)
    order = np.argsort(-lam)
    return np.sqrt(np.maximum(lam[order], 0.0)), Q @ W[:, order]


def zapsmall(x: np.ndarray, digits: int = 7) -> np.ndarray:
    """R's ``zapsmall``: round to max(0, digits - ceil(log10(max |x|))) decimals (NaN ignored)."""
    x = np.asarray(x, dtype=float)
    finite = x[np.isfinite(x)]
    mx = float(np.max(np.abs(finite))) if finite.size else 0.0
    ndig = max(0, digits - int(math.ceil(math.log10(mx)))) if mx > 0 else digits
    return np.round(x, ndig)


def weight_seeds(seeds, features: Sequence[str]) -> tuple[dict[str, float], list[str], dict[str, float]]:
    """(weighted seeds found in ``features``, declared seeds not found, declared seeds with their values).

    ``seeds`` is a mapping seed -> value (sign = pole) or a sequence of seeds (all +1). Each declared seed's
    weight is value / (declared seeds of its sign); a glob pattern shares it among the features it matches.
    """
    if isinstance(seeds, Mapping):
        declared = {str(k): v for k, v in seeds.items()}
    elif isinstance(seeds, (list, tuple)) and all(isinstance(s, str) for s in seeds):
        declared = {s: 1.0 for s in seeds}
    else:
        raise ScalingError("D756", f"seeds must be a mapping word -> weight or a list of words, got {type(seeds).__name__}",
                           hint='e.g. {"good": 1, "bad": -1}')
    values = {}
    for word, v in declared.items():
        try:
            values[word] = float(v)
        except (TypeError, ValueError):
            raise ScalingError("D756", f"weight of seed {word!r} is not a number: {v!r}",
                               hint="seed weights are numbers; the sign gives the pole") from None
        if not math.isfinite(values[word]) or values[word] == 0:
            raise ScalingError("D756", f"weight of seed {word!r} must be a non-zero finite number, got {v!r}",
                               hint="use +1 for one pole and -1 for the other")
    n_pos = sum(1 for v in values.values() if v > 0)
    n_neg = sum(1 for v in values.values() if v < 0)
    index = {f: i for i, f in enumerate(features)}
    found: dict[str, float] = {}
    missing: list[str] = []
    for word, v in values.items():
        w = v / (n_pos if v > 0 else n_neg)
        if any(ch in word for ch in "*?["):
            matches = [f for f in fnmatch.filter(features, word)]
        else:
            matches = [word] if word in index else []
        if not matches:
            missing.append(word)
            continue
        for m in matches:
            found[m] = found.get(m, 0.0) + w / len(matches)
    return found, missing, values


class LatentSemanticScaling(BaseEstimator):
    """Latent Semantic Scaling (LSS).

    Parameters
    ----------
    seeds:
        Mapping seed word (or glob pattern) -> value; the sign is the pole (positive = toward the target power).
    k:
        Number of SVD components (word-vector size); must be smaller than both dimensions of X.
    terms:
        None (every feature that occurs), a list of words / glob patterns, or a mapping word -> weight: the
        words that get a polarity and score documents.
    slice:
        None (all k components) or the 0-based components to use (an int m means the first m).
    min_n:
        In ``predict``, a document's n is raised to at least ``min_n`` (an empty document keeps 0).
    rescale:
        ``predict`` centres and scales the fits by the mean and SD (n - 1) of the defined raw scores.
    random_state, solver:
        Passed to ``scipy.sparse.linalg.svds`` (``"arpack"`` or ``"propack"``).
    cache_dir:
        Folder for cached SVDs, keyed by the matrix's content hash and k (see :func:`truncated_svd`).

    Learned attributes: ``beta_`` (polarity per term), ``terms_``, ``term_frequency_``, ``seeds_weighted_``,
    ``seeds_missing_``, ``singular_values_``, ``embedding_`` (the word vectors of ``terms_`` then the seeds,
    rows), ``seed_similarity_``, ``svd_key_``, ``svd_from_cache_``, ``feature_names_in_``, ``n_features_in_``.
    """

    def __init__(self, seeds=None, k: int = 300, terms=None, slice=None, min_n: int = 0, rescale: bool = True,
                 random_state: int = 0, solver: str = "arpack", cache_dir=None):
        self.seeds = seeds
        self.k = k
        self.terms = terms
        self.slice = slice
        self.min_n = min_n
        self.rescale = rescale
        self.random_state = random_state
        self.solver = solver
        self.cache_dir = cache_dir

    def fit(self, X, y=None, feature_names=None, svd=None):
        """Fit on a (sentence or document) x feature count matrix with feature names.

        ``svd`` may pass a precomputed ``(singular values, V)`` for this X (used by the store's cache).
        """
        M, names = as_counts(X, feature_names)
        if names is None:
            raise ScalingError("D755", "LSS needs feature names to find its seed words",
                               hint="pass feature_names=..., a DataFrame or a FeatureMatrix")
        if self.seeds is None:
            raise ScalingError("D756", "LSS needs seed words", hint='e.g. seeds={"good": 1, "bad": -1}')
        if self.solver not in ("arpack", "propack"):
            raise ScalingError("D755", f"unknown SVD solver {self.solver!r}", hint="use 'arpack' or 'propack'")
        if M.nnz == 0:
            raise ScalingError("D758", "the matrix has no counts: every document is empty",
                               hint="check the documents' language and the feature trimming options")
        limit = min(M.shape) - 1
        if not isinstance(self.k, (int, np.integer)) or isinstance(self.k, bool) or self.k < 1 or self.k > limit:
            raise ScalingError("D757", f"k = {self.k!r} is not possible for a {M.shape[0]} x {M.shape[1]} matrix "
                               f"(1 <= k <= {limit})", hint=f"use k <= {limit}, or more documents / features")
        names = np.asarray([str(n) for n in names], dtype=object)
        freq = np.asarray(M.sum(axis=0)).ravel()
        present = [str(f) for f, c in zip(names, freq) if c > 0]
        found, missing, declared = weight_seeds(self.seeds, present)
        for pole, sign in (("positive", 1), ("negative", -1)):
            declared_pole = [w for w, v in declared.items() if v * sign > 0]
            if declared_pole and not any(found.get(f, 0) * sign > 0 for f in found):
                raise ScalingError("D756", f"no {pole} seed word occurs in the corpus (absent: "
                                   f"{', '.join(sorted(declared_pole))})",
                                   hint="choose seed words that occur in these documents' language and tokenization")
        if not any(v > 0 for v in declared.values()) or not any(v < 0 for v in declared.values()):
            raise ScalingError("D756", "LSS needs seed words of both poles (positive and negative weights)",
                               hint="give at least one seed word with +1 and one with -1")
        index = {f: i for i, f in enumerate(names)}
        term_names, term_weights = self._terms(present, index)
        if svd is not None:
            d, V = svd
            key, cached = None, True
        else:
            key = matrix_hash(M) if self.cache_dir is not None else None
            d, V, cached = truncated_svd(M, int(self.k), random_state=self.random_state, solver=self.solver,
                                         cache_dir=self.cache_dir, key=key)
        if V.shape != (M.shape[1], int(self.k)):
            raise ScalingError("D757", f"the SVD passed has shape {V.shape}, expected {(M.shape[1], int(self.k))}",
                               hint="compute the SVD of this matrix with this k")
        comps = self._slice()
        E = V[:, comps]
        without = [s for s in found if not np.any(E[index[s]])]  # no word vector (e.g. a reused SVD)
        if without:
            found = {s: w for s, w in found.items() if s not in without}
            missing = missing + without
            for pole, sign in (("positive", 1), ("negative", -1)):
                if not any(w * sign > 0 for w in found.values()):
                    raise ScalingError("D756", f"no {pole} seed word has a word vector (without one: "
                                       f"{', '.join(sorted(without))})", hint="refit with a fresh SVD (refresh)")
        seed_names = list(found)
        seed_w = np.array([found[s] for s in seed_names])
        Es = E[[index[s] for s in seed_names]]
        Et = E[[index[t] for t in term_names]]
        Es_n = Es / np.linalg.norm(Es, axis=1, keepdims=True)
        norms = np.linalg.norm(Et, axis=1)
        zero = norms == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = (Et / np.where(zero, 1.0, norms)[:, None]) @ Es_n.T
        keep = ~zero
        beta = (cos @ seed_w) * term_weights
        self.terms_ = np.asarray(term_names, dtype=object)[keep]
        self.beta_ = beta[keep]
        self.term_weights_ = term_weights[keep]
        self.term_frequency_ = freq[[index[t] for t in self.terms_]]
        self.seeds_weighted_ = found
        self.seeds_missing_ = missing
        self.singular_values_ = d
        self.embedding_ = np.vstack([Et[keep], Es])
        self.seed_similarity_ = Es_n @ Es_n.T
        self.svd_key_ = key
        self.svd_from_cache_ = bool(cached)
        self.feature_names_in_ = names
        self.n_features_in_ = M.shape[1]
        self.n_rows_fit_ = M.shape[0]
        return self

    def _slice(self) -> np.ndarray:
        k = int(self.k)
        if self.slice is None:
            return np.arange(k)
        comps = np.arange(int(self.slice)) if isinstance(self.slice, (int, np.integer)) else np.asarray(self.slice)
        if comps.size == 0 or comps.min() < 0 or comps.max() >= k:
            raise ScalingError("D757", f"slice {self.slice!r} is outside the k = {k} components",
                               hint=f"use components 0 .. {k - 1}")
        return comps

    def _terms(self, present: list[str], index: dict) -> tuple[list[str], np.ndarray]:
        if self.terms is None:
            return present, np.ones(len(present))
        spec = dict(self.terms) if isinstance(self.terms, Mapping) else {str(t): 1.0 for t in self.terms}
        out: dict[str, float] = {}
        present_set = set(present)
        for t, w in spec.items():
            matches = fnmatch.filter(present, t) if any(ch in t for ch in "*?[") else ([t] if t in present_set else [])
            for m in matches:
                out.setdefault(m, float(w))
        if not out:
            raise ScalingError("D768", f"none of the {len(spec)} terms occurs in the corpus",
                               hint="leave terms unset to use every feature, or pick terms of this language")
        return list(out), np.array(list(out.values()))

    # -- prediction --------------------------------------------------------------------------------------
    def predict(self, X, se_fit: bool = False, feature_names=None, rescale: bool | None = None,
                min_n: int | None = None):
        """Document scores: the weighted mean polarity of their terms (see the module docstring)."""
        check_fitted(self, "beta_")
        rescale = self.rescale if rescale is None else rescale
        min_n = self.min_n if min_n is None else min_n
        M, names = as_counts(X, feature_names)
        M = align(M, names, self.feature_names_in_)
        cols = np.array([self._column(t) for t in self.terms_])
        T = M[:, cols]
        n = np.asarray(T.sum(axis=1)).ravel()
        if min_n:
            n = np.where(n > 0, np.maximum(n, min_n), 0.0)
        safe = np.where(n > 0, n, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.where(n > 0, (T @ self.beta_) / safe, np.nan)
            var = np.where(n > 0, (T @ self.beta_ ** 2) / safe - raw ** 2, np.nan)
            var = np.maximum(zapsmall(var), 0.0)
            se = np.where(n > 1, np.sqrt(var) / np.sqrt(safe), np.nan)
        fit = raw
        if rescale:
            ok = ~np.isnan(raw)
            if ok.sum() < 2:
                raise ScalingError("D759", f"cannot rescale: only {int(ok.sum())} of {len(raw)} document(s) hold a "
                                   "scored term", hint="predict more documents together, or pass rescale=False")
            mean, sd = raw[ok].mean(), raw[ok].std(ddof=1)
            if sd == 0:
                raise ScalingError("D759", "cannot rescale: every scored document has the same raw score",
                                   hint="pass rescale=False")
            fit, se = (raw - mean) / sd, se / sd
        if se_fit:
            return Prediction(fit, se, n)
        return fit

    def _column(self, term: str) -> int:
        if not hasattr(self, "_col_index"):
            self._col_index = {str(f): i for i, f in enumerate(self.feature_names_in_)}
        return self._col_index[str(term)]

    def polarity(self):
        """The terms' polarity as a pandas Series sorted from the positive pole down."""
        import pandas as pd  # deferred

        check_fitted(self, "beta_")
        return pd.Series(self.beta_, index=pd.Index(self.terms_, name="term"), name="polarity").sort_values(
            ascending=False)
