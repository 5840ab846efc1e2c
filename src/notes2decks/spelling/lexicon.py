"""The English word list (pyspellchecker's, British spellings counting as their American forms):
which words are known, how common each is, and what a typo meant, ranked by edit cost and
frequency."""

from __future__ import annotations

import contextlib
import functools
import math
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..usercache import read_cached, write_cached
from ..words import word_set
from .british import BRITISH_WORDS, american_endings, american_forms

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_VOWELS = frozenset("aeiouy")
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")

# Real two-letter words; other two-letter entries of the frequency list (from film subtitles and
# web text) are abbreviations and interjections that must not make "ac" + "used" a split.
_TWO_LETTER_WORDS = word_set(
    "am an as at be by do go he if in is it me my no of on or so to up us we"
)

# The little words that typing runs into their neighbours: articles, pronouns, prepositions,
# conjunctions and auxiliaries.
_FUNCTION_WORDS = word_set(
    """
    a an the and or but nor so yet if of to in on at by for with from into onto as than that
    this these those there their they them he him his she her it its we us our you your me my
    who whom which what when where why how is was were are be been am has have had do does did
    will would shall should can could may might must not no all some any each every also until
    till after before because while about then too very just
    """
)

# Prefixes that make new words from known ones: "bilayer", "nonmetal", "subatomic" are words of
# science notes that a general list may lack.
_PREFIXES = word_set(
    "anti auto bi co counter de dis extra hyper hypo inter intra macro micro mid mini mis multi "
    "neo non over poly post pre pro pseudo re semi sub super trans tri ultra un under uni"
)
# Prefixes also written as words of their own ("multi line", "semi final").
_STANDALONE_PREFIXES = frozenset(p for p in _PREFIXES if len(p) >= 4)
# Suffixes that make new words from known ones: "bitwise", "lossless", "pointlike".
_SUFFIXES = word_set("able less like ness ship wise ful hood ism ist ment")
# The known word beside a prefix or suffix must be at least this long.
_MIN_AFFIXED = 3
# A word with an affix is not believed when it is one slip from a word at least this common:
# "untill" is "until", not "un" + "till".
_COMMON_NEIGHBOUR = 10_000

# A part of a run-together word must be at least this common to be believed.
_SPLIT_MIN_FREQUENCY = 1_000
# The word list gives its rarest words 50; suggesting words that rare is mostly noise.
_FLOOR = 100
# What a British word that no rule reaches counts as.
_BRITISH_FREQUENCY = 5_000
# Longer words get only edits at distance 1: distance 2 is slow and rarely right for them.
_MAX_LENGTH_FOR_DISTANCE_2 = 8


def _neighbours() -> dict[str, frozenset[str]]:
    grid = {ch: (row, col) for row, keys in enumerate(_KEY_ROWS) for col, ch in enumerate(keys)}
    result: dict[str, frozenset[str]] = {}
    for ch, (row, col) in grid.items():
        # Each row sits about half a key right of the one above it.
        near = {(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1)}
        near |= {(row + 1, col - 1), (row + 1, col)}
        result[ch] = frozenset(k for k, place in grid.items() if place in near)
    return result


_NEAR_KEYS = _neighbours()


def edits1(word: str) -> Iterator[tuple[str, float]]:
    """Every string one edit from `word`, with the edit's cost (lower is a likelier typo): a
    doubled letter, a swap or a neighbouring key is cheapest, the first letter dearest."""
    n = len(word)
    for i in range(n):
        first = 1.0 if i == 0 else 0.0
        ch = word[i]
        doubled = (i > 0 and word[i - 1] == ch) or (i + 1 < n and word[i + 1] == ch)
        yield word[:i] + word[i + 1 :], first + (0.5 if doubled else 1.0)
        if i + 1 < n and word[i + 1] != ch:
            yield word[:i] + word[i + 1] + ch + word[i + 2 :], first + 0.8
        for other in _LETTERS:
            if other == ch:
                continue
            vowels = ch in _VOWELS and other in _VOWELS
            cost = 0.6 if other in _NEAR_KEYS.get(ch, ()) else 0.8 if vowels else 1.0
            yield word[:i] + other + word[i + 1 :], first + cost
    for i in range(n + 1):
        first = 1.0 if i == 0 else 0.0
        for other in _LETTERS:
            doubles = (i > 0 and word[i - 1] == other) or (i < n and word[i] == other)
            yield word[:i] + other + word[i:], first + (0.6 if doubles else 1.0)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A likely correction of a misspelt word."""

    word: str
    """The correction, in lower case."""
    distance: int
    """How many edits away it is: 1 or 2."""
    score: float
    """The ranking score (lower ranks first): the cost less the correction's log frequency."""


