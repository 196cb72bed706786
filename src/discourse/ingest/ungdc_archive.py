"""Read the members of the UNGDC archive (.tar.xz, .tgz, .tar, .zip or an unpacked folder) safely: no path
climbing out, no links or special files, no member over its size limit, a damaged archive named as such.
"""

from __future__ import annotations

import lzma
import os
import posixpath
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import IngestError


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


def archive_members(path: Path, limit: int) -> Iterator[tuple[str, bytes | IngestError]]:
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
