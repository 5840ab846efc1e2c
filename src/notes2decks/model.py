"""The format-neutral card model that every reader builds and every exporter consumes: rich
text is a small tree of blocks and inlines, like a CommonMark AST, with no HTML or reportlab
markup (each exporter renders it for itself)."""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text, exactly as it should be shown (never pre-escaped)."""

    text: str
    """The characters to show."""


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised (italic) text."""

    children: Inlines
    """The emphasised content."""


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised (bold) text, often a key term."""

    children: Inlines
    """The bold content."""


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, shown in a monospace font with its spacing kept."""

    text: str
    """The code, verbatim."""


@dataclass(frozen=True, slots=True)
class Math:
    """A LaTeX formula, inline (`$...$`) or on its own line (`$$...$$`)."""

    source: str
    """The LaTeX source as written, without the dollar delimiters."""
    display: bool = False
    """True for a display formula, set on its own line."""


@dataclass(frozen=True, slots=True)
class Cloze:
    """A span hidden on a cloze card, such as `{{c1::1924::year}}`."""

    number: int
    """The cloze number (1 for c1): spans with one number are hidden together."""
    children: Inlines
    """The hidden content."""
    hint: str = ""
    """The hint shown in place of the hidden content, or empty."""


@dataclass(frozen=True, slots=True)
class Image:
    """An image, resolved against the notes file that names it."""

    src: str
    """The path as written in the notes."""
    path: Path
    """The resolved absolute path of the image file."""
    alt: str = ""
    """The alternative text."""


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink."""

    href: str
    """The target address."""
    children: Inlines
    """The link text."""


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a paragraph."""


Inline = Text | Emphasis | Strong | Code | Math | Cloze | Image | Link | LineBreak
Inlines = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of inline content; on a card-set back, one fact."""

    children: Inlines
    """The paragraph's content."""
    line: int = 0
    """The 1-based line in the notes file where it starts (0 when unknown)."""


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list: usually a single paragraph, sometimes a nested list."""

    children: Blocks
    """The item's blocks."""


@dataclass(frozen=True, slots=True)
class BulletList:
    """A bulleted or numbered list."""

    items: tuple[ListItem, ...]
    """The items, in order."""
    ordered: bool = False
    """True for a numbered list."""
    start: int = 1
    """The first number of a numbered list."""


@dataclass(frozen=True, slots=True)
class Heading:
    """A sub-heading inside a card's back (Markdown H3 and deeper)."""

    level: int
    """The Markdown heading level, 3 or more."""
    children: Inlines
    """The heading text."""


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced or indented code block, kept verbatim."""

    code: str
    """The code, with its spacing and line breaks."""
    language: str = ""
    """The fence's language name, or empty."""


@dataclass(frozen=True, slots=True)
class MathBlock:
    """A display formula on its own line (`$$...$$`)."""

    source: str
    """The LaTeX source as written, without the delimiters."""


class Align(enum.Enum):
    """How a table column is aligned."""

    NONE = ""
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Table:
    """A GFM table."""

    header: tuple[Inlines, ...]
    """The header cells."""
    rows: tuple[tuple[Inlines, ...], ...]
    """The body rows, each a tuple of cells."""
    align: tuple[Align, ...] = ()
    """The alignment of each column."""


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    """A horizontal rule."""


Block = Paragraph | BulletList | Heading | CodeBlock | MathBlock | Table | ThematicBreak
Blocks = tuple[Block, ...]

