"""Writers for exported tables: CSV (UTF-8, RFC 4180, ISO dates) or Parquet, each with a JSON sidecar.

The sidecar ``FILE.json`` records what is needed to reproduce the table: the package version, the lexicon
hash, the corpus snapshot (document ids and text hashes, with a digest over them), every parameter, and the
columns. Text cells that begin with ``=``, ``+``, ``-`` or ``@`` are prefixed with ``'`` so that a spreadsheet
does not run them as formulas; numeric columns are left as numbers.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from . import __version__
from .errors import ScoreError

__all__ = ["write_table", "neutralize_formulas", "corpus_snapshot", "sidecar_path"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` where text cells starting with a formula character are prefixed with ``'``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def corpus_snapshot(rows: Iterable[tuple[str, str]]) -> dict:
    """Snapshot of the documents behind a table: sorted ``[id, sha256]`` pairs and a digest over them."""
    pairs = sorted((str(i), str(s)) for i, s in rows)
    digest = hashlib.sha256("\n".join(f"{i} {s}" for i, s in pairs).encode()).hexdigest()
    return {"n_documents": len(pairs), "digest": digest, "documents": [list(p) for p in pairs]}


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "csv":
        neutralize_formulas(frame).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", date_format="%Y-%m-%d")
    else:
        frame.to_parquet(tmp, index=False)
    tmp.replace(path)
    sidecar = {
        "kind": kind,
        "file": path.name,
        "format": fmt,
        "written_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "discourse_version": __version__,
        "lexicon_hash": lexicon_hash,
        "parameters": parameters,
        "columns": list(map(str, frame.columns)),
        "n_rows": int(len(frame)),
        "corpus_snapshot": snapshot,
    }
    if extra:
        sidecar.update(extra)
    side = sidecar_path(path)
    side.write_text(json.dumps(sidecar, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path, side
