"""Ship the data the library reads inside the package (metadata and dependencies live in pyproject.toml).

The lexicons (``models/``), the shipped indicators (``corpus/indicators/``) and the report's key events
(``corpus/events.csv``) stay where people edit them, at the top of the repository; a built wheel carries a copy
under ``discourse/_shipped/`` with the same relative paths, which :mod:`discourse.resources` finds through
``importlib.resources``. An editable install and a source checkout on ``PYTHONPATH`` read the repository's
folders directly, so nothing is copied there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Folders and files shipped, relative to the repository root (the same list as discourse.resources.SHIPPED).
SHIPPED = ("models", "corpus/indicators", "corpus/events.csv")
_SKIP = {"__pycache__", ".DS_Store"}


class build_py_with_data(build_py):
    """``build_py`` that also copies the shipped data into ``discourse/_shipped`` of the build."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "discourse" / "_shipped"
        for rel in SHIPPED:
            source = ROOT / rel
            if source.is_dir():
                for path in sorted(source.rglob("*")):
                    if path.is_file() and not _SKIP & set(path.parts):
                        dest = target / rel / path.relative_to(source)
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, dest)
            elif source.is_file():
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target / rel)


setup(cmdclass={"build_py": build_py_with_data})
