"""The glossary CSV: RFC 4180 round trip, formula injection, accents, merging, Anki import."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from notes2decks.enrich.glossary import extract_glossary
from notes2decks.errors import Diagnostic
from notes2decks.exporters.csv import (
    BOM,
    COLUMNS,
    export_combined_csv,
    export_csv,
    glossary_deck,
    neutralise,
)
from notes2decks.model import Deck, GlossaryEntry, SourceRef, TermKind
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"

ENTRIES = (
    GlossaryEntry("Zollverein", "A customs union of German states.", SourceRef("de.md", 30)),
    GlossaryEntry("école", "Une école, a school.", SourceRef("de.md", 12), TermKind.AUTO),
    GlossaryEntry("Eagle", "A bird.", SourceRef("de.md", 14)),
    GlossaryEntry(
        "Lock, stock and barrel",
        'All of it: the "whole thing",\nwith commas and a second line.',
        SourceRef("de.md", 16),
    ),
    GlossaryEntry("apple", "A fruit; Äpfel in German.", SourceRef("de.md", 18), TermKind.PERSON),
)


def make_deck(
    entries: tuple[GlossaryEntry, ...] = ENTRIES, path: str = "Languages::German"
) -> Deck:
    return Deck(title="German", deck_path=path, source=SourceRef("de.md"), glossary=entries)


def read_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(BOM.encode("utf-8"))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def export(tmp_path: Path, deck: Deck, **options: bool) -> Path:
    dest = tmp_path / "out" / "german-glossary.csv"
    warnings: list[Diagnostic] = []
    export_csv(deck, dest, BuildOptions(**options), warnings.append)  # type: ignore[arg-type]
    assert warnings == []
    return dest


def test_round_trip_through_the_csv_module(tmp_path: Path) -> None:
    rows = read_rows(export(tmp_path, make_deck()))
    assert rows[0] == list(COLUMNS)
    by_term = {row[0]: row for row in rows[1:]}
    assert len(by_term) == len(ENTRIES)
    for entry in ENTRIES:
        assert by_term[entry.term] == [
            entry.term,
            entry.definition,
            entry.kind.value,
            "Languages::German",
            f"de.md:{entry.source.line}",
        ]


def test_rows_sorted_without_regard_to_case_or_accents(tmp_path: Path) -> None:
    rows = read_rows(export(tmp_path, make_deck()))
    assert [row[0] for row in rows[1:]] == [
        "apple",
        "Eagle",
        "école",
        "Lock, stock and barrel",
        "Zollverein",
    ]


def test_rfc_4180_quoting_and_line_ends(tmp_path: Path) -> None:
    text = export(tmp_path, make_deck()).read_bytes().decode("utf-8")
    assert text.startswith(BOM + "term,definition,kind,deck,source\r\n")
    assert (
        '"Lock, stock and barrel","All of it: the ""whole thing"",\n'
        'with commas and a second line.",explicit,Languages::German,de.md:16\r\n'
    ) in text
    assert "é" in text and "Ä" in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "＝", " ="])
def test_formula_injection_is_neutralised(tmp_path: Path, start: str) -> None:
    payload = f'{start}HYPERLINK("http://example.invalid","x")'
    entry = GlossaryEntry(payload, payload, SourceRef(f"{start}notes.md", 2))
    deck = make_deck((entry,), path=f"{start}Deck")
    row = read_rows(export(tmp_path, deck))[1]
    originals = [payload, payload, "explicit", f"{start}Deck", f"{start}notes.md:2"]
    assert row == ["'" + cell if cell != "explicit" else cell for cell in originals]


def test_neutralise_leaves_ordinary_text() -> None:
    for text in ("Triumvirate", "'quoted'", "1921", "(1921)", "a-b", "", "é=mc²"):
        assert neutralise(text) == text
    assert neutralise("-5 °C") == "'-5 °C"


def test_duplicates_merge_and_explicit_wins(tmp_path: Path) -> None:
    auto = GlossaryEntry("Triumvirate", "Auto sentence.", SourceRef("a.txt", 3), TermKind.AUTO)
    explicit = GlossaryEntry("triumvirate", "Rule by three.", SourceRef("b.md", 9))
    person = GlossaryEntry("Stalin", "Led the party.", SourceRef("a.txt", 5), TermKind.PERSON)
    later = GlossaryEntry("Stalin", "General Secretary.", SourceRef("c.txt", 1), TermKind.PERSON)
    decks = [
        make_deck((auto, person), path="History::Russia"),
        make_deck((explicit,), path="History::Terms"),
        make_deck((later,), path="History::Later"),
    ]
    dest = tmp_path / "glossary.csv"
    export_combined_csv(decks, dest, BuildOptions())
    rows = read_rows(dest)[1:]
    assert rows == [
        ["Stalin", "Led the party.", "person", "History::Russia", "a.txt:5"],
        ["triumvirate", "Rule by three.", "explicit", "History::Terms", "b.md:9"],
    ]


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    deck = read_notes(FIXTURES / "weimar-germany.txt", file="weimar-germany.txt")
    deck = dataclasses.replace(deck, glossary=extract_glossary(deck))
    first = export(tmp_path / "a", deck).read_bytes()
    second = export(tmp_path / "b", deck).read_bytes()
    assert first == second
    rows = read_rows(tmp_path / "a" / "out" / "german-glossary.csv")
    treaty = next(row for row in rows if row[0] == "Treaty of Versailles")
    assert [treaty[0], treaty[2], treaty[4]] == [
        "Treaty of Versailles",
        "auto",
        "weimar-germany.txt:19",
    ]


def test_empty_glossary_of_a_card_set_warns(tmp_path: Path) -> None:
    deck = dataclasses.replace(make_deck(()), auto_glossary=True)
    warnings: list[Diagnostic] = []
    dest = tmp_path / "x-glossary.csv"
    export_csv(deck, dest, BuildOptions(), warnings.append)
    assert read_rows(dest) == [list(COLUMNS)]
    assert len(warnings) == 1 and "no key terms" in warnings[0].message


# --------------------------------------------------------------------------- Anki


def anki_import(tmp_path: Path, csv_path: Path) -> list[tuple[str, str, str, str, list[str]]]:
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportCsvRequest

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        for _ in range(2):  # the second import must update, not duplicate
            metadata = col.get_csv_metadata(path=str(csv_path), delimiter=None)
            col.import_csv(ImportCsvRequest(path=str(csv_path), metadata=metadata))
        notes = []
        for note_id in col.find_notes(""):
            note = col.get_note(note_id)
            deck_name = col.decks.name(note.cards()[0].did)
            notes.append(
                (note.note_type()["name"], deck_name, note["Front"], note["Back"], note.tags)  # type: ignore[index]
            )
        return sorted(notes)
    finally:
        col.close()


def test_csv_anki_imports_into_a_fresh_collection(tmp_path: Path) -> None:
    dest = export(tmp_path, make_deck(), csv_anki=True)
    text = dest.read_text(encoding="utf-8-sig")
    assert text.splitlines()[:7] == [
        "#separator:Comma",
        "#html:false",
        "#notetype:Basic",
        "#deck:Languages::German::Glossary",
        "#tags:glossary",
        "#tags column:3",
        "#columns:Front,Back,kind,deck,source",
    ]
    notes = anki_import(tmp_path, dest)
    assert len(notes) == len(ENTRIES)
    by_front = {front: (kind, deck, back, tags) for kind, deck, front, back, tags in notes}
    assert by_front["école"] == (
        "Basic",
        "Languages::German::Glossary",
        "Une école, a school.",
        ["auto", "glossary"],
    )
    _, _, back, tags = by_front["Lock, stock and barrel"]
    assert tags == ["explicit", "glossary"]
    assert back == "All of it: the &quot;whole thing&quot;,<br>with commas and a second line."


def test_combined_csv_anki_puts_each_deck_in_its_own_glossary(tmp_path: Path) -> None:
    decks = [
        make_deck(ENTRIES[:2], path="Languages::German"),
        make_deck(ENTRIES[2:], path="Languages::French"),
    ]
    dest = tmp_path / "glossary.csv"
    export_combined_csv(decks, dest, BuildOptions(csv_anki=True))
    assert "#deck column:4" in dest.read_text(encoding="utf-8-sig").splitlines()
    notes = anki_import(tmp_path, dest)
    decks_by_front = {front: deck for _, deck, front, _, _ in notes}
    assert decks_by_front["Zollverein"] == glossary_deck("Languages::German")
    assert decks_by_front["apple"] == glossary_deck("Languages::French")


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_text_not_formulas(tmp_path: Path) -> None:
    evil = GlossaryEntry("=1+1", "=SUM(2,3)", SourceRef("crème.md", 1))
    dest = export(tmp_path, make_deck((evil, *ENTRIES)))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(dest),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(tmp_path / "german-glossary.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<f" not in sheet  # no cell became a formula
    assert "&apos;=1+1" in strings and "&apos;=SUM(2,3)" in strings
    assert "crème.md:1" in strings and "Une école, a school." in strings
    assert ">term<" in strings  # the byte order mark is not read as text
