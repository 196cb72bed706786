"""Seed files for LSS and context terms chosen by keyness (as LSX's ``char_context``).

A seed file (``models/seeds/orientation.yaml``) gives, per language, the seed words of each pole
(``target``: +1, toward the target power; ``west``: -1) and a ``context`` specification: the patterns whose
neighbourhood selects the terms that score documents. :func:`context_terms` follows LSX's ``char_context``:
the words within ``window`` tokens of a pattern match are compared with all other words by a chi-squared
test of the 2 x 2 table (inside / outside the windows x this word / other words, Yates-corrected, as
quanteda's ``textstat_keyness``); the words over-represented inside with p < ``p`` and at least
``min_count`` occurrences are kept (at most ``max_terms``, by keyness), the pattern words themselves removed.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import numpy as np

from ..errors import ScalingError

__all__ = ["DEFAULT_SEEDS", "load_seeds", "context_terms", "match_patterns"]

DEFAULT_SEEDS = Path(__file__).resolve().parents[3] / "models" / "seeds" / "orientation.yaml"
POLES = {"target": 1.0, "west": -1.0}


def load_seeds(path=None, language: str = "en") -> dict:
    """{"seeds": {word: +1 | -1}, "context": {...} or None, "name", "version", "path"} for ``language``."""
    import yaml  # PyYAML is a declared dependency

    path = Path(path) if path is not None else DEFAULT_SEEDS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScalingError("D766", f"cannot read the seed file {path}: {exc.strerror}",
                           hint="give an existing YAML file (see models/seeds/orientation.yaml)") from None
    except yaml.YAMLError as exc:
        raise ScalingError("D766", f"seed file {path} is not valid YAML: {exc}", hint="fix the YAML syntax") from None
    langs = data.get("languages") if isinstance(data, dict) else None
    if not isinstance(langs, dict) or not langs:
        raise ScalingError("D766", f"seed file {path} has no `languages` mapping",
                           hint="write languages: {en: {target: [...], west: [...]}}")
    if language not in langs:
        raise ScalingError("D766", f"seed file {path} has no seeds for language {language!r} (it has "
                           f"{', '.join(sorted(langs))})", hint="add the language to the seed file or pick another")
    spec = langs[language] or {}
    seeds: dict[str, float] = {}
    for pole, value in POLES.items():
        words = spec.get(pole)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ScalingError("D766", f"seed file {path}, language {language}: `{pole}` must be a non-empty list of "
                               "words", hint=f"e.g. {pole}: [word1, word2]")
        for w in words:
            w = w.strip().lower()
            if w in seeds:
                raise ScalingError("D766", f"seed file {path}, language {language}: {w!r} is a seed of both poles",
                                   hint="a seed word belongs to one pole")
            seeds[w] = value
    context = spec.get("context")
    if context is not None and (not isinstance(context, dict) or not context.get("patterns")):
        raise ScalingError("D766", f"seed file {path}, language {language}: `context` needs `patterns`",
                           hint="e.g. context: {patterns: ['russia*'], window: 10}")
    return {"seeds": seeds, "context": context, "name": data.get("name"), "version": data.get("version"),
            "path": str(path), "language": language}


def match_patterns(patterns, vocab) -> np.ndarray:
    """Indices of the vocabulary words matching any of the glob ``patterns`` (lower case)."""
    vocab = [str(v) for v in vocab]
    hit = set()
    for p in patterns:
        p = str(p).lower()
        if any(ch in p for ch in "*?["):
            hit.update(i for i, v in enumerate(vocab) if fnmatch.fnmatchcase(v, p))
        else:
            hit.update(i for i, v in enumerate(vocab) if v == p)
    return np.array(sorted(hit), dtype=np.int64)


def context_terms(corpus, *, language: str, patterns, window: int = 10, min_count: int = 10, p: float = 0.001,
                  max_terms: int | None = 1000, lemmas: bool = False, **filters):
    """The words near ``patterns`` by keyness (a DataFrame: term, inside, outside, chi2, p), best first."""
    import pandas as pd
    from scipy.stats import chi2 as _chi2

    from ..store import scaling as _st
    from .features import _ensure_tokens, tokenization_key

    if not isinstance(window, int) or window < 1:
        raise ScalingError("D765", f"context window must be a positive number of tokens, got {window!r}",
                           hint="e.g. window=10")
    docs = corpus.documents(language=language, **{k: v for k, v in filters.items() if v is not None})
    tok_key = tokenization_key(language, lemmas)
    _ensure_tokens(corpus, docs["id"].tolist(), tok_key, language, lemmas, 1)
    with corpus.store.read() as conn:
        vocab = _st.vocabulary(conn, tok_key)
        stored = _st.read_tokens(conn, tok_key, docs["id"].tolist())
    V = len(vocab)
    pat = match_patterns(patterns, vocab)
    if len(pat) == 0:
        raise ScalingError("D768", f"none of the context patterns ({', '.join(map(str, patterns))}) occurs in the "
                           f"{len(docs)} {language} documents", hint="check the patterns against the corpus words")
    is_pat = np.zeros(V, dtype=bool)
    is_pat[pat] = True
    inside = np.zeros(V, dtype=np.int64)
    total = np.zeros(V, dtype=np.int64)
    kernel = np.ones(2 * window + 1)
    for _, toks_b in stored.values():
        toks = np.frombuffer(toks_b, dtype=np.uint32).astype(np.int64)
        if not len(toks):
            continue
        total += np.bincount(toks, minlength=V)
        hits = is_pat[toks]
        if hits.any():
            near = np.convolve(hits.astype(float), kernel, mode="same") > 0
            inside += np.bincount(toks[near], minlength=V)
    outside = total - inside
    n_in, n_out = inside[~is_pat].sum(), outside[~is_pat].sum()
    a, b = inside.astype(float), outside.astype(float)
    c, d = n_in - a, n_out - b
    n = a + b + c + d
    with np.errstate(invalid="ignore", divide="ignore"):
        expected_a = (a + b) * (a + c) / n
        diff = np.maximum(np.abs(a * d - b * c) - n / 2, 0)  # Yates
        chi = n * diff ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    chi = np.where(a > expected_a, chi, -chi)  # signed: positive = over-represented near the patterns
    pval = _chi2.sf(np.abs(chi), 1)
    keep = (~is_pat) & (total >= min_count) & (chi > 0) & (pval < p)
    frame = pd.DataFrame({"term": np.asarray(vocab, dtype=object)[keep], "inside": inside[keep],
                          "outside": outside[keep], "chi2": chi[keep], "p": pval[keep]})
    frame = frame.sort_values(["chi2", "term"], ascending=[False, True]).reset_index(drop=True)
    if max_terms:
        frame = frame.head(int(max_terms))
    return frame
