"""Reconciling a deck with its lock file: which note each card updates, when it changed, and
which cards and terms were removed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...dates import deck_time
from ...errors import Diagnostic
from ...identity import disambiguate, glossary_notes, normalise_front, note_key
from ...model import Card, Deck, GlossaryEntry, SourceRef
from . import hashing
from .hashing import CardRecord, entry_hash, inputs_record, rebuild_card, unchanged_since
from .matching import Candidate, match
from .store import LOCK_VERSION, Entry, Lock, LockState, load_lock, lock_content

# What a tombstone keeps once its card is no longer shipped: enough to continue its note.
_TOMBSTONE_KEYS = frozenset({"note", "kind", "front", "term", "time"})


def reconcile(
    deck: Deck,
    lock_path: Path,
    warn: Callable[[Diagnostic], None] = lambda _: None,
    inputs: str | None = None,
    *,
    package: Path | None = None,
) -> tuple[Deck, LockState]:
    """The deck with each card's and term's note identity and time set and its removed cards and
    terms filled in, and the lock's new content for `save_lock`. `package`, the last build's, is
    read when the lock knows nothing of the file; `inputs` (`build.cards_inputs`) lets a lock
    written from the same inputs be reused. `warn` hears of removed and kept (edited) notes."""
    # Image paths are kept relative to the notes' folder, which holds the lock's folder.
    base = lock_path.parent.parent.resolve()
    deck = _with_unique_identities(deck)
    lock = load_lock(lock_path, deck.source.file, warn)
    record = inputs_record(inputs, deck)
    same_inputs = record is not None and lock.version == LOCK_VERSION and lock.inputs == record
    dated_by_file = False
    keys = disambiguate([note_key(card.identity) for card in deck.cards])
    records = [
        (same_inputs and hashing.recorded(lock.cards.get(key), card))
        or hashing.record_card(card, deck, base)
        for card, key in zip(deck.cards, keys, strict=True)
    ]
    if lock.empty:
        legacy = lock.legacy  # an old lock with nothing in it is deleted all the same
        # Only a build that lost its lock reads a package: the reader loads the note types.
        from .recover import lock_from_package

        lock = dataclasses.replace(lock_from_package(deck, keys, records, package), legacy=legacy)
        dated_by_file = lock.empty and legacy is None
    plans, kept, gone = _plan_cards(deck, keys, records, lock, base)
    terms, gone_terms, kept_terms = _plan_terms(deck, lock)
    kept += kept_terms
    time = lock.time
    if gone or gone_terms or not all(p.same for p in plans) or not all(t.same for t in terms):
        time = max(deck_time(deck), lock.time + 1)

    removed, removed_cards = _card_tombstones(lock, plans, gone, time, base)
    glossary = {plan.key: plan.entry(time) for plan in terms}
    removed_glossary, removed_terms = _term_tombstones(lock, glossary, gone_terms, time, deck)
    removed_names = [str(gone[k].get("front", k)) for k in sorted(gone)]
    removed_names += [str(gone_terms[k].get("term", k)) for k in sorted(gone_terms)]
    messages = [
        f"{name!r} is no longer in the notes; its Anki note is tagged notes2decks::removed: "
        "find it with tag:notes2decks::removed and delete it"
        for name in removed_names
    ]
    messages += [
        f"{new!r} looks like a corrected {old!r}: the Anki note and its review history are kept"
        for old, new in kept
        if normalise_front(old) != normalise_front(new)  # else the deck moved, not the heading
    ]
    for message in messages:
        warn(Diagnostic(deck.source.file, 0, message))

    by_term = {id(plan.term): plan for plan in terms}
    result = dataclasses.replace(
        deck,
        cards=tuple(
            dataclasses.replace(plan.card, identity=plan.note, modified=plan.time(time))
            for plan in plans
        ),
        glossary=tuple(
            dataclasses.replace(e, identity=by_term[id(e)].note, modified=by_term[id(e)].time(time))
            if id(e) in by_term
            else e
            for e in deck.glossary
        ),
        removed=tuple(removed_cards),
        removed_glossary=tuple(removed_terms),
    )
    cards = {plan.key: plan.entry(time) for plan in plans}
    new_lock = Lock(LOCK_VERSION, time, record, cards, removed, glossary, removed_glossary)
    return result, LockState(lock_content(new_lock), lock.legacy, dated_by_file)


def _time_of(previous: Entry | None, same: bool, time: int) -> int:
    """An unchanged note keeps its time, so that Anki keeps the edits made to it there."""
    kept = previous.get("time") if previous is not None and same else None
    return kept if type(kept) is int else time


@dataclass(frozen=True, slots=True)
class _CardPlan:
    """What becomes of one card of the deck."""

    card: Card
    """The card, its identity as the reader gave it."""
    key: str
    """Its key in the lock (`identity.note_key`)."""
    record: CardRecord
    """Its data and hash."""
    note: str
    """The identity of the Anki note it updates."""
    previous: Entry | None
    """The lock's entry of that note, when the card had one."""
    same: bool
    """Whether the note shows what it showed when `previous` was written."""

    def time(self, time: int) -> int:
        return _time_of(self.previous, self.same, time)

    def entry(self, time: int) -> Entry:
        return {
            "card": self.record.data,
            "front": self.record.front,
            "hash": self.record.digest,
            "kind": self.card.kind.value,
            "note": self.note,
            "time": self.time(time),
        }


