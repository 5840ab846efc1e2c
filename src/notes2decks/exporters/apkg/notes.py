"""The notes of a deck as they go into a package: GUIDs, note types, fields, tags and times.

A GUID comes from the card's identity and note type, never from its fields, so an edited back
updates the note already in Anki. Cards and terms the notes no longer have still ship, tagged
`REMOVED_TAG`, for users to find in Anki and delete.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ...dates import deck_time
from ...errors import Diagnostic, NotesError
from ...identity import (
    GLOSSARY_SUBDECK,
    KNOWN_GUID,
    disambiguate,
    glossary_key,
    glossary_notes,
)
from ...model import (
    REMOVED_TAG,
    Card,
    CardKind,
    Cloze,
    Deck,
    Emphasis,
    GlossaryEntry,
    Inlines,
    Link,
    SourceRef,
    Strong,
    inline_text,
    split_math,
)
from .html import Renderer
from .masking import MASK, MASK_HTML, mask_definition
from .notetypes import NOTE_TYPES, NoteType


@dataclass(frozen=True, slots=True)
class PlannedNote:
    """One note as it goes into the package."""

    guid: str
    """Anki's note GUID, from the card's identity and note type (`note_guid`)."""
    note_type: NoteType
    """The note type."""
    fields: tuple[str, ...]
    """The fields' HTML, in the note type's order, without control characters."""
    tags: tuple[str, ...]
    """The tags as Anki stores them (`anki_tag`), sorted, without repeats in any case."""
    deck: str
    """The deck path of the note's cards."""
    modified: int
    """When the note last changed, in seconds since the epoch."""
    card_ords: tuple[int, ...]
    """The template (or, for a cloze note, the cloze number less one) of each card."""


