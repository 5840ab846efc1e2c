"""The Markdown reader: notes written in the authoring format of docs/FORMAT.md.

The golden tests read each fixture in tests/fixtures/markdown/ and compare the model, as
`serialize.deck_to_json`, with the `.json` file beside it, and the warnings with the `.warnings`
file. After a deliberate change to the reader, regenerate them with

    UPDATE_GOLDEN=1 pytest tests/test_markdown.py

and review the diff before committing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anki_support import fresh_collection, import_package, notes_by_front
from helpers import FIXTURES, check_golden, para
from notes2decks.cli import make_deck
from notes2decks.errors import Diagnostic, NotesError
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
    Heading,
    Image,
    Inlines,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Paragraph,
    Strong,
    Table,
    TermKind,
    Text,
    ThematicBreak,
    block_source,
    facts,
    inline_text,
)
from notes2decks.readers import ReadContext, read_notes
from notes2decks.readers.markdown import parse_markdown
from notes2decks.serialize import deck_to_json

MARKDOWN = FIXTURES / "markdown"
REPO = Path(__file__).resolve().parent.parent
GOLDEN = ["everything.md", "plain.md", "flashcards.md", "topics/stationary-waves.md"]


def read(
    text: str, folder: Path = MARKDOWN, name: str = "notes.md"
) -> tuple[Deck, list[Diagnostic]]:
    """Parse Markdown text as if it were the file `folder/name`."""
    warnings: list[Diagnostic] = []
    context = ReadContext(name, (folder / name).resolve(), folder, (), warnings.append)
    return parse_markdown(text, context), warnings


def deck_of(text: str, **kwargs: Path | str) -> Deck:
    return read(text, **kwargs)[0]  # type: ignore[arg-type]


def error_of(text: str, folder: Path = MARKDOWN) -> NotesError:
    with pytest.raises(NotesError) as caught:
        read(text, folder)
    return caught.value


def shown_text(deck: Deck) -> str:
    """Every text of a deck's cards, introduction and glossary, one space between words."""
    parts = [deck.title, block_source(deck.intro)]
    for card in deck.cards:
        parts += [inline_text(card.front), block_source(card.back)]
    parts += [f"{entry.term} {entry.definition}" for entry in deck.glossary]
    return " ".join(" ".join(parts).split())


def kinds(deck: Deck) -> list[tuple[str, str]]:
    return [(card.kind.value, inline_text(card.front)) for card in deck.cards]


def only(deck: Deck, kind: CardKind) -> list[Card]:
    return [card for card in deck.cards if card.kind is kind]


def clozes(inlines: Inlines) -> list[Cloze]:
    found: list[Cloze] = []
    for node in inlines:
        if isinstance(node, Cloze):
            found.append(node)
        if isinstance(node, Emphasis | Strong | Link | Cloze):
            found.extend(clozes(node.children))
    return found


def walk(blocks: tuple[object, ...]) -> list[object]:
    """Every block and inline under some blocks, depth first."""
    found: list[object] = []

    def inlines(nodes: Inlines) -> None:
        for node in nodes:
            found.append(node)
            if isinstance(node, Emphasis | Strong | Link | Cloze):
                inlines(node.children)

    for block in blocks:
        found.append(block)
        if isinstance(block, Paragraph | Heading):
            inlines(block.children)
        elif isinstance(block, BulletList):
            for item in block.items:
                found.extend(walk(item.children))
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    inlines(cell)
    return found


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_model(name: str) -> None:
    warnings: list[Diagnostic] = []
    deck = read_notes(MARKDOWN / name, root=MARKDOWN, file=name, warn=warnings.append)
    stem = MARKDOWN / name
    check_golden(deck_to_json(deck, base=MARKDOWN), stem.with_suffix(".json"))
    check_golden("".join(f"{w}\n" for w in warnings), stem.with_suffix(".warnings"))


def test_output_is_the_same_whatever_the_hash_seed() -> None:
    script = (
        "import sys; from pathlib import Path; from notes2decks.readers import read_notes; "
        "from notes2decks.serialize import deck_to_json; base = Path(sys.argv[1]); "
        "print(deck_to_json(read_notes(base / 'everything.md', root=base, file='e.md'), base))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(MARKDOWN)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "12345")
    }
    assert len(outputs) == 1
    assert '"reader": "markdown"' in outputs.pop()


def test_the_registry_sends_md_files_here() -> None:
    deck = read_notes(MARKDOWN / "plain.md")
    assert deck.reader == "markdown"
    assert deck.auto_cloze is False


# --------------------------------------------------------------------------- front matter


def test_front_matter_keys() -> None:
    deck, warnings = read(
        "---\ntitle: Waves\ndeck: Physics::Waves\nsubject: Physics\n"
        "tags: [waves, A level]\nauthor: Mr Ohm\nglossary: auto\n---\n## Card\nfact\n"
    )
    assert (deck.title, deck.deck_path, deck.subject, deck.author) == (
        "Waves",
        "Physics::Waves",
        "Physics",
        "Mr Ohm",
    )
    assert deck.tags == ("waves", "A_level")
    assert deck.auto_glossary is True
    assert warnings == []


def test_front_matter_keeps_line_numbers() -> None:
    deck = deck_of("---\ntitle: T\n---\n\n## Card\nfact\n")
    assert deck.cards[0].source.line == 5
    assert deck.cards[0].back == (Paragraph((Text("fact"),), 6),)


def test_front_matter_may_close_with_dots_and_may_be_empty() -> None:
    assert deck_of("---\ntitle: Dots\n...\n## C\nx\n").title == "Dots"
    assert deck_of("---\n---\n## C\nx\n", name="empty-front.md").title == "Empty front"


@pytest.mark.parametrize(
    ("written", "tags", "warned"),
    [
        ("tags: [russia, cold war, 'a::b']", ("russia", "cold_war", "a::b"), False),
        ("tags:\n  - russia\n  - russia\n  - Russia", ("russia",), False),
        ("tags: cold war, russia", ("cold_war", "russia"), False),
        ("tags: russia stalin", ("russia", "stalin"), False),
        ("tags: 5", ("5",), True),
        ("tags:", (), False),
    ],
)
def test_front_matter_tags(written: str, tags: tuple[str, ...], warned: bool) -> None:
    deck, warnings = read(f"---\n{written}\n---\n## C\nx\n")
    assert deck.tags == tags
    assert bool(warnings) is warned
    if warned:
        assert warnings[0].line == 2 and "list" in warnings[0].message


