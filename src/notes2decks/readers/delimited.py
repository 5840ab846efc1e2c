"""The delimited flashcard reader: one `front | back` (or `front<TAB>back`) card per line.

This is the layout of Anki's text import and of many students' flashcard files. `.txt` files are
read this way only when nearly every line has a separator and none is a card-set `N of M`
marker, so card-set text is never mistaken for it. `.tsv` and `.csv` files with two columns are
read through the csv module.

Lines starting with `#` are comments, except Anki's file headers: `#deck:` names the deck,
`#tags:` tags every card, and the other `#key:value` headers are accepted and ignored.
"""

from __future__ import annotations

import csv
import io
import re

from ..model import Card, CardKind, Deck, Paragraph, SourceRef, Text
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


def _split(line: str) -> tuple[str, str] | None:
    """Split a line at its first tab, or else its first ` | `-style bar."""
    for separator in ("\t", "|"):
        if separator in line:
            front, _, back = line.partition(separator)
            return front, back
    return None


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
    drafts: list[tuple[str, str, int]] = []
    suffix = context.path.suffix.lower()
    for index, (line, row) in enumerate(_rows(text, suffix, context)):
        cells = [normalise(cell) for cell in row]
        if index == 0 and tuple(c.lower() for c in cells) in _HEADER_ROWS:
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            context.warning(
                line,
                "expected 'front | back' (or two tab- or comma-separated columns); "
                "this line was skipped",
            )
            continue
        drafts.append((cells[0], cells[1], line))

    if not drafts:
        raise context.error(0, "no 'front | back' lines found; write one card per line")

    identities = assign_identities(
        [(CardKind.BASIC, front, line) for front, _, line in drafts], deck_path, context
    )
    cards = tuple(
        Card(
            kind=CardKind.BASIC,
            front=(Text(front),),
            back=(Paragraph((Text(back),), line),),
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
