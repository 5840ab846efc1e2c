"""The lock file: identities kept across edits, change times, and removed cards."""

from __future__ import annotations

import dataclasses
import difflib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anki_support import (
    fresh_collection,
    import_package,
    notes_by_front,
    review_everything,
    schedule_snapshot,
)
from helpers import FIXTURES
from notes2decks.build import build
from notes2decks.enrich import enrich_deck
from notes2decks.enrich.lock import (
    LOCK_VERSION,
    hashing,
    legacy_lock_path,
    lock_path_for,
    reconcile,
    save_lock,
)
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.identity import card_identity, note_key
from notes2decks.model import (
    Align,
    BulletList,
    Card,
    CardKind,
    Cloze,
    Code,
    CodeBlock,
    Deck,
    Emphasis,
    GlossaryEntry,
    Heading,
    Image,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Paragraph,
    SourceRef,
    Strong,
    Table,
    Text,
    ThematicBreak,
    inline_text,
)
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes
from notes2decks.serialize import from_data, to_data

DECK_PATH = "History::Russia"
T0 = 1_700_000_000


def card(front: str, *facts: str, kind: CardKind = CardKind.REVISION, line: int = 1) -> Card:
    return Card(
        kind,
        (Text(front),),
        tuple(Paragraph((Text(f),), line + 1 + i) for i, f in enumerate(facts)),
        SourceRef("russia.txt", line),
        card_identity(DECK_PATH, kind.value, front),
        ("people::stalin",),
    )


def deck(*cards: Card, modified: int = T0, glossary: tuple[GlossaryEntry, ...] = ()) -> Deck:
    return Deck(
        "Power struggle",
        DECK_PATH,
        SourceRef("russia.txt"),
        cards,
        glossary,
        modified=modified,
    )


def term(name: str, definition: str) -> GlossaryEntry:
    return GlossaryEntry(name, definition, SourceRef("russia.txt", 30))


SECTIONS = ("cards", "removed", "glossary", "removed_glossary")


