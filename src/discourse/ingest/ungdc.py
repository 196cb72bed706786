"""The UN General Debate Corpus (UNGDC): read the published archive, join the speakers table, ingest.

The corpus (Jankin, Baturo & Dasandi; Baturo, Dasandi & Mikhaylov 2017; Harvard Dataverse
doi:10.7910/DVN/0TJX8Y) is distributed as one archive holding ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``, one
plain-text statement per country and session, plus a table of who spoke (``speakers_by_session.csv``).

:func:`iter_ungdc_items` streams the statements out of a ``.tar.xz``/``.tgz``/``.tar.gz``/``.tar``/``.zip`` archive
or an unpacked folder without writing anything to disk, and yields one
:class:`~discourse.ingest.document.SourceItem` per statement with its metadata (country, session, year, doc_type
``statement``, language ``en``, speaker, recorded post and its category).
:func:`~discourse.ingest.ungdc_fetch.fetch_ungdc` (``ungdc_fetch.py``, above the pipeline) feeds them to the
ingestion pipeline and returns a :class:`UngdcReport`. Reading the archive's members safely is
``ungdc_archive.py``; downloading it with its checksum is ``ungdc_download.py``.

Archive members are read defensively: a path that is absolute or climbs out of the archive (``..``), a link, a
device, or a member larger than the size limit is refused by name and the batch goes on. The five files of the
published archive that are not speeches (R session histories and a converted ``.DS_Store``) are skipped and
reported.

Error codes (D180-D189):

====  =================  ==================================================================
code  reason             cause
====  =================  ==================================================================
D180  not_found          the archive, folder or speakers table does not exist / unknown format
D181  unsafe_path        a member's path is absolute or contains ``..``
D182  unsafe_member      a member is a link, device or other non-regular file
D183  too_large          a member is larger than the per-member size limit
D184  bad_speakers       the speakers table lacks a column or has a malformed row
D185  checksum           a downloaded or given archive does not match its checksum
D186  download           the archive could not be downloaded (offline, HTTP error)
D187  corrupt_archive    the archive cannot be decompressed or is truncated
D188  no_speeches        the source holds no file named like ``ISO_NN_YYYY.txt``
====  =================  ==================================================================
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from ..metadata import POST_CATEGORIES, DocumentMeta
from .document import SourceItem
from .ungdc_archive import archive_members
from .ungdc_download import DATAVERSE_DOI, download_archive, verify_checksum

__all__ = [
    "DATAVERSE_DOI",
    "SpeakerRecord",
    "UngdcReport",
    "normalize_post",
    "load_speakers",
    "iter_ungdc_items",
    "download_archive",
    "verify_checksum",
]

SOURCE_URL = "https://doi.org/10.7910/DVN/0TJX8Y"
SPEAKERS_FILE = "speakers_by_session.csv"
DEFAULT_MAX_MEMBER_BYTES = 20 * 1024 * 1024  # the largest real statement is ~0.4 MB
SPEAKER_COLUMNS = ("Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post")

# ISO_NN_YYYY.txt (EU_NN_YYYY.txt for the European Union), optionally inside "Session NN - YYYY/".
_SPEECH = re.compile(r"^(?P<code>[A-Z]{2,4})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt$")
_SESSION_DIR = re.compile(r"^Session (?P<session>\d{1,3}) - (?P<year>\d{4})$")

# Country codes mistyped in the speakers table, each verified against the file of the same session that had no
# row: EC = the European Union's statements of 2011/2013, YDYE = Democratic Yemen (ISO 3166-3 YMD), ...
CODE_ALIASES = {"EC": "EU", "DKN": "DNK", "CZK": "CSK", "PAR": "PRY", "PKR": "PRK", "POR": "PRT", "YDYE": "YMD",
                "ZFA": "ZAF"}


# ----------------------------------------------------------------------------------------------------------
# Post normalization
# ----------------------------------------------------------------------------------------------------------

# Misspellings found in the real table, fixed word by word before classifying.
_TYPOS = {
    "foregn": "foreign", "misnter": "minister", "minsiter": "minister", "cairman": "chairman",
    "goverment": "government", "govermnent": "government", "presidensy": "presidency", "comander": "commander",
    "coucil": "council", "attourney": "attorney", "specail": "special", "internatl": "international",
    "commis·sioner": "commissioner", "rime": "prime",
}
_MISSING = {"", "missing", "not indicated", "nan", "none", "n/a", "-"}
# A role starts a new segment after ", " or " and " only when a role word follows, so "Minister for Foreign
# Affairs and Trade" stays one segment while "Prime Minister and Minister for Foreign Affairs" is two.
_ROLE_START = (
    r"(?:the\s+)?(?:acting|interim|deputy|vice|vice-\w+|first|second|senior|federal|union|cabinet|minister|ministry|"
    r"president|prime|premier|head|king|queen|emir|amir|sheikh|prince|crown|emperor|pope|sultan|chairman|chair|"
    r"commander|secretary|attorney|state|special|chief|member|coordinator|chancellor|commissioner|permanent|un)\b"
)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?(?=" + _ROLE_START + r")|\s+and\s+(?=" + _ROLE_START + r")")

_OTHER_FIRST = re.compile(
    r"^(?:deputy|vice|first vice|second|member of|personal representative|special envoy|minister at|"
    r"minister of state|senior minister|crown prince|state counsell?or|union minister for the office)\b"
)
_HEAD_OF_STATE = re.compile(
    r"^(?:(?:acting|interim|constitutional|first executive|sovereign)\s+)?(?:"
    r"president(?!\s+of\s+(?:the\s+)?(?:council of ministers|government))|"
    r"head of state|king|queen|emir|amir|sheikh|prince|emperor|pope|head of the church|sultan|grand duke|"
    r"captain regent|chairman of the presidency|chairman of the presidential council|"
    r"chairman of the (?:transitional )?military council|chairman of the supreme council|"
    r"chairman of the (?:assembly )?presidium|coordinator of the junta|head of the federal military government|"
    r"commander in chief, head of state)\b"
)
_HEAD_OF_GOVERNMENT = re.compile(
    r"^(?:first\s+)?(?:prime minister|premier|head of (?:the\s+)?government|chancellor|"
    r"president of (?:the\s+)?(?:council of ministers|government)|chairman of the council of ministers|"
    r"chief executive(?! officer)|chief advis[oe]r of the interim government)\b"
)
_FOREIGN_MINISTER = re.compile(
    r"^(?:(?:acting|federal|cabinet)\s+)?(?:"
    r"(?:minister|ministry|secretary|commissioner)\s+(?:of|for|responsible for)\s+(?:the\s+)?"
    r"(?:foreign|external|international|europe|relations with states)|"
    r"foreign minister|secretary of state$)"
)
_UN_REPRESENTATIVE = re.compile(
    r"^(?:un representative|permanent representative|ambassador|(?:chair|chairman|head) of (?:the\s+)?delegation|"
    r"delegation$)"
)
# Highest office first: a post naming several offices takes the highest one.
_RULES = (
    ("head of state", _HEAD_OF_STATE),
    ("head of government", _HEAD_OF_GOVERNMENT),
    ("foreign minister", _FOREIGN_MINISTER),
    ("UN representative", _UN_REPRESENTATIVE),
)


def _clean_post(post: str) -> str:
    text = re.sub(r"\s+", " ", str(post).replace("\u2019", "'")).strip().lower()
    text = re.sub(r"[a-z·]+", lambda m: _TYPOS.get(m.group(0), m.group(0)), text)
    return text.replace("commander-in-chief", "commander in chief").replace("comander", "commander")


def _segment_category(segment: str) -> str:
    if _OTHER_FIRST.match(segment):
        return "other"
    for category, pattern in _RULES:
        if pattern.match(segment):
            return category
    return "other"


def normalize_post(post: str | None) -> str | None:
    """Map a post as recorded in the speakers table to one of :data:`~discourse.metadata.POST_CATEGORIES`.

    The post is lower-cased, known misspellings are fixed ("Foregn", "Minsiter", "Cairman"), and it is cut
    into offices ("Prime Minister and Minister for Foreign Affairs" -> two offices, "Minister for Foreign Affairs
    and Trade" -> one). Each office is classified from its beginning, so "Personal Representative of the Head of
    State" is not a head of state and "Vice-President" or "Deputy Prime Minister" are ``other``. The post takes
    the highest of its offices, in the order head of state > head of government > foreign minister > UN
    representative > other (so a prime minister who is also foreign minister counts as head of government).
    Returns ``None`` when nothing is recorded (empty, "missing", "Not indicated").

    >>> normalize_post("Minister for Foregn Affairs")
    'foreign minister'
    >>> normalize_post("Deputy Prime Minister and Minister for Foreign Affairs")
    'foreign minister'
    >>> normalize_post("President of the Council of Ministers")
    'head of government'
    """
    if post is None or (isinstance(post, float) and post != post):
        return None
    text = _clean_post(post)
    if text in _MISSING:
        return None
    found = {_segment_category(seg) for seg in _SPLIT.split(text) if seg}
    for category in POST_CATEGORIES:
        if category in found:
            return category
    return "other"


# ----------------------------------------------------------------------------------------------------------
# Speakers table
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerRecord:
    """Who delivered one statement, as the speakers table records it."""

    name: str | None
    post: str | None
    post_category: str | None


def _clean(value) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def load_speakers(path: str | os.PathLike) -> tuple[dict[tuple[str, int], SpeakerRecord], list[str]]:
    """Read ``speakers_by_session.csv``; return ``({(code, session): SpeakerRecord}, warnings)``.

    Codes are stripped and known typos mapped (:data:`CODE_ALIASES`). When a (code, session) appears on
    several rows that disagree on the speaker, the statement's speaker is left unknown rather than guessed, and
    a warning names the rows.
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError("D180", f"speakers table {path} does not exist",
                          hint="pass the speakers table (speakers=FILE) or put speakers_by_session.csv next to the archive",
                          reason="not_found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise IngestError("D184", f"{path}: not a readable CSV table ({exc})",
                          hint="pass the speakers table as published (UTF-8 CSV with a header row)",
                          reason="bad_speakers") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in SPEAKER_COLUMNS if c not in frame.columns]
    if missing:
        raise IngestError("D184", f"{path}: missing column(s) {', '.join(missing)}",
                          hint="expected columns: " + ", ".join(SPEAKER_COLUMNS), reason="bad_speakers")
    rows: dict[tuple[str, int], list[tuple[int, SpeakerRecord]]] = {}
    warnings: list[str] = []
    for i, (code, session, name, post) in enumerate(
        zip(frame["ISO Code"], frame["Session"], frame["Name of Person Speaking"], frame["Post"]), start=2
    ):
        code = code.strip().upper()
        if not code:
            warnings.append(f"{path.name} line {i}: no country code; row ignored")
            continue
        code = CODE_ALIASES.get(code, code)
        try:
            session_no = int(str(session).strip())
        except ValueError:
            raise IngestError("D184", f"{path} line {i}: session {session!r} is not a number",
                              hint="the Session column holds whole numbers (e.g. 74)", reason="bad_speakers") from None
        post_text = _clean(post)
        category = normalize_post(post_text)
        if category is None:
            post_text = None
        rows.setdefault((code, session_no), []).append((i, SpeakerRecord(_clean(name), post_text, category)))
    table: dict[tuple[str, int], SpeakerRecord] = {}
    for key, found in rows.items():
        records = {_speaker_key(r) for _, r in found}
        if len(records) == 1:
            table[key] = found[0][1]
        else:
            lines = ", ".join(str(i) for i, _ in found)
            warnings.append(
                f"{path.name} lines {lines}: {len(found)} different speakers for {key[0]} session {key[1]}; "
                "speaker left unknown"
            )
            table[key] = SpeakerRecord(None, None, None)
    return table, warnings


