"""Find lexicon hits in stored texts, with negation and target, cached in the store; KWIC and phrase search.

Pipeline (``docs/matching.md``), per document:

1. a *view* of the stored text where a word broken at a line end (``inte-\\ngration``) is joined; every view
   offset maps back to the stored text;
2. a fast multi-pattern scan of the folded view (one compiled regex per language, built from all patterns)
   finds candidate spans; each candidate is checked against its own pattern; overlapping hits: longest wins;
3. only the sentences holding candidates are tokenized with spaCy (``nlp.py``); tokens are cached in the store;
4. lemma patterns are confirmed with spaCy's Matcher on those sentences; negation is looked for within the
   clause of the hit (``negation-v2``); the target is the nearest gazetteer actor in the sentence (``target-v1``).

>>> from discourse import Corpus
>>> from discourse.lexicon import load_lexicon
>>> lex = load_lexicon()
>>> [(h.entry_id, h.negated, h.target) for h in match_text("We do not need Euro-Atlantic integration with NATO.", "en", lex)]
[('euro_atlantic_integration', True, 'nato')]
"""

from __future__ import annotations

import bisect
import multiprocessing as mp
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:  # annotations only: pandas is imported by the queries that build a frame (hits, kwic, search)
    import pandas as pd

from .errors import LexiconError
from .lexicon import LANGUAGES, RULES, Actor, Entry, Lexicon, Pattern, fold, load_lexicon
from .morph import az_verifier, az_word_regex
from .nlp import Pipeline, forms_of, get_pipeline
from . import stance as _stance
from .normalize import sentence_starts
from .regex_guard import GuardedRegex, start_document
from .store import documents as _docs
from .store import matches as _sql

__all__ = ["Hit", "match_text", "match_partition", "match_corpus", "hits", "kwic", "search", "resolve_terms", "phrase_hits",
           "ensure_matched", "CONTEXT_CHARS"]

RULE_VERSIONS = RULES  # the matcher's versioned rules (the report records them)
CONTEXT_CHARS = 160  # characters of context stored on each side of a hit (KWIC needs no text reads)
CHUNK_DOCS = 32      # documents per worker task
WRITE_DOCS = 256     # documents per write transaction (whole documents only)
PRELOAD_WORK = 20_000  # (documents x entries) above which the parent loads spaCy before forking the workers

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

    @classmethod
    def build(cls, owners: Sequence, lang: str) -> "_Compiled":
        items, triggers, buckets, alone, verifiers = [], {}, {}, [], {}
        for oi, owner in enumerate(owners):
            for p in owner.patterns:
                if p.lang != lang:
                    continue
                if p.mode == "suffix":
                    verifiers[len(items)] = az_verifier(p.text)
                src = _pattern_regex(p)
                cs = None
                if p.mode == "regex":  # regex patterns see the folded text; (?i:) keeps upper-case literals working
                    # user-written: run with a time limit per document (regex_guard), never a hang
                    owner_name = f"{type(owner).__name__.lower()} {owner.id}"
                    rx = GuardedRegex(f"(?i:{src})", owner_name, p.text)
                    if p.case_sensitive:
                        cs = GuardedRegex(p.text, owner_name, p.text)
                else:
                    rx = re.compile(src)
                    if p.case_sensitive:
                        cs = re.compile(_pattern_regex(p, folded=False))
                idx = len(items)
                items.append((oi, p, rx, cs))
                trig = _triggers(p)
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
            few = len({t[0] for t in triggers}) <= 4
            scan = re.compile(("" if few else r"\b") + _trie_regex(triggers))
        return cls(items, scan, buckets, alone, verifiers)

    def find(self, folded: str, original: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, int, Pattern]]:
        """All (start, end, owner index, pattern) of the patterns at word starts in folded[lo:hi], overlaps kept."""
        hi = len(folded) if hi is None else hi
        out = []
        items = self.items
        verify = self.verifiers or {}
        if self.scan is not None:
            buckets = self.buckets
            for m in self.scan.finditer(folded, lo, hi):
                s = m.start()
                if s > 0 and _W.match(folded, s - 1):
                    continue
                for idx in buckets[m.group()]:
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
_PUNCT_BREAK = {",", ";", ":", "(", ")", "—", "–", "-", "«", "»", "\"", "“", "”"}
# Azerbaijani verb negation: a stem of 2+ letters, -ma/-mə, then a tense suffix and optional person ending
# (etmir, istəmirik, görmürük, olmadı, etmədik, etməyəcək, olmaz, olmamalı, etməmişdir). Nouns that happen to end
# like a negated verb are excepted.
_AZ_PERSON = r"(?:am|əm|san|sən|ıq|ik|uq|ük|lar|lər|sınız|siniz|sunuz|sünüz|dır|dir|dur|dür|q|k|m|n|nız|niz)?"
_AZ_VERB_NEG = re.compile(
    r"^\w{2,}(?:m[ıiuü]r" + _AZ_PERSON + r"|madı\w*|mədi\w*|ma[yq]acaq\w*|məy?əcək\w*|mayacaq\w*|maz" + _AZ_PERSON
    + r"|məz" + _AZ_PERSON + r"|mamalı\w*|məməli\w*|mamış\w*|məmiş\w*)$")
