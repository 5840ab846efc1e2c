"""Anki packages (.apkg) that update the notes already in a collection instead of duplicating them:
`notes` plans the notes (their HTML from `html`), `notetypes` defines their note types,
`collection` writes them into a collection and `package` zips it with the images. No genanki
`Package` (it leaks a temporary file, stamps notes with the clock and does not compress).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from ...atomic import atomic_path
from ...errors import Diagnostic, NotesError
from ...model import Deck
from ...options import BuildOptions
from .collection import collection_bytes
from .html import Renderer
from .notes import deck_description, plan_notes
from .package import write_package

__all__ = ["export_apkg"]


def export_apkg(
    deck: Deck, dest: Path, options: BuildOptions, warn: Callable[[Diagnostic], None]
) -> None:
    """Write the deck as an Anki package at `dest`, atomically."""
    renderer = Renderer()
    notes = plan_notes(deck, renderer, warn, glossary_cards=options.glossary_cards)
    if not notes:
        warn(Diagnostic(deck.source.file, 0, "no cards to put in the Anki deck"))
    try:
        collection = collection_bytes(notes, deck, deck_description(deck, renderer, warn))
    except sqlite3.Error as exc:
        raise NotesError(f"could not write the Anki collection: {exc}", deck.source.file) from None
    try:
        with atomic_path(Path(dest), durable=False) as tmp:
            write_package(collection, renderer.media.files, tmp)
    except OSError as exc:
        raise NotesError(f"cannot write {dest}: {exc.strerror}", deck.source.file) from None
