"""Card faces as reportlab flowables: the model's blocks and inlines set in the bundled fonts.

Every piece of text goes through `escape`, so characters that look like markup (`a<b>c`,
`AT&T`, `<font size=40>`) print literally. Everything is built for one type size at a time:
the fitting code asks for the same content at smaller sizes until it fits its card.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus.paragraph import _FK_BREAK

from ..images import HEAD_BYTES, image_kind
from ..model import (
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
    Strong,
    Text,
    ThematicBreak,
    inline_text,
)
from ..model import Paragraph as ParagraphBlock
from ..model import (
    Table as TableBlock,
)
from .pdf_fonts import (
    MONO,
    MONO_ADVANCE,
    SANS,
    SANS_BOLD,
    SANS_ITALIC,
    missing_glyphs,
    register_fonts,
    string_width,
)
from .pdf_math import MathArt, MathFailure, draw_math, typeset
from .pdf_text import Markup, StyledText, TextParagraph

MIN_SIZE = 7.0
"""No text is set smaller than this, in points."""

INK = colors.black
MUTED = colors.Color(0.33, 0.33, 0.33)
HIGHLIGHT = "#ffd966"
"""Cloze answers on a back: a yellow that still prints as a visible grey in black and white."""
BLANK = "#d9d9d9"
"""Cloze gaps on a front."""
CODE_BACKGROUND = colors.Color(0.94, 0.94, 0.94)
RULE = colors.Color(0.55, 0.55, 0.55)
_CODE_BACK = "#eeeeee"
"""Behind inline code."""

_LEADING = 1.22
_IMAGE_SHARE = 0.5
"""The most of a card's height one image may take, so that text can share the card."""
_PIXEL = 0.75
"""Points per image pixel, taking images to be 96 dpi."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ON_DRAW_MATH = "n2d-math"

Item = tuple[float, Any]
"""A flowable with the space to leave above it when something precedes it on the card."""


# --------------------------------------------------------------------------- context


@dataclass
class FaceContext:
    """What building one card face needs besides its content, and where its warnings go."""

    file: str
    """The notes file, for messages."""
    line: int
    """The card's line, for messages about a place without its own line."""
    width: float
    """The width of the face's text box, in points."""
    height: float
    """The height of the face's text box, in points."""
    base_size: float = 12.0
    """The face's type size before shrinking: images shrink with the type."""
    notes: dict[tuple[int, str], None] = field(default_factory=dict)
    """Warnings, in order and without repeats: the face is built at several sizes."""

    def note(self, line: int, message: str) -> None:
        self.notes.setdefault((line or self.line, message), None)


def escape(text: str) -> str:
    """Text made safe for reportlab's paragraph markup, which is XML-like."""
    return _xml_escape(_clean(text))


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\t", "    "))


@functools.lru_cache(maxsize=1024)
def glyph_warning(text: str) -> str:
    """The warning for characters of `text` that the bundled font cannot draw, or empty."""
    missing = missing_glyphs(text)
    if not missing:
        return ""
    shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:5])
    return (
        f"the bundled font has no glyph for {shown}; it prints as an empty box. "
        "Use another character or write it out"
    )


# --------------------------------------------------------------------------- styles


