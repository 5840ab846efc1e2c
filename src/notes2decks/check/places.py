"""Where something of the deck stands in the notes file, its line and 1-based column: the file
is searched for the deck's text (the file's text without its markup) from the line it gives."""

from __future__ import annotations

import re

from .prose import Segment, Token


def place(
    token: Token, lines: list[str], segments: list[Segment], tokens: list[Token]
) -> tuple[int, int]:
    """The token's line and column in the file's `lines` (its nth occurrence in its segment is
    its nth in the file from the segment's line on), or its segment's line and 0."""
    segment = segments[token.segment]
    before = sum(
        1
        for t in tokens
        if t.segment == token.segment and t.start < token.start and t.raw == token.raw
    )
    found = _nth_in_lines(lines, token.raw, before, max(segment.line, 1))
    return found or _nth_in_lines(lines, token.raw, 0, 1) or (segment.line, 0)


def locate(text: str, needle: str, line: int, lines_ahead: int = 50) -> tuple[int, int]:
    """The line and 1-based column of `needle` at or after `line` (within a few lines), or
    `line` and 0 when it is not there."""
    lines = text.split("\n")
    for number in range(max(line, 1), min(max(line, 1) + lines_ahead, len(lines) + 1)):
        col = lines[number - 1].find(needle)
        if col >= 0:
            return number, col + 1
    return line, 0


def _nth_in_lines(lines: list[str], word: str, skip: int, first: int) -> tuple[int, int] | None:
    # Not inside a longer word, nor the "s" of "Lenin's"; a quote before the word is fine.
    pattern = re.compile(rf"(?<![\w])(?<![\w]['\u2019]){re.escape(word)}(?![\w])")
    for number in range(first, len(lines) + 1):
        for match in pattern.finditer(lines[number - 1]):
            if skip == 0:
                return number, match.start() + 1
            skip -= 1
    return None
