"""Reading a notes file as the build does, but carrying on past a bad image to report them all."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, NotesError
from ..model import Deck
from ..readers import ReadContext, read_notes_text
from .places import locate


@dataclass(frozen=True, slots=True)
class _LenientContext(ReadContext):
    """A read context that records a bad image as an error and reads on, to list them all."""

    media_errors: list[Diagnostic] = field(default_factory=list)
    """The bad images found, as errors."""
    text: str = ""
    """The file's text, to place each image at its column."""

    def resolve_image(self, src: str, line: int) -> Path:
        try:
            return ReadContext.resolve_image(self, src, line)
        except NotesError as exc:
            at_line, col = locate(self.text, src, line, lines_ahead=1)
            error = exc.diagnostic(self.file)
            self.media_errors.append(dataclasses.replace(error, line=at_line, col=col))
            return (self.path.parent / src).resolve()


def read_leniently(
    path: Path,
    *,
    root: Path | None = None,
    file: str | None = None,
    warn: Callable[[Diagnostic], None],
    folders: tuple[str, ...] | None = None,
) -> tuple[Deck, str]:
    """Read a notes file as the build does, but report every bad image through `warn` as an
    error and carry on. Returns the deck and the file's decoded text."""
    contexts: list[_LenientContext] = []

    def make_context(
        file: str,
        path: Path,
        root: Path,
        folders: tuple[str, ...],
        warn: Callable[[Diagnostic], None],
        text: str,
    ) -> ReadContext:
        contexts.append(_LenientContext(file, path, root, folders, warn, text=text))
        return contexts[-1]

    try:
        return read_notes_text(
            path, root=root, file=file, warn=warn, make_context=make_context, folders=folders
        )
    finally:
        # Bad images found before a later error that stops the reader are still reported.
        for context in contexts:
            for error in context.media_errors:
                warn(error)
