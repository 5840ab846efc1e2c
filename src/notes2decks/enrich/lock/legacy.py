"""Reading the hidden locks of versions 1 to 3 (one JSON object per notes file) for `store`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ...errors import Diagnostic
from ...identity import note_key
from .store import _SECTIONS, LOCK_FORMAT, Lock, damaged_warning, newer_error, warning

_LAST_VERSION = 3


def read_legacy(content: bytes, path: Path, file: str, warn: Callable[[Diagnostic], None]) -> Lock:
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
        warn(warning(file, path, problem))
        return Lock(_LAST_VERSION, legacy=path)
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
        return Lock(_LAST_VERSION, legacy=path)
    if damaged:
        warn(damaged_warning(file, path, damaged))
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
