"""The delimited flashcard reader: `front | back`, tab-separated, .tsv and .csv files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_support import fresh_collection, import_package, notes_by_front, visible_text
from helpers import FIXTURES, PNG_A, check_golden
from notes2decks.cli import make_deck
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.model import (
    BulletList,
    Card,
    CardKind,
    Code,
    Emphasis,
    Image,
    LineBreak,
    Math,
    Paragraph,
    Strong,
    Table,
    Text,
    ThematicBreak,
    block_lines,
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
        # The separator is the file's, not the line's: both lines hold a bar.
        ("x | y\tz", (Text("x"),), (Text("y z"),)),
        ("$a\tb$ | c", (Math("a b"),), (Text("c"),)),
    ],
)
def test_a_line_splits_at_the_files_separator_outside_code_and_math(
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
    # Both misfits share one warning, with their count and lines.
    assert [w.line for w in warnings] == [2]
    assert "2 lines have no separator" in warnings[0].message
    assert "(lines 2, 3)" in warnings[0].message


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
        "Multi\nline",
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


def test_meta_columns_that_leave_one_field_column_are_read_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(
        "#separator:tab\n#html:false\n#tags column:1\nhistory\tWho led?\nhistory\tWhen?\t1917\n",
        encoding="utf-8",
    )
    warnings: list[Diagnostic] = []
    deck = read_notes(path, warn=warnings.append)
    assert [(inline_text(c.front), block_lines(c.back)) for c in deck.cards] == [
        ("When?", ["1917"])
    ]
    assert [w.line for w in warnings] == [4]
    assert "nothing on the back" in warnings[0].message


# --------------------------------------------------------------------------- formats people have

FORMATS = DELIMITED / "formats"


def _anki_notes(tmp_path: Path, notes: Path) -> tuple[dict[str, Any], Any]:
    """Build `notes` with the CLI and import every package into one fresh Anki collection."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "--format", "apkg", "--no-lock", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    col = fresh_collection(tmp_path / "anki")
    for package in sorted(out.rglob("*.apkg")):
        assert import_package(col, package).counts["new"] > 0, package
    return notes_by_front(col), col


def _summary(note: Any, col: Any) -> tuple[str, list[str], str]:
    card = note.cards()[0]
    return (visible_text(note.fields[1]), sorted(note.tags), col.decks.name(card.did))


