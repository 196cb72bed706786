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

import csv
import hashlib
import math
import os
import re
from pathlib import Path
from typing import Sequence

import pandas as pd
import pycountry

from .defaults import ISSUE_CODES, ROLLCALL_CONVENTIONS
from .errors import IndicatorError
from .indicator_measures import DERIVED, derive_values, year_on_year
from .metadata import ORGANIZATIONS
from .resources import shipped
from .store import indicators as _sql

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

# -- vocabularies ---------------------------------------------------------------------------------------
UNITS: dict[str, str] = {
    "count": "a number of things (resolutions, schools, students, ...)",
    "share": "a proportion between 0 and 1",
    "percent": "a percentage between 0 and 100",
    "ratio": "a ratio of two quantities",
    "index": "an index on its own scale",
    "score": "a score on its own scale",
    "usd": "US dollars",
    "thousand_usd": "thousands of US dollars",
    "million_usd": "millions of US dollars",
    "billion_usd": "billions of US dollars",
    "tiv_million": "SIPRI trend-indicator value, millions",
}
"""The unit vocabulary: every value row and every indicator names one of these units."""

REQUIRED_COLUMNS = ("indicator", "country", "partner", "year", "value", "unit")
OPTIONAL_COLUMNS = ("bound", "source", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
"""Columns of an indicator file, in order: the first six are required, ``bound``, ``source``, ``note`` optional."""

BOUNDS = ("", "lower", "upper")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_META_KEYS = {"label", "unit", "direction", "frequency", "period_start", "description", "source"}
_SOURCE_KEYS = {"name", "url", "published", "retrieved", "cited_in", "transcribed"}

# ISSUE_CODES and ROLLCALL_CONVENTIONS live in defaults.py (the CLI lists them without importing this module).


ROLLCALL_INDICATOR = "un_vote_agreement_rollcall"
ROLLCALL_N_INDICATOR = "un_vote_rollcalls_both_voted"

_UNVOTES_SOURCE = {
    "source": "Voeten, United Nations General Assembly Voting Data (Harvard Dataverse, hdl:1902.1/12379), "
              "as packaged by the unvotes R package",
    "source_url": "https://hdl.handle.net/1902.1/12379",
    "published": "data to the end of 2019",
    "retrieved": "shared/data/unvotes (see its README)",
    "cited_in": None,
}

COMPUTED_META = {
    ROLLCALL_INDICATOR: {
        "label": "UN General Assembly voting agreement computed from roll calls",
        "unit": "share", "direction": 1, "frequency": "annual", "period_start": None,
        "description": "Share of roll calls in the year (by vote date) on which both states recorded a vote and "
                       "voted alike, under the convention named in each row's note; see docs/indicators.md.",
        **_UNVOTES_SOURCE,
    },
    ROLLCALL_N_INDICATOR: {
        "label": "UN General Assembly roll calls both states voted on",
        "unit": "count", "direction": 0, "frequency": "annual", "period_start": None,
        "description": "The n behind un_vote_agreement_rollcall.",
        **_UNVOTES_SOURCE,
    },
}


_FREQUENCIES = ("annual", "period")


# -- locations ------------------------------------------------------------------------------------------
def shipped_dir() -> Path:
    """Folder of the shipped indicator files: ``$DISCOURSE_INDICATORS_DIR``, else the ``corpus/indicators``
    shipped with discourse (inside the installed package, or the source checkout's)."""
    env = os.environ.get("DISCOURSE_INDICATORS_DIR")
    return Path(env) if env else shipped("corpus/indicators")


# -- metadata -------------------------------------------------------------------------------------------
def _meta_error(path, message: str) -> IndicatorError:
    return IndicatorError("D512", f"{path}: {message}",
                          hint="see corpus/indicators/indicators.yaml for the expected layout")


def read_metadata(path: str | os.PathLike) -> dict[str, dict]:
    """Read and validate an indicator metadata YAML file; return ``{indicator: record}`` ready to store.

    The file has a top-level ``indicators:`` mapping; each entry needs ``label``, ``unit`` (from
    :data:`UNITS`) and ``direction`` (1, 0 or -1), and may give ``frequency``, ``period_start``,
    ``description`` and a ``source`` block (name, url, published, retrieved, cited_in, transcribed).
    """
    path = Path(path)
    from .inputs import YamlProblem, load_yaml, read_regular_bytes

    try:
        data = load_yaml(read_regular_bytes(path).decode("utf-8"))[1]  # aliases, tags and values checked
    except FileNotFoundError:
        raise IndicatorError("D501", f"{path}: no such metadata file", hint="check the path") from None
    except IsADirectoryError:
        raise IndicatorError("D501", f"{path}: a folder, not a metadata file", hint="check the path") from None
    except OSError as exc:
        raise IndicatorError("D501", f"{path}: cannot read ({exc.strerror})", hint="check the path") from None
    except UnicodeDecodeError as exc:
        raise _meta_error(path, f"not a readable YAML file ({type(exc).__name__})") from None
    except YamlProblem as exc:
        raise _meta_error(path, f"line {exc.line}: {exc.message}") from None
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), dict):
        raise _meta_error(path, "expected a top-level mapping 'indicators:'")
    out: dict[str, dict] = {}
    for name, entry in data["indicators"].items():
        where = f"indicator {name!r}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise _meta_error(path, f"{where}: names are lower-case letters, digits and underscores")
        if not isinstance(entry, dict):
            raise _meta_error(path, f"{where}: expected a mapping of label, unit, direction, ...")
        unknown = sorted(set(entry) - _META_KEYS)
        if unknown:
            raise _meta_error(path, f"{where}: unknown key(s) {', '.join(unknown)}; valid: {', '.join(sorted(_META_KEYS))}")
        for key in ("label", "unit", "direction"):
            if entry.get(key) is None:
                raise _meta_error(path, f"{where}: missing {key}")
        direction = entry["direction"]
        if isinstance(direction, bool) or direction not in (-1, 0, 1):
            raise _meta_error(path, f"{where}: direction must be 1 (higher = closer to the target power), "
                                    f"-1 (higher = farther) or 0 (neutral), not {direction!r}")
        if entry["unit"] not in UNITS:
            raise _meta_error(path, f"{where}: unknown unit {entry['unit']!r}; valid: {', '.join(UNITS)}")
        frequency = entry.get("frequency", "annual")
        if frequency not in _FREQUENCIES:
            raise _meta_error(path, f"{where}: frequency must be annual or period, not {frequency!r}")
        source = entry.get("source") or {}
        if isinstance(source, str):
            source = {"name": source}
        if not isinstance(source, dict) or set(source) - _SOURCE_KEYS:
            raise _meta_error(path, f"{where}: source must be a text or a mapping of {', '.join(sorted(_SOURCE_KEYS))}")
        out[name] = {
            "indicator": name,
            "label": str(entry["label"]),
            "unit": entry["unit"],
            "direction": int(direction),
            "frequency": frequency,
            "period_start": entry.get("period_start"),
            "description": entry.get("description"),
            "source": _text(source.get("name")),
            "source_url": _text(source.get("url")),
            "published": _text(source.get("published")),
            "retrieved": _text(source.get("retrieved")),
            "cited_in": _text(source.get("cited_in")),
        }
    return out


