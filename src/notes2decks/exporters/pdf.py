"""Print-ready, double-sided PDF revision cards.

A teacher prints the PDF on an ordinary office printer, cuts the sheets along the thin lines and
hands out cards whose backs sit behind their fronts:

- `long` duplex: a page of fronts, then a page of backs with the columns mirrored, for printers
  that flip the sheet on its long edge; `short`: the rows are mirrored instead; `fold`: each
  front and its back side by side on one page, to fold along the dashed line.
- Text shrinks to fit its card, down to 7 pt; a card that still does not fit continues onto
  follow-on cards numbered 3a, 3b, ..., with a warning naming it. Nothing is clipped.
- Every text is set in the bundled DejaVu Sans (Latin, Greek, Cyrillic), embedded as subsets.
- The file is byte-identical on every build of the same notes.
- Most card text (plain text, emphasis, bold, code, cloze) is set by `pdf_text.TextParagraph`,
  a faster twin of reportlab's Paragraph that places every glyph where Paragraph would; the
  rest (formulas, images, tables, links that print their address) by Paragraph itself.

`export_calibration` prints a sheet that measures a printer's front-to-back misalignment, to
pass as `--back-offset`; `overflowing_cards` tells `check` which cards would continue.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString

from .. import __version__
from ..atomic import write_bytes
from ..dates import source_date_epoch
from ..errors import Diagnostic, NotesError
from ..identity import normalise_front
from ..model import (
    Blocks,
    Card,
    CardKind,
    Deck,
    Inlines,
    Paragraph,
    ThematicBreak,
    inline_text,
    split_math,
)
from ..options import BuildOptions
from .pdf_content import (
    MIN_SIZE,
    MUTED,
    BlockOptions,
    CardCanvas,
    FaceContext,
    Item,
    block_items,
    inline_items,
    paragraph_style,
    plain_paragraph,
)
from .pdf_fit import Fitted, Page, fit
from .pdf_fonts import SANS, SANS_BOLD, SANS_ITALIC, register_fonts, string_width
from .pdf_layout import Rect, SheetLayout, sheet_layout
from .pdf_sheets import draw_calibration, draw_glossary
from .pdf_text import Pen, TextParagraph

MAX_BACK_OFFSET = 20.0
"""The largest --back-offset in millimetres: printers are off by a few; more is a wrong setting."""

_HEADING_CHARS = 90
"""Fronts up to this long are set as headings; longer ones as text."""
_CUT_LINE = 0.3
_CUT_GREY = 0.62
_DUPLEX_NAMES = {"long": "DuplexFlipLongEdge", "short": "DuplexFlipShortEdge", "fold": "Simplex"}

Warn = Callable[[Diagnostic], None]


# --------------------------------------------------------------------------- public API


def export_pdf(deck: Deck, dest: Path, options: BuildOptions, warn: Warn) -> None:
    """Write the deck's printable cards (and, if asked, its glossary sheet) to `dest`."""
    write_bytes(dest, render_pdf(deck, options, warn), durable=False)


def render_pdf(deck: Deck, options: BuildOptions, warn: Warn) -> bytes:
    """The PDF of `export_pdf` as bytes."""
    layout = _layout(options, deck.source.file)
    cards = printable_cards(deck, options)
    glossary = bool(options.print_glossary and deck.glossary)
    if options.print_glossary and not deck.glossary:
        warn(
            Diagnostic(
                deck.source.file,
                0,
                "no glossary sheet printed: the notes have no glossary terms",
            )
        )
    if not cards and not glossary:
        present = sorted({card.kind.value for card in deck.cards})
        printed = sorted(kind.value for kind in options.print_kinds)
        raise NotesError(
            "nothing to print: the notes have "
            + (f"only {', '.join(present)} cards" if present else "no cards")
            + f" and the PDF prints {', '.join(printed) or 'no cards'}; add the kinds to print "
            "(--print " + ",".join(sorted({*printed, *present})) + ") or leave out the PDF "
            "(--format apkg,csv)",
            deck.source.file,
        )
    with _binary_streams():
        canvas = _new_canvas(layout, options.duplex, deck)
        if cards:
            printer = _CardPrinter(deck, layout, len(cards))
            sheet: list[_Piece] = []
            for piece in printer.pieces(cards, warn):
                sheet.append(piece)
                if len(sheet) == layout.per_sheet:
                    printer.draw_sheet(canvas, sheet)
                    sheet = []
            if sheet:
                printer.draw_sheet(canvas, sheet)
        if glossary:
            draw_glossary(canvas, deck, layout.page_width, layout.page_height, warn)
        return _finish(canvas)


