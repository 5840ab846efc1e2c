"""Block markdown-it tokens to the card model: lists, quotes and callouts, code, math, HTML,
tables, definition lists and the glossary section. Paragraphs go to `paragraphs`, where the
cards written in the text are taken out."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

from ...model import (
    Align,
    Block,
    BulletList,
    CodeBlock,
    GlossaryEntry,
    Heading,
    Inlines,
    ListItem,
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
from .. import ReadContext
from .inlines import strip_inlines
from .paragraphs import ParagraphConverter
from .parser import MAX_NESTING
from .plugin_cards import plugin_block, read_paragraph
from .plugins import PluginSyntax
from .sections import is_empty

COMMENT = re.compile(r"<!--(?:>|->|.*?-->|.*\Z)", re.DOTALL)
"""An HTML comment, or one never closed."""
# `> [!note]`, `> [!tip]- Title`: the first line of an Obsidian callout.
_CALLOUT = re.compile(r"^\[!([A-Za-z][\w-]*)\][+-]?[ \t]*")
# HTML that embeds a video, a page or a script: nothing a card can show.
_MEDIA = re.compile(
    r"<(iframe|video|audio|object|embed|script|style)\b[^>]*?(?:/>|>.*?</\1\s*>|>)",
    re.IGNORECASE | re.DOTALL,
)
_ALIGN = {f"text-align:{align.value}": align for align in Align}
# The level of the deepest blocks that markdown-it still parses.
_DEEP = MAX_NESTING - 1


def block_line(token: Token) -> int:
    """The 1-based line where a block token starts, or 0 when markdown-it does not say."""
    return token.map[0] + 1 if token.map else 0


class Converter(ParagraphConverter):
    """Turns block tokens into model blocks, collecting the cards it finds in `drafts`."""

    def __init__(self, tokens: list[Token], context: ReadContext) -> None:
        super().__init__(context)
        self.tokens = tokens
        self.closes = list(range(len(tokens)))
        """For each opening block token, the index of its closing token (others: their own)."""
        stack: list[int] = []
        for index, token in enumerate(tokens):
            if token.nesting == 1:
                stack.append(index)
            elif token.nesting == -1 and stack:
                self.closes[stack.pop()] = index
        self._warned_depth = False
        self.plugin: PluginSyntax | None = None
        """The Obsidian flashcard plugin whose card syntax the notes are in, if any."""

    def blocks(self, start: int, stop: int, *, cards: bool = True) -> list[Block]:
        """The blocks of `tokens[start:stop]`; with `cards`, card lines are taken out."""
        tokens = self.tokens
        result: list[Block] = []
        index = start
        while index < stop:
            token = tokens[index]
            end = self.closes[index]
            kind = token.type
            if token.nesting == 1 and token.level >= _DEEP and not self._warned_depth:
                self._warned_depth = True
                self.context.warning(
                    block_line(token),
                    f"lists and quotes are nested more than {MAX_NESTING} levels deep here; "
                    "the text below that depth was left out",
                )
            if kind == "paragraph_open" and cards and self.plugin is not None:
                # A plugin's `?` card may take the block under it as its answer.
                found, end = plugin_block(self, self.plugin, index, stop, cards=cards)
                result.extend(found)
            elif kind == "paragraph_open":
                children = tokens[index + 1].children or []
                result.extend(self.paragraph_of(children, block_line(token), cards=cards))
            elif kind == "heading_open":
                # One in a list or quote: sub-headings start at level 3; `deck` warns if empty.
                if not is_empty(tokens[index + 1]):
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
            elif kind == "math_block":
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
                one_paragraph = end == index + 4 and inner.type == "paragraph_open"
                if one_paragraph and inner.level < _DEEP and cards and self.plugin is not None:
                    # A plugin's `?` card in an item may take the items after it as its answer.
                    children, end = plugin_block(self, self.plugin, index, stop, cards=cards)
                elif one_paragraph and inner.level < _DEEP:
                    # An item of one paragraph, as `blocks` would read it.
                    inline = tokens[index + 2].children or []
                    children = self.paragraph_of(inline, block_line(inner), cards=cards)
                else:
                    children = self.blocks(index + 1, end, cards=cards)
                # An item whose only line was a card leaves the list.
                if children:
                    items.append(ListItem(tuple(children)))
            index = end + 1
        if not items:
            return None
        ordered = opening.type == "ordered_list_open"
        return BulletList(tuple(items), ordered, int(opening.attrs.get("start", 1)))

    def callout(self, start: int, stop: int, *, cards: bool) -> list[Block] | None:
        """An Obsidian callout (`> [!note] Title` and its text), or None for a plain quote: its
        title (or its type, when it has none) becomes a bold line over its text."""
        tokens = self.tokens
        if start + 2 >= stop or tokens[start + 1].type != "paragraph_open":
            return None
        children = tokens[start + 2].children or []
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
            if cards and self.plugin is not None:
                result.extend(read_paragraph(self, self.plugin, rest, rest_line))
            else:
                result.extend(self.paragraph_of(rest, rest_line, cards=cards))
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
            content = COMMENT.sub("", content)
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
                align.append(_ALIGN.get(str(token.attrs.get("style", "")), Align.NONE))
            elif token.type == "inline":
                row.append(self.inlines(token.children or [], where="a table cell"))
            elif token.type == "tr_close":
                if header or rows:
                    rows.append(tuple(row))
                else:
                    header = row
        return Table(tuple(header), tuple(rows), tuple(align))

    def spans(self, start: int, stop: int) -> Iterator[tuple[int, Token, int]]:
        """The blocks of `tokens[start:stop]`: each one's index, token and closing index."""
        index = start
        while index < stop:
            end = self.closes[index]
            yield index, self.tokens[index], end
            index = end + 1

    def definitions(self, start: int, stop: int, *, cards: bool) -> list[Block]:
        """A definition list outside the glossary: each term in bold before its definition."""
        result: list[Block] = []
        term: Paragraph | None = None
        for index, token, end in self.spans(start + 1, stop):
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
                    body[0] = Paragraph((*term.children, Text(": "), *body[0].children), term.line)
                elif term is not None:
                    result.append(term)
                term = None
                result.extend(body)
        if term is not None:
            result.append(term)
        return result

    def glossary(self, start: int, stop: int) -> list[GlossaryEntry]:
        """The entries of a glossary section: its `Term` / `: definition` pairs."""
        entries: list[GlossaryEntry] = []
        terms: list[tuple[str, int]] = []
        definitions: list[tuple[str, int]] = []

        def flush() -> None:
            """The entries of the terms (with their lines) over the definitions met."""
            if terms and len(definitions) > 1:
                self.context.warning(
                    definitions[1][1],
                    f"{terms[-1][0]!r} has {len(definitions)} definitions; they were joined. If "
                    f"line {definitions[1][1] - 1} starts a new term, leave a blank line before it",
                )
            text = "; ".join(text for text, _ in definitions if text)
            for term, line in terms:
                if not text:
                    self.context.warning(line, f"the glossary term {term!r} has no definition")
                elif term:
                    entries.append(GlossaryEntry(term, text, SourceRef(self.context.file, line)))
            terms.clear()
            definitions.clear()

        for index, token, end in self.spans(start, stop):
            if token.type == "dl_open":
                for item, opening, close in self.spans(index + 1, end):
                    if opening.type == "dt_open":
                        if definitions:
                            flush()
                        children = self.tokens[item + 1].children or []
                        term = inline_text(self.inlines(children, where="a glossary term"))
                        terms.append((" ".join(term.split()), block_line(opening)))
                    elif opening.type == "dd_open":
                        body = self.blocks(item + 1, close, cards=False)
                        first = next((t for t in self.tokens[item + 1 : close] if t.map), opening)
                        # Formulas keep their dollars, so exporters can typeset them again.
                        text = " ".join(block_source(tuple(body)).split())
                        definitions.append((text, block_line(first)))
                flush()
            elif (
                self.html_block(token)
                if token.type == "html_block"
                else token.type not in ("heading_open", "hr")
            ):
                self.context.warning(
                    block_line(token),
                    "the Glossary section holds only terms and definitions (a line 'Term', then "
                    "a line ': definition', then a blank line); this text was left out",
                )
        return entries
