"""markdown-it tokens to the card model, taking explicit cards out of the text on the way.

The converter walks the flat token stream of a section. Paragraphs are where card syntax lives:
each line of a paragraph is a `Q:` line, an `A:` line, a `front :: back` line or plain text.
Card lines become drafts; the plain lines stay on the section's revision card, and a run of
plain lines holding a cloze also becomes a cloze draft. Only the tokens of the top level of a
line are looked at, so `::` inside code, math, a link or a cloze is never card syntax.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from ..model import (
    Align,
    Block,
    BulletList,
    CardKind,
    Cloze,
    Code,
    CodeBlock,
    Emphasis,
    GlossaryEntry,
    Heading,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Paragraph,
    SourceRef,
    Strong,
    Table,
    Text,
    ThematicBreak,
    block_source,
    inline_text,
)
from . import ReadContext
from .markdown_syntax import (
    MAX_NESTING,
    PlainBlock,
    PlainDefinition,
    PlainHeading,
    PlainList,
    plain_inline,
)

# `::` or `:::` standing alone between spaces (or at a line's edge): `History::Russia` and
# `std::vector` are not card separators.
_SEPARATOR = re.compile(r"(?<!\S)(:::?)(?!\S)")
_LABEL = re.compile(r"([QA]):(?=\s|$)")
_COMMENT = re.compile(r"<!--(?:>|->|.*?-->|.*\Z)", re.DOTALL)
# `> [!note]`, `> [!tip]- Title`: the first line of an Obsidian callout.
_CALLOUT = re.compile(r"^\[!([A-Za-z][\w-]*)\][+-]?[ \t]*")
# HTML that embeds a video, a page or a script: nothing a card can show.
_MEDIA = re.compile(
    r"<(iframe|video|audio|object|embed|script|style)\b[^>]*?(?:/>|>.*?</\1\s*>|>)",
    re.IGNORECASE | re.DOTALL,
)
_WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})
_ALIGN = {"text-align:left": Align.LEFT, "text-align:center": Align.CENTER}
_ALIGN["text-align:right"] = Align.RIGHT
# Inline tokens that end a line or start a cloze: a paragraph holding one is read line by line.
_NOT_ONE_PLAIN_LINE = frozenset({"softbreak", "hardbreak", "cloze_open"})
# The level of the deepest blocks that markdown-it still parses.
_DEEP = MAX_NESTING - 1


@dataclass(slots=True)
class Draft:
    """A card before its identity is known."""

    kind: CardKind
    front: Inlines
    back: tuple[Block, ...]
    line: int
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class _Line:
    """One line of a paragraph: its top-level tokens, and the break token that ends it."""

    number: int
    tokens: list[Token]
    end: Token | None


@dataclass(slots=True)
class _Question:
    line: int
    question: list[_Line] = field(default_factory=list)
    answer_line: int = 0
    answer: list[_Line] = field(default_factory=list)


def closing_indexes(tokens: list[Token]) -> list[int]:
    """For each opening block token, the index of its closing token (others: their own index)."""
    closes = list(range(len(tokens)))
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(index)
        elif token.nesting == -1 and stack:
            closes[stack.pop()] = index
    return closes


def block_line(token: Token) -> int:
    """The 1-based line where a block token starts, or 0 when markdown-it does not say."""
    return token.map[0] + 1 if token.map else 0


class Converter:
    """Turns block tokens into model blocks, collecting the cards it finds in `drafts`."""

    def __init__(self, tokens: list[Token], context: ReadContext) -> None:
        self.tokens = tokens
        self.closes = closing_indexes(tokens)
        self.context = context
        self.drafts: list[Draft] = []
        self.cloze_context: tuple[Block, ...] = ()
        """The back of the cloze cards found next: the heading of their section."""
        self._shorthand = 1
        self._warned_depth = False
        self._images: dict[str, Path] = {}
        self._vault: dict[str, list[Path]] | None = None

    # ----------------------------------------------------------------------- blocks

    def blocks(self, start: int, stop: int, *, cards: bool = True) -> list[Block]:
        """The blocks of `tokens[start:stop]`; with `cards`, card lines are taken out."""
        tokens = self.tokens
        result: list[Block] = []
        index = start
        while index < stop:
            token = tokens[index]
            end = self.closes[index]
            kind = token.type
            if token.nesting == 1 and token.level >= _DEEP:
                self._too_deep(token)
            if kind == "paragraph_open":
                result.extend(self.paragraph(tokens[index + 1], block_line(token), cards=cards))
            elif kind == "heading_open":
                # Top-level `#` and `##` headings split sections before this point; one met here
                # sits inside a list or quote, and the model's sub-headings start at level 3.
                inlines = self.inlines(tokens[index + 1].children or [], where="a heading")
                result.append(Heading(max(3, int(token.tag[1:])), inlines))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                listed = self.bullets(index, end, cards=cards)
                if listed is not None:
                    result.append(listed)
            elif kind == "blockquote_open":
                # The model has no quotes; the quoted text is kept as ordinary text.
                callout = self.callout(index, end, cards=cards)
                if callout is None:
                    callout = self.blocks(index + 1, end, cards=cards)
                result.extend(callout)
            elif kind in ("fence", "code_block"):
                language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
                result.append(CodeBlock(token.content.rstrip("\n"), language))
            elif kind in ("math_block", "math_block_label"):
                # Blank lines are a LaTeX error inside a formula: they only spaced out the notes.
                lines = [line for line in token.content.strip().split("\n") if line.strip()]
                if lines:
                    result.append(MathBlock("\n".join(lines)))
                else:
                    self.context.warning(
                        block_line(token), "this $$ formula is empty; it was left out"
                    )
            elif kind == "hr":
                result.append(ThematicBreak())
            elif kind == "html_block":
                result.extend(self.html_block(token))
            elif kind == "table_open":
                result.append(self.table(index, end))
            elif kind == "dl_open":
                result.extend(self.definitions(index, end, cards=cards))
            index = end + 1
        return result

    def bullets(self, start: int, stop: int, *, cards: bool) -> BulletList | None:
        tokens = self.tokens
        opening = tokens[start]
        items: list[ListItem] = []
        index = start + 1
        while index < stop:
            end = self.closes[index]
            if tokens[index].type == "list_item_open":
                inner = tokens[index + 1]
                if end == index + 4 and inner.type == "paragraph_open" and inner.level < _DEEP:
                    # An item of one paragraph, as `blocks` would read it.
                    children = self.paragraph(tokens[index + 2], block_line(inner), cards=cards)
                else:
                    children = self.blocks(index + 1, end, cards=cards)
                # An item whose only line was a card leaves the list.
                if children:
                    items.append(ListItem(tuple(children)))
            index = end + 1
        if not items:
            return None
        ordered = opening.type == "ordered_list_open"
        first = opening.attrs.get("start", 1) if ordered else 1
        return BulletList(tuple(items), ordered, int(first) if isinstance(first, int) else 1)

    def callout(self, start: int, stop: int, *, cards: bool) -> list[Block] | None:
        """An Obsidian callout (`> [!note] Title` and its text), or None for a plain quote.

        The `[!type]` marker is dropped and the title (or the type, when there is no title)
        becomes a bold line over the callout's text.
        """
        tokens = self.tokens
        if start + 2 >= stop or tokens[start + 1].type != "paragraph_open":
            return None
        inline = tokens[start + 2]
        children = inline.children or []
        match = _CALLOUT.match(children[0].content) if children else None
        if match is None or children[0].type != "text":
            return None
        head_end = next(
            (i for i, t in enumerate(children) if t.type in ("softbreak", "hardbreak")),
            len(children),
        )
        first = children[0].copy(content=children[0].content[match.end() :])
        title = strip_inlines(self.inlines([first, *children[1:head_end]], where="a title"))
        line = block_line(tokens[start + 1])
        result: list[Block] = [
            Paragraph((Strong(title or (Text(match.group(1).capitalize()),)),), line)
        ]
        rest = children[head_end + 1 :]
        if rest:
            rest_line = int(children[head_end].meta.get("line", line + 1))
            result.extend(self.paragraph(inline.copy(children=rest), rest_line, cards=cards))
        result.extend(self.blocks(self.closes[start + 1] + 1, stop, cards=cards))
        return result

    def html_block(self, token: Token) -> list[Block]:
        """Raw HTML is shown as the text it is, never rendered; comments are dropped, and so are
        embedded videos and pages (`<iframe>` and the like), which a card cannot show."""
        content = token.content
        if _MEDIA.search(content):
            names = sorted({m.group(1).lower() for m in _MEDIA.finditer(content)})
            content = _MEDIA.sub("", content)
            self.context.warning(
                block_line(token),
                f"{', '.join(f'<{n}>' for n in names)} cannot be shown on a card (a video or an "
                "embedded page); it was left out. Put a link to it instead",
            )
        if "<!--" in content:
            last = content.rfind("<!--")
            if "-->" not in content[last:] and not content[last:].startswith(("<!-->", "<!--->")):
                self.context.warning(
                    block_line(token),
                    "this comment is never closed with -->, so everything after it is hidden",
                )
            content = _COMMENT.sub("", content)
        text = content.strip()
        return [Paragraph((Text(text),), block_line(token))] if text else []

    def table(self, start: int, stop: int) -> Table:
        header: list[Inlines] = []
        rows: list[tuple[Inlines, ...]] = []
        align: list[Align] = []
        row: list[Inlines] = []
        for token in self.tokens[start:stop]:
            if token.type == "tr_open":
                row = []
            elif token.type == "th_open":
                style = token.attrs.get("style", "")
                align.append(
                    _ALIGN.get(style, Align.NONE) if isinstance(style, str) else Align.NONE
                )
            elif token.type == "inline":
                row.append(self.inlines(token.children or [], where="a table cell"))
            elif token.type == "tr_close":
                if header or rows:
                    rows.append(tuple(row))
                else:
                    header = row
        return Table(tuple(header), tuple(rows), tuple(align))

    def definitions(self, start: int, stop: int, *, cards: bool) -> list[Block]:
        """A definition list outside the glossary: each term in bold before its definition."""
        result: list[Block] = []
        term: Paragraph | None = None
        index = start + 1
        while index < stop:
            token = self.tokens[index]
            end = self.closes[index]
            if token.type == "dt_open":
                if term is not None:
                    result.append(term)
                inline = self.tokens[index + 1]
                term = Paragraph(
                    (Strong(self.inlines(inline.children or [], where="a definition's term")),),
                    block_line(token),
                )
            elif token.type == "dd_open":
                body = self.blocks(index + 1, end, cards=cards)
                if term is not None and body and isinstance(body[0], Paragraph):
                    first = body[0]
                    body[0] = Paragraph((*term.children, Text(": "), *first.children), term.line)
                elif term is not None:
                    result.append(term)
                term = None
                result.extend(body)
            index = end + 1
        if term is not None:
            result.append(term)
        return result

    def glossary(self, start: int, stop: int) -> list[GlossaryEntry]:
        """The entries of a glossary section: its `Term` / `: definition` pairs."""
        entries: list[GlossaryEntry] = []
        index = start
        while index < stop:
            token = self.tokens[index]
            end = self.closes[index]
            if token.type == "dl_open":
                entries.extend(self._glossary_list(index, end))
            elif token.type == "html_block":
                if self.html_block(token):
                    self._not_glossary(block_line(token))
            elif token.type not in ("heading_open", "hr"):
                self._not_glossary(block_line(token))
            index = end + 1
        return entries

    def _not_glossary(self, line: int) -> None:
        self.context.warning(
            line,
            "the Glossary section holds only terms and definitions (a line 'Term', then a "
            "line ': definition', then a blank line); this text was left out",
        )

    def _glossary_list(self, start: int, stop: int) -> list[GlossaryEntry]:
        entries: list[GlossaryEntry] = []
        terms: list[tuple[str, int]] = []
        definitions: list[tuple[str, int]] = []

        def flush() -> None:
            if terms:
                entries.extend(self._glossary_entries(terms, definitions))
            terms.clear()
            definitions.clear()

        index = start + 1
        while index < stop:
            token = self.tokens[index]
            end = self.closes[index]
            if token.type == "dt_open":
                if definitions:
                    flush()
                term = self._glossary_term(self.tokens[index + 1].children or [])
                terms.append((term, block_line(token)))
            elif token.type == "dd_open":
                body = self.blocks(index + 1, end, cards=False)
                first = next((t for t in self.tokens[index + 1 : end] if t.map), token)
                definitions.append((_definition_text(body), block_line(first)))
            index = end + 1
        flush()
        return entries

    def _glossary_entries(
        self, terms: list[tuple[str, int]], definitions: list[tuple[str, int]]
    ) -> list[GlossaryEntry]:
        """The entries of the terms (with their lines) over these definitions."""
        if len(definitions) > 1:
            self.context.warning(
                definitions[1][1],
                f"{terms[-1][0]!r} has {len(definitions)} definitions; they were joined. If "
                f"line {definitions[1][1] - 1} starts a new term, leave a blank line before it",
            )
        text = "; ".join(text for text, _ in definitions if text)
        entries: list[GlossaryEntry] = []
        for term, line in terms:
            if not text:
                self.context.warning(line, f"the glossary term {term!r} has no definition")
            elif term:
                entries.append(GlossaryEntry(term, text, SourceRef(self.context.file, line)))
        return entries

    def _glossary_term(self, children: list[Token]) -> str:
        term = inline_text(self.inlines(children, where="a glossary term"))
        return " ".join(term.split())

    # ----------------------------------------------------------------------- plain notes

    def plain_blocks(self, blocks: Iterable[PlainBlock]) -> list[Block]:
        """The blocks of plain notes (see `markdown_syntax.plain_outline`), as `blocks` reads
        markdown-it's tokens of them."""
        result: list[Block] = []
        for block in blocks:
            if isinstance(block, PlainList):
                items: list[ListItem] = []
                for line, content, plain in block.items:
                    children = _plain_paragraph(content, line) if plain else None
                    if children is None:
                        children = self.paragraph_of(plain_inline(content), line, cards=True)
                    if children:
                        items.append(ListItem(tuple(children)))
                if items:
                    result.append(BulletList(tuple(items)))
            elif isinstance(block, PlainHeading):
                inlines = self.inlines(plain_inline(block.content), where="a heading")
                result.append(Heading(max(3, block.level), inlines))
            else:
                result.extend(self._plain_definition(block))
        return result

    def _plain_definition(self, block: PlainDefinition) -> list[Block]:
        """A definition outside the glossary, as `definitions` reads it."""
        inlines = self.inlines(plain_inline(block.term), where="a definition's term")
        term = Paragraph((Strong(inlines),), block.line)
        children = plain_inline(block.definition)
        body = self.paragraph_of(children, block.line + 1, cards=True)
        if body and isinstance(body[0], Paragraph):
            body[0] = Paragraph((*term.children, Text(": "), *body[0].children), term.line)
            return body
        return [term, *body]

    def plain_glossary(self, blocks: Iterable[PlainBlock]) -> list[GlossaryEntry]:
        """The entries of a glossary section of plain notes, as `glossary` reads them."""
        entries: list[GlossaryEntry] = []
        for block in blocks:
            if isinstance(block, PlainDefinition):
                term = self._glossary_term(plain_inline(block.term))
                where = "a glossary definition"
                line = block.line + 1
                body = [Paragraph(self.inlines(plain_inline(block.definition), where=where), line)]
                definition = (_definition_text(body), line)
                entries.extend(self._glossary_entries([(term, block.line)], [definition]))
            elif isinstance(block, PlainList):
                self._not_glossary(block.line)
        return entries

    def _too_deep(self, token: Token) -> None:
        if not self._warned_depth:
            self._warned_depth = True
            self.context.warning(
                block_line(token),
                f"lists and quotes are nested more than {MAX_NESTING} levels deep here; "
                "the text below that depth was left out",
            )

    # ----------------------------------------------------------------------- paragraphs

    def paragraph(self, inline: Token, line: int, *, cards: bool) -> list[Block]:
        """A paragraph's blocks: none, one, or several when card lines split it."""
        return self.paragraph_of(inline.children or [], line, cards=cards)

    def paragraph_of(self, children: list[Token], line: int, *, cards: bool) -> list[Block]:
        """The blocks of a paragraph of these inline tokens (see `paragraph`)."""
        if not cards:
            where = "a glossary definition"
            return [Paragraph(self.inlines(children, where=where), line)]
        one_line = self._one_line(children, line)
        if one_line is not None:
            return one_line
        lines = _split_lines(children, line)
        result: list[Block] = []
        plain: list[_Line] = []
        question: _Question | None = None

        def flush_plain() -> None:
            if plain:
                paragraph = self._plain(plain)
                if paragraph is not None:
                    result.append(paragraph)
                plain.clear()

        def finish_question() -> None:
            nonlocal question
            if question is not None:
                self._question_card(question)
                question = None

        for current in lines:
            label, rest = _label(current.tokens)
            if label == "Q":
                if question is not None and not question.answer_line:
                    raise self.context.error(
                        question.line,
                        "this Q: line has no A: line before the next Q: (line "
                        f"{current.number}); write the answer on a line starting with A:",
                    )
                flush_plain()
                finish_question()
                question = _Question(current.number, [_Line(current.number, rest, current.end)])
            elif label == "A":
                if question is None:
                    raise self.context.error(
                        current.number,
                        "this A: line has no Q: line before it; start the question with Q: on "
                        "the line above (or write A\\: to show a literal 'A:')",
                    )
                if question.answer_line:
                    raise self.context.error(
                        current.number,
                        f"the question on line {question.line} already has an answer on line "
                        f"{question.answer_line}; one A: per Q:",
                    )
                question.answer_line = current.number
                question.answer.append(_Line(current.number, rest, current.end))
            elif question is not None and question.answer_line and _separator(current.tokens):
                finish_question()
                self._separator_card(current)
            elif question is not None:
                (question.answer if question.answer_line else question.question).append(current)
            elif _separator(current.tokens):
                flush_plain()
                self._separator_card(current)
            else:
                plain.append(current)
        if question is not None and not question.answer_line:
            raise self.context.error(
                question.line,
                "this Q: line has no answer: write it on the next line, starting with A: "
                "(in the same paragraph or list item: a blank line ends the question)",
            )
        finish_question()
        flush_plain()
        return result

    def _one_line(self, children: list[Token], line: int) -> list[Block] | None:
        """The blocks of a paragraph of one line that is no card line, as the general route of
        `paragraph_of` reads it; None for other paragraphs.

        Most of a file is such lines: without a colon in its text, a line is neither a `Q:` or
        `A:` line nor a `::` card, and without a cloze it makes no card either.
        """
        if len(children) == 1 and children[0].type == "text":
            return _plain_paragraph(children[0].content, line)
        for token in children:
            if token.type in _NOT_ONE_PLAIN_LINE or (token.type == "text" and ":" in token.content):
                return None
        inlines = strip_inlines(self.inlines(children))
        return [Paragraph(inlines, line)] if inlines else []

    def _plain(self, lines: list[_Line]) -> Paragraph | None:
        """Plain lines as one paragraph; when they hold a cloze, also a cloze draft."""
        tokens = _join(lines)
        has_cloze = any(token.type == "cloze_open" for token in tokens)
        if has_cloze:
            # Shorthand `==...==` spans are numbered after the explicit ones, in order.
            numbers = [
                token.meta["number"]
                for token in tokens
                if token.type == "cloze_open" and token.meta.get("number") is not None
            ]
            self._shorthand = max(numbers, default=0) + 1
        inlines = strip_inlines(self.inlines(tokens))
        if not inlines:
            return None
        if has_cloze:
            self.drafts.append(Draft(CardKind.CLOZE, inlines, self.cloze_context, lines[0].number))
        return Paragraph(inlines, lines[0].number)

    def _question_card(self, question: _Question) -> None:
        where = "a Q:/A: card"
        front = strip_inlines(self.inlines(_join(question.question), where=where))
        back = strip_inlines(self.inlines(_join(question.answer), where=where))
        if not front:
            raise self.context.error(question.line, "the Q: line has no question after 'Q:'")
        if not back:
            raise self.context.error(question.answer_line, "the A: line has no answer after 'A:'")
        self.drafts.append(
            Draft(CardKind.BASIC, front, (Paragraph(back, question.answer_line),), question.line)
        )

    def _separator_card(self, line: _Line) -> None:
        found = _separator(line.tokens)
        assert found is not None
        index, match = found
        token = line.tokens[index]
        before = token.copy(content=token.content[: match.start()])
        after = token.copy(content=token.content[match.end() :])
        mark = match.group(1)
        where = f"a '{mark}' card"
        front = strip_inlines(self.inlines([*line.tokens[:index], before], where=where))
        back = strip_inlines(self.inlines([after, *line.tokens[index + 1 :]], where=where))
        if not front or not back:
            side = "front (before" if not front else "back (after"
            raise self.context.error(
                line.number,
                f"this '{mark}' card has no {side} '{mark}'); write 'front {mark} back', or "
                f"put the {mark} in `backticks` if it is not a card",
            )
        kind = CardKind.REVERSED if mark == ":::" else CardKind.BASIC
        self.drafts.append(Draft(kind, front, (Paragraph(back, line.number),), line.number))

    # ----------------------------------------------------------------------- inlines

    def inlines(self, tokens: Iterable[Token], *, where: str = "") -> Inlines:
        """Model inlines of inline tokens. `where` names a place where cloze is not allowed."""
        stack: list[tuple[Token | None, list[Inline]]] = [(None, [])]
        for token in tokens:
            kind = token.type
            out = stack[-1][1]
            if kind in ("text", "text_special"):
                out.append(Text(token.content))
            elif kind == "softbreak":
                out.append(Text(" "))
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "code_inline":
                out.append(Code(token.content))
            elif kind in ("math_inline", "math_inline_double"):
                out.append(Math(token.content.strip(), kind == "math_inline_double"))
            elif kind == "html_inline":
                if not token.content.startswith("<!--"):
                    out.append(Text(token.content))
            elif kind == "image":
                out.append(self.image(token))
            elif kind == "wikilink":
                out.append(self.wikilink(token))
            elif token.nesting == 1:
                if kind == "cloze_open" and where:
                    raise self.context.error(
                        int(token.meta.get("line", 0)),
                        f"cloze syntax cannot go in {where}: put the cloze on a line of text "
                        "of its own (a paragraph or a list item)",
                    )
                stack.append((token, []))
            elif token.nesting == -1 and len(stack) > 1:
                opening, children = stack.pop()
                stack[-1][1].extend(self._wrap(opening, _merge(children)))
        while len(stack) > 1:
            opening, children = stack.pop()
            stack[-1][1].extend(self._wrap(opening, _merge(children)))
        return _merge(stack[0][1])

    def _wrap(self, opening: Token | None, children: Inlines) -> Inlines:
        kind = opening.type if opening is not None else ""
        if kind == "em_open":
            return (Emphasis(children),)
        if kind == "strong_open":
            return (Strong(children),)
        if kind == "link_open" and opening is not None:
            href = opening.attrs.get("href", "")
            return (Link(str(href), children),)
        if kind == "cloze_open" and opening is not None:
            number = opening.meta.get("number")
            if number is None:
                number = self._shorthand
                self._shorthand += 1
            hint = str(opening.meta.get("hint", ""))
            return (Cloze(int(number), strip_inlines(children), hint),)
        return children

    def wikilink(self, token: Token) -> Inline:
        """An Obsidian wiki-link as its text, an embedded picture as an image."""
        line = int(token.meta.get("line", 0))
        target, alias = str(token.meta["target"]), str(token.meta["alias"])
        name = target.split("#", 1)[0].strip()
        if token.meta.get("embed") and Path(name).suffix.lower() in _IMAGE_SUFFIXES:
            # `|300` after an embedded picture is its width, not its description.
            return self.image_file(name, "", line, vault=True)
        # `[[Note#Heading]]` shows as Obsidian shows it: "Note > Heading".
        shown = alias or " > ".join(part.strip() for part in target.split("#") if part.strip())
        if token.meta.get("embed"):
            self.context.warning(
                line,
                f"![[{target}]] embeds another note, which a card cannot hold; its name is "
                "shown instead",
            )
        return Text(shown)

    def image(self, token: Token) -> Inline:
        line = int(token.meta.get("line", 0))
        src = str(token.attrs.get("src", "")).strip()
        alt = inline_text(self.inlines(token.children or [], where="an image's description"))
        if _WEB_ADDRESS.match(src):
            # Anki and print need the picture itself; the address is kept as a link to it.
            self.context.warning(
                line,
                f"the image {src[:80]!r} is on the web, so it is shown as a link; download it "
                "next to the notes and write its file name to show the picture",
            )
            return Link(src, (Text(" ".join(alt.split()) or "image"),))
        return self.image_file(src, alt, line)

    def image_file(self, src: str, alt: str, line: int, *, vault: bool = False) -> Image:
        """An image file the notes name; with `vault`, looked for by name in the whole notes
        folder too, as Obsidian finds embedded pictures."""
        if vault and src:
            src = self._find_in_vault(src, line)
        if not src:
            raise self.context.error(line, f"the image {alt!r} names no file: write ![{alt}](path)")
        path = self._images.get(src)
        if path is None:
            path = self.context.resolve_image(src, line)
            self._images[src] = path
        return Image(src, path, " ".join(alt.split()))

    def _find_in_vault(self, name: str, line: int) -> str:
        """The path, relative to the notes file, of a file named like `name`: beside the notes,
        from the notes folder, or anywhere under it (the shortest path wins, as in Obsidian)."""
        here = self.context.path.parent
        root = self.context.root
        for candidate in (here / name, root / name):
            if candidate.is_file():
                return os.path.relpath(candidate, here)
        if self._vault is None:
            found: dict[str, list[Path]] = {}
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in files:
                    found.setdefault(file.casefold(), []).append(Path(folder) / file)
            self._vault = found
        matches = self._vault.get(Path(name).name.casefold(), [])
        if not matches:
            raise self.context.error(
                line,
                f"image {name[:80]!r} not found beside the notes or anywhere in the notes folder "
                f"{root}; copy it there (Obsidian keeps pictures in the vault's attachment folder)",
            )
        best = min(matches, key=lambda path: (len(path.parts), path.as_posix()))
        return os.path.relpath(best, here)


