"""Build options shared by the CLI, the build and the exporters."""

from __future__ import annotations

from dataclasses import dataclass

from .model import CardKind
from .registry import EXPORTERS

PAPERS = ("a4", "letter")
"""The paper sizes the PDF is laid out on, as `--paper` names them."""
CARD_SIZES = ("a6", "a7", "3x5", "4x6", "business")
"""The printed card sizes, as `--card-size` names them."""
DUPLEX_MODES = ("long", "short", "fold")
"""How backs are laid out, as `--duplex` names them."""

GLOSSARY_CARD_MODES = ("both", "forward")
"""How key terms are asked in Anki, as `--glossary-cards` names them."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how; every field has the default that `make-deck` uses."""

    formats: tuple[str, ...] = tuple(EXPORTERS)
    """The exporters to run, by name."""
    paper: str = "a4"
    """The PDF paper size: `a4` or `letter`."""
    card_size: str = "a6"
    """The printed card size: `a6`, `a7`, `3x5`, `4x6` or `business`."""
    duplex: str = "long"
    """How backs are laid out: `long`, `short` or `fold`."""
    back_offset: tuple[float, float] = (0.0, 0.0)
    """Millimetres to shift the backs by (x right, y up) for a misaligned printer."""
    print_kinds: frozenset[CardKind] = frozenset(
        {CardKind.REVISION, CardKind.BASIC, CardKind.REVERSED}
    )
    """The kinds of card printed in the PDF."""
    print_glossary: bool = False
    """True to add a printable glossary sheet to the PDF."""
    print_glossary_cards: bool = False
    """True to also print the glossary's terms as cards (term on the front, definition behind)."""
    auto_cloze: bool = True
    """True to turn dated or quoted facts of card-set notes into cloze notes."""
    glossary_cards: str = "both"
    """How Anki asks key terms: `both` ways (the definition, term hidden, too) or `forward`."""
    csv_anki: bool = False
    """True to add Anki's import header lines to the CSV."""
    lock: bool = True
    """True to keep note identities across heading edits with a lock file beside the notes."""
    jobs: int = 0
    """Worker processes; 0 picks one per core."""
    force: bool = False
    """True to rebuild files that the cache says are unchanged."""
    strict: bool = False
    """True to make every warning an error: a file with warnings fails, as `--strict` asks."""