def test_each_format_imports_into_anki_as_its_expected_notes(tmp_path: Path) -> None:
    notes, col = _anki_notes(tmp_path, FORMATS)
    got = {front: _summary(note, col) for front, note in notes.items()}
    vocabulary = "Spanish vocabulary"
    expected = {
        # A pipe .csv written by csv.writer, CRLF, quoted fields with bars, quotes, line breaks.
        "What is an ion?": (
            "An atom or molecule with a net electric charge",
            [],
            "Chemistry export",
        ),
        "Symbol for the pipe test": ("a|b means a or b", [], "Chemistry export"),
        'What does "inert" mean?': (
            'Unreactive: it takes part in no "reaction"',
            [],
            "Chemistry export",
        ),
        "Name the halogens": (
            "Fluorine Chlorine Bromine Iodine",
            [],
            "Chemistry export",
        ),
        "Avogadro's constant": (
            r"\(6.02 \times 10^{23}\) per mole",
            [],
            "Chemistry export",
        ),
        # A ` | ` vocabulary .csv with commas in its fields: the bar separates, not the comma.
        "la casa": ("the house, the home", [], vocabulary),
        "el perro": ("the dog", [], vocabulary),
        "hablar": ("to speak, to talk", [], vocabulary),
        "la mesa": ("the table", [], vocabulary),
        "comer": ("to eat, to have lunch (in Spain)", [], vocabulary),
        '"vale"': ("OK, all right", [], vocabulary),
        "el tiempo": ("the weather, the time", [], vocabulary),
        # Five columns with a header row: tags become tags, the rest joins the back.
        "der Apfel": (
            "the apple Audio: [sound:apfel.mp3] Example: Ich esse einen Apfel.",
            ["food", "nouns"],
            "German words",
        ),
        "laufen": (
            "to run Audio: [sound:laufen.mp3] Example: Er läuft schnell.",
            ["verbs"],
            "German words",
        ),
        "schön": (
            "beautiful, nice Example: Das Wetter ist schön.",
            ["adjectives"],
            "German words",
        ),
        "die Katze": (
            "the cat Audio: [sound:katze.mp3]",
            ["animals", "nouns"],
            "German words",
        ),
        # Anki's "Notes in Plain Text": headers, a deck column, a tags column, HTML fields.
        "Mitochondria": (
            "Site of aerobic respiration Releases energy as ATP",
            ["biology", "cells"],
            "Biology::Cells",
        ),
        "What does this show?": ("An animal cell", ["biology"], "Biology::Cells"),
        "Name the cell parts": ("nucleus cytoplasm membrane", [], "Biology::Cells"),
        "Osmosis": ("Movement of water across a membrane", [], "Biology::Cells"),
        "Where to read more?": ("Cell biology or click here", [], "Biology::Cells"),
        "Enzyme rate at low concentration": (r"\(r = k[S]\), so x < y", [], "Biology::Cells"),
        "Hear the word": ("[sound:mitosis.mp3] mitosis", ["audio"], "Biology::Cells"),
        "A lost picture [missing.png]": ("It is not in the folder", [], "Biology::Cells"),
        # Quizlet: term TAB definition, and its custom '-' between, ';' between cards.
        "France": ("Paris", [], "Quizlet::Capitals"),
        "Germany": ("Berlin", [], "Quizlet::Capitals"),
        "Spain": ("Madrid", [], "Quizlet::Capitals"),
        "Italy": ("Rome", [], "Quizlet::Capitals"),
        "H": ("Hydrogen", [], "Quizlet::Elements"),
        "He": ("Helium", [], "Quizlet::Elements"),
        "Li": ("Lithium", [], "Quizlet::Elements"),
        "C": ("Carbon, the basis of life", [], "Quizlet::Elements"),
        "O": ("Oxygen", [], "Quizlet::Elements"),
    }
    assert got == expected


def test_anki_export_html_becomes_safe_anki_fields(tmp_path: Path) -> None:
    notes, _ = _anki_notes(tmp_path, FORMATS / "anki")
    fields = {front: note.fields[1] for front, note in notes.items()}
    everything = " ".join(" ".join(note.fields) for note in notes.values())
    assert "<b>Mitochondria</b>" in notes["Mitochondria"].fields[0]
    assert "<i>aerobic</i>" in fields["Mitochondria"]
    assert fields["Name the cell parts"].count("<li>") == 3
    assert '<a href="https://example.org/cells">Cell biology</a>' in fields["Where to read more?"]
    assert "[sound:mitosis.mp3]" in fields["Hear the word"]
    assert re.search(r'<img src="[^"]+\.png"', notes["What does this show?"].fields[0])
    # Nothing of the page's own markup survives: no script, handler, style, font or div.
    for unsafe in ("<script", "onclick", "javascript:", "style=", "<font", "<span", "<div"):
        assert unsafe not in everything
    # The question part before <hr id=answer> repeats the front, so it is not on the back.
    assert "Osmosis" not in visible_text(fields["Osmosis"])


def test_html_fields_in_the_model(tmp_path: Path) -> None:
    warnings: list[Diagnostic] = []
    deck = read_notes(FORMATS / "anki" / "Biology notes.txt", root=FORMATS, warn=warnings.append)
    assert deck.deck_path == "Biology::Cells"
    cards = {inline_text(card.front): card for card in deck.cards}
    assert cards["Mitochondria"].back == (
        Paragraph((Text("Site of "), Emphasis((Text("aerobic"),)), Text(" respiration")), 6),
        Paragraph((Text("Releases energy as ATP"),), 6),
    )
    front = cards["What does this show?\n"].front
    assert isinstance(front[-1], Image) and front[-1].path.name == "cell.png"
    parts = cards["Name the cell parts"].back[0]
    assert isinstance(parts, BulletList) and len(parts.items) == 3
    assert cards["Enzyme rate at low concentration"].back[0] == Paragraph(
        (Math("r = k[S]"), Text(", so x < y")), 15
    )
    assert [(w.line, w.message.split(";")[0]) for w in warnings] == [
        (14, "a <script> in this field was left out"),
        (
            17,
            f"image 'missing.png' not found (looked for {FORMATS / 'anki' / 'missing.png'})",
        ),
    ]


