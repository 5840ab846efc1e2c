"""Words compared as a reader compares them, without case, accents, possessives or plurals: the
glossary and the CSV exporter agree through these helpers on when two terms are one."""

from __future__ import annotations

import functools
import re
import unicodedata


def word_set(text: str) -> frozenset[str]:
    """The words of a text separated by white space, as a set: for writing word lists."""
    return frozenset(text.split())


WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
"""A word: a letter, then letters, digits, apostrophes or hyphens, ending in a letter or digit."""

LINKING_WORDS = word_set(
    "of on in the for upon to at a an de du des la le les von van der den di da del y"
)
"""Words that may join the capitalised words of a name ("Treaty of Versailles")."""

KEY_SKIP = LINKING_WORDS | {"and", "&"}
"""Words a term's key leaves out, so that "Ban of Faction" and "ban on factions" meet."""

_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=_CACHE_SIZE)
def fold(text: str) -> str:
    """Text without accents and case, for comparing and sorting: "Passé" gives "passe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("’", "'")


@functools.lru_cache(maxsize=_CACHE_SIZE)
def bare(word: str) -> str:
    """A word folded, without a possessive ending: "Lenin's" gives "lenin"."""
    word = fold(word)
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


@functools.lru_cache(maxsize=_CACHE_SIZE)
def stem(word: str) -> str:
    """A crude singular, enough to merge "factions" with "faction"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def term_key(term: str) -> str:
    """The key under which two spellings of a term count as one.

    Case, accents, possessives, plurals, hyphens and linking words are ignored: "Ban of
    Faction" and "ban on factions" share the key `ban faction`.
    """
    # "Break-even" and "break even" are one term.
    words = [bare(part) for w in WORD.findall(term) for part in w.split("-") if part]
    content = [stem(w) for w in words if w not in KEY_SKIP]
    return " ".join(content or words)


def sort_key(term: str) -> tuple[str, str, str]:
    """The order of a glossary: by term, without regard to case, accents or leading quotes."""
    folded = fold(term)
    return (folded.lstrip("'\"‘“(-– "), folded, term)
