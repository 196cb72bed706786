"""Issue 12, "HTML ingestion fails on a machine whose pip is older": every third-party module the code imports
is a dependency declared directly in pyproject.toml (not one that arrives through another package's extra)."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "discourse"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {_canonical(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}


def _top_level_imports() -> dict[str, str]:
    """Top-level module name -> first file importing it (import statements and importlib.import_module)."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
                  and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = [node.args[0].value]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_third_party_module_is_a_declared_dependency():
    declared = _declared()
    distributions = md.packages_distributions()
    missing = []
    for module, where in sorted(_top_level_imports().items()):
        if module == "discourse" or module in sys.stdlib_module_names:
            continue
        dists = {_canonical(d) for d in distributions.get(module, [])}
        assert dists, f"{module} (imported in {where}) is not installed"
        if not dists & declared:
            missing.append(f"{module} ({', '.join(sorted(dists))}, imported in {where})")
    assert missing == [], "not declared in pyproject.toml: " + "; ".join(missing)


def test_the_html_reader_imports_its_cleaner_directly():
    assert "lxml_html_clean" in _top_level_imports()
    assert "lxml-html-clean" in _declared()
