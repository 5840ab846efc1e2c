"""Enrichment of the card model after reading: the glossary, auto cloze and the lock file."""
