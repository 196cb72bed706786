"""How much the scores depend on single entries (leave-one-entry-out influence) and on document length."""

from __future__ import annotations

import math
import numpy as np
import pandas as pd


# -- influence ---------------------------------------------------------------------------------------------------
INFLUENCE_COLUMNS = ["rank", "entry_id", "label", "n_counted", "countries", "max_abs_change", "country_of_max",
                     "year_of_max", "min_spearman", "mean_spearman", "years_lost"]
SERIES_COLUMNS = ["entry_id", "country", "n_years", "n_years_compared", "spearman", "max_abs_change", "year_of_max",
                  "years_lost"]


def _yearly(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby(["country", "year"])[["n", "sw", "swp"]].sum()


def _influence(counted, documents, entries, min_hits) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave-one-entry-out: each country's yearly score with and without each entry (Spearman, largest change)."""
    from scipy.stats import spearmanr  # deferred: scipy is heavy

    c = counted.loc[counted["counted"]].copy()
    meta = documents.set_index("id")
    c["country"] = c["doc_id"].map(meta["country"]).fillna("unknown")
    c["year"] = pd.to_numeric(c["doc_id"].map(meta["year"]), errors="coerce")
    c = c.loc[c["year"].notna()]
    c["n"] = 1.0
    c["sw"] = c["weight"].astype(float)
    c["swp"] = c["sw"] * c["eff_position"].astype(float)
    per = c.groupby(["country", "year", "entry_id"])[["n", "sw", "swp"]].sum()
    full = per.groupby(level=[0, 1]).sum()

    def scores(t: pd.DataFrame) -> pd.Series:
        return (t["swp"] / t["sw"]).where((t["n"] >= min_hits) & (t["sw"] > 0))

    base = scores(full) if len(full) else pd.Series(dtype=float)
    series_rows, summary = [], []
    labels = dict(zip(entries["entry_id"], entries["label"]))
    n_counted = c.groupby("entry_id").size().to_dict()
    for e in entries["entry_id"]:
        if e in per.index.get_level_values(2):
            mine = per.xs(e, level=2)
            without = full.subtract(mine.reindex(full.index, fill_value=0.0), fill_value=0.0)
        else:
            without = full
        other = scores(without) if len(without) else pd.Series(dtype=float)
        changes = []
        for country, b in base.groupby(level=0, sort=True):
            o = other.loc[b.index]
            both = b.notna() & o.notna()
            lost = int((b.notna() & o.isna()).sum())
            diff = (o[both] - b[both]).abs()
            if len(diff) >= 3 and b[both].nunique() > 1 and o[both].nunique() > 1:
                rho = float(spearmanr(b[both].to_numpy(), o[both].to_numpy()).statistic)
            else:
                rho = math.nan
            mx = float(diff.max()) if len(diff) else math.nan
            yr = int(diff.idxmax()[1]) if len(diff) and mx > 0 else None
            series_rows.append({"entry_id": e, "country": country, "n_years": int(b.notna().sum()),
                                "n_years_compared": int(both.sum()), "spearman": rho, "max_abs_change": mx,
                                "year_of_max": yr, "years_lost": lost})
            changes.append((mx if not math.isnan(mx) else 0.0, country, yr, rho, lost))
        best = max(changes, key=lambda x: x[0], default=(0.0, None, None, math.nan, 0))
        rhos = [x[3] for x in changes if not math.isnan(x[3])]
        summary.append({"entry_id": e, "label": labels.get(e, e), "n_counted": int(n_counted.get(e, 0)),
                        "countries": int(sum(1 for x in changes if x[0] > 0)), "max_abs_change": best[0],
                        "country_of_max": best[1] if best[0] > 0 else None, "year_of_max": best[2],
                        "min_spearman": min(rhos) if rhos else math.nan,
                        "mean_spearman": float(np.mean(rhos)) if rhos else math.nan,
                        "years_lost": int(sum(x[4] for x in changes))})
    frame = pd.DataFrame(summary, columns=[c for c in INFLUENCE_COLUMNS if c != "rank"])
    frame["_rho"] = frame["min_spearman"].fillna(1.0)
    frame = frame.sort_values(["max_abs_change", "_rho", "n_counted", "entry_id"],
                              ascending=[False, True, False, True], kind="stable").drop(columns="_rho")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame["year_of_max"] = pd.array(frame["year_of_max"], dtype="Int64")
    series = pd.DataFrame(series_rows, columns=SERIES_COLUMNS)
    series["year_of_max"] = pd.array(series["year_of_max"], dtype="Int64")
    return frame.reset_index(drop=True), series


# -- length ------------------------------------------------------------------------------------------------------
LENGTH_COLUMNS = ["measure", "n_docs", "spearman_rho", "spearman_p", "pearson_r", "note"]


def _length(counted, documents, min_hits, notes) -> pd.DataFrame:
    """Correlation of document scores (and hit rates) with document length in words."""
    from scipy.stats import pearsonr, spearmanr  # deferred: scipy is heavy

    c = counted.loc[counted["counted"]].copy()
    c["sw"] = c["weight"].astype(float)
    c["swp"] = c["sw"] * c["eff_position"].astype(float)
    agg = c.groupby("doc_id").agg(n=("sw", "size"), sw=("sw", "sum"), swp=("swp", "sum"))
    docs = documents.set_index("id")[["words"]].join(agg, how="left").fillna({"n": 0, "sw": 0.0, "swp": 0.0})
    docs = docs.loc[docs["words"] > 0]
    docs["score"] = (docs["swp"] / docs["sw"]).where((docs["n"] >= min_hits) & (docs["sw"] > 0))
    docs["rate_per_10k"] = docs["n"] / docs["words"] * 1e4
    rows = []
    for measure in ("score", "rate_per_10k"):
        d = docs.loc[docs[measure].notna()]
        row = {"measure": measure, "n_docs": int(len(d)), "spearman_rho": math.nan, "spearman_p": math.nan,
               "pearson_r": math.nan, "note": ""}
        if len(d) >= 3 and d[measure].nunique() > 1 and d["words"].nunique() > 1:
            sp = spearmanr(d["words"], d[measure])
            row.update(spearman_rho=float(sp.statistic), spearman_p=float(sp.pvalue),
                       pearson_r=float(pearsonr(d["words"], d[measure]).statistic))
            if abs(row["spearman_rho"]) >= 0.3 and row["spearman_p"] < 0.05:
                row["note"] = "the measure depends on document length"
                notes.append(f"Document {measure} correlates with document length (Spearman rho "
                             f"{row['spearman_rho']:.2f}): compare documents of similar length or weight them.")
        else:
            row["note"] = "fewer than 3 documents with a value"
        rows.append(row)
    return pd.DataFrame(rows, columns=LENGTH_COLUMNS)
