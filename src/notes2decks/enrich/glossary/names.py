"""Evidence of a term in capitalised names: runs of capitalised words, linking words allowed
inside ("Treaty of Versailles"), that recur, carry a year ("Ban of Faction (1921)") or a word
naming treaties, plans and the like ("Dawes Plan"); one word used with "the" ("the
Triumvirate") or said to be founded ("set up Cominform"). People's names go to the who's who."""

from __future__ import annotations

import re

from ...words import LINKING_WORDS, fold, stem
from .candidates import Candidates
from .people import People
from .sentences import Sentence, TextIndex, Token
from .vocabulary import (
    GROUP_WORDS,
    HEAD_FIRST,
    HEAD_LAST,
    MONTHS_DAYS,
    PLACE_PHRASES,
    PLACES,
    TITLES,
    YEAR_AFTER,
    common,
    ends_with,
    is_acronym,
    name_like,
)

_MAX_LINKS = 2
"""How many linking words may join two capitalised words of a name."""
_NOT_ONE_WORD_NAME = PLACES | MONTHS_DAYS | TITLES

# An organisation or agreement that the notes say was founded: "set up Cominform", "Comecon,
# set up in 1949, ...". People are born, not founded.
_CREATED = r"(?:set\s+up|formed|founded|created|established|signed|launched)"
_CREATED_BEFORE = re.compile(r"\b" + _CREATED + r"\s+(?:the\s+)?$")
_CREATED_AFTER = re.compile(r",\s+" + _CREATED + r"\b")


def chains(sentence: Sentence, index: TextIndex) -> list[list[Token]]:
    """The runs of capitalised words of a sentence, with up to two linking words inside."""
    tokens = sentence.tokens
    count = len(tokens)
    found: list[list[Token]] = []
    position = 0
    while position < count:
        token = tokens[position]
        # Most words are lower case: skip them before the fuller test.
        if not token.cap or not index.proper(token) or is_acronym(token.text):
            position += 1
            continue
        chain = [token]
        cursor = position + 1
        while cursor < count and sentence.spaced(tokens[cursor - 1], tokens[cursor]):
            token = tokens[cursor]
            if token.cap and not is_acronym(token.text) and not token.bare.isdigit():
                chain.append(token)
                cursor += 1
                continue
            probe = cursor
            while (
                probe < count
                and probe - cursor < _MAX_LINKS
                and tokens[probe].bare in LINKING_WORDS
                and not tokens[probe].cap
                and sentence.spaced(tokens[probe - 1], tokens[probe])
            ):
                probe += 1
            if not (
                probe > cursor
                and probe < count
                and tokens[probe].cap
                and not is_acronym(tokens[probe].text)
                and sentence.spaced(tokens[probe - 1], tokens[probe])
            ):
                break
            chain.extend(tokens[cursor : probe + 1])
            cursor = probe + 1
        position = cursor
        found.append(chain)
    return found


def find_names(
    number: int, sentence: Sentence, index: TextIndex, candidates: Candidates, people: People
) -> None:
    """Add the named terms of sentence `number`, and record the people it names."""
    for chain in chains(sentence, index):
        content = [t for t in chain if t.bare not in LINKING_WORDS]
        if not content:
            continue  # a capitalised linking word on its own: "the The"
        words = [t.text for t in chain]
        after_the = chain[0].position > 0 and sentence.tokens[chain[0].position - 1].bare == "the"
        eponym = any(t.possessive for t in chain[:-1])  # "Lenin's Testament" is a term
        if len(content) == 1 and (
            ends_with(_CREATED_BEFORE, sentence.text, chain[0].start)
            or _CREATED_AFTER.match(sentence.text, chain[-1].end)
        ):
            if not content[0].possessive and not common(content[0].bare):
                candidates.add(words).evidence.add("created")
            continue
        if (all(name_like(t.text) for t in content) and not after_the and not eponym) or (
            content[0].bare in TITLES and len(content) > 1
        ):
            people.mention(number, sentence, [t for t in content if t.bare not in TITLES])
            continue
        if len(content) >= 2:
            head_last = content[-1].bare in HEAD_LAST or stem(content[-1].bare) in HEAD_LAST
            head_first = content[0].bare in HEAD_FIRST and any(t.bare == "of" for t in chain[1:])
            place = content[-1].bare in PLACES or fold(" ".join(words)) in PLACE_PHRASES
            if place and not (head_first or head_last):
                continue  # "West Berlin", "Soviet Union"
            candidate = candidates.add(words)
            candidate.evidence.add("name")
            if YEAR_AFTER.match(sentence.text, chain[-1].end):
                candidate.evidence.add("year")
            if head_last or head_first:
                candidate.evidence.add("head")
            continue
        token = content[0]
        if (
            after_the
            and not token.initial
            and not token.possessive
            and token.bare not in _NOT_ONE_WORD_NAME
            and not common(token.bare)
        ):
            candidate = candidates.add(words)
            candidate.evidence.add("the")
            if token.bare in GROUP_WORDS:
                candidate.evidence.add("head")