_AZ_NOT_VERBS = ("kəşmir", "zəmir", "təmir", "dəmir", "səmir", "məmur", "almaz", "qalmaz")  # noun prefixes


def _negation(lang: str, words: list[str], hit_lo: int, hit_hi: int, starts: Sequence[int] | None = None,
              ends: Sequence[int] | None = None) -> str | None:
    """The negation cue in the clause of tokens[hit_lo:hit_hi], or None (negation-v2).

    With the tokens' ``starts``/``ends``, a hyphen joined to the words on both sides (``long-term``,
    ``NATO-led``, ``какие-либо``) is part of a word, not a clause break.
    """
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
@dataclass
class Hit:
    """One hit, in stored-text offsets."""

    entry_id: str
    entry_hash: str
    start: int
    end: int
    sent_start: int
    sent_end: int
    surface: str
    negated: bool
    negation_cue: str | None
    target: str | None
    target_group: str | None
    stance: str = "support"         # stance-v1: support, reject, doubt, question, reported, mention
    stance_cue: str | None = None   # the cue that decided (folded, as found)
    stance_rule: str = "default"    # the rule that decided (docs/stance.md)
    target_inferred: bool = False   # target-v2: the actor comes from one of the two sentences before


class _Matcher:
    """Compiled entries and actors for one language, and the spaCy pipeline used on candidate sentences."""

    def __init__(self, lexicon: Lexicon, entries: Sequence[Entry], lang: str):
        self.lang = lang
        self.entries = list(entries)
        self.actors: list[Actor] = list(lexicon.actors)
        self.entry_scan = _Compiled.build(self.entries, lang)
        self.actor_scan = _Compiled.build(self.actors, lang)
        self.has_lemma = any(p.mode == "lemma" for _, p, _, _ in self.entry_scan.items)
        self._pipeline: Pipeline | None = None
        self._matcher = None
        self.cues = _stance.load_cues(getattr(lexicon, "stance_cues", "") or None)

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = get_pipeline(self.lang)
        return self._pipeline

    def lemma_matcher(self):
        if self._matcher is None:
            # deferred: spaCy is heavy; only lemma patterns need its Matcher
            from spacy.matcher import Matcher

            self._matcher = Matcher(self.pipeline.nlp.vocab)
            for idx, (oi, p, _, _) in enumerate(self.entry_scan.items):
                if p.mode == "lemma":
                    toks = [t for t in re.split(r"[\s]+", fold(p.text)) if t]
                    self._matcher.add(str(idx), [[{"LEMMA": t} for t in toks]])
        return self._matcher

    def match(self, text: str, cache=None, new_tokens: list | None = None, doc_id: str = "") -> list[Hit]:
        """Hits in one stored text.

        ``cache``: {sent_start: (sent_end, offsets, lemmas)} of tokenized sentences, or a callable returning it
        (called only when the text holds a candidate, so documents without one cost no cache read).
        """
        self.pipeline.nlp  # loaded (once per process) before the budget starts: loading spaCy is not pattern time
        start_document(doc_id)  # the time budget of the lexicon's regexes on this text
        view, vpos, removed = _view(text)
        folded = fold(view)
        cands = self.entry_scan.find(folded, view)
        if not cands:
            return []
        if callable(cache):
            cache = cache()
        starts = _sentences(view)
        by_sent: dict[int, list] = {}
        for c in cands:
            si = bisect.bisect_right(starts, c[0]) - 1
            by_sent.setdefault(si, []).append(c)
        out: list[Hit] = []
        sent_of: list[int] = []
        for si, group in sorted(by_sent.items()):
            s0 = starts[si]
            s1 = starts[si + 1] if si + 1 < len(starts) else len(view)
            s1 = max(s1, max(c[1] for c in group))
            sent_text = view[s0:s1]
            o0, o1 = _to_orig(s0, vpos, removed), _to_orig(s1, vpos, removed, end=True)
            toks = self._tokens(sent_text, o0, o1, cache, new_tokens, doc_id)
            words, tok_starts, tok_ends = toks.words, toks.starts, toks.ends
            group = self._confirm_lemmas(group, toks, s0)
            group = _stance.one_mention(_longest(group), view)
            actors = None
            for s, e, oi, p in group:
                entry = self.entries[oi]
                lo = bisect.bisect_right(tok_ends, s - s0)
                hi = max(lo + 1, bisect.bisect_left(tok_starts, e - s0))
                cue = _negation(self.lang, words, lo, hi, tok_starts, tok_ends)
                if actors is None:
                    actors = _longest(self.actor_scan.find(folded, view, s0, s1))
                target, tgroup = self._target(actors, s, e)
                inferred = False
                if target is None:  # target-v2: the actor of the nearest of the two sentences before
                    target, tgroup = self._target_before(folded, view, starts, si)
                    inferred = target is not None
                st = _stance.decide(self.lang, sent_text, s - s0, e - s0, negation_cue=cue,
                                    organization=entry.kind == "organization", cues=self.cues)
                so, eo = _to_orig(s, vpos, removed), _to_orig(e, vpos, removed, end=True)
                out.append(Hit(entry.id, entry.hash, so, eo, o0, o1, text[so:eo], cue is not None, cue, target, tgroup,
                               st.stance, st.cue, st.rule, inferred))
                sent_of.append(si)
        _stance.link_pronouns(self.lang, out, sent_of, view, starts, self.cues)
        return out

    def _target_before(self, folded: str, view: str, starts: list[int], si: int) -> tuple[str | None, str | None]:
        """The last actor of the nearest of the two sentences before sentence ``si`` in its paragraph (target-v2)."""
        for k in (si - 1, si - 2):
            if k < 0 or _stance.paragraph_break(view, starts[k], starts[si]):
                break
            k1 = starts[k + 1] if k + 1 < len(starts) else len(view)
            actors = _longest(self.actor_scan.find(folded, view, starts[k], k1))
            if actors:
                actor = self.actors[max(actors, key=lambda a: (a[1], a[0]))[2]]
                return actor.id, actor.group
        return None, None

    def _tokens(self, sent_text: str, o0: int, o1: int, cache, new_tokens, doc_id):
        pipe = self.pipeline
        cached = cache.get(o0) if cache is not None else None
        if cached is not None and cached[0] == o1:
            return pipe.rebuild(sent_text, cached[1], cached[2])
        toks = pipe.tokenize(sent_text)
        if new_tokens is not None:
            offsets, lemmas = toks.pack()
            new_tokens.append((doc_id, pipe.key, o0, o1, offsets, lemmas))
            if cache is not None:
                cache[o0] = (o1, offsets, lemmas)
        return toks

    def _confirm_lemmas(self, group, toks, s0):
        if not any(p.mode == "lemma" for _, _, _, p in group):
            return group
        doc = toks.doc(self.pipeline.nlp.vocab)
        tok_starts = toks.starts
        found = {(int(doc.vocab.strings[mid]), tok_starts[a]) for mid, a, b in self.lemma_matcher()(doc)}
        keep = []
        for c in group:
            if c[3].mode != "lemma":
                keep.append(c)
                continue
            idx = next(i for i, it in enumerate(self.entry_scan.items) if it[1] is c[3] and it[0] == c[2])
            if (idx, c[0] - s0) in found:
                keep.append(c)
        return keep

    def _target(self, actors: list, s: int, e: int) -> tuple[str | None, str | None]:
        """Nearest actor in the sentence that does not overlap the hit (target-v1); ties go to the one after."""
        best = None
        for a0, a1, ai, _ in actors:
            if a0 < e and s < a1:
                continue
            dist = (a0 - e, 0) if a0 >= e else (s - a1, 1)
            if best is None or dist < best[0]:
                best = (dist, ai)
        if best is None:
            return None, None
        actor = self.actors[best[1]]
        return actor.id, actor.group


