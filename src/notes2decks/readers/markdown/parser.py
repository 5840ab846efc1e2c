"""markdown-it-py set up for revision notes: CommonMark, GFM tables, definition lists and dollar
math, plus our rules for cloze syntax (`inline_rules`) and what note apps write (`app_rules`).
Inline tokens that readers place (breaks, images, clozes) get their 1-based line in `meta["line"]`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline, escape, image, newline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

from . import app_rules
from . import inline_rules as rules
from .plugin_cards import curly_cloze

BlockRule = Callable[[StateBlock, int, int, bool], bool]

# Deeper than this, markdown-it stops parsing a container: the reader warns when notes get there.
MAX_NESTING = 50


class _Parser(MarkdownIt):
    # Links and images keep their targets as written (image paths are files, not URLs).
    def normalizeLink(self, url: str) -> str:
        return url


@cache
def parser(*, cloze: bool) -> MarkdownIt:
    """The configured parser, built once per process; with `cloze` false, cloze syntax is text."""
    md = _Parser("commonmark", {"maxNesting": MAX_NESTING})
    md.enable("table")
    md.use(deflist_plugin)
    # Prices ("$5 and $10", "$ 5") are not math; a `$$` block may hold blank lines, as in Obsidian.
    md.use(
        dollarmath_plugin,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        allow_labels=False,
        allow_blank_lines=True,
    )
    # A `$$` line right after a line of text starts a display formula, as in Obsidian.
    md.block.ruler.at(
        "math_block",
        _probing(math_block_dollar(allow_labels=False, allow_blank_lines=True)),
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.at(
        "math_inline", _from_paragraph_start(math_inline_dollar(False, False, allow_double=True))
    )
    md.inline.ruler.before("escape", "cloze", rules.cloze)
    md.inline.ruler.before("escape", "cloze_mark", rules.cloze_mark)
    md.inline.ruler.before("escape", "cloze_curly", curly_cloze)
    md.inline.ruler.before("escape", "cloze_stray", rules.stray_close)
    md.inline.ruler.before("link", "wikilink", app_rules.wikilink)
    md.inline.ruler.before("escape", "block_id", app_rules.block_id)
    md.inline.ruler.before("image", "spaced_image", app_rules.spaced_image)
    for name, rule in (("newline", newline), ("escape", escape), ("image", image)):
        md.inline.ruler.at(name, rules.stamped(rule))
    md.core.ruler.at("inline", _inline_with_lines)
    # Escaped characters stay separate tokens, so that `\::` or `Q\:` is never card syntax.
    md.core.ruler.disable("text_join")
    if not cloze:
        md.inline.ruler.disable(rules.CLOZE_RULES)
    return md


def parse(text: str, env: Mapping[str, Any], warn: rules.Warn) -> list[Token]:
    """The token stream of Markdown text; mistakes in cloze syntax stay text and are reported
    to `warn` with their line. `env` may hold settings for the rules (`plugin_cards.curly_env`)."""
    return parser(cloze=True).parse(text, {**env, rules.WARN: warn})


def _probing(rule: BlockRule) -> BlockRule:
    """A block rule that honours `silent`, so that it may interrupt a paragraph: the plugin's
    rule always emits its token, so a silent call takes it back and restores the line."""

    def probing(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count, line = len(state.tokens), state.line
        matched = rule(state, start, end, False)
        if silent:
            del state.tokens[count:]
            state.line = line
        return matched

    return probing


def _from_paragraph_start(rule: rules.InlineRule) -> rules.InlineRule:
    """The plugin's inline math rule, right about a `$` at a paragraph's start: mdit-py-plugins
    reads `src[pos - 1]`, the last character there, so a space is added after the source."""

    def rule_at_start(state: StateInline, silent: bool) -> bool:
        if state.pos != 0:
            return rule(state, silent)
        src = state.src
        state.src = src + " "
        try:
            return rule(state, silent)
        finally:
            state.src = src

    return rule_at_start


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's core `inline` rule, also telling our rules the line where each block starts."""
    inline = state.md.inline
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            rules.start_block(state.env, token.map[0] if token.map else 0)
            inline.parse(token.content, state.md, state.env, token.children)
