"""The build: notes files in, one set of outputs per file out.

`build(paths, out, options)` is what `make-deck` runs. Each notes file is built on its own (in
worker processes when there are several): read into a `Deck`, enriched (glossary terms, auto
cloze, identities kept across edits), then handed to each exporter. A file that fails leaves its
previous outputs untouched and does not stop the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import __version__
from .atomic import private_folder
from .cache import BuildCache, code_digest, fingerprint_of
from .dates import source_date
from .errors import Diagnostic, NoCardsError, NotesError
from .model import Deck, GlossaryEntry, Image, SourceRef, walk_inlines
from .options import BuildOptions
from .readers import read_notes_bytes, read_notes_text
from .registry import EXPORTERS, load, notes_suffixes, reader_for

COMBINED_GLOSSARY = "glossary.csv"
# Where lock files go when the notes' own folder is read-only.
LOCKS = ".notes2decks-locks"
# Each notes file's outputs are written into a staging folder in the output folder first.
STAGING_PREFIX = ".notes2decks-staging-"


@dataclass(frozen=True, slots=True)
class NotesFile:
    """One notes file to build, and where its outputs go."""

    path: Path
    """The notes file."""
    root: Path
    """The notes folder it was found in: images stay inside it, and its sub-folders name decks."""
    display: str
    """The file's name for messages."""
    stem: Path
    """The outputs' path without suffix, relative to the output folder (mirrors the folders)."""


@dataclass(slots=True)
class FileResult:
    """What building one notes file gave."""

    file: NotesFile
    """The notes file."""
    outputs: list[Path] = field(default_factory=list)
    """The outputs written (or, when unchanged, already there)."""
    cards: int = 0
    """How many cards the deck holds."""
    glossary: tuple[GlossaryEntry, ...] = ()
    """The deck's glossary, for the combined glossary of the build."""
    deck_path: str = ""
    """The deck's Anki path."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """The warnings, in the order they were found."""
    error: Diagnostic | None = None
    """Why the file failed, or None."""
    cached: bool = False
    """True when nothing had changed and the outputs were kept."""
    inputs: list[Path] = field(default_factory=list)
    """Files besides the notes that the outputs depend on (images)."""
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Size, time and hash of the notes file and of each input, by path, of the bytes the build
    read: the build cache records them (see `cache.fingerprint_of`)."""


@dataclass(slots=True)
class BuildReport:
    """What a whole build gave."""

    results: list[FileResult] = field(default_factory=list)
    """One result per notes file, in a stable order."""
    outputs: list[Path] = field(default_factory=list)
    """Outputs of the build as a whole, such as the combined glossary."""
    seconds: float = 0.0
    """Wall-clock time of the build."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Errors of the build as a whole (not of one file)."""

    @property
    def failed(self) -> list[FileResult]:
        """The files that failed."""
        return [r for r in self.results if r.error is not None]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Every warning, file by file."""
        return [w for r in self.results for w in r.warnings]

    @property
    def ok(self) -> bool:
        """True when every file built."""
        return not self.failed and not self.errors

    def summary(self) -> str:
        """One line for people: files, cards, outputs, time, warnings."""
        files = len(self.results)
        built = sum(1 for r in self.results if r.error is None and not r.cached)
        cached = sum(1 for r in self.results if r.cached)
        cards = sum(r.cards for r in self.results)
        outputs = sum(len(r.outputs) for r in self.results if not r.cached) + len(self.outputs)
        parts = [f"{files} file{'s' if files != 1 else ''}", f"{cards} cards"]
        if cached:
            parts.append(f"{built} built, {cached} unchanged")
        parts.append(f"{outputs} output{'s' if outputs != 1 else ''} written")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        warnings = len(self.warnings)
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return ", ".join(parts) + f" in {self.seconds:.2f} s"


def find_notes(paths: Sequence[Path]) -> list[NotesFile]:
    """The notes files named by `paths` (files, or folders walked recursively), sorted.

    Hidden files and folders are skipped, symbolic links to folders are not followed (so a link
    loop cannot trap the walk), and a path that does not exist is an error.
    """
    suffixes = notes_suffixes()
    found: dict[Path, NotesFile] = {}
    for given in paths:
        given = Path(given)
        if not given.exists():
            raise NotesError("no such file or folder", str(given))
        if given.is_file():
            _add(found, given, given.parent, Path(given.stem))
            continue
        for folder, dirs, files in os.walk(given, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            # Resolved once per folder: resolving each file walks every folder of its path.
            real_folder = _resolved(Path(folder))
            for name in sorted(files):
                path = Path(folder) / name
                if name.startswith(".") or path.suffix.lower() not in suffixes:
                    continue
                stem = path.relative_to(given).with_suffix("")
                real = None if os.path.islink(path) else real_folder / name
                _add(found, path, given, stem, real)
    return sorted(found.values(), key=lambda f: (f.stem.as_posix(), f.display))


def _add(
    found: dict[Path, NotesFile], path: Path, root: Path, stem: Path, real: Path | None = None
) -> None:
    """Add a notes file unless it was found already (by its real path, which `real` is when
    the caller knows it)."""
    resolved = real if real is not None else _resolved(path)
    if resolved not in found:
        found[resolved] = NotesFile(path, root, str(path), stem)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        # A symbolic link loop (RuntimeError before Python 3.13): reading it reports the error.
        return path.absolute()


def output_paths(file: NotesFile, out: Path, formats: Sequence[str]) -> dict[str, Path]:
    """Where each format's output of `file` goes."""
    return {fmt: out / (file.stem.as_posix() + EXPORTERS[fmt].suffix) for fmt in formats}


