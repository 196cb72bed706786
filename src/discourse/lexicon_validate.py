"""Validation of lexicon entries and actors (the one place): every problem with its file, line and a hint."""

from __future__ import annotations

import re

from .lexicon_io import LANGUAGES, Problem, _Located, fold
from .nlp import has_lemma_table
from .regex_guard import backtracking_risk
from .lexicon_model import ENTRY_KINDS, MODES, ON_NEGATION, Pattern, STANCE_DEFAULTS, STANCE_RULES, SUFFIX_LANGS, _ID


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
