"""The lock file: what the last build made of each notes file, so the next build keeps its notes.

Anki knows a note by its GUID, which notes2decks derives from the card's identity (deck path and
normalised front). On its own that identity breaks when a heading is corrected or the deck gets
another name (a `deck:` line, or a build started from another folder), and a build cannot tell
which cards vanished or which notes really changed. The lock file remembers. A notes folder has
one, `notes2decks.lock`, beside its notes (see `store`): a visible text file, one entry a line,
meant to be kept and committed with the notes. It holds no Anki IDs, and so works with any
collection the deck is imported into; nothing is written into the notes themselves.

What it records, per notes file and card, keyed by the card's identity without its deck path
(`identity.note_key`, so that a deck's new name changes no key):

- `note`: the identity the card's Anki note was first built with. A card whose key is new, but
  whose front is a small edit of a card that vanished in the same build (for a cloze, a couple
  of words), takes over the vanished card's note (see `matching`).
- `hash`: a hash of everything the note shows (front, back and their formulas, tags, deck
  title, image bytes), and `time`: when that last changed. Anki applies an update only from a
  note that is newer than its own copy, so notes whose content did not change keep their time
  and never overwrite edits made in Anki, while changed notes get a time later than any the
  lock has handed out.
- `card`: the card itself (as `notes2decks.serialize` data), so that a card deleted from the
  notes can be rebuilt as it was: the next build ships it tagged `notes2decks::removed`, so that
  the user can find and delete it in Anki, and reports it.

Cards removed by the latest change (their tombstone's time is the latest the file's entries
hold) are shipped with every build until the notes change again, so that rebuilding the same
notes gives the same package; after that only a small tombstone stays, so that a card which
comes back later continues its old note. Glossary notes are tracked the same way, by term (a
corrected term keeps its note; another term makes a new note, the old one shipped as removed).

Each file also has an `inputs` line: a digest of what the cards were made of; a build from the
same inputs takes each card's data and hash from the lock rather than recording the card again.
Card hashes are made as version 3 made them: version 1 and 2 locks (hidden, one per notes file,
like version 3's) hashed json.dumps's text, and a card checked against them is compared as they
saw it. A notes2decks that finds a version newer than its own refuses to build rather than
misread the hashes. SOURCE_DATE_EPOCH, when set, stands in for the notes file's time. The file
is written only after every output of the build succeeded, and only when its content changed.

A lost lock is recovered from the package the last build left in the output folder (`recover`):
the notes keep their GUIDs and dates. Only when neither exists does the notes file's time date
the notes, and the build says so.

Modules: `store` reads and writes the file (`legacy` the hidden locks of versions 1 to 3),
`hashing` records cards and hashes them, `matching` pairs edited cards with vanished ones,
`recover` reads an earlier package, and `reconcile` puts them together for a build.
"""

from .reconcile import reconcile
from .store import (
    FIRST_LOCK,
    LOCK_FOLDER,
    LOCK_FORMAT,
    LOCK_VERSION,
    Lock,
    LockState,
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
    "Lock",
    "LockState",
    "first_lock_warning",
    "legacy_lock_path",
    "load_lock",
    "lock_path_for",
    "reconcile",
    "save_lock",
]