def match_text(text: str, lang: str, lexicon: Lexicon | None = None, entries: Iterable[Entry] | None = None) -> list[Hit]:
    """Hits of the lexicon's entries in one text (no store involved); the text should be normalized.

    >>> [h.surface for h in match_text("Euro-\\nAtlantic integration and inte-\\ngration", "en")]
    ['Euro-\\nAtlantic integration', 'inte-\\ngration']
    """
    lexicon = lexicon or load_lexicon()
    return _Matcher(lexicon, list(entries or lexicon.entries), lang).match(text)


# -- the cache over a corpus ------------------------------------------------------------------------------------
_WORKER: dict = {}


class _Matchers(dict):
    """Language -> _Matcher, built on first use (a Russian lemma table is loaded only for Russian texts)."""

    def __init__(self, lexicon: Lexicon, entries: list[Entry]):
        super().__init__()
        self.lexicon, self.entries = lexicon, entries

    def get(self, lang, default=None):
        if lang not in LANGUAGES:
            return default
        if lang not in self:
            self[lang] = _Matcher(self.lexicon, self.entries, lang)
        return self[lang]


def _matchers(lexicon: Lexicon, entry_ids: tuple[str, ...]) -> _Matchers:
    key = (lexicon.hash, entry_ids)
    if _WORKER.get("key") != key:
        entries = [e for e in lexicon.entries if e.id in set(entry_ids)]
        _WORKER["key"] = key
        _WORKER["matchers"] = _Matchers(lexicon, entries)
    return _WORKER["matchers"]


