"""Reading and writing the lock file.

The file is one JSON object with sorted keys, one card or term a line, so that a diff or a merge
of two builds' locks touches only the lines of the cards that changed. A lock that is not valid
JSON (a merge conflict, a bad edit) is read line by line: a damaged line costs the entry on it,
not the whole lock.

orjson reads and writes it: json's encoder took ten times as long, and its decoder twice as long,
for the 180 kB lock of a 100-card file, which every rebuild of the file reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ...atomic import write_bytes
from ...errors import Diagnostic, NotesError

LOCK_FORMAT = "notes2decks-lock"
LOCK_VERSION = 3

Entry = dict[str, Any]
"""One card's or term's record in the lock: see the package's description for its members."""


@dataclass(frozen=True, slots=True)
class Lock:
    """A lock file's content."""

    version: int = LOCK_VERSION
    """How the lock was written: how its card hashes were made (see `hashing`)."""
    generation: int = 0
    """How many builds have changed something."""
    time: int = 0
    """The latest modification time handed out."""
    inputs: str | None = None
    """A digest of what the cards were made of (`hashing.inputs_record`), when known."""
    cards: dict[str, Entry] = field(default_factory=dict)
    """The entries of the cards of the last build, by card identity."""
    removed: dict[str, Entry] = field(default_factory=dict)
    """The entries of removed cards (tombstones), by card identity."""
    glossary: dict[str, Entry] = field(default_factory=dict)
    """The entries of the glossary notes of the last build, by key."""
    removed_glossary: dict[str, Entry] = field(default_factory=dict)
    """The entries of removed glossary notes, by key."""


_SECTIONS = ("cards", "removed", "glossary", "removed_glossary")


def lock_path_for(notes_path: Path) -> Path:
    """The lock file of a notes file: hidden, beside it, named after it."""
    notes_path = Path(notes_path)
    return notes_path.with_name(f".{notes_path.name}.notes2decks.lock")


def load_lock(lock_path: Path, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
    """The lock file's content; an empty lock when there is none or it cannot be read.

    Damage is a warning to `warn`; a lock written by a newer notes2decks raises NotesError,
    rather than be misread.
    """
    lock_path = Path(lock_path)
    try:
        content = lock_path.read_bytes()
    except FileNotFoundError:
        return Lock()
    except OSError as exc:
        warn(_warning(file, lock_path, f"cannot be read ({exc.strerror})"))
        return Lock()
    damaged: list[int] = []
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        data, damaged = _salvage(content.decode("utf-8", "replace"))
        damaged = damaged or [exc.lineno]
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        problem = f"is damaged (line {damaged[0]})" if damaged else "is not a notes2decks lock file"
        warn(_warning(file, lock_path, problem))
        return Lock()
    version = data.get("version")
    if not isinstance(version, int) or version > LOCK_VERSION:
        raise NotesError(
            f"the lock file {lock_path.name} was written by a newer notes2decks "
            f"(version {version}); upgrade notes2decks to build these notes",
            file,
        )
    lock = _checked(data, version)
    if lock is None:
        warn(_warning(file, lock_path, "is damaged"))
        return Lock()
    if damaged:
        lines = ", ".join(str(n) for n in damaged[:5]) + (", ..." if len(damaged) > 5 else "")
        warn(
            Diagnostic(
                file,
                0,
                f"the lock file {lock_path.name} is damaged (line {lines}); the rest of it is "
                "used. Notes whose entries were on those lines and whose heading changed since "
                "the last build become new notes in Anki",
            )
        )
    return lock


def _checked(data: dict[str, Any], version: int) -> Lock | None:
    """The lock of data read from a lock file; None when its members have the wrong types."""
    sections = [data.get(key, {}) for key in _SECTIONS]
    if not all(
        isinstance(section, dict) and all(isinstance(entry, dict) for entry in section.values())
        for section in sections
    ):
        return None
    generation, time, inputs = data.get("generation", 0), data.get("time", 0), data.get("inputs")
    if type(generation) is not int or type(time) is not int:
        return None
    return Lock(version, generation, time, inputs if isinstance(inputs, str) else None, *sections)


def _salvage(text: str) -> tuple[dict[str, Any], list[int]]:
    """What the lines of a lock that is not valid JSON say, and the numbers of the lines that
    cannot be read.

    Each line of a lock holds one member, or opens or closes a section. After a merge conflict
    both sides' lines are there: the later line of an entry wins, and the later time and
    generation. The digest of the inputs is left out, since the entries may come from builds of
    other inputs.
    """
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


def _warning(file: str, lock_path: Path, problem: str) -> Diagnostic:
    return Diagnostic(
        file,
        0,
        f"the lock file {lock_path.name} {problem}; starting a new one. Notes whose heading "
        "changed since the last build become new notes in Anki",
    )


def lock_content(lock: Lock) -> bytes:
    """The lock file's text, as UTF-8: sorted keys, one card or term a line."""
    members: dict[str, Any] = {
        "format": LOCK_FORMAT,
        "version": lock.version,
        "generation": lock.generation,
        "time": lock.time,
        "cards": lock.cards,
        "removed": lock.removed,
        "glossary": lock.glossary,
        "removed_glossary": lock.removed_glossary,
    }
    if lock.inputs is not None:
        members["inputs"] = lock.inputs
    parts: list[bytes] = []
    for key in sorted(members):
        value = members[key]
        if isinstance(value, dict) and value:
            entries = b",\n".join(
                b"  " + _json(name) + b": " + _json(entry) for name, entry in sorted(value.items())
            )
            parts.append(b" " + _json(key) + b": {\n" + entries + b"\n }")
        else:
            parts.append(b" " + _json(key) + b": " + _json(value))
    return b"{\n" + b",\n".join(parts) + b"\n}\n"


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class LockState:
    """What `save_lock` writes: the lock file's new content, and what a build reports of it."""

    content: bytes
    """The lock file's text, as UTF-8 (`lock_content`)."""
    generation: int
    """How many builds have changed something."""
    removed: tuple[str, ...] = ()
    """The fronts of the cards and terms found removed by this build, for reports."""
    kept: tuple[tuple[str, str], ...] = ()
    """(old front, new front) of the cards that kept their note across a front edit."""


def save_lock(lock_path: Path, state: LockState) -> None:
    """Write the lock file atomically, unless it already holds exactly this content.

    Leaving an unchanged lock untouched keeps its time, so folder watchers do not rebuild again.
    """
    lock_path = Path(lock_path)
    try:
        if lock_path.read_bytes() == state.content:
            return
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise NotesError(f"cannot read the lock file: {exc.strerror}", str(lock_path)) from None
    try:
        write_bytes(lock_path, state.content)
    except OSError as exc:
        raise NotesError(f"cannot write the lock file: {exc.strerror}", str(lock_path)) from None
