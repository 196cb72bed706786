"""Vega-Lite specifications of the explorer's charts (plain dicts; data inline, nothing fetched).

A chart is embedded in the page as JSON in the ``data-vl`` attribute of its element (see :func:`embed_json`;
Jinja2 escapes it for the attribute), read by ``static/explore.js`` and drawn by vega-embed with Vega's expression interpreter (no ``eval``, so
the page's Content-Security-Policy needs no ``unsafe-eval``).
"""

from __future__ import annotations

import json
import math

import pandas as pd

__all__ = ["score_chart", "pole_chart", "indicator_chart", "timeline_chart", "model_chart", "embed_json"]

POLE_COLOURS = {"west": "#1f6fb4", "hedging": "#8a8a8a", "target": "#c62a2a"}
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def _clean(value):
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    cols = [c for c in columns if c in frame.columns]
    return [{c: _clean(v) for c, v in zip(cols, row)} for row in frame[cols].itertuples(index=False, name=None)]


def embed_json(spec: dict) -> str:
    """JSON for embedding in a page: ``<``, ``>``, ``&`` and line separators escaped as ``\\uXXXX``, so no
    text in the data can read as markup wherever the JSON is put (the templates put it, autoescaped, in an
    attribute)."""
    text = json.dumps(spec, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _config(width=None) -> dict:
    return {
        "font": _FONT, "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal", "gridColor": "#e8e8e8",
                 "domainColor": "#999", "tickColor": "#999"},
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "top"},
    }


def _x(lo: int, hi: int, title: str | None = "year") -> dict:
    return {"field": "year", "type": "quantitative", "title": title,
            "scale": {"domain": [lo - 0.5, hi + 0.5], "nice": False, "zero": False},
            "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True}}


def score_chart(years: pd.DataFrame, events: pd.DataFrame, lo: int, hi: int, target: str) -> dict:
    """Yearly score with its bootstrap interval; low-evidence years hatched; key events as dashed rules."""
    rows = _records(years, ["year", "score", "ci_low", "ci_high", "n_hits", "n_docs", "n_words", "low_evidence"])
    for r in rows:
        r["x0"], r["x1"] = r["year"] - 0.5, r["year"] + 0.5
        r["status"] = "too few hits for a score" if r["low_evidence"] else "score"
    ev = []
    for e in events.itertuples(index=False):
        x = _clean(e.x)
        if x is None or not (lo - 0.5 <= x <= hi + 0.5):
            continue
        ev.append({"x": x, "label": str(e.label), "date": str(e.date), "kind": str(e.kind or "")})
    tooltip = [{"field": "year", "type": "quantitative", "format": "d"},
               {"field": "score", "type": "quantitative", "format": ".3f"},
               {"field": "ci_low", "type": "quantitative", "format": ".3f", "title": "interval low"},
               {"field": "ci_high", "type": "quantitative", "format": ".3f", "title": "interval high"},
               {"field": "n_hits", "type": "quantitative", "title": "counted hits"},
               {"field": "n_docs", "type": "quantitative", "title": "documents"}]
    y = {"type": "quantitative", "scale": {"domain": [-1, 1]},
         "title": f"← West · score · {target} →"}
    layers = [
        {"transform": [{"filter": "datum.low_evidence"}],
         "mark": {"type": "rect", "fill": "url(#hatch)", "stroke": "#c9c9c9", "strokeWidth": 0.5, "cursor": "pointer"},
         "encoding": {"x": {"field": "x0", "type": "quantitative"}, "x2": {"field": "x1"},
                      "y": {"datum": -1, "type": "quantitative"}, "y2": {"datum": 1},
                      "tooltip": [{"field": "year", "type": "quantitative", "format": "d"},
                                  {"field": "status", "type": "nominal", "title": "note"},
                                  {"field": "n_hits", "type": "quantitative", "title": "counted hits"},
                                  {"field": "n_docs", "type": "quantitative", "title": "documents"}]}},
        {"mark": {"type": "rule", "color": "#bbb", "strokeWidth": 1},
         "encoding": {"y": {"datum": 0, "type": "quantitative"}}},
        {"transform": [{"filter": "isValid(datum.ci_low)"}],
         "mark": {"type": "errorbar", "color": "#555", "ticks": {"size": 6}},
         "encoding": {"x": {"field": "year", "type": "quantitative"},
                      "y": {"field": "ci_low", "type": "quantitative"}, "y2": {"field": "ci_high"}}},
        {"transform": [{"filter": "isValid(datum.score)"}],
         "mark": {"type": "line", "color": "#333", "strokeWidth": 1.2, "opacity": 0.6},
         "encoding": {"x": {"field": "year", "type": "quantitative"},
                      "y": {"field": "score", "type": "quantitative"}}},
        {"transform": [{"filter": "isValid(datum.score)"}],
         "mark": {"type": "point", "filled": True, "size": 70, "cursor": "pointer"},
         "encoding": {"x": {"field": "year", "type": "quantitative"},
                      "y": {"field": "score", "type": "quantitative"},
                      "color": {"field": "score", "type": "quantitative", "legend": None,
                                "scale": {"domain": [-1, 0, 1],
                                          "range": [POLE_COLOURS["west"], "#777", POLE_COLOURS["target"]]}},
                      "tooltip": tooltip}},
    ]
    if ev:
        layers.append({"data": {"values": ev}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b07d2b"},
                       "encoding": {"x": {"field": "x", "type": "quantitative"},
                                    "tooltip": [{"field": "label", "type": "nominal", "title": "event"},
                                                {"field": "date", "type": "nominal"}]}})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": "container", "height": 240,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "encoding": {"x": _x(lo, hi, None), "y": y},
        "layer": layers, "config": _config(),
    }


