"""The heading a card's front needs to be understood (`Card.section`): which cards get one from
each reader, and how Anki, the PDF and `notes2decks show` display it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from anki_support import body, fresh_collection, import_package, notes_by_front, visible_text
from helpers import card, make_deck, para
from notes2decks.cli import main
from notes2decks.cli import make_deck as make_deck_command
from notes2decks.enrich.autocloze import add_auto_cloze
from notes2decks.model import CardKind, Deck, Text, inline_text
from notes2decks.readers import read_notes
from notes2decks.serialize import deck_to_data, from_data, to_data

SECTIONED = """\
# Osmosis

## Definition

- Water moves across a partially permeable membrane

## Continued

- From a dilute solution to a concentrated one

The water potential of pure water is {{c1::zero}}.

## Turgor

- A plant cell full of water is turgid

# Stalin

## KEY POINTS:

- He rose through the party's offices

In {{c1::1922}} he became General Secretary.

Q: Which post did he hold?
A: General Secretary

## 2. Examples

- The Lenin Enrolment
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def sections(deck: Deck) -> dict[str, str]:
    return {inline_text(c.front): inline_text(c.section) for c in deck.cards}


def read(folder: Path, text: str, name: str = "biology.md") -> Deck:
    path = write(folder, name, text)
    return read_notes(path, root=folder, file=name)


# --------------------------------------------------------------------------- Markdown


def test_generic_headings_show_their_parent_and_other_headings_nothing(tmp_path: Path) -> None:
    found = sections(read(tmp_path, SECTIONED))
    assert found == {
        "Definition": "Osmosis",
        # A heading that goes on with the card before it shows that card's full name.
        "Continued": "Osmosis — Definition",
        "The water potential of pure water is zero.": "Osmosis — Definition",
        "Turgor": "",
        # Compared by their words: case, a colon and a number in front do not matter.
        "KEY POINTS:": "Stalin",
        "In 1922 he became General Secretary.": "Stalin — KEY POINTS:",
        "Which post did he hold?": "Stalin — KEY POINTS:",
        "2. Examples": "Stalin",
    }


def test_lines_under_a_plain_heading_show_that_heading(tmp_path: Path) -> None:
    deck = read(
        tmp_path,
        "# Russia\n\n## Stalin\n\n- Born in Georgia\n\n"
        "In {{c1::1924}} he formed the Triumvirate.\n\nQ: With whom?\nA: Zinoviev and Kamenev\n\n"
        "Lenin :: Led the revolution\n",
    )
    assert sections(deck) == {
        "Stalin": "",
        "In 1924 he formed the Triumvirate.": "Stalin",
        "With whom?": "Stalin",
        "Lenin": "Stalin",
    }


def test_cards_before_any_heading_and_without_a_parent_show_nothing(tmp_path: Path) -> None:
    deck = read(
        tmp_path,
        "# Waves\n\nIn {{c1::1801}} Young showed interference.\n\n"
        "## Summary\n\n- Waves carry energy\n",
    )
    # The title is the topic, shown on every front already: no section repeats it.
    assert sections(deck) == {"In 1801 Young showed interference.": "", "Summary": ""}


def test_deeper_card_headings_show_the_group_heading_above_a_generic_one(tmp_path: Path) -> None:
    deck = read(
        tmp_path,
        "### Diffusion\n\n#### Definition\n\n- Particles spread out\n\n"
        "#### Rate\n\n- Faster when warmer\n\n#### Examples\n\n- Gas exchange\n",
    )
    cards = [(inline_text(c.front), inline_text(c.section)) for c in deck.cards]
    assert cards == [("Definition", "Diffusion"), ("Rate", ""), ("Examples", "Diffusion")]


