"""The printed cards of a deck: which cards print, each face fitted into its box, and the
sheets of fronts and backs drawn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import Diagnostic
from ...identity import normalise_front
from ...model import (
    Blocks,
    Card,
    CardKind,
    Deck,
    Image,
    Paragraph,
    ThematicBreak,
    inline_text,
    split_math,
)
from ...options import BuildOptions
from .blocks import block_items, inline_items
from .fit import Page, fit
from .fonts import SANS, SANS_BOLD, SANS_ITALIC, string_width
from .glyphs import MissingGlyphs
from .layout import Rect, SheetLayout
from .text import MIN_SIZE, MUTED, FaceContext, Item, paragraph_style, plain_paragraph

_HEADING_CHARS = 90
"""Fronts up to this long are set as headings; longer ones as text."""

Warn = Callable[[Diagnostic], None]


def printable_cards(deck: Deck, options: BuildOptions) -> list[Card]:
    """The cards the PDF prints, in the order of the notes, then glossary cards if asked."""
    result = [card for card in deck.cards if card.kind in options.print_kinds]
    # A deck of key terms alone (a glossary file) prints them as its cards.
    if options.print_glossary_cards or not deck.cards:
        printed = {card.identity for card in result}
        for entry in deck.glossary:
            if entry.card and entry.card in printed:
                continue  # that card already asks it
            card = Card(
                kind=CardKind.BASIC,
                front=split_math(entry.term),
                back=(Paragraph(split_math(entry.definition), entry.source.line),),
                source=entry.source,
                identity=f"glossary/{normalise_front(entry.term)}",
            )
            result.append(card)
    return result


def _printed_back(card: Card) -> Blocks:
    """The back as printed: a cloze's shows the whole text, answers highlighted, and the extra
    text under a rule (its front asks with gaps)."""
    if card.kind is not CardKind.CLOZE:
        return card.back
    whole: Blocks = (Paragraph(card.front, card.source.line),)
    return (*whole, ThematicBreak(), *card.back) if card.back else whole


@dataclass(frozen=True, slots=True)
class Piece:
    """One physical card: a whole printed card, or one part of a card that continues."""

    label: str
    """The number printed on it, such as `3 / 8` or `3b / 8`."""
    front: Page
    back: Page
    continued: bool
    """True on the follow-on cards of a card that continues."""
    next_label: str
    """The follow-on card's number when this one continues, else empty."""
    middle: bool = False
    """True to set the back in the middle of the card, as for a short answer."""


def _piece_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


