"""Stable identities for cards, so that a rebuilt deck updates the notes already in Anki."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Deck, GlossaryEntry

_PUNCT_OR_SPACE = re.compile(r"[\W_]+", re.UNICODE)

KNOWN_GUID = "guid:"
"""What starts the identity of a note whose Anki GUID is known rather than derived: a note
recovered from an earlier package (`enrich.lock.recover`). The rest is the GUID."""

GLOSSARY_SUBDECK = "Glossary"
"""The subdeck of a deck that holds its glossary notes."""


def glossary_deck(deck_path: str) -> str:
    """The Anki deck that a notes file's glossary notes go to."""
    return f"{deck_path}::{GLOSSARY_SUBDECK}" if deck_path else GLOSSARY_SUBDECK


def normalise_front(text: str) -> str:
    """Fold case, compatibility forms, white space and punctuation out of a front: "Stalin's
    Rise!" and "stalins rise" give the same key, so trivial edits keep a note's identity."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")
    return _PUNCT_OR_SPACE.sub(" ", text).strip()


def card_identity(deck_path: str, kind: str, front: str) -> str:
    """The identity of a card: its deck path, its kind family (basic and reversed share one)
    and its normalised front."""
    family = "qa" if kind in ("basic", "reversed") else kind
    return f"{_normalised_deck(deck_path)}/{family}/{normalise_front(front)}"


# Every card of a deck asks for the same deck path; a deck has few, so a small cache suffices.
_normalised_deck = functools.lru_cache(maxsize=64)(normalise_front)


def note_key(identity: str) -> str:
    """An identity without its deck path (`qa/what is an acid`): what the lock file keys a note
    by, so that a note keeps its identity whatever the deck is called or the build starts from."""
    return identity.split("/", 1)[-1]


def disambiguate(identities: list[str]) -> list[str]:
    """Make repeated identities unique, deterministically: the second `x` becomes `x#2`."""
    seen: Counter[str] = Counter()
    result: list[str] = []
    for key in identities:
        seen[key] += 1
        result.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return result


def glossary_notes(deck: Deck) -> list[tuple[str, GlossaryEntry]]:
    """The glossary entries that become notes, with their identities, as the exporters key them;
    entries taken from a card that already asks them make no note of their own."""
    entries = [entry for entry in deck.glossary if not entry.card]
    keys = disambiguate([glossary_key(deck, e) for e in entries])
    return list(zip(keys, entries, strict=True))


def glossary_key(deck: Deck, entry: GlossaryEntry) -> str:
    """The identity of a glossary entry's note: the one the lock file gave it, else its deck path
    and normalised term. Exporters and the lock file both key glossary notes by it."""
    return entry.identity or card_identity(deck.deck_path, "glossary", entry.term)
