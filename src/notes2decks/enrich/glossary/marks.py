"""Evidence of a term in how it is written: an acronym (NEP), unless a chemical formula, Roman
numeral or date mark; or quotation marks around a capitalised phrase ('United Opposition') or a
rare word ('Duumvirate'). Lowercase quotes count only in "known as 'x'" or before a naming noun
("the 'lock and key' model"), since 'free' or 'crimes' are scare quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...words import KEY_SKIP, WORD
from .candidates import Candidates
from .sentences import Sentence, Span
from .vocabulary import (
    MAX_TERM_WORDS,
    NAMED_BEFORE,
    NAMING_NOUNS,
    NOT_ACRONYMS,
    NOT_TERM_START,
    PLACES,
    acronym_letters,
    common,
    ends_with,
    formula_like,
    is_acronym,
)

_BRACKETED = re.compile(r"\s*\(([^()]{3,80})\)")
_OPEN_QUOTES = {"'": "'’", "‘": "'’", '"': '"”', "“": '"”'}
_OPENING = re.compile(r"(?:^|(?<=[ \t\n(\[{—–/-]))['‘\"“](?=\S)")
"""An opening quotation mark: first or after a space, bracket, dash or slash; then no space."""
_NOT_A_PHRASE = re.compile(r"[.!?;:\d]")
_NOUN_AFTER = re.compile(r"['’\"”]\s+(\w+)")
_SO_CALLED = re.compile(r"so-called\s*$", re.IGNORECASE)


def spells(acronym: str, long_form: str) -> bool:
    """True when an acronym's letters appear in order in `long_form`, its first letter starting
    the first word (Schwartz and Hearst, 2003): "NEP" spells "New Economic Policy"."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    text = long_form.lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    cursor = len(text) - 1
    for number, letter in reversed(list(enumerate(letters))):
        while cursor >= 0 and (
            text[cursor] != letter or (number == 0 and cursor > 0 and text[cursor - 1].isalnum())
        ):
            cursor -= 1
        if cursor < 0:
            return False
        cursor -= 1
    return True


def expansion(sentence: Sentence, position: int) -> str:
    """The words an acronym stands for, when the sentence spells them out next to it."""
    token = sentence.tokens[position]
    acronym = acronym_letters(token.text)
    text = sentence.text
    longest = min(len(acronym) + 5, 2 * len(acronym))
    # "New Economic Policy (NEP)": the shortest run of words before it that spells it.
    if text[: token.start].rstrip().endswith("(") and text[token.end :].startswith(")"):
        before = [t for t in sentence.tokens[:position] if t.end <= token.start]
        for count in range(1, min(longest, len(before)) + 1):
            words = before[-count:]
            long_form = text[words[0].start : words[-1].end]
            if words[0].bare not in KEY_SKIP and spells(acronym, long_form):
                return long_form
    # "ATP (adenosine triphosphate)"
    if bracket := _BRACKETED.match(text, token.end):
        long_form = bracket.group(1).strip()
        if len(WORD.findall(long_form)) <= longest and spells(acronym, long_form):
            return long_form
    return ""


def find_acronyms(index: int, sentence: Sentence, candidates: Candidates) -> None:
    """Add the acronyms of sentence `index`, with what they stand for if it says."""
    tokens = sentence.tokens
    for position, token in enumerate(tokens):
        if not is_acronym(token.text) or token.bare in NOT_ACRONYMS:
            continue
        neighbours = tokens[max(0, position - 1) : position] + tokens[position + 1 : position + 2]
        if any(n.text.isupper() and len(n.text) > 1 for n in neighbours):
            continue  # a phrase in capitals, such as a mnemonic, not an acronym
        spelt_out = expansion(sentence, position)
        if not spelt_out and (formula_like(token.text) or common(token.bare)):
            continue
        candidate = candidates.add([token.text])
        candidate.acronym = acronym_letters(token.text)
        candidate.evidence.add("acronym")
        if spelt_out and not candidate.expansion:
            candidate.expansion = spelt_out
            candidate.introduced_in.add(index)


def quote_spans(text: str) -> Iterator[Span]:
    """The spans inside quotation marks, telling quotes from apostrophes ("Lenin's", "j'ai")."""
    position = 0
    while mark := _OPENING.search(text, position):
        opening = mark.start()
        position = opening + 1
        closers = _OPEN_QUOTES[text[opening]]
        for end in range(position, min(len(text), opening + 101)):
            if (
                text[end] in closers
                and not text[end - 1].isspace()
                and not text[end + 1 : end + 2].isalnum()
            ):
                yield position, end
                position = end + 1
                break


def find_quoted(index: int, sentence: Sentence, candidates: Candidates) -> None:
    """Add the quoted terms of sentence `index`."""
    text = sentence.text
    for start, end in quote_spans(text):
        inner = text[start:end]
        words = [t for t in sentence.tokens if start <= t.start and t.end <= end]
        if not words or len(words) > MAX_TERM_WORDS or _NOT_A_PHRASE.search(inner):
            continue
        content = [t for t in words if t.bare not in KEY_SKIP]
        if not content or words[0].bare in NOT_TERM_START:
            continue
        if "," in inner and not all(t.cap for t in content):
            continue
        written = [t.text for t in words]
        if content[0].cap and content[-1].cap:
            if len(content) > 1 or not (common(content[0].bare) or content[0].bare in PLACES):
                candidates.add(written).evidence.add("quoted")
            continue
        following = _NOUN_AFTER.match(text, end)
        noun = following.group(1) if following else ""
        before = text[: start - 1]
        if noun.lower() in NAMING_NOUNS:
            candidate = candidates.add([*written, noun])
            candidate.suffix = noun
        elif (ends_with(NAMED_BEFORE, before) and not ends_with(_SO_CALLED, before)) or (
            len(content) > 1 and content[-1].bare in NAMING_NOUNS
        ):
            # "the 'domino theory'" names itself by its last word.
            candidate = candidates.add(written)
        else:
            continue
        candidate.evidence.add("quoted")
        candidate.defined_in.add(index)
