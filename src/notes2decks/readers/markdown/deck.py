"""The notes' token stream as a deck: the title, the introduction, then one section per card
heading, and the deck of the cards found in them."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from markdown_it.token import Token

from ...errors import NoCardsError
from ...model import (
    Block,
    BulletList,
    Card,
    CardKind,
    Cloze,
    Deck,
    GlossaryEntry,
    Heading,
    Inlines,
    Paragraph,
    SourceRef,
    Text,
    ThematicBreak,
    inline_text,
)
from .. import ReadContext, assign_identities, clean_deck_part, humanise
from .blocks import COMMENT, Converter, block_line
from .frontmatter import FrontMatter
from .inlines import strip_inlines
from .outline import PIECE, has_facts, outline, size, split
from .paragraphs import Draft
from .plugin_cards import heading_card
from .plugins import PluginSyntax
from .sections import (
    card_level,
    enter_heading,
    heading_level,
    is_empty,
    names_notes,
    trailing_tags,
    unless_title,
    warn_empty,
    warn_splits,
)
from .tags import clean_tags

# Headings of key-term sections, read as the glossary when all they hold is a definition list.
_KEY_TERMS = frozenset({"key terms", "key words", "keywords", "vocabulary", "vocab", "definitions"})

_WHAT_A_CARD_IS = (
    "write a card as a '## Heading' with facts under it, a 'Q: question' line followed by an "
    "'A: answer' line, a 'front :: back' line, or a line with a {{c1::cloze}}"
)


def assemble(
    tokens: list[Token],
    meta: FrontMatter,
    context: ReadContext,
    source: str = "",
    plugin: PluginSyntax | None = None,
) -> Deck:
    """The deck of the notes' tokens (parsed from `source`, written in the `plugin`'s card
    syntax if any): the title, the introduction, then the sections."""
    converter = Converter(tokens, context)
    converter.plugin = plugin
    lines = source.split("\n")
    headings = []
    for index, token, _ in converter.spans(0, len(tokens)):
        if token.type != "heading_open":
            continue
        if is_empty(tokens[index + 1]):
            # The heading is skipped, not the text under it: that stays with what is above.
            line = block_line(token)
            written = lines[line - 1] if 0 < line <= len(lines) else token.markup
            context.warning(
                line,
                f"the heading {written!r} is empty, so it was skipped and the text under it "
                "joins what comes before it; write the card's front after the '#' marks, or delete "
                "the line",
            )
        else:
            headings.append(index)
    first_h2 = next((i for i in headings if tokens[i].tag == "h2"), len(tokens))
    h1s = [i for i in headings if tokens[i].tag == "h1"]
    # A `#` heading is the title only when the notes start with it (Obsidian's are sections).
    leading = bool(h1s) and _leads(tokens, h1s[0])
    sectioned = len(h1s) > 1 or not leading
    # Of several, the first is the title only when it names the notes (file name or title).
    titled = leading and (len(h1s) == 1 or names_notes(tokens[h1s[0] + 1], meta, context))
    title_at = h1s[0] if titled and h1s[0] < first_h2 else None
    level = card_level(tokens, headings, sectioned=sectioned and bool(h1s))
    sections = [i for i in headings if i != title_at and heading_level(tokens[i]) <= level]
    intro_end = sections[0] if sections else len(tokens)

    title_inlines: Inlines = ()
    if title_at is not None:
        title_inlines = converter.inlines(tokens[title_at + 1].children or [], where="the title")
    title_text = " ".join(inline_text(title_inlines).split())
    title = meta.title or title_text or humanise(context.path.stem)
    # The introduction is everything before the first card heading except the title itself;
    # `lone` is the front and the line of the one revision card of notes without sections.
    if title_at is not None:
        intro = converter.blocks(0, title_at) + converter.blocks(title_at + 3, intro_end)
        lone = (title_inlines or (Text(title),), block_line(tokens[title_at]))
    else:
        intro = converter.blocks(0, intro_end)
        lone = ((Text(title),), next((block_line(t) for t in tokens if t.map), 1))

    drafts: list[Draft] = list(converter.drafts)
    file_tags = converter.take_tags()
    glossary: list[GlossaryEntry] = []
    splits: list[tuple[str, int, int]] = []
    empty: list[tuple[str, int]] = []

    def revision(draft: Draft) -> None:
        pieces = split(draft)
        if pieces is None:
            drafts.append(draft)
            return
        splits.append((inline_text(draft.front), draft.line, len(pieces)))
        drafts.extend(replace(draft, front=p.front, back=p.back, line=p.line) for p in pieces)

    if sections and _is_content(intro):
        # Sub-headings or pages of text before the first card heading are notes, not an
        # introduction: they make the topic's own card (cut up like any long section).
        revision(Draft(CardKind.REVISION, lone[0], tuple(intro), lone[1]))
        intro = []

    headings_above: list[tuple[int, Inlines]] = []
    for start, end in pairwise([*sections, len(tokens)]):
        heading, line = tokens[start], block_line(tokens[start])
        top = heading.tag == "h1"
        if top and not sectioned:
            where = f"line {lone[1]}" if title_at is not None else "above"
            context.warning(
                line,
                f"a second '#' title (the title is {where}); it was read as a card heading. "
                "Use '##' for card headings",
            )
        front, tags = _heading(converter, tokens[start + 1].children or [], line)
        kind, tags = heading_card(plugin, tags)
        above, lines_above = enter_heading(headings_above, heading_level(heading), front)
        if _is_glossary(front, converter, start + 3, end):
            glossary.extend(converter.glossary(start + 3, end))
            continue
        converter.drafts = []
        converter.cloze_context = (Paragraph(front, line),)
        body = converter.blocks(start + 3, end)
        tags = clean_tags([*tags, *converter.take_tags()])
        # A heading above the card headings (`###` over `####` cards) makes a card only when
        # text comes right under it, and a bare `#` heading over `##` ones only groups them.
        group = 1 < heading_level(heading) < level or (sectioned and top)
        if has_facts(body):
            revision(Draft(kind, front, tuple(body), line, tags, above))
        elif not converter.drafts and not group:
            empty.append((inline_text(front), line))
        drafts.extend(replace(d, tags=tags, section=lines_above) for d in converter.drafts)

    if (not sections or not drafts) and has_facts(intro) and not _all_cloze(intro, drafts):
        # Notes without card headings are an outline (a card per item with a lead) or one
        # revision card: the topic on the front, its text behind.
        found = outline(intro, *lone)
        if found is None:
            revision(Draft(CardKind.REVISION, lone[0], tuple(intro), lone[1]))
            intro = []
        else:
            intro, pieces = found
            for piece in pieces:
                revision(piece)
    if not drafts and not glossary:
        # (A page of headings alone, such as an index of links, says so once.)
        raise NoCardsError(f"these notes hold no cards: {_WHAT_A_CARD_IS}", context.file)
    warn_empty(empty, context)
    if splits:
        warn_splits(splits, context)

    deck_path = _deck_path(meta, title, context)
    identities = assign_identities(
        [(draft.kind, inline_text(draft.front), draft.line) for draft in drafts], deck_path, context
    )
    cards = tuple(
        Card(
            kind=draft.kind,
            front=draft.front,
            back=draft.back,
            source=SourceRef(context.file, draft.line),
            identity=identity,
            tags=draft.tags,
            section=unless_title(draft.section, title),
        )
        for draft, identity in zip(drafts, identities, strict=True)
    )
    return Deck(
        title=title,
        deck_path=deck_path,
        source=SourceRef(context.file),
        cards=cards,
        glossary=_unique_terms(glossary, context),
        subject=meta.subject,
        tags=clean_tags([*meta.tags, *file_tags]),
        author=meta.author,
        lang=meta.lang,
        intro=tuple(intro),
        auto_glossary=meta.auto_glossary,
        reader="markdown",
        extra=meta.extra,
    )


def _leads(tokens: list[Token], index: int) -> bool:
    """True when nothing but HTML comments comes before `tokens[index]`."""
    return all(
        token.type == "html_block" and not COMMENT.sub("", token.content).strip()
        for token in tokens[:index]
        if token.level == 0
    )


def _is_glossary(front: Inlines, converter: Converter, start: int, end: int) -> bool:
    """True for the glossary section: `## Glossary`, or a key-term section (`## Key terms`)
    that holds nothing but terms and definitions."""
    name = inline_text(front).strip().rstrip(":").strip().casefold()
    if name == "glossary":
        return True
    if name not in _KEY_TERMS:
        return False
    kinds = {token.type for _, token, _ in converter.spans(start, end)}
    return "dl_open" in kinds and kinds <= {"dl_open", "hr", "html_block"}


def _all_cloze(blocks: list[Block], drafts: list[Draft]) -> bool:
    """True when cards were found and every fact left in the blocks is a cloze note's text,
    already a card of its own (a file of card lines with no headings makes no other card)."""
    return bool(drafts) and all(
        isinstance(block, Heading | ThematicBreak) or _holds_cloze(block) for block in blocks
    )


def _holds_cloze(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return any(isinstance(node, Cloze) for node in block.children)
    if isinstance(block, BulletList):
        return all(any(_holds_cloze(b) for b in item.children) for item in block.items)
    return False


def _is_content(intro: list[Block]) -> bool:
    """True when text before the first card is more than an introduction: it has sub-headings
    with facts under them, or is longer than a card's worth."""
    first = next((i for i, block in enumerate(intro) if isinstance(block, Heading)), len(intro))
    return has_facts(intro[first:]) or (has_facts(intro) and size(intro) > PIECE)


