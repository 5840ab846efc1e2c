"""Reconciling a deck with its lock file: which note each card updates, when it changed, and
which cards and terms were removed.

`reconcile` runs a few steps, each handing plain data to the next: each card's record (its
data and hash), its plan (its note, its previous entry, whether it changed), the build's clock
(generation and time), then the new entries, the tombstones and the removed cards and terms.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...dates import deck_time
from ...errors import Diagnostic
from ...identity import disambiguate, glossary_notes, normalise_front
from ...model import Card, Deck, GlossaryEntry, SourceRef
from . import hashing
from .hashing import CardRecord, entry_hash, inputs_record, rebuild_card, unchanged_since
from .matching import Candidate, match
from .store import LOCK_VERSION, Entry, Lock, LockState, load_lock, lock_content

# What a tombstone keeps once its card is no longer shipped: enough to continue its note.
_TOMBSTONE_KEYS = frozenset({"note", "kind", "front", "term", "time", "generation"})


def _silent(_: Diagnostic) -> None:
    pass


def reconcile(
    deck: Deck,
    lock_path: Path,
    warn: Callable[[Diagnostic], None] = _silent,
    inputs: str | None = None,
) -> tuple[Deck, LockState]:
    """Keep note identities across edits, and time and collect changes, using the lock file.

    Returns the deck with each card's identity (the key of its Anki note) and modification time
    set, the cards and glossary entries removed since the last build in `Deck.removed` and
    `Deck.removed_glossary`, and the lock's new content for `save_lock`. `warn` hears which
    cards were removed and which kept their note across an edit: pass the build's warnings.

    `inputs`, when given, is a digest of everything the deck's cards were made of besides the
    deck's title, tags and path (see `build.cards_inputs`): the notes' text, the options and the
    code that read them. When the lock was written from the same inputs, its entries hold
    exactly what recording the cards again would give, and are taken as they are.
    """
    lock_path = Path(lock_path)
    base = lock_path.parent.resolve()
    deck = _with_unique_identities(deck)
    lock = load_lock(lock_path, deck.source.file, warn)
    record = inputs_record(inputs, deck)
    same_inputs = record is not None and lock.version == LOCK_VERSION and lock.inputs == record
    records = [
        (same_inputs and hashing.recorded(lock.cards.get(card.identity), card))
        or hashing.record_card(card, deck, base)
        for card in deck.cards
    ]
    plans, kept, gone = _plan_cards(deck, records, lock, base)
    terms, gone_terms = _plan_terms(deck, lock)
    clock = _Clock(lock.generation, lock.time)
    if gone or gone_terms or not all(p.same for p in plans) or not all(t.same for t in terms):
        clock = _Clock(lock.generation + 1, max(deck_time(deck), lock.time + 1))

    removed, removed_cards = _card_tombstones(lock, plans, gone, clock, base)
    glossary = {plan.key: plan.entry(clock) for plan in terms}
    removed_glossary, removed_terms = _term_tombstones(lock, glossary, gone_terms, clock, deck)
    removed_names = [str(gone[k].get("front", k)) for k in sorted(gone)]
    removed_names += [str(gone_terms[k].get("term", k)) for k in sorted(gone_terms)]
    _report(deck.source.file, removed_names, kept, warn)

    times = {id(plan.term): plan.time(clock) for plan in terms}
    result = dataclasses.replace(
        deck,
        cards=tuple(
            dataclasses.replace(plan.card, identity=plan.note, modified=plan.time(clock))
            for plan in plans
        ),
        glossary=tuple(
            dataclasses.replace(e, modified=times[id(e)]) if id(e) in times else e
            for e in deck.glossary
        ),
        removed=tuple(removed_cards),
        removed_glossary=tuple(removed_terms),
    )
    new_lock = Lock(
        generation=clock.generation,
        time=clock.time,
        inputs=record,
        cards={plan.card.identity: plan.entry(clock) for plan in plans},
        removed=removed,
        glossary=glossary,
        removed_glossary=removed_glossary,
    )
    content = lock_content(new_lock)
    return result, LockState(content, clock.generation, tuple(removed_names), tuple(kept))


@dataclass(frozen=True, slots=True)
class _Clock:
    """The build's place in the lock's history."""

    generation: int
    """The lock's generation after this build."""
    time: int
    """The time of what this build changed: later than any the lock handed out before."""


def _time_of(previous: Entry | None, same: bool, clock: _Clock) -> int:
    """An unchanged note keeps its time, so that Anki keeps the edits made to it there."""
    time = previous.get("time") if previous is not None and same else None
    return time if type(time) is int else clock.time


