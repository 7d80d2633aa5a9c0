"""The whole site as data: one typed view per page, with no I/O and no rendering.

Templates receive these views and only show them; every decision (what is published,
which badge a source gets, which flags a claim carries) is made here or in `analysis/`.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from generator.analysis.confidence import CONFIDENCE_ORDER, ClaimAssessment
from generator.analysis.estimative import LIKELIHOOD_TERMS
from generator.config import GradeConfig, SiteConfig
from generator.content.linking import LinkTarget
from generator.content.model import Briefing, Claim, Event, Source
from generator.content.values import tag_slug
from generator.indexes import (
    NOT_FOUND_PATH,
    SEARCH_PATH,
    SOURCES_PATH,
    TAGS_PATH,
    briefing_data,
    data_pages,
    last_change,
    paginate,
    plan_feed,
    plan_sitemap,
    plan_sources_page,
    plan_tag_pages,
    source_anchors,
)
from generator.jsontext import safe_json
from generator.markdown.body import render_inline
from generator.markdown.citations import CitationItem
from generator.planmemo import PlanMemo
from generator.timeline import UNKNOWN_GROUP, EventDate, title_key
from generator.urls import HOME_PATH, TIMELINE_PATH, briefing_path
from generator.views import (
    Backlink,
    Badge,
    BriefingPage,
    BriefingRef,
    BriefingSummary,
    CitationView,
    CitedItem,
    ClaimView,
    ConfidenceCount,
    CorrectionView,
    DeferredPage,
    EventClaim,
    EventSource,
    EventView,
    Evidence,
    FlagView,
    HomePage,
    Likelihood,
    NavItem,
    NotFoundPage,
    RedirectPage,
    SearchPage,
    SitePlan,
    SiteView,
    SourceView,
    TagView,
    TimelinePage,
    WithdrawnPage,
    YearGroup,
)

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


def _grade_badge(scale_name: str, scale: Mapping[str, GradeConfig], grade: str) -> Badge:
    found = scale.get(grade)
    if found is None:
        return Badge(scale_name, grade, "Unknown grade", "unknown")
    return Badge(scale_name, grade, found.label, found.strength)


class _Badges:
    """Badges from the site's scales: each grade's or level's badge is made once (a site of
    2,000 briefings shows about 70,000 of them)."""

    def __init__(self, config: SiteConfig) -> None:
        self.scales = config.spec.scales
        self._made: dict[tuple[str, str], Badge] = {}

    def reliability(self, grade: str) -> Badge:
        return self._grade("reliability", self.scales.reliability, grade)

    def credibility(self, grade: str | None) -> Badge | None:
        return None if grade is None else self._grade("credibility", self.scales.credibility, grade)

    def _grade(self, scale_name: str, scale: Mapping[str, GradeConfig], grade: str) -> Badge:
        badge = self._made.get((scale_name, grade))
        if badge is None:
            badge = self._made[scale_name, grade] = _grade_badge(scale_name, scale, grade)
        return badge

    def confidence(self, level: str) -> Badge:
        badge = self._made.get(("confidence", level))
        if badge is None:
            found = self.scales.confidence.get(level)  # type: ignore[call-overload]
            label = found.label if found else f"{level.capitalize()} confidence"
            strength = {"high": "strong", "moderate": "weak", "low": "unknown"}[level]
            badge = self._made["confidence", level] = Badge("confidence", "", label, strength, key=level)
        return badge


def _source_view(
    source: Source,
    badges: _Badges,
    backlinks: tuple[Backlink, ...],
    names: Mapping[str, Source],
    index_anchor: str,
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
        accessed_iso=source.accessed.iso if source.accessed else None,
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
        index_anchor=index_anchor,
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
        anchors: Mapping[tuple[str, str], str],
        base_url: str | None,
        language: str,
    ) -> None:
        self.briefing = briefing
        self.assessments = assessments
        self.links = links
        self.badges = badges
        self.anchors = anchors
        self.base_url = base_url
        self.language = language

    def plan(self) -> BriefingPage:
        briefing = self.briefing
        source_backlinks: dict[str, list[Backlink]] = {source_id: [] for source_id in briefing.sources}
        claim_backlinks: dict[str, list[Backlink]] = {claim_id: [] for claim_id in briefing.claims}
        for found in briefing.body.citations:
            link = Backlink(found.anchor, str(found.number), f"Citation {found.number} in the text")
            for item in found.items:
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
        for number, event in enumerate(briefing.timeline, start=1):
            for source_id in event.sources:
                if source_id in source_backlinks:
                    source_backlinks[source_id].append(
                        Backlink(f"event-{number}", f"T{number}", f"Timeline event {number}")
                    )
        sources = {
            source_id: _source_view(
                source,
                self.badges,
                tuple(source_backlinks[source_id]),
                briefing.sources,
                self.anchors[(briefing.slug, source_id)],
            )
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
        path = briefing_path(briefing.slug)
        claim_views = tuple(claims.values())
        source_views = tuple(sources.values())
        return BriefingPage(
            path=path,
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
            claims=claim_views,
            body_html=briefing.body.html,
            citations=citations,
            links=self.links,
            sources=source_views,
            timeline=tuple(
                event_view(event, f"event-{number}", briefing, claims, sources)
                for number, event in enumerate(briefing.timeline, start=1)
            ),
            revisions=tuple(
                CorrectionView(long_date(r.date), r.date.isoformat(), r.subject) for r in briefing.revisions
            ),
            base_url=self.base_url,
            language=self.language,
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


def _certainty(date: EventDate) -> tuple[str, ...]:
    """Words for how sure a date is; the stylesheet draws each differently."""
    words = []
    if date.is_interval:
        if date.earliest is None:
            words.append("open-start")
        elif date.latest is None:
            words.append("open-end")
        else:
            words.append("interval")
    if date.approximate:
        words.append("approximate")
    if date.uncertain:
        words.append("uncertain")
    if "X" in date.text:
        words.append("unspecified")
    return tuple(words) or ("exact",)


#: HTML's valid year, month and date strings (the day itself is checked by the EDTF parser).
_HTML_DATE = re.compile(r"[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-[0-9]{2})?)?")


def _html_datetime(date: EventDate) -> str | None:
    """The EDTF text where it is also a valid HTML date (2025, 2025-08, 2025-08-06): not a
    season (2025-21), nor year 0000, nor one with a qualifier or unspecified digits."""
    text = date.text
    qualified = date.is_interval or date.approximate or date.uncertain or "X" in text
    if qualified or not _HTML_DATE.fullmatch(text) or text.startswith("0000"):
        return None
    return text


def event_view(
    event: Event,
    anchor: str,
    briefing: Briefing,
    claims: Mapping[str, ClaimView],
    sources: Mapping[str, SourceView],
) -> EventView:
    """An event as drawn on a timeline; its badges link to the entries on its briefing's page."""
    page = briefing_path(briefing.slug)
    return EventView(
        anchor=anchor,
        date_text=event.date.display,
        datetime=_html_datetime(event.date),
        earliest_iso=event.date.earliest_iso,
        latest_iso=event.date.latest_iso,
        sort_key=event.date.sort_key,
        certainty=_certainty(event.date),
        title=event.title,
        description_html=render_inline(event.description) if event.description else None,
        claims=tuple(
            EventClaim(page, claims[c].anchor, claims[c].number, claims[c].statement, claims[c].confidence)
            for c in event.claims
            if c in claims
        ),
        sources=tuple(
            EventSource(page, sources[s].anchor, sources[s].name, sources[s].reliability)
            for s in event.sources
            if s in sources
        ),
        briefings=(BriefingRef(briefing.title, page),),
    )


