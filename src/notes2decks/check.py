"""`notes2decks check`: validate notes without writing anything.

It reports, as errors, everything the build would reject (a file no reader can read, a missing
image, a cloze card that hides nothing), and warns about what a careful reader would mark:

- likely misspellings, above all a name or term of the notes typed wrongly once (`Kamenv` where
  the notes say `Kamenev` fourteen times), each with a suggestion;
- words run together (`theywould`) and one word split in two (`where as`);
- doubled words (`to to`);
- cards too long for the chosen print size, same fronts, cloze problems;
- and whatever the readers warn about while reading.

Names and terms that the notes use consistently are never flagged, and neither is text in other
scripts, code, math or web addresses. Every diagnostic names the file, line and column.

`check_paths` checks files and folders; `check_deck` checks one deck already read, given the
file's text (for columns).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic, NotesError
from .identity import normalise_front
from .model import (
    Blocks,
    BulletList,
    Card,
    CardKind,
    Cloze,
    Code,
    Deck,
    Emphasis,
    Heading,
    Image,
    Inlines,
    LineBreak,
    Link,
    Math,
    Paragraph,
    Strong,
    Table,
    TermKind,
    Text,
    card_inlines,
    inline_text,
)
from .options import BuildOptions
from .readers import ReadContext, read_notes_text
from .spelling import Lexicon, english, is_typo_of

# --------------------------------------------------------------------------- report


@dataclass(slots=True)
class FileCheck:
    """What checking one notes file found."""

    file: str
    """The notes file as the user named it."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Errors and warnings, in the order of the file."""
    cards: int = 0
    """How many cards the file gives (0 when it cannot be read)."""

    @property
    def errors(self) -> list[Diagnostic]:
        """What the build would reject."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """What the build would accept but deserves a look."""
        return [d for d in self.diagnostics if d.severity != "error"]


@dataclass(slots=True)
class CheckReport:
    """What checking some notes found."""

    files: list[FileCheck] = field(default_factory=list)
    """One entry per notes file, in the order of the build."""
    errors: list[Diagnostic] = field(default_factory=list)
    """Errors of the notes as a whole, such as two files whose outputs would clash."""
    seconds: float = 0.0
    """Wall-clock time of the check."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic, file by file, then those of the notes as a whole."""
        return [d for f in self.files for d in f.diagnostics] + self.errors

    @property
    def error_count(self) -> int:
        """How many errors there are."""
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warning_count(self) -> int:
        """How many warnings there are."""
        return sum(1 for d in self.diagnostics if d.severity != "error")

    def ok(self, strict: bool = False) -> bool:
        """True when nothing would stop the build (and, when `strict`, nothing was warned)."""
        return self.error_count == 0 and not (strict and self.warning_count)

    def summary(self) -> str:
        """One line for people: files, cards, errors, warnings, time."""
        files = len(self.files)
        cards = sum(f.cards for f in self.files)
        errors, warnings = self.error_count, self.warning_count
        return (
            f"checked {files} file{'s' if files != 1 else ''} ({cards} cards): "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''} in {self.seconds:.2f} s"
        )


# --------------------------------------------------------------------------- files


def check_paths(paths: Sequence[Path], options: BuildOptions | None = None) -> CheckReport:
    """Check every notes file under `paths` (files, or folders walked like the build does).

    Writes nothing: no outputs, no lock file, no cache. Raises `NotesError` only for a path that
    does not exist.

    Example:
        report = check_paths([Path("notes")], BuildOptions(card_size="a7"))
        for diagnostic in report.diagnostics:
            print(diagnostic)
    """
    from .build import find_notes

    options = options or BuildOptions()
    started = time.perf_counter()
    report = CheckReport()
    files = find_notes(paths)
    owners: dict[str, str] = {}
    for file in files:
        key = file.stem.as_posix().casefold()
        if key in owners:
            report.errors.append(
                Diagnostic(
                    file.display,
                    0,
                    f"its outputs would overwrite those of {owners[key]}; rename one of them",
                    "error",
                )
            )
        else:
            owners[key] = file.display
        report.files.append(check_file(file.path, options, root=file.root, display=file.display))
    report.seconds = time.perf_counter() - started
    return report


