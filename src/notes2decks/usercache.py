"""Files kept between runs in the user's cache folder, for slow start-up work: a missing or
unusable cache only means the work is done again, so no error from it reaches the user."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .atomic import write_bytes


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/notes2decks`, or `~/.cache/notes2decks`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notes2decks"


def read_cached(name: str) -> bytes | None:
    """The bytes cached under `name`, or None when there are none (or they cannot be read)."""
    try:
        return (cache_folder() / name).read_bytes()
    except OSError:
        return None


def write_cached(name: str, data: bytes) -> None:
    """Cache `data` under `name`, replacing any earlier copy whole; failures are ignored."""
    # Two builds may race to fill the cache; each renames a whole file into place.
    with contextlib.suppress(OSError):
        write_bytes(cache_folder() / name, data, durable=False)
