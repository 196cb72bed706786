"""Stance rules added after stance-v1's first measurement (docs/stance.md): lists of names, negation scope,
evaluative rejections. Every sentence here is written for this project (illustrative)."""

from __future__ import annotations

import pytest

from discourse.lexicon import load_lexicon
from discourse.match import match_text


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def stance_of(text, lang, lex, entry_id):
    hits = [h for h in match_text(text, lang, lex) if h.entry_id == entry_id]
    assert len(hits) == 1, [(h.entry_id, h.surface) for h in match_text(text, lang, lex)]
    return hits[0].stance, hits[0].stance_rule


@pytest.mark.parametrize("lang, text, entry_id, stance, rule", [
    # a body named among others is a mention ...
    ("en", "Delegates came from the OSCE, the Council of Europe, the CSTO and the African Union.", "csto",
     "mention", "mention-list"),
    ("en", "Azerbaijan has chaired forums such as the Organization of American States and the CSTO.",
     "csto", "mention", "mention-list"),
    ("en", "The CSTO, the Council of Europe and the African Union sent observers.", "csto", "mention", "mention-list"),
    ("ru", "Наблюдателей направили ОБСЕ, Совет Европы, ОДКБ и Африканский союз.", "csto",
     "mention", "mention-list"),
    # ... unless the list as a whole is pursued or valued
    ("en", "We support the work of the OSCE, the Council of Europe and the CSTO.", "csto", "support", "default"),
    ("en", "Organizations such as the Council of Europe, the African Union and the CSTO are growing.", "csto",
     "support", "default"),
    # two names joined by "and" are not a list; a name's own "Cooperation" engages nothing
    ("en", "Azerbaijan values the CSTO and the Council of Europe.", "csto", "support", "default"),
    ("en", "The Shanghai Cooperation Organization, the African Union and the CSTO met.", "csto", "mention",
     "mention-list"),
])
def test_lists_of_names(lex, lang, text, entry_id, stance, rule):
    assert stance_of(text, lang, lex, entry_id) == (stance, rule)
