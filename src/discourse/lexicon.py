"""Orientation lexicons and the actors gazetteer: load, validate (in one place), hash.

A lexicon is a YAML file (schema in ``docs/lexicon.md``) listing entries; each entry places a term on the
spectrum from balancing (-1, Western integration) through hedging (0, non-alignment, balanced policy) to
bandwagoning (+1, integration led by the target power). The actors gazetteer (``actors.yaml``) lists the
states and bodies a hit can be attributed to; the target power is a setting (``russia`` by default).

>>> lex = load_lexicon()
>>> lex.target
'russia'
>>> lex.entry("Non-Aligned Movement").id
'non_aligned_movement'

Every entry has its own hash (its content + the gazetteer + the target + the rule versions), so editing one
entry invalidates only that entry's cached matches; the lexicon hash covers the whole canonical content.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import LexiconError
from .lexicon_io import LANGUAGES, Problem, _Located, _read_yaml, fold  # re-exported: the lexicon's public names
from .nlp import has_lemma_table
from .regex_guard import backtracking_risk
from .resources import shipped

__all__ = [
    "Lexicon", "Entry", "Pattern", "Actor", "Problem", "load_lexicon", "check_lexicon", "fold",
    "DEFAULT_LEXICON", "DEFAULT_ACTORS", "DEFAULT_TARGET", "RULES", "LANGUAGES", "MODES",
]

DEFAULT_LEXICON = shipped("models/lexicons/orientation.yaml")  # inside the wheel, or the checkout's models/
DEFAULT_ACTORS = shipped("models/lexicons/actors.yaml")
DEFAULT_TARGET = "russia"

MODES = ("phrase", "lemma", "stem", "regex", "suffix")
SUFFIX_LANGS = ("az",)  # the suffix rule (morph.py) is Azerbaijani
ON_NEGATION = ("flip", "drop", "keep")
ENTRY_KINDS = ("term", "organization")
# What a hit of each stance means for scores (docs/scoring.md): ``on_reject`` is ``on_negation`` under a new name.
STANCE_RULES = ("on_question", "on_reported", "on_doubt", "on_mention")
STANCE_DEFAULTS = {"on_question": "drop", "on_reported": "drop", "on_doubt": "drop", "on_mention": "drop"}
ROLES = ("target", "target_led")  # computed from the target setting; blocs come from actors.yaml

# Versioned rule names (spaCy style): a change of behaviour gets a new name, and every entry hash includes them,
# so cached matches made under an older rule are never mistaken for current ones.
RULES = {
    "match": "match-v1",          # candidate scan: folding, hyphen/space/line-break tolerance, longest wins
    "sentences": "sentences-v1",  # sentence boundaries used for the clause and the target scope
    "negation": "negation-v2",    # cue lists per language, within the clause of the hit (v2: a joined hyphen is no break)
    "target": "target-v2",        # nearest gazetteer actor in the sentence, else in the two before (v2: inferred)
    "stance": "stance-v1",        # support/reject/doubt/question/reported/mention from the cues of stance_cues.yaml
    "lemma": "lookup-lemma-v1",   # spacy-lookups-data lookup tables, on the lower-cased form
    "lemma_ru": "pymorphy3-v1",   # Russian lemmas from pymorphy3 (morph.py)
    "suffix_az": "az-suffix-v1",  # the Azerbaijani suffix rule: harmony and buffer consonants (morph.py)
}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# -- data classes --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    """One pattern of an entry or actor: ``text`` in ``lang``, matched by ``mode``."""

    lang: str
    mode: str
    text: str
    case_sensitive: bool = False

    def as_dict(self) -> dict:
        d = {"lang": self.lang, "mode": self.mode, "text": self.text}
        if self.case_sensitive:
            d["case"] = "sensitive"
        return d


@dataclass(frozen=True)
class Entry:
    """A lexicon entry; ``target_positions`` maps a target group to the position a hit takes with it."""

    id: str
    label: str
    category: str
    position: float
    weight: float
    on_negation: str
    needs_target: bool
    target_positions: tuple[tuple[str, float], ...]
    patterns: tuple[Pattern, ...]
    rationale: str
    hash: str = ""
    line: int = 0
    kind: str = "term"
    on_question: str = "drop"
    on_reported: str = "drop"
    on_doubt: str = "drop"
    on_mention: str = "drop"

    @property
    def on_reject(self) -> str:
        """What a rejected hit means for scores (the same setting as ``on_negation``)."""
        return self.on_negation

    def position_for(self, target_group: str | None) -> float | None:
        """The position a hit takes given the target group found in its sentence (None: unattributed).

        >>> e = load_lexicon().entry("strategic_partnership")
        >>> e.position_for("target"), e.position_for("west"), e.position_for(None)
        (1.0, -1.0, None)
        """
        if not self.needs_target:
            return self.position
        return dict(self.target_positions).get(target_group) if target_group else None

    def content(self) -> dict:
        return {
            "id": self.id, "label": self.label, "category": self.category, "position": self.position,
            "weight": self.weight, "on_negation": self.on_negation, "needs_target": self.needs_target,
            "target_positions": dict(self.target_positions), "rationale": self.rationale,
            "patterns": [p.as_dict() for p in self.patterns], "kind": self.kind,
            **{k: getattr(self, k) for k in STANCE_RULES},
        }


@dataclass(frozen=True)
class Actor:
    """A gazetteer actor; ``group`` is its role for the lexicon's target (target, target_led, a bloc, other)."""

    id: str
    label: str
    kind: str
    led_by: str | None
    bloc: str | None
    patterns: tuple[Pattern, ...]
    group: str = "other"

    def content(self) -> dict:
        return {"id": self.id, "label": self.label, "kind": self.kind, "led_by": self.led_by, "bloc": self.bloc,
                "group": self.group, "patterns": [p.as_dict() for p in self.patterns]}


