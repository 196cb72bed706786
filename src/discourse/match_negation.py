"""Negation of a hit within its clause (``negation-v2``): cue lists per language and the clause scan."""

from __future__ import annotations

import re
from typing import Iterable, Sequence


# -- negation (negation-v2) -----------------------------------------------------------------------------------
NEGATION_CUES = {
    "en": {"not", "n't", "no", "never", "neither", "nor", "without", "none", "nobody", "nothing", "nowhere", "cannot",
           "refuse", "refuses", "refused", "reject", "rejects", "rejected", "abandon", "abandoned"},
    "az": {"deyil", "deyildir", "deyilik", "yox", "yoxdur", "heç", "nə", "olmadan", "imtina"},
    "ru": {"не", "нет", "ни", "без", "никогда", "нельзя", "вместо", "отказ", "отказались", "отказывается"},
}
NEGATION_PHRASES = {  # multi-word cues: (tokens, must precede the hit)
    "en": [(("no", "need"), True), (("rather", "than"), True), (("instead", "of"), True), (("far", "from"), True),
           (("no", "longer"), False)],
    "az": [],
    "ru": [(("а", "не"), True)],
}
NOT_NEGATION = {  # cue + next token that is not a negation
    "en": {("not", "only"), ("not", "least"), ("no", "doubt"), ("no", "less"), ("not", "just"), ("nothing", "but"),
           ("never", "before"), ("no", "one")},
    "az": set(),
    "ru": {("не", "только"), ("не", "менее")},
}
CLAUSE_BREAK = {
    "en": {"but", "while", "whereas", "although", "though", "however", "yet", "because", "since", "which", "who",
           "whom", "whose", "unless", "whilst", "and"},
    "az": {"amma", "lakin", "ancaq", "və", "çünki", "halbuki", "isə", "ki", "baxmayaraq"},
    "ru": {"но", "а", "однако", "хотя", "потому", "поскольку", "который", "которая", "которое", "которые", "и", "зато"},
}
# Cues that are prepositions (or a postposition) negate only the words they govern: "without"/"без"/"вместо"
# what follows them, Azerbaijani "olmadan" what precedes it ("integration without Russia" is not negated).
CUE_SIDE = {
    "en": {"without": "before"},
    "az": {"olmadan": "after"},
    "ru": {"без": "before", "вместо": "before"},
}
_WORD_RUN = re.compile(r"\w+")
_PUNCT_BREAK = {",", ";", ":", "(", ")", "—", "–", "-", "«", "»", "\"", "“", "”"}


def _cue_heads(lang: str) -> set[str]:
    """The words that can start a negation cue: every cue word and every cue phrase's first word."""
    return set(NEGATION_CUES.get(lang, ())) | {toks[0] for toks, _ in NEGATION_PHRASES.get(lang, [])}


class NegationHint:
    """A quick test on a sentence's text, true whenever :func:`_negation` could find a cue in its tokens.

    Built by :func:`negation_hint`. The sentence is lower-cased once; it may hold a cue when one of its runs of
    word characters is a cue word (or a phrase's first word, or one of the tokenizer's exceptions that yields a
    cue, such as "cannot"), or when it contains a cue that is not made of word characters alone ("n't", "n’t").
    It may say yes for nothing ("No." as an abbreviation); it never says no for a cue (tests/test_match_rules.py;
    on the whole UNGDC the hits are the same with and without it). About 15 times cheaper than tokenizing.
    """

    __slots__ = ("words", "inside")

    def __init__(self, words: Iterable[str], inside: Iterable[str]):
        self.words = frozenset(words)
        self.inside = tuple(sorted(set(inside)))

    def __call__(self, sentence: str) -> bool:
        low = sentence.lower()
        return any(s in low for s in self.inside) or not self.words.isdisjoint(_WORD_RUN.findall(low))


def _sure_breaks(lang: str) -> re.Pattern:
    """Clause breaks of :func:`_negation` that are tokens of their own whatever the tokenizer does: a comma,
    semicolon or colon before whitespace, and a clause-break word between whitespace."""
    words = "|".join(sorted(map(re.escape, CLAUSE_BREAK.get(lang, ())), key=len, reverse=True))
    return re.compile(r"[,;:](?=\s)" + (rf"|(?<!\S)(?:{words})(?!\S)" if words else ""), re.IGNORECASE)


_SURE_BREAKS: dict[str, re.Pattern] = {}


def clause_stretch(lang: str, sentence: str, start: int, end: int) -> tuple[int, int]:
    """A stretch of ``sentence`` that holds the clause :func:`_negation` reads around the hit at
    ``sentence[start:end]``, found on the text alone: bounded by the nearest sure breaks (:func:`_sure_breaks`),
    so it may be longer than the clause, never shorter. The matcher asks :class:`NegationHint` about this
    stretch, not the whole sentence: a "not" in another clause needs no tokens (issue 17).

    >>> s = "We do not doubt it, and integration with Europe remains the goal; nothing else"
    >>> a, b = clause_stretch("en", s, s.index("integration"), s.index(" with"))
    >>> s[a:b]
    ' integration with Europe remains the goal'
    """
    rx = _SURE_BREAKS.get(lang)
    if rx is None:
        rx = _SURE_BREAKS[lang] = _sure_breaks(lang)
    a = 0
    for m in rx.finditer(sentence, 0, start):
        if m.end() <= start:
            a = m.end()
    m = rx.search(sentence, end)
    return a, m.start() if m is not None else len(sentence)


