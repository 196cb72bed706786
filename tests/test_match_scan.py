"""Issue 17: the candidate scan found with an Aho-Corasick automaton, and the cheap lead of a guarded regex, give
exactly what the regex scan and the guarded regex alone give."""

from __future__ import annotations

import dataclasses

import pytest

from discourse.lexicon import fold, load_lexicon
from discourse.match_patterns import _Compiled, _regex_lead
from discourse.normalize import normalize_text
from discourse.regex_guard import start_document

LEX = load_lexicon()

TRICKY = [
    "neutrality, the neutral West and the West Bank; Euro-Atlantic and euro-atlantic integration.",
    "eurasian EAEU eu-members, non-aligned nonaligned anon-aligned; allied allies ally rally.",
    "Accession to the EU, membership in NATO; joined the European Union, entering the EU",
    "The  west\nof the\twest; the Westphalian West. Relations with all countries, relations with all",
    "strategicpartnership strategic partnership-strategic partnership",
    "",
    "eu",
    "x eu",
]


def _without_automaton(compiled: _Compiled) -> _Compiled:
    return dataclasses.replace(compiled, automaton=None)


def _compiled(owners, lang="en"):
    compiled = _Compiled.build(owners, lang)
    assert compiled.automaton is not None
    return compiled, _without_automaton(compiled)


@pytest.mark.parametrize("kind", ["entries", "actors"])
def test_the_automaton_finds_what_the_scan_regex_finds(kind, ungdc_sample):
    owners = LEX.entries if kind == "entries" else LEX.actors
    fast, slow = _compiled(owners)
    assert not fast.bare  # many first letters: the regex has a word-start test
    texts = TRICKY + [normalize_text(p.read_text(encoding="utf-8", errors="replace"))
                      for p in sorted(ungdc_sample.glob("*.txt"))[:120]]
    n = 0
    for i, text in enumerate(texts):
        start_document(f"text {i}")  # the guarded regexes' time budget, as the matcher starts it per document
        folded = fold(text)
        assert fast.find(folded, text) == slow.find(folded, text)
        for lo, hi in ((0, len(folded) // 2), (len(folded) // 3, len(folded)), (5, 5)):  # sentence spans
            assert fast.find(folded, text, lo, hi) == slow.find(folded, text, lo, hi)
        n += len(fast.find(folded, text))
    assert n > 500


def test_with_few_first_letters_the_automaton_keeps_the_bare_regex_choices():
    """Few first letters: the regex has no word-start test, so a match inside a word hides the starts it covers;
    the automaton's candidates follow the same rule (find() drops the match inside the word either way)."""
    owners = [e for e in LEX.entries if e.id in ("guam", "non_aligned_movement", "neutrality")]
    fast, slow = _compiled(owners)
    assert fast.bare
    for text in TRICKY + ["aguam guam,guam-non neutral nonneutral", "ananon non-aligned movement"]:
        start_document(text)
        folded = fold(text)
        assert fast.find(folded, text) == slow.find(folded, text), text
    got = fast.find(fold("GUAM and the Non-Aligned Movement"), "GUAM and the Non-Aligned Movement")
    assert [(s, e) for s, e, _, _ in got] == [(0, 4), (13, 33)]


@pytest.mark.parametrize("source, lead", [
    (r"the\s+west(?!\s+(?:bank|africa))", r"the\s{1,}west"),
    (r"relations\s+with\s+all\s+(?:countries|states)", r"relations\s{1,}with\s{1,}all\s{1,}"),
    (r"a\s{2,3}b", r"a\s{2,3}b"),
    (r"alliances?(?!\s+of)", None),                 # no whitespace run: the trigger says as much
    (r"(?:join|joins)\s+the", None),                # starts with a group
    (r"balanced\s+(?:and\s+\w+\s+)?policy", None),  # nothing literal after the run
])
def test_the_lead_of_a_regex(source, lead):
    got = _regex_lead(source)
    assert (got.pattern if got is not None else None) == lead


def test_the_lead_never_refuses_a_match_of_its_regex():
    """Wherever the guarded regex matches, its lead matches too (whitespace of every kind, any case)."""
    compiled = _Compiled.build(LEX.actors, "en")
    (idx, lead), = [(i, ld) for i, ld in compiled.leads.items() if "west" in compiled.items[i][1].text]
    rx = compiled.items[idx][2]
    start_document("lead")
    for space in (" ", "  ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\u2028", "\x1c", "\x85"):
        for text in (f"the{space}west", f"THE{space}West", f"the{space}west{space}bank"):
            folded = fold(text)
            if rx.match(folded, 0) is not None:
                assert lead.match(folded, 0) is not None, repr(text)
    assert rx.match("the west", 0) is not None and lead.match("the  west", 0) is not None
    assert lead.match("the westphalian", 0) is not None and lead.match("the east", 0) is None


def _owner(i: int, *phrases: str):
    """A stand-in lexicon entry holding English phrase patterns (the fields _Compiled reads)."""
    model = next(p for e in LEX.entries for p in e.patterns if p.lang == "en" and p.mode == "phrase")
    return type("Owner", (), {"id": f"o{i}", "patterns": [dataclasses.replace(model, text=t) for t in phrases]})()


@pytest.mark.parametrize("others", [[], ["alpha", "beta", "gamma", "delta"]])
def test_a_start_inside_the_previous_candidate_is_skipped_as_the_regex_does(others):
    """Triggers with a non-word character can overlap ("u.s." holds the word start of "s."): the regex scan never
    reports a start inside its previous match, in-word or not (with few first letters), nor does the automaton."""
    owners = [_owner(0, "u.s. policy"), _owner(1, "s. africa")] + [_owner(2 + i, w) for i, w in enumerate(others)]
    fast, slow = _compiled(owners)
    assert fast.bare is (not others)
    for text in ("the u.s. africa", "xu.s. africa", "s. africa", "u.s. policy and s. africa", "alpha u.s.s. africa"):
        start_document(text)
        folded = fold(text)
        assert fast.find(folded, text) == slow.find(folded, text), text
    assert [(s, e) for s, e, _, _ in fast.find("u.s. africa", "u.s. africa")] == []
    assert [(s, e) for s, e, _, _ in fast.find("x s. africa", "x s. africa")] == [(2, 11)]


def test_a_compiled_scan_survives_pickling(ungdc_sample):
    """Engines that ship matchers to other processes pickle them; the automaton is built again on the way."""
    import pickle

    lexicon = load_lexicon()
    scan = _Compiled.build(lexicon.entries, "en")
    again = pickle.loads(pickle.dumps(scan))
    text = fold((sorted(ungdc_sample.glob("*.txt"))[0]).read_text(encoding="utf-8"))
    assert again.automaton is not None and again.find(text, text) == scan.find(text, text) != []