def _cell(value):
    return int(value) if isinstance(value, bool) else value


def match_partition(records, lexicon: Lexicon, entry_ids: Sequence[str] | None = None, cached: Callable | None = None):
    """Match a batch of documents: the one matching function of the serial and the Dask engines.

    ``records``: (doc_id, language, text, page starts) tuples, page starts as a comma list (the store's) or a
    sequence (a Parquet partition's), or a DataFrame with columns id, language, text, page_starts.
    ``cached(doc_id, pipeline_key)`` returns a document's cached sentence tokens (None: tokenize every candidate
    sentence). Returns (doc -> n_hits, hit rows in the order of ``store.matches.MATCH_COLUMNS``, new token rows).
    """
    if hasattr(records, "itertuples"):
        records = zip(records["id"], records["language"], records["text"], records["page_starts"])
    matchers = _matchers(lexicon, tuple(entry_ids) if entry_ids is not None else tuple(e.id for e in lexicon.entries))
    doc_hits: dict[str, int] = {}
    rows: list[tuple] = []
    tokens: list[tuple] = []
    for doc_id, lang, text, page_csv in records:
        m = matchers.get(lang)
        if m is None:  # a language without patterns: nothing to find, but the run is recorded
            doc_hits[doc_id] = 0
            continue
        key = m.pipeline.key
        m.pipeline.nlp  # built before the document's regex time budget starts (once per process and language)
        found = m.match(text, (lambda: cached(doc_id, key)) if cached is not None else None, tokens, doc_id)
        if isinstance(page_csv, str):
            pages = [int(x) for x in page_csv.split(",")] if page_csv else [0]
        else:
            pages = [int(x) for x in page_csv] if page_csv is not None and len(page_csv) else [0]
        doc_hits[doc_id] = len(found)
        for h in found:
            left = text[max(0, h.start - CONTEXT_CHARS):h.start]
            right = text[h.end:h.end + CONTEXT_CHARS]
            cells = {"doc_id": doc_id, "page": _docs.page_of(pages, h.start), "language": lang,
                     "left_context": left, "right_context": right}
            # one row in the store's column order: a column the store adds is a Hit field of the same name
            rows.append(tuple(cells[c] if c in cells else _cell(getattr(h, c)) for c in _sql.MATCH_COLUMNS))
    return doc_hits, rows, tokens


