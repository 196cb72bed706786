"""Indicator files: the unit, bound and metadata vocabularies, the shipped folder, and reading metadata and value files."""

from __future__ import annotations

import csv
import math
import os
import re
from pathlib import Path
import pycountry

from .errors import IndicatorError
from .indicator_measures import DERIVED
from .metadata import ORGANIZATIONS
from .resources import shipped


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