def prepare_deck(
    deck: Deck,
    path: Path,
    options: BuildOptions,
    warn: Callable[[Diagnostic], None] | None = None,
    lock_dir: Path | None = None,
    inputs: str | None = None,
) -> tuple[Deck, Callable[[], None] | None]:
    """The deck as the exporters get it: dated, its glossary extracted, auto cloze added, and its
    identities reconciled with the lock file. Also returns the step that saves the lock file,
    to run once every output is written.

    The lock file lives beside the notes; when their folder is read-only, in `lock_dir` instead.
    `inputs` is what the cards were made of (`cards_inputs`), for the lock file.
    """
    deck = dataclasses.replace(deck, modified=source_date(path.stat().st_mtime))
    deck = dataclasses.replace(deck, glossary=_extract_glossary(deck))
    if options.auto_cloze and deck.auto_cloze:
        from .autocloze import add_auto_cloze

        deck = add_auto_cloze(deck)
    if not options.lock or "apkg" not in options.formats:
        return deck, None
    from .enrich.lock import lock_path_for, reconcile, save_lock

    lock_path = lock_path_for(path)
    if lock_dir is not None and not writable_folder(path.parent):
        lock_path = lock_dir / lock_path.name
    deck, state = reconcile(deck, lock_path, warn or _ignore, inputs)
    return deck, lambda: save_lock(lock_path, state)


def _ignore(_: Diagnostic) -> None:
    pass


def cards_inputs(path: Path, text: str, images: list[Path], options: BuildOptions) -> str | None:
    """A digest of what a notes file's cards are made of, besides the deck's title, tags and
    path: the notes' text as read, the options that add cards, and the code that reads them
    (notes2decks' own, and markdown-it's where the reader uses it). None for notes with
    images, whose cards also hold the images' content and their paths from the lock file.

    The lock file records it (see `lockfile.reconcile`): a rebuild from the same inputs takes
    the cards' data and hashes from the lock instead of writing every card again.
    """
    if images:
        return None
    parts = [__version__, code_digest(), str(options.auto_cloze), text]
    spec = reader_for(path.suffix, text)
    parts.append(spec.name if spec is not None else "")
    if spec is not None and spec.name != "cardset":
        # Card sets are read without markdown-it; everything else with it.
        import markdown_it
        import mdit_py_plugins

        parts += [markdown_it.__version__, mdit_py_plugins.__version__]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def writable_folder(folder: Path) -> bool:
    """True when files may be added to `folder`.

    The permission bits are checked too: root may write anywhere, but a folder that nobody may
    write to (shared, read-only notes) is not one to leave files in.
    """
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(folder, os.W_OK)