@pytest.mark.parametrize("separator", ["\t", "|", " | ", ";", "; ", ",", ":", " : "])
@pytest.mark.parametrize("suffix", [".txt", ".tsv", ".csv"])
def test_the_separator_comes_from_the_lines_not_the_extension(
    tmp_path: Path, separator: str, suffix: str
) -> None:
    lines = [
        ("gravity", "a force, pulling masses together"),
        ("mass", "how much matter, in kg"),
        ("weight", "the force of gravity on a mass"),
    ]
    path = tmp_path / f"physics{suffix}"
    path.write_bytes("\r\n".join(f"{a}{separator}{b}" for a, b in lines).encode() + b"\r\n")
    deck = read_notes(path)
    # With commas, most lines split in three: the first separates, the others stay in the back.
    assert [(inline_text(c.front), facts(c)) for c in deck.cards] == [(a, [b]) for a, b in lines]


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ("#separator:Pipe", "a,b|c;d"),
        ("#separator:Semicolon", "a,b|c;d"),
        ("#separator:comma", "a,b|c;d"),
        ("#separator:;", "a,b|c;d"),
        ("#separator:Space", "a,b|c d"),
        ("#separator:Colon", "a,b|c:d"),
    ],
)
def test_the_separator_header_decides(tmp_path: Path, header: str, line: str) -> None:
    path = tmp_path / "cards.txt"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    sep = {"Pipe": "|", "Semicolon": ";", "comma": ",", ";": ";", "Space": " ", "Colon": ":"}
    expected = line.split(sep[header.split(":", 1)[1]], 1)
    card = read_notes(path).cards[0]
    assert [inline_text(card.front), *facts(card)] == expected


def test_html_false_keeps_markdown_and_shows_tags_as_written(tmp_path: Path) -> None:
    path = tmp_path / "cards.txt"
    path.write_text("#html:false\n<b>x</b>\t**y**\n", encoding="utf-8")
    card = read_notes(path).cards[0]
    assert inline_text(card.front) == "<b>x</b>"
    assert card.back == (Paragraph((Strong((Text("y"),)),), 2),)


def test_columns_header_chooses_front_and_back(tmp_path: Path) -> None:
    path = tmp_path / "cards.txt"
    path.write_text(
        "#separator:tab\n#columns:Back\tFront\tNotes\n#guid column:4\n"
        "la respuesta\tthe question\tsee p. 4\tAbC123\n",
        encoding="utf-8",
    )
    warnings: list[Diagnostic] = []
    card = read_notes(path, warn=warnings.append).cards[0]
    assert inline_text(card.front) == "the question"
    assert facts(card) == ["la respuesta", "Notes: see p. 4"]
    assert len(warnings) == 1 and "column 3 ('Notes')" in warnings[0].message


def test_a_file_with_anki_headers_is_never_a_card_set() -> None:
    assert looks_delimited("#separator:tab\n#html:true\nTitle\n\nA fact\n\n1 of 1\n")
    assert looks_delimited("#deck:Physics\nOne line without a separator\n")
    assert not looks_delimited("# A comment\nTitle\n\nA fact, with a comma\n\n1 of 1\n")


