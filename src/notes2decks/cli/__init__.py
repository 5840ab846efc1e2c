"""The command line: `make-deck`, and the `notes2decks` group (`build`, `show`, `check`).

Each command lives in a module of its own and only turns options into a `BuildOptions`, calls
the library (`build.build`, `show.show_deck`, `check.check_paths`) and turns its results into
messages and exit codes.

Exit status: 0 when everything built, 1 when any notes file failed (or, for `check`, had errors;
with `--strict`, warnings too), 2 for usage errors (unknown options, a missing notes folder, notes
paths without notes files).
"""

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
