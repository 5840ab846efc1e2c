"""The build that `make-deck` runs: each notes file is read, enriched and exported on its own
(in worker processes when there are several); a file that fails keeps its previous outputs and
does not stop the others."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
import traceback
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path

from ..atomic import private_folder
from ..enrich import enrich_deck
from ..errors import Diagnostic, NoCardsError, NotesError
from ..identity import glossary_notes
from ..model import Deck, Image, walk_inlines
from ..options import BuildOptions
from ..readers import read_notes_bytes, read_notes_text
from ..registry import EXPORTERS, exporters, load
from .cache import BuildCache, cards_inputs, code_digest, fingerprint_of
from .combined import kept_previous, write_combined
from .files import NotesFile, find_notes, output_paths
from .report import BuildReport, FileResult
from .staging import move_into_place, remove_abandoned_staging, staging_folder

__all__ = ["BuildReport", "FileResult", "NotesFile", "build", "build_file", "find_notes"]

# Where lock files go when the notes' own folder is read-only.
LOCKS = ".notes2decks-locks"

Progress = Callable[[FileResult, int, int], None]
"""Called after each file with its result, how many files are done and how many there are."""


def build(
    paths: Sequence[Path],
    out: Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build every notes file under `paths` into `out`.

    Example:
        report = build([Path("notes")], Path("out"), BuildOptions(formats=("apkg",)))
    """
    options = options or BuildOptions()
    started = time.perf_counter()
    report = BuildReport()
    files = _without_clashes(find_notes(paths), report)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        message = f"cannot create the output folder ({reason}); choose another with -o"
        raise NotesError(message, str(out)) from None
    if not os.access(out, os.W_OK):
        raise NotesError("the output folder cannot be written; choose another with -o", str(out))
    remove_abandoned_staging(out)

    cache = BuildCache.load(out)
    todo: list[NotesFile] = []
    for file in files:
        hit = None if options.force else cache.lookup(file, out, options)
        # Under --strict a file with warnings fails; building it again fails it the usual way.
        if hit is not None and not (options.strict and hit.warnings):
            report.results.append(hit)
            if progress:
                progress(hit, len(report.results), len(files))
        else:
            todo.append(file)

    jobs = max(1, min(options.jobs or os.cpu_count() or 1, len(todo)))
    if todo:
        code_digest()  # once, here, rather than in every worker (see `cards_inputs`)
    with contextlib.ExitStack() as stack:
        # One staging folder for the build, made only when something is built.
        try:
            staging = stack.enter_context(staging_folder(out)) if todo else None
        except OSError as exc:
            reason = exc.strerror or exc
            message = f"cannot write in the output folder ({reason}); choose another with -o"
            raise NotesError(message, str(out)) from None
        pool = None
        if jobs > 1:
            # Imported here: multiprocessing costs a one-file build a tenth of its start-up.
            from concurrent.futures import ProcessPoolExecutor

            pool = stack.enter_context(ProcessPoolExecutor(jobs))
        rest = (repeat(out), repeat(options), repeat(staging))
        results = pool.map(build_file, todo, *rest) if pool else map(build_file, todo, *rest)
        for result in results:
            if kept_previous(result):
                # Its previous outputs stay, and so do its terms in the combined glossary.
                result.deck_path, result.glossary = cache.previous(result.file)
            report.results.append(result)
            if progress:
                progress(result, len(report.results), len(files))

    report.results.sort(key=lambda r: (r.file.stem.as_posix(), r.file.display))
    _warn_shared_decks(report, options)
    # The build's notes (where lock files were made) are said once, not per file.
    notes = (w.message for r in report.results for w in r.warnings if w.severity == "note")
    for message in dict.fromkeys(notes):
        _say_once(report, message)
    for result in (r for r in report.results if not r.cached):
        if result.error is None:
            cache.store(result, options)
        else:
            cache.forget(result)
    write_combined(report, cache, out, options)
    cache.save(out)
    # After the cache has each file's own warnings: the grouping is the report's, not a file's.
    _group_repeated(report)
    report.seconds = time.perf_counter() - started
    return report


def build_file(
    file: NotesFile, out: Path, options: BuildOptions, staging: Path | None = None
) -> FileResult:
    """Build one notes file's outputs. Never raises for bad notes: the result says what failed.
    The outputs are staged together (inside the build's `staging` folder when given)."""
    result = FileResult(file)
    try:
        # The cache records the bytes read: notes saved during the build are built again.
        data, info = read_notes_bytes(file.path, file.display)
        result.fingerprints[str(file.path)] = fingerprint_of(info, data)
        deck, text = read_notes_text(
            file.path,
            root=file.root,
            file=file.display,
            warn=result.warnings.append,
            data=data,
            folders=file.stem.parent.parts,
        )
        result.inputs = sorted({n.path for n in walk_inlines(deck) if isinstance(n, Image)})
        for path in result.inputs:
            # Read as notes are read; the cache fingerprints any other image itself.
            with contextlib.suppress(NotesError):
                image, image_info = read_notes_bytes(path, str(path))
                result.fingerprints[str(path)] = fingerprint_of(image_info, image)
        lock_dir = out / LOCKS / file.stem.parent
        inputs = cards_inputs(file.path, text, result.inputs, options)
        # A lost lock file is recovered from the package the last build left (enrich.lock).
        keeps_notes = tuple(name for name, spec in EXPORTERS.items() if spec.needs_lock)
        package = next(iter(output_paths(file, out, keeps_notes).values()), None)
        deck, save_lock = enrich_deck(
            deck, file.path, options, result.warnings.append, lock_dir, inputs, package
        )
        result.cards = len(deck.cards)
        result.glossary = deck.glossary
        result.deck_path = deck.deck_path
        result.identities = tuple(
            sorted({c.identity for c in deck.cards} | {k for k, _ in glossary_notes(deck)})
        )
        with staging_folder(out, staging) as folder:
            staged = _stage(deck, output_paths(file, out, options.formats), options, folder, result)
            if options.strict and result.warnings:
                raise _strict_error(result, "nothing was built and its previous outputs stay")
            result.written = move_into_place(staged)
        result.outputs = [dest for _, dest in staged]
        if save_lock is not None:
            save_lock()
    except NoCardsError as exc:
        nothing = exc.diagnostic(file.display, "warning")
        message = f"{exc.message}; nothing was built"
        result.warnings.append(dataclasses.replace(nothing, message=message, col=0))
        if options.strict:
            result.error = _strict_error(result, "nothing was built").diagnostic("")
    except NotesError as exc:
        result.error = exc.diagnostic(file.display)
    except OSError as exc:
        where = exc.filename or file.display
        result.error = Diagnostic(str(where), 0, f"cannot write: {exc.strerror or exc}", "error")
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        message = f"internal error while building this file ({detail}); please report it"
        result.error = Diagnostic(file.display, 0, message, "error")
    return result


