"""Every CLI command is documented: it has help text, and docs/cli.md is what the code would write."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from discourse.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_every_command_has_help():
    gen = _load_generator()
    missing = [" ".join(path) or "discourse" for path, cmd in gen.iter_commands(cli) if not (cmd.help or "").strip()]
    assert missing == []


def test_cli_reference_is_current():
    gen = _load_generator()
    expected = gen.render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is stale: run python scripts/gen_cli_docs.py"


def test_cli_every_command_is_in_the_reference():
    gen = _load_generator()
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, _ in gen.iter_commands(cli):
        assert f"## `{' '.join(('discourse',) + path)}`" in text
