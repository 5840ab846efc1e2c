"""What the whole text says about its words: which are written in lower case, which with a
capital mid-sentence, and where each stem occurs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...model import Deck
from ...words import LINKING_WORDS, stem
from .sentences import Sentence, Token, deck_sentences
from .vocabulary import NOT_TERM_START, common

_DIGIT = re.compile(r"\d")

Place = tuple[int, int]
"""A token's place: the index of its sentence and its position in that sentence."""


@dataclass(frozen=True, slots=True)
class TextIndex:
    """The deck's sentences and what they say about their words."""

    sentences: tuple[Sentence, ...]
    """Every sentence of the deck's text, in order."""
    lowercase: frozenset[str]
    """Folded words (and their stems) the text writes in lower case somewhere."""
    midcaps: frozenset[str]
    """Folded words the text capitalises somewhere other than at a sentence's start."""
    places: Mapping[str, Sequence[Place]]
    """Where each stem occurs, so that finding a term's mentions needs no scan of the text."""
    stems_by_letter: Mapping[str, Sequence[str]]
    """The stems of the text by their first letter."""

    def proper(self, token: Token) -> bool:
        """True when a capitalised token is capitalised as a name, not as a first word."""
        if not token.cap or _DIGIT.search(token.text):
            return False
        if not token.initial:
            return True
        if token.bare in NOT_TERM_START or token.bare in LINKING_WORDS:
            return False
        if token.bare in self.midcaps:
            return True
        return (
            token.bare not in self.lowercase
            and stem(token.bare) not in self.lowercase
            and not common(token.bare)
        )


def index_text(deck: Deck) -> TextIndex:
    """The deck's sentences, tokenised, and the index of their words."""
    sentences = deck_sentences(deck)
    lowercase: set[str] = set()
    midcaps: set[str] = set()
    places: dict[str, list[Place]] = {}
    for number, sentence in enumerate(sentences):
        # Unpacked rather than read by name: this runs for every word of the notes.
        for _, position, _, _, folded, singular, cap, initial, _ in sentence.tokens:
            if not cap:
                lowercase.add(folded)
                lowercase.add(singular)
            elif not initial:
                midcaps.add(folded)
            found = places.get(singular)
            if found is None:
                places[singular] = [(number, position)]
            else:
                found.append((number, position))
    stems_by_letter: dict[str, list[str]] = {}
    for word in places:
        stems_by_letter.setdefault(word[:1], []).append(word)
    return TextIndex(sentences, frozenset(lowercase), frozenset(midcaps), places, stems_by_letter)
