"""How a Markdown file's structure becomes cards: empty headings, files without `##` cards
(`###` topics, outlines), sections too long for one printed card, and files of key terms alone.

The fixtures in `tests/fixtures/structure/` are notes in the shapes students write: an outline
with bold leads and nested items, lecture notes with a huge week and empty headings, `###`-only
lesson notes, a key-term list and an ASCII diagram in a list.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from anki_support import fresh_collection, import_package, visible_text
from notes2decks.cli import make_deck
from notes2decks.errors import Diagnostic, NoCardsError
from notes2decks.model import (
    BulletList,
    CardKind,
    CodeBlock,
    Deck,
    ListItem,
    Paragraph,
    block_lines,
    inline_text,
)
from notes2decks.readers import ReadContext, read_notes
from notes2decks.readers.markdown import parse_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "structure"


def read(text: str, name: str = "notes.md") -> tuple[Deck, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    context = ReadContext(name, (FIXTURES / name).resolve(), FIXTURES, (), warnings.append)
    return parse_markdown(text, context), warnings


def fixture(name: str) -> tuple[Deck, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    deck = read_notes(FIXTURES / name, root=FIXTURES, file=name, warn=warnings.append)
    return deck, warnings


def fronts(deck: Deck) -> list[str]:
    return [inline_text(card.front) for card in deck.cards]


def backs(deck: Deck) -> list[list[str]]:
    return [block_lines(card.back) for card in deck.cards]


def build(tmp_path: Path, *names: str, args: tuple[str, ...] = ()) -> tuple[Path, str]:
    """Build copies of fixtures with make-deck; the output folder and what it printed."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in names:
        shutil.copy(FIXTURES / name, notes / name)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "--no-lock", "-j", "1", *args]
    )
    assert result.exit_code == 0, result.output
    return out, result.output


def anki_notes(tmp_path: Path, package: Path) -> list[list[str]]:
    """The fields of every note of a package, as the official Anki engine imports them."""
    col = fresh_collection(tmp_path / "anki")
    try:
        log = import_package(col, package)
        assert log.counts["conflicting"] == 0 and log.counts["duplicate"] == 0
        return [list(col.get_note(nid).fields) for nid in col.find_notes("")]
    finally:
        col.close()


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


# --------------------------------------------------------------------------- empty headings


def test_every_empty_heading_is_a_warning_that_quotes_its_line() -> None:
    deck, warnings = fixture("lecture.md")
    empty = [(w.line, w.message.split(" is empty")[0]) for w in warnings if "is empty" in w.message]
    assert empty == [
        (14, "the heading '##'"),
        (49, "the heading '##   '"),
        (51, "the heading '## **  **'"),
        (53, "the heading '## #contract'"),
    ]
    assert all(w.severity == "warning" for w in warnings)
    # The text under an empty heading is not lost: it joins the card above.
    assert backs(deck)[0][-1] == "A line under an empty heading still belongs to Week 2."
    assert fronts(deck)[-1] == "Week 4 — Terms"


def test_a_heading_of_a_stray_carriage_return_is_empty() -> None:
    deck, warnings = read("## Card\r\nfact\r\n##\r\r\nmore\r\n# \r\n\r\nlast\r\n")
    assert fronts(deck) == ["Card"]
    assert backs(deck) == [["fact", "more", "last"]]
    quoted = [(w.line, w.message.split(" is empty")[0]) for w in warnings]
    assert quoted == [(3, "the heading '##'"), (6, "the heading '# '")]


def test_an_empty_sub_heading_is_skipped_with_a_warning() -> None:
    deck, warnings = read("## Card\nfact\n\n### **\n\nmore\n")
    assert backs(deck) == [["fact", "more"]]
    assert [(w.line, "'### **' is empty" in w.message) for w in warnings] == [(4, True)]


def test_a_heading_with_a_picture_or_formula_is_not_empty() -> None:
    deck, warnings = read("## $E = mc^2$\nfact\n\n## `x`\nfact\n")
    assert fronts(deck) == ["E = mc^2", "x"]
    assert warnings == []


# --------------------------------------------------------------------------- without ## cards


