"""What the explorer shows, read from a store opened read-only: no web code here.

Every function takes an :class:`Explorer` (a read-only :class:`~discourse.Corpus`, a lexicon and an events
file) and returns plain data (DataFrames, dicts) that ``app.py`` renders. Each query runs in one short read
transaction (:meth:`discourse.store.Store.read`), so a batch ingesting into the same store (WAL) is never
blocked and the explorer never sees half a document.

Hits come from the match cache as it is: documents stored after the cache was last brought up to date (for
example by a batch ingesting now) are counted in :func:`status` as *not yet matched* and have no hits until
``discourse match`` (or a restart of ``discourse explore``) matches them.
"""

from __future__ import annotations

import threading

import pandas as pd

from ..errors import DiscourseError, ExploreError
from ..report_evidence import page_segments
from ..store import documents as _docs
from ..store import matches as _sql
from .explorer import (  # noqa: F401  re-exported: Explorer and the parameter checks are names of discourse.explore.data
    CACHE_SIZE, Explorer, KWIC_COLUMNS, WINDOW, check_country, check_year,
    _COUNTRY, _OPTIONAL,
)
from .data_indicators import (  # noqa: F401  re-exported: the indicator and event views are names of discourse.explore.data
    default_events_path, events, indicator_series, indicators, number,
)

__all__ = [
    "Explorer", "KWIC_COLUMNS", "status", "status_cached", "countries", "year_scores", "year_hits", "kwic", "kwic_frame",
    "kwic_columns", "kwic_facets",
    "document", "timeline", "indicators", "events", "entry_choices", "check_country", "check_year",
]


# -- the store ------------------------------------------------------------------------------------------------
def status(ex: Explorer) -> dict:
    """Documents, documents not yet matched with the current lexicon, and whether the full-text index exists."""
    with ex.store.read() as conn:
        n_docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        unmatched = _unmatched(conn, ex.entry_hashes)
        fts = _sql.fts_exists(conn)
    return {"documents": int(n_docs), "unmatched": unmatched, "fts": fts,
            "lexicon": ex.lexicon.name, "lexicon_hash": ex.lexicon.hash}


def _unmatched(conn, hashes: list[str]) -> int:
    """Documents that miss some of the entry hashes in the match cache."""
    return len(_sql.pending_documents(conn, hashes, "", []))


def status_cached(ex: Explorer) -> dict:
    """:func:`status`, recomputed only when the store's documents or match runs change."""
    return ex.cached(("status",), lambda: status(ex))


def countries(ex: Explorer) -> pd.DataFrame:
    """country, n_docs, first, last: every country with documents, most documents first."""
    def compute():
        with ex.store.read() as conn:
            rows = conn.execute("SELECT country, COUNT(*), MIN(year), MAX(year) FROM documents WHERE country IS NOT "
                                "NULL GROUP BY country ORDER BY COUNT(*) DESC, country").fetchall()
        return pd.DataFrame(rows, columns=["country", "n_docs", "first", "last"])

    return ex.cached(("countries",), compute)


def _hits(ex: Explorer, **filters) -> pd.DataFrame:
    """The cached hits of the lexicon in the filtered documents, with their document's metadata, as read."""
    where, params = _docs.document_filter_sql(**filters)
    with ex.store.read() as conn:
        have = {r[1] for r in conn.execute("PRAGMA table_info(matches)")}
        columns = list(_sql.MATCH_COLUMNS) + [c for c in _OPTIONAL if c in have and c not in _sql.MATCH_COLUMNS]
        cols, rows = _sql.hit_rows(conn, ex.entry_hashes, where, params, columns=columns)
        meta = {}
        ids = sorted({r[0] for r in rows})
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for r in conn.execute(f"SELECT id, title, language FROM documents WHERE id IN ({', '.join('?' * len(part))})",
                                  part):
                meta[r[0]] = (r[1], r[2])
    frame = pd.DataFrame.from_records(rows, columns=cols)
    frame["negated"] = frame["negated"].astype(bool)
    frame["title"] = [meta.get(d, (None, None))[0] for d in frame["doc_id"]]
    frame["doc_language"] = [meta.get(d, (None, None))[1] for d in frame["doc_id"]]
    return frame


