"""Failures the worker pool makes itself (reader bug, memory, recursion, crash) carry a hint like every error."""

from __future__ import annotations

import pytest

from discourse.ingest import pool, readers
from discourse.ingest.document import Limits, SourceItem


@pytest.mark.parametrize("exc,code,hint", [
    (ValueError("boom"), "D109", "a reader bug in discourse: please report it with the file"),
    (MemoryError(), "D125", "raise the memory limit (Limits.memory_mb) if the file is genuine, or split it"),
    (RecursionError(), "D126", "repair or re-export the file"),
])
def test_ingest_pool_failures_have_hints(monkeypatch, exc, code, hint):
    def read(item, limits):
        raise exc

    monkeypatch.setattr(readers, "read", read)
    failure = pool.parse_item(SourceItem("a.txt", b"Illustrative.", "text"), Limits(seconds=0), "0" * 64)
    assert (failure.code, failure.hint) == (code, hint)


def test_ingest_pool_crash_has_hint():
    class Died(Exception):
        exitcode = -9

    failure = pool.crash_failure("a.pdf", Died(), Limits())
    assert failure.message == "a.pdf: the parser process crashed (killed by signal SIGKILL (possibly out of memory))"
    assert failure.hint == ("the file is probably malformed: repair or re-export it; workers=0 shows the parser's "
                            "own error")
