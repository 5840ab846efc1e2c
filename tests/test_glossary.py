"""Glossary extraction: explicit entries kept, key terms and people found, definition pairs.

Recall and precision are measured on card sets of our own in several subjects, written in the
revision-website style (title, facts, "N of M" lines, footer) and read by the real card-set
reader. Each fixture lists the terms it must yield and the other terms that are acceptable;
anything else found is junk.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FIXTURES
from notes2decks.enrich.glossary import extract_glossary, merge_entries, tidy_definition
from notes2decks.identity import card_identity
from notes2decks.model import (
    BulletList,
    Card,
    CardKind,
    Code,
    Deck,
    GlossaryEntry,
    Inlines,
    ListItem,
    Paragraph,
    SourceRef,
    Strong,
    TermKind,
    Text,
)
from notes2decks.readers import read_notes
from notes2decks.words import sort_key, term_key

GLOSSARY = FIXTURES / "glossary"

# term -> words its definition must contain, for the terms each fixture must yield.
REQUIRED: dict[str, dict[str, str]] = {
    "weimar-germany.txt": {
        "Weimar Republic": "democratic government",
        "Treaty of Versailles": "peace settlement",
        "Diktat": "no say",
        "War Guilt Clause": "blame",
        "November Criminals": "politicians",
        "stab in the back myth": "nationalists",
        "Spartacist Uprising": "communist revolt",
        "Freikorps": "ex-soldiers",
        "Kapp Putsch": "seize Berlin",
        "Munich Putsch": "Hitler",
        "hyperinflation": "prices rise",
        "Rentenmark": "temporary currency",
        "Dawes Plan": "reparations",
        "Locarno Pact": "western borders",
        "League of Nations": "1926",
        "Young Plan": "59 years",
        "Wall Street Crash": "loans",
        "SPD": "Ebert",
    },
    "enzymes-respiration.txt": {
        "enzyme": "biological catalysts",
        "active site": "specific shape",
        "lock and key model": "right shape",
        "induced fit model": "changes shape",
        "aerobic respiration": "release of energy",
        "ATP": "adenosine triphosphate",
        "Krebs Cycle": "series of reactions",
        "fermentation": "yeast",
        "oxygen debt": "extra oxygen",
    },
    "french-past-tenses.txt": {
        "perfect tense": "completed actions",
        "imperfect tense": "descriptions",
        "past participle": "follows the auxiliary",
        "DR MRS VANDERTRAMP": "mnemonic",
        "reflexive verbs": "same person",
        "PDO": "Preceding Direct Object",
    },
    "chemical-bonding.txt": {
        "ionic bonding": "electrostatic attraction",
        "giant ionic lattice": "regular arrangement",
        "covalent bond": "shared pair",
        "metallic bonding": "delocalised electrons",
        "VSEPR": "Valence Shell Electron Pair Repulsion",
        "Electronegativity": "power of an atom",
        "Pauling Scale": "0.7 to 4.0",
        "Van der Waals forces": "weakest",
    },
    "cold-war-origins.txt": {
        "Yalta Conference": "four zones",
        "Potsdam Conference": "Truman",
        "Iron Curtain": "across Europe",
        "Truman Doctrine": "resisting communism",
        "containment": "policy",
        "Marshall Plan": "aid",
        "Cominform": "1947",
        "Comecon": "Soviet answer",
        "Berlin Airlift": "West Berlin",
        "NATO": "military alliance",
        "domino theory": "neighbours",
    },
}
# Terms that are fair to list though not required: aliases, places the notes treat as events.
ACCEPTABLE: dict[str, set[str]] = {
    "weimar-germany.txt": {"Beer Hall Putsch", "Ruhr"},
    "enzymes-respiration.txt": set(),
    "french-past-tenses.txt": {"être"},
    "chemical-bonding.txt": set(),
    "cold-war-origins.txt": {"Marshall Aid", "FRG", "GDR", "USSR"},
}
# The people each fixture's who's who must hold, and who else may appear.
PEOPLE: dict[str, set[str]] = {
    "weimar-germany.txt": {"Gustav Stresemann", "Hitler"},
    "cold-war-origins.txt": {"Churchill", "Stalin", "Truman"},
}
# Things that must never be listed: headings, scare quotes, formulas, places, possessives.
JUNK = {
    "Extra Notes",
    "free",
    "crimes",
    "Germany",
    "Germany's",
    "Germans",
    "Berlin",
    "West Berlin",
    "USA",
    "CO2",
    "C6H12O6",
    "H2O",
    "pH",
    "Biology",
    "History",
    "Chancellor",
    "Kaiser",
    "elle est allée",
    "je jouais au foot",
    "I was playing football",
    "Ebert's",
    "Stresemann and Recovery",
    "The Perfect Tense",
}


def read(name: str) -> Deck:
    return read_notes(GLOSSARY / name)


def glossary_of(name: str) -> tuple[GlossaryEntry, ...]:
    return extract_glossary(read(name))


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_fixture_recall_and_precision(name: str) -> None:
    entries = glossary_of(name)
    auto = {e.term: e for e in entries if e.kind is TermKind.AUTO}
    required = REQUIRED[name]
    missing = sorted(set(required) - set(auto))
    assert not missing, f"not found in {name}: {missing}"
    for term, words in required.items():
        assert words.lower() in auto[term].definition.lower(), (term, auto[term].definition)
    unexpected = sorted(set(auto) - set(required) - ACCEPTABLE[name])
    assert not unexpected, f"junk in {name}: {unexpected}"
    people = {e.term for e in entries if e.kind is TermKind.PERSON}
    assert people == PEOPLE.get(name, set())
    assert not {e.term for e in entries} & JUNK


def test_precision_and_recall_over_all_fixtures() -> None:
    """The numbers the rules are held to, over every fixture together."""
    found = required = hits = 0
    for name in REQUIRED:
        terms = {e.term for e in glossary_of(name) if e.kind is TermKind.AUTO}
        found += len(terms)
        required += len(REQUIRED[name])
        hits += len(terms & set(REQUIRED[name]))
        good = len(terms & (set(REQUIRED[name]) | ACCEPTABLE[name]))
        assert good == len(terms)
    assert hits / required == 1.0
    assert found >= required


def test_every_entry_points_at_the_line_that_explains_it() -> None:
    deck = read("weimar-germany.txt")
    lines = (GLOSSARY / "weimar-germany.txt").read_text(encoding="utf-8").split("\n")
    for entry in extract_glossary(deck):
        assert entry.source.file == deck.source.file
        line = lines[entry.source.line - 1]
        first_words = " ".join(entry.definition.split()[:3]).rstrip(".")
        assert first_words.lower() in line.lower(), (entry.term, line)


def test_people_have_facts_they_are_the_subject_of() -> None:
    people = {e.term: e for e in glossary_of("weimar-germany.txt") if e.kind is TermKind.PERSON}
    stresemann = people["Gustav Stresemann"].definition
    assert stresemann.startswith("Gustav Stresemann became Chancellor in August 1923")
    assert "Stresemann died in October 1929" in stresemann
    assert people["Hitler"].definition.startswith("In 1923 Hitler led the Munich Putsch")


def test_people_are_optional() -> None:
    deck = read("cold-war-origins.txt")
    entries = extract_glossary(deck, people=False)
    assert entries
    assert all(e.kind is not TermKind.PERSON for e in entries)


# --------------------------------------------------------------------------- rules, one by one


def card(*texts: str, line: int = 3, front: str = "Facts") -> Card:
    return Card(
        kind=CardKind.REVISION,
        front=(Text(front),),
        back=tuple(
            Paragraph((Text(text),), line + 2 * offset) for offset, text in enumerate(texts)
        ),
        source=SourceRef("notes.txt", line - 1),
        identity=card_identity("Test", "revision", front),
    )


def deck(*cards: Card, auto: bool = True, glossary: tuple[GlossaryEntry, ...] = ()) -> Deck:
    return Deck(
        title="Test",
        deck_path="Test",
        source=SourceRef("notes.txt"),
        cards=cards,
        glossary=glossary,
        auto_glossary=auto,
    )


def terms(*texts: str) -> dict[str, GlossaryEntry]:
    return {e.term: e for e in extract_glossary(deck(card(*texts))) if e.kind is TermKind.AUTO}


def test_variants_and_misspellings_merge_into_one_term() -> None:
    found = terms(
        "Lenin used the Ban of Faction (1921) against the Workers' Opposition",
        "Trotsky had helped to create the ban on factinos in 1921",
    )
    assert "Ban on Factions" in found
    assert not [t for t in found if term_key(t) == "ban faction" and t != "Ban on Factions"]
    assert found["Ban on Factions"].definition.startswith("Lenin used the Ban of Faction (1921)")


def test_quoted_names_are_title_cased_and_scare_quotes_ignored() -> None:
    found = terms(
        "Stalin's idea of 'Socialism in one Country' won votes from the right",
        "The 'free' elections and the 'crimes' of the Opposition were a sham",
        "They were expelled for 'factionalism' and had to apologise",
        "Both believed in 'Socialism in one Country' after 1925",
    )
    assert set(found) == {"Socialism in One Country"}


def test_headings_and_possessives_are_not_terms() -> None:
    found = terms(
        "Stalin's supporters packed the Congress of Soviets",
        "Bukharin's allies lost their jobs, and Stalin's power grew",
    )
    assert not {"Stalin's", "Bukharin's", "Stalin", "Facts"} & set(found)


def test_acronyms_are_found_and_formulas_are_not() -> None:
    found = terms(
        "The New Economic Policy (NEP) allowed small private traders",
        "Burning methane gives CO2 and H2O, and KOH is an alkali",
        "In 1928 Stalin ended the NEP",
        "Chapter IV of the book covers the years AD 1900 to 1950",
    )
    assert set(found) == {"NEP"}
    assert found["NEP"].definition == "The New Economic Policy (NEP) allowed small private traders."


def test_acronym_expansion_is_added_when_the_definition_lacks_it() -> None:
    found = terms(
        "Cells store energy in ATP (adenosine triphosphate)",
        "ATP is a molecule that stores energy for the cell",
    )
    assert found["ATP"].definition == (
        "Adenosine triphosphate. ATP is a molecule that stores energy for the cell."
    )


def test_a_defining_sentence_beats_the_first_mention() -> None:
    found = terms(
        "The Triumvirate met in secret in 1923",
        "Zinoviev and Kamenev feared the Triumvirate would split",
        "The Triumvirate was an alliance of Stalin, Zinoviev and Kamenev against Trotsky",
    )
    assert found["Triumvirate"].definition.startswith("The Triumvirate was an alliance")
    assert found["Triumvirate"].source.line == 7


def test_single_common_words_are_not_terms() -> None:
    found = terms(
        "A cell is the smallest unit of life",
        "The result was a disaster for the party",
        "Freedom was limited by the Party",
        "The Party controlled the press and the Party chose the candidates",
    )
    assert found == {}


def test_a_capitalised_linking_word_alone_names_nothing() -> None:
    found = terms("We saw the The band play", "Lenin's The was a paper", "The The won")
    assert found == {}


def test_code_and_math_are_not_read_for_terms() -> None:
    paragraph = Paragraph((Text("Run "), Code("SELECT NAME FROM USERS"), Text(" to list them")), 3)
    entries = extract_glossary(deck(dataclasses.replace(card("x"), back=(paragraph,))))
    assert entries == ()


def test_no_extraction_without_auto_glossary() -> None:
    assert extract_glossary(deck(card("The 'United Opposition' formed in 1926"), auto=False)) == ()


def test_tidy_definition_keeps_the_wording() -> None:
    assert tidy_definition("  formed  the Triumvirate\n with Zinoviev ") == (
        "Formed the Triumvirate with Zinoviev."
    )
    assert tidy_definition("- a wave that moves,") == "A wave that moves."
    assert tidy_definition("Is it 'free'?") == "Is it 'free'?"
    assert tidy_definition("He said 'no.'") == "He said 'no.'"
    assert tidy_definition("(I ate an apple)") == "(I ate an apple)."
    assert tidy_definition("1923: the year") == "1923: the year."
    assert tidy_definition(" ") == ""


def test_sort_key_ignores_case_accents_and_quotes() -> None:
    words = ["zebra", "Élan", "'apple' model", "eagle", "Apple", "ember"]
    assert sorted(words, key=sort_key) == [
        "Apple",
        "'apple' model",
        "eagle",
        "Élan",
        "ember",
        "zebra",
    ]


def test_term_key_merges_spellings() -> None:
    assert term_key("Ban of Faction") == term_key("ban on factions")
    assert term_key("Lenin's Testament") == term_key("Lenin testament")
    assert term_key("Passé composé") == term_key("passe compose")
    assert term_key("NEP") != term_key("NEPs policy")


# --------------------------------------------------------------------------- explicit glossaries


EXPLICIT = (
    GlossaryEntry("wave", "  a disturbance that transfers energy  ", SourceRef("waves.md", 20)),
    GlossaryEntry("Amplitude", "The maximum displacement, $A$.", SourceRef("waves.md", 23)),
    GlossaryEntry("node", "A point that does not move.", SourceRef("waves.md", 26)),
)


def bold_card() -> Card:
    paragraph = Paragraph(
        (
            Text("A "),
            Strong((Text("progressive wave"),)),
            Text(" is a wave that transfers energy. The "),
            Strong((Text("amplitude"),)),
            Text(" is the largest displacement. This is "),
            Strong((Text("important"),)),
            Text(" for the exam."),
        ),
        4,
    )
    item = ListItem(
        (Paragraph((Strong((Text("Wavelength"),)), Text(": the length of a wave.")), 6),)
    )
    return dataclasses.replace(card("x"), back=(paragraph, BulletList((item,))))


def test_explicit_glossary_is_kept_exactly_and_alone() -> None:
    result = extract_glossary(deck(bold_card(), auto=False, glossary=EXPLICIT))
    assert sorted(result, key=lambda e: e.source) == list(EXPLICIT)
    assert [e.term for e in result] == ["Amplitude", "node", "wave"]


def test_glossary_auto_adds_to_an_explicit_glossary_which_wins() -> None:
    result = {e.term: e for e in extract_glossary(deck(bold_card(), auto=True, glossary=EXPLICIT))}
    assert result["Amplitude"] == EXPLICIT[1]
    assert "amplitude" not in result
    assert result["progressive wave"].kind is TermKind.AUTO
    assert result["Wavelength"].definition == "The length of a wave."


def test_bold_terms_that_a_sentence_defines() -> None:
    result = {e.term: e for e in extract_glossary(deck(bold_card(), auto=False))}
    assert set(result) == {"progressive wave", "amplitude", "Wavelength"}
    wave = result["progressive wave"]
    assert wave.definition == "A progressive wave is a wave that transfers energy."
    assert wave.source == SourceRef("notes.txt", 4)
    assert wave.kind is TermKind.AUTO


def test_merge_entries_prefers_explicit_and_keeps_differing_explicit_definitions() -> None:
    auto = GlossaryEntry("Wave", "Auto.", SourceRef("a", 1), TermKind.AUTO)
    person = GlossaryEntry("wave", "Person.", SourceRef("a", 2), TermKind.PERSON)
    first = GlossaryEntry("waves", "One.", SourceRef("a", 3))
    second = GlossaryEntry("wave", "Two.", SourceRef("a", 4))
    merged = merge_entries([auto, person, first, second])
    assert [(e.term, e.definition) for e in merged] == [("wave", "Two."), ("waves", "One.")]


# --------------------------------------------------------------------------- flashcards


def qa(front: str, back: str, line: int) -> Card:
    return Card(
        kind=CardKind.BASIC,
        front=(Text(front),),
        back=(Paragraph((Text(back),), line),),
        source=SourceRef("cards.txt", line),
        identity=card_identity("Bio", "basic", front),
    )


def test_definition_flashcards_feed_the_glossary_with_their_card() -> None:
    cards = (
        qa("What is osmosis?", "The diffusion of water across a partially permeable membrane", 1),
        qa(
            "The site on an enzyme where the substrate binds - what term is this?", "active site", 2
        ),
        qa("What is the function of the mitochondria?", "Aerobic respiration", 3),
        qa("What is 6 x 7?", "42", 4),
        qa("Who was Trotsky?", "Leader of the Red Army and Stalin's rival", 5),
        qa("What does ATP stand for?", "Adenosine triphosphate", 6),
        qa("What is the term for a group of similar cells?", "Tissue", 7),
        qa("Define diffusion.", "The spreading of particles from high to low concentration", 8),
    )
    result = {e.term: e for e in extract_glossary(deck(*cards, auto=False))}
    assert set(result) == {"osmosis", "active site", "Trotsky", "ATP", "Tissue", "diffusion"}
    osmosis = result["osmosis"]
    assert osmosis.definition == "The diffusion of water across a partially permeable membrane."
    assert osmosis.card == cards[0].identity
    assert osmosis.source == SourceRef("cards.txt", 1)
    assert result["active site"].definition == "The site on an enzyme where the substrate binds."
    assert result["active site"].card == cards[1].identity
    assert result["Trotsky"].kind is TermKind.PERSON
    assert result["Tissue"].definition == "A group of similar cells."


def test_delimited_flashcard_file_end_to_end(tmp_path: Path) -> None:
    notes = tmp_path / "biology.txt"
    notes.write_text(
        "What is osmosis? | The diffusion of water through a membrane\n"
        "Where is DNA found? | In the nucleus\n",
        encoding="utf-8",
    )
    deck_ = read_notes(notes)
    result = extract_glossary(deck_)
    assert [(e.term, e.card) for e in result] == [("osmosis", deck_.cards[0].identity)]


# --------------------------------------------------------------------------- determinism


def test_same_glossary_in_any_card_order_of_runs() -> None:
    deck_ = read("weimar-germany.txt")
    assert extract_glossary(deck_) == extract_glossary(deck_)


def test_same_glossary_under_any_hash_seed() -> None:
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from notes2decks.readers import read_notes\n"
        "from notes2decks.enrich.glossary import extract_glossary\n"
        "entries = extract_glossary(read_notes(Path(sys.argv[1])))\n"
        "rows = [[e.term, e.definition, str(e.source), e.kind.value] for e in entries]\n"
        "print(json.dumps(rows))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(GLOSSARY / "cold-war-origins.txt")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())


def test_paragraph_helpers_inlines_are_plain(tmp_path: Path) -> None:
    inlines: Inlines = (
        Text("The "),
        Strong((Text("Krebs cycle"),)),
        Text(" is a cycle of reactions."),
    )
    result = extract_glossary(deck(dataclasses.replace(card("x"), back=(Paragraph(inlines, 9),))))
    assert [(e.term, e.source.line) for e in result] == [("Krebs cycle", 9)]


def test_extraction_is_idempotent() -> None:
    deck_ = read("enzymes-respiration.txt")
    once = extract_glossary(deck_)
    assert extract_glossary(dataclasses.replace(deck_, glossary=once)) == once


@pytest.mark.slow
def test_large_notes_yield_their_terms() -> None:
    """A card set of 400 cards (about 400 KB) still yields the fixtures' terms."""
    bodies = [
        line
        for name in sorted(REQUIRED)
        for line in (GLOSSARY / name).read_text(encoding="utf-8").split("\n")[2:]
        if line.strip()
        and not re.fullmatch(r"\d+ of \d+", line)
        and not line.startswith(("No comments", "Similar", "See all"))
    ]
    cards = tuple(
        card(*(bodies[(12 * i + k) % len(bodies)] for k in range(12)), line=1, front=f"Card {i}")
        for i in range(400)
    )
    entries = extract_glossary(deck(*cards))
    assert {"Treaty of Versailles", "ATP", "Krebs Cycle"} <= {e.term for e in entries}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("aAbBeEtTsS '’\"(),.;:-–1920éÉ\n")) | st.characters(),
            max_size=80,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_text_gives_a_sorted_glossary_without_errors(texts: list[str]) -> None:
    entries = extract_glossary(deck(card(*texts)))
    assert list(entries) == sorted(
        entries, key=lambda e: (sort_key(e.term), e.source, e.definition)
    )
    for entry in entries:
        assert entry.term.strip() and entry.definition.strip()
        assert entry.kind in (TermKind.AUTO, TermKind.PERSON)
