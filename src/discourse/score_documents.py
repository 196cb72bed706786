"""Scores per document from a hits frame, a documents frame and an entries frame (pure, no store)."""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd

from .defaults import DEFAULT_LEVEL, DEFAULT_MIN_HITS, DEFAULT_REPLICATES, DEFAULT_SEED
from .score_counting import DOCUMENT_COLUMNS, SCORE_COLUMNS, _K, _N, _R, _W, _check_params, _require, _sentence_stats, count_hits
from .score_bootstrap import _derive, _doc_replicates, _flag_outside, _intervals, _rng


# -- document scores ----------------------------------------------------------------------------------------
def _rates(frame: pd.DataFrame, words: pd.Series) -> None:
    w = words.astype(float).where(words.astype(float) > 0)
    frame["rate_per_10k"] = frame["n_hits"] / w * 1e4
    frame["west_per_10k"] = frame["n_west"] / w * 1e4
    frame["target_per_10k"] = frame["n_target"] / w * 1e4
    frame["hedging_per_10k"] = frame["n_hedging"] / w * 1e4


def _category_columns(entries: pd.DataFrame) -> list[tuple[str, str]]:
    seen, out = set(), []
    for cat in entries["category"]:
        if cat in seen:
            continue
        seen.add(cat)
        out.append((cat, "n_cat_" + re.sub(r"[^0-9A-Za-z_]+", "_", str(cat)).strip("_").lower()))
    return out


def _pole_counts(counted: pd.DataFrame, ids: pd.Index, entries: pd.DataFrame) -> pd.DataFrame:
    """Counts of hits per pole and counted hits per category, one row per document id in ``ids``."""
    n = len(ids)
    doc = ids.get_indexer(counted["doc_id"]) if len(counted) else np.zeros(0, dtype=int)
    inside = doc >= 0
    pole = counted["pole"].to_numpy() if len(counted) else np.zeros(0, dtype=object)
    cols = {}
    for p in ("west", "target", "hedging", "unattributed", "dropped"):
        cols["n_" + p] = np.bincount(doc[inside & (pole == p)], minlength=n)
    is_counted = counted["counted"].to_numpy(dtype=bool) if len(counted) else np.zeros(0, dtype=bool)
    category = counted["category"].to_numpy() if len(counted) else np.zeros(0, dtype=object)
    for cat, col in _category_columns(entries):
        cols[col] = np.bincount(doc[inside & is_counted & (category == cat)], minlength=n)
    return pd.DataFrame(cols, index=ids)


#: The measures of a document, each with its interval columns' prefix: (prefix, column).
MEASURES = (("", "score"), ("ratio_", "ratio"), ("logit_", "logit"))
_BLOCK = 256  # documents resampled together (their replicates: 256 x B x 5 floats)
_PARALLEL_MIN = 2048  # documents to resample before the blocks are shared between two forked processes


