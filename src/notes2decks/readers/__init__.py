"""Readers turn one notes file into a `Deck`: `read_notes` decodes the file, picks the reader
from the registry and runs it. They know nothing of the exporters."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Diagnostic, NoCardsError, NotesError
from ..identity import card_identity, disambiguate
from ..model import Card, CardKind, Deck
from ..registry import load, reader_for

# Revision notes are a few kilobytes; anything this large is almost surely not notes (a pasted
# export, a log, a data dump) and would make a PDF of thousands of pages. Refuse it clearly.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_LINE_CHARS = 100_000
_CP1252 = "the file is not UTF-8; read it as Windows-1252. Save it as UTF-8 to be sure"


def _silent(_: Diagnostic) -> None:
    pass


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader knows about the file it reads, besides its text."""

    file: str
    """The file's name for messages, as the user named it (`notes/x.md`)."""
    path: Path
    """The file's absolute path."""
    root: Path
    """The notes folder: images must stay inside it."""
    folders: tuple[str, ...] = ()
    """The folders between the notes folder and the file, outermost first."""
    warn: Callable[[Diagnostic], None] = _silent
    """Where the reader reports warnings."""
    said: set[str] = field(default_factory=set, compare=False)
    """The kinds of warning `warning_once` has reported for this file."""

    def warning(self, line: int, message: str, col: int = 0) -> None:
        """Report a warning at a line of this file."""
        self.warn(Diagnostic(self.file, line, message, "warning", col))

    def warning_once(self, kind: str, line: int, message: str) -> None:
        """Report a warning of `kind` at its first place in this file only."""
        if kind not in self.said:
            self.said.add(kind)
            self.warning(line, message)

    def error(self, line: int, message: str, col: int = 0) -> NotesError:
        """An error at a line of this file, for the reader to raise."""
        return NotesError(message, self.file, line, col)

    def default_deck_path(self, title: str) -> str:
        """The deck path when the notes name none: the folders, then the title."""
        parts = [humanise(folder) for folder in self.folders]
        parts.append(clean_deck_part(title) or humanise(self.path.stem))
        return "::".join(part for part in parts if part)


def humanise(name: str) -> str:
    """A folder or file name as a deck name: `stationary-waves` gives `Stationary waves`."""
    words = re.sub(r"[_\-\s]+", " ", name).strip()
    return clean_deck_part(words[:1].upper() + words[1:])


def clean_deck_part(name: str) -> str:
    """A deck path part without the characters that break Anki deck paths."""
    name = name.replace("::", ":").replace('"', "'")
    return re.sub(r"\s+", " ", name).strip()


def decode(data: bytes, file: str, warn: Callable[[Diagnostic], None]) -> str:
    """Notes text from a file's bytes, any newline convention: UTF-8 with or without a BOM,
    UTF-16 with a BOM (Notepad's "Unicode"), else Windows-1252 (notes saved from Word) with a
    warning; binary files are refused."""
    if len(data) > MAX_FILE_BYTES:
        raise NotesError(_too_large(len(data)), file)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise NotesError(
                "the file starts like UTF-16 text but is not; save it as UTF-8 and build again",
                file,
            ) from None
        if "\x00" in text[:8192]:
            raise NotesError("this is a binary file, not text notes", file)
    elif b"\x00" in data[:8192]:
        raise NotesError("this is a binary file, not text notes", file)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad_line = data[: exc.start].count(b"\n") + 1
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise NotesError(
                    "the file is not UTF-8 text; save it as UTF-8 and build again", file, bad_line
                ) from None
            warn(Diagnostic(file, bad_line, _CP1252))
    if not text.strip():
        raise NoCardsError("the file is empty; write a title and some cards", file)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_LINE_CHARS:
        for number, line in enumerate(text.split("\n"), start=1):
            if len(line) > MAX_LINE_CHARS:
                raise NotesError(
                    f"this line is {len(line):,} characters long; lines over "
                    f"{MAX_LINE_CHARS:,} characters are refused: break it into paragraphs",
                    file,
                    number,
                )
    return text


