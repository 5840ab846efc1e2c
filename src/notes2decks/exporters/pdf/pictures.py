"""Images from the notes on a card: PNG, JPEG and GIF through reportlab, SVG through svglib,
scaled into the card with their description as a caption."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...images import HEAD_BYTES, image_kind
from ...model import Image
from .flowables import FittedBox
from .fonts import SANS, SANS_ITALIC
from .text import MIN_SIZE, FaceContext, Item, paragraph_style, plain_paragraph

_IMAGE_SHARE = 0.5
"""The most of a card's height one image may take, so that text can share the card."""
_PIXEL = 0.75
"""Points per image pixel, taking images to be 96 dpi."""


@dataclass(frozen=True, slots=True)
class Picture:
    path: Path
    width: float
    height: float
    drawing: Any = None
    """For SVG images, the reportlab Drawing; raster images are drawn from `path`."""


def _load_picture(path: Path) -> Picture | str:
    """The image at `path` with its natural size in points, or why it cannot be printed."""
    try:
        stat = path.stat()
    except OSError as exc:
        return f"cannot read it ({exc.strerror})"
    # Keyed on the file's size and time too: `watch` rebuilds in one process as images change.
    return _load_picture_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=512)
def _load_picture_version(path: Path, mtime: int, size: int) -> Picture | str:
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
        return Picture(path, float(drawing.width), float(drawing.height), drawing)
    if not kind:
        return "it is not a PNG, JPEG, GIF or SVG image"
    from reportlab.lib.utils import ImageReader

    try:
        pixels_w, pixels_h = ImageReader(str(path)).getSize()
    except Exception as exc:  # PIL raises many kinds for damaged files
        return f"cannot read the image ({exc})"
    return Picture(path, pixels_w * _PIXEL, pixels_h * _PIXEL)


class PictureFlowable(FittedBox):
    """An image from the notes, scaled into the card."""

    def __init__(self, picture: Picture, max_height: float) -> None:
        super().__init__(picture.drawing, (picture.width, picture.height), 1.0, max_height)
        self.path = picture.path

    def draw_scaled(self, x: float, width: float, height: float) -> None:
        if self.drawing is not None:
            return super().draw_scaled(x, width, height)
        from reportlab.lib.utils import ImageReader

        # reportlab names an image given as a file name after that name, and one given as a
        # reader after its pixels: the notes' folder must not change the PDF's bytes.
        image = ImageReader(str(self.path))
        self.canv.drawImage(image, x, 0, width, height, mask="auto")


def picture_items(ctx: FaceContext, image: Image, size: float, line: int) -> list[Item]:
    """An image scaled into the card, with its description underneath as a caption."""
    loaded = _load_picture(image.path)
    small = paragraph_style(max(MIN_SIZE, size * 0.85), SANS_ITALIC, "center")
    if isinstance(loaded, str):
        ctx.note(line, f"cannot print image {image.src!r}: {loaded}; its description is printed")
        return [(size * 0.3, plain_paragraph(f"[image: {image.alt or image.src}]", small))]
    # Images give up room along with the type when a card is crowded.
    share = _IMAGE_SHARE * min(1.0, size / ctx.base_size)
    items: list[Item] = [(size * 0.4, PictureFlowable(loaded, ctx.height * share))]
    if image.alt.strip():
        items.append((size * 0.2, plain_paragraph(image.alt, small)))
    return items
