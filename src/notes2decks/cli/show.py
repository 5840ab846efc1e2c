"""`notes2decks show`: print the card model parsed from one notes file."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import Diagnostic, NotesError
from .options import CONTEXT, Failure, UsageFailure, echo_diagnostic


@click.command(name="show", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
@click.option(
    "--auto-cloze/--no-auto-cloze",
    default=True,
    help="Include the auto cloze notes the build would add.",
)
def show_command(file: Path, as_json: bool, auto_cloze: bool) -> None:
    """Print the card model parsed from one notes file.

    The JSON (`--json`) has a `schema` number and is stable for other tools to read.

    Example:

        notes2decks show notes/power-struggle-after-lenin.md --json
    """
    from ..show import show_deck

    if not file.exists():
        raise UsageFailure(f"{file}: no such file")
    warnings: list[Diagnostic] = []
    try:
        text = show_deck(file, as_json=as_json, auto_cloze=auto_cloze, warn=warnings.append)
    except NotesError as exc:
        raise Failure(str(exc)) from None
    finally:
        for warning in warnings:
            echo_diagnostic(warning)
    click.echo(text, nl=False)