@dataclass
class Lexicon:
    """A validated lexicon bound to a target power and a gazetteer."""

    name: str
    path: str
    target: str
    entries: tuple[Entry, ...]
    actors: tuple[Actor, ...]
    hash: str
    rules: dict = field(default_factory=lambda: dict(RULES))
    actors_path: str = ""
    stance_cues: str = ""       # path of the stance cue file (stance_cues.yaml beside the lexicon, else the shipped one)
    stance_cues_hash: str = ""

    def __post_init__(self):
        self._by_key: dict[str, Entry] = {}
        for e in self.entries:
            self._by_key.setdefault(e.id, e)
        for e in self.entries:
            self._by_key.setdefault(fold(e.label), e)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def categories(self) -> list[str]:
        return sorted({e.category for e in self.entries})

    def entry(self, key: str) -> Entry:
        """The entry with this id or label (case-insensitive label); raises LexiconError D310 otherwise."""
        found = self._by_key.get(key) or self._by_key.get(fold(key.strip()))
        if found is None:
            raise LexiconError("D310", f"no lexicon entry with id or label {key!r} in {self.path}",
                               hint="list the entries with `discourse lexicon show`")
        return found

    def resolve(self, term: str) -> list[Entry] | None:
        """Entries a query term names: an entry id, an entry label, or a category; None if it names none."""
        hit = self._by_key.get(term) or self._by_key.get(fold(term.strip()))
        if hit is not None:
            return [hit]
        in_cat = [e for e in self.entries if e.category == term.strip()]
        return in_cat or None

    def content(self) -> dict:
        """Canonical content (what the lexicon hash covers)."""
        return {"name": self.name, "target": self.target, "rules": self.rules, "stance_cues": self.stance_cues_hash,
                "entries": [e.content() for e in self.entries], "actors": [a.content() for a in self.actors]}

    def to_frame(self):
        """The entries as a DataFrame (one row per entry), as `discourse lexicon show` prints them."""
        import pandas as pd  # deferred: heavy; `import discourse.cli` must stay light

        rows = []
        for e in self.entries:
            langs = sorted({p.lang for p in e.patterns}, key=LANGUAGES.index)
            rows.append({
                "id": e.id, "label": e.label, "category": e.category, "position": e.position, "weight": e.weight,
                "on_negation": e.on_negation, "kind": e.kind,
                **{k: getattr(e, k) for k in STANCE_RULES},
                "needs_target": ", ".join(f"{g}:{v:+g}" for g, v in e.target_positions) if e.needs_target else "",
                "languages": ",".join(langs), "patterns": len(e.patterns), "hash": e.hash, "rationale": e.rationale,
            })
        return pd.DataFrame(rows, columns=["id", "label", "category", "position", "weight", "on_negation", "kind",
                                           *STANCE_RULES, "needs_target", "languages", "patterns", "hash", "rationale"])


