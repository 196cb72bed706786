"""The one safe writer for every file discourse writes (CSV, JSON, HTML, Parquet, figures).

A low-level module (it imports no stage; pandas only inside the functions that need it). Every output goes
through :func:`check_target` and is written atomically:

* the target must not be a SQLite file (a discourse store or any other database), an existing folder, a
  symbolic link, or a special file (FIFO, device, socket): these are refused with a :class:`ScoreError`
  naming the path, and nothing is written;
* the bytes go to a temporary file in the target's folder, which then replaces the target with
  :func:`os.replace`, so a reader never sees half a file and an interrupted write leaves the old file whole;
* every CSV, whichever command writes it (to a file or to standard output), has its formula cells
  neutralized (:func:`neutralize_formulas`).

:class:`OutputManifest` records, in an output folder, the files a command wrote there, so that a later run
removes exactly those files and never a file the user put in the folder.

Error codes: D440 SQLite/store target, D441 folder target, D442 symbolic link, D443 special file, D444 the
folder cannot be created or written, D445 a manifest entry that leaves its folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import ScoreError

__all__ = [
    "check_target", "atomic_path", "atomic_open", "write_bytes", "write_text", "write_csv", "write_csv_file",
    "neutralize_formulas", "is_sqlite_file", "escape_name", "plain_label", "OutputManifest", "FORMULA_START",
]

#: Text cells starting with one of these are prefixed with ``'`` in every CSV (spreadsheet formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_HINT = "name a new or ordinary file with --out (never the store, a folder, a link or a device)"


def is_sqlite_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file that starts with SQLite's header (a discourse store or other DB)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def check_target(path: str | os.PathLike) -> Path:
    """Return ``path`` if it may be (over)written as an output file; raise :class:`ScoreError` otherwise.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_target(d / "new.csv").name
    'new.csv'
    >>> check_target(d)
    Traceback (most recent call last):
    ...
    discourse.errors.ScoreError: [D441] ... is a folder, not a file (hint: ...)
    """
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    except NotADirectoryError:
        raise ScoreError("D444", f"cannot write {path}: part of its folder ({path.parent}) is a file, not a folder",
                         hint=_HINT) from None
    except OSError as exc:
        raise ScoreError("D444", f"cannot write {path}: {exc.strerror}", hint=_HINT) from None
    if stat.S_ISLNK(st.st_mode):
        raise ScoreError("D442", f"{path} is a symbolic link; discourse does not write through links", hint=_HINT)
    if stat.S_ISDIR(st.st_mode):
        raise ScoreError("D441", f"{path} is a folder, not a file", hint=_HINT)
    if not stat.S_ISREG(st.st_mode):
        raise ScoreError("D443", f"{path} is not a regular file (a FIFO, device or socket)", hint=_HINT)
    stem = path.name
    for suffix in ("-wal", "-shm", "-journal"):  # the side files of a store are part of it
        if stem.endswith(suffix) and is_sqlite_file(path.with_name(stem[: -len(suffix)])):
            raise ScoreError("D440", f"{path} belongs to the SQLite store {stem[: -len(suffix)]}", hint=_HINT)
    if is_sqlite_file(path):
        raise ScoreError("D440", f"{path} is a SQLite database (a discourse store?); it is never overwritten "
                         "by an output", hint=_HINT)
    return path


def _mode_for(path: Path) -> int:
    """Permissions of the new file: those of the file it replaces, else 0666 minus the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _make_parent(path: Path) -> None:
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ScoreError("D444", f"cannot write {path}: {parent} is not a folder", hint=_HINT) from None
    except OSError as exc:
        raise ScoreError("D444", f"cannot create the folder {parent}: {exc.strerror}", hint=_HINT) from None


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` (checked first), else is removed.

    For libraries that write by file name (Parquet, matplotlib).
    """
    path = check_target(path)
    _make_parent(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:80]}.", suffix=".tmp")
    except OSError as exc:
        raise ScoreError("D444", f"cannot write in {path.parent}: {exc.strerror}", hint=_HINT) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        check_target(path)  # again: the target may have changed while we wrote
        os.chmod(tmp_path, _mode_for(path))
        os.replace(tmp_path, path)
    except OSError as exc:
        raise ScoreError("D444", f"cannot write {path}: {exc.strerror}", hint=_HINT) from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces ``path`` when the block ends without an error."""
    with atomic_path(path) as tmp:
        if "b" in mode:
            handle = open(tmp, mode)
        else:
            handle = open(tmp, mode, encoding=encoding, newline=newline)
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (after :func:`check_target`); return the path."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (after :func:`check_target`); return the path."""
    return write_bytes(path, text.encode("utf-8"))


def neutralize_formulas(frame):
    """Copy of ``frame`` where text cells starting with a formula character are prefixed with ``'``.

    >>> import pandas as pd
    >>> neutralize_formulas(pd.DataFrame({"a": ["=1+1", "ok", "@SUM(A1)"]}))["a"].tolist()
    ["'=1+1", 'ok', "'@SUM(A1)"]
    """
    import pandas as pd  # deferred: keep `import discourse.cli` light

    out = frame.copy()
    out.columns = [("'" + c if isinstance(c, str) and c.startswith(FORMULA_START) else c) for c in out.columns]
    for col in range(out.shape[1]):
        series = out.iloc[:, col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out.isetitem(col, series.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START)
                                         else v))
    return out


def write_csv(frame, handle: IO[str]) -> None:
    """Write ``frame`` as CSV to an open text stream: RFC 4180 quoting, ``\\n`` line ends, ISO dates, no index,
    formula cells neutralized."""
    neutralize_formulas(frame).to_csv(handle, index=False, lineterminator="\n", date_format="%Y-%m-%d")


def write_csv_file(frame, path: str | os.PathLike) -> Path:
    """Write ``frame`` as CSV (see :func:`write_csv`) to ``path`` atomically; return the path."""
    with atomic_open(path, "w") as fh:
        write_csv(frame, fh)
    return Path(path)


def escape_name(value) -> str:
    """A file name or value fit for one line of a summary: control characters (newline, tab, ESC, ...) escaped.

    >>> escape_name("a\\nError [D100]: fake.txt")
    'a\\\\nError [D100]: fake.txt'
    """
    text = str(value)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def plain_label(value) -> str:
    """Text drawn by matplotlib exactly as given: ``$`` escaped, so it is never read as mathtext.

    >>> print(plain_label("$5 bn deal $x$"))
    \\$5 bn deal \\$x\\$
    """
    return str(value).replace("$", "\\$")


class OutputManifest:
    """The files a command wrote into an output folder, recorded in ``FOLDER/NAME`` (JSON).

    :meth:`remove_previous` removes only the files listed by an earlier run (regular files inside the folder;
    never a link, a folder or a path leaving it); :meth:`add` records a file written now; :meth:`save` writes
    the list.
    """

    def __init__(self, folder: str | os.PathLike, name: str = ".discourse-outputs.json"):
        self.folder = Path(folder)
        self.path = self.folder / name
        self.files: list[str] = []

    def previous(self) -> list[str]:
        """Relative paths recorded by the earlier run (empty when there is none or it is unreadable)."""
        try:
            if not self.path.is_file() or self.path.is_symlink():
                return []
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        files = data.get("files") if isinstance(data, dict) else None
        return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []

    def _inside(self, rel: str) -> Path | None:
        if not rel or os.path.isabs(rel) or ".." in Path(rel).parts:
            return None
        return self.folder / rel

    def remove_previous(self, keep: set[str] | None = None) -> list[str]:
        """Remove the files of the earlier run (except ``keep``); return what was removed."""
        removed = []
        for rel in self.previous():
            target = self._inside(rel)
            if target is None or (keep and rel in keep):
                continue
            try:
                st = os.lstat(target)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            try:
                target.unlink()
            except OSError as exc:
                raise ScoreError("D444", f"cannot remove {target} (written by an earlier run): {exc.strerror}",
                                 hint="check the folder's permissions, or choose another --out") from None
            removed.append(rel)
        return removed

    def add(self, path: str | os.PathLike) -> None:
        rel = os.path.relpath(Path(path), self.folder)
        if self._inside(rel) is None:
            raise ScoreError("D445", f"{path} is outside the output folder {self.folder}",
                             hint="write every output inside the output folder")
        if rel not in self.files:
            self.files.append(rel)

    def save(self) -> Path:
        return write_text(self.path, json.dumps({"files": sorted(self.files)}, indent=1) + "\n")
