"""Reproducible builds: the same notes give byte-identical outputs whatever the hash seed, the
wall clock, the time zone or the number of workers; SOURCE_DATE_EPOCH, when set, is the date
every output carries, and otherwise the notes files' own modification times are.

Builds run as real `make-deck` processes (so that PYTHONHASHSEED and TZ take effect), each in a
fresh copy of the same notes, named by the same relative paths.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pypdf
import pytest

from helpers import FIXTURES

EPOCH = 1_700_000_000
LATER = 1_800_000_000


def make_notes(folder: Path) -> Path:
    """Every reader and every feature that dates or orders things: a Markdown file with an image,
    math, cloze and a glossary; a card set (auto cloze, extracted glossary); flashcards."""
    notes = folder / "notes"
    history = notes / "history"
    history.mkdir(parents=True)
    shutil.copy(FIXTURES / "apkg" / "russia.md", history / "russia.md")
    shutil.copytree(FIXTURES / "apkg" / "img", history / "img")
    shutil.copy(FIXTURES / "cardset" / "cold-war-origins.txt", history / "cold-war.txt")
    (notes / "biology").mkdir()
    shutil.copy(FIXTURES / "delimited" / "biology" / "cells.txt", notes / "biology" / "cells.txt")
    return notes


def fresh(root: Path, run: str) -> Path:
    """A fresh copy of the notes, always at `root/work` (the build folder's own test is
    `test_the_build_folder_changes_no_byte`); the last run's folder is kept beside it."""
    work = root / "work"
    if work.exists():
        work.rename(root / f"before-{run}")
    make_notes(work)
    return work


def make_deck(folder: Path, *args: str, **env: str) -> float:
    """Build `notes` into `out` inside `folder`; returns the wall-clock time it started at."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
    environ.update(env)
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", "notes2decks", "build", "notes", "-o", "out", "-q", *args],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return started


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output, and every lock file beside the notes (the build writes those too)."""
    out = folder / "out"
    files = {
        f"out/{p.relative_to(out).as_posix()}": p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".notes2decks-cache.json"
    }
    notes = folder / "notes"
    files.update(
        {f"notes/{p.relative_to(notes).as_posix()}": p.read_bytes() for p in notes.rglob("*.lock")}
    )
    return files


def pdf_date(pdf: Path) -> datetime.datetime:
    date = pypdf.PdfReader(pdf).metadata.creation_date
    assert date is not None
    return date


def note_times(package: Path) -> set[int]:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(package) as archive:
            db.write_bytes(archive.read("collection.anki2"))
        con = sqlite3.connect(db)
        try:
            return {row[0] for row in con.execute("SELECT mod FROM notes")}
        finally:
            con.close()


@pytest.mark.slow
def test_hash_seed_clock_time_zone_and_workers_change_no_byte(tmp_path: Path) -> None:
    work = fresh(tmp_path, "first")
    epoch = str(EPOCH)
    started = make_deck(work, "-j", "1", SOURCE_DATE_EPOCH=epoch, PYTHONHASHSEED="1", TZ="UTC")
    built = snapshot(work)
    kinds = {name.rsplit(".", 1)[-1] for name in built}
    assert {"apkg", "pdf", "csv", "lock"} <= kinds
    assert len([name for name in built if name.endswith(".apkg")]) == 3

    work = fresh(tmp_path, "second")
    time.sleep(max(0.0, started + 1.1 - time.time()))
    again = make_deck(
        work, "-j", "2", SOURCE_DATE_EPOCH=epoch, PYTHONHASHSEED="2", TZ="Pacific/Auckland"
    )
    assert int(again) > int(started), "the second build must run in a later second"
    assert snapshot(work) == built

    # A rebuild of unchanged notes in place, their lock files present, changes nothing either.
    make_deck(work, "--force", SOURCE_DATE_EPOCH=epoch, PYTHONHASHSEED="3")
    assert snapshot(work) == built


@pytest.mark.slow
def test_the_build_folder_changes_no_byte(tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "elsewhere" / "deeper"
    for folder in (here, there):
        make_notes(folder)
        make_deck(folder, "-j", "1", SOURCE_DATE_EPOCH=str(EPOCH))
    assert snapshot(here) == snapshot(there)


@pytest.mark.slow
def test_source_date_epoch_dates_the_outputs(tmp_path: Path) -> None:
    built: dict[int, Path] = {}
    for epoch in (EPOCH, LATER):
        work = fresh(tmp_path, str(epoch))
        make_deck(work, "-j", "1", SOURCE_DATE_EPOCH=str(epoch))
        built[epoch] = work.rename(tmp_path / f"built-{epoch}")

    for name in ("history/russia", "history/cold-war", "biology/cells"):
        for epoch, folder in built.items():
            when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
            assert pdf_date(folder / "out" / f"{name}.pdf") == when
            assert note_times(folder / "out" / f"{name}.apkg") == {epoch}
        early, late = built[EPOCH] / "out", built[LATER] / "out"
        # The glossary carries no date: it is the same whatever the epoch.
        csv_name = f"{name}-glossary.csv"
        assert (early / csv_name).read_bytes() == (late / csv_name).read_bytes()
        assert (early / f"{name}.pdf").read_bytes() != (late / f"{name}.pdf").read_bytes()


@pytest.mark.slow
def test_without_source_date_epoch_the_notes_date_their_outputs(tmp_path: Path) -> None:
    stamps = {"history/russia.md": EPOCH, "history/cold-war.txt": EPOCH + 86_400}
    stamps["biology/cells.txt"] = EPOCH + 2 * 86_400
    built: list[dict[str, bytes]] = []
    started = 0.0
    for run, (seed, zone) in enumerate((("1", "UTC"), ("2", "America/New_York"))):
        work = fresh(tmp_path, str(run))
        for name, stamp in stamps.items():
            os.utime(work / "notes" / name, (stamp, stamp))
        time.sleep(max(0.0, started + 1.1 - time.time()))
        started = make_deck(work, "-j", str(run + 1), PYTHONHASHSEED=seed, TZ=zone)
        built.append(snapshot(work))
        for name, stamp in stamps.items():
            stem = name.rsplit(".", 1)[0]
            when = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)
            assert pdf_date(work / "out" / f"{stem}.pdf") == when
            assert note_times(work / "out" / f"{stem}.apkg") == {stamp}
    assert built[0] == built[1]