# -- validation (the one place) ------------------------------------------------------------------------------
def _lemma_languages() -> set[str]:
    return {lang for lang in LANGUAGES if has_lemma_table(lang)}


def _patterns(value, where: tuple, loc: _Located, owner: str, lemma_langs: set[str] | None) -> list[Pattern]:
    out: list[Pattern] = []
    if not isinstance(value, dict) or not value:
        loc.problems.append(Problem(loc.path, loc.line(where), f"{owner}: patterns must map languages ({', '.join(LANGUAGES)}) to lists of patterns"))
        return out
    for lang, items in value.items():
        w = where + (lang,)
        if lang not in LANGUAGES:
            loc.problems.append(Problem(loc.path, loc.line(where + (lang, "__key__")), f"{owner}: unknown language {lang!r}; valid: {', '.join(LANGUAGES)}"))
            continue
        if isinstance(items, (str, dict)):
            items = [items]
        if not isinstance(items, list) or not items:
            loc.problems.append(Problem(loc.path, loc.line(w), f"{owner}: patterns.{lang} must be a non-empty list"))
            continue
        for i, item in enumerate(items):
            wi = w + (i,)
            case = False
            if isinstance(item, str):
                mode, text = "phrase", item
            elif isinstance(item, dict):
                modes = [m for m in MODES if m in item]
                extra = sorted(set(item) - set(MODES) - {"case"})
                if len(modes) != 1 or extra:
                    loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: a pattern is a string or a mapping with exactly one of {', '.join(MODES)} (and optional case); got keys {sorted(item)}"))
                    continue
                mode, text = modes[0], item[modes[0]]
                if item.get("case", "insensitive") not in ("sensitive", "insensitive"):
                    loc.problems.append(Problem(loc.path, loc.line(wi + ("case",)), f"{owner}: case must be sensitive or insensitive, not {item.get('case')!r}"))
                    continue
                case = item.get("case") == "sensitive"
            else:
                loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: a pattern must be a string or a mapping, not {type(item).__name__}"))
                continue
            if not isinstance(text, str) or not text.strip():
                loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: empty {mode} pattern"))
                continue
            if mode == "regex":
                try:
                    re.compile(text)
                except re.error as exc:
                    loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: invalid regex {text!r}: {exc}"))
                    continue
                risk = backtracking_risk(text)
                if risk:
                    loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: regex {text!r} can backtrack for "
                                                f"minutes ({risk}); use one quantifier, a possessive one (x*+) or an "
                                                "atomic group (?>...)"))
                    continue
            if mode == "suffix" and lang not in SUFFIX_LANGS:
                loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: suffix mode is the Azerbaijani suffix rule and cannot be used for {lang!r}; use lemma or stem mode"))
                continue
            if mode == "lemma" and lemma_langs is not None and lang not in lemma_langs:
                loc.problems.append(Problem(loc.path, loc.line(wi), f"{owner}: lemma mode needs a lemma table and there is none for {lang!r}; use stem (prefix) mode, e.g. {{stem: {text.split()[0][:-1]!r}}}"))
                continue
            out.append(Pattern(lang, mode, text.strip(), case))
    return out


