"""The command line: `make-deck`, and the `notes2decks` group (`build`, `show`, `check`), a
module a command. Each turns its options into a `BuildOptions` and library calls, and results
into messages and exit codes (0 when all is well, 1 when a file failed, 2 for usage errors)."""

from __future__ import annotations

import click

from .. import __version__
from .build import build_command, make_deck
from .check import check_command
from .options import CONTEXT
from .show import show_command

__all__ = ["main", "make_deck"]


@click.group(context_settings=CONTEXT, commands=[build_command, show_command, check_command])
@click.version_option(__version__, prog_name="notes2decks")
def main() -> None:
    """notes2decks: revision notes to Anki decks, PDF revision cards and a glossary.

    Example:

        notes2decks build notes/ -o out
    """