# --------------------------------------------------------------------------- line helpers


def _plain_paragraph(content: str, line: int) -> list[Block] | None:
    """The blocks of a paragraph of one text token, or None when it is a card line.

    One line of text that is neither a `Q:` or `A:` line nor a `::` card is a paragraph of its
    text (or nothing, when it is blank): what the general route of `paragraph_of` makes of it.
    """
    if ":" in content and (_LABEL.match(content) or _SEPARATOR.search(content)):
        return None
    text = content.strip()
    return [Paragraph((Text(text),), line)] if text else []


def _definition_text(body: Iterable[Block]) -> str:
    # Formulas keep their dollars, so exporters can typeset them again.
    return " ".join(block_source(tuple(body)).split())


def _split_lines(children: list[Token], first: int) -> list[_Line]:
    """A paragraph's inline tokens, split at its top-level line breaks."""
    lines: list[_Line] = []
    current: list[Token] = []
    number = first
    for token in children:
        if token.type in ("softbreak", "hardbreak") and token.level == 0:
            lines.append(_Line(number, current, token))
            current = []
            number = int(token.meta.get("line", number + 1))
        elif token.type == "text" and not token.content:
            # Left over where emphasis markers were: it would hide a line's `**Q:**`.
            continue
        else:
            current.append(token)
    lines.append(_Line(number, current, None))
    return lines


