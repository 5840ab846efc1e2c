"""Typos in the notes' prose (misspellings, names typed wrongly, words run together or split,
doubled words) as warnings at their line and column; `notes2decks.spelling` judges the words."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from ..errors import Diagnostic
from ..model import Deck
from ..spelling import Lexicon
from ..spelling.typos import (
    SPLIT_WORDS,
    Slip,
    is_doubled,
    is_particle,
    match_case,
    misspelling,
    slipped_capital,
)
from .places import place
from .prose import Segment, Token, prose_words

_LONGEST_SPLIT = max(len(words) for words in SPLIT_WORDS)
_SPLIT_FIRSTS = frozenset(words[0] for words in SPLIT_WORDS)
_MESSAGES = {
    Slip.OF_NOTES_WORD: "'{word}' looks like a misspelling of '{typo.suggestions[0]}', used "
    "{typo.used} times in these notes",
    Slip.RUN_TOGETHER: "'{word}' looks like two words run together",
    Slip.UNKNOWN: "unknown word '{word}'",
}


def check_spelling(deck: Deck, text: str, lexicon: Lexicon) -> list[Diagnostic]:
    """Misspellings, names typed wrongly, words run together or split, and doubled words; notes
    in another language (`lang: fr`, or mostly) are not checked, nor cards mostly in one."""
    if deck.lang and not _is_english(deck.lang):
        return []
    prose = prose_words(deck, text, lexicon, english=bool(deck.lang))
    if prose is None:
        message = "most words of these notes are not English, so their spelling was not checked "
        message += "(front matter can say which language they are in: lang: de)"
        return [Diagnostic(deck.source.file, 0, message, "note")]
    segments, words = prose
    tokens = [t for t in words if not t.foreign]
    counts = Counter(t.word.casefold() for t in words)
    lines = text.split("\n")
    found: list[Diagnostic] = []

    def warn(token: Token, message: str, suggestions: Sequence[str] = ()) -> None:
        line, col = place(token, lines, segments, tokens)
        if suggestions:
            message += f" (did you mean {_alternatives(suggestions)}?)"
        found.append(Diagnostic(deck.source.file, line, message, "warning", col))

    for previous, token in itertools.pairwise(tokens):
        if previous.segment != token.segment:
            continue
        between = segments[token.segment].text[previous.end : token.start]
        if not between.strip() and is_doubled(previous.raw, token.raw, initial=previous.initial):
            warn(token, f"'{token.raw}' is doubled: '{previous.raw} {token.raw}'", [previous.raw])

    for index, token in enumerate(tokens):
        if (split := _split_word(segments, tokens, index)) is not None:
            warn(token, f"'{split[0]}' should be one word", [split[1]])

    settled: Token | None = None
    for token, after in itertools.zip_longest(tokens, tokens[1:]):
        if token is settled:
            continue
        if after is not None and after.segment == token.segment:
            spaced = segments[token.segment].text[token.end : after.start] == " "
            if spaced and is_particle(token.word, after.word):
                continue
            moved = slipped_capital(token.word, after.word, lexicon) if spaced else None
            if moved is not None:
                written = f"{token.raw} {after.raw}"
                warn(token, f"'{written}' has a letter on the wrong word", [moved])
                settled = after
                continue
        typo = misspelling(token.word, counts, lexicon, initial=token.initial, mixed=token.mixed)
        if typo is not None:
            warn(token, _MESSAGES[typo.slip].format(word=token.word, typo=typo), typo.suggestions)
    return found


def _is_english(lang: str) -> bool:
    # `en`, `en-GB`, `en_US`, `English`
    return lang.strip().lower().replace("_", "-").split("-")[0] in ("en", "eng", "english")


def _split_word(segments: list[Segment], tokens: list[Token], index: int) -> tuple[str, str] | None:
    """The words from `index` on that should be one word, as written and as one word."""
    token = tokens[index]
    if token.raw.casefold() not in _SPLIT_FIRSTS:
        return None
    text = segments[token.segment].text
    for size in range(_LONGEST_SPLIT, 1, -1):
        run = tokens[index : index + size]
        if len(run) < size or any(t.segment != token.segment for t in run):
            continue
        if any(text[a.end : b.start] != " " for a, b in itertools.pairwise(run)):
            continue
        joined = SPLIT_WORDS.get(tuple(t.raw.casefold() for t in run))
        if joined is not None:
            return " ".join(t.raw for t in run), match_case(joined, token.raw)
    return None


def _alternatives(words: Sequence[str]) -> str:
    quoted = [f"'{word}'" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
