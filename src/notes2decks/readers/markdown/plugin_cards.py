"""The cards of Obsidian flashcard plugins, read line by line from the paragraphs of a note in
their syntax (docs/FORMAT.md), with the plugins' bookkeeping (`<!--SR:` comments, deck tags, Anki
ids) dropped."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ...model import Block, BulletList, CardKind, Inlines, ListItem, Paragraph
from .inline_rules import line_at
from .inlines import strip_inlines
from .paragraphs import Draft, Line, ParagraphConverter, join_lines, split_lines
from .plugins import FLASHCARDS, SPACED_REPETITION, PluginSyntax, is_deck_tag

if TYPE_CHECKING:
    from .blocks import Converter

_TASK_BOX = re.compile(r"^\s*\[[ xX]\]\s+")
_ANKI_ID = re.compile(r"\s*\^\d{13}\s*$")
_CURLY_ENV = "n2d_plugin_curly"


def plugin_block(
    converter: Converter, syntax: PluginSyntax, index: int, stop: int, *, cards: bool
) -> tuple[list[Block], int]:
    """The blocks of the paragraph (or list item of one) at `tokens[index]` of a plugin note, and
    the index of the last token read. A `?` line that ends it takes the block under it as its
    answer, or in a tight list the items after it up to one with a `?` of its own."""
    tokens = converter.tokens
    item = tokens[index].type == "list_item_open"
    end = converter.closes[index]
    last = end

    def below(line: int) -> list[Block] | None:
        nonlocal last
        after = end + 1
        start = tokens[after].map if after < stop else None
        if start is None or start[0] != line or (item and not tokens[index + 1].hidden):
            return None
        if not item:
            last = converter.closes[after]
            return converter.blocks(after, last + 1, cards=cards)
        items: list[ListItem] = []
        marks = (syntax.multiline, syntax.multiline_reversed)
        while after < stop and tokens[after].type == "list_item_open":
            close = converter.closes[after]
            texts = (t.content for t in tokens[after:close] if t.type == "inline")
            if any(line.strip() in marks for text in texts for line in text.split("\n")):
                break
            children = converter.blocks(after + 1, close, cards=cards)
            if children:
                items.append(ListItem(tuple(children)))
            last, after = close, close + 1
        return [BulletList(tuple(items))] if items else None

    inline = tokens[index + 2 if item else index + 1]
    line = inline.map[0] + 1 if inline.map else 0
    return read_paragraph(converter, syntax, inline.children or [], line, below), last


def read_paragraph(
    converter: ParagraphConverter,
    syntax: PluginSyntax,
    children: list[Token],
    line: int,
    below: Callable[[int], list[Block] | None] | None = None,
) -> list[Block]:
    """The blocks of a paragraph of a plugin note; its cards go to `converter.drafts`.
    `below(line)` gives the blocks right under a `?` line that ends the paragraph, if any."""
    lines = [cleaned for raw in split_lines(children, line) if (cleaned := _clean(raw, syntax))]
    result: list[Block] = []
    pending: list[Line] = []
    marks = (syntax.multiline, syntax.multiline_reversed)

    def flush() -> None:
        if pending:
            tokens = join_lines(pending)
            if "bold" in syntax.cloze_marks:
                tokens = _bold_as_cloze(tokens)
            result.extend(converter.paragraph_of(tokens, pending[0].number, cards=True))
            pending.clear()

    for index, current in enumerate(lines):
        text = _plain_text(current.tokens)
        if syntax.name == SPACED_REPETITION and text in marks:
            if not pending:
                converter.context.warning(
                    current.number,
                    f"this '{text}' line has no question above it (in the same paragraph); "
                    "it was left out",
                )
                continue
            kind = CardKind.REVERSED if text == syntax.multiline_reversed else CardKind.BASIC
            answer = lines[index + 1 :]
            if answer:
                answer_side = _side(converter, join_lines(answer), answer[0].number)
            else:
                blocks = below(current.number) if below is not None else None
                if not blocks:
                    converter.context.warning(
                        current.number,
                        f"the card above this '{text}' line has no answer under it (a blank "
                        "line ends a card); the question was kept as text",
                    )
                    break
                answer_side = tuple(blocks)
            question = _plain(converter, join_lines(pending))
            converter.drafts.append(Draft(kind, question, answer_side, pending[0].number))
            return result
        tagged = _card_tag(current, syntax) if syntax.name == FLASHCARDS else None
        if tagged is not None and index + 1 < len(lines):
            flush()
            back = join_lines(lines[index + 1 :])
            _card(converter, tagged[1], tagged[0], back, current.number, lines[index + 1].number)
            return result
        split = _separator(current.tokens, syntax)
        if split is None:
            pending.append(current)
            continue
        front, back, reverse = split
        if _empty(front) or _empty(back):
            converter.context.warning(
                current.number,
                "this line has a card separator with nothing on one side of it, so it was "
                "kept as text",
            )
            pending.append(current)
            continue
        flush()
        kind = CardKind.REVERSED if reverse else CardKind.BASIC
        _card(converter, kind, front, back, current.number, current.number)
    flush()
    return result


def _card(
    converter: ParagraphConverter,
    kind: CardKind,
    front: list[Token],
    back: list[Token],
    line: int,
    back_line: int,
) -> None:
    question = _plain(converter, front)
    converter.drafts.append(Draft(kind, question, _side(converter, back, back_line), line))


def _side(converter: ParagraphConverter, tokens: list[Token], line: int) -> tuple[Block, ...]:
    return (Paragraph(_plain(converter, tokens), line),)


def _plain(converter: ParagraphConverter, tokens: list[Token]) -> Inlines:
    """A card side's inlines without cloze markers: a highlight there is only emphasis."""
    clozes = ("cloze_open", "cloze_close")
    return strip_inlines(converter.inlines([token for token in tokens if token.type not in clozes]))