def _speaker_key(record: SpeakerRecord) -> tuple:
    name = re.sub(r"[^a-z]", "", (record.name or "").lower().removeprefix("mr.").removeprefix("mr"))
    return name, record.post_category


# ----------------------------------------------------------------------------------------------------------
# Reading the archive
# ----------------------------------------------------------------------------------------------------------


@dataclass
class UngdcReport:
    """What one fetch did: the pipeline's report plus the connector's own findings.

    ``skipped`` lists members that are not speeches ``(member, why)``; ``refused`` lists unsafe or oversize
    members ``(member, code, message)``; ``speakers_missing`` counts statements without a row in the speakers
    table; ``warnings`` holds speakers-table notes.
    """

    ingest: object = None
    statements: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)
    speakers_matched: int = 0
    speakers_missing: int = 0
    warnings: list[str] = field(default_factory=list)
    archive_sha256: str | None = None

    def _count(self, name: str) -> int:
        value = getattr(self.ingest, name, 0) if self.ingest is not None else 0
        return len(value) if isinstance(value, (list, tuple, set, dict)) else int(value or 0)

    @property
    def added(self) -> int:
        return self._count("added")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> list:
        failed = list(getattr(self.ingest, "failed", []) or [])
        return failed + list(self.refused)

    def summary(self) -> pd.DataFrame:
        """One row per outcome: statements, added, updated, unchanged, failed, skipped, speakers matched."""
        rows = [
            ("statements", self.statements, ""),
            ("added", self.added, ""),
            ("updated", self.updated, ""),
            ("unchanged", self.unchanged, ""),
            ("failed", len(self.failed), "; ".join(f"{s}: [{c}] {m}" for s, c, m in self.failed[:10])),
            ("skipped", len(self.skipped), "; ".join(f"{m} ({why})" for m, why in self.skipped)),
            ("with speaker row", self.speakers_matched, ""),
            ("without speaker row", self.speakers_missing, ""),
        ]
        return pd.DataFrame(rows, columns=["outcome", "count", "detail"])