def _heading(
    converter: Converter, inline: list[Token], line: int
) -> tuple[Inlines, tuple[str, ...]]:
    """A card heading's front, and the tags written at its end (`## Heading #tag #other`)."""
    children = list(inline)
    tags: tuple[str, ...] = ()
    if children and children[-1].type == "text" and "#" in children[-1].content:
        rest, found = trailing_tags(children[-1].content)
        # (A heading of tags alone never gets here: `is_empty` skipped it.)
        if found and (rest.strip() or len(children) > 1):
            children[-1] = children[-1].copy(content=rest)
            tags = clean_tags(found)
    return strip_inlines(converter.inlines(children, where="a heading")), tags


def _deck_path(meta: FrontMatter, title: str, context: ReadContext) -> str:
    if meta.deck:
        path = "::".join(filter(None, map(clean_deck_part, meta.deck.split("::"))))
        if path:
            return path
        context.warning(1, f"front matter: deck {meta.deck!r} names no deck; using the default")
    return context.default_deck_path(title)


def _unique_terms(entries: list[GlossaryEntry], context: ReadContext) -> tuple[GlossaryEntry, ...]:
    """The glossary without repeated terms: the first definition wins, with a warning."""
    first: dict[str, GlossaryEntry] = {}
    for entry in entries:
        key = entry.term.casefold()
        if key in first:
            context.warning(
                entry.source.line,
                f"the glossary term {entry.term!r} is already defined on line "
                f"{first[key].source.line}; this definition was left out",
            )
        else:
            first[key] = entry
    return tuple(first.values())
