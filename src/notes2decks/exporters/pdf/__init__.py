"""Print-ready, double-sided PDF revision cards.

A teacher prints the PDF on an ordinary office printer, cuts the sheets along the thin lines and
hands out cards whose backs sit behind their fronts:

- `long` duplex: a page of fronts, then a page of backs with the columns mirrored, for printers
  that flip the sheet on its long edge; `short`: the rows are mirrored instead; `fold`: each
  front and its back side by side on one page, to fold along the dashed line.
- Text shrinks to fit its card, down to 7 pt; a card that still does not fit continues onto
  follow-on cards numbered 3a, 3b, ..., with a warning naming it. Nothing is clipped.
- Every text is set in the bundled DejaVu Sans (Latin, Greek, Cyrillic), embedded as subsets,
  by reportlab's Paragraph.
- The file is byte-identical on every build of the same notes.

`export_calibration` prints a sheet that measures a printer's front-to-back misalignment, to
pass as `--back-offset`; `overflowing_cards` tells `check` which cards would continue.

The modules, in the order a build uses them: `cards` (which cards print, fitted and drawn on
sheets), `layout` (where cards sit on the paper), `fit` (type size and follow-on cards),
`blocks`, `tables`, `pictures`, `text`, `math` and `flowables` (a face's content as reportlab
flowables), `fonts`, `sheets` (glossary and calibration sheets), `document` (the canvas and
the file's metadata).
"""

from __future__ import annotations

from pathlib import Path

from ...atomic import write_bytes
from ...errors import Diagnostic, NotesError
from ...model import Card, Deck
from ...options import BuildOptions
from .cards import CardPrinter, Piece, PrintCard, Warn, printable_cards
from .document import binary_streams, card_layout, new_canvas, pdf_bytes
from .glyphs import MissingGlyphs
from .sheets import draw_calibration, draw_glossary


def export_pdf(deck: Deck, dest: Path, options: BuildOptions, warn: Warn) -> None:
    """Write the deck's printable cards (and, if asked, its glossary sheet) to `dest`.

    Notes with nothing to print (no card of the kinds `--print` names, no glossary sheet asked
    for) get a warning and no file: their other outputs are still built.
    """
    data = render_pdf(deck, options, warn)
    if data is not None:
        write_bytes(dest, data, durable=False)


def render_pdf(deck: Deck, options: BuildOptions, warn: Warn) -> bytes | None:
    """The PDF of `export_pdf` as bytes, or None when there is nothing to print."""
    layout = card_layout(options, deck.source.file)
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
        warn(_nothing_to_print(deck, options))
        return None
    glyphs = MissingGlyphs()
    for text in (deck.title, deck.subject):
        glyphs.check(0, text)  # printed on every card
    with binary_streams():
        canvas = new_canvas(layout, options.duplex, deck)
        if cards:
            printer = CardPrinter(deck, layout, len(cards))
            sheet: list[Piece] = []
            for piece in printer.pieces(cards, warn):
                sheet.append(piece)
                if len(sheet) == layout.per_sheet:
                    printer.draw_sheet(canvas, sheet)
                    sheet = []
            if sheet:
                printer.draw_sheet(canvas, sheet)
            glyphs.add(printer.glyphs)
        if glossary:
            draw_glossary(canvas, deck, layout.page_width, layout.page_height, warn, glyphs)
        missing = glyphs.warning(deck.source.file)
        if missing is not None:
            warn(missing)
        return pdf_bytes(canvas)


def _nothing_to_print(deck: Deck, options: BuildOptions) -> Diagnostic:
    """The warning for notes none of whose cards the PDF prints."""
    present = sorted({card.kind.value for card in deck.cards})
    printed = sorted(kind.value for kind in options.print_kinds)
    prints = f"{_and(printed)} cards" if printed else "no cards"
    if not present:
        message = f"no PDF written: the notes have no cards to print (the PDF prints {prints})"
    else:
        message = (
            f"no PDF written: the notes have only {_and(present)} cards and the PDF prints "
            f"{prints}; to print them, add {_and(present)} to --print "
            f"(--print {','.join(sorted({*printed, *present}))})"
        )
    return Diagnostic(deck.source.file, 0, message)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def overflowing_cards(deck: Deck, options: BuildOptions) -> list[tuple[Card, int]]:
    """The printed cards that do not fit one card at the chosen size even at 7 pt, each with
    the number of cards it continues onto. Writes nothing."""
    layout = card_layout(options, deck.source.file)
    cards = printable_cards(deck, options)
    printer = CardPrinter(deck, layout, len(cards))
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
    layout = card_layout(options, "")
    with binary_streams():
        canvas = new_canvas(layout, options.duplex, None)
        draw_calibration(canvas, layout, options.duplex, options.back_offset)
        data = pdf_bytes(canvas)
    write_bytes(dest, data, durable=False)


__all__ = [
    "PrintCard",
    "export_calibration",
    "export_pdf",
    "overflowing_cards",
    "printable_cards",
    "render_pdf",
]
