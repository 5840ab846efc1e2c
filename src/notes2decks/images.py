"""What kind of image a file holds, from its first bytes: PNG, JPEG, GIF (the bitmaps Anki
shows everywhere and reportlab prints) and SVG; anything else named as an image is refused."""

from __future__ import annotations

_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF87a": "gif", b"GIF89a": "gif"}

SUFFIXES = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "svg": ".svg"}
"""The file suffix each kind is saved with."""

HEAD_BYTES = 512
"""How many first bytes `image_kind` needs to see."""


def image_kind(head: bytes) -> str:
    """`png`, `jpeg`, `gif` or `svg` from a file's first bytes, or empty when it is none of them."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in head):
        return "svg"
    return ""
