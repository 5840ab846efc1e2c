"""The PDF exporter, checked through the PDFs it writes: read back with pypdf and pdfplumber.

Decks are built from the model directly (and once from a card-set fixture through the reader),
so these tests do not depend on the readers' details. Geometry is measured on the page: card
boxes come from the cut lines the PDF draws, text positions from pdfplumber.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
import pypdf
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from notes2decks import __version__
from notes2decks.cli import make_deck as make_deck_command
from notes2decks.errors import Diagnostic, NotesError
from notes2decks.exporters.pdf import (
    export_calibration,
    export_pdf,
    overflowing_cards,
    render_pdf,
)
from notes2decks.exporters.pdf.fit import least_height
from notes2decks.exporters.pdf.fonts import MONO, string_width
from notes2decks.exporters.pdf.layout import CARD_SPECS, PAPER_SIZES, sheet_layout
from notes2decks.exporters.pdf.text import CardParagraph, escape, paragraph_style
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
    Text,
    ThematicBreak,
    facts,
    inline_text,
)
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
MM = 72 / 25.4
SAFE = 5 * MM
NOTES = "notes/test.md"

# ----------------------------------------------------------------------------- helpers


def revision(n: int, heading: str, lines: Iterable[str], **kwargs: Any) -> Card:
    back = tuple(Paragraph((Text(text),), line=n * 100 + i + 1) for i, text in enumerate(lines))
    return Card(
        CardKind.REVISION, (Text(heading),), back, SourceRef(NOTES, n * 100), f"r{n}", **kwargs
    )


def make_deck(cards: Iterable[Card], **kwargs: Any) -> Deck:
    kwargs.setdefault("subject", "Physics")
    return Deck(
        kwargs.pop("title", "Waves and Optics"),
        "Physics::Waves",
        SourceRef(NOTES),
        tuple(cards),
        **kwargs,
    )


def build(
    deck: Deck, tmp_path: Path, name: str = "cards.pdf", **options: Any
) -> tuple[Path, list[Diagnostic]]:
    warnings: list[Diagnostic] = []
    dest = tmp_path / name
    export_pdf(deck, dest, BuildOptions(**options), warnings.append)
    return dest, warnings


def squash(text: str) -> str:
    """Text without white space, so a fact wrapped over lines still matches."""
    return "".join(text.split())


def cards_text(page: Any, cells: list[tuple[float, float, float, float]]) -> str:
    """The text of each card on a page, card by card: side-by-side cards would otherwise have
    their lines interleaved."""
    return "\n".join(page.within_bbox(cell).extract_text() or "" for cell in cells)


def all_text(path: Path) -> str:
    """The text of every card of a PDF of card sheets."""
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        return "\n".join(cards_text(page, cells) for page in pdf.pages)


def grid_cells(page: Any) -> list[tuple[float, float, float, float]]:
    """The card boxes (x0, top, x1, bottom) that the page's cut and fold lines draw."""
    xs = sorted(
        {round(line["x0"], 1) for line in page.lines if abs(line["x0"] - line["x1"]) < 0.01}
    )
    ys = sorted(
        {round(line["top"], 1) for line in page.lines if abs(line["top"] - line["bottom"]) < 0.01}
    )
    return [(x0, y0, x1, y1) for x0, x1 in pairwise(xs) for y0, y1 in pairwise(ys)]


def cell_of(
    cells: list[tuple[float, float, float, float]], box: dict[str, float]
) -> tuple[float, float, float, float]:
    """The card box that holds a found text box."""
    found = [
        c
        for c in cells
        if c[0] - 0.5 <= box["x0"]
        and box["x1"] <= c[2] + 0.5
        and c[1] - 0.5 <= box["top"]
        and box["bottom"] <= c[3] + 0.5
    ]
    assert len(found) == 1, f"text at {box} is not inside exactly one card: {found}"
    return found[0]


def find(page: Any, token: str) -> dict[str, float]:
    hits = page.search(token, regex=False)
    assert hits, f"{token!r} not found on page {page.page_number}"
    return hits[0]


def fonts_of(path: Path) -> list[Any]:
    reader = pypdf.PdfReader(path)
    found = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            found[font["/BaseFont"]] = font
    return list(found.values())


def sheet_deck(count: int) -> Deck:
    """Cards with a unique word on each face, to find them on the pages."""
    return make_deck(
        revision(k, f"Heading alpha{k:02d}", [f"Fact beta{k:02d} about the topic", "Second fact"])
        for k in range(1, count + 1)
    )