def check_file(
    path: Path,
    options: BuildOptions | None = None,
    *,
    root: Path | None = None,
    display: str | None = None,
) -> FileCheck:
    """Check one notes file. Never raises for bad notes: the result lists what is wrong.

    With `options.lock` (and an Anki deck among the formats, as the build has it), the file's
    lock file is read, never written, for the problems the build would meet in it.
    """
    options = options or BuildOptions()
    display = display or str(path)
    result = FileCheck(display)
    found: list[Diagnostic] = []
    try:
        deck, text = read_leniently(path, root=root, file=display, warn=found.append)
        result.cards = len(deck.cards)
        found.extend(check_deck(deck, text, options, path=path, reported=found))
        if options.lock and "apkg" in options.formats:
            found.extend(check_lock(path, display))
    except NotesError as exc:
        found.append(Diagnostic(exc.file or display, exc.line, exc.message, "error", exc.col))
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        found.append(
            Diagnostic(
                display,
                0,
                f"internal error while checking this file ({detail}); please report it",
                "error",
            )
        )
    result.diagnostics = _ordered(found)
    return result


def check_lock(path: Path, display: str) -> list[Diagnostic]:
    """What the build would say about the notes file's lock file: damaged, unreadable, or
    written by a newer notes2decks (an error). Reads it only."""
    try:
        from .lockfile import load_lock, lock_path_for
    except ImportError:
        return []
    found: list[Diagnostic] = []
    try:
        load_lock(lock_path_for(path), display, found.append)
    except NotesError as exc:
        found.append(Diagnostic(exc.file or display, exc.line, exc.message, "error", exc.col))
    return found


