"""The one source date of a build, SOURCE_DATE_EPOCH when set, which every dated output asks
for, so that one variable makes every byte of a build repeatable."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Deck


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as a number of seconds, or None when it is unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def source_date(default: float) -> int:
    """SOURCE_DATE_EPOCH when set, else `default` (such as a notes file's modification time)."""
    epoch = source_date_epoch()
    return int(default) if epoch is None else epoch


def deck_time(deck: Deck) -> int:
    """The notes' time: SOURCE_DATE_EPOCH when set, else the notes file's modification time."""
    return source_date(deck.modified)
