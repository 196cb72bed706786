"""The ``discourse`` console script: Ctrl-C at any moment, start-up included, ends with status 130 and one line.

Kept apart from :mod:`discourse.cli` so that an interrupt while the CLI modules are still importing (pandas,
click, the stage modules) is caught too: this module imports nothing heavy before its ``try``.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its status; a KeyboardInterrupt anywhere exits 130 without a traceback."""
    try:
        from .cli import main as run

        code = run(argv)
    except KeyboardInterrupt:
        try:
            sys.stderr.write("\nAborted.\n")
            sys.stderr.flush()
        except (OSError, KeyboardInterrupt):
            pass
        code = 130
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