def _counted(ex: Explorer, hits: pd.DataFrame) -> pd.DataFrame:
    """Hits with the scoring's pole, effective position and counted flag (``discourse.score.count_hits``)."""
    from ..score import count_hits

    out = count_hits(hits, ex.entries())
    labels = ex.entries().set_index("entry_id")["label"].to_dict()
    out["label"] = [labels.get(e, e) for e in out["entry_id"]]
    return out


def year_scores(ex: Explorer, country: str | None) -> pd.DataFrame:
    """The yearly orientation scores of a country (all countries pooled when None), as ``export scores``.

    Columns as :func:`discourse.score.score_periods` (year, score, ci_low, ci_high, n_hits, n_west, n_target,
    n_hedging, n_docs, low_evidence, ...).
    """
    def compute():
        from ..score import score_periods

        filters = {"country": country} if country else {}
        documents = ex.corpus.documents(**filters)
        documents = documents[documents["year"].notna()]
        hits = _hits(ex, **filters)
        return score_periods(hits, documents, ex.entries(), by="year", seed=ex.seed, level=ex.level,
                             replicates=ex.replicates, min_hits=ex.min_hits)

    return ex.cached(("years", country), compute)


def year_hits(ex: Explorer, country: str | None, year: int) -> list[dict]:
    """Every cached hit of one year (and country) with pole, counted flag, label and document metadata, as
    records in reading order (computed once per year with the scoring's rules, then filtered in Python)."""
    filters = {"year_from": year, "year_to": year}
    if country:
        filters["country"] = country

    if country:  # counted for the whole country after its overview was drawn (see prefetch_country)
        pooled = ex.peek(("country_hits", country))
        if pooled is not None:
            return pooled.get(year, [])
    return ex.cached(("year_hits", country, year), lambda: _records(_counted(ex, _hits(ex, **filters))))


def prefetch_country(ex: Explorer, country: str) -> threading.Thread:
    """Count a country's hits for all its years in a background thread (its KWIC panels then need no query)."""
    thread = threading.Thread(target=country_hits, args=(ex, country), daemon=True, name=f"explore-{country}")
    thread.start()
    return thread


def country_hits(ex: Explorer, country: str) -> dict[int, list[dict]]:
    """Every cached hit of a country, counted by the scoring's rules, as records grouped by year."""
    def compute():
        by_year: dict = {}
        for row in _records(_counted(ex, _hits(ex, country=country))):
            by_year.setdefault(row["year"], []).append(row)
        return by_year

    return ex.cached(("country_hits", country), compute)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (NaN, NA)."""
    out = frame.to_dict("records")
    for row in out:
        for k, v in row.items():
            if v is pd.NA or (isinstance(v, float) and v != v):
                row[k] = None
    return out


def _words(context: str, side: str, n: int) -> str:
    """At most ``n`` whole words of a stored context next to the hit (the word cut at the outer edge dropped)."""
    from ..match import CONTEXT_CHARS

    context = context or ""
    words = context.split()
    if len(context) >= CONTEXT_CHARS and words:
        if side == "left" and not context[0].isspace():
            words = words[1:]
        elif side == "right" and not context[-1].isspace():
            words = words[:-1]
    return " ".join(words[-n:] if side == "left" else words[:n])


def kwic_columns(ex: Explorer, country: str | None, year: int) -> list[str]:
    """:data:`KWIC_COLUMNS` without the stance columns when the store's hits carry none."""
    have = _match_columns(ex)
    return [c for c in KWIC_COLUMNS if c not in _OPTIONAL or c in have]