def test_unknown_keys_warn_and_are_kept_as_text() -> None:
    deck, warnings = read("---\ntitel: Oops\nlevel: 3\nsources: [a, b]\n---\n## C\nx\n")
    assert deck.extra == {"titel": "Oops", "level": "3", "sources": "[a, b]"}
    # One warning names them all, at the first one's line.
    assert [w.line for w in warnings] == [2]
    assert "'titel' (did you mean 'title'?), 'level', 'sources'" in warnings[0].message


def test_front_matter_values_are_read_as_written() -> None:
    deck = deck_of("---\ntitle: 1984\nauthor: [Ann, Bob]\n---\n## C\nx\n")
    assert deck.title == "1984"
    assert deck.author == "Ann, Bob"


@pytest.mark.parametrize(
    ("front_matter", "warning"),
    [
        ("title:", "'title' is empty"),
        ("title: A\ntitle: B", "given twice (lines 2 and 3)"),
        ("glossary: sometimes", "'glossary' takes 'auto'"),
    ],
)
def test_front_matter_warnings(front_matter: str, warning: str) -> None:
    _, warnings = read(f"---\n{front_matter}\n---\n## C\nx\n")
    assert len(warnings) == 1 and warning in warnings[0].message


@pytest.mark.parametrize(
    ("front_matter", "line", "message"),
    [
        ("title: [a]", 2, "'title' must be one line of text, not a list"),
        ("subject: {a: 1}", 2, "'subject' must be one line of text"),
        ("tags: {a: 1}", 2, "tags must be a list"),
        ("tags:\n  - [a, b]", 3, "each tag must be a word"),
        ("deck: History\ntitle: !!python/object:os.system x", 3, "may not use"),
        ("a: !!python/object/apply:os.system ['echo hi']", 2, "may not use"),
        ("a: &x [1, 2]\nb: *x", 3, "aliases"),
        ("title: 'unclosed", 3, "front matter"),
        ("title: Stalin: the rise", 2, "must be in quotes"),
        ("- just\n- a list", 2, "'key: value' lines"),
        ("glossary: 2024-02-30", 2, "cannot read this value"),
        ("title: x\n\tbad: tab", 3, "front matter"),
    ],
)
def test_front_matter_faults_are_warnings_and_the_notes_build(
    front_matter: str, line: int, message: str
) -> None:
    deck, warnings = read(f"---\n{front_matter}\n---\n## C\nx\n")
    assert [(w.file, w.line, message in w.message) for w in warnings] == [("notes.md", line, True)]
    assert str(warnings[0]).startswith(f"notes.md:{line}: warning: front matter: ")
    # What could not be read is left out: the title is the file's name.
    assert (deck.title, kinds(deck)) == ("Notes", [("revision", "C")])


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n## C\nx\n"
    deck, warnings = read(text)
    assert not marker.exists() and deck.extra == {}
    assert "may not use" in warnings[0].message


def test_unclosed_front_matter_is_read_as_notes_with_a_warning() -> None:
    deck, warnings = read("---\ntitle: x\n## C\nfact\n")
    assert kinds(deck) == [("revision", "C")] and shown_text(deck) == "Notes title: x C fact"
    assert [(w.line, "never closed, so it was read as notes" in w.message) for w in warnings] == [
        (1, True)
    ]
    for text in ("---", "---\n"):
        _, warnings = read(text + "\n## C\nfact\n")
        assert [w.line for w in warnings] == [1]


def test_a_closing_fence_with_the_first_heading_glued_to_it() -> None:
    deck, warnings = read("---\ntags:\n- ADT/Stack\n\n---# Definition\n\nA pile.\n")
    assert deck.tags == ("ADT::Stack",)
    assert kinds(deck) == [("revision", "Definition")] and deck.cards[0].source.line == 5
    assert [(w.line, "on a line of its own" in w.message) for w in warnings] == [(5, True)]


# --------------------------------------------------------------------------- title and intro


def test_title_comes_from_front_matter_then_h1_then_file_name() -> None:
    assert deck_of("---\ntitle: Front\n---\n# Heading\n## C\nx\n").title == "Front"
    assert deck_of("# The *Heading*\n## C\nx\n").title == "The Heading"
    assert deck_of("## C\nx\n", name="stationary_waves-2.md").title == "Stationary waves 2"


def test_deck_path_defaults_to_folders_and_title() -> None:
    warnings: list[Diagnostic] = []
    path = (MARKDOWN / "topics" / "stationary-waves.md").resolve()
    context = ReadContext("w.md", path, MARKDOWN, ("topics",), warnings.append)
    deck = parse_markdown("# Waves: an intro\n## C\nx\n", context)
    assert deck.deck_path == "Topics::Waves: an intro"
    assert deck_of("---\ndeck: ' A :: B '\n---\n## C\nx\n").deck_path == "A::B"


def test_intro_is_kept_and_makes_no_card() -> None:
    deck = deck_of("# Title\n\nIntro *text*.\n\n### Aside\n\n## Card\nfact\n")
    assert deck.title == "Title"
    assert kinds(deck) == [("revision", "Card")]
    assert deck.intro == (
        Paragraph((Text("Intro "), Emphasis((Text("text"),)), Text(".")), 3),
        Heading(3, (Text("Aside"),)),
    )
    # Only comments may come before the title.
    assert deck_of("<!-- draft -->\n# Title\n\n## Card\nfact\n").title == "Title"


def test_a_heading_after_text_is_a_section_not_the_title() -> None:
    # As Obsidian notes start: a summary, then `#` sections; the file's name is the title.
    deck, warnings = read("> summary\n\n# Definition\nA fact.\n## Detail\nMore.\n", name="x.md")
    assert deck.title == "X"
    assert kinds(deck) == [("revision", "Definition"), ("revision", "Detail")]
    assert [inline_text(p.children) for p in deck.intro if isinstance(p, Paragraph)] == ["summary"]
    assert warnings == []
    late, warnings = read("## A\nx\n# Late\ny\n")
    assert late.title == "Notes"
    assert kinds(late) == [("revision", "A"), ("revision", "Late")]
    assert warnings == []


def test_several_h1_headings_are_sections_and_the_file_names_the_topic() -> None:
    text = "# Definition\nA fact.\n## Detail\nMore.\n# Parts\n## One\n1\n"
    deck, warnings = read(text, name="current.md")
    assert deck.title == "Current"
    assert kinds(deck) == [
        ("revision", "Definition"),
        ("revision", "Detail"),
        ("revision", "One"),
    ]
    # `# Parts` only groups `## One`: no card and no warning of its own.
    assert warnings == []
    assert deck_of("---\ntitle: T\n---\n# A\nx\n# B\ny\n").title == "T"


