"""Glossary terms written as definitions (`**Term** - definition`, `Term - definition` in a list
of terms), and terms that a card also asks: one fact, one Anki note.

The outline fixture `glossary/cell-biology-outline.md` is written in the style of class notes:
bold terms with every kind of separator, field labels that are not terms, a "Key terms" section
of plain lines, a bold parent item over a list of terms, and cards that ask some of the terms.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from anki_support import fresh_collection, import_package, notes_by_front
from helpers import FIXTURES
from notes2decks.cli import make_deck
from notes2decks.enrich.glossary import extract_glossary
from notes2decks.model import CardKind, TermKind, inline_text
from notes2decks.readers import read_notes

OUTLINE = FIXTURES / "glossary" / "cell-biology-outline.md"

OUTLINE_TERMS = {
    "Nucleus": "Contains the genetic material and controls the cell.",
    "Cell membrane": "Controls what enters and leaves the cell.",
    "Mitochondria": "Where aerobic respiration happens.",
    "Ribosome": "Where proteins are made.",
    "Chloroplast": "Absorbs light for photosynthesis.",
    "Diffusion": "The net movement of particles from high to low concentration.",
    "Active transport": "Movement against a concentration gradient, using energy.",
    "Osmosis": "The diffusion of water across a partially permeable membrane.",
    "Eukaryote": "A cell whose genetic material is enclosed in a nucleus.",
    "Prokaryote": "A cell without a nucleus, such as a bacterium.",
    "Specialised cell": "A cell adapted to a particular function.",
    "Stem cell": "An undifferentiated cell that can become other types of cell.",
    "Magnification": "How many times bigger the image is than the real object.",
    "Resolution": "The smallest distance between two points that can still be told apart.",
}
"""Every term of the outline fixture, with the definition a student should see."""

ASKED = {"Diffusion", "Active transport", "Osmosis"}
"""The outline's terms that a card also asks."""


def glossary_of(tmp_path: Path, text: str) -> dict[str, str]:
    notes = tmp_path / "notes.md"
    notes.write_text(text, encoding="utf-8")
    return {e.term: e.definition for e in extract_glossary(read_notes(notes))}


def test_outline_gives_every_term_and_only_the_definition() -> None:
    deck = read_notes(OUTLINE)
    glossary = extract_glossary(deck)
    assert {e.term: e.definition for e in glossary} == OUTLINE_TERMS
    assert all(e.kind is TermKind.AUTO for e in glossary)
    lines = OUTLINE.read_text(encoding="utf-8").splitlines()
    for entry in glossary:
        assert entry.term in lines[entry.source.line - 1], entry


@pytest.mark.parametrize("separator", [" - ", ": ", " – ", " — ", ":** ", " -** "])
def test_every_separator_gives_the_text_after_it(tmp_path: Path, separator: str) -> None:
    bold = f"**Osmosis{separator}" if separator.endswith("** ") else f"**Osmosis**{separator}"
    text = f"## Water\n\n- {bold}the diffusion of water across a membrane\n"
    assert glossary_of(tmp_path, text) == {"Osmosis": "The diffusion of water across a membrane."}


def test_lines_run_together_give_one_term_each(tmp_path: Path) -> None:
    text = (
        "## Urban areas\n\n"
        "**Regeneration** - upgrading existing places\n"
        "**Gentrification** – a poor area changed by wealthier people moving in\n"
    )
    assert glossary_of(tmp_path, text) == {
        "Regeneration": "Upgrading existing places.",
        "Gentrification": "A poor area changed by wealthier people moving in.",
    }


def test_labels_answers_and_dashes_in_a_sentence_are_not_terms(tmp_path: Path) -> None:
    text = (
        "## Sorting\n\n"
        "- **Heap sort** - sorts by building a heap\n"
        "  - **Importance**: fast in the worst case\n"
        "  - **Stable**: No, equal keys may swap\n"
        "- **Merge sort** - sorts by merging sorted halves\n"
        "  - **Importance**: stable and fast\n"
        "- **Quick sort** - sorts around a pivot\n"
        "  - **Importance**: fast on average\n"
        "- **See also**: searching\n"
        "- It uses a **heap** - a tree - to find the largest item.\n"
    )
    assert set(glossary_of(tmp_path, text)) == {"Heap sort", "Merge sort", "Quick sort"}


def test_plain_lines_are_terms_only_in_a_list_of_terms(tmp_path: Path) -> None:
    text = (
        "## Population\n\n"
        "- Birth rate - live births per thousand per year\n\n"
        "### Key terms\n\n"
        "- Death rate - deaths per thousand per year\n"
        "- Life expectancy: the average age a person expects to live to\n\n"
        "### Method\n\n"
        "- Step one - count the people\n\n"
        "## Vocabulary\n\n"
        "Push factor - makes you want to leave somewhere\n\n"
        "```\n"
        "Pull factor - attracts you to somewhere\n"
        "**Development gap** - the gap between the richest and poorest countries\n"
        "```\n\n"
        "## Migration\n\n"
        "- **Push and pull**\n"
        "  - Economic migrant - moves to find work\n"
        "  - Refugee: forced to leave their country\n"
        "- **Method**\n"
        "  - Survey - ask the migrants\n"
    )
    assert glossary_of(tmp_path, text) == {
        "Death rate": "Deaths per thousand per year.",
        "Life expectancy": "The average age a person expects to live to.",
        "Push factor": "Makes you want to leave somewhere.",
        "Pull factor": "Attracts you to somewhere.",
        "Development gap": "The gap between the richest and poorest countries.",
        "Economic migrant": "Moves to find work.",
    }


