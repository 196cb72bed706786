"""CSV manifests saved by spreadsheets: empty trailing columns without a name are ignored; a value under one is an error."""

from __future__ import annotations

import pytest

from discourse.errors import IngestError
from discourse.ingest.manifest import load_manifest


def test_ingest_manifest_empty_unnamed_columns_are_ignored(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / "m.csv").write_text("path,doc_type,,\r\na.txt,speech,,\r\n", encoding="utf-8")
    meta, where = load_manifest(tmp_path / "m.csv")[str((tmp_path / "a.txt").resolve())]
    assert (meta.doc_type, where) == ("speech", "m.csv line 2")


def test_ingest_manifest_value_under_unnamed_column_is_d102(tmp_path):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / "m.csv").write_text("path,doc_type,\na.txt,speech,AZE\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.csv")
    assert (info.value.code, info.value.message, info.value.hint) == (
        "D102", "m.csv line 2: value 'AZE' in column 3, which has no name in the header",
        "name the column in the header row, or delete the value")