def _ordered(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    # Stable by place, so that a file's problems read top to bottom like a compiler's.
    unique = list(dict.fromkeys(diagnostics))
    return sorted(unique, key=lambda d: (d.file, d.line, d.col))


@dataclass(frozen=True, slots=True)
class _CheckContext(ReadContext):
    """A read context that records a missing or unusable image as an error and reads on, so
    that one check lists every bad image instead of stopping at the first."""

    media_errors: list[Diagnostic] = field(default_factory=list)
    text: str = ""

    def resolve_image(self, src: str, line: int) -> Path:
        try:
            return ReadContext.resolve_image(self, src, line)
        except NotesError as exc:
            at_line, col = _locate(self.text, src, line, lines_ahead=1)
            self.media_errors.append(
                Diagnostic(exc.file or self.file, at_line, exc.message, "error", col)
            )
            return (self.path.parent / src).resolve()


def read_leniently(
    path: Path,
    *,
    root: Path | None = None,
    file: str | None = None,
    warn: Callable[[Diagnostic], None],
) -> tuple[Deck, str]:
    """Read a notes file as the build does, but report every bad image through `warn` as an
    error and carry on. Returns the deck and the file's decoded text."""
    contexts: list[_CheckContext] = []

    def make_context(
        file: str,
        path: Path,
        root: Path,
        folders: tuple[str, ...],
        warn: Callable[[Diagnostic], None],
        text: str,
    ) -> ReadContext:
        contexts.append(_CheckContext(file, path, root, folders, warn, text=text))
        return contexts[-1]

    try:
        return read_notes_text(path, root=root, file=file, warn=warn, make_context=make_context)
    finally:
        # Bad images found before a later error that stops the reader are still reported.
        for context in contexts:
            for error in context.media_errors:
                warn(error)


# --------------------------------------------------------------------------- one deck


def check_deck(
    deck: Deck,
    text: str,
    options: BuildOptions | None = None,
    *,
    path: Path | None = None,
    reported: Sequence[Diagnostic] = (),
    lexicon: Lexicon | None = None,
) -> list[Diagnostic]:
    """Everything wrong or doubtful in a deck read from `text` (the notes file's text, used to
    place each warning at its line and column).

    With `path`, the deck is also prepared as the build prepares it (glossary, auto cloze), and
    errors of that step are reported. `reported` holds what the reader already said, so that
    the same problem is not warned about twice.
    """
    options = options or BuildOptions()
    found: list[Diagnostic] = []
    file = deck.source.file

    def run(step: Callable[[], list[Diagnostic]]) -> None:
        # One check failing must not hide what the others find.
        try:
            found.extend(step())
        except NotesError as exc:
            found.append(Diagnostic(exc.file or file, exc.line, exc.message, "error", exc.col))
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            message = f"internal error while checking this file ({detail}); please report it"
            found.append(Diagnostic(file, 0, message, "error"))

    run(lambda: check_spelling(deck, text, lexicon or english()))
    prepared = deck
    if path is not None:
        prepared, problem = _prepare(deck, path, options)
        if problem is not None:
            found.append(problem)
    run(lambda: check_cloze(prepared, text, options))
    run(lambda: check_fronts(prepared, [*reported, *found]))
    run(lambda: check_print_size(prepared, options))
    return found


def _prepare(deck: Deck, path: Path, options: BuildOptions) -> tuple[Deck, Diagnostic | None]:
    """The deck as the build gives it to the exporters, without the lock file."""
    from .build import prepare_deck

    try:
        prepared, _ = prepare_deck(deck, path, dataclasses.replace(options, lock=False))
    except NotesError as exc:
        where = exc.file or deck.source.file
        return deck, Diagnostic(where, exc.line, exc.message, "error", exc.col)
    except ImportError:
        # A build step whose module is not installed: check what can be checked without it.
        return deck, None
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        message = f"internal error while preparing the cards ({detail}); please report it"
        return deck, Diagnostic(deck.source.file, 0, message, "error")
    return prepared, None


# --------------------------------------------------------------------------- structure


_CLOZE_LIKE = re.compile(r"\{\{\s*c\d+\s*:|\{\{\s*c\d+\s*\}\}", re.IGNORECASE)


def check_cloze(deck: Deck, text: str, options: BuildOptions) -> list[Diagnostic]:
    """Cloze cards that hide nothing, hide everything, skip numbers or hold an empty span, and
    cloze marks that the reader did not take as cloze (written in notes that have no cloze
    syntax, or mistyped)."""
    found: list[Diagnostic] = []
    for card in deck.cards:
        where = card.source.file or deck.source.file
        line = card.source.line
        nodes: list[object] = list(card_inlines(card))
        if card.kind is CardKind.CLOZE:
            found.extend(_cloze_card_problems(card, nodes, where, options))
        for node in nodes:
            if not isinstance(node, Text):
                continue
            for match in _CLOZE_LIKE.finditer(node.text):
                mark = match.group(0)
                at_line, col = _locate(text, mark, line)
                found.append(
                    Diagnostic(
                        where,
                        at_line,
                        f"{mark!r} looks like a cloze mark but is not read as one; "
                        "write it as {{c1::hidden text}}",
                        col=col,
                    )
                )
    return found


def _cloze_card_problems(
    card: Card, nodes: list[object], where: str, options: BuildOptions
) -> list[Diagnostic]:
    line = card.source.line
    spans = [node for node in nodes if isinstance(node, Cloze)]
    numbers = sorted({span.number for span in spans if span.number > 0})
    if not numbers:
        # The Anki exporter refuses such a card; a build without it only prints the card.
        severity = "error" if "apkg" in options.formats else "warning"
        message = (
            "this cloze card hides nothing; mark a span like {{c1::1924}} or make it a basic card"
        )
        return [Diagnostic(where, line, message, severity)]
    found: list[Diagnostic] = []
    if numbers != list(range(1, len(numbers) + 1)):
        listed = ", ".join(f"c{n}" for n in numbers)
        found.append(
            Diagnostic(
                where,
                line,
                f"cloze numbers {listed} skip a number; Anki makes one card per number, "
                f"so number them c1 to c{len(numbers)}",
            )
        )
    if not re.search(r"\w", _visible_without_clozes(card.front)):
        found.append(
            Diagnostic(
                where,
                line,
                "the cloze hides the whole text, leaving nothing to recall it from; "
                "hide only the key part",
            )
        )
    for span in spans:
        if not inline_text(span.children).strip():
            found.append(
                Diagnostic(
                    where,
                    line,
                    f"the cloze c{span.number} is empty and hides nothing; "
                    "put the hidden text after '::'",
                )
            )
    return found


def _visible_without_clozes(inlines: Inlines) -> str:
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Cloze):
            continue
        if isinstance(node, Emphasis | Strong | Link):
            parts.append(_visible_without_clozes(node.children))
        else:
            parts.append(inline_text((node,)))
    return "".join(parts)


