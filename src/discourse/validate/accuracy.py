"""Accuracy measures from coded lines: items resolved across coders, precision and recall per entry, coder agreement."""

from __future__ import annotations

import math
import pandas as pd

from .agreement import agreement
from .coding import SENSE_VALUES, STANCE_VALUES


def _majority(values: list, tie: str | None) -> str | None:
    """The most frequent value (ties: ``tie`` if it is among the tied values, else the first in sort order)."""
    vals = [v for v in values if isinstance(v, str) and v]
    if not vals:
        return None
    counts = pd.Series(vals).value_counts()
    best = counts[counts == counts.max()].index.tolist()
    if len(best) > 1 and tie in best:
        return tie
    return sorted(best)[0]


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint  # deferred: statsmodels is heavy

    if n == 0:
        return math.nan, math.nan
    lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
    return float(lo), float(hi)


# -- items: one per sampled line, the codes of its coders resolved ---------------------------------------------
def _items(codes: pd.DataFrame) -> pd.DataFrame:
    """One row per sample id: its sample's columns, coders, and the majority sense / stance / missed entries.

    Ties: a sense tie counts as ``no`` (conservative for precision); a stance tie takes the first value in
    sort order; an entry counts as missed when at least half of the sentence's coders name it.
    """
    cols = ["sample_id", "sample_kind", "source", "doc_id", "source_ref", "draw_id", "stratum", "entry_id", "stance",
            "language", "year", "country", "n_coders", "sense", "code_stance", "missed"]
    if codes.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for sid, block in codes.groupby("sample_id", sort=True):
        first = block.iloc[0]
        missed = []
        if first["sample_kind"] == "sentence":
            named = [e for v in block["code_missed"] if isinstance(v, str) for e in v.split(";")]
            counts = pd.Series(named, dtype=object).value_counts() if named else pd.Series(dtype=int)
            missed = sorted(e for e, c in counts.items() if 2 * c >= len(block))
        rows.append({
            "sample_id": sid, "sample_kind": first["sample_kind"], "source": first["source"], "doc_id": first["doc_id"],
            "source_ref": first["source_ref"], "draw_id": first["draw_id"], "stratum": first["stratum"],
            "entry_id": first["entry_id"], "stance": first["stance"], "language": first["language"],
            "year": first["year"], "country": first["country"], "n_coders": int(len(block)),
            "sense": _majority(list(block["code_sense"]), "no"),
            "code_stance": _majority(list(block["code_stance"]), None), "missed": ";".join(missed),
        })
    return pd.DataFrame(rows, columns=cols)


# -- precision ---------------------------------------------------------------------------------------------------
PRECISION_COLUMNS = ["entry_id", "label", "category", "n_hits", "n_coded", "n_yes", "precision", "ci_low", "ci_high",
                     "precision_weighted", "n_stance_coded", "stance_agreement", "flagged", "link"]


def _precision(items, entries, counted, draws, threshold, level) -> pd.DataFrame:
    """Per entry: coded hits (store and UNGDC samples), share coded yes, Wilson interval, flag."""
    hits_n = counted.groupby("entry_id").size().to_dict() if len(counted) else {}
    usable = items.loc[(items["sample_kind"] == "hit") & items["source"].isin(["store", "ungdc"])
                       & items["sense"].notna()]
    rows = []
    for e in entries.itertuples():
        mine = usable.loc[usable["entry_id"] == e.entry_id]
        n, k = int(len(mine)), int((mine["sense"] == "yes").sum())
        lo, hi = _wilson(k, n, level)
        st = items.loc[(items["sample_kind"] == "hit") & (items["entry_id"] == e.entry_id) & items["code_stance"].notna()
                       & items["source"].isin(["store", "ungdc"])]
        rows.append({
            "entry_id": e.entry_id, "label": e.label, "category": e.category, "n_hits": int(hits_n.get(e.entry_id, 0)),
            "n_coded": n, "n_yes": k, "precision": k / n if n else math.nan, "ci_low": lo, "ci_high": hi,
            "precision_weighted": _weighted(mine, draws),
            "n_stance_coded": int(len(st)),
            "stance_agreement": float((st["code_stance"] == st["stance"]).mean()) if len(st) else math.nan,
            "flagged": bool(n and lo < threshold), "link": f"#coded-{e.entry_id}" if n or len(st) else "",
        })
    return pd.DataFrame(rows, columns=PRECISION_COLUMNS)


def _weighted(mine: pd.DataFrame, draws: dict) -> float:
    """Precision with each stratum weighted by its share of the entry's hits (store samples only)."""
    store = mine.loc[mine["source"] == "store"]
    if store.empty:
        return math.nan
    num = den = 0.0
    for (draw_id, stratum, entry_id), block in store.groupby(["draw_id", "stratum", "entry_id"]):
        pop = draws.get(draw_id, {}).get("population", {}).get("strata", {})
        key = f"{entry_id}|" + (stratum.split("|", 1)[1] if "|" in stratum else "")
        size = pop.get(key)
        if not size:
            continue
        num += size * float((block["sense"] == "yes").mean())
        den += size
    return num / den if den else math.nan


# -- recall ------------------------------------------------------------------------------------------------------
RECALL_COLUMNS = ["entry_id", "n_hits", "precision", "true_hits", "n_sentences_coded", "n_missed", "miss_rate",
                  "sentences_without_hits", "missed_estimate", "recall", "recall_low", "recall_high"]


