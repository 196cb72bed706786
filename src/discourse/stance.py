"""Stance of a lexicon hit (``stance-v1``): what the speaker does toward the entry's referent.

One of ``support``, ``reject``, ``doubt``, ``question``, ``reported``, ``mention``, decided from the hit's
sentence with the cue lists of ``models/lexicons/stance_cues.yaml`` (data, validated on load) and the negation
cue the matcher found (``negation-v2``). The rules, in order (``docs/stance.md``):

1. ``reported``: a cue of a call, demand or claim by others stands in the hit's segment (the sentence cut at
   ``;`` and ``:``) on the cue's side of the hit ("some circles insist on European integration");
2. ``question``: the hit's segment ends with a question mark (questions and rhetorical questions);
3. ``doubt``: a doubt cue in the segment ("questions whether", "сомневается", "şübhə"), unless it is one of the
   phrases that only look like doubt ("no doubt", "несомненно", "şübhəsiz");
4. ``reject``: the matcher's negation cue, or a refusal/rejection cue of the ``reject`` list in the clause; for an
   organisation entry a negation counts only together with an ``engage`` word ("no plans to *enter* the EAEU");
5. ``mention``: a mention cue next to the hit ("CIS countries", "as Chair of"), unless an organisation entry has an
   ``engage`` word in its clause; or (``mention-list``) an organisation named in a list of three or more names
   that the words around the list do not engage ("the OSCE, the Council of Europe, the CIS and others");
6. ``support`` otherwise.

A negation after the hit beyond a subordinator ("that", "where": English) is that clause's, not the hit's.

A rejection in the next sentence whose object is a pronoun ("The EU offered an association agreement. We
declined it.") is linked to the last hit of the previous sentence by :func:`pronoun_link` (rule
``pronoun-link``); the matcher applies it.

>>> decide("en", "Why should we pursue membership in the EU while it is in crisis?", 26, 43).stance
'question'
>>> decide("en", "Some circles abroad insist on European integration; our path is our own.", 30, 50)
Stance(stance='reported', cue='some circles', rule='reported-cue')
"""

from __future__ import annotations

import re
from typing import Sequence

from .lexicon_io import fold
from .stance_cues import (  # noqa: F401  re-exported: the cue model and loading are names of discourse.stance
    Cue, CueSet, DEFAULT_CUES, KINDS, SCOPES, SIDES,
    STANCES, STANCE_RULE, Stance, check_cues, load_cues, _DEFAULTS,
    _TOKEN, _cue, _cue_tokens, _load, _read, _validate,
)
from .stance_scope import (  # noqa: F401  re-exported: tokenize and the scope helpers are names of discourse.stance
    cue_family, sentence_tokens, tokenize, _GAP, _Heads, _PUNCT_BREAK, _SEGMENT_BREAK, _find,
    _is_break, _match_at, _scope, _span_text, _tok_eq,
)

__all__ = ["STANCE_RULE", "STANCES", "DEFAULT_CUES", "Stance", "Cue", "CueSet", "load_cues", "check_cues",
           "tokenize", "decide", "pronoun_link"]

MENTION_WITHOUT_ENGAGE = False
# Lists of names (rule mention-list): the words that join the items of a list, the words inside a name that may
# stand between its capitalized words ("Organization *for* Security", "Movement *of* Non-Aligned Countries"), the
# words that open a list, and how near a word must be to the hit to engage a body a mention cue names.
_LIST_SEP = {"en": {",", "and", "or", "nor"}, "ru": {",", "и", "или"}, "az": {",", "və", "ya", "yaxud"}}
_NAME_INNER = {"en": {"of", "for", "in", "on", "the", "-", "'", "’"}, "ru": {"-"}, "az": {"-"}}
_NAME_BRACKETS = {"(", ")"}
_LIST_ARTICLES = {"en": {"the"}, "ru": set(), "az": set()}
_LIST_INTRO = {"en": (("such", "as"), ("including",), ("namely",), ("like",)), "ru": (("таких", "как"), ("такие", "как"), ("включая",)),
               "az": ()}  # Azerbaijani "kimi" follows the list it closes ("NATO, AB və ATƏT kimi təşkilatlar")
