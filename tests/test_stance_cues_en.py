"""English stance cues added after the gold set's dev-half errors (docs/validation.md): each cue, in a sentence
written for this test (none is a quotation), gets exactly the stance, cue and rule it should, and a near sentence
without the cue keeps the stance it had, so the test fails if the cue is lost or reaches too far."""

from __future__ import annotations

import pytest

from test_stance import lex, the_hit  # noqa: F401  the lexicon fixture and the one-hit helper of the stance tests


CASES = [
    # (sentence, entry, stance, cue, rule)
    # a party to something condemned: the relation with terrorists or extremists is charged, not pursued
    ("Smugglers are often allied with terrorist groups in the region.", "allied_relations", "reject", "with terrorist",
     "reject-cue"),
    ("The crisis was fed by an alliance between terrorism and organized crime.", "allied_relations", "reject",
     "between terrorism", "reject-cue"),
    ("Some militias have entered into an alliance with extremists.", "allied_relations", "reject", "with extremists",
     "reject-cue"),
    ("An alliance against terrorism serves every nation.", "allied_relations", "support", None, "default"),
    # a thing feared: the hit qualifies an arms race
    ("A multipolar arms race would threaten every region.", "multipolar_world", "reject", "arms race", "reject-cue"),
    ("A multipolar world would benefit every region.", "multipolar_world", "support", None, "default"),
    # "cannot have X with Y": the negation is about the combination with Y, not about X
    ("We cannot have a genuinely multipolar order with one dominant reserve currency.", "multipolar_world", "support",
     None, "default"),
    ("We cannot have a genuinely multipolar order.", "multipolar_world", "reject", "not", "negation-v2"),
    # refusals without a negation word of negation-v2 (an organisation entry: without them it is support)
    ("Azerbaijan said no to the Eurasian Economic Union.", "eurasian_economic_union", "reject", "said no to",
     "reject-cue"),
    ("Voters say no to the Eurasian Economic Union.", "eurasian_economic_union", "reject", "say no to", "reject-cue"),
    ("Our refusal to join the CSTO is final.", "csto", "reject", "refusal to join", "reject-cue"),
    ("Their refusal to enter the CSTO surprised its members.", "csto", "reject", "refusal to enter", "reject-cue"),
    ("The CSTO held its session in Minsk.", "csto", "support", None, "default"),
    ("The new government turned its back on the CIS.", "cis", "reject", "turned its back on", "reject-cue"),
    ("The Eurasian Economic Union is not in our interests.", "eurasian_economic_union", "reject", "not in our interests",
     "reject-cue"),
    ("The Eurasian Economic Union is not in the interest of small states.", "eurasian_economic_union", "reject",
     "not in the interest", "reject-cue"),
    ("The Eurasian Economic Union is in our interests.", "eurasian_economic_union", "support", None, "default"),
]


@pytest.mark.parametrize("text, entry_id, stance, cue, rule", CASES)
def test_english_cue_gives_its_stance(lex, text, entry_id, stance, cue, rule):
    hit = the_hit(text, "en", lex, entry_id)
    assert (hit.stance, hit.stance_rule) == (stance, rule)
    if rule != "default":
        assert hit.stance_cue == cue
    else:
        assert hit.stance_cue is None
