"""The Anki collection inside a package: a legacy (schema 11) SQLite database, which every Anki
version imports. Deck IDs hash the decks' names and note and card IDs come from the notes' times
and positions, so the same notes give the same database.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib.util
import json
import re
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from ...identity import GLOSSARY_SUBDECK
from ...model import Deck
from ...usercache import read_cached, write_cached
from .notes import PlannedNote
from .notetypes import NOTE_TYPES, STYLE_MODIFIED, note_type_json

CAN_SERIALIZE = sys.version_info >= (3, 11) and hasattr(sqlite3.Connection, "serialize")
"""True where sqlite3 can hand over a database's bytes, so that collections are built in memory."""


def deck_id(name: str) -> int:
    """A deck's ID, derived from its name so that every build names it the same."""
    digest = hashlib.sha256(f"notes2decks deck\x1f{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# A new deck's settings, beside its ID, name and description.
_NEW_DECK: dict[str, Any] = {"mod": STYLE_MODIFIED, "usn": -1, "collapsed": False, "conf": 1}
_NEW_DECK |= {"browserCollapsed": False, "dyn": 0, "extendNew": 0, "extendRev": 0}
_NEW_DECK |= {f"{what}Today": [0, 0] for what in ("new", "rev", "lrn", "time")}


def database_bytes(
    image: bytes, fill: Callable[[sqlite3.Connection], None], *, in_memory: bool = CAN_SERIALIZE
) -> bytes:
    """The bytes of the SQLite database `image` (empty: a new one) after `fill` ran on it: in
    memory where sqlite3 can serialize (unless `in_memory` is false), else in a scratch file."""
    if in_memory and sys.version_info >= (3, 11):
        with closing(sqlite3.connect(":memory:")) as conn:
            if image:
                conn.deserialize(image)
            fill(conn)
            conn.commit()
            return conn.serialize()
    with tempfile.TemporaryDirectory(prefix="notes2decks-") as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(image)
        with closing(sqlite3.connect(path)) as conn:
            # A scratch file in a temporary folder: no journal, no waiting for the disk.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            fill(conn)
            conn.commit()
        return path.read_bytes()


@functools.cache
def empty_collection() -> bytes:
    """An empty legacy (schema 11) collection from genanki's schema, made once per process and
    kept in the user's cache folder, keyed by the schema's text and SQLite's version: importing
    genanki takes longer than writing a 100-card package."""
    sources = _schema_sources()
    name = None
    if sources is not None:
        digest = hashlib.sha256(b"".join([sqlite3.sqlite_version.encode(), *sources]))
        name = f"empty-collection-{digest.hexdigest()[:20]}.anki2"
        cached = read_cached(name)
        if cached is not None and _is_empty_collection(cached):
            return cached

    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    def fill(conn: sqlite3.Connection) -> None:
        conn.executescript(APKG_SCHEMA)
        conn.executescript(APKG_COL)

    made = database_bytes(b"", fill)
    if name is not None:
        write_cached(name, made)
    return made


def _schema_sources() -> list[bytes] | None:
    """The text of genanki's two schema modules, read without importing genanki, or None."""
    try:
        spec = importlib.util.find_spec("genanki")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations)))
        return [(folder / f"{module}.py").read_bytes() for module in ("apkg_schema", "apkg_col")]
    except (ImportError, ValueError, OSError, StopIteration):
        return None


def _is_empty_collection(data: bytes) -> bool:
    """True when `data` is a sound SQLite database holding one collection and no notes."""
    if not data.startswith(b"SQLite format 3\x00"):
        return False
    sound: list[bool] = []

    def probe(conn: sqlite3.Connection) -> None:
        (check,) = conn.execute("PRAGMA quick_check").fetchone()
        query = "SELECT (SELECT count(*) FROM col), (SELECT count(*) FROM notes)"
        counts = conn.execute(query).fetchone()
        sound.append(check == "ok" and tuple(counts) == (1, 0))

    try:
        database_bytes(data, probe)
    except sqlite3.Error:
        return False
    return sound == [True]


