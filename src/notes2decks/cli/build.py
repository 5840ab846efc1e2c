"""`make-deck` and `notes2decks build`: build decks, PDFs and glossaries, or watch and build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..errors import NotesError
from ..options import BuildOptions
from .options import (
    CONTEXT,
    Failure,
    build_options,
    echo_diagnostic,
    no_notes_message,
    notes_paths,
    options_from,
)


def run_build(
    notes: tuple[Path, ...], out: Path, watch: bool, calibration: bool, quiet: bool, **values: Any
) -> None:
    """Build (or write the calibration sheet, or watch and build) and exit with the status."""
    options = options_from(values)
    if calibration:
        write_calibration(out, options, quiet)
        return
    paths = notes_paths(notes, "make-deck", must_hold_notes=not watch)
    if watch:
        from ..watch import watch_and_build

        watch_and_build(paths, out, options, lambda: build_shown(paths, out, options, quiet))
    elif not build_and_show(paths, out, options, quiet):
        click.get_current_context().exit(1)


def _build_command(name: str, help: str) -> click.Command:
    # `make-deck` and `notes2decks build` differ only in their names and help.
    return click.command(name, context_settings=CONTEXT, help=help)(build_options(run_build))


make_deck = click.version_option(__version__, prog_name="make-deck")(
    _build_command(
        "make-deck",
        """Build Anki decks, printable PDF cards and a CSV glossary from revision notes.

    NOTES are notes files (.md, .txt, .tsv, .csv) or folders of them, walked recursively;
    the default is notes/. Each file x gives OUT/x.apkg, OUT/x.pdf and OUT/x-glossary.csv,
    and a build of several files also writes OUT/glossary.csv. An output is written only when
    its content changed.

    Exits 0 when every file built, 1 when any failed (with --strict: or was warned about),
    2 for usage errors, such as notes paths that hold no notes files.

    Example:

        make-deck notes/history -o out --card-size a7 --duplex short
    """,
    )
)
build_command = _build_command(
    "build",
    """Build decks, PDFs and glossaries (the same as make-deck).

    Example:

        notes2decks build notes/ -o out --format apkg,csv
    """,
)


def build_and_show(paths: list[Path], out: Path, options: BuildOptions, quiet: bool) -> bool:
    """Build, show the warnings, errors and summary, and return True when every file built;
    raise `Failure` when the build as a whole cannot run (an output folder it cannot write)."""
    from ..build import build
    from ..progress import Progress

    with Progress(enabled=not quiet) as progress:
        try:
            report = build(paths, out, options, progress=progress.advance)
        except NotesError as exc:
            raise Failure(str(exc)) from None
    for result in report.results:
        # Under --strict a file's warnings are why it failed: shown even with --quiet.
        if not quiet or (options.strict and result.error is not None):
            for warning in result.warnings:
                echo_diagnostic(warning)
        if result.error is not None:
            echo_diagnostic(result.error)
    for error in report.errors:
        echo_diagnostic(error)
    if not report.results:
        click.secho(no_notes_message(), fg="yellow", err=True)
    if not quiet:
        click.echo(report.summary(), err=True)
    return report.ok


def build_shown(paths: list[Path], out: Path, options: BuildOptions, quiet: bool) -> int:
    """One build of `--watch`, which goes on watching whatever happened: its exit status."""
    try:
        return 0 if build_and_show(paths, out, options, quiet) else 1
    except Failure as failure:
        failure.show()
        return failure.exit_code


def write_calibration(out: Path, options: BuildOptions, quiet: bool) -> None:
    """Write OUT/calibration.pdf, the duplex test sheet for `--back-offset`."""
    from ..atomic import private_folder
    from ..build.staging import move_into_place, staging_folder
    from ..exporters.pdf import export_calibration

    dest = out / "calibration.pdf"
    try:
        # Like every output, written aside and moved into place only when its bytes changed.
        with staging_folder(out) as folder, private_folder(folder):
            export_calibration(folder / dest.name, options)
            written = move_into_place([(folder / dest.name, dest)])
    except OSError as exc:
        raise Failure(f"{dest}: cannot write: {exc.strerror or exc}") from None
    except NotesError as exc:
        raise Failure(str(exc)) from None
    if not quiet:
        done = "wrote" if written else "kept (unchanged)"
        advice = "print it double-sided at 100 % scale and follow the instructions on it"
        click.echo(f"{done} {dest}: {advice}", err=True)
