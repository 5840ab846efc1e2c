"""The one edit distance of the project (optimal string alignment, by rapidfuzz: an insertion,
deletion, substitution or swap of neighbours each count one), for the glossary's misspelt
variants, `check`'s typos and the lock file's edited headings."""

from __future__ import annotations

from rapidfuzz.distance import OSA


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """The number of edits between `a` and `b`; past `limit`, some number above `limit`."""
    return int(OSA.distance(a, b, score_cutoff=limit))
