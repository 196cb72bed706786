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

The figures and the rendering live here; the data gathered for a report in ``report_data.py``, the key events
in ``report_events.py`` and the evidence lines and document pages in ``report_evidence.py``.

Error codes (D6xx): D601 no documents match the filters; D602 the events file does not exist; D603 the
events file is malformed (line and cause named); D604 invalid option (years, counts); D605 the output folder
cannot be written.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import score as _score
from ._version import __version__
from .errors import ReportError
from .provenance import provenance
from .report_data import ReportData, check_options, gather
from .report_evidence import doc_file, document_pages, evidence_lines, text_cell
from .report_events import DEFAULT_EVENTS, EVENT_COLUMNS, SHIPPED_EVENTS, load_events, no_events
from .report_figures import _Figure, _full_years, _low_years, _new_figure, _save, _year_axis

__all__ = ["build_report", "load_events", "DEFAULT_EVENTS", "SECTIONS"]

#: Section ids of ``index.html``, in page order.
SECTIONS = ("summary", "orientation", "terms", "indicators", "evidence", "documents", "methods")

_POLE_COLOURS = {"west": "#1f77b4", "hedging": "#7f7f7f", "target": "#d62728"}
_EVENT_COLOURS = {"war": "#d62728", "document": "#2ca02c", "speech": "#9467bd"}
_NEEDS_TARGET_COLOUR = "#9467bd"
_MAX_INDICATOR_PANELS = 6


# -- events ---------------------------------------------------------------------------------------------------


# -- gathering the data ---------------------------------------------------------------------------------------


# -- figures ----------------------------------------------------------------------------------------------------
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


def _orientation_figure(data: ReportData, lo: int, hi: int, target: str, out: Path) -> _Figure:
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


def _terms_figure(data: ReportData, lo: int, hi: int, out: Path) -> _Figure:
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


def _indicators_figure(data: ReportData, lo: int, hi: int, target: str, out: Path) -> _Figure:
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


