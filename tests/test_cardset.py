"""The card-set text reader: notes copied from a revision website."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import FIXTURES, check_golden
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.model import CardKind, facts, inline_text
from notes2decks.readers import read_notes
from notes2decks.readers.cardset import MARKER, normalise, reads_like_heading
from notes2decks.serialize import deck_to_json

CARDSET = FIXTURES / "cardset"
COLD_WAR = CARDSET / "cold-war-origins.txt"


def read(path: Path) -> tuple[object, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    deck = read_notes(path, warn=warnings.append)
    return deck, warnings


def source_paragraphs(text: str) -> list[str]:
    """Every paragraph of card-set text between the title and the last marker, normalised."""
    body = text.split("\n", 1)[1]
    body = body[: body.rindex(" of 6")]
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    return [p for p in paragraphs if p and not re.fullmatch(r"\d+ of \d+|\d+", p)]


@pytest.mark.parametrize("name", ["cold-war-origins", "broken-markers"])
def test_golden_model(name: str) -> None:
    path = CARDSET / f"{name}.txt"
    deck = read_notes(path, file=f"{name}.txt")
    check_golden(deck_to_json(deck, base=CARDSET), CARDSET / f"{name}.json")


def test_cards_headings_and_continuations() -> None:
    deck, warnings = read(COLD_WAR)
    assert warnings == []
    assert deck.title == "The Origins of the Cold War 1945-1949"
    assert [inline_text(c.front) for c in deck.cards] == [
        "Wartime Conferences",
        "Wartime Conferences (continued)",
        "Churchill's Iron Curtain Speech",
        "The Truman Doctrine and Marshall Plan",
        "The Berlin Blockade",
        "Extra Notes",
    ]
    assert [c.continued for c in deck.cards] == [False, True, False, False, False, False]
    assert all(c.kind is CardKind.REVISION for c in deck.cards)
    assert [c.source.line for c in deck.cards] == [4, 15, 21, 29, 39, 47]


def test_every_fact_on_exactly_one_card_and_no_footer() -> None:
    deck, _ = read(COLD_WAR)
    text = COLD_WAR.read_text(encoding="utf-8")
    headings = {inline_text(c.front) for c in deck.cards}
    expected = [p for p in source_paragraphs(text) if p not in headings]
    got = [fact for card in deck.cards for fact in facts(card)]
    assert got == expected
    everything = " ".join(got + [inline_text(c.front) for c in deck.cards])
    for junk in ("No comments", "Similar History", "See all", "»", " of 6"):
        assert junk not in everything


def test_typos_kept_and_spaces_normalised() -> None:
    deck, _ = read(COLD_WAR)
    all_facts = [fact for card in deck.cards for fact in facts(card)]
    assert "the mood was far more suspicous of Stalin" in all_facts[1]
    assert any("armed minorities or outside pressure" in f for f in all_facts)
    assert not any("\u00a0" in f or "  " in f for f in all_facts)
    assert any("the the USSR" in f for f in all_facts)


def test_fact_lines_point_at_the_notes() -> None:
    deck, _ = read(COLD_WAR)
    lines = COLD_WAR.read_text(encoding="utf-8").split("\n")
    for card in deck.cards:
        for paragraph in card.back:
            first_words = " ".join(lines[paragraph.line - 1].split()[:3])
            assert inline_text(paragraph.children).startswith(first_words)


def test_crlf_and_bom_read_the_same(tmp_path: Path) -> None:
    text = COLD_WAR.read_text(encoding="utf-8")
    windows = tmp_path / "cold-war-origins.txt"
    windows.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    deck, _ = read(windows)
    original, _ = read(COLD_WAR)
    assert [(c.front, c.back) for c in deck.cards] == [(c.front, c.back) for c in original.cards]


def test_broken_markers_warn_with_lines_and_keep_every_fact() -> None:
    deck, warnings = read(CARDSET / "broken-markers.txt")
    messages = [(w.line, w.message) for w in warnings]
    assert any(line == 15 and "out of order" in m for line, m in messages)
    assert any("no closing" in m for _, m in messages)
    got = [fact for card in deck.cards for fact in facts(card)]
    assert "Denatured enzymes have lost the shape of their active site" in got
    assert "Active site has a specific shape complementary to the substrate" in got
    assert [inline_text(c.front) for c in deck.cards][-1] == "Enzyme Action"
    assert len(got) == 5


def test_no_markers_is_one_card_with_a_warning(tmp_path: Path) -> None:
    notes = tmp_path / "x.txt"
    notes.write_text("Topic\n\nHeading\n\nA fact.\n\nAnother fact.\n", encoding="utf-8")
    deck, warnings = read(notes)
    assert len(deck.cards) == 1 and facts(deck.cards[0]) == ["A fact.", "Another fact."]
    assert warnings[0].line == 1 and "N of M" in warnings[0].message


def test_text_after_the_last_marker_is_dropped_with_a_warning(tmp_path: Path) -> None:
    notes = tmp_path / "x.txt"
    notes.write_text("Topic\n\nHeading\n\nFact one.\n\n1 of 1\n\nStray fact.\n", encoding="utf-8")
    deck, warnings = read(notes)
    assert facts(deck.cards[0]) == ["Fact one."]
    assert [w.line for w in warnings] == [9]
    assert "left out" in warnings[0].message


def test_empty_and_title_only_files_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(NotesError, match="empty"):
        read_notes(empty)
    title_only = tmp_path / "title.txt"
    title_only.write_text("Just a title\n", encoding="utf-8")
    with pytest.raises(NotesError, match="no cards") as info:
        read_notes(title_only)
    assert str(info.value).startswith(f"{title_only}: ")


def test_duplicate_headings_are_all_kept_with_distinct_identities(tmp_path: Path) -> None:
    cards = "".join(f"Same heading\n\nFact {n}.\n\n{n} of 200\n\n" for n in range(1, 201))
    notes = tmp_path / "dupes.txt"
    notes.write_text("Topic\n\n" + cards, encoding="utf-8")
    deck, warnings = read(notes)
    assert len(deck.cards) == 200
    assert len({c.identity for c in deck.cards}) == 200
    assert sum("same as the card at line 3" in w.message for w in warnings) == 199


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Importance of Control of Party Organization", True),
        ("Weaknesses of opposition, especially Trotsky", True),
        ("Extra 3", True),
        ("Willing to play dirty where as the others didn't.", False),
        (
            "The decision to not publish Lenin's Testemant, which would have ruined his "
            "chances of getting onto power",
            False,
        ),
        ("1 of 8", False),
    ],
)
def test_reads_like_heading(text: str, expected: bool) -> None:
    assert reads_like_heading(text) is expected


paragraph = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    min_size=1,
    max_size=60,
).filter(lambda s: normalise(s) and not MARKER.match(s))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cards=st.lists(st.lists(paragraph, min_size=1, max_size=5), min_size=1, max_size=6))
def test_no_fact_is_lost_or_doubled(tmp_path: Path, cards: list[list[str]]) -> None:
    total = len(cards)
    body = "".join(
        "\n\n".join(paras) + f"\n\n{n} of {total}\n\n" for n, paras in enumerate(cards, 1)
    )
    notes = tmp_path / "prop.txt"
    notes.write_text("Title\n\n" + body + "No comments have yet been made\n", encoding="utf-8")
    deck = read_notes(notes)
    assert len(deck.cards) == total
    shown = []
    for card in deck.cards:
        # A card shows its own heading unless it continues one or borrowed the set's title.
        own_heading = not card.continued and (
            not card.back or card.back[0].line != card.source.line
        )
        if own_heading:
            shown.append(inline_text(card.front))
        shown.extend(facts(card))
    assert shown == [normalise(p) for paras in cards for p in paras]
