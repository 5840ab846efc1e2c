"""Key terms for the glossary: the notes' own glossary, kept exactly, and terms found in the text.

`extract_glossary(deck)` is a pure transform of the model. It returns

- the explicit entries the reader put in `Deck.glossary` (kind EXPLICIT), untouched;
- when the notes have no explicit glossary (or ask for `glossary: auto`), the terms the author
  marked: flashcards that ask for a definition (`flashcards`), terms written as a label and
  its definition, `**Term** - definition` or `Term - definition` in a list of terms
  (`labelled`), and bold terms that their sentence defines (`bold`);
- when `Deck.auto_glossary` is set (always for card-set text), terms found by rules (kind AUTO)
  and a who's who of the people the notes name (kind PERSON).

The rules favour precision: a candidate must carry evidence that it is a term, not just a
capital letter. Any one of these is enough: quotation marks (`quotes`), a capitalised name that
recurs, is dated or names a treaty, plan or the like (`names`), an acronym (`acronyms`), or a
sentence that defines it (`defining`). Each term's variants are merged and misspellings
corrected (`variants`); it is listed in its most common wording with the sentence that explains
it best (`mentions`, `terms`). The text is read once, as sentences of tokens (`sentences`,
`index`); the word lists are in `vocabulary`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Deck, GlossaryEntry, TermKind
from ...words import sort_key, term_key
from .bold import bold_terms
from .definitions import tidy_definition
from .flashcards import flashcard_terms, link_cards
from .index import index_text
from .labelled import labelled_terms
from .sentences import deck_sentences
from .terms import found_terms

__all__ = ["extract_glossary", "merge_entries", "tidy_definition"]

_PRIORITY = {TermKind.EXPLICIT: 0, TermKind.AUTO: 1, TermKind.PERSON: 2}
"""Which of two entries for one term is kept: the lower."""


def merge_entries(entries: Iterable[GlossaryEntry]) -> tuple[GlossaryEntry, ...]:
    """Entries with duplicates merged and sorted by term.

    Two entries are duplicates when their terms share a `term_key`. The first explicit entry
    wins, else the first extracted term, else the first person; explicit entries with the same
    term but different definitions are all kept, since the notes say them.
    """
    kept: dict[str, GlossaryEntry] = {}
    extra: list[GlossaryEntry] = []
    for entry in entries:
        key = term_key(entry.term)
        current = kept.get(key)
        if current is None or _PRIORITY[entry.kind] < _PRIORITY[current.kind]:
            kept[key] = entry
        elif (
            entry.kind is TermKind.EXPLICIT
            and current.kind is TermKind.EXPLICIT
            and entry.definition != current.definition
        ):
            extra.append(entry)
    result = [*kept.values(), *extra]
    result.sort(key=lambda e: (sort_key(e.term), e.source, e.definition))
    return tuple(result)


def extract_glossary(deck: Deck, *, people: bool = True) -> tuple[GlossaryEntry, ...]:
    """The deck's glossary: explicit entries kept exactly, plus the terms found in the notes.

    Terms are looked for when the notes have no explicit glossary or ask for `glossary: auto`
    (`Deck.auto_glossary`): bold terms that a sentence defines and definition flashcards always
    then, and with `auto_glossary` also quoted phrases, names, acronyms and defined phrases
    (kind AUTO) and, if `people`, the people the notes name with the facts about them (kind
    PERSON). The result is sorted by term and the same for the same deck, run after run.
    """
    explicit = [e for e in deck.glossary if e.kind is TermKind.EXPLICIT]
    if explicit and not deck.auto_glossary:
        return link_cards(deck, merge_entries(explicit))
    file = deck.source.file
    # A term the notes write as a label keeps that wording over a question's ("What is X?").
    found = labelled_terms(deck)
    found.extend(flashcard_terms(deck))
    if deck.auto_glossary:
        index = index_text(deck)
        found.extend(bold_terms(index.sentences, file))
        found.extend(found_terms(index, file, people))
    else:
        found.extend(bold_terms(deck_sentences(deck, words=False), file))
    return link_cards(deck, merge_entries([*explicit, *found]))
