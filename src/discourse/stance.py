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

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .errors import LexiconError
from .lexicon_io import LANGUAGES, Problem, _Located, compose_yaml, fold
from .resources import shipped

__all__ = ["STANCE_RULE", "STANCES", "DEFAULT_CUES", "Stance", "Cue", "CueSet", "load_cues", "check_cues",
           "tokenize", "decide", "pronoun_link"]

STANCE_RULE = "stance-v1"
STANCES = ("support", "reject", "doubt", "question", "reported", "mention")
DEFAULT_CUES = shipped("models/lexicons/stance_cues.yaml")

KINDS = ("reject", "negation", "not_reject", "doubt", "not_doubt", "reported", "mention", "engage", "link_verbs", "link_pronouns")
SIDES = ("before", "after", "any")
SCOPES = ("clause", "segment", "sentence")
# Defaults of each list (a list may override them with side/scope/window keys, a cue with its own).
_DEFAULTS = {
    "reject": ("any", "clause", None), "negation": ("any", "clause", None), "not_reject": ("any", "clause", None), "doubt": ("before", "segment", 8),
    "not_doubt": ("any", "segment", None), "mention": ("any", "clause", 3),
    "reported": ("before", "segment", 14), "engage": ("any", "clause", None),
    "link_verbs": ("any", "sentence", None), "link_pronouns": ("any", "sentence", None),
}
_PUNCT_BREAK = {",", ";", ":", "(", ")", "—", "–", "-", "«", "»", "\"", "“", "”"}
_SEGMENT_BREAK = {";", ":"}
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")
_GAP = 3  # tokens a "..." may stand for
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


@dataclass(frozen=True)
class Stance:
    """The stance of a hit, the cue (as found in the text, folded) and the rule that decided."""

    stance: str
    cue: str | None
    rule: str


@dataclass(frozen=True)
class Cue:
    """One cue: folded tokens (a trailing * makes a token a prefix, ``...`` is a gap), side, scope, window."""

    tokens: tuple[str, ...]
    side: str
    scope: str
    window: int | None
    text: str


@dataclass(frozen=True)
class CueSet:
    """The validated cue lists: {language: {kind: [Cue]}} and {language: clause-break words}."""

    path: str
    cues: dict
    clause_breaks: dict
    hash: str

    def of(self, lang: str, kind: str) -> list[Cue]:
        return self.cues.get(lang, {}).get(kind, [])


