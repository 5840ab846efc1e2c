"""Factories and paths the tests share: build models by hand, compare with golden files.

Golden files hold the expected parsed model as JSON. After a deliberate change to a reader,
regenerate them with `UPDATE_GOLDEN=1 pytest` and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

from notes2decks.identity import card_identity
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

FIXTURES = Path(__file__).parent / "fixtures"


def check_golden(actual: str, golden: Path) -> None:
    """Compare text with a golden file, or rewrite the file when UPDATE_GOLDEN is set."""
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"{golden} is missing; run UPDATE_GOLDEN=1 pytest to create it"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, f"{golden.name} differs; if intended, run UPDATE_GOLDEN=1 pytest"


NOTES = "notes/russia.md"
DECK_PATH = "History::Russia"

# Two valid one-pixel PNGs of different colours.
PNG_A = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63d0885a000001d0012322ef65800000000049454e44ae426082"
)
PNG_B = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da633861a3010002fc012dc17ee9fb0000000049454e44ae426082"
)


def para(*inlines: object, line: int = 0) -> Paragraph:
    return Paragraph(tuple(Text(i) if isinstance(i, str) else i for i in inlines), line)  # type: ignore[misc]


def card(
    kind: CardKind,
    front: str | tuple[object, ...],
    *back: Paragraph | object,
    line: int = 1,
    tags: tuple[str, ...] = (),
) -> Card:
    inlines = (Text(front),) if isinstance(front, str) else front
    return Card(
        kind,
        inlines,  # type: ignore[arg-type]
        tuple(back),  # type: ignore[arg-type]
        SourceRef(NOTES, line),
        card_identity(DECK_PATH, kind.value, inline_text(inlines)),  # type: ignore[arg-type]
        tags,
    )


def make_deck(*cards: Card, glossary: tuple[GlossaryEntry, ...] = (), **extra: object) -> Deck:
    fields: dict[str, object] = {
        "title": "Power struggle",
        "deck_path": DECK_PATH,
        "source": SourceRef(NOTES),
        "cards": cards,
        "glossary": glossary,
        "tags": ("year 12", "russia::power struggle"),
        "modified": 1_700_000_000,
    }
    fields.update(extra)
    return Deck(**fields)  # type: ignore[arg-type]


def rich_deck(image_dir: Path) -> Deck:
    image_dir.mkdir(parents=True, exist_ok=True)
    (image_dir / "diagram.png").write_bytes(PNG_A)
    image = Image("img/diagram.png", image_dir / "diagram.png", "Party structure")
    return make_deck(
        card(
            CardKind.REVISION,
            "Stalin's rise",
            para("Lenin died in 1924", line=3),
            BulletList(
                (
                    ListItem((para(Strong((Text("General Secretary"),)), " from 1922"),)),
                    ListItem((para(Emphasis((Text("Triumvirate"),)), " with ", Code("Z & K")),)),
                )
            ),
            para("x < y & z <script>alert(1)</script>", line=5),
            para(image, LineBreak(), Link("https://example.org/a?b=1&c=2", (Text("more"),))),
            Heading(3, (Text("Aftermath"),)),
            Table(
                ((Text("Year"),), (Text("Event"),)),
                (((Text("1927"),), (Text("Trotsky expelled"),)),),
                (Align.RIGHT, Align.NONE),
            ),
            CodeBlock("if a < b:\n    print('{{c1::x}}')\n", "python"),
            MathBlock(r"\sum_{i=1}^{n} i"),
            ThematicBreak(),
            line=2,
            tags=("key dates", "people::stalin"),
        ),
        card(CardKind.BASIC, "Who led the Left Opposition?", para("Trotsky"), line=10),
        card(CardKind.REVERSED, "NEP", para("New Economic Policy"), line=12),
        card(
            CardKind.CLOZE,
            (
                Text("In "),
                Cloze(1, (Text("1926"),)),
                Text(" the "),
                Cloze(2, (Text("United Opposition"),), hint="group"),
                Text(" formed; "),
                Cloze(3, (Math("x^{a^{b}}"),)),
                Text(" and {{not a cloze}} :: here"),
            ),
            para("Zinoviev, Kamenev and Trotsky"),
            line=14,
        ),
        glossary=(
            GlossaryEntry("Politburo", "The party's <ruling> committee", SourceRef(NOTES, 20)),
            GlossaryEntry("NEP", "New Economic Policy", SourceRef(NOTES, 21), card="already"),
        ),
    )
