"""Shared fixtures.

Tests that read ``../shared`` use :func:`shared_path`; when the data is missing they skip, except when
``DISCOURSE_REQUIRE_DATA=1`` (set by ``.ci/run``), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DISCOURSE_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Path under ../shared; fails (DISCOURSE_REQUIRE_DATA=1) or skips when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"shared data missing: {path}"
        if os.environ.get("DISCOURSE_REQUIRE_DATA") == "1":
            pytest.fail(message + " (DISCOURSE_REQUIRE_DATA=1)")
        pytest.skip(message + " (set DISCOURSE_REQUIRE_DATA=1 to make this a failure)")
    return path


@pytest.fixture
def ungdc_sample() -> Path:
    return shared_path("data", "ungdc", "sample")


@pytest.fixture
def ungdc_archive() -> Path:
    return shared_path("data", "ungdc", "UNGDC_1946-2024_txt.tar.xz")


@pytest.fixture
def speakers_csv() -> Path:
    return shared_path("data", "ungdc", "speakers_by_session.csv")


@pytest.fixture
def unvotes_dir() -> Path:
    return shared_path("data", "unvotes")


@pytest.fixture
def hard_pdfs() -> Path:
    return shared_path("data", "pdfs")


@pytest.fixture
def corpus(tmp_path):
    """A fresh empty store in a temporary folder."""
    from discourse import Corpus

    c = Corpus.open(tmp_path / "store.sqlite")
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test reads or writes the developer's own store by accident."""
    monkeypatch.setenv("DISCOURSE_DB", str(tmp_path / "default.sqlite"))
