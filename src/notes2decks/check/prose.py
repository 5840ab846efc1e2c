"""A deck's prose as the words to spell-check: segments (a title, a front, a paragraph, a list
item, a cell), each with its line, cut into tokens. Code, math, images, addresses, file names,
digits, affixes (`-ons`) and runs of another language or script are not judged."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from .. import model
from ..readers import humanise
from ..spelling import Lexicon

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
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_ASCII_WORD = re.compile(r"[A-Za-z']*")
# A file is judged to be in another language as a whole only on this many words at least;
# fewer are judged card by card, so that two typos do not make a short note foreign.
_FOREIGN_FILE_WORDS = 10
# What stands in for code, math and images: not a word, and not white space either, so that
# `to \x00 to` is no doubled word.
_BARRIER = " \x00 "
_SENTENCE_END = ".!?:;\u2026"
_OPENERS = "\"'([{\u2018\u201c\u00ab-\u2013\u2014*_"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of prose from the deck: a title, a front, a paragraph, a list item, a cell."""

    text: str
    """The prose, with code, math and images replaced by a barrier that is no word."""
    line: int
    """Where in the file to start looking for its words."""
    heading: bool
    """True for titles and headings, whose capitals say nothing about names."""
    card: int = -1
    """The index of its card, or -1 for the title, the introduction and the glossary."""


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the prose."""

    word: str
    """The word as written, without quotes around it or a possessive `'s`."""
    raw: str
    """The chunk as written, possessive included."""
    start: int
    """Where the chunk starts in its segment's text."""
    end: int
    """Where the chunk ends in its segment's text."""
    segment: int
    """The index of its segment."""
    initial: bool
    """True when a capital letter would be there anyway: a sentence's or heading's first word."""
    mixed: bool = False
    """True in a segment that also holds words of another language, which an unknown word may be."""
    foreign: bool = False
    """True in a card mostly in another language: the word counts as used, but is not judged."""


def prose_words(
    deck: model.Deck, text: str, lexicon: Lexicon, *, english: bool = False
) -> tuple[list[Segment], list[Token]] | None:
    """The deck's prose segments and, in order, the English words among them; None when most
    words of the deck are not English, unless the notes say they are (`english`). The words of
    a card mostly in another language are marked `foreign`."""
    segments = _segments(deck, text)
    tokens = [list(_tokens(segment, index)) for index, segment in enumerate(segments)]
    tallies = [_tally(found, lexicon) for found in tokens]
    voters, unknown = sum(n for n, _ in tallies), sum(n for _, n in tallies)
    if not english and _mostly_unknown(voters, unknown, _FOREIGN_FILE_WORDS):
        return None
    cards: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
    for segment, (voters, unknown) in zip(segments, tallies, strict=True):
        cards[segment.card][0] += voters
        cards[segment.card][1] += unknown
    foreign = {card for card, tally in cards.items() if card >= 0 and _mostly_unknown(*tally)}
    kept: list[Token] = []
    for segment, found, tally in zip(segments, tokens, tallies, strict=True):
        if segment.card in foreign:
            kept += [dataclasses.replace(t, foreign=True) for t in found if _latin_letters(t.raw)]
        else:
            kept.extend(_english_tokens(segment, found, lexicon, tally))
    return segments, kept


def _segments(deck: model.Deck, text: str) -> list[Segment]:
    # Each piece once: a cloze line that is also a fact, counted twice, would hide its typos.
    segments: list[Segment] = []
    seen_fronts: set[str] = set()
    # A title made from the file's name (`kamenevs-role.md`) is not the author's typing.
    named = deck.title == humanise(PurePath(deck.source.file).stem) and deck.title not in text
    if deck.title and not named:
        segments.append(Segment(deck.title, 1, heading=True))
    seen_fronts.add(deck.title)  # a card may repeat it, made from the file's name too
    segments.extend(_block_segments(deck.intro, 1))
    for number, card in enumerate(deck.cards):
        front = _prose(card.front)
        # A continued card repeats an earlier heading; check each front's words once.
        if not card.continued and front not in seen_fronts:
            seen_fronts.add(front)
            heading = card.kind is model.CardKind.REVISION
            segments.append(Segment(front, card.source.line, heading, number))
        segments.extend(
            dataclasses.replace(segment, card=number)
            for segment in _block_segments(card.back, card.source.line)
        )
    for entry in deck.glossary:
        if entry.kind is model.TermKind.EXPLICIT:
            segments.append(Segment(entry.term, entry.source.line, heading=True))
            segments.append(Segment(entry.definition, entry.source.line, heading=False))
    unique: dict[tuple[str, int], Segment] = {}
    for segment in segments:
        unique.setdefault((segment.text, segment.line), segment)
    return list(unique.values())


