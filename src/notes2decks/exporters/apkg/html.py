"""The card model as the HTML that Anki shows.

Every character of the notes reaches Anki escaped, so `x < y & z` or `<script>` shows exactly
those characters. Formulas become MathJax delimiters (`\\(...\\)` and `\\[...\\]`), which Anki
renders itself. Images become `<img src="NAME">`, where NAME is the content hash of the file:
the `Media` collector reads each file once, checks it and hands the files to the package.

Cloze text needs more care than other fields, because Anki parses the raw field text for cloze
markers before any HTML is read: `{{c1::` opens a cloze, the first `}}` closes it and `::` starts
its hint. In a cloze field every brace and every `::` that is not our own marker is therefore
written as a character reference, which the browser (and MathJax, which reads the browser's text)
turns back into the same characters.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    from typing import assert_never
else:
    from typing_extensions import assert_never

from ...errors import NotesError
from ...images import HEAD_BYTES, SUFFIXES, image_kind
from ...model import (
    Align,
    Block,
    Blocks,
    BulletList,
    Cloze,
    Code,
    CodeBlock,
    Emphasis,
    Heading,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Link,
    Math,
    MathBlock,
    Paragraph,
    SourceRef,
    Strong,
    Table,
    Text,
    ThematicBreak,
)

# Link targets that cannot run code or reach the collection: anything else is shown as text.
_SAFE_HREF = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


@dataclass
class Media:
    """The image files that a deck's notes show, each stored once under its content hash.

    Naming by content means two `diagram.png` files from different folders never collide, and
    the same picture used twice is stored once.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    """Media name to file content."""
    _names: dict[Path, str] = field(default_factory=dict)
    """The media name of each image file read so far."""

    def add(self, image: Image, where: SourceRef) -> str:
        """The media name for an image, reading and checking the file the first time."""
        name = self._names.get(image.path)
        if name is not None:
            return name
        try:
            data = image.path.read_bytes()
        except FileNotFoundError:
            raise NotesError(
                f"image {image.src!r} not found (looked for {image.path}); "
                "put the file there or fix the path",
                where.file,
                where.line,
            ) from None
        except OSError as exc:
            raise NotesError(
                f"cannot read image {image.src!r}: {exc.strerror}", where.file, where.line
            ) from None
        suffix = SUFFIXES.get(image_kind(data[:HEAD_BYTES]), "")
        if not suffix:
            raise NotesError(
                f"{image.src!r} is not a PNG, JPEG, GIF or SVG image; "
                "export it in one of those formats",
                where.file,
                where.line,
            )
        name = hashlib.sha256(data).hexdigest()[:24] + suffix
        self.files[name] = data
        self._names[image.path] = name
        return name