def lock_data(lock: Path) -> dict[str, Any]:
    """What a lock file holds: its header, its entries by section, its inputs line, and the
    latest time its entries hold."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    data: dict[str, Any] = {"header": json.loads(lines[0]), "inputs": None}
    data.update({section: {} for section in SECTIONS})
    for line in lines[1:]:
        section, key, value = json.loads(line)
        if section == "inputs":
            data["inputs"] = value
        else:
            data[section][key] = value
    times = [e["time"] for section in SECTIONS for e in data[section].values()]
    data["time"] = max(times, default=0)
    return data


class Builds:
    """Runs reconcile and save_lock as the build does, collecting warnings."""

    def __init__(self, folder: Path) -> None:
        self.notes = folder / "russia.txt"
        self.lock = lock_path_for(self.notes)
        self.lock.parent.mkdir(exist_ok=True)
        self.warnings: list[Diagnostic] = []

    def run(self, notes: Deck) -> Deck:
        self.warnings.clear()
        result, state = reconcile(notes, self.lock, self.warnings.append)
        save_lock(self.lock, state)
        return result

    def messages(self) -> str:
        return " / ".join(w.message for w in self.warnings)


FACTS = ("Willing to play dirty", "Spread rumours about Bukharin")


def base_cards() -> list[Card]:
    return [
        card("Stalins Personal Charactristics", *FACTS, line=1),
        card("Importance of Party Organization", "Packed the Congress", line=5),
        card("When did Lenin die?", "January 1924", kind=CardKind.BASIC, line=9),
    ]


def test_the_lock_is_a_visible_file_in_a_folder_beside_the_notes() -> None:
    assert lock_path_for(Path("notes/russia.md")) == Path("notes/notes2decks-lock/russia.md.lock")
    assert legacy_lock_path(lock_path_for(Path("notes/russia.md"))) == Path(
        "notes/.russia.md.notes2decks.lock"
    )


def test_first_build_times_every_card_and_rebuilds_change_nothing(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    assert [c.modified for c in first.cards] == [T0] * 3
    assert [c.identity for c in first.cards] == [c.identity for c in base_cards()]
    assert first.removed == ()
    data = lock_data(builds.lock)
    assert data["header"] == {"format": "notes2decks-lock", "version": LOCK_VERSION}
    assert sorted(data["cards"]) == sorted(note_key(c.identity) for c in base_cards())

    stat = builds.lock.stat()
    text = builds.lock.read_text()
    # A later build of the same notes, even with a newer file time, keeps every time.
    again = builds.run(deck(*base_cards(), modified=T0 + 500))
    assert again.cards == first.cards
    assert builds.lock.read_text() == text
    assert builds.lock.stat().st_mtime_ns == stat.st_mtime_ns  # not even rewritten
    assert builds.warnings == []


def test_only_changed_cards_get_a_new_time(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.run(deck(*base_cards()))
    edited = base_cards()
    edited[1] = card("Importance of Party Organization", "Packed the Congress with delegates")
    result = builds.run(deck(*edited, modified=T0 + 60))
    assert [c.modified for c in result.cards] == [T0, T0 + 60, T0]


def test_changes_are_always_newer_even_when_the_file_time_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a fixed SOURCE_DATE_EPOCH (or a file time gone backwards), a change must still be
    # newer than what Anki already has, or Anki ignores it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards(), modified=T0 + 999))
    assert {c.modified for c in first.cards} == {T0}
    edited = base_cards()
    edited[2] = card("When did Lenin die?", "21 January 1924", kind=CardKind.BASIC)
    second = builds.run(deck(*edited, modified=T0 + 999))
    assert [c.modified for c in second.cards] == [T0, T0, T0 + 1]
    edited[2] = card("When did Lenin die?", "21 January 1924, in Gorki", kind=CardKind.BASIC)
    third = builds.run(deck(*edited))
    assert [c.modified for c in third.cards] == [T0, T0, T0 + 2]


def test_a_corrected_heading_keeps_its_note(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    fixed = base_cards()
    fixed[0] = card("Stalin's Personal Characteristics", *FACTS)
    second = builds.run(deck(*fixed, modified=T0 + 10))
    assert second.cards[0].identity == first.cards[0].identity
    assert second.cards[0].modified == T0 + 10  # the front changed, so the note must update
    assert second.removed == ()
    assert "looks like a corrected 'Stalins Personal Charactristics'" in builds.messages()
    # The next build remembers the mapping without a warning.
    third = builds.run(deck(*fixed, modified=T0 + 20))
    assert third.cards == second.cards
    assert builds.warnings == []


def test_a_corrected_heading_with_a_small_back_edit_keeps_its_note(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    fixed = base_cards()
    fixed[0] = card("Stalin's Personal Characteristics", FACTS[0], FACTS[1] + ".")
    assert builds.run(deck(*fixed)).cards[0].identity == first.cards[0].identity


def test_a_new_heading_over_a_different_back_is_a_new_note(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    changed = base_cards()
    # A one-letter heading change, but the card now says something else entirely.
    changed[0] = card("Stalins Personal Characteristics", "Ruthless", "Patient", "Bureaucratic")
    second = builds.run(deck(*changed, modified=T0 + 5))
    assert second.cards[0].identity == changed[0].identity != first.cards[0].identity
    assert [c.identity for c in second.removed] == [first.cards[0].identity]


def test_one_vanished_note_goes_to_one_card_only(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    twins = [
        card("Stalins Personal Characteristics", *FACTS),
        card("Stalin's Personal Charactristic", *FACTS),
        *base_cards()[1:],
    ]
    second = builds.run(deck(*twins))
    identities = [c.identity for c in second.cards]
    assert identities.count(first.cards[0].identity) == 1
    assert len(set(identities)) == len(identities)


def test_a_new_card_never_shares_a_note_with_a_renamed_one(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    cards = base_cards()
    cards[0] = card("Stalin's Personal Characteristics", *FACTS)
    builds.run(deck(*cards))
    # The old misspelt heading comes back as a card of its own.
    cards.append(card("Stalins Personal Charactristics", "Something new", line=20))
    third = builds.run(deck(*cards))
    identities = [c.identity for c in third.cards]
    assert identities[0] == first.cards[0].identity
    assert identities[-1] == first.cards[0].identity + "#2"


def test_removed_cards_are_reported_rebuilt_and_shipped_until_the_next_change(
    tmp_path: Path,
) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    gone = first.cards[2]
    second = builds.run(deck(*base_cards()[:2], modified=T0 + 30))
    assert len(second.removed) == 1
    removed = second.removed[0]
    assert (removed.kind, removed.front, removed.back, removed.tags) == (
        gone.kind,
        gone.front,
        gone.back,
        gone.tags,
    )
    assert removed.identity == gone.identity
    assert removed.modified == T0 + 30  # newer, so the removed tag reaches Anki
    assert "'When did Lenin die?' is no longer in the notes" in builds.messages()

    # Rebuilding the same notes ships the same removed card again, without a new report.
    third = builds.run(deck(*base_cards()[:2], modified=T0 + 40))
    assert third.removed == second.removed
    assert builds.warnings == []

    # The next change moves on: the removed card is no longer shipped, and the lock slims it.
    edited = [base_cards()[0], card("Importance of Party Organization", "Packed it")]
    fourth = builds.run(deck(*edited, modified=T0 + 50))
    assert fourth.removed == ()
    tombstone = lock_data(builds.lock)["removed"][note_key(gone.identity)]
    assert "card" not in tombstone

    # A card that comes back continues its note, and is newer than its removal.
    back = builds.run(deck(*edited, base_cards()[2], modified=T0 + 50))
    assert back.cards[2].identity == gone.identity
    assert back.cards[2].modified > T0 + 50
    assert note_key(gone.identity) not in lock_data(builds.lock)["removed"]


def test_the_lock_holds_one_card_a_line_in_key_order(tmp_path: Path) -> None:
    # So that a diff, or a merge of two people's builds, touches only the cards that changed.
    builds = Builds(tmp_path)
    builds.run(deck(*base_cards(), glossary=(term("NEP", "New Economic Policy"),)))
    lines = builds.lock.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "notes2decks-lock", "version": LOCK_VERSION}
    assert lines[1:] == sorted(lines[1:])
    entries = [json.loads(line) for line in lines[1:]]
    assert all(len(entry) == 3 for entry in entries)
    assert [e[1] for e in entries if e[0] == "cards"] == sorted(
        note_key(c.identity) for c in base_cards()
    )
    assert [e[1] for e in entries if e[0] == "glossary"] == ["glossary/nep"]


def damage_line(text: str, old: str, new: str) -> tuple[str, int]:
    """The lock text with `old` replaced on its one line, and that line's number."""
    lines = text.splitlines(keepends=True)
    (number,) = [n for n, line in enumerate(lines, 1) if old in line]
    lines[number - 1] = lines[number - 1].replace(old, new)
    return "".join(lines), number


