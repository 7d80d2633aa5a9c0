"""ICD 203 estimative language: likelihood terms, their ranges and their two sets."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, Position

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.content.model import Briefing


@dataclass(frozen=True, slots=True)
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


# --- the linter ---------------------------------------------------------------------------

#: Where a sentence may end: `.`, `!` or `?`, then a space, a closing quote or bracket, or
#: the end. A period ends none after an abbreviation or a single letter, nor before a word
#: in lower case or a number (`_ends_sentence`).
_SENTENCE_END = re.compile(r"[.!?](?=[\s\"'”’)]|$)")
#: Words written with a period that a name most often follows, so that the period ends no
#: sentence: "Gen. Smith", "Russia vs. Ukraine". A single letter is one too ("U.S.",
#: "J. Smith", "e.g."); and a period that a number follows ends none ("No. 10", "approx. 30").
#: "etc." and "No." are left out: before a capital, they end a sentence more often than not.
_ABBREVIATIONS = frozenset(
    form
    for word in ("Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "St", "vs", "cf", "approx")
    for form in (word, word.capitalize())
)
_WORD_BEFORE = re.compile(r"\w+$")
_LOWER_CASE_AFTER = re.compile(r"[\"'”’)]*\s+[a-z0-9]")


def _ends_sentence(text: str, mark: int) -> bool:
    """Whether the `.`, `!` or `?` at `mark` ends a sentence (see `_SENTENCE_END`). Only
    each candidate's few neighbours are looked at, so finding a text's sentences is linear."""
    if text[mark] != ".":
        return True
    before = _WORD_BEFORE.search(text, max(0, mark - 8), mark)
    if before is not None:
        word = before[0]
        if (len(word) == 1 and word.isalpha()) or word in _ABBREVIATIONS:
            return False
    return _LOWER_CASE_AFTER.match(text, mark + 1) is None


@dataclass(frozen=True, slots=True)
class TermUse:
    """A likelihood term in a briefing: in the prose, or as a claim's `likelihood`."""

    term: str
    position: Position


class Sentences:
    """Where the sentences of a paragraph's text end, found once, so that looking up the
    sentence of each of many phrases costs a binary search, not a scan of the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends: list[int] | None = None

    @property
    def ends(self) -> list[int]:
        """Where each sentence ends; found when first asked, since most paragraphs with a
        likelihood term hold no confidence phrase, and are never asked."""
        if self._ends is None:
            text = self.text
            self._ends = [m.end() for m in _SENTENCE_END.finditer(text) if _ends_sentence(text, m.start())]
        return self._ends

    def bounds(self, offset: int) -> tuple[int, int]:
        """The start and end of the sentence around `offset`."""
        ends = self.ends
        index = bisect.bisect_right(ends, offset)
        start = ends[index - 1] if index else 0
        return start, ends[index] if index < len(ends) else len(self.text)


def sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """The start and end of the sentence around `offset` in a paragraph's text."""
    return Sentences(text).bounds(offset)


def estimative_findings(briefing: Briefing, config: SiteConfig) -> list[Diagnostic]:
    """Mixed ICD 203 term sets in one briefing; confidence and likelihood in one sentence."""
    findings: list[Diagnostic] = []
    body = briefing.body
    uses = [TermUse(use.key, use.position) for use in (*body.likelihood_terms, *briefing.field_phrases.terms)]
    uses.extend(
        TermUse(claim.likelihood, claim.likelihood_position or claim.location.position)
        for claim in briefing.claims.values()
        if claim.likelihood
    )
    uses.sort(key=lambda use: use.position)

    mixed = config.severity_of("estimative-mixed-sets")
    if mixed is not None and uses:
        first = uses[0]
        first_set = LIKELIHOOD_TERMS[first.term].term_set
        other = next((use for use in uses if LIKELIHOOD_TERMS[use.term].term_set != first_set), None)
        if other is not None:
            sets = (
                "likely, unlikely, very likely, almost certain… or probable, improbable, "
                "highly probable, nearly certain…"
            )
            findings.append(
                Diagnostic(
                    briefing.path,
                    other.position,
                    mixed,
                    f"likelihood terms from both ICD 203 sets in one briefing: '{first.term}' "
                    f"(line {first.position.line}) and '{other.term}'",
                    f"keep to one set: {sets}",
                    "estimative-mixed-sets",
                )
            )

    together = config.severity_of("estimative-confidence-and-likelihood")
    if together is not None:
        for phrase, term in (
            *body.confidence_with_likelihood,
            *briefing.field_phrases.confidence_with_likelihood,
        ):
            findings.append(
                Diagnostic(
                    briefing.path,
                    phrase.position,
                    together,
                    f"'{_one_line(phrase.phrase)}' and '{_one_line(term.phrase)}' in one sentence",
                    "ICD 203 keeps them apart: say how likely something is, and separately how "
                    "confident you are in the judgment",
                    "estimative-confidence-and-likelihood",
                )
            )
    return findings


def _one_line(phrase: str) -> str:
    """A phrase as written, each run of white space (a line break too) as one space, so
    that a message stays on its line: "high\nconfidence" is "high confidence"."""
    return " ".join(phrase.split())
