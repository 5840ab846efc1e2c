"""Real students' notes, end to end: a nested folder of Markdown notes and flashcard files with
math in every position, tables and code, built with every format and checked in each output.

The Anki packages are imported with the official engine, the PDFs read back with pypdf and
pdfplumber, the glossary CSV with the csv module. What the notes should give (how many notes,
which fronts, which lines) is counted here from the fixture text with simple regexes, not taken
from the reader.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from anki_support import fresh_collection, import_package, visible_text
from helpers import FIXTURES
from notes2decks.build import BuildReport, build
from notes2decks.exporters.apkg.notetypes import NOTE_TYPES
from notes2decks.model import (
    Code,
    Emphasis,
    Inlines,
    Math,
    Paragraph,
    Strong,
    Text,
    block_source,
    inline_source,
    split_math,
)
from notes2decks.options import BuildOptions

TREE = FIXTURES / "real_notes"
NOTES_SUFFIXES = (".md", ".txt", ".tsv", ".csv")
SOURCES = sorted(p.relative_to(TREE) for p in TREE.rglob("*") if p.suffix in NOTES_SUFFIXES)
DECKS = {
    "Physics/Electricity/current.md": "Physics::Electricity::Current",
    "Physics/Waves/stationary-waves.md": "Physics::Waves::Stationary Waves",
    "Physics/Mechanics/motion.md": "Physics::Mechanics::Motion in a straight line",
    "Computing/algorithms.md": "Computing::Searching and sorting algorithms",
    "Computing/definitions.txt": "Computing::Definitions",
    "Chemistry/bonding.tsv": "Chemistry::Bonding",
}
OUTPUT_SUFFIXES = (".apkg", ".pdf", "-glossary.csv")
GLOSSARY_TYPE = NOTE_TYPES["glossary"].name
KEYS = {note_type.name: note_type.key for note_type in NOTE_TYPES.values()}
# A MathJax span as the Anki exporter writes it.
MATHJAX = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)


@dataclass
class Built:
    notes: Path
    out: Path
    report: BuildReport


@dataclass
class Imported:
    col: Any
    """The Anki collection holding every package of the build."""

    def notes(self, deck: str, *, glossary: bool = False) -> list[Any]:
        kind = "" if glossary else "-"
        query = f'"deck:{deck}" {kind}"note:{GLOSSARY_TYPE}"'
        return [self.col.get_note(nid) for nid in self.col.find_notes(query)]

    def all_notes(self) -> list[Any]:
        return [self.col.get_note(nid) for nid in self.col.find_notes("")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    # A copy, so that the lock files written beside the notes stay out of the repository.
    base = tmp_path_factory.mktemp("real")
    notes = base / "notes"
    shutil.copytree(TREE, notes)
    out = base / "out"
    report = build([notes], out, BuildOptions(jobs=2))
    return Built(notes, out, report)


@pytest.fixture(scope="module")
def anki(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    col = fresh_collection(tmp_path_factory.mktemp("anki"))
    for source in SOURCES:
        package = built.out / source.with_suffix(".apkg")
        assert import_package(col, package).counts["new"] > 0, package
    yield Imported(col)
    col.close()


def fixture_text(name: str) -> str:
    return (TREE / name).read_text(encoding="utf-8")


def visible(field: str) -> str:
    """A field's text without tags, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", field)).split())


def as_mathjax(markdown: str) -> str:
    """A line of the notes as Anki should show it: `$x$` as `\\(x\\)`, backticks dropped."""
    text = re.sub(r"\$\$(.+?)\$\$", r"\\[\1\\]", markdown)
    text = re.sub(r"\$(.+?)\$", r"\\(\1\\)", text)
    return " ".join(text.replace("`", "").replace("**", "").split())


# --------------------------------------------------------------------------- what to expect


