"""Note identity across rebuilds, as Anki sees it: whatever folder the build starts from and
whatever the deck is called, after small edits, and when the lock file is lost."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from anki_support import (
    fresh_collection,
    import_package,
    notes_by_front,
    review_everything,
    schedule_snapshot,
)
from notes2decks.cli import make_deck
from notes2decks.enrich.lock import LOCK_FOLDER, legacy_lock_path, lock_path_for

T0 = 1_700_000_000

ACIDS = """\
# Acids and bases

## Neutralisation

- An acid and a base make a salt and water
- The reaction gives out heat

Q: What is the pH of pure water?
A: 7

The {{c1::Haber process}} makes ammonia from nitrogen and hydrogen.

## Glossary

Acid
: A substance that donates protons.

Base
: A substance that accepts protons.
"""

METALS = """\
# Metals

## Reactivity series

- Potassium is the most reactive common metal
- Gold hardly reacts at all

Q: Which gas do metals give off with acids?
A: Hydrogen
"""


def notes_folder(tmp_path: Path) -> Path:
    """notes/chemistry/{acids,metals}.md, as a student keeps them."""
    chemistry = tmp_path / "notes" / "chemistry"
    chemistry.mkdir(parents=True)
    (chemistry / "acids.md").write_text(ACIDS, encoding="utf-8")
    (chemistry / "metals.md").write_text(METALS, encoding="utf-8")
    return chemistry


def make(*args: str | Path) -> Result:
    result = CliRunner().invoke(
        make_deck, [str(a) for a in args] + ["--format", "apkg", "-j", "1"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0))


def test_every_note_keeps_its_identity_whatever_the_build_starts_from_or_the_deck_is_called(
    tmp_path: Path,
) -> None:
    chemistry = notes_folder(tmp_path)
    first = make(chemistry, "-o", tmp_path / "a")
    # From the folder above, the deck gets another path.
    second = make(chemistry.parent, "-o", tmp_path / "b")
    assert "no longer in the notes" not in second.output
    edit(
        chemistry / "acids.md",
        "# Acids and bases",
        "---\ndeck: Science::Acids\n---\n# Acids and bases",
    )
    third = make(chemistry.parent, "-o", tmp_path / "c")
    assert "no longer in the notes" not in third.output
    assert "made notes2decks-lock/ beside the notes" in first.output and "made" not in second.output

    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "a" / "acids.apkg")
    review_everything(col)
    before = schedule_snapshot(col)
    notes = notes_by_front(col)
    assert {"Acid", "Base", "What is the pH of pure water?"} <= set(notes)
    # An edit made in Anki, to a note whose notes did not change.
    acid = notes["Acid"]
    acid["Definition"] = "A proton donor (my words)."
    col.update_note(acid)

    for package in (
        tmp_path / "b" / "chemistry" / "acids.apkg",
        tmp_path / "c" / "chemistry" / "acids.apkg",
    ):
        log = import_package(col, package)
        assert log.counts["new"] == 0, log.counts
        assert schedule_snapshot(col) == before
    assert notes_by_front(col)["Acid"]["Definition"] == "A proton donor (my words)."
    col.close()


def test_a_small_edit_inside_a_cloze_keeps_the_note_and_its_history(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    out = tmp_path / "out"
    make(chemistry, "-o", out)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "acids.apkg")
    review_everything(col)
    before = schedule_snapshot(col)
    cloze_notes = col.find_notes('"note:notes2decks Cloze v2"')
    assert len(cloze_notes) == 1

    edit(chemistry / "acids.md", "{{c1::Haber process}}", "{{c1::industrial Haber process}}")
    edit(chemistry / "acids.md", "and hydrogen.", "and hydrogen gas.")
    rebuilt = make(chemistry, "-o", out)
    assert "looks like a corrected" in rebuilt.output
    log = import_package(col, out / "acids.apkg")
    # The cloze note, and the revision card whose facts hold the sentence, are updated.
    assert log.counts["new"] == 0 and log.counts["updated"] == 2, log.counts
    # Same cards, same review history; only the text changed.
    after = schedule_snapshot(col)
    assert {cid: state[5] for cid, state in after.items()} == {
        cid: state[5] for cid, state in before.items()
    }
    assert col.find_notes('"note:notes2decks Cloze v2"') == cloze_notes
    assert "industrial" in col.get_note(cloze_notes[0]).fields[0]

    # A new sentence is a new note.
    edit(
        chemistry / "acids.md",
        "from nitrogen and hydrogen gas.",
        "from nitrogen and hydrogen gas.\n\nThe {{c1::Contact process}} makes sulfuric acid.",
    )
    make(chemistry, "-o", out)
    assert import_package(col, out / "acids.apkg").counts["new"] == 1
    col.close()


def test_a_lost_lock_is_recovered_from_the_last_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chemistry = notes_folder(tmp_path)
    out = tmp_path / "out"
    make(chemistry, "-o", out)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "acids.apkg")
    review_everything(col)
    notes = notes_by_front(col)
    water = notes["What is the pH of pure water?"]
    water["Back"] = "7 (at 25 °C)"
    col.update_note(water)
    before = schedule_snapshot(col)

    # A fresh clone without the lock file, a day later; one card changed meanwhile.
    lock_path_for(chemistry / "acids.md").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 86_400))
    edit(chemistry / "acids.md", "- The reaction gives out heat", "- The reaction is exothermic")
    rebuilt = make(chemistry, "-o", out)
    assert "made notes2decks-lock/ beside the notes" not in rebuilt.output
    assert lock_path_for(chemistry / "acids.md").is_file()
    log = import_package(col, out / "acids.apkg")
    assert log.counts["new"] == 0 and log.counts["updated"] == 1, log.counts
    assert schedule_snapshot(col) == before
    after = notes_by_front(col)
    assert after["What is the pH of pure water?"]["Back"] == "7 (at 25 °C)"  # not overwritten
    assert "exothermic" in after["Neutralisation"]["Back"]
    col.close()


def test_without_lock_or_package_the_build_says_so_once(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    (chemistry.parent / "physics").mkdir()
    (chemistry.parent / "physics" / "waves.md").write_text(METALS, encoding="utf-8")
    chemistry = chemistry.parent
    first = make(chemistry, "-o", tmp_path / "out")
    assert first.output.count("made notes2decks-lock/ beside the notes") == 1
    assert (chemistry / "chemistry" / LOCK_FOLDER).is_dir()
    assert (chemistry / "physics" / LOCK_FOLDER).is_dir()
    assert not list(chemistry.rglob(".*"))
    again = make(chemistry, "-o", tmp_path / "other", "--force")
    assert "made notes2decks-lock/ beside the notes" not in again.output


def test_the_locks_are_visible_text_one_sorted_entry_a_line(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    make(chemistry, "-o", tmp_path / "out")
    assert sorted(p.name for p in (chemistry / LOCK_FOLDER).iterdir()) == [
        "acids.md.lock",
        "metals.md.lock",
    ]
    lines = lock_path_for(chemistry / "acids.md").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "notes2decks-lock"
    assert lines[1:] == sorted(lines[1:])
    sections = [json.loads(line)[0] for line in lines[1:]]
    assert sections.count("cards") == 3 and sections.count("glossary") == 2


def test_a_hidden_lock_of_an_earlier_version_is_migrated(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    make(chemistry, "-o", tmp_path / "out")
    texts = {}
    # The same notes as version 3 kept them: hidden, one per notes file, keyed by identity.
    for name in ("acids.md", "metals.md"):
        lock = lock_path_for(chemistry / name)
        sections: dict[str, dict[str, object]] = {
            s: {} for s in ("cards", "removed", "glossary", "removed_glossary")
        }
        texts[name] = lock.read_text(encoding="utf-8")
        for line in texts[name].splitlines()[1:]:
            section, _, value = json.loads(line)
            if section != "inputs":
                note = value.pop("note")
                sections[section][note] = value
        old = {"format": "notes2decks-lock", "version": 3, "generation": 1, "time": T0, **sections}
        legacy_lock_path(lock).write_text(json.dumps(old, indent=1), encoding="utf-8")
        lock.unlink()
    (chemistry / LOCK_FOLDER).rmdir()
    migrated = make(chemistry, "-o", tmp_path / "out", "--force")
    assert "made" not in migrated.output and "no longer" not in migrated.output
    for name, text in texts.items():
        assert lock_path_for(chemistry / name).read_text(encoding="utf-8") == text
    assert not list(chemistry.glob(".*"))


@pytest.mark.skipif(shutil.which("git") is None, reason="merges with git")
def test_two_peoples_edits_to_different_notes_merge_in_git(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    notes = chemistry / "acids.md"
    make(chemistry, "-o", tmp_path / "out")
    lock = lock_path_for(notes)
    base = lock.read_text(encoding="utf-8")
    edit(notes, "- The reaction gives out heat", "- The reaction is exothermic")
    make(chemistry, "-o", tmp_path / "out")
    ours = lock.read_text(encoding="utf-8")
    edit(notes, "- The reaction is exothermic", "- The reaction gives out heat")
    lock.write_text(base, encoding="utf-8")
    edit(notes, "Base\n: A substance that accepts protons.", "Base\n: A proton acceptor.")
    make(chemistry, "-o", tmp_path / "out")
    theirs = lock.read_text(encoding="utf-8")

    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    # With `notes2decks-lock/** merge=union` in .gitattributes, as the README suggests.
    merge = subprocess.run(
        ["git", "merge-file", "--union", "-p", *paths], capture_output=True, text=True
    )
    assert merge.returncode == 0, merge.stdout
    edit(notes, "- The reaction gives out heat", "- The reaction is exothermic")
    lock.write_text(merge.stdout, encoding="utf-8")
    merged = make(chemistry, "-o", tmp_path / "out")
    assert "damaged" not in merged.output and "no longer" not in merged.output
    # Each side's note keeps the time it was given there.
    times = {}
    for line in lock.read_text(encoding="utf-8").splitlines()[1:]:
        section, key, value = json.loads(line)
        if section != "inputs":
            times[key] = value["time"]
    assert times["glossary/base"] == times["revision/neutralisation"] > T0
    assert times["glossary/acid"] == T0


def package_notes(package: Path) -> dict[str, tuple[int, str]]:
    """Each note of a package by GUID: its time and fields."""
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", package.parent / "read")
    db = sqlite3.connect(package.parent / "read" / "collection.anki2")
    try:
        return {g: (m, f) for g, m, f in db.execute("SELECT guid, mod, flds FROM notes")}
    finally:
        db.close()


def test_recovery_gives_each_packaged_note_to_one_card_and_keeps_every_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chemistry = notes_folder(tmp_path)
    # Two cards with one front, and formatting that the package's HTML shows otherwise.
    (chemistry / "methods.md").write_text(
        "# Methods\n\n## Method\n\n- Fill the `burette`'s tube\n\n"
        "## Method\n\n- Draw a *pencil* line\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    make(chemistry, "-o", out)
    before = {name: package_notes(out / f"{name}.apkg") for name in ("acids", "methods")}
    assert len(before["methods"]) == 2
    shutil.rmtree(chemistry / LOCK_FOLDER)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T0 + 3600))
    make(chemistry, "-o", out, "--force")
    after = {name: package_notes(out / f"{name}.apkg") for name in ("acids", "methods")}
    assert after == before


def test_a_removed_note_deleted_in_anki_stays_deleted(tmp_path: Path) -> None:
    chemistry = notes_folder(tmp_path)
    notes, out = chemistry / "metals.md", tmp_path / "out"
    make(chemistry, "-o", out)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, out / "metals.apkg")
    review_everything(col)

    edit(notes, "Q: Which gas do metals give off with acids?\nA: Hydrogen\n", "")
    removed = make(chemistry, "-o", out)
    assert "'Which gas do metals give off with acids?' is no longer in the notes" in removed.output
    assert import_package(col, out / "metals.apkg").counts["new"] == 0
    (gone,) = col.find_notes("tag:notes2decks::removed")
    col.remove_notes([gone])

    # The next change of the notes no longer ships it: the deleted note does not come back.
    edit(notes, "- Gold hardly reacts at all", "- Gold does not react with water")
    make(chemistry, "-o", out)
    log = import_package(col, out / "metals.apkg")
    assert log.counts["new"] == 0 and log.counts["updated"] == 1, log.counts
    assert col.find_notes("tag:notes2decks::removed") == []
    assert "Which gas" not in " ".join(notes_by_front(col))
    col.close()