def _join(lines: list[_Line]) -> list[Token]:
    """The tokens of consecutive lines, with the breaks between them."""
    tokens: list[Token] = []
    for position, line in enumerate(lines):
        tokens.extend(line.tokens)
        if line.end is not None and position < len(lines) - 1:
            tokens.append(line.end)
    return tokens


def _label(tokens: list[Token]) -> tuple[str, list[Token]]:
    """`("Q", rest)` for a line starting `Q:` (or `**Q:**`), likewise `A`; else `("", tokens)`."""
    if not tokens:
        return "", tokens
    first = tokens[0]
    if first.type == "text":
        match = _LABEL.match(first.content)
        if match:
            rest = first.content[match.end() :].lstrip()
            return match.group(1), ([first.copy(content=rest)] if rest else []) + tokens[1:]
    if (
        len(tokens) >= 3
        and first.type in ("strong_open", "em_open")
        and tokens[1].type == "text"
        and tokens[2].type in ("strong_close", "em_close")
        and tokens[1].content.strip() in ("Q:", "A:")
    ):
        return tokens[1].content.strip()[0], _lstrip(tokens[3:])
    return "", tokens


def _lstrip(tokens: list[Token]) -> list[Token]:
    if tokens and tokens[0].type == "text":
        rest = tokens[0].content.lstrip()
        return ([tokens[0].copy(content=rest)] if rest else []) + tokens[1:]
    return tokens


