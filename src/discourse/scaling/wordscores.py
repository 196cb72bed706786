"""Wordscores (Laver, Benoit & Garry 2003), with LBG and Martin-Vanberg rescaling.

Formulas (``docs/scaling.md``): for reference texts r with a priori scores A_r and counts x_wr (plus
``smooth``),

* F_wr = x_wr / sum_w x_wr, P_wr = F_wr / sum_r F_wr, word score S_w = sum_r P_wr A_r (only words seen in a
  reference text are scored);
* a text v's raw score S_v = sum_w F_wv S_w with F_wv = x_wv / N_v over its N_v scorable tokens, and
  SE_v = sqrt(sum_w F_wv (S_w - S_v)^2) / sqrt(N_v);
* LBG: S*_v = (S_v - m) SD_r / SD_v + m (m, SD_v over the raw scores of the texts predicted together, SD_r of
  the reference scores, all with n - 1); SE*_v = SE_v SD_r / SD_v;
* Martin-Vanberg: S^MV_v = (S_v - S_lo)(A_hi - A_lo)/(S_hi - S_lo) + A_lo with lo/hi the reference texts of
  the lowest/highest reference score and S_lo/S_hi their raw scores; SE^MV = SE_v (A_hi - A_lo)/(S_hi - S_lo).

>>> import numpy as np
>>> X = np.array([[3, 1, 0], [0, 1, 3], [1, 1, 1]])
>>> ws = Wordscores().fit(X[:2], [-1, 1])
>>> ws.wordscores_.round(3).tolist()
[-1.0, 0.0, 1.0]
>>> round(float(ws.predict(X[2:])[0]), 6)
0.0
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator  # sklearn is a declared dependency; scaling is imported only when used

from ..errors import ScalingError
from ._base import Prediction, align, as_counts, check_fitted

__all__ = ["Wordscores"]

RESCALINGS = ("lbg", "mv", None)


class Wordscores(BaseEstimator):
    """Wordscores estimator.

    Parameters
    ----------
    smooth:
        Added to every count of the reference texts before the word scores are computed (0 = none).
    rescaling:
        ``"lbg"`` (Laver, Benoit & Garry), ``"mv"`` (Martin & Vanberg) or None (raw scores).

    Learned attributes: ``wordscores_`` (NaN for words no reference text holds), ``scored_`` (mask of the
    scored words), ``reference_scores_``, ``reference_raw_`` (raw scores of the reference texts),
    ``feature_names_in_`` (or None), ``n_features_in_``.
    """

    def __init__(self, smooth: float = 0.0, rescaling: str | None = None):
        self.smooth = smooth
        self.rescaling = rescaling

    def _check_params(self) -> None:
        if self.rescaling not in RESCALINGS:
            raise ScalingError("D755", f"unknown rescaling {self.rescaling!r}", hint="use 'lbg', 'mv' or None")
        if not isinstance(self.smooth, (int, float)) or isinstance(self.smooth, bool) or not self.smooth >= 0 \
                or not math.isfinite(self.smooth):
            raise ScalingError("D755", f"smooth must be a number >= 0, got {self.smooth!r}", hint="e.g. smooth=0 or 1")

    def fit(self, X, y, feature_names=None):
        """Learn word scores from the reference texts: rows of ``X`` whose ``y`` is a number (NaN rows are ignored)."""
        self._check_params()
        M, names = as_counts(X, feature_names)
        y = _reference_scores(y, M.shape[0])
        ref = np.flatnonzero(~np.isnan(y))
        if len(ref) < 2 or len(set(y[ref].tolist())) < 2:
            raise ScalingError("D752", f"Wordscores needs at least two reference texts with different scores, got "
                               f"{len(ref)} reference text(s) with score(s) {sorted(set(y[ref].tolist()))}",
                               hint="give a priori scores to at least two texts at different positions")
        R = M[ref].toarray() + float(self.smooth)
        totals = R.sum(axis=1)
        empty = np.flatnonzero(totals == 0)
        if len(empty):
            raise ScalingError("D758", f"reference text in row {int(ref[empty[0]])} has no words",
                               hint="remove empty reference texts or give them words")
        F = R / totals[:, None]
        colsum = F.sum(axis=0)
        scored = colsum > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(scored, F / np.where(scored, colsum, 1.0), 0.0)
        S = np.where(scored, (P * y[ref][:, None]).sum(axis=0), np.nan)
        self.wordscores_ = S
        self.scored_ = scored
        self.reference_scores_ = y[ref]
        self.reference_index_ = ref
        self.feature_names_in_ = names
        self.n_features_in_ = M.shape[1]
        raw, _, _ = self._raw(M[ref])
        self.reference_raw_ = raw
        return self

    def _raw(self, M):
        S = np.where(self.scored_, self.wordscores_, 0.0)
        Ms = M[:, np.flatnonzero(self.scored_)]
        Ss = S[self.scored_]
        n = np.asarray(Ms.sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.where(n > 0, (Ms @ Ss) / np.where(n > 0, n, 1.0), np.nan)
            second = np.where(n > 0, (Ms @ (Ss ** 2)) / np.where(n > 0, n, 1.0), np.nan)
            var = np.maximum(second - raw ** 2, 0.0)
            se = np.where(n > 0, np.sqrt(var) / np.sqrt(np.where(n > 0, n, 1.0)), np.nan)
        return raw, se, n

    def predict(self, X, se_fit: bool = False, feature_names=None, rescaling: str | None | bool = False):
        """Scores of the texts in ``X``: raw or rescaled (``rescaling`` overrides the estimator's when given).

        With ``se_fit=True`` returns a :class:`~discourse.scaling.Prediction` (fit, se_fit, n = scorable
        tokens). A text without scorable words cannot be scored: it raises D758 naming the row.
        """
        check_fitted(self, "wordscores_")
        method = self.rescaling if rescaling is False else rescaling
        if method not in RESCALINGS:
            raise ScalingError("D755", f"unknown rescaling {method!r}", hint="use 'lbg', 'mv' or None")
        M, names = as_counts(X, feature_names)
        M = align(M, names, self.feature_names_in_) if self.feature_names_in_ is not None else align(
            M, None, np.arange(self.n_features_in_))
        raw, se, n = self._raw(M)
        empty = np.flatnonzero(n == 0)
        if len(empty):
            raise ScalingError("D758", f"text in row {int(empty[0])} has no word that a reference text holds "
                               f"({len(empty)} such text(s))", hint="leave empty texts out; they have no score")
        if method == "lbg":
            if len(raw) < 2:
                raise ScalingError("D752", "LBG rescaling needs at least two texts predicted together (their mean and "
                                   "SD set the scale)", hint="predict the texts together, or use rescaling='mv' or None")
            m, sd_v = raw.mean(), raw.std(ddof=1)
            if sd_v == 0:
                raise ScalingError("D752", "LBG rescaling is undefined: every predicted text has the same raw score",
                                   hint="use rescaling='mv' or None")
            sd_r = self.reference_scores_.std(ddof=1)
            fit, se = (raw - m) * sd_r / sd_v + m, se * sd_r / sd_v
        elif method == "mv":
            A = self.reference_scores_
            lo, hi = int(np.argmin(A)), int(np.argmax(A))
            s_lo, s_hi = self.reference_raw_[lo], self.reference_raw_[hi]
            if s_hi == s_lo:
                raise ScalingError("D752", "Martin-Vanberg rescaling is undefined: the extreme reference texts have "
                                   "the same raw score", hint="use other reference texts or rescaling=None")
            factor = (A[hi] - A[lo]) / (s_hi - s_lo)
            fit, se = (raw - s_lo) * factor + A[lo], se * abs(factor)
        else:
            fit = raw
        if se_fit:
            return Prediction(fit, se, n)
        return fit


def _reference_scores(y, n_rows: int) -> np.ndarray:
    values = list(y) if not isinstance(y, np.ndarray) else y.tolist()
    if len(values) != n_rows:
        raise ScalingError("D751", f"{len(values)} reference scores for {n_rows} texts",
                           hint="give one score per row of X (NaN or None for texts that are not reference texts)")
    out = np.empty(n_rows)
    for i, v in enumerate(values):
        if v is None or (isinstance(v, str) and v.strip() == ""):
            out[i] = np.nan
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise ScalingError("D751", f"reference score of row {i} is not a number: {v!r}",
                               hint="reference scores are numbers; leave virgin texts empty (NaN)") from None
        if math.isinf(out[i]):
            raise ScalingError("D751", f"reference score of row {i} is infinite", hint="use a finite number")
    return out
