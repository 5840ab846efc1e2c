"""The deck's text as sentences of tokens, and an index of their words: what every rule of the
glossary reads. Only paragraphs (in lists too) are read; inline code and math stay in a
sentence's text (a definition shows them) but yield no tokens."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ...model import (
    Cloze,
    Code,
    Deck,
    Emphasis,
    Image,
    Inlines,
    LineBreak,
    Link,
    Math,
    Strong,
    Text,
    inline_source,
    paragraphs,
)
from ...words import LINKING_WORDS, WORD, bare, fold, stem, word_set
from .vocabulary import NOT_TERM_START, common

Span = tuple[int, int]

_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”)\]]*\s+")
_LAST_WORD = re.compile(r"([\w.]+)[.!?…]+[\"'’”)\]]*\s+$")
_CLAUSE_MARK = re.compile(r"[:;•]")
_ABBREVIATIONS = word_set(
    """e.g i.e etc c ca approx vs cf mr mrs ms dr st no fig al jan feb mar apr jun jul aug sep
    sept oct nov dec prof gen col lt sgt rev vol p pp"""
)
_SPACES_ONLY = re.compile(r"[ \t]*")


def one_line(text: str) -> str:
    """Text with each run of white space, line breaks included, made one space, and stripped."""
    return _SPACES.sub(" ", text).strip()


def tidy_definition(text: str) -> str:
    """A definition with normalised spaces, a capital first letter and a sensible full stop; the
    wording is kept, only white space, a leading bullet or dash and the final punctuation change."""
    text = one_line(text).lstrip("-–—•*·:;, ").rstrip(",;:-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    if not text.rstrip("'\"’”)]").endswith((".", "!", "?", "…")):
        text += "."
    return text


class Token(NamedTuple):
    """A word of a sentence (a named tuple: quicker to make than a dataclass, for every word)."""

    text: str
    """The word as written."""
    position: int
    """Its index among the sentence's tokens."""
    start: int
    """Where it starts in the sentence's text."""
    end: int
    """Where it ends in the sentence's text."""
    bare: str
    """Folded, without a possessive ending (`words.bare`)."""
    stem: str
    """The crude singular of `bare` (`words.stem`)."""
    cap: bool
    """True when it starts with a capital letter."""
    initial: bool
    """True when it starts the sentence or a clause after a colon, semicolon or bullet."""
    possessive: bool
    """True for "Lenin's" or "Soviets'"."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the notes, with its tokens."""

    text: str
    """The sentence's text, stripped."""
    line: int
    """The line of the notes file it is on, or 0 when unknown."""
    bold: tuple[Span, ...]
    """The spans of its bold text."""
    tokens: tuple[Token, ...]
    """Its words, without those inside inline code or math."""

    def spaced(self, left: Token, right: Token) -> bool:
        """True when only spaces or tabs separate two tokens."""
        return _SPACES_ONLY.fullmatch(self.text, left.end, right.start) is not None


def flatten(inlines: Inlines) -> tuple[str, list[Span], list[Span]]:
    """The plain text of inline content, with the spans of bold text and of code or math."""
    parts: list[str] = []
    bold: list[Span] = []
    masked: list[Span] = []
    length = 0

    def walk(nodes: Inlines, in_bold: bool) -> None:
        nonlocal length
        for node in nodes:
            start = length
            match node:
                case Strong():
                    walk(node.children, True)
                    if not in_bold:
                        bold.append((start, length))
                    continue
                case Emphasis() | Cloze() | Link():
                    walk(node.children, in_bold)
                    continue
                case Text():
                    # As a definition shows it: formulas in dollars (`inline_source`), which
                    # only changes a text holding a dollar.
                    text = inline_source((node,)) if "$" in node.text else node.text
                case Code() | Math():
                    text = inline_source((node,))
                    masked.append((start, start + len(text)))
                case Image():
                    text = node.alt
                case LineBreak():
                    text = "\n"
                case _:
                    raise AssertionError(f"unhandled inline {node!r}")
            parts.append(text)
            length += len(text)

    walk(inlines, False)
    return "".join(parts), bold, masked


def split_sentences(text: str) -> Iterator[Span]:
    """The spans of the sentences of a paragraph's text, without white space around them."""
    start = len(text) - len(text.lstrip())
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        after = text[end : end + 1]
        if not after or not (after.isupper() or after.isdigit() or after in "'\"‘“("):
            continue
        word = _LAST_WORD.search(text[start:end])
        if word and match.group().startswith("."):
            before = word.group(1).lower().rstrip(".")
            if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
        yield start, match.start() + len(match.group().rstrip())
        start = end
    if text[start:].strip():
        yield start, len(text.rstrip())


