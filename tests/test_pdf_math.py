"""Formulas typeset for the printed cards, checked on what reaches the PDF (the formula's vector
paths, read back with pdfplumber) and on the sizes that `pdf.math` reports to the line layout."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from notes2decks.errors import Diagnostic
from notes2decks.exporters.pdf import export_pdf
from notes2decks.exporters.pdf.math import typeset
from notes2decks.model import Card, CardKind, Deck, Math, MathBlock, Paragraph, SourceRef, Text
from notes2decks.options import BuildOptions

NOTES = "notes/test.md"
ALIGN = (
    r"\begin{align*} v &= u + at \\%s s &= ut + \tfrac{1}{2}at^2 \\ v^2 &= u^2 + 2as \end{align*}"
)


def build(tmp_path: Path, *back: Any) -> Path:
    card = Card(CardKind.REVISION, (Text("Front"),), tuple(back), SourceRef(NOTES, 1), "m")
    deck = Deck("Maths", "Maths::Test", SourceRef(NOTES), (card,), subject="Maths")
    warnings: list[Diagnostic] = []
    dest = tmp_path / "cards.pdf"
    export_pdf(deck, dest, BuildOptions(), warnings.append)
    assert not warnings
    return dest


def ink(path: Path) -> tuple[int, float]:
    """How many paths the back of the card draws, and how tall they stand together."""
    with pdfplumber.open(path) as pdf:
        paths = pdf.pages[1].curves
        assert paths, "no formula drawn"
        return len(paths), max(p["bottom"] for p in paths) - min(p["top"] for p in paths)


@pytest.mark.parametrize("space", ["[5pt]", "[2mm]", "[1em]", "[ 0.4 em ]"])
def test_row_break_spacing_adds_space_and_prints_nothing(tmp_path: Path, space: str) -> None:
    plain = ink(build(tmp_path, MathBlock(ALIGN % "")))
    spaced = ink(build(tmp_path, MathBlock(ALIGN % space)))
    # The same glyphs, so no "[5pt]" among them; the rows further apart.
    assert spaced[0] == plain[0]
    assert spaced[1] > plain[1] + 2


def test_row_break_spacing_is_the_length_asked_for() -> None:
    def extra(space: str) -> float:
        return typeset(ALIGN % space, display=True).height - typeset(ALIGN % "", True).height

    def same(a: float, b: float) -> bool:
        return a == pytest.approx(b, abs=0.01)  # ziamath rounds its drawing to 0.001

    assert same(extra("[0pt]"), 0)
    assert same(extra("[1em]"), 2 * extra("[0.5em]"))
    assert same(extra("[1em]"), extra("[10pt]"))  # a 10 pt document's em
    assert same(extra("[2mm]"), extra("[1pt]") * 72.27 / 25.4 * 2)
    assert same(extra("[-2pt]"), -extra("[2pt]"))
    # Only the row that asks for space gets it.
    both = typeset(ALIGN.replace(r"\\ v^2", r"\\[3pt] v^2") % "[5pt]", True).height
    assert same(both - typeset(ALIGN % "", True).height, extra("[5pt]") * 8 / 5)


@pytest.mark.parametrize(
    "environment",
    ["aligned", "align", "split", "cases", "matrix", "pmatrix", "bmatrix", "array}{c"],
)
def test_every_table_environment_takes_the_spacing(environment: str) -> None:
    end = environment.split("}")[0]
    source = rf"\begin{{{environment}}} a \\%s b \\ c \end{{{end}}}"
    plain = typeset(source % "", display=True)
    spaced = typeset(source % "[8pt]", display=True)
    assert spaced.height > plain.height + 4
    assert spaced.width < plain.width + 2  # a taller brace is a little wider; "[8pt]" is more


@pytest.mark.parametrize(
    "source",
    [
        r"\begin{gathered} a \\%s b \end{gathered}",  # ziamath sets these rows as lines,
        r"a \\%s b",  # whose spacing it cannot change
        r"\begin{align*} a \\ b \\%s \end{align*}",  # a last row break makes no row
    ],
)
def test_spacing_that_cannot_be_honoured_is_left_out(source: str) -> None:
    plain = typeset(source % "", display=True)
    spaced = typeset(source % "[5pt]", display=True)
    assert (spaced.width, spaced.height) == pytest.approx((plain.width, plain.height))


def test_a_starred_row_break_prints_no_star() -> None:
    plain = typeset(ALIGN % "", display=True)
    starred = typeset(ALIGN % "*", display=True)
    assert (starred.width, starred.height) == pytest.approx((plain.width, plain.height))
    spaced = typeset(ALIGN % "*[5pt]", display=True)
    assert spaced.height == pytest.approx(typeset(ALIGN % "[5pt]", display=True).height)


def test_brackets_after_a_space_or_an_escape_are_content() -> None:
    # amsmath and MathJax only take a bracket right after `\\` as its spacing.
    content = r"\begin{matrix} a \\%s \end{matrix}"
    bracket = typeset(content % " [5pt] b", display=True)
    assert bracket.width > typeset(content % " b", display=True).width + 10
    # Two row breaks in a row: an empty row, then the spacing after it.
    empty = typeset(content % r"\\ b", display=True)
    spaced = typeset(content % r"\\[5pt] b", display=True)
    assert spaced.width == pytest.approx(empty.width)
    assert spaced.height > empty.height + 4


def test_inline_formula_reports_the_size_it_draws(tmp_path: Path) -> None:
    """The line layout places an inline formula by its height and depth: they must bound the
    formula's ink, or the formula overprints the lines around it."""
    source = r"\displaystyle\sum_{i=1}^{n} \frac{a_i}{b_i}"
    art = typeset(source, display=False)
    words = "before the sum and more words so that it sits mid-paragraph "
    path = build(tmp_path, Paragraph((Text("ab " + words), Math(source), Text(" " + words * 3))))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        paths = page.curves
        top, bottom = min(p["top"] for p in paths), max(p["bottom"] for p in paths)
        baselines = {round(page.height - c["matrix"][5], 2) for c in page.chars}
        line = [b for b in baselines if top < b < bottom]
        assert len(line) == 1, "no text beside the formula"
        baseline = line[0]
        scale = max(c["size"] for c in page.chars) / 10
        assert top >= baseline - (art.height - art.depth) * scale - 0.5
        assert bottom <= baseline + art.depth * scale + 0.5
        assert bottom > baseline + art.depth * scale - 2.5  # and the depth is not overstated
        # The next line starts below the formula's depth.
        below = [c for c in page.chars if c["top"] > baseline + 1]
        assert min(c["top"] for c in below) >= bottom - 0.5


