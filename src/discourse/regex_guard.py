"""Guarded lexicon regexes: a check for catastrophic backtracking, and a time limit per document.

A lexicon's ``regex`` patterns are written by users. A pattern that nests a variable quantifier inside an
unbounded one (``(\\w+\\s?)*``, ``(?:a+)+``) can take minutes on an unlucky text, because the engine tries
every way of splitting the same characters between the two quantifiers. Two guards:

* :func:`backtracking_risk` finds such nesting statically; ``discourse lexicon check`` (and loading a lexicon)
  reports it as a problem with its line.
* :class:`GuardedRegex` runs a pattern with the ``regex`` module's ``timeout=``, within a time budget per
  document (:func:`start_document`, :func:`limit_seconds`; ``$DISCOURSE_REGEX_TIMEOUT`` seconds, default 5). A
  pattern that exceeds it raises :class:`~discourse.errors.LexiconError` D315 naming the entry, the pattern and
  the document instead of hanging.

A pattern matched at given positions that :func:`linear_time` proves cannot backtrack more than a constant
number of times per character needs no limit inside a call: :func:`guarded` compiles it with the standard
library's ``re`` (the engine of every other pattern of the matcher) as a :class:`LinearRegex`, which checks the
document's budget between calls only and is much faster per call. The time limit costs two process-clock system calls per
call, and the ``regex`` module searches the rest of the text for a literal that a match needs (``nato`` in the
NATO accession pattern) before each anchored match: O(text) per call; issue 17.

>>> backtracking_risk(r"(?:\\w+\\s?)*end")
'nested quantifiers: a group repeated without limit holds a quantifier repeated from 1 without limit'
>>> backtracking_risk(r"avro\\w*\\s+(?:\\w+\\s+){0,2}inteqrasiya") is None
True
"""

from __future__ import annotations

import functools
import os
import re
import re._compiler as _compiler
import re._constants as _c  # the standard library's own regex parser (sre_parse), for the static checks
import re._parser as _parser
import threading
import time
import warnings

import regex

from .errors import LexiconError

__all__ = ["backtracking_risk", "linear_time", "guarded", "GuardedRegex", "LinearRegex", "start_document",
           "end_document", "limit_seconds", "DEFAULT_SECONDS", "ENV"]

