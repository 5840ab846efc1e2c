"""The shortcuts that make Anki packages quick to write give what the plain way gives.

- the collection built in memory holds what the same collection built through a scratch file
  (the way of a Python without sqlite3's `serialize`) holds;
- text escaping is `html.escape` without its quotes, and the field and sort-field clean-ups keep
  their meaning on any text, with or without their fast paths;
- the tags of one deck never leak into another through the cache of cleaned tag lists.
"""

from __future__ import annotations

import html
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import card, make_deck, para, rich_deck
from notes2decks.exporters import apkg
from notes2decks.exporters import html as html_export
from notes2decks.exporters.apkg import export_apkg, plan_notes
from notes2decks.exporters.html import Renderer
from notes2decks.model import CardKind
from notes2decks.options import BuildOptions

# Markup, entities, cloze syntax and every control character, among ordinary text.
TEXT = st.lists(
    st.one_of(
        st.sampled_from(list("<>&\"'{}:;/=#x \n\t\x00\x07\x0b\x0c\x1c\x1f\x7f\x85\xa0é")),
        st.sampled_from(["<b>", "</p>", '<img src="a.png" alt="x">', "&amp;", "&lt;", "&#58;"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
).map("".join)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tables(collection: bytes, folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table and the schema, as SQLite reads them from the file."""
    path = folder / "collection.anki2"
    path.write_bytes(collection)
    conn = sqlite3.connect(path)
    try:
        names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
        content = {
            name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in names
            if not name.startswith(("ix_", "sqlite_"))
        }
        content["schema"] = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        return content
    finally:
        conn.close()


def test_the_collection_in_memory_holds_what_the_scratch_file_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = rich_deck(tmp_path / "img")
    notes = plan_notes(deck, Renderer(), lambda _: None)
    in_memory = apkg.collection_bytes(notes, deck)

    monkeypatch.setattr(apkg, "_database_bytes", apkg._database_bytes_via_file)
    empty = apkg._empty_collection.__wrapped__()
    monkeypatch.setattr(apkg, "_empty_collection", lambda: empty)
    through_a_file = apkg.collection_bytes(notes, deck)

    first, second = tmp_path / "memory", tmp_path / "file"
    first.mkdir()
    second.mkdir()
    got = tables(in_memory, first)
    assert got == tables(through_a_file, second)
    assert len(got["notes"]) == len(notes)
    assert len(got["cards"]) == sum(len(note.card_ords) for note in notes)


def test_a_package_is_the_same_whichever_way_its_collection_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = rich_deck(tmp_path / "img")
    export_apkg(deck, tmp_path / "memory.apkg", BuildOptions(), lambda _: None)
    monkeypatch.setattr(apkg, "_database_bytes", apkg._database_bytes_via_file)
    export_apkg(deck, tmp_path / "file.apkg", BuildOptions(), lambda _: None)
    with (
        zipfile.ZipFile(tmp_path / "memory.apkg") as first,
        zipfile.ZipFile(tmp_path / "file.apkg") as second,
    ):
        assert first.namelist() == second.namelist()
        for name in first.namelist():
            if name != "collection.anki2":
                assert first.read(name) == second.read(name)
        folders = [tmp_path / "a", tmp_path / "b"]
        for folder in folders:
            folder.mkdir()
        assert tables(first.read("collection.anki2"), folders[0]) == tables(
            second.read("collection.anki2"), folders[1]
        )


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_is_escaped_as_html_escape_does_without_quotes(text: str) -> None:
    escaped = html_export._escape_text(text, cloze_field=False)
    assert escaped == html.escape(text, quote=False)
    cloze = html_export._escape_text(text, cloze_field=True)
    assert not re.search(r"[{}:]", cloze)
    assert html.unescape(cloze) == text


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_fields_lose_control_characters_and_keep_everything_else(text: str) -> None:
    cleaned = apkg._field_text(text)
    expected = "".join(
        (" " if char.isspace() else "") if CONTROL.fullmatch(char) else char for char in text
    )
    assert cleaned == expected
    assert "\x1f" not in cleaned


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_sort_field_is_the_text_of_the_first_field(text: str) -> None:
    # The plain way, without the shortcut for text without tags.
    plain = re.sub(r"<[^>]+>", "", re.sub(r"<img[^>]*src=\"([^\"]*)\"[^>]*>", r" \1 ", text))
    assert apkg._strip_html(text) == html.unescape(plain).strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Year 12", "year 12", "a b", "x:::y", " ::z:: ", "Ab", "ab"])))
def test_cached_tag_lists_are_those_of_their_own_tags(raw: list[str]) -> None:
    tags = apkg._tags(tuple(raw))
    assert tags == apkg._tags(tuple(raw))
    assert len({tag.casefold() for tag in tags}) == len(tags)
    assert {tag.casefold() for tag in tags} == {
        apkg.anki_tag(tag).casefold() for tag in raw if apkg.anki_tag(tag)
    }


def test_decks_keep_their_own_tags(tmp_path: Path) -> None:
    for name, tags in (("a", ("biology", "unit 1")), ("b", ("history",)), ("c", ())):
        dest = tmp_path / f"{name}.apkg"
        deck = make_deck(card(CardKind.BASIC, f"Question {name}", para("Answer")), tags=tags)
        export_apkg(deck, dest, BuildOptions(), lambda _: None)
        folder = tmp_path / name
        folder.mkdir()
        with zipfile.ZipFile(dest) as package:
            rows = tables(package.read("collection.anki2"), folder)["notes"]
        expected = {apkg.anki_tag(tag) for tag in tags}
        assert rows
        for row in rows:
            assert set(str(row[5]).split()) == expected


# ------------------------------------------------------------------ the cached empty collection


def _fresh_collection() -> bytes:
    """The empty collection made the plain way, from genanki's schema, with no cache involved."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    def fill(conn: sqlite3.Connection) -> None:
        conn.executescript(APKG_SCHEMA)
        conn.executescript(APKG_COL)

    return apkg._database_bytes(b"", fill)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    apkg._empty_collection.cache_clear()
    yield home / "notes2decks"
    apkg._empty_collection.cache_clear()


def test_the_empty_collection_is_cached_and_read_back_without_genanki(cache_home: Path) -> None:
    import os
    import subprocess
    import sys

    made = apkg._empty_collection()
    assert made == _fresh_collection()
    (cached,) = cache_home.glob("empty-collection-*.anki2")
    assert cached.read_bytes() == made

    # A new process finds it, and so never imports genanki (and asyncio with it).
    probe = (
        "import sys, hashlib\n"
        "from notes2decks.exporters import apkg\n"
        "data = apkg._empty_collection()\n"
        "print('genanki' in sys.modules, hashlib.sha256(data).hexdigest())\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    import hashlib

    assert out == ["False", hashlib.sha256(made).hexdigest()]


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "a collection with a note"],
)
def test_a_damaged_cached_collection_is_made_again(cache_home: Path, damage: str) -> None:
    good = apkg._empty_collection()
    (cached,) = cache_home.glob("empty-collection-*.anki2")
    if damage == "garbage":
        cached.write_bytes(b"not a database at all")
    elif damage == "truncated":
        cached.write_bytes(good[: len(good) // 3])
    else:

        def add_note(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO notes VALUES (1, 'g', 1, 1, -1, '', 'f', 'f', 1, 0, '')")

        cached.write_bytes(apkg._database_bytes(good, add_note))
    apkg._empty_collection.cache_clear()
    assert apkg._empty_collection() == good
    assert cached.read_bytes() == good


def test_packages_build_when_the_cache_folder_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    apkg._empty_collection.cache_clear()
    try:
        dest = tmp_path / "deck.apkg"
        export_apkg(rich_deck(tmp_path / "img"), dest, BuildOptions(), lambda _: None)
        with zipfile.ZipFile(dest) as package:
            assert tables(package.read("collection.anki2"), tmp_path)["notes"]
        assert apkg._empty_collection() == _fresh_collection()
    finally:
        apkg._empty_collection.cache_clear()
