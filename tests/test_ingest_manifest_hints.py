"""Every manifest and metadata error names the manifest line and the cause, and says how to fix it (a hint)."""

from __future__ import annotations

import pytest

from discourse.errors import IngestError
from discourse.ingest.manifest import load_manifest


@pytest.mark.parametrize("name,content,code,message,hint", [
    ("m.csv", "path,date,year\na.txt,2015-11-04,2016\n", "D114", "m.csv line 2: year 2016 disagrees with date 2015-11-04",
     "correct one of them, or give only the date (the year is taken from it)"),
    ("m.csv", "path,year\na.txt,20155\n", "D110", "m.csv line 2: implausible year 20155",
     "years from 1800 to 2200 are accepted"),
    ("m.csv", "path,year\na.txt,MMXV\n", "D106", "m.csv line 2: year 'MMXV' is not a number",
     "write the year as a whole number, e.g. 2015"),
    ("m.csv", "path,session\na.txt,seventy\n", "D106", "m.csv line 2: session 'seventy' is not a number",
     "write the session as a whole number, e.g. 70"),
    ("m.csv", "path,title\n,Untitled\n", "D103", "m.csv line 2: the path cell is empty",
     "name the file this row describes, relative to the manifest's folder"),
    ("m.csv", 'path,title\na.txt,"open quote\n', "D101", "m.csv line 2: CSV syntax error: unexpected end of data",
     "check the quotes on that line"),
    ("m.yaml", "- path: a.txt\n  title: [unclosed\n", "D101", None, "fix the YAML syntax at the line named"),
])
def test_ingest_manifest_errors_have_hints(tmp_path, name, content, code, message, hint):
    (tmp_path / "a.txt").write_text("Illustrative text.", encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / name)
    assert (info.value.code, info.value.hint) == (code, hint)
    if message is not None:
        assert info.value.message == message
    else:
        assert info.value.message.startswith(f"{name}: not valid YAML: ")


def test_ingest_manifest_unreadable_has_hint(tmp_path):
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path)  # a folder, not a file
    assert info.value.code == "D101" and info.value.message.startswith(f"cannot read manifest {tmp_path}: ")
    assert info.value.hint == "check the manifest's path and permissions"


def test_ingest_manifest_unclosed_quote_does_not_swallow_rows(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Illustrative text {name}.", encoding="utf-8")
    (tmp_path / "m.csv").write_text('path,title\na.txt,"open quote\nb.txt,Second\n', encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.csv")
    assert (info.value.code, info.value.message) == ("D101", "m.csv line 2: CSV syntax error: unexpected end of data")
    (tmp_path / "m.csv").write_text('path,title\na.txt,"quoted" tail\n', encoding="utf-8")
    with pytest.raises(IngestError) as info:
        load_manifest(tmp_path / "m.csv")
    assert (info.value.code, info.value.message) == ("D101", "m.csv line 2: CSV syntax error: ',' expected after '\"'")
    (tmp_path / "m.csv").write_text('path,title\na.txt,"two\nlines"\nb.txt,Second\n', encoding="utf-8")
    rows = load_manifest(tmp_path / "m.csv")
    assert [(m.title, w) for m, w in rows.values()] == [("two\nlines", "m.csv line 2"), ("Second", "m.csv line 4")]
