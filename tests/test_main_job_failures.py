"""scripts/main_job.py names a failed file once, with its code, cause and hint, and exits 1 after finishing."""

from __future__ import annotations

import pytest

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_main_job_reports_failed_file_once_with_hint(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "AZE_60_2005.txt").write_text("Illustrative statement on Euro-Atlantic integration and partnership.",
                                            encoding="utf-8")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "main_job.py"), "--corpus", str(corpus), "--db",
                           str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    i = lines.index("ingest: 1 added, 0 updated, 0 unchanged, 1 failed, 0 skipped")
    broken = corpus / "broken.pdf"
    assert lines[i + 1] == f"  failed: [D151] {broken}: malformed PDF: No /Root object! - Is this really a PDF?"
    assert lines[i + 2] == "    hint: repair it (e.g. `qpdf in.pdf out.pdf`) or re-export it"
    assert (tmp_path / "out" / "report" / "index.html").is_file()
