"""The lock file: what the last build made of a notes file, so the next build can keep its notes.

Anki knows a note by its GUID, which notes2decks derives from the card's identity (deck path and
normalised front). On its own that identity breaks when a heading is corrected, and a build cannot
tell which cards vanished or which notes really changed. The lock file remembers, for one notes
file, what its last build produced. It lives beside the notes as a small hidden JSON file
(`notes/.topic.md.notes2decks.lock`, see `lock_path_for`), holds no Anki IDs, and so works with
any collection the deck is imported into; nothing is written into the notes themselves.

What it records, per card (keyed by the identity the reader gives the card today):

- `note`: the identity the card's Anki note was first built with, when it differs. A card whose
  identity is new, but whose front is a small edit of a card that vanished in the same build and
  whose back is the same or nearly so, takes over the vanished card's note: fixing a typo in a
  heading keeps the note and its review history.
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
`version` says how the lock was written: version 1 left formulas out of the hashes, so a card
checked against a version 1 hash is compared as version 1 saw it, and its formulas besides (see
`_unchanged_since_v1`); the lock is then written again in the current version. A notes2decks that
finds a version newer than its own refuses to build rather than misread the hashes.
SOURCE_DATE_EPOCH, when set, stands in for the notes file's time. The file is written with
sorted keys, only after every output of the build succeeded, and only when its content changed.
A build reads a card's data (most of the file) only when the card has vanished: see
`_read_laid_out`. `inputs` is a digest of what the cards were made of; a build from the same
inputs takes each card's data and hash from the lock rather than writing the card again (see
`reconcile`).
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string
from pathlib import Path
from typing import Any

from . import model
from .atomic import write_text
from .dates import deck_time
from .edits import edit_distance
from .errors import Diagnostic, NotesError
from .identity import disambiguate, glossary_notes, normalise_front
from .model import Card, CardKind, Deck, GlossaryEntry, SourceRef, TermKind, Text
from .serialize import to_data

LOCK_FORMAT = "notes2decks-lock"
LOCK_VERSION = 2
# The first version whose card hashes hold the formulas: version 1 dropped every `source` key
# from the hashed card, the formulas' with the card's place.
_FORMULAS_HASHED = 2

# A vanished card's note is taken over when the fronts differ by at most this share of their
# length (at least one edit, at most _MAX_EDITS), and the backs are at least this similar.
_MAX_FRONT_EDITS = 0.25
_MAX_EDITS = 5
_MIN_BACK_SIMILARITY = 0.8


def lock_path_for(notes_path: Path) -> Path:
    """The lock file of a notes file: hidden, beside it, named after it."""
    notes_path = Path(notes_path)
    return notes_path.with_name(f".{notes_path.name}.notes2decks.lock")


@dataclass(frozen=True, slots=True)
class LockState:
    """What `save_lock` writes: the lock file's new content."""

    text: str
    """The lock file's JSON text."""
    generation: int
    """How many builds have changed something."""
    removed: tuple[str, ...] = ()
    """The fronts of the cards and terms found removed by this build, for reports."""
    kept: tuple[tuple[str, str], ...] = ()
    """(old front, new front) of the cards that kept their note across a front edit."""


def save_lock(lock_path: Path, state: LockState) -> None:
    """Write the lock file atomically, unless it already holds exactly this content.

    Leaving an unchanged lock untouched keeps its time, so folder watchers do not rebuild again.
    """
    lock_path = Path(lock_path)
    try:
        # As bytes: Python's text reading (newline translation) took ten times as long.
        if lock_path.read_bytes() == state.text.encode("utf-8"):
            return
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise NotesError(f"cannot read the lock file: {exc.strerror}", str(lock_path)) from None
    try:
        write_text(lock_path, state.text)
    except OSError as exc:
        raise NotesError(f"cannot write the lock file: {exc.strerror}", str(lock_path)) from None


# --------------------------------------------------------------------------- reading


def _empty_lock() -> dict[str, Any]:
    return {
        "format": LOCK_FORMAT,
        "version": LOCK_VERSION,
        "generation": 0,
        "time": 0,
        "cards": {},
        "removed": {},
        "glossary": {},
        "removed_glossary": {},
        "inputs": None,
    }