def _run_chunk(db_path: str | None, conn, lexicon: Lexicon, entry_ids: tuple[str, ...], doc_ids: list[str]):
    """Match a chunk of documents; returns (doc -> n_hits, hit rows, new token rows, n_tokenized). Reads only."""
    own = conn is None
    if own:
        conn = _sql.connect_readonly(db_path)
    try:
        return match_partition(_sql.texts_of(conn, doc_ids), lexicon, entry_ids,
                               lambda doc_id, key: _sql.cached_sentences(conn, doc_id, key))
    finally:
        if own:
            conn.close()


def _merge(results: list) -> tuple:
    doc_hits, rows, tokens = {}, [], []
    for d, r, t in results:
        doc_hits.update(d)
        rows.extend(r)
        tokens.extend(t)
    return doc_hits, rows, tokens


def _pool_task(args):
    db_path, lexicon, entry_ids, doc_ids = args
    return _run_chunk(db_path, None, lexicon, entry_ids, doc_ids)


def match_corpus(corpus, lexicon: Lexicon | None = None, *, workers: int = 2, progress: Callable | bool | None = None,
                 **filters) -> dict:
    """Bring the match cache up to date: compute only the missing (document, entry hash) pairs.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus`.
    lexicon:
        A :class:`~discourse.lexicon.Lexicon` (default: the shipped one).
    workers:
        Processes to match with (the parent alone writes, one transaction per chunk of whole documents).
    progress:
        ``True`` for a tqdm bar on stderr, or a callable ``progress(done_docs, total_docs)``.
    filters:
        Document filters (``doc_type``, ``country``, ``year_from``, ``year_to``, ``language``, ``ids``...): only
        those documents are brought up to date.

    Returns a summary: ``{"documents": n, "hits": n, "sentences_tokenized": n, "entries": n, "seconds": s}``.
    """
    t0 = time.perf_counter()
    lexicon = lexicon or load_lexicon()
    store = corpus.store
    where, params = _docs.document_filter_sql(**filters)
    with store.read() as conn:
        pending = _sql.pending_documents(conn, [e.hash for e in lexicon.entries], where, params)
    summary = {"documents": len(pending), "hits": 0, "sentences_tokenized": 0, "entries": 0, "seconds": 0.0}
    with store.write() as conn:
        _sql.save_lexicon(conn, lexicon)
    if not pending:
        summary["seconds"] = round(time.perf_counter() - t0, 3)
        return summary
    by_hash = {e.hash: e for e in lexicon.entries}
    groups: dict[frozenset, list[str]] = {}
    for doc_id, missing in pending.items():
        groups.setdefault(frozenset(missing), []).append(doc_id)
    total = len(pending)
    bar = None
    if progress is True:
        from tqdm import tqdm  # deferred: only a progress bar needs it

        bar = tqdm(total=total, unit="doc", desc="matching", leave=False)
    done = 0
    memory = str(store.path) == ":memory:"
    for hashes, doc_ids in groups.items():
        entries = sorted((by_hash[h] for h in hashes), key=lambda e: lexicon.entries.index(e))
        entry_ids = tuple(e.id for e in entries)
        summary["entries"] = max(summary["entries"], len(entries))
        with store.write() as conn:
            run_id = _sql.new_run(conn, [(e.hash, e.id) for e in entries], lexicon.rules)
        doc_ids.sort()
        chunks = [doc_ids[i:i + CHUNK_DOCS] for i in range(0, len(doc_ids), CHUNK_DOCS)]
        hash_list = [e.hash for e in entries]

        def write(result):
            nonlocal done
            doc_hits, rows, tokens = result
            with store.write() as conn:
                _sql.write_chunk(conn, run_id, hash_list, doc_hits, rows, tokens)
            summary["hits"] += len(rows)
            summary["sentences_tokenized"] += len(tokens)
            done += len(doc_hits)
            if bar is not None:
                bar.update(len(doc_hits))
            elif callable(progress):
                progress(done, total)

        if workers <= 1 or memory or len(chunks) < 2:
            for chunk in chunks:
                with store.read() as conn:
                    result = _run_chunk(None, conn, lexicon, entry_ids, chunk)
                write(result)
        else:
            if len(doc_ids) * len(entries) >= PRELOAD_WORK:  # much to tokenize: build spaCy once, before forking
                with store.read() as conn:
                    langs = _docs.languages(conn)
                for lang in langs:
                    if lang in LANGUAGES:
                        _matchers(lexicon, entry_ids).get(lang).pipeline.nlp
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            pending_write: list = []
            with ctx.Pool(min(workers, len(chunks))) as pool:
                for result in pool.imap_unordered(_pool_task, [(str(store.path), lexicon, entry_ids, c) for c in chunks]):
                    pending_write.append(result)
                    if sum(len(r[0]) for r in pending_write) >= WRITE_DOCS:
                        write(_merge(pending_write))
                        pending_write = []
            if pending_write:
                write(_merge(pending_write))
    if bar is not None:
        bar.close()
    summary["seconds"] = round(time.perf_counter() - t0, 3)
    return summary


