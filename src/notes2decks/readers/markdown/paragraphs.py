"""Paragraphs to the model: each top-level line is a `Q:`, `A:` or `front :: back` card line (a
draft), a line of tags (`take_tags`) or plain text, and a run of plain lines holding a cloze is
also a cloze draft. A card line that makes no card stays text, with a warning at its line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from ...model import Block, CardKind, Inlines, Paragraph, Text
from .. import ReadContext
from .inlines import InlineConverter, strip_inlines
from .tags import TAG

# `::` or `:::` standing alone between spaces (not `History::Russia`) is a card separator.
_SEPARATOR = re.compile(r"(?<!\S)(:::?)(?!\S)")
_LABEL = re.compile(r"([QA]):(?=\s|$)")
# Inline tokens that end a line or start a cloze: a paragraph holding one is read line by line.
_NOT_ONE_PLAIN_LINE = frozenset({"softbreak", "hardbreak", "cloze_open"})


@dataclass(frozen=True, slots=True)
class Draft:
    """A card before its identity is known."""

    kind: CardKind
    """The kind of card."""
    front: Inlines
    """What the card asks."""
    back: tuple[Block, ...]
    """What the card answers."""
    line: int
    """The 1-based line where the card starts."""
    tags: tuple[str, ...] = ()
    """The tags of its section's heading."""
    section: Inlines = ()
    """The heading shown above its front (`Card.section`)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a paragraph."""

    number: int
    """Its 1-based line in the file."""
    tokens: list[Token]
    """Its top-level inline tokens."""
    end: Token | None
    """The break token that ends it, or None for the paragraph's last line."""


@dataclass(slots=True)
class _Question:
    """A `Q:` card being read, line by line."""

    line: int
    """The line of its `Q:`."""
    written: list[Line] = field(default_factory=list)
    """Its lines as written, labels and all, for when it makes no card."""
    question: list[Line] = field(default_factory=list)
    """The lines of the question."""
    answer_line: int = 0
    """The line of its `A:`, or 0 before it is met."""
    answer: list[Line] = field(default_factory=list)
    """The lines of the answer."""


