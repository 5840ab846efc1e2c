"""Typeset LaTeX formulas for the printed cards: ziamath draws them as SVG once per process at a
reference size, svglib turns that into a reportlab drawing, scaled to the text around it."""

from __future__ import annotations

import functools
import io
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from .fonts import SANS

_REFERENCE_SIZE = 10.0
# ziamath's STIX Two Math has a smaller x-height than DejaVu Sans: enlarge formulas a little so
# that `x` in a formula matches `x` in the surrounding text.
_MATCH_DEJAVU = 1.12
_FONT_SIZE = _REFERENCE_SIZE * _MATCH_DEJAVU
"""ziamath's font size, in its units, which are the drawing's points."""

# latex2mathml passes commands it does not know through as text, such as `<mi>\foo</mi>`;
# printed, that would be LaTeX source in the middle of a formula.
_UNKNOWN_COMMAND = re.compile(r">\s*(\\[A-Za-z]+)\s*<")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')

# TeX's absolute units in points (MathJax's px is CSS's: 96 to the inch).
_POINTS = {
    "pt": 1.0,
    "pc": 12.0,
    "in": 72.27,
    "bp": 72.27 / 72,
    "cm": 72.27 / 2.54,
    "mm": 72.27 / 25.4,
    "dd": 1238 / 1157,
    "cc": 12 * 1238 / 1157,
    "sp": 1 / 65536,
    "px": 72.27 / 96,
}
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT = "|".join([*_POINTS, "em", "ex", "mu"])

# A row break `\\`, perhaps starred and perhaps with extra space below the row (`\\[5pt]`, the
# bracket at once, as in amsmath), which latex2mathml would print; or any other escape, so that
# scanning keeps in step with LaTeX's tokens (`\[` is a display delimiter).
_ROW_BREAK = re.compile(
    r"\\\\\*?"
    rf"(?:\[\s*(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})\s*\])?"
    r"|\\.",
    re.DOTALL,
)
_MATHML = "{http://www.w3.org/1998/Math/MathML}"

# Environments latex2mathml does not know, set as the nearest it does know (alignat loses its
# column count).
_KNOWN_AS = {
    "alignat": "align",
    "alignat*": "align*",
    "alignedat": "aligned",
    "dcases": "cases",
    "dcases*": "cases",
}
_UNKNOWN_ENVIRONMENT = re.compile(
    r"\\(?P<edge>begin|end)\{(?P<name>alignat\*?|alignedat|dcases\*?)\}"
    r"(?P<columns>\s*\{\s*\d+\s*\})?"
)

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
                plain, spaces = _row_spaces(_UNKNOWN_ENVIRONMENT.sub(_known_as, source))
                latex = Latex(plain, size=_FONT_SIZE, inline=not display)
                latex = _mended(latex, spaces, inline=not display)
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


def _known_as(match: re.Match[str]) -> str:
    """The \\begin or \\end of the environment latex2mathml knows in place of the one matched."""
    begin = match.group("edge") == "begin"
    columns = match.group("columns") or ""
    # Only \begin{alignat} takes a column count; a brace after \end is the formula's.
    after = "" if begin and match.group("name").startswith("align") else columns
    return f"\\{match.group('edge')}{{{_KNOWN_AS[match.group('name')]}}}{after}"


def _row_spaces(source: str) -> tuple[str, list[float]]:
    """The formula without the stars and spacings of its row breaks, and the extra space after
    each row break in order (0 where it has none), in ziamath's units."""
    spaces: list[float] = []

    def plain(match: re.Match[str]) -> str:
        token = match.group(0)
        if not token.startswith("\\\\"):
            return token
        value, unit = match.group("value"), match.group("unit")
        spaces.append(_space_units(float(value), unit) if value is not None else 0.0)
        return "\\\\"

    return _ROW_BREAK.sub(plain, source), spaces


def _space_units(value: float, unit: str) -> float:
    """A TeX length in ziamath's units. A formula is set as if in a 10 pt document (1 pt is a
    tenth of its em), since it is scaled to the text around it."""
    if unit == "em":
        return value * _FONT_SIZE
    if unit == "ex":
        return value * _FONT_SIZE * 0.43  # Computer Modern's x-height, as MathJax takes it
    if unit == "mu":
        return value * _FONT_SIZE / 18
    return value * _POINTS[unit] * _FONT_SIZE / 10


