"""Open a ZIP container (DOCX) only after checking it cannot explode or escape.

Checks run on the central directory, before anything is inflated: member count, declared sizes per member and in
total, compression ratio of large members, and member names (no ``..`` components, no absolute or drive paths).
:func:`read_member` then inflates one member with a hard ceiling, so a directory that lies about sizes cannot
get past the limits either.

Error codes: D170 not a valid ZIP, D171 zip bomb (sizes, ratio, member count), D172 unsafe member name.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import IngestError
from .document import Limits

__all__ = ["open_zip", "read_member", "MAX_MEMBERS"]

MAX_MEMBERS = 10_000
_RATIO_MIN_BYTES = 1024 * 1024  # the ratio check applies to members larger than this (small ones are harmless)
_DRIVE = re.compile(r"^[A-Za-z]:")


def _bomb(source: str, why: str):
    raise IngestError(
        "D171",
        f"{source}: refused as a zip bomb: {why}",
        hint="a genuine document never expands like this; raise Limits.max_zip_ratio / max_zip_member_bytes "
        "only if you trust the file",
        reason="zip_bomb",
    )


def open_zip(data: bytes, source: str, limits: Limits = Limits()) -> zipfile.ZipFile:
    """Return a ZipFile over ``data`` after the safety checks; raise IngestError naming ``source`` otherwise."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            "D170",
            f"{source}: not a valid ZIP/DOCX container: {exc}",
            hint="the file is damaged or not a Word document; open and re-save it",
            reason="malformed_zip",
        ) from None
    if len(infos) > MAX_MEMBERS:
        _bomb(source, f"{len(infos):,} members (limit {MAX_MEMBERS:,})")
    total = 0
    for info in infos:
        name = info.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
            raise IngestError(
                "D172",
                f"{source}: unsafe member name {name!r} in the archive (absolute path or '..')",
                hint="the archive tries to write outside its folder; do not unpack it",
                reason="unsafe_archive",
            )
        if info.file_size > limits.max_zip_member_bytes:
            _bomb(source, f"member {name!r} expands to {info.file_size:,} bytes "
                          f"(limit {limits.max_zip_member_bytes:,})")
        if info.file_size > _RATIO_MIN_BYTES:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.max_zip_ratio:
                _bomb(source, f"member {name!r} has compression ratio {ratio:,.0f}:1 "
                              f"(limit {limits.max_zip_ratio:g}:1)")
        total += info.file_size
    if total > limits.max_bytes:
        _bomb(source, f"members expand to {total:,} bytes in total (limit {limits.max_bytes:,})")
    return zf


def read_member(zf: zipfile.ZipFile, name: str, source: str, limits: Limits = Limits()) -> bytes | None:
    """Inflate one member with a ceiling of ``limits.max_zip_member_bytes``; ``None`` if it does not exist."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    try:
        with zf.open(info) as fh:
            data = fh.read(limits.max_zip_member_bytes + 1)
    # zipfile signals an unsupported compression method with NotImplementedError: a refusal, not unfinished code.
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise IngestError(
            "D170",
            f"{source}: member {name!r} cannot be read: {exc}",
            hint="the file is damaged; open and re-save it",
            reason="malformed_zip",
        ) from None
    if len(data) > limits.max_zip_member_bytes:
        _bomb(source, f"member {name!r} expands past {limits.max_zip_member_bytes:,} bytes")
    return data