def _validate_actors(data, loc: _Located) -> list[dict]:
    actors: list[dict] = []
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        loc.problems.append(Problem(loc.path, 1, "an actors file needs a top-level `actors:` list"))
        return actors
    blocs = data.get("blocs", [])
    if not isinstance(blocs, list) or not all(isinstance(b, str) and _ID.match(b) for b in blocs):
        loc.problems.append(Problem(loc.path, loc.line(("blocs",)), "blocs must be a list of lower-case names"))
        blocs = []
    seen: set[str] = set()
    for i, item in enumerate(data["actors"]):
        w = ("actors", i)
        if not isinstance(item, dict):
            loc.problems.append(Problem(loc.path, loc.line(w), "an actor must be a mapping"))
            continue
        aid = item.get("id")
        if not isinstance(aid, str) or not _ID.match(aid):
            loc.problems.append(Problem(loc.path, loc.line(w + ("id",)), f"actor id must be lower_snake_case, got {aid!r}"))
            continue
        if aid in seen:
            loc.problems.append(Problem(loc.path, loc.line(w + ("id",)), f"duplicate actor id {aid!r}"))
        seen.add(aid)
        unknown = sorted(set(item) - {"id", "label", "kind", "led_by", "bloc", "patterns"})
        if unknown:
            loc.problems.append(Problem(loc.path, loc.line(w), f"actor {aid}: unknown field(s) {', '.join(unknown)}"))
        if item.get("kind") not in ("state", "organization", "region", "movement"):
            loc.problems.append(Problem(loc.path, loc.line(w + ("kind",)), f"actor {aid}: kind must be state, organization, region or movement"))
        bloc = item.get("bloc")
        if bloc is not None and bloc not in blocs:
            loc.problems.append(Problem(loc.path, loc.line(w + ("bloc",)), f"actor {aid}: bloc {bloc!r} is not listed under blocs ({', '.join(blocs)})"))
        pats = _patterns(item.get("patterns"), w + ("patterns",), loc, f"actor {aid}", None)
        actors.append({"id": aid, "label": str(item.get("label") or aid), "kind": item.get("kind"),
                       "led_by": item.get("led_by"), "bloc": bloc, "patterns": pats, "line": loc.line(w)})
    ids = {a["id"] for a in actors}
    for i, a in enumerate(actors):
        if a["led_by"] is not None and a["led_by"] not in ids:
            loc.problems.append(Problem(loc.path, a["line"], f"actor {a['id']}: led_by {a['led_by']!r} is not an actor id"))
    return actors


