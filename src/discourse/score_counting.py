"""The counting rules of the scores: parameters, the entries frame, and which hits count with what position and weight."""

from __future__ import annotations

import math
from typing import Iterable
import numpy as np
import pandas as pd

from .errors import ScoreError


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
    from .bounds import MAX_REPLICATES  # the memory of the bootstrap grows with the replicates

    if replicates > MAX_REPLICATES:
        raise ScoreError("D446", f"replicates {replicates} is more than {MAX_REPLICATES:,}",
                         hint=f"use at most {MAX_REPLICATES:,} (1000 is enough for a 95% interval)")
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