def overflowing_cards(deck: Deck, options: BuildOptions) -> list[tuple[Card, int]]:
    """The printed cards that do not fit one card at the chosen size even at 7 pt, each with
    the number of cards it continues onto. Writes nothing."""
    layout = _layout(options, deck.source.file)
    cards = printable_cards(deck, options)
    printer = _CardPrinter(deck, layout, len(cards))
    result: list[tuple[Card, int]] = []
    for number, card in enumerate(cards, start=1):
        count = len(printer.plan(card, number, len(cards), lambda _: None))
        if count > 1:
            result.append((card.card, count))
    return result


def export_calibration(dest: Path, options: BuildOptions) -> None:
    """Write a two-page calibration sheet: print it double-sided like the cards, hold it to the
    light and read the misalignment of the back off its scales, to pass as `--back-offset`."""
    if options.duplex == "fold":
        raise NotesError(
            "the calibration sheet is for double-sided printing; --duplex fold prints each "
            "front and back side by side on one side of the paper, so it needs no calibration"
        )
    layout = _layout(options, "")
    with _binary_streams():
        canvas = _new_canvas(layout, options.duplex, None)
        draw_calibration(canvas, layout, options.duplex, options.back_offset)
        data = _finish(canvas)
    write_bytes(dest, data, durable=False)


# --------------------------------------------------------------------------- which cards


@dataclass(frozen=True, slots=True)
class PrintCard:
    """One card as printed: what its two faces show."""

    card: Card
    front: Inlines
    back: Blocks
    bullets: bool
    """True when the back's paragraphs are facts, set as bullets."""
    bold_front: bool


def printable_cards(deck: Deck, options: BuildOptions) -> list[PrintCard]:
    """The cards the PDF prints, in the order of the notes, then glossary cards if asked."""
    result: list[PrintCard] = []
    for card in deck.cards:
        if card.kind not in options.print_kinds:
            continue
        if card.kind is CardKind.CLOZE:
            # The front asks with gaps; the back shows the whole text, answers highlighted, and
            # the extra text under a rule.
            back: Blocks = (Paragraph(card.front, card.source.line),)
            if card.back:
                back += (ThematicBreak(), *card.back)
            result.append(PrintCard(card, card.front, back, bullets=False, bold_front=False))
        else:
            revision = card.kind is CardKind.REVISION
            result.append(PrintCard(card, card.front, card.back, revision, bold_front=True))
    # A deck of key terms alone (a glossary file) prints them as its cards.
    if options.print_glossary_cards or not deck.cards:
        printed = {p.card.identity for p in result}
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
            result.append(PrintCard(card, card.front, card.back, bullets=False, bold_front=True))
    return result


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class _Piece:
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