def test_a_damaged_line_costs_only_the_card_on_it(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    text = builds.lock.read_text()
    damaged, line = damage_line(text, '"text":"January 1924"', '"text":"January 1924')
    builds.lock.write_text(damaged)
    again = builds.run(deck(*base_cards(), modified=T0 + 30))
    assert f"is damaged (line {line}); the rest of it is used" in builds.messages()
    # Every card keeps its note; only the damaged entry's card is sent to Anki again.
    assert [c.identity for c in again.cards] == [c.identity for c in first.cards]
    assert [c.modified for c in again.cards] == [T0, T0, T0 + 30]
    assert lock_data(builds.lock)["time"] == T0 + 30
    assert builds.run(deck(*base_cards(), modified=T0 + 30)) == again
    assert builds.warnings == []


def test_a_damaged_lock_keeps_the_notes_of_a_corrected_heading_on_other_lines(
    tmp_path: Path,
) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    damaged, _ = damage_line(builds.lock.read_text(), '"text":"January 1924"', '"text":[')
    builds.lock.write_text(damaged)
    fixed = base_cards()
    fixed[0] = card("Stalin's Personal Characteristics", *FACTS)
    second = builds.run(deck(*fixed, modified=T0 + 10))
    assert "is damaged" in builds.messages()
    assert second.cards[0].identity == first.cards[0].identity
    # The card whose entry was damaged is sent to Anki again; the others keep their times.
    assert [c.modified for c in second.cards] == [T0 + 10, T0, T0 + 10]


def conflicted(ours: str, theirs: str) -> str:
    """The lock as git leaves it after a merge whose two sides both rebuilt the notes."""
    a, b = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    merged: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            merged += a[i1:i2]
        else:
            merged += ["<<<<<<< ours\n", *a[i1:i2], "=======\n", *b[j1:j2], ">>>>>>> theirs\n"]
    return "".join(merged)


def test_a_lock_with_merge_conflicts_keeps_both_sides_notes(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    first = builds.run(deck(*base_cards()))
    base_text = builds.lock.read_text()
    # Ours corrects a heading; theirs edits another card's back.
    ours_cards = base_cards()
    ours_cards[0] = card("Stalin's Personal Characteristics", *FACTS)
    builds.run(deck(*ours_cards, modified=T0 + 10))
    ours = builds.lock.read_text()
    builds.lock.write_text(base_text)
    theirs_cards = base_cards()
    theirs_cards[2] = card("When did Lenin die?", "21 January 1924", kind=CardKind.BASIC)
    builds.run(deck(*theirs_cards, modified=T0 + 20))
    builds.lock.write_text(conflicted(ours, builds.lock.read_text()))

    merged = [ours_cards[0], ours_cards[1], theirs_cards[2]]
    result = builds.run(deck(*merged, modified=T0 + 5))
    assert "is damaged" not in builds.messages()  # both sides' lines are read
    assert [c.identity for c in result.cards] == [c.identity for c in first.cards]
    # Each card keeps the time of the side that changed it.
    assert [c.modified for c in result.cards] == [T0 + 10, T0, T0 + 20]
    assert result.removed == ()
    assert lock_data(builds.lock)["time"] == T0 + 20
    assert builds.run(deck(*merged, modified=T0 + 5)) == result
    assert builds.warnings == []


def test_a_damaged_lock_warns_and_starts_again(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.lock.write_text("{ not json")
    result = builds.run(deck(*base_cards()))
    assert "is not a notes2decks lock file; starting a new one" in builds.messages()
    assert [c.modified for c in result.cards] == [T0] * 3
    assert len(lock_data(builds.lock)["cards"]) == 3

    builds.lock.write_text(json.dumps({"something": "else"}))
    builds.run(deck(*base_cards()))
    assert "is not a notes2decks lock file" in builds.messages()

    builds.lock.write_bytes(b"\xff\xfe")
    builds.run(deck(*base_cards()))
    assert "is not a notes2decks lock file" in builds.messages()

    # An old hidden lock of the wrong shape.
    builds.lock.unlink()
    legacy = legacy_lock_path(builds.lock)
    legacy.write_text(json.dumps({"format": "notes2decks-lock", "version": 2, "cards": []}))
    builds.run(deck(*base_cards()))
    assert "is damaged; starting a new one" in builds.messages()


def test_glossary_notes_are_timed_and_removed_like_cards(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    terms = (term("Politburo", "Ruling committee"), term("NEP", "New Economic Policy"))
    first = builds.run(deck(*base_cards(), glossary=terms))
    assert [e.modified for e in first.glossary] == [T0, T0]
    changed = (term("Politburo", "The party's ruling committee"),)
    second = builds.run(deck(*base_cards(), glossary=changed, modified=T0 + 7))
    assert [e.modified for e in second.glossary] == [T0 + 7]
    assert [(e.term, e.definition) for e in second.removed_glossary] == [
        ("NEP", "New Economic Policy")
    ]
    assert second.removed_glossary[0].modified == T0 + 7
    # Entries taken from a card make no note, so the lock does not track them.
    taken = (
        term("Politburo", "The party's ruling committee"),
        dataclasses.replace(term("X", "y"), card="k"),
    )
    third = builds.run(deck(*base_cards(), glossary=taken, modified=T0 + 7))
    assert third.glossary[1].modified == 0
    assert "x" not in " ".join(lock_data(builds.lock)["glossary"])


def test_a_lock_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    builds.lock.write_text(json.dumps({"format": "notes2decks-lock", "version": LOCK_VERSION + 1}))
    with pytest.raises(NotesError, match="newer notes2decks"):
        builds.run(deck(*base_cards()))
    builds.lock.unlink()
    legacy_lock_path(builds.lock).write_text(
        json.dumps({"format": "notes2decks-lock", "version": 4})
    )
    with pytest.raises(NotesError, match="newer notes2decks"):
        builds.run(deck(*base_cards()))


def test_card_data_round_trips_through_the_lock(tmp_path: Path) -> None:
    image = Image("img/a.png", tmp_path / "img" / "a.png", "alt")
    rich = Card(
        CardKind.CLOZE,
        (Text("x "), Cloze(2, (Strong((Math("a}}b"),)),), "hint"), Emphasis((Code("c"),))),
        (
            Paragraph((image, LineBreak(), Link("https://a.b", (Text("l"),))), 3),
            BulletList((ListItem((Paragraph((Text("i"),)),)),), ordered=True, start=3),
            Heading(4, (Text("h"),)),
            CodeBlock("code\n", "py"),
            MathBlock("\\sum"),
            Table(((Text("a"),),), (((Text("b"),),),), (Align.CENTER,)),
            ThematicBreak(),
        ),
        SourceRef("russia.txt", 2),
        "id",
        ("t",),
        continued=True,
    )
    assert from_data(to_data(rich, tmp_path), tmp_path) == rich


def test_repeated_identities_get_separate_lock_entries(tmp_path: Path) -> None:
    builds = Builds(tmp_path)
    twice = [card("Same", "one"), card("Same", "two", line=5)]
    result = builds.run(deck(*twice))
    assert [c.identity for c in result.cards] == [twice[0].identity, twice[0].identity + "#2"]
    assert len(lock_data(builds.lock)["cards"]) == 2


# --------------------------------------------------------------------------- formulas

LOCK_FIXTURES = FIXTURES / "lockfile"


def physics_notes(folder: Path) -> tuple[Path, str]:
    """The Markdown notes with formulas of tests/fixtures/lockfile, copied into `folder`.

    The fixture is not named .md, so that tools walking the fixtures for notes pass it by.
    """
    notes = folder / "notes"
    shutil.copytree(LOCK_FIXTURES / "img", notes / "img")
    text = (LOCK_FIXTURES / "waves.notes").read_text(encoding="utf-8")
    notes_file = notes / "waves.md"
    notes_file.write_text(text, encoding="utf-8")
    return notes_file, text


def test_a_corrected_formula_reaches_anki_and_keeps_the_review_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes_file, text = physics_notes(tmp_path)
    out = tmp_path / "out"
    options = BuildOptions(formats=("apkg",), jobs=1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
    assert build([notes_file.parent], out, options).ok
    col = fresh_collection(tmp_path / "anki")
    assert import_package(col, out / "waves.apkg").counts["new"] == 7
    review_everything(col)
    before = schedule_snapshot(col)
    notes_before = notes_by_front(col)

    # Only formulas change: one inline, one on its own line.
    fixed = text.replace("$E=mc^3$", "$E=mc^2$").replace("\\frac{1}{2}mv^2", "\\frac{1}{2}mv^{2}")
    assert fixed.count("mc^2") == fixed.count("mv^{2}") == 1
    notes_file.write_text(fixed, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 100))
    assert build([notes_file.parent], out, options).ok
    second = import_package(col, out / "waves.apkg")

    notes_after = notes_by_front(col)
    mass, kinetic = notes_after["Mass-energy equivalence"], notes_after["Kinetic energy"]
    assert "\\(E=mc^2\\)" in mass["Back"] and "mc^3" not in mass["Back"]
    assert "mv^{2}" in kinetic["Back"]
    assert sorted(second.notes["updated"]) == sorted([mass.id, kinetic.id])
    assert second.counts["new"] == second.counts["conflicting"] == 0
    assert {front: note.id for front, note in notes_after.items()} == {
        front: note.id for front, note in notes_before.items()
    }
    assert schedule_snapshot(col) == before
    col.close()


# --------------------------------------------------------------------------- lock version 1

# Written by notes2decks at 38d7e7c, the last to write lock version 1, whose hashes left out the
# formulas: built from waves.notes with the heading "Mass-energy equivalance" and one more card,
# "Longitudinal waves", at SOURCE_DATE_EPOCH=1700000000, then from waves.notes as it is at
# 1700000060. So the lock keeps a corrected heading's note and ships a removed card.
V1_LOCK = LOCK_FIXTURES / "waves.md.v1.lock"
# Written by notes2decks at 1cd1c1b, the last to write lock version 2, whose card hashes are of
# json.dumps's text: from waves.notes (named waves.md) at SOURCE_DATE_EPOCH=1700000000.
V2_LOCK = LOCK_FIXTURES / "waves.md.v2.lock"
LATER = T0 + 500
# How the fronts of the physics notes' cards that show a section (`Card.section`) begin: their
# question and cloze, each under its card heading. Locks of earlier versions did not have it.
SECTIONED = {"How are speed", "The energy of"}


def prepare(notes_file: Path, warnings: list[Diagnostic]) -> tuple[Deck, Callable[[], None]]:
    """The deck as the build gives it to the exporters, and the step that saves its lock."""
    read = read_notes(notes_file, warn=warnings.append)
    deck, save = enrich_deck(read, notes_file, BuildOptions(formats=("apkg",)), warnings.append)
    assert save is not None
    return deck, save


def test_a_version_1_lock_keeps_every_unchanged_note_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes_file, _ = physics_notes(tmp_path)
    lock = lock_path_for(notes_file)
    legacy = legacy_lock_path(lock)
    shutil.copy(V1_LOCK, legacy)
    old = json.loads(legacy.read_text(encoding="utf-8"))
    assert old["version"] == 1 < LOCK_VERSION
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    warnings: list[Diagnostic] = []
    read = read_notes(notes_file)
    with_math = {c.identity for c in read.cards if '"Math' in json.dumps(to_data(c))}
    assert len(with_math) == 5 < len(read.cards)

    deck, save = prepare(notes_file, warnings)
    entries = [old["cards"][c.identity] for c in read.cards]
    # The question and the cloze now show the heading they sit under (`Card.section`): their
    # notes show something new, so they get a new time, once.
    assert {inline_text(c.front)[:13] for c in read.cards if c.section} == SECTIONED
    assert [(c.identity, c.modified) for c in deck.cards] == [
        (entry.get("note", c.identity), LATER if c.section else entry["time"])
        for c, entry in zip(read.cards, entries, strict=True)
    ]
    assert deck.cards[0].identity == "physics waves/revision/mass energy equivalance"
    # This build is a change of its own (two notes show their section), so the card that the
    # last build removed, and shipped as removed, is no longer shipped; the lock keeps it.
    assert deck.removed == ()
    assert [e.modified for e in deck.glossary] == [T0]
    assert warnings == []

    save()
    assert not legacy.exists()  # moved into the folder's lock
    new = lock_data(lock)
    assert new["header"]["version"] == LOCK_VERSION
    assert new["time"] == LATER
    # The removed card's change is over: a small tombstone stays, so that it can come back.
    tombstone = ("front", "kind", "time")
    assert new["removed"] == {
        note_key(k): {"note": k, **{name: e[name] for name in tombstone}}
        for k, e in old["removed"].items()
    }
    assert new["glossary"] == {note_key(k): {"note": k, **e} for k, e in old["glossary"].items()}
    for key, entry in old["cards"].items():
        entry = {"note": key, **entry}
        rewritten = new["cards"][note_key(key)]
        # The card's place names the notes file as that build was given it.
        assert rewritten["card"].pop("source")["line"] == entry["card"].pop("source")["line"]
        if rewritten["card"].pop("section", None) is not None:
            assert rewritten.pop("time") == LATER
            entry.pop("time")
        # Only the hash changes: it is made as the current version makes it.
        assert {**rewritten, "hash": entry["hash"]} == entry

    # The lock now written is read back as it was written.
    text = lock.read_text(encoding="utf-8")
    again, save = prepare(notes_file, warnings)
    assert again == deck
    save()
    assert lock.read_text(encoding="utf-8") == text
    assert warnings == []


def edit_notes(old: str, new: str) -> Callable[[Path], None]:
    def edit(notes_file: Path) -> None:
        text = notes_file.read_text(encoding="utf-8")
        assert text.count(old) == 1
        notes_file.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def repaint_image(notes_file: Path) -> None:
    shutil.copy(
        FIXTURES / "markdown" / "images" / "dot.png", notes_file.parent / "img" / "diagram.png"
    )


@pytest.mark.parametrize("lock_version", [1, 2, LOCK_VERSION])
@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        (edit_notes("$E=mc^3$", "$E=mc^2$"), {"Mass-energy equivalence"}),
        (edit_notes("mv^2$$", "mv^{2}$$"), {"Kinetic energy"}),
        (edit_notes("$v = f\\lambda$", "$v = f \\lambda$"), {"How are speed"}),
        (edit_notes("{{c1::$E = hf$}}", "{{c1::$E = h\\nu$}}"), {"Photons", "The energy of"}),
        (edit_notes(" $h$.", " $\\hbar$."), {"Photons", "The energy of"}),
        (edit_notes("are transverse", "are transverse waves"), {"Transverse waves"}),
        (repaint_image, {"Kinetic energy"}),
        (edit_notes("deck: Physics::Waves", "deck: Physics::Wave motion"), set()),
    ],
    ids=[
        "inline formula",
        "display formula",
        "formula spacing",
        "formula in a cloze",
        "formula beside a cloze",
        "text",
        "image",
        "deck moved",
    ],
)
def test_only_cards_whose_content_changed_get_a_new_time(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lock_version: int,
    edit: Callable[[Path], None],
    changed: set[str],
) -> None:
    notes_file, _ = physics_notes(tmp_path)
    warnings: list[Diagnostic] = []
    # Cards that show a section now and did not when the old lock was written: new once.
    changed = changed | (SECTIONED if lock_version < LOCK_VERSION else set())
    if lock_version < LOCK_VERSION:
        legacy = legacy_lock_path(lock_path_for(notes_file))
        shutil.copy(V1_LOCK if lock_version == 1 else V2_LOCK, legacy)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))
        prepare(notes_file, warnings)[1]()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    before, _ = prepare(notes_file, warnings)  # the lock is not saved: it stays as it was
    assert all(
        (c.modified < LATER) != (lock_version < LOCK_VERSION and bool(c.section))
        for c in before.cards
    )

    edit(notes_file)
    after, _ = prepare(notes_file, warnings)
    assert [c.identity for c in after.cards] == [c.identity for c in before.cards]
    expected = [
        LATER if any(inline_text(c.front).startswith(name) for name in changed) else c.modified
        for c in before.cards
    ]
    assert [c.modified for c in after.cards] == expected
    assert expected.count(LATER) == len(changed)


