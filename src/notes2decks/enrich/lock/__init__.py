"""The lock file: what the last build made of a notes file, so the next build can keep its notes.

Anki knows a note by its GUID, which notes2decks derives from the card's identity (deck path and
normalised front). On its own that identity breaks when a heading is corrected, and a build cannot
tell which cards vanished or which notes really changed. The lock file remembers, for one notes
file, what its last build produced. It lives beside the notes as a small hidden JSON file
(`notes/.topic.md.notes2decks.lock`, see `lock_path_for`), holds no Anki IDs, and so works with
any collection the deck is imported into; nothing is written into the notes themselves.

What it records, per card (keyed by the identity the reader gives the card today):

- `note`: the identity the card's Anki note was first built with, when it differs. A card whose
  identity is new, but whose front is a small edit of a card that vanished in the same build,
  takes over the vanished card's note (see `matching`).
- `hash`: a hash of everything the note shows (front, back and their formulas, tags, deck
  title, image bytes), and `time`: when that last changed. Anki applies an update only from a
  note that is newer than its own copy, so notes whose content did not change keep their time
  and never overwrite edits made in Anki, while changed notes get a time later than any the
  lock has handed out.
- `card`: the card itself (as `notes2decks.serialize` data), so that a card deleted from the
  notes can be rebuilt as it was: the next build ships it tagged `notes2decks::removed`, so that
  the user can find and delete it in Anki, and reports it.

Cards removed by the latest change are shipped with every build until the notes change again
(so rebuilding the same notes gives the same package); after that only a small tombstone stays,
so that a card which comes back later continues its old note. Glossary notes are tracked the
same way, by term (a changed term makes a new note; the old one is shipped as removed).

`generation` counts the builds that changed something; `time` is the latest time handed out.
`version` says how the lock's card hashes were made: versions 1 and 2 hashed json.dumps's text
(version 1 without the formulas), version 3 orjson's. A card checked against an earlier
version's hash is compared as that version saw it; the lock is then written again in the
current version. A notes2decks that finds a version newer than
its own refuses to build rather than misread the hashes. `inputs` is a digest of what the cards
were made of; a build from the same inputs takes each card's data and hash from the lock rather
than recording the card again. SOURCE_DATE_EPOCH, when set, stands in for the notes file's
time. The file is written only after every output of the build succeeded, and only when its
content changed.

Modules: `store` reads and writes the file, `hashing` records cards and hashes them, `matching`
pairs edited cards with vanished ones, and `reconcile` puts them together for a build.
"""

from .reconcile import reconcile
from .store import LOCK_FORMAT, LOCK_VERSION, Lock, LockState, load_lock, lock_path_for, save_lock

__all__ = [
    "LOCK_FORMAT",
    "LOCK_VERSION",
    "Lock",
    "LockState",
    "load_lock",
    "lock_path_for",
    "reconcile",
    "save_lock",
]
