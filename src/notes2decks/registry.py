"""The explicit registries of readers and exporters.

Each entry names its module and function as a string, so that a heavy library (reportlab,
genanki, markdown-it) is imported only when its reader or exporter is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A notes reader."""

    name: str
    """The reader's name, as shown by `notes2decks show`."""
    suffixes: tuple[str, ...]
    """The file suffixes it reads, lower case with the dot."""
    target: str
    """`module:function` of `parse(text: str, context: ReadContext) -> Deck`."""
    sniff: str = ""
    """`module:function` of `accepts(text: str) -> bool` when the suffix alone cannot decide."""
    libraries: tuple[str, ...] = ()
    """Importable names of the libraries whose new version makes a rebuild ignore the lock file."""


@dataclass(frozen=True, slots=True)
class ExporterSpec:
    """An output format."""

    name: str
    """The format's name, as given to `--format`."""
    suffix: str
    """What is appended to the notes file's stem to name the output, such as `-glossary.csv`."""
    target: str
    """`module:function` of `export(deck, dest, options, warn) -> None`, which writes `dest` or
    warns why not."""
    needs_lock: bool = False
    """True when its output keeps notes' identities across builds, through the lock file."""
    makes_notes: bool = False
    """True when each card becomes a study note: a cloze card that hides nothing is an error."""
    prints: bool = False
    """True when its cards are printed, so a card too long for the card size matters."""
    combined: str = ""
    """`module:function` of `export_combined(decks, dest, options) -> None` for one output of the
    whole build, or empty."""
    combined_name: str = ""
    """The combined output's file name in the output folder, such as `glossary.csv`."""


# Order matters: for one suffix, a reader with a sniff that accepts the text wins, and otherwise
# the first reader without a sniff.
READERS: dict[str, ReaderSpec] = {
    "markdown": ReaderSpec(
        "markdown",
        (".md", ".markdown"),
        "notes2decks.readers.markdown:parse_markdown",
        libraries=("markdown_it", "mdit_py_plugins"),
    ),
    "delimited": ReaderSpec(
        "delimited",
        (".txt", ".tsv", ".csv"),
        "notes2decks.readers.delimited:parse_delimited",
        sniff="notes2decks.readers.delimited:looks_delimited",
        libraries=("markdown_it", "mdit_py_plugins"),
    ),
    "cardset": ReaderSpec("cardset", (".txt",), "notes2decks.readers.cardset:parse_cardset"),
}

EXPORTERS: dict[str, ExporterSpec] = {
    "apkg": ExporterSpec(
        "apkg",
        ".apkg",
        "notes2decks.exporters.apkg:export_apkg",
        needs_lock=True,
        makes_notes=True,
    ),
    "pdf": ExporterSpec("pdf", ".pdf", "notes2decks.exporters.pdf:export_pdf", prints=True),
    "csv": ExporterSpec(
        "csv",
        "-glossary.csv",
        "notes2decks.exporters.csv:export_csv",
        combined="notes2decks.exporters.csv:export_combined_csv",
        combined_name="glossary.csv",
    ),
}


def load(target: str) -> Callable[..., Any]:
    """Import `module:function` and return the function."""
    module_name, _, attr = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module_name), attr)
    return function


def notes_suffixes() -> tuple[str, ...]:
    """Every suffix some reader accepts, once each, in the readers' order."""
    return tuple(dict.fromkeys(s for spec in READERS.values() for s in spec.suffixes))


def reader_for(suffix: str, text: str) -> ReaderSpec | None:
    """The reader for a file with this suffix and text, or None when no reader takes the suffix."""
    candidates = [spec for spec in READERS.values() if suffix.lower() in spec.suffixes]
    for spec in candidates:
        if spec.sniff and load(spec.sniff)(text):
            return spec
    fallback = candidates[-1] if candidates else None
    return next((spec for spec in candidates if not spec.sniff), fallback)


def exporters(formats: tuple[str, ...]) -> list[ExporterSpec]:
    """The exporters of these formats, in the order given."""
    return [EXPORTERS[name] for name in formats]
