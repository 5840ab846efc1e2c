"""What goes into a package's notes and collection, on any text.

- text is escaped as `html.escape` escapes it (without quotes), and a cloze field's text never
  reads as cloze syntax;
- fields lose the control characters Anki cannot store and keep everything else;
- the sort field and checksum are those Anki computes from the first field;
- the tags of one deck never leak into another;
- a collection built in memory holds what the same collection built through a scratch file
  (the way of a Python without sqlite3's `serialize`) holds;
- the empty collection that every package starts from is cached, and a damaged cache is made
  again.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anki_support import fresh_collection, import_package
from helpers import PNG_A, card, make_deck, para, rich_deck
from notes2decks.exporters.apkg import export_apkg
from notes2decks.exporters.apkg.collection import CAN_SERIALIZE, database_bytes, empty_collection
from notes2decks.exporters.apkg.html import Renderer
from notes2decks.exporters.apkg.notes import anki_tag, plan_notes
from notes2decks.model import CardKind, Image, SourceRef, Strong, Text
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
WHERE = SourceRef("notes/russia.md", 1)


def warn(diagnostic: object) -> None:
    raise AssertionError(f"unexpected warning: {diagnostic}")


def without_controls(text: str) -> str:
    """The text with control characters dropped, those Python counts as spaces made spaces."""
    return "".join(
        (" " if char.isspace() else "") if CONTROL.fullmatch(char) else char for char in text
    )


def tables(collection: bytes, folder: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table and the schema, as SQLite reads them from the file."""
    folder.mkdir(parents=True, exist_ok=True)
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


def package_notes(package: Path, folder: Path) -> list[tuple[object, ...]]:
    """The rows of the notes table of a package's collection."""
    with zipfile.ZipFile(package) as archive:
        return tables(archive.read("collection.anki2"), folder)["notes"]


# --------------------------------------------------------------------------- text and fields


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_is_escaped_as_html_escape_does_without_quotes(text: str) -> None:
    renderer = Renderer()
    assert renderer.inlines((Text(text),), WHERE) == html.escape(text, quote=False)
    cloze = renderer.inlines((Text(text),), WHERE, cloze_field=True)
    # Outside a cloze only an opening `{{c1` is cloze syntax; everything else stays plain.
    assert not re.search(r"\{\{\s*c\d", cloze, re.IGNORECASE)
    assert "&#58;" not in cloze and "&#125;" not in cloze
    assert html.unescape(cloze) == text


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_fields_lose_control_characters_and_keep_everything_else(front: str, back: str) -> None:
    deck = make_deck(card(CardKind.BASIC, front, para(back)))
    (note,) = plan_notes(deck, Renderer(), lambda _: None)
    assert note.fields[0] == without_controls(html.escape(front, quote=False))
    assert note.fields[1] == f"<p>{without_controls(html.escape(back, quote=False))}</p>"
    assert not any(CONTROL.search(field) for field in note.fields)


def test_a_field_separator_in_the_notes_does_not_split_a_field(tmp_path: Path) -> None:
    front = "Who\x1fwas\x00 it?\x0b"
    deck = make_deck(card(CardKind.BASIC, front, para("Sta\x1flin\x07")))
    export_apkg(deck, tmp_path / "a.apkg", BuildOptions(), lambda _: None)
    col = fresh_collection(tmp_path / "anki")
    assert import_package(col, tmp_path / "a.apkg").counts["new"] == 1
    (note,) = [col.get_note(n) for n in col.find_notes("")]
    assert note.fields[:2] == ["Who was it? ", "<p>Sta lin</p>"]
    col.close()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    path = tmp_path_factory.mktemp("img") / "diagram.png"
    path.write_bytes(PNG_A)
    return Image("diagram.png", path, "a <diagram>")


def sort_field(first_field: str) -> str:
    """The first field as Anki sorts it: markup dropped, images shown by file name."""
    text = re.sub(r"<img[^>]*src=\"([^\"]*)\"[^>]*>", r" \1 ", first_field)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