def test_many_lines_skipped_for_one_reason_give_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "cards.tsv"
    lines = [f"word {n}\tmeaning" for n in range(3)] + [f"orphan {n}" for n in range(1, 41)]
    lines += ["r\t"] * 2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings: list[Diagnostic] = []
    deck = read_notes(path, warn=warnings.append)
    assert len(deck.cards) == 3
    skipped = [w for w in warnings if "skipped" in w.message]
    assert [(w.line, w.message) for w in skipped] == [
        (4, "40 lines have no separator, so they were skipped (lines 4, 5, 6, 7, 8, ...)"),
        (44, "2 lines have nothing on the back, so they were skipped (lines 44, 45)"),
    ]


def test_quoted_fields_hold_separators_quotes_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "cards.txt"
    path.write_bytes(b'"a; b";"He said ""hi""\r\nthen left"\r\nc;d\r\n# a comment\r\ne;f\r\n')
    deck = read_notes(path)
    assert [inline_text(c.front) for c in deck.cards] == ["a; b", "c", "e"]
    assert deck.cards[0].back == (
        Paragraph((Text('He said "hi"'), LineBreak(), Text("then left")), 1),
    )
    assert [c.source.line for c in deck.cards] == [1, 3, 5]


def test_a_stray_quote_does_not_swallow_the_lines_after_it(tmp_path: Path) -> None:
    path = tmp_path / "quotes.txt"
    path.write_text('"To be or not to be | Hamlet\nq | a\nr | b\n', encoding="utf-8")
    deck = read_notes(path)
    assert [inline_text(c.front) for c in deck.cards] == ['"To be or not to be', "q", "r"]


def test_identity_comes_from_the_front_and_survives_a_rebuild(tmp_path: Path) -> None:
    first = read_notes(FORMATS / "anki" / "Biology notes.txt", root=FORMATS)
    again = read_notes(FORMATS / "anki" / "Biology notes.txt", root=FORMATS)
    assert [c.identity for c in first.cards] == [c.identity for c in again.cards]
    assert len({c.identity for c in first.cards}) == len(first.cards)
    # A front that is only a picture takes its identity from the picture's name.
    path = tmp_path / "pictures.txt"
    (tmp_path / "a.png").write_bytes(PNG_A)
    (tmp_path / "b.png").write_bytes(PNG_A)
    path.write_text('#html:true\n<img src="a.png">\tA\n<img src="b.png">\tB\n', encoding="utf-8")
    deck = read_notes(path)
    assert [c.identity.rsplit("/", 1)[-1] for c in deck.cards] == ["a png", "b png"]


def test_a_question_that_differs_from_the_front_stays_above_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "cards.txt"
    path.write_text(
        "#html:true\nCapital of France\tWhich city?<hr id=answer>Paris\n", encoding="utf-8"
    )
    card = read_notes(path).cards[0]
    assert card.back == (
        Paragraph((Text("Which city?"),), 2),
        ThematicBreak(),
        Paragraph((Text("Paris"),), 2),
    )


def test_a_deck_column_naming_several_decks_warns_once(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(
        "#separator:tab\n#deck column:1\nA::B\tq1\ta1\nA::B\tq2\ta2\nC\tq3\ta3\n", encoding="utf-8"
    )
    warnings: list[Diagnostic] = []
    deck = read_notes(path, warn=warnings.append)
    assert deck.deck_path == "A::B"
    assert [inline_text(c.front) for c in deck.cards] == ["q1", "q2", "q3"]
    assert len(warnings) == 1 and "names 2 decks" in warnings[0].message


def test_a_field_of_several_lines_is_markdown_blocks(tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_text(
        'Scheduling,"Two kinds:\n- offline\n- online"\n'
        'Summary,"| | sync |\n| --- | --- |\n| EDD | **fast** |"\n'
        'Schedule,"Task -> processor\nall tasks run to the end"\n',
        encoding="utf-8",
    )
    cards = read_notes(path).cards
    assert [type(block).__name__ for block in cards[0].back] == ["Paragraph", "BulletList"]
    table = cards[1].back[0]
    assert isinstance(table, Table) and table.rows[0][1] == (Strong((Text("fast"),)),)
    assert cards[2].back == (
        Paragraph((Text("Task -> processor"), LineBreak(), Text("all tasks run to the end")), 7),
    )
