"""Key terms for the glossary: the notes' own glossary, kept exactly, and terms found in the text
(docs/FORMAT.md, "Key terms in the text").

The terms the author marked come from `flashcards` and `labelled`. With `Deck.auto_glossary`
(always for card-set text) rules also find terms (kind AUTO) and a who's who (kind PERSON,
`people`), each needing evidence: quotation marks or an acronym (`marks`), a recurring, dated or
headed name (`names`) or a defining sentence (`defining`); `terms` lists each in its commonest
wording, misspellings merged (`variants`), with the sentence that explains it best. The text is
read once as sentences of tokens (`sentences`); the word lists are in `vocabulary`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Deck, GlossaryEntry, TermKind
from ...words import sort_key, term_key
from .flashcards import flashcard_terms, link_cards
from .labelled import bold_terms, labelled_terms
from .sentences import deck_sentences, index_text, tidy_definition
from .terms import found_terms

__all__ = ["extract_glossary", "merge_entries", "tidy_definition"]

_PRIORITY = {TermKind.EXPLICIT: 0, TermKind.AUTO: 1, TermKind.PERSON: 2}
"""Which of two entries for one term is kept: the lower."""


def merge_entries(entries: Iterable[GlossaryEntry]) -> tuple[GlossaryEntry, ...]:
    """Entries with duplicates (terms sharing a `term_key`) merged and sorted by term: the first
    explicit entry wins, else the first found term, else the first person; explicit entries with
    different definitions are all kept, since the notes say them."""
    kept: dict[str, GlossaryEntry] = {}
    extra: list[GlossaryEntry] = []
    for entry in entries:
        key = term_key(entry.term)
        current = kept.get(key)
        if current is None or _PRIORITY[entry.kind] < _PRIORITY[current.kind]:
            kept[key] = entry
        elif (
            entry.kind is current.kind is TermKind.EXPLICIT
            and entry.definition != current.definition
        ):
            extra.append(entry)
    result = [*kept.values(), *extra]
    result.sort(key=lambda e: (sort_key(e.term), e.source, e.definition))
    return tuple(result)


def extract_glossary(deck: Deck, *, people: bool = True) -> tuple[GlossaryEntry, ...]:
    """The deck's glossary, sorted by term: explicit entries kept exactly, plus the terms found
    in the notes (see the module), the people among them only if `people`."""
    explicit = [e for e in deck.glossary if e.kind is TermKind.EXPLICIT]
    if explicit and not deck.auto_glossary:
        return link_cards(deck, merge_entries(explicit))
    file = deck.source.file
    # A term the notes write as a label keeps that wording over a question's ("What is X?").
    found = [*labelled_terms(deck), *flashcard_terms(deck)]
    if deck.auto_glossary:
        index = index_text(deck)
        found += [*bold_terms(index.sentences, file), *found_terms(index, file, people)]
    else:
        found.extend(bold_terms(deck_sentences(deck, words=False), file))
    return link_cards(deck, merge_entries([*explicit, *found]))
