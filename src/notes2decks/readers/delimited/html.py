"""HTML fields, as Anki exports and `#html:true` files hold them, as the model's nodes, read with
`html.parser`. Unknown tags keep their text; `<script>` and `<style>` are left out and no
attribute but `src` and `href` is read, so no event handler or style reaches an output."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser

from ...model import (
    Block,
    BulletList,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Inline,
    Inlines,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Paragraph,
    Strong,
    Table,
    Text,
    ThematicBreak,
)

# A field is HTML when it holds one of these elements (so `x < y > z` never is).
LOOKS_HTML = re.compile(
    r"</?(?:b|i|u|s|em|strong|br|div|p|span|font|img|a|ul|ol|li|hr|sub|sup|code|pre|table|tr|"
    r"td|th|h[1-6]|blockquote|script|style)\b[^<>]*>",
    re.IGNORECASE,
)
_BLOCKS = frozenset(
    {"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "section"}
)
_HIDDEN = frozenset({"script", "style", "template", "head", "title"})
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_INLINE = {"b": "strong", "strong": "strong", "i": "em", "em": "em", "code": "code"}
_MATHJAX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_SPACE = re.compile(r"[\s\u00a0]+")

ImageLookup = Callable[[str, str, int], Inline]
"""Makes the node for `<img src alt>` at a line: an Image, or text when the file is missing."""


class _Reader(HTMLParser):
    def __init__(self, line: int, image: ImageLookup) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = line
        self.image = image
        self.top: list[Block] = []
        # Open inline elements: (tag, href or "", children); the first is the paragraph itself.
        self.inline: list[tuple[str, str, list[Inline]]] = [("", "", [])]
        # Open lists: (ordered, items, the open item's blocks).
        self.lists: list[tuple[bool, list[ListItem], list[Block]]] = []
        self.hidden = 0
        self.scripts = 0
        self.answer_at: int | None = None

    def _target(self) -> list[Block]:
        return self.lists[-1][2] if self.lists else self.top

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def _flush(self) -> None:
        """Close the paragraph being read, and any inline element still open in it."""
        while len(self.inline) > 1:
            self._close_inline()
        children = _tidy(self.inline[0][2])
        self.inline = [("", "", [])]
        if children:
            self._target().append(Paragraph(children, self._line()))

    def _close_inline(self) -> None:
        tag, href, children = self.inline.pop()
        inner = tuple(children)
        parent = self.inline[-1][2]
        if tag == "code":
            parent.append(Code(_plain(inner)))
        elif tag == "a":
            parent.append(Link(href, inner))
        elif tag:
            parent.append(Strong(inner) if tag == "strong" else Emphasis(inner))
        else:
            # A link whose address was not safe: its text stays, the link goes.
            parent.extend(children)

    def _close_item(self) -> None:
        self._flush()
        if self.lists:
            ordered, items, blocks = self.lists[-1]
            if blocks:
                items.append(ListItem(tuple(blocks)))
            self.lists[-1] = (ordered, items, [])

    def _close_list(self) -> None:
        self._close_item()
        ordered, items, _ = self.lists.pop()
        if items:
            self._target().append(BulletList(tuple(items), ordered))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag in _HIDDEN:
            self.hidden += 1
            self.scripts += tag == "script"
        elif self.hidden:
            return
        elif tag in _INLINE:
            self.inline.append((_INLINE[tag], "", []))
        elif tag == "a":
            href = values.get("href", "").strip()
            self.inline.append(("a" if _SAFE_LINK.match(href) else "", href, []))
        elif tag == "br":
            self.inline[-1][2].append(LineBreak())
        elif tag == "img":
            src = values.get("src", "").strip()
            if src:
                self.inline[-1][2].append(self.image(src, values.get("alt", ""), self._line()))
        elif tag == "hr":
            self._flush()
            if values.get("id", "").lower() == "answer" and not self.lists:
                if self.answer_at is None:
                    self.answer_at = len(self.top)
            else:
                self._target().append(ThematicBreak())
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append((tag == "ol", [], []))
        elif tag == "li":
            self._close_item()
        elif tag in _BLOCKS:
            self._flush()
        elif tag in ("td", "th"):
            self.inline[-1][2].append(Text(" "))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        kind = _INLINE.get(tag)
        if tag == "a":
            kind = next((k for k, _, _ in reversed(self.inline[1:]) if k in ("a", "")), None)
        if kind is not None and any(k == kind for k, _, _ in self.inline[1:]):
            while self.inline[-1][0] != kind:
                self._close_inline()
            self._close_inline()
        elif tag in ("ul", "ol") and self.lists:
            self._close_list()
        elif tag == "li":
            self._close_item()
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.inline[-1][2].append(Text(data))


def read_html(
    text: str, line: int, image: ImageLookup
) -> tuple[tuple[Block, ...], tuple[Block, ...] | None, int]:
    """An HTML field that starts at `line`: its blocks (the question when it holds `<hr
    id=answer>`), what follows `<hr id=answer>` or None, and how many `<script>`s were left out;
    `image` makes each picture's node."""
    reader = _Reader(line, image)
    reader.feed(text)
    reader.close()
    reader._flush()
    while reader.lists:
        reader._close_list()
    top, at = tuple(reader.top), reader.answer_at
    return top[:at], None if at is None else top[at:], reader.scripts


