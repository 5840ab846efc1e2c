"""Cloze cards that hide nothing, hide everything, skip numbers or hold an empty span, and cloze
marks that no reader took as cloze."""

from __future__ import annotations

import re

from .. import model, registry
from ..errors import Diagnostic
from ..options import BuildOptions
from .places import locate

_CLOZE_LIKE = re.compile(r"\{\{\s*c\d+\s*:|\{\{\s*c\d+\s*\}\}", re.IGNORECASE)


def check_cloze(deck: model.Deck, text: str, options: BuildOptions) -> list[Diagnostic]:
    """Cloze cards that hide nothing, hide everything, skip numbers or hold an empty span, and
    cloze marks that the reader did not take as cloze (written in notes that have no cloze
    syntax, or mistyped)."""
    found: list[Diagnostic] = []
    for card in deck.cards:
        where = card.source.file or deck.source.file
        nodes: list[object] = list(model.card_inlines(card))
        if card.kind is model.CardKind.CLOZE:
            found.extend(_cloze_card_problems(card, nodes, where, options))
        for node in nodes:
            for match in _CLOZE_LIKE.finditer(node.text if isinstance(node, model.Text) else ""):
                mark = match.group(0)
                at_line, col = locate(text, mark, card.source.line)
                message = f"{mark!r} looks like a cloze mark but is not read as one; "
                message += "write it as {{c1::hidden text}}"
                found.append(Diagnostic(where, at_line, message, col=col))
    return found


def _cloze_card_problems(
    card: model.Card, nodes: list[object], where: str, options: BuildOptions
) -> list[Diagnostic]:
    line = card.source.line
    spans = [node for node in nodes if isinstance(node, model.Cloze)]
    numbers = sorted({span.number for span in spans if span.number > 0})
    if not numbers:
        # An exporter that makes notes refuses such a card; other formats only print it.
        makes_notes = any(spec.makes_notes for spec in registry.exporters(options.formats))
        severity = "error" if makes_notes else "warning"
        message = (
            "this cloze card hides nothing; mark a span like {{c1::1924}} or make it a basic card"
        )
        return [Diagnostic(where, line, message, severity)]
    messages: list[str] = []
    if numbers != list(range(1, len(numbers) + 1)):
        listed = ", ".join(f"c{n}" for n in numbers)
        messages.append(
            f"cloze numbers {listed} skip a number; Anki makes one card per number, "
            f"so number them c1 to c{len(numbers)}"
        )
    if not re.search(r"\w", _visible_without_clozes(card.front)):
        messages.append(
            "the cloze hides the whole text, leaving nothing to recall it from; "
            "hide only the key part"
        )
    messages += [
        f"the cloze c{span.number} is empty and hides nothing; put the hidden text after '::'"
        for span in spans
        if not model.inline_text(span.children).strip()
    ]
    return [Diagnostic(where, line, message) for message in messages]


def _visible_without_clozes(inlines: model.Inlines) -> str:
    return "".join(
        _visible_without_clozes(node.children)
        if isinstance(node, model.Emphasis | model.Strong | model.Link)
        else model.inline_text((node,))
        for node in inlines
        if not isinstance(node, model.Cloze)
    )
