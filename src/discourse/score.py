"""Orientation scores per document and per period, with bootstrap confidence intervals.

Every formula and counting rule is written out in ``docs/scoring.md``. In short, each lexicon hit gets an
*effective position* on the spectrum from -1 (balancing / toward the West) through 0 (hedging) to +1
(bandwagoning / toward the target power) and a weight; then

* ``score``  = weighted mean effective position of the counted hits (positive = toward the target power);
* ``W``, ``R`` = summed weights of the counted hits whose effective position is < 0 (West) or > 0 (target);
* ``ratio``  = (W - R) / (W + R)  (positive = toward the **West**; NaN when W + R = 0);
* ``logit``  = log((R + 0.5) / (W + 0.5))  (positive = toward the **target power**), the empirical logit of
  Lowe, Benoit, Mikhaylov & Laver (2011), "Scaling policy preferences from coded political texts",
  Legislative Studies Quarterly 36(1): 123-155.

The pure functions (:func:`count_hits`, :func:`score_documents`, :func:`score_periods`) take a hits frame, a
documents frame and an entries frame, so they can be tested without spaCy; :func:`document_scores`,
:func:`period_scores` and :func:`write_scores` pull those frames from a :class:`~discourse.corpus.Corpus`.

>>> import pandas as pd
>>> entries = pd.DataFrame({"entry_id": ["euro_atlantic", "cis"], "category": ["west", "russia_led"],
...                         "position": [-1.0, 1.0], "weight": [1.0, 1.0], "on_negation": ["flip", "flip"],
...                         "needs_target": [False, False]})
>>> docs = pd.DataFrame({"id": ["d1"], "year": [2010], "words": [1000], "sentences": [50]})
>>> hits = pd.DataFrame({"doc_id": ["d1"] * 3, "entry_id": ["euro_atlantic", "euro_atlantic", "cis"],
...                      "sent_start": [0, 40, 90], "negated": [False, False, False], "target_group": [None] * 3})
>>> row = score_documents(hits, docs, entries, min_hits=1).iloc[0]
>>> [round(float(row[c]), 4) for c in ("score", "W", "R", "ratio", "logit")]
[-0.3333, 2.0, 1.0, 0.3333, -0.5108]
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import match as _match
from .defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from .errors import ScoreError
from .lexicon import load_lexicon
from .provenance import SCORING_RULES, provenance
from .tables import Table

__all__ = [
    "SCORING_RULES",
    "DEFAULT_SEED",
    "DEFAULT_REPLICATES",
    "DEFAULT_LEVEL",
    "DEFAULT_MIN_HITS",
    "SCORE_COLUMNS",
    "entries_frame",
    "parse_windows",
    "count_hits",
    "score_documents",
    "score_periods",
    "document_scores",
    "period_scores",
    "scores_table",
    "write_scores",
    "ScoresTable",
]

# SCORING_RULES, the version of the counting and scoring rules, is registered with the others in provenance.py.
# DEFAULT_SEED, DEFAULT_REPLICATES, DEFAULT_LEVEL, DEFAULT_MIN_HITS: in defaults.py (shown by the CLI).

#: Actor groups (from the gazetteer) that point a ``needs_target`` entry toward the target power or the West.
TOWARD_TARGET = ("target", "target_led")
TOWARD_WEST = ("west",)

_ENTRY_COLUMNS = ("entry_id", "category", "position", "weight", "on_negation", "needs_target")
_HIT_COLUMNS = ("doc_id", "entry_id", "sent_start", "negated", "target_group")
# Per-sentence / per-document sufficient statistics, in this order.
_N, _SW, _SWP, _W, _R = range(5)
_K = 5

#: Score columns shared by the document and period tables, in output order.
SCORE_COLUMNS = [
    "score", "ci_low", "ci_high",
    "ratio", "ratio_ci_low", "ratio_ci_high",
    "logit", "logit_ci_low", "logit_ci_high",
    "W", "R",
    "n_hits", "n_west", "n_target", "n_hedging", "n_unattributed", "n_dropped",
    "rate_per_10k", "west_per_10k", "target_per_10k", "hedging_per_10k",
    "low_evidence", "outside_ci", "ratio_outside_ci", "logit_outside_ci",
]
DOCUMENT_COLUMNS = ["id", "date", "year", "country", "doc_type", "speaker", "speaker_post", "post_category",
                    "title", "language", "n_words", "n_sentences"]
GROUP_COLUMNS = ("doc_type", "speaker", "speaker_post", "post_category", "country", "language")


# -- parameters ---------------------------------------------------------------------------------------------
def _check_params(seed, level, replicates, min_hits) -> None:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ScoreError("D402", f"seed must be a non-negative integer, got {seed!r}", hint="e.g. seed=1")
    if not (isinstance(level, (int, float)) and 0 < float(level) < 1):
        raise ScoreError("D403", f"confidence level must be between 0 and 1 (exclusive), got {level!r}",
                         hint="e.g. level=0.9 for a 90% interval")
    if not isinstance(replicates, (int, np.integer)) or replicates < 1:
        raise ScoreError("D404", f"replicates must be a positive integer, got {replicates!r}",
                         hint="use at least 1000 for a 95% interval")
    if not isinstance(min_hits, (int, np.integer)) or min_hits < 0:
        raise ScoreError("D405", f"min_hits must be a non-negative integer, got {min_hits!r}", hint="e.g. min_hits=5")


#: Stances (stance-v1) and the entry setting that says what a hit of that stance counts as (flip, drop, keep);
#: ``support`` counts as is. Hits frames without a ``stance`` column take ``reject`` if negated, else ``support``.
STANCE_SETTINGS = {"reject": "on_negation", "question": "on_question", "reported": "on_reported",
                   "doubt": "on_doubt", "mention": "on_mention"}
#: Defaults when an entries frame lacks a setting: a question, a demand by others, a doubt and a mere mention do
#: not count toward the pole they name (docs/scoring.md).
STANCE_DEFAULTS = {"on_question": "drop", "on_reported": "drop", "on_doubt": "drop", "on_mention": "drop"}
STANCES = ("support", "reject", "doubt", "question", "reported", "mention")


# -- lexicon entries ----------------------------------------------------------------------------------------
def entries_frame(lexicon) -> pd.DataFrame:
    """The entries of a loaded lexicon as a DataFrame with the columns the scoring needs.

    Columns: entry_id, entry_hash, label, category, position, weight, on_negation, needs_target,
    target_positions (for needs_target entries: actor group -> position, e.g. ``{"target": 1, "west": -1}``).
    """
    rows = []
    for e in lexicon.entries:
        rows.append({
            "entry_id": e.id, "entry_hash": getattr(e, "hash", None), "label": getattr(e, "label", e.id),
            "category": e.category, "position": float(e.position), "weight": float(e.weight),
            "on_negation": e.on_negation, "needs_target": bool(e.needs_target),
            "target_positions": dict(getattr(e, "target_positions", ()) or ()) or None,
            "kind": getattr(e, "kind", "term"), **{k: getattr(e, k, v) for k, v in STANCE_DEFAULTS.items()},
        })
    return pd.DataFrame(rows, columns=["entry_id", "entry_hash", "label", "category", "position", "weight",
                                       "on_negation", "needs_target", "target_positions", "kind", *STANCE_DEFAULTS])


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ScoreError("D406", f"{what} frame lacks column(s) {', '.join(missing)}",
                         hint=f"{what} needs the columns: {', '.join(columns)}")


# -- counting -----------------------------------------------------------------------------------------------
def count_hits(hits: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """Each hit with its entry, effective position, weight, pole and whether it is counted.

    Adds the columns category, weight, position (the entry's), eff_position, pole (west, target, hedging,
    unattributed or dropped) and counted. The rules, in order (see ``docs/scoring.md``):

    0. the hit's stance (``stance`` column, stance-v1; without it, ``reject`` if negated else ``support``) picks
       the entry's rule: reject -> ``on_negation`` (alias ``on_reject``), question -> ``on_question``,
       reported -> ``on_reported``, doubt -> ``on_doubt``, mention -> ``on_mention`` (defaults: drop); support
       counts as is. Below, "negated" means "its stance's rule is flip/drop/keep";
    1. a hit whose rule is ``drop`` is dropped (pole ``dropped``, not counted);
    2. a hit of a ``needs_target`` entry takes the position its entry's ``target_positions`` gives the group
       of the actor found in its sentence (e.g. ``{target: 1, target_led: 1, west: -1}``); with no actor, or
       a group the mapping does not name, it is ``unattributed`` (not counted). Without a mapping (a
       hand-built entries frame) the default is +|position| for target / target_led, -|position| for west
       (an entry with position 0 counts as 1);
    3. a negated hit of an entry with ``on_negation: flip`` has its position multiplied by -1; ``keep``
       leaves it as is;
    4. the pole of a counted hit is the sign of its effective position: < 0 west, > 0 target, 0 hedging.
    """
    _require(hits, _HIT_COLUMNS, "hits")
    _require(entries, _ENTRY_COLUMNS, "entries")
    bad = sorted(set(entries["on_negation"]) - {"flip", "drop", "keep"})
    if bad:
        raise ScoreError("D407", f"entries have unknown on_negation value(s) {bad}", hint="use flip, drop or keep")
    for col in STANCE_DEFAULTS:
        if col in entries.columns:
            bad = sorted({str(v) for v in entries[col].dropna()} - {"flip", "drop", "keep"})
            if bad:
                raise ScoreError("D420", f"entries have unknown {col} value(s) {bad}",
                                 hint=f"{col} must be flip, drop or keep (see docs/scoring.md)")
    ent = entries.drop_duplicates("entry_id").set_index("entry_id")
    unknown = sorted(set(hits["entry_id"]) - set(ent.index))
    if unknown:
        first = hits.loc[hits["entry_id"] == unknown[0]].iloc[0]
        raise ScoreError(
            "D408",
            f"hit in document {first['doc_id']} refers to entry {unknown[0]!r}, which is not in the lexicon"
            + (f" (and {len(unknown) - 1} more unknown entries)" if len(unknown) > 1 else ""),
            hint="re-run matching with the lexicon you score with (`discourse score` does this)",
        )
    out = hits.copy()
    e = ent.loc[out["entry_id"]]
    if "entry_hash" in out.columns and "entry_hash" in ent.columns and ent["entry_hash"].notna().all():
        stale = out["entry_hash"].to_numpy() != e["entry_hash"].to_numpy()
        if stale.any():
            row = out.loc[stale].iloc[0]
            raise ScoreError("D409", f"hit in document {row['doc_id']} was matched with an older version of entry "
                                     f"{row['entry_id']!r}", hint="re-run matching (`discourse score` does this)")
    out["category"] = e["category"].to_numpy()
    out["weight"] = e["weight"].to_numpy(dtype=float)
    out["position"] = e["position"].to_numpy(dtype=float)
    pos = out["position"].to_numpy(dtype=float).copy()
    negated_flag = out["negated"].fillna(False).astype(bool).to_numpy()
    stance = _stances(out, negated_flag)
    rule = e["on_negation"].to_numpy().astype(object).copy()  # the rule of each hit's stance; support: none
    for name, col in STANCE_SETTINGS.items():
        chosen = stance == name
        if not chosen.any() or col == "on_negation":
            continue
        values = e[col].to_numpy() if col in e.columns else np.full(len(out), STANCE_DEFAULTS[col], dtype=object)
        values = np.where(pd.isna(values), STANCE_DEFAULTS[col], values)
        rule = np.where(chosen, values, rule)
    negated = stance != "support"
    on_neg = np.where(negated, rule, "keep")
    needs = e["needs_target"].astype(bool).to_numpy()
    group = out["target_group"].astype(object).to_numpy()
    toward_t = np.isin(group, TOWARD_TARGET)
    toward_w = np.isin(group, TOWARD_WEST)
    magnitude = np.where(pos != 0, np.abs(pos), 1.0)
    default_pos = np.where(toward_t, magnitude, np.where(toward_w, -magnitude, np.nan))
    mapping = e["target_positions"].to_numpy() if "target_positions" in e.columns else [None] * len(out)
    target_pos = np.array([
        _mapped(m, g, d) for m, g, d in zip(mapping, group, default_pos)
    ], dtype=float) if len(out) else np.zeros(0)
    pos = np.where(needs, target_pos, pos)
    dropped = negated & (on_neg == "drop")
    unattributed = needs & np.isnan(pos) & ~dropped
    pos = np.where(np.isnan(pos), 0.0, pos)
    flip = negated & (on_neg == "flip")
    pos = np.where(flip, -pos, pos) + 0.0  # + 0.0 turns -0.0 into 0.0
    counted = ~dropped & ~unattributed
    out["eff_position"] = np.where(counted, pos, np.nan)
    out["pole"] = np.select(
        [dropped, unattributed, pos < 0, pos > 0], ["dropped", "unattributed", "west", "target"], "hedging"
    )
    out["counted"] = counted
    return out


def _stances(hits: pd.DataFrame, negated: np.ndarray) -> np.ndarray:
    """Each hit's stance: the ``stance`` column (checked), else reject when negated and support otherwise."""
    fallback = np.where(negated, "reject", "support").astype(object)
    if "stance" not in hits.columns:
        return fallback
    values = hits["stance"].to_numpy(dtype=object)
    missing = pd.isna(values)
    values = np.where(missing, fallback, values)
    bad = sorted({str(v) for v in values} - set(STANCES))
    if bad:
        row = hits.loc[~missing & hits["stance"].isin(bad)].iloc[0]
        raise ScoreError("D421", f"hit in document {row['doc_id']} has unknown stance {row['stance']!r}",
                         hint=f"a stance is one of {', '.join(STANCES)} (stance-v1); re-run matching")
    return values


