"""The Markdown parser behind the Markdown reader: markdown-it-py set up for revision notes.

CommonMark, plus GFM tables, definition lists (`mdit_py_plugins.deflist`) and dollar math
(`mdit_py_plugins.dollarmath`), plus three inline rules of our own for cloze syntax:

- `{{c1::text}}` and `{{c1::text::hint}}` become `cloze_open` / `cloze_close` tokens around the
  parsed text, with the number and hint in the opening token's `meta`;
- `==text==` does the same with `meta["number"]` None, to be numbered by the reader;
- a `}}` that closes no cloze is an error.

They are inline rules rather than a pass over the text so that they nest like any other inline
construct: a cloze's end is searched with markdown-it's own token skipping, so `}}` or `::`
inside math or inline code never ends a cloze or starts its hint, and emphasis cannot straddle a
cloze's edge.

Every inline token that a reader needs to place (line breaks, images, clozes) gets its 1-based
source line in `meta["line"]`, so messages point at the right line of a long paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline, escape, image, newline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar

InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]

# Deeper than this, markdown-it stops parsing a container: the reader warns when notes get there.
MAX_NESTING = 50

# Anki numbers cloze cards from c1; a note with hundreds of them is a typo, not a note.
MAX_CLOZE = 999

_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
# Near misses of the cloze opening, worth an error rather than silently showing braces.
_CLOZE_LIKE = re.compile(r"\{\{\s*c\s*\d*\s*:", re.IGNORECASE)

# Keys of the parse's env; all ours start with "n2d_" so that no plugin can collide with them.
_LINE = "n2d_line"
_CURSOR = "n2d_cursor"
_DEPTH = "n2d_depth"
_MARK_MISS = "n2d_mark_miss"


class MarkdownSyntaxError(Exception):
    """A syntax mistake at a line, raised while parsing; the reader turns it into a NotesError."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Parser(MarkdownIt):
    inline_shortcuts: _InlineShortcuts | None = None
    """Set when the parser takes the inline shortcuts (see `_inline_with_lines`)."""

    # Links and images keep their targets as written: image paths are files to find, not URLs
    # to percent-encode, and exporters do their own escaping.
    def normalizeLink(self, url: str) -> str:
        return url


_parsers: dict[tuple[bool, bool], _Parser] = {}
_CLOZE_RULES = ["cloze", "cloze_mark", "cloze_stray"]


def parser(*, cloze: bool = True, shortcuts: bool = True) -> MarkdownIt:
    """The shared, configured parser (built on first use; parsing keeps no state in it).

    With `cloze` false the cloze rules are off, so `{{c1::x}}`, `==x==` and `}}` are plain text;
    everything else is parsed exactly as in notes. With `shortcuts` false, markdown-it's own
    rules read everything (see "shortcuts" below): the tokens are the same, only slower to make.
    """
    return _parser(cloze=cloze, shortcuts=shortcuts)


def _parser(*, cloze: bool = True, shortcuts: bool = True) -> _Parser:
    key = (cloze, shortcuts)
    md = _parsers.get(key)
    if md is None:
        md = _build(shortcuts=shortcuts)
        if not cloze:
            md.inline.ruler.disable(_CLOZE_RULES)
        if shortcuts:
            md.inline_shortcuts = _InlineShortcuts.of(md)
        # Stored only once fully set up, so a reader in another thread never sees it half done.
        _parsers[key] = md
    return md


def parse(text: str, *, shortcuts: bool = True) -> list[Token]:
    """The token stream of Markdown text. Raises MarkdownSyntaxError for bad cloze syntax."""
    env: dict[str, Any] = {}
    tokens: list[Token] = parser(shortcuts=shortcuts).parse(text, env)
    return tokens


def parse_inline(text: str, *, cloze: bool = True, shortcuts: bool = True) -> list[Token]:
    """The inline tokens of one piece of text, read as a paragraph's content: `# x`, `- x` or
    `> x` stay text. Lines in `meta["line"]` count from 1 at the text's first line."""
    env: dict[str, Any] = {}
    tokens: list[Token] = parser(cloze=cloze, shortcuts=shortcuts).parseInline(text, env)
    children: list[Token] = (tokens[0].children or []) if tokens else []
    return children