def test_notes_with_only_h3_topics_make_a_card_per_topic() -> None:
    deck, warnings = fixture("topics.md")
    assert [(c.kind, inline_text(c.front)) for c in deck.cards] == [
        (CardKind.REVISION, "What is malware?"),
        (CardKind.REVISION, "How does a worm spread?"),
        (CardKind.REVISION, "Why is phishing effective?"),
        (CardKind.BASIC, "What does a firewall do?"),
    ]
    assert deck.title == "Threats to networks"
    # The text between the title and the first card stays the introduction.
    assert block_lines(deck.intro) == ["Lesson 2.1, networking unit."]
    assert warnings == []


def test_the_shallowest_repeating_level_makes_the_cards() -> None:
    text = "# Networks\n\n### Vocabulary\n\n#### Unicast\none device\n\n#### Multicast\na group\n"
    deck, warnings = read(text)
    # `###` appears once, so `####` makes the cards and `### Vocabulary` only groups them.
    assert fronts(deck) == ["Unicast", "Multicast"]
    assert warnings == []
    single = read("# Networks\n\n### Only one\n\n- a fact\n")[0]
    assert fronts(single) == ["Networks"]


def test_text_beside_card_lines_in_notes_without_headings_is_a_card() -> None:
    deck, _ = read("# Spanish\n\nFrom chapter 3.\n\nperro :: dog\n")
    assert [(c.kind, inline_text(c.front)) for c in deck.cards] == [
        (CardKind.BASIC, "perro"),
        (CardKind.REVISION, "Spanish"),
    ]
    assert backs(deck)[1] == ["From chapter 3."]


def test_several_h1_headings_take_the_first_as_title_when_it_names_the_notes() -> None:
    deck, warnings = read("# Current\nintro\n\n# Definition\nx\n\n# Units\ny\n", "current.md")
    assert deck.title == "Current"
    assert fronts(deck) == ["Definition", "Units"]
    assert block_lines(deck.intro) == ["intro"]
    assert warnings == []


# --------------------------------------------------------------------------- outlines


def test_an_outline_makes_a_card_per_item_with_a_lead() -> None:
    deck, warnings = fixture("outline.md")
    assert fronts(deck) == [
        "Eukaryotic cells",
        "Prokaryotic cells",
        "Cell organelles",
        "Cell biology",
        "Microscopy",
    ]
    assert backs(deck)[0] == [
        "have a nucleus that holds the DNA",
        "Animal and plant cells are eukaryotic",
        "Organelles are bound by membranes",
    ]
    # Plain facts between the items are the topic's own card, not lost and not misplaced.
    assert backs(deck)[3] == [
        "Magnification = image size / real size",
        "Remember to learn the units: 1 mm = 1000 micrometres.",
    ]
    assert backs(deck)[4][0].startswith("Electron microscopes")
    assert block_lines(deck.intro) == ["Year 10 outline, copied up from my exercise book."]
    assert [card.source.line for card in deck.cards] == [5, 8, 11, 15, 16]
    assert warnings == []


def test_a_short_list_without_leads_stays_one_card() -> None:
    deck, _ = read("# Waves\n\n- Waves carry energy\n- **Amplitude** is the height\n")
    assert fronts(deck) == ["Waves"]


# --------------------------------------------------------------------------- long sections


def test_a_huge_section_is_split_at_its_sub_headings_with_one_warning() -> None:
    deck, warnings = fixture("lecture.md")
    assert fronts(deck) == [
        "Week 2 — Introduction",
        "Week 3 — Offer",
        "Week 3 — Acceptance",
        "Week 3 — Consideration",
        "Week 4 — Terms",
    ]
    (split,) = [w for w in warnings if "too long" in w.message]
    assert split.line == 18 and "'Week 3'" in split.message and "into 3 cards" in split.message
    assert [card.source.line for card in deck.cards][1:4] == [22, 32, 42]
    # Nothing is lost: every fact of the week is on one of its cards.
    assert sum(len(b) for b in backs(deck)[1:4]) == 20


def test_a_huge_section_without_sub_headings_is_split_at_its_bullets() -> None:
    facts = "".join(
        f"- Fact number {n} about the topic, written out at some length.\n" for n in range(60)
    )
    deck, warnings = read(f"## Week 5\n\n{facts}\n## Week 6\n\nshort\n")
    parts = fronts(deck)[:-1]
    assert parts[0] == "Week 5" and parts[1:] == [f"Week 5 ({n})" for n in range(2, len(parts) + 1)]
    assert len(parts) >= 3
    assert [line for b in backs(deck)[:-1] for line in b] == [
        f"Fact number {n} about the topic, written out at some length." for n in range(60)
    ]
    assert len([w for w in warnings if "too long" in w.message]) == 1
    # The numbering of an ordered list carries on across the parts.
    numbered = "".join(
        f"{n}. Step {n} of a long method, with its explanation.\n" for n in range(1, 61)
    )
    steps = read(f"## Method\n\n{numbered}")[0]
    starts = [c.back[0].start for c in steps.cards if isinstance(c.back[0], BulletList)]
    assert starts[0] == 1 and starts == sorted(starts) and len(starts) > 1


