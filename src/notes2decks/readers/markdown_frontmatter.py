"""YAML front matter of Markdown notes: the block between a first line `---` and the next `---`.

Most front matter is a few `key: value` lines: known keys, each once, with plain or quoted text
and a list of tags. Such lines are read here, without PyYAML: loading it took longer than
reading a 100-card file's Markdown, and importing it as long again in every worker. Whatever else
the front matter holds goes to `markdown_yaml`, which loads it with PyYAML's safe loader and
checks every key. Both give the same result for what is read here (tests/test_front_matter.py
compares them); only YAML's route warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import ReadContext

KNOWN_KEYS = ("title", "deck", "subject", "tags", "author", "glossary")

_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)

GLOSSARY_AUTO = frozenset({"auto", "yes", "true", "on"})
GLOSSARY_NOT_AUTO = frozenset({"explicit", "no", "false", "off", "none", ""})


@dataclass(slots=True)
class FrontMatter:
    """What the front matter says, already checked."""

    title: str = ""
    deck: str = ""
    subject: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    auto_glossary: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def split_front_matter(text: str, context: ReadContext) -> tuple[str | None, str]:
    """Split the text into its front matter's YAML (None when there is none) and the Markdown.

    The Markdown keeps one empty line for each line of front matter, so that the parser's line
    numbers stay those of the file.
    """
    if not _OPENING.match(text):
        return None, text
    body_start = text.find("\n") + 1
    if body_start == 0:
        raise context.error(1, _UNCLOSED)
    closing = _CLOSING.search(text, body_start)
    if closing is None:
        raise context.error(1, _UNCLOSED)
    yaml_text = text[body_start : closing.start()]
    after = closing.end() + 1
    return yaml_text, "\n" * text.count("\n", 0, after) + text[after:]


_UNCLOSED = (
    "the front matter that starts with --- on line 1 is never closed: end it with a line "
    "holding only ---. (For a horizontal rule at the very top, put a line of text before it.)"
)


def read_front_matter(source: str, context: ReadContext) -> FrontMatter:
    """Read and check front matter YAML that starts on line 2 of the file."""
    simple = read_simple_front_matter(source)
    if simple is not None:
        return simple
    from .markdown_yaml import read_yaml_front_matter

    return read_yaml_front_matter(source, context)


# What is read without YAML, and means in YAML what it means here: a known key, once, at the
# start of its line, then ": " and one of
# - plain text that starts with a letter and holds no character YAML reacts to (a hash,
#   brackets, quotes ..., a colon only within a word, as in History::Russia), and is not one
#   of the words YAML reads as true, false or null;
# - text in double quotes without backslashes, or in single quotes, without control characters;
# - for tags, a [list, of, such, words] (without commas, which separate them).
_SIMPLE_LINE = re.compile(f"({'|'.join(KNOWN_KEYS)}): +(.+)")
_PLAIN = re.compile(r"[^\W\d_](?:[\w .,'()/+&?!-]|:(?=[^ ]))*")
_FLOW_PLAIN = re.compile(r"[^\W\d_][\w .'()/+-]*")
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
_YAML_WORDS = frozenset(
    word
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)


def read_simple_front_matter(source: str) -> FrontMatter | None:
    """The front matter, when it is only the lines described above; else None (YAML reads it)."""
    result = FrontMatter()
    seen: set[str] = set()
    for line in source.split("\n"):
        line = line.rstrip(" ")
        if not line:
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None or match[1] in seen:
            return None
        key, value = match[1], match[2]
        seen.add(key)
        if key == "tags" and value.startswith("["):
            items = _simple_items(value)
            if items is None:
                return None
            result.tags = clean_tags(items)
            continue
        text = _simple_text(value)
        if text is None:
            return None
        if key == "tags":
            result.tags = tags_of_text(text)
        elif key == "glossary":
            folded = text.strip().casefold()
            if folded not in GLOSSARY_AUTO and folded not in GLOSSARY_NOT_AUTO:
                return None  # YAML's route says what is wrong with it
            result.auto_glossary = folded in GLOSSARY_AUTO
        else:
            setattr(result, key, collapse(text))
    return result


def _simple_text(value: str) -> str | None:
    if value[0] in "\"'":
        quoted = _QUOTED.fullmatch(value)
        if quoted is None:
            return None
        text = quoted[1] if quoted[1] is not None else quoted[2]
        return text if text.isprintable() else None
    return value if _PLAIN.fullmatch(value) and value not in _YAML_WORDS else None


def _simple_items(value: str) -> list[str] | None:
    if not value.endswith("]"):
        return None
    inner = value[1:-1].strip(" ")
    if not inner:
        return []
    items = [item.strip(" ") for item in inner.split(",")]
    if all(_FLOW_PLAIN.fullmatch(item) and item not in _YAML_WORDS for item in items):
        return items
    return None


def collapse(text: str) -> str:
    """The text on one line, its runs of whitespace made single spaces."""
    return " ".join(text.split())


def clean_tag(raw: str) -> str:
    """A tag as Anki wants it: no spaces (they become `_`), `::` kept for hierarchy."""
    tag = raw.strip().lstrip("#").strip()
    return re.sub(r"\s+", "_", tag.replace('"', ""))


def tags_of_text(text: str) -> tuple[str, ...]:
    """The tags of one text: separated by commas, or else by spaces."""
    return clean_tags(text.split(",") if "," in text else text.split())


def clean_tags(raws: list[str]) -> tuple[str, ...]:
    """Cleaned tags without empties and without repeats (Anki tags ignore case)."""
    seen: set[str] = set()
    tags: list[str] = []
    for raw in raws:
        tag = clean_tag(raw)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)
