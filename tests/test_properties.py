"""Properties of the whole pipeline, checked with hypothesis:

- any text (or any bytes) read as notes, with any notes suffix, gives a deck or the project's
  error, never another exception;
- no model crashes an exporter: each writes a valid file or raises the project's error;
- no fact is lost: every fact of random card-set and flashcard notes reaches the Anki notes and
  the printed cards, and every glossary definition reaches the CSV.
"""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from anki_support import fresh_collection, import_package
from helpers import FIXTURES
from notes2decks.build import build
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.exporters.apkg import export_apkg
from notes2decks.exporters.apkg.notetypes import NOTE_TYPES
from notes2decks.exporters.csv import COLUMNS, export_csv, merge_rows
from notes2decks.exporters.pdf import export_pdf
from notes2decks.model import (
    Align,
    BulletList,
    Card,
    CardKind,
    Cloze,
    Code,
    CodeBlock,
    Deck,
    Emphasis,
    GlossaryEntry,
    Heading,
    Image,
    LineBreak,
    Link,
    ListItem,
    Math,
    MathBlock,
    Paragraph,
    SourceRef,
    Strong,
    Table,
    TermKind,
    Text,
    ThematicBreak,
)
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes

PROFILE = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="n2d-properties-") as folder:
        yield Path(folder)


# --------------------------------------------------------------------------- any text

# Pieces of every notes syntax, so that random text often means something to a reader.
SYNTAX = [
    "# Title",
    "## Heading",
    "### Sub",
    "## Glossary",
    "Term",
    ": definition",
    "- item",
    "  - nested",
    "1. first",
    "> quote",
    "Q: question?",
    "A: answer.",
    "front :: back",
    "front ::: back",
    "{{c1::hidden}}",
    "{{c2::x::hint}}",
    "{{c1::",
    "}}",
    "==marked==",
    "$x^2$",
    "$$",
    "\\frac{1}{",
    "```",
    "~~~python",
    "---",
    "...",
    "title: T",
    "deck: A::B",
    "tags: [a, b]",
    "!!python/object:os.system",
    "*a",
    "&a x",
    "| a | b |",
    "|---|:-:|",
    "1 of 3",
    "3 of 3",
    "No comments have yet been made",
    "q | a",
    "q\ta",
    'a,"b',
    "#deck: X::Y",
    "![img](pic.png)",
    "![img](../out.png)",
    "[link](http://x)",
    "<script>x</script>",
    "<!-- c -->",
    "**bold**",
    "_em_",
    "`code`",
    "\\",
    "\ufeff",
    "\x00",
    "\r",
]

lines = st.one_of(st.sampled_from(SYNTAX), st.text(max_size=40))
notes_text = st.lists(st.one_of(lines, st.just("")), max_size=30).map("\n".join)


@pytest.mark.slow
@settings(PROFILE, max_examples=250)
@given(text=notes_text, suffix=st.sampled_from([".md", ".txt", ".csv", ".tsv", ".markdown"]))
def test_any_text_reads_to_a_deck_or_a_notes_error(text: str, suffix: str, workdir: Path) -> None:
    path = workdir / "notes" / f"topic{suffix}"
    path.parent.mkdir(exist_ok=True)
    (workdir / "notes" / "pic.png").write_bytes((FIXTURES / "pdf" / "wave.png").read_bytes())
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    read_and_check(path)


@settings(PROFILE, max_examples=100)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".md", ".txt", ".csv"]))
def test_any_bytes_read_to_a_deck_or_a_notes_error(data: bytes, suffix: str, workdir: Path) -> None:
    path = workdir / "bytes" / f"topic{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    read_and_check(path)


def read_and_check(path: Path) -> None:
    warnings: list[Diagnostic] = []
    try:
        deck = read_notes(path, root=path.parent, warn=warnings.append)
    except NotesError as exc:
        assert exc.file == str(path) and exc.message
        return
    assert deck.cards, "a deck without cards should have been an error"
    assert len({card.identity for card in deck.cards}) == len(deck.cards)
    data = path.read_bytes()
    # Readers take CR, LF and CRLF for line ends: count both characters, an upper bound.
    line_count = data.count(b"\n") + data.count(b"\r") + 1
    for card in deck.cards:
        assert card.source.file == str(path)
        assert 0 <= card.source.line <= line_count
    for warning in warnings:
        assert warning.file == str(path) and warning.message


# --------------------------------------------------------------------------- any model

IMAGES = {
    "wave.png": FIXTURES / "pdf" / "wave.png",
    "arrow.svg": FIXTURES / "pdf" / "arrow.svg",
    "notes.txt": FIXTURES / "pdf" / "wave-basics.txt",
    "gone.png": FIXTURES / "pdf" / "no-such-image.png",
}

words = st.text(min_size=1, max_size=30)
latex = st.sampled_from(["x^2", "\\frac{a}{b}", "\\sqrt{2}", "\\alpha + \\beta", "\\frac{", "}"])