def _extract_glossary(deck: Deck) -> tuple[GlossaryEntry, ...]:
    from .glossary import extract_glossary

    entries: tuple[GlossaryEntry, ...] = extract_glossary(deck)
    return entries


def build_file(
    file: NotesFile, out: Path, options: BuildOptions, staging: Path | None = None
) -> FileResult:
    """Build one notes file's outputs. Never raises for bad notes: the result says what failed.

    The outputs are staged in a folder of their own, inside `staging` (the build's staging
    folder) when given, and moved into place together once all are written.
    """
    result = FileResult(file)
    try:
        # The cache records the bytes that were read: were the notes saved again during the
        # build, the next build sees the change and builds them again.
        data, info = read_notes_bytes(file.path, file.display)
        result.fingerprints[str(file.path)] = fingerprint_of(info, data)
        deck, text = read_notes_text(
            file.path, root=file.root, file=file.display, warn=result.warnings.append, data=data
        )
        result.inputs = sorted({n.path for n in walk_inlines(deck) if isinstance(n, Image)})
        for path in result.inputs:
            _fingerprint(result, path)
        lock_dir = out / LOCKS / file.stem.parent
        inputs = cards_inputs(file.path, text, result.inputs, options)
        deck, save_lock = prepare_deck(
            deck, file.path, options, result.warnings.append, lock_dir, inputs
        )
        result.cards = len(deck.cards)
        result.glossary = deck.glossary
        result.deck_path = deck.deck_path
        destinations = output_paths(file, out, options.formats)
        with _staging_folder(out, staging) as folder:
            staged: list[tuple[Path, Path]] = []
            for fmt, dest in destinations.items():
                # Staged under its own name, so that exporters' messages name the real file.
                temp = folder / dest.name
                try:
                    with private_folder(folder):
                        load(EXPORTERS[fmt].target)(deck, temp, options, result.warnings.append)
                except OSError as exc:
                    raise NotesError(f"cannot write {dest}: {exc.strerror or exc}") from None
                except NotesError as exc:
                    # Name the output the user knows, not its staging copy.
                    exc.message = exc.message.replace(str(temp), str(dest))
                    raise
                staged.append((temp, dest))
            result.outputs = _move_into_place(staged)
        if save_lock is not None:
            save_lock()
    except NoCardsError as exc:
        result.warnings.append(
            Diagnostic(exc.file or file.display, exc.line, f"{exc.message}; nothing was built")
        )
    except NotesError as exc:
        result.error = Diagnostic(exc.file or file.display, exc.line, exc.message, "error", exc.col)
    except OSError as exc:
        where = exc.filename or file.display
        result.error = Diagnostic(str(where), 0, f"cannot write: {exc.strerror or exc}", "error")
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        result.error = Diagnostic(
            file.display,
            0,
            f"internal error while building this file ({detail}); please report it",
            "error",
        )
    return result


def _fingerprint(result: FileResult, path: Path) -> None:
    """Fingerprint an image for the cache, read as notes are read: an ordinary file within the
    size limit, opened without waiting (a named pipe would wait for a writer). The cache
    fingerprints any other itself."""
    with contextlib.suppress(NotesError):
        data, info = read_notes_bytes(path, str(path))
        result.fingerprints[str(path)] = fingerprint_of(info, data)


def _move_into_place(staged: list[tuple[Path, Path]]) -> list[Path]:
    """Rename staged outputs onto their destinations, once every format has succeeded.

    What would stop a rename (a folder in the way, a folder that cannot be made) is checked for
    every output first, so a failure leaves all of the previous outputs as they were.
    """
    for _, dest in staged:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotesError(
                f"cannot create the folder {dest.parent}: {exc.strerror or exc}"
            ) from None
        if dest.is_dir():
            raise NotesError(f"cannot write {dest}: a folder of that name is in the way")
    for temp, dest in staged:
        try:
            os.replace(temp, dest)
        except OSError as exc:
            raise NotesError(f"cannot write {dest}: {exc.strerror or exc}") from None
    return [dest for _, dest in staged]


