"""Candidate terms: what the evidence rules collect, merged across spellings as they come."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ...words import KEY_SKIP, bare, stem
from .variants import same_word

Key = tuple[str, ...]
"""A phrase's key: its words' stems without linking words."""


@dataclass(slots=True)
class Candidate:
    """A phrase that may be a term, with the evidence for it that the rules find."""

    key: Key
    """The key of its first spelling."""
    evidence: set[str] = field(default_factory=set)
    """The kinds of evidence found: "acronym", "quoted", "name", "year", "head", "the",
    "created", "defined"."""
    acronym: str = ""
    """The acronym, when the term is one ("NEP")."""
    expansion: str = ""
    """What the acronym stands for, when the notes spell it out."""
    suffix: str = ""
    """A naming noun after a quoted phrase: the 'lock and key' *model*."""
    defined_in: set[int] = field(default_factory=set)
    """Sentences whose pattern made it a candidate: they explain it."""
    introduced_in: set[int] = field(default_factory=set)
    """Sentences that introduce it without defining it, such as an acronym's spelling out."""


def content_key(words: Sequence[str]) -> Key:
    """The key of a phrase: its words' stems without linking words, but for a capitalised
    particle that starts a name ("Van der Waals forces" keeps "van")."""
    stems = [stem(bare(w)) for w in words]
    kept = tuple(
        s
        for i, (s, w) in enumerate(zip(stems, words, strict=True))
        if s not in KEY_SKIP or (i == 0 and w[:1].isupper() and len(words) > 2)
    )
    return kept or tuple(stems)


class Candidates:
    """The candidates found so far, in the order found; a misspelling of a known candidate's
    words adds to that candidate."""

    def __init__(self) -> None:
        self._found: dict[Key, Candidate] = {}
        # Only keys of one length whose first words share a first letter can be one phrase
        # (`same_word`), so each new phrase is compared with those alone.
        self._alike: dict[tuple[int, str], list[Candidate]] = {}

    def add(self, words: Sequence[str]) -> Candidate:
        """The candidate for a phrase: an existing one of the same words, or a new one."""
        key = content_key(words)
        found = self._found.get(key)
        if found is not None:
            return found
        alike = self._alike.setdefault((len(key), key[0][:1] if key else ""), [])
        for existing in alike:
            if all(same_word(a, b) for a, b in zip(existing.key, key, strict=True)):
                return existing
        self._found[key] = candidate = Candidate(key)
        alike.append(candidate)
        return candidate

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._found.values())
