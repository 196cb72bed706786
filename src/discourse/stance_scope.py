"""Tokens and scopes for stance cues: tokenizing a sentence, the clause/segment/sentence scope of a hit, cue search."""

from __future__ import annotations

from typing import Sequence

from .lexicon_io import fold
from .stance_cues import Cue, _TOKEN


_PUNCT_BREAK = {",", ";", ":", "(", ")", "—", "–", "-", "«", "»", "\"", "“", "”"}
_SEGMENT_BREAK = {";", ":"}
_GAP = 3  # tokens a "..." may stand for
# -- tokens and scopes ----------------------------------------------------------------------------------------
def tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    """Folded tokens of ``text`` with their start and end offsets (words, and punctuation one by one)."""
    found = list(_TOKEN.finditer(fold(text)))
    return [m.group() for m in found], [m.start() for m in found], [m.end() for m in found]


_SENTENCES: dict[str, tuple] = {}  # sentence -> (words, starts, ends, heads): the hits of one sentence share them
_SENTENCES_MAX = 256


def sentence_tokens(text: str, family: "_Family | None" = None) -> tuple[list[str], list[int], list[int], "_Heads"]:
    """:func:`tokenize` and the :class:`_Heads` of a sentence, remembered for the next hits of the same sentence
    (callers must not change the lists)."""
    key = (text, id(family))
    got = _SENTENCES.get(key)
    if got is None or got[3].family is not family:
        if len(_SENTENCES) >= _SENTENCES_MAX:
            _SENTENCES.clear()
        words, starts, ends = tokenize(text)
        got = _SENTENCES[key] = (words, starts, ends, _Heads(words, family))
    return got


def _is_break(words, starts, ends, i: int, breaks: frozenset) -> bool:
    w = words[i]
    if w == "-" and 0 < i < len(words) - 1 and ends[i - 1] == starts[i] and ends[i] == starts[i + 1]:
        return False  # a hyphen inside a word (NATO-led) breaks nothing
    return w in _PUNCT_BREAK or w in breaks


def _scope(words, starts, ends, lo: int, hi: int, scope: str, breaks: frozenset) -> tuple[int, int]:
    if scope == "sentence":
        return 0, len(words)
    if scope == "segment":
        a = lo
        while a > 0 and words[a - 1] not in _SEGMENT_BREAK:
            a -= 1
        b = hi
        while b < len(words) and words[b] not in _SEGMENT_BREAK:
            b += 1
        return a, b
    a = lo
    while a > 0 and not _is_break(words, starts, ends, a - 1, breaks):
        a -= 1
    b = hi
    while b < len(words) and not _is_break(words, starts, ends, b, breaks):
        b += 1
    return a, b


def _tok_eq(pattern: str, word: str) -> bool:
    """A cue token against a word: "x*" a prefix, "*x" a suffix (after at least two letters), else equal."""
    if pattern.startswith("*") and len(pattern) > 1:
        return len(word) >= len(pattern) + 1 and word.endswith(pattern[1:])
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    return word == pattern


def _match_at(tokens: Sequence[str], words: Sequence[str], i: int, limit: int) -> int | None:
    """End index of ``tokens`` matched at words[i:], or None (``...`` skips 0.._GAP words)."""
    if not tokens:
        return i
    head = tokens[0]
    if head == "...":
        for skip in range(_GAP + 1):
            if i + skip > limit:
                break
            got = _match_at(tokens[1:], words, i + skip, limit)
            if got is not None:
                return got
        return None
    if i >= limit or not _tok_eq(head, words[i]):
        return None
    return _match_at(tokens[1:], words, i + 1, limit)


class _CueIndex:
    """The cues of one list by their first token: exact words, prefixes ("x*"), suffixes ("*x"), and the cues that
    may start anywhere (a leading "..."), so a sentence tries only the cues whose first token it can hold."""

    __slots__ = ("exact", "prefix", "prefix_lens", "suffix", "suffix_lens", "always")

    def __init__(self, cues: Sequence[Cue]):
        self.exact: dict[str, list[int]] = {}
        self.prefix: dict[str, list[int]] = {}
        self.suffix: dict[str, list[int]] = {}
        self.always: list[int] = []
        for n, cue in enumerate(cues):
            head = cue.tokens[0] if cue.tokens else "..."
            if head == "...":
                self.always.append(n)
            elif head.startswith("*") and len(head) > 1:
                self.suffix.setdefault(head[1:], []).append(n)
            elif head.endswith("*"):
                self.prefix.setdefault(head[:-1], []).append(n)
            else:
                self.exact.setdefault(head, []).append(n)
        self.prefix_lens = sorted({len(k) for k in self.prefix})
        self.suffix_lens = sorted({len(k) for k in self.suffix})

    def of_word(self, w: str) -> list[int]:
        """The cues (indices) whose first token matches the word ``w`` (the "..." cues left out)."""
        found = list(self.exact.get(w, ()))
        for k in self.prefix_lens:
            if k > len(w):
                break
            found.extend(self.prefix.get(w[:k], ()))
        for k in self.suffix_lens:
            if k + 2 > len(w):  # "*x" wants at least two letters before x (see _tok_eq)
                break
            found.extend(self.suffix.get(w[-k:], ()))
        return found