def _too_large(size: int) -> str:
    return (
        f"the file is {size / 1024 / 1024:.1f} MB; notes files over "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB are refused: split it into topics"
    )


def read_notes_bytes(path: Path, file: str) -> tuple[bytes, os.stat_result]:
    """The bytes of a notes file and its status as it was opened. Pipes, devices, sockets and
    files over the size limit are refused with a NotesError before any byte is read."""
    try:
        if Path(path).is_dir():
            raise NotesError("this is a folder, not a notes file", file)
        # Non-blocking, so that opening a named pipe returns at once instead of waiting.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise NotesError(
                    "this is not an ordinary file (a pipe, a device or a socket); "
                    "notes must be text files",
                    file,
                )
            if info.st_size > MAX_FILE_BYTES:
                raise NotesError(_too_large(info.st_size), file)
            return handle.read(MAX_FILE_BYTES + 1), info
    except FileNotFoundError:
        if Path(path).is_symlink():
            raise NotesError(
                f"this is a symbolic link to {os.readlink(path)}, which does not exist", file
            ) from None
        raise NotesError("no such file", file) from None
    except OSError as exc:
        raise NotesError(f"cannot read the file: {exc.strerror or exc}", file) from None


def read_notes(
    path: Path,
    *,
    root: Path | None = None,
    file: str | None = None,
    warn: Callable[[Diagnostic], None] = _silent,
    folders: tuple[str, ...] | None = None,
) -> Deck:
    """Read one notes file into a `Deck`. `root` is the notes folder (images stay inside it; the
    folders between it and the file name the deck, unless `folders` names them); `file` is the
    name used in messages."""
    return read_notes_text(path, root=root, file=file, warn=warn, folders=folders)[0]


def read_notes_text(
    path: Path,
    *,
    root: Path | None = None,
    file: str | None = None,
    warn: Callable[[Diagnostic], None] = _silent,
    data: bytes | None = None,
    folders: tuple[str, ...] | None = None,
) -> tuple[Deck, str]:
    """`read_notes`, also returning the decoded text; `data` is the file's content when the
    caller has read it already, with `read_notes_bytes`."""
    path = Path(path)
    file = file or str(path)
    root = Path(root) if root is not None else path.parent
    text = decode(read_notes_bytes(path, file)[0] if data is None else data, file, warn)
    spec = reader_for(path.suffix, text)
    if spec is None:
        raise NotesError(f"no reader for {path.suffix!r} files", file)
    resolved = path.resolve()
    if folders is None:
        parent, top = resolved.parent, root.resolve()
        folders = parent.relative_to(top).parts if parent.is_relative_to(top) else ()
    return load(spec.target)(text, ReadContext(file, resolved, root, tuple(folders), warn)), text


def assign_identities(
    drafts: list[tuple[CardKind, str, int]], deck_path: str, context: ReadContext
) -> list[str]:
    """Identities for a deck's cards, given each card's kind, front text and line, in order.
    Two cards with the same front get a warning naming both lines, and keep apart as `key`,
    `key#2`, ... in the order of the notes, so rebuilds give every card the same identity."""
    keys = [card_identity(deck_path, kind.value, front) for kind, front, _ in drafts]
    first_line: dict[str, int] = {}
    for key, (_, front, line) in zip(keys, drafts, strict=True):
        if key in first_line:
            context.warning(
                line,
                f"the front {front!r} is the same as the card at line {first_line[key]}; "
                "both are kept, but consider telling them apart",
            )
        else:
            first_line[key] = line
    return disambiguate(keys)


def identified(
    drafts: list[tuple[str, Card]], deck_path: str, context: ReadContext
) -> tuple[Card, ...]:
    """The cards with their identities from `assign_identities`, given each card's front text."""
    keys = assign_identities(
        [(card.kind, front, card.source.line) for front, card in drafts], deck_path, context
    )
    return tuple(replace(card, identity=key) for (_, card), key in zip(drafts, keys, strict=True))