def load_lock(
    lock_path: Path,
    file: str,
    warn: Callable[[Diagnostic], None],
) -> dict[str, Any]:
    """The lock file's data; an empty lock when there is none or it cannot be read.

    The data of the cards in its `cards` section may be left undecoded: read it with
    `_card_data`.
    """
    lock_path = Path(lock_path)
    try:
        # Decoded whole: Python's text reading (newline translation) took ten times as long.
        text = lock_path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return _empty_lock()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8"
        warn(_lock_warning(file, lock_path, f"cannot be read ({reason})"))
        return _empty_lock()
    data = _read_laid_out(text)
    if data is None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            warn(_lock_warning(file, lock_path, f"is damaged (line {exc.lineno})"))
            return _empty_lock()
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        warn(_lock_warning(file, lock_path, "is not a notes2decks lock file"))
        return _empty_lock()
    version = data.get("version")
    if not isinstance(version, int) or version > LOCK_VERSION:
        raise NotesError(
            f"the lock file {lock_path.name} was written by a newer notes2decks "
            f"(version {version}); upgrade notes2decks to build these notes",
            file,
        )
    lock = _empty_lock()
    lock["version"] = version
    if isinstance(data.get("inputs"), str):
        lock["inputs"] = data["inputs"]
    try:
        for key in ("generation", "time"):
            lock[key] = int(data.get(key, 0))
        for key in ("cards", "removed", "glossary", "removed_glossary"):
            section = data.get(key, {})
            if not isinstance(section, dict) or not all(
                isinstance(v, dict) for v in section.values()
            ):
                raise ValueError(key)
            lock[key] = section
    except (TypeError, ValueError):
        warn(_lock_warning(file, lock_path, "is damaged"))
        return _empty_lock()
    return lock


_DECODER = json.JSONDecoder()
# How a card's entry starts as `_card_entry` writes it, and where its members after the card's
# data start: the front is a string, while the card data's own `front` is a list.
_ENTRY_START = '{"card":'
_AFTER_CARD = ',"front":"'


def _read_laid_out(text: str) -> dict[str, Any] | None:
    """The lock's data as `dump_lock` lays it out, with each card's data in the `cards` section
    left as its JSON text (a `_Json`); None when the text is laid out otherwise (json.loads
    reads it then, and says where it is damaged).

    A rebuild reads only the small members of an entry (hash, time, note) unless its card has
    vanished, and decoding every card's data was most of the time it spent on the lock. All
    else is decoded where it stands, so that it is what json.loads would read.
    """
    if not (text.startswith("{\n") and text.endswith("\n}\n")):
        return None
    data: dict[str, Any] = {}
    section: dict[str, Any] | None = None
    cards = False
    more = True  # whether the member before ended with a comma
    try:
        for line in text[2:-3].split("\n"):
            if section is not None and line in (" }", " },"):
                if more:
                    return None  # a comma before the section's end, or an empty section
                section, more = None, line == " },"
                continue
            indent = '  "' if section is not None else ' "'
            if not more or not line.startswith(indent):
                return None
            # At the key's opening quote, so raw_decode reads a string.
            key, end = _DECODER.raw_decode(line, len(indent) - 1)
            if not line.startswith(": ", end):
                return None
            more = line.endswith(",")
            value = line[end + 2 : -1] if more else line[end + 2 :]
            if section is None and value == "{" and more is False:
                # A section's opening line: its members follow, one a line.
                section, cards, more = {}, key == "cards", True
                data[key] = section
            elif section is None:
                data[key] = json.loads(value)
            else:
                section[key] = _card_entry_read(value) if cards else json.loads(value)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return None
    return data if section is None and not more else None


def _card_entry_read(value: str) -> Any:
    """A card's entry, its card data left as its text when it is laid out as `_card_entry`
    writes it."""
    at = value.rfind(_AFTER_CARD)
    if not value.startswith(_ENTRY_START) or at < 0:
        return json.loads(value)
    members = json.loads("{" + value[at + 1 :])
    card = value[len(_ENTRY_START) : at]
    if not isinstance(members, dict) or not (card.startswith("{") and card.endswith("}")):
        raise ValueError("not a card entry")
    return {"card": _Json(card), **members}


def _card_data(entry: dict[str, Any]) -> Any:
    """The card data of a lock entry, decoded; None when it cannot be.

    Damage inside a card's data is found only here, when the card is needed (it vanished): it
    costs that card its entry's content, not the whole lock.
    """
    data = entry.get("card")
    if isinstance(data, _Json):
        try:
            return json.loads(data.text)
        except json.JSONDecodeError:
            return None
    return data