@dataclass(frozen=True, slots=True)
class _CardPlan:
    """What becomes of one card of the deck."""

    card: Card
    """The card, its identity its key in the lock."""
    record: CardRecord
    """Its data and hash."""
    note: str
    """The identity of the Anki note it updates."""
    previous: Entry | None
    """The lock's entry of that note, when the card had one."""
    same: bool
    """Whether the note shows what it showed when `previous` was written."""

    def time(self, clock: _Clock) -> int:
        return _time_of(self.previous, self.same, clock)

    def entry(self, clock: _Clock) -> Entry:
        entry: Entry = {
            "card": self.record.data,
            "front": self.record.front,
            "hash": self.record.digest,
            "kind": self.card.kind.value,
            "time": self.time(clock),
        }
        if self.note != self.card.identity:
            entry["note"] = self.note
        return entry


@dataclass(frozen=True, slots=True)
class _TermPlan:
    """What becomes of one glossary note."""

    key: str
    """The note's key (`identity.glossary_notes`)."""
    term: GlossaryEntry
    """The glossary entry."""
    previous: Entry | None
    """The lock's entry of the note, when it had one."""
    digest: str
    """The note's hash (`hashing.entry_hash`)."""

    @property
    def same(self) -> bool:
        return self.previous is not None and self.previous.get("hash") == self.digest

    def time(self, clock: _Clock) -> int:
        return _time_of(self.previous, self.same, clock)

    def entry(self, clock: _Clock) -> Entry:
        term = self.term
        return {
            "term": term.term,
            "definition": term.definition,
            "hash": self.digest,
            "time": self.time(clock),
        }


def _with_unique_identities(deck: Deck) -> Deck:
    # Readers keep same-front cards apart (and warn); this only guards the lock's keys.
    identities = [card.identity for card in deck.cards]
    unique = disambiguate(identities)
    if unique == identities:
        return deck
    cards = tuple(
        dataclasses.replace(c, identity=k) for c, k in zip(deck.cards, unique, strict=True)
    )
    return dataclasses.replace(deck, cards=cards)


def _plan_cards(
    deck: Deck, records: list[CardRecord], lock: Lock, base: Path
) -> tuple[list[_CardPlan], list[tuple[str, str]], dict[str, Entry]]:
    """Each card's plan; (old front, new front) of the cards that took over a vanished card's
    note; and the entries of the vanished cards whose notes no card continues."""
    current = {card.identity for card in deck.cards}
    vanished = {key: entry for key, entry in lock.cards.items() if key not in current}
    takeovers = _takeovers(deck, lock, vanished, base)

    plans: list[_CardPlan] = []
    kept: list[tuple[str, str]] = []
    new: list[int] = []
    for card, record in zip(deck.cards, records, strict=True):
        key = card.identity
        previous: Entry | None = None
        if key in lock.cards:
            previous, note = lock.cards[key], _note_of(lock.cards[key], key)
        elif key in lock.removed:
            # A card that comes back continues its old note; the note changes (its tag goes).
            note = _note_of(lock.removed[key], key)
        elif key in takeovers:
            previous = vanished.pop(takeovers[key])
            note = _note_of(previous, takeovers[key])
            kept.append((str(previous.get("front", takeovers[key])), record.front))
        else:
            new.append(len(plans))
            note = ""  # named below, once every kept note is known
        same_note = previous is not None and _unchanged(card, record, previous, lock, deck, base)
        plans.append(_CardPlan(card, record, note, previous, same_note))

    # New cards take their own identity as their note's, unless a kept note already has it.
    fresh = set(new)
    used = sorted({plan.note for i, plan in enumerate(plans) if i not in fresh})
    names = disambiguate([*used, *(plans[i].card.identity for i in new)])
    for i, note in zip(new, names[len(used) :], strict=True):
        plans[i] = dataclasses.replace(plans[i], note=note)
    notes = {plan.note for plan in plans}
    gone = {key: entry for key, entry in vanished.items() if _note_of(entry, key) not in notes}
    return plans, kept, gone


def _unchanged(
    card: Card, record: CardRecord, previous: Entry, lock: Lock, deck: Deck, base: Path
) -> bool:
    """Whether the card shows what it showed when its lock entry was written."""
    if previous.get("hash") == record.digest:
        return True
    older = lock.version < LOCK_VERSION
    return older and unchanged_since(lock.version, card, record, previous, deck, base)


