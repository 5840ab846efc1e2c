"""Tags as notes write them (`#ww2/yalta`, `tags: [russia, cold war]`) and as Anki wants them
(`ww2::yalta`, `cold_war`)."""

from __future__ import annotations

import re

TAG = re.compile(r"#(?=[\w:/-]*[^\W\d_])[\w-]+(?:(?:::|/)[\w-]+)*")
"""A tag written in the notes: `#` and a word with at least one letter (so `#1` is text), with
`::` (Anki) or `/` (Obsidian) between the parts of a nested tag."""


def clean_tag(raw: str) -> str:
    """A tag as Anki wants it: no spaces (they become `_`), `::` kept for hierarchy, and
    Obsidian's nested tags (`physics/electricity`) made Anki's (`physics::electricity`)."""
    tag = raw.strip().lstrip("#").strip()
    tag = re.sub(r"\s+", "_", tag.replace('"', ""))
    return "::".join(part for part in re.split(r"::|/", tag) if part)


def tags_of_text(text: str) -> tuple[str, ...]:
    """The tags of one text: separated by commas, or else by spaces."""
    return clean_tags(text.split(",") if "," in text else text.split())


def clean_tags(raws: list[str]) -> tuple[str, ...]:
    """Cleaned tags without empties and without repeats (Anki tags ignore case)."""
    tags: dict[str, str] = {}
    for tag in map(clean_tag, raws):
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return tuple(tags.values())