def _stage(
    deck: Deck,
    destinations: dict[str, Path],
    options: BuildOptions,
    folder: Path,
    result: FileResult,
) -> list[tuple[Path, Path]]:
    """Write every format's output into the staging `folder`: (staged, destination) pairs."""
    if not deck.cards and deck.glossary and not options.print_glossary:
        # A file of key terms only: its printed cards are its terms.
        options = dataclasses.replace(options, print_glossary_cards=True)
    staged: list[tuple[Path, Path]] = []
    for spec, dest in zip(exporters(tuple(destinations)), destinations.values(), strict=True):
        # Staged under its own name, so that exporters' messages name the real file.
        temp = folder / dest.name
        try:
            with private_folder(folder):
                load(spec.target)(deck, temp, options, result.warnings.append)
        except OSError as exc:
            raise NotesError(f"cannot write {dest}: {exc.strerror or exc}") from None
        except NotesError as exc:
            # Name the output the user knows, not its staging copy.
            exc.message = exc.message.replace(str(temp), str(dest))
            raise
        if temp.exists():  # an exporter with nothing to write says so in a warning
            staged.append((temp, dest))
    return staged


def _strict_error(result: FileResult, outcome: str) -> NotesError:
    """The error of a file whose warnings `--strict` makes errors."""
    count = len(result.warnings)
    what = "its warning an error" if count == 1 else f"its {count} warnings errors"
    return NotesError(f"--strict makes {what}: {outcome}", result.file.display)


def _without_clashes(files: list[NotesFile], report: BuildReport) -> list[NotesFile]:
    """The files but those whose outputs would overwrite an earlier one's (x.md and x.txt):
    those are errors."""
    owners: dict[str, NotesFile] = {}
    for file in files:
        first = owners.setdefault(file.stem.as_posix().casefold(), file)
        if first is not file:
            message = f"its outputs would overwrite those of {first.display}; rename one of them"
            report.errors.append(Diagnostic(file.display, 0, message, "error"))
    return [file for file in files if owners[file.stem.as_posix().casefold()] is file]


def _group_repeated(report: BuildReport) -> None:
    """Say a whole-file warning that five or more files share once, at the first of them, with
    the files it is about."""
    by_message: dict[str, list[FileResult]] = {}
    for result in report.results:
        for warning in {w.message for w in result.warnings if w.severity == "warning"}:
            by_message.setdefault(warning, []).append(result)
    for message, results in by_message.items():
        if len(results) < 5:
            continue
        first, others = results[0], results[1:]
        names = ", ".join(r.file.display for r in others[:3]) + (", ..." if len(others) > 3 else "")
        more = f" (the same in {len(others)} more files: {names})"
        first.warnings = [
            dataclasses.replace(w, message=w.message + more) if w.message == message else w
            for w in first.warnings
        ]
        for result in others:
            result.warnings = [w for w in result.warnings if w.message != message]


def _say_once(report: BuildReport, message: str) -> None:
    """Keep only the first of the files' warnings that say `message`."""
    said = False
    for result in report.results:
        if any(w.message == message for w in result.warnings):
            result.warnings = [w for w in result.warnings if w.message != message or not said]
            said = True


def _warn_shared_decks(report: BuildReport, options: BuildOptions) -> None:
    """Warn of two files of one deck with a card (or term) of the same front: they would update
    each other's note in Anki. Files that only share a deck are fine."""
    first: dict[str, list[FileResult]] = {}
    for result in report.results:
        if kept_previous(result) or not result.deck_path:
            continue
        earlier = first.setdefault(result.deck_path.casefold(), [])
        mine = set(result.identities)
        shared: list[str] = []
        other = next((o for o in earlier if (shared := sorted(mine & set(o.identities)))), None)
        earlier.append(result)
        if other is None:
            continue
        front = shared[0].rsplit("/", 1)[-1]
        more = f" and {len(shared) - 1} more" if len(shared) > 1 else ""
        message = (
            f"its deck {result.deck_path!r} is also the deck of {other.file.display}, and "
            f"both have a card {front!r}{more}: Anki would take them for one note; give one "
            "of the files a title or a `deck:` of its own"
        )
        warning = Diagnostic(result.file.display, 0, message)
        if warning not in result.warnings:  # (a cached result brings it along)
            result.warnings.append(warning)
        if options.strict:
            # Found once every file is built, so its outputs are in place already.
            result.error = _strict_error(result, "its outputs were built").diagnostic("")
