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
    folded = fold(text)
    words, starts, ends = [], [], []
    for m in _TOKEN.finditer(folded):
        words.append(m.group())
        starts.append(m.start())
        ends.append(m.end())
    return words, starts, ends


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


class _Heads:
    """Where each cue's first token occurs in a sentence's words (built once per hit, shared by every cue kind).

    A cue can only match where its first token does, so :func:`_find` tries those positions alone instead of
    every word of the scope (the same first match, in the same order: a profile of the first pass showed the
    word-by-word scan of every cue as the largest cost of matching).
    """

    __slots__ = ("words", "exact", "prefixes", "suffixes")

    def __init__(self, words: Sequence[str]):
        self.words = words
        self.exact: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            self.exact.setdefault(w, []).append(i)
        self.prefixes: dict[str, list[int]] | None = None
        self.suffixes: dict[str, list[int]] | None = None

    def _affixes(self) -> None:
        """Every prefix and suffix of every word with its positions (the lookups of "x*" and "*x" heads)."""
        self.prefixes, self.suffixes = {}, {}
        for i, w in enumerate(self.words):
            for k in range(len(w) + 1):
                self.prefixes.setdefault(w[:k], []).append(i)
            for k in range(2, len(w)):  # "*x" wants at least two letters before x (see _tok_eq)
                self.suffixes.setdefault(w[k:], []).append(i)

    def positions(self, tokens: Sequence[str], a: int, b: int):
        """Word indices in [a, b) where ``tokens`` may start, ascending."""
        if not tokens or tokens[0] == "...":
            return range(a, b)
        head = tokens[0]
        if head.startswith("*") and len(head) > 1:
            if self.suffixes is None:
                self._affixes()
            found = self.suffixes.get(head[1:], ())
        elif head.endswith("*"):
            if self.prefixes is None:
                self._affixes()
            found = self.prefixes.get(head[:-1], ())
        else:
            found = self.exact.get(head, ())
        return [i for i in found if a <= i < b]


def _find(cues: Sequence[Cue], words, starts, ends, lo: int, hi: int, breaks: frozenset,
          exclude: tuple[int, int] | None = None, around: bool = False,
          heads: _Heads | None = None) -> tuple[Cue, int, int] | None:
    """The first cue found (in list order) in its scope on its side of words[lo:hi], with its token span.

    ``around``: the cue may also span the hit ("альтернативы [hit] нет"); it then counts as on any side.
    ``heads``: the positions of the words (built here if not given).
    """
    heads = heads or _Heads(words)
    scopes: dict[str, tuple[int, int]] = {}
    for cue in cues:
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
