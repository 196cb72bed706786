"""The HTML report: orientation timeline, term timelines, indicators and the evidence behind each year.

:func:`build_report` writes ``OUT_DIR/index.html``, one self-contained page (CSS inline, figures embedded as
``data:`` images, no script, nothing fetched from the network), ``OUT_DIR/figures/*.png|svg`` for papers, and
``OUT_DIR/docs/ID.html`` for every document cited as evidence (its metadata and text, page by page, with the
hits marked). Sections, by element id:

``summary``      what the report covers, and a note for every section without data;
``orientation``  the yearly score with its confidence band, hits per 10,000 words by pole, key events;
``terms``        the rate per 10,000 words of the leading lexicon entries (small multiples);
``indicators``   the indicators on the same time axis, and the correlations from the panel;
``evidence``     per year, the keyword-in-context lines that weigh most in its score, with negation and target;
``documents``    the documents behind the report;
``methods``      lexicon version, corpus snapshot, parameters, package and rule versions.

Text from documents and from ``events.csv`` is escaped everywhere (Jinja2 autoescaping; nothing is marked
safe except the figures this module draws, which are embedded as base64 ``<img>`` sources).

>>> # from discourse import Corpus; from discourse.report import build_report
>>> # build_report(Corpus.open(), "out/report", country="AZE", year_from=2005, year_to=2020)

Error codes (D6xx): D601 no documents match the filters; D602 the events file does not exist; D603 the
events file is malformed (line and cause named); D604 invalid option (years, counts); D605 the output folder
cannot be written.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .errors import DiscourseError, ReportError
from .metadata import parse_date

__all__ = ["build_report", "load_events", "DEFAULT_EVENTS", "SECTIONS"]

#: Section ids of ``index.html``, in page order.
SECTIONS = ("summary", "orientation", "terms", "indicators", "evidence", "documents", "methods")
#: The shipped events file (relative to the working directory); see ``docs/report.md``.
DEFAULT_EVENTS = Path("corpus") / "events.csv"
EVENT_COLUMNS = ("date", "end_date", "label", "kind", "source")
_SHIPPED_EVENTS = Path(__file__).resolve().parents[2] / "corpus" / "events.csv"

_POLE_COLOURS = {"west": "#1f77b4", "hedging": "#7f7f7f", "target": "#d62728"}
_EVENT_COLOURS = {"war": "#d62728", "document": "#2ca02c", "speech": "#9467bd"}
_NEEDS_TARGET_COLOUR = "#9467bd"
_MAX_INDICATOR_PANELS = 6
_SLUG = re.compile(r"[^0-9A-Za-z_.-]+")


# -- events ---------------------------------------------------------------------------------------------------
def _year_fraction(date: str) -> float:
    """x position of an ISO date on a yearly axis where year Y spans [Y - 0.5, Y + 0.5)."""
    parts = [int(p) for p in date.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return float(year)
    month = parts[1]
    day = parts[2] if len(parts) > 2 else 15
    start = _dt.date(year, 1, 1)
    days = (_dt.date(year + 1, 1, 1) - start).days
    return year - 0.5 + ((_dt.date(year, month, day) - start).days + 0.5) / days


def load_events(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read a key-events file (CSV: date, end_date, label, kind, source) into a DataFrame sorted by date.

    ``date`` and ``end_date`` are ISO dates (YYYY, YYYY-MM or YYYY-MM-DD); ``end_date`` is optional (a span is
    drawn as a shaded band); ``label`` is required. Columns x and x_end hold the positions on a yearly axis.
    Raises :class:`ReportError` D602 when the file is missing and D603, naming the line, when a row is bad.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = p.write_text("date,end_date,label,kind,source\\n2016-04-02,2016-04-05,April clashes,war,\\n")
    >>> load_events(p)[["date", "label"]].values.tolist()
    [['2016-04-02', 'April clashes']]
    """
    path = Path(path) if path is not None else DEFAULT_EVENTS
    if not path.is_file():
        raise ReportError("D602", f"events file not found: {path}",
                          hint="pass --events FILE, or create it with the columns " + ", ".join(EVENT_COLUMNS))
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in ("date", "label") if c not in header]
            if missing:
                raise ReportError("D603", f"{path}:1: missing column(s) {', '.join(missing)}",
                                  hint="the header must include " + ", ".join(EVENT_COLUMNS))
            rows = []
            for line, row in enumerate(reader, start=2):
                where = f"{path}:{line}"
                if None in row:
                    raise ReportError("D603", f"{where}: more fields than columns in the header",
                                      hint="quote fields that contain commas")
                values = {c: (row.get(c) or "").strip() for c in EVENT_COLUMNS}
                if not any(values.values()):
                    continue
                if not values["label"]:
                    raise ReportError("D603", f"{where}: empty label", hint="every event needs a label")
                try:
                    date, _ = parse_date(values["date"], where)
                    end = parse_date(values["end_date"], where)[0] if values["end_date"] else ""
                except DiscourseError as exc:
                    raise ReportError("D603", exc.message, hint=exc.hint) from None
                x = _year_fraction(date)
                x_end = _year_fraction(end) if end else math.nan
                if end and x_end < x:
                    raise ReportError("D603", f"{where}: end_date {end} is before date {date}",
                                      hint="swap the two dates")
                rows.append({**values, "date": date, "end_date": end, "x": x, "x_end": x_end})
    except UnicodeDecodeError as exc:
        raise ReportError("D603", f"{path}: not UTF-8 text ({exc.reason})", hint="save the file as UTF-8") from None
    frame = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "x", "x_end"])
    return frame.sort_values(["x", "label"], kind="stable").reset_index(drop=True)


