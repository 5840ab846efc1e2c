"""Bad input: every case gives a clear message, no traceback and the documented exit status, and
costs nothing else.

Each file-level case runs the same story through the real command (`make-deck`, in process):

1. A notes folder holds `other.md` and a GOOD version of the case's file; a first build makes
   their outputs.
2. `other.md` is edited, the case's file is replaced by the bad input, and the folder is built
   again.
3. The exit status is the documented one: 0 when the case only warns, 1 when a file fails (2,
   for usage errors, is covered by the run-level tests at the end). The message names
   `file:line` (or the file alone, where no line applies) and no traceback is printed.
4. `other.md` was still rebuilt: every one of its outputs changed. A failing file's previous
   outputs are byte for byte what they were; a warned-about file's outputs are built.

The choices this suite pins down, as `readers.decode` and `build` implement them:

- Windows-1252 notes (saved from Word) are read with a warning naming the first line that is not
  UTF-8; bytes that are neither UTF-8 nor Windows-1252 are refused at their line.
- UTF-16 with a byte order mark (Notepad's "Unicode") is read as such; a UTF-8 byte order mark
  and CRLF or CR line ends make no difference at all to the outputs.
- Notes files over 4 MB and lines over 100,000 characters are refused (the answer to "a 10 MB
  file and a 1 MB line"), before any card is made.
- A deck named in front matter loses empty levels (`::A::::B::` is `A::B`) and runs of spaces;
  double quotes become single ones; slashes, emoji and long names are kept as written; a name of
  separators only falls back to the default deck with a warning; "default" joins the user's
  Default deck like any other name. Anki is asked where the cards land.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import sqlite3
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result

from anki_support import fresh_collection, import_package, visible_text
from helpers import FIXTURES
from notes2decks.cli import make_deck

EPOCH = "1700000000"
PNG = (FIXTURES / "apkg" / "img" / "diagram.png").read_bytes()
REMOVED = "notes2decks::removed"
FORMATS = {"apkg": ".apkg", "pdf": ".pdf", "csv": "-glossary.csv"}

GOOD = {
    ".md": "# Good topic\n\n## A card\n\nA fact about the topic.\n",
    ".txt": "Good card set\n\nA heading\n\nA fact about the 'Key Idea'.\n\n1 of 1\n",
    ".csv": "front,back\nA question,An answer\n",
}

OTHER = (
    "# Other topic\n\n## Version {v}\n\nThe fact of version {v}.\n\n"
    "## Glossary\n\nEdition\n: the {v} edition\n"
)

Sabotage = Callable[[Path, Path], None]
"""Replaces the case's notes file (given) with bad input; also gets the output folder."""


@dataclass(frozen=True)
class Built:
    """What a case's checks get: the folders, the case's file and what the build printed."""

    root: Path
    notes: Path
    out: Path
    target: Path
    before: dict[Path, bytes]
    """The case's outputs from the GOOD build."""
    output: str


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    """The case's notes file, in the notes folder."""
    bad: bytes | Sabotage
    status: int
    message: str
    """What the diagnostic says (a part of it); empty for a case that must not warn at all."""
    line: int = 0
    """The line the diagnostic names, or 0 when it names the file alone."""
    formats: str = "apkg,csv"
    good: str = ""
    """The GOOD version of the file, built first (default: by suffix)."""
    names: str = ""
    """The file the diagnostic names, when it is not the case's file."""
    setup: Callable[[Path], None] | None = None
    """Prepares the notes folder's parent (files outside the notes, say)."""
    check: Callable[[Built], None] | None = None
    """Further assertions on what was built."""


# --------------------------------------------------------------------------- output readers


