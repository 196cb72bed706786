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

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScalingError
from .model_files import (  # noqa: F401  re-exported: the model names, folders and columns are names of discourse.scaling.models
    DOCUMENT_COLUMNS, KINDS, WORDFISH_MAX_CELLS, YEAR_COLUMNS, models_dir, _NAME,
    _check_name, _now, _versions,
)
from .reference import (  # noqa: F401  re-exported: read_reference is a public name of discourse.scaling.models
    read_reference,
)
from .model_scores import (  # noqa: F401  re-exported: loading and scoring are public names of discourse.scaling.models
    MODEL_SERIES_COLUMNS, ModelTable, load_model, model_scores_table, model_year_series, _document_predictions,
)

__all__ = ["KINDS", "models_dir", "fit_model", "load_model", "model_scores_table", "read_reference",
           "ModelTable", "DOCUMENT_COLUMNS", "YEAR_COLUMNS"]

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