def _decoded(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its card data decoded (without it, when it cannot be)."""
    if not isinstance(entry.get("card"), _Json):
        return entry
    rest = {k: v for k, v in entry.items() if k != "card"}
    data = _card_data(entry)
    return rest if data is None else {**rest, "card": data}


def _lock_warning(file: str, lock_path: Path, problem: str) -> Diagnostic:
    return Diagnostic(
        file,
        0,
        f"the lock file {lock_path.name} {problem}; starting a new one. Notes whose heading "
        "changed since the last build become new notes in Anki",
    )


# --------------------------------------------------------------------------- card data


# Where a card and its paragraphs are in the notes: they move whenever a card is added above,
# and are not part of what a note shows. Places are named by node type, since other nodes use
# the same field names for content (`Math.source` is the formula).
_PLACES: dict[str, frozenset[str]] = {
    "Card": frozenset({"source"}),
    "Paragraph": frozenset({"line"}),
}
_NO_PLACES: frozenset[str] = frozenset()


def _strip_places(data: Any) -> Any:
    if isinstance(data, dict):
        places = _PLACES.get(data.get("type", ""), _NO_PLACES)
        return {k: _strip_places(v) for k, v in data.items() if k not in places}
    if isinstance(data, list):
        return [_strip_places(v) for v in data]
    return data


def _strip_places_v1(data: Any) -> Any:
    # As lock version 1 stripped places: every `line` and `source` key, formulas included.
    if isinstance(data, dict):
        return {k: _strip_places_v1(v) for k, v in data.items() if k not in ("line", "source")}
    if isinstance(data, list):
        return [_strip_places_v1(v) for v in data]
    return data


@functools.lru_cache(maxsize=1024)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    # Keyed by size and time as well, so an image edited during a --watch session is re-read.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _image_digests(card: model.Card) -> list[str]:
    digests: list[str] = []
    for node in model.card_inlines(card):
        if isinstance(node, model.Image):
            try:
                stat = node.path.stat()
                digests.append(_file_digest(node.path, stat.st_size, stat.st_mtime_ns))
            except OSError:
                digests.append("missing")
    return digests


def _digest(value: Any) -> str:
    return _hash_of(_json_spaced(value))


def card_hash(card: Card, deck: Deck, base: Path) -> str:
    """A hash of what the card's note shows: changes when the note must update in Anki."""
    return _CardWriter(base, deck).write(card).digest


def _card_hash_v1(card: Card, deck: Deck, base: Path) -> str:
    """The card's hash as lock version 1 wrote it: without its formulas."""
    data = to_data(card, base)
    data["identity"] = ""
    return _digest([_strip_places_v1(data), deck.title, list(deck.tags), _image_digests(card)])


def _hash_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class _Written:
    """A card as the lock stores it and hashes it."""

    data: str
    """The card's data as the lock stores it: `to_data` without the identity (the entry's key),
    as compact JSON with sorted keys."""
    digest: str
    """The card's hash (`card_hash`)."""
    front: str
    """The plain text of the card's front, which the lock entry records."""

    def entry_head(self, kind: str) -> str:
        """The JSON text that starts the card's lock entry: all but the members that come from
        earlier builds (`note`, `time`)."""
        return (
            f'{{"card":{self.data},"front":{_json_string(self.front)},'
            f'"hash":{_json_string(self.digest)},"kind":{_json_string(kind)}'
        )


class _CardWriter:
    """Writes a card's JSON as the lock stores it and as its hash sees it, in one walk.

    The stored text is the card's `to_data` without its identity (the entry's key, or its
    `note`), as json.dumps writes it compactly with sorted keys. The hashed text is the card with
    a blank identity and without places (`_strip_places`), in a list with the deck's title and
    tags and the card's image digests, as json.dumps writes it with its default separators.

    Both must be exactly what json.dumps writes, or every lock written so far would see every
    card as changed: the commonest nodes are written out here, and every other one goes through
    `to_data` and json.dumps (tests/test_lock_json.py checks both ways against each other).
    """

    def __init__(self, base: Path, deck: Deck) -> None:
        self.base = base
        # What the hashed list holds after the card's content: the deck's title and tags.
        self._deck_part = ", ".join(
            ["", _json_spaced(deck.title), _json_spaced(list(deck.tags)), ""]
        )
        self._stored: list[str] = []
        self._hashed: list[str] = []
        self._general = False
        self._writers: dict[type, Callable[[Any], None]] = {
            str: self._string,
            model.Text: self._text,
            model.Strong: self._strong,
            model.Emphasis: self._emphasis,
            model.Math: self._math,
            model.Paragraph: self._paragraph,
            model.ListItem: self._list_item,
            model.BulletList: self._bullet_list,
        }

    def write(self, card: Card) -> _Written:
        """The card's stored data and hash."""
        self._stored = stored = []
        self._hashed = hashed = []
        self._general = False
        # Members in key order; the identity is the entry's key, and blank in the hash.
        stored.append('{"back":[')
        hashed.append('[{"back": [')
        self._nodes(card.back)
        continued = self._scalar(card.continued)
        stored.append(f'],"continued":{continued},"front":[')
        hashed.append(f'], "continued": {continued}, "front": [')
        self._nodes(card.front)
        kind = self._scalar(card.kind)
        source = self._source(card.source)
        stored.append(f'],"kind":{kind},"source":{source},"tags":[')
        hashed.append(f'], "identity": "", "kind": {kind}, "tags": [')
        self._nodes(card.tags)
        stored.append('],"type":"Card"}')
        # Images only come through the general way, so a card without one has none.
        images = _json_spaced(_image_digests(card)) if self._general else "[]"
        hashed.append(f'], "type": "Card"}}{self._deck_part}{images}]')
        return _Written("".join(stored), _hash_of("".join(hashed)), model.inline_text(card.front))

    def _nodes(self, nodes: tuple[Any, ...]) -> None:
        stored, hashed, writers = self._stored, self._hashed, self._writers
        first = True
        for node in nodes:
            if first:
                first = False
            else:
                stored.append(",")
                hashed.append(", ")
            # Most nodes are text: written here, without a call.
            if type(node) is Text and type(node.text) is str:
                text = _json_string(node.text)
                stored.append(f'{{"text":{text},"type":"Text"}}')
                hashed.append(f'{{"text": {text}, "type": "Text"}}')
            else:
                (writers.get(type(node)) or self._node)(node)

    def _node(self, node: Any) -> None:
        self._general = True
        data = to_data(node, self.base)
        self._stored.append(json.dumps(data, **_COMPACT))
        self._hashed.append(_json_spaced(_strip_places(data)))

    def _scalar(self, value: Any) -> str:
        """The JSON of a value the model types as a scalar: the same in both texts."""
        if type(value) is str:
            return _json_string(value)
        if type(value) is int:
            return int.__repr__(value)
        if type(value) is bool:
            return "true" if value else "false"
        if isinstance(value, enum.Enum):
            return self._scalar(value.value)
        data = to_data(value, self.base)
        if isinstance(data, list | dict):
            raise TypeError(f"a {type(value).__name__} where the model has a single value")
        return json.dumps(data)

    def _source(self, source: SourceRef) -> str:
        if type(source) is not SourceRef:
            return json.dumps(to_data(source, self.base), **_COMPACT)
        file, line = self._scalar(source.file), self._scalar(source.line)
        return f'{{"file":{file},"line":{line},"type":"SourceRef"}}'

    def _string(self, value: str) -> None:
        text = _json_string(value)
        self._stored.append(text)
        self._hashed.append(text)

    def _text(self, node: model.Text) -> None:
        text = self._scalar(node.text)
        self._stored.append(f'{{"text":{text},"type":"Text"}}')
        self._hashed.append(f'{{"text": {text}, "type": "Text"}}')

    def _strong(self, node: model.Strong) -> None:
        self._stored.append('{"children":[')
        self._hashed.append('{"children": [')
        self._nodes(node.children)
        self._stored.append('],"type":"Strong"}')
        self._hashed.append('], "type": "Strong"}')

    def _emphasis(self, node: model.Emphasis) -> None:
        self._stored.append('{"children":[')
        self._hashed.append('{"children": [')
        self._nodes(node.children)
        self._stored.append('],"type":"Emphasis"}')
        self._hashed.append('], "type": "Emphasis"}')

    def _math(self, node: model.Math) -> None:
        display, source = self._scalar(node.display), self._scalar(node.source)
        self._stored.append(f'{{"display":{display},"source":{source},"type":"Math"}}')
        self._hashed.append(f'{{"display": {display}, "source": {source}, "type": "Math"}}')

    def _paragraph(self, node: model.Paragraph) -> None:
        self._stored.append('{"children":[')
        self._hashed.append('{"children": [')
        self._nodes(node.children)
        line = int.__repr__(node.line) if type(node.line) is int else self._scalar(node.line)
        self._stored.append(f'],"line":{line},"type":"Paragraph"}}')
        self._hashed.append('], "type": "Paragraph"}')

    def _list_item(self, node: model.ListItem) -> None:
        self._stored.append('{"children":[')
        self._hashed.append('{"children": [')
        self._nodes(node.children)
        self._stored.append('],"type":"ListItem"}')
        self._hashed.append('], "type": "ListItem"}')

    def _bullet_list(self, node: model.BulletList) -> None:
        self._stored.append('{"items":[')
        self._hashed.append('{"items": [')
        self._nodes(node.items)
        ordered, start = self._scalar(node.ordered), self._scalar(node.start)
        self._stored.append(f'],"ordered":{ordered},"start":{start},"type":"BulletList"}}')
        self._hashed.append(f'], "ordered": {ordered}, "start": {start}, "type": "BulletList"}}')


_COMPACT: dict[str, Any] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}


