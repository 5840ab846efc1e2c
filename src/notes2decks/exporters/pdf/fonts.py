"""The bundled DejaVu fonts (Latin, Greek, Cyrillic; `fonts/LICENSE-DejaVu.txt`), registered
with reportlab once per process and embedded in every PDF as subsets."""

from __future__ import annotations

import functools
import importlib.resources

SANS = "N2D-DejaVuSans"
"""The regular face; also the name of the registered family, so `<b>` and `<i>` pick faces."""
SANS_BOLD = "N2D-DejaVuSans-Bold"
SANS_ITALIC = "N2D-DejaVuSans-Oblique"
SANS_BOLD_ITALIC = "N2D-DejaVuSans-BoldOblique"
MONO = "N2D-DejaVuSansMono"
"""The monospace face for code; DejaVu Sans Mono has one weight only."""

MONO_ADVANCE = 0.602
"""DejaVu Sans Mono's advance width in ems, the same for every glyph."""

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Register the five faces and the Sans family with reportlab (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = importlib.resources.files("notes2decks") / "fonts"
    for name, filename in _FILES.items():
        # TTFont reads the whole file when it is created, so a temporary path is enough even
        # when the package is imported from a zip.
        with importlib.resources.as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
    )
    pdfmetrics.registerFontFamily(MONO, normal=MONO, bold=MONO, italic=MONO, boldItalic=MONO)


@functools.cache
def _cmap(font_name: str) -> dict[int, int]:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    cmap: dict[int, int] = pdfmetrics.getFont(font_name).face.charToGlyph
    return cmap


@functools.lru_cache(maxsize=1024)
def missing_glyphs(text: str, font_name: str = SANS) -> tuple[str, ...]:
    """The distinct characters of `text` that the font cannot draw, in order of appearance.

    White space and control characters are left out: they are never drawn as glyphs.
    """
    if text.isascii():
        return ()  # every bundled face draws all of ASCII
    cmap = _cmap(font_name)
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in cmap and not char.isspace() and char.isprintable():
            seen.setdefault(char, None)
    return tuple(seen)


def string_width(text: str, font_name: str, size: float) -> float:
    """The width of `text` in points, set in one registered font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    return float(stringWidth(text, font_name, size))