# --------------------------------------------------------------------------- lock version 2


def test_a_version_2_lock_keeps_every_note_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes_file, _ = physics_notes(tmp_path)
    lock = lock_path_for(notes_file)
    legacy = legacy_lock_path(lock)
    shutil.copy(V2_LOCK, legacy)
    old = json.loads(legacy.read_text(encoding="utf-8"))
    assert old["version"] == 2 < LOCK_VERSION
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(LATER))
    warnings: list[Diagnostic] = []
    read = read_notes(notes_file, file="waves.md")
    options = BuildOptions(formats=("apkg",))
    deck, save = enrich_deck(read, notes_file, options, warnings.append)
    assert save is not None
    # The question and the cloze now show their section: new once (see SECTIONED).
    sectioned = {c.identity for c in read.cards if c.section}
    assert {inline_text(c.front)[:13] for c in read.cards if c.section} == SECTIONED
    assert sorted((c.identity, c.modified) for c in deck.cards) == [
        (k, LATER if k in sectioned else T0) for k in old["cards"]
    ]
    assert warnings == []
    save()
    new = lock_data(lock)
    assert new["header"]["version"] == LOCK_VERSION
    assert new["time"] == LATER
    for section in ("removed", "glossary", "removed_glossary"):
        assert new[section] == {note_key(k): {"note": k, **e} for k, e in old[section].items()}
    # Only the hashes change (they are made as the current version makes them), and for the
    # sectioned cards the section and the time.
    for key, entry in old["cards"].items():
        rewritten = dict(new["cards"][note_key(key)])
        if key in sectioned:
            assert rewritten["card"].pop("section") and rewritten.pop("time") == LATER
            entry = {k: v for k, v in entry.items() if k != "time"}
        assert {**rewritten, "hash": entry["hash"]} == {"note": key, **entry}

    text = lock.read_text(encoding="utf-8")
    again, save = enrich_deck(read, notes_file, options, warnings.append)
    assert again == deck
    assert save is not None
    save()
    assert lock.read_text(encoding="utf-8") == text
    assert warnings == []