class ParagraphConverter(InlineConverter):
    """Turns paragraphs into model blocks, collecting the cards it finds in `drafts`."""

    def __init__(self, context: ReadContext) -> None:
        super().__init__(context)
        self.drafts: list[Draft] = []
        self.cloze_context: tuple[Block, ...] = ()
        """The back of the cloze cards found next: the heading of their section."""
        self._tags: list[str] = []

    def take_tags(self) -> list[str]:
        """The tags of the tag lines met since the last call, as written (`#a/b`)."""
        tags, self._tags = self._tags, []
        return tags

    def paragraph_of(self, children: list[Token], line: int, *, cards: bool) -> list[Block]:
        """The blocks of a paragraph of these inline tokens: none, one, or several when card
        lines split it."""
        if not cards:
            return [Paragraph(self.inlines(children, where="a glossary definition"), line)]
        one_line = self._one_line(children, line)
        if one_line is not None:
            return one_line
        lines = split_lines(children, line)
        result: list[Block] = []
        plain: list[Line] = []
        question: _Question | None = None

        def flush_plain() -> None:
            if plain:
                result.extend(self._plain(plain))
                plain.clear()

        def finish_question(before: str = "") -> None:
            nonlocal question
            if question is not None and not question.answer_line:
                self.context.warning(
                    question.line,
                    f"this Q: line has no A: line{before}, so it is kept as text; to make a card, "
                    "write the answer on the next line starting with A: (in the same paragraph or "
                    "list item: a blank line ends the question)",
                )
                plain.extend(question.written)
            elif question is not None and not self._question_card(question):
                plain.extend(question.written)
            question = None

        for current in lines:
            label, rest = _label(current.tokens)
            if label == "Q":
                if question is not None and not question.answer_line:
                    finish_question(f" before the next Q: (line {current.number})")
                flush_plain()
                finish_question()
                question = _Question(
                    current.number, [current], [Line(current.number, rest, current.end)]
                )
            elif label == "A" and question is None:
                self.context.warning(
                    current.number,
                    "this A: line has no Q: line before it, so it is kept as text; start the "
                    "question with Q: on the line above (or write A\\: to show 'A:' without "
                    "this warning)",
                )
                plain.append(current)
            elif label == "A" and question is not None and not question.answer_line:
                question.answer_line = current.number
                question.written.append(current)
                question.answer.append(Line(current.number, rest, current.end))
            elif question is not None and question.answer_line and (found := _separator(current)):
                finish_question()
                self._separator_card(current, found, plain)
            elif question is not None:
                if label == "A":
                    self.context.warning(
                        current.number,
                        f"the question on line {question.line} already has an answer on line "
                        f"{question.answer_line}, so this line is read as more of that answer; "
                        "one A: per Q:",
                    )
                question.written.append(current)
                (question.answer if question.answer_line else question.question).append(current)
            elif found := _separator(current):
                flush_plain()
                self._separator_card(current, found, plain)
            elif tags := _tag_line(current.tokens):
                self._tags.extend(tags)
            else:
                plain.append(current)
        finish_question()
        flush_plain()
        return result

    def _one_line(self, children: list[Token], line: int) -> list[Block] | None:
        """The blocks of a paragraph of one line that is no card line (most of a file), as the
        general route of `paragraph_of` reads it; None for other paragraphs."""
        if tags := _tag_line(children):
            self._tags.extend(tags)
            return []
        if len(children) == 1 and children[0].type == "text":
            return _plain_paragraph(children[0].content, line)
        for token in children:
            if token.type in _NOT_ONE_PLAIN_LINE or (token.type == "text" and ":" in token.content):
                return None
        inlines = strip_inlines(self.inlines(children))
        return [Paragraph(inlines, line)] if inlines else []

    def _plain(self, lines: list[Line]) -> list[Block]:
        """Plain lines as one paragraph; when they hold a cloze, also a cloze draft."""
        tokens = join_lines(lines)
        numbers = [token.meta["number"] or 0 for token in tokens if token.type == "cloze_open"]
        if numbers:
            # Shorthand `==...==` spans are numbered after the explicit ones, in order.
            self.shorthand = max(numbers) + 1
        inlines = strip_inlines(self.inlines(tokens))
        if not inlines:
            return []
        if numbers:
            self.drafts.append(Draft(CardKind.CLOZE, inlines, self.cloze_context, lines[0].number))
        return [Paragraph(inlines, lines[0].number)]

    def _question_card(self, question: _Question) -> bool:
        """Draft the card of a question with its answer; False, with a warning, when either
        side is empty (its lines are then text)."""
        where = "a Q:/A: card"
        front = strip_inlines(self.inlines(join_lines(question.question), where=where))
        back = strip_inlines(self.inlines(join_lines(question.answer), where=where))
        if not front or not back:
            line, side = (
                (question.line, "Q: line has no question after 'Q:'")
                if not front
                else (question.answer_line, "A: line has no answer after 'A:'")
            )
            self.context.warning(line, f"the {side}, so the lines are kept as text")
            return False
        self.drafts.append(
            Draft(CardKind.BASIC, front, (Paragraph(back, question.answer_line),), question.line)
        )
        return True

    def _separator_card(
        self, line: Line, found: tuple[int, re.Match[str]], plain: list[Line]
    ) -> None:
        """Draft the card of a `front :: back` line, whose separator is `found`; with a side
        empty, the line goes to `plain` with a warning."""
        index, match = found
        token = line.tokens[index]
        before = token.copy(content=token.content[: match.start()])
        after = token.copy(content=token.content[match.end() :])
        mark = match.group(1)
        where = f"a '{mark}' card"
        front = strip_inlines(self.inlines([*line.tokens[:index], before], where=where))
        back = strip_inlines(self.inlines([after, *line.tokens[index + 1 :]], where=where))
        if not front or not back:
            side = "front (before" if not front else "back (after"
            self.context.warning(
                line.number,
                f"this '{mark}' card has no {side} '{mark}'), so the line is kept as text; "
                f"write 'front {mark} back', or put the {mark} in `backticks` if it is not a card",
            )
            plain.append(line)
            return
        kind = CardKind.REVERSED if mark == ":::" else CardKind.BASIC
        self.drafts.append(Draft(kind, front, (Paragraph(back, line.number),), line.number))


