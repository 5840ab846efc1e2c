"""Cards from the structure inside a card's text, on the model's blocks: outline notes (a card per
top-level item with a lead), and sections too long to print, cut at their sub-headings and then
their top-level bullets ("Week 3 — Contract formation", "Week 3 (2)")."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import (
    Block,
    BulletList,
    CardKind,
    CodeBlock,
    Heading,
    Image,
    Inlines,
    ListItem,
    MathBlock,
    Paragraph,
    Strong,
    Text,
    ThematicBreak,
    block_lines,
    inline_text,
)
from .paragraphs import Draft

SPLIT_OVER = 2400
"""A section whose `size` is over this does not fit one A6 card even at the smallest type
(7 pt), so it is split."""
PIECE = 1500
"""The most a part of a split section holds: an A6 card of it prints at about 9 pt."""
_PER_LINE = 32
"""What a fact costs besides its characters: the rest of its last line, and its bullet."""
_HEADING = 3 * _PER_LINE
"""What a sub-heading costs besides its characters."""
_FORMULA = 3 * _PER_LINE
"""A line of a display formula: taller than a line of text, and set apart."""
_PICTURE = 400
"""A picture: up to a third of a printed card's back, but a few pictures under a short heading
stay one note (the PDF continues such a card on a follow-on card)."""


def _piece(front: Inlines, back: list[Block], line: int) -> Draft:
    """A card's worth of blocks, cut from a section or an outline."""
    return Draft(CardKind.REVISION, front, tuple(back), line)


def size(blocks: tuple[Block, ...] | list[Block]) -> int:
    """How much of a printed card the blocks fill, in characters (see `SPLIT_OVER`)."""
    total = 0
    for block in blocks:
        if isinstance(block, BulletList):
            total += sum(size(item.children) for item in block.items)
        elif isinstance(block, Heading):
            # Set larger, with space above.
            total += len(inline_text(block.children)) + _HEADING
        elif isinstance(block, MathBlock):
            total += _FORMULA * (block.source.count("\n") + 1)
        else:
            # A code block's or a broken paragraph's lines are lines on the card too.
            lines = (part for line in block_lines((block,)) for part in line.split("\n"))
            total += sum(len(line) + _PER_LINE for line in lines)
            if isinstance(block, Paragraph):
                total += _PICTURE * sum(isinstance(node, Image) for node in block.children)
    return total


def first_line(blocks: tuple[Block, ...] | list[Block], default: int) -> int:
    """The line of the first paragraph in the blocks, or `default`."""
    for block in blocks:
        if isinstance(block, Paragraph) and block.line:
            return block.line
        if isinstance(block, BulletList):
            line = next(filter(None, (first_line(item.children, 0) for item in block.items)), 0)
            if line:
                return line
    return default


def outline(
    blocks: list[Block], front: Inlines, line: int
) -> tuple[list[Block], list[Draft]] | None:
    """The cards of outline notes and the text before the first list; None when the blocks are
    not an outline. The rest (plain items, paragraphs between the lists) is one more card, the
    topic's, with `front` on its front."""
    nested = size(blocks) > SPLIT_OVER
    leads = sum(
        1
        for block in blocks
        if isinstance(block, BulletList)
        for item in block.items
        if _lead(item, nested=nested) is not None
    )
    if leads < 2:
        return None
    intro: list[Block] = []
    pieces: list[Draft] = []
    rest: list[Block] = []
    rest_at = -1
    for unit in _units(blocks):
        item = _single_item(unit)
        lead = _lead(item, nested=nested) if item is not None else None
        if lead is not None:
            pieces.append(_piece(lead[0], lead[1], first_line([unit], line)))
        elif not pieces and not rest and item is None:
            intro.append(unit)
        else:
            rest_at = len(pieces) if rest_at < 0 else rest_at
            _append(rest, unit)
    # Notes of paragraphs with a list here and there are not an outline: the items with leads
    # must hold most of the text.
    leading = sum(size(piece.back) + len(inline_text(piece.front)) + _PER_LINE for piece in pieces)
    if leading < size(rest) + size(intro):
        return None
    if has_facts(rest):
        pieces.insert(rest_at, _piece(front, rest, first_line(rest, line)))
    return intro, pieces


def _lead(
    item: ListItem | None, *, nested: bool = True, loose: bool = False
) -> tuple[Inlines, list[Block]] | None:
    """An item's lead (its bold start, or with `nested` its first line when items are nested
    under it) and the rest of it; None for an item that is one plain fact. With `loose`, any
    blocks under the first line (code, a table) make it a lead too."""
    if item is None or not item.children or not isinstance(item.children[0], Paragraph):
        return None
    first = item.children[0]
    children = first.children
    if children and isinstance(children[0], Strong) and inline_text(children[0].children).strip():
        front = _strip_colon(children[0].children)
        rest = _strip_start(children[1:])
        back: list[Block] = [Paragraph(rest, first.line)] if rest else []
        return front, back + list(item.children[1:])
    if nested and any(isinstance(block, BulletList) or loose for block in item.children[1:]):
        return first.children, list(item.children[1:])
    return None


def _strip_colon(inlines: Inlines) -> Inlines:
    """A bold lead without the colon written inside it (`**Importance:**`)."""
    if inlines and isinstance(inlines[-1], Text):
        text = inlines[-1].text.rstrip().rstrip(":").rstrip()
        return (*inlines[:-1], Text(text)) if text else inlines[:-1]
    return inlines