def _mended(latex: Any, spaces: list[float], inline: bool) -> Any:
    """The formula typeset again from mended MathML where ziamath would print it unlike MathJax
    (row spacing, inline integrals, matrix columns)."""
    from ziamath.operators import integrals

    large = inline and any(node.text in integrals for node in latex.mathml.iter("mo"))
    tables = any("columnspacing" not in table.attrib for table in latex.mathml.iter("mtable"))
    if not large and not tables and not any(spaces):
        return latex
    from ziamath.tex import tex2mml
    from ziamath.zmath import Math

    root = ElementTree.fromstring(tex2mml(latex.latex, inline=inline))
    mended = _space_rows(root, spaces)
    if large:
        # ziamath stretches an integral over its limits, as tall as in a display; MathJax and
        # LaTeX keep it text-sized in running text. A displaystyle one stays large regardless.
        for node in root.iter(f"{_MATHML}mo"):
            if node.text in integrals and "stretchy" not in node.attrib:
                node.set("stretchy", "false")
                mended = True
    # LaTeX's 1 em between the columns of a matrix, an array or cases, as MathJax puts, where
    # ziamath would put 0.3 em (ziamath reads 1 em as 4/3 of the font size).
    for table in root.iter(f"{_MATHML}mtable"):
        if tables and "columnspacing" not in table.attrib:
            table.set("columnspacing", "0.75em")
            mended = True
    return Math(root, size=_FONT_SIZE, number=latex.eqnumber) if mended else latex


def _space_rows(root: ElementTree.Element, spaces: list[float]) -> bool:
    """Add the extra space after the rows that ask for it to their tables' `rowspacing`; False
    when there is none to add. Rows of a <mspace linebreak> group, which ziamath cannot space,
    and breaks that do not match the source's (a trailing `\\\\`) keep the usual spacing."""
    if not any(spaces):
        return False
    breaks = _row_ends(root)
    if len(breaks) != len(spaces):
        return False
    rows_below: dict[ElementTree.Element, list[float]] = {}
    for found, space in zip(breaks, spaces, strict=True):
        if found is None or not space:
            continue
        table, row = found
        if table not in rows_below:
            rows_below[table] = [0.0] * sum(1 for child in table if child.tag == f"{_MATHML}mtr")
        rows_below[table][row] += space
    for table, extra in rows_below.items():
        usual = table.get("rowspacing", "0.3em").split() or ["0.3em"]
        table.set(
            "rowspacing",
            " ".join(_lengthened(usual[i % len(usual)], more) for i, more in enumerate(extra)),
        )
    return bool(rows_below)


def _row_ends(element: ElementTree.Element) -> list[tuple[ElementTree.Element, int] | None]:
    """Where each row break of the MathML falls, in document order: (table, row above the
    break) in an <mtable>, None at a <mspace linebreak>."""
    found: list[tuple[ElementTree.Element, int] | None] = []
    row = 0
    for child in element:
        if child.tag == f"{_MATHML}mtr" and element.tag == f"{_MATHML}mtable":
            if row:
                found.append((element, row - 1))
            row += 1
        elif child.tag == f"{_MATHML}mspace" and child.get("linebreak") == "newline":
            found.append(None)
        found.extend(_row_ends(child))
    return found


def _lengthened(length: str, extra: float) -> str:
    """A MathML length plus `extra` of ziamath's units, in the length's own unit, so that a table
    in a subscript keeps its usual spacing (ziamath reads 1 pt as 1.333 units, 1 em as 1.333
    times the font size)."""
    match = re.fullmatch(rf"({_NUMBER})\s*(pt|em|ex|px)?", length.strip())
    if match is None:
        return f"{extra:.3f}"
    value, unit = float(match.group(1)), match.group(2) or ""
    per_unit = {"": 1.0, "px": 1.0, "pt": 1.333, "em": 1.333 * 10.00002, "ex": 1.333 * 4.30554}
    if unit in ("em", "ex"):
        per_unit[unit] *= _FONT_SIZE / 10
    return f"{value + extra / per_unit[unit]:.4f}{unit}"


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
    spaced = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()
    return _EXPLANATIONS.get(name) or str(exc).strip() or spaced


def draw_drawing(
    canvas: Any, drawing: Any, x: float, y: float, scale_x: float, scale_y: float
) -> None:
    """Draw a reportlab Drawing (a formula, an SVG picture) scaled, its bottom left at (x, y)."""
    from reportlab.graphics import renderPDF

    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(scale_x, scale_y)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.restoreState()