def plan_timeline(briefing_pages: Iterable[BriefingPage]) -> TimelinePage:
    """Every event of every published briefing, in order, grouped by year.

    Events that several briefings share (the same date and title) are shown once, with
    every briefing they come from.
    """
    same_event: dict[tuple[str, str], list[EventView]] = {}
    briefing_count = 0
    for page in briefing_pages:
        briefing_count += bool(page.timeline)
        for event in page.timeline:
            same_event.setdefault((event.date_text, event.title), []).append(event)
    merged = {key: _merged_event(events) for key, events in same_event.items()}
    years: dict[str, list[EventView]] = {}
    ordered = sorted(merged.items(), key=lambda item: (item[1].sort_key, title_key(item[0][1]), item[0][0]))
    for number, (_, event) in enumerate(ordered, start=1):
        unknown, (year, _, _), _ = event.sort_key
        label = UNKNOWN_GROUP if unknown else f"{1 - year} BCE" if year <= 0 else str(year)
        years.setdefault(label, []).append(dataclasses.replace(event, anchor=f"event-{number}"))
    return TimelinePage(
        path=TIMELINE_PATH,
        years=tuple(YearGroup(year, tuple(events)) for year, events in years.items()),
        event_count=len(merged),
        briefing_count=briefing_count,
    )


