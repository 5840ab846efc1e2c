"""Typeset LaTeX formulas for the printed cards: ziamath draws them as SVG, svglib turns the SVG
into a reportlab drawing, and the drawing is scaled to the text around it.

Both libraries are pure Python and work offline. A formula is rendered once per process at a
reference size and scaled wherever it is used, because ziamath's output is linear in the size.
"""

from __future__ import annotations

import functools
import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Any

from .pdf_fonts import SANS

_REFERENCE_SIZE = 10.0
# ziamath's STIX Two Math has a smaller x-height than DejaVu Sans: enlarge formulas a little so
# that `x` in a formula matches `x` in the surrounding text.
_MATCH_DEJAVU = 1.12

# latex2mathml passes commands it does not know through as text, such as `<mi>\foo</mi>`;
# printed, that would be LaTeX source in the middle of a formula.
_UNKNOWN_COMMAND = re.compile(r">\s*(\\[A-Za-z]+)\s*<")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')

# ziafont's SVG 2 output uses <symbol>/<use>, which svglib scales wrongly; its SVG 1.1 output is
# plain paths. The switch is global to ziafont, so it is flipped under a lock and put back.
_SVG_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class MathArt:
    """A typeset formula at the reference size."""

    drawing: Any
    """The reportlab Drawing, in points at the reference size."""
    width: float
    """The width in points at the reference size."""
    height: float
    """The height in points at the reference size, depth included."""
    depth: float
    """How far the formula reaches below its baseline, in points at the reference size."""

    def scale_for(self, size: float) -> float:
        """The factor that sets this formula to match text of `size` points."""
        return size / _REFERENCE_SIZE


class MathFailure(Exception):
    """ziamath could not typeset a formula; the message says why, for the user."""


def typeset(source: str, display: bool) -> MathArt:
    """The formula typeset at the reference size, or MathFailure saying why it cannot be."""
    result = _typeset_cached(source.strip(), display)
    if isinstance(result, str):
        raise MathFailure(result)
    return result


@functools.lru_cache(maxsize=4096)
def _typeset_cached(source: str, display: bool) -> MathArt | str:
    if not source:
        return "the formula is empty"
    from svglib.svglib import svg2rlg

    try:
        with _SVG_LOCK, warnings.catch_warnings():
            # ziamath loads its font through a deprecated importlib.resources call.
            warnings.simplefilter("ignore", DeprecationWarning)
            from ziafont.config import config as ziafont_config
            from ziamath.zmath import Latex

            saved = ziafont_config.svg2
            ziafont_config.svg2 = False
            try:
                latex = Latex(source, size=_REFERENCE_SIZE * _MATCH_DEJAVU, inline=not display)
                mathml = latex.mathmlstr()
                svg = latex.svg()
            finally:
                ziafont_config.svg2 = saved
    except Exception as exc:  # latex2mathml and ziamath raise errors of many kinds
        return f"cannot typeset the formula ${source}$: {_explain(exc)}"
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        return f"cannot typeset the formula ${source}$: unknown command {unknown.group(1)}"
    match = _VIEWBOX.search(svg)
    if not match:
        return "cannot typeset the formula (no size in ziamath's drawing)"
    _, top, vb_width, vb_height = (float(v) for v in match.group(1).split())
    drawing = svg2rlg(io.StringIO(svg))
    if drawing is None or not drawing.width:
        return "cannot typeset the formula (svglib could not read ziamath's drawing)"
    # Otherwise reportlab's renderer sets Helvetica, a font that is not embedded, on the way in.
    drawing.initialFontName = SANS
    # svglib reads SVG user units as CSS pixels (0.75 pt); ziamath means them as points.
    unit = vb_width / drawing.width
    drawing.scale(unit, unit)
    drawing.width *= unit
    drawing.height *= unit
    # The SVG's y axis points down from the formula's baseline at y = 0.
    depth = max(0.0, top + vb_height)
    return MathArt(drawing, vb_width, vb_height, depth)


_EXPLANATIONS = {
    "NoAvailableTokensError": "a command lacks its argument, or a brace is not closed",
    "AssertionError": "a brace or a command is not complete",
    "MissingSuperScriptOrSubscriptError": "^ or _ has nothing after it",
    "DoubleSuperscriptsError": "two superscripts in a row; group them with braces",
    "DoubleSubscriptsError": "two subscripts in a row; group them with braces",
    "ExtraLeftOrMissingRightError": "a \\left has no matching \\right",
    "MissingEndError": "a \\begin has no matching \\end",
    "NumeratorNotFoundError": "\\frac needs a numerator",
    "DenominatorNotFoundError": "\\frac needs a denominator",
}


def _explain(exc: Exception) -> str:
    """What a LaTeX parsing error means, in words, for the warning."""
    name = type(exc).__name__
    if name in _EXPLANATIONS:
        return _EXPLANATIONS[name]
    detail = str(exc).strip()
    if detail:
        return detail
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()


def draw_math(canvas: Any, art: MathArt, x: float, y: float, width: float, height: float) -> None:
    """Draw a formula with its bounding box's bottom left at (x, y), scaled to width × height."""
    from reportlab.graphics import renderPDF

    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width / art.width, height / art.height)
    renderPDF.draw(art.drawing, canvas, 0, 0)
    canvas.restoreState()
