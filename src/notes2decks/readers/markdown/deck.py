"""The notes' token stream as a deck: the title, the introduction, then one section per card
heading, and the deck of the cards found in them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from markdown_it.token import Token

from ...errors import NoCardsError
from ...model import (
    Block,
    Card,
    CardKind,
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
from .paragraphs import Draft
from .tags import TAG, clean_tags

GLOSSARY_HEADING = "glossary"


_WHAT_A_CARD_IS = (
    "write a card as a '## Heading' with facts under it, a 'Q: question' line followed by an "
    "'A: answer' line, a 'front :: back' line, or a line with a {{c1::cloze}}"
)


def assemble(tokens: list[Token], meta: FrontMatter, context: ReadContext) -> Deck:
    """The deck of the notes' tokens: the title, the introduction, then the sections."""
    converter = Converter(tokens, context)
    headings = [
        index
        for index in _top_level(converter.closes)
        if tokens[index].type == "heading_open" and tokens[index].tag in ("h1", "h2")
    ]
    first_h2 = next((i for i in headings if tokens[i].tag == "h2"), len(tokens))
    h1s = [i for i in headings if tokens[i].tag == "h1"]
    # A `#` heading is the title only when the notes start with it. Obsidian and most note
    # apps use `#` headings as sections under a summary (the file's name is the title there):
    # taking one for the title would name every deck "Definition", hide that section's text in
    # the introduction, and give two notes of a folder the same deck.
    leading = bool(h1s) and _leads(tokens, h1s[0])
    sectioned = len(h1s) > 1 or not leading
    title_at = None if sectioned else next((i for i in h1s if i < first_h2), None)
    if len(h1s) > 1 and leading:
        source = "the front matter" if meta.title else "the file name"
        context.warning(
            block_line(tokens[h1s[1]]),
            f"the notes have {len(h1s)} '#' headings, so each was read as a card heading and "
            f"the title comes from {source}; if the first is the title, make the others '##'",
        )
    sections = [index for index in headings if index != title_at]
    intro_end = sections[0] if sections else len(tokens)

    title_text = ""
    title_inlines: Inlines = ()
    if title_at is not None:
        title_inlines = converter.inlines(tokens[title_at + 1].children or [], where="the title")
        title_text = " ".join(inline_text(title_inlines).split())
    title = meta.title or title_text or humanise(context.path.stem)

    # The introduction: everything before the first card heading except the title itself.
    if title_at is not None:
        intro = converter.blocks(0, title_at) + converter.blocks(title_at + 3, intro_end)
    else:
        intro = converter.blocks(0, intro_end)

    parts: list[_Section] = []
    for number, start in enumerate(sections):
        end = sections[number + 1] if number + 1 < len(sections) else len(tokens)
        heading = tokens[start]
        parts.append(
            _Section(
                block_line(heading),
                heading.tag == "h1",
                tokens[start + 1].children or [],
                start + 3,
                end,
            )
        )
    if title_at is not None:
        title_line = block_line(tokens[title_at])
        lone = (title_inlines or (Text(title),), title_line)
    else:
        title_line, lone = None, ((Text(title),), _first_line(tokens))
    return _deck(
        converter,
        meta,
        title,
        intro,
        parts,
        context,
        sectioned=sectioned,
        title_line=title_line,
        lone=lone,
    )


@dataclass(frozen=True, slots=True)
class _Section:
    """A card heading (`##`, or `#` in sectioned notes) and how to read what is under it."""

    line: int
    """The heading's 1-based line."""
    top: bool
    """A `#` heading."""
    heading: list[Token]
    """The heading's inline tokens."""
    start: int
    """The index of the first token under the heading."""
    end: int
    """The index of the token after the section."""


