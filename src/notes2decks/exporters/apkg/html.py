"""The card model as the HTML that Anki shows: every character escaped, formulas in MathJax
delimiters, images as `<img src="NAME">` (`Media`). Anki finds cloze markers in the raw field
text before any HTML, so a cloze field is rendered with stand-ins for our own markers and then
only a brace or colon that would pair with its neighbour becomes a character reference.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
import unicodedata
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
    """The image files that a deck's notes show, each stored once under its name and a short
    hash of its content (`timeline-3f2a9c1d.png`), so that two `diagram.png` never collide."""

    files: dict[str, bytes] = field(default_factory=dict)
    """Media name to file content."""
    _names: dict[Path, str] = field(default_factory=dict)
    """The media name of each image file read so far."""
    _by_content: dict[str, str] = field(default_factory=dict)
    """The media name of each content hash stored so far."""

    def add(self, image: Image, where: SourceRef) -> str:
        """The media name for an image, reading and checking the file the first time."""
        name = self._names.get(image.path)
        if name is not None:
            return name
        try:
            data = image.path.read_bytes()
        except FileNotFoundError:
            hint = "put the file there or fix the path"
            message = f"image {image.src!r} not found (looked for {image.path}); {hint}"
            raise NotesError(message, where.file, where.line) from None
        except OSError as exc:
            message = f"cannot read image {image.src!r}: {exc.strerror}"
            raise NotesError(message, where.file, where.line) from None
        suffix = SUFFIXES.get(image_kind(data[:HEAD_BYTES]), "")
        if not suffix:
            hint = "export it in one of those formats"
            message = f"{image.src!r} is not a PNG, JPEG, GIF or SVG image; {hint}"
            raise NotesError(message, where.file, where.line)
        digest = hashlib.sha256(data).hexdigest()
        name = self._by_content.get(digest)
        if name is None:
            # Eight hex digits tell pictures apart; a longer hash only if two ever share them.
            stem = _media_stem(image.path)
            names = (f"{stem}-{digest[:length]}{suffix}" for length in (8, 16, 64))
            name = next(free for free in names if free not in self.files)
            self.files[name] = data
            self._by_content[digest] = name
        self._names[image.path] = name
        return name


def _media_stem(path: Path) -> str:
    """A file name's stem as Anki can store it on every system: letters, digits, `-` and `_`."""
    stem = unicodedata.normalize("NFC", path.stem)
    stem = _UNSAFE_IN_NAME.sub("-", stem).strip("-.")
    # Anki shortens media names of over 120 bytes, and the hash must survive: 48 bytes at most.
    encoded = stem.encode("utf-8")
    if len(encoded) > 48:
        stem = encoded[:48].decode("utf-8", "ignore")
        # At a word's end where one is near.
        if stem.rfind("-") >= len(stem) // 2:
            stem = stem[: stem.rfind("-")]
    return stem.rstrip("-.") or "image"


_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


@dataclass
class Renderer:
    """Renders the blocks and inlines of one deck, collecting the images they show."""

    media: Media = field(default_factory=Media)
    """The images the rendered HTML shows."""
    strict: bool = True
    """False to show an image that cannot be stored as its alternative text instead of failing:
    for cards that are no longer in the notes, whose images may be gone too."""

    def inlines(self, nodes: Inlines, where: SourceRef, *, cloze_field: bool = False) -> str:
        """Inline content as HTML. In the text of a cloze note (`cloze_field`) `Cloze` nodes
        become Anki's cloze markers and stray braces are neutralised; elsewhere they show their
        content."""
        text = self._inlines(nodes, where, cloze_field)
        return _finish_cloze_field(text) if cloze_field else text

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
                hint = f"{_SEP}{_escape_text(node.hint, True)}" if node.hint else ""
                return f"{_OPEN}c{node.number}{_SEP}{content}{hint}{_CLOSE}"
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

    def blocks(self, nodes: Blocks, where: SourceRef) -> str:
        """Block content as HTML, one block after another without blank lines."""
        return "".join([self._block(node, where) for node in nodes])

    def _block(self, node: Block, where: SourceRef) -> str:
        match node:
            case Paragraph():
                here = SourceRef(where.file, node.line) if node.line else where
                return f"<p>{self._inlines(node.children, here, False)}</p>"
            case BulletList():
                tag = "ol" if node.ordered else "ul"
                start = f' start="{node.start}"' if node.ordered and node.start != 1 else ""
                items = "".join([self._list_item(item.children, where) for item in node.items])
                return f"<{tag}{start}>{items}</{tag}>"
            case Heading():
                level = min(max(node.level, 3), 6)
                return f"<h{level}>{self._inlines(node.children, where, False)}</h{level}>"
            case CodeBlock():
                lang = f' class="language-{html.escape(node.language)}"' if node.language else ""
                code = _escape_text(node.code.rstrip("\n"), False)
                return f"<pre><code{lang}>{code}</code></pre>"
            case MathBlock():
                return f'<div class="math">{math_html(node.source, True)}</div>'
            case Table():
                return self._table(node, where)
            case ThematicBreak():
                return "<hr>"
            case _:
                assert_never(node)

    def _list_item(self, blocks: Blocks, where: SourceRef) -> str:
        # A one-paragraph item is written without <p>, so lists stay tight as in the notes.
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
            return f"<li>{self._inlines(blocks[0].children, where, False)}</li>"
        return f"<li>{self.blocks(blocks, where)}</li>"

    def _table(self, table: Table, where: SourceRef) -> str:
        def cell(tag: str, column: int, content: Inlines) -> str:
            align = table.align[column] if column < len(table.align) else Align.NONE
            style = f' style="text-align:{align.value}"' if align is not Align.NONE else ""
            return f"<{tag}{style}>{self._inlines(content, where, False)}</{tag}>"

        head = "".join(cell("th", i, c) for i, c in enumerate(table.header))
        body = "".join(
            "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
            for row in table.rows
        )
        tbody = f"<tbody>{body}</tbody>" if body else ""
        return f'<div class="table"><table><thead><tr>{head}</tr></thead>{tbody}</table></div>'


