"""YAML manifests keep words that YAML 1.1 would read as booleans (`language: no` is Norwegian, not False)."""

from __future__ import annotations

import pytest

from discourse.errors import IngestError
from discourse.ingest.manifest import load_manifest


def test_ingest_manifest_yaml_no_is_norwegian(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("documents:\n  - path: a.txt\n    language: no\n    date: 2015-11-04\n"
                                     "    session: 70\n", encoding="utf-8")
    meta, where = load_manifest(tmp_path / "m.yaml")[str((tmp_path / "a.txt").resolve())]
    assert (meta.language, meta.date, meta.year, meta.session, where) == ("no", "2015-11-04", 2015, 70, "m.yaml line 2")


def test_ingest_manifest_yaml_other_boolean_words_are_named_as_written(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("- path: a.txt\n  country: yes\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.yaml")
    assert (info.value.code, info.value.message) == ("D112", "m.yaml line 1: 'yes' is not an ISO 3166-1 alpha-3 country code")


def test_ingest_manifest_yaml_row_not_a_mapping_has_a_hint(tmp_path):
    (tmp_path / "m.yaml").write_text("- a.txt\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.yaml")
    assert (info.value.code, info.value.message, info.value.hint) == (
        "D106", "m.yaml line 1: a row must be a mapping of column: value",
        "write each row as `- path: file.pdf` with its other columns below it")