def pole_chart(years: pd.DataFrame, lo: int, hi: int, target: str) -> dict:
    """Counted hits per year, stacked by pole (bars are clickable like the score's points)."""
    rows = []
    for r in _records(years, ["year", "n_west", "n_hedging", "n_target"]):
        for pole, col in (("west", "n_west"), ("hedging", "n_hedging"), ("target", "n_target")):
            if r.get(col):
                rows.append({"year": r["year"], "pole": pole, "hits": r[col]})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": "container", "height": 110,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "mark": {"type": "bar", "cursor": "pointer", "width": max(2, min(24, 640 // max(1, hi - lo + 2)))},
        "encoding": {
            "x": {**_x(lo, hi), "bin": None},
            "y": {"field": "hits", "type": "quantitative", "stack": "zero", "title": "counted hits"},
            "color": {"field": "pole", "type": "nominal", "title": None,
                      "scale": {"domain": ["west", "hedging", "target"],
                                "range": [POLE_COLOURS["west"], POLE_COLOURS["hedging"], POLE_COLOURS["target"]]},
                      "legend": {"labelExpr": f"datum.label == 'target' ? '{_js(target)}' : datum.label"}},
            "order": {"field": "pole", "sort": "descending"},
            "tooltip": [{"field": "year", "type": "quantitative", "format": "d"},
                        {"field": "pole", "type": "nominal"}, {"field": "hits", "type": "quantitative"}],
        },
        "config": _config(),
    }


def _js(text: str) -> str:
    """A string for a single-quoted Vega expression literal."""
    return str(text).replace("\\", "\\\\").replace("'", "\\'")