@dataclass(slots=True)
class Lexicon:
    """An English word list with frequencies, accepting British spellings."""

    frequencies: Mapping[str, int]
    """Lower-case word to how common it is."""
    _cache: dict[str, tuple[dict[str, float], int]] = field(default_factory=dict, repr=False)
    _known: dict[str, bool] = field(default_factory=dict, repr=False)

    def frequency(self, word: str) -> int:
        """How common a word is, 0 when it is not English; British spellings count as
        their American forms."""
        word = word.lower().replace("\u2019", "'")
        return self._listed(word) or self._first_listed(american_forms(word))

    def _listed(self, word: str) -> int:
        return self.frequencies.get(word, 0) or (_BRITISH_FREQUENCY if word in BRITISH_WORDS else 0)

    def _first_listed(self, forms: Iterator[str]) -> int:
        return next((n for n in map(self.frequencies.get, forms) if n), 0)

    def _suggestable(self, word: str) -> int:
        # A correction must be a listed word or a regular British form of one; the digraph
        # rules (ae, oe) would make "daefence" a word by way of "defence" and "defense".
        return self._listed(word) or self._first_listed(american_endings(word))

    def known(self, word: str) -> bool:
        """True when the word is English (in any case): listed, a British spelling of a
        listed word, or a listed word with a prefix or suffix that is no slip of a common
        word."""
        word = word.lower()
        # Notes use the same words again and again: each is judged once.
        known = self._known.get(word)
        if known is None:
            known = self.frequency(word) > 0 or word in _STANDALONE_PREFIXES or self._derived(word)
            self._known[word] = known
        return known

    def _derived(self, word: str) -> bool:
        # A prefix or suffix on a listed word ("bilayer", "lossless"), unless a slip ("untill").
        stems = [
            word[len(prefix) :]
            for prefix in _PREFIXES
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_AFFIXED
        ]
        stems += [
            word[: -len(suffix)]
            for suffix in _SUFFIXES
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_AFFIXED
        ]
        if not any(self.frequency(stem) for stem in stems):
            return False
        return not any(self._listed(near) >= _COMMON_NEIGHBOUR for near in self._edits(word))

    def _candidates(self, word: str) -> tuple[dict[str, float], int]:
        # Known words one edit away (two for short words), with their cheapest cost; cached.
        word = word.lower()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        distance = 1
        first = self._edits(word)
        found = {c: cost for c, cost in first.items() if self._suggestable(c) > _FLOOR}
        if not found and len(word) <= _MAX_LENGTH_FOR_DISTANCE_2:
            distance = 2
            # Only listed words at distance 2: about 100,000 strings per word, so each must
            # cost no more than a dictionary look-up.
            listed = self.frequencies
            for middle, cost1 in first.items():
                for candidate, cost2 in edits1(middle):
                    if listed.get(candidate, 0) > _FLOOR and candidate != word:
                        cost = cost1 + cost2 + 1.0
                        if cost < found.get(candidate, math.inf):
                            found[candidate] = cost
        self._cache[word] = (found, distance)
        return found, distance

    def _edits(self, word: str) -> dict[str, float]:
        cheapest: dict[str, float] = {}
        for candidate, cost in edits1(word):
            if cost < cheapest.get(candidate, math.inf):
                cheapest[candidate] = cost
        return cheapest

    def suggest(
        self, word: str, vocabulary: Mapping[str, int] | None = None, limit: int = 3
    ) -> list[Suggestion]:
        """The likeliest corrections of an unknown word, best first; words that the same notes
        use elsewhere (`vocabulary`, lower case to count) rank higher."""
        ranked: list[Suggestion] = []
        found, distance = self._candidates(word)
        for candidate, cost in found.items():
            score = cost - math.log10(self._suggestable(candidate))
            if vocabulary and vocabulary.get(candidate, 0) > 0:
                score -= 1.5
            ranked.append(Suggestion(candidate, distance, score))
        ranked.sort(key=lambda s: (s.score, s.word))
        return ranked[:limit]

    def is_common(self, part: str) -> bool:
        """True for a word common enough to be one half of two words run together."""
        part = part.lower()
        if len(part) == 1:
            return part == "a"
        if len(part) == 2 and part not in _TWO_LETTER_WORDS:
            return False
        return self.frequency(part) >= _SPLIT_MIN_FREQUENCY

    def split(self, word: str, names: Mapping[str, int] | None = None) -> tuple[str, str] | None:
        """Two words that `word` runs together (`theywould` -> `they`, `would`), or None. A part
        may be a common word or a name the notes use more than once (`names`, lower case to
        count); of several splits, the one whose rarer part is commonest wins."""
        names = names or {}
        best: tuple[float, str, str] | None = None
        lower = word.lower()
        for i in range(1, len(word)):
            left, right = lower[:i], lower[i:]
            left_ok = self.is_common(left) or names.get(left, 0) > 1
            right_ok = self.is_common(right) or names.get(right, 0) > 1
            # Typing runs a word into a little word ("theywould", "hada", "Triumviratewas");
            # two content words together are usually a compound ("dataset", "bitwise").
            glue = left in _FUNCTION_WORDS or right in _FUNCTION_WORDS or names.get(left, 0) > 1
            if not (left_ok and right_ok and glue):
                continue
            weakest = min(self.frequency(part) or _BRITISH_FREQUENCY for part in (left, right))
            if best is None or weakest > best[0]:
                best = (weakest, word[:i], word[i:])
        return None if best is None else (best[1], best[2])


@functools.cache
def english() -> Lexicon:
    """The English lexicon (pyspellchecker's list, shipped with it), loaded once per process."""
    return Lexicon(english_frequencies())


@functools.cache
def english_frequencies() -> Mapping[str, int]:
    """pyspellchecker's English word frequencies, loaded once per process: from a pickled copy
    in the user's cache folder (keyed by the package's version), quicker than its gzipped JSON."""
    from importlib.metadata import version

    name = f"en-frequencies-{version('pyspellchecker')}.pickle"
    cached = read_cached(name)
    if cached is not None:
        with contextlib.suppress(pickle.UnpicklingError, EOFError, ValueError, TypeError):
            loaded = pickle.loads(cached)
            if isinstance(loaded, dict) and loaded:
                return loaded
    from spellchecker import SpellChecker

    words: dict[str, int] = dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)
    write_cached(name, pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL))
    return words
