"""The lexicon's model: rule versions, allowed values, and the Pattern, Entry, Actor and Lexicon classes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import LexiconError
from .lexicon_io import LANGUAGES, fold


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

        >>> from discourse.lexicon import load_lexicon
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