def _validate_entries(data, loc: _Located, group_names: set[str]) -> list[dict]:
    entries: list[dict] = []
    if not isinstance(data, dict):
        loc.problems.append(Problem(loc.path, 1, "a lexicon must be a mapping with `name` and `entries`"))
        return entries
    unknown_top = sorted(set(data) - {"name", "version", "description", "target", "actors", "stance_cues", "entries"})
    if unknown_top:
        loc.problems.append(Problem(loc.path, loc.line((unknown_top[0], "__key__")), f"unknown top-level field(s) {', '.join(unknown_top)}; valid: name, version, description, target, actors, stance_cues, entries"))
    if not isinstance(data.get("entries"), list) or not data["entries"]:
        loc.problems.append(Problem(loc.path, loc.line(("entries",)), "`entries` must be a non-empty list"))
        return entries
    lemma_langs = _lemma_languages()
    required = ("id", "label", "category", "weight", "patterns", "rationale")
    allowed = set(required) | {"position", "needs_target", "on_negation", "on_reject", "kind", *STANCE_RULES}
    ids: set[str] = set()
    labels: dict[str, str] = {}
    for i, item in enumerate(data["entries"]):
        w = ("entries", i)
        line = loc.line(w)
        if not isinstance(item, dict):
            loc.problems.append(Problem(loc.path, line, "an entry must be a mapping"))
            continue
        eid = item.get("id")
        name = f"entry {eid}" if isinstance(eid, str) else f"entry #{i + 1}"
        ok = True
        for key in required:
            if key not in item:
                loc.problems.append(Problem(loc.path, line, f"{name}: missing field {key!r}"))
                ok = False
        for key in sorted(set(item) - allowed):
            loc.problems.append(Problem(loc.path, loc.line(w + (key, "__key__")), f"{name}: unknown field {key!r}; valid: {', '.join(sorted(allowed))}"))
            ok = False
        if isinstance(eid, str) and _ID.match(eid):
            if eid in ids:
                loc.problems.append(Problem(loc.path, loc.line(w + ("id",)), f"duplicate entry id {eid!r}"))
                ok = False
            ids.add(eid)
        elif "id" in item:
            loc.problems.append(Problem(loc.path, loc.line(w + ("id",)), f"{name}: id must be lower_snake_case (a-z, 0-9, _), got {eid!r}"))
            ok = False
        label = item.get("label")
        if "label" in item:
            if not isinstance(label, str) or not label.strip():
                loc.problems.append(Problem(loc.path, loc.line(w + ("label",)), f"{name}: label must be a non-empty string"))
                ok = False
            elif fold(label) in labels:
                loc.problems.append(Problem(loc.path, loc.line(w + ("label",)), f"{name}: label {label!r} is already used by entry {labels[fold(label)]}"))
                ok = False
            else:
                labels[fold(label)] = str(eid)
        cat = item.get("category")
        if "category" in item and (not isinstance(cat, str) or not _ID.match(cat)):
            loc.problems.append(Problem(loc.path, loc.line(w + ("category",)), f"{name}: category must be lower_snake_case, got {cat!r}"))
            ok = False
        weight = item.get("weight")
        if "weight" in item and (isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 10):
            loc.problems.append(Problem(loc.path, loc.line(w + ("weight",)), f"{name}: weight must be a number in (0, 10], got {weight!r}"))
            ok = False
        neg = item.get("on_negation", item.get("on_reject"))
        if "on_negation" not in item and "on_reject" not in item:
            loc.problems.append(Problem(loc.path, line, f"{name}: missing field 'on_reject' (or its older name 'on_negation')"))
            ok = False
        for key in ("on_negation", "on_reject", *STANCE_RULES):
            if key in item and item[key] not in ON_NEGATION:
                loc.problems.append(Problem(loc.path, loc.line(w + (key,)), f"{name}: {key} must be one of {', '.join(ON_NEGATION)}, got {item[key]!r}"))
                ok = False
        if "on_negation" in item and "on_reject" in item and item["on_negation"] != item["on_reject"]:
            loc.problems.append(Problem(loc.path, loc.line(w + ("on_reject",)), f"{name}: on_reject ({item['on_reject']!r}) and on_negation ({item['on_negation']!r}) are the same setting and disagree; keep one"))
            ok = False
        kind = item.get("kind", "term")
        if kind not in ENTRY_KINDS:
            loc.problems.append(Problem(loc.path, loc.line(w + ("kind",)), f"{name}: kind must be one of {', '.join(ENTRY_KINDS)}, got {kind!r}"))
            ok = False
        rationale = item.get("rationale")
        if "rationale" in item and (not isinstance(rationale, str) or not rationale.strip() or "\n" in rationale.strip()):
            loc.problems.append(Problem(loc.path, loc.line(w + ("rationale",)), f"{name}: rationale must be one non-empty line"))
            ok = False
        needs = item.get("needs_target", False)
        target_positions: dict[str, float] = {}
        if isinstance(needs, dict):
            if not needs:
                loc.problems.append(Problem(loc.path, loc.line(w + ("needs_target",)), f"{name}: needs_target must map at least one group to a position"))
                ok = False
            for group, pos in needs.items():
                if group not in group_names:
                    loc.problems.append(Problem(loc.path, loc.line(w + ("needs_target", group, "__key__")), f"{name}: unknown target group {group!r}; valid: {', '.join(sorted(group_names))}"))
                    ok = False
                elif isinstance(pos, bool) or not isinstance(pos, (int, float)) or not -1 <= pos <= 1:
                    loc.problems.append(Problem(loc.path, loc.line(w + ("needs_target", group)), f"{name}: position for group {group!r} must be a number in [-1, 1], got {pos!r}"))
                    ok = False
                else:
                    target_positions[group] = float(pos)
        elif needs is not False:
            loc.problems.append(Problem(loc.path, loc.line(w + ("needs_target",)), f"{name}: needs_target must be false or a mapping of target groups to positions, e.g. {{target: 1, west: -1}}"))
            ok = False
        position = item.get("position")
        if position is None and isinstance(needs, dict):
            position = target_positions.get("target", 0.0)
        if position is None:
            loc.problems.append(Problem(loc.path, line, f"{name}: missing field 'position' (a number in [-1, 1])"))
            ok = False
        elif isinstance(position, bool) or not isinstance(position, (int, float)) or not -1 <= position <= 1:
            loc.problems.append(Problem(loc.path, loc.line(w + ("position",)), f"{name}: position must be a number in [-1, 1] (-1 balancing, 0 hedging, +1 bandwagoning), got {position!r}"))
            ok = False
        pats = _patterns(item.get("patterns"), w + ("patterns",), loc, name, lemma_langs) if "patterns" in item else []
        if ok and pats:
            entries.append({
                "id": eid, "label": label.strip(), "category": cat, "position": float(position), "weight": float(weight),
                "on_negation": neg, "needs_target": bool(target_positions),
                "target_positions": tuple(sorted(target_positions.items())), "patterns": tuple(pats),
                "rationale": rationale.strip(), "line": line, "kind": kind,
                **{k: item.get(k, STANCE_DEFAULTS[k]) for k in STANCE_RULES},
            })
    return entries


