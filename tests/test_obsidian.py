"""Obsidian vaults without noise: standard front-matter keys, block ids, tag lines, nested tags
and `lang`, read, checked, and built through Anki and the PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from anki_support import fresh_collection, import_package, notes_by_front
from helpers import FIXTURES
from notes2decks.check import check_file
from notes2decks.cli import make_deck
from notes2decks.errors import Diagnostic
from notes2decks.model import CardKind, block_source, inline_text
from notes2decks.readers import ReadContext, read_notes
from notes2decks.readers.markdown import parse_markdown

VAULT = FIXTURES / "obsidian"
YALTA = VAULT / "History" / "Yalta.md"
ORIGINES = VAULT / "History" / "Origines.md"


def test_an_obsidian_note_reads_without_a_warning() -> None:
    warnings: list[Diagnostic] = []
    deck = read_notes(YALTA, root=VAULT, warn=warnings.append)
    assert warnings == []
    # Standard keys are kept for tools that want them.
    assert deck.extra["aliases"] == "[Yalta Conference, Crimea Conference]"
    assert deck.extra["status"] == "revised" and deck.lang == "en"
    # Front-matter tags and the tag line before the first card tag the whole file; the
    # `#flashcards/...` tag names the deck instead, as the Spaced Repetition plugin reads it.
    assert deck.tags == ("history::cold-war", "exam", "revision")
    assert deck.deck_path == "history::week7"
    assert [(c.kind, inline_text(c.front), c.tags) for c in deck.cards] == [
        (CardKind.REVISION, "Yalta", ("ww2::yalta", "ww2::conferences", "exam")),
        (CardKind.BASIC, "Who hosted the conference?", ("ww2::yalta", "ww2::conferences", "exam")),
        (CardKind.REVISION, "Potsdam", ("ww2::potsdam",)),
    ]


def test_block_ids_and_tag_lines_are_not_printed() -> None:
    deck = read_notes(YALTA, root=VAULT)
    yalta, hosted, _ = deck.cards
    assert block_source(yalta.back).split("\n") == [
        "Germany was to be split into four zones.",
        "Poland's border moved west to the Oder-Neisse line",
    ]
    assert block_source(hosted.back) == "Stalin, at Livadia Palace."
    assert block_source(deck.intro) == "The Big Three met at Yalta in February 1945."


def test_block_ids_only_at_a_lines_end() -> None:
    text = "## T\n- x^2 and 2^10 stay ^ as written\n- a caret ^ alone stays\n- end ^x1\n"
    path = VAULT.parent / "markdown" / "notes.md"
    deck = parse_markdown(text, ReadContext("notes.md", path, path.parent))
    assert block_source(deck.cards[0].back).split("\n") == [
        "x^2 and 2^10 stay ^ as written",
        "a caret ^ alone stays",
        "end",
    ]


def test_notes_in_another_language_are_not_spelt_in_english(tmp_path: Path) -> None:
    assert [d for d in check_file(ORIGINES).diagnostics if "unknown word" in d.message] == []
    # The same notes without `lang` are spelt as English.
    english = tmp_path / "Origines.md"
    english.write_text(ORIGINES.read_text(encoding="utf-8").replace("lang: fr\n", ""), "utf-8")
    assert any("unknown word" in d.message for d in check_file(english).diagnostics)


def test_a_vault_builds_with_its_tags_in_anki_and_no_ids_on_paper(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(VAULT, vault)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(vault), "-o", str(out), "--no-lock"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output

    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "History" / "Yalta.apkg")
    notes = notes_by_front(col)
    assert set(notes["Yalta"].tags) >= {
        "ww2::yalta",
        "ww2::conferences",
        "exam",
        "history::cold-war",
    }
    assert set(notes["Potsdam"].tags) >= {"ww2::potsdam", "history::cold-war"}
    fields = " ".join(" ".join(note.fields) for note in notes.values())
    assert "^" not in fields and "#ww2" not in fields and "#flashcards" not in fields
    col.close()

    reader = PdfReader(out / "History" / "Yalta.pdf")
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Oder-Neisse" in text
    assert "1652105852791" not in text and "abc123" not in text and "#ww2" not in text