def _json_spaced(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def entry_hash(entry: GlossaryEntry, deck: Deck) -> str:
    """A hash of what a glossary note shows."""
    return _digest([entry.term, entry.definition, deck.title, list(deck.tags)])


_ENUMS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("Card", "kind"): CardKind,
    ("GlossaryEntry", "kind"): TermKind,
    ("Table", "align"): lambda values: tuple(model.Align(v) for v in values),
}


def from_data(data: Any, base: Path) -> Any:
    """Rebuild model values from `notes2decks.serialize.to_data` output."""
    if isinstance(data, list):
        return tuple(from_data(item, base) for item in data)
    if not isinstance(data, dict):
        return data
    name = data.get("type")
    if not isinstance(name, str):
        raise ValueError("a node without a type")
    cls: Any = getattr(model, name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise ValueError(f"unknown node {name!r}")
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type" or key not in names:
            continue
        convert = _ENUMS.get((name, key))
        if convert is not None:
            kwargs[key] = convert(value)
        elif name == "Image" and key == "path":
            kwargs[key] = (base / value).resolve()
        else:
            kwargs[key] = from_data(value, base)
    return cls(**kwargs)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Candidate:
    key: str
    kind: str
    front: str
    back: str
    norm: str = ""
    grams: frozenset[str] = frozenset()

    @classmethod
    def of(cls, key: str, card: Card) -> _Candidate:
        front = model.inline_text(card.front)
        norm = normalise_front(front)
        grams = frozenset(norm[i : i + _GRAM] for i in range(len(norm) - _GRAM + 1))
        return cls(key, card.kind.value, front, model.block_text(card.back), norm, grams)


_GRAM = 3


def _back_similarity(new: _Candidate, old: _Candidate) -> float:
    if new.back == old.back:
        return 1.0
    return difflib.SequenceMatcher(None, new.back, old.back, autojunk=False).ratio()


def _similar(new: _Candidate, old: _Candidate) -> tuple[int, float] | None:
    """(front edits, back similarity) when `new` looks like an edit of `old`, else None."""
    if new.kind != old.kind:
        return None
    longest = max(len(new.norm), len(old.norm))
    limit = min(_MAX_EDITS, max(1, int(longest * _MAX_FRONT_EDITS)))
    # Each edit destroys at most _GRAM of a string's trigrams, so strings within `limit` edits
    # share at least this many distinct trigrams: a cheap test before the edit distance.
    shared = len(new.grams & old.grams)
    if shared < max(len(new.grams), len(old.grams)) - limit * _GRAM:
        return None
    edits = edit_distance(new.norm, old.norm, limit)
    if edits > limit:
        return None
    back = _back_similarity(new, old)
    if back < _MIN_BACK_SIMILARITY:
        return None
    return edits, back


# Comparing every new card with every vanished one is quadratic; past this many pairs (a
# wholesale rewrite) only fronts that are equal once normalised are matched.
_MAX_FUZZY_PAIRS = 40_000


def _match(new: list[_Candidate], old: list[_Candidate]) -> dict[str, str]:
    """Pairs each new card with at most one vanished card, closest pairs first."""
    result: dict[str, str] = {}
    taken_old: set[str] = set()
    # Equal normalised fronts first: a moved deck, or an edit to punctuation only.
    by_front: dict[tuple[str, str], list[_Candidate]] = {}
    for previous in old:
        by_front.setdefault((previous.kind, previous.norm), []).append(previous)
    for candidate in new:
        for previous in by_front.get((candidate.kind, candidate.norm), []):
            if previous.key not in taken_old and (
                _back_similarity(candidate, previous) >= _MIN_BACK_SIMILARITY
            ):
                result[candidate.key] = previous.key
                taken_old.add(previous.key)
                break
    rest_new = [c for c in new if c.key not in result]
    rest_old = [c for c in old if c.key not in taken_old]
    if len(rest_new) * len(rest_old) > _MAX_FUZZY_PAIRS:
        return result
    pairs: list[tuple[int, float, int, str, str]] = []
    for index, candidate in enumerate(rest_new):
        for previous in rest_old:
            found = _similar(candidate, previous)
            if found is not None:
                pairs.append((found[0], -found[1], index, previous.key, candidate.key))
    pairs.sort()
    for _, _, _, old_key, new_key in pairs:
        if new_key in result or old_key in taken_old:
            continue
        taken_old.add(old_key)
        result[new_key] = old_key
    return result


# --------------------------------------------------------------------------- reconciling


def _silent(_: Diagnostic) -> None:
    pass


def reconcile(
    deck: Deck,
    lock_path: Path,
    warn: Callable[[Diagnostic], None] = _silent,
    inputs: str | None = None,
) -> tuple[Deck, LockState]:
    """Keep note identities across edits, and time and collect changes, using the lock file.

    Returns the deck with each card's identity (the key of its Anki note) and modification time
    set, the cards and glossary entries removed since the last build in `Deck.removed` and
    `Deck.removed_glossary`, and the lock's new content for `save_lock`. `warn` hears which
    cards were removed and which kept their note across an edit: pass the build's warnings.

    `inputs`, when given, is a digest of everything the deck's cards were made of besides the
    deck's title, tags and path (see `build.cards_inputs`): the notes' text, the options and the
    code that read them. When the lock was written from the same inputs, its entries hold
    exactly what writing the cards again would give, and are taken as they are.
    """
    lock_path = Path(lock_path)
    file = deck.source.file
    base = lock_path.parent.resolve()
    unique = disambiguate([card.identity for card in deck.cards])
    if unique != [card.identity for card in deck.cards]:
        # Readers keep same-front cards apart (and warn); this only guards the lock's keys.
        deck = dataclasses.replace(
            deck,
            cards=tuple(
                dataclasses.replace(c, identity=k) for c, k in zip(deck.cards, unique, strict=True)
            ),
        )
    lock = load_lock(lock_path, file, warn)
    old_cards: dict[str, dict[str, Any]] = lock["cards"]
    old_removed: dict[str, dict[str, Any]] = lock["removed"]
    record = _inputs_record(inputs, deck)
    same_inputs = record is not None and lock["version"] == LOCK_VERSION
    same_inputs = same_inputs and lock["inputs"] == record
    # Each card is written once, for its hash now and its lock entry in pass 2; from the same
    # inputs, as the lock holds it already.
    writer = _CardWriter(base, deck)
    written = {
        id(card): (same_inputs and _as_written(old_cards.get(card.identity), card))
        or writer.write(card)
        for card in deck.cards
    }

    current = {card.identity for card in deck.cards}
    # Only vanished cards are needed whole: to ship them as removed, or for a takeover.
    vanished = {key: _decoded(entry) for key, entry in old_cards.items() if key not in current}
    takeovers = _takeovers(deck, old_cards, old_removed, vanished, base)
    formulas_hashed = lock["version"] >= _FORMULAS_HASHED

    def unchanged(card: Card, previous: dict[str, Any]) -> bool:
        card_written = written[id(card)]
        if previous.get("hash") == card_written.digest:
            return True
        return not formulas_hashed and _unchanged_since_v1(card, card_written, previous, deck, base)

    # Pass 1: each card's note and whether it changed, without handing out times yet.
    plans: list[tuple[Card, str, dict[str, Any] | None, bool]] = []
    kept: list[tuple[str, str]] = []
    used_notes: set[str] = set()
    fresh: list[int] = []
    for card in deck.cards:
        key = card.identity
        previous: dict[str, Any] | None
        if key in old_cards:
            previous, note = old_cards[key], _note_of(old_cards[key], key)
        elif key in old_removed:
            # A card that comes back continues its old note; the note changes (its tag goes).
            previous, note = None, _note_of(old_removed[key], key)
        elif key in takeovers:
            old_key = takeovers[key]
            previous = vanished.pop(old_key)
            note = _note_of(previous, old_key)
            kept.append((str(previous.get("front", old_key)), written[id(card)].front))
        else:
            fresh.append(len(plans))
            plans.append((card, "", None, False))
            continue
        used_notes.add(note)
        plans.append((card, note, previous, previous is not None and unchanged(card, previous)))

    # Brand-new cards take their own identity as their note's, unless a kept note already has it.
    names = disambiguate([*sorted(used_notes), *(plans[i][0].identity for i in fresh)])
    for i, note in zip(fresh, names[len(used_notes) :], strict=True):
        card = plans[i][0]
        plans[i] = (card, note, None, False)
        used_notes.add(note)

    gone = {k: v for k, v in vanished.items() if _note_of(v, k) not in used_notes}
    glossary_plans, gone_terms = _plan_glossary(deck, lock)

    changed = (
        bool(gone)
        or bool(gone_terms)
        or not all(same for _, _, _, same in plans)
        or any(prev is None or prev.get("hash") != digest for _, _, prev, digest in glossary_plans)
    )
    generation = int(lock["generation"]) + (1 if changed else 0)
    stamp = max(deck_time(deck), int(lock["time"]) + 1) if changed else int(lock["time"])

    def time_of(previous: dict[str, Any] | None, same: bool) -> int:
        return int(previous.get("time", 0)) if previous is not None and same else stamp

    # Pass 2: times, entries and tombstones.
    cards: list[Card] = []
    entries: dict[str, _Json] = {}
    for card, note, previous, same in plans:
        time = time_of(previous, same)
        cards.append(dataclasses.replace(card, identity=note, modified=time))
        head = written[id(card)].entry_head(card.kind.value)
        entries[card.identity] = _card_entry(head, card.identity, note, time)

    tombstones: dict[str, dict[str, Any]] = {
        key: entry
        for key, entry in old_removed.items()
        if key not in current and _note_of(entry, key) not in used_notes
    }
    for key, entry in gone.items():
        tombstones[key] = {**entry, "time": stamp, "generation": generation}
    removed_cards: list[Card] = []
    for key in sorted(tombstones):
        entry = tombstones[key]
        rebuilt = _rebuild(entry, base) if entry.get("generation") == generation else None
        if rebuilt is None:
            # Shipped with the builds of the change that removed it; after that a stub is enough.
            tombstones[key] = {k: v for k, v in entry.items() if k in _TOMBSTONE_KEYS}
            continue
        removed_cards.append(
            dataclasses.replace(rebuilt, identity=_note_of(entry, key), modified=int(entry["time"]))
        )

    glossary_times: dict[int, int] = {}
    glossary_entries: dict[str, dict[str, Any]] = {}
    for key, term, previous, digest in glossary_plans:
        time = time_of(previous, previous is not None and previous.get("hash") == digest)
        glossary_times[id(term)] = time
        glossary_entries[key] = {
            "term": term.term,
            "definition": term.definition,
            "hash": digest,
            "time": time,
        }
    glossary = tuple(
        dataclasses.replace(e, modified=glossary_times[id(e)]) if id(e) in glossary_times else e
        for e in deck.glossary
    )
    term_tombstones: dict[str, dict[str, Any]] = {
        key: entry for key, entry in lock["removed_glossary"].items() if key not in glossary_entries
    }
    for key, entry in gone_terms.items():
        term_tombstones[key] = {
            "term": entry.get("term", ""),
            "definition": entry.get("definition", ""),
            "time": stamp,
            "generation": generation,
        }
    removed_terms: list[GlossaryEntry] = []
    for key in sorted(term_tombstones):
        entry = term_tombstones[key]
        if entry.get("generation") == generation and isinstance(entry.get("term"), str):
            removed_terms.append(
                GlossaryEntry(
                    entry["term"],
                    str(entry.get("definition", "")),
                    SourceRef(file),
                    modified=int(entry.get("time", 0)),
                )
            )
        else:
            term_tombstones[key] = {k: v for k, v in entry.items() if k in _TOMBSTONE_KEYS}

    removed_names = [str(gone[k].get("front", k)) for k in sorted(gone)]
    removed_names += [str(gone_terms[k].get("term", k)) for k in sorted(gone_terms)]
    for name in removed_names:
        warn(
            Diagnostic(
                file,
                0,
                f"{name!r} is no longer in the notes; its Anki note is tagged "
                "notes2decks::removed: find it with tag:notes2decks::removed and delete it",
            )
        )
    for old_front, new_front in kept:
        if normalise_front(old_front) == normalise_front(new_front):
            continue  # the deck moved; the heading did not change
        warn(
            Diagnostic(
                file,
                0,
                f"{new_front!r} looks like a corrected {old_front!r}: the Anki note and its "
                "review history are kept",
            )
        )

    data = {
        "format": LOCK_FORMAT,
        "version": LOCK_VERSION,
        "generation": generation,
        "time": stamp,
        "cards": entries,
        "removed": tombstones,
        "glossary": glossary_entries,
        "removed_glossary": term_tombstones,
    }
    if record is not None:
        data["inputs"] = record
    text = dump_lock(data)
    result = dataclasses.replace(
        deck,
        cards=tuple(cards),
        glossary=glossary,
        removed=tuple(removed_cards),
        removed_glossary=tuple(removed_terms),
    )
    return result, LockState(text, generation, tuple(removed_names), tuple(kept))


_TOMBSTONE_KEYS = frozenset({"note", "kind", "front", "term", "time", "generation"})


def _inputs_record(inputs: str | None, deck: Deck) -> str | None:
    """What the lock records of the inputs its cards were written from: `inputs`, with what
    else the card writer reads (the deck's title and tags, the name the cards give their file)
    and what the cards' keys hold (the deck's path)."""
    if inputs is None:
        return None
    parts = [inputs, deck.title, list(deck.tags), deck.deck_path, deck.source.file]
    return _hash_of(json.dumps(parts, ensure_ascii=False))


def _as_written(entry: dict[str, Any] | None, card: Card) -> _Written | None:
    """A card as its lock entry holds it, when the entry was written from the same inputs."""
    if entry is None or entry.get("kind") != card.kind.value:
        return None
    data, digest, front = entry.get("card"), entry.get("hash"), entry.get("front")
    if isinstance(data, _Json) and isinstance(digest, str) and isinstance(front, str):
        return _Written(data.text, digest, front)
    return None


def _unchanged_since_v1(
    card: Card, written: _Written, previous: dict[str, Any], deck: Deck, base: Path
) -> bool:
    """Whether a card shows what it showed when a version 1 lock wrote `previous`.

    Version 1 hashed everything but the formulas: they are compared in the card data the entry
    keeps. Comparing the hashes alone would give every card with a formula a new time (and so
    overwrite edits made to it in Anki); comparing the data alone would miss changed images.
    """
    stored = _card_data(previous)
    return (
        isinstance(stored, dict)
        and previous.get("hash") == _card_hash_v1(card, deck, base)
        and _strip_places(stored) == _strip_places(json.loads(written.data))
    )


def _note_of(entry: dict[str, Any], key: str) -> str:
    note = entry.get("note", key)
    return note if isinstance(note, str) and note else key


def _takeovers(
    deck: Deck,
    old_cards: dict[str, dict[str, Any]],
    old_removed: dict[str, dict[str, Any]],
    vanished: dict[str, dict[str, Any]],
    base: Path,
) -> dict[str, str]:
    """New card identity to vanished card identity, for cards that look like edits."""
    unknown = [
        c for c in deck.cards if c.identity not in old_cards and c.identity not in old_removed
    ]
    if not unknown or not vanished:
        return {}
    new = [_Candidate.of(c.identity, c) for c in unknown]
    old: list[_Candidate] = []
    for key in sorted(vanished):
        rebuilt = _rebuild(vanished[key], base)
        if rebuilt is not None:
            old.append(_Candidate.of(key, rebuilt))
    return _match(new, old)


def _plan_glossary(
    deck: Deck, lock: dict[str, Any]
) -> tuple[list[tuple[str, GlossaryEntry, dict[str, Any] | None, str]], dict[str, dict[str, Any]]]:
    old: dict[str, dict[str, Any]] = lock["glossary"]
    plans = [
        (key, entry, old.get(key), entry_hash(entry, deck)) for key, entry in glossary_notes(deck)
    ]
    keys = {key for key, _, _, _ in plans}
    gone = {key: entry for key, entry in old.items() if key not in keys}
    return plans, gone


@dataclass(frozen=True, slots=True)
class _Json:
    """A lock value written already, as `dump_lock` writes values: compact, keys sorted."""

    text: str


def dump_lock(data: dict[str, Any]) -> str:
    """The lock's JSON text: sorted keys, one line per card or term, so diffs stay readable."""

    def compact(value: Any) -> str:
        if isinstance(value, _Json):
            return value.text
        if type(value) is str:
            return _json_string(value)
        return json.dumps(value, **_COMPACT)

    lines = ["{"]
    keys = sorted(data)
    for position, key in enumerate(keys):
        value = data[key]
        comma = "," if position < len(keys) - 1 else ""
        if isinstance(value, dict) and value:
            lines.append(f" {compact(key)}: {{")
            items = sorted(value.items())
            for index, (name, entry) in enumerate(items):
                inner = "," if index < len(items) - 1 else ""
                lines.append(f"  {compact(name)}: {compact(entry)}{inner}")
            lines.append(f" }}{comma}")
        else:
            lines.append(f" {compact(key)}: {compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _card_entry(head: str, key: str, note: str, time: int) -> _Json:
    # The entry's members in key order: card, front, hash, kind, note, time.
    parts = [head]
    if note != key:
        parts.append(f',"note":{_json_string(note)}')
    parts.append(f',"time":{time}}}')
    return _Json("".join(parts))


def _rebuild(entry: dict[str, Any], base: Path) -> Card | None:
    data = _card_data(entry)
    if not isinstance(data, dict):
        return None
    try:
        card = from_data({**data, "identity": ""}, base)
    except (TypeError, ValueError, KeyError):
        return None
    return card if isinstance(card, Card) else None
