"""The .apkg exporter, checked by importing its packages with the official Anki engine."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from anki_support import (
    body,
    fresh_collection,
    import_package,
    notes_by_front,
    review_everything,
    schedule_snapshot,
    visible_text,
)
from helpers import DECK_PATH, FIXTURES, NOTES, PNG_A, PNG_B, card, make_deck, para, rich_deck
from notes2decks.enrich.autocloze import add_auto_cloze
from notes2decks.enrich.lock import lock_path_for, reconcile, save_lock
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.exporters.apkg import export_apkg, notetypes
from notes2decks.exporters.apkg.collection import deck_id
from notes2decks.exporters.apkg.notes import anki_tag, note_guid
from notes2decks.exporters.apkg.notetypes import NOTE_TYPES, STYLE_FINGERPRINT, style_fingerprint
from notes2decks.identity import card_identity
from notes2decks.model import (
    REMOVED_TAG,
    CardKind,
    Cloze,
    Deck,
    GlossaryEntry,
    Image,
    Math,
    SourceRef,
    Text,
)
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes

APKG_FIXTURES = FIXTURES / "apkg"


def build(deck: Deck, dest: Path) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    export_apkg(deck, dest, BuildOptions(), warnings.append)
    return warnings


# --------------------------------------------------------------------------- import checks


def test_every_note_type_imports_with_its_cards_decks_tags_and_media(tmp_path: Path) -> None:
    package = tmp_path / "out" / "russia.apkg"
    assert build(rich_deck(tmp_path / "notes" / "img"), package) == []
    col = fresh_collection(tmp_path / "anki")
    log = import_package(col, package)
    assert log.counts["new"] == 5
    assert sum(log.counts.values()) == 5

    notes = notes_by_front(col)
    cards_per_type = {note.note_type()["name"]: len(note.card_ids()) for note in notes.values()}
    assert cards_per_type == {
        "notes2decks Revision v2": 1,
        "notes2decks Basic v2": 1,
        "notes2decks Basic (and reversed) v2": 2,
        "notes2decks Cloze v2": 3,
        "notes2decks Glossary v2": 2,
    }
    deck_names = {name.name for name in col.decks.all_names_and_ids()}
    assert {"History", DECK_PATH, f"{DECK_PATH}::Glossary"} <= deck_names
    glossary = notes["Politburo"]
    assert {col.decks.name(col.get_card(c).did) for c in glossary.card_ids()} == {
        f"{DECK_PATH}::Glossary"
    }
    revision = notes["Stalin's rise"]
    assert {col.decks.name(col.get_card(c).did) for c in revision.card_ids()} == {DECK_PATH}
    assert sorted(revision.tags) == sorted(
        ["key_dates", "people::stalin", "russia::power_struggle", "year_12"]
    )
    assert sorted(glossary.tags) == ["russia::power_struggle", "year_12"]

    media = Path(col.media.dir())
    stored = [p.name for p in media.iterdir()]
    assert len(stored) == 1 and stored[0].endswith(".png")
    assert (media / stored[0]).read_bytes() == PNG_A
    assert f'<img src="{stored[0]}" alt="Party structure">' in revision.fields[1]
    col.close()


def test_rendered_questions_and_answers(tmp_path: Path) -> None:
    package = tmp_path / "russia.apkg"
    build(rich_deck(tmp_path / "img"), package)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, package)
    notes = notes_by_front(col)

    revision = col.get_card(notes["Stalin's rise"].card_ids()[0])
    question, answer = body(revision.question()), body(revision.answer())
    # Every front names its topic in small type above the prompt.
    assert visible_text(question) == "Power struggle Stalin's rise"
    assert '<div class="n2d-topic">Power struggle</div>' in question
    text = visible_text(answer)
    # Everything the notes say arrives exactly, markup characters included.
    assert "x < y & z <script>alert(1)</script>" in text
    assert "<script>" not in answer
    assert "<b>General Secretary</b> from 1922" in answer
    assert "<i>Triumvirate</i> with <code>Z &amp; K</code>" in answer
    assert '<a href="https://example.org/a?b=1&amp;c=2">more</a>' in answer
    assert "<h3>Aftermath</h3>" in answer
    assert '<th style="text-align:right">Year</th>' in answer
    assert '<pre><code class="language-python">if a &lt; b:' in answer
    assert "\\[\\sum_{i=1}^{n} i\\]" in answer
    assert "<hr>" in answer
    # The source sits in small type on the back only.
    assert '<div class="n2d-meta">russia.md</div>' in answer
    assert "n2d-meta" not in question

    reversed_note = notes["NEP"]
    forward, backward = (col.get_card(c) for c in reversed_note.card_ids())
    assert visible_text(forward.question()) == "Power struggle NEP"
    assert visible_text(backward.question()) == "Power struggle New Economic Policy"
    assert "NEP" in visible_text(backward.answer())

    cloze_note = next(n for front, n in notes.items() if front.startswith("In "))
    first, second, third = sorted(
        (col.get_card(c) for c in cloze_note.card_ids()), key=lambda c: c.ord
    )
    assert "[...]" in visible_text(first.question())
    assert "1926" not in visible_text(first.question())
    assert "[group]" in visible_text(second.question())
    assert "[...]" in visible_text(third.question())
    assert "x^{a^{b}}" in html.unescape(body(third.answer()))
    assert "United Opposition" in visible_text(second.answer())
    # Braces and colons in plain text are not cloze syntax, and stay visible.
    assert "{{not a cloze}} :: here" in visible_text(first.answer())
    col.close()


def test_math_with_closing_braces_inside_a_cloze(tmp_path: Path) -> None:
    source = r"\frac{a}{b^{2}}"
    deck = make_deck(
        card(
            CardKind.CLOZE,
            (Text("Formula: "), Cloze(1, (Math(source),)), Text(" and "), Cloze(2, (Text("b"),))),
        ),
        card(CardKind.BASIC, (Math("a < b"), Text(" when?")), para(Math("x}}", display=True))),
    )
    package = tmp_path / "math.apkg"
    build(deck, package)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, package)
    notes = notes_by_front(col)
    cloze_note = next(n for f, n in notes.items() if f.startswith("Formula"))
    cards = sorted((col.get_card(c) for c in cloze_note.card_ids()), key=lambda c: c.ord)
    # The `}}` inside the formula did not end the cloze: both clozes made their cards.
    assert [c.ord for c in cards] == [0, 1]
    answer = body(cards[0].answer())
    assert '<span class="cloze" data-ordinal="1">' in answer
    # MathJax reads the decoded text, which is the formula exactly as written.
    assert f"\\({source}\\)" in html.unescape(answer)
    assert "[...]" in body(cards[0].question())
    assert source not in html.unescape(body(cards[0].question()).split("data-cloze")[0])
    basic = col.get_card(next(n for f, n in notes.items() if "when?" in f).card_ids()[0])
    assert "\\(a &lt; b\\) when?" in body(basic.question())
    assert "\\[x}}\\]" in body(basic.answer())
    col.close()


def test_removed_cards_are_shipped_tagged(tmp_path: Path) -> None:
    gone = card(CardKind.BASIC, "An old question", para("Old answer"))
    deck = make_deck(
        card(CardKind.BASIC, "Kept", para("yes")),
        removed=(gone,),
        removed_glossary=(GlossaryEntry("Old term", "gone", SourceRef(NOTES)),),
    )
    package = tmp_path / "removed.apkg"
    build(deck, package)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, package)
    tagged = {col.get_note(n).fields[0] for n in col.find_notes(f"tag:{REMOVED_TAG}")}
    assert tagged == {"An old question", "Old term"}
    assert col.find_notes("tag:notes2decks::removed Kept") == []
    col.close()


# --------------------------------------------------------------------------- errors


def test_missing_image_is_an_error_at_its_line(tmp_path: Path) -> None:
    image = Image("pics/nope.png", tmp_path / "pics" / "nope.png")
    deck = make_deck(card(CardKind.BASIC, "Q", para("see ", image, line=7), line=6))
    with pytest.raises(NotesError) as caught:
        build(deck, tmp_path / "x.apkg")
    assert (caught.value.file, caught.value.line) == (NOTES, 7)
    assert "pics/nope.png" in caught.value.message and "not found" in caught.value.message
    assert not (tmp_path / "x.apkg").exists()


def test_a_file_that_is_not_an_image_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "notes.png"
    fake.write_text("not really a picture")
    deck = make_deck(card(CardKind.BASIC, (Image("notes.png", fake),), para("a"), line=4))
    with pytest.raises(NotesError) as caught:
        build(deck, tmp_path / "x.apkg")
    assert caught.value.line == 4
    assert "not a PNG, JPEG, GIF or SVG image" in caught.value.message


def test_a_cloze_card_without_a_cloze_is_an_error(tmp_path: Path) -> None:
    deck = make_deck(card(CardKind.CLOZE, "Nothing hidden here", line=9))
    with pytest.raises(NotesError) as caught:
        build(deck, tmp_path / "x.apkg")
    assert caught.value.line == 9
    assert "{{c1::" in caught.value.message


def test_images_are_named_by_content(tmp_path: Path) -> None:
    one, two, three = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, data in ((one, PNG_A), (two, PNG_B), (three, PNG_A)):
        folder.mkdir()
        (folder / "diagram.png").write_bytes(data)
    deck = make_deck(
        card(
            CardKind.BASIC,
            "Diagrams",
            para(*(Image(f"{f.name}/diagram.png", f / "diagram.png") for f in (one, two, three))),
        )
    )
    package = tmp_path / "media.apkg"
    build(deck, package)
    with zipfile.ZipFile(package) as archive:
        media = json.loads(archive.read("media"))
        contents = {name: archive.read(index) for index, name in media.items()}
    # Two different diagram.png files never collide; the same picture is stored once.
    assert len(contents) == 2
    assert sorted(contents.values()) == sorted([PNG_A, PNG_B])
    assert all(name.endswith(".png") and name != "diagram.png" for name in contents)


def test_same_front_twice_warns_and_keeps_both(tmp_path: Path) -> None:
    first = card(CardKind.BASIC, "Same?", para("one"), line=3)
    second = dataclasses.replace(
        card(CardKind.BASIC, "same", para("two")), source=SourceRef(NOTES, 8)
    )
    warnings = build(make_deck(first, second), tmp_path / "dupes.apkg")
    assert len(warnings) == 1
    assert warnings[0].line == 8 and "line 3" in warnings[0].message
    col = fresh_collection(tmp_path / "anki")
    assert import_package(col, tmp_path / "dupes.apkg").counts["new"] == 2
    col.close()


# --------------------------------------------------------------------------- package


def _build_in_subprocess(image_dir: Path, dest: Path, seed: str, epoch: str) -> bytes:
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]);"
        "from helpers import rich_deck; from notes2decks.exporters.apkg import export_apkg;"
        "from notes2decks.options import BuildOptions;"
        "export_apkg(rich_deck(Path(sys.argv[1])), Path(sys.argv[2]), BuildOptions(), print)"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": epoch}
    subprocess.run(
        [sys.executable, "-c", script, str(image_dir), str(dest), str(Path(__file__).parent)],
        check=True,
        env=env,
    )
    return dest.read_bytes()


def test_packages_are_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    one = _build_in_subprocess(tmp_path / "img", tmp_path / "1.apkg", "1", "1700000000")
    two = _build_in_subprocess(tmp_path / "img", tmp_path / "2.apkg", "4242", "1700000000")
    assert one == two
    with zipfile.ZipFile(tmp_path / "1.apkg") as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}


def test_source_date_epoch_sets_note_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    deck = make_deck(card(CardKind.BASIC, "Q", para("A")))
    build(deck, tmp_path / "a.apkg")
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "a.apkg")
    assert {col.get_note(n).mod for n in col.find_notes("")} == {1600000000}
    col.close()


def test_no_temporary_files_are_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out"
    build(rich_deck(tmp_path / "img"), out / "a.apkg")
    assert list(scratch.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["a.apkg"]


def test_a_failed_build_keeps_the_previous_package(tmp_path: Path) -> None:
    package = tmp_path / "a.apkg"
    build(make_deck(card(CardKind.BASIC, "Q", para("A"))), package)
    before = package.read_bytes()
    with pytest.raises(NotesError):
        build(make_deck(card(CardKind.CLOZE, "no cloze")), package)
    assert package.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.apkg"]


# --------------------------------------------------------------------------- identities


def test_guid_comes_from_the_identity_not_the_fields() -> None:
    identity = card_identity(DECK_PATH, "basic", "Who?")
    assert note_guid(identity, "basic") == note_guid(identity, "basic")
    assert note_guid(identity, "basic") != note_guid(identity, "reversed")
    assert note_guid(identity, "basic") != note_guid(identity + "#2", "basic")


def test_tags_keep_hierarchy_and_lose_spaces() -> None:
    assert anki_tag("year 12") == "year_12"
    assert anki_tag("  russia::power   struggle ") == "russia::power_struggle"
    assert anki_tag("a:::b") == "a::b"


def test_deck_ids_come_from_names() -> None:
    assert deck_id(DECK_PATH) == deck_id(DECK_PATH)
    assert deck_id(DECK_PATH) != deck_id(f"{DECK_PATH}::Glossary")
    assert (1 << 30) <= deck_id(DECK_PATH) < (1 << 31)


# Every field layout a note type ever had, with the ID and name it was published under. A new
# layout needs a new row with a new ID and name; an existing row must never change.
PUBLISHED_LAYOUTS = {
    (1741353501, "notes2decks Revision"): ("Front", "Back", "Deck", "Source"),
    (1741353502, "notes2decks Basic"): ("Front", "Back", "Deck", "Source"),
    (1741353503, "notes2decks Basic (and reversed)"): ("Front", "Back", "Deck", "Source"),
    (1741353504, "notes2decks Cloze"): ("Text", "Back Extra", "Source"),
    (1741353505, "notes2decks Glossary"): ("Term", "Definition", "Deck", "Source"),
    (1764950401, "notes2decks Revision v2"): ("Front", "Back", "Topic", "Section", "Source"),
    (1764950402, "notes2decks Basic v2"): ("Front", "Back", "Topic", "Section", "Source"),
    (1764950403, "notes2decks Basic (and reversed) v2"): (
        "Front",
        "Back",
        "Topic",
        "Section",
        "Source",
    ),
    (1764950404, "notes2decks Cloze v2"): ("Text", "Back Extra", "Topic", "Section", "Source"),
    (1764950405, "notes2decks Glossary v2"): (
        "Term",
        "Definition",
        "Masked Definition",
        "Topic",
        "Source",
    ),
}


def test_note_type_ids_belong_to_their_field_layouts() -> None:
    for note_type in NOTE_TYPES.values():
        key = (note_type.model_id, note_type.name)
        assert key in PUBLISHED_LAYOUTS, f"{note_type.name}: publish the new layout's ID here"
        assert PUBLISHED_LAYOUTS[key] == note_type.fields, (
            f"{note_type.name} changed its fields: give it a new name and ID"
        )
        assert note_type.name.startswith("notes2decks ")
    assert len({t.model_id for t in NOTE_TYPES.values()}) == len(NOTE_TYPES)


def test_style_changes_move_the_note_type_time() -> None:
    assert style_fingerprint().startswith(STYLE_FINGERPRINT), (
        "the templates or CSS changed: move STYLE_MODIFIED forward and update STYLE_FINGERPRINT"
    )


def test_template_and_css_changes_reach_anki_without_a_new_note_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = make_deck(card(CardKind.BASIC, "Q", para("A")))
    build(deck, tmp_path / "a.apkg")
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "a.apkg")
    monkeypatch.setattr(notetypes, "CSS", notetypes.CSS + "\n.n2d-extra { color: red; }\n")
    monkeypatch.setattr(notetypes, "STYLE_MODIFIED", notetypes.STYLE_MODIFIED + 1)
    build(deck, tmp_path / "b.apkg")
    log = import_package(col, tmp_path / "b.apkg")
    assert log.counts["conflicting"] == 0
    names = [n.name for n in col.models.all_names_and_ids()]
    assert names.count("notes2decks Basic v2") == 1
    assert "color: red" in col.models.by_name("notes2decks Basic v2")["css"]  # type: ignore[index]
    col.close()


# --------------------------------------------------------------------------- updating in place


def _build_with_lock(deck: Deck, notes_file: Path, dest: Path) -> list[Diagnostic]:
    """The build's sequence for one notes file: auto cloze, lock, export, then save the lock."""
    warnings: list[Diagnostic] = []
    if deck.auto_cloze:
        deck = add_auto_cloze(deck)
    lock = lock_path_for(notes_file)
    deck, state = reconcile(deck, lock, warnings.append)
    export_apkg(deck, dest, BuildOptions(), warnings.append)
    save_lock(lock, state)
    return warnings


