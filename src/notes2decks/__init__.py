"""notes2decks: revision notes to Anki decks, print-ready PDF cards and a CSV glossary."""

from __future__ import annotations

__version__ = "0.1.0"
