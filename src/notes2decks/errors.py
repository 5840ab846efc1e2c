"""The project's error type and its warnings, both tied to a place in a notes file."""

from __future__ import annotations

from dataclasses import dataclass


class NotesError(Exception):
    """Something in the notes (or the build) that stops one file from building; only the CLI
    turns it into a message and an exit code."""

    def __init__(self, message: str, file: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col

    def __str__(self) -> str:
        return f"{location(self.file, self.line, self.col)}{self.message}"

    def diagnostic(self, file: str, severity: str = "error") -> Diagnostic:
        """The error as a diagnostic, placed in `file` unless it names a file of its own."""
        return Diagnostic(self.file or file, self.line, self.message, severity, self.col)


class NoCardsError(NotesError):
    """The notes hold no cards yet (a title, or a stub of headings): the build warns and skips
    the file, leaving its earlier outputs alone, as a stub note is work in progress."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning (or an error, in `check`) about a place in the notes."""

    file: str
    """The notes file as the user named it."""
    line: int
    """The 1-based line, or 0 for the whole file."""
    message: str
    """What is wrong, and how to fix it."""
    severity: str = "warning"
    """`warning`, `error`, or `note`: information that is no problem and never fails `--strict`."""
    col: int = 0
    """The 1-based column, or 0 when unknown."""

    def __str__(self) -> str:
        return f"{location(self.file, self.line, self.col)}{self.severity}: {self.message}"


def location(file: str, line: int = 0, col: int = 0) -> str:
    """`file:line:col: ` in the compiler style that editors jump to, leaving out what is unknown."""
    if not file:
        return ""
    return ":".join(str(part) for part in (file, line, line and col) if part) + ": "