def negation_hint(lang: str, special_cases: Iterable[str] = ()) -> NegationHint | None:
    """The :class:`NegationHint` of a language, or None where there is none (every candidate sentence is then
    tokenized). ``special_cases``: the tokenizer's exceptions that yield a cue ("cannot" -> can + not; the caller
    lists them from its pipeline, :func:`cue_special_cases`).

    English only: Russian and Azerbaijani sentences are always tokenized (Azerbaijani negated verbs,
    _AZ_VERB_NEG, are no word list).

    >>> hint = negation_hint("en", ["cannot"])
    >>> hint("We cannot join."), hint("They don’t join."), hint("Nowadays we note it.")
    (True, True, False)
    """
    if lang != "en":
        return None
    cues = {w.lower() for w in _cue_heads(lang)}
    words = {w for w in cues if _WORD_RUN.fullmatch(w)}
    inside = (cues - words) | {"n't", "n\u2019t"}
    for case in {c.lower() for c in special_cases}:
        if _WORD_RUN.fullmatch(case):
            words.add(case)  # "cannot": a run of its own
        elif not any(s in case for s in inside) and words.isdisjoint(_WORD_RUN.findall(case)):
            inside.add(case)  # found as a substring, whatever surrounds it
    return NegationHint(words, inside)


def cue_special_cases(lang: str, tokenizer) -> list[str]:
    """The tokenizer's special cases (exceptions) that yield a negation cue or a phrase's first word."""
    words = _cue_heads(lang)
    return sorted(key for key in getattr(tokenizer, "rules", None) or {}
                  if any(t.lower_ in words for t in tokenizer(key)))
# Azerbaijani verb negation: a stem of 2+ letters, -ma/-mə, then a tense suffix and optional person ending
# (etmir, istəmirik, görmürük, olmadı, etmədik, etməyəcək, olmaz, olmamalı, etməmişdir). Nouns that happen to end
# like a negated verb are excepted.
_AZ_PERSON = r"(?:am|əm|san|sən|ıq|ik|uq|ük|lar|lər|sınız|siniz|sunuz|sünüz|dır|dir|dur|dür|q|k|m|n|nız|niz)?"
_AZ_VERB_NEG = re.compile(
    r"^\w{2,}(?:m[ıiuü]r" + _AZ_PERSON + r"|madı\w*|mədi\w*|ma[yq]acaq\w*|məy?əcək\w*|mayacaq\w*|maz" + _AZ_PERSON
    + r"|məz" + _AZ_PERSON + r"|mamalı\w*|məməli\w*|mamış\w*|məmiş\w*)$")
_AZ_NOT_VERBS = ("kəşmir", "zəmir", "təmir", "dəmir", "səmir", "məmur", "almaz", "qalmaz")  # noun prefixes


def _clause(lang: str, words: list[str], hit_lo: int, hit_hi: int, starts: Sequence[int] | None = None,
            ends: Sequence[int] | None = None) -> tuple[int, int]:
    """The tokens [lo, hi) of the clause of tokens[hit_lo:hit_hi]: up to the nearest breaks on either side."""
    breaks = CLAUSE_BREAK.get(lang, set())

    def is_break(i: int) -> bool:
        w = words[i]
        if w == "-" and starts is not None and 0 < i < len(words) - 1 \
                and ends[i - 1] == starts[i] and ends[i] == starts[i + 1]:
            return False
        return w in _PUNCT_BREAK or w in breaks

    lo = hit_lo
    while lo > 0 and not is_break(lo - 1):
        lo -= 1
    hi = hit_hi
    while hi < len(words) and not is_break(hi):
        hi += 1
    return lo, hi


def _negation(lang: str, words: list[str], hit_lo: int, hit_hi: int, starts: Sequence[int] | None = None,
              ends: Sequence[int] | None = None) -> str | None:
    """The negation cue in the clause of tokens[hit_lo:hit_hi], or None (negation-v2).

    With the tokens' ``starts``/``ends``, a hyphen joined to the words on both sides (``long-term``,
    ``NATO-led``, ``какие-либо``) is part of a word, not a clause break.
    """
    lo, hi = _clause(lang, words, hit_lo, hit_hi, starts, ends)
    cues = NEGATION_CUES.get(lang, set())
    skip = NOT_NEGATION.get(lang, set())
    for toks, before in NEGATION_PHRASES.get(lang, []):
        n = len(toks)
        for i in range(lo, (hit_lo if before else hi) - n + 1):
            if (i + n <= hit_lo or i >= hit_hi) and tuple(words[i:i + n]) == toks:
                return " ".join(toks)
    side = CUE_SIDE.get(lang, {})
    for i in list(range(lo, hit_lo)) + list(range(hit_hi, hi)):
        w = words[i]
        if w in cues:
            if side.get(w, "before" if i < hit_lo else "after") != ("before" if i < hit_lo else "after"):
                continue
            if i + 1 < len(words) and (w, words[i + 1]) in skip:
                continue
            if lang == "az" and w == "nə" and words.count("nə") < 2:
                continue  # a lone "nə" is "what" (nə deməkdir, nə qədər); negation is the correlative nə ... nə
            return w
        if lang == "az" and _AZ_VERB_NEG.match(w) and not w.startswith(_AZ_NOT_VERBS):
            return w
    return None


# -- hits -----------------------------------------------------------------------------------------------------
