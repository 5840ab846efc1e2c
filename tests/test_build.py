"""The build library: finding notes, mirroring folders, the cache, failures that lose nothing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import notes2decks.build as build_module
from helpers import FIXTURES
from notes2decks.build import build, find_notes
from notes2decks.errors import NotesError
from notes2decks.options import BuildOptions

COLD_WAR = FIXTURES / "cardset" / "cold-war-origins.txt"
CSV_ONLY = BuildOptions(formats=("csv",), jobs=1)


def make_notes(root: Path) -> Path:
    notes = root / "notes"
    (notes / "history" / "europe").mkdir(parents=True)
    shutil.copy(COLD_WAR, notes / "history" / "europe" / "cold-war.txt")
    (notes / "cards.txt").write_text("q1 | a1\nq2 | a2\n", encoding="utf-8")
    return notes


def test_find_notes_walks_folders_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    (notes / ".hidden.md").write_text("# x\n", encoding="utf-8")
    (notes / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (notes / ".git").mkdir()
    (notes / ".git" / "x.md").write_text("# x\n", encoding="utf-8")
    found = find_notes([notes])
    assert [f.stem.as_posix() for f in found] == ["cards", "history/europe/cold-war"]


def test_symlink_loops_do_not_trap_the_walk(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    (notes / "history" / "loop").symlink_to(notes, target_is_directory=True)
    assert len(find_notes([notes])) == 2


def test_a_file_named_twice_is_found_once(tmp_path: Path) -> None:
    # By a link beside it, by the folder and the file both given, and through a linked folder.
    notes = make_notes(tmp_path)
    (notes / "same-cards.txt").symlink_to("cards.txt")
    (tmp_path / "linked").symlink_to(notes, target_is_directory=True)
    found = find_notes([notes, notes / "cards.txt", tmp_path / "linked"])
    assert [f.stem.as_posix() for f in found] == ["cards", "history/europe/cold-war"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotesError, match="no such file or folder"):
        find_notes([tmp_path / "missing"])


def test_outputs_mirror_the_folders_and_decks_follow_them(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    report = build([notes], out, CSV_ONLY)
    assert report.ok, report.failed
    assert (out / "history" / "europe" / "cold-war-glossary.csv").is_file()
    decks = {r.file.stem.as_posix(): r.deck_path for r in report.results}
    assert decks == {
        "cards": "Cards",
        "history/europe/cold-war": "History::Europe::The Origins of the Cold War 1945-1949",
    }
    assert not [p for p in out.rglob(".notes2decks-*") if p.is_dir()]


def test_clashing_outputs_are_an_error_not_an_overwrite(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    (notes / "cards.md").write_text("# Cards\n\n## Q\n\nA fact.\n", encoding="utf-8")
    report = build([notes], tmp_path / "out", CSV_ONLY)
    assert not report.ok
    assert any("would overwrite" in e.message for e in report.errors)


def test_no_change_rebuild_skips_and_one_change_rebuilds_only_that_file(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    first = build([notes], out, CSV_ONLY)
    cards_csv = out / "cards-glossary.csv"
    cold_csv = out / "history" / "europe" / "cold-war-glossary.csv"
    before = {p: p.stat().st_mtime_ns for p in (cards_csv, cold_csv)}

    combined = (out / "glossary.csv").stat().st_mtime_ns
    again = build([notes], out, CSV_ONLY)
    assert [r.cached for r in again.results] == [True, True]
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert (out / "glossary.csv").stat().st_mtime_ns == combined
    assert "0 outputs written" in again.summary()
    assert sum(r.cards for r in again.results) == sum(r.cards for r in first.results) > 8

    # A changed file is built again, but outputs whose bytes are the same are not rewritten.
    (notes / "cards.txt").write_text("q1 | a1\nq2 | a2 changed\n", encoding="utf-8")
    third = build([notes], out, CSV_ONLY)
    assert [r.cached for r in third.results] == [False, True]
    assert {p: p.stat().st_mtime_ns for p in before} == before
    assert (out / "glossary.csv").stat().st_mtime_ns == combined
    assert "0 outputs written" in third.summary()

    (notes / "cards.txt").write_text("What is osmosis? | water crossing a membrane\n", "utf-8")
    fourth = build([notes], out, CSV_ONLY)
    assert [r.cached for r in fourth.results] == [False, True]
    assert "osmosis" in cards_csv.read_text(encoding="utf-8-sig")
    assert "osmosis" in (out / "glossary.csv").read_text(encoding="utf-8-sig")
    assert cold_csv.stat().st_mtime_ns == before[cold_csv]
    assert "2 outputs written" in fourth.summary()

    forced = build([notes], out, BuildOptions(formats=("csv",), jobs=1, force=True))
    assert [r.cached for r in forced.results] == [False, False]


def test_options_and_deleted_outputs_invalidate_the_cache(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    build([notes], out, CSV_ONLY)
    (out / "cards-glossary.csv").unlink()
    assert [r.cached for r in build([notes], out, CSV_ONLY).results] == [False, True]
    anki = BuildOptions(formats=("csv",), jobs=1, csv_anki=True)
    assert [r.cached for r in build([notes], out, anki).results] == [False, False]


def test_a_failing_file_keeps_its_previous_outputs_and_others_build(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    options = BuildOptions(jobs=1)
    build([notes], out, options)
    previous = {p: p.read_bytes() for p in out.glob("cards*") if p.is_file()}
    assert len(previous) == 3

    (notes / "cards.txt").write_bytes(b"\x00\x01binary")
    os.utime(COLD_WAR)
    report = build([notes], out, BuildOptions(jobs=1, force=True))
    assert [r.error is not None for r in report.results] == [True, False]
    assert report.results[0].error is not None
    assert "binary" in report.results[0].error.message
    assert {p: p.read_bytes() for p in previous} == previous


def test_parallel_build_gives_the_same_outputs_as_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes(tmp_path)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build([notes], serial, BuildOptions(jobs=1, lock=False))
    build([notes], parallel, BuildOptions(jobs=2, lock=False))

    def outputs(folder: Path) -> list[Path]:
        return sorted(
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    assert outputs(serial) == outputs(parallel) and len(outputs(serial)) == 7
    for name in outputs(serial):
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_read_only_notes_get_their_lock_file_in_the_output_folder(tmp_path: Path) -> None:
    notes = tmp_path / "shared"
    notes.mkdir()
    shutil.copy(COLD_WAR, notes / "cold-war.txt")
    notes.chmod(0o555)
    try:
        report = build([notes], tmp_path / "out", BuildOptions(formats=("apkg",), jobs=1))
        assert report.ok, report.failed
        assert sorted(p.name for p in notes.iterdir()) == ["cold-war.txt"]
        locks = list((tmp_path / "out").rglob("*.lock"))
        assert [p.relative_to(tmp_path / "out").as_posix() for p in locks] == [
            ".notes2decks-locks/notes2decks-lock/cold-war.txt.lock"
        ]
        # The first build's note says where the lock files are, not "beside the notes".
        said = [w.message for r in report.results for w in r.warnings if w.severity == "note"]
        assert len(said) == 1
        assert said[0].startswith(f"made {locks[0].parent}/, as the notes' folder cannot be")
    finally:
        notes.chmod(0o755)


def test_writable_notes_keep_their_lock_file_beside_them(tmp_path: Path) -> None:
    notes = make_notes(tmp_path)
    build([notes], tmp_path / "out", BuildOptions(formats=("apkg",), jobs=1))
    assert (notes / "notes2decks-lock" / "cards.txt.lock").is_file()
    assert not list((tmp_path / "out").rglob("*.lock"))


def test_a_changed_tool_invalidates_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notes2decks.build import cache

    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    build([notes], out, CSV_ONLY)
    assert all(r.cached for r in build([notes], out, CSV_ONLY).results)
    monkeypatch.setattr(cache, "code_digest", lambda: "an exporter was edited")
    assert not any(r.cached for r in build([notes], out, CSV_ONLY).results)


def test_two_files_of_one_deck_are_warned_about_when_a_front_is_in_both(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("a.md", "b.md"):
        (notes / name).write_text("# Waves\n\n## Definition\n\nA fact.\n", encoding="utf-8")
    # One deck, other fronts (as notes written for one Obsidian plugin deck): no clash.
    (notes / "c.md").write_text("# Waves\n\n## Nodes\n\nA fact.\n", encoding="utf-8")
    for _ in range(2):  # built, then taken from the cache
        report = build([notes], tmp_path / "out", CSV_ONLY)
        assert report.ok
        warned = [w for w in report.warnings if "is also the deck of" in w.message]
        assert [(w.file, w.message.split(":")[0]) for w in warned] == [
            (
                str(notes / "b.md"),
                f"its deck 'Waves' is also the deck of {notes / 'a.md'}, and both have a card "
                "'definition'",
            )
        ]


def test_an_output_that_lost_its_content_is_built_again(tmp_path: Path) -> None:
    # Outputs are not flushed to the disk before their rename: after a power cut one may be
    # left empty, with notes and cache unchanged. The cache knows the size it had.
    notes = make_notes(tmp_path)
    out = tmp_path / "out"
    build([notes], out, CSV_ONLY)
    emptied = sorted(out.rglob("*-glossary.csv"))[0]
    size = emptied.stat().st_size
    emptied.write_bytes(b"")
    results = build([notes], out, CSV_ONLY).results
    rebuilt = [r for r in results if not r.cached]
    assert [r.file.stem.name + "-glossary.csv" for r in rebuilt] == [emptied.name]
    assert emptied.stat().st_size == size


def test_notes_saved_during_a_build_are_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a --watch build would see it: the notes are saved again while they are being built.
    notes = make_notes(tmp_path)
    cards = notes / "cards.txt"
    out = tmp_path / "out"
    read = build_module.read_notes_text

    def saved_while_read(path: Path, **kwargs: Any) -> Any:
        read_back = read(path, **kwargs)
        if Path(path) == cards:
            cards.write_text("q1 | a1\nq2 | saved during the build\n", encoding="utf-8")
        return read_back

    monkeypatch.setattr(build_module, "read_notes_text", saved_while_read)
    first = build([notes], out, CSV_ONLY)
    assert first.ok
    monkeypatch.setattr(build_module, "read_notes_text", read)
    again = build([notes], out, CSV_ONLY)
    assert [r.cached for r in again.results] == [False, True]
    assert [r.cached for r in build([notes], out, CSV_ONLY).results] == [True, True]


def test_a_forced_rebuild_of_unchanged_notes_takes_their_cards_from_the_lock(
    tmp_path: Path,
) -> None:
    # From the same inputs, a rebuild takes each card's entry as the lock holds it instead of
    # writing the card again. A hash marked in the lock shows which happened: an entry taken
    # as it is keeps the mark; a card written again replaces it with the card's own hash.
    from notes2decks.enrich.lock import lock_path_for

    notes = tmp_path / "notes"
    notes.mkdir()
    topic = notes / "topic.md"
    topic.write_text("## One\n\n- a fact\n\n## Two\n\n- another fact\n", encoding="utf-8")
    out = tmp_path / "out"
    forced = BuildOptions(formats=("apkg",), jobs=1, force=True)
    build([notes], out, forced)
    lock = lock_path_for(topic)
    text = lock.read_text(encoding="utf-8")
    real = json.loads(text.splitlines()[1])[2]["hash"]
    mark = "0" * len(real)
    marked = text.replace(f'"hash":"{real}"', f'"hash":"{mark}"')
    assert marked != text
    lock.write_text(marked, encoding="utf-8")
    apkg = (out / "topic.apkg").read_bytes()

    build([notes], out, forced)
    assert lock.read_text(encoding="utf-8") == marked
    assert (out / "topic.apkg").read_bytes() == apkg

    topic.write_text("## One\n\n- a fact\n\n## Two\n\n- another fact, edited\n", encoding="utf-8")
    build([notes], out, forced)
    rewritten = lock.read_text(encoding="utf-8")
    assert f'"hash":"{mark}"' not in rewritten and f'"hash":"{real}"' in rewritten


def test_a_warning_many_files_share_is_said_once(tmp_path: Path) -> None:
    # A vault whose every note carries a plugin's key: one warning, naming the other files.
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(6):
        (notes / f"n{n}.md").write_text(
            f"---\nmod-date: 2023\n---\n# Topic {n}\n\n## Card {n}\n\n- a fact\n", encoding="utf-8"
        )
    (notes / "other.md").write_text("---\nsubjekt: x\n---\n## Card\n\n- a fact\n", "utf-8")
    report = build([notes], tmp_path / "out", CSV_ONLY)
    messages = [(Path(w.file).name, w.message) for w in report.warnings]
    assert len(messages) == 2
    assert messages[0][0] == "n0.md" and "unknown key 'mod-date'" in messages[0][1]
    assert messages[0][1].endswith(
        f"(the same in 5 more files: {notes / 'n1.md'}, {notes / 'n2.md'}, {notes / 'n3.md'}, ...)"
    )
    assert messages[1][0] == "other.md"
