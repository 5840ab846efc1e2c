"""The lock file's fast JSON: the same text and hashes as the json.dumps route.

Lock files written by earlier versions must keep working, and an unchanged card must keep its
hash, so the card writer is checked against the route it replaces (`to_data`, `_strip_places`
and json.dumps, spelled out here) on random models. Lock version 1 hashed cards without their
formulas: its route is spelled out too, for the hashes that version 1 locks hold.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notes2decks.errors import Diagnostic
from notes2decks.lockfile import (
    LOCK_VERSION,
    _card_data,
    _card_entry,
    _card_hash_v1,
    _CardWriter,
    _decoded,
    _Json,
    _read_laid_out,
    card_hash,
    dump_lock,
    load_lock,
    lock_path_for,
    reconcile,
    save_lock,
)
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
    card_inlines,
)
from notes2decks.serialize import to_data

PROFILE = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lock-json")
    (folder / "img").mkdir()
    (folder / "img" / "a.png").write_bytes(b"\x89PNG a picture")
    yield folder.resolve()


# --------------------------------------------------------------------------- the json.dumps route


def strip_places(data: Any) -> Any:
    """Without the card's place in the notes and its paragraphs' lines."""
    if isinstance(data, dict):
        places = {"Card": ("source",), "Paragraph": ("line",)}.get(data.get("type", ""), ())
        return {k: strip_places(v) for k, v in data.items() if k not in places}
    if isinstance(data, list):
        return [strip_places(v) for v in data]
    return data


def v1_strip_places(data: Any) -> Any:
    """As lock version 1 stripped places: every `line` and `source`, formulas too."""
    if isinstance(data, dict):
        return {k: v1_strip_places(v) for k, v in data.items() if k not in ("line", "source")}
    if isinstance(data, list):
        return [v1_strip_places(v) for v in data]
    return data


def old_card_data(card: Card, base: Path) -> dict[str, Any]:
    data: dict[str, Any] = to_data(card, base)
    del data["identity"]
    return data


def old_card_hash(
    card: Card, deck: Deck, base: Path, strip: Callable[[Any], Any] = strip_places
) -> str:
    images = []
    for node in card_inlines(card):
        if isinstance(node, Image):
            try:
                images.append(hashlib.sha256(node.path.read_bytes()).hexdigest())
            except OSError:
                images.append("missing")
    content = strip({**old_card_data(card, base), "identity": ""})
    text = json.dumps(
        [content, deck.title, list(deck.tags), images], sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def has_formula(card: Card) -> bool:
    return '"type": "Math' in json.dumps(to_data(card))


def compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- random models

# Quotes, backslashes, control and separator characters, and text outside the BMP.
strings = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', "\\", "\n", ",", ":", "\u2028", "\x00", "\U0001f600", '"line":1,', "line", "source"]
)
numbers = st.integers(-(2**40), 2**40)
# Placed in the test's folder by `placed`.
images = st.builds(
    lambda name, alt: Image(name, Path(name), alt),
    st.sampled_from(["img/a.png", "img/missing.png"]),
    strings,
)

inlines = st.recursive(
    st.one_of(
        st.builds(Text, strings),
        st.builds(Code, strings),
        st.builds(Math, strings, st.booleans()),
        st.builds(LineBreak),
        images,
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


def placed(card: Card, base: Path) -> Card:
    """The card with its images in the test's folder."""

    def fix(value: Any) -> Any:
        if isinstance(value, Image):
            return Image(value.src, base / value.src, value.alt)
        if isinstance(value, tuple):
            return tuple(fix(v) for v in value)
        if hasattr(value, "__dataclass_fields__"):
            return type(value)(*(fix(getattr(value, f)) for f in value.__dataclass_fields__))
        return value

    fixed: Card = fix(card)
    return fixed


def placed_deck(drawn: list[Card], base: Path) -> Deck:
    """A deck of the drawn cards with distinct identities, as readers make them."""
    by_identity = {card.identity: placed(card, base) for card in reversed(drawn)}
    return deck_of(list(by_identity.values()))


def deck_of(cards: list[Card], title: str = "Topic", tags: tuple[str, ...] = ()) -> Deck:
    return Deck(title, "Subject::Topic", SourceRef("topic.md"), tuple(cards), tags=tags)


# --------------------------------------------------------------------------- the card writer


