"""The worked example of docs/scoring.md as frames (illustrative data, shared by the score and export tests)."""

from __future__ import annotations

import pandas as pd

ENTRIES = pd.DataFrame(
    [
        ("euro_atlantic", "western_integration", -1.0, 1.0, "flip", False),
        ("eaeu", "russia_led_integration", 1.0, 1.0, "flip", False),
        ("non_aligned", "non_alignment", 0.0, 1.0, "keep", False),
        ("strategic_partnership", "partnership", 0.5, 2.0, "drop", True),
    ],
    columns=["entry_id", "category", "position", "weight", "on_negation", "needs_target"],
)
# As the lexicon states it: `needs_target: {target: 0.5, target_led: 0.5, west: -0.5}`.
ENTRIES["target_positions"] = [None, None, None, {"target": 0.5, "target_led": 0.5, "west": -0.5}]

DOCUMENTS = pd.DataFrame(
    [
        ("docA", "2010-09-24", 2010, "AZE", "speech", "Minister", "Minister for Foreign Affairs", "foreign_minister",
         "=HYPERLINK(\"http://x\")", "en", 1000, 40, "a" * 64),
        ("docB", "2010-11-02", 2010, "AZE", "statement", "President", "President", "head_of_state",
         "Statement B", "en", 500, 20, "b" * 64),
        ("docC", "2011", 2011, "AZE", "speech", "Minister", "Minister for Foreign Affairs", "foreign_minister",
         "-5 = trouble", "en", 300, 10, "c" * 64),
    ],
    columns=["id", "date", "year", "country", "doc_type", "speaker", "speaker_post", "post_category", "title",
             "language", "words", "sentences", "sha256"],
)

HITS = pd.DataFrame(
    [
        ("docA", "euro_atlantic", 0, False, None),
        ("docA", "euro_atlantic", 100, True, None),
        ("docA", "eaeu", 200, False, None),
        ("docA", "non_aligned", 300, False, None),
        ("docA", "strategic_partnership", 400, False, "target"),
        ("docA", "strategic_partnership", 500, False, "west"),
        ("docA", "strategic_partnership", 600, False, None),
        ("docA", "strategic_partnership", 700, True, "target"),
        ("docB", "eaeu", 0, False, "target_led"),
        ("docB", "eaeu", 50, False, None),
    ],
    columns=["doc_id", "entry_id", "sent_start", "negated", "target_group"],
)
