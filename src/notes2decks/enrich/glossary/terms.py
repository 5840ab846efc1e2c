"""The key terms found by the rules: collect the candidates, find where each occurs (in any
case and spelling) and how well each sentence explains it, keep those with enough evidence, and
list each in its best wording with the sentence that explains it best."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ...model import GlossaryEntry, SourceRef, TermKind
from ...words import KEY_SKIP, WORD, bare, fold
from .candidates import Candidate, Candidates, Key, content_key
from .defining import defines, find_defined
from .marks import find_acronyms, find_quoted
from .names import find_names
from .people import People, Person, person_entry
from .sentences import Sentence, TextIndex, Token, tidy_definition
from .variants import correct_spellings, most_common_wording, same_word, title_case
from .vocabulary import (
    APPOSITION_AFTER,
    ARTICLES,
    COPULA,
    CREATING,
    NAMING,
    PLACES,
    YEAR_AFTER,
    acronym_letters,
    ends_with,
    is_acronym,
    known,
)

_MAX_SKIPPED = 2
"""How many linking words a mention may have where the term's key has none."""

_JOINED = re.compile(r"[\s\-'’\"‘“”]*")
_DASH_AFTER = re.compile(r"\s*[:\-–—]\s")
_NAMED_BEFORE = re.compile(NAMING.pattern + "['‘\"“]?$", re.IGNORECASE)
_CREATED_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(CREATING)) + r")\s+(?:the\s+)?['‘\"“]$")
_QUOTE_BEFORE = re.compile(r"['‘\"“]$")

DEFINES = 3
"""A score: the sentence defines the term."""
INTRODUCES = 2
"""A score: the sentence introduces the term, such as by spelling out an acronym."""
NAMES = 1
"""A score: the sentence names the term as it comes about, with a year or in quotes."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where a term occurs."""

    sentence: int
    """The index of its sentence."""
    start: int
    """Where it starts in the sentence's text."""
    words: tuple[str, ...]
    """The mention's words as written, linking words included."""
    named: bool
    """True when written with capitals that are not just a sentence's first letter."""
    score: int
    """How well the sentence explains the term (see `explains`)."""


def _match(sentence: Sentence, position: int, key: Key) -> Sequence[Token]:
    """The tokens from `position` that spell `key`, linking words allowed; none if they don't."""
    tokens = sentence.tokens
    cursor = position
    for number, stem in enumerate(key):
        if number:
            skipped = 0
            while (
                cursor < len(tokens)
                and tokens[cursor].bare in KEY_SKIP
                and tokens[cursor].stem != stem
                and skipped < _MAX_SKIPPED
            ):
                cursor += 1
                skipped += 1
        if cursor >= len(tokens):
            return ()
        token = tokens[cursor]
        joined = not number or _JOINED.fullmatch(sentence.text, tokens[cursor - 1].end, token.start)
        if not joined or not same_word(token.stem, stem):
            return ()
        cursor += 1
    return tokens[position:cursor]


def explains(
    candidate: Candidate, number: int, sentence: Sentence, matched: Sequence[Token]
) -> int:
    """How well sentence `number` explains the term it mentions with `matched`: `DEFINES`,
    `INTRODUCES`, `NAMES` or 0."""
    if number in candidate.defined_in:
        return DEFINES
    if number in candidate.introduced_in:
        return INTRODUCES
    text = sentence.text
    tokens = sentence.tokens
    position = matched[0].position
    after = matched[-1].end
    start = matched[0].start
    if all(t.bare in ARTICLES for t in tokens[:position]):
        follow = tokens[matched[-1].position + 1 :]
        if follow and follow[0].bare in COPULA and defines(follow[1:] or follow, True):
            return DEFINES
        if _DASH_AFTER.match(text, after):
            return DEFINES
    if ends_with(_NAMED_BEFORE, text, start):
        return DEFINES
    if APPOSITION_AFTER.match(text, after):
        return INTRODUCES
    # A name that is introduced ("formed the Triumvirate"), dated or quoted is being
    # explained more than one that is only used.
    introduced = position > 1 and tokens[position - 1].bare == "the"
    if (
        (introduced and tokens[position - 2].bare in CREATING)
        or ends_with(_CREATED_BEFORE, text, start)
        or YEAR_AFTER.match(text, after)
        or ends_with(_QUOTE_BEFORE, text, start)
    ):
        return NAMES
    return 0


