"""How much of a question a set of terms matches."""
from __future__ import annotations

from collections.abc import Set as AbstractSet


def coverage(present: AbstractSet[str], weights: dict[str, float]) -> float:
    """The idf-weighted share of the question's terms found in `present`."""
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in present) / total
