"""The report's figure plumbing shared by its sections: a matplotlib figure of a given size, saving it as PNG
and SVG with a data URI for the page, the year axis, and the yearly series laid on every year of the axis.
``report.py`` draws the orientation, pole and indicator figures with these; ``report_scaling.py`` draws a fitted
scaling model's series with the same look.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["_Figure", "_new_figure", "_save", "_year_axis", "_low_years", "_full_years"]


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
    from matplotlib.figure import Figure  # deferred: heavy (matplotlib/jinja2); loaded when a report is built

    # A fixed layout (no constrained/tight layout): the figures are regular grids, and skipping the layout
    # engine halves the drawing time on long year ranges.
    return Figure(figsize=(width, height), dpi=100)


def _save(fig, out: Path, name: str, title: str, caption: str, alt: str) -> _Figure:
    import matplotlib  # deferred: heavy (matplotlib/jinja2); loaded when a report is built

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


def _low_years(years: pd.DataFrame) -> list[int]:
    if "low_evidence" not in years.columns:
        return []
    return [int(y) for y, flag in zip(years["year"], years["low_evidence"]) if pd.notna(flag) and bool(flag)]


def _full_years(years: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """The yearly scores on every year of the axis (years without documents are NaN, so lines break there)."""
    frame = years.drop_duplicates("year").set_index("year").reindex(range(lo, hi + 1))
    return frame.rename_axis("year").reset_index()
