"""Card text as reportlab paragraphs at one type size: the model's inlines written as escaped
Paragraph markup in the bundled fonts, and the paragraph styles that every face uses."""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

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
from .fonts import MONO, SANS, register_fonts
from .glyphs import MissingGlyphs, face_of, mono_fallback
from .math import MathArt, MathFailure, typeset

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
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters, which never reach the page."""
_ON_DRAW_MATH = "n2d-math"

Item = tuple[float, Any]
"""A flowable with the space to leave above it when something precedes it on the card."""


@dataclass
class FaceContext:
    """What building one card face needs besides its content, and where its warnings go."""

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
    glyphs: MissingGlyphs = field(default_factory=MissingGlyphs)
    """Characters the fonts lack: the PDF gives one warning for all of them."""

    def note(self, line: int, message: str) -> None:
        self.notes.setdefault((line or self.line, message), None)


SOUND = re.compile(r"\[sound:[^\]\n]*\]")
"""Anki's audio references, kept in flashcard fields for the deck; paper cannot play them."""


def without_sounds(text: str) -> str:
    """Text as printed: Anki's `[sound:...]` references left out."""
    return SOUND.sub("", text) if "[sound:" in text else text


def escape(text: str) -> str:
    """Text made safe for reportlab's paragraph markup, which is XML-like."""
    return html.escape(CONTROL.sub("", text.replace("\t", "    ")), quote=False)


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


