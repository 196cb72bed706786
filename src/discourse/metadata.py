"""Document metadata: the controlled vocabularies and their validation, in one place.

Every reader, manifest and CLI flag goes through :func:`validate_metadata`, so an unknown doc_type, a
malformed date or a non-ISO code is refused the same way everywhere, naming where it came from.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, fields, replace

import pycountry

from .errors import IngestError

__all__ = [
    "DOC_TYPES",
    "POST_CATEGORIES",
    "ORGANIZATIONS",
    "DocumentMeta",
    "validate_metadata",
    "parse_date",
    "check_language",
    "check_country",
]

DOC_TYPES = ("concept", "doctrine", "declaration", "law", "speech", "interview", "statement", "other")
POST_CATEGORIES = ("head of state", "head of government", "foreign minister", "UN representative", "other")
# Codes that are not ISO 3166-1 countries but issue official texts. Kept as given, marked as organizations.
ORGANIZATIONS = {"EU": "European Union"}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one document; every field optional until validated.

    ``date`` is ISO 8601 with optional month and day (``2015``, ``2015-11``, ``2015-11-04``).
    """

    title: str | None = None
    date: str | None = None
    year: int | None = None
    doc_type: str | None = None
    speaker: str | None = None
    speaker_post: str | None = None
    post_category: str | None = None
    country: str | None = None
    country_kind: str | None = None
    session: int | None = None
    language: str | None = None
    source_url: str | None = None

    def merged(self, other: "DocumentMeta") -> "DocumentMeta":
        """Return a copy where every field set in ``other`` overrides this one."""
        changes = {f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) is not None}
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def parse_date(value: str, where: str) -> tuple[str, int]:
    """Validate an ISO date with optional month/day; return ``(date, year)``.

    >>> parse_date("2015-11-04", "x")
    ('2015-11-04', 2015)
    """
    text = str(value).strip()
    m = _DATE.match(text)
    if not m:
        raise IngestError(
            "D110",
            f"{where}: malformed date {value!r}",
            hint="use ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2015-11-04",
            reason="bad_metadata",
        )
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not 1800 <= int(year) <= 2200:  # the same rule as for `year` (bounds.YEAR_MIN..YEAR_MAX)
        raise IngestError("D110", f"{where}: implausible date {value!r} (year {int(year)})",
                          hint="dates from 1800 to 2200 are accepted", reason="bad_metadata")
    try:
        if day:
            _dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            raise ValueError
    except ValueError:
        raise IngestError(
            "D110", f"{where}: date {value!r} does not exist", hint="check month and day", reason="bad_metadata"
        ) from None
    return text, int(year)


def check_language(value: str, where: str) -> str:
    """Return the lower-case ISO 639-1 code or raise naming ``where``."""
    code = str(value).strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise IngestError(
            "D111",
            f"{where}: {value!r} is not an ISO 639-1 language code",
            hint="use two letters, e.g. en, az, ru",
            reason="bad_metadata",
        )
    return code


def check_country(value: str, where: str) -> tuple[str, str]:
    """Return ``(code, kind)`` for an ISO 3166-1 alpha-3 code (kind ``state``) or a known organization."""
    code = str(value).strip().upper()
    if code in ORGANIZATIONS:
        return code, "organization"
    if len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None:
        return code, "state"
    # Historical codes used by the UN corpus (e.g. YUG, CSK, DDR, SUN) are in ISO 3166-3.
    if len(code) == 3 and pycountry.historic_countries.get(alpha_3=code) is not None:
        return code, "state"
    raise IngestError(
        "D112",
        f"{where}: {value!r} is not an ISO 3166-1 alpha-3 country code",
        hint="use three letters, e.g. AZE, RUS, USA (or EU for the European Union)",
        reason="bad_metadata",
    )


def validate_metadata(meta: DocumentMeta, where: str) -> DocumentMeta:
    """Check and canonicalize every field that is set; ``where`` names the file or manifest row."""
    changes: dict = {}
    if meta.doc_type is not None:
        dt = str(meta.doc_type).strip().lower()
        if dt not in DOC_TYPES:
            raise IngestError(
                "D113",
                f"{where}: unknown doc_type {meta.doc_type!r}",
                hint="valid types: " + ", ".join(DOC_TYPES),
                reason="bad_metadata",
            )
        changes["doc_type"] = dt
    if meta.date is not None and str(meta.date).strip():
        date, year = parse_date(meta.date, where)
        changes["date"] = date
        if meta.year is not None and int(meta.year) != year:
            raise IngestError(
                "D114", f"{where}: year {meta.year} disagrees with date {date}",
                hint="correct one of them, or give only the date (the year is taken from it)", reason="bad_metadata"
            )
        changes["year"] = year
    elif meta.year is not None:
        try:
            year = int(meta.year)
        except (TypeError, ValueError):
            raise IngestError("D110", f"{where}: malformed year {meta.year!r}", hint="write the year as four digits, "
                              "e.g. 2015", reason="bad_metadata") from None
        if not 1800 <= year <= 2200:
            raise IngestError("D110", f"{where}: implausible year {year}", hint="years from 1800 to 2200 are accepted",
                              reason="bad_metadata")
        changes["year"] = year
        changes["date"] = str(year)
    if meta.language is not None:
        changes["language"] = check_language(meta.language, where)
    if meta.country is not None:
        changes["country"], changes["country_kind"] = check_country(meta.country, where)
    if meta.post_category is not None and meta.post_category not in POST_CATEGORIES:
        raise IngestError(
            "D115",
            f"{where}: unknown post category {meta.post_category!r}",
            hint="valid: " + ", ".join(POST_CATEGORIES),
            reason="bad_metadata",
        )
    return replace(meta, **changes)
