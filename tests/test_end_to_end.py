"""End to end: `make-deck` on the repository's own `notes/`, and `--watch`, as a user runs them."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from anki_support import fresh_collection, import_package
from notes2decks.build import find_notes
from notes2decks.cli import make_deck
from notes2decks.model import CardKind, Text, walk_inlines
from notes2decks.show import load_deck

REPO_NOTES = Path(__file__).parent.parent / "notes"


def test_make_deck_on_the_repository_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    shutil.copytree(REPO_NOTES, notes, ignore=shutil.ignore_patterns(".*"))
    out = tmp_path / "out"
    result = CliRunner().invoke(make_deck, [str(notes), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output

    files = find_notes([notes])
    assert len(files) >= 2
    col = fresh_collection(tmp_path / "anki")
    for file in files:
        stem = out / file.stem
        deck = load_deck(file.path)
        log = import_package(col, stem.with_suffix(".apkg"))
        assert log.counts["conflicting"] == 0 and log.counts["duplicate"] == 0
        assert log.counts["new"] >= len(deck.cards)

        # Every word of every printed card's text is in the PDF (formulas are drawn, not text).
        pdf_words = set(
            re.findall(
                r"\w+",
                " ".join(
                    (page.extract_text() or "")
                    for page in PdfReader(stem.with_suffix(".pdf")).pages
                ),
            )
        )
        printed = dataclasses.replace(
            deck, cards=tuple(c for c in deck.cards if c.kind is not CardKind.CLOZE)
        )
        words = {
            word
            for node in walk_inlines(printed)
            if isinstance(node, Text)
            for word in re.findall(r"\w+", node.text)
        }
        assert words and words <= pdf_words, words - pdf_words
        with open(f"{stem}-glossary.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert {row["term"] for row in rows} >= {entry.term for entry in deck.glossary}

    names = {d.name for d in col.decks.all_names_and_ids()}
    assert "History::Russia" in names and "History::Russia::Glossary" in names
    col.close()


def test_watch_rebuilds_when_notes_change(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    cards = notes / "cards.txt"
    cards.write_text("q1 | a1\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "notes2decks",
            "build",
            str(notes),
            "-o",
            str(out),
            "--format",
            "csv",
            "--watch",
        ],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        output = out / "cards-glossary.csv"
        deadline = time.monotonic() + 60
        while not output.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        first = output.stat().st_mtime_ns
        time.sleep(1.0)  # the watcher is running once the first build is done
        cards.write_text(
            "q1 | a1\nWhat is osmosis? | Water moving across a membrane\n", encoding="utf-8"
        )
        while output.stat().st_mtime_ns == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert output.stat().st_mtime_ns != first, "no rebuild after the notes changed"
        assert "osmosis" in output.read_text(encoding="utf-8-sig").lower()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert "change seen, rebuilding" in stderr
    assert "Traceback" not in stderr
