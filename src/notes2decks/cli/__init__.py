"""The command line: `make-deck`, and the `notes2decks` group (`build`, `show`, `check`).

This module only declares commands and options and turns results into messages and exit codes;
the work is done by plain library functions (`build.build`, `readers.read_notes`, ...).

Exit status: 0 when everything built, 1 when any notes file failed (or, for `check`, had errors),
2 for usage errors (unknown options, a missing notes folder).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import __version__
from ..errors import Diagnostic, NotesError
from ..model import CardKind
from ..options import CARD_SIZES, DUPLEX_MODES, PAPERS, BuildOptions
from ..registry import EXPORTERS

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_NOTES = Path("notes")
DEFAULT_OUT = Path("out")
PRINT_KINDS = {kind.value: kind for kind in CardKind}
GLOSSARY_CARDS = "glossary"


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in names if name not in EXPORTERS]
    if unknown or not names:
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


def build_options(command: F) -> F:
    """The options shared by `make-deck` and `notes2decks build`."""
    decorators = [
        click.argument("notes", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "-o",
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            default=DEFAULT_OUT,
            show_default=True,
            help="Output folder; it mirrors the notes' folders.",
        ),
        click.option(
            "--format",
            "formats",
            default=",".join(EXPORTERS),
            show_default=True,
            callback=_formats,
            help="Outputs to build, comma-separated.",
        ),
        click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True),
        click.option(
            "--card-size",
            type=click.Choice(CARD_SIZES),
            default="a6",
            show_default=True,
            help="a6: 4 per A4 side; a7: 8 per side; 3x5 and 4x6 inch index cards; "
            "business: 85x55 mm.",
        ),
        click.option(
            "--duplex",
            type=click.Choice(DUPLEX_MODES),
            default="long",
            show_default=True,
            help="long/short: backs on the next page, for flipping on that edge; "
            "fold: front and back side by side.",
        ),
        click.option(
            "--back-offset",
            default="0,0",
            show_default=True,
            callback=_offset,
            metavar="X,Y",
            help="Shift the backs by X,Y mm to correct a printer (see --calibration).",
        ),
        click.option(
            "--print",
            "print_kinds",
            default="revision,basic,reversed",
            show_default=True,
            callback=_print_kinds,
            help="Kinds of card to print: revision, basic, reversed, cloze, glossary "
            "(key terms as cards).",
        ),
        click.option(
            "--glossary-sheet/--no-glossary-sheet",
            default=False,
            show_default=True,
            help="Add a printable table of key terms to each PDF.",
        ),
        click.option(
            "--auto-cloze/--no-auto-cloze",
            default=True,
            show_default=True,
            help="Turn dated or quoted facts of card-set notes into cloze notes.",
        ),
        click.option("--csv-anki", is_flag=True, help="Add Anki's import header to the CSV."),
        click.option(
            "--lock/--no-lock",
            default=True,
            show_default=True,
            help="Keep notes' identities across heading edits in a small lock file beside "
            "the notes.",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=0),
            default=0,
            help="Worker processes (default: one per core).",
        ),
        click.option("--force", is_flag=True, help="Rebuild files even when unchanged."),
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


def _echo_diagnostic(diagnostic: Diagnostic) -> None:
    colour = "red" if diagnostic.severity == "error" else "yellow"
    click.secho(str(diagnostic), fg=colour, err=True)


def run_build(
    notes: Sequence[Path],
    out: Path,
    formats: tuple[str, ...],
    paper: str,
    card_size: str,
    duplex: str,
    back_offset: tuple[float, float],
    print_kinds: frozenset[str],
    glossary_sheet: bool,
    auto_cloze: bool,
    csv_anki: bool,
    lock: bool,
    jobs: int,
    force: bool,
    watch: bool,
    calibration: bool,
    quiet: bool,
) -> None:
    """Run a build from the command line's options and exit with its status."""
    options = BuildOptions(
        formats=formats,
        paper=paper,
        card_size=card_size,
        duplex=duplex,
        back_offset=back_offset,
        print_kinds=frozenset(PRINT_KINDS[k] for k in print_kinds if k in PRINT_KINDS),
        print_glossary_cards=GLOSSARY_CARDS in print_kinds,
        print_glossary=glossary_sheet,
        auto_cloze=auto_cloze,
        csv_anki=csv_anki,
        lock=lock,
        jobs=jobs,
        force=force,
    )
    if calibration:
        _calibration(out, options, quiet)
        return
    paths = list(notes) or [DEFAULT_NOTES]
    missing = [path for path in paths if not path.exists()]
    if missing:
        hint = "" if notes else " (run make-deck in a folder with notes/, or name notes files)"
        for path in missing:
            click.secho(f"{path}: no such file or folder{hint}", fg="red", err=True)
        sys.exit(2)
    if watch:
        from ..watch import watch_and_build

        watch_and_build(paths, out, options, lambda: _build_once(paths, out, options, quiet))
        return
    sys.exit(_build_once(paths, out, options, quiet))


