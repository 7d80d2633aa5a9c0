"""Findings: the analysis's facts about a briefing, reported as diagnostics by build and check."""

from __future__ import annotations

from collections.abc import Mapping

from generator.analysis.confidence import MARKED_AS, ClaimAssessment, ancestry, marked_sources
from generator.config import SiteConfig
from generator.content.model import Briefing
from generator.diagnostics import Diagnostic, Position


def briefing_findings(
    briefing: Briefing, assessments: Mapping[str, ClaimAssessment], config: SiteConfig
) -> list[Diagnostic]:
    findings: list[Diagnostic] = []

    def report(kind: str, position: Position, message: str, hint: str | None = None) -> None:
        severity = config.severity_of(kind)
        if severity is not None:
            findings.append(Diagnostic(briefing.path, position, severity, message, hint, kind))

    if briefing.summary is None and briefing.is_withdrawn:
        report(
            "missing-summary",
            Position(1, 1),
            "a withdrawn briefing has no summary to give the reason",
            "set summary: to why it was withdrawn; readers see it on the notice",
        )
    elif briefing.summary is None:
        report(
            "missing-summary",
            Position(1, 1),
            "the briefing has no summary (its bottom line up front)",
            "add summary: with one or two sentences a reader should take away",
        )
    if briefing.is_withdrawn:
        return findings  # its claims and sources are not published, so they have no findings

    for claim_id, assessment in assessments.items():
        claim = briefing.claims[claim_id]
        for flag in assessment.flags:
            report(
                flag.kind,
                claim.location.position,
                f"claim '{claim_id}': {flag.label.lower()}. {flag.explanation}",
            )

    for found in briefing.body.citations:
        for item in found.items:
            source = briefing.sources.get(item.id)
            if source is None:
                continue
            for kind in ("retracted", "disputed"):
                for marked, _ in marked_sources([source], briefing.sources, MARKED_AS[kind]):
                    which = "" if marked is source else f", which repeats '{marked.id}'"
                    reason = marked.retraction_reason if kind == "retracted" else marked.dispute_reason
                    report(kind, found.position, f"citation of '{item.id}'{which}, which is {kind}", reason)

    referred: set[str] = {item.id for found in briefing.body.citations for item in found.items}
    for claim in briefing.claims.values():
        referred.update(ref.id for ref in claim.sources)
    for event in briefing.timeline:
        referred.update(event.sources)
    for source_id in list(referred):
        referred |= ancestry(source_id, briefing.sources)
    for source_id, source in briefing.local_sources.items():
        if source_id not in referred:
            report(
                "unused-source",
                source.location.position,
                f"source '{source_id}' is declared but nothing refers to it",
                "cite it in the body with [@" + source_id + "], list it under a claim, or remove it",
            )
    return findings
