"""Fitting a card face into its box: shrink the type, and continue onto more cards (split
between lines or rows, never clipped) only when even the smallest size does not fit."""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from .flowables import CodeFlowable, Indented, Scaled
from .text import MIN_SIZE, Item

SIZE_STEP = 0.5
"""Type sizes are tried in half-point steps."""
_EPSILON = 1e-6


Placed = tuple[Any, float, float]
"""A flowable wrapped to the box's width, its distance below the box's top, and its height."""


@dataclass(frozen=True, slots=True)
class Page:
    """What one card face holds."""

    placed: tuple[Placed, ...]
    used: float
    """The height the content takes, from the box's top."""

    def draw(self, canvas: Any, x: float, top: float) -> None:
        """Draw the content in a box whose top left is at (x, top)."""
        for flowable, below, height in self.placed:
            flowable.drawOn(canvas, x, top - below - height)


def paginate(items: list[Item], width: float, height: float) -> tuple[Page, ...]:
    """Stack flowables into boxes of `width` × `height`, splitting them where they break a box."""
    pages: list[Page] = []
    current: list[Placed] = []
    used = 0.0
    queue = deque(items)

    def close() -> None:
        nonlocal current, used
        pages.append(Page(tuple(current), used))
        current, used = [], 0.0

    while queue:
        gap, flowable = queue.popleft()
        gap = gap if current else 0.0
        _, h = flowable.wrap(width, height)
        if used + gap + h <= height + _EPSILON:
            current.append((flowable, used + gap, h))
            used += gap + h
            continue
        room = height - used - gap
        # A fact split between two cards is hard to learn from: a paragraph that fits a card of
        # its own goes whole onto the next one. Code and tables split between lines and rows.
        keep = current and isinstance(flowable, Paragraph) and h <= height + _EPSILON
        parts = flowable.split(width, room) if room > 0 and not keep else []
        if len(parts) >= 2:
            _, first_h = parts[0].wrap(width, room)
            if first_h <= room + _EPSILON:
                current.append((parts[0], used + gap, first_h))
                used += gap + first_h
                queue.extendleft((0.0, part) for part in reversed(parts[1:]))
                close()
                continue
        if current:
            close()
            queue.appendleft((gap, flowable))
            continue
        # Alone on an empty card and still too big, with no place to split it.
        scaled = Scaled(flowable, width, height)
        current.append((scaled, 0.0, scaled.height))
        used = scaled.height
    if current or not pages:
        close()
    return tuple(pages)


def sizes_below(top: float) -> list[float]:
    """The sizes to try, from `top` down to the minimum in half-point steps."""
    steps = range(math.ceil(top / SIZE_STEP) - 1, round(MIN_SIZE / SIZE_STEP), -1)
    sizes = [top, *(step * SIZE_STEP for step in steps)]
    return [*sizes, MIN_SIZE] if sizes[-1] > MIN_SIZE else sizes


def fit(
    build: Callable[[float], list[Item]], width: float, height: float, top: float
) -> tuple[Page, ...]:
    """The content's pages at the largest size at which it fits one box, as near as one
    measurement tells; failing that, in the fewest boxes it needs at the minimum size, set at
    the largest size that keeps to that many boxes."""
    sizes = sizes_below(top)
    tried: dict[float, tuple[Page, ...]] = {}

    def pages_at(size: float, items: list[Item] | None = None) -> tuple[Page, ...]:
        if size not in tried:
            tried[size] = paginate(build(size) if items is None else items, width, height)
        return tried[size]

    # Setting a face is the costly part of a build: its height at the top size (or, when the
    # words alone cannot fit there, their least height) guesses where to start, as type takes
    # room as the square of its size.
    items = build(sizes[0])
    least = least_height(items, width)
    if least <= height + _EPSILON:
        first = pages_at(sizes[0], items)
        if len(first) == 1:
            return first
        least = sum(page.used for page in first)
    # From the guess, smaller sizes are tried until one fits; a larger one only while it is
    # tried already or may fit too, its lines taller in proportion: a generous test (larger
    # type also makes more lines), so the size chosen is the largest that fits.
    guess = sizes[0] * math.sqrt(height / (least or height))
    index = max(1, min(len(sizes) - 1, sum(size > guess + _EPSILON for size in sizes)))
    while index < len(sizes) and len(pages_at(sizes[index])) > 1:
        index += 1
    if index < len(sizes):
        while index > 1:
            larger, size = sizes[index - 1], sizes[index]
            may_fit = tried[size][0].used * (larger / size) <= height + _EPSILON
            if not (larger in tried or may_fit) or len(pages_at(larger)) > 1:
                break
            index -= 1
        return tried[sizes[index]]
    target = len(pages_at(sizes[-1]))
    # More than one box even at the minimum size: the first (largest) size that needs no more
    # than that many, by bisection over the descending sizes.
    fewest = bisect.bisect_left(
        range(len(sizes) - 1), True, key=lambda i: len(pages_at(sizes[i])) <= target
    )
    return pages_at(sizes[fewest])


def least_height(items: list[Item], width: float) -> float:
    """A height that the flowables, stacked in a box of `width`, cannot take less than: their
    words' widths over the width of their lines (the line breaking itself is reportlab's), and
    code blocks' own heights. Pictures, formulas and tables count as nothing."""
    total = sum(gap for gap, _ in items[1:])
    for _, flowable in items:
        inner, avail = flowable, width
        while isinstance(inner, Indented):
            inner, avail = inner.inner, avail - inner.left
        if isinstance(inner, CodeFlowable):
            total += inner.wrap(avail, 1e9)[1]
        elif isinstance(inner, Paragraph):
            total += _least_lines(inner, avail) * inner.style.leading
    return total


def _least_lines(para: Any, width: float) -> int:
    """The fewest lines a paragraph can take: a line holds words and the spaces between them
    up to its width, and a space where a line breaks is dropped."""
    style = para.style
    width -= style.leftIndent + style.rightIndent + max(0.0, style.firstLineIndent)
    words = 0.0
    spaces: list[float] = []
    text: list[str] = []
    for frag in para.frags:
        if not getattr(frag, "text", ""):
            continue
        text.append(frag.text)
        # Glyph widths add up: the words' widths are those of the text without its spaces.
        words += stringWidth("".join(frag.text.split()), frag.fontName, frag.fontSize)
        spaces.append(stringWidth(" ", frag.fontName, frag.fontSize))
    if not spaces or width <= 0:
        return 0
    gaps = max(0, len("".join(text).split()) - 1)
    # reportlab lets a line overflow by spaceShrinkage of its spaces' width, so a space takes
    # at least (1 - spaceShrinkage) of its width.
    space = min(spaces) * (1 - style.spaceShrinkage)
    # L lines hold the words and the spaces between them but the L - 1 dropped where the
    # lines break: W - (L - 1) * widest space <= L * width.
    least: float = (words + gaps * space + max(spaces)) / (width + max(spaces))
    return max(1, math.ceil(least - _EPSILON))
