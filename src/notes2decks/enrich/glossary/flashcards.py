"""Terms from flashcards that ask a definition ("What is osmosis? | ...") or a term ("... -
what term is this? | osmosis"), and the link from a glossary entry to the card that asks it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence

from ...model import Card, CardKind, Deck, GlossaryEntry, TermKind, block_source, inline_source
from ...words import WORD, bare, term_key, word_set
from .sentences import one_line, tidy_definition
from .vocabulary import MAX_TERM_WORDS, NOT_TERM_START

_ASKS_DEFINITION = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(?P<who>what|who)\s+(?:is|are|was|were)\s+(?:meant\s+by\s+)?(?:(?:a|an|the)\s+)?"
        r"(?P<term>[^?]+?)\s*\?$",
        r"^what\s+(?:does|do|did)\s+(?:the\s+(?:term|word|phrase)\s+)?(?P<term>[^?]+?)\s+"
        r"(?:mean|stand\s+for)\s*\??$",
        r"^(?:define|definition\s+of|(?:give\s+)?(?:the\s+)?meaning\s+of)\s+"
        r"(?:the\s+(?:term|word)\s+)?(?P<term>[^?.!:]+?)\s*[.?!:]?$",
    )
)
_ASKS_TERM = re.compile(
    r"\s*(?:[-–—:,]\s*)?(?:what\s+(?:term|word|name)\s+is\s+(?:this|that|it)|what\s+is\s+this\s+"
    r"called|what\s+is\s+it\s+called|which\s+term\s+is\s+this|name\s+(?:this|the\s+term))\s*\??$",
    re.IGNORECASE,
)
_ASKS_TERM_FOR = re.compile(
    r"^(?:what\s+is\s+the\s+(?:term|word|name)\s+(?:given\s+)?(?:for|to)|what\s+do\s+we\s+call|"
    r"what\s+(?:term|word)\s+(?:describes|means))\s+(?P<definition>[^?]+?)\s*\?$",
    re.IGNORECASE,
)
_RELATIONAL = word_set(
    """role function purpose difference differences cause causes effect effects result results
    consequence consequences significance importance capital date name main reason reasons aim
    aims outcome impact advantage advantages disadvantage disadvantages formula equation
    terms value answer number type types example examples best first last link relationship
    process"""
)
"""What a question asks about when it does not ask for a definition ("What is the role of")."""
_MAX_ASKED_WORDS = 5
_SENTENCE_MARK = re.compile(r"[.!?;]")
_RELATION_WORD = re.compile(r"\b(?:between|of|for|in|on|to|with)\b")
_QUOTES = " '\"‘’“”"


def _asked_definition(front: str, back: str) -> tuple[str, str, TermKind] | None:
    """(term, definition, kind) when a card names a term and asks for its definition: "What
    is osmosis? | ...", "Define diffusion. | ..."."""
    match = next(filter(None, (pattern.match(front) for pattern in _ASKS_DEFINITION)), None)
    if match is None:
        return None
    term = match.group("term").strip(_QUOTES)
    words = WORD.findall(term)
    if (
        not words
        or len(words) > _MAX_ASKED_WORDS
        or any(map(str.isdecimal, term))
        or bare(words[0]) in _RELATIONAL
        or bare(words[0]) in NOT_TERM_START
        or (_RELATION_WORD.search(term) and not words[0][0].isupper())
        or len(WORD.findall(back)) < 2
    ):
        return None
    who = (match.groupdict().get("who") or "").lower() == "who"
    return term, tidy_definition(back), TermKind.PERSON if who else TermKind.AUTO


def definition_pair(front: str, back: str) -> tuple[str, str, TermKind] | None:
    """(term, tidied definition, kind) when a card asks for a definition or for a term: "... - what
    term is this? | osmosis", "What is the term for ...? | tissue"."""
    if asked := _ASKS_TERM.search(front):
        definition = front[: asked.start()].strip()
    else:
        definition = match.group("definition") if (match := _ASKS_TERM_FOR.match(front)) else ""
    if not definition:
        return _asked_definition(front, back)
    if 0 < len(WORD.findall(back)) <= MAX_TERM_WORDS and not _SENTENCE_MARK.search(back):
        return back.strip(_QUOTES), tidy_definition(definition), TermKind.AUTO
    return None


def _questions(deck: Deck) -> Iterator[tuple[Card, str]]:
    """The basic and reversed cards, each with its front on one line."""
    for card in deck.cards:
        if card.kind in (CardKind.BASIC, CardKind.REVERSED):
            yield card, one_line(inline_source(card.front))


def flashcard_terms(deck: Deck) -> list[GlossaryEntry]:
    """Definition pairs from question-and-answer cards, remembering their card."""
    found: list[GlossaryEntry] = []
    for card, front in _questions(deck):
        back = one_line(block_source(card.back))
        if front and back and (pair := definition_pair(front, back)):
            term, definition, kind = pair
            found.append(GlossaryEntry(term, definition, card.source, kind, card.identity))
    return found


def _asked_terms(deck: Deck) -> dict[str, str]:
    """The identity of the first card that asks about each term, by `term_key`: its front when a
    term ("Osmosis :: ..."), or the term it asks the definition of ("What is osmosis?")."""
    asked: dict[str, str] = {}
    for card, front in _questions(deck):
        if 0 < len(WORD.findall(front)) <= MAX_TERM_WORDS:
            asked.setdefault(term_key(front), card.identity)
        if pair := _asked_definition(front, "a definition"):
            asked.setdefault(term_key(pair[0]), card.identity)
    return asked


def link_cards(deck: Deck, entries: Sequence[GlossaryEntry]) -> tuple[GlossaryEntry, ...]:
    """The entries, each whose term a basic or reversed card asks linked to that card: the
    card already asks it, so the Anki exporter makes no second note of it."""
    asked = _asked_terms(deck)
    if not asked:
        return tuple(entries)
    return tuple(
        dataclasses.replace(entry, card=asked[key])
        if not entry.card and (key := term_key(entry.term)) in asked
        else entry
        for entry in entries
    )
