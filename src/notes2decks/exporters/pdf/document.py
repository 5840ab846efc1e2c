"""The PDF document: its canvas, metadata and viewer preferences, the same bytes on every
build of the same notes."""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator
from typing import Any

from reportlab import rl_config
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFDate, PDFDictionary, PDFInfo, PDFName, PDFString
from reportlab.pdfgen.canvas import Canvas

from ... import __version__
from ...dates import source_date_epoch
from ...errors import NotesError
from ...model import Deck
from ...options import BuildOptions
from .fonts import SANS, register_fonts
from .layout import SheetLayout, sheet_layout
from .math import draw_drawing
from .text import InlineMath

MAX_BACK_OFFSET = 20.0
"""The largest --back-offset in millimetres: printers are off by a few; more is a wrong setting."""

_DUPLEX_NAMES = {"long": "DuplexFlipLongEdge", "short": "DuplexFlipShortEdge", "fold": "Simplex"}


def card_layout(options: BuildOptions, file: str) -> SheetLayout:
    """The sheet layout the options ask for; errors name `file`."""
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
    for what the notes do not say, dated `stamp`."""

    def __init__(self, stamp: Any) -> None:
        super().__init__()
        self.stamp = stamp

    def format(self, document: Any) -> Any:
        entries: dict[str, Any] = {
            "Title": PDFString(self.title),
            "Creator": PDFString(self.creator),
            "Producer": PDFString(self.producer),
            "CreationDate": PDFDate(ts=self.stamp),
            "ModDate": PDFDate(ts=self.stamp),
            "Trapped": PDFName(self.trapped),
        }
        optional = {"Author": self.author, "Subject": self.subject, "Keywords": self.keywords}
        entries.update((key, PDFString(value)) for key, value in optional.items() if value)
        return PDFDictionary(entries).format(document)


def _timestamp(deck: Deck | None) -> Any:
    """The document's date: SOURCE_DATE_EPOCH when set, else the notes' own date, else the fixed
    date of reportlab's invariant mode."""
    stamp = TimeStamp(invariant=True)  # reads SOURCE_DATE_EPOCH
    if deck is None or not deck.modified or source_date_epoch() is not None:
        return stamp
    utc = time.gmtime(deck.modified)
    stamp.t = deck.modified
    stamp.lt = tuple(utc)
    stamp.YMDhms = tuple(utc)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"
    return stamp


def new_canvas(layout: SheetLayout, duplex: str, deck: Deck | None) -> Any:
    """A canvas for the sheets of `deck` (None for the calibration sheet), metadata set."""
    register_fonts()
    # Invariant mode fixes the document ID and dates, so a rebuild is byte-identical.
    canvas = CardCanvas(
        io.BytesIO(),
        pagesize=(layout.page_width, layout.page_height),
        invariant=1,
        pageCompression=1,
        # Otherwise every page names Helvetica, a font that is not embedded.
        initialFontName=SANS,
        initialFontSize=10,
    )
    # reportlab has no public way to replace the document information; `_doc` is why
    # pyproject.toml bounds reportlab's version.
    canvas._doc.info = _Info(_timestamp(deck))
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
def binary_streams() -> Iterator[None]:
    """Page streams compressed only, not also ASCII85-encoded (smaller files, faster builds):
    reportlab's global setting, set for the length of one build and put back."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


class CardCanvas(Canvas):  # type: ignore[misc]
    """A canvas that draws typeset formulas placed inside paragraphs."""

    def drawImage(self, image: Any, x: float, y: float, *args: Any, **kwargs: Any) -> Any:
        if isinstance(image, InlineMath):
            width, height = args[:2]  # as reportlab's paragraph passes them
            if image.highlight:
                self.saveState()
                self.setFillColor(image.highlight)
                self.rect(x, y, width, height, stroke=0, fill=1)
                self.restoreState()
            art = image.art
            draw_drawing(self, art.drawing, x, y, width / art.width, height / art.height)
            return (width, height)
        return super().drawImage(image, x, y, *args, **kwargs)
