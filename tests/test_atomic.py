"""Atomic writes: a build killed at any moment leaves every output as it was or as the new build
makes it, never a torn file, and the next build cleans up after it.

Every output is written to a temporary file (in a staging folder inside the output folder) and
renamed into place; a file's outputs are renamed only once all of its formats succeeded. These
tests kill real `make-deck` processes with SIGKILL, which no clean-up code can catch.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from notes2decks.atomic import atomic_path, private_folder, write_bytes
from notes2decks.build.staging import STAGING_PREFIX, remove_abandoned_staging

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kills process groups (POSIX)")

EPOCH = "1700000000"
COMMAND = [sys.executable, "-m", "notes2decks", "build", "notes", "-o", "out", "-q"]


def write_corpus(notes: Path, version: int, files: int = 24, cards: int = 30) -> None:
    """Card sets and Markdown notes in three folders; each version changes every card's facts
    (the dates and quoted terms stay, so auto cloze notes keep their identities)."""
    for number in range(files):
        folder = notes / f"topic{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        if number % 2:
            lines = [f"# Topic {number}", ""]
            for card in range(cards):
                lines += [
                    f"## Card {card} of topic {number}",
                    "",
                    f"- In {1900 + card} the 'Idea {number}' began.",
                    f"- Version {version} of this card says more about it.",
                    "",
                ]
            lines += ["## Glossary", "", f"Idea {number}", f": what version {version} defines"]
            (folder / f"notes{number}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            parts = [f"Topic {number}"]
            for card in range(cards):
                parts += [
                    f"Card {card} of topic {number}",
                    f"In {1900 + card} the 'Idea {number}' began.",
                    f"Version {version} of this card says more about it.",
                    f"{card + 1} of {cards}",
                ]
            text = "\n\n".join(parts) + "\n"
            (folder / f"notes{number}.txt").write_text(text, encoding="utf-8")


def environment() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def outputs(out: Path) -> dict[str, bytes]:
    """The outputs of a build: every file that is not hidden (caches, locks, staging)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(out).parts)
    }


def leftovers(out: Path) -> list[str]:
    """Hidden files and folders a build may leave while it runs, other than the cache and the
    lock folder."""
    found = []
    for path in out.rglob(".*"):
        name = path.relative_to(out).as_posix()
        if name == ".notes2decks-cache.json" or name.startswith(".notes2decks-locks"):
            continue
        found.append(name)
    return sorted(found)


def full_build(folder: Path) -> None:
    subprocess.run([*COMMAND, "-j", "2"], cwd=folder, env=environment(), check=True, timeout=300)


def replaced(out: Path, names: list[str], before: dict[str, int]) -> int:
    """How many of the outputs `names` were moved into place since `before` (their inodes):
    a rename puts a new file at the name."""
    count = 0
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            count += (out / name).stat().st_ino != before[name]
    return count