@contextlib.contextmanager
def _staging_folder(out: Path, given: Path | None) -> Iterator[Path]:
    """A folder of its own for one notes file's outputs: inside the build's staging folder
    when given (see `build`), else a staging folder in `out`, owned while it lives."""
    if given is not None:
        # The build's folder is owned already: a file's own folder costs one mkdir, not a
        # folder, an owner file and its lock per file.
        folder = Path(tempfile.mkdtemp(dir=given))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    owner: IO[bytes] | None = None
    try:
        owner = _own(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if owner is not None:
            owner.close()


# A staging folder holds an `owner` file that its build keeps open (and, on POSIX, locked) until
# the folder is removed. A build that is killed cannot remove its folder, but the system closes
# its files, so the next build can tell an abandoned folder from one that a build running at
# the same time (a --watch in another terminal) is still writing.
_OWNER = "owner"
# Between making a folder and opening its owner file a build spends a moment; a folder without
# an owner file that is older than this was left by a build killed in that moment.
_UNOWNED_GRACE = 10.0

if sys.platform == "win32":

    def _own(folder: Path) -> IO[bytes]:
        # Windows does not delete a file that is open, which is the lock.
        return open(folder / _OWNER, "wb")

    def _owner_gone(owner: Path) -> bool:
        try:
            owner.unlink()
        except PermissionError:
            return False
        return True

else:
    import fcntl

    def _own(folder: Path) -> IO[bytes]:
        handle = open(folder / _OWNER, "wb")  # noqa: SIM115 - held open while the folder lives
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise
        return handle

    def _owner_gone(owner: Path) -> bool:
        with open(owner, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True


def remove_abandoned_staging(out: Path) -> list[Path]:
    """Remove the staging folders that killed builds left in `out`; returns what was removed.

    Only folders named with `STAGING_PREFIX` are looked at, and only those whose build is gone:
    the lock folder, the cache and the staging folders of a build still running are kept.
    """
    removed: list[Path] = []
    try:
        entries = sorted(out.iterdir())
    except OSError:
        return removed
    for folder in entries:
        if not folder.name.startswith(STAGING_PREFIX) or folder.is_symlink():
            continue
        try:
            if not folder.is_dir():
                continue
            abandoned = _owner_gone(folder / _OWNER)
        except FileNotFoundError:
            try:
                abandoned = time.time() - folder.stat().st_mtime > _UNOWNED_GRACE
            except OSError:
                continue
        except OSError:
            continue
        if abandoned:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _build_one(args: tuple[NotesFile, Path, BuildOptions, Path | None]) -> FileResult:
    return build_file(*args)


def build(
    paths: Sequence[Path],
    out: Path,
    options: BuildOptions | None = None,
    progress: Callable[[FileResult, int, int], None] | None = None,
) -> BuildReport:
    """Build every notes file under `paths` into `out`.

    Example:
        report = build([Path("notes")], Path("out"), BuildOptions(formats=("apkg",)))
    """
    options = options or BuildOptions()
    started = time.perf_counter()
    report = BuildReport()
    files = find_notes(paths)
    _check_clashes(files, out, options, report)
    clashing = {Path(e.file) for e in report.errors}
    files = [f for f in files if f.path not in clashing]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotesError(
            f"cannot create the output folder ({exc.strerror or exc}); choose another with -o",
            str(out),
        ) from None
    if not os.access(out, os.W_OK):
        raise NotesError("the output folder cannot be written; choose another with -o", str(out))
    remove_abandoned_staging(out)

    cache = BuildCache.load(out)
    todo: list[NotesFile] = []
    for file in files:
        hit = None if options.force else cache.lookup(file, out, options, __version__)
        if hit is not None:
            report.results.append(hit)
            if progress:
                progress(hit, len(report.results), len(files))
        else:
            todo.append(file)

    jobs = options.jobs or (os.cpu_count() or 1)
    jobs = max(1, min(jobs, len(todo)))
    if todo:
        code_digest()  # once, here, rather than in every worker (see `cards_inputs`)
    with contextlib.ExitStack() as stack:
        # One staging folder for the build, made only when something is built, so that a
        # rebuild with nothing to do writes nothing.
        try:
            staging = stack.enter_context(_staging_folder(out, None)) if todo else None
        except OSError as exc:
            raise NotesError(
                f"cannot write in the output folder ({exc.strerror or exc}); "
                "choose another with -o",
                str(out),
            ) from None
        if jobs > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs))
            for result in pool.map(_build_one, [(f, out, options, staging) for f in todo]):
                _record(report, cache, result, options)
                if progress:
                    progress(result, len(report.results), len(files))
        else:
            for file in todo:
                _record(report, cache, build_file(file, out, options, staging), options)
                if progress:
                    progress(report.results[-1], len(report.results), len(files))

    report.results.sort(key=lambda r: (r.file.stem.as_posix(), r.file.display))
    _warn_shared_decks(report)
    if "csv" in options.formats and len(report.results) > 1:
        built = [r.file.stem.as_posix() for r in report.results if r.error is None]
        key = cache.combined_key(built, options, __version__)
        unchanged = all(r.cached for r in report.results) and key == cache.combined
        if not (unchanged and (out / COMBINED_GLOSSARY).is_file()) and _write_combined_glossary(
            report, out, options
        ):
            cache.combined, cache.changed = key, True
    cache.save(out)
    report.seconds = time.perf_counter() - started
    return report


