"""Which Obsidian flashcard plugin's card syntax (Spaced Repetition or flashcards-obsidian, see
docs/FORMAT.md) a Markdown note is written in, and its settings, from the front matter and the
vault's `.obsidian/plugins/<plugin>/data.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from ...model import CardKind
from .. import ReadContext, clean_deck_part

SPACED_REPETITION = "obsidian-sr"
FLASHCARDS = "flashcards-obsidian"
OWN = "notes2decks"
SYNTAXES = (SPACED_REPETITION, FLASHCARDS, OWN)

FRONT_MATTER_KEYS = ("syntax", "cards-deck", "card-separator", "cloze-marks", "card-tag")
"""The front matter keys about plugin syntax (their values are checked here)."""

CLOZE_MARKS = ("highlight", "bold", "curly")

_SR_COMMENT = "<!--SR:"
_PLUGIN_FOLDERS = {
    SPACED_REPETITION: "obsidian-spaced-repetition",
    FLASHCARDS: "flashcards-obsidian",
}
# The Spaced Repetition settings that make a mark hide a cloze, and their defaults.
_SR_CLOZE_SETTINGS = (
    ("highlight", "convertHighlightsToClozes", True),
    ("bold", "convertBoldTextToClozes", False),
    ("curly", "convertCurlyBracketsToClozes", False),
)


@dataclass(frozen=True, slots=True)
class PluginSyntax:
    """How to read the cards of a note written for an Obsidian flashcard plugin."""

    name: str
    """`obsidian-sr` or `flashcards-obsidian`."""
    separator: str = "::"
    """The single-line card separator."""
    reversed_separator: str = ":::"
    """The single-line separator of a card that is also asked backwards."""
    multiline: str = "?"
    """The line between a multi-line card's question and answer (Spaced Repetition)."""
    multiline_reversed: str = "??"
    """The same, for a card asked both ways."""
    cloze_marks: tuple[str, ...] = ("highlight",)
    """Which marks hide a cloze: `highlight` (==x==), `bold` (**x**), `curly` ({{x}})."""
    deck_tags: tuple[str, ...] = ("flashcards",)
    """The tags (without `#`) that mark a Spaced Repetition note and name its deck."""
    card_tags: tuple[str, ...] = ("card",)
    """The tags (without `#`) that mark a flashcards-obsidian card."""
    deck: str = ""
    """The deck the plugin's own markers name (`#flashcards/a/b`, `cards-deck:`), or ''."""

    def card_kind(self, tag: str) -> CardKind | None:
        """The kind of card a card tag such as `card` or `card-reverse` marks, or None."""
        folded = tag.casefold()
        for card in self.card_tags:
            base = card.casefold()
            if folded == base:
                return CardKind.BASIC
            if folded in (f"{base}-reverse", f"{base}/reverse", f"{base}::reverse"):
                return CardKind.REVERSED
        return None


def check_front_matter(name: str, value: str, line: int, context: ReadContext) -> str:
    """A plugin front matter value, checked; a value that cannot be used warns and gives ''."""
    key = name.casefold()
    text = value.strip()
    if key == "syntax" and text.casefold() not in SYNTAXES:
        context.warning(
            line,
            f"front matter: syntax {text!r} is not known; write one of {', '.join(SYNTAXES)}. "
            "The notes are read as if it were not given",
        )
        return ""
    if key == "cloze-marks":
        marks = [mark.strip().casefold() for mark in re.split(r"[\s,\[\]]+", text) if mark.strip()]
        unknown = [mark for mark in marks if mark not in CLOZE_MARKS]
        if unknown:
            context.warning(
                line,
                f"front matter: cloze-marks takes {', '.join(CLOZE_MARKS)}; "
                f"{', '.join(unknown)} was ignored",
            )
        return ",".join(mark for mark in marks if mark in CLOZE_MARKS)
    if key == "card-separator" and (not text or any(char.isspace() for char in text)):
        context.warning(line, "front matter: card-separator must be a few characters, no spaces")
        return ""
    return text


_DECK_TAG = re.compile(r"(?<![^\s(])#([\w-]+(?:/[\w-]+)*)")


