"""The yearly panel: the orientation score beside every indicator, with z-scores, a composite and correlations.

:func:`panel` returns one row per year of the range (years without texts or without an indicator value stay
NaN, never zero); :func:`panel_correlations` correlates the orientation score with each indicator (Pearson and
Spearman, with n and p-values, labelled ``descriptive`` when n < 15) at lags -2..2; :class:`CompositeIndex`
fits the optional composite alignment index; :func:`write_panel` writes ``panel.csv`` and
``panel_correlations.csv`` with their sidecars.

Example (with a stand-in score series instead of the store's)::

    >>> import pandas as pd
    >>> from discourse import Corpus
    >>> scores = pd.DataFrame({"year": [2010, 2012], "score": [0.1, 0.3], "ci_low": [0.0, 0.1],
    ...                        "ci_high": [0.2, 0.5]})
    >>> frame = panel(Corpus.open(":memory:"), "AZE", 2009, 2012, scores=scores, rollcall=False)
    >>> frame["score"].tolist()
    [nan, 0.1, nan, 0.3]
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from . import indicators as _ind
from . import score as _score
from . import unvotes as _unvotes
from .defaults import COMPOSITE_METHODS
from .errors import IndicatorError
from .provenance import provenance
from .tables import write_table

__all__ = [
    "SCORE_COLUMNS",
    "CompositeIndex",
    "panel",
    "panel_correlations",
    "composite_loadings",
    "write_panel",
]

SCORE_COLUMNS = ("score", "ci_low", "ci_high", "ratio", "logit", "n_docs", "n_words", "n_hits", "low_evidence")
"""Columns taken from the yearly orientation scores (those present), in this order after ``year``."""

DESCRIPTIVE_BELOW = 15
"""Correlations on fewer pairs than this are labelled ``descriptive``."""

DEFAULT_LAGS = (-2, -1, 0, 1, 2)


class CompositeIndex:
    """Composite alignment index over direction-aligned z-scores (scikit-learn style: ``fit`` then ``transform``).

    ``method="pca"``: the first principal component (scikit-learn PCA) of the aligned z-scores, its sign
    chosen so that the loadings sum to a positive number (higher = closer to the target power).
    ``method="mean"``: the mean of the aligned z-scores (equal weights 1/k).

    Fitted attributes: ``columns_``, ``loadings_`` (Series), ``explained_variance_ratio_`` (pca only, else NaN),
    ``n_years_`` (complete years used to fit).
    """

    def __init__(self, method: str = "pca"):
        self.method = method

    def fit(self, aligned: pd.DataFrame) -> "CompositeIndex":
        """Fit on a frame of direction-aligned z-scores (one column per indicator; complete rows are used)."""
        if self.method not in COMPOSITE_METHODS:
            raise IndicatorError("D531", f"unknown composite method {self.method!r}", hint="use pca or mean")
        complete = aligned.dropna()
        if aligned.shape[1] < 2 or len(complete) < 3:
            raise IndicatorError(
                "D533", f"the composite needs at least two directed indicators and three complete years "
                        f"(have {aligned.shape[1]} indicator(s), {len(complete)} complete year(s))",
                hint="widen the year range, add indicators with a direction, or leave out the composite (composite=None)")
        self.columns_ = list(aligned.columns)
        self.n_years_ = int(len(complete))
        if self.method == "pca":
            from sklearn.decomposition import PCA  # deferred: scikit-learn is heavy; only the pca composite needs it

            pca = PCA(n_components=1, random_state=0).fit(complete.to_numpy())
            loadings = pca.components_[0]
            if loadings.sum() < 0:
                loadings = -loadings
            self.mean_ = pca.mean_
            self.explained_variance_ratio_ = float(pca.explained_variance_ratio_[0])
        else:
            loadings = np.full(len(self.columns_), 1.0 / len(self.columns_))
            self.mean_ = np.zeros(len(self.columns_))
            self.explained_variance_ratio_ = float("nan")
        self.loadings_ = pd.Series(loadings, index=self.columns_, name="loading")
        return self

    def transform(self, aligned: pd.DataFrame) -> pd.Series:
        """The index per row; NaN where any input is missing."""
        x = aligned[self.columns_].to_numpy(dtype=float)
        values = (x - self.mean_) @ self.loadings_.to_numpy()
        return pd.Series(values, index=aligned.index, name="composite")


def _column_name(indicator: str, partner: str) -> str:
    return indicator if not partner else f"{indicator}__{partner}"


def _check_range(year_from, year_to) -> tuple[int, int]:
    try:
        year_from, year_to = int(year_from), int(year_to)
    except (TypeError, ValueError):
        raise IndicatorError("D524", f"year range {year_from!r}-{year_to!r} is not two years",
                             hint="give year_from and year_to as years, year_from not after year_to") from None
    if year_from > year_to:
        raise IndicatorError("D524", f"year range {year_from}-{year_to} is empty", hint="give year_from and year_to as years, year_from not after year_to")
    return year_from, year_to


def _score_frame(corpus, country, year_from, year_to, scores, lexicon, score_options):
    """(score frame, lexicon hash, snapshot, parameters, versions) from the argument or the store; ``versions``
    holds the provenance's rule, library and lexicon records (:func:`discourse.provenance.provenance`)."""
    if scores is not None:
        frame = scores.copy()
        record = provenance(lexicon=lexicon)
        versions = {k: record[k] for k in ("library_versions", "lexicon", "rule_versions") if k in record}
        return (frame, frame.attrs.get("lexicon_hash"), frame.attrs.get("snapshot"), {"scores": "given by the caller"},
                versions)
    table = _score.scores_table(corpus, level="year", lexicon=lexicon, country=country, year_from=year_from, year_to=year_to,
                         **(score_options or {}))
    versions = {k: table.extra[k] for k in ("library_versions", "lexicon", "rule_versions") if k in table.extra}
    return table.frame, table.lexicon_hash, table.snapshot, table.parameters, versions


