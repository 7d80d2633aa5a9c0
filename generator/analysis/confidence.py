"""How far a claim can be trusted: origins, derived confidence and flags.

The rule (PRODUCT.md section 3, configurable through `scales.confidence` in site.yaml):

* Two sources are *independent* unless one derives from the other through `derived_from`
  (directly or by a chain), or both derive from a common source. A claim's *origins* are
  its sources with dependent ones counted once.
* A claim rests on a retracted (or disputed) source when it cites one, or cites a source that
  derives from one.
* An origin is *strong* when one of its sources counts as strong evidence for the claim:
  its reliability grade is `strong`, it is not retracted, and the credibility the claim
  gives it (if any) is not `weak` or `unknown`.
* The derived confidence is the highest level whose `strong_origins` the claim reaches:
  by default high needs 2, moderate 1, low 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from generator.config import SiteConfig
from generator.content.model import Briefing, Claim, Source

CONFIDENCE_ORDER = ("low", "moderate", "high")
#: Whether a source is marked retracted, or disputed, by the kind of flag.
MARKED_AS: Mapping[str, Callable[[Source], bool]] = {
    "retracted": lambda source: source.is_retracted,
    "disputed": lambda source: source.is_disputed,
}


@dataclass(frozen=True, slots=True)
class Flag:
    """A fact about a claim's sourcing that a reader should see, and `check` reports."""

    kind: str
    label: str
    explanation: str


@dataclass(frozen=True, slots=True)
class ClaimAssessment:
    """What the analysis concluded about one claim."""

    confidence: str
    derived_confidence: str
    is_assessed: bool
    source_count: int
    origin_count: int
    strong_origin_count: int
    flags: tuple[Flag, ...]

    def has_flag(self, kind: str) -> bool:
        return any(flag.kind == kind for flag in self.flags)


def ancestry(source_id: str, sources: Mapping[str, Source]) -> frozenset[str]:
    """The source and every source it derives from, directly or through a chain."""
    seen: set[str] = set()
    pending = [source_id]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source = sources.get(current)
        if source is not None:
            pending.extend(source.derived_from)
    return frozenset(seen)


def group_origins(source_ids: list[str], sources: Mapping[str, Source]) -> list[list[str]]:
    """Group sources that are not independent; each group is one origin. Order is stable."""
    groups: list[tuple[set[str], list[str]]] = []
    for source_id in source_ids:
        lineage = set(ancestry(source_id, sources))
        overlapping = [group for group in groups if group[0] & lineage]
        merged_lineage = lineage.union(*(group[0] for group in overlapping))
        merged_members = [member for group in overlapping for member in group[1]] + [source_id]
        groups = [group for group in groups if group not in overlapping]
        groups.append((merged_lineage, merged_members))
    return [members for _, members in groups]


def _is_strong_for(source: Source, credibility: str | None, config: SiteConfig) -> bool:
    scales = config.spec.scales
    grade = scales.reliability.get(source.reliability)
    if grade is None or grade.strength != "strong" or source.is_retracted:
        return False
    if credibility is not None:
        credibility_grade = scales.credibility.get(credibility)
        if credibility_grade is None or credibility_grade.strength != "strong":
            return False
    return True


def _is_unknown_or_anonymous(source: Source, config: SiteConfig) -> bool:
    grade = config.spec.scales.reliability.get(source.reliability)
    return source.kind == "anonymous" or grade is None or grade.strength == "unknown"


def derive_level(strong_origins: int, config: SiteConfig) -> str:
    levels = config.spec.scales.confidence
    needed: dict[str, int] = {}
    for level, default in zip(CONFIDENCE_ORDER, (0, 1, 2), strict=True):
        configured = levels[level].strong_origins if level in levels else None
        needed[level] = default if configured is None else configured
    reached = [level for level in CONFIDENCE_ORDER if strong_origins >= needed[level]]
    return reached[-1] if reached else "low"


def assess_claim(claim: Claim, sources: Mapping[str, Source], config: SiteConfig) -> ClaimAssessment:
    source_ids = list(dict.fromkeys(ref.id for ref in claim.sources))
    # A credibility given to the whole claim applies to each source not given its own.
    credibility = {ref.id: ref.credibility or claim.credibility for ref in claim.sources}
    origins = group_origins(source_ids, sources)
    strong = sum(
        1
        for members in origins
        if any(_is_strong_for(sources[m], credibility.get(m), config) for m in members if m in sources)
    )
    derived = derive_level(strong, config)
    assessed = claim.assessed_confidence
    confidence = assessed or derived

    flags: list[Flag] = []

    def add(kind: str, label: str, explanation: str) -> None:
        if config.severity_of(kind) is not None:
            flags.append(Flag(kind, label, explanation))

    cited = [sources[s] for s in source_ids if s in sources]
    if not source_ids:
        add("unsourced", "Citation needed", "No source supports this claim.")
    elif len(origins) == 1:
        explanation = (
            "It rests on one source."
            if len(source_ids) == 1
            else f"Its {len(source_ids)} sources lead back to one origin."
        )
        add("single-source", "Single source", explanation)
    if cited and all(_is_unknown_or_anonymous(s, config) for s in cited):
        add(
            "anonymous-only",
            "Anonymous or unrated sources only",
            "Every source of this claim is anonymous or of unknown reliability.",
        )
    if assessed and CONFIDENCE_ORDER.index(assessed) > CONFIDENCE_ORDER.index(derived):
        add(
            "overconfident",
            "Confidence above the evidence",
            f"Assessed {assessed}, but its sources support {derived} confidence.",
        )
    if len(source_ids) > len(origins):
        add(
            "circular",
            "Circular reporting",
            f"{len(source_ids)} sources, but only {len(origins)} independent "
            f"origin{'s' if len(origins) != 1 else ''}.",
        )
    retracted = marked_sources(cited, sources, MARKED_AS["retracted"])
    if retracted:
        add("retracted", "Rests on a retracted source", f"Retracted: {_named(retracted)}.")
    disputed = marked_sources(cited, sources, MARKED_AS["disputed"])
    if disputed:
        add("disputed", "Rests on a disputed source", f"Disputed: {_named(disputed)}.")
    return ClaimAssessment(
        confidence=confidence,
        derived_confidence=derived,
        is_assessed=assessed is not None,
        source_count=len(source_ids),
        origin_count=len(origins),
        strong_origin_count=strong,
        flags=tuple(flags),
    )


def marked_sources(
    cited: Iterable[Source], sources: Mapping[str, Source], is_marked: Callable[[Source], bool]
) -> list[tuple[Source, Source]]:
    """(marked source, the cited source that leads to it) for each source that is marked
    (retracted, or disputed) and is cited, or is one a cited source derives from: a report
    that repeats a retracted one rests on it too. In the order cited, each once."""
    found: dict[str, tuple[Source, Source]] = {}
    for source in cited:
        if is_marked(source) and source.id not in found:
            found[source.id] = (source, source)
        if not source.derived_from:
            continue  # most sources: no lineage to walk
        for source_id in sorted(ancestry(source.id, sources) - {source.id}):
            marked = sources.get(source_id)
            if marked is not None and is_marked(marked) and source_id not in found:
                found[source_id] = (marked, source)
    return list(found.values())


def _named(marked: list[tuple[Source, Source]]) -> str:
    return ", ".join(
        source.name if via is source else f"{source.name} (repeated by {via.name})" for source, via in marked
    )


def assess_briefing(briefing: Briefing, config: SiteConfig) -> dict[str, ClaimAssessment]:
    return {
        claim_id: assess_claim(claim, briefing.sources, config) for claim_id, claim in briefing.claims.items()
    }