@dataclass(frozen=True, slots=True)
class _TermPlan:
    """What becomes of one glossary note."""

    key: str
    """The note's key in the lock (`identity.note_key` of `identity.glossary_notes`' key)."""
    term: GlossaryEntry
    """The glossary entry."""
    note: str
    """The identity of the Anki note it updates."""
    previous: Entry | None
    """The lock's entry of the note, when it had one."""
    digest: str
    """The note's hash (`hashing.entry_hash`)."""

    @property
    def same(self) -> bool:
        return self.previous is not None and self.previous.get("hash") == self.digest

    def time(self, time: int) -> int:
        return _time_of(self.previous, self.same, time)

    def entry(self, time: int) -> Entry:
        return {
            "term": self.term.term,
            "definition": self.term.definition,
            "hash": self.digest,
            "note": self.note,
            "time": self.time(time),
        }


def _with_unique_identities(deck: Deck) -> Deck:
    # Readers keep same-front cards apart (and warn); this only guards the lock's keys.
    identities = [card.identity for card in deck.cards]
    unique = disambiguate(identities)
    if unique == identities:
        return deck
    renamed = (dataclasses.replace(c, identity=k) for c, k in zip(deck.cards, unique, strict=True))
    return dataclasses.replace(deck, cards=tuple(renamed))


def _plan_cards(
    deck: Deck, keys: list[str], records: list[CardRecord], lock: Lock, base: Path
) -> tuple[list[_CardPlan], list[tuple[str, str]], dict[str, Entry]]:
    """Each card's plan; (old front, new front) of the cards that took over a vanished card's
    note; and the entries of the vanished cards whose notes no card continues."""
    current = set(keys)
    vanished = {key: entry for key, entry in lock.cards.items() if key not in current}
    takeovers = _takeovers(deck, keys, lock, vanished, base)

    plans: list[_CardPlan] = []
    kept: list[tuple[str, str]] = []
    new: list[int] = []
    for card, key, record in zip(deck.cards, keys, records, strict=True):
        previous: Entry | None = None
        if key in lock.cards:
            previous = lock.cards[key]
            note = _note_of(previous, card.identity)
        elif key in lock.removed:
            # A card that comes back continues its old note; the note changes (its tag goes).
            note = _note_of(lock.removed[key], card.identity)
        elif key in takeovers:
            previous = vanished.pop(takeovers[key])
            note = _note_of(previous, card.identity)
            kept.append((str(previous.get("front", takeovers[key])), record.front))
        else:
            new.append(len(plans))
            note = ""  # named below, once every kept note is known
        same_note = previous is not None and (
            previous.get("hash") == record.digest
            or (
                lock.version < LOCK_VERSION
                and unchanged_since(lock.version, card, record, previous, deck, base)
            )
        )
        plans.append(_CardPlan(card, key, record, note, previous, same_note))

    # New cards take their own identity as their note's, unless a kept note already has it.
    fresh = set(new)
    used = sorted({plan.note for i, plan in enumerate(plans) if i not in fresh})
    names = disambiguate([*used, *(plans[i].card.identity for i in new)])
    for i, note in zip(new, names[len(used) :], strict=True):
        plans[i] = dataclasses.replace(plans[i], note=note)
    notes = {plan.note for plan in plans}
    gone = {key: entry for key, entry in vanished.items() if _note_of(entry, key) not in notes}
    return plans, kept, gone