def parse_member(name: str) -> tuple[str, int, int] | None:
    """``(code, session, year)`` from a member path ``.../Session NN - YYYY/ISO_NN_YYYY.txt``, else ``None``.

    >>> parse_member("TXT/Session 74 - 2019/AZE_74_2019.txt")
    ('AZE', 74, 2019)
    """
    parts = name.split("/")
    m = _SPEECH.match(parts[-1])
    if not m:
        return None
    code, session, year = m.group("code"), int(m.group("session")), int(m.group("year"))
    if len(parts) >= 2:
        d = _SESSION_DIR.match(parts[-2])
        if d and (int(d.group("session")), int(d.group("year"))) != (session, year):
            return None
    return code, session, year


def _where(source: Path, name: str, folder: bool) -> str:
    return f"{source}::{name}" if not folder else str(source / name)


def iter_ungdc_items(
    source: str | os.PathLike,
    *,
    speakers: dict[tuple[str, int], SpeakerRecord] | None = None,
    max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
    report: UngdcReport | None = None,
) -> Iterator[SourceItem]:
    """Yield one :class:`SourceItem` per statement in an UNGDC archive or folder, in archive order.

    Parameters
    ----------
    source:
        The archive (``.tar.xz``, ``.tgz``, ``.tar.gz``, ``.tar``, ``.zip``) or an unpacked folder.
    speakers:
        From :func:`load_speakers`; ``None`` leaves speaker fields unset.
    max_member_bytes:
        Members larger than this are refused (D183).
    report:
        Collects skipped (non-speech) and refused (unsafe, oversize) members and speaker coverage.

    Nothing is written to disk; members are decompressed in memory one at a time.
    """
    path = Path(source).resolve()
    report = report if report is not None else UngdcReport()
    folder = path.is_dir()  # once: a stat per member cost 45 us each in a busy pass
    for name, data in archive_members(path, max_member_bytes):
        if isinstance(data, IngestError):
            report.refused.append((_where(path, name, folder), data.code, data.message))
            continue
        parsed = parse_member(name)
        if parsed is None:
            base = name.rsplit("/", 1)[-1]
            what = ("an R session history" if base in (".Rhistory", ".Rapp.history")
                    else "macOS folder metadata" if base.startswith(".DS_Store") else "not named ISO_NN_YYYY.txt")
            why = f"not a speech: {what}"
            report.skipped.append((_where(path, name, folder), why))
            continue
        code, session, year = parsed
        speaker = speakers.get((code, session)) if speakers is not None else None
        if speakers is not None:
            if speaker is None:
                report.speakers_missing += 1
            else:
                report.speakers_matched += 1
        speaker = speaker or SpeakerRecord(None, None, None)
        meta = DocumentMeta(
            title=f"UN General Debate statement, {code}, session {session} ({year})",
            date=str(year),
            year=year,
            doc_type="statement",
            speaker=speaker.name,
            speaker_post=speaker.post,
            post_category=speaker.post_category,
            country=code,
            session=session,
            language="en",
            source_url=SOURCE_URL,
        )
        report.statements += 1
        yield SourceItem(source=_where(path, name, folder), data=data, kind="text", meta=meta)


# ----------------------------------------------------------------------------------------------------------
# Download and checksum
# ----------------------------------------------------------------------------------------------------------


