"""The model as plain JSON data and back, for `notes2decks show --json`, golden tests and the
lock file: each node an object whose `"type"` names its class, tuples as lists, enums as their
values, paths relative to the notes file's folder where they can be.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import model
from .model import Deck

# Bump when the JSON's shape changes, so that tools reading it can tell.
SCHEMA_VERSION = 1

# Build-time data (the lock file's times, a glossary note's identity): not the notes' content.
_SKIPPED = frozenset({"modified"})
_SKIPPED_OF: dict[str, frozenset[str]] = {"GlossaryEntry": frozenset({"identity"})}
# Fields left out while empty, so that the JSON of models without them stays as it was.
_SKIPPED_EMPTY: dict[str, frozenset[str]] = {"Card": frozenset({"section"})}

# Where a card and its paragraphs are in the notes, by node type: not part of what a card shows.
PLACES: dict[str, frozenset[str]] = {
    "Card": frozenset({"source"}),
    "Paragraph": frozenset({"line"}),
}

_ATOMS = frozenset({str, int, bool, float, type(None)})
_Convert = Callable[[Any, "Path | None"], Any]
# A converter per type, with places and without: looked up once per type, not tested per node.
_CONVERTERS: dict[bool, dict[type, _Convert]] = {True: {}, False: {}}


def to_data(value: Any, base: Path | None = None, *, places: bool = True) -> Any:
    """Convert a model value to JSON-ready data; without `PLACES` when `places` is false."""
    return _converter(type(value), places)(value, base)


def _converter(cls: type, places: bool) -> _Convert:
    table = _CONVERTERS[places]
    found = table.get(cls)
    if found is not None:
        return found

    convert: _Convert
    if dataclasses.is_dataclass(cls):
        name = cls.__name__
        skipped = _SKIPPED | _SKIPPED_OF.get(name, frozenset())
        if not places:
            skipped |= PLACES.get(name, frozenset())
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in skipped)
        optional = _SKIPPED_EMPTY.get(name, frozenset())

        def convert(value: Any, base: Path | None) -> dict[str, Any]:
            data: dict[str, Any] = {"type": name}
            for field in names:
                item = getattr(value, field)
                if not item and field in optional:
                    continue
                kind = type(item)
                if kind not in _ATOMS:
                    item = (table.get(kind) or _converter(kind, places))(item, base)
                data[field] = item
            return data

    elif issubclass(cls, enum.Enum):
        convert = _enum
    elif issubclass(cls, tuple | list):

        def convert(value: Any, base: Path | None) -> list[Any]:
            return [
                item
                if type(item) in _ATOMS
                else (table.get(type(item)) or _converter(type(item), places))(item, base)
                for item in value
            ]

    elif issubclass(cls, dict):

        def convert(value: Any, base: Path | None) -> dict[str, Any]:
            return {str(k): to_data(v, base, places=places) for k, v in value.items()}

    elif issubclass(cls, Path):
        convert = _path
    else:
        convert = _plain
    table[cls] = convert
    return convert


def _plain(value: Any, base: Path | None) -> Any:
    return value


def _enum(value: enum.Enum, base: Path | None) -> Any:
    return value.value


def _path(value: Path, base: Path | None) -> str:
    if base is not None:
        with contextlib.suppress(ValueError):
            return Path(os.path.relpath(value, base)).as_posix()
    return value.as_posix()


def deck_to_data(deck: Deck, base: Path | None = None) -> dict[str, Any]:
    """The deck as JSON-ready data, with the schema version."""
    return {"schema": SCHEMA_VERSION, **to_data(deck, base)}


def deck_to_json(deck: Deck, base: Path | None = None) -> str:
    """The deck as indented, key-stable JSON text."""
    return json.dumps(deck_to_data(deck, base), ensure_ascii=False, indent=2) + "\n"


_ENUMS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("Card", "kind"): model.CardKind,
    ("GlossaryEntry", "kind"): model.TermKind,
    ("Table", "align"): lambda values: tuple(model.Align(v) for v in values),
}


def from_data(data: Any, base: Path) -> Any:
    """Rebuild model values from `to_data` output; image paths are relative to `base`.

    Raises ValueError, TypeError or KeyError when the data is not a model value.
    """
    if isinstance(data, list):
        return tuple(from_data(item, base) for item in data)
    if not isinstance(data, dict):
        return data
    name = data.get("type")
    if not isinstance(name, str):
        raise ValueError("a node without a type")
    cls: Any = getattr(model, name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"unknown node {name!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type" or key not in names:
            continue
        convert = _ENUMS.get((name, key))
        if convert is not None:
            kwargs[key] = convert(value)
        elif name == "Image" and key == "path":
            kwargs[key] = (base / value).resolve()
        else:
            kwargs[key] = from_data(value, base)
    return cls(**kwargs)
