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

>>> backtracking_risk(r"(?:\\w+\\s?)*end")
'nested quantifiers: a group repeated without limit holds a quantifier repeated from 1 without limit'
>>> backtracking_risk(r"avro\\w*\\s+(?:\\w+\\s+){0,2}inteqrasiya") is None
True
"""

from __future__ import annotations

import os
import re
import re._constants as _c  # the standard library's own regex parser (sre_parse), for the static check
import re._parser as _parser
import threading
import time

import regex

from .errors import LexiconError

__all__ = ["backtracking_risk", "GuardedRegex", "start_document", "limit_seconds", "DEFAULT_SECONDS", "ENV"]

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
