"""Fetch the UN General Debate Corpus: read the archive with the source adapter (:mod:`discourse.ingest.ungdc`)
and store its statements with the ingest pipeline (:mod:`discourse.ingest.pipeline`).

Above both, so that the adapter never imports the pipeline. Error codes: see :mod:`discourse.ingest.ungdc`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import IngestError
from .document import Limits
from .pipeline import ingest_items
from .ungdc import DEFAULT_MAX_MEMBER_BYTES, SPEAKERS_FILE, UngdcReport, iter_ungdc_items, load_speakers
from .ungdc_download import default_cache_dir, download_archive, verify_checksum

__all__ = ["fetch_ungdc"]


def fetch_ungdc(
    corpus,
    source: str | os.PathLike | None = None,
    *,
    speakers: str | os.PathLike | None = None,
    sha256: str | None = None,
    workers: int = 2,
    limits: Limits = Limits(),
    max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
    dry_run: bool = False,
    progress=None,
    cache_dir: str | os.PathLike | None = None,
    hook=None,
) -> UngdcReport:
    """Ingest the UN General Debate Corpus into ``corpus``; return a :class:`UngdcReport`.

    Parameters
    ----------
    corpus:
        An open :class:`~discourse.corpus.Corpus`.
    source:
        The archive or its unpacked folder. ``None`` downloads it from Harvard Dataverse into the cache
        (:func:`download_archive`, checksum verified).
    speakers:
        The speakers table; default ``speakers_by_session.csv`` next to the archive, skipped if absent.
    sha256:
        When given, the archive (local or downloaded) must have this sha256 (D185 otherwise).
    workers:
        Worker processes for reading and normalizing the statements.
    hook:
        A :class:`~discourse.ingest.document.ParseHook` run on each new statement in its worker, e.g.
        ``discourse.match_ingest.MatchOnIngest(lexicon)`` to match the lexicon while ingesting (one pass).
    progress:
        ``progress(done, total)`` after each statement is settled (``total`` is None: the archive is streamed);
        the CLI draws a progress bar with documents per second from it.

    A re-run is cheap: the pipeline recognizes members whose bytes it has already stored and only re-applies
    metadata, so an interrupted fetch continues where it stopped.

    >>> from discourse import Corpus                                        # doctest: +SKIP
    >>> report = fetch_ungdc(Corpus.open("ungdc.sqlite"), "UNGDC_1946-2024_txt.tar.xz")  # doctest: +SKIP
    """
    report = UngdcReport()
    if source is None:
        path = download_archive(cache_dir or default_cache_dir(), sha256=sha256)
    else:
        path = Path(source)
        if not path.exists():
            raise IngestError("D180", f"{path} does not exist",
                              hint="give the UNGDC archive (.tar.xz, .tgz, .zip) or its unpacked folder",
                              reason="not_found")
        if sha256 and path.is_file():
            report.archive_sha256 = verify_checksum(path, sha256)
    table = None
    speakers_path = Path(speakers) if speakers else (path if path.is_dir() else path.parent) / SPEAKERS_FILE
    if speakers or speakers_path.is_file():
        table, report.warnings = load_speakers(speakers_path)
    items = iter_ungdc_items(path, speakers=table, max_member_bytes=max_member_bytes, report=report)
    report.ingest = ingest_items(corpus, items, dry_run=dry_run, limits=limits, workers=workers, progress=progress,
                                  hook=hook)
    if report.statements == 0 and not report.refused:
        raise IngestError("D188", f"{path}: no statements found (no file named like ISO_NN_YYYY.txt)",
                          hint="give the UNGDC archive as published or its unpacked folder", reason="no_speeches")
    return report