@PROFILE
@given(card=cards, title=strings, tags=st.lists(strings, max_size=3).map(tuple))
def test_cards_are_written_and_hashed_as_json_dumps_writes_them(
    card: Card, title: str, tags: tuple[str, ...], base: Path
) -> None:
    card = placed(card, base)
    deck = deck_of([card], title, tags)
    written = _CardWriter(base, deck).write(card)
    assert written.data == compact(old_card_data(card, base))
    assert written.digest == old_card_hash(card, deck, base)
    assert card_hash(card, deck, base) == written.digest
    v1_hash = old_card_hash(card, deck, base, v1_strip_places)
    assert _card_hash_v1(card, deck, base) == v1_hash
    # Only cards with formulas hash otherwise than lock version 1 did.
    assert (written.digest == v1_hash) == (not has_formula(card))


@PROFILE
@given(card=cards, note=strings, time=numbers)
def test_entries_are_written_as_json_dumps_writes_them(
    card: Card, note: str, time: int, base: Path
) -> None:
    card = placed(card, base)
    written = _CardWriter(base, deck_of([card])).write(card)
    head = written.entry_head(card.kind.value)
    entry: dict[str, Any] = {
        "card": old_card_data(card, base),
        "front": written.front,
        "hash": written.digest,
        "kind": card.kind.value,
        "time": time,
    }
    if note != card.identity:
        entry["note"] = note
    assert _card_entry(head, card.identity, note, time).text == compact(entry)
    assert json.loads(head + "}") == {
        "card": old_card_data(card, base),
        "front": written.front,
        "hash": written.digest,
        "kind": card.kind.value,
    }


# --------------------------------------------------------------------------- reading it back


def test_a_lock_is_laid_out_as_dump_lock_lays_out_what_json_reads(base: Path) -> None:
    card = Card(
        CardKind.REVISION,
        (Text("Causes"),),
        (BulletList((ListItem((Paragraph((Text("One"), Strong((Text("two"),))), 4),)),)),),
        SourceRef("topic.md", 3),
        "subject topic/revision/causes",
    )
    notes = base / "rebuild.md"
    lock = lock_path_for(notes)
    first, state = reconcile(deck_of([card]), lock)
    assert dump_lock(json.loads(state.text)) == state.text
    lock.write_text(state.text, encoding="utf-8")
    entry = load_lock(lock, "rebuild.md", _no_warning)["cards"][card.identity]
    assert entry["time"] == first.cards[0].modified
    assert entry["hash"] == card_hash(card, deck_of([card]), base)


def _no_warning(warning: Diagnostic) -> None:
    raise AssertionError(warning.message)


# --------------------------------------------------------------------------- the lazy reader


def decoded(data: Any) -> Any:
    """The lock data with its cards' data decoded, as json.loads reads it."""
    if isinstance(data, dict) and isinstance(data.get("cards"), dict):
        cards = {k: _decoded(v) if isinstance(v, dict) else v for k, v in data["cards"].items()}
        return {**data, "cards": cards}
    return data


def undecodable(data: dict[str, Any]) -> list[str]:
    """The keys of the card entries whose card data cannot be decoded."""
    return [
        key
        for key, entry in data.get("cards", {}).items()
        if isinstance(entry, dict)
        and isinstance(entry.get("card"), _Json)
        and _card_data(entry) is None
    ]


def lock_texts(drawn: list[Card], kept: list[bool], terms: list[str], base: Path) -> list[str]:
    """The lock of a deck's first build, and of a second build without some of its cards (so
    with removed cards and tombstones)."""
    deck = placed_deck(drawn, base)
    glossary = tuple(GlossaryEntry(term, "a definition", SourceRef("topic.md")) for term in terms)
    deck = Deck(deck.title, deck.deck_path, deck.source, deck.cards, glossary)
    lock = base / ".lazy.md.notes2decks.lock"
    lock.unlink(missing_ok=True)
    _, first = reconcile(deck, lock)
    save_lock(lock, first)
    keep = kept[: len(deck.cards)] + [True] * (len(deck.cards) - len(kept))
    fewer = [card for card, kept_card in zip(deck.cards, keep, strict=True) if kept_card]
    _, second = reconcile(Deck(deck.title, deck.deck_path, deck.source, tuple(fewer)), lock)
    lock.unlink()
    return [first.text, second.text]


lock_decks = st.lists(cards, min_size=1, max_size=4)


@PROFILE
@given(
    drawn=lock_decks, kept=st.lists(st.booleans(), max_size=4), terms=st.lists(strings, max_size=3)
)
def test_the_lazy_reader_reads_what_json_reads(
    drawn: list[Card], kept: list[bool], terms: list[str], base: Path
) -> None:
    for text in lock_texts(drawn, kept, terms, base):
        read = _read_laid_out(text)
        assert read is not None
        # No card's data is decoded until it is asked for.
        entries = [e for e in read["cards"].values() if "card" in e]
        assert all(isinstance(entry["card"], _Json) for entry in entries)
        assert decoded(read) == json.loads(text)