def _block_segments(blocks: model.Blocks, line: int) -> list[Segment]:
    segments: list[Segment] = []
    for block in blocks:
        match block:
            case model.Paragraph():
                line = block.line or line
                segments.append(Segment(_prose(block.children), line, heading=False))
            case model.Heading():
                segments.append(Segment(_prose(block.children), line, heading=True))
            case model.BulletList():
                for item in block.items:
                    inner = _block_segments(item.children, line)
                    segments.extend(inner)
                    if inner:
                        line = inner[-1].line
            case model.Table():
                rows = (block.header, *block.rows)
                segments += [Segment(_prose(cell), line, False) for row in rows for cell in row]
    return segments


def _prose(inlines: model.Inlines) -> str:
    # Inline content as text to spell-check: code, math and images become barriers.
    parts: list[str] = []
    for node in inlines:
        match node:
            case model.Text():
                parts.append(node.text)
            case model.Emphasis() | model.Strong() | model.Cloze() | model.Link():
                parts.append(_prose(node.children))
            case model.Code() | model.Math() | model.Image():
                parts.append(_BARRIER)
            case model.LineBreak():
                parts.append(" ")
    return _NOT_PROSE.sub(_BARRIER, "".join(parts))


def _tokens(segment: Segment, index: int) -> Iterator[Token]:
    # The words of a segment, digits and affixes such as `-ons` or `ét-` left out.
    text = segment.text
    for match in _CHUNK.finditer(text):
        raw = match.group(0)
        start, end = match.start(), match.end()
        # Quotes around a word ('free') are not part of it.
        while raw and raw[0] in "'\u2019":
            raw, start = raw[1:], start + 1
        while raw and raw[-1] in "'\u2019":
            raw, end = raw[:-1], end - 1
        if not raw or _is_affix(text, start, end):
            continue
        if not raw.isalpha() and any(ch.isdigit() or ch == "_" for ch in raw):
            continue  # numbers, and names in code
        word = _POSSESSIVE.sub("", raw)
        yield Token(word, raw, start, end, index, segment.heading or _starts_sentence(text, start))


def _is_affix(text: str, start: int, end: int) -> bool:
    # "-ons", "-e" and "ét-" name endings and stems, not words; "re-admitted" is two words.
    if text[start - 1 : start] == "-" and not (start > 1 and text[start - 2].isalnum()):
        return True
    return text[end : end + 1] == "-" and not (end + 1 < len(text) and text[end + 1].isalnum())


def _english_tokens(
    segment: Segment, tokens: list[Token], lexicon: Lexicon, tally: tuple[int, int]
) -> list[Token]:
    # Words of plain Latin letters, outside quotations, brackets or segments in another
    # language (`'ils sont partis'`, `(le passé composé)`): the English list cannot judge them.
    text = segment.text
    spans = [(m.start(2), m.end(2)) for m in _QUOTED.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _BRACKETED.finditer(text)]
    foreign: set[int] = set()
    for a, b in spans:
        inside = [i for i, t in enumerate(tokens) if a <= t.start and t.end <= b]
        if _quote_looks_foreign([tokens[i] for i in inside], lexicon):
            foreign.update(inside)
    rest = [t for i, t in enumerate(tokens) if i not in foreign]
    if _mostly_unknown(*(_tally(rest, lexicon) if foreign else tally)):
        return []
    english = [t for t in rest if _latin_letters(t.raw)]
    if foreign or any(t.raw.islower() and _accented_latin(t.raw) for t in rest):
        return [dataclasses.replace(t, mixed=True) for t in english]
    return english


def _voters(tokens: list[Token]) -> list[Token]:
    # The words that say which language a text is in: mid-sentence capitals are names.
    return [t for t in tokens if not t.word.isupper() and (t.initial or t.word[:1].islower())]


def _tally(tokens: list[Token], lexicon: Lexicon) -> tuple[int, int]:
    # How many words vote, and how many of them the English list lacks.
    words = _voters(tokens)
    return len(words), sum(not (_latin_letters(t.raw) and lexicon.known(t.word)) for t in words)


def _mostly_unknown(voters: int, unknown: int, at_least: int = 2) -> bool:
    return voters >= at_least and unknown * 2 > voters


def _quote_looks_foreign(tokens: list[Token], lexicon: Lexicon) -> bool:
    # An accented word decides; a short quotation is foreign when half its words are ('je
    # jouais au foot'), a two-word one only when both are, so one typo does not hide the other.
    words = _voters(tokens)
    if any(not _latin_letters(t.raw) for t in words):
        return True
    voters, unknown = _tally(words, lexicon)
    return voters >= 2 and (unknown == voters or (voters >= 3 and unknown * 2 >= voters))


def _latin_letters(chunk: str) -> bool:
    # Plain Latin letters and apostrophes: the only words the English list can judge.
    if chunk.isascii():
        return _ASCII_WORD.fullmatch(chunk) is not None
    # Letters whose lower case is a plain one, such as the Kelvin sign, count too.
    return all(("a" <= ch.lower() <= "z") or ch in "'\u2019" for ch in chunk)


def _accented_latin(chunk: str) -> bool:
    # `être`, `passé`: another Latin-script language. No English word hides among Greek ones.
    if chunk.isascii():
        return False  # most words: answered without looking at each letter
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
