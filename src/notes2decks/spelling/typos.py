"""What counts as a typo, judged against the word list and the notes' own words: not a name or
term the notes use consistently, but a slip of one they use more often (`Kamenv` for `Kamenev`),
words run together (`theywould`) or split (`where as`), and doubled words (`to to`)."""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass

from ..edits import edit_distance
from ..words import word_set
from .lexicon import Lexicon

# Doubled words that English grammar allows ("he had had enough", "he said that that was all").
_GRAMMATICAL_DOUBLES = frozenset({"had", "that"})

SPLIT_WORDS = {
    tuple(words.split("+")): words.replace("+", "")
    for words in """
    where+as in+tact there+fore never+the+less al+though it+self him+self her+self them+selves
    your+self my+self our+selves there+after where+by through+out not+with+standing
    what+so+ever further+more every+where some+where where+abouts where+upon there+upon
    """.split()  # noqa: SIM905 - a list of words reads best as words
}
"""Words (lower case) that are one word written as two or three, never meant so, to that word."""

# A suggestion must be at least this common for a capitalised word at the start of a sentence
# to count as a misspelling: otherwise the word may well be a name used once.
_COMMON_FOR_CAPITALS = 2_000
# A word this common after a capitalised start makes a run-together ("Triumviratewas").
_VERY_COMMON = 100_000
# Lower-case words that are part of a name before a capitalised word: van der Waals, de Gaulle,
# von Papen, ibn Saud.
_PARTICLES = word_set(
    "al bin da das de del della den der des di do dos du el ibn la le ten ter van von y zu"
)
# Words at least this common are everyday English, not names or terms of the notes.
_EVERYDAY = 20_000
# How much worse than the best suggestion another may score and still be offered.
_SUGGESTION_SPREAD = 2.0
# A lower-case word and a capital stuck to it: "notM" of "notM ake", and "theyWould".
_SLIPPED_CAPITAL = re.compile(r"([a-z]{2,})([A-Z])")
_CAMEL_RUN_TOGETHER = re.compile(r"([a-z]{2,})([A-Z][a-z]*)")
# Endings that make a related word, not a typo: Russia and Russian, Leninism and Leninist.
_RELATED_ENDINGS = ("", "s", "es", "n", "an", "ian", "i", "ic", "ism", "ist", "ite", "ese", "ish")


class Slip(enum.Enum):
    """The kinds of typo: no English word but close to some, a slip of a word the notes use more
    often, or two words typed without the space between them."""

    UNKNOWN = "unknown"
    OF_NOTES_WORD = "of-notes-word"
    RUN_TOGETHER = "run-together"


@dataclass(frozen=True, slots=True)
class Typo:
    """Why a word looks misspelt, and what it should be."""

    slip: Slip
    """The kind of typo."""
    suggestions: tuple[str, ...]
    """The likely corrections, best first, in the word's case."""
    used: int = 0
    """For a slip of a notes word, how many times the notes use that word."""


def is_typo_of(typo: str, word: str) -> bool:
    """True when `typo` reads as a slip in typing `word`: one edit, or for words of seven letters
    or more two that look like typing, the same letters in another order (`Testemant`) or two
    letters dropped (`Bolshvks`)."""
    if typo == word or abs(len(typo) - len(word)) > 2:
        return False
    distance = edit_distance(typo, word, 2)
    if distance <= 1:
        return True
    if distance > 2 or min(len(typo), len(word)) < 7:
        return False
    letters = iter(word)
    dropped = len(word) - len(typo) == 2 and all(ch in letters for ch in typo)
    return dropped or sorted(typo) == sorted(word)


def misspelling(
    word: str, counts: Counter[str], lexicon: Lexicon, *, initial: bool, mixed: bool
) -> Typo | None:
    """Why `word` looks misspelt, or None. `counts`: the notes' words, case folded, to how often
    each is used; `initial`: a capital would be there anyway; `mixed`: beside another language."""
    if len(word) < 2 or word.isupper():
        return None
    if any(ch.isupper() for ch in word[1:]):
        return _camel_run_together(word, counts, lexicon)
    key = word.casefold().replace("\u2019", "'")
    if lexicon.known(key) or counts[key] > 1:
        return None
    if "'" in key:
        return _misplaced_apostrophe(word, key, lexicon)
    capital = word[0].isupper()

    typo = _slip_of_notes_word(word, key, counts, lexicon, everyday=False)
    if typo is not None:
        return typo

    parts = lexicon.split(word, counts)
    if parts is not None:
        left, right = parts
        # A capitalised word splits only on a name of the notes or a very common word after
        # it, so that a name used once ("Comecon", "Fairweather") is not taken apart.
        if not capital or counts[left.casefold()] > 1 or lexicon.frequency(right) >= _VERY_COMMON:
            return Typo(Slip.RUN_TOGETHER, (f"{left} {right}",))

    if capital and not initial:
        # A capitalised word mid-sentence is a name or a term, unless it is a slip of a word
        # the notes use more often ("the Provisional Goverment").
        return _slip_of_notes_word(word, key, counts, lexicon, everyday=True)
    if mixed:
        return None  # beside words of another language, an unknown word may be one of them
    suggestions = lexicon.suggest(key, counts)
    if suggestions and suggestions[0].distance > 1:
        # Two edits from the nearest English word, a word is more likely a term the list lacks
        # ("stroma", "pyruvate") than a typo, unless the notes use that word elsewhere.
        suggestions = [s for s in suggestions if counts[s.word] > 0]
    if not suggestions:
        return None  # nothing English is close: more likely a term than a typo
    best = suggestions[0]
    # A capitalised word at the start of a sentence may be a name used once: only a slip of
    # one edit from a common word with the same first letter counts as a misspelling.
    if capital and (
        best.distance > 1
        or best.word[0] != key[0]
        or lexicon.frequency(best.word) < _COMMON_FOR_CAPITALS
    ):
        return None
    offered = [s.word for s in suggestions if s.score <= best.score + _SUGGESTION_SPREAD]
    return Typo(Slip.UNKNOWN, tuple(match_case(s, word) for s in offered))