# -- queries ----------------------------------------------------------------------------------------------------
def hits(corpus, lexicon: Lexicon | None = None, *, entries: Iterable[str] | None = None, progress=None,
         workers: int = 2, **doc_filters) -> pd.DataFrame:
    """One row per hit of the lexicon in the filtered documents (the cache is brought up to date first).

    Columns: doc_id, entry_id, entry_hash, start, end, sent_start, sent_end, page, surface, language, negated,
    negation_cue, target, target_group, left_context, right_context, stance, stance_cue, stance_rule,
    target_inferred, and the document's year, date, country, doc_type, speaker, post_category, words.
    """
    import pandas as pd  # deferred: heavy; matching and the timeline query path do without it

    lexicon = lexicon or load_lexicon()
    chosen = [lexicon.entry(e) for e in entries] if entries is not None else list(lexicon.entries)
    match_corpus(corpus, lexicon, workers=workers, progress=progress, **doc_filters)
    where, params = _docs.document_filter_sql(**doc_filters)
    with corpus.store.read() as conn:
        cols, rows = _sql.hit_rows(conn, [e.hash for e in chosen], where, params)
    frame = pd.DataFrame.from_records(rows, columns=cols)
    frame["negated"] = frame["negated"].astype(bool)
    frame["target_inferred"] = frame["target_inferred"].astype(bool)
    frame["year"] = frame["year"].astype("Int64")
    order = ["doc_id", "entry_id", "entry_hash"] + [c for c in cols if c not in ("doc_id", "entry_id", "entry_hash")]
    return frame[order]


def resolve_terms(lexicon: Lexicon, terms: Sequence[str]) -> list[tuple[str, list[Entry] | None]]:
    """Each query term with the entries it names (entry id, label or category), or None for a free phrase."""
    return [(t, lexicon.resolve(t)) for t in terms]


