"""Whole-page sheets that go with the cards: the glossary handout and the duplex calibration
sheet."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Paragraph

from ...errors import Diagnostic
from ...model import Deck, split_math
from .cards import Warn
from .fit import paginate
from .fonts import SANS, SANS_BOLD, SANS_ITALIC
from .glyphs import MissingGlyphs
from .layout import MM, SheetLayout
from .tables import cell_extent, ruled_table
from .text import MUTED, FaceContext, escape, inline_paragraph, paragraph_style

_SHEET_MARGIN = 15 * MM
_GLOSSARY_SIZE = 10.0
_FOOTER_SIZE = 8.0


def draw_glossary(
    canvas: Any, deck: Deck, layout: SheetLayout, warn: Warn, glyphs: MissingGlyphs
) -> None:
    """Pages with a two-column table of the deck's terms and definitions, for handing out;
    characters the fonts lack are added to `glyphs`."""
    page_width, page_height = layout.page_width, layout.page_height
    size = _GLOSSARY_SIZE
    width = page_width - 2 * _SHEET_MARGIN
    height = page_height - 2 * _SHEET_MARGIN - _FOOTER_SIZE * 2
    ctx = FaceContext(0, width, height)
    # In alphabetical order, as a handout lists them; ties keep the notes' order.
    entries = sorted(deck.glossary, key=lambda entry: (entry.term.casefold(), entry.term))

    pad = size * 0.35
    # Terms and definitions keep their formulas in dollars; they are typeset as on the cards.
    terms = [split_math(entry.term) for entry in entries]
    longest = max(cell_extent(term, SANS_BOLD, size)[0] for term in terms)
    term_width = min(width * 0.34, max(width * 0.18, longest + 2 * pad + 2))
    term_style = paragraph_style(size, SANS_BOLD)
    text_style = paragraph_style(size)
    rows: list[list[Any]] = [[Paragraph("Term", term_style), Paragraph("Definition", term_style)]]
    for entry, term in zip(entries, terms, strict=True):
        line = entry.source.line
        cells = ((term, term_style), (split_math(entry.definition), text_style))
        rows.append([inline_paragraph(ctx, c, size, s, front=False, line=line) for c, s in cells])
    widths = [term_width, width - term_width]
    table = ruled_table(rows, widths, 1, "LINEBELOW", size, pad, pad)
    title = Paragraph(escape(f"Glossary: {deck.title}"), paragraph_style(size * 1.6, SANS_BOLD))
    items: list[tuple[float, Any]] = [(0.0, title)]
    if deck.subject:
        subject_style = paragraph_style(size, SANS_ITALIC, color="muted")
        items.append((size * 0.2, Paragraph(escape(deck.subject), subject_style)))
    items.append((size, table))

    pages = paginate(items, width, height)
    for number, page in enumerate(pages, start=1):
        page.draw(canvas, _SHEET_MARGIN, page_height - _SHEET_MARGIN)
        canvas.setFont(SANS, _FOOTER_SIZE)
        canvas.setFillColor(MUTED)
        canvas.drawString(_SHEET_MARGIN, _SHEET_MARGIN, f"{deck.title}: glossary")
        canvas.drawRightString(
            page_width - _SHEET_MARGIN, _SHEET_MARGIN, f"page {number} of {len(pages)}"
        )
        canvas.showPage()
    for line, message in ctx.notes:
        warn(Diagnostic(deck.source.file, line, message))
    glyphs.add(ctx.glyphs)


_ARM = 7 * MM
"""Half the length of a front cross's arms."""
_SCALE = 10
"""The back's grids run from -_SCALE to +_SCALE millimetres each way."""

_TARGETS = tuple(
    zip("ABCDE", (0.25, 0.75, 0.5, 0.25, 0.75), (0.75, 0.75, 0.5, 0.25, 0.25), strict=True)
)
"""The marks (name, across, up) in fractions of the sheet: each quarter's middle, the centre."""


def _text_block(canvas: Any, paragraphs: list[str], width: float, top: float) -> None:
    """Plain paragraphs down from `top`, the first as a heading."""
    y = top
    for i, text in enumerate(paragraphs):
        style = paragraph_style(14 if i == 0 else 9, SANS_BOLD if i == 0 else SANS)
        para = Paragraph(escape(text), style)
        _, h = para.wrap(width, 1e6)
        para.drawOn(canvas, _SHEET_MARGIN, y - h)
        y -= h + 4


