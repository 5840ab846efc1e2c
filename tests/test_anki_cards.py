"""What the Anki cards show, checked through the official Anki engine: masked reverse glossary
cards, the topic line on every front, the note types' fields and their migration, the deck
description, night-mode contrast, media names, plain cloze text and hierarchical tags."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from anki_support import (
    body,
    fresh_collection,
    import_package,
    notes_by_front,
    review_everything,
    schedule_snapshot,
    visible_text,
)
from helpers import FIXTURES, NOTES, PNG_A, PNG_B, card, make_deck, para
from notes2decks.cli import make_deck as make_deck_command
from notes2decks.errors import Diagnostic
from notes2decks.exporters.apkg import export_apkg
from notes2decks.exporters.apkg.html import Renderer
from notes2decks.exporters.apkg.masking import MASK, mask_definition
from notes2decks.exporters.apkg.notes import anki_tag
from notes2decks.exporters.apkg.notetypes import CSS, NOTE_TYPES
from notes2decks.model import (
    CardKind,
    Cloze,
    Deck,
    GlossaryEntry,
    Image,
    Math,
    SourceRef,
    Text,
    inline_text,
    split_math,
)
from notes2decks.options import BuildOptions

APKG_FIXTURES = FIXTURES / "apkg"


def build(deck: Deck, dest: Path, **options: object) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    export_apkg(deck, dest, BuildOptions(**options), warnings.append)  # type: ignore[arg-type]
    return warnings


def imported(deck: Deck, tmp_path: Path, **options: object) -> Collection:
    package = tmp_path / "deck.apkg"
    assert build(deck, package, **options) == []
    col = fresh_collection(tmp_path / "anki")
    log = import_package(col, package)
    assert log.counts["conflicting"] == 0
    return col


def cards_of(col: Collection, note_id: int) -> list:  # type: ignore[type-arg]
    return sorted((col.get_card(c) for c in col.get_note(note_id).card_ids()), key=lambda c: c.ord)


# --------------------------------------------------------------------------- 1. masked definitions


def masked(term: str, definition: str) -> str | None:
    result = mask_definition(term, split_math(definition))
    return None if result is None else inline_text(result).replace(MASK, "[...]")


@pytest.mark.parametrize(
    ("term", "definition", "question"),
    [
        (
            "gravitational field strength (g)",
            "The gravitational field strength (g) is the force per unit mass",
            "The [...] is the force per unit mass",
        ),
        (
            "Diffusion",
            "The net movement of particles down a concentration gradient; "
            "diffusion is faster when it is warm",
            "The net movement of particles down a concentration gradient; "
            "[...] is faster when it is warm",
        ),
        ("Enzyme", "Enzymes are biological catalysts", "[...] are biological catalysts"),
        ("Alloys", "An alloy is a mixture of metals", "An [...] is a mixture of metals"),
        (
            "Gross Domestic Product (GDP)",
            "GDP measures the value of the goods and services a country makes",
            "[...] measures the value of the goods and services a country makes",
        ),
        (
            "gravitational field strength (g)",
            "Measured in N/kg, $g$ is the force on each kilogram",
            "Measured in N/kg, [...] is the force on each kilogram",
        ),
        # A one-letter abbreviation is hidden where it stands for the term, never as the
        # article that starts a sentence.
        (
            "Amplitude (A)",
            "A wave's largest displacement from rest; A is measured in metres",
            "A wave's largest displacement from rest; [...] is measured in metres",
        ),
        # Words that only contain the term are left alone.
        ("Ion", "A charged particle, unlike a neutral union of atoms", None),
    ],
)
def test_the_term_is_hidden_in_its_definition(
    term: str, definition: str, question: str | None
) -> None:
    assert masked(term, definition) == (question or definition)


@pytest.mark.parametrize(
    ("term", "definition"),
    [("Diffusion", "Diffusion."), ("Osmosis", "The osmosis"), ("NEP", "NEP (the NEP)")],
)
def test_a_definition_with_nothing_left_to_ask_has_no_reverse_question(
    term: str, definition: str
) -> None:
    assert masked(term, definition) is None


def glossary_deck() -> Deck:
    return make_deck(
        card(CardKind.BASIC, "Q", para("A")),
        glossary=(
            GlossaryEntry(
                "Gravitational field strength (g)",
                "The gravitational field strength (g) is the force per unit mass",
                SourceRef(NOTES, 20),
            ),
            GlossaryEntry("Diffusion", "Diffusion.", SourceRef(NOTES, 21)),
        ),
    )


def test_reverse_glossary_cards_ask_the_definition_without_the_term(tmp_path: Path) -> None:
    col = imported(glossary_deck(), tmp_path)
    notes = notes_by_front(col)
    forward, reverse = cards_of(col, notes["Gravitational field strength (g)"].id)
    question = visible_text(reverse.question())
    assert question == "Power struggle The [...] is the force per unit mass"
    assert "gravitational" not in question.lower() and "(g)" not in question
    assert '<span class="n2d-mask">[...]</span>' in body(reverse.question())
    assert "Gravitational field strength (g)" in visible_text(reverse.answer())
    assert visible_text(forward.question()) == "Power struggle Gravitational field strength (g)"
    # Masking would leave nothing to ask: the term is only asked forward, and Anki agrees that
    # no card is missing or empty.
    (only,) = cards_of(col, notes["Diffusion"].id)
    assert only.ord == 0
    assert notes["Diffusion"]["Masked Definition"] == ""
    assert list(col.get_empty_cards().notes) == []
    col.close()


def test_glossary_cards_forward_asks_terms_one_way_only(tmp_path: Path) -> None:
    col = imported(glossary_deck(), tmp_path, glossary_cards="forward")
    glossary_notes = [col.get_note(n) for n in col.find_notes('"deck:*::Glossary"')]
    assert len(glossary_notes) == 2
    assert all(len(note.card_ids()) == 1 for note in glossary_notes)
    assert list(col.get_empty_cards().notes) == []
    col.close()


def test_the_glossary_cards_option_reaches_the_package(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "waves.md").write_text(
        "# Waves\n\n## Speed\n\n- Speed is distance over time\n\n## Glossary\n\n"
        "Amplitude\n: The largest displacement of a wave from rest\n",
        encoding="utf-8",
    )
    counts = {}
    for mode in ("both", "forward"):
        out = tmp_path / mode
        result = CliRunner().invoke(
            make_deck_command,
            [str(notes), "-o", str(out), "--format", "apkg", "--no-lock", "-j", "1",
             "--glossary-cards", mode],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        col = fresh_collection(tmp_path / f"anki-{mode}")
        import_package(col, out / "waves.apkg")
        counts[mode] = len(col.find_cards('"deck:*::Glossary"'))
        col.close()
    assert counts == {"both": 2, "forward": 1}
    bad = CliRunner().invoke(make_deck_command, [str(notes), "--glossary-cards", "reverse"])
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- 2. the topic line


def test_every_front_names_its_topic(tmp_path: Path) -> None:
    deck = make_deck(
        card(CardKind.REVISION, "Definition", para("The fact")),
        card(CardKind.BASIC, "Extra notes?", para("More")),
        card(CardKind.REVERSED, "NEP", para("New Economic Policy")),
        card(
            CardKind.CLOZE,
            (Text("In "), Cloze(1, (Text("1923"),)), Text(" he formed the Triumvirate")),
        ),
        glossary=(GlossaryEntry("Politburo", "The ruling committee", SourceRef(NOTES, 20)),),
        title="Stalin & the <party>",
    )
    col = imported(deck, tmp_path)
    fronts = [body(col.get_card(c).question()) for c in col.find_cards("")]
    assert len(fronts) == 7
    for front in fronts:
        assert re.search(
            r'<div class="n2d-topic( n2d-left)?">Stalin &amp; the &lt;party&gt;</div>', front
        )
        assert visible_text(front).startswith("Stalin & the <party> ")
    cloze = next(n for f, n in notes_by_front(col).items() if f.startswith("In "))
    assert cloze["Topic"] == "Stalin &amp; the &lt;party&gt;"
    assert visible_text(col.get_card(cloze.card_ids()[0]).question()) == (
        "Stalin & the <party> In [...] he formed the Triumvirate"
    )
    col.close()


def test_a_section_shows_beside_the_topic_when_a_note_has_one(tmp_path: Path) -> None:
    col = imported(make_deck(card(CardKind.REVISION, "Definition", para("The fact"))), tmp_path)
    (note,) = notes_by_front(col).values()
    assert note["Section"] == ""
    note["Section"] = "Diffusion"
    col.update_note(note)
    question = body(col.get_card(note.card_ids()[0]).question())
    assert '<div class="n2d-topic">Power struggle<span>Diffusion</span></div>' in question
    col.close()


# --------------------------------------------------------------------------- 3. fields, migration


def test_field_names_say_what_they_hold() -> None:
    for note_type in NOTE_TYPES.values():
        assert "Deck" not in note_type.fields
        assert {"Topic", "Source"} <= set(note_type.fields)
    assert NOTE_TYPES["cloze"].fields == ("Text", "Back Extra", "Topic", "Section", "Source")


def build_notes(notes_file: Path, dest: Path) -> None:
    result = CliRunner().invoke(
        make_deck_command,
        [str(notes_file), "-o", str(dest), "--format", "apkg", "--no-lock", "-j", "1"],
    )
    assert result.exit_code == 0, result.output


def change_to_new_note_types(col: Collection) -> None:
    """What README.md tells users to do once: Change Note Type from each old type to its new
    one, the topic (the old "Deck" field) into "Topic"."""
    new_by_old = {
        "notes2decks Revision": NOTE_TYPES["revision"],
        "notes2decks Basic": NOTE_TYPES["basic"],
        "notes2decks Basic (and reversed)": NOTE_TYPES["reversed"],
        "notes2decks Cloze": NOTE_TYPES["cloze"],
        "notes2decks Glossary": NOTE_TYPES["glossary"],
    }
    for entry in col.models.all_names_and_ids():
        new = new_by_old.get(entry.name)
        if new is None:
            continue
        old = col.models.get(entry.id)
        assert old is not None
        old_fields = [field["name"] for field in old["flds"]]
        info = col.models.change_notetype_info(
            old_notetype_id=entry.id, new_notetype_id=new.model_id
        )
        request = info.input
        request.note_ids.extend(col.models.nids(entry.id))
        renamed = {"Topic": "Deck"}
        request.ClearField("new_fields")
        request.new_fields.extend(
            old_fields.index(renamed.get(name, name))
            if renamed.get(name, name) in old_fields
            else -1
            for name in new.fields
        )
        col.models.change_notetype_of_notes(request)


def test_a_collection_with_the_old_note_types_imports_the_new_package_and_migrates(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    shutil.copy(APKG_FIXTURES / "img" / "diagram.png", notes / "img" / "diagram.png")
    shutil.copy(APKG_FIXTURES / "russia.md", notes / "russia.md")
    # Notes saved before the change of note type (Anki's "always" still skips a note whose
    # time is exactly the collection's).
    os.utime(notes / "russia.md", (1_790_000_000, 1_790_000_000))
    col = fresh_collection(tmp_path / "anki")
    # The package an earlier notes2decks (note-type layout 1) made of the same notes.
    old = import_package(col, APKG_FIXTURES / "russia-layout1.apkg")
    assert old.counts["new"] == 7
    review_everything(col)
    history = schedule_snapshot(col)
    count = col.note_count()

    build_notes(notes / "russia.md", tmp_path / "out")
    package = tmp_path / "out" / "russia.apkg"
    again = import_package(col, package)
    # Anki keeps the old notes as they are, history and all, and duplicates nothing.
    assert again.counts["new"] == again.counts["updated"] == 0
    assert again.counts["conflicting"] == count
    assert col.note_count() == count
    assert schedule_snapshot(col) == history

    # After Change Note Type, re-importing once with "update notes: always" brings the notes
    # up to date; their cards and review history stay.
    change_to_new_note_types(col)
    migrated = notes_by_front(col)
    assert migrated["NEP"]["Topic"] == "Russia after Lenin"
    always = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    update = import_package(col, package, update_notes=always)
    assert update.counts["conflicting"] == update.counts["new"] == 0
    assert update.counts["updated"] == count
    after = schedule_snapshot(col)
    assert {cid: after[cid] for cid in history} == history
    for note in notes_by_front(col).values():
        assert note.note_type()["name"].endswith(" v2")  # type: ignore[index]
        front = body(col.get_card(note.card_ids()[0]).question())
        # (A question under a heading shows that heading after the topic.)
        assert re.search(
            r'<div class="n2d-topic( n2d-left)?">Russia after Lenin(<span>[^<]+</span>)?</div>',
            front,
        )
    # The glossary term gained its reverse card from the package.
    triumvirate = notes_by_front(col)["Triumvirate"]
    assert len(triumvirate.card_ids()) == 2
    assert list(col.get_empty_cards().notes) == []
    # From then on, rebuilds import as usual.
    quiet = import_package(col, package)
    assert quiet.counts["conflicting"] == quiet.counts["new"] == 0
    col.close()


# --------------------------------------------------------------------------- 4. the introduction


def test_the_introduction_is_the_deck_description(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    shutil.copy(APKG_FIXTURES / "img" / "diagram.png", notes / "img" / "diagram.png")
    shutil.copy(APKG_FIXTURES / "russia.md", notes / "russia.md")
    build_notes(notes / "russia.md", tmp_path / "out")
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "out" / "russia.apkg")
    deck = col.decks.by_name("History::Russia::Power struggle")
    assert deck is not None
    assert deck["desc"] == "<p>An introduction that is not on any card.</p>"
    glossary = col.decks.by_name("History::Russia::Power struggle::Glossary")
    assert glossary is not None and glossary["desc"] == "The key terms of Russia after Lenin."
    col.close()


def test_an_edited_introduction_updates_the_description_on_reimport(tmp_path: Path) -> None:
    col = fresh_collection(tmp_path / "anki")
    for version, intro in enumerate(["Revise this first.", "Revise <this> second."]):
        deck = make_deck(
            card(CardKind.BASIC, "Q", para("A")),
            intro=(para(intro),),
            modified=1_700_000_000 + version,
        )
        build(deck, tmp_path / f"{version}.apkg")
        import_package(col, tmp_path / f"{version}.apkg")
    deck_dict = col.decks.by_name("History::Russia")
    assert deck_dict is not None and deck_dict["desc"] == "<p>Revise &lt;this&gt; second.</p>"
    col.close()


def test_a_missing_picture_in_the_introduction_costs_only_the_picture(tmp_path: Path) -> None:
    missing = Image("img/gone.png", tmp_path / "img" / "gone.png", "the map")
    deck = make_deck(card(CardKind.BASIC, "Q", para("A")), intro=(para("See ", missing, line=3),))
    warnings = build(deck, tmp_path / "deck.apkg")
    assert [(w.line, "img/gone.png" in w.message) for w in warnings] == [(3, True)]
    col = fresh_collection(tmp_path / "anki")
    import_package(col, tmp_path / "deck.apkg")
    deck_dict = col.decks.by_name("History::Russia")
    assert deck_dict is not None and deck_dict["desc"] == "<p>See [the map]</p>"
    col.close()


def test_a_deck_without_an_introduction_has_no_description(tmp_path: Path) -> None:
    col = imported(make_deck(card(CardKind.BASIC, "Q", para("A"))), tmp_path)
    deck = col.decks.by_name("History::Russia")
    assert deck is not None and deck["desc"] == ""
    col.close()


# --------------------------------------------------------------------------- 5. night mode


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_colour(selector: str, prop: str = "color") -> str:
    """The colour the style sheet gives `selector` (the last rule naming it wins)."""
    found = ""
    css = re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)
    for selectors, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        names = [" ".join(s.split()) for s in selectors.split(",")]
        if selector in names:
            match = re.search(rf"(?:^|;|\s){prop}\s*:\s*(#[0-9a-fA-F]{{6}})", declarations)
            if match:
                found = match.group(1)
    assert found, f"no {prop} for {selector}"
    return found


def test_small_grey_text_and_links_meet_wcag_aa_in_day_and_night_mode() -> None:
    day = css_colour(".card", "background-color")
    night = css_colour(".card.nightMode", "background-color")
    assert day == "#ffffff" and night == "#1e1e1e"
    for element in ("n2d-meta", "n2d-topic"):
        assert contrast(css_colour(f".{element}"), day) >= 4.5
        for mode in ("nightMode", "night_mode"):
            assert contrast(css_colour(f".{mode} .{element}"), night) >= 4.5
    assert contrast(css_colour("a"), day) >= 4.5
    for mode in ("nightMode", "night_mode"):
        assert contrast(css_colour(f".{mode} a"), night) >= 4.5
        assert contrast(css_colour(f".{mode} .cloze"), night) >= 4.5
        # Pictures sit on a light backing in night mode.
        assert luminance(css_colour(f".{mode} img", "background-color")) > 0.7


# --------------------------------------------------------------------------- 6. media names


def test_media_keep_their_name_with_a_short_content_hash(tmp_path: Path) -> None:
    one, two, three = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, data in ((one, PNG_A), (two, PNG_B), (three, PNG_A)):
        folder.mkdir()
        (folder / "diagram.png").write_bytes(data)
    images = [Image(f"{f.name}/diagram.png", f / "diagram.png") for f in (one, two, three)]
    deck = make_deck(card(CardKind.BASIC, "Diagrams", para(*images)))
    package = tmp_path / "media.apkg"
    build(deck, package)
    with zipfile.ZipFile(package) as archive:
        names = sorted(json.loads(archive.read("media")).values())
    # Same picture once, two different diagram.png files apart, every name recognisable.
    assert len(names) == 2
    assert all(re.fullmatch(r"diagram-[0-9a-f]{8}\.png", name) for name in names)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, package)
    assert sorted(p.name for p in Path(col.media.dir()).iterdir()) == names
    (note,) = notes_by_front(col).values()
    first, second, third = re.findall(r'src="([^"]+)"', note["Back"])
    assert first == third != second and {first, second} == set(names)
    col.close()


def test_a_media_name_is_safe_on_every_system(tmp_path: Path) -> None:
    (tmp_path / "Time line: 1917?.png").write_bytes(PNG_A)
    image = Image("Time line: 1917?.png", tmp_path / "Time line: 1917?.png")
    package = tmp_path / "media.apkg"
    build(make_deck(card(CardKind.BASIC, "Timeline", para(image))), package)
    with zipfile.ZipFile(package) as archive:
        (name,) = json.loads(archive.read("media")).values()
    assert re.fullmatch(r"Time-line-1917-[0-9a-f]{8}\.png", name)


def test_a_long_media_name_is_shortened_before_its_hash(tmp_path: Path) -> None:
    stem = "Диаграмма круговорота воды в природе и её этапы"
    (tmp_path / f"{stem}.png").write_bytes(PNG_A)
    image = Image(f"{stem}.png", tmp_path / f"{stem}.png")
    package = tmp_path / "media.apkg"
    build(make_deck(card(CardKind.BASIC, "Water", para(image))), package)
    with zipfile.ZipFile(package) as archive:
        (name,) = json.loads(archive.read("media")).values()
    assert re.fullmatch(r"Диаграмма-круговорота-[0-9a-f]{8}\.png", name)
    col = fresh_collection(tmp_path / "anki")
    import_package(col, package)
    assert [p.name for p in Path(col.media.dir()).iterdir()] == [name]
    col.close()


# --------------------------------------------------------------------------- 7. cloze text


def test_cloze_text_is_plain_in_the_editor_and_still_renders(tmp_path: Path) -> None:
    front = (
        Text("Ratio a::b, set {x} and {{braces}}: "),
        Cloze(1, (Text("key: value"),)),
        Text(" then "),
        Cloze(2, (Math(r"\frac{a}{b^{2}}"),), hint="formula"),
        Text(" and "),
        Cloze(3, (Text("x::y {z}"),)),
    )
    col = imported(make_deck(card(CardKind.CLOZE, front, para("extra"))), tmp_path)
    (note,) = notes_by_front(col).values()
    text = note["Text"]
    # What the editor shows: the characters as written, outside the clozes above all.
    assert text.startswith("Ratio a::b, set {x} and {{braces}}: {{c1::key: value}} then ")
    assert "&#58;" not in text.split("{{c3::")[0]
    cards = cards_of(col, note.id)
    assert [c.ord for c in cards] == [0, 1, 2]
    assert visible_text(cards[0].question()).endswith(
        "Ratio a::b, set {x} and {{braces}}: [...] then \\(\\frac{a}{b^{2}}\\) and x::y {z}"
    )
    assert visible_text(cards[1].question()).endswith("[formula] and x::y {z}")
    assert "\\(\\frac{a}{b^{2}}\\)" in html.unescape(body(cards[1].answer()))
    assert "x::y {z}" in visible_text(cards[2].answer())

    # Edited in Anki's editor (which saves the field as it shows it), it still renders.
    note["Text"] = text.replace("Ratio", "The ratio")
    col.update_note(note)
    edited = cards_of(col, note.id)
    assert len(edited) == 3
    assert (
        visible_text(edited[0].question())
        .split("Power struggle ")[-1]
        .startswith("The ratio a::b, set {x} and {{braces}}: [...]")
    )
    col.close()


def test_text_that_looks_like_a_cloze_stays_text(tmp_path: Path) -> None:
    front = (Text("Write {{c2::this}} literally, then "), Cloze(1, (Text("hide"),)))
    col = imported(make_deck(card(CardKind.CLOZE, front)), tmp_path)
    (note,) = notes_by_front(col).values()
    (only,) = cards_of(col, note.id)
    assert only.ord == 0
    assert "Write {{c2::this}} literally, then [...]" in visible_text(only.question())
    col.close()


# Text made of what cloze syntax is made of, with a few ordinary words.
CLOZE_TEXT = st.text(alphabet=st.sampled_from(list("{}:c1 ab")), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def cloze_collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    folder = tmp_path_factory.mktemp("cloze")
    front = (Text("a "), Cloze(1, (Text("b"),)))
    build(make_deck(card(CardKind.CLOZE, front)), folder / "deck.apkg")
    col = fresh_collection(folder / "anki")
    import_package(col, folder / "deck.apkg")
    yield col
    col.close()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    before=CLOZE_TEXT, hidden=CLOZE_TEXT, hint=st.one_of(st.just(""), CLOZE_TEXT), after=CLOZE_TEXT
)
@example(before="{{c1::", hidden="a}}", hint="::b", after="}}")
@example(before="{", hidden="{x}", hint=":", after=":")
@example(before="a:", hidden=":b:", hint="", after="::c2::")
def test_braces_and_colons_never_break_a_cloze(
    cloze_collection: Collection, before: str, hidden: str, hint: str, after: str
) -> None:
    col = cloze_collection
    front = (
        Text(before),
        Cloze(1, (Text(hidden),), hint=hint),
        Text(after),
        Cloze(2, (Text("z"),)),
    )
    field = Renderer().inlines(front, SourceRef(NOTES, 1), cloze_field=True)
    note = col.new_note(col.models.by_name(NOTE_TYPES["cloze"].name))  # type: ignore[arg-type]
    note["Text"] = field
    col.add_note(note, col.decks.id("Default"))  # type: ignore[arg-type]
    first, second = cards_of(col, note.id)

    def text_of(side: str) -> str:
        # The cloze text without the topic line, markup and spacing (Anki's spans add spaces).
        cloze_html = html.unescape(body(side).split('<div class="cloze-text">')[1])
        return "".join(re.sub(r"<[^>]+>", "", cloze_html).split())

    # Anki hides exactly the hidden text, shows its hint, and everything else as written.
    assert text_of(first.question()) == "".join(f"{before}[{hint or '...'}]{after}z".split())
    assert text_of(first.answer()) == "".join(f"{before}{hidden}{after}z".split())
    assert text_of(second.question()) == "".join(f"{before}{hidden}{after}[...]".split())


# --------------------------------------------------------------------------- 8. tags


def test_obsidian_tags_become_hierarchical_anki_tags(tmp_path: Path) -> None:
    assert anki_tag("ww2/yalta") == "ww2::yalta"
    assert anki_tag("ww2/big three/yalta") == "ww2::big_three::yalta"
    assert anki_tag("/ww2//yalta/") == "ww2::yalta"
    col = imported(
        make_deck(card(CardKind.BASIC, "Q", para("A"), tags=("ww2/yalta",)), tags=()), tmp_path
    )
    (note,) = notes_by_front(col).values()
    assert note.tags == ["ww2::yalta"]
    assert col.find_notes("tag:ww2::*") == [note.id]
    col.close()
