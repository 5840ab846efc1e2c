"""A flashcard file's fields as the model's nodes: HTML fields through `html`, the others as
inline Markdown (a field of several lines keeps its line breaks and paragraphs)."""

from __future__ import annotations

from urllib.parse import unquote

from ...model import (
    Block,
    Image,
    Inline,
    Inlines,
    Link,
    Paragraph,
    Strong,
    Text,
    ThematicBreak,
    inline_text,
)
from .. import ReadContext
from ..cardset import INVISIBLE, normalise
from ..image_files import WEB_ADDRESS, ImageFinder, ImageProblem
from .html import LOOKS_HTML, as_inlines, read_html, text_of
from .tally import Tally


class Cells:
    """Reads the fields of one file, given what its `#html:` header says."""

    def __init__(self, context: ReadContext, html: bool | None, tally: Tally) -> None:
        self.context = context
        self.html = html
        self.tally = tally
        self._images: dict[str, Inline] = {}
        self._finder = ImageFinder(context.path, context.root)

    def card(self, front: str, back: str, line: int) -> tuple[Inlines, tuple[Block, ...]]:
        """A card's front and back from its two fields (either may come out empty). An HTML
        field with `<hr id=answer>` is a whole card: the question, then the answer; in the back,
        a question that repeats the front is left out, one that says more stays above a rule."""
        front_blocks, front_answer = self._blocks(front, line)
        back_blocks, back_answer = self._blocks(back, line)
        front_inlines = as_inlines(front_blocks)
        if front_answer is not None:
            back_blocks = front_answer + back_blocks
        if back_answer is not None:
            question, back_blocks = back_blocks, back_answer
            if question and text_of(question) != " ".join(inline_text(front_inlines).split()):
                back_blocks = (*question, ThematicBreak(), *back_answer)
        return front_inlines, back_blocks

    def extra(self, label: str, text: str, line: int) -> Block:
        """Another column's text as a paragraph of the back, led by the column's name."""
        blocks, answer = self._blocks(text, line)
        inlines = as_inlines(blocks + (answer or ()))
        if label:
            inlines = (Strong((Text(f"{label}:"),)), Text(" "), *inlines)
        return Paragraph(inlines, line)

    def _blocks(self, text: str, line: int) -> tuple[tuple[Block, ...], tuple[Block, ...] | None]:
        text = INVISIBLE.sub("", text).strip()
        if not text:
            return (), None
        # HTML always with `#html:true`, never with `#html:false`, else when it holds elements.
        if self.html or (self.html is None and LOOKS_HTML.search(text)):
            blocks, answer, scripts = read_html(text, line, self._image)
            if scripts:
                self.tally.add(
                    "a <script> in this field was left out",
                    "{count} fields held a <script>, which was left out",
                    line,
                )
            return blocks, answer
        # Imported here: the sniff runs for every .txt file, and card sets need no markdown-it.
        from ..markdown import parse_blocks, parse_inline

        # A field of one line is inline Markdown, one of several lines Markdown blocks.
        if "\n" in text:
            return parse_blocks(text, self.context, line), None
        inlines = parse_inline(normalise(text), self.context, line)
        return ((Paragraph(inlines, line),) if inlines else ()), None

    def _image(self, src: str, alt: str, line: int) -> Inline:
        """An `<img>`'s node: the picture, found like a Markdown picture (beside the notes, then
        in the notes folder); a link for a picture on the web; its file name when missing."""
        if src in self._images:
            return self._images[src]
        alt = " ".join(alt.split())
        node: Inline = Link(src, (Text(alt or "image"),))
        if WEB_ADDRESS.match(src):
            self.tally.add(
                "this picture is on the web, so it is shown as a link; download it next to "
                "the notes to show it",
                "{count} pictures are on the web, so they are shown as links; download them "
                "next to the notes to show them",
                line,
                repr(src[:60]),
            )
        else:
            node = self._image_file(src, alt, line)
        self._images[src] = node
        return node

    def _image_file(self, src: str, alt: str, line: int) -> Inline:
        reason = ""
        # As written, and %-decoded: Anki writes `my%20picture.jpg` for a file with a space.
        for name in dict.fromkeys((src, unquote(src))):
            try:
                return Image(name, self._finder.find(name), alt)
            except ImageProblem as exc:
                reason = reason or str(exc)
        self.tally.add(
            "a picture cannot be shown, so its file name shows instead",
            "{count} pictures cannot be shown (not found beside the notes or in the notes "
            "folder, or not PNG, JPEG, GIF or SVG), so their file names show instead",
            line,
            repr(src[:60]),
            alone=f"{reason}; its file name shows instead",
        )
        return Text(f"[{src}]")
