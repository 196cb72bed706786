"""Input hygiene shared by every reader of user files: one safe YAML loader, duplicate CSV columns, paths that
leave their manifest's folder, and capped error lists.

A low-level module (imports only :mod:`discourse.errors`; PyYAML inside the functions that need it).

* :func:`load_yaml` refuses what PyYAML's ``SafeLoader`` lets through and what turns a small file into a huge
  or endless one: more than :data:`MAX_ALIASES` aliases, a document that expands to more than
  :data:`MAX_NODES` values through aliases (an alias bomb), a recursive alias, tags other than YAML's standard
  ones (``!custom``, ``!!python/...``), and scalars that do not construct (``!!float abc``, an unquoted date
  that does not exist such as ``2015-02-30``). Each becomes a :class:`YamlProblem` with the line (1-based),
  which the caller turns into its own coded error naming the file.
* :func:`duplicate_columns` names the header cells given twice (a dict would silently keep the last).
* :func:`contained_path` refuses a path that leaves a folder (``../x.txt``, an absolute path, a symbolic link
  to an outside file) unless the caller allows it.
* :func:`cap_errors` keeps the first :data:`MAX_ERRORS_SHOWN` messages and counts the rest.
* :func:`read_regular_bytes` reads an input file, refusing a FIFO or a device without blocking on it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["YamlProblem", "load_yaml", "compose_yaml", "duplicate_columns", "contained_path", "cap_errors",
           "read_regular_bytes",
           "MAX_ALIASES", "MAX_NODES", "MAX_ERRORS_SHOWN"]

MAX_ALIASES = 100       # aliases (*name) per document
MAX_NODES = 1_000_000   # values a document may expand to through its aliases
MAX_ERRORS_SHOWN = 20   # errors listed one by one; the rest are counted
_STANDARD = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map",
                                                 "merge")}


class YamlProblem(Exception):
    """A YAML document that cannot be loaded safely: ``line`` (1-based) and ``message``."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