def expected_per_side(paper: str, size: str) -> int:
    """Cards per side from the issue's sizes: fractions of an A4 sheet, or the most fixed-size
    cards that fit inside 5 mm margins in either orientation."""
    page_w, page_h = PAPER_SIZES[paper]
    usable_w, usable_h = page_w - 2 * SAFE, page_h - 2 * SAFE
    if size == "a6":
        return 4
    if size == "a7":
        return 8
    w, h = {"3x5": (5 * 72, 3 * 72), "4x6": (6 * 72, 4 * 72), "business": (85 * MM, 55 * MM)}[size]
    return max(
        int(usable_w // w) * int(usable_h // h),
        int(usable_w // h) * int(usable_h // w),
    )


# ----------------------------------------------------------------------------- layout on paper

LAYOUTS = [
    (paper, size, duplex)
    for paper in ("a4", "letter")
    for size in ("a6", "a7", "3x5", "4x6", "business")
    for duplex in ("long", "short", "fold")
]


@pytest.mark.parametrize(("paper", "size", "duplex"), LAYOUTS)
def test_sheets_place_backs_behind_fronts(
    tmp_path: Path, paper: str, size: str, duplex: str
) -> None:
    per_side = expected_per_side(paper, size)
    per_sheet = per_side if duplex != "fold" else sheet_layout(paper, size, duplex).per_sheet
    if duplex == "fold":
        assert per_sheet * 2 <= per_side + 1  # a front and its back share one side
    count = per_sheet + 1  # a full sheet and one card more
    path, warnings = build(sheet_deck(count), tmp_path, paper=paper, card_size=size, duplex=duplex)
    assert not warnings

    sheets = 2
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages
        assert len(pages) == sheets * (2 if duplex != "fold" else 1)
        width, height = PAPER_SIZES[paper]
        for page in pages:
            assert page.width == pytest.approx(width, abs=0.01)
            assert page.height == pytest.approx(height, abs=0.01)
            # Nothing, text or line, within 5 mm of the sheet's edge.
            for obj in [*page.chars, *page.lines, *page.rects, *page.curves, *page.images]:
                assert obj["x0"] >= SAFE - 0.01 and obj["top"] >= SAFE - 0.01
                assert obj["x1"] <= width - SAFE + 0.01 and obj["bottom"] <= height - SAFE + 0.01

        front_page = pages[0]
        cells = grid_cells(front_page)
        faces = per_side if duplex != "fold" else 2 * per_sheet
        assert len(cells) >= faces
        fronts_on_page = len(re.findall(r"\b\d+ / \d+\b", front_page.extract_text()))
        assert fronts_on_page == (per_side if duplex != "fold" else 2 * per_sheet)

        for k in range(1, per_sheet + 1):
            front = cell_of(cells, find(front_page, f"alpha{k:02d}"))
            back_page = pages[1] if duplex != "fold" else front_page
            back = cell_of(cells, find(back_page, f"beta{k:02d}"))
            x0, top, x1, bottom = front
            if duplex == "long":
                assert back == pytest.approx((width - x1, top, width - x0, bottom), abs=0.2)
            elif duplex == "short":
                assert back == pytest.approx((x0, height - bottom, x1, height - top), abs=0.2)
            else:
                # Side by side, or one above the other, sharing the fold line.
                assert back != front
                assert back[0] == pytest.approx(x1, abs=0.2) or back[1] == pytest.approx(
                    bottom, abs=0.2
                )

        # Every character sits on a card, clear of its cut lines. Backs use the mirrored grid,
        # which is the same grid because it is centred on the sheet.
        for page in pages:
            for char in page.chars:
                if not char["text"].strip():
                    continue
                x0, top, x1, bottom = cell_of(cells, char)
                assert char["x0"] - x0 >= 3 * MM and x1 - char["x1"] >= 3 * MM
                assert char["top"] - top >= 2.5 * MM and bottom - char["bottom"] >= 2.5 * MM


def test_cut_lines_only_on_fronts(tmp_path: Path) -> None:
    path, _ = build(sheet_deck(4), tmp_path)
    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].lines
        assert not pdf.pages[1].lines


def test_a6_cards_are_four_per_a4_side_and_a7_eight(tmp_path: Path) -> None:
    a6 = sheet_layout("a4", "a6", "long")
    a7 = sheet_layout("a4", "a7", "long")
    assert a6.per_sheet == 4 and a7.per_sheet == 8
    # A6-like: close to A6's 105 × 148 mm, inside the margins.
    assert 95 * MM < a6.card_width <= 105 * MM and 135 * MM < a6.card_height <= 148 * MM


def test_orientation_is_chosen_for_the_best_fit() -> None:
    # 3×5 in cards fit four to a side standing up, against three lying down.
    layout = sheet_layout("a4", "3x5", "long")
    assert layout.rotated and layout.per_sheet == 4
    assert layout.card_width == pytest.approx(3 * 72)
    # Business cards: ten lying down on A4, but nine standing up on Letter.
    assert not sheet_layout("a4", "business", "long").rotated
    assert sheet_layout("letter", "business", "long").rotated


@settings(max_examples=60, deadline=None)
@given(
    paper=st.sampled_from(sorted(PAPER_SIZES)),
    size=st.sampled_from(sorted(CARD_SPECS)),
    duplex=st.sampled_from(["long", "short"]),
    dx=st.floats(-3, 3),
    dy=st.floats(-3, 3),
)
def test_back_offset_shifts_every_back_by_the_same_amount(
    paper: str, size: str, duplex: str, dx: float, dy: float
) -> None:
    plain = sheet_layout(paper, size, duplex)
    shifted = sheet_layout(paper, size, duplex, (dx, dy))
    for a, b in zip(plain.slots, shifted.slots, strict=True):
        assert b.front == a.front
        assert b.back.x - a.back.x == pytest.approx(dx * MM)
        assert b.back.y - a.back.y == pytest.approx(dy * MM)
        # Fronts and (unshifted) backs keep the 5 mm margin.
        for rect in (a.front, a.back):
            assert rect.x >= SAFE - 1e-6 and rect.y >= SAFE - 1e-6
            assert rect.right <= plain.page_width - SAFE + 1e-6
            assert rect.top <= plain.page_height - SAFE + 1e-6


def test_back_offset_moves_the_printed_backs(tmp_path: Path) -> None:
    plain, _ = build(sheet_deck(1), tmp_path, "plain.pdf")
    moved, _ = build(sheet_deck(1), tmp_path, "moved.pdf", back_offset=(2.0, -1.5))
    with pdfplumber.open(plain) as a, pdfplumber.open(moved) as b:
        before, after = find(a.pages[1], "beta01"), find(b.pages[1], "beta01")
        assert after["x0"] - before["x0"] == pytest.approx(2.0 * MM, abs=0.05)
        # pdfplumber measures down from the top: up is negative.
        assert after["top"] - before["top"] == pytest.approx(1.5 * MM, abs=0.05)
        front_a, front_b = find(a.pages[0], "alpha01"), find(b.pages[0], "alpha01")
        for key in ("x0", "x1", "top", "bottom"):
            assert front_b[key] == pytest.approx(front_a[key])


# ----------------------------------------------------------------------------- the PDF file


def test_viewer_preferences_ask_for_duplex_and_no_scaling(tmp_path: Path) -> None:
    for duplex, name in (
        ("long", "/DuplexFlipLongEdge"),
        ("short", "/DuplexFlipShortEdge"),
        ("fold", "/Simplex"),
    ):
        path, _ = build(sheet_deck(2), tmp_path, f"{duplex}.pdf", duplex=duplex)
        prefs = pypdf.PdfReader(path).trailer["/Root"]["/ViewerPreferences"]
        assert prefs["/Duplex"] == name
        assert prefs["/PrintScaling"] == "/None"


def test_metadata(tmp_path: Path) -> None:
    deck = make_deck([revision(1, "Heading", ["fact"])], author="Ms Rivera", tags=("waves", "gcse"))
    path, _ = build(deck, tmp_path)
    meta = pypdf.PdfReader(path).metadata
    assert meta is not None
    assert meta["/Title"] == "Waves and Optics"
    assert meta["/Subject"] == "Physics"
    assert meta["/Author"] == "Ms Rivera"
    assert meta["/Creator"] == f"notes2decks {__version__}"
    assert meta["/Keywords"] == "waves, gcse"


def test_metadata_leaves_out_what_the_notes_do_not_say(tmp_path: Path) -> None:
    path, _ = build(make_deck([revision(1, "Heading", ["fact"])], subject=""), tmp_path)
    meta = pypdf.PdfReader(path).metadata
    assert meta is not None
    assert "/Author" not in meta and "/Subject" not in meta
    assert b"anonymous" not in path.read_bytes()


def rich_deck() -> Deck:
    """Every kind of block and inline the model has."""
    back = (
        Paragraph(
            (Text("Plain "), Emphasis((Text("emphasis"),)), Text(" and "), Strong((Text("bold"),)))
        ),
        Paragraph((Text("Greek λ ω Δ and Cyrillic длина волны"),)),
        Paragraph((Text("Inline "), Math(r"v = f\lambda"), Text(" and "), Code("x  =  1"))),
        BulletList(
            (
                ListItem((Paragraph((Text("first item"),)),)),
                ListItem((Paragraph((Text("second item"),)),)),
            ),
            ordered=True,
        ),
        Heading(3, (Text("Sub-heading"),)),
        MathBlock(r"T = \frac{1}{f}"),
        CodeBlock("for x in range(3):\n    print(x)\n"),
        Table(
            ((Text("Quantity"),), (Text("Unit"),)),
            (((Text("frequency"),), (Text("hertz"),)),),
            (Align.LEFT, Align.RIGHT),
        ),
        ThematicBreak(),
        Paragraph((Text("Image follows"),)),
        Paragraph((Image("wave.png", FIXTURES / "wave.png", "A sine wave"),)),
    )
    card = Card(CardKind.REVISION, (Text("Everything at once"),), back, SourceRef(NOTES, 1), "rich")
    return make_deck([card])


def test_every_font_is_embedded_as_a_subset(tmp_path: Path) -> None:
    path, warnings = build(rich_deck(), tmp_path)
    assert not warnings
    fonts = fonts_of(path)
    names = {str(font["/BaseFont"]) for font in fonts}
    # Regular, bold, italic and the monospace face all used, all embedded, all subsets.
    assert any("DejaVuSans-Bold" in n for n in names)
    assert any("Oblique" in n for n in names)
    assert any("Mono" in n for n in names)
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
        assert re.match(r"^/[A-Z]{6}\+", str(font["/BaseFont"])), (
            f"{font['/BaseFont']} is not a subset"
        )


def test_rebuild_is_byte_identical_across_processes(tmp_path: Path) -> None:
    notes = FIXTURES / "wave-basics.txt"
    here = tmp_path / "here.pdf"
    deck = read_notes(notes)
    export_pdf(deck, here, BuildOptions(), lambda _: None)
    again = tmp_path / "again.pdf"
    export_pdf(deck, again, BuildOptions(), lambda _: None)
    assert here.read_bytes() == again.read_bytes()

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "if sys.argv[3] == 'python':\n"
        "    sys.modules['_rl_accel'] = None  # reportlab's helpers in Python, not C\n"
        "from notes2decks.exporters.pdf import export_pdf\n"
        "from notes2decks.options import BuildOptions\n"
        "from notes2decks.readers import read_notes\n"
        "deck = read_notes(Path(sys.argv[1]))\n"
        "export_pdf(deck, Path(sys.argv[2]), BuildOptions(), lambda _: None)\n"
    )
    # The same bytes whether or not reportlab's optional C accelerator (rl_accel) is installed.
    for seed, helpers in (("1", "c"), ("4242", "python")):
        other = tmp_path / f"seed{seed}.pdf"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        command = [sys.executable, "-c", script, str(notes), str(other), helpers]
        subprocess.run(command, check=True, env=env)
        assert other.read_bytes() == here.read_bytes()