def _match_columns(ex: Explorer) -> set[str]:
    if "_match_columns" not in ex.__dict__:
        with ex.store.read() as conn:
            ex.__dict__["_match_columns"] = {r[1] for r in conn.execute("PRAGMA table_info(matches)")}
    return ex.__dict__["_match_columns"]


def kwic(ex: Explorer, country: str | None, year: int, *, entry: str | None = None, stance: str | None = None,
         language: str | None = None, doc_type: str | None = None, show: str = "counted") -> list[dict]:
    """The KWIC lines of a year (records with :func:`kwic_columns`): by default the hits the year's score counts
    (``show="all"``: every hit). Filters keep the lines whose entry id, stance, language (of the hit) or
    document type equals the value."""
    if show not in ("counted", "all"):
        raise ExploreError("D851", f"show {show!r} is not counted or all", hint="use show=counted or show=all")
    columns = kwic_columns(ex, country, year)
    if stance and "stance" not in columns:
        raise ExploreError("D851", f"stance {stance!r}: this store's hits carry no stance",
                           hint="match the store with a discourse version that records stance, or drop the filter")
    out = []
    for h in year_hits(ex, country, year):
        if show == "counted" and not h["counted"]:
            continue
        if (entry and h["entry_id"] != entry) or (language and h["language"] != language) or (
                doc_type and h["doc_type"] != doc_type) or (stance and h.get("stance") != stance):
            continue
        row = {c: h.get(c) for c in columns}
        row["counted"] = bool(h["counted"])
        row["negated"] = bool(h["negated"])
        row["left"] = _words(h["left_context"], "left", WINDOW)
        row["hit"] = " ".join(str(h["surface"]).split())
        row["right"] = _words(h["right_context"], "right", WINDOW)
        out.append(row)
    return out


def kwic_frame(ex: Explorer, country: str | None, year: int, **filters) -> pd.DataFrame:
    """:func:`kwic` as a DataFrame (for the CSV download)."""
    return pd.DataFrame(kwic(ex, country, year, **filters), columns=kwic_columns(ex, country, year))


def kwic_facets(ex: Explorer, country: str | None, year: int, show: str = "counted") -> dict:
    """The values the KWIC filters offer for a year: entries (id, label, n), stances, languages, document types,
    and the number of lines without filters."""
    rows = [h for h in year_hits(ex, country, year) if show != "counted" or h["counted"]]
    has_stance = "stance" in _match_columns(ex)

    def values(col):
        counts: dict[str, int] = {}
        for h in rows:
            v = h.get(col)
            if v is not None:
                counts[str(v)] = counts.get(str(v), 0) + 1
        return sorted(counts.items())

    labels = {e.id: e.label for e in ex.lexicon.entries}
    return {"entry": [(v, labels.get(v, v), n) for v, n in values("entry_id")],
            "stance": values("stance") if has_stance else [], "language": values("language"),
            "doc_type": values("doc_type"), "has_stance": has_stance, "total": len(rows)}


# -- one document ---------------------------------------------------------------------------------------------
def document(ex: Explorer, doc_id: str) -> dict:
    """A document's metadata, its hits (with pole) and its text split into pages of plain and marked segments."""
    with ex.store.read() as conn:
        try:
            record = _docs.get_document(conn, doc_id)
        except DiscourseError:
            record = None
        if record is None:
            raise ExploreError("D852", f"no document with id {doc_id!r} in {ex.store.path}",
                               hint="follow a link from the overview or a KWIC line")
        text = _docs.document_text(conn, record["id"]) or ""
        starts = _docs.page_starts(conn, record["id"]) or [0]
    hits = _counted(ex, _hits(ex, ids=[record["id"]]))
    hits = hits.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    return {"meta": record, "hits": hits, "pages": page_segments(text, starts, hits), "n_chars": len(text)}




