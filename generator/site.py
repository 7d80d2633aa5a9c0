"""The whole site as data: one typed view per page, with no I/O and no rendering.

Templates receive these views and only show them; every decision (what is published,
which badge a source gets, which flags a claim carries) is made here or in `analysis/`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from slugify import slugify

from generator.analysis.confidence import CONFIDENCE_ORDER, ClaimAssessment
from generator.analysis.estimative import LIKELIHOOD_TERMS
from generator.config import SiteConfig
from generator.content.load import LinkTarget
from generator.content.model import Briefing, Claim, Source
from generator.markdown.citations import CitationItem
from generator.urls import HOME_PATH, briefing_path

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

KIND_LABELS = {
    "named": "Named source",
    "anonymous": "Anonymous source",
    "official": "Official statement",
    "document": "Document",
    "social": "Social media",
    "dataset": "Dataset",
    "media": "Media report",
}


def long_date(day: datetime.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Badge:
    """A labelled pill: a grade or word first, then its meaning. Never colour alone."""

    scale: str
    #: The grade shown before the label ("B"); empty for a badge that is only a word.
    grade: str
    label: str
    strength: str
    #: The grade or level, for the CSS class.
    key: str = ""

    @property
    def text(self) -> str:
        return f"{self.grade} · {self.label}" if self.grade else self.label

    @property
    def css_class(self) -> str:
        grade = slugify(self.key or self.grade) or "none"
        return f"badge badge-{self.scale} badge-{self.scale}-{grade} is-{self.strength}"


@dataclass(frozen=True)
class Backlink:
    anchor: str
    label: str
    description: str


@dataclass(frozen=True)
class SourceView:
    id: str
    anchor: str
    name: str
    title: str | None
    publisher: str | None
    author: str | None
    url: str | None
    published: str | None
    published_iso: str | None
    accessed: str | None
    kind: str
    kind_label: str
    reliability: Badge
    retracted: bool
    retraction_reason: str | None
    disputed: bool
    dispute_reason: str | None
    note: str | None
    shared: bool
    derived_from: tuple[tuple[str, str], ...]
    backlinks: tuple[Backlink, ...]


@dataclass(frozen=True)
class Evidence:
    """One source under a key judgment."""

    anchor: str
    source: SourceView
    credibility: Badge | None


@dataclass(frozen=True)
class Likelihood:
    term: str
    range_text: str


@dataclass(frozen=True)
class FlagView:
    kind: str
    label: str
    explanation: str


@dataclass(frozen=True)
class ClaimView:
    id: str
    anchor: str
    number: int
    statement: str
    confidence: Badge
    is_assessed: bool
    basis: str
    likelihood: Likelihood | None
    credibility: Badge | None
    flags: tuple[FlagView, ...]
    evidence: tuple[Evidence, ...]
    note: str | None
    backlinks: tuple[Backlink, ...]


@dataclass(frozen=True)
class CitedItem:
    """One id inside a citation, with what its badge and preview show."""

    prefix: str
    suffix: str
    target_anchor: str
    preview_id: str
    badge: Badge
    source: SourceView | None
    claim: ClaimView | None
    warning: str | None


@dataclass(frozen=True)
class CitationView:
    number: int
    anchor: str
    items: tuple[CitedItem, ...]


@dataclass(frozen=True)
class TagView:
    name: str
    slug: str


@dataclass(frozen=True)
class ConfidenceCount:
    badge: Badge
    count: int


@dataclass(frozen=True)
class BriefingSummary:
    """A briefing as listed on the home page."""

    slug: str
    path: str
    title: str
    date: str
    date_iso: str
    summary: str | None
    tags: tuple[TagView, ...]
    status: str
    marking: str
    confidence_counts: tuple[ConfidenceCount, ...]
    claim_count: int


@dataclass(frozen=True)
class CorrectionView:
    date: str
    date_iso: str
    text: str


@dataclass(frozen=True)
class BriefingPage:
    path: str
    summary: BriefingSummary
    title: str
    date: str
    date_iso: str
    updated: str | None
    updated_iso: str | None
    authors: tuple[str, ...]
    corrections: tuple[CorrectionView, ...]
    claims: tuple[ClaimView, ...]
    body_html: str
    citations: Mapping[int, CitationView]
    links: Mapping[int, LinkTarget]
    sources: tuple[SourceView, ...]
    word_count: int
    template: str = "briefing.html"


@dataclass(frozen=True)
class HomePage:
    path: str
    briefings: tuple[BriefingSummary, ...]
    template: str = "index.html"


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str


@dataclass(frozen=True)
class SiteView:
    """What every page knows about the site."""

    title: str
    description: str | None
    language: str
    base_url: str | None
    nav: tuple[NavItem, ...]
    portable: bool
    markings: tuple[str, ...]


Page = BriefingPage | HomePage


@dataclass
class SitePlan:
    """Every page of the site, in a stable order."""

    site: SiteView
    pages: list[Page] = field(default_factory=list)

    def __iter__(self) -> Iterator[Page]:
        return iter(self.pages)


class _Badges:
    """Badges from the site's scales."""

    def __init__(self, config: SiteConfig) -> None:
        self.scales = config.spec.scales

    def reliability(self, grade: str) -> Badge:
        found = self.scales.reliability.get(grade)
        return Badge(
            "reliability",
            grade,
            found.label if found else "Unknown grade",
            found.strength if found else "unknown",
        )

    def credibility(self, grade: str | None) -> Badge | None:
        if grade is None:
            return None
        found = self.scales.credibility.get(grade)
        return Badge(
            "credibility",
            grade,
            found.label if found else "Unknown grade",
            found.strength if found else "unknown",
        )

    def confidence(self, level: str) -> Badge:
        found = self.scales.confidence.get(level)  # type: ignore[call-overload]
        label = found.label if found else f"{level.capitalize()} confidence"
        strength = {"high": "strong", "moderate": "weak", "low": "unknown"}[level]
        return Badge("confidence", "", label, strength, key=level)


