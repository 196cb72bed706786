"""UN roll-call agreement between two countries, computed from the unvotes tables (Voeten's roll-call data), and
compared with the seed study's figures.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pycountry

from .defaults import ISSUE_CODES, ROLLCALL_CONVENTIONS
from .errors import IndicatorError
from .indicator_measures import STUDY_MATCHES, STUDY_RATE, STUDY_RESOLUTIONS
from .indicators import COMPUTED_META, ROLLCALL_INDICATOR, ROLLCALL_N_INDICATOR, indicator_values, load_shipped
from .store import indicators as _sql

__all__ = ["default_votes_dir", "un_vote_agreement", "store_un_vote_agreement", "compare_un_votes", "un_votes"]


def default_votes_dir() -> Path:
    """Folder of the roll-call tables: ``$DISCOURSE_UNVOTES_DIR`` or ``../shared/data/unvotes`` beside the source
    checkout (the tables are not shipped: they are large and public elsewhere)."""
    env = os.environ.get("DISCOURSE_UNVOTES_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "data" / "unvotes"


_VOTE_FILES = ("un_votes.csv.gz", "un_roll_calls.csv.gz", "un_roll_call_issues.csv.gz")


def _alpha2(code: str, role: str) -> str:
    code = str(code).strip().upper()
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        raise IndicatorError("D521", f"{role} {code!r} is not an ISO 3166-1 alpha-3 code",
                             hint="use three letters, e.g. AZE, RUS")
    return country.alpha_2


def _read_votes_table(path: Path, usecols: list[str], dtype: dict) -> pd.DataFrame:
    if not path.exists():
        raise IndicatorError("D520", f"{path}: roll-call table missing",
                             hint="pass a folder holding the unvotes tables (votes_dir=...; see ../shared/data/unvotes/README.md)")
    try:
        return pd.read_csv(path, usecols=usecols, dtype=dtype, keep_default_na=False, na_values=[])
    except ValueError as exc:
        raise IndicatorError("D520", f"{path}: not a roll-call table with columns {', '.join(usecols)} ({exc})",
                             hint="use the tables of the unvotes R package (see ../shared/data/unvotes/README.md)") from None


def un_vote_agreement(
    country: str,
    partner: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    votes_dir: str | os.PathLike | None = None,
    exclude_issues: Iterable[str] = (),
    convention: str = "identical",
) -> pd.DataFrame:
    """Yearly UN General Assembly voting agreement of two states from the roll-call tables.

    A roll call counts when both states have a row in ``un_votes.csv.gz`` (the file has no absences:
    absent states and non-members simply have no row). Years are calendar years of the vote date.

    Parameters
    ----------
    country, partner:
        ISO 3166-1 alpha-3 codes (mapped to the file's alpha-2 codes with pycountry).
    year_from, year_to:
        Inclusive year range.
    votes_dir:
        Folder with the three tables (default :func:`default_votes_dir`).
    exclude_issues:
        Issue codes (:data:`ISSUE_CODES`); a roll call tagged with any of them is left out.
    convention:
        One of :data:`ROLLCALL_CONVENTIONS` (default ``identical``).

    Returns a frame with columns year, n (roll calls counted), n_identical, n_one_abstains (one abstained,
    the other voted yes or no), n_opposite (yes against no), agreement.

    Example: ``un_vote_agreement("AZE", "RUS", 2009, 2019)``.
    """
    if convention not in ROLLCALL_CONVENTIONS:
        raise IndicatorError("D523", f"unknown abstain convention {convention!r}",
                             hint=f"use one of {', '.join(ROLLCALL_CONVENTIONS)}")
    excluded = [c.strip().lower() for c in exclude_issues if c and c.strip()]
    bad = [c for c in excluded if c not in ISSUE_CODES]
    if bad:
        raise IndicatorError("D522", f"unknown issue code(s) {', '.join(bad)}",
                             hint="issue codes: " + ", ".join(f"{k} ({v})" for k, v in ISSUE_CODES.items()))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise IndicatorError("D524", f"year range {year_from}-{year_to} is empty", hint="give year_from and year_to as years, year_from not after year_to")
    a2c, a2p = _alpha2(country, "country"), _alpha2(partner, "partner")
    folder = Path(votes_dir) if votes_dir is not None else default_votes_dir()
    votes = _read_votes_table(folder / _VOTE_FILES[0], ["rcid", "country_code", "vote"],
                              {"rcid": "float64", "country_code": "string", "vote": "string"})
    votes = votes[votes["country_code"].isin([a2c, a2p])]
    calls = _read_votes_table(folder / _VOTE_FILES[1], ["rcid", "date"], {"rcid": "float64", "date": "string"})
    calls["year"] = pd.to_numeric(calls["date"].str.slice(0, 4), errors="coerce")
    if year_from is not None:
        calls = calls[calls["year"] >= year_from]
    if year_to is not None:
        calls = calls[calls["year"] <= year_to]
    if excluded:
        issues = _read_votes_table(folder / _VOTE_FILES[2], ["rcid", "short_name"],
                                   {"rcid": "float64", "short_name": "string"})
        drop = issues.loc[issues["short_name"].str.lower().isin(excluded), "rcid"]
        calls = calls[~calls["rcid"].isin(drop)]
    for code, role in ((a2c, country), (a2p, partner)):
        if not (votes["country_code"] == code).any():
            raise IndicatorError("D521", f"{folder / _VOTE_FILES[0]}: no votes of {role.upper()} ({code})",
                                 hint="check the country code and the roll-call file")
    vote = votes["vote"].str.strip().str.lower()
    odd = votes.loc[~vote.isin(["yes", "no", "abstain"])]
    if len(odd):
        raise IndicatorError("D525", f"{folder / _VOTE_FILES[0]}: roll call {odd['rcid'].iloc[0]:g}: vote "
                                     f"{odd['vote'].iloc[0]!r} is not yes, no or abstain",
                             hint="use the roll-call tables as published (votes are yes, no or abstain)")
    votes = votes.assign(vote=vote)
    a = votes[votes["country_code"] == a2c].drop_duplicates("rcid").set_index("rcid")["vote"].rename("a")
    b = votes[votes["country_code"] == a2p].drop_duplicates("rcid").set_index("rcid")["vote"].rename("b")
    both = pd.concat([a, b], axis=1, join="inner").join(calls.set_index("rcid")["year"], how="inner")
    va, vb = both["a"].to_numpy(dtype=object), both["b"].to_numpy(dtype=object)
    identical = va == vb
    one_abstains = ~identical & ((va == "abstain") | (vb == "abstain"))
    both = pd.DataFrame({"year": both["year"].to_numpy(dtype="int64"), "identical": identical,
                         "one_abstains": one_abstains, "opposite": ~identical & ~one_abstains,
                         "any_abstain": (va == "abstain") | (vb == "abstain")}, index=both.index)
    if convention == "yesno":
        both = both[~both["any_abstain"]]
    both["credit"] = both["identical"].astype("float64")
    if convention == "half":
        both["credit"] += 0.5 * both["one_abstains"].astype("float64")
    grouped = both.groupby("year")
    out = pd.DataFrame({
        "n": grouped.size(),
        "n_identical": grouped["identical"].sum(),
        "n_one_abstains": grouped["one_abstains"].sum(),
        "n_opposite": grouped["opposite"].sum(),
        "agreement": grouped["credit"].sum() / grouped.size(),
    })
    out.index = out.index.astype("int64")
    out = out.reset_index()
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite"):
        out[col] = out[col].astype("int64")
    return out


def store_un_vote_agreement(corpus, agreement: pd.DataFrame, country: str, partner: str, *,
                            parameters: dict) -> int:
    """Store a computed agreement series (and its n) as ``un_vote_agreement_rollcall`` / ``..._both_voted``.

    Replaces the pair's earlier computed series; the note of each row records the parameters.
    """
    country, partner = country.upper(), partner.upper()
    note = "; ".join(f"{k}={v}" for k, v in parameters.items())
    rows = []
    for rec in agreement.itertuples(index=False):
        for name, value, unit in ((ROLLCALL_INDICATOR, float(rec.agreement), "share"),
                                  (ROLLCALL_N_INDICATOR, float(rec.n), "count")):
            rows.append({"indicator": name, "country": country, "partner": partner, "year": int(rec.year),
                         "value": value, "unit": unit, "bound": "", "source": "computed from roll calls",
                         "note": note, "file": None, "line": None, "origin": "computed"})
    metas = [{"indicator": k, "origin": "computed", **v} for k, v in COMPUTED_META.items()]
    with corpus.store.write() as conn:
        _sql.upsert_meta(conn, metas)
        for name in COMPUTED_META:
            _sql.delete_values(conn, name, country, partner)
        _sql.replace_values(conn, rows)
    return len(rows)


def compare_un_votes(corpus, agreement: pd.DataFrame, country: str, partner: str, *,
                     tolerance: float = 0.05) -> pd.DataFrame:
    """Set the computed agreement beside the study's hand count, year by year, and flag where they differ.

    Columns: year, n, agreement (computed), study_matches, study_resolutions, study_rate, difference
    (agreement - study_rate), differs (|difference| > ``tolerance``, or one side missing).
    """
    study = indicator_values(corpus, country=country, partner=partner,
                             indicators=[STUDY_MATCHES, STUDY_RESOLUTIONS, STUDY_RATE])
    wide = study.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=[STUDY_MATCHES, STUDY_RESOLUTIONS, STUDY_RATE])
    wide.columns = ["study_matches", "study_resolutions", "study_rate"]
    out = agreement.set_index("year").join(wide, how="outer") if len(agreement) else wide
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite", "agreement"):
        if col not in out:
            out[col] = np.nan
    out = out.reset_index().rename(columns={"index": "year"})
    out["difference"] = out["agreement"] - out["study_rate"]
    out["differs"] = out["difference"].abs().gt(tolerance) | out["difference"].isna()
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite", "study_matches", "study_resolutions"):
        out[col] = out[col].astype("Int64")
    return out[["year", "n", "n_identical", "n_one_abstains", "n_opposite", "agreement", "study_matches",
                "study_resolutions", "study_rate", "difference", "differs"]]


def un_votes(
    corpus,
    country: str,
    partner: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    votes_dir: str | os.PathLike | None = None,
    exclude_issues: Iterable[str] = (),
    convention: str = "identical",
    store: bool = True,
) -> pd.DataFrame:
    """Compute agreement from the roll calls, store it beside the study's count, and return the comparison.

    The CLI twin is ``discourse indicators un-votes``; see :func:`un_vote_agreement` and
    :func:`compare_un_votes` for the columns.
    """
    excluded = sorted({c.strip().lower() for c in exclude_issues if c and c.strip()})
    agreement = un_vote_agreement(country, partner, year_from, year_to, votes_dir=votes_dir,
                                  exclude_issues=excluded, convention=convention)
    load_shipped(corpus)
    if store:
        store_un_vote_agreement(corpus, agreement, country, partner, parameters={
            "convention": convention, "exclude_issues": ",".join(excluded) or "none", "year": "vote date",
        })
    out = compare_un_votes(corpus, agreement, country, partner)
    if year_from is not None:
        out = out[out["year"] >= year_from]
    if year_to is not None:
        out = out[out["year"] <= year_to]
    return out.reset_index(drop=True)
