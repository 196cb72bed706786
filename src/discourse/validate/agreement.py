"""Agreement between coders: percent agreement, Krippendorff's alpha and Gwet's AC1 (nominal codes).

Input is a coding matrix: one row per item, one column per coder, a category label or None where the coder did
not code the item. The formulas (``docs/validate.md``):

* **percent agreement** p_a: for each item coded by at least two coders, the share of agreeing ordered pairs of
  its codes, sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)); averaged over those items (Gwet 2008).
* **Krippendorff's alpha** (nominal): computed by the ``krippendorff`` package (Krippendorff 2004).
* **Gwet's AC1**: (p_a - p_e) / (1 - p_e) with p_e = sum_k pi_k (1 - pi_k) / (Q - 1), where pi_k is the mean over
  the items with at least one code of the share r_ik / r_i of its codes in category k, and Q the number of
  categories of the codebook (Gwet 2008; Gwet 2014, ch. 4, for items with missing codes).

>>> round(gwet_ac1([["yes", "yes"], ["yes", "no"], ["no", "no"], ["yes", "yes"]], ["yes", "no"]), 6)
0.529412
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["counts_matrix", "percent_agreement", "gwet_ac1", "krippendorff_alpha", "agreement", "PREVALENCE_NOTE"]

#: Share of the most frequent category from which alpha is noted as misleading (the "kappa paradox").
PREVALENCE_NOTE = 0.8


def counts_matrix(matrix: Sequence[Sequence], categories: Sequence[str]) -> np.ndarray:
    """Items x categories: how many coders put each item in each category (None and '' are not codes)."""
    index = {c: i for i, c in enumerate(categories)}
    out = np.zeros((len(matrix), len(categories)))
    for i, row in enumerate(matrix):
        for v in row:
            if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
                continue
            out[i, index[v]] += 1
    return out


def percent_agreement(matrix, categories) -> float:
    """Mean over items with >= 2 codes of the share of agreeing pairs of codes (NaN when there is no such item)."""
    r = counts_matrix(matrix, categories)
    n = r.sum(axis=1)
    ok = n >= 2
    if not ok.any():
        return math.nan
    return float(np.mean((r[ok] * (r[ok] - 1)).sum(axis=1) / (n[ok] * (n[ok] - 1))))


def gwet_ac1(matrix, categories) -> float:
    """Gwet's AC1 for nominal codes, any number of coders, codes may be missing (NaN when undefined)."""
    q = len(categories)
    r = counts_matrix(matrix, categories)
    n = r.sum(axis=1)
    pa = percent_agreement(matrix, categories)
    coded = n >= 1
    if math.isnan(pa) or q < 2:
        return math.nan
    pi = (r[coded] / n[coded, None]).mean(axis=0)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    if pe >= 1:
        return math.nan
    return (pa - pe) / (1 - pe)


def krippendorff_alpha(matrix, categories) -> float:
    """Krippendorff's alpha for nominal codes, from the ``krippendorff`` package (NaN when undefined)."""
    import krippendorff  # deferred: only the report needs it

    r = counts_matrix(matrix, categories)
    r = r[r.sum(axis=1) >= 2]
    if r.shape[0] == 0 or (r.sum(axis=0) > 0).sum() < 2:
        return math.nan  # no pairable codes, or one category only: alpha is undefined
    return float(krippendorff.alpha(value_counts=r, level_of_measurement="nominal"))


def agreement(matrix, categories) -> dict:
    """Every figure for one coding matrix: items, pairable items, coders, percent, alpha, AC1, prevalence, note."""
    r = counts_matrix(matrix, categories)
    n = r.sum(axis=1)
    pairable = n >= 2
    totals = r[pairable].sum(axis=0)
    prevalence = float(totals.max() / totals.sum()) if totals.sum() else math.nan
    top = categories[int(totals.argmax())] if totals.sum() else None
    out = {
        "items": int((n >= 1).sum()), "items_pairable": int(pairable.sum()),
        "coders": int(max((sum(1 for v in row if v not in (None, "")) for row in matrix), default=0)),
        "percent_agreement": percent_agreement(matrix, categories),
        "krippendorff_alpha": krippendorff_alpha(matrix, categories),
        "gwet_ac1": gwet_ac1(matrix, categories),
        "top_category": top, "prevalence": prevalence, "note": "",
    }
    if not pairable.any():
        out["note"] = "no item coded by two coders"
    elif prevalence >= PREVALENCE_NOTE:
        out["note"] = (f"{prevalence:.0%} of the codes are '{top}': alpha may be low although the coders agree "
                       "(kappa paradox); read AC1 beside it")
    return out
