"""Guards around pdfminer for the PDF reader: Flate streams inflated with a ceiling (a decompression bomb is
refused, not inflated), and pdfminer's log messages collected per document instead of printed.
"""

from __future__ import annotations

import logging
import threading
import zlib
from contextlib import contextmanager


class StreamTooLarge(Exception):
    """Raised inside pdfminer when a stream inflates past the ceiling."""


class _BoundedZlib:
    """Stand-in for the ``zlib`` module inside pdfminer that refuses to inflate past a per-thread ceiling.

    Installed once; outside :func:`bounded_flate` (no ceiling set for the thread) it behaves like ``zlib``.
    """

    error = zlib.error

    def __init__(self):
        self.local = threading.local()

    @property
    def cap(self) -> int | None:
        return getattr(self.local, "cap", None)

    def decompress(self, data: bytes, *args, **kwargs) -> bytes:
        cap = self.cap
        if cap is None:
            return zlib.decompress(data, *args, **kwargs)
        d = zlib.decompressobj()
        try:
            out = d.decompress(data, cap + 1)
        except zlib.error:
            # Not inflatable at all: pdfminer then reads the stream as empty, silently. Count it.
            self.local.failed = getattr(self.local, "failed", 0) + 1
            raise
        if len(out) > cap:
            raise StreamTooLarge(f"a compressed stream of {len(data):,} bytes inflates past {cap:,} bytes")
        if not d.eof:
            # Truncated or corrupt: let pdfminer's lenient path (decompressobj below) take over.
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs):
        inner = zlib.decompressobj(*args, **kwargs)
        cap = self.cap
        return inner if cap is None else _BoundedDecompressObj(inner, cap)

    def __getattr__(self, name):
        return getattr(zlib, name)


class _BoundedDecompressObj:
    def __init__(self, inner, cap: int):
        self.inner = inner
        self.cap = cap
        self.total = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inner.decompress(data, self.cap + 1 - self.total)
        self.total += len(out)
        if self.total > self.cap:
            raise StreamTooLarge(f"a compressed stream inflates past {self.cap:,} bytes")
        return out

    def __getattr__(self, name):
        return getattr(self.inner, name)


SHIM = _BoundedZlib()


@contextmanager
def bounded_flate(cap: int):
    """Within this block (in this thread), pdfminer inflates no stream past ``cap`` bytes."""
    import pdfminer.pdftypes as pdftypes  # deferred: pdfplumber/pdfminer are heavy; loaded for PDF files only

    if pdftypes.zlib is not SHIM:
        pdftypes.zlib = SHIM
    previous = SHIM.cap
    SHIM.local.cap = cap
    SHIM.local.failed = 0
    try:
        yield
    finally:
        SHIM.local.cap = previous


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        if len(self.messages) < 50:
            try:
                self.messages.append(record.getMessage()[:200])
            except Exception:  # pragma: no cover - a broken log record must not break reading
                pass


@contextmanager
def collect_pdfminer_logs():
    handler = _LogCollector()
    logger = logging.getLogger("pdfminer")
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False  # pdfminer's warnings go to the document's warnings, not the console
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous
