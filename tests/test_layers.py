"""The import layers of pyproject.toml's import-linter contracts hold (data flows one way, no cycles), and the
command line imports no heavy library until a command needs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint(root: Path, src: Path) -> subprocess.CompletedProcess:
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(root / 'pyproject.toml')!r}, no_cache=True, no_logo=True))")
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def test_import_contracts_are_kept():
    proc = _lint(ROOT, ROOT / "src")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("Layers: data flows one way", "Ingest: adapters and readers below the pipeline", "No import cycles"):
        assert f"{name} KEPT" in proc.stdout


@pytest.mark.slow
def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    """The contract can fail: a copy of the package where the store imports the report (inside a function)."""
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    schema = tmp_path / "src" / "discourse" / "store" / "schema.py"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n\ndef _late():\n    from ..report import build_report\n",
                      encoding="utf-8")
    proc = _lint(tmp_path, tmp_path / "src")
    assert proc.returncode == 1
    assert "Layers: data flows one way BROKEN" in proc.stdout
    assert "discourse.store.schema -> discourse.report" in proc.stdout


def test_import_cli_stays_light():
    code = ("import sys, discourse.cli; "
            "print(','.join(m for m in ('pandas', 'scipy', 'spacy', 'matplotlib', 'sklearn') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