# --------------------------------------------------------------------------- generated decks

PROFILE = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Quotes, backslashes, control and separator characters, and text outside the BMP.
strings = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', "\\", "\n", ",", ":", "\u2028", "\x00", "\U0001f600", '"line":1,', "line", "source"]
)
numbers = st.integers(-(2**40), 2**40)
inlines = st.recursive(
    st.one_of(
        st.builds(Text, strings),
        st.builds(Code, strings),
        st.builds(Math, strings, st.booleans()),
        st.builds(LineBreak),
    ),
    lambda children: st.one_of(
        st.builds(Emphasis, st.lists(children, max_size=3).map(tuple)),
        st.builds(Strong, st.lists(children, max_size=3).map(tuple)),
        st.builds(Link, strings, st.lists(children, max_size=2).map(tuple)),
        st.builds(Cloze, numbers, st.lists(children, max_size=2).map(tuple), strings),
    ),
    max_leaves=8,
)
runs = st.lists(inlines, max_size=4).map(tuple)
blocks = st.recursive(
    st.one_of(
        st.builds(Paragraph, runs, numbers),
        st.builds(Heading, numbers, runs),
        st.builds(CodeBlock, strings, strings),
        st.builds(MathBlock, strings),
        st.builds(ThematicBreak),
        st.builds(
            Table,
            st.lists(runs, max_size=2).map(tuple),
            st.lists(st.lists(runs, max_size=2).map(tuple), max_size=2).map(tuple),
            st.lists(st.sampled_from(list(Align)), max_size=2).map(tuple),
        ),
    ),
    lambda children: st.builds(
        BulletList,
        st.lists(st.builds(ListItem, st.lists(children, max_size=3).map(tuple)), max_size=3).map(
            tuple
        ),
        st.booleans(),
        numbers,
    ),
    max_leaves=8,
)
cards = st.builds(
    Card,
    kind=st.sampled_from(list(CardKind)),
    front=runs,
    back=st.lists(blocks, max_size=3).map(tuple),
    source=st.builds(SourceRef, strings, numbers),
    identity=strings,
    tags=st.lists(strings, max_size=3).map(tuple),
    continued=st.booleans(),
    modified=numbers,
)
decks = st.lists(cards, min_size=1, max_size=4).map(
    # Distinct identities, as readers make them.
    lambda drawn: Deck(
        "Topic",
        "Subject::Topic",
        SourceRef("topic.md"),
        tuple({c.identity: c for c in reversed(drawn)}.values()),
        (GlossaryEntry("Term", "a definition", SourceRef("topic.md")),),
    )
)
kept_cards = st.lists(st.booleans(), max_size=4)