def test_notes_without_sections_are_one_card() -> None:
    deck = deck_of("# Junction\n\nA point where **three** wires meet.\n\n---\n")
    assert kinds(deck) == [("revision", "Junction")]
    assert deck.cards[0].source.line == 1 and deck.intro == ()
    untitled = deck_of("> [!summary]\n> A note.\n", name="ohm's law.md")
    assert kinds(untitled) == [("revision", "Ohm's law")]
    assert untitled.cards[0].source.line == 1


# --------------------------------------------------------------------------- revision cards


def test_revision_card_back_keeps_structure() -> None:
    text = """## Card
Intro with **bold**, *em*, `code` and a [link](https://example.org).

Hard\\
break.

- one
  - nested
3. three
4. four

### Sub

#### Deeper

| a | b | c |
|:--|:-:|--:|
| 1 | 2 | 3 |

```python
x = 1
```

---

$$
E = mc^2
$$

> quoted
"""
    (card,) = deck_of(text).cards
    assert card.kind is CardKind.REVISION
    assert card.front == (Text("Card"),)
    assert card.source.line == 1
    first, second, bullets, numbered, sub, deeper, table, code, rule, math, quote = card.back
    assert first == Paragraph(
        (
            Text("Intro with "),
            Strong((Text("bold"),)),
            Text(", "),
            Emphasis((Text("em"),)),
            Text(", "),
            Code("code"),
            Text(" and a "),
            Link("https://example.org", (Text("link"),)),
            Text("."),
        ),
        2,
    )
    assert second == Paragraph((Text("Hard"), LineBreak(), Text("break.")), 4)
    assert isinstance(bullets, BulletList) and not bullets.ordered
    assert isinstance(bullets.items[0].children[1], BulletList)
    assert isinstance(numbered, BulletList) and (numbered.ordered, numbered.start) == (True, 3)
    assert sub == Heading(3, (Text("Sub"),))
    assert deeper == Heading(4, (Text("Deeper"),))
    assert table == Table(
        ((Text("a"),), (Text("b"),), (Text("c"),)),
        (((Text("1"),), (Text("2"),), (Text("3"),)),),
        (Align.LEFT, Align.CENTER, Align.RIGHT),
    )
    assert code == CodeBlock("x = 1", "python")
    assert rule == ThematicBreak()
    assert math == MathBlock("E = mc^2")
    assert quote == Paragraph((Text("quoted"),), 30)


def test_empty_section_warns_and_makes_no_card() -> None:
    deck, warnings = read("## Empty\n\n## Full\nfact\n\n## Only a sub-heading\n### Sub\n")
    assert kinds(deck) == [("revision", "Full")]
    assert [(w.line, "nothing under its heading" in w.message) for w in warnings] == [
        (1, True),
        (6, True),
    ]


def test_empty_heading_is_skipped_with_a_warning() -> None:
    deck, warnings = read("## Card\nx\n\n##\ny\n")
    assert [len(card.back) for card in deck.cards] == [2]
    assert [(w.line, "'##' is empty" in w.message) for w in warnings] == [(4, True)]


def test_no_cards_is_an_error_that_says_what_a_card_is() -> None:
    for text in ("# Title\n\n## Empty\n", "\n", "# Only\n---\n"):
        error = error_of(text)
        assert error.line == 0 and error.file == "notes.md"
        assert "'## Heading'" in error.message and "Q:" in error.message


# --------------------------------------------------------------------------- Q and A


def test_question_and_answer() -> None:
    deck = deck_of("## Topic\nfact\n\nQ: Who?\nA: Him,\nand her.\n")
    assert kinds(deck) == [("revision", "Topic"), ("basic", "Who?")]
    card = deck.cards[1]
    assert card.back == (Paragraph((Text("Him, and her."),), 5),)
    assert card.source.line == 4
    assert deck.cards[0].back == (Paragraph((Text("fact"),), 2),)


def test_question_over_several_lines_and_bold_labels() -> None:
    deck = deck_of("Q: A long\nquestion?\nA: Yes.\n\n**Q:** *Bold*?\n**A:** Bold.\n")
    assert kinds(deck) == [("basic", "A long question?"), ("basic", "Bold?")]
    assert deck.cards[1].front == (Emphasis((Text("Bold"),)), Text("?"))


def test_answers_end_at_the_next_card_line() -> None:
    deck = deck_of("## T\nQ: one?\nA: 1\nmore\nQ: two?\nA: 2\nthree :: 3\nplain fact\n")
    assert kinds(deck) == [
        ("revision", "T"),
        ("basic", "one?"),
        ("basic", "two?"),
        ("basic", "three"),
    ]
    assert deck.cards[0].back == (Paragraph((Text("plain fact"),), 8),)
    assert deck.cards[1].back == (Paragraph((Text("1 more"),), 3),)
    assert deck.cards[2].back == (Paragraph((Text("2"),), 6),)


def test_question_in_a_list_item_leaves_the_list() -> None:
    deck = deck_of("## T\n- fact\n- Q: q?\n  A: a\n")
    revision, basic = deck.cards
    assert basic.front == (Text("q?"),) and basic.source.line == 3
    assert revision.back == (
        BulletList((revision.back[0].items[0],)),  # type: ignore[union-attr]
    )
    assert inline_text(revision.back[0].items[0].children[0].children) == "fact"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected", "shown"),
    [
        ("## T\nQ: no answer\n", [(2, "no A: line")], "Q: no answer"),
        (
            "## T\nQ: one\n- A: in another item\n",
            [(2, "no A: line"), (3, "no Q: line before it")],
            "Q: one A: in another item",
        ),
        ("## T\nfact\nA: no question\n", [(3, "no Q: line before it")], "fact A: no question"),
        ("## T\nQ: q\nQ: again\nA: a\n", [(2, "no A: line before the next Q:")], "Q: q"),
        ("## T\nQ:\nA: a\n", [(2, "no question")], "Q: A: a"),
        ("## T\nQ: q\nA:\n", [(3, "no answer")], "Q: q A:"),
    ],
)
def test_question_mistakes_are_text_with_a_warning(
    text: str, expected: list[tuple[int, str]], shown: str
) -> None:
    deck, warnings = read(text)
    assert [
        (w.line, message in w.message) for w, (_, message) in zip(warnings, expected, strict=True)
    ] == [(line, True) for line, _ in expected]
    # The mistaken lines stay on the revision card, labels and all: no text is lost.
    assert deck.cards[0].kind is CardKind.REVISION
    assert " ".join(block_source(deck.cards[0].back).split()) == shown