@PROFILE
@given(
    drawn=lock_decks,
    kept=st.lists(st.booleans(), max_size=4),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 2), st.sampled_from(list('{}[]",: \n\\0a-e'))),
        min_size=1,
        max_size=3,
    ),
)
def test_a_damaged_lock_is_read_as_json_reads_it_or_left_to_json(
    drawn: list[Card], kept: list[bool], edits: list[tuple[float, int, str]], base: Path
) -> None:
    text = lock_texts(drawn, kept, [], base)[-1]
    for where, how, char in edits:
        at = int(where * len(text))
        text = (
            text[:at] + char + text[at:]
            if how == 0
            else text[:at] + text[at + 1 :]
            if how == 1
            else text[:at] + char + text[at + 1 :]
        )
    read = _read_laid_out(text)
    if read is None:
        return  # json.loads reads it, and says where it is damaged
    try:
        expected = json.loads(text)
    except json.JSONDecodeError:
        # Damage inside a card's data, found only when the card is needed.
        assert undecodable(read)
        return
    assert not undecodable(read)
    assert decoded(read) == expected


# --------------------------------------------------------------------------- the same inputs


class Writes:
    """Counts the cards written by `_CardWriter.write` while it is in use."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        write = _CardWriter.write

        def counted(writer: _CardWriter, card: Card) -> Any:
            self.count += 1
            return write(writer, card)

        monkeypatch.setattr(_CardWriter, "write", counted)


def without_images(card: Card) -> bool:
    return not any(isinstance(node, Image) for node in card_inlines(card))


@PROFILE
@given(drawn=lock_decks, kept=st.lists(st.booleans(), max_size=4))
def test_cards_from_the_same_inputs_are_taken_from_the_lock_as_they_would_be_written(
    drawn: list[Card], kept: list[bool], base: Path
) -> None:
    deck = placed_deck([card for card in drawn if without_images(card)] or [drawn[0]], base)
    if not all(without_images(card) for card in deck.cards):
        return
    lock = base / ".same.md.notes2decks.lock"
    lock.unlink(missing_ok=True)
    _, first = reconcile(deck, lock, inputs="notes v1")
    save_lock(lock, first)
    keep = kept[: len(deck.cards)] + [True] * (len(deck.cards) - len(kept))
    again = Deck(
        deck.title,
        deck.deck_path,
        deck.source,
        tuple(card for card, kept_card in zip(deck.cards, keep, strict=True) if kept_card),
    )
    with pytest.MonkeyPatch.context() as patch:
        writes = Writes(patch)
        taken, taken_state = reconcile(again, lock, inputs="notes v1")
        assert writes.count == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("notes2decks.lockfile._as_written", lambda entry, card: None)
        writes = Writes(patch)
        written, written_state = reconcile(again, lock, inputs="notes v1")
        assert writes.count == len(again.cards)
    assert taken == written
    assert taken_state == written_state
    lock.unlink()


@pytest.mark.parametrize(
    "change",
    ["inputs", "title", "tags", "deck path", "file", "no inputs", "an older lock"],
)
def test_cards_are_written_again_when_anything_they_are_made_of_changed(
    change: str, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = [
        Card(CardKind.BASIC, (Text(q),), (Paragraph((Text("A"),), 3),), SourceRef("t.md", 2), q)
        for q in ("first", "second")
    ]
    deck = Deck("Topic", "Subject::Topic", SourceRef("t.md"), tuple(cards), tags=("x",))
    lock = base / f".{change}.md.notes2decks.lock"
    _, state = reconcile(deck, lock, inputs="v1")
    text = state.text
    if change == "an older lock":
        text = text.replace(f'"version": {LOCK_VERSION}', '"version": 1')
    lock.write_text(text, encoding="utf-8")
    inputs: str | None = "v2" if change == "inputs" else None if change == "no inputs" else "v1"
    changed = {
        "title": dataclasses.replace(deck, title="Topic 2"),
        "tags": dataclasses.replace(deck, tags=("y",)),
        "deck path": dataclasses.replace(deck, deck_path="Subject::Other"),
        "file": dataclasses.replace(deck, source=SourceRef("notes/t.md")),
    }.get(change, deck)
    writes = Writes(monkeypatch)
    reconcile(changed, lock, inputs=inputs)
    assert writes.count == len(cards)
    writes.count = 0
    reconcile(deck, lock, inputs="v1")
    assert writes.count == (len(cards) if change == "an older lock" else 0)