def test_the_notes_folder_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # reportlab names an image drawn from a file name after that name, which would put the
    # notes' folder into the PDF.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    built = []
    for folder in (tmp_path / "here", tmp_path / "somewhere" / "else"):
        folder.mkdir(parents=True)
        for name in ("optics.md", "wave.png", "arrow.svg"):
            (folder / name).write_bytes((FIXTURES / name).read_bytes())
        with (folder / "optics.md").open("a", encoding="utf-8") as notes:
            notes.write("\n## Arrow\n\n![An arrow](arrow.svg)\n")
        path, warnings = build(read_notes(folder / "optics.md"), folder)
        assert not warnings
        with pdfplumber.open(path) as pdf:
            assert sum(len(page.images) for page in pdf.pages) == 1
        built.append(path.read_bytes())
    assert built[0] == built[1]


def test_dates_come_from_source_date_epoch_or_the_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deck = make_deck([revision(1, "Heading", ["fact"])], modified=1_600_000_000)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    path, _ = build(deck, tmp_path, "notes.pdf")
    assert pypdf.PdfReader(path).metadata["/CreationDate"].startswith("D:20200913")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path, _ = build(deck, tmp_path, "epoch.pdf")
    assert pypdf.PdfReader(path).metadata["/CreationDate"].startswith("D:20231114")


# ----------------------------------------------------------------------------- content


def test_every_fact_is_in_the_text(tmp_path: Path) -> None:
    deck = read_notes(FIXTURES / "wave-basics.txt")
    path, warnings = build(deck, tmp_path)
    assert not warnings
    text = squash(all_text(path))
    for card in deck.cards:
        assert squash(inline_text(card.front)) in text
        for fact in facts(card):
            assert squash(fact) in text, fact
    # The title, the numbers "3 / 4" and the subject are on the fronts.
    assert squash(deck.title) in text
    for n in range(1, len(deck.cards) + 1):
        assert f"{n}/{len(deck.cards)}" in text


def test_continued_card_from_the_notes_is_marked_once(tmp_path: Path) -> None:
    card = revision(2, "Wave equation (continued)", ["more facts"], continued=True)
    path, _ = build(make_deck([revision(1, "Wave equation", ["a fact"]), card]), tmp_path)
    assert all_text(path).count("(continued)") == 1


def test_sixty_bullets_continue_onto_numbered_follow_on_cards(tmp_path: Path) -> None:
    lines = [
        f"Fact {i:02d}: the wave on the string has a node here and an antinode there"
        for i in range(60)
    ]
    deck = make_deck(
        [
            revision(1, "Short card", ["one fact"]),
            revision(2, "Standing waves", lines),
            revision(3, "After", ["x"]),
        ]
    )
    path, warnings = build(deck, tmp_path)

    text = all_text(path)
    for line in lines:
        assert squash(line) in squash(text)
    pieces = sorted(set(re.findall(r"\b2([a-z]) / 3\b", text)))
    assert len(pieces) >= 2 and pieces == [chr(ord("a") + i) for i in range(len(pieces))]
    assert "(continued)" in text
    # One warning, at the card's line, that names it.
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning.file, warning.line) == (NOTES, 200)
    assert "Standing waves" in warning.message and "2a" in warning.message
    # The numbering of the other cards is unchanged.
    assert "1 / 3" in text and "3 / 3" in text
    assert overflowing_cards(deck, BuildOptions()) == [(deck.cards[1], len(pieces))]


def test_type_shrinks_to_fit_but_not_below_7_pt(tmp_path: Path) -> None:
    short = revision(1, "Short", ["A short fact."])
    medium = revision(
        2,
        "Medium",
        [f"Sentence {i} of a fairly long fact that needs room on the card." for i in range(14)],
    )
    long = revision(
        3,
        "Long",
        [f"Sentence {i} of a fairly long fact that needs room on the card." for i in range(80)],
    )
    path, _ = build(make_deck([short, medium, long]), tmp_path)
    with pdfplumber.open(path) as pdf:
        back = pdf.pages[1]

        def size_of(token: str) -> float:
            hit = find(back, token)
            return max(
                c["size"]
                for c in back.chars
                if hit["x0"] <= c["x0"] < hit["x1"] and abs(c["top"] - hit["top"]) < 1
            )

        body = CARD_SPECS["a6"].body_size
        assert size_of("short") == pytest.approx(body)
        assert 7 <= size_of("Sentence 13") < body
        sizes = [c["size"] for page in pdf.pages for c in page.chars]
        assert min(sizes) >= 7 - 1e-6


def test_long_unbroken_words_wrap_inside_the_card(tmp_path: Path) -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
    path, _ = build(
        make_deck([revision(1, word, [word, "https://example.org/" + "a" * 200])]),
        tmp_path,
        card_size="business",
    )
    text = squash(all_text(path))
    assert word in text
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        for page in pdf.pages:
            for char in page.chars:
                cell_of(cells, char)


