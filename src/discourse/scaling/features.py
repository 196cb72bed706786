"""Feature matrices from the store: document x feature and sentence x feature counts, per language.

Tokenization is the project's (``docs/matching.md``): the language's spaCy pipeline (``nlp.get_pipeline``)
splits the text into tokens and the matcher's sentence rule (``sentences-v1``) into sentences. A *word token*
is a token holding at least one letter, lower-cased (``ё`` folded to ``е``), as its form or, with
``lemmas=True``, its lookup lemma. Punctuation, numbers and symbols are not features.

Caching (see ``docs/scaling.md``):

* each document's word tokens, as ids into an append-only vocabulary, are stored in the store (tables
  ``scaling_tokens`` and ``scaling_vocab``, schema version 2) under the tokenization key, so a document is
  tokenized once, and adding one document tokenizes only that one;
* a built (trimmed) matrix is cached as a file beside the store (``<store>.scaling/matrix-<key>.npz``),
  keyed by the corpus snapshot (document ids and text hashes) and every setting (language, unit, forms or
  lemmas, min_count, min_docs, stop words, filters); the SVD of LSS is cached there too, keyed by the
  matrix's content hash and k.

Trimming: ``min_count`` (total count of a feature), ``min_docs`` (documents that hold it) and ``stopwords``
(None, ``"spacy"`` for spaCy's list of the language, or a list of words). Every setting is recorded in
:attr:`FeatureMatrix.settings` and in the sidecar of every model fitted on it.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..errors import ScalingError

__all__ = ["FeatureMatrix", "build_features", "cache_dir", "tokenization_key", "TOKEN_RULE", "tokenize_text"]

TOKEN_RULE = "scaling-tokens-v1"
WRITE_DOCS = 256  # documents per write transaction (whole documents only)


@dataclass
class FeatureMatrix:
    """A count matrix with its feature names and where its rows come from."""

    matrix: sp.csr_matrix
    features: np.ndarray
    doc_ids: np.ndarray            # the document of each row
    unit: str                      # "document" or "sentence"
    language: str
    settings: dict = field(default_factory=dict)
    snapshot: dict = field(default_factory=dict)
    key: str = ""
    from_cache: bool = False
    tokenized: int = 0             # documents tokenized to build it (0 when every document was cached)

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape


def tokenization_key(language: str, lemmas: bool) -> str:
    from ..nlp import get_pipeline

    return f"{get_pipeline(language).key}|{TOKEN_RULE}|{'lemma' if lemmas else 'form'}"


def cache_dir(corpus) -> Path | None:
    """Folder of the matrix and SVD cache files: ``<store file>.scaling`` (None for an in-memory store)."""
    path = Path(str(corpus.path))
    if str(path) == ":memory:":
        return None
    return path.with_name(path.name + ".scaling")


def tokenize_text(text: str, language: str, lemmas: bool = False) -> tuple[list[str], list[int]]:
    """(word tokens, cumulative word-token count at the end of each sentence) of one text.

    >>> tokenize_text("Peace is good. We want peace, now!", "en")
    (['peace', 'is', 'good', 'we', 'want', 'peace', 'now'], [3, 7])
    """
    from ..match import _sentences
    from ..nlp import get_pipeline

    toks = get_pipeline(language).tokenize(text)
    starts = np.asarray(_sentences(text), dtype=np.int64)
    values = toks.lemmas if lemmas else toks.words
    words, sent_of = [], []
    for s, v in zip(toks.starts, values):
        if any(ch.isalpha() for ch in v):
            words.append(v.lower().replace("ё", "е"))
            sent_of.append(s)
    sent_index = np.searchsorted(starts, np.asarray(sent_of, dtype=np.int64), side="right") - 1
    counts = np.bincount(sent_index, minlength=len(starts)) if len(words) else np.zeros(len(starts), dtype=int)
    return words, np.cumsum(counts).tolist()


def _tokenize_task(args):
    doc_id, text, language, lemmas = args
    words, ends = tokenize_text(text, language, lemmas)
    return doc_id, words, ends


def _ensure_tokens(corpus, doc_ids: list[str], tok_key: str, language: str, lemmas: bool, workers: int) -> int:
    """Tokenize and store the documents of ``doc_ids`` not yet stored under ``tok_key``; return how many."""
    from ..store import scaling as _st
    from ..store import documents as _docs

    with corpus.store.read() as conn:
        have = _st.stored_token_docs(conn, tok_key)
    todo = [d for d in doc_ids if d not in have]
    if not todo:
        return 0
    with corpus.store.read() as conn:
        vocab = {t: i for i, t in enumerate(_st.vocabulary(conn, tok_key))}

    def texts(chunk):
        with corpus.store.read() as conn:
            return [(d, _docs.document_text(conn, d), language, lemmas) for d in chunk]

    pool = None
    if workers and workers > 1 and len(todo) > 50:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
    try:
        for i in range(0, len(todo), WRITE_DOCS):
            chunk = todo[i:i + WRITE_DOCS]
            tasks = texts(chunk)
            results = list(pool.map(_tokenize_task, tasks, chunksize=8)) if pool else [_tokenize_task(t) for t in tasks]
            start = len(vocab)
            new_terms: list[str] = []
            rows = []
            for doc_id, words, ends in results:
                ids = array("I")
                for w in words:
                    j = vocab.get(w)
                    if j is None:
                        j = vocab[w] = len(vocab)
                        new_terms.append(w)
                    ids.append(j)
                rows.append((doc_id, len(words), array("I", ends).tobytes(), ids.tobytes()))
            with corpus.store.write() as conn:  # the vocabulary and the documents' tokens together, or nothing
                _st.add_terms(conn, tok_key, start, new_terms)
                _st.write_tokens(conn, tok_key, rows)
    finally:
        if pool is not None:
            pool.shutdown()
    return len(todo)


def _stopword_list(stopwords, language: str) -> list[str]:
    if stopwords is None:
        return []
    if stopwords == "spacy":
        import importlib

        try:
            module = importlib.import_module(f"spacy.lang.{language}.stop_words")
        except ImportError:
            raise ScalingError("D764", f"spaCy has no stop-word list for language {language!r}",
                               hint="pass stop words as a list, or none") from None
        return sorted(w.lower() for w in module.STOP_WORDS)
    if isinstance(stopwords, str):
        raise ScalingError("D764", f"unknown stop-word list {stopwords!r}", hint='use None, "spacy" or a list of words')
    return sorted({str(w).lower() for w in stopwords})


def build_features(corpus, *, language: str = "en", unit: str = "document", lemmas: bool = False,
                   min_count: int = 1, min_docs: int = 1, stopwords=None, workers: int = 1,
                   use_cache: bool = True, **filters) -> FeatureMatrix:
    """The (filtered) documents of ``language`` as a document- or sentence-feature count matrix.

    Filters as for :meth:`Corpus.documents` (doc_type, country, year_from, year_to, post_category, ids).
    Rows: one per document (``unit="document"``, in the store's order, empty documents included) or one per
    sentence holding a word token (``unit="sentence"``). Columns: the features kept by the trimming, in
    vocabulary order (first appearance).
    """
    from ..store import scaling as _st
    from ..tables import corpus_snapshot

    if unit not in ("document", "sentence"):
        raise ScalingError("D765", f"unknown feature unit {unit!r}", hint="use document or sentence")
    for name, value in (("min_count", min_count), ("min_docs", min_docs)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ScalingError("D765", f"{name} must be a positive integer, got {value!r}", hint=f"e.g. {name}=1")
    if "language" in filters:
        raise ScalingError("D765", "pass the language as language=..., not as a filter", hint="language='en'")
    stop = _stopword_list(stopwords, language)
    docs = corpus.documents(language=language, **{k: v for k, v in filters.items() if v is not None})
    if docs.empty:
        raise ScalingError("D758", f"no stored document in language {language!r} matches the filters "
                           f"{ {k: v for k, v in filters.items() if v is not None} }",
                           hint="check the language parameter and the filters (`discourse docs list`)")
    doc_ids = docs["id"].tolist()
    snapshot = corpus_snapshot(zip(docs["id"], docs["sha256"]))
    tok_key = tokenization_key(language, lemmas)
    settings = {"language": language, "unit": unit, "tokens": "lemmas" if lemmas else "forms", "min_count": int(min_count),
                "min_docs": int(min_docs), "stopwords": stopwords if stopwords in (None, "spacy") else stop,
                "tokenization": tok_key, "filters": {k: v for k, v in filters.items() if v is not None}}
    key = hashlib.sha256(json.dumps({"snapshot": snapshot["digest"], **settings}, sort_keys=True,
                                    default=str).encode()).hexdigest()
    folder = cache_dir(corpus)
    path = folder / f"matrix-{key[:32]}.npz" if folder is not None else None
    tokenized = _ensure_tokens(corpus, doc_ids, tok_key, language, lemmas, workers)
    if use_cache and path is not None and path.exists() and tokenized == 0:
        with np.load(path, allow_pickle=False) as z:
            M = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
            return FeatureMatrix(M, z["features"].astype(object), z["doc_ids"].astype(object), unit, language,
                                 settings, {k: snapshot[k] for k in ("n_documents", "digest")}, key, True, 0)
    with corpus.store.read() as conn:
        vocab = np.asarray(_st.vocabulary(conn, tok_key), dtype=object)
        stored = _st.read_tokens(conn, tok_key, doc_ids)
    V = len(vocab)
    # CSR built directly from the stored arrays (tokens are in text order, so rows are contiguous): no COO
    # copy, int32 indices, which keeps the full UNGDC's sentence matrix within a few hundred MB
    tok_parts, sizes_parts, row_doc = [], [], []
    for d in doc_ids:
        ends_b, toks_b = stored[d]
        toks = np.frombuffer(toks_b, dtype=np.uint32)
        tok_parts.append(toks)
        if unit == "document":
            sizes_parts.append(np.array([len(toks)], dtype=np.int64))
            row_doc.append(d)
        else:
            ends = np.frombuffer(ends_b, dtype=np.uint32).astype(np.int64)
            sizes = np.diff(np.concatenate([[0], ends]))
            sizes = sizes[sizes > 0]
            sizes_parts.append(sizes)
            row_doc.extend([d] * len(sizes))
    indices = np.concatenate(tok_parts).astype(np.int32) if tok_parts else np.zeros(0, dtype=np.int32)
    sizes = np.concatenate(sizes_parts) if sizes_parts else np.zeros(0, dtype=np.int64)
    del tok_parts
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n_rows = len(sizes)
    M = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n_rows, V))
    M.sum_duplicates()
    keep = np.asarray(M.sum(axis=0)).ravel() >= min_count
    if min_docs > 1:
        if unit == "document":
            held = np.asarray((M > 0).sum(axis=0)).ravel()
        else:
            index = {d: i for i, d in enumerate(doc_ids)}
            G = sp.csr_matrix((np.ones(n_rows), (np.array([index[d] for d in row_doc]), np.arange(n_rows))),
                              shape=(len(doc_ids), n_rows))
            held = np.asarray(((G @ M) > 0).sum(axis=0)).ravel()
        keep &= held >= min_docs
    if stop:
        keep &= ~np.isin(vocab, np.asarray(stop, dtype=object))
    cols_kept = np.flatnonzero(keep)
    M = M[:, cols_kept].tocsr()
    features = vocab[cols_kept]
    out = FeatureMatrix(M, features, np.asarray(row_doc, dtype=object), unit, language, settings,
                        {k: snapshot[k] for k in ("n_documents", "digest")}, key, False, tokenized)
    if use_cache and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, data=M.data, indices=M.indices, indptr=M.indptr, shape=np.asarray(M.shape),
                 features=features.astype(str), doc_ids=np.asarray(row_doc, dtype=str))
        tmp.replace(path)
    return out
