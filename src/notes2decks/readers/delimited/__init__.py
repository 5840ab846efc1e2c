"""The delimited flashcard reader: `.txt`, `.tsv` and `.csv` files of one card per record, as
Anki, Quizlet and students write them. `layout` finds the headers and the separator, `columns`
which column is what, `cells` reads the fields (HTML or inline Markdown)."""

from __future__ import annotations

import re

from ...model import Card, CardKind, Deck, Image, SourceRef, inline_text
from .. import ReadContext, clean_deck_part, humanise, identified
from ..cardset import MARKER, normalise
from .cells import Cells
from .columns import Columns
from .layout import Layout, find_layout, read_headers
from .tally import Tally

__all__ = ["looks_delimited", "parse_delimited"]

# The share of records that must split alike for a .txt file without headers to be flashcards.
_SNIFF_SHARE = 2 / 3
_CLOZE_TEXT = re.compile(r"\{\{c\d+::")


def looks_delimited(text: str) -> bool:
    """True when the text is a flashcard file rather than a card set: it has Anki's headers, or
    most of its first records split alike and none is a card-set `N of M` marker."""
    lines = text.split("\n")
    headers = read_headers(lines)
    if headers.anki:
        return True
    if any(MARKER.match(line) for line in lines[headers.start :]):
        return False
    layout = find_layout(lines, headers, markdown=headers.html is not True, whole=False)
    return layout.columns >= 2 and layout.fitting >= _SNIFF_SHARE * len(layout.rows)


def parse_delimited(text: str, context: ReadContext) -> Deck:
    """Read a flashcard file into a deck of basic cards."""
    lines = text.split("\n")
    headers = read_headers(lines)
    layout: Layout = find_layout(lines, headers, markdown=headers.html is not True)
    if layout.error:
        raise context.error(layout.error_line, f"the file is not valid CSV: {layout.error}")
    tally = Tally(context)
    columns = Columns.of(headers, layout, context)
    cells = Cells(context, headers.html, tally)

    title = humanise(context.path.stem)
    column = columns.deck_name(layout.rows, context)
    deck_path = "::".join(
        clean_deck_part(p) for p in (headers.deck or column).split("::") if p.strip()
    )
    deck_path = deck_path or context.default_deck_path(title)
    drafts: list[tuple[str, Card]] = []
    for row in layout.rows[columns.first_row :]:
        fields = columns.fields(row, layout.separator)
        front, back = cells.card(fields[0], fields[1], row.line) if fields else ((), ())
        if fields is None or not front or not back:
            lack = f"nothing on the {'back' if front else 'front'}" if fields else "no separator"
            tally.add(
                f"this line has {lack}, so it was skipped",
                f"{{count}} lines have {lack}, so they were skipped",
                row.line,
            )
            continue
        front_text, back_text, extra, tags = fields
        back = back + tuple(cells.extra(label, value, row.line) for label, value in extra)
        if _CLOZE_TEXT.search(front_text + back_text):
            tally.add(
                "cloze syntax is not read in flashcard files: this line is a basic card and "
                "shows the braces as written; put cloze notes in Markdown notes",
                "{count} lines hold cloze syntax, which is not read in flashcard files: they "
                "are basic cards and show the braces as written",
                row.line,
            )
        card = Card(CardKind.BASIC, front, back, SourceRef(context.file, row.line), "", tags)
        # A front that is only pictures takes its identity from the pictures' file names.
        pictures = " ".join(node.src for node in front if isinstance(node, Image))
        drafts.append((normalise(inline_text(front)) or pictures, card))
    tally.report()

    if not drafts:
        raise context.error(0, "no 'front | back' lines found; write one card per line")

    return Deck(
        title=title,
        deck_path=deck_path,
        source=SourceRef(context.file),
        cards=identified(drafts, deck_path, context),
        tags=tuple(tag for tag in headers.tags if tag),
        reader="delimited",
    )