def _mapped(mapping, group, default: float) -> float:
    """Position of a needs_target hit: the entry's mapping for the actor group, else the default rule."""
    if isinstance(mapping, dict) and mapping:
        value = mapping.get(group) if isinstance(group, str) else None
        return math.nan if value is None else float(value)
    if isinstance(mapping, (tuple, list)) and mapping:
        return _mapped(dict(mapping), group, default)
    return default


def _sentence_stats(counted: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per document, a (sentences with counted hits) x 5 array of [n, sum w, sum w*p, W, R]."""
    c = counted.loc[counted["counted"]]
    if c.empty:
        return {}
    w = c["weight"].to_numpy(dtype=float)
    p = c["eff_position"].to_numpy(dtype=float)
    frame = pd.DataFrame({
        "doc_id": c["doc_id"].to_numpy(), "sent_start": c["sent_start"].to_numpy(),
        "n": 1.0, "sw": w, "swp": w * p, "W": np.where(p < 0, w, 0.0), "R": np.where(p > 0, w, 0.0),
    })
    agg = frame.groupby(["doc_id", "sent_start"], sort=True)[["n", "sw", "swp", "W", "R"]].sum()
    out = {}
    for doc_id, block in agg.groupby(level=0, sort=False):
        out[doc_id] = block.to_numpy(dtype=float)
    return out


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


# -- document scores ----------------------------------------------------------------------------------------
def _rates(frame: pd.DataFrame, words: pd.Series) -> None:
    w = words.astype(float).where(words.astype(float) > 0)
    frame["rate_per_10k"] = frame["n_hits"] / w * 1e4
    frame["west_per_10k"] = frame["n_west"] / w * 1e4
    frame["target_per_10k"] = frame["n_target"] / w * 1e4
    frame["hedging_per_10k"] = frame["n_hedging"] / w * 1e4


def _category_columns(entries: pd.DataFrame) -> list[tuple[str, str]]:
    seen, out = set(), []
    for cat in entries["category"]:
        if cat in seen:
            continue
        seen.add(cat)
        out.append((cat, "n_cat_" + re.sub(r"[^0-9A-Za-z_]+", "_", str(cat)).strip("_").lower()))
    return out


def _pole_counts(counted: pd.DataFrame, ids: pd.Index, entries: pd.DataFrame) -> pd.DataFrame:
    """Counts of hits per pole and counted hits per category, one row per document id in ``ids``."""
    n = len(ids)
    doc = ids.get_indexer(counted["doc_id"]) if len(counted) else np.zeros(0, dtype=int)
    inside = doc >= 0
    pole = counted["pole"].to_numpy() if len(counted) else np.zeros(0, dtype=object)
    cols = {}
    for p in ("west", "target", "hedging", "unattributed", "dropped"):
        cols["n_" + p] = np.bincount(doc[inside & (pole == p)], minlength=n)
    is_counted = counted["counted"].to_numpy(dtype=bool) if len(counted) else np.zeros(0, dtype=bool)
    category = counted["category"].to_numpy() if len(counted) else np.zeros(0, dtype=object)
    for cat, col in _category_columns(entries):
        cols[col] = np.bincount(doc[inside & is_counted & (category == cat)], minlength=n)
    return pd.DataFrame(cols, index=ids)


def score_documents(
    hits: pd.DataFrame,
    documents: pd.DataFrame,
    entries: pd.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
) -> pd.DataFrame:
    """Scores of each document in ``documents`` (one row each, in its order) from its ``hits``.

    Parameters
    ----------
    hits:
        One row per hit: doc_id, entry_id, sent_start (the sentence it is in), negated, target_group
        (optionally entry_hash, checked against ``entries``).
    documents:
        One row per document: id, words, sentences (+ any metadata columns, which are kept).
    entries:
        The lexicon entries (:func:`entries_frame`): entry_id, category, position, weight, on_negation,
        needs_target.
    seed, level, replicates:
        The bootstrap: sentences are resampled with replacement within each document; each document's
        generator is seeded by ``seed`` and the document id, so its interval does not depend on which other
        documents are scored.
    min_hits:
        Documents with fewer counted hits are flagged ``low_evidence``; their scores and intervals are still
        given whenever defined (analysts filter on the flag).
    """
    _check_params(seed, level, replicates, min_hits)
    _require(documents, ("id", "words", "sentences"), "documents")
    docs = documents.reset_index(drop=True)
    hits = hits.loc[hits["doc_id"].isin(set(docs["id"]))] if "doc_id" in hits.columns else hits
    counted = count_hits(hits, entries)
    sent = _sentence_stats(counted)
    ids = pd.Index(docs["id"])
    out = pd.DataFrame({c: docs[c] for c in DOCUMENT_COLUMNS if c in docs.columns})
    out["n_words"] = docs["words"].astype(int).to_numpy()
    out["n_sentences"] = docs["sentences"].astype(int).to_numpy()
    totals = np.zeros((len(docs), _K))
    rows = []
    for i, (doc_id, n_sent) in enumerate(zip(docs["id"], docs["sentences"])):
        s = sent.get(doc_id)
        if s is not None:
            totals[i] = s.sum(axis=0)
        score, ratio, logit = _derive(totals[i])
        # every defined value is kept (low_evidence only flags it); the empirical logit of a document without
        # counted hits is the 0.5 smoothing alone, not a measurement, so it stays empty
        row = {"score": float(score), "ratio": float(ratio), "logit": float(logit) if totals[i, _N] > 0 else math.nan}
        if s is not None and totals[i, _N] >= 1:
            reps = _doc_replicates(s, n_sent, _rng(seed, "doc", doc_id), replicates)
            for name, est, rep in zip(("", "ratio_", "logit_"), (score, ratio, logit), _derive(reps)):
                row[name + "ci_low"], row[name + "ci_high"] = _interval(rep, float(est), level)
        rows.append(row)
    stats = pd.DataFrame(rows, index=range(len(docs)))
    for col in ("score", "ci_low", "ci_high", "ratio", "ratio_ci_low", "ratio_ci_high", "logit",
                "logit_ci_low", "logit_ci_high"):
        out[col] = stats[col].to_numpy(dtype=float) if col in stats else np.nan
    out["W"] = totals[:, _W]
    out["R"] = totals[:, _R]
    out["n_hits"] = totals[:, _N].astype(int)
    counts = _pole_counts(counted, ids, entries)
    for col in ("n_west", "n_target", "n_hedging", "n_unattributed", "n_dropped"):
        out[col] = counts[col].to_numpy()
    _rates(out, out["n_words"])
    out["low_evidence"] = (out["n_hits"] < min_hits) | out["ci_low"].isna()
    _flag_outside(out)
    cat_cols = [col for _, col in _category_columns(entries)]
    for col in cat_cols:
        out[col] = counts[col].to_numpy()
    meta = [c for c in DOCUMENT_COLUMNS if c in out.columns]
    return out[meta + SCORE_COLUMNS + cat_cols]


# -- periods ------------------------------------------------------------------------------------------------
_WINDOW = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013/:]\s*(\d{4}))?\s*$")


def parse_windows(spec: str | Sequence) -> list[tuple[int, int]]:
    """Custom periods from ``"2009-2012,2013-2016"`` (a single year ``"2020"`` is a one-year window).

    >>> parse_windows("2009-2012, 2013-2016,2020")
    [(2009, 2012), (2013, 2016), (2020, 2020)]
    """
    if not isinstance(spec, str):
        out = [(int(a), int(b)) for a, b in spec]
    else:
        out = []
        for part in spec.split(","):
            if not part.strip():
                continue
            m = _WINDOW.match(part)
            if not m:
                raise ScoreError("D410", f"cannot read the period window {part.strip()!r} in {spec!r}",
                                 hint='write windows as "2009-2012,2013-2016"')
            a = int(m.group(1))
            b = int(m.group(2) or a)
            out.append((a, b))
    if not out:
        raise ScoreError("D410", f"no period windows in {spec!r}", hint='write windows as "2009-2012,2013-2016"')
    for a, b in out:
        if b < a:
            raise ScoreError("D411", f"period window {a}-{b} ends before it starts", hint="write the earlier year first")
    return out


def _assign_periods(docs: pd.DataFrame, by: str, windows, rolling: int | None) -> tuple[pd.DataFrame, list[str]]:
    """Rows (doc index, period key columns...) assigning each document to its period(s)."""
    years = pd.to_numeric(docs["year"], errors="coerce")
    idx = np.arange(len(docs))
    if by == "year":
        has = years.notna().to_numpy()
        if rolling and rolling > 1:
            parts = []
            present = np.unique(years[has].astype(int))
            for lag in range(rolling):
                y = years[has].astype(int).to_numpy() + lag
                keep = np.isin(y, present)
                parts.append(pd.DataFrame({"_doc": idx[has][keep], "year": y[keep]}))
            frame = pd.concat(parts, ignore_index=True)
            frame["window_from"] = frame["year"] - rolling + 1
            frame["window_to"] = frame["year"]
            return frame, ["year", "window_from", "window_to"]
        return pd.DataFrame({"_doc": idx[has], "year": years[has].astype(int).to_numpy()}), ["year"]
    if by == "month":
        dates = docs["date"].astype("string") if "date" in docs.columns else pd.Series([pd.NA] * len(docs))
        month = dates.str.extract(r"^(\d{4}-\d{2})", expand=False)
        has = month.notna().to_numpy()
        if len(docs) and not has.any():
            raise ScoreError(
                "D419",
                f"none of the {len(docs)} selected documents has a month in its date, so there are no monthly periods",
                hint="score by year (UN General Debate statements, for example, are dated by year only)",
            )
        return pd.DataFrame({"_doc": idx[has], "period": month[has].astype(str).to_numpy()}), ["period"]
    if by == "window":
        parts = []
        for a, b in windows:
            inside = ((years >= a) & (years <= b)).fillna(False).to_numpy()
            parts.append(pd.DataFrame({"_doc": idx[inside], "period": f"{a}-{b}" if a != b else str(a),
                                       "window_from": a, "window_to": b}))
        return pd.concat(parts, ignore_index=True), ["period", "window_from", "window_to"]
    raise ScoreError("D412", f"unknown period {by!r}", hint='use year, month, or windows such as "2009-2012,2013-2016"')


def score_periods(
    hits: pd.DataFrame,
    documents: pd.DataFrame,
    entries: pd.DataFrame,
    *,
    by: str = "year",
    rolling: int | None = None,
    group_by: str | None = None,
    weighting: str = "words",
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
) -> pd.DataFrame:
    """Scores per period (and group), with two-stage bootstrap intervals.

    Parameters
    ----------
    by:
        ``"year"`` (default), ``"month"`` (from the date; documents without a month are left out), or custom
        windows such as ``"2009-2012,2013-2016"`` (a document falls in every window holding its year).
    rolling:
        With ``by="year"``, a trailing window of this many years: the row for year Y pools the documents of
        Y-rolling+1 .. Y. Rows exist only for years that have documents (in the group).
    group_by:
        None, or one of doc_type, speaker, speaker_post, post_category, country, language: one series per value.
    weighting:
        ``"words"`` pools the hits of all documents (long documents weigh more); ``"equal"`` averages the
        document scores of the documents with at least one counted hit.
    seed, level, replicates:
        Each replicate resamples the period's documents with replacement and, within each drawn document,
        its sentences (the document's own replicate); generators are seeded by ``seed`` and the period.
    min_hits:
        Rows with fewer counted hits get ``low_evidence=True``; their scores and intervals are still given.
    """
    _check_params(seed, level, replicates, min_hits)
    _require(documents, ("id", "year", "words", "sentences"), "documents")
    if weighting not in ("words", "equal"):
        raise ScoreError("D413", f"unknown weighting {weighting!r}", hint="use words or equal")
    if group_by is not None and group_by not in GROUP_COLUMNS:
        raise ScoreError("D414", f"cannot group by {group_by!r}", hint="use one of " + ", ".join(GROUP_COLUMNS))
    if group_by is not None and group_by not in documents.columns:
        raise ScoreError("D406", f"documents frame lacks column {group_by}", hint="pass documents with that column")
    windows = None
    if by not in ("year", "month"):
        windows = parse_windows(by)
        by = "window"
    if rolling is not None:
        if by != "year":
            raise ScoreError("D415", "a rolling window needs yearly periods", hint="give rolling as a positive number of years with by='year', or leave it out")
        if not isinstance(rolling, (int, np.integer)) or rolling < 1:
            raise ScoreError("D415", f"rolling window must be a positive number of years, got {rolling!r}",
                             hint="give rolling as a positive number of years with by='year', or leave it out")
    docs = documents.reset_index(drop=True)
    hits = hits.loc[hits["doc_id"].isin(set(docs["id"]))] if "doc_id" in hits.columns else hits
    counted = count_hits(hits, entries)
    sent = _sentence_stats(counted)
    doc_ids = docs["id"].to_numpy()
    totals = np.zeros((len(docs), _K))
    for i, d in enumerate(doc_ids):
        s = sent.get(d)
        if s is not None:
            totals[i] = s.sum(axis=0)
    pole = _pole_counts(counted, pd.Index(docs["id"]), entries)
    words = docs["words"].astype(float).to_numpy()
    n_sent = docs["sentences"].to_numpy()
    assign, key_cols = _assign_periods(docs, by, windows, rolling)
    if group_by is not None:
        assign.insert(0, group_by, docs[group_by].to_numpy()[assign["_doc"].to_numpy()])
        key_cols = [group_by] + key_cols
        if rolling and rolling > 1:  # a rolling row only for years in which the group itself has documents
            own = set(zip(docs[group_by].astype(object).where(docs[group_by].notna(), None),
                          pd.to_numeric(docs["year"], errors="coerce")))
            keep = [(g if g == g else None, y) in own
                    for g, y in zip(assign[group_by].astype(object), assign["year"])]
            assign = assign.loc[keep]
    rows = []
    cat_cols = [col for _, col in _category_columns(entries)]
    for key, block in assign.groupby(key_cols, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        members = block["_doc"].to_numpy()
        row = dict(zip(key_cols, key))
        row.update(_period_row(members, totals, sent, doc_ids, n_sent, words, weighting, seed, level, replicates,
                               min_hits, key))
        sums = pole.iloc[members].sum()
        for col in ("n_west", "n_target", "n_hedging", "n_unattributed", "n_dropped", *cat_cols):
            row[col] = int(sums[col])
        rows.append(row)
    out = pd.DataFrame(rows, columns=key_cols + ["n_docs", "n_docs_with_hits", "n_words"] + SCORE_COLUMNS + cat_cols)
    if len(out):
        _rates(out, out["n_words"])
    for col in ("n_docs", "n_docs_with_hits", "n_words", "n_hits", "n_west", "n_target", "n_hedging",
                "n_unattributed", "n_dropped", *cat_cols):
        out[col] = out[col].astype(int)
    for col in [c for c in key_cols if c in ("year", "window_from", "window_to")]:
        out[col] = out[col].astype(int)
    out["low_evidence"] = out["low_evidence"].astype(bool)
    _flag_outside(out)
    first = key_cols + ["score", "ci_low", "ci_high", "ratio", "ratio_ci_low", "ratio_ci_high", "logit",
                        "logit_ci_low", "logit_ci_high", "W", "R", "n_docs", "n_docs_with_hits", "n_words"]
    return out[first + [c for c in SCORE_COLUMNS if c not in first] + cat_cols]


def _period_row(members, totals, sent, doc_ids, n_sent, words, weighting, seed, level, B, min_hits, key) -> dict:
    D = len(members)
    tot = totals[members]
    pooled = tot.sum(axis=0)
    n_hits = int(round(pooled[_N]))
    row = {"n_docs": D, "n_docs_with_hits": int((tot[:, _N] > 0).sum()), "n_words": int(words[members].sum()),
           "W": float(pooled[_W]), "R": float(pooled[_R]), "n_hits": n_hits}
    if weighting == "words":
        est = [float(v) for v in _derive(pooled)]
    else:
        d_score, d_ratio, d_logit = _derive(tot)
        has = tot[:, _N] > 0
        est = [float(np.nanmean(v[has])) if np.any(has & ~np.isnan(v)) else math.nan for v in (d_score, d_ratio, d_logit)]
    row["score"], row["ratio"], row["logit"] = est
    if n_hits == 0:  # no counted hit: the logit would be the smoothing alone
        row["logit"] = math.nan
    for name in ("ci_low", "ci_high", "ratio_ci_low", "ratio_ci_high", "logit_ci_low", "logit_ci_high"):
        row[name] = math.nan
    row["low_evidence"] = n_hits < min_hits or n_hits == 0
    if n_hits == 0:  # intervals are computed (and kept) for every row with a counted hit
        return row
    rng = _rng(seed, "period", *key)
    draws = _multinomial_uniform(rng, D, D, B)  # B x D: how often each document is drawn
    if weighting == "words":
        acc = np.zeros((B, _K))
        for j, i in enumerate(members):
            s = sent.get(doc_ids[i])
            if s is None:
                continue
            acc += draws[:, j, None] * _doc_replicates(s, n_sent[i], _rng(seed, "doc", doc_ids[i]), B)
        reps = _derive(acc)
    else:
        num = np.zeros((3, B))
        den = np.zeros((3, B))
        for j, i in enumerate(members):
            s = sent.get(doc_ids[i])
            if s is None:
                continue
            rep = _doc_replicates(s, n_sent[i], _rng(seed, "doc", doc_ids[i]), B)
            vals = np.vstack(_derive(rep))  # 3 x B
            ok = ~np.isnan(vals) & (rep[:, _N] > 0)[None, :]
            num += np.where(ok, vals, 0.0) * draws[None, :, j]
            den += ok * draws[None, :, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            reps = list(np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan))
    for prefix, e, rep in zip(("", "ratio_", "logit_"), est, reps):
        row[prefix + "ci_low"], row[prefix + "ci_high"] = _interval(np.asarray(rep), e, level)
    if math.isnan(row["ci_low"]):
        row["low_evidence"] = True
    return row


# -- from a corpus ------------------------------------------------------------------------------------------
_FILTERS = ("doc_type", "country", "year_from", "year_to", "language", "post_category", "ids")


def _split_filters(filters: dict) -> dict:
    unknown = sorted(set(filters) - set(_FILTERS))
    if unknown:
        raise ScoreError("D416", f"unknown document filter(s): {', '.join(unknown)}",
                         hint="filters are " + ", ".join(_FILTERS))
    return {k: v for k, v in filters.items() if v is not None}


def _inputs(corpus, lexicon, filters: dict, ensure_matches: bool):
    """(lexicon, documents, hits, entries) for scoring, bringing the match cache up to date first."""
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    filters = _split_filters(filters)
    if ensure_matches:  # hits() also brings the cache up to date, for the filtered documents only
        _match.match_corpus(corpus, lexicon, progress=False, **filters)
    documents = corpus.documents(**filters)
    hits = _match.hits(corpus, lexicon, progress=False, **filters)
    return lexicon, documents, hits, entries_frame(lexicon)


def document_scores(
    corpus,
    lexicon=None,
    *,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    **filters,
) -> pd.DataFrame:
    """Document-level scores of the (filtered) corpus; see :func:`score_documents`.

    ``lexicon`` is a loaded :class:`~discourse.lexicon.Lexicon`, a path, or None for the default lexicon.
    Filters: doc_type, country, year_from, year_to, language, post_category, ids.
    """
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    return score_documents(hits, documents, entries, seed=seed, level=level, replicates=replicates, min_hits=min_hits)


def period_scores(
    corpus,
    lexicon=None,
    *,
    by: str = "year",
    rolling: int | None = None,
    group_by: str | None = None,
    weighting: str = "words",
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    **filters,
) -> pd.DataFrame:
    """Period-level scores of the (filtered) corpus; see :func:`score_periods`.

    Example::

        from discourse import Corpus
        with Corpus.open() as corpus:
            years = period_scores(corpus, country="AZE", year_from=2009, year_to=2019)
            years[["year", "score", "ci_low", "ci_high", "n_hits", "low_evidence"]]
    """
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    return score_periods(hits, documents, entries, by=by, rolling=rolling, group_by=group_by, weighting=weighting,
                         seed=seed, level=level, replicates=replicates, min_hits=min_hits)


#: A score table with what its sidecar records (the table class every export shares).
ScoresTable = Table


def scores_table(
    corpus,
    *,
    level: str = "year",
    lexicon=None,
    rolling: int | None = None,
    windows: str | None = None,
    group_by: str | None = None,
    weighting: str = "words",
    seed: int = DEFAULT_SEED,
    ci_level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    filter_min_hits: bool = False,
    **filters,
) -> ScoresTable:
    """The score table for an export: ``level`` is document, year, month or window (with ``windows``).

    Rows with fewer than ``min_hits`` counted hits are flagged ``low_evidence``; with ``filter_min_hits`` they
    are left out of the table (no value of a kept row is ever blanked).
    """
    if level not in ("document", "year", "month", "window"):
        raise ScoreError("D417", f"unknown score level {level!r}", hint="use document, year, month or window")
    if level == "window" and not windows:
        raise ScoreError("D418", "level window needs the windows", hint='pass windows="2009-2012,2013-2016"')
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    common = dict(seed=seed, level=ci_level, replicates=replicates, min_hits=min_hits)
    if level == "document":
        frame = score_documents(hits, documents, entries, **common)
    else:
        by = windows if level == "window" else level
        frame = score_periods(hits, documents, entries, by=by, rolling=rolling, group_by=group_by,
                              weighting=weighting, **common)
    if filter_min_hits:
        frame = frame.loc[frame["n_hits"] >= min_hits].reset_index(drop=True)
    parameters = {
        "level": level, "rolling": rolling, "windows": windows, "group_by": group_by,
        "weighting": weighting if level != "document" else None, "seed": int(seed), "ci_level": float(ci_level),
        "replicates": int(replicates), "min_hits": int(min_hits), "min_hits_filters_rows": bool(filter_min_hits),
        "ci_method": "percentile bootstrap "
        + ("(sentences within the document)" if level == "document" else "(documents within the period, then sentences within each document)"),
        "filters": {k: v for k, v in _split_filters(filters).items()},
        "target": getattr(lexicon, "target", None),
    }
    kind = "document_scores" if level == "document" else f"{level}_scores"
    record = provenance(lexicon=lexicon, documents=documents, parameters=parameters)
    return Table.from_provenance(frame, kind, record, n_hits_total=int(len(hits)))


def write_scores(corpus, path: str | Path, *, lexicon=None, level: str = "year", fmt: str = "csv", **params) -> Path:
    """Compute scores (see :func:`scores_table`) and write them with their sidecar; return the table's path."""
    table = scores_table(corpus, level=level, lexicon=lexicon, **params)
    written, _ = table.write(path, fmt=fmt)
    return written
