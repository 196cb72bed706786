"""docs/reliability.md lists the cases of issue 12 as the code behaves now (generated, never hand-written)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import hostile_cases  # noqa: E402


def test_hostile_use_section_of_reliability_md_is_current():
    rows = hostile_cases.run_cases()
    assert not any(r["traceback"] for r in rows)
    assert all(r["code"] in (0, 1, 2) for r in rows)
    committed = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert hostile_cases.MARKER in committed, "run: python scripts/reliability_table.py --hostile-only"
    assert committed.split(hostile_cases.MARKER, 1)[1] == hostile_cases.render(rows).split(hostile_cases.MARKER, 1)[1], \
        "docs/reliability.md is out of date: run python scripts/reliability_table.py --hostile-only"
