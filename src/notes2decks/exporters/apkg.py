"""Anki packages (.apkg) that update the notes already in a collection instead of duplicating them.

What makes a rebuilt deck safe to import again:

- A note's GUID comes from the card's identity (its deck path and normalised front, kept across
  heading edits by the lock file) and its note type, never from its fields, so an edited back
  updates the note that is already there, with its review history.
- Note modification times come from `Card.modified` (set by the lock file: the time the card's
  content last changed), else from the notes file's time, with SOURCE_DATE_EPOCH winning. Anki
  updates a note only when the package's note is newer, so unchanged notes never overwrite edits
  made in Anki.
- Note types have fixed IDs per field layout (`NOTE_TYPES`); a template or CSS change keeps the
  ID and moves `STYLE_MODIFIED`, a field change needs a new name and ID.
- Deck IDs are hashes of deck names; note and card IDs are derived from the note times and GUIDs.

The package is written without genanki's `Package` (which leaks a temporary SQLite file, stamps
every note with the wall clock and stores an uncompressed zip): the collection is built in
memory (before Python 3.11, in a temporary folder that is always removed), and zipped with fixed
entry times, sorted entries and DEFLATE, so the same input gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import importlib.util
import json
import re
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..dates import deck_time
from ..errors import Diagnostic, NotesError
from ..identity import disambiguate, glossary_identity, glossary_notes
from ..model import (
    REMOVED_TAG,
    Card,
    CardKind,
    Cloze,
    Deck,
    Emphasis,
    GlossaryEntry,
    Inlines,
    Link,
    SourceRef,
    Strong,
    inline_text,
    split_math,
)
from ..options import BuildOptions
from ..usercache import read_cached, write_cached
from .html import Renderer

GLOSSARY_SUBDECK = "Glossary"
"""The subdeck of the deck that holds the glossary notes."""

# --------------------------------------------------------------------------- note types

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.45;
  color: #1d1d1f;
  background-color: #ffffff;
  text-align: center;
  margin: 0;
  padding: 16px;
  overflow-wrap: break-word;
}
.n2d-front { font-size: 1.2em; font-weight: 600; }
.n2d-front p { margin: 0.3em 0; }
.n2d-body {
  display: block;
  max-width: 36em;
  margin: 0 auto;
  text-align: left;
}
.n2d-body p { margin: 0 0 0.6em 0; }
.n2d-body ul, .n2d-body ol { margin: 0 0 0.6em 0; padding-left: 1.4em; }
.n2d-body li { margin: 0.2em 0; }
.n2d-body h3, .n2d-body h4, .n2d-body h5, .n2d-body h6 {
  font-size: 1em;
  margin: 0.9em 0 0.3em 0;
  color: #3a5a8c;
}
.cloze-text { text-align: left; max-width: 36em; margin: 0 auto; }
.cloze { font-weight: 700; color: #1a5fb4; }
.n2d-extra { margin-top: 0.8em; font-size: 0.85em; color: #555555; }
.n2d-meta {
  margin-top: 1.6em;
  font-size: 12px;
  line-height: 1.35;
  color: #8a8a8a;
}
.n2d-meta span + span::before { content: " · "; }
code, pre {
  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.85em;
  background-color: #f3f3f3;
  border-radius: 4px;
}
code { padding: 0.05em 0.3em; }
pre { padding: 0.6em 0.8em; overflow-x: auto; text-align: left; white-space: pre; }
pre code { padding: 0; background: none; font-size: 1em; }
.table { overflow-x: auto; margin: 0 0 0.6em 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #c8c8c8; padding: 0.25em 0.6em; vertical-align: top; }
th { background-color: #f0f0f0; }
img { max-width: 100%; height: auto; }
hr { border: none; border-top: 1px solid #d0d0d0; margin: 0.8em 0; }
hr#answer { margin: 0.9em 0; }
.math { overflow-x: auto; }
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  color: #e6e6e6;
  background-color: #1e1e1e;
}
.nightMode .n2d-body h3, .nightMode .n2d-body h4, .nightMode .n2d-body h5,
.nightMode .n2d-body h6, .night_mode .n2d-body h3, .night_mode .n2d-body h4,
.night_mode .n2d-body h5, .night_mode .n2d-body h6 { color: #8fb3e8; }
.nightMode .cloze, .night_mode .cloze { color: #8fb3e8; }
.nightMode .n2d-extra, .night_mode .n2d-extra { color: #b0b0b0; }
.nightMode .n2d-meta, .night_mode .n2d-meta { color: #8c8c8c; }
.nightMode code, .nightMode pre, .night_mode code, .night_mode pre { background-color: #2c2c2c; }
.nightMode th, .night_mode th { background-color: #2a2a2a; }
.nightMode th, .nightMode td, .night_mode th, .night_mode td { border-color: #4a4a4a; }
.nightMode hr, .night_mode hr { border-top-color: #4a4a4a; }
.mobile .card, .mobile.card { font-size: 18px; padding: 10px; }
@media (max-width: 480px) {
  .card { font-size: 18px; padding: 10px; }
  .n2d-body ul, .n2d-body ol { padding-left: 1.1em; }
}
"""

