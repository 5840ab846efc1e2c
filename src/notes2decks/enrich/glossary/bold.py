"""Terms the author marked: a bold term that its sentence defines ("A **progressive wave** is
a wave that ..."). A bold term and a separator ("**Wavelength**: the length of a wave") is
`labelled`'s."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...model import GlossaryEntry, SourceRef, TermKind
from ...words import WORD
from .definitions import one_line, tidy_definition
from .sentences import Sentence
from .vocabulary import NAMED_BEFORE, ends_with

_MAX_BOLD_WORDS = 8
_DEFINING_AFTER = re.compile(
    r"\s*(?:\([^()]*\)\s*)?(?:is|are|was|were|means|refers to|describes|stands for)\b"
)
_APPOSITION_AFTER = re.compile(r"\s*,\s+(?:a|an|the)\s")


def _defined_here(sentence: Sentence, start: int, end: int) -> bool:
    text = sentence.text
    before = text[:start]
    return bool(
        _DEFINING_AFTER.match(text, end)
        or _APPOSITION_AFTER.match(text, end)
        or ends_with(NAMED_BEFORE, before)
    )


def bold_terms(sentences: Sequence[Sentence], file: str) -> list[GlossaryEntry]:
    """The bold terms that their sentence defines, with that sentence as the definition."""
    found: list[GlossaryEntry] = []
    for sentence in sentences:
        for start, end in sentence.bold:
            term = one_line(sentence.text[start:end])
            words = WORD.findall(term)
            if (
                not words
                or len(words) > _MAX_BOLD_WORDS
                or term.endswith((".", "!", "?", ",", ";"))
            ):
                continue
            if not _defined_here(sentence, start, end):
                continue
            found.append(
                GlossaryEntry(
                    term=term,
                    definition=tidy_definition(sentence.text),
                    source=SourceRef(file, sentence.line),
                    kind=TermKind.AUTO,
                )
            )
    return found