def test_several_split_sections_make_one_warning() -> None:
    facts = "".join(f"- A fact about this week, number {n}, of some length.\n" for n in range(70))
    _, warnings = read(f"## Week 1\n\n{facts}\n## Week 2\n\n{facts}")
    (split,) = [w for w in warnings if "too long" in w.message]
    assert split.message.startswith("2 sections are too long") and split.line == 1
    assert "'Week 1' (line 1)" in split.message and "'Week 2' (line 74)" in split.message


def test_split_and_outline_cards_keep_their_identities_when_facts_change() -> None:
    lecture = (FIXTURES / "lecture.md").read_text(encoding="utf-8")
    edited = lecture.replace(
        "- Conduct can be acceptance", "- Acceptance can be by email.\n- Conduct can be acceptance"
    )
    before = [card.identity for card in read(lecture, "lecture.md")[0].cards]
    after = [card.identity for card in read(edited, "lecture.md")[0].cards]
    assert before == after and len(set(before)) == len(before)
    outline = (FIXTURES / "outline.md").read_text(encoding="utf-8")
    grown = outline.replace(
        "  - Bacteria are prokaryotic\n", "  - Bacteria are prokaryotic\n  - New\n"
    )
    assert [c.identity for c in read(outline, "outline.md")[0].cards] == [
        c.identity for c in read(grown, "outline.md")[0].cards
    ]


def test_a_long_code_block_is_split_at_whole_lines() -> None:
    terms = "\n".join(f"  Term {n} - a definition of the term, at some length" for n in range(80))
    deck, _ = read(f"# Words\n\n- Words to learn\n\n  ```\n{terms}\n  ```\n")
    codes = [b for c in deck.cards for b in c.back if isinstance(b, CodeBlock)]
    assert len(codes) > 1
    assert "\n".join(c.code for c in codes).split("\n") == [t[2:] for t in terms.split("\n")]


# --------------------------------------------------------------------------- key terms alone


def test_a_glossary_alone_is_a_deck_of_terms() -> None:
    deck, warnings = fixture("keyterms.md")
    assert deck.cards == ()
    assert sorted(entry.term for entry in deck.glossary) == [
        "Ceteris paribus",
        "Opportunity cost",
        "Scarcity",
    ]
    assert warnings == []
    glossary = read("## Glossary\n\nT\n: d\n")[0]
    assert [entry.term for entry in glossary.glossary] == ["T"]


def test_a_key_terms_section_of_bullets_stays_a_revision_card() -> None:
    deck, warnings = read("## Key terms\n\n- Osmosis - diffusion of water\n")
    assert fronts(deck) == ["Key terms"] and deck.glossary == () and warnings == []


def test_notes_with_neither_cards_nor_terms_hold_nothing() -> None:
    with pytest.raises(NoCardsError):
        read("# Title\n\n## Empty\n\n## Also empty\n")


def test_a_page_of_empty_headings_says_so_once() -> None:
    headings = "".join(f"## [Lesson {n}](lesson-{n}.md)\n\n" for n in range(6))
    deck, warnings = read(f"# Index\n\n{headings}## Real\n\nfact\n")
    assert fronts(deck) == ["Real"]
    (warning,) = warnings
    assert warning.line == 3 and warning.message.startswith("6 cards have nothing under")