# The meta line sits in a body-wide box so that it lines up with the facts above it.
_META = (
    '<div class="n2d-body"><div class="n2d-meta">{{#Deck}}<span>{{Deck}}</span>{{/Deck}}'
    "{{#Source}}<span>{{Source}}</span>{{/Source}}</div></div>"
)
_CLOZE_META = (
    '<div class="n2d-body"><div class="n2d-meta">{{#Source}}<span>{{Source}}</span>'
    "{{/Source}}</div></div>"
)


def _side(field: str, css_class: str) -> str:
    return f'<div class="{css_class}">{{{{{field}}}}}</div>'


def _answer(question: str, field: str) -> str:
    return f'{question}\n<hr id="answer">\n{_side(field, "n2d-body")}\n{_META}'


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type: its fixed ID, name, fields and card templates."""

    key: str
    """Our name for it: `revision`, `basic`, `reversed`, `cloze` or `glossary`."""
    model_id: int
    """The fixed Anki ID: the same for as long as the fields stay the same."""
    name: str
    """The name users see in Anki."""
    fields: tuple[str, ...]
    """The field names, in order."""
    templates: tuple[tuple[str, str, str], ...]
    """Each card template as (name, question HTML, answer HTML)."""
    cloze: bool = False
    """True for a cloze note type."""


# A note type's ID and name belong to its field layout: when the fields change, add a new entry
# with a new name and ID (never reuse one), so Anki sees a new note type instead of reporting
# "updates ignored because the note type has changed". tests/test_apkg.py keeps the history.
_FIELD_LAYOUTS: dict[tuple[str, tuple[str, ...]], tuple[int, str]] = {
    ("revision", ("Front", "Back", "Deck", "Source")): (1741353501, "notes2decks Revision"),
    ("basic", ("Front", "Back", "Deck", "Source")): (1741353502, "notes2decks Basic"),
    ("reversed", ("Front", "Back", "Deck", "Source")): (
        1741353503,
        "notes2decks Basic (and reversed)",
    ),
    ("cloze", ("Text", "Back Extra", "Source")): (1741353504, "notes2decks Cloze"),
    ("glossary", ("Term", "Definition", "Deck", "Source")): (1741353505, "notes2decks Glossary"),
}

_FRONT = _side("Front", "n2d-front")
_BACK_Q = _side("Back", "n2d-body")
_TERM = _side("Term", "n2d-front")
_DEFINITION_Q = _side("Definition", "n2d-body")
_CLOZE_Q = '<div class="cloze-text">{{cloze:Text}}</div>'

_TEMPLATES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "revision": (("Revision card", _FRONT, _answer(_FRONT, "Back")),),
    "basic": (("Card 1", _FRONT, _answer(_FRONT, "Back")),),
    "reversed": (
        ("Card 1", _FRONT, _answer(_FRONT, "Back")),
        ("Card 2", _BACK_Q, f'{_BACK_Q}\n<hr id="answer">\n{_side("Front", "n2d-front")}\n{_META}'),
    ),
    "cloze": (
        (
            "Cloze",
            _CLOZE_Q,
            f'{_CLOZE_Q}\n{{{{#Back Extra}}}}<div class="n2d-body"><div class="n2d-extra">'
            f"{{{{Back Extra}}}}</div></div>{{{{/Back Extra}}}}\n{_CLOZE_META}",
        ),
    ),
    "glossary": (
        ("Term to definition", _TERM, _answer(_TERM, "Definition")),
        (
            "Definition to term",
            _DEFINITION_Q,
            f'{_DEFINITION_Q}\n<hr id="answer">\n{_TERM}\n{_META}',
        ),
    ),
}

STYLE_MODIFIED = 1764201600
"""When the templates or the CSS last changed (seconds since the epoch).