def _source_view(
    source: Source, badges: _Badges, backlinks: tuple[Backlink, ...], names: Mapping[str, Source]
) -> SourceView:
    return SourceView(
        id=source.id,
        anchor=f"src-{source.id}",
        name=source.name,
        title=source.title,
        publisher=source.publisher,
        author=source.author,
        url=source.url,
        published=source.published.display if source.published else None,
        published_iso=source.published.iso if source.published else None,
        accessed=source.accessed.display if source.accessed else None,
        kind=source.kind,
        kind_label=KIND_LABELS.get(source.kind, source.kind),
        reliability=badges.reliability(source.reliability),
        retracted=source.is_retracted,
        retraction_reason=source.retraction_reason,
        disputed=source.is_disputed,
        dispute_reason=source.dispute_reason,
        note=source.note,
        shared=source.shared,
        derived_from=tuple(
            (parent, names[parent].name if parent in names else parent) for parent in source.derived_from
        ),
        backlinks=backlinks,
    )


def _basis(assessment: ClaimAssessment) -> str:
    origins = assessment.origin_count
    strong = assessment.strong_origin_count
    evidence = (
        f"{strong} of {origins} independent origin{'s' if origins != 1 else ''} rated strong"
        if origins
        else "no sources"
    )
    if assessment.is_assessed:
        return f"Assessed by the analyst; the evidence ({evidence}) supports {assessment.derived_confidence}."
    return f"Derived from the evidence: {evidence}."