def _build(*, shortcuts: bool) -> _Parser:
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
    md.inline.ruler.before("escape", "cloze", _cloze)
    md.inline.ruler.before("escape", "cloze_mark", _mark)
    md.inline.ruler.before("escape", "cloze_stray", _stray_close)
    md.inline.ruler.before("link", "wikilink", _wikilink)
    for name, rule in (("newline", newline), ("escape", escape), ("image", image)):
        md.inline.ruler.at(name, _stamped(rule))
    md.core.ruler.at("inline", _inline_with_lines)
    # Escaped characters stay separate tokens, so that `\::` or `Q\:` is never card syntax.
    md.core.ruler.disable("text_join")
    if shortcuts:
        md.core.ruler.at("normalize", _normalize)
        # First, so that the lines it takes skip the rules that cannot match them anyway. It has
        # no `alt`: whether a line ends a paragraph or a list item is still markdown-it's call.
        # (Its deepest token is at level 3, where markdown-it still parses.)
        if MAX_NESTING > 3:
            md.block.ruler.before("table", "simple_block", _simple_block)
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


# --------------------------------------------------------------------------- shortcuts
#
# Most of a file of notes is headings over bullet points of plain text, and markdown-it spends
# most of its time on them: its list rule runs the whole block tokenizer again for every item,
# trying every rule on each line, and the inline tokenizer tries every inline rule at each
# character that might start one. The shortcuts below recognise the plainest of these shapes,
# strictly, and make exactly the tokens that markdown-it makes of them; anything else, however
# close, is left to markdown-it. tests/test_markdown_shortcuts.py compares the two routes on
# generated notes.

# A line that markdown-it reads as a top-level bullet item of one line of paragraph text: the
# marker at the start of the line, one space, then a character that starts no block inside the
# item. The excluded characters start a heading, quote, fence, formula, rule, list, HTML block,
# link reference, definition or table; `*` may start the text when it opens emphasis (`**x`),
# which is neither a rule nor a list, and so may digits that are not a `1.` or `1)` marker.
_STARTS_NO_BLOCK = r"(?:[^\s#>`~$*_+\-<\[:|\d]|\*+[^\s*]|\d+(?![\d.)]))"
_SIMPLE_ITEM = re.compile(rf"[-*+] {_STARTS_NO_BLOCK}")
# An ATX heading whose text needs no trimming of a closing `#` sequence.
_SIMPLE_HEADING = re.compile(r"(#{1,6}) (?=[^ \t])")