Anki updates a note type's templates and CSS only from a package whose note type is newer, so
move this forward with every change to them; `STYLE_FINGERPRINT` makes a forgotten move fail the
tests.
"""
STYLE_FINGERPRINT = "11bffbbdb947"
"""The first hex digits of `style_fingerprint()` when `STYLE_MODIFIED` was last moved."""


def _note_types() -> dict[str, NoteType]:
    types: dict[str, NoteType] = {}
    for (key, fields), (model_id, name) in _FIELD_LAYOUTS.items():
        types[key] = NoteType(key, model_id, name, fields, _TEMPLATES[key], key == "cloze")
    return types


NOTE_TYPES: dict[str, NoteType] = _note_types()
"""The note types by key."""


def style_fingerprint() -> str:
    """A hash of everything that `STYLE_MODIFIED` dates: the templates and the CSS."""
    data = json.dumps([CSS, sorted(_TEMPLATES.items())], sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- identities


def note_guid(identity: str, note_type: str) -> str:
    """A note's GUID: a hash of its identity and note type, in Anki's base-91 alphabet.

    The note type is part of it because Anki refuses to update a note into another note type:
    a card that turns from basic into reversed becomes a new note, and the old one is reported
    as removed.
    """
    digest = hashlib.sha256(f"notes2decks\x1f{note_type}\x1f{identity}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    alphabet = _BASE91
    base = len(alphabet)
    guid = ""
    while number:
        number, rest = divmod(number, base)
        guid = alphabet[rest] + guid
    return guid or alphabet[0]


_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def deck_id(name: str) -> int:
    """A deck's ID, derived from its name so that every build names it the same."""
    digest = hashlib.sha256(f"notes2decks deck\x1f{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def anki_tag(tag: str) -> str:
    """A tag as Anki stores it: no spaces (they separate tags), `::` hierarchy kept."""
    tag = _SPACES.sub("_", tag.strip())
    # A tag cannot start or end a level with a colon run other than the `::` separator.
    return _COLON_RUN.sub("::", tag).strip(":")


_SPACES = re.compile(r"\s+")
_COLON_RUN = re.compile(r":{3,}")


# Every card of a deck has the deck's tags and most have no others: each different list is
# cleaned and sorted once.
@functools.lru_cache(maxsize=1024)
def _tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for raw in group:
            tag = anki_tag(raw)
            # Anki compares tags without case: keep the first spelling.
            if tag and tag.casefold() not in seen:
                seen[tag.casefold()] = tag
    return tuple(sorted(seen.values(), key=lambda t: (t.casefold(), t)))


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True, slots=True)
class PlannedNote:
    """One note as it goes into the package."""

    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    modified: int
    card_ords: tuple[int, ...]