def _strip_start(inlines: Inlines) -> Inlines:
    """What follows a bold lead, without the colon or dash that joined them."""
    if inlines and isinstance(inlines[0], Text):
        text = inlines[0].text.lstrip().lstrip(":-–—").lstrip()
        return ((Text(text),) if text else ()) + inlines[1:]
    return inlines


def split(draft: Draft) -> list[Draft] | None:
    """The parts of a section's card too long for one printed card, or None when it fits (or
    has no structure to cut it at)."""
    if size(draft.back) <= SPLIT_OVER:
        return None
    pieces = list(_cut(draft.front, list(draft.back), draft.line))
    return pieces if len(pieces) > 1 else None


def _cut(front: Inlines, blocks: list[Block], line: int) -> Iterator[Draft]:
    """The section's parts: one per sub-heading of its shallowest level, each cut again at its
    bullets when it is still too long."""
    levels = [block.level for block in blocks if isinstance(block, Heading)]
    if not levels:
        yield from _pack(front, blocks, line)
        return
    level = min(levels)
    groups: list[tuple[Inlines, list[Block]]] = [(front, [])]
    for block in blocks:
        if isinstance(block, Heading) and block.level == level:
            groups.append((_named(front, block.children), []))
        else:
            groups[-1][1].append(block)
    for name, group in groups:
        if not has_facts(group):
            continue
        at = first_line(group, line)
        if size(group) <= PIECE:
            yield _piece(name, group, at)
        else:
            yield from _cut(name, group, at)


def _pack(front: Inlines, blocks: list[Block], line: int) -> Iterator[Draft]:
    """Consecutive facts (top-level bullets and paragraphs) packed into cards of up to `PIECE`:
    `front`, then `front (2)`, `front (3)`, ... A single fact too long for a card stays whole."""
    part: list[Block] = []
    number = 1
    for unit in _units(blocks):
        item = _single_item(unit)
        lead = _lead(item, loose=True) if item is not None and size([unit]) > PIECE else None
        if has_facts(part) and (lead is not None or size(part) + size([unit]) > PIECE):
            yield _piece(_numbered(front, number), part, first_line(part, line))
            part, number = [], number + 1
        if lead is not None:
            # One item too long for a card, with things under it: cut it at those.
            yield from _cut(_named(front, lead[0]), lead[1], first_line([unit], line))
            continue
        _append(part, unit)
    if has_facts(part):
        yield _piece(_numbered(front, number), part, first_line(part, line))


def _named(front: Inlines, name: Inlines) -> Inlines:
    if inline_text(name).casefold().split() == inline_text(front).casefold().split():
        return front
    return (*front, Text(" — "), *name)


def _numbered(front: Inlines, number: int) -> Inlines:
    # The first part keeps the section's front, so it stays the note that was studied so far.
    return front if number == 1 else (*front, Text(f" ({number})"))


def _units(blocks: list[Block]) -> Iterator[Block]:
    """The blocks with every list taken apart into lists of one item (numbering kept), and
    code too long for a card into runs of its lines."""
    for block in blocks:
        if isinstance(block, BulletList):
            for number, item in enumerate(block.items):
                yield BulletList((item,), block.ordered, block.start + number)
        elif isinstance(block, CodeBlock) and size([block]) > PIECE:
            yield from _code_runs(block)
        else:
            yield block


def _code_runs(block: CodeBlock) -> Iterator[CodeBlock]:
    """A long code block (a list of terms in a fence) as blocks of whole lines that fit a card,
    cut at a blank line where there is one in the second half of a run."""
    run: list[str] = []
    used = 0
    for line in block.code.split("\n"):
        cost = len(line) + _PER_LINE
        if run and used + cost > PIECE:
            blank = max((i for i, text in enumerate(run) if not text.strip()), default=0)
            cut = blank if blank > len(run) // 2 else len(run)
            if any(text.strip() for text in run[:cut]):
                yield CodeBlock("\n".join(run[:cut]).strip("\n"), block.language)
            run = run[cut:]
            used = sum(len(text) + _PER_LINE for text in run)
        run.append(line)
        used += cost
    if any(text.strip() for text in run):
        yield CodeBlock("\n".join(run).strip("\n"), block.language)


def _single_item(block: Block) -> ListItem | None:
    return block.items[0] if isinstance(block, BulletList) and len(block.items) == 1 else None


def _append(blocks: list[Block], unit: Block) -> None:
    """Add a unit to blocks, joining it to the list before it when it is an item of the same
    kind, so that a card's back keeps one list rather than a list per fact."""
    last = blocks[-1] if blocks else None
    if (
        isinstance(unit, BulletList)
        and isinstance(last, BulletList)
        and last.ordered == unit.ordered
        and (not unit.ordered or unit.start == last.start + len(last.items))
    ):
        blocks[-1] = BulletList(last.items + unit.items, last.ordered, last.start)
    else:
        blocks.append(unit)


def has_facts(blocks: list[Block]) -> bool:
    """True when blocks hold something to learn, not only sub-headings and rules."""
    return any(not isinstance(block, Heading | ThematicBreak) for block in blocks)
