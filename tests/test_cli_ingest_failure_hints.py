"""A failed file in a batch keeps its hint: in the summary, in --format csv, in report.hints and in the script."""

from __future__ import annotations

import pytest

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

from discourse import Corpus
from discourse.cli import main
from discourse.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
NOT_PDF_HINT = "check the file: a failed download often saves an HTML error page under a .pdf name"
MISSING_HINT = "check the path (relative paths start from the current folder)"


def _folder(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"<html>not found</html>")
    (folder / "ok.txt").write_text("Illustrative text on partnership.", encoding="utf-8")
    return folder


def test_ingest_report_keeps_reader_hints(tmp_path):
    folder = _folder(tmp_path)
    for workers in (0, 1):
        with Corpus.open(tmp_path / f"s{workers}.sqlite") as corpus:
            report = ingest(corpus, [folder, tmp_path / "absent.txt"], workers=workers)
        broken = str((folder / "broken.pdf").resolve())
        assert [(s, c) for s, c, _ in report.failed] == [(str(tmp_path / "absent.txt"), "D100"), (broken, "D150")]
        assert report.hints == {str(tmp_path / "absent.txt"): MISSING_HINT, broken: NOT_PDF_HINT}


def test_cli_ingest_prints_failure_hints(tmp_path, capsys):
    folder = _folder(tmp_path)
    db = tmp_path / "s.sqlite"
    code = main(["ingest", str(folder / "broken.pdf"), "--db", str(db), "--no-progress", "--workers", "0"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[1:] == [f"failed: {folder / 'broken.pdf'}: [D150] not a PDF (no %PDF- header in the first 1024 bytes; "
                       "the content is an HTML page)",
                       f"  hint: {NOT_PDF_HINT}"]
    code = main(["ingest", str(folder / "broken.pdf"), "--db", str(db), "--no-progress", "--workers", "0",
                 "--format", "csv"])
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert code == 1 and list(frame.columns) == ["status", "source", "doc_id", "code", "message", "hint"]
    assert frame.hint.tolist() == [NOT_PDF_HINT]


@pytest.mark.slow
def test_ingest_speeches_prints_failure_hints(tmp_path):
    folder = _folder(tmp_path)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "ingest_speeches.py"), str(folder), "--db",
                           str(tmp_path / "s.sqlite"), "--workers", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    i = lines.index(f"failed: [D150] {folder / 'broken.pdf'}: not a PDF (no %PDF- header in the first 1024 bytes; "
                       "the content is an HTML page)")
    assert lines[i + 1] == f"  hint: {NOT_PDF_HINT}"