# -- loading and validation -----------------------------------------------------------------------------------
def _read(path: Path):
    import yaml

    loc = _Located(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError("D320", f"stance cue file {path} does not exist",
                           hint="give the path of a stance cue YAML, e.g. models/lexicons/stance_cues.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError("D320", f"cannot read the stance cue file {path}: {exc}",
                           hint="save the stance cue file as UTF-8 text") from None
    try:
        node = compose_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc.problems.append(Problem(str(path), mark.line + 1 if mark else 1, f"YAML syntax error: {getattr(exc, 'problem', exc)}"))
        return None, loc
    if node is None:
        loc.problems.append(Problem(str(path), 1, "the file is empty"))
        return None, loc
    return loc.convert(node), loc


def _cue(item, where: tuple, loc: _Located, defaults: tuple, name: str) -> Cue | None:
    side, scope, window = defaults
    if isinstance(item, dict):
        unknown = sorted(set(item) - {"cue", "side", "scope", "window"})
        if unknown:
            loc.problems.append(Problem(loc.path, loc.line(where), f"{name}: unknown key(s) {', '.join(unknown)}; valid: cue, side, scope, window"))
            return None
        text = item.get("cue")
        side = item.get("side", side)
        scope = item.get("scope", scope)
        window = item.get("window", window)
    else:
        text = item
    if not isinstance(text, str) or not text.strip():
        loc.problems.append(Problem(loc.path, loc.line(where), f"{name}: a cue must be a non-empty string, got {text!r}"))
        return None
    if side not in SIDES:
        loc.problems.append(Problem(loc.path, loc.line(where + ("side",)), f"{name}: side must be one of {', '.join(SIDES)}, got {side!r}"))
        return None
    if scope not in SCOPES:
        loc.problems.append(Problem(loc.path, loc.line(where + ("scope",)), f"{name}: scope must be one of {', '.join(SCOPES)}, got {scope!r}"))
        return None
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
        loc.problems.append(Problem(loc.path, loc.line(where + ("window",)), f"{name}: window must be a positive whole number, got {window!r}"))
        return None
    tokens = _cue_tokens(text)
    if not tokens or tokens[0] == "..." or tokens[-1] == "...":
        loc.problems.append(Problem(loc.path, loc.line(where), f"{name}: cue {text!r} must start and end with a word"))
        return None
    return Cue(tokens, side, scope, window, text.strip())


def _cue_tokens(text: str) -> tuple[str, ...]:
    """Folded tokens of a cue: words (a trailing * kept), '...' gaps, punctuation."""
    out = []
    for part in fold(text).split():
        if part == "...":
            out.append("...")
            continue
        star = part.endswith("*") and len(part) > 1
        lead = part.startswith("*") and len(part) > 1
        body = part[1 if lead else 0:-1 if star else None]
        toks = _TOKEN.findall(body)
        if star and toks:
            toks[-1] += "*"
        if lead and toks:
            toks[0] = "*" + toks[0]
        out.extend(toks)
    return tuple(out)


def _validate(data, loc: _Located) -> tuple[dict, dict]:
    cues: dict = {}
    breaks: dict = {}
    if not isinstance(data, dict):
        loc.problems.append(Problem(loc.path, 1, "a stance cue file must be a mapping with `languages`"))
        return cues, breaks
    unknown = sorted(set(data) - {"version", "languages"})
    if unknown:
        loc.problems.append(Problem(loc.path, loc.line((unknown[0], "__key__")), f"unknown top-level key(s) {', '.join(unknown)}; valid: version, languages"))
    langs = data.get("languages")
    if not isinstance(langs, dict) or not langs:
        loc.problems.append(Problem(loc.path, loc.line(("languages",)), "`languages` must map language codes (en, az, ru) to cue lists"))
        return cues, breaks
    for lang, kinds in langs.items():
        w = ("languages", lang)
        if lang not in LANGUAGES:
            loc.problems.append(Problem(loc.path, loc.line(w + ("__key__",)), f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}"))
            continue
        if not isinstance(kinds, dict):
            loc.problems.append(Problem(loc.path, loc.line(w), f"languages.{lang} must be a mapping of cue kinds"))
            continue
        cues[lang] = {}
        for kind, value in kinds.items():
            wk = w + (kind,)
            name = f"languages.{lang}.{kind}"
            if kind == "clause_breaks":
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    loc.problems.append(Problem(loc.path, loc.line(wk), f"{name} must be a list of words"))
                    continue
                breaks[lang] = frozenset(fold(v.strip()) for v in value)
                continue
            if kind not in KINDS:
                loc.problems.append(Problem(loc.path, loc.line(wk + ("__key__",)), f"{name}: unknown cue kind {kind!r}; valid: clause_breaks, {', '.join(KINDS)}"))
                continue
            defaults = _DEFAULTS[kind]
            items = value
            if isinstance(value, dict):
                extra = sorted(set(value) - {"side", "scope", "window", "cues"})
                if extra:
                    loc.problems.append(Problem(loc.path, loc.line(wk), f"{name}: unknown key(s) {', '.join(extra)}; valid: side, scope, window, cues"))
                    continue
                head = _cue({"cue": "x", **{k: value[k] for k in ("side", "scope", "window") if k in value}}, wk, loc, defaults, name)
                if head is None:
                    continue
                defaults = (head.side, head.scope, head.window)
                items = value.get("cues")
                wk = wk + ("cues",)
            if not isinstance(items, list) or not items:
                loc.problems.append(Problem(loc.path, loc.line(wk), f"{name}: cues must be a non-empty list"))
                continue
            got = []
            for i, item in enumerate(items):
                cue = _cue(item, wk + (i,), loc, defaults, f"{name}[{i + 1}]")
                if cue is not None:
                    got.append(cue)
            cues[lang][kind] = got
    return cues, breaks


def check_cues(path: str | Path | None = None) -> list[Problem]:
    """Every problem of a stance cue file, each with its line; an empty list means valid.

    >>> check_cues()
    []
    """
    path = Path(path) if path else DEFAULT_CUES
    data, loc = _read(path)
    if data is not None:
        _validate(data, loc)
    return sorted(loc.problems, key=lambda p: p.line)


@lru_cache(maxsize=8)
def _load(path: str) -> CueSet:
    data, loc = _read(Path(path))
    cues, breaks = _validate(data, loc) if data is not None else ({}, {})
    problems = sorted(loc.problems, key=lambda p: p.line)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        raise LexiconError("D321", f"{problems[0]}: stance cue file is invalid ({len(problems)} problem(s)):\n{shown}",
                           hint="see docs/stance.md for the layout of the stance cue file")
    digest = hashlib.sha256(json.dumps(
        {lang: {k: [(c.tokens, c.side, c.scope, c.window) for c in v] for k, v in kinds.items()} for lang, kinds in cues.items()}
        | {"breaks": {k: sorted(v) for k, v in breaks.items()}}, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return CueSet(str(path), cues, breaks, digest)


def load_cues(path: str | Path | None = None) -> CueSet:
    """Load and validate the stance cues (cached per path); LexiconError D320 (unreadable) or D321 (invalid)."""
    return _load(str(Path(path).resolve() if path else DEFAULT_CUES))


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


# -- the decision -----------------------------------------------------------------------------------------------
def decide(lang: str, sentence: str, start: int, end: int, *, negation_cue: str | None = None,
           organization: bool = False, cues: CueSet | None = None) -> Stance:
    """Stance of the hit at ``sentence[start:end]`` (offsets relative to the sentence).

    ``negation_cue``: the negation-v2 cue the matcher found in the hit's clause (None if none);
    ``organization``: the entry names a body (its ``kind`` is ``organization``), so it can be a ``mention``.
    """
    cues = cues or load_cues()
    words, starts, ends = tokenize(sentence)
    if not words:
        return Stance("support", None, "default")
    lo = next((k for k, e in enumerate(ends) if e > start), len(words))
    hi = max(lo + 1, next((k for k, s in enumerate(starts) if s >= end), len(words)))
    breaks = cues.clause_breaks.get(lang, frozenset())
    heads = _Heads(words)

    def found(kind, exclude=None):
        got = _find(cues.of(lang, kind), words, starts, ends, lo, hi, breaks, exclude, around=kind.startswith("not_"),
                    heads=heads)
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
    words, starts, ends = tokenize(sentence)
    verbs, prons = cues.of(lang, "link_verbs"), cues.of(lang, "link_pronouns")
    if not verbs or not prons:
        return None
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