def check_fronts(deck: Deck, reported: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Cards of one kind whose fronts are the same once case and punctuation are ignored,
    unless something already reported warned at that card's line."""
    warned = {(d.file, d.line) for d in reported if d.severity == "warning"}
    first: dict[tuple[str, str], Card] = {}
    found: list[Diagnostic] = []
    for card in deck.cards:
        family = "qa" if card.kind in (CardKind.BASIC, CardKind.REVERSED) else card.kind.value
        front = _short(inline_text(card.front))
        key = (family, normalise_front(inline_text(card.front)))
        if not key[1]:
            continue
        earlier = first.setdefault(key, card)
        if earlier is card:
            continue
        where = card.source.file or deck.source.file
        if (where, card.source.line) in warned:
            continue
        found.append(
            Diagnostic(
                where,
                card.source.line,
                f"the front {front!r} is the same as the card at line {earlier.source.line}; "
                "a learner cannot tell which answer is wanted, so tell them apart",
            )
        )
    return found


def _short(text: str, limit: int = 60) -> str:
    """Text for a message: a long front (an auto cloze fact) cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:") + "\u2026"


def check_print_size(deck: Deck, options: BuildOptions) -> list[Diagnostic]:
    """Cards that do not fit one printed card at the chosen size, even in the smallest type."""
    if "pdf" not in options.formats:
        return []
    try:
        from .exporters.pdf import overflowing_cards
        from .exporters.pdf.layout import CARD_SPECS as CARD_SIZES
    except ImportError:
        return []
    spec = CARD_SIZES.get(options.card_size)
    size = spec.label if spec is not None else options.card_size
    found: list[Diagnostic] = []
    for card, count in overflowing_cards(deck, options):
        front = _short(inline_text(card.front))
        found.append(
            Diagnostic(
                card.source.file or deck.source.file,
                card.source.line,
                f"the card {front!r} is too long for one {size} card even in the smallest type "
                f"and prints on {count} cards; shorten it, split it, or choose a larger "
                "--card-size",
            )
        )
    return found


# --------------------------------------------------------------------------- spelling

# Chunks of word characters and apostrophes; hyphens and slashes separate words.
_CHUNK = re.compile(r"[\w'\u2019]+")
# Web and mail addresses, file names, inline `$math$` and `{{c1::` marks: never words.
_NOT_PROSE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+\.(?:png|jpe?g|gif|svg|pdf|md|txt|csv|tsv|html?|py|apkg)\b"
    r"|\$[^$\n]+\$"
    r"|\{\{\s*c\d+\s*::",
    re.IGNORECASE,
)
# A quotation ('free', "United Opposition"; an apostrophe inside a word does not close it) and
# a bracket: the runs of text that may be in another language.
_QUOTED = re.compile(
    r"(?<![\w])(['\u2018\"\u201c])((?:[^'\u2019\"\u201d\n]|['\u2019](?=\w))+?)"
    r"['\u2019\"\u201d](?![\w])"
)
_BRACKETED = re.compile(r"\(([^()]*)\)")
# What stands in for code, math and images: not a word, and not white space either, so that
# `to \x00 to` is no doubled word.
_BARRIER = " \x00 "
_SENTENCE_END = ".!?:;\u2026"
_OPENERS = "\"'([{\u2018\u201c\u00ab-\u2013\u2014*_"

# Doubled words that English grammar allows ("he had had enough", "he said that that was all").
_GRAMMATICAL_DOUBLES = frozenset({"had", "that"})

# One word written as two, where the two-word reading is (next to) never meant.
_SPLIT_WORDS: dict[tuple[str, ...], str] = {
    ("where", "as"): "whereas",
    ("in", "tact"): "intact",
    ("there", "fore"): "therefore",
    ("never", "the", "less"): "nevertheless",
    ("al", "though"): "although",
    ("it", "self"): "itself",
    ("him", "self"): "himself",
    ("her", "self"): "herself",
    ("them", "selves"): "themselves",
    ("your", "self"): "yourself",
    ("my", "self"): "myself",
    ("our", "selves"): "ourselves",
    ("there", "after"): "thereafter",
    ("where", "by"): "whereby",
    ("through", "out"): "throughout",
    ("not", "with", "standing"): "notwithstanding",
    ("what", "so", "ever"): "whatsoever",
    ("further", "more"): "furthermore",
    ("every", "where"): "everywhere",
    ("some", "where"): "somewhere",
    ("where", "abouts"): "whereabouts",
    ("where", "upon"): "whereupon",
    ("there", "upon"): "thereupon",
}

# A suggestion must be at least this common for a capitalised word at the start of a sentence
# to count as a misspelling: otherwise the word may well be a name used once.
_COMMON_FOR_CAPITALS = 2_000
# A word this common after a capitalised start makes a run-together ("Triumviratewas").
_VERY_COMMON = 100_000
# Lower-case words that are part of a name before a capitalised word: van der Waals, de Gaulle,
# von Papen, ibn Saud.
_PARTICLES = frozenset(
    [
        "al",
        "bin",
        "da",
        "das",
        "de",
        "del",
        "della",
        "den",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "ten",
        "ter",
        "van",
        "von",
        "y",
        "zu",
    ]
)
# Words at least this common are everyday English, not names or terms of the notes.
_EVERYDAY = 20_000
# How much worse than the best suggestion another may score and still be offered.
_SUGGESTION_SPREAD = 2.0
# Endings that make a related word, not a typo: Russia and Russian, Leninism and Leninist.
_RELATED_ENDINGS = ("", "s", "es", "n", "an", "ian", "i", "ic", "ism", "ist", "ite", "ese", "ish")


@dataclass(frozen=True, slots=True)
class _Segment:
    """A run of prose from the deck: a title, a front, a paragraph, a list item, a cell."""

    text: str
    line: int
    """Where in the file to start looking for its words."""
    heading: bool
    """True for titles and headings, whose capitals say nothing about names."""


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    """The word as written, without quotes around it or a possessive `'s`."""
    raw: str
    """The chunk as written, possessive included."""
    start: int
    end: int
    segment: int
    initial: bool
    """True when a capital letter would be there anyway: a sentence's or heading's first word."""
    mixed: bool = False
    """True in a segment that also holds words of another language: a word missing from the
    English list may well be one of them (`a verb like aller uses être`)."""


def check_spelling(deck: Deck, text: str, lexicon: Lexicon) -> list[Diagnostic]:
    """Misspellings, names typed wrongly, words run together or split, and doubled words."""
    segments = _segments(deck)
    tokens: list[_Token] = []
    for index, segment in enumerate(segments):
        tokens.extend(_english_tokens(segment, list(_tokens(segment, index)), lexicon))
    counts: Counter[str] = Counter(t.word.casefold() for t in tokens)
    finder = _Finder(text, segments, tokens)
    found: list[Diagnostic] = []

    def warn(token: _Token, message: str, suggestions: Sequence[str] = ()) -> None:
        line, col = finder.place(token)
        if suggestions:
            message += f" (did you mean {_alternatives(suggestions)}?)"
        found.append(Diagnostic(deck.source.file, line, message, "warning", col))

    for previous, token in itertools.pairwise(tokens):
        if previous.segment != token.segment:
            continue
        between = segments[token.segment].text[previous.end : token.start]
        if not between.strip() and _doubled(previous, token):
            warn(token, f"'{token.raw}' is doubled: '{previous.raw} {token.raw}'", [previous.raw])
    found.extend(_split_words(segments, tokens, finder, deck.source.file))

    names = {word: n for word, n in counts.items() if n > 1}
    settled: _Token | None = None
    for token, after in itertools.zip_longest(tokens, tokens[1:]):
        if token is settled:
            continue
        if after is not None and after.segment == token.segment:
            prose = segments[token.segment].text
            if _particle(token, after, prose):
                continue
            moved = _slipped_capital(token, after, prose, lexicon)
            if moved is not None:
                written = f"{token.raw} {after.raw}"
                warn(token, f"'{written}' has a letter on the wrong word", [moved])
                settled = after
                continue
        verdict = _misspelling(token, counts, names, lexicon)
        if verdict is not None:
            warn(token, *verdict)
    return found


def _slipped_capital(token: _Token, after: _Token, text: str, lexicon: Lexicon) -> str | None:
    """`not make` for `notM ake`: a word's first letter stuck, in capitals, to the word before
    (as copying from a web page can leave it)."""
    match = re.fullmatch(r"([a-z]{2,})([A-Z])", token.word)
    if match is None or text[token.end : after.start] != " " or not after.word.islower():
        return None
    left, letter = match.groups()
    whole = letter.lower() + after.word
    if lexicon.known(after.word) or not (lexicon.known(left) and lexicon.known(whole)):
        return None
    return f"{left} {whole}"


def _particle(token: _Token, after: _Token, text: str) -> bool:
    return (
        token.word in _PARTICLES
        and after.word[:1].isupper()
        and text[token.end : after.start] == " "
    )


def _alternatives(words: Sequence[str]) -> str:
    quoted = [f"'{word}'" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _doubled(first: _Token, second: _Token) -> bool:
    word = second.raw.casefold()
    if word != first.raw.casefold() or word in _GRAMMATICAL_DOUBLES:
        return False
    # "Bora Bora", "Walla Walla": a capitalised pair mid-sentence is a name.
    return not (first.raw[:1].isupper() and second.raw[:1].isupper() and not first.initial)


def _split_words(
    segments: list[_Segment], tokens: list[_Token], finder: _Finder, file: str
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    longest = max(len(key) for key in _SPLIT_WORDS)
    for index, token in enumerate(tokens):
        for size in range(longest, 1, -1):
            run = tokens[index : index + size]
            if len(run) < size or any(t.segment != token.segment for t in run):
                continue
            text = segments[token.segment].text
            if any(text[a.end : b.start] != " " for a, b in itertools.pairwise(run)):
                continue
            key = tuple(t.raw.casefold() for t in run)
            joined = _SPLIT_WORDS.get(key)
            if joined is None:
                continue
            if token.raw[:1].isupper():
                joined = joined.capitalize()
            written = " ".join(t.raw for t in run)
            line, col = finder.place(token)
            found.append(
                Diagnostic(
                    file,
                    line,
                    f"'{written}' should be one word (did you mean '{joined}'?)",
                    "warning",
                    col,
                )
            )
            break
    return found


def _misspelling(
    token: _Token, counts: Counter[str], names: dict[str, int], lexicon: Lexicon
) -> tuple[str, list[str]] | None:
    """Why a word looks misspelt and what it should be, or None when it looks fine."""
    word = token.word
    if len(word) < 2 or word.isupper():
        return None
    if any(ch.isupper() for ch in word[1:]):
        return _camel_run_together(word, names, lexicon)
    key = word.casefold().replace("\u2019", "'")
    if lexicon.known(key) or counts[key] > 1:
        return None
    if "'" in key:
        return _misplaced_apostrophe(word, key, lexicon)
    capital = word[0].isupper()

    typo_of = _typo_of_notes_word(key, counts, lexicon)
    if typo_of is not None:
        used = counts[typo_of]
        shown = _match_case(typo_of, word)
        return (
            f"'{word}' looks like a misspelling of '{shown}', used {used} times in these notes",
            [shown],
        )

    parts = lexicon.split(word, names)
    if parts is not None:
        left, right = parts
        # A capitalised word splits only on a name of the notes or a very common word after
        # it, so that a name used once ("Comecon", "Fairweather") is not taken apart.
        if (
            not capital
            or names.get(left.casefold(), 0) > 1
            or lexicon.frequency(right) >= _VERY_COMMON
        ):
            return (f"'{word}' looks like two words run together", [f"{left} {right}"])

    if capital and not token.initial:
        # A capitalised word mid-sentence is a name or a term, unless it is a slip of a word
        # the notes use more often ("the Provisional Goverment").
        typo_of = _typo_of_notes_word(key, counts, lexicon, everyday=True)
        if typo_of is None:
            return None
        used = counts[typo_of]
        shown = _match_case(typo_of, word)
        return (
            f"'{word}' looks like a misspelling of '{shown}', used {used} times in these notes",
            [shown],
        )
    if token.mixed:
        return None  # beside words of another language, an unknown word may be one of them
    suggestions = lexicon.suggest(key, counts)
    if suggestions and suggestions[0].distance > 1:
        # Two edits from the nearest English word, a word is more likely a term the list lacks
        # ("stroma", "pyruvate") than a typo, unless the notes use that word elsewhere.
        suggestions = [s for s in suggestions if counts[s.word] > 0]
    if not suggestions:
        return None  # nothing English is close: more likely a term than a typo
    best = suggestions[0]
    # A capitalised word at the start of a sentence may be a name used once: only a slip of
    # one edit from a common word with the same first letter counts as a misspelling.
    if capital and (
        best.distance > 1
        or best.word[0] != key[0]
        or lexicon.frequency(best.word) < _COMMON_FOR_CAPITALS
    ):
        return None
    offered = [s.word for s in suggestions if s.score <= best.score + _SUGGESTION_SPREAD]
    return (f"unknown word '{word}'", [_match_case(s, word) for s in offered])


def _misplaced_apostrophe(word: str, key: str, lexicon: Lexicon) -> tuple[str, list[str]] | None:
    # "does'nt" is "doesn't"; "o'erleaps" and "under't" are poetry, which no list holds. Only a
    # contraction one slip away counts.
    found = [s for s in lexicon.suggest(key) if s.distance == 1 and "'" in s.word]
    if not found:
        return None
    return (f"unknown word '{word}'", [_match_case(found[0].word, word)])


def _camel_run_together(
    word: str, names: dict[str, int], lexicon: Lexicon
) -> tuple[str, list[str]] | None:
    # "theyWould", "notM": a lower-case word with a capital stuck to it. Words that start in
    # lower case and change case on purpose (iPhone, eBay) have a one-letter first part.
    match = re.fullmatch(r"([a-z]{2,})([A-Z][a-z]*)", word)
    if match is None:
        return None
    left, right = match.groups()
    if not lexicon.known(left):
        return None
    if len(right) > 1 and not (lexicon.known(right) or names.get(right.casefold(), 0) > 1):
        return None
    if len(right) > 1 and names.get(right.casefold(), 0) < 2:
        right = right.lower()  # "theyAbsorb": an ordinary word, not a name
    return (f"'{word}' looks like two words run together", [f"{left} {right}"])


def _typo_of_notes_word(
    key: str, counts: Counter[str], lexicon: Lexicon, *, everyday: bool = False
) -> str | None:
    """The name or term of the notes, used more than this word, that this word is a slip in
    typing. Everyday words are left to the dictionary's suggestions, which also weigh a split
    into two words ("hada" is "had a" more likely than "had")."""
    best: tuple[int, str] | None = None
    mine = counts[key]
    for other, used in counts.items():
        if used < 2 or used <= mine or abs(len(other) - len(key)) > 2:
            continue
        if not everyday and lexicon.frequency(other) >= _EVERYDAY:
            continue
        if _related(key, other) or not is_typo_of(key, other):
            continue
        if best is None or (used, other) > best:
            best = (used, other)
    return None if best is None else best[1]


def _related(a: str, b: str) -> bool:
    """True when two words differ only by an ending that makes a related word."""
    for end_a in _RELATED_ENDINGS:
        if not a.endswith(end_a):
            continue
        stem = a[: len(a) - len(end_a)]
        for end_b in _RELATED_ENDINGS:
            if end_a != end_b and b == stem + end_b:
                return True
    return False


def _match_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


# --------------------------------------------------------------------------- prose


def _segments(deck: Deck) -> list[_Segment]:
    """The deck's prose, each piece with the line to look for it from, each piece once.

    Readers show some text on two cards (a cloze line is also a fact of its revision card);
    counted twice, a typo there would pass for consistent use.
    """
    segments: list[_Segment] = []
    seen_fronts: set[str] = set()
    if deck.title:
        segments.append(_Segment(deck.title, 1, heading=True))
        seen_fronts.add(deck.title)
    segments.extend(_block_segments(deck.intro, 1))
    for card in deck.cards:
        front = _prose(card.front)
        # A continued card repeats an earlier heading; check each front's words once.
        if not card.continued and front not in seen_fronts:
            seen_fronts.add(front)
            heading = card.kind is CardKind.REVISION
            segments.append(_Segment(front, card.source.line, heading))
        segments.extend(_block_segments(card.back, card.source.line))
    for entry in deck.glossary:
        if entry.kind is TermKind.EXPLICIT:
            segments.append(_Segment(entry.term, entry.source.line, heading=True))
            segments.append(_Segment(entry.definition, entry.source.line, heading=False))
    unique: dict[tuple[str, int], _Segment] = {}
    for segment in segments:
        unique.setdefault((segment.text, segment.line), segment)
    return list(unique.values())


def _block_segments(blocks: Blocks, line: int) -> list[_Segment]:
    segments: list[_Segment] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            line = block.line or line
            segments.append(_Segment(_prose(block.children), line, heading=False))
        elif isinstance(block, Heading):
            segments.append(_Segment(_prose(block.children), line, heading=True))
        elif isinstance(block, BulletList):
            for item in block.items:
                inner = _block_segments(item.children, line)
                segments.extend(inner)
                if inner:
                    line = inner[-1].line
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    segments.append(_Segment(_prose(cell), line, heading=False))
    return segments


def _prose(inlines: Inlines) -> str:
    """Inline content as text to spell-check: code, math and images become barriers."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Emphasis | Strong | Cloze | Link):
            parts.append(_prose(node.children))
        elif isinstance(node, Code | Math | Image):
            parts.append(_BARRIER)
        elif isinstance(node, LineBreak):
            parts.append(" ")
    return _NOT_PROSE.sub(_BARRIER, "".join(parts))


def _tokens(segment: _Segment, index: int) -> Iterator[_Token]:
    """The words of a segment, digits and affixes such as `-ons` or `ét-` left out."""
    text = segment.text
    for match in _CHUNK.finditer(text):
        raw = match.group(0)
        start, end = match.start(), match.end()
        # Quotes around a word ('free') are not part of it.
        while raw and raw[0] in "'\u2019":
            raw, start = raw[1:], start + 1
        while raw and raw[-1] in "'\u2019":
            raw, end = raw[:-1], end - 1
        if not raw or any(ch.isdigit() or ch == "_" for ch in raw) or _is_affix(text, start, end):
            continue
        word = re.sub(r"['\u2019]s$", "", raw, flags=re.IGNORECASE)
        yield _Token(word, raw, start, end, index, segment.heading or _starts_sentence(text, start))


def _is_affix(text: str, start: int, end: int) -> bool:
    # "-ons", "-e" and "ét-" name endings and stems, not words; "re-admitted" is two words.
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before == "-" and not (start > 1 and text[start - 2].isalnum()):
        return True
    return after == "-" and not (end + 1 < len(text) and text[end + 1].isalnum())


def _english_tokens(segment: _Segment, tokens: list[_Token], lexicon: Lexicon) -> list[_Token]:
    """The tokens to check: words of plain Latin letters outside runs of another language.

    A quotation or bracket with an accented word or mostly words the English list lacks
    (`'ils sont partis'`, `(le passé composé)`) is another language, as is a whole segment that
    is mostly such words; the English list cannot judge them.
    """
    text = segment.text
    spans = [(m.start(2), m.end(2)) for m in _QUOTED.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _BRACKETED.finditer(text)]
    foreign: set[int] = set()
    for a, b in spans:
        inside = [i for i, t in enumerate(tokens) if a <= t.start and t.end <= b]
        if _looks_foreign([tokens[i] for i in inside], lexicon, accents_decide=True):
            foreign.update(inside)
    rest = [t for i, t in enumerate(tokens) if i not in foreign]
    if _looks_foreign(rest, lexicon, accents_decide=False):
        return []
    mixed = bool(foreign) or any(t.raw.islower() and _accented_latin(t.raw) for t in rest)
    return [dataclasses.replace(t, mixed=mixed) for t in rest if _latin_letters(t.raw)]


def _looks_foreign(tokens: list[_Token], lexicon: Lexicon, *, accents_decide: bool) -> bool:
    words = [t for t in tokens if not t.word.isupper() and (t.initial or t.word[:1].islower())]
    if accents_decide and any(not _latin_letters(t.raw) for t in words):
        return True
    if len(words) < 2:
        return False
    unknown = sum(1 for t in words if not (_latin_letters(t.raw) and lexicon.known(t.word)))
    if accents_decide:
        # A short quotation is foreign when half its words are ('je jouais au foot'), a
        # two-word one only when both are, so one typo does not hide the other word.
        return unknown == len(words) or (len(words) >= 3 and unknown * 2 >= len(words))
    return unknown * 2 > len(words)


def _latin_letters(chunk: str) -> bool:
    """True for a word of plain Latin letters (with apostrophes): the only words the English
    list can judge. Digits, underscores, accents and other scripts rule a chunk out."""
    return all(("a" <= ch.lower() <= "z") or ch in "'\u2019" for ch in chunk)


def _accented_latin(chunk: str) -> bool:
    """True for a word of another Latin-script language (`être`, `passé`): Latin letters, some
    of them accented. Greek or Cyrillic words are not: no English word hides among them."""
    letters = [ch for ch in chunk if ch.isalpha()]
    return any(not ch.isascii() for ch in letters) and all(
        unicodedata.name(ch, "").startswith("LATIN") for ch in letters
    )


def _starts_sentence(text: str, start: int) -> bool:
    # Walk back over spaces and opening quotes or brackets to what ends the previous sentence.
    i = start - 1
    while i >= 0 and (text[i].isspace() or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END or text[i] == "\x00"


# --------------------------------------------------------------------------- places


class _Finder:
    """Places words of the deck at their line and column in the notes file.

    The deck's text is the file's text with its markup gone, so a word is found by counting
    which occurrence of it this is in its segment and finding that occurrence in the file from
    the segment's line on.
    """

    def __init__(self, text: str, segments: list[_Segment], tokens: list[_Token]) -> None:
        self.lines = text.split("\n")
        self.segments = segments
        self.tokens = tokens

    def place(self, token: _Token) -> tuple[int, int]:
        segment = self.segments[token.segment]
        before = sum(
            1
            for t in self.tokens
            if t.segment == token.segment and t.start < token.start and t.raw == token.raw
        )
        found = _nth_in_lines(self.lines, token.raw, before, max(segment.line, 1))
        if found is None:
            found = _nth_in_lines(self.lines, token.raw, 0, 1)
        return found or (segment.line, 0)


def _word_pattern(word: str) -> re.Pattern[str]:
    # Not inside a longer word, nor the "s" of "Lenin's"; a quote before the word is fine.
    return re.compile(rf"(?<![\w])(?<![\w]['\u2019]){re.escape(word)}(?![\w])")


def _nth_in_lines(lines: list[str], word: str, skip: int, first: int) -> tuple[int, int] | None:
    pattern = _word_pattern(word)
    for number in range(first, len(lines) + 1):
        for match in pattern.finditer(lines[number - 1]):
            if skip == 0:
                return number, match.start() + 1
            skip -= 1
    return None


def _locate(text: str, needle: str, line: int, lines_ahead: int = 50) -> tuple[int, int]:
    """The line and 1-based column of `needle` at or after `line` (within a few lines), or
    `line` and 0 when it is not there."""
    lines = text.split("\n")
    for number in range(max(line, 1), min(max(line, 1) + lines_ahead, len(lines) + 1)):
        col = lines[number - 1].find(needle)
        if col >= 0:
            return number, col + 1
    return line, 0