# -- rendering ----------------------------------------------------------------------------------------------------
def _environment():
    # deferred: heavy (matplotlib/jinja2); loaded when a report is built
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("discourse", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _format_number
    env.filters["doc_file"] = doc_file
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
        for name in ("orientation", "terms", "indicators", "model"):
            for ext in ("png", "svg"):
                (out / "figures" / f"{name}.{ext}").unlink(missing_ok=True)
        if (out / "docs").is_dir():
            for page in (out / "docs").glob("*.html"):
                page.unlink()
    except OSError as exc:
        raise ReportError("D605", f"cannot clear the earlier report in {out}: {exc.strerror}",
                          hint="choose another output folder (out=...)") from None


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError("D605", f"cannot write {path}: {exc.strerror}",
                          hint="choose another output folder (out=...)") from None


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
    model: str | None = None,
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
    model:
        A fitted scaling model (``discourse scale fit``): its yearly series is drawn beside the dictionary score.

    >>> # build_report(corpus, "out/report", country="AZE", year_from=1992, year_to=2024)
    """
    seed = _score.DEFAULT_SEED if seed is None else seed
    level = _score.DEFAULT_LEVEL if level is None else level
    replicates = _score.DEFAULT_REPLICATES if replicates is None else replicates
    min_hits = _score.DEFAULT_MIN_HITS if min_hits is None else min_hits
    check_options(country, year_from, year_to, top_terms, evidence_per_year)
    country = str(country).strip().upper() if country else None
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError("D605", f"output path {out} exists and is not a folder", hint="choose another output folder (out=...)")
    if events is not None:
        events_path = Path(events)
    else:  # corpus/events.csv under the working directory, beside the store, then the project's shipped file
        candidates = [DEFAULT_EVENTS, Path(corpus.path).parent / "events.csv", SHIPPED_EVENTS]
        events_path = next((p for p in candidates if p.is_file()), None)
    if events_path is None:
        event_frame, events_note = no_events(), f"No events file ({DEFAULT_EVENTS}) found; none drawn."
    else:
        event_frame, events_note = load_events(events_path), None
    data = gather(corpus, country=country, year_from=year_from, year_to=year_to, lexicon=lexicon, target=target,
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
    model_years = None
    if model:  # a scaling model's series beside the dictionary score (report_scaling.py, issue 16)
        from .report_scaling import model_section

        figures["model"], model_years = model_section(corpus, model, data.years, lo, hi, target_label, figures_dir,
                                                      country=country, seed=seed, level=level, replicates=replicates)

    evidence = evidence_lines(data, evidence_per_year)
    cited = sorted({line["doc_id"] for year in evidence for line in year["lines"]})
    docs = data.documents
    env = _environment()
    doc_template = env.get_template("document.html.j2")
    for doc_id in cited:
        record = corpus.document(doc_id)
        text = corpus.text(doc_id)
        doc_hits = data.hits.loc[data.hits["doc_id"] == doc_id]
        pages = document_pages(text, record.get("page_starts") or [0], doc_hits)
        meta = [(k, record.get(k)) for k in ("id", "title", "date", "doc_type", "speaker", "speaker_post", "country",
                                              "language", "source_url", "source_path", "pages", "words",
                                              "extractor", "sha256") if record.get(k) not in (None, "")]
        _write(out / doc_file(doc_id), doc_template.render(record=record, meta=meta, pages=pages,
                                                              version=__version__))

    parameters = {
        "country": country or "all", "from": year_from if year_from is not None else f"{lo} (first year)",
        "to": year_to if year_to is not None else f"{hi} (last year)", "seed": seed, "confidence level": level,
        "bootstrap replicates": replicates, "min hits per year": min_hits, "period": "year",
        "document weighting": "words", "leading entries shown": top_terms, "evidence lines per year": evidence_per_year,
        "events file": str(events_path) if events_note is None else "(none)",
    }
    record = provenance(lexicon=data.lexicon, documents=docs, parameters=parameters, with_rules=True)
    snapshot, rule_versions = record["corpus_snapshot"], record["rule_versions"]
    methods = {
        "lexicon_name": text_cell(getattr(data.lexicon, "name", "")), "lexicon_path": text_cell(getattr(data.lexicon, "path", "")),
        "lexicon_hash": text_cell(getattr(data.lexicon, "hash", "")), "target": target,
        "n_entries": len(data.entries), "n_documents": snapshot["n_documents"], "snapshot_digest": snapshot["digest"],
        "parameters": parameters, "version": __version__, "rule_versions": rule_versions,
        "library_versions": record["library_versions"],
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
    doc_rows = [{"id": r["id"], "file": doc_file(r["id"]) if r["id"] in cited else None, "date": text_cell(r["date"]),
                 "title": text_cell(r.get("title")), "doc_type": text_cell(r.get("doc_type")),
                 "country": text_cell(r.get("country")), "language": text_cell(r.get("language")),
                 "words": r.get("words")} for _, r in docs.iterrows()]
    html = env.get_template("report.html.j2").render(
        title=f"Orientation report: {country or 'all countries'}, {lo}-{hi}",
        country=country, lo=lo, hi=hi, target=target_label, sections=SECTIONS, figures=figures, notes=notes,
        years=_table(data.years, year_cols), low_years=_low_years(data.years),
        terms=_table(_terms_summary(data.terms)), indicators=_table(panel_table), correlations=_table(corr),
        correlations_all=_table(corr_all),
        indicator_labels=data.indicator_labels, evidence=evidence, documents=doc_rows, methods=methods,
        events=_table(data.events, list(EVENT_COLUMNS)), model_years=_table(model_years),
    )
    index = out / "index.html"
    _write(index, html)
    _write(out / "report.json", json.dumps({"parameters": parameters, "lexicon_hash": methods["lexicon_hash"],
                                            "lexicon": record["lexicon"],
                                            "snapshot": {k: snapshot[k] for k in ("n_documents", "digest")},
                                            "version": __version__, "rule_versions": rule_versions,
                                            "library_versions": record["library_versions"],
                                            "figures": sorted(f"figures/{f.name}.{ext}" for f in figures.values()
                                                              for ext in ("png", "svg"))},
                                           indent=1, default=str))
    return index


def _terms_summary(terms: pd.DataFrame) -> pd.DataFrame:
    if terms.empty:
        return terms
    total = terms.groupby(["entry_id", "label"], sort=False).agg(hits=("count", "sum"))
    words = terms.drop_duplicates("year")["n_words"].sum()
    total["rate_per_10k"] = total["hits"] / words * 1e4 if words else math.nan
    return total.reset_index()