def phrase_hits(corpus, phrase: str, where: str, params: list) -> list[tuple]:
    """Hits of a free phrase in the stored texts of the filtered documents (FTS5 prefilter + the phrase rule).

    The phrase is matched like a lexicon phrase pattern (case-insensitive, hyphen/space/line-break tolerant);
    returns rows shaped like :func:`discourse.store.matches.kwic_rows` (no negation or target).
    """
    words = [w for w in re.findall(r"\w+", phrase) if w]
    if not words:
        raise LexiconError("D311", f"the phrase {phrase!r} has no word characters", hint="search for words, e.g. \"Non-Aligned Movement\"")
    pattern = Pattern("en", "phrase", phrase.strip())
    rx = re.compile(_pattern_regex(pattern))
    store = corpus.store
    from .store.phrases import phrase_documents, prepare_index

    use_index = prepare_index(store)
    out = []
    with store.read() as conn:
        docs = phrase_documents(conn, phrase, where, params, use_index=use_index)  # same folding as the rule
        meta = _docs.dates_of(conn, [d[0] for d in docs]) if docs else {}
    for doc_id, lang, text, page_csv in docs:
        view, vpos, removed = _view(text)
        folded = fold(view)
        pages = [int(x) for x in page_csv.split(",")] if page_csv else [0]
        pos = 0
        while True:
            m = rx.search(folded, pos)
            if m is None:
                break
            pos = m.start() + 1
            if m.start() > 0 and _W.match(folded, m.start() - 1):
                continue
            s, e = _to_orig(m.start(), vpos, removed), _to_orig(m.end(), vpos, removed, end=True)
            date, year, country = meta[doc_id]
            out.append((doc_id, date, year, country, _docs.page_of(pages, s), text[max(0, s - CONTEXT_CHARS):s],
                        text[s:e], text[e:e + CONTEXT_CHARS], 0, None, None, None, None, s))
            pos = m.end()
    out.sort(key=lambda r: (r[2] if r[2] is not None else -1, r[1] or "", r[3] or "", r[0], r[13]))
    return out


KWIC_COLUMNS = ["doc_id", "date", "year", "country", "page", "term", "entry_id", "left", "hit", "right", "negated",
                "negation_cue", "stance", "stance_cue", "stance_rule", "target", "target_group", "target_inferred", "start"]