class _CardPrinter:
    """Fits cards into their boxes and draws sheets, for one deck and one sheet layout."""

    def __init__(self, deck: Deck, layout: SheetLayout, total: int) -> None:
        register_fonts()
        self.deck = deck
        self.layout = layout
        spec = layout.spec
        self.meta = spec.meta_size
        self.meta_leading = self.meta * 1.2
        card = Rect(0, 0, layout.card_width, layout.card_height)
        self.content = card.inset(spec.padding)
        width = self.content.w
        gap = self.meta * 0.6

        # The header and footer are the same on every card: set them once.
        self.title = _truncated_paragraph(deck.title, self.meta, width, 2, SANS)
        self.title_height = self.title.wrap(width, self.content.h)[1] if self.title else 0.0
        # The subject shares the bottom line with the widest number a card of the deck can have.
        widest = string_width(f"{total}mm / {total}", SANS_BOLD, self.meta)
        self.subject_width = width - widest - gap
        self.subject = _truncated_paragraph(deck.subject, self.meta, self.subject_width, 1, SANS)
        self.subject_height = 0.0
        if self.subject:
            self.subject_height = self.subject.wrap(self.subject_width, self.content.h)[1]
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

    # ------------------------------------------------------------------ fitting

    def _front(self, card: PrintCard, ctx: FaceContext, continued: bool) -> Fitted:
        spec = self.layout.spec
        if len(inline_text(card.front)) <= _HEADING_CHARS:
            # A heading or a short question: large, bold and centred.
            font, align, top = SANS_BOLD if card.bold_front else SANS, "center", spec.heading_size
        else:
            # A long question or a cloze sentence reads better set like text.
            font, align, top = SANS, "left", min(spec.heading_size, spec.body_size * 1.25)

        def build(size: float) -> list[Item]:
            style = paragraph_style(size, font, align, leading=1.18)
            items = inline_items(ctx, card.front, size, style, line=ctx.line, front=True)
            if continued:
                note = paragraph_style(max(MIN_SIZE, size * 0.6), SANS_ITALIC, "center")
                items.append((size * 0.35, _paragraph("(continued)", note)))
            return items

        return fit(build, self.front_box.w, self.front_box.h, top)

    def _back(self, card: PrintCard, ctx: FaceContext) -> Fitted:
        options = BlockOptions(bullets=card.bullets)

        def build(size: float) -> list[Item]:
            return block_items(ctx, card.back, size, options)

        return fit(build, self.back_box.w, self.back_box.h, self.layout.spec.body_size)

    def plan(self, card: PrintCard, number: int, total: int, warn: Warn) -> list[_Piece]:
        """The physical cards one printed card needs, with warnings about it sent to `warn`."""
        file = card.card.source.file or self.deck.source.file
        line = card.card.source.line
        spec = self.layout.spec
        front_ctx = FaceContext(
            file, line, self.front_box.w, self.front_box.h, base_size=spec.heading_size
        )
        back_ctx = FaceContext(
            file, line, self.back_box.w, self.back_box.h, base_size=spec.body_size
        )
        front = self._front(card, front_ctx, continued=False)
        back = self._back(card, back_ctx)
        count = max(len(front.pages), len(back.pages))
        follow_front = front
        if count > 1 and len(front.pages) == 1:
            follow_front = self._front(card, front_ctx, continued=True)

        for ctx in (front_ctx, back_ctx):
            for note_line, message in ctx.notes:
                warn(Diagnostic(file, note_line, message))

        if count == 1:
            middle = not card.bullets
            return [_Piece(f"{number} / {total}", front.pages[0], back.pages[0], False, "", middle)]
        labels = [f"{number}{_piece_letters(i)}" for i in range(count)]
        heading = " ".join(inline_text(card.front).split())
        if len(heading) > 60:
            heading = heading[:59].rstrip() + "\u2026"
        warn(
            Diagnostic(
                file,
                line,
                f'card {number} "{heading}" does not fit one {self.layout.spec.label} card even '
                f"at {MIN_SIZE:g} pt, so it continues on {count} cards ({', '.join(labels)}); "
                "split it into shorter cards or choose a larger --card-size",
            )
        )
        empty = Page((), 0.0)
        pieces: list[_Piece] = []
        for i in range(count):
            if i < len(front.pages) and (i == 0 or len(front.pages) > 1):
                front_page = front.pages[i]
            else:
                front_page = follow_front.pages[0]
            back_page = back.pages[i] if i < len(back.pages) else empty
            next_label = labels[i + 1] if i + 1 < count else ""
            pieces.append(
                _Piece(f"{labels[i]} / {total}", front_page, back_page, i > 0, next_label)
            )
        return pieces

    def pieces(self, cards: list[PrintCard], warn: Warn) -> Iterator[_Piece]:
        """Every physical card of the deck, in order, planned one printed card at a time."""
        for number, card in enumerate(cards, start=1):
            yield from self.plan(card, number, len(cards), warn)

    # ------------------------------------------------------------------ drawing

    def draw_sheet(self, canvas: Any, pieces: list[_Piece]) -> None:
        """One sheet: the fronts page and the backs page, or one page to fold."""
        layout = self.layout
        _draw_lines(canvas, layout)
        for slot, piece in zip(layout.slots, pieces, strict=False):
            self._draw_front(canvas, slot.front, piece)
            if not layout.two_sided:
                self._draw_back(canvas, slot.back, piece)
        canvas.showPage()
        if layout.two_sided:
            for slot, piece in zip(layout.slots, pieces, strict=False):
                self._draw_back(canvas, slot.back, piece)
            canvas.showPage()

    def _draw_front(self, canvas: Any, card: Rect, piece: _Piece) -> None:
        content = self.content.moved(card.x, card.y)
        header: list[tuple[Any, float, float]] = []
        if self.title:
            header.append((self.title, content.x, content.top - self.title_height))
        if self.subject:
            header.append((self.subject, content.x, content.y + self.footer - self.subject_height))
        _draw_flowables(canvas, header)
        self._label(canvas, content, piece.label)
        box = self.front_box.moved(card.x, card.y)
        # The heading sits in the middle of the card, a touch above centre as the eye expects.
        slack = max(0.0, box.h - piece.front.used)
        _draw_page(canvas, piece.front, box, slack * 0.45)

    def _draw_back(self, canvas: Any, card: Rect, piece: _Piece) -> None:
        content = self.content.moved(card.x, card.y)
        self._label(canvas, content, piece.label)
        notes = []
        if piece.continued:
            notes.append("(continued)")
        if piece.next_label:
            notes.append(f"continues on {piece.next_label}")
        if notes:
            canvas.setFont(SANS_ITALIC, self.meta)
            canvas.setFillColor(MUTED)
            canvas.drawString(content.x, content.y + self.meta * 0.3, ", ".join(notes))
        box = self.back_box.moved(card.x, card.y)
        offset = max(0.0, box.h - piece.back.used) * 0.45 if piece.middle else 0.0
        _draw_page(canvas, piece.back, box, offset)

    def _label(self, canvas: Any, content: Rect, label: str) -> None:
        canvas.setFont(SANS_BOLD, self.meta)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(content.right, content.y + self.meta * 0.3, label)


