"""Typed views of the site's pages: what templates receive. Plain data, no policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from generator.content.linking import LinkTarget
from generator.content.values import slug_of
from generator.jsontext import safe_json, without_nulls
from generator.urls import absolute_url


@dataclass(frozen=True, slots=True)
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
        grade = slug_of(self.key or self.grade) or "none"
        return f"badge badge-{self.scale} badge-{self.scale}-{grade} is-{self.strength}"


@dataclass(frozen=True, slots=True)
class Backlink:
    anchor: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
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
    accessed_iso: str | None
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
    #: The source's anchor on /sources/, where every use of it across the site is listed.
    index_anchor: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """One source under a key judgment."""

    anchor: str
    source: SourceView
    credibility: Badge | None


@dataclass(frozen=True, slots=True)
class Likelihood:
    term: str
    range_text: str


@dataclass(frozen=True, slots=True)
class FlagView:
    kind: str
    label: str
    explanation: str


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class CitationView:
    number: int
    anchor: str
    items: tuple[CitedItem, ...]


@dataclass(frozen=True, slots=True)
class TagView:
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class ConfidenceCount:
    badge: Badge
    count: int


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class CorrectionView:
    date: str
    date_iso: str
    text: str


@dataclass(frozen=True, slots=True)
class BriefingRef:
    title: str
    path: str


@dataclass(frozen=True, slots=True)
class EventClaim:
    """A claim an event cites: its badge, linking to the claim on its briefing's page."""

    path: str
    anchor: str
    number: int
    statement: str
    badge: Badge


@dataclass(frozen=True, slots=True)
class EventSource:
    path: str
    anchor: str
    name: str
    badge: Badge


@dataclass(frozen=True, slots=True)
class EventView:
    """One timeline event: its date in words, its bounds, and how sure the date is."""

    anchor: str
    date_text: str
    #: A valid HTML `datetime` value where the date has one (exact day, month or year).
    datetime: str | None
    earliest_iso: str | None
    latest_iso: str | None
    #: Unknown (last), then the earliest and latest possible days (`EventDate.sort_key`).
    sort_key: tuple[bool, tuple[int, int, int], tuple[int, int, int]]
    #: `exact`, `approximate`, `uncertain`, `unspecified`, `interval`, `open-start`, `open-end`.
    certainty: tuple[str, ...]
    title: str
    description_html: str | None
    claims: tuple[EventClaim, ...]
    sources: tuple[EventSource, ...]
    briefings: tuple[BriefingRef, ...]

    @property
    def css_class(self) -> str:
        return " ".join(f"is-{word}" for word in self.certainty)


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: str
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class TimelinePage:
    path: str
    years: tuple[YearGroup, ...]
    event_count: int
    briefing_count: int
    template: str = "timeline.html"


#: How a claim's confidence came to be, in its JSON-LD: given by the analyst, or derived.
_BASIS = {True: "assessed", False: "derived"}


@dataclass(frozen=True, slots=True)
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
    timeline: tuple[EventView, ...]
    revisions: tuple[CorrectionView, ...] = ()
    #: The site's address (for the JSON-LD's URLs) and language.
    base_url: str | None = None
    language: str = "en"
    template: str = "briefing.html"

    @property
    def json_ld(self) -> str:
        """schema.org `Report` with its `Claim`s, safe to place inside a <script> element.
        Made from the view when the page is rendered (in a render worker), not kept with it:
        at 10,000 briefings the JSON-LD of every page took 37 MB."""
        url = absolute_url(self.base_url, self.path) if self.base_url else None
        report: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "Report",
            "headline": self.title,
            "name": self.title,
            "datePublished": self.date_iso,
            "inLanguage": self.language,
            "abstract": self.summary.summary,
            "keywords": [tag.name for tag in self.summary.tags],
            "author": [{"@type": "Person", "name": name} for name in self.authors],
            "hasPart": [
                {
                    "@type": "Claim",
                    "@id": f"{url}#{claim.anchor}" if url else None,
                    "text": claim.statement,
                    "position": claim.number,
                    "description": f"{claim.confidence.text} ({_BASIS[claim.is_assessed]})",
                    "citation": [
                        {"@type": "CreativeWork", "name": evidence.source.name, "url": evidence.source.url}
                        for evidence in claim.evidence
                    ],
                }
                for claim in self.claims
            ],
            "citation": [
                {
                    "@type": "CreativeWork",
                    "name": source.name,
                    "publisher": source.publisher,
                    "url": source.url,
                    "datePublished": source.published_iso,
                }
                for source in self.sources
            ],
        }
        if url:
            report["url"] = url
            report["mainEntityOfPage"] = url
        if self.updated_iso:
            report["dateModified"] = self.updated_iso
        return safe_json(without_nulls(report))