@pytest.mark.slow
def test_killing_a_build_leaves_each_output_old_or_new(tmp_path: Path) -> None:
    # The state before the build: version 1 built, version 2 written over its notes.
    before = tmp_path / "before"
    write_corpus(before / "notes", 1)
    full_build(before)
    old = outputs(before / "out")
    write_corpus(before / "notes", 2)

    # The complete new outputs, from an uninterrupted build of the same state.
    reference = tmp_path / "reference"
    shutil.copytree(before, reference, symlinks=True)
    full_build(reference)
    new = outputs(reference / "out")
    assert set(new) == set(old) and len(new) == 24 * 3 + 1
    changed = [name for name in new if new[name] != old[name]]
    assert {name.rsplit(".", 1)[-1] for name in changed} == {"apkg", "pdf", "csv"}

    # Kill builds of the same state at moments spread over the work: once a tenth, three
    # tenths, ... of the changed outputs have been moved into place. Each build starts where
    # the killed one left off, as a user's next attempt would.
    work = tmp_path / "work"
    shutil.copytree(before, work, symlinks=True)
    inodes = {name: (work / "out" / name).stat().st_ino for name in changed}
    mixed = 0
    for fraction in (0.1, 0.3, 0.5, 0.7, 0.9):
        process = subprocess.Popen(
            [*COMMAND, "-j", "2"], cwd=work, env=environment(), start_new_session=True
        )
        goal = max(1, int(len(changed) * fraction))
        while process.poll() is None and replaced(work / "out", changed, inodes) < goal:
            time.sleep(0.002)
        # The whole group: the workers of -j 2 must die with the build.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

        now = outputs(work / "out")
        assert set(now) == set(old), "an output vanished, or a temporary file was named as one"
        torn = [name for name, data in now.items() if data not in (old[name], new[name])]
        assert not torn, f"killed at {fraction:.0%}: torn outputs {torn}"
        renewed = sum(1 for name in changed if now[name] == new[name])
        mixed += 0 < renewed < len(changed)
        cache = work / "out" / ".notes2decks-cache.json"
        if cache.exists():
            assert isinstance(json.loads(cache.read_text(encoding="utf-8")), dict)
        for name in leftovers(work / "out"):
            assert name.startswith(STAGING_PREFIX) or name.endswith(".part"), name
    assert mixed, "no kill landed in the middle of the build: the corpus builds too fast"

    # The next build finishes the job and clears what the killed ones left.
    finish = subprocess.run(
        [*COMMAND, "-j", "2"], cwd=work, env=environment(), capture_output=True, text=True
    )
    assert finish.returncode == 0, finish.stderr
    assert outputs(work / "out") == new
    assert leftovers(work / "out") == []
    assert not [p for p in (work / "notes").rglob("*.part")]


# A child that rewrites one file as fast as it can, alternating two contents of a few MB.
_WRITER = """
import sys
from pathlib import Path
from notes2decks.atomic import write_bytes
dest = Path(sys.argv[1])
contents = [bytes([65 + i]) * (3 * 1024 * 1024 + i) for i in range(2)]
i = 0
while True:
    write_bytes(dest, contents[i % 2])
    i += 1
    if i == 2:
        print("writing", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.13, 0.31])
def test_a_write_killed_at_any_moment_leaves_a_whole_file(delay: float, tmp_path: Path) -> None:
    dest = tmp_path / "deck.apkg"
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(dest)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    time.sleep(delay)
    process.kill()
    process.wait()
    data = dest.read_bytes()
    assert data in (b"A" * (3 * 1024 * 1024), b"B" * (3 * 1024 * 1024 + 1))
    # A killed write may leave its hidden temporary file, never anything at another name ...
    assert {p.name for p in tmp_path.iterdir()} - {dest.name} <= {
        p.name for p in tmp_path.glob(f".{dest.name}.*.part")
    }
    # ... and the next write of the same file removes it.
    write_bytes(dest, b"the next build")
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]


def test_a_write_does_not_remove_the_temporary_of_a_live_writer(tmp_path: Path) -> None:
    dest = tmp_path / "glossary.csv"
    with atomic_path(dest) as first:
        first.write_bytes(b"first writer")
        write_bytes(dest, b"second writer, at the same time")
        assert first.read_bytes() == b"first writer"
    assert dest.read_bytes() == b"first writer"
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]


def test_a_failed_write_keeps_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / "cards.pdf"
    write_bytes(dest, b"old")
    with pytest.raises(RuntimeError), atomic_path(dest) as temporary:
        temporary.write_bytes(b"half a new fi")
        raise RuntimeError("the exporter failed")
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cards.pdf"]
    write_bytes(dest, b"new")
    assert dest.read_bytes() == b"new"
    assert oct(dest.stat().st_mode & 0o777) != oct(0o600), "outputs are for sharing"


_HOLDER = """
import sys, time
from pathlib import Path
from notes2decks.build.staging import staging_folder
with staging_folder(Path(sys.argv[1])) as folder:
    (folder / "deck.apkg").write_bytes(b"staged")
    print(folder.name, flush=True)
    time.sleep(60)
