"""A term's variants: when two spellings are one word, and which wording a term is listed in.

The glossary's test of a misspelling is stricter than `spelling.is_typo_of`, which `check`
uses to suggest a correction to a reader: here a yes merges two terms without asking anyone,
so two dictionary words never merge ("alkane", "alkene"), the first letter must match and
short words must match exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ...edits import edit_distance
from ...spelling import edits1, english_frequencies
from ...words import KEY_SKIP, bare, fold, stem
from .vocabulary import known


@functools.lru_cache(maxsize=1 << 16)
def same_word(a: str, b: str) -> bool:
    """True when `a` and `b` (folded, singular) are one word, one of them misspelt.

    A slip of one letter in a word of five or more letters, or two in one of eight or more,
    with the first letter right; two dictionary words are always two words.
    """
    if a == b:
        return True
    if not a or not b or a[0] != b[0] or (known(a) and known(b)):
        return False
    shortest = min(len(a), len(b))
    allowed = 2 if shortest >= 8 else 1 if shortest >= 5 else 0
    return allowed > 0 and edit_distance(a, b, allowed) <= allowed


def correction(word: str) -> str:
    """The most frequent dictionary word one edit away from a misspelt word, or the word itself.

    One edit catches most slips of the keys ("factinos"); the spell checker's ranked search,
    which also looks two edits away, would rank by how people type rather than by how common
    the word is, and is slower.
    """
    folded = bare(word)
    if known(folded):
        return word
    frequencies = english_frequencies()
    found = {edit for edit, _cost in edits1(folded) if edit in frequencies}
    if not found:
        return word
    return min(found, key=lambda w: (-frequencies[w], w))


def recase(word: str, like: str) -> str:
    """`word` with the capitalisation of `like`."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def title_case(words: Sequence[str]) -> str:
    """Words of a name in title case: linking words lower case, other words capitalised."""
    result: list[str] = []
    for index, word in enumerate(words):
        if index and fold(word) in KEY_SKIP:
            result.append(word.lower())
        elif word[:1].islower():
            result.append(word[:1].upper() + word[1:])
        else:
            result.append(word)
    return " ".join(result)


def correct_spellings(spellings: list[list[str]]) -> None:
    """Correct, in place, misspelt words where a term's spellings disagree ("Testemant").

    A word is corrected to the dictionary word one edit away when that is the same word, else
    to another spelling's dictionary word in the same place.
    """
    width = max(len(s) for s in spellings)
    for column in range(width):
        seen = {fold(s[column]) for s in spellings if column < len(s)}
        if len(seen) < 2:
            continue
        for spelling in spellings:
            if column >= len(spelling):
                continue
            word = spelling[column]
            if known(word) or fold(word) in KEY_SKIP:
                continue
            fixed = correction(word)
            if fixed != word and same_word(stem(fold(fixed)), stem(bare(word))):
                spelling[column] = recase(fixed, word)
                continue
            others = [
                s[column]
                for s in spellings
                if column < len(s) and known(s[column]) and same_word(bare(s[column]), bare(word))
            ]
            if others:
                spelling[column] = recase(others[0], word)


def most_common_wording(spellings: Sequence[Sequence[str]]) -> list[str]:
    """The most common wording; among equals the fuller one ("Ban on Factions" over "Ban of
    Faction"), then the first."""
    counts: dict[str, int] = {}
    firsts: dict[str, Sequence[str]] = {}
    for spelling in spellings:
        wording = fold(" ".join(spelling))
        counts[wording] = counts.get(wording, 0) + 1
        firsts.setdefault(wording, spelling)
    order = list(firsts)
    best = max(order, key=lambda w: (counts[w], len(w), -order.index(w)))
    return list(firsts[best])
