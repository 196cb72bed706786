"""click types for the bounded numeric options (see :mod:`discourse.bounds`): out of range is a usage error
naming the option (exit status 2), never a traceback or unbounded work."""

from __future__ import annotations

import click

from .. import bounds as _b

__all__ = ["YEAR", "REPLICATES", "ROLLING", "PER", "LIMIT", "WORKERS", "SEED", "MIN_HITS", "SHOWN"]

YEAR = click.IntRange(_b.YEAR_MIN, _b.YEAR_MAX)
REPLICATES = click.IntRange(1, _b.MAX_REPLICATES)
ROLLING = click.IntRange(1, _b.MAX_ROLLING)
PER = click.IntRange(1, _b.MAX_PER)
LIMIT = click.IntRange(1, _b.MAX_LIMIT)
WORKERS = click.IntRange(1, _b.MAX_WORKERS)
SEED = click.IntRange(0, _b.MAX_SEED)
MIN_HITS = click.IntRange(0, _b.MAX_MIN_HITS)
SHOWN = click.IntRange(1, _b.MAX_SHOWN)
LINES = click.IntRange(0, _b.MAX_SHOWN)