def test_a_second_answer_line_is_more_of_the_answer_with_a_warning() -> None:
    deck, warnings = read("## T\nQ: q\nA: a\nA: b\n")
    (card,) = deck.cards
    assert block_source(card.back) == "a A: b"
    assert [(w.line, "already has an answer on line 3" in w.message) for w in warnings] == [
        (4, True)
    ]


def test_a_question_in_prose_is_text_and_the_cards_around_it_stay() -> None:
    text = (
        "## Facts of the case\n"
        "The court asked:\n"
        "Q: Was her conduct in reliance on the promise?\n\n"
        "Q: Who decided it?\nA: The House of Lords.\n"
    )
    deck, warnings = read(text)
    assert kinds(deck) == [("revision", "Facts of the case"), ("basic", "Who decided it?")]
    assert "Q: Was her conduct in reliance on the promise?" in block_source(deck.cards[0].back)
    assert [(w.line, "no A: line" in w.message) for w in warnings] == [(3, True)]


def test_escaped_labels_are_text() -> None:
    deck = deck_of("## T\nQ\\: not a question\nA:B testing is common\n")
    assert kinds(deck) == [("revision", "T")]


# --------------------------------------------------------------------------- :: and :::


def test_one_line_cards() -> None:
    deck = deck_of("## T\nfact one\nfront :: *back*\nfact two\nword ::: other\n")
    assert kinds(deck) == [
        ("revision", "T"),
        ("basic", "front"),
        ("reversed", "word"),
    ]
    revision, basic, reversed_ = deck.cards
    assert basic.back == (Paragraph((Emphasis((Text("back"),)),), 3),)
    assert (basic.source.line, reversed_.source.line) == (3, 5)
    assert revision.back == (
        Paragraph((Text("fact one"),), 2),
        Paragraph((Text("fact two"),), 4),
    )
    # Switching :: to ::: keeps the note's identity family.
    assert basic.identity.split("/")[1] == reversed_.identity.split("/")[1] == "qa"


def test_section_of_card_lines_makes_no_revision_card() -> None:
    deck, warnings = read("## Vocabulary\n\n- der Hund :: the dog\n- die Katze ::: the cat\n")
    assert kinds(deck) == [("basic", "der Hund"), ("reversed", "die Katze")]
    assert warnings == []


@pytest.mark.parametrize(
    "line",
    [
        "History::Russia and std::vector",
        "in code `a :: b` only",
        "in math $a :: b$ only",
        "in a [link :: here](https://example.org)",
        "in *emphasis :: here*",
        "escaped a \\:: b",
        "four a :::: b",
        "`code`:: touching",
    ],
)
def test_what_is_not_a_separator(line: str) -> None:
    deck = deck_of(f"## T\n{line}\n")
    assert kinds(deck) == [("revision", "T")]


def test_separator_inside_a_cloze_hint_is_not_a_card() -> None:
    deck = deck_of("## T\n{{c1::Lenin :: a hint}} died in 1924\n")
    assert kinds(deck) == [("revision", "T"), ("cloze", "Lenin died in 1924")]


@pytest.mark.parametrize(
    ("line", "message"),
    [(":: back", "no front"), ("front ::", "no back"), ("::: back", "no front")],
)
def test_separator_mistakes_are_text_with_a_warning(line: str, message: str) -> None:
    deck, warnings = read(f"## T\nfact\n{line}\n")
    assert kinds(deck) == [("revision", "T")]
    assert " ".join(block_source(deck.cards[0].back).split()) == f"fact {line}"
    assert [(w.line, message in w.message) for w in warnings] == [(3, True)]


# --------------------------------------------------------------------------- cloze


def test_cloze_line_becomes_a_note_and_stays_on_the_card() -> None:
    deck = deck_of("## Yalta\n- Germany split into {{c1::four zones::how many?}}.\n- Other fact\n")
    revision, cloze = deck.cards
    expected = (
        Text("Germany split into "),
        Cloze(1, (Text("four zones"),), "how many?"),
        Text("."),
    )
    assert cloze.kind is CardKind.CLOZE
    assert cloze.front == expected
    assert cloze.source.line == 2
    assert cloze.back == (Paragraph((Text("Yalta"),), 1),)
    assert revision.back[0].items[0].children[0].children == expected  # type: ignore[union-attr]


def test_shorthand_is_numbered_in_order_after_explicit_numbers() -> None:
    deck = deck_of("## T\n==a== and ==b==\n\n==c== then {{c2::d}} and ==e==\n\n==f== alone\n")
    numbers = [[c.number for c in clozes(card.front)] for card in only(deck, CardKind.CLOZE)]
    assert numbers == [[1, 2], [3, 2, 4], [1]]


def test_inline_markdown_and_math_inside_a_cloze() -> None:
    deck = deck_of(
        "## T\n{{c1::$v = f\\lambda$}} and {{c2::*very* `x}}`}} and "
        "{{c3::$\\frac{1}{\\sqrt{2}}$}}\n"
    )
    (cloze,) = only(deck, CardKind.CLOZE)
    assert clozes(cloze.front) == [
        Cloze(1, (Math("v = f\\lambda"),)),
        Cloze(2, (Emphasis((Text("very"),)), Text(" "), Code("x}}"))),
        Cloze(3, (Math("\\frac{1}{\\sqrt{2}}"),)),
    ]


def test_cloze_over_several_lines_of_a_paragraph() -> None:
    deck = deck_of("## T\nfirst line\nsecond {{c1::hidden\nacross}} lines\n")
    (cloze,) = only(deck, CardKind.CLOZE)
    assert cloze.source.line == 2
    assert clozes(cloze.front) == [Cloze(1, (Text("hidden across"),))]


def test_cloze_in_the_introduction_has_an_empty_back() -> None:
    deck = deck_of("# Title\n\n{{c1::Paris}} is the capital of France.\n")
    (cloze,) = deck.cards
    assert cloze.kind is CardKind.CLOZE and cloze.back == ()
    assert deck.intro == (Paragraph(cloze.front, 3),)


def test_equals_signs_that_are_not_cloze() -> None:
    deck = deck_of("## T\nx == y and a===b and == spaced == and a==b\n")
    assert kinds(deck) == [("revision", "T")]


