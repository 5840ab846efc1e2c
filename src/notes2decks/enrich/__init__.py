"""Enrich: what the build adds to a deck between reading and exporting.

`enrich_deck` dates the deck by its notes file, extracts its glossary, adds auto cloze notes,
and keeps its notes' identities across edits through the lock file, in that order: the lock
file must see every card an exporter will.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from ..dates import source_date
from ..errors import Diagnostic
from ..model import Deck
from ..options import BuildOptions
from ..registry import EXPORTERS
from .autocloze import add_auto_cloze
from .glossary import extract_glossary
from .lock import first_lock_warning, lock_path_for, reconcile, save_lock


def enrich_deck(
    deck: Deck,
    path: Path,
    options: BuildOptions,
    warn: Callable[[Diagnostic], None] | None = None,
    lock_dir: Path | None = None,
    inputs: str | None = None,
    package: Path | None = None,
) -> tuple[Deck, Callable[[], None] | None]:
    """The deck as the exporters get it: dated, its glossary extracted, auto cloze added, and its
    identities reconciled with the lock file. Also returns the step that saves the lock file,
    to run once every output is written, or None when no format keeps identities.

    The lock file lives beside the notes; when their folder is read-only, in `lock_dir` instead.
    `inputs` is a digest of what the cards were made of (`build.cache.cards_inputs`), for the
    lock file. `package` is where the last build's package of the notes is: when the lock file
    is lost, their notes' identities and dates are recovered from it.
    """
    deck = dataclasses.replace(deck, modified=source_date(path.stat().st_mtime))
    deck = dataclasses.replace(deck, glossary=extract_glossary(deck))
    if options.auto_cloze and deck.auto_cloze:
        deck = add_auto_cloze(deck)
    if not options.lock or not any(EXPORTERS[fmt].needs_lock for fmt in options.formats):
        return deck, None
    lock_path = lock_path_for(path)
    if lock_dir is not None and not writable_folder(path.parent):
        lock_path = lock_path_for(lock_dir / path.name)
    say = warn or _ignore
    deck, state = reconcile(deck, lock_path, say, inputs, package=package)

    def save() -> None:
        if save_lock(lock_path, state) and state.dated_by_file:
            say(first_lock_warning(deck.source.file))

    return deck, save


def _ignore(_: Diagnostic) -> None:
    pass


def writable_folder(folder: Path) -> bool:
    """True when files may be added to `folder`.

    The permission bits are checked too: root may write anywhere, but a folder that nobody may
    write to (shared, read-only notes) is not one to leave files in.
    """
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(folder, os.W_OK)