def _version(edited: bool) -> Deck:
    heading = "Stalin's Personal Characteristics" if edited else "Stalins Personal Charactristics"
    facts = [para("Willing to play dirty", line=3), para("Spread rumours about Bukharin", line=4)]
    party = [para("1923, formed the 'Triumvirate' with Zinoviev and Kamenev", line=7)]
    if edited:
        party.append(para("Packed the Congress with his delegates", line=8))
    cards = [
        card(CardKind.REVISION, heading, *facts, line=2),
        card(CardKind.REVISION, "Importance of Party Organization", *party, line=6),
        card(
            CardKind.BASIC,
            "Who led the Left Opposition?",
            para("Leon Trotsky" if edited else "Trotsky"),
            line=10,
        ),
        card(CardKind.REVERSED, "NEP", para("New Economic Policy"), line=12),
    ]
    if edited:
        cards.append(card(CardKind.BASIC, "Who was exiled in 1929?", para("Trotsky"), line=14))
    else:
        cards.append(card(CardKind.BASIC, "When did Lenin die?", para("January 1924"), line=14))
    return make_deck(
        *cards,
        glossary=(
            GlossaryEntry("Politburo", "The party's ruling committee", SourceRef(NOTES, 20)),
        ),
        auto_cloze=True,
        modified=1_700_000_500 if edited else 1_700_000_000,
    )


