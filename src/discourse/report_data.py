"""The data a report shows, gathered in one pass: documents, hits and their counting, yearly scores, term rates,
events and (for one country) the indicator panel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import match as _match
from . import panel as _panel
from . import score as _score
from . import timeline as _timeline
from .errors import ReportError
from .lexicon import load_lexicon


@dataclass
class ReportData:
    """Everything the page shows, gathered from the lower stages."""

    lexicon: Any
    documents: pd.DataFrame
    hits: pd.DataFrame
    counted: pd.DataFrame
    entries: pd.DataFrame
    years: pd.DataFrame
    terms: pd.DataFrame
    events: pd.DataFrame
    panel: pd.DataFrame | None = None
    correlations: pd.DataFrame | None = None
    indicator_columns: list[str] = field(default_factory=list)
    indicator_labels: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    level: float = 0.95


def check_options(country, year_from, year_to, top_terms, evidence_per_year) -> None:
    from .bounds import MAX_SHOWN, YEAR_MAX, YEAR_MIN

    for name, year in (("year_from", year_from), ("year_to", year_to)):
        if year is not None and (not isinstance(year, (int, np.integer)) or not YEAR_MIN <= year <= YEAR_MAX):
            raise ReportError("D606", f"{name} {year!r} is not a year from {YEAR_MIN} to {YEAR_MAX}",
                              hint=f"give years from {YEAR_MIN} to {YEAR_MAX}")
    for name, value in (("top_terms", top_terms), ("evidence_per_year", evidence_per_year)):
        if isinstance(value, (int, np.integer)) and value > MAX_SHOWN:
            raise ReportError("D607", f"{name} {value} is more than {MAX_SHOWN}", hint=f"use at most {MAX_SHOWN}")
    if year_from is not None and year_to is not None and int(year_from) > int(year_to):
        raise ReportError("D604", f"year_from {year_from} is after year_to {year_to}",
                          hint="swap the two years; top_terms and evidence_per_year are positive integers")
    for name, value in (("top_terms", top_terms), ("evidence_per_year", evidence_per_year)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ReportError("D604", f"{name} must be a positive integer, got {value!r}",
                              hint="swap the two years; top_terms and evidence_per_year are positive integers")


def _term_rates(corpus, lexicon, hits: pd.DataFrame, entries: pd.DataFrame, top: int, filters: dict) -> pd.DataFrame:
    """Rate per 10,000 words per (year, entry) for the ``top`` entries with most hits (``discourse.timeline``).

    Years with documents but no hits of an entry are 0; years without documents are absent.
    """
    cols = ["year", "entry_id", "label", "count", "rate_per_10k", "n_docs", "n_words"]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    counts = hits["entry_id"].value_counts()
    leading = sorted(counts.index, key=lambda e: (-int(counts[e]), str(e)))[:top]
    frame = _timeline.timeline(corpus, leading, lexicon, by="year", per=10_000, **filters)
    labels = entries.drop_duplicates("entry_id").set_index("entry_id")["label"].to_dict()
    frame = frame.rename(columns={"term": "entry_id"})
    frame["label"] = [labels.get(e, e) for e in frame["entry_id"]]
    frame["year"] = frame["year"].astype(int)
    order = {e: i for i, e in enumerate(leading)}
    frame = frame.sort_values(["entry_id", "year"], key=lambda s: s.map(order) if s.name == "entry_id" else s,
                              kind="stable")
    return frame[cols].reset_index(drop=True)


def gather(corpus, *, country, year_from, year_to, lexicon, target, events, top_terms, seed, level, replicates,
            min_hits) -> ReportData:
    if lexicon is None or isinstance(lexicon, (str, os.PathLike)):
        lexicon = load_lexicon(lexicon, target=target)
    filters = {k: v for k, v in (("country", country), ("year_from", year_from), ("year_to", year_to))
               if v is not None and v != ""}
    documents = corpus.documents(**filters)
    if documents.empty:
        what = ", ".join(f"{k}={v}" for k, v in filters.items()) or "no filter"
        raise ReportError("D601", f"no documents in the store {corpus.path} match the report's filters ({what})",
                          hint="ingest documents first (discourse ingest ...) or widen the country/year filters")
    _match.match_corpus(corpus, lexicon, **filters)  # only the documents the report shows
    hits = _match.hits(corpus, lexicon, **filters)
    missing = [c for c in ("year", "date", "title") if c not in hits.columns]
    if missing:  # bring the document metadata the evidence needs
        meta = documents.set_index("id")[missing]
        hits = hits.join(meta, on="doc_id")
    entries = _score.entries_frame(lexicon)
    counted = _score.count_hits(hits, entries)
    years = _score.score_periods(hits, documents, entries, by="year", seed=seed, level=level,
                                 replicates=replicates, min_hits=min_hits)
    if "year" not in years.columns and "period" in years.columns:
        years = years.rename(columns={"period": "year"})
    terms = _term_rates(corpus, lexicon, hits, entries, top_terms, filters)
    data = ReportData(lexicon=lexicon, documents=documents, hits=hits, counted=counted, entries=entries, years=years,
                 terms=terms, events=events, level=level)
    if hits.empty:
        data.notes["orientation"] = ("No lexicon term was found in the selected documents, so there is no score "
                                     "to draw.")
        data.notes["terms"] = "No lexicon term was found in the selected documents."
        data.notes["evidence"] = "No lexicon term was found in the selected documents."
    _gather_indicators(corpus, data, country=country, year_from=year_from, year_to=year_to)
    return data


def _gather_indicators(corpus, data: ReportData, *, country, year_from, year_to) -> None:
    """The yearly panel and its correlations, or a note saying why there are none."""
    if not country or "," in str(country):
        data.notes["indicators"] = ("Indicators are shown for one country: build the report for one country "
                                    "(for example AZE).")
        return
    lo = int(year_from) if year_from is not None else int(data.documents["year"].min())
    hi = int(year_to) if year_to is not None else int(data.documents["year"].max())
    frame = _panel.panel(corpus, country, lo, hi, scores=data.years, lexicon=data.lexicon)
    variables = frame.attrs.get("variables", {})
    present = [c for c in variables if c in frame.columns and frame[c].notna().any()]
    if not present:
        data.notes["indicators"] = f"No indicator has values for {country} between {lo} and {hi}."
        return
    # Directed indicators first (they say something about alignment), then by number of years with a value.
    present.sort(key=lambda c: (variables[c].get("direction", 0) == 0, -int(frame[c].notna().sum()), c))
    data.panel = frame
    data.indicator_columns = present
    data.indicator_labels = {c: _indicator_label(c, variables[c]) for c in present}
    data.correlations = _panel.panel_correlations(frame, variables=present)


def _indicator_label(column: str, var: dict) -> str:
    label = str(var.get("label") or column)
    partner = var.get("partner")
    unit = var.get("unit")
    direction = {1: "higher = closer to the target power", -1: "higher = further from the target power"}.get(
        var.get("direction"), "no direction")
    return f"{label}" + (f" [{partner}]" if partner and partner not in label else "") + (
        f" ({unit}; {direction})" if unit else f" ({direction})")