_LIST_CLOSE = {"en": {"others", "etc"}, "ru": {"другие", "других", "др"}, "az": {"digər", "başqa"}}
_HEAD = 12  # tokens before a list that may engage it
# Words that open a subordinate clause after the hit (relative or complement: "the CIS, *whose* ...", "integration
# brought benefits *that* no one denies"): a negation beyond one of them is that clause's, not the hit's. Russian
# and Azerbaijani subordinators (который, ki) already end the clause (clause_breaks).
_SUBORDINATORS = {"en": {"that", "where", "when", "whereby", "wherever", "whenever"}}

# -- the decision -----------------------------------------------------------------------------------------------
def decide(lang: str, sentence: str, start: int, end: int, *, negation_cue: str | None = None,
           organization: bool = False, cues: CueSet | None = None) -> Stance:
    """Stance of the hit at ``sentence[start:end]`` (offsets relative to the sentence).

    ``negation_cue``: the negation-v2 cue the matcher found in the hit's clause (None if none);
    ``organization``: the entry names a body (its ``kind`` is ``organization``), so it can be a ``mention``.
    """
    cues = cues or load_cues()
    words, starts, ends, heads = sentence_tokens(sentence, cue_family(cues, lang, KINDS))
    if not words:
        return Stance("support", None, "default")
    lo = next((k for k, e in enumerate(ends) if e > start), len(words))
    hi = max(lo + 1, next((k for k, s in enumerate(starts) if s >= end), len(words)))
    breaks = cues.clause_breaks.get(lang, frozenset())

    scopes: dict = {}  # the hit's clause, segment and sentence, shared by the cue kinds

    def found(kind, exclude=None):
        got = _find(cues.of(lang, kind), words, starts, ends, lo, hi, breaks, exclude, around=kind.startswith("not_"),
                    heads=heads, scopes=scopes)
        return None if got is None else (got, _span_text(sentence, starts, ends, got[1], got[2]))

    tail = next((words[k] for k in range(hi, len(words)) if words[k] in (".", "!", "?", ";", "…")), None)
    if tail == "?":
        return Stance("question", "?", "question-mark")
    rep = found("reported")
    if rep:
        return Stance("reported", rep[1], "reported-cue")
    not_doubt = found("not_doubt")
    doubt = found("doubt", exclude=(not_doubt[0][1], not_doubt[0][2]) if not_doubt else None)
    if doubt:
        return Stance("doubt", doubt[1], "doubt-cue")
    engage = found("engage")
    if not found("not_reject"):
        reject = found("reject")
        if reject:
            return Stance("reject", reject[1], "reject-cue")
        if negation_cue and _subordinate_only(lang, words, lo, hi, fold(negation_cue), breaks):
            negation_cue = None  # "integration brought benefits *that* nobody can deny": not about the hit
        if negation_cue and not (not_doubt and fold(negation_cue) in not_doubt[1].split()):
            if not organization or engage:
                return Stance("reject", negation_cue, "negation-v2")
        extra = found("negation")  # negated forms negation-v2 does not know (Azerbaijani -mayıb, -mayan)
        if extra and (not organization or engage):
            return Stance("reject", extra[1], "negation-cue")
    mention = found("mention")
    if mention and organization:  # a word of the mention cue itself ("as a *member* of") engages nothing
        engage = found("engage", exclude=(mention[0][1], mention[0][2]))
    if mention and not (organization and engage):
        return Stance("mention", mention[1], "mention-cue")
    if organization:
        listed = _in_list(lang, sentence, words, starts, ends, lo, hi, breaks, cues.of(lang, "engage"))
        if listed:
            return Stance("mention", listed, "mention-list")
    if organization and not engage and MENTION_WITHOUT_ENGAGE:
        return Stance("mention", None, "mention")
    return Stance("support", None, "default")