def _cloze_numbers(inlines: Inlines) -> set[int]:
    numbers: set[int] = set()
    for node in inlines:
        if isinstance(node, Cloze):
            numbers.add(node.number)
            numbers |= _cloze_numbers(node.children)
        elif isinstance(node, Emphasis | Strong | Link):
            numbers |= _cloze_numbers(node.children)
    return numbers


def plan_notes(
    deck: Deck, renderer: Renderer, warn: Callable[[Diagnostic], None]
) -> list[PlannedNote]:
    """The notes of a deck, in the order of the notes file, then removed ones, then the glossary."""
    fallback_time = deck_time(deck)
    source_name = Path(deck.source.file).name if deck.source.file else ""
    title = html.escape(deck.title, quote=False)
    source_text = html.escape(source_name, quote=False)
    cloze_source = " · ".join(part for part in (title, html.escape(source_name)) if part)
    notes: list[PlannedNote] = []

    # Removed cards are rendered leniently: their images may have been deleted with them.
    lenient = dataclasses.replace(renderer, strict=False)

    def card_note(card: Card, removed: bool) -> PlannedNote:
        render = lenient if removed else renderer
        extra_tags = (REMOVED_TAG,) if removed else ()
        note_type = NOTE_TYPES[card.kind.value]
        where = card.source
        if card.kind is CardKind.CLOZE:
            numbers = sorted(n for n in _cloze_numbers(card.front) if n > 0)
            if not numbers:
                raise NotesError(
                    "this cloze card hides nothing; mark a span like {{c1::1924}} "
                    "or make it a basic card",
                    where.file or deck.source.file,
                    where.line,
                )
            fields: tuple[str, ...] = (
                render.inlines(card.front, where, cloze_field=True),
                render.blocks(card.back, where),
                cloze_source,
            )
            ords = tuple(n - 1 for n in numbers)
        else:
            fields = (
                render.inlines(card.front, where),
                render.blocks(card.back, where),
                title,
                source_text,
            )
            ords = tuple(range(len(note_type.templates)))
        return PlannedNote(
            note_guid(card.identity, note_type.key),
            note_type,
            fields,
            _tags(deck.tags, card.tags, extra_tags),
            deck.deck_path,
            card.modified or fallback_time,
            ords,
        )

    for card in _unique_cards(deck.cards, warn):
        notes.append(card_note(card, removed=False))
    for card in deck.removed:
        notes.append(card_note(card, removed=True))

    glossary_deck = f"{deck.deck_path}::{GLOSSARY_SUBDECK}"
    glossary_type = NOTE_TYPES["glossary"]
    glossary = glossary_notes(deck)
    _warn_repeated_terms(glossary, warn)

    def glossary_note(key: str, entry: GlossaryEntry, extra_tags: tuple[str, ...]) -> PlannedNote:
        return PlannedNote(
            note_guid(key, glossary_type.key),
            glossary_type,
            (
                # Formulas are kept in dollars in terms and definitions ("Work function
                # ($\Phi$)"): shown as MathJax like the cards'.
                renderer.inlines(split_math(entry.term), entry.source),
                renderer.inlines(split_math(entry.definition), entry.source).replace("\n", "<br>"),
                title,
                source_text,
            ),
            _tags(deck.tags, extra_tags),
            glossary_deck,
            entry.modified or fallback_time,
            (0, 1),
        )

    for key, entry in glossary:
        notes.append(glossary_note(key, entry, ()))
    for entry in deck.removed_glossary:
        key = glossary_identity(deck.deck_path, entry.term)
        notes.append(glossary_note(key, entry, (REMOVED_TAG,)))
    return _drop_repeated_guids(notes)