@pytest.mark.parametrize("with_scheduling", [False, True])
def test_rebuilt_decks_update_in_place_and_keep_review_history(
    tmp_path: Path, with_scheduling: bool
) -> None:
    notes_file = tmp_path / "notes" / "russia.md"
    notes_file.parent.mkdir()
    notes_file.write_text("stand-in for the notes: the lock file lives beside it")
    col = fresh_collection(tmp_path / "anki")

    _build_with_lock(_version(edited=False), notes_file, tmp_path / "v1.apkg")
    first = import_package(col, tmp_path / "v1.apkg", with_scheduling=with_scheduling)
    assert first.counts["new"] == 7  # five cards, one auto cloze, one glossary term
    assert first.counts["conflicting"] == 0
    review_everything(col)
    before = schedule_snapshot(col)
    assert all(revlog for *_, revlog in before.values())
    notes_before = notes_by_front(col)

    # The user improves an unchanged note in Anki; rebuilding must not overwrite that.
    nep = notes_before["NEP"]
    nep["Back"] = "New Economic Policy (1921)"
    col.update_note(nep)

    warnings = _build_with_lock(_version(edited=True), notes_file, tmp_path / "v2.apkg")
    messages = " / ".join(w.message for w in warnings)
    assert "looks like a corrected" in messages and "When did Lenin die?" in messages
    second = import_package(col, tmp_path / "v2.apkg", with_scheduling=with_scheduling)
    assert second.counts["conflicting"] == 0
    assert second.counts["missing_notetype"] == second.counts["missing_deck"] == 0

    notes_after = notes_by_front(col)
    # No duplicates: one new note (the added card), everything else updated or left alone.
    assert col.note_count() == len(notes_before) + 1
    added = [front for front in notes_after if front not in notes_before]
    # Keyed by front, the corrected heading looks new too; its note ID below shows it is not.
    assert sorted(added) == ["Stalin's Personal Characteristics", "Who was exiled in 1929?"]
    assert second.counts["new"] == 1
    new_note = notes_after["Who was exiled in 1929?"]
    assert second.notes["new"] == [new_note.id]

    # The corrected heading kept its note (and so its cards and their history).
    renamed = notes_after["Stalin's Personal Characteristics"]
    assert renamed.id == notes_before["Stalins Personal Charactristics"].id
    # Edited notes were updated in place.
    assert notes_after["Who led the Left Opposition?"]["Back"] == "<p>Leon Trotsky</p>"
    party = notes_after["Importance of Party Organization"]
    assert party.id == notes_before["Importance of Party Organization"].id
    assert "Packed the Congress" in party["Back"]
    updated = set(second.notes["updated"])
    assert {
        renamed.id,
        party.id,
        notes_after["Who led the Left Opposition?"].id,
        notes_after["When did Lenin die?"].id,
    } <= updated
    # Unchanged notes were not touched, and the user's own edit survived.
    assert notes_after["NEP"]["Back"] == "New Economic Policy (1921)"
    assert notes_after["NEP"].id not in updated
    assert notes_after["Politburo"].id not in updated
    # The removed card is still there, tagged so the user can find and delete it.
    assert "notes2decks::removed" in notes_after["When did Lenin die?"].tags
    assert "notes2decks::removed" not in renamed.tags

    # Every review history is intact.
    after = schedule_snapshot(col)
    assert {cid: after[cid] for cid in before} == before
    assert len(after) == len(before) + 1

    # Importing the same package again changes nothing at all.
    again = import_package(col, tmp_path / "v2.apkg", with_scheduling=with_scheduling)
    assert again.counts["new"] == again.counts["updated"] == again.counts["conflicting"] == 0
    assert schedule_snapshot(col) == after
    col.close()


