"""The lock file: what the last build made of each notes file, so the next build keeps its notes.

Per notes file and card (keyed by `identity.note_key`, without the deck path) the lock keeps the
identity of the card's Anki note (`note`; a small edit of a vanished card takes over its note,
see `matching`), a hash of what the note shows and when that last changed (`hash`, `time`:
unchanged notes keep their time, so Anki keeps the edits made to them), and the card itself
(`card`), so that a card deleted from the notes is shipped tagged `notes2decks::removed` with
every build until the notes change again, then kept as a small tombstone. Glossary notes are
tracked the same way, by term. An `inputs` line lets a build from the same inputs reuse each
card's record. A lost lock is recovered from the last package (`recover`); hidden locks of
versions 1 to 3 are read by `legacy`. Modules: `store`, `hashing`, `matching`, `recover`,
`reconcile`.
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
