"""The error catalogue is the one place every code lives: docs/errors.md is generated from it, every code in the
source is catalogued, and every raise site uses the catalogued class."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from discourse import errors
from discourse.error_catalogue import CODES, RANGE_EXCEPTIONS, class_for_range, error, hint_for_cli, lookup

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "discourse"
CODE = re.compile(r"D\d{3}")


def _generator():
    spec = importlib.util.spec_from_file_location("gen_errors_doc", ROOT / "scripts" / "gen_errors_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sources():
    for path in sorted(SRC.rglob("*.py")):
        yield path, path.read_text(encoding="utf-8")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _raise_sites():
    """(file:line, code, class name) of every call that passes a code: ``XError("D123", ...)``, the PDF reader's
    ``_fail("D151", ...)``, the worker pool's ``Failure(source, "D108", ...)`` and indicator problem tuples."""
    for path, text in _sources():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _call_name(node)
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if name.endswith("Error") and args and isinstance(args[0], str) and CODE.fullmatch(args[0]):
                    yield where, args[0], name
                elif name == "_fail" and args and isinstance(args[0], str):
                    yield where, args[0], "IngestError"
                elif name == "Failure" and len(args) > 1 and isinstance(args[1], str) and CODE.fullmatch(args[1]):
                    yield where, args[1], "IngestError"


def test_errors_doc_is_current():
    assert (ROOT / "docs" / "errors.md").read_text(encoding="utf-8") == _generator().render(), (
        "docs/errors.md is stale: run python scripts/gen_errors_doc.py")


def test_every_code_literal_in_src_is_catalogued():
    missing = []
    for path, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                try:
                    lookup(node.value)
                except KeyError:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert missing == [], "codes used but not in src/discourse/error_catalogue.py"


def test_every_code_named_in_src_text_is_catalogued():
    """Docstrings and comments name codes too (``D180  not_found ...``); a range such as D180-D189 is not a code."""
    known = {c.code for c in CODES}
    named = set()
    for path, text in _sources():
        if path.name == "error_catalogue.py":  # its docstring's example of how to add a code
            continue
        for m in re.finditer(r"(?<![\w-])D\d{3}(?![\w-])", text):
            named.add(m.group(0))
    assert sorted(named - known) == []


def test_raise_sites_use_the_catalogued_class():
    wrong = [f"{where}: {code} raised as {cls}, catalogued as {lookup(code).cls.__name__}"
             for where, code, cls in _raise_sites() if lookup(code).cls.__name__ != cls]
    assert wrong == []


def test_the_scan_finds_the_raise_sites():
    """The site scan is not vacuous: it sees the report's, the pool's and the PDF reader's codes."""
    codes = {code for _, code, _ in _raise_sites()}
    assert {"D602", "D108", "D151", "D313", "D011"} <= codes
    assert len(codes) >= 100


def test_catalogue_entries_are_well_formed():
    codes = [c.code for c in CODES]
    assert codes == sorted(codes), "keep CODES in code order"
    assert len(codes) == len(set(codes))
    for entry in CODES:
        assert CODE.fullmatch(entry.code), entry
        assert issubclass(entry.cls, errors.DiscourseError)
        assert entry.message.strip() and entry.hint and entry.hint.strip(), entry.code
        outside_commands = re.sub(r"`[^`]*`", "", entry.hint + " " + entry.message)  # `qpdf --decrypt` is another tool's
        assert not re.search(r"--\w", outside_commands), f"{entry.code}: library text speaks of parameters, not flags"
        if entry.code not in RANGE_EXCEPTIONS:
            assert entry.cls is class_for_range(entry.code), f"{entry.code} is outside {entry.cls.__name__}'s range"


def test_timeline_codes_are_score_errors():
    assert lookup("D313").cls is errors.ScoreError
    assert lookup("D314").cls is errors.ScoreError


def test_error_builds_the_catalogued_class_and_hint():
    err = error("D602", "events file not found: x.csv", columns="date, label")
    assert type(err) is errors.ReportError
    assert (err.code, err.message) == ("D602", "events file not found: x.csv")
    assert err.hint == "pass an events file (events=...), or create it with the columns date, label"
    ingest = error("D122", "a.txt: no text found", reason="empty")
    assert type(ingest) is errors.IngestError and ingest.reason == "empty"
    assert error("D402", "m", hint="own hint").hint == "own hint"
    with pytest.raises(KeyError):
        error("D999", "not catalogued")


def test_cli_hint_replaces_only_the_catalogued_hint():
    assert hint_for_cli("D524", "give year_from and year_to as years, year_from not after year_to") == (
        "give --from and --to as years, --from not after --to")
    assert hint_for_cli("D524", "a hint of the raise site's own") == "a hint of the raise site's own"
    assert hint_for_cli("D122", "the file is empty or holds only markup/images") == (
        "the file is empty or holds only markup/images")
    assert hint_for_cli(None, None) is None


def test_cli_prints_the_flag_hint(tmp_path, capsys):
    from discourse.cli import main

    db = tmp_path / "none.sqlite"
    code = main(["report", "--db", str(db), "--out", str(tmp_path / "r")])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"Error [D201]: no store at {db}",
        "  hint: run `discourse ingest PATH` first, or point --db / DISCOURSE_DB at an existing store"]


def test_cli_ingest_failure_prints_the_flag_hint(tmp_path, capsys):
    """The reader says "pass the password (password=...)"; the CLI's summary names its flag instead."""
    import pdfgen
    from discourse.cli import main

    path = tmp_path / "memo.pdf"
    path.write_bytes(pdfgen.encrypt_pdf(pdfgen.hyphenated_pdf(["Confidential illustrative memo."]), "s3cret-pw",
                                        "AES-128"))
    code = main(["ingest", str(path), "--db", str(tmp_path / "s.sqlite"), "--no-progress", "--workers", "0"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[1:] == [f"failed: {path}: [D152] password-protected PDF", "  hint: pass the password with --password"]