class _Family:
    """The cue lists of one language (one per kind) with a memo: word -> (list slot, cue index) pairs whose first
    token the word matches. Words repeat, so a sentence's candidates cost about one dict lookup per word."""

    MEMO = 200_000  # words remembered per language (about 20 MB at most)

    def __init__(self, lists: Sequence[Sequence[Cue]]):
        self.lists = list(lists)  # kept alive: slots are found by id
        self.slots = {id(cues): n for n, cues in enumerate(self.lists)}
        self.indexes = [_CueIndex(cues) for cues in self.lists]
        self.words: dict[str, tuple[tuple[int, int], ...]] = {}

    def slot(self, cues: Sequence[Cue]) -> int | None:
        n = self.slots.get(id(cues))
        return n if n is not None and self.lists[n] is cues else None

    def of_word(self, w: str) -> tuple[tuple[int, int], ...]:
        got = self.words.get(w)
        if got is None:
            got = tuple((n, i) for n, index in enumerate(self.indexes) for i in index.of_word(w))
            if len(self.words) < self.MEMO:
                self.words[w] = got
        return got


_FAMILIES: dict[tuple[int, str], tuple[object, _Family]] = {}


def cue_family(cueset, lang: str, kinds: Sequence[str]) -> _Family:
    """The :class:`_Family` of ``cueset``'s lists of ``kinds`` in ``lang`` (built once per cue set and language)."""
    key = (id(cueset), lang)
    got = _FAMILIES.get(key)
    if got is None or got[0] is not cueset:
        if len(_FAMILIES) > 64:
            _FAMILIES.clear()
        got = _FAMILIES[key] = (cueset, _Family([cueset.of(lang, k) for k in kinds]))
    return got[1]


class _Heads:
    """Where each cue's first token occurs in a sentence's words (built once per hit, shared by every cue kind).

    A cue can only match where its first token does, so :func:`_find` tries only the cues whose first token the
    sentence holds (:meth:`candidates`), and each of them only at those positions, instead of every cue at every
    word of the scope (the same first match, in the same order: profiles of the first pass showed the cue search
    as the largest cost of matching).
    """

    __slots__ = ("words", "exact", "family", "_by_slot")

    def __init__(self, words: Sequence[str], family: _Family | None = None):
        self.words = words
        self.exact: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            self.exact.setdefault(w, []).append(i)
        self.family = family
        self._by_slot: dict[int, list[int]] | None = None

    def _family_candidates(self, slot: int) -> list[int]:
        if self._by_slot is None:
            found: dict[int, set[int]] = {}
            for w in self.exact:
                for n, i in self.family.of_word(w):
                    found.setdefault(n, set()).add(i)
            for n, index in enumerate(self.family.indexes):
                if index.always:
                    found.setdefault(n, set()).update(index.always)
            self._by_slot = {n: sorted(idx) for n, idx in found.items()}
        return self._by_slot.get(slot, [])

    def candidates(self, cues: Sequence[Cue]) -> Sequence[int]:
        """Indices (ascending) of the cues of ``cues`` that may start in the sentence: through the language's
        :class:`_Family` when ``cues`` is one of its lists, else every cue (each is then tried at its positions)."""
        slot = self.family.slot(cues) if self.family is not None and cues else None
        if slot is None:
            return range(len(cues))
        return self._family_candidates(slot)

    def positions(self, tokens: Sequence[str], a: int, b: int):
        """Word indices in [a, b) where ``tokens`` may start, ascending."""
        if not tokens or tokens[0] == "...":
            return range(a, b)
        head = tokens[0]
        if head.endswith("*") or head.startswith("*") and len(head) > 1:
            words = self.words
            return [i for i in range(a, min(b, len(words))) if _tok_eq(head, words[i])]
        return [i for i in self.exact.get(head, ()) if a <= i < b]


def _find(cues: Sequence[Cue], words, starts, ends, lo: int, hi: int, breaks: frozenset,
          exclude: tuple[int, int] | None = None, around: bool = False,
          heads: _Heads | None = None, scopes: dict | None = None) -> tuple[Cue, int, int] | None:
    """The first cue found (in list order) in its scope on its side of words[lo:hi], with its token span.

    ``around``: the cue may also span the hit ("альтернативы [hit] нет"); it then counts as on any side.
    ``heads``: the positions of the words (built here if not given). ``scopes``: scope name -> token span for
    these words, lo, hi and breaks, filled here (callers searching several cue lists for one hit share it).
    """
    heads = heads or _Heads(words)
    scopes = {} if scopes is None else scopes
    for n in heads.candidates(cues):
        cue = cues[n]
        scope = scopes.get(cue.scope)
        if scope is None:
            scope = scopes[cue.scope] = _scope(words, starts, ends, lo, hi, cue.scope, breaks)
        a, b = scope
        for i in heads.positions(cue.tokens, a, b):
            end = _match_at(cue.tokens, words, i, b)
            if end is None:
                continue
            if i < hi and end > lo:
                if around and i < lo and end > hi:
                    return cue, i, end
                continue  # overlaps the hit itself
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


def _span_text(text: str, starts, ends, i: int, j: int) -> str:
    """The cue as written (lower case, one space between tokens)."""
    return " ".join(text[starts[k]:ends[k]].lower().replace("i\u0307", "i") for k in range(i, j)).replace(" ' ", "'")