@dataclass(frozen=True, slots=True)
class PagerLink:
    number: int
    path: str


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page of a long list stands among its pages."""

    number: int
    pages: tuple[PagerLink, ...]

    @property
    def previous(self) -> PagerLink | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PagerLink | None:
        return self.pages[self.number] if self.number < len(self.pages) else None


@dataclass(frozen=True, slots=True)
class HomePage:
    path: str
    briefings: tuple[BriefingSummary, ...]
    pager: Pager
    total: int
    template: str = "index.html"


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every page knows about the site."""

    title: str
    description: str | None
    language: str
    #: `rtl` for a language written right to left (Arabic, Hebrew, Persian, ...), else `ltr`.
    direction: str
    base_url: str | None
    nav: tuple[NavItem, ...]
    portable: bool
    markings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceUse:
    """One claim or briefing that rests on a source, as listed on /sources/."""

    briefing: BriefingRef
    claim: EventClaim | None
    citations: int


@dataclass(frozen=True, slots=True)
class SiteSource:
    """A source across the whole site: one registry id, or one URL, or one briefing's local id."""

    anchor: str
    name: str
    view: SourceView
    ratings: tuple[Badge, ...]
    uses: tuple[SourceUse, ...]
    briefing_count: int
    claim_count: int


@dataclass(frozen=True, slots=True)
class SourcesPage:
    path: str
    discredited: tuple[SiteSource, ...]
    sources: tuple[SiteSource, ...]
    template: str = "sources.html"


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: TagView
    path: str
    count: int


@dataclass(frozen=True, slots=True)
class TagsPage:
    path: str
    tags: tuple[TagCount, ...]
    template: str = "tags.html"


@dataclass(frozen=True, slots=True)
class TagPage:
    path: str
    tag: TagView
    briefings: tuple[BriefingSummary, ...]
    pager: Pager
    total: int
    template: str = "tag.html"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str
    published: str
    updated: str
    summary: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    corrections: tuple[CorrectionView, ...]


@dataclass(frozen=True, slots=True)
class FeedPage:
    path: str
    url: str
    home_url: str
    updated: str
    entries: tuple[FeedEntry, ...]
    template: str = "feed.xml"


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    lastmod: str | None


@dataclass(frozen=True, slots=True)
class SitemapPage:
    path: str
    entries: tuple[SitemapEntry, ...]
    template: str = "sitemap.xml"


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    """`404.html`: served by hosts at any depth, so its links are root-relative."""

    path: str
    root_path: str
    template: str = "404.html"


@dataclass(frozen=True, slots=True)
class JsonPage:
    """A JSON file for other tools, made where it is written (in a render worker) rather
    than kept with the plan: at 10,000 briefings their text took 58 MB of the planning
    process, and making it 0.5 s of its time while one core waited.

    `/data/briefings.json` is every briefing's JSON one after the other (`whole_site`): it
    changes with nearly every full build and is always written, never fingerprinted first,
    as the sources index is."""

    path: str
    #: Makes the file's text, in parts.
    make_parts: Callable[[], Iterable[str]]
    whole_site: bool = False
    template: str = ""


@dataclass(frozen=True, slots=True)
class WithdrawnPage:
    """What is left of a withdrawn briefing: a notice with its title, date and reason."""

    path: str
    title: str
    date: str
    date_iso: str
    reason: str | None
    marking: str
    template: str = "withdrawn.html"


@dataclass(frozen=True, slots=True)
class RedirectPage:
    """An old address (an alias) that sends readers to a briefing's page."""

    path: str
    target: str
    title: str
    template: str = "redirect.html"


@dataclass(frozen=True, slots=True)
class SearchPage:
    path: str
    #: Every spelling of every tag: the tag filter offers one option per slug.
    tags: tuple[TagView, ...]
    #: The confidence and reliability filters' values in the order of their scales,
    #: strongest first, as the search page lists them (not in the alphabet's order).
    confidence_order: tuple[str, ...] = ()
    reliability_order: tuple[str, ...] = ()
    template: str = "search.html"

    @property
    def tag_slugs(self) -> dict[str, str]:
        return {tag.name: tag.slug for tag in self.tags}


Page = (
    BriefingPage
    | HomePage
    | TimelinePage
    | SourcesPage
    | TagsPage
    | TagPage
    | FeedPage
    | SitemapPage
    | NotFoundPage
    | JsonPage
    | SearchPage
    | WithdrawnPage
    | RedirectPage
)


@dataclass(frozen=True, slots=True)
class DeferredPage:
    """A page of the whole site (the merged timeline, the sources index), planned by the
    worker that renders it rather than by the one process that plans the rest of the site:
    while it plans these, the briefing pages are rendered on the other cores. Planning the
    two took 2–3 s at 10,000 briefings, in which one of two cores had nothing to do."""

    path: str
    #: Makes the page's view: a `TimelinePage` or a `SourcesPage`.
    plan: Callable[[], Page]


@dataclass
class SitePlan:
    """Every page of the site, in a stable order."""

    site: SiteView
    pages: list[Page | DeferredPage] = field(default_factory=list)
    #: (briefing slug, source id) → the source's anchor on /sources/.
    source_anchors: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Page | DeferredPage]:
        return iter(self.pages)