def _unique_cards(cards: tuple[Card, ...], warn: Callable[[Diagnostic], None]) -> list[Card]:
    # Readers already keep same-front cards apart; this guards cards made later (auto cloze).
    first: dict[str, SourceRef] = {}
    for card in cards:
        if card.identity in first:
            warn(
                Diagnostic(
                    card.source.file,
                    card.source.line,
                    f"the front {inline_text(card.front)!r} is the same as at line "
                    f"{first[card.identity].line}; both are kept, but consider telling them apart",
                )
            )
        else:
            first[card.identity] = card.source
    if len(first) == len(cards):
        return list(cards)
    keys = disambiguate([card.identity for card in cards])
    return [
        card if key == card.identity else dataclasses.replace(card, identity=key)
        for key, card in zip(keys, cards, strict=True)
    ]


def _warn_repeated_terms(
    glossary: list[tuple[str, GlossaryEntry]], warn: Callable[[Diagnostic], None]
) -> None:
    first: dict[str, SourceRef] = {}
    for key, entry in glossary:
        base_key = key.rsplit("#", 1)[0] if "#" in key else key
        if base_key in first:
            warn(
                Diagnostic(
                    entry.source.file,
                    entry.source.line,
                    f"the glossary term {entry.term!r} is also defined at line "
                    f"{first[base_key].line}; both are kept, but consider merging them",
                )
            )
        else:
            first[base_key] = entry.source


def _drop_repeated_guids(notes: list[PlannedNote]) -> list[PlannedNote]:
    # A removed card that comes back under a new front can share a GUID with a current note;
    # the current note wins.
    seen: set[str] = set()
    kept: list[PlannedNote] = []
    for note in notes:
        if note.guid not in seen:
            seen.add(note.guid)
            kept.append(note)
    return kept


# --------------------------------------------------------------------------- collection


# Anki separates a note's fields with U+001F, so one inside a field would split it in two and
# Anki would refuse the whole package; the other control characters are invisible debris of
# copy and paste, and not allowed in HTML. The ones Python counts as spaces become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _field_text(html_text: str) -> str:
    """A field's HTML without control characters, safe to join with Anki's field separator."""
    # Control characters are never printable, and telling that is quicker than the search.
    if html_text.isprintable():
        return html_text
    return _CONTROL.sub(_control_replacement, html_text)


def _control_replacement(match: re.Match[str]) -> str:
    return " " if match.group().isspace() else ""