"""


def test_only_the_staging_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # A build that is still running, in another process.
    live = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert live.stdout is not None
        running = out / live.stdout.readline().strip()
        # A build killed mid-file, with its staged output and half-written temporary.
        killed = subprocess.Popen(
            [sys.executable, "-c", _HOLDER, str(out)], stdout=subprocess.PIPE, text=True
        )
        assert killed.stdout is not None
        dead = out / killed.stdout.readline().strip()
        (dead / ".deck.pdf.x1y2.part").write_bytes(b"%PDF-1.4 trunc")
        killed.kill()
        killed.wait()
        # A build killed between making its folder and claiming it, long ago and just now.
        unclaimed_old = out / f"{STAGING_PREFIX}unclaimed-old"
        unclaimed_old.mkdir()
        os.utime(unclaimed_old, (time.time() - 3600, time.time() - 3600))
        unclaimed_new = out / f"{STAGING_PREFIX}unclaimed-new"
        unclaimed_new.mkdir()
        # What else lives in the output folder and must stay.
        (out / ".notes2decks-locks").mkdir()
        (out / ".notes2decks-locks" / ".x.md.notes2decks.lock").write_text("{}", "utf-8")
        (out / ".notes2decks-cache.json").write_text("{}", encoding="utf-8")
        (out / "x.apkg").write_bytes(b"an output")
        (out / f"{STAGING_PREFIX}not-a-folder").write_text("a user's file", encoding="utf-8")

        removed = remove_abandoned_staging(out)

        assert sorted(removed) == sorted([dead, unclaimed_old])
        assert not dead.exists() and not unclaimed_old.exists()
        assert (running / "deck.apkg").read_bytes() == b"staged"
        assert unclaimed_new.is_dir()
        assert (out / ".notes2decks-locks" / ".x.md.notes2decks.lock").is_file()
        assert (out / ".notes2decks-cache.json").is_file()
        assert (out / "x.apkg").is_file()
        assert (out / f"{STAGING_PREFIX}not-a-folder").is_file()
    finally:
        live.kill()
        live.wait()


def test_only_durable_writes_wait_for_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd)))
    write_bytes(tmp_path / "lock", b"state")
    assert len(flushed) == 1
    write_bytes(tmp_path / "deck.apkg", b"output", durable=False)
    assert len(flushed) == 1
    assert (tmp_path / "deck.apkg").read_bytes() == b"output"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names open files from /proc")
def test_a_build_flushes_only_its_lock_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notes2decks.build import build
    from notes2decks.options import BuildOptions

    notes = tmp_path / "notes"
    notes.mkdir()
    for name in ("waves", "cells"):
        (notes / f"{name}.md").write_text(f"# {name}\n\n## A card\n\n- A fact.\n", "utf-8")
    flushed: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    report = build([notes], tmp_path / "out", BuildOptions(jobs=1))
    written = [path for result in report.results for path in result.outputs]
    assert report.ok and len(written) == 6  # an .apkg, a .pdf and a .csv per file
    # Each lock file's temporary, `.<lock name>.<random>.part`, and nothing else.
    assert sorted(Path(name).name.split(".lock.")[0] for name in flushed) == [
        ".cells.md",
        ".waves.md",
    ]


def test_writes_into_a_private_folder_go_straight_to_their_names(tmp_path: Path) -> None:
    private, shared = tmp_path / "staging", tmp_path / "out"
    private.mkdir()
    shared.mkdir()
    with private_folder(private):
        with atomic_path(private / "deck.apkg") as path:
            assert path == private / "deck.apkg"
            path.write_bytes(b"deck")
        with pytest.raises(RuntimeError), atomic_path(private / "cards.pdf") as path:
            path.write_bytes(b"half a PDF")
            raise RuntimeError("the exporter failed")
        # Elsewhere, even within the block, writes still go through a temporary file.
        with atomic_path(shared / "glossary.csv") as path:
            assert path.parent == shared and path.name != "glossary.csv"
            path.write_bytes(b"term,definition\n")
    assert sorted(p.name for p in private.iterdir()) == ["deck.apkg"]
    assert (shared / "glossary.csv").read_bytes() == b"term,definition\n"
    with atomic_path(private / "deck.apkg") as path:
        assert path != private / "deck.apkg"
        path.write_bytes(b"new deck")
    assert (private / "deck.apkg").read_bytes() == b"new deck"
