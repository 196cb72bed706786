"""Orientation scores per document and per period, with bootstrap confidence intervals.

Every formula and counting rule is written out in ``docs/scoring.md``. In short, each lexicon hit gets an
*effective position* on the spectrum from -1 (balancing / toward the West) through 0 (hedging) to +1
(bandwagoning / toward the target power) and a weight; then

* ``score``  = weighted mean effective position of the counted hits (positive = toward the target power);
* ``W``, ``R`` = summed weights of the counted hits whose effective position is < 0 (West) or > 0 (target);
* ``ratio``  = (W - R) / (W + R)  (positive = toward the **West**; NaN when W + R = 0);
* ``logit``  = log((R + 0.5) / (W + 0.5))  (positive = toward the **target power**), the empirical logit of
  Lowe, Benoit, Mikhaylov & Laver (2011), "Scaling policy preferences from coded political texts",
  Legislative Studies Quarterly 36(1): 123-155.

The pure functions (:func:`count_hits`, :func:`score_documents`, :func:`score_periods`) take a hits frame, a
documents frame and an entries frame, so they can be tested without spaCy; :func:`document_scores`,
:func:`period_scores` and :func:`write_scores` pull those frames from a :class:`~discourse.corpus.Corpus`.

>>> import pandas as pd
>>> entries = pd.DataFrame({"entry_id": ["euro_atlantic", "cis"], "category": ["west", "russia_led"],
...                         "position": [-1.0, 1.0], "weight": [1.0, 1.0], "on_negation": ["flip", "flip"],
...                         "needs_target": [False, False]})
>>> docs = pd.DataFrame({"id": ["d1"], "year": [2010], "words": [1000], "sentences": [50]})
>>> hits = pd.DataFrame({"doc_id": ["d1"] * 3, "entry_id": ["euro_atlantic", "euro_atlantic", "cis"],
...                      "sent_start": [0, 40, 90], "negated": [False, False, False], "target_group": [None] * 3})
>>> row = score_documents(hits, docs, entries, min_hits=1).iloc[0]
>>> [round(float(row[c]), 4) for c in ("score", "W", "R", "ratio", "logit")]
[-0.3333, 2.0, 1.0, 0.3333, -0.5108]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import match as _match
from .defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from .errors import ScoreError
from .lexicon import load_lexicon
from .provenance import SCORING_RULES, provenance
from .tables import Table
from .score_counting import (  # noqa: F401  re-exported: the counting rules and columns are names of discourse.score
    DOCUMENT_COLUMNS, GROUP_COLUMNS, SCORE_COLUMNS, STANCES, STANCE_DEFAULTS, STANCE_SETTINGS,
    TOWARD_TARGET, TOWARD_WEST, count_hits, entries_frame, _ENTRY_COLUMNS, _HIT_COLUMNS,
    _K, _N, _R, _SW, _SWP, _W,
    _check_params, _mapped, _require, _sentence_stats, _stances,
)
from .score_bootstrap import (  # noqa: F401  re-exported: the bootstrap helpers were defined here
    _derive, _doc_replicates, _flag_outside, _interval, _key_int, _multinomial_uniform,
    _rng,
)
from .score_documents import (  # noqa: F401  re-exported: score_documents is a public name of discourse.score
    score_documents, _category_columns, _pole_counts, _rates,
)
from .score_periods import (  # noqa: F401  re-exported: parse_windows and score_periods are public names of discourse.score
    parse_windows, score_periods, _WINDOW, _assign_periods, _period_row,
)

__all__ = [
    "SCORING_RULES",
    "DEFAULT_SEED",
    "DEFAULT_REPLICATES",
    "DEFAULT_LEVEL",
    "DEFAULT_MIN_HITS",
    "SCORE_COLUMNS",
    "entries_frame",
    "parse_windows",
    "count_hits",
    "score_documents",
    "score_periods",
    "document_scores",
    "period_scores",
    "scores_table",
    "write_scores",
    "ScoresTable",
]

# SCORING_RULES, the version of the counting and scoring rules, is registered with the others in provenance.py.
# DEFAULT_SEED, DEFAULT_REPLICATES, DEFAULT_LEVEL, DEFAULT_MIN_HITS: in defaults.py (shown by the CLI).

# -- from a corpus ------------------------------------------------------------------------------------------
_FILTERS = ("doc_type", "country", "year_from", "year_to", "language", "post_category", "ids")


def _split_filters(filters: dict) -> dict:
    unknown = sorted(set(filters) - set(_FILTERS))
    if unknown:
        raise ScoreError("D416", f"unknown document filter(s): {', '.join(unknown)}",
                         hint="filters are " + ", ".join(_FILTERS))
    return {k: v for k, v in filters.items() if v is not None}


#: The hit columns the scores read (the contexts and surfaces stay in the store).
SCORED_HIT_COLUMNS = ("doc_id", "entry_hash", "entry_id", "sent_start", "negated", "target_group", "stance")


def _inputs(corpus, lexicon, filters: dict, ensure_matches: bool):
    """(lexicon, documents, hits, entries) for scoring, bringing the match cache up to date first."""
    if lexicon is None or isinstance(lexicon, (str, Path)):
        lexicon = load_lexicon(lexicon)
    filters = _split_filters(filters)
    if ensure_matches:  # hits() also brings the cache up to date, for the filtered documents only
        _match.match_corpus(corpus, lexicon, progress=False, **filters)
    documents = corpus.documents(**filters)
    hits = _match.hits(corpus, lexicon, progress=False, columns=SCORED_HIT_COLUMNS, **filters)
    return lexicon, documents, hits, entries_frame(lexicon)


def document_scores(
    corpus,
    lexicon=None,
    *,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    **filters,
) -> pd.DataFrame:
    """Document-level scores of the (filtered) corpus; see :func:`score_documents`.

    ``lexicon`` is a loaded :class:`~discourse.lexicon.Lexicon`, a path, or None for the default lexicon.
    Filters: doc_type, country, year_from, year_to, language, post_category, ids.
    """
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    return score_documents(hits, documents, entries, seed=seed, level=level, replicates=replicates, min_hits=min_hits)


def period_scores(
    corpus,
    lexicon=None,
    *,
    by: str = "year",
    rolling: int | None = None,
    group_by: str | None = None,
    weighting: str = "words",
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    **filters,
) -> pd.DataFrame:
    """Period-level scores of the (filtered) corpus; see :func:`score_periods`.

    Example::

        from discourse import Corpus
        with Corpus.open() as corpus:
            years = period_scores(corpus, country="AZE", year_from=2009, year_to=2019)
            years[["year", "score", "ci_low", "ci_high", "n_hits", "low_evidence"]]
    """
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    return score_periods(hits, documents, entries, by=by, rolling=rolling, group_by=group_by, weighting=weighting,
                         seed=seed, level=level, replicates=replicates, min_hits=min_hits)


#: A score table with what its sidecar records (the table class every export shares).
ScoresTable = Table


def scores_table(
    corpus,
    *,
    level: str = "year",
    lexicon=None,
    rolling: int | None = None,
    windows: str | None = None,
    group_by: str | None = None,
    weighting: str = "words",
    seed: int = DEFAULT_SEED,
    ci_level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
    ensure_matches: bool = True,
    filter_min_hits: bool = False,
    **filters,
) -> ScoresTable:
    """The score table for an export: ``level`` is document, year, month or window (with ``windows``).

    Rows with fewer than ``min_hits`` counted hits are flagged ``low_evidence``; with ``filter_min_hits`` they
    are left out of the table (no value of a kept row is ever blanked).
    """
    if level not in ("document", "year", "month", "window"):
        raise ScoreError("D417", f"unknown score level {level!r}", hint="use document, year, month or window")
    if level == "window" and not windows:
        raise ScoreError("D418", "level window needs the windows", hint='pass windows="2009-2012,2013-2016"')
    lexicon, documents, hits, entries = _inputs(corpus, lexicon, filters, ensure_matches)
    common = dict(seed=seed, level=ci_level, replicates=replicates, min_hits=min_hits)
    if level == "document":
        frame = score_documents(hits, documents, entries, **common)
    else:
        by = windows if level == "window" else level
        frame = score_periods(hits, documents, entries, by=by, rolling=rolling, group_by=group_by,
                              weighting=weighting, **common)
    if filter_min_hits:
        frame = frame.loc[frame["n_hits"] >= min_hits].reset_index(drop=True)
    parameters = {
        "level": level, "rolling": rolling, "windows": windows, "group_by": group_by,
        "weighting": weighting if level != "document" else None, "seed": int(seed), "ci_level": float(ci_level),
        "replicates": int(replicates), "min_hits": int(min_hits), "min_hits_filters_rows": bool(filter_min_hits),
        "ci_method": "percentile bootstrap "
        + ("(sentences within the document)" if level == "document" else "(documents within the period, then sentences within each document)"),
        "filters": {k: v for k, v in _split_filters(filters).items()},
        "target": getattr(lexicon, "target", None),
    }
    kind = "document_scores" if level == "document" else f"{level}_scores"
    record = provenance(lexicon=lexicon, documents=documents, parameters=parameters)
    return Table.from_provenance(frame, kind, record, n_hits_total=int(len(hits)))


def write_scores(corpus, path: str | Path, *, lexicon=None, level: str = "year", fmt: str = "csv", **params) -> Path:
    """Compute scores (see :func:`scores_table`) and write them with their sidecar; return the table's path."""
    table = scores_table(corpus, level=level, lexicon=lexicon, **params)
    written, _ = table.write(path, fmt=fmt)
    return written
