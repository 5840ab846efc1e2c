"""`notes2decks check`: check notes for errors, typos and other problems, writing nothing."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NotesError
from ..options import BuildOptions
from .options import (
    CARD_SIZE_OPTION,
    CONTEXT,
    NOTES_ARGUMENT,
    PAPER_OPTION,
    STRICT_OPTION,
    UsageFailure,
    notes_paths,
)


@click.command(name="check", context_settings=CONTEXT)
@NOTES_ARGUMENT
@STRICT_OPTION(help="Fail (exit 1) on warnings too, not only errors, as make-deck --strict does.")
@CARD_SIZE_OPTION(help="The printed card size whose overflowing cards are reported.")
@PAPER_OPTION(help="The paper the printed cards are laid out on.")
def check_command(notes: tuple[Path, ...], strict: bool, card_size: str, paper: str) -> None:
    """Check notes for errors, typos and other problems, writing nothing.

    Prints one `file:line:col: warning: ...` line per problem on standard output, so editors can
    jump to it, and a summary on standard error. Exits 1 when the build would reject a file
    (or, with --strict, when anything was warned about); the default NOTES are notes/.

    Example:

        notes2decks check notes/history --strict
    """
    from ..check import check_paths

    paths = notes_paths(notes, "check")
    try:
        report = check_paths(paths, BuildOptions(card_size=card_size, paper=paper))
    except NotesError as exc:
        raise UsageFailure(str(exc)) from None
    for diagnostic in report.diagnostics:
        colour = {"error": "red", "warning": "yellow"}.get(diagnostic.severity)
        severity = click.style(f"{diagnostic.severity}:", fg=colour)
        click.echo(str(diagnostic).replace(f" {diagnostic.severity}: ", f" {severity} ", 1))
    click.echo(report.summary(), err=True)
    if not report.ok(strict):
        click.get_current_context().exit(1)