def _loader_class(bools: bool):
    import yaml

    class _SafeLoader(yaml.SafeLoader):
        _aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise YamlProblem(self.peek_event().start_mark.line + 1,
                                      f"more than {MAX_ALIASES} aliases (*name); refused as a possible alias bomb")
            return super().compose_node(parent, index)

    if not bools:  # YAML 1.1 booleans off: `language: no` (Norwegian) stays 'no'
        _SafeLoader.yaml_implicit_resolvers = {
            first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
    return _SafeLoader


def _check(root) -> None:
    """Tags, recursion, expanded size and scalar values of a composed document (iterative: no recursion limit)."""
    import yaml

    constructor = yaml.constructor.SafeConstructor()
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            if isinstance(node, yaml.ScalarNode):
                total = 1
            elif isinstance(node, yaml.SequenceNode):
                total = 1 + sum(size[id(c)] for c in node.value)
            else:
                total = 1 + sum(size[id(k)] + size[id(v)] for k, v in node.value)
            if total > MAX_NODES:
                raise YamlProblem(node.start_mark.line + 1, f"expands through aliases to more than {MAX_NODES:,} "
                                  "values; refused as an alias bomb")
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlProblem(node.start_mark.line + 1, "recursive alias: a value contains itself")
        line = node.start_mark.line + 1
        if node.tag not in _STANDARD:
            raise YamlProblem(line, f"unknown tag {node.tag!r}; only plain YAML values are read")
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"):
                try:
                    constructor.construct_object(node, deep=True)
                except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
                    kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
                    raise YamlProblem(line, f"invalid {kind} {node.value!r} ({exc})") from None
            stack.append((node, True))
            continue
        on_path.add(key)
        stack.append((node, True))
        children = node.value if isinstance(node, yaml.SequenceNode) else [c for kv in node.value for c in kv]
        if not isinstance(children, list):
            raise YamlProblem(line, "malformed collection")
        for child in reversed(children):
            if id(child) in on_path:
                raise YamlProblem(child.start_mark.line + 1, "recursive alias: a value contains itself")
            stack.append((child, False))


def compose_yaml(text: str, *, bools: bool = True):
    """The checked node tree of one YAML document (None if empty); raise :class:`YamlProblem`."""
    import yaml

    loader = None
    try:
        loader = _loader_class(bools)(text)  # the reader refuses NUL and other unprintable characters here
        node = loader.get_single_node()
    except YamlProblem:
        raise
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlProblem(line, f"unacceptable character #x{exc.character:04x} (not text)") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(mark.line + 1 if mark else 1, f"YAML syntax error: {problem}") from None
    except RecursionError:
        raise YamlProblem(1, "nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is not None:
        _check(node)
    return node


def load_yaml(text: str, *, bools: bool = True):
    """``(node, data)`` of one YAML document, checked as described in the module; raise :class:`YamlProblem`.

    >>> load_yaml("a: [1, 2]\\nb: x")[1]
    {'a': [1, 2], 'b': 'x'}
    >>> load_yaml("a: !!float abc")
    Traceback (most recent call last):
    ...
    discourse.inputs.YamlProblem: line 1: invalid float 'abc' (could not convert string to float: 'abc')
    """
    import yaml

    node = compose_yaml(text, bools=bools)
    if node is None:
        return None, None
    constructor = _loader_class(bools)("")
    try:
        return node, constructor.construct_document(node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:  # checked above; kept as a safety net
        mark = getattr(exc, "problem_mark", None)
        raise YamlProblem(mark.line + 1 if mark else 1, f"cannot read the value: {exc}") from None
    except RecursionError:
        raise YamlProblem(1, "nested too deeply") from None
    finally:
        constructor.dispose()


def read_regular_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file; a folder, FIFO, device or socket raises :class:`OSError` (never blocks).

    The file is opened without blocking and checked with ``fstat`` before it is read, so a FIFO given as a
    manifest, lexicon or indicator file is refused instead of hanging the command.
    """
    import errno
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or socket)", str(path))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            return fh.read()
    finally:
        if fd >= 0:
            os.close(fd)


def duplicate_columns(header) -> list[str]:
    """Header cells that appear more than once, in order of their second appearance.

    >>> duplicate_columns(["path", "year", "title", "year"])
    ['year']
    """
    seen, dup = set(), []
    for h in header:
        if h in seen and h not in dup:
            dup.append(h)
        seen.add(h)
    return dup


def contained_path(base: Path, name: str, *, allow_outside: bool = False) -> tuple[Path, str | None]:
    """``(resolved path, problem)``: the problem says why ``name`` (relative to ``base``) leaves ``base``.

    An absolute path, a path with ``..`` that climbs out, or a symbolic link (anywhere on the way) that leads
    outside ``base`` is a problem unless ``allow_outside``.
    """
    base = base.resolve()
    raw = Path(name)
    target = (base / raw).resolve()
    if allow_outside:
        return target, None
    if raw.is_absolute():
        return target, f"the path {name!r} is absolute"
    lexical = Path(os.path.normpath(base / raw))
    if lexical != base and base not in lexical.parents:
        return target, f"the path {name!r} leaves the manifest's folder"
    if target != base and base not in target.parents:
        return target, f"{name!r} is a symbolic link to {target}, outside the manifest's folder"
    return target, None


def cap_errors(messages, limit: int = MAX_ERRORS_SHOWN) -> list[str]:
    """The first ``limit`` messages, then one line counting the others.

    >>> cap_errors([f"line {i}: bad" for i in range(2, 30)], 2)
    ['line 2: bad', 'line 3: bad', '... and 26 more errors']
    """
    messages = list(messages)
    if len(messages) <= limit:
        return messages
    rest = len(messages) - limit
    return messages[:limit] + [f"... and {rest:,} more error{'s' if rest != 1 else ''}"]