def expected_fronts(name: str) -> dict[str, list[str]]:
    """The fronts the notes file asks for, by kind, read from its text with regexes."""
    text = fixture_text(name)
    lines = text.split("\n")
    if name.endswith((".txt", ".tsv")):
        cards = [
            re.split(r"\t| \| ", line, maxsplit=1)[0]
            for line in lines
            if re.search(r"\t| \| ", line) and not line.startswith("#")
        ]
        header = cards[:1] == ["term"]
        return {"basic": [as_mathjax(c) for c in cards[header:]]}
    body = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    sections = re.findall(r"^## (.+)$", body, flags=re.MULTILINE)
    if not re.sub(r"\A---\n.*?\n---\n", "", body, flags=re.DOTALL).lstrip().startswith("# "):
        # Notes that do not start with a title (Obsidian's) use `#` headings as sections too;
        # a section holding only an embedded video makes no card.
        parts = re.split(r"^#{1,2} (.+)\n", body, flags=re.MULTILINE)
        sections = [
            heading
            for heading, content in zip(parts[1::2], parts[2::2], strict=True)
            if re.sub(r"<iframe.*?</iframe>", "", content, flags=re.DOTALL).strip()
        ]
    questions = re.findall(r"^Q: (.+)$", body, flags=re.MULTILINE)
    one_line = re.findall(r"^(\S.*?) :::? \S", body, flags=re.MULTILINE)
    cloze = [p for p in re.split(r"\n\s*\n", body) if re.search(r"\{\{c\d+::", p)]
    return {
        "revision": [as_mathjax(s) for s in sections],
        "basic": [as_mathjax(q) for q in [*questions, *one_line]],
        "cloze": cloze,
    }


