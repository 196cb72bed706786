"""The explorer's indicators and events: a country's indicator values, the events file, number formatting, series choice."""

from __future__ import annotations

import math
from pathlib import Path
import pandas as pd

from ..errors import DiscourseError
from .explorer import Explorer


# -- indicators and events --------------------------------------------------------------------------------------
def indicators(ex: Explorer, country: str, year_from: int | None = None, year_to: int | None = None) -> tuple[pd.DataFrame, str | None]:
    """Tidy indicator values of a country (with labels), or an empty frame and a note saying why there are none."""
    from ..indicators import indicator_metadata, indicator_values

    cols = ["indicator", "label", "partner", "year", "value", "unit", "direction", "source"]

    def compute():
        try:
            values = indicator_values(ex.corpus, country=country, year_from=year_from, year_to=year_to)
            meta = ex.cached(("indicator_metadata",), lambda: indicator_metadata(ex.corpus).set_index("indicator"))
        except DiscourseError as exc:
            return pd.DataFrame(columns=cols), f"Indicators unavailable: {exc.message}"
        except Exception as exc:  # a read-only store whose shipped indicators were never loaded
            import sqlite3

            if isinstance(exc, sqlite3.Error):
                return pd.DataFrame(columns=cols), ("The shipped indicators are not loaded in this store "
                                                   "(start discourse explore without --no-refresh).")
            raise
        if values.empty:
            return pd.DataFrame(columns=cols), f"No indicator has values for {country}."
        values = values.copy()
        values["label"] = [str(meta["label"].get(i, i)) for i in values["indicator"]]
        values["direction"] = [int(meta["direction"].get(i, 0)) for i in values["indicator"]]
        values["partner"] = values["partner"].fillna("")
        return values[cols].reset_index(drop=True), None

    return ex.cached(("indicators", country, year_from, year_to), compute)


def events(ex: Explorer) -> tuple[pd.DataFrame, str | None]:
    """Key events (``discourse.report.load_events``) from the explorer's events file, or a note."""
    from ..report_events import load_events

    if ex.events_path is None:
        return pd.DataFrame(columns=["date", "end_date", "label", "kind", "source", "x", "x_end"]), "No events file."
    return ex.cached(("events", str(ex.events_path)), lambda: (load_events(ex.events_path), None))


def default_events_path(db_path: Path) -> Path | None:
    """``corpus/events.csv`` under the working directory, beside the store, or the project's shipped file."""
    from ..report_events import DEFAULT_EVENTS, SHIPPED_EVENTS

    for p in (DEFAULT_EVENTS, Path(db_path).parent / "events.csv", SHIPPED_EVENTS):
        if p.is_file():
            return p
    return None


def number(value, digits: int = 3) -> str:
    """A cell for display: blank for missing, integers without decimals, floats with ``digits`` decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (int,)) or (hasattr(value, "is_integer") and float(value).is_integer() and abs(value) < 1e15):
        return f"{int(value)}"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def indicator_series(values: pd.DataFrame, limit: int = 12, min_years: int = 3) -> tuple[pd.DataFrame, int]:
    """The indicator series worth a small multiple: at least ``min_years`` years with a value; directed ones
    first (they say something about alignment), then by years covered; at most ``limit``. Returns the rows of
    the chosen series and the number of series left out."""
    if values.empty:
        return values, 0
    keys = []
    for (ind, partner), grp in values.groupby(["indicator", "partner"], sort=True):
        n = int(grp["value"].notna().sum())
        if n >= min_years:
            keys.append((int(grp["direction"].iloc[0]) == 0, -n, ind, partner))
    keys.sort()
    chosen = {(k[2], k[3]) for k in keys[:limit]}
    total = values.groupby(["indicator", "partner"]).ngroups
    mask = [(i, p) in chosen for i, p in zip(values["indicator"], values["partner"])]
    return values.loc[mask], total - len(chosen)
