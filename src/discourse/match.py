"""Find lexicon hits in stored texts, with negation and target, cached in the store; KWIC and phrase search.

Pipeline (``docs/matching.md``), per document:

1. a *view* of the stored text where a word broken at a line end (``inte-\\ngration``) is joined; every view
   offset maps back to the stored text;
2. a fast multi-pattern scan of the folded view (the patterns' literal prefixes in one Aho-Corasick automaton
   per language) finds candidate spans; each candidate is checked against its own pattern; overlapping hits:
   longest wins;
3. only the sentences holding candidates are tokenized with spaCy (``nlp.py``), and in English only those that
   where a hit's clause may hold a negation cue (``match_negation.negation_hint`` on ``clause_stretch``) or that
   need lemmas; tokens are cached in the store;
4. lemma patterns are confirmed with spaCy's Matcher on those sentences; negation is looked for within the
   clause of the hit (``negation-v2``); the target is the nearest gazetteer actor in the sentence (``target-v1``).

>>> from discourse import Corpus
>>> from discourse.lexicon import load_lexicon
>>> lex = load_lexicon()
>>> [(h.entry_id, h.negated, h.target) for h in match_text("We do not need Euro-Atlantic integration with NATO.", "en", lex)]
[('euro_atlantic_integration', True, 'nato')]
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import time
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:  # annotations only: pandas is imported by the queries that build a frame (hits, kwic, search)
    import pandas as pd

from .errors import LexiconError
from .lexicon import LANGUAGES, RULES, Entry, Lexicon, load_lexicon
from . import stance as _stance
from .store import documents as _docs
from .store import matches as _sql
from .match_patterns import (  # noqa: F401  re-exported: the matcher's scan, imported from discourse.match by tests and stance_eval
    _Compiled, _NONE, _SEP_HYPHEN, _SEP_SPACE, _SOFT_BREAK, _TRIGGER_LEN,
    _W, _longest, _pattern_regex, _regex_prefixes, _sentences, _to_orig,
    _trie_regex, _triggers, _view,
)
from .match_negation import (  # noqa: F401  re-exported: negation-v2 was defined here
    CLAUSE_BREAK, CUE_SIDE, NEGATION_CUES, NEGATION_PHRASES, NOT_NEGATION, _AZ_NOT_VERBS,
    _AZ_PERSON, _AZ_VERB_NEG, _PUNCT_BREAK, _negation,
)
from .matcher import (  # noqa: F401  re-exported: Hit and match_text are public names of discourse.match
    CONTEXT_CHARS, Hit, match_text, _Matcher,
)
from .match_phrases import (  # noqa: F401  re-exported: phrase_hits is a public name of discourse.match
    phrase_hits,
)

__all__ = ["Hit", "match_text", "match_partition", "match_corpus", "hits", "kwic", "search", "resolve_terms", "phrase_hits",
           "ensure_matched", "CONTEXT_CHARS"]

RULE_VERSIONS = RULES  # the matcher's versioned rules (the report records them)
CHUNK_DOCS = 32      # documents per worker task
WRITE_DOCS = 256     # documents per write transaction (whole documents only)
PRELOAD_WORK = 20_000  # (documents x entries) above which the parent loads spaCy before forking the workers

# -- the cache over a corpus ------------------------------------------------------------------------------------
_WORKER: dict = {}


class _Matchers(dict):
    """Language -> _Matcher, built on first use (a Russian lemma table is loaded only for Russian texts)."""

    def __init__(self, lexicon: Lexicon, entries: list[Entry]):
        super().__init__()
        self.lexicon, self.entries = lexicon, entries

    def get(self, lang, default=None):
        if lang not in LANGUAGES:
            return default
        if lang not in self:
            self[lang] = _Matcher(self.lexicon, self.entries, lang)
        return self[lang]


def _matchers(lexicon: Lexicon, entry_ids: tuple[str, ...]) -> _Matchers:
    key = (lexicon.hash, entry_ids)
    if _WORKER.get("key") != key:
        entries = [e for e in lexicon.entries if e.id in set(entry_ids)]
        _WORKER["key"] = key
        _WORKER["matchers"] = _Matchers(lexicon, entries)
    return _WORKER["matchers"]


def _cell(value):
    return int(value) if isinstance(value, bool) else value


def match_partition(records, lexicon: Lexicon, entry_ids: Sequence[str] | None = None, cached: Callable | None = None):
    """Match a batch of documents: the one matching function of the serial and the Dask engines.

    ``records``: (doc_id, language, text, page starts) tuples, page starts as a comma list (the store's) or a
    sequence (a Parquet partition's), or a DataFrame with columns id, language, text, page_starts.
    ``cached(doc_id, pipeline_key)`` returns a document's cached sentence tokens (None: tokenize every candidate
    sentence). Returns (doc -> n_hits, hit rows in the order of ``store.matches.MATCH_COLUMNS``, new token rows).
    """
    if hasattr(records, "itertuples"):
        records = zip(records["id"], records["language"], records["text"], records["page_starts"])
    matchers = _matchers(lexicon, tuple(entry_ids) if entry_ids is not None else tuple(e.id for e in lexicon.entries))
    doc_hits: dict[str, int] = {}
    rows: list[tuple] = []
    tokens: list[tuple] = []
    for doc_id, lang, text, page_csv in records:
        m = matchers.get(lang)
        if m is None:  # a language without patterns: nothing to find, but the run is recorded
            doc_hits[doc_id] = 0
            continue
        key = m.pipeline.key
        m.pipeline.nlp  # built before the document's regex time budget starts (once per process and language)
        found = m.match(text, (lambda: cached(doc_id, key)) if cached is not None else None, tokens, doc_id)
        if isinstance(page_csv, str):
            pages = [int(x) for x in page_csv.split(",")] if page_csv else [0]
        else:
            pages = [int(x) for x in page_csv] if page_csv is not None and len(page_csv) else [0]
        doc_hits[doc_id] = len(found)
        for h in found:
            left = text[max(0, h.start - CONTEXT_CHARS):h.start]
            right = text[h.end:h.end + CONTEXT_CHARS]
            cells = {"doc_id": doc_id, "page": _docs.page_of(pages, h.start), "language": lang,
                     "left_context": left, "right_context": right}
            # one row in the store's column order: a column the store adds is a Hit field of the same name
            rows.append(tuple(cells[c] if c in cells else _cell(getattr(h, c)) for c in _sql.MATCH_COLUMNS))
    return doc_hits, rows, tokens


def _run_chunk(db_path: str | None, conn, lexicon: Lexicon, entry_ids: tuple[str, ...], doc_ids: list[str]):
    """Match a chunk of documents; returns (doc -> n_hits, hit rows, new token rows, n_tokenized). Reads only."""
    own = conn is None
    if own:
        conn = _sql.connect_readonly(db_path)
    try:
        return match_partition(_sql.texts_of(conn, doc_ids), lexicon, entry_ids,
                               lambda doc_id, key: _sql.cached_sentences(conn, doc_id, key))
    finally:
        if own:
            conn.close()


def _merge(results: list) -> tuple:
    doc_hits, rows, tokens = {}, [], []
    for d, r, t in results:
        doc_hits.update(d)
        rows.extend(r)
        tokens.extend(t)
    return doc_hits, rows, tokens


def _pool_task(args):
    db_path, lexicon, entry_ids, doc_ids = args
    return _run_chunk(db_path, None, lexicon, entry_ids, doc_ids)


def match_corpus(corpus, lexicon: Lexicon | None = None, *, workers: int = 2, progress: Callable | bool | None = None,
                 **filters) -> dict:
    """Bring the match cache up to date: compute only the missing (document, entry hash) pairs.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus`.
    lexicon:
        A :class:`~discourse.lexicon.Lexicon` (default: the shipped one).
    workers:
        Processes to match with (the parent alone writes, one transaction per chunk of whole documents).
    progress:
        ``True`` for a tqdm bar on stderr, or a callable ``progress(done_docs, total_docs)``.
    filters:
        Document filters (``doc_type``, ``country``, ``year_from``, ``year_to``, ``language``, ``ids``...): only
        those documents are brought up to date.

    Returns a summary: ``{"documents": n, "hits": n, "sentences_tokenized": n, "entries": n, "seconds": s}``.
    """
    t0 = time.perf_counter()
    lexicon = lexicon or load_lexicon()
    store = corpus.store
    where, params = _docs.document_filter_sql(**filters)
    with store.read() as conn:
        pending = _sql.pending_documents(conn, [e.hash for e in lexicon.entries], where, params)
    summary = {"documents": len(pending), "hits": 0, "sentences_tokenized": 0, "entries": 0, "seconds": 0.0}
    with store.write() as conn:
        _sql.save_lexicon(conn, lexicon)
    if not pending:
        summary["seconds"] = round(time.perf_counter() - t0, 3)
        return summary
    by_hash = {e.hash: e for e in lexicon.entries}
    groups: dict[frozenset, list[str]] = {}
    for doc_id, missing in pending.items():
        groups.setdefault(frozenset(missing), []).append(doc_id)
    total = len(pending)
    bar = None
    if progress is True:
        from tqdm import tqdm  # deferred: only a progress bar needs it

        bar = tqdm(total=total, unit="doc", desc="matching", leave=False)
    done = 0
    memory = str(store.path) == ":memory:"
    for hashes, doc_ids in groups.items():
        entries = sorted((by_hash[h] for h in hashes), key=lambda e: lexicon.entries.index(e))
        entry_ids = tuple(e.id for e in entries)
        summary["entries"] = max(summary["entries"], len(entries))
        with store.write() as conn:
            run_id = _sql.new_run(conn, [(e.hash, e.id) for e in entries], lexicon.rules)
        doc_ids.sort()
        chunks = [doc_ids[i:i + CHUNK_DOCS] for i in range(0, len(doc_ids), CHUNK_DOCS)]
        hash_list = [e.hash for e in entries]

        def write(result):
            nonlocal done
            doc_hits, rows, tokens = result
            with store.write() as conn:
                _sql.write_chunk(conn, run_id, hash_list, doc_hits, rows, tokens)
            summary["hits"] += len(rows)
            summary["sentences_tokenized"] += len(tokens)
            done += len(doc_hits)
            if bar is not None:
                bar.update(len(doc_hits))
            elif callable(progress):
                progress(done, total)

        if workers <= 1 or memory or len(chunks) < 2:
            for chunk in chunks:
                with store.read() as conn:
                    result = _run_chunk(None, conn, lexicon, entry_ids, chunk)
                write(result)
        else:
            if len(doc_ids) * len(entries) >= PRELOAD_WORK:  # much to tokenize: build spaCy once, before forking
                with store.read() as conn:
                    langs = _docs.languages(conn)
                for lang in langs:
                    if lang in LANGUAGES:
                        _matchers(lexicon, entry_ids).get(lang).pipeline.nlp
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            pending_write: list = []
            with ctx.Pool(min(workers, len(chunks)), initializer=gc.freeze) as pool:  # see ingest.pool.init_worker
                for result in pool.imap_unordered(_pool_task, [(str(store.path), lexicon, entry_ids, c) for c in chunks]):
                    pending_write.append(result)
                    if sum(len(r[0]) for r in pending_write) >= WRITE_DOCS:
                        write(_merge(pending_write))
                        pending_write = []
            if pending_write:
                write(_merge(pending_write))
    if bar is not None:
        bar.close()
    summary["seconds"] = round(time.perf_counter() - t0, 3)
    return summary


# -- queries ----------------------------------------------------------------------------------------------------
def hits(corpus, lexicon: Lexicon | None = None, *, entries: Iterable[str] | None = None, progress=None,
         workers: int = 2, columns: Sequence[str] | None = None, **doc_filters) -> pd.DataFrame:
    """One row per hit of the lexicon in the filtered documents (the cache is brought up to date first).

    Columns: doc_id, entry_id, entry_hash, start, end, sent_start, sent_end, page, surface, language, negated,
    negation_cue, target, target_group, left_context, right_context, stance, stance_cue, stance_rule,
    target_inferred, and the document's year, date, country, doc_type, speaker, post_category, words.
    ``columns``: only these hit columns (of the above until ``target_inferred``) and no document metadata, for
    callers that need a few (the scores read 7 of the 27, without the contexts).
    """
    import pandas as pd  # deferred: heavy; matching and the timeline query path do without it

    lexicon = lexicon or load_lexicon()
    chosen = [lexicon.entry(e) for e in entries] if entries is not None else list(lexicon.entries)
    match_corpus(corpus, lexicon, workers=workers, progress=progress, **doc_filters)
    where, params = _docs.document_filter_sql(**doc_filters)
    with corpus.store.read() as conn:
        if columns is None:
            cols, rows = _sql.hit_rows(conn, [e.hash for e in chosen], where, params)
        else:
            cols, rows = _sql.hit_rows(conn, [e.hash for e in chosen], where, params, columns=columns, meta=())
    frame = pd.DataFrame.from_records(rows, columns=cols)
    for col in ("negated", "target_inferred"):
        if col in frame.columns:
            frame[col] = frame[col].astype(bool)
    if "year" in frame.columns:
        frame["year"] = frame["year"].astype("Int64")
    first = [c for c in ("doc_id", "entry_id", "entry_hash") if c in cols]
    order = first + [c for c in cols if c not in first]
    return frame[order]


def resolve_terms(lexicon: Lexicon, terms: Sequence[str]) -> list[tuple[str, list[Entry] | None]]:
    """Each query term with the entries it names (entry id, label or category), or None for a free phrase."""
    return [(t, lexicon.resolve(t)) for t in terms]


KWIC_COLUMNS = ["doc_id", "date", "year", "country", "page", "term", "entry_id", "left", "hit", "right", "negated",
                "negation_cue", "stance", "stance_cue", "stance_rule", "target", "target_group", "target_inferred", "start"]


def kwic(corpus, terms: Sequence[str] | str, lexicon: Lexicon | None = None, *, window: int = 8,
         negated: str | None = None, limit: int | None = None, progress=None, workers: int = 2,
         phrases: bool = False, stance: Sequence[str] | str | None = None, **doc_filters) -> pd.DataFrame:
    """Keyword in context for lexicon entries (id, label or category) or free phrases.

    Parameters
    ----------
    terms:
        Entry ids, labels, categories, or any other phrase (searched in the stored text).
    window:
        Words of context on each side (at most 20).
    negated:
        ``"only"`` or ``"exclude"`` negated hits; None keeps all.
    limit:
        At most this many rows (after ordering by year, date, country, document, offset).
    phrases:
        Treat every term as a free phrase, even one that names a lexicon entry (see :func:`search`).
    stance:
        Only hits of these stances (stance-v1: support, reject, doubt, question, reported, mention); free
        phrases have no stance and are left out when a stance is asked for.
    doc_filters:
        doc_type, country, year_from, year_to, ... as in :func:`discourse.store.documents.document_filter_sql`.

    >>> from discourse import Corpus
    >>> kwic(Corpus.open(":memory:"), "Non-Aligned Movement").columns.tolist()[:6]
    ['doc_id', 'date', 'year', 'country', 'page', 'term']
    """
    if isinstance(terms, str):
        terms = [terms]
    if negated not in (None, "only", "exclude"):
        raise LexiconError("D312", f"negated must be 'only', 'exclude' or None, not {negated!r}",
                           hint="pass negated='only' or negated='exclude', or leave it out")
    window = max(0, min(int(window), 20))
    stances = [stance] if isinstance(stance, str) else list(stance) if stance else None
    bad = sorted(set(stances or []) - set(_stance.STANCES))
    if bad:
        raise LexiconError("D322", f"unknown stance(s) {', '.join(map(repr, bad))}",
                           hint=f"a stance is one of {', '.join(_stance.STANCES)}")
    lexicon = lexicon or load_lexicon()
    where, params = _docs.document_filter_sql(**doc_filters)
    resolved = [(t, None) for t in terms] if phrases else resolve_terms(lexicon, terms)
    needed = [e for _, es in resolved if es for e in es]
    if needed:
        ensure_matched(corpus, lexicon, needed, progress, workers, doc_filters)
    rows: list[tuple] = []
    for term, entries in resolved:
        with corpus.store.read() as conn:
            if entries:
                found = _sql.kwic_rows(conn, [e.hash for e in entries], where, params, negated=negated, limit=limit,
                                       stances=stances)
            else:
                found = []
        if not entries:
            found = phrase_hits(corpus, term, where, params)
            if negated == "only" or stances:
                found = []
        rows.extend((term, tuple(r) + (None,) * (18 - len(r))) for r in found)  # free phrases have no stance
    import pandas as pd  # deferred: heavy; matching and the timeline query path do without it

    if rows:
        cols = list(zip(*(r for _, r in rows)))
        frame = pd.DataFrame({
            "doc_id": cols[0], "date": cols[1], "year": cols[2], "country": cols[3], "page": cols[4],
            "term": [t for t, _ in rows], "entry_id": cols[12],
            "left": [" ".join(_whole_words(x, "left")[-window:]) if window else "" for x in cols[5]],
            "hit": [" ".join(x.split()) for x in cols[6]],
            "right": [" ".join(_whole_words(x, "right")[:window]) if window else "" for x in cols[7]],
            "negated": [bool(x) for x in cols[8]], "negation_cue": cols[9], "stance": cols[14], "stance_cue": cols[15],
            "stance_rule": cols[16], "target": cols[10], "target_group": cols[11],
            "target_inferred": [None if x is None else bool(x) for x in cols[17]], "start": cols[13],
        }, columns=KWIC_COLUMNS)
    else:
        frame = pd.DataFrame({c: [] for c in KWIC_COLUMNS}, columns=KWIC_COLUMNS)
    if len(resolved) > 1 and not frame.empty:
        frame = frame.sort_values(["year", "date", "country", "doc_id", "start"], kind="stable", na_position="first")
    if limit:
        frame = frame.head(int(limit))
    frame["year"] = frame["year"].astype("Int64")
    return frame.reset_index(drop=True)


def _whole_words(context: str, side: str) -> list[str]:
    """Words of a stored context, without the word cut by the context's outer edge."""
    words = context.split()
    if len(context) >= CONTEXT_CHARS and words:
        if side == "left" and not context[0].isspace():
            words = words[1:]
        elif side == "right" and not context[-1].isspace():
            words = words[:-1]
    return words


def search(corpus, phrases: Sequence[str] | str, *, window: int = 8, limit: int | None = None,
           **doc_filters) -> pd.DataFrame:
    """Keyword in context for free phrases searched in the stored text (never the lexicon's cache).

    A phrase matches like a lexicon phrase pattern: case-insensitive, whole words, any hyphen, space or line
    break between its words; an SQLite FTS5 index (built on first use) narrows the documents to read.
    Columns as :func:`kwic` (no negation or target).
    """
    return kwic(corpus, phrases, window=window, limit=limit, phrases=True, **doc_filters)


def ensure_matched(corpus, lexicon: Lexicon, entries: Sequence[Entry], progress, workers: int,
                   doc_filters: dict) -> None:
    """Match the needed entries in the documents in scope if the cache misses any (progress bar if long)."""
    if getattr(corpus.store, "readonly", False):  # a read-only store answers from the cache as it is
        return
    where, params = _docs.document_filter_sql(**doc_filters)
    with corpus.store.read() as conn:
        pending = _sql.pending_documents(conn, [e.hash for e in entries], where, params)
    if not pending:
        return
    match_corpus(corpus, lexicon, workers=workers, progress=progress, **doc_filters)
