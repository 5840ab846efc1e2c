"""A card face's blocks as flowables at one type size: paragraphs (as bullets on a revision
card's back), lists, headings, code, display formulas, tables, rules and images."""

from __future__ import annotations

import functools
from typing import Any

from ...model import (
    Block,
    Blocks,
    BulletList,
    CodeBlock,
    Heading,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Math,
    MathBlock,
    Text,
    ThematicBreak,
)
from ...model import Paragraph as ParagraphBlock
from ...model import Table as TableBlock
from .flowables import CodeFlowable, FittedBox, Indented, RuleFlowable
from .fonts import MONO, SANS, SANS_BOLD, string_width
from .math import MathFailure, typeset
from .pictures import picture_items
from .tables import table_flowable
from .text import MIN_SIZE, FaceContext, Item, inline_paragraph, paragraph_style, without_sounds


def _segments(inlines: Inlines) -> list[Inlines | Image | Math]:
    """Split a paragraph where an image or a display formula must stand on its own line."""
    parts: list[Inlines | Image | Math] = []
    run: list[Inline] = []
    for node in inlines:
        if isinstance(node, Image) or (isinstance(node, Math) and node.display):
            if run:
                parts.append(tuple(run))
                run = []
            parts.append(node)
        else:
            run.append(node)
    if run:
        parts.append(tuple(run))
    return parts


def _blank(inlines: Inlines) -> bool:
    return all(
        isinstance(node, LineBreak)
        or (isinstance(node, Text) and not without_sounds(node.text).strip())
        for node in inlines
    )


def inline_items(
    ctx: FaceContext,
    inlines: Inlines,
    size: float,
    style: Any,
    *,
    line: int,
    front: bool = False,
    bullet: str | None = None,
    gap: float = 0.0,
) -> list[Item]:
    """A paragraph's content: text as paragraphs, images and display formulas between them."""
    items: list[Item] = []
    for part in _segments(inlines):
        if isinstance(part, Image):
            items.extend(picture_items(ctx, part, size, line))
        elif isinstance(part, Math):
            items.extend(math_block_items(ctx, part.source, size, line))
        elif not _blank(part):
            label = None if items else bullet
            para = inline_paragraph(ctx, part, size, style, front=front, line=line, bullet=label)
            items.append((size * 0.2, para))
    if items:
        items[0] = (gap, items[0][1])
    return items


def math_block_items(ctx: FaceContext, source: str, size: float, line: int) -> list[Item]:
    """A display formula centred on its own line, or its source in monospace if it cannot be
    typeset."""
    try:
        art = typeset(source, display=True)
    except MathFailure as failure:
        ctx.note(line, f"{failure}; it is printed as LaTeX source. Fix the formula")
        ctx.glyphs.check(line, source, MONO)
        return [(size * 0.3, CodeFlowable(source, max(MIN_SIZE, size * 0.88)))]
    box = FittedBox(art.drawing, (art.width, art.height), art.scale_for(size), ctx.height)
    return [(size * 0.4, box)]


_BULLETS = ("\u2022", "\u25e6", "\u25aa")


def block_items(ctx: FaceContext, blocks: Blocks, size: float, bullets: bool) -> list[Item]:
    """Flowables for a face's blocks at one type size; `bullets` sets top-level paragraphs as
    bullets, as on a revision card, where each is a fact."""
    gap = size * 0.35
    return [item for block in blocks for item in _block(ctx, block, size, bullets, 0, 0.0, gap)]


@functools.lru_cache(maxsize=1024)
def _bullet_hang(size: float, labels: tuple[str, ...]) -> float:
    widest = max(string_width(label, SANS, size) for label in labels)
    # reportlab keeps 0.6 em after a bullet; a smaller hang would push the first line right.
    return widest + size * 0.6


def _block(
    ctx: FaceContext, block: Block, size: float, bullets: bool, level: int, left: float, gap: float
) -> list[Item]:
    line = ctx.line
    if isinstance(block, ParagraphBlock):
        bullet = _BULLETS[0] if bullets else None
        hang = _bullet_hang(size, (_BULLETS[0],)) if bullets else 0.0
        style = paragraph_style(size, left=left, hang=hang)
        line = block.line or ctx.line
        return inline_items(ctx, block.children, size, style, line=line, bullet=bullet, gap=gap)
    if isinstance(block, BulletList):
        return _list_items(ctx, block, size, level, left, gap)
    if isinstance(block, Heading):
        style = paragraph_style(max(MIN_SIZE, size * 1.05), SANS_BOLD, left=left)
        return inline_items(ctx, block.children, size, style, line=line, gap=size * 0.6)
    if isinstance(block, CodeBlock):
        ctx.glyphs.check(line, block.code, MONO)
        return [(gap, _indent(CodeFlowable(block.code, max(MIN_SIZE, size * 0.88)), left))]
    if isinstance(block, MathBlock):
        return [(g, _indent(f, left)) for g, f in math_block_items(ctx, block.source, size, line)]
    if isinstance(block, TableBlock):
        return [(gap, _indent(table_flowable(ctx, block, size, ctx.width - left, line), left))]
    if isinstance(block, ThematicBreak):
        return [(gap * 0.5, _indent(RuleFlowable(size * 0.6), left))]
    raise TypeError(f"unexpected block {type(block).__name__}")


def _indent(flowable: Any, left: float) -> Any:
    return Indented(flowable, left) if left else flowable


def _list_items(
    ctx: FaceContext, block: BulletList, size: float, level: int, left: float, gap: float
) -> list[Item]:
    if block.ordered:
        labels = [f"{block.start + i}." for i in range(len(block.items))]
    else:
        labels = [_BULLETS[min(level, len(_BULLETS) - 1)]] * len(block.items)
    hang = _bullet_hang(size, tuple(labels))
    style = paragraph_style(size, left=left, hang=hang)
    items: list[Item] = []
    for label, item in zip(labels, block.items, strict=True):
        for i, child in enumerate(item.children):
            if i == 0 and isinstance(child, ParagraphBlock):
                line = child.line or ctx.line
                first_gap = gap if level == 0 else gap * 0.5
                items += inline_items(
                    ctx, child.children, size, style, line=line, bullet=label, gap=first_gap
                )
            else:
                items += _block(ctx, child, size, False, level + 1, left + hang, gap * 0.5)
    return items