@dataclass
class Renderer:
    """Renders the blocks and inlines of one deck, collecting the images they show."""

    media: Media = field(default_factory=Media)
    """The images the rendered HTML shows."""
    strict: bool = True
    """False to show an image that cannot be stored as its alternative text instead of failing:
    for cards that are no longer in the notes, whose images may be gone too."""

    # ----------------------------------------------------------------- inlines

    def inlines(self, nodes: Inlines, where: SourceRef, *, cloze_field: bool = False) -> str:
        """Inline content as HTML.

        `cloze_field` is true for the text of a cloze note: then `Cloze` nodes become Anki's
        cloze markers and stray braces are neutralised. Elsewhere a `Cloze` shows its content.
        """
        return self._inlines(nodes, where, cloze_field)

    def _inlines(self, nodes: Inlines, where: SourceRef, cloze_field: bool) -> str:
        # Most runs of inlines are one plain text: no list, no join.
        if len(nodes) == 1 and type(nodes[0]) is Text:
            return _escape_text(nodes[0].text, cloze_field)
        return "".join([self._inline(node, where, cloze_field) for node in nodes])

    def _inline(self, node: Inline, where: SourceRef, cloze_field: bool) -> str:
        match node:
            case Text():
                return _escape_text(node.text, cloze_field)
            case Emphasis():
                return f"<i>{self._inlines(node.children, where, cloze_field)}</i>"
            case Strong():
                return f"<b>{self._inlines(node.children, where, cloze_field)}</b>"
            case Code():
                return f"<code>{_escape_text(node.text, cloze_field)}</code>"
            case Math():
                return math_html(node.source, node.display, cloze_field)
            case Cloze():
                content = self._inlines(node.children, where, cloze_field)
                if not cloze_field:
                    return content
                hint = f"::{_escape_text(node.hint, True)}" if node.hint else ""
                return f"{{{{c{node.number}::{content}{hint}}}}}"
            case Image():
                return self._image(node, where, cloze_field)
            case Link():
                label = self._inlines(node.children, where, cloze_field)
                if not _SAFE_HREF.match(node.href):
                    return label
                return f'<a href="{_escape_attr(node.href, cloze_field)}">{label}</a>'
            case LineBreak():
                return "<br>"
            case _:
                assert_never(node)

    def _image(self, image: Image, where: SourceRef, cloze_field: bool) -> str:
        try:
            name = self.media.add(image, where)
        except NotesError:
            if self.strict:
                raise
            return _escape_text(f"[{image.alt or image.src}]", cloze_field)
        alt = f' alt="{_escape_attr(image.alt, cloze_field)}"' if image.alt else ""
        return f'<img src="{name}"{alt}>'

    # ----------------------------------------------------------------- blocks

    def blocks(self, nodes: Blocks, where: SourceRef, *, cloze_field: bool = False) -> str:
        """Block content as HTML, one block after another without blank lines."""
        return "".join([self._block(node, where, cloze_field) for node in nodes])

    def _block(self, node: Block, where: SourceRef, cloze_field: bool) -> str:
        match node:
            case Paragraph():
                here = SourceRef(where.file, node.line) if node.line else where
                return f"<p>{self._inlines(node.children, here, cloze_field)}</p>"
            case BulletList():
                tag = "ol" if node.ordered else "ul"
                start = f' start="{node.start}"' if node.ordered and node.start != 1 else ""
                items = "".join(
                    [self._list_item(item.children, where, cloze_field) for item in node.items]
                )
                return f"<{tag}{start}>{items}</{tag}>"
            case Heading():
                level = min(max(node.level, 3), 6)
                inner = self._inlines(node.children, where, cloze_field)
                return f"<h{level}>{inner}</h{level}>"
            case CodeBlock():
                lang = (
                    f' class="language-{_escape_attr(node.language, cloze_field)}"'
                    if node.language
                    else ""
                )
                code = _escape_text(node.code.rstrip("\n"), cloze_field)
                return f"<pre><code{lang}>{code}</code></pre>"
            case MathBlock():
                return f'<div class="math">{math_html(node.source, True, cloze_field)}</div>'
            case Table():
                return self._table(node, where, cloze_field)
            case ThematicBreak():
                return "<hr>"
            case _:
                assert_never(node)

    def _list_item(self, blocks: Blocks, where: SourceRef, cloze_field: bool) -> str:
        # A one-paragraph item is written without <p>, so lists stay tight as in the notes.
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
            return f"<li>{self._inlines(blocks[0].children, where, cloze_field)}</li>"
        return f"<li>{self.blocks(blocks, where, cloze_field=cloze_field)}</li>"

    def _table(self, table: Table, where: SourceRef, cloze_field: bool) -> str:
        def cell(tag: str, column: int, content: Inlines) -> str:
            align = table.align[column] if column < len(table.align) else Align.NONE
            style = f' style="text-align:{align.value}"' if align is not Align.NONE else ""
            inner = self.inlines(content, where, cloze_field=cloze_field)
            return f"<{tag}{style}>{inner}</{tag}>"

        head = "".join(cell("th", i, c) for i, c in enumerate(table.header))
        body = "".join(
            "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
            for row in table.rows
        )
        tbody = f"<tbody>{body}</tbody>" if body else ""
        return f'<div class="table"><table><thead><tr>{head}</tr></thead>{tbody}</table></div>'


def math_html(source: str, display: bool, cloze_field: bool = False) -> str:
    """A formula in the delimiters Anki's MathJax renders: `\\(...\\)` inline, `\\[...\\]` display.

    Only `&`, `<` and `>` are escaped, as HTML requires; MathJax reads the decoded text, so the
    formula arrives unchanged. In a cloze field `{{`, `}}` and `::` would be read as cloze markers,
    so there every brace and colon is a character reference, which MathJax reads back unchanged.
    """
    body = html.escape(source.strip(), quote=False)
    if cloze_field:
        body = _neutralise_cloze_syntax(body)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


def _escape_text(value: str, cloze_field: bool) -> str:
    # html.escape(value, quote=False), without its call: this runs for every piece of text.
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if cloze_field:
        escaped = _neutralise_cloze_syntax(escaped)
    return escaped


def _escape_attr(value: str, cloze_field: bool) -> str:
    escaped = html.escape(value, quote=True)
    return _neutralise_cloze_syntax(escaped) if cloze_field else escaped


def _neutralise_cloze_syntax(escaped: str) -> str:
    # Braces and colon pairs are the only characters Anki's cloze parser reacts to.
    # A lone colon is harmless, but two can meet across nodes (`a:` then `:b`), so every colon
    # goes; the browser shows it unchanged.
    return escaped.replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")
