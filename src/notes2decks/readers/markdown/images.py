"""The image files of one notes file: each looked for once, through `ImageFinder`; a picture that
cannot be used is a warning at its line, never the end of the file."""

from __future__ import annotations

from pathlib import Path

from .. import ReadContext
from ..image_files import ImageFinder, ImageProblem


class ImageFiles:
    """Finds the image files one notes file names, warning about those it cannot use."""

    def __init__(self, context: ReadContext) -> None:
        self.context = context
        self._finder = ImageFinder(context.path, context.root)
        self._found: dict[str, Path | str] = {}

    def resolve(self, src: str, line: int) -> Path | None:
        """The checked absolute path of the picture `src`, or None, with a warning at `line`
        saying why, when there is none to use. Each name is looked for once, and a picture
        named in several places is warned about at each."""
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
            return None
        return found