def _plan_terms(
    deck: Deck, lock: Lock
) -> tuple[list[_TermPlan], dict[str, Entry], list[tuple[str, str]]]:
    """Each glossary note's plan, the entries of the glossary notes that are gone, and (old
    term, new term) of the new terms that took over a vanished (corrected) term's note."""
    found = [(note_key(key), key, term) for key, term in glossary_notes(deck)]
    current = {key for key, _, _ in found}
    vanished = {key: entry for key, entry in lock.glossary.items() if key not in current}
    unknown = [
        Candidate.make(key, "glossary", term.term, term.definition)
        for key, _, term in found
        if key not in lock.glossary and key not in lock.removed_glossary
    ]
    old = [
        Candidate.make(key, "glossary", str(e.get("term", "")), str(e.get("definition", "")))
        for key, e in sorted(vanished.items())
    ]
    takeovers = match(unknown, old) if unknown and old else {}
    terms: list[_TermPlan] = []
    kept: list[tuple[str, str]] = []
    for key, identity, term in found:
        previous = lock.glossary.get(key)
        if previous is None and key in lock.removed_glossary:
            note = _note_of(lock.removed_glossary[key], identity)
        elif previous is None and key in takeovers:
            previous = vanished.pop(takeovers[key])
            note = _note_of(previous, identity)
            kept.append((str(previous.get("term", "")), term.term))
        else:
            note = _note_of(previous, identity)
        terms.append(_TermPlan(key, term, note, previous, entry_hash(term, deck)))
    return terms, vanished, kept


def _takeovers(
    deck: Deck, keys: list[str], lock: Lock, vanished: dict[str, Entry], base: Path
) -> dict[str, str]:
    """New card key to vanished card key, for cards that look like edits."""
    known = lock.cards.keys() | lock.removed.keys()
    unknown = [(k, c) for k, c in zip(keys, deck.cards, strict=True) if k not in known]
    if not unknown or not vanished:
        return {}
    rebuilt = ((key, rebuild_card(vanished[key], base)) for key in sorted(vanished))
    old = [Candidate.of(key, card) for key, card in rebuilt if card is not None]
    return match([Candidate.of(k, c) for k, c in unknown], old)


def _note_of(entry: Entry | None, default: str) -> str:
    note = entry.get("note", default) if entry is not None else default
    return note if isinstance(note, str) and note else default


def _card_tombstones(
    lock: Lock, plans: list[_CardPlan], gone: dict[str, Entry], time: int, base: Path
) -> tuple[dict[str, Entry], list[Card]]:
    """The lock's removed cards after this build, and the removed cards it ships: those removed
    by the latest change (their time is the build's), so rebuilds give the same package."""
    current = {plan.key for plan in plans}
    notes = {plan.note for plan in plans}
    tombstones = {
        key: entry
        for key, entry in lock.removed.items()
        if key not in current and _note_of(entry, key) not in notes
    }
    tombstones |= {key: {**entry, "time": time} for key, entry in gone.items()}
    shipped: list[Card] = []
    for key in sorted(tombstones):
        entry = tombstones[key]
        rebuilt = rebuild_card(entry, base) if entry.get("time") == time else None
        if rebuilt is None:
            tombstones[key] = _stub(entry)
        else:
            note = _note_of(entry, key)
            shipped.append(dataclasses.replace(rebuilt, identity=note, modified=time))
    return tombstones, shipped


def _term_tombstones(
    lock: Lock, glossary: dict[str, Entry], gone: dict[str, Entry], time: int, deck: Deck
) -> tuple[dict[str, Entry], list[GlossaryEntry]]:
    """The lock's removed glossary notes after this build, and the removed terms it ships."""
    notes = {entry.get("note") for entry in glossary.values()}
    tombstones = {
        k: v
        for k, v in lock.removed_glossary.items()
        if k not in glossary and v.get("note") not in notes
    }
    for key, entry in gone.items():
        kept = {name: entry.get(name, "") for name in ("term", "definition", "note")}
        tombstones[key] = {**kept, "time": time}
    shipped: list[GlossaryEntry] = []
    for key in sorted(tombstones):
        entry = tombstones[key]
        term = entry.get("term")
        if entry.get("time") == time and isinstance(term, str):
            definition = str(entry.get("definition", ""))
            note = _note_of(entry, "")
            source = SourceRef(deck.source.file)
            shipped.append(GlossaryEntry(term, definition, source, modified=time, identity=note))
        else:
            tombstones[key] = _stub(entry)
    return tombstones, shipped


def _stub(entry: Entry) -> Entry:
    return {k: v for k, v in entry.items() if k in _TOMBSTONE_KEYS}