def _actors_path(data, lexicon_path: Path, actors: str | Path | None) -> Path:
    if actors is not None:
        return Path(actors)
    name = data.get("actors") if isinstance(data, dict) else None
    if isinstance(name, str):
        return (lexicon_path.parent / name).resolve()
    return DEFAULT_ACTORS


def _stance_cues_path(data, lexicon_path: Path) -> Path:
    """The lexicon's ``stance_cues`` file (relative to it), else ``stance_cues.yaml`` beside it, else the shipped one."""
    from .stance import DEFAULT_CUES

    name = data.get("stance_cues") if isinstance(data, dict) else None
    if isinstance(name, str):
        return (lexicon_path.parent / name).resolve()
    beside = lexicon_path.parent / "stance_cues.yaml"
    return beside.resolve() if beside.exists() else DEFAULT_CUES


def _groups(actors: list[dict], blocs: Iterable[str]) -> set[str]:
    return set(ROLES) | set(blocs) | {"other"}


def check_lexicon(path: str | Path | None = None, *, actors: str | Path | None = None) -> list[Problem]:
    """Every problem in a lexicon (and its gazetteer), each with its line; an empty list means valid.

    >>> check_lexicon()
    []
    """
    path = Path(path) if path else DEFAULT_LEXICON
    data, loc = _read_yaml(path)
    if data is None:
        return loc.problems
    apath = _actors_path(data, path, actors)
    adata, aloc = _read_yaml(apath)
    actor_list = _validate_actors(adata, aloc) if adata is not None else []
    blocs = adata.get("blocs", []) if isinstance(adata, dict) else []
    _validate_entries(data, loc, _groups(actor_list, blocs if isinstance(blocs, list) else []))
    target = data.get("target", DEFAULT_TARGET) if isinstance(data, dict) else DEFAULT_TARGET
    if actor_list and target not in {a["id"] for a in actor_list}:
        loc.problems.append(Problem(loc.path, loc.line(("target",)), f"target {target!r} is not an actor in {apath}"))
    from .stance import check_cues  # the stance module sits above this one

    try:
        cue_problems = check_cues(_stance_cues_path(data, path))
    except LexiconError as exc:
        cue_problems = [Problem(str(_stance_cues_path(data, path)), 1, exc.message)]
    return sorted(aloc.problems, key=lambda p: p.line) + sorted(loc.problems, key=lambda p: p.line) + cue_problems


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:16]