def _simple_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's block rules, for a top-level ATX heading or a tight bullet list of one-line
    items, each followed by a blank line or the end of the text.

    The rule runs before all others, so it takes only lines that none of the rules before the
    heading or list rule would take: no table can start on them, as the line after each is
    blank or a list item (never a table's delimiter row), and they are no code, formula, fence,
    quote or thematic break. Anything else is left to markdown-it: nothing is pushed.
    """
    if silent or state.level or state.blkIndent or state.parentType != "root":
        return False
    if end != state.lineMax or state.tShift[start]:
        return False
    first = state.src[state.bMarks[start]]
    if first == "#":
        return _simple_heading(state, start, end)
    if first in "-*+":
        return _simple_list(state, start, end)
    return False


def _block_token(
    kind: str,
    tag: str,
    nesting: Literal[-1, 0, 1],
    level: int,
    lines: list[int] | None = None,
    markup: str = "",
    hidden: bool = False,
) -> Token:
    """A block token as `StateBlock.push` makes it, in one step."""
    return Token(kind, tag, nesting, {}, lines, level, None, "", markup, "", {}, True, hidden)


def _inline_token(content: str, level: int, line: int) -> Token:
    """The inline token of a one-line block, as markdown-it's block rules make it."""
    return Token("inline", "", 0, {}, [line, line + 1], level, [], content, "", "", {}, True)


def _simple_heading(state: StateBlock, start: int, end: int) -> bool:
    """markdown-it's heading rule, for a heading not followed by a line of text (which could be
    a table's delimiter row) and without a closing `#` sequence to trim."""
    src, begin, stop = state.src, state.bMarks[start], state.eMarks[start]
    match = _SIMPLE_HEADING.match(src, begin, stop)
    if match is None:
        return False
    text_end = state.skipSpacesBack(stop, match.end())
    if src[text_end - 1] == "#" or (start + 1 < end and not state.isEmpty(start + 1)):
        return False
    tag, markup = f"h{len(match.group(1))}", match.group(1)
    tokens = state.tokens
    tokens.append(_block_token("heading_open", tag, 1, 0, [start, start + 1], markup))
    tokens.append(_inline_token(mdTrim(src[match.end() : text_end]), 1, start))
    tokens.append(_block_token("heading_close", tag, -1, 0, None, markup))
    state.line = start + 1
    return True


def _simple_list(state: StateBlock, start: int, end: int) -> bool:
    """markdown-it's list rule, for `_SIMPLE_ITEM` lines with one marker, then a blank line or
    the end of the text, then a line that neither continues the last item nor the list."""
    src, begins, ends, shifts = state.src, state.bMarks, state.eMarks, state.tShift
    marker = src[begins[start]]
    match = _SIMPLE_ITEM.match
    line = start
    while line < end and not shifts[line] and src[begins[line]] == marker:
        if match(src, begins[line], ends[line]) is None:
            return False
        line += 1
    last = line
    if line < end:
        if not state.isEmpty(line):
            return False  # a lazy continuation line, or a block that interrupts the list
        # After the blank lines, a line indented for the last item would continue it, and a
        # bullet could continue the list.
        line = state.skipEmptyLines(line)
        if line < end and (state.sCount[line] >= 2 or src[begins[line] + shifts[line]] in "-*+"):
            return False

    # The list is tight, so markdown-it hides its paragraphs; an item's lines run to the next
    # item, the last one's past the blank lines.
    tokens = state.tokens
    tokens.append(_block_token("bullet_list_open", "ul", 1, 0, [start, line], marker))
    for item in range(start, last):
        after = item + 1 if item + 1 < last else line
        tokens.append(_block_token("list_item_open", "li", 1, 1, [item, after], marker))
        tokens.append(_block_token("paragraph_open", "p", 1, 2, [item, item + 1], "", True))
        tokens.append(_inline_token(mdTrim(src[begins[item] + 2 : ends[item]]), 3, item))
        tokens.append(_block_token("paragraph_close", "p", -1, 2, None, "", True))
        tokens.append(_block_token("list_item_close", "li", -1, 1, None, marker))
    tokens.append(_block_token("bullet_list_close", "ul", -1, 0, None, marker))
    state.line = line
    return True


# ----------------------------------------------------------------- notes without tokens
#
# A file made only of the shapes above (plain headings, tight lists of one-line items), of
# one-line definitions and of blank lines, with inline text that takes the inline shortcuts,
# is read without tokens at all: `plain_outline` lists its blocks, and the converter turns them
# into the model as it would turn markdown-it's tokens of them. Anything else in the file, and
# the whole file goes to markdown-it.


@dataclass(frozen=True, slots=True)
class PlainHeading:
    """An ATX heading as `_simple_heading` takes it: its 1-based line, level and inline text."""

    line: int
    level: int
    content: str


@dataclass(frozen=True, slots=True)
class PlainList:
    """A bullet list as `_simple_list` takes it: its 1-based line, and for each item its line,
    its inline text, and whether that text is a single text token (`_InlineShortcuts.plain`)."""

    line: int
    items: tuple[tuple[int, str, bool], ...]


@dataclass(frozen=True, slots=True)
class PlainDefinition:
    """A term line (its 1-based line) and the `: definition` line under it, then a blank line
    or the end: a definition list of one term and one definition."""

    line: int
    term: str
    definition: str


PlainBlock = PlainHeading | PlainList | PlainDefinition

# A line of paragraph text that starts no block, at the top level or after a `: ` marker (where
# `:` and `~` would also start a definition).
_SIMPLE_TEXT = re.compile(_STARTS_NO_BLOCK)


def plain_outline(text: str) -> list[PlainBlock] | None:
    """The blocks of Markdown text (with LF line breaks) made only of plain shapes, or None when
    it holds anything else (or text that the inline shortcuts do not take).

    It accepts exactly the documents whose every block `_simple_block` takes, or that are
    definitions as above, with text that `_InlineShortcuts.tokens` takes: markdown-it's tokens
    of them are then known, and so is what the converter makes of them.
    """
    shortcuts = _parser().inline_shortcuts
    if shortcuts is None or "\0" in text or "\r" in text:
        return None
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # markdown-it has no line after the last line break
    count = len(lines)
    takes = shortcuts.takes
    blocks: list[PlainBlock] = []
    index = 0
    while index < count:
        line = lines[index]
        if not line.strip(" \t"):
            index += 1
            continue
        first = line[0]
        if first in " \t":
            return None  # indented: code, or continued text
        if first == "#":
            heading = _plain_heading(lines, index)
            if heading is None or not takes(heading.content):
                return None
            blocks.append(heading)
            index += 1
        elif first in "-*+":
            listed = _plain_list(lines, index, shortcuts)
            if listed is None:
                return None
            blocks.append(listed)
            index += len(listed.items)
        else:
            definition = _plain_definition(lines, index)
            if definition is None or not (takes(definition.term) and takes(definition.definition)):
                return None
            blocks.append(definition)
            index += 2
    return blocks


def plain_inline(content: str) -> list[Token]:
    """The inline tokens of a text of `plain_outline`'s blocks."""
    shortcuts = _parser().inline_shortcuts
    tokens = shortcuts.tokens(content) if shortcuts is not None else None
    if tokens is None:
        raise ValueError(f"not a text of plain notes: {content!r}")
    return tokens


def _plain_heading(lines: list[str], index: int) -> PlainHeading | None:
    """The heading `_simple_heading` makes of `lines[index]`, or None when it declines."""
    line = lines[index]
    match = _SIMPLE_HEADING.match(line)
    if match is None:
        return None
    text_end = max(len(line.rstrip(" \t")), match.end())
    if line[text_end - 1] == "#" or (index + 1 < len(lines) and lines[index + 1].strip(" \t")):
        return None
    content = mdTrim(line[match.end() : text_end])
    return PlainHeading(index + 1, len(match.group(1)), content)


def _plain_list(lines: list[str], start: int, shortcuts: _InlineShortcuts) -> PlainList | None:
    """The list `_simple_list` makes from `lines[start]` on, or None when it declines (or when
    the inline shortcuts do not take an item's text)."""
    marker = lines[start][0]
    count = len(lines)
    plain, takes = shortcuts.plain.fullmatch, shortcuts.takes
    items: list[tuple[int, str, bool]] = []
    index = start
    while index < count and lines[index][:1] == marker:
        line = lines[index]
        if _SIMPLE_ITEM.match(line) is None:
            return None
        content = mdTrim(line[2:])
        is_plain = plain(content) is not None
        if not is_plain and not takes(content):
            return None
        items.append((index + 1, content, is_plain))
        index += 1
    if index < count:
        if lines[index].strip(" \t"):
            return None
        while index < count and not lines[index].strip(" \t"):
            index += 1
        # A line indented for the last item would continue it, a bullet the list; lines that
        # start with white space are no plain notes anyway.
        if index < count and lines[index][0] in "-*+ \t":
            return None
    return PlainList(start + 1, tuple(items))


def _plain_definition(lines: list[str], index: int) -> PlainDefinition | None:
    """`lines[index]` as a term and the next line as its definition, when they are nothing else.

    The term starts no block, so no rule before the definition list's takes it, and neither does
    the definition's text after `: `, so it is one paragraph; then a blank line or the end. The
    definition list may go on with the next term: it reads it as this function does. (A line
    starting with a `:` or `~` marker elsewhere is no plain notes: `plain_outline` declines it.)
    """
    if index + 1 >= len(lines) or not _SIMPLE_TEXT.match(lines[index]):
        return None
    definition = lines[index + 1]
    if not definition.startswith(": ") or not _SIMPLE_TEXT.match(definition, 2):
        return None
    if index + 2 < len(lines) and lines[index + 2].strip(" \t"):
        return None
    # (The definition list strips its term as Python does, the paragraph rule its text as
    # CommonMark does.)
    return PlainDefinition(index + 1, lines[index].strip(), mdTrim(definition[2:]))


def _normalize(state: StateCore) -> None:
    """markdown-it's core `normalize` rule (CommonMark's line endings to LF, NUL to U+FFFD),
    without its regular expression that matches, and replaces, every line break."""
    state.src = state.src.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


# The characters at which each inline rule can match. (`text` matches anywhere, but only ever
# adds to the text token.) A rule missing here turns the inline shortcuts off.
_RULE_CHARACTERS = {
    "text": "",
    "newline": "\n",
    "math_inline": "$",
    "cloze": "{",
    "cloze_mark": "=",
    "cloze_stray": "}",
    "escape": "\\",
    "backticks": "`",
    "emphasis": "*_",
    "wikilink": "![",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}


@dataclass(frozen=True, slots=True)
class _InlineShortcuts:
    """Inline source whose tokens are known without running the inline rules."""

    plain: re.Pattern[str]
    """Text that no inline rule reacts to: one text token."""
    strong: re.Pattern[str] | None
    """Plain text with one `**term**` in it: markdown-it's strong emphasis, as the delimiters
    can only open and close it. Nothing or a space comes before the term, whose first and last
    characters are letters or digits, and nothing or a space or a punctuation mark after it.
    None when some other inline rule reacts to `*`."""

    @classmethod
    def of(cls, md: MarkdownIt) -> _InlineShortcuts | None:
        """The shortcuts for a parser's inline rules, or None when some rule is not known."""
        rules = md.inline.ruler.get_active_rules()
        if "text" not in rules or any(rule not in _RULE_CHARACTERS for rule in rules):
            return None
        reactive = {c for rule in rules for c in _RULE_CHARACTERS[rule]}
        plain = f"[^{re.escape(''.join(sorted(reactive)))}]"
        strong = None
        if "emphasis" in rules and [r for r in rules if "*" in _RULE_CHARACTERS[r]] == ["emphasis"]:
            term = rf"[^\W_](?:{plain}*[^\W_])?"
            strong = re.compile(rf"((?:{plain}* )?)\*\*({term})\*\*((?:[ :;,.]{plain}*)?)")
        return cls(re.compile(f"{plain}+"), strong)

    def takes(self, content: str) -> bool:
        """Whether `tokens` knows the tokens of `content`."""
        if self.plain.fullmatch(content):
            return True
        return self.strong is not None and self.strong.fullmatch(content) is not None

    def tokens(self, content: str) -> list[Token] | None:
        """The inline tokens markdown-it makes of `content`, or None when it is not a shortcut."""
        if self.plain.fullmatch(content):
            return [_text_token(content, 0)]
        match = self.strong.fullmatch(content) if self.strong else None
        if match is None:
            return None
        # The opening delimiter's text token is left behind, emptied (and so is the closing
        # one's): joined to the text before and after the emphasis, or empty.
        before, term, after = match.groups()
        return [
            _text_token(before, 0),
            Token("strong_open", "strong", 1, {}, None, 0, None, "", "**"),
            _text_token(term, 1),
            Token("strong_close", "strong", -1, {}, None, 0, None, "", "**"),
            _text_token(after, 0),
        ]


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, {}, None, level, None, content)


