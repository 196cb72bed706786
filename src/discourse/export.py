"""``discourse export``: the tables researchers take to R, Stata or Excel (scores, matches, timelines, documents).

Each table is written by :func:`discourse.tables.write_table` (CSV or Parquet with a JSON sidecar recording
the lexicon hash, corpus snapshot and parameters; formula cells neutralized). The writers are re-exported here
for convenience.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import match as _match
from . import score as _score
from . import timeline as _timeline
from .lexicon import load_lexicon
from .provenance import provenance
from .tables import Table, corpus_snapshot, neutralize_formulas, sidecar_path, write_csv, write_table

__all__ = [
    "write_table", "write_csv", "neutralize_formulas", "corpus_snapshot", "sidecar_path", "ExportTable",
    "scores_table", "matches_table", "timeline_table", "documents_table", "DEFAULT_OUT",
]

#: Default output files of ``discourse export`` (relative to the working directory).
DEFAULT_OUT = {
    "scores": "out/orientation_scores_{level}.{fmt}",
    "matches": "out/matches.{fmt}",
    "timeline": "out/timeline.{fmt}",
    "documents": "out/documents.{fmt}",
}


# -- tables for `discourse export` ---------------------------------------------------------------------------
#: A table ready to export, with what its sidecar records (:class:`discourse.tables.Table`).
ExportTable = Table


def _filters(filters: dict) -> dict:
    return {k: v for k, v in filters.items() if v is not None}


def _lexicon(lexicon):
    if lexicon is None or isinstance(lexicon, (str, Path)):
        return load_lexicon(lexicon)
    return lexicon


def scores_table(corpus, *, level: str = "year", lexicon=None, **params) -> ExportTable:
    """Orientation scores at ``level`` (document, year, month, window); see :func:`discourse.score.scores_table`."""
    return _score.scores_table(corpus, level=level, lexicon=lexicon, **params)


#: Columns of the matches export, in order (see docs/exports.md).
MATCH_COLUMNS = [
    "doc_id", "date", "year", "country", "doc_type", "speaker_post", "title", "entry_id", "label", "category",
    "surface", "page", "start", "end", "sent_start", "sent_end", "language", "negated", "negation_cue", "stance",
    "stance_cue", "stance_rule", "target", "target_group", "target_inferred", "position", "weight", "eff_position", "pole", "counted", "left_context", "right_context",
]


def matches_table(corpus, *, lexicon=None, ensure_matches: bool = True, **filters) -> ExportTable:
    """Every hit of the lexicon in the (filtered) corpus, one row each, with how the scores count it.

    Besides the matcher's columns (document, offsets, page, surface, negation, target), each row carries the
    entry's position and weight and the scoring's eff_position, pole and counted (see docs/scoring.md), so
    every score can be traced back to its hits.
    """
    lexicon = _lexicon(lexicon)
    filters = _filters(filters)
    if ensure_matches:
        _match.match_corpus(corpus, lexicon, progress=False, **filters)
    hits = _match.hits(corpus, lexicon, progress=False, **filters)
    documents = corpus.documents(**filters)
    entries = _score.entries_frame(lexicon)
    counted = _score.count_hits(hits, entries)
    if "label" not in counted.columns:
        counted = counted.merge(entries[["entry_id", "label"]], on="entry_id", how="left")
    meta = documents.set_index("id")
    for col in ("date", "year", "country", "doc_type", "speaker_post", "title"):
        if col not in counted.columns:
            counted[col] = counted["doc_id"].map(meta[col]) if col in meta.columns else None
    for col in MATCH_COLUMNS:
        if col not in counted.columns:
            counted[col] = None
    frame = counted[MATCH_COLUMNS].sort_values(["year", "date", "doc_id", "start", "entry_id"], kind="stable")
    frame = frame.reset_index(drop=True)
    for col in ("negated", "counted", "target_inferred"):
        frame[col] = frame[col].astype(bool)
    record = provenance(lexicon=lexicon, documents=documents,
                        parameters={"filters": filters, "target": getattr(lexicon, "target", None)})
    return Table.from_provenance(frame, "matches", record)


def timeline_table(corpus, terms, *, lexicon=None, by: str = "year", per: int = 10000, **filters) -> ExportTable:
    """Counts and rates of terms, entries or categories per period (the matcher's :func:`discourse.timeline`)."""
    lexicon = _lexicon(lexicon)
    filters = _filters(filters)
    frame = _timeline.timeline(corpus, list(terms), lexicon, by=by, per=per, progress=False, **filters)
    documents = corpus.documents(**filters)
    record = provenance(lexicon=lexicon, documents=documents,
                        parameters={"terms": list(terms), "by": by, "per": per, "filters": filters,
                                    "target": getattr(lexicon, "target", None)})
    return Table.from_provenance(frame, "timeline", record)


#: Columns of the documents export, in order (see docs/exports.md).
DOCUMENT_EXPORT_COLUMNS = [
    "id", "sha256", "title", "date", "year", "doc_type", "speaker", "speaker_post", "post_category", "country",
    "country_kind", "session", "language", "source_url", "source_path", "extractor", "extractor_version", "pages",
    "chars", "words", "sentences", "quality_flags", "unmapped_share", "ingested_at", "updated_at",
]


def documents_table(corpus, **filters) -> ExportTable:
    """The stored documents' metadata (no text), one row per document."""
    filters = _filters(filters)
    documents = corpus.documents(**filters)
    cols = [c for c in DOCUMENT_EXPORT_COLUMNS if c in documents.columns]
    record = provenance(documents=documents, parameters={"filters": filters})
    return Table.from_provenance(documents[cols].reset_index(drop=True), "documents", record)