class _BriefingPlanner:
    def __init__(
        self,
        briefing: Briefing,
        assessments: Mapping[str, ClaimAssessment],
        links: Mapping[int, LinkTarget],
        badges: _Badges,
    ) -> None:
        self.briefing = briefing
        self.assessments = assessments
        self.links = links
        self.badges = badges

    def plan(self) -> BriefingPage:
        briefing = self.briefing
        source_backlinks: dict[str, list[Backlink]] = {source_id: [] for source_id in briefing.sources}
        claim_backlinks: dict[str, list[Backlink]] = {claim_id: [] for claim_id in briefing.claims}
        for found in briefing.body.citations:
            for item in found.items:
                link = Backlink(found.anchor, str(found.number), f"Citation {found.number} in the text")
                if item.id in source_backlinks:
                    source_backlinks[item.id].append(link)
                elif item.id in claim_backlinks:
                    claim_backlinks[item.id].append(link)
        for claim in briefing.claims.values():
            for ref in claim.sources:
                if ref.id in source_backlinks:
                    source_backlinks[ref.id].append(
                        Backlink(
                            f"kj-{claim.id}-{ref.id}", f"KJ{claim.number}", f"Key judgment {claim.number}"
                        )
                    )
        sources = {
            source_id: _source_view(source, self.badges, tuple(source_backlinks[source_id]), briefing.sources)
            for source_id, source in briefing.sources.items()
        }
        claims = {
            claim_id: self.claim_view(claim, sources, tuple(claim_backlinks[claim_id]))
            for claim_id, claim in briefing.claims.items()
        }
        citations = {
            found.number: self.citation_view(found.number, found.anchor, found.items, sources, claims)
            for found in briefing.body.citations
        }
        return BriefingPage(
            path=briefing_path(briefing.slug),
            summary=summarise(briefing, self.assessments, self.badges),
            title=briefing.title,
            date=long_date(briefing.date),
            date_iso=briefing.date.isoformat(),
            updated=long_date(briefing.updated) if briefing.updated else None,
            updated_iso=briefing.updated.isoformat() if briefing.updated else None,
            authors=briefing.authors,
            corrections=tuple(
                CorrectionView(long_date(c.date), c.date.isoformat(), c.text)
                for c in sorted(briefing.corrections, key=lambda c: c.date, reverse=True)
            ),
            claims=tuple(claims.values()),
            body_html=briefing.body.html,
            citations=citations,
            links=self.links,
            sources=tuple(sources.values()),
            word_count=briefing.body.word_count,
        )

    def claim_view(
        self, claim: Claim, sources: Mapping[str, SourceView], backlinks: tuple[Backlink, ...]
    ) -> ClaimView:
        assessment = self.assessments[claim.id]
        likelihood = LIKELIHOOD_TERMS.get(claim.likelihood) if claim.likelihood else None
        return ClaimView(
            id=claim.id,
            anchor=f"claim-{claim.id}",
            number=claim.number,
            statement=claim.statement,
            confidence=self.badges.confidence(assessment.confidence),
            is_assessed=assessment.is_assessed,
            basis=_basis(assessment),
            likelihood=Likelihood(likelihood.term, likelihood.range_text) if likelihood else None,
            credibility=self.badges.credibility(claim.credibility),
            flags=tuple(FlagView(flag.kind, flag.label, flag.explanation) for flag in assessment.flags),
            evidence=tuple(
                Evidence(f"kj-{claim.id}-{ref.id}", sources[ref.id], self.badges.credibility(ref.credibility))
                for ref in dict((ref.id, ref) for ref in claim.sources).values()
            ),
            note=claim.note,
            backlinks=backlinks,
        )

    def citation_view(
        self,
        number: int,
        anchor: str,
        items: tuple[CitationItem, ...],
        sources: Mapping[str, SourceView],
        claims: Mapping[str, ClaimView],
    ) -> CitationView:
        views = []
        for index, item in enumerate(items, start=1):
            source = sources.get(item.id)
            claim = claims.get(item.id)
            warning = None
            if source is not None:
                badge = source.reliability
                target = source.anchor
                if source.retracted:
                    warning = "Retracted"
                elif source.disputed:
                    warning = "Disputed"
            else:
                assert claim is not None
                badge = claim.confidence
                target = claim.anchor
            views.append(
                CitedItem(
                    prefix=item.prefix,
                    suffix=item.suffix,
                    target_anchor=target,
                    preview_id=f"pv-{number}-{index}",
                    badge=badge,
                    source=source,
                    claim=claim,
                    warning=warning,
                )
            )
        return CitationView(number, anchor, tuple(views))


def summarise(
    briefing: Briefing, assessments: Mapping[str, ClaimAssessment], badges: _Badges
) -> BriefingSummary:
    counts = Counter(assessment.confidence for assessment in assessments.values())
    return BriefingSummary(
        slug=briefing.slug,
        path=briefing_path(briefing.slug),
        title=briefing.title,
        date=long_date(briefing.date),
        date_iso=briefing.date.isoformat(),
        summary=briefing.summary,
        tags=tuple(TagView(tag, slugify(tag)) for tag in briefing.tags),
        status=briefing.status,
        marking=briefing.marking,
        confidence_counts=tuple(
            ConfidenceCount(badges.confidence(level), counts[level])
            for level in reversed(CONFIDENCE_ORDER)
            if counts[level]
        ),
        claim_count=len(assessments),
    )


def plan_site(
    briefings: list[Briefing],
    assessments: Mapping[str, Mapping[str, ClaimAssessment]],
    links: Mapping[str, Mapping[int, LinkTarget]],
    config: SiteConfig,
    portable: bool = False,
    base_url: str | None = None,
) -> SitePlan:
    """Plan every page of the published briefings. `assessments` and `links` are keyed by slug."""
    badges = _Badges(config)
    spec = config.spec
    site = SiteView(
        title=spec.title,
        description=spec.description,
        language=spec.language,
        base_url=base_url or spec.base_url,
        nav=(NavItem("Briefings", HOME_PATH),),
        portable=portable,
        markings=tuple(spec.markings),
    )
    ordered = sorted(briefings, key=lambda b: (b.date, b.slug), reverse=True)
    plan = SitePlan(site)
    plan.pages.append(HomePage(HOME_PATH, tuple(summarise(b, assessments[b.slug], badges) for b in ordered)))
    for briefing in ordered:
        plan.pages.append(
            _BriefingPlanner(
                briefing, assessments[briefing.slug], links.get(briefing.slug, {}), badges
            ).plan()
        )
    return plan
