"""Our inline rules for markdown-it: `{{c1::text::hint}}` and `==text==` become `cloze_open` /
`cloze_close` tokens (number and hint in `meta`), a stray `}}` stays text, and our tokens get their
line. Mistakes stay text, with a warning; `}}` or `::` inside math or code never ends a cloze."""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from typing import Any

from markdown_it.rules_inline import StateInline

InlineRule = Callable[[StateInline, bool], bool]

MAX_CLOZE = 999

CLOZE_RULES = ["cloze", "cloze_mark", "cloze_stray"]
"""The names of the rules that read cloze syntax."""

_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
# Near misses of the cloze opening, worth an error rather than silently showing braces.
_CLOZE_LIKE = re.compile(r"\{\{\s*c\s*\d*\s*:", re.IGNORECASE)

# Keys of the parse's env, named so that no plugin collides with them.
_LINE = "n2d_line"
_CURSOR = "n2d_cursor"
_DEPTH = "n2d_depth"
_MARK_MISS = "n2d_mark_miss"
WARN = "n2d_warn"
"""The key of the parse's env that holds its `Warn`."""

Warn = Callable[[int, str], None]
"""Where the rules report a mistake: its 1-based line and what is wrong."""


def _warn(state: StateInline, pos: int, message: str) -> None:
    state.env[WARN](line_at(state, pos), message)


def start_block(env: MutableMapping[str, Any], line: int) -> None:
    """Tell the rules that the inline source parsed next starts at 0-based `line`."""
    env[_LINE] = line
    env[_CURSOR] = {}


def line_at(state: StateInline, pos: int) -> int:
    """The 1-based source line of a position in the inline source being parsed, counted from
    a cursor per inline source, since rules run left to right."""
    cursors = state.env.setdefault(_CURSOR, {})
    cursor = cursors.get(id(state))
    line: int
    if cursor is not None and cursor[0] is state and pos >= cursor[1]:
        line = int(cursor[2]) + state.src.count("\n", cursor[1], pos)
    else:
        line = int(state.env.get(_LINE, 0)) + 1 + state.src.count("\n", 0, pos)
    cursors[id(state)] = (state, pos, line)
    return line