inlines = st.recursive(
    st.one_of(
        st.builds(Text, words),
        st.builds(Code, words),
        st.builds(Math, latex, st.booleans()),
        st.builds(LineBreak),
        st.builds(
            lambda name, alt: Image(name, IMAGES[name], alt),
            st.sampled_from(sorted(IMAGES)),
            st.text(max_size=10),
        ),
    ),
    lambda children: st.one_of(
        st.builds(Emphasis, st.tuples(children)),
        st.builds(Strong, st.tuples(children)),
        st.builds(
            Link, st.sampled_from(["https://example.com", "javascript:x()"]), st.tuples(children)
        ),
        st.builds(Cloze, st.integers(1, 3), st.tuples(children), st.text(max_size=8)),
    ),
    max_leaves=6,
).map(lambda node: (node,))

inline_runs = st.lists(inlines, min_size=1, max_size=3).map(lambda runs: sum(runs, ()))
paragraphs = st.builds(Paragraph, inline_runs, st.integers(0, 50))
blocks = st.recursive(
    st.one_of(
        paragraphs,
        st.builds(Heading, st.integers(3, 6), inline_runs),
        st.builds(CodeBlock, st.text(max_size=60), st.sampled_from(["", "python"])),
        st.builds(MathBlock, latex),
        st.builds(ThematicBreak),
        st.integers(1, 3).flatmap(
            lambda width: st.builds(
                Table,
                st.tuples(*[inline_runs] * width),
                st.lists(st.tuples(*[inline_runs] * width), max_size=2).map(tuple),
                st.tuples(*[st.sampled_from(list(Align))] * width),
            )
        ),
    ),
    lambda children: st.builds(
        BulletList,
        st.lists(
            st.builds(ListItem, st.lists(children, min_size=1, max_size=2).map(tuple)),
            min_size=1,
            max_size=3,
        ).map(tuple),
        st.booleans(),
        st.integers(0, 5),
    ),
    max_leaves=5,
)


@st.composite
def cards(draw: st.DrawFn, count: int) -> tuple[Card, ...]:
    made = []
    for number in range(count):
        made.append(
            Card(
                kind=draw(st.sampled_from(list(CardKind))),
                front=draw(inline_runs),
                back=tuple(draw(st.lists(blocks, max_size=3))),
                source=SourceRef("notes/topic.md", draw(st.integers(0, 99))),
                identity=f"topic/{number}",
                tags=tuple(draw(st.lists(words, max_size=2))),
                continued=draw(st.booleans()),
                modified=draw(st.integers(0, 2**31)),
            )
        )
    return tuple(made)


glossary_entries = st.lists(
    st.builds(
        GlossaryEntry,
        words,
        st.text(max_size=60),
        st.builds(SourceRef, st.just("notes/topic.md"), st.integers(0, 99)),
        st.sampled_from(list(TermKind)),
    ),
    max_size=4,
).map(tuple)

decks = st.builds(
    Deck,
    title=st.text(max_size=40),
    deck_path=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=3).map("::".join),
    source=st.just(SourceRef("notes/topic.md")),
    cards=st.integers(0, 4).flatmap(cards),
    glossary=glossary_entries,
    subject=st.text(max_size=20),
    tags=st.lists(words, max_size=2).map(tuple),
    author=st.text(max_size=20),
    modified=st.integers(0, 2**31),
    removed=st.integers(0, 2).flatmap(cards),
    removed_glossary=glossary_entries,
)


