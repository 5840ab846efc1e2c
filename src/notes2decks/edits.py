"""The one edit distance of the project: how many typing slips turn one word into another.

It is the optimal-string-alignment distance (an insertion, a deletion, a substitution or a swap
of two neighbouring letters each count one), computed by rapidfuzz. The glossary merges a term's
misspelt variants with it, `check` finds typos with it, and the lock file recognises an edited
heading with it.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """The number of edits between `a` and `b`; past `limit`, some number above `limit`."""
    return int(OSA.distance(a, b, score_cutoff=limit))
