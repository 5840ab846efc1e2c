"""Characters the bundled fonts cannot draw, gathered over a whole PDF into one warning that
names them, counts their places and points at the first, so as not to bury other messages."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...errors import Diagnostic
from .fonts import MONO, SANS, SANS_BOLD, SANS_BOLD_ITALIC, SANS_ITALIC, missing_glyphs

_SHOWN = 8
"""At most this many characters are named; the warning counts the rest."""


def mono_fallback(text: str) -> list[tuple[str, bool]]:
    """`text` in runs, each True when the monospace face lacks its characters and the regular
    face, which covers more scripts, draws them instead."""
    lacking = {c for c in missing_glyphs(text, MONO) if not missing_glyphs(c, SANS)}
    if not lacking:
        return [(text, False)]
    runs = itertools.groupby(text, lambda char: char in lacking)
    return [("".join(chars), borrowed) for borrowed, chars in runs]


def face_of(font: str, *, bold: bool, italic: bool) -> str:
    """The registered face that `<b>` and `<i>` pick inside text set in `font`."""
    if font == MONO:
        return MONO
    bold = bold or font in (SANS_BOLD, SANS_BOLD_ITALIC)
    italic = italic or font in (SANS_ITALIC, SANS_BOLD_ITALIC)
    return ((SANS, SANS_ITALIC), (SANS_BOLD, SANS_BOLD_ITALIC))[bold][italic]


@dataclass
class MissingGlyphs:
    """The characters the fonts lack and the places (a piece of text on one line of the notes,
    however many sizes it is set at) that hold them."""

    places: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)
    """For each (line, text) holding characters the font lacks, those characters."""

    def check(self, line: int, text: str, font: str = SANS) -> None:
        """Record the characters of `text` that `font` cannot draw, if any; for code, those
        that neither the monospace face nor, in its place, the regular face can draw."""
        missing = missing_glyphs(text, font)
        if missing and font == MONO:
            missing = tuple(c for c in missing if missing_glyphs(c, SANS))
        if missing:
            self.places.setdefault((line, text), missing)

    def add(self, other: MissingGlyphs) -> None:
        """Record another's places too."""
        self.places |= {k: v for k, v in other.places.items() if k not in self.places}

    def warning(self, file: str) -> Diagnostic | None:
        """The one warning for the whole file, at its first place, or None."""
        if not self.places:
            return None
        chars = list(dict.fromkeys(itertools.chain.from_iterable(self.places.values())))
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:_SHOWN])
        if len(chars) > _SHOWN:
            shown += f" and {len(chars) - _SHOWN} more"
        count = len(self.places)
        where = "1 place" if count == 1 else f"{count} places, the first here"
        return Diagnostic(
            file,
            min((line for line, _ in self.places if line), default=0),
            f"the bundled fonts have no glyph for {shown} ({where}); "
            f"{'it prints as an empty box' if len(chars) == 1 else 'they print as empty boxes'}. "
            "Use other characters or write them out",
        )