@pytest.mark.parametrize(
    ("text", "line", "message", "shown"),
    [
        ("## T\nfact\n{{c1::never closed\n", 3, "never closed", "{{c1::never closed"),
        ("## T\nline\n{{c1::a}} b}}\n", 3, "closes no cloze", "b}}"),
        ("## T\n{{ name }}\n", 2, "closes no cloze", "{{ name }}"),
        ("## T\n{{c1::a {{c2::b}} c}}\n", 2, "cannot hold another cloze", "{{c1::a {{c2::b}} c}}"),
        ("## T\n{{c1::==a==}}\n", 2, "cannot go inside a cloze", "==a=="),
        ("## T\n{{c0::a}}\n", 2, "from c1", "{{c0::a}}"),
        ("## T\n{{c99999999999::a}}\n", 2, "from c1", "{{c99999999999::a}}"),
        ("## T\n{{C1::a}}\n", 2, "not cloze syntax", "{{C1::a}}"),
        ("## T\n{{c::a}}\n", 2, "not cloze syntax", "{{c::a}}"),
        ("## T\n{{c1:a}}\n", 2, "not cloze syntax", "{{c1:a}}"),
        ("## T\n{{c1::  }}\n", 2, "hides nothing", "{{c1:: }}"),
        ("## T\n{{c1::\\frac{a}{b}}}\n", 2, "}}} after a cloze", "}"),
        ("## T {{c1::x}}\nfact\n", 1, "cannot go in a heading", "T x"),
        ("## T ==x==\nfact\n", 1, "cannot go in a heading", "T x"),
        ("## T\n| a |\n|---|\n| {{c1::x}} |\n", 4, "cannot go in a table cell", "x"),
        ("## T\nQ: {{c1::x}}\nA: y\n", 2, "cannot go in a Q:/A: card", "x"),
        ("## T\nfront :: {{c1::x}}\n", 2, "cannot go in a '::' card", "x"),
        ("## Glossary\nTerm\n: {{c1::x}}\n\n## T\nfact\n", 3, "cannot go in a glossary", "x"),
        ("# {{c1::x}}\n## T\ny\n", 1, "cannot go in the title", "x"),
    ],
)
def test_cloze_mistakes_cost_their_place_with_a_warning(
    text: str, line: int, message: str, shown: str
) -> None:
    deck, warnings = read(text)
    # The first warning says what is wrong; a mistake may leave a stray `}}` warned about too.
    assert message in warnings[0].message
    assert {(w.file, w.line) for w in warnings} == {("notes.md", line)}
    # The characters stay where they were written.
    assert shown in shown_text(deck)


def test_every_mistake_of_a_file_is_reported_in_one_read() -> None:
    text = "".join(f"## Card {n}\n{{{{c1::open {n}\n\nQ: lonely {n}\n\n" for n in range(1, 6))
    deck, warnings = read(text)
    assert len(deck.cards) == 5
    assert sorted(w.line for w in warnings) == [2, 4, 7, 9, 12, 14, 17, 19, 22, 24]


def test_escaped_braces_are_text() -> None:
    deck = deck_of("## T\nliteral \\{\\{c1::x\\}\\} braces\n")
    assert kinds(deck) == [("revision", "T")]
    cloze = only(deck_of("## T\n{{c1::{a\\}}} b\n"), CardKind.CLOZE)[0]
    assert clozes(cloze.front) == [Cloze(1, (Text("{a}"),))]
    assert inline_text(deck.cards[0].back[0].children) == "literal {{c1::x}} braces"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- math


def test_math_opening_a_paragraph_that_ends_in_a_digit(tmp_path: Path) -> None:
    # mdit-py-plugins 0.7.0 reads the paragraph's last character as the one before an opening
    # `$` at its very start; a digit there left the formula as text.
    warnings: list[Diagnostic] = []
    deck = read_notes(MARKDOWN / "math-openings.md", warn=warnings.append)
    assert warnings == []
    maths = [n.source for n in walk(deck.cards[0].back) if isinstance(n, Math)]
    assert maths == ["r", "\\alpha", "x_i", "\\frac{1}{2}", "\\frac{1}{x_{2}}"]
    # Also when the paragraph ends in a backslash, which read as escaping the dollar.
    assert deck_of("## T\n$a$ costs 5 \\\\\n").cards[0].back[0].children[0] == Math("a")  # type: ignore[union-attr]
    # Through Anki: typeset by MathJax, no dollar left.
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "rates.md").write_bytes((MARKDOWN / "math-openings.md").read_bytes())
    result = CliRunner().invoke(make_deck, [str(notes), "-o", str(tmp_path / "out"), "--no-lock"])
    assert result.exit_code == 0 and "0 warnings" in result.output, result.output
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "out" / "rates.apkg")
    back = notes_by_front(col)["Growth"]["Back"]
    assert "<p>\\(r\\) is 5</p>" in back and "<li>\\(\\alpha\\) decays" in back
    assert "$" not in back
    col.close()


def test_latex_and_templates_outside_math_are_text_with_a_warning() -> None:
    text = "## T\nsize 10000000${_{2}}$ is 128\n\n[1]:{{ site.url }}/download\n\nfact\n"
    deck, warnings = read(text)
    first = deck.cards[0].back[0]
    assert isinstance(first, Paragraph)
    assert inline_text(first.children) == "size 10000000${_{2}}$ is 128"
    assert "[1]:{{ site.url }}/download" in shown_text(deck)
    assert [(w.line, "}} closes no cloze" in w.message) for w in warnings] == [(2, True), (4, True)]


def test_math_inline_and_display() -> None:
    (card,) = deck_of(
        "## T\nIt costs $5 and $10, or $x_1 * y_2$ and $$\\sum_i a_i$$.\n\n$$a_b * c_d$$\n"
    ).cards
    assert card.back == (
        Paragraph(
            (
                Text("It costs $5 and $10, or "),
                Math("x_1 * y_2"),
                Text(" and "),
                Math("\\sum_i a_i", display=True),
                Text("."),
            ),
            2,
        ),
        MathBlock("a_b * c_d"),
    )


