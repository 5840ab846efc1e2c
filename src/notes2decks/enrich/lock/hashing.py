"""A card as the lock records it: its data, and a hash of what its note shows (orjson's text,
sorted keys). Locks of versions 1 and 2 hashed json.dumps's text: `unchanged_since` compares a
card with them as they were made, so that an unchanged note keeps its time."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ... import model
from ...model import Card, Deck, GlossaryEntry
from ...serialize import PLACES, from_data, to_data
from .store import Entry


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card as its lock entry holds it."""

    data: dict[str, Any]
    """The card's `to_data`, without its identity (the entry's key, or its `note`)."""
    digest: str
    """A hash of what the card's note shows: changes when the note must update in Anki."""
    front: str
    """The plain text of the card's front."""


def record_card(card: Card, deck: Deck, base: Path) -> CardRecord:
    """The card's data and hash, with image paths relative to `base`."""
    data = to_data(card, base)
    del data["identity"]
    shown = orjson.dumps(_shown(card, deck, base), option=orjson.OPT_SORT_KEYS)
    digest = hashlib.sha256(shown).hexdigest()[:20]
    return CardRecord(data, digest, model.inline_text(card.front))


def _shown(card: Card, deck: Deck, base: Path) -> list[Any]:
    """What the card's note shows: the card without places, the deck's title and tags, images."""
    content = to_data(card, base, places=False)
    content["identity"] = ""
    return [content, deck.title, list(deck.tags), _image_digests(card)]


def recorded(entry: Entry | None, card: Card) -> CardRecord | None:
    """The card as its lock entry holds it, when the entry is whole and of the card's kind."""
    if entry is None or entry.get("kind") != card.kind.value:
        return None
    data, digest, front = entry.get("card"), entry.get("hash"), entry.get("front")
    if isinstance(data, dict) and isinstance(digest, str) and isinstance(front, str):
        return CardRecord(data, digest, front)
    return None


def unchanged_since(
    version: int, card: Card, record: CardRecord, entry: Entry, deck: Deck, base: Path
) -> bool:
    """Whether a card shows what it showed when a lock of an earlier `version` wrote `entry`:
    version 2 hashed json.dumps's text; version 1 also dropped every `line` and `source` key
    (formulas' too), so its hash and the entry's card data without places are both compared."""
    if version == 2:
        return entry.get("hash") == _digest(_shown(card, deck, base))
    stored = entry.get("card")
    if version != 1 or not isinstance(stored, dict):
        return False
    data = to_data(card, base)
    data["identity"] = ""
    shown = _without(data, lambda _: frozenset({"line", "source"}))
    v1_hash = _digest([shown, deck.title, list(deck.tags), _image_digests(card)])
    same_data = _without(stored, _places) == _without(record.data, _places)
    return entry.get("hash") == v1_hash and same_data


def _places(data: dict[str, Any]) -> frozenset[str]:
    return PLACES.get(data.get("type", ""), frozenset())


def _without(data: Any, dropped: Callable[[dict[str, Any]], frozenset[str]]) -> Any:
    """`data` without the keys `dropped` names of each of its dicts, at every depth."""
    if isinstance(data, dict):
        keys = dropped(data)
        return {k: _without(v, dropped) for k, v in data.items() if k not in keys}
    if isinstance(data, list):
        return [_without(v, dropped) for v in data]
    return data


def rebuild_card(entry: Entry, base: Path) -> Card | None:
    """The card a lock entry holds; None when it holds none, or not a whole one."""
    data = entry.get("card")
    if not isinstance(data, dict):
        return None
    try:
        card = from_data({**data, "identity": ""}, base)
    except (TypeError, ValueError, KeyError):
        return None
    return card if isinstance(card, Card) else None


def entry_hash(entry: GlossaryEntry, deck: Deck) -> str:
    """A hash of what a glossary note shows."""
    return _digest([entry.term, entry.definition, deck.title, list(deck.tags)])


def inputs_record(inputs: str | None, deck: Deck) -> str | None:
    """What the lock records of the inputs its cards were written from: `inputs`, with the
    deck's title, tags and path and the cards' file name, which records and keys hold too."""
    if inputs is None:
        return None
    parts = [inputs, deck.title, list(deck.tags), deck.deck_path, deck.source.file]
    return _hash_of(json.dumps(parts, ensure_ascii=False))


# How versions 1 and 2 hashed cards, and glossary notes are hashed (one encoder for all calls).
_HASHED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _digest(value: Any) -> str:
    return _hash_of(_HASHED_JSON.encode(value))


def _hash_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@functools.lru_cache(maxsize=1024)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    # Keyed by size and time as well, so an image edited during a --watch session is re-read.
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _image_digests(card: Card) -> list[str]:
    digests: list[str] = []
    for node in model.card_inlines(card):
        if isinstance(node, model.Image):
            try:
                stat = node.path.stat()
                digests.append(_file_digest(node.path, stat.st_size, stat.st_mtime_ns))
            except OSError:
                digests.append("missing")
    return digests
