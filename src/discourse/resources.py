"""Where the data shipped with discourse is found: inside the installed package, else the source checkout.

The lexicons (``models/``), the shipped indicators (``corpus/indicators/``) and the report's key events
(``corpus/events.csv``) are edited at the top of the repository. A built wheel carries a copy of them under
``discourse/_shipped/`` with the same relative paths (``setup.py`` copies them), read here through
:mod:`importlib.resources`; a source checkout (``PYTHONPATH=src`` or an editable install) reads the repository's
folders. A user's own files still come first wherever a path or an environment variable names one
(``--lexicon``, ``DISCOURSE_INDICATORS_DIR``, ``--events``).

>>> shipped("models/lexicons/orientation.yaml").name
'orientation.yaml'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SHIPPED", "shipped", "shipped_root"]

#: What ships, relative to the repository root (``setup.py`` copies the same list into the wheel).
SHIPPED = ("models", "corpus/indicators", "corpus/events.csv")

_CHECKOUT = Path(__file__).resolve().parents[2]


def shipped_root() -> Path:
    """The folder that holds ``models/`` and ``corpus/``: ``discourse/_shipped`` of an installed wheel, else the
    repository root of a source checkout."""
    packaged = resources.files(__package__) / "_shipped"
    if packaged.is_dir():
        return Path(str(packaged))  # a wheel installs as plain files; a zipped install is not supported
    return _CHECKOUT


def shipped(relative: str) -> Path:
    """The path of a shipped file or folder, given relative to the repository root (``"corpus/indicators"``)."""
    if not any(relative == s or relative.startswith(s.rstrip("/") + "/") for s in SHIPPED):
        raise ValueError(f"{relative!r} is not shipped with discourse (shipped: {', '.join(SHIPPED)})")
    return shipped_root() / relative