@functools.lru_cache(maxsize=2048)
def paragraph_style(
    size: float,
    font: str = SANS,
    align: str = "left",
    left: float = 0.0,
    hang: float = 0.0,
    color: str = "ink",
    leading: float = _LEADING,
) -> Any:
    """A paragraph style; `left` indents the whole paragraph, `hang` the lines after a bullet."""
    register_fonts()
    return ParagraphStyle(
        name=f"n2d-{font}-{size}-{align}-{left:.2f}-{hang:.2f}-{color}",
        fontName=font,
        fontSize=size,
        leading=size * leading,
        leftIndent=left + hang,
        firstLineIndent=0,
        bulletIndent=left,
        bulletFontName=SANS,
        bulletFontSize=size,
        alignment={"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[align],
        textColor=MUTED if color == "muted" else INK,
        # Long unbroken words (URLs, chemical names) are split rather than run off the card.
        splitLongWords=1,
        # Lines holding a tall inline formula grow instead of overprinting their neighbours.
        autoLeading="max",
        allowOrphans=1,
        allowWidows=1,
        hyphenationLang="",
        embeddedHyphenation=0,
        uriWasteReduce=0,
    )


# --------------------------------------------------------------------------- inlines


class CardParagraph(Paragraph):  # type: ignore[misc]
    """reportlab's paragraph, mended to split after a line that ends in a break, and to give a
    tall first line its room above the baseline.

    reportlab records where each line starts among the paragraph's words (`sFW`) as the word
    that ended the line before. After a hard break (`<br/>`, or a long word cut in two) that
    word is the break, which belongs to the line before: the second part of a split then began
    with a blank line, and splitting it again where only that blank line fitted gave a first
    part without a word, on which reportlab fails with an IndexError (a table cell continued
    over three cards, say).
    """

    def breakLines(self, width: Any) -> Any:
        para = super().breakLines(width)
        words = self.frags
        for line in para.lines[1:]:
            start = getattr(line, "sFW", None)
            if start is not None and start < len(words) and _is_break(words[start]):
                line.sFW = start + 1
        return para

    def draw(self) -> None:
        # reportlab sets the first baseline one font size below the paragraph's top however
        # tall that line is, while autoLeading="max" reserved the line's full ascent: a tall
        # formula on a first line would overprint the line above and leave a gap below.
        para = self.blPara
        if para.kind == 1 and para.lines:
            rise = para.lines[0].ascent - self.style.fontSize
            if rise > 0:
                self.canv.translate(0, -rise)
        super().draw()


def _is_break(word: Any) -> bool:
    """True for a laid-out word (`[width, (fragment, text), ...]`) that is a line break."""
    return isinstance(word, list) and len(word) > 1 and word[1][0]._fkind == _FK_BREAK


class _MathImage:
    """Stands in for an ImageReader inside a paragraph; `CardCanvas` draws it as vectors."""

    __slots__ = ("art", "highlight")

    def __init__(self, art: MathArt, highlight: str | None) -> None:
        self.art = art
        self.highlight = highlight
        """The background of a formula inside a highlighted cloze answer, which reportlab only
        paints behind text."""


class CardCanvas(Canvas):  # type: ignore[misc]
    """A canvas that draws typeset formulas placed inside paragraphs."""

    def drawImage(self, image: Any, x: float, y: float, *args: Any, **kwargs: Any) -> Any:
        if isinstance(image, _MathImage):
            width = kwargs.get("width", args[0] if args else image.art.width)
            height = kwargs.get("height", args[1] if len(args) > 1 else image.art.height)
            if image.highlight:
                self.saveState()
                self.setFillColor(image.highlight)
                self.rect(x, y, width, height, stroke=0, fill=1)
                self.restoreState()
            draw_math(self, image.art, x, y, width, height)
            return (width, height)
        return super().drawImage(image, x, y, *args, **kwargs)


@dataclass
class _InlineMath:
    art: MathArt
    width: float
    height: float
    depth: float
    highlight: str | None


class InlineWriter:
    """Turns inline content into paragraph markup at one type size."""

    def __init__(self, ctx: FaceContext, size: float, *, front: bool, line: int) -> None:
        self.ctx = ctx
        self.size = size
        self.front = front
        """True on a front, where cloze spans are gaps; on a back they are highlighted."""
        self.line = line
        self.maths: list[_InlineMath] = []
        self._highlight: str | None = None

    def markup(self, inlines: Inlines) -> str:
        return "".join(self._one(node) for node in inlines)

    def _text(self, text: str) -> str:
        message = glyph_warning(text)
        if message:
            self.ctx.note(self.line, message)
        return escape(text)

    def _one(self, node: Inline) -> str:
        if isinstance(node, Text):
            return self._text(node.text)
        if isinstance(node, Emphasis):
            return f"<i>{self.markup(node.children)}</i>"
        if isinstance(node, Strong):
            return f"<b>{self.markup(node.children)}</b>"
        if isinstance(node, Code):
            return self.code(node.text)
        if isinstance(node, Math):
            return self.math(node.source)
        if isinstance(node, Cloze):
            if self.front:
                gap = f"[{node.hint}]" if node.hint else "[\u2026]"
                return f'<font backColor="{BLANK}">\u00a0{self._text(gap)}\u00a0</font>'
            outer, self._highlight = self._highlight, HIGHLIGHT
            try:
                return f'<font backColor="{HIGHLIGHT}">{self.markup(node.children)}</font>'
            finally:
                self._highlight = outer
        if isinstance(node, Link):
            text = self.markup(node.children)
            shown = inline_text(node.children).strip()
            href = node.href.removeprefix("mailto:")
            if not shown:
                return self._text(href)
            if shown == href or shown == node.href:
                return text
            small = max(MIN_SIZE, self.size * 0.85)
            return f'{text} <font size="{small:.2f}" color="#555555">({self._text(href)})</font>'
        if isinstance(node, Image):
            # Images inside emphasis or links are rare; their description keeps the sentence.
            return self._text(f"[{node.alt or node.src}]")
        if isinstance(node, LineBreak):
            return "<br/>"
        raise TypeError(f"unexpected inline {type(node).__name__}")

    def code(self, text: str) -> str:
        # Non-breaking spaces keep runs of spaces; a long span is split like a long word.
        body = self._text(text).replace(" ", "\u00a0")
        return f'<font face="{MONO}" backColor="{_CODE_BACK}">{body}</font>'

    def math(self, source: str) -> str:
        try:
            art = typeset(source, display=False)
        except MathFailure as failure:
            self.ctx.note(self.line, f"{failure}; it is printed as LaTeX source. Fix the formula")
            return self.code(source)
        scale = art.scale_for(self.size)
        width, height, depth = art.width * scale, art.height * scale, art.depth * scale
        if width > self.ctx.width:
            shrink = self.ctx.width / width
            width, height, depth = width * shrink, height * shrink, depth * shrink
        self.maths.append(_InlineMath(art, width, height, depth, self._highlight))
        return f'<onDraw name="{_ON_DRAW_MATH}" label="{len(self.maths) - 1}"/>'

    def paragraph(self, markup: str, style: Any, bullet: str | None = None) -> Any:
        para = CardParagraph(markup, style, bulletText=escape(bullet) if bullet else None)
        if self.maths:
            _place_maths(para, self.maths)
        return para


# --------------------------------------------------------------------------- the fast path


class _Unsupported(Exception):
    """Content that `TextParagraph` does not set: the paragraph goes to `Paragraph`."""


def text_paragraph(
    ctx: FaceContext | None,
    inlines: Inlines,
    style: Any,
    *,
    front: bool = False,
    line: int = 0,
    bullet: str | None = None,
) -> TextParagraph | None:
    """The paragraph set by `TextParagraph`, which is much faster than `Paragraph` and looks
    the same, when its content is text, emphasis, bold, code, cloze spans and links that print
    only their text, all in one size; else None, for `InlineWriter` and `Paragraph`."""
    prepared = _styled_text(inlines, style.fontName, front)
    if prepared is None:
        return None
    text, notes = prepared
    if ctx is not None:
        for message in notes:
            ctx.note(line, message)
    return TextParagraph(text, style, bullet)


def plain_paragraph(text: str, style: Any) -> Any:
    """A paragraph of plain text in one style."""
    para = text_paragraph(None, (Text(text),), style)
    return para if para is not None else CardParagraph(escape(text), style)


@functools.lru_cache(maxsize=512)
def _styled_text(
    inlines: Inlines, font: str, front: bool
) -> tuple[StyledText, tuple[str, ...]] | None:
    """The fragments `Paragraph` would make of `InlineWriter`'s markup for `inlines`, and the
    glyph warnings it would give; None for content only `Paragraph` sets. The same paragraph
    comes back at every size that fitting tries, so this is worked out once."""
    markup = Markup(tt2ps(*ps2tt(font)))
    if len(inlines) == 1 and isinstance(inlines[0], Text):
        # Most facts are plain text.
        value = inlines[0].text
        markup.text(_clean(value))
        message = glyph_warning(value)
        return markup.styled(), (message,) if message else ()
    notes: dict[str, None] = {}

    def text(value: str, code: bool = False) -> None:
        message = glyph_warning(value)
        if message:
            notes.setdefault(message, None)
        cleaned = _clean(value)
        markup.text(cleaned.replace(" ", "\u00a0") if code else cleaned)

    def walk(nodes: Inlines, state: tuple[str, int, int, str | None]) -> None:
        family, bold, italic, back = state

        def inside(children: Inlines, inner: tuple[str, int, int, str | None]) -> None:
            markup.tag(tt2ps(inner[0], inner[1], inner[2]), inner[3])
            walk(children, inner)
            markup.tag(tt2ps(family, bold, italic), back)

        for node in nodes:
            if isinstance(node, Text):
                text(node.text)
            elif isinstance(node, Emphasis):
                inside(node.children, (family, bold, 1, back))
            elif isinstance(node, Strong):
                inside(node.children, (family, 1, italic, back))
            elif isinstance(node, Code):
                markup.tag(tt2ps(*ps2tt(MONO)), _CODE_BACK)
                text(node.text, code=True)
                markup.tag(tt2ps(family, bold, italic), back)
            elif isinstance(node, Cloze):
                if front:
                    markup.tag(tt2ps(family, bold, italic), BLANK)
                    markup.text("\u00a0")
                    text(f"[{node.hint}]" if node.hint else "[\u2026]")
                    markup.text("\u00a0")
                    markup.tag(tt2ps(family, bold, italic), back)
                else:
                    inside(node.children, (family, bold, italic, HIGHLIGHT))
            elif isinstance(node, Link):
                shown = inline_text(node.children).strip()
                if not shown or (shown != node.href and shown != node.href.removeprefix("mailto:")):
                    raise _Unsupported
                walk(node.children, state)
            elif isinstance(node, Image):
                text(f"[{node.alt or node.src}]")
            else:
                # Formulas are images inside the line, and a hard break is a line of its own.
                raise _Unsupported

    try:
        walk(inlines, (*ps2tt(font), None))
    except _Unsupported:
        return None
    return markup.styled(), tuple(notes)


def _place_maths(para: Any, maths: list[_InlineMath]) -> None:
    """Turn the paragraph's formula markers into inline images of the formulas' size.

    reportlab lays inline images out as words of a given width and height; the image object
    itself is only handed to the canvas, which `CardCanvas` draws as vectors.
    """
    for frag in para.frags:
        defn = getattr(frag, "cbDefn", None)
        if defn is None or getattr(defn, "name", None) != _ON_DRAW_MATH:
            continue
        inline = maths[int(defn.label)]
        defn.kind = "img"
        defn.image = _MathImage(inline.art, inline.highlight)
        defn.width = inline.width
        defn.height = inline.height
        # The formula's baseline sits on the text's baseline.
        defn.valign = -inline.depth


# --------------------------------------------------------------------------- flowables


class _Box(Flowable):  # type: ignore[misc]
    """A flowable of fixed natural size, centred in the width it is given and scaled down to fit
    it and `max_height`."""

    def __init__(self, width: float, height: float, max_height: float) -> None:
        super().__init__()
        self.natural = (width, height)
        self.max_height = max_height
        self.scale = 1.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.natural
        self.scale = min(1.0, avail_width / width, self.max_height / height)
        self.avail_width = avail_width
        return avail_width, height * self.scale

    def draw(self) -> None:
        width, height = self.natural
        x = (self.avail_width - width * self.scale) / 2
        self.draw_scaled(x, width * self.scale, height * self.scale)

    def draw_scaled(self, x: float, width: float, height: float) -> None:
        raise NotImplementedError


class MathFlowable(_Box):
    """A display formula, centred on its own line."""

    def __init__(self, art: MathArt, size: float, max_height: float) -> None:
        scale = art.scale_for(size)
        super().__init__(art.width * scale, art.height * scale, max_height)
        self.art = art

    def draw_scaled(self, x: float, width: float, height: float) -> None:
        draw_math(self.canv, self.art, x, 0, width, height)


class PictureFlowable(_Box):
    """An image from the notes, scaled into the card."""

    def __init__(self, picture: _Picture, max_height: float) -> None:
        super().__init__(picture.width, picture.height, max_height)
        self.picture = picture

    def draw_scaled(self, x: float, width: float, height: float) -> None:
        if self.picture.drawing is not None:
            from reportlab.graphics import renderPDF

            canvas = self.canv
            canvas.saveState()
            canvas.translate(x, 0)
            canvas.scale(width / self.picture.width, height / self.picture.height)
            renderPDF.draw(self.picture.drawing, canvas, 0, 0)
            canvas.restoreState()
        else:
            from reportlab.lib.utils import ImageReader

            # reportlab names an image given as a file name after that name, and one given as a
            # reader after its pixels: the notes' folder must not change the PDF's bytes.
            image = ImageReader(str(self.picture.path))
            self.canv.drawImage(image, x, 0, width, height, mask="auto")


class CodeFlowable(Flowable):  # type: ignore[misc]
    """A code block in monospace with its spacing kept; lines too long for the card wrap at the
    character, marked with ↪, and the block splits between lines across cards."""

    def __init__(self, code: str, size: float, lines: list[str] | None = None) -> None:
        super().__init__()
        self.code = code
        self.size = size
        self.leading = size * 1.2
        self.pad = size * 0.4
        self.lines = lines

    def _wrapped(self, width: float) -> list[str]:
        columns = max(8, int((width - 2 * self.pad) / (MONO_ADVANCE * self.size)))
        lines: list[str] = []
        for raw in self.code.expandtabs(4).rstrip("\n").split("\n"):
            raw = _CONTROL.sub("", raw.rstrip())
            lines.append(raw[:columns])
            rest = raw[columns:]
            while rest:
                lines.append("\u21aa " + rest[: columns - 2])
                rest = rest[columns - 2 :]
        return lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.lines is None or getattr(self, "_for_width", None) != avail_width:
            self.lines = self._wrapped(avail_width)
            self._for_width = avail_width
        self.width = avail_width
        self.height = len(self.lines) * self.leading + 2 * self.pad
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        self.wrap(avail_width, avail_height)
        assert self.lines is not None
        fit = int((avail_height - 2 * self.pad) // self.leading)
        if fit < 1 or fit >= len(self.lines):
            return []
        head = CodeFlowable(self.code, self.size, self.lines[:fit])
        tail = CodeFlowable(self.code, self.size, self.lines[fit:])
        for part in (head, tail):
            part._for_width = avail_width
        return [head, tail]

    def draw(self) -> None:
        assert self.lines is not None
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(CODE_BACKGROUND)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(MONO, self.size)
        baseline = self.height - self.pad - self.size * 0.93
        for text in self.lines:
            canvas.drawString(self.pad, baseline, text)
            baseline -= self.leading
        canvas.restoreState()


class RuleFlowable(Flowable):  # type: ignore[misc]
    """A thin horizontal rule across the card."""

    def __init__(self, space: float) -> None:
        super().__init__()
        self.space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(0, self.space / 2, self.width, self.space / 2)
        canvas.restoreState()


class Indented(Flowable):  # type: ignore[misc]
    """Another flowable moved right by `left`, as inside a list item."""

    def __init__(self, inner: Any, left: float) -> None:
        super().__init__()
        self.inner = inner
        self.left = left

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self.inner.wrap(avail_width - self.left, avail_height)
        self.width, self.height = width + self.left, height
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        parts = self.inner.split(avail_width - self.left, avail_height)
        return [Indented(part, self.left) for part in parts]

    def draw(self) -> None:
        self.inner.drawOn(self.canv, self.left, 0)


class Scaled(Flowable):  # type: ignore[misc]
    """A last resort for content that neither fits an empty card nor splits: drawn smaller."""

    def __init__(self, inner: Any, avail_width: float, avail_height: float) -> None:
        super().__init__()
        self.inner = inner
        width, height = inner.wrap(avail_width, avail_height)
        self.factor = min(1.0, avail_width / max(width, 1e-6), avail_height / max(height, 1e-6))
        self.width, self.height = width * self.factor, height * self.factor

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.scale(self.factor, self.factor)
        self.inner.drawOn(self.canv, 0, 0)


# --------------------------------------------------------------------------- images


@dataclass(frozen=True, slots=True)
class _Picture:
    path: Path
    width: float
    height: float
    drawing: Any = None
    """For SVG images, the reportlab Drawing; raster images are drawn from `path`."""


def _load_picture(path: Path) -> _Picture | str:
    """The image at `path` with its natural size in points, or why it cannot be printed."""
    try:
        stat = path.stat()
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    # Keyed on the file's size and time too: `watch` rebuilds in one process as images change.
    return _load_picture_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _load_picture_version(path: Path, mtime: int, size: int) -> _Picture | str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    kind = image_kind(head)
    if kind == "svg":
        from svglib.svglib import svg2rlg

        try:
            drawing = svg2rlg(str(path))
        except Exception as exc:  # svglib raises lxml and parsing errors of many kinds
            return f"cannot read the SVG ({exc})"
        if drawing is None or not drawing.width or not drawing.height:
            return "cannot read the SVG"
        # Text in the SVG names its own fonts; the renderer's default is Helvetica, not embedded.
        drawing.initialFontName = SANS
        return _Picture(path, float(drawing.width), float(drawing.height), drawing)
    if not kind:
        return "it is not a PNG, JPEG, GIF or SVG image"
    from reportlab.lib.utils import ImageReader

    try:
        pixels_w, pixels_h = ImageReader(str(path)).getSize()
    except Exception as exc:  # PIL raises many kinds for damaged files
        return f"cannot read the image ({exc})"
    return _Picture(path, pixels_w * _PIXEL, pixels_h * _PIXEL)


def picture_items(ctx: FaceContext, image: Image, size: float, line: int) -> list[Item]:
    """An image scaled into the card, with its description underneath as a caption."""
    loaded = _load_picture(image.path)
    small = max(MIN_SIZE, size * 0.85)
    if isinstance(loaded, str):
        ctx.note(line, f"cannot print image {image.src!r}: {loaded}; its description is printed")
        text = escape(f"[image: {image.alt or image.src}]")
        style = paragraph_style(small, SANS_ITALIC, "center")
        return [(size * 0.3, CardParagraph(text, style))]
    # Images give up room along with the type when a card is crowded.
    share = _IMAGE_SHARE * min(1.0, size / ctx.base_size)
    items: list[Item] = [(size * 0.4, PictureFlowable(loaded, ctx.height * share))]
    if image.alt.strip():
        style = paragraph_style(small, SANS_ITALIC, "center")
        caption = CardParagraph(escape(image.alt), style)
        items.append((size * 0.2, caption))
    return items


# --------------------------------------------------------------------------- blocks


def _segments(inlines: Inlines) -> list[Inlines | Image | Math]:
    """Split a paragraph where an image or a display formula must stand on its own line."""
    parts: list[Inlines | Image | Math] = []
    run: list[Inline] = []
    for node in inlines:
        if isinstance(node, Image) or (isinstance(node, Math) and node.display):
            if run:
                parts.append(tuple(run))
                run = []
            parts.append(node)
        else:
            run.append(node)
    if run:
        parts.append(tuple(run))
    return parts


@functools.lru_cache(maxsize=512)
def _whole_text(
    inlines: Inlines, font: str, front: bool
) -> tuple[StyledText | None, tuple[str, ...]] | None:
    """For a paragraph that `TextParagraph` sets whole (no image or display formula on a line
    of its own, nothing only `Paragraph` sets): its styled text, None when it is blank, and its
    glyph warnings. None for any other paragraph."""
    if any(isinstance(n, Image) or (isinstance(n, Math) and n.display) for n in inlines):
        return None
    if _blank(inlines):
        return None, ()
    return _styled_text(inlines, font, front)


def _blank(inlines: Inlines) -> bool:
    return all(
        isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip())
        for node in inlines
    )


def inline_items(
    ctx: FaceContext,
    inlines: Inlines,
    size: float,
    style: Any,
    *,
    line: int,
    front: bool = False,
    bullet: str | None = None,
    gap: float = 0.0,
) -> list[Item]:
    """A paragraph's content: text as paragraphs, images and display formulas between them."""
    whole = _whole_text(inlines, style.fontName, front)
    if whole is not None:
        # The common case, worked out once for all the sizes that fitting tries.
        text, notes = whole
        if text is None:
            return []
        for message in notes:
            ctx.note(line, message)
        return [(gap, TextParagraph(text, style, bullet))]
    items: list[Item] = []
    for part in _segments(inlines):
        if isinstance(part, Image):
            items.extend(picture_items(ctx, part, size, line))
        elif isinstance(part, Math):
            items.extend(math_block_items(ctx, part.source, size, line))
        elif not _blank(part):
            first = not items
            label = bullet if first else None
            para = text_paragraph(ctx, part, style, front=front, line=line, bullet=label)
            if para is None:
                writer = InlineWriter(ctx, size, front=front, line=line)
                para = writer.paragraph(writer.markup(part), style, label)
            items.append((gap if first else size * 0.2, para))
    if items:
        items[0] = (gap, items[0][1])
    return items


def math_block_items(ctx: FaceContext, source: str, size: float, line: int) -> list[Item]:
    """A display formula centred on its own line, or its source in monospace if it cannot be
    typeset."""
    try:
        art = typeset(source, display=True)
    except MathFailure as failure:
        ctx.note(line, f"{failure}; it is printed as LaTeX source. Fix the formula")
        return [(size * 0.3, CodeFlowable(source, max(MIN_SIZE, size * 0.88)))]
    return [(size * 0.4, MathFlowable(art, size, ctx.height))]


@dataclass(frozen=True, slots=True)
class BlockOptions:
    """How a face's blocks are set."""

    bullets: bool = True
    """True to set top-level paragraphs as bullets: on a revision card, each is a fact."""
    front: bool = False
    """True on a front: cloze spans print as gaps."""


_BULLETS = ("\u2022", "\u25e6", "\u25aa")


def block_items(
    ctx: FaceContext,
    blocks: Blocks,
    size: float,
    options: BlockOptions = BlockOptions(),
    level: int = 0,
    left: float = 0.0,
) -> list[Item]:
    """Flowables for a face's blocks at one type size."""
    items: list[Item] = []
    gap = size * 0.35
    for block in blocks:
        items.extend(_block(ctx, block, size, options, level, left, gap))
    return items


@functools.lru_cache(maxsize=1024)
def _bullet_hang(size: float, labels: tuple[str, ...]) -> float:
    widest = max(string_width(label, SANS, size) for label in labels)
    # reportlab keeps 0.6 em after a bullet; a smaller hang would push the first line right.
    return widest + size * 0.6


def _block(
    ctx: FaceContext,
    block: Block,
    size: float,
    options: BlockOptions,
    level: int,
    left: float,
    gap: float,
) -> list[Item]:
    line = ctx.line
    if isinstance(block, ParagraphBlock):
        line = block.line or ctx.line
        if options.bullets and level == 0:
            bullet = _BULLETS[0]
            hang = _bullet_hang(size, (bullet,))
            style = paragraph_style(size, left=left, hang=hang)
            return inline_items(
                ctx,
                block.children,
                size,
                style,
                line=line,
                front=options.front,
                bullet=bullet,
                gap=gap,
            )
        style = paragraph_style(size, left=left)
        return inline_items(
            ctx, block.children, size, style, line=line, front=options.front, gap=gap
        )
    if isinstance(block, BulletList):
        return _list_items(ctx, block, size, options, level, left, gap)
    if isinstance(block, Heading):
        style = paragraph_style(max(MIN_SIZE, size * 1.05), SANS_BOLD, left=left)
        return inline_items(
            ctx, block.children, size, style, line=line, front=options.front, gap=size * 0.6
        )
    if isinstance(block, CodeBlock):
        return [(gap, _indent(CodeFlowable(block.code, max(MIN_SIZE, size * 0.88)), left))]
    if isinstance(block, MathBlock):
        return [(g, _indent(f, left)) for g, f in math_block_items(ctx, block.source, size, line)]
    if isinstance(block, TableBlock):
        table = table_flowable(ctx, block, size, ctx.width - left, options.front, line)
        return [(gap, _indent(table, left))]
    if isinstance(block, ThematicBreak):
        return [(gap * 0.5, _indent(RuleFlowable(size * 0.6), left))]
    raise TypeError(f"unexpected block {type(block).__name__}")


def _indent(flowable: Any, left: float) -> Any:
    return Indented(flowable, left) if left else flowable


def _list_items(
    ctx: FaceContext,
    block: BulletList,
    size: float,
    options: BlockOptions,
    level: int,
    left: float,
    gap: float,
) -> list[Item]:
    if block.ordered:
        labels = [f"{block.start + i}." for i in range(len(block.items))]
    else:
        labels = [_BULLETS[min(level, len(_BULLETS) - 1)]] * len(block.items)
    hang = _bullet_hang(size, tuple(labels))
    style = paragraph_style(size, left=left, hang=hang)
    items: list[Item] = []
    for label, item in zip(labels, block.items, strict=True):
        first = True
        for child in item.children:
            if first and isinstance(child, ParagraphBlock):
                items.extend(
                    inline_items(
                        ctx,
                        child.children,
                        size,
                        style,
                        line=child.line or ctx.line,
                        front=options.front,
                        bullet=label,
                        gap=gap if level == 0 else gap * 0.5,
                    )
                )
            else:
                nested = BlockOptions(bullets=False, front=options.front)
                items.extend(_block(ctx, child, size, nested, level + 1, left + hang, gap * 0.5))
            first = False
    return items


# --------------------------------------------------------------------------- tables


def _column_widths(
    natural: list[float], minimum: list[float], avail: float, least: float
) -> list[float]:
    """Column widths that fill `avail`, in the spirit of HTML's automatic table layout.

    Every column gets at least its longest word if the table can afford it, so words are not
    split; the room left goes first to the columns that need little more to fit their content
    on one line (names, units, numbers), then to the wide columns in proportion to their need.
    No column is narrower than `least`, its paddings and a character, unless the card cannot
    give every column that much.
    """
    total = sum(natural)
    if total <= avail:
        return [w * avail / total for w in natural]
    floor = [min(m, n) for m, n in zip(minimum, natural, strict=True)]
    if sum(floor) >= avail:
        # Long words are split; the columns share what is left above the least width by how
        # far their longest words go past it. Shrinking whole widths instead squeezed a column
        # of short words below its own paddings, which reportlab refuses.
        spare = avail - least * len(floor)
        extra = [w - least for w in floor]
        if spare <= 0 or sum(extra) <= 0:
            return [avail / len(floor)] * len(floor)
        return [least + e * spare / sum(extra) for e in extra]
    widths = list(floor)
    need = {c: natural[c] - floor[c] for c in range(len(natural)) if natural[c] > floor[c]}
    remaining = avail - sum(floor)
    while need:
        fair = remaining / len(need)
        settled = [c for c, n in need.items() if n <= fair]
        if not settled:
            total_need = sum(need.values())
            for c, n in need.items():
                widths[c] += remaining * n / total_need
            break
        for c in settled:
            widths[c] += need.pop(c)
            remaining -= widths[c] - floor[c]
    return widths


def cell_extent(inlines: Inlines, font: str, size: float) -> tuple[float, float]:
    """A cell's width on one line and its widest unbreakable word, in points."""
    lines: list[float] = [0.0]
    longest = 0.0

    def walk(nodes: Inlines, face: str) -> None:
        nonlocal longest
        for node in nodes:
            if isinstance(node, Text | Code):
                name = MONO if isinstance(node, Code) else face
                parts = node.text.split("\n")
                for i, part in enumerate(parts):
                    if i:
                        lines.append(0.0)
                    lines[-1] += string_width(part, name, size)
                    for word in part.split():
                        longest = max(longest, string_width(word, name, size))
            elif isinstance(node, Math):
                try:
                    art = typeset(node.source, display=False)
                    width = art.width * art.scale_for(size)
                except MathFailure:
                    width = string_width(node.source, MONO, size)
                lines[-1] += width
                longest = max(longest, width)
            elif isinstance(node, Strong):
                walk(node.children, SANS_BOLD)
            elif isinstance(node, Emphasis | Cloze | Link):
                walk(node.children, face)
            elif isinstance(node, LineBreak):
                lines.append(0.0)
            elif isinstance(node, Image):
                width = string_width(f"[{node.alt or node.src}]", face, size)
                lines[-1] += width
                longest = max(longest, width)

    walk(inlines, font)
    return max(lines), longest


def cell_paragraph(
    ctx: FaceContext, inlines: Inlines, size: float, style: Any, *, front: bool, line: int
) -> Any:
    """A table cell's content as one paragraph: formulas inside its lines, images by their
    description."""
    writer = InlineWriter(ctx, size, front=front, line=line)
    return writer.paragraph(writer.markup(inlines), style)


def table_flowable(
    ctx: FaceContext, block: TableBlock, size: float, avail: float, front: bool, line: int
) -> Any:
    """A table whose columns share the card's width; long cells wrap and rows split across
    cards."""
    cell_size = max(MIN_SIZE, size * 0.92)
    pad = cell_size * 0.3
    columns = (
        max(len(block.header), *(len(row) for row in block.rows))
        if block.rows
        else len(block.header)
    )
    rows = [block.header, *block.rows]
    aligns = [
        (block.align[i] if i < len(block.align) else Align.NONE).value or "left"
        for i in range(columns)
    ]
    natural = [2 * pad + cell_size] * columns
    minimum = [2 * pad + cell_size] * columns
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        font = SANS_BOLD if r == 0 else SANS
        cells: list[Any] = []
        for c in range(columns):
            inlines = row[c] if c < len(row) else ()
            width, word = cell_extent(inlines, font, cell_size)
            # A point to spare: reportlab wraps a line that is exactly as wide as its cell.
            minimum[c] = max(minimum[c], word + 2 * pad + 1)
            if r or not block.rows:
                # A header may wrap between its words sooner than the body does.
                natural[c] = max(natural[c], width + 2 * pad + 1)
            style = paragraph_style(cell_size, font, aligns[c])
            cells.append(cell_paragraph(ctx, inlines, cell_size, style, front=front, line=line))
        data.append(cells)
    natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    widths = _column_widths(natural, minimum, avail, 2 * pad + cell_size)
    table = Table(
        data,
        colWidths=widths,
        repeatRows=1 if block.rows else 0,
        splitByRow=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), CODE_BACKGROUND),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # Cells are paragraphs; this only stops the table naming Helvetica.
                ("FONT", (0, 0), (-1, -1), SANS, cell_size),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return table
