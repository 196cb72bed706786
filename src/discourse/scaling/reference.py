"""Reference scores for supervised scaling (Wordscores): read from a CSV and matched to stored documents."""

from __future__ import annotations

import math
from pathlib import Path
import pandas as pd

from ..errors import ScalingError


# -- reference texts ----------------------------------------------------------------------------------------
def read_reference(path, documents: pd.DataFrame) -> pd.Series:
    """Reference scores from a CSV with columns ``doc_id,score`` (doc_id: a store id, a unique id prefix, or the
    stem of the document's source file such as ``AZE_70_2015``); returns scores indexed by store id."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScalingError("D762", f"cannot read the reference file {path}: {exc}",
                           hint="give a UTF-8 CSV with the header doc_id,score") from None
    missing = [c for c in ("doc_id", "score") if c not in frame.columns]
    if missing:
        raise ScalingError("D762", f"reference file {path} lacks column(s) {', '.join(missing)} (has "
                           f"{', '.join(frame.columns)})", hint="write the header doc_id,score")
    ids = documents["id"].astype(str).tolist()
    stems = {}
    if "source_path" in documents.columns:
        for i, sp_ in zip(ids, documents["source_path"]):
            if isinstance(sp_, str) and sp_:
                stems.setdefault(Path(sp_.split("::")[-1]).stem, i)
    out = {}
    for line, (ref, score) in enumerate(zip(frame["doc_id"], frame["score"]), start=2):
        ref = ref.strip()
        match = [ref] if ref in ids else ([stems[ref]] if ref in stems else [i for i in ids if ref and i.startswith(ref)])
        if len(match) != 1:
            raise ScalingError("D762", f"{path}, line {line}: document {ref!r} is "
                               + ("ambiguous (several ids start with it)" if match else "not among the documents in scope"),
                               hint="use a document id from `discourse docs list` (or a source file stem such as "
                               "AZE_70_2015) of the language and filters you fit on")
        try:
            value = float(score)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ScalingError("D763", f"{path}, line {line}: score {score!r} of document {ref!r} is not a number",
                               hint="reference scores are finite numbers (higher = toward the target power)")
        if match[0] in out:
            raise ScalingError("D762", f"{path}, line {line}: document {ref!r} is listed twice",
                               hint="give each reference text once")
        out[match[0]] = value
    if len(out) < 2 or len(set(out.values())) < 2:
        raise ScalingError("D752", f"{path} gives {len(out)} reference text(s) with {len(set(out.values()))} "
                           "distinct score(s); Wordscores needs at least two texts with different scores",
                           hint="add reference texts at both ends of the dimension")
    return pd.Series(out, name="reference_score")