def panel(
    corpus,
    country: str,
    year_from: int,
    year_to: int,
    *,
    partner: str = "RUS",
    scores: pd.DataFrame | None = None,
    lexicon=None,
    composite: str | None = None,
    rollcall: bool = True,
    votes_dir: str | os.PathLike | None = None,
    score_options: dict | None = None,
    model: str | None = None,
) -> pd.DataFrame:
    """The yearly panel of ``country``: orientation score beside every annual indicator, with z-scores.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus`; its indicators (shipped ones loaded on first use) and, unless
        ``scores`` is given, its yearly orientation scores (``discourse.score.scores_table(level="year")``).
    country, year_from, year_to:
        ISO alpha-3 code and the inclusive year range: the panel has exactly one row per year.
    partner:
        The target power for the roll-call agreement (``un_vote_agreement_rollcall__RUS``).
    scores:
        A stand-in yearly score frame (columns year, score, ci_low, ci_high, ...) instead of the store's.
    composite:
        None, ``"pca"`` or ``"mean"``: adds a ``composite`` column (see :class:`CompositeIndex`).
    rollcall:
        When the store has no roll-call agreement for (country, partner) and the roll-call tables are found
        (``votes_dir`` or the default folder), compute it with the default convention and include it.
    score_options:
        Extra keyword arguments for ``discourse.score.scores_table`` (e.g. ``{"min_hits": 1, "seed": 7}``).
    model:
        The name of a fitted scaling model (``discourse scale fit``): its yearly series is added beside the
        dictionary score as ``model_score``, ``model_ci_low``, ``model_ci_high``.

    Columns: year, the score columns (:data:`SCORE_COLUMNS`), one column per indicator series (named
    ``indicator`` or ``indicator__PARTNER``), then ``z_<column>`` for the score and each series, then
    ``composite`` if asked. ``frame.attrs`` holds ``variables`` (metadata per column), ``composite``
    (method, loadings, explained variance), ``lexicon_hash``, ``snapshot`` and ``parameters``.
    """
    year_from, year_to = _check_range(year_from, year_to)
    if composite is not None and composite not in COMPOSITE_METHODS:
        raise IndicatorError("D531", f"unknown composite method {composite!r}", hint="use pca or mean")
    country = str(country).upper()
    partner = str(partner).upper()
    years = pd.Index(range(year_from, year_to + 1), name="year")
    score_frame, lexicon_hash, snapshot, score_params, versions = _score_frame(corpus, country, year_from, year_to, scores, lexicon,
                                                                    score_options)
    if "year" not in score_frame.columns:
        raise IndicatorError("D532", "the yearly scores have no 'year' column",
                             hint="pass scores with columns year, score, ci_low, ci_high")
    missing = [c for c in ("score", "ci_low", "ci_high") if c not in score_frame.columns]
    if missing:
        raise IndicatorError("D532", f"the yearly scores lack column(s) {', '.join(missing)}",
                             hint="pass scores with columns year, score, ci_low, ci_high")
    keep = [c for c in SCORE_COLUMNS if c in score_frame.columns]
    sf = score_frame.dropna(subset=["year"]).copy()
    sf["year"] = sf["year"].astype("int64")
    sf = sf.drop_duplicates("year").set_index("year")[keep].reindex(years)
    if "n_docs" in sf.columns:  # a year without texts has no score, whatever the caller passed
        no_docs = sf["n_docs"].fillna(0) == 0
        for col in ("score", "ci_low", "ci_high", "ratio", "logit"):
            if col in sf.columns:
                sf.loc[no_docs, col] = np.nan
    if model is not None:  # a fitted scaling model's yearly series beside the dictionary score (issue 16)
        from .scaling.models import model_year_series

        sf = sf.join(model_year_series(corpus, model, country, year_from, year_to).reindex(years))

    values = _ind.indicator_values(corpus, country=country, year_from=year_from, year_to=year_to)
    meta = _ind.indicator_metadata(corpus).set_index("indicator")
    annual = set(meta.index[meta["frequency"].fillna("annual") == "annual"])
    values = values[values["indicator"].isin(annual)]
    rollcall_info = None
    has_rollcall = ((values["indicator"] == _ind.ROLLCALL_INDICATOR) & (values["partner"] == partner)).any()
    if rollcall and not has_rollcall:
        folder = Path(votes_dir) if votes_dir is not None else _unvotes.default_votes_dir()
        if (folder / "un_votes.csv.gz").exists():
            agreement = _unvotes.un_vote_agreement(country, partner, year_from, year_to, votes_dir=folder)
            extra = pd.DataFrame({"indicator": _ind.ROLLCALL_INDICATOR, "country": country, "partner": partner,
                                  "year": agreement["year"], "value": agreement["agreement"].astype(float),
                                  "unit": "share", "bound": "", "source": "computed from roll calls",
                                  "note": "convention=identical; exclude_issues=none", "file": None, "line": None,
                                  "origin": "computed"})
            extra_n = extra.assign(indicator=_ind.ROLLCALL_N_INDICATOR, value=agreement["n"].astype(float),
                                   unit="count")
            values = pd.concat([values, extra, extra_n], ignore_index=True)
            rollcall_info = {"computed_from": str(folder), "convention": "identical", "exclude_issues": []}
            for name, rec in _ind.COMPUTED_META.items():
                if name not in meta.index:
                    meta.loc[name, ["label", "unit", "direction", "frequency", "source"]] = [
                        rec["label"], rec["unit"], rec["direction"], "annual", rec["source"]]

    values = values.assign(column=[_column_name(i, p) for i, p in zip(values["indicator"], values["partner"])])
    wide = values.pivot_table(index="year", columns="column", values="value", aggfunc="first").reindex(years)
    columns = sorted(wide.columns)
    wide = wide[columns]
    variables = {}
    first = values.drop_duplicates("column").set_index("column")
    for col in columns:
        name = first.loc[col, "indicator"]
        bounds = values.loc[(values["column"] == col) & (values["bound"] != ""), ["year", "bound"]]
        variables[col] = {
            "indicator": name, "partner": first.loc[col, "partner"], "label": meta.loc[name, "label"],
            "unit": meta.loc[name, "unit"], "direction": int(meta.loc[name, "direction"]),
            "bounds": {int(y): b for y, b in zip(bounds["year"], bounds["bound"])},
        }
    out = pd.concat([sf, wide], axis=1)
    z_cols = ["score"] + columns
    for col in z_cols:
        s = out[col].astype(float)
        sd = s.std(ddof=1)
        out[f"z_{col}"] = (s - s.mean()) / sd if s.notna().sum() >= 2 and sd > 0 else np.nan
    comp_info = None
    if composite is not None:
        directed = [c for c in columns if variables[c]["direction"] != 0 and out[c].notna().all()
                    and out[c].std(ddof=1) > 0]
        aligned = pd.DataFrame({c: out[f"z_{c}"] * variables[c]["direction"] for c in directed}, index=out.index)
        model = CompositeIndex(composite).fit(aligned)
        out["composite"] = model.transform(aligned)
        skipped = [c for c in columns if c not in directed]
        comp_info = {
            "method": composite,
            "description": ("first principal component (scikit-learn PCA) of the direction-aligned z-scores"
                            if composite == "pca" else "mean of the direction-aligned z-scores"),
            "inputs": "indicators with a direction (1 or -1) and a value in every year of the range",
            "loadings": {k: float(v) for k, v in model.loadings_.items()},
            "explained_variance_ratio": model.explained_variance_ratio_,
            "n_years": model.n_years_,
            "left_out": skipped,
        }
    out = out.reset_index()
    out.attrs = {
        "variables": variables,
        "composite": comp_info,
        "lexicon_hash": lexicon_hash,
        "snapshot": snapshot,
        "provenance": versions,
        "parameters": {"country": country, "partner": partner, "year_from": year_from, "year_to": year_to,
                       "composite": composite, "rollcall": rollcall_info, "scores": score_params,
                       "model": model},
    }
    return out