# -- term timelines -------------------------------------------------------------------------------------------
def timeline(ex: Explorer, terms: list[str], countries: list[str], per: int = 10_000) -> pd.DataFrame:
    """Counts and rates per year of entries or free phrases in each country (``discourse.timeline``).

    Free phrases are searched with the store's full-text index as it is (never rebuilt here).
    Columns: country, year, term, count, rate_per_10k, n_docs, n_words.
    """
    from ..timeline import rate_column, timeline as _timeline

    if not terms:
        raise ExploreError("D854", "no term to draw", hint="tick an entry or type a phrase")
    if not countries:
        raise ExploreError("D854", "no country to compare", hint="choose at least one country")
    if any(ex.lexicon.resolve(t) is None for t in terms):
        with ex.store.read() as conn:
            if not _sql.fts_exists(conn):
                raise ExploreError("D855", f"{ex.store.path} has no full-text index yet and is open read-only",
                                   hint="build the index: run `discourse search WORD` once on the store, or let the "
                                   "explorer refresh the store when it starts (the default)")
    parts = []
    for country in countries:
        key = ("timeline", tuple(terms), country, per)
        frame = ex.cached(key, lambda c=country: _timeline(ex.corpus, terms, ex.lexicon, by="year", per=per,
                                                             progress=False, country=c))
        frame = frame.copy()
        frame.insert(0, "country", country)
        parts.append(frame)
    rate = rate_column(per)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out[["country", "year", "term", "count", rate, "n_docs", "n_words"]]


def entry_choices(ex: Explorer) -> list[dict]:
    """The lexicon's entries for the term picker: id, label, category, position."""
    return [{"id": e.id, "label": e.label, "category": e.category, "position": e.position}
            for e in ex.lexicon.entries]


def warm(ex: Explorer) -> None:
    """Compute what every page needs once, before the first request: status, countries, events, the indicators'
    metadata (each cached until the store changes)."""
    status_cached(ex)
    countries(ex)
    events(ex)
    from ..indicators import indicator_metadata

    try:
        ex.cached(("indicator_metadata",), lambda: indicator_metadata(ex.corpus).set_index("indicator"))
    except Exception:  # noqa: BLE001 - only a warm-up: the overview reports what is wrong with the indicators
        pass

# -- scaling models (the scaling stage, when installed) --------------------------------------------------------------
def scaling_models(ex: Explorer) -> list[str]:
    """Names of the scaling models fitted beside the store (``discourse.scaling``), or [] when that stage is
    not installed or no model was fitted."""
    try:
        from ..scaling.models import models_dir
    except ImportError:
        return []
    try:
        folder = models_dir(ex.corpus)
    except DiscourseError:
        return []
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if (folder / f"{p.stem}.npz").is_file())


def model_series(ex: Explorer, name: str, country: str, year_from: int, year_to: int) -> tuple[pd.DataFrame | None, str | None]:
    """The yearly series of a fitted model for a country (year, score, ci_low, ci_high) and its kind, or None
    and a note saying why there is none."""
    import sqlite3

    def compute():
        from ..scaling.models import model_year_series

        try:
            frame = model_year_series(ex.corpus, name, country, year_from, year_to, seed=ex.seed,
                                      ci_level=ex.level, replicates=ex.replicates)
        except DiscourseError as exc:
            return None, f"Model {name}: {exc.message}"
        except sqlite3.OperationalError as exc:  # it would have to store tokens: the explorer only reads
            return None, (f"Model {name} cannot score {country}'s documents from a read-only store ({exc}); run "
                          f"`discourse export scores --model {name} --country {country}` once, then reload.")
        out = pd.DataFrame({"year": frame.index.to_numpy(dtype="int64"), "score": frame["model_score"].to_numpy(),
                            "ci_low": frame["model_ci_low"].to_numpy(), "ci_high": frame["model_ci_high"].to_numpy()})
        out.attrs["kind"] = (frame.attrs.get("model") or {}).get("kind", "")
        return out, None

    return ex.cached(("model", name, country, year_from, year_to), compute)