def _build_once(paths: list[Path], out: Path, options: BuildOptions, quiet: bool) -> int:
    from ..build import build
    from ..progress import Progress

    with Progress(enabled=not quiet) as progress:
        try:
            report = build(paths, out, options, progress=progress.advance)
        except NotesError as exc:
            click.secho(str(exc), fg="red", err=True)
            return 1
    for result in report.results:
        if not quiet:
            for warning in result.warnings:
                _echo_diagnostic(warning)
        if result.error is not None:
            _echo_diagnostic(result.error)
    for error in report.errors:
        _echo_diagnostic(error)
    if not report.results:
        click.secho("no notes files found (.md, .txt, .tsv, .csv)", fg="yellow", err=True)
    if not quiet:
        click.echo(report.summary(), err=True)
    return 0 if report.ok else 1


def _calibration(out: Path, options: BuildOptions, quiet: bool) -> None:
    from ..exporters.pdf import export_calibration

    dest = out / "calibration.pdf"
    try:
        export_calibration(dest, options)
    except OSError as exc:
        click.secho(f"{dest}: cannot write: {exc.strerror}", fg="red", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(
            f"wrote {dest}: print it double-sided at 100 % scale and follow the instructions on it",
            err=True,
        )


@click.command(name="make-deck", context_settings={"help_option_names": ["-h", "--help"]})
@build_options
@click.version_option(__version__, prog_name="make-deck")
def make_deck(**kwargs: Any) -> None:
    """Build Anki decks, printable PDF cards and a CSV glossary from revision notes.

    NOTES are notes files (.md, .txt, .tsv, .csv) or folders of them, walked recursively;
    the default is notes/. Each file x gives OUT/x.apkg, OUT/x.pdf and OUT/x-glossary.csv,
    and a build of several files also writes OUT/glossary.csv.

    Example:

        make-deck notes/history -o out --card-size a7 --duplex short
    """
    run_build(**kwargs)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notes2decks")
def main() -> None:
    """notes2decks: revision notes to Anki decks, PDF revision cards and a glossary."""


@main.command(name="build")
@build_options
def build_command(**kwargs: Any) -> None:
    """Build decks, PDFs and glossaries (the same as make-deck).

    Example:

        notes2decks build notes/ -o out --format apkg,csv
    """
    run_build(**kwargs)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the model as JSON.")
@click.option(
    "--auto-cloze/--no-auto-cloze", default=True, show_default=True, help="Include auto cloze."
)
def show(file: Path, as_json: bool, auto_cloze: bool) -> None:
    """Print the card model parsed from one notes file.

    The JSON (`--json`) has a `schema` number and is stable for other tools to read.

    Example:

        notes2decks show notes/power-struggle-after-lenin.md --json
    """
    from ..show import show_deck

    if not file.exists():
        click.secho(f"{file}: no such file", fg="red", err=True)
        sys.exit(2)
    warnings: list[Diagnostic] = []
    try:
        text = show_deck(file, as_json=as_json, auto_cloze=auto_cloze, warn=warnings.append)
    except NotesError as exc:
        for warning in warnings:
            _echo_diagnostic(warning)
        click.secho(str(exc), fg="red", err=True)
        sys.exit(1)
    for warning in warnings:
        _echo_diagnostic(warning)
    click.echo(text, nl=False)


@main.command(name="check")
@click.argument("notes", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only errors.")
@click.option(
    "--card-size",
    type=click.Choice(CARD_SIZES),
    default="a6",
    show_default=True,
    help="The printed card size whose overflowing cards are reported.",
)
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True)
def check_command(notes: tuple[Path, ...], strict: bool, card_size: str, paper: str) -> None:
    """Check notes for errors, typos and other problems, writing nothing.

    Prints one `file:line:col: warning: ...` line per problem on standard output, so editors can
    jump to it, and a summary on standard error. Exits 1 when the build would reject a file
    (or, with --strict, when anything was warned about); the default NOTES are notes/.

    Example:

        notes2decks check notes/history --strict
    """
    from ..check import check_paths

    paths = list(notes) or [DEFAULT_NOTES]
    missing = [path for path in paths if not path.exists()]
    if missing:
        hint = "" if notes else " (run check in a folder with notes/, or name notes files)"
        for path in missing:
            click.secho(f"{path}: no such file or folder{hint}", fg="red", err=True)
        sys.exit(2)
    try:
        report = check_paths(paths, BuildOptions(card_size=card_size, paper=paper))
    except NotesError as exc:
        click.secho(str(exc), fg="red", err=True)
        sys.exit(2)
    for diagnostic in report.diagnostics:
        colour = "red" if diagnostic.severity == "error" else "yellow"
        click.echo(
            str(diagnostic).replace(
                f" {diagnostic.severity}: ",
                " " + click.style(f"{diagnostic.severity}:", fg=colour) + " ",
                1,
            )
        )
    if not report.files:
        click.secho("no notes files found (.md, .txt, .tsv, .csv)", fg="yellow", err=True)
    click.echo(report.summary(), err=True)
    sys.exit(0 if report.ok(strict) else 1)