class CardParagraph(Paragraph):  # type: ignore[misc]
    """reportlab's paragraph, mended to split after a line that ends in a break (reportlab
    starts the next line at the break, and a part of a split made of that blank line alone
    fails with an IndexError), to give a tall first line its room above the baseline, and to
    keep its lines between wraps to the same width."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # reportlab's wrap depends on the width only; a split that finds no room drops the lines.
        wrapped = self._wrapped
        if wrapped is None or wrapped[0] != avail_width or not hasattr(self, "blPara"):
            wrapped = self._wrapped = (avail_width, super().wrap(avail_width, avail_height))
        return wrapped[1]

    def breakLines(self, width: Any) -> Any:
        para = super().breakLines(width)
        words = self.frags
        for line in para.lines[1:]:
            start = getattr(line, "sFW", None)
            if start is not None and start < len(words) and _is_break(words[start]):
                line.sFW = start + 1
        return para

    def draw(self) -> None:
        # reportlab sets the first baseline one font size below the top however tall the line
        # is (autoLeading reserved its full ascent): a tall formula would overprint above.
        para = self.blPara
        if para.kind == 1 and para.lines:
            rise = para.lines[0].ascent - self.style.fontSize
            if rise > 0:
                self.canv.translate(0, -rise)
        super().draw()


def _is_break(word: Any) -> bool:
    """True for a laid-out word (`[width, (fragment, text), ...]`) that is a line break: a
    `<br/>`, whose fragment says so, or the empty, zero-width word that reportlab puts after
    the first piece of a split long word."""
    if not isinstance(word, list) or len(word) < 2:
        return False
    return hasattr(word[1][0], "lineBreak") or (
        word[0] == 0 and all(text == "" for _, text in word[1:])
    )


@dataclass(frozen=True, slots=True)
class InlineMath:
    """A formula inside a paragraph, where an image would go; `CardCanvas` draws it as vectors."""

    art: MathArt
    """The typeset formula."""
    width: float
    """The width in points at the paragraph's size, shrunk to the face's width if need be."""
    height: float
    """The height in points, depth included."""
    depth: float
    """How far it reaches below the baseline, in points."""
    highlight: str | None
    """The background of a formula in a highlighted cloze answer (reportlab paints only text's)."""


class _InlineWriter:
    """Turns inline content into paragraph markup at one type size."""

    def __init__(self, ctx: FaceContext, size: float, *, front: bool, line: int) -> None:
        self.ctx = ctx
        self.size = size
        self.front = front
        """True on a front, where cloze spans are gaps; on a back they are highlighted."""
        self.line = line
        self.maths: list[InlineMath] = []

    def markup(self, inlines: Inlines, face: str, highlight: str | None = None) -> str:
        """The markup of `inlines` set in `face`, inside a cloze answer when `highlight`."""
        return "".join(self._one(node, face, highlight) for node in inlines)

    def _text(self, text: str, face: str) -> str:
        self.ctx.glyphs.check(self.line, text, face)
        return escape(text)

    def _one(self, node: Inline, face: str, highlight: str | None) -> str:
        if isinstance(node, Text):
            return self._text(without_sounds(node.text), face)
        if isinstance(node, Emphasis | Strong):
            tag = "i" if isinstance(node, Emphasis) else "b"
            inner = face_of(face, bold=tag == "b", italic=tag == "i")
            return f"<{tag}>{self.markup(node.children, inner, highlight)}</{tag}>"
        if isinstance(node, Code):
            return self.code(node.text)
        if isinstance(node, Math):
            return self.math(node.source, highlight)
        if isinstance(node, Cloze):
            if self.front:
                gap = f"[{node.hint}]" if node.hint else "[\u2026]"
                return f'<font backColor="{BLANK}">\u00a0{self._text(gap, face)}\u00a0</font>'
            answer = self.markup(node.children, face, HIGHLIGHT)
            return f'<font backColor="{HIGHLIGHT}">{answer}</font>'
        if isinstance(node, Link):
            text = self.markup(node.children, face, highlight)
            shown = inline_text(node.children).strip()
            href = node.href.removeprefix("mailto:")
            if not shown:
                return self._text(href, face)
            if shown == href or shown == node.href:
                return text
            small = max(MIN_SIZE, self.size * 0.85)
            url = self._text(href, face)
            return f'{text} <font size="{small:.2f}" color="#555555">({url})</font>'
        if isinstance(node, Image):
            # Images inside emphasis or links are rare; their description keeps the sentence.
            return self._text(f"[{node.alt or node.src}]", face)
        if isinstance(node, LineBreak):
            return "<br/>"
        raise TypeError(f"unexpected inline {type(node).__name__}")

    def code(self, text: str) -> str:
        # Non-breaking spaces keep runs of spaces; a long span is split like a long word.
        self.ctx.glyphs.check(self.line, text, MONO)
        body = ""
        for run, borrowed in mono_fallback(text):
            run = escape(run).replace(" ", "\u00a0")
            body += f'<font face="{SANS}">{run}</font>' if borrowed else run
        return f'<font face="{MONO}" backColor="{_CODE_BACK}">{body}</font>'

    def math(self, source: str, highlight: str | None) -> str:
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
        self.maths.append(InlineMath(art, width, height, depth, highlight))
        return f'<onDraw name="{_ON_DRAW_MATH}" label="{len(self.maths) - 1}"/>'


def inline_paragraph(
    ctx: FaceContext,
    inlines: Inlines,
    size: float,
    style: Any,
    *,
    front: bool,
    line: int,
    bullet: str | None = None,
) -> Any:
    """Inline content as one paragraph in `style`, formulas inside its lines, images by their
    description, formulas and links sized to text of `size`; `front` sets cloze spans as gaps."""
    writer = _InlineWriter(ctx, size, front=front, line=line)
    markup = writer.markup(inlines, style.fontName)
    para = CardParagraph(markup, style, bulletText=escape(bullet) if bullet else None)
    # reportlab lays inline images out as words of a given width and height; the image object
    # itself is only handed to the canvas.
    for frag in para.frags:
        defn = getattr(frag, "cbDefn", None)
        if defn is not None and getattr(defn, "name", None) == _ON_DRAW_MATH:
            defn.kind = "img"
            defn.image = writer.maths[int(defn.label)]
            defn.width = defn.image.width
            defn.height = defn.image.height
            defn.valign = -defn.image.depth  # the formula's baseline on the text's baseline
    return para


def plain_paragraph(text: str, style: Any) -> Any:
    """A paragraph of plain text in one style."""
    return CardParagraph(escape(text), style)