def anki_notes(package: Path, removed: bool = False) -> list[list[str]]:
    """Each note's fields, as stored in the package's collection; with `removed`, also the notes
    of cards that the notes no longer have (shipped tagged so that users can delete them)."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "collection.anki2"
        with zipfile.ZipFile(package) as archive:
            db.write_bytes(archive.read("collection.anki2"))
        con = sqlite3.connect(db)
        try:
            rows = con.execute("SELECT flds, tags FROM notes ORDER BY id").fetchall()
        finally:
            con.close()
    return [row[0].split("\x1f") for row in rows if removed or REMOVED not in row[1].split()]


def anki_text(package: Path) -> str:
    """Every field's text as Anki shows it: tags dropped, character references decoded."""
    fields = [f for note in anki_notes(package) for f in note]
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(fields)))


def squeezed(text: str) -> str:
    """Text without white space, so that line wrapping cannot hide a phrase."""
    return "".join(text.split())


def pdf_text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def outputs(out: Path, name: str, formats: str) -> list[Path]:
    stem = Path(name).stem
    return [out / f"{stem}{FORMATS[fmt]}" for fmt in formats.split(",")]


def deck_names(built: Built, tmp: Path) -> set[str]:
    """The decks that the case's cards land in when Anki imports the package."""
    col = fresh_collection(tmp / "anki")
    try:
        import_package(col, built.out / f"{built.target.stem}.apkg")
        cards = col.find_cards(f"-tag:{REMOVED}")
        return {str(col.decks.name(col.get_card(cid).did)) for cid in cards}
    finally:
        col.close()


# --------------------------------------------------------------------------- sabotage


def text(content: str, encoding: str = "utf-8") -> bytes:
    return content.encode(encoding)


def replace_with(make: Callable[[Path], None]) -> Sabotage:
    def sabotage(target: Path, out: Path) -> None:
        target.unlink()
        make(target)

    return sabotage


# The named pipes that a build opened to read (see `fifo`).
OPENED_PIPES: list[Path] = []


def fifo(target: Path) -> None:
    os.mkfifo(target)

    def watch() -> None:
        # Should a build ever open the pipe to read it, a writer arrives at once and ends its
        # wait (opening for writing without waiting succeeds only once a reader waits), and the
        # pipe is recorded, so that the test fails instead of hanging.
        for _ in range(600):
            try:
                fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
                continue
            OPENED_PIPES.append(target)
            os.close(fd)
            return

    threading.Thread(target=watch, daemon=True).start()


