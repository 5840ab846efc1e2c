"""Which new card takes over which vanished card's note: one whose front is a small edit of the
vanished card's (for a cloze sentence, counted in words) and whose back is nearly the same.
Glossary notes are matched the same way, by term and definition."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ... import model
from ...edits import edit_distance
from ...identity import normalise_front
from ...model import Card

# A vanished card's note is taken over when the fronts differ by at most this share of their
# length (at least one edit, at most _MAX_EDITS), and the backs are at least this similar.
_MAX_FRONT_EDITS = 0.25
_MAX_EDITS = 5
_MIN_BACK_SIMILARITY = 0.8
_GRAM = 3
# A cloze sentence is taken over when at most this share of its words (at least _MIN_WORD_EDITS,
# at most _MAX_WORD_EDITS) were added, removed or changed.
_MAX_WORD_SHARE = 0.34
_MIN_WORD_EDITS = 2
_MAX_WORD_EDITS = 4
# Past this many (new, vanished) pairs, a wholesale rewrite, only equal fronts are matched.
_MAX_FUZZY_PAIRS = 40_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A card as matching compares it."""

    key: str
    """The card's identity."""
    kind: str
    """The card's kind: cards of different kinds never match."""
    back: str
    """The plain text of the card's back."""
    norm: str
    """The card's front, normalised as identities are."""
    grams: frozenset[str]
    """The distinct trigrams of `norm`, for a cheap test before the edit distance."""

    @classmethod
    def of(cls, key: str, card: Card) -> Candidate:
        """The candidate of a card known by `key`."""
        front = model.inline_text(card.front)
        return cls.make(key, card.kind.value, front, model.block_text(card.back))

    @classmethod
    def make(cls, key: str, kind: str, front: str, back: str) -> Candidate:
        """The candidate of a note of `kind` known by `key`, from its fronts' and backs' text."""
        norm = normalise_front(front)
        grams = frozenset(norm[i : i + _GRAM] for i in range(len(norm) - _GRAM + 1))
        return cls(key, kind, back, norm, grams)


def match(new: list[Candidate], old: list[Candidate]) -> dict[str, str]:
    """New card key to vanished card key: each new card paired with at most one vanished card,
    and each vanished card with at most one new card, closest pairs first."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    # Equal normalised fronts first: a moved deck, or an edit to punctuation only.
    by_front: dict[tuple[str, str], list[Candidate]] = {}
    for previous in old:
        by_front.setdefault((previous.kind, previous.norm), []).append(previous)
    for candidate in new:
        for previous in by_front.get((candidate.kind, candidate.norm), []):
            if previous.key not in taken and _back_similarity(candidate, previous) >= (
                _MIN_BACK_SIMILARITY
            ):
                result[candidate.key] = previous.key
                taken.add(previous.key)
                break
    rest_new = [c for c in new if c.key not in result]
    rest_old = [c for c in old if c.key not in taken]
    if len(rest_new) * len(rest_old) > _MAX_FUZZY_PAIRS:
        return result
    pairs = sorted(
        (found[0], -found[1], index, previous.key, candidate.key)
        for index, candidate in enumerate(rest_new)
        for previous in rest_old
        if (found := _similar(candidate, previous)) is not None
    )
    for _, _, _, old_key, new_key in pairs:
        if new_key not in result and old_key not in taken:
            taken.add(old_key)
            result[new_key] = old_key
    return result


def _back_similarity(new: Candidate, old: Candidate) -> float:
    if new.back == old.back:
        return 1.0
    return difflib.SequenceMatcher(None, new.back, old.back, autojunk=False).ratio()


def _similar(new: Candidate, old: Candidate) -> tuple[int, float] | None:
    """(front edits, back similarity) when `new` looks like an edit of `old`, else None."""
    if new.kind != old.kind:
        return None
    cloze = new.kind == model.CardKind.CLOZE.value
    edits = _sentence_edits(new, old) if cloze else _front_edits(new, old)
    if edits is None:
        return None
    back = _back_similarity(new, old)
    return (edits, back) if back >= _MIN_BACK_SIMILARITY else None


def _front_edits(new: Candidate, old: Candidate) -> int | None:
    """The letters edited between the fronts, when few enough."""
    longest = max(len(new.norm), len(old.norm))
    limit = min(_MAX_EDITS, max(1, int(longest * _MAX_FRONT_EDITS)))
    # Each edit destroys at most _GRAM of a string's trigrams, so strings within `limit` edits
    # share at least this many distinct trigrams.
    shared = len(new.grams & old.grams)
    if shared < max(len(new.grams), len(old.grams)) - limit * _GRAM:
        return None
    edits = edit_distance(new.norm, old.norm, limit)
    return edits if edits <= limit else None


def _sentence_edits(new: Candidate, old: Candidate) -> int | None:
    """The words edited between two cloze sentences, when few enough."""
    new_words, old_words = new.norm.split(), old.norm.split()
    longest = max(len(new_words), len(old_words))
    limit = min(_MAX_WORD_EDITS, max(_MIN_WORD_EDITS, int(longest * _MAX_WORD_SHARE)))
    if abs(len(new_words) - len(old_words)) > limit:
        return None
    # Words, not letters: a word added is one edit, however long.
    edits = Levenshtein.distance(new_words, old_words, score_cutoff=limit)
    return edits if edits <= limit and edits < longest else None