def _subordinate_only(lang: str, words, lo: int, hi: int, cue: str, breaks: frozenset) -> bool:
    """Whether every occurrence of the negation ``cue`` in the hit's clause stands after the hit, beyond a word
    that opens a subordinate clause (``_SUBORDINATORS``): the negation is that clause's, not the hit's."""
    subs = _SUBORDINATORS.get(lang)
    if not subs:
        return False
    toks = cue.split()
    a = lo
    while a > 0 and words[a - 1] not in _PUNCT_BREAK and words[a - 1] not in breaks:
        a -= 1
    b = hi
    while b < len(words) and words[b] not in _PUNCT_BREAK and words[b] not in breaks:
        b += 1
    at = [i for i in range(a, b - len(toks) + 1) if tuple(words[i:i + len(toks)]) == tuple(toks) and not lo <= i < hi]
    if not at:
        return False
    return all(i >= hi and any(words[k] in subs for k in range(hi, i)) for i in at)


def _capitalized(sentence: str, starts, ends, k: int) -> bool:
    """Whether token k is written with a capital (a name's word or an acronym) or is a name like "G-20".

    The first word of the sentence counts only when it is an acronym (written all in capitals).
    """
    w = sentence[starts[k]:ends[k]]
    if k == 0:
        return len(w) > 1 and w.isupper()
    return w[:1].isupper() or (w[:1].isalpha() and any(ch.isdigit() for ch in w))


def _engage_in(engage: Sequence[Cue], sentence: str, words, starts, ends, a: int, b: int) -> bool:
    """An engage cue in words[a:b] that is not part of a name.

    A capitalized word is part of a name ("Organization of Islamic *Cooperation*"), not a predicate about the body.
    """
    for cue in engage:
        for i in range(a, b):
            end = _match_at(cue.tokens, words, i, b)
            if end is not None and not any(_capitalized(sentence, starts, ends, k) for k in range(i, end)):
                return True
    return False


def _in_list(lang: str, sentence: str, words, starts, ends, lo: int, hi: int, breaks: frozenset,
             engage: Sequence[Cue]) -> str | None:  # noqa: C901 (one walk left, one right)
    """Rule ``mention-list``: the hit is one of three or more names in a list and the list is not pursued.

    "such as the OSCE, the OIC, the CIS and others", "the summits of NATO, the OIC and the Non-Aligned Movement":
    the body is named among others (``docs/codebook.md``, "Lists"). Items are joined by a comma or a coordinating
    word; each item is a name (a run of capitalized words, with the small words a name holds and a bracketed
    acronym). A list opened by "such as"/"including" needs two items. When the clause before the list or the
    words after it engage the bodies ("we support the work of the CIS, the CSTO and the SCO"), the list is not a
    mention. Returns the cue (the list's separators) or None.
    """
    seps, inner = _LIST_SEP.get(lang, {","}), _NAME_INNER.get(lang, set())
    arts = _LIST_ARTICLES.get(lang, set())
    n = len(words)

    def cap(k):
        return 0 <= k < n and _capitalized(sentence, starts, ends, k)

    def run_right(k):  # end of the name run starting at k (k itself when no name starts there)
        j = k
        while j < n and words[j] in arts:
            j += 1
        e, m = j, j
        while m < n and m - j < 10:
            if cap(m) or words[m] in _NAME_BRACKETS:
                m += 1
                e = m
            elif words[m] == "-" and m > j and cap(m - 1) and m + 1 < n and words[m + 1] not in seps \
                    and words[m + 1] not in _PUNCT_BREAK:  # "Confidence-building"
                m += 2
                e = m
            elif words[m] in inner and m + 1 < n and (cap(m + 1) or words[m + 1] in inner):
                m += 1
            else:
                break
        return e if any(cap(x) for x in range(j, e)) else k

    def run_left(k):  # start of the name run ending at k - 1 (k itself when none ends there)
        s, m = k, k - 1
        if m >= 1 and not cap(m) and words[m].isalpha() and cap(m - 1):  # "the Eurasian Economic community"
            s, m = m, m - 1
        while m >= 0 and k - m <= 10:
            if cap(m) or words[m] in _NAME_BRACKETS:
                s = m
                m -= 1
            elif m - 2 >= 0 and words[m - 1] == "-" and cap(m - 2) and words[m] not in seps \
                    and words[m] not in _PUNCT_BREAK:  # "Confidence-building"
                s = m - 2
                m -= 3
            elif words[m] in inner and m - 1 >= 0 and (cap(m - 1) or words[m - 1] in inner):
                m -= 1
            else:
                break
        while s - 1 >= 0 and words[s - 1] in arts:
            s -= 1
        return s if any(cap(x) for x in range(s, k)) else k

    first, last = run_left(lo), max(hi, run_right(hi))
    if first == lo:
        first = lo - 1 if lo > 0 and words[lo - 1] in arts else lo
    items, used = 1, []
    k = first
    while k > 0 and words[k - 1] in seps:  # items to the left
        j = k - 1
        while j > 0 and words[j - 1] in seps:  # ", and"
            j -= 1
        s = run_left(j)
        if s == j:
            break
        used.append(words[k - 1])
        items, k = items + 1, s
    first = k
    k = last
    while k < n and words[k] in seps:  # items to the right
        j = k
        while j < n and words[j] in seps:
            j += 1
        e = run_right(j)
        if e == j:
            break
        used.append(words[k])
        items, k = items + 1, e
    last = k
    intro = next((w for w in _LIST_INTRO.get(lang, ()) if first >= len(w) and tuple(words[first - len(w):first]) == w), None)
    if items < 3 and not (intro and items >= 2):
        return None
    # "..., and others": the closing words belong to the list
    k = last
    while k < n and (words[k] in seps or words[k] in _LIST_CLOSE.get(lang, set()) or words[k] == "."
                     and k > 0 and words[k - 1] == "etc"):
        k += 1
    if k > last and words[k - 1] in _LIST_CLOSE.get(lang, set()) | {"."}:
        last = k
    # the words before the list (up to _HEAD tokens, over commas, to a stronger break) and after it (its clause)
    a = first
    while a > 0 and first - a < _HEAD and not (words[a - 1] in _PUNCT_BREAK and words[a - 1] != ",") \
            and not (words[a - 1] in breaks and words[a - 1] not in seps):
        a -= 1
    b = last
    while b < n and not _is_break(words, starts, ends, b, breaks):
        b += 1
    if _engage_in(engage, sentence, words, starts, ends, a, first) or _engage_in(engage, sentence, words, starts, ends, last, b):
        return None
    return " ".join(intro) if intro else "list"


