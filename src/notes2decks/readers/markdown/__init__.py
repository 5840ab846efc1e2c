"""The Markdown reader: notes written for notes2decks (the format is in docs/FORMAT.md).

In short: optional YAML front matter; `# Title`; an introduction; then one `## Heading` per
revision card, with its facts under it. Inside a card's text, `Q:` / `A:` pairs, `front :: back`
and `front ::: back` lines are cards of their own, and `{{c1::...}}` or `==...==` make a line a
cloze note. A `## Glossary` section lists key terms as a definition list.

The pipeline: `frontmatter` splits off and reads the front matter; `parser` (markdown-it-py and
our `inline_rules` and `app_rules`) turns the Markdown into tokens; `deck` splits them into
sections (`sections` says which headings make cards) and assembles the deck, converting tokens to
the model with `blocks`, `paragraphs` and `inlines` (which finds picture files through
`images`); `outline` cuts outline notes and sections too long to print into cards; `tags` reads
tags. Notes written for an Obsidian flashcard plugin are found by `plugins` and their cards read
by `plugin_cards`.

A small fault costs only its place: a mistaken cloze, a card line that makes no card, a picture
that cannot be found, front matter YAML cannot read are warnings at their line, and the rest of
the file builds.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from dataclasses import replace

from markdown_it.token import Token

from ...model import Blocks, Deck, Inlines
from .. import ReadContext
from .blocks import Converter
from .deck import assemble
from .frontmatter import FrontMatter, read_front_matter, split_front_matter
from .inlines import InlineConverter, strip_inlines
from .parser import parse, parser
from .parser import parse_inline as _inline_tokens
from .plugin_cards import curly_env
from .plugins import detect

__all__ = ["parse_blocks", "parse_inline", "parse_markdown"]


def parse_markdown(text: str, context: ReadContext) -> Deck:
    """Read Markdown notes into a deck. Raises NotesError for notes that cannot make one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    yaml_text, body = split_front_matter(text, context)
    meta = read_front_matter(yaml_text, context) if yaml_text is not None else FrontMatter()
    plugin = detect(body, meta.extra, meta.tags, context)
    if plugin is not None and plugin.deck and not meta.deck:
        meta = replace(meta, deck=plugin.deck)
    try:
        with _collector_paused():
            tokens = parse(body, curly_env(plugin), context.warning)
            deck = assemble(tokens, meta, context, body, plugin)
            # Freed now, the tokens are not traversed by the collection that comes once the
            # collector is back on.
            del tokens
        return deck
    except RecursionError:
        raise context.error(
            0, "the notes are nested too deeply to read; flatten the innermost lists or quotes"
        ) from None


def parse_inline(text: str, context: ReadContext, line: int) -> Inlines:
    """The inline Markdown of one piece of text, such as a flashcard file's cell, as model inlines.

    Math, emphasis, code, links and images are read exactly as in Markdown notes, by the same
    parser and converter. Block syntax is not (`# x` or `- x` stay text), and neither is cloze
    syntax: `{{c1::x}}` and `==x==` stay the characters they are, since a cell is not a cloze
    note. `line` is the text's line in the file, for messages about images.
    """
    tokens = _inline_tokens(text, cloze=False)
    if line > 1:
        _shift_lines(tokens, line - 1)
    try:
        inlines = InlineConverter(context).inlines(tokens)
    except RecursionError:
        raise context.error(line, "this text is nested too deeply to read") from None
    return strip_inlines(inlines)


def parse_blocks(text: str, context: ReadContext, line: int) -> Blocks:
    """The Markdown blocks of one piece of text, such as a flashcard file's field of several
    lines, as model blocks: paragraphs, lists, tables, code and math as in notes. Each line
    break is kept (as a flashcard app shows it), and card and cloze syntax stay text. `line` is
    the text's first line in the file."""
    tokens: list[Token] = parser(cloze=False).parse(text, {})
    _shift_lines(tokens, line - 1)
    for token in tokens:
        for child in token.children or ():
            if child.type == "softbreak":
                child.type = "hardbreak"
    try:
        with _collector_paused():
            return tuple(Converter(tokens, context).blocks(0, len(tokens), cards=False))
    except RecursionError:
        raise context.error(line, "this text is nested too deeply to read") from None


def _shift_lines(tokens: list[Token], by: int) -> None:
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + by, token.map[1] + by]
        if "line" in token.meta:
            token.meta["line"] = int(token.meta["line"]) + by
        if token.children:
            _shift_lines(token.children, by)


_pause_lock = threading.Lock()
_pause_depth = 0
_pause_restore = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is parsed.

    markdown-it builds millions of small objects for a large file, none of them garbage yet, and
    the collector would traverse them again and again: a third of the time on a 10 MB file. The
    count keeps concurrent readers in threads from re-enabling it under each other's feet.
    """
    global _pause_depth, _pause_restore
    with _pause_lock:
        if _pause_depth == 0:
            _pause_restore = gc.isenabled()
            gc.disable()
        _pause_depth += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause_depth -= 1
            if _pause_depth == 0 and _pause_restore:
                gc.enable()
