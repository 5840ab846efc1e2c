"""English spelling: the word list, British spellings, and what counts as a typo.

`lexicon` holds the word list and its suggestions, `british` the rules that let an American
list accept British spellings, and `typos` the judgement of a word against the list and the
notes' own words. `notes2decks check` uses all three; the glossary uses the word frequencies.
"""

from __future__ import annotations

from .lexicon import Lexicon, edits1, english, english_frequencies
from .typos import is_typo_of

__all__ = ["Lexicon", "edits1", "english", "english_frequencies", "is_typo_of"]
