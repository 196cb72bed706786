"""Quantitative indicators: tidy yearly values with sources (files, metadata, the store).

An indicator is a tidy table ``indicator, country, partner, year, value, unit[, bound, source, note]`` plus
metadata (label, unit, direction toward the target power, frequency, source). The figures of the seed study
ship in ``corpus/indicators/`` and are loaded into the store on first use (:func:`load_shipped`); users add
their own with :func:`add_indicators`. Derived indicators (Russia's share of arms imports, the study's
vote-match rate, year-on-year changes) are computed when read (:func:`indicator_values`, formulas in
:mod:`discourse.indicator_measures`), never typed.

UN voting agreement is computed from the Voeten roll-call tables by :mod:`discourse.unvotes`
(``un_vote_agreement``) and stored beside the study's hand count (``un_votes``), which also reports where the two
differ.

>>> from discourse import Corpus
>>> corpus = Corpus.open(":memory:")
>>> frame = indicator_values(corpus, country="AZE", indicators=["un_vote_match_rate_study"])
>>> round(float(frame.loc[frame.year == 2010, "value"].iloc[0]), 2)
0.67
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import pandas as pd

from .defaults import ISSUE_CODES, ROLLCALL_CONVENTIONS
from .errors import IndicatorError
from .indicator_measures import DERIVED, derive_values, year_on_year
from .store import indicators as _sql
from .indicator_files import (  # noqa: F401  re-exported: the vocabularies and file readers are names of discourse.indicators
    BOUNDS, COLUMNS, COMPUTED_META, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, ROLLCALL_INDICATOR,
    ROLLCALL_N_INDICATOR, UNITS, read_indicator_file, read_metadata, shipped_dir, _FREQUENCIES,
    _META_KEYS, _NAME, _SOURCE_KEYS, _UNVOTES_SOURCE, _country_ok, _meta_error,
    _text,
)

__all__ = [
    "UNITS",
    "COLUMNS",
    "DERIVED",
    "ROLLCALL_CONVENTIONS",
    "ISSUE_CODES",
    "shipped_dir",
    "read_metadata",
    "read_indicator_file",
    "load_shipped",
    "add_indicators",
    "indicator_values",
    "indicator_metadata",
    "list_indicators",
    "year_on_year",
]

# -- storing --------------------------------------------------------------------------------------------
def _known_meta(conn) -> dict[str, dict]:
    cols, rows = _sql.get_meta(conn)
    return {r[0]: dict(zip(cols, r)) for r in rows}


def add_indicators(corpus, path: str | os.PathLike, *, meta: str | os.PathLike | None = None,
                   origin: str = "user") -> pd.DataFrame:
    """Validate an indicator CSV (and its metadata) and store it; return a summary per indicator.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.Corpus`.
    path:
        The tidy CSV (columns :data:`COLUMNS`).
    meta:
        Metadata YAML for indicators not yet in the store; default: ``FILE.yaml`` beside the CSV if it exists.

    Example: ``add_indicators(corpus, "my.csv", meta="my.yaml")``.
    """
    path = Path(path)
    load_shipped(corpus)
    meta_path = Path(meta) if meta is not None else path.with_suffix(".yaml")
    metadata = read_metadata(meta_path) if (meta is not None or meta_path.exists()) else {}
    with corpus.store.read() as conn:
        known = _known_meta(conn)
    fixed = sorted(n for n in metadata if n in known and known[n]["origin"] in ("shipped", "computed")
                   and any(metadata[n].get(k) != known[n].get(k) for k in ("label", "unit", "direction", "frequency")))
    if fixed:
        raise IndicatorError("D514", f"{meta_path}: cannot redefine the shipped indicator(s) {', '.join(fixed)}",
                             hint="leave them out of the metadata file (their values can still be added), or use "
                                  "a new indicator name")
    rows = read_indicator_file(path, metadata=metadata, known=known)
    for r in metadata.values():
        r["origin"] = known[r["indicator"]]["origin"] if r["indicator"] in known else origin
    for r in rows:
        r["origin"] = origin
    with corpus.store.write() as conn:
        _sql.upsert_meta(conn, [m for n, m in metadata.items()
                                if n not in known or known[n]["origin"] not in ("shipped", "computed")])
        _sql.replace_values(conn, rows)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["indicator", "n", "year_min", "year_max"])
    return (frame.groupby("indicator").agg(n=("value", "size"), year_min=("year", "min"), year_max=("year", "max"))
            .reset_index())


def _folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.csv")) + sorted(folder.glob("*.yaml")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def load_shipped(corpus, folder: str | os.PathLike | None = None) -> bool:
    """Load the shipped indicators (``corpus/indicators``) into the store unless already loaded; idempotent.

    Returns True when the files were (re)loaded, False when the store already held this version of them.
    """
    folder = Path(folder) if folder is not None else shipped_dir()
    meta_file = folder / "indicators.yaml"
    if not meta_file.exists():
        raise IndicatorError("D513", f"{folder}: no indicators.yaml; the shipped indicators are missing",
                             hint="set DISCOURSE_INDICATORS_DIR to the folder holding the shipped indicator files")
    digest = _folder_digest(folder)
    with corpus.store.read() as conn:
        if _sql.get_setting(conn, "indicators_shipped_digest") == digest:
            return False
    metadata = read_metadata(meta_file)
    for rec in metadata.values():
        rec["origin"] = "shipped"
    rows: list[dict] = []
    for csv_path in sorted(folder.glob("*.csv")):
        rows.extend(read_indicator_file(csv_path, metadata=metadata))
    for row in rows:
        row["origin"] = "shipped"
    with corpus.store.write() as conn:
        _sql.upsert_meta(conn, metadata.values())
        _sql.delete_values(conn, origin="shipped")
        _sql.replace_values(conn, rows)
        _sql.set_setting(conn, "indicators_shipped_digest", digest)
    return True


# -- reading --------------------------------------------------------------------------------------------
def indicator_metadata(corpus) -> pd.DataFrame:
    """Metadata of every stored indicator and every derived one (column ``origin`` tells which)."""
    load_shipped(corpus)
    with corpus.store.read() as conn:
        cols, rows = _sql.get_meta(conn)
    frame = pd.DataFrame.from_records(rows, columns=cols)
    derived = pd.DataFrame([
        {"indicator": k, "label": v["label"], "unit": v["unit"], "direction": v["direction"], "frequency": "annual",
         "description": v["formula"], "source": "computed by discourse from the indicators in its formula",
         "origin": "derived"} for k, v in DERIVED.items()
    ])
    out = pd.concat([frame, derived], ignore_index=True)
    out["direction"] = out["direction"].astype(int)
    return out.sort_values("indicator", kind="stable").reset_index(drop=True)


def indicator_values(
    corpus,
    *,
    country: str | None = None,
    partner: str | None = None,
    indicators: Sequence[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    derived: bool = True,
) -> pd.DataFrame:
    """Tidy indicator values from the store plus the derived indicators (loading the shipped ones first).

    Columns: indicator, country, partner, year, value, unit, bound, source, note, file, line.
    """
    load_shipped(corpus)
    with corpus.store.read() as conn:
        cols, rows = _sql.query_values(conn, country=country.upper() if country else None)
    values = pd.DataFrame.from_records(rows, columns=cols)
    values["year"] = values["year"].astype("int64")
    values["value"] = values["value"].astype("float64")
    if derived and len(values):
        values = pd.concat([values, derive_values(values)], ignore_index=True)
    mask = pd.Series(True, index=values.index)
    if partner is not None:
        mask &= values["partner"] == partner.upper()
    if indicators is not None:
        mask &= values["indicator"].isin(list(indicators))
    if year_from is not None:
        mask &= values["year"] >= int(year_from)
    if year_to is not None:
        mask &= values["year"] <= int(year_to)
    out = values[mask].sort_values(["indicator", "country", "partner", "year"], kind="stable")
    return out.reset_index(drop=True)


def list_indicators(corpus) -> pd.DataFrame:
    """What is loaded: indicator, label, unit, direction, origin, years, n, countries, source (derived included)."""
    meta = indicator_metadata(corpus).set_index("indicator")
    values = indicator_values(corpus)
    rows = []
    for name, m in meta.iterrows():
        v = values[values["indicator"] == name]
        years = f"{int(v['year'].min())}-{int(v['year'].max())}" if len(v) else ""
        rows.append({
            "indicator": name, "label": m["label"], "unit": m["unit"], "direction": int(m["direction"]),
            "origin": m["origin"], "years": years, "n": int(len(v)),
            "countries": ",".join(sorted(v["country"].unique())),
            "source": m["source"] if isinstance(m["source"], str) else "",
        })
    return pd.DataFrame(rows)


# -- UN roll-call agreement -----------------------------------------------------------------------------