AUTO_TAG = "notes2decks::auto"
"""The tag of cloze notes made automatically from dated or quoted facts."""
REMOVED_TAG = "notes2decks::removed"
"""The tag of notes that the notes file no longer has, so users can find and delete them."""


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """A place in a notes file."""

    file: str
    """The notes file's path as the user named it (for messages such as `notes/x.md:14`)."""
    line: int = 0
    """The 1-based line number, or 0 when the place is the whole file."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class CardKind(enum.Enum):
    """What kind of note a card becomes: a revision card (a heading and its facts), a question
    and an answer (basic, or reversed: also asked the other way round), or a cloze."""

    REVISION = "revision"
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"


@dataclass(frozen=True, slots=True)
class Card:
    """One card of a deck."""

    kind: CardKind
    """What kind of note the card becomes."""
    front: Inlines
    """The front: a heading, a question, or for a cloze card the text holding the cloze spans."""
    back: Blocks
    """The back: facts, an answer, or a cloze card's extra text."""
    source: SourceRef
    """Where the card starts in the notes."""
    identity: str
    """A key that stays the same across rebuilds: the deck path and the normalised front."""
    tags: tuple[str, ...] = ()
    """The card's own tags (the deck's tags are added by exporters)."""
    continued: bool = False
    """True when the card had no heading of its own and continues the previous card's heading."""
    modified: int = 0
    """When the content last changed (lock file), in seconds since the epoch; 0: `Deck.modified`."""
    section: Inlines = ()
    """The heading the front needs to be understood (shown small above it, not in the identity)."""


class TermKind(enum.Enum):
    """Where a glossary entry came from: the notes' glossary section (explicit, authoritative),
    the text (auto), or a person the notes mention, with the facts about them."""

    EXPLICIT = "explicit"
    AUTO = "auto"
    PERSON = "person"


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One key term and its definition."""

    term: str
    """The term as it should be listed."""
    definition: str
    """The definition as plain text, formulas in dollars as `inline_source` writes them."""
    source: SourceRef
    """Where the term is defined or first explained."""
    kind: TermKind = TermKind.EXPLICIT
    """Whether the entry was written explicitly or extracted."""
    card: str = ""
    """The identity of the card the entry was taken from, if any: that card already asks it."""
    modified: int = 0
    """When the entry last changed, in seconds since the epoch (0: use `Deck.modified`)."""
    identity: str = ""
    """The identity of the entry's Anki note, set by the lock file (empty: from the term)."""


@dataclass(frozen=True, slots=True)
class Deck:
    """Everything one notes file holds."""

    title: str
    """The topic's title."""
    deck_path: str
    """The Anki deck path, with `::` between levels, such as `History::Russia`."""
    source: SourceRef
    """The notes file."""
    cards: tuple[Card, ...] = ()
    """The cards, in the order of the notes."""
    glossary: tuple[GlossaryEntry, ...] = ()
    """The key terms."""
    subject: str = ""
    """The subject, such as `History`, or empty."""
    tags: tuple[str, ...] = ()
    """Tags for every card of the deck."""
    author: str = ""
    """The author, or empty."""
    lang: str = ""
    """The front matter's `lang` (`fr`, `en-GB`), or empty; `check` spells only English notes."""
    intro: Blocks = ()
    """Text before the first card: shown nowhere on cards, kept for completeness."""
    auto_glossary: bool = False
    """True when the glossary should be extracted from the text (no explicit glossary)."""
    auto_cloze: bool = False
    """True when facts may become cloze notes automatically (the notes have no cloze syntax)."""
    reader: str = ""
    """The name of the reader that built this deck, such as `cardset` or `markdown`."""
    modified: int = 0
    """The notes file's modification time in seconds since the epoch (SOURCE_DATE_EPOCH wins)."""
    removed: tuple[Card, ...] = ()
    """Cards that earlier builds had and the notes no longer do, so exporters can mark them."""
    removed_glossary: tuple[GlossaryEntry, ...] = ()
    """Glossary entries that earlier builds had and the notes no longer do."""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """Unknown front-matter keys kept as strings, for tools that want them."""