def detect(
    body: str, extra: dict[str, str], tags: tuple[str, ...], context: ReadContext
) -> PluginSyntax | None:
    """The plugin syntax the note is written in, or None for notes2decks' own, from its body,
    its front matter's `extra` keys (see FRONT_MATTER_KEYS) and `tags`."""
    settings = {key.casefold(): value for key, value in extra.items()}
    chosen = settings.get("syntax", "").casefold()
    if chosen == OWN:
        return None
    folder = context.path.parent.resolve()
    sr = _vault_settings(folder, SPACED_REPETITION)
    written = sr.get("flashcardTags")
    listed = written if isinstance(written, list) and written else ["flashcards"]
    deck_tags = tuple(str(tag).lstrip("#") for tag in listed if str(tag).strip("#"))
    sr_tag = _first_deck_tag(body, tags, deck_tags)
    if not chosen:
        if settings.get("cards-deck") or settings.get("card-tag"):
            chosen = FLASHCARDS
        elif sr_tag is not None or _SR_COMMENT in body:
            chosen = SPACED_REPETITION
        else:
            return None
    if chosen == FLASHCARDS:
        own = _vault_settings(folder, FLASHCARDS)
        syntax = PluginSyntax(
            FLASHCARDS,
            separator=_setting(own, "inlineSeparator", "::"),
            reversed_separator=_setting(own, "inlineSeparatorReverse", ":::"),
            card_tags=(_setting(own, "flashcardsTag", "card").lstrip("#"),),
            deck_tags=(),
        )
        deck = settings.get("cards-deck", "")
    else:
        syntax = PluginSyntax(
            SPACED_REPETITION,
            separator=_setting(sr, "singleLineCardSeparator", "::"),
            reversed_separator=_setting(sr, "singleLineReversedCardSeparator", ":::"),
            multiline=_setting(sr, "multilineCardSeparator", "?"),
            multiline_reversed=_setting(sr, "multilineReversedCardSeparator", "??"),
            cloze_marks=tuple(mark for mark, key, on in _SR_CLOZE_SETTINGS if sr.get(key, on)),
            deck_tags=deck_tags or ("flashcards",),
        )
        deck = "::".join(filter(None, sr_tag[0].split("/"))) if sr_tag is not None else ""
    if settings.get("card-separator"):
        syntax = replace(syntax, separator=settings["card-separator"])
    if "cloze-marks" in settings:
        syntax = replace(syntax, cloze_marks=tuple(settings["cloze-marks"].split(",")))
    if settings.get("card-tag"):
        card_tags = tuple(t.lstrip("#") for t in re.split(r"[\s,\[\]]+", settings["card-tag"]) if t)
        syntax = replace(syntax, card_tags=card_tags)
    return replace(syntax, deck="::".join(p for p in map(clean_deck_part, deck.split("::")) if p))


def _first_deck_tag(
    body: str, tags: tuple[str, ...], deck_tags: tuple[str, ...]
) -> tuple[str, str] | None:
    """The first deck tag of the note, from the front matter's tags or the text: (sub-path,
    the tag as found), the sub-path being what follows the deck tag (`a/b` of `#flashcards/a/b`)."""
    folded = {tag.casefold() for tag in deck_tags}
    written = (match[1] for match in _DECK_TAG.finditer(body)) if "#" in body else ()
    for tag in chain((tag.replace("::", "/") for tag in tags), written):
        head, _, rest = tag.partition("/")
        if head.casefold() in folded:
            return rest, tag
    return None


def is_deck_tag(word: str, syntax: PluginSyntax) -> bool:
    """True when a word of the text is one of the note's deck tags (`#flashcards/a`)."""
    head = word[1:].partition("/")[0].casefold()
    return word.startswith("#") and head in (tag.casefold() for tag in syntax.deck_tags)


def _setting(settings: dict[str, Any], key: str, default: str) -> str:
    value = settings.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else default


@lru_cache(maxsize=64)
def _vault_settings(folder: Path, plugin: str) -> dict[str, Any]:
    """The plugin's settings in the Obsidian vault that holds the (resolved) folder, or {}
    outside one. The vault is the nearest folder with an `.obsidian` folder, from it up."""
    vault = next((p for p in (folder, *folder.parents) if (p / ".obsidian").is_dir()), None)
    if vault is None:
        return {}
    data = vault / ".obsidian" / "plugins" / _PLUGIN_FOLDERS[plugin] / "data.json"
    try:
        loaded = json.loads(data.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # No settings file (the plugin's defaults apply), or one the plugin would not read.
        return {}
    # The Spaced Repetition plugin keeps its settings under "settings".
    inner = loaded.get("settings", loaded) if isinstance(loaded, dict) else None
    return inner if isinstance(inner, dict) else {}