@settings(max_examples=100, deadline=None)
@given(plain=TEXT, bold=TEXT, with_image=st.booleans())
def test_the_sort_field_is_the_text_of_the_first_field(
    plain: str, bold: str, with_image: bool, image: Image, tmp_path_factory: pytest.TempPathFactory
) -> None:
    front = (Text(plain), Strong((Text(bold),)), *((image,) if with_image else ()))
    folder = tmp_path_factory.mktemp("sort")
    export_apkg(make_deck(card(CardKind.BASIC, front)), folder / "a.apkg", BuildOptions(), warn)
    with zipfile.ZipFile(folder / "a.apkg") as archive:
        (folder / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(folder / "collection.anki2")
    try:
        (fields,) = conn.execute("SELECT flds FROM notes").fetchone()
        expected = sort_field(fields.split("\x1f")[0])
        # Compared in SQL: the column's numeric affinity stores a sort field like "12" as 12.
        same, csum = conn.execute("SELECT sfld = ?, csum FROM notes", (expected,)).fetchone()
    finally:
        conn.close()
    assert same == 1
    if with_image:
        assert re.search(r" diagram-[0-9a-f]{8}\.png $", expected)
    assert csum == int.from_bytes(hashlib.sha1(expected.encode()).digest()[:4], "big")


def test_anki_finds_the_sort_field_and_checksum_that_packages_hold(
    tmp_path: Path, image: Image
) -> None:
    fronts = [
        (Text(" x < y & z "),),
        (Text("The "), Strong((Text("Triumvirate"),)), Text(" &amp; ")),
        (Text("Map: "), image),
        (Text("a\u00a0b\tc"),),
    ]
    deck = make_deck(*(card(CardKind.BASIC, front, para("A")) for front in fronts))
    export_apkg(deck, tmp_path / "a.apkg", BuildOptions(), lambda _: None)
    ours = {row[1]: row[7:9] for row in package_notes(tmp_path / "a.apkg", tmp_path / "ours")}
    col = fresh_collection(tmp_path / "anki")
    assert import_package(col, tmp_path / "a.apkg").counts["new"] == len(fronts)
    # Anki works the sort field and checksum out again on import, from the first field.
    theirs = {
        guid: (sfld, csum) for guid, sfld, csum in col.db.all("SELECT guid, sfld, csum FROM notes")
    }
    col.close()
    assert ours == theirs


# --------------------------------------------------------------------------- tags


TAGS = st.lists(st.sampled_from(["Year 12", "year 12", "a b", "x:::y", " ::z:: ", "Ab", "ab"]))


def expected_tags(*groups: tuple[str, ...]) -> set[str]:
    return {anki_tag(tag).casefold() for group in groups for tag in group if anki_tag(tag)}


@settings(max_examples=200, deadline=None)
@given(TAGS, TAGS, TAGS)
def test_notes_have_their_deck_and_card_tags_once_each(
    deck_tags: list[str], card_tags: list[str], other_tags: list[str]
) -> None:
    for tags in (deck_tags, other_tags, deck_tags):
        deck = make_deck(
            card(CardKind.BASIC, "Q", para("A"), tags=tuple(card_tags)), tags=tuple(tags)
        )
        (note,) = plan_notes(deck, Renderer(), lambda _: None)
        assert len({tag.casefold() for tag in note.tags}) == len(note.tags)
        assert {tag.casefold() for tag in note.tags} == expected_tags(tuple(tags), tuple(card_tags))
        assert list(note.tags) == sorted(note.tags, key=lambda t: (t.casefold(), t))


def test_decks_keep_their_own_tags(tmp_path: Path) -> None:
    for name, tags in (("a", ("biology", "unit 1")), ("b", ("history",)), ("c", ())):
        dest = tmp_path / f"{name}.apkg"
        deck = make_deck(card(CardKind.BASIC, f"Question {name}", para("Answer")), tags=tags)
        export_apkg(deck, dest, BuildOptions(), lambda _: None)
        rows = package_notes(dest, tmp_path / name)
        expected = {anki_tag(tag) for tag in tags}
        assert rows
        for row in rows:
            assert set(str(row[5]).split()) == expected


# --------------------------------------------------------------------------- the collection


def add_notes(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT INTO notes VALUES (?, ?, 1, 1, -1, '', ?, ?, 1, 0, '')",
        [(i, f"g{i}", f"front {i}\x1fback", f"front {i}") for i in range(1, 200)],
    )


@pytest.mark.skipif(not CAN_SERIALIZE, reason="sqlite3 cannot serialize a database here")
def test_a_database_built_in_memory_holds_what_a_scratch_file_holds(tmp_path: Path) -> None:
    empty = empty_collection()
    in_memory = database_bytes(empty, add_notes, in_memory=True)
    through_a_file = database_bytes(empty, add_notes, in_memory=False)
    got = tables(in_memory, tmp_path / "memory")
    assert got == tables(through_a_file, tmp_path / "file")
    assert len(got["notes"]) == 199
    assert tables(empty, tmp_path / "empty")["col"] == got["col"]


# --------------------------------------------------------------------- the cached empty collection


def fresh_empty_collection() -> bytes:
    """The empty collection made the plain way, from genanki's schema, with no cache involved."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    def fill(conn: sqlite3.Connection) -> None:
        conn.executescript(APKG_SCHEMA)
        conn.executescript(APKG_COL)

    return database_bytes(b"", fill)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    empty_collection.cache_clear()
    yield home / "notes2decks"
    empty_collection.cache_clear()


def test_the_empty_collection_is_cached_and_read_back_without_genanki(cache_home: Path) -> None:
    made = empty_collection()
    assert made == fresh_empty_collection()
    (cached,) = cache_home.glob("empty-collection-*.anki2")
    assert cached.read_bytes() == made

    # A new process finds it, and so never imports genanki (and asyncio with it).
    probe = (
        "import sys, hashlib\n"
        "from notes2decks.exporters.apkg.collection import empty_collection\n"
        "data = empty_collection()\n"
        "print('genanki' in sys.modules, hashlib.sha256(data).hexdigest())\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", hashlib.sha256(made).hexdigest()]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "a collection with a note"])
def test_a_damaged_cached_collection_is_made_again(cache_home: Path, damage: str) -> None:
    good = empty_collection()
    (cached,) = cache_home.glob("empty-collection-*.anki2")
    if damage == "garbage":
        cached.write_bytes(b"not a database at all")
    elif damage == "truncated":
        cached.write_bytes(good[: len(good) // 3])
    else:
        cached.write_bytes(database_bytes(good, add_notes))
    empty_collection.cache_clear()
    assert empty_collection() == good
    assert cached.read_bytes() == good


def test_packages_build_when_the_cache_folder_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    empty_collection.cache_clear()
    try:
        dest = tmp_path / "deck.apkg"
        export_apkg(rich_deck(tmp_path / "img"), dest, BuildOptions(), lambda _: None)
        assert package_notes(dest, tmp_path / "read")
        assert empty_collection() == fresh_empty_collection()
    finally:
        empty_collection.cache_clear()
