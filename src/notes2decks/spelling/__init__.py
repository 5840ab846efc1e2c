"""English spelling: the word list (`lexicon`), British spellings (`british`) and what counts
as a typo (`typos`), for `notes2decks check`; the glossary uses the word frequencies."""

from __future__ import annotations

from .lexicon import Lexicon, edits1, english, english_frequencies
from .typos import is_typo_of

__all__ = ["Lexicon", "edits1", "english", "english_frequencies", "is_typo_of"]