def stamped(rule: InlineRule) -> InlineRule:
    """Wrap an inline rule so that the tokens it makes carry their line in `meta["line"]`."""

    def stamped(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
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


def _snippet(src: str, pos: int, size: int = 30) -> str:
    text = src[pos : pos + size].split("\n", 1)[0]
    return text + ("..." if len(src) > pos + len(text) and len(text) == size else "")


def _scan(
    state: StateInline, start: int, is_end: Callable[[int], bool], find_hint: bool
) -> tuple[int, int] | None:
    """`(end, hint)` of the inline span at `start`, skipping whole inline tokens: where `is_end`
    holds, and its first top-level `::` (else `end`); None when the paragraph ends first."""
    saved = state.pos
    state.env[_DEPTH] = state.env.get(_DEPTH, 0) + 1
    hint = -1
    try:
        state.pos = start
        while state.pos < state.posMax:
            pos = state.pos
            if is_end(pos):
                return pos, pos if hint < 0 else hint
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


def cloze(state: StateInline, silent: bool) -> bool:
    """`{{c1::text}}` and `{{c1::text::hint}}`; a mistaken one stays text, with a warning."""
    src, pos = state.src, state.pos
    if not src.startswith("{{", pos):
        return False
    match = _CLOZE_OPEN.match(src, pos)
    if match is None:
        if silent or not _CLOZE_LIKE.match(src, pos):
            return False
        _warn(
            state,
            pos,
            f"{_snippet(src, pos)!r} is not cloze syntax, so it is shown as written: write "
            "{{c1::hidden text}} (a lower-case c, a number from 1, then two colons)",
        )
        # Its `}}` on the same line is part of the mistake, not another one.
        close = src.find("}}", pos, state.posMax)
        if close < 0 or "\n" in src[pos:close]:
            return False
        state.pending += src[pos : close + 2]
        state.pos = close + 2
        return True
    nested = state.env.get(_DEPTH, 0) > 0
    digits = match.group(1)
    number = int(digits) if len(digits) <= 4 else MAX_CLOZE + 1
    start = match.end()
    limit = state.posMax
    bounds = _scan(
        state, start, lambda p: p + 2 <= limit and src.startswith("}}", p), find_hint=True
    )
    inner = bounds is not None and _CLOZE_OPEN.search(src, start, bounds[0]) is not None
    if silent:
        if nested or inner or bounds is None or not 1 <= number <= MAX_CLOZE:
            return False
        state.pos = bounds[0] + 2
        return True
    if inner:
        # `{{c1::a {{c2::b}} c}}`: all of it is text, up to the `}}` that balances the first.
        _warn(
            state,
            pos,
            "a cloze cannot hold another cloze, so both are shown as written: close the first "
            "one with }} before the next {{c...::",
        )
        end = _balanced_end(src, pos, state.posMax)
        state.pending += src[pos:end]
        state.pos = end
        return True
    problem = ""
    if nested:
        problem = (
            "a cloze cannot hold another cloze, so this one is shown as written: close the "
            "first one with }} before the next {{c...:: (and do not put {{c...:: inside ==...==)"
        )
    elif not 1 <= number <= MAX_CLOZE:
        problem = (
            f"cloze numbers go from c1 to c{MAX_CLOZE}, not c{digits[:10]}; it is shown as written"
        )
    elif bounds is None:
        problem = (
            f"the cloze {_snippet(src, pos)!r} is never closed, so it is shown as written: end it "
            "with }} in the same paragraph (write \\}\\} for literal braces inside it)"
        )
    elif not src[start : bounds[1]].strip():
        problem = f"the cloze c{number} hides nothing, so it is shown as written: write "
        problem += f"{{{{c{number}::text}}}}"
    if problem or bounds is None:
        _warn(state, pos, problem)
        if bounds is None or nested:
            return False
        # The whole mistaken cloze is text, so its `}}` is not warned about again.
        state.pending += src[pos : bounds[0] + 2]
        state.pos = bounds[0] + 2
        return True
    close, text_end = bounds
    if src.startswith("}", close + 2):
        # `{{c1::\frac{a}{b}}}` hides `\frac{a}{b` and shows a stray brace.
        _warn(
            state,
            close,
            "}}} after a cloze: the cloze ends at the first }}, so a brace is left over. Put "
            "math in $...$, or write \\} for a brace that belongs to the hidden text",
        )
    opening = state.push("cloze_open", "", 1)
    opening.markup = "{{"
    opening.meta = {
        "number": number,
        "hint": src[text_end + 2 : close].strip(),
        "line": line_at(state, pos),
    }
    _tokenize_span(state, start, text_end)
    state.push("cloze_close", "", -1).markup = "}}"
    state.pos = close + 2
    return True


def _balanced_end(src: str, pos: int, limit: int) -> int:
    """The end of the `{{c1::` at `pos` and the clozes nested in it, counting each opening
    against a `}}`; the paragraph's end when they never balance."""
    depth = 0
    while pos < limit:
        opening = _CLOZE_OPEN.match(src, pos)
        if opening is not None:
            depth += 1
            pos = opening.end()
        elif src.startswith("}}", pos):
            depth -= 1
            pos += 2
            if depth == 0:
                return pos
        else:
            pos += 1
    return limit


def cloze_mark(state: StateInline, silent: bool) -> bool:
    """`==text==`: a cloze numbered by its place in the line. As with emphasis, no space may
    follow the opening `==` or precede the closing one (`x == y` is text), nor may a third `=`."""
    src, pos, end = state.src, state.pos, state.posMax
    if not src.startswith("==", pos) or (pos > 0 and src[pos - 1] == "="):
        return False
    start = pos + 2
    if start >= end or src[start].isspace() or src[start] == "=":
        return False
    # A failed search for the closing `==` ran to the paragraph's end, as every later one would.
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
        _warn(
            state,
            pos,
            "==...== cannot go inside a cloze or another ==...==, so it is shown as written: "
            "close the first one before the next",
        )
        return False
    opening = state.push("cloze_open", "", 1)
    opening.markup = "=="
    opening.meta = {"number": None, "hint": "", "line": line_at(state, pos)}
    _tokenize_span(state, start, close)
    state.push("cloze_close", "", -1).markup = "=="
    state.pos = close + 2
    return True


def stray_close(state: StateInline, silent: bool) -> bool:
    """A `}}` that the cloze rule did not take closes nothing: LaTeX outside math, a template's
    `{{ x }}`, or a cloze mistyped before it. It stays text, with a warning."""
    if not state.src.startswith("}}", state.pos):
        return False
    if not silent:
        _warn(
            state,
            state.pos,
            "}} closes no cloze; it is shown as written. If it should end a cloze, check the "
            "{{c1::...}} before it; put LaTeX in $...$, or write \\}\\} for literal braces",
        )
        state.pending += "}}"
    state.pos += 2
    return True