def slipped_capital(word: str, after: str, lexicon: Lexicon) -> str | None:
    """The two words meant by `word after` when a word's first letter stuck, in capitals, to
    the word before (`notM ake` for `not make`, as copying from a web page can leave it)."""
    match = _SLIPPED_CAPITAL.fullmatch(word)
    if match is None or not after.islower():
        return None
    left, letter = match.groups()
    whole = letter.lower() + after
    if lexicon.known(after) or not (lexicon.known(left) and lexicon.known(whole)):
        return None
    return f"{left} {whole}"


def is_particle(word: str, after: str) -> bool:
    """True for a lower-case part of a name before its capitalised part (`de Gaulle`)."""
    return word in _PARTICLES and after[:1].isupper()


def is_doubled(first: str, second: str, *, initial: bool) -> bool:
    """True when `second` repeats `first` by mistake; `initial` as for `misspelling`, of the
    first word."""
    word = second.casefold()
    if word != first.casefold() or word in _GRAMMATICAL_DOUBLES:
        return False
    # "Bora Bora", "Walla Walla": a capitalised pair mid-sentence is a name.
    return not (first[:1].isupper() and second[:1].isupper() and not initial)


def match_case(word: str, like: str) -> str:
    """`word` with a capital first letter when `like` has one."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _misplaced_apostrophe(word: str, key: str, lexicon: Lexicon) -> Typo | None:
    # "does'nt" is "doesn't"; "o'erleaps" and "under't" are poetry, which no list holds. Only a
    # contraction one slip away counts.
    found = [s for s in lexicon.suggest(key) if s.distance == 1 and "'" in s.word]
    return Typo(Slip.UNKNOWN, (match_case(found[0].word, word),)) if found else None


def _camel_run_together(word: str, counts: Counter[str], lexicon: Lexicon) -> Typo | None:
    # "theyWould", "notM": a lower-case word with a capital stuck to it. Words that start in
    # lower case and change case on purpose (iPhone, eBay) have a one-letter first part.
    match = _CAMEL_RUN_TOGETHER.fullmatch(word)
    if match is None or not lexicon.known(match[1]):
        return None
    left, right = match.groups()
    if len(right) > 1 and not (lexicon.known(right) or counts[right.casefold()] > 1):
        return None
    if len(right) > 1 and counts[right.casefold()] < 2:
        right = right.lower()  # "theyAbsorb": an ordinary word, not a name
    return Typo(Slip.RUN_TOGETHER, (f"{left} {right}",))


def _slip_of_notes_word(
    word: str, key: str, counts: Counter[str], lexicon: Lexicon, *, everyday: bool
) -> Typo | None:
    # The notes' name or term, used more often, that this word (`key` folded) is a slip of.
    # Everyday words are left to the dictionary, which also weighs a split ("hada": "had a").
    best: tuple[int, str] | None = None
    mine = counts[key]
    for other, used in counts.items():
        if used < 2 or used <= mine or abs(len(other) - len(key)) > 2:
            continue
        if not everyday and lexicon.frequency(other) >= _EVERYDAY:
            continue
        if _related(key, other) or not is_typo_of(key, other):
            continue
        if best is None or (used, other) > best:
            best = (used, other)
    return None if best is None else Typo(Slip.OF_NOTES_WORD, (match_case(best[1], word),), best[0])


def _related(a: str, b: str) -> bool:
    # Two words that differ only by an ending that makes a related word.
    for end_a in _RELATED_ENDINGS:
        stem = a[: len(a) - len(end_a)]
        if a.endswith(end_a) and any(b == stem + end for end in _RELATED_ENDINGS if end != end_a):
            return True
    return False
