"""Which column of a flashcard file is what: front, back, tags, deck, or added to the back under
its name (see docs/FORMAT.md, Flashcard files); Anki's meta columns are never fields."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .. import ReadContext
from .layout import SHOWN, Headers, Layout, Row, split_columns

_FRONTS = ("front", "question", "q", "term", "word", "text", "prompt", "concept")
_BACKS = ("back", "answer", "a", "definition", "meaning", "translation", "explanation", "response")


@dataclass(frozen=True, slots=True)
class Columns:
    """What each column of one file is for (indexes count from 0)."""

    front: int
    """The front's column."""
    back: int
    """The back's column."""
    extra: tuple[tuple[int, str], ...]
    """The other field columns, with their names."""
    tags: int
    """The tags column, or -1."""
    deck: int
    """The column naming each card's deck, or -1."""
    first_row: int
    """1 when the first record names the columns, else 0."""

    @classmethod
    def of(cls, headers: Headers, layout: Layout, context: ReadContext) -> Columns:
        """The columns of a file, with one warning when some are added to the back."""
        labels = split_columns(headers.columns, layout.separator)
        first_row = 0
        if not labels and layout.rows and _names_columns(layout.rows[0].fields):
            labels = [field.strip() for field in layout.rows[0].fields]
            first_row = 1
        width = max(layout.columns, len(labels), 2)
        meta = {number - 1 for number in headers.meta_columns if number > 0}
        names = [label.lower() for label in labels] + [""] * (width - len(labels))
        tags = headers.meta_columns[0] - 1
        if tags < 0 and "tags" in names:
            tags = names.index("tags")
            meta.add(tags)
        fields = [index for index in range(width) if index not in meta]
        while len(fields) < 2:
            fields.append(max([*meta, *fields]) + 1)
        names += [""] * (max(fields) + 1 - len(names))  # a meta column took a field's place
        front = next((i for i in fields if names[i] in _FRONTS), fields[0])
        others = [i for i in fields if i != front]
        back = next((i for i in others if names[i] in _BACKS), others[0])
        extra = tuple(
            (i, labels[i] if i < len(labels) else "") for i in fields if i not in (front, back)
        )
        if extra and layout.fitting:

            def name(index: int) -> str:
                label = labels[index] if index < len(labels) else ""
                return f"column {index + 1}" + (f" ({label!r})" if label else "")

            context.warning(
                layout.rows[0].line if layout.rows else 0,
                f"this file has {width} columns separated by "
                f"{SHOWN.get(layout.separator, repr(layout.separator))}: {name(front)} is the "
                f"front and {name(back)} the back; {', '.join(name(i) for i, _ in extra)} "
                f"{'is' if len(extra) == 1 else 'are'} added to the back. Name the columns with "
                "a '#columns:' line or a first row (Front, Back, Tags ...) to choose",
            )
        return cls(front, back, extra, tags, headers.meta_columns[1] - 1, first_row)

    def fields(
        self, row: Row, separator: str
    ) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]] | None:
        """The record's front, back, other columns' (name, text) and tags, or None when it has no
        separator at all. Fields beyond the file's columns stay in the back, joined by the
        separator as they were written."""
        values = list(row.fields)
        if len(values) < 2:
            return None
        used = max(self.front, self.back, self.tags, self.deck, *(i for i, _ in self.extra))
        surplus = len(values) - (used + 1)
        if surplus > 0 and self.back > self.front:
            joined = separator.join(values[self.back : self.back + surplus + 1])
            values[self.back : self.back + surplus + 1] = [joined]

        def at(index: int) -> str:
            return values[index] if 0 <= index < len(values) else ""

        extra = tuple((label, at(index)) for index, label in self.extra if at(index).strip())
        return at(self.front), at(self.back), extra, tuple(at(self.tags).split())

    def deck_name(self, rows: tuple[Row, ...], context: ReadContext) -> str:
        """The deck the deck column names most often, or empty without a deck column; a file
        makes one deck, so when the column names several, one warning says where all go."""
        if self.deck < 0:
            return ""
        names = Counter(
            row.fields[self.deck].strip()
            for row in rows[self.first_row :]
            if len(row.fields) > self.deck
        )
        names.pop("", None)
        if not names:
            return ""
        chosen = names.most_common(1)[0][0]
        if len(names) > 1:
            context.warning(
                0,
                f"the deck column names {len(names)} decks; a file makes one deck, so every "
                f"card goes to {chosen!r}: split the file by deck to keep them apart",
            )
        return chosen


def _names_columns(fields: tuple[str, ...]) -> bool:
    """True when a first record names columns: a front name and a back name, and nothing but
    short names."""
    names = [field.strip().lower() for field in fields]
    return (
        any(name in _FRONTS for name in names)
        and any(name in _BACKS for name in names)
        and all(0 < len(name.split()) <= 2 and len(name) <= 24 for name in names)
    )
