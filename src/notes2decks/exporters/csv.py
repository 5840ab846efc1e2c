"""The glossary as CSV: `OUT/<notes>-glossary.csv` per notes file, `OUT/glossary.csv` per build.

The file is made for spreadsheets first and Anki second:

- Columns `term`, `definition`, `kind` (`explicit`, `auto` or `person`), `deck` (the Anki deck
  path) and `source` (`file:line` of the definition in the notes), under one header row.
- Rows are sorted by term without regard to case, accents or leading quotes, and a term is
  listed once: an explicit definition beats an extracted one, and among equals the first deck
  of the build wins (`notes2decks.words.term_key` decides what counts as the same term).
  Explicit entries whose definitions differ are all kept, since the notes say them.
- Written by Python's csv module: RFC 4180 quoting of commas, double quotes and line breaks,
  CRLF line ends, UTF-8.
- The file starts with a UTF-8 byte order mark. Excel on Windows reads a CSV without one in the
  local ANSI code page, turning "passé" into "passÃ©"; LibreOffice, Python's `utf-8-sig`
  codec and Anki's importer all skip the mark.
- Formula injection is neutralised the way OWASP recommends: a cell whose first character (or
  first character after leading white space) is `=`, `+`, `-`, `@`, a tab, a carriage return or
  a line feed, or the full-width `＝ ＋ － ＠`, gets a leading apostrophe. Excel and LibreOffice
  then read it as text instead of running it; the apostrophe stays visible in the cell, a
  small price for a file that can never start a command.
- With `--csv-anki` (`BuildOptions.csv_anki`) the header row is replaced by Anki's file headers
  (`#separator:Comma`, `#html:false`, `#notetype:Basic`, `#deck:<deck>::Glossary`,
  `#tags:glossary`, `#tags column:3`, `#columns:Front,Back,kind,deck,source`), so that
  File > Import takes the file without questions. Anki's stock "Basic" note type exists in
  every collection; the term and definition columns are labelled with its field names, Front
  and Back, because Anki maps columns to fields by name. Anki always reads the column after
  the fields as tags, so the header says so: each note is tagged `glossary` and its kind
  (`explicit`, `auto`, `person`). Re-importing updates the notes whose Front matches instead
  of adding duplicates. The combined file of a build that spans several decks uses
  `#deck column:4` instead, and its deck column then names each row's `<deck>::Glossary`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..atomic import write_bytes
from ..errors import Diagnostic
from ..model import Deck, GlossaryEntry, TermKind
from ..options import BuildOptions
from ..words import sort_key, term_key

COLUMNS = ("term", "definition", "kind", "deck", "source")
ANKI_COLUMNS = ("Front", "Back", "kind", "deck", "source")
ANKI_NOTETYPE = "Basic"
GLOSSARY_SUBDECK = "Glossary"
BOM = "\ufeff"

# What spreadsheets take for the start of a formula (OWASP's list, with full-width forms that
# some spreadsheet versions fold to the ASCII ones).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_KIND_ORDER = {TermKind.EXPLICIT: 0, TermKind.AUTO: 1, TermKind.PERSON: 2}


def neutralise(cell: str) -> str:
    """A cell that no spreadsheet runs as a formula: a leading apostrophe where one could start."""
    if cell.startswith(_FORMULA_START) or cell.lstrip(" \t\r\n").startswith(_FORMULA_START):
        return "'" + cell
    return cell


def glossary_deck(deck_path: str) -> str:
    """The Anki deck that a notes file's glossary notes go to."""
    return f"{deck_path}::{GLOSSARY_SUBDECK}" if deck_path else GLOSSARY_SUBDECK


def merge_rows(
    entries: Iterable[tuple[GlossaryEntry, str]],
) -> list[tuple[GlossaryEntry, str]]:
    """(entry, deck path) pairs with one row per term, sorted by term.

    The best kind wins (explicit, then extracted, then person), and among equals the first.
    Explicit entries with other definitions are kept beside the winner.
    """
    kept: dict[str, tuple[GlossaryEntry, str]] = {}
    extra: list[tuple[GlossaryEntry, str]] = []
    for entry, deck in entries:
        key = term_key(entry.term)
        current = kept.get(key)
        if current is None or _KIND_ORDER[entry.kind] < _KIND_ORDER[current[0].kind]:
            kept[key] = (entry, deck)
        elif (
            entry.kind is TermKind.EXPLICIT
            and current[0].kind is TermKind.EXPLICIT
            and entry.definition != current[0].definition
            and (entry.term, entry.definition) not in {(e.term, e.definition) for e, _ in extra}
        ):
            extra.append((entry, deck))
    rows = [*kept.values(), *extra]
    rows.sort(key=lambda row: (sort_key(row[0].term), row[1], row[0].source, row[0].definition))
    return rows


def render(
    rows: Sequence[tuple[GlossaryEntry, str]], anki: bool, anki_deck: str | None = None
) -> str:
    """The CSV text of merged rows, BOM included.

    For Anki, `anki_deck` names the deck of every note; None puts each row's own
    `<deck>::Glossary` in the deck column and tells Anki to read it from there.
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    if anki:
        buffer.write("#separator:Comma\n#html:false\n")
        buffer.write(f"#notetype:{ANKI_NOTETYPE}\n")
        if anki_deck is not None:
            buffer.write(f"#deck:{_header_value(glossary_deck(anki_deck))}\n")
        else:
            buffer.write(f"#deck column:{COLUMNS.index('deck') + 1}\n")
        buffer.write("#tags:glossary\n")
        buffer.write(f"#tags column:{COLUMNS.index('kind') + 1}\n")
        buffer.write(f"#columns:{','.join(ANKI_COLUMNS)}\n")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    if not anki:
        writer.writerow(COLUMNS)
    for entry, deck in rows:
        deck_cell = glossary_deck(deck) if anki and anki_deck is None else deck
        cells = (entry.term, entry.definition, entry.kind.value, deck_cell, str(entry.source))
        writer.writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


def _header_value(value: str) -> str:
    # A header line ends at the line break; deck paths never hold one, but be sure.
    return " ".join(value.split())


def export_csv(
    deck: Deck, dest: Path, options: BuildOptions, warn: Callable[[Diagnostic], None]
) -> None:
    """Write the deck's glossary (`Deck.glossary`, as `extract_glossary` made it) to `dest`."""
    if not deck.glossary and deck.auto_glossary:
        warn(
            Diagnostic(
                deck.source.file,
                0,
                f"no key terms were found, so {dest.name} has no rows; put key terms in quotes "
                "or write sentences that define them ('X is a ...')",
            )
        )
    rows = merge_rows((entry, deck.deck_path) for entry in deck.glossary)
    text = render(rows, options.csv_anki, deck.deck_path)
    write_bytes(dest, text.encode("utf-8"), durable=False)


def export_combined_csv(decks: Sequence[Deck], dest: Path, options: BuildOptions) -> None:
    """Write the combined glossary of a build's decks to `dest` (`OUT/glossary.csv`)."""
    rows = merge_rows((entry, deck.deck_path) for deck in decks for entry in deck.glossary)
    deck_paths = sorted({deck_path for _, deck_path in rows})
    anki_deck = deck_paths[0] if len(deck_paths) == 1 else None
    if not rows and decks:
        anki_deck = decks[0].deck_path
    text = render(rows, options.csv_anki, anki_deck)
    write_bytes(dest, text.encode("utf-8"), durable=False)
