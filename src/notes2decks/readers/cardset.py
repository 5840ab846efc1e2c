"""The card-set text reader: notes copied from a revision website, laid out as such sites print
a card set: a title line, then per card an optional heading (a short line without sentence
punctuation), its facts one per paragraph, and an `N of M` line that closes it; the website's
footer after the last card is dropped. A card without a heading continues the previous card's
heading, marked "(continued)". Every paragraph lands on exactly one card or a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import NoCardsError
from ..model import Card, CardKind, Deck, Paragraph, SourceRef, Text
from . import ReadContext, clean_deck_part, identified

MARKER = re.compile(r"^\s*(\d{1,4})\s+of\s+(\d{1,4})\s*$", re.IGNORECASE)

# Spaces that copy-and-paste from web pages brings in, and characters that only get in the way.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")

_SENTENCE_END = (".", "!", "?", ";", ":", ",", "\u2026")

# What revision websites put after the last card; recognised so that a missing final marker
# does not turn the footer into a fact.
_FOOTER = re.compile(
    r"^(no comments have yet been made|comments?\b|similar .* resources:?$|see all .*|"
    r"report\b|rate this|share this|.*\u00bb\s*$)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Block:
    """Consecutive non-blank lines: one paragraph of the notes."""

    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return normalise(" ".join(self.lines))


def normalise(text: str) -> str:
    """Text with web spaces folded to single spaces and invisible characters removed."""
    return _SPACES.sub(" ", INVISIBLE.sub("", text)).strip()


def reads_like_heading(text: str) -> bool:
    """True for a short line (80 characters, 10 words at most) not ended like a sentence."""
    return (
        0 < len(text) <= 80
        and len(text.split()) <= 10
        and not text.endswith(_SENTENCE_END)
        and not MARKER.match(text)
    )


_Marker = tuple[int, int, int]
"""A marker line `N of M`: its line, N and M."""
_Cards = list[tuple[list[_Block], _Marker | None]]
"""Each card's paragraphs and the marker that closes it, if any."""


def _split(lines: list[str], start: int) -> tuple[_Cards, list[_Block]]:
    """The cards, each its paragraphs and its closing marker, and the paragraphs after the last
    marker. A marker line closes a card even when no blank line surrounds it."""
    cards: _Cards = []
    pending: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(lines[start:], start=start + 1):
        marker = MARKER.match(raw)
        if marker:
            cards.append((pending, (number, int(marker.group(1)), int(marker.group(2)))))
            pending = []
            current = None
        elif normalise(raw):
            if current is None:
                current = _Block(number)
                pending.append(current)
            current.lines.append(raw)
        else:
            current = None
    return cards, pending


def parse_cardset(text: str, context: ReadContext) -> Deck:
    """Read card-set text into a deck of revision cards."""
    lines = text.split("\n")
    title_index = next((i for i, line in enumerate(lines) if normalise(line)), None)
    if title_index is None:
        raise context.error(0, "the file holds no text; write a title line and some cards")
    title = normalise(lines[title_index])
    if MARKER.match(title):
        raise context.error(
            title_index + 1, "the first line should be the title of the card set, not a marker"
        )

    cards, trailing = _split(lines, title_index + 1)
    markers = [marker for _, marker in cards if marker]
    if markers:
        _check_markers(markers, context)
    else:
        context.warning(
            title_index + 1,
            "no 'N of M' lines close the cards; everything after the title is read as one card",
        )
    total = markers[-1][2] if markers else 0
    notes_after = list(trailing)
    while notes_after and _FOOTER.match(notes_after[-1].text):
        notes_after.pop()
    if markers and (markers[-1][1] >= total or not notes_after):
        # After the final "M of M" everything is the website's, by the format's definition.
        if notes_after:
            context.warning(
                notes_after[0].line,
                f"{len(trailing)} paragraph(s) after the last "
                f"'{markers[-1][1]} of {total}' line are not part of any card and were "
                "left out; add an 'N of M' line after them if they are notes",
            )
    elif notes_after:
        if markers:
            context.warning(
                notes_after[-1].line,
                f"the last card has no closing '{markers[-1][1] + 1} of {total}' line; "
                "it is kept as a card",
            )
        cards.append((notes_after, None))
    return _build_deck(title, cards, context)


def _check_markers(markers: list[_Marker], context: ReadContext) -> None:
    """Warn about markers that do not count up 1, 2, 3 ... M of one M."""
    total = markers[-1][2]
    for index, (line, n, m) in enumerate(markers, start=1):
        if m != total:
            context.warning(line, f"'{n} of {m}' disagrees with the last marker's total of {total}")
        if n != index:
            context.warning(line, f"'{n} of {m}' is out of order: expected '{index} of {m}'")
    if markers[-1][1] != total:
        context.warning(
            markers[-1][0],
            f"the last marker is '{markers[-1][1]} of {total}': the card set may be incomplete",
        )


def _build_deck(title: str, cards: _Cards, context: ReadContext) -> Deck:
    drafts: list[tuple[str, Card]] = []
    heading = ""
    for blocks, marker in cards:
        if not blocks:
            context.warning(marker[0] if marker else 0, "this card is empty; it was skipped")
            continue
        first = blocks[0].text
        facts = blocks
        continued = False
        if reads_like_heading(first) and (len(blocks) > 1 or not heading):
            heading = front = first
            facts = blocks[1:]
            if not facts:
                context.warning(blocks[0].line, f"the card {heading!r} has a heading but no facts")
        else:
            # The first card has no heading to continue: the set's title is the best front.
            continued = bool(heading)
            front = f"{heading} (continued)" if continued else title
        card = Card(
            kind=CardKind.REVISION,
            front=(Text(front),),
            back=tuple(Paragraph((Text(block.text),), block.line) for block in facts),
            source=SourceRef(context.file, blocks[0].line),
            identity="",
            continued=continued,
            # A continued card shows the heading it continues above its front.
            section=(Text(heading),) if continued else (),
        )
        drafts.append((front, card))
    if not drafts:
        raise NoCardsError(
            "no cards found; each card is a few paragraphs closed by 'N of M'", context.file
        )
    deck_path = context.default_deck_path(clean_deck_part(title))
    return Deck(
        title=title,
        deck_path=deck_path,
        source=SourceRef(context.file),
        cards=identified(drafts, deck_path, context),
        auto_glossary=True,
        auto_cloze=True,
        reader="cardset",
    )