def _draw_page(canvas: Any, page: Page, box: Rect, offset: float) -> None:
    _draw_flowables(
        canvas,
        [
            (placed.flowable, box.x, box.top - offset - placed.top - placed.height)
            for placed in page.placed
        ],
    )


def _draw_flowables(canvas: Any, placed: list[tuple[Any, float, float]]) -> None:
    """Draw flowables, each with its bottom left at the given place. Text paragraphs in a row
    share one text object. It is written out before anything else is drawn, so the text keeps
    its reading order for copying and searching."""
    pen = Pen(canvas)
    for flowable, x, y in placed:
        if isinstance(flowable, TextParagraph):
            flowable.draw_with(pen, x, y)
        else:
            pen.finish()
            flowable.drawOn(canvas, x, y)
    pen.finish()


def _draw_lines(canvas: Any, layout: SheetLayout) -> None:
    """The thin cut lines along the card edges, and for `fold` the dashed fold lines."""
    canvas.saveState()
    canvas.setLineWidth(_CUT_LINE)
    canvas.setStrokeGray(_CUT_GREY)
    for x1, y1, x2, y2 in layout.cut_lines:
        canvas.line(x1, y1, x2, y2)
    if layout.fold_lines:
        canvas.setDash(3, 2.5)
        for x1, y1, x2, y2 in layout.fold_lines:
            canvas.line(x1, y1, x2, y2)
    canvas.restoreState()


def _paragraph(text: str, style: Any) -> Any:
    return plain_paragraph(text, style)


def _truncated_paragraph(text: str, size: float, width: float, lines: int, font: str) -> Any:
    """Small grey type on at most `lines` lines, shortened with an ellipsis if need be: the
    deck's title and subject are repeated on every card and must not crowd out its content."""
    text = " ".join(text.split())
    if not text:
        return None
    style = paragraph_style(size, font, color="muted")
    limit = lines * style.leading + 1e-6
    para = _paragraph(text, style)
    if para.wrap(width, 1e6)[1] <= limit:
        return para
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = _paragraph(text[:middle].rstrip() + "\u2026", style)
        if candidate.wrap(width, 1e6)[1] <= limit:
            low = middle
        else:
            high = middle - 1
    return _paragraph(text[:low].rstrip() + "\u2026", style)