#: Default time budget of all lexicon regexes on one document, in seconds.
DEFAULT_SECONDS = 5.0
#: Environment variable that sets the budget (seconds, a positive number).
ENV = "DISCOURSE_REGEX_TIMEOUT"
# An outer quantifier that may repeat more often than this counts as unbounded (polynomial blow-up).
_MANY = 5
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT)


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` may backtrack catastrophically (a variable quantifier nested in a quantified group that
    may repeat more than a few times), or ``None``. Possessive quantifiers and atomic groups are safe."""
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None  # an invalid pattern is reported as such by the lexicon check
    return _nested(list(parsed), outer=None)


def _bound(hi: int) -> str:
    return "without limit" if hi == _c.MAXREPEAT else f"up to {hi} times"


def _nested(items, outer: str | None) -> str | None:
    """Walk the parsed pattern; ``outer`` describes the enclosing many-times quantifier, if any."""
    for op, av in items:
        if op in _REPEATS:
            lo, hi, sub = av
            if outer is not None and hi != lo and hi > 1:  # a variable run inside a many-times group
                return (f"nested quantifiers: a group repeated {outer} holds a quantifier repeated "
                        f"{'from ' + str(lo) + ' ' if lo else ''}{_bound(hi)}")
            many = hi == _c.MAXREPEAT or hi > _MANY
            found = _nested(list(sub), outer or (_bound(hi) if many else None))
        elif op is _c.SUBPATTERN:
            found = _nested(list(av[-1]), outer)
        elif op is _c.BRANCH:
            found = next((f for f in (_nested(list(b), outer) for b in av[1]) if f), None)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _nested(list(av[1]), outer)
        else:  # literals, classes; POSSESSIVE_REPEAT and ATOMIC_GROUP never backtrack into their body
            found = None
        if found:
            return found
    return None


# -- the time limit -----------------------------------------------------------------------------------------
_state = threading.local()


def limit_seconds() -> float:
    """The time budget per document: ``$DISCOURSE_REGEX_TIMEOUT`` seconds, else :data:`DEFAULT_SECONDS`."""
    raw = os.environ.get(ENV)
    if raw is None or not raw.strip():
        return DEFAULT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise LexiconError("D316", f"{ENV}={raw!r} is not a positive number of seconds",
                           hint=f"set {ENV} to the seconds lexicon regexes may take per document, e.g. 5")
    return value


def start_document(doc_id: str, seconds: float | None = None) -> None:
    """Start the time budget of one document (in this thread) for every :class:`GuardedRegex`."""
    _state.doc_id = doc_id
    _state.seconds = limit_seconds() if seconds is None else float(seconds)
    _state.deadline = time.monotonic() + _state.seconds


def end_document() -> None:
    """End the current document's time budget (in this thread): calls outside a document get the whole budget."""
    _state.deadline = None


class GuardedRegex:
    """A lexicon regex compiled with the ``regex`` module and run within the current document's time budget.

    ``owner`` names the lexicon entry or actor (``"entry euro_atlantic_integration"``) for the error.
    """

    __slots__ = ("rx", "owner", "pattern")

    def __init__(self, source: str, owner: str, pattern: str, flags: int = 0):
        self.rx = regex.compile(source, flags | regex.VERSION0)
        self.owner = owner
        self.pattern = pattern

    def _timeout(self) -> float:
        deadline = getattr(_state, "deadline", None)
        if deadline is None:  # outside a document's budget (a single call): the whole budget for this call
            return limit_seconds()
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._error()
        return left

    def _error(self) -> LexiconError:
        doc = getattr(_state, "doc_id", None)
        seconds = getattr(_state, "seconds", None) or limit_seconds()
        return LexiconError(
            "D315", f"{self.owner}: regex {self.pattern!r} ran over the time limit of {seconds:g} s"
                    + (f" on document {doc}" if doc else ""),
            hint="rewrite the pattern without nested quantifiers (`discourse lexicon check` names them), or raise "
                 f"the limit with {ENV}=SECONDS")

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        try:
            return self.rx.match(string, pos, endpos, timeout=self._timeout())
        except TimeoutError:
            raise self._error() from None

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        try:
            return self.rx.search(string, pos, endpos, timeout=self._timeout())
        except TimeoutError:
            raise self._error() from None

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        try:
            return self.rx.fullmatch(string, pos, endpos, timeout=self._timeout())
        except TimeoutError:
            raise self._error() from None


# -- patterns that need no time limit ------------------------------------------------------------------------
class _NotLinear(Exception):
    pass


_ONE_CHAR = (_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_SHORT = 64  # a lookahead matching at most this many characters costs O(1) wherever it is tried
# Ways of matching the same characters that backtracking may try in turn, at most: alternatives times rounds of
# bounded repeats ((?:a|a){5} followed by a failure tries 2**5 of them). Each is linear, the product is a constant.
_WAYS = 10_000


def linear_time(pattern: str) -> bool:
    """Whether a backtracking engine matches ``pattern`` at one position in time linear in the text.

    A sufficient condition, checked on the standard library's parse of the pattern: a group (anything longer
    than one character) is repeated at most five times; a variable repeat of one character (``\\w*``, ``\\s+``,
    ``s?``) can never be followed by a character it could itself have taken, nor by a long lookahead that could
    start with one (what follows fails at once where the repeat gives a character back, so each repeat backs
    off at most once per character it took); alternatives and bounded rounds multiply to at most ``_WAYS``
    ways of matching the same characters; no backreferences. Unknown constructs count as not linear.

    >>> linear_time(r"integrat\\w*\\s+(?:in)?to\\s+(?:the\\s+)?europe")
    True
    >>> linear_time(r"\\w*\\w*x"), linear_time(r"(?:a|ab)*c"), linear_time(r"(a)\\1")
    (False, False, False)
    """
    with warnings.catch_warnings(record=True) as caught:  # "possible nested set": [[:alpha:]] means another thing
        warnings.simplefilter("always")                   # to the regex module (a POSIX class): not re's to run
        try:
            parsed = _parser.parse(pattern)
        except (re.error, RecursionError, OverflowError):
            return False
    if caught:
        return False
    try:
        _check(list(parsed), parsed.state.flags, ([], True))
        return _ways(list(parsed)) <= _WAYS
    except (_NotLinear, RecursionError):
        return False


def guarded(source: str, owner: str, pattern: str, *, anchored: bool = True):
    """``source`` compiled for matching a lexicon pattern: a :class:`LinearRegex` when it is only matched at given
    positions (``anchored``) and :func:`linear_time` proves it cannot run away there, else a
    :class:`GuardedRegex` under the time limit. (A search tries every position: linear at each is quadratic over
    a long run of the same character, so searched patterns keep the limit.)"""
    if anchored and linear_time(source):
        try:
            return LinearRegex(source, owner, pattern)
        except (re.error, RecursionError, OverflowError):  # regex-module syntax: the guarded engine reads it
            pass
    return GuardedRegex(source, owner, pattern)


class LinearRegex:
    """A lexicon regex proved linear (:func:`linear_time`), run with the standard library's ``re``.

    One call takes time linear in the text; the document's time budget is checked before each call (a clock read
    in user space), so many calls on one document still stop at D315 like a :class:`GuardedRegex`.
    """

    __slots__ = ("rx", "owner", "pattern")

    def __init__(self, source: str, owner: str, pattern: str, flags: int = 0):
        self.rx = re.compile(source, flags)
        self.owner = owner
        self.pattern = pattern

    def _check(self) -> None:
        deadline = getattr(_state, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise GuardedRegex._error(self)

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        self._check()
        return self.rx.match(string, pos, len(string) if endpos is None else endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        self._check()
        return self.rx.fullmatch(string, pos, len(string) if endpos is None else endpos)


def _flags(flags: int, add: int, remove: int) -> int:
    return (flags | add) & ~remove


def _first(items: list, flags: int, follow: tuple) -> tuple:
    """(atoms, nullable): the one-character items (with their flags) that may be looked at first by ``items``
    followed by ``follow``, and whether all of it may match without a character."""
    atoms: list = []
    for item in items:
        got, nullable = _first_of(item, flags)
        atoms.extend(got)
        if not nullable:
            return atoms, False
    return atoms + follow[0], follow[1]


def _first_of(item, flags: int) -> tuple:
    op, av = item
    if op in _ONE_CHAR:
        return [(item, flags)], False
    if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
        atoms, nullable = _first(list(av[2]), flags, ([], True))
        return atoms, nullable or av[0] == 0
    if op is _c.SUBPATTERN:
        return _first(list(av[3]), _flags(flags, av[1], av[2]), ([], True))
    if op is _c.ATOMIC_GROUP:
        return _first(list(av), flags, ([], True))
    if op is _c.BRANCH:
        atoms, nullable = [], False
        for branch in av[1]:
            got, empty = _first(list(branch), flags, ([], True))
            atoms.extend(got)
            nullable = nullable or empty
        return atoms, nullable
    if op is _c.AT:
        return [], True
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        direction, body = av
        if direction < 0 or body.getwidth()[1] <= _SHORT:  # a lookbehind or a short lookahead: O(1) anywhere
            return [], True
        return _first(list(body), flags, ([], True))[0], True
    raise _NotLinear(op)


def _check(items: list, flags: int, follow: tuple) -> None:
    """Raise :class:`_NotLinear` unless every repeat in ``items`` (followed by ``follow``) is linear."""
    after = follow
    for item in reversed(items):
        _check_item(item, flags, after)
        atoms, nullable = _first_of(item, flags)
        after = (atoms + after[0], after[1]) if nullable else (atoms, False)


def _check_item(item, flags: int, after: tuple) -> None:
    op, av = item
    if op in _ONE_CHAR or op is _c.AT:
        return
    if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
        lo, hi, body = av
        body = list(body)
        atom = _one_char(body, flags)
        if atom is not None:
            if lo != hi and op is not _c.POSSESSIVE_REPEAT and not _disjoint(atom, after[0]):
                raise _NotLinear("a variable repeat may be followed by a character it takes")
            return
        if hi > _MANY:
            raise _NotLinear("a group repeated without a small limit")
        again = _first(body, flags, ([], True))[0] if hi > 1 else []  # another round may follow a round
        _check(body, flags, (again + after[0], after[1]))
        return
    if op is _c.SUBPATTERN:
        _check(list(av[3]), _flags(flags, av[1], av[2]), after)
        return
    if op is _c.ATOMIC_GROUP:
        _check(list(av), flags, after)
        return
    if op is _c.BRANCH:
        for branch in av[1]:
            _check(list(branch), flags, after)
        return
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        _check(list(av[1]), flags, ([], True))
        return
    raise _NotLinear(op)


def _one_char(body: list, flags: int) -> tuple | None:
    """(item, flags) when a repeat's body is one one-character item, in groups or not ((?:x)* is x*), else None."""
    while len(body) == 1 and body[0][0] is _c.SUBPATTERN:
        flags = _flags(flags, body[0][1][1], body[0][1][2])
        body = list(body[0][1][3])
    return (body[0], flags) if len(body) == 1 and body[0][0] in _ONE_CHAR else None


def _ways(items: list) -> int:
    """An upper bound of the ways backtracking may match the same characters with ``items`` (see _WAYS)."""
    total = 1
    for op, av in items:
        if op in _REPEATS or op is _c.POSSESSIVE_REPEAT:
            body = list(av[2])
            if _one_char(body, 0) is None:  # one character: linear, counted in _check
                total *= (_ways(body) + 1) ** min(av[1], _MANY + 1)
        elif op is _c.SUBPATTERN:
            total *= _ways(list(av[3]))
        elif op is _c.ATOMIC_GROUP:
            total *= _ways(list(av))
        elif op is _c.BRANCH:
            total *= sum(_ways(list(branch)) for branch in av[1])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            total *= _ways(list(av[1]))
        if total > _WAYS:
            return total
    return total


def _disjoint(atom: tuple, others: list) -> bool:
    """Whether no character matched by the one-character ``atom`` is matched by any of ``others``."""
    if any(code > 0x1FFFF for other in others for code in _codes(other[0])):
        return False  # a character beyond the planes searched: assume it may be taken
    taken = _characters(_atom_key(atom))
    return not any(_atom_regex(_atom_key(other)).search(taken) for other in others)


def _atom_key(atom: tuple) -> tuple:
    item, flags = atom
    return repr(item), item, flags  # with UNICODE: a str pattern's classes and case-folding are Unicode's


_ATOMS: dict = {}


def _atom_regex(key: tuple) -> re.Pattern:
    """The one-character item compiled on its own with its flags."""
    got = _ATOMS.get(key[0], {}).get(key[2])
    if got is None:
        state = _parser.State()
        got = _compiler.compile(_parser.SubPattern(state, [key[1]]), key[2])
        _ATOMS.setdefault(key[0], {})[key[2]] = got
    return got


@functools.lru_cache(maxsize=1)
def _planes() -> str:
    """Every character of the two first Unicode planes but surrogates (where all of re's classes and case
    pairs of letters used in patterns have members)."""
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x20000)))


_CHARACTERS: dict = {}


def _characters(key: tuple) -> str:
    """The characters of :func:`_planes` that the one-character item matches (the whole range, conservatively,
    for an item that names a character beyond them)."""
    got = _CHARACTERS.get((key[0], key[2]))
    if got is None:
        if any(code > 0x1FFFF for code in _codes(key[1])):
            got = _planes()
        else:
            got = "".join(_atom_regex(key).findall(_planes()))
        _CHARACTERS[(key[0], key[2])] = got
    return got


def _codes(item) -> list[int]:
    op, av = item
    if op in (_c.LITERAL, _c.NOT_LITERAL):
        return [av]
    if op is _c.IN:
        out = []
        for sub_op, sub_av in av:
            if sub_op is _c.LITERAL:
                out.append(sub_av)
            elif sub_op is _c.RANGE:
                out.extend(sub_av)
        return out
    return []
