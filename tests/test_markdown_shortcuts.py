"""The Markdown parser's shortcuts make exactly the tokens of markdown-it's own route.

`markdown_syntax` reads the plainest headings, bullet lists and inline text without running
markdown-it's rules (see "shortcuts" there). Here generated notes, mixing those shapes with their
near misses, are parsed by both routes, and the token streams (or the errors) must be equal, down
to every field of every token. Other tests check that the shortcuts are taken at all, so that
the comparison is not between two runs of the same route.

Notes made only of plain shapes are read without tokens at all (`plain_outline`): for them the
reader's models (or errors), and its warnings, are compared with those of markdown-it's route.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from notes2decks.errors import NotesError
from notes2decks.readers import ReadContext
from notes2decks.readers import markdown as reader
from notes2decks.readers import markdown_blocks as blocks
from notes2decks.readers import markdown_syntax as syntax
from notes2decks.readers.markdown_blocks import Converter
from notes2decks.serialize import to_data

# Words and inline syntax, plain ones first so that hypothesis shrinks towards them.
WORDS = [
    "alpha",
    "Beta",
    "x",
    "1905",
    "café",
    "naïve",
    "(a)",
    "'q'",
    "a-b",
    "e.g.",
    "50%",
    "Q:",
    "A:",
    "::",
    ":::",
    ":",
    "**bold**",
    "**two words**",
    "**x**:",
    "**x**y",
    "x**y**",
    "** x**",
    "**x **",
    "**",
    "*",
    "*em*",
    "_u_",
    "_",
    "__",
    "***",
    "$x$",
    "$",
    "$$",
    "$5",
    "{{c1::x}}",
    "{{c2::y::hint}}",
    "{{c1::}}",
    "{{",
    "}}",
    "{x}",
    "==z==",
    "=",
    "==",
    "[[note]]",
    "![[p.png]]",
    "[l](u)",
    "[",
    "]",
    "\\",
    "\\*",
    "&amp;",
    "&",
    "<b>",
    "<",
    "`c`",
    "`",
    "!",
    "#tag",
    "#",
    "~",
    "|",
    "-",
    "+",
    "1.",
    "2)",
    "\u00a0",
    "\u2003",
    "\t",
    "  ",
    "\x00",
    "\x85",
    "\x1f",
]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
text = st.builds(
    lambda parts, joiner, tail: joiner.join(parts) + tail,
    words,
    st.sampled_from([" ", " ", "", "  "]),
    st.sampled_from(["", "", " ", "  ", "\t", "\u00a0", " #", " ##"]),
)
# The text of a list item or heading as the shortcuts would take it.
simple_text = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from(["The", "Osmosis", "**Term**", "**Two words**", "1905", "==x== y", "é"]),
    st.lists(st.sampled_from(["cell", "(1591)", "'ok'", "is:", "x,", "**b**", "a."]), max_size=5),
)

marker = st.sampled_from(["-", "*", "+"])
item = st.builds(
    lambda indent, mark, gap, body: f"{indent}{mark}{gap}{body}",
    st.sampled_from(["", "", "", " ", "  ", "   ", "    "]),
    marker,
    st.sampled_from([" ", " ", " ", "", "  ", "\t", "     "]),
    st.one_of(simple_text, text, st.just("")),
)
heading = st.builds(
    lambda hashes, gap, body: f"{hashes}{gap}{body}",
    st.sampled_from(["#", "##", "##", "###", "######", "#######"]),
    st.sampled_from([" ", " ", "", "  ", "\t"]),
    st.one_of(simple_text, text, st.just("")),
)
other_line = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            " ",
            "   ",
            "\t",
            "---",
            "***",
            "___",
            "===",
            "- - -",
            "* * *",
            "-",
            "- ",
            "-x",
            "1. one",
            "2) two",
            "> quote",
            "```",
            "~~~",
            "$$",
            ": definition",
            "~ definition",
            "| a | b |",
            "|---|---|",
            "- --- | ---",
            "<!-- note -->",
            "<div>",
            "[ref]: /url",
            "    code",
            "  indented",
            "- [ ] task",
            "- # heading",
            "- > quote",
            "- 1. x",
            "- $$",
            "---\ntitle: x\n---",
        ]
    ),
    st.builds(lambda body: f"> {body}", text),
)
# A run of lines shaped for the shortcuts (a list or a heading, then a blank line), or not.
chunk = st.one_of(
    st.builds(lambda items: [*items, ""], st.lists(item, min_size=1, max_size=5)),
    st.builds(
        lambda mark, bodies: [f"{mark} {body}" for body in bodies] + [""],
        marker,
        st.lists(simple_text, min_size=1, max_size=5),
    ),
    st.builds(lambda line: [line, ""], heading),
    st.builds(lambda line: [line], heading),
    st.lists(other_line, min_size=1, max_size=3),
    st.lists(st.sampled_from(["", " ", "\t"]), min_size=1, max_size=3),
)
document = st.builds(
    lambda chunks, newline, end: newline.join(line for lines in chunks for line in lines) + end,
    st.lists(chunk, max_size=8),
    st.sampled_from(["\n", "\n", "\r\n", "\r"]),
    st.sampled_from(["", "\n"]),
)


def outcome(parse: Callable[..., list[Token]], source: str, **options: Any) -> object:
    """The tokens of `source`, or the error that reading it raises."""
    try:
        return parse(source, **options)
    except syntax.MarkdownSyntaxError as exc:
        return ("error", exc.line, exc.message)


@contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count the times each shortcut takes text, while the context lasts."""
    taken: Counter[str] = Counter()

    def counted(name: str, rule: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            result = rule(*args)
            taken[name] += result not in (False, None)
            return result

        return run

    shortcuts = syntax._InlineShortcuts
    with (
        mock.patch.object(syntax, "_simple_list", counted("list", syntax._simple_list)),
        mock.patch.object(syntax, "_simple_heading", counted("heading", syntax._simple_heading)),
        mock.patch.object(shortcuts, "tokens", counted("inline", shortcuts.tokens)),
    ):
        yield taken


@settings(max_examples=400, deadline=None)
@given(document)
def test_notes_give_the_tokens_of_markdown_it(source: str) -> None:
    with counting() as taken:
        fast = outcome(syntax.parse, source)
    for name in ("list", "heading", "inline"):
        event(f"{name} shortcut {'taken' if taken[name] else 'not taken'}")
    assert fast == outcome(syntax.parse, source, shortcuts=False)


@settings(max_examples=200, deadline=None)
@given(st.one_of(text, simple_text), st.booleans())
def test_inline_text_gives_the_tokens_of_markdown_it(source: str, cloze: bool) -> None:
    fast = outcome(syntax.parse_inline, source, cloze=cloze)
    assert fast == outcome(syntax.parse_inline, source, cloze=cloze, shortcuts=False)


def test_the_shortcuts_take_plain_notes() -> None:
    notes = "## Causes\n\n- The **cell** divides.\n- **Osmosis**: water moves.\n- Plain text.\n"
    with counting() as taken:
        tokens = syntax.parse(notes)
    assert taken == Counter(list=1, heading=1, inline=4)
    assert tokens == syntax.parse(notes, shortcuts=False)


@pytest.mark.parametrize(
    "notes",
    [
        "- one\n- two\nlazy continuation\n",  # the paragraph goes on
        "- one\n\n  more of one\n",  # the item goes on
        "- one\n\n- two\n",  # a loose list
        "- one\n  - nested\n",
        "- one\n+ other marker\nlazy\n",
        "-  two spaces\n",
        "- - -\n",
        "- 1. ordered inside\n",
        "## Heading ##\n",
        "## Heading\ntext under it\n",
        "## a | b\n|---|---|\n",  # a table
        "> - quoted\n",
    ],
)
def test_near_misses_are_left_to_markdown_it(notes: str) -> None:
    with counting() as taken:
        tokens = syntax.parse(notes)
    assert taken["list"] == taken["heading"] == 0
    assert tokens == syntax.parse(notes, shortcuts=False)


def test_a_list_rule_that_declines_pushes_nothing() -> None:
    state = StateBlock("- one\n- two\nlazy\n", syntax.parser(), {}, [])
    assert not syntax._simple_block(state, 0, state.lineMax, False)
    assert state.tokens == []
    assert state.line == 0


def test_inline_shortcuts_follow_the_enabled_rules() -> None:
    notes = syntax.parser()
    cells = syntax.parser(cloze=False)
    assert isinstance(notes, syntax._Parser)
    assert isinstance(cells, syntax._Parser)
    assert notes.inline_shortcuts is not None and cells.inline_shortcuts is not None
    # With the cloze rules off, braces and `==` are plain text.
    assert notes.inline_shortcuts.tokens("a {x} == b") is None
    assert cells.inline_shortcuts.tokens("a {x} == b") is not None
    assert syntax.parser(shortcuts=False).inline_shortcuts is None  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the converter


def _paragraph_of(children: list[Token], converter: Converter) -> list[Any]:
    inline = Token("inline", "", 0, children=children)
    return converter.paragraph(inline, 3, cards=True)


@settings(max_examples=200, deadline=None)
@given(st.one_of(text, simple_text).filter(lambda t: ":" not in t and len(t) > 1), st.data())
def test_a_paragraph_of_one_text_is_read_as_the_general_route_reads_it(
    content: str, data: st.DataObject
) -> None:
    """A paragraph of one text token without a colon takes a shortcut in `paragraph`; split
    into two text tokens it takes the general route, and must come out the same."""
    folder = Path(__file__).parent / "fixtures" / "markdown"
    converter = Converter([], ReadContext("notes.md", folder / "notes.md", folder))
    cut = data.draw(st.integers(min_value=1, max_value=len(content) - 1))
    one = [Token("text", "", 0, content=content)]
    two = [Token("text", "", 0, content=content[:cut]), Token("text", "", 0, content=content[cut:])]
    assert _paragraph_of(one, converter) == _paragraph_of(two, converter)


# --------------------------------------------------------------------------- notes without tokens

FOLDER = Path(__file__).parent / "fixtures" / "markdown"

plain_heading = st.builds(
    lambda hashes, body: f"{hashes} {body}",
    st.sampled_from(["##", "##", "##", "##", "###", "####", "#"]),
    st.one_of(
        simple_text,
        simple_text,
        st.sampled_from(["Glossary", "glossary", "Glossary ", "GLOSSARY", "Glossary #tag"]),
        st.sampled_from(["#tag", "Cell #bio #unit-1", "A ##", "**Glossary**", "x #", "Q: x"]),
    ),
)
# Text that the inline shortcuts mostly take: words without inline syntax, at most one **term**,
# and card syntax.
PLAIN_WORDS = ["The", "cell", "(1591)", "'ok'", "is:", "x,", "a.", "1905", "é", "50%", "#tag"]
plain_words = st.lists(
    st.sampled_from([*PLAIN_WORDS, "Q:", "A:", "::", ":::", "\u00a0", "\x85", "a\tb", "#"]),
    max_size=6,
)
shortcut_text = st.builds(
    lambda first, before, term, after: " ".join([first, *before, *term, *after]),
    st.sampled_from(["The", "cell", "(1591)", "'ok'", "é", "1905", "Q:", "A:", "**Term**", "50%"]),
    plain_words,
    st.sampled_from([[], [], ["**Term**"], ["**Two words**"], ["**x**:"]]),
    plain_words,
)
plain_text = st.one_of(shortcut_text, shortcut_text, shortcut_text, simple_text, text)
# A term and its definition, and their near misses.
definition = st.builds(
    lambda term, body: [term, f": {body}", ""], plain_text, plain_text
) | st.builds(
    lambda term, mark, body, after: [term, f"{mark}{body}", *after],
    st.one_of(plain_text, st.sampled_from(["~ x", "## x", "- x", "Q: x", "| a |"])),
    st.sampled_from([": ", ":", ":  ", ": \t", "~ ", "  : ", ":\t"]),
    st.one_of(plain_text, st.sampled_from(["- x", "# x", "1. x", "$$", "| a |", "---"])),
    st.sampled_from([[""], [], ["", ""], ["more text"], ["  more"], [": again"], ["", ": again"]]),
)
plain_list = st.builds(
    lambda mark, bodies: [f"{mark} {body}" for body in bodies] + [""],
    marker,
    st.lists(plain_text, min_size=1, max_size=5),
)
plain_chunk = st.one_of(
    st.builds(lambda line: [line, ""], plain_heading),
    plain_list,
    plain_list,
    definition,
    st.just([""]),
)
# Chunks of plain notes only, to be read without tokens (unless some text holds syntax).
pure_chunk = st.one_of(
    st.builds(
        lambda level, head, mark, bodies: [
            f"{level} {head}",
            "",
            *(f"{mark} {b}" for b in bodies),
            "",
        ],
        st.sampled_from(["##", "##", "###"]),
        st.one_of(shortcut_text, plain_text),
        marker,
        st.lists(shortcut_text, min_size=1, max_size=5),
    ),
    st.builds(lambda term, body: [term, f": {body}", ""], shortcut_text, shortcut_text),
    st.just(["## Glossary", ""]),
)
front_matter = st.sampled_from(
    ["", "", "---\ntitle: Cells\n---\n", "---\ndeck: A::B\ntags: [x]\n---\n"]
)
# Mostly plain notes, some with a near miss or another block somewhere.
plain_document = st.builds(
    lambda front, chunks, end: front + "\n".join(line for lines in chunks for line in lines) + end,
    front_matter,
    st.one_of(
        st.lists(pure_chunk, max_size=12),
        st.lists(pure_chunk, max_size=12),
        st.lists(plain_chunk, max_size=12),
        st.lists(st.one_of(plain_chunk, plain_chunk, plain_chunk, chunk), max_size=10),
    ),
    st.sampled_from(["", "\n"]),
)


def read(source: str, *, plain: bool = True) -> object:
    """The model `parse_markdown` reads from `source` (or its error), and its warnings; with
    `plain` false, by markdown-it's own route for every file, and with every paragraph read
    line by line."""
    warnings: list[str] = []
    context = ReadContext(
        "notes.md", FOLDER / "notes.md", FOLDER, (), lambda w: warnings.append(str(w))
    )
    one_line = blocks._plain_paragraph if plain else lambda *_: None
    with (
        mock.patch.object(
            reader, "plain_outline", syntax.plain_outline if plain else lambda _: None
        ),
        mock.patch.object(blocks, "_plain_paragraph", one_line),
        mock.patch.object(
            Converter, "_one_line", Converter._one_line if plain else lambda *_: None
        ),
        mock.patch.object(
            reader, "parse", syntax.parse if plain else partial(syntax.parse, shortcuts=False)
        ),
    ):
        try:
            result: object = to_data(reader.parse_markdown(source, context))
        except NotesError as exc:
            result = ("error", str(exc), exc.line)
    return result, warnings


@contextmanager
def plain_reads() -> Iterator[Counter[str]]:
    """Count the notes read without tokens, while the context lasts."""
    taken: Counter[str] = Counter()
    assemble = reader._assemble_plain

    def counted(*args: Any) -> Any:
        taken["plain"] += 1
        return assemble(*args)

    with mock.patch.object(reader, "_assemble_plain", counted):
        yield taken


@settings(max_examples=500, deadline=None)
@given(plain_document)
def test_plain_notes_give_the_model_of_markdown_it(source: str) -> None:
    with plain_reads() as taken:
        fast = read(source)
    event(f"read {'without' if taken['plain'] else 'with'} tokens")
    assert fast == read(source, plain=False)


def test_plain_notes_are_read_without_tokens() -> None:
    notes = (
        "---\ntitle: Cells\n---\n\n## Osmosis #bio\n\n"
        "- Water **moves**: in.\n- Cell ::: the unit\n\n"
        "### Detail\n\n* a :: b\n\nterm\n: its definition\n\n## Glossary\n\n"
        "Cell\n: the unit of life\n\n- not a definition\n"
    )
    with plain_reads() as taken, mock.patch.object(syntax, "parse") as parse:
        fast = read(notes)
    assert taken["plain"] == 1
    parse.assert_not_called()
    deck, warnings = fast
    assert isinstance(deck, dict) and len(warnings) == 1  # (the list in the glossary)
    assert fast == read(notes, plain=False)


@pytest.mark.parametrize(
    "notes",
    [
        "# Title\n\n## Card\n\n- fact\n",  # a `#` heading may be the title
        "## Card\n\n- fact\n\nterm\n:  two spaces\n",
        "## Card\n\nterm\n: definition\nlazy\n",
        "## Card\n\nterm\n\n: definition\n",
        "## Card\n\nterm\n: definition\n\n: another\n",
        "## Card\n\nterm\n: definition\n\n## Next\n\n~ x\n",
        "## Card\n\nterm\n: - a list\n",
        "## Card\n\n- fact\n\n  indented\n",
        "## Card\n\n- fact with ==cloze==\n",
        "## Card\n\nA paragraph.\n",
    ],
)
def test_notes_with_other_shapes_are_left_to_markdown_it(notes: str) -> None:
    with plain_reads() as taken:
        fast = read(notes)
    assert taken["plain"] == 0
    assert fast == read(notes, plain=False)
