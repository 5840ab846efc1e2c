"""Print-ready, double-sided PDF revision cards (`long`/`short` duplex or `fold`), text shrunk
to fit down to 7 pt and continued onto follow-on cards (3a, 3b, ...) with a warning, set in the
embedded DejaVu Sans and byte-identical on every build; plus the printer calibration sheet.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from ...atomic import write_bytes
from ...errors import Diagnostic, NotesError
from ...model import Card, Deck
from ...options import BuildOptions
from .cards import CardPrinter, Warn, printable_cards
from .document import binary_streams, card_layout, new_canvas
from .glyphs import MissingGlyphs
from .sheets import draw_calibration, draw_glossary


def export_pdf(deck: Deck, dest: Path, options: BuildOptions, warn: Warn) -> None:
    """Write the deck's printable cards (and, if asked, its glossary sheet) to `dest`; notes
    with nothing to print get a warning and no file."""
    data = render_pdf(deck, options, warn)
    if data is not None:
        write_bytes(dest, data, durable=False)


def render_pdf(deck: Deck, options: BuildOptions, warn: Warn) -> bytes | None:
    """The PDF of `export_pdf` as bytes, or None when there is nothing to print."""
    layout = card_layout(options, deck.source.file)
    cards = printable_cards(deck, options)
    glossary = bool(options.print_glossary and deck.glossary)
    if options.print_glossary and not deck.glossary:
        message = "no glossary sheet printed: the notes have no glossary terms"
        warn(Diagnostic(deck.source.file, 0, message))
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
            pieces = printer.pieces(cards, warn)
            while sheet := list(itertools.islice(pieces, layout.per_sheet)):
                printer.draw_sheet(canvas, sheet)
            glyphs.add(printer.glyphs)
        if glossary:
            draw_glossary(canvas, deck, layout, warn, glyphs)
        if (missing := glyphs.warning(deck.source.file)) is not None:
            warn(missing)
        return bytes(canvas.getpdfdata())


def _nothing_to_print(deck: Deck, options: BuildOptions) -> Diagnostic:
    """The warning for notes none of whose cards the PDF prints."""
    present = sorted({card.kind.value for card in deck.cards})
    printed = sorted(kind.value for kind in options.print_kinds)
    prints = f"{_and(printed)} cards" if printed else "no cards"
    message = f"no PDF written: the notes have no cards to print (the PDF prints {prints})"
    if present:
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
    counts = [len(printer.plan(c, n, len(cards), lambda _: None)) for n, c in enumerate(cards, 1)]
    return [(card, count) for card, count in zip(cards, counts, strict=True) if count > 1]


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
        write_bytes(dest, canvas.getpdfdata(), durable=False)


__all__ = [
    "export_calibration",
    "export_pdf",
    "overflowing_cards",
    "printable_cards",
    "render_pdf",
]