def load_lexicon(path: str | Path | None = None, *, target: str | None = None, actors: str | Path | None = None) -> Lexicon:
    """Load and validate a lexicon; raise LexiconError D303 listing every problem with its line.

    Parameters
    ----------
    path:
        The lexicon YAML (default ``models/lexicons/orientation.yaml``).
    target:
        The target power, an actor id of the gazetteer (default: the lexicon's ``target``, else ``russia``).
    actors:
        The gazetteer YAML (default: the lexicon's ``actors`` field, else ``models/lexicons/actors.yaml``).

    >>> load_lexicon(target="united_states").entry("strategic_partnership").hash != load_lexicon().entry("strategic_partnership").hash
    True
    """
    path = Path(path) if path else DEFAULT_LEXICON
    data, loc = _read_yaml(path)
    if data is None:
        _raise(loc.problems, path)
    apath = _actors_path(data, path, actors)
    adata, aloc = _read_yaml(apath)
    actor_list = _validate_actors(adata, aloc) if adata is not None else []
    blocs = adata.get("blocs", []) if isinstance(adata, dict) else []
    entries = _validate_entries(data, loc, _groups(actor_list, blocs if isinstance(blocs, list) else []))
    problems = sorted(aloc.problems, key=lambda p: p.line) + sorted(loc.problems, key=lambda p: p.line)
    if problems:
        _raise(problems, path)
    from .stance import load_cues  # the stance module sits above this one (it uses fold and the YAML reader)

    cues = load_cues(_stance_cues_path(data, path))
    target = target or data.get("target") or DEFAULT_TARGET
    by_id = {a["id"]: a for a in actor_list}
    if target not in by_id:
        raise LexiconError("D304", f"target power {target!r} is not an actor of the gazetteer {apath}",
                           hint=f"use one of the state actors: {', '.join(sorted(a['id'] for a in actor_list if a['kind'] == 'state'))}")
    built_actors = []
    for a in actor_list:
        if a["id"] == target:
            group = "target"
        elif a["led_by"] == target:
            group = "target_led"
        elif a["bloc"]:
            group = a["bloc"]
        else:
            group = "other"
        built_actors.append(Actor(a["id"], a["label"], a["kind"], a["led_by"], a["bloc"], a["patterns"], group))
    gazetteer_hash = _sha([a.content() for a in built_actors])
    built_entries = []
    for e in entries:
        entry = Entry(**e)
        h = _sha({"entry": entry.content(), "gazetteer": gazetteer_hash, "target": target, "rules": RULES,
                  "stance_cues": cues.hash})
        built_entries.append(Entry(**{**e, "hash": h}))
    lex = Lexicon(name=str(data.get("name") or path.stem), path=str(path), target=target,
                  entries=tuple(built_entries), actors=tuple(built_actors), hash="", actors_path=str(apath),
                  stance_cues=cues.path, stance_cues_hash=cues.hash)
    lex.hash = _sha(lex.content())
    return lex


def _raise(problems: list[Problem], path: Path) -> None:
    shown = "\n".join(f"  {p}" for p in problems[:20])
    more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
    first = problems[0]
    raise LexiconError("D303", f"{first.path}:{first.line}: lexicon is invalid ({len(problems)} problem(s)):\n{shown}{more}",
                       hint=f"run `discourse lexicon check {path}` and see docs/lexicon.md for the schema")