def _plan_terms(deck: Deck, lock: Lock) -> tuple[list[_TermPlan], dict[str, Entry]]:
    """Each glossary note's plan, and the entries of the glossary notes that are gone."""
    terms = [
        _TermPlan(key, term, lock.glossary.get(key), entry_hash(term, deck))
        for key, term in glossary_notes(deck)
    ]
    keys = {plan.key for plan in terms}
    return terms, {key: entry for key, entry in lock.glossary.items() if key not in keys}


def _takeovers(deck: Deck, lock: Lock, vanished: dict[str, Entry], base: Path) -> dict[str, str]:
    """New card identity to vanished card identity, for cards that look like edits."""
    known = lock.cards.keys() | lock.removed.keys()
    unknown = [c for c in deck.cards if c.identity not in known]
    if not unknown or not vanished:
        return {}
    old: list[Candidate] = []
    for key in sorted(vanished):
        rebuilt = rebuild_card(vanished[key], base)
        if rebuilt is not None:
            old.append(Candidate.of(key, rebuilt))
    return match([Candidate.of(c.identity, c) for c in unknown], old)


def _note_of(entry: Entry, key: str) -> str:
    note = entry.get("note", key)
    return note if isinstance(note, str) and note else key


def _card_tombstones(
    lock: Lock, plans: list[_CardPlan], gone: dict[str, Entry], clock: _Clock, base: Path
) -> tuple[dict[str, Entry], list[Card]]:
    """The lock's removed cards after this build, and the removed cards it ships.

    A removed card is shipped, tagged removed, with every build of the change that removed it
    (so that rebuilding the same notes gives the same package); after that a stub is enough.
    """
    current = {plan.card.identity for plan in plans}
    notes = {plan.note for plan in plans}
    tombstones = {
        key: entry
        for key, entry in lock.removed.items()
        if key not in current and _note_of(entry, key) not in notes
    }
    for key, entry in gone.items():
        tombstones[key] = {**entry, "time": clock.time, "generation": clock.generation}
    shipped: list[Card] = []
    for key in sorted(tombstones):
        entry = tombstones[key]
        time = entry.get("time")
        rebuilt = rebuild_card(entry, base) if entry.get("generation") == clock.generation else None
        if rebuilt is None or type(time) is not int:
            tombstones[key] = _stub(entry)
        else:
            shipped.append(
                dataclasses.replace(rebuilt, identity=_note_of(entry, key), modified=time)
            )
    return tombstones, shipped


def _term_tombstones(
    lock: Lock,
    glossary: dict[str, Entry],
    gone: dict[str, Entry],
    clock: _Clock,
    deck: Deck,
) -> tuple[dict[str, Entry], list[GlossaryEntry]]:
    """The lock's removed glossary notes after this build, and the removed terms it ships."""
    tombstones = {k: v for k, v in lock.removed_glossary.items() if k not in glossary}
    for key, entry in gone.items():
        tombstones[key] = {
            "term": entry.get("term", ""),
            "definition": entry.get("definition", ""),
            "time": clock.time,
            "generation": clock.generation,
        }
    shipped: list[GlossaryEntry] = []
    for key in sorted(tombstones):
        entry = tombstones[key]
        term, time = entry.get("term"), entry.get("time")
        if entry.get("generation") == clock.generation and isinstance(term, str):
            definition = str(entry.get("definition", ""))
            modified = time if type(time) is int else clock.time
            shipped.append(
                GlossaryEntry(term, definition, SourceRef(deck.source.file), modified=modified)
            )
        else:
            tombstones[key] = _stub(entry)
    return tombstones, shipped


def _stub(entry: Entry) -> Entry:
    return {k: v for k, v in entry.items() if k in _TOMBSTONE_KEYS}


def _report(
    file: str,
    removed: list[str],
    kept: list[tuple[str, str]],
    warn: Callable[[Diagnostic], None],
) -> None:
    for name in removed:
        warn(
            Diagnostic(
                file,
                0,
                f"{name!r} is no longer in the notes; its Anki note is tagged "
                "notes2decks::removed: find it with tag:notes2decks::removed and delete it",
            )
        )
    for old_front, new_front in kept:
        if normalise_front(old_front) == normalise_front(new_front):
            continue  # the deck moved; the heading did not change
        warn(
            Diagnostic(
                file,
                0,
                f"{new_front!r} looks like a corrected {old_front!r}: the Anki note and its "
                "review history are kept",
            )
        )