# --------------------------------------------------------------------------- line numbers


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's core `inline` rule, which also tells the inline rules where each block
    starts, so that they can report lines; or the shortcut's tokens, when there is one."""
    shortcuts: _InlineShortcuts | None = getattr(state.md, "inline_shortcuts", None)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            known = shortcuts.tokens(token.content) if shortcuts and token.content else None
            if known is not None:
                token.children.extend(known)
                continue
            state.env[_LINE] = token.map[0] if token.map else 0
            state.env[_CURSOR] = {}
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def line_at(state: StateInline, pos: int) -> int:
    """The 1-based source line of a position in the inline source being parsed.

    Inline rules run left to right, so a cursor per inline source makes the counting linear
    overall. (An image's description is parsed from a source of its own: its lines count from
    the block's first line, which is close enough for a message.)
    """
    cursors = state.env.setdefault(_CURSOR, {})
    cursor = cursors.get(id(state))
    line: int
    if cursor is not None and cursor[0] is state and pos >= cursor[1]:
        line = int(cursor[2]) + state.src.count("\n", cursor[1], pos)
    else:
        line = int(state.env.get(_LINE, 0)) + 1 + state.src.count("\n", 0, pos)
    cursors[id(state)] = (state, pos, line)
    return line


def _stamped(rule: InlineRule) -> InlineRule:
    """Wrap an inline rule so that the tokens it makes carry their line in `meta["line"]`."""

    def stamped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        count = len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[count:]:
                if token.type in ("softbreak", "hardbreak"):
                    # A break belongs to the line it starts.
                    token.meta["line"] = line_at(state, state.pos)
                elif token.type != "text":
                    token.meta["line"] = line_at(state, start)
        return matched

    return stamped


