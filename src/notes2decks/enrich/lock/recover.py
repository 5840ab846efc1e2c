"""Recovering a lost lock file from the package the last build left in the output folder.

A fresh clone of notes, or a sync tool that skipped the lock file, leaves the notes without
their lock. Were the notes then dated by the file's time, every note would look changed to Anki,
and the next import would overwrite the edits made there. The last package still knows each
note: its GUID, its note type, its fields and when it last changed. A card whose note type and
front (normalised as identities are) match a note of the package takes over that note's GUID
and time; its text decides whether it changed since.

A package is a ZIP archive holding an SQLite collection (`collection.anki2`): it is read with
zipfile and sqlite3, from a temporary copy, since sqlite3 reads only files.
"""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ... import model
from ...exporters.apkg.notetypes import NOTE_TYPES
from ...identity import KNOWN_GUID, glossary_notes, normalise_front, note_key
from ...model import REMOVED_TAG, Card, Deck, GlossaryEntry
from .hashing import CardRecord, entry_hash
from .store import Entry, Lock

_COLLECTIONS = ("collection.anki21", "collection.anki2")
# A package's collection is small beside its media; past this it is not one of ours.
_MAX_COLLECTION = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PackagedNote:
    """A note of an earlier package."""

    guid: str
    """Its GUID."""
    modified: int
    """When it last changed, in seconds since the epoch."""
    back: str
    """The text of its second field (the back, the definition), as `_compact` gives it."""


Notes = dict[tuple[str, str], list[PackagedNote]]
"""A package's notes by note type key and first field (`_compact`), in the package's order."""


def packaged_notes(package: Path) -> Notes:
    """The notes of a package built by notes2decks; none when it cannot be read."""
    types = {note_type.model_id: key for key, note_type in NOTE_TYPES.items()}
    found: Notes = {}
    try:
        with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as folder:
            name = next((n for n in _COLLECTIONS if n in archive.namelist()), None)
            if name is None or archive.getinfo(name).file_size > _MAX_COLLECTION:
                return {}
            path = Path(archive.extract(name, folder))
            with contextlib.closing(sqlite3.connect(path)) as db:
                rows = db.execute("SELECT guid, mid, mod, flds, tags FROM notes").fetchall()
    except (OSError, zipfile.BadZipFile, sqlite3.Error, KeyError):
        return {}
    for guid, mid, modified, fields, tags in rows:
        key = types.get(mid)
        if key is None or REMOVED_TAG.casefold() in str(tags).casefold().split():
            continue
        parts = str(fields).split("\x1f")
        back = _compact(_plain(parts[1])) if len(parts) > 1 else ""
        note = PackagedNote(str(guid), int(modified), back)
        found.setdefault((key, _compact(_plain(parts[0]))), []).append(note)
    return found


_TAG = re.compile(r"<[^>]*>")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^{}]*?)?\}\}", re.DOTALL)


def _plain(field: str) -> str:
    """A field's text, as a reader sees it: cloze answers shown, tags dropped."""
    return html.unescape(_TAG.sub(" ", _CLOZE.sub(r"\1", field)))


def _compact(text: str) -> str:
    # Normalised as identities are, and without spaces: the HTML's tags split words that the
    # notes' text does not ("<code>x</code>'s").
    return "".join(normalise_front(text).split())


def card_note(notes: Notes, card: Card) -> tuple[PackagedNote, bool] | None:
    """The packaged note of a card, and whether the card shows the same text; None if none.

    Each note goes to one card: to the first card of the notes with its front and type.
    """
    found = notes.get((card.kind.value, _compact(model.inline_text(card.front))))
    if not found:
        return None
    note = found.pop(0)
    return note, note.back == _compact(model.block_text(card.back))


def term_note(notes: Notes, entry: GlossaryEntry) -> tuple[PackagedNote, bool] | None:
    """The packaged note of a glossary entry, and whether it shows the same text."""
    found = notes.get(("glossary", _compact(entry.term)))
    if not found:
        return None
    note = found.pop(0)
    return note, note.back == _compact(entry.definition)


def note_identity(note: PackagedNote) -> str:
    """The identity that makes the exporter give a card this note's GUID."""
    return KNOWN_GUID + note.guid


def lock_from_package(
    deck: Deck,
    keys: list[str],
    records: list[CardRecord],
    package: Path | None,
) -> Lock:
    """A lock made from the notes of `package`, the last package of the deck's notes, when
    there is one: `keys` are the cards' keys in the lock, `records` their records. Else an empty
    lock, the notes file's time standing in for when each note changed."""
    notes = packaged_notes(package) if package is not None and package.is_file() else {}
    if not notes:
        return Lock()
    cards: dict[str, Entry] = {}
    for card, key, record in zip(deck.cards, keys, records, strict=True):
        found = card_note(notes, card)
        if found is not None:
            note, same = found
            cards[key] = {
                "card": record.data,
                "front": record.front,
                "hash": record.digest if same else "",
                "kind": card.kind.value,
                "note": note_identity(note),
                "time": note.modified,
            }
    glossary: dict[str, Entry] = {}
    for key, term in glossary_notes(deck):
        found_term = term_note(notes, term)
        if found_term is not None:
            note, same = found_term
            glossary[note_key(key)] = {
                "hash": entry_hash(term, deck) if same else "",
                "note": note_identity(note),
                "term": term.term,
                "time": note.modified,
            }
    times = [entry["time"] for entry in (*cards.values(), *glossary.values())]
    return Lock(time=max(times, default=0), cards=cards, glossary=glossary)
