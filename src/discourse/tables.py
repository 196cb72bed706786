"""Table files: CSV (UTF-8, RFC 4180, ISO dates) or Parquet, each with a JSON sidecar.

A low-level module that any stage may use to write its results (scores, the panel, exports); it imports no
stage. The sidecar ``FILE.json`` records what is needed to reproduce the table: the package version, the
lexicon hash, the corpus snapshot (document ids and text hashes, with a digest over them), every parameter, and
the columns. Text cells that begin with ``=``, ``+``, ``-`` or ``@`` are prefixed with ``'`` so that a
spreadsheet does not run them as formulas; numeric columns are left as numbers.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
import hashlib
import json
import os
from pathlib import Path
from typing import IO, Any, Iterable

import pandas as pd

from ._version import __version__
from .errors import ScoreError
from .safeio import FORMULA_START as _FORMULA_START  # noqa: F401 (kept for importers)
from .safeio import atomic_path, check_target, neutralize_formulas, write_text
from .safeio import write_csv as _safe_write_csv

__all__ = ["Table", "write_table", "write_csv", "neutralize_formulas", "corpus_snapshot", "sidecar_path"]

def corpus_snapshot(rows: Iterable[tuple[str, str]]) -> dict:
    """Snapshot of the documents behind a table: sorted ``[id, sha256]`` pairs and a digest over them."""
    pairs = sorted((str(i), str(s)) for i, s in rows)
    digest = hashlib.sha256("\n".join(f"{i} {s}" for i, s in pairs).encode()).hexdigest()
    return {"n_documents": len(pairs), "digest": digest, "documents": [list(p) for p in pairs]}


def write_csv(frame: pd.DataFrame, handle: IO[str]) -> None:
    """Write ``frame`` as CSV to an open text stream: RFC 4180 quoting, ``\\n`` line ends, ISO dates, no index,
    formula cells neutralized (the same bytes :func:`write_table` writes to a file; see :mod:`discourse.safeio`)."""
    _safe_write_csv(frame, handle)


def _written_at() -> str:
    """Now in UTC, or the time in ``$SOURCE_DATE_EPOCH`` (for byte-identical sidecars in reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit() else _dt.datetime.now(_dt.timezone.utc)
    return now.replace(microsecond=0).isoformat()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    fmt: str = "csv",
    kind: str,
    parameters: dict[str, Any],
    lexicon_hash: str | None,
    snapshot: dict | None,
    extra: dict[str, Any] | None = None,
) -> tuple[Path, Path]:
    """Write ``frame`` to ``path`` (csv or parquet) and its sidecar ``path.json``; return both paths.

    >>> import tempfile, pandas as pd
    >>> d = tempfile.mkdtemp()
    >>> p, s = write_table(pd.DataFrame({"a": ["=1+1"]}), d + "/t.csv", kind="demo", parameters={},
    ...                    lexicon_hash=None, snapshot=None)
    >>> open(p).read()
    "a\\n'=1+1\\n"
    """
    path = Path(path)
    if fmt not in ("csv", "parquet"):
        raise ScoreError("D401", f"unknown export format {fmt!r}", hint="use csv or parquet")
    side = sidecar_path(path)
    check_target(side)  # both targets are checked before either is written
    with atomic_path(path) as tmp:  # refuses the store, a folder, a link or a device; atomic
        if fmt == "csv":
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                write_csv(frame, handle)
        else:
            frame.to_parquet(tmp, index=False)
    sidecar = {
        "kind": kind,
        "file": path.name,
        "format": fmt,
        "written_at": _written_at(),
        "discourse_version": __version__,
        "lexicon_hash": lexicon_hash,
        "parameters": parameters,
        "columns": list(map(str, frame.columns)),
        "n_rows": int(len(frame)),
        "corpus_snapshot": snapshot,
    }
    if extra:
        sidecar.update(extra)
    write_text(side, json.dumps(sidecar, indent=1, ensure_ascii=False, default=str) + "\n")
    return path, side


@dataclass
class Table:
    """A table with what its sidecar records: ``parameters``, ``lexicon_hash``, ``snapshot`` (the corpus
    snapshot) and ``extra`` (rule and library versions, the lexicon, ...). Build one from a provenance record
    (:func:`discourse.provenance.provenance`) with :meth:`from_provenance`."""

    frame: pd.DataFrame
    kind: str
    parameters: dict = field(default_factory=dict)
    lexicon_hash: str | None = None
    snapshot: dict | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_provenance(cls, frame: pd.DataFrame, kind: str, record: dict, **extra) -> "Table":
        """The table ``frame`` with the provenance ``record`` (plus ``extra`` sidecar fields)."""
        rest = {k: v for k, v in record.items()
                if k not in ("parameters", "lexicon_hash", "corpus_snapshot", "discourse_version")}
        return cls(frame, kind, dict(record.get("parameters") or {}), record.get("lexicon_hash"),
                   record.get("corpus_snapshot"), {**rest, **extra})

    def write(self, path: str | Path, fmt: str = "csv") -> tuple[Path, Path]:
        """Write the table to ``path`` and its sidecar to ``path.json``; return both paths."""
        return write_table(self.frame, path, fmt=fmt, kind=self.kind, parameters=self.parameters,
                           lexicon_hash=self.lexicon_hash, snapshot=self.snapshot, extra=self.extra)