def inline_text(inlines: Inlines, *, source: bool = False) -> str:
    """The plain text of inline content: cloze spans shown, math as its source (with `source`,
    in its dollars, as `inline_source`)."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(_OPENING_DOLLAR.sub(r"\\$", node.text) if source else node.text)
        elif isinstance(node, Math):
            dollars = ("$$" if node.display else "$") if source else ""
            parts.append(f"{dollars}{node.source}{dollars}")
        elif isinstance(node, Emphasis | Strong | Cloze | Link):
            parts.append(inline_text(node.children, source=source))
        elif isinstance(node, Image):
            parts.append(node.alt)
        elif isinstance(node, LineBreak):
            parts.append("\n")
    return "".join(parts)


# A dollar in text that could open a formula: followed by something other than a space or a
# digit (prices such as "$5" never open one, by pandoc's rule), or by whatever comes next.
_OPENING_DOLLAR = re.compile(r"\$(?=[^\s\d]|\Z)")
# pandoc's rule, as Markdown notes follow it: `$` then a non-space, a non-space then `$` not
# followed by a digit; `$$...$$` is a display formula; `\$` is a literal dollar.
_MATH_IN_TEXT = re.compile(
    r"\\\$"
    r"|\$\$(?P<display>[^$]*?[^$\s][^$]*?)\$\$"
    r"|(?<!\\)(?<!(?<!\\)\$)\$(?=\S)(?P<inline>(?:[^$\\\n]|\\.)+?)(?<=\S)\$(?!\d)"
)


def inline_source(inlines: Inlines) -> str:
    """Plain text like `inline_text`, but formulas keep their dollars (`$x$`, `$$x$$`), for
    `split_math` to read back; a dollar that could open a formula is written `\\$`."""
    return inline_text(inlines, source=True)


def block_lines(blocks: Blocks, *, source: bool = False) -> list[str]:
    """The plain text of blocks, one string per paragraph, list item, row or code block (with
    `source`, formulas in dollars, as `inline_source`)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            lines.append(inline_text(block.children, source=source))
        elif isinstance(block, BulletList):
            for item in block.items:
                inner = block_lines(item.children, source=source)
                lines.extend(["\n".join(inner)] if source else inner)
        elif isinstance(block, CodeBlock):
            lines.append(block.code.rstrip("\n"))
        elif isinstance(block, MathBlock):
            lines.append(f"$${block.source}$$" if source else block.source)
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                lines.append(" | ".join(inline_text(cell, source=source) for cell in row))
    return lines


def block_source(blocks: Blocks) -> str:
    """The plain text of blocks, joined by newlines, with formulas in dollars (`inline_source`)."""
    return "\n".join(block_lines(blocks, source=True))


def block_text(blocks: Blocks) -> str:
    """The plain text of blocks, joined by newlines."""
    return "\n".join(block_lines(blocks))


def split_math(text: str) -> Inlines:
    """Text with formulas in dollars, as `inline_source` writes it, back as Text and Math nodes."""
    parts: list[Inline] = []
    plain: list[str] = []
    pos = 0
    for match in _MATH_IN_TEXT.finditer(text):
        plain.append(text[pos : match.start()])
        pos = match.end()
        if match.group() == "\\$":
            plain.append("$")
            continue
        if any(plain):
            parts.append(Text("".join(plain)))
        plain = []
        display = match.group("display")
        source = display if display is not None else match.group("inline")
        parts.append(Math(source.strip(), display is not None))
    plain.append(text[pos:])
    if any(plain):
        parts.append(Text("".join(plain)))
    return tuple(parts)


def paragraphs(blocks: Blocks) -> Iterator[Paragraph]:
    """The paragraphs of blocks, those in lists too: a card's facts, as the steps that read
    sentences (glossary, auto cloze) see them."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, BulletList):
            for item in block.items:
                yield from paragraphs(item.children)


def walk_inlines(deck: Deck) -> Iterator[Inline]:
    """Every inline node of a deck's cards, depth first, fronts before backs."""
    return itertools.chain.from_iterable(map(card_inlines, deck.cards))


def card_inlines(card: Card) -> Iterator[Inline]:
    """Every inline node of one card, depth first, front before back."""
    # Collected into a list rather than yielded: every build walks each card several times
    # (lock hashes, images, glossary), and nested generators cost several times as much.
    nodes: list[Inline] = []
    _collect(card.front, nodes)
    _collect_blocks(card.back, nodes)
    return iter(nodes)


def _collect_blocks(blocks: Blocks, nodes: list[Inline]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            _collect(block.children, nodes)
        elif isinstance(block, BulletList):
            for item in block.items:
                _collect_blocks(item.children, nodes)
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    _collect(cell, nodes)


def _collect(inlines: Inlines, nodes: list[Inline]) -> None:
    for node in inlines:
        nodes.append(node)
        if isinstance(node, Emphasis | Strong | Cloze | Link):
            _collect(node.children, nodes)


def facts(card: Card) -> list[str]:
    """The card's facts as plain text: each paragraph or list item of its back."""
    return block_lines(card.back)