def _error(state: StateInline, pos: int, message: str) -> MarkdownSyntaxError:
    return MarkdownSyntaxError(line_at(state, pos), message)


def _snippet(src: str, pos: int, size: int = 30) -> str:
    text = src[pos : pos + size].split("\n", 1)[0]
    return text + ("..." if len(src) > pos + len(text) and len(text) == size else "")


# --------------------------------------------------------------------------- wiki-links

# `[[target]]`, `[[target#heading|shown text]]`, and embeds `![[picture.png|300]]`.
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")


def _wikilink(state: StateInline, silent: bool) -> bool:
    """Obsidian's wiki-links and embeds, as one `wikilink` token.

    `meta` holds the target, the text after `|` (the shown text of a link, the size of an
    embedded picture), whether it is an embed (`![[...]]`) and its line.
    """
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not src.startswith(("[[", "![["), pos):
        return False
    match = _WIKILINK.match(src, pos)
    if match is None or match.end() > state.posMax or not match.group(2).strip():
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.markup = match.group()
        token.meta = {
            "target": match.group(2).strip(),
            "alias": (match.group(3) or "").strip(),
            "embed": bool(match.group(1)),
            "line": line_at(state, pos),
        }
    state.pos = match.end()
    return True


# --------------------------------------------------------------------------- cloze rules


