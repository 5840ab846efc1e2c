"""The command line, through click's CliRunner and as real subprocesses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import FIXTURES
from notes2decks.cli import main, make_deck

COLD_WAR = FIXTURES / "cardset" / "cold-war-origins.txt"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    """A notes folder with a card set and a flashcard file in a sub-folder."""
    folder = tmp_path / "notes"
    (folder / "biology").mkdir(parents=True)
    shutil.copy(COLD_WAR, folder / "cold-war.txt")
    shutil.copy(FIXTURES / "delimited" / "biology" / "cells.txt", folder / "biology" / "cells.txt")
    return folder


def run(args: list[str], command=make_deck):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, args, catch_exceptions=False)


def test_make_deck_builds_every_format_mirroring_folders(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run([str(notes), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for stem in ("cold-war", "biology/cells"):
        for suffix in (".apkg", ".pdf", "-glossary.csv"):
            path = out / f"{stem}{suffix}"
            assert path.is_file() and path.stat().st_size > 0, path
    assert (out / "glossary.csv").is_file()
    assert "2 files, 11 cards" in result.output.replace("\n", " ") or "2 files" in result.output
    assert "Traceback" not in result.output


def test_format_picks_a_subset(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run([str(notes / "cold-war.txt"), "-o", str(out), "--format", "csv,apkg"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "cold-war-glossary.csv",
        "cold-war.apkg",
    ]


@pytest.mark.parametrize(
    "args",
    [["--format", "docx"], ["--paper", "a3"], ["--back-offset", "one,two"], ["--print", "x"]],
)
def test_usage_errors_exit_2(notes: Path, args: list[str]) -> None:
    result = CliRunner().invoke(make_deck, [str(notes), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_notes_folder_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(make_deck, [str(tmp_path / "nope"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'nope'}: no such file or folder" in result.output


def test_default_is_notes_into_out(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(notes.parent)
    result = run([])
    assert result.exit_code == 0, result.output
    assert (notes.parent / "out" / "cold-war.apkg").is_file()


def test_a_bad_file_fails_alone_with_file_and_line(notes: Path, tmp_path: Path) -> None:
    (notes / "broken.csv").write_text("just one column\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run([str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{notes / 'broken.csv'}: error: no 'front | back' lines found" in result.output
    assert "Traceback" not in result.output
    assert (out / "cold-war.apkg").is_file() and (out / "biology" / "cells.pdf").is_file()
    assert not (out / "broken.apkg").exists()


def test_show_prints_the_model(notes: Path) -> None:
    result = run(["show", str(notes / "cold-war.txt")], command=main)
    assert result.exit_code == 0, result.output
    assert "Wartime Conferences (continued)" in result.output
    assert "read as cardset" in result.output


def test_show_json_is_stable_data(notes: Path) -> None:
    result = run(["show", "--json", "--no-auto-cloze", str(notes / "cold-war.txt")], command=main)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["schema"] == 1 and data["type"] == "Deck"
    assert [c["kind"] for c in data["cards"]] == ["revision"] * 6
    again = run(["show", "--json", "--no-auto-cloze", str(notes / "cold-war.txt")], command=main)
    assert again.output == result.output


def test_build_subcommand_matches_make_deck(notes: Path, tmp_path: Path) -> None:
    result = run(["build", str(notes), "-o", str(tmp_path / "o"), "--format", "csv"], command=main)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "cold-war-glossary.csv").is_file()


def test_make_deck_as_a_real_subprocess(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("make-deck")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "notes2decks", "build"]
    proc = subprocess.run(
        [*command, str(notes), "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "biology" / "cells.apkg").is_file()
    assert "files" in proc.stderr and "Traceback" not in proc.stderr


def test_python_dash_m_and_exit_status_1(notes: Path, tmp_path: Path) -> None:
    (notes / "broken.md").write_bytes(b"# Broken\n\x00\n")
    proc = subprocess.run(
        [sys.executable, "-m", "notes2decks", "build", str(notes), "-o", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert f"{notes / 'broken.md'}: error: this is a binary file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_print_glossary_prints_key_terms_as_cards(notes: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from notes2decks.show import load_deck

    out = tmp_path / "out"
    cold_war = notes / "cold-war.txt"
    result = run([str(cold_war), "-o", str(out), "--format", "pdf", "--print", "glossary"])
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in PdfReader(out / "cold-war.pdf").pages)
    terms = [entry.term for entry in load_deck(cold_war).glossary]
    assert terms and all(term.split()[0] in text for term in terms)
    assert "Wartime Conferences" not in text