def _deck(
    converter: Converter,
    meta: FrontMatter,
    title: str,
    intro: list[Block],
    sections: list[_Section],
    context: ReadContext,
    *,
    sectioned: bool,
    title_line: int | None,
    lone: tuple[Inlines, int],
) -> Deck:
    """The deck of the notes' sections, read in order, after their introduction.

    `title_line` is the line of the `#` title, if any; `lone` is the front and the line of the
    one revision card of notes without sections.
    """
    drafts: list[Draft] = list(converter.drafts)
    file_tags = converter.take_tags()
    glossary: list[GlossaryEntry] = []
    for section in sections:
        line = section.line
        if section.top and not sectioned:
            where = f"line {title_line}" if title_line is not None else "above"
            context.warning(
                line,
                f"a second '#' title (the title is {where}); it was read as a card heading. "
                "Use '##' for card headings",
            )
        front, tags = _heading(converter, section.heading, line)
        if not front:
            raise context.error(line, "this heading is empty: write the card's front after '## '")
        if inline_text(front).strip().casefold() == GLOSSARY_HEADING:
            glossary.extend(converter.glossary(section.start, section.end))
            continue
        converter.drafts = []
        converter.cloze_context = (Paragraph(front, line),)
        body = converter.blocks(section.start, section.end)
        tags = clean_tags([*tags, *converter.take_tags()])
        if _has_facts(body):
            drafts.append(Draft(CardKind.REVISION, front, tuple(body), line, tags))
        elif not converter.drafts and not (sectioned and section.top):
            # (A bare `#` heading over `##` ones only groups them.)
            context.warning(
                line,
                f"the card {inline_text(front)!r} has nothing under its heading, so it was "
                "left out; write its facts below the heading",
            )
        drafts.extend(replace(draft, tags=tags) for draft in converter.drafts)

    if not drafts and _has_facts(intro):
        # Notes without sections (a title and some text, a short Obsidian note) are one
        # revision card: the topic on the front, its text behind.
        front, line = lone
        drafts.append(Draft(CardKind.REVISION, front, tuple(intro), line))
        intro = []
    if not drafts:
        raise NoCardsError(f"these notes hold no cards: {_WHAT_A_CARD_IS}", context.file)

    deck_path = _deck_path(meta, title, context)
    identities = assign_identities(
        [(draft.kind, inline_text(draft.front), draft.line) for draft in drafts],
        deck_path,
        context,
    )
    cards = tuple(
        Card(
            kind=draft.kind,
            front=draft.front,
            back=draft.back,
            source=SourceRef(context.file, draft.line),
            identity=identity,
            tags=draft.tags,
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
        auto_cloze=False,
        reader="markdown",
        extra=meta.extra,
    )


def _top_level(closes: list[int]) -> Iterator[int]:
    """The indexes of the top-level tokens, stepping over what each block holds."""
    index = 0
    while index < len(closes):
        yield index
        index = closes[index] + 1


def _leads(tokens: list[Token], index: int) -> bool:
    """True when nothing but HTML comments comes before `tokens[index]`."""
    return all(
        token.type == "html_block" and not COMMENT.sub("", token.content).strip()
        for token in tokens[:index]
        if token.level == 0
    )


def _has_facts(blocks: list[Block]) -> bool:
    """True when blocks hold something to learn, not only sub-headings and rules."""
    return any(not isinstance(block, Heading | ThematicBreak) for block in blocks)


def _first_line(tokens: list[Token]) -> int:
    return next((block_line(token) for token in tokens if token.map), 1)


def _heading(
    converter: Converter, inline: list[Token], line: int
) -> tuple[Inlines, tuple[str, ...]]:
    """A card heading's front, and the tags written at its end (`## Heading #tag #other`)."""
    children = list(inline)
    tags: tuple[str, ...] = ()
    if children and children[-1].type == "text" and "#" in children[-1].content:
        rest, found = _trailing_tags(children[-1].content)
        # A heading that is nothing but tags keeps them as its text.
        if found and (rest.strip() or len(children) > 1):
            children[-1] = children[-1].copy(content=rest)
            tags = clean_tags(found)
    return strip_inlines(converter.inlines(children, where="a heading")), tags


def _trailing_tags(text: str) -> tuple[str, list[str]]:
    """Split `text #a #b` into `text` and `["a", "b"]`, walking back word by word."""
    found: list[str] = []
    end = len(text.rstrip())
    while end > 0:
        cut = end - 1
        while cut >= 0 and text[cut] not in " \t":
            cut -= 1
        word = text[cut + 1 : end]
        if not TAG.fullmatch(word):
            break
        found.append(word)
        end = cut
        while end > 0 and text[end - 1] in " \t":
            end -= 1
    found.reverse()
    return text[: max(end, 0)], found


def _deck_path(meta: FrontMatter, title: str, context: ReadContext) -> str:
    if meta.deck:
        parts = [clean_deck_part(part) for part in meta.deck.split("::")]
        path = "::".join(part for part in parts if part)
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