def test_markup_characters_print_literally(tmp_path: Path) -> None:
    tricky = ["a<b>c", "AT&T", "<font size=40>", "&amp; &lt; &#169;", "</para>"]
    path, _ = build(make_deck([revision(1, "Markup <b>not bold</b>", tricky)]), tmp_path)
    text = all_text(path)
    for item in [*tricky, "Markup <b>not bold</b>"]:
        assert squash(item) in squash(text)
    with pdfplumber.open(path) as pdf:
        assert max(c["size"] for c in pdf.pages[1].chars) < 40


def test_emphasis_and_cloze_highlight(tmp_path: Path) -> None:
    back = (
        Paragraph(
            (
                Text("Light is "),
                Emphasis((Text("transverse"),)),
                Text(", sound "),
                Strong((Text("longitudinal"),)),
                Text("; "),
                Cloze(1, (Text("1887"),)),
            )
        ),
        Paragraph((Text("Formula "), Cloze(1, (Math(r"v = f\lambda"),)), Text(" highlighted"))),
    )
    card = Card(CardKind.REVISION, (Text("Kinds of wave"),), back, SourceRef(NOTES, 1), "k")
    path, _ = build(make_deck([card]), tmp_path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        assert all("Oblique" in c["fontname"] for c in find(page, "transverse")["chars"])
        assert all("Bold" in c["fontname"] for c in find(page, "longitudinal")["chars"])
        assert not any("Bold" in c["fontname"] for c in find(page, "sound")["chars"])
        hit = find(page, "1887")
        behind = [
            r
            for r in page.rects
            if r["fill"]
            and r["x0"] <= hit["x0"] + 1
            and r["x1"] >= hit["x1"] - 1
            and r["top"] <= hit["bottom"]
            and r["bottom"] >= hit["top"]
        ]
        assert behind, "the cloze answer is not highlighted"
        # A formula in a cloze answer gets the same background, between its neighbours.
        before, after = find(page, "Formula"), find(page, "highlighted")
        colour = behind[0]["non_stroking_color"]
        assert [
            r
            for r in page.rects
            if r["fill"]
            and r["non_stroking_color"] == colour
            and before["x1"] < r["x0"] < r["x1"] < after["x0"]
            and abs(r["top"] - before["top"]) < 5
        ], "the formula in the cloze answer is not highlighted"


def test_math_is_typeset_not_printed_as_latex(tmp_path: Path) -> None:
    back = (
        Paragraph((Text("The period "), Math(r"T = \frac{1}{f}"), Text(" in seconds."))),
        MathBlock(r"\lambda = \frac{v}{f} + \sum_{i=0}^{n} \alpha_i^2"),
    )
    card = Card(CardKind.REVISION, (Text("Period"),), back, SourceRef(NOTES, 1), "m")
    path, warnings = build(make_deck([card]), tmp_path)
    assert not warnings
    text = all_text(path)
    assert "\\frac" not in text and "\\sum" not in text
    assert "The period" in text and "in seconds." in text
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        # Formulas are vector paths, drawn inside the card like the text.
        assert page.curves or page.rects
        period, seconds = find(page, "period"), find(page, "seconds")
        assert seconds["x0"] > period["x1"] + 20  # room was left for the formula between


def test_broken_formula_prints_its_source_with_a_warning(tmp_path: Path) -> None:
    back = (
        Paragraph((Text("Bad "), Math(r"\frac{1}{"), Text(" end")), line=7),
        MathBlock(r"\notacommand{x}"),
    )
    card = Card(CardKind.REVISION, (Text("Broken"),), back, SourceRef(NOTES, 5), "b")
    path, warnings = build(make_deck([card]), tmp_path)
    assert [(w.file, w.line) for w in warnings] == [(NOTES, 7), (NOTES, 5)]
    assert "\\notacommand" in warnings[1].message
    with pdfplumber.open(path) as pdf:
        hit = find(pdf.pages[1], r"\frac{1}{")
        chars = [
            c
            for c in pdf.pages[1].chars
            if hit["x0"] <= c["x0"] < hit["x1"] and abs(c["top"] - hit["top"]) < 2
        ]
        assert all("Mono" in c["fontname"] for c in chars)


def test_code_keeps_its_spacing_in_monospace(tmp_path: Path) -> None:
    code = "def f(x):\n    return  x  *  2\n" + "long_line = " + "'a' + " * 40 + "'end'\n"
    card = Card(
        CardKind.REVISION, (Text("Code"),), (CodeBlock(code, "python"),), SourceRef(NOTES, 1), "c"
    )
    path, _ = build(make_deck([card]), tmp_path, card_size="a7")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        mono = [c for c in page.chars if "Mono" in c["fontname"]]
        assert mono
        advance = mono[0]["width"]
        ret = find(page, "return")
        line = sorted((c for c in mono if abs(c["top"] - ret["top"]) < 1), key=lambda c: c["x0"])
        # "    return  x  *  2": every character, spaces included, one advance apart.
        r_x = next(c["x0"] for c in line if c["text"] == "r")
        x_x = next(c["x0"] for c in line if c["text"] == "x")
        assert x_x - r_x == pytest.approx(8 * advance, abs=0.1)
        assert r_x - line[0]["x0"] >= 0
        cells = grid_cells(pdf.pages[0])
        for char in page.chars:
            cell_of(cells, char)  # the long line wrapped instead of leaving the card
    assert squash("'a' + " * 40 + "'end'") in squash(all_text(path).replace("\u21aa", ""))


def test_table_fits_the_card_and_continues_when_long(tmp_path: Path) -> None:
    rows = tuple(
        (
            (Text(f"Quantity {i}"),),
            (Text(f"Unit {i}"),),
            (Text("A definition long enough to wrap inside its cell " * 2),),
        )
        for i in range(40)
    )
    table = Table(((Text("Quantity"),), (Text("Unit"),), (Text("Meaning"),)), rows)
    card = Card(CardKind.REVISION, (Text("Units"),), (table,), SourceRef(NOTES, 1), "t")
    path, warnings = build(make_deck([card]), tmp_path, card_size="a7")
    assert len(warnings) == 1 and "continues" in warnings[0].message
    text = squash(all_text(path))
    assert text.count("QuantityUnitMeaning") >= 2  # the header repeats on follow-on cards
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        backs = pdf.pages[1::2]
        for i in range(40):
            # Short columns keep their width: a name never wraps while the long text can.
            assert (
                sum(
                    len(page.search(f"Quantity {i} Unit {i} A definition", regex=False))
                    for page in backs
                )
                == 1
            )
        for page in pdf.pages:
            for char in page.chars:
                cell_of(cells, char)


def lines_with_breaks(prefix: str, count: int, *, leading: bool = False) -> tuple[Any, ...]:
    """Numbered lines of a cell, separated (and, if `leading`, preceded) by hard line breaks."""
    inlines: list[Any] = [LineBreak()] if leading else []
    for k in range(count):
        inlines.extend([LineBreak(), Text(f"{prefix} {k}")] if k else [Text(f"{prefix} {k}")])
    return tuple(inlines)


@pytest.mark.parametrize(("facts", "leading"), [(0, False), (4, True)])
def test_table_with_line_breaks_in_a_list_item_continues_on_business_cards(
    tmp_path: Path, facts: int, leading: bool
) -> None:
    header = (
        (Text("Symbol"),),
        (Link("https://en.wikipedia.org/wiki/SI_unit", (Text("Unit"),)),),
        (Text("Meaning"),),
    )
    rows = (
        (
            (Text("λ"),),
            lines_with_breaks("metre", 2),
            lines_with_breaks("line", 40, leading=leading),
        ),
        ((Text("f"),), lines_with_breaks("hertz", 2), lines_with_breaks("row", 3)),
    )
    table_item = ListItem((Paragraph((Text("Quantities:"),)), Table(header, rows)))
    items = tuple(ListItem((Paragraph((Text(f"Fact {k}"),)),)) for k in range(facts))
    back = (BulletList((*items, table_item)),)
    card = Card(CardKind.REVISION, (Text("Units"),), back, SourceRef(NOTES, 1), "u")
    path, warnings = build(make_deck([card]), tmp_path, card_size="business")
    assert len(warnings) == 1 and "continues" in warnings[0].message
    text = all_text(path)
    for k in range(40):
        assert len(re.findall(rf"\bline {k}\b", text)) == 1
    assert "row 2" in text and "hertz 1" in text


@pytest.mark.parametrize("card_size", ["business", "3x5"])
def test_table_of_long_words_narrower_than_the_card_splits_them(
    tmp_path: Path, card_size: str
) -> None:
    # Long addresses in three columns leave the fourth, empty, column next to no room.
    url = "https://example.org/a/very/long/path/indeed"
    header = ((Text(f"wave {url}"),), (Text(f"{url} wavelength"),), (), (Text(f"speed {url}"),))
    rows = (((Text("a"),), (Text("b"),), (Text("c"),), (Text("d"),)),)
    back = (BulletList((ListItem((Paragraph((Text("Links:"),)), Table(header, rows))),)),)
    card = Card(CardKind.REVISION, (Text("Links"),), back, SourceRef(NOTES, 1), "l")
    path, _ = build(make_deck([card]), tmp_path, card_size=card_size)
    text = squash(all_text(path))
    assert "abcd" in text
    # The addresses wrap inside their columns, so their lines interleave in the text.
    assert not Counter(squash(url) * 3 + "wavewavelengthspeed") - Counter(text)
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        for char in pdf.pages[1].chars:
            cell_of(cells, char)


@pytest.mark.parametrize(
    "markup",
    [
        "one two three<br/>four five<br/>six<br/>seven",
        "one<br/><br/><br/>two three<br/>four",
        "<br/>one two<br/>three<br/><br/>",
        "a <b>bold</b> " + "x" * 120 + " b " + "y" * 90,
        "<i>a</i> " + "x" * 160 + "<br/>z",
    ],
)
def test_paragraph_split_twice_keeps_every_line(markup: str) -> None:
    """A paragraph split after a hard break continues on its next line, not on a blank one, and
    its second part splits again anywhere."""
    from notes2decks.exporters.pdf.text import CardParagraph, paragraph_style

    style = paragraph_style(10)
    width, leading = 100.0, style.leading

    def lines(para: Any) -> list[str]:
        para.wrap(width, 1e6)
        if para.blPara.kind == 0:
            return [" ".join(words) for _, words in para.blPara.lines]
        return [" ".join(w.text.strip() for w in line.words).strip() for line in para.blPara.lines]

    whole = lines(CardParagraph(markup, style))
    assert len(whole) >= 3
    for cut in range(1, len(whole)):
        para = CardParagraph(markup, style)
        para.wrap(width, 1e6)
        head, tail = para.split(width, leading * cut + 0.5)
        assert lines(head) == whole[:cut]
        assert lines(tail) == whole[cut:]
        for again in range(1, len(whole) - cut):
            parts = tail.split(width, leading * again + 0.5)
            assert [line for part in parts for line in lines(part)] == whole[cut:]


def test_images_are_scaled_into_the_card(tmp_path: Path) -> None:
    back = (
        Paragraph((Image("wave.png", FIXTURES / "wave.png", "A sine wave"),)),
        Paragraph((Text("Between the pictures"),)),
        Paragraph((Image("arrow.svg", FIXTURES / "arrow.svg", ""),)),
    )
    card = Card(CardKind.REVISION, (Text("Pictures"),), back, SourceRef(NOTES, 1), "p")
    path, warnings = build(make_deck([card]), tmp_path, card_size="a7")
    assert not warnings
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        back_page = pdf.pages[1]
        assert len(back_page.images) == 1
        image = back_page.images[0]
        x0, top, x1, bottom = cell_of(cells, image)
        padding = CARD_SPECS["a7"].padding
        assert image["x0"] >= x0 + padding - 0.1 and image["x1"] <= x1 - padding + 0.1
        assert image["top"] >= top + padding - 0.1 and image["bottom"] <= bottom - padding + 0.1
        # The 640 × 320 pixel picture keeps its proportions.
        assert (image["x1"] - image["x0"]) / (image["bottom"] - image["top"]) == pytest.approx(
            2, rel=0.01
        )
        assert "Asinewave" in squash(back_page.extract_text())
        assert back_page.curves or back_page.lines  # the SVG arrow, as vectors


def test_unreadable_image_prints_its_description(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"nonsense")
    back = (Paragraph((Image("broken.png", broken, "diagram of a wave"),), line=3),)
    path, warnings = build(
        make_deck([Card(CardKind.REVISION, (Text("Oops"),), back, SourceRef(NOTES, 1), "o")]),
        tmp_path,
    )
    assert len(warnings) == 1 and warnings[0].line == 3 and "broken.png" in warnings[0].message
    assert "diagram of a wave" in all_text(path)


def test_missing_glyphs_are_reported(tmp_path: Path) -> None:
    path, warnings = build(make_deck([revision(1, "Wave 波", ["fine"])]), tmp_path)
    assert len(warnings) == 1 and "U+6CE2" in warnings[0].message
    assert "1 place" in warnings[0].message
    assert "Wave" in all_text(path)
    assert warnings[0].line == 100


def test_missing_glyphs_make_one_warning_per_file(tmp_path: Path) -> None:
    """Emoji on many cards, in bold, in code and in a code block: one warning naming each
    character once, counting the places, at the first of them."""
    cards = [
        revision(k, f"Topic {k} \U0001f642", [f"fact {k} \u2705", "plain fact"]) for k in (3, 1, 2)
    ]
    cards.append(
        Card(
            CardKind.BASIC,
            (Text("Which sign?"),),
            (
                Paragraph((Strong((Text("bold \u2705"),)), Code("ok \u2728")), line=450),
                CodeBlock('print("\u2728")\n'),
            ),
            SourceRef(NOTES, 440),
            "b",
        )
    )
    path, warnings = build(make_deck(cards), tmp_path)
    assert len(warnings) == 1, warnings
    (warning,) = warnings
    message = warning.message
    for char in ("\U0001f642", "\u2705", "\u2728"):
        assert message.count(char) == 1, message
    # Three fronts and three facts, the bold text, the inline code and the code block.
    assert "9 places" in message
    assert warning.line == 100 and warning.file == NOTES
    assert "Topic" in all_text(path)


def test_code_borrows_what_the_monospace_face_lacks(tmp_path: Path) -> None:
    """DejaVu Sans Mono has no ℓ nor Hebrew, DejaVu Sans has: code prints them in the regular
    face, a code block keeping its columns, with no warning. Emoji neither has: one warning."""
    card = Card(
        CardKind.BASIC,
        (Text("Code"),),
        (
            Paragraph((Text("store "), Code("\u2113 \u21a6 v")), line=5),
            CodeBlock("x = \u2113 + 1 # \u05e9\ny = 2     # ok\n"),
        ),
        SourceRef(NOTES, 4),
        "c",
    )
    path, warnings = build(make_deck([card]), tmp_path)
    assert warnings == []
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        borrowed = [c for c in page.chars if c["text"] in "\u2113\u05e9"]
        assert len(borrowed) == 3
        assert all("Mono" not in c["fontname"] and "Sans" in c["fontname"] for c in borrowed)
        # In the block, ℓ sits in column 4 and # in column 8 on both lines.
        block = sorted(
            (c for c in page.chars if c["text"] in "\u2113#" and c["top"] > borrowed[0]["top"] + 1),
            key=lambda c: (round(c["top"]), c["x0"]),
        )
        ell, hash1, hash2 = block
        mono = next(c for c in page.chars if "Mono" in c["fontname"] and c["text"] == "x")
        advance = (hash1["x0"] - mono["x0"]) / 10
        assert ell["x0"] == pytest.approx(mono["x0"] + 4 * advance, abs=0.01)
        assert hash2["x0"] == pytest.approx(hash1["x0"], abs=0.01)
    emoji = Card(
        CardKind.BASIC,
        (Text("Emoji"),),
        (Paragraph((Code("\U0001f642"),), line=9),),
        SourceRef(NOTES, 8),
        "e",
    )
    _, warnings = build(make_deck([emoji]), tmp_path, "emoji.pdf")
    assert len(warnings) == 1 and "U+1F642" in warnings[0].message and warnings[0].line == 9


def test_sound_references_are_left_out_of_print(tmp_path: Path) -> None:
    card = Card(
        CardKind.BASIC,
        (Text("der Hund [sound:hund.mp3]"),),
        (
            Paragraph((Text("the dog"),)),
            Paragraph((Text("[sound:dog.mp3]"),)),
            Table(
                ((Text("word"),), (Text("audio"),)), (((Text("Hund"),), (Text("[sound:x.mp3]"),)),)
            ),
        ),
        SourceRef(NOTES, 1),
        "s",
    )
    path, warnings = build(make_deck([card]), tmp_path)
    text = all_text(path)
    assert "sound" not in text and ".mp3" not in text
    assert "der Hund" in text and "the dog" in text and "Hund" in text
    assert warnings == []


def test_code_block_in_a_list_item_keeps_its_spacing(tmp_path: Path) -> None:
    """An ASCII diagram inside a list item prints line for line, its columns lined up."""
    diagram = "+-----+     +-----+\n| A   | --> |  B  |\n+-----+     +-----+\n   |\n   v\n"
    item = ListItem((Paragraph((Text("The pipeline:"),), line=2), CodeBlock(diagram)))
    card = Card(
        CardKind.REVISION, (Text("Pipeline"),), (BulletList((item,)),), SourceRef(NOTES, 1), "p"
    )
    path, _ = build(make_deck([card]), tmp_path)
    with pdfplumber.open(path) as pdf:
        chars = [c for c in pdf.pages[1].chars if "Mono" in c["fontname"]]
    rows: dict[float, list[Any]] = {}
    for char in chars:
        rows.setdefault(round(char["top"], 1), []).append(char)
    lines = [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items())]
    assert ["".join(c["text"] for c in line) for line in lines] == diagram.splitlines()
    # Monospace columns: each character sits at its column of the diagram.
    advance = lines[0][1]["x0"] - lines[0][0]["x0"]
    left = lines[0][0]["x0"]
    for line, source in zip(lines, diagram.splitlines(), strict=True):
        assert [round((c["x0"] - left) / advance) for c in line] == list(range(len(source)))
    # The block is indented under its item's text, not at the card's edge.
    with pdfplumber.open(path) as pdf:
        assert left > find(pdf.pages[1], "The pipeline")["x0"]


