"""Tables for scores (owned by the scores stage).

Scores are not cached: they are recomputed on demand from the match cache (``matches``), which is the
expensive part and is already cached per document and lexicon entry. Scoring 10,000 documents with 1,000
bootstrap replicates takes seconds, and recomputing keeps every parameter (seed, level, replicates, periods,
weighting) free without invalidation rules. The DDL is therefore empty.
"""

from __future__ import annotations

__all__ = ["DDL"]

DDL = ""
