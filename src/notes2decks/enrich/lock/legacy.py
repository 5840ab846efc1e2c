"""Reading the hidden locks of versions 1 to 3 (one JSON object per notes file) for `store`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ...errors import Diagnostic
from .store import _SECTIONS, LOCK_FORMAT, damaged_warning, newer_error, warning

_LAST_VERSION = 3


@dataclass(frozen=True, slots=True)
class LegacyLock:
    """What a hidden lock of an earlier version holds."""

    version: int
    """How its card hashes were made (see `hashing`)."""
    time: int
    """The latest modification time it handed out."""
    inputs: str | None
    """The digest of what its cards were made of, when known."""
    sections: tuple[dict[str, Any], ...]
    """Its cards, removed cards, glossary notes and removed glossary notes, by identity."""


_EMPTY = LegacyLock(_LAST_VERSION, 0, None, ({}, {}, {}, {}))


def read_legacy(
    content: bytes, path: Path, file: str, warn: Callable[[Diagnostic], None]
) -> LegacyLock:
    """The content of a hidden lock; empty, with a warning, when it cannot be read."""
    damaged: list[int] = []
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        data, damaged = _salvage(content.decode("utf-8", "replace"))
        damaged = damaged or [exc.lineno]
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        problem = f"is damaged (line {damaged[0]})" if damaged else "is not a notes2decks lock file"
        warn(warning(file, path, problem))
        return _EMPTY
    version = data.get("version")
    if not isinstance(version, int) or version > _LAST_VERSION:
        raise newer_error(path, version, file)
    sections = tuple(data.get(key, {}) for key in _SECTIONS)
    time, inputs = data.get("time", 0), data.get("inputs")
    if type(time) is not int or not all(
        isinstance(section, dict) and all(isinstance(entry, dict) for entry in section.values())
        for section in sections
    ):
        warn(warning(file, path, "is damaged"))
        return _EMPTY
    if damaged:
        warn(damaged_warning(file, path, damaged))
    return LegacyLock(version, time, inputs if isinstance(inputs, str) else None, sections)


def _salvage(text: str) -> tuple[dict[str, Any], list[int]]:
    """What the lines of a lock that is not valid JSON say, and the numbers of the lines that
    cannot be read.

    Each line of a lock holds one member, or opens or closes a section. After a merge conflict
    both sides' lines are there: the later line of an entry wins, and the later time. The
    digest of the inputs is left out, since the entries may come from builds of other inputs.
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