def test_the_parts_of_a_long_generic_section_all_show_its_parent(tmp_path: Path) -> None:
    facts = "".join(
        f"- Fact number {n} about the cell membrane and what crosses it\n" for n in range(80)
    )
    deck = read(tmp_path, f"# Membranes\n\n## Notes\n\n{facts}\n# Other\n\n## Rest\n\n- x\n")
    parts = [c for c in deck.cards if inline_text(c.front).startswith("Notes")]
    assert len(parts) > 1
    assert {inline_text(c.section) for c in parts} == {"Membranes"}


def test_the_section_is_never_part_of_the_identity(tmp_path: Path) -> None:
    under = read(
        tmp_path / "a", "# Osmosis\n\n## Definition\n\n- Water moves\n\n# Other\n\n## X\n\n- y\n"
    )
    alone = read(tmp_path / "b", "## Definition\n\n- Water moves\n\n## X\n\n- y\n")
    assert inline_text(under.cards[0].section) == "Osmosis"
    assert alone.cards[0].section == ()
    assert under.cards[0].identity == alone.cards[0].identity


# --------------------------------------------------------------------------- JSON


def test_json_leaves_an_empty_section_out_and_round_trips_one(tmp_path: Path) -> None:
    deck = read(tmp_path, SECTIONED)
    data = deck_to_data(deck, tmp_path)
    by_front = {inline_text(from_data(c["front"], tmp_path)): c for c in data["cards"]}
    assert "section" not in by_front["Turgor"]
    assert by_front["Definition"]["section"] == [{"type": "Text", "text": "Osmosis"}]
    for original in deck.cards:
        assert from_data(json.loads(json.dumps(to_data(original, tmp_path))), tmp_path) == original


# --------------------------------------------------------------------------- card sets


CARD_SET = """\
The Cold War

The Yalta Conference

In February 1945 the Allies agreed to divide Germany into four zones

1 of 2

Stalin promised free elections in Poland, which were never held in 1945

2 of 2
"""


def test_a_continued_card_and_automatic_clozes_show_their_heading(tmp_path: Path) -> None:
    deck = read(tmp_path, CARD_SET, "cold-war.txt")
    assert [(inline_text(c.front), inline_text(c.section)) for c in deck.cards] == [
        ("The Yalta Conference", ""),
        ("The Yalta Conference (continued)", "The Yalta Conference"),
    ]
    clozes = [c for c in add_auto_cloze(deck).cards if c.kind is CardKind.CLOZE]
    assert clozes
    assert {inline_text(c.section) for c in clozes} == {"The Yalta Conference"}


def test_an_automatic_cloze_of_a_generic_heading_shows_its_parent_too() -> None:
    fact = para("In 1924 he formed the Triumvirate", line=2)
    source = replace(card(CardKind.REVISION, "Definition", fact), section=(Text("Stalin"),))
    made = [c for c in add_auto_cloze(make_deck(source)).cards if c.kind is CardKind.CLOZE]
    assert [inline_text(c.section) for c in made] == ["Stalin — Definition"]


# --------------------------------------------------------------------------- outputs


def build(notes: Path, out: Path, formats: str) -> None:
    result = CliRunner().invoke(
        make_deck_command,
        [str(notes), "-o", str(out), "--format", formats, "--no-lock", "-j", "1"],
    )
    assert result.exit_code == 0, result.output


def test_anki_shows_topic_and_section_above_the_prompt(tmp_path: Path) -> None:
    notes = write(tmp_path / "notes", "biology.md", "---\ntitle: Cells\n---\n\n" + SECTIONED)
    build(notes, tmp_path / "out", "apkg")
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "out" / "biology.apkg")
    notes_found = notes_by_front(col)

    definition = notes_found["Definition"]
    assert definition["Section"] == "Osmosis"
    question = body(col.get_card(definition.card_ids()[0]).question())
    assert '<div class="n2d-topic">Cells<span>Osmosis</span></div>' in question
    # The topic and section come before the prompt, as a reader sees the card.
    assert visible_text(question) == "Cells Osmosis Definition"

    cloze = notes_found["In {{c1::1922}} he became General Secretary."]
    assert cloze["Section"] == "Stalin — KEY POINTS:"
    asked = col.get_card(cloze.card_ids()[0]).question()
    assert visible_text(asked).startswith("Cells Stalin — KEY POINTS: In [...] he became")

    # A heading that needs nothing shows the topic alone.
    turgor = body(col.get_card(notes_found["Turgor"].card_ids()[0]).question())
    assert notes_found["Turgor"]["Section"] == ""
    assert "<span>" not in turgor and visible_text(turgor) == "Cells Turgor"
    col.close()


