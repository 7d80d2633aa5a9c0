"""ICD 203 estimative language: likelihood terms, their ranges and their two sets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LikelihoodTerm:
    term: str
    low: int
    high: int
    #: 0 for the left-hand set ("likely"), 1 for the right-hand set ("probable").
    term_set: int

    @property
    def range_text(self) -> str:
        return f"{self.low}–{self.high} %"


_TABLE = (
    ("almost no chance", "remote", 1, 5),
    ("very unlikely", "highly improbable", 5, 20),
    ("unlikely", "improbable", 20, 45),
    ("roughly even chance", "roughly even odds", 45, 55),
    ("likely", "probable", 55, 80),
    ("very likely", "highly probable", 80, 95),
    ("almost certain", "nearly certain", 95, 99),
)

LIKELIHOOD_TERMS: dict[str, LikelihoodTerm] = {}
for _left, _right, _low, _high in _TABLE:
    LIKELIHOOD_TERMS[_left] = LikelihoodTerm(_left, _low, _high, 0)
    LIKELIHOOD_TERMS[_right] = LikelihoodTerm(_right, _low, _high, 1)
