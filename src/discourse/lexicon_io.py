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
from .inputs import YamlProblem, compose_yaml, read_regular_bytes
from .normalize import fold  # the one folding, shared with search, KWIC and timelines

__all__ = ["LANGUAGES", "Problem", "fold"]

LANGUAGES = ("en", "az", "ru")


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
        text = read_regular_bytes(path).decode("utf-8")  # a FIFO or device is refused, never waited on
    except FileNotFoundError:
        raise LexiconError("D301", f"lexicon file {path} does not exist",
                           hint="give the path of a YAML lexicon, e.g. models/lexicons/orientation.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError("D301", f"cannot read {path}: {exc}", hint="save the lexicon as UTF-8 text") from None
    try:
        node = compose_yaml(text)  # aliases, tags and scalar values checked (no alias bomb, no traceback)
    except YamlProblem as exc:
        loc.problems.append(Problem(str(path), exc.line, exc.message))
        return None, loc
    if node is None:
        loc.problems.append(Problem(str(path), 1, "the file is empty"))
        return None, loc
    return loc.convert(node), loc