def composite_loadings(frame: pd.DataFrame) -> pd.DataFrame:
    """The composite's loadings from a :func:`panel` frame: indicator, direction, loading (empty if none)."""
    info = frame.attrs.get("composite")
    if not info or not info.get("loadings"):
        return pd.DataFrame(columns=["variable", "direction", "loading"])
    variables = frame.attrs.get("variables", {})
    return pd.DataFrame([{"variable": k, "direction": variables.get(k, {}).get("direction"), "loading": v}
                         for k, v in info["loadings"].items()])


def _pair_stats(x: np.ndarray, y: np.ndarray) -> dict:
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    rec = {"n": n, "pearson_r": np.nan, "pearson_p": np.nan, "spearman_rho": np.nan, "spearman_p": np.nan}
    if n >= 3 and np.ptp(x[ok]) > 0 and np.ptp(y[ok]) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r, p = stats.pearsonr(x[ok], y[ok])
            rho, sp = stats.spearmanr(x[ok], y[ok])
        rec.update(pearson_r=float(r), pearson_p=float(p), spearman_rho=float(rho), spearman_p=float(sp))
    return rec


def panel_correlations(frame: pd.DataFrame, *, target: str = "score", lags: Iterable[int] = DEFAULT_LAGS,
                       variables: Iterable[str] | None = None) -> pd.DataFrame:
    """Correlations of the orientation score with each indicator column of a :func:`panel` frame.

    For lag k the score of year t is paired with the indicator of year t - k: k > 0 means the indicator
    leads the text by k years, k < 0 that it follows it. Columns: variable, lag, n, pearson_r, pearson_p,
    spearman_rho, spearman_p, label (``descriptive`` when n < 15). Fewer than 3 pairs, or a constant series,
    give NaN coefficients.
    """
    if variables is None:
        skip = {"year", target, *SCORE_COLUMNS, "model_ci_low", "model_ci_high"}
        variables = [c for c in frame.columns if c not in skip and not c.startswith("z_")]
    data = frame.set_index("year").sort_index()
    if len(data) and (np.diff(data.index.to_numpy()) != 1).any():
        data = data.reindex(range(int(data.index.min()), int(data.index.max()) + 1))
    y = data[target].astype(float).to_numpy()
    if "low_evidence" in data.columns and target in SCORE_COLUMNS:  # flagged years keep their numbers in the
        flagged = data["low_evidence"].map(lambda v: bool(v) if v == v and v is not None else False).to_numpy()
        y = np.where(flagged, np.nan, y)                            # table but stay out of the correlations
    rows = []
    for var in variables:
        for k in lags:
            x = data[var].astype(float).shift(int(k)).to_numpy()
            rec = {"variable": var, "lag": int(k), **_pair_stats(x, y)}
            rec["label"] = "descriptive" if rec["n"] < DESCRIPTIVE_BELOW else ""
            rows.append(rec)
    return pd.DataFrame(rows, columns=["variable", "lag", "n", "pearson_r", "pearson_p", "spearman_rho",
                                       "spearman_p", "label"])


