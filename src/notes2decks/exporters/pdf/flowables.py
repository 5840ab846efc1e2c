"""The flowables of a card face besides paragraphs: a box scaled to fit (formulas, pictures),
code blocks, rules, indented and scaled-down content."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from .fonts import MONO, MONO_ADVANCE, SANS
from .glyphs import mono_fallback
from .math import draw_drawing
from .text import CODE_BACKGROUND, CONTROL, INK, RULE

Size = tuple[float, float]


class FittedBox(Flowable):  # type: ignore[misc]
    """A reportlab Drawing (a formula, an SVG picture) of `extent` set `times` larger, centred in
    the width it is given and scaled down to fit it and `max_height`."""

    def __init__(self, drawing: Any, extent: Size, times: float, max_height: float) -> None:
        super().__init__()
        self.natural = (extent[0] * times, extent[1] * times)
        self.max_height = max_height
        self.drawing = drawing
        self.extent = extent
        self.scale = 1.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.natural
        self.scale = min(1.0, avail_width / width, self.max_height / height)
        self.avail_width = avail_width
        return avail_width, height * self.scale

    def draw(self) -> None:
        width, height = self.natural
        x = (self.avail_width - width * self.scale) / 2
        self.draw_scaled(x, width * self.scale, height * self.scale)

    def draw_scaled(self, x: float, width: float, height: float) -> None:
        scale = (width / self.extent[0], height / self.extent[1])
        draw_drawing(self.canv, self.drawing, x, 0, *scale)


class CodeFlowable(Flowable):  # type: ignore[misc]
    """A code block in monospace with its spacing kept; lines too long for the card wrap at the
    character, marked with ↪, and the block splits between lines across cards."""

    def __init__(
        self, code: str, size: float, lines: list[str] | None = None, width: float | None = None
    ) -> None:
        super().__init__()
        self.code = code
        self.size = size
        self.leading = size * 1.2
        self.pad = size * 0.4
        self.lines = lines
        self._for_width = width
        """The width `lines` were wrapped to."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.lines is None or self._for_width != avail_width:
            columns = max(8, int((avail_width - 2 * self.pad) / (MONO_ADVANCE * self.size)))
            self.lines = []
            for raw in self.code.expandtabs(4).rstrip("\n").split("\n"):
                raw = CONTROL.sub("", raw.rstrip())
                self.lines.append(raw[:columns])
                rest = raw[columns:]
                while rest:
                    self.lines.append("\u21aa " + rest[: columns - 2])
                    rest = rest[columns - 2 :]
            self._for_width = avail_width
        self.width = avail_width
        self.height = len(self.lines) * self.leading + 2 * self.pad
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        self.wrap(avail_width, avail_height)
        assert self.lines is not None
        fit = int((avail_height - 2 * self.pad) // self.leading)
        if fit < 1 or fit >= len(self.lines):
            return []
        return [
            CodeFlowable(self.code, self.size, self.lines[:fit], avail_width),
            CodeFlowable(self.code, self.size, self.lines[fit:], avail_width),
        ]

    def draw(self) -> None:
        assert self.lines is not None
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(CODE_BACKGROUND)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(MONO, self.size)
        baseline = self.height - self.pad - self.size * 0.93
        advance = MONO_ADVANCE * self.size
        for text in self.lines:
            column = 0
            for run, borrowed in mono_fallback(text):
                if not borrowed:
                    canvas.drawString(self.pad + column * advance, baseline, run)
                else:
                    # One character of the regular face in each column, so the columns after
                    # it (an ASCII diagram's) stay lined up.
                    canvas.setFont(SANS, self.size)
                    for i, char in enumerate(run):
                        canvas.drawString(self.pad + (column + i) * advance, baseline, char)
                    canvas.setFont(MONO, self.size)
                column += len(run)
            baseline -= self.leading
        canvas.restoreState()


class RuleFlowable(Flowable):  # type: ignore[misc]
    """A thin horizontal rule across the card."""

    def __init__(self, space: float) -> None:
        super().__init__()
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(0, self.space / 2, self.width, self.space / 2)
        canvas.restoreState()


class Indented(Flowable):  # type: ignore[misc]
    """Another flowable moved right by `left`, as inside a list item."""

    def __init__(self, inner: Any, left: float) -> None:
        super().__init__()
        self.inner = inner
        self.left = left

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.inner.wrap(avail_width - self.left, avail_height)
        self.width, self.height = width + self.left, height
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts = self.inner.split(avail_width - self.left, avail_height)
        return [Indented(part, self.left) for part in parts]

    def draw(self) -> None:
        self.inner.drawOn(self.canv, self.left, 0)


class Scaled(Flowable):  # type: ignore[misc]
    """A last resort for content that neither fits an empty card nor splits: drawn smaller."""

    def __init__(self, inner: Any, avail_width: float, avail_height: float) -> None:
        super().__init__()
        self.inner = inner
        width, height = inner.wrap(avail_width, avail_height)
        self.factor = min(1.0, avail_width / max(width, 1e-6), avail_height / max(height, 1e-6))
        self.width, self.height = width * self.factor, height * self.factor

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.scale(self.factor, self.factor)
        self.inner.drawOn(self.canv, 0, 0)
