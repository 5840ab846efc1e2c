"""The Markdown parser behind the Markdown reader: markdown-it-py set up for revision notes.

CommonMark, plus GFM tables, definition lists (`mdit_py_plugins.deflist`) and dollar math
(`mdit_py_plugins.dollarmath`), plus our inline rules: cloze syntax, `==x==` and stray `}}`
(`inline_rules`), Obsidian wiki-links and block ids and pictures with spaces (`app_rules`).

Every inline token that a reader needs to place (line breaks, images, clozes) gets its 1-based
source line in `meta["line"]`, so messages point at the right line of a long paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
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
InlineRule = Callable[[StateInline, bool], bool]

# Deeper than this, markdown-it stops parsing a container: the reader warns when notes get there.
MAX_NESTING = 50


class _Parser(MarkdownIt):
    # Links and images keep their targets as written: image paths are files to find, not URLs
    # to percent-encode, and exporters do their own escaping.
    def normalizeLink(self, url: str) -> str:
        return url


@cache
def parser(*, cloze: bool = True) -> MarkdownIt:
    """The configured parser, built once per process (parsing keeps no state in it).

    With `cloze` false the cloze rules are off, so `{{c1::x}}`, `==x==` and `}}` are plain text;
    everything else is parsed exactly as in notes.
    """
    md = _build()
    if not cloze:
        md.inline.ruler.disable(rules.CLOZE_RULES)
    return md


def parse(
    text: str, env: dict[str, Any] | None = None, warn: rules.Warn | None = None
) -> list[Token]:
    """The token stream of Markdown text; mistakes in cloze syntax stay text and are reported
    to `warn` with their line. `env` may hold settings for the rules (`plugin_cards.curly_env`)."""
    env = dict(env or {})
    if warn is not None:
        rules.warn_to(env, warn)
    tokens: list[Token] = parser(cloze=True).parse(text, env)
    return tokens


def parse_inline(text: str, *, cloze: bool = True) -> list[Token]:
    """The inline tokens of one piece of text, read as a paragraph's content: `# x`, `- x` or
    `> x` stay text. Lines in `meta["line"]` count from 1 at the text's first line."""
    env: dict[str, Any] = {}
    tokens: list[Token] = parser(cloze=cloze).parseInline(text, env)
    children: list[Token] = (tokens[0].children or []) if tokens else []
    return children


def _build() -> _Parser:
    # The commonmark preset enables only CommonMark's rules: no linkify, typographer or
    # strikethrough for every paragraph to try.
    md = _Parser("commonmark", {"maxNesting": MAX_NESTING})
    md.enable("table")
    md.use(deflist_plugin)
    # Prices: "$5 and $10" is not math because a digit touches a dollar, and "$ 5" is not math
    # because a space follows the opening dollar. `$$...$$` inside a paragraph is display math.
    # A `$$` block may hold blank lines, as Obsidian and MathJax allow (students space out long
    # derivations); one never closed is not math, so it cannot swallow the rest of the notes.
    md.use(
        dollarmath_plugin,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        allow_labels=False,
        allow_blank_lines=True,
    )
    # A `$$` line right after a line of text starts a display formula, as in Obsidian, Typora
    # and MathJax; the plugin's rule alone would read it as more of the paragraph.
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
    return md


def _probing(rule: BlockRule) -> BlockRule:
    """A block rule that honours `silent`, so that it may interrupt a paragraph.

    The plugin's rule always emits its token; asked silently (does a formula start here?) it
    would leave one behind, so its token is taken back and the line restored.
    """

    def probing(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not silent:
            return rule(state, start, end, False)
        count, line = len(state.tokens), state.line
        matched = rule(state, start, end, False)
        del state.tokens[count:]
        state.line = line
        return matched

    return probing


def _from_paragraph_start(rule: InlineRule) -> InlineRule:
    """The plugin's inline math rule, right about a `$` at the very start of a paragraph.

    mdit-py-plugins 0.7.0 looks at `src[pos - 1]` for a digit or a backslash before the opening
    `$`; at position 0 that reads the paragraph's last character, so `$x$ is 5` stayed text.
    A space added after the source for the call makes that character a space.
    """

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
    """markdown-it's core `inline` rule, which also tells the inline rules where each block
    starts, so that they can report lines."""
    inline = state.md.inline
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            rules.start_block(state.env, token.map[0] if token.map else 0)
            inline.parse(token.content, state.md, state.env, token.children)
