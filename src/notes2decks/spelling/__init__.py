"""English spelling: the word list, British spellings, and what counts as a typo.

`lexicon` holds the word list and its suggestions, `british` the rules that let an American
list accept British spellings, and `typos` the judgement of a word against the list and the
notes' own words. `notes2decks check` uses all three; the glossary uses the word frequencies.
"""

from __future__ import annotations

from .lexicon import Lexicon, Suggestion, edits1, english, english_frequencies
from .typos import (
    SPLIT_WORDS,
    Slip,
    Typo,
    Vocabulary,
    is_doubled,
    is_particle,
    is_typo_of,
    match_case,
    misspelling,
    slipped_capital,
)

__all__ = [
    "SPLIT_WORDS",
    "Lexicon",
    "Slip",
    "Suggestion",
    "Typo",
    "Vocabulary",
    "edits1",
    "english",
    "english_frequencies",
    "is_doubled",
    "is_particle",
    "is_typo_of",
    "match_case",
    "misspelling",
    "slipped_capital",
]