class CardPrinter:
    """Fits cards into their boxes and draws sheets, for one deck and one sheet layout."""

    def __init__(self, deck: Deck, layout: SheetLayout, total: int) -> None:
        self.deck = deck
        self.layout = layout
        self.glyphs = MissingGlyphs()
        """Characters the fonts lack on the cards planned so far."""
        spec = layout.spec
        self.meta = spec.meta_size
        self.meta_leading = self.meta * 1.2
        pad = spec.padding
        self.content = Rect(pad, pad, layout.card_width - 2 * pad, layout.card_height - 2 * pad)
        width = self.content.w
        gap = self.meta * 0.6

        # The header and footer are the same on every card: set them once.
        self.title = _truncated_paragraph(deck.title, self.meta, width, 2)
        self.title_height = self.title.wrap(width, self.content.h)[1] if self.title else 0.0
        # The subject shares the bottom line with the widest number a card of the deck can have.
        widest = string_width(f"{total}mm / {total}", SANS_BOLD, self.meta)
        subject_width = width - widest - gap
        self.subject = _truncated_paragraph(deck.subject, self.meta, subject_width, 1)
        self.subject_height = (
            self.subject.wrap(subject_width, self.content.h)[1] if self.subject else 0.0
        )
        self.footer = max(self.meta_leading, self.subject_height)

        top = self.title_height + gap if self.title else 0.0
        self.front_box = Rect(
            self.content.x,
            self.content.y + self.footer + gap,
            width,
            self.content.h - top - self.footer - gap,
        )
        self.back_box = Rect(
            self.content.x,
            self.content.y + self.meta_leading + gap,
            width,
            self.content.h - self.meta_leading - gap,
        )

    def _front(self, card: Card, ctx: FaceContext, continued: bool) -> tuple[Page, ...]:
        spec = self.layout.spec
        if len(inline_text(card.front)) <= _HEADING_CHARS:
            # A heading or a short question: large, bold and centred.
            bold = card.kind is not CardKind.CLOZE
            font, align, top = SANS_BOLD if bold else SANS, "center", spec.heading_size
        else:
            # A long question or a cloze sentence reads better set like text.
            font, align, top = SANS, "left", min(spec.heading_size, spec.body_size * 1.25)

        # The heading the front needs to be understood ("Definition" of what?), in the small
        # grey type of the title, lined up with the front; formulas typeset, pictures left out.
        section = tuple(node for node in card.section if not isinstance(node, Image))
        above = paragraph_style(self.meta, SANS, align, color="muted")

        def build(size: float) -> list[Item]:
            style = paragraph_style(size, font, align, leading=1.18)
            items = inline_items(ctx, section, self.meta, above, line=ctx.line)
            gap = self.meta * 0.8 if items else 0.0
            items += inline_items(ctx, card.front, size, style, line=ctx.line, front=True, gap=gap)
            if continued:
                note = paragraph_style(max(MIN_SIZE, size * 0.6), SANS_ITALIC, "center")
                items.append((size * 0.35, plain_paragraph("(continued)", note)))
            return items

        return fit(build, self.front_box.w, self.front_box.h, top)

    def plan(self, card: Card, number: int, total: int, warn: Warn) -> list[Piece]:
        """The physical cards one printed card needs, with warnings about it sent to `warn`."""
        file = card.source.file or self.deck.source.file
        line = card.source.line
        spec = self.layout.spec
        front_ctx = FaceContext(line, self.front_box.w, self.front_box.h, spec.heading_size)
        back_ctx = FaceContext(line, self.back_box.w, self.back_box.h, spec.body_size)
        front = self._front(card, front_ctx, continued=False)
        # A revision card's back holds facts, set as bullets.
        bullets = card.kind is CardKind.REVISION
        blocks = _printed_back(card)

        def build_back(size: float) -> list[Item]:
            return block_items(back_ctx, blocks, size, bullets)

        back = fit(build_back, self.back_box.w, self.back_box.h, spec.body_size)
        count = max(len(front), len(back))
        follow = front
        if count > 1 and len(front) == 1:
            follow = self._front(card, front_ctx, continued=True)

        for ctx in (front_ctx, back_ctx):
            for note_line, message in ctx.notes:
                warn(Diagnostic(file, note_line, message))
            self.glyphs.add(ctx.glyphs)

        if count == 1:
            return [Piece(f"{number} / {total}", front[0], back[0], False, "", not bullets)]
        labels = [f"{number}{_piece_letters(i)}" for i in range(count)]
        heading = " ".join(inline_text(card.front).split())
        if len(heading) > 60:
            heading = heading[:59].rstrip() + "\u2026"
        message = (
            f'card {number} "{heading}" does not fit one {spec.label} card even '
            f"at {MIN_SIZE:g} pt, so it continues on {count} cards ({', '.join(labels)}); "
            "split it into shorter cards or choose a larger --card-size"
        )
        warn(Diagnostic(file, line, message))
        # Follow-on cards repeat the front, marked as continued unless it continues itself.
        fronts = front + follow[:1] * (count - len(front))
        backs = back + (Page((), 0.0),) * (count - len(back))
        nexts = [*labels[1:], ""]
        return [
            Piece(f"{labels[i]} / {total}", fronts[i], backs[i], i > 0, nexts[i])
            for i in range(count)
        ]

    def pieces(self, cards: list[Card], warn: Warn) -> Iterator[Piece]:
        """Every physical card of the deck, in order, planned one printed card at a time."""
        for number, card in enumerate(cards, start=1):
            yield from self.plan(card, number, len(cards), warn)

    def draw_sheet(self, canvas: Any, pieces: list[Piece]) -> None:
        """One sheet: the fronts page and the backs page, or one page to fold."""
        layout = self.layout
        # The thin cut lines along the card edges, and for `fold` the dashed fold lines.
        canvas.saveState()
        canvas.setLineWidth(0.3)
        canvas.setStrokeGray(0.62)
        for x1, y1, x2, y2 in layout.cut_lines:
            canvas.line(x1, y1, x2, y2)
        if layout.fold_lines:
            canvas.setDash(3, 2.5)
            for x1, y1, x2, y2 in layout.fold_lines:
                canvas.line(x1, y1, x2, y2)
        canvas.restoreState()
        for slot, piece in zip(layout.slots, pieces, strict=False):
            self._draw_front(canvas, slot.front, piece)
            if not layout.two_sided:
                self._draw_back(canvas, slot.back, piece)
        canvas.showPage()
        if layout.two_sided:
            for slot, piece in zip(layout.slots, pieces, strict=False):
                self._draw_back(canvas, slot.back, piece)
            canvas.showPage()

    def _draw_front(self, canvas: Any, card: Rect, piece: Piece) -> None:
        content = self.content.moved(card.x, card.y)
        if self.title:
            self.title.drawOn(canvas, content.x, content.top - self.title_height)
        if self.subject:
            self.subject.drawOn(canvas, content.x, content.y + self.footer - self.subject_height)
        self._label(canvas, content, piece.label)
        box = self.front_box.moved(card.x, card.y)
        # The heading sits in the middle of the card, a touch above centre as the eye expects.
        slack = max(0.0, box.h - piece.front.used)
        piece.front.draw(canvas, box.x, box.top - slack * 0.45)

    def _draw_back(self, canvas: Any, card: Rect, piece: Piece) -> None:
        content = self.content.moved(card.x, card.y)
        self._label(canvas, content, piece.label)
        notes = ["(continued)"] if piece.continued else []
        if piece.next_label:
            notes.append(f"continues on {piece.next_label}")
        if notes:
            canvas.setFont(SANS_ITALIC, self.meta)
            canvas.setFillColor(MUTED)
            canvas.drawString(content.x, content.y + self.meta * 0.3, ", ".join(notes))
        box = self.back_box.moved(card.x, card.y)
        offset = max(0.0, box.h - piece.back.used) * 0.45 if piece.middle else 0.0
        piece.back.draw(canvas, box.x, box.top - offset)

    def _label(self, canvas: Any, content: Rect, label: str) -> None:
        canvas.setFont(SANS_BOLD, self.meta)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(content.right, content.y + self.meta * 0.3, label)


def _truncated_paragraph(text: str, size: float, width: float, lines: int) -> Any:
    """Small grey type on at most `lines` lines, shortened with an ellipsis if need be: the
    deck's title and subject are repeated on every card and must not crowd out its content."""
    text = " ".join(text.split())
    if not text:
        return None
    style = paragraph_style(size, color="muted")
    limit = lines * style.leading + 1e-6
    para = plain_paragraph(text, style)
    if para.wrap(width, 1e6)[1] <= limit:
        return para
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = plain_paragraph(text[:middle].rstrip() + "\u2026", style)
        if candidate.wrap(width, 1e6)[1] <= limit:
            low = middle
        else:
            high = middle - 1
    return plain_paragraph(text[:low].rstrip() + "\u2026", style)