def _block_bounds(job: tuple, block: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(block, lower bounds, upper bounds) of a block of documents: documents x measures each."""
    sent, n_sentences, id_array, estimates, seed, replicates, level = job
    reps = np.stack([_doc_replicates(sent[id_array[i]], n_sentences[i], _rng(seed, "doc", id_array[i]), replicates)
                     for i in block])  # documents x B x 5
    derived = np.stack(_derive(reps), axis=-1)  # documents x B x 3
    flat = derived.transpose(1, 0, 2).reshape(replicates, -1)  # B x (documents * 3)
    low, high = _intervals(flat, estimates[block].reshape(-1), level)  # one percentile call per block
    return block, low.reshape(len(block), -1), high.reshape(len(block), -1)


_JOB: tuple | None = None  # the job of a forked bootstrap (inherited by the children, never pickled)


def _child_blocks(blocks: list[list[int]]) -> list[tuple]:
    return [_block_bounds(_JOB, block) for block in blocks]


def _fork_workers(n_documents: int) -> int:
    """Processes for the bootstrap of ``n_documents``: two when there are many and this process may fork safely
    (a fork method, no other thread that could hold a lock, not itself a daemonic worker), else one."""
    if n_documents < _PARALLEL_MIN or "fork" not in mp.get_all_start_methods():
        return 1
    if threading.active_count() > 1 or mp.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return min(2, cores)


def _bootstrap_blocks(job: tuple, blocks: list[list[int]]) -> list[tuple]:
    """:func:`_block_bounds` of every block, in two forked processes when the corpus is large (issue 17: the
    scores of the first pass ran on one core). Each document's generator is seeded by its id and each interval
    is computed on its own, so the split changes no value."""
    workers = _fork_workers(sum(len(b) for b in blocks))
    if workers < 2:
        return [_block_bounds(job, block) for block in blocks]
    global _JOB
    _JOB = job
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            parts = list(pool.map(_child_blocks, [blocks[k::workers] for k in range(workers)]))
    except BrokenProcessPool:  # a child was killed (out of memory, say): the blocks are computed here instead
        return [_block_bounds(job, block) for block in blocks]
    finally:
        _JOB = None
    return [got for part in parts for got in part]


def score_documents(
    hits: pd.DataFrame,
    documents: pd.DataFrame,
    entries: pd.DataFrame,
    *,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
    replicates: int = DEFAULT_REPLICATES,
    min_hits: int = DEFAULT_MIN_HITS,
) -> pd.DataFrame:
    """Scores of each document in ``documents`` (one row each, in its order) from its ``hits``.

    Parameters
    ----------
    hits:
        One row per hit: doc_id, entry_id, sent_start (the sentence it is in), negated, target_group
        (optionally entry_hash, checked against ``entries``).
    documents:
        One row per document: id, words, sentences (+ any metadata columns, which are kept).
    entries:
        The lexicon entries (:func:`entries_frame`): entry_id, category, position, weight, on_negation,
        needs_target.
    seed, level, replicates:
        The bootstrap: sentences are resampled with replacement within each document; each document's
        generator is seeded by ``seed`` and the document id, so its interval does not depend on which other
        documents are scored.
    min_hits:
        Documents with fewer counted hits are flagged ``low_evidence``; their scores and intervals are still
        given whenever defined (analysts filter on the flag).
    """
    _check_params(seed, level, replicates, min_hits)
    _require(documents, ("id", "words", "sentences"), "documents")
    docs = documents.reset_index(drop=True)
    hits = hits.loc[hits["doc_id"].isin(set(docs["id"]))] if "doc_id" in hits.columns else hits
    counted = count_hits(hits, entries)
    sent = _sentence_stats(counted)
    ids = pd.Index(docs["id"])
    out = pd.DataFrame({c: docs[c] for c in DOCUMENT_COLUMNS if c in docs.columns})
    out["n_words"] = docs["words"].astype(int).to_numpy()
    out["n_sentences"] = docs["sentences"].astype(int).to_numpy()
    totals = np.zeros((len(docs), _K))
    resampled = []  # documents with counted hits: their sentences are resampled
    for i, doc_id in enumerate(docs["id"]):
        s = sent.get(doc_id)
        if s is not None:
            totals[i] = s.sum(axis=0)
            if totals[i, _N] >= 1:
                resampled.append(i)
    score, ratio, logit = _derive(totals)
    # every defined value is kept (low_evidence only flags it); the empirical logit of a document without
    # counted hits is the 0.5 smoothing alone, not a measurement, so it stays empty
    logit = np.where(totals[:, _N] > 0, logit, np.nan)
    estimates = np.column_stack([score, ratio, logit])  # one column per measure, as named in MEASURES
    bounds = np.full((len(docs), 2 * len(MEASURES)), np.nan)
    job = (sent, docs["sentences"].to_numpy(), docs["id"].to_numpy(), estimates, seed, replicates, level)
    blocks = [resampled[lo:lo + _BLOCK] for lo in range(0, len(resampled), _BLOCK)]
    for block, low, high in _bootstrap_blocks(job, blocks):
        bounds[block, 0::2] = low
        bounds[block, 1::2] = high
    for j, (name, col) in enumerate(MEASURES):
        out[col] = estimates[:, j]
        out[name + "ci_low"], out[name + "ci_high"] = bounds[:, 2 * j], bounds[:, 2 * j + 1]
    out["W"] = totals[:, _W]
    out["R"] = totals[:, _R]
    out["n_hits"] = totals[:, _N].astype(int)
    counts = _pole_counts(counted, ids, entries)
    for col in ("n_west", "n_target", "n_hedging", "n_unattributed", "n_dropped"):
        out[col] = counts[col].to_numpy()
    _rates(out, out["n_words"])
    out["low_evidence"] = (out["n_hits"] < min_hits) | out["ci_low"].isna()
    _flag_outside(out)
    cat_cols = [col for _, col in _category_columns(entries)]
    for col in cat_cols:
        out[col] = counts[col].to_numpy()
    meta = [c for c in DOCUMENT_COLUMNS if c in out.columns]
    return out[meta + SCORE_COLUMNS + cat_cols]
