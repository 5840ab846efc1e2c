"""Reading and writing the lock file.

A notes folder has one lock file, `notes2decks.lock`, beside its notes: a visible file, to be
kept and committed with them. It is text, one entry a line, sorted: its first line names the
format, and every other line is a JSON array `[notes file, section, key, entry]`, so that two
people's edits to different notes touch different lines and merge. A line that cannot be read
(a merge conflict's markers, a bad edit) costs the entry on it, not the whole lock; when a merge
kept both sides of an entry, the later one wins.

Locks of versions 1 to 3 were one hidden JSON file per notes file
(`.topic.md.notes2decks.lock`): they are still read, when the folder's lock holds nothing for the
file, and the build that next saves the lock moves their entries into it and deletes them.

orjson reads and writes it: json's encoder took ten times as long, and its decoder twice as long.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ...atomic import write_bytes
from ...errors import Diagnostic, NotesError
from ...identity import note_key

LOCK_FORMAT = "notes2decks-lock"
LOCK_VERSION = 4
LOCK_NAME = "notes2decks.lock"
"""The name of a notes folder's lock file."""

Entry = dict[str, Any]
"""One card's or term's record in the lock: see the package's description for its members."""


@dataclass(frozen=True, slots=True)
class Lock:
    """What a lock file holds for one notes file."""

    version: int = LOCK_VERSION
    """How the lock was written: how its card hashes were made (see `hashing`)."""
    time: int = 0
    """The latest modification time handed out."""
    inputs: str | None = None
    """A digest of what the cards were made of (`hashing.inputs_record`), when known."""
    cards: dict[str, Entry] = field(default_factory=dict)
    """The entries of the cards of the last build, by note key (`identity.note_key`)."""
    removed: dict[str, Entry] = field(default_factory=dict)
    """The entries of removed cards (tombstones), by note key."""
    glossary: dict[str, Entry] = field(default_factory=dict)
    """The entries of the glossary notes of the last build, by note key."""
    removed_glossary: dict[str, Entry] = field(default_factory=dict)
    """The entries of removed glossary notes, by note key."""
    legacy: Path | None = None
    """The hidden lock of an earlier version it was read from, to delete once migrated."""
    lines: tuple[bytes, ...] = ()
    """The file's lines of the lock file, as read."""

    @property
    def empty(self) -> bool:
        """Whether the lock knows no note of the file."""
        return not (self.cards or self.removed or self.glossary or self.removed_glossary)


_SECTIONS = ("cards", "removed", "glossary", "removed_glossary")
# The lines git writes around the two sides of a conflict.
_MARKERS = (b"<<<<<<<", b"|||||||", b"=======", b">>>>>>>")
_HEADER = orjson.dumps({"format": LOCK_FORMAT, "version": LOCK_VERSION})


def lock_path_for(notes_path: Path) -> Path:
    """The lock file of a notes file: its folder's `notes2decks.lock`."""
    return Path(notes_path).with_name(LOCK_NAME)


def legacy_lock_path(lock_path: Path, name: str) -> Path:
    """Where a lock of version 1 to 3 kept the entries of the notes file `name`."""
    return Path(lock_path).with_name(f".{name}.notes2decks.lock")


def _prefix(name: str) -> bytes:
    return b"[" + orjson.dumps(name) + b","