def _scan(
    state: StateInline, start: int, is_end: Callable[[int], bool], find_hint: bool
) -> tuple[int, int] | None:
    """Find where an inline span that starts at `start` ends, skipping whole inline tokens.

    Returns `(end, hint)`: the position where `is_end` holds, and the position of the span's
    first top-level `::` before it (-1 when there is none); None when the paragraph ends first.
    """
    saved = state.pos
    state.env[_DEPTH] = state.env.get(_DEPTH, 0) + 1
    hint = -1
    try:
        state.pos = start
        while state.pos < state.posMax:
            pos = state.pos
            if is_end(pos):
                return pos, hint
            if find_hint and hint < 0 and state.src.startswith("::", pos):
                hint = pos
                state.pos = pos + 2
                continue
            state.md.inline.skipToken(state)
        return None
    finally:
        state.pos = saved
        state.env[_DEPTH] -= 1


def _tokenize_span(state: StateInline, start: int, end: int) -> None:
    """Parse `src[start:end]` into the token stream, as the link rule does for link text."""
    saved_max = state.posMax
    state.env[_DEPTH] = state.env.get(_DEPTH, 0) + 1
    try:
        state.pos = start
        state.posMax = end
        state.md.inline.tokenize(state)
    finally:
        state.posMax = saved_max
        state.env[_DEPTH] -= 1


