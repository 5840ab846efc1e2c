"""Front matter: what the common front matter of notes reads as, and what YAML says is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from notes2decks.errors import Diagnostic, NotesError
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
    with pytest.raises(NotesError) as error:
        read_front_matter("tags: [[a, b]]", context([]))
    assert error.value.line == 2


def test_an_alias_is_refused_at_its_line() -> None:
    with pytest.raises(NotesError, match=r"aliases \(\*name\) are not allowed") as error:
        read_front_matter("a: &x [1, 2]\nb: *x\n", context([]))
    assert error.value.line == 3
    # A star that is no alias is text.
    assert read_front_matter("title: 5 * 3", context([])).title == "5 * 3"