def ten_megabytes(target: Path, out: Path) -> None:
    card = "A heading\n\nA perfectly ordinary fact about the topic.\n\n1 of 1\n\n"
    target.write_text("Title\n\n" + card * (10 * 1024 * 1024 // len(card) + 1), encoding="utf-8")


def yaml_payload(template: str) -> Sabotage:
    """Front matter that would create the file `pwned` beside the notes if it ran."""

    def sabotage(target: Path, out: Path) -> None:
        marker = target.parent.parent / "pwned"
        target.write_text(template.format(marker=marker) + GOOD[".md"], encoding="utf-8")

    return sabotage


def nothing_ran(built: Built) -> None:
    assert not (built.root / "pwned").exists()


def folder_in_the_way(target: Path, out: Path) -> None:
    target.write_text(GOOD[".md"] + "\n## Another card\n\nAnother fact.\n", encoding="utf-8")
    # The last output a file stages: the earlier ones must not be replaced either.
    csv_output = out / f"{target.stem}-glossary.csv"
    csv_output.unlink()
    csv_output.mkdir()


def second_file(name: str, content: str) -> Sabotage:
    def sabotage(target: Path, out: Path) -> None:
        (target.parent / name).write_text(content, encoding="utf-8")

    return sabotage


def images(root: Path) -> None:
    (root / "outside.png").write_bytes(PNG)
    notes = root / "notes"
    (notes / "fake.png").write_text("this is not a picture", encoding="utf-8")
    (notes / "link.png").symlink_to(root / "outside.png")


def with_image(src: str) -> bytes:
    return text(f"# Topic\n\n## Card\n\n![A diagram]({src})\n")


# --------------------------------------------------------------------------- checks


def same_outputs_as_before(built: Built) -> None:
    for path, old in built.before.items():
        assert path.read_bytes() == old, f"{path.name} differs from the plain UTF-8 build"


def shows(*phrases: str, pdf: bool = True) -> Callable[[Built], None]:
    """The phrases survive literally in the Anki fields and in the PDF's text."""

    def check(built: Built) -> None:
        fields = anki_text(built.out / f"{built.target.stem}.apkg")
        printed = squeezed(pdf_text(built.out / f"{built.target.stem}.pdf")) if pdf else ""
        for phrase in phrases:
            assert phrase in fields, (phrase, fields)
            if pdf:
                assert squeezed(phrase) in printed, (phrase, printed)

    return check


def in_deck(expected: str) -> Callable[[Built], None]:
    def check(built: Built) -> None:
        assert deck_names(built, built.root) == {expected}

    return check


def same_front_kept(count: int, facts: Callable[[int], str]) -> Callable[[Built], None]:
    def check(built: Built) -> None:
        package = built.out / f"{built.target.stem}.apkg"
        notes = [note for note in anki_notes(package) if note[0] == "Causes"]
        backs = [html.unescape(re.sub(r"<[^>]+>", "", note[1])) for note in notes]
        assert len(notes) == count
        assert sorted(backs) == sorted(facts(i) for i in range(count))
        repeats = [
            line
            for line in built.output.splitlines()
            if "is the same as the card at line 3; both are kept" in line
        ]
        assert len(repeats) == count - 1

    return check


def literal_braces_render(built: Built) -> None:
    col = fresh_collection(built.root / "anki")
    try:
        import_package(col, built.out / f"{built.target.stem}.apkg")
        sides = [col.get_card(cid) for cid in col.find_cards("")]
        answers = [visible_text(card.answer()) for card in sides]
    finally:
        col.close()
    assert any("In {{c1::1924 Lenin died." in answer for answer in answers), answers


def formulas_neutralised(built: Built) -> None:
    rows = {row["term"]: row for row in csv_rows(built.out / f"{built.target.stem}-glossary.csv")}
    assert rows['\'=HYPERLINK("http://evil.example","click")']["definition"] == (
        "'+cmd|' /C calc'!A0 and @SUM(1+1)"
    )
    assert rows["'@SUM(A1:A9)"]["definition"] == "'-2+3 is a sum"
    assert rows["AT&T"]["definition"] == "a company, not <b>bold</b>"
    fields = anki_text(built.out / f"{built.target.stem}.apkg")
    for literal in ('=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0"):
        assert literal in fields


def imports_into_anki(built: Built) -> None:
    col = fresh_collection(built.root / "anki")
    try:
        package = built.out / f"{built.target.stem}.apkg"
        log = import_package(col, package)
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        fields = [note.fields for note in notes]
        # No control character split a field: every note has its note type's fields.
        assert all(len(note.fields) == len(note.note_type()["flds"]) for note in notes)  # type: ignore[index]
    finally:
        col.close()
    assert log.counts["new"] == len(anki_notes(package, removed=True)) == len(fields)
    assert "a bell and a unit separator" in " ".join(" ".join(note) for note in fields)


# --------------------------------------------------------------------------- the cases

WORD_1252 = (
    "# Revolution\n\n## Lenin’s “April Theses”\n\n– Peace, land and bread: café society, 1917.\n"
)
FRONT_MATTER = "---\ntitle: Russia\ndeck: History::Russia\n---\n# Russia\n\n## A card\n\nA fact.\n"
CARD_SET = (
    "Russia\n\nStalin's rise\n\nThe Politburo is the ruling committee of the party.\n\n"
    "He was General Secretary from 1922.\n\n1 of 1\n"
)
HEADINGS = "# Same headings\n\n" + "".join(f"## Causes\n\nFact number {i}.\n\n" for i in range(200))
HEADINGS_SET = (
    "\n\n".join(
        ["Same headings"] + [f"Causes\n\nFact number {i}.\n\n{i + 1} of 200" for i in range(200)]
    )
    + "\n"
)
HTML_NOTES = """# Injection

## Tags and scripts

<script>alert('x')</script>

- A <b>not bold</b> claim and <img src=x onerror=alert(1)>
- An <a href="javascript:alert(1)">odd</a> link
"""
SCRIPT_SET = """Scripts

<script>alert('x')</script> runs nothing

The <b>not bold</b> text is a 'Key Term' of the set.

1 of 1
"""
MARKUP_SET = """Reportlab markup

Printing

The 'Printing Press' is the main key term here.

A <font size=40>big</font> claim by AT&T & sons <para> </para> <br/> &amp; &#169;

1 of 1
"""
INJECTION_NOTES = """# Spreadsheets

## Formulas

- =HYPERLINK("http://evil.example","click") is a link formula.

## Glossary

=HYPERLINK("http://evil.example","click")
: +cmd|' /C calc'!A0 and @SUM(1+1)

@SUM(A1:A9)
: -2+3 is a sum

AT&T
: a company, not <b>bold</b>
"""
LONG_DECK = "Year 12 " + "History of the Soviet Union and its predecessors " * 6


def deck(value: str) -> bytes:
    return text(f"---\ndeck: {value}\n---\n# Topic\n\n## Card\n\nA fact.\n")


CASES = [
    # ----------------------------------------------------------------- encodings and sizes
    # Work in progress, like a stub of headings: skipped with a warning, earlier outputs kept.
    Case("empty-file", "case.md", b"", 0, "the file is empty; write a title and some cards"),
    Case("blank-lines-only", "case.txt", b" \n\t\n\r\n", 0, "the file is empty"),
    Case("binary-file", "case.md", PNG, 1, "this is a binary file, not text notes"),
    Case(
        "invalid-utf8",
        "case.md",
        b"# Topic\n\n## Card\n\nA fact with a stray \x81 byte.\n",
        1,
        "the file is not UTF-8 text; save it as UTF-8",
        line=5,
    ),
    Case(
        "windows-1252-from-word",
        "case.md",
        text(WORD_1252, "cp1252"),
        0,
        "the file is not UTF-8; read it as Windows-1252",
        line=3,
        formats="apkg,pdf,csv",
        check=shows("Lenin’s “April Theses”", "– Peace, land and bread: café society, 1917."),
    ),
    Case(
        "utf-16-from-notepad",
        "case.md",
        text(WORD_1252.replace("\n", "\r\n"), "utf-16"),
        0,
        "",
        check=shows("Lenin’s “April Theses”", "café society", pdf=False),
    ),
    Case(
        "bom-and-crlf",
        "case.md",
        b"\xef\xbb\xbf" + text(FRONT_MATTER.replace("\n", "\r\n")),
        0,
        "",
        formats="apkg,pdf,csv",
        good=FRONT_MATTER,
        check=same_outputs_as_before,
    ),
    Case(
        "cr-line-ends",
        "case.txt",
        text(CARD_SET.replace("\n", "\r")),
        0,
        "",
        formats="apkg,pdf,csv",
        good=CARD_SET,
        check=same_outputs_as_before,
    ),
    Case(
        "ten-megabyte-file",
        "case.txt",
        ten_megabytes,
        1,
        "the file is 10.0 MB; notes files over 4 MB are refused: split it into topics",
    ),
    Case(
        "one-megabyte-line",
        "case.md",
        text("# Topic\n\n## Card\n\n" + "word " * 200_000 + "\n"),
        1,
        "this line is 1,000,000 characters long; lines over 100,000 characters are refused",
        line=5,
    ),
    # ----------------------------------------------------------------- front matter
    Case(
        "front-matter-unclosed",
        "case.md",
        text("---\ntitle: Russia\n\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "the front matter that starts with --- on line 1 is never closed",
        line=1,
    ),
    Case(
        "front-matter-malformed",
        "case.md",
        text("---\ntitle: Russia\ntags: [russia, stalin\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: expected ',' or ']'",
        line=4,
    ),
    Case(
        "front-matter-not-key-value",
        "case.md",
        text("---\n- title\n- Russia\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: it must be 'key: value' lines",
        line=2,
    ),
    Case(
        "front-matter-title-is-a-mapping",
        "case.md",
        text("---\ntitle:\n  name: Russia\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: 'title' must be one line of text, not a set of keys",
        line=3,
    ),
    Case(
        "yaml-tag-runs-a-command",
        "case.md",
        yaml_payload('---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\n---\n'),
        0,
        "front matter: it uses a YAML tag that notes may not use",
        line=2,
        check=nothing_ran,
    ),
    Case(
        "yaml-tag-builds-an-object",
        "case.md",
        yaml_payload(
            "---\ndeck: !!python/object/new:subprocess.Popen [[touch, '{marker}']]\n---\n"
        ),
        0,
        "front matter: it uses a YAML tag that notes may not use",
        line=2,
        check=nothing_ran,
    ),
    Case(
        "yaml-local-tag",
        "case.md",
        text("---\ntags: !shell rm -rf ~\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: it uses a YAML tag that notes may not use",
        line=2,
    ),
    Case(
        "yaml-alias-bomb",
        "case.md",
        text(
            "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n# Russia\n\n## Card\n\nA fact.\n"
        ),
        0,
        "front matter: aliases (*name) are not allowed in front matter",
        line=3,
    ),
    Case(
        "front-matter-unknown-keys",
        "case.md",
        text("---\ntitel: Russia\ncolour: red\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: unknown keys 'titel' (did you mean 'title'?), 'colour'",
        line=2,
    ),
    Case(
        "front-matter-impossible-date",
        "case.md",
        text("---\nglossary: 2024-02-30\n---\n# Russia\n\n## Card\n\nA fact.\n"),
        0,
        "front matter: cannot read this value",
        line=2,
    ),
    # ----------------------------------------------------------------- images
    Case(
        "image-missing", "case.md", with_image("missing.png"), 0, "image 'missing.png' not found", 5
    ),
    Case(
        "image-escapes-the-notes-folder",
        "case.md",
        with_image("../outside.png"),
        0,
        "image '../outside.png' is outside the notes folder",
        line=5,
        setup=images,
    ),
    Case(
        "image-absolute-path",
        "case.md",
        with_image("/etc/passwd"),
        0,
        # A path from `/` is read from the notes folder, never the file system's root.
        "image '/etc/passwd' not found (looked for {notes}/etc/passwd)",
        line=5,
    ),
    Case(
        "image-link-to-outside",
        "case.md",
        with_image("link.png"),
        0,
        "image 'link.png' is outside the notes folder",
        line=5,
        setup=images,
    ),
    Case(
        "image-not-an-image",
        "case.md",
        with_image("fake.png"),
        0,
        "'fake.png' is not a PNG, JPEG, GIF or SVG image",
        line=5,
        setup=images,
    ),
    Case(
        "image-web-address",
        "case.md",
        with_image("https://example.com/x.png"),
        0,
        "the image 'https://example.com/x.png' is on the web, so it is shown as a link",
        line=5,
    ),
    # ----------------------------------------------------------------- cards
    Case(
        "cloze-never-closed",
        "case.md",
        text("# Topic\n\n## Card\n\nIn {{c1::1924 Lenin died.\n"),
        0,
        "the cloze '{{c1::1924 Lenin died.' is never closed",
        line=5,
    ),
    Case(
        "cloze-closes-nothing",
        "case.md",
        text("# Topic\n\n## Card\n\nA fact.\n\nIn 1924}} Lenin died.\n"),
        0,
        "}} closes no cloze",
        line=7,
    ),
    Case(
        "cloze-inside-a-cloze",
        "case.md",
        text("# Topic\n\n## Card\n\nIn {{c1::Lenin {{c2::1924}} died}} then.\n"),
        0,
        "a cloze cannot hold another cloze",
        line=5,
    ),
    Case(
        "cloze-braces-in-card-set-text",
        "case.txt",
        text("Russia\n\nLenin\n\nIn {{c1::1924 Lenin died.\n\nThe 'Politburo' ruled.\n\n1 of 1\n"),
        0,
        "",
        check=literal_braces_render,
    ),
    Case(
        "empty-card",
        "case.txt",
        text(
            "Russia\n\nFirst\n\nA fact.\n\n1 of 3\n\n2 of 3\n\nThird\n\nAnother fact.\n\n3 of 3\n"
        ),
        0,
        "this card is empty; it was skipped",
        line=9,
    ),
    Case(
        "heading-only-file",
        "case.md",
        text("# Topic\n\n## Lonely heading\n"),
        0,
        "these notes hold no cards",
    ),
    Case(
        "heading-only-card",
        "case.md",
        text("# Topic\n\n## Lonely heading\n\n## Real card\n\nA fact.\n"),
        0,
        "the card 'Lonely heading' has nothing under its heading, so it was left out",
        line=3,
    ),
    Case(
        "heading-only-card-set",
        "case.txt",
        text("Russia\n\nLonely heading\n\n1 of 1\n"),
        0,
        "the card 'Lonely heading' has a heading but no facts",
        line=3,
    ),
    Case(
        "200-cards-one-heading",
        "case.md",
        text(HEADINGS),
        0,
        "the front 'Causes' is the same as the card at line 3",
        line=7,
        check=same_front_kept(200, lambda i: f"Fact number {i}."),
    ),
    Case(
        "200-cards-one-heading-card-set",
        "case.txt",
        text(HEADINGS_SET),
        0,
        "the front 'Causes' is the same as the card at line 3",
        line=9,
        check=same_front_kept(200, lambda i: f"Fact number {i}."),
    ),
    # ----------------------------------------------------------------- text that means something
    Case(
        "html-and-script-in-markdown",
        "case.md",
        text(HTML_NOTES),
        0,
        "<script> cannot be shown on a card",
        line=5,
        formats="apkg,pdf,csv",
        check=shows(
            "A <b>not bold</b> claim and <img src=x onerror=alert(1)>",
            'An <a href="javascript:alert(1)">odd</a> link',
        ),
    ),
    Case(
        "html-and-script-in-card-set-text",
        "case.txt",
        text(SCRIPT_SET),
        0,
        "",
        formats="apkg,pdf,csv",
        check=shows("<script>alert('x')</script> runs nothing", "<b>not bold</b>"),
    ),
    Case(
        "reportlab-markup",
        "case.txt",
        text(MARKUP_SET),
        0,
        "",
        formats="apkg,pdf,csv",
        check=shows("A <font size=40>big</font> claim by AT&T & sons <para> </para> <br/>"),
    ),
    Case(
        "csv-injection",
        "case.md",
        text(INJECTION_NOTES),
        0,
        "",
        check=formulas_neutralised,
    ),
    Case(
        "control-characters",
        "case.md",
        text(
            "# Topic\n\n## Card\n\nA fact with a bell\x07 and a unit separator\x1f inside.\n\n"
            "## Second\n\nA vertical\x0btab.\n"
        ),
        0,
        "",
        check=imports_into_anki,
    ),
    # ----------------------------------------------------------------- odd deck names
    Case("deck-empty-levels", "case.md", deck('"::A::::B::"'), 0, "", check=in_deck("A::B")),
    Case(
        "deck-quotes",
        "case.md",
        deck("'He said \"hi\" and it''s fine'"),
        0,
        "",
        check=in_deck("He said 'hi' and it's fine"),
    ),
    Case(
        "deck-slashes",
        "case.md",
        deck('"Maths/Physics::Waves\\\\Light"'),
        0,
        "",
        check=in_deck("Maths/Physics::Waves\\Light"),
    ),
    Case(
        "deck-emoji",
        "case.md",
        deck('"🧪 Chemistry::⚛️ Atoms"'),
        0,
        "",
        check=in_deck("🧪 Chemistry::⚛️ Atoms"),
    ),
    Case(
        "deck-300-characters",
        "case.md",
        deck(LONG_DECK),
        0,
        "",
        check=in_deck(" ".join(LONG_DECK.split())),
    ),
    Case("deck-named-default", "case.md", deck("default"), 0, "", check=in_deck("Default")),
    Case(
        "deck-only-separators",
        "case.md",
        deck('"::::"'),
        0,
        "front matter: deck '::::' names no deck; using the default",
        line=1,
        check=in_deck("Topic"),
    ),
    Case(
        "deck-header-of-a-flashcard-file",
        "case.txt",
        text("#deck: ::Biology::::Cells::\nWhat is a cell? | The unit of life\n"),
        0,
        "",
        check=in_deck("Biology::Cells"),
    ),
    # ----------------------------------------------------------------- files that are not files
    Case(
        "named-pipe",
        "case.md",
        replace_with(fifo),
        1,
        "this is not an ordinary file (a pipe, a device or a socket)",
    ),
    Case(
        "link-to-a-device",
        "case.md",
        # /dev/null, not /dev/zero: should the check ever go, the test fails instead of
        # reading forever.
        replace_with(lambda target: target.symlink_to(os.devnull)),
        1,
        "this is not an ordinary file (a pipe, a device or a socket)",
    ),
    Case(
        "symlink-to-itself",
        "case.md",
        replace_with(lambda target: target.symlink_to(target.name)),
        1,
        "cannot read the file: Too many levels of symbolic links",
    ),
    Case(
        "dangling-symlink",
        "case.md",
        replace_with(lambda target: target.symlink_to("gone.md")),
        1,
        "this is a symbolic link to gone.md, which does not exist",
    ),
    Case(
        "folder-in-the-way-of-an-output",
        "case.md",
        folder_in_the_way,
        1,
        "cannot write {out}/case-glossary.csv: a folder of that name is in the way",
    ),
    Case(
        "outputs-would-clash",
        "case.md",
        second_file("case.txt", "What? | A clash\n"),
        1,
        "its outputs would overwrite those of {notes}/case.md; rename one of them",
        names="case.txt",
    ),
    Case(
        "csv-field-over-the-limit",
        "case.csv",
        text('front,back\nq,"' + ("w" * 60_000 + "\n") * 3 + '"\nq2,a2\n'),
        1,
        "the file is not valid CSV: field larger than field limit",
        line=4,
    ),
]


def build(notes: Path, out: Path, formats: str) -> Result:
    result = CliRunner().invoke(
        make_deck, [str(notes), "-o", str(out), "-j", "1", "--format", formats]
    )
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    notes = tmp_path / "notes"
    notes.mkdir()
    out = tmp_path / "out"
    target = notes / case.name
    other = notes / "other.md"
    other.write_text(OTHER.format(v="one"), encoding="utf-8")
    target.write_text(case.good or GOOD[target.suffix], encoding="utf-8")
    if case.setup is not None:
        case.setup(tmp_path)
    first = build(notes, out, case.formats)
    assert first.exit_code == 0, first.output
    mine = {path: path.read_bytes() for path in outputs(out, case.name, case.formats)}
    theirs = {path: path.read_bytes() for path in outputs(out, "other.md", case.formats)}
    times = {path: path.stat().st_mtime_ns for path in mine}

    other.write_text(OTHER.format(v="two"), encoding="utf-8")
    if isinstance(case.bad, bytes):
        target.write_bytes(case.bad)
    else:
        case.bad(target, out)
    result = build(notes, out, case.formats)

    assert result.exit_code == case.status, result.output
    assert target not in OPENED_PIPES, "the build opened a named pipe to read it"
    named = notes / (case.names or case.name)
    where = f"{named}:{case.line}" if case.line else str(named)
    severity = "error" if case.status else "warning"
    message = case.message.replace("{out}", str(out)).replace("{notes}", str(notes))
    if message:
        # `file:line: ` or, where the reader knows the column, `file:line:col: `.
        prefix = re.compile(
            re.escape(where) + (r"(:\d+)?" if case.line else "") + f": {severity}: "
        )
        said = [line for line in result.output.splitlines() if prefix.match(line)]
        assert any(message in line for line in said), (where, message, result.output)
    else:
        # Only the lock file's note that the GOOD version's cards are gone may name the file.
        said = [
            line
            for line in result.output.splitlines()
            if line.startswith(f"{named}:") and "is no longer in the notes" not in line
        ]
        assert not said, result.output

    for path, old in theirs.items():
        assert path.read_bytes() != old, f"{path.name} was not rebuilt"
    if case.status:
        for path, old in mine.items():
            if path.is_dir():
                continue  # the folder the case put in the way
            assert path.read_bytes() == old, f"{path.name} changed although its notes failed"
            assert path.stat().st_mtime_ns == times[path]
    else:
        for path in mine:
            assert path.is_file() and path.stat().st_size > 0
    assert not list(out.glob(".notes2decks-staging-*"))
    if case.check is not None:
        case.check(Built(tmp_path, notes, out, target, mine, result.output))


# --------------------------------------------------------------------------- whole runs


def good_notes(root: Path) -> Path:
    notes = root / "notes"
    notes.mkdir()
    (notes / "good.md").write_text(GOOD[".md"], encoding="utf-8")
    return notes


@pytest.mark.parametrize(
    "make_out",
    [
        pytest.param(lambda root: Path("/proc/notes2decks-out"), id="under-proc"),
        pytest.param(lambda root: root / "a-file" / "out", id="inside-a-regular-file"),
    ],
)
def test_an_output_folder_that_cannot_be_made_is_named(
    make_out: Callable[[Path], Path], tmp_path: Path
) -> None:
    # Running as root, chmod cannot stop a write: these paths are ones nobody can create.
    notes = good_notes(tmp_path)
    (tmp_path / "a-file").write_text("a regular file", encoding="utf-8")
    out = make_out(tmp_path)
    result = CliRunner().invoke(make_deck, [str(notes), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert f"{out}: cannot create the output folder (" in result.output
    assert "choose another with -o" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "a regular file"


def test_an_output_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    notes = good_notes(tmp_path)
    taken = tmp_path / "out.pdf"
    taken.write_bytes(b"%PDF- not ours")
    result = CliRunner().invoke(make_deck, [str(notes), "-o", str(taken)])
    assert result.exit_code == 2
    assert f"Directory '{taken}' is a file" in result.output
    assert "Traceback" not in result.output
    assert taken.read_bytes() == b"%PDF- not ours"


@pytest.mark.parametrize("also_good", [False, True], ids=["alone", "beside-good-notes"])
def test_a_missing_notes_folder_is_a_usage_error(also_good: bool, tmp_path: Path) -> None:
    missing = tmp_path / "no-notes-here"
    paths = [str(good_notes(tmp_path))] if also_good else []
    out = tmp_path / "out"
    result = CliRunner().invoke(make_deck, [*paths, str(missing), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{missing}: no such file or folder" in result.output
    assert "Traceback" not in result.output
    # A typo in one path stops the run before it writes anything.
    assert not out.exists()


def test_symlink_loops_in_the_notes_folder_build_each_file_once(tmp_path: Path) -> None:
    notes = good_notes(tmp_path)
    (notes / "unit").mkdir()
    (notes / "unit" / "cells.txt").write_text("What is a cell? | The unit of life\n", "utf-8")
    (notes / "unit" / "up").symlink_to("..", target_is_directory=True)
    (notes / "itself").symlink_to("itself", target_is_directory=True)
    (notes / "unit" / "again").symlink_to(notes, target_is_directory=True)
    out = tmp_path / "out"
    result = build(notes, out, "apkg")
    assert result.exit_code == 0, result.output
    assert ": warning: " not in result.output and ": error: " not in result.output
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.apkg"))
    assert built == ["good.apkg", "unit/cells.apkg"]