def kwic(corpus, terms: Sequence[str] | str, lexicon: Lexicon | None = None, *, window: int = 8,
         negated: str | None = None, limit: int | None = None, progress=None, workers: int = 2,
         phrases: bool = False, stance: Sequence[str] | str | None = None, **doc_filters) -> pd.DataFrame:
    """Keyword in context for lexicon entries (id, label or category) or free phrases.

    Parameters
    ----------
    terms:
        Entry ids, labels, categories, or any other phrase (searched in the stored text).
    window:
        Words of context on each side (at most 20).
    negated:
        ``"only"`` or ``"exclude"`` negated hits; None keeps all.
    limit:
        At most this many rows (after ordering by year, date, country, document, offset).
    phrases:
        Treat every term as a free phrase, even one that names a lexicon entry (see :func:`search`).
    stance:
        Only hits of these stances (stance-v1: support, reject, doubt, question, reported, mention); free
        phrases have no stance and are left out when a stance is asked for.
    doc_filters:
        doc_type, country, year_from, year_to, ... as in :func:`discourse.store.documents.document_filter_sql`.

    >>> from discourse import Corpus
    >>> kwic(Corpus.open(":memory:"), "Non-Aligned Movement").columns.tolist()[:6]
    ['doc_id', 'date', 'year', 'country', 'page', 'term']
    """
    if isinstance(terms, str):
        terms = [terms]
    if negated not in (None, "only", "exclude"):
        raise LexiconError("D312", f"negated must be 'only', 'exclude' or None, not {negated!r}",
                           hint="pass negated='only' or negated='exclude', or leave it out")
    window = max(0, min(int(window), 20))
    stances = [stance] if isinstance(stance, str) else list(stance) if stance else None
    bad = sorted(set(stances or []) - set(_stance.STANCES))
    if bad:
        raise LexiconError("D322", f"unknown stance(s) {', '.join(map(repr, bad))}",
                           hint=f"a stance is one of {', '.join(_stance.STANCES)}")
    lexicon = lexicon or load_lexicon()
    where, params = _docs.document_filter_sql(**doc_filters)
    resolved = [(t, None) for t in terms] if phrases else resolve_terms(lexicon, terms)
    needed = [e for _, es in resolved if es for e in es]
    if needed:
        ensure_matched(corpus, lexicon, needed, progress, workers, doc_filters)
    rows: list[tuple] = []
    for term, entries in resolved:
        with corpus.store.read() as conn:
            if entries:
                found = _sql.kwic_rows(conn, [e.hash for e in entries], where, params, negated=negated, limit=limit,
                                       stances=stances)
            else:
                found = []
        if not entries:
            found = phrase_hits(corpus, term, where, params)
            if negated == "only" or stances:
                found = []
        rows.extend((term, tuple(r) + (None,) * (18 - len(r))) for r in found)  # free phrases have no stance
    import pandas as pd  # deferred: heavy; matching and the timeline query path do without it

    if rows:
        cols = list(zip(*(r for _, r in rows)))
        frame = pd.DataFrame({
            "doc_id": cols[0], "date": cols[1], "year": cols[2], "country": cols[3], "page": cols[4],
            "term": [t for t, _ in rows], "entry_id": cols[12],
            "left": [" ".join(_whole_words(x, "left")[-window:]) if window else "" for x in cols[5]],
            "hit": [" ".join(x.split()) for x in cols[6]],
            "right": [" ".join(_whole_words(x, "right")[:window]) if window else "" for x in cols[7]],
            "negated": [bool(x) for x in cols[8]], "negation_cue": cols[9], "stance": cols[14], "stance_cue": cols[15],
            "stance_rule": cols[16], "target": cols[10], "target_group": cols[11],
            "target_inferred": [None if x is None else bool(x) for x in cols[17]], "start": cols[13],
        }, columns=KWIC_COLUMNS)
    else:
        frame = pd.DataFrame({c: [] for c in KWIC_COLUMNS}, columns=KWIC_COLUMNS)
    if len(resolved) > 1 and not frame.empty:
        frame = frame.sort_values(["year", "date", "country", "doc_id", "start"], kind="stable", na_position="first")
    if limit:
        frame = frame.head(int(limit))
    frame["year"] = frame["year"].astype("Int64")
    return frame.reset_index(drop=True)


def _whole_words(context: str, side: str) -> list[str]:
    """Words of a stored context, without the word cut by the context's outer edge."""
    words = context.split()
    if len(context) >= CONTEXT_CHARS and words:
        if side == "left" and not context[0].isspace():
            words = words[1:]
        elif side == "right" and not context[-1].isspace():
            words = words[:-1]
    return words


def search(corpus, phrases: Sequence[str] | str, *, window: int = 8, limit: int | None = None,
           **doc_filters) -> pd.DataFrame:
    """Keyword in context for free phrases searched in the stored text (never the lexicon's cache).

    A phrase matches like a lexicon phrase pattern: case-insensitive, whole words, any hyphen, space or line
    break between its words; an SQLite FTS5 index (built on first use) narrows the documents to read.
    Columns as :func:`kwic` (no negation or target).
    """
    return kwic(corpus, phrases, window=window, limit=limit, phrases=True, **doc_filters)


def ensure_matched(corpus, lexicon: Lexicon, entries: Sequence[Entry], progress, workers: int,
                   doc_filters: dict) -> None:
    """Match the needed entries in the documents in scope if the cache misses any (progress bar if long)."""
    if getattr(corpus.store, "readonly", False):  # a read-only store answers from the cache as it is
        return
    where, params = _docs.document_filter_sql(**doc_filters)
    with corpus.store.read() as conn:
        pending = _sql.pending_documents(conn, [e.hash for e in entries], where, params)
    if not pending:
        return
    match_corpus(corpus, lexicon, workers=workers, progress=progress, **doc_filters)
