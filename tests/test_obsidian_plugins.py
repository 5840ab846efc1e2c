"""Notes written for Obsidian flashcard plugins (Spaced Repetition, flashcards-obsidian): their
cards are read in the plugins' syntax, built into Anki decks and shown by `notes2decks show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from anki_support import fresh_collection, import_package, notes_by_front, visible_text
from notes2decks.cli import main, make_deck

SPACED_REPETITION = """\
---
tags: [biology]
---
#flashcards/Biology/Cells

Cells are the units of life.

Ribosome::Where proteins are made
Mitochondrion ::: Makes ATP <!--SR:!2025-06-23,28,271-->
The cell wall is made of cellulose

What does ATP stand for?
?
Adenosine triphosphate
<!--SR:!2025-06-23,28,271-->

Osmosis
??
Water moving across a membrane

Name the stages of mitosis
?
- prophase
- metaphase

The nucleus holds the ==DNA== of the cell.
"""

FLASHCARDS = """\
---
cards-deck: School::Physics
---
# Waves

## What is a wave? #card
A wave carries energy without carrying matter.
^1658939265058

## Frequency #card-reverse
The number of waves passing a point each second.

## Amplitude #card/reverse
The greatest displacement from rest.

## Background
Waves are everywhere.

Speed of light::300,000 km/s
"""


def build(notes: Path, out: Path) -> str:
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "--no-lock", "-j", "1", "--format", "apkg"]
    )
    assert result.exit_code == 0, result.output
    return result.output


def imported(package: Path, folder: Path) -> dict[str, tuple[str, str, str]]:
    """The notes of a package as Anki imports them: front -> (note type, back, deck)."""
    col = fresh_collection(folder)
    try:
        assert import_package(col, package).counts["new"] > 0
        notes = notes_by_front(col)
        result = {}
        for front, note in notes.items():
            card = note.cards()[0]
            back = visible_text(note.fields[1]) if len(note.fields) > 1 else ""
            result[front] = (note.note_type()["name"], back, col.decks.name(card.did))
        return result
    finally:
        col.close()


def test_a_spaced_repetition_note_gives_every_kind_of_card(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cells.md").write_text(SPACED_REPETITION, encoding="utf-8")
    output = build(notes, tmp_path / "out")
    assert "warning:" not in output
    found = imported(tmp_path / "out" / "cells.apkg", tmp_path / "anki")
    types = {front: kind for front, (kind, _, _) in found.items()}
    assert types == {
        "Ribosome": "notes2decks Basic v2",
        "Mitochondrion": "notes2decks Basic (and reversed) v2",
        "What does ATP stand for?": "notes2decks Basic v2",
        "Osmosis": "notes2decks Basic (and reversed) v2",
        "Name the stages of mitosis": "notes2decks Basic v2",
        "The nucleus holds the {{c1::DNA}} of the cell.": "notes2decks Cloze v2",
        # The text beside the cards is kept on the topic's own card, never dropped.
        "Cells": "notes2decks Revision v2",
    }
    assert found["Ribosome"][1] == "Where proteins are made"
    assert "Makes ATP" in found["Mitochondrion"][1] and "SR:" not in found["Mitochondrion"][1]
    assert found["What does ATP stand for?"][1] == "Adenosine triphosphate"
    assert "prophase" in found["Name the stages of mitosis"][1]
    assert "metaphase" in found["Name the stages of mitosis"][1]
    # The deck is the one the #flashcards tag names.
    assert {deck for _, _, deck in found.values()} == {"Biology::Cells"}


def test_a_flashcards_obsidian_note_gives_heading_cards(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "waves.md").write_text(FLASHCARDS, encoding="utf-8")
    output = build(notes, tmp_path / "out")
    assert "unknown key" not in output
    found = imported(tmp_path / "out" / "waves.apkg", tmp_path / "anki")
    kinds = {front: kind for front, (kind, _, _) in found.items()}
    assert kinds == {
        "What is a wave?": "notes2decks Basic v2",
        "Frequency": "notes2decks Basic (and reversed) v2",
        "Amplitude": "notes2decks Basic (and reversed) v2",
        "Background": "notes2decks Revision v2",
        "Speed of light": "notes2decks Basic v2",
    }
    back = found["What is a wave?"][1]
    assert "carries energy" in back and "1658939265058" not in back
    assert {deck for _, _, deck in found.values()} == {"School::Physics"}


def test_show_prints_the_plugin_cards(tmp_path: Path) -> None:
    note = tmp_path / "cells.md"
    note.write_text(SPACED_REPETITION, encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(note)])
    assert result.exit_code == 0, result.output
    assert "deck 'Biology::Cells'" in result.output
    assert "1. basic: Ribosome" in result.output
    assert "2. reversed: Mitochondrion" in result.output
    assert "3. basic: What does ATP stand for?" in result.output
    assert "SR:" not in result.output and "#flashcards" not in result.output


def show(note: Path, text: str) -> str:
    note.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["show", "--json", str(note)])
    assert result.exit_code == 0, result.output
    return result.output


def kinds_and_fronts(output: str) -> list[tuple[str, str]]:
    deck = json.loads(output)
    return [(card["kind"], _text(card["front"])) for card in deck["cards"]]


def _text(inlines: list[dict[str, Any]]) -> str:
    return "".join(str(node.get("text", "")) + _text(node.get("children", [])) for node in inlines)


def test_our_own_notes_keep_double_colons_as_text(tmp_path: Path) -> None:
    # Without a plugin's sign, `History::Russia` and `std::vector` are text, not cards.
    output = show(tmp_path / "a.md", "## Decks\n\nWrite History::Russia and std::vector.\n")
    assert kinds_and_fronts(output) == [("revision", "Decks")]


def test_syntax_in_front_matter_asks_for_a_plugin(tmp_path: Path) -> None:
    text = "---\nsyntax: obsidian-sr\n---\nstd::vector\n\nQ\n?\nA\n"
    assert kinds_and_fronts(show(tmp_path / "a.md", text)) == [("basic", "std"), ("basic", "Q")]


def test_syntax_notes2decks_turns_guessing_off(tmp_path: Path) -> None:
    text = "---\nsyntax: notes2decks\n---\n## Tags\n\nA #flashcards note about a::b.\n"
    assert kinds_and_fronts(show(tmp_path / "a.md", text)) == [("revision", "Tags")]


def test_an_unknown_syntax_warns_and_is_ignored(tmp_path: Path) -> None:
    note = tmp_path / "a.md"
    note.write_text("---\nsyntax: anki\n---\n## A\n\ntext\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(note)])
    assert "a.md:2: warning: front matter: syntax 'anki' is not known" in result.output


def test_bold_and_curly_clozes_only_when_the_note_asks_for_them(tmp_path: Path) -> None:
    body = "---\nsyntax: obsidian-sr\n{}---\nQ::A\n\nThe **cell** is {}\n"
    plain = kinds_and_fronts(show(tmp_path / "a.md", body.format("", "small")))
    # Without cloze marks, the sentence is a fact, kept on the topic's own card.
    assert plain == [("basic", "Q"), ("revision", "A")]
    marks = "cloze-marks: [highlight, bold, curly]\n"
    asked = kinds_and_fronts(show(tmp_path / "b.md", body.format(marks, "{{small}}")))
    assert [kind for kind, _ in asked] == ["basic", "cloze"]
    deck = json.loads(show(tmp_path / "b.md", body.format(marks, "{{small}}")))
    clozes = [node for node in deck["cards"][1]["front"] if node["type"] == "Cloze"]
    assert [node["number"] for node in clozes] == [1, 2]


def test_a_custom_separator_is_read_from_the_vault_settings(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    settings = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    settings.mkdir(parents=True)
    (settings / "data.json").write_text(
        json.dumps({"settings": {"singleLineCardSeparator": ";;"}}), encoding="utf-8"
    )
    text = "---\ntags: [flashcards]\n---\nWhat is RAM?;; Memory\n"
    assert kinds_and_fronts(show(vault / "a.md", text)) == [("basic", "What is RAM?")]


def test_a_custom_card_tag_is_given_in_front_matter(tmp_path: Path) -> None:
    text = "---\ncards-deck: Uni\ncard-tag: fc\n---\n## Definition: #fc\n- a graph\n"
    assert kinds_and_fronts(show(tmp_path / "a.md", text)) == [("basic", "Definition:")]


def test_a_question_mark_line_without_an_answer_warns_and_keeps_the_text(tmp_path: Path) -> None:
    note = tmp_path / "a.md"
    note.write_text("#flashcards\n\nWhat is it?\n?\n\nLater text\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(note)])
    assert "a.md:4: warning: the card above this '?' line has no answer" in result.output
    assert "What is it?" in result.output


def test_a_question_in_a_list_takes_the_items_under_it_as_its_answer(tmp_path: Path) -> None:
    text = (
        "#flashcards\n\n- **Name two noble gases**\n?\n- neon\n- argon\n"
        "<!--SR:!2025-06-16,116,301-->\n\n- Symbol of gold::Au\n"
    )
    deck = json.loads(show(tmp_path / "a.md", text))
    assert kinds_and_fronts(show(tmp_path / "a.md", text)) == [
        ("basic", "Name two noble gases"),
        ("basic", "Symbol of gold"),
    ]
    answer = deck["cards"][0]["back"][0]
    assert answer["type"] == "BulletList" and len(answer["items"]) == 2
