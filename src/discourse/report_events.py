"""The report's key events: ``corpus/events.csv`` (or the user's file) read and checked line by line.
"""

from __future__ import annotations

import csv
import datetime as _dt
import math
import os
from pathlib import Path

import pandas as pd

from .errors import DiscourseError, ReportError
from .metadata import parse_date
from .resources import shipped


#: The shipped events file (relative to the working directory); see ``docs/report.md``.
DEFAULT_EVENTS = Path("corpus") / "events.csv"


EVENT_COLUMNS = ("date", "end_date", "label", "kind", "source")


SHIPPED_EVENTS = shipped("corpus/events.csv")  # inside the installed package, or the checkout's corpus/


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
                          hint="pass an events file (events=...), or create it with the columns " + ", ".join(EVENT_COLUMNS))
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            from .inputs import duplicate_columns

            if duplicate_columns(header):
                raise ReportError("D608", f"{path}:1: column(s) {', '.join(duplicate_columns(header))} given twice "
                                  "in the header", hint="keep one column of each name")
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


def no_events() -> pd.DataFrame:
    return pd.DataFrame(columns=[*EVENT_COLUMNS, "x", "x_end"])
