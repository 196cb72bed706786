"""Read ahead of the ingest engine: inputs read (and their raw bytes hashed) by a background thread, a bounded
number ahead, exceptions passed through in order.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterable, Iterator

from .document import SourceItem
from .files import Hashed

# Inputs read ahead by a background thread; results held back behind a slow file before reading stops.
PREFETCH = 64


class _Raised:
    def __init__(self, exc: BaseException):
        self.exc = exc


def prefetch(iterable: Iterable, size: int = PREFETCH) -> Iterator:
    """Iterate ``iterable`` in a background thread, ``size`` items ahead.

    Reading files and decompressing archives release the GIL, so they overlap with the parent's SQLite writes
    (which release it too). An exception in the producer is raised here; leaving early stops the producer.
    """
    done = object()
    buffer: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(value) -> bool:
        while not stop.is_set():
            try:
                buffer.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for value in iterable:
                if isinstance(value, SourceItem):  # hash here: hashlib releases the GIL too
                    value = Hashed(value, hashlib.sha256(value.data).hexdigest())
                if not put(value):
                    return
        except BaseException as exc:  # handed to the consumer
            put(_Raised(exc))
        finally:
            put(done)

    thread = threading.Thread(target=pump, name="discourse-ingest-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            value = buffer.get()
            if value is done:
                break
            if isinstance(value, _Raised):
                raise value.exc
            yield value
    finally:
        stop.set()
        thread.join(timeout=5)
