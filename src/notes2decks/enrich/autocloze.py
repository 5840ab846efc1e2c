"""Cloze notes made automatically from the facts of card-set notes: each paragraph or list item
of a revision card that holds a year, a range of years, a decade or a quoted key term (lowercase
scare quotes such as 'free' are not terms) also becomes a cloze note hiding those items."""

from __future__ import annotations

import dataclasses
import re

from ..identity import card_identity, disambiguate
from ..model import (
    AUTO_TAG,
    Card,
    CardKind,
    Cloze,
    Code,
    Deck,
    Emphasis,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Link,
    Math,
    Paragraph,
    SourceRef,
    Strong,
    Text,
    inline_text,
    paragraphs,
)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
# A year with an optional day and month before it ("4 February 1928", "February 1928"), a range
# ("1903-1917", "1939–45"), or a decade ("1920s"); never part of a longer number.
_DATE = re.compile(
    rf"(?<![\w.,])(?:(?:[0-3]?[0-9](?:st|nd|rd|th)?\s+)?{_MONTH}\s+(?:[0-3]?[0-9](?:st|nd|rd|th)?,?\s+)?)?"
    rf"{_YEAR}(?:s|\s*[-\u2013\u2014]\s*(?:{_YEAR}|[0-9]{{2}})(?![0-9]))?(?![\w])"
    rf"|(?<![\w.,]){_YEAR}s?(?![\w])",
)
# A quotation in single, double or curly quotes, opened after a space or bracket and closed
# before a non-letter. Inside, an apostrophe followed by a letter (Lenin's) does not close it.
_QUOTED = re.compile(
    r"(?<![\w])(['\u2018\"\u201c])"
    r"((?:[^'\u2019\"\u201d\n]|['\u2019](?=\w))+?)"
    r"(['\u2019\"\u201d])(?![\w])"
)
_PAIRS = {"'": "'\u2019", "\u2018": "\u2019'", '"': '"', "\u201c": "\u201d"}
_MAX_TERM_WORDS = 8


def _items(text: str) -> list[tuple[int, int]]:
    """The spans of `text` to hide: dates, and the inside of quoted key terms."""
    spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(text):
        opening, inner, closing = match.groups()
        term = inner.strip()
        if (
            closing in _PAIRS[opening]
            and (term[:1].isupper() or term[:1].isdigit())
            and len(term.split()) <= _MAX_TERM_WORDS
        ):
            start = match.start(2) + len(inner) - len(inner.lstrip())
            spans.append((start, start + len(term)))
    for match in _DATE.finditer(text):
        start, end = match.span()
        if not any(a < end and start < b for a, b in spans):
            spans.append((start, end))
    return sorted(spans)


def cloze_inlines(inlines: Inlines, numbers: dict[str, int] | None = None) -> Inlines:
    """The inlines with each date and quoted key term wrapped in a `Cloze`, numbered by
    `numbers`: one number per distinct item (in any case or spacing), in order of appearance."""
    if numbers is None:
        numbers = {}
    result: list[Inline] = []
    for node in inlines:
        match node:
            case Text():
                position = 0
                for start, end in _items(node.text):
                    if start > position:
                        result.append(Text(node.text[position:start]))
                    item = node.text[start:end]
                    number = numbers.setdefault(" ".join(item.split()).casefold(), len(numbers) + 1)
                    result.append(Cloze(number, (Text(item),)))
                    position = end
                if position < len(node.text):
                    result.append(Text(node.text[position:]))
            case Emphasis() | Strong() | Link():
                children = cloze_inlines(node.children, numbers)
                result.append(dataclasses.replace(node, children=children))
            case Code() | Math() | Image() | Cloze() | LineBreak():
                result.append(node)  # nothing to hide in these, or hidden already
            case _:
                raise AssertionError(f"unhandled inline {node!r}")
    return tuple(result)


def _has_cloze(inlines: Inlines) -> bool:
    return any(
        isinstance(node, Cloze)
        or (isinstance(node, Emphasis | Strong | Link) and _has_cloze(node.children))
        for node in inlines
    )


def fact_clozes(card: Card, deck_path: str, title: str = "") -> list[Card]:
    """The cloze cards made from one revision card's facts (identities not yet unique); each
    shows the card's heading above it, unless that is only the topic's `title`."""
    if card.kind is not CardKind.REVISION:
        return []
    made: list[Card] = []
    # "In [...] he formed the Triumvirate" cannot be answered without the heading, "Stalin".
    section = (*card.section, Text(" — "), *card.front) if card.section else card.front
    if card.continued:
        section = card.section
    if inline_text(section).strip() == title.strip():
        section = ()
    for fact in paragraphs(card.back):
        if _has_cloze(fact.children):
            continue
        numbers: dict[str, int] = {}
        front = cloze_inlines(fact.children, numbers)
        if not numbers:
            continue
        made.append(
            Card(
                kind=CardKind.CLOZE,
                front=front,
                back=(Paragraph(card.front, card.source.line),),
                source=SourceRef(card.source.file, fact.line or card.source.line),
                identity=card_identity(deck_path, CardKind.CLOZE.value, inline_text(fact.children)),
                tags=(*card.tags, AUTO_TAG),
                section=section,
            )
        )
    return made


def add_auto_cloze(deck: Deck) -> Deck:
    """The deck with a cloze card, after the card it came from, for every fact that holds a date
    or a quoted key term; identities made unique in the order of the cards, run after run."""
    ordered: list[Card] = []
    made: list[int] = []
    for card in deck.cards:
        ordered.append(card)
        for extra in fact_clozes(card, deck.deck_path, deck.title):
            made.append(len(ordered))
            ordered.append(extra)
    if not made:
        return deck
    # The reader's cards keep their identities; made cards give way when they collide.
    originals = [card.identity for card in deck.cards]
    keys = disambiguate([*originals, *(ordered[i].identity for i in made)])[len(originals) :]
    for index, key in zip(made, keys, strict=True):
        ordered[index] = dataclasses.replace(ordered[index], identity=key)
    return dataclasses.replace(deck, cards=tuple(ordered))
