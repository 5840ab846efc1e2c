"""The Markdown reader (docs/FORMAT.md): `frontmatter`, `parser`, then `deck` and the modules it
uses. A small fault (a mistaken cloze, a card line that makes no card) is a warning at its line."""

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
            del tokens  # freed before the collector is back on, so it does not traverse them
        return deck
    except RecursionError:
        raise context.error(
            0, "the notes are nested too deeply to read; flatten the innermost lists or quotes"
        ) from None


def parse_inline(text: str, context: ReadContext, line: int) -> Inlines:
    """The inline Markdown of one piece of text (a flashcard file's cell) as model inlines, read
    as in notes except block and cloze syntax, which stay text. `line` is its line in the file."""
    tokens = parser(cloze=False).parseInline(text, {})[0].children or []
    if line > 1:
        _shift_lines(tokens, line - 1)
    try:
        inlines = InlineConverter(context).inlines(tokens)
    except RecursionError:
        raise context.error(line, "this text is nested too deeply to read") from None
    return strip_inlines(inlines)


def parse_blocks(text: str, context: ReadContext, line: int) -> Blocks:
    """The Markdown blocks of one piece of text (a flashcard file's field) as model blocks, read
    as in notes except that line breaks are kept and card and cloze syntax stay text."""
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
    """Pause the cyclic garbage collector while a file is parsed: it would traverse markdown-it's
    many live objects again and again. The count keeps threads from re-enabling it early."""
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
