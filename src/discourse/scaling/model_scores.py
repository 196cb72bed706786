"""Load a fitted scaling model and score documents with it: per document, per year or group, and year series."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
import numpy as np
import pandas as pd

from ..errors import ScalingError
from .model_files import DOCUMENT_COLUMNS, YEAR_COLUMNS, _check_name, models_dir


# -- loading and scoring -------------------------------------------------------------------------------------
@dataclass
class ModelTable:
    """A model's score table with what its sidecar records (the shape of ``discourse.export.ExportTable``)."""

    frame: pd.DataFrame
    kind: str
    parameters: dict = field(default_factory=dict)
    lexicon_hash: str | None = None
    snapshot: dict | None = None
    extra: dict = field(default_factory=dict)

    def write(self, path, fmt: str = "csv"):
        from ..tables import write_table

        return write_table(self.frame, path, fmt=fmt, kind=self.kind, parameters=self.parameters,
                           lexicon_hash=self.lexicon_hash, snapshot=self.snapshot, extra=self.extra)


def load_model(corpus, name: str) -> tuple[dict, dict]:
    """(sidecar, arrays) of the saved model ``name``."""
    _check_name(name)
    folder = models_dir(corpus)
    side_path, arr_path = folder / f"{name}.json", folder / f"{name}.npz"
    if not side_path.exists() or not arr_path.exists():
        known = sorted(p.stem for p in folder.glob("*.json")) if folder.exists() else []
        raise ScalingError("D770", f"no fitted model {name!r} beside the store {corpus.path}",
                           hint=("fitted models: " + ", ".join(known)) if known else
                           "fit one with `discourse scale fit lss --name NAME`")
    try:
        side = json.loads(side_path.read_text(encoding="utf-8"))
        with np.load(arr_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        raise ScalingError("D770", f"the model files of {name!r} in {folder} cannot be read: {exc}",
                           hint="fit the model again") from None
    return side, arrays


def _document_predictions(corpus, side: dict, arrays: dict, filters: dict):
    """(documents frame, Prediction) of the model for the (filtered) documents of its language."""
    from ._base import Prediction
    from .features import build_features

    kind = side["kind"]
    language = side["language"]
    D = build_features(corpus, language=language, unit="document", **filters)
    docs = corpus.documents(language=language, **filters).set_index("id").loc[D.doc_ids].reset_index()
    if kind == "lss":
        from .lss import LatentSemanticScaling

        est = LatentSemanticScaling(rescale=False)
        est.terms_, est.beta_ = arrays["terms"].astype(object), arrays["beta"]
        est.feature_names_in_ = np.asarray(D.features, dtype=object)
        est.n_features_in_ = len(est.feature_names_in_)
        known = set(est.feature_names_in_.tolist())
        has = np.array([t in known for t in est.terms_])
        est.terms_, est.beta_ = est.terms_[has], est.beta_[has]
        p = est.predict(D, se_fit=True, rescale=False)
        c, s = side["parameters"]["center"], side["parameters"]["scale"]
        pred = Prediction((p.fit - c) / s, p.se_fit / s, p.n)
    elif kind == "wordscores":
        from .wordscores import Wordscores

        est = Wordscores(rescaling=side["parameters"]["rescaling"])
        est.wordscores_ = arrays["wordscores"]
        est.scored_ = ~np.isnan(est.wordscores_)
        est.reference_scores_, est.reference_raw_ = arrays["reference_scores"], arrays["reference_raw"]
        est.feature_names_in_ = arrays["features"].astype(object)
        est.n_features_in_ = len(est.feature_names_in_)
        from ._base import align, as_counts

        M, names = as_counts(D)
        M = align(M, names, est.feature_names_in_)
        raw, se, n = est._raw(M)
        fit = raw
        method = est.rescaling
        if method is not None and (n > 0).sum() >= 2:
            ok = n > 0
            sub = est.predict(M[np.flatnonzero(ok)], se_fit=True)
            fit, se = np.full(len(n), np.nan), np.full(len(n), np.nan)
            fit[ok], se[ok] = sub.fit, sub.se_fit
        pred = Prediction(fit, se, n)
    else:
        from .wordfish import Wordfish

        est = Wordfish(priors=tuple(side["parameters"]["priors"]))
        est.features_used_ = arrays["features_used"].astype(bool)
        est.beta_, est.psi_ = arrays["beta"], arrays["psi"]
        est.theta_, est.se_theta_ = arrays["theta"], arrays["se_theta"]
        est.feature_names_in_ = arrays["features"].astype(object)
        est.n_features_in_ = len(est.feature_names_in_)
        from ._base import align, as_counts

        M, names = as_counts(D)
        M = align(M, names, est.feature_names_in_)
        n = np.asarray(M[:, np.flatnonzero(est.features_used_)].sum(axis=1)).ravel()
        fit, se = np.full(len(n), np.nan), np.full(len(n), np.nan)
        ok = np.flatnonzero(n > 0)
        if len(ok):
            sub = est.predict(M[ok], se_fit=True)
            fit[ok], se[ok] = sub.fit, sub.se_fit
        pred = Prediction(fit, se, n)
    return docs, pred


def model_scores_table(corpus, name: str, *, level: str = "document", group_by: str | None = None,
                       seed: int = 20240924, ci_level: float = 0.95, replicates: int = 1000, **filters):
    """The export table of a fitted model: per document (score, se, normal interval, words scored) or per year
    (words-weighted mean of the document scores with a seeded two-stage bootstrap interval)."""
    from scipy.stats import norm

    from ..score import _rng
    from ..tables import corpus_snapshot

    if level not in ("document", "year"):
        raise ScalingError("D771", f"a model's scores are given per document or per year, not per {level!r}",
                           hint="use level='document' or level='year' with a model")
    if not (0 < ci_level < 1) or not isinstance(replicates, int) or replicates < 1:
        raise ScalingError("D771", f"ci_level must be in (0, 1) and replicates >= 1, got {ci_level!r}, {replicates!r}",
                           hint="e.g. ci_level 0.95, replicates 1000")
    side, arrays = load_model(corpus, name)
    filters = {k: v for k, v in filters.items() if v is not None}
    docs, pred = _document_predictions(corpus, side, arrays, filters)
    z = float(norm.ppf(0.5 + ci_level / 2))
    frame = pd.DataFrame({c: docs[c] if c in docs.columns else None for c in DOCUMENT_COLUMNS[:6]})
    frame["score"] = pred.fit
    frame["se"] = pred.se_fit
    frame["ci_low"] = pred.fit - z * pred.se_fit
    frame["ci_high"] = pred.fit + z * pred.se_fit
    frame["n_words_scored"] = pred.n.astype(int)
    parameters = {"model": name, "kind": side["kind"], "level": level, "group_by": group_by, "filters": filters,
                  "ci_level": float(ci_level), "language": side["language"]}
    if level == "document":
        parameters["ci_method"] = "normal: score +/- z * se"
        out = frame
    else:
        keys = ([group_by] if group_by else []) + ["year"]
        if group_by and group_by not in frame.columns:
            frame[group_by] = docs[group_by].to_numpy() if group_by in docs.columns else None
        rows = []
        fit = frame["score"].to_numpy(dtype=float)
        se = np.nan_to_num(frame["se"].to_numpy(dtype=float), nan=0.0)
        n = frame["n_words_scored"].to_numpy(dtype=float)
        q = [(1 - ci_level) / 2 * 100, (1 + ci_level) / 2 * 100]
        for key, block in frame.groupby(keys, sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            idx = block.index.to_numpy()
            ok = idx[~np.isnan(fit[idx])]
            row = dict(zip(keys, key))
            row.update(n_docs=len(idx), n_docs_scored=len(ok), n_words_scored=int(n[idx].sum()))
            if len(ok) == 0:
                row.update(score=np.nan, se=np.nan, ci_low=np.nan, ci_high=np.nan)
                rows.append(row)
                continue
            w = n[ok]
            est = float((fit[ok] * w).sum() / w.sum())
            rng = _rng(seed, "model-period", name, *key)
            draws = rng.multinomial(len(ok), np.full(len(ok), 1 / len(ok)), size=replicates)  # B x D
            noisy = fit[ok][None, :] + se[ok][None, :] * rng.standard_normal((replicates, len(ok)))
            reps = (draws * w * noisy).sum(axis=1) / (draws * w).sum(axis=1)
            lo, hi = np.percentile(reps, q)
            row.update(score=est, se=float(reps.std(ddof=1)) if replicates > 1 else np.nan,
                       ci_low=float(min(lo, est)), ci_high=float(max(hi, est)))
            rows.append(row)
        out = pd.DataFrame(rows, columns=keys + [c for c in YEAR_COLUMNS if c != "year"])
        out["year"] = out["year"].astype("Int64")
        parameters.update(seed=int(seed), replicates=int(replicates),
                          ci_method="percentile bootstrap: documents of the year resampled, each drawn document's "
                          "score drawn from N(score, se^2); words-weighted mean")
    snapshot = corpus_snapshot(zip(docs["id"], docs["sha256"])) if "sha256" in docs.columns else None
    extra = {"model": {k: side.get(k) for k in ("kind", "name", "created_at", "versions", "language", "parameters",
                                               "features", "svd")},
             "model_corpus_snapshot": {k: side["corpus_snapshot"][k] for k in ("n_documents", "digest")},
             "orientation": "higher = toward the target power"}
    kind = "model_document_scores" if level == "document" else "model_year_scores"
    return ModelTable(out.reset_index(drop=True), kind, parameters, None, snapshot, extra)


#: Columns a fitted model's yearly series adds to the panel (``discourse panel --model NAME``).
MODEL_SERIES_COLUMNS = ("model_score", "model_ci_low", "model_ci_high")


def model_year_series(corpus, name: str, country: str, year_from: int, year_to: int, *, seed: int = 20240924,
                      ci_level: float = 0.95, replicates: int = 1000) -> pd.DataFrame:
    """The model's yearly scores of ``country`` indexed by year: model_score, model_ci_low, model_ci_high."""
    table = model_scores_table(corpus, name, level="year", country=country, year_from=year_from, year_to=year_to,
                               seed=seed, ci_level=ci_level, replicates=replicates)
    f = table.frame.dropna(subset=["year"])
    out = pd.DataFrame({"model_score": f["score"].to_numpy(dtype=float),
                        "model_ci_low": f["ci_low"].to_numpy(dtype=float),
                        "model_ci_high": f["ci_high"].to_numpy(dtype=float)},
                       index=pd.Index(f["year"].astype("int64").to_numpy(), name="year"))
    out.attrs["model"] = {"name": name, "kind": table.parameters["kind"], "parameters": table.parameters}
    return out
