"""Property: whatever line-end hyphenation and spacing a text has, hits map back to the stored text exactly."""

from __future__ import annotations

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.lexicon import load_lexicon
from discourse.match import _to_orig, _view, match_text

LEX = load_lexicon()
WORDS = ["strategic", "partnership", "with", "Russia", "integration", "the", "European", "Union", "we", "seek",
         "Euro-Atlantic", "balanced", "policy", "and", "neutrality"]


def _break(word: str, at: int) -> str:
    """Hyphenate a lower-case word across a line end at position ``at`` (if it is long enough)."""
    if len(word) < 4 or not word.islower():
        return word
    at = 1 + at % (len(word) - 2)
    return word[:at] + "-\n" + word[at:]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.integers(0, 20), st.booleans(), st.sampled_from([" ", "\n", "  "])),
                min_size=1, max_size=25))
def test_hits_reproduce_their_surface_and_ignore_line_end_hyphens(parts):
    plain = " ".join(w for w, _, _, _ in parts) + "."
    broken = "".join((_break(w, at) if brk else w) + sep for w, at, brk, sep in parts).rstrip() + "."
    view, vpos, removed = _view(broken)
    for i in range(len(view) + 1):  # every view offset maps to a stored offset that holds the same character
        j = _to_orig(i, vpos, removed)
        if i < len(view):
            assert broken[j] == view[i]
    got = match_text(broken, "en", LEX)
    for hit in got:
        assert broken[hit.start:hit.end] == hit.surface
        assert hit.sent_start <= hit.start < hit.end <= hit.sent_end
    expected = [h.entry_id for h in match_text(plain, "en", LEX)]
    assert [h.entry_id for h in got] == expected
