"""Evidence of a term: a sentence that defines it ("X is a ...", "known as X", "X, a ...")."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from ...words import KEY_SKIP, word_set
from .candidates import Candidates
from .sentences import Sentence, Token
from .variants import same_word
from .vocabulary import (
    ARTICLES,
    COPULA,
    DEFINING_AFTER_COPULA,
    DEFINING_VERB,
    GENERIC,
    NAMING,
    NOT_TERM_START,
    PLACES,
    TITLES,
    common,
    is_acronym,
)

_MAX_DEFINED_WORDS = 4
_JOINED = re.compile(r"[ \t\-]*")
_BRACKET = re.compile(r"\s*(?:\([^()]*\)\s*)?")
_IS = re.compile(r"(is|are|was|were)\s")
_SO = re.compile(r"so-$")
_NAMED_STOP = NOT_TERM_START | COPULA
_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+\w+\s+\w+")
# Words after "are" that describe a plural subject rather than define it.
_NOT_DEFINING = word_set(
    "not set cut put paid able still often usually mostly now then very too less more"
)


def defines(after: Sequence[Token], plural: bool) -> bool:
    """True when the words after "is" or "are" define the subject."""
    word = after[0].bare
    if word == "made":
        return len(after) > 1 and after[1].bare in ("up", "of", "from", "by")
    if word in DEFINING_AFTER_COPULA:
        return True
    # "Enzymes are biological catalysts": a plural subject defined without an article.
    return (
        plural
        and not word.endswith(("ed", "en"))
        and word not in NOT_TERM_START
        and word not in KEY_SKIP
        and word not in _NOT_DEFINING
    )


def _phrase(sentence: Sentence, tokens: Sequence[Token], stop: Collection[str] = ()) -> list[Token]:
    """The leading tokens joined only by spaces or hyphens, up to a word in `stop`."""
    phrase: list[Token] = []
    for token in tokens:
        if token.bare in stop or (
            phrase and not _JOINED.fullmatch(sentence.text, phrase[-1].end, token.start)
        ):
            break
        phrase.append(token)
    return phrase


def _subject(sentence: Sentence) -> list[Token]:
    """ "Osmosis is the ...", "The perfect tense (le passé composé) is used for ..." """
    tokens = sentence.tokens
    text = sentence.text
    start = 1 if tokens[0].bare in ARTICLES else 0
    phrase = _phrase(sentence, tokens[start : start + 5])
    for end in range(1, len(phrase) + 1):
        subject = phrase[:end]
        bracket = _BRACKET.match(text, subject[-1].end)
        rest_start = bracket.end() if bracket else subject[-1].end
        if _IS.match(text, rest_start):
            after = [t for t in tokens if t.start >= rest_start][1:]
            return subject if after and defines(after, subject[-1].bare.endswith("s")) else []
        if DEFINING_VERB.match(text, rest_start):
            return subject
        if bracket and bracket.group().strip():
            return []
    return []


def _named(sentence: Sentence) -> list[list[Token]]:
    """ "... known as the Beer Hall Putsch", "... which is called fermentation" """
    text = sentence.text
    found: list[list[Token]] = []
    for match in NAMING.finditer(text):
        if _SO.search(text, 0, match.start()):
            continue  # "so-called" marks scare quotes
        after = [t for t in sentence.tokens if t.start >= match.end()][:4]
        phrase = _phrase(sentence, after, _NAMED_STOP)
        if phrase and phrase[0].start == match.end():
            found.append(phrase)
    return found


def _appositions(sentence: Sentence) -> list[list[Token]]:
    """ "the Rentenmark, a temporary currency", "an active site, a region with ..." """
    tokens = sentence.tokens
    text = sentence.text
    found: list[list[Token]] = []
    for match in _APPOSITION.finditer(text):
        before = [t for t in tokens if t.end <= match.start()]
        if not before or text[before[-1].end : match.start()].strip():
            continue
        # Introduced with "a" or "an" ("has an active site, a region"), or a name ("the
        # Rentenmark, a currency"): "the enzyme together break, the ..." is a clause.
        phrase: list[Token] = []
        for token in reversed(before[-4:]):
            if token.bare in ("a", "an") or (token.bare == "the" and phrase and phrase[0].cap):
                break
            if token.bare in NOT_TERM_START or token.bare in KEY_SKIP or token.possessive:
                phrase = []
                break
            phrase.insert(0, token)
        else:
            phrase = []
        if phrase and len(phrase) <= 3:
            found.append(phrase)
    return found


def _is_term(phrase: Sequence[Token], person_keys: Collection[str]) -> bool:
    """True when a defined phrase can be a term: no number, pronoun, generic noun, person."""
    bares = [t.bare for t in phrase]
    if (
        not 0 < len(phrase) <= _MAX_DEFINED_WORDS
        or any(c.isdigit() for t in phrase for c in t.text)
        or bares[0] in NOT_TERM_START
        or bares[-1] in KEY_SKIP
        or any(b in ("a", "an", "the", "and", "or") for b in bares[1:])
        or bares[0] in GENERIC
        or bares[-1] in GENERIC
        or phrase[-1].stem in GENERIC
    ):
        return False
    if len(phrase) > 1 or is_acronym(phrase[0].text):
        return True
    token = phrase[0]
    return not (
        common(token.bare)
        or token.bare in PLACES
        or token.bare in TITLES
        or token.possessive
        or any(same_word(key, token.bare) for key in person_keys)
    )


def find_defined(
    index: int, sentence: Sentence, candidates: Candidates, person_keys: Collection[str]
) -> None:
    """Add the phrases that sentence `index` defines."""
    if not sentence.tokens:
        return
    for phrase in [_subject(sentence), *_named(sentence), *_appositions(sentence)]:
        if _is_term(phrase, person_keys):
            candidate = candidates.add([t.text for t in phrase])
            candidate.defined_in.add(index)
            if not (len(phrase) == 1 and is_acronym(phrase[0].text)):
                candidate.evidence.add("defined")
