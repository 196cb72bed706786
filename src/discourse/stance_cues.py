"""The stance cue lists: their model (Stance, Cue, CueSet), reading, validation and loading of the cue file."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import LexiconError
from .lexicon_io import LANGUAGES, Problem, _Located, compose_yaml, fold
from .resources import shipped


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
_TOKEN = re.compile(r"\w+(?:'\w+)?|[^\w\s]")


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
