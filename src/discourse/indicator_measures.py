"""Indicators derived from stored ones when read (:data:`DERIVED`): shares, rates and year-on-year changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


STUDY_MATCHES = "un_vote_matches_study"


STUDY_RESOLUTIONS = "un_vote_resolutions_study"


STUDY_RATE = "un_vote_match_rate_study"


DERIVED: dict[str, dict] = {
    "arms_imports_russia_share": {
        "label": "Russia's share of arms imports (Russia TIV / published total TIV)",
        "unit": "share", "direction": 1,
        "formula": "arms_imports_tiv[partner=RUS] / arms_imports_tiv_total; a year with a published total and "
                   "no Russian row (no deliveries recorded) gives 0",
    },
    STUDY_RATE: {
        "label": "UN General Assembly vote-match rate (study's hand count)",
        "unit": "share", "direction": 1,
        "formula": "un_vote_matches_study / un_vote_resolutions_study",
    },
    "trade_turnover_yoy": {
        "label": "Trade turnover, change on the previous year",
        "unit": "share", "direction": 0,
        "formula": "trade_turnover[t] / trade_turnover[t-1] - 1; missing when year t-1 is missing (a change, not "
                   "a level: no direction claimed)",
    },
    "arms_imports_tiv_total_yoy": {
        "label": "Arms imports (published total), change on the previous year",
        "unit": "share", "direction": 0,
        "formula": "arms_imports_tiv_total[t] / arms_imports_tiv_total[t-1] - 1; missing when year t-1 is missing",
    },
}
"""Indicators computed from stored ones when read: label, unit, direction and formula."""


def year_on_year(frame: pd.DataFrame, *, relative: bool = True) -> pd.DataFrame:
    """Year-on-year change of tidy values within each (indicator, country, partner) series.

    The change for year t needs a value for year t-1; otherwise it is missing (no row). ``relative`` gives
    value[t] / value[t-1] - 1, else value[t] - value[t-1].
    """
    out = []
    for _, grp in frame.groupby(["indicator", "country", "partner"], sort=True):
        s = grp.set_index("year")["value"].sort_index()
        prev = s.reindex(s.index - 1).to_numpy()
        change = s.to_numpy() / prev - 1 if relative else s.to_numpy() - prev
        part = grp.sort_values("year")[["country", "partner", "year"]].copy()
        part["value"] = change
        out.append(part[~np.isnan(change)])
    if not out:
        return pd.DataFrame(columns=["country", "partner", "year", "value"])
    return pd.concat(out, ignore_index=True)


def derive_values(values: pd.DataFrame) -> pd.DataFrame:
    """Derived indicator rows computed from stored tidy values (see :data:`DERIVED`)."""
    parts = []

    def rows_of(name):
        return values[values["indicator"] == name]

    # Russia's share of arms imports.
    total = rows_of("arms_imports_tiv_total").set_index(["country", "year"])["value"]
    rus = rows_of("arms_imports_tiv")
    rus = rus[rus["partner"] == "RUS"].set_index(["country", "year"])["value"]
    if len(total):
        share = (rus.reindex(total.index).fillna(0.0) / total).where(total > 0)
        absent = ~total.index.isin(rus.index)
        part = share.rename("value").reset_index()
        part["partner"] = "RUS"
        part["note"] = np.where(absent, "no deliveries from Russia recorded (empty cell): share 0", "")
        part["indicator"] = "arms_imports_russia_share"
        parts.append(part.dropna(subset=["value"]))
    # The study's vote-match rate.
    m = rows_of(STUDY_MATCHES).set_index(["country", "partner", "year"])["value"]
    r = rows_of(STUDY_RESOLUTIONS).set_index(["country", "partner", "year"])["value"]
    if len(m) and len(r):
        rate = (m / r).dropna()
        part = rate.rename("value").reset_index()
        part["indicator"] = STUDY_RATE
        part["note"] = ""
        parts.append(part)
    # Year-on-year changes.
    for name in ("trade_turnover", "arms_imports_tiv_total"):
        base = rows_of(name)
        if len(base):
            part = year_on_year(base)
            part["indicator"] = f"{name}_yoy"
            part["note"] = ""
            parts.append(part)
    if not parts:
        return values.iloc[0:0]
    out = pd.concat(parts, ignore_index=True)
    out["unit"] = out["indicator"].map(lambda n: DERIVED[n]["unit"])
    out["bound"] = ""
    out["source"] = "derived: " + out["indicator"].map(lambda n: DERIVED[n]["formula"])
    out["file"] = None
    out["line"] = None
    out["origin"] = "derived"
    return out[list(values.columns)]
