"""Helpers for testing packages with the official Anki engine (the `anki` package)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

LOG_KINDS = (
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
)


def fresh_collection(folder: Path, name: str = "collection.anki2") -> Collection:
    """A new, empty collection in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / name))


@dataclass
class ImportLog:
    """What Anki said about one import: the note IDs per outcome."""

    counts: dict[str, int]
    notes: dict[str, list[int]]


def import_package(col: Collection, package: Path, **options: Any) -> ImportLog:
    """Import a package as Anki's import dialog does by default (options may override)."""
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(**options)
    )
    log = col.import_anki_package(request).log
    notes = {kind: [int(note.id.nid) for note in getattr(log, kind)] for kind in LOG_KINDS}
    return ImportLog({kind: len(ids) for kind, ids in notes.items()}, notes)


def body(card_html: str) -> str:
    """A rendered side without the note type's `<style>` block."""
    return card_html.split("</style>", 1)[-1]


def visible_text(card_html: str) -> str:
    """The text a reader sees on a rendered side: tags dropped, entities decoded."""
    text = re.sub(r"<[^>]+>", " ", body(card_html))
    return " ".join(html.unescape(text).split())


def notes_by_front(col: Collection) -> dict[str, Any]:
    """Every note, keyed by the plain text of its first field."""
    result: dict[str, Any] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        key = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", note.fields[0])).split())
        assert key not in result, f"two notes share the first field {key!r}"
        result[key] = note
    return result


def review_everything(col: Collection, days: int = 9) -> None:
    """Study the new cards (answering Easy), then give every card a `days`-day interval.

    Both leave review log entries, as real study does.
    """
    for _ in range(500):
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            break
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        answer = col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.EASY)
        col.sched.answer_card(answer)
    col.sched.set_due_date(list(col.find_cards("")), f"{days}!")


def schedule_snapshot(col: Collection) -> dict[int, tuple[Any, ...]]:
    """Each card's scheduling state and review log, to compare before and after an import."""
    snapshot: dict[int, tuple[Any, ...]] = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        revlog = tuple(
            tuple(row)
            for row in col.db.all(
                "select id, ease, ivl, lastIvl, factor, type from revlog where cid = ? order by id",
                cid,
            )
        )
        snapshot[int(cid)] = (card.nid, card.type, card.queue, card.ivl, card.due, revlog)
    return snapshot