def math_html(source: str, display: bool, cloze_field: bool = False) -> str:
    """A formula in the delimiters Anki's MathJax renders: `\\(...\\)` inline, `\\[...\\]` display.

    Only `&`, `<` and `>` are escaped: MathJax reads the decoded text, so the formula arrives
    unchanged."""
    body = html.escape(source.strip(), quote=False)
    if cloze_field:
        body = _hide_stand_ins(body)
    return f"\\[{body}\\]" if display else f"\\({body}\\)"


# Stand-ins for our own cloze markers while a cloze field is rendered: `{{`, `::` and `}}`.
_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_STAND_INS = re.compile("([\ue000-\ue002])")
_MARKERS = {_OPEN: "{{", _SEP: "::", _CLOSE: "}}"}
# Anki opens a cloze at `{{c1::` anywhere; only inside one do `}}` close it and `::` start its
# hint, and there a brace or colon against our own marker would join it (a formula's `}` before
# the closing `}}`, a colon before the hint's `::`).
_OPENER = re.compile(r"\{(?=\{\s*c\d)", re.IGNORECASE)
_INSIDE = re.compile(r"\{(?=\{\s*c\d)|\}(?=\})|:(?=:)", re.IGNORECASE)
_REFERENCES = {"{": "&#123;", "}": "&#125;", ":": "&#58;"}


def _hide_stand_ins(escaped: str) -> str:
    # The notes' own private-use characters must not pass for our markers.
    return _STAND_INS.sub(lambda m: f"&#{ord(m.group())};", escaped)


def _reference(match: re.Match[str]) -> str:
    return _REFERENCES[match.group()]


def _finish_cloze_field(text: str) -> str:
    """A rendered cloze field with the stand-ins made markers and nothing else read as one."""
    pieces = _STAND_INS.split(text)
    depth = 0
    for i, piece in enumerate(pieces):
        marker = _MARKERS.get(piece)
        if marker is not None:
            depth += 1 if piece == _OPEN else -1 if piece == _CLOSE else 0
            pieces[i] = marker
        elif depth == 0:
            pieces[i] = _OPENER.sub(_reference, piece)
        else:
            piece = _INSIDE.sub(_reference, piece)
            after = pieces[i + 1] if i + 1 < len(pieces) else ""
            if (after == _CLOSE and piece.endswith("}")) or (after == _SEP and piece.endswith(":")):
                piece = piece[:-1] + _REFERENCES[piece[-1]]
            pieces[i] = piece
    return "".join(pieces)


def _escape_text(value: str, cloze_field: bool) -> str:
    # html.escape(value, quote=False), without its call: this runs for every piece of text.
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if cloze_field and not escaped.isascii():
        escaped = _hide_stand_ins(escaped)
    return escaped


def _escape_attr(value: str, cloze_field: bool) -> str:
    escaped = html.escape(value, quote=True)
    return _hide_stand_ins(escaped) if cloze_field else escaped
