"""The bare-library floor: the corpus's cards written by genanki, reportlab and csv alone.

    python benchmarks/floor.py genanki   CORPUS/cards.json OUT_DIR
    python benchmarks/floor.py reportlab CORPUS/cards.json OUT_DIR
    python benchmarks/floor.py csv       CORPUS/cards.json OUT_DIR
    python benchmarks/floor.py canvas    CORPUS/cards.json OUT_DIR   # a reference, not the floor

This is the least any tool has to spend to produce the same three outputs with the same two
libraries, written the obvious way, in one process, one file after another:

- genanki: one basic model (Front/Back), one `genanki.Package` per notes file, each card's front
  and back as plain HTML (the facts as a `<ul>`, key terms in `<b>`);
- reportlab: one `Paragraph` per card face, four A6 cards per A4 side, a page of fronts followed
  by a page of backs (mirrored left to right, for long-edge duplex), in reportlab's default
  Helvetica; no overflow handling, no fonts to embed, no cloze cards;
- csv: one glossary file per notes file, a row per glossary entry and per bold key term.

run.py times each mode in its own process, start-up included, as it times make-deck.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _stable_id(text: str) -> int:
    # Anki ids are 31-bit-ish positive integers; a hash keeps them stable across runs.
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % (1 << 30) + (1 << 30)


def fact_html(fact: str) -> str:
    """A fact as HTML: escaped, with `**term**` in `<b>` (also valid reportlab markup)."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(fact, quote=False))


def load_cards(path: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    files: list[dict[str, Any]] = data["files"]
    return files


def write_genanki(files: list[dict[str, Any]], out: Path) -> int:
    import genanki

    model = genanki.Model(
        _stable_id("bench-floor-basic"),
        "Bench floor basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
    )
    written = 0
    for item in files:
        deck = genanki.Deck(_stable_id(item["deck"]), item["deck"])
        for card in item["cards"]:
            back = "<ul>" + "".join(f"<li>{fact_html(f)}</li>" for f in card["facts"]) + "</ul>"
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[html.escape(card["front"], quote=False), back],
                    guid=genanki.guid_for(item["deck"], card["front"]),
                    tags=item["tags"],
                )
            )
            written += 1
        genanki.Package(deck).write_to_file(str(out / f"{item['stem']}.apkg"))
    return written


def write_reportlab(files: list[dict[str, Any]], out: Path) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    page_w, page_h = A4
    cell_w, cell_h = page_w / 2, page_h / 2
    margin = 18.0
    front_style = ParagraphStyle(
        "front", fontName="Helvetica-Bold", fontSize=16, leading=20, alignment=1
    )
    back_style = ParagraphStyle("back", fontName="Helvetica", fontSize=9, leading=11.5)
    written = 0
    for item in files:
        canvas = Canvas(str(out / f"{item['stem']}.pdf"), pagesize=A4)
        cards = item["cards"]
        for start in range(0, len(cards), 4):
            sheet = cards[start : start + 4]
            for side in ("front", "back"):
                for slot, card in enumerate(sheet):
                    column, row = slot % 2, slot // 2
                    if side == "back":
                        column = 1 - column  # long-edge duplex mirrors the columns
                        text = "<br/>".join("\u2022 " + fact_html(f) for f in card["facts"])
                        para = Paragraph(text, back_style)
                    else:
                        para = Paragraph(html.escape(card["front"], quote=False), front_style)
                    width = cell_w - 2 * margin
                    _, height = para.wrap(width, cell_h - 2 * margin)
                    x = column * cell_w + margin
                    top = page_h - row * cell_h - margin
                    y = top - height if side == "back" else top - (cell_h - 2 * margin + height) / 2
                    para.drawOn(canvas, x, y)
                canvas.showPage()
            written += len(sheet)
        canvas.save()
    return written


def write_canvas_text(files: list[dict[str, Any]], out: Path) -> int:
    """Not part of the floor: the same sheets as `write_reportlab`, with the lines broken by a
    greedy wrap over cached word widths and drawn with one text object per face, to show what a
    layout cheaper than Paragraph can save. Bold terms are drawn bold, nothing else is styled."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    page_w, page_h = A4
    cell_w, cell_h = page_w / 2, page_h / 2
    margin, size, leading = 18.0, 9.0, 11.5
    width = cell_w - 2 * margin
    widths: dict[tuple[str, str], float] = {}

    def measure(word: str, font: str) -> float:
        key = (word, font)
        if key not in widths:
            widths[key] = stringWidth(word, font, size)
        return widths[key]

    space = stringWidth(" ", "Helvetica", size)
    written = 0
    for item in files:
        canvas = Canvas(str(out / f"{item['stem']}-canvas.pdf"), pagesize=A4)
        cards = item["cards"]
        for start in range(0, len(cards), 4):
            sheet = cards[start : start + 4]
            for side in ("front", "back"):
                for slot, card in enumerate(sheet):
                    column, row = slot % 2, slot // 2
                    x = column * cell_w + margin
                    top = page_h - row * cell_h - margin
                    if side == "front":
                        canvas.setFont("Helvetica-Bold", 16)
                        canvas.drawCentredString(x + width / 2, top - cell_h / 2, card["front"])
                        continue
                    text = canvas.beginText(x + (cell_w if column == 0 else -cell_w), top - size)
                    for fact in card["facts"]:
                        # Runs of one font per line, so each line is a few text operators.
                        line: list[tuple[str, list[str]]] = []
                        used = 0.0
                        for index, part in enumerate(_BOLD.split("\u2022 " + fact)):
                            font = "Helvetica-Bold" if index % 2 else "Helvetica"
                            for word in part.split():
                                w = measure(word, font)
                                if used and used + space + w > width:
                                    _emit(text, line, size, leading)
                                    line, used = [], 0.0
                                if not line or line[-1][0] != font:
                                    line.append((font, []))
                                line[-1][1].append(word)
                                used += w + (space if used else 0.0)
                        _emit(text, line, size, leading)
                    canvas.drawText(text)
                canvas.showPage()
            written += len(sheet)
        canvas.save()
    return written


def _emit(text: Any, line: list[tuple[str, list[str]]], size: float, leading: float) -> None:
    for index, (font, words) in enumerate(line):
        text.setFont(font, size, leading)
        text.textOut((" " if index else "") + " ".join(words))
    text.textLine("")


def write_csv(files: list[dict[str, Any]], out: Path) -> int:
    written = 0
    for item in files:
        with open(out / f"{item['stem']}-glossary.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["term", "definition", "deck"])
            for term, definition in item.get("glossary", []):
                writer.writerow([term, definition.replace("**", ""), item["deck"]])
                written += 1
            for card in item["cards"]:
                for fact in card["facts"]:
                    for term in _BOLD.findall(fact):
                        writer.writerow([term, fact.replace("**", ""), item["deck"]])
                        written += 1
    return written


WRITERS = {
    "genanki": write_genanki,
    "reportlab": write_reportlab,
    "csv": write_csv,
    "canvas": write_canvas_text,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=sorted(WRITERS))
    parser.add_argument("cards", type=Path, help="cards.json written by make_corpus.py")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    count = WRITERS[args.mode](load_cards(args.cards), args.out)
    print(f"{args.mode}: {count} {'rows' if args.mode == 'csv' else 'cards'} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
