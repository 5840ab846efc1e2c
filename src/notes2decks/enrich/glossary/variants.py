"""A term's variants: when two spellings are one word, and which wording a term is listed in.

Stricter than `spelling.is_typo_of` (which only suggests): a yes here merges two terms unasked."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from ...edits import edit_distance
from ...spelling import edits1, english_frequencies
from ...words import KEY_SKIP, bare, fold, stem
from .vocabulary import known


@functools.lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> bool:
    """True when `a` and `b` (folded, singular) are one word, one of them misspelt: a slip of one
    letter in five or more, two in eight or more, the first letter right; never two dictionary
    words ("alkane", "alkene")."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0] or (known(a) and known(b)):
        return False
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 8 else 1 if shortest >= 5 else 0
    return allowed > 0 and edit_distance(a, b, allowed) <= allowed


def correction(word: str) -> str:
    """The most frequent dictionary word one edit away from a misspelt word ("factinos"), or the
    word itself."""
    folded = bare(word)
    if known(folded):
        return word
    frequencies = english_frequencies()
    found = {edit for edit, _cost in edits1(folded) if edit in frequencies}
    return min(found, key=lambda w: (-frequencies[w], w), default=word)


def recase(word: str, like: str) -> str:
    """`word` with the capitalisation of `like`."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def title_case(words: Sequence[str]) -> str:
    """Words of a name in title case: linking words lower case, other words capitalised."""
    return " ".join(
        word.lower()
        if index and fold(word) in KEY_SKIP
        else (word[:1].upper() + word[1:] if word[:1].islower() else word)
        for index, word in enumerate(words)
    )


def correct_spellings(spellings: list[list[str]]) -> None:
    """Correct, in place, misspelt words where a term's spellings disagree ("Testemant"): to the
    dictionary word one edit away when that is the same word, else to another spelling's
    dictionary word in the same place."""
    for column in range(max(len(s) for s in spellings)):
        present = [s for s in spellings if column < len(s)]
        if len({fold(s[column]) for s in present}) < 2:
            continue
        for spelling in present:
            word = spelling[column]
            if known(word) or fold(word) in KEY_SKIP:
                continue
            fixed = correction(word)
            dictionary = [s[column] for s in present if known(s[column])]
            if fixed != word and same_word(stem(fold(fixed)), stem(bare(word))):
                spelling[column] = recase(fixed, word)
            elif others := [o for o in dictionary if same_word(bare(o), bare(word))]:
                spelling[column] = recase(others[0], word)


def most_common_wording(spellings: Sequence[Sequence[str]]) -> list[str]:
    """The most common wording; among equals the fuller one ("Ban on Factions" over "Ban of
    Faction"), then the first."""
    wordings = [fold(" ".join(spelling)) for spelling in spellings]
    counts = Counter(wordings)
    best = max(counts, key=lambda w: (counts[w], len(w)))
    return list(spellings[wordings.index(best)])