def draw_calibration(
    canvas: Any, layout: SheetLayout, duplex: str, offset: tuple[float, float]
) -> None:
    """The two pages of the calibration sheet: crosses on the front, and millimetre grids on the
    back exactly where the crosses land when the printer is perfectly aligned."""
    width, height = layout.page_width, layout.page_height
    edge = "long" if duplex == "long" else "short"
    text_width = width - 2 * _SHEET_MARGIN
    top = height - _SHEET_MARGIN
    offset_text = (
        f"This sheet already applies --back-offset {offset[0]:g},{offset[1]:g}: add what you "
        "read to those numbers."
        if offset != (0.0, 0.0)
        else ""
    )

    _text_block(
        canvas,
        [
            "Printer calibration: front",
            f"Print this sheet double-sided, flipped on the {edge} edge, at actual size "
            "(100 %, no \u201cfit to page\u201d), with the settings you use for the cards. "
            "Then turn to the back.",
            offset_text,
        ],
        text_width,
        top,
    )
    canvas.saveState()
    canvas.setLineWidth(0.4)
    for name, across, up in _TARGETS:
        x, y = width * across, height * up
        canvas.line(x - _ARM, y, x + _ARM, y)
        canvas.line(x, y - _ARM, x, y + _ARM)
        canvas.circle(x, y, 1.2 * MM, stroke=1, fill=0)
        canvas.setFont(SANS_BOLD, 10)
        canvas.drawString(x + 2 * MM, y + 2 * MM, name)
    canvas.restoreState()
    canvas.showPage()

    _text_block(
        canvas,
        [
            "Printer calibration: back",
            "Hold the sheet up to the light with this side facing you. Each cross printed "
            "on the front shows through on or near the grid with the same letter. Read where "
            "the centre of cross C falls on its grid: X across (right is +) and Y up and down "
            "(up is +), in millimetres.",
            "Build the cards with make-deck --back-offset X,Y (for example --back-offset "
            "1.5,-0.5). If the crosses all sit on 0, the printer needs no offset. If A, B, "
            "D and E read very differently from C, the printer also turns or stretches the "
            "back, and C's reading is the best single correction.",
            offset_text,
        ],
        text_width,
        top,
    )
    dx, dy = offset[0] * MM, offset[1] * MM
    for name, across, up in _TARGETS:
        x, y = width * across, height * up
        if duplex == "long":
            x = width - x
        else:
            y = height - y
        _draw_grid(canvas, name, x + dx, y + dy)
    canvas.showPage()


def _draw_grid(canvas: Any, name: str, x: float, y: float) -> None:
    """Millimetre graph paper centred on (x, y), numbered along its bottom (X) and left (Y)
    edges, outside the squares so that no number hides the cross that shows through."""
    canvas.saveState()
    reach = _SCALE * MM
    for mm in range(-_SCALE, _SCALE + 1):
        if mm == 0:
            canvas.setLineWidth(0.8)
            canvas.setStrokeColor(colors.black)
        elif mm % 5 == 0:
            canvas.setLineWidth(0.45)
            canvas.setStrokeGray(0.3)
        else:
            canvas.setLineWidth(0.15)
            canvas.setStrokeGray(0.55)
        canvas.line(x + mm * MM, y - reach, x + mm * MM, y + reach)
        canvas.line(x - reach, y + mm * MM, x + reach, y + mm * MM)
    canvas.setFillColor(colors.black)
    canvas.setFont(SANS, 7)
    for mm in range(-_SCALE, _SCALE + 1, 5):
        label = f"{mm:+d}".replace("-", "\u2212") if mm else "0"
        canvas.drawCentredString(x + mm * MM, y - reach - 3 * MM, label)
        canvas.drawRightString(x - reach - 1.2 * MM, y + mm * MM - 0.9 * MM, label)
    canvas.drawCentredString(x, y - reach - 6 * MM, "X (mm, right is +)")
    canvas.saveState()
    canvas.translate(x - reach - 6.5 * MM, y)
    canvas.rotate(90)
    canvas.drawCentredString(0, 0, "Y (mm, up is +)")
    canvas.restoreState()
    canvas.setFont(SANS_BOLD, 12)
    canvas.drawString(x + reach + 2 * MM, y + reach - 4 * MM, name)
    canvas.restoreState()