def find_mentions(candidate: Candidate, index: TextIndex) -> list[Mention]:
    """Every place the term occurs, in the order of the text."""
    key = candidate.key
    firsts = [s for s in index.stems_by_letter.get(key[0][:1], ()) if same_word(s, key[0])]
    places = sorted(place for stem in firsts for place in index.places[stem])
    mentions: list[Mention] = []
    for number, position in places:
        sentence = index.sentences[number]
        token = sentence.tokens[position]
        matched: Sequence[Token]
        if candidate.acronym:
            matched = (token,) if acronym_letters(token.text) == candidate.acronym else ()
        else:
            matched = _match(sentence, position, key)
        if not matched:
            continue
        named = any(t.cap and not (t.initial and t.position == 0) for t in matched) or (
            len(matched) == 1 and index.proper(matched[0]) and matched[0].initial
        )
        words = tuple(t.text for t in matched)
        named = named and not candidate.acronym
        score = explains(candidate, number, sentence, matched)
        mentions.append(Mention(number, matched[0].start, words, named, score))
    return mentions


def collect(index: TextIndex) -> tuple[Candidates, list[Person]]:
    """The candidate terms and the accepted people of the text."""
    candidates = Candidates()
    people = People()
    # Names first, so that the defining patterns know who the people are.
    for number, sentence in enumerate(index.sentences):
        find_acronyms(number, sentence, candidates)
        find_quoted(number, sentence, candidates)
        find_names(number, sentence, index, candidates, people)
    accepted = people.accepted()
    person_keys = {p.key for p in accepted}
    for number, sentence in enumerate(index.sentences):
        find_defined(number, sentence, candidates, person_keys)
    return candidates, accepted


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
    named = sum(m.named for m in mentions)
    if "quoted" in evidence or "defined" in evidence:
        return True
    if "name" in evidence:
        return bool({"year", "head"} & evidence) or (len(mentions) >= 2 and named > 0)
    return "created" in evidence or ("the" in evidence and ("head" in evidence or named >= 2))


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


def term_definition(
    candidate: Candidate, mentions: Sequence[Mention], sentences: Sequence[Sentence]
) -> tuple[str, int]:
    """The sentence that explains a term best (the first of the best), tidied, and its line; an
    acronym's starts with what it stands for when the sentence does not say."""
    best = max(mentions, key=lambda m: (m.score, -m.sentence, -m.start))
    sentence = sentences[best.sentence]
    text = tidy_definition(sentence.text)
    if candidate.expansion and fold(candidate.expansion) not in fold(text):
        text = f"{tidy_definition(candidate.expansion)} {text}"
    return text, sentence.line


def found_terms(index: TextIndex, file: str, people: bool) -> list[GlossaryEntry]:
    """The terms (kind AUTO) and, if `people`, the people (kind PERSON) the rules find."""
    candidates, accepted_people = collect(index)
    person_keys = {p.key for p in accepted_people}
    mentioned = ((candidate, find_mentions(candidate, index)) for candidate in candidates)
    accepted = [(c, mentions) for c, mentions in mentioned if accept(c, mentions, person_keys)]
    # An acronym's spelled-out name is the same term: "New Economic Policy" joins "NEP".
    expansions = {content_key(WORD.findall(c.expansion)) for c, _ in accepted if c.expansion}
    found: list[GlossaryEntry] = []
    for candidate, mentions in accepted:
        if not candidate.acronym and candidate.key in expansions:
            continue
        definition, line = term_definition(candidate, mentions, index.sentences)
        if not definition:
            continue
        term = wording(candidate, mentions, index.lowercase)
        found.append(GlossaryEntry(term, definition, SourceRef(file, line), TermKind.AUTO))
    if people:
        found.extend(person_entry(p, index.sentences, file) for p in accepted_people)
    return found
