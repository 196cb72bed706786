"""The ingest's read-ahead thread: order, exceptions in order, a bound in items, an early exit."""

from __future__ import annotations

import threading
import time

import pytest

from discourse.ingest.document import SourceItem
from discourse.ingest.files import Hashed
from discourse.ingest.prefetch import prefetch


def _items(n: int, size: int, produced: list | None = None, fail_at: int | None = None):
    for i in range(n):
        if i == fail_at:
            raise ValueError(f"cannot read item {i}")
        if produced is not None:
            produced.append(i)
        yield SourceItem(f"f{i}.txt", bytes([65 + i % 26]) * size, "text")


def _wait_for(produced: list, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(produced) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # give the producer time to run further ahead if it (wrongly) could


def test_items_come_in_order_hashed():
    got = list(prefetch(_items(50, 10)))
    assert [h.item.source for h in got] == [f"f{i}.txt" for i in range(50)]
    assert all(isinstance(h, Hashed) and len(h.raw_sha256) == 64 for h in got)


def test_an_exception_of_the_reader_comes_after_the_items_before_it():
    out = []
    with pytest.raises(ValueError, match="cannot read item 7"):
        for h in prefetch(_items(20, 10, fail_at=7)):
            out.append(h.item.source)
    assert out == [f"f{i}.txt" for i in range(7)]


def test_reading_ahead_stops_at_the_bound():
    produced: list = []
    it = prefetch(_items(200, 10, produced), size=4)
    first = next(it)
    assert first.item.source == "f0.txt"
    _wait_for(produced, 5)
    # the consumer holds one item, the queue at most 4, the producer may hold one more it has made
    assert 5 <= len(produced) <= 6
    rest = list(it)
    assert len(rest) == 199 and len(produced) == 200


def test_leaving_early_stops_the_reader():
    produced: list = []
    it = prefetch(_items(10_000, 100, produced), size=8)
    for _ in range(3):
        next(it)
    it.close()
    time.sleep(0.3)
    n = len(produced)
    time.sleep(0.3)
    assert len(produced) == n < 20
    assert not any(t.name == "discourse-ingest-prefetch" and t.is_alive() for t in threading.enumerate())