# -- gathering the data ---------------------------------------------------------------------------------------
@dataclass
class _Data:
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


def _check_options(country, year_from, year_to, top_terms, evidence_per_year) -> None:
    if year_from is not None and year_to is not None and int(year_from) > int(year_to):
        raise ReportError("D604", f"--from {year_from} is after --to {year_to}", hint="swap the two years")
    for name, value in (("top_terms", top_terms), ("evidence_per_year", evidence_per_year)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ReportError("D604", f"{name} must be a positive integer, got {value!r}")


def _term_rates(corpus, lexicon, hits: pd.DataFrame, entries: pd.DataFrame, top: int, filters: dict) -> pd.DataFrame:
    """Rate per 10,000 words per (year, entry) for the ``top`` entries with most hits (``discourse.timeline``).

    Years with documents but no hits of an entry are 0; years without documents are absent.
    """
    from .timeline import timeline

    cols = ["year", "entry_id", "label", "count", "rate_per_10k", "n_docs", "n_words"]
    if hits.empty:
        return pd.DataFrame(columns=cols)
    counts = hits["entry_id"].value_counts()
    leading = sorted(counts.index, key=lambda e: (-int(counts[e]), str(e)))[:top]
    frame = timeline(corpus, leading, lexicon, by="year", per=10_000, **filters)
    labels = entries.drop_duplicates("entry_id").set_index("entry_id")["label"].to_dict()
    frame = frame.rename(columns={"term": "entry_id"})
    frame["label"] = [labels.get(e, e) for e in frame["entry_id"]]
    frame["year"] = frame["year"].astype(int)
    order = {e: i for i, e in enumerate(leading)}
    frame = frame.sort_values(["entry_id", "year"], key=lambda s: s.map(order) if s.name == "entry_id" else s,
                              kind="stable")
    return frame[cols].reset_index(drop=True)


def _gather(corpus, *, country, year_from, year_to, lexicon, target, events, top_terms, seed, level, replicates,
            min_hits) -> _Data:
    from . import score as _score
    from . import match as _match
    from .lexicon import load_lexicon

    if lexicon is None or isinstance(lexicon, (str, os.PathLike)):
        lexicon = load_lexicon(lexicon, target=target)
    filters = {k: v for k, v in (("country", country), ("year_from", year_from), ("year_to", year_to))
               if v is not None and v != ""}
    documents = corpus.documents(**filters)
    if documents.empty:
        what = ", ".join(f"{k}={v}" for k, v in filters.items()) or "no filter"
        raise ReportError("D601", f"no documents in the store {corpus.path} match the report's filters ({what})",
                          hint="ingest documents first (discourse ingest ...) or widen --country/--from/--to")
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
    data = _Data(lexicon=lexicon, documents=documents, hits=hits, counted=counted, entries=entries, years=years,
                 terms=terms, events=events, level=level)
    if hits.empty:
        data.notes["orientation"] = ("No lexicon term was found in the selected documents, so there is no score "
                                     "to draw.")
        data.notes["terms"] = "No lexicon term was found in the selected documents."
        data.notes["evidence"] = "No lexicon term was found in the selected documents."
    _gather_indicators(corpus, data, country=country, year_from=year_from, year_to=year_to)
    return data


def _gather_indicators(corpus, data: _Data, *, country, year_from, year_to) -> None:
    """The yearly panel and its correlations, or a note saying why there are none."""
    if not country or "," in str(country):
        data.notes["indicators"] = ("Indicators are shown for one country: run the report with --country "
                                    "(for example --country AZE).")
        return
    from . import panel as _panel

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


# -- figures ----------------------------------------------------------------------------------------------------
@dataclass
class _Figure:
    name: str
    title: str
    caption: str
    png: Path
    svg: Path
    data_uri: str
    alt: str


def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    # A fixed layout (no constrained/tight layout): the figures are regular grids, and skipping the layout
    # engine halves the drawing time on long year ranges.
    return Figure(figsize=(width, height), dpi=100)


def _save(fig, out: Path, name: str, title: str, caption: str, alt: str) -> _Figure:
    import matplotlib

    out.mkdir(parents=True, exist_ok=True)
    png, svg = out / f"{name}.png", out / f"{name}.svg"
    with matplotlib.rc_context({"svg.hashsalt": "discourse", "svg.fonttype": "path"}):
        fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg.write_bytes(buf.getvalue())
    uri = "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
    return _Figure(name, title, caption, png, svg, uri, alt)


def _year_axis(ax, lo: int, hi: int, narrow: bool = False) -> None:
    ax.set_xlim(lo - 0.6, hi + 0.6)
    span = hi - lo
    if narrow:  # half-width panels
        step = 1 if span <= 8 else 2 if span <= 16 else 5 if span <= 40 else 10
    else:
        step = 1 if span <= 16 else 2 if span <= 32 else 5
    first = lo + (-lo) % step  # the first multiple of step within the range
    ax.set_xticks(list(range(first, hi + 1, step)))  # (set_xticks may widen the limits: set them again)
    ax.set_xlim(lo - 0.6, hi + 0.6)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def _label_rows(events: pd.DataFrame, lo: int, hi: int, width_in: float, rows: int = 6) -> list[int]:
    """Greedy rows for event labels so that labels in one row do not overlap (7 pt text, ~4.2 pt per char)."""
    per_char = 4.2 / (width_in * 72.0) * (hi - lo + 1.2)
    ends = [-math.inf] * rows
    out = []
    for ev in events.itertuples(index=False):
        right = ev.x > hi - 0.25 * (hi - lo + 1)
        width = (len(str(ev.label)) + 1) * per_char
        start, end = (ev.x - width, ev.x) if right else (ev.x, ev.x + width)
        row = next((r for r in range(rows) if ends[r] < start), int(np.argmin(ends)))
        ends[row] = max(ends[row], end)
        out.append(row)
    return out


def _draw_events(ax, events: pd.DataFrame, lo: int, hi: int, *, labels: bool) -> None:
    if events is None or events.empty:
        return
    ymax = ax.get_ylim()[1]
    shown = events.loc[(events["x"] >= lo - 0.5) & (events["x"] <= hi + 0.5)]
    width_in = ax.figure.get_figwidth() * ax.get_position().width
    rows = _label_rows(shown, lo, hi, width_in) if labels else [0] * len(shown)
    for ev, row in zip(shown.itertuples(index=False), rows):
        colour = _EVENT_COLOURS.get(ev.kind, "#555555")
        if not math.isnan(ev.x_end) and ev.x_end - ev.x > 0.02:
            ax.axvspan(ev.x, ev.x_end, color=colour, alpha=0.12, linewidth=0)
        ax.axvline(ev.x, color=colour, linestyle="--", linewidth=0.8, alpha=0.8)
        if labels:
            right = ev.x > hi - 0.25 * (hi - lo + 1)  # labels near the right edge extend to the left
            ax.annotate(ev.label, xy=(ev.x, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-2 if right else 2, -3 - 9 * row), textcoords="offset points", fontsize=7,
                        color=colour, va="top", ha="right" if right else "left", annotation_clip=True)
    ax.set_ylim(top=ymax)


def _low_years(years: pd.DataFrame) -> list[int]:
    if "low_evidence" not in years.columns:
        return []
    return [int(y) for y, flag in zip(years["year"], years["low_evidence"]) if pd.notna(flag) and bool(flag)]


def _full_years(years: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """The yearly scores on every year of the axis (years without documents are NaN, so lines break there)."""
    frame = years.drop_duplicates("year").set_index("year").reindex(range(lo, hi + 1))
    return frame.rename_axis("year").reset_index()


def _orientation_figure(data: _Data, lo: int, hi: int, target: str, out: Path) -> _Figure:
    years = _full_years(data.years, lo, hi)
    fig = _new_figure(9.5, 6.2)
    ax, bx = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    fig.subplots_adjust(left=0.08, right=0.985, top=0.97, bottom=0.08, hspace=0.08)
    x = years["year"].astype(float).to_numpy()
    score = years["score"].astype(float).to_numpy()
    ax.fill_between(x, years["ci_low"].astype(float), years["ci_high"].astype(float), color="#444444", alpha=0.18,
                    linewidth=0, label=f"{int(round(data.level * 100))}% confidence interval")
    ax.plot(x, score, color="black", marker="o", markersize=4, linewidth=1.4, label="orientation score")
    low = _low_years(years)
    for i, y in enumerate(low):
        ax.axvspan(y - 0.5, y + 0.5, facecolor="none", edgecolor="#bbbbbb", hatch="///", linewidth=0,
                   label="low evidence (too few hits)" if i == 0 else None)
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel(f"score  (-1 West ... +1 {target})")
    _year_axis(ax, lo, hi)
    _draw_events(ax, data.events, lo, hi, labels=True)
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    bottom = np.zeros(len(years))
    for pole, col in (("west", "west_per_10k"), ("hedging", "hedging_per_10k"), ("target", "target_per_10k")):
        if col not in years.columns:
            continue
        values = years[col].astype(float).fillna(0.0).to_numpy()
        name = target if pole == "target" else pole
        bx.bar(x, values, bottom=bottom, width=0.7, color=_POLE_COLOURS[pole], label=f"toward {name}"
               if pole != "hedging" else "hedging", linewidth=0)
        bottom += values
    bx.set_ylabel("counted hits per 10,000 words")
    _year_axis(bx, lo, hi)
    _draw_events(bx, data.events, lo, hi, labels=False)
    bx.legend(loc="upper left", fontsize=7, frameon=False, ncol=3)
    bx.set_xlabel("year")
    return _save(fig, out, "orientation", "Orientation by year",
                 "Weighted mean position of the counted hits per year (black) with its bootstrap confidence band; "
                 "hatched years have too few hits to interpret. Below: counted hits per 10,000 words by pole. "
                 "Dashed lines and shaded spans: key events.",
                 "Line chart of the yearly orientation score with a confidence band, and bars of hits per "
                 "10,000 words")


def _terms_figure(data: _Data, lo: int, hi: int, out: Path) -> _Figure:
    entries = list(dict.fromkeys(data.terms["entry_id"]))
    n = len(entries)
    ncols = 2 if n > 1 else 1
    nrows = math.ceil(n / ncols)
    height = 1.6 * nrows + 0.6
    fig = _new_figure(9.5, height)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
    fig.subplots_adjust(left=0.08, right=0.985, top=1 - 0.3 / height, bottom=0.45 / height, hspace=0.45, wspace=0.15)
    table = data.entries.drop_duplicates("entry_id").set_index("entry_id")
    for ax, entry in zip(axes, entries):
        rows = data.terms.loc[data.terms["entry_id"] == entry].sort_values("year")
        pos = float(table["position"].get(entry, 0.0))
        needs = bool(table["needs_target"].get(entry, False))
        colour = (_NEEDS_TARGET_COLOUR if needs else _POLE_COLOURS["west"] if pos < 0
                  else _POLE_COLOURS["target"] if pos > 0 else _POLE_COLOURS["hedging"])
        ax.bar(rows["year"], rows["rate_per_10k"], width=0.7, color=colour, linewidth=0)
        where = "direction from its target actor" if needs else f"position {pos:+.1f}"
        ax.set_title(f"{rows['label'].iloc[0]}  ({where}, {int(rows['count'].sum())} hits)", fontsize=8, loc="left")
        _year_axis(ax, lo, hi, narrow=ncols > 1)
        _draw_events(ax, data.events, lo, hi, labels=False)
        ax.tick_params(labelsize=7)
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.supylabel("hits per 10,000 words", fontsize=8, x=0.005)
    return _save(fig, out, "terms", "Leading lexicon entries",
                 "Hits per 10,000 words of the lexicon entries with most hits (all hits, negated or not), one panel "
                 "per entry; colour = the entry's pole (blue West, grey hedging, red target power, purple: the direction "
                 "depends on the actor in the sentence).",
                 "Small multiples of yearly term rates for the leading lexicon entries")


def _indicators_figure(data: _Data, lo: int, hi: int, target: str, out: Path) -> _Figure:
    cols = data.indicator_columns[:_MAX_INDICATOR_PANELS]
    frame = data.panel.sort_values("year")
    height = 1.45 * (len(cols) + 1) + 0.6
    fig = _new_figure(9.5, height)
    axes = np.atleast_1d(fig.subplots(len(cols) + 1, 1, sharex=True, squeeze=False)).ravel()
    fig.subplots_adjust(left=0.08, right=0.985, top=1 - 0.3 / height, bottom=0.5 / height, hspace=0.45)
    years = _full_years(data.years, lo, hi)
    ax = axes[0]
    ax.fill_between(years["year"].astype(float), years["ci_low"].astype(float), years["ci_high"].astype(float),
                    color="#444444", alpha=0.18, linewidth=0)
    ax.plot(years["year"].astype(float), years["score"].astype(float), color="black", marker="o", markersize=3)
    ax.axhline(0, color="#888888", linewidth=0.8)
    ax.set_title(f"orientation score (-1 West ... +1 {target})", fontsize=8, loc="left")
    _year_axis(ax, lo, hi)
    _draw_events(ax, data.events, lo, hi, labels=False)
    for ax, col in zip(axes[1:], cols):
        # NaN breaks the line: a year without a value is a gap, not an interpolation.
        ax.plot(frame["year"].astype(float), frame[col].astype(float), color="#1f4e79", marker="o", markersize=3)
        ax.set_title(data.indicator_labels.get(col, col), fontsize=8, loc="left")
        _year_axis(ax, lo, hi)
        _draw_events(ax, data.events, lo, hi, labels=False)
        ax.tick_params(labelsize=7)
    axes[-1].set_xlabel("year")
    return _save(fig, out, "indicators", "Indicators beside the orientation series",
                 "The yearly orientation score (top) and each indicator with values in the selected years, on the "
                 "same time axis. Missing years are gaps, never zeros.",
                 "Stacked line charts of the orientation score and the indicators by year")


# -- evidence and documents --------------------------------------------------------------------------------------
def _evidence(data: _Data, per_year: int) -> list[dict]:
    """Per year, the counted hits with the largest |weight x effective position| (ties: date, document, offset)."""
    c = data.counted
    if c.empty:
        return []
    c = c.loc[c["counted"]].copy()
    c["contribution"] = c["weight"].astype(float) * c["eff_position"].astype(float)
    c["strength"] = c["contribution"].abs()
    labels = data.entries.drop_duplicates("entry_id").set_index("entry_id")["label"].to_dict()
    by_year = data.years.set_index("year") if "year" in data.years.columns else pd.DataFrame()
    out = []
    for year, group in c.groupby("year", sort=True):
        top = group.sort_values(["strength", "date", "doc_id", "start"], ascending=[False, True, True, True],
                                kind="stable").head(per_year)
        row = by_year.loc[year] if year in by_year.index else None
        lines = []
        for hit in top.itertuples(index=False):
            lines.append({
                "doc_id": hit.doc_id, "title": _text(getattr(hit, "title", "")), "date": _text(getattr(hit, "date", "")),
                "page": int(hit.page), "start": int(hit.start), "entry": labels.get(hit.entry_id, hit.entry_id),
                "left": _context(hit.left_context, left=True), "surface": _one_line(hit.surface),
                "right": _context(hit.right_context, left=False),
                "negated": bool(hit.negated), "cue": _text(getattr(hit, "negation_cue", "")),
                "stance": _text(getattr(hit, "stance", "")), "stance_cue": _text(getattr(hit, "stance_cue", "")),
                "stance_rule": _text(getattr(hit, "stance_rule", "")),
                "target_inferred": bool(getattr(hit, "target_inferred", False)),
                "target": _text(getattr(hit, "target", "")), "target_group": _text(getattr(hit, "target_group", "")),
                "pole": hit.pole, "contribution": float(hit.contribution),
            })
        out.append({
            "year": int(year), "lines": lines, "n_counted": int(len(group)),
            "score": None if row is None else _num(row.get("score")),
            "low_evidence": bool(row.get("low_evidence", False)) if row is not None else True,
        })
    return out


_WS = re.compile(r"\s+")
_CONTEXT_CHARS = 90


def _one_line(value) -> str:
    return _WS.sub(" ", _text(value)).strip()


def _context(value, *, left: bool) -> str:
    """A KWIC context on one line, cut to about 90 characters at a word boundary away from the hit."""
    text = _WS.sub(" ", _text(value))
    if len(text) <= _CONTEXT_CHARS:
        return text.strip()
    if left:
        cut = text[-_CONTEXT_CHARS:]
        return "… " + cut.split(" ", 1)[-1].lstrip() if " " in cut else "… " + cut
    cut = text[:_CONTEXT_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + " …"


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _doc_file(doc_id: str) -> str:
    return "docs/" + _SLUG.sub("_", str(doc_id)) + ".html"


def _document_pages(text: str, page_starts: list[int], hits: pd.DataFrame) -> list[dict]:
    """The text split into pages, each a list of segments (plain text or a marked hit)."""
    starts = list(page_starts) or [0]
    bounds = [*starts[1:], len(text)]
    marks = []
    last_end = -1
    for h in hits.sort_values(["start", "end"]).itertuples(index=False):
        if h.start < last_end:  # overlapping hits: keep the first
            continue
        marks.append(h)
        last_end = h.end
    pages, k = [], 0
    for number, (lo, hi) in enumerate(zip(starts, bounds), start=1):
        segments, pos = [], lo
        while k < len(marks) and marks[k].start < hi:
            h = marks[k]
            s, e = max(h.start, lo), min(h.end, hi)
            if s > pos:
                segments.append({"text": text[pos:s], "hit": False})
            segments.append({"text": text[s:e], "hit": True, "id": f"hit-{h.start}", "negated": bool(h.negated),
                             "title": f"{h.entry_id}" + (" (negated)" if h.negated else "")
                             + (f", stance: {h.stance}" if _text(getattr(h, 'stance', '')) else "")
                             + (f", target: {h.target}" if _text(getattr(h, 'target', '')) else "")})
            pos = e
            if h.end <= hi:
                k += 1
            else:
                break
        if pos < hi:
            segments.append({"text": text[pos:hi], "hit": False})
        pages.append({"number": number, "segments": segments})
    return pages


# -- rendering ----------------------------------------------------------------------------------------------------
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("discourse", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _format_number
    env.filters["doc_file"] = _doc_file
    return env


def _format_number(value, digits: int = 3) -> str:
    if value is None or isinstance(value, str):
        return "" if value is None else value
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v)}" if abs(v) < 10000 else f"{int(v):,}"
    return f"{v:.{digits}f}"


def _table(frame: pd.DataFrame | None, columns: list[str] | None = None) -> dict | None:
    if frame is None or frame.empty:
        return None
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    return {"columns": cols, "rows": [[row[c] for c in cols] for _, row in frame.iterrows()]}


def _remove_stale(out: Path) -> None:
    """Remove what an earlier report wrote in ``out`` (its figures and document pages), nothing else."""
    try:
        for name in ("orientation", "terms", "indicators"):
            for ext in ("png", "svg"):
                (out / "figures" / f"{name}.{ext}").unlink(missing_ok=True)
        if (out / "docs").is_dir():
            for page in (out / "docs").glob("*.html"):
                page.unlink()
    except OSError as exc:
        raise ReportError("D605", f"cannot clear the earlier report in {out}: {exc.strerror}",
                          hint="choose another folder with --out") from None


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError("D605", f"cannot write {path}: {exc.strerror}",
                          hint="choose another folder with --out") from None


def build_report(
    corpus,
    out_dir: str | os.PathLike = Path("out") / "report",
    *,
    country: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    lexicon=None,
    target: str | None = None,
    events: str | os.PathLike | None = None,
    top_terms: int = 8,
    evidence_per_year: int = 5,
    seed: int | None = None,
    level: float | None = None,
    replicates: int | None = None,
    min_hits: int | None = None,
) -> Path:
    """Write the HTML report of a corpus and return the path of its ``index.html``.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.corpus.Corpus`.
    out_dir:
        Folder for ``index.html``, ``figures/`` and ``docs/`` (created; the figures and document pages of an
        earlier report there are replaced, other files are left alone).
    country, year_from, year_to:
        Document filters (ISO 3166-1 alpha-3 code; inclusive years). Indicators need one country.
    lexicon:
        A loaded :class:`~discourse.lexicon.Lexicon`, a path, or None for the shipped orientation lexicon.
    target:
        Target power (actor id) when the lexicon is loaded here; default the lexicon's own (russia).
    events:
        Key-events CSV (see :func:`load_events`); default ``corpus/events.csv`` under the working directory,
        else ``events.csv`` beside the store, else the project's shipped ``corpus/events.csv``, else none (the
        page says so).
    top_terms, evidence_per_year:
        How many lexicon entries get a term timeline; how many KWIC lines are shown per year.
    seed, level, replicates, min_hits:
        Passed to the scores (see :func:`discourse.score.score_periods`); defaults are the scores' defaults.

    >>> # build_report(corpus, "out/report", country="AZE", year_from=1992, year_to=2024)
    """
    from . import score as _score

    seed = _score.DEFAULT_SEED if seed is None else seed
    level = _score.DEFAULT_LEVEL if level is None else level
    replicates = _score.DEFAULT_REPLICATES if replicates is None else replicates
    min_hits = _score.DEFAULT_MIN_HITS if min_hits is None else min_hits
    _check_options(country, year_from, year_to, top_terms, evidence_per_year)
    country = str(country).strip().upper() if country else None
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError("D605", f"output path {out} exists and is not a folder", hint="choose another --out")
    if events is not None:
        events_path = Path(events)
    else:  # corpus/events.csv under the working directory, beside the store, then the project's shipped file
        candidates = [DEFAULT_EVENTS, Path(corpus.path).parent / "events.csv", _SHIPPED_EVENTS]
        events_path = next((p for p in candidates if p.is_file()), None)
    if events_path is None:
        event_frame, events_note = _no_events(), f"No events file ({DEFAULT_EVENTS}) found; none drawn."
    else:
        event_frame, events_note = load_events(events_path), None
    data = _gather(corpus, country=country, year_from=year_from, year_to=year_to, lexicon=lexicon, target=target,
                   events=event_frame, top_terms=top_terms, seed=seed, level=level, replicates=replicates,
                   min_hits=min_hits)
    lo = int(year_from) if year_from is not None else int(data.documents["year"].min())
    hi = int(year_to) if year_to is not None else int(data.documents["year"].max())
    target = str(getattr(data.lexicon, "target", "target power") or "target power")
    target_label = target.capitalize() if target.islower() else target

    figures_dir = out / "figures"
    _remove_stale(out)
    figures: dict[str, _Figure] = {}
    if not data.years.empty and data.years["n_hits"].sum() > 0:
        figures["orientation"] = _orientation_figure(data, lo, hi, target_label, figures_dir)
    if not data.terms.empty:
        figures["terms"] = _terms_figure(data, lo, hi, figures_dir)
    if data.panel is not None:
        figures["indicators"] = _indicators_figure(data, lo, hi, target_label, figures_dir)

    evidence = _evidence(data, evidence_per_year)
    cited = sorted({line["doc_id"] for year in evidence for line in year["lines"]})
    docs = data.documents
    env = _environment()
    doc_template = env.get_template("document.html.j2")
    for doc_id in cited:
        record = corpus.document(doc_id)
        text = corpus.text(doc_id)
        doc_hits = data.hits.loc[data.hits["doc_id"] == doc_id]
        pages = _document_pages(text, record.get("page_starts") or [0], doc_hits)
        meta = [(k, record.get(k)) for k in ("id", "title", "date", "doc_type", "speaker", "speaker_post", "country",
                                              "language", "source_url", "source_path", "pages", "words",
                                              "extractor", "sha256") if record.get(k) not in (None, "")]
        _write(out / _doc_file(doc_id), doc_template.render(record=record, meta=meta, pages=pages,
                                                              version=__version__))

    from .tables import corpus_snapshot

    snapshot = corpus_snapshot(zip(docs["id"], docs["sha256"]))
    from . import match as _match

    rule_versions = {"scoring": _score.SCORING_RULES,
                     **{str(k): str(v) for k, v in dict(getattr(_match, "RULE_VERSIONS", {})).items()}}
    parameters = {
        "country": country or "all", "from": year_from if year_from is not None else f"{lo} (first year)",
        "to": year_to if year_to is not None else f"{hi} (last year)", "seed": seed, "confidence level": level,
        "bootstrap replicates": replicates, "min hits per year": min_hits, "period": "year",
        "document weighting": "words", "leading entries shown": top_terms, "evidence lines per year": evidence_per_year,
        "events file": str(events_path) if events_note is None else "(none)",
    }
    methods = {
        "lexicon_name": _text(getattr(data.lexicon, "name", "")), "lexicon_path": _text(getattr(data.lexicon, "path", "")),
        "lexicon_hash": _text(getattr(data.lexicon, "hash", "")), "target": target,
        "n_entries": len(data.entries), "n_documents": snapshot["n_documents"], "snapshot_digest": snapshot["digest"],
        "parameters": parameters, "version": __version__, "rule_versions": rule_versions,
        "n_hits": int(len(data.hits)), "n_counted": int(data.counted["counted"].sum()) if len(data.counted) else 0,
    }
    year_cols = ["year", "score", "ci_low", "ci_high", "ratio", "logit", "n_docs", "n_words", "n_hits",
                 "rate_per_10k", "low_evidence"]
    notes = dict(data.notes)
    if events_note:
        notes["events"] = events_note
    corr = corr_all = panel_table = None
    if data.panel is not None:
        c = data.correlations.copy()
        c.insert(0, "indicator", [data.indicator_labels.get(v, v) for v in c["variable"]])
        corr_all = c.drop(columns=["variable"]).rename(columns={"label": "note"})
        directed = [v for v in data.indicator_columns
                    if data.panel.attrs.get("variables", {}).get(v, {}).get("direction", 0) != 0]
        corr = corr_all.loc[(c["lag"] == 0) & c["variable"].isin(directed)] if directed else corr_all.loc[c["lag"] == 0]
        if corr["n"].max() < 3:
            notes["correlations"] = ("Fewer than three years have both a score and an indicator value: the "
                                     "correlations are empty.")
        panel_table = data.panel[["year", *[x for x in ("score", "ci_low", "ci_high") if x in data.panel],
                                  *data.indicator_columns]]
    doc_rows = [{"id": r["id"], "file": _doc_file(r["id"]) if r["id"] in cited else None, "date": _text(r["date"]),
                 "title": _text(r.get("title")), "doc_type": _text(r.get("doc_type")),
                 "country": _text(r.get("country")), "language": _text(r.get("language")),
                 "words": r.get("words")} for _, r in docs.iterrows()]
    html = env.get_template("report.html.j2").render(
        title=f"Orientation report: {country or 'all countries'}, {lo}-{hi}",
        country=country, lo=lo, hi=hi, target=target_label, sections=SECTIONS, figures=figures, notes=notes,
        years=_table(data.years, year_cols), low_years=_low_years(data.years),
        terms=_table(_terms_summary(data.terms)), indicators=_table(panel_table), correlations=_table(corr),
        correlations_all=_table(corr_all),
        indicator_labels=data.indicator_labels, evidence=evidence, documents=doc_rows, methods=methods,
        events=_table(data.events, list(EVENT_COLUMNS)),
    )
    index = out / "index.html"
    _write(index, html)
    _write(out / "report.json", json.dumps({"parameters": parameters, "lexicon_hash": methods["lexicon_hash"],
                                            "snapshot": {k: snapshot[k] for k in ("n_documents", "digest")},
                                            "version": __version__, "rule_versions": rule_versions,
                                            "figures": sorted(f"figures/{f.name}.{ext}" for f in figures.values()
                                                              for ext in ("png", "svg"))},
                                           indent=1, default=str))
    return index


def _no_events() -> pd.DataFrame:
    return pd.DataFrame(columns=[*EVENT_COLUMNS, "x", "x_end"])


def _terms_summary(terms: pd.DataFrame) -> pd.DataFrame:
    if terms.empty:
        return terms
    total = terms.groupby(["entry_id", "label"], sort=False).agg(hits=("count", "sum"))
    words = terms.drop_duplicates("year")["n_words"].sum()
    total["rate_per_10k"] = total["hits"] / words * 1e4 if words else math.nan
    return total.reset_index()