def collection_bytes(notes: list[PlannedNote], deck: Deck, description: str = "") -> bytes:
    """The notes as a new collection file; `description` is the HTML that Anki shows on the
    deck's overview screen."""
    return database_bytes(
        empty_collection(), lambda conn: _fill_collection(conn, notes, deck, description)
    )


def _fill_collection(
    conn: sqlite3.Connection, notes: list[PlannedNote], deck: Deck, description: str
) -> None:
    deck_names = sorted({note.deck for note in notes} | {deck.deck_path})
    deck_ids = {name: deck_id(name) for name in deck_names}

    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    if any(name.casefold() == "default" for name in deck_names):
        # The empty collection holds Anki's "Default" deck; beside a deck of ours of that
        # name, Anki would import ours renamed to "Default_". Ours is the one to keep, so
        # that it joins the user's deck of that name like any other.
        del decks["1"]
    title = html.escape(deck.title, quote=False)
    for name in deck_names:
        if name == deck.deck_path:
            text = description
        elif name.endswith(f"::{GLOSSARY_SUBDECK}"):
            text = f"The key terms of {title}." if title else ""
        else:
            text = title
        decks[str(deck_ids[name])] = {"id": deck_ids[name], "name": name, "desc": text, **_NEW_DECK}
    models = {
        str(NOTE_TYPES[key].model_id): note_type_json(NOTE_TYPES[key], deck_ids[deck.deck_path])
        for key in sorted({note.note_type.key for note in notes})
    }
    conn.execute(
        "UPDATE col SET decks = ?, models = ?",
        (json.dumps(decks, sort_keys=True), json.dumps(models, sort_keys=True)),
    )

    note_rows: list[tuple[int, str, int, int, str, str, str, int]] = []
    card_rows: list[tuple[int, int, int, int, int, int]] = []
    note_ids: set[int] = set()
    card_ids: set[int] = set()
    for position, note in enumerate(notes, start=1):
        # IDs are creation times in milliseconds to Anki; deriving them from the note's time
        # and position keeps them stable and plausible. Anki renumbers any that clash.
        note_id = _unique_id(note.modified * 1000 + position, note_ids)
        sort_field = _sort_field(note.fields[0])
        note_rows.append(
            (
                note_id,
                note.guid,
                note.note_type.model_id,
                note.modified,
                f" {' '.join(note.tags)} " if note.tags else "",
                "\x1f".join(note.fields),
                sort_field,
                _checksum(sort_field),
            )
        )
        did = deck_ids[note.deck]
        for ord_ in note.card_ords:
            card_id = _unique_id(note_id + ord_, card_ids)
            # New cards, due in the order of the notes file.
            card_rows.append((card_id, note_id, did, ord_, note.modified, position))
    # The columns every new note and card share are constants of the statements.
    conn.executemany(
        "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
        " VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
        note_rows,
    )
    conn.executemany(
        "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due,"
        " ivl, factor, reps, lapses, left, odue, odid, flags, data)"
        " VALUES (?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')",
        card_rows,
    )


def _unique_id(wanted: int, used: set[int]) -> int:
    while wanted in used:
        wanted += 1
    used.add(wanted)
    return wanted


_IMAGE_TAG = re.compile(r"<img[^>]*src=\"([^\"]*)\"[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def _sort_field(text: str) -> str:
    """The text Anki sorts and finds duplicates by: the first field without its markup, an
    image standing for its file name."""
    if "<" in text:
        text = _TAG.sub("", _IMAGE_TAG.sub(r" \1 ", text))
    return html.unescape(text)


def _checksum(sort_field: str) -> int:
    """Anki's duplicate check: the first 32 bits of the SHA-1 of the first field's text."""
    return int.from_bytes(hashlib.sha1(sort_field.encode("utf-8")).digest()[:4], "big")