def pronoun_link(lang: str, sentence: str, cues: CueSet | None = None) -> str | None:
    """The rejection cue of a sentence that rejects "it/this/that" (a link verb and a pronoun object), or None.

    >>> pronoun_link("en", "We declined it.")
    'declined it'
    >>> pronoun_link("ru", "Мы отказались от него.")
    'отказались от него'
    >>> pronoun_link("az", "Biz bunu rədd etdik.") is not None
    True
    """
    cues = cues or load_cues()
    verbs, prons = cues.of(lang, "link_verbs"), cues.of(lang, "link_pronouns")
    if not verbs or not prons or not _may_hold(verbs, sentence):
        return None
    words, starts, ends = tokenize(sentence)
    heads = _Heads(words)
    for cue in verbs:
        for i in heads.positions(cue.tokens, 0, len(words)):  # only where the verb's first token is (same result)
            end = _match_at(cue.tokens, words, i, len(words))
            if end is None:
                continue
            # the pronoun right after the verb phrase (en, ru), or within three words before it (az: bunu ... rədd etdik)
            for p in prons:
                for j in list(range(end, min(len(words), end + 2))) + list(range(max(0, i - 3), i)):
                    pend = _match_at(p.tokens, words, j, len(words))
                    if pend is not None:
                        a, z = (i, pend) if j >= end else (j, end)
                        return _span_text(sentence, starts, ends, a, z)
    return None


_WORDS = re.compile(r"\w+")
_HEADS: dict[int, tuple] = {}  # id(cue list) -> (the list, its first-token test)


