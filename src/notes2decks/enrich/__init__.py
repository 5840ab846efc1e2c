"""Enrich: what the build adds to a deck between reading and exporting: its date, glossary and
auto cloze notes, then its notes' identities kept through the lock file, which must see every
card an exporter will."""

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
    warn: Callable[[Diagnostic], None] = lambda _: None,
    lock_dir: Path | None = None,
    inputs: str | None = None,
    package: Path | None = None,
) -> tuple[Deck, Callable[[], None] | None]:
    """The deck as the exporters get it, and the step that saves the lock file once every output
    is written (None when no format keeps identities). The lock file is beside the notes, or in
    `lock_dir` when their folder is read-only; `inputs` digests what the cards were made of
    (`build.cache.cards_inputs`); a lost lock file is recovered from `package`, the last build's.
    """
    deck = dataclasses.replace(deck, modified=source_date(path.stat().st_mtime))
    deck = dataclasses.replace(deck, glossary=extract_glossary(deck))
    if options.auto_cloze and deck.auto_cloze:
        deck = add_auto_cloze(deck)
    if not options.lock or not any(EXPORTERS[fmt].needs_lock for fmt in options.formats):
        return deck, None
    aside = lock_dir is not None and not writable_folder(path.parent)
    lock_path = lock_path_for(lock_dir / path.name if lock_dir and aside else path)
    deck, state = reconcile(deck, lock_path, warn, inputs, package=package)

    def save() -> None:
        if save_lock(lock_path, state) and state.dated_by_file:
            warn(first_lock_warning(deck.source.file, lock_path.parent if aside else None))

    return deck, save


def writable_folder(folder: Path) -> bool:
    """True when files may be added to `folder` and its permission bits allow it: root may write
    anywhere, but a read-only folder of notes is no place to leave files."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(folder, os.W_OK)
