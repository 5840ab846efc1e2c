"""What the headings of Markdown notes are (card headings, empty, title, generic, the one shown
above a card's front), and the warnings about empty sections and long sections split."""

from __future__ import annotations

import re

from markdown_it.token import Token

from ...model import Inlines, Text, inline_text
from .. import ReadContext
from .frontmatter import FrontMatter
from .outline import SPLIT_OVER
from .tags import TAG

# Inline tokens that are something to show even without a letter.
_CONTENT = frozenset({"image", "code_inline", "wikilink"})


# Headings that say what kind of text follows but not what it is about: a card with one on its
# front shows the heading above it (docs/FORMAT.md lists them). Compared by their words, so
# "Key points:" and "2. Examples" are generic too.
GENERIC = frozenset(
    {
        *("definition", "definitions", "key definitions", "extra notes", "notes", "more notes"),
        *("other notes", "further notes", "summary", "example", "examples", "key points"),
        *("key facts", "key ideas", "overview", "introduction", "background", "conclusion"),
        *("evaluation", "explanation", "details", "misc", "miscellaneous", "questions"),
        *("practice questions", "exam tips", "tips", "common mistakes", "recap"),
    }
)
# Generic headings that go on with the card before them: they show that card's heading.
CONTINUING = frozenset({"continued", "cont", "contd", "cont d", "continuation", "part 2"})
_WORD = re.compile(r"[^\W_]+")


def _words(front: Inlines) -> str:
    words = _WORD.findall(inline_text(front).casefold())
    while words and words[0].isdigit():
        words.pop(0)  # a number in front: "2. Examples"
    return " ".join(words)


def unless_title(section: Inlines, title: str) -> Inlines:
    """The section, or nothing when it only repeats the notes' title (shown above it anyway)."""
    return () if _plain(inline_text(section)) == _plain(title) else section


def enter_heading(
    stack: list[tuple[int, Inlines]], level: int, front: Inlines
) -> tuple[Inlines, Inlines]:
    """Enter a heading, in the order of the notes, on the `stack` of those above it (each one's
    level and full name): what its card shows above its front (`Card.section`; for a generic
    heading, the one above it), and what a card under it shows ("Osmosis — Definition")."""
    previous: Inlines = ()
    while stack and stack[-1][0] >= level:
        above_level, shown = stack.pop()
        previous = shown if above_level == level else ()
    parent = stack[-1][1] if stack else ()
    words = _words(front)
    if words in CONTINUING and previous:
        above, lines = previous, previous
    elif (words in GENERIC or words in CONTINUING) and parent:
        above, lines = parent, (*parent, Text(" — "), *front)
    else:
        above, lines = (), front
    stack.append((level, lines))
    return above, lines


def names_notes(inline: Token, meta: FrontMatter, context: ReadContext) -> bool:
    """True when a heading's text is the notes' title or their file's name."""
    text = _plain(inline.content)
    return bool(text) and text in (_plain(meta.title), _plain(context.path.stem))


def _plain(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def is_empty(inline: Token) -> bool:
    """True for a heading with nothing to ask: no letter or digit, only spaces, markup (`**`,
    HTML tags) or tags; a picture, formula or code is something."""
    children = inline.children or []
    if any(c.type in _CONTENT or c.type.startswith("math") for c in children):
        return False
    text = "".join(c.content for c in children if c.type == "text")
    return not any(char.isalnum() for char in trailing_tags(text)[0])


def heading_level(heading: Token) -> int:
    return int(heading.tag[1:])


def card_level(tokens: list[Token], headings: list[int], *, sectioned: bool) -> int:
    """The level of the notes' card headings: `##`, or in notes without them (and without `#`
    sections) the shallowest level that repeats, such as `###`."""
    levels = [heading_level(tokens[index]) for index in headings]
    if sectioned or 2 in levels:
        return 2
    return next((level for level in range(3, 7) if levels.count(level) > 1), 2)


def trailing_tags(text: str) -> tuple[str, list[str]]:
    """Split `text #a #b` into `text` and `["a", "b"]`, walking back word by word."""
    found: list[str] = []
    end = len(text.rstrip())
    while end > 0:
        cut = end - 1
        while cut >= 0 and text[cut] not in " \t":
            cut -= 1
        word = text[cut + 1 : end]
        if not TAG.fullmatch(word):
            break
        found.append(word)
        end = cut
        while end > 0 and text[end - 1] in " \t":
            end -= 1
    found.reverse()
    return text[: max(end, 0)], found


def warn_empty(empty: list[tuple[str, int]], context: ReadContext) -> None:
    """A warning for each card heading with nothing under it, or one for them all when many."""
    if len(empty) <= 3:
        for front, line in empty:
            context.warning(
                line,
                f"the card {front!r} has nothing under its heading, so it was left out; write "
                "its facts below the heading",
            )
        return
    named = ", ".join(f"{front!r} (line {line})" for front, line in empty[:3])
    context.warning(
        empty[0][1],
        f"{len(empty)} cards have nothing under their headings, so they were left out: "
        f"{named}, and {len(empty) - 3} more; write their facts below the headings",
    )


def warn_splits(splits: list[tuple[str, int, int]], context: ReadContext) -> None:
    """One warning for every section of the file that was split, naming the first few."""
    limit = f"too long for one printed card (over about {SPLIT_OVER} characters)"
    how = "at its sub-headings or bullets"
    if len(splits) == 1:
        front, _, count = splits[0]
        what = f"the section {front!r} is {limit}, so it was split into {count} cards {how}"
    else:
        named = ", ".join(f"{front!r} (line {line}) into {n}" for front, line, n in splits[:3])
        more = f", and {len(splits) - 3} more" if len(splits) > 3 else ""
        what = f"{len(splits)} sections are {limit}, so each was split {how}: {named}{more}"
    context.warning(splits[0][1], f"{what}; each card's front names its section")
