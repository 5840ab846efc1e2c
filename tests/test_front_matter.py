"""Front matter: what the common front matter of notes reads as, and what YAML says is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from notes2decks.errors import Diagnostic
from notes2decks.readers import ReadContext
from notes2decks.readers.markdown.frontmatter import FrontMatter, read_front_matter


def context(warnings: list[Diagnostic]) -> ReadContext:
    path = Path("notes/topic.md").resolve()
    return ReadContext("notes/topic.md", path, path.parent, (), warnings.append)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            'title: "Photosynthesis (1)"\ndeck: "Bench::Biology::Photosynthesis (1)"\n'
            "subject: Biology\ntags: [biology, unit-1]\n",
            FrontMatter(
                title="Photosynthesis (1)",
                deck="Bench::Biology::Photosynthesis (1)",
                subject="Biology",
                tags=("biology", "unit-1"),
            ),
        ),
        (
            "title: Stalin, Trotsky and the struggle for power after Lenin's death\n"
            "deck: History::Russia\nsubject: History\ntags: [russia, power struggle]\n\n",
            FrontMatter(
                title="Stalin, Trotsky and the struggle for power after Lenin's death",
                deck="History::Russia",
                subject="History",
                tags=("russia", "power_struggle"),
            ),
        ),
        (
            "author: 'Ms  Ahmed'\ntags: russia, stalin\nglossary: auto",
            FrontMatter(author="Ms Ahmed", tags=("russia", "stalin"), auto_glossary=True),
        ),
        ("tags: []\nglossary: 'no'", FrontMatter()),
        ("title: 1984\nauthor: [Ann, Bo]", FrontMatter(title="1984", author="Ann, Bo")),
        ("", FrontMatter()),
    ],
)
def test_common_front_matter(source: str, expected: FrontMatter) -> None:
    warnings: list[Diagnostic] = []
    assert read_front_matter(source, context(warnings)) == expected
    assert warnings == []


def test_yaml_says_what_is_wrong_at_the_line_in_the_notes() -> None:
    warnings: list[Diagnostic] = []
    meta = read_front_matter("title: one\ntitle: two\ncolour: red", context(warnings))
    assert meta.title == "two" and meta.extra == {"colour": "red"}
    assert [w.line for w in warnings] == [3, 4]
    assert "given twice" in warnings[0].message
    assert "unknown key 'colour'" in warnings[1].message
    warnings.clear()
    assert read_front_matter("title: T\ntags: [[a, b], c]", context(warnings)) == FrontMatter(
        title="T", tags=("c",)
    )
    assert [(w.line, "each tag must be a word" in w.message) for w in warnings] == [(3, True)]


def test_an_alias_leaves_the_front_matter_out_with_a_warning_at_its_line() -> None:
    warnings: list[Diagnostic] = []
    assert read_front_matter("a: &x [1, 2]\nb: *x\n", context(warnings)) == FrontMatter()
    assert [(w.line, "aliases (*name) are not allowed" in w.message) for w in warnings] == [
        (3, True)
    ]
    # A star that is no alias is text.
    assert read_front_matter("title: 5 * 3", context([])).title == "5 * 3"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("tags: uni\n\tcards-deck: Uni\n", 3, "a tab is used here"),
        ("title: Stalin: rise\n", 2, "must be in quotes"),
        ("title: T\n  deck: D\nsubject: S\n", 3, "front matter:"),
        ("- a\n- b\n", 2, "must be 'key: value' lines"),
        ("deck: !!python/object/apply:os.system [true]\n", 2, "a YAML tag that notes may not"),
    ],
)
def test_front_matter_yaml_cannot_read_is_left_out_with_a_plain_warning(
    source: str, line: int, message: str
) -> None:
    warnings: list[Diagnostic] = []
    assert read_front_matter(source, context(warnings)) == FrontMatter()
    assert [(w.line, message in w.message) for w in warnings] == [(line, True)]
    assert "left out" in warnings[0].message


def test_obsidian_keys_are_known_and_unknown_ones_make_one_warning() -> None:
    source = (
        "aliases: [Big-Oh]\ncssclasses: wide\ncreated: 2022-07-22\nupdated: 2024-02-30\n"
        "publish: true\npermalink: /x\ndescription: d\ncover: c.png\ndraft: false\n"
        "status: done\nsource: lecture\nurl: https://x\ntype: note\ncategories: [a]\n"
        "cards-deck: Uni::DSA\ncompleted: true\nsubjekt: Maths\n"
    )
    warnings: list[Diagnostic] = []
    meta = read_front_matter(source, context(warnings))
    assert meta.extra["aliases"] == "[Big-Oh]" and meta.extra["updated"] == "2024-02-30"
    # `cards-deck` is flashcards-obsidian's deck, a key the reader knows.
    (warning,) = warnings
    assert warning.line == 17
    assert warning.message.startswith(
        "front matter: unknown keys 'completed', 'subjekt' (did you mean 'subject'?)"
    )


def test_lang_and_nested_tags() -> None:
    meta = read_front_matter("lang: fr\ntags: [physics/electricity, '#ww2/yalta']", context([]))
    assert meta.lang == "fr" and meta.tags == ("physics::electricity", "ww2::yalta")
    assert read_front_matter("language: de", context([])).lang == "de"
