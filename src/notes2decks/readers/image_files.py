"""Image files that notes name, found as their editors write them (see docs/FORMAT.md, Images),
always kept inside the notes folder and checked to be pictures."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from ..images import HEAD_BYTES, image_kind

WEB_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class ImageProblem(Exception):
    """Why an image the notes name cannot be used; the reader adds the line."""


class _Missing(ImageProblem):
    """No file at the path: worth looking elsewhere."""


def _name(src: str) -> str:
    return repr(src if len(src) <= 80 else src[:77] + "...")


def _checked(src: str, path: Path, root: Path) -> Path:
    """`path` resolved, checked to stay inside `root`, exist and be an image."""
    name = _name(src)
    try:
        candidate = path.resolve()
        if not candidate.is_relative_to(root.resolve()):
            raise ImageProblem(f"image {name} is outside the notes folder {root}; copy it inside")
        if not candidate.is_file():
            raise _Missing(f"image {name} not found (looked for {candidate})")
        with open(candidate, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except (OSError, ValueError) as exc:
        # A name too long for the file system, a NUL byte, a loop of links: not an image.
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ImageProblem(f"image {name} cannot be read: {reason}") from None
    if not image_kind(head):
        raise ImageProblem(f"{name} is not a PNG, JPEG, GIF or SVG image")
    return candidate


class ImageFinder:
    """Finds the picture files that one notes file names (see the module's docstring)."""

    def __init__(self, notes: Path, root: Path) -> None:
        self.here = notes.parent
        self.root = root
        self._by_name: dict[str, list[Path]] | None = None

    def find(self, src: str) -> Path:
        """The checked absolute path of the picture `src`. Raises ImageProblem when there is
        none, or when the one named is outside the notes folder or not a picture."""
        if WEB_ADDRESS.match(src):
            raise ImageProblem(
                f"image {_name(src)} is a web address; download it next to the notes"
            )
        missing: ImageProblem | None = None
        # As written, unescaped, without stray spaces or a trailing `/`; a path that starts with
        # `/` is read from the notes folder.
        for written in dict.fromkeys((src, unquote(src), _clean(src), _clean(unquote(src)))):
            if not written.strip("/ "):
                continue
            folder = self.root if written.startswith("/") else self.here
            try:
                return _checked(src, folder / written.lstrip("/"), self.root)
            except _Missing as exc:
                missing = missing or exc
        named = self.named(src)
        if named is not None:
            return _checked(src, named, self.root)
        raise missing or _Missing(f"image {_name(src)} not found")

    def named(self, src: str) -> Path | None:
        """The file named like the last part of `src` nearest the notes: beside them, in the
        notes folder, or else the one with the shortest path under it, as Obsidian picks."""
        name = _clean(unquote(src)).rsplit("/", 1)[-1]
        if not name or name in (".", ".."):
            return None
        for candidate in (self.here / name, self.root / name):
            if candidate.is_file():
                return candidate
        if self._by_name is None:
            found: dict[str, list[Path]] = {}
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in files:
                    found.setdefault(file.casefold(), []).append(Path(folder) / file)
            self._by_name = found
        matches = self._by_name.get(name.casefold(), [])
        return min(matches, key=lambda path: (len(path.parts), path.as_posix()), default=None)


def _clean(src: str) -> str:
    """A path without spaces around its parts and without a trailing `/`."""
    parts = [part.strip() for part in src.strip().rstrip("/").split("/")]
    return ("/" if src.strip().startswith("/") else "") + "/".join(p for p in parts if p)