def _empty(tokens: list[Token]) -> bool:
    """True when a card's side has nothing on it but spaces."""
    return all(
        token.type in ("text", "text_special") and not token.content.strip() for token in tokens
    )


def _clean(line: Line, syntax: PluginSyntax) -> Line | None:
    """The line without the plugins' bookkeeping; None when nothing else is left on it."""
    tokens: list[Token] = []
    for token in line.tokens:
        if token.type == "html_inline" and token.content.startswith("<!--SR:"):
            continue
        if token.type == "text" and token.level == 0:
            content = token.content
            if "#" in content and syntax.deck_tags:
                content = " ".join(w for w in content.split(" ") if not is_deck_tag(w, syntax))
            if syntax.name == FLASHCARDS and "^" in content:
                content = _ANKI_ID.sub("", content)
            if content != token.content:
                token = token.copy(content=content)
        tokens.append(token)
    if not _plain_text(tokens) and all(
        t.type == "text" or (t.type == "html_inline" and t.content.startswith("<!--"))
        for t in tokens
    ):
        return None
    return Line(line.number, tokens, line.end)


def _plain_text(tokens: list[Token]) -> str:
    """The line's text when it is only text, stripped; '' otherwise."""
    if all(token.type in ("text", "text_special") for token in tokens):
        return "".join(token.content for token in tokens).strip()
    return ""


def _separator(
    tokens: list[Token], syntax: PluginSyntax
) -> tuple[list[Token], list[Token], bool] | None:
    """A card line's front and back tokens and whether it is reversed, or None."""
    marks = {syntax.separator, syntax.reversed_separator}
    for index, token in enumerate(tokens):
        if token.type != "text" or token.level != 0:
            continue
        text = token.content
        # The earliest mark; at one place the longer (`:::` over `::`).
        found = [(at, -len(mark), mark) for mark in marks if (at := text.find(mark)) >= 0]
        if not found:
            continue
        at, _, mark = min(found)
        front = [*tokens[:index], token.copy(content=text[:at])]
        if front[0].type == "text":
            front[0] = front[0].copy(content=_TASK_BOX.sub("", front[0].content))
        after = token.copy(content=text[at + len(mark) :])
        return front, [after, *tokens[index + 1 :]], mark == syntax.reversed_separator
    return None


def _card_tag(line: Line, syntax: PluginSyntax) -> tuple[list[Token], CardKind] | None:
    """The front of a line that ends with a flashcards-obsidian card tag, and its kind."""
    if not line.tokens or line.tokens[-1].type != "text":
        return None
    last = line.tokens[-1]
    words = last.content.rstrip().split(" ")
    kind = syntax.card_kind(words[-1][1:]) if words[-1].startswith("#") else None
    if kind is None:
        return None
    return [*line.tokens[:-1], last.copy(content=" ".join(words[:-1]))], kind


def heading_card(
    syntax: PluginSyntax | None, tags: tuple[str, ...]
) -> tuple[CardKind, tuple[str, ...]]:
    """The kind of a section's card and its tags without the card tag: a heading tagged
    `#card` (flashcards-obsidian) is a basic card, `#card-reverse` a reversed one."""
    if syntax is None or syntax.name != FLASHCARDS:
        return CardKind.REVISION, tags
    for tag in tags:
        kind = syntax.card_kind(tag)
        if kind is not None:
            return kind, tuple(t for t in tags if t != tag)
    return CardKind.REVISION, tags


def _bold_as_cloze(tokens: list[Token]) -> list[Token]:
    """`**x**` at the top level made a cloze, as the Spaced Repetition plugin can be set to."""
    result = list(tokens)
    for index, token in enumerate(tokens):
        if token.type in ("strong_open", "strong_close") and token.level == 0:
            result[index] = token.copy(type=token.type.replace("strong", "cloze"))
            if token.type == "strong_open":
                result[index].meta = {"number": None, "hint": "", "line": token.meta.get("line", 0)}
    return result


def curly_cloze(state: StateInline, silent: bool) -> bool:
    """`{{text}}` as a cloze, in notes whose plugin settings make curly brackets clozes (the
    parse's env says so, see `curly_env`); `{{c1::x}}` is read by the cloze rule before this."""
    src, pos = state.src, state.pos
    if not state.env.get(_CURLY_ENV) or not src.startswith("{{", pos):
        return False
    close = src.find("}}", pos + 2, state.posMax)
    if close < 0 or not src[pos + 2 : close].strip():
        return False
    if not silent:
        opening = state.push("cloze_open", "", 1)
        opening.markup = "{{"
        opening.meta = {"number": None, "hint": "", "line": line_at(state, pos)}
        saved = state.posMax
        state.pos, state.posMax = pos + 2, close
        state.md.inline.tokenize(state)
        state.posMax = saved
        state.push("cloze_close", "", -1).markup = "}}"
    state.pos = close + 2
    return True


def curly_env(syntax: PluginSyntax | None) -> dict[str, object]:
    """The parse env that turns `{{x}}` clozes on for a note, when its syntax asks for them."""
    return {_CURLY_ENV: True} if syntax is not None and "curly" in syntax.cloze_marks else {}
