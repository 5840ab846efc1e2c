"""Definitions as the glossary lists them: a sentence of the notes, tidied, its wording kept."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...words import fold
from .candidates import Candidate, Mention
from .sentences import Sentence

_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Text with each run of white space, line breaks included, made one space, and stripped."""
    return _SPACES.sub(" ", text).strip()


def tidy_definition(text: str) -> str:
    """A definition with normalised spaces, a capital first letter and a sensible full stop.

    The wording is kept: only white space, a leading bullet or dash, and the final punctuation
    change.
    """
    text = one_line(text)
    text = text.lstrip("-–—•*·:;, ").rstrip(",;:-–— ")
    if not text:
        return ""
    if text[0].islower():
        text = text[0].upper() + text[1:]
    closing = text.rstrip("'\"’”)]")
    if not closing.endswith((".", "!", "?", "…")):
        text += "."
    return text


def term_definition(
    candidate: Candidate, mentions: Sequence[Mention], sentences: Sequence[Sentence]
) -> tuple[str, int]:
    """The sentence that explains a term best (the first of the best), tidied, and its line.

    An acronym's definition starts with what it stands for when the sentence does not say.
    """
    best = max(mentions, key=lambda m: (m.score, -m.sentence, -m.start))
    sentence = sentences[best.sentence]
    text = tidy_definition(sentence.text)
    if candidate.expansion and fold(candidate.expansion) not in fold(text):
        text = f"{tidy_definition(candidate.expansion)} {text}"
    return text, sentence.line
