"""Inline rules for markdown-it for what note apps write beyond CommonMark: Obsidian's wiki-links
and embeds, pictures whose paths hold spaces (Obsidian, Notion), and Obsidian block ids."""

from __future__ import annotations

import re

from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .inline_rules import line_at

# `[[target]]`, `[[target#heading|shown text]]`, and embeds `![[picture.png|300]]`.
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|]*)(?:\|([^\[\]\n]*))?\]\]")


def wikilink(state: StateInline, silent: bool) -> bool:
    """Obsidian's wiki-links and embeds, as one `wikilink` token whose `meta` holds the target,
    the text after `|` (a link's text, a picture's size), whether it is an embed and its line."""
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


# A picture file's path with a space in it, on one line: `![alt](Lecture 3/Untitled 3.png)`.
_SPACED_IMAGE = re.compile(
    r"!\[([^\[\]\n]*)\]\(([^()<>\n]*? [^()<>\n]*?\.(?:png|jpe?g|gif|svg|webp|bmp))[ /]*\)",
    re.IGNORECASE,
)


def spaced_image(state: StateInline, silent: bool) -> bool:
    """A picture whose path holds spaces, which CommonMark's image rule leaves as text."""
    src, pos = state.src, state.pos
    if not src.startswith("![", pos):
        return False
    match = _SPACED_IMAGE.match(src, pos)
    if match is None or match.end() > state.posMax:
        return False
    if not silent:
        label = match.group(1)
        children: list[Token] = []
        state.md.inline.parse(label, state.md, state.env, children)
        token = state.push("image", "img", 0)
        token.attrs = {"src": match.group(2).strip(), "alt": ""}
        token.children = children
        token.content = label
        token.meta["line"] = line_at(state, pos)
    state.pos = match.end()
    return True


# `^id` after a space (or alone) at the end of a line: Obsidian's name for the line's block.
_BLOCK_ID = re.compile(r"\^[A-Za-z0-9-]+[ \t]*(?=\n|\Z)")


def block_id(state: StateInline, silent: bool) -> bool:
    """An Obsidian block id at a line's end, dropped with the spaces before it."""
    src, pos = state.src, state.pos
    if src[pos] != "^" or (pos > 0 and src[pos - 1] not in " \t\n"):
        return False
    match = _BLOCK_ID.match(src, pos)
    if match is None or match.end() > state.posMax:
        return False
    if not silent:
        state.pending = state.pending.rstrip(" \t")
    state.pos = match.end()
    return True
