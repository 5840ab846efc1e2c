"""Reading and writing the lock files (`notes2decks-lock/topic.md.lock`): a header line, then one
sorted JSON array `[section, key, entry]` a line, so that edits merge (of both sides of a conflict
the later entry wins; a damaged line costs only its entry). Hidden locks of versions 1 to 3 too."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ...atomic import write_bytes
from ...errors import Diagnostic, NotesError
from ...identity import note_key

LOCK_FORMAT = "notes2decks-lock"
LOCK_VERSION = 4
_LEGACY_VERSION = 3
"""The last version of the hidden locks (`.topic.md.notes2decks.lock`) that came before."""
LOCK_FOLDER = "notes2decks-lock"
"""The name of the folder, beside the notes, that holds their lock files."""

Entry = dict[str, Any]
"""One card's or term's record in the lock: see the package's description for its members."""
_SECTIONS = ("cards", "removed", "glossary", "removed_glossary")


@dataclass(frozen=True, slots=True)
class Lock:
    """What a lock file holds."""

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

    @property
    def empty(self) -> bool:
        """Whether the lock knows no note of the file."""
        return not any(getattr(self, section) for section in _SECTIONS)


_HEADER = orjson.dumps({"format": LOCK_FORMAT, "version": LOCK_VERSION})
# The lines git writes around the two sides of a conflict.
_MARKERS = (b"<<<<<<<", b"|||||||", b"=======", b">>>>>>>")


def lock_path_for(notes_path: Path) -> Path:
    """The lock file of a notes file: `notes2decks-lock/NAME.lock` in the notes' folder."""
    return notes_path.parent / LOCK_FOLDER / f"{notes_path.name}.lock"


def legacy_lock_path(lock_path: Path) -> Path:
    """Where a lock of version 1 to 3 kept what the lock file `lock_path` now keeps."""
    return lock_path.parent.parent / f".{lock_path.name.removesuffix('.lock')}.notes2decks.lock"