def _cloze(state: StateInline, silent: bool) -> bool:
    """`{{c1::text}}` and `{{c1::text::hint}}`."""
    src, pos = state.src, state.pos
    if not src.startswith("{{", pos):
        return False
    match = _CLOZE_OPEN.match(src, pos)
    if match is None:
        if not silent and _CLOZE_LIKE.match(src, pos):
            raise _error(
                state,
                pos,
                f"{_snippet(src, pos)!r} is not cloze syntax: write {{{{c1::hidden text}}}} "
                "(a lower-case c, a number from 1, then two colons)",
            )
        return False
    nested = state.env.get(_DEPTH, 0) > 0
    digits = match.group(1)
    number = int(digits) if len(digits) <= 4 else MAX_CLOZE + 1
    start = match.end()
    limit = state.posMax
    bounds = _scan(
        state, start, lambda p: p + 2 <= limit and src.startswith("}}", p), find_hint=True
    )
    if silent:
        if nested or bounds is None or not 1 <= number <= MAX_CLOZE:
            return False
        state.pos = bounds[0] + 2
        return True
    if nested:
        raise _error(
            state,
            pos,
            "a cloze cannot hold another cloze: close the first one with }} before the next "
            "{{c...:: (and do not put {{c...:: inside ==...==)",
        )
    if not 1 <= number <= MAX_CLOZE:
        raise _error(state, pos, f"cloze numbers go from c1 to c{MAX_CLOZE}, not c{digits[:10]}")
    if bounds is None:
        raise _error(
            state,
            pos,
            f"the cloze {_snippet(src, pos)!r} is never closed: end it with }}}} in the same "
            "paragraph (write \\}\\} for literal braces inside it)",
        )
    close, hint_at = bounds
    text_end = hint_at if hint_at >= 0 else close
    if src.startswith("}", close + 2):
        # `{{c1::\frac{a}{b}}}` would hide `\frac{a}{b` and show a stray brace.
        raise _error(
            state,
            close,
            "}}} after a cloze: the cloze ends at the first }}, so a brace is left over. Put "
            "math in $...$, or write \\} for a brace that belongs to the hidden text",
        )
    if not src[start:text_end].strip():
        raise _error(
            state, pos, f"the cloze c{number} hides nothing: write {{{{c{number}::text}}}}"
        )
    opening = state.push("cloze_open", "", 1)
    opening.markup = "{{"
    opening.meta = {
        "number": number,
        "hint": src[hint_at + 2 : close].strip() if hint_at >= 0 else "",
        "line": line_at(state, pos),
    }
    _tokenize_span(state, start, text_end)
    state.push("cloze_close", "", -1).markup = "}}"
    state.pos = close + 2
    return True


def _mark(state: StateInline, silent: bool) -> bool:
    """`==text==`: a cloze numbered by its place in the line.

    Like emphasis, the opening `==` must be followed, and the closing one preceded, by a
    character that is not a space, so `x == y` stays text; runs of three or more `=` are text.
    """
    src, pos, end = state.src, state.pos, state.posMax
    if not src.startswith("==", pos) or (pos > 0 and src[pos - 1] == "="):
        return False
    start = pos + 2
    if start >= end or src[start].isspace() or src[start] == "=":
        return False
    # A failed search for the closing `==` ran to the end of the paragraph: every later `==` in
    # it would fail the same way, so remember that instead of searching again (no quadratic
    # blow-up on a long line full of `a==b`).
    miss = state.env.get(_MARK_MISS)
    if miss is not None and miss[0] is state and miss[1] == end and pos >= miss[2]:
        return False

    def is_end(p: int) -> bool:
        return (
            p > start
            and src.startswith("==", p)
            and p + 2 <= end
            and not src[p - 1].isspace()
            and (p + 2 == len(src) or src[p + 2] != "=")
        )

    nested = state.env.get(_DEPTH, 0) > 0
    bounds = _scan(state, start, is_end, find_hint=False)
    if bounds is None:
        state.env[_MARK_MISS] = (state, end, pos)
        return False
    close = bounds[0]
    if silent:
        if nested:
            return False
        state.pos = close + 2
        return True
    if nested:
        raise _error(
            state,
            pos,
            "==...== cannot go inside a cloze or another ==...==: close the first one before "
            "the next",
        )
    opening = state.push("cloze_open", "", 1)
    opening.markup = "=="
    opening.meta = {"number": None, "hint": "", "line": line_at(state, pos)}
    _tokenize_span(state, start, close)
    state.push("cloze_close", "", -1).markup = "=="
    state.pos = close + 2
    return True


def _stray_close(state: StateInline, silent: bool) -> bool:
    """A `}}` that the cloze rule did not take closes nothing: the braces are unbalanced."""
    if not silent and state.src.startswith("}}", state.pos):
        raise _error(
            state,
            state.pos,
            "}} closes no cloze: check the {{c1::...}} before it, or write \\}\\} for literal "
            "braces",
        )
    return False