def _merged_event(events: list[EventView]) -> EventView:
    """One event that briefings share: the claims and sources of each, in turn, its briefings
    by title, and the first description. Built once from all of them, so that an event
    shared by every briefing of a large site costs time in proportion to them, not to their
    square (merging them one by one copied and sorted the growing lists each time)."""
    first = events[0]
    if len(events) == 1:
        return first
    return dataclasses.replace(
        first,
        claims=tuple(claim for event in events for claim in event.claims),
        sources=tuple(source for event in events for source in event.sources),
        # A briefing that lists the same event twice is named once.
        briefings=tuple(
            sorted(
                dict.fromkeys(ref for event in events for ref in event.briefings),
                key=lambda ref: title_key(ref.title),
            )
        ),
        description_html=next((event.description_html for event in events if event.description_html), None),
    )


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
        tags=tuple(TagView(tag, tag_slug(tag)) for tag in briefing.tags),
        status=briefing.status,
        marking=briefing.marking,
        confidence_counts=tuple(
            ConfidenceCount(badges.confidence(level), counts[level])
            for level in reversed(CONFIDENCE_ORDER)
            if counts[level]
        ),
        claim_count=len(assessments),
    )


#: Languages written right to left, by their primary subtag (BCP 47), and such scripts.
_RIGHT_TO_LEFT = frozenset(
    {"ar", "arc", "azb", "ckb", "dv", "fa", "he", "iw", "ks", "mzn", "nqo", "prs", "ps", "rhg", "sd", "syr"}
    | {"ug", "ur", "yi"}
)
_RIGHT_TO_LEFT_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def text_direction(language: str) -> str:
    """`rtl` or `ltr` for a BCP 47 language tag; a script subtag (the one after the language,
    and an extended language, if any) decides where there is one: `ku-Arab` is right to
    left, `az-Latn` left to right. Subtags after a singleton (`-u-`, `-x-`) are not read."""
    subtags = language.replace("_", "-").lower().split("-")
    after = subtags[1:]
    while after and len(after[0]) == 3 and after[0].isalpha():  # extended language subtags
        after = after[1:]
    if after and len(after[0]) == 4 and after[0].isalpha():
        return "rtl" if after[0] in _RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in _RIGHT_TO_LEFT else "ltr"


def site_view(config: SiteConfig, portable: bool, base_url: str | None) -> SiteView:
    """What every page shows of the site: its title, language, navigation."""
    spec = config.spec
    return SiteView(
        title=spec.title,
        description=spec.description,
        language=spec.language,
        direction=text_direction(spec.language),
        base_url=base_url,
        nav=(
            NavItem("Briefings", HOME_PATH),
            NavItem("Timeline", TIMELINE_PATH),
            NavItem("Sources", SOURCES_PATH),
            NavItem("Tags", TAGS_PATH),
            NavItem("Search", SEARCH_PATH),
        ),
        portable=portable,
        markings=tuple(spec.markings),
    )


def plan_briefing_page(
    briefing: Briefing,
    assessments: Mapping[str, ClaimAssessment],
    links: Mapping[int, LinkTarget],
    config: SiteConfig,
    anchors: Mapping[tuple[str, str], str],
    base_url: str | None,
    badges: _Badges | None = None,
) -> BriefingPage:
    """A published briefing's own page; `anchors` are its sources' anchors on /sources/.
    `badges`, if given, are the site's (made from `config`), shared by its pages."""
    badges = _Badges(config) if badges is None else badges
    return _BriefingPlanner(
        briefing, assessments, links, badges, anchors, base_url, config.spec.language
    ).plan()


def _briefing_json(
    briefing: Briefing,
    page: BriefingPage,
    assessments: Mapping[str, ClaimAssessment],
    config: SiteConfig,
    memo: PlanMemo | None,
) -> str:
    """The briefing's JSON data, or what `memo` kept for the same page."""

    def make() -> str:
        return safe_json(briefing_data(briefing, page, assessments, config))

    return make() if memo is None else memo.data(briefing, page, make)


