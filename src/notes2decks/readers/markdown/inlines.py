"""Inline markdown-it tokens to the model's inlines: text, emphasis, code, math, links, images
(each file looked for once, through `ImageFinder`), wiki-links and clozes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from ...model import (
    Cloze,
    Code,
    Emphasis,
    Image,
    Inline,
    Inlines,
    LineBreak,
    Link,
    Math,
    Strong,
    Text,
    inline_text,
)
from .. import ReadContext
from ..image_files import ImageFinder, ImageProblem

# Stands for an opening token whose span is kept as plain text.
_PLAIN = Token("plain_open", "", 1)
_WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})


class InlineConverter:
    """Turns inline tokens into model inlines, numbering `==...==` clozes as it meets them."""

    def __init__(self, context: ReadContext) -> None:
        self.context = context
        self.shorthand = 1
        """The number of the next `==...==` cloze."""
        self._finder = ImageFinder(context.path, context.root)
        self._found: dict[str, Path | str] = {}
        """Each picture looked for: its path, or why it cannot be used."""

    def inlines(self, tokens: Iterable[Token], *, where: str = "") -> Inlines:
        """Model inlines of inline tokens. `where` names a place where cloze is not allowed: a
        cloze there keeps its text, without hiding it, and a warning says so."""
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
            elif kind == "html_inline" and not token.content.startswith("<!--"):
                out.append(Text(token.content))
            elif kind == "image":
                out.append(self.image(token))
            elif kind == "wikilink":
                out.append(self.wikilink(token))
            elif token.nesting == 1:
                if kind == "cloze_open" and where:
                    self.context.warning(
                        int(token.meta.get("line", 0)),
                        f"cloze syntax cannot go in {where}, so its text is shown without "
                        "hiding it: put the cloze on a line of text of its own (a paragraph or "
                        "a list item)",
                    )
                    token = _PLAIN
                stack.append((token, []))
            elif token.nesting == -1 and len(stack) > 1:
                opening, children = stack.pop()
                stack[-1][1].extend(self._wrap(opening, merge(children)))
        while len(stack) > 1:
            opening, children = stack.pop()
            stack[-1][1].extend(self._wrap(opening, merge(children)))
        return merge(stack[0][1])

    def _wrap(self, opening: Token | None, children: Inlines) -> Inlines:
        kind = opening.type if opening is not None else ""
        if kind == "em_open":
            return (Emphasis(children),)
        if kind == "strong_open":
            return (Strong(children),)
        if opening is None:
            return children
        if kind == "link_open":
            return (Link(str(opening.attrs.get("href", "")), children),)
        if kind == "cloze_open":
            number = opening.meta.get("number")
            if number is None:
                number = self.shorthand
                self.shorthand += 1
            return (Cloze(int(number), strip_inlines(children), str(opening.meta["hint"])),)
        return children

    def wikilink(self, token: Token) -> Inline:
        """An Obsidian wiki-link as its text, an embedded picture as an image."""
        line = int(token.meta.get("line", 0))
        target, alias = str(token.meta["target"]), str(token.meta["alias"])
        name = target.split("#", 1)[0].strip()
        if token.meta.get("embed") and Path(name).suffix.lower() in _IMAGE_SUFFIXES:
            # `|300` after an embedded picture is its width, not its description.
            return self.image_file(name, "", line)
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
            self.context.warning_once(
                "web image",
                line,
                f"the image {src[:80]!r} is on the web, so it is shown as a link, as is every "
                "picture these notes name by a web address; download them next to the notes and "
                "write their file names to show the pictures",
            )
            return Link(src, (Text(" ".join(alt.split()) or "image"),))
        return self.image_file(src, alt, line)

    def image_file(self, src: str, alt: str, line: int) -> Inline:
        """A picture the notes name; one that cannot be used shows its description (or its file
        name) in brackets, with a warning at each place that names it."""
        alt = " ".join(alt.split())
        if not src:
            self.context.warning(
                line,
                f"the image {alt!r} names no file, so its description is shown: write "
                f"![{alt}](path)",
            )
            return Text(f"[{alt}]") if alt else Text("")
        found = self._found.get(src)
        if found is None:
            try:
                found = self._finder.find(src)
            except ImageProblem as exc:
                found = (
                    f"{exc}; its description is shown instead. Copy the picture into the notes "
                    f"folder {self.context.root}, beside the notes or anywhere under it"
                )
            self._found[src] = found
        if isinstance(found, str):
            self.context.warning(line, found)
            return Text(f"[{alt or Path(unquote(src).rstrip('/ ')).name or src}]")
        return Image(src, found, alt)


def strip_inlines(inlines: Inlines) -> Inlines:
    """Inlines without white space at either end."""
    items = list(inlines)
    if items and isinstance(items[0], Text) and items[0].text[:1].isspace():
        items[0] = Text(items[0].text.lstrip())
    if items and isinstance(items[-1], Text) and items[-1].text[-1:].isspace():
        items[-1] = Text(items[-1].text.rstrip())
    return tuple(item for item in items if not (isinstance(item, Text) and not item.text))


def merge(nodes: list[Inline]) -> Inlines:
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
