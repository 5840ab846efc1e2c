"""The key terms found by the rules: collect the candidates, keep those with enough evidence,
and list each in its best wording with the sentence that explains it best."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ...model import GlossaryEntry, SourceRef, TermKind
from ...words import WORD, bare, fold
from .acronyms import find_acronyms
from .candidates import Candidate, Candidates, Mention, content_key
from .defining import find_defined
from .definitions import term_definition
from .index import TextIndex
from .mentions import find_mentions
from .names import find_names
from .people import People, person_entry
from .quotes import find_quoted
from .variants import correct_spellings, most_common_wording, same_word, title_case
from .vocabulary import PLACES, is_acronym, known


def collect(index: TextIndex) -> tuple[Candidates, People]:
    """The candidate terms and the people of the text."""
    candidates = Candidates()
    people = People()
    # Names first, so that the defining patterns know who the people are.
    for number, sentence in enumerate(index.sentences):
        find_acronyms(number, sentence, candidates)
        find_quoted(number, sentence, candidates)
        find_names(number, sentence, index, candidates, people)
    person_keys = {p.key for p in people.accepted()}
    for number, sentence in enumerate(index.sentences):
        find_defined(number, sentence, candidates, person_keys)
    return candidates, people


def accept(candidate: Candidate, mentions: Sequence[Mention], person_keys: Collection[str]) -> bool:
    """True when the evidence for a candidate is enough to list it."""
    evidence = candidate.evidence
    key = candidate.key
    if not mentions:
        return False
    if candidate.acronym:
        return True
    if len(key) == 1 and (any(same_word(k, key[0]) for k in person_keys) or key[0] in PLACES):
        return False
    named = [m for m in mentions if m.named]
    if "quoted" in evidence or "defined" in evidence:
        return True
    if "name" in evidence:
        return bool({"year", "head"} & evidence or (len(mentions) >= 2 and named))
    if "created" in evidence:
        return True
    if "the" in evidence:
        return "head" in evidence or len(named) >= 2
    return False


def wording(candidate: Candidate, mentions: Sequence[Mention], lowercase: Collection[str]) -> str:
    """The term as listed: its most common wording, corrected, in title case if a name."""
    if candidate.acronym:
        return candidate.acronym
    spellings = [list(m.words) for m in mentions]
    correct_spellings(spellings)
    words = most_common_wording(spellings)
    if candidate.suffix and fold(words[-1]) != fold(candidate.suffix):
        words.append(candidate.suffix)
    if words and words[-1].endswith(("'s", "’s")):
        words[-1] = words[-1][:-2]
    named = [m for m in mentions if m.named]
    if any(m.words[-1][:1].isupper() for m in named):
        return title_case(words)  # written as a name: "Socialism in One Country"
    if named:
        return " ".join(words)  # a name and a common noun: "Van der Waals forces"
    first = words[0]
    if first[:1].isupper() and not is_acronym(first) and (bare(first) in lowercase or known(first)):
        words[0] = first[:1].lower() + first[1:]
    return " ".join(words)


def found_terms(index: TextIndex, file: str, people: bool) -> list[GlossaryEntry]:
    """The terms (kind AUTO) and, if `people`, the people (kind PERSON) the rules find."""
    candidates, named_people = collect(index)
    accepted_people = named_people.accepted()
    person_keys = {p.key for p in accepted_people}
    accepted: list[tuple[Candidate, list[Mention]]] = []
    for candidate in candidates:
        mentions = find_mentions(candidate, index)
        if accept(candidate, mentions, person_keys):
            accepted.append((candidate, mentions))
    # An acronym's spelled-out name is the same term: "New Economic Policy" joins "NEP".
    expansions = {content_key(WORD.findall(c.expansion)) for c, _ in accepted if c.expansion}
    found: list[GlossaryEntry] = []
    for candidate, mentions in accepted:
        if not candidate.acronym and candidate.key in expansions:
            continue
        definition, line = term_definition(candidate, mentions, index.sentences)
        if not definition:
            continue
        found.append(
            GlossaryEntry(
                term=wording(candidate, mentions, index.lowercase),
                definition=definition,
                source=SourceRef(file, line),
                kind=TermKind.AUTO,
            )
        )
    if people:
        found.extend(person_entry(p, index.sentences, file) for p in accepted_people)
    return found
