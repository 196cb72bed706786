"""The report's evidence: the hits behind each year's score as one-line quotes, and each cited document's pages
with its hits marked.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .report_data import ReportData

_SLUG = re.compile(r"[^0-9A-Za-z_.-]+")


def evidence_lines(data: ReportData, per_year: int) -> list[dict]:
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
                "doc_id": hit.doc_id, "title": text_cell(getattr(hit, "title", "")), "date": text_cell(getattr(hit, "date", "")),
                "page": int(hit.page), "start": int(hit.start), "entry": labels.get(hit.entry_id, hit.entry_id),
                "left": _context(hit.left_context, left=True), "surface": _one_line(hit.surface),
                "right": _context(hit.right_context, left=False),
                "negated": bool(hit.negated), "cue": text_cell(getattr(hit, "negation_cue", "")),
                "stance": text_cell(getattr(hit, "stance", "")), "stance_cue": text_cell(getattr(hit, "stance_cue", "")),
                "stance_rule": text_cell(getattr(hit, "stance_rule", "")),
                "target_inferred": bool(getattr(hit, "target_inferred", False)),
                "target": text_cell(getattr(hit, "target", "")), "target_group": text_cell(getattr(hit, "target_group", "")),
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
    return _WS.sub(" ", text_cell(value)).strip()


def _context(value, *, left: bool) -> str:
    """A KWIC context on one line, cut to about 90 characters at a word boundary away from the hit."""
    text = _WS.sub(" ", text_cell(value))
    if len(text) <= _CONTEXT_CHARS:
        return text.strip()
    if left:
        cut = text[-_CONTEXT_CHARS:]
        return "… " + cut.split(" ", 1)[-1].lstrip() if " " in cut else "… " + cut
    cut = text[:_CONTEXT_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + " …"


def text_cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def doc_file(doc_id: str) -> str:
    return "docs/" + _SLUG.sub("_", str(doc_id)) + ".html"


def page_segments(text: str, page_starts: list[int], hits: pd.DataFrame) -> list[dict]:
    """The text split at the page starts; each page ``{number, segments}``, a segment ``{text, hit}`` where
    ``hit`` is the hit's row (a named tuple) or None. Overlapping hits (never produced by the matcher): the first
    is kept. The report's document pages and the explorer's document view are both drawn from this."""
    starts = list(page_starts) or [0]
    bounds = [*starts[1:], len(text)]
    marks, last_end = [], -1
    for h in hits.sort_values(["start", "end"], kind="stable").itertuples(index=False):
        if h.start < last_end:
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
                segments.append({"text": text[pos:s], "hit": None})
            segments.append({"text": text[s:e], "hit": h})
            pos = e
            if h.end <= hi:
                k += 1
            else:
                break
        if pos < hi:
            segments.append({"text": text[pos:hi], "hit": None})
        pages.append({"number": number, "segments": segments})
    return pages


def document_pages(text: str, page_starts: list[int], hits: pd.DataFrame) -> list[dict]:
    """The text split into pages, each a list of segments (plain text or a marked hit with its title)."""
    pages = page_segments(text, page_starts, hits)
    for page in pages:
        page["segments"] = [_marked(seg) for seg in page["segments"]]
    return pages


def _marked(segment: dict) -> dict:
    h = segment["hit"]
    if h is None:
        return {"text": segment["text"], "hit": False}
    return {"text": segment["text"], "hit": True, "id": f"hit-{h.start}", "negated": bool(h.negated),
            "title": f"{h.entry_id}" + (" (negated)" if h.negated else "")
            + (f", stance: {h.stance}" if text_cell(getattr(h, 'stance', '')) else "")
            + (f", target: {h.target}" if text_cell(getattr(h, 'target', '')) else "")}