def load_lock(lock_path: Path, name: str, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
    """What the lock file `lock_path` holds for the notes file `name` (in its folder), or the
    hidden lock an earlier version kept for it; an empty lock when there is neither.

    Damage is a warning to `warn` naming `file`; a lock written by a newer notes2decks raises
    NotesError, rather than be misread.
    """
    lock_path = Path(lock_path)
    content = _read(lock_path, file, warn)
    lock = _parse(content, lock_path, name, file, warn) if content else Lock()
    if not lock.empty:
        return lock
    legacy = legacy_lock_path(lock_path, name)
    old = _read(legacy, file, warn)
    if not old:
        return lock
    from .legacy import read_legacy  # only for locks of earlier versions

    found = read_legacy(old, legacy, file, warn)
    cards, removed, glossary, removed_glossary = (_migrated(part) for part in found.sections)
    return Lock(
        found.version, found.time, found.inputs, cards, removed, glossary, removed_glossary, legacy
    )


def _migrated(section: dict[str, Entry]) -> dict[str, Entry]:
    # Earlier locks keyed notes by their whole identity, deck path included, and named a note
    # only when it differed from the key.
    return {note_key(key): {"note": key, **entry} for key, entry in section.items()}


def _read(path: Path, file: str, warn: Callable[[Diagnostic], None]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as exc:
        warn(_warning(file, path, f"cannot be read ({exc.strerror})"))
        return b""


def _parse(
    content: bytes, lock_path: Path, name: str, file: str, warn: Callable[[Diagnostic], None]
) -> Lock:
    lines = content.splitlines()
    header = next((line for line in lines if line.startswith(b"{")), b"")
    try:
        head = orjson.loads(header)
    except orjson.JSONDecodeError:
        head = None
    if not isinstance(head, dict) or head.get("format") != LOCK_FORMAT:
        warn(_warning(file, lock_path, "is not a notes2decks lock file"))
        return Lock()
    version = head.get("version")
    if not isinstance(version, int) or version > LOCK_VERSION:
        raise NotesError(
            f"the lock file {lock_path.name} was written by a newer notes2decks "
            f"(version {version}); upgrade notes2decks to build these notes",
            file,
        )
    prefix = _prefix(name)
    sections: dict[str, dict[str, Entry]] = {key: {} for key in _SECTIONS}
    inputs: set[str] = set()
    damaged: list[int] = []
    own: list[bytes] = []
    for number, line in enumerate(lines, 1):
        if not line.startswith(prefix):
            # Other files' lines are theirs to read; a merge's markers and blank lines are
            # nobody's. Anything else is damage, which costs whatever entry it held.
            if line.strip() and not line.startswith((b"[", b"{", *_MARKERS)):
                damaged.append(number)
            continue
        own.append(line)
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            damaged.append(number)
            continue
        if not (isinstance(item, list) and len(item) == 4):
            damaged.append(number)
            continue
        _, section, key, value = item
        if section == "inputs" and isinstance(value, str):
            inputs.add(value)
        elif section in sections and isinstance(key, str) and isinstance(value, dict):
            entries = sections[section]
            if _time(value) >= _time(entries.get(key)):
                entries[key] = value
        else:
            damaged.append(number)
    if damaged:
        lines_text = ", ".join(map(str, damaged[:5])) + (", ..." if len(damaged) > 5 else "")
        warn(
            Diagnostic(
                file,
                0,
                f"the lock file {lock_path.name} is damaged (line {lines_text}); the rest of it "
                "is used. Notes whose entries were on those lines and whose heading changed "
                "since the last build become new notes in Anki",
            )
        )
    times = [_time(entry) for section in sections.values() for entry in section.values()]
    # Both sides of a merge each name the inputs they were built from: neither is this one.
    known = inputs.pop() if len(inputs) == 1 else None
    return Lock(
        LOCK_VERSION,
        max(times, default=0),
        known,
        sections["cards"],
        sections["removed"],
        sections["glossary"],
        sections["removed_glossary"],
        lines=tuple(own),
    )


def _time(entry: Entry | None) -> int:
    time = entry.get("time") if entry is not None else None
    return time if type(time) is int else -1


def _warning(file: str, lock_path: Path, problem: str) -> Diagnostic:
    return Diagnostic(
        file,
        0,
        f"the lock file {lock_path.name} {problem}; starting a new one. Notes whose heading "
        "changed since the last build become new notes in Anki",
    )


def lock_lines(name: str, lock: Lock) -> list[bytes]:
    """The lock file's lines of the notes file `name`, sorted."""
    prefix = _prefix(name)
    lines = [
        prefix + _json(section) + b"," + _json(key) + b"," + _json(entry) + b"]"
        for section, entries in zip(
            _SECTIONS, (lock.cards, lock.removed, lock.glossary, lock.removed_glossary), strict=True
        )
        for key, entry in entries.items()
    ]
    if lock.inputs is not None:
        lines.append(prefix + b'"inputs","",' + _json(lock.inputs) + b"]")
    return sorted(lines)


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class LockState:
    """What `save_lock` writes: one notes file's lines of the lock, and what a build reports."""

    name: str
    """The notes file's name, in the lock's folder."""
    lines: tuple[bytes, ...]
    """Its lines of the lock file (`lock_lines`)."""
    removed: tuple[str, ...] = ()
    """The fronts of the cards and terms found removed by this build, for reports."""
    kept: tuple[tuple[str, str], ...] = ()
    """(old front, new front) of the cards that kept their note across a front edit."""
    legacy: Path | None = None
    """The hidden lock of an earlier version that these lines replace."""
    dated_by_file: bool = False
    """Whether neither a lock nor an earlier package knew the file's notes, so that the notes
    file's time dates them (`first_lock_warning`)."""
    unchanged: bool = False
    """Whether the lock file already holds exactly these lines for the file."""


def save_lock(lock_path: Path, state: LockState) -> bool:
    """Put the notes file's lines into the lock file, leaving the other files' lines as they
    are; write it atomically, and only when its content changes (so that folder watchers do not
    rebuild again). A hidden lock of an earlier version is deleted once its entries are in.

    Returns True when this made the lock file: the first of its folder's files to save does.
    """
    if state.unchanged:
        return False  # nothing to read or write: a rebuild of unchanged notes
    lock_path = Path(lock_path)
    with _exclusive(lock_path.parent):
        try:
            current = lock_path.read_bytes()
        except FileNotFoundError:
            current = b""
        except OSError as exc:
            raise NotesError(f"cannot read the lock file: {exc.strerror}", str(lock_path)) from None
        prefix = _prefix(state.name)
        others = [
            line
            for line in current.splitlines()
            if line.startswith(b"[") and not line.startswith(prefix)
        ]
        content = b"\n".join([_HEADER, *sorted({*others, *state.lines})]) + b"\n"
        if content == current:
            created = False
        else:
            created = not current
            try:
                write_bytes(lock_path, content)
            except OSError as exc:
                raise NotesError(
                    f"cannot write the lock file: {exc.strerror}", str(lock_path)
                ) from None
    if state.legacy is not None:
        with contextlib.suppress(OSError):
            state.legacy.unlink()
    return created


def first_lock_warning(lock_path: Path, file: str) -> Diagnostic:
    """What a build says, once a folder, when it made the folder's lock file without an earlier
    lock or package to date the notes by."""
    return Diagnostic(
        file,
        0,
        f"made {Path(lock_path).name}: no lock file or earlier package of these notes was found, "
        "so each note is dated by its notes file. Keep the lock file with the notes (commit it "
        "with them): it keeps their Anki notes, their dates, and the edits made to them in Anki",
    )


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Hold the folder's lock while its lock file is read and rewritten: the files of one
    folder may be built by several worker processes at once."""
    try:
        import fcntl
    except ImportError:  # Windows: builds of one folder's files may race, rarely
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