def test_rebuilding_unchanged_notes_gives_the_same_package(tmp_path: Path) -> None:
    notes_file = tmp_path / "russia.md"
    notes_file.write_text("stand-in")
    _build_with_lock(_version(edited=False), notes_file, tmp_path / "a.apkg")
    lock_text = lock_path_for(notes_file).read_text()
    _build_with_lock(_version(edited=False), notes_file, tmp_path / "b.apkg")
    assert (tmp_path / "a.apkg").read_bytes() == (tmp_path / "b.apkg").read_bytes()
    assert lock_path_for(notes_file).read_text() == lock_text


# --------------------------------------------------------------------------- end to end


def _build_notes_file(notes_file: Path, dest: Path, mtime: int) -> list[Diagnostic]:
    """Read a notes file as the build does, then build its package with the lock."""
    warnings: list[Diagnostic] = []
    os.utime(notes_file, (mtime, mtime))
    deck = read_notes(notes_file, warn=warnings.append)
    deck = dataclasses.replace(deck, modified=int(notes_file.stat().st_mtime))
    warnings += _build_with_lock(deck, notes_file, dest)
    return warnings


def test_card_set_notes_rebuilt_after_edits_update_in_place(tmp_path: Path) -> None:
    notes_file = tmp_path / "notes" / "power.txt"
    notes_file.parent.mkdir()
    notes_file.write_bytes((APKG_FIXTURES / "power-v1.txt").read_bytes())
    assert _build_notes_file(notes_file, tmp_path / "v1.apkg", 1_700_000_000) == []
    col = fresh_collection(tmp_path / "anki")
    first = import_package(col, tmp_path / "v1.apkg")
    # Three revision cards and the auto clozes of the dated or quoted facts.
    assert first.counts["new"] == 5 and first.counts["conflicting"] == 0
    auto = [col.get_note(n) for n in col.find_notes("tag:notes2decks::auto")]
    assert len(auto) == 2
    opposition = next(n for n in auto if "United Opposition" in n["Text"])
    assert (
        "{{c1::1926}}" in opposition["Text"] and "{{c2::United Opposition}}" in opposition["Text"]
    )
    assert "crimes" in opposition["Text"] and "{{c3::" not in opposition["Text"]
    assert len(opposition.card_ids()) == 2
    notes_before = notes_by_front(col)
    escaped = notes_before["Importance of Party Organization"]["Back"]
    assert "x &lt; y &amp; &lt;b&gt;not bold&lt;/b&gt;" in escaped
    review_everything(col)
    before = schedule_snapshot(col)

    notes_file.write_bytes((APKG_FIXTURES / "power-v2.txt").read_bytes())
    _build_notes_file(notes_file, tmp_path / "v2.apkg", 1_700_003_600)
    second = import_package(col, tmp_path / "v2.apkg")
    assert second.counts["conflicting"] == 0
    # The new card and its auto cloze are added once; nothing else is new.
    assert second.counts["new"] == 2
    after = schedule_snapshot(col)
    assert {cid: after[cid] for cid in before} == before
    notes_after = notes_by_front(col)
    kept = notes_after["Stalin's Personal Characteristics"]
    assert kept.id == notes_before["Stalins Personal Charactristics"].id
    assert "his own delegates" in notes_after["Importance of Party Organization"]["Back"]
    removed = {col.get_note(n).fields[0] for n in col.find_notes("tag:notes2decks::removed")}
    assert "Weaknesses of the opposition" in removed
    assert any("United Opposition" in front for front in removed)
    assert len(removed) == 2
    assert import_package(col, tmp_path / "v2.apkg").counts["new"] == 0
    col.close()