# --------------------------------------------------------------------------- the document


def _layout(options: BuildOptions, file: str) -> SheetLayout:
    x, y = options.back_offset
    if abs(x) > MAX_BACK_OFFSET or abs(y) > MAX_BACK_OFFSET:
        raise NotesError(
            f"--back-offset {x:g},{y:g} is more than {MAX_BACK_OFFSET:g} mm; printers are off "
            "by a few millimetres at most. Measure it with the calibration sheet "
            "(make-deck --calibration)",
            file,
        )
    try:
        return sheet_layout(options.paper, options.card_size, options.duplex, (x, y))
    except NotesError as exc:
        raise NotesError(exc.message, file) from None


class _Info(PDFInfo):  # type: ignore[misc]
    """The document information without reportlab's placeholders ("anonymous", "unspecified")
    for what the notes do not say."""

    def format(self, document: Any) -> Any:
        entries: dict[str, Any] = {
            "Title": PDFString(self.title),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "CreationDate": PDFDate(ts=document._timeStamp),
            "ModDate": PDFDate(ts=document._timeStamp),
            "Trapped": PDFName(self.trapped),
        }
        for key, value in (
            ("Author", self.author),
            ("Subject", self.subject),
            ("Keywords", self.keywords),
        ):
            if value:
                entries[key] = PDFString(value)
        return PDFDictionary(entries).format(document)


def _timestamp(epoch: int) -> Any:
    """A reportlab time stamp for a fixed moment, in UTC."""
    from reportlab.lib.utils import TimeStamp

    stamp = TimeStamp(invariant=True)
    utc = time.gmtime(epoch)
    stamp.t = epoch
    stamp.lt = tuple(utc)
    stamp.YMDhms = tuple(utc)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def _new_canvas(layout: SheetLayout, duplex: str, deck: Deck | None) -> Any:
    register_fonts()
    buffer = io.BytesIO()
    # Invariant mode fixes the document ID and dates, so a rebuild is byte-identical; reportlab
    # takes SOURCE_DATE_EPOCH for the dates when it is set.
    canvas = CardCanvas(
        buffer,
        pagesize=(layout.page_width, layout.page_height),
        invariant=1,
        pageCompression=1,
        # Otherwise every page names Helvetica, a font that is not embedded.
        initialFontName=SANS,
        initialFontSize=10,
    )
    canvas._n2d_buffer = buffer
    doc = canvas._doc
    doc.info = _Info()
    if deck is not None and deck.modified and source_date_epoch() is None:
        # The notes' own date (the reader lets SOURCE_DATE_EPOCH win) rather than the build's.
        doc._timeStamp = _timestamp(deck.modified)
    canvas.setCreator(f"notes2decks {__version__}")
    if deck is not None:
        canvas.setTitle(deck.title)
        canvas.setSubject(deck.subject)
        canvas.setAuthor(deck.author)
        canvas.setKeywords(", ".join(deck.tags))
    else:
        canvas.setTitle("notes2decks calibration sheet")
    # The print dialog must neither shrink the sheet (the cut lines would no longer match the
    # card sizes) nor flip the backs the wrong way.
    canvas.setViewerPreference("PrintScaling", "None")
    canvas.setViewerPreference("Duplex", _DUPLEX_NAMES[duplex])
    canvas.setViewerPreference("DisplayDocTitle", "true")
    return canvas


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Page streams compressed only, not also ASCII85-encoded: smaller files, faster builds.

    reportlab reads this setting from its global configuration while it writes the document, so
    it is set for the length of one build and put back.
    """
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _finish(canvas: Any) -> bytes:
    canvas.save()
    data: bytes = canvas._n2d_buffer.getvalue()
    return data


__all__ = [
    "PrintCard",
    "export_calibration",
    "export_pdf",
    "overflowing_cards",
    "printable_cards",
    "render_pdf",
]
