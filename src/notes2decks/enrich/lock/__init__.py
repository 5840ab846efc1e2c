"""The lock file: what the last build made of each notes file, so the next build keeps its notes.

Per card (by `identity.note_key`) and glossary term it keeps the Anki note's identity (a small
edit of a vanished card takes over its note: `matching`), a hash of what the note shows and when
that last changed (unchanged notes keep their time, so Anki keeps edits made there), and the
card, so that a deleted card is shipped tagged `notes2decks::removed` until the notes change
again, then kept as a tombstone. Modules: `store` (the files, old ones too),
`hashing`, `matching`, `recover` (from the last package) and `reconcile` (for a build).
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