def plan_site(
    briefings: list[Briefing],
    assessments: Mapping[str, Mapping[str, ClaimAssessment]],
    links: Mapping[str, Mapping[int, LinkTarget]],
    config: SiteConfig,
    portable: bool = False,
    base_url: str | None = None,
    memo: PlanMemo | None = None,
) -> SitePlan:
    """Plan every page of the published briefings. `assessments` and `links` are keyed by slug;
    `memo` holds the pages and data of the last build in this process."""
    spec = config.spec
    base_url = base_url or spec.base_url
    site = site_view(config, portable, base_url)
    everything = sorted(briefings, key=lambda b: (b.date, b.slug), reverse=True)
    ordered = [briefing for briefing in everything if not briefing.is_withdrawn]
    by_slug = {briefing.slug: briefing for briefing in ordered}
    anchors = source_anchors(ordered)
    plan = SitePlan(site, source_anchors=anchors)
    badges = _Badges(config)

    def briefing_page(briefing: Briefing) -> BriefingPage:
        """The briefing's page, or the one `memo` kept when planned from the same inputs."""
        own_assessments, own_links = assessments[briefing.slug], links.get(briefing.slug, {})

        def plan_page() -> BriefingPage:
            return plan_briefing_page(briefing, own_assessments, own_links, config, anchors, base_url, badges)

        if memo is None:
            return plan_page()
        own_anchors = tuple(anchors[(briefing.slug, source_id)] for source_id in briefing.sources)
        return memo.page(briefing, own_assessments, own_links, own_anchors, base_url, plan_page)

    briefing_pages = [briefing_page(briefing) for briefing in ordered]
    summaries = tuple(page.summary for page in briefing_pages)
    plan.pages.extend(
        HomePage(path, chunk, pager, len(summaries)) for path, chunk, pager in paginate(HOME_PATH, summaries)
    )
    plan.pages.extend(briefing_pages)
    plan.pages.extend(
        WithdrawnPage(
            briefing_path(b.slug), b.title, long_date(b.date), b.date.isoformat(), b.summary, b.marking
        )
        for b in everything
        if b.is_withdrawn
    )
    plan.pages.extend(
        # A withdrawn briefing's old addresses lead to its notice, as its own address does.
        RedirectPage(briefing_path(alias), briefing_path(b.slug), b.title)
        for b in everything
        for alias in b.aliases
    )
    # The merged timeline and the sources index are planned by the workers that render them.
    plan.pages.append(DeferredPage(TIMELINE_PATH, functools.partial(plan_timeline, briefing_pages)))
    sources_page = functools.partial(plan_sources_page, briefing_pages, by_slug)
    plan.pages.append(DeferredPage(SOURCES_PATH, sources_page))
    plan.pages.extend(plan_tag_pages(summaries))
    plan.pages.append(_search_page(summaries, badges, config))
    plan.pages.append(NotFoundPage(NOT_FOUND_PATH, urlsplit(base_url).path or "/" if base_url else "/"))
    per_briefing = [
        (
            page,
            functools.partial(
                _briefing_json, by_slug[page.summary.slug], page, assessments[page.summary.slug], config, memo
            ),
        )
        for page in briefing_pages
    ]
    site_data: dict[str, object] = {"title": spec.title, "base_url": base_url, "language": spec.language}
    plan.pages.extend(data_pages(per_briefing, site_data))
    if base_url:
        # A preview built with --drafts shows its drafts, but announces none to feed readers
        # or search engines.
        drafts = {briefing_path(b.slug) for b in ordered if b.is_draft}
        plan.pages.append(plan_feed([p for p in briefing_pages if p.path not in drafts], by_slug, base_url))
        listed = [
            (page.path, None)
            for page in plan.pages
            if page.path.endswith("index.html")
            and not isinstance(page, WithdrawnPage | RedirectPage)
            and page.path not in drafts
        ]
        dated = {page.path: last_change(by_slug[page.summary.slug]) for page in briefing_pages}
        plan.pages.append(plan_sitemap([(path, dated.get(path)) for path, _ in listed], base_url))
    return plan


def _search_page(summaries: Iterable[BriefingSummary], badges: _Badges, config: SiteConfig) -> SearchPage:
    """The search page, with its filters' values in the order of their scales (the values
    are the badges' words, as each briefing's search record gives them)."""
    return SearchPage(
        SEARCH_PATH,
        _all_tags(summaries),
        confidence_order=tuple(badges.confidence(level).label for level in ("high", "moderate", "low")),
        reliability_order=tuple(badges.reliability(grade).text for grade in config.spec.scales.reliability),
    )


def _all_tags(summaries: Iterable[BriefingSummary]) -> tuple[TagView, ...]:
    """Every spelling of every tag, with its slug: the search page groups its tag filter's
    values by slug, as the tag pages do."""
    tags = {(tag.name, tag.slug): tag for summary in summaries for tag in summary.tags}
    return tuple(sorted(tags.values(), key=lambda tag: (tag.name.casefold(), tag.name, tag.slug)))
