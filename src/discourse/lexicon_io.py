"""What the lexicon, the gazetteer and the stance cue file share, below all of them: the languages, the
length-preserving fold used for matching, and YAML read with the line of every node (so every problem names its
line). :mod:`discourse.lexicon` re-exports these names; :mod:`discourse.stance` and :mod:`discourse.morph` import
them from here, so neither needs the lexicon module (which loads the stance cues: no cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import LexiconError


def compose_yaml(text: str):
    """The YAML node tree of ``text`` (line marks kept); raises ``yaml.YAMLError`` as PyYAML's own parser words it.

    libyaml's parser where PyYAML has it: the same nodes and line marks, about ten times faster (reading the
    lexicon and the stance cues was most of a timeline query's time). On an error the pure-Python parser runs
    again so that the message is the same with or without libyaml.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)

__all__ = ["LANGUAGES", "Problem", "fold"]

LANGUAGES = ("en", "az", "ru")

# -- folding: the case-insensitive view used for matching ----------------------------------------------------
_POST = (("ı", "i"), ("ё", "е"), ("’", "'"), ("‘", "'"), ("ʼ", "'"), ("‐", "-"), ("‑", "-"), ("‒", "-"),
         ("ә", "ə"))  # Cyrillic schwa typed inside Latin Azerbaijani words (docs/lexicon-az-ru.md)


def fold(text: str) -> str:
    """Lower-case ``text`` for matching, keeping its length (so offsets stay valid).

    Azerbaijani dotted and dotless i fold together, Cyrillic ә folds to Latin ə, Russian ё folds to е,
    typographic apostrophes and hyphens fold to ASCII.

    >>> fold("İNTEQRASİYA Партнёрство Euro‑Atlantic")
    'inteqrasiya партнерство euro-atlantic'
    """
    if "İ" in text:
        text = text.replace("İ", "i")
    out = text.lower()
    if len(out) != len(text):  # a character whose lower case is longer (rare): fold one by one
        out = "".join((ch.lower() or ch)[0] for ch in text)
    for a, b in _POST:  # str.replace is fast; translate() with a dict is not
        if a in out:
            out = out.replace(a, b)
    return out


@dataclass(frozen=True)
class Problem:
    """One validation problem: file, 1-based line, message."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# -- YAML with line numbers ----------------------------------------------------------------------------------
class _Located:
    """Plain Python values from a composed YAML tree, with the 1-based line of every node by path."""

    def __init__(self, path: str):
        self.path = path
        self.lines: dict[tuple, int] = {}
        self.problems: list[Problem] = []

    def convert(self, node, where: tuple = ()) -> Any:
        self.lines[where] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                if key in out:
                    self.problems.append(Problem(self.path, key_node.start_mark.line + 1, f"duplicate key {key!r}"))
                out[key] = self.convert(value_node, where + (key,))
                self.lines.setdefault(where + (key, "__key__"), key_node.start_mark.line + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, where + (i,)) for i, child in enumerate(node.value)]
        # scalars: let PyYAML's resolver decide the type (int, float, bool, null, str)
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)

    def line(self, where: tuple) -> int:
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)


def _read_yaml(path: Path) -> tuple[Any, _Located]:
    loc = _Located(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError("D301", f"lexicon file {path} does not exist",
                           hint="give the path of a YAML lexicon, e.g. models/lexicons/orientation.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError("D301", f"cannot read {path}: {exc}", hint="save the lexicon as UTF-8 text") from None
    try:
        node = compose_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        loc.problems.append(Problem(str(path), line, f"YAML syntax error: {getattr(exc, 'problem', exc)}"))
        return None, loc
    if node is None:
        loc.problems.append(Problem(str(path), 1, "the file is empty"))
        return None, loc
    return loc.convert(node), loc
