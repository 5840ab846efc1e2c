"""Cards too long for one printed card at the chosen size."""

from __future__ import annotations

from .. import registry
from ..errors import Diagnostic
from ..model import Deck, inline_text
from ..options import BuildOptions
from .fronts import short


def check_print_size(deck: Deck, options: BuildOptions) -> list[Diagnostic]:
    """Cards that do not fit one printed card at the chosen size, even in the smallest type."""
    if not any(spec.prints for spec in registry.exporters(options.formats)):
        return []
    # The PDF exporter is imported only when a format prints: it loads reportlab.
    from ..exporters.pdf import overflowing_cards
    from ..exporters.pdf.layout import CARD_SPECS

    spec = CARD_SPECS.get(options.card_size)
    size = spec.label if spec is not None else options.card_size
    found: list[Diagnostic] = []
    for card, count in overflowing_cards(deck, options):
        front = short(inline_text(card.front))
        message = (
            f"the card {front!r} is too long for one {size} card even in the smallest type "
            f"and prints on {count} cards; shorten it, split it, or choose a larger --card-size"
        )
        found.append(Diagnostic(card.source.file or deck.source.file, card.source.line, message))
    return found
