"""`notes2decks show`: the card model of one notes file, for people or as JSON."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from .build.files import notes_root
from .enrich import enrich_deck
from .errors import Diagnostic
from .model import Deck, block_lines, inline_text
from .options import BuildOptions
from .readers import read_notes
from .serialize import deck_to_json


def load_deck(
    path: Path, *, auto_cloze: bool = True, warn: Callable[[Diagnostic], None] | None = None
) -> Deck:
    """The deck as the build hands it to exporters, less the lock file's identity mapping."""
    deck = read_notes(
        path, root=notes_root(path), file=str(path), warn=warn or (lambda _: None), folders=()
    )
    return enrich_deck(deck, path, BuildOptions(auto_cloze=auto_cloze, lock=False))[0]


def show_deck(
    path: Path, *, as_json: bool, auto_cloze: bool, warn: Callable[[Diagnostic], None]
) -> str:
    """The deck parsed from `path`, as JSON or as an indented outline."""
    deck = load_deck(path, auto_cloze=auto_cloze, warn=warn)
    return deck_to_json(deck, base=path.resolve().parent) if as_json else outline(deck)


def outline(deck: Deck) -> str:
    """A readable outline of a deck: its cards with their facts, then its glossary."""
    lines = [
        deck.title,
        f"  deck {deck.deck_path!r}, read as {deck.reader}, {len(deck.cards)} cards, "
        f"{len(deck.glossary)} glossary terms",
    ]
    if deck.subject:
        lines.append(f"  subject {deck.subject}")
    if deck.tags:
        lines.append(f"  tags {' '.join(deck.tags)}")
    for number, card in enumerate(deck.cards, start=1):
        tags = f"  [{' '.join(card.tags)}]" if card.tags else ""
        front = f"{card.kind.value}: {inline_text(card.front)}  ({card.source}){tags}"
        lines += ["", f"{number}. {front}"]
        if card.section:
            # What the card shows above its front, besides the topic.
            lines.append(f"   section: {inline_text(card.section)}")
        for fact in block_lines(card.back):
            wrapped = textwrap.wrap(fact, 96, initial_indent="   - ", subsequent_indent="     ")
            lines.extend(wrapped or ["   -"])
    if deck.glossary:
        lines.extend(["", "Glossary"])
        for entry in deck.glossary:
            lines.append(f"  {entry.term} ({entry.kind.value}, {entry.source})")
            lines.extend(
                textwrap.wrap(entry.definition, 96, initial_indent="    ", subsequent_indent="    ")
            )
    return "\n".join(lines) + "\n"
