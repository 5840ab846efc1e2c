"""Evidence of a term: quotation marks around a capitalised phrase ('United Opposition') or a
rare word ('Duumvirate'). Lowercase quotes count only in "known as 'x'" or before a naming noun
("the 'lock and key' model"), since 'free' or 'crimes' are scare quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...words import KEY_SKIP
from .candidates import Candidates
from .sentences import Sentence, Span
from .vocabulary import (
    MAX_TERM_WORDS,
    NAMED_BEFORE,
    NAMING_NOUNS,
    NOT_TERM_START,
    PLACES,
    common,
    ends_with,
)

_OPEN_QUOTES = {"'": "'’", "‘": "'’", '"': '"”', "“": '"”'}
_QUOTE_MARK = re.compile("[" + "".join(_OPEN_QUOTES) + "]")
_NOT_A_PHRASE = re.compile(r"[.!?;:\d]")
_NOUN_AFTER = re.compile(r"['’\"”]\s+(\w+)")
_SO_CALLED = re.compile(r"so-called\s*$", re.IGNORECASE)


def quote_spans(text: str) -> Iterator[Span]:
    """The spans inside quotation marks, telling quotes from apostrophes ("Lenin's", "j'ai")."""
    length = len(text)
    mark = _QUOTE_MARK.search(text)
    while mark is not None:
        position = mark.start()
        closers = _OPEN_QUOTES[text[position]]
        found = -1
        if (
            (position == 0 or text[position - 1] in " \t\n([{—–-/")
            and position + 1 < length
            and not text[position + 1].isspace()
        ):
            for end in range(position + 1, min(length, position + 101)):
                if (
                    text[end] in closers
                    and not text[end - 1].isspace()
                    and (end + 1 == length or not text[end + 1].isalnum())
                ):
                    found = end
                    break
        if found < 0:
            mark = _QUOTE_MARK.search(text, position + 1)
            continue
        yield position + 1, found
        mark = _QUOTE_MARK.search(text, found + 1)


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
            if len(content) == 1 and (common(content[0].bare) or content[0].bare in PLACES):
                continue
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
