"""Where a candidate term occurs, in any case and spelling, and how well each sentence
explains it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...words import KEY_SKIP
from .candidates import Candidate, Key, Mention
from .defining import defines
from .index import TextIndex
from .sentences import Sentence, Token
from .variants import same_word
from .vocabulary import (
    ARTICLES,
    COPULA,
    CREATING,
    NAMING_BEFORE,
    YEAR_AFTER,
    acronym_letters,
    ends_with,
)

_MAX_SKIPPED = 2
"""How many linking words a mention may have where the term's key has none."""

_JOINED = re.compile(r"[\s\-'’\"‘“”]*")
_DASH_AFTER = re.compile(r"\s*[:\-–—]\s")
_APPOSITION_AFTER = re.compile(r"\s*,\s+(?:a|an|the)\s")
_NAMED_BEFORE = re.compile(
    r"\b(?:" + "|".join(NAMING_BEFORE) + r")\s+(?:the\s+|an?\s+)?['‘\"“]?$", re.IGNORECASE
)
_CREATED_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(CREATING)) + r")\s+(?:the\s+)?['‘\"“]$")
_QUOTE_BEFORE = re.compile(r"['‘\"“]$")

DEFINES = 3
"""A score: the sentence defines the term."""
INTRODUCES = 2
"""A score: the sentence introduces the term, such as by spelling out an acronym."""
NAMES = 1
"""A score: the sentence names the term as it comes about, with a year or in quotes."""


def _match(sentence: Sentence, position: int, key: Key) -> Sequence[Token]:
    """The tokens from `position` that spell `key`, linking words allowed; none if they don't."""
    tokens = sentence.tokens
    cursor = position
    for number, stem in enumerate(key):
        if number:
            skipped = 0
            while (
                cursor < len(tokens)
                and tokens[cursor].bare in KEY_SKIP
                and tokens[cursor].stem != stem
                and skipped < _MAX_SKIPPED
            ):
                cursor += 1
                skipped += 1
        if cursor >= len(tokens):
            return ()
        token = tokens[cursor]
        if number and not _JOINED.fullmatch(sentence.text, tokens[cursor - 1].end, token.start):
            return ()
        if not same_word(token.stem, stem):
            return ()
        cursor += 1
    return tokens[position:cursor]


def explains(
    candidate: Candidate, number: int, sentence: Sentence, matched: Sequence[Token]
) -> int:
    """How well sentence `number` explains the term it mentions with `matched`: `DEFINES`,
    `INTRODUCES`, `NAMES` or 0."""
    if number in candidate.defined_in:
        return DEFINES
    if number in candidate.introduced_in:
        return INTRODUCES
    text = sentence.text
    tokens = sentence.tokens
    position = matched[0].position
    after = matched[-1].end
    start = matched[0].start
    if all(t.bare in ARTICLES for t in tokens[:position]):
        follow = tokens[matched[-1].position + 1 :]
        if follow and follow[0].bare in COPULA and defines(follow[1:] or follow, True):
            return DEFINES
        if _DASH_AFTER.match(text, after):
            return DEFINES
    if ends_with(_NAMED_BEFORE, text, start):
        return DEFINES
    if _APPOSITION_AFTER.match(text, after):
        return INTRODUCES
    # A name that is introduced ("formed the Triumvirate"), dated or quoted is being
    # explained more than one that is only used.
    if (
        position > 1
        and tokens[position - 1].bare == "the"
        and tokens[position - 2].bare in CREATING
    ):
        return NAMES
    if ends_with(_CREATED_BEFORE, text, start):
        return NAMES
    if YEAR_AFTER.match(text, after) or ends_with(_QUOTE_BEFORE, text, start):
        return NAMES
    return 0


def find_mentions(candidate: Candidate, index: TextIndex) -> list[Mention]:
    """Every place the term occurs, in the order of the text."""
    key = candidate.key
    firsts = [s for s in index.stems_by_letter.get(key[0][:1], ()) if same_word(s, key[0])]
    places = sorted(place for stem in firsts for place in index.places[stem])
    mentions: list[Mention] = []
    for number, position in places:
        sentence = index.sentences[number]
        token = sentence.tokens[position]
        matched: Sequence[Token]
        if candidate.acronym:
            if acronym_letters(token.text) != candidate.acronym:
                continue
            matched = (token,)
        else:
            matched = _match(sentence, position, key)
            if not matched:
                continue
        named = any(t.cap and not (t.initial and t.position == 0) for t in matched) or (
            len(matched) == 1 and index.proper(matched[0]) and matched[0].initial
        )
        mentions.append(
            Mention(
                sentence=number,
                start=matched[0].start,
                words=tuple(t.text for t in matched),
                named=named and not candidate.acronym,
                score=explains(candidate, number, sentence, matched),
            )
        )
    return mentions
