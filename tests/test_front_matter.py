"""Front matter: the lines read without PyYAML mean what YAML reads them as.

`read_simple_front_matter` takes only the commonest front matter and leaves the rest to the
YAML route (`read_yaml_front_matter`). Whatever it takes must give exactly what the YAML route
gives, without a warning: compared here on generated front matter that mixes what it takes
with near misses (YAML's words for true and null, colons, hashes, quotes with escapes, lists of
lists, indented lines, numbers, dates, duplicated and unknown keys).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notes2decks.errors import Diagnostic, NotesError
from notes2decks.readers import ReadContext
from notes2decks.readers.markdown_frontmatter import (
    FrontMatter,
    read_front_matter,
    read_simple_front_matter,
)
from notes2decks.readers.markdown_yaml import read_yaml_front_matter

KEYS = ["title", "deck", "subject", "author", "tags", "glossary", "Title", "tag", "colour"]
WORDS = [
    *("yes", "No", "TRUE", "false", "On", "OFF", "null", "Null", "NULL", "~", "y", "n"),
    *("auto", "explicit", "none", "Auto", "Stalin", "unit-1", "Économie", "ß", "x_y"),
    *("2024-01-01", "1.5", "12", "0x1F", ".inf", "1_000", "12:30", "<<", "="),
]
CHARS = list("abXZé9 _.,'()/+&?!-:#\"\\[]{}|>*%@`~\t\u00a0\u2028")

text = st.text(st.sampled_from(CHARS), max_size=10)
word = st.one_of(st.sampled_from(WORDS), text)
phrase = st.one_of(word, st.builds(lambda a, b: f"{a} {b}", word, word))
quoted = st.builds(lambda q, t: f"{q}{t}{q}", st.sampled_from(['"', "'"]), phrase)
items = st.builds(
    lambda parts, comma: "[" + comma.join(parts) + "]",
    st.lists(st.one_of(phrase, quoted), max_size=3),
    st.sampled_from([", ", ",", " , ", ",  "]),
)
value = st.one_of(phrase, quoted, items, st.just(""))
line = st.one_of(
    st.builds(
        lambda key, sep, value, end: f"{key}{sep}{value}{end}",
        st.sampled_from(KEYS),
        st.sampled_from([": ", ":  ", ":", " : ", ":\t"]),
        value,
        st.sampled_from(["", "", " ", " # a note", "\t"]),
    ),
    st.sampled_from(["", "  ", "# a comment", "  more text", "- item", "---"]),
)
documents = st.lists(line, max_size=5).map("\n".join)

# Front matter close to what is read without YAML: known keys, each once, and text mostly of
# characters YAML does not react to, with now and then one that it does.
SAFE = list("abcXYZéß09 _.,'()/+&?!-")
safe_text = st.text(st.sampled_from(SAFE), min_size=1, max_size=12)
near_text = st.one_of(
    safe_text,
    safe_text,
    safe_text,
    st.builds(lambda a, char, b: a + char + b, safe_text, st.sampled_from(CHARS), safe_text),
)
near_word = st.one_of(
    st.sampled_from(WORDS),
    st.builds(lambda first, rest: first + rest, st.sampled_from(list("aZéß")), near_text),
)
near_quoted = st.builds(lambda q, t: f"{q}{t}{q}", st.sampled_from(['"', "'"]), near_text)
near_values = {
    "tags": st.one_of(
        st.builds(lambda parts: "[" + ", ".join(parts) + "]", st.lists(near_word, max_size=3)),
        near_word,
        near_quoted,
    ),
    "glossary": st.sampled_from(["auto", "explicit", "none", "Auto", "'no'", '"yes"', "yes", "so"]),
}
near_simple = (
    st.lists(st.sampled_from(KEYS[:6]), max_size=6, unique=True)
    .flatmap(
        lambda keys: st.tuples(
            *(
                near_values.get(key, st.one_of(near_word, near_quoted)).map(
                    lambda value, key=key: f"{key}: {value}"
                )
                for key in keys
            )
        )
    )
    .map("\n".join)
)


def context(warnings: list[Diagnostic]) -> ReadContext:
    path = Path("notes/topic.md").resolve()
    return ReadContext("notes/topic.md", path, path.parent, (), warnings.append)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.one_of(documents, near_simple, near_simple))
def test_what_is_read_without_yaml_is_what_yaml_reads(source: str) -> None:
    simple = read_simple_front_matter(source)
    if simple is None:
        return
    warnings: list[Diagnostic] = []
    assert read_yaml_front_matter(source, context(warnings)) == simple
    assert warnings == []


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
        ("author: 'Ms  Ahmed'\ntags: russia, stalin\nglossary: auto", None),
        ("tags: []\nglossary: 'no'", None),
    ],
)
def test_common_front_matter_is_read_without_yaml(
    source: str, expected: FrontMatter | None
) -> None:
    simple = read_simple_front_matter(source)
    assert simple is not None
    assert simple == read_yaml_front_matter(source, context([]))
    if expected is not None:
        assert simple == expected


@pytest.mark.parametrize(
    "source",
    [
        "title: yes",  # YAML's true
        "title:\n  indented",  # text continued on the next line
        'title: "a \\" quote"',  # an escape
        "title: a # note",  # a comment
        "title: Stalin: the rise",  # a colon
        "title: one\ntitle: two",  # twice: YAML's route warns
        "colour: red",  # unknown: YAML's route warns
        "glossary: maybe",  # YAML's route warns
        "tags: [[a, b]]",  # a list in a list: an error
        "author: [Ann, Bo]",  # a list where text is usual
        "title: 1984",  # a number
    ],
)
def test_everything_else_goes_to_yaml(source: str) -> None:
    assert read_simple_front_matter(source) is None


def test_yaml_still_says_what_is_wrong() -> None:
    warnings: list[Diagnostic] = []
    meta = read_front_matter("title: one\ntitle: two\ncolour: red", context(warnings))
    assert meta.title == "two" and meta.extra == {"colour": "red"}
    assert [w.line for w in warnings] == [3, 4]
    with pytest.raises(NotesError) as error:
        read_front_matter("tags: [[a, b]]", context([]))
    assert error.value.line == 2


def test_notes_with_common_front_matter_do_not_load_yaml(tmp_path: Path) -> None:
    notes = tmp_path / "topic.md"
    notes.write_text(
        "---\ntitle: Topic\ntags: [a, b]\n---\n\n## Card\n\n- A fact\n", encoding="utf-8"
    )
    script = (
        "import sys\n"
        "from notes2decks.readers import read_notes\n"
        f"deck = read_notes({str(notes)!r})\n"
        "assert deck.title == 'Topic' and deck.tags == ('a', 'b'), deck\n"
        "print('yaml' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
