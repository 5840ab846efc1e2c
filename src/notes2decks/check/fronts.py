"""Cards of one kind whose fronts a learner cannot tell apart."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Diagnostic
from ..identity import normalise_front
from ..model import Card, CardKind, Deck, inline_text


def check_fronts(deck: Deck, reported: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Cards of one kind whose fronts are the same once case and punctuation are ignored,
    unless something already reported warned at that card's line."""
    warned = {(d.file, d.line) for d in reported if d.severity == "warning"}
    first: dict[tuple[str, str], Card] = {}
    found: list[Diagnostic] = []
    for card in deck.cards:
        family = "qa" if card.kind in (CardKind.BASIC, CardKind.REVERSED) else card.kind.value
        key = (family, normalise_front(inline_text(card.front)))
        earlier = first.setdefault(key, card) if key[1] else card
        where = card.source.file or deck.source.file
        if earlier is card or (where, card.source.line) in warned:
            continue
        front = short(inline_text(card.front))
        message = f"the front {front!r} is the same as the card at line {earlier.source.line}; "
        message += "a learner cannot tell which answer is wanted, so tell them apart"
        found.append(Diagnostic(where, card.source.line, message))
    return found


def short(text: str, limit: int = 60) -> str:
    """Text for a message: a long front (an auto cloze fact) cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:") + "\u2026"