def _separator(tokens: list[Token]) -> tuple[int, re.Match[str]] | None:
    """The first card separator of a line: the token index and the match in its text."""
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if token.type != "text" or token.level != 0 or ":" not in token.content:
            continue
        for match in _SEPARATOR.finditer(token.content):
            # At a token's edge the neighbour decides: `code`:: is not a separator.
            if match.start() == 0 and index > 0 and not _space_at(tokens[index - 1], -1):
                continue
            at_end = match.end() == len(token.content)
            if at_end and index < last and not _space_at(tokens[index + 1], 0):
                continue
            return index, match
    return None


def _space_at(token: Token, position: int) -> bool:
    if token.type in ("text", "text_special") and token.content:
        return token.content[position].isspace()
    return token.type in ("softbreak", "hardbreak")


def strip_inlines(inlines: Inlines) -> Inlines:
    """Inlines without white space at either end."""
    items = list(inlines)
    # (A Text that needs no stripping is kept as it is: the model's nodes are immutable.)
    if items and isinstance(items[0], Text) and items[0].text[:1].isspace():
        items[0] = Text(items[0].text.lstrip())
    if items and isinstance(items[-1], Text) and items[-1].text[-1:].isspace():
        items[-1] = Text(items[-1].text.rstrip())
    return tuple(item for item in items if not (isinstance(item, Text) and not item.text))


def _merge(nodes: list[Inline]) -> Inlines:
    """Adjacent texts as one Text (joined once, so a long run costs linear time)."""
    result: list[Inline] = []
    run: list[Text] = []
    for node in nodes:
        if isinstance(node, Text):
            if node.text:
                run.append(node)
            continue
        if run:
            result.append(run[0] if len(run) == 1 else Text("".join(t.text for t in run)))
            run = []
        result.append(node)
    if run:
        result.append(run[0] if len(run) == 1 else Text("".join(t.text for t in run)))
    return tuple(result)
