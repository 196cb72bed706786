"""The files an ingest reads: folders expanded (the store and its manifest left out, named as skipped), each file
read once into a :class:`~discourse.ingest.document.SourceItem`, and unreadable paths turned into failures.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from .document import Limits, SourceItem
from .pool import Failure
from .readers import EXTENSIONS, detect_kind


@dataclass(frozen=True)
class Skip:
    """A path left out of the ingest, with the reason (reported as skipped)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Hashed:
    """An input with the sha256 of its raw bytes already computed."""

    item: SourceItem
    raw_sha256: str




def _kinds() -> dict[str, str]:
    return EXTENSIONS


def store_files(store) -> set[str]:
    path = getattr(store, "path", None)
    if path is None or str(path) == ":memory:":
        return set()
    base = str(Path(path).resolve())
    return {base + suffix for suffix in ("", "-wal", "-shm", "-journal")}


def collect_files(paths: Iterable, *, recursive: bool = True, exclude: set[str] = frozenset(),
                  allow_outside: bool = False):
    """Expand files and folders into ``(resolved path, explicit)`` pairs, sorted, and the entries skipped.

    Folders are walked (recursively unless ``recursive`` is False); hidden files and folders (names starting
    with ``.``) and the paths in ``exclude`` (the store itself) are left out; in folders only known file types
    are taken, others are reported as skipped. A file named explicitly is always taken (its type is then
    detected from its content). A path that does not exist becomes a D100 failure.
    """
    kinds = _kinds()
    files: list[tuple[str, bool]] = []
    extra: list = []
    seen: set[str] = set()
    for given in paths:
        p = Path(given)
        if not p.exists():
            extra.append(Failure(str(given), "D100", f"{given}: no such file or folder", "missing",
                                 "check the path (relative paths start from the current folder)"))
            continue
        if p.is_file():
            key = str(p.resolve())
            if key in exclude and key not in seen:
                seen.add(key)
                extra.append(Skip(key, "the store or the manifest itself, not a document"))
            elif key not in seen:
                seen.add(key)
                files.append((key, True))
            continue
        if not p.is_dir():  # a FIFO, device or socket named on the command line: never opened
            extra.append(Failure(str(given), "D193", f"{given}: not a regular file or folder (a FIFO, device or "
                                 "socket)", "not_a_file", "name a file or a folder"))
            continue
        found = []
        for root, dirs, names in os.walk(p, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
            for name in names:
                if name.startswith("."):
                    continue
                full = Path(root) / name
                key = str(full.resolve())
                if full.is_symlink() and not allow_outside and not Path(key).is_relative_to(p.resolve()):
                    extra.append(Failure(str(full), "D192", f"{full}: a symbolic link to {key}, outside the folder "
                                         f"{given}", "outside", "ingest the file by its own path, or copy it into "
                                         "the folder"))
                    continue
                if key in seen or key in exclude or not full.is_file():
                    continue
                seen.add(key)
                if full.suffix.lower() in kinds:
                    found.append((key, False))
                elif full.suffix.lower() not in (".csv", ".yaml", ".yml", ".json"):
                    extra.append(Skip(key, f"unsupported file type {full.suffix or '(no extension)'!r}"))
        files.extend(sorted(found))
    return files, extra


def file_items(files, extra, overrides, limits: Limits, password: str | None) -> Iterator:
    for entry in extra:
        yield entry
    for path, _explicit in files:
        layer = overrides(path)
        try:
            size = os.path.getsize(path)
            if size > limits.max_bytes:
                yield Failure(path, "D121", f"{path}: file is {size:,} bytes, over the limit of "
                              f"{limits.max_bytes:,} bytes", "too_large", "raise Limits(max_bytes=...) in Python if the file is genuine")
                continue
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            yield Failure(path, "D100", f"{path}: cannot read: {exc.strerror}", "unreadable",
                          "check the file's permissions")
            continue
        try:
            kind = detect_kind(path, data[:4096])
        except IngestError as exc:
            yield Failure(path, exc.code, exc.message, exc.reason, exc.hint)
            continue
        yield SourceItem(path, data, kind, layer, password=password)