_IMAGE_TAG = re.compile(r"<img[^>]*src=\"([^\"]*)\"[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def _strip_html(text: str) -> str:
    # Most fronts are plain text: no tag to look for.
    if "<" in text:
        text = _TAG.sub("", _IMAGE_TAG.sub(r" \1 ", text))
    return html.unescape(text).strip()


def _checksum(sort_field: str) -> int:
    """Anki's duplicate check: the first 32 bits of the SHA-1 of the first field's text."""
    return int.from_bytes(hashlib.sha1(sort_field.encode("utf-8")).digest()[:4], "big")


def _unique_id(wanted: int, used: set[int]) -> int:
    while wanted in used:
        wanted += 1
    used.add(wanted)
    return wanted


def _model_json(note_type: NoteType, default_deck: int) -> dict[str, Any]:
    fields = [
        {
            "name": name,
            "ord": i,
            "sticky": False,
            "rtl": False,
            "font": "Arial",
            "size": 20,
            "media": [],
        }
        for i, name in enumerate(note_type.fields)
    ]
    templates = [
        {
            "name": name,
            "ord": i,
            "qfmt": qfmt,
            "afmt": afmt,
            "did": None,
            "bqfmt": "",
            "bafmt": "",
            "bfont": "",
            "bsize": 0,
        }
        for i, (name, qfmt, afmt) in enumerate(note_type.templates)
    ]
    # Old Anki versions read `req` to decide which cards exist; new ones work it out themselves.
    req = [
        [i, "any", [f for f, name in enumerate(note_type.fields) if "{{" + name in qfmt]]
        for i, (_, qfmt, _) in enumerate(note_type.templates)
    ]
    return {
        "id": note_type.model_id,
        "name": note_type.name,
        "type": 1 if note_type.cloze else 0,
        "mod": STYLE_MODIFIED,
        "usn": -1,
        "sortf": 0,
        "did": default_deck,
        "tmpls": templates,
        "flds": fields,
        "css": CSS,
        "latexPre": (
            "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n"
            "\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n"
            "\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n"
        ),
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": req,
        "tags": [],
        "vers": [],
    }


def _deck_json(name: str, ident: int, description: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": name,
        "desc": description,
        "mod": STYLE_MODIFIED,
        "usn": -1,
        "collapsed": False,
        "browserCollapsed": False,
        "conf": 1,
        "dyn": 0,
        "extendNew": 0,
        "extendRev": 0,
        "newToday": [0, 0],
        "revToday": [0, 0],
        "lrnToday": [0, 0],
        "timeToday": [0, 0],
    }


# The SQLite work happens in memory where Python can hand over the database's bytes (3.11's
# `serialize`): no scratch folder to create, write, read back and remove for each package.
if sys.version_info >= (3, 11) and hasattr(sqlite3.Connection, "serialize"):

    def _database_bytes(image: bytes, fill: Callable[[sqlite3.Connection], None]) -> bytes:
        """The bytes of the SQLite database `image` (empty: a new one) after `fill` ran on it."""
        conn = sqlite3.connect(":memory:")
        try:
            if image:
                conn.deserialize(image)
            fill(conn)
            conn.commit()
            return conn.serialize()
        finally:
            conn.close()

else:

    def _database_bytes(image: bytes, fill: Callable[[sqlite3.Connection], None]) -> bytes:
        """The bytes of the SQLite database `image` (empty: a new one) after `fill` ran on it."""
        return _database_bytes_via_file(image, fill)


def _database_bytes_via_file(image: bytes, fill: Callable[[sqlite3.Connection], None]) -> bytes:
    """`_database_bytes` through a scratch file, for a Python that cannot serialize a database."""
    with tempfile.TemporaryDirectory(prefix="notes2decks-") as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(image)
        conn = sqlite3.connect(path)
        try:
            # A scratch file in a temporary folder: no journal, no waiting for the disk.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            fill(conn)
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()


@functools.cache
def _empty_collection() -> bytes:
    """An empty legacy (schema 11) collection, made from genanki's schema: once per process,
    copied per package, because running the schema script is a good part of a small package.

    It is also kept in the user's cache folder, keyed by the schema's text and SQLite's
    version: importing genanki (which pulls in asyncio) takes longer than writing a whole
    100-card package, and every worker process of a build would pay it.
    """
    sources = _schema_sources()
    name = None
    if sources is not None:
        digest = hashlib.sha256(sqlite3.sqlite_version.encode())
        for source in sources:
            digest.update(source)
        name = f"empty-collection-{digest.hexdigest()[:20]}.anki2"
        cached = read_cached(name)
        if cached is not None and _is_empty_collection(cached):
            return cached

    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    def fill(conn: sqlite3.Connection) -> None:
        conn.executescript(APKG_SCHEMA)
        conn.executescript(APKG_COL)

    made = _database_bytes(b"", fill)
    if name is not None:
        write_cached(name, made)
    return made


def _schema_sources() -> list[bytes] | None:
    """The text of genanki's two schema modules, read without importing genanki (None if they
    cannot be found, and then nothing is cached)."""
    try:
        spec = importlib.util.find_spec("genanki")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = Path(next(iter(spec.submodule_search_locations)))
        return [(folder / f"{module}.py").read_bytes() for module in ("apkg_schema", "apkg_col")]
    except (ImportError, ValueError, OSError, StopIteration):
        return None


def _is_empty_collection(data: bytes) -> bool:
    """True when `data` is a sound SQLite database holding one collection and no notes: a
    damaged or foreign cache file is made again rather than copied into every package."""
    if not data.startswith(b"SQLite format 3\x00"):
        return False
    sound: list[bool] = []

    def probe(conn: sqlite3.Connection) -> None:
        (check,) = conn.execute("PRAGMA quick_check").fetchone()
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM col), (SELECT count(*) FROM notes)"
        ).fetchone()
        sound.append(check == "ok" and tuple(counts) == (1, 0))

    try:
        _database_bytes(data, probe)
    except sqlite3.Error:
        return False
    return sound == [True]


