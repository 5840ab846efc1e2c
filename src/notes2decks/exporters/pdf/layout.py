"""Sheet geometry: where each card's front and back go on the portrait pages (as the paper in
the tray, so the duplex flip is the one the PDF asks for), in PDF points from the bottom left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from ... import options
from ...errors import NotesError

MM = 72 / 25.4
"""Points per millimetre."""
INCH = 72.0
"""Points per inch."""
T = TypeVar("T")

SAFE_MARGIN = 5 * MM
"""Nothing is printed closer than this to the sheet edge: office printers cannot print there."""

PAPER_SIZES: dict[str, tuple[float, float]] = dict(
    zip(options.PAPERS, [(210 * MM, 297 * MM), (8.5 * INCH, 11 * INCH)], strict=True)
)
"""Portrait paper sizes (width, height), by the option names of `options.PAPERS` in order."""


@dataclass(frozen=True, slots=True)
class CardSpec:
    """A printed card size and the type sizes that suit it."""

    label: str
    """How messages name the size, such as `A6`."""
    width: float
    """The width in points when the card is read (its nominal orientation)."""
    height: float
    """The height in points."""
    grid: tuple[int, int] | None
    """For sheet fractions (A6, A7): the columns and rows on a portrait sheet. The card shrinks
    from its nominal size as needed to keep that many inside the safe margins."""
    heading_size: float
    """The front heading's type size before any shrinking."""
    body_size: float
    """The back's type size before any shrinking."""
    meta_size: float
    """The small type for the deck title, subject and card number."""
    padding: float
    """The clear space between a card's edge (its cut line) and its text."""


CARD_SPECS: dict[str, CardSpec] = dict(
    zip(
        options.CARD_SIZES,
        [
            CardSpec("A6", 105 * MM, 148 * MM, (2, 2), 22, 12, 8, 6 * MM),  # a6
            # A7 reads in landscape: two columns of four rows fill a portrait A4 like real A7
            # sheets do.
            CardSpec("A7", 105 * MM, 74 * MM, (2, 4), 15, 9.5, 7, 4.5 * MM),  # a7
            CardSpec("3×5 in", 5 * INCH, 3 * INCH, None, 16, 10, 7, 5 * MM),  # 3x5
            CardSpec("4×6 in", 6 * INCH, 4 * INCH, None, 20, 11.5, 8, 6 * MM),  # 4x6
            CardSpec("85×55 mm", 85 * MM, 55 * MM, None, 13, 9, 7, 4 * MM),  # business
        ],
        strict=True,
    )
)
"""The supported card sizes, by the option names of `options.CARD_SIZES` in order."""


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle on a page, in points from the bottom left."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def top(self) -> float:
        return self.y + self.h

    def moved(self, dx: float, dy: float) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.w, self.h)


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one card goes: its front, and its back on the back page (or beside it, to fold)."""

    front: Rect
    back: Rect


Segment = tuple[float, float, float, float]
"""A line from (x1, y1) to (x2, y2)."""


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """How cards sit on one sheet of paper."""

    page_width: float
    page_height: float
    spec: CardSpec
    card_width: float
    """The card's printed width; for a rotated fit this is the nominal height."""
    card_height: float
    duplex: str
    slots: tuple[Slot, ...]
    """The cards of one sheet, in reading order of the fronts."""
    cut_lines: tuple[Segment, ...]
    """Thin lines along every card edge, drawn on the fronts only."""
    fold_lines: tuple[Segment, ...]
    """For `fold`: the line between each front and its back."""

    @property
    def per_sheet(self) -> int:
        return len(self.slots)

    @property
    def two_sided(self) -> bool:
        """True when each sheet is two pages, fronts then backs."""
        return self.duplex != "fold"

    @property
    def rotated(self) -> bool:
        """True when the card sits across its nominal orientation to fit more per sheet."""
        return (self.card_width > self.card_height) != (self.spec.width > self.spec.height)


def _look_up(table: dict[str, T], name: str, what: str) -> T:
    """The entry of `table` for `name` in any case; NotesError names the known ones."""
    try:
        return table[name.lower()]
    except KeyError:
        raise NotesError(f"unknown {what} {name!r}; use one of: {', '.join(table)}") from None


