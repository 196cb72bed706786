"""The first-token index of stance cues (issue 17) finds exactly what the word-by-word scan found.

``stance._find`` now tries a cue only where its first token occurs (``_Heads``). The reference below is the scan
it replaced (every cue at every word of its scope); both run on every cue of every language, in sentences built
from the cues themselves and in the sentences of UNGDC sample statements, with the hit at many positions.
"""

from __future__ import annotations

import re

import pytest

from conftest import shared_path
from discourse import stance
from discourse.normalize import normalize_text, sentence_starts


def _find_reference(cues, words, starts, ends, lo, hi, breaks, exclude=None, around=False):
    for cue in cues:
        a, b = stance._scope(words, starts, ends, lo, hi, cue.scope, breaks)
        for i in range(a, b):
            end = stance._match_at(cue.tokens, words, i, b)
            if end is None:
                continue
            if i < hi and end > lo:
                if around and i < lo and end > hi:
                    return cue, i, end
                continue
            if exclude and i < exclude[1] and end > exclude[0]:
                continue
            before = end <= lo
            if cue.side == "before" and not before or cue.side == "after" and before:
                continue
            if cue.window is not None:
                gap = lo - end if before else i - hi
                if gap > cue.window:
                    continue
            return cue, i, end
    return None


def _pronoun_link_reference(lang, sentence, cues):
    words, starts, ends = stance.tokenize(sentence)
    verbs, prons = cues.of(lang, "link_verbs"), cues.of(lang, "link_pronouns")
    if not verbs or not prons:
        return None
    for cue in verbs:
        for i in range(len(words)):
            end = stance._match_at(cue.tokens, words, i, len(words))
            if end is None:
                continue
            for p in prons:
                for j in list(range(end, min(len(words), end + 2))) + list(range(max(0, i - 3), i)):
                    pend = stance._match_at(p.tokens, words, j, len(words))
                    if pend is not None:
                        a, z = (i, pend) if j >= end else (j, end)
                        return stance._span_text(sentence, starts, ends, a, z)
    return None


def _compare(lang: str, sentence: str, step: int = 1) -> int:
    cues = stance.load_cues()
    words, starts, ends = stance.tokenize(sentence)
    breaks = cues.clause_breaks.get(lang, frozenset())
    heads = stance._Heads(words)
    family = stance._Heads(words, stance.cue_family(cues, lang, stance.KINDS))  # the per-language memo decide uses
    link = stance.pronoun_link(lang, sentence, cues)
    assert link == _pronoun_link_reference(lang, sentence, cues), sentence
    n = int(link is not None)
    for lo in range(0, len(words), step):
        for hi in (lo + 1, min(len(words), lo + 3)):
            for kind in stance.KINDS:
                for exclude in (None, (max(0, lo - 3), lo)):
                    args = (cues.of(lang, kind), words, starts, ends, lo, hi, breaks, exclude, kind.startswith("not_"))
                    want = _find_reference(*args)
                    assert stance._find(*args, heads=heads) == want, (sentence, lo, hi, kind, exclude)
                    assert stance._find(*args, heads=family) == want, (sentence, lo, hi, kind, exclude)
                    assert stance._find(*args) == want
                    n += want is not None
    return n


def _cue_words(cue) -> str:
    return " ".join("x" if t == "..." else t.strip("*") + ("ing" if t.endswith("*") else "")
                    if not t.startswith("*") else "ab" + t[1:] for t in cue.tokens)


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_every_cue_in_a_sentence_of_cues(lang):
    cues = stance.load_cues()
    found = 0
    for kind in stance.KINDS:
        for cue in cues.of(lang, kind):
            found += _compare(lang, f"we say {_cue_words(cue)} the union , and {_cue_words(cue)} it .", step=3)
    assert found > 100  # the cues were found, not only their absence compared


@pytest.mark.slow
def test_ungdc_sample_sentences():
    folder = shared_path("data", "ungdc", "sample")
    files = sorted(folder.rglob("*.txt"))[:3]
    assert len(files) == 3
    found = 0
    for path in files:
        text = normalize_text(path.read_text(encoding="utf-8"))
        bounds = sentence_starts(text) + [len(text)]
        for s0, s1 in list(zip(bounds, bounds[1:]))[:15]:
            found += _compare("en", text[s0:s1], step=4)
    assert found > 0


def test_cue_lists_made_on_the_fly_share_one_heads_object():
    """Fresh lists (more than the index cache keeps) against one sentence's heads: every answer still exact."""
    cues = stance.load_cues()
    sentence = "Azerbaijan has no plans to join the Eurasian Economic Union, some circles insist on it."
    words, starts, ends = stance.tokenize(sentence)
    breaks = cues.clause_breaks.get("en", frozenset())
    heads = stance._Heads(words)
    lo = words.index("eurasian")
    kinds = [k for k in stance.KINDS if cues.of("en", k)] + ["no such kind"]
    for n in range(1200):
        kind = kinds[n % len(kinds)]
        fresh = list(cues.of("en", kind))[: 1 + n % 50]  # a new list object each time (ids may be reused)
        args = (fresh, words, starts, ends, lo, lo + 3, breaks, None, False)
        assert stance._find(*args, heads=heads) == _find_reference(*args), (n, kind)


@pytest.mark.parametrize("lang", ["en", "ru", "az"])
def test_the_link_verb_prefilter_never_hides_a_link(lang):
    """pronoun_link reads a sentence only when one of its words can start a link verb (stance._may_hold); every
    link verb, written as its cue says (a prefix with a suffix added, a suffix after two letters), still links,
    exactly as the reference that tokenizes every sentence; a sentence without any is refused unread."""
    cues = stance.load_cues()
    verbs, prons = cues.of(lang, "link_verbs"), cues.of(lang, "link_pronouns")
    linked = 0
    for verb in verbs:
        for pron in prons:
            for sentence in (f"Biz {_cue_words(pron)} {_cue_words(verb)} .",
                             f"We {_cue_words(verb)} {_cue_words(pron)}."):
                assert stance._may_hold(verbs, sentence)
                got = stance.pronoun_link(lang, sentence, cues)
                assert got == _pronoun_link_reference(lang, sentence, cues), sentence
                linked += got is not None
    assert linked >= len(verbs)
    assert not stance._may_hold(verbs, "Partnership with neighbours remains our choice.")
    assert stance.pronoun_link(lang, "Partnership with neighbours remains our choice.", cues) is None