def collection_bytes(notes: list[PlannedNote], deck: Deck) -> bytes:
    """The notes as a new legacy (schema 11) collection file, which every Anki imports."""
    return _database_bytes(_empty_collection(), lambda conn: _fill_collection(conn, notes, deck))


def _fill_collection(conn: sqlite3.Connection, notes: list[PlannedNote], deck: Deck) -> None:
    deck_names = sorted({note.deck for note in notes} | {deck.deck_path})
    deck_ids = {name: deck_id(name) for name in deck_names}
    used_types = sorted({note.note_type.key for note in notes})

    (decks_text,) = conn.execute("SELECT decks FROM col").fetchone()
    decks = json.loads(decks_text)
    if any(name.casefold() == "default" for name in deck_names):
        # The empty collection holds Anki's "Default" deck; beside a deck of ours of that
        # name, Anki would import ours renamed to "Default_". Ours is the one to keep, so
        # that it joins the user's deck of that name like any other.
        del decks["1"]
    description = html.escape(deck.title, quote=False)
    for name in deck_names:
        decks[str(deck_ids[name])] = _deck_json(name, deck_ids[name], description)
    models = {
        str(NOTE_TYPES[key].model_id): _model_json(NOTE_TYPES[key], deck_ids[deck.deck_path])
        for key in used_types
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
        fields = [_field_text(text) for text in note.fields]
        sort_field = _strip_html(fields[0])
        note_rows.append(
            (
                note_id,
                note.guid,
                note.note_type.model_id,
                note.modified,
                f" {' '.join(note.tags)} " if note.tags else "",
                "\x1f".join(fields),
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


# --------------------------------------------------------------------------- package

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# A package is built at every edit and downloaded rarely: zlib's level 2 costs a build no more
# than its fastest level and packs a little tighter, while its default level slows builds down
# noticeably for packages a sixth smaller.
_DEFLATE_LEVEL = 2


def package_bytes(collection: bytes, media: dict[str, bytes], dest: Path) -> None:
    """Zip a collection and its media into `dest`, deterministically."""
    names = sorted(media)
    entries: dict[str, bytes] = {
        "collection.anki2": collection,
        "media": json.dumps({str(i): name for i, name in enumerate(names)}).encode(),
    }
    for i, name in enumerate(names):
        entries[str(i)] = media[name]
    with zipfile.ZipFile(dest, "w") as archive:
        for name in sorted(entries):
            # Fixed time, system and mode: the same package on every machine and every day.
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.create_system = 3  # Unix
            info.external_attr = 0o644 << 16
            archive.writestr(
                info,
                entries[name],
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=_DEFLATE_LEVEL,
            )


def export_apkg(
    deck: Deck, dest: Path, options: BuildOptions, warn: Callable[[Diagnostic], None]
) -> None:
    """Write the deck as an Anki package at `dest`, atomically."""
    renderer = Renderer()
    notes = plan_notes(deck, renderer, warn)
    if not notes:
        warn(Diagnostic(deck.source.file, 0, "no cards to put in the Anki deck"))
    try:
        collection = collection_bytes(notes, deck)
    except sqlite3.Error as exc:
        raise NotesError(f"could not write the Anki collection: {exc}", deck.source.file) from None
    try:
        with atomic_path(Path(dest), durable=False) as tmp:
            package_bytes(collection, renderer.media.files, tmp)
    except OSError as exc:
        raise NotesError(f"cannot write {dest}: {exc.strerror}", deck.source.file) from None