def _warn_shared_decks(report: BuildReport) -> None:
    """Notes are known to Anki by deck and front, so two files with one deck share their notes."""
    first: dict[str, FileResult] = {}
    for result in report.results:
        if result.error is not None or not result.deck_path:
            continue
        key = result.deck_path.casefold()
        if key not in first:
            first[key] = result
            continue
        result.warnings.append(
            Diagnostic(
                result.file.display,
                0,
                f"its deck {result.deck_path!r} is also the deck of {first[key].file.display}: "
                "cards with the same front would replace each other in Anki; give one of them "
                "a title or a `deck:` of its own",
            )
        )


def _record(
    report: BuildReport,
    cache: BuildCache,
    result: FileResult,
    options: BuildOptions,
) -> None:
    report.results.append(result)
    if result.error is None:
        cache.store(result, options, __version__)
    else:
        cache.forget(result.file)


def _check_clashes(
    files: list[NotesFile], out: Path, options: BuildOptions, report: BuildReport
) -> None:
    """Two notes files whose outputs would overwrite each other (x.md and x.txt) are errors."""
    owners: dict[str, NotesFile] = {}
    for file in files:
        key = file.stem.as_posix().casefold()
        if key in owners:
            first = owners[key]
            report.errors.append(
                Diagnostic(
                    file.display,
                    0,
                    f"its outputs would overwrite those of {first.display}; rename one of them",
                    "error",
                )
            )
        else:
            owners[key] = file


def _write_combined_glossary(report: BuildReport, out: Path, options: BuildOptions) -> bool:
    from .exporters.csv import write_glossary_csv

    decks = [
        Deck(
            title=r.file.stem.name,
            deck_path=r.deck_path,
            source=_source(r),
            glossary=r.glossary,
        )
        for r in report.results
        if r.error is None
    ]
    dest = out / COMBINED_GLOSSARY
    try:
        write_glossary_csv(decks, dest, options)
    except OSError as exc:
        report.errors.append(Diagnostic(str(dest), 0, f"cannot write: {exc.strerror}", "error"))
        return False
    report.outputs.append(dest)
    return True


def _source(result: FileResult) -> SourceRef:
    return SourceRef(result.file.display)
