"""Pictures as real notes name them: from the notes folder's root, by name, URL-escaped, with a
stray space or slash; and a picture that cannot be found costs only its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from anki_support import fresh_collection, import_package, notes_by_front
from helpers import FIXTURES, PNG_A, PNG_B
from notes2decks.cli import make_deck
from notes2decks.errors import Diagnostic
from notes2decks.model import Image, walk_inlines
from notes2decks.readers import read_notes

PICTURES = FIXTURES / "pictures"
MEMBRANES = Path("biology") / "cells" / "membranes.md"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A copy of the pictures fixture: notes in a sub-folder, pictures elsewhere in the vault."""
    folder = tmp_path / "vault"
    shutil.copytree(PICTURES, folder)
    # Three different pictures, so that Anki keeps three media files.
    (folder / "attachments" / "nucleus.png").write_bytes(PNG_A)
    (folder / "attachments" / "Untitled 3.png").write_bytes(PNG_B)
    return folder


def _read(vault: Path, name: Path = MEMBRANES) -> tuple[list[Image], list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    deck = read_notes(vault / name, root=vault, warn=warnings.append)
    return [n for n in walk_inlines(deck) if isinstance(n, Image)], warnings


def test_pictures_are_found_as_editors_write_their_paths(vault: Path) -> None:
    images, warnings = _read(vault)
    assert [
        (image.src, image.path.relative_to(vault.resolve()).as_posix()) for image in images
    ] == [
        # From the notes folder's root, as GitHub writes it.
        ("/Figures/membrane.png", "Figures/membrane.png"),
        # A bare name not beside the notes: found by name in the notes folder.
        ("nucleus.png", "attachments/nucleus.png"),
        # URL-escaped, as Notion exports it.
        ("../../attachments/Untitled%203.png", "attachments/Untitled 3.png"),
        # Spaces without <...>, and a trailing slash.
        ("../../attachments/Untitled 3.png", "attachments/Untitled 3.png"),
    ]
    assert [image.alt for image in images] == ["The bilayer", "nucleus", "slide", "slide again"]
    # The two pictures that are nowhere are warnings at their lines, nothing else is.
    assert [(w.line, w.severity) for w in warnings] == [(17, "warning"), (18, "warning")]
    assert "'/Figures/pump.png' not found" in warnings[0].message
    assert "'diagrams/osmosis.png' not found" in warnings[1].message


def test_a_path_from_the_root_never_leaves_the_notes_folder(vault: Path) -> None:
    (vault.parent / "secret.png").write_bytes(PNG_A)
    notes = vault / "escape.md"
    notes.write_text(
        "## Card\n\n- ![a](/../secret.png)\n- ![b](/etc/passwd)\n- ![c](/../../../../secret.png)\n",
        encoding="utf-8",
    )
    images, warnings = _read(vault, Path("escape.md"))
    assert images == []
    assert [(w.line, "outside the notes folder" in w.message) for w in warnings] == [
        (3, True),
        (4, False),
        (5, True),
    ]
    assert "'/etc/passwd' not found (looked for " + str(vault.resolve()) in warnings[1].message


def test_several_files_of_one_name_take_the_nearest_as_obsidian_does(vault: Path) -> None:
    deep = vault / "old" / "deeper"
    deep.mkdir(parents=True)
    (deep / "nucleus.png").write_bytes(PNG_A)
    images, _ = _read(vault)
    assert images[1].path == (vault / "attachments" / "nucleus.png").resolve()


def test_missing_pictures_build_with_their_description_in_anki_and_on_paper(
    vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(vault), "-o", str(out), "--no-lock"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    shown = vault / MEMBRANES
    assert f"{shown}:17: warning: image '/Figures/pump.png' not found" in result.output
    assert f"{shown}:18: warning: image 'diagrams/osmosis.png' not found" in result.output
    assert "1 failed" not in result.output

    stem = out / MEMBRANES.with_suffix("")
    col = fresh_collection(tmp_path / "anki")
    log = import_package(col, stem.with_suffix(".apkg"))
    assert log.counts["new"] == 3
    notes = notes_by_front(col)
    organelles, transport = notes["Organelles"]["Back"], notes["Transport"]["Back"]
    assert organelles.count("<img") == 3
    assert "<img" not in transport
    assert "[Active transport pump]" in transport and "[osmosis.png]" in transport
    assert len(list(Path(col.media.dir()).iterdir())) == 3
    col.close()

    reader = PdfReader(stem.with_suffix(".pdf"))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "[Active transport pump]" in text and "[osmosis.png]" in text
    assert sum(len(page.images) for page in reader.pages) >= 3


def test_a_file_built_on_its_own_finds_root_pictures_from_the_current_folder(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `make-deck biology/cells/membranes.md` from the vault: `/Figures/...` is the vault's.
    monkeypatch.chdir(vault)
    result = CliRunner().invoke(
        make_deck, [str(MEMBRANES), "-o", "out", "--format", "apkg", "--no-lock", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "'/Figures/membrane.png' not found" not in result.output
    # The notes' own folders still do not name the deck: the file was named on its own.
    col = fresh_collection(vault / "anki")
    try:
        import_package(col, vault / "out" / "membranes.apkg")
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "Cell membranes" in names and not any("Biology" in n for n in names)
        media = [p.name for p in Path(col.media.dir()).iterdir()]
        assert any(name.startswith("membrane") for name in media), media
    finally:
        col.close()
