"""Fitted scaling models of a store: fit, save (arrays + JSON sidecar), load, score documents and years.

A model is saved beside the store, in ``<store>.scaling/models/NAME.npz`` (its arrays) and ``NAME.json`` (its
sidecar: kind, parameters, feature settings, corpus snapshot of the documents it was fitted on, seeds found and
missing, diagnostics and the versions of discourse, numpy, scipy and scikit-learn). No pickle is used: a model
file holds plain arrays only.

Document scores are oriented like the dictionary's: **higher = toward the target power**. LSS fits are
z-scores relative to the documents of the fit (their mean and SD, n - 1, are stored as ``center`` and
``scale``), so a document's score does not change when the export is filtered.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScalingError

__all__ = ["KINDS", "models_dir", "fit_model", "load_model", "model_scores_table", "read_reference",
           "ModelTable", "DOCUMENT_COLUMNS", "YEAR_COLUMNS"]

KINDS = ("lss", "wordscores", "wordfish")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
WORDFISH_MAX_CELLS = 60_000_000  # dense documents x features cells Wordfish may hold (8 bytes each)
DOCUMENT_COLUMNS = ["id", "date", "year", "country", "doc_type", "language", "score", "se", "ci_low", "ci_high",
                    "n_words_scored"]
YEAR_COLUMNS = ["year", "score", "se", "ci_low", "ci_high", "n_docs", "n_docs_scored", "n_words_scored"]


def models_dir(corpus) -> Path:
    from .features import cache_dir

    folder = cache_dir(corpus)
    if folder is None:
        raise ScalingError("D769", "an in-memory store cannot keep fitted models",
                           hint="open a store file, not ':memory:'")
    return folder / "models"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ScalingError("D769", f"model name {name!r} is not usable as a file name",
                           hint="use letters, digits, '.', '_' or '-' (at most 64), e.g. orient")
    return name


def _versions() -> dict:
    import scipy
    import sklearn

    from .. import __version__

    return {"discourse": __version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__}


def _now() -> str:
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
           else _dt.datetime.now(_dt.timezone.utc))
    return now.replace(microsecond=0).isoformat()


# -- reference texts ----------------------------------------------------------------------------------------
def read_reference(path, documents: pd.DataFrame) -> pd.Series:
    """Reference scores from a CSV with columns ``doc_id,score`` (doc_id: a store id, a unique id prefix, or the
    stem of the document's source file such as ``AZE_70_2015``); returns scores indexed by store id."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScalingError("D762", f"cannot read the reference file {path}: {exc}",
                           hint="give a UTF-8 CSV with the header doc_id,score") from None
    missing = [c for c in ("doc_id", "score") if c not in frame.columns]
    if missing:
        raise ScalingError("D762", f"reference file {path} lacks column(s) {', '.join(missing)} (has "
                           f"{', '.join(frame.columns)})", hint="write the header doc_id,score")
    ids = documents["id"].astype(str).tolist()
    stems = {}
    if "source_path" in documents.columns:
        for i, sp_ in zip(ids, documents["source_path"]):
            if isinstance(sp_, str) and sp_:
                stems.setdefault(Path(sp_.split("::")[-1]).stem, i)
    out = {}
    for line, (ref, score) in enumerate(zip(frame["doc_id"], frame["score"]), start=2):
        ref = ref.strip()
        match = [ref] if ref in ids else ([stems[ref]] if ref in stems else [i for i in ids if ref and i.startswith(ref)])
        if len(match) != 1:
            raise ScalingError("D762", f"{path}, line {line}: document {ref!r} is "
                               + ("ambiguous (several ids start with it)" if match else "not among the documents in scope"),
                               hint="use a document id from `discourse docs list` (or a source file stem such as "
                               "AZE_70_2015) of the language and filters you fit on")
        try:
            value = float(score)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ScalingError("D763", f"{path}, line {line}: score {score!r} of document {ref!r} is not a number",
                               hint="reference scores are finite numbers (higher = toward the target power)")
        if match[0] in out:
            raise ScalingError("D762", f"{path}, line {line}: document {ref!r} is listed twice",
                               hint="give each reference text once")
        out[match[0]] = value
    if len(out) < 2 or len(set(out.values())) < 2:
        raise ScalingError("D752", f"{path} gives {len(out)} reference text(s) with {len(set(out.values()))} "
                           "distinct score(s); Wordscores needs at least two texts with different scores",
                           hint="add reference texts at both ends of the dimension")
    return pd.Series(out, name="reference_score")


