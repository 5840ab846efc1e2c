"""The lock file: per card and glossary term of a notes file, its Anki note's identity, a hash of
what the note shows and when that last changed, and the card (a deleted card is shipped tagged
`notes2decks::removed`, then kept as a tombstone). Modules: `store` (the files), `hashing`,
`matching` (edited cards), `recover` (from the last package) and `reconcile` (for a build).
"""

from .reconcile import reconcile
from .store import (
    FIRST_LOCK,
    LOCK_FOLDER,
    LOCK_FORMAT,
    LOCK_VERSION,
    first_lock_warning,
    legacy_lock_path,
    load_lock,
    lock_path_for,
    save_lock,
)

__all__ = [
    "FIRST_LOCK",
    "LOCK_FOLDER",
    "LOCK_FORMAT",
    "LOCK_VERSION",
    "first_lock_warning",
    "legacy_lock_path",
    "load_lock",
    "lock_path_for",
    "reconcile",
    "save_lock",
]
