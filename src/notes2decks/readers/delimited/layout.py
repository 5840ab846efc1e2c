"""How a flashcard file is laid out: Anki's file headers, the separator, and the rows (see
docs/FORMAT.md, Flashcard files). Each candidate separator reads the first lines with the csv
module, quoting on and off; the reading with the most records of one number of fields and the
fewest others wins. Quizlet's `;`-between-cards exports are one more layout."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

# Candidates in order of preference when two read a file equally well.
SEPARATORS = ("\t", "|", ";", ",", ":", " - ", "-")
_NAMED = {"tab": "\t", "pipe": "|", "semicolon": ";", "comma": ",", "colon": ":", "space": " "}
SHOWN = {"\t": "a tab", " ": "a space"}
"""How a separator is named in messages."""

# Stands for a separator that must not split: inside math or code, or escaped.
_MASK = "\ue000"
# Stands for a separator of several characters, so that the csv module can read it.
_WIDE = "\x1f"
# The share of records that makes a number of fields the file's columns, if not the most common.
_MANY = 0.2
# How many lines the separator vote reads.
_SAMPLE = 1000

_HEADER = re.compile(r"^#\s*([a-z][a-z ]*?)\s*:(.*)$", re.IGNORECASE)
# Anki's meta columns: never fields of a card.
_META = ("tags", "deck", "notetype", "guid")
ANKI_KEYS = frozenset(
    ("separator", "html", "tags", "columns", "deck", "notetype", *(f"{m} column" for m in _META))
)


@dataclass(frozen=True, slots=True)
class Headers:
    """What Anki's `#key:value` lines at the top of the file say."""

    start: int = 0
    """The index of the first line after the headers (and the blank lines among them)."""
    separator: str = ""
    """The separator `#separator:` names, or empty when the lines decide."""
    html: bool | None = None
    """`#html:true` or `#html:false`; None when the file does not say."""
    columns: str = ""
    """The raw value of `#columns:`: the column names, written with the separator."""
    deck: str = ""
    """The deck `#deck:` names, as written."""
    tags: tuple[str, ...] = ()
    """The tags `#tags:` gives every card."""
    meta_columns: tuple[int, ...] = (0, 0, 0, 0)
    """The 1-based columns of each card's tags, deck, note type and Anki id (`#tags column:`,
    `#deck column:`, `#notetype column:`, `#guid column:`), each 0 when not named."""
    anki: bool = False
    """True when at least one of Anki's own headers is there: the file is meant for Anki."""


