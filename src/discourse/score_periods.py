"""Scores per period (year, windows, rolling or a group column), aggregated from the documents with bootstrap intervals."""

from __future__ import annotations

import math
import re
from typing import Sequence
import numpy as np
import pandas as pd

from .defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from .errors import ScoreError
from .score_counting import GROUP_COLUMNS, SCORE_COLUMNS, _K, _N, _R, _W, _check_params, _require, _sentence_stats, count_hits
from .score_documents import _category_columns, _pole_counts, _rates
from .score_bootstrap import _derive, _doc_replicates, _flag_outside, _interval, _multinomial_uniform, _rng


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
        from .bounds import MAX_ROLLING  # each year's row pools `rolling` years: bounded by the years there can be

        if rolling > MAX_ROLLING:
            raise ScoreError("D447", f"rolling window of {rolling} years is longer than {MAX_ROLLING} years",
                             hint=f"use at most {MAX_ROLLING} (years run from 1800 to 2200)")
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
    pole_cols = ["n_west", "n_target", "n_hedging", "n_unattributed", "n_dropped", *cat_cols]
    pole_np = pole[pole_cols].to_numpy(dtype=np.int64)  # summed per period in numpy (pandas per row is slow)
    for key, block in assign.groupby(key_cols, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        members = block["_doc"].to_numpy()
        row = dict(zip(key_cols, key))
        row.update(_period_row(members, totals, sent, doc_ids, n_sent, words, weighting, seed, level, replicates,
                               min_hits, key))
        for col, value in zip(pole_cols, pole_np[members].sum(axis=0)):
            row[col] = int(value)
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