@functools.lru_cache(maxsize=1 << 16)
def _word_forms(word: str) -> tuple[str, str, bool, bool]:
    """A word's bare form, its stem, whether it is capitalised and whether it is possessive."""
    folded = bare(word)
    possessive = fold(word).endswith("'s") or (word.endswith("'") and len(word) > 2)
    return folded, stem(folded), word[:1].isupper(), possessive


_new_token = tuple.__new__
"""Makes a token without the named tuple's keyword handling: every word of the notes is one."""


def tokenise(text: str, masked: tuple[Span, ...]) -> tuple[Token, ...]:
    """The tokens of a sentence's text, leaving out words inside the `masked` spans."""
    tokens: list[Token] = []
    append = tokens.append
    count = 0
    # Where clauses start: after a colon, semicolon or bullet (and at the start).
    marks = [m.start() for m in _CLAUSE_MARK.finditer(text)]
    next_mark = marks[0] if marks else len(text)
    mark_index = 0
    clause_start = True
    for match in WORD.finditer(text):
        begin, end = match.span()
        if masked and any(s <= begin < e for s, e in masked):
            continue
        if next_mark < begin:
            clause_start = True
            while next_mark < begin:
                mark_index += 1
                next_mark = marks[mark_index] if mark_index < len(marks) else len(text)
        word = match.group()
        folded, singular, cap, possessive = _word_forms(word)
        fields = (word, count, begin, end, folded, singular, cap, clause_start, possessive)
        append(_new_token(Token, fields))
        count += 1
        clause_start = False
    return tuple(tokens)


def _within(spans: list[Span], start: int, end: int) -> tuple[Span, ...]:
    return tuple((s - start, e - start) for s, e in spans if start <= s < end)


def deck_sentences(deck: Deck, *, words: bool = True) -> tuple[Sentence, ...]:
    """Every sentence of the deck's text (not headings, code or tables), in order; without
    `words`, only those with bold text, without tokens: all that the bold terms need."""
    sentences: list[Sentence] = []
    for group in (deck.intro, *(card.back for card in deck.cards)):
        for paragraph in paragraphs(group):
            text, bold, masked = flatten(paragraph.children)
            if not (words or bold):
                continue
            for start, end in split_sentences(text):
                piece = text[start:end]
                line = paragraph.line + text.count("\n", 0, start) if paragraph.line else 0
                in_bold = _within(bold, start, end)
                if not (words or in_bold):
                    continue
                tokens = tokenise(piece, _within(masked, start, end)) if words else ()
                sentences.append(Sentence(piece, line, in_bold, tokens))
    return tuple(sentences)


_DIGIT = re.compile(r"\d")

Place = tuple[int, int]
"""A token's place: the index of its sentence and its position in that sentence."""


@dataclass(frozen=True, slots=True)
class TextIndex:
    """The deck's sentences and what they say about their words."""

    sentences: tuple[Sentence, ...]
    """Every sentence of the deck's text, in order."""
    lowercase: frozenset[str]
    """Folded words (and their stems) the text writes in lower case somewhere."""
    midcaps: frozenset[str]
    """Folded words the text capitalises somewhere other than at a sentence's start."""
    places: Mapping[str, Sequence[Place]]
    """Where each stem occurs, so that finding a term's mentions needs no scan of the text."""
    stems_by_letter: Mapping[str, Sequence[str]]
    """The stems of the text by their first letter."""

    def proper(self, token: Token) -> bool:
        """True when a capitalised token is capitalised as a name, not as a first word."""
        if not token.cap or _DIGIT.search(token.text):
            return False
        if not token.initial:
            return True
        if token.bare in NOT_TERM_START or token.bare in LINKING_WORDS:
            return False
        return token.bare in self.midcaps or (
            token.bare not in self.lowercase
            and token.stem not in self.lowercase
            and not common(token.bare)
        )


def index_text(deck: Deck) -> TextIndex:
    """The deck's sentences, tokenised, and the index of their words."""
    sentences = deck_sentences(deck)
    lowercase: set[str] = set()
    midcaps: set[str] = set()
    places: defaultdict[str, list[Place]] = defaultdict(list)
    for number, sentence in enumerate(sentences):
        # Unpacked rather than read by name: this runs for every word of the notes.
        for _, position, _, _, folded, singular, cap, initial, _ in sentence.tokens:
            if not cap:
                lowercase.add(folded)
                lowercase.add(singular)
            elif not initial:
                midcaps.add(folded)
            places[singular].append((number, position))
    stems_by_letter: dict[str, list[str]] = {}
    for word in places:
        stems_by_letter.setdefault(word[:1], []).append(word)
    return TextIndex(sentences, frozenset(lowercase), frozenset(midcaps), places, stems_by_letter)
