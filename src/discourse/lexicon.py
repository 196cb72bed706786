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
from pathlib import Path
from typing import Iterable

from .errors import LexiconError
from .lexicon_io import LANGUAGES, Problem, _Located, _read_yaml, fold  # re-exported: the lexicon's public names
from .resources import shipped
from .lexicon_model import (  # noqa: F401  re-exported: the lexicon's model and rule names are names of discourse.lexicon
    Actor, ENTRY_KINDS, Entry, Lexicon, MODES, ON_NEGATION,
    Pattern, ROLES, RULES, STANCE_DEFAULTS, STANCE_RULES, SUFFIX_LANGS,
    _ID,
)
from .lexicon_validate import (  # noqa: F401  re-exported: the validators were defined here
    _lemma_languages, _patterns, _validate_actors, _validate_entries,
)

__all__ = [
    "Lexicon", "Entry", "Pattern", "Actor", "Problem", "load_lexicon", "check_lexicon", "fold",
    "DEFAULT_LEXICON", "DEFAULT_ACTORS", "DEFAULT_TARGET", "RULES", "LANGUAGES", "MODES",
]

DEFAULT_LEXICON = shipped("models/lexicons/orientation.yaml")  # inside the wheel, or the checkout's models/
DEFAULT_ACTORS = shipped("models/lexicons/actors.yaml")
DEFAULT_TARGET = "russia"


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