def note_guid(identity: str, note_type: str) -> str:
    """A note's GUID: a hash of its identity and note type (Anki cannot update a note into
    another note type), in Anki's base-91 alphabet."""
    if identity.startswith(KNOWN_GUID):
        return identity.removeprefix(KNOWN_GUID)  # recovered from an earlier package
    digest = hashlib.sha256(f"notes2decks\x1f{note_type}\x1f{identity}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    guid = ""
    while number:
        number, rest = divmod(number, len(_BASE91))
        guid = _BASE91[rest] + guid
    return guid or _BASE91[0]


_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


def anki_tag(tag: str) -> str:
    """A tag as Anki stores it: no spaces (they separate tags), `::` hierarchy kept, and
    Obsidian's `/` hierarchy (`ww2/yalta`) made Anki's (`ww2::yalta`)."""
    tag = _SPACES.sub("_", tag.strip()).replace("/", "::")
    # A tag cannot start or end a level with a colon run other than the `::` separator.
    return _COLON_RUN.sub("::", tag).strip(":")


_SPACES = re.compile(r"\s+")
_COLON_RUN = re.compile(r":{3,}")


# Every card of a deck has the deck's tags and most have no others: each different list is
# cleaned and sorted once.
@functools.lru_cache(maxsize=1024)
def _tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for raw in group:
            tag = anki_tag(raw)
            # Anki compares tags without case: keep the first spelling.
            if tag and tag.casefold() not in seen:
                seen[tag.casefold()] = tag
    return tuple(sorted(seen.values(), key=lambda t: (t.casefold(), t)))


# Anki separates a note's fields with U+001F, so one inside a field would split it in two and
# Anki would refuse the whole package; the other control characters are invisible debris of
# copy and paste, and not allowed in HTML. The ones Python counts as spaces become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _field(html_text: str) -> str:
    # Control characters are never printable, and telling that is quicker than the search.
    if html_text.isprintable():
        return html_text
    return _CONTROL.sub(lambda match: " " if match.group().isspace() else "", html_text)


def _cloze_numbers(inlines: Inlines) -> set[int]:
    numbers: set[int] = set()
    for node in inlines:
        if isinstance(node, Cloze):
            numbers.add(node.number)
        if isinstance(node, Cloze | Emphasis | Strong | Link):
            numbers |= _cloze_numbers(node.children)
    return numbers


def plan_notes(
    deck: Deck,
    renderer: Renderer,
    warn: Callable[[Diagnostic], None],
    *,
    glossary_cards: str = "both",
) -> list[PlannedNote]:
    """The notes of a deck, in the order of the notes file, then removed ones, then the glossary.

    `glossary_cards` is `both` to ask each key term both ways (the definition, with the term
    hidden, asking for the term too) or `forward` for term to definition only. Images that the
    notes show are collected in `renderer.media`.
    """
    fallback_time = deck_time(deck)
    title = html.escape(deck.title, quote=False)
    source_text = html.escape(Path(deck.source.file).name, quote=False)

    # Removed cards are rendered leniently: their images may have been deleted with them.
    lenient = dataclasses.replace(renderer, strict=False)

    def card_note(card: Card, removed: bool) -> PlannedNote:
        render = lenient if removed else renderer
        extra_tags = (REMOVED_TAG,) if removed else ()
        note_type = NOTE_TYPES[card.kind.value]
        where = card.source
        # The heading the front needs to be understood, shown after the topic.
        section = render.inlines(card.section, where) if card.section else ""
        cloze = card.kind is CardKind.CLOZE
        ords = tuple(range(len(note_type.templates)))
        if cloze:
            numbers = sorted(n for n in _cloze_numbers(card.front) if n > 0)
            if not numbers:
                raise NotesError(
                    "this cloze card hides nothing; mark a span like {{c1::1924}} "
                    "or make it a basic card",
                    where.file or deck.source.file,
                    where.line,
                )
            ords = tuple(n - 1 for n in numbers)
        front = render.inlines(card.front, where, cloze_field=cloze)
        fields = (front, render.blocks(card.back, where), title, section, source_text)
        return PlannedNote(
            note_guid(card.identity, note_type.key),
            note_type,
            tuple(_field(text) for text in fields),
            _tags(deck.tags, card.tags, extra_tags),
            deck.deck_path,
            card.modified or fallback_time,
            ords,
        )

    notes = [card_note(card, removed=False) for card in _unique_cards(deck.cards, warn)]
    notes += [card_note(card, removed=True) for card in deck.removed]

    glossary_deck = f"{deck.deck_path}::{GLOSSARY_SUBDECK}"
    glossary_type = NOTE_TYPES["glossary"]
    glossary = glossary_notes(deck)
    clash = "the glossary term {!r} is also defined at line {}; " + _KEPT + "merging them"
    terms = ((key.rsplit("#", 1)[0], entry.source, entry.term) for key, entry in glossary)
    _warn_repeats(terms, clash, warn)

    def glossary_note(key: str, entry: GlossaryEntry, extra_tags: tuple[str, ...]) -> PlannedNote:
        # Formulas are kept in dollars in terms and definitions ("Work function ($\Phi$)"):
        # shown as MathJax like the cards'.
        term = renderer.inlines(split_math(entry.term), entry.source)
        definition_nodes = split_math(entry.definition)
        definition = renderer.inlines(definition_nodes, entry.source)
        hidden = mask_definition(entry.term, definition_nodes) if glossary_cards == "both" else None
        masked = renderer.inlines(hidden, entry.source).replace(MASK, MASK_HTML) if hidden else ""
        texts = (term, definition, masked, title, source_text)
        return PlannedNote(
            note_guid(key, glossary_type.key),
            glossary_type,
            tuple(_field(text.replace("\n", "<br>")) for text in texts),
            _tags(deck.tags, extra_tags),
            glossary_deck,
            entry.modified or fallback_time,
            (0, 1) if masked else (0,),
        )

    notes += [glossary_note(key, entry, ()) for key, entry in glossary]
    notes += [
        glossary_note(glossary_key(deck, entry), entry, (REMOVED_TAG,))
        for entry in deck.removed_glossary
    ]
    return _drop_repeated_guids(notes)


def deck_description(deck: Deck, renderer: Renderer, warn: Callable[[Diagnostic], None]) -> str:
    """The deck's description in Anki: the notes' introduction (the text between the title and
    the first card), or nothing. Its images go into the package like the cards'; one that
    cannot be stored shows as its alternative text, with a warning."""
    if not deck.intro:
        return ""
    try:
        return _field(renderer.blocks(deck.intro, deck.source))
    except NotesError as exc:
        warn(exc.diagnostic(deck.source.file, "warning"))
    lenient = dataclasses.replace(renderer, strict=False)
    return _field(lenient.blocks(deck.intro, deck.source))


_KEPT = "both are kept, but consider "


def _warn_repeats(
    items: Iterable[tuple[str, SourceRef, str]], clash: str, warn: Callable[[Diagnostic], None]
) -> None:
    """Warn of each (key, place, text) whose key came before, `clash` formatted with the text and
    the earlier line."""
    first: dict[str, SourceRef] = {}
    for key, where, text in items:
        if key in first:
            warn(Diagnostic(where.file, where.line, clash.format(text, first[key].line)))
        else:
            first[key] = where


def _unique_cards(cards: tuple[Card, ...], warn: Callable[[Diagnostic], None]) -> list[Card]:
    # Readers already keep same-front cards apart; this guards cards made later (auto cloze).
    clash = "the front {!r} is the same as at line {}; " + _KEPT + "telling them apart"
    fronts = ((card.identity, card.source, inline_text(card.front)) for card in cards)
    _warn_repeats(fronts, clash, warn)
    keys = disambiguate([card.identity for card in cards])
    return [
        card if key == card.identity else dataclasses.replace(card, identity=key)
        for key, card in zip(keys, cards, strict=True)
    ]


def _drop_repeated_guids(notes: list[PlannedNote]) -> list[PlannedNote]:
    # A removed card that comes back under a new front can share a GUID with a current note;
    # the current note wins.
    kept: dict[str, PlannedNote] = {}
    for note in notes:
        kept.setdefault(note.guid, note)
    return list(kept.values())