def test_markdown_notes_import_with_media_math_glossary_and_update_in_place(
    tmp_path: Path,
) -> None:
    pytest.importorskip("notes2decks.readers.markdown", reason="the Markdown reader")
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "img" / "diagram.png").write_bytes(
        (APKG_FIXTURES / "img" / "diagram.png").read_bytes()
    )
    notes_file = notes / "russia.md"
    original = (APKG_FIXTURES / "russia.md").read_text(encoding="utf-8")
    notes_file.write_text(original, encoding="utf-8")
    _build_notes_file(notes_file, tmp_path / "v1.apkg", 1_700_000_000)
    col = fresh_collection(tmp_path / "anki")
    first = import_package(col, tmp_path / "v1.apkg")
    assert first.counts["conflicting"] == 0 and first.counts["new"] == 7

    deck_path = "History::Russia::Power struggle"
    notes_before = notes_by_front(col)
    stalin = notes_before["Stalins Personal Charactristics"]
    assert {col.decks.name(col.get_card(c).did) for c in stalin.card_ids()} == {deck_path}
    assert sorted(stalin.tags) == ["people::stalin", "russia::1920s", "year_12"]
    answer = body(col.get_card(stalin.card_ids()[0]).answer())
    assert "x &lt; y &amp; &lt;script&gt;" in answer and "<i>dirty</i>" in answer
    (media_name,) = [p.name for p in Path(col.media.dir()).iterdir()]
    assert f'<img src="{media_name}" alt="Party structure">' in answer
    growth = col.get_card(notes_before["What is the growth rate?"].card_ids()[0])
    assert "\\(g = \\frac{\\Delta y}{y}\\)" in body(growth.answer())
    cloze = next(n for front, n in notes_before.items() if front.startswith("The {{c1::"))
    assert len(cloze.card_ids()) == 3
    math_card = max((col.get_card(c) for c in cloze.card_ids()), key=lambda c: c.ord)
    assert "\\(x^{a^{b}}\\)" in html.unescape(body(math_card.answer()))
    glossary = notes_before["Triumvirate"]
    assert {col.decks.name(col.get_card(c).did) for c in glossary.card_ids()} == {
        f"{deck_path}::Glossary"
    }
    review_everything(col)
    before = schedule_snapshot(col)

    edited = original.replace(
        "Stalins Personal Charactristics", "Stalin's Personal Characteristics"
    )
    edited = edited.replace("NEP :: New Economic Policy", "NEP :: New Economic Policy (1921)")
    notes_file.write_text(edited, encoding="utf-8")
    _build_notes_file(notes_file, tmp_path / "v2.apkg", 1_700_000_100)
    second = import_package(col, tmp_path / "v2.apkg")
    assert second.counts["conflicting"] == second.counts["new"] == 0
    notes_after = notes_by_front(col)
    assert notes_after["Stalin's Personal Characteristics"].id == stalin.id
    assert notes_after["NEP"]["Back"] == "<p>New Economic Policy (1921)</p>"
    assert set(second.notes["updated"]) == {stalin.id, notes_after["NEP"].id}
    assert schedule_snapshot(col) == before
    col.close()


