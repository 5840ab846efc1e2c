"""The image files of one notes file: each resolved once, and Obsidian's embeds found by name."""

from __future__ import annotations

import os
from pathlib import Path

from .. import ReadContext


class ImageFiles:
    """Resolves the image files one notes file names, through its context."""

    def __init__(self, context: ReadContext) -> None:
        self.context = context
        self._resolved: dict[str, Path] = {}
        self._vault: dict[str, list[Path]] | None = None

    def resolve(self, src: str, line: int) -> Path:
        """The checked absolute path of `src` (see `ReadContext.resolve_image`), once per name."""
        path = self._resolved.get(src)
        if path is None:
            path = self.context.resolve_image(src, line)
            self._resolved[src] = path
        return path

    def find_in_vault(self, name: str, line: int) -> str:
        """The path, relative to the notes file, of a file named like `name`: beside the notes,
        from the notes folder, or anywhere under it (the shortest path wins, as in Obsidian)."""
        here = self.context.path.parent
        root = self.context.root
        for candidate in (here / name, root / name):
            if candidate.is_file():
                return os.path.relpath(candidate, here)
        if self._vault is None:
            found: dict[str, list[Path]] = {}
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in files:
                    found.setdefault(file.casefold(), []).append(Path(folder) / file)
            self._vault = found
        matches = self._vault.get(Path(name).name.casefold(), [])
        if not matches:
            raise self.context.error(
                line,
                f"image {name[:80]!r} not found beside the notes or anywhere in the notes folder "
                f"{root}; copy it there (Obsidian keeps pictures in the vault's attachment folder)",
            )
        best = min(matches, key=lambda path: (len(path.parts), path.as_posix()))
        return os.path.relpath(best, here)
