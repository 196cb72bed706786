"""Term counts and rates per period, over cached lexicon hits or free phrases.

>>> from discourse import Corpus
>>> timeline(Corpus.open(":memory:"), ["Non-Aligned Movement"]).columns.tolist()
['year', 'term', 'count', 'rate_per_10k', 'n_docs', 'n_words']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # annotations only: pandas is imported where the frame is built (timeline_rows does without)
    import pandas as pd

from .errors import ScoreError
from .lexicon import Lexicon, load_lexicon
from .match import ensure_matched, phrase_hits, resolve_terms
from .store import documents as _docs
from .store import matches as _sql

__all__ = ["timeline", "timeline_rows", "PERIODS", "rate_column"]

#: The periods a timeline groups by (their SQL lives in the store: ``store.documents.PERIOD_SQL``).
PERIODS = _docs.PERIOD_SQL


def rate_column(per: int) -> str:
    """Name of the rate column: ``rate_per_10k`` for 10,000 words, ``rate_per_1k``, ``rate_per_1m``, ``rate_per_500``."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if per >= size and per % size == 0:
            return f"rate_per_{per // size}{suffix}"
    return f"rate_per_{per}"


def timeline(corpus, terms: Sequence[str] | str, lexicon: Lexicon | None = None, *, by: str = "year",
             per: int = 10_000, progress=None, workers: int = 2, **doc_filters) -> pd.DataFrame:
    """Counts and rates of terms per period, as a DataFrame (see :func:`timeline_rows` for the parameters).

    Returns one row per term and period that has documents (periods without documents are absent; periods with
    documents and no hits count 0): ``year`` (or ``period``), term, count, rate, n_docs, n_words. Every hit counts,
    negated or not.
    """
    import pandas as pd  # deferred: heavy; the CLI's csv/json output is written from timeline_rows without it

    columns, rows = timeline_rows(corpus, terms, lexicon, by=by, per=per, progress=progress, workers=workers,
                                  **doc_filters)
    frame = pd.DataFrame.from_records(rows, columns=columns)
    if by == "year":
        frame["year"] = frame["year"].astype("Int64")
    return frame


def timeline_rows(corpus, terms: Sequence[str] | str, lexicon: Lexicon | None = None, *, by: str = "year",
                  per: int = 10_000, progress=None, workers: int = 2, **doc_filters) -> tuple[list[str], list[tuple]]:
    """Counts and rates of terms per period.

    Parameters
    ----------
    terms:
        Lexicon entry ids, labels or categories (a category sums its entries), or free phrases searched in the
        stored text (see :func:`discourse.match.phrase_hits`).
    by:
        ``year``, ``month``, ``doc_type``, ``speaker`` or ``country``.
    per:
        Rates are hits per this many words (column ``rate_per_10k`` for the default 10,000).
    doc_filters:
        doc_type, country, year_from, year_to, ... (as everywhere).

    Returns ``(columns, rows)``: the column names (``year`` or ``period``, term, count, the rate column, n_docs,
    n_words) and one tuple per term and period that has documents, in the order of the terms, then periods. Built
    from SQLite alone (no pandas), so a query from the shell answers at once.
    """
    if isinstance(terms, str):
        terms = [terms]
    if by not in PERIODS:
        raise ScoreError("D313", f"cannot group a timeline by {by!r}", hint=f"group by one of {', '.join(PERIODS)}")
    if not isinstance(per, int) or per <= 0:
        raise ScoreError("D314", f"per must be a positive whole number of words, not {per!r}", hint="e.g. per=10000")
    lexicon = lexicon or load_lexicon()
    period_sql = PERIODS[by]
    where, params = _docs.document_filter_sql(**doc_filters)
    resolved = resolve_terms(lexicon, list(terms))
    needed = [e for _, es in resolved if es for e in es]
    if needed:
        ensure_matched(corpus, lexicon, needed, progress, workers, doc_filters)
    with corpus.store.read() as conn:
        docs = {p: (n, w) for p, n, w in _sql.document_counts(conn, period_sql, where, params) if p is not None}
        counts: dict[str, dict] = {}
        for term, entries in resolved:
            if entries:
                counts[term] = {p: c for p, c, _ in _sql.hit_counts(conn, [e.hash for e in entries], period_sql, where, params)}
    for term, entries in resolved:
        if not entries:
            rows = phrase_hits(corpus, term, where, params)
            per_doc: dict[str, int] = {}
            for r in rows:
                per_doc[r[0]] = per_doc.get(r[0], 0) + 1
            got: dict = {}
            if per_doc:
                with corpus.store.read() as conn:
                    for doc_id, period in _docs.periods_of(conn, list(per_doc), by).items():
                        got[period] = got.get(period, 0) + per_doc[doc_id]
            counts[term] = got
    rate = rate_column(per)
    out = []
    for term, _ in resolved:
        for period in sorted(docs, key=lambda p: (str(type(p)), p)):
            n_docs, n_words = docs[period]
            count = int(counts[term].get(period, 0) or 0)
            out.append((period, term, count, round(count / n_words * per, 4) if n_words else None, int(n_docs),
                        int(n_words)))
    return ["year" if by == "year" else "period", "term", "count", rate, "n_docs", "n_words"], out
