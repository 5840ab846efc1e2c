"""Image files that notes name: found beside the notes, kept inside the notes folder, checked to
be pictures."""

from __future__ import annotations

import re
from pathlib import Path

from ..images import HEAD_BYTES, image_kind

_WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class ImageProblem(Exception):
    """Why an image the notes name cannot be used; the reader adds the line."""


def locate_image(src: str, notes: Path, root: Path) -> Path:
    """The absolute path of the image `src` named in the notes file `notes`, checked to exist,
    stay inside the notes folder `root` and be a PNG, JPEG, GIF or SVG image."""
    name = repr(src if len(src) <= 80 else src[:77] + "...")
    if _WEB_ADDRESS.match(src):
        raise ImageProblem(f"image {name} is a web address; download it next to the notes")
    try:
        candidate = (notes.parent / src).resolve()
        if not candidate.is_relative_to(root.resolve()):
            raise ImageProblem(f"image {name} is outside the notes folder {root}; copy it inside")
        if not candidate.is_file():
            raise ImageProblem(f"image {name} not found (looked for {candidate})")
        with open(candidate, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except (OSError, ValueError) as exc:
        # A name too long for the file system, a NUL byte, a loop of links: not an image.
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ImageProblem(f"image {name} cannot be read: {reason}") from None
    if not image_kind(head):
        raise ImageProblem(f"{name} is not a PNG, JPEG, GIF or SVG image")
    return candidate
