"""Evidence of a term: an acronym (NEP), unless a chemical formula, Roman numeral or date mark."""

from __future__ import annotations

import re

from ...words import KEY_SKIP, WORD
from .candidates import Candidates
from .sentences import Sentence
from .vocabulary import NOT_ACRONYMS, acronym_letters, common, formula_like, is_acronym

_BRACKETED = re.compile(r"\s*\(([^()]{3,80})\)")


def spells(acronym: str, long_form: str) -> bool:
    """True when an acronym's letters appear in order in `long_form`, its first letter starting
    the first word: the test of Schwartz and Hearst (2003), so "ATP" spells "adenosine
    triphosphate" and "NEP" spells "New Economic Policy"."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    text = long_form.lower()
    if not letters or not text or text[0] != letters[0]:
        return False
    cursor = len(text) - 1
    for number in range(len(letters) - 1, -1, -1):
        letter = letters[number]
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
    bracket = _BRACKETED.match(text, token.end)
    if bracket:
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