def read_headers(lines: list[str]) -> Headers:
    """The headers at the top of the file: `#key:value` lines, comments and blank lines, up to
    the first data line, as Anki reads them (Anki's older `tags:` first line too)."""
    values: dict[str, str] = {}
    index = 0
    if lines and lines[0].startswith("tags:"):
        values["tags"] = lines[0][5:]
        index = 1
    while index < len(lines) and (not lines[index].strip() or lines[index].startswith("#")):
        header = _HEADER.match(lines[index].strip())
        if header and header.group(1).lower() in ANKI_KEYS:
            values[header.group(1).lower()] = header.group(2).strip()
        index += 1
    separator = values.get("separator", "")
    separator = _NAMED.get(separator.lower(), separator if len(separator) == 1 else "")
    numbers = (values.get(f"{name} column", "").strip() for name in _META)
    return Headers(
        start=index,
        separator=separator,
        html={"true": True, "false": False}.get(values.get("html", "").lower()),
        columns=values.get("columns", ""),
        deck=values.get("deck", ""),
        tags=tuple(values.get("tags", "").split()),
        meta_columns=tuple(int(number) if number.isdigit() else 0 for number in numbers),
        anki=bool(values),
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One record of the file: a card to be, or a misfit."""

    line: int
    """The 1-based line where the record starts."""
    fields: tuple[str, ...]
    """The fields, as written (quotes removed, nothing else)."""


@dataclass(frozen=True, slots=True)
class Layout:
    """How the file's records and fields are separated."""

    separator: str
    """Between fields: one of `SEPARATORS`, or what `#separator:` names."""
    rows: tuple[Row, ...]
    """The records, headers, comments and blank lines left out."""
    columns: int
    """How many columns the file has: the fewest fields that many records have."""
    fitting: int
    """How many records have the most common number of fields."""
    error: str = ""
    """Why the csv module stopped reading before the end, or empty."""
    error_line: int = 0
    """The line where it stopped."""


# What the separator search must step over in Markdown text: escapes, code spans' backticks,
# math's dollars (found as the Markdown parser finds them).
_SPECIAL = re.compile(r"\\.|`+|\$\$?")


@lru_cache(maxsize=4096)
def _protected(line: str) -> tuple[tuple[int, int], ...]:
    """The spans of a line where a separator does not split: `\\x`, code spans and math (asked
    once per candidate separator, so remembered)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (found := _SPECIAL.search(line, pos)) is not None:
        pos = found.end()
        end = _span_end(line, found.group(), pos)
        if end is not None:
            spans.append((found.start(), end))
            pos = end
    return tuple(spans)


def _span_end(line: str, mark: str, pos: int) -> int | None:
    """Where the escape, code span or math that `mark` opens before `pos` ends, or None when it
    is not closed."""
    if mark.startswith("\\"):
        return pos
    if mark.startswith("`"):
        closing = re.compile(rf"(?<!`){mark}(?!`)").search(line, pos)
        return closing.end() if closing else None
    if mark == "$$":
        end = line.find("$$", pos)
        return end + 2 if end > pos else None
    if pos == len(line) or line[pos].isspace():
        return None
    end = pos
    while (end := line.find("$", end + 1)) > 0:
        if line[end - 1] not in " \t\\" and not line[end + 1 : end + 2].isdigit():
            return end + 1
    return None


def _mask(line: str, separator: str) -> str:
    """The line with the separator hidden inside math, code and escapes (Markdown cells)."""
    if separator not in line or separator == "\t" or not _SPECIAL.search(line):
        return line
    parts: list[str] = []
    pos = 0
    for start, end in _protected(line):
        parts.extend((line[pos:start], line[start:end].replace(separator, _MASK)))
        pos = end
    parts.append(line[pos:])
    return "".join(parts)


def _read(
    lines: list[str], start: int, separator: str, *, quoting: bool, markdown: bool
) -> tuple[list[Row], str, int]:
    """The records of `lines[start:]` read with one separator, by the csv module, and why and
    where it stopped early (or empty and 0)."""
    first = [True]
    last = [0]
    starts: list[int] = []
    wide = len(separator) > 1

    def feed() -> object:
        for number in range(start, len(lines)):
            raw = lines[number]
            last[0] = number + 1
            if first[0]:
                # Between records, blank lines and `#` comments are skipped, as Anki does; inside
                # a quoted field they are part of it.
                if not raw.strip() or raw.startswith("#"):
                    continue
                first[0] = False
                starts.append(number + 1)
            if markdown:
                raw = _mask(raw, separator)
            if wide:
                raw = raw.replace(separator, _WIDE)
            yield raw + "\n"

    reader = csv.reader(
        feed(),  # type: ignore[arg-type]
        delimiter=_WIDE if wide else separator,
        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE,
        strict=False,
    )
    rows: list[Row] = []
    try:
        for fields in reader:
            unmasked = tuple(
                field.replace(_MASK, separator).replace(_WIDE, separator).rstrip("\n")
                for field in fields
            )
            if any(field.strip() for field in unmasked):
                rows.append(Row(starts[-1], unmasked))
            first[0] = True
    except csv.Error as exc:
        # Only a field over the csv module's size limit gets here: one huge quoted field.
        return rows, str(exc), last[0]
    return rows, "", 0


def _judge(separator: str, rows: list[Row]) -> Layout:
    counts = Counter(len(row.fields) for row in rows if len(row.fields) >= 2)
    if not counts:
        return Layout(separator, tuple(rows), 1, 0)
    # How well the separator reads the file: the records of its most common count.
    fitting = max(counts.values())
    # The columns: the fewest fields that many records have. A comma file whose backs often
    # hold commas of their own is two columns, with those commas kept in the back.
    columns = min(n for n in counts if counts[n] >= _MANY * len(rows) or counts[n] == fitting)
    return Layout(separator, tuple(rows), columns, fitting)


def _score(layout: Layout) -> int:
    """Records that fit, less those that do not: a separator that also splits some lines of a
    multi-line field, or a reading that breaks quoted fields apart, loses to the right one."""
    return 2 * layout.fitting - len(layout.rows)


def find_layout(
    lines: list[str], headers: Headers, *, markdown: bool, whole: bool = True
) -> Layout:
    """The file's layout: the separator `#separator:` names, or the one its lines agree on;
    without `whole`, only the first lines' layout, which is enough to tell what the file is."""
    start = headers.start
    # The vote is taken on the first lines, as the csv module's Sniffer does.
    sample = lines[: start + _SAMPLE]
    candidates = (headers.separator,) if headers.separator else SEPARATORS
    best: tuple[int, str, bool] | None = None
    for separator in candidates:
        for quoting in (False,) if _loose_quotes(sample, start, separator) else (True, False):
            rows, _, _ = _read(sample, start, separator, quoting=quoting, markdown=markdown)
            score = _score(_judge(separator, rows))
            if best is None or score > best[0]:
                best = (score, separator, quoting)
    assert best is not None
    if not headers.separator:
        quizlet = _quizlet(sample, start)
        if quizlet is not None and _score(quizlet) > best[0]:
            return _quizlet(lines, start) or quizlet
    _, separator, quoting = best
    rows, error, where = _read(
        lines if whole else sample, start, separator, quoting=quoting, markdown=markdown
    )
    return replace(_judge(separator, rows), error=error, error_line=where)


def _loose_quotes(lines: list[str], start: int, separator: str) -> bool:
    """True when a quoted text is followed by spaces before the separator (`"vale" | OK`): the
    quotes are the text's own, as CSV never writes a field so."""
    sep = re.escape(separator.strip() or separator)
    loose = re.compile(rf'(?:^|{sep})[ \t]*"[^"]*"[ \t]+(?:{sep}|$)')
    return any(loose.search(line) for line in lines[start:])


def _quizlet(lines: list[str], start: int) -> Layout | None:
    """A Quizlet export with `;` between cards (and a tab, `,`, ` - ` or `-` in each), or None;
    only worth asking when the cards outnumber the lines, else `;` separates fields."""
    pieces = [
        (number + 1, piece)
        for number in range(start, len(lines))
        for piece in lines[number].split(";")
        if piece.strip()
    ]
    data_lines = sum(1 for line in lines[start:] if line.strip())
    if len(pieces) < max(2, 2 * data_lines):
        return None
    layouts = (
        _judge(separator, [Row(line, tuple(piece.split(separator, 1))) for line, piece in pieces])
        for separator in ("\t", " - ", ",", "-")
    )
    return max(layouts, key=_score)


def split_columns(value: str, separator: str) -> list[str]:
    """The names `#columns:` gives, split with the file's separator as Anki does."""
    if not value:
        return []
    if len(separator) > 1:
        return [name.strip() for name in value.split(separator)]
    reader = csv.reader([value], delimiter=separator or "\t")
    return [name.strip() for name in next(reader, [])]