def _recall(items, precision, draws, entries, level, notes) -> pd.DataFrame:
    """Recall per entry and overall: TP = hits x precision; FN = sentences without hits x miss rate."""
    sent = items.loc[(items["sample_kind"] == "sentence") & (items["source"] == "store")]
    if sent.empty:
        notes.append("No coded sentences without hits: recall is not estimated (draw them with random_sentences).")
        return pd.DataFrame(columns=RECALL_COLUMNS)
    main = sent["draw_id"].value_counts().index[0]
    S0 = int(draws.get(main, {}).get("population", {}).get("sentences_without_hits", 0))
    if sent["draw_id"].nunique() > 1:
        notes.append(f"Coded sentences come from {sent['draw_id'].nunique()} draws; the number of sentences without "
                     f"hits is taken from draw {main}.")
    n_s = int(len(sent))
    named = [e for v in sent["missed"] for e in v.split(";") if e]
    counts = pd.Series(named, dtype=object).value_counts().to_dict() if named else {}
    prec = precision.set_index("entry_id")
    rows = []
    tp = tp_lo = tp_hi = 0.0
    for e in entries["entry_id"]:
        p = prec.loc[e]
        m = int(counts.get(e, 0))
        rows.append(_recall_row(e, int(p["n_hits"]), p["precision"], p["ci_low"], p["ci_high"], n_s, m, S0, level))
        if not math.isnan(p["precision"]):
            tp += p["n_hits"] * p["precision"]
            tp_lo += p["n_hits"] * p["ci_low"]
            tp_hi += p["n_hits"] * p["ci_high"]
    uncoded = [e for e in entries["entry_id"] if prec.loc[e, "n_hits"] and math.isnan(prec.loc[e, "precision"])]
    if uncoded:
        notes.append(f"Recall (all) leaves out the true hits of {len(uncoded)} entr{'y' if len(uncoded) == 1 else 'ies'} "
                     f"with hits but no coded hit ({', '.join(uncoded)}), so it is too low by their share.")
    total_m = int(sum(counts.values()))
    all_row = _recall_row("(all)", int(prec["n_hits"].sum()), math.nan, math.nan, math.nan, n_s, total_m, S0, level)
    fn, fn_lo, fn_hi = S0 * total_m / n_s, S0 * _wilson(total_m, n_s, level)[0], S0 * _wilson(total_m, n_s, level)[1]
    all_row.update({"true_hits": tp, "recall": tp / (tp + fn) if tp + fn else math.nan,
                    "recall_low": tp_lo / (tp_lo + fn_hi) if tp_lo + fn_hi else math.nan,
                    "recall_high": tp_hi / (tp_hi + fn_lo) if tp_hi + fn_lo else math.nan})
    rows.append(all_row)
    return pd.DataFrame(rows, columns=RECALL_COLUMNS)


def _recall_row(entry, n_hits, p, p_lo, p_hi, n_s, m, S0, level) -> dict:
    q_lo, q_hi = _wilson(m, n_s, level)
    tp = n_hits * p
    fn = S0 * m / n_s
    row = {"entry_id": entry, "n_hits": n_hits, "precision": p, "true_hits": tp, "n_sentences_coded": n_s,
           "n_missed": m, "miss_rate": m / n_s, "sentences_without_hits": S0, "missed_estimate": fn}
    if math.isnan(p) or tp + fn == 0:
        row.update(recall=math.nan, recall_low=math.nan, recall_high=math.nan)
    else:
        lo_tp, hi_tp = n_hits * p_lo, n_hits * p_hi
        row.update(recall=tp / (tp + fn),
                   recall_low=lo_tp / (lo_tp + S0 * q_hi) if lo_tp + S0 * q_hi else math.nan,
                   recall_high=hi_tp / (hi_tp + S0 * q_lo) if hi_tp + S0 * q_lo else math.nan)
    return row


# -- agreement ---------------------------------------------------------------------------------------------------
AGREEMENT_COLUMNS = ["code", "subset", "items", "items_pairable", "coders", "percent_agreement", "krippendorff_alpha",
                     "gwet_ac1", "top_category", "prevalence", "note"]


def _agreement(codes: pd.DataFrame, notes) -> pd.DataFrame:
    """Agreement on code_sense and code_stance of hits (all, and per language), nominal."""
    rows = []
    hits = codes.loc[codes["sample_kind"] == "hit"]
    if hits.empty:
        return pd.DataFrame(columns=AGREEMENT_COLUMNS)
    for code, cats in (("code_sense", SENSE_VALUES), ("code_stance", STANCE_VALUES)):
        for subset, block in [("all", hits)] + [(f"language={lang}", b) for lang, b in
                                                 hits.groupby("language", sort=True)]:
            coded = block.loc[block[code].notna() & (block[code] != "")]
            if coded.empty:
                continue
            wide = coded.pivot(index="sample_id", columns="coder", values=code)
            matrix = [[v if isinstance(v, str) else None for v in r] for r in wide.itertuples(index=False)]
            rows.append({"code": code, "subset": subset, **agreement(matrix, list(cats))})
    frame = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    if len(frame) and (frame["items_pairable"] == 0).all():
        notes.append("No line was coded by two coders: agreement needs a second, independent coding of some lines.")
    return frame
