"""The delimited flashcard reader: one `front | back` (or `front<TAB>back`) card per line.

This is the layout of Anki's text import and of many students' flashcard files. `.txt` files are
read this way only when nearly every line has a separator and none is a card-set `N of M`
marker, so card-set text is never mistaken for it. `.tsv` and `.csv` files with two columns are
read through the csv module.

Lines starting with `#` are comments, except Anki's file headers: `#deck:` names the deck,
`#tags:` tags every card, and the other `#key:value` headers are accepted and ignored.

Each cell is inline Markdown, read by the Markdown reader's own inline parser
(`markdown.parse_inline`): `$v = \\frac{d}{t}$`, `**bold**` and `` `code` `` work as in notes.
A line splits at its first tab, or else its first `|`, outside math and code spans, so
`$|x|$` or `` `a | b` `` never splits a card; `\\|` is a literal bar.
"""

from __future__ import annotations

import csv
import io
import re

from ..model import (
    Card,
    CardKind,
    Deck,
    Emphasis,
    Inlines,
    Link,
    Paragraph,
    SourceRef,
    Strong,
    Text,
    inline_text,
)
from . import ReadContext, assign_identities, clean_deck_part, humanise
from .cardset import MARKER, normalise

_HEADER = re.compile(r"^#\s*([a-z][a-z ]*):(.*)$", re.IGNORECASE)
_HEADER_ROWS = {("front", "back"), ("question", "answer"), ("term", "definition"), ("q", "a")}

# The share of content lines that must hold a separator for a .txt file to count as delimited.
_SNIFF_SHARE = 2 / 3


def _content_lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line)
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


# What the separator search must step over: escapes, code spans' backticks, math's dollars.
_SPECIAL = re.compile(r"\\.|`+|\$\$?|\|")
_CLOZE_TEXT = re.compile(r"\{\{c\d+::")


def _split(line: str) -> tuple[str, str] | None:
    """Split a line at its first tab, or else its first bar outside code spans and math.

    A tab always separates, as in Anki's text files, which never hold one inside a field. Code
    spans and math are found as the Markdown parser finds them (a backtick run closed by one as
    long; `$` not followed by a space, closed by a `$` not after a space nor before a digit;
    `$$` closed by `$$`), so that `$|x|$` or `` `a | b` `` stays in one cell.
    """
    if "\t" in line:
        front, _, back = line.partition("\t")
        return front, back
    pos = 0
    while (found := _SPECIAL.search(line, pos)) is not None:
        mark = found.group()
        pos = found.end()
        if mark == "|":
            return line[: found.start()], line[pos:]
        if mark.startswith("`"):
            closing = re.compile(rf"(?<!`){mark}(?!`)").search(line, pos)
            if closing is not None:
                pos = closing.end()
        elif mark == "$$":
            end = line.find("$$", pos)
            if end > pos:
                pos = end + 2
        elif mark == "$" and pos < len(line) and not line[pos].isspace():
            pos = _math_end(line, pos)
    return None


def _math_end(line: str, start: int) -> int:
    """Where inline math opened just before `start` ends, or `start` when it is not closed."""
    end = start
    while (end := line.find("$", end + 1)) > 0:
        if line[end - 1] in " \t\\":
            continue
        if end + 1 < len(line) and line[end + 1].isdigit():
            continue
        return end + 1
    return start


def looks_delimited(text: str) -> bool:
    """True when the text is a flashcard file rather than a card set."""
    lines = _content_lines(text)
    if not lines or any(MARKER.match(line) for _, line in lines):
        return False
    with_separator = sum(1 for _, line in lines if _split(line) is not None)
    return with_separator >= _SNIFF_SHARE * len(lines)


def _rows(text: str, suffix: str, context: ReadContext) -> list[tuple[int, list[str]]]:
    """The file's rows with their line numbers, headers and comments left out."""
    if suffix in (".csv", ".tsv"):
        dialect = "excel-tab" if suffix == ".tsv" else "excel"
        reader = csv.reader(io.StringIO(text), dialect=dialect)
        rows: list[tuple[int, list[str]]] = []
        line = 1
        try:
            for row in reader:
                if row and not (len(row) == 1 and row[0].lstrip().startswith("#")):
                    rows.append((line, row))
                line = reader.line_num + 1
        except csv.Error as exc:
            raise context.error(reader.line_num, f"the file is not valid CSV: {exc}") from None
        return rows
    rows = []
    for number, content in _content_lines(text):
        split = _split(content)
        rows.append((number, list(split) if split else [content]))
    return rows


def _cell(text: str, context: ReadContext, line: int) -> Inlines:
    """A cell's inline Markdown (empty for an empty cell)."""
    # Imported here: the sniff runs for every .txt file, and card sets need no markdown-it.
    from .markdown import parse_inline

    return parse_inline(text, context, line) if text else ()


def _texts(inlines: Inlines) -> list[Text]:
    """The Text nodes of inline content, nested ones included."""
    found: list[Text] = []
    for node in inlines:
        if isinstance(node, Text):
            found.append(node)
        elif isinstance(node, Emphasis | Strong | Link):
            found.extend(_texts(node.children))
    return found


def parse_delimited(text: str, context: ReadContext) -> Deck:
    """Read a delimited flashcard file into a deck of basic cards."""
    deck_path = ""
    tags: tuple[str, ...] = ()
    for raw in text.split("\n"):
        header = _HEADER.match(raw.strip())
        if not header:
            continue
        key, value = header.group(1).strip().lower(), header.group(2).strip()
        if key == "deck" and value:
            deck_path = "::".join(clean_deck_part(p) for p in value.split("::") if p.strip())
        elif key == "tags" and value:
            tags = tuple(tag for tag in re.split(r"[\s,]+", value) if tag)

    title = humanise(context.path.stem)
    deck_path = deck_path or context.default_deck_path(title)
    drafts: list[tuple[Inlines, Inlines, int]] = []
    suffix = context.path.suffix.lower()
    for index, (line, row) in enumerate(_rows(text, suffix, context)):
        cells = [normalise(cell) for cell in row]
        if index == 0 and tuple(c.lower() for c in cells) in _HEADER_ROWS:
            continue
        parsed = [_cell(cell, context, line) for cell in cells] if len(cells) == 2 else []
        if len(parsed) != 2 or not parsed[0] or not parsed[1]:
            context.warning(
                line,
                "expected 'front | back' (or two tab- or comma-separated columns); "
                "this line was skipped",
            )
            continue
        if any(_CLOZE_TEXT.search(node.text) for cell in parsed for node in _texts(cell)):
            context.warning(
                line,
                "cloze syntax is not read in flashcard files: this line is a basic card and "
                "shows the braces as written; put cloze notes in Markdown notes",
            )
        drafts.append((parsed[0], parsed[1], line))

    if not drafts:
        raise context.error(0, "no 'front | back' lines found; write one card per line")

    identities = assign_identities(
        [(CardKind.BASIC, inline_text(front), line) for front, _, line in drafts],
        deck_path,
        context,
    )
    cards = tuple(
        Card(
            kind=CardKind.BASIC,
            front=front,
            back=(Paragraph(back, line),),
            source=SourceRef(context.file, line),
            identity=identity,
        )
        for (front, back, line), identity in zip(drafts, identities, strict=True)
    )
    return Deck(
        title=title,
        deck_path=deck_path,
        source=SourceRef(context.file),
        cards=cards,
        tags=tags,
        reader="delimited",
    )