@pytest.mark.parametrize(
    ("image", "message"),
    [("../outside.png", "outside the notes folder"), ("img/missing.png", "not found")],
)
def test_images_outside_the_notes_or_missing_are_warnings_and_their_description_shows(
    tmp_path: Path, image: str, message: str
) -> None:
    pytest.importorskip("notes2decks.readers.markdown", reason="the Markdown reader")
    (tmp_path / "outside.png").write_bytes(PNG_A)
    notes = tmp_path / "notes"
    notes.mkdir()
    notes_file = notes / "bad.md"
    notes_file.write_text(f"# Bad\n\n## Card\n\n- a fact\n\n![x]({image})\n", encoding="utf-8")
    warnings = _build_notes_file(notes_file, tmp_path / "bad.apkg", 1_700_000_000)
    assert [(w.line, message in w.message) for w in warnings] == [(7, True)]
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "bad.apkg")
    (note,) = [col.get_note(n) for n in col.find_notes("")]
    assert "[x]" in note["Back"] and "<img" not in note["Back"]
    col.close()


@pytest.mark.parametrize(
    ("line", "message", "revision", "cloze"),
    [
        (
            "The {{c1::x}} and {{c2::y here.",
            "never closed",
            "<p>The x and {{c2::y here.</p>",
            "The {{c1::x}} and &#123;{c2::y here.",
        ),
        ("A {{c1::a}} b}} c.", "closes no", "<p>A a b}} c.</p>", "A {{c1::a}} b}} c."),
    ],
)
def test_unbalanced_cloze_braces_are_warnings_at_their_line_and_stay_text(
    tmp_path: Path, line: str, message: str, revision: str, cloze: str
) -> None:
    pytest.importorskip("notes2decks.readers.markdown", reason="the Markdown reader")
    notes_file = tmp_path / "cloze.md"
    notes_file.write_text(f"# Clozes\n\n## Card\n\n{line}\n", encoding="utf-8")
    warnings = _build_notes_file(notes_file, tmp_path / "cloze.apkg", 1_700_000_000)
    assert [(w.line, message in w.message) for w in warnings] == [(5, True)]
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "cloze.apkg")
    notes = {col.get_note(n).note_type()["name"]: col.get_note(n) for n in col.find_notes("")}  # type: ignore[index]
    # The braces stay visible; escaped in the cloze note, so Anki never reads them as a cloze.
    assert notes["notes2decks Revision v2"]["Back"] == revision
    assert notes["notes2decks Cloze v2"]["Text"] == cloze
    col.close()


def test_a_removed_card_whose_image_is_gone_still_ships(tmp_path: Path) -> None:
    gone = Image("img/old.png", tmp_path / "img" / "old.png", "old map")
    deck = make_deck(
        card(CardKind.BASIC, "Kept", para("yes")),
        removed=(card(CardKind.BASIC, "Map?", para(gone)),),
    )
    build(deck, tmp_path / "a.apkg")
    col = fresh_collection(tmp_path / "anki")
    assert import_package(col, tmp_path / "a.apkg").counts["new"] == 2
    (removed,) = [col.get_note(n) for n in col.find_notes(f"tag:{REMOVED_TAG}")]
    assert removed["Back"] == "<p>[old map]</p>"
    col.close()