# ----------------------------------------------------------------------------- which cards print


def mixed_deck() -> Deck:
    cards = [
        revision(1, "Revision heading", ["revision fact"]),
        Card(
            CardKind.BASIC,
            (Text("What is the unit of frequency?"),),
            (Paragraph((Text("The hertz"),)),),
            SourceRef(NOTES, 2),
            "q",
        ),
        Card(
            CardKind.REVERSED,
            (Text("Speed of light"),),
            (Paragraph((Text("3 × 10⁸ m/s"),)),),
            SourceRef(NOTES, 3),
            "rv",
        ),
        Card(
            CardKind.CLOZE,
            (Text("Sound is a "), Cloze(1, (Text("longitudinal"),), "kind"), Text(" wave")),
            (Paragraph((Text("extra note"),)),),
            SourceRef(NOTES, 4),
            "cz",
        ),
    ]
    glossary = (
        GlossaryEntry(
            "Amplitude", "The largest displacement from rest, $A$ in metres", SourceRef(NOTES, 10)
        ),
        GlossaryEntry("Hertz", "One wave per second", SourceRef(NOTES, 11), card="q"),
    )
    return make_deck(cards, glossary=glossary)


def test_cloze_and_glossary_cards_print_only_on_request(tmp_path: Path) -> None:
    path, _ = build(mixed_deck(), tmp_path)
    text = all_text(path)
    for printed in ("Revision heading", "What is the unit of frequency?", "Speed of light"):
        assert squash(printed) in squash(text)
    assert "Sound is a" not in text and "Amplitude" not in text
    assert "1 / 3" in text

    path, _ = build(
        mixed_deck(),
        tmp_path,
        "all.pdf",
        print_kinds=frozenset(CardKind),
        print_glossary_cards=True,
    )
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        fronts = cards_text(pdf.pages[0], cells) + cards_text(pdf.pages[2], cells)
        backs = cards_text(pdf.pages[1], cells) + cards_text(pdf.pages[3], cells)
    # The cloze front asks with a gap (its hint); the back shows the answer and the extra.
    assert "[kind]" in fronts and "longitudinal" not in fronts
    assert "longitudinal" in backs and "extra note" in backs
    # A glossary card for Amplitude; Hertz is already asked by the printed question card.
    assert "Amplitude" in fronts and "largest displacement" in backs
    assert "Hertz" not in fronts
    assert "5 / 5" in fronts


