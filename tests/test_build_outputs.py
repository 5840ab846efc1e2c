"""What a build leaves in the output folder, as a user of `make-deck` sees it: outputs rewritten
only when their bytes change, a failed file's terms kept in the combined glossary, `--strict`,
notes folders with no notes, empty notes and notes of key terms only."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

import notes2decks.build as build_module
from anki_support import fresh_collection, import_package, notes_by_front
from helpers import FIXTURES
from notes2decks.build import build
from notes2decks.cli import main, make_deck
from notes2decks.model import Deck, GlossaryEntry, SourceRef
from notes2decks.options import BuildOptions

COLD_WAR = FIXTURES / "cardset" / "cold-war-origins.txt"
GLOSSARY_NOTES = """# Cells

## The nucleus

- It holds the cell's DNA.

## Glossary

Mitochondrion
: the organelle where respiration releases energy

Ribosome
: the organelle where proteins are made
"""
WARNED_NOTES = "# Warned\n\n## A card\n\n- A fact.\n\n## A card\n\n- The same front again.\n"
BROKEN_NOTES = "# Broken\n\nQ: a question nobody answers\n"


def make_notes(root: Path) -> Path:
    """Markdown with a glossary, a card set and a flashcard file: every reader and format."""
    notes = root / "notes"
    notes.mkdir()
    (notes / "cells.md").write_text(GLOSSARY_NOTES, encoding="utf-8")
    shutil.copy(COLD_WAR, notes / "cold-war.txt")
    (notes / "words.txt").write_text("Haus | house\nBaum | tree\n", encoding="utf-8")
    return notes


def run(args: list[str], command=make_deck) -> Result:  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, args, catch_exceptions=False)


def stamp(path: Path) -> tuple[int, int]:
    """What a rewrite changes: the modification time, and the inode (an output is written aside
    and renamed into place), which changes even within the clock's resolution."""
    info = path.stat()
    return info.st_mtime_ns, info.st_ino