@pytest.mark.slow
def test_a_key_term_list_builds_anki_csv_and_printed_cards(tmp_path: Path) -> None:
    out, output = build(tmp_path, "keyterms.md")
    assert "nothing was built" not in output
    fields = anki_notes(tmp_path, out / "keyterms.apkg")
    assert sorted(f[0] for f in fields) == ["Ceteris paribus", "Opportunity cost", "Scarcity"]
    assert any("next best alternative" in visible_text(f[1]) for f in fields)
    with open(out / "keyterms-glossary.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["term"] for row in rows} == {"Ceteris paribus", "Opportunity cost", "Scarcity"}
    pages = pdf_pages(out / "keyterms.pdf")
    assert len(pages) == 2
    assert "Scarcity" in pages[0] and "All other things being equal." in pages[1]


# --------------------------------------------------------------------------- built outputs


def test_a_diagram_in_a_list_keeps_its_lines_in_the_model() -> None:
    deck, _ = fixture("diagram.md")
    (card,) = deck.cards
    (listed,) = card.back
    assert isinstance(listed, BulletList)
    first: ListItem = listed.items[0]
    assert isinstance(first.children[0], Paragraph)
    code = first.children[1]
    assert isinstance(code, CodeBlock)
    assert code.code.split("\n") == [
        "    [PC1]     [PC2]",
        "       \\       /",
        "        [Switch]",
        "       /       \\",
        "    [PC3]     [PC4]",
    ]


@pytest.mark.slow
def test_fixtures_build_into_anki_pdf_and_csv(tmp_path: Path) -> None:
    names = ("outline.md", "lecture.md", "topics.md", "diagram.md")
    out, output = build(tmp_path, *names)
    # The huge week prints as cards that fit: no printed card continues.
    assert "does not fit" not in output
    for name in names:
        deck, _ = fixture(name)
        stem = out / Path(name).stem
        fields = anki_notes(tmp_path / name, stem.with_suffix(".apkg"))
        assert sorted(f[0] for f in fields) == sorted(
            inline_text(c.front) for c in deck.cards if c.kind is not CardKind.CLOZE
        )
        pages = pdf_pages(stem.with_suffix(".pdf"))
        printed = [c for c in deck.cards if c.kind is not CardKind.CLOZE]
        # Four A6 cards a side, fronts then backs.
        assert len(pages) == 2 * -(-len(printed) // 4)
        for number in range(1, len(printed) + 1):
            assert f"{number} / {len(printed)}" in pages[2 * ((number - 1) // 4)]
        assert stem.with_name(f"{stem.name}-glossary.csv").exists()
    diagram = anki_notes(tmp_path / "diagram", out / "diagram.apkg")[0][1]
    assert "<pre><code>    [PC1]     [PC2]\n       \\       /\n        [Switch]" in diagram
    backs_text = pdf_pages(out / "diagram.pdf")[1]
    assert re.search(r"\[PC1\] +\[PC2\]\n +\\ +/\n +\[Switch\]", backs_text)
    week = pdf_pages(out / "lecture.pdf")
    assert "Week 3 —\nAcceptance" in week[0]


def test_topics_before_the_first_card_heading_make_the_topics_card() -> None:
    topic = "### What is the CIA triad?\n- Confidentiality\n"
    deck, warnings = read(f"# Security\n\nLesson 1.2\n\n{topic}\n## Models\n- ACL\n")
    assert fronts(deck) == ["Security", "Models"]
    assert backs(deck)[0] == ["Lesson 1.2", "What is the CIA triad?", "Confidentiality"]
    assert deck.intro == () and warnings == []
    # A short introduction stays the introduction.
    short = read("# Security\n\nLesson 1.2\n\n## Models\n- ACL\n")[0]
    assert fronts(short) == ["Models"] and block_lines(short.intro) == ["Lesson 1.2"]


def test_paragraphs_with_one_list_of_leads_are_not_an_outline() -> None:
    line = "A question written out as a paragraph of the notes, at some length"
    prose = "".join(f"{line} ({n}).\n\n" for n in range(6))
    deck, _ = read(f"# Networks\n\n{prose}1. **Link layer**: bits\n2. **Internet layer**: routes\n")
    assert fronts(deck) == ["Networks"]


def test_items_with_nested_items_are_cards_only_in_a_long_outline() -> None:
    short = "# Layout\n\n- Position\n  - Related things sit together\n- Grid\n  - Columns align\n"
    assert fronts(read(short)[0]) == ["Layout"]
    topics = "".join(
        f"- Topic {n}\n"
        + "".join(f"  - Point {k} of topic {n}, explained at some length here.\n" for k in range(6))
        for n in range(8)
    )
    deck, warnings = read(f"# Revision outline\n\n{topics}")
    assert fronts(deck) == [f"Topic {n}" for n in range(8)]
    assert all(len(back) == 6 for back in backs(deck))
    assert warnings == []
