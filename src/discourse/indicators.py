"""Quantitative indicators: tidy yearly values with sources, derived measures, and UN roll-call agreement.

An indicator is a tidy table ``indicator, country, partner, year, value, unit[, bound, source, note]`` plus
metadata (label, unit, direction toward the target power, frequency, source). The figures of the seed study
ship in ``corpus/indicators/`` and are loaded into the store on first use (:func:`load_shipped`); users add
their own with :func:`add_indicators`. Derived indicators (Russia's share of arms imports, the study's
vote-match rate, year-on-year changes) are computed when read (:func:`indicator_values`), never typed.

UN voting agreement is computed from the Voeten roll-call tables (:func:`un_vote_agreement`) and stored beside
the study's hand count (:func:`un_votes`), which also reports where the two differ.

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
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import pycountry

from .errors import IndicatorError
from .metadata import ORGANIZATIONS
from .store import indicators as _sql

__all__ = [
    "UNITS",
    "COLUMNS",
    "DERIVED",
    "ROLLCALL_CONVENTIONS",
    "ISSUE_CODES",
    "shipped_dir",
    "default_votes_dir",
    "read_metadata",
    "read_indicator_file",
    "load_shipped",
    "add_indicators",
    "indicator_values",
    "indicator_metadata",
    "list_indicators",
    "year_on_year",
    "un_vote_agreement",
    "store_un_vote_agreement",
    "compare_un_votes",
    "un_votes",
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

ISSUE_CODES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}
"""Topic codes of the roll-call issues table (``--exclude-issues``)."""

ROLLCALL_CONVENTIONS: dict[str, str] = {
    "identical": "agreement = roll calls with identical votes (yes-yes, no-no, abstain-abstain) / roll calls both "
                 "voted on",
    "half": "as identical, but one abstaining while the other votes yes or no counts 0.5 (Lijphart's index of "
            "agreement)",
    "yesno": "only roll calls where both voted yes or no; agreement = identical / those roll calls",
}
"""How votes count toward agreement (``--abstain-convention``)."""

ROLLCALL_INDICATOR = "un_vote_agreement_rollcall"
ROLLCALL_N_INDICATOR = "un_vote_rollcalls_both_voted"
STUDY_MATCHES = "un_vote_matches_study"
STUDY_RESOLUTIONS = "un_vote_resolutions_study"
STUDY_RATE = "un_vote_match_rate_study"

_UNVOTES_SOURCE = {
    "source": "Voeten, United Nations General Assembly Voting Data (Harvard Dataverse, hdl:1902.1/12379), "
              "as packaged by the unvotes R package",
    "source_url": "https://hdl.handle.net/1902.1/12379",
    "published": "data to the end of 2019",
    "retrieved": "shared/data/unvotes (see its README)",
    "cited_in": None,
}

_COMPUTED_META = {
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

DERIVED: dict[str, dict] = {
    "arms_imports_russia_share": {
        "label": "Russia's share of arms imports (Russia TIV / published total TIV)",
        "unit": "share", "direction": 1,
        "formula": "arms_imports_tiv[partner=RUS] / arms_imports_tiv_total; a year with a published total and "
                   "no Russian row (no deliveries recorded) gives 0",
    },
    STUDY_RATE: {
        "label": "UN General Assembly vote-match rate (study's hand count)",
        "unit": "share", "direction": 1,
        "formula": "un_vote_matches_study / un_vote_resolutions_study",
    },
    "trade_turnover_yoy": {
        "label": "Trade turnover, change on the previous year",
        "unit": "share", "direction": 0,
        "formula": "trade_turnover[t] / trade_turnover[t-1] - 1; missing when year t-1 is missing (a change, not "
                   "a level: no direction claimed)",
    },
    "arms_imports_tiv_total_yoy": {
        "label": "Arms imports (published total), change on the previous year",
        "unit": "share", "direction": 0,
        "formula": "arms_imports_tiv_total[t] / arms_imports_tiv_total[t-1] - 1; missing when year t-1 is missing",
    },
}
"""Indicators computed from stored ones when read: label, unit, direction and formula."""

_FREQUENCIES = ("annual", "period")


# -- locations ------------------------------------------------------------------------------------------
def _project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def shipped_dir() -> Path:
    """Folder of the shipped indicator files: ``$DISCOURSE_INDICATORS_DIR`` or ``corpus/indicators``."""
    env = os.environ.get("DISCOURSE_INDICATORS_DIR")
    return Path(env) if env else _project_root() / "corpus" / "indicators"


def default_votes_dir() -> Path:
    """Folder of the roll-call tables: ``$DISCOURSE_UNVOTES_DIR`` or ``../shared/data/unvotes`` beside the project."""
    env = os.environ.get("DISCOURSE_UNVOTES_DIR")
    return Path(env) if env else _project_root().parent / "shared" / "data" / "unvotes"


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
        raise IndicatorError("D501", f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IndicatorError("D501", f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise IndicatorError("D501", f"{path}: empty file, expected a header line {','.join(COLUMNS)}")
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
        elif name in DERIVED or name in _COMPUTED_META:
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
        if _NAME.match(name) and name not in DERIVED and name not in _COMPUTED_META and meta is None:
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
            "D506": "give the new indicator's label, unit and direction with --meta FILE.yaml (see docs/indicators.md)",
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


def year_on_year(frame: pd.DataFrame, *, relative: bool = True) -> pd.DataFrame:
    """Year-on-year change of tidy values within each (indicator, country, partner) series.

    The change for year t needs a value for year t-1; otherwise it is missing (no row). ``relative`` gives
    value[t] / value[t-1] - 1, else value[t] - value[t-1].
    """
    out = []
    for _, grp in frame.groupby(["indicator", "country", "partner"], sort=True):
        s = grp.set_index("year")["value"].sort_index()
        prev = s.reindex(s.index - 1).to_numpy()
        change = s.to_numpy() / prev - 1 if relative else s.to_numpy() - prev
        part = grp.sort_values("year")[["country", "partner", "year"]].copy()
        part["value"] = change
        out.append(part[~np.isnan(change)])
    if not out:
        return pd.DataFrame(columns=["country", "partner", "year", "value"])
    return pd.concat(out, ignore_index=True)


def _derive(values: pd.DataFrame) -> pd.DataFrame:
    """Derived indicator rows computed from stored tidy values (see :data:`DERIVED`)."""
    parts = []

    def rows_of(name):
        return values[values["indicator"] == name]

    # Russia's share of arms imports.
    total = rows_of("arms_imports_tiv_total").set_index(["country", "year"])["value"]
    rus = rows_of("arms_imports_tiv")
    rus = rus[rus["partner"] == "RUS"].set_index(["country", "year"])["value"]
    if len(total):
        share = (rus.reindex(total.index).fillna(0.0) / total).where(total > 0)
        absent = ~total.index.isin(rus.index)
        part = share.rename("value").reset_index()
        part["partner"] = "RUS"
        part["note"] = np.where(absent, "no deliveries from Russia recorded (empty cell): share 0", "")
        part["indicator"] = "arms_imports_russia_share"
        parts.append(part.dropna(subset=["value"]))
    # The study's vote-match rate.
    m = rows_of(STUDY_MATCHES).set_index(["country", "partner", "year"])["value"]
    r = rows_of(STUDY_RESOLUTIONS).set_index(["country", "partner", "year"])["value"]
    if len(m) and len(r):
        rate = (m / r).dropna()
        part = rate.rename("value").reset_index()
        part["indicator"] = STUDY_RATE
        part["note"] = ""
        parts.append(part)
    # Year-on-year changes.
    for name in ("trade_turnover", "arms_imports_tiv_total"):
        base = rows_of(name)
        if len(base):
            part = year_on_year(base)
            part["indicator"] = f"{name}_yoy"
            part["note"] = ""
            parts.append(part)
    if not parts:
        return values.iloc[0:0]
    out = pd.concat(parts, ignore_index=True)
    out["unit"] = out["indicator"].map(lambda n: DERIVED[n]["unit"])
    out["bound"] = ""
    out["source"] = "derived: " + out["indicator"].map(lambda n: DERIVED[n]["formula"])
    out["file"] = None
    out["line"] = None
    out["origin"] = "derived"
    return out[list(values.columns)]


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
        values = pd.concat([values, _derive(values)], ignore_index=True)
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
_VOTE_FILES = ("un_votes.csv.gz", "un_roll_calls.csv.gz", "un_roll_call_issues.csv.gz")


def _alpha2(code: str, role: str) -> str:
    code = str(code).strip().upper()
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if country is None:
        raise IndicatorError("D521", f"{role} {code!r} is not an ISO 3166-1 alpha-3 code",
                             hint="use three letters, e.g. AZE, RUS")
    return country.alpha_2


def _read_votes_table(path: Path, usecols: list[str], dtype: dict) -> pd.DataFrame:
    if not path.exists():
        raise IndicatorError("D520", f"{path}: roll-call table missing",
                             hint=f"point --votes-dir at a folder holding {', '.join(_VOTE_FILES)}")
    try:
        return pd.read_csv(path, usecols=usecols, dtype=dtype, keep_default_na=False, na_values=[])
    except ValueError as exc:
        raise IndicatorError("D520", f"{path}: not a roll-call table with columns {', '.join(usecols)} ({exc})",
                             hint="use the tables of the unvotes R package (see ../shared/data/unvotes/README.md)") from None


def un_vote_agreement(
    country: str,
    partner: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    votes_dir: str | os.PathLike | None = None,
    exclude_issues: Iterable[str] = (),
    convention: str = "identical",
) -> pd.DataFrame:
    """Yearly UN General Assembly voting agreement of two states from the roll-call tables.

    A roll call counts when both states have a row in ``un_votes.csv.gz`` (the file has no absences:
    absent states and non-members simply have no row). Years are calendar years of the vote date.

    Parameters
    ----------
    country, partner:
        ISO 3166-1 alpha-3 codes (mapped to the file's alpha-2 codes with pycountry).
    year_from, year_to:
        Inclusive year range.
    votes_dir:
        Folder with the three tables (default :func:`default_votes_dir`).
    exclude_issues:
        Issue codes (:data:`ISSUE_CODES`); a roll call tagged with any of them is left out.
    convention:
        One of :data:`ROLLCALL_CONVENTIONS` (default ``identical``).

    Returns a frame with columns year, n (roll calls counted), n_identical, n_one_abstains (one abstained,
    the other voted yes or no), n_opposite (yes against no), agreement.

    Example: ``un_vote_agreement("AZE", "RUS", 2009, 2019)``.
    """
    if convention not in ROLLCALL_CONVENTIONS:
        raise IndicatorError("D523", f"unknown abstain convention {convention!r}",
                             hint=f"use one of {', '.join(ROLLCALL_CONVENTIONS)}")
    excluded = [c.strip().lower() for c in exclude_issues if c and c.strip()]
    bad = [c for c in excluded if c not in ISSUE_CODES]
    if bad:
        raise IndicatorError("D522", f"unknown issue code(s) {', '.join(bad)}",
                             hint="issue codes: " + ", ".join(f"{k} ({v})" for k, v in ISSUE_CODES.items()))
    if year_from is not None and year_to is not None and year_from > year_to:
        raise IndicatorError("D524", f"year range {year_from}-{year_to} is empty", hint="--from must not exceed --to")
    a2c, a2p = _alpha2(country, "country"), _alpha2(partner, "partner")
    folder = Path(votes_dir) if votes_dir is not None else default_votes_dir()
    votes = _read_votes_table(folder / _VOTE_FILES[0], ["rcid", "country_code", "vote"],
                              {"rcid": "float64", "country_code": "string", "vote": "string"})
    votes = votes[votes["country_code"].isin([a2c, a2p])]
    calls = _read_votes_table(folder / _VOTE_FILES[1], ["rcid", "date"], {"rcid": "float64", "date": "string"})
    calls["year"] = pd.to_numeric(calls["date"].str.slice(0, 4), errors="coerce")
    if year_from is not None:
        calls = calls[calls["year"] >= year_from]
    if year_to is not None:
        calls = calls[calls["year"] <= year_to]
    if excluded:
        issues = _read_votes_table(folder / _VOTE_FILES[2], ["rcid", "short_name"],
                                   {"rcid": "float64", "short_name": "string"})
        drop = issues.loc[issues["short_name"].str.lower().isin(excluded), "rcid"]
        calls = calls[~calls["rcid"].isin(drop)]
    for code, role in ((a2c, country), (a2p, partner)):
        if not (votes["country_code"] == code).any():
            raise IndicatorError("D521", f"{folder / _VOTE_FILES[0]}: no votes of {role.upper()} ({code})",
                                 hint="check the country code and the roll-call file")
    vote = votes["vote"].str.strip().str.lower()
    odd = votes.loc[~vote.isin(["yes", "no", "abstain"])]
    if len(odd):
        raise IndicatorError("D525", f"{folder / _VOTE_FILES[0]}: roll call {odd['rcid'].iloc[0]:g}: vote "
                                     f"{odd['vote'].iloc[0]!r} is not yes, no or abstain")
    votes = votes.assign(vote=vote)
    a = votes[votes["country_code"] == a2c].drop_duplicates("rcid").set_index("rcid")["vote"].rename("a")
    b = votes[votes["country_code"] == a2p].drop_duplicates("rcid").set_index("rcid")["vote"].rename("b")
    both = pd.concat([a, b], axis=1, join="inner").join(calls.set_index("rcid")["year"], how="inner")
    va, vb = both["a"].to_numpy(dtype=object), both["b"].to_numpy(dtype=object)
    identical = va == vb
    one_abstains = ~identical & ((va == "abstain") | (vb == "abstain"))
    both = pd.DataFrame({"year": both["year"].to_numpy(dtype="int64"), "identical": identical,
                         "one_abstains": one_abstains, "opposite": ~identical & ~one_abstains,
                         "any_abstain": (va == "abstain") | (vb == "abstain")}, index=both.index)
    if convention == "yesno":
        both = both[~both["any_abstain"]]
    both["credit"] = both["identical"].astype("float64")
    if convention == "half":
        both["credit"] += 0.5 * both["one_abstains"].astype("float64")
    grouped = both.groupby("year")
    out = pd.DataFrame({
        "n": grouped.size(),
        "n_identical": grouped["identical"].sum(),
        "n_one_abstains": grouped["one_abstains"].sum(),
        "n_opposite": grouped["opposite"].sum(),
        "agreement": grouped["credit"].sum() / grouped.size(),
    })
    out.index = out.index.astype("int64")
    out = out.reset_index()
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite"):
        out[col] = out[col].astype("int64")
    return out


def store_un_vote_agreement(corpus, agreement: pd.DataFrame, country: str, partner: str, *,
                            parameters: dict) -> int:
    """Store a computed agreement series (and its n) as ``un_vote_agreement_rollcall`` / ``..._both_voted``.

    Replaces the pair's earlier computed series; the note of each row records the parameters.
    """
    country, partner = country.upper(), partner.upper()
    note = "; ".join(f"{k}={v}" for k, v in parameters.items())
    rows = []
    for rec in agreement.itertuples(index=False):
        for name, value, unit in ((ROLLCALL_INDICATOR, float(rec.agreement), "share"),
                                  (ROLLCALL_N_INDICATOR, float(rec.n), "count")):
            rows.append({"indicator": name, "country": country, "partner": partner, "year": int(rec.year),
                         "value": value, "unit": unit, "bound": "", "source": "computed from roll calls",
                         "note": note, "file": None, "line": None, "origin": "computed"})
    metas = [{"indicator": k, "origin": "computed", **v} for k, v in _COMPUTED_META.items()]
    with corpus.store.write() as conn:
        _sql.upsert_meta(conn, metas)
        for name in _COMPUTED_META:
            _sql.delete_values(conn, name, country, partner)
        _sql.replace_values(conn, rows)
    return len(rows)


def compare_un_votes(corpus, agreement: pd.DataFrame, country: str, partner: str, *,
                     tolerance: float = 0.05) -> pd.DataFrame:
    """Set the computed agreement beside the study's hand count, year by year, and flag where they differ.

    Columns: year, n, agreement (computed), study_matches, study_resolutions, study_rate, difference
    (agreement - study_rate), differs (|difference| > ``tolerance``, or one side missing).
    """
    study = indicator_values(corpus, country=country, partner=partner,
                             indicators=[STUDY_MATCHES, STUDY_RESOLUTIONS, STUDY_RATE])
    wide = study.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=[STUDY_MATCHES, STUDY_RESOLUTIONS, STUDY_RATE])
    wide.columns = ["study_matches", "study_resolutions", "study_rate"]
    out = agreement.set_index("year").join(wide, how="outer") if len(agreement) else wide
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite", "agreement"):
        if col not in out:
            out[col] = np.nan
    out = out.reset_index().rename(columns={"index": "year"})
    out["difference"] = out["agreement"] - out["study_rate"]
    out["differs"] = out["difference"].abs().gt(tolerance) | out["difference"].isna()
    for col in ("n", "n_identical", "n_one_abstains", "n_opposite", "study_matches", "study_resolutions"):
        out[col] = out[col].astype("Int64")
    return out[["year", "n", "n_identical", "n_one_abstains", "n_opposite", "agreement", "study_matches",
                "study_resolutions", "study_rate", "difference", "differs"]]


def un_votes(
    corpus,
    country: str,
    partner: str,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    votes_dir: str | os.PathLike | None = None,
    exclude_issues: Iterable[str] = (),
    convention: str = "identical",
    store: bool = True,
) -> pd.DataFrame:
    """Compute agreement from the roll calls, store it beside the study's count, and return the comparison.

    The CLI twin is ``discourse indicators un-votes``; see :func:`un_vote_agreement` and
    :func:`compare_un_votes` for the columns.
    """
    excluded = sorted({c.strip().lower() for c in exclude_issues if c and c.strip()})
    agreement = un_vote_agreement(country, partner, year_from, year_to, votes_dir=votes_dir,
                                  exclude_issues=excluded, convention=convention)
    load_shipped(corpus)
    if store:
        store_un_vote_agreement(corpus, agreement, country, partner, parameters={
            "convention": convention, "exclude_issues": ",".join(excluded) or "none", "year": "vote date",
        })
    out = compare_un_votes(corpus, agreement, country, partner)
    if year_from is not None:
        out = out[out["year"] >= year_from]
    if year_to is not None:
        out = out[out["year"] <= year_to]
    return out.reset_index(drop=True)