def _choose_grid(
    spec: CardSpec, usable_w: float, usable_h: float, fold: bool
) -> tuple[float, float, int, int, str]:
    """The card size on the sheet, the face grid, and for `fold` the pairing direction."""
    if spec.grid is not None:
        cols, rows = spec.grid
        w = min(spec.width, usable_w / cols)
        h = min(spec.height, usable_h / rows)
        if fold and cols % 2 and rows % 2:
            raise NotesError(f"{spec.label} cards cannot be paired for folding")
        pairing = ("across" if cols % 2 == 0 else "down") if fold else ""
        return w, h, cols, rows, pairing

    best: tuple[int, float, float, int, int, str] | None = None
    # Candidates in order of preference: the nominal orientation first, then turned; for fold,
    # front and back side by side before one above the other. Only a strictly better count wins.
    for w, h in ((spec.width, spec.height), (spec.height, spec.width)):
        # A hair of tolerance so that exact fits (4 × 74 mm in 296 mm) survive rounding.
        cols, rows = int((usable_w + 1e-6) // w), int((usable_h + 1e-6) // h)
        counts = {"across": (cols // 2) * rows, "down": cols * (rows // 2), "": cols * rows}
        for pairing in ("across", "down") if fold else ("",):
            count = counts[pairing]
            if count and (best is None or count > best[0]):
                best = (count, w, h, cols, rows, pairing)
    if best is None:
        raise NotesError(
            f"{spec.label} cards do not fit on this paper"
            + (" when folded; choose --duplex long or short" if fold else "")
        )
    _, w, h, cols, rows, pairing = best
    if pairing == "across":
        cols -= cols % 2
    elif pairing == "down":
        rows -= rows % 2
    return w, h, cols, rows, pairing


def sheet_layout(
    paper: str = "a4",
    card_size: str = "a6",
    duplex: str = "long",
    back_offset: tuple[float, float] = (0.0, 0.0),
) -> SheetLayout:
    """Lay cards out on a sheet: the grid, the back of every front, and the cut and fold lines;
    every back shifted by `back_offset` (millimetres, x right, y up as the back page is seen),
    which `fold`, printing both faces on one side, ignores."""
    if duplex not in options.DUPLEX_MODES:
        raise NotesError(
            f"unknown duplex mode {duplex!r}; use one of: {', '.join(options.DUPLEX_MODES)}"
        )
    page_w, page_h = _look_up(PAPER_SIZES, paper, "paper size")
    spec = _look_up(CARD_SPECS, card_size, "card size")
    usable_w, usable_h = page_w - 2 * SAFE_MARGIN, page_h - 2 * SAFE_MARGIN
    fold = duplex == "fold"
    w, h, cols, rows, pairing = _choose_grid(spec, usable_w, usable_h, fold)

    # The grid is centred, so mirroring about the page's middle maps it onto itself.
    x0 = (page_w - cols * w) / 2
    top = page_h - (page_h - rows * h) / 2
    xs = [x0 + col * w for col in range(cols + 1)]
    ys = [top - row * h for row in range(rows + 1)]

    def cell(col: int, row: int) -> Rect:
        return Rect(xs[col], ys[row + 1], w, h)

    dx, dy = back_offset[0] * MM, back_offset[1] * MM
    slots: list[Slot] = []
    fold_lines: list[Segment] = []
    if pairing == "across":
        for row in range(rows):
            for col in range(0, cols, 2):
                slots.append(Slot(cell(col, row), cell(col + 1, row)))
                fold_lines.append((xs[col + 1], ys[row + 1], xs[col + 1], ys[row]))
    elif pairing == "down":
        for row in range(0, rows, 2):
            for col in range(cols):
                slots.append(Slot(cell(col, row), cell(col, row + 1)))
                fold_lines.append((xs[col], ys[row + 1], xs[col + 1], ys[row + 1]))
    else:
        for row in range(rows):
            for col in range(cols):
                front = cell(col, row)
                if duplex == "long":
                    # Flipped on the long (vertical) edge, left and right swap on the back.
                    back = Rect(page_w - front.right, front.y, w, h)
                else:
                    # Flipped on the short edge, top and bottom swap.
                    back = Rect(front.x, page_h - front.top, w, h)
                slots.append(Slot(front, back.moved(dx, dy)))

    edges = [(xs[c], ys[r + 1], xs[c], ys[r]) for c in range(cols + 1) for r in range(rows)]
    edges += [(xs[c], ys[r], xs[c + 1], ys[r]) for r in range(rows + 1) for c in range(cols)]
    folds = set(fold_lines)
    return SheetLayout(
        page_width=page_w,
        page_height=page_h,
        spec=spec,
        card_width=w,
        card_height=h,
        duplex=duplex,
        slots=tuple(slots),
        cut_lines=_merge_segments([edge for edge in edges if edge not in folds]),
        fold_lines=tuple(fold_lines),
    )


def _merge_segments(segments: list[Segment]) -> tuple[Segment, ...]:
    """Join collinear touching segments, so each grid line is drawn as few strokes as possible."""
    lines: dict[tuple[bool, float], list[tuple[float, float]]] = {}
    for x1, y1, x2, y2 in segments:
        if x1 == x2:
            lines.setdefault((False, round(x1, 4)), []).append((min(y1, y2), max(y1, y2)))
        else:
            lines.setdefault((True, round(y1, 4)), []).append((min(x1, x2), max(x1, x2)))
    merged: list[Segment] = []
    for (across, at), spans in sorted(lines.items()):
        joined: list[tuple[float, float]] = []
        for a, b in sorted(spans):
            if joined and a <= joined[-1][1] + 1e-6:
                joined[-1] = (joined[-1][0], max(joined[-1][1], b))
            else:
                joined.append((a, b))
        merged.extend((a, at, b, at) if across else (at, a, at, b) for a, b in joined)
    return tuple(merged)
