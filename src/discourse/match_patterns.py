"""The matcher's text view and pattern compilation: hyphenation-joined view, one regex per pattern, the candidate scan."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .lexicon import Pattern, fold
from .morph import az_verifier, az_word_regex
from .nlp import forms_of
from .normalize import sentence_starts
from .regex_guard import guarded


# -- text view: line-end hyphenation joined ------------------------------------------------------------------
_SOFT_BREAK = re.compile(r"-\n[ \t]*")


def _view(text: str) -> tuple[str, list[int], list[int]]:
    """Text with lower-case words broken at a line end joined, and the map back: (view, view_pos, removed)."""
    if "-\n" not in text:
        return text, [], []
    parts, vpos, removed = [], [], []
    last, total = 0, 0
    n = len(text)
    for m in _SOFT_BREAK.finditer(text):
        a, b = m.start(), m.end()
        if a == 0 or b >= n or not (text[a - 1].islower() and text[b].islower()):
            continue  # "Euro-\nAtlantic", "NATO-\nled": a real hyphen; the hyphen rule of the patterns covers them
        parts.append(text[last:a])
        vpos.append(a - total)
        total += b - a
        removed.append(total)
        last = b
    if not parts:
        return text, [], []
    parts.append(text[last:])
    return "".join(parts), vpos, removed


def _to_orig(pos: int, vpos: list[int], removed: list[int], end: bool = False) -> int:
    if not vpos:
        return pos
    i = bisect.bisect_right(vpos, pos - 1 if end else pos) - 1
    return pos + (removed[i] if i >= 0 else 0)


# -- sentences (sentences-v1): one definition for hits and counts, in normalize.py -----------------------------
_sentences = sentence_starts


# -- pattern compilation --------------------------------------------------------------------------------------
_SEP_SPACE = r"(?:\s+|\s*-\s*)"
_SEP_HYPHEN = r"(?:\s*-\s*|\s+)?"
_W = re.compile(r"\w")
_NONE: list = []


def _pattern_regex(p: Pattern, folded: bool = True) -> str:
    """Regex source of a pattern (over folded text unless ``folded`` is False, for case-sensitive checks)."""
    if p.mode == "regex":
        return f"(?:{p.text})(?!\\w)"
    parts = re.split(r"(\s+|-)", p.text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # separator
            out.append(_SEP_HYPHEN if part == "-" else _SEP_SPACE)
            continue
        if not part:
            continue
        word = fold(part) if folded else part
        if p.mode == "suffix":  # Azerbaijani suffix rule (morph.py, az-suffix-v1)
            out.append(az_word_regex(part, folded))
        elif p.mode == "lemma":
            forms = sorted(forms_of(p.lang, fold(part)), key=len, reverse=True)
            out.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
        elif p.mode == "stem":
            out.append(re.escape(word) + r"\w*")
        else:
            out.append(re.escape(word))
    return "".join(out) + r"(?!\w)"


_TRIGGER_LEN = 24


def _regex_prefixes(source: str) -> set[str] | None:
    """Literal prefixes (folded, at most 6 characters) one of which every match of ``source`` starts with."""
    from re import _constants as C, _parser as P  # the stdlib's own regex parser

    def walk(items) -> set[str] | None:
        out = {""}
        for op, av in items:
            if op is C.LITERAL:
                out = {p + chr(av) for p in out}
            elif op is C.SUBPATTERN or op is C.BRANCH:
                subs = [av[-1]] if op is C.SUBPATTERN else av[1]
                got: set[str] = set()
                for sub in subs:
                    inner = walk(list(sub))
                    if inner is None:
                        return None if not any(out) else out
                    got |= inner
                out = {p + g for p in out for g in got}
                return out if all(out) else (None if not any(out) else out)
            else:
                break
            if all(len(p) >= _TRIGGER_LEN for p in out):
                break
        return out if out and all(out) else None

    try:
        parsed = P.parse(source)
    except Exception:  # pragma: no cover - validated when the lexicon was loaded
        return None
    got = walk(list(parsed))
    return {fold(p)[:_TRIGGER_LEN] for p in got} if got else None


def _regex_lead(source: str) -> re.Pattern | None:
    """A cheap necessary condition for a lexicon regex to match at a position, or None when it would not help.

    The pattern's leading literals and whitespace runs (``the\\s+west`` of ``the\\s+west(?!\\s+bank)``), as a
    standard-library regex: linear, so it needs no time limit, and tried before the pattern itself (a guarded
    regex's time limit costs about 2 microseconds a call; issue 17; most actor-scan candidates are a "the" that
    is not "the west"). ``re``'s ``\\s`` accepts every character the ``regex`` module's does, so the condition
    never refuses a match of the full pattern. Only a lead with a literal after a whitespace run is worth a call.
    """
    from re import _constants as C, _parser as P  # the stdlib's own regex parser

    try:
        parsed = list(P.parse(source))
    except Exception:  # pragma: no cover - validated when the lexicon was loaded
        return None
    parts: list[str] = []
    useful = spaced = False
    for op, av in parsed:
        if op is C.LITERAL:
            parts.append(re.escape(chr(av)))
            useful = useful or spaced
        elif op is C.MAX_REPEAT and list(av[2]) == [(C.IN, [(C.CATEGORY, C.CATEGORY_SPACE)])]:
            lo, hi = av[0], av[1]
            parts.append(r"\s" + ("{%d,}" % lo if hi == C.MAXREPEAT else "{%d,%d}" % (lo, hi)))
            spaced = True
        else:
            break
    return re.compile("".join(parts), re.IGNORECASE) if useful else None


def _triggers(p: Pattern) -> set[str] | None:
    """Literal prefixes that start every match of ``p`` (None: the pattern must be scanned on its own)."""
    if p.mode == "regex":
        return _regex_prefixes(p.text)
    first = fold(re.split(r"[\s-]+", p.text.strip())[0])
    if p.mode == "suffix" and first[-1:] in ("q", "k") and not p.text.split()[0].isupper():
        first = first[:-1]  # a final q/k may be voiced before a suffix (tərəfdaşlıq -> tərəfdaşlığı)
    if p.mode == "lemma":
        return {f[:_TRIGGER_LEN] for f in forms_of(p.lang, first)}
    return {first[:_TRIGGER_LEN]}


def _trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored by common prefixes (much faster than a flat alternation)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a trigger ends here; greedy '?' still prefers the longer ones
            body = (body if len(alts) > 1 else "(?:" + body + ")") + "?"
        return body

    return build(trie)


def _automaton(triggers: list[str]):
    """An Aho-Corasick DFA of the triggers (ahocorasick_rs; its matches name a trigger by its index in the list)."""
    import ahocorasick_rs  # deferred: only matching needs it

    return ahocorasick_rs.AhoCorasick(triggers, implementation=ahocorasick_rs.Implementation.DFA)


@dataclass
class _Compiled:
    """All patterns of some entries (or actors) in one language.

    Scanning: one regex of the patterns' literal prefixes (*triggers*) finds word starts where some pattern may
    begin; there, each pattern of the same first character is tried anchored. Regex patterns without a literal
    prefix are scanned on their own.
    """

    items: list            # (owner index, Pattern, anchored regex, case-sensitive regex or None)
    scan: re.Pattern | None
    buckets: dict          # trigger -> indices of the items that may start where it is found
    alone: list
    verifiers: dict = None  # item index -> check of a suffix-mode match (morph.az_verifier): its end or None
    leads: dict = None      # item index -> cheap necessary condition of a guarded regex (_regex_lead)
    automaton: object = None  # the triggers in an Aho-Corasick automaton (ahocorasick_rs): see _starts
    bare: bool = False      # the scan regex has no word-start test (few first letters)
    order: list = None      # the automaton's triggers by its pattern index

    @classmethod
    def build(cls, owners: Sequence, lang: str) -> "_Compiled":
        items, triggers, buckets, alone, verifiers, leads = [], {}, {}, [], {}, {}
        for oi, owner in enumerate(owners):
            for p in owner.patterns:
                if p.lang != lang:
                    continue
                if p.mode == "suffix":
                    verifiers[len(items)] = az_verifier(p.text)
                src = _pattern_regex(p)
                cs = None
                trig = _triggers(p)
                if p.mode == "regex":  # regex patterns see the folded text; (?i:) keeps upper-case literals working
                    # user-written: run with a time limit per document (regex_guard), never a hang; one proved
                    # linear and only matched where a trigger is runs on re, as the other patterns do
                    owner_name = f"{type(owner).__name__.lower()} {owner.id}"
                    rx = guarded(f"(?i:{src})", owner_name, p.text, anchored=trig is not None)
                    lead = _regex_lead(src)
                    if lead is not None:
                        leads[len(items)] = lead
                    if p.case_sensitive:
                        cs = guarded(p.text, owner_name, p.text)  # fullmatch over a found span: anchored
                else:
                    rx = re.compile(src)
                    if p.case_sensitive:
                        cs = re.compile(_pattern_regex(p, folded=False))
                idx = len(items)
                items.append((oi, p, rx, cs))
                if trig is None:
                    alone.append(idx)
                    continue
                for t in trig:
                    triggers.setdefault(t, []).append(idx)
        scan = None
        if triggers:
            # a trigger found also stands for every shorter trigger that is a prefix of it
            for t in triggers:
                buckets[t] = sorted({i for u, idxs in triggers.items() if t.startswith(u) for i in idxs})
            # With few first letters, a regex without a leading \b is much faster (re then skips ahead to those
            # letters); the word start is checked in find(). With many, \b in the regex is a little faster.
            # (?<!\w) rather than \b when every trigger starts with a word character (the same positions; about
            # 15% faster on the UNGDC); find() checks the word start again either way.
            few = len({t[0] for t in triggers}) <= 4
            start = r"(?<!\w)" if all(_W.match(t[0]) for t in triggers) else r"\b"
            scan = re.compile(("" if few else start) + _trie_regex(triggers))
            if start != r"\b":  # the usual case: the same candidates from an Aho-Corasick automaton (below)
                order = list(triggers)
                return cls(items, scan, buckets, alone, verifiers, leads, _automaton(order), few, order)
        return cls(items, scan, buckets, alone, verifiers, leads)

    def __getstate__(self) -> dict:  # the automaton does not pickle: it is built again from its triggers
        state = dict(self.__dict__)
        state["automaton"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.order is not None:
            self.automaton = _automaton(self.order)

    def _starts(self, folded: str, lo: int, hi: int):
        """(start, trigger) of the scan in folded[lo:hi], in order: what ``self.scan.finditer`` finds, found
        with the automaton (about five times as fast on the UNGDC: the regex tries every position, issue 17).

        The regex's choices are kept: at each start the longest trigger; matches do not overlap (a start inside
        the previous match is skipped); with ``bare`` (the regex without a word-start test) a match inside a word
        also hides the starts it covers, and find() then drops it for not being at a word start."""
        longest: dict[int, str] = {}
        bare, order = self.bare, self.order
        text = folded if lo == 0 and hi == len(folded) else folded[lo:hi]
        for i, s, _ in self.automaton.find_matches_as_indexes(text, overlapping=True):  # character offsets
            s += lo
            t = order[i]
            if not bare and s > 0 and _W.match(folded, s - 1):
                continue
            if len(t) > len(longest.get(s, "")):
                longest[s] = t
        after = lo
        for s in sorted(longest):
            if s >= after:
                t = longest[s]
                after = s + len(t)
                yield s, t

    def find(self, folded: str, original: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, int, Pattern]]:
        """All (start, end, owner index, pattern) of the patterns at word starts in folded[lo:hi], overlaps kept."""
        hi = len(folded) if hi is None else hi
        out = []
        items = self.items
        verify = self.verifiers or {}
        leads = self.leads or {}
        if self.scan is not None:
            buckets = self.buckets
            found = (((m.start(), m.group()) for m in self.scan.finditer(folded, lo, hi)) if self.automaton is None
                     else self._starts(folded, lo, hi))
            for s, trigger in found:
                if s > 0 and _W.match(folded, s - 1):
                    continue
                for idx in buckets[trigger]:
                    if leads and idx in leads and leads[idx].match(folded, s, hi) is None:
                        continue
                    oi, p, rx, cs = items[idx]
                    mm = rx.match(folded, s, hi)
                    if mm is None or mm.end() == s:
                        continue
                    e = mm.end() if idx not in verify else verify[idx](mm)
                    if e is None:
                        continue
                    if cs is not None and not cs.fullmatch(original, s, e):
                        continue
                    out.append((s, e, oi, p))
        for idx in self.alone:
            oi, p, rx, cs = items[idx]
            pos = lo
            while True:
                mm = rx.search(folded, pos, hi)
                if mm is None:
                    break
                pos = mm.start() + 1
                s = mm.start()
                if mm.end() == s or (s > 0 and _W.match(folded, s - 1)):
                    continue
                e = mm.end() if idx not in verify else verify[idx](mm)
                if e is None or (cs is not None and not cs.fullmatch(original, s, e)):
                    continue
                out.append((s, e, oi, p))
        return out


def _longest(cands: list) -> list:
    """Resolve overlapping candidates: longest wins, then the earlier start, then the lexicon order."""
    chosen: list = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0], c[2])):
        if any(c[0] < e and s < c[1] for s, e in taken):
            continue
        chosen.append(c)
        taken.append((c[0], c[1]))
    return sorted(chosen, key=lambda c: c[0])
