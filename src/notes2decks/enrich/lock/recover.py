"""Recovering a lost lock file from the package the last build left in the output folder: a card
whose note type and front (normalised as identities are) match a note of the package takes over
that note's GUID and time, so that Anki's edits survive; its text decides whether it changed."""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from ... import model
from ...exporters.apkg.notetypes import NOTE_TYPES
from ...identity import KNOWN_GUID, glossary_notes, normalise_front, note_key
from ...model import REMOVED_TAG, Deck
from .hashing import CardRecord, entry_hash
from .store import Entry, Lock

_COLLECTIONS = ("collection.anki21", "collection.anki2")
# A package's collection is small beside its media; past this it is not one of ours.
_MAX_COLLECTION = 200 * 1024 * 1024


Notes = dict[tuple[str, str], list[tuple[str, int, str]]]
"""A package's notes (GUID, time, `_compact` second field) by note type key and `_compact` first
field, in the package's order."""


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
        note = (str(guid), int(modified), back)
        found.setdefault((key, _compact(_plain(parts[0]))), []).append(note)
    return found


_TAG = re.compile(r"<[^>]*>")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^{}]*?)?\}\}", re.DOTALL)


def _plain(field: str) -> str:
    """A field's text, as a reader sees it: cloze answers shown, tags dropped."""
    return html.unescape(_TAG.sub(" ", _CLOZE.sub(r"\1", field)))


def _compact(text: str) -> str:
    # Without spaces: the HTML's tags split words that the notes' text does not.
    return "".join(normalise_front(text).split())


def _take(notes: Notes, kind: str, front: str, back: str) -> tuple[str, int, bool] | None:
    """The GUID and time of the packaged note of this kind and front, and whether its back is
    `back`; None if none. Each packaged note goes to the first of the notes with its front."""
    found = notes.get((kind, _compact(front)))
    if not found:
        return None
    guid, modified, packaged_back = found.pop(0)
    return guid, modified, packaged_back == _compact(back)


def lock_from_package(
    deck: Deck, keys: list[str], records: list[CardRecord], package: Path | None
) -> Lock:
    """A lock made from the notes of `package`, the deck's last package, if any (else empty):
    `keys` are the cards' keys in the lock, `records` their records."""
    notes = packaged_notes(package) if package is not None and package.is_file() else {}
    if not notes:
        return Lock()
    cards: dict[str, Entry] = {}
    for card, key, record in zip(deck.cards, keys, records, strict=True):
        front, back = model.inline_text(card.front), model.block_text(card.back)
        found = _take(notes, card.kind.value, front, back)
        if found is not None:
            guid, modified, same = found
            cards[key] = {
                "card": record.data,
                "front": record.front,
                "hash": record.digest if same else "",
                "kind": card.kind.value,
                "note": KNOWN_GUID + guid,
                "time": modified,
            }
    glossary: dict[str, Entry] = {}
    for key, term in glossary_notes(deck):
        found = _take(notes, "glossary", term.term, term.definition)
        if found is not None:
            guid, modified, same = found
            glossary[note_key(key)] = {
                "hash": entry_hash(term, deck) if same else "",
                "note": KNOWN_GUID + guid,
                "term": term.term,
                "time": modified,
            }
    times = [entry["time"] for entry in (*cards.values(), *glossary.values())]
    return Lock(time=max(times, default=0), cards=cards, glossary=glossary)
