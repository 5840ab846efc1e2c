"""Tables on a card: columns that share the card's width, cells that wrap, rows that split
across cards."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Table

from ...model import (
    Align,
    Cloze,
    Code,
    Emphasis,
    Image,
    Inlines,
    LineBreak,
    Link,
    Math,
    Strong,
    Text,
)
from ...model import Table as TableBlock
from .fonts import MONO, SANS, SANS_BOLD, string_width
from .math import MathFailure, typeset
from .text import (
    CODE_BACKGROUND,
    MIN_SIZE,
    RULE,
    FaceContext,
    inline_paragraph,
    paragraph_style,
    without_sounds,
)


def _column_widths(
    natural: list[float], minimum: list[float], avail: float, least: float
) -> list[float]:
    """Column widths that fill `avail`, as HTML's automatic table layout: each column at least
    its longest word if the table can afford it, the room left first to the columns that need
    little more to fit on one line, then to the wide ones by need; none narrower than `least`."""
    total = sum(natural)
    if total <= avail:
        return [w * avail / total for w in natural]
    floor = [min(m, n) for m, n in zip(minimum, natural, strict=True)]
    if sum(floor) >= avail:
        # Long words are split; the columns share what is left above the least width by how
        # far their longest words go past it. Shrinking whole widths instead squeezed a column
        # of short words below its own paddings, which reportlab refuses.
        spare = avail - least * len(floor)
        extra = [w - least for w in floor]
        if spare <= 0 or sum(extra) <= 0:
            return [avail / len(floor)] * len(floor)
        return [least + e * spare / sum(extra) for e in extra]
    widths = list(floor)
    need = {c: natural[c] - floor[c] for c in range(len(natural)) if natural[c] > floor[c]}
    remaining = avail - sum(floor)
    while need:
        fair = remaining / len(need)
        settled = [c for c, n in need.items() if n <= fair]
        if not settled:
            total_need = sum(need.values())
            for c, n in need.items():
                widths[c] += remaining * n / total_need
            break
        for c in settled:
            widths[c] += need.pop(c)
            remaining -= widths[c] - floor[c]
    return widths


def cell_extent(inlines: Inlines, font: str, size: float) -> tuple[float, float]:
    """A cell's width on one line and its widest unbreakable word, in points."""
    lines: list[float] = [0.0]
    longest = 0.0

    def walk(nodes: Inlines, face: str) -> None:
        nonlocal longest
        for node in nodes:
            if isinstance(node, Text | Code):
                name = MONO if isinstance(node, Code) else face
                text = node.text if isinstance(node, Code) else without_sounds(node.text)
                parts = text.split("\n")
                for i, part in enumerate(parts):
                    if i:
                        lines.append(0.0)
                    lines[-1] += string_width(part, name, size)
                    for word in part.split():
                        longest = max(longest, string_width(word, name, size))
            elif isinstance(node, Math):
                try:
                    art = typeset(node.source, display=False)
                    width = art.width * art.scale_for(size)
                except MathFailure:
                    width = string_width(node.source, MONO, size)
                lines[-1] += width
                longest = max(longest, width)
            elif isinstance(node, Strong):
                walk(node.children, SANS_BOLD)
            elif isinstance(node, Emphasis | Cloze | Link):
                walk(node.children, face)
            elif isinstance(node, LineBreak):
                lines.append(0.0)
            elif isinstance(node, Image):
                width = string_width(f"[{node.alt or node.src}]", face, size)
                lines[-1] += width
                longest = max(longest, width)
            else:
                raise AssertionError(f"unexpected inline {type(node).__name__}")

    walk(inlines, font)
    return max(lines), longest


def table_flowable(
    ctx: FaceContext, block: TableBlock, size: float, avail: float, line: int
) -> Any:
    """A table whose columns share the card's width; long cells wrap and rows split across
    cards."""
    cell_size = max(MIN_SIZE, size * 0.92)
    pad = cell_size * 0.3
    rows = [block.header, *block.rows]
    columns = max(len(row) for row in rows)
    aligns = [
        (block.align[i] if i < len(block.align) else Align.NONE).value or "left"
        for i in range(columns)
    ]
    natural = [2 * pad + cell_size] * columns
    minimum = [2 * pad + cell_size] * columns
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        font = SANS_BOLD if r == 0 else SANS
        cells: list[Any] = []
        for c in range(columns):
            inlines = row[c] if c < len(row) else ()
            width, word = cell_extent(inlines, font, cell_size)
            # A point to spare: reportlab wraps a line that is exactly as wide as its cell.
            minimum[c] = max(minimum[c], word + 2 * pad + 1)
            if r or not block.rows:
                # A header may wrap between its words sooner than the body does.
                natural[c] = max(natural[c], width + 2 * pad + 1)
            style = paragraph_style(cell_size, font, aligns[c])
            cells.append(inline_paragraph(ctx, inlines, cell_size, style, front=False, line=line))
        data.append(cells)
    natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    widths = _column_widths(natural, minimum, avail, 2 * pad + cell_size)
    return ruled_table(data, widths, 1 if block.rows else 0, "GRID", cell_size, pad, pad * 0.6)


def ruled_table(
    rows: list[list[Any]],
    widths: list[float],
    repeat: int,
    rule: str,
    size: float,
    pad: float,
    top: float,
) -> Any:
    """A table of paragraphs of `size` points, ruled with `rule` (GRID or LINEBELOW), its first
    row shaded and repeated on the cards or pages it continues onto when `repeat` is 1."""
    style = [
        (rule, (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), CODE_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # Cells are paragraphs; this only stops the table naming Helvetica.
        ("FONT", (0, 0), (-1, -1), SANS, size),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    return Table(
        rows, widths, repeatRows=repeat, splitByRow=1, splitInRow=1, hAlign="LEFT", style=style
    )