def indicator_chart(values: pd.DataFrame, lo: int, hi: int) -> dict:
    """Small multiples: one line per indicator (and partner), each with its own y scale, on the score's years."""
    rows = []
    for r in _records(values, ["indicator", "label", "partner", "year", "value", "unit"]):
        if r["value"] is None:
            continue
        name = (f"{r['partner']}: " if r["partner"] else "") + r["label"]
        rows.append({**r, "series": name if len(name) <= 70 else name[:69] + "…"})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "facet": {"field": "series", "type": "nominal", "title": None,
                  "header": {"labelFontSize": 11, "labelLimit": 260, "labelAnchor": "start"}},
        "columns": 3,
        "spec": {
            "width": 250, "height": 90,
            "layer": [
                {"mark": {"type": "line", "color": "#4a6f8a", "point": {"size": 18, "color": "#4a6f8a"}},
                 "encoding": {"x": _x(lo, hi, None), "y": {"field": "value", "type": "quantitative", "title": None,
                                                            "scale": {"zero": False}},
                              "tooltip": [{"field": "series", "type": "nominal", "title": "indicator"},
                                          {"field": "year", "type": "quantitative", "format": "d"},
                                          {"field": "value", "type": "quantitative", "format": ",.3~f"},
                                          {"field": "unit", "type": "nominal"}]}},
            ],
        },
        "resolve": {"scale": {"y": "independent"}},
        "config": _config(),
    }


def timeline_chart(rows: list[tuple], rate: str) -> dict:
    """Rates per year, one panel per term, one line per country; ``rows`` are (country, year, term, count,
    rate, n_docs, n_words) tuples."""
    rows = [{"country": c, "year": y, "term": t, "count": n, rate: r, "n_docs": d} for c, y, t, n, r, d, _ in rows]
    years = [r["year"] for r in rows if r["year"] is not None]
    lo, hi = (min(years), max(years)) if years else (0, 1)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "facet": {"field": "term", "type": "nominal", "title": None,
                  "header": {"labelFontSize": 12, "labelAnchor": "start", "labelFontWeight": "bold"}},
        "columns": 1,
        "spec": {
            "width": 1000, "height": 150,
            "mark": {"type": "line", "point": {"size": 22}, "strokeWidth": 1.6},
            "encoding": {
                "x": _x(lo, hi, None),
                "y": {"field": rate, "type": "quantitative", "title": rate.replace("_", " ")},
                "color": {"field": "country", "type": "nominal", "scale": {"scheme": "tableau10"}},
                "tooltip": [{"field": "country", "type": "nominal"}, {"field": "term", "type": "nominal"},
                            {"field": "year", "type": "quantitative", "format": "d"},
                            {"field": "count", "type": "quantitative", "title": "hits"},
                            {"field": rate, "type": "quantitative", "format": ".2f"},
                            {"field": "n_docs", "type": "quantitative", "title": "documents"}],
            },
        },
        "resolve": {"scale": {"y": "independent"}},
        "config": _config(),
    }


def model_chart(series: pd.DataFrame, lo: int, hi: int, name: str, kind: str, target: str) -> dict:
    """A fitted scaling model's yearly series with its interval (its own scale: higher = toward the target)."""
    rows = _records(series, ["year", "score", "ci_low", "ci_high"])
    rows = [r for r in rows if r["score"] is not None]
    tooltip = [{"field": "year", "type": "quantitative", "format": "d"},
               {"field": "score", "type": "quantitative", "format": ".3f"},
               {"field": "ci_low", "type": "quantitative", "format": ".3f", "title": "interval low"},
               {"field": "ci_high", "type": "quantitative", "format": ".3f", "title": "interval high"}]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": "container", "height": 130,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "encoding": {"x": _x(lo, hi, None),
                     "y": {"type": "quantitative", "title": f"{name} ({kind}) · {target} →", "scale": {"zero": False}}},
        "layer": [
            {"mark": {"type": "errorbar", "color": "#7a6a9a"},
             "encoding": {"y": {"field": "ci_low", "type": "quantitative"}, "y2": {"field": "ci_high"}}},
            {"mark": {"type": "line", "color": "#5b4b8a", "point": {"filled": True, "size": 40, "cursor": "pointer"}},
             "encoding": {"y": {"field": "score", "type": "quantitative"}, "tooltip": tooltip}},
        ],
        "config": _config(),
    }