def test_the_pdf_prints_the_section_small_above_the_front(tmp_path: Path) -> None:
    notes = write(tmp_path / "notes", "biology.md", "---\ntitle: Cells\n---\n\n" + SECTIONED)
    build(notes, tmp_path / "out", "pdf")
    with pdfplumber.open(tmp_path / "out" / "biology.pdf") as pdf:
        words = pdf.pages[0].extract_words(extra_attrs=["size"])

    def just_above(front: str) -> list[dict[str, object]]:
        """The words in the 30 pt right above a front's first word, across its width."""
        word = next(w for w in words if w["text"] == front)
        return [
            w
            for w in words
            if word["top"] - 30 <= w["bottom"] <= word["top"]
            and w["x1"] >= word["x0"] - 40
            and w["x0"] <= word["x1"] + 40
        ]

    heading = next(w for w in words if w["text"] == "Definition")
    above = just_above("Definition")
    assert [w["text"] for w in above] == ["Osmosis"]
    assert above[0]["size"] < heading["size"] / 2
    # A front that needs no section has none.
    assert just_above("Turgor") == []


def test_show_lists_the_section(tmp_path: Path) -> None:
    notes = write(tmp_path / "notes", "biology.md", SECTIONED)
    result = CliRunner().invoke(main, ["show", str(notes)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if ". revision: Definition" in line)
    assert lines[at + 1] == "   section: Osmosis"
    turgor = next(i for i, line in enumerate(lines) if ". revision: Turgor" in line)
    assert "section:" not in lines[turgor + 1]


@pytest.mark.parametrize(
    "heading", ["Summary", "summary", "Extra notes", "INTRODUCTION", "Overview"]
)
def test_each_generic_heading_is_known(tmp_path: Path, heading: str) -> None:
    deck = read(
        tmp_path, f"# Topic one\n\n## {heading}\n\n- A fact\n\n# Topic two\n\n## X\n\n- y\n"
    )
    assert inline_text(deck.cards[0].section) == "Topic one"


def test_a_heading_that_repeats_the_title_is_not_shown_twice(tmp_path: Path) -> None:
    # Flashcard notes often open with a heading named like the file: the topic shows it.
    deck = read(
        tmp_path, "## Logic gates\n\nQ: What does AND do?\nA: Both inputs\n", "logic-gates.md"
    )
    assert [(inline_text(c.front), c.section) for c in deck.cards] == [("What does AND do?", ())]


def test_a_formula_in_a_printed_section_is_typeset(tmp_path: Path) -> None:
    notes = write(
        tmp_path / "notes",
        "motion.md",
        "## Acceleration $a = \\frac{\\Delta v}{\\Delta t}$\n\nQ: What is its unit?\nA: m/s²\n",
    )
    build(notes, tmp_path / "out", "pdf")
    with pdfplumber.open(tmp_path / "out" / "motion.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "Acceleration" in text and "What is its unit?" in text
    assert "\\frac" not in text and "$" not in text


def test_automatic_clozes_of_a_card_named_by_the_title_show_no_section(tmp_path: Path) -> None:
    # The first card of a set without a heading takes the set's title as its front.
    deck = read(
        tmp_path, "The Cold War\n\nIn 1949 NATO was formed by the west.\n\n1 of 1\n", "cw.txt"
    )
    assert inline_text(deck.cards[0].front) == "The Cold War"
    clozes = [c for c in add_auto_cloze(deck).cards if c.kind is CardKind.CLOZE]
    assert clozes and all(c.section == () for c in clozes)
