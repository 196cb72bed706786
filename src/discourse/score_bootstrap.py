"""Bootstrap confidence intervals of the scores: seeded replicates over sentences, percentile intervals, outside flags."""

from __future__ import annotations

import hashlib
import math
from typing import Any
import numpy as np
import pandas as pd

from .score_counting import _K, _R, _SW, _SWP, _W


# -- statistics ---------------------------------------------------------------------------------------------
def _derive(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """score, ratio, logit from an array whose last axis is [n, sw, swp, W, R]."""
    sw, swp, W, R = stats[..., _SW], stats[..., _SWP], stats[..., _W], stats[..., _R]
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(sw > 0, swp / np.where(sw > 0, sw, 1.0), np.nan)
        total = W + R
        ratio = np.where(total > 0, (W - R) / np.where(total > 0, total, 1.0), np.nan)
        logit = np.log((R + 0.5) / (W + 0.5))
    return score, ratio, logit


def _interval(replicates: np.ndarray, estimate: float, level: float) -> tuple[float, float]:
    """Percentile interval of the defined replicates, as it is: never widened to contain ``estimate`` (an
    estimate outside it is flagged by :func:`_flag_outside`)."""
    valid = replicates[~np.isnan(replicates)]
    if valid.size == 0 or math.isnan(estimate):
        return math.nan, math.nan
    alpha = (1.0 - level) / 2.0
    lo, hi = np.percentile(valid, [100.0 * alpha, 100.0 * (1.0 - alpha)])
    return float(lo), float(hi)


def _intervals(replicates: np.ndarray, estimates: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_interval` of many series at once: ``replicates`` is (B x m), ``estimates`` (m,); returns the (m,)
    lower and upper bounds. The series with no undefined replicate go through one percentile call (numpy
    computes it column by column: the same values as one call per series); the others one by one."""
    alpha = (1.0 - level) / 2.0
    m = replicates.shape[1]
    lo, hi = np.full(m, np.nan), np.full(m, np.nan)
    defined = ~np.isnan(estimates)
    holes = np.isnan(replicates).any(axis=0)
    clean = np.flatnonzero(defined & ~holes)
    if clean.size:
        lo[clean], hi[clean] = np.percentile(replicates[:, clean], [100.0 * alpha, 100.0 * (1.0 - alpha)], axis=0)
    gappy = np.flatnonzero(defined & holes)
    if gappy.size:
        # undefined replicates sort last; the series with the same number of defined ones go through one call
        ordered = np.sort(replicates[:, gappy], axis=0)
        counts = (~np.isnan(ordered)).sum(axis=0)
        for n in np.unique(counts):
            cols = np.flatnonzero(counts == n)
            if n == 0:
                continue
            lo[gappy[cols]], hi[gappy[cols]] = np.percentile(ordered[:n, cols], [100.0 * alpha, 100.0 * (1.0 - alpha)],
                                                             axis=0)
    return lo, hi


def _flag_outside(out: pd.DataFrame) -> None:
    """``outside_ci``, ``ratio_outside_ci``, ``logit_outside_ci``: the estimate lies outside its percentile
    interval (possible with a skewed bootstrap distribution); False where there is no estimate or interval."""
    for prefix, col in (("", "score"), ("ratio_", "ratio"), ("logit_", "logit")):
        est, lo, hi = (out[c].astype(float) for c in (col, prefix + "ci_low", prefix + "ci_high"))
        out[prefix + "outside_ci"] = ((est < lo) | (est > hi)).astype(bool)


def _key_int(key: Any) -> int:
    return int.from_bytes(hashlib.sha256(str(key).encode("utf-8")).digest()[:8], "big")


def _rng(seed: int, *keys: Any) -> np.random.Generator:
    """A generator seeded by ``seed`` and the identity of what is resampled (a document, a period)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed)] + [_key_int(k) for k in keys]))


def _doc_replicates(sent: np.ndarray | None, n_sentences: int, rng: np.random.Generator, B: int) -> np.ndarray:
    """B bootstrap replicates (B x 5) of a document's totals, resampling its sentences with replacement.

    Sentences without hits contribute zeros, so only draws that land on a sentence with hits matter: drawing
    S sentences uniformly is the multinomial (S; 1/S, ..., 1/S, (S-k)/S) over the k hit sentences and one
    "rest" cell, sampled here exactly as m ~ Binomial(S, k/S) draws on hit sentences, each uniform among
    the k (cheaper than numpy's sequential multinomial).
    """
    if sent is None or len(sent) == 0:
        return np.zeros((B, _K))
    return _multinomial_uniform(rng, max(int(n_sentences) if n_sentences == n_sentences else 0, len(sent), 1),
                                len(sent), B) @ sent


def _multinomial_uniform(rng: np.random.Generator, n: int, k: int, B: int) -> np.ndarray:
    """B x k counts of the first k cells of Multinomial(n; 1/n, ..., 1/n) (n >= k cells, uniform)."""
    m = rng.binomial(n, k / n, size=B) if n > k else np.full(B, n)
    idx = rng.integers(0, k, size=int(m.sum()))
    rows = np.repeat(np.arange(B), m)
    return np.bincount(rows * k + idx, minlength=B * k).reshape(B, k).astype(float)