def fewer(notes: Deck, kept: list[bool]) -> Deck:
    """The deck without the cards `kept` says are gone (the rest are kept)."""
    keep = kept[: len(notes.cards)] + [True] * (len(notes.cards) - len(kept))
    cards = tuple(c for c, k in zip(notes.cards, keep, strict=True) if k)
    return dataclasses.replace(notes, cards=cards, glossary=())


class Records:
    """Counts the cards recorded anew (rather than taken from the lock) while in use."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        record_card = hashing.record_card

        def counted(card: Card, *args: Any) -> Any:
            self.count += 1
            return record_card(card, *args)

        monkeypatch.setattr(hashing, "record_card", counted)


@pytest.mark.slow
@PROFILE
@given(notes=decks, kept=kept_cards)
def test_cards_from_the_same_inputs_are_taken_from_the_lock_as_they_would_be_recorded(
    notes: Deck, kept: list[bool], tmp_path_factory: pytest.TempPathFactory
) -> None:
    lock = lock_path_for(tmp_path_factory.mktemp("same") / "topic.md")
    _, first = reconcile(notes, lock, inputs="notes v1")
    save_lock(lock, first)
    again = fewer(notes, kept)
    with pytest.MonkeyPatch.context() as patch:
        records = Records(patch)
        taken, taken_state = reconcile(again, lock, inputs="notes v1")
        assert records.count == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashing, "recorded", lambda entry, card: None)
        records = Records(patch)
        recorded, recorded_state = reconcile(again, lock, inputs="notes v1")
        assert records.count == len(again.cards)
    assert taken == recorded
    assert taken_state == recorded_state
    # Vanished cards are shipped as they were, tagged removed.
    gone = [c for c in notes.cards if c not in again.cards]
    assert [(c.front, c.back, c.tags) for c in taken.removed] == [
        (c.front, c.back, c.tags) for c in sorted(gone, key=lambda c: c.identity)
    ]


@pytest.mark.slow
@PROFILE
@given(
    notes=decks,
    kept=kept_cards,
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 2), st.sampled_from(list('{}[]",: \n\\0a-e'))),
        min_size=1,
        max_size=3,
    ),
)
def test_a_damaged_lock_is_a_warning_never_a_traceback(
    notes: Deck, kept: list[bool], edits: list[tuple[float, int, str]], tmp_path_factory: Any
) -> None:
    lock = lock_path_for(tmp_path_factory.mktemp("damaged") / "topic.md")
    save_lock(lock, reconcile(notes, lock, inputs="v1")[1])
    save_lock(lock, reconcile(fewer(notes, kept), lock, inputs="v1")[1])
    text = lock.read_text(encoding="utf-8")
    for where, how, char in edits:
        at = int(where * len(text))
        replaced = text[at + 1 :] if how else text[at:]
        text = text[:at] + ("" if how == 1 else char) + replaced
    lock.write_text(text, encoding="utf-8")
    warnings: list[Diagnostic] = []
    try:
        result, state = reconcile(notes, lock, warnings.append, inputs="v1")
    except NotesError as exc:
        assert "newer notes2decks" in exc.message
        return
    # Split as the lock is read: str.splitlines would also split at U+2028 within a key.
    for line in text.split("\n"):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            if line.strip() and not line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
                assert any("the lock file" in w.message for w in warnings)
    assert [c.kind for c in result.cards] == [c.kind for c in notes.cards]
    assert json.loads(state.content.splitlines()[0])["version"] == LOCK_VERSION


@pytest.mark.parametrize(
    "change",
    ["inputs", "title", "tags", "deck path", "file", "no inputs", "an older lock"],
)
def test_cards_are_recorded_again_when_anything_they_are_made_of_changed(
    change: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = [
        Card(CardKind.BASIC, (Text(q),), (Paragraph((Text("A"),), 3),), SourceRef("t.md", 2), q)
        for q in ("first", "second")
    ]
    notes = Deck("Topic", "Subject::Topic", SourceRef("t.md"), tuple(cards), tags=("x",))
    lock = lock_path_for(tmp_path / "t.md")
    _, state = reconcile(notes, lock, inputs="v1")
    save_lock(lock, state)
    if change == "an older lock":
        data = lock_data(lock)
        old = {"format": "notes2decks-lock", "version": 1, "inputs": data["inputs"]}
        old.update({s: {e["note"]: e for e in data[s].values()} for s in SECTIONS})
        lock.unlink()
        legacy_lock_path(lock).write_text(json.dumps(old), encoding="utf-8")
    inputs: str | None = "v2" if change == "inputs" else None if change == "no inputs" else "v1"
    changed = {
        "title": dataclasses.replace(notes, title="Topic 2"),
        "tags": dataclasses.replace(notes, tags=("y",)),
        "deck path": dataclasses.replace(notes, deck_path="Subject::Other"),
        "file": dataclasses.replace(notes, source=SourceRef("notes/t.md")),
    }.get(change, notes)
    records = Records(monkeypatch)
    reconcile(changed, lock, inputs=inputs)
    assert records.count == len(cards)
    records.count = 0
    reconcile(notes, lock, inputs="v1")
    assert records.count == (len(cards) if change == "an older lock" else 0)


def test_glossary_notes_keep_their_note_across_a_new_deck_path_and_a_corrected_term(
    tmp_path: Path,
) -> None:
    builds = Builds(tmp_path)
    terms = (term("Politbruo", "Ruling committee"), term("NEP", "New Economic Policy"))
    first = builds.run(deck(*base_cards(), glossary=terms))
    moved = dataclasses.replace(deck(*base_cards(), glossary=terms), deck_path="Russia")
    second = builds.run(moved)
    assert [e.identity for e in second.glossary] == [e.identity for e in first.glossary]
    assert [c.identity for c in second.cards] == [c.identity for c in first.cards]
    assert second.removed_glossary == () and builds.warnings == []
    corrected = (term("Politburo", "Ruling committee"), terms[1])
    third = builds.run(deck(*base_cards(), glossary=corrected, modified=T0 + 5))
    assert [e.identity for e in third.glossary] == [e.identity for e in first.glossary]
    assert [e.modified for e in third.glossary] == [T0 + 5, T0]
    assert third.removed_glossary == ()
    assert "'Politburo' looks like a corrected 'Politbruo'" in builds.messages()
    # Another term is another note; the old one is shipped as removed.
    other = (term("Comintern", "Communist International"), terms[1])
    fourth = builds.run(deck(*base_cards(), glossary=other, modified=T0 + 9))
    assert fourth.glossary[0].identity != first.glossary[0].identity
    assert [e.identity for e in fourth.removed_glossary] == [first.glossary[0].identity]