@pytest.mark.parametrize("source", [r"\int_0^1 x^2\,dx", r"\oint_C \vec{E} \cdot d\vec{A}"])
def test_inline_integral_is_text_sized_and_a_displayed_one_large(
    tmp_path: Path, source: str
) -> None:
    inline = ink(build(tmp_path, Paragraph((Text("The area "), Math(source)))))
    display = ink(build(tmp_path, MathBlock(source)))
    assert inline[0] == display[0]
    assert inline[1] < display[1] * 0.7
    # Asked for, a displaystyle integral is large in running text too.
    tall = typeset(rf"\displaystyle{source}", display=False)
    assert tall.height == pytest.approx(typeset(source, display=True).height, abs=0.5)


@pytest.mark.parametrize(
    ("unknown", "known"),
    [
        (r"\begin{alignat*}{2} x &= 1 & y &= 2 \\ z &= 3 & w &= 4 \end{alignat*}", "align*"),
        (r"\begin{alignedat}{2} x &= 1 & y &= 2 \end{alignedat}", "aligned"),
        (r"f(x) = \begin{dcases} x & x > 0 \\ -x & x \le 0 \end{dcases}", "cases"),
    ],
)
def test_environments_latex2mathml_lacks_print_as_their_nearest(
    tmp_path: Path, unknown: str, known: str
) -> None:
    """alignat printed as its source with a warning, and dcases lost its brace."""
    name = re.search(r"begin\{(\w+\*?)\}(\{2\})?", unknown)
    assert name
    nearest = unknown.replace(name.group(0), f"begin{{{known}}}").replace(
        f"end{{{name.group(1)}}}", f"end{{{known}}}"
    )
    assert ink(build(tmp_path, MathBlock(unknown))) == ink(build(tmp_path, MathBlock(nearest)))


def gaps(path: Path) -> list[float]:
    """The spaces between the glyphs the back of the card draws, left to right."""
    with pdfplumber.open(path) as pdf:
        paths = sorted(pdf.pages[1].curves, key=lambda p: p["x0"])
        return [b["x0"] - a["x1"] for a, b in itertools.pairwise(paths)]


@pytest.mark.parametrize(
    "table",
    [
        r"\begin{matrix} 1 & 2 \end{matrix}",
        r"\begin{pmatrix} 1 & 2 \end{pmatrix}",
        r"\begin{array}{cc} 1 & 2 \end{array}",
        r"\begin{cases} 1 & 2 \end{cases}",
    ],
)
def test_table_columns_are_a_quad_apart_as_in_latex(tmp_path: Path, table: str) -> None:
    (touching,) = gaps(build(tmp_path, MathBlock("12")))  # the glyphs' own side bearings
    (quad,) = gaps(build(tmp_path, MathBlock(r"1 \quad 2")))
    column = max(gaps(build(tmp_path, MathBlock(table)))) - touching
    # ziamath's \quad is 4/3 of an em of its font; LaTeX's columns are one em apart.
    assert column == pytest.approx((quad - touching) * 3 / 4, abs=0.3)


def test_tall_formula_on_a_first_line_stays_below_the_line_above(tmp_path: Path) -> None:
    source = r"\displaystyle\int_{0}^{\infty} \frac{\dfrac{a}{b}}{\dfrac{c}{d}}\,dx"
    above = Paragraph((Text("gjpqy"),))  # one line of descenders
    tall = Paragraph((Text("ab "), Math(source), Text(" and words after it")))
    path = build(tmp_path, above, tall)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        top = min(p["top"] for p in page.curves)
        descenders = [c for c in page.chars if c["text"] in "gjpqy"]
        assert descenders
        assert top >= max(c["bottom"] for c in descenders)
