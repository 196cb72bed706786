"""The matcher of one text: compiled entries and actors for a language, hits with negation, stance and target."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from .lexicon import Actor, Entry, Lexicon, fold, load_lexicon
from .nlp import Pipeline, get_pipeline
from . import stance as _stance
from .regex_guard import end_document, start_document
from .match_patterns import _Compiled, _longest, _sentences, _to_orig, _view
from .match_negation import _negation, clause_stretch, cue_special_cases, negation_hint


CONTEXT_CHARS = 160  # characters of context stored on each side of a hit (KWIC needs no text reads)
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
        self._hint = False  # negation_hint of this language and pipeline, built on first use
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
        try:
            return self._match(text, cache, new_tokens, doc_id)
        finally:
            end_document()

    def _match(self, text: str, cache, new_tokens: list | None, doc_id: str) -> list[Hit]:
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
        scanned: dict[tuple[int, int], list] = {}  # actors of a span, scanned once (hit sentences and the ones before)
        for si, group in sorted(by_sent.items()):
            s0 = starts[si]
            s1 = starts[si + 1] if si + 1 < len(starts) else len(view)
            s1 = max(s1, max(c[1] for c in group))
            sent_text = view[s0:s1]
            o0, o1 = _to_orig(s0, vpos, removed), _to_orig(s1, vpos, removed, end=True)
            toks = None
            if self._needs_tokens(sent_text, group, cache, o0, o1, s0):
                toks = self._tokens(sent_text, o0, o1, cache, new_tokens, doc_id)
                words, tok_starts, tok_ends = toks.words, toks.starts, toks.ends
                group = self._confirm_lemmas(group, toks, s0)
            group = _stance.one_mention(_longest(group), view)
            actors = None
            for s, e, oi, p in group:
                entry = self.entries[oi]
                cue = None  # without tokens: the sentence holds no negation cue (see _needs_tokens)
                if toks is not None:
                    lo = bisect.bisect_right(tok_ends, s - s0)
                    hi = max(lo + 1, bisect.bisect_left(tok_starts, e - s0))
                    cue = _negation(self.lang, words, lo, hi, tok_starts, tok_ends)
                if actors is None:
                    actors = self._actors(folded, view, s0, s1, scanned)
                target, tgroup = self._target(actors, s, e)
                inferred = False
                if target is None:  # target-v2: the actor of the nearest of the two sentences before
                    target, tgroup = self._target_before(folded, view, starts, si, scanned)
                    inferred = target is not None
                st = _stance.decide(self.lang, sent_text, s - s0, e - s0, negation_cue=cue,
                                    organization=entry.kind == "organization", cues=self.cues)
                so, eo = _to_orig(s, vpos, removed), _to_orig(e, vpos, removed, end=True)
                out.append(Hit(entry.id, entry.hash, so, eo, o0, o1, text[so:eo], cue is not None, cue, target, tgroup,
                               st.stance, st.cue, st.rule, inferred))
                sent_of.append(si)
        _stance.link_pronouns(self.lang, out, sent_of, view, starts, self.cues)
        return out

    def _actors(self, folded: str, view: str, a: int, b: int, scanned: dict | None = None) -> list:
        """The actors found in view[a:b] (overlaps resolved), remembered in ``scanned`` for the document."""
        got = scanned.get((a, b)) if scanned is not None else None
        if got is None:
            got = _longest(self.actor_scan.find(folded, view, a, b))
            if scanned is not None:
                scanned[(a, b)] = got
        return got

    def _target_before(self, folded: str, view: str, starts: list[int], si: int,
                       scanned: dict | None = None) -> tuple[str | None, str | None]:
        """The last actor of the nearest of the two sentences before sentence ``si`` in its paragraph (target-v2)."""
        for k in (si - 1, si - 2):
            if k < 0 or _stance.paragraph_break(view, starts[k], starts[si]):
                break
            k1 = starts[k + 1] if k + 1 < len(starts) else len(view)
            actors = self._actors(folded, view, starts[k], k1, scanned)
            if actors:
                actor = self.actors[max(actors, key=lambda a: (a[1], a[0]))[2]]
                return actor.id, actor.group
        return None, None

    def _needs_tokens(self, sent_text: str, group, cache, o0: int, o1: int, s0: int = 0) -> bool:
        """Whether a candidate sentence needs its tokens: when a lemma pattern must be confirmed on them, when
        they are cached already (rebuilding them costs no tokenizer), or when the clause of one of its hits may
        hold a negation cue (:func:`~discourse.match_negation.negation_hint` on a stretch of text that holds the
        clause, :func:`~discourse.match_negation.clause_stretch`: a test that never misses a cue the tokenizer
        would give). Most hit clauses hold no negation cue, so spaCy never runs on them (issue 17); their hits are
        the same either way. ``group``: the candidates (view offsets; the sentence starts at ``s0``)."""
        if self._hint is False:
            self._hint = negation_hint(self.lang, cue_special_cases(self.lang, self.pipeline.nlp.tokenizer))
        if self._hint is None or any(p.mode == "lemma" for _, _, _, p in group):
            return True
        cached = cache.get(o0) if cache is not None else None
        if cached is not None and cached[0] == o1:
            return True
        if not self._hint(sent_text):
            return False
        for s, e, _, _ in group:
            a, b = clause_stretch(self.lang, sent_text, s - s0, e - s0)
            if self._hint(sent_text[a:b]):
                return True
        return False

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
