"""The UN General Debate Corpus (UNGDC): read the published archive, join the speakers table, ingest.

The corpus (Jankin, Baturo & Dasandi; Baturo, Dasandi & Mikhaylov 2017; Harvard Dataverse
doi:10.7910/DVN/0TJX8Y) is distributed as one archive holding ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``, one
plain-text statement per country and session, plus a table of who spoke (``speakers_by_session.csv``).

:func:`iter_ungdc_items` streams the statements out of a ``.tar.xz``/``.tgz``/``.tar.gz``/``.tar``/``.zip`` archive
or an unpacked folder without writing anything to disk, and yields one
:class:`~discourse.ingest.document.SourceItem` per statement with its metadata (country, session, year, doc_type
``statement``, language ``en``, speaker, recorded post and its category). :func:`fetch_ungdc` feeds them to the
ingestion pipeline and returns a :class:`UngdcReport`.

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
import hashlib
import io
import json
import lzma
import os
import posixpath
import re
import stat
import tarfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import IngestError
from ..metadata import POST_CATEGORIES, DocumentMeta
from .document import Limits, SourceItem

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

DATAVERSE_DOI = "doi:10.7910/DVN/0TJX8Y"
DATAVERSE_URL = "https://dataverse.harvard.edu"
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


def _check_member_name(archive: str, name: str) -> str:
    """Return the member name as a clean relative POSIX path, or raise D181."""
    raw = name.replace("\\", "/")
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or any(p == ".." for p in raw.split("/")):
        raise IngestError(
            "D181",
            f"{archive}::{name}: unsafe member path (absolute or climbing out with '..'); refused",
            hint="the archive is not the published UNGDC layout; check where it came from",
            reason="unsafe_path",
        )
    return posixpath.normpath(raw)


def _too_large(archive: str, name: str, size: int, limit: int) -> IngestError:
    return IngestError(
        "D183",
        f"{archive}::{name}: member is {size:,} bytes, over the limit of {limit:,} bytes; refused",
        hint="raise max_member_bytes if this file is genuine",
        reason="too_large",
    )


def _members_tar(path: Path, limit: int) -> Iterator[tuple[str, bytes | IngestError]]:
    archive = str(path)
    try:
        with tarfile.open(path, mode="r|*") as tar:
            for member in tar:
                if member.isdir():
                    continue
                try:
                    name = _check_member_name(archive, member.name)
                    if not member.isreg():
                        kind = "link" if (member.issym() or member.islnk()) else "device or special file"
                        raise IngestError(
                            "D182", f"{archive}::{member.name}: member is a {kind}; refused",
                            hint="archives may hold regular files only", reason="unsafe_member",
                        )
                    if member.size > limit:
                        raise _too_large(archive, member.name, member.size, limit)
                except IngestError as exc:
                    yield member.name, exc
                    continue
                handle = tar.extractfile(member)
                yield name, handle.read() if handle is not None else b""
    except (tarfile.TarError, lzma.LZMAError, zlib.error, EOFError, OSError) as exc:
        raise IngestError("D187", f"{archive}: cannot read the archive ({exc})",
                          hint="the file is damaged or truncated; download it again", reason="corrupt_archive") from None


def _members_zip(path: Path, limit: int) -> Iterator[tuple[str, bytes | IngestError]]:
    archive = str(path)
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                try:
                    name = _check_member_name(archive, info.filename)
                    mode = info.external_attr >> 16
                    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
                        raise IngestError(
                            "D182", f"{archive}::{info.filename}: member is a link or special file; refused",
                            hint="archives may hold regular files only", reason="unsafe_member",
                        )
                    if info.file_size > limit:
                        raise _too_large(archive, info.filename, info.file_size, limit)
                except IngestError as exc:
                    yield info.filename, exc
                    continue
                with zf.open(info) as handle:
                    data = handle.read(limit + 1)  # the header's size could lie
                if len(data) > limit:
                    yield info.filename, _too_large(archive, info.filename, len(data), limit)
                    continue
                yield name, data
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IngestError("D187", f"{archive}: cannot read the archive ({exc})",
                          hint="the file is damaged or truncated; download it again", reason="corrupt_archive") from None


def _members_dir(root: Path, limit: int) -> Iterator[tuple[str, bytes | IngestError]]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            rel = full.relative_to(root).as_posix()
            if full.is_symlink() or not full.is_file():
                yield rel, IngestError("D182", f"{full}: a link or special file; refused",
                                       hint="the folder may hold regular files only", reason="unsafe_member")
                continue
            size = full.stat().st_size
            if size > limit:
                yield rel, _too_large(str(root), rel, size, limit)
                continue
            yield rel, full.read_bytes()


def _members(path: Path, limit: int) -> Iterator[tuple[str, bytes | IngestError]]:
    if path.is_dir():
        return _members_dir(path, limit)
    if not path.is_file():
        raise IngestError("D180", f"{path} does not exist",
                          hint="give the UNGDC archive (.tar.xz, .tgz, .zip) or its unpacked folder", reason="not_found")
    if zipfile.is_zipfile(path):
        return _members_zip(path, limit)
    with open(path, "rb") as fh:
        head = fh.read(6)
    if head.startswith((b"\xfd7zXZ", b"\x1f\x8b", b"BZh")) or _is_plain_tar(path):
        return _members_tar(path, limit)
    raise IngestError("D180", f"{path}: not a .tar.xz, .tgz/.tar.gz, .tar or .zip archive, nor a folder",
                      hint="give the UNGDC archive as published or its unpacked folder", reason="not_found")


def _is_plain_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


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


def _where(source: Path, name: str) -> str:
    return f"{source}::{name}" if not source.is_dir() else str(source / name)


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
    for name, data in _members(path, max_member_bytes):
        if isinstance(data, IngestError):
            report.refused.append((_where(path, name), data.code, data.message))
            continue
        parsed = parse_member(name)
        if parsed is None:
            base = name.rsplit("/", 1)[-1]
            what = ("an R session history" if base in (".Rhistory", ".Rapp.history")
                    else "macOS folder metadata" if base.startswith(".DS_Store") else "not named ISO_NN_YYYY.txt")
            why = f"not a speech: {what}"
            report.skipped.append((_where(path, name), why))
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
        yield SourceItem(source=_where(path, name), data=data, kind="text", meta=meta)


# ----------------------------------------------------------------------------------------------------------
# Download and checksum
# ----------------------------------------------------------------------------------------------------------


def verify_checksum(path: str | os.PathLike, expected: str, algorithm: str = "sha256") -> str:
    """Hash ``path`` with ``algorithm`` and raise D185 unless it equals ``expected``; return the digest.

    >>> import tempfile, hashlib
    >>> f = tempfile.NamedTemporaryFile(delete=False); _ = f.write(b"x"); f.close()
    >>> verify_checksum(f.name, hashlib.sha256(b"x").hexdigest()) == hashlib.sha256(b"x").hexdigest()
    True
    """
    try:
        digest = hashlib.new(algorithm.lower().replace("-", ""))
    except ValueError:
        raise IngestError("D185", f"unknown checksum algorithm {algorithm!r}", hint="use sha256",
                          reason="checksum") from None
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    actual = digest.hexdigest()
    if actual.lower() != str(expected).strip().lower():
        raise IngestError(
            "D185",
            f"{path}: {algorithm} checksum {actual} does not match the expected {expected}",
            hint="the download is damaged or not the published file; delete it and fetch again",
            reason="checksum",
        )
    return actual


def _http_get(url: str, timeout: float = 60.0):
    request = urllib.request.Request(url, headers={"User-Agent": "discourse (UNGDC fetch)"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise IngestError("D186", f"downloading {url} failed: HTTP {exc.code} {exc.reason}",
                          hint="try again later, or download the archive from https://doi.org/10.7910/DVN/0TJX8Y yourself and pass "
                               "its path (source=...)",
                          reason="download") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IngestError("D186", f"cannot reach {url}: {reason} (no network?)",
                          hint="try again later, or download the archive from https://doi.org/10.7910/DVN/0TJX8Y yourself and pass "
                               "its path (source=...)",
                          reason="download") from None


def download_archive(
    dest_dir: str | os.PathLike,
    *,
    sha256: str | None = None,
    server: str = DATAVERSE_URL,
    doi: str = DATAVERSE_DOI,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Download the corpus archive from Harvard Dataverse into ``dest_dir`` and verify its checksum.

    The dataset's file list is read from the Dataverse API; the largest ``.tgz``/``.tar.gz``/``.tar.xz``/``.zip``
    file is the corpus. Its checksum is checked against ``sha256`` when given, else against the checksum
    Dataverse publishes for the file (MD5, SHA-1 or SHA-256); a download without any checksum to check is
    refused. A file already in ``dest_dir`` that passes the check is reused. Raises D186 when offline.
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with _http_get(f"{server}/api/datasets/:persistentId/?persistentId={doi}") as resp:
        info = json.load(resp)
    files = info.get("data", {}).get("latestVersion", {}).get("files", [])
    candidates = [
        f["dataFile"] for f in files
        if str(f.get("dataFile", {}).get("filename", "")).lower().endswith((".tgz", ".tar.gz", ".tar.xz", ".zip"))
    ]
    if not candidates:
        raise IngestError("D186", f"{doi}: no archive listed in the dataset",
                          hint="try again later, or download the archive from https://doi.org/10.7910/DVN/0TJX8Y yourself and pass "
                               "its path (source=...)", reason="download")
    datafile = max(candidates, key=lambda d: d.get("filesize", 0))
    algorithm, expected = ("sha256", sha256) if sha256 else (
        str(datafile.get("checksum", {}).get("type", "")).lower(), datafile.get("checksum", {}).get("value"))
    if not expected:
        raise IngestError("D185", f"{doi}: no checksum published for {datafile.get('filename')}",
                          hint="pass the checksum you expect (sha256=...)", reason="checksum")
    target = dest / Path(datafile["filename"]).name
    if target.exists():
        try:
            verify_checksum(target, expected, algorithm)
            return target
        except IngestError:
            target.unlink()
    partial = target.with_suffix(target.suffix + ".part")
    with _http_get(f"{server}/api/access/datafile/{datafile['id']}") as resp, open(partial, "wb") as out:
        total = int(resp.headers.get("Content-Length") or 0) or None
        done = 0
        for chunk in iter(lambda: resp.read(1 << 20), b""):
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    try:
        verify_checksum(partial, expected, algorithm)
    except IngestError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target


def default_cache_dir() -> Path:
    """Where downloads go: ``$DISCOURSE_CACHE/ungdc`` or ``~/.cache/discourse/ungdc``."""
    base = os.environ.get("DISCOURSE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "discourse")
    return Path(base) / "ungdc"