def outputs(out: Path) -> dict[Path, tuple[int, int]]:
    """Every output and its stamp (the cache and lock folders left out)."""
    return {
        path: stamp(path)
        for path in out.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def combined_terms(out: Path) -> set[str]:
    with open(out / "glossary.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["term"] for row in csv.DictReader(handle)}


def test_a_rebuild_rewrites_only_the_outputs_whose_bytes_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    assert run([str(notes), "-o", str(out), "-j", "1"]).exit_code == 0
    before = outputs(out)
    kinds = {path.name.split(".", 1)[-1] for path in before}
    assert len(before) == 10 and kinds == {"apkg", "pdf", "csv"}, sorted(before)

    # Every file changes, but not in anything its outputs show: nothing is rewritten.
    for path in notes.iterdir():
        if path.is_file():  # (the notes' lock folder is not notes)
            path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    again = run([str(notes), "-o", str(out), "-j", "1"])
    assert again.exit_code == 0, again.output
    assert "3 files" in again.output and "0 outputs written" in again.output
    assert outputs(out) == before

    # One file's terms change: its outputs that show them and the combined glossary are
    # rewritten, and no others (its PDF, without a glossary sheet, stays as it was).
    text = GLOSSARY_NOTES.replace("proteins are made", "proteins are assembled")
    (notes / "cells.md").write_text(text, encoding="utf-8")
    third = run([str(notes), "-o", str(out), "-j", "1"])
    assert third.exit_code == 0, third.output
    changed = {path.name for path, now in outputs(out).items() if now != before[path]}
    assert changed == {"cells.apkg", "cells-glossary.csv", "glossary.csv"}
    assert "3 outputs written" in third.output
    assert "proteins are assembled" in (out / "glossary.csv").read_text(encoding="utf-8-sig")


def test_a_failed_file_keeps_its_terms_in_the_combined_glossary(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    options = BuildOptions(jobs=1, formats=("csv",))
    assert build([notes], out, options).ok
    terms = combined_terms(out)
    assert {"Mitochondrion", "Ribosome"} <= terms
    own = (out / "cells-glossary.csv").read_bytes()

    # Saved half-way as binary (a NUL byte): an error, so the file fails.
    (notes / "cells.md").write_bytes(GLOSSARY_NOTES.encode() + b"\x00")
    (notes / "words.txt").write_text("Haus | house\n", encoding="utf-8")  # another file changes
    failed = build([notes], out, options)
    assert [r.file.path.name for r in failed.failed] == ["cells.md"]
    assert combined_terms(out) == terms
    assert (out / "cells-glossary.csv").read_bytes() == own

    # It goes on failing: its terms stay, build after build.
    assert not build([notes], out, options).ok
    assert combined_terms(out) == terms

    # Deleted, its terms go.
    (notes / "cells.md").unlink()
    assert build([notes], out, options).ok
    assert not {"Mitochondrion", "Ribosome"} & combined_terms(out)


def test_strict_makes_warnings_errors_and_keeps_previous_outputs(tmp_path: Path) -> None:
    # Notes that `check` finds no typos in (it reports more than a build: likely misspellings).
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "cells.md").write_text(GLOSSARY_NOTES, encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(notes), "-o", str(out)]).exit_code == 0
    (notes / "warned.md").write_text(WARNED_NOTES, encoding="utf-8")
    assert run([str(notes), "-o", str(out)]).exit_code == 0
    before = outputs(out)

    (notes / "warned.md").write_text(WARNED_NOTES + "\n## A card\n\n- Once more.\n", "utf-8")
    strict = run([str(notes), "-o", str(out), "--strict", "--quiet"])
    assert strict.exit_code == 1
    warned = notes / "warned.md"
    assert f"{warned}:7: warning: the front 'A card' is the same" in strict.output
    assert f"{warned}: error: --strict makes its 2 warnings errors" in strict.output
    assert outputs(out) == before, "a file that failed under --strict kept its outputs"

    # `check --strict` fails on the same notes, and both pass once the warnings are fixed.
    assert run(["check", "--strict", str(notes)], command=main).exit_code == 1
    warned.write_text(WARNED_NOTES.replace("## A card\n\n- The", "## B card\n\n- The"), "utf-8")
    assert run(["check", "--strict", str(notes)], command=main).exit_code == 0
    # (Without the lock file, which would note that 'B card' is the corrected 'A card'.)
    fixed = run(["build", str(notes), "-o", str(out), "--strict", "--no-lock"], command=main)
    assert fixed.exit_code == 0, fixed.output
    assert "B card" in " ".join(p.extract_text() for p in PdfReader(out / "warned.pdf").pages)


def test_strict_fails_a_cached_file_with_warnings(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    (notes / "warned.md").write_text(WARNED_NOTES, encoding="utf-8")
    out = tmp_path / "out"
    assert run([str(notes), "-o", str(out), "--format", "csv"]).exit_code == 0
    strict = run([str(notes), "-o", str(out), "--format", "csv", "--strict"])
    assert strict.exit_code == 1
    assert "1 failed" in strict.output and "--strict makes its warning an error" in strict.output


def test_a_folder_without_notes_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    result = run([str(empty), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{empty}: no notes files found (.md" in result.output
    assert not out.exists()
    checked = run(["check", str(empty)], command=main)
    assert checked.exit_code == 2 and "no notes files found" in checked.output

    exe = Path(sys.executable).with_name("make-deck")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "notes2decks", "build"]
    proc = subprocess.run(
        [*command, str(empty), "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "no notes files found" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("content", ["", "  \n\n\t\n"], ids=["empty", "whitespace"])
def test_an_empty_notes_file_is_skipped_with_a_warning(content: str, tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    (notes / "draft.md").write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(notes), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{notes / 'draft.md'}: warning: the file is empty" in result.output
    assert "nothing was built" in result.output
    assert not list(out.glob("draft*"))
    assert (out / "cells.apkg").is_file()
    assert run([str(notes), "-o", str(out), "--strict"]).exit_code == 1


def test_notes_of_key_terms_only_still_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deck with terms but no cards (as the readers give for a `## Glossary`-only file) builds
    every output: glossary notes in Anki, the terms as printed cards, the CSV."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "terms.md").write_text("# Terms\n", encoding="utf-8")

    def read_terms_only(path: Path, **kwargs: object) -> tuple[Deck, str]:
        file = str(kwargs["file"])
        glossary = (
            GlossaryEntry("Osmosis", "water moving across a membrane", SourceRef(file, 3)),
            GlossaryEntry("Diffusion", "particles spreading out", SourceRef(file, 6)),
        )
        return Deck("Terms", "Biology::Terms", SourceRef(file), glossary=glossary), "# Terms\n"

    monkeypatch.setattr(build_module, "read_notes_text", read_terms_only)
    out = tmp_path / "out"
    report = build([notes], out, BuildOptions(jobs=1))
    assert report.ok, report.failed
    assert not [w for w in report.warnings if "nothing was built" in w.message]
    pdf_text = " ".join(p.extract_text() for p in PdfReader(out / "terms.pdf").pages)
    assert "Osmosis" in pdf_text and "particles spreading out" in pdf_text
    assert "Diffusion" in (out / "terms-glossary.csv").read_text(encoding="utf-8-sig")
    col = fresh_collection(tmp_path / "anki")
    try:
        assert import_package(col, out / "terms.apkg").counts["new"] >= 2
        fronts = notes_by_front(col)
        assert "Osmosis" in fronts and "Diffusion" in fronts
        decks = {col.decks.name(card.did) for card in (col.get_card(c) for c in col.find_cards(""))}
        assert decks == {"Biology::Terms::Glossary"}
    finally:
        col.close()


def test_the_sample_card_set_reads_as_its_cards_without_the_footer() -> None:
    from notes2decks.model import CardKind, inline_text
    from notes2decks.show import load_deck

    deck = load_deck(Path(__file__).parent.parent / "notes" / "weimar-crises-1919-1923.txt")
    revision = [inline_text(c.front) for c in deck.cards if c.kind is CardKind.REVISION]
    assert len(revision) == 7
    assert revision[2] == "The Treaty of Versailles (continued)"
    assert revision[-1] == "The Munich Putsch"
    assert not [c for c in deck.cards if "card set" in repr(c)], "the website's footer is a card"


def test_the_calibration_sheet_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(["--calibration", "-o", str(out)]).exit_code == 0
    sheet = out / "calibration.pdf"
    first = stamp(sheet)
    again = run(["--calibration", "-o", str(out)])
    assert again.exit_code == 0 and "kept (unchanged)" in again.output
    assert stamp(sheet) == first
    letter = run(["--calibration", "-o", str(out), "--paper", "letter"])
    assert letter.exit_code == 0 and letter.output.startswith("wrote")
    assert stamp(sheet) != first
    assert not list(out.glob(".notes2decks-staging-*"))
