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


@dataclass(frozen=True, slots=True)
class ExporterSpec:
    """An output format."""

    name: str
    """The format's name, as given to `--format`."""
    suffix: str
    """What is appended to the notes file's stem to name the output, such as `-glossary.csv`."""
    target: str
    """`module:function` of `export(deck, dest, options, warn) -> None`."""


# Order matters: for one suffix, a reader with a sniff that accepts the text wins, and otherwise
# the first reader without a sniff.
READERS: dict[str, ReaderSpec] = {
    "markdown": ReaderSpec(
        "markdown", (".md", ".markdown"), "notes2decks.readers.markdown:parse_markdown"
    ),
    "delimited": ReaderSpec(
        "delimited",
        (".txt", ".tsv", ".csv"),
        "notes2decks.readers.delimited:parse_delimited",
        sniff="notes2decks.readers.delimited:looks_delimited",
    ),
    "cardset": ReaderSpec("cardset", (".txt",), "notes2decks.readers.cardset:parse_cardset"),
}

EXPORTERS: dict[str, ExporterSpec] = {
    "apkg": ExporterSpec("apkg", ".apkg", "notes2decks.exporters.apkg:export_apkg"),
    "pdf": ExporterSpec("pdf", ".pdf", "notes2decks.exporters.pdf:export_pdf"),
    "csv": ExporterSpec("csv", "-glossary.csv", "notes2decks.exporters.csv:export_csv"),
}


def load(target: str) -> Callable[..., Any]:
    """Import `module:function` and return the function."""
    module_name, _, attr = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module_name), attr)
    return function


def notes_suffixes() -> frozenset[str]:
    """Every suffix some reader accepts."""
    return frozenset(s for spec in READERS.values() for s in spec.suffixes)


def reader_for(suffix: str, text: str) -> ReaderSpec | None:
    """The reader for a file with this suffix and text, or None when no reader takes the suffix."""
    candidates = [spec for spec in READERS.values() if suffix.lower() in spec.suffixes]
    for spec in candidates:
        if spec.sniff and load(spec.sniff)(text):
            return spec
    plain = [spec for spec in candidates if not spec.sniff]
    if plain:
        return plain[0]
    return candidates[-1] if candidates else None
