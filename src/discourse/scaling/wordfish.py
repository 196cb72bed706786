"""Wordfish (Slapin & Proksch 2008): an unsupervised Poisson scaling model, fitted as quanteda's
``textmodel_wordfish`` does (alternating conditional maximisation with priors).

Slapin, J. B. & Proksch, S.-O. (2008), "A Scaling Model for Estimating Time-Series Party Positions from
Texts", *American Journal of Political Science* 52(3), 705-722, doi:10.1111/j.1540-5907.2008.00338.x.

Model (``docs/scaling.md``): y_ij ~ Poisson(lambda_ij), log lambda_ij = alpha_i + psi_j + beta_j theta_i, for
document i and word j, with priors beta_j ~ N(0, prior_beta^2) and theta_i ~ N(0, prior_theta^2) (quanteda's
defaults 3 and 1; alpha and psi flat). Identification: alpha of the first document is 0, theta is centred
and scaled to mean 0 and SD 1 (n - 1) after every document step (beta and psi are adjusted so that every
lambda is unchanged), and ``dir = (i, j)`` makes theta_i < theta_j.

Fitting: start from the first component of an SVD of the log counts' residuals, then alternate (a) Newton
steps for every word's (psi_j, beta_j) given the documents and (b) Newton steps for every document's
(alpha_i, theta_i) given the words, each step halved until the penalised log-likelihood does not fall, until
the penalised log-likelihood changes by less than ``tol`` (relative).

Standard errors: as quanteda, from the Hessian of each document's penalised log-likelihood in
(alpha_i, theta_i) at the estimates, given the word parameters: se(theta_i) = sqrt([-H^-1]_theta,theta).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator  # sklearn is a declared dependency; scaling is imported only when used

from ..errors import ScalingError
from ._base import Prediction, align, as_counts, check_fitted

__all__ = ["Wordfish"]


def _newton2(y, eta_fixed, x, a, b, prior_b, weights_axis):
    """One safeguarded Newton step for parameters (a, b) with log lambda = eta_fixed + a + b * x.

    ``y`` and ``eta_fixed`` are (units x items) arrays; ``x`` is (items,) or (units x items) (the other side's
    slope); the step is per unit (rows). Returns the new (a, b).
    """
    def pll(a_, b_):
        eta = eta_fixed + a_[:, None] + b_[:, None] * x
        return (y * eta - np.exp(eta)).sum(axis=1) - b_ ** 2 / (2 * prior_b ** 2)

    eta = eta_fixed + a[:, None] + b[:, None] * x
    lam = np.exp(eta)
    r = y - lam
    ga = r.sum(axis=1)
    gb = (r * x).sum(axis=1) - b / prior_b ** 2
    haa = -lam.sum(axis=1)
    hab = -(lam * x).sum(axis=1)
    hbb = -(lam * x * x).sum(axis=1) - 1.0 / prior_b ** 2
    det = haa * hbb - hab ** 2
    det = np.where(np.abs(det) < 1e-300, -1e-300, det)
    da = -(hbb * ga - hab * gb) / det
    db = -(-hab * ga + haa * gb) / det
    old = pll(a, b)
    step = np.ones_like(a)
    new_a, new_b = a + da, b + db
    for _ in range(30):
        val = pll(new_a, new_b)
        bad = ~(val >= old - 1e-12 * np.abs(old))
        if not bad.any():
            break
        step = np.where(bad, step / 2, step)
        new_a = np.where(bad, a + step * da, new_a)
        new_b = np.where(bad, b + step * db, new_b)
    else:
        val = pll(new_a, new_b)
        worse = ~(val >= old)
        new_a, new_b = np.where(worse, a, new_a), np.where(worse, b, new_b)
    return new_a, new_b


class Wordfish(BaseEstimator):
    """Wordfish estimator.

    Parameters
    ----------
    dir:
        (i, j): row indices of two documents; the fitted theta_i < theta_j.
    priors:
        Prior SDs (beta, theta); quanteda's defaults are 3 and 1.
    tol:
        Relative change of the penalised log-likelihood at which the iterations stop.
    max_iter:
        Maximum number of (word step, document step) rounds; not converging raises D761.

    Learned attributes: ``theta_``, ``alpha_``, ``beta_``, ``psi_`` (per used feature), ``se_theta_``,
    ``features_used_`` (mask: features that occur), ``loglik_``, ``n_iter_``, ``feature_names_in_``,
    ``n_features_in_``.
    """

    def __init__(self, dir=(0, 1), priors=(3.0, 1.0), tol: float = 1e-8, max_iter: int = 1000):
        self.dir = dir
        self.priors = priors
        self.tol = tol
        self.max_iter = max_iter

    def _check(self, n_docs: int):
        try:
            i, j = (int(v) for v in self.dir)
        except (TypeError, ValueError):
            raise ScalingError("D760", f"dir must be two document row indices, got {self.dir!r}",
                               hint="e.g. dir=(0, 1): the first document gets the lower position") from None
        if not (0 <= i < n_docs and 0 <= j < n_docs) or i == j:
            raise ScalingError("D760", f"dir = {self.dir!r} must name two different rows of the {n_docs} documents",
                               hint=f"use two indices in 0 .. {n_docs - 1}")
        try:
            pb, pt = (float(v) for v in self.priors)
        except (TypeError, ValueError):
            raise ScalingError("D755", f"priors must be two positive numbers, got {self.priors!r}",
                               hint="e.g. priors=(3, 1)") from None
        if not (pb > 0 and pt > 0):
            raise ScalingError("D755", f"priors must be positive, got {self.priors!r}", hint="e.g. priors=(3, 1)")
        return i, j, pb, pt

    def fit(self, X, y=None, feature_names=None):
        M, names = as_counts(X, feature_names)
        if M.shape[0] < 2:
            raise ScalingError("D752", f"Wordfish needs at least two documents, got {M.shape[0]}",
                               hint="scale several documents together")
        i_lo, i_hi, pb, pt = self._check(M.shape[0])
        rows = np.asarray(M.sum(axis=1)).ravel()
        empty = np.flatnonzero(rows == 0)
        if len(empty):
            raise ScalingError("D758", f"document in row {int(empty[0])} has no words ({len(empty)} empty document(s))",
                               hint="leave empty documents out of a Wordfish fit")
        used = np.asarray(M.sum(axis=0)).ravel() > 0
        if used.sum() < 2:
            raise ScalingError("D758", "fewer than two features occur in the documents", hint="use more features")
        Y = M[:, np.flatnonzero(used)].toarray()
        n, V = Y.shape
        # start values (as quanteda: document and word effects from the margins, positions from an SVD)
        alpha = np.log(Y.sum(axis=1) / Y.sum(axis=1)[0])
        psi = np.log(Y.mean(axis=0))
        resid = np.log(Y + 1.0) - np.log(Y + 1.0).mean(axis=1, keepdims=True) - np.log(Y + 1.0).mean(axis=0) \
            + np.log(Y + 1.0).mean()
        U, d, Vt = np.linalg.svd(resid, full_matrices=False)
        theta = U[:, 0].copy()
        theta = (theta - theta.mean()) / theta.std(ddof=1)
        beta = Vt[0] * d[0] * U[:, 0].std(ddof=1)
        ll_old = -np.inf
        converged = False
        for it in range(1, int(self.max_iter) + 1):
            # word step: (psi_j, beta_j) given alpha, theta  (units = words)
            psi, beta = _newton2(Y.T, alpha[None, :], theta[None, :], psi, beta, pb, 1)
            # document step: (alpha_i, theta_i) given psi, beta  (units = documents)
            alpha, theta = _newton2(Y, psi[None, :], beta[None, :], alpha, theta, pt, 1)
            shift = alpha[0]
            alpha, psi = alpha - shift, psi + shift
            m, s = theta.mean(), theta.std(ddof=1)
            theta = (theta - m) / s
            psi, beta = psi + beta * m, beta * s
            ll = self._pll(Y, alpha, psi, beta, theta, pb, pt)
            if abs(ll - ll_old) <= self.tol * abs(ll):
                converged = True
                break
            ll_old = ll
        if not converged:
            raise ScalingError("D761", f"Wordfish did not converge in {self.max_iter} iterations",
                               hint="raise max_iter or trim rare features")
        if theta[i_lo] > theta[i_hi]:
            theta, beta = -theta, -beta
        self.theta_, self.alpha_, self.psi_, self.beta_ = theta, alpha, psi, beta
        self.se_theta_ = self._se(Y, alpha, theta, psi, beta, pt)
        self.features_used_ = used
        self.loglik_ = float(ll)
        self.n_iter_ = it
        self.feature_names_in_ = names
        self.n_features_in_ = M.shape[1]
        return self

    @staticmethod
    def _pll(Y, alpha, psi, beta, theta, pb, pt) -> float:
        eta = alpha[:, None] + psi[None, :] + theta[:, None] * beta[None, :]
        return float((Y * eta - np.exp(eta)).sum() - (beta ** 2).sum() / (2 * pb ** 2) - (theta ** 2).sum() / (2 * pt ** 2))

    @staticmethod
    def _se(Y, alpha, theta, psi, beta, pt) -> np.ndarray:
        lam = np.exp(alpha[:, None] + psi[None, :] + theta[:, None] * beta[None, :])
        haa = -lam.sum(axis=1)
        hat = -(lam * beta).sum(axis=1)
        htt = -(lam * beta ** 2).sum(axis=1) - 1.0 / pt ** 2
        det = haa * htt - hat ** 2
        return np.sqrt(-haa / det)  # [-H^-1]_theta,theta = -h_aa / det

    def predict(self, X=None, se_fit: bool = False, feature_names=None):
        """Positions of documents: the fitted ones (``X`` None) or new ones, estimated given the word parameters."""
        check_fitted(self, "theta_")
        if X is None:
            n = None
            fit, se = self.theta_, self.se_theta_
        else:
            M, names = as_counts(X, feature_names)
            fitted = self.feature_names_in_ if self.feature_names_in_ is not None else np.arange(self.n_features_in_)
            M = align(M, names if self.feature_names_in_ is not None else None, fitted)
            Y = M[:, np.flatnonzero(self.features_used_)].toarray()
            rows = Y.sum(axis=1)
            empty = np.flatnonzero(rows == 0)
            if len(empty):
                raise ScalingError("D758", f"document in row {int(empty[0])} has none of the model's words",
                                   hint="leave empty documents out; they have no position")
            pt = float(self.priors[1])
            alpha = np.log(rows / np.exp(self.psi_).sum())
            theta = np.zeros(len(rows))
            old = -np.inf
            for _ in range(200):
                alpha, theta = _newton2(Y, self.psi_[None, :], self.beta_[None, :], alpha, theta, pt, 1)
                eta = alpha[:, None] + self.psi_[None, :] + theta[:, None] * self.beta_[None, :]
                ll = float((Y * eta - np.exp(eta)).sum() - (theta ** 2).sum() / (2 * pt ** 2))
                if abs(ll - old) <= 1e-12 * abs(ll):
                    break
                old = ll
            fit, se = theta, self._se(Y, alpha, theta, self.psi_, self.beta_, pt)
            n = rows
        if se_fit:
            return Prediction(fit, se, n if n is not None else np.full(len(fit), np.nan))
        return fit
