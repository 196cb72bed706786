"""Bounds of every numeric option and metadata value, in one place.

Years and dates lie within :data:`YEAR_MIN`..:data:`YEAR_MAX` everywhere (metadata, filters, the panel, the
report); the other limits keep a single command's work bounded (memory and time). The CLI turns them into
click ranges (``cli/_bounds.py``: a usage error naming the option, exit status 2); the library functions
check the ones they take (panel D534, report D606/D607, scores D446/D447). :func:`whole_number` reads a
metadata number without rounding or overflowing (``2015.7``, ``inf``, ``1e30`` are not whole numbers).
"""

from __future__ import annotations

import math

__all__ = ["YEAR_MIN", "YEAR_MAX", "MAX_REPLICATES", "MAX_ROLLING", "MAX_PER", "MAX_LIMIT", "MAX_WORKERS",
           "MAX_SEED", "MAX_MIN_HITS", "MAX_SHOWN", "whole_number"]

YEAR_MIN, YEAR_MAX = 1800, 2200
MAX_REPLICATES = 20_000        # bootstrap replicates (memory grows with replicates x documents)
MAX_ROLLING = YEAR_MAX - YEAR_MIN + 1  # a trailing window longer than all possible years means nothing
MAX_PER = 1_000_000_000        # rates per this many words
MAX_LIMIT = 1_000_000_000      # rows asked for (an SQLite integer)
MAX_WORKERS = 64
MAX_SEED = 2**63 - 1
MAX_MIN_HITS = 1_000_000_000
MAX_SHOWN = 1_000              # entries with a timeline, evidence lines per year, lines of text shown


def whole_number(value) -> int | None:
    """``value`` as an int if it is a whole, finite number (``2015``, ``"2015"``, ``2015.0``), else None.

    >>> [whole_number(v) for v in (2015, "2015", 2015.0, "2015.7", 2015.7, "inf", float("nan"), "1e30", True)]
    [2015, 2015, 2015, None, None, None, None, None, None]
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if len(text) > 40:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number) or abs(number) > 1e15:
        return None
    return int(number)
