"""Files kept between runs in the user's cache folder, for start-up work that is slow to redo.

Everything here is an optimisation: a missing, unreadable or unwritable cache only means the
work is done again, so no error from it ever reaches the user.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
    folder = cache_folder()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # Two builds may race to fill the cache; each renames a whole file into place.
            os.replace(tmp, folder / name)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
