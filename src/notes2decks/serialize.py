"""The model as plain JSON data, for `notes2decks show --json`, golden tests and the cache.

Every node becomes an object with a `"type"` key naming its class; tuples become lists, enums
their values. Paths are written relative to the notes file's folder where they can be, so the
JSON does not depend on where the notes live.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from pathlib import Path
from typing import Any

from .model import Deck

# Bump when the JSON's shape changes, so that tools reading it can tell.
SCHEMA_VERSION = 1


# Build-time data that would make the JSON change on every save of the notes.
_SKIPPED = frozenset({"modified"})


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    # dataclasses.fields() is slow enough to matter at 10,000 cards; a class's fields never change.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIPPED)
        _FIELD_NAMES[cls] = names
    return names


def to_data(value: Any, base: Path | None = None) -> Any:
    """Convert a model value to JSON-ready data."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    cls = type(value)
    if hasattr(cls, "__dataclass_fields__"):
        data: dict[str, Any] = {"type": cls.__name__}
        for name in _field_names(cls):
            data[name] = to_data(getattr(value, name), base)
        return data
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_data(item, base) for item in value]
    if isinstance(value, dict):
        return {str(k): to_data(v, base) for k, v in value.items()}
    if isinstance(value, Path):
        if base is not None:
            try:
                return Path(os.path.relpath(value, base)).as_posix()
            except ValueError:
                pass
        return value.as_posix()
    return value


def deck_to_data(deck: Deck, base: Path | None = None) -> dict[str, Any]:
    """The deck as JSON-ready data, with the schema version."""
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    data.update(to_data(deck, base))
    return data


def deck_to_json(deck: Deck, base: Path | None = None) -> str:
    """The deck as indented, key-stable JSON text."""
    return json.dumps(deck_to_data(deck, base), ensure_ascii=False, indent=2) + "\n"
