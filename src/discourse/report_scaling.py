"""The report's figure of a fitted scaling model's yearly series beside the dictionary score (issue 16).

Kept apart from ``report.py`` so that the report's own modules can change without touching it;
``build_report(..., model=NAME)`` calls :func:`model_section`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["model_section"]


def model_section(corpus, model: str, years: pd.DataFrame, lo: int, hi: int, target: str, out: Path, *,
                  country: str | None, seed: int, level: float, replicates: int):
    """(figure, yearly table) of the model ``model`` next to the dictionary's yearly ``years``."""
    from .report_figures import _full_years, _low_years, _new_figure, _save, _year_axis
    from .scaling.models import model_scores_table

    table = model_scores_table(corpus, model, level="year", country=country, year_from=lo, year_to=hi, seed=seed,
                               ci_level=level, replicates=replicates)
    series = table.frame.dropna(subset=["year"])
    kind = {"lss": "Latent Semantic Scaling", "wordscores": "Wordscores", "wordfish": "Wordfish"}[table.parameters["kind"]]
    dic = _full_years(years, lo, hi)
    mod = series.drop_duplicates("year").set_index("year").reindex(range(lo, hi + 1)).rename_axis("year").reset_index()
    fig = _new_figure(9.5, 5.4)
    ax, bx = fig.subplots(2, 1, sharex=True)
    fig.subplots_adjust(left=0.08, right=0.985, top=0.95, bottom=0.08, hspace=0.25)
    x = dic["year"].astype(float).to_numpy()
    ax.fill_between(x, dic["ci_low"].astype(float), dic["ci_high"].astype(float), color="#444444", alpha=0.18,
                    linewidth=0)
    ax.plot(x, dic["score"].astype(float), color="black", marker="o", markersize=3, linewidth=1.2)
    for i, y in enumerate(_low_years(dic)):
        ax.axvspan(y - 0.5, y + 0.5, facecolor="none", edgecolor="#bbbbbb", hatch="///", linewidth=0,
                   label="low evidence" if i == 0 else None)
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_title(f"dictionary score (-1 West ... +1 {target})", fontsize=8, loc="left")
    _year_axis(ax, lo, hi)
    xm = mod["year"].astype(float).to_numpy()
    bx.fill_between(xm, mod["ci_low"].astype(float), mod["ci_high"].astype(float), color="#1f4e79", alpha=0.2,
                    linewidth=0)
    bx.plot(xm, mod["score"].astype(float), color="#1f4e79", marker="o", markersize=3, linewidth=1.2)
    bx.axhline(0, color="#888888", linewidth=0.8)
    bx.set_title(f"{kind} model '{model}' (higher = toward {target}; z-score relative to the documents of the fit)"
                 if table.parameters["kind"] == "lss" else f"{kind} model '{model}' (higher = toward {target})",
                 fontsize=8, loc="left")
    _year_axis(bx, lo, hi)
    pct = int(round(level * 100))
    figure = _save(fig, out, "model", f"{kind} beside the dictionary score",
                   f"Top: the dictionary's yearly score with its {pct}% bootstrap interval (hatched: low evidence). "
                   f"Bottom: the yearly score of the fitted model '{model}', the words-weighted mean of the statements' "
                   f"scores, with its {pct}% bootstrap interval (statements resampled, each drawn from its own "
                   "standard error). The model scores every statement with words, the dictionary only its hits.",
                   f"Two panels over {lo}-{hi}: dictionary score and {kind} score by year with intervals.")
    cols = ["year", "score", "ci_low", "ci_high", "n_docs", "n_docs_scored", "n_words_scored"]
    return figure, series[[c for c in cols if c in series.columns]].reset_index(drop=True)
