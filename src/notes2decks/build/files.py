"""Which notes files a build reads, and where each one's outputs go."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotesError
from ..registry import EXPORTERS, notes_suffixes


@dataclass(frozen=True, slots=True)
class NotesFile:
    """One notes file to build, and where its outputs go."""

    path: Path
    """The notes file."""
    root: Path
    """The notes root: the folder it was found in, or for a file named on its own the current
    folder (see `notes_root`). Pictures are looked for in it and never outside it."""
    display: str
    """The file's name for messages."""
    stem: Path
    """The outputs' path without suffix, relative to the output folder (mirrors the folders);
    its folders also name the deck."""


def find_notes(paths: Sequence[Path]) -> list[NotesFile]:
    """The notes files named by `paths` (files, or folders walked recursively), sorted. Hidden
    files and folders are skipped, symbolic links to folders are not followed (so a link loop
    cannot trap the walk), and a path that does not exist is an error."""
    suffixes = notes_suffixes()
    found: dict[Path, NotesFile] = {}
    for given in paths:
        given = Path(given)
        if not given.exists():
            raise NotesError("no such file or folder", str(given))
        if given.is_file():
            file = NotesFile(given, notes_root(given), str(given), Path(given.stem))
            found.setdefault(_resolved(given), file)  # the first of the paths to a file wins
            continue
        for folder, dirs, files in os.walk(given, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            # Resolved once per folder: resolving each file walks every folder of its path.
            real_folder = _resolved(Path(folder))
            for name in sorted(files):
                path = Path(folder) / name
                if name.startswith(".") or path.suffix.lower() not in suffixes:
                    continue
                stem = path.relative_to(given).with_suffix("")
                real = _resolved(path) if os.path.islink(path) else real_folder / name
                found.setdefault(real, NotesFile(path, given, str(path), stem))
    return sorted(found.values(), key=lambda f: (f.stem.as_posix(), f.display))


def notes_root(file: Path) -> Path:
    """The notes root of a notes file named on its own: the current folder when the file is in
    it (for a picture written `/Figures/x.png` from a repository's root), else its own folder."""
    here = Path.cwd()
    return here if _resolved(file).is_relative_to(here.resolve()) else file.parent


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        # A symbolic link loop (RuntimeError before Python 3.13): reading it reports the error.
        return path.absolute()


def output_paths(file: NotesFile, out: Path, formats: Sequence[str]) -> dict[str, Path]:
    """Where each format's output of `file` goes."""
    return {fmt: out / (file.stem.as_posix() + EXPORTERS[fmt].suffix) for fmt in formats}
