"""The explorer's state (store, lexicon, result cache) and the checks of its query parameters."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
import pandas as pd

from ..errors import ExploreError


#: Columns of the KWIC table (and its CSV download), in order; ``stance``, ``stance_cue``, ``stance_rule`` and
#: ``target_inferred`` appear only when the store's matches carry them (the stance stage, stance-v1).
KWIC_COLUMNS = ["doc_id", "date", "year", "country", "doc_type", "language", "title", "page", "start", "end",
                "entry_id", "label", "pole", "counted", "stance", "stance_cue", "stance_rule", "negated",
                "negation_cue", "target", "target_group", "target_inferred", "left", "hit", "right"]
_OPTIONAL = ("stance", "stance_cue", "stance_rule", "target_inferred")
_COUNTRY = re.compile(r"^[A-Za-z]{2,3}$")
WINDOW = 12  # words of context on each side in the KWIC panel
CACHE_SIZE = 512  # results kept per explorer (scores of a country, hits of a year, timelines, ...)


@dataclass
class Explorer:
    """A read-only corpus with the lexicon and key events the explorer shows.

    ``seed``, ``replicates``, ``level`` and ``min_hits`` are the scoring parameters (the defaults of
    ``discourse export scores``), so the explorer's yearly scores equal the exported ones.
    """

    corpus: object
    lexicon: object
    events_path: Path | None = None
    seed: int = 20240924
    replicates: int = 1000
    level: float = 0.95
    min_hits: int = 5
    _cache: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _entries: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def store(self):
        return self.corpus.store

    @property
    def entry_hashes(self) -> list[str]:
        return [e.hash for e in self.lexicon.entries]

    def entries(self) -> pd.DataFrame:
        from ..score import entries_frame

        if self._entries is None:
            self._entries = entries_frame(self.lexicon)
        return self._entries

    def state(self) -> tuple:
        """A cheap fingerprint of what the store holds: documents and match runs (cache key for scores)."""
        with self.store.read() as conn:
            return conn.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COALESCE(MAX(rowid), 0) FROM "
                                "documents), (SELECT COALESCE(MAX(run_id), 0) FROM match_runs), "
                                "(SELECT COUNT(*) FROM match_run_docs)").fetchone()

    def peek(self, key: tuple):
        """The value cached under ``key`` for the store's current state, or None (nothing is computed)."""
        full = (key, self.state())
        with self._lock:
            return self._cache.get(full)

    def cached(self, key: tuple, compute):
        """``compute()`` memoized under ``key`` and the store's state (recomputed when the store changes); the
        least recently used of more than :data:`CACHE_SIZE` results are dropped."""
        full = (key, self.state())
        with self._lock:
            if full in self._cache:
                self._cache.move_to_end(full)
                return self._cache[full]
        value = compute()
        with self._lock:
            self._cache[full] = value
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value


# -- parameters ---------------------------------------------------------------------------------------------
def check_country(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-3 code (or EU), upper-cased; D851 otherwise."""
    if value is None or value == "":
        return None
    if not _COUNTRY.match(value):
        raise ExploreError("D851", f"country {value!r} is not a three-letter code",
                           hint="use an ISO 3166-1 alpha-3 code such as AZE (or EU)")
    return value.upper()


def check_year(value: str | int | None, name: str = "year") -> int | None:
    """A year as an integer; D851 otherwise."""
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ExploreError("D851", f"{name} {value!r} is not a year", hint="give a year such as 2015") from None
    if not 0 < year < 10000:
        raise ExploreError("D851", f"{name} {value!r} is out of range", hint="give a year such as 2015")
    return year
