"""Download the UN General Debate Corpus from Harvard Dataverse into a cache, its checksum verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from ..errors import IngestError

DATAVERSE_DOI = "doi:10.7910/DVN/0TJX8Y"
DATAVERSE_URL = "https://dataverse.harvard.edu"


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
