"""scripts/ingest_speeches.py --dry-run writes nothing, not even an empty store (as `discourse ingest --dry-run`)."""

from __future__ import annotations

import pytest

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_ingest_speeches_dry_run_creates_no_store(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "zagatala.txt").write_text("Illustrative speech text about regional cooperation.", encoding="utf-8")
    (folder / "manifest.csv").write_text("path,doc_type,date\nzagatala.txt,speech,2015-11-04\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "ingest_speeches.py"), str(folder), "--db", str(db),
                           "--dry-run", "--workers", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"dry run: would have added 1, updated 0, unchanged 0, failed 0, skipped 0 (manifest: {folder / 'manifest.csv'})",
        f"would add: {(folder / 'zagatala.txt').resolve()}",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]
