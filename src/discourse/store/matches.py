"""Lexicons, lexicon entries and cached matches (owned by the matching stage).

A match is keyed by the *entry hash* (a hash of one entry's content, the gazetteer, the target power and the
rule versions), not by the lexicon hash: editing one entry invalidates only that entry's matches.
``match_runs`` records that (document, entry hash) was matched, including runs that found nothing.
"""

from __future__ import annotations

__all__ = ["DDL"]

DDL = """
CREATE TABLE lexicons (
    hash       TEXT PRIMARY KEY,                 -- hash of the lexicon's canonical content
    name       TEXT NOT NULL,
    path       TEXT,
    target     TEXT NOT NULL,                    -- target power (actor id), e.g. russia
    content    TEXT NOT NULL,                    -- canonical JSON of the validated lexicon
    created_at TEXT NOT NULL
);
CREATE TABLE lexicon_entries (
    lexicon_hash TEXT NOT NULL REFERENCES lexicons(hash) ON DELETE CASCADE,
    entry_id     TEXT NOT NULL,
    entry_hash   TEXT NOT NULL,
    label        TEXT NOT NULL,
    category     TEXT NOT NULL,
    position     REAL NOT NULL,                  -- -1 balancing/West ... 0 hedging ... +1 bandwagoning/target
    weight       REAL NOT NULL,
    on_negation  TEXT NOT NULL,                  -- flip | drop | keep
    needs_target INTEGER NOT NULL,               -- 1: counts only with a target actor in the sentence
    PRIMARY KEY (lexicon_hash, entry_id)
) WITHOUT ROWID;
CREATE TABLE match_runs (
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entry_hash TEXT NOT NULL,
    n_hits     INTEGER NOT NULL,
    PRIMARY KEY (entry_hash, doc_id)
) WITHOUT ROWID;
CREATE TABLE matches (
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entry_hash    TEXT NOT NULL,
    entry_id      TEXT NOT NULL,
    start         INTEGER NOT NULL,              -- character offsets into texts.text
    end           INTEGER NOT NULL,
    sent_start    INTEGER NOT NULL,              -- the sentence holding the hit
    sent_end      INTEGER NOT NULL,
    page          INTEGER NOT NULL,
    surface       TEXT NOT NULL,                 -- the text as found
    language      TEXT NOT NULL,
    negated       INTEGER NOT NULL,
    negation_cue  TEXT,
    target        TEXT,                          -- actor id found in the same sentence, if any
    target_group  TEXT,                          -- its group: target | target_led | west | other
    left_context  TEXT NOT NULL,
    right_context TEXT NOT NULL,
    PRIMARY KEY (entry_hash, doc_id, start)
) WITHOUT ROWID;
CREATE INDEX matches_doc ON matches(doc_id);
"""