def line_of(name: str, needle: str) -> int:
    """The 1-based line of the fixture holding `needle`."""
    for number, line in enumerate(fixture_text(name).split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {name}")


# --------------------------------------------------------------------------- the build


def test_every_file_builds_and_the_outputs_mirror_the_folders(built: Built) -> None:
    report = built.report
    assert report.ok, [str(r.error) for r in report.failed]
    assert not report.failed and not report.errors
    assert len(report.results) == len(SOURCES) == len(DECKS)
    for source in SOURCES:
        for suffix in OUTPUT_SUFFIXES:
            output = built.out / (source.with_suffix("").as_posix() + suffix)
            assert output.is_file() and output.stat().st_size > 0, output
    assert (built.out / "glossary.csv").is_file()


def test_deck_paths_come_from_the_folders_and_the_title(built: Built) -> None:
    found = {r.file.stem.as_posix(): r.deck_path for r in built.report.results}
    assert found == {name.rsplit(".", 1)[0]: deck for name, deck in DECKS.items()}


def test_the_malformed_flashcard_line_is_a_warning_at_its_line(built: Built) -> None:
    name = "Computing/definitions.txt"
    bad = line_of(name, "without a separator")
    warnings = [
        (Path(w.file).relative_to(built.notes).as_posix(), w.line, w.message)
        for w in built.report.warnings
    ]
    assert [(f, line) for f, line, m in warnings if "skipped" in m] == [(name, bad)]
    # Obsidian's standard front matter keys (aliases, created) are known: no warning.
    odd = [m for f, _, m in warnings if f.endswith("stationary-waves.md")]
    assert not any("front matter" in m for m in odd), odd


# --------------------------------------------------------------------------- Anki


@pytest.mark.parametrize("name", sorted(DECKS))
def test_every_section_question_and_flashcard_line_became_a_note(anki: Imported, name: str) -> None:
    expected = expected_fronts(name)
    notes = anki.notes(DECKS[name])
    by_kind: dict[str, list[str]] = {"revision": [], "basic": [], "cloze": []}
    for note in notes:
        kind = KEYS[note.note_type()["name"]]
        kind = "basic" if kind == "reversed" else kind
        by_kind[kind].append(visible(note.fields[0]))
    assert sorted(by_kind["revision"]) == sorted(expected.get("revision", []))
    assert sorted(by_kind["basic"]) == sorted(expected["basic"])
    assert len(by_kind["cloze"]) == len(expected.get("cloze", []))
    assert len(notes) == sum(len(fronts) for fronts in expected.values())


def test_math_reaches_anki_as_mathjax_and_nowhere_as_dollars(anki: Imported) -> None:
    fields = [field for note in anki.all_notes() for field in note.fields]
    formulas = [m.group(1) or m.group(2) for f in fields for m in MATHJAX.finditer(f)]
    assert len(formulas) > 30
    for field in fields:
        outside = MATHJAX.sub("", field)
        assert "$" not in outside, field
        assert "\\frac" not in outside and "\\lambda" not in outside, field
    # Nothing inside a formula was escaped or read as Markdown: `_`, `*`, `^` and `\,` arrive.
    assert r"\lambda_1 = 2L" in formulas
    assert r"\mathrm{m\,s^{-2}}" in formulas
    assert r"f_n = \frac{n}{2L}\sqrt{\frac{T}{\mu}}" in formulas


def fields_of(anki: Imported, deck: str, front: str) -> list[str]:
    found = [n for n in anki.notes(deck) if visible(n.fields[0]) == front]
    assert len(found) == 1, (front, [visible(n.fields[0]) for n in anki.notes(deck)])
    return list(found[0].fields)


def test_math_in_every_position_of_the_notes(anki: Imported) -> None:
    waves, motion = DECKS["Physics/Waves/stationary-waves.md"], DECKS["Physics/Mechanics/motion.md"]
    # Inline in a paragraph, and in a list item.
    _, back, *_ = fields_of(anki, waves, "What a stationary wave is")
    assert r"the wave equation \(v = f\lambda\), where" in back
    assert r"<li>Neighbouring nodes are \(\frac{\lambda}{2}\) apart" in back
    # Display, on its own line, and in a table cell.
    _, back, *_ = fields_of(anki, waves, "Harmonics on a string")
    assert r'<div class="math">\[f_n = \frac{n}{2L}\sqrt{\frac{T}{\mu}}\]</div>' in back
    assert r"<td style=\"text-align:center\">\(\frac{2L}{3}\)</td>" in back.replace('"', '\\"')
    # In a Q/A answer, and in a `::` card.
    question = r"What is the wavelength of the first harmonic on a string of length \(L\)?"
    assert fields_of(anki, waves, question)[1].startswith(r"<p>\(\lambda_1 = 2L\), since")
    assert fields_of(anki, waves, "Node spacing")[1] == r"<p>\(\Delta x = \frac{\lambda}{2}\)</p>"
    # In a heading.
    heading = r"Acceleration \(a = \frac{\Delta v}{\Delta t}\)"
    assert fields_of(anki, motion, heading)[0] == heading
    # In a flashcard cell.
    bubble = "Big O of bubble sort in the worst case"
    flash = fields_of(anki, DECKS["Computing/definitions.txt"], bubble)[1]
    assert flash == r"<p>\(O(n^2)\), since it compares \(\frac{n(n-1)}{2}\) pairs</p>"


def test_math_inside_a_cloze_still_works(anki: Imported) -> None:
    deck = DECKS["Physics/Mechanics/motion.md"]
    cloze = [n for n in anki.notes(deck) if n.note_type()["name"] == NOTE_TYPES["cloze"].name]
    assert len(cloze) == 1
    cards = cloze[0].cards()
    assert len(cards) == 2
    first, second = (html.unescape(card.answer()) for card in cards)
    assert r"\(v = u + at\)" in first
    assert r"\(s = ut + \frac{1}{2}at^2\)" in second
    question = visible_text(cards[0].question())
    assert "[suvat]" in question and r"\(v = u + at\)" not in question


def test_tables_and_code_reach_anki_as_html(anki: Imported) -> None:
    deck = DECKS["Computing/algorithms.md"]
    _, table, *_ = fields_of(anki, deck, "Complexity of sorting algorithms")
    assert '<div class="table"><table><thead><tr><th>Algorithm</th>' in table
    assert r"<td>\(O(n \log n)\)</td>" in table
    assert "<hr>" in table  # the `***` rule after it
    source = fixture_text("Computing/algorithms.md")
    code = re.search(r"```python\n(def binary_search.*?)\n```", source, re.DOTALL)
    assert code is not None
    _, back, *_ = fields_of(anki, deck, "Binary search")
    block = re.search(r'<pre><code class="language-python">(.*?)</code></pre>', back, re.DOTALL)
    assert block is not None
    assert html.unescape(block.group(1)) == code.group(1)


def test_flashcard_definition_pairs_make_no_duplicate_glossary_notes(anki: Imported) -> None:
    terms = {
        visible(note.fields[0]).casefold()
        for deck in DECKS.values()
        for note in anki.notes(f"{deck}::Glossary", glossary=True)
    }
    # Bold terms defined in a sentence get a glossary note ...
    assert {"stationary wave", "node", "linear search", "binary search", "speed"} <= terms
    # ... but a term that a flashcard already asks (or asks back) does not.
    assert not terms & {"algorithm", "abstraction", "variable", "electronegativity"}
    speed = next(
        n
        for n in anki.notes(f"{DECKS['Physics/Mechanics/motion.md']}::Glossary", glossary=True)
        if visible(n.fields[0]) == "Speed"
    )
    assert r"\(v = \frac{\Delta s}{\Delta t}\)" in speed.fields[1]
    # A term with a formula in it shows the formula too.
    glossary = anki.notes(f"{DECKS['Physics/Mechanics/motion.md']}::Glossary", glossary=True)
    terms = [n.fields[0] for n in glossary]
    assert r"gravitational field strength (\(g\))" in terms


def test_obsidian_notes_build_with_links_pictures_and_callouts(
    built: Built, anki: Imported
) -> None:
    name = "Physics/Electricity/current.md"
    deck = DECKS[name]
    _, back, *_ = fields_of(anki, deck, "Definition")
    # Wiki-links show their text; the embedded picture is found in the attachments folder.
    assert "through a conductor, driven by a Potential Difference." in visible(back)
    assert "see the proof." in visible(back)
    assert re.search(r'<img src="circuit-[0-9a-f]{8}\.png">', back)
    assert "<b>Explanation</b>" in back
    fields = [f for note in anki.notes(deck) for f in note.fields]
    for leftover in ("[[", "[!", "<iframe", "![", "|300"):
        assert not any(leftover in f for f in fields), leftover
    _, drift, *_ = fields_of(anki, deck, "Drift velocity")
    assert '<a href="https://example.org/drift.png">the drift diagram</a>' in drift
    assert r"\[I = nAvq\]" in drift
    warnings = [
        (w.line, w.message)
        for w in built.report.warnings
        if Path(w.file).relative_to(built.notes).as_posix() == name
    ]
    assert [line for line, m in warnings if "<iframe>" in m] == [line_of(name, "<iframe")]
    assert [line for line, m in warnings if "on the web" in m] == [line_of(name, "drift.png")]
    path = built.out / "Physics" / "Electricity" / "current.pdf"
    with pdfplumber.open(path) as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 1
    assert glossary_rows(built)["current"]["deck"] == deck


# --------------------------------------------------------------------------- glossary CSV


def glossary_rows(built: Built) -> dict[str, dict[str, str]]:
    with open(built.out / "glossary.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["term"].casefold(): row for row in csv.DictReader(handle)}


def test_glossary_rows_hold_bold_terms_and_flashcard_pairs(built: Built) -> None:
    rows = glossary_rows(built)
    waves = "Physics/Waves/stationary-waves.md"
    stationary = rows["stationary wave"]
    assert stationary["definition"].startswith("A stationary wave is a wave formed by")
    assert stationary["deck"] == DECKS[waves]
    assert stationary["source"].endswith(f"{waves}:{line_of(waves, '**stationary wave**')}")
    # The math source as written, in its dollars.
    speed = rows["speed"]["definition"]
    assert speed == r"Speed is the rate of change of distance, $v = \frac{\Delta s}{\Delta t}$."
    # A definition and its reverse are one term, defined by the definition.
    algorithm = rows["algorithm"]
    defined = "A sequence of steps that solves a problem or performs a task."
    assert algorithm["definition"] == defined
    cards = "Computing/definitions.txt"
    assert algorithm["source"].endswith(f"{cards}:{line_of(cards, 'What is an algorithm?')}")
    assert "abstraction" in rows and "variable" in rows
    field = rows["gravitational field strength ($g$)"]
    assert field["definition"].startswith("The gravitational field strength ($g$) is the force")
    assert rows["electronegativity"]["deck"] == "Chemistry::Bonding"
    # Questions that do not ask for a definition make no row.
    assert not any("complexity" in term for term in rows)


# --------------------------------------------------------------------------- print


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_print_has_typeset_formulas_not_latex(built: Built) -> None:
    for source in SOURCES:
        text = pdf_text(built.out / source.with_suffix(".pdf"))
        for latex in ("\\frac", "\\lambda", "\\mathrm", "\\Delta", "$"):
            assert latex not in text, (source, latex)
    path = built.out / "Physics" / "Waves" / "stationary-waves.pdf"
    with pdfplumber.open(path) as pdf:
        backs = pdf.pages[1]
        # Fraction bars: short, thin filled rectangles drawn with the formulas.
        bars = [r for r in backs.rects if r["height"] < 1.5 and r["width"] < 20]
        assert len(bars) >= 4
        # The words around a formula leave room for it.
        where, equation = backs.search("where")[0], backs.search("equation")[0]
        assert where["x0"] > equation["x1"] + 20 or where["top"] > equation["top"]


def test_print_keeps_tables_and_the_spacing_of_code(built: Built) -> None:
    path = built.out / "Computing" / "algorithms.pdf"
    text = pdf_text(path)
    assert "Bubble sort" in text and "Stable?" in text
    with pdfplumber.open(path) as pdf:
        page = next(p for p in pdf.pages if p.search("binary_search"))
        mono = [c for c in page.chars if "Mono" in c["fontname"]]
        advance = mono[0]["width"]
        definition = page.search("def binary_search")[0]
        returned = page.search("return mid")[0]
        # `return mid` is indented by 12 spaces under `def`.
        assert returned["x0"] - definition["x0"] == pytest.approx(12 * advance, abs=0.2)
        table_page = next(p for p in pdf.pages if p.search("Merge sort"))
        assert len(table_page.lines) + len(table_page.rects) >= 4  # its rules


# --------------------------------------------------------------------------- formulas as text


def test_definitions_keep_their_formulas_in_dollars() -> None:
    inlines = (Text("Speed "), Strong((Math("v"),)), Text(" costs $5, not $x."), Code("a$b"))
    assert inline_source(inlines) == r"Speed $v$ costs $5, not \$x.a\$b"
    blocks = (Paragraph((Math("E = mc^2", display=True),)), Paragraph((Text("end"),)))
    assert block_source(blocks) == "$$E = mc^2$$\nend"
    assert split_math(r"Speed $v$ costs $5, not \$x.") == (
        Text("Speed "),
        Math("v"),
        Text(" costs $5, not $x."),
    )
    assert split_math("$5 and $10") == (Text("$5 and $10"),)
    assert split_math("$$ E $$") == (Math("E", display=True),)


_words = st.text(st.sampled_from("ab Z.,;?()-$"), min_size=1, max_size=8)
_latex = ["x", "y", "1", "+", "=", "^", "_", "{", "}", "|", "*", " ", r"\frac", r"\,", r"\\"]
_formula = st.lists(st.sampled_from(_latex), min_size=1, max_size=8).map("".join)
_formula = _formula.filter(lambda s: s.strip() == s)


@given(
    st.lists(
        st.one_of(
            _words.map(Text),
            _words.map(lambda w: Emphasis((Text(w),))),
            st.builds(Math, _formula, st.booleans()),
        ),
        max_size=6,
    )
)
def test_split_math_reads_back_what_inline_source_writes(nodes: list[Any]) -> None:
    # Two formulas with nothing between them (`$a$$b$`) cannot be told apart in text.
    assume(not any(isinstance(a, Math) and isinstance(b, Math) for a, b in pairwise(nodes)))
    inlines: Inlines = tuple(nodes)
    expected: list[Any] = []
    for node in inlines:
        node = Text(node.children[0].text) if isinstance(node, Emphasis) else node
        if isinstance(node, Text) and expected and isinstance(expected[-1], Text):
            expected[-1] = Text(expected[-1].text + node.text)
        else:
            expected.append(node)
    assert split_math(inline_source(inlines)) == tuple(expected)
