"""`notes2decks check`: typos, names typed wrongly, words run together or doubled, other scripts,
same fronts, cloze problems, missing images, print size, exit codes, and writing nothing."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import FIXTURES
from notes2decks.check import check_cloze, check_deck, check_file, check_fronts, check_paths
from notes2decks.cli import main
from notes2decks.enrich.lock import LOCK_FORMAT, lock_path_for
from notes2decks.errors import Diagnostic
from notes2decks.model import Card, CardKind, Cloze, Deck, Paragraph, SourceRef, Text
from notes2decks.options import BuildOptions
from notes2decks.readers import read_notes
from notes2decks.spelling import english, is_typo_of

CHECK = FIXTURES / "check"
RUSSIA = CHECK / "russia-1917.txt"

# Every misspelling in russia-1917.txt, each with the correction a reader would want. "new" for
# "knew" is a real word in the wrong place: no word list catches it, and it stays in the list
# so that the recall below is honest.
RUSSIA_TYPOS = {
    "where as": "whereas",
    "Goverment": "Government",
    "recieved": "received",
    "untill": "until",
    "Leninreturned": "Lenin returned",
    "Bolshevicks": "Bolsheviks",
    "Governmentwas": "Government was",
    "Petrgrad": "Petrograd",
    "Kerensy": "Kerensky",
    "Kornliov": "Kornilov",
    "the the": "the",
    "itwas": "it was",
    "beleived": "believed",
    "new": "knew",
    "and and": "and",
    "peice": "piece",
    "soldeirs": "soldiers",
}

# The names and terms of russia-1917.txt, several used only once, some at a sentence's start.
RUSSIA_NAMES = frozenset(
    [
        "Bolsheviks",
        "Brest",
        "Constituent",
        "Duma",
        "Finland",
        "Germans",
        "Kadets",
        "Kerensky",
        "Kornilov",
        "Kronstadt",
        "Lenin",
        "Litovsk",
        "Lvov",
        "Menshevik",
        "Mensheviks",
        "Milyukov",
        "Mogilev",
        "Moscow",
        "Nicholas",
        "Petrograd",
        "Romanov",
        "Sovnarkom",
        "Sukhanov",
        "Switzerland",
        "Theses",
        "Trotsky",
        "Tsar",
    ]
)

LOCATION = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>warning|error): ")


def warnings_of(path: Path, **options: object) -> list[Diagnostic]:
    result = check_file(path, BuildOptions(**options))  # type: ignore[arg-type]
    assert not result.errors, result.errors
    return result.warnings


def flagged_words(diagnostics: list[Diagnostic]) -> list[str]:
    """The text each spelling warning is about: what stands in its first quotes."""
    words = []
    for diagnostic in diagnostics:
        match = re.match(r"(?:unknown word )?'([^']+)'", diagnostic.message)
        if match:
            words.append(match.group(1))
    return words


def fixture_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


# --------------------------------------------------------------------------- typos


def test_typo_recall_on_a_card_set_is_at_least_80_percent_with_the_right_suggestion() -> None:
    warnings = warnings_of(RUSSIA)
    lines = fixture_lines(RUSSIA)
    caught = []
    for typo, correction in RUSSIA_TYPOS.items():
        for warning in warnings:
            shown = re.search(r"did you mean (.*)\?\)$", warning.message)
            offered = re.findall(r"'([^']+)'", shown.group(1)) if shown else []
            at = lines[warning.line - 1][warning.col - 1 :] if warning.col else ""
            # The second word of a doubled pair is the one marked.
            written = typo.split()[-1] if offered == [typo.split()[0]] else typo
            if at.startswith(written) and correction in offered:
                caught.append(typo)
                break
    recall = len(caught) / len(RUSSIA_TYPOS)
    missed = sorted(set(RUSSIA_TYPOS) - set(caught))
    assert recall >= 0.8, f"recall {recall:.0%}; missed {missed}"


def test_nothing_but_the_misspellings_is_flagged_and_no_proper_noun() -> None:
    warnings = warnings_of(RUSSIA)
    flagged = flagged_words(warnings)
    assert len(flagged) == len(warnings), "every warning on these notes is about a word"
    for word in flagged:
        assert word.split()[-1] not in RUSSIA_NAMES, f"proper noun {word!r} flagged"
        assert word in RUSSIA_TYPOS or word.lower() in ("the", "and"), f"{word!r} flagged"


def test_a_clean_card_set_gives_no_warning() -> None:
    # Names used once (Attlee, Kennan, Molotov, Comecon), British spellings, numbers.
    assert warnings_of(CHECK / "clean-cold-war.txt") == []


def test_columns_point_at_the_word() -> None:
    lines = fixture_lines(RUSSIA)
    warnings = warnings_of(RUSSIA)
    assert warnings
    for warning, word in zip(warnings, flagged_words(warnings), strict=True):
        assert warning.col > 0, warning
        at = lines[warning.line - 1][warning.col - 1 :]
        first = word.split()[0]
        assert at.lower().startswith(first.lower()), (warning, at[:20])


def test_names_typed_wrongly_suggest_the_name_the_notes_use() -> None:
    messages = [w.message for w in warnings_of(RUSSIA)]
    for typo, name in (
        ("Kerensy", "Kerensky"),
        ("Kornliov", "Kornilov"),
        ("Petrgrad", "Petrograd"),
    ):
        [message] = [m for m in messages if m.startswith(f"'{typo}'")]
        assert f"(did you mean '{name}'?)" in message
        assert re.search(rf"'{name}', used \d+ times", message)


# --------------------------------------------------------------------------- run-together, doubled


def test_run_together_words_are_split() -> None:
    flagged = {w.message for w in warnings_of(CHECK / "joins-and-doubles.txt")}
    for joined, words in (
        ("untilit", "until it"),
        ("andthe", "and the"),
        ("theyAbsorb", "they absorb"),
    ):
        expected = f"'{joined}' looks like two words run together (did you mean '{words}'?)"
        assert expected in flagged
    # A first letter stuck to the word before, as copying from a web page can leave it.
    assert "'notW ork' has a letter on the wrong word (did you mean 'not work'?)" in flagged


def test_doubled_words_but_not_grammatical_doubles_or_names() -> None:
    path = CHECK / "joins-and-doubles.txt"
    warnings = [w for w in warnings_of(path) if "doubled" in w.message]
    lines = fixture_lines(path)
    pairs = sorted((lines[w.line - 1][w.col - 1 :].split()[0], w.line) for w in warnings)
    # "The the" on one line, "to / to" across a line break; "had had", "that that" and
    # "Bora Bora" are English.
    assert [p[0] for p in pairs] == ["the", "to"]
    assert all("had" not in w.message and "Bora" not in w.message for w in warnings)
    doubled_to = next(w for w in warnings if "'to to'" in w.message)
    assert lines[doubled_to.line - 2].rstrip().endswith("to")


# --------------------------------------------------------------------------- other scripts


def test_greek_cyrillic_and_quoted_foreign_text_is_not_flagged() -> None:
    assert warnings_of(CHECK / "languages.txt") == []


def test_a_typo_next_to_greek_is_still_caught(tmp_path: Path) -> None:
    notes = tmp_path / "greek.txt"
    notes.write_text(
        "Greek Words\n\nDemocracy\n\nDemocracy comes from δημοκρατία and the Athenians "
        "practised it diretcly in the assembly\n\n1 of 1\n",
        encoding="utf-8",
    )
    [warning] = warnings_of(notes)
    assert "'diretcly'" in warning.message and "'directly'" in warning.message


# --------------------------------------------------------------------------- other languages


@dataclass(frozen=True, slots=True)
class DeckInLanguage(Deck):
    """A deck with the `lang` its front matter gives, whether or not the model has it yet."""

    lang: str = ""
    """The language the notes say they are in."""


def in_language(path: Path, lang: str) -> list[Diagnostic]:
    """What `check_deck` says of the notes at `path` when they say they are in `lang`."""
    deck = read_notes(path)
    values = {f.name: getattr(deck, f.name) for f in dataclasses.fields(deck)}
    return check_deck(DeckInLanguage(**{**values, "lang": lang}), path.read_text("utf-8"))


def test_a_title_made_from_the_file_name_is_not_spell_checked(tmp_path: Path) -> None:
    # `cell-resp.md` has no title of its own: "Cell resp" is not the author's typing.
    assert warnings_of(CHECK / "cell-resp.md") == []
    typed = tmp_path / "cell-resp.md"
    typed.write_text("# Cell resp\n\n" + (CHECK / "cell-resp.md").read_text("utf-8"), "utf-8")
    assert flagged_words(warnings_of(typed)) == ["resp"]


def test_notes_mostly_in_another_language_get_one_note_and_no_spelling_warning() -> None:
    result = check_file(CHECK / "prozesse.md")
    [note] = result.diagnostics
    assert note.severity == "note" and note.line == 0
    assert "not English" in note.message and "lang: de" in note.message
    assert result.warnings == []


def test_a_card_in_another_language_is_left_alone_and_the_rest_checked() -> None:
    # The German card's "wie" and "und" are words, not typos of "we" and "and".
    assert flagged_words(warnings_of(CHECK / "mixed-cards.md")) == ["recieved"]


def test_notes_that_say_their_language_are_checked_in_english_only_if_it_is_english() -> None:
    for lang in ("de", "fr", "de-CH"):
        assert in_language(CHECK / "mixed-cards.md", lang) == [], lang
    for lang in ("en", "en-GB", "en_US"):
        assert flagged_words(in_language(CHECK / "mixed-cards.md", lang)) == ["recieved"], lang
        # Notes said to be English get no note that they are not: their cards are judged alone.
        assert "note" not in {d.severity for d in in_language(CHECK / "prozesse.md", lang)}
    assert [d.severity for d in in_language(CHECK / "prozesse.md", "")] == ["note"]


def test_a_note_does_not_fail_strict_and_is_counted_apart(notes: Path) -> None:
    shutil.copy(CHECK / "prozesse.md", notes / "prozesse.md")
    result = invoke([str(notes), "--strict"])
    assert result.exit_code == 0
    assert re.search(
        r"prozesse\.md: note: most words of these notes are not English", result.output
    )
    assert re.search(r": 0 errors, 0 warnings, 1 note in ", result.output)
    shutil.copy(CHECK / "mixed-cards.md", notes / "mixed.md")
    assert invoke([str(notes), "--strict"]).exit_code == 1


# --------------------------------------------------------------------------- structure


def test_same_fronts_are_warned_once_with_both_lines() -> None:
    warnings = warnings_of(CHECK / "flashcards.txt")
    same = [w for w in warnings if "What is osmosis?" in w.message]
    assert len(same) == 1
    assert same[0].line == 4 and "line 2" in same[0].message


def test_same_fronts_of_a_deck_built_without_a_reader() -> None:
    cards = tuple(
        Card(CardKind.BASIC, (Text(front),), (), SourceRef("x.md", line), f"id{line}")
        for front, line in (("What is ATP?", 3), ("Osmosis", 5), ("what is  ATP", 9))
    )
    deck = Deck("x", "x", SourceRef("x.md"), cards)
    [warning] = check_fronts(deck)
    assert warning.line == 9 and "line 3" in warning.message
    # Something already said at that line (the reader's own warning) is not repeated.
    assert check_fronts(deck, [Diagnostic("x.md", 9, "the front ... is the same")]) == []


def test_missing_images_are_warnings_at_their_line() -> None:
    result = check_file(CHECK / "cells.md")
    lines = fixture_lines(CHECK / "cells.md")
    assert result.errors == []
    missing = [w for w in result.warnings if "not found" in w.message]
    for warning, name in zip(missing, ("diagrams/membrane.png", "nucleus.png"), strict=True):
        assert warning.file.endswith("cells.md")
        assert f"]({name})" in lines[warning.line - 1]
    # Reading went on past the missing images: the rest of the file was checked too.
    assert any("c1, c3 skip a number" in w.message for w in result.warnings)


def _cloze_deck(*fronts: tuple) -> Deck:  # type: ignore[type-arg]
    cards = tuple(
        Card(CardKind.CLOZE, front, (), SourceRef("c.txt", 2 * i + 1), f"c{i}")
        for i, front in enumerate(fronts)
    )
    return Deck("c", "c", SourceRef("c.txt"), cards)


def test_cloze_problems() -> None:
    deck = _cloze_deck(
        (Text("Nothing is hidden here"),),
        (Cloze(1, (Text("1924"),)),),
        (Text("Lenin died in "), Cloze(1, (Text(""),)), Text(" of a stroke")),
        (Text("Stalin expelled Trotsky in "), Cloze(2, (Text("1927"),))),
    )
    text = "\n".join(["x"] * 10)
    found = {
        (d.line, d.severity, d.message.split(";")[0])
        for d in check_cloze(deck, text, BuildOptions())
    }
    assert (1, "error", "this cloze card hides nothing") in found
    assert any(line == 3 and "hides the whole text" in m for line, _, m in found)
    assert any(line == 5 and "c1 is empty" in m for line, _, m in found)
    assert any(line == 7 and "cloze numbers c2 skip a number" in m for line, _, m in found)
    # Without the Anki deck among the formats, a cloze card that hides nothing only prints.
    [only_print] = [
        d for d in check_cloze(deck, text, BuildOptions(formats=("pdf",))) if d.line == 1
    ]
    assert only_print.severity == "warning"


def test_cloze_marks_in_text_that_no_reader_took_as_cloze() -> None:
    card = Card(
        CardKind.REVISION,
        (Text("Stalin"),),
        (Paragraph((Text("He rose in {{c1:1922}} to general secretary"),), 4),),
        SourceRef("s.txt", 2),
        "s",
    )
    text = "Title\nStalin\n\nHe rose in {{c1:1922}} to general secretary\n"
    [warning] = check_cloze(Deck("s", "s", SourceRef("s.txt"), (card,)), text, BuildOptions())
    assert (warning.line, warning.col) == (4, 12)
    assert "{{c1::hidden text}}" in warning.message


def test_cards_too_long_for_the_print_size(tmp_path: Path) -> None:
    pytest.importorskip("notes2decks.exporters.pdf")
    fact = "The Red Army under Trotsky won the civil war against the Whites by 1921"
    notes = tmp_path / "long.txt"
    notes.write_text(
        "Civil War\n\nA Long Card\n\n"
        + "\n\n".join(f"{fact}, point {n}." for n in range(40))
        + "\n\n1 of 2\n\nA Short Card\n\nWar Communism fed the army\n\n2 of 2\n",
        encoding="utf-8",
    )
    for size in ("business", "a6"):
        long = [w for w in warnings_of(notes, card_size=size) if "too long" in w.message]
        assert len(long) == 1 and long[0].line == 3, size
        assert "A Long Card" in long[0].message
    assert not [w for w in warnings_of(notes) if "A Short Card" in w.message]


# --------------------------------------------------------------------------- the command


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(CHECK / "clean-cold-war.txt", folder / "clean.txt")
    return folder


def invoke(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


def test_exit_codes_with_and_without_strict(notes: Path, tmp_path: Path) -> None:
    assert invoke([str(notes)]).exit_code == 0
    assert invoke([str(notes), "--strict"]).exit_code == 0

    shutil.copy(RUSSIA, notes / "russia.txt")
    lenient = invoke([str(notes)])
    assert lenient.exit_code == 0
    assert invoke([str(notes), "--strict"]).exit_code == 1
    assert "warning: 'Kornliov' looks like a misspelling of 'Kornilov'" in lenient.output

    # An empty file is skipped with a warning, as the build skips it.
    (notes / "empty.txt").write_text("  \n", encoding="utf-8")
    empty = invoke([str(notes)])
    assert empty.exit_code == 0
    assert re.search(r"empty\.txt: warning: the file is empty", empty.output)

    # A file saved half-way as binary cannot be read: an error.
    (notes / "broken.md").write_bytes(b"# Broken\n\x00\n")
    failing = invoke([str(notes)])
    assert failing.exit_code == 1
    assert re.search(r"broken\.md: error: this is a binary file", failing.output)

    missing = invoke([str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.output
    assert invoke([str(notes), "--card-size", "a3"]).exit_code == 2


def test_default_notes_folder(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(notes.parent)
    result = invoke([])
    assert result.exit_code == 0
    assert "checked 1 file" in result.output


def test_real_subprocess_prints_compiler_style_lines_and_a_summary(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": "0"}
    command = [sys.executable, "-m", "notes2decks", "check", str(RUSSIA), "--card-size", "a7"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert len(lines) == len(RUSSIA_TYPOS) - 1
    for line in lines:
        match = LOCATION.match(line)
        assert match and match["file"] == str(RUSSIA) and match["severity"] == "warning", line
    assert re.fullmatch(
        r"checked 1 file \(8 cards\): 0 errors, 16 warnings in [\d.]+ s\n", first.stderr
    )
    assert "Traceback" not in first.stderr

    env["PYTHONHASHSEED"] = "2"
    strict = subprocess.run([*command, "--strict"], capture_output=True, text=True, env=env)
    assert strict.returncode == 1
    assert strict.stdout == first.stdout, "the same notes give the same report"


def test_check_writes_nothing(notes: Path) -> None:
    shutil.copy(CHECK / "cells.md", notes / "cells.md")
    shutil.copy(RUSSIA, notes / "russia.txt")
    root = notes.parent

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))
        }

    before = snapshot()
    report = check_paths([notes])
    assert len(report.files) == 3 and report.error_count == 0 and report.warning_count >= 2
    assert snapshot() == before


def test_lock_file_problems_are_reported_and_the_lock_is_only_read(notes: Path) -> None:
    lock = lock_path_for(notes / "clean.txt")
    lock.parent.mkdir()
    lock.write_text("{ not json", encoding="utf-8")
    [damaged] = check_file(notes / "clean.txt").warnings
    assert "is not a notes2decks lock file; starting a new one" in damaged.message
    newer = json.dumps({"format": LOCK_FORMAT, "version": 10**6})
    lock.write_text(newer, encoding="utf-8")
    [error] = check_file(notes / "clean.txt").errors
    assert "newer notes2decks" in error.message
    assert lock.read_text(encoding="utf-8") == newer
    # Without the lock (or without an Anki deck to keep identities for) it is not read.
    assert check_file(notes / "clean.txt", BuildOptions(lock=False)).diagnostics == []
    assert check_file(notes / "clean.txt", BuildOptions(formats=("pdf",))).diagnostics == []


def test_outputs_that_would_clash_are_errors(notes: Path) -> None:
    shutil.copy(CHECK / "flashcards.txt", notes / "cells.txt")
    shutil.copy(CHECK / "cells.md", notes / "cells.md")
    report = check_paths([notes])
    assert any("would overwrite" in e.message for e in report.errors)
    assert not report.ok()


# --------------------------------------------------------------------------- the word list


def test_british_spellings_prefixes_and_typos() -> None:
    lexicon = english()
    for word in (
        "favour",
        "organised",
        "centre",
        "defence",
        "programme",
        "oesophagus",
        "Travelled",
        "bilayer",
        "subatomic",
        "multi",
    ):
        assert lexicon.known(word), word
    for word in ("untill", "recieve", "goverment", "aganst"):
        assert not lexicon.known(word), word
    assert lexicon.suggest("acused")[0].word == "accused"
    assert lexicon.suggest("wenr")[0].word == "went"
    assert lexicon.split("theywould") == ("they", "would")
    assert lexicon.split("Kamenevtried", {"kamenev": 3}) == ("Kamenev", "tried")
    assert lexicon.split("acused") is None


def test_what_reads_as_a_slip_in_typing_a_word() -> None:
    for typo, word in (
        ("Kamenv", "Kamenev"),  # a letter dropped
        ("Kornliov", "Kornilov"),  # two letters swapped
        ("Petrgrad", "Petrograd"),
        ("Testemant", "Testament"),  # the same letters in another order
        ("Bolshvks", "Bolsheviks"),  # two letters dropped from a long word
    ):
        assert is_typo_of(typo, word), (typo, word)
    for other, word in (
        ("Menshevism", "Menshevik"),  # two edits, different letters: another word
        ("cat", "dog"),
        ("Lenin", "Lenin"),  # the same word is no typo of itself
        ("Stalin", "Stalinism"),  # three letters more
    ):
        assert not is_typo_of(other, word), (other, word)


# --------------------------------------------------------------------------- any text


_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "was",
    "Stalin",
    "Stalin's",
    "Trotsky",
    "Trotsky",
    "aganst",
    "theywould",
    "to",
    "to",
    "Salin",
    "δημοκρατία",
    "власть",
    "café",
    "'free'",
    "(le",
    "passé)",
    "1924",
    "e.g.",
    "x2",
    "{{c1::y}}",
    "https://a.b/c",
    "Kamenev",
    "Kamenev",
    "hada",
    "where",
    "as",
    "don't",
    "o'er",
    "—",
    ",",
    ".",
    ";",
    ":",
    "!",
    "?",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14).map(" ".join),
        min_size=1,
        max_size=8,
    )
)
def test_any_card_set_text_is_checked_and_placed_in_the_file(
    tmp_path: Path, facts: list[str]
) -> None:
    notes = tmp_path / "any.txt"
    body = "\n\n".join(facts)
    notes.write_text(f"A Title\n\nA Heading\n\n{body}\n\n1 of 1\n", encoding="utf-8")
    result = check_file(notes)
    lines = fixture_lines(notes)
    for diagnostic in result.diagnostics:
        assert "internal error" not in diagnostic.message, diagnostic
        assert 0 <= diagnostic.line <= len(lines)
        quoted = re.match(r"(?:unknown word )?'([^']+)'", diagnostic.message)
        if quoted and diagnostic.col:
            at = lines[diagnostic.line - 1][diagnostic.col - 1 :]
            assert at.lower().startswith(quoted.group(1).split()[0].lower()), (diagnostic, at)