def _plain(inlines: Inlines) -> str:
    return "".join(
        node.text if isinstance(node, Text | Code) else _plain(node.children)
        for node in inlines
        if isinstance(node, Text | Code | Strong | Emphasis | Link)
    )


def _tidy(nodes: list[Inline], *, outer: bool = True) -> Inlines:
    """Inline nodes as HTML shows them: spaces collapsed, adjacent texts joined, MathJax as math;
    the `outer` paragraph also loses the spaces at either end and around its line breaks."""
    joined: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and joined and isinstance(joined[-1], Text):
            joined[-1] = Text(joined[-1].text + node.text)
        else:
            joined.append(node)
    if outer:
        while joined and isinstance(joined[-1], LineBreak):
            joined.pop()
        while joined and isinstance(joined[0], LineBreak):
            joined.pop(0)
    result: list[Inline] = []
    for index, node in enumerate(joined):
        if isinstance(node, Text):
            text = _SPACE.sub(" ", node.text)
            if outer and (index == 0 or isinstance(joined[index - 1], LineBreak)):
                text = text.lstrip()
            if outer and (index == len(joined) - 1 or isinstance(joined[index + 1], LineBreak)):
                text = text.rstrip()
            result.extend(_math(text))
        elif isinstance(node, Link | Strong | Emphasis):
            children = _tidy(list(node.children), outer=False)
            if children:
                result.append(replace(node, children=children))
        else:
            result.append(node)
    return tuple(result)


def _math(text: str) -> list[Inline]:
    """Text with Anki's MathJax delimiters as Math nodes."""
    # The split gives text, then per delimiter inline math or None and display math or None.
    return [
        Math(piece.strip(), index % 3 == 2) if index % 3 else Text(piece)
        for index, piece in enumerate(_MATHJAX.split(text))
        if piece
    ]


def as_inlines(blocks: tuple[Block, ...]) -> Inlines:
    """Blocks flattened to one line of inlines, for a card's front: paragraphs and list items
    are separated by line breaks, list items start with a bullet."""
    result: list[Inline] = []
    for block in blocks:
        pieces: list[Inlines] = []
        if isinstance(block, Paragraph | Heading):
            pieces = [block.children]
        elif isinstance(block, BulletList):
            pieces = [(Text("\u2022 "), *as_inlines(item.children)) for item in block.items]
        elif isinstance(block, CodeBlock):
            pieces = [(Code(block.code),)]
        elif isinstance(block, MathBlock):
            pieces = [(Math(block.source, display=True),)]
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                cells: list[Inline] = []
                for cell in row:
                    cells.extend((*([Text(" | ")] if cells else []), *cell))
                pieces.append(tuple(cells))
        for piece in pieces:
            if result:
                result.append(LineBreak())
            result.extend(piece)
    return tuple(result)


def text_of(blocks: tuple[Block, ...]) -> str:
    """The plain text of blocks, spaces collapsed: to tell whether two sides say the same."""
    return " ".join(_plain(as_inlines(blocks)).split())