def write_panel(corpus, out: str | os.PathLike = "out", *, country: str = "AZE", year_from: int = 2009,
                year_to: int = 2019, composite: str | None = "auto", frame: pd.DataFrame | None = None,
                **options) -> Path:
    """Write the panel and its correlations, each with a sidecar; return the panel's path.

    ``out`` is a folder (the files are ``out/panel.csv`` and ``out/panel_correlations.csv``) or the panel's
    CSV path (the correlations go beside it as ``<stem>_correlations.csv``). The sidecars record the
    parameters, the lexicon hash, the corpus snapshot, each column's metadata and the composite's loadings.
    ``composite="auto"`` (the default) adds the mean composite when it can be fitted and otherwise writes the
    panel without it, recording why in the sidecar; ``"pca"``, ``"mean"`` or None ask for exactly that.
    Other keyword arguments go to :func:`panel` (e.g. ``lexicon=``, ``votes_dir=``).

    Example (the main job): ``write_panel(corpus, "out/panel.csv", country="AZE", lexicon=lexicon)``.
    """
    out = Path(out)
    path = out if out.suffix.lower() == ".csv" else out / "panel.csv"
    corr_path = path.with_name(f"{path.stem}_correlations.csv")
    if frame is None:
        if composite == "auto":
            try:
                frame = panel(corpus, country, year_from, year_to, composite="mean", **options)
            except IndicatorError as exc:
                if exc.code != "D533":
                    raise
                frame = panel(corpus, country, year_from, year_to, composite=None, **options)
                frame.attrs["composite"] = {"method": None, "not_fitted": exc.message}
        else:
            frame = panel(corpus, country, year_from, year_to, composite=composite, **options)
    corr = panel_correlations(frame)
    attrs = frame.attrs
    extra = {**attrs.get("provenance", {}), "variables": attrs.get("variables"), "composite": attrs.get("composite"),
             "missing": "years without texts or without an indicator value are empty cells, never zero"}
    write_table(frame, path, kind="panel", parameters=attrs.get("parameters", {}),
                lexicon_hash=attrs.get("lexicon_hash"), snapshot=attrs.get("snapshot"), extra=extra)
    write_table(corr, corr_path, kind="panel_correlations",
                parameters={**attrs.get("parameters", {}), "lags": list(DEFAULT_LAGS),
                            "lag_meaning": "lag k pairs the score of year t with the indicator of year t-k",
                            "descriptive_below_n": DESCRIPTIVE_BELOW},
                lexicon_hash=attrs.get("lexicon_hash"), snapshot=attrs.get("snapshot"),
                extra=attrs.get("provenance", {}))
    return path
