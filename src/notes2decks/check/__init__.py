"""`notes2decks check`: validate notes without writing anything, reporting as errors what the
build would reject and as warnings what the submodules find, each at its file, line and column."""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import registry
from ..build.files import find_notes
from ..enrich import enrich_deck
from ..enrich.lock import load_lock, lock_path_for
from ..errors import Diagnostic, NoCardsError, NotesError
from ..model import Deck
from ..options import BuildOptions
from ..readers import read_notes_text
from ..spelling import english
from .cloze import check_cloze
from .fronts import check_fronts
from .print_size import check_print_size
from .typos import check_spelling


@dataclass(slots=True)
class FileCheck:
    """What checking one notes file found."""

    file: str
    """The notes file as the user named it."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Errors and warnings, in the order of the file."""
    cards: int = 0
    """How many cards the file gives (0 when it cannot be read)."""

    @property
    def errors(self) -> list[Diagnostic]:
        """What the build would reject."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """What the build would accept but deserves a look."""
        return [d for d in self.diagnostics if d.severity == "warning"]


@dataclass(slots=True)
class CheckReport:
    """What checking some notes found."""

    files: list[FileCheck] = field(default_factory=list)
    """One entry per notes file, in the order of the build."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Errors of the notes as a whole, such as two files whose outputs would clash."""
    seconds: float = 0.0
    """Wall-clock time of the check."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic, file by file, then those of the notes as a whole."""
        return [d for f in self.files for d in f.diagnostics] + self.errors

    @property
    def error_count(self) -> int:
        """How many errors there are."""
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warning_count(self) -> int:
        """How many warnings there are (notes, such as what was not checked, are not)."""
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def ok(self, strict: bool = False) -> bool:
        """True when nothing would stop the build (and, when `strict`, nothing was warned)."""
        return self.error_count == 0 and not (strict and self.warning_count)

    def summary(self) -> str:
        """One line for people: files, cards, errors, warnings, time."""
        files, cards = len(self.files), sum(f.cards for f in self.files)
        notes = sum(1 for d in self.diagnostics if d.severity == "note")
        return (
            f"checked {_count(files, 'file')} ({cards} cards): "
            f"{_count(self.error_count, 'error')}, {_count(self.warning_count, 'warning')}"
            + (f", {_count(notes, 'note')}" if notes else "")
            + f" in {self.seconds:.2f} s"
        )


def _count(n: int, name: str) -> str:
    return f"{n} {name}{'s' if n != 1 else ''}"


def check_paths(paths: Sequence[Path], options: BuildOptions | None = None) -> CheckReport:
    """Check every notes file under `paths` (files, or folders walked like the build does),
    writing nothing. Raises `NotesError` only for a path that does not exist."""
    options = options or BuildOptions()
    started = time.perf_counter()
    report = CheckReport()
    owners: dict[str, str] = {}
    for file in find_notes(paths):
        key = file.stem.as_posix().casefold()
        if key in owners:
            message = f"its outputs would overwrite those of {owners[key]}; rename one of them"
            report.errors.append(Diagnostic(file.display, 0, message, "error"))
        else:
            owners[key] = file.display
        parts = file.stem.parent.parts
        result = check_file(file.path, options, root=file.root, display=file.display, folders=parts)
        report.files.append(result)
    report.seconds = time.perf_counter() - started
    return report


def check_file(
    path: Path,
    options: BuildOptions | None = None,
    *,
    root: Path | None = None,
    display: str | None = None,
    folders: tuple[str, ...] | None = None,
) -> FileCheck:
    """Check one notes file. Never raises for bad notes: the result lists what is wrong. With
    `options.lock` (and a format that needs it), the file's lock file is read, never written."""
    options = options or BuildOptions()
    display = display or str(path)
    result = FileCheck(display)
    found: list[Diagnostic] = []
    try:
        deck, text = read_notes_text(
            path, root=root, file=display, warn=found.append, folders=folders
        )
        result.cards = len(deck.cards)
        found.extend(check_deck(deck, text, options, path=path, reported=found))
        if options.lock and any(spec.needs_lock for spec in registry.exporters(options.formats)):
            load_lock(lock_path_for(path), display, found.append)
    except NoCardsError as exc:
        # The build skips such a file with a warning, and so does check.
        found.append(exc.diagnostic(display, "warning"))
    except NotesError as exc:
        found.append(exc.diagnostic(display))
    except Exception as exc:
        found.append(_internal_error(display, "checking this file", exc))
    # Stable by place, so that a file's problems read top to bottom like a compiler's.
    result.diagnostics = sorted(dict.fromkeys(found), key=lambda d: (d.file, d.line, d.col))
    return result


def _internal_error(file: str, doing: str, exc: Exception) -> Diagnostic:
    # A bug of notes2decks, as an error that asks for a report.
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    message = f"internal error while {doing} ({detail}); please report it"
    return Diagnostic(file, 0, message, "error")


def check_deck(
    deck: Deck,
    text: str,
    options: BuildOptions | None = None,
    *,
    path: Path | None = None,
    reported: Sequence[Diagnostic] = (),
) -> list[Diagnostic]:
    """Everything wrong or doubtful in a deck read from `text` (which places each warning). With
    `path`, the deck is also prepared as the build prepares it (glossary, auto cloze), and errors
    of that step reported; `reported` holds what the reader already said, not to warn twice."""
    options = options or BuildOptions()
    found: list[Diagnostic] = []
    file = deck.source.file

    def run(step: Callable[[], list[Diagnostic]], doing: str = "checking this file") -> None:
        # One check failing must not hide what the others find.
        try:
            found.extend(step())
        except NotesError as exc:
            found.append(exc.diagnostic(file))
        except Exception as exc:
            found.append(_internal_error(file, doing, exc))

    run(lambda: check_spelling(deck, text, english()))
    prepared = deck

    def prepare(path: Path) -> list[Diagnostic]:
        # The deck as the build gives it to the exporters, without the lock file.
        nonlocal prepared
        prepared, _ = enrich_deck(deck, path, dataclasses.replace(options, lock=False))
        return []

    if path is not None:
        run(lambda: prepare(path), "preparing the cards")
    run(lambda: check_cloze(prepared, text, options))
    run(lambda: check_fronts(prepared, [*reported, *found]))
    run(lambda: check_print_size(prepared, options))
    return found
