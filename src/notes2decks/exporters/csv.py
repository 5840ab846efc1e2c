"""The glossary as CSV (README.md, "The glossary CSV"): `OUT/<notes>-glossary.csv` per notes file,
`OUT/glossary.csv` per build, one row per term; with `--csv-anki`, Anki's file headers instead of
the header row, so that File > Import takes the file without questions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..atomic import write_bytes
from ..errors import Diagnostic
from ..identity import glossary_deck
from ..model import Deck, GlossaryEntry, TermKind
from ..options import BuildOptions
from ..words import sort_key, term_key

COLUMNS = ("term", "definition", "kind", "deck", "source")
ANKI_COLUMNS = ("Front", "Back", "kind", "deck", "source")
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


def merge_rows(entries: Iterable[tuple[GlossaryEntry, str]]) -> list[tuple[GlossaryEntry, str]]:
    """(entry, deck path) pairs with one row per term, sorted by term: the best kind wins
    (explicit, extracted, person), then the first; other explicit definitions stay beside it."""
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
    """The CSV text of merged rows, BOM included. For Anki, `anki_deck` names the deck of every
    note; None tells Anki to read each row's own `<deck>::Glossary` from the deck column."""
    buffer = io.StringIO()
    buffer.write(BOM)
    if anki:
        if anki_deck is not None:
            # A header line ends at the line break; deck paths never hold one, but be sure.
            deck_header = f"#deck:{' '.join(glossary_deck(anki_deck).split())}"
        else:
            deck_header = f"#deck column:{COLUMNS.index('deck') + 1}"
        headers = ["#separator:Comma", "#html:false", "#notetype:Basic", deck_header]
        headers += ["#tags:glossary", f"#tags column:{COLUMNS.index('kind') + 1}"]
        buffer.write("\n".join([*headers, f"#columns:{','.join(ANKI_COLUMNS)}", ""]))
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    if not anki:
        writer.writerow(COLUMNS)
    for entry, deck in rows:
        deck_cell = glossary_deck(deck) if anki and anki_deck is None else deck
        cells = (entry.term, entry.definition, entry.kind.value, deck_cell, str(entry.source))
        writer.writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


def export_csv(
    deck: Deck, dest: Path, options: BuildOptions, warn: Callable[[Diagnostic], None]
) -> None:
    """Write the deck's glossary (`Deck.glossary`, as `extract_glossary` made it) to `dest`."""
    if not deck.glossary and deck.auto_glossary:
        message = f"no key terms were found, so {dest.name} has no rows; put key terms in quotes "
        message += "or write sentences that define them ('X is a ...')"
        warn(Diagnostic(deck.source.file, 0, message))
    rows = merge_rows((entry, deck.deck_path) for entry in deck.glossary)
    write_bytes(dest, render(rows, options.csv_anki, deck.deck_path).encode(), durable=False)


def export_combined_csv(decks: Sequence[Deck], dest: Path, options: BuildOptions) -> None:
    """Write the combined glossary of a build's decks to `dest` (`OUT/glossary.csv`)."""
    rows = merge_rows((entry, deck.deck_path) for deck in decks for entry in deck.glossary)
    deck_paths = sorted({deck_path for _, deck_path in rows})
    anki_deck = deck_paths[0] if len(deck_paths) == 1 else None
    if not rows and decks:
        anki_deck = decks[0].deck_path
    write_bytes(dest, render(rows, options.csv_anki, anki_deck).encode(), durable=False)
