"""Terms the author marked: `**Term** - definition` anywhere, plain `Term - definition` in a
list of terms, and bold terms their sentence defines (docs/FORMAT.md, "Key terms in the text")."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence

from ...model import (
    Blocks,
    BulletList,
    CardKind,
    CodeBlock,
    Deck,
    GlossaryEntry,
    Heading,
    Paragraph,
    SourceRef,
    Strong,
    TermKind,
    Text,
    inline_source,
    inline_text,
)
from ...words import WORD, bare, term_key, word_set
from .sentences import Sentence, flatten, one_line, tidy_definition
from .vocabulary import (
    APPOSITION_AFTER,
    LABELS,
    MAX_TERM_WORDS,
    NAMED_BEFORE,
    NOT_TERM_START,
    ends_with,
)

_MAX_BOLD_WORDS = 8
_MAX_FIELD_USES = 3
"""A bold label used this often in one file is a field ("Importance"), not a term."""

_ARTICLE = re.compile(r"(?:a|an|the)\s", re.IGNORECASE)
"""A plain line starting with an article is a phrase ("The following must hold: ...")."""
_LEAD_IN = re.compile(r"\s*(?:(?:a|an|the)\s+)?", re.IGNORECASE)
_AFTER_BOLD = re.compile(r"\s*[:\-–—]+\s+")
_INSIDE_BOLD = re.compile(r"\s*(?::|\s[-–—]+)\s*$")
"""A separator written inside the bold: `**Term:** definition`."""
_PLAIN = re.compile(
    r"(?P<term>[^\W\d_][^\n]*?)(?P<sep>\s*[-–—]+\s+|\s*:\s+)(?P<definition>\S.*)",
    re.DOTALL,
)
"""`Term - definition`, `Term – definition`, `Term- definition` or `Term: definition`."""
_SPACED_DASH = re.compile(r"\s+[-–—]+\s+")
_CLAUSE = re.compile(r"^(?:a|an|the)\s|\s(?:is|are|was|were)\s", re.IGNORECASE)
"""A phrase that reads as a clause or starts with an article, so cannot be a term."""
_MIN_RUN = 3
"""How many `Term - definition` lines run together it takes to split a paragraph into them."""
_NOT_A_TERM = re.compile(r"[!?;,]|\.\s|\.$|::|\$|`|\*\*|https?:")
_LISTING_WORDS = word_set(
    """term terms keyterms keyword keywords words vocabulary vocab glossary definition
    definitions terminology jargon"""
)
"""Words of a heading that says its section lists terms ("Key terms", "Vocabulary")."""
_PLAIN_CODE = frozenset({"", "text", "txt", "plain", "plaintext", "none"})
"""Code block languages of text kept as written, which a list of terms may be."""
_ANSWERS = frozenset({"yes", "no", "true", "false"})
_DEFINING_AFTER = re.compile(
    r"\s*(?:\([^()]*\)\s*)?(?:is|are|was|were|means|refers to|describes|stands for)\b"
)

Labelled = tuple[str, str, int, bool]
"""A term found before the labels of the whole file are known: the term as written, the text
after the separator (tidied), its line in the notes (or 0) and whether the term was bold."""


def lists_terms(heading: str) -> bool:
    """True for a heading that names a list of terms: "Key terms", "Vocabulary", "Glossary"."""
    return any(bare(w) in _LISTING_WORDS for w in WORD.findall(heading))


def _term_ok(term: str, bold: bool) -> bool:
    """True for a term of a few words without sentence punctuation; a plain one (not marked by
    the author in bold) must not start like a clause ("It - ...")."""
    words = WORD.findall(term)
    return (
        0 < len(words) <= (_MAX_BOLD_WORDS if bold else MAX_TERM_WORDS)
        and term[:1].isalnum()
        and len(term) > 1  # "N - ...": a letter is notation, not a term
        and not _NOT_A_TERM.search(term)
        and (bold or bare(words[0]) not in NOT_TERM_START)
    )


def _definition(text: str) -> str:
    first = WORD.search(text)
    return tidy_definition(text) if first and bare(first.group()) not in _ANSWERS else ""


def _bold_led(paragraph: Paragraph) -> Iterator[Labelled]:
    """`**Term** - definition`; several when each line of the paragraph is one."""
    # A quick test before the paragraph is flattened: it starts bold, maybe after "a" or "the".
    children = paragraph.children
    first = children[0] if children else None
    if isinstance(first, Text) and len(children) > 1 and _LEAD_IN.fullmatch(first.text):
        first = children[1]
    if not isinstance(first, Strong):
        return
    text, bold, _ = flatten(children)
    if not bold or not _LEAD_IN.fullmatch(text, 0, bold[0][0]):
        return
    # Lines joined into one paragraph: a bold term after the first entry starts another.
    starts: list[tuple[int, int, int]] = []  # (term start, term end, definition start)
    for start, end in bold:
        inside = _INSIDE_BOLD.search(text, start, end)
        after = _AFTER_BOLD.match(text, end)
        if inside and text[end : end + 1].isspace():
            starts.append((start, inside.start(), end))
        elif after:
            starts.append((start, end, after.end()))
        elif not starts:
            return
    for number, (start, end, begin) in enumerate(starts):
        finish = starts[number + 1][0] if number + 1 < len(starts) else len(text)
        term = one_line(text[start:end])
        definition = _definition(text[begin:finish])
        if _term_ok(term, bold=True) and definition:
            line = paragraph.line + number if paragraph.line else 0
            yield term, definition, line, True


def _plain(text: str, line: int, colon: bool) -> Labelled | None:
    """`Term - definition` (or `Term: definition` where `colon`), or None."""
    match = _PLAIN.fullmatch(text.strip())
    if match is None or (not colon and ":" in match.group("sep")):
        return None
    term = one_line(match.group("term"))
    definition = _definition(match.group("definition"))
    if not definition or not _term_ok(term, bold=False) or _ARTICLE.match(term):
        return None
    return term, definition, line, False


def _code_lines(block: CodeBlock, line: int) -> list[Labelled]:
    """The `Term - definition` lines of a plain code block in a list of terms, when most of its
    lines are such: notes kept in a fence to keep their line breaks."""
    if block.language.lower() not in _PLAIN_CODE:
        return []
    lines = [text for ln in block.code.splitlines() if (text := ln.strip().replace("**", ""))]
    found = [entry for ln in lines if (entry := _plain(ln, line, colon=True))]
    return found if len(found) * 2 >= len(lines) else []


def _next_term(text: str, start: int, end: int) -> int:
    """Where the term that ends at `end` starts, when lines were run together: at the last
    capitalised word after `start` that leaves some definition before it; -1 if none."""
    found = -1
    for word in WORD.finditer(text, start, end):
        if word.group()[:1].isupper() and text[start : word.start()].strip():
            found = word.start()
    return found


def _run_together(text: str, line: int) -> list[Labelled]:
    """The entries of three or more `Term - definition` lines that Markdown ran together ("Pull
    factor - attracts you Push factor - ..."), told apart by the capital starting each term."""
    separators = list(_SPACED_DASH.finditer(text))
    if len(separators) < _MIN_RUN:
        return []
    starts = [0]  # where each entry's term starts
    previous = separators[0]
    for separator in separators[1:]:
        start = _next_term(text, previous.end(), separator.start())
        term = text[start : separator.start()]
        if start >= 0 and _term_ok(term, bold=False) and not _CLAUSE.search(term):
            starts.append(start)
            previous = separator
    if len(starts) < _MIN_RUN:
        return []
    spans = enumerate(itertools.pairwise([*starts, len(text)]))
    entries = [_plain(text[a:b], line + number if line else 0, False) for number, (a, b) in spans]
    return [entry for entry in entries if entry is not None] if None not in entries else []


def _paragraph(paragraph: Paragraph, listing: str) -> list[Labelled]:
    if not listing:
        return list(_bold_led(paragraph))
    # Formulas keep their dollars, so that notation ("$T$: a Turing machine") is no term.
    text = inline_source(paragraph.children)
    if entries := _run_together(text, paragraph.line) or list(_bold_led(paragraph)):
        return entries
    entry = _plain(text, paragraph.line, listing == "heading")
    return [entry] if entry else []


def _label(term: str) -> bool:
    """True for a label made of generic words ("Importance", "Method", "See also")."""
    return all(bare(w) in LABELS for w in WORD.findall(term))


def _parent(block: object) -> bool:
    """True for a paragraph that is nothing but bold text (and a colon), not a generic label:
    a parent item (`- **Key words**`) whose items may be terms."""
    if not isinstance(block, Paragraph) or not block.children:
        return False
    first, *rest = block.children
    return (
        isinstance(first, Strong)
        and all(isinstance(c, Text) and not c.text.strip(" :") for c in rest)
        and not _label(inline_text(first.children))
    )


def _blocks(blocks: Blocks, listing: str, line: int) -> Iterator[Labelled]:
    """The labelled terms of some blocks; `listing` is "heading" in a section of terms, "parent"
    under a bold parent item, else "". A code block's terms point at `line`, the card's."""
    outer = listing
    heading_level = 0
    parent = False
    for block in blocks:
        match block:
            case Heading():
                if heading_level and block.level <= heading_level:
                    listing, heading_level = outer, 0
                if lists_terms(inline_text(block.children)):
                    listing, heading_level = "heading", block.level
            case Paragraph():
                yield from _paragraph(block, listing)
            case BulletList():
                inner = listing or ("parent" if parent else "")
                for item in block.items:
                    children = item.children
                    if children and _parent(children[0]):
                        # `- **Key words**` with the terms nested under it
                        yield from _blocks(children[1:], inner or "parent", line)
                    else:
                        yield from _blocks(children, inner, line)
            case CodeBlock():
                if listing == "heading":
                    yield from _code_lines(block, line)
        parent = _parent(block)


def labelled_terms(deck: Deck) -> list[GlossaryEntry]:
    """The terms the notes write as `**Term** - definition`, or as `Term - definition` in a
    list of terms, with the text after the separator as their definition."""
    file = deck.source.file
    found: list[Labelled] = list(_blocks(deck.intro, "", 0))
    for card in deck.cards:
        if card.kind is CardKind.CLOZE:
            continue  # its text is its section's, read there
        heading = card.kind is CardKind.REVISION and lists_terms(inline_text(card.front))
        found.extend(_blocks(card.back, "heading" if heading else "", card.source.line))
    uses = Counter(term_key(term) for term, _, _, bold in found if bold)
    return [
        GlossaryEntry(term, definition, SourceRef(file, line), TermKind.AUTO)
        for term, definition, line, _ in found
        if uses[term_key(term)] < _MAX_FIELD_USES and not _label(term)
    ]


def bold_terms(sentences: Sequence[Sentence], file: str) -> list[GlossaryEntry]:
    """The bold terms that their sentence defines, with that sentence as the definition."""
    found: list[GlossaryEntry] = []
    for sentence in sentences:
        text = sentence.text
        for start, end in sentence.bold:
            term = one_line(text[start:end])
            if (
                0 < len(WORD.findall(term)) <= _MAX_BOLD_WORDS
                and not term.endswith((".", "!", "?", ",", ";"))
                and (
                    _DEFINING_AFTER.match(text, end)
                    or APPOSITION_AFTER.match(text, end)
                    or ends_with(NAMED_BEFORE, text, start)
                )
            ):
                source = SourceRef(file, sentence.line)
                found.append(GlossaryEntry(term, tidy_definition(text), source, TermKind.AUTO))
    return found
