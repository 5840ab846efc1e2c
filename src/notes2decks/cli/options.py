"""What the commands share: their context, failures, options and notes-path checks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from ..errors import Diagnostic
from ..model import CardKind
from ..options import CARD_SIZES, DUPLEX_MODES, GLOSSARY_CARD_MODES, PAPERS, BuildOptions
from ..registry import EXPORTERS, notes_suffixes

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True}
"""The commands' context: `-h` for help, and every option's default shown in it."""
PRINT_KINDS = {kind.value: kind for kind in CardKind}
GLOSSARY_CARDS = "glossary"
"""The `--print` name of the glossary's terms printed as cards."""


class Failure(click.ClickException):
    """A failure already worded for the user: shown in red as it is, without click's `Error:`,
    and exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.secho(self.format_message(), fg="red", err=True)


class UsageFailure(Failure):
    """A usage error (a missing notes folder), worded for the user: exit status 2."""

    exit_code = 2


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    if not names or not set(names) <= set(EXPORTERS):
        known = ",".join(EXPORTERS)
        raise click.BadParameter(f"choose from {known} (comma-separated), not {value!r}")
    return names


def _offset(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError:
        message = f"give two numbers in mm, such as 1.5,-0.5, not {value!r}"
        raise click.BadParameter(message) from None
    if abs(x) > 20 or abs(y) > 20:
        raise click.BadParameter("an offset over 20 mm is more than a printer misaligns")
    return (x, y)


def _print_kinds(ctx: click.Context, param: click.Parameter, value: str) -> frozenset[str]:
    names = frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    known = [*PRINT_KINDS, GLOSSARY_CARDS]
    if not names or names - set(known):
        raise click.BadParameter(f"choose from {','.join(known)}, not {value!r}")
    return names


NOTES_ARGUMENT = click.argument("notes", nargs=-1, type=click.Path(path_type=Path))
"""NOTES: files or folders of notes, any number (none means notes/)."""
PAPER_OPTION = functools.partial(click.option, "--paper", type=click.Choice(PAPERS), default="a4")
"""`--paper`, given a help text that says what it changes for the command."""
CARD_SIZE_OPTION = functools.partial(
    click.option, "--card-size", type=click.Choice(CARD_SIZES), default="a6"
)
"""`--card-size`, given a help text that says what it changes for the command."""
STRICT_OPTION = functools.partial(click.option, "--strict", is_flag=True)
"""`--strict`, which `make-deck` and `check` share: warnings count as errors."""


def build_options(command: F) -> F:
    """The arguments and options shared by `make-deck` and `notes2decks build`."""
    decorators = [
        NOTES_ARGUMENT,
        click.option(
            "-o",
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            default=Path("out"),
            help="Output folder; it mirrors the notes' folders.",
        ),
        click.option(
            "--format",
            "formats",
            default=",".join(EXPORTERS),
            callback=_formats,
            help="Outputs to build, comma-separated.",
        ),
        PAPER_OPTION(help="Paper the PDF's cards are laid out on."),
        CARD_SIZE_OPTION(
            help="a6: 4 per A4 side; a7: 8 per side; 3x5 and 4x6 inch index cards; "
            "business: 85x55 mm."
        ),
        click.option(
            "--duplex",
            type=click.Choice(DUPLEX_MODES),
            default="long",
            help="long/short: backs on the next page, for flipping on that edge; "
            "fold: front and back side by side.",
        ),
        click.option(
            "--back-offset",
            default="0,0",
            callback=_offset,
            metavar="X,Y",
            help="Shift the backs by X,Y mm to correct a printer (see --calibration).",
        ),
        click.option(
            "--print",
            "print_kinds",
            default="revision,basic,reversed",
            callback=_print_kinds,
            help="Kinds of card to print: revision, basic, reversed, cloze, glossary "
            "(key terms as cards).",
        ),
        click.option(
            "--glossary-sheet/--no-glossary-sheet",
            "print_glossary",
            help="Add a printable table of key terms to each PDF.",
        ),
        click.option(
            "--auto-cloze/--no-auto-cloze",
            default=True,
            help="Turn dated or quoted facts of card-set notes into cloze notes.",
        ),
        click.option(
            "--glossary-cards",
            type=click.Choice(GLOSSARY_CARD_MODES),
            default="both",
            help="Anki asks key terms both ways (the definition with the term hidden, too) "
            "or forward only (term to definition).",
        ),
        click.option("--csv-anki", is_flag=True, help="Add Anki's import header to the CSV."),
        click.option(
            "--lock/--no-lock",
            default=True,
            help="Keep notes' identities and dates across edits in small lock files beside "
            "the notes (notes2decks-lock/).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=0,
            show_default=False,
            help="Worker processes (default: one per core).",
        ),
        click.option("--force", is_flag=True, help="Rebuild files even when unchanged."),
        STRICT_OPTION(
            help="Make warnings errors: a file with warnings fails and its previous outputs stay."
        ),
        click.option("--watch", is_flag=True, help="Rebuild whenever a notes file is saved."),
        click.option(
            "--calibration",
            is_flag=True,
            help="Write OUT/calibration.pdf, a duplex test sheet for measuring --back-offset.",
        ),
        click.option("-q", "--quiet", is_flag=True, help="Print errors only."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def options_from(values: Mapping[str, Any]) -> BuildOptions:
    """The `BuildOptions` of `build_options`' option values, which are named as `BuildOptions`
    names its fields, but for `print_kinds`: the `--print` names, glossary cards included."""
    kinds = values["print_kinds"]
    return BuildOptions(
        **{
            **values,
            "print_kinds": frozenset(PRINT_KINDS[k] for k in kinds if k in PRINT_KINDS),
            "print_glossary_cards": GLOSSARY_CARDS in kinds,
        }
    )


def notes_paths(notes: Sequence[Path], command: str, *, must_hold_notes: bool = True) -> list[Path]:
    """The notes paths a command was given, notes/ when none; a missing one, or (checked before
    building, so that a mistyped folder leaves no empty output folder) paths that hold no notes
    files, are usage errors."""
    from ..build.files import find_notes

    paths = list(notes) or [Path("notes")]
    missing = [path for path in paths if not path.exists()]
    if missing:
        hint = "" if notes else f" (run {command} in a folder with notes/, or name notes files)"
        raise UsageFailure("\n".join(f"{path}: no such file or folder{hint}" for path in missing))
    if must_hold_notes and not find_notes(paths):
        raise UsageFailure(f"{', '.join(map(str, paths))}: {no_notes_message()}")
    return paths


def no_notes_message() -> str:
    """What a command says when its notes paths hold no notes files."""
    return f"no notes files found ({', '.join(notes_suffixes())})"


def echo_diagnostic(diagnostic: Diagnostic) -> None:
    """Show a warning (yellow), an error (red) or a note (plain) on standard error."""
    colour = {"error": "red", "note": None}.get(diagnostic.severity, "yellow")
    click.secho(str(diagnostic), fg=colour, err=True)