# -- SVD reuse ------------------------------------------------------------------------------------------------
def _settings_key(settings: dict) -> str:
    import hashlib

    s = {k: v for k, v in settings.items() if k != "filters"}
    return hashlib.sha256(json.dumps(s, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _svd(F, k: int, folder: Path | None, reuse: bool, refresh: bool):
    """(d, V, info): the SVD of F.matrix from the cache (same content hash and k), from a cached SVD of the same
    settings on a corpus that lacks at most 1% of these documents (``reuse``), or computed and cached."""
    from .lss import matrix_hash, truncated_svd

    key = matrix_hash(F.matrix)
    info = {"matrix_hash": key, "k": int(k), "source": "computed"}
    if folder is not None and not refresh:
        exact = folder / f"svd-{key[:32]}-k{k}-arpack-0.npz"
        if exact.exists():
            d, V, _ = truncated_svd(F.matrix, k, cache_dir=folder, key=key)
            info["source"] = "cache"
            return d, V, info
        if reuse:
            docs_now = set(F.doc_ids.tolist())
            skey = _settings_key(F.settings)
            for meta_path in sorted(folder.glob("svd-*.json")):
                meta = json.loads(meta_path.read_text())
                if meta.get("settings_key") != skey or meta.get("k") != k:
                    continue
                old_docs = set(meta["doc_ids"])
                added = docs_now - old_docs
                if old_docs <= docs_now and 0 < len(added) <= max(1, len(old_docs) // 100):
                    with np.load(meta_path.with_suffix(".npz")) as z:
                        d, V_old = z["d"], z["V"]
                    index = {f: i for i, f in enumerate(meta["features"])}
                    V = np.zeros((len(F.features), V_old.shape[1]))
                    rows = np.array([index.get(str(f), -1) for f in F.features])
                    V[rows >= 0] = V_old[rows[rows >= 0]]
                    info.update(source="reused", reused_from=meta["matrix_hash"], documents_added=len(added),
                                features_without_vector=int((rows < 0).sum()))
                    return d, V, info
    d, V, _ = truncated_svd(F.matrix, k, cache_dir=folder if not refresh else None, key=key)
    if folder is not None:
        if refresh:  # store the fresh result under its key
            folder.mkdir(parents=True, exist_ok=True)
            np.savez(folder / f"svd-{key[:32]}-k{k}-arpack-0.npz", d=d, V=V)
        meta = {"matrix_hash": key, "k": int(k), "settings_key": _settings_key(F.settings),
                "doc_ids": sorted(set(F.doc_ids.tolist())), "features": [str(f) for f in F.features]}
        (folder / f"svd-{key[:32]}-k{k}-arpack-0.json").write_text(json.dumps(meta))
    return d, V, info


# -- fitting --------------------------------------------------------------------------------------------------
def fit_model(corpus, kind: str, name: str, *, language: str = "en", seeds=None, reference=None, k: int = 300,
              terms: str | list | None = "context", min_count: int = 1, min_docs: int = 1, stopwords=None,
              dir: tuple[str, str] | None = None, smooth: float = 0.0, rescaling: str | None = None,
              workers: int = 1, reuse_svd: bool = True, refresh_svd: bool = False, **filters) -> dict:
    """Fit a model of ``kind`` (lss, wordscores, wordfish) on the store's documents and save it as ``name``.

    Returns the sidecar (a dict). ``filters`` select the documents of the fit (doc_type, country, year_from,
    year_to, post_category, ids).
    """
    from .features import build_features, cache_dir

    if kind not in KINDS:
        raise ScalingError("D755", f"unknown model kind {kind!r}", hint="use lss, wordscores or wordfish")
    _check_name(name)
    folder = models_dir(corpus)
    filters = {k_: v for k_, v in filters.items() if v is not None}
    trim = dict(min_count=min_count, min_docs=min_docs, stopwords=stopwords)
    side: dict = {"kind": kind, "name": name, "created_at": _now(), "versions": _versions(), "language": language}
    arrays: dict = {}
    if kind == "lss":
        from .lss import LatentSemanticScaling
        from .seeds import context_terms, load_seeds

        spec = load_seeds(seeds, language)
        F = build_features(corpus, language=language, unit="sentence", workers=workers, **trim, **filters)
        term_list = None
        context = None
        if terms == "context" and spec["context"]:
            c = spec["context"]
            ctx = context_terms(corpus, language=language, patterns=c["patterns"], window=int(c.get("window", 10)),
                                min_count=int(c.get("min_count", 10)), p=float(c.get("p", 0.001)),
                                max_terms=c.get("max_terms", 1000), **filters)
            term_list = ctx["term"].tolist()
            context = {**c, "n_terms": len(term_list)}
        elif isinstance(terms, (list, tuple)):
            term_list = list(terms)
        limit = min(F.shape) - 1
        if not isinstance(k, int) or k < 1 or k > limit:
            raise ScalingError("D757", f"k = {k!r} is not possible for the {F.shape[0]} x {F.shape[1]} sentence-feature "
                               f"matrix (1 <= k <= {limit})", hint=f"use k <= {limit}, or fit on more documents")
        d, V, svd_info = _svd(F, k, cache_dir(corpus), reuse_svd, refresh_svd)
        est = LatentSemanticScaling(seeds=spec["seeds"], k=k, terms=term_list)
        est.fit(F, svd=(d, V))
        D = build_features(corpus, language=language, unit="document", workers=workers, **filters)
        raw = est.predict(D, se_fit=True, rescale=False)
        ok = ~np.isnan(raw.fit)
        if ok.sum() < 2:
            raise ScalingError("D759", "fewer than two documents of the fit hold a scored term", hint="fit on more documents")
        center, scale = float(raw.fit[ok].mean()), float(raw.fit[ok].std(ddof=1))
        arrays = {"terms": est.terms_.astype(str), "beta": est.beta_, "term_frequency": est.term_frequency_,
                  "singular_values": est.singular_values_}
        total = float((F.matrix.data ** 2).sum())
        cum = np.cumsum(est.singular_values_ ** 2) / total
        side["parameters"] = {"k": k, "seeds_file": spec["path"], "seeds": spec["seeds"],
                              "seeds_weighted": est.seeds_weighted_, "seeds_missing": est.seeds_missing_,
                              "terms": "context" if context else ("given" if term_list else "all features"),
                              "context": context, "n_terms": int(len(est.terms_)), "center": center, "scale": scale,
                              "rescale": "z-score relative to the documents of the fit"}
        side["svd"] = svd_info
        side["diagnostics"] = _lss_diagnostics(est, V, F.features, cum)
        fit_docs = D
    elif kind == "wordscores":
        from .wordscores import Wordscores

        if reference is None:
            raise ScalingError("D762", "Wordscores needs reference texts", hint="give a reference CSV (doc_id,score)")
        D = build_features(corpus, language=language, unit="document", workers=workers, **trim, **filters)
        docs = corpus.documents(language=language, **filters)
        ref = read_reference(reference, docs)
        y = pd.Series(D.doc_ids).map(ref).to_numpy(dtype=float)
        est = Wordscores(smooth=smooth, rescaling=rescaling).fit(D, y)
        arrays = {"features": D.features.astype(str), "wordscores": est.wordscores_,
                  "reference_scores": est.reference_scores_, "reference_raw": est.reference_raw_}
        side["parameters"] = {"reference_file": str(reference), "n_reference": int(len(ref)),
                              "reference": {k_: float(v) for k_, v in ref.items()}, "smooth": smooth,
                              "rescaling": rescaling}
        fit_docs = D
    else:
        from .wordfish import Wordfish

        D = build_features(corpus, language=language, unit="document", workers=workers, **trim, **filters)
        cells = D.shape[0] * D.shape[1]
        if cells > WORDFISH_MAX_CELLS:
            raise ScalingError("D767", f"Wordfish would hold a dense {D.shape[0]} x {D.shape[1]} matrix ({cells:,} cells)",
                               hint="trim features (min_docs, min_count, stopwords='spacy') or fit on fewer documents")
        ids = D.doc_ids.tolist()
        if dir is None:
            pair = (0, 1)
        else:
            pos = []
            for ref_id in dir:
                match = [i for i, d_ in enumerate(ids) if d_ == ref_id or d_.startswith(str(ref_id))]
                if len(match) != 1:
                    raise ScalingError("D760", f"direction document {ref_id!r} is not (uniquely) among the documents of the fit",
                                       hint="give two document ids of the fit: the first gets the lower position")
                pos.append(match[0])
            pair = tuple(pos)
        est = Wordfish(dir=pair).fit(D)
        arrays = {"features": D.features.astype(str), "features_used": est.features_used_, "beta": est.beta_,
                  "psi": est.psi_, "theta": est.theta_, "se_theta": est.se_theta_,
                  "doc_ids": np.asarray(ids, dtype=str)}
        side["parameters"] = {"dir": [ids[pair[0]], ids[pair[1]]], "priors": list(est.priors), "tol": est.tol,
                              "n_iter": est.n_iter_, "loglik": est.loglik_}
        fit_docs = D
    side["features"] = {**fit_docs.settings, "min_count": int(min_count), "min_docs": int(min_docs),
                        "n_rows": int(F.shape[0]) if kind == "lss" else int(fit_docs.shape[0]),
                        "n_features": int(F.shape[1]) if kind == "lss" else int(fit_docs.shape[1])}
    if kind == "lss":
        side["features"].update(F.settings)
    docs = corpus.documents(language=language, **filters)
    from ..tables import corpus_snapshot

    side["corpus_snapshot"] = corpus_snapshot(zip(docs["id"], docs["sha256"]))
    side["filters"] = filters
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{name}.tmp.npz"
    np.savez(tmp, **arrays)
    tmp.replace(folder / f"{name}.npz")
    (folder / f"{name}.json").write_text(json.dumps(side, indent=1, ensure_ascii=False, default=_jsonable) + "\n",
                                         encoding="utf-8")
    return side


def _jsonable(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _lss_diagnostics(est, V, features, cum) -> dict:
    """Top words of each pole, leave-one-seed-out influence and the captured-variance curve over k."""
    pol = est.polarity()
    top = {"target": [[t, round(float(v), 6)] for t, v in pol.head(20).items()],
           "west": [[t, round(float(v), 6)] for t, v in pol.tail(20)[::-1].items()]}
    index = {str(f): i for i, f in enumerate(features)}
    seeds = list(est.seeds_weighted_)
    E = V[[index[t] for t in est.terms_]]
    En = E / np.linalg.norm(E, axis=1, keepdims=True)
    S = V[[index[s] for s in seeds]]
    Sn = S / np.linalg.norm(S, axis=1, keepdims=True)
    cos = En @ Sn.T
    w = np.array([est.seeds_weighted_[s] for s in seeds])
    full = cos @ w * est.term_weights_
    influence = []
    for j, s in enumerate(seeds):
        same = [i for i, s2 in enumerate(seeds) if np.sign(w[i]) == np.sign(w[j]) and i != j]
        if not same:
            influence.append({"seed": s, "correlation_without": None, "note": "only seed of its pole"})
            continue
        w2 = w.copy()
        w2[j] = 0.0
        b2 = cos @ w2 * est.term_weights_
        r = float(np.corrcoef(full, b2)[0, 1]) if np.std(b2) > 0 else None
        influence.append({"seed": s, "correlation_without": None if r is None else round(r, 6)})
    ks = [j for j in (10, 25, 50, 100, 150, 200, 250, 300, 400, 500) if j <= len(cum)]
    curve = [[j, round(float(cum[j - 1]), 6)] for j in ks]
    if len(cum) not in ks:
        curve.append([len(cum), round(float(cum[-1]), 6)])
    return {"top_terms": top, "leave_one_seed_out": influence,
            "variance_captured": {"note": "share of the squared Frobenius norm of the matrix captured by the first k "
                                  "components", "curve": curve}}


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