def load_lock(lock_path: Path, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
    """The lock file's content, else the hidden lock's of an earlier version, else an empty
    lock. Damage is a warning to `warn`; a lock of a newer notes2decks raises NotesError."""
    content = _read(lock_path, file, warn)
    if content:
        return _parse(content, lock_path, file, warn)
    legacy = legacy_lock_path(lock_path)
    old = _read(legacy, file, warn)
    return _read_legacy(old, legacy, file, warn) if old else Lock()


def _read(path: Path, file: str, warn: Callable[[Diagnostic], None]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as exc:
        warn(_warning(file, path, f"cannot be read ({exc.strerror})"))
        return b""


def _parse(content: bytes, lock_path: Path, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
    lines = content.splitlines()
    try:
        head = orjson.loads(lines[0]) if lines else None
    except orjson.JSONDecodeError:
        head = None
    if not isinstance(head, dict) or head.get("format") != LOCK_FORMAT:
        warn(_warning(file, lock_path, "is not a notes2decks lock file"))
        return Lock()
    version = head.get("version")
    if not isinstance(version, int) or version > LOCK_VERSION:
        raise _newer_error(lock_path, version, file)
    sections: dict[str, dict[str, Entry]] = {key: {} for key in _SECTIONS}
    inputs: set[str] = set()
    damaged: list[int] = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip() or line.startswith(_MARKERS):
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            item = None
        if not (isinstance(item, list) and len(item) == 3):
            damaged.append(number)
            continue
        section, key, value = item
        if section == "inputs" and isinstance(value, str):
            inputs.add(value)
        elif section in sections and isinstance(key, str) and isinstance(value, dict):
            entries = sections[section]
            if _time(value) >= _time(entries.get(key)):
                entries[key] = value
        else:
            damaged.append(number)
    if damaged:
        warn(_damaged_warning(file, lock_path, damaged))
    times = [_time(entry) for section in sections.values() for entry in section.values()]
    # Both sides of a merge each name the inputs they were built from: neither is this one.
    known = inputs.pop() if len(inputs) == 1 else None
    cards, removed, glossary, gone_terms = sections.values()
    return Lock(LOCK_VERSION, max(times, default=0), known, cards, removed, glossary, gone_terms)


def _time(entry: Entry | None) -> int:
    time = entry.get("time") if entry is not None else None
    return time if type(time) is int else -1


def _warning(file: str, lock_path: Path, problem: str) -> Diagnostic:
    message = f"the lock file {lock_path.name} {problem}; starting a new one. Notes whose heading "
    return Diagnostic(file, 0, message + "changed since the last build become new notes in Anki")


def _damaged_warning(file: str, lock_path: Path, damaged: list[int]) -> Diagnostic:
    lines = ", ".join(map(str, damaged[:5])) + (", ..." if len(damaged) > 5 else "")
    message = (
        f"the lock file {lock_path.name} is damaged (line {lines}); the rest of it is used. "
        "Notes whose entries were on those lines and whose heading changed since the last "
        "build become new notes in Anki"
    )
    return Diagnostic(file, 0, message)


def _newer_error(lock_path: Path, version: object, file: str) -> NotesError:
    return NotesError(
        f"the lock file {lock_path.name} was written by a newer notes2decks "
        f"(version {version}); upgrade notes2decks to build these notes",
        file,
    )


def _read_legacy(content: bytes, path: Path, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
    """The content of a hidden lock, keyed as lock files key it, its `legacy` being `path`;
    empty, with a warning, when it cannot be read."""
    damaged: list[int] = []
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        data, damaged = _salvage(content.decode("utf-8", "replace"))
        damaged = damaged or [exc.lineno]
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        problem = f"is damaged (line {damaged[0]})" if damaged else "is not a notes2decks lock file"
        warn(_warning(file, path, problem))
        return Lock(_LEGACY_VERSION, legacy=path)
    version = data.get("version")
    if not isinstance(version, int) or version > _LEGACY_VERSION:
        raise _newer_error(path, version, file)
    sections = tuple(data.get(key, {}) for key in _SECTIONS)
    time, inputs = data.get("time", 0), data.get("inputs")
    if type(time) is not int or not all(
        isinstance(section, dict) and all(isinstance(entry, dict) for entry in section.values())
        for section in sections
    ):
        warn(_warning(file, path, "is damaged"))
        return Lock(_LEGACY_VERSION, legacy=path)
    if damaged:
        warn(_damaged_warning(file, path, damaged))
    # Earlier locks keyed notes by their whole identity, and named a note only when it differed.
    cards, removed, glossary, gone_terms = (
        {note_key(k): {"note": k, **e} for k, e in part.items()} for part in sections
    )
    known = inputs if isinstance(inputs, str) else None
    return Lock(version, time, known, cards, removed, glossary, gone_terms, path)


def _salvage(text: str) -> tuple[dict[str, Any], list[int]]:
    """What the lines of a lock that is not valid JSON (a merge conflict's) say, and the numbers
    of the lines that cannot be read. Of both sides, the later line of an entry wins, and the
    later time; the inputs' digest is left out, as the entries may come from other inputs."""
    data: dict[str, Any] = {}
    section: dict[str, Any] = data
    damaged: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        body = line.strip().removesuffix(",")
        if body in ("{", "}", ""):
            section = data  # the document's braces, or a section's end
            continue
        try:
            if body.endswith("{"):
                # A section's first line: its members follow, one a line.
                opened = orjson.loads("{" + body + "}}")
                section = data.setdefault(next(iter(opened)), {})
                continue
            member: dict[str, Any] = orjson.loads("{" + body + "}")
        except orjson.JSONDecodeError:
            damaged.append(number)
            continue
        for key, value in member.items():
            if section is data and key in ("generation", "time") and type(value) is int:
                value = max(value, data.get(key, value))
            section[key] = value
    data.pop("inputs", None)
    return data, damaged


def lock_content(lock: Lock) -> bytes:
    """The lock file's text, as UTF-8: the header line, then one entry a line, sorted."""
    lines = [
        b"[" + _json(section) + b"," + _json(key) + b"," + _json(entry) + b"]"
        for section in _SECTIONS
        for key, entry in getattr(lock, section).items()
    ]
    if lock.inputs is not None:
        lines.append(b'["inputs","",' + _json(lock.inputs) + b"]")
    return b"\n".join([_HEADER, *sorted(lines)]) + b"\n"


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class LockState:
    """What `save_lock` writes: the lock file's new content, and what a build reports of it."""

    content: bytes
    """The lock file's text, as UTF-8 (`lock_content`)."""
    legacy: Path | None = None
    """The hidden lock of an earlier version that this lock replaces."""
    dated_by_file: bool = False
    """Whether neither a lock nor an earlier package knew the file's notes, so that the notes
    file's time dates them (`first_lock_warning`)."""


def save_lock(lock_path: Path, state: LockState) -> bool:
    """Write the lock file atomically unless it holds this content already (so that watchers
    see no change), and delete the hidden lock it replaces. True when this made its folder."""
    try:
        if lock_path.read_bytes() == state.content:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise NotesError(f"cannot read the lock file: {exc.strerror}", str(lock_path)) from None
    created = False
    try:
        with contextlib.suppress(FileExistsError):
            lock_path.parent.mkdir(parents=True)
            created = True
        write_bytes(lock_path, state.content)
    except OSError as exc:
        raise NotesError(f"cannot write the lock file: {exc.strerror}", str(lock_path)) from None
    if state.legacy is not None:
        with contextlib.suppress(OSError):
            state.legacy.unlink()
    return created


_DATED = (
    "no lock file or earlier package of them was found, so each note is dated by its notes file"
)
_KEEPS = "it keeps their Anki notes, their dates, and the edits made to them in Anki"
FIRST_LOCK = (
    f"made {LOCK_FOLDER}/ beside the notes: {_DATED}. Keep it with the notes (commit it with "
    f"them): {_KEEPS}"
)
"""What a build says, once, when it made lock files without a lock or package to date notes by."""


def first_lock_warning(file: str, aside: Path | None = None) -> Diagnostic:
    """`FIRST_LOCK`, about the notes file `file`; `aside` is the folder the lock files went to
    instead, when the notes' own folder cannot be written."""
    if aside is None:
        return Diagnostic(file, 0, FIRST_LOCK, "note")
    message = (
        f"made {aside}/, as the notes' folder cannot be written: {_DATED}. Keep it with the "
        f"outputs: {_KEEPS}"
    )
    return Diagnostic(file, 0, message, "note")
