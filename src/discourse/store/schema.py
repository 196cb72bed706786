"""Schema versions and forward migrations.

Each table family declares its DDL in its own module; this module lists, per schema version, the statements
that move a store from the previous version to it. A released version's statements never change: a change to
the schema is a new entry in :data:`MIGRATIONS`.
"""

from __future__ import annotations

from . import documents, matches, indicators, validation, web, scaling

META_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [META_DDL, documents.DDL, matches.DDL, indicators.DDL]),  # scores are recomputed, never stored
    (2, [validation.DDL]),  # validation: samples drawn for coding and the codes (discourse.validate)
    (3, [web.DDL]),  # raw web responses (discourse.web)
    (4, [matches.STANCE_DDL]),  # stance-v1 / target-v2 columns of matches
    (5, [scaling.DDL]),  # scaling stage: tokens per document and tokenization key (issue 16)
]

CURRENT_VERSION = MIGRATIONS[-1][0]
