"""The delimited flashcard reader: `front | back`, tab-separated, .tsv and .csv files."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES, check_golden
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.model import (
    Card,
    CardKind,
    Code,
    Emphasis,
    Math,
    Paragraph,
    Strong,
    Text,
    facts,
    inline_text,
)
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
    assert [c.kind for c in deck.cards] == [CardKind.BASIC] * 11
    assert inline_text(deck.cards[0].front) == "What is the function of the mitochondria?"
    assert facts(deck.cards[3]) == ["The net movement of particles from high to low concentration"]
    assert facts(deck.cards[4]) == ["Contains the cell's genetic material, x < y & z"]
    assert [(w.line, "skipped" in w.message) for w in warnings] == [(8, True), (14, False)]
    assert [c.source.line for c in deck.cards] == [4, 5, 6, 7, *range(9, 16)]


def _cards_by_line(path: Path) -> dict[int, Card]:
    return {card.source.line: card for card in read_notes(path, root=DELIMITED).cards}


def test_cells_are_inline_markdown() -> None:
    cards = _cards_by_line(CELLS)
    back = cards[10].back[0]
    assert isinstance(back, Paragraph)
    assert back.children[0] == Math("M = \\frac{I}{A}")
    assert Strong((Text("image size"),)) in back.children
    assert Emphasis((Text("actual size"),)) in back.children
    assert cards[12].front == (Text("What does "), Code("a || b"), Text(" do in a script?"))
    # Dollars that Markdown does not take for math stay text, in the cell and in the split.
    assert cards[15].front == (Text("A cell costs $5 and a tissue $10"),)


def test_bars_inside_math_code_or_escaped_do_not_split() -> None:
    cards = _cards_by_line(CELLS)
    assert cards[11].front == (Text("What does "), Math("|x|"), Text(" mean in a rate?"))
    assert inline_text(cards[12].front) == "What does a || b do in a script?"
    assert inline_text(cards[13].front) == "Why is a plant cell's wall | membrane pair useful?"
    assert facts(cards[13]) == ["Support | control"]


@pytest.mark.parametrize(
    ("line", "front", "back"),
    [
        ("a | b", (Text("a"),), (Text("b"),)),
        ("$|x|$ | b", (Math("|x|"),), (Text("b"),)),
        ("$$a|b$$ | c", (Math("a|b", display=True),), (Text("c"),)),
        ("``a ` | b`` | c", (Code("a ` | b"),), (Text("c"),)),
        ("a \\| b | c", (Text("a | b"),), (Text("c"),)),
        ("costs $5 | $6", (Text("costs $5"),), (Text("$6"),)),
        ("$ a | b $", (Text("$ a"),), (Text("b $"),)),
        ("unclosed `code | b", (Text("unclosed `code"),), (Text("b"),)),
        ("x | y\tz", (Text("x | y"),), (Text("z"),)),
        ("$a\tb$ | c", (Text("$a"),), (Text("b$ | c"),)),
    ],
)
def test_a_line_splits_at_its_first_separator_outside_code_and_math(
    tmp_path: Path, line: str, front: tuple[object, ...], back: tuple[object, ...]
) -> None:
    path = tmp_path / "cards.txt"
    path.write_text(f"{line}\nq | a\n", encoding="utf-8")
    card = read_notes(path).cards[0]
    assert (card.front, card.back) == (front, (Paragraph(back, 1),))


def test_a_line_of_only_code_or_math_has_no_separator(tmp_path: Path) -> None:
    assert looks_delimited("`a | b`\n$c | d$\n") is False
    path = tmp_path / "cards.txt"
    path.write_text("x | y\n`a | b`\n$a | b$\nr | b\ns | c\nt | d\n", encoding="utf-8")
    warnings: list[Diagnostic] = []
    deck = read_notes(path, warn=warnings.append)
    assert [c.source.line for c in deck.cards] == [1, 4, 5, 6]
    assert [(w.line, "skipped" in w.message) for w in warnings] == [(2, True), (3, True)]


def test_cloze_syntax_in_a_cell_stays_text_with_a_warning() -> None:
    warnings: list[Diagnostic] = []
    deck = read_notes(CELLS, root=DELIMITED, warn=warnings.append)
    card = next(c for c in deck.cards if c.source.line == 14)
    assert card.kind is CardKind.BASIC
    assert inline_text(card.front) == "Mitosis makes {{c1::two}} cells"
    assert [w.line for w in warnings if "cloze" in w.message] == [14]


def test_cloze_like_text_that_would_be_an_error_in_notes_builds(tmp_path: Path) -> None:
    # A stray `}}` or `==` is an error in Markdown notes; a flashcard cell shows it as written.
    path = tmp_path / "templates.txt"
    path.write_text("Jinja output | {{ name }}\nEquality == test | x == y\n", encoding="utf-8")
    deck = read_notes(path)
    assert [facts(c) for c in deck.cards] == [["{{ name }}"], ["x == y"]]


def test_a_missing_image_in_a_cell_shows_its_description_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "pictures.txt"
    path.write_text("A cell | ok\nWhat is this? | ![cell](missing.png)\n", encoding="utf-8")
    warnings: list[Diagnostic] = []
    card = read_notes(path, warn=warnings.append).cards[1]
    assert [(w.line, "'missing.png' not found" in w.message) for w in warnings] == [(2, True)]
    assert facts(card) == ["[cell]"]


def test_csv_and_tsv_cells_are_inline_markdown_too(tmp_path: Path) -> None:
    path = tmp_path / "physics.csv"
    path.write_text('front,back\n"Speed, $v$",$v = \\frac{d}{t}$\n', encoding="utf-8")
    card = read_notes(path).cards[0]
    assert card.front == (Text("Speed, "), Math("v"))
    assert facts(card) == ["v = \\frac{d}{t}"]
    tsv = tmp_path / "words.tsv"
    tsv.write_text("**la casa**\tthe `house`\n", encoding="utf-8")
    card = read_notes(tsv).cards[0]
    assert card.front == (Strong((Text("la casa"),)),)
    assert card.back == (Paragraph((Text("the "), Code("house")), 1),)


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