def test_display_math_after_a_line_of_text_and_with_blank_lines_inside() -> None:
    # As students write it in Obsidian: no blank line before `$$`, and a spaced-out derivation.
    text = (
        "## T\nProve that:\n$$\n\\begin{array}{c}\na}} \\\\\n\nb\n\\end{array}\n$$\nSo it holds.\n"
    )
    (card,) = deck_of(text).cards
    assert card.back == (
        Paragraph((Text("Prove that:"),), 2),
        MathBlock("\\begin{array}{c}\na}} \\\\\nb\n\\end{array}"),
        Paragraph((Text("So it holds."),), 10),
    )
    # An unfinished derivation: an empty formula is left out, with a warning.
    deck, warnings = read("## T\nfact\n\n$$\n\n$$\n")
    assert facts(deck.cards[0]) == ["fact"]
    assert [(w.line, "empty" in w.message) for w in warnings] == [(4, True)]
    # A `$$` that is never closed stays text, and does not swallow the rest of the notes.
    (card,) = deck_of("## T\nIt costs $$5.\n\nNext fact.\n").cards
    assert [b.children for b in card.back if isinstance(b, Paragraph)] == [
        (Text("It costs $$5."),),
        (Text("Next fact."),),
    ]


@pytest.mark.parametrize("line", ["$ x $ is text", "a \\$5 b $c", "$5$6", "price: 3$ and 4$"])
def test_dollars_that_are_not_math(line: str) -> None:
    (card,) = deck_of(f"## T\n{line}\n").cards
    assert not any(isinstance(node, Math) for node in walk(card.back))


# --------------------------------------------------------------------------- glossary


def test_glossary_entries() -> None:
    deck, warnings = read(
        "## Card\nfact\n\n## Glossary\n\nTriumvirate\n: Stalin, *Zinoviev* and Kamenev.\n\n"
        "Wave speed\n: $v = f\\lambda$, over\n  two lines.\n\n  A second paragraph.\n"
    )
    assert kinds(deck) == [("revision", "Card")]
    assert [(g.term, g.definition, g.source.line, g.kind) for g in deck.glossary] == [
        ("Triumvirate", "Stalin, Zinoviev and Kamenev.", 6, TermKind.EXPLICIT),
        (
            "Wave speed",
            "$v = f\\lambda$, over two lines. A second paragraph.",
            9,
            TermKind.EXPLICIT,
        ),
    ]
    assert warnings == []


def test_glossary_warnings() -> None:
    deck, warnings = read(
        "## Card\nfact\n\n## Glossary\n\nA paragraph.\n\nT1\n: one\n\nT1\n: again\n\n"
        "T2\n: two\nT3\n: three\n"
    )
    assert [g.term for g in deck.glossary] == ["T1", "T2"]
    assert deck.glossary[1].definition == "two T3; three"
    assert [(w.line, w.message.split(";")[0][:40]) for w in warnings] == [
        (6, "the Glossary section holds only terms an"),
        (17, "'T2' has 2 definitions"),
        (11, "the glossary term 'T1' is already define"),
    ]


def test_plain_notes_of_headings_lists_and_definitions() -> None:
    notes = (
        "---\ntitle: Cells\n---\n\n## Osmosis #bio\n\n"
        "- Water **moves**: in.\n- Cell ::: the unit\n\n"
        "### Detail\n\n* a :: b\n\nterm\n: its definition\n\n## Glossary\n\n"
        "Cell\n: the unit of life\n\n- not a definition\n"
    )
    deck, warnings = read(notes)
    assert deck.title == "Cells"
    assert kinds(deck) == [("revision", "Osmosis"), ("reversed", "Cell"), ("basic", "a")]
    assert [(card.source.line, card.tags) for card in deck.cards] == [
        (5, ("bio",)),
        (8, ("bio",)),
        (12, ("bio",)),
    ]
    assert deck.cards[0].back == (
        BulletList((ListItem((para("Water ", Strong((Text("moves"),)), ": in.", line=7),)),)),
        Heading(3, (Text("Detail"),)),
        para(Strong((Text("term"),)), ": ", "its definition", line=14),
    )
    assert [(e.term, e.definition, e.source.line) for e in deck.glossary] == [
        ("Cell", "the unit of life", 19)
    ]
    assert [(w.line, "only terms and definitions" in w.message) for w in warnings] == [(22, True)]


def test_definition_list_outside_the_glossary_stays_on_the_card() -> None:
    (card,) = deck_of("## T\n\nIron Curtain\n: Churchill's phrase.\n").cards
    assert card.back == (
        Paragraph((Strong((Text("Iron Curtain"),)), Text(": "), Text("Churchill's phrase.")), 3),
    )


# --------------------------------------------------------------------------- images


def test_image_is_resolved_against_the_notes_file() -> None:
    deck = deck_of("## T\n![A *red* dot](images/dot.png)\n")
    (image,) = [n for n in walk(deck.cards[0].back) if isinstance(n, Image)]
    assert image == Image(
        "images/dot.png", (MARKDOWN / "images" / "dot.png").resolve(), "A red dot"
    )


def test_image_paths_as_written_are_not_url_encoded(tmp_path: Path) -> None:
    (tmp_path / "my pic ü.png").write_bytes((MARKDOWN / "images" / "dot.png").read_bytes())
    deck = deck_of("## T\n![x](<my pic ü.png>)\n", folder=tmp_path)
    (image,) = [n for n in walk(deck.cards[0].back) if isinstance(n, Image)]
    assert image.src == "my pic ü.png"


