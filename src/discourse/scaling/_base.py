"""Input checks and the prediction type shared by the scaling estimators.

The estimators follow scikit-learn's contract: ``__init__`` only stores its parameters, ``fit`` returns the
estimator, learned attributes end in ``_`` and ``predict`` takes new data. ``X`` is a documents x features
count matrix: a SciPy sparse matrix, a NumPy array, a pandas DataFrame (its columns are the feature names) or a
:class:`~discourse.scaling.features.FeatureMatrix`. Feature names may also be passed as ``feature_names``;
with names, ``predict`` aligns new data to the fitted features by name (unknown features are ignored,
missing ones count 0).
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import scipy.sparse as sp

from ..errors import ScalingError

__all__ = ["Prediction", "as_counts", "align", "check_fitted"]


class Prediction(NamedTuple):
    """What ``predict(X, se_fit=True)`` returns: the fit, its standard error and the words scored per row."""

    fit: np.ndarray
    se_fit: np.ndarray
    n: np.ndarray


def as_counts(X, feature_names: Sequence[str] | None = None, *, what: str = "X") -> tuple[sp.csr_matrix, np.ndarray | None]:
    """``X`` as a float CSR matrix of non-negative finite counts, with its feature names (or None)."""
    names = None
    if hasattr(X, "matrix") and hasattr(X, "features"):  # a FeatureMatrix
        names = np.asarray(X.features, dtype=object)
        X = X.matrix
    elif hasattr(X, "columns") and hasattr(X, "to_numpy"):  # a DataFrame
        names = np.asarray([str(c) for c in X.columns], dtype=object)
        X = X.to_numpy()
    if feature_names is not None:
        names = np.asarray(list(feature_names), dtype=object)
    try:
        M = sp.csr_matrix(X, dtype=float) if sp.issparse(X) else sp.csr_matrix(np.asarray(X, dtype=float))
    except (TypeError, ValueError) as exc:
        raise ScalingError("D750", f"{what} is not a numeric documents x features matrix: {exc}",
                           hint="pass a SciPy sparse matrix, a 2-D NumPy array or a DataFrame of counts") from None
    if M.ndim != 2:
        raise ScalingError("D750", f"{what} must be 2-dimensional, got shape {M.shape}",
                           hint="pass one row per document and one column per feature")
    if M.nnz and not np.all(np.isfinite(M.data)):
        row = int(np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))[~np.isfinite(M.data)][0])
        raise ScalingError("D750", f"{what} holds a missing or infinite count in row {row}",
                           hint="counts must be finite numbers")
    if M.nnz and M.data.min() < 0:
        row = int(np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))[M.data < 0][0])
        raise ScalingError("D750", f"{what} holds a negative count in row {row}", hint="counts must be >= 0")
    if names is not None and len(names) != M.shape[1]:
        raise ScalingError("D750", f"{what} has {M.shape[1]} columns but {len(names)} feature names",
                           hint="give one name per column")
    M.sum_duplicates()
    return M, names


def align(M: sp.csr_matrix, names: np.ndarray | None, fitted: np.ndarray | None, *, what: str = "X") -> sp.csr_matrix:
    """Columns of ``M`` in the order of the ``fitted`` feature names (missing features count 0)."""
    if fitted is None or names is None:
        if fitted is not None and M.shape[1] != len(fitted):
            raise ScalingError("D754", f"{what} has {M.shape[1]} features, the model was fitted on {len(fitted)}",
                               hint="pass feature_names (or a FeatureMatrix / DataFrame) so columns can be matched "
                               "by name")
        return M
    if len(names) == len(fitted) and np.array_equal(names, fitted):
        return M
    index = {str(f): i for i, f in enumerate(fitted)}
    src = np.array([index.get(str(n), -1) for n in names], dtype=np.int64)
    keep = np.flatnonzero(src >= 0)
    P = sp.csr_matrix((np.ones(len(keep)), (keep, src[keep])), shape=(len(names), len(fitted)))
    return (M @ P).tocsr()


def check_fitted(est, attribute: str) -> None:
    if not hasattr(est, attribute):
        raise ScalingError("D753", f"this {type(est).__name__} is not fitted yet",
                           hint="call fit(X, ...) before predict")