def _text(value) -> str | None:
    return None if value is None else str(value)


# -- reading value files --------------------------------------------------------------------------------
def _country_ok(code: str) -> bool:
    if code in ORGANIZATIONS:
        return True
    return len(code) == 3 and (pycountry.countries.get(alpha_3=code) is not None
                               or pycountry.historic_countries.get(alpha_3=code) is not None)


def read_indicator_file(
    path: str | os.PathLike, *, metadata: dict[str, dict] | None = None, known: dict[str, dict] | None = None,
) -> list[dict]:
    """Read and validate a tidy indicator CSV; return its rows (dicts with the store's value columns).

    Every problem is collected with its line number (line 1 is the header) and raised together as one
    :class:`IndicatorError` whose code is the first problem's; nothing is returned partially.

    Parameters
    ----------
    path:
        The CSV (UTF-8) with the columns of :data:`COLUMNS`.
    metadata:
        Metadata records from :func:`read_metadata` for indicators this file introduces.
    known:
        Metadata of indicators already in the store (an indicator must be in one of the two).
    """
    path = Path(path)
    metadata = metadata or {}
    known = known or {}
    from .inputs import read_regular_bytes

    try:
        raw = read_regular_bytes(path)  # a FIFO or device is refused, never waited on
    except FileNotFoundError:
        raise IndicatorError("D501", f"{path}: no such file", hint="check the path") from None
    except OSError as exc:
        raise IndicatorError("D501", f"{path}: cannot read ({exc.strerror})", hint="check the path and its permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IndicatorError("D501", f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise IndicatorError("D501", f"{path}: empty file, expected a header line {','.join(COLUMNS)}",
                             hint="indicator files are UTF-8 CSV with a header line")
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        parts = []
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if len(set(header)) != len(header):
            from .inputs import duplicate_columns

            parts.append(f"repeated column name(s) {', '.join(duplicate_columns(header))}")
        raise IndicatorError("D502", f"{path}: line 1: {'; '.join(parts)}",
                             hint=f"the columns are {', '.join(REQUIRED_COLUMNS)} and optionally {', '.join(OPTIONAL_COLUMNS)}")
    problems: list[tuple[str, int, str]] = []
    rows: list[dict] = []
    seen: dict[tuple, int] = {}
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(("D502", line, f"{len(fields)} fields, expected {len(header)}"))
            continue
        rec = {h: f.strip() for h, f in zip(header, fields)}
        name, country, partner = rec["indicator"], rec["country"].upper(), rec["partner"]
        partner = "unknown" if partner.lower() == "unknown" else partner.upper()
        ok = True
        if not _NAME.match(name):
            problems.append(("D511", line, f"indicator name {name!r} must be lower-case letters, digits and underscores"))
            ok = False
        elif name in DERIVED or name in COMPUTED_META:
            problems.append(("D511", line, f"indicator {name!r} is computed by discourse and cannot be loaded from a file"))
            ok = False
        if not _country_ok(country):
            problems.append(("D508", line, f"country {rec['country']!r} is not an ISO 3166-1 alpha-3 code"))
            ok = False
        if partner and partner != "unknown" and not _country_ok(partner):
            problems.append(("D508", line, f"partner {rec['partner']!r} is not an ISO 3166-1 alpha-3 code, 'unknown' or empty"))
            ok = False
        try:
            year = int(rec["year"])
            if not 1800 <= year <= 2200:
                raise ValueError
        except ValueError:
            problems.append(("D507", line, f"year {rec['year']!r} is not a year"))
            ok = False
            year = None
        try:
            value = float(rec["value"])
            if not math.isfinite(value):
                raise ValueError
        except ValueError:
            shown = rec["value"]
            why = "is empty (leave the row out for a missing value)" if shown == "" else "is not a number"
            problems.append(("D503", line, f"value {shown!r} {why}"))
            ok = False
            value = None
        unit = rec["unit"]
        if unit not in UNITS:
            problems.append(("D505", line, f"unknown unit {unit!r}; valid units: {', '.join(UNITS)}"))
            ok = False
        bound = rec.get("bound", "").lower()
        if bound not in BOUNDS:
            problems.append(("D510", line, f"bound {rec.get('bound')!r} must be empty, lower or upper"))
            ok = False
        meta = metadata.get(name) or known.get(name)
        if _NAME.match(name) and name not in DERIVED and name not in COMPUTED_META and meta is None:
            problems.append(("D506", line, f"indicator {name!r} is new and has no metadata (label, unit, direction)"))
            ok = False
        elif meta is not None and unit in UNITS and unit != meta["unit"]:
            problems.append(("D509", line, f"unit {unit!r} differs from the unit of {name!r} ({meta['unit']})"))
            ok = False
        if year is not None:
            key = (name, country, partner, year)
            if key in seen:
                problems.append(("D504", line, f"duplicate of line {seen[key]} ({name}, {country}, {partner or '-'}, {year})"))
                ok = False
            else:
                seen[key] = line
        if ok:
            rows.append({
                "indicator": name, "country": country, "partner": partner, "year": year, "value": value,
                "unit": unit, "bound": bound, "source": rec.get("source", ""), "note": rec.get("note", ""),
                "file": path.name, "line": line, "origin": "user",
            })
    if problems:
        from .inputs import cap_errors  # 100 MB of bad rows must not become 167 MB of error text

        lines = "\n".join("  " + m for m in cap_errors(f"line {line}: {msg}" for _, line, msg in problems))
        hints = {
            "D506": "give the new indicator's label, unit and direction in a metadata file (meta=FILE.yaml, see "
                    "docs/indicators.md)",
            "D505": f"use one of the documented units: {', '.join(UNITS)}",
        }
        code = problems[0][0]
        raise IndicatorError(
            code, f"{path}: {len(problems)} problem(s), nothing stored:\n{lines}",
            hint=hints.get(code, "fix the lines named above and add the file again"),
        )
    return rows


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


