"""The who's who: the people the notes name, and the facts of which they are the subject."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...model import GlossaryEntry, SourceRef, TermKind
from .sentences import Sentence, Token, tidy_definition
from .variants import same_word
from .vocabulary import MONTHS_DAYS, SUBJECT_VERBS, SUBORDINATE, TITLES, name_like

_MAX_PERSON_CHARS = 400
"""Longest definition of a person, in characters."""
_MAX_PERSON_FACTS = 3
_BEFORE_SUBJECT = SUBORDINATE | MONTHS_DAYS | {"and", "in", "on", "by", "then", "also"}
"""Words that may come before a sentence's subject, besides capitalised ones."""
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(slots=True)
class Person:
    """A surname the notes use, with the evidence that it names a person."""

    key: str
    """The folded surname of the first mention."""
    names: list[list[str]] = field(default_factory=list)
    """Each mention's words as written, titles left out."""
    mentions: int = 0
    """How many times the notes name them."""
    evidence: int = 0
    """How many signs say it is a person: a first name, a title, a verb after it."""
    against: int = 0
    """How many signs say it is not: "the" before it, or "in" as before a place."""
    facts: list[int] = field(default_factory=list)
    """The sentences of which they are the subject."""


def _acts(token: Token | None) -> bool:
    """True for a verb (or the like) after a name: "Stalin *wanted*"."""
    return (
        token is not None
        and not token.cap
        and (token.bare in SUBJECT_VERBS or token.bare.endswith("ed"))
    )


def _is_subject(sentence: Sentence, first: int, last: int) -> bool:
    """True when the name starts the sentence (after a date, "When" or other names of the
    subject: "Zinoviev, Kamenev and Trotsky") and does something in the next few words."""
    tokens = sentence.tokens
    return (
        all(t.cap or t.bare in _BEFORE_SUBJECT for t in tokens[:first])
        and not tokens[last].possessive
        and any(map(_acts, tokens[last + 1 : last + 6]))
    )


class People:
    """The people named so far, a misspelt surname counting as the same person."""

    def __init__(self) -> None:
        self._found: dict[str, Person] = {}

    def _person(self, key: str) -> Person:
        found = self._found.get(key)
        if found is not None:
            return found
        for existing in self._found.values():
            # `same_word` needs the same first letter: a cheap test first.
            if existing.key[:1] == key[:1] and same_word(existing.key, key):
                return existing
        return self._found.setdefault(key, Person(key))

    def mention(self, index: int, sentence: Sentence, name: Sequence[Token]) -> None:
        """Record that sentence `index` names a person with the tokens `name`."""
        if not name:
            return
        surname = name[-1]
        person = self._person(surname.bare)
        person.mentions += 1
        person.names.append([*(t.text for t in name[:-1]), _POSSESSIVE.sub("", surname.text)])
        tokens = sentence.tokens
        first = name[0].position
        last = surname.position
        before = tokens[first - 1] if first else None
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        person.evidence += surname.possessive or len(name) > 1
        person.evidence += _acts(after)
        if before is not None:
            person.evidence += before.bare in TITLES
            person.against += 2 if before.bare == "the" else 0
            person.against += (
                not before.cap
                and before.bare in ("in", "at", "from", "into", "near")
                and not sentence.text[before.end : name[0].start].strip()
            )
        if after is not None and after.bare == "and" and last + 2 < len(tokens):
            joined = tokens[last + 2]  # "Zinoviev and Kamenev": joined to another name
            person.evidence += joined.cap and name_like(joined.text)
        if _is_subject(sentence, first, last) and index not in person.facts:
            person.facts.append(index)

    def accepted(self) -> list[Person]:
        """The people named twice or more, subject of a fact, with more for than against."""
        return [
            p
            for p in self._found.values()
            if p.mentions >= 2 and p.facts and p.evidence + len(p.facts) > p.against
        ]


def person_entry(person: Person, sentences: Sequence[Sentence], file: str) -> GlossaryEntry:
    """A person's entry: their fullest name (the first of the longest) and the first facts."""
    facts: list[str] = []
    first_line = 0
    for index in person.facts[:_MAX_PERSON_FACTS]:
        fact = tidy_definition(sentences[index].text)
        if facts and len(" ".join(facts)) + 1 + len(fact) > _MAX_PERSON_CHARS:
            break
        facts.append(fact)
        first_line = first_line or sentences[index].line
    fullest = max(person.names, key=len)
    source = SourceRef(file, first_line)
    return GlossaryEntry(" ".join(fullest), " ".join(facts), source, TermKind.PERSON)