def test_code_and_notation_in_a_list_of_terms_are_not_terms(tmp_path: Path) -> None:
    text = (
        "## Definitions\n\n"
        "- $T$: a Turing machine\n"
        "- The following must hold: every state is reachable\n"
        "- Tape - an infinite row of cells\n\n"
        "```python\n"
        "x = 1 - y\n"
        "```\n"
    )
    assert glossary_of(tmp_path, text) == {"Tape": "An infinite row of cells."}


def test_an_explicit_term_a_card_asks_is_linked_to_that_card(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "## Water\n\n"
        "Osmosis :: the diffusion of water\n\n"
        "Q: What is diffusion?\n"
        "A: The spreading of particles.\n\n"
        "## Glossary\n\n"
        "Osmosis\n"
        ": The diffusion of water across a partially permeable membrane.\n\n"
        "Diffusion\n"
        ": Net movement from high to low concentration.\n\n"
        "Turgor\n"
        ": The pressure of water in a plant cell.\n",
        encoding="utf-8",
    )
    deck = read_notes(notes)
    asks = {inline_text(c.front): c.identity for c in deck.cards if c.kind is CardKind.BASIC}
    assert set(asks) == {"Osmosis", "What is diffusion?"}
    glossary = {e.term: e for e in extract_glossary(deck)}
    # The explicit entries are kept as written; only their link to a card is added.
    written = {e.term: e.definition for e in deck.glossary}
    assert {term: e.definition for term, e in glossary.items()} == written
    assert glossary["Osmosis"].card == asks["Osmosis"]
    assert glossary["Diffusion"].card == asks["What is diffusion?"]
    assert glossary["Turgor"].card == ""


def test_a_term_a_card_asks_is_one_anki_note_and_still_in_the_csv(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(OUTLINE, notes / OUTLINE.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "--format", "apkg,csv", "--no-lock", "-q"]
    )
    assert result.exit_code == 0, result.output

    with (out / "cell-biology-outline-glossary.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["term"]: row["definition"] for row in csv.DictReader(handle)}
    assert rows == OUTLINE_TERMS

    col = fresh_collection(tmp_path / "anki")
    log = import_package(col, out / "cell-biology-outline.apkg")
    notes_ = notes_by_front(col)
    kinds: dict[str, set[str]] = {}
    for front, note in notes_.items():
        kinds.setdefault(note.note_type()["name"], set()).add(front)
    # Four sections, three question cards, and the glossary terms no card asks.
    assert len(kinds["notes2decks Revision v2"]) == 4
    assert kinds["notes2decks Glossary v2"] == set(OUTLINE_TERMS) - ASKED
    assert len(kinds["notes2decks Basic v2"]) == 2
    assert len(kinds["notes2decks Basic (and reversed) v2"]) == 1
    assert log.counts["new"] == 4 + 3 + len(OUTLINE_TERMS) - len(ASKED)
    col.close()


def test_plain_lines_run_together_in_a_list_of_terms_are_told_apart(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "## Vocabulary\n\n"
        "Tentative - not certain\n"
        "Tenacity - a strong determination\n"
        "Tragic hero - of noble birth. Downfall is the rest of the play - flawed decisions\n"
        "Hamartia - a fatal flaw\n\n"
        "## Notes\n\n"
        "Conflict - war - money on weapons - death\n",
        encoding="utf-8",
    )
    glossary = extract_glossary(read_notes(notes))
    assert {e.term: (e.definition, e.source.line) for e in glossary} == {
        "Tentative": ("Not certain.", 3),
        "Tenacity": ("A strong determination.", 4),
        "Tragic hero": (
            "Of noble birth. Downfall is the rest of the play - flawed decisions.",
            5,
        ),
        "Hamartia": ("A fatal flaw.", 6),
    }


def test_an_explicit_term_a_card_asks_is_one_anki_note(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "water.md").write_text(
        "## Water\n\n"
        "Osmosis ::: the diffusion of water across a membrane\n\n"
        "## Glossary\n\n"
        "Osmosis\n"
        ": The diffusion of water across a partially permeable membrane.\n\n"
        "Turgor\n"
        ": The pressure of water in a plant cell.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "--format", "apkg,csv", "--no-lock", "-q"]
    )
    assert result.exit_code == 0, result.output
    with (out / "water-glossary.csv").open(encoding="utf-8-sig") as handle:
        assert [row["term"] for row in csv.DictReader(handle)] == ["Osmosis", "Turgor"]
    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "water.apkg")
    types = {front: note.note_type()["name"] for front, note in notes_by_front(col).items()}
    assert types == {
        "Osmosis": "notes2decks Basic (and reversed) v2",
        "Turgor": "notes2decks Glossary v2",
    }
    # Two cards each: the reversed note and Turgor's glossary note (asked both ways). Without the
    # link, Osmosis would have been asked four times.
    assert len(col.find_cards("")) == 4
    col.close()
