"""``discourse lexicon check|show``: validate a lexicon and print it."""

from __future__ import annotations

import click

from ..errors import LexiconError
from ._common import emit, format_option

__all__ = ["COMMANDS"]


@click.group("lexicon")
def lexicon_group() -> None:
    """Validate and show orientation lexicons (schema: docs/lexicon.md)."""


@lexicon_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--actors", type=click.Path(dir_okay=False), default=None,
              help="Actors gazetteer [default: the lexicon's `actors` field, else models/lexicons/actors.yaml].")
def check(path, actors) -> None:
    """Validate lexicon PATH (default: the shipped one); print every problem as FILE:LINE: message.

    Exits with status 1 when there is a problem.
    """
    from ..lexicon import DEFAULT_LEXICON, check_lexicon  # deferred: loaded only when a lexicon command runs

    problems = check_lexicon(path, actors=actors)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise LexiconError("D303", f"{path or DEFAULT_LEXICON}: {len(problems)} problem(s)",
                           hint="fix the lines above; the schema is in docs/lexicon.md")
    click.echo(f"{path or DEFAULT_LEXICON}: ok")


@lexicon_group.command("show")
@click.argument("path", type=click.Path(dir_okay=False), required=False)
@click.option("--target", default=None, help="Target power (actor id) [default: the lexicon's, russia].")
@format_option
def show(path, target, fmt) -> None:
    """Print the entries of lexicon PATH (default: the shipped one) as a table, with their hashes."""
    from ..lexicon import load_lexicon  # deferred: loaded only when a lexicon command runs

    lex = load_lexicon(path, target=target)
    frame = lex.to_frame()
    if fmt == "table":
        click.echo(f"lexicon {lex.name} ({lex.path}), target {lex.target}, hash {lex.hash}, rules "
                   + ", ".join(sorted(lex.rules.values())))
        frame = frame.drop(columns=["rationale"])
    emit(frame, fmt)


COMMANDS = [lexicon_group]
