"""What a build gave: one `FileResult` per notes file, and the `BuildReport` of the whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Diagnostic
from ..model import GlossaryEntry
from .files import NotesFile


@dataclass(slots=True)
class FileResult:
    """What building one notes file gave."""

    file: NotesFile
    """The notes file."""
    outputs: list[Path] = field(default_factory=list)
    """The outputs of the file, written or already there."""
    written: list[Path] = field(default_factory=list)
    """The outputs this build wrote: those whose bytes changed."""
    cards: int = 0
    """How many cards the deck holds."""
    glossary: tuple[GlossaryEntry, ...] = ()
    """The deck's glossary, for the combined glossary of the build."""
    deck_path: str = ""
    """The deck's Anki path."""
    identities: tuple[str, ...] = ()
    """The identities of the deck's Anki notes (cards and glossary notes), sorted."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """The warnings, in the order they were found."""
    error: Diagnostic | None = None
    """Why the file failed, or None."""
    cached: bool = False
    """True when nothing had changed and the outputs were kept."""
    inputs: list[Path] = field(default_factory=list)
    """Files besides the notes that the outputs depend on (images)."""
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The `cache.fingerprint_of` the bytes the build read of the notes and each input, by path."""


@dataclass(slots=True)
class BuildReport:
    """What a whole build gave."""

    results: list[FileResult] = field(default_factory=list)
    """One result per notes file, in a stable order."""
    outputs: list[Path] = field(default_factory=list)
    """Outputs of the build as a whole, such as the combined glossary, that this build wrote."""
    seconds: float = 0.0
    """Wall-clock time of the build."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Errors of the build as a whole (not of one file)."""

    @property
    def failed(self) -> list[FileResult]:
        """The files that failed."""
        return [r for r in self.results if r.error is not None]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Every warning, file by file (without the notes among them: they are no problem)."""
        return [w for r in self.results for w in r.warnings if w.severity != "note"]

    @property
    def ok(self) -> bool:
        """True when every file built."""
        return not self.failed and not self.errors

    def summary(self) -> str:
        """One line for people: files, cards, outputs, time, warnings."""
        files = len(self.results)
        built = sum(1 for r in self.results if r.error is None and not r.cached)
        cached = sum(1 for r in self.results if r.cached)
        cards = sum(r.cards for r in self.results)
        outputs = sum(len(r.written) for r in self.results) + len(self.outputs)
        parts = [f"{files} file{'s' if files != 1 else ''}", f"{cards} cards"]
        if cached:
            parts.append(f"{built} built, {cached} unchanged")
        parts.append(f"{outputs} output{'s' if outputs != 1 else ''} written")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        warnings = len(self.warnings)
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        return ", ".join(parts) + f" in {self.seconds:.2f} s"