def check_apkg(deck: Deck, path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            db.write_bytes(archive.read("collection.anki2"))
            assert "media" in archive.namelist()
        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            notes = con.execute("SELECT id, mid, flds FROM notes").fetchall()
            cards = con.execute("SELECT nid FROM cards").fetchall()
        finally:
            con.close()
    fields = {t.model_id: len(t.fields) for t in NOTE_TYPES.values()}
    for _, model, flds in notes:
        # A field that held Anki's separator would make the whole package fail to import.
        assert len(flds.split("\x1f")) == fields[model]
    assert {nid for (nid,) in cards} == {nid for nid, _, _ in notes}
    # And Anki itself takes every note.
    with tempfile.TemporaryDirectory() as folder:
        col = fresh_collection(Path(folder))
        try:
            log = import_package(col, path)
            assert log.counts["new"] == len(notes) == len(col.find_notes(""))
        finally:
            col.close()


def check_pdf(path: Path) -> None:
    reader = pypdf.PdfReader(path, strict=True)
    assert len(reader.pages) >= 1
    for page in reader.pages:
        page.extract_text()


def check_csv(deck: Deck, path: Path) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(merge_rows((e, deck.deck_path) for e in deck.glossary))


EXPORTS = {
    "apkg": (export_apkg, check_apkg),
    "pdf": (export_pdf, lambda deck, path: check_pdf(path)),
    "csv": (export_csv, check_csv),
}


@pytest.mark.slow
@settings(PROFILE, max_examples=60)
@given(
    deck=decks,
    options=st.builds(
        BuildOptions,
        card_size=st.sampled_from(["a6", "a7", "3x5", "4x6", "business"]),
        duplex=st.sampled_from(["long", "short", "fold"]),
        print_kinds=st.frozensets(st.sampled_from(list(CardKind)), min_size=1),
        print_glossary=st.booleans(),
        print_glossary_cards=st.booleans(),
    ),
)
@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_no_model_crashes_an_exporter(
    fmt: str, deck: Deck, options: BuildOptions, workdir: Path
) -> None:
    export, check = EXPORTS[fmt]
    dest = workdir / "models" / f"topic.{fmt}"
    dest.parent.mkdir(exist_ok=True)
    dest.unlink(missing_ok=True)
    warnings: list[Diagnostic] = []
    try:
        export(deck, dest, options, warnings.append)
    except NotesError as exc:
        assert exc.message
        assert not dest.exists()
        event(f"{fmt}: refused")
    else:
        if not dest.exists():
            # Nothing to write (a PDF of notes with no card it prints): a warning says so.
            assert any("no PDF written" in w.message for w in warnings)
            event(f"{fmt}: nothing to write")
        else:
            check(deck, dest)
            event(f"{fmt}: written")
    assert not list(dest.parent.glob("*.part"))


# --------------------------------------------------------------------------- no fact lost

# Words that cannot be mistaken for a card-set marker or a website's footer.
VOCABULARY = (
    *("Stalin", "Trotsky", "Lenin", "party", "congress", "1917", "1924", "votes", "NEP"),
    *("'United Opposition'", "Politburo", "Ωmega", "café", "Москва", "naïve", "AT&T", "x<y"),
    *("a>b", "50%", "Bukharin's", '"quoted"', "(brackets)", "five-year", "plans", "kulaks"),
)

sentence = st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=12).map(
    lambda parts: " ".join(parts) + "."
)
heading = st.lists(
    st.sampled_from([w for w in VOCABULARY if w.isalpha()]), min_size=1, max_size=5
).map(" ".join)


@st.composite
def card_sets(draw: st.DrawFn) -> tuple[str, list[tuple[str, list[str]]]]:
    """A card set's text and its cards as (heading or "", facts)."""
    count = draw(st.integers(1, 6))
    made = [
        (draw(st.one_of(heading, st.just(""))), draw(st.lists(sentence, min_size=1, max_size=4)))
        for _ in range(count)
    ]
    parts = [draw(heading)]
    for number, (head, facts) in enumerate(made, start=1):
        if head:
            parts.append(head)
        parts.extend(facts)
        parts.append(f"{number} of {count}")
    return "\n\n".join(parts) + "\n", made


def anki_fields(package: Path) -> str:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(package) as archive:
            db.write_bytes(archive.read("collection.anki2"))
        con = sqlite3.connect(db)
        try:
            fields = [row[0] for row in con.execute("SELECT flds FROM notes")]
        finally:
            con.close()
    text = re.sub(r"<[^>]+>", " ", " \x1f ".join(fields))
    return " ".join(html.unescape(text).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def built_outputs(
    workdir: Path, name: str, text: str
) -> tuple[Path, Path, Path, tuple[GlossaryEntry, ...]]:
    folder = Path(tempfile.mkdtemp(dir=workdir))
    notes = folder / "notes"
    notes.mkdir()
    (notes / name).write_text(text, encoding="utf-8")
    report = build([notes], folder / "out", BuildOptions(jobs=1, lock=False))
    assert report.ok, [str(r.error) for r in report.failed]
    stem = folder / "out" / Path(name).stem
    return (
        stem.with_suffix(".apkg"),
        stem.with_suffix(".pdf"),
        stem.parent / f"{stem.name}-glossary.csv",
        report.results[0].glossary,
    )


@pytest.mark.slow
@settings(PROFILE, max_examples=25)
@given(card_set=card_sets())
def test_no_fact_of_a_card_set_is_lost(
    card_set: tuple[str, list[tuple[str, list[str]]]], workdir: Path
) -> None:
    text, made = card_set
    package, pdf, glossary_csv, glossary = built_outputs(workdir, "topic.txt", text)
    fields = anki_fields(package)
    printed = squeezed(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    for head, facts in made:
        for fact in [head, *facts] if head else facts:
            assert fact in fields, fact
            assert squeezed(fact) in printed, fact
    rows = list(csv.DictReader(io.StringIO(glossary_csv.read_text(encoding="utf-8-sig"))))
    listed = {(row["term"].removeprefix("'"), row["definition"]) for row in rows}
    for entry in glossary:
        assert (entry.term, entry.definition) in listed, entry


@settings(PROFILE, max_examples=15)
@given(
    pairs=st.lists(st.tuples(heading, sentence), min_size=1, max_size=8, unique_by=lambda p: p[0])
)
def test_no_flashcard_is_lost(pairs: list[tuple[str, str]], workdir: Path) -> None:
    assume(all("|" not in front + back for front, back in pairs))
    text = "".join(f"{front} | {back}\n" for front, back in pairs)
    package, pdf, _, _ = built_outputs(workdir, "cards.txt", text)
    fields = anki_fields(package)
    printed = squeezed(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    for front, back in pairs:
        assert front in fields and back in fields
        assert squeezed(front) in printed and squeezed(back) in printed
