"""The delimited flashcard reader: `front | back`, tab-separated, .tsv and .csv files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, check_golden
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.model import CardKind, facts, inline_text
from notes2decks.readers import read_notes
from notes2decks.readers.delimited import looks_delimited
from notes2decks.serialize import deck_to_json

DELIMITED = FIXTURES / "delimited"
CELLS = DELIMITED / "biology" / "cells.txt"


def test_golden_model() -> None:
    deck = read_notes(CELLS, root=DELIMITED, file="biology/cells.txt")
    check_golden(deck_to_json(deck, base=DELIMITED), DELIMITED / "cells.json")


def test_one_basic_card_per_line_and_a_warning_for_the_misfit() -> None:
    warnings: list[Diagnostic] = []
    deck = read_notes(CELLS, root=DELIMITED, warn=warnings.append)
    assert deck.reader == "delimited"
    assert deck.deck_path == "Biology::Cells"
    assert deck.tags == ("biology", "cells")
    assert [c.kind for c in deck.cards] == [CardKind.BASIC] * 5
    assert inline_text(deck.cards[0].front) == "What is the function of the mitochondria?"
    assert facts(deck.cards[3]) == ["The net movement of particles from high to low concentration"]
    assert facts(deck.cards[4]) == ["Contains the cell's genetic material, x < y & z"]
    assert [(w.line, "skipped" in w.message) for w in warnings] == [(8, True)]
    assert [c.source.line for c in deck.cards] == [4, 5, 6, 7, 9]


def test_csv_with_header_quoted_commas_and_bad_rows() -> None:
    warnings: list[Diagnostic] = []
    path = DELIMITED / "biology" / "processes.csv"
    deck = read_notes(path, root=DELIMITED, warn=warnings.append)
    assert [inline_text(c.front) for c in deck.cards] == [
        "Photosynthesis",
        "Respiration",
        "Multi line",
    ]
    assert facts(deck.cards[0]) == ["Light energy is used to make glucose, from CO2 and water"]
    assert [w.line for w in warnings] == [6]
    assert deck.deck_path == "Biology::Processes"


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text("la casa\tthe house\nel perro\tthe dog\n", encoding="utf-8")
    deck = read_notes(path)
    assert [(inline_text(c.front), facts(c)) for c in deck.cards] == [
        ("la casa", ["the house"]),
        ("el perro", ["the dog"]),
    ]


def test_card_set_text_is_never_taken_for_flashcards() -> None:
    card_set = (FIXTURES / "cardset" / "cold-war-origins.txt").read_text(encoding="utf-8")
    assert not looks_delimited(card_set)
    # Even when most of a card set's lines hold a bar, its markers give it away.
    barred = "Title\n\na | b\n\nc | d\n\n1 of 1\n"
    assert not looks_delimited(barred)
    assert looks_delimited("q1 | a1\nq2 | a2\nq3 | a3\nnot a card\n")
    assert not looks_delimited("q1 | a1\nplain\nplain too\n")


def test_a_file_of_misfits_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("one\ntwo\n", encoding="utf-8")
    with pytest.raises(NotesError, match=r"no 'front \| back' lines"):
        read_notes(path)