def test_nothing_to_print_is_a_warning_and_no_pdf(tmp_path: Path) -> None:
    deck = make_deck([mixed_deck().cards[3]])
    _, warnings = build(deck, tmp_path)
    assert len(warnings) == 1 and warnings[0].file == NOTES
    assert "only cloze cards" in warnings[0].message and "--print" in warnings[0].message
    assert not (tmp_path / "cards.pdf").exists()


def test_cloze_only_notes_build_their_deck_and_no_pdf(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "types.md").write_text(
        "# Type checking\n\nA type system that keeps types through evaluation has "
        "==type preservation==.\n\nChecking types at run time is {{c1::dynamic}} semantics.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        make_deck_command, [str(notes), "-o", str(out), "-j", "1", "--no-lock"]
    )
    assert result.exit_code == 0, result.output
    assert "no PDF written" in result.output and "types.md" in result.output
    assert (out / "types.apkg").is_file() and not (out / "types.pdf").exists()
    result = CliRunner().invoke(
        make_deck_command,
        [str(notes), "-o", str(out), "-j", "1", "--no-lock", "--print", "cloze"],
    )
    assert result.exit_code == 0, result.output
    assert "type preservation" in squash(all_text(out / "types.pdf")).replace("type", "type ")


def test_glossary_sheet(tmp_path: Path) -> None:
    entries = tuple(
        GlossaryEntry(
            f"Word {chr(90 - i)}", f"Definition number {i} of the term", SourceRef(NOTES, i + 1)
        )
        for i in range(26)
    )
    deck = make_deck([revision(1, "Heading", ["fact"])], glossary=entries)
    path, warnings = build(deck, tmp_path, print_glossary=True)
    assert not warnings
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 3
        sheet = pdf.pages[2].extract_text()
    assert "Glossary" in sheet
    positions = [sheet.index(f"Word {chr(65 + i)}") for i in range(26)]
    assert positions == sorted(positions)  # alphabetical
    for entry in entries:
        assert entry.definition in sheet
    assert {f["/BaseFont"].split("+")[1] for f in fonts_of(path)} <= {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
        "DejaVuSansMono",
    }


