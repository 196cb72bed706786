"""Matching while ingesting (issue 17): the lexicon is matched in the worker that has just parsed a text.

The first pass over a corpus used to read every text twice: once to store it, once more (from the store) to
match it. :class:`MatchOnIngest` is a :class:`~discourse.ingest.document.ParseHook`: the ingest worker that
normalized a text matches it at once with :func:`discourse.match.match_partition` (the one matching function of
every engine), and the parent stores the hits, the run rows and the sentence tokens in the savepoint of the new
document, so a document and its matches are stored together or not at all. The match cache then holds exactly
what ``match_corpus`` would have computed; a document the hook could not match in time (or at all) is simply
matched later by whoever needs it (``match``, ``score``, ``timeline``...), as before.

>>> from discourse import Corpus
>>> from discourse.ingest.document import SourceItem
>>> from discourse.ingest.pipeline import ingest_items
>>> from discourse.lexicon import load_lexicon
>>> corpus, lexicon = Corpus.open(":memory:"), load_lexicon()
>>> text = b"Azerbaijan values its strategic partnership with Russia."
>>> _ = ingest_items(corpus, [SourceItem("a.txt", text, "text")], workers=0, hook=MatchOnIngest(lexicon))
>>> corpus.store.conn.execute("SELECT entry_id, target FROM matches").fetchall()
[('strategic_partnership', 'russia')]
"""

from __future__ import annotations

import time

from .errors import DiscourseError
from .ingest.document import ParseHook
from .lexicon import LANGUAGES, Lexicon
from .match import _matchers, match_partition
from .store import matches as _sql

__all__ = ["MatchOnIngest"]

MAX_TEXT_CHARS = 5_000_000  # a longer text is matched later, by match_corpus (its progress and limits)


class MatchOnIngest(ParseHook):
    """Match ``lexicon`` (all its entries) in every document as it is ingested."""

    def __init__(self, lexicon: Lexicon, preload_languages: tuple[str, ...] = ("en",)):
        self.lexicon = lexicon
        self.entry_ids = tuple(e.id for e in lexicon.entries)
        self.hashes = [e.hash for e in lexicon.entries]
        self.preload_languages = preload_languages
        self.run_id: int | None = None

    def prepare(self, conn) -> None:
        """Record the lexicon and open one match run for its entries (the parent, before parsing starts)."""
        _sql.save_lexicon(conn, self.lexicon)
        self.run_id = _sql.new_run(conn, [(e.hash, e.id) for e in self.lexicon.entries], self.lexicon.rules)

    def preload(self) -> None:
        """Compile the patterns and load the pipelines of the likely languages before the workers fork."""
        matchers = _matchers(self.lexicon, self.entry_ids)
        for lang in self.preload_languages:
            if lang in LANGUAGES:
                matchers.get(lang).pipeline.nlp

    def work(self, records: list[tuple], seconds: float | None) -> list:
        """One payload per record: (language, n_hits, hit rows, token rows), or None (too long, out of time, an
        error: the document is matched later)."""
        out: list = []
        start = time.monotonic()
        for doc_id, lang, text, pages in records:
            if (seconds is not None and time.monotonic() - start > seconds) or len(text) > MAX_TEXT_CHARS:
                out.append(None)
                continue
            try:
                doc_hits, rows, tokens = match_partition([(doc_id, lang, text, pages)], self.lexicon, self.entry_ids)
            except DiscourseError:  # a guarded regex over its budget, say: match_corpus reports it later
                out.append(None)
                continue
            out.append((lang, doc_hits.get(doc_id, 0), rows, tokens))
        return out

    def store(self, conn, doc_id: str, language: str, payload) -> None:
        """Store a new document's hits (in its savepoint); a payload for another language than the stored one
        (metadata decided otherwise) is dropped and the document is matched later."""
        lang, n_hits, rows, tokens = payload
        if lang != language or self.run_id is None:
            return
        _sql.write_new_document(conn, self.run_id, doc_id, n_hits, rows, tokens)