@pytest.mark.parametrize(
    ("src", "message", "shown"),
    [
        ("missing.png", "not found", "[pic]"),
        ("../outside.png", "outside the notes folder", "[pic]"),
        ("notes.txt", "is not a PNG", "[pic]"),
        ("a" * 300 + ".png", "cannot be read", "[pic]"),
        ("", "names no file", "[pic]"),
    ],
)
def test_an_unusable_image_shows_its_description_with_a_warning(
    tmp_path: Path, src: str, message: str, shown: str
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes((MARKDOWN / "images" / "dot.png").read_bytes())
    (folder / "notes.txt").write_text("not an image")
    deck, warnings = read(f"## T\nfact\n\nsee ![pic]({src})\n", folder)
    assert [(w.line, message in w.message) for w in warnings] == [(4, True)]
    assert block_source(deck.cards[0].back) == f"fact\nsee {shown}"


def test_a_web_image_is_a_link_with_a_warning() -> None:
    deck, warnings = read("## T\nsee ![a *wave*](https://example.org/a.png) here\n")
    assert deck.cards[0].back == (
        Paragraph(
            (Text("see "), Link("https://example.org/a.png", (Text("a wave"),)), Text(" here")),
            2,
        ),
    )
    assert [(w.line, "on the web" in w.message) for w in warnings] == [(2, True)]
    back = deck_of("## T\n![](http://x.org/p.gif)\n").cards[0].back
    (link,) = [n for n in walk(back) if isinstance(n, Link)]
    assert link == Link("http://x.org/p.gif", (Text("image"),))


# --------------------------------------------------------------------------- Obsidian


def test_wiki_links_show_their_text() -> None:
    deck = deck_of("## T\nA [[Current|current]] in a [[Circuits]], see [[Ohm's law#Proof]].\n")
    assert deck.cards[0].back == (
        Paragraph((Text("A current in a Circuits, see Ohm's law > Proof."),), 2),
    )
    # A wiki-link never makes a `::` card or a cloze out of its brackets.
    assert kinds(deck_of("## T\n[[a::b]] fact\n")) == [("revision", "T")]


def test_embedded_pictures_are_found_in_the_whole_notes_folder(tmp_path: Path) -> None:
    notes = tmp_path / "vault"
    (notes / "topic").mkdir(parents=True)
    (notes / "attachments" / "deep").mkdir(parents=True)
    dot = (MARKDOWN / "images" / "dot.png").read_bytes()
    (notes / "attachments" / "deep" / "cur_3.png").write_bytes(dot)
    (notes / "topic" / "beside.png").write_bytes(dot)
    text = "## T\n![[cur_3.png|350]] and ![[beside.png]]\n"
    deck = deck_of(text, folder=notes, name="topic/current.md")
    images = [n for n in walk(deck.cards[0].back) if isinstance(n, Image)]
    assert [i.path for i in images] == [
        (notes / "attachments" / "deep" / "cur_3.png").resolve(),
        (notes / "topic" / "beside.png").resolve(),
    ]
    assert [i.alt for i in images] == ["", ""]
    deck, warnings = read("## T\nfact\n![[missing.png]]\n", notes)
    assert block_source(deck.cards[0].back) == "fact [missing.png]"
    assert [(w.line, "'missing.png' not found" in w.message) for w in warnings] == [(3, True)]


def test_embedded_notes_show_their_name_with_a_warning() -> None:
    deck, warnings = read("## T\n![[Other note#Part]]\n")
    assert facts(deck.cards[0]) == ["Other note > Part"]
    assert [(w.line, "embeds another note" in w.message) for w in warnings] == [(2, True)]


def test_callouts_lose_their_marker_and_keep_a_bold_title() -> None:
    text = (
        "## T\n> [!warning]- Where did $a$ come from?\nLazy text.\n> More.\n\n"
        "> [!summary]\n> Just text.\n\n> A plain quote.\n"
    )
    deck = deck_of(text)
    assert deck.cards[0].back == (
        Paragraph((Strong((Text("Where did "), Math("a"), Text(" come from?"))),), 2),
        Paragraph((Text("Lazy text. More."),), 3),
        Paragraph((Strong((Text("Summary"),)),), 6),
        Paragraph((Text("Just text."),), 7),
        Paragraph((Text("A plain quote."),), 9),
    )


def test_embedded_videos_are_left_out_with_a_warning() -> None:
    iframe = '<iframe width="560" src="https://www.youtube.com/embed/x"></iframe>'
    deck, warnings = read(f"## Resources\n{iframe}\n\n## T\nfact\n\n<div>kept</div>\n")
    assert kinds(deck) == [("revision", "T")]
    assert facts(deck.cards[0]) == ["fact", "<div>kept</div>"]
    assert [w.line for w in warnings] == [2, 1]
    assert "<iframe> cannot be shown on a card" in warnings[0].message


# --------------------------------------------------------------------------- tags


def test_heading_tags_apply_to_every_card_of_the_section() -> None:
    deck = deck_of(
        "## Yalta #yalta #conferences::1945\nfact\nQ: q\nA: a\nx :: y\n==z== fact\n\n"
        "## Potsdam\nfact\n"
    )
    assert [(card.kind.value, card.tags) for card in deck.cards] == [
        ("revision", ("yalta", "conferences::1945")),
        ("basic", ("yalta", "conferences::1945")),
        ("basic", ("yalta", "conferences::1945")),
        ("cloze", ("yalta", "conferences::1945")),
        ("revision", ()),
    ]
    assert deck.cards[0].front == (Text("Yalta"),)
    assert deck.cards[0].identity.endswith("/revision/yalta")


@pytest.mark.parametrize(
    ("heading", "front", "tags"),
    [
        ("Rank #1", "Rank #1", ()),
        ("C# and F#", "C# and F#", ()),
        ("A #b c", "A #b c", ()),
        ("*Em* #tag", "Em", ("tag",)),
        ("X #Tag #tag #other", "X", ("Tag", "other")),
    ],
)
def test_which_heading_words_are_tags(heading: str, front: str, tags: tuple[str, ...]) -> None:
    (card,) = deck_of(f"## {heading}\nfact\n").cards
    assert (inline_text(card.front), card.tags) == (front, tags)


# --------------------------------------------------------------------------- comments and HTML


def test_comments_are_dropped_and_html_is_text() -> None:
    deck, warnings = read(
        "## T\n<!-- hidden -->\nfact <!-- also hidden --> <b>bold</b>\n\n<div>\nblock\n</div>\n"
    )
    (card,) = deck.cards
    assert card.back == (
        Paragraph((Text("fact  <b>bold</b>"),), 3),
        Paragraph((Text("<div>\nblock\n</div>"),), 5),
    )
    assert warnings == []


def test_an_unclosed_comment_warns() -> None:
    deck, warnings = read("## T\nfact\n\n<!-- never closed\n\n## Hidden\nmore\n")
    assert kinds(deck) == [("revision", "T")]
    assert warnings[0].line == 4 and "never closed" in warnings[0].message


# --------------------------------------------------------------------------- identities


def test_same_fronts_warn_with_both_lines_and_are_told_apart() -> None:
    deck, warnings = read("## Stalin\na\n\n## Stalin!\nb\n\nstalin :: c\n")
    assert [card.identity for card in deck.cards] == [
        "notes/revision/stalin",
        "notes/revision/stalin#2",
        "notes/qa/stalin",
    ]
    assert len(warnings) == 1
    assert warnings[0].line == 4 and "line 1" in warnings[0].message


def test_two_hundred_sections_with_one_heading_are_all_kept() -> None:
    deck, warnings = read("".join(f"## Same\nfact {n}\n\n" for n in range(200)))
    assert len(deck.cards) == 200
    assert len({card.identity for card in deck.cards}) == 200
    assert len(warnings) == 199
    assert [card.source.line for card in deck.cards[:3]] == [1, 4, 7]


# --------------------------------------------------------------------------- the shipped notes


def test_shipped_notes_read_cleanly_and_use_every_construct() -> None:
    notes = REPO / "notes"
    history_warnings: list[Diagnostic] = []
    history = read_notes(
        notes / "power-struggle-after-lenin.md", root=notes, warn=history_warnings.append
    )
    physics_warnings: list[Diagnostic] = []
    physics = read_notes(notes / "physics" / "waves.md", root=notes, warn=physics_warnings.append)
    assert history_warnings == [] and physics_warnings == []

    assert (history.deck_path, history.subject) == ("History::Russia", "History")
    assert history.intro
    assert {card.kind for card in history.cards} == set(CardKind)
    assert all(card.tags for card in history.cards)
    assert {
        "Triumvirate",
        "United Opposition",
        "Socialism in One Country",
        "Duumvirate",
        "NEP",
        "Ban on Factions",
        "Lenin's Testament",
    } <= {entry.term for entry in history.glossary}
    nodes = [node for card in history.cards for node in walk(card.back)]
    assert any(isinstance(node, Heading) for node in nodes)
    assert any(isinstance(node, Emphasis) for node in nodes)
    assert any(isinstance(node, Image) for node in nodes)
    markups = {c.number for card in only(history, CardKind.CLOZE) for c in clozes(card.front)}
    assert markups == {1, 2}
    source = (notes / "power-struggle-after-lenin.md").read_text(encoding="utf-8")
    assert "{{c1::" in source and "==" in source
    assert (notes / "images" / "timeline.png").stat().st_size < 20_000

    assert physics.deck_path == "Physics::Progressive and stationary waves"
    nodes = [node for card in physics.cards for node in walk(card.back)]
    for kind in (Math, MathBlock, Table, CodeBlock, Heading, ThematicBreak, Strong):
        assert any(isinstance(node, kind) for node in nodes), kind
    assert any(
        isinstance(part, Math)
        for card in physics.cards
        for c in clozes(card.front)
        for part in c.children
    )


def test_the_format_reference_example_makes_what_it_says() -> None:
    reference = (REPO / "docs" / "FORMAT.md").read_text(encoding="utf-8")
    example = re.search(r"## A whole file at a glance\n\n```markdown\n(.*?)\n```", reference, re.S)
    assert example is not None
    deck, warnings = read(example.group(1))
    assert warnings == []
    assert kinds(deck) == [
        ("revision", "Control of the party organisation"),
        ("cloze", "In 1923 he formed the Triumvirate with Zinoviev and Kamenev."),
        ("basic", "Why did Trotsky miss Lenin's funeral?"),
        ("basic", "Ban on Factions"),
    ]
    assert [entry.term for entry in deck.glossary] == ["Triumvirate"]


# --------------------------------------------------------------------------- robustness


PATHOLOGICAL = {
    "words": "word ",
    "separators": "a :: b ",
    "open marks": "a==b ",
    "marks": "==b== ",
    "clozes": "{{c1::b}} ",
    "dollars": "$5 $x ",
    "escapes": "\\* ",
    "brackets": "[a ",
    "html": "<b> ",
    "heading tags": " #tag",
}


def lines_run(text: str) -> int:
    """How many lines of Python reading `text` runs: a count of work that, unlike a clock, does
    not depend on the machine or its load."""
    count = 0

    def tracer(frame: object, event: str, arg: object) -> object:
        nonlocal count
        count += event == "line"
        return tracer

    sys.settrace(tracer)  # type: ignore[arg-type]
    try:
        deck_of(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", PATHOLOGICAL)
def test_a_long_line_is_read_in_linear_time(shape: str) -> None:
    piece = PATHOLOGICAL[shape]

    def notes(size: int) -> str:
        line = piece * (size // len(piece))
        return f"## T{line}\nfact\n" if shape == "heading tags" else f"## T\n{line}\n"

    deck_of(notes(100))  # the parser and its caches are made once, outside the count
    # Twice the text is twice the work when reading is linear, four times when quadratic.
    assert lines_run(notes(8_000)) <= 2.2 * lines_run(notes(4_000))
    assert deck_of(notes(300_000)).cards[0].source.line in (1, 2)


@pytest.mark.slow
def test_a_megabyte_line_and_a_large_file() -> None:
    (card,) = deck_of("## T\n" + "word " * 200_000 + "\n").cards
    assert len(inline_text(card.back[0].children)) == 999_999  # type: ignore[union-attr]
    section = (
        "## Card {n} #tag\n\n- a *fact* with $x^2$ and {{{{c1::cloze}}}}\n- x :: y\n\n"
        "Q: q\nA: a\n\n"
    )
    text = "".join(section.format(n=n) for n in range(12_000))
    deck = deck_of(text)
    assert len(deck.cards) == 4 * 12_000
    assert len(text) > 900_000


def test_deep_nesting_warns_instead_of_failing() -> None:
    deck, warnings = read("## T\nfact\n\n" + ">" * 80 + " deep\n")
    assert kinds(deck) == [("revision", "T")]
    assert any("nested more than" in w.message for w in warnings)


MARKDOWN_PIECES = st.sampled_from(
    [
        "#",
        "## ",
        "# ",
        "### ",
        "\n",
        "\n\n",
        "Q: ",
        "A: ",
        "**Q:** ",
        " :: ",
        " ::: ",
        "::",
        "{{c1::",
        "{{c2::",
        "{{c",
        "}}",
        "::hint",
        "==",
        "$",
        "$$",
        "`",
        "```",
        "*",
        "_",
        "[",
        "](",
        ")",
        "![",
        "<!--",
        "-->",
        "<b>",
        "---",
        "...",
        "|",
        "|---|",
        "- ",
        "1. ",
        "> ",
        ": ",
        "\\",
        "a",
        "word ",
        "Glossary",
        "Term\n: definition\n",
        "![i](images/dot.png)",
        "&amp;",
        "title: x\n",
        "tags: 5\n",
        "    ",
        "é",
        "\x00",
        "\t",
        " #tag",
        "!!python/object",
        "*x",
        "~~~",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(MARKDOWN_PIECES, max_size=50).map("".join)))
def test_any_text_gives_a_deck_or_a_notes_error(text: str) -> None:
    try:
        deck, _ = read(text)
    except NotesError as error:
        assert error.file == "notes.md" and error.message
        return
    assert deck.cards
    assert len({card.identity for card in deck.cards}) == len(deck.cards)
    for card in deck.cards:
        assert inline_text(card.front).strip()
        if card.kind is CardKind.CLOZE:
            assert clozes(card.front)
        else:
            assert not clozes(card.front)
    assert deck_to_json(deck, base=MARKDOWN)
