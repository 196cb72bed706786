"""The ``discourse`` command line: a thin shell over the library.

Each command parses its options, calls one library function and formats the answer. Commands live in one
module per stage (``cli/ingest.py``, ``cli/search.py``, ...), each exposing a list ``COMMANDS``.
Only :class:`~discourse.errors.DiscourseError` is caught: it prints ``Error [Dnnn]: message`` and its hint and
exits with status 1; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from .._version import __version__
from ..error_catalogue import hint_for_cli
from ..errors import DiscourseError

__all__ = ["cli", "main"]

# Stage modules, in the order of the data flow; each defines COMMANDS.
_MODULES = ("ingest", "fetch", "fetch_web", "lexicon", "search", "score", "indicators", "report")
_MODULES += ("validate",)  # discourse validate sample|import|report (cli/validate.py)
_MODULES += ("scale",)  # discourse scale fit|show (cli/scale.py)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="discourse")
def cli() -> None:
    """Measure the foreign-policy orientation of states from their official texts.

    \b
    Typical session:
      discourse ingest corpus/examples --manifest corpus/examples/manifest.csv
      discourse kwic "Euro-Atlantic integration" --window 8
      discourse timeline non_aligned_movement --by year
      discourse export scores --level year --out out/orientation_scores.csv
      discourse report --out out/report

    The store is corpus/discourse.sqlite unless --db or DISCOURSE_DB says otherwise.
    """


for _name in _MODULES:
    try:
        _module = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a stage not built yet
        if exc.name != f"{__name__}.{_name}":
            raise
        continue
    for _command in getattr(_module, "COMMANDS", ()):
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``discourse`` console script."""
    try:
        result = cli.main(args=argv, prog_name="discourse", standalone_mode=False)
        if isinstance(result, int) and not isinstance(result, bool):  # click returns Exit(n) codes here
            return result
    except DiscourseError as exc:
        click.echo(f"Error [{exc.code}]: {exc.message}", err=True)
        hint = hint_for_cli(exc.code, exc.hint)
        if hint:
            click.echo(f"  hint: {hint}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def _entry() -> None:  # pragma: no cover
    sys.exit(main())