def test_glossary_sheet_typesets_math_like_the_cards(tmp_path: Path) -> None:
    # Definitions keep their formulas in dollars, and a literal dollar is written \$.
    entries = (
        GlossaryEntry(
            "Wave speed $v$", r"Equal to $f\lambda$; costs \$x or $5", SourceRef(NOTES, 2)
        ),
        GlossaryEntry(
            "Kinetic energy", r"Work done: $\frac{1}{2}mv^2$ in joules", SourceRef(NOTES, 3)
        ),
    )
    deck = make_deck([revision(1, "Heading", ["fact"])], glossary=entries)
    path, warnings = build(deck, tmp_path, print_glossary=True, print_glossary_cards=True)
    assert not warnings
    with pdfplumber.open(path) as pdf:
        cards = "\n".join(cards_text(page, grid_cells(pdf.pages[0])) for page in pdf.pages[:-1])
        sheet = pdf.pages[-1]
        text = sheet.extract_text()
        assert "Glossary" in text
        for printed in (text, cards):
            assert "\\" not in printed and "$v" not in printed and "$f" not in printed
            assert "Wave speed" in printed and "Kinetic energy" in printed
            assert "costs $x or $5" in printed and "in joules" in printed
        # The term's formula is drawn after its words, inside the term's cell.
        term = find(sheet, "Wave speed")
        column = find(sheet, "Equal to")["x0"]
        drawn = [c for c in sheet.curves if abs(c["top"] - term["top"]) < 12 and c["x0"] < column]
        assert drawn and all(c["x0"] > term["x1"] for c in drawn)


def test_glossary_sheet_without_terms_warns(tmp_path: Path) -> None:
    path, warnings = build(
        make_deck([revision(1, "Heading", ["fact"])]), tmp_path, print_glossary=True
    )
    assert len(warnings) == 1 and "glossary" in warnings[0].message
    assert len(pypdf.PdfReader(path).pages) == 2


# ----------------------------------------------------------------------------- options and errors


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"paper": "a3"}, "paper"),
        ({"card_size": "a5"}, "card size"),
        ({"duplex": "sideways"}, "duplex"),
        ({"back_offset": (25.0, 0.0)}, "--back-offset"),
    ],
)
def test_bad_options_are_errors(tmp_path: Path, options: dict[str, Any], words: str) -> None:
    with pytest.raises(NotesError) as error:
        build(sheet_deck(1), tmp_path, **options)
    assert words in error.value.message and error.value.file == NOTES


def test_render_pdf_matches_export(tmp_path: Path) -> None:
    deck = sheet_deck(3)
    path, _ = build(deck, tmp_path)
    assert render_pdf(deck, BuildOptions(), lambda _: None) == path.read_bytes()


# ----------------------------------------------------------------------------- calibration


@pytest.mark.parametrize("duplex", ["long", "short"])
def test_calibration_grids_sit_behind_the_crosses(tmp_path: Path, duplex: str) -> None:
    dest = tmp_path / "calibration.pdf"
    export_calibration(dest, BuildOptions(duplex=duplex, paper="letter", back_offset=(1.0, 0.5)))
    reader = pypdf.PdfReader(dest)
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    with pdfplumber.open(dest) as pdf:
        front, back = pdf.pages
        width, height = front.width, front.height
        assert "actual size" in front.extract_text() and "--back-offset" in back.extract_text()

        def centres(lines: list[dict[str, Any]]) -> set[tuple[float, float]]:
            vertical = [ln for ln in lines if abs(ln["x0"] - ln["x1"]) < 0.01]
            horizontal = [ln for ln in lines if abs(ln["top"] - ln["bottom"]) < 0.01]
            return {
                (round(v["x0"], 1), round(h["top"], 1))
                for v in vertical
                for h in horizontal
                if h["x0"] < v["x0"] < h["x1"]
                and v["top"] < h["top"] < v["bottom"]
                and math.isclose(v["x0"] - h["x0"], h["x1"] - v["x0"], abs_tol=0.05)
            }

        crosses = centres(front.lines)
        zero_lines = [ln for ln in back.lines if ln["linewidth"] > 0.7]
        grids = centres(zero_lines)
        assert len(crosses) == len(grids) == 5
        dx, dy = 1.0 * MM, -0.5 * MM  # pdfplumber's y grows downwards
        for x, y in crosses:
            mirrored = (width - x, y) if duplex == "long" else (x, height - y)
            expected = (round(mirrored[0] + dx, 1), round(mirrored[1] + dy, 1))
            assert any(
                abs(expected[0] - gx) < 0.15 and abs(expected[1] - gy) < 0.15 for gx, gy in grids
            )


def test_calibration_refuses_fold(tmp_path: Path) -> None:
    with pytest.raises(NotesError, match="fold"):
        export_calibration(tmp_path / "c.pdf", BuildOptions(duplex="fold"))


def test_facts_are_bullets_with_a_hanging_indent(tmp_path: Path) -> None:
    fact = "Transverse waves oscillate at right angles to the direction of travel " * 3
    path, _ = build(make_deck([revision(1, "Transverse waves", [fact, "Short fact"])]), tmp_path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[1]
        bullets = [c for c in page.chars if c["text"] == "\u2022"]
        assert len(bullets) == 2
        lines: dict[float, list[dict[str, Any]]] = {}
        for char in page.chars:
            # Card 1's back is on the right: the long-edge flip mirrors the columns.
            if char["text"].strip() and char["x0"] > page.width / 2:
                lines.setdefault(round(char["top"]), []).append(char)
        starts = [min(line, key=lambda c: c["x0"]) for _, line in sorted(lines.items())]
        first, second = starts[0], starts[1]
        assert first["text"] == "\u2022"
        text_start = min(c["x0"] for c in lines[round(first["top"])] if c["text"] != "\u2022")
        # The wrapped line starts under the text, not under the bullet.
        assert second["text"] != "\u2022"
        assert second["x0"] == pytest.approx(text_start, abs=0.5)
        assert second["x0"] > first["x0"] + 3


PRINTABLE = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 <>&;=/\"'#%αβΩЖжé€—…")), min_size=1, max_size=60
).filter(lambda s: s.strip())