def _tag_line(tokens: list[Token]) -> list[str]:
    """The tags of a line of one text of nothing but tags, or none for any other line."""
    words = tokens[0].content.split() if len(tokens) == 1 and tokens[0].type == "text" else []
    return words if all(TAG.fullmatch(word) for word in words) else []


def _plain_paragraph(content: str, line: int) -> list[Block] | None:
    """The blocks of a paragraph of one text token (none when it is blank), or None when it is
    a card line."""
    if ":" in content and (_LABEL.match(content) or _SEPARATOR.search(content)):
        return None
    text = content.strip()
    return [Paragraph((Text(text),), line)] if text else []


def split_lines(children: list[Token], first: int) -> list[Line]:
    """A paragraph's inline tokens, split at its top-level line breaks."""
    lines: list[Line] = []
    current: list[Token] = []
    number = first
    for token in children:
        if token.type in ("softbreak", "hardbreak") and token.level == 0:
            lines.append(Line(number, current, token))
            current = []
            number = int(token.meta.get("line", number + 1))
        elif token.type == "text" and not token.content:
            # Left over where emphasis markers were: it would hide a line's `**Q:**`.
            continue
        else:
            current.append(token)
    lines.append(Line(number, current, None))
    return lines


def join_lines(lines: list[Line]) -> list[Token]:
    """The tokens of consecutive lines, with the breaks between them."""
    tokens: list[Token] = []
    for position, line in enumerate(lines):
        tokens.extend(line.tokens)
        if line.end is not None and position < len(lines) - 1:
            tokens.append(line.end)
    return tokens


def _label(tokens: list[Token]) -> tuple[str, list[Token]]:
    """`("Q", rest)` for a line starting `Q:` (or `**Q:**`), likewise `A`; else `("", tokens)`."""
    if not tokens:
        return "", tokens
    first = tokens[0]
    if first.type == "text":
        match = _LABEL.match(first.content)
        if match:
            rest = first.copy(content=first.content[match.end() :])
            return match.group(1), _lstrip([rest, *tokens[1:]])
    if (
        len(tokens) >= 3
        and first.type in ("strong_open", "em_open")
        and tokens[1].type == "text"
        and tokens[2].type in ("strong_close", "em_close")
        and tokens[1].content.strip() in ("Q:", "A:")
    ):
        return tokens[1].content.strip()[0], _lstrip(tokens[3:])
    return "", tokens


def _lstrip(tokens: list[Token]) -> list[Token]:
    if tokens and tokens[0].type == "text":
        rest = tokens[0].content.lstrip()
        return ([tokens[0].copy(content=rest)] if rest else []) + tokens[1:]
    return tokens


def _separator(line: Line) -> tuple[int, re.Match[str]] | None:
    """The first card separator of a line: the token index and the match in its text."""
    tokens = line.tokens
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if token.type != "text" or token.level != 0 or ":" not in token.content:
            continue
        for match in _SEPARATOR.finditer(token.content):
            # At a token's edge the neighbour decides: `code`:: is not a separator.
            if match.start() == 0 and index > 0 and not _space_at(tokens[index - 1], -1):
                continue
            at_end = match.end() == len(token.content)
            if at_end and index < last and not _space_at(tokens[index + 1], 0):
                continue
            return index, match
    return None


def _space_at(token: Token, position: int) -> bool:
    if token.type in ("text", "text_special") and token.content:
        return token.content[position].isspace()
    return token.type in ("softbreak", "hardbreak")