def _may_hold(cues: Sequence[Cue], sentence: str) -> bool:
    """Whether one of ``cues`` may match in ``sentence``: a word of it is a cue's first token (or, for "x*" and
    "*x", starts or ends like it). Never false where a cue matches; much cheaper than tokenizing (issue 17: the
    sentence after each hit is read for a pronoun link, and few hold a link verb)."""
    got = _HEADS.get(id(cues))
    if got is None or got[0] is not cues:
        heads = [c.tokens[0] if c.tokens else "..." for c in cues]
        if any(h == "..." or not _WORDS.fullmatch(h.strip("*")) for h in heads):
            test = None  # a head that is not a plain word (a gap, punctuation, an apostrophe): always tokenize
        else:
            test = (frozenset(h for h in heads if "*" not in h),
                    tuple(h[:-1] for h in heads if h.endswith("*")),
                    tuple(h[1:] for h in heads if h.startswith("*") and len(h) > 1))
        if len(_HEADS) > 256:
            _HEADS.clear()
        got = _HEADS[id(cues)] = (cues, test)
    test = got[1]
    if test is None:
        return True
    exact, prefixes, suffixes = test
    words = set(_WORDS.findall(fold(sentence)))
    if not words.isdisjoint(exact):
        return True
    return any((prefixes and w.startswith(prefixes)) or (suffixes and w.endswith(suffixes)) for w in words)


# -- helpers the matcher calls --------------------------------------------------------------------------------
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# between a name and its bracketed acronym: up to two words the pattern left out ("Collective Security Treaty
# *Organization* (CSTO)") and an optional dash or comma
_OPEN_BRACKET = re.compile(r"(?:\s+\w[\w'-]*){0,2}\s*[-\u2013\u2014,]?\s*[(\[]\s*")
_CLOSE_BRACKET = re.compile(r"\s*[)\]]")


def paragraph_break(view: str, a: int, b: int) -> bool:
    """Whether a blank line lies between offsets a and b (the two are in different paragraphs)."""
    return _BLANK_LINE.search(view, a, b) is not None


def one_mention(group: list, view: str) -> list:
    """Drop a hit of an entry that only repeats, in brackets, the hit of the same entry just before it.

    "the Organization for Democracy and Economic Development (GUAM)" and "GUAM (Organization for Democracy and
    Economic Development)" are one hit each, spanning both forms and the brackets. ``group`` holds (start, end,
    owner, pattern).

    >>> text = "the Collective Security Treaty Organization (CSTO) met"
    >>> [text[s:e] for s, e, _, _ in one_mention([(4, 43, 0, None), (45, 49, 0, None)], text)]
    ['Collective Security Treaty Organization (CSTO)']
    """
    if len(group) < 2:
        return group
    ordered = sorted(group, key=lambda c: (c[0], -c[1]))
    keep = []
    for c in ordered:
        prev = keep[-1] if keep else None
        if prev is not None and prev[2] == c[2] and c[0] >= prev[1]:
            gap = _OPEN_BRACKET.fullmatch(view, prev[1], c[0])
            close = _CLOSE_BRACKET.match(view, c[1]) if gap is not None else None
            if close is not None:
                keep[-1] = (prev[0], close.end(), prev[2], prev[3])  # one hit over both forms and the brackets
                continue
        keep.append(c)
    return keep


def link_pronouns(lang: str, hits: list, sent_of: list[int], view: str, starts: list[int],
                  cues: CueSet | None = None) -> None:
    """Rule ``pronoun-link``: a sentence without hits that rejects "it/this/that" rejects the last hit before it.

    ``hits`` (the matcher's Hit objects, changed in place), ``sent_of`` the index of each hit's sentence in
    ``starts`` (sentence starts of ``view``). Only the next sentence of the same paragraph counts, and only a last
    hit whose stance is support or mention changes.
    """
    if not hits:
        return
    cues = cues or load_cues()
    with_hits = set(sent_of)
    last: dict[int, int] = {}
    for i, si in enumerate(sent_of):
        if si not in last or hits[i].start >= hits[last[si]].start:
            last[si] = i
    for si, i in last.items():
        nxt = si + 1
        if nxt >= len(starts) or nxt in with_hits or paragraph_break(view, starts[si], starts[nxt]):
            continue
        end = starts[nxt + 1] if nxt + 1 < len(starts) else len(view)
        cue = pronoun_link(lang, view[starts[nxt]:end], cues)
        if cue and hits[i].stance in ("support", "mention"):
            hits[i].stance, hits[i].stance_cue, hits[i].stance_rule = "reject", cue, "pronoun-link"