@settings(max_examples=12, deadline=None)
@given(heading=PRINTABLE, lines=st.lists(PRINTABLE, min_size=1, max_size=4))
def test_any_text_prints_literally_inside_its_card(
    tmp_path_factory: pytest.TempPathFactory, heading: str, lines: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("literal")
    path, warnings = build(make_deck([revision(1, heading, lines)]), tmp_path)
    assert not warnings
    text = squash(all_text(path))
    for item in [heading, *lines]:
        assert squash(item) in text
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        for page in pdf.pages:
            for char in page.chars:
                cell_of(cells, char)


def test_markdown_notes_print_with_math_tables_code_and_images(tmp_path: Path) -> None:
    deck = read_notes(FIXTURES / "optics.md")
    path, warnings = build(deck, tmp_path, print_kinds=frozenset(CardKind))
    assert not warnings
    text = all_text(path)
    assert "\\frac" not in text and "\\sin" not in text and "$" not in text
    assert "Snell's law" in text and "Critical angle" in text
    for row in ("Water 1.33 48.8°", "Glass 1.50 41.8°", "Diamond 2.42 24.4°"):
        assert row in text
    assert "print(math.degrees(math.asin(1 / n)))" in text
    assert "[…]" in text and "the critical angle" in text
    meta = pypdf.PdfReader(path).metadata
    assert meta is not None and meta["/Author"] == "Mr Okafor"
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages[1].images) == 1


# ----------------------------------------------------------------------------- text layout


def test_styled_text_stays_inside_its_card(tmp_path: Path) -> None:
    """Bold, cloze and code facts, long words, cards that shrink and cards that continue: every
    glyph sits inside its card's padding and above the card number."""

    def fact(i: int) -> tuple[Any, ...]:
        return (
            Text(f"Fact {i}: in "),
            Cloze(1, (Text(f"{1900 + i}"),)),
            Text(" the "),
            Strong((Text("Politburo"),)),
            Text(" met; see "),
            Code("votes[i]"),
            Text(" and " + ("Dictatorship" * 4 if i % 7 == 0 else "the minutes") + " again"),
        )

    cards = [
        Card(
            CardKind.REVISION,
            (Text(f"Card {n} heading"),),
            tuple(Paragraph(fact(i), line=n * 100 + i) for i in range(count)),
            SourceRef(NOTES, n * 100),
            f"c{n}",
        )
        for n, count in enumerate([1, 3, 5, 40], start=1)
    ]
    path, warnings = build(make_deck(cards), tmp_path, card_size="a7")
    assert len(warnings) == 1 and "card 4" in warnings[0].message  # the 40 facts continue
    spec = CARD_SPECS["a7"]
    with pdfplumber.open(path) as pdf:
        cells = grid_cells(pdf.pages[0])
        sizes = set()
        for page in pdf.pages:
            for cell in cells:
                inside = [c for c in page.chars if cell_of(cells, c) == cell]
                if not inside:
                    continue
                x0, top, x1, bottom = cell
                pad = spec.padding - 0.5
                for char in inside:
                    assert x0 + pad <= char["x0"] and char["x1"] <= x1 - pad, char
                    assert top + pad <= char["top"] and char["bottom"] <= bottom - pad, char
                meta = [c for c in inside if c["size"] == pytest.approx(spec.meta_size)]
                body = [c for c in inside if c not in meta and c["text"].strip()]
                if page.page_number % 2 == 0 and body:
                    # On the backs: the facts end above the card number.
                    number_top = min(c["top"] for c in meta)
                    assert max(c["bottom"] for c in body) <= number_top
                    sizes.update(round(c["size"], 2) for c in body)
        assert min(sizes) >= 7 and max(sizes) <= spec.body_size
        assert len(sizes) > 1, "no card shrank"
    text = squash(all_text(path))
    # pypdf reads text in drawing order, as a viewer's search and copy do.
    drawn_text = squash("".join(page.extract_text() for page in pypdf.PdfReader(path).pages))
    for card in cards:
        for line in facts(card):
            assert squash(line) in text
            assert squash(line) in drawn_text


# ----------------------------------------------------------------------------- fitting


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.tuples(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789,.()-", min_size=1),
            st.sampled_from(["", "b", "i", "code"]),
            st.sampled_from([" ", "  ", "", " \n "]),
        ),
        min_size=1,
        max_size=60,
    ),
    size=st.sampled_from([7.0, 9.5, 11.0, 14.0]),
    width=st.floats(min_value=40, max_value=400),
    hang=st.sampled_from([0.0, 12.0]),
)
def test_least_height_never_exceeds_the_wrapped_height(
    words: list[tuple[str, str, str]], size: float, width: float, hang: float
) -> None:
    """The measure that lets fitting skip the top type size is a true lower bound: skipping is
    only ever right, so the chosen size is the one that setting every size would find."""
    markup = ""
    for word, tag, space in words:
        text = escape(word)
        if tag == "code":
            text = f'<font face="{MONO}">{text}</font>'
        elif tag:
            text = f"<{tag}>{text}</{tag}>"
        markup += text + space
    style = paragraph_style(size, left=0.0, hang=hang)
    items = [(0.0, CardParagraph(markup, style)), (size * 0.35, CardParagraph(markup, style))]
    least = least_height(items, width)
    actual = sum(flowable.wrap(width, 1e9)[1] for _, flowable in items) + size * 0.35
    assert 0 < least <= actual + 1e-6


def test_least_height_is_tight_for_lines_filled_to_the_edge() -> None:
    """Words that fill each line exactly: the bound is the height itself, not more."""
    style = paragraph_style(10.0)
    word, space = (string_width(text, "N2D-DejaVuSans", 10.0) for text in ("mmmm", " "))
    width = 5 * word + 4 * space + 0.01
    para = CardParagraph(" ".join(["mmmm"] * 200), style)
    actual = para.wrap(width, 1e9)[1]
    assert actual == 40 * style.leading
    assert least_height([(0.0, CardParagraph(" ".join(["mmmm"] * 200), style))], width) == actual


def test_every_bundled_face_draws_all_of_printable_ascii() -> None:
    # `missing_glyphs` answers ASCII text without opening a font: this is why it may.
    from reportlab.pdfbase import pdfmetrics

    from notes2decks.exporters.pdf.fonts import (
        MONO,
        SANS,
        SANS_BOLD,
        SANS_BOLD_ITALIC,
        SANS_ITALIC,
        missing_glyphs,
        register_fonts,
    )

    register_fonts()
    for face in (SANS, SANS_BOLD, SANS_ITALIC, SANS_BOLD_ITALIC, MONO):
        cmap = pdfmetrics.getFont(face).face.charToGlyph
        assert [chr(c) for c in range(32, 127) if c not in cmap] == []
    assert missing_glyphs("smile \U0001f642", SANS) == ("\U0001f642",)
